"""The independent re-check (landopt/check.py) on hand-made layers.

Layout: a row of 100 m squares (15 mu each), E far away, G touching F at a corner only::

    H A B C D F            (H housing, F already cleared)
                G          (G's lower-left corner is F's upper-right corner)
                      E

A–E and G are inefficient and eligible for clear (10 万元 each).

Where a test says "the shared code lies", it replaces the model's eligibility, zone shares
and adjacency with wrong answers: the re-check must still reach the right verdict,
because it recomputes them from the attributes and the geometry.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box
from toy import toy_parcels, toy_scenario

import landopt.adjacency
import landopt.model
import landopt.plan
import landopt.prepare
import landopt.scenario
import landopt.zones
from landopt.check import Check, check_plan, evaluate_rule
from landopt.model import compile_model
from landopt.parcels import prepare_parcels
from landopt.plan import attach_actions, solve
from landopt.scenario import scenario_from_dict

X0, Y0 = 589_000.0, 4_074_000.0
XY = {
    "H": (-100, 0),
    "A": (0, 0),
    "B": (100, 0),
    "C": (200, 0),
    "D": (300, 0),
    "F": (400, 0),
    "G": (500, 100),
    "E": (2000, 0),
}


def layer() -> gpd.GeoDataFrame:
    rows = []
    for k, (x, y) in XY.items():
        rows.append(
            {
                "parcel_id": k,
                "status": {"H": "in_use", "F": "cleared"}.get(k, "inefficient"),
                "landuse_code": "0701" if k == "H" else "100102",
                "cost_clear_wan": 10.0,
                "geometry": box(X0 + x, Y0 + y, X0 + x + 100, Y0 + y + 100),
            }
        )
    return prepare_parcels(gpd.GeoDataFrame(rows, crs="EPSG:4548"))


def scenario(spatial: dict | None = None, count: int = 1):
    return scenario_from_dict(
        {
            "name": "check",
            "actions": {
                "clear": {
                    "label": "c",
                    "cost": "cost_clear_wan",
                    "eligible": {"field": "status", "in": ["inefficient"]},
                    "targets": {"count": count},
                }
            },
            "spatial": spatial or {},
        }
    )


def plan_of(parcels: gpd.GeoDataFrame, chosen: list[str], action: str = "clear"):
    out = parcels.copy()
    out["action"] = [action if p in chosen else "none" for p in out["parcel_id"]]
    return out


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


@pytest.fixture
def shared_code_lies(monkeypatch):
    """The model's eligibility says every parcel may get every action; zones and adjacency are unusable."""

    def everything(scenario, parcels):
        return pd.DataFrame(
            {a: np.ones(len(parcels), dtype=bool) for a in scenario.action_names},
            index=parcels.index,
        )

    def broken(*args, **kwargs):
        raise AssertionError("the re-check must not use the model's arrays")

    for mod in (landopt.prepare, landopt.plan):
        monkeypatch.setattr(mod, "effective_eligibility", everything, raising=False)
    monkeypatch.setattr(landopt.scenario, "eligibility", everything)
    monkeypatch.setattr(landopt.scenario.Rule, "evaluate", broken)
    monkeypatch.setattr(landopt.prepare, "zone_membership", broken)
    monkeypatch.setattr(landopt.zones, "zone_membership", broken)
    monkeypatch.setattr(landopt.zones, "touch_mask", broken)
    monkeypatch.setattr(landopt.prepare, "touch_mask", broken)
    monkeypatch.setattr(landopt.prepare.Prepared, "boundary_sets", broken)
    monkeypatch.setattr(landopt.adjacency, "adjacency", broken)


# ------------------------------------------------------------------ one action per parcel
def test_a_parcel_with_two_actions_in_x_is_an_error():
    s, parcels = toy_scenario(), toy_parcels()
    model = compile_model(s, parcels)
    plan = solve(s, parcels)
    x = plan.result.x.copy()
    # give P3 (cleared in the optimum) revitalize as well: attach_actions keeps only one
    both = np.flatnonzero(
        (model.var_parcel == 2) & (np.asarray(model.action_names)[model.var_action] == "revitalize")
    )
    x[both] = 1.0
    layer_ = attach_actions(parcels, model, x)
    checks = by_name(check_plan(s, layer_, objective=plan.result.objective, x=x, model=model))
    assert not checks["one_action"].ok and checks["one_action"].decided
    assert "P3" in checks["one_action"].detail
    good = by_name(
        check_plan(s, plan.parcels, objective=plan.result.objective, x=plan.result.x, model=model)
    )
    assert good["one_action"].ok and good["actions match x"].ok and good["binary[x]"].ok


