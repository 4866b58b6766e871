"""Scenarios: what a planner asks for, read from TOML and checked before any solving.

A scenario names its parcel layer, the actions (each with an eligibility rule, the
cost column it spends, its targets and an optional budget), the objective, a total
budget, locks and solver options. Scenario objects are frozen: every change returns a
modified copy (:meth:`Scenario.with_value`), so a base scenario can branch into
variants without aliasing bugs.

Eligibility rules are structured conditions, evaluated on columns with pandas
(never with ``eval`` or ``DataFrame.query``)::

    eligible = { all = [
        { field = "status", in = ["inefficient", "idle"] },
        { field = "encumbrance", not_in = ["seized"] },
        { any = [ { field = "muyi_class", in = ["C", "D"] }, { field = "idle_years", ge = 2 } ] },
    ] }

Operators: ``eq``, ``ne``, ``lt``, ``le``, ``gt``, ``ge``, ``in``, ``not_in``, ``is_null``,
``not_null``; combinators ``all``, ``any`` and ``not``. A missing value fails every
test except ``ne``, ``not_in`` and ``is_null`` (an empty ``encumbrance`` is "not seized").

Rules may use the planner's own column names and status spellings: a field named in
``[parcels] columns`` (``状态`` when ``columns = {状态 = "status"}``) is read as the
landopt field it maps to, and a ``status`` value is mapped like the layer's (``低效`` →
``inefficient``, plus ``[parcels] status_values``).

Values checked against the data: a value of ``eq``, ``ne``, ``in`` or ``not_in`` that no
parcel has is an error (``not_in = ["已查封"]`` where the layer says ``查封`` would exclude
nothing), reported with the nearest values that do occur. When a value is expected to be
absent, say so on the rule, ``{ field = "encumbrance", not_in = ["查封"], absent_ok = true }``
(or ``absent_ok = ["查封"]`` for some of the values only), or for the whole scenario with
``[checks] absent_values = "allow"`` (``"warn"`` logs a warning instead; ``"error"`` is the
default). Numbers compare as numbers (``3`` matches ``3.0``).
"""

from __future__ import annotations

import copy
import difflib
import logging
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import InitVar, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from landopt.errors import Problem, ScenarioError
from landopt.i18n import add_messages

if TYPE_CHECKING:  # at run time through __getattr__ below: scenario_data imports this module
    from landopt.scenario_data import check_scenario_against

__all__ = [
    "Action",
    "Checks",
    "Cluster",
    "Condition",
    "Locks",
    "MapInfo",
    "Objective",
    "ParcelSource",
    "Rule",
    "Scenario",
    "SolverOptions",
    "Spatial",
    "StoreInfo",
    "Targets",
    "Zone",
    "check_scenario_against",
    "describe_rule",
    "eligibility",
    "load_scenario",
    "planner_names",
    "scenario_from_dict",
]

log = logging.getLogger(__name__)

COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge")
SET_OPS = ("in", "not_in")
NULL_OPS = ("is_null", "not_null")
OPERATORS = COMPARISONS + SET_OPS + NULL_OPS
BACKENDS = ("highs", "highs-pulp", "cbc")
#: Scenario numbers beyond this magnitude are refused (a count of 1e20 overflows the solver).
MAX_SCENARIO_NUMBER = 1e12
#: Objective term weights beyond this magnitude are refused (they swamp every other term).
MAX_WEIGHT = 1e6
ABSENT_POLICIES = ("error", "warn", "allow")


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class Condition:
    """One test on one field, e.g. ``status in [idle]`` or ``idle_years ge 2``.

    ``absent_ok`` says which of the values may be missing from the data without an error
    (``True``: all of them; a tuple: those); see :func:`check_scenario_against`.
    """

    field: str
    op: str
    value: Any = None
    absent_ok: bool | tuple[Any, ...] = False

    def evaluate(self, df: pd.DataFrame) -> np.ndarray:
        """Boolean mask of the rows that pass."""
        col = df[self.field]
        null = col.isna().to_numpy()
        if self.op == "is_null":
            return null
        if self.op == "not_null":
            return ~null
        if self.op in SET_OPS or self.op in ("eq", "ne"):
            values = list(self.value) if self.op in SET_OPS else [self.value]
            hit = _matches(col, values) & ~null
            return hit if self.op in ("in", "eq") else ~hit
        num = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            out = {
                "lt": num < self.value,
                "le": num <= self.value,
                "gt": num > self.value,
                "ge": num >= self.value,
            }[self.op]
        return out & ~np.isnan(num)

    def describe(
        self,
        lang: str | None = None,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Mapping[Any, Any]] | None = None,
    ) -> str:
        """The condition in words, for messages and reports.

        Parameters
        ----------
        lang
            ``"zh"`` for Chinese connectives (``状态 属于 [低效]``); ``None``: :func:`landopt.i18n.resolve_lang` (the run, ``LANDOPT_LANG``, the locale).
        names
            landopt field → the name to show (the planner's column, ``status`` → ``状态``).
        values
            landopt field → {value → the value to show} (``inefficient`` → ``低效``).
        """
        from landopt.i18n import resolve_lang, t

        lg = resolve_lang(lang)
        fld = (names or {}).get(self.field, self.field)
        shown = (values or {}).get(self.field, {})

        def v(x: Any) -> str:
            return str(shown.get(x, x)) if isinstance(x, str) else str(x)

        sym = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
        if self.op in sym:
            return t("columns.rule.compare", lg, field=fld, op=sym[self.op], value=v(self.value))
        if self.op in SET_OPS:
            key = "columns.rule.in" if self.op == "in" else "columns.rule.not_in"
            return t(key, lg, field=fld, values=", ".join(map(v, self.value)))
        return t(f"columns.rule.{self.op}", lg, field=fld)


