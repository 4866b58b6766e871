"""The Lagrangian bound (landopt.bounds): proven, and as tight as the linear relaxation."""

from __future__ import annotations

import numpy as np
import pytest
from toy import toy_parcels, toy_scenario

import landopt
from landopt.bounds import lagrangian_bound
from landopt.model import compile_model
from landopt.solvers import highs_from_model, solve_model


def _lp_bound(model) -> float:
    h, _ = highs_from_model(model, model.scenario.solver)
    h.setOptionValue("solve_relaxation", True)
    h.setOptionValue("output_flag", False)
    h.run()
    return h.getInfo().objective_function_value


def test_toy_bound_is_below_the_hand_optimum_and_equals_the_lp():
    """The toy's optimum is 165 by hand (tests/toy.py); the bound never passes it."""
    m = compile_model(toy_scenario(), toy_parcels())
    bound = lagrangian_bound(m, incumbent=165.0)
    assert bound is not None and bound <= 165.0 + 1e-9
    assert bound == pytest.approx(_lp_bound(m), rel=1e-6)


def test_demo_bound_equals_the_linear_relaxation():
    scenario = landopt.load_scenario("data/scenarios/zhangdian-2023.toml")
    m = compile_model(scenario, landopt.read_parcels("data/parcels.geojson"))
    optimum = solve_model(m).objective
    bound = lagrangian_bound(m, incumbent=optimum)
    assert bound <= optimum + 1e-6
    assert bound == pytest.approx(_lp_bound(m), rel=1e-6)  # 5,044.3 against 5,122


def test_locks_and_maximisation_are_respected():
    """Locked-in pairs are taken, locked-out ones never; a maximum is bounded from above."""
    s = toy_scenario(**{"objective.sense": "maximize", "objective.terms": [{"of": "benefit"}]})
    s = s.with_locks(include={"P2": "upgrade"}, exclude={"P1": None})
    m = compile_model(s, toy_parcels())
    best = solve_model(m)
    assert best.proven_optimal
    x = m.choice(best.x)
    assert m.action_names[x[list(m.parcel_ids).index("P2")]] == "upgrade"
    bound = lagrangian_bound(m, incumbent=best.objective)
    assert bound is not None and bound >= best.objective - 1e-9
    assert bound == pytest.approx(_lp_bound(m), rel=1e-6, abs=1e-6)


def test_models_of_another_shape_get_no_bound():
    """With edge columns (the penalty) or without one-action rows the bound is not claimed."""
    from test_spatial import layer, scenario

    m = compile_model(scenario(50.0), layer())
    assert m.n_vars > m.n_x and lagrangian_bound(m) is None
    r = m.penalty_relaxation()
    assert lagrangian_bound(r) == pytest.approx(_lp_bound(r), rel=1e-6)
    broken = type(r)(
        **{**r.__dict__, "row_names": [n.replace("one_action_", "row_") for n in r.row_names]}
    )
    if any(n.startswith("one_action_") for n in r.row_names):
        assert lagrangian_bound(broken) is None


def test_an_unanswering_child_still_gets_a_proven_gap(monkeypatch):
    """HiGHS proves nothing in time (both its processes silent): the bound comes from numpy."""
    from test_solvers import SILENT_CHILD
    from test_spatial import layer, scenario

    import landopt.solvers.highs as solvers

    monkeypatch.setattr(solvers, "CHILD_CODE", SILENT_CHILD)
    m = compile_model(scenario(50.0), layer())
    r = solve_model(m, isolate="on", time_limit=2.0)
    assert r.status == "time_limit" and not r.proven_optimal and r.has_solution
    relaxed_lp = _lp_bound(m.penalty_relaxation())
    assert r.bound == pytest.approx(relaxed_lp, rel=1e-6)
    assert r.bound <= r.objective and np.isfinite(r.gap)
    assert "Lagrangian" in r.message