def test_action_column_must_agree_with_x():
    s, parcels = toy_scenario(), toy_parcels()
    plan = solve(s, parcels)
    model = compile_model(s, parcels)
    bad = plan.parcels.copy()
    bad.loc[bad["parcel_id"] == "P4", "action"] = "none"
    checks = by_name(
        check_plan(s, bad, objective=plan.result.objective, x=plan.result.x, model=model)
    )
    assert not checks["actions match x"].ok and "P4" in checks["actions match x"].detail


def test_a_solved_plan_passes_every_check():
    s = scenario(
        {
            "zones": [
                {"name": "hb", "kind": "exclude", "around_landuse": ["0701"], "buffer_m": 50}
            ],
            "touch": {"clear": ["cleared"]},
            "min_block_mu": 20.0,
        },
        count=1,
    )
    plan = solve(s, layer())
    assert sorted(plan.chosen["parcel_id"]) == ["D"]
    assert all(c.ok for c in plan.checks), [c for c in plan.checks if not c.ok]
    names = {c.name for c in plan.checks}
    assert {
        "one_action",
        "actions match x",
        "eligibility[clear]",
        "min_block",
        "objective",
    } <= names


# ------------------------------------------------------------------ eligibility
def test_ineligible_action_is_caught_when_the_shared_code_lies(shared_code_lies):
    s = scenario()
    checks = by_name(check_plan(s, plan_of(layer(), ["H"]), objective=10.0))
    assert not checks["eligibility[clear]"].ok and "H" in checks["eligibility[clear]"].detail
    assert by_name(check_plan(s, plan_of(layer(), ["A"]), objective=10.0))["eligibility[clear]"].ok


def test_parcel_in_an_exclusion_zone_is_caught(shared_code_lies):
    s = scenario(
        {"zones": [{"name": "hb", "kind": "exclude", "around_landuse": ["0701"], "buffer_m": 50}]}
    )
    bad = by_name(check_plan(s, plan_of(layer(), ["A"]), objective=10.0))
    assert not bad["eligibility[clear]"].ok and "A" in bad["eligibility[clear]"].detail
    # B is 100 m from H, beyond the 50 m buffer
    assert by_name(check_plan(s, plan_of(layer(), ["B"]), objective=10.0))["eligibility[clear]"].ok


def test_touching_rule_broken_is_caught(shared_code_lies):
    s = scenario({"touch": {"clear": ["cleared"]}})
    assert not by_name(check_plan(s, plan_of(layer(), ["A"]), objective=10.0))[
        "eligibility[clear]"
    ].ok
    assert by_name(check_plan(s, plan_of(layer(), ["D"]), objective=10.0))["eligibility[clear]"].ok
    # G meets the cleared F at a corner only: no shared boundary, so it does not touch it
    corner = by_name(check_plan(s, plan_of(layer(), ["G"]), objective=10.0))
    assert not corner["eligibility[clear]"].ok and "G" in corner["eligibility[clear]"].detail


def test_priority_zone_share_from_the_geometry(tmp_path, shared_code_lies):
    gpd.GeoDataFrame(geometry=[box(X0, Y0, X0 + 100, Y0 + 100)], crs="EPSG:4548").to_file(
        tmp_path / "z.gpkg", engine="pyogrio"
    )
    s = scenario_from_dict(
        {
            "name": "share",
            "actions": {
                "clear": {
                    "label": "c",
                    "cost": "cost_clear_wan",
                    "eligible": {"field": "status", "in": ["inefficient"]},
                    "targets": {"count": 2},
                }
            },
            "spatial": {
                "zones": [{"name": "z", "kind": "priority", "path": "z.gpkg", "min_share": 0.5}]
            },
        },
        base_dir=tmp_path,
    )
    assert by_name(check_plan(s, plan_of(layer(), ["A", "B"]), objective=20.0))[
        "zone_share[z,clear]"
    ].ok
    bad = by_name(check_plan(s, plan_of(layer(), ["B", "C"]), objective=20.0))
    assert not bad["zone_share[z,clear]"].ok