@dataclass(frozen=True)
class Rule:
    """A tree of conditions: ``all``/``any`` of children, ``not`` of one, or a leaf."""

    kind: Literal["all", "any", "not", "leaf", "true"]
    children: tuple[Rule, ...] = ()
    condition: Condition | None = None

    def evaluate(self, df: pd.DataFrame) -> np.ndarray:
        """Boolean mask of the rows the rule admits."""
        n = len(df)
        if self.kind == "true":
            return np.ones(n, dtype=bool)
        if self.kind == "leaf":
            assert self.condition is not None
            return self.condition.evaluate(df)
        if self.kind == "not":
            return ~self.children[0].evaluate(df)
        masks = [c.evaluate(df) for c in self.children]
        if self.kind == "all":
            return np.logical_and.reduce(masks) if masks else np.ones(n, dtype=bool)
        return np.logical_or.reduce(masks) if masks else np.zeros(n, dtype=bool)

    def conditions(self) -> list[Condition]:
        """Every condition of the rule, depth first."""
        if self.kind == "leaf":
            assert self.condition is not None
            return [self.condition]
        return [c for child in self.children for c in child.conditions()]

    def fields(self) -> set[str]:
        """Every field the rule reads."""
        if self.kind == "leaf":
            assert self.condition is not None
            return {self.condition.field}
        out: set[str] = set()
        for c in self.children:
            out |= c.fields()
        return out

    def describe(
        self,
        lang: str | None = None,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Mapping[Any, Any]] | None = None,
    ) -> str:
        """The rule in words; ``lang``, ``names``, ``values`` as in :meth:`Condition.describe`.

        See :func:`describe_rule` for the planner's own names and values from a scenario.
        """
        from landopt.i18n import resolve_lang, t

        lg = resolve_lang(lang)
        if self.kind == "true":
            return t("columns.rule.every", lg)
        if self.kind == "leaf":
            assert self.condition is not None
            return self.condition.describe(lg, names=names, values=values)
        if self.kind == "not":
            inner = self.children[0].describe(lg, names=names, values=values)
            return t("columns.rule.not", lg, rule=inner)
        joiners = (t("columns.rule.and", lg), t("columns.rule.or", lg))
        joiner = joiners[0] if self.kind == "all" else joiners[1]
        parts = [c.describe(lg, names=names, values=values) for c in self.children]
        return joiner.join(p if not any(j in p for j in joiners) else f"({p})" for p in parts)

    def to_dict(self) -> dict[str, Any]:
        """The rule as it is written in TOML."""
        if self.kind == "true":
            return {}
        if self.kind == "leaf":
            assert self.condition is not None
            c = self.condition
            out = {"field": c.field, c.op: True if c.op in NULL_OPS else _plain(c.value)}
            if c.absent_ok:
                out["absent_ok"] = _plain(c.absent_ok)
            return out
        if self.kind == "not":
            return {"not": self.children[0].to_dict()}
        return {self.kind: [c.to_dict() for c in self.children]}


