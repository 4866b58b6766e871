"""Solver back-ends behind one small protocol, returning one honest result type.

Back-ends
---------
``highs`` (default)
    HiGHS through highspy, handed the compiled arrays directly (CSC matrix, bounds,
    integrality): no modeling-layer overhead, and the bound and gap come from HiGHS.
``highs-pulp``
    HiGHS through PuLP's adapter, from :meth:`CompiledModel.to_pulp`.
``cbc``
    COIN-OR CBC through PuLP: the binary bundled with PuLP 3.3, or a ``cbc`` on the
    PATH with PuLP 4 (which bundles none; ``apt-get install coinor-cbc``).

A result is never called optimal unless the solver proved it: a time-limited
incumbent is reported as ``status="time_limit"`` with ``proven_optimal=False``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import shutil
import struct
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from landopt.errors import SolverError
from landopt.model import CompiledModel
from landopt.scenario import BACKENDS, SolverOptions

__all__ = ["BACKENDS", "HighsSession", "SolverResult", "available_backends", "solve_model"]

log = logging.getLogger(__name__)

#: ``presolve="auto"`` keeps HiGHS's presolve on below this many variables. Measured on
#: landopt's own model (the 2023 rules and targets scaled to a 100,000-parcel district,
#: 38,575 variables): presolve on 8.0 s, off 90 s. Other models can show the opposite,
#: so re-measure before changing it.
PRESOLVE_AUTO_MAX_VARS = 10_000_000


@dataclass(frozen=True)
class SolverResult:
    """What a solver said, checked and normalised.

    Attributes
    ----------
    status
        ``"optimal"`` (proven within the requested gap), ``"time_limit"`` (stopped by
        the limit; may still carry a feasible plan), ``"infeasible"``, ``"unbounded"``,
        ``"error"``.
    has_solution
        Whether ``x`` holds a feasible 0/1 vector.
    proven_optimal
        True only when the solver proved the gap target; False for an incumbent.
    objective, bound, gap
        Objective of the solution, the best proven bound, and the relative gap between
        them (``None`` where the back-end does not report it).
    """

    status: str
    has_solution: bool
    proven_optimal: bool
    objective: float | None
    bound: float | None
    gap: float | None
    runtime: float
    backend: str
    solver: str
    solver_version: str
    time_limit: float
    time_limit_hit: bool
    requested_gap: float
    x: np.ndarray | None = field(default=None, repr=False)
    message: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        """The result as plain JSON-ready data (without the solution vector)."""
        return {
            "status": self.status,
            "has_solution": self.has_solution,
            "proven_optimal": self.proven_optimal,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "runtime_s": round(self.runtime, 4),
            "backend": self.backend,
            "solver": self.solver,
            "solver_version": self.solver_version,
            "time_limit_s": self.time_limit,
            "time_limit_hit": self.time_limit_hit,
            "requested_gap": self.requested_gap,
            "message": self.message,
            "options": self.options,
        }


def available_backends() -> list[str]:
    """The back-ends that can run on this machine, best first."""
    out = []
    with contextlib.suppress(ImportError):
        import highspy  # noqa: F401

        out += ["highs", "highs-pulp"]
    if _cbc_solver(msg=False, time_limit=None, gap=0.0, threads=None, probe=True) is not None:
        out.append("cbc")
    return out


def solve_model(
    model: CompiledModel,
    options: SolverOptions | None = None,
    **overrides: Any,
) -> SolverResult:
    """Solve a compiled model.

    Parameters
    ----------
    model
        From :func:`landopt.compile_model`.
    options
        Back-end and limits; defaults to the scenario's ``[solver]`` table.
    **overrides
        Fields of :class:`SolverOptions` to change for this call (``backend``,
        ``time_limit``, ``gap``, ``threads``, ``presolve``, ``log``).

    Returns
    -------
    SolverResult

    Raises
    ------
    SolverError
        When the back-end is missing or fails outright.
    """
    opts = replace(options or model.scenario.solver, **overrides)
    if opts.backend not in BACKENDS:
        raise SolverError(
            f"unknown solver back-end {opts.backend!r}; use one of {', '.join(BACKENDS)}"
        )
    log.info(
        "solving %s with %s (time limit %gs, gap %g)",
        model.scenario.name,
        opts.backend,
        opts.time_limit,
        opts.gap,
    )
    if model.n_vars == 0:
        return _empty_model(model, opts)
    if opts.backend == "highs":
        result = _solve_highs(model, opts)
    else:
        result = _solve_pulp(model, opts)
    if result.has_solution and result.x is not None:
        # the plan re-checks everything; here only the cheap sanity of a 0/1 vector
        result = replace(result, x=np.round(result.x).clip(0, 1))
        result = _check_objective(model, opts, result)
    log.info(
        "%s: %s, objective %s, gap %s, %.2fs",
        result.solver,
        result.status,
        result.objective,
        result.gap,
        result.runtime,
    )
    return result


def _check_objective(model: CompiledModel, opts: SolverOptions, res: SolverResult) -> SolverResult:
    """Compare the reported objective with the plan's own value; act on a mismatch.

    HiGHS 1.16 can report an objective and bound that leave out columns its presolve
    removed, when it was given a start (seen on a 16-parcel grid: plan worth 9, reported 0,
    "optimal"; tests/test_solvers.py). Then the model is solved again without the start. A
    time-limited plan keeps its own value and loses the bound, which cannot be trusted
    either; any other mismatch is an error rather than a plan with a wrong price.
    """
    assert res.x is not None
    own = float(model.c @ res.x)
    if res.objective is None or abs(own - res.objective) <= 1e-6 * max(1.0, abs(own)):
        return res
    log.warning("%s reported objective %.6g for a plan worth %.6g", res.solver, res.objective, own)
    if res.status == "optimal" and res.options.get("warm_start_objective") is not None:
        log.warning("solving again without the warm start")
        return solve_model(model, replace(opts, warm_start="off"))
    if res.status == "time_limit":
        return replace(
            res,
            objective=own,
            bound=None,
            gap=None,
            message=res.message + f"; reported objective {res.objective:.6g} did not match "
            "the plan, so no bound is given",
        )
    raise SolverError(
        f"{res.solver} reported objective {res.objective:.6g} for a plan worth {own:.6g}; "
        'not presenting it (try another back-end, or presolve = "off")'
    )


# --------------------------------------------------------------------------- HiGHS direct
def new_highs(*, log_output: bool = False) -> Any:
    """A ``highspy.Highs`` object, without the banner HiGHS prints on creation unless logging."""
    try:
        import highspy
    except ImportError as exc:  # pragma: no cover - highspy is a dependency
        raise SolverError("highspy is not installed: pip install highspy") from exc
    if log_output:
        h = highspy.Highs()
    else:
        with _silence_stdout():
            h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    return h


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
    import highspy

    h = new_highs(log_output=opts.log)
    lp = highspy.HighsLp()
    lp.num_col_ = arr["n_vars"]
    lp.num_row_ = arr["n_rows"]
    lp.col_cost_ = arr["c"]
    lp.col_lower_ = arr["lb"]
    lp.col_upper_ = arr["ub"]
    lp.row_lower_ = np.where(np.isinf(arr["row_lower"]), -highspy.kHighsInf, arr["row_lower"])
    lp.row_upper_ = np.where(np.isinf(arr["row_upper"]), highspy.kHighsInf, arr["row_upper"])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = arr["start"]
    lp.a_matrix_.index_ = arr["index"]
    lp.a_matrix_.value_ = arr["value"]
    lp.a_matrix_.num_col_ = arr["n_vars"]
    lp.a_matrix_.num_row_ = arr["n_rows"]
    kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
    lp.integrality_ = [kinds[int(v)] for v in arr["integer"]]
    lp.sense_ = highspy.ObjSense.kMaximize if arr["maximize"] else highspy.ObjSense.kMinimize
    status = h.passModel(lp)
    if status == highspy.HighsStatus.kError:
        raise SolverError("HiGHS rejected the model (passModel returned an error)")
    return h, apply_highs_options(h, opts, arr["n_vars"])


def apply_highs_options(h: Any, opts: SolverOptions, n_vars: int) -> dict[str, Any]:
    """Set time limit, gap, threads and presolve on a HiGHS object; return what was set."""
    presolve = opts.presolve
    if presolve == "auto":
        presolve = "off" if n_vars > PRESOLVE_AUTO_MAX_VARS else "on"
    set_ = {
        "time_limit": float(opts.time_limit),
        "mip_rel_gap": float(opts.gap),
        "mip_abs_gap": 1e-6,
        "presolve": presolve,
        "random_seed": 0,
    }
    if opts.threads:
        set_["threads"] = int(opts.threads)
    for k, v in set_.items():
        h.setOptionValue(k, v)
    return set_


def _solve_highs(model: CompiledModel, opts: SolverOptions) -> SolverResult:
    import highspy

    if _isolated(model, opts):
        return _solve_highs_isolated(model, opts)
    h, applied = highs_from_model(model, opts)
    t0 = time.perf_counter()
    start = give_warm_start(h, model, opts)
    if start is not None:
        applied = {**applied, "warm_start_objective": start}
    stopped = run_highs(h, opts.time_limit)
    runtime = time.perf_counter() - t0
    res = highs_result(
        h, model, opts, runtime, applied, backend="highs", version=_highs_version(highspy)
    )
    return _watchdog_note(res, stopped)


def give_warm_start(h: Any, model: CompiledModel, opts: SolverOptions) -> float | None:
    """Hand HiGHS a greedy, swap-improved feasible plan as its first incumbent.

    ``warm_start="auto"`` does so for models with a boundary penalty, where exact solvers
    are known to go long without any feasible plan. Returns the start's objective, or None.
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
    if opts.warm_start == "off" or (opts.warm_start == "auto" and not len(model.edges)):
        return None, None
    from landopt.heuristic import objective_with_edges, warm_start

    x = warm_start(model, seconds=min(10.0, 0.05 * opts.time_limit))
    if x is None:
        return None, None
    return x, objective_with_edges(model, x)[0]