# ------------------------------------------------------------------ blocks
def test_block_smaller_than_the_minimum_from_the_geometry(shared_code_lies):
    s = scenario({"min_block_mu": 40.0}, count=2)
    small = by_name(check_plan(s, plan_of(layer(), ["A", "B"]), objective=20.0))
    assert not small["min_block"].ok and "30.0 mu" in small["min_block"].detail
    # C + D with the cleared F they touch: 45 mu
    ok = by_name(check_plan(s, plan_of(layer(), ["C", "D"]), objective=20.0))
    assert ok["min_block"].ok and "45.0 mu" in ok["min_block"].detail
    # G touches F at a corner only: its own block of 15 mu
    corner = by_name(check_plan(s, plan_of(layer(), ["D", "G"]), objective=20.0))
    assert not corner["min_block"].ok and "G" in corner["min_block"].detail


def test_exposed_boundary_in_the_objective(shared_code_lies):
    s = scenario({"boundary_weight": 50.0}, count=2)
    # C + D: 600 m of perimeter, less D's 100 m against the cleared F: 0.5 km × 50 = 25
    checks = by_name(check_plan(s, plan_of(layer(), ["C", "D"]), objective=20.0 + 25.0))
    assert checks["objective"].ok, checks["objective"].detail
    wrong = by_name(check_plan(s, plan_of(layer(), ["C", "D"]), objective=20.0 + 30.0))
    assert not wrong["objective"].ok and wrong["objective"].decided


def test_neighbours_within_the_tolerance_across_a_small_gap():
    rows = [
        {
            "parcel_id": "A",
            "status": "inefficient",
            "cost_clear_wan": 10.0,
            "geometry": box(0, 0, 100, 100),
        },
        {
            "parcel_id": "B",
            "status": "cleared",
            "cost_clear_wan": 10.0,
            "geometry": box(100.2, 0, 200, 100),
        },
    ]
    parcels = prepare_parcels(gpd.GeoDataFrame(rows, crs="EPSG:4548"))
    s = scenario({"touch": {"clear": ["cleared"]}, "tolerance_m": 0.5})
    assert by_name(check_plan(s, plan_of(parcels, ["A"]), objective=10.0))["eligibility[clear]"].ok
    far = scenario({"touch": {"clear": ["cleared"]}, "tolerance_m": 0.1})
    assert not by_name(check_plan(far, plan_of(parcels, ["A"]), objective=10.0))[
        "eligibility[clear]"
    ].ok


# ------------------------------------------------------------------ undecided
def test_an_undecided_check_says_so_rather_than_passing():
    s, parcels = toy_scenario(), toy_parcels()
    plan = solve(s, parcels)
    none_given = by_name(check_plan(s, plan.parcels))
    assert not none_given["objective"].ok and not none_given["objective"].decided
    assert (
        none_given["objective"].state == "undecided"
        and "undecided" in none_given["objective"].detail
    )
    gone = plan.parcels.drop(columns="cost_upgrade_wan")
    checks = by_name(check_plan(s, gone, objective=plan.result.objective))
    assert (
        checks["objective"].state == "undecided"
        and "cost_upgrade_wan" in checks["objective"].detail
    )
    # an undecided check is not a failure that stops the plan
    assert landopt.plan.failed_checks(checks.values()) == []


def test_zones_without_geometry_are_undecided():
    s = scenario({"touch": {"clear": ["cleared"]}})
    plain = pd.DataFrame(plan_of(layer(), ["D"]).drop(columns="geometry"))
    checks = by_name(check_plan(s, plain, objective=10.0))
    assert checks["geometry"].state == "undecided"