# --------------------------------------------------------------------------- parts
@dataclass(frozen=True)
class Targets:
    """An action's targets: plot count range and area range in mu (``None``: no bound)."""

    count_min: int | None = None
    count_max: int | None = None
    area_min: float | None = None
    area_max: float | None = None

    @property
    def count_exact(self) -> bool:
        """Whether the count is fixed to one number."""
        return self.count_min is not None and self.count_min == self.count_max

    def count_met(self, n: int) -> bool:
        """Whether ``n`` plots meet the count target (True when there is none)."""
        return (self.count_min is None or n >= self.count_min) and (
            self.count_max is None or n <= self.count_max
        )

    def area_min_met(self, mu: float, tol: float = 1e-6) -> bool:
        """Whether ``mu`` meets the minimum area (True when there is none)."""
        return self.area_min is None or mu >= self.area_min - tol

    def area_max_met(self, mu: float, tol: float = 1e-6) -> bool:
        """Whether ``mu`` stays within the maximum area (True when there is none)."""
        return self.area_max is None or mu <= self.area_max + tol

    def describe(self) -> str:
        """The targets in words, e.g. ``17 plots, ≥ 560 mu``."""
        parts = []
        if self.count_exact:
            parts.append(f"{self.count_min} plots")
        elif self.count_min is not None or self.count_max is not None:
            parts.append(_range_words(self.count_min, self.count_max, "plots", "{:g}"))
        if self.area_min is not None or self.area_max is not None:
            parts.append(_range_words(self.area_min, self.area_max, "mu", "{:,.1f}"))
        return ", ".join(parts) or "no targets"

    def to_dict(self) -> dict[str, Any]:
        """The targets as written in TOML."""
        out: dict[str, Any] = {}
        if self.count_exact:
            out["count"] = self.count_min
        else:
            if self.count_min is not None:
                out["count_min"] = self.count_min
            if self.count_max is not None:
                out["count_max"] = self.count_max
        if self.area_min is not None:
            out["area_min"] = self.area_min
        if self.area_max is not None:
            out["area_max"] = self.area_max
        return out


