"""Relax-and-fix (landopt/solvers/relax_fix.py) against brute force on small programmes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from test_programme_brute import brute, build, instances

from landopt.model import compile_model
from landopt.solvers.relax_fix import dual_bound
from landopt.solving import solve_compiled


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=instances())
def test_relax_fix_plan_and_bound_match_brute_force(inst: dict[str, Any]) -> None:
    sc, parcels = build(inst)
    want = brute(inst)
    m = compile_model(sc.with_solver(relax_fix="on"), parcels)  # "auto" leaves small ones to HiGHS
    r = solve_compiled(m)
    if want is None:
        assert r.status == "infeasible"
        return
    assert "relax_fix" in r.options  # the programme went this way
    assert r.status == "optimal", r.message
    assert r.objective == pytest.approx(want, abs=1e-6)
    assert r.bound == pytest.approx(want, abs=1e-6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=instances(), seed=__import__("hypothesis").strategies.integers(0, 10_000))
def test_dual_bound_never_passes_the_optimum(inst: dict[str, Any], seed: int) -> None:
    """Weak duality: L(y) is at most the optimum for any multipliers."""
    sc, parcels = build(inst)
    want = brute(inst)
    if want is None:
        return
    m = compile_model(sc, parcels)
    y = np.random.default_rng(seed).normal(0, 5, m.n_rows)
    L, _, _ = dual_bound(
        np.asarray(m.c, float), m.A.tocsr(), np.asarray(m.lb, float), np.asarray(m.ub, float),
        np.asarray(m.row_lower, float), np.asarray(m.row_upper, float), y,
    )
    assert L <= want + 1e-6
