r"""Shared quotas by decomposition: prices that share province totals among districts.

A scenario's ``[shared]`` table (:mod:`landopt.rules.shared`) sets province totals: a
least clearance in mu or plots per action, a most total budget. Each district d keeps
its own problem (its targets, budgets, locks and every rule: the set :math:`X_d` of its
feasible plans) and the districts are coupled only by the shared rows.

Formulation
-----------
Write every shared row as ``>=`` (a budget B as ``-cost >= -B``) and minimise (a
maximisation is minimised negated). With f_d x_d district d's objective and G_d x_d its
contribution to the k shared rows (mu of an action, plots of an action, minus its cost)::

    joint:   z* = min  sum_d f_d x_d   s.t.  sum_d G_d x_d >= b,   x_d in X_d  for every d

Relaxing the shared rows with prices lambda >= 0 (one per row, 万元 per mu, per plot, or
per 万元 of budget) gives the Lagrangian dual function, which separates by district::

    L(lambda) = lambda^T b + sum_d  min_{x_d in X_d} (f_d - lambda^T G_d) x_d

Every L(lambda) is a lower bound on z* (weak duality). Each district's term is a normal
solve of that district's model with the objective priced (``solve_compiled``: every rule
and the time limit; its proven solver bound is used, so the bound holds also when a
subproblem stops within its gap), run on the many-solve engine (:mod:`landopt.cluster`).

Price update (Kelley's cutting plane, disaggregated: the dual of Dantzig–Wolfe's
restricted master). Each round t evaluates L at lambda_t and keeps every district's
plan x_d^j as a cut; the next prices solve the LP::

    max_{lambda, theta}  lambda^T b + sum_d theta_d
    s.t.  theta_d <= f_d x_d^j - lambda^T G_d x_d^j     every district d, every plan j kept
          0 <= lambda <= lambda_max

(lambda_max: the province's total absolute objective over the least positive shared
coefficient of the row, a price no quota is worth). The LP's value U_t is an upper bound
on max L; rounds stop when U_t - max_s L(lambda_s) <= tolerance * max(1, |max L|) or
after ``iterations`` rounds. lambda_0 = 0 (the districts' plans without the quotas).

Primal allocation. The LP's duals w_dj >= 0 (sum_j w_dj = 1 per district) weigh each
district's plans; its share of row r is sigma_dr = sum_j w_dj (G_d x_d^j)_r, and
sum_d sigma_d >= b whenever no price is at its cap. Each district is then solved by
:func:`landopt.solve` with its share as a hard target (area_min = sigma rounded to 1e-6
mu, count_min = ceil(sigma), its total budget = its share of the budget; a district whose
budget share cannot be met with its other shares is solved again without it). When every
district's plan meets its targets and the shared rows hold, the allocation is a feasible
plan of the joint problem, so its cost U is an upper bound and::

    max_t L(lambda_t)  <=  z*  <=  U,        gap = U - max_t L(lambda_t)  (proven)

:func:`joint_model` stacks the districts' compiled models and the shared rows into one
model (block diagonal), for provinces small enough to solve at once: the tests check
that its optimum lies in the interval.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from landopt.districts import Context, District, _plan_one, district_items
from landopt.errors import InputError, SolverError, TargetsUnmetError
from landopt.i18n import add_messages, t
from landopt.rules.shared import shared_rows
from landopt.scenario import Scenario, Targets

__all__ = ["Allocation", "decompose", "joint_model", "shared_matrix"]

log = logging.getLogger(__name__)

add_messages(
    {
        "no_shared": {
            "en": "the scenario has no [shared] table (province totals to share)",
            "zh": "情景没有 [shared] 表（需分配的全省总量）",
        },
        "district_infeasible": {
            "en": "district {code}: its own targets cannot be met ({status}); the quotas cannot be shared",
            "zh": "区县 {code}：自身目标无法达成（{status}），无法分配共享指标",
        },
        "no_bound": {
            "en": "district {code}: no proven bound ({status})",
            "zh": "区县 {code}：没有可证明的界（{status}）",
        },
        "joint_cuts": {
            "en": "the joint model is not built for rules enforced with cuts or penalties (min_block, boundary, projects)",
            "zh": "含割平面或惩罚项规则（最小地块、边界、重点项目）时不构建联合模型",
        },
        "col.district": {"en": "district", "zh": "区县代码"},
        "col.share": {"en": "share: {row}", "zh": "分配：{row}"},
        "col.got": {"en": "planned: {row}", "zh": "规划：{row}"},
        "col.cost": {"en": "objective", "zh": "目标值"},
        "col.status": {"en": "status", "zh": "状态"},
        "row.area": {"en": "{action} mu", "zh": "{action}面积（亩）"},
        "row.count": {"en": "{action} plots", "zh": "{action}宗数"},
        "row.budget": {"en": "budget 万元", "zh": "预算（万元）"},
    },
    prefix="decompose.",
)


# --------------------------------------------------------------------------- the rows
def row_labels(scenario: Scenario, lang: str | None = None) -> list[str]:
    """The shared rows in words (``出清面积（亩）``), in :func:`shared_rows` order."""
    out = []
    for kind, a in shared_rows(scenario):
        action = (scenario.action(a).label or a) if a else ""
        out.append(t(f"decompose.row.{kind}", lang, action=action))
    return out


def shared_rhs(scenario: Scenario) -> np.ndarray:
    """b of the shared rows in ``>=`` form (a budget B as -B)."""
    spec = scenario.rule("shared")
    return np.array(
        [
            spec.area_min[a]
            if kind == "area"
            else spec.count_min[a]
            if kind == "count"
            else -spec.budget
            for kind, a in shared_rows(scenario)
        ],
        dtype=float,
    )


def shared_matrix(model: Any, rows: list[tuple[str, str | None]]) -> sp.csr_matrix:
    """G_d: each shared row's coefficients over the model's columns (``>=`` form)."""
    n = model.n_vars
    out = []
    for kind, a in rows:
        g = np.zeros(n)
        nx = model.n_x
        if kind == "budget":
            g[:nx] = -np.nan_to_num(model.var_cost)
        else:
            ai = model.action_names.index(a)
            on = np.flatnonzero(model.var_action == ai)
            g[on] = model.area_mu[model.var_parcel[on]] if kind == "area" else 1.0
        out.append(g)
    return sp.csr_matrix(np.array(out).reshape(len(rows), n))


# --------------------------------------------------------------------------- subproblems
def _compiled(ctx: Context, code: str) -> tuple[Any, sp.csr_matrix]:
    from landopt.cluster import worker_cache
    from landopt.model import compile_model
    from landopt.prepare import prepare

    def build() -> tuple[Any, sp.csr_matrix]:
        scenario, parcels = ctx.parts[code]
        model = compile_model(prepare(scenario, parcels))
        return model, shared_matrix(model, ctx.rows)

    return worker_cache((ctx.token, code), build)


def _price_one(ctx: Context, item: tuple[str, np.ndarray]) -> dict[str, Any]:
    """District ``code``'s term of L(lambda) (runs on a worker): its priced solve."""
    from landopt.solving import solve_compiled

    code, lam = item
    model, G = _compiled(ctx, code)
    sign = 1.0 if model.sense == "minimize" else -1.0
    priced = replace(model, c=model.c - sign * (G.T @ lam))
    opts = model.scenario.solver
    if ctx.solver:
        opts = replace(opts, **ctx.solver)
    res = solve_compiled(priced, opts)
    out: dict[str, Any] = {"code": code, "status": res.status, "has_solution": res.has_solution}
    if not res.has_solution:
        return out
    x = np.asarray(res.x, dtype=float)
    bound = res.bound if res.bound is not None else (res.objective if res.exact else None)
    out.update(
        f=float(sign * (model.c @ x)),
        g=np.asarray(G @ x, dtype=float),
        lower=None if bound is None else float(sign * bound),
        fabs=float(np.abs(model.c).sum()),
        gmin=np.array([row.data[row.data > 0].min() if (row.data > 0).any() else 1.0 for row in G]),
    )
    return out


