"""Infeasible scenarios: the findings, the conflict set in the planner's terms, the least shortfall."""

from __future__ import annotations

import importlib

import pytest
from toy import toy_parcels, toy_scenario

from landopt.diagnose import _Feasibility, closest_plan, conflict_set, diagnose, precheck
from landopt.model import compile_model


def keys(statements):
    return sorted(s.key for s in statements)


def assert_irreducible(m, conflict):
    """The set is infeasible, and dropping any one statement makes it feasible."""
    oracle = _Feasibility(m, m.scenario.solver)
    assert oracle.feasible(conflict) is False
    for s in conflict:
        assert oracle.feasible([x for x in conflict if x.key != s.key]) is True, s.key


def test_feasible_model_has_no_findings_and_no_conflict():
    m = compile_model(toy_scenario(), toy_parcels())
    assert precheck(m) == []
    assert conflict_set(m)[0] == []


def test_too_few_eligible_plots():
    m = compile_model(toy_scenario(**{"actions.revitalize.targets": {"count": 3}}), toy_parcels())
    assert precheck(m) == [
        "revitalize needs 3 plots but only 2 plots are eligible (status in [idle])"
    ]
    assert keys(conflict_set(m)[0]) == ["count[revitalize]"]


def test_area_beyond_largest_plots():
    m = compile_model(
        toy_scenario(**{"actions.upgrade.targets": {"count": 2, "area_min": 100}}), toy_parcels()
    )
    assert "the 2 largest eligible plots total 90.0 mu" in precheck(m)[0]
    conflict = conflict_set(m)[0]
    assert keys(conflict) == ["area_min[upgrade]", "count[upgrade]"]
    assert_irreducible(m, conflict)


def test_targets_that_conflict_only_together():
    # clear >= 50 mu needs P3 (the only clear plot of 50 mu); revitalize >= 50 mu also needs P3
    m = compile_model(
        toy_scenario(
            **{
                "actions.clear.targets": {"count": 1, "area_min": 50},
                "actions.revitalize.targets": {"count": 1, "area_min": 50},
            }
        ),
        toy_parcels(),
    )
    assert precheck(m) == []  # each target alone is reachable
    conflict = conflict_set(m)[0]
    # the clear and revitalize targets compete for P3; upgrade is not involved
    assert keys(conflict) == ["area_min[clear]", "area_min[revitalize]", "count[clear]"]
    assert_irreducible(m, conflict)


def test_budget_below_cheapest():
    m = compile_model(toy_scenario(**{"actions.clear.budget": 30}), toy_parcels())
    (finding,) = precheck(m)
    assert "clear's budget is 30 万元, but meeting its targets costs at least 40 万元" in finding
    conflict = conflict_set(m)[0]
    assert "budget[clear]" in keys(conflict) and len(conflict) == 2
    assert_irreducible(m, conflict)


def test_total_budget_conflict_with_targets():
    m = compile_model(toy_scenario(**{"budget": {"total": 160}}), toy_parcels())
    conflict = conflict_set(m)[0]
    assert "budget_total" in keys(conflict)
    assert_irreducible(m, conflict)


def test_lock_conflicts():
    m = compile_model(toy_scenario(**{"locks": {"exclude": {"P5": "all"}}}), toy_parcels())
    assert (
        "upgrade needs 2 plots and ≥ 80.0 mu, but all 2 eligible plots total 50.0 mu"
        == precheck(m)[0]
    )
    conflict = conflict_set(m)[0]
    assert keys(conflict) == ["area_min[upgrade]", "lock_out[P5]"]  # without P5, 50 mu at most
    assert_irreducible(m, conflict)
    m = compile_model(toy_scenario(**{"locks": {"include": {"P4": "clear"}}}), toy_parcels())
    assert any("P4" in f and "not eligible" in f for f in precheck(m))


def test_elastic_shortfall_is_least():
    # revitalize 3 plots: only 2 eligible -> short 1 plot; area 40 still met
    m = compile_model(
        toy_scenario(**{"actions.revitalize.targets": {"count": 3, "area_min": 40}}), toy_parcels()
    )
    res, shortfalls = closest_plan(m)
    assert res.has_solution
    by_key = {s.key: s for s in shortfalls}
    assert by_key["count[revitalize]"].missing == 1
    assert by_key["area_min[revitalize]"].missing == 0
    assert by_key["count[upgrade]"].missing == 0


