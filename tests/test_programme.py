"""Multi-year programmes (issue 14): the table, the columns, sequences, yearly targets and budgets.

Every layer here is a few plots whose best schedule is worked out by hand in the test.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest
from toy import toy_parcels, toy_scenario

from landopt.check import check_plan, failed_checks
from landopt.errors import ScenarioError
from landopt.model import compile_model
from landopt.plan import attach_actions
from landopt.scenario import scenario_from_dict
from landopt.solving import solve_compiled

NAN = np.nan

ACTIONS: dict[str, Any] = {
    "clear": {
        "label": "出清",
        "cost": "cost_clear_wan",
        "benefit": "benefit_wan",
        "eligible": {"field": "status", "in": ["inefficient", "idle"]},
    },
    "revitalize": {
        "label": "盘活",
        "cost": "cost_revitalize_wan",
        "benefit": "benefit_wan",
        "eligible": {"field": "status", "in": ["idle"]},
    },
    "upgrade": {
        "label": "转型升级",
        "cost": "cost_upgrade_wan",
        "benefit": "benefit_wan",
        "eligible": {"field": "status", "in": ["upgrade_candidate"]},
    },
}


def layer(rows: list[dict[str, Any]]) -> pd.DataFrame:
    base = {
        "status": "inefficient",
        "area_mu": 10.0,
        "cost_clear_wan": NAN,
        "cost_revitalize_wan": NAN,
        "cost_upgrade_wan": NAN,
        "benefit_wan": NAN,
    }
    return pd.DataFrame([{**base, **r} for r in rows])


def scenario(programme: dict[str, Any], **top: Any) -> Any:
    d = {
        "name": "prog",
        "actions": copy.deepcopy(ACTIONS),
        "programme": programme,
        "checks": {"absent_values": "allow"},
        **top,
    }
    return scenario_from_dict(d)


def plan_of(sc: Any, parcels: pd.DataFrame) -> tuple[Any, Any, pd.DataFrame]:
    m = compile_model(sc, parcels)
    r = solve_compiled(m)
    assert r.status == "optimal", r.message
    plan = attach_actions(parcels, m, r.x)
    checks = check_plan(sc, plan, objective=r.objective, x=r.x, model=m)
    assert not failed_checks(checks), [c for c in checks if not c.ok]
    return m, r, plan


def steps(plan: pd.DataFrame) -> dict[str, tuple]:
    out = {}
    for _, row in plan.iterrows():
        if row["action"] != "none":
            y2 = None if pd.isna(row["year2"]) else int(row["year2"])
            out[row["parcel_id"]] = (row["action"], int(row["year"]), row["action2"], y2)
    return out


# --------------------------------------------------------------------------- the table
@pytest.mark.parametrize(
    ("programme", "words"),
    [
        ({"years": [2023, 2025]}, "not consecutive"),
        ({"years": [2023, 2024], "duration": {"upgrade": {"years": 2, "split": [0.6, 0.6]}}}, "sums to"),
        ({"years": [2023, 2024], "duration": {"upgrade": {"years": 2, "split": [1.0]}}}, "1 entries"),
        ({"years": [2023, 2024], "targets": [{"action": "clear", "year": 2023, "by": 2024, "count": 1}]}, "exactly one"),
        ({"years": [2023, 2024], "targets": [{"action": "clear", "year": 2026, "count": 1}]}, "not a year"),
        ({"years": [2023, 2024], "targets": [{"action": "demolish", "year": 2023, "count": 1}]}, "no action"),
        ({"years": [2023, 2024], "budgets": [{"year": 2023, "max_wan": 1, "action": "x"}]}, "no action"),
        ({"years": [2023, 2024], "benefit_targets": [{"by": 2024, "factor": 2.0}]}, "benefit target"),
        ({"years": [2023, 2024], "sequences": [{"first": "clear", "then": "clear"}]}, "both"),
    ],
)
def test_programme_problems_are_named(programme: dict[str, Any], words: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        scenario(programme)
    assert words in str(exc.value)


def test_programme_problems_in_chinese() -> None:
    with pytest.raises(ScenarioError) as exc:
        scenario({"years": [2023, 2025]}, lang="zh")
    assert "不是连续递增的年份" in str(exc.value)


def test_spatial_rules_needing_one_selection_are_refused() -> None:
    with pytest.raises(ScenarioError) as exc:
        scenario({"years": [2023, 2024]}, spatial={"min_block_mu": 20})
    assert "min_block_mu" in str(exc.value)


def test_the_programme_round_trips_through_to_dict() -> None:
    sc = scenario(
        {
            "years": [2023, 2024],
            "stock": {"field": "status", "in": ["cleared"]},
            "duration": {"upgrade": {"years": 2}},
            "targets": [{"action": "clear", "by": 2024, "count_min": 1}],
        }
    )
    again = scenario_from_dict(sc.to_dict())
    assert again.rule("programme") == sc.rule("programme")
    assert again.with_value("name", "x").rule("programme").years == (2023, 2024)


# --------------------------------------------------------------------------- one year
def test_a_one_year_scenario_has_the_year_columns_of_one_year() -> None:
    sc = toy_scenario(year=2023)
    m = compile_model(sc, toy_parcels())
    assert not m.is_programme
    assert set(m.var_year.tolist()) == {2023}
    assert not m.var_stage.any()
    assert np.array_equal(m.var_end, m.var_year)
    assert m.var_names[0].count("_") == 2  # x_<row>_<action>, unchanged
    r = solve_compiled(m)
    plan = attach_actions(toy_parcels(), m, r.x)
    assert not {"year", "year_end", "action2", "action2_label", "year2", "stock"} & set(plan.columns)
    assert not [s for s in m.row_names if s.startswith(("sequence_", "capacity_", "benefit_"))]


# --------------------------------------------------------------------------- columns
def test_columns_per_year_duration_stock_and_stage() -> None:
    parcels = layer(
        [
            {"parcel_id": "A", "cost_clear_wan": 10.0},
            {"parcel_id": "S", "status": "cleared"},
            {"parcel_id": "U", "status": "upgrade_candidate", "cost_upgrade_wan": 100.0},
        ]
    )
    sc = scenario(
        {
            "years": [2023, 2024, 2025],
            "stock": {"field": "status", "in": ["cleared"]},
            "duration": {"upgrade": {"years": 2}},
            "sequences": [{"first": "clear", "then": "revitalize", "gap": 1, "cost_per_mu": 3.0}],
        }
    )
    m = compile_model(sc, parcels)
    names = set(m.var_names)
    assert {"x_0_clear_2023", "x_0_clear_2024", "x_0_clear_2025"} <= names
    # stock: the then action in every year, whatever revitalize's own rule says
    assert {"x_1_revitalize_2023", "x_1_revitalize_2024", "x_1_revitalize_2025"} <= names
    assert not any(n.startswith("x_1_clear") for n in names)
    # a 2-year upgrade must complete by 2025
    assert {n for n in names if "upgrade" in n} == {"x_2_upgrade_2023", "x_2_upgrade_2024"}
    # stage 1: re-supply of A from 2024 (gap 1), at cost_per_mu x area
    assert {n for n in names if n.startswith("x2_")} == {"x2_0_revitalize_2024", "x2_0_revitalize_2025"}
    j = m.var_names.index("x2_0_revitalize_2024")
    assert m.var_cost[j] == 30.0
    assert m.var_end[m.var_names.index("x_2_upgrade_2023")] == 2024
    # one_action over the first actions only, sequence rows over the second steps
    coefs, sense, rhs = m.row("sequence_0_2025")
    assert coefs == {
        "x2_0_revitalize_2024": 1.0,
        "x2_0_revitalize_2025": 1.0,
        "x_0_clear_2023": -1.0,
        "x_0_clear_2024": -1.0,
    }
    assert (sense, rhs) == ("<=", 0.0)
    one, _, _ = m.row("one_action_0")
    assert set(one) == {"x_0_clear_2023", "x_0_clear_2024", "x_0_clear_2025"}


def test_windows_narrow_the_start_years() -> None:
    parcels = layer(
        [
            {"parcel_id": "A", "cost_clear_wan": 10.0, "lease_end": 2024, "court": None},
            {"parcel_id": "B", "cost_clear_wan": 10.0, "lease_end": None, "court": 2023},
        ]
    )
    sc = scenario({"years": [2023, 2024, 2025], "not_before": "lease_end", "not_after": "court", "sequences": []})
    m = compile_model(sc, parcels)
    assert set(m.var_names) == {"x_0_clear_2024", "x_0_clear_2025", "x_1_clear_2023"}


def test_a_window_column_that_is_not_years_is_a_named_problem() -> None:
    parcels = layer([{"parcel_id": "A", "cost_clear_wan": 10.0, "lease_end": "soon"}])
    sc = scenario({"years": [2023, 2024], "not_before": "lease_end"})
    with pytest.raises(ScenarioError, match="not years"):
        compile_model(sc, parcels)
    sc = scenario({"years": [2023, 2024], "not_before": "lease"})
    with pytest.raises(ScenarioError, match="no column"):
        compile_model(sc, parcels)
    sc = scenario({"years": [2023, 2024], "stock": {"field": "vacated", "eq": True}})
    with pytest.raises(ScenarioError, match="no column 'vacated'"):
        compile_model(sc, parcels)


# --------------------------------------------------------------------------- schedules
def test_a_sequence_only_the_joint_plan_finds() -> None:
    """(a) Re-supply 10 mu by 2024: revitalizing B costs 100; clearing A in 2023 (10) and
    re-supplying it in 2024 (1 万元/亩 x 10 mu = 10) costs 20, and 2023 must clear one plot.
    A year-by-year planner clears the cheapest plot in 2023 without looking ahead; the joint
    plan is clear A 2023 -> revitalize A 2024 for 20."""
    parcels = layer(
        [
            {"parcel_id": "A", "cost_clear_wan": 10.0},
            {"parcel_id": "B", "status": "idle", "cost_clear_wan": 8.0, "cost_revitalize_wan": 100.0},
        ]
    )
    sc = scenario(
        {
            "years": [2023, 2024],
            "sequences": [{"first": "clear", "then": "revitalize", "gap": 1, "cost_per_mu": 1.0}],
            "targets": [
                {"action": "clear", "year": 2023, "count": 1},
                {"action": "revitalize", "by": 2024, "area_min": 10},
            ],
        }
    )
    _m, r, plan = plan_of(sc, parcels)
    assert r.objective == pytest.approx(20.0)
    assert steps(plan) == {"A": ("clear", 2023, "revitalize", 2024)}
    assert plan.set_index("parcel_id").loc["A", "year_end"] == 2023


def test_stock_land_is_re_supplied_from_the_first_year() -> None:
    parcels = layer(
        [
            {"parcel_id": "S", "status": "cleared", "area_mu": 20.0},
            {"parcel_id": "B", "status": "idle", "cost_clear_wan": 5.0, "cost_revitalize_wan": 100.0},
        ]
    )
    sc = scenario(
        {
            "years": [2023, 2024],
            "stock": {"field": "status", "in": ["cleared"]},
            "sequences": [{"first": "clear", "then": "revitalize", "cost_per_mu": 2.0}],
            "targets": [{"action": "revitalize", "year": 2023, "area_min": 15}],
        }
    )
    _, r, plan = plan_of(sc, parcels)
    assert r.objective == pytest.approx(40.0)
    assert steps(plan) == {"S": ("revitalize", 2023, "none", None)}
    assert plan["stock"].tolist() == [True, False]


def test_a_yearly_budget_forces_an_action_into_a_later_year() -> None:
    """(b) Maximise benefit discounted from completion (10 %): both clearances want 2023, but
    2023's budget (100) pays for one. Y early: 30 + 10/1.1 = 39.09; X early: 10 + 30/1.1 = 37.27."""
    parcels = layer(
        [
            {"parcel_id": "X", "cost_clear_wan": 60.0, "benefit_wan": 10.0},
            {"parcel_id": "Y", "cost_clear_wan": 80.0, "benefit_wan": 30.0},
        ]
    )
    prog = {
        "years": [2023, 2024],
        "discount_rate": 0.1,
        "sequences": [],
        "targets": [{"action": "clear", "by": 2024, "count": 2}],
    }
    obj = {"objective": {"kind": "max_benefit"}}
    _, r, plan = plan_of(scenario(prog, **obj), parcels)
    assert r.objective == pytest.approx(40.0)
    assert {k: v[1] for k, v in steps(plan).items()} == {"X": 2023, "Y": 2023}
    prog["budgets"] = [{"year": 2023, "max_wan": 100}]
    _, r, plan = plan_of(scenario(prog, **obj), parcels)
    assert r.objective == pytest.approx(30 + 10 / 1.1)
    assert {k: v[1] for k, v in steps(plan).items()} == {"X": 2024, "Y": 2023}