#: The watchdog stops HiGHS this long after its own time limit, which it does not always
#: honour (at 1M parcels with the boundary penalty it ran past 15 minutes on a 600 s
#: limit: BENCHMARKS.md).
WATCHDOG_GRACE_S = 5.0


def run_highs(h: Any, time_limit: float) -> bool:
    """``h.run()`` under a wall-clock watchdog; return whether the watchdog had to stop it.

    HiGHS is asked to stop (``cancelSolve``) when ``time_limit`` plus a grace period has
    passed; it then returns its best plan so far with an interrupt status, which
    :func:`highs_result` reports as a time-limited, unproven result.
    """
    if not np.isfinite(time_limit):
        h.run()
        return False
    h.HandleUserInterrupt = True
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        h.cancelSolve()

    timer = threading.Timer(time_limit + max(WATCHDOG_GRACE_S, 0.05 * time_limit), stop)
    timer.daemon = True
    timer.start()
    try:
        h.run()
    finally:
        timer.cancel()
    return fired.is_set()


#: ``isolate="auto"`` runs HiGHS in a child process from this many variables up. HiGHS does
#: not poll its time limit or a cancel request everywhere: at 1,000,000 parcels with a
#: boundary penalty it stayed in its MIP setup (setupCliquePartition) for over 15 minutes
#: on a 600 s limit (BENCHMARKS.md). A child process can be ended; a thread inside HiGHS cannot.
ISOLATE_AUTO_MIN_VARS = 100_000


