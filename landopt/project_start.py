"""A warm start that lands key projects: a site for each, then the targets filled around them.

The greedy start of :mod:`landopt.heuristic` lands no project (every project row holds with
w = 0). At city scale HiGHS then seldom gets further within a time limit: at 100,000
parcels no project landed within 60 s or 300 s, with 10 or 50 projects (BENCHMARKS.md,
"Key projects"). This start places the projects first and leaves the targets to the greedy:

1. Projects in order of priority (1 first), then investment (largest first). For project
   j the parcels it may take are its compatible pairs (:mod:`landopt.rules.projects`: use,
   park rule, size) not taken by an earlier project, on stock land or on a parcel that a
   source action (``[projects] sources``) can still free: an open x column whose action
   has room left under its plot count, area maximum and budgets. Freeing costs the
   column's objective coefficient (stock land: nothing).
2. A site is grown cheapest per mu first until it reaches j's minimum without passing its
   maximum: for a contiguous project from each of the few cheapest parcels in turn, over
   the prepared adjacency (Prim's order, so every site is one piece by construction and
   no contiguity cut is violated); otherwise the cheapest per mu anywhere. A project with
   a park bonus tries its preferred parks first and keeps the better of the two sites.
3. A site is kept when what remains can still meet every action's count and area targets
   (a necessary test, per action); its parcels' source columns, the pairs' u, w_j and z_j
   are set (and, with ``[projects] contiguity = "flow"``, its flow columns:
   :meth:`landopt.rules.projects.ProjectColumns.with_flow`).
4. The greedy fills the targets around the sites (:func:`landopt.heuristic.greedy_start`
   with the partial plan); the whole vector is checked against every row, and dropped
   (its broken rows logged) when it breaks one; then half the projects are tried, and so on.

Two policies are tried: land every project that fits, and land only those whose site costs
less than the project is worth (reward, park bonus); the best feasible vector among them and
the plain greedy start (no project) is the start, so it is never worse than before.
Programmes keep the plain start (not built for them yet).
"""

from __future__ import annotations

import heapq
import logging
import time
from dataclasses import dataclass

import numpy as np

from landopt.heuristic import greedy_start, is_feasible, log_broken
from landopt.model import CompiledModel

__all__ = ["project_start"]

log = logging.getLogger(__name__)

#: Seeds tried per contiguous project: the cheapest per mu of its available parcels.
SEEDS = 8
#: Tolerance on mu.
EPS = 1e-9


@dataclass
class _Room:
    """What the source actions may still take: plots, mu and budget (inf where unbounded)."""

    plots: np.ndarray
    mu: np.ndarray
    money: np.ndarray
    total_money: float

    def fits(self, a: int, mu: float, cost: float) -> bool:
        return (
            self.plots[a] >= 1
            and self.mu[a] >= mu - EPS
            and self.money[a] >= cost - EPS
            and self.total_money >= cost - EPS
        )

    def take(self, a: int, mu: float, cost: float) -> None:
        self.plots[a] -= 1
        self.mu[a] -= mu
        self.money[a] -= cost
        self.total_money -= cost

    def copy(self) -> _Room:
        return _Room(self.plots.copy(), self.mu.copy(), self.money.copy(), self.total_money)


