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
import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from landopt._fields import (
    CSS_COLOR_NAMES,
    MAX_ABS_VALUE,
    STATUS_ALIASES,
    STATUSES,
    status_key,
)
from landopt.errors import Problem, ScenarioError

if TYPE_CHECKING:  # at run time through __getattr__ below: scenario_data imports this module
    from landopt.scenario_data import check_scenario_against

__all__ = [
    "Action",
    "Checks",
    "Condition",
    "Locks",
    "Objective",
    "ParcelSource",
    "Rule",
    "Scenario",
    "SolverOptions",
    "Spatial",
    "Targets",
    "Zone",
    "check_scenario_against",
    "eligibility",
    "load_scenario",
    "scenario_from_dict",
]

log = logging.getLogger(__name__)

COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge")
SET_OPS = ("in", "not_in")
NULL_OPS = ("is_null", "not_null")
OPERATORS = COMPARISONS + SET_OPS + NULL_OPS
BACKENDS = ("highs", "highs-pulp", "cbc")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_HEX_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
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

    def describe(self) -> str:
        """The condition in words, for messages and reports."""
        sym = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
        if self.op in sym:
            return f"{self.field} {sym[self.op]} {self.value}"
        if self.op in SET_OPS:
            word = "in" if self.op == "in" else "not in"
            return f"{self.field} {word} [{', '.join(map(str, self.value))}]"
        return f"{self.field} is {'empty' if self.op == 'is_null' else 'filled'}"


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

    def describe(self) -> str:
        """The rule in words."""
        if self.kind == "true":
            return "every parcel"
        if self.kind == "leaf":
            assert self.condition is not None
            return self.condition.describe()
        if self.kind == "not":
            return f"not ({self.children[0].describe()})"
        joiner = " and " if self.kind == "all" else " or "
        parts = [c.describe() for c in self.children]
        return joiner.join(p if " and " not in p and " or " not in p else f"({p})" for p in parts)

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
    """Back-end and limits. The default proves optimality (gap 0) within a time limit."""

    backend: str = "highs"
    time_limit: float = 600.0
    gap: float = 0.0
    threads: int | None = None
    presolve: Literal["auto", "on", "off"] = "auto"
    log: bool = False
    warm_start: Literal["auto", "on", "off"] = "auto"
    isolate: Literal["auto", "on", "off"] = "auto"

    def to_dict(self) -> dict[str, Any]:
        """The options as written in TOML."""
        out: dict[str, Any] = {
            "backend": self.backend,
            "time_limit": self.time_limit,
            "gap": self.gap,
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
    """Where the parcel layer is and how to read it (arguments of ``read_parcels``)."""

    path: Path
    layer: str | None = None
    encoding: str | None = None
    crs: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    status_values: tuple[tuple[str, str], ...] = ()

    def read_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`landopt.parcels.read_parcels`."""
        return {
            "layer": self.layer,
            "encoding": self.encoding,
            "crs": self.crs,
            "columns": dict(self.columns) or None,
            "status_values": dict(self.status_values) or None,
        }

    def to_dict(self, base_dir: Path | None = None) -> dict[str, Any]:
        """The source as written in TOML (path relative to ``base_dir`` when possible)."""
        path = self.path
        if base_dir is not None:
            try:
                path = Path(_relpath(self.path, base_dir))
            except ValueError:
                pass
        out: dict[str, Any] = {"path": path.as_posix()}
        for key in ("layer", "encoding", "crs"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.columns:
            out["columns"] = dict(self.columns)
        if self.status_values:
            out["status_values"] = dict(self.status_values)
        return out


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
    lang: Literal["en", "zh"] = "en"
    description: str = ""
    checks: Checks = Checks()
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
        out["lang"] = self.lang
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
        """A copy with solver options changed (``backend``, ``time_limit``, ``gap``, …)."""
        return replace(self, solver=replace(self.solver, **options))

    def with_locks(
        self,
        *,
        include: Mapping[str, str] | None = None,
        exclude: Mapping[str, Iterable[str] | None] | None = None,
    ) -> Scenario:
        """A copy with more locks added (``exclude`` value ``None`` means all actions)."""
        inc = dict(self.locks.include)
        inc.update(include or {})
        exc = dict(self.locks.exclude)
        for pid, acts in (exclude or {}).items():
            exc[pid] = None if acts is None else tuple(acts)
        return replace(self, locks=Locks(tuple(inc.items()), tuple(exc.items())))


# --------------------------------------------------------------------------- parsing
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
        raise ScenarioError(
            str(path), [Problem("file", "", "file not found", "check the path")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            str(path), [Problem("file", "", f"cannot read: {exc}", "save it as UTF-8 text")]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(
            str(path),
            [Problem("file", "", f"not valid TOML: {exc}", "fix the syntax at that line")],
        ) from None
    return scenario_from_dict(data, base_dir=path.parent, source=path)


_TOP_KEYS = (
    "name",
    "title",
    "year",
    "lang",
    "description",
    "parcels",
    "actions",
    "objective",
    "budget",
    "locks",
    "solver",
    "spatial",
    "checks",
)
_PARCEL_KEYS = ("path", "layer", "encoding", "crs", "columns", "status_values")
_ACTION_KEYS = ("label", "eligible", "cost", "benefit", "budget", "targets", "color")
_TARGET_KEYS = ("count", "count_min", "count_max", "area_min", "area_max")
_OBJECTIVE_KEYS = ("kind", "sense", "terms", "difficulty_weight")
_SOLVER_KEYS = (
    "backend",
    "time_limit",
    "gap",
    "threads",
    "presolve",
    "log",
    "warm_start",
    "isolate",
)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, key: str, what: str, fix: str = "") -> None:
        self.problems.append(Problem(where, key, what, fix))

    def keys(self, where: str, table: Mapping[str, Any], allowed: Iterable[str]) -> None:
        allowed = list(allowed)
        for key in table:
            if key not in allowed:
                self.add(where, key, "unknown key", _suggest(key, allowed))

    def number(
        self,
        where: str,
        key: str,
        value: Any,
        *,
        minimum: float | None = 0.0,
        integer: bool = False,
        maximum: float = MAX_SCENARIO_NUMBER,
    ) -> float | None:
        if value is None:
            return None
        ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
        if (
            isinstance(value, bool)
            or not ok_type
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            kind = "a whole number" if integer else "a number"
            self.add(
                where,
                key,
                f"must be {kind}, got {value!r}",
                f"write e.g. {key} = {'10' if integer else '560.0'}",
            )
            return None
        if abs(value) > maximum:
            self.add(
                where,
                key,
                f"{value!r} is beyond what landopt accepts here (at most {maximum:g} in size)",
                "check the digits; leave the key out for no limit",
            )
            return None
        if minimum is not None and value < minimum:
            self.add(
                where, key, f"must be ≥ {minimum:g}, got {value!r}", "use a non-negative value"
            )
            return None
        return value

    def text(self, where: str, key: str, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.add(where, key, f"must be text, got {value!r}", f'write {key} = "…"')
            return None
        return value

    def table(self, where: str, key: str, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(
                where,
                key,
                f"must be a table, got {type(value).__name__}",
                f"write [{key}] or {key} = {{ … }}",
            )
            return {}
        return value


def scenario_from_dict(
    data: Mapping[str, Any], *, base_dir: str | Path = ".", source: Path | None = None
) -> Scenario:
    """Build a scenario from a TOML-shaped dict, collecting every problem.

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
    src = str(source) if source else "scenario"
    col = _Collector()
    data = copy.deepcopy(dict(data))
    col.keys("top level", data, _TOP_KEYS)

    name = col.text("top level", "name", data.get("name")) or (
        source.stem if source else "scenario"
    )
    title = col.text("top level", "title", data.get("title")) or ""
    description = col.text("top level", "description", data.get("description")) or ""
    year = col.number("top level", "year", data.get("year"), integer=True, minimum=1900)
    lang = data.get("lang", "en")
    if lang not in ("en", "zh"):
        col.add(
            "top level",
            "lang",
            f"must be 'en' or 'zh', got {lang!r}",
            'write lang = "zh" for Chinese labels',
        )
        lang = "en"

    parcels = _parse_parcels(col, data.get("parcels"), Path(base_dir))
    actions = _parse_actions(col, data.get("actions"))
    objective = _parse_objective(col, data.get("objective"))
    budget_tbl = col.table("[budget]", "budget", data.get("budget"))
    col.keys("[budget]", budget_tbl, ("total",))
    budget_total = col.number("[budget]", "total", budget_tbl.get("total"))
    locks = _parse_locks(col, data.get("locks"), [a.name for a in actions])
    solver = _parse_solver(col, data.get("solver"))
    spatial = _parse_spatial(col, data.get("spatial"), [a.name for a in actions], Path(base_dir))
    checks = _parse_checks(col, data.get("checks"))
    actions = [_map_to_layer_names(a, parcels) for a in actions]

    if col.problems:
        raise ScenarioError(src, col.problems)
    return Scenario(
        name=name,
        title=title,
        year=int(year) if year is not None else None,
        lang=lang,
        description=description,
        parcels=parcels,
        actions=tuple(actions),
        objective=objective,
        budget_total=budget_total,
        locks=locks,
        solver=solver,
        spatial=spatial,
        checks=checks,
        source=source,
    )


def _parse_checks(col: _Collector, value: Any) -> Checks:
    where = "[checks]"
    tbl = col.table(where, "checks", value)
    col.keys(where, tbl, ("absent_values",))
    policy = tbl.get("absent_values", "error")
    if policy not in ABSENT_POLICIES:
        col.add(
            where,
            "absent_values",
            f"must be one of {', '.join(ABSENT_POLICIES)}, got {policy!r}",
            _suggest(str(policy), ABSENT_POLICIES) or 'write absent_values = "allow"',
        )
        policy = "error"
    return Checks(absent_values=policy)


def _map_to_layer_names(action: Action, parcels: ParcelSource | None) -> Action:
    """The action with the planner's column names and status spellings read as landopt's.

    The layer is renamed by ``[parcels] columns`` and its statuses normalised on reading,
    so a rule on ``状态`` (mapped to ``status``) or a value ``低效`` would match nothing as
    written.
    """
    columns = dict(parcels.columns) if parcels is not None else {}
    lookup = {status_key(k): v for k, v in STATUS_ALIASES.items()}
    lookup.update({status_key(s): s for s in STATUSES})
    for k, v in parcels.status_values if parcels is not None else ():
        lookup[status_key(k)] = lookup.get(status_key(v), v)

    def status(v: Any) -> Any:
        return lookup.get(status_key(v), v) if isinstance(v, str) else v

    def cond(c: Condition) -> Condition:
        fld = columns.get(c.field, c.field)
        value, ok = c.value, c.absent_ok
        if fld == "status" and c.op in COMPARISONS[:2] + SET_OPS:
            value = tuple(map(status, value)) if c.op in SET_OPS else status(value)
            ok = tuple(map(status, ok)) if isinstance(ok, tuple) else ok
        return replace(c, field=fld, value=value, absent_ok=ok)

    def rule(r: Rule) -> Rule:
        if r.kind == "leaf":
            assert r.condition is not None
            return replace(r, condition=cond(r.condition))
        return replace(r, children=tuple(rule(ch) for ch in r.children))

    return replace(
        action,
        eligible=rule(action.eligible),
        cost=columns.get(action.cost, action.cost),
        benefit=columns.get(action.benefit, action.benefit) if action.benefit else action.benefit,
    )


def _parse_parcels(col: _Collector, value: Any, base_dir: Path) -> ParcelSource | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = {"path": value}
    tbl = col.table("[parcels]", "parcels", value)
    col.keys("[parcels]", tbl, _PARCEL_KEYS)
    path = col.text("[parcels]", "path", tbl.get("path"))
    if path is None:
        col.add(
            "[parcels]",
            "path",
            "missing",
            'write path = "parcels.geojson" (relative to the scenario file)',
        )
        return None
    mapping = {}
    for key in ("columns", "status_values"):
        m = col.table("[parcels]", key, tbl.get(key))
        bad = [k for k, v in m.items() if not isinstance(v, str)]
        for k in bad:
            col.add(
                f"[parcels.{key}]",
                k,
                f"must map to a text value, got {m[k]!r}",
                f'write "{k}" = "…"',
            )
        mapping[key] = tuple((str(k), str(v)) for k, v in m.items() if isinstance(v, str))
    for k, v in mapping["status_values"]:
        if v not in STATUSES:
            col.add(
                "[parcels.status_values]",
                k,
                f"maps to unknown status {v!r}",
                f"use one of {', '.join(STATUSES)}",
            )
    p = Path(path)
    return ParcelSource(
        path=p if p.is_absolute() else Path(os.path.normpath(base_dir / p)),
        layer=col.text("[parcels]", "layer", tbl.get("layer")),
        encoding=col.text("[parcels]", "encoding", tbl.get("encoding")),
        crs=col.text("[parcels]", "crs", tbl.get("crs")),
        columns=mapping["columns"],
        status_values=mapping["status_values"],
    )


def _parse_actions(col: _Collector, value: Any) -> list[Action]:
    tbl = col.table("[actions]", "actions", value)
    if not tbl:
        col.add(
            "[actions]",
            "",
            "the scenario defines no actions",
            "add at least one [actions.NAME] table with label, eligible, cost and targets",
        )
        return []
    out = []
    for name, spec in tbl.items():
        where = f"[actions.{name}]"
        if not _NAME_RE.match(name):
            col.add(
                where,
                "",
                f"action name {name!r} must be lower-case letters, digits and _",
                "rename it, e.g. [actions.clear]",
            )
        spec = col.table(where, name, spec)
        col.keys(where, spec, _ACTION_KEYS)
        label = col.text(where, "label", spec.get("label")) or name
        cost = col.text(where, "cost", spec.get("cost"))
        if cost is None and "cost" not in spec:
            col.add(
                where,
                "cost",
                "missing",
                'name the cost column this action spends, e.g. cost = "cost_clear_wan"',
            )
        benefit = col.text(where, "benefit", spec.get("benefit"))
        budget = col.number(where, "budget", spec.get("budget"))
        color = col.text(where, "color", spec.get("color"))
        if color is not None and not _is_color(color):
            col.add(
                where,
                "color",
                f"{color!r} is not a colour",
                _suggest(color.lower(), sorted(CSS_COLOR_NAMES))
                or 'write a hex colour such as "#D55E00" or a CSS colour name such as "orange"',
            )
            color = None
        if "eligible" not in spec:
            col.add(
                where,
                "eligible",
                "missing",
                'write eligible = { field = "status", in = ["inefficient"] }; use eligible = {} for every parcel',
            )
        rule = _parse_rule(col, f"{where} eligible", spec.get("eligible", {}))
        targets = _parse_targets(col, f"[actions.{name}.targets]", spec.get("targets"))
        out.append(
            Action(
                name=name,
                label=label,
                eligible=rule,
                cost=cost or "",
                targets=targets,
                benefit=benefit,
                budget=budget,
                color=color,
            )
        )
    return out


def _parse_rule(col: _Collector, where: str, value: Any) -> Rule:
    if not isinstance(value, dict):
        col.add(
            where,
            "",
            f"a rule must be a table, got {value!r}",
            'write { field = "status", in = ["idle"] } or { all = [ … ] }',
        )
        return Rule("true")
    if not value:
        return Rule("true")
    combos = [k for k in ("all", "any", "not") if k in value]
    if combos:
        if len(value) != 1:
            col.add(
                where,
                combos[0],
                f"'{combos[0]}' must stand alone in its table, found also {sorted(set(value) - {combos[0]})}",
                "nest the other conditions inside it",
            )
        key = combos[0]
        if key == "not":
            return Rule("not", (_parse_rule(col, f"{where}.not", value["not"]),))
        items = value[key]
        if not isinstance(items, list) or not items:
            col.add(
                where,
                key,
                f"'{key}' needs a non-empty list of rules",
                f"write {key} = [ {{ … }}, {{ … }} ]",
            )
            return Rule("true")
        return Rule(
            key, tuple(_parse_rule(col, f"{where}.{key}[{i}]", v) for i, v in enumerate(items))
        )
    if "field" not in value:
        col.add(
            where,
            "field",
            f"a condition needs 'field' (found keys {sorted(value)})",
            _suggest(next(iter(value)), ["field", "all", "any", "not"])
            or 'write { field = "status", in = ["idle"] }',
        )
        return Rule("true")
    fld = value["field"]
    ops = [k for k in value if k not in ("field", "absent_ok")]
    if not isinstance(fld, str):
        col.add(where, "field", f"must be a column name, got {fld!r}", 'write field = "status"')
        return Rule("true")
    if len(ops) != 1:
        col.add(
            where,
            fld,
            f"a condition needs exactly one operator, found {ops or 'none'}",
            f"use one of {', '.join(OPERATORS)}",
        )
        return Rule("true")
    op = ops[0]
    val = value[op]
    if op not in OPERATORS:
        col.add(
            where,
            op,
            "unknown operator",
            _suggest(op, OPERATORS) or f"use one of {', '.join(OPERATORS)}",
        )
        return Rule("true")
    if op in SET_OPS:
        if not isinstance(val, list) or not val:
            col.add(
                where, op, f"'{op}' needs a non-empty list, got {val!r}", f'write {op} = ["a", "b"]'
            )
            return Rule("true")
        val = tuple(val)
    elif op in ("lt", "le", "gt", "ge"):
        if isinstance(val, bool) or not isinstance(val, int | float):
            col.add(where, op, f"'{op}' needs a number, got {val!r}", f"write {op} = 2")
            return Rule("true")
        if col.number(where, op, val, minimum=None) is None:
            return Rule("true")
    elif op in NULL_OPS:
        val = None
    absent_ok = value.get("absent_ok", False)
    if isinstance(absent_ok, list) and absent_ok:
        absent_ok = tuple(absent_ok)
    elif not isinstance(absent_ok, bool):
        col.add(
            where,
            "absent_ok",
            f"must be true, false or a list of the rule's values, got {absent_ok!r}",
            "write absent_ok = true",
        )
        absent_ok = False
    if absent_ok and op not in COMPARISONS[:2] + SET_OPS:
        col.add(
            where,
            "absent_ok",
            f"only applies to eq, ne, in and not_in, not to {op}",
            "remove it",
        )
        absent_ok = False
    return Rule("leaf", condition=Condition(fld, op, val, absent_ok))


def _parse_targets(col: _Collector, where: str, value: Any) -> Targets:
    tbl = col.table(where, "targets", value)
    col.keys(where, tbl, _TARGET_KEYS)
    count = col.number(where, "count", tbl.get("count"), integer=True)
    cmin = col.number(where, "count_min", tbl.get("count_min"), integer=True)
    cmax = col.number(where, "count_max", tbl.get("count_max"), integer=True)
    amin = col.number(where, "area_min", tbl.get("area_min"))
    amax = col.number(where, "area_max", tbl.get("area_max"))
    if count is not None and (cmin is not None or cmax is not None):
        col.add(
            where,
            "count",
            "give either count (exact) or count_min/count_max, not both",
            "keep one form",
        )
    if count is not None:
        cmin = cmax = count
    if cmin is not None and cmax is not None and cmin > cmax:
        col.add(where, "count_min", f"count_min {cmin} is above count_max {cmax}", "swap them")
    if amin is not None and amax is not None and amin > amax:
        col.add(where, "area_min", f"area_min {amin:g} is above area_max {amax:g}", "swap them")
    return Targets(
        count_min=int(cmin) if cmin is not None else None,
        count_max=int(cmax) if cmax is not None else None,
        area_min=float(amin) if amin is not None else None,
        area_max=float(amax) if amax is not None else None,
    )


def _parse_objective(col: _Collector, value: Any) -> Objective:
    where = "[objective]"
    tbl = col.table(where, "objective", value)
    col.keys(where, tbl, _OBJECTIVE_KEYS)
    kind = tbl.get("kind")
    sense = tbl.get("sense")
    terms_raw = tbl.get("terms")
    if kind is not None:
        presets = {
            "min_cost": ("minimize", [{"of": "cost"}]),
            "max_benefit": ("maximize", [{"of": "benefit"}]),
        }
        if kind not in presets:
            col.add(
                where,
                "kind",
                f"unknown kind {kind!r}",
                _suggest(str(kind), presets)
                or "use min_cost or max_benefit, or give sense and terms",
            )
        else:
            sense = sense or presets[kind][0]
            terms_raw = terms_raw if terms_raw is not None else presets[kind][1]
    sense = sense or "minimize"
    if sense not in ("minimize", "maximize"):
        col.add(
            where,
            "sense",
            f"must be 'minimize' or 'maximize', got {sense!r}",
            _suggest(str(sense), ["minimize", "maximize"]),
        )
        sense = "minimize"
    if terms_raw is None:
        terms_raw = [{"of": "cost"}] if sense == "minimize" else [{"of": "benefit"}]
    terms: list[tuple[str, float]] = []
    if not isinstance(terms_raw, list) or not terms_raw:
        col.add(
            where,
            "terms",
            "must be a non-empty list",
            'write terms = [ { of = "cost", weight = 1.0 } ]',
        )
    else:
        for i, t in enumerate(terms_raw):
            w = f"{where} terms[{i}]"
            if not isinstance(t, dict):
                col.add(w, "", f"must be a table, got {t!r}", 'write { of = "cost", weight = 1.0 }')
                continue
            col.keys(w, t, ("of", "weight"))
            of = col.text(w, "of", t.get("of"))
            if of is None:
                col.add(w, "of", "missing", 'name "cost", "benefit" or a parcel column')
                continue
            raw_w = t.get("weight", 1.0)
            weight = col.number(w, "weight", raw_w, minimum=None, maximum=MAX_WEIGHT)
            terms.append((of, float(weight if weight is not None else 1.0)))
    dw = col.number(
        where, "difficulty_weight", tbl.get("difficulty_weight", 0.0), maximum=MAX_ABS_VALUE
    )
    return Objective(
        sense=sense, terms=tuple(terms) or (("cost", 1.0),), difficulty_weight=float(dw or 0.0)
    )


def _parse_locks(col: _Collector, value: Any, actions: list[str]) -> Locks:
    where = "[locks]"
    tbl = col.table(where, "locks", value)
    col.keys(where, tbl, ("include", "exclude"))
    inc = col.table("[locks.include]", "include", tbl.get("include"))
    exc = col.table("[locks.exclude]", "exclude", tbl.get("exclude"))
    include: list[tuple[str, str]] = []
    for pid, act in inc.items():
        if not isinstance(act, str) or act not in actions:
            col.add(
                "[locks.include]",
                pid,
                f"must name one action, got {act!r}",
                _suggest(str(act), actions) or f"use one of {', '.join(actions)}",
            )
            continue
        include.append((str(pid), act))
    exclude: list[tuple[str, tuple[str, ...] | None]] = []
    for pid, acts in exc.items():
        if acts == "all":
            exclude.append((str(pid), None))
            continue
        if isinstance(acts, str):
            acts = [acts]
        if not isinstance(acts, list) or not acts:
            col.add(
                "[locks.exclude]",
                pid,
                f'must be "all" or a list of actions, got {acts!r}',
                '["upgrade"] or "all"',
            )
            continue
        bad = [a for a in acts if a not in actions]
        for a in bad:
            col.add(
                "[locks.exclude]",
                pid,
                f"unknown action {a!r}",
                _suggest(str(a), actions) or f"use one of {', '.join(actions)}",
            )
        if not bad:
            exclude.append((str(pid), tuple(acts)))
    for pid, act in include:
        for epid, eacts in exclude:
            if epid == pid and (eacts is None or act in eacts):
                col.add(
                    "[locks]",
                    pid,
                    f"is both forced into {act!r} and excluded from it",
                    "remove one of the two locks",
                )
    return Locks(tuple(include), tuple(exclude))


def _parse_solver(col: _Collector, value: Any) -> SolverOptions:
    where = "[solver]"
    tbl = col.table(where, "solver", value)
    col.keys(where, tbl, _SOLVER_KEYS)
    backend = tbl.get("backend", "highs")
    if backend not in BACKENDS:
        col.add(
            where,
            "backend",
            f"unknown backend {backend!r}",
            _suggest(str(backend), BACKENDS) or f"use one of {', '.join(BACKENDS)}",
        )
        backend = "highs"
    time_limit = col.number(where, "time_limit", tbl.get("time_limit", 600.0))
    gap = col.number(where, "gap", tbl.get("gap", 0.0))
    if gap is not None and gap >= 1:
        col.add(where, "gap", f"is a fraction (0.01 = 1 %), got {gap}", "write gap = 0.01 for 1 %")
    threads = col.number(where, "threads", tbl.get("threads"), integer=True, minimum=1)
    presolve = tbl.get("presolve", "auto")
    if presolve not in ("auto", "on", "off"):
        col.add(
            where,
            "presolve",
            f"must be auto, on or off, got {presolve!r}",
            'write presolve = "auto"',
        )
        presolve = "auto"
    warm = tbl.get("warm_start", "auto")
    if warm not in ("auto", "on", "off"):
        col.add(
            where, "warm_start", f"must be auto, on or off, got {warm!r}", 'write warm_start = "on"'
        )
        warm = "auto"
    isolate = tbl.get("isolate", "auto")
    if isolate not in ("auto", "on", "off"):
        col.add(
            where, "isolate", f"must be auto, on or off, got {isolate!r}", 'write isolate = "on"'
        )
        isolate = "auto"
    log_flag = tbl.get("log", False)
    if not isinstance(log_flag, bool):
        col.add(where, "log", f"must be true or false, got {log_flag!r}", "write log = true")
        log_flag = False
    return SolverOptions(
        backend=backend,
        time_limit=float(time_limit if time_limit is not None else 600.0),
        gap=float(gap if gap is not None and gap < 1 else 0.0),
        threads=int(threads) if threads is not None else None,
        presolve=presolve,
        log=log_flag,
        warm_start=warm,
        isolate=isolate,
    )


def _parse_spatial(col: _Collector, value: Any, actions: list[str], base_dir: Path) -> Spatial:
    where = "[spatial]"
    tbl = col.table(where, "spatial", value)
    col.keys(
        where,
        tbl,
        (
            "boundary_weight",
            "boundary_actions",
            "inner_status",
            "tolerance_m",
            "zones",
            "touch",
            "district",
            "min_block_mu",
        ),
    )
    weight = col.number(
        where, "boundary_weight", tbl.get("boundary_weight", 0.0), maximum=MAX_ABS_VALUE
    )
    min_block = col.number(where, "min_block_mu", tbl.get("min_block_mu"))
    tol = col.number(where, "tolerance_m", tbl.get("tolerance_m", 0.5))
    acts = tbl.get("boundary_actions", [])
    if not isinstance(acts, list) or any(a not in actions for a in acts):
        bad = [a for a in acts if a not in actions] if isinstance(acts, list) else acts
        col.add(
            where,
            "boundary_actions",
            f"unknown actions {bad!r}",
            f"use some of {', '.join(actions)}",
        )
        acts = []
    inner = tbl.get("inner_status", ["cleared"])
    if not isinstance(inner, list) or any(x not in STATUSES for x in inner):
        col.add(
            where,
            "inner_status",
            f"must list statuses, got {inner!r}",
            f"use some of {', '.join(STATUSES)}",
        )
        inner = ["cleared"]
    zones = []
    raw_zones = tbl.get("zones", [])
    if not isinstance(raw_zones, list):
        col.add(where, "zones", "must be an array of tables", "write [[spatial.zones]] blocks")
        raw_zones = []
    for k, z in enumerate(raw_zones):
        zone = _parse_zone(col, f"[[spatial.zones]] #{k + 1}", z, actions, base_dir)
        if zone is not None:
            zones.append(zone)
    names = [z.name for z in zones]
    for n in {n for n in names if names.count(n) > 1}:
        col.add(
            "[[spatial.zones]]",
            "name",
            f"zone name {n!r} is used twice",
            "give each zone its own name",
        )
    touch = []
    for a, targets in col.table(where, "touch", tbl.get("touch")).items():
        if a not in actions:
            col.add(
                "[spatial.touch]",
                a,
                "unknown action",
                _suggest(a, actions) or f"use one of {', '.join(actions)}",
            )
            continue
        targets = [targets] if isinstance(targets, str) else targets
        ok = (
            isinstance(targets, list)
            and targets
            and all(
                isinstance(t, str) and (t == "cleared" or t.split(":", 1)[0] in ("park", "zone"))
                for t in targets
            )
        )
        if not ok:
            col.add(
                "[spatial.touch]",
                a,
                f"must list 'cleared', 'park:NAME' or 'zone:NAME', got {targets!r}",
                'write clear = ["cleared"]',
            )
            continue
        for t in targets:
            if t.startswith("zone:") and t[5:] not in names:
                col.add(
                    "[spatial.touch]",
                    a,
                    f"no zone named {t[5:]!r}",
                    _suggest(t[5:], names) or "define it in [[spatial.zones]]",
                )
        touch.append((a, tuple(targets)))
    district = col.text(where, "district", tbl.get("district"))
    return Spatial(
        boundary_weight=float(weight or 0.0),
        boundary_actions=tuple(acts),
        inner_status=tuple(inner),
        tolerance_m=float(tol if tol is not None else 0.5),
        zones=tuple(zones),
        touch=tuple(touch),
        district=(Path(os.path.normpath(base_dir / district)) if district else None),
        min_block_mu=float(min_block) if min_block is not None else None,
    )


def _parse_zone(
    col: _Collector, where: str, z: Any, actions: list[str], base_dir: Path
) -> Zone | None:
    if not isinstance(z, dict):
        col.add(
            where, "", f"must be a table, got {z!r}", "write [[spatial.zones]] with name and kind"
        )
        return None
    col.keys(
        where,
        z,
        (
            "name",
            "kind",
            "path",
            "park",
            "around_landuse",
            "buffer_m",
            "actions",
            "bonus_wan_per_mu",
            "min_share",
        ),
    )
    name = col.text(where, "name", z.get("name"))
    kind = z.get("kind")
    if not name:
        col.add(where, "name", "missing", 'write name = "housing buffer"')
    if kind not in ("exclude", "priority"):
        col.add(
            where,
            "kind",
            f"must be 'exclude' or 'priority', got {kind!r}",
            _suggest(str(kind), ["exclude", "priority"]),
        )
    sources = [k for k in ("path", "park", "around_landuse") if k in z]
    if len(sources) != 1:
        col.add(
            where,
            "",
            f"give exactly one of path, park or around_landuse (found {sources or 'none'})",
            'e.g. park = "张店经济开发区"',
        )
    acts = z.get("actions", [])
    if not isinstance(acts, list) or any(a not in actions for a in acts):
        col.add(where, "actions", f"unknown actions {acts!r}", f"use some of {', '.join(actions)}")
        acts = []
    around = z.get("around_landuse", [])
    if not isinstance(around, list):
        col.add(
            where,
            "around_landuse",
            "must be a list of land-use codes",
            'write around_landuse = ["0701"]',
        )
        around = []
    buffer_m = col.number(where, "buffer_m", z.get("buffer_m", 0.0))
    bonus = col.number(
        where, "bonus_wan_per_mu", z.get("bonus_wan_per_mu", 0.0), maximum=MAX_ABS_VALUE
    )
    share = col.number(where, "min_share", z.get("min_share"))
    if share is not None and share > 1:
        col.add(
            where, "min_share", f"is a fraction (0.3 = 30 %), got {share}", "write min_share = 0.3"
        )
    if kind == "exclude" and (bonus or share is not None):
        col.add(
            where,
            "kind",
            "an exclusion zone takes no bonus_wan_per_mu or min_share",
            'use kind = "priority" for those',
        )
    if not name or kind not in ("exclude", "priority") or len(sources) != 1:
        return None
    path = z.get("path")
    return Zone(
        name=name,
        kind=kind,
        path=Path(os.path.normpath(base_dir / path)) if isinstance(path, str) else None,
        park=z.get("park") if isinstance(z.get("park"), str) else None,
        around_landuse=tuple(str(c) for c in around),
        buffer_m=float(buffer_m or 0.0),
        actions=tuple(acts),
        bonus_wan_per_mu=float(bonus or 0.0),
        min_share=float(share) if share is not None else None,
    )


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
    return f"did you mean {near[0]!r}?" if near else ""


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


def _is_color(value: str) -> bool:
    """Whether ``value`` is a colour both matplotlib and a web browser draw."""
    return bool(_HEX_COLOR_RE.match(value)) or value.lower() in CSS_COLOR_NAMES


def _is_number(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


def _relpath(path: Path, base: Path) -> str:
    import os

    return os.path.relpath(Path(path).resolve(), Path(base).resolve())
