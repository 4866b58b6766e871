"""HiGHS through highspy: the compiled arrays handed over directly, in this process or a child.

In this process (:func:`run_highs`: a watchdog thread, Ctrl-C honoured), kept loaded for
many variants (:class:`HighsSession`), or in a child process that can be ended
(``isolate``; the child is :mod:`landopt.solvers.child`, run by its path), with the
penalty relaxation and the Lagrangian bound as fallbacks when a penalised solve overruns.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from landopt.bounds import lagrangian_bound
from landopt.errors import SolverError
from landopt.model import CompiledModel
from landopt.scenario import SolverOptions
from landopt.solvers import child as _highs_child
from landopt.solvers.child import highs_outcome
from landopt.solvers.relax_fix import RELAX_FIX_SHARE, relax_and_fix, use_relax_fix
from landopt.solvers.result import EXACT_ABS, SolverResult, _gap, proven_status
from landopt.solvers.windows import WindowRunner, use_windows

log = logging.getLogger(__name__)

#: ``presolve="auto"`` keeps HiGHS's presolve on below this many variables. Measured on
#: landopt's own model (the 2023 rules and targets scaled to a 100,000-parcel district,
#: 38,575 variables): presolve on 8.0 s, off 90 s. Other models can show the opposite,
#: so re-measure before changing it.
PRESOLVE_AUTO_MAX_VARS = 10_000_000


def highs_arrays(model: CompiledModel) -> dict[str, Any]:
    """The model as the plain arrays HiGHS takes (picklable, for a child process)."""
    csc = model.A.tocsc()
    return {
        "n_vars": int(model.n_vars),
        "n_rows": int(model.n_rows),
        "c": np.asarray(model.c, dtype=float),
        "lb": np.asarray(model.lb, dtype=float),
        "ub": np.asarray(model.ub, dtype=float),
        "row_lower": np.asarray(model.row_lower, dtype=float),
        "row_upper": np.asarray(model.row_upper, dtype=float),
        "start": csc.indptr.astype(np.int32),
        "index": csc.indices.astype(np.int32),
        "value": csc.data.astype(float),
        "integer": np.asarray(model.integrality, dtype=bool),
        "maximize": model.sense == "maximize",
    }


def highs_from_model(model: CompiledModel, opts: SolverOptions) -> tuple[Any, dict[str, Any]]:
    """Load a compiled model into a fresh HiGHS object; return it and the options applied."""
    return highs_from_arrays(highs_arrays(model), opts)


def highs_from_arrays(arr: dict[str, Any], opts: SolverOptions) -> tuple[Any, dict[str, Any]]:
    """Load :func:`highs_arrays` into a fresh HiGHS object; return it and the options applied."""
    try:
        h = _highs_child.load_arrays(arr, log_output=opts.log)
    except _highs_child.ModelRejected as exc:
        raise SolverError(str(exc)) from exc
    return h, apply_highs_options(h, opts, arr["n_vars"])


def highs_option_values(opts: SolverOptions, n_vars: int) -> dict[str, Any]:
    """The HiGHS options (name: value) that ``opts`` asks for on a model of ``n_vars``."""
    presolve = opts.presolve
    if presolve == "auto":
        presolve = "off" if n_vars > PRESOLVE_AUTO_MAX_VARS else "on"
    set_: dict[str, Any] = {
        "time_limit": float(opts.time_limit),
        "mip_rel_gap": float(opts.gap),
        # whichever is reached first stops HiGHS; abs_gap = 0 keeps its numerical floor
        "mip_abs_gap": max(float(opts.abs_gap), EXACT_ABS),
        "presolve": presolve,
        "random_seed": 0,
    }
    if opts.threads:
        set_["threads"] = int(opts.threads)
    return set_


def apply_highs_options(h: Any, opts: SolverOptions, n_vars: int) -> dict[str, Any]:
    """Set time limit, gap, threads and presolve on a HiGHS object; return what was set."""
    set_ = highs_option_values(opts, n_vars)
    _highs_child.set_options(h, set_)
    return set_


def _solve_highs(model: CompiledModel, opts: SolverOptions) -> SolverResult:
    if use_relax_fix(model, opts):
        return _solve_relax_fix(model, opts)
    return _solve_plain(model, opts)


def _solve_plain(
    model: CompiledModel, opts: SolverOptions, prior: tuple[np.ndarray, float] | None = None
) -> SolverResult:
    """HiGHS on the whole model, isolated or in this process; ``prior`` (a checked plan and
    its objective) is its start where it beats the warm start."""
    import highspy

    if _isolated(model, opts):
        return _solve_highs_isolated(model, opts, prior)
    t0 = time.perf_counter()
    h, applied = highs_from_model(model, opts)
    start_x, start = _start_or_prior(model, opts, prior)
    if start_x is not None:
        h.setSolution(model.n_vars, np.arange(model.n_vars, dtype=np.int32), start_x)
        applied = {**applied, "warm_start_objective": start}
    # one deadline for the solve phase: HiGHS gets what loading and the warm start left
    left = opts.time_limit - (time.perf_counter() - t0)
    if np.isfinite(left):
        left = max(0.0, left)
        h.setOptionValue("time_limit", left)
        applied["time_limit"] = round(left, 3)
    stopped = run_highs(h, left, grace=_grace(opts.time_limit))
    runtime = time.perf_counter() - t0
    res = highs_result(
        h, model, opts, runtime, applied, backend="highs", version=_highs_version(highspy)
    )
    return replace(_watchdog_note(res, stopped), start=start_x)


def _start_or_prior(
    model: CompiledModel, opts: SolverOptions, prior: tuple[np.ndarray, float] | None
) -> tuple[np.ndarray | None, float | None]:
    """The warm start, or ``prior`` where that is better (or the only plan)."""
    start_x, start = warm_start_plan(model, opts)
    if prior is None:
        return start_x, start
    sign = 1.0 if model.sense == "minimize" else -1.0
    if start is None or sign * (prior[1] - start) < 0:
        return prior
    return start_x, start


def _solve_relax_fix(model: CompiledModel, opts: SolverOptions) -> SolverResult:
    """Relax-and-fix (:mod:`landopt.solvers.relax_fix`) first; when it proves its plan within
    the requested gap that is the result, otherwise HiGHS gets the time left from its plan,
    and the result keeps the better plan and the better of the two proven bounds."""
    import highspy

    t0 = time.perf_counter()
    limit = opts.time_limit
    share = RELAX_FIX_SHARE * limit if np.isfinite(limit) else float("inf")
    rf = relax_and_fix(model, opts, until=t0 + share, isolated=_isolated(model, opts))
    applied: dict[str, Any] = {"relax_fix": None if rf is None else rf.stats}
    if rf is not None and rf.proven:
        outcome = {
            "status": "optimal",  # the requested gap is proven: optimal or within_gap
            "has_solution": True,
            "x": rf.x,
            "objective": rf.objective,
            "bound": rf.bound,
            "time_limit_hit": False,
            "message": "relax-and-fix: plan proven within the gap by the relaxation's bound",
        }
        return _result_from_outcome(
            outcome, opts, time.perf_counter() - t0, applied, backend="highs", version=_highs_version(highspy)
        )
    left = limit - (time.perf_counter() - t0) if np.isfinite(limit) else limit
    rest = replace(opts, time_limit=max(1.0, left))
    prior = (rf.x, rf.objective) if rf is not None and rf.x is not None else None
    res = _solve_plain(model, rest, prior)
    if rf is None:
        return replace(res, options={**res.options, **applied}, runtime=time.perf_counter() - t0)
    bound = _better_bound(model, res.bound, rf.bound)
    x, objective = res.x, res.objective
    sign = 1.0 if model.sense == "minimize" else -1.0
    if rf.x is not None and (objective is None or sign * (rf.objective - objective) < 0):
        x, objective = rf.x, rf.objective
    if objective is not None and bound is not None:  # rounding must not pass the plan
        bound = min(bound, objective) if sign > 0 else max(bound, objective)
    gap = _gap(objective, bound) if objective is not None else None
    status = res.status
    if status == "time_limit" and objective is not None and bound is not None and (
        abs(objective - bound) <= max(opts.gap * abs(objective), opts.abs_gap)
    ):
        status = proven_status(objective, bound)
    return replace(
        res,
        status=status,
        proven_optimal=status in ("optimal", "within_gap"),
        has_solution=x is not None,
        x=x,
        objective=objective,
        bound=bound,
        gap=gap,
        runtime=time.perf_counter() - t0,
        time_limit=opts.time_limit,
        options={**res.options, **applied},
    )


def give_warm_start(h: Any, model: CompiledModel, opts: SolverOptions) -> float | None:
    """Hand HiGHS a greedy, swap-improved feasible plan as its first incumbent.

    ``warm_start="auto"`` does so for models with a boundary penalty, for programmes and
    for key projects (a start that lands what it can, :mod:`landopt.project_start`),
    where exact solvers are known to go long without any feasible plan (BENCHMARKS.md).
    Returns the start's objective, or None.
    """
    x, objective = warm_start_plan(model, opts)
    if x is None:
        return None
    h.setSolution(model.n_vars, np.arange(model.n_vars, dtype=np.int32), x)
    return objective


def warm_start_plan(
    model: CompiledModel, opts: SolverOptions
) -> tuple[np.ndarray | None, float | None]:
    """The warm start the options ask for (see :func:`give_warm_start`) and its objective."""
    if opts.warm_start == "off" or (
        opts.warm_start == "auto"
        and not len(model.edges)
        and not model.is_programme
        and getattr(model, "projects", None) is None  # 30k parcels, 11 projects: no plan in 60 s
    ):
        return None, None
    from landopt.heuristic import objective_with_edges, warm_start

    # counted work, not a share of the limit (the same start at 60 s and at 300 s); the
    # deadline only guards limits too short for that work
    guard = WARM_START_GUARD * opts.time_limit if np.isfinite(opts.time_limit) else None
    x = warm_start(model, deadline=None if guard is None else time.perf_counter() + guard)
    if x is None:
        return None, None
    return x, objective_with_edges(model, x)[0]


#: Share of the time limit past which the warm start stops its swaps (it normally ends by
#: its own work count long before: BENCHMARKS.md "A warm start that ignores the clock").
WARM_START_GUARD = 0.5

#: The watchdog stops HiGHS this long after its own time limit, which it does not always
#: honour (at 1M parcels with the boundary penalty it ran past 15 minutes on a 600 s
#: limit: BENCHMARKS.md).
WATCHDOG_GRACE_S = 5.0

#: After Ctrl-C, how long to wait for HiGHS to stop (it is asked to at once) before the
#: KeyboardInterrupt is raised anyway.
INTERRUPT_WAIT_S = 5.0


def _grace(time_limit: float) -> float:
    """How far past ``time_limit`` a solve phase may run: the documented grace."""
    return max(WATCHDOG_GRACE_S, 0.05 * time_limit)


def run_highs(h: Any, time_limit: float, *, grace: float | None = None) -> bool:
    """``h.run()`` under a wall-clock watchdog; return whether the watchdog had to stop it.

    HiGHS runs in a worker thread while this thread waits, so that Ctrl-C (which Python
    delivers to the main thread only) is never swallowed by HiGHS: it is asked to stop
    (``cancelSolve``), given :data:`INTERRUPT_WAIT_S` to do so, and the
    ``KeyboardInterrupt`` is raised. HiGHS is also asked to stop when ``time_limit`` plus
    ``grace`` (by default :func:`_grace`) has passed; it then returns its best plan so
    far with an interrupt status, which :func:`highs_result` reports as a time-limited,
    unproven result.

    Raises
    ------
    KeyboardInterrupt
        On Ctrl-C (SIGINT) while HiGHS runs.
    """
    h.HandleUserInterrupt = True
    stop_at = time.perf_counter() + time_limit + (_grace(time_limit) if grace is None else grace)
    done = threading.Event()
    failed: list[BaseException] = []

    def work() -> None:
        try:
            h.run()
        except BaseException as exc:  # re-raised in the calling thread
            failed.append(exc)
        finally:
            # as highspy does after a solve in a thread of its own (its thread scheduler)
            reset = getattr(type(h), "resetThreadScheduler", None)
            if reset is not None:
                with contextlib.suppress(Exception):
                    reset(False)
            done.set()

    worker = threading.Thread(target=work, name="highs", daemon=True)
    fired = False
    try:
        worker.start()
        while not done.wait(min(0.25, max(0.0, stop_at - time.perf_counter()))):
            if not fired and time.perf_counter() >= stop_at:
                fired = True
                h.cancelSolve()
    except KeyboardInterrupt:
        h.cancelSolve()
        if not done.wait(INTERRUPT_WAIT_S):
            log.warning(
                "HiGHS did not stop within %.0f s of Ctrl-C; it runs on in the background "
                "until it does",
                INTERRUPT_WAIT_S,
            )
        raise
    if failed:
        raise failed[0]
    return fired


#: ``isolate="auto"`` runs HiGHS in a child process from this many variables up. HiGHS does
#: not poll its time limit or a cancel request everywhere: at 1,000,000 parcels with a
#: boundary penalty it stayed in its MIP setup (setupCliquePartition) for over 15 minutes
#: on a 600 s limit (BENCHMARKS.md), and without edge columns too: the 100,000-parcel
#: penalty relaxation (38,575 binaries, the shape of the unpenalised 100k model) ran 22 s
#: on a 4.5 s limit, in its root separation after a restart (HiGHS 1.16 log). A child
#: process can be ended; a thread inside HiGHS cannot. A child costs about 0.4 s (numpy and
#: highspy imported; measured on the project's 2-core machine); the 3,000-parcel demo
#: (1,139 variables, solved in 0.2 s) stays in-process.
ISOLATE_AUTO_MIN_VARS = 10_000

#: ... and models with a boundary penalty from this many variables up: the objective clique
#: partition HiGHS builds for the edge columns is where it ignored its clock (100,000
#: parcels, 49,450 variables, ``--time-limit 5``: 12-34 s in-process), and it grows with
#: the model; the tests' penalised grids (a few hundred variables) stay in-process.
ISOLATE_PENALISED_MIN_VARS = 1_000


def _isolated(model: CompiledModel, opts: SolverOptions) -> bool:
    if opts.isolate == "auto":
        if not np.isfinite(opts.time_limit):
            return False
        if len(model.edges) and model.n_vars >= ISOLATE_PENALISED_MIN_VARS:
            return True
        return model.n_vars >= ISOLATE_AUTO_MIN_VARS
    return opts.isolate == "on"


#: How often a long isolated solve logs its best plan and bound (INFO; ``landopt -v``).
PROGRESS_EVERY_S = 30.0

#: The file the child process runs (by its path; see landopt/solvers/child.py).
CHILD_SCRIPT = Path(_highs_child.__file__).resolve()

#: Python source the child runs instead of :data:`CHILD_SCRIPT` when set (tests use it for
#: children that hang or die). It is run as ``python -I -c CHILD_CODE <parent pid> <dir>...``.
CHILD_CODE: str | None = None

#: The solve phase ends this long before its deadline (at most a quarter of the grace):
#: time to end a child, read what it left and build the result.
STOP_MARGIN_S = 1.0

#: The slice of a penalised solve reserved for the penalty relaxation
#: (:func:`_relaxation_fallback`): this share of the time limit, at least
#: :data:`RELAX_MIN_S` (at 100,000 parcels the relaxation proves its bound in about 2 s of
#: HiGHS), at most half of limit + grace.
RELAX_SHARE = 0.2

#: A penalised model spends at most this share of its time limit (at least 1 s) on the
#: Lagrangian bound (:mod:`landopt.bounds`), in this process while HiGHS runs in its child.
LAGRANGIAN_SHARE = 0.1
RELAX_MIN_S = 3.0


def _import_dirs() -> list[str]:
    """The directories this process imported numpy and highspy from, never the working one.

    The child runs with ``python -I`` (no working directory, no ``PYTHONPATH``, no user
    site on its path), so the places these come from are handed to it explicitly; the
    working directory is left out even when this process found them there.
    """
    import highspy

    cwd = os.path.realpath(os.getcwd())
    out: list[str] = []
    for mod in (np, highspy):
        f = getattr(mod, "__file__", None)
        if not f:
            continue
        p = Path(f).resolve()
        d = str(p.parent.parent if p.name == "__init__.py" else p.parent)
        if os.path.realpath(d) != cwd and d not in out:
            out.append(d)
    return out


def _child_command() -> list[str]:
    """How the child is started: isolated mode, its parent's pid first on the command line."""
    args = [str(os.getpid()), *_import_dirs()]
    if CHILD_CODE is not None:
        return [sys.executable, "-I", "-c", CHILD_CODE, *args]
    return [sys.executable, "-I", str(CHILD_SCRIPT), *args]


