"""Infeasible scenarios: the findings, the conflict set in the planner's terms, the least shortfall."""

from __future__ import annotations

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
