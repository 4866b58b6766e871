"""The one solve entry and its time budget (landopt.solving)."""

from __future__ import annotations

import math

import pytest
from test_spatial import layer, scenario

import landopt.solvers as solvers_mod
from landopt.model import compile_model
from landopt.solving import BlockCuts, Deadline, solve_compiled


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_deadline_counts_down_and_never_goes_negative():
    clock = FakeClock()
    d = Deadline(10.0, clock=clock)
    assert d.remaining() == 10.0 and d.remaining(cap=4.0) == 4.0 and not d.expired
    clock.now = 7.5
    assert d.remaining() == pytest.approx(2.5)
    clock.now = 12.0
    assert d.remaining() == 0.0 and d.expired
    assert Deadline(math.inf).remaining() == math.inf
    assert Deadline.of(d, 99.0) is d and Deadline.of(None, 3.0).total == 3.0
    clock.now = 8.0
    part = d.part(0.5)
    assert part.total == pytest.approx(1.0) and part.remaining() == pytest.approx(1.0)
    clock.now = 9.0
    assert part.expired


def test_without_min_blocks_a_fresh_solve_gets_only_what_is_left(monkeypatch):
    clock = FakeClock()
    d = Deadline(10.0, clock=clock)
    clock.now = 6.0
    seen = []
    real = solvers_mod.solve_model

    def spy(model, opts):
        seen.append(opts.time_limit)
        return real(model, opts)

    import landopt.solving as solving_mod

    monkeypatch.setattr(solving_mod, "solve_model", spy)
    s = scenario(0.0)
    res = solve_compiled(compile_model(s, layer()), deadline=d)
    assert res.status == "optimal" and seen == [pytest.approx(4.0)]


def _spy_rounds(monkeypatch, clock: FakeClock, spend):
    """Record the time limit each session solve gets; advance the clock by ``spend(limit)``."""
    limits: list[float] = []
    real = solvers_mod.HighsSession.solve

    def solve(self):
        limits.append(self.opts.time_limit)
        res = real(self)
        clock.now += spend(self.opts.time_limit)
        return res

    monkeypatch.setattr(solvers_mod.HighsSession, "solve", solve)
    return limits


def test_min_block_rounds_share_one_budget(monkeypatch):
    # every round spends 3 s of a 10 s budget: each gets only what is left, never 10 s again
    clock = FakeClock()
    limits = _spy_rounds(monkeypatch, clock, lambda limit: min(3.0, limit))
    s = scenario(0.0).with_value("spatial.min_block_mu", 40.0)
    model = compile_model(s, layer())
    res = solve_compiled(model, parcels=layer(), deadline=Deadline(10.0, clock=clock))
    assert len(limits) == 3  # the row of squares needs two rounds of cuts
    assert limits[0] == pytest.approx(10.0)
    for i, limit in enumerate(limits):
        assert limit == pytest.approx(max(1e-3, 10.0 - 3.0 * i))
    assert sum(min(3.0, x) for x in limits) <= 10.0 + 1e-9
    assert res.status == "optimal" and res.objective == pytest.approx(20.0)
    assert res.time_limit == 10.0  # the budget, not the last round's share


def test_budget_spent_with_a_small_block_left_is_no_plan(monkeypatch):
    # the first round eats the whole budget; its plan has a small block: not a plan
    clock = FakeClock()
    limits = _spy_rounds(monkeypatch, clock, lambda limit: limit)
    s = scenario(0.0).with_value("spatial.min_block_mu", 40.0)
    model = compile_model(s, layer())
    res = solve_compiled(model, parcels=layer(), deadline=Deadline(10.0, clock=clock))
    assert sum(limits) <= 10.0 + 1e-9
    assert res.status == "time_limit" and not res.has_solution and not res.proven_optimal
    assert res.x is None and "below 40 mu" in res.message


def test_cuts_stay_in_a_session_across_solves():
    from landopt.solvers import HighsSession

    s = scenario(0.0).with_value("spatial.min_block_mu", 40.0)
    model = compile_model(s, layer())
    blocks = BlockCuts(model, layer())
    session = HighsSession(model)
    first = solve_compiled(model, session=session, blocks=blocks)
    cuts = blocks.cuts
    again = solve_compiled(model, session=session, blocks=blocks)
    assert first.objective == again.objective == pytest.approx(20.0)
    assert cuts >= 1 and blocks.cuts == cuts  # nothing left to cut the second time
    assert not blocks.small(again.x)


def _spy_isolated(monkeypatch, clock, spend):
    """Record the time limit of each isolated round; advance the clock by ``spend(limit)``."""
    import landopt.solving as solving_mod

    limits: list[float] = []
    real = solving_mod.solve_model

    def solve_model(model, opts):
        limits.append(opts.time_limit)
        res = real(model, opts)
        clock.now += spend(opts.time_limit)
        return res

    def no_session(*a, **k):  # pragma: no cover - the assertion
        raise AssertionError("a model to isolate must not be solved in this process")

    monkeypatch.setattr(solving_mod, "solve_model", solve_model)
    monkeypatch.setattr(solving_mod, "HighsSession", no_session)
    return limits


def test_rounds_of_an_isolated_model_run_in_the_child_with_the_cuts_so_far(monkeypatch):
    # the same optimum as the in-process rounds, each round a child solve of what is left
    clock = FakeClock()
    limits = _spy_isolated(monkeypatch, clock, lambda limit: min(3.0, limit))
    s = scenario(0.0).with_value("spatial.min_block_mu", 40.0).with_value("solver.isolate", "on")
    model = compile_model(s, layer())
    res = solve_compiled(model, deadline=Deadline(10.0, clock=clock))
    assert len(limits) == 3  # two rounds of cuts, as in this process
    for i, limit in enumerate(limits):
        assert limit == pytest.approx(max(1e-3, 10.0 - 3.0 * i))
    assert res.status == "optimal" and res.objective == pytest.approx(20.0)
    assert res.time_limit == 10.0


def test_no_isolated_round_starts_after_the_deadline(monkeypatch):
    # 50 key projects on 100k parcels ran 605 s on 300 s when rounds ran in this process;
    # isolated, the first round spends the budget and no second round starts
    clock = FakeClock()
    limits = _spy_isolated(monkeypatch, clock, lambda limit: limit)
    s = scenario(0.0).with_value("spatial.min_block_mu", 40.0).with_value("solver.isolate", "on")
    model = compile_model(s, layer())
    res = solve_compiled(model, deadline=Deadline(10.0, clock=clock))
    assert limits == [pytest.approx(10.0)]
    assert res.status == "time_limit" and not res.has_solution and res.x is None
    assert "below 40 mu" in res.message
