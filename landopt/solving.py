"""The one way to solve a compiled model, used by every command, with one time budget.

Every path that solves (``landopt.solve``, sweep points, alternatives, replacement
costs, calibration, the diagnosis's closest plan) calls :func:`solve_compiled`, so the
scenario's rules hold on each of them: when ``[spatial] min_block_mu`` is set, the lazy
minimum-block cuts of :mod:`landopt.blocks` run on every solve, and a plan that still has
a small block is never returned as a plan.

A :class:`Deadline` is the time budget of one command (or one sweep point, one
alternative, one re-solve): the rounds of cuts and the phases of a diagnosis draw from
it, each getting only the time that is left, instead of the full limit each.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from landopt.errors import SolverError
from landopt.model import CompiledModel
from landopt.scenario import SolverOptions
from landopt.solvers import HighsSession, SolverResult, solve_model

__all__ = ["MAX_ROUNDS", "BlockCuts", "Deadline", "solve_compiled"]

log = logging.getLogger(__name__)

#: Rounds of cuts before giving up (each round adds a cut per small block found).
MAX_ROUNDS = 200


class Deadline:
    """A time budget shared by the phases of one command.

    Parameters
    ----------
    seconds
        The whole budget (``inf`` for none).
    clock
        The clock, ``time.perf_counter`` unless a test gives another.
    """

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.perf_counter):
        self.total = float(seconds)
        self._clock = clock
        self._end = clock() + self.total if math.isfinite(self.total) else math.inf

    @classmethod
    def of(cls, deadline: Deadline | float | None, default: float) -> Deadline:
        """``deadline`` itself, a new one of that many seconds, or one of ``default`` seconds."""
        if isinstance(deadline, Deadline):
            return deadline
        return cls(default if deadline is None else float(deadline))

    def remaining(self, cap: float | None = None) -> float:
        """Seconds left (never negative), at most ``cap``."""
        left = max(0.0, self._end - self._clock()) if math.isfinite(self._end) else math.inf
        return left if cap is None else min(left, float(cap))

    def part(self, share: float, cap: float | None = None) -> Deadline:
        """A budget of ``share`` of what is left (at most ``cap``), on the same clock."""
        return Deadline(share * self.remaining(cap), clock=self._clock)

    @property
    def expired(self) -> bool:
        """Whether no time is left."""
        return self.remaining() <= 0.0

    def __repr__(self) -> str:
        return f"Deadline(total={self.total:g}, remaining={self.remaining():.3g})"


def _session_time_limit(session: HighsSession, seconds: float) -> None:
    """Give the session's next solve ``seconds`` (HiGHS's own limit and the watchdog's)."""
    seconds = max(float(seconds), 1e-3)
    session.h.setOptionValue("time_limit", seconds if math.isfinite(seconds) else math.inf)
    session.opts = replace(session.opts, time_limit=seconds)


class BlockCuts:
    """The minimum-block check and cut generator of one model (see :mod:`landopt.blocks`).

    The cuts depend only on the model's columns, not on right-hand sides, bounds or the
    objective, so cuts found once stay valid for every variant solved in the same session.
    """

    def __init__(self, model: CompiledModel, parcels: pd.DataFrame):
        from landopt.adjacency import adjacency
        from landopt.model import boundary_sets
        from landopt.zones import effective_eligibility

        sc = model.scenario
        self.model = model
        self.parcels = parcels
        self.adj = adjacency(parcels, tolerance=sc.spatial.tolerance_m)
        S, self.cand, _ = boundary_sets(sc, parcels, effective_eligibility(sc, parcels))
        in_s = np.isin(model.var_action, S)
        self.cols_of = (
            pd.Series(np.flatnonzero(in_s)).groupby(model.var_parcel[in_s]).apply(np.asarray)
        )
        self.nbrs = self.adj.to_sparse()
        self.cuts = 0
        self.rounds = 0

    def small(self, x: np.ndarray) -> list[np.ndarray]:
        """The blocks of plan ``x`` smaller than the minimum."""
        from landopt.blocks import small_blocks

        return small_blocks(self.model, self.parcels, x, self.adj)

    def add_cuts(self, session: HighsSession, x: np.ndarray, small: list[np.ndarray]) -> None:
        """One cut per small block: drop one of its plots or grow it through a neighbour."""
        n = len(self.parcels)
        for members in small:
            inside = np.zeros(n, dtype=bool)
            inside[members] = True
            chosen_cols = [
                c for p in members if p in self.cols_of.index for c in self.cols_of[p] if x[c] > 0.5
            ]
            around = np.unique(self.nbrs[members].indices)
            around = around[~inside[around] & self.cand[around]]
            grow_cols = [c for q in around if q in self.cols_of.index for c in self.cols_of[q]]
            cols = np.array(chosen_cols + grow_cols, dtype=np.int64)
            vals = np.concatenate([-np.ones(len(chosen_cols)), np.ones(len(grow_cols))])
            session.add_row(1 - len(chosen_cols), np.inf, cols, vals)
            self.cuts += 1