def test_a_two_year_upgrade_splits_its_cost_over_two_budgets() -> None:
    """(d) A 2-year upgrade (100, 50/50) started in 2023 puts 50 in 2023 and 50 in 2024;
    with 2024's budget at 40 it must start in 2024 and complete in 2025."""
    parcels = layer([{"parcel_id": "U", "status": "upgrade_candidate", "cost_upgrade_wan": 100.0}])
    prog: dict[str, Any] = {
        "years": [2023, 2024, 2025],
        "duration": {"upgrade": {"years": 2, "split": [0.5, 0.5]}},
        "targets": [{"action": "upgrade", "by": 2025, "count": 1}],
        "budgets": [{"year": 2023, "max_wan": 60}, {"year": 2024, "max_wan": 60}],
    }
    m, _r, plan = plan_of(scenario(prog), parcels)
    assert m.row("budget_2024")[0] == {"x_0_upgrade_2023": 50.0, "x_0_upgrade_2024": 50.0}
    assert m.row("budget_2023")[0] == {"x_0_upgrade_2023": 50.0}
    prog["budgets"] = [{"year": 2023, "max_wan": 60}, {"year": 2024, "max_wan": 60}, {"year": 2025, "max_wan": 40}]
    _, _, plan = plan_of(scenario(prog), parcels)
    assert plan.loc[0, "year"] == 2023 and plan.loc[0, "year_end"] == 2024
    prog["budgets"] = [{"year": 2023, "max_wan": 40}, {"year": 2024, "max_wan": 60}, {"year": 2025, "max_wan": 60}]
    _, _, plan = plan_of(scenario(prog), parcels)
    assert plan.loc[0, "year"] == 2024 and plan.loc[0, "year_end"] == 2025


