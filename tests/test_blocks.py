"""Minimum block size by lazy cuts (landopt.rules.min_block): labels and the shared time budget."""

from __future__ import annotations

import pytest
from test_spatial import layer, scenario

import landopt.solvers as solvers_mod
from landopt.model import compile_model
from landopt.rules.min_block import small_blocks
from landopt.solvers import SolverResult
from landopt.solving import cut_generators, solve_compiled


def solve_with_min_blocks(model, opts, *, deadline=None):
    """Solve through the solve layer; return the result and the cut generator's counts."""
    (cuts,) = cut_generators(model)
    res = solve_compiled(model, opts, deadline=deadline, cuts=[cuts])
    return res, {"block_cuts": cuts.cuts, "rounds": cuts.rounds}


def _min40():
    s = scenario(0.0).with_value("spatial.min_block_mu", 40.0)
    return s, compile_model(s, layer())


def test_rounds_draw_from_one_budget_not_the_full_limit_each(monkeypatch):
    # the old loop gave each of its rounds the whole time limit (3 rounds x 10 s here);
    # with each round taking 2 s (a fake clock) they now get 10, 8 and 6 s
    from landopt.solving import Deadline

    s, model = _min40()
    opts = s.with_solver(time_limit=10.0).solver
    now = [0.0]
    limits: list[float] = []
    real = solvers_mod.HighsSession.solve

    def solve(self):
        limits.append(self.opts.time_limit)
        now[0] += 2.0
        return real(self)

    monkeypatch.setattr(solvers_mod.HighsSession, "solve", solve)
    budget = Deadline(10.0, clock=lambda: now[0])
    res, info = solve_with_min_blocks(model, opts, deadline=budget)
    assert res.status == "optimal" and res.objective == pytest.approx(20.0)
    assert info == {"block_cuts": 3, "rounds": 3}
    assert limits == pytest.approx([10.0, 8.0, 6.0])


def _fake_time_limited(x):
    return SolverResult(
        "time_limit", True, False, 15.0, 10.0, 0.5, 1.0, "highs", "HiGHS", "x", 1.0, True, 0.0, x=x
    )


def test_time_limited_last_round_is_never_optimal(monkeypatch):
    # the last round stopped at its limit with a plan of no small block: a plan, unproven
    s, model = _min40()
    real = solvers_mod.HighsSession.solve

    def solve(self):
        res = real(self)
        if small_blocks(model, res.x):
            return res
        return _fake_time_limited(res.x)

    monkeypatch.setattr(solvers_mod.HighsSession, "solve", solve)
    res, _ = solve_with_min_blocks(model, s.solver)
    assert res.status == "time_limit" and not res.proven_optimal and res.has_solution
    assert not small_blocks(model, res.x)


def test_keyboard_interrupt_propagates_from_the_cut_loop(monkeypatch):
    s, model = _min40()

    def solve(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(solvers_mod.HighsSession, "solve", solve)
    with pytest.raises(KeyboardInterrupt):
        solve_with_min_blocks(model, s.solver)
