"""Exact windows (landopt.solvers.windows): improve a penalised plan, never break a row.

A 6 x 6 grid of 100 m plots, all inefficient at 10 万元, clear exactly 4 with a strong
boundary weight: the optimum is any 2 x 2 block (exposed boundary 0.8 km); the start is
the four corners (1.6 km).
"""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from landopt.heuristic import is_feasible, objective_with_edges
from landopt.model import compile_model
from landopt.parcels import prepare_parcels
from landopt.scenario import SolverOptions, scenario_from_dict
from landopt.solvers import solve_model
from landopt.solvers import windows as W

X0, Y0, N = 500_000.0, 4_000_000.0, 6


def grid() -> gpd.GeoDataFrame:
    rows = [
        {
            "parcel_id": f"P{i}_{j}",
            "status": "inefficient",
            "cost_clear_wan": 10.0,
            "geometry": box(X0 + 100 * i, Y0 + 100 * j, X0 + 100 * i + 100, Y0 + 100 * j + 100),
        }
        for i in range(N)
        for j in range(N)
    ]
    return prepare_parcels(gpd.GeoDataFrame(rows, crs="EPSG:4548"))


def model(**solver):
    sc = scenario_from_dict(
        {
            "name": "grid",
            "actions": {
                "clear": {
                    "label": "c",
                    "cost": "cost_clear_wan",
                    "eligible": {"field": "status", "in": ["inefficient"]},
                    "targets": {"count": 4},
                }
            },
            "spatial": {"boundary_weight": 100.0},
            "solver": {"time_limit": 60, **solver},
        }
    )
    return compile_model(sc, grid())


def corners(m) -> np.ndarray:
    x = np.zeros(m.n_vars)
    ids = list(m.parcel_ids)
    for pid in ("P0_0", f"P0_{N - 1}", f"P{N - 1}_0", f"P{N - 1}_{N - 1}"):
        x[ids.index(pid)] = 1.0  # one action: column i is parcel i
    return objective_with_edges(m, x)[1]


def test_windows_over_the_whole_layer_reach_the_proven_optimum(monkeypatch):
    m = model()
    start = corners(m)
    assert is_feasible(m, start)
    optimum = solve_model(m, windows="off", warm_start="off").objective
    monkeypatch.setattr(W, "WINDOW_PARCELS", N * N)
    x, value, stats = W.improve_by_windows(m, start, m.scenario.solver, until=time.perf_counter() + 60)
    assert is_feasible(m, x)
    assert value == pytest.approx(optimum) and value < objective_with_edges(m, start)[0]
    assert stats["improved"] >= 1 and stats["windows"] >= 1


def test_small_windows_move_plots_from_where_they_are_exposed(monkeypatch):
    """Windows of 8 parcels (balls of 1 around the worst plots and the best candidates) cannot
    see the whole grid, yet every plan they keep is feasible and strictly better."""
    m = model()
    start = corners(m)
    monkeypatch.setattr(W, "WINDOW_PARCELS", 8)
    monkeypatch.setattr(W, "WINDOW_MIN_PARCELS", 8)
    monkeypatch.setattr(W, "WINDOW_MAX_PARCELS", 8)
    x, value, stats = W.improve_by_windows(m, start, m.scenario.solver, until=time.perf_counter() + 60)
    assert is_feasible(m, x) and value <= objective_with_edges(m, start)[0] + 1e-9
    assert stats["parcels"] <= 8


def test_a_stopped_runner_returns_at_once_with_a_feasible_plan():
    m = model()
    start = corners(m)
    runner = W.WindowRunner(m, start, m.scenario.solver, until=time.perf_counter() + 600)
    out = runner.finish()
    assert out is not None
    x, value, _ = out
    assert is_feasible(m, x) and value <= objective_with_edges(m, start)[0] + 1e-9


def test_when_windows_are_used():
    m = model()
    assert W.use_windows(m, SolverOptions(windows="on"))
    assert not W.use_windows(m, SolverOptions(windows="off"))
    assert not W.use_windows(m, SolverOptions())  # auto: only from WINDOWS_AUTO_MIN_VARS columns
    plain = compile_model(m.scenario.with_value("spatial.boundary_weight", 0.0), grid())
    assert not W.use_windows(plain, SolverOptions(windows="on"))  # no penalty, no windows


def test_an_isolated_solve_with_windows_keeps_the_optimum():
    m = model(windows="on", isolate="on")
    res = solve_model(m)
    assert res.status == "optimal"
    assert res.objective == pytest.approx(solve_model(m, windows="off", isolate="off").objective)