def test_the_discount_rate_weights_money_by_year() -> None:
    parcels = layer([{"parcel_id": "A", "cost_clear_wan": 121.0}])
    sc = scenario(
        {"years": [2023, 2024, 2025], "discount_rate": 0.1, "sequences": [],
         "targets": [{"action": "clear", "by": 2025, "count": 1}]}
    )
    m, _r, plan = plan_of(sc, parcels)
    assert m.c.tolist() == pytest.approx([121.0, 110.0, 100.0])
    assert plan.loc[0, "year"] == 2025


# --------------------------------------------------------------------------- the check
def _sequence_plan() -> tuple[Any, Any, Any, pd.DataFrame]:
    parcels = layer(
        [
            {"parcel_id": "A", "cost_clear_wan": 10.0},
            {"parcel_id": "B", "cost_clear_wan": 50.0},
        ]
    )
    sc = scenario(
        {
            "years": [2023, 2024, 2025],
            "sequences": [{"first": "clear", "then": "revitalize", "gap": 1, "cost_per_mu": 1.0}],
            "targets": [{"action": "clear", "year": 2023, "count": 1}, {"action": "revitalize", "year": 2025, "count": 1}],
            "budgets": [{"year": 2023, "max_wan": 30}],
        }
    )
    m, r, plan = plan_of(sc, parcels)
    return sc, m, r, plan


