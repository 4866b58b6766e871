"""Brute force over every assignment, for checking the optimizer on small cases.

Written from the scenario's own words (targets, budgets, locks, objective terms, zones,
the boundary penalty), not from the compiled model, so it checks compilation and solving
together. Zones and the boundary penalty are worked out on a regular grid of equal
squares from the squares' corners alone (no landopt.adjacency, no landopt.zones):

* an exclusion zone ``around_landuse`` with ``buffer_m`` = r, 12 m <= r < one side,
  covers more than 1 % of every square that shares an edge (r / side) or only a corner
  (a quarter disc, pi r² / 4 > 1 % of a 100 m square from 11.3 m) with a source square,
  nothing of the squares farther away, and never counts the source squares themselves;
* a priority zone read from a layer (``path``) made of whole grid squares holds exactly
  the squares whose centre lies in it;
* the exposed boundary of the chosen squares is 4 sides each, less 2 sides for every
  edge two chosen squares share, less 1 side for every edge a chosen square shares with
  a square of an inner status (never a candidate on these grids).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from landopt.scenario import Scenario, eligibility


def grid_cells(parcels: pd.DataFrame) -> tuple[np.ndarray, float]:
    """Column and row of each square of a regular grid, and the side (m), from the bounds."""
    b = np.asarray(parcels.geometry.bounds)
    side = float(b[0, 2] - b[0, 0])
    col = np.rint((b[:, 0] - b[:, 0].min()) / side).astype(int)
    row = np.rint((b[:, 1] - b[:, 1].min()) / side).astype(int)
    return np.stack([col, row], axis=1), side


def _zone_masks(scenario: Scenario, parcels: pd.DataFrame) -> tuple[dict, dict]:
    """Parcels an exclusion zone touches, parcels in a priority zone (by zone name)."""
    import geopandas as gpd
    import shapely

    cells, side = grid_cells(parcels)
    touched, inside = {}, {}
    for z in scenario.spatial.zones:
        if z.kind == "exclude":
            assert z.around_landuse and 12 <= z.buffer_m < side, "not worked out by hand"
            src = parcels["landuse_code"].astype(str).isin(z.around_landuse).to_numpy()
            cheb = np.abs(cells[:, None, :] - cells[None, src, :]).max(axis=2)
            touched[z.name] = ~src & (cheb == 1).any(axis=1)
        else:
            assert z.path is not None, "priority zones here are layers of whole squares"
            poly = shapely.union_all(gpd.read_file(z.path).to_crs(parcels.crs).geometry)
            centres = shapely.points(np.asarray(parcels.geometry.bounds)[:, :2] + side / 2)
            inside[z.name] = shapely.contains(poly, centres)
    return touched, inside


def exposed_boundary_m(
    chosen: np.ndarray, inner: np.ndarray, cells: np.ndarray, side: float
) -> float:
    """Exposed boundary (m) of the chosen squares: shared edges between chosen squares and
    edges against inner land do not count."""
    total = 4 * side * int(chosen.sum())
    pos = {tuple(c): k for k, c in enumerate(cells.tolist())}
    for k in np.flatnonzero(chosen):
        x, y = cells[k]
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            q = pos.get((x + dx, y + dy))
            if q is None:
                continue
            if chosen[q]:
                total -= side  # once from each end: 2 sides in all
            elif inner[q]:
                total -= side
    return float(total)


def brute_force(scenario: Scenario, parcels: pd.DataFrame) -> tuple[float | None, list[str] | None]:
    """The optimal objective and one optimal assignment (``(None, None)`` when infeasible)."""
    names = scenario.action_names
    sp = scenario.spatial
    elig = eligibility(scenario, parcels).copy()
    touched, inside = _zone_masks(scenario, parcels) if sp.zones else ({}, {})
    for z in sp.zones:
        if z.kind == "exclude":
            for a in z.actions or names:
                elig[a] &= ~touched[z.name]
    ids = parcels["parcel_id"].astype(str).tolist()
    area = parcels["area_mu"].to_numpy(float)
    lock_in = dict(scenario.locks.include)
    lock_out = {p: (set(names) if a is None else set(a)) for p, a in scenario.locks.exclude}
    options = []
    for i, pid in enumerate(ids):
        opts = ["none"] + [a for a in names if elig.at[parcels.index[i], a]]
        opts = [a for a in opts if a not in lock_out.get(pid, set())]
        if pid in lock_in:
            opts = [a for a in opts if a == lock_in[pid]]
        options.append(opts)
    col = {
        c: pd.to_numeric(parcels[c], errors="coerce").fillna(0).to_numpy(float)
        for c in parcels.columns
        if c not in ("parcel_id", "status", "muyi_class", "geometry", "landuse_code")
    }
    obj = scenario.objective
    sign = 1.0 if obj.sense == "minimize" else -1.0
    if sp.active:
        cells, side = grid_cells(parcels)
        S = set(sp.boundary_actions or names)
        cand = elig[[a for a in names if a in S]].to_numpy().any(axis=1)
        inner = parcels["status"].astype(str).isin(sp.inner_status).to_numpy()
        assert not (inner & cand).any(), "inner land is never a candidate on these grids"
    best, best_assign = None, None
    for combo in itertools.product(*options):
        value = 0.0
        total_cost = 0.0
        ok = True
        for a in scenario.actions:
            on = np.array([c == a.name for c in combo])
            n, mu = int(on.sum()), float(area[on].sum())
            cost = float(col[a.cost][on].sum())
            total_cost += cost
            t = a.targets
            if (t.count_min is not None and n < t.count_min) or (
                t.count_max is not None and n > t.count_max
            ):
                ok = False
                break
            if (t.area_min is not None and mu < t.area_min - 1e-9) or (
                t.area_max is not None and mu > t.area_max + 1e-9
            ):
                ok = False
                break
            if a.budget is not None and cost > a.budget + 1e-9:
                ok = False
                break
            for z in sp.zones:
                if z.kind != "priority" or (z.actions and a.name not in z.actions):
                    continue
                mu_in = float(area[on & inside[z.name]].sum())
                value -= sign * z.bonus_wan_per_mu * mu_in  # a bonus, whatever the sense
                if z.min_share is not None and mu_in < z.min_share * mu - 1e-9:
                    ok = False
                    break
            if not ok:
                break
            for of, w in obj.terms:
                c = a.cost if of == "cost" else a.benefit if of == "benefit" else of
                value += w * float(col[c][on].sum())
            if obj.difficulty_weight:
                value += sign * obj.difficulty_weight * float(col["difficulty"][on].sum())
        if not ok or (
            scenario.budget_total is not None and total_cost > scenario.budget_total + 1e-9
        ):
            continue
        if sp.active:
            chosen = np.array([c in S for c in combo])
            value += (
                sign * sp.boundary_weight / 1000 * exposed_boundary_m(chosen, inner, cells, side)
            )
        if best is None or sign * value < sign * best - 1e-9:
            best, best_assign = value, list(combo)
    return best, best_assign
