"""The protocol of a rule component, and the two objects components write into.

A component owns one kind of rule:

- its part of the scenario schema: ``key`` and ``Spec`` (a frozen pydantic model) when
  the rule has a top-level table of its own (the base tables — ``[actions.*]``,
  ``[spatial]``, ``[locks]`` — are declared in :mod:`landopt.scenario`);
- what it writes into the compiled model (:meth:`Component.compile`: columns, rows,
  bounds, objective coefficients, statements), from the prepared problem's arrays, through
  a :class:`ModelBuilder`, with row names from the formulation;
- its lazy cuts, if it has any (:meth:`Component.cuts`), which the solve layer
  (:func:`landopt.solving.solve_compiled`) runs on every path that solves;
- its independent check of a finished plan (:meth:`Component.check`) from the plan's own
  parcels and geometry through a :class:`CheckContext` (never from the model's arrays);
- its description for planners (:meth:`Component.describe`) through :mod:`landopt.i18n`.

The model's docstring formulation of each component's rows is in the component's module
docstring; :mod:`landopt.model` gathers the whole model, and ``docs/formulation.md`` shows
it on one page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp

if TYPE_CHECKING:
    from pydantic import BaseModel

    from landopt.check import Check
    from landopt.errors import Problem
    from landopt.prepare import Prepared
    from landopt.scenario import Scenario

__all__ = ["CheckContext", "Component", "Cuts", "ModelBuilder", "Statement"]


@dataclass(frozen=True)
class Statement:
    """One thing the planner wrote that becomes rows or bounds: a target, a budget, a lock.

    Attributes
    ----------
    key
        Stable name, e.g. ``"count[clear]"``, ``"budget_total"``, ``"lock_in[P-12,clear]"``.
    kind
        ``"count"``, ``"area_min"``, ``"area_max"``, ``"budget"``, ``"lock_in"``, ``"lock_out"``,
        ``"zone_share"``, ``"township_share"``, …
    text
        The statement in the planner's words, e.g. ``"clear: exactly 17 plots"``.
    rows
        Indices of the model rows it owns (targets, budgets).
    cols
        Indices of the variables whose bounds it sets (locks).
    action
        The action concerned, if any.
    """

    key: str
    kind: str
    text: str
    rows: tuple[int, ...] = ()
    cols: tuple[int, ...] = ()
    action: str | None = None


class Cuts(Protocol):
    """Lazy constraints of one component on one model (see :mod:`landopt.rules.min_block`).

    The solve layer calls :meth:`separate` on each solution; rows it returns are added to
    the HiGHS session and the model solved again, until no generator returns a row. Cuts
    must be valid for every variant with the same columns (they stay in a session).
    """

    name: str
    cuts: int
    rounds: int

    def separate(self, x: np.ndarray) -> list[tuple[float, float, np.ndarray, np.ndarray]]:
        """Rows ``(lower, upper, cols, vals)`` that ``x`` violates; empty when it is valid."""
        ...

    def unresolved(self, x: np.ndarray) -> str:
        """What is still violated in ``x``, for the message when the time budget runs out."""
        ...


class _RowBuilder:
    """Collects rows as COO triplets and builds the CSR matrix once."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.senses: list[str] = []
        self.rhs: list[float] = []
        self.names: list[str] = []

    def add_block(
        self,
        *,
        row_local: np.ndarray,
        cols: np.ndarray,
        vals: np.ndarray,
        names: list[str],
        senses: str,
        rhs: np.ndarray,
    ) -> None:
        """Append ``len(names)`` rows given as triplets with local row numbers."""
        base = len(self.names)
        self.rows.append(np.asarray(row_local, dtype=np.int64) + base)
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.asarray(vals, dtype=float))
        self.names.extend(names)
        self.senses.extend([senses] * len(names))
        self.rhs.extend(np.asarray(rhs, dtype=float).tolist())

    def add_row(self, name: str, cols: np.ndarray, vals: np.ndarray, sense: str, rhs: float) -> int:
        """Append one row; return its index."""
        r = len(self.names)
        self.add_block(
            row_local=np.zeros(len(cols), dtype=np.int64),
            cols=cols,
            vals=vals,
            names=[name],
            senses=sense,
            rhs=np.array([rhs]),
        )
        return r

    def build(self, n_vars: int) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, list[str]]:
        """The matrix, senses, right-hand sides and names."""
        n = len(self.names)
        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, np.int64)
        cols = np.concatenate(self.cols) if self.cols else np.zeros(0, np.int64)
        vals = np.concatenate(self.vals) if self.vals else np.zeros(0)
        A = sp.coo_matrix((vals, (rows, cols)), shape=(n, n_vars)).tocsr()
        return A, np.asarray(self.senses, dtype=object), np.asarray(self.rhs, dtype=float), self.names


