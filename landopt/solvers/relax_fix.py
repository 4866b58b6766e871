r"""Relax and fix: a programme's linear relaxation proves a bound, its reduced costs fix the
columns they may, and HiGHS solves the rest exactly.

At 100,000 parcels HiGHS alone found no plan for a 2-, 3- or 5-year programme in 300 s,
and from the year-by-year start it improved nothing (BENCHMARKS.md "Multi-year
programmes"). Yet the linear relaxation of the same 3-year model solves in about 2 s and
is almost integral: 30 of its 153,698 columns are fractional, on 16 parcels. The reason is
the model's shape: per parcel, the rows ``one_action`` and ``sequence`` form an integral
polytope, and only a few rows (the yearly targets, budgets) link the parcels, so a vertex
of the relaxation is fractional on about as many parcels as there are linking rows.

The method (a minimisation; a maximisation is negated first):

1. Solve the relaxation :math:`\min c^\top x,\ r^L \le Ax \le r^U,\ l \le x \le u`.
   From its row duals :math:`y` the parent computes, itself, the reduced costs
   :math:`d = c - A^\top y` and the bound

   .. math::

       L(y) = \sum_r y_r\,(r^L_r \text{ if } y_r > 0 \text{ else } r^U_r)
              + \sum_j \min(d_j l_j,\ d_j u_j),

   which every plan's objective is at least, whatever :math:`y` is (weak duality; a
   multiplier whose row has no bound on its side is set to 0 first). Rounding in the LP
   solver cannot make it wrong, only weaker.
2. Every plan :math:`x` meets :math:`c^\top x \ge L + \sum_j |d_j|\,|x_j - \hat x_j|`,
   with :math:`\hat x_j` the bound that :math:`d_j` pushes :math:`x_j` to. So a plan
   better than a known one of objective :math:`U` keeps :math:`x_j = \hat x_j` wherever
   :math:`|d_j| \ge U - L` and :math:`x_j` is integer (reduced-cost fixing).
3. Fix :math:`x_j = \hat x_j` where :math:`|d_j| > \tau` (:math:`\tau` tiny at first), free
   the other columns and every column of a parcel with a free one (its ``one_action`` row
   then moves whole), and solve that model exactly (:func:`landopt.solvers.windows._reduced`
   builds it) in the isolated child. Any plan it returns is a plan of the whole model; it
   is re-checked against every row (:func:`landopt.heuristic.is_feasible`).
4. Stop once :math:`U - L` is within the requested gap (relative or absolute, as HiGHS's
   own rule). Otherwise grow :math:`\tau` to :math:`U - L` and solve again from the plan:
   once :math:`\tau \ge U - L`, step 2 says the free model holds every better plan, so its
   proven bound :math:`B` gives the whole model's bound :math:`\max(L, \min(U, B))`, and
   a free model solved to optimality proves the plan optimal.

Every phase keeps the deadline it is given (the LP and each free model in a child that is
ended when late, or in this process for small models as HiGHS itself is); the same model
gives the same plan (HiGHS is deterministic, and so are the fixings).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from landopt.model import CompiledModel
    from landopt.scenario import SolverOptions

__all__ = ["RelaxFix", "dual_bound", "relax_and_fix", "use_relax_fix"]

log = logging.getLogger(__name__)

#: Reduced costs at most this (relative to the largest cost) count as zero: the first
#: free model is the relaxation's basic and fractional columns, by parcel.
TAU0_REL = 1e-9
#: A free model larger than this many columns is not started to prove a bound (the first
#: one always is): at 100,000 parcels / 3 years, U - L of 47 万元 freed 91,509 columns,
#: which HiGHS did not solve in 60 s.
MAX_PROOF_COLUMNS = 30_000
#: Share of the time limit the first free model may take before the plain path (HiGHS
#: from the best plan, with the exact windows) gets what is left.
RELAX_FIX_SHARE = 0.6


#: ``relax_fix = "auto"`` takes programmes of at least this many columns: smaller ones are
#: proven optimal by HiGHS itself in seconds (the shipped programme, the hand-made tests),
#: where relax-and-fix stops at the requested gap with a bound a rounding below the plan.
RELAX_FIX_MIN_COLUMNS = 50_000


def use_relax_fix(model: CompiledModel, opts: SolverOptions) -> bool:
    """Whether the options ask for relax-and-fix on this model (``auto``: every programme
    without edges or key projects of at least :data:`RELAX_FIX_MIN_COLUMNS` columns)."""
    if opts.relax_fix == "off" or len(model.edges) or getattr(model, "projects", None) is not None:
        return False
    if opts.relax_fix == "on":
        return True
    return bool(model.is_programme) and len(model.c) >= RELAX_FIX_MIN_COLUMNS


@dataclass
class RelaxFix:
    """What relax-and-fix reached: a checked plan (or none), a proven bound, its stats."""

    x: np.ndarray | None
    objective: float | None
    bound: float | None
    proven: bool
    stats: dict[str, Any] = field(default_factory=dict)


def dual_bound(
    c: np.ndarray, A: Any, lb: np.ndarray, ub: np.ndarray, rl: np.ndarray, ru: np.ndarray, y: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """The bound :math:`L(y)` of ``min c x, rl <= A x <= ru, lb <= x <= ub``, the reduced costs
    ``d = c - A^T y`` and the bound value each ``d_j`` pushes ``x_j`` to.

    Valid for any ``y``: a multiplier whose row has no finite bound on its side is set to 0
    first. Returns ``-inf`` when some ``d_j`` pushes toward an infinite column bound.

    >>> import scipy.sparse as sp
    >>> A = sp.csr_matrix(np.array([[1.0, 1.0]]))  # x0 + x1 >= 1, costs 2 and 3
    >>> L, d, xh = dual_bound(np.array([2.0, 3.0]), A, np.zeros(2), np.ones(2),
    ...                       np.array([1.0]), np.array([np.inf]), np.array([2.0]))
    >>> float(L), d.tolist(), xh.tolist()
    (2.0, [0.0, 1.0], [0.0, 0.0])
    """
    y = np.asarray(y, dtype=float).copy()
    y[(y > 0) & ~np.isfinite(rl)] = 0.0
    y[(y < 0) & ~np.isfinite(ru)] = 0.0
    rows = np.where(y > 0, np.where(np.isfinite(rl), rl, 0.0), np.where(np.isfinite(ru), ru, 0.0))
    d = np.asarray(c, dtype=float) - A.T @ y
    xhat = np.where(d > 0, lb, ub)
    with np.errstate(invalid="ignore"):
        cols = np.where(d > 0, d * lb, np.where(d < 0, d * ub, 0.0))
    value = float(y @ rows + cols.sum())
    return (value if np.isfinite(value) else -np.inf), d, xhat


class _Solver:
    """Solve plain arrays by HiGHS in a child process (ended when late) or in this one."""

    def __init__(self, isolated: bool):
        self.isolated = isolated

    def solve(
        self,
        arr: dict[str, Any],
        options: dict[str, Any],
        start: np.ndarray | None,
        until: float,
        enough: Any = None,
    ) -> dict[str, Any] | None:
        """The child's outcome (``landopt.solvers.child.highs_outcome``), or None when it
        ended without one; ``enough(objective, x)`` ends the solve early on an incumbent."""
        from landopt.solvers import child as _child

        if not self.isolated:
            h = _child.load_arrays(arr)
            _child.set_options(h, {**options, "time_limit": max(0.0, until - time.perf_counter())})
            if start is not None:
                h.setSolution(arr["n_vars"], np.arange(arr["n_vars"], dtype=np.int32), start)
            from landopt.solvers.highs import run_highs

            run_highs(h, max(0.0, until - time.perf_counter()))
            return _child.highs_outcome(h)
        from landopt.solvers.highs import _ChildSolve

        child = _ChildSolve("relax-fix")
        try:
            child.start_solve(_child.frame("solve", arr, {**options, "log": False}, start), until)
            seen = None
            while not child.wait_until(min(until + 1.0, time.perf_counter() + 0.2)):
                if time.perf_counter() >= until + 1.0:
                    break
                inc = child.incumbent
                if enough is not None and inc is not None and inc is not seen:
                    seen = inc
                    if enough(inc[0], inc[1]):
                        break
            child.stop(wait=0.0 if child.done is None else 2.0)
        finally:
            child.stop()
        if child.error is not None:
            log.warning("relax-and-fix: HiGHS failed in its process: %s", child.error)
            return None
        if child.done is not None:
            return child.done[1]
        if child.incumbent is not None:
            obj, x = child.incumbent
            return {"status": "time_limit", "has_solution": True, "x": x, "objective": obj,
                    "bound": child.bound, "time_limit_hit": True, "message": "ended early"}
        return None


def relax_and_fix(
    model: CompiledModel, opts: SolverOptions, *, until: float, isolated: bool
) -> RelaxFix | None:
    """Relax-and-fix (module docstring) until :func:`time.perf_counter` ``until``.

    Returns None when the relaxation gave no bound in time (or is infeasible: the plain
    path then diagnoses the model); otherwise the best plan found (checked against every
    row, or None), the proven bound in the model's sense, and whether the plan is proven
    within the requested gap.
    """
    from landopt.heuristic import is_feasible, objective_with_edges
    from landopt.solvers.highs import highs_arrays, highs_option_values
    from landopt.solvers.windows import _reduced

    t0 = time.perf_counter()
    sign = 1.0 if model.sense == "minimize" else -1.0
    arr = highs_arrays(model)
    c = sign * np.asarray(model.c, dtype=float)
    lp = {**arr, "c": c, "maximize": False, "integer": np.zeros(model.n_vars, dtype=bool)}
    lp_opts = {"solver": "simplex", "presolve": "on"}
    out = _Solver(isolated).solve(lp, lp_opts, None, until)
    stats: dict[str, Any] = {"lp_s": round(time.perf_counter() - t0, 2)}
    if out is None or out["status"] != "optimal" or "row_dual" not in out:
        log.info("relax-and-fix: the relaxation gave no bound in time (%s)", None if out is None else out["status"])
        return None
    A = model.A.tocsr()
    lb, ub = np.asarray(model.lb, dtype=float), np.asarray(model.ub, dtype=float)
    rl, ru = np.asarray(model.row_lower, dtype=float), np.asarray(model.row_upper, dtype=float)
    L, d, xhat = dual_bound(c, A, lb, ub, rl, ru, out["row_dual"])
    if not np.isfinite(L):
        return None
    xlp = np.asarray(out["x"], dtype=float)
    integer = np.asarray(model.integrality, dtype=bool)
    stats.update({"lp_bound": sign * L, "lp_fractional": int((np.abs(xlp - np.round(xlp)) > 1e-6).sum())})
    n_p = len(model.parcel_ids)
    nx = model.n_x
    # columns the relaxation does not settle at their pushed bound are always free
    unsettled = ~integer | (np.abs(xlp - xhat) > 1e-6)
    tau = TAU0_REL * max(1.0, float(np.abs(c).max()))
    best_x: np.ndarray | None = None
    U = np.inf
    bound = L
    proven = False
    A_csc = model.A.tocsc()
    rounds = []

    def allowance(u: float) -> float:
        return max(opts.gap * abs(u), opts.abs_gap)

    if not (np.abs(xlp - np.round(xlp))[integer] > 1e-6).any():  # an integral relaxation
        value, y = objective_with_edges(model, np.where(integer, np.round(xlp), xlp))
        if is_feasible(model, y):
            best_x, U = y, sign * value
            proven = U - bound <= allowance(U)
    while not proven and time.perf_counter() < until - 0.5:
        free = unsettled | (np.abs(d) <= tau)
        by_parcel = np.zeros(n_p, dtype=bool)
        by_parcel[model.var_parcel[free[:nx]]] = True
        free[:nx] |= by_parcel[model.var_parcel]
        keep = np.flatnonzero(free)
        if rounds and len(keep) > MAX_PROOF_COLUMNS:
            break
        xfix = np.where(free, 0.0, xhat)
        if best_x is not None:
            xfix[keep] = best_x[keep]
        sub = _reduced(model, A_csc, A_csc @ xfix, xfix, keep)
        fixed_part = float(c @ np.where(free, 0.0, xhat))

        def enough(obj: float, _x: np.ndarray, fixed_part: float = fixed_part) -> bool:
            full = sign * obj + fixed_part
            return full - L <= allowance(full)

        began = time.perf_counter()
        res = _Solver(isolated).solve(
            sub, highs_option_values(opts, sub["n_vars"]), None if best_x is None else best_x[keep], until, enough
        )
        info = {"tau": tau, "free": len(keep), "rows": sub["n_rows"], "s": round(time.perf_counter() - began, 2),
                "status": None if res is None else res["status"]}
        rounds.append(info)
        if res is not None and res["has_solution"]:
            y = xfix.copy()
            y[keep] = np.round(np.asarray(res["x"], dtype=float))
            value, y = objective_with_edges(model, y)
            if sign * value < U - 1e-9 and is_feasible(model, y):
                best_x, U = y, sign * value
            info["plan"] = float(sign * U)
        # with U - L <= tau the free model held every plan better than U (step 2): its
        # bound, with the fixed columns' part, bounds the whole model where U does not
        covers = U - L <= tau
        if covers and res is not None and res["status"] == "infeasible":
            bound = max(bound, U)  # no plan better than U at all
        elif covers and res is not None and res["bound"] is not None:
            bound = max(bound, min(U, sign * res["bound"] + fixed_part))
        if best_x is not None and U - bound <= allowance(U):
            proven = True
            break
        if covers:
            break  # every better plan was in the free model and it ran out of time
        if res is not None and res["status"] == "infeasible" and free.all():
            return None
        tau = (U - L) if np.isfinite(U) else tau * 1e3
    stats.update({"rounds": rounds, "seconds": round(time.perf_counter() - t0, 2)})
    log.info(
        "relax-and-fix: bound %.1f, plan %s in %.1f s (%d free models)",
        sign * bound,
        "none" if best_x is None else f"{sign * U:,.1f}",
        stats["seconds"],
        len(rounds),
    )
    return RelaxFix(
        x=best_x,
        objective=None if best_x is None else sign * U,
        bound=sign * bound,
        proven=proven,
        stats=stats,
    )
