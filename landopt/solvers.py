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
import shutil
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
#: 38,575 variables): presolve on 8.0 s, off 90 s; the opposite of what was measured on
#: the bare min-set model of shared/perf-notes.md, so re-measure before changing it.
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
    log.info(
        "%s: %s, objective %s, gap %s, %.2fs",
        result.solver,
        result.status,
        result.objective,
        result.gap,
        result.runtime,
    )
    return result


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


def highs_from_model(model: CompiledModel, opts: SolverOptions) -> tuple[Any, dict[str, Any]]:
    """Load a compiled model into a fresh HiGHS object; return it and the options applied."""
    import highspy

    h = new_highs(log_output=opts.log)
    lp = highspy.HighsLp()
    lp.num_col_ = model.n_vars
    lp.num_row_ = model.n_rows
    lp.col_cost_ = np.asarray(model.c, dtype=float)
    lp.col_lower_ = np.asarray(model.lb, dtype=float)
    lp.col_upper_ = np.asarray(model.ub, dtype=float)
    lp.row_lower_ = np.where(np.isinf(model.row_lower), -highspy.kHighsInf, model.row_lower)
    lp.row_upper_ = np.where(np.isinf(model.row_upper), highspy.kHighsInf, model.row_upper)
    csc = model.A.tocsc()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(float)
    lp.a_matrix_.num_col_ = model.n_vars
    lp.a_matrix_.num_row_ = model.n_rows
    kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
    lp.integrality_ = [kinds[int(v)] for v in model.integrality]
    lp.sense_ = (
        highspy.ObjSense.kMaximize if model.sense == "maximize" else highspy.ObjSense.kMinimize
    )
    status = h.passModel(lp)
    if status == highspy.HighsStatus.kError:
        raise SolverError("HiGHS rejected the model (passModel returned an error)")
    return h, apply_highs_options(h, opts, model.n_vars)


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
    if opts.warm_start == "off" or (opts.warm_start == "auto" and not len(model.edges)):
        return None
    from landopt.heuristic import objective_with_edges, warm_start

    x = warm_start(model, seconds=min(10.0, 0.05 * opts.time_limit))
    if x is None:
        return None
    h.setSolution(model.n_vars, np.arange(model.n_vars, dtype=np.int32), x)
    return objective_with_edges(model, x)[0]


#: The watchdog stops HiGHS this long after its own time limit, which it does not always
#: honour (shared/perf-notes.md: a 300 s limit ran past 700 s; seen here too at 1M parcels).
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
    x = np.asarray(h.getSolution().col_value, dtype=float) if has_sol else None
    objective = float(info.objective_function_value) if has_sol else None
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
    gap = _gap(objective, bound) if has_sol else None
    return SolverResult(
        status=status,
        has_solution=bool(has_sol),
        proven_optimal=status == "optimal",
        objective=objective,
        bound=bound,
        gap=gap,
        runtime=runtime,
        backend=backend,
        solver="HiGHS",
        solver_version=version,
        time_limit=opts.time_limit,
        time_limit_hit=ms == MS.kTimeLimit,
        requested_gap=opts.gap,
        x=x,
        message=h.modelStatusToString(ms),
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
