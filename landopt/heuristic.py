"""A feasible plan fast: a greedy start and a swap pass, handed to the solver as its incumbent.

With strong spatial terms at city scale an exact solver can run for long without any
feasible plan (at 1,000,000 parcels with the boundary penalty, none in 15 minutes:
BENCHMARKS.md). A plan built greedily, improved by swaps and checked against every row of
the compiled model, gives the solver an incumbent from the start, so a time-limited run
returns at least that plan with the solver's bound beside it.

Greedy: actions are filled scarcest first (highest plot target per eligible plot); each
takes the k unused candidates of least cost minus lam times mu, k its minimum count and
lam the least that meets its area target (found by bisection, one argpartition a step,
so it scales to a million candidates), lam ranking by each column's objective coefficient.
Locked plots are placed first. With a boundary penalty, a vectorised swap pass that prices
shared boundary (:func:`improve_boundary`) comes next. Then a swap pass: for each chosen
plot, the cheapest few unused candidates of the same action are tried in its place; a swap
is kept when the plan stays feasible and the objective (penalty included) improves.

Measured (2023 rules, targets scaled, penalty 500 on clearance): at 100k parcels greedy
291,432, after boundary swaps 287,690 (0.3 s), proven optimum 284,335; at 1M greedy
2,919,442, after boundary swaps 2,890,646 (4.1 s).
"""

from __future__ import annotations

import logging
import time

import numpy as np
import scipy.sparse as sp

from landopt.model import CompiledModel
from landopt.scenario import Targets

__all__ = [
    "greedy_start",
    "improve",
    "improve_boundary",
    "is_feasible",
    "objective_with_edges",
    "programme_start",
    "warm_start",
]

log = logging.getLogger(__name__)


def is_feasible(model: CompiledModel, x: np.ndarray, tol: float = 1e-6) -> bool:
    """Whether ``x`` meets every row and bound of the model."""
    ax = model.A @ x
    return bool(
        np.all(x >= model.lb - tol)
        and np.all(x <= model.ub + tol)
        and np.all(ax >= model.row_lower - tol)
        and np.all(ax <= model.row_upper + tol)
    )


def objective_with_edges(model: CompiledModel, x: np.ndarray) -> tuple[float, np.ndarray]:
    """Set each edge variable to its best value, min(sel_p, sel_q); return objective and vector."""
    x = np.asarray(x, dtype=float).copy()
    if len(model.edges):
        on = model.penalised
        sel = np.bincount(
            model.var_parcel[on], weights=x[: model.n_x][on], minlength=len(model.parcel_ids)
        )
        x[model.n_x :] = np.minimum(sel[model.edges[:, 0]], sel[model.edges[:, 1]])
    return float(model.c @ x), x


def _pick(cost: np.ndarray, area: np.ndarray, k: int, area_min: float | None) -> np.ndarray | None:
    """Positions of k candidates of least ``cost - lam * area`` with the least lam >= 0 that
    reaches ``area_min`` (bisection on lam; each step one argpartition), or None."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k > len(cost):
        return None

    def take(lam: float) -> np.ndarray:
        return np.argpartition(cost - lam * area, k - 1)[:k]

    idx = take(0.0)
    if area_min is None or area[idx].sum() >= area_min:
        return idx
    hi = max(1.0, float(np.abs(cost).max()) / max(float(area.min()), 1e-9))
    for _ in range(60):
        if area[take(hi)].sum() >= area_min:
            break
        hi *= 4
    else:
        return None
    if area[take(hi)].sum() < area_min:
        return None
    lo = 0.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if area[take(mid)].sum() >= area_min:
            hi = mid
        else:
            lo = mid
    return take(hi)


def _choose(
    free: np.ndarray,
    cost: np.ndarray,
    area: np.ndarray,
    t: Targets,
    n_have: int,
    area_have: float,
) -> np.ndarray | None:
    """Which of the candidate columns ``free`` to add so that one target ``t`` is met, given
    ``n_have`` plots and ``area_have`` mu already counted towards it; None when none do.

    With a count: the k = its minimum (or, failing that, its maximum) still missing, of least
    cost minus lam times mu (:func:`_pick`); with an area minimum alone: the plots of least
    cost per mu until it is reached.
    """
    need_area = None if t.area_min is None else t.area_min - area_have
    if t.count_min is None and t.count_max is None:
        if need_area is None or need_area <= 0:
            return free[:0]
        order = free[np.argsort(cost[free] / np.maximum(area[free], 1e-9), kind="stable")]
        upto = int(np.searchsorted(np.cumsum(area[order]), need_area)) + 1
        return order[:upto] if upto <= len(order) or area[order].sum() >= need_area else None
    lo = max(0, (t.count_min or 0) - n_have)
    hi = lo if t.count_max is None or t.count_max == t.count_min else max(lo, t.count_max - n_have)
    for n in sorted({lo, hi}):
        sel = _pick(cost[free], area[free], n, need_area if need_area is not None and need_area > 0 else None)
        if sel is not None:
            return free[sel]
    return None


def _objective_order(model: CompiledModel) -> np.ndarray:
    """The x columns' objective coefficients, sign-adjusted so that lower is better."""
    return model.c[: model.n_x] if model.sense == "minimize" else -model.c[: model.n_x]