# ------------------------------------------------------------------ the rule evaluator
@pytest.mark.parametrize(
    "rule",
    [
        {"field": "code", "in": ["0701", 5]},
        {"field": "code", "eq": "0701"},
        {"field": "code", "ne": "0701"},
        {"field": "num", "in": [5, "7"]},
        {"field": "num", "not_in": [5]},
        {"field": "num", "ge": 5},
        {"field": "text_num", "lt": 3},
        {"field": "flag", "eq": True},
        {"field": "num", "is_null": True},
        {"field": "code", "not_null": True},
        {"not": {"any": [{"field": "num", "gt": 6}, {"field": "code", "in": ["x"]}]}},
        {},
    ],
)
def test_rule_evaluator_agrees_with_the_scenario_semantics(rule):
    df = pd.DataFrame(
        {
            "code": ["0701", "5", None, "x", "0702"],
            "num": [5.0, 7.0, np.nan, 4.0, 6.0],
            "text_num": ["1", "abc", None, "2.5", "3"],
            "flag": [True, False, True, False, True],
        }
    )
    s = scenario_from_dict(
        {
            "name": "r",
            "actions": {"a": {"label": "a", "cost": "num", "eligible": rule, "targets": {}}},
        }
    )
    r = s.actions[0].eligible
    np.testing.assert_array_equal(evaluate_rule(r, df), r.evaluate(df))


def test_objective_on_overlapping_parcels_is_undecided_not_failed():
    # A and B overlap by 0.2 m: the model (tolerant adjacency) counts 100 m shared; the
    # union of the geometry cannot tell exactly, so a mismatch is undecided
    rows = [
        {
            "parcel_id": "A",
            "status": "inefficient",
            "cost_clear_wan": 10.0,
            "geometry": box(0, 0, 100, 100),
        },
        {
            "parcel_id": "B",
            "status": "inefficient",
            "cost_clear_wan": 10.0,
            "geometry": box(99.8, 0, 200, 100),
        },
    ]
    parcels = prepare_parcels(gpd.GeoDataFrame(rows, crs="EPSG:4548"))
    s = scenario({"boundary_weight": 50.0, "tolerance_m": 0.5}, count=2)
    plan = solve(s, parcels)
    objective = by_name(plan.checks)["objective"]
    assert objective.state in ("passed", "undecided")
    wrong = by_name(check_plan(s, plan.parcels, objective=plan.result.objective + 7.0))
    assert wrong["objective"].state == "undecided" and "gaps, overlaps" in wrong["objective"].detail


def test_a_plan_failing_a_rule_check_is_never_shown_as_met():
    from dataclasses import replace

    from landopt.report import report_html

    plan = solve(scenario(), layer())
    assert plan.targets_met
    broken = replace(
        plan,
        checks=[*plan.checks, Check("eligibility[clear]", False, "P6: not eligible for clear")],
    )
    assert not broken.targets_met  # its targets checks pass, but the plan is wrong
    assert [c.name for c in broken.failed_checks] == ["eligibility[clear]"]
    for lang, met, banner in (
        ("zh", "全部目标达成", "复核未通过"),
        ("en", "All targets met", "Re-check FAILED"),
    ):
        html = report_html(broken, map_png=b"png", interactive=False, lang=lang)
        assert met not in html and banner in html and "P6: not eligible for clear" in html
    assert "checks-failed" not in report_html(plan, map_png=b"png", interactive=False)


def test_check_details_speak_the_scenarios_language():
    plan = solve(toy_scenario(lang="zh", **{"budget.total": 1000}), toy_parcels())
    by = {c.name: c.detail for c in plan.checks}
    assert by["count[upgrade]"] == "2 宗，目标 2 宗"
    assert by["area_min[upgrade]"].endswith("亩，目标不少于 80.00 亩")
    assert by["budget_total"].endswith("预算 1,000.0 万元")
    assert by["eligibility[clear]"] == "全部 1 宗均符合条件"
    assert by["objective"].startswith("重新计算为 ")
    plan = solve(toy_scenario(**{"budget.total": 1000}), toy_parcels())
    by = {c.name: c.detail for c in plan.checks}
    assert by["count[upgrade]"] == "2 plots against 2 plots"
    assert by["eligibility[clear]"] == "all 1 plots eligible"
