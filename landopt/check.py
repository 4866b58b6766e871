"""The independent re-check of a plan: every rule recomputed from the plan's own parcels.

:func:`check_plan` starts from the parcels and their ``action`` column (and, when the
solver's vector ``x`` is given, from ``x`` itself) and recomputes everything the plan must
satisfy without the model's arrays: the scenario's eligibility rules are evaluated afresh
on the parcel attributes by :func:`evaluate_rule` (its own evaluator, not
:meth:`landopt.scenario.Rule.evaluate`), zone membership is measured on the geometry,
touching and blocks come from shapely predicates on the geometry (not from
:mod:`landopt.adjacency` or its cache), and the objective is summed from the columns.

Geometry rules used here, matching the definitions in :mod:`landopt.zones` and
:mod:`landopt.adjacency`:

- a parcel is *in* a zone when at least :data:`~landopt.zones.IN_ZONE_SHARE` of its area
  lies inside; an exclusion zone applies when more than
  :data:`~landopt.zones.TOUCH_ZONE_SHARE` does;
- two parcels are *neighbours* when they share boundary: their contact, measured as the
  boundary of each within ``tolerance_m`` of the other less the ``2 × tolerance_m`` a
  contact picks up at its two ends, is longer than half the tolerance (so parcels that
  meet at a corner are not neighbours, as in :mod:`landopt.adjacency`);
- a *block* is a connected group (through neighbours) of plots chosen for the boundary
  actions together with the land of an inner status that is no candidate for them.

Each :class:`Check` passes, fails, or is *undecided* (``decided=False``, never ``ok``):
what cannot be re-derived (a column the plan no longer has, an objective on a layer
whose gaps and overlaps keep the exposed boundary from being measured exactly) is said
to be so rather than passed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

from landopt import i18n
from landopt.scenario import Condition, Rule, Scenario, Zone
from landopt.zones import IN_ZONE_SHARE, TOUCH_ZONE_SHARE, zone_polygons

__all__ = ["Check", "Contacts", "check_plan", "evaluate_rule", "failed_checks", "plan_blocks"]

log = logging.getLogger(__name__)

NONE = "none"


@dataclass(frozen=True)
class Check:
    """One re-check of the plan against the scenario.

    ``ok`` is True only for a check that passed; an undecided check (``decided=False``)
    has ``ok=False`` and says in ``detail`` why it could not be decided.
    """

    name: str
    ok: bool
    detail: str
    kind: str = "rule"  # "target" checks may fail in a shortfall plan; others never
    decided: bool = True

    @property
    def state(self) -> str:
        """``"passed"``, ``"failed"`` or ``"undecided"``."""
        return "passed" if self.ok else "failed" if self.decided else "undecided"


def failed_checks(checks: Iterable[Check], *, shortfall: bool = False) -> list[Check]:
    """The checks that were decided and failed (target checks excused in a shortfall plan)."""
    return [c for c in checks if c.decided and not c.ok and not (shortfall and c.kind == "target")]


def _undecided(name: str, why: str, kind: str = "rule", *, lang: str | None = "en") -> Check:
    return Check(name, False, i18n.t("diagnose.check.undecided", lang, why=why), kind, decided=False)


# --------------------------------------------------------------------------- rules
def evaluate_rule(rule: Rule, df: pd.DataFrame) -> np.ndarray:
    """Which rows of ``df`` a rule admits, evaluated value by value.

    Semantics (as documented for the scenario's rules): ``eq``/``in`` match a value
    whether codes are stored as text or numbers (a number column matches the values that
    read as numbers, a text column the values' text, a boolean column only booleans) and
    never match an empty cell; ``ne``/``not_in`` are their negation (so they admit empty
    cells); comparisons read the cell as a number and fail on empty or non-numeric
    cells; ``is_null``/``not_null`` test for empty cells.

    Raises
    ------
    KeyError
        A field the rule reads is not a column of ``df``.
    """
    n = len(df)
    if rule.kind == "true":
        return np.ones(n, dtype=bool)
    if rule.kind == "leaf":
        assert rule.condition is not None
        return _evaluate_condition(rule.condition, df[rule.condition.field])
    if rule.kind == "not":
        return ~evaluate_rule(rule.children[0], df)
    out = np.full(n, rule.kind == "all", dtype=bool)
    for child in rule.children:
        m = evaluate_rule(child, df)
        out = (out & m) if rule.kind == "all" else (out | m)
    return out


def _evaluate_condition(cond: Condition, col: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    if pd.api.types.is_bool_dtype(col):
        kind = "bool"
    elif pd.api.types.is_numeric_dtype(col):
        kind = "number"
    else:
        kind = "text"
    verdict = np.array([_test_value(cond, v, kind) for v in uniques], dtype=bool)
    on_null = cond.op in ("is_null", "ne", "not_in")
    out = np.full(len(col), on_null, dtype=bool)
    known = codes >= 0
    out[known] = verdict[codes[known]]
    return out


def _as_number(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f


def _same(v: Any, r: Any, kind: str) -> bool:
    if kind == "bool":
        return isinstance(r, bool | np.bool_) and bool(v) == bool(r)
    if kind == "number":
        if isinstance(r, bool | np.bool_):
            return False
        f = _as_number(r)
        return f is not None and float(v) == f
    return str(v) == str(r)


def _test_value(cond: Condition, v: Any, kind: str) -> bool:
    """The condition on one non-empty value."""
    op = cond.op
    if op == "is_null":
        return False
    if op == "not_null":
        return True
    if op in ("eq", "ne"):
        hit = _same(v, cond.value, kind)
        return hit if op == "eq" else not hit
    if op in ("in", "not_in"):
        hit = any(_same(v, r, kind) for r in cond.value)
        return hit if op == "in" else not hit
    f = _as_number(v)
    if f is None:
        return False
    return {
        "lt": f < cond.value,
        "le": f <= cond.value,
        "gt": f > cond.value,
        "ge": f >= cond.value,
    }[op]


# --------------------------------------------------------------------------- geometry
def _geoms(parcels: pd.DataFrame) -> np.ndarray:
    geom = getattr(parcels, "geometry", None)
    if geom is None:
        raise ValueError("the parcels have no geometry")
    return np.asarray(geom.to_numpy() if hasattr(geom, "to_numpy") else geom, dtype=object)


class Contacts:
    """Neighbours among some parcels (``others``), found from the geometry.

    Candidates come from an STRtree query within ``tolerance``; a pair is kept when the
    contact (the mean of each boundary's length within ``tolerance`` of the other polygon,
    less ``2 × tolerance`` for the ends) exceeds half the tolerance. Buffers and
    boundaries are made once per parcel, when first needed.
    """

    def __init__(self, geoms: np.ndarray, others: np.ndarray, tolerance: float) -> None:
        self.geoms = geoms
        self.others = np.asarray(others, dtype=np.int64)
        self.tolerance = float(tolerance)
        self.tree = shapely.STRtree(geoms[self.others]) if len(self.others) else None
        self._near = np.empty(len(geoms), dtype=object)
        self._edge = np.empty(len(geoms), dtype=object)
        self.borderline = False

    def _prepare(self, idx: np.ndarray) -> None:
        todo = np.unique(idx)
        todo = todo[pd.isna(self._edge[todo])]
        if not len(todo):
            return
        g = self.geoms[todo]
        self._edge[todo] = shapely.boundary(g)
        self._near[todo] = (
            shapely.buffer(g, self.tolerance, quad_segs=4) if self.tolerance > 0 else g
        )

    def pairs(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs ``(p, q)`` of parcel rows, ``p`` in ``rows``, ``q`` in ``others``, ``p != q``, that share boundary."""
        rows = np.asarray(rows, dtype=np.int64)
        empty = np.zeros(0, np.int64)
        if not len(rows) or self.tree is None:
            return empty, empty
        a, b = self.tree.query(self.geoms[rows], predicate="dwithin", distance=self.tolerance)
        p, q = rows[a], self.others[b]
        keep = p != q
        p, q = p[keep], q[keep]
        if not len(p):
            return p, q
        self._prepare(np.concatenate([p, q]))
        lp = shapely.length(shapely.intersection(self._edge[p], self._near[q]))
        lq = shapely.length(shapely.intersection(self._edge[q], self._near[p]))
        contact = (lp + lq) / 2.0 - 2.0 * self.tolerance
        keep = contact > max(0.5 * self.tolerance, 1e-9)
        tol = self.tolerance
        #: contacts about as short as the tolerance, which the model may count either way
        self.borderline = bool(np.any((contact > 0.25 * tol) & (contact <= 2.0 * tol)))
        return p[keep], q[keep]


def _zone_share(
    zone: Zone, scenario: Scenario, parcels: pd.DataFrame, rows: np.ndarray
) -> np.ndarray:
    """Share of the area of each parcel in ``rows`` inside the zone, from the geometry."""
    geoms = _geoms(parcels)
    sub = geoms[rows]
    share = np.zeros(len(rows))
    if not len(rows):
        return share
    if zone.around_landuse:
        codes = {str(c) for c in zone.around_landuse}
        is_src = parcels["landuse_code"].astype(str).isin(codes).to_numpy()
        src = np.flatnonzero(is_src)
        if not len(src):
            return share
        tree = shapely.STRtree(geoms[src])
        _, hit = tree.query(sub, predicate="dwithin", distance=zone.buffer_m)
        near = src[np.unique(hit)]
        if not len(near):
            return share
        poly = shapely.union_all(shapely.buffer(geoms[near], zone.buffer_m))
        own = is_src[rows]  # the source parcels are not in their own buffer zone
    else:
        poly = zone_polygons(zone, parcels, scenario)  # the zone's outline, read as given
        own = np.zeros(len(rows), dtype=bool)
    if poly.is_empty:
        return share
    shapely.prepare(poly)
    hit = np.flatnonzero(shapely.intersects(poly, sub) & ~own)
    if not len(hit):
        return share
    area = shapely.area(sub[hit])
    inside = shapely.area(shapely.intersection(sub[hit], poly))
    share[hit] = np.divide(inside, area, out=np.zeros(len(hit)), where=area > 0)
    return share


# --------------------------------------------------------------------------- eligibility
class _Eligibility:
    """Eligibility recomputed for some parcel rows: rules, exclusion zones, touching."""

    def __init__(self, scenario: Scenario, parcels: pd.DataFrame) -> None:
        self.scenario = scenario
        self.parcels = parcels
        self.problems: list[str] = []
        self._zone_cache: dict[tuple[str, bytes], np.ndarray] = {}

    def zone_share(self, zone: Zone, rows: np.ndarray) -> np.ndarray:
        key = (repr(zone), np.asarray(rows, dtype=np.int64).tobytes())
        if key not in self._zone_cache:
            self._zone_cache[key] = _zone_share(zone, self.scenario, self.parcels, rows)
        return self._zone_cache[key]

    def of(self, action: str, rows: np.ndarray) -> np.ndarray:
        """Whether each parcel in ``rows`` is eligible for ``action``."""
        sc, parcels = self.scenario, self.parcels
        rows = np.asarray(rows, dtype=np.int64)
        a = sc.action(action)
        try:
            ok = evaluate_rule(a.eligible, parcels.iloc[rows])
        except KeyError as exc:
            from landopt.rules.targets import who

            self.problems.append(
                i18n.t("diagnose.check.rule_column", sc.lang, col=exc, action=who(a, sc.lang))
            )
            return np.ones(len(rows), dtype=bool)
        sp_ = sc.spatial
        if not (sp_.zones or sp_.touch) or not len(rows):
            return ok
        for z in sp_.zones:
            if z.kind == "exclude" and action in (z.actions or sc.action_names):
                ok &= ~(self.zone_share(z, rows) > TOUCH_ZONE_SHARE)
        for name, targets in sp_.touch:
            if name != action:
                continue
            hit = np.zeros(len(rows), dtype=bool)
            for t in targets:
                hit |= self.touches(t, rows)
            ok &= hit
        return ok

    def touches(self, target: str, rows: np.ndarray) -> np.ndarray:
        sc, parcels = self.scenario, self.parcels
        if target == "cleared":
            inner = np.flatnonzero(
                parcels["status"].astype(str).isin(sc.spatial.inner_status).to_numpy()
            )
            p, _ = Contacts(_geoms(parcels), inner, sc.spatial.tolerance_m).pairs(rows)
            return np.isin(rows, p)
        kind, _, name = target.partition(":")
        if kind == "zone":
            zone = next((z for z in sc.spatial.zones if z.name == name), None)
            if zone is None:
                self.problems.append(
                    i18n.t("diagnose.check.touch_no_zone", sc.lang, target=repr(target))
                )
                return np.ones(len(rows), dtype=bool)
        elif kind == "park":
            zone = Zone(name=target, kind="priority", park=name)
        else:
            self.problems.append(
                i18n.t("diagnose.check.touch_unknown", sc.lang, target=repr(target))
            )
            return np.ones(len(rows), dtype=bool)
        return self.zone_share(zone, rows) >= IN_ZONE_SHARE


# --------------------------------------------------------------------------- the check
def _ids_detail(ids: Iterable[str], what: str, lang: str | None = "en") -> str:
    ids = [str(i) for i in ids]
    head = i18n.t("cli.list_sep", lang).join(ids[:10])
    if len(ids) > 10:
        head = i18n.t("diagnose.check.ids_more", lang, head=head, n=f"{len(ids) - 10:,}")
    return i18n.t("diagnose.check.ids", lang, head=head, what=what)


def _x_checks(
    model: Any, x: np.ndarray, action: np.ndarray, ids: np.ndarray, names: Sequence[str]
) -> list[Check]:
    """One action per parcel, read from the solver's vector itself (not collapsed)."""
    out: list[Check] = []
    lg = model.scenario.lang if hasattr(model, "scenario") else "en"
    xv = np.asarray(x, dtype=float)[: model.n_x]
    frac = np.abs(xv - np.round(xv)) > 1e-6
    out.append(
        Check(
            "binary[x]",
            not frac.any(),
            i18n.t("diagnose.check.not_binary", lg, n=f"{int(frac.sum()):,}")
            if frac.any()
            else i18n.t("diagnose.check.binary", lg, n=f"{len(xv):,}"),
        )
    )
    on = xv > 0.5
    stage = getattr(model, "var_stage", None)
    if stage is not None:
        on &= np.asarray(stage) == 0  # a programme's second steps are checked by its component
    per = np.bincount(model.var_parcel[on], minlength=len(ids))
    two = per > 1
    out.append(
        Check(
            "one_action",
            not two.any(),
            _ids_detail(ids[two], i18n.t("diagnose.check.two_actions", lg), lg)
            if two.any()
            else i18n.t("diagnose.check.one_action", lg),
        )
    )
    want = np.full(len(ids), NONE, dtype=object)
    one = on & (per[model.var_parcel] == 1)
    want[model.var_parcel[one]] = np.asarray(names, dtype=object)[model.var_action[one]]
    differ = (want != action) & ~two
    out.append(
        Check(
            "actions match x",
            not differ.any(),
            _ids_detail(ids[differ], i18n.t("diagnose.check.differs", lg), lg)
            if differ.any()
            else i18n.t("diagnose.check.matches", lg),
        )
    )
    return out


def check_plan(
    scenario: Scenario,
    parcels: pd.DataFrame,
    *,
    objective: float | None = None,
    x: np.ndarray | None = None,
    model: Any = None,
    done: Any = None,
) -> list[Check]:
    """Re-check a plan from its own parcels, independently of the model.

    Every registered rule component (:mod:`landopt.rules`) checks its rule through one
    :class:`~landopt.rules.base.CheckContext` built here from the plan's parcels; the
    objective recomputed from their parts must match the solver's.

    Parameters
    ----------
    scenario
        The scenario the plan answers.
    parcels
        The plan's parcels: the layer with an ``action`` column (an action name or
        ``"none"``); a GeoDataFrame when the scenario has zones, touching rules, a
        boundary weight or a minimum block size.
    objective
        The solver's objective value; the objective recomputed from the columns must
        match it (the check is undecided when it is not given).
    x, model
        The solver's vector and the model it solves (only its column labels
        ``var_parcel``, ``var_action`` and ``n_x`` are read): when given, "one action per
        plot" is checked in ``x`` itself, and the ``action`` column must agree with it.
    done
        A programme's record of steps done before it (a rolling re-plan; by default the
        one the model was prepared with): steps still under way count in the yearly
        budgets and benefit targets.

    Returns
    -------
    list of Check
        Actions known, one action per plot, then each component's checks (eligibility,
        targets, budgets, locks, zone shares, minimum block size, …) and the objective.
    """
    from landopt.rules import active_components
    from landopt.rules.base import CheckContext

    lg = scenario.lang
    ctx = CheckContext(scenario, parcels, _Eligibility(scenario, parcels))
    ctx.x, ctx.model = x, model
    ctx.done = done if done is not None else getattr(getattr(model, "prepared", None), "done", None)
    comps = active_components(scenario)
    # actions known and one action per plot come first, and need no geometry
    first = [c for c in comps if c.name == "one_action"]
    checks: list[Check] = [ch for c in first for ch in c.check(ctx)]
    sp_ = scenario.spatial
    needs_geometry = bool(sp_.zones or sp_.touch or sp_.active or sp_.min_block_mu)
    if needs_geometry:
        try:
            _geoms(parcels)
        except ValueError:
            return [
                *checks,
                _undecided("geometry", i18n.t("diagnose.check.no_geometry", lg), lang=lg),
            ]
    for c in comps:
        if c.name != "one_action":
            checks += c.check(ctx)

    if objective is None:
        checks.append(_undecided("objective", i18n.t("diagnose.check.no_objective", lg), lang=lg))
    elif ctx.missing:
        checks.append(
            _undecided(
                "objective",
                i18n.t(
                    "diagnose.check.objective_columns",
                    lg,
                    cols=i18n.t("cli.list_sep", lg).join(sorted(set(ctx.missing))),
                ),
                lang=lg,
            )
        )
    else:
        tol = 1e-6 * max(1.0, abs(objective))
        ok = abs(ctx.objective - objective) <= tol
        detail = i18n.t(
            "diagnose.check.objective", lg, got=f"{ctx.objective:,.4f}", solver=f"{objective:,.4f}"
        )
        if ok or not ctx.inexact:
            checks.append(Check("objective", ok, detail))
        else:
            checks.append(_undecided("objective", f"{detail}; {ctx.inexact[0]}", lang=lg))
    return checks


def plan_blocks(ctx: Any) -> dict[str, Any]:
    """The blocks and exposed boundary of a plan (computed once per check, from the geometry)."""
    if "blocks" not in ctx.cache:
        ctx.cache["blocks"] = _blocks(ctx.scenario, ctx.parcels, ctx.action, ctx.area, ctx.elig)
    return ctx.cache["blocks"]


def _blocks(
    scenario: Scenario,
    parcels: pd.DataFrame,
    action: np.ndarray,
    area: np.ndarray,
    elig: _Eligibility,
) -> dict[str, Any]:
    """Blocks and exposed boundary of the plots chosen for the boundary actions, from the geometry."""
    sp_ = scenario.spatial
    geoms = _geoms(parcels)
    S = [
        a.name
        for a in scenario.actions
        if not sp_.boundary_actions or a.name in sp_.boundary_actions
    ]
    chosen = np.isin(action, S)
    status_inner = parcels["status"].astype(str).isin(sp_.inner_status).to_numpy() & ~chosen
    inner_rows = np.flatnonzero(status_inner)
    cand = np.zeros(len(inner_rows), dtype=bool)
    for name in S:
        cand |= elig.of(name, inner_rows)
    inner = np.zeros(len(parcels), dtype=bool)
    inner[inner_rows[~cand]] = True
    # grow the blocks from the chosen plots through their neighbours (chosen or inner)
    contacts = Contacts(geoms, np.flatnonzero(chosen | inner), sp_.tolerance_m)
    first_p, first_q = contacts.pairs(np.flatnonzero(chosen))
    borderline = contacts.borderline
    seen = chosen.copy()
    ps, qs = [first_p], [first_q]
    frontier = np.unique(first_q[~seen[first_q]])
    while len(frontier):
        seen[frontier] = True
        fp, fq = contacts.pairs(frontier)
        ps.append(fp)
        qs.append(fq)
        frontier = np.unique(fq[~seen[fq]])
    p, q = np.concatenate(ps), np.concatenate(qs)
    n = len(parcels)
    graph = sp.coo_matrix((np.ones(len(p)), (p, q)), shape=(n, n)).tocsr()
    _, label = sp.csgraph.connected_components(graph, directed=False)
    in_block = chosen | inner
    block_ids = np.unique(label[chosen])
    mu = pd.Series(area[in_block]).groupby(label[in_block]).sum()
    sizes = mu.reindex(block_ids).to_numpy(float) if len(block_ids) else np.zeros(0)
    m = sp_.min_block_mu or 0.0
    ids = parcels["parcel_id"].astype(str).to_numpy()
    too_small = sizes < m - 1e-6
    order = np.argsort(sizes[too_small], kind="stable")
    small = [(float(sizes[too_small][k]), block_ids[too_small][k]) for k in order]
    if small:  # name the plots of the smallest block only
        small[0] = (small[0][0], list(ids[chosen & (label == small[0][1])]))
    out: dict[str, Any] = {
        "blocks": len(block_ids),
        "smallest_mu": float(sizes.min()) if len(sizes) else 0.0,
        "small": small,
        "exposed_km": 0.0,
        "exact": True,
        "why_inexact": "",
    }
    if sp_.active and chosen.any():
        union = shapely.union_all(geoms[chosen])
        edge = shapely.boundary(union)
        exposed = float(shapely.length(edge))
        touching_inner = np.unique(first_q[inner[first_q]])
        if len(touching_inner):
            inner_edge = shapely.boundary(shapely.union_all(geoms[touching_inner]))
            exposed -= float(shapely.length(shapely.intersection(edge, inner_edge)))
        out["exposed_km"] = exposed / 1000.0
        near = np.unique(np.concatenate([np.flatnonzero(chosen), first_q]))
        valid = getattr(shapely, "coverage_is_valid", None)  # shapely >= 2.1
        if borderline:
            out["exact"] = False
            out["why_inexact"] = (
                "some chosen plots share a boundary about as short as the tolerance, which "
                "counts as contact or not depending on how it is measured"
            )
        elif valid is None or not bool(valid(geoms[near])):
            out["exact"] = False
            out["why_inexact"] = (
                "the chosen plots and their neighbours have gaps, overlaps or unmatched "
                "vertices, so the exposed boundary cannot be measured exactly from the geometry"
            )
    return out
