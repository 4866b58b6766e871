"""The one way to solve a compiled model, used by every command, with one time budget.

Every path that solves (``landopt.solve``, sweep points, alternatives, replacement
costs, calibration, the diagnosis's closest plan) calls :func:`solve_compiled`, so the
scenario's rules hold on each of them: every rule component enforced by lazy cuts (today
the minimum block size of :mod:`landopt.rules.min_block`) runs its cuts on every solve,
and a plan that still violates one is never returned as a plan.

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
import scipy.sparse as sp

from landopt.errors import SolverError
from landopt.model import CompiledModel
from landopt.rules import active_components
from landopt.rules.base import Cuts
from landopt.rules.min_block import BlockCuts
from landopt.scenario import SolverOptions
from landopt.solvers import HighsSession, SolverResult, solve_model
from landopt.solvers.highs import _isolated

__all__ = ["MAX_ROUNDS", "BlockCuts", "Deadline", "cut_generators", "solve_compiled"]

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


def cut_generators(model: CompiledModel) -> list[Cuts]:
    """The cut generators of every component of the model's scenario that has lazy cuts."""
    return [g for c in active_components(model.scenario) if (g := c.cuts(model)) is not None]


def solve_compiled(
    model: CompiledModel,
    opts: SolverOptions | None = None,
    *,
    parcels: pd.DataFrame | None = None,
    deadline: Deadline | float | None = None,
    session: HighsSession | None = None,
    blocks: Cuts | None = None,
    cuts: list[Cuts] | None = None,
) -> SolverResult:
    """Solve a compiled model with every rule of its scenario, within a time budget.

    Parameters
    ----------
    model
        The model (compiled from a prepared problem, which the cut generators read).
    opts
        Solver options; the scenario's ``[solver]`` table by default.
    parcels
        Not needed (the model's prepared problem holds the layer); accepted for callers
        written before it did.
    deadline
        The time budget this solve draws from (a :class:`Deadline` shared with other
        phases, or seconds); ``opts.time_limit`` by default. No solve gets more than
        ``opts.time_limit`` nor more than what is left.
    session
        A :class:`~landopt.solvers.HighsSession` holding this model (or a variant of it
        with the same columns) to solve in, keeping what was added to it; without one a
        fresh solve (:func:`~landopt.solvers.solve_model`), or a new session for cuts.
    cuts
        The cut generators of the model (:func:`cut_generators`), to keep counting cuts
        across solves of one session; made afresh when not given. ``blocks`` is the older
        name for a single one.

    Returns
    -------
    SolverResult
        ``optimal`` only when the last solve was proven optimal and no generator finds a
        violated cut; a plan still violating one when the budget runs out has no solution
        (``has_solution=False``, ``status="time_limit"``) and says so in ``message``.

    Raises
    ------
    SolverError
        Lazy cuts asked of a back-end other than HiGHS, or still violated after
        :data:`MAX_ROUNDS` rounds of cuts.
    """
    opts = opts or model.scenario.solver
    dl = Deadline.of(deadline, opts.time_limit)
    budget = min(opts.time_limit, dl.total)  # what the result reports as its limit
    gens = cuts if cuts is not None else [blocks] if blocks is not None else cut_generators(model)
    if not gens:
        if session is None:
            limit = dl.remaining(opts.time_limit)
            # a fresh budget keeps the options as they are (no 599.9998 s in the record)
            run = opts if limit >= opts.time_limit - 0.05 else replace(opts, time_limit=limit)
            return _settled(model, replace(solve_model(model, run), time_limit=budget))
        _session_time_limit(session, dl.remaining(opts.time_limit))
        return _settled(model, replace(session.solve(), time_limit=budget))
    if opts.backend != "highs":
        names = ", ".join(g.name for g in gens)
        raise SolverError(
            f'{names} is enforced with cuts in HiGHS; use backend = "highs" (not {opts.backend!r})'
        )
    rows_so_far: list[tuple[float, float, np.ndarray, np.ndarray]] = []
    if session is None and _isolated(model, opts):
        # HiGHS does not stop at its limit everywhere (ISOLATE_AUTO_MIN_VARS): a round in a
        # session in this process ran 605 s on a 300 s limit (50 key projects, 100,000
        # parcels). Each round is a fresh solve in the ended-if-late child of the model with
        # every cut so far, given what is left; no round starts after the deadline.
        def solve_round() -> SolverResult:
            left = max(dl.remaining(opts.time_limit), 1e-3)
            return solve_model(with_rows(model, rows_so_far), replace(opts, time_limit=left))

        def add_row(lo: float, hi: float, cols: np.ndarray, vals: np.ndarray) -> None:
            rows_so_far.append((lo, hi, cols, vals))
    else:
        if session is None:
            from landopt.solvers.highs import warm_start_plan

            session = HighsSession(model, opts)
            # a warm start that no generator cuts (key projects' sites grow in one piece)
            # meets every rule, so no later cut removes it: every round starts from it
            x0, obj0 = warm_start_plan(model, opts)
            if x0 is not None and not any(g.separate(x0) for g in gens):
                session.set_start(x0, obj0)
        add_row = session.add_row  # type: ignore[assignment]

        def solve_round() -> SolverResult:
            _session_time_limit(session, dl.remaining(opts.time_limit))
            return session.solve()

    t0 = time.perf_counter()
    res = solve_round()
    rounds = 1
    start: tuple[float, np.ndarray] | None = None  # the best warm start meeting every cut
    while res.has_solution:
        start = _better_start(model, res, gens, start)
        found = [(g, g.separate(res.x)) for g in gens]
        if not any(rows for _, rows in found):
            break
        if dl.expired:
            res = _repaired(model, res, [g for g, rows in found if rows], gens, start)
            break
        if rounds >= MAX_ROUNDS:
            names = ", ".join(g.name for g, rows in found if rows)
            raise SolverError(
                f"{names}: still violated after {MAX_ROUNDS} rounds of cuts; lower the minimum or raise the weight"
            )
        for g, rows in found:
            for lo, hi, cols, vals in rows:
                add_row(lo, hi, cols, vals)
            g.cuts += len(rows)
            if rows:
                log.info("%s: round %d, %d cuts", g.name, rounds, len(rows))
        res = solve_round()
        rounds += 1
    for g in gens:
        g.rounds += rounds
    if res.has_solution and res.status in ("optimal", "within_gap") and not res.proven_optimal:
        res = replace(res, status="time_limit")  # pragma: no cover - defensive
    return _settled(model, replace(res, runtime=time.perf_counter() - t0, time_limit=budget))