def broken_rows(model: CompiledModel, x: np.ndarray, tol: float = 1e-6) -> np.ndarray:
    """Positions of the rows ``x`` breaks."""
    ax = model.A @ x
    return np.flatnonzero((ax < model.row_lower - tol) | (ax > model.row_upper + tol))


def log_broken(model: CompiledModel, x: np.ndarray, what: str) -> None:
    """Log how many rows ``x`` breaks and the first few of their names (``what`` says whose plan)."""
    bad = broken_rows(model, x)
    log.info(
        "%s breaks %d rows (%s); no start",
        what,
        len(bad),
        ", ".join(model.row_names[i] for i in bad[:5]),
    )


def greedy_start(model: CompiledModel, *, start: np.ndarray | None = None) -> np.ndarray | None:
    """A feasible 0/1 vector built greedily, or ``None`` when the greedy rule fails.

    Actions are filled scarcest first; each takes the k candidates (k its minimum count)
    that minimise their objective coefficient minus lam times mu, with the least lam that
    meets its area target. A programme is filled year by year (:func:`programme_start`).

    ``start`` is a partial plan to fill around (the key projects' sites and the land they
    free, :mod:`landopt.project_start`): its chosen plots count towards the targets and
    their parcels take no other action.
    """
    if model.is_programme:
        return programme_start(model)
    n_x = model.n_x
    x = np.zeros(model.n_vars) if start is None else np.asarray(start, dtype=float).copy()
    used = np.zeros(len(model.parcel_ids), dtype=bool)
    forced = np.flatnonzero(model.lb[:n_x] > 0.5)
    x[forced] = 1.0
    used[model.var_parcel[np.flatnonzero(x[:n_x] > 0.5)]] = True
    open_ = model.ub[:n_x] > 0.5
    area = model.area_mu[model.var_parcel]
    # the objective's own coefficients (cost, benefit, difficulty, zone bonuses, the boundary
    # penalty's per-plot part), sign-adjusted so that lower is better: at 1M parcels with a
    # penalty this start is 3.1 % better than one ranked by cost alone (2,919,442 vs 3,013,057)
    cost = _objective_order(model)
    actions = model.scenario.actions
    tight = [
        (a.targets.count_min or 0) / max(1, int(((model.var_action == k) & open_).sum()))
        for k, a in enumerate(actions)
    ]
    for k in np.argsort(tight)[::-1]:
        mine = np.flatnonzero(model.var_action == k)
        have = mine[x[mine] > 0.5]
        free = mine[open_[mine] & ~used[model.var_parcel[mine]] & (x[mine] < 0.5)]
        pick = _choose(free, cost, area, actions[k].targets, len(have), float(area[have].sum()))
        if pick is None:
            return None
        x[pick] = 1.0
        used[model.var_parcel[pick]] = True
    _, x = objective_with_edges(model, x)
    return x if is_feasible(model, x) else None


def _merge(targets: list[Targets]) -> Targets:
    """One target that asks for what all of ``targets`` ask (the tightest of each bound)."""
    lows = [t.count_min for t in targets if t.count_min is not None]
    highs = [t.count_max for t in targets if t.count_max is not None]
    areas = [t.area_min for t in targets if t.area_min is not None]
    return Targets(
        count_min=max(lows) if lows else None,
        count_max=min(highs) if highs else None,
        area_min=max(areas) if areas else None,
    )


