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