class _Sites:
    """Everything the site search reads, computed once per model."""

    def __init__(self, model: CompiledModel) -> None:
        self.model = model
        pc = model.projects
        self.pc = pc
        nx, n = model.n_x, len(model.parcel_ids)
        self.n = n
        self.sc = model.c if model.sense == "minimize" else -model.c  # lower is better
        self.area = model.area_mu
        spec = model.scenario.rule("projects")
        names = model.scenario.action_names
        self.src = [names.index(a) for a in spec.sources if a in names]
        act, par = model.var_action, model.var_parcel
        open_ = model.ub[:nx] > 0.5
        forced = model.lb[:nx] > 0.5
        self.forced_src = np.zeros(n, dtype=bool)
        self.forced_src[par[forced & np.isin(act, self.src)]] = True
        self.blocked = np.zeros(n, dtype=bool)  # locked to an action that frees nothing
        self.blocked[par[forced & ~np.isin(act, self.src)]] = True
        self.stock = np.zeros(n, dtype=bool) if pc.stock is None else np.asarray(pc.stock, dtype=bool)
        # per parcel and source action: its open column (or -1)
        self.col = np.full((n, len(self.src)), -1, dtype=np.int64)
        for k, a in enumerate(self.src):
            cols = np.flatnonzero((act == a) & open_ & ~forced)
            self.col[par[cols], k] = cols
        self.forced = np.flatnonzero(forced)
        self.nbrs = None
        if any(p.contiguous for p in pc.projects):
            m = model.prepared.adjacency.to_sparse()
            self.nbrs = (m.indptr, m.indices)
        self.pairs_of = [np.flatnonzero(pc.pair_project == j) for j in range(len(pc.projects))]

    def room(self) -> _Room:
        """What the source actions may take before any site is placed (locks counted)."""
        model = self.model
        acts = model.scenario.actions
        k = len(self.src)
        plots, mu, money = np.full(k, np.inf), np.full(k, np.inf), np.full(k, np.inf)
        f = self.forced
        for i, a in enumerate(self.src):
            t = acts[a].targets
            mine = f[model.var_action[f] == a]
            if t.count_max is not None:
                plots[i] = t.count_max - len(mine)
            if t.area_max is not None:
                mu[i] = t.area_max - float(self.area[model.var_parcel[mine]].sum())
            if acts[a].budget is not None:
                money[i] = acts[a].budget - float(model.var_cost[mine].sum())
        total = model.scenario.budget_total
        total_money = np.inf if total is None else total - float(model.var_cost[f].sum())
        return _Room(plots, mu, money, total_money)

    # ------------------------------------------------------------------ one site
    def free_cost(self, p: int, room: _Room) -> tuple[float, int]:
        """Cost of freeing parcel p and the source action's position (-1: nothing to do;
        inf when it cannot be freed within what is left)."""
        if self.stock[p] or self.forced_src[p]:
            return 0.0, -1
        best, which = np.inf, -2
        for k in range(len(self.src)):
            c = self.col[p, k]
            if c < 0:
                continue
            cost = float(self.model.var_cost[c])
            if self.sc[c] < best and room.fits(k, float(self.area[p]), cost):
                best, which = float(self.sc[c]), k
        return best, which

    def grow(
        self,
        j: int,
        avail: np.ndarray,
        fcost: np.ndarray,
        room: _Room,
        *,
        large_first: bool = False,
    ) -> tuple[list[int], float] | None:
        """The cheapest site found for project j among the parcels ``avail`` (a mask) whose
        freeing costs ``fcost``: (parcels, cost) or None. ``large_first`` grows from the
        largest parcels instead of the cheapest per mu (fewer plots of the targets' counts)."""
        p = self.pc.projects[j]
        lo, hi = p.mu_min, p.mu_max
        cand = np.flatnonzero(avail)
        if not len(cand) or self.area[cand].sum() < lo - EPS:
            return None
        per_mu = fcost / np.maximum(self.area, 1e-9)
        key = -self.area if large_first else per_mu
        second = per_mu if large_first else -self.area
        order = cand[np.lexsort((cand, second[cand], key[cand]))]
        if not p.contiguous:
            return self._fill(order, lo, hi, fcost, room)
        best: tuple[list[int], float] | None = None
        seen = np.zeros(self.n, dtype=bool)
        tried = 0
        for s in order.tolist():
            if tried >= SEEDS:
                break
            if seen[s]:
                continue
            tried += 1
            site = self._prim(s, lo, hi, avail, fcost, room, key, second)
            if site is None:
                # nothing grows from s: nor from the parcels it reached (same block)
                continue
            seen[site[0]] = True  # no seed inside a site already grown
            if best is None or site[1] < best[1] - EPS:
                best = site
        return best

    def _take(self, p: int, room: _Room) -> bool:
        """Count parcel p against what the source actions may take; False if it does not fit."""
        _, k = self.free_cost(p, room)
        if k == -2:
            return False
        if k >= 0:
            room.take(k, float(self.area[p]), float(self.model.var_cost[self.col[p, k]]))
        return True

    def _fill(
        self, order: np.ndarray, lo: float, hi: float, fcost: np.ndarray, room: _Room
    ) -> tuple[list[int], float] | None:
        r = room.copy()
        site, mu, cost = [], 0.0, 0.0
        for q in order.tolist():
            a = float(self.area[q])
            if mu + a > hi + EPS or not self._take(q, r):
                continue
            site.append(q)
            mu += a
            cost += float(fcost[q])
            if mu >= lo - EPS:
                return site, cost
        return None

    def _prim(
        self,
        seed: int,
        lo: float,
        hi: float,
        avail: np.ndarray,
        fcost: np.ndarray,
        room: _Room,
        key: np.ndarray,
        second: np.ndarray,
    ) -> tuple[list[int], float] | None:
        """Grow one connected site from ``seed``, the frontier's least (key, second) first."""
        indptr, indices = self.nbrs
        r = room.copy()
        site, mu, cost = [], 0.0, 0.0
        heap = [(float(key[seed]), float(second[seed]), seed)]
        queued = {seed}
        while heap:
            _, _, q = heapq.heappop(heap)
            a = float(self.area[q])
            if mu + a > hi + EPS or not self._take(q, r):
                continue
            site.append(q)
            mu += a
            cost += float(fcost[q])
            if mu >= lo - EPS:
                return site, cost
            for v in indices[indptr[q] : indptr[q + 1]].tolist():
                if avail[v] and v not in queued:
                    queued.add(v)
                    heapq.heappush(heap, (float(key[v]), float(second[v]), v))
        return None

    # ------------------------------------------------------------------ the targets
    def can_fill(self, x: np.ndarray, used: np.ndarray) -> bool:
        """Whether every action's count and area minimum can still be met from plots not used
        (each action alone: necessary, not sufficient)."""
        model = self.model
        nx = model.n_x
        on = x[:nx] > 0.5
        open_ = model.ub[:nx] > 0.5
        free = open_ & ~on & ~used[model.var_parcel]
        for a, act in enumerate(model.scenario.actions):
            t = act.targets
            if t.count_min is None and t.area_min is None:
                continue
            mine = model.var_action == a
            n_have = int((mine & on).sum())
            mu_have = float(self.area[model.var_parcel[mine & on]].sum())
            cand = self.area[model.var_parcel[np.flatnonzero(mine & free)]]
            need = max(0, (t.count_min or 0) - n_have)
            if len(cand) < need:
                return False
            if t.count_max is not None and n_have > t.count_max:
                return False
            if t.area_min is not None and mu_have < t.area_min - EPS:
                k = len(cand) if t.count_max is None else min(len(cand), t.count_max - n_have)
                top = np.partition(cand, len(cand) - k)[len(cand) - k :] if k > 0 else cand[:0]
                if float(top.sum()) < t.area_min - mu_have - EPS:
                    return False
        return True