def programme_start(model: CompiledModel) -> np.ndarray | None:
    """A feasible plan for a programme built year by year, or ``None``.

    Year by year from the first, actions whose plots start a sequence first, then the others
    scarcest first: each (action, year) target of ``[[programme.targets]]`` takes its missing
    count of candidates started that year by the one-year rule (:func:`_choose`). A
    sequence's second step is a candidate only on a plot whose first action the start has
    already placed at least the sequence's gap earlier (or on stock land, stage 0). Then
    the cumulative targets (``by``) and the whole-programme targets of the actions take
    what they still miss from the years they cover, one column per plot. Budgets,
    capacity and benefit targets are not steered: the vector is checked against every
    row of the model, and a start that breaks one is dropped (logged with the rows it breaks).

    Without it HiGHS found no plan in 300 s for a 2-year programme on 100,000 parcels
    (exact yearly counts with area minimums; BENCHMARKS.md, "Multi-year programmes").
    """
    from landopt.programme import programme_of

    prog = programme_of(model.scenario)
    if prog is None:
        return None
    n_x, n_p = model.n_x, len(model.parcel_ids)
    names = list(model.scenario.action_names)
    act, year, stage, par = (
        model.var_action,
        model.var_year,
        model.var_stage,
        model.var_parcel,
    )
    area = model.area_mu[par]
    cost = _objective_order(model)
    open_ = model.ub[:n_x] > 0.5
    x = np.zeros(model.n_vars)
    used = np.zeros(n_p, dtype=bool)  # the plot has its first action
    first_act = np.full(n_p, -1)  # ... which is this action
    first_year = np.full(n_p, np.iinfo(np.int64).max // 2)  # ... started in this year
    second = np.zeros(n_p, dtype=bool)  # the plot has its second step
    seqs = [(names.index(s.first), names.index(s.then), s.gap) for s in prog.sequences]

    def take(cols: np.ndarray) -> None:
        x[cols] = 1.0
        c0 = cols[stage[cols] == 0]
        used[par[c0]] = True
        first_act[par[c0]] = act[c0]
        first_year[par[c0]] = year[c0]
        second[par[cols[stage[cols] == 1]]] = True

    take(np.flatnonzero(model.lb[:n_x] > 0.5))

    def candidates(k: int, years: np.ndarray) -> np.ndarray:
        """Open columns of action k started in ``years`` that the plan so far allows,
        the cheapest one per plot."""
        base = (act == k) & open_ & (x[:n_x] < 0.5) & np.isin(year, years)
        ok = base & (stage == 0) & ~used[par]
        ready = np.zeros(n_x, dtype=bool)
        for f, h, gap in seqs:
            if h == k:
                ready |= (first_act[par] == f) & (first_year[par] + gap <= year) & ~second[par]
        cols = np.flatnonzero(ok | (base & (stage == 1) & ready))
        cols = cols[np.argsort(cost[cols], kind="stable")]
        _, first = np.unique(par[cols], return_index=True)
        return np.sort(cols[first])

    def counted(k: int, years: np.ndarray) -> np.ndarray:
        on = np.flatnonzero(x[:n_x] > 0.5)
        return on[(act[on] == k) & np.isin(year[on], years)]

    spec = prog.spec
    yearly: dict[tuple[int, int], list[Targets]] = {}
    cumulative: list[tuple[int, int, Targets]] = []
    for ts in spec.targets:
        tg = Targets(
            count_min=ts.count if ts.count is not None else ts.count_min,
            count_max=ts.count if ts.count is not None else ts.count_max,
            area_min=ts.area_min,
        )
        if ts.action not in names:
            continue
        if ts.year is not None:
            yearly.setdefault((names.index(ts.action), ts.year), []).append(tg)
        else:
            cumulative.append((names.index(ts.action), int(ts.by), tg))
    for k, a in enumerate(model.scenario.actions):
        cumulative.append((k, prog.last_year, a.targets))

    firsts = {f for f, _, _ in seqs}
    for y in prog.years:
        ks = [k for k in range(len(names)) if (k, y) in yearly]
        scarce = {k: (_merge(yearly[(k, y)]).count_min or 0) / max(1, len(candidates(k, np.array([y])))) for k in ks}
        for k in sorted(ks, key=lambda k: (k not in firsts, -scarce[k])):
            ys = np.array([y])
            have = counted(k, ys)
            pick = _choose(candidates(k, ys), cost, area, _merge(yearly[(k, y)]), len(have), float(area[have].sum()))
            if pick is None:
                log.info("programme start: %s in %d cannot be filled", names[k], y)
                return None
            take(pick)
    for k, by, tg in cumulative:
        ys = np.array([y for y in prog.years if y <= by])
        have = counted(k, ys)
        pick = _choose(candidates(k, ys), cost, area, tg, len(have), float(area[have].sum()))
        if pick is None:
            log.info("programme start: %s up to %d cannot be filled", names[k], by)
            return None
        take(pick)
    _, x = objective_with_edges(model, x)
    if not is_feasible(model, x):
        log_broken(model, x, "programme start: the year-by-year plan")
        return None
    return x


#: Swap trials of :func:`improve` per warm start: a count of work, not seconds, so that the
#: start does not depend on the time limit or on the machine's load (issue 16: 143.83 M at a
#: 60 s limit and 143.28 M at 300 s on one layer when the pass ran by the clock).
MAX_TRIALS = 20_000
#: Rounds of :func:`improve_boundary` per warm start, for the same reason.
MAX_ROUNDS = 50


def improve(
    model: CompiledModel,
    x: np.ndarray,
    *,
    tries: int = 8,
    max_trials: int = MAX_TRIALS,
    deadline: float | None = None,
) -> np.ndarray:
    """Swap chosen plots for cheaper unused candidates of the same action while it helps.

    In passes: each chosen plot (in column order) tries the ``tries`` cheapest unused open
    candidates of its action (and, in a programme, its year and stage); a swap is kept when
    the objective improves and the rows it touches still hold (checked on the changed
    columns only). Stops when a pass improves nothing or after ``max_trials`` trials: the
    same model and start give the same plan. ``deadline`` (a :func:`time.perf_counter` time)
    only guards a time limit too short for that work; when it bites it is logged.
    """
    best, x = objective_with_edges(model, x)
    nx = model.n_x
    sign = 1.0 if model.sense == "minimize" else -1.0
    A = model.A.tocsc()
    ax = A @ x
    lo, hi = model.row_lower, model.row_upper  # properties computed on each access
    vp = model.var_parcel
    n = len(model.parcel_ids)
    used = np.zeros(n, dtype=bool)
    used[vp[np.flatnonzero(x[:nx] > 0.5)]] = True
    open_ = model.ub[:nx] > 0.5
    pen = model.penalised.astype(float)
    sel = np.bincount(vp[x[:nx] > 0.5], weights=pen[x[:nx] > 0.5], minlength=n)
    edges = np.asarray(model.edges, dtype=np.int64).reshape(-1, 2)
    e0, e1 = edges[:, 0], edges[:, 1]
    ce = model.c[nx:]

    ne = len(e0)
    inc = sp.csr_matrix(
        (np.ones(2 * ne), (np.r_[e0, e1], np.r_[np.arange(ne), np.arange(ne)])), shape=(n, ne)
    ).tocsr()

    def edges_of(p: int, q: int) -> np.ndarray:
        """The edges touching parcel p or q."""
        return np.union1d(
            inc.indices[inc.indptr[p] : inc.indptr[p + 1]],
            inc.indices[inc.indptr[q] : inc.indptr[q + 1]],
        )

    year = model.var_year - model.var_year.min() if nx else model.var_year
    key = (model.var_action * (int(year.max(initial=0)) + 1) + year) * 2 + model.var_stage
    groups = np.unique(key, return_inverse=True)[1].ravel()
    by_cost = np.lexsort((np.arange(nx), sign * model.c[:nx], groups))
    bounds = np.searchsorted(groups[by_cost], np.arange(groups.max() + 2 if nx else 1))
    trials = 0
    stop = "no improving swap"
    improved = True
    while improved:
        improved = False
        free: dict[int, np.ndarray] = {}  # per group: unused open candidates, cheapest first
        for i in np.flatnonzero(x[:nx] > 0.5):
            if model.lb[i] > 0.5:
                continue
            g = int(groups[i])
            if g not in free:
                cand = by_cost[bounds[g] : bounds[g + 1]]
                free[g] = cand[open_[cand] & ~used[vp[cand]]]
            tried = 0
            for j in free[g]:
                if tried >= tries:
                    break
                if used[vp[j]] or x[j] > 0.5:
                    continue
                if trials >= max_trials or (deadline is not None and time.perf_counter() > deadline):
                    stop = "trial cap" if trials >= max_trials else "deadline"
                    improved = False
                    break
                tried += 1
                trials += 1
                pi, pj = int(vp[i]), int(vp[j])
                E = edges_of(pi, pj)
                s_i, s_j = sel[pi] - pen[i], sel[pj] + pen[j]
                ends = [np.where(e == pi, s_i, np.where(e == pj, s_j, sel[e])) for e in (e0[E], e1[E])]
                new_y = np.minimum(*ends)  # each touched edge's best value after the swap
                delta = model.c[j] - model.c[i] + float(ce[E] @ (new_y - x[nx + E]))
                if sign * delta >= -1e-9:
                    continue
                changed = np.r_[i, j, nx + E]
                d = np.r_[-1.0, 1.0, new_y - x[nx + E]]
                new_ax = ax + A[:, changed] @ d
                rows = np.unique(A[:, changed].indices)
                if np.all(new_ax[rows] >= lo[rows] - 1e-6) and np.all(new_ax[rows] <= hi[rows] + 1e-6):
                    x = x.copy()
                    x[i], x[j] = 0.0, 1.0
                    x[nx + E] = new_y
                    sel[pi], sel[pj] = s_i, s_j
                    used[pi], used[pj] = False, True
                    best, ax, improved = best + delta, new_ax, True
                    break
            if stop != "no improving swap":
                break
    if stop == "deadline":
        log.warning("swap pass cut short by the time limit after %d trials", trials)
    log.debug("swap pass: %d trials, objective %.1f, stopped: %s", trials, best, stop)
    return x


def improve_boundary(
    model: CompiledModel,
    x: np.ndarray,
    *,
    tries: int = 25,
    max_rounds: int = MAX_ROUNDS,
    deadline: float | None = None,
) -> np.ndarray:
    """Swap chosen plots for unused candidates of the same action, pricing shared boundary.

    In rounds: with ``shared[p]`` the penalty a parcel saves through its chosen neighbours
    (each candidate edge's term), removing chosen column i changes the objective by
    ``-c_i + shared[p_i]`` and adding column j by ``c_j - shared[p_j]`` (plus the edge
    between them, if any). Best removals are paired with best additions while the pair
    improves, keeps the action's area range and budgets, and touches no parcel next to one
    already changed in the round (so every delta stays exact). A round that leaves the
    model infeasible (a row this pass does not track, such as a zone share) is undone.
    """
    if not len(model.edges):
        return x
    import scipy.sparse as sp

    t0 = time.perf_counter()
    nx = model.n_x
    n = len(model.parcel_ids)
    sign = 1.0 if model.sense == "minimize" else -1.0
    sc = sign * model.c[:nx]
    S = [model.action_names.index(a) for a in model.spatial.get("actions", [])]
    in_s = model.penalised
    e0, e1 = model.edges[:, 0], model.edges[:, 1]
    wy = -sign * model.c[nx:]  # what sharing an edge saves, >= 0
    W = sp.csr_matrix((np.r_[wy, wy], (np.r_[e0, e1], np.r_[e1, e0])), shape=(n, n))
    vp = model.var_parcel
    area = model.area_mu[vp]
    cost = model.var_cost
    locked = model.lb[:nx] > 0.5
    open_ = model.ub[:nx] > 0.5
    acts = model.scenario.actions
    total_budget = model.scenario.budget_total
    best, x = objective_with_edges(model, x)
    rounds = swaps = 0
    stop = "round cap"
    while rounds < max_rounds:
        if deadline is not None and time.perf_counter() > deadline:
            stop = "deadline"
            log.warning("boundary swaps cut short by the time limit after %d rounds", rounds)
            break
        xs = x[:nx] > 0.5
        used = np.bincount(vp[xs], minlength=n) > 0
        sel = np.bincount(vp[in_s & xs], minlength=n).astype(float)
        shared = W @ sel
        dirty = np.zeros(n, dtype=bool)
        trial = x.copy()
        spent = float(cost[xs].sum())
        changed = 0
        for a in S:
            t = acts[a].targets
            mine = model.var_action == a
            on = np.flatnonzero(mine & xs & ~locked)
            off = np.flatnonzero(mine & ~xs & open_ & ~used[vp])
            if not len(on) or not len(off):
                continue
            d_rem = -sc[on] + shared[vp[on]]
            d_add = sc[off] - shared[vp[off]]
            on, d_rem = on[np.argsort(d_rem)], np.sort(d_rem)
            off, d_add = off[np.argsort(d_add)], np.sort(d_add)
            have = mine & xs
            mu, spent_a = float(area[have].sum()), float(cost[have].sum())
            taken = np.zeros(len(off), dtype=bool)
            first = 0  # additions before this one are all taken
            for i, di in zip(on.tolist(), d_rem.tolist(), strict=True):
                while first < len(off) and taken[first]:
                    first += 1
                if first == len(off) or di + d_add[first] >= -1e-9:
                    break  # no later removal can pair better
                if dirty[vp[i]]:
                    continue
                tried = 0
                for k in range(first, len(off)):
                    if tried >= tries or di + d_add[k] >= -1e-9:
                        break
                    if taken[k]:
                        continue
                    tried += 1  # dirty ones count too, so a pass stays O(len(on) * tries)
                    j = off[k]
                    if dirty[vp[j]]:
                        continue
                    corr = W[vp[i], vp[j]]
                    new_mu = mu - area[i] + area[j]
                    d_cost = cost[j] - cost[i]
                    if (
                        di + d_add[k] + corr >= -1e-9
                        or (t.area_min is not None and new_mu < t.area_min - 1e-9)
                        or (t.area_max is not None and new_mu > t.area_max + 1e-9)
                        or (acts[a].budget is not None and spent_a + d_cost > acts[a].budget)
                        or (total_budget is not None and spent + d_cost > total_budget)
                    ):
                        continue
                    trial[i], trial[j] = 0.0, 1.0
                    mu, spent_a, spent = new_mu, spent_a + d_cost, spent + d_cost
                    taken[k] = True
                    for p in (vp[i], vp[j]):
                        dirty[p] = True
                        dirty[W.indices[W.indptr[p] : W.indptr[p + 1]]] = True
                    changed += 1
                    break
        if not changed:
            stop = "no improving swap"
            break
        value, trial = objective_with_edges(model, trial)
        if sign * (value - best) >= -1e-9:
            stop = "round did not improve"  # cannot happen while the deltas are exact
            break
        if not is_feasible(model, trial):
            stop = "round broke a row it does not track"  # keep the last good plan
            break
        x, best = trial, value
        rounds += 1
        swaps += changed
    log.info(
        "boundary swaps: %d in %d rounds, objective %.1f, %.1f s, stopped: %s",
        swaps,
        rounds,
        best,
        time.perf_counter() - t0,
        stop,
    )
    return x


def warm_start(model: CompiledModel, *, deadline: float | None = None) -> np.ndarray | None:
    """Greedy start improved by swaps, or ``None`` when greedy finds no feasible plan.

    A model with key projects starts from :func:`landopt.project_start.project_start`,
    which lands what it can before the greedy fills the targets.

    The work is counted (:data:`MAX_ROUNDS`, :data:`MAX_TRIALS`), not timed, so the start
    does not depend on the time limit; ``deadline`` only guards a limit too short for it.
    """
    t0 = time.perf_counter()
    if getattr(model, "projects", None) is not None:
        from landopt.project_start import project_start  # it builds on greedy_start

        x = project_start(model)
    else:
        x = greedy_start(model)
    if x is None:
        log.info("warm start: the greedy rule found no feasible plan")
        return None
    g = objective_with_edges(model, x)[0]
    x = improve_boundary(model, x, deadline=deadline)
    x = improve(model, x, deadline=deadline)
    log.info(
        "warm start: greedy %.1f, after swaps %.1f, %.1f s",
        g,
        objective_with_edges(model, x)[0],
        time.perf_counter() - t0,
    )
    return x