def test_diagnosis_explains_in_words():
    d = diagnose(
        compile_model(
            toy_scenario(**{"actions.upgrade.targets": {"count": 2, "area_min": 100}}),
            toy_parcels(),
        )
    )
    text = d.explain()
    assert "cannot hold together" in text and "upgrade: at least 100.0 mu" in text
    assert "90.0 mu reached, 10.0 mu short" in text
    assert d.record()["shortfalls"]


@pytest.mark.parametrize("target", [{"count": 2, "area_max": 45}, {"count_min": 4}])
def test_other_infeasible_forms(target):
    m = compile_model(toy_scenario(**{"actions.upgrade.targets": target}), toy_parcels())
    d = diagnose(m)
    assert d.conflict and d.closest is not None and d.closest.has_solution
    assert_irreducible(m, d.conflict)


# ------------------------------------------------------------------ honest labels
def _short_model():
    # revitalize 3 plots where only 2 are eligible: short 1 plot
    return compile_model(
        toy_scenario(**{"actions.revitalize.targets": {"count": 3, "area_min": 40}}), toy_parcels()
    )


def test_closest_plan_is_optimal_only_when_both_phases_were_proven(monkeypatch):
    from dataclasses import replace

    diagnose_mod = importlib.import_module("landopt.diagnose")

    proven, _ = closest_plan(_short_model())
    assert proven.status == "optimal" and proven.proven_optimal
    real = diagnose_mod.solve_compiled
    calls = []

    def first_phase_stopped(*a, **k):
        res = real(*a, **k)
        calls.append(res)
        if len(calls) == 1:  # the least-shortfall phase stopped early
            return replace(res, status="time_limit", proven_optimal=False, time_limit_hit=True)
        return res

    monkeypatch.setattr(diagnose_mod, "solve_compiled", first_phase_stopped)
    res, shortfalls = closest_plan(_short_model())
    assert len(calls) == 2 and calls[1].status == "optimal"
    assert res.has_solution and res.status == "time_limit" and not res.proven_optimal
    assert res.gap is None and "least shortfall was not proven" in res.message
    assert shortfalls


def test_closest_plan_without_a_second_phase_plan_is_the_first_phase_plan(monkeypatch):
    from dataclasses import replace

    diagnose_mod = importlib.import_module("landopt.diagnose")

    real = diagnose_mod.solve_compiled
    calls = []

    def second_phase_empty(*a, **k):
        res = real(*a, **k)
        calls.append(res)
        if len(calls) == 2:
            return replace(
                res, status="time_limit", has_solution=False, x=None, proven_optimal=False
            )
        return res

    monkeypatch.setattr(diagnose_mod, "solve_compiled", second_phase_empty)
    res, shortfalls = closest_plan(_short_model())
    assert res.has_solution and res.status == "time_limit" and not res.proven_optimal
    assert {s.key: s.missing for s in shortfalls}["count[revitalize]"] == 1


def test_diagnosis_phases_share_one_budget(monkeypatch):
    diagnose_mod = importlib.import_module("landopt.diagnose")
    from landopt.solving import Deadline

    now = [0.0]
    seen = []
    real = diagnose_mod.solve_compiled

    def spy(*a, deadline=None, **k):
        seen.append(deadline.remaining())
        now[0] += 3.0
        return real(*a, deadline=deadline, **k)

    monkeypatch.setattr(diagnose_mod, "solve_compiled", spy)
    closest_plan(_short_model(), deadline=Deadline(10.0, clock=lambda: now[0]))
    assert seen == pytest.approx([7.5, 7.0])  # phase 1: 3/4 of the budget; phase 2: the rest


def test_undecided_feasibility_is_said_to_be_undecided(monkeypatch):
    m = compile_model(
        toy_scenario(**{"actions.upgrade.targets": {"count": 2, "area_min": 100}}), toy_parcels()
    )
    monkeypatch.setattr(_Feasibility, "feasible", lambda self, active, time_limit=None: None)
    conflict, notes = conflict_set(m)
    assert conflict == []
    assert notes and "undecided" in notes[0]


