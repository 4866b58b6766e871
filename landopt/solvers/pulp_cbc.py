"""PuLP back-ends: HiGHS through PuLP's adapter (``highs-pulp``) and COIN-OR CBC (``cbc``).

Named ``pulp_cbc`` rather than ``pulp`` so that the module is never mistaken for the
PuLP package itself (``import pulp`` here, a ``pulp`` attribute of the package).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from landopt.errors import SolverError
from landopt.model import CompiledModel
from landopt.scenario import SolverOptions
from landopt.solvers.child import silence_stdout as _silence_stdout
from landopt.solvers.highs import _highs_version
from landopt.solvers.result import EXACT_ABS, SolverResult, _gap, proven_status

log = logging.getLogger(__name__)


def _solve_pulp(model: CompiledModel, opts: SolverOptions) -> SolverResult:
    import pulp

    t_build = time.perf_counter()
    prob, xs = model.to_pulp()
    build = time.perf_counter() - t_build
    if opts.backend == "highs-pulp":
        solver = pulp.HiGHS(
            msg=opts.log,
            timeLimit=opts.time_limit,
            gapRel=opts.gap,
            gapAbs=_abs_gap(opts),
            threads=opts.threads,
        )
        solver_name = "HiGHS"
        import highspy

        version = _highs_version(highspy)
    else:
        solver = _cbc_solver(
            msg=opts.log,
            time_limit=opts.time_limit,
            gap=opts.gap,
            abs_gap=_abs_gap(opts),
            threads=opts.threads,
        )
        if solver is None:
            raise SolverError(
                "CBC is not available: PuLP 4 ships no CBC binary. Install one: "
                "apt-get install coinor-cbc (Debian/Ubuntu), conda install -c conda-forge coin-or-cbc, "
                "or pip install 'landopt[cbc]' (the cbcbox wheel, large); or use the default back-end 'highs'."
            )
        solver_name = "CBC"
        version = _cbc_version(solver)
    cbc_log = None
    if solver_name == "CBC" and not opts.log and hasattr(solver, "optionsDict"):
        # CBC's command line reports no bound to PuLP: its log says how it stopped
        fd, cbc_log = tempfile.mkstemp(prefix="landopt-cbc-", suffix=".log")
        os.close(fd)
        solver.optionsDict["logPath"] = cbc_log
    t0 = time.perf_counter()
    try:
        with _silence_stdout(enabled=not opts.log):
            try:
                ret = prob.solve(solver)
            except pulp.PulpSolverError:
                if solver_name != "CBC" or not getattr(solver, "options", None):
                    raise
                # CBC 2.10 with preprocessing off crashes on some infeasible models (a
                # 4-parcel one in tests/test_solvers.py); with its defaults it answers them
                log.info(
                    "CBC ended abnormally with preprocess off; solving again with its defaults"
                )
                solver.options = []
                if solver.timeLimit is not None:
                    solver.timeLimit = max(1.0, solver.timeLimit - (time.perf_counter() - t0))
                ret = prob.solve(solver)
    except pulp.PulpSolverError as exc:
        raise SolverError(f"{solver_name} failed: {exc}") from exc
    finally:
        cbc_text = ""
        if cbc_log is not None:
            with contextlib.suppress(OSError):
                cbc_text = Path(cbc_log).read_text(errors="replace")
            with contextlib.suppress(OSError):
                os.unlink(cbc_log)
    runtime = time.perf_counter() - t0
    outcome = _pulp_outcome(prob, ret)
    x = None
    if outcome["has_solution"]:
        vals = [v.varValue for v in xs]
        x = np.array([0.0 if v is None else float(v) for v in vals])
    objective = model.objective_value(x) if x is not None else None
    bound = outcome["bound"]
    exact_rule = opts.gap == 0 and opts.abs_gap == 0
    if bound is None and outcome["proven_optimal"] and objective is not None:
        left = _cbc_gap_left(cbc_text)
        if left is not None:  # CBC stopped by the gap rule, this far from its bound
            bound = objective - left if model.sense == "minimize" else objective + left
        elif exact_rule or "Search completed" in cbc_text:
            bound = objective  # CBC proved the optimum itself: its search was complete
    status = outcome["status"]
    if status == "optimal":  # proven: exactly, or only within the stopping rule?
        status = proven_status(objective, bound)
    return SolverResult(
        status=status,
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
        requested_abs_gap=opts.abs_gap,
        x=x,
        message=outcome["message"],
        options={
            "pulp": pulp.__version__,
            "build_s": round(build, 4),
            "time_limit": opts.time_limit,
            "gapRel": opts.gap,
            "gapAbs": _abs_gap(opts),
        },
    )


_CBC_GAP_EXIT = re.compile(r"Exiting as integer gap of\s+([-+0-9.eE]+)")


def _cbc_gap_left(text: str) -> float | None:
    """The absolute gap CBC's log says it stopped at (``Exiting as integer gap of G``).

    >>> _cbc_gap_left("Cbc0011I Exiting as integer gap of 2.5 less than 1e-10 or 5%")
    2.5
    >>> _cbc_gap_left("Cbc0001I Search completed - best objective 165") is None
    True
    """
    found = _CBC_GAP_EXIT.findall(text)
    if not found:
        return None
    with contextlib.suppress(ValueError):
        return abs(float(found[-1]))
    return None


def _abs_gap(opts: SolverOptions) -> float:
    """The absolute gap handed to the solver: ``abs_gap``, never below the numerical floor."""
    return max(float(opts.abs_gap), EXACT_ABS)


def _pulp_outcome(prob: Any, ret: Any) -> dict[str, Any]:
    """Normalise PuLP 3.3's (status, sol_status) and PuLP 4's LpSolveStats."""
    if hasattr(ret, "has_solution"):  # PuLP 4
        name = getattr(ret.status, "name", str(ret.status))
        has = bool(ret.has_solution)
        # GapLimit: stopped by the gap rule, which is proven too (Debian's CBC 2.10.8 under
        # PuLP 4 reports it even when its own log says "Optimal solution found", bound = plan)
        optimal = name in ("Optimal", "GapLimit") and has
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
    *,
    msg: bool,
    time_limit: float | None,
    gap: float,
    abs_gap: float = EXACT_ABS,
    threads: int | None,
    probe: bool = False,
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
    # CBC's integer preprocessing proved a wrong optimum on a 5-parcel model (2 where 1 is
    # optimal: tests/test_solvers.py::test_cbc_preprocessing_does_not_lose_the_optimum,
    # found by the brute-force property test); with it off CBC is right there.
    kwargs: dict[str, Any] = {
        "msg": msg,
        "gapRel": gap,
        "gapAbs": abs_gap,
        "options": ["preprocess off"],
    }
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