class ModelBuilder:
    """What components write into while a model is compiled (see :func:`landopt.model.compile_model`).

    The x columns (one per eligible pair of the prepared problem, grouped by action) exist
    from the start, with zero objective coefficients and bounds ``0 <= x <= 1``; components
    add objective terms to :attr:`c`, set bounds, add rows with :meth:`add_row` /
    :meth:`add_block`, continuous columns with :meth:`add_columns`, and the planner's
    statements with :meth:`add_statement`.
    """

    def __init__(self, prep: Prepared) -> None:
        self.prep = prep
        self.scenario = prep.scenario
        self.sign = 1.0 if self.scenario.objective.sense == "minimize" else -1.0
        from landopt.programme import expand, programme_of

        #: the scenario's programme (``None`` for a one-year scenario) and its columns
        self.programme = programme_of(self.scenario)
        self.columns = expand(prep, self.programme) if self.programme is not None else None
        if self.columns is not None:
            cols = self.columns
            self.var_parcel, self.var_action = cols.parcel, cols.action
            self.var_year, self.var_stage, self.var_end = cols.year, cols.stage, cols.end
            self.var_area = prep.area[self.var_parcel]
            self.var_cost, self.var_benefit = cols.cost, cols.benefit
        else:
            self._one_year(prep)
        self.n_x = len(self.var_parcel)
        self.c = np.zeros(self.n_x)
        self.lb = np.zeros(self.n_x)
        self.ub = np.ones(self.n_x)
        self.rows = _RowBuilder()
        self.statements: list[Statement] = []
        self.lock_conflicts: list[Problem] = []
        self.edges = np.zeros((0, 2), dtype=np.int64)
        self.edge_length_m = np.zeros(0)
        self.spatial: dict[str, Any] = {}
        self._cols_of: dict[int, np.ndarray] = {}
        #: columns after the x columns that are integer (binary), besides the x columns
        self.integer: list[np.ndarray] = []
        #: the key projects' columns (:class:`landopt.rules.projects.ProjectColumns`), or None
        self.projects: Any = None

    def _one_year(self, prep: Prepared) -> None:
        """One column per eligible pair, grouped by action (a scenario without a programme)."""
        parts = [np.flatnonzero(prep.eligible[a.name].to_numpy()) for a in self.scenario.actions]
        empty = np.zeros(0, np.int64)
        self.var_parcel = np.concatenate(parts).astype(np.int64) if parts else empty
        self.var_action = (
            np.concatenate([np.full(len(p), k, dtype=np.int64) for k, p in enumerate(parts)])
            if parts
            else empty
        )
        self.var_area = prep.area[self.var_parcel]
        self.var_cost = np.nan_to_num(
            np.concatenate([prep.column(a.cost)[p] for a, p in zip(self.scenario.actions, parts, strict=True)])
            if parts
            else np.zeros(0)
        )
        self.var_benefit = np.nan_to_num(
            np.concatenate(
                [
                    prep.column(a.benefit)[p] if a.benefit else np.zeros(len(p))
                    for a, p in zip(self.scenario.actions, parts, strict=True)
                ]
            )
            if parts
            else np.zeros(0)
        )
        year = self.scenario.year or 0
        self.var_year = np.full(len(self.var_parcel), year, dtype=np.int64)
        self.var_stage = np.zeros(len(self.var_parcel), dtype=np.int64)
        self.var_end = self.var_year.copy()

    @property
    def n_vars(self) -> int:
        """Number of columns so far."""
        return len(self.c)

    def cols_of(self, action: int | str) -> np.ndarray:
        """The x columns of one action (by index or name)."""
        ai = action if isinstance(action, int) else self.scenario.action_names.index(action)
        if ai not in self._cols_of:
            self._cols_of[ai] = np.flatnonzero(self.var_action == ai)
        return self._cols_of[ai]

    def add_row(self, name: str, cols: np.ndarray, vals: np.ndarray, sense: str, rhs: float) -> int:
        """Add one row ``vals @ x[cols] (sense) rhs``; return its index."""
        return self.rows.add_row(name, cols, vals, sense, rhs)

    def add_block(self, **kwargs: Any) -> None:
        """Add many rows at once (see :meth:`_RowBuilder.add_block`)."""
        self.rows.add_block(**kwargs)

    def add_columns(
        self, c: np.ndarray, lb: np.ndarray, ub: np.ndarray, *, integer: bool = False
    ) -> np.ndarray:
        """Add columns after the existing ones (continuous, or integer when ``integer``);
        return their indices."""
        start = self.n_vars
        self.c = np.concatenate([self.c, np.asarray(c, dtype=float)])
        self.lb = np.concatenate([self.lb, np.asarray(lb, dtype=float)])
        self.ub = np.concatenate([self.ub, np.asarray(ub, dtype=float)])
        cols = np.arange(start, self.n_vars)
        if integer:
            self.integer.append(cols)
        return cols

    def add_statement(self, statement: Statement) -> None:
        """Record one of the planner's statements (the diagnosis relaxes them one by one)."""
        self.statements.append(statement)