def test_conflict_set_is_called_irreducible_not_smallest():
    diagnose_mod = importlib.import_module("landopt.diagnose")

    assert (conflict_set.__doc__ or "").startswith("An irreducible set")
    assert "irreducible" in (diagnose_mod.__doc__ or "")


def test_keyboard_interrupt_propagates_from_the_closest_plan(monkeypatch):
    diagnose_mod = importlib.import_module("landopt.diagnose")

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(diagnose_mod, "solve_compiled", interrupted)
    with pytest.raises(KeyboardInterrupt):
        diagnose(_short_model())


def test_closest_plan_keeps_min_blocks():
    # clear 6 of the row of squares where only 5 are eligible: the closest plan may not take
    # the lone E (a 15 mu block) when blocks must reach 40 mu; the bare elastic model did
    from test_spatial import layer, scenario

    from landopt.plan import solve

    s = scenario(0.0).with_value("spatial.min_block_mu", 40.0)
    s = s.with_value("actions.clear.targets.count", 6)
    plan = solve(s, layer(), allow_shortfall=True)
    assert sorted(plan.chosen["parcel_id"]) == ["A", "B", "C", "D"]
    checks = {c.name: c for c in plan.checks}
    assert checks["min_block"].ok
    assert plan.result.status == "optimal"


def test_an_impossible_target_in_a_chinese_scenario_is_explained_in_chinese():
    from landopt.errors import TargetsUnmetError
    from landopt.plan import solve

    sc = toy_scenario(**{"lang": "zh", "actions.revitalize.targets": {"count": 3}, "budget.total": 1})
    with pytest.raises(TargetsUnmetError) as exc:
        solve(sc, toy_parcels())
    text = str(exc.value)
    assert text.startswith("目标无法全部达成。")
    assert "盘活需要 3 宗，但符合条件的只有 2 宗" in text
    assert "总预算为 1 万元，但达成各措施的目标至少需要 150 万元" in text
    assert "方案中以下几项要求无法同时满足" in text and "  - 盘活：恰好 3 宗" in text
    assert "还差 3 宗" in text
    assert not any(w in text for w in ("needs", "reached", "short", "budget"))


def test_the_closest_plan_in_chinese_and_english():
    changes = {
        "actions.clear.targets": {"count": 1, "area_min": 50},
        "actions.revitalize.targets": {"count": 1, "area_min": 50},
    }
    m = compile_model(toy_scenario(lang="zh", **changes), toy_parcels())
    d = diagnose(m)
    assert "  - 盘活：不少于 50.0 亩，实际 40.0 亩，还差 10.0 亩" in d.explain()
    m = compile_model(toy_scenario(**changes), toy_parcels())
    assert "  - revitalize: at least 50.0 mu: 40.0 mu reached, 10.0 mu short" in diagnose(m).explain()


def test_notes_and_solver_words_in_chinese(monkeypatch):
    from landopt.diagnose import solver_message, status_word

    m = compile_model(
        toy_scenario(lang="zh", **{"actions.upgrade.targets": {"count": 2, "area_min": 100}}),
        toy_parcels(),
    )
    monkeypatch.setattr(_Feasibility, "feasible", lambda self, active, time_limit=None: None)
    notes = conflict_set(m)[1]
    assert notes and "未判定" in notes[0] and "undecided" not in notes[0]
    assert status_word("time_limit", "zh") == "达到时限" and status_word("time_limit") == "time_limit"
    assert solver_message("Time limit reached", "zh") == "达到求解时限"


def test_min_blocks_that_cannot_be_met_are_said_in_chinese():
    from test_spatial import layer, scenario

    from landopt.errors import TargetsUnmetError
    from landopt.plan import solve

    s = scenario(0.0).with_value("spatial.min_block_mu", 1000.0).with_value("lang", "zh")
    with pytest.raises(TargetsUnmetError, match="连片地块都不小于 1000 亩时，没有方案能达成目标"):
        solve(s, layer())