def _order(model: CompiledModel) -> list[int]:
    """Projects by priority (1 first), then investment (largest first), then table order."""
    ps = model.projects.projects
    return sorted(range(len(ps)), key=lambda j: (ps[j].priority, -ps[j].investment_yi, j))


def _place(s: _Sites, paying_only: bool) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """The partial plan of the projects' sites: (x, used parcels, projects landed, in order)."""
    model, pc = s.model, s.pc
    x = np.zeros(model.n_vars)
    x[s.forced] = 1.0
    used = np.zeros(s.n, dtype=bool)
    used[model.var_parcel[s.forced]] = True
    taken = np.zeros(s.n, dtype=bool)
    room = s.room()
    landed: list[int] = []
    for j in _order(model):
        pairs = s.pairs_of[j]
        if not len(pairs) or model.ub[pc.w[j]] < 0.5:
            continue
        parcels = pc.pair_parcel[pairs]
        fcost = np.full(s.n, np.inf)
        for p in parcels.tolist():
            if not taken[p] and not s.blocked[p] and (not used[p] or s.forced_src[p] or s.stock[p]):
                fcost[p] = s.free_cost(p, room)[0]
        avail = np.zeros(s.n, dtype=bool)
        avail[parcels] = np.isfinite(fcost[parcels])
        reward = -float(s.sc[pc.w[j]])
        zc = pc.z.get(j)
        masks = [(avail, 0.0)]
        if zc is not None:
            in_park = np.zeros(s.n, dtype=bool)
            in_park[parcels[pc.pair_in_park[pairs]]] = True
            masks.append((avail & in_park, float(s.sc[zc])))
        options = []
        for mask, bonus in masks:
            for large_first in (False, True):
                site = s.grow(j, mask, fcost, room, large_first=large_first)
                if site is not None:
                    options.append((site[1] - reward + bonus, site[0]))
        options.sort(key=lambda o: o[0])
        placed = None
        for net, site in options:
            if paying_only and net >= 0:
                break
            trial_x, trial_used, trial_room = x.copy(), used.copy(), room.copy()
            for p in site:
                _, k = s.free_cost(p, trial_room)
                if k >= 0:
                    c = s.col[p, k]
                    trial_room.take(k, float(s.area[p]), float(model.var_cost[c]))
                    trial_x[c] = 1.0
                trial_used[p] = True
            if s.can_fill(trial_x, trial_used):
                placed = np.asarray(site, dtype=np.int64), trial_x, trial_used, trial_room
                break
        if placed is None:
            continue
        site, trial_x, trial_used, trial_room = placed
        on = np.isin(parcels, site)
        trial_x[pc.u[pairs[on]]] = 1.0
        trial_x[pc.w[j]] = 1.0
        if zc is not None and pc.pair_in_park[pairs[on]].all():
            trial_x[zc] = 1.0
        x, used, room = trial_x, trial_used, trial_room
        taken[site] = True
        landed.append(j)
    return x, used, landed