def test_the_check_reads_the_plans_own_year_columns() -> None:
    sc, _, r, plan = _sequence_plan()
    assert steps(plan) == {"A": ("clear", 2023, "revitalize", 2025)}
    lie = plan.copy()
    lie.loc[0, "year2"] = 2023  # re-supply the year it is cleared
    bad = {c.name for c in failed_checks(check_plan(sc, lie, objective=r.objective))}
    assert {"sequence", "count[revitalize,2025]"} <= bad
    lie = plan.copy()
    lie.loc[1, ["action", "year", "year_end"]] = ["clear", 2023, 2023]  # B cleared too: 60 in 2023
    bad = {c.name for c in failed_checks(check_plan(sc, lie, objective=r.objective))}
    assert {"budget[2023]", "count[clear,2023]"} <= bad
    lie = plan.copy()
    lie.loc[0, "year"] = 2026
    bad = {c.name for c in failed_checks(check_plan(sc, lie, objective=r.objective))}
    assert "programme_years" in bad


def test_the_check_is_not_fooled_by_a_model_that_lies() -> None:
    """Patch the model's years after solving: the plan's columns, not the model, are checked."""
    sc, m, r, _ = _sequence_plan()
    m.var_year[:] = 2025
    m.var_end[:] = 2025
    plan = attach_actions(m.prepared.parcels, m, r.x)
    bad = {c.name for c in failed_checks(check_plan(sc, plan, objective=r.objective, x=r.x, model=m))}
    assert {"sequence", "count[clear,2023]"} <= bad