class CheckContext:
    """A finished plan as the components' checks see it: the plan's own parcels only.

    Built by :func:`landopt.check.check_plan` from the plan's layer (its ``action``
    column), independently of the model. Components append :class:`~landopt.check.Check`
    objects and add their part of the objective to :attr:`objective` (or name a missing
    column in :attr:`missing`, or say in :attr:`inexact` why their part cannot be
    measured exactly).
    """

    def __init__(self, scenario: Scenario, parcels: pd.DataFrame, eligibility: Any) -> None:
        self.scenario = scenario
        self.parcels = parcels
        self.action = parcels["action"].astype(str).to_numpy()
        self.ids = parcels["parcel_id"].astype(str).to_numpy()
        self.area = pd.to_numeric(parcels["area_mu"], errors="coerce").to_numpy(float)
        self.sign = 1.0 if scenario.objective.sense == "minimize" else -1.0
        self.elig = eligibility
        self.objective = 0.0
        self.missing: list[str] = []
        self.inexact: list[str] = []
        self.cache: dict[str, Any] = {}
        self.x: np.ndarray | None = None
        self.model: Any = None
        #: a programme's record of steps done before it (an input, like the scenario), or None
        self.done: Any = None
        # a programme plan's own columns (see landopt.programme): start and completion year
        # of the first action, the second step of a sequence and its start year, stock land
        n = len(parcels)

        def years(col: str) -> np.ndarray:
            if col not in parcels.columns:
                return np.full(n, np.nan)
            return pd.to_numeric(parcels[col], errors="coerce").to_numpy(float)

        self.year = years("year")
        self.year_end = years("year_end")
        self.year2 = years("year2")
        self.action2 = (
            parcels["action2"].astype("string").fillna("none").to_numpy(str)
            if "action2" in parcels.columns
            else np.full(n, "none", dtype=object)
        )
        self.stock = (
            parcels["stock"].fillna(False).astype(bool).to_numpy()
            if "stock" in parcels.columns
            else np.zeros(n, dtype=bool)
        )

    def column(self, name: str) -> np.ndarray | None:
        """A numeric column of the plan's parcels, or ``None`` when it has no such column."""
        if name not in self.parcels.columns:
            return None
        return pd.to_numeric(self.parcels[name], errors="coerce").to_numpy(float)

    def on(self, action: str) -> np.ndarray:
        """Mask of the plots the plan gives ``action`` (as first action or second step)."""
        return (self.action == action) | (self.action2 == action)

    def on_rule(self, action: str) -> np.ndarray:
        """Plots that take ``action`` by the action's own rule: its first action, not on stock land."""
        return (self.action == action) & ~self.stock

    def money(self, action: str, column: np.ndarray, per_mu: str = "cost_per_mu") -> np.ndarray:
        """Per plot, ``column``'s value of the plan's ``action`` steps (0 elsewhere).

        A programme's ``then`` step where ``column`` is empty is worth the sequence's
        ``per_mu`` (``cost_per_mu`` or ``benefit_per_mu``) times the plot's area.
        """
        from landopt.programme import programme_of, step_value

        prog = programme_of(self.scenario)
        if prog is None:
            return np.where(self.on(action), np.nan_to_num(column), 0.0)
        value = step_value(prog, self.scenario.action(action), column, np.nan_to_num(self.area), per_mu)
        return np.where(self.on(action), value, 0.0)


class Component:
    """Base class of rule components; every method has a do-nothing default.

    Attributes
    ----------
    name
        The component's name (``"township_share"``).
    key
        The top-level scenario table it owns (``[township_share]``), or ``None`` when its
        settings live in the base schema (targets inside ``[actions.*]``, …).
    Spec
        The pydantic model of that table (frozen; ``extra="forbid"``).
    """

    name: ClassVar[str] = ""
    key: ClassVar[str | None] = None
    Spec: ClassVar[type[BaseModel] | None] = None

    def spec(self, scenario: Scenario) -> Any:
        """This component's settings in ``scenario`` (its ``Spec`` instance), or ``None``."""
        return scenario.rule(self.key) if self.key else None

    def active(self, scenario: Scenario) -> bool:
        """Whether the scenario uses this rule at all (default: it has the component's table)."""
        return self.key is None or self.spec(scenario) is not None

    def scenario_problems(self, scenario: Scenario) -> list[Problem]:
        """Problems of the settings against the rest of the scenario (unknown actions, …)."""
        return []

    def data_problems(self, scenario: Scenario, parcels: pd.DataFrame) -> list[Problem]:
        """Problems of the settings against the parcel layer (a column it reads is missing, …)."""
        return []

    def compile(self, b: ModelBuilder) -> None:
        """Write this rule's columns, rows, bounds, objective terms and statements."""

    def precheck(self, model: Any) -> list[str]:
        """Infeasibility of this rule that the data shows before any solving, with the numbers."""
        return []

    def cuts(self, model: Any) -> Cuts | None:
        """A cut generator for ``model`` when this rule is enforced lazily, else ``None``."""
        return None

    def check(self, ctx: CheckContext) -> list[Check]:
        """The independent checks of a finished plan (see :class:`CheckContext`)."""
        return []

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        """This rule of ``scenario`` in the planner's words, one line per statement."""
        return []
