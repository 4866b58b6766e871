"""The boundary-length (compactness) penalty, on a row of squares computed by hand.

Layout (100 m squares, 15 mu each), E far away, F already cleared::

    A B C D F        E

A–D and E are inefficient, eligible for clear at 10 万元 each (E: 5). Clear exactly 2.
Exposed boundary: two apart 800 m; an adjacent pair 600 m; D next to cleared F loses
another 100 m (F's edge counts as inner).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from landopt.model import compile_model
from landopt.parcels import prepare_parcels
from landopt.plan import check_plan, solve, spatial_stats
from landopt.scenario import scenario_from_dict
from landopt.solvers import available_backends, solve_model

X0, Y0 = 589_000.0, 4_074_000.0


def layer() -> gpd.GeoDataFrame:
    xs = {"A": 0, "B": 100, "C": 200, "D": 300, "F": 400, "E": 2000}
    rows = [
        {
            "parcel_id": k,
            "status": "cleared" if k == "F" else "inefficient",
            "cost_clear_wan": 5.0 if k == "E" else 10.0,
            "geometry": box(X0 + x, Y0, X0 + x + 100, Y0 + 100),
        }
        for k, x in xs.items()
    ]
    return prepare_parcels(gpd.GeoDataFrame(rows, crs="EPSG:4548"))


def scenario(weight: float, inner: list[str] | None = None):
    return scenario_from_dict(
        {
            "name": "row",
            "actions": {
                "clear": {
                    "label": "c",
                    "cost": "cost_clear_wan",
                    "eligible": {"field": "status", "in": ["inefficient"]},
                    "targets": {"count": 2},
                }
            },
            "spatial": {
                "boundary_weight": weight,
                "inner_status": inner if inner is not None else ["cleared"],
            },
        }
    )


def chosen(plan) -> list[str]:
    return sorted(plan.chosen["parcel_id"])


def test_no_weight_takes_the_cheapest():
    plan = solve(scenario(0.0), layer())
    assert "E" in chosen(plan) and plan.result.objective == pytest.approx(15.0)


def test_low_weight_keeps_them_apart():
    # E + one square: 15 + 0.8 km * 10 = 23 (D next to F: 15 + 0.7 * 10 = 22)
    plan = solve(scenario(10.0), layer())
    assert chosen(plan) == ["D", "E"] and plan.result.objective == pytest.approx(22.0)


def test_high_weight_groups_them_next_to_cleared_land():
    # C+D: 20 + 0.5 km * 50 = 45 beats A+B (20 + 30 = 50) and D+E (15 + 35 = 50)
    plan = solve(scenario(50.0), layer())
    assert chosen(plan) == ["C", "D"] and plan.result.objective == pytest.approx(45.0)
    stats = spatial_stats(plan.scenario, plan.parcels)
    assert stats["boundary_km"] == pytest.approx(0.5)
    assert stats["blocks"] == 1 and stats["mean_block_mu"] == pytest.approx(45.0)  # C, D and F
    assert all(c.ok for c in plan.checks)  # the objective re-check includes the penalty


def test_without_inner_status_cleared_land_is_just_a_neighbour():
    plan = solve(scenario(50.0, inner=[]), layer())
    assert plan.result.objective == pytest.approx(50.0)  # any adjacent pair: 20 + 0.6 * 50


def test_model_rows_and_coefficients_by_hand():
    m = compile_model(scenario(50.0), layer())
    assert m.n_x == 5 and m.n_vars == 5 + 3  # edges A-B, B-C, C-D between candidates
    assert [n for n in m.var_names[5:]] == ["y_0_1", "y_1_2", "y_2_3"]
    # x: cost + 50/1000 * (perimeter 400 - 100 m against F for D)
    np.testing.assert_allclose(m.c[:5], [10 + 20, 10 + 20, 10 + 20, 10 + 15, 5 + 20])
    np.testing.assert_allclose(m.c[5:], [-2 * 0.05 * 100] * 3)
    coefs, sense, rhs = m.row("edge_p_2_3")
    assert coefs == {"x_2_clear": -1.0, "y_2_3": 1.0} and sense == "<=" and rhs == 0
    assert m.integrality.tolist() == [True] * 5 + [False] * 3


@pytest.mark.parametrize("backend", available_backends())
def test_every_backend_agrees_with_the_penalty(backend):
    m = compile_model(scenario(50.0), layer())
    r = solve_model(m, backend=backend)
    assert r.objective == pytest.approx(45.0)


def test_check_catches_a_wrong_objective():
    plan = solve(scenario(50.0), layer())
    checks = {c.name: c for c in check_plan(plan.scenario, plan.parcels, objective=40.0)}
    assert not checks["objective"].ok


def test_calibration_trades_cost_for_boundary_and_marks_a_knee(tmp_path):
    from landopt.analysis import calibrate
    from landopt.maps import plot_calibration, save_calibration_plot

    r = calibrate(scenario(0.0), layer(), [0, 10, 50, 100], jobs=1)
    t = r.table
    assert t["spatial.boundary_weight"].tolist() == [0, 10, 50, 100]
    assert (
        t["boundary_km"].is_monotonic_decreasing or (t["boundary_km"].diff().dropna() <= 1e-9).all()
    )
    assert (t["cost_total"].diff().dropna() >= -1e-9).all()
    assert t["boundary_km"].iloc[-1] == pytest.approx(0.5) and t["cost_total"].iloc[
        -1
    ] == pytest.approx(20.0)
    assert t["knee"].sum() == 1
    ax = plot_calibration(r)
    assert len(ax.get_lines()[0].get_xdata()) == 4
    assert save_calibration_plot(r, tmp_path / "c.png").stat().st_size > 10_000


def test_cli_calibrate(tmp_path, capsys):
    from landopt.cli import main

    gpkg = tmp_path / "row.gpkg"
    layer().to_file(gpkg, engine="pyogrio")
    toml = tmp_path / "row.toml"
    toml.write_text(
        'name = "row"\n[parcels]\npath = "row.gpkg"\n[actions.clear]\nlabel = "c"\ncost = "cost_clear_wan"\n'
        'eligible = { field = "status", in = ["inefficient"] }\ntargets = { count = 2 }\n',
        encoding="utf-8",
    )
    assert (
        main(
            [
                "calibrate",
                str(toml),
                "--weights",
                "0,10,50",
                "--out",
                str(tmp_path / "cal"),
                "--jobs",
                "1",
                "--lang",
                "en",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "<- knee" in out and (tmp_path / "cal" / "calibrate.png").exists()


def test_minimum_block_size_by_cuts():
    # blocks of at least 40 mu: only C+D with the cleared F (45 mu) qualifies; A+B is 30 mu,
    # E or any single square 15 mu
    s = scenario(0.0).with_value("spatial.min_block_mu", 40.0)
    plan = solve(s, layer())
    assert chosen(plan) == ["C", "D"] and plan.result.objective == pytest.approx(20.0)
    checks = {c.name: c for c in plan.checks}
    assert checks["min_block"].ok and "45.0 mu" in checks["min_block"].detail
    assert plan.spatial["min_block_cuts"]["block_cuts"] >= 1


def test_minimum_block_size_that_no_plan_meets():
    from landopt.errors import TargetsUnmetError

    with pytest.raises(TargetsUnmetError, match="at least 100 mu"):
        solve(scenario(0.0).with_value("spatial.min_block_mu", 100.0), layer())


def test_min_block_check_fails_on_a_small_block():
    s = scenario(0.0).with_value("spatial.min_block_mu", 40.0)
    plan = solve(s, layer())
    bad = plan.parcels.copy()
    bad["action"] = ["clear" if p in ("A", "B") else "none" for p in bad["parcel_id"]]
    checks = {c.name: c for c in check_plan(s, bad)}
    assert not checks["min_block"].ok


# ------------------------------------------------------------------ penalty-free fallback
def test_penalty_relaxation_by_hand():
    """Each candidate edge counted half-chosen: A 300 m, B/C/D 200 m (D's F edge is inner), E 400 m."""
    m = compile_model(scenario(50.0), layer())
    r = m.penalty_relaxation()
    plain = compile_model(scenario(0.0), layer())
    assert r.n_vars == m.n_x and r.row_names == plain.row_names
    assert (r.A != plain.A).nnz == 0
    ids = list(m.parcel_ids[m.var_parcel])
    by_id = dict(zip(ids, r.c, strict=True))
    assert by_id == pytest.approx({"A": 25.0, "B": 20.0, "C": 20.0, "D": 20.0, "E": 25.0})
    # its optimum (40: two of B, C, D) bounds the penalised optimum (45) from below
    assert solve_model(r).objective == pytest.approx(40.0)
    assert solve_model(m).objective == pytest.approx(45.0)
    assert m.penalty_relaxation() is not m and plain.penalty_relaxation() is plain


def test_overrun_of_a_penalised_solve_is_backed_by_the_relaxation(monkeypatch):
    """When HiGHS must be ended, the penalty relaxation still proves a bound and gives a plan."""
    from test_solvers import HANG_IF_PENALISED

    import landopt.solvers.highs as solvers

    class EndsWhenUp(solvers._ChildSolve):
        def deadline_passed(self, deadline):  # the penalised solve "overruns" at once
            return (self.role == "solve" and self.ready.is_set()) or super().deadline_passed(
                deadline
            )

    monkeypatch.setattr(solvers, "CHILD_CODE", HANG_IF_PENALISED)
    monkeypatch.setattr(solvers, "_ChildSolve", EndsWhenUp)
    monkeypatch.setattr(solvers, "PROGRESS_EVERY_S", 0.2)
    m = compile_model(scenario(50.0), layer())
    r = solve_model(m, isolate="on", time_limit=20.0, warm_start="off")
    assert r.status == "time_limit" and not r.proven_optimal and r.has_solution
    assert r.bound == pytest.approx(40.0)  # the relaxation's optimum; the true one is 45
    # its plan (two of B, C, D), priced with the penalty: C+D 45, B+C 50, B+D 55
    assert r.objective == pytest.approx(m.objective_value(r.x))
    assert r.objective in (pytest.approx(45.0), pytest.approx(50.0), pytest.approx(55.0))
    assert r.gap == pytest.approx((r.objective - 40.0) / r.objective)
    assert "bound from the penalty relaxation" in r.message
    assert r.options["relaxation_fallback_s"] > 0


def test_reported_objective_is_the_plans_own_even_when_highs_misreports_it():
    """HiGHS 1.16, given the warm start G14 on this grid, said "optimal, objective 0" for a
    plan worth 9 (presolve had removed G14's column). Found by the relaxation property test;
    landopt now notices and solves again without the start."""
    from test_spatial_properties import grid_layer

    status = (
        "in_use inefficient inefficient cleared cleared inefficient inefficient cleared "
        "in_use inefficient inefficient in_use inefficient inefficient inefficient cleared"
    ).split()
    cost = [1, 1, 4, 1, 1, 4, 3, 1, 1, 1, 1, 1, 1, 1, 3, 1]
    parcels = grid_layer(status, cost)
    s = scenario_from_dict(
        {
            "name": "grid",
            "actions": {
                "clear": {
                    "label": "c",
                    "cost": "cost_clear_wan",
                    "eligible": {"field": "status", "in": ["inefficient"]},
                    "targets": {"count_min": 1},
                }
            },
            "spatial": {"boundary_weight": 20.0, "touch": {"clear": ["cleared"]}},
        }
    )
    m = compile_model(s, parcels)
    # candidates touching cleared land: G2, G5 (10 each with the penalty), G6, G14 (9 each)
    r = solve_model(m, warm_start="on")
    assert r.status == "optimal" and r.objective == pytest.approx(9.0)
    assert r.objective == pytest.approx(m.objective_value(r.x)) and r.bound == pytest.approx(9.0)
    assert all(c.ok for c in solve(s, parcels).checks)


def test_boundary_swaps_move_a_lone_plot_next_to_the_others():
    """Greedy takes D and E (25 each with their perimeters priced, 50 in all); giving up E
    for C, which shares 100 m with D, saves 5: C + D is the optimum, 45."""
    from landopt.heuristic import greedy_start, improve_boundary, is_feasible

    m = compile_model(scenario(50.0), layer())
    ids = m.parcel_ids[m.var_parcel]
    x = greedy_start(m)
    assert sorted(ids[x[: m.n_x] > 0.5]) == ["D", "E"] and m.objective_value(x) == 50.0
    y = improve_boundary(m, x)
    assert sorted(ids[y[: m.n_x] > 0.5]) == ["C", "D"]
    assert m.objective_value(y) == pytest.approx(45.0) and is_feasible(m, y)