# --------------------------------------------------------------------------- capacity, benefit, locks
def _three_clears(**extra: Any) -> pd.DataFrame:
    return layer(
        [
            {"parcel_id": "X", "cost_clear_wan": 10.0, "township": "T1", **extra},
            {"parcel_id": "Y", "cost_clear_wan": 20.0, "township": "T1", **extra},
            {"parcel_id": "Z", "cost_clear_wan": 30.0, "township": "T2", **extra},
        ]
    )


def test_capacity_per_year_and_per_township() -> None:
    """(e) Discounting (10 %) makes every clearance want 2024; 2 plots a year puts the
    cheapest-to-delay one (X, 10) in 2023; 1 per township a year puts X or Y in 2023."""
    prog: dict[str, Any] = {
        "years": [2023, 2024],
        "discount_rate": 0.1,
        "sequences": [],
        "targets": [{"action": "clear", "by": 2024, "count": 3}],
        "capacity": {"plots_per_year": 2},
    }
    m, r, plan = plan_of(scenario(prog), _three_clears())
    assert {k: v[1] for k, v in steps(plan).items()} == {"X": 2023, "Y": 2024, "Z": 2024}
    assert r.objective == pytest.approx(10 + 50 / 1.1)
    assert "capacity_2023" in m.row_names
    prog["capacity"] = {"plots_per_year": 1, "per": "township"}
    m, r, plan = plan_of(scenario(prog), _three_clears())
    years = {k: v[1] for k, v in steps(plan).items()}
    assert years == {"X": 2023, "Y": 2024, "Z": 2024}
    assert {"capacity_2023_0", "capacity_2023_1"} <= set(m.row_names)
    lie = plan.copy()
    lie["year"] = 2024
    lie["year_end"] = 2024
    bad = {c.name for c in failed_checks(check_plan(scenario(prog), lie, objective=r.objective))}
    assert "capacity[2024]" in bad