@dataclass(frozen=True)
class Action:
    """One kind of intervention a parcel can get (clear, revitalize, upgrade, …)."""

    name: str
    label: str
    eligible: Rule
    cost: str
    targets: Targets = Targets()
    benefit: str | None = None
    budget: float | None = None
    color: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The action as written in TOML."""
        out: dict[str, Any] = {"label": self.label, "cost": self.cost}
        if self.benefit:
            out["benefit"] = self.benefit
        if self.budget is not None:
            out["budget"] = self.budget
        if self.color:
            out["color"] = self.color
        out["eligible"] = self.eligible.to_dict()
        out["targets"] = self.targets.to_dict()
        return out


@dataclass(frozen=True)
class Objective:
    """What to optimise: a weighted sum of per-parcel terms.

    Each term is ``(of, weight)`` where ``of`` is ``"cost"`` (each action's own cost
    column), ``"benefit"`` (each action's benefit column) or the name of a parcel column
    (its value counts for a parcel whatever action it gets). ``difficulty_weight`` adds
    that many 万元 per point of ``difficulty`` to a minimisation (subtracts in a
    maximisation), steering plans away from hard negotiations.
    """

    sense: Literal["minimize", "maximize"] = "minimize"
    terms: tuple[tuple[str, float], ...] = (("cost", 1.0),)
    difficulty_weight: float = 0.0

    def describe(self) -> str:
        """The objective in words."""
        words = " + ".join(f"{w:g} × {of}" if w != 1 else of for of, w in self.terms)
        text = f"{self.sense} {words}"
        if self.difficulty_weight:
            text += f" ({'+' if self.sense == 'minimize' else '−'} {self.difficulty_weight:g} per difficulty point)"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The objective as written in TOML."""
        out: dict[str, Any] = {
            "sense": self.sense,
            "terms": [{"of": of, "weight": w} for of, w in self.terms],
        }
        if self.difficulty_weight:
            out["difficulty_weight"] = self.difficulty_weight
        return out


@dataclass(frozen=True)
class Locks:
    """Parcels forced into an action (``include``) or out of some or all (``exclude``).

    ``exclude`` maps a parcel id to the actions it may not get; ``None`` means all.
    """

    include: tuple[tuple[str, str], ...] = ()
    exclude: tuple[tuple[str, tuple[str, ...] | None], ...] = ()

    def __len__(self) -> int:
        return len(self.include) + len(self.exclude)

    def to_dict(self) -> dict[str, Any]:
        """The locks as written in TOML."""
        out: dict[str, Any] = {}
        if self.include:
            out["include"] = dict(self.include)
        if self.exclude:
            out["exclude"] = {p: ("all" if a is None else list(a)) for p, a in self.exclude}
        return out


@dataclass(frozen=True)
class SolverOptions:
    """Back-end and limits, and when to stop proving.

    The solver stops when the proven gap is at most ``gap`` (relative: 1e-4 = 0.01 %) or
    at most ``abs_gap`` (万元, in the objective's units), whichever is reached first, or at
    ``time_limit``. The defaults (0.01 % or 1 万元) stop where more proof is worth nothing
    to a plan; ``gap = 0`` with ``abs_gap = 0`` proves the optimum exactly (up to
    HiGHS's numerical floor of 1e-6).

    Options made in code (``SolverOptions(...)``, ``dataclasses.replace(opts, ...)``, the
    solver overrides of a run) are validated like a file's ``[solver]`` table: a wrong
    value raises :class:`~landopt.errors.ScenarioError`. ``checked`` skips that for
    options built from an already validated table.
    """

    backend: str = "highs"
    time_limit: float = 600.0
    gap: float = 1e-4
    abs_gap: float = 1.0
    threads: int | None = None
    presolve: Literal["auto", "on", "off"] = "auto"
    log: bool = False
    warm_start: Literal["auto", "on", "off"] = "auto"
    isolate: Literal["auto", "on", "off"] = "auto"
    windows: Literal["auto", "on", "off"] = "auto"
    relax_fix: Literal["auto", "on", "off"] = "auto"
    checked: InitVar[bool] = False

    def __post_init__(self, checked: bool) -> None:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if checked or all(values[f.name] == f.default for f in fields(self)):
            return  # the defaults are valid (and built while this module loads)
        from landopt.scenario_read import solver_from_table

        solver_from_table({k: v for k, v in values.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        """The options as written in TOML."""
        out: dict[str, Any] = {
            "backend": self.backend,
            "time_limit": self.time_limit,
            "gap": self.gap,
            "abs_gap": self.abs_gap,
            "presolve": self.presolve,
        }
        if self.threads is not None:
            out["threads"] = self.threads
        if self.log:
            out["log"] = True
        if self.warm_start != "auto":
            out["warm_start"] = self.warm_start
        if self.isolate != "auto":
            out["isolate"] = self.isolate
        if self.windows != "auto":
            out["windows"] = self.windows
        if self.relax_fix != "auto":
            out["relax_fix"] = self.relax_fix
        return out


@dataclass(frozen=True)
class Zone:
    """A zone where actions are forbidden (``exclude``) or favoured (``priority``).

    The polygons come from one of ``path`` (a layer), ``park`` (a park of the district
    outlines) or ``around_landuse`` + ``buffer_m`` (a buffer around parcels of those land
    uses); see :mod:`landopt.zones`.
    """

    name: str
    kind: Literal["exclude", "priority"]
    path: Path | None = None
    park: str | None = None
    around_landuse: tuple[str, ...] = ()
    buffer_m: float = 0.0
    actions: tuple[str, ...] = ()
    bonus_wan_per_mu: float = 0.0
    min_share: float | None = None

    def to_dict(self, base_dir: Path | None = None) -> dict[str, Any]:
        """The zone as written in TOML."""
        out: dict[str, Any] = {"name": self.name, "kind": self.kind}
        if self.path is not None:
            out["path"] = _relpath(self.path, base_dir) if base_dir else str(self.path)
        if self.park is not None:
            out["park"] = self.park
        if self.around_landuse:
            out["around_landuse"] = list(self.around_landuse)
            out["buffer_m"] = self.buffer_m
        if self.actions:
            out["actions"] = list(self.actions)
        if self.bonus_wan_per_mu:
            out["bonus_wan_per_mu"] = self.bonus_wan_per_mu
        if self.min_share is not None:
            out["min_share"] = self.min_share
        return out


@dataclass(frozen=True)
class Spatial:
    """Spatial preferences: a boundary-length (compactness) penalty.

    ``boundary_weight`` is Marxan's BLM in 万元 per km of exposed boundary of the plots
    chosen for ``boundary_actions`` (all actions when empty); edges against parcels whose
    status is in ``inner_status`` (land already cleared, by default) count as inner, so new
    clearance grows existing blocks. ``tolerance_m`` is the adjacency tolerance for gaps
    and overlaps between neighbours.
    """

    boundary_weight: float = 0.0
    boundary_actions: tuple[str, ...] = ()
    inner_status: tuple[str, ...] = ("cleared",)
    tolerance_m: float = 0.5
    zones: tuple[Zone, ...] = ()
    touch: tuple[tuple[str, tuple[str, ...]], ...] = ()
    district: Path | None = None
    min_block_mu: float | None = None

    @property
    def active(self) -> bool:
        """Whether the model needs adjacency at all."""
        return self.boundary_weight > 0

    def to_dict(self) -> dict[str, Any]:
        """The table as written in TOML."""
        out: dict[str, Any] = {"boundary_weight": self.boundary_weight}
        if self.boundary_actions:
            out["boundary_actions"] = list(self.boundary_actions)
        out["inner_status"] = list(self.inner_status)
        out["tolerance_m"] = self.tolerance_m
        if self.zones:
            out["zones"] = [z.to_dict() for z in self.zones]
        if self.touch:
            out["touch"] = {a: list(t) for a, t in self.touch}
        if self.district is not None:
            out["district"] = str(self.district)
        if self.min_block_mu is not None:
            out["min_block_mu"] = self.min_block_mu
        return out


@dataclass(frozen=True)
class ParcelSource:
    """Where the parcel layer is and how to read it (arguments of ``read_parcels``).

    A file (``path``) or a PostGIS database (``url`` with ``table`` or ``sql``); the URL
    may hold a password for the connection, but :meth:`to_dict` (what runs record) drops it.
    """

    path: Path | None
    layer: str | None = None
    encoding: str | None = None
    crs: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    status_values: tuple[tuple[str, str], ...] = ()
    ledger: Path | None = None
    ledger_key: str | None = None
    url: str | None = None
    table: str | None = None
    sql: str | None = None
    geometry_column: str | None = None

    @property
    def location(self) -> str | Path:
        """The first argument of :func:`landopt.parcels.read_parcels`: the URL or the path."""
        if self.url is not None:
            return self.url
        assert self.path is not None
        return self.path

    @property
    def folder(self) -> Path | None:
        """The folder of the layer's file (None for a database)."""
        return None if self.path is None else Path(self.path).parent

    def read_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`landopt.parcels.read_parcels`."""
        out: dict[str, Any] = {
            "layer": self.layer,
            "encoding": self.encoding,
            "crs": self.crs,
            "columns": dict(self.columns) or None,
            "status_values": dict(self.status_values) or None,
        }
        if self.ledger is not None:
            out["ledger"] = self.ledger
            out["ledger_key"] = self.ledger_key
        if self.url is not None:
            out["table"] = self.table
            out["sql"] = self.sql
            out["geometry_column"] = self.geometry_column
        return out

    def to_dict(self, base_dir: Path | None = None) -> dict[str, Any]:
        """The source as written in TOML (path relative to ``base_dir`` when possible; a
        URL without its password)."""
        out: dict[str, Any] = {}
        if self.url is not None:
            out["url"] = _without_password(self.url)
            for key in ("table", "sql", "geometry_column"):
                if getattr(self, key):
                    out[key] = getattr(self, key)
        else:
            assert self.path is not None
            path = self.path
            if base_dir is not None:
                try:
                    path = Path(_relpath(self.path, base_dir))
                except ValueError:
                    pass
            out["path"] = path.as_posix()
        for key in ("layer", "encoding", "crs"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.columns:
            out["columns"] = dict(self.columns)
        if self.status_values:
            out["status_values"] = dict(self.status_values)
        if self.ledger is not None:
            ledger = self.ledger
            if base_dir is not None:
                try:
                    ledger = Path(_relpath(self.ledger, base_dir))
                except ValueError:
                    pass
            out["ledger"] = ledger.as_posix()
        if self.ledger_key:
            out["ledger_key"] = self.ledger_key
        return out


def planner_names(
    parcels: ParcelSource | None, lang: str | None = None
) -> tuple[dict[str, str], dict[str, dict[Any, Any]]]:
    """The reverse maps of ``[parcels] columns`` and ``status_values``, for showing rules.

    Returns
    -------
    names, values
        landopt field → the planner's column (``status`` → ``状态``), and
        ``{"status": {landopt status → the planner's spelling}}`` (the first spelling
        ``status_values`` gives; otherwise, in Chinese and when the status column is the
        planner's own, the built-in Chinese word, ``低效``).
    """
    from landopt._fields import STATUS_ALIASES
    from landopt.i18n import resolve_lang

    names: dict[str, str] = {}
    for src, dst in parcels.columns if parcels is not None else ():
        names.setdefault(dst, src)
    status: dict[Any, Any] = {}
    if resolve_lang(lang) == "zh" and names.get("status", "status") != "status":
        for alias, canonical in STATUS_ALIASES.items():
            if not alias.isascii():
                status.setdefault(canonical, alias)
    given: dict[Any, Any] = {}
    lookup = {k.casefold(): v for k, v in STATUS_ALIASES.items()}
    for spelling, target in parcels.status_values if parcels is not None else ():
        given.setdefault(lookup.get(str(target).casefold(), target), spelling)
    status.update(given)
    return names, {"status": status}


def describe_rule(
    rule: Rule,
    lang: str | None = None,
    *,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Mapping[Any, Any]] | None = None,
    parcels: ParcelSource | None = None,
) -> str:
    """A rule in words, with the planner's field names and values.

    ``names`` and ``values`` default to the reverse maps of ``parcels``' ``columns`` and
    ``status_values`` (:func:`planner_names`); in Chinese
    ``状态 属于 [低效, 闲置] 且 权利限制 不属于 [查封]``, in English
    ``状态 in [inefficient, idle] and 权利限制 not in [查封]`` (the built-in
    Chinese status words only in Chinese; ``status_values`` spellings in both).
    """
    if names is None or values is None:
        rev_names, rev_values = planner_names(parcels, lang)
        names = rev_names if names is None else names
        values = rev_values if values is None else values
    return rule.describe(lang, names=names, values=values)


@dataclass(frozen=True)
class Checks:
    """How strict the checks of the scenario against the data are (``[checks]``).

    ``absent_values``: what a rule value no parcel has is — ``"error"`` (the default),
    ``"warn"`` (logged) or ``"allow"``.
    """

    absent_values: Literal["error", "warn", "allow"] = "error"

    def to_dict(self) -> dict[str, Any]:
        """The table as written in TOML."""
        return {"absent_values": self.absent_values}


@dataclass(frozen=True)
class Cluster:
    """Where many solves run (``[cluster]``): ``scheduler``, the address of a Dask
    scheduler (``tcp://host:8786``), or ``None`` for this machine (see
    :mod:`landopt.cluster`)."""

    scheduler: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The table as written in TOML (only the keys given)."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class MapInfo:
    """The title block of the printed map (``[map]``); every field optional.

    ``title`` (default: the scenario's title and year), ``unit`` (编制单位), ``number``
    (图号), ``drawn_by`` (制图), ``date`` (日期; default: the day the map is drawn).
    """

    title: str | None = None
    unit: str | None = None
    number: str | None = None
    drawn_by: str | None = None
    date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The table as written in TOML (only the keys given)."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class StoreInfo:
    """Where the runs of the scenario are recorded (``[store]``): ``url`` of the run store
    (:mod:`landopt.store`), ``None`` for the default."""

    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The table as written in TOML, without any password in the URL (a recorded
        scenario never holds one; the password comes from ``~/.pgpass`` or ``PGPASSWORD``)."""
        return {"url": _without_password(self.url)} if self.url else {}


def _without_password(url: str) -> str:
    """``scheme://user:secret@host/db`` → ``scheme://user@host/db``."""
    return re.sub(r"^([^:/]+:)//([^:@/]*):[^@/]*@", r"\1//\2@", url)


@dataclass(frozen=True)
class Scenario:
    """A complete planning question. Build with :func:`load_scenario` or :func:`scenario_from_dict`."""

    name: str
    actions: tuple[Action, ...]
    objective: Objective = Objective()
    budget_total: float | None = None
    locks: Locks = Locks()
    solver: SolverOptions = SolverOptions()
    spatial: Spatial = Spatial()
    parcels: ParcelSource | None = None
    title: str = ""
    year: int | None = None
    #: ``None``: not set in the scenario; the language is then, in order, ``--lang``,
    #: ``LANDOPT_LANG``, the locale (:func:`landopt.i18n.resolve_lang`, which every use
    #: of ``lang`` goes through: ``t(key, scenario.lang)`` resolves ``None``)
    lang: Literal["en", "zh"] | None = None
    #: the district's time zone for times shown to people (None: LANDOPT_TZ, else Asia/Shanghai)
    timezone: str | None = None
    description: str = ""
    checks: Checks = Checks()
    map: MapInfo = MapInfo()
    store: StoreInfo = StoreInfo()
    #: where many solves run (``[cluster]``)
    cluster: Cluster = Cluster()
    #: settings of the rule components that own a top-level table (``[township_share]``):
    #: ``(key, spec)`` pairs, ``spec`` the component's frozen pydantic model; see :mod:`landopt.rules`
    rules: tuple[tuple[str, Any], ...] = ()
    source: Path | None = field(default=None, compare=False)

    @property
    def action_names(self) -> tuple[str, ...]:
        """Names of the actions, in the scenario's order."""
        return tuple(a.name for a in self.actions)

    def action(self, name: str) -> Action:
        """The action called ``name``."""
        for a in self.actions:
            if a.name == name:
                return a
        raise KeyError(f"no action {name!r}; the scenario has {', '.join(self.action_names)}")

    def rule(self, key: str) -> Any:
        """The settings of the rule component owning table ``key``, or ``None`` when absent."""
        return dict(self.rules).get(key)

    def to_dict(self) -> dict[str, Any]:
        """The scenario as a TOML-shaped dict; ``scenario_from_dict`` reads it back."""
        base = self.source.parent if self.source else None
        out: dict[str, Any] = {"name": self.name}
        if self.title:
            out["title"] = self.title
        if self.year is not None:
            out["year"] = self.year
        if self.lang is not None:
            out["lang"] = self.lang
        if self.timezone:
            out["timezone"] = self.timezone
        if self.description:
            out["description"] = self.description
        if self.parcels is not None:
            out["parcels"] = self.parcels.to_dict(base)
        out["actions"] = {a.name: a.to_dict() for a in self.actions}
        out["objective"] = self.objective.to_dict()
        if self.budget_total is not None:
            out["budget"] = {"total": self.budget_total}
        if len(self.locks):
            out["locks"] = self.locks.to_dict()
        out["solver"] = self.solver.to_dict()
        if self.spatial != Spatial():
            out["spatial"] = self.spatial.to_dict()
        if self.checks != Checks():
            out["checks"] = self.checks.to_dict()
        if self.map != MapInfo():
            out["map"] = self.map.to_dict()
        if self.store.url:
            out["store"] = self.store.to_dict()
        if self.cluster != Cluster():
            out["cluster"] = self.cluster.to_dict()
        for key, spec in self.rules:
            out[key] = spec.model_dump(mode="json", exclude_none=True)
        return out

    def with_value(self, key: str, value: Any) -> Scenario:
        """A copy with one TOML key changed, e.g. ``"actions.clear.targets.area_min"``.

        The copy is validated like a file would be, so a wrong key or value raises
        :class:`~landopt.errors.ScenarioError`.
        """
        d = self.to_dict()
        node = d
        parts = key.split(".")
        for part in parts[:-1]:
            if part not in node or not isinstance(node[part], dict):
                node[part] = {}
            node = node[part]
        if value is None:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
        if len(parts) == 4 and parts[0] == "actions" and parts[2] == "targets":
            # setting count_min/count_max replaces an exact count, and vice versa
            t = node
            if parts[3] in ("count_min", "count_max") and "count" in t:
                exact = t.pop("count")
                t.setdefault("count_min" if parts[3] == "count_max" else "count_max", exact)
            if parts[3] == "count":
                t.pop("count_min", None)
                t.pop("count_max", None)
        base = self.source.parent if self.source else Path.cwd()
        return scenario_from_dict(d, base_dir=base, source=self.source)

    def with_solver(self, **options: Any) -> Scenario:
        """A copy with solver options changed (``backend``, ``time_limit``, ``gap``,
        ``abs_gap``, …).

        Validated like a file's ``[solver]`` table (:class:`~landopt.errors.ScenarioError`);
        an option set to ``None`` goes back to its default.
        """
        from landopt.scenario_read import solver_from_table

        table = {f.name: getattr(self.solver, f.name) for f in fields(self.solver)}
        table.update(options)
        table = {k: v for k, v in table.items() if v is not None}
        return replace(self, solver=solver_from_table(table, str(self.source or self.name)))

    def with_locks(
        self,
        *,
        include: Mapping[str, str] | None = None,
        exclude: Mapping[str, Iterable[str] | None] | None = None,
    ) -> Scenario:
        """A copy with more locks added (``exclude`` value ``None`` means all actions).

        Validated like a file's ``[locks]`` table (:class:`~landopt.errors.ScenarioError`
        for an unknown action or a parcel both forced in and kept out).
        """
        from landopt.scenario_read import locks_from_table

        inc = dict(self.locks.include)
        inc.update(include or {})
        exc = dict(self.locks.exclude)
        for pid, acts in (exclude or {}).items():
            exc[pid] = None if acts is None else tuple(acts)
        table = Locks(tuple(inc.items()), tuple(exc.items())).to_dict()
        source = str(self.source or self.name)
        return replace(self, locks=locks_from_table(table, self.action_names, source))


# --------------------------------------------------------------------------- parsing
add_messages(
    {
        "where": {"en": "file", "zh": "文件"},
        "not_found": {"en": "file not found", "zh": "找不到文件"},
        "not_found.fix": {"en": "check the path", "zh": "请检查路径"},
        "unreadable": {"en": "cannot read: {error}", "zh": "无法读取：{error}"},
        "unreadable.fix": {"en": "save it as UTF-8 text", "zh": "请另存为 UTF-8 文本"},
        "toml": {"en": "not valid TOML: {error}", "zh": "不是有效的 TOML：{error}"},
        "toml.fix": {"en": "fix the syntax at that line", "zh": "请修正该行的语法"},
    },
    prefix="errors.scenario_file.",
)


def _file_problem(what: str, fix: str, **fields: Any) -> Problem:
    """A problem with the scenario file itself, in the language of the run."""
    from landopt.i18n import run_lang, t

    lang = run_lang()
    key = "errors.scenario_file."
    return Problem(
        t(f"{key}where", lang), "", t(f"{key}{what}", lang, **fields), t(f"{key}{fix}", lang)
    )


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a TOML file.

    Parameters
    ----------
    path
        The ``.toml`` file. The parcel layer's path in it is relative to this file.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        With every problem found: unknown keys (with the nearest valid one), wrong
        types, impossible targets.
    """
    path = Path(path)
    try:
        # utf-8-sig: Windows Notepad saves "UTF-8" with a byte-order mark TOML refuses.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError(str(path), [_file_problem("not_found", "not_found.fix")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            str(path), [_file_problem("unreadable", "unreadable.fix", error=exc)]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), [_file_problem("toml", "toml.fix", error=exc)]) from None
    return scenario_from_dict(data, base_dir=path.parent, source=path)


def scenario_from_dict(
    data: Mapping[str, Any], *, base_dir: str | Path = ".", source: Path | None = None
) -> Scenario:
    """Build a scenario from a TOML-shaped dict, collecting every problem.

    The structure, types, ranges and defaults are declared in :mod:`landopt.schema`
    (pydantic models); its problems come back as landopt's, each naming its table and key,
    in the language of the run, or in the scenario's own ``lang`` when the run has none
    (:func:`landopt.scenario_read.reading_lang`).

    Parameters
    ----------
    data
        The parsed TOML (see ``data/scenarios/zhangdian-2023.toml``).
    base_dir
        The folder the parcel path is relative to.
    source
        The file it came from, for messages and the run record.

    Raises
    ------
    ScenarioError
        Listing every problem found.
    """
    from landopt.scenario_read import reading_lang, scenario_from_spec, validate

    with reading_lang(data):
        spec = validate(copy.deepcopy(dict(data)), str(source) if source else "scenario")
        return scenario_from_spec(spec, base_dir=Path(base_dir), source=source)


# --------------------------------------------------------------------------- against data
def eligibility(scenario: Scenario, parcels: pd.DataFrame) -> pd.DataFrame:
    """Which parcel may get which action: a boolean DataFrame, one column per action.

    Locks do not change eligibility; they are applied by the model.
    """
    return pd.DataFrame(
        {a.name: a.eligible.evaluate(parcels) for a in scenario.actions}, index=parcels.index
    )


def __getattr__(name: str) -> Any:
    """``check_scenario_against`` lives in :mod:`landopt.scenario_data` (imported on first use).

    Lazy (PEP 562), so that importing either module first works: ``scenario_data`` imports
    this module at its top.
    """
    if name == "check_scenario_against":
        from landopt.scenario_data import check_scenario_against

        return check_scenario_against
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------- helpers
def _suggest(word: str, options: Iterable[str]) -> str:
    near = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.5)
    if not near:
        return ""
    from landopt.i18n import run_lang, t

    return t("errors.frame.did_you_mean", run_lang(), near=repr(near[0]))


def _range_words(lo: float | None, hi: float | None, unit: str, fmt: str) -> str:
    if lo is not None and hi is not None:
        return f"{fmt.format(lo)}–{fmt.format(hi)} {unit}"
    if lo is not None:
        return f"≥ {fmt.format(lo)} {unit}"
    return f"≤ {fmt.format(hi)} {unit}"


def _matches(col: pd.Series, values: list[Any]) -> np.ndarray:
    """Rows whose value is one of ``values``; codes match whether stored as text or numbers."""
    if pd.api.types.is_bool_dtype(col):
        wanted = [v for v in values if isinstance(v, bool)]
        return col.isin(wanted).to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(col):
        nums = [float(v) for v in values if not isinstance(v, bool) and _is_number(v)]
        return col.isin(nums).to_numpy(dtype=bool)
    text = col.astype("string")
    return text.isin([str(v) for v in values]).fillna(False).to_numpy(dtype=bool)


def _is_number(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


def _relpath(path: Path, base: Path) -> str:

    return os.path.relpath(Path(path).resolve(), Path(base).resolve())
