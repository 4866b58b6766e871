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
from dataclasses import replace
from typing import Any

import numpy as np

from landopt.errors import SolverError
from landopt.model import CompiledModel
from landopt.scenario import BACKENDS, SolverOptions
from landopt.solvers.child import highs_outcome, new_highs  # noqa: F401
from landopt.solvers.highs import (  # noqa: F401
    HighsSession,
    _solve_highs,
    apply_highs_options,
    give_warm_start,
    highs_arrays,
    highs_from_arrays,
    highs_from_model,
    highs_option_values,
    highs_result,
    run_highs,
    warm_start_plan,
)
from landopt.solvers.pulp_cbc import _cbc_solver, _solve_pulp
from landopt.solvers.result import SolverResult

# The HiGHS helpers imported above stay importable from here (diagnose and the tests use
# them); tunable constants such as CHILD_CODE live in landopt.solvers.highs: set them there.
__all__ = ["BACKENDS", "HighsSession", "SolverResult", "available_backends", "solve_model"]

log = logging.getLogger(__name__)


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
        ``time_limit``, ``gap``, ``abs_gap``, ``threads``, ``presolve``, ``log``).

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
        "solving %s with %s (time limit %gs, stop at gap %g or %g 万元)",
        model.scenario.name,
        opts.backend,
        opts.time_limit,
        opts.gap,
        opts.abs_gap,
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
    if res.proven_optimal and res.options.get("warm_start_objective") is not None:
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
        requested_abs_gap=opts.abs_gap,
        x=np.zeros(0) if ok else None,
        message="the model has no decision variables",
    )