class _ChildSolve:
    """A HiGHS child process and a thread that keeps what it reports.

    Started at once, so that its interpreter starts up while the parent prepares the model;
    :meth:`start_solve` hands it the model once it has said it is ready. ``role`` names it
    in logs and lets tests tell the penalised solve ("solve") from the relaxation.
    """

    def __init__(self, role: str = "solve"):
        self.role = role
        self.ready = threading.Event()
        self.incumbent: tuple[float, np.ndarray] | None = None
        self.bound: float | None = None
        self.done: tuple[Any, ...] | None = None
        self.error: str | None = None
        self.finished = threading.Event()
        self.ended = False  # ended by the parent rather than by itself
        try:
            self.proc = subprocess.Popen(
                _child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
        except OSError as exc:
            raise SolverError(
                f"could not start HiGHS's process: {exc}; "
                'set isolate = "off" under [solver] to solve in this process'
            ) from exc
        self._reader = threading.Thread(target=self._read, daemon=True, name=f"highs-{role}")
        self._reader.start()

    def start_solve(self, payload: bytes, highs_end: float) -> None:
        """Send the model once the child is ready; HiGHS's own limit ends at ``highs_end``.

        ``payload`` is ``_highs_child.frame("solve", arrays, options, start)``;
        ``highs_end`` is a :func:`time.perf_counter` time, turned into seconds when sent.
        """
        threading.Thread(target=self._write, args=(payload, highs_end), daemon=True).start()

    def _write(self, payload: bytes, highs_end: float) -> None:
        assert self.proc.stdin is not None
        while not self.ready.wait(0.05):
            if self.finished.is_set():
                return
        with contextlib.suppress(OSError, ValueError):  # the child was ended meanwhile
            budget = max(0.0, highs_end - time.perf_counter()) if np.isfinite(highs_end) else 1e30
            self.proc.stdin.write(_highs_child.frame("budget", budget))
            self.proc.stdin.write(payload)
            self.proc.stdin.close()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        try:
            while (msg := _highs_child.receive(self.proc.stdout)) is not None:
                if msg[0] == "ready":
                    self.ready.set()
                elif msg[0] == "incumbent":
                    self.incumbent = (msg[1], msg[2])
                elif msg[0] == "bound":
                    self.bound = msg[1]
                elif msg[0] == "done":
                    self.done = msg
                    break
                else:
                    self.error = msg[1]
                    break
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            pass  # the stream was closed or cut: the child ended
        finally:
            self.finished.set()

    def wait_until(self, deadline: float) -> bool:
        """Wait for the child's final report until ``deadline``; return whether it came."""
        return self.finished.wait(max(0.0, deadline - time.perf_counter()))

    def deadline_passed(self, deadline: float) -> bool:
        """Whether the child's time is up (tests end a child on its report instead)."""
        return time.perf_counter() >= deadline

    def stop(self, wait: float = 0.0) -> None:
        """Give the child ``wait`` seconds to exit, then end it (SIGTERM, then SIGKILL)."""
        if self.proc.stdin is not None:  # a child still waiting for a model exits on EOF
            with contextlib.suppress(OSError, ValueError):
                self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(wait)
        if self.proc.poll() is None:
            self.ended = True
            self.proc.terminate()
            try:
                self.proc.wait(1.0)
            except subprocess.TimeoutExpired:  # pragma: no cover - HiGHS does not trap SIGTERM
                self.proc.kill()
                self.proc.wait()
        self._reader.join(5)
        if self.proc.stdout is not None:
            with contextlib.suppress(OSError):
                self.proc.stdout.close()


def _child_payload(model: CompiledModel, opts: SolverOptions, start: np.ndarray | None) -> bytes:
    options = {**highs_option_values(opts, model.n_vars), "log": opts.log}
    return _highs_child.frame("solve", highs_arrays(model), options, start)


def _wait_child(
    child: _ChildSolve, deadline: float, t0: float, limit: float, start_obj: float | None
) -> bool:
    """Wait for the child until ``deadline``, logging progress; return whether it finished."""
    next_log = t0 + PROGRESS_EVERY_S
    while not child.wait_until(min(deadline, next_log)):
        if time.perf_counter() >= next_log:
            next_log += PROGRESS_EVERY_S
            inc = child.incumbent[0] if child.incumbent is not None else start_obj
            log.info(
                "HiGHS, %.0f s of %.0f: best plan %s, bound %s",
                time.perf_counter() - t0,
                limit,
                "none yet" if inc is None else f"{inc:,.1f}",
                "none yet" if child.bound is None else f"{child.bound:,.1f}",
            )
        if child.deadline_passed(deadline):
            return False
    return True


def _solve_highs_isolated(
    model: CompiledModel, opts: SolverOptions, prior: tuple[np.ndarray, float] | None = None
) -> SolverResult:
    """HiGHS in a child process that is ended if it overruns its time limit.

    One deadline holds for the whole solve phase: it returns within the time limit plus
    the grace (:func:`_grace`), warm start, child and relaxation included. A model with a
    boundary penalty reserves a slice of it (:data:`RELAX_SHARE`) for the penalty
    relaxation, which proves a bound when HiGHS cannot: HiGHS's own limit ends that much
    earlier, and its process is ended soon after it overruns that limit. A second child is
    started at once for the relaxation, so that its start-up is not spent from the slice.

    The parent keeps the best plan HiGHS reported (or the warm start) and the last bound, so
    a solve that HiGHS would not stop still returns a plan (checked like any other by
    :mod:`landopt.plan`), honestly labelled as time-limited.

    Raises
    ------
    SolverError
        When the child fails or dies.
    KeyboardInterrupt
        On Ctrl-C; no child is left running.
    """
    import highspy

    t0 = time.perf_counter()
    limit = opts.time_limit
    finite = bool(np.isfinite(limit))
    grace = _grace(limit) if finite else 0.0
    end = t0 + limit + grace if finite else float("inf")
    margin = min(STOP_MARGIN_S, grace / 4)
    reserve = 0.0
    if finite and len(model.edges):
        reserve = min(max(RELAX_MIN_S, RELAX_SHARE * limit), (limit + grace) / 2)
    children: list[_ChildSolve] = []
    runner: WindowRunner | None = None
    try:
        main = _ChildSolve("solve")
        children.append(main)
        spare = _ChildSolve("relaxation") if reserve else None
        if spare is not None:
            children.append(spare)
        start_x, start_obj = _start_or_prior(model, opts, prior)
        highs_end = t0 + max(limit - reserve, 0.2 * limit) if finite else float("inf")
        main.start_solve(_child_payload(model, opts, start_x), highs_end)
        main_end = end - margin
        if reserve:  # past its own limit HiGHS is stuck: leave the slice to the relaxation
            main_end = min(end - reserve - margin, highs_end + max(1.0, 0.05 * limit))
        if start_x is not None and finite and use_windows(model, opts):
            runner = WindowRunner(model, start_x, opts, until=min(highs_end, main_end))
        relaxed = None
        lagrangian = None
        if spare is not None:  # prepared while HiGHS runs
            relaxation = model.penalty_relaxation()
            relaxed = _child_payload(relaxation, replace(opts, warm_start="off"), None)
            # a bound that needs no solver, from numpy in seconds: the one a run keeps when
            # HiGHS proves none in time (1M parcels with the penalty: BENCHMARKS.md)
            lagrangian = lagrangian_bound(
                relaxation,
                incumbent=start_obj,
                until=min(main_end, time.perf_counter() + max(1.0, LAGRANGIAN_SHARE * limit)),
            )
        finished = _wait_child(main, main_end, t0, limit, start_obj)
        main.stop(wait=min(5.0, max(0.0, end - margin - time.perf_counter())) if finished else 0.0)
        windows = runner.finish() if runner is not None else None
    except BaseException:  # Ctrl-C or any error here: never leave HiGHS running
        if runner is not None:
            runner.finish()
        for c in children:
            c.stop()
        raise
    version = _highs_version(highspy)
    ended = time.perf_counter() - t0
    applied: dict[str, Any] = {"isolated": True}
    if start_obj is not None:
        applied["warm_start_objective"] = start_obj
    if windows is not None:
        applied["windows"] = windows[2]
    if main.done is not None:
        _, outcome, _, child_applied = main.done
        applied = {**child_applied, **applied}
        if not outcome["has_solution"] and start_x is not None:
            outcome = {**outcome, "has_solution": True, "x": start_x, "objective": start_obj}
        outcome = _with_windows(model, outcome, windows)
        if spare is None or outcome["status"] != "time_limit":
            if spare is not None:
                spare.stop()
            if outcome["status"] == "time_limit":
                outcome = {**outcome, "bound": _better_bound(model, outcome["bound"], lagrangian)}
            return replace(
                _result_from_outcome(outcome, opts, ended, applied, backend="highs", version=version),
                start=start_x,
            )
    elif main.error is not None or not main.ended:
        if spare is not None:
            spare.stop()
        if main.error is not None:
            raise SolverError(f"HiGHS failed in its process: {main.error}")
        code = main.proc.returncode
        raise SolverError(
            f"HiGHS's process ended unexpectedly (exit code {code}"
            f"{'; out of memory?' if code == -9 else ''}) after {ended:.0f} s; "
            'set isolate = "off" under [solver] to solve in this process'
        )
    if main.done is not None:
        best_obj, best_x, bound = outcome["objective"], outcome["x"], outcome["bound"]
        message = outcome["message"]
    else:
        best_obj, best_x = main.incumbent if main.incumbent is not None else (start_obj, start_x)
        better = _with_windows(model, {"objective": best_obj, "x": best_x}, windows)
        best_obj, best_x = better["objective"], better["x"]
        bound = main.bound
        log.warning(
            "HiGHS overran its %.0f s time limit and its process was ended after %.0f s",
            highs_end - t0,
            ended,
        )
        message = (
            "time limit reached; HiGHS did not stop by itself and its process was ended "
            f"after {ended:.0f} s"
        )
    notes = []
    if spare is not None and relaxed is not None:
        before = (best_obj, bound)
        best_obj, best_x, bound = _relaxation_fallback(
            model, opts, spare, relaxed, t0, end - margin, best_obj, best_x, bound
        )
        applied["relaxation_fallback_s"] = round(time.perf_counter() - t0 - ended, 2)
        if bound is not None and bound != before[1]:
            notes.append("bound from the penalty relaxation")
        if best_obj is not None and best_obj != before[0]:
            notes.append("plan from the penalty relaxation")
    if lagrangian is not None and _better_bound(model, bound, lagrangian) != bound:
        bound = lagrangian
        if best_obj is not None:  # rounding must not make the bound pass the plan
            bound = min(bound, best_obj) if model.sense == "minimize" else max(bound, best_obj)
        notes.append("bound from the Lagrangian relaxation")
    has = best_x is not None
    outcome = {
        "status": "time_limit",
        "has_solution": has,
        "x": best_x,
        "objective": best_obj,
        "bound": bound,
        "time_limit_hit": True,
        "message": message
        + ("" if has else "; no feasible plan had been found")
        + ("" if bound is not None else "; no bound had been proven")
        + "".join(f"; {n}" for n in notes),
    }
    runtime = time.perf_counter() - t0
    res = _result_from_outcome(outcome, opts, runtime, applied, backend="highs", version=version)
    return replace(res, start=start_x)


def _with_windows(
    model: CompiledModel, outcome: dict[str, Any], windows: tuple[Any, ...] | None
) -> dict[str, Any]:
    """``outcome`` with the exact windows' plan instead of its own where that is better."""
    if windows is None or windows[2]["improved"] == 0:
        return outcome
    x, value, _ = windows
    sign = 1.0 if model.sense == "minimize" else -1.0
    have = outcome.get("objective")
    if have is not None and outcome.get("x") is not None and sign * (value - have) >= -1e-9:
        return outcome
    return {**outcome, "has_solution": True, "x": x, "objective": value}


def _better_bound(model: CompiledModel, a: float | None, b: float | None) -> float | None:
    """The tighter of two proven bounds (the larger when minimising), either may be None."""
    if a is None or b is None:
        return b if a is None else a
    return max(a, b) if model.sense == "minimize" else min(a, b)


def _relaxation_fallback(
    model: CompiledModel,
    opts: SolverOptions,
    child: _ChildSolve,
    payload: bytes,
    t0: float,
    deadline: float,
    best_obj: float | None,
    best_x: np.ndarray | None,
    bound: float | None,
) -> tuple[float | None, np.ndarray | None, float | None]:
    """After a penalised solve stopped short: solve its penalty relaxation for a bound and a plan.

    :meth:`CompiledModel.penalty_relaxation` has no edge rows or columns and is far easier;
    its proven bound bounds the penalised optimum, and its plan, priced with the penalty,
    replaces the incumbent if better. It runs in ``child`` (started with the solve, so
    ready) until ``deadline``; HiGHS's own limit ends at the time limit or, when the solve
    overran into the reserved slice, a quarter of the slice before the deadline.
    """
    from landopt.heuristic import objective_with_edges

    now = time.perf_counter()
    highs_end = max(t0 + opts.time_limit, now + 0.75 * (deadline - now))
    highs_end = min(highs_end, deadline - min(0.5, 0.25 * max(0.0, deadline - now)))
    log.info("solving the penalty relaxation for a bound (at most %.1f s)", deadline - now)
    try:
        child.start_solve(payload, highs_end)
        finished = _wait_child(child, deadline, t0, opts.time_limit, best_obj)
        child.stop(wait=min(2.0, max(0.0, deadline - time.perf_counter())) if finished else 0.0)
    except BaseException:
        child.stop()
        raise
    if child.error is not None:
        log.warning("the penalty relaxation failed: %s", child.error)
        return best_obj, best_x, bound
    if child.done is not None:
        out = child.done[1]
        r_bound, r_x = out["bound"], out["x"]
    else:
        r_bound = child.bound
        r_x = child.incumbent[1] if child.incumbent is not None else None
    minimize = model.sense == "minimize"
    if r_bound is not None and (bound is None or (r_bound > bound) == minimize):
        bound = r_bound
    if r_x is not None:
        x = np.concatenate([np.round(r_x[: model.n_x]), np.zeros(model.n_vars - model.n_x)])
        obj, x = objective_with_edges(model, x)
        if best_obj is None or (obj < best_obj) == minimize:
            best_obj, best_x = obj, x
    return best_obj, best_x, bound


def _watchdog_note(res: SolverResult, stopped: bool) -> SolverResult:
    """Mark a result the watchdog cut short: never optimal, always time-limited."""
    if not stopped or res.proven_optimal:
        return res
    log.warning(
        "HiGHS overran its %.0f s time limit and was stopped by the watchdog", res.time_limit
    )
    status = res.status if res.status == "infeasible" else "time_limit"
    return replace(
        res,
        status=status,
        proven_optimal=False,
        time_limit_hit=True,
        message=res.message + " (stopped by the watchdog)",
    )


def highs_result(
    h: Any,
    model: CompiledModel,
    opts: SolverOptions,
    runtime: float,
    applied: dict[str, Any],
    *,
    backend: str,
    version: str,
) -> SolverResult:
    """Read status, solution, bound and gap from a HiGHS object after ``run``."""
    return _result_from_outcome(
        highs_outcome(h), opts, runtime, applied, backend=backend, version=version
    )


def _result_from_outcome(
    out: dict[str, Any],
    opts: SolverOptions,
    runtime: float,
    applied: dict[str, Any],
    *,
    backend: str,
    version: str,
) -> SolverResult:
    has_sol = out["has_solution"]
    status = out["status"]
    if status == "optimal":  # HiGHS proved its stopping rule: exactly, or within the gap?
        status = proven_status(out["objective"], out["bound"])
    return SolverResult(
        status=status,
        has_solution=has_sol,
        proven_optimal=status in ("optimal", "within_gap"),
        objective=out["objective"],
        bound=out["bound"],
        gap=_gap(out["objective"], out["bound"]) if has_sol else None,
        runtime=runtime,
        backend=backend,
        solver="HiGHS",
        solver_version=version,
        time_limit=opts.time_limit,
        time_limit_hit=out["time_limit_hit"],
        requested_gap=opts.gap,
        requested_abs_gap=opts.abs_gap,
        x=out["x"],
        message=out["message"],
        options=applied,
    )


class HighsSession:
    """One compiled model kept in HiGHS for many solves: changed right-hand sides, bounds, extra rows.

    Sweeps, alternatives and replacement costs solve dozens of variants of one model;
    loading it once and changing only what differs avoids rebuilding it each time.
    """

    def __init__(self, model: CompiledModel, opts: SolverOptions | None = None):
        import highspy

        self.model = model
        self.opts = opts or model.scenario.solver
        self.h, self.applied = highs_from_model(model, self.opts)
        self.version = _highs_version(highspy)
        self.n_rows = model.n_rows
        self.start: np.ndarray | None = None

    def set_start(self, x: np.ndarray | None, objective: float | None = None) -> None:
        """Give every later solve ``x`` as its first incumbent (a plan feasible for every
        variant solved: the cut loop's rows never cut off its start), or none."""
        self.start = None if x is None else np.asarray(x, dtype=float)
        self.applied = {k: v for k, v in self.applied.items() if k != "warm_start_objective"}
        if x is not None and objective is not None:
            self.applied["warm_start_objective"] = objective

    def use_options(self, opts: SolverOptions) -> None:
        """Solve from now on with ``opts`` (time limit, stopping rule, threads, presolve)."""
        self.opts = opts
        start = self.applied.get("warm_start_objective")
        self.applied = apply_highs_options(self.h, opts, self.model.n_vars)
        if start is not None:
            self.applied["warm_start_objective"] = start

    def set_rhs(self, rhs: np.ndarray) -> None:
        """Replace the right-hand sides of the model's own rows (senses unchanged)."""
        m = self.model
        lo = np.where(m.senses == "<=", -1e30, rhs)
        hi = np.where(m.senses == ">=", 1e30, rhs)
        self.h.changeRowsBounds(m.n_rows, np.arange(m.n_rows, dtype=np.int32), lo, hi)

    def set_bounds(self, lb: np.ndarray, ub: np.ndarray) -> None:
        """Replace every variable's bounds."""
        n = self.model.n_vars
        self.h.changeColsBounds(
            n, np.arange(n, dtype=np.int32), np.asarray(lb, float), np.asarray(ub, float)
        )

    def add_row(self, lower: float, upper: float, cols: np.ndarray, vals: np.ndarray) -> int:
        """Add a row ``lower <= vals @ x[cols] <= upper``; return its index."""
        cols = np.asarray(cols, dtype=np.int32)
        lo = -1e30 if not np.isfinite(lower) else float(lower)
        hi = 1e30 if not np.isfinite(upper) else float(upper)
        self.h.addRow(lo, hi, len(cols), cols, np.asarray(vals, dtype=float))
        self.n_rows += 1
        return self.n_rows - 1

    def solve(self) -> SolverResult:
        """Solve the current variant from scratch."""
        self.h.clearSolver()
        t0 = time.perf_counter()
        if self.start is not None:
            n = self.model.n_vars
            self.h.setSolution(n, np.arange(n, dtype=np.int32), self.start)
        stopped = run_highs(self.h, self.opts.time_limit)
        res = highs_result(
            self.h,
            self.model,
            self.opts,
            time.perf_counter() - t0,
            self.applied,
            backend="highs",
            version=self.version,
        )
        res = _watchdog_note(res, stopped)
        if res.x is not None:
            res = replace(res, x=np.round(res.x[: self.model.n_vars]).clip(0, 1))
        return replace(res, start=self.start)


def _highs_version(highspy: Any) -> str:
    return (
        f"{highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}.{highspy.HIGHS_VERSION_PATCH}"
    )
