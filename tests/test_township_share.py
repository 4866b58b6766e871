"""The township-share rule (landopt.rules.township_share): optimum by hand, brute force, every path."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landopt.analysis import alternatives, sweep
from landopt.check import check_plan
from landopt.errors import ScenarioError, TargetsUnmetError
from landopt.i18n import t
from landopt.model import compile_model
from landopt.plan import solve
from landopt.rules import component
from landopt.rules.township_share import TownshipShareSpec
from landopt.scenario import scenario_from_dict


def layer(areas=(10, 10, 10, 10), costs=(1, 1, 5, 5), towns=("东", "东", "西", "西")):
    n = len(areas)
    return pd.DataFrame(
        {
            "parcel_id": [f"P{k}" for k in range(n)],
            "status": ["inefficient"] * n,
            "township": list(towns),
            "area_mu": [float(a) for a in areas],
            "cost_clear_wan": [float(c) for c in costs],
        }
    )


def scenario(count=2, share=None, actions=(), field="township", area_min=None):
    targets = {"count": count}
    if area_min is not None:
        targets["area_min"] = area_min
    s = scenario_from_dict(
        {
            "name": "towns",
            "actions": {
                "clear": {
                    "label": "出清",
                    "cost": "cost_clear_wan",
                    "eligible": {"field": "status", "in": ["inefficient"]},
                    "targets": targets,
                }
            },
        }
    )
    if share is None:
        return s
    spec = TownshipShareSpec(max=share, actions=tuple(actions), field=field)
    return replace(s, rules=(("township_share", spec),))


# ------------------------------------------------------------------ by hand
def test_without_the_rule_the_two_cheap_plots_of_one_township_win():
    plan = solve(scenario(), layer())
    assert plan.result.objective == pytest.approx(2.0)
    assert set(plan.chosen["township"]) == {"东"}


def test_half_share_takes_one_plot_from_each_township():
    # 东 may hold at most 50 % of 20 mu = 10 mu: one cheap plot (1) and one dear one (5)
    plan = solve(scenario(share=0.5), layer())
    assert plan.result.status == "optimal"
    assert plan.result.objective == pytest.approx(6.0)
    assert sorted(plan.chosen["township"]) == ["东", "西"]
    check = {c.name: c for c in plan.checks}["township_share[clear]"]
    assert check.ok and "50.0%" in check.detail


def test_the_rows_are_those_of_the_formulation():
    m = compile_model(scenario(share=0.5), layer())
    # townships in sorted order: 东 is 0, 西 is 1; coefficient ([p in g] - rho) s_p
    assert m.row("township_share_clear_0") == (
        {"x_0_clear": 5.0, "x_1_clear": 5.0, "x_2_clear": -5.0, "x_3_clear": -5.0},
        "<=",
        0.0,
    )
    st_ = m.statement("township_share[clear]")
    assert st_.kind == "township_share" and len(st_.rows) == 2


def test_a_share_no_plan_can_meet_is_diagnosed_as_the_planners_statement():
    # each plot is 10 mu of 20: any township holding one holds 50 % > 40 %
    with pytest.raises(TargetsUnmetError) as exc:
        solve(scenario(share=0.4), layer())
    keys = {s.key for s in exc.value.diagnosis.conflict}
    assert "township_share[clear]" in keys


def test_the_check_catches_a_plan_over_the_share():
    s = scenario(share=0.5)
    parcels = layer().assign(action=["clear", "clear", "none", "none"])
    check = {c.name: c for c in check_plan(s, parcels)}["township_share[clear]"]
    assert not check.ok and "100.0%" in check.detail and "东" in check.detail


def test_a_missing_township_column_is_named():
    with pytest.raises(ScenarioError, match=r"township_share.*no column 'town'"):
        solve(scenario(share=0.5, field="town"), layer())


def test_parcels_without_a_township_form_a_group_of_their_own():
    towns = ("东", None, "西", "")
    plan = solve(scenario(share=0.5, count=2), layer(costs=(1, 1, 5, 1), towns=towns))
    # the two no-township plots (rows 1 and 3) are one group: at most one of them
    assert plan.result.objective == pytest.approx(2.0)
    assert plan.chosen["parcel_id"].tolist() == ["P0", "P1"] or plan.chosen["parcel_id"].tolist() == ["P0", "P3"]


def test_described_for_planners_in_both_languages():
    s = scenario(share=0.3)
    comp = component("township_share")
    assert comp.describe(s, "en") == ["出清: no township takes more than 30% of its mu"]
    assert comp.describe(s, "zh") == ["出清：任一乡镇（街道）的面积不超过总面积的 30%"]
    assert t("rules.township_share.text", "zh", action="出清", share="30%").startswith("出清")


# ------------------------------------------------------------------ every path
def test_sweep_points_obey_the_share():
    s = scenario(share=0.5)
    table = sweep(s, layer(), {"actions.clear.targets.count": [2, 4]}, jobs=1).table
    # count 2: one plot each (6); count 4: all four (12), 50 % each
    assert table["objective"].tolist() == pytest.approx([6.0, 12.0])


def test_alternatives_obey_the_share():
    s = scenario(share=0.5)
    alt = alternatives(s, layer(), k=3, within=1.0, differ=1)
    for p in alt.all_plans:
        assert {c.name: c for c in p.checks}["township_share[clear]"].ok
        assert sorted(p.chosen["township"]) == ["东", "西"]


# ------------------------------------------------------------------ brute force
def _brute(areas, costs, towns, count, share):
    best = None
    for combo in itertools.combinations(range(len(areas)), count):
        mu = sum(areas[i] for i in combo)
        by = {}
        for i in combo:
            by[towns[i]] = by.get(towns[i], 0.0) + areas[i]
        if mu and max(by.values()) > share * mu + 1e-9:
            continue
        cost = sum(costs[i] for i in combo)
        best = cost if best is None else min(best, cost)
    return best


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.lists(
        st.tuples(st.integers(1, 30), st.integers(0, 20), st.sampled_from(["a", "b", "c"])),
        min_size=2,
        max_size=7,
    ),
    count=st.integers(1, 4),
    share=st.sampled_from([0.34, 0.5, 0.6, 0.8, 1.0]),
)
def test_the_optimum_matches_brute_force(data, count, share):
    areas, costs, towns = (list(v) for v in zip(*data, strict=True))
    count = min(count, len(areas))
    want = _brute(areas, costs, towns, count, share)
    s = scenario(count=count, share=share)
    parcels = layer(areas, costs, towns)
    if want is None:
        with pytest.raises(TargetsUnmetError):
            solve(s, parcels)
        return
    plan = solve(s, parcels, gap=0.0, abs_gap=0.0)  # exact: compared with brute force
    assert plan.result.objective == pytest.approx(want, abs=1e-6)
    assert np.isclose(plan.chosen["area_mu"].sum(), plan.chosen["area_mu"].sum())


# ------------------------------------------------------------------ the scenario file
def _from_dict(table):
    base = scenario().to_dict()
    return scenario_from_dict({**base, "township_share": table})


def test_the_table_is_read_validated_and_written_back():
    s = _from_dict({"max": 0.5, "actions": ["clear"]})
    assert s.rule("township_share") == TownshipShareSpec(max=0.5, actions=("clear",))
    again = s.with_value("actions.clear.targets.count", 3)
    assert again.rule("township_share") == s.rule("township_share")
    assert solve(s, layer()).result.objective == pytest.approx(6.0)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"max": 1.5}, "max"),
        ({"max": 0.5, "actions": ["clean"]}, "clean"),
        ({"max": 0.5, "maximum": 1}, "maximum"),
    ],
)
def test_a_wrong_table_is_named(table, words):
    with pytest.raises(ScenarioError, match="township_share") as exc:
        _from_dict(table)
    assert words in str(exc.value)


def test_the_json_schema_has_the_table():
    from landopt.schema import scenario_json_schema

    schema = scenario_json_schema()
    assert "township_share" in schema["properties"]


def test_a_wrong_table_is_named_in_chinese_for_a_chinese_scenario():
    base = scenario().to_dict()
    with pytest.raises(ScenarioError, match="没有名为 'clean' 的措施"):
        scenario_from_dict({**base, "lang": "zh", "township_share": {"max": 0.5, "actions": ["clean"]}})