# --------------------------------------------------------------------------- result
@dataclass
class Allocation:
    """The shares of the province totals, the districts' plans, the cost and the bound.

    Attributes
    ----------
    shares
        One row per district: its share of each shared row (``share_<k>``), what its plan
        achieves (``got_<k>``), its objective and status.
    cost
        The allocation's objective (sum over districts, the scenario's sense): a bound on
        the joint optimum when ``feasible``.
    lower_bound
        The best Lagrangian dual value (for a maximisation: an upper bound, negated back).
    gap
        ``|cost - lower_bound|``, proven: the joint optimum is within it of ``cost``.
    feasible
        Every district met its targets and shares and the shared rows hold.
    """

    scenario: Scenario
    districts: list[District]
    shares: pd.DataFrame
    prices: np.ndarray
    cost: float
    lower_bound: float
    gap: float
    feasible: bool
    rounds: int
    history: list[dict[str, float]] = field(default_factory=list)
    wall_s: float = 0.0
    workers: int = 1
    #: the run store's id of this run (``None`` when not recorded)
    run_id: str | None = None
    joint: dict[str, Any] | None = None

    @property
    def rel_gap(self) -> float:
        """The gap relative to the cost."""
        return self.gap / max(abs(self.cost), 1e-9)


def _master(
    cuts: list[list[tuple[float, np.ndarray]]], b: np.ndarray, cap: np.ndarray
) -> tuple[np.ndarray, float, list[np.ndarray]]:
    """The restricted master LP: prices, its value, and each district's plan weights."""
    from scipy.optimize import linprog

    k, n_d = len(b), len(cuts)
    rows, rhs, owner = [], [], []
    for d, plans in enumerate(cuts):
        for f, g in plans:
            r = np.zeros(k + n_d)
            r[:k] = g
            r[k + d] = 1.0
            rows.append(r)
            rhs.append(f)
            owner.append(d)
    c = np.concatenate([-b, -np.ones(n_d)])
    bounds = [(0.0, float(cap[i])) for i in range(k)] + [(None, None)] * n_d
    res = linprog(c, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=bounds, method="highs")
    if res.status != 0:  # pragma: no cover - the box keeps it bounded and feasible
        raise SolverError(f"price master LP: {res.message}")
    w = -np.asarray(res.ineqlin.marginals)
    weights = [np.zeros(len(p)) for p in cuts]
    pos = [0] * n_d
    for j, d in enumerate(owner):
        weights[d][pos[d]] = max(0.0, w[j])
        pos[d] += 1
    return np.asarray(res.x[:k]), float(-res.fun), weights