def solve_compiled(
    model: CompiledModel,
    opts: SolverOptions | None = None,
    *,
    parcels: pd.DataFrame | None = None,
    deadline: Deadline | float | None = None,
    session: HighsSession | None = None,
    blocks: BlockCuts | None = None,
) -> SolverResult:
    """Solve a compiled model with every rule of its scenario, within a time budget.

    Parameters
    ----------
    model
        The model (its scenario says whether minimum blocks apply).
    opts
        Solver options; the scenario's ``[solver]`` table by default.
    parcels
        The parcel layer; needed when the scenario has ``[spatial] min_block_mu``.
    deadline
        The time budget this solve draws from (a :class:`Deadline` shared with other
        phases, or seconds); ``opts.time_limit`` by default. No solve gets more than
        ``opts.time_limit`` nor more than what is left.
    session
        A :class:`~landopt.solvers.HighsSession` holding this model (or a variant of it
        with the same columns) to solve in, keeping what was added to it; without one a
        fresh solve (:func:`~landopt.solvers.solve_model`), or a new session for cuts.
    blocks
        The :class:`BlockCuts` of the model, to count cuts across solves of one session.

    Returns
    -------
    SolverResult
        ``optimal`` only when the last solve was proven optimal and no block is small; a
        plan that still has a small block when the budget runs out has no solution
        (``has_solution=False``, ``status="time_limit"``) and says so in ``message``.

    Raises
    ------
    SolverError
        Minimum blocks asked of a back-end other than HiGHS, or still small blocks after
        :data:`MAX_ROUNDS` rounds of cuts.
    """
    opts = opts or model.scenario.solver
    dl = Deadline.of(deadline, opts.time_limit)
    budget = min(opts.time_limit, dl.total)  # what the result reports as its limit
    if not model.scenario.spatial.min_block_mu:
        if session is None:
            limit = dl.remaining(opts.time_limit)
            # a fresh budget keeps the options as they are (no 599.9998 s in the record)
            run = opts if limit >= opts.time_limit - 0.05 else replace(opts, time_limit=limit)
            return replace(solve_model(model, run), time_limit=budget)
        _session_time_limit(session, dl.remaining(opts.time_limit))
        return replace(session.solve(), time_limit=budget)
    if opts.backend != "highs":
        raise SolverError(
            f'[spatial] min_block_mu is enforced with cuts in HiGHS; use backend = "highs" (not {opts.backend!r})'
        )
    if parcels is None and blocks is None:
        raise SolverError(
            "min_block_mu needs the parcel layer to check blocks: pass parcels= to the solve"
        )
    blocks = blocks or BlockCuts(model, parcels)
    session = session or HighsSession(model, opts)
    t0 = time.perf_counter()
    _session_time_limit(session, dl.remaining(opts.time_limit))
    res = session.solve()
    rounds = 1
    while res.has_solution:
        small = blocks.small(res.x)
        if not small:
            break
        if dl.expired:
            sizes = ", ".join(f"{model.area_mu[m].sum():g}" for m in small[:5])
            res = replace(
                res,
                status="time_limit",
                has_solution=False,
                proven_optimal=False,
                x=None,
                time_limit_hit=True,
                message=f"the time budget ran out with blocks still below "
                f"{model.scenario.spatial.min_block_mu:g} mu ({sizes} mu); no valid plan yet",
            )
            break
        if rounds >= MAX_ROUNDS:
            raise SolverError(
                f"min_block_mu: still small blocks after {MAX_ROUNDS} rounds of cuts; lower the minimum or raise the weight"
            )
        blocks.add_cuts(session, res.x, small)
        log.info("min block size: round %d, %d small blocks cut", rounds, len(small))
        _session_time_limit(session, dl.remaining(opts.time_limit))
        res = session.solve()
        rounds += 1
    blocks.rounds += rounds
    if res.has_solution and res.status == "optimal" and not res.proven_optimal:
        res = replace(res, status="time_limit")  # pragma: no cover - defensive
    return replace(res, runtime=time.perf_counter() - t0, time_limit=budget)