def _isolated(model: CompiledModel, opts: SolverOptions) -> bool:
    if opts.isolate == "auto":
        return bool(np.isfinite(opts.time_limit)) and model.n_vars >= ISOLATE_AUTO_MIN_VARS
    return opts.isolate == "on"


def _send(stream: Any, *msg: Any) -> None:
    data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: Any) -> tuple[Any, ...] | None:
    head = stream.read(8)
    if len(head) < 8:
        return None
    (n,) = struct.unpack("<Q", head)
    data = stream.read(n)
    return pickle.loads(data) if len(data) == n else None


def _child_main() -> None:
    """Entry point of the HiGHS child process (``python -c``; see :func:`_solve_highs_isolated`).

    Reads ``(arrays, options, start)`` from stdin; writes ``("incumbent", objective, x)`` for
    each improving plan, ``("bound", bound)`` about once a second, then ``("done", outcome,
    runtime, applied)`` or ``("error", text)`` to the original stdout. HiGHS's own log goes
    to stderr so that it cannot corrupt the messages.
    """
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    parent = os.getppid()

    def orphaned() -> None:  # the parent was killed outright: stop, do not run on alone
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=orphaned, daemon=True).start()
    try:
        arr, opts, start = pickle.load(sys.stdin.buffer)
        h, applied = highs_from_arrays(arr, opts)
        n = arr["n_vars"]
        if start is not None:
            h.setSolution(n, np.arange(n, dtype=np.int32), start)
        last = [0.0]

        def improving(e: Any) -> None:
            x = np.array(e.data_out.mip_solution, dtype=float)
            _send(out, "incumbent", float(e.data_out.objective_function_value), x)

        def progress(e: Any) -> None:
            now = time.monotonic()
            if now - last[0] >= 1.0:
                last[0] = now
                bound = float(e.data_out.mip_dual_bound)
                if np.isfinite(bound):
                    _send(out, "bound", bound)

        h.cbMipImprovingSolution.subscribe(improving)
        h.cbMipInterrupt.subscribe(progress)
        t0 = time.perf_counter()
        h.run()
        _send(out, "done", highs_outcome(h), time.perf_counter() - t0, applied)
    except BaseException as exc:  # reported to the parent, which raises SolverError
        _send(out, "error", f"{type(exc).__name__}: {exc}")
    finally:
        out.close()