def _master_ip(cuts: list[list[tuple[float, np.ndarray]]], b: np.ndarray) -> np.ndarray | None:
    """One kept plan per district meeting the shared rows at least cost (None: no such choice).

    The restricted master as an integer program: its shares are sums of real plans, so a
    district can always meet its share (its kept plan does).
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    sizes = [len(p) for p in cuts]
    n = sum(sizes)
    f = np.array([fj for p in cuts for fj, _ in p])
    g = np.array([gj for p in cuts for _, gj in p]).reshape(n, len(b))
    pick = np.zeros((len(cuts), n))
    start = 0
    for d, m in enumerate(sizes):
        pick[d, start : start + m] = 1.0
        start += m
    cons = [LinearConstraint(pick, 1.0, 1.0), LinearConstraint(g.T, b, np.inf)]
    res = milp(f, constraints=cons, integrality=np.ones(n), bounds=Bounds(0, 1))
    if res.status != 0 or res.x is None:
        return None
    z = np.round(res.x)
    out, start = [], 0
    for m in sizes:
        out.append(z[start : start + m] @ g[start : start + m])
        start += m
    return np.array(out)


def _targets_with_shares(
    scenario: Scenario, rows: list[tuple[str, str | None]], share: np.ndarray, with_budget: bool
) -> Scenario:
    actions = []
    for a in scenario.actions:
        tg = a.targets
        for (kind, name), s in zip(rows, share, strict=True):
            if name != a.name:
                continue
            if kind == "area":
                need = round(max(0.0, float(s)), 6)
                if need > 0 and (tg.area_min is None or need > tg.area_min):
                    tg = replace(tg, area_min=need)
            elif kind == "count":
                need_n = math.ceil(float(s) - 1e-6)
                if need_n > 0 and (tg.count_min is None or need_n > tg.count_min):
                    tg = replace(
                        tg,
                        count_min=need_n,
                        count_max=tg.count_max
                        if tg.count_max is None
                        else max(tg.count_max, need_n),
                    )
        actions.append(replace(a, targets=tg))
    sc = replace(scenario, actions=tuple(actions))
    if with_budget:
        for (kind, _), s in zip(rows, share, strict=True):
            if kind == "budget":
                cap = math.floor(max(0.0, -float(s)) * 1e6) / 1e6
                sc = replace(
                    sc, budget_total=cap if sc.budget_total is None else min(sc.budget_total, cap)
                )
    return sc


def decompose(
    scenario: Scenario,
    parcels: Any = None,
    *,
    by: str | None = None,
    folder: str | Path | None = None,
    targets: Any = None,
    scale: bool = False,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    joint: bool = False,
    **solver_overrides: Any,
) -> Allocation:
    """Share the scenario's ``[shared]`` totals among the districts by prices.

    The arguments are those of :func:`landopt.districts.plan_many`; ``joint`` also solves
    the joint model (:func:`joint_model`) and records its optimum in ``Allocation.joint``.

    Raises
    ------
    InputError
        The scenario has no ``[shared]`` table.
    TargetsUnmetError
        A district's own targets cannot be met even without the quotas, or the shared
        totals cannot be reached (a price at its cap).
    """
    from landopt.store.record import recording

    with recording("plan-many", scenario.name, scenario=scenario) as rec:
        out = _decompose(
            scenario,
            parcels,
            by=by,
            folder=folder,
            targets=targets,
            scale=scale,
            jobs=jobs,
            scheduler=scheduler,
            progress=progress,
            joint=joint,
            **solver_overrides,
        )
        out.run_id = rec.run_id
        rec.finish(
            "done" if out.feasible else "infeasible",
            result={
                "cost": out.cost,
                "lower_bound": out.lower_bound,
                "gap": out.gap,
                "rounds": out.rounds,
                "workers": out.workers,
            },
        )
    return out


def _decompose(
    scenario: Scenario,
    parcels: Any = None,
    *,
    by: str | None = None,
    folder: str | Path | None = None,
    targets: Any = None,
    scale: bool = False,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    joint: bool = False,
    **solver_overrides: Any,
) -> Allocation:
    """:func:`decompose`'s work, unrecorded."""
    from landopt.cluster import engine

    lang = scenario.lang
    if scenario.rule("shared") is None:
        raise InputError(t("decompose.no_shared", lang))
    t0 = time.perf_counter()
    spec = scenario.rule("shared")
    rows = shared_rows(scenario)
    b = shared_rhs(scenario)
    _, items = district_items(scenario, parcels, by=by, folder=folder, targets=targets, scale=scale)
    codes = [c for c, _, _ in items]
    ctx = Context(dict(solver_overrides), {c: (s, p) for c, s, p in items}, rows, uuid.uuid4().hex)
    k = len(rows)
    lam = np.zeros(k)
    cuts: list[list[tuple[float, np.ndarray]]] = [[] for _ in codes]
    best, best_lam, cap = -math.inf, lam, None
    history: list[dict[str, float]] = []
    with engine(jobs, scheduler, scenario=scenario) as e:
        workers = e.workers
        rounds = 0
        for rounds in range(1, spec.iterations + 1):
            subs = e.map(_price_one, [(c, lam) for c in codes], context=ctx)
            value = float(lam @ b)
            for d, s in enumerate(subs):
                if not s["has_solution"]:
                    raise TargetsUnmetError(
                        t("decompose.district_infeasible", lang, code=codes[d], status=s["status"])
                    )
                if s["lower"] is None:
                    raise SolverError(
                        t("decompose.no_bound", lang, code=codes[d], status=s["status"])
                    )
                value += s["lower"]
                cuts[d].append((s["f"], s["g"]))
            if cap is None:
                total_abs = sum(s["fabs"] for s in subs) + 1.0
                gmin = np.min(np.array([s["gmin"] for s in subs]), axis=0)
                cap = total_abs / np.maximum(gmin, 1e-9)
            if value > best:
                best, best_lam = value, lam
            lam, upper, weights = _master(cuts, b, cap)
            history.append({"round": rounds, "dual": value, "best": best, "master": upper,
                            **{f"price_{i}": float(v) for i, v in enumerate(lam)}})  # fmt: skip
            log.info("round %d: L=%.6g best=%.6g master=%.6g", rounds, value, best, upper)
            if progress:
                progress(rounds, spec.iterations)
            if upper - best <= spec.tolerance * max(1.0, abs(best)):
                break
        at_cap = bool(np.any(lam >= cap * (1 - 1e-9)))
        shares = np.array(
            [
                sum(w * g for w, (_, g) in zip(weights[d], cuts[d], strict=True))
                for d in range(len(codes))
            ]
        )
        shares = shares.reshape(len(codes), k)
        candidates = [shares]
        picked = _master_ip(cuts, b)
        if picked is not None:
            candidates.append(picked.reshape(len(codes), k))
        best_plans: list[District] | None = None
        best_cost = math.inf
        for cand in candidates:
            plans = _allocate(e, items, rows, cand, solver_overrides)
            c = sum(float(p.plan.result.objective) for p in plans if p.plan is not None)
            c_min = (1.0 if scenario.objective.sense == "minimize" else -1.0) * c
            met = all(p.status == "met" for p in plans)
            if best_plans is None or (
                met and (c_min < best_cost or not all(q.status == "met" for q in best_plans))
            ):
                best_plans, best_cost, shares = plans, c_min if met else math.inf, cand
        plans = best_plans
    sign = 1.0 if scenario.objective.sense == "minimize" else -1.0
    got = np.zeros((len(codes), k))
    cost = 0.0
    for d, p in enumerate(plans):
        if p.plan is not None:
            got[d] = _achieved(p.plan, rows)
            cost += float(p.plan.result.objective)
    ok = (
        all(p.status == "met" for p in plans)
        and bool(np.all(got.sum(axis=0) >= b - 1e-6))
        and not at_cap
    )
    if at_cap:
        log.warning("a price reached its cap: the shared totals may be out of reach")
    labels = row_labels(scenario, lang)
    table = pd.DataFrame({"district": codes})
    for i in range(len(labels)):
        sgn = -1.0 if rows[i][0] == "budget" else 1.0
        table[f"share_{i}"] = sgn * shares[:, i]
        table[f"got_{i}"] = sgn * got[:, i]
    table["objective"] = [
        float(p.plan.result.objective) if p.plan is not None else np.nan for p in plans
    ]
    table["status"] = [p.status for p in plans]
    lower = sign * best  # back in the scenario's sense
    out = Allocation(
        scenario=scenario,
        districts=plans,
        shares=table,
        prices=np.asarray(best_lam),
        cost=cost,
        lower_bound=lower,
        gap=abs(cost - lower),
        feasible=ok,
        rounds=rounds,
        history=history,
        workers=workers,
    )
    if joint:
        tj = time.perf_counter()
        model = joint_model(scenario, items)
        from landopt.solving import solve_compiled

        opts = (
            replace(model.scenario.solver, **solver_overrides)
            if solver_overrides
            else model.scenario.solver
        )
        res = solve_compiled(model, opts)
        out.joint = {"status": res.status, "objective": res.objective, "bound": res.bound,
                     "proven_optimal": res.proven_optimal, "seconds": time.perf_counter() - tj}  # fmt: skip
    out.wall_s = time.perf_counter() - t0
    return out