def test_a_benefit_target_forces_early_upgrades() -> None:
    """(c) Discounted cost wants both upgrades in 2025 (200/1.21); 'add 20 万元 a year by
    2023' forces both into 2023 (200)."""
    parcels = layer(
        [
            {"parcel_id": f"U{i}", "status": "upgrade_candidate", "cost_upgrade_wan": 100.0, "benefit_wan": 10.0}
            for i in (1, 2)
        ]
    )
    prog: dict[str, Any] = {
        "years": [2023, 2024, 2025],
        "discount_rate": 0.1,
        "targets": [{"action": "upgrade", "by": 2025, "count": 2}],
    }
    _, r, plan = plan_of(scenario(prog), parcels)
    assert r.objective == pytest.approx(200 / 1.21)
    prog["benefit_targets"] = [{"by": 2023, "baseline_wan": 20.0, "factor": 2.0}]
    m, r, plan = plan_of(scenario(prog), parcels)
    assert r.objective == pytest.approx(200.0)
    assert plan["year"].tolist() == [2023, 2023]
    assert m.row("benefit_by2023")[2] == 20.0
    lie = plan.copy()
    lie.loc[0, ["year", "year_end"]] = [2024, 2024]
    bad = {c.name for c in failed_checks(check_plan(scenario(prog), lie, objective=r.objective))}
    assert "benefit[by2023]" in bad


def test_a_year_lock_and_a_not_before_window() -> None:
    """(f) Discounting wants 2024 for all; the lock puts X in 2023; Y's lease ends 2024."""
    parcels = _three_clears()
    parcels["lease_end"] = [None, 2024, None]
    prog: dict[str, Any] = {
        "years": [2023, 2024],
        "discount_rate": 0.1,
        "sequences": [],
        "not_before": "lease_end",
        "targets": [{"action": "clear", "year": 2023, "count": 2}],
        "locks": {"X": {"action": "clear", "year": 2023}},
    }
    m, r, plan = plan_of(scenario(prog), parcels)
    assert {k: v[1] for k, v in steps(plan).items()} == {"X": 2023, "Z": 2023}
    assert "lock[X,clear,2023]" in {s.key for s in m.statements}
    lie = plan.copy()
    lie.loc[1, ["action", "year", "year_end"]] = ["clear", 2023, 2023]
    lie.loc[2, ["action", "year", "year_end"]] = ["none", None, None]
    bad = {c.name for c in failed_checks(check_plan(scenario(prog), lie, objective=r.objective))}
    assert "programme_window" in bad
    lie = plan.copy()
    lie.loc[0, ["year", "year_end"]] = [2024, 2024]
    bad = {c.name for c in failed_checks(check_plan(scenario(prog), lie, objective=r.objective))}
    assert "lock[X,clear,2023]" in bad


def test_a_lock_on_a_year_outside_the_window_is_a_named_conflict() -> None:
    from landopt.diagnose import precheck

    parcels = _three_clears()
    parcels["lease_end"] = [2024, None, None]
    sc = scenario({"years": [2023, 2024], "not_before": "lease_end", "locks": {"X": {"action": "clear", "year": 2023}}})
    found = precheck(compile_model(sc, parcels))
    assert any("X" in f and "2023" in f for f in found), found
    with pytest.raises(ScenarioError, match="no parcel has this id"):
        compile_model(scenario({"years": [2023, 2024], "locks": {"Q": {"action": "clear", "year": 2023}}}), parcels)