def _settled(model: CompiledModel, res: SolverResult) -> SolverResult:
    """``res`` with its plan settled by the components that define ``settle(model, x)``
    (key projects' park bonuses at their best value for the sites chosen): never worse, and
    only when the settled plan still meets every row."""
    if res.x is None:
        return res
    x = np.asarray(res.x, dtype=float)
    for comp in active_components(model.scenario):
        settle = getattr(comp, "settle", None)
        if settle is not None:
            x = settle(model, x)
    if np.array_equal(x, res.x):
        return res
    from landopt.heuristic import is_feasible
    from landopt.solvers.result import _gap

    objective = float(model.c @ x)
    sign = 1.0 if model.sense == "minimize" else -1.0
    if not is_feasible(model, x) or (res.objective is not None and sign * (objective - res.objective) > 1e-9):
        return res
    gap = res.gap if res.bound is None else _gap(objective, res.bound)
    return replace(res, x=x, objective=objective, gap=gap)


def _better_start(
    model: CompiledModel,
    res: SolverResult,
    gens: list[Cuts],
    best: tuple[float, np.ndarray] | None,
) -> tuple[float, np.ndarray] | None:
    """``best``, or the warm start of ``res`` where it is better and meets every row of
    ``model`` and every cut (a key projects' start grows each site in one piece)."""
    if res.start is None:
        return best
    from landopt.heuristic import is_feasible

    sign = 1.0 if model.sense == "minimize" else -1.0
    x = np.asarray(res.start, dtype=float)
    objective = float(model.c @ x)
    if best is not None and sign * (objective - best[0]) >= -1e-9:
        return best
    if not is_feasible(model, x) or any(g.separate(x) for g in gens):
        return best
    return objective, x