def _allocate(
    e: Any,
    items: list[tuple[str, Scenario, Any]],
    rows: list[tuple[str, str | None]],
    shares: np.ndarray,
    solver_overrides: dict[str, Any],
) -> list[District]:
    """Each district solved by ``landopt.solve`` with its shares as hard targets."""
    ctx = Context(dict(solver_overrides))
    plans = e.map(_plan_one, [(c, _targets_with_shares(s, rows, shares[d], with_budget=True), p)
                              for d, (c, s, p) in enumerate(items)], context=ctx)  # fmt: skip
    retry = [
        d
        for d, p in enumerate(plans)
        if p.status != "met" and any(kd == "budget" for kd, _ in rows)
    ]
    if retry:
        again = e.map(_plan_one, [(items[d][0], _targets_with_shares(items[d][1], rows, shares[d], with_budget=False),
                                   items[d][2]) for d in retry], context=ctx)  # fmt: skip
        for d, p in zip(retry, again, strict=True):
            plans[d] = p
    return plans


def _achieved(plan: Any, rows: list[tuple[str, str | None]]) -> np.ndarray:
    """What a district's plan contributes to each shared row (``>=`` form)."""
    s = plan.summary.set_index("action")
    out = []
    for kind, a in rows:
        if kind == "budget":
            out.append(-float(s.at["total", "cost_wan"]))
        else:
            out.append(float(s.at[a, "mu" if kind == "area" else "plots"]))
    return np.array(out)