#: How often a long isolated solve logs its best plan and bound (INFO; ``landopt -v``).
PROGRESS_EVERY_S = 30.0

#: What the child process runs (``python -c``); tests replace it with children that hang.
CHILD_CODE = "from landopt.solvers import _child_main; _child_main()"


class _ChildSolve:
    """A HiGHS child process and a thread that keeps what it reports."""

    def __init__(self, payload: bytes):
        self.incumbent: tuple[float, np.ndarray] | None = None
        self.bound: float | None = None
        self.done: tuple[Any, ...] | None = None
        self.error: str | None = None
        self.finished = threading.Event()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD_CODE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        threading.Thread(target=self._write, args=(payload,), daemon=True).start()

    def _write(self, payload: bytes) -> None:
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):
            self.proc.stdin.write(payload)
            self.proc.stdin.close()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        try:
            while (msg := _receive(self.proc.stdout)) is not None:
                if msg[0] == "incumbent":
                    self.incumbent = (msg[1], msg[2])
                elif msg[0] == "bound":
                    self.bound = msg[1]
                elif msg[0] == "done":
                    self.done = msg
                    break
                else:
                    self.error = msg[1]
                    break
        finally:
            self.finished.set()

    def stop(self, wait: float = 0.0) -> None:
        """Give the child ``wait`` seconds to exit, then end it (SIGTERM, then SIGKILL)."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(wait)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:  # pragma: no cover - HiGHS does not trap SIGTERM
                self.proc.kill()
                self.proc.wait()
        else:
            self.proc.wait()
        self._reader.join(5)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def _solve_highs_isolated(model: CompiledModel, opts: SolverOptions) -> SolverResult:
    """HiGHS in a child process that is ended if it overruns its time limit.

    The parent keeps the best plan HiGHS reported (or the warm start) and the last bound, so
    a solve that HiGHS would not stop still returns a plan (checked like any other by
    :mod:`landopt.plan`), honestly labelled as time-limited.
    """
    import highspy

    version = _highs_version(highspy)
    start_x, start_obj = warm_start_plan(model, opts)
    payload = pickle.dumps((highs_arrays(model), opts, start_x), protocol=pickle.HIGHEST_PROTOCOL)
    t0 = time.perf_counter()
    child = _ChildSolve(payload)
    grace = max(WATCHDOG_GRACE_S, 0.05 * opts.time_limit)
    deadline = t0 + opts.time_limit + grace
    try:
        while not child.finished.wait(
            min(PROGRESS_EVERY_S, max(0.0, deadline - time.perf_counter()))
        ):
            if time.perf_counter() >= deadline:
                break
            inc = child.incumbent[0] if child.incumbent is not None else start_obj
            log.info(
                "HiGHS, %.0f s of %.0f: best plan %s, bound %s",
                time.perf_counter() - t0,
                opts.time_limit,
                "none yet" if inc is None else f"{inc:,.1f}",
                "none yet" if child.bound is None else f"{child.bound:,.1f}",
            )
    except BaseException:  # Ctrl-C or any error here: never leave HiGHS running
        child.stop()
        raise
    runtime = time.perf_counter() - t0
    child.stop(wait=10.0 if child.finished.is_set() else 0.0)
    applied: dict[str, Any] = {"isolated": True}
    if start_obj is not None:
        applied["warm_start_objective"] = start_obj
    if child.done is not None:
        _, outcome, _, child_applied = child.done
        return _result_from_outcome(
            outcome, opts, runtime, {**child_applied, **applied}, backend="highs", version=version
        )
    if child.error is not None:
        raise SolverError(f"HiGHS failed in its process: {child.error}")
    if child.finished.is_set() and runtime < opts.time_limit:
        code = child.proc.returncode
        raise SolverError(
            f"HiGHS's process ended unexpectedly (exit code {code}"
            f"{'; out of memory?' if code == -9 else ''}) after {runtime:.0f} s; "
            'set isolate = "off" under [solver] to solve in this process'
        )
    best_obj, best_x = child.incumbent if child.incumbent is not None else (start_obj, start_x)
    bound = child.bound
    ended = runtime
    log.warning(
        "HiGHS overran its %.0f s time limit and its process was ended after %.0f s",
        opts.time_limit,
        runtime,
    )
    notes = []
    if len(model.edges):
        before = (best_obj, bound)
        best_obj, best_x, bound = _relaxation_fallback(model, opts, best_obj, best_x, bound)
        runtime = time.perf_counter() - t0
        applied["relaxation_fallback_s"] = round(runtime - ended, 2)
        if bound is not None and bound != before[1]:
            notes.append("bound from the penalty relaxation")
        if best_obj is not None and best_obj != before[0]:
            notes.append("plan from the penalty relaxation")
    has = best_x is not None
    outcome = {
        "status": "time_limit",
        "has_solution": has,
        "x": best_x,
        "objective": best_obj,
        "bound": bound,
        "time_limit_hit": True,
        "message": (
            f"time limit reached; HiGHS did not stop by itself and its process was ended "
            f"after {ended:.0f} s"
            + ("" if has else "; no feasible plan had been found")
            + ("" if bound is not None else "; no bound had been proven")
            + "".join(f"; {n}" for n in notes)
        ),
    }
    return _result_from_outcome(outcome, opts, runtime, applied, backend="highs", version=version)


#: Share of the time limit given to the penalty relaxation that backs a penalised solve
#: which overran (:func:`_relaxation_fallback`).
FALLBACK_SHARE = 0.1


def _relaxation_fallback(
    model: CompiledModel,
    opts: SolverOptions,
    best_obj: float | None,
    best_x: np.ndarray | None,
    bound: float | None,
) -> tuple[float | None, np.ndarray | None, float | None]:
    """After a penalised solve overran: solve its penalty relaxation for a bound and a plan.

    :meth:`CompiledModel.penalty_relaxation` has no edge rows or columns and is far easier;
    its proven bound bounds the penalised optimum, and its plan, priced with the penalty,
    replaces the incumbent if better. Runs in its own child for at most
    ``FALLBACK_SHARE`` of the time limit (10 s at least).
    """
    from landopt.heuristic import objective_with_edges

    relaxed = model.penalty_relaxation()
    limit = max(10.0, FALLBACK_SHARE * opts.time_limit)
    log.info("solving the penalty relaxation for a bound (at most %.0f s)", limit)
    try:
        res = _solve_highs_isolated(
            relaxed, replace(opts, time_limit=limit, warm_start="off", isolate="on")
        )
    except SolverError as exc:
        log.warning("the penalty relaxation failed: %s", exc)
        return best_obj, best_x, bound
    minimize = model.sense == "minimize"
    if res.bound is not None and (bound is None or (res.bound > bound) == minimize):
        bound = res.bound
    if res.has_solution and res.x is not None:
        x = np.concatenate([np.round(res.x[: model.n_x]), np.zeros(model.n_vars - model.n_x)])
        obj, x = objective_with_edges(model, x)
        if best_obj is None or (obj < best_obj) == minimize:
            best_obj, best_x = obj, x
    return best_obj, best_x, bound


def _watchdog_note(res: SolverResult, stopped: bool) -> SolverResult:
    """Mark a result the watchdog cut short: never optimal, always time-limited."""
    if not stopped or res.status == "optimal":
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


def highs_outcome(h: Any) -> dict[str, Any]:
    """Status, solution, objective and bound of a HiGHS object after ``run``, as plain data."""
    import highspy

    ms = h.getModelStatus()
    info = h.getInfo()
    has_sol = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    MS = highspy.HighsModelStatus
    if ms == MS.kOptimal:
        status = "optimal"
    elif ms in (MS.kTimeLimit, MS.kInterrupt, MS.kIterationLimit, MS.kSolutionLimit):
        status = "time_limit"
    elif ms == MS.kInfeasible:
        status = "infeasible"
    elif ms in (MS.kUnbounded, MS.kUnboundedOrInfeasible):
        status = "unbounded" if ms == MS.kUnbounded else "infeasible"
    else:
        status = "error"
    return {
        "status": status,
        "has_solution": bool(has_sol),
        "x": np.asarray(h.getSolution().col_value, dtype=float) if has_sol else None,
        "objective": float(info.objective_function_value) if has_sol else None,
        "bound": float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None,
        "time_limit_hit": ms == MS.kTimeLimit,
        "message": h.modelStatusToString(ms),
    }


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
    return SolverResult(
        status=out["status"],
        has_solution=has_sol,
        proven_optimal=out["status"] == "optimal",
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
        return res


# --------------------------------------------------------------------------- PuLP
def _solve_pulp(model: CompiledModel, opts: SolverOptions) -> SolverResult:
    import pulp

    t_build = time.perf_counter()
    prob, xs = model.to_pulp()
    build = time.perf_counter() - t_build
    if opts.backend == "highs-pulp":
        solver = pulp.HiGHS(
            msg=opts.log, timeLimit=opts.time_limit, gapRel=opts.gap, threads=opts.threads
        )
        solver_name = "HiGHS"
        import highspy

        version = _highs_version(highspy)
    else:
        solver = _cbc_solver(
            msg=opts.log, time_limit=opts.time_limit, gap=opts.gap, threads=opts.threads
        )
        if solver is None:
            raise SolverError(
                "CBC is not available: PuLP 4 ships no CBC binary. Install one: "
                "apt-get install coinor-cbc (Debian/Ubuntu), conda install -c conda-forge coin-or-cbc, "
                "or pip install 'landopt[cbc]' (the cbcbox wheel, large); or use the default back-end 'highs'."
            )
        solver_name = "CBC"
        version = _cbc_version(solver)
    t0 = time.perf_counter()
    try:
        with _silence_stdout(enabled=not opts.log):
            ret = prob.solve(solver)
    except pulp.PulpSolverError as exc:
        raise SolverError(f"{solver_name} failed: {exc}") from exc
    runtime = time.perf_counter() - t0
    outcome = _pulp_outcome(prob, ret)
    x = None
    if outcome["has_solution"]:
        vals = [v.varValue for v in xs]
        x = np.array([0.0 if v is None else float(v) for v in vals])
    objective = model.objective_value(x) if x is not None else None
    bound = outcome["bound"]
    if bound is None and outcome["proven_optimal"] and objective is not None and opts.gap == 0:
        bound = objective
    return SolverResult(
        status=outcome["status"],
        has_solution=outcome["has_solution"],
        proven_optimal=outcome["proven_optimal"],
        objective=objective,
        bound=bound,
        gap=_gap(objective, bound) if objective is not None else None,
        runtime=runtime,
        backend=opts.backend,
        solver=solver_name,
        solver_version=version,
        time_limit=opts.time_limit,
        time_limit_hit=outcome["time_limit_hit"],
        requested_gap=opts.gap,
        x=x,
        message=outcome["message"],
        options={
            "pulp": pulp.__version__,
            "build_s": round(build, 4),
            "time_limit": opts.time_limit,
            "gapRel": opts.gap,
        },
    )


def _pulp_outcome(prob: Any, ret: Any) -> dict[str, Any]:
    """Normalise PuLP 3.3's (status, sol_status) and PuLP 4's LpSolveStats."""
    if hasattr(ret, "has_solution"):  # PuLP 4
        name = getattr(ret.status, "name", str(ret.status))
        has = bool(ret.has_solution)
        optimal = name == "Optimal"
        bound = getattr(ret, "best_bound", None)
        return {
            "status": "optimal"
            if optimal
            else {
                "TimeLimit": "time_limit",
                "Infeasible": "infeasible",
                "Unbounded": "unbounded",
            }.get(name, "time_limit" if has else "error"),
            "has_solution": has,
            "proven_optimal": optimal,
            "bound": float(bound) if bound is not None and np.isfinite(bound) else None,
            "time_limit_hit": name == "TimeLimit",
            "message": str(getattr(ret, "status_str", name)),
        }
    # PuLP 3.3: the problem status can say Optimal (1) for a time-limited incumbent;
    # the solution status tells: 1 optimal, 2 feasible only, 0 none, -1 infeasible.
    status, sol = int(prob.status), int(prob.sol_status)
    bound = None
    model = getattr(prob, "solverModel", None)
    if model is not None and hasattr(model, "getInfo"):
        b = model.getInfo().mip_dual_bound
        bound = float(b) if np.isfinite(b) else None
    if sol == 1:
        st, has, opt = "optimal", True, True
    elif sol == 2:
        st, has, opt = "time_limit", True, False
    elif status == -1 or sol == -1:
        st, has, opt = "infeasible", False, False
    elif status == -2 or sol == -2:
        st, has, opt = "unbounded", False, False
    elif status == 0:
        st, has, opt = "time_limit", False, False
    else:
        st, has, opt = "error", False, False
    import pulp

    return {
        "status": st,
        "has_solution": has,
        "proven_optimal": opt,
        "bound": bound,
        "time_limit_hit": st == "time_limit",
        "message": f"{pulp.LpStatus.get(status, status)} / {pulp.LpSolution.get(sol, sol)}",
    }


def _cbc_solver(
    *, msg: bool, time_limit: float | None, gap: float, threads: int | None, probe: bool = False
) -> Any:
    """PuLP's CBC command, from the first CBC found.

    Order: the ``cbcbox`` package (``pip install landopt[cbc]``); the binary bundled
    with PuLP 3.3 (deprecated there, gone in PuLP 4); a ``cbc`` on the PATH
    (``apt-get install coinor-cbc``).
    """
    try:
        import pulp
    except ImportError:  # pragma: no cover
        return None
    kwargs: dict[str, Any] = {"msg": msg, "gapRel": gap}
    if time_limit is not None:
        kwargs["timeLimit"] = time_limit
    if threads:
        kwargs["threads"] = threads
    paths = []
    with contextlib.suppress(ImportError):
        import cbcbox

        paths.append(cbcbox.cbc_bin_path())
    if hasattr(pulp, "PULP_CBC_CMD"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            bundled = pulp.PULP_CBC_CMD(**kwargs)
        if bundled.available():
            paths.append(bundled.path)
    if shutil.which("cbc"):
        paths.append(shutil.which("cbc"))
    for path in paths:
        s = pulp.COIN_CMD(path=path, **kwargs)
        if s.available():
            return s
    return None


def _cbc_version(solver: Any) -> str:
    import pulp

    path = getattr(solver, "path", "") or ""
    where = (
        "bundled with PuLP"
        if "solverdir" in str(path)
        else "cbcbox"
        if "cbcbox" in str(path)
        else str(path)
    )
    return f"CBC ({where}; PuLP {pulp.__version__})"


def _highs_version(highspy: Any) -> str:
    return (
        f"{highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}.{highspy.HIGHS_VERSION_PATCH}"
    )


def _empty_model(model: CompiledModel, opts: SolverOptions) -> SolverResult:
    """No eligible pairs: feasible only if every row holds at x = 0."""
    ok = bool(np.all((model.row_lower <= 0) & (model.row_upper >= 0)))
    return SolverResult(
        status="optimal" if ok else "infeasible",
        has_solution=ok,
        proven_optimal=ok,
        objective=0.0 if ok else None,
        bound=0.0 if ok else None,
        gap=0.0 if ok else None,
        runtime=0.0,
        backend=opts.backend,
        solver="none (no eligible parcel)",
        solver_version="",
        time_limit=opts.time_limit,
        time_limit_hit=False,
        requested_gap=opts.gap,
        x=np.zeros(0) if ok else None,
        message="the model has no decision variables",
    )


def _gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    denom = max(abs(objective), 1e-9)
    return abs(objective - bound) / denom


@contextlib.contextmanager
def _silence_stdout(enabled: bool = True) -> Iterator[None]:
    """Send C-level stdout to /dev/null (HiGHS and CBC write there directly)."""
    if not enabled:
        yield
        return
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, fd)
        os.close(saved)