def _repaired(
    model: CompiledModel,
    res: SolverResult,
    violated: list[Cuts],
    gens: list[Cuts],
    start: tuple[float, np.ndarray] | None = None,
) -> SolverResult:
    """The last plan when the budget ran out with cuts still violated: repaired by the
    generators that can (``repair(x) -> (x, what)``: key projects in pieces are not landed),
    kept only if it then meets every row and no generator finds a cut; else no plan.
    Where a warm start that meets every row and cut (``start``: objective and vector) is
    better, it is the plan instead (said by the generators' ``kept_start(x)``).

    The bound stays that of the last solve (a relaxation of the model with every cut), so
    the reported gap is still proven. Without a repair, 10,000 parcels with 50 key projects
    ended a 60 s run with no plan at all; without the start, 30,000 parcels with 50 ended
    with 42 landed (5,046) where the start had landed 47 (2,613; BENCHMARKS.md "Key projects").
    """
    from landopt.heuristic import is_feasible
    from landopt.solvers.result import _gap

    why = "; ".join(g.unresolved(res.x) for g in violated)
    sign = 1.0 if model.sense == "minimize" else -1.0

    def from_start() -> SolverResult:
        assert start is not None
        objective, x = start
        notes = [kept(x) for g in violated if (kept := getattr(g, "kept_start", None)) is not None]
        return res.time_limited(
            "; ".join(notes) or why, x=x, objective=objective, gap=_gap(objective, res.bound)
        )

    x, notes = np.asarray(res.x, dtype=float), []
    for g in violated:
        repair = getattr(g, "repair", None)
        if repair is None:
            return from_start() if start is not None else res.time_limited(why, has_solution=False, x=None)
        x, note = repair(x)
        notes.append(note)
    if not is_feasible(model, x) or any(g.separate(x) for g in gens):
        return from_start() if start is not None else res.time_limited(why, has_solution=False, x=None)
    objective = float(model.c @ x)
    if start is not None and sign * (start[0] - objective) < -1e-9:
        return from_start()
    return res.time_limited("; ".join(notes), x=x, objective=objective, gap=_gap(objective, res.bound))


def with_rows(
    model: CompiledModel, rows: list[tuple[float, float, np.ndarray, np.ndarray]]
) -> CompiledModel:
    """``model`` with ``rows`` (``lower <= vals @ x[cols] <= upper``, as cut generators give
    them) appended as rows named ``cut[k]``; the columns are unchanged."""
    if not rows:
        return model
    data, indices, indptr, senses, rhs = [], [], [0], [], []
    for lo, hi, cols, vals in rows:
        bounds = []
        if np.isfinite(lo) and np.isfinite(hi) and lo == hi:
            bounds = [("==", lo)]
        else:
            if np.isfinite(lo):
                bounds.append((">=", lo))
            if np.isfinite(hi):
                bounds.append(("<=", hi))
        for sense, value in bounds:
            indices.extend(np.asarray(cols, dtype=np.int64).tolist())
            data.extend(np.asarray(vals, dtype=float).tolist())
            indptr.append(len(indices))
            senses.append(sense)
            rhs.append(float(value))
    extra = sp.csr_matrix(
        (np.array(data), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
        shape=(len(senses), model.n_vars),
    )
    return replace(
        model,
        A=sp.vstack([model.A, extra], format="csr"),
        senses=np.concatenate([model.senses, np.array(senses, dtype=model.senses.dtype)]),
        rhs=np.concatenate([model.rhs, np.array(rhs, dtype=float)]),
        row_names=[*model.row_names, *(f"cut[{k}]" for k in range(len(senses)))],
    )