def headed_shares(alloc: Allocation, lang: str | None = None) -> pd.DataFrame:
    """The allocation table with headers in the planner's language."""
    lg = lang or alloc.scenario.lang
    labels = row_labels(alloc.scenario, lg)
    names = {"district": t("decompose.col.district", lg), "objective": t("decompose.col.cost", lg),
             "status": t("decompose.col.status", lg)}  # fmt: skip
    for i, lab in enumerate(labels):
        names[f"share_{i}"] = t("decompose.col.share", lg, row=lab)
        names[f"got_{i}"] = t("decompose.col.got", lg, row=lab)
    return alloc.shares.rename(columns=names)


# --------------------------------------------------------------------------- joint model
def joint_model(scenario: Scenario, items: list[tuple[str, Scenario, Any]]) -> Any:
    """One compiled model over every district with the shared rows (block diagonal).

    For checking the decomposition on provinces small enough to solve at once. Rules
    enforced with cuts or with extra columns (min_block, boundary, key projects,
    programmes) are refused (:class:`~landopt.errors.InputError`).
    """
    from landopt.model import compile_model
    from landopt.prepare import prepare
    from landopt.solving import cut_generators

    models = [compile_model(prepare(s, p)) for _, s, p in items]
    for m in models:
        if cut_generators(m) or m.n_vars != m.n_x or m.is_programme:
            raise InputError(t("decompose.joint_cuts", scenario.lang))
    rows = shared_rows(scenario)
    off_p = np.cumsum([0] + [len(m.parcel_ids) for m in models])
    G = sp.hstack([shared_matrix(m, rows) for m in models]).tocsr()
    A = sp.vstack([sp.block_diag([m.A for m in models], format="csr"), G]).tocsr()
    first = models[0]
    names = [f"d{c}_{n}" for (c, _, _), m in zip(items, models, strict=True) for n in m.row_names]
    names += [f"shared_{kind}_{a or 'total'}" for kind, a in rows]
    return replace(
        first,
        scenario=items[0][1],
        parcel_ids=np.concatenate([m.parcel_ids for m in models]),
        area_mu=np.concatenate([m.area_mu for m in models]),
        eligible=pd.concat([m.eligible for m in models], ignore_index=True),
        var_parcel=np.concatenate([m.var_parcel + off_p[i] for i, m in enumerate(models)]),
        var_action=np.concatenate([m.var_action for m in models]),
        c=np.concatenate([m.c for m in models]),
        A=A,
        senses=np.concatenate(
            [*(m.senses for m in models), np.array([">="] * len(rows), dtype=object)]
        ),
        rhs=np.concatenate([*(m.rhs for m in models), shared_rhs(scenario)]),
        row_names=names,
        lb=np.concatenate([m.lb for m in models]),
        ub=np.concatenate([m.ub for m in models]),
        var_cost=np.concatenate([m.var_cost for m in models]),
        var_benefit=np.concatenate([m.var_benefit for m in models]),
        statements=[],
        prepared=None,
        var_year=None,
        var_stage=None,
        var_end=None,
    )


def targets_of(scenario: Scenario) -> dict[str, Targets]:
    """Action name → targets (a helper for reports)."""
    return {a.name: a.targets for a in scenario.actions}