def _without(s: _Sites, x: np.ndarray, drop: list[int]) -> np.ndarray:
    """``x`` with the projects ``drop`` not landed (u, w, z, flow at 0; the land stays freed)."""
    return s.pc.without(x, drop)


def _filled(s: _Sites, x: np.ndarray, landed: list[int], what: str) -> np.ndarray | None:
    """The greedy fill around the sites; when it fails, the first half of ``landed`` only,
    and so on (the later projects' land is given back); None if even none fails."""
    model = s.model
    keep = list(landed)
    while True:
        part = x.copy()
        if len(keep) < len(landed):
            part = _without(s, x, landed[len(keep) :])
            # give back the land the dropped projects freed (the source columns they set)
            nx = model.n_x
            placed = np.zeros(nx, dtype=bool)
            placed[s.forced] = True
            served = np.zeros(s.n, dtype=bool)
            u_on = part[s.pc.u] > 0.5
            served[s.pc.pair_parcel[u_on]] = True
            cols = np.flatnonzero(part[:nx] > 0.5)
            part[cols[~placed[cols] & ~served[model.var_parcel[cols]]]] = 0.0
        # flow columns ([projects] contiguity = "flow") set for the sites: each grown in one
        # piece, so every site gets its flow and no project is dropped here
        part = s.pc.with_flow(part)[0]
        y = greedy_start(model, start=part)
        if y is not None:
            if len(keep) < len(landed):
                log.info("%s: %d of %d sites kept so that the targets can be met", what, len(keep), len(landed))
            return y
        if not keep:
            return None
        keep = keep[: len(keep) // 2]


def project_start(model: CompiledModel) -> np.ndarray | None:
    """A feasible plan that lands key projects, or the plain greedy start when it lands none.

    See the module docstring. Returns ``None`` only when no start is found at all (as
    :func:`landopt.heuristic.greedy_start`).
    """
    pc = getattr(model, "projects", None)
    plain = greedy_start(model)
    if pc is None or model.is_programme or not len(pc.projects):
        return plain
    t0 = time.perf_counter()
    s = _Sites(model)
    best, best_obj, best_n = plain, (np.inf if plain is None else float(s.sc @ plain)), 0
    for paying_only in (False, True):
        what = "project start (%s)" % ("paying sites" if paying_only else "every site that fits")
        x, _, landed = _place(s, paying_only)
        if not landed:
            continue
        y = _filled(s, x, landed, what)
        if y is None:
            log.info("%s: the targets cannot be filled around the sites", what)
            continue
        if not is_feasible(model, y):
            log_broken(model, y, what)
            continue
        n = int((y[pc.w] > 0.5).sum())
        value = float(s.sc @ y)
        log.info("%s: %d of %d projects landed, objective %.1f", what, n, len(pc.projects), value)
        if value < best_obj - 1e-9:
            best, best_obj, best_n = y, value, n
    log.info(
        "project start: %d of %d projects landed in the start, %.1f s",
        best_n,
        len(pc.projects),
        time.perf_counter() - t0,
    )
    return best