# --------------------------------------------------------------------------- rolling re-plan
def test_a_done_record_fixes_what_was_done() -> None:
    """A cleared in 2022 is cleared land from 2023 (gap 1); B's and C's 2-year upgrades
    started in 2022 are in progress: their 2023 halves (20 + 50) are spent from 2023's
    budget and their benefits (5 + 10) count by 2023; an entry of 2023 is a plan, not a
    deed, so D is open (its upgrade, 2 years, can only start in 2023)."""
    from types import SimpleNamespace
    from typing import NamedTuple

    from landopt.prepare import prepare

    class Entry(NamedTuple):
        row: int
        parcel_id: str
        action: str
        year: int
        stage: int

    parcels = layer(
        [
            {"parcel_id": "A", "cost_clear_wan": 10.0, "area_mu": 10.0},
            {"parcel_id": "B", "status": "upgrade_candidate", "cost_upgrade_wan": 40.0, "benefit_wan": 5.0},
            {"parcel_id": "C", "status": "upgrade_candidate", "cost_upgrade_wan": 100.0, "benefit_wan": 10.0},
            {"parcel_id": "D", "status": "upgrade_candidate", "cost_upgrade_wan": 30.0, "benefit_wan": 30.0},
        ]
    )
    done = SimpleNamespace(
        source="plan-2022/",
        entries=(
            Entry(0, "A", "clear", 2022, 0),
            Entry(1, "B", "upgrade", 2022, 0),
            Entry(2, "C", "upgrade", 2022, 0),
            Entry(3, "D", "upgrade", 2023, 0),
        ),
    )
    sc = scenario(
        {
            "years": [2023, 2024],
            "duration": {"upgrade": {"years": 2, "split": [0.5, 0.5]}},
            "sequences": [{"first": "clear", "then": "revitalize", "gap": 1, "cost_per_mu": 2.0}],
            "budgets": [{"year": 2023, "max_wan": 100}],
            "benefit_targets": [{"by": 2024, "min_wan": 40}],
            "targets": [{"action": "revitalize", "by": 2024, "count": 1}],
        }
    )
    m = compile_model(prepare(sc, parcels, done=done))
    assert set(m.var_names) == {
        "x_0_revitalize_2023",
        "x_0_revitalize_2024",
        "x_3_upgrade_2023",
    }
    assert m.stock.tolist() == [True, False, False, False]
    coefs, _, rhs = m.row("budget_2023")
    assert rhs == 100 - 20 - 50
    assert coefs == {"x_0_revitalize_2023": 20.0, "x_3_upgrade_2023": 15.0}
    assert m.row("benefit_by2024")[2] == 40 - 10 - 5
    r = solve_compiled(m)
    assert r.status == "optimal"
    plan = attach_actions(parcels, m, r.x)
    # 2023 has 30 left: D's half (15) fits, A's re-supply (20) then waits for 2024
    assert steps(plan) == {"A": ("revitalize", 2024, "none", None), "D": ("upgrade", 2023, "none", None)}
    assert not failed_checks(check_plan(sc, plan, objective=r.objective, x=r.x, model=m))


# --------------------------------------------------------------------------- diagnosis
def test_the_diagnosis_names_the_conflicting_yearly_statements() -> None:
    """(h) 2023 must clear both plots (60 each), but 2023's budget is 100: the conflict is
    {count[clear,2023], budget[2023]}; the closest plan clears one plot in 2023."""
    from landopt.diagnose import diagnose

    parcels = layer([{"parcel_id": "X", "cost_clear_wan": 60.0}, {"parcel_id": "Y", "cost_clear_wan": 60.0}])
    sc = scenario(
        {
            "years": [2023, 2024],
            "sequences": [],
            "targets": [
                {"action": "clear", "year": 2023, "count": 2},
                {"action": "clear", "by": 2024, "area_min": 10},
            ],
            "budgets": [{"year": 2023, "max_wan": 100}, {"year": 2024, "max_wan": 500}],
        }
    )
    m = compile_model(sc, parcels)
    assert solve_compiled(m).status == "infeasible"
    d = diagnose(m)
    assert {s.key for s in d.conflict} == {"count[clear,2023]", "budget[2023]"}
    unmet = {s.key: (s.target, s.achieved) for s in d.unmet}
    assert unmet == {"count[clear,2023]": (2.0, 1.0)}
    assert "2023" in d.explain()


