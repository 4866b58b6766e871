"""The warm start: always feasible when returned, never worse after swaps, same optimum."""

from __future__ import annotations

import pytest
from test_spatial import layer, scenario
from toy import toy_parcels, toy_scenario

from landopt.heuristic import greedy_start, improve, is_feasible, objective_with_edges, warm_start
from landopt.model import compile_model
from landopt.solvers import solve_model


def test_greedy_start_on_the_toy_is_feasible_and_improvable():
    m = compile_model(toy_scenario(), toy_parcels())
    x = greedy_start(m)
    assert x is not None and is_feasible(m, x)
    better = improve(m, x)
    assert is_feasible(m, better)
    assert objective_with_edges(m, better)[0] <= objective_with_edges(m, x)[0] + 1e-9
    assert objective_with_edges(m, better)[0] >= 165.0 - 1e-9  # never below the optimum


def test_warm_start_with_the_boundary_penalty():
    m = compile_model(scenario(50.0), layer())
    x = warm_start(m)
    assert x is not None and is_feasible(m, x)
    value, y = objective_with_edges(m, x)
    assert value == pytest.approx(float(m.c @ y)) and value >= 45.0 - 1e-9


def test_greedy_returns_none_rather_than_an_infeasible_plan():
    m = compile_model(
        toy_scenario(**{"actions.upgrade.targets": {"count": 2, "area_min": 100}}), toy_parcels()
    )
    assert greedy_start(m) is None


def test_solver_with_warm_start_reaches_the_same_optimum():
    m = compile_model(scenario(50.0), layer())
    on = solve_model(m, warm_start="on")
    off = solve_model(m, warm_start="off")
    assert on.objective == pytest.approx(45.0) and off.objective == pytest.approx(45.0)
    assert "warm_start_objective" in on.options and "warm_start_objective" not in off.options


def _two_years() -> tuple[object, object]:
    """Two inefficient plots, no idle land, no stock: clear one in 2023, re-supply one in 2024.

    Only the plot cleared in 2023 can be re-supplied in 2024 (the sequence clear -> revitalize,
    gap 1, at 1 万元/亩): the start must clear P1 (cost 1, 3 mu) and then re-supply it (3);
    clearing P0 (cost 5, 2 mu) and re-supplying it (2) costs 7 against 4.
    """
    import pandas as pd

    from landopt.scenario import scenario_from_dict

    parcels = pd.DataFrame(
        {
            "parcel_id": ["P0", "P1", "P2"],
            "status": ["inefficient", "inefficient", "in_use"],
            "area_mu": [2.0, 3.0, 4.0],
            "cost_clear_wan": [5.0, 1.0, 9.0],
            "cost_revitalize_wan": [float("nan")] * 3,
        }
    )
    sc = scenario_from_dict(
        {
            "name": "two years",
            "checks": {"absent_values": "allow"},
            "actions": {
                "clear": {"cost": "cost_clear_wan", "eligible": {"field": "status", "in": ["inefficient"]}},
                "revitalize": {"cost": "cost_revitalize_wan", "eligible": {"field": "status", "in": ["idle"]}},
            },
            "programme": {
                "years": [2023, 2024],
                "sequences": [{"first": "clear", "then": "revitalize", "gap": 1, "cost_per_mu": 1.0}],
                "targets": [
                    {"action": "clear", "year": 2023, "count": 1},
                    {"action": "revitalize", "year": 2024, "count": 1},
                ],
            },
        }
    )
    return sc, parcels


def test_programme_start_resupplies_the_land_it_cleared():
    from landopt.heuristic import programme_start

    sc, parcels = _two_years()
    m = compile_model(sc, parcels)
    x = programme_start(m)
    assert x is not None and is_feasible(m, x)
    on = [int(i) for i in (x[: m.n_x] > 0.5).nonzero()[0]]
    chosen = {(m.parcel_ids[m.var_parcel[i]], int(m.var_year[i]), int(m.var_stage[i])) for i in on}
    assert chosen == {("P1", 2023, 0), ("P1", 2024, 1)}
    assert objective_with_edges(m, x)[0] == pytest.approx(4.0)
    # "auto" hands programmes the start, and the solve proves the same optimum
    res = solve_model(m)
    assert res.options.get("warm_start_objective") == pytest.approx(4.0)
    assert res.status == "optimal" and res.objective == pytest.approx(4.0)


def test_programme_start_is_dropped_when_a_year_cannot_be_filled():
    from landopt.heuristic import programme_start

    sc, parcels = _two_years()
    sc = sc.with_value(
        "programme.targets",
        [{"action": "clear", "year": 2023, "count": 1}, {"action": "revitalize", "year": 2024, "count": 2}],
    )
    assert programme_start(compile_model(sc, parcels)) is None


def test_the_warm_start_does_not_depend_on_the_time_limit(monkeypatch):
    """Its work is counted, not timed: the same start at 60 s and at 300 s, and with the swap
    pass capped at a handful of trials it stops at the cap, not at a clock."""
    import numpy as np

    from landopt import heuristic
    from landopt.scenario import SolverOptions
    from landopt.solvers.highs import warm_start_plan

    m = compile_model(scenario(50.0), layer())
    a, va = warm_start_plan(m, SolverOptions(time_limit=60))
    b, vb = warm_start_plan(m, SolverOptions(time_limit=300))
    assert va == vb and np.array_equal(a, b)
    monkeypatch.setattr(heuristic, "MAX_TRIALS", 1)
    monkeypatch.setattr(heuristic.time, "perf_counter", lambda: 0.0)  # a clock that never moves
    x = heuristic.improve(m, heuristic.greedy_start(m), max_trials=1)
    assert is_feasible(m, x)
