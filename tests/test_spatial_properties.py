"""Property tests: on random small grids every plan keeps its block-size and touching rules."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from landopt.adjacency import clear_adjacency_cache
from landopt.errors import TargetsUnmetError
from landopt.parcels import prepare_parcels
from landopt.plan import solve, spatial_stats
from landopt.scenario import scenario_from_dict

X0, Y0 = 589_000.0, 4_074_000.0


def grid_layer(status: list[str], cost: list[float]) -> gpd.GeoDataFrame:
    """A square grid of 100 m plots (15 mu), G0 at the south-west corner, row by row."""
    side = math.isqrt(len(status))
    rows = [
        {
            "parcel_id": f"G{k}",
            "status": status[k],
            "cost_clear_wan": float(cost[k]),
            "geometry": box(
                X0 + 100 * (k % side),
                Y0 + 100 * (k // side),
                X0 + 100 * (k % side) + 100,
                Y0 + 100 * (k // side) + 100,
            ),
        }
        for k in range(len(status))
    ]
    return prepare_parcels(gpd.GeoDataFrame(rows, crs="EPSG:4548"))


def blocks_from_geometry(layer: gpd.GeoDataFrame) -> list[float]:
    """Sizes (mu) of the blocks of a plan, from the squares alone (not landopt.blocks).

    A block is a piece of the union of the chosen and the cleared squares that holds a
    chosen one. The grid's corners are whole metres, so squares sharing an edge merge
    exactly; squares meeting at a corner only (not neighbours) stay separate pieces, which
    a buffer would join. 1 mu = 10000/15 m².
    """
    chosen = layer["action"].to_numpy() == "clear"
    cleared = layer["status"].to_numpy() == "cleared"
    geoms = layer.geometry.to_numpy()
    union = shapely.union_all(geoms[chosen | cleared])
    pieces = list(getattr(union, "geoms", [union])) if not union.is_empty else []
    centres = shapely.centroid(geoms[chosen])
    return [piece.area / (10000 / 15) for piece in pieces if shapely.contains(piece, centres).any()]


@st.composite
def grids(draw):
    side = draw(st.integers(2, 4))
    n = side * side
    status = draw(
        st.lists(
            st.sampled_from(["inefficient", "inefficient", "cleared", "in_use"]),
            min_size=n,
            max_size=n,
        )
    )
    cost = draw(st.lists(st.integers(1, 30), min_size=n, max_size=n))
    spatial = {"boundary_weight": float(draw(st.sampled_from([0, 0, 20, 200])))}
    if draw(st.booleans()):
        spatial["min_block_mu"] = float(draw(st.sampled_from([15, 30, 45, 60])))
    if draw(st.booleans()):
        spatial["touch"] = {"clear": ["cleared"]}
    sc = scenario_from_dict(
        {
            "name": "grid",
            "actions": {
                "clear": {
                    "label": "c",
                    "cost": "cost_clear_wan",
                    "eligible": {"field": "status", "in": ["inefficient"]},
                    "targets": {"count_min": draw(st.integers(1, 3))},
                }
            },
            "spatial": spatial,
            "checks": {"absent_values": "allow"},  # a grid may draw no inefficient plot
        }
    )
    return sc, grid_layer(status, cost)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=grids())
def test_every_plan_keeps_block_size_and_touching(instance):
    scenario, parcels = instance
    clear_adjacency_cache()
    try:
        plan = solve(scenario, parcels)
    except TargetsUnmetError:
        return
    assert all(c.ok for c in plan.checks)
    stats = spatial_stats(scenario, plan.parcels)
    sizes = blocks_from_geometry(plan.parcels)
    assert stats["blocks"] == len(sizes)
    if sizes:
        assert stats["smallest_block_mu"] == pytest.approx(min(sizes))
        assert stats["largest_block_mu"] == pytest.approx(max(sizes))
    if scenario.spatial.min_block_mu:
        assert all(mu >= scenario.spatial.min_block_mu - 1e-6 for mu in sizes), sizes
    if scenario.spatial.touch:
        chosen = np.flatnonzero(plan.parcels["action"].to_numpy() == "clear")
        cleared = set(np.flatnonzero(plan.parcels["status"].to_numpy() == "cleared").tolist())
        from landopt.adjacency import adjacency

        adj = adjacency(parcels)
        for p in chosen:
            assert cleared & set(adj.neighbours(int(p)).tolist()), (
                f"{plan.parcels['parcel_id'].iat[p]} touches no cleared land"
            )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=grids())
def test_penalty_relaxation_never_beats_the_penalised_optimum(instance):
    """The relaxation's optimum is a bound, and its plan priced with the penalty is a plan."""
    from dataclasses import replace

    from landopt.heuristic import is_feasible, objective_with_edges
    from landopt.model import compile_model
    from landopt.solvers import solve_model

    scenario, parcels = instance
    scenario = replace(scenario, spatial=replace(scenario.spatial, min_block_mu=None))
    clear_adjacency_cache()
    m = compile_model(scenario, parcels)
    full = solve_model(m)
    if full.status == "infeasible":
        return
    relaxed = solve_model(m.penalty_relaxation())
    assert relaxed.objective <= full.objective + 1e-6
    x = np.concatenate([relaxed.x, np.zeros(m.n_vars - m.n_x)])
    obj, x = objective_with_edges(m, x)
    assert is_feasible(m, x) and obj >= full.objective - 1e-6


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=grids())
def test_boundary_swaps_keep_the_plan_feasible_and_never_worsen_it(instance):
    from landopt.heuristic import greedy_start, improve_boundary, is_feasible
    from landopt.model import compile_model

    scenario, parcels = instance
    clear_adjacency_cache()
    m = compile_model(scenario, parcels)
    x = greedy_start(m)
    if x is None:
        return
    y = improve_boundary(m, x)
    assert is_feasible(m, y)
    assert m.objective_value(y) <= m.objective_value(x) + 1e-9