def test_the_precheck_names_re_supply_that_cleared_land_cannot_reach_in_time() -> None:
    from landopt.diagnose import precheck

    parcels = layer(
        [
            {"parcel_id": "A", "cost_clear_wan": 10.0, "area_mu": 300.0},
            {"parcel_id": "S", "status": "cleared", "area_mu": 200.0},
        ]
    )
    prog = {
        "years": [2023, 2024, 2025],
        "stock": {"field": "status", "in": ["cleared"]},
        "not_before": "lease_end",
        "targets": [{"action": "revitalize", "year": 2025, "area_min": 800}],
    }
    parcels["lease_end"] = [2025, None]
    found = precheck(compile_model(scenario(prog), parcels))
    assert any("2025" in f and "800.0" in f and "200.0" in f for f in found), found
    found = precheck(compile_model(scenario(prog, lang="zh"), parcels))
    assert any("存量 200.0 亩" in f for f in found), found


# --------------------------------------------------------------------------- analysis
def test_sweep_alternatives_and_replacement_costs_keep_the_programme_rows() -> None:
    """(i) Every path goes through compile_model/solve_compiled: yearly rows hold in all."""
    from landopt.analysis import alternatives, replacement_costs, sweep
    from landopt.plan import solve

    parcels = _three_clears()
    prog: dict[str, Any] = {
        "years": [2023, 2024],
        "discount_rate": 0.1,
        "sequences": [],
        "targets": [{"action": "clear", "by": 2024, "count": 2}],
        "budgets": [{"year": 2024, "max_wan": 25}],
    }
    sc = scenario(prog)
    plan = solve(sc, parcels)
    # X 2023 + Y 2024 (10 + 20/1.1 = 28.2) beats Y 2023 + X 2024 (20 + 10/1.1 = 29.1);
    # both in 2024 would cost 30 there, over 2024's 25
    assert {k: v[1] for k, v in steps(plan.parcels).items()} == {"X": 2023, "Y": 2024}
    swept = sweep(sc, parcels, {"programme.discount_rate": [0.0, 0.1]}, jobs=1)
    assert swept.table["objective"].tolist() == pytest.approx([30.0, 10 + 20 / 1.1])
    rc = replacement_costs(plan, parcels)
    assert set(rc["parcel_id"]) == {"X", "Y"}
    # without X: Y and Z, Z (30) cannot be paid in 2024 -> Z 2023, Y 2024 (20/1.1 = 18.2 <= 25)
    assert rc.set_index("parcel_id").loc["X", "objective_without"] == pytest.approx(30 + 20 / 1.1)
    alts = alternatives(sc, parcels, k=2, within=1.0, differ=1, optimal=plan)
    assert len(alts.plans) == 2
    schedules = [tuple(sorted(steps(p.parcels).items())) for p in [plan, *alts.plans]]
    assert len(set(schedules)) == 3  # each differs from every earlier one (in a year at least)
    for p in alts.plans:
        assert not p.failed_checks
        spent_2024 = p.parcels.loc[p.parcels["year"] == 2024, "cost_clear_wan"].sum()
        assert spent_2024 <= 25


def test_the_plan_years_must_be_the_solvers() -> None:
    sc, m, r, plan = _sequence_plan()
    lie = plan.copy()
    lie.loc[0, "year2"] = 2024  # still after its clearance, but not what the solver chose
    bad = {c.name for c in failed_checks(check_plan(sc, lie, objective=r.objective, x=r.x, model=m))}
    assert "years match x" in bad


def test_whole_programme_locks_cover_every_year() -> None:
    """[locks] keeps its meaning over the programme: in = one first action in some year."""
    parcels = _three_clears()
    prog = {"years": [2023, 2024], "sequences": [], "discount_rate": 0.1}
    sc = scenario(prog, locks={"include": {"Z": "clear"}, "exclude": {"X": "all"}})
    m, _, plan = plan_of(sc, parcels)
    coefs, sense, rhs = m.row("lock_in_2_clear")
    assert (set(coefs), sense, rhs) == ({"x_2_clear_2023", "x_2_clear_2024"}, "==", 1.0)
    assert m.ub[[m.var_names.index("x_0_clear_2023"), m.var_names.index("x_0_clear_2024")]].tolist() == [0.0, 0.0]
    assert steps(plan) == {"Z": ("clear", 2024, "none", None)}
