r"""The integer program: compile a scenario and its parcels into solver-neutral arrays.

Formulation
-----------
Symbols

=================  ===========================================================
:math:`P`          parcels (rows of the layer), :math:`A` actions of the scenario
:math:`E`          eligible pairs :math:`(p, a)`: parcel *p* passes action *a*'s rule
:math:`x_{pa}`     1 if parcel *p* gets action *a*, else 0; one per pair in *E*
:math:`s_p`        area of parcel *p* in mu, from its geometry
:math:`k_{pa}`     cost of action *a* on parcel *p* (万元), the action's cost column
:math:`b_{pa}`     benefit of action *a* on parcel *p*, the action's benefit column
:math:`f_{pa}`     objective coefficient:
                   :math:`\sum_t w_t v_t(p, a) \pm \delta \cdot d_p`, where a term's value
                   :math:`v_t` is :math:`k_{pa}` ("cost"), :math:`b_{pa}` ("benefit") or a
                   parcel column, :math:`d_p` the negotiation difficulty and
                   :math:`\delta` the difficulty weight (+ when minimising, − when maximising)
:math:`n_a^-, n_a^+`  plot-count target range of action *a*
:math:`m_a^-, m_a^+`  area target range of action *a* (mu)
:math:`B_a, B`     budget of action *a*, total budget (万元)
=================  ===========================================================

Model::

    minimise (or maximise)   sum_{(p,a) in E} f_pa x_pa

    one_action[p]:   sum_{a:(p,a) in E} x_pa            <= 1      p with >= 2 eligible actions
    count[a]:        sum_{p:(p,a) in E} x_pa             = n_a     when n_a^- = n_a^+ = n_a
    count_min[a]:    sum_{p:(p,a) in E} x_pa            >= n_a^-   otherwise, when given
    count_max[a]:    sum_{p:(p,a) in E} x_pa            <= n_a^+   otherwise, when given
    area_min[a]:     sum_{p:(p,a) in E} s_p x_pa        >= m_a^-   when given
    area_max[a]:     sum_{p:(p,a) in E} s_p x_pa        <= m_a^+   when given
    budget[a]:       sum_{p:(p,a) in E} k_pa x_pa       <= B_a     when given
    budget_total:    sum_{(p,a) in E} k_pa x_pa         <= B       when given
    lock_in[p,a]:    x_pa = 1                                      lower bound 1
    lock_out[p,a]:   x_pa = 0                                      upper bound 0
    x_pa in {0, 1}

Zones (``[[spatial.zones]]``, :mod:`landopt.zones`): an exclusion zone and a touching rule
only narrow *E*. A priority zone k with actions A_k (all by default), bonus beta_k (万元 per
mu, ``bonus_wan_per_mu``) and minimum share rho_k (``min_share``), with Z_k the parcels in
it (at least ``IN_ZONE_SHARE`` = half their area inside) and [p in Z_k] 1 or 0, changes the
objective coefficient and adds one row per action (``_priority_zones``)::

    f_pa  -=  ± beta_k * s_p                          (p,a) in E, a in A_k, p in Z_k
                                                      (+ when minimising: a bonus either way)
    zone_share[k,a]:  sum_{p:(p,a) in E} ([p in Z_k] - rho_k) s_p x_pa  >= 0
                                                      a in A_k, when rho_k is given

i.e. at least the share rho_k of action a's chosen mu lies in the zone.

With a boundary-length (compactness) penalty (``[spatial] boundary_weight`` = w, 万元
per km; Marxan's BLM) on the actions S (all by default), let sel_p = sum_{a in S} x_pa,
C the parcels with a variable in S, I the parcels of an inner status (land already
cleared) not in C, l_p the perimeter and L_pq the shared boundary of neighbours (m)::

    objective  +=  ± w/1000 * [ sum_{p in C} (l_p - sum_{q in I} L_pq) sel_p
                                - 2 sum_{(p,q) in E_C} L_pq y_pq ]        (+ when minimising)
    edge_p[p,q]:     y_pq - sel_p  <= 0        (p,q) in E_C: neighbours both in C
    edge_q[p,q]:     y_pq - sel_q  <= 0
    0 <= y_pq <= 1   continuous

The bracket is the exposed boundary (m) of the chosen set: perimeters, less twice the
edges shared by two chosen plots, less edges against existing cleared land. The
objective rewards y_pq, so y_pq = min(sel_p, sel_q) at the optimum and the linearisation
is exact. One-sided edges (a neighbour outside C) are linear terms, not variables.

Penalty relaxation (:meth:`CompiledModel.penalty_relaxation`, the bound of last resort when
HiGHS cannot finish a penalised model): y_pq <= (sel_p + sel_q) / 2 follows from the two edge
rows, so replacing each y_pq by that estimate moves -w/1000 * L_pq onto sel_p and onto sel_q
and drops the y columns and edge rows. Its optimum is never worse than the penalised
optimum: a bound, and a plan that is also a plan of the penalised model.

Pairs outside *E* have no variable: a parcel that no rule admits can never be
chosen. Locks are bounds, not rows; the diagnosis treats each lock, like each
target and budget, as one statement of the planner that can be relaxed.

Row names in :class:`CompiledModel` are exactly the names above with the action's
name or the parcel's row number: ``count_clear``, ``area_min_upgrade``,
``budget_total``, ``one_action_17``, ``edge_p_17_18``, and ``zone_share_<k>_<action>``
with k the zone's position in ``[[spatial.zones]]`` (``zone_share_0_clear``); variables are ``x_17_clear`` and
``y_17_18``. The x columns come first (``n_x`` of them), then the y columns. Names never use
the parcel id, which PuLP would mangle (``P-12`` and ``P 12`` would collide).

Compilation is vectorised: the matrix is assembled from numpy arrays per action,
with no per-parcel Python loop.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from landopt.errors import Problem, ScenarioError
from landopt.scenario import Scenario, check_scenario_against
from landopt.zones import IN_ZONE_SHARE, effective_eligibility, zone_shares

if TYPE_CHECKING:
    import pulp

__all__ = ["CompiledModel", "Statement", "TargetRow", "compile_model", "target_rows"]

log = logging.getLogger(__name__)

Sense = Literal["<=", ">=", "=="]


@dataclass(frozen=True)
class Statement:
    """One thing the planner wrote that becomes rows or bounds: a target, a budget, a lock.

    Attributes
    ----------
    key
        Stable name, e.g. ``"count[clear]"``, ``"budget_total"``, ``"lock_in[P-12,clear]"``.
    kind
        ``"count"``, ``"area_min"``, ``"area_max"``, ``"budget"``, ``"lock_in"``, ``"lock_out"``.
    text
        The statement in the planner's words, e.g. ``"clear exactly 17 plots"``.
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


@dataclass(eq=False)
class CompiledModel:
    """The integer program as arrays, inspectable and testable without a solver.

    The objective is ``sense`` of ``c @ x``; rows are ``A @ x (senses) rhs``; bounds
    ``lb <= x <= ub`` with ``x`` binary. ``statements`` map the planner's targets,
    budgets and locks to the rows and bounds they own.
    """

    scenario: Scenario
    parcel_ids: np.ndarray
    area_mu: np.ndarray
    eligible: pd.DataFrame
    var_parcel: np.ndarray
    var_action: np.ndarray
    c: np.ndarray
    sense: Literal["minimize", "maximize"]
    A: sp.csr_matrix
    senses: np.ndarray
    rhs: np.ndarray
    row_names: list[str]
    lb: np.ndarray
    ub: np.ndarray
    var_cost: np.ndarray
    var_benefit: np.ndarray
    statements: list[Statement] = field(default_factory=list)
    lock_conflicts: list[Problem] = field(default_factory=list)
    edges: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    edge_length_m: np.ndarray = field(default_factory=lambda: np.zeros(0))
    spatial: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ shape
    @property
    def action_names(self) -> tuple[str, ...]:
        """Names of the actions, indexed by ``var_action``."""
        return self.scenario.action_names

    @property
    def n_vars(self) -> int:
        """Number of columns: the x of eligible pairs, then the y of shared edges."""
        return len(self.c)

    @property
    def n_x(self) -> int:
        """Number of x columns (eligible pairs); they come first."""
        return len(self.var_parcel)

    @property
    def integrality(self) -> np.ndarray:
        """True for integer (x) columns, False for continuous (y) ones."""
        return np.arange(self.n_vars) < self.n_x

    @property
    def penalised(self) -> np.ndarray:
        """True for the x columns of the penalised actions S (``sel_p`` sums them per parcel)."""
        S = [self.action_names.index(a) for a in self.spatial.get("actions", [])]
        return np.isin(self.var_action, S)

    @property
    def n_rows(self) -> int:
        """Number of constraint rows."""
        return self.A.shape[0]

    @property
    def var_names(self) -> list[str]:
        """Variable names ``x_<row>_<action>``."""
        acts = np.asarray(self.action_names, dtype=object)[self.var_action]
        xs = [f"x_{p}_{a}" for p, a in zip(self.var_parcel.tolist(), acts, strict=True)]
        return xs + [f"y_{p}_{q}" for p, q in self.edges.tolist()]

    @property
    def row_lower(self) -> np.ndarray:
        """Row lower bounds (−inf for ``<=`` rows)."""
        return np.where(self.senses == "<=", -np.inf, self.rhs)

    @property
    def row_upper(self) -> np.ndarray:
        """Row upper bounds (+inf for ``>=`` rows)."""
        return np.where(self.senses == ">=", np.inf, self.rhs)

    def row(self, name: str) -> tuple[dict[str, float], str, float]:
        """One row by name: its coefficients by variable name, its sense and right-hand side."""
        i = self.row_names.index(name)
        r = self.A.getrow(i)
        names = self.var_names
        coefs = {names[j]: float(v) for j, v in zip(r.indices, r.data, strict=True)}
        return coefs, str(self.senses[i]), float(self.rhs[i])

    def statement(self, key: str) -> Statement:
        """The statement called ``key``."""
        for s in self.statements:
            if s.key == key:
                return s
        raise KeyError(f"no statement {key!r}; the model has {[s.key for s in self.statements]}")

    def objective_value(self, x: np.ndarray) -> float:
        """Objective of a 0/1 vector ``x``."""
        return float(self.c @ x)

    def choice(self, x: np.ndarray) -> np.ndarray:
        """The action index chosen for each parcel (−1 for none), from a 0/1 vector."""
        out = np.full(len(self.parcel_ids), -1, dtype=np.int64)
        on = np.asarray(x)[: self.n_x] > 0.5
        out[self.var_parcel[on]] = self.var_action[on]
        return out

    def penalty_relaxation(self) -> CompiledModel:
        """The model with each edge variable replaced by its upper estimate; a relaxation.

        Since ``y_pq <= sel_p`` and ``y_pq <= sel_q``, also ``y_pq <= (sel_p + sel_q) / 2``:
        giving each end of an edge half of the edge's objective term treats every shared
        boundary with another candidate as if that candidate were chosen too. What is left
        is x columns only, every row but the edge rows, and an objective that is never worse
        than the penalised one, so its proven bound bounds this model (from below when
        minimising, from above when maximising), and its plan is a plan of this model.
        """
        if not len(self.edges):
            return self
        nx = self.n_x
        half = np.zeros(len(self.parcel_ids))
        cy = self.c[nx:] / 2.0
        np.add.at(half, self.edges[:, 0], cy)
        np.add.at(half, self.edges[:, 1], cy)
        c = self.c[:nx] + np.where(self.penalised, half[self.var_parcel], 0.0)
        keep = np.array([not n.startswith("edge_") for n in self.row_names])
        new_index = np.cumsum(keep) - 1
        statements = [
            replace(st, rows=tuple(int(new_index[r]) for r in st.rows if keep[r]))
            for st in self.statements
        ]
        return replace(
            self,
            c=c,
            A=self.A[keep][:, :nx].tocsr(),
            senses=self.senses[keep],
            rhs=self.rhs[keep],
            row_names=[n for n, k in zip(self.row_names, keep, strict=True) if k],
            lb=self.lb[:nx],
            ub=self.ub[:nx],
            statements=statements,
            edges=np.zeros((0, 2), dtype=np.int64),
            edge_length_m=np.zeros(0),
            spatial={**self.spatial, "relaxed": True},
        )

    def retarget(self, scenario: Scenario) -> CompiledModel | None:
        """The same model with another scenario's target and budget numbers, without recompiling.

        Returns ``None`` when the other scenario differs in more than those numbers (other
        rules, objective, locks, or a target added or removed): compile it afresh then.
        """
        same = replace(
            scenario,
            actions=tuple(
                replace(a, targets=b.targets, budget=b.budget)
                for a, b in zip(scenario.actions, self.scenario.actions, strict=False)
            ),
            budget_total=self.scenario.budget_total,
        )
        if len(scenario.actions) != len(self.scenario.actions) or same != self.scenario:
            return None
        specs = target_rows(scenario)
        index = {name: i for i, name in enumerate(self.row_names)}
        if [sp.name for sp in specs] != [
            n for n in self.row_names if n in index and not n.startswith("one_action_")
        ]:
            return None
        rhs = self.rhs.copy()
        for spec in specs:
            rhs[index[spec.name]] = spec.rhs
        texts = {spec.key: spec.text for spec in specs}
        statements = [replace(st, text=texts.get(st.key, st.text)) for st in self.statements]
        return replace(self, scenario=scenario, rhs=rhs, statements=statements)

    # ------------------------------------------------------------------ PuLP
    def to_pulp(self, name: str | None = None) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
        """The model as a PuLP problem, for power users: add rows, export .lp/.mps, any solver.

        Returns
        -------
        problem, variables
            ``variables[j]`` is the PuLP variable of column ``j`` (same order as ``c``).

        Examples
        --------
        >>> prob, x = model.to_pulp()  # doctest: +SKIP
        >>> prob += x[0] + x[1] <= 1, "my_rule"  # doctest: +SKIP
        >>> prob.writeMPS("plan.mps")  # doctest: +SKIP
        """
        import pulp

        sense = pulp.LpMinimize if self.sense == "minimize" else pulp.LpMaximize
        prob = pulp.LpProblem(name or _pulp_safe(self.scenario.name), sense)
        names = self.var_names
        lb = self.lb.tolist()
        ub = self.ub.tolist()
        # add_variable and (var, coef)-pair expressions exist in PuLP 3.3 and 4.x alike
        # a Binary variable gets bounds 0..1 whatever is asked, so locked ones are Integer
        cats = [
            pulp.LpContinuous
            if k >= self.n_x
            else pulp.LpBinary
            if (lo, hi) == (0.0, 1.0)
            else pulp.LpInteger
            for k, (lo, hi) in enumerate(zip(lb, ub, strict=True))
        ]
        xs = [prob.add_variable(names[j], lb[j], ub[j], cats[j]) for j in range(self.n_vars)]
        prob.setObjective(affine_expression(zip(xs, self.c.tolist(), strict=True)))
        csr = self.A.tocsr()
        for i, rname in enumerate(self.row_names):
            lo, hi = csr.indptr[i], csr.indptr[i + 1]
            expr = affine_expression(
                zip([xs[j] for j in csr.indices[lo:hi]], csr.data[lo:hi].tolist(), strict=True)
            )
            rhs = float(self.rhs[i])
            if self.senses[i] == "<=":
                prob.addConstraint(expr <= rhs, rname)
            elif self.senses[i] == ">=":
                prob.addConstraint(expr >= rhs, rname)
            else:
                prob.addConstraint(expr == rhs, rname)
        return prob, xs


@dataclass(frozen=True)
class TargetRow:
    """One row that a target or budget of the scenario writes (see the formulation)."""

    name: str
    key: str
    kind: str
    text: str
    action: str | None
    action_index: int
    coef: Literal["one", "area", "cost"]
    sense: Sense
    rhs: float


def target_rows(scenario: Scenario) -> list[TargetRow]:
    """The count, area and budget rows of a scenario, in model order.

    Only the right-hand sides depend on the numbers of the targets; the row set depends
    on which targets are given. :meth:`CompiledModel.retarget` relies on this.
    """
    out: list[TargetRow] = []
    for ai, a in enumerate(scenario.actions):
        t, lab = a.targets, a.name

        def row(
            name: str, key: str, kind: str, text: str, coef: str, sense: str, rhs: float
        ) -> None:
            out.append(TargetRow(name, key, kind, text, lab, ai, coef, sense, float(rhs)))  # noqa: B023

        if t.count_exact:
            row(
                f"count_{lab}",
                f"count[{lab}]",
                "count",
                f"{lab}: exactly {t.count_min} plots",
                "one",
                "==",
                t.count_min,
            )
        else:
            words = f"{lab}: {t.describe().split(', ')[0]}"
            if t.count_min is not None:
                row(f"count_min_{lab}", f"count[{lab}]", "count", words, "one", ">=", t.count_min)
            if t.count_max is not None:
                row(f"count_max_{lab}", f"count[{lab}]", "count", words, "one", "<=", t.count_max)
        if t.area_min is not None:
            row(
                f"area_min_{lab}",
                f"area_min[{lab}]",
                "area_min",
                f"{lab}: at least {t.area_min:,.1f} mu",
                "area",
                ">=",
                t.area_min,
            )
        if t.area_max is not None:
            row(
                f"area_max_{lab}",
                f"area_max[{lab}]",
                "area_max",
                f"{lab}: at most {t.area_max:,.1f} mu",
                "area",
                "<=",
                t.area_max,
            )
        if a.budget is not None:
            row(
                f"budget_{lab}",
                f"budget[{lab}]",
                "budget",
                f"{lab} budget {a.budget:,.0f} 万元",
                "cost",
                "<=",
                a.budget,
            )
    if scenario.budget_total is not None:
        out.append(
            TargetRow(
                "budget_total",
                "budget_total",
                "budget",
                f"total budget {scenario.budget_total:,.0f} 万元",
                None,
                -1,
                "cost",
                "<=",
                scenario.budget_total,
            )
        )
    return out


def compile_model(
    scenario: Scenario, parcels: pd.DataFrame, *, adjacency: Any = None
) -> CompiledModel:
    """Compile a scenario on a parcel layer into a :class:`CompiledModel`.

    Parameters
    ----------
    scenario
        The planning question.
    parcels
        The layer from :func:`landopt.read_parcels` (needs ``parcel_id``, ``area_mu`` and
        the columns the scenario names).
    adjacency
        A precomputed :class:`landopt.adjacency.Adjacency` of ``parcels``, for the boundary
        penalty; computed (and cached) from the geometry when needed and not given.

    Raises
    ------
    ScenarioError
        When the scenario names columns or parcels the layer does not have, or an
        eligible parcel lacks the cost its action spends.
    """
    problems = check_scenario_against(scenario, parcels)
    if "area_mu" not in parcels.columns:
        problems.append(
            Problem(
                "parcels",
                "area_mu",
                "missing",
                "read the layer with landopt.read_parcels, which computes it",
            )
        )
    if problems:
        src = str(scenario.source) if scenario.source else scenario.name
        raise ScenarioError(src, problems)

    n = len(parcels)
    elig = effective_eligibility(scenario, parcels)
    actions = scenario.actions
    area = parcels["area_mu"].to_numpy(dtype=float)
    ids = parcels["parcel_id"].astype(str).to_numpy()

    # ---- decisions: one column per eligible pair, grouped by action
    var_parcel_parts, var_action_parts, cost_parts, benefit_parts, c_parts = [], [], [], [], []
    obj = scenario.objective
    diff = (
        pd.to_numeric(parcels["difficulty"], errors="coerce").fillna(0).to_numpy(float)
        if obj.difficulty_weight
        else None
    )
    for ai, a in enumerate(actions):
        rows = np.flatnonzero(elig[a.name].to_numpy())
        cost = _column(parcels, a.cost)[rows]
        benefit = _column(parcels, a.benefit)[rows] if a.benefit else np.zeros(len(rows))
        coef = np.zeros(len(rows))
        for of, w in obj.terms:
            if of == "cost":
                coef += w * cost
            elif of == "benefit":
                coef += w * benefit
            else:
                coef += w * _column(parcels, of)[rows]
        if diff is not None:
            sign = 1.0 if obj.sense == "minimize" else -1.0
            coef += sign * obj.difficulty_weight * diff[rows]
        var_parcel_parts.append(rows)
        var_action_parts.append(np.full(len(rows), ai, dtype=np.int64))
        cost_parts.append(cost)
        benefit_parts.append(benefit)
        c_parts.append(coef)
    var_parcel = np.concatenate(var_parcel_parts) if actions else np.zeros(0, np.int64)
    var_action = np.concatenate(var_action_parts) if actions else np.zeros(0, np.int64)
    var_cost = np.nan_to_num(np.concatenate(cost_parts))
    var_benefit = np.nan_to_num(np.concatenate(benefit_parts))
    c = np.nan_to_num(np.concatenate(c_parts))
    nv = len(c)
    var_area = area[var_parcel]
    cols_of = [np.flatnonzero(var_action == ai) for ai in range(len(actions))]

    # ---- rows, assembled as COO triplets
    b = _RowBuilder()
    statements: list[Statement] = []

    # one_action[p]: parcels with two or more eligible actions
    per_parcel = np.bincount(var_parcel, minlength=n)
    multi = np.flatnonzero(per_parcel >= 2)
    if len(multi):
        sel = np.isin(var_parcel, multi)
        cols = np.flatnonzero(sel)
        row_of_parcel = np.full(n, -1, dtype=np.int64)
        row_of_parcel[multi] = np.arange(len(multi))
        b.add_block(
            row_local=row_of_parcel[var_parcel[cols]],
            cols=cols,
            vals=np.ones(len(cols)),
            names=[f"one_action_{p}" for p in multi.tolist()],
            senses="<=",
            rhs=np.ones(len(multi)),
        )

    coef_of = {
        "one": lambda cols: np.ones(len(cols)),
        "area": lambda cols: var_area[cols],
        "cost": lambda cols: var_cost[cols],
    }
    by_key: dict[str, list[int]] = {}
    for spec in target_rows(scenario):
        cols = np.arange(nv) if spec.action is None else cols_of[spec.action_index]
        r = b.add_row(spec.name, cols, coef_of[spec.coef](cols), spec.sense, spec.rhs)
        if spec.key not in by_key:
            by_key[spec.key] = []
            statements.append(Statement(spec.key, spec.kind, spec.text, (), action=spec.action))
        by_key[spec.key].append(r)
    statements = [replace(st, rows=tuple(by_key[st.key])) for st in statements]

    # ---- locks: bounds
    lb = np.zeros(nv)
    ub = np.ones(nv)
    lock_conflicts: list[Problem] = []
    row_of_id = pd.Series(np.arange(n), index=ids)
    pair_index = pd.Series(np.arange(nv), index=pd.MultiIndex.from_arrays([var_parcel, var_action]))
    act_index = {a.name: i for i, a in enumerate(actions)}
    for pid, aname in scenario.locks.include:
        p = int(row_of_id[pid])
        key = (p, act_index[aname])
        if key not in pair_index.index:
            why = _why_ineligible(scenario.action(aname), parcels.iloc[[p]])
            lock_conflicts.append(
                Problem(
                    "[locks.include]",
                    pid,
                    f"is forced into {aname} but is not eligible for it ({why})",
                    f"remove the lock or change {aname}'s eligibility rule",
                )
            )
            continue
        j = int(pair_index[key])
        lb[j] = 1.0
        statements.append(
            Statement(
                f"lock_in[{pid},{aname}]",
                "lock_in",
                f"parcel {pid} forced into {aname}",
                cols=(j,),
                action=aname,
            )
        )
    for pid, anames in scenario.locks.exclude:
        p = int(row_of_id[pid])
        names = scenario.action_names if anames is None else anames
        cols = [
            int(pair_index[(p, act_index[x])])
            for x in names
            if (p, act_index[x]) in pair_index.index
        ]
        ub[cols] = 0.0
        what = "all actions" if anames is None else ", ".join(anames)
        statements.append(
            Statement(
                f"lock_out[{pid}]", "lock_out", f"parcel {pid} kept out of {what}", cols=tuple(cols)
            )
        )
    # two lock-ins on one parcel
    inc_parcels = pd.Series([pid for pid, _ in scenario.locks.include])
    for pid in inc_parcels[inc_parcels.duplicated()].unique():
        acts = [a for p, a in scenario.locks.include if p == pid]
        lock_conflicts.append(
            Problem(
                "[locks.include]",
                pid,
                f"is forced into several actions ({', '.join(acts)})",
                "a parcel gets at most one action: keep one lock",
            )
        )

    if any(z.kind == "priority" for z in scenario.spatial.zones):
        c = _priority_zones(scenario, parcels, var_parcel, var_action, c, area, b, statements)
    edges = np.zeros((0, 2), dtype=np.int64)
    edge_len = np.zeros(0)
    spatial: dict[str, Any] = {}
    if scenario.spatial.active:
        c, lb, ub, edges, edge_len, spatial = _boundary_penalty(
            scenario, parcels, var_parcel, var_action, c, lb, ub, b, adjacency
        )
        nv = len(c)
    A, senses, rhs, row_names = b.build(nv)
    log.info(
        "compiled %s: %d variables, %d rows, %d non-zeros", scenario.name, nv, A.shape[0], A.nnz
    )
    return CompiledModel(
        scenario=scenario,
        parcel_ids=ids,
        area_mu=area,
        eligible=elig,
        var_parcel=var_parcel,
        var_action=var_action,
        c=c,
        sense=obj.sense,
        A=A,
        senses=senses,
        rhs=rhs,
        row_names=row_names,
        lb=lb,
        ub=ub,
        var_cost=var_cost,
        var_benefit=var_benefit,
        statements=statements,
        lock_conflicts=lock_conflicts,
        edges=edges,
        edge_length_m=edge_len,
        spatial=spatial,
    )


def _priority_zones(
    scenario: Scenario,
    parcels: pd.DataFrame,
    var_parcel: np.ndarray,
    var_action: np.ndarray,
    c: np.ndarray,
    area: np.ndarray,
    b: _RowBuilder,
    statements: list[Statement],
) -> np.ndarray:
    """Bonuses and minimum shares of priority zones (``zone_share_<k>_<action>`` rows)."""
    shares = zone_shares(scenario, parcels)
    sign = 1.0 if scenario.objective.sense == "minimize" else -1.0
    names = scenario.action_names
    c = c.copy()
    for k, z in enumerate(scenario.spatial.zones):
        if z.kind != "priority":
            continue
        inside = shares[z.name] >= IN_ZONE_SHARE
        acts = [names.index(a) for a in (z.actions or names)]
        hit = np.isin(var_action, acts) & inside[var_parcel]
        c[hit] -= sign * z.bonus_wan_per_mu * area[var_parcel[hit]]
        if z.min_share is None:
            continue
        for ai in acts:
            cols = np.flatnonzero(var_action == ai)
            coef = (inside[var_parcel[cols]].astype(float) - z.min_share) * area[var_parcel[cols]]
            r = b.add_row(f"zone_share_{k}_{names[ai]}", cols, coef, ">=", 0.0)
            statements.append(
                Statement(
                    f"zone_share[{z.name},{names[ai]}]",
                    "zone_share",
                    f"{names[ai]}: at least {z.min_share:.0%} of its mu in {z.name}",
                    (r,),
                    action=names[ai],
                )
            )
    return c


def boundary_sets(
    scenario: Scenario, parcels: pd.DataFrame, eligible: pd.DataFrame
) -> tuple[list[int], np.ndarray, np.ndarray]:
    """The penalised actions S, the candidates C (parcels eligible for an action in S) and
    the inner parcels I (an inner status, not in C), as in the formulation."""
    opts = scenario.spatial
    S = [
        k
        for k, a in enumerate(scenario.actions)
        if not opts.boundary_actions or a.name in opts.boundary_actions
    ]
    cand = eligible[[scenario.actions[k].name for k in S]].to_numpy().any(axis=1)
    inner = parcels["status"].astype(str).isin(opts.inner_status).to_numpy() & ~cand
    return S, cand, inner


def _boundary_penalty(
    scenario: Scenario,
    parcels: pd.DataFrame,
    var_parcel: np.ndarray,
    var_action: np.ndarray,
    c: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    b: _RowBuilder,
    adj: Any,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
    """Add the boundary penalty's linear terms to c and its y columns and edge rows to b."""
    from landopt.adjacency import adjacency as build_adjacency

    opts = scenario.spatial
    n = len(parcels)
    if adj is None:
        adj = build_adjacency(parcels, tolerance=opts.tolerance_m)
    elig = effective_eligibility(scenario, parcels)
    S, cand, inner = boundary_sets(scenario, parcels, elig)
    sign = 1.0 if scenario.objective.sense == "minimize" else -1.0
    w = sign * opts.boundary_weight / 1000.0  # 万元 per metre
    i, j, length = adj.i, adj.j, adj.length_m
    lin = adj.perimeter_m.astype(float).copy()
    m = cand[i] & inner[j]
    np.subtract.at(lin, i[m], length[m])
    m = cand[j] & inner[i]
    np.subtract.at(lin, j[m], length[m])
    in_s = np.isin(var_action, S)
    c = c + np.where(in_s, w * lin[var_parcel], 0.0)
    both = cand[i] & cand[j]
    ei, ej, el = i[both], j[both], length[both]
    k = len(ei)
    nx = len(c)
    # sel_p as a sparse parcel-by-column matrix, to pick rows for each edge's ends
    cols_s = np.flatnonzero(in_s)
    sel = sp.csr_matrix((np.ones(len(cols_s)), (var_parcel[cols_s], cols_s)), shape=(n, nx))
    for side, ends in (("p", ei), ("q", ej)):
        part = (-sel[ends]).tocoo()
        rows = np.concatenate([part.row, np.arange(k)])
        cols = np.concatenate([part.col, nx + np.arange(k)])
        vals = np.concatenate([part.data, np.ones(k)])
        b.add_block(
            row_local=rows,
            cols=cols,
            vals=vals,
            names=[f"edge_{side}_{p}_{q}" for p, q in zip(ei.tolist(), ej.tolist(), strict=True)],
            senses="<=",
            rhs=np.zeros(k),
        )
    c = np.concatenate([c, -2.0 * w * el])
    lb = np.concatenate([lb, np.zeros(k)])
    ub = np.concatenate([ub, np.ones(k)])
    info = {
        "boundary_weight_wan_per_km": opts.boundary_weight,
        "actions": [scenario.actions[s_].name for s_ in S],
        "candidates": int(cand.sum()),
        "inner_parcels": int(inner.sum()),
        "edge_variables": int(k),
        "adjacency": adj.record(),
    }
    return c, lb, ub, np.stack([ei, ej], axis=1).astype(np.int64), el.astype(float), info


class _RowBuilder:
    """Collects rows as COO triplets and builds the CSR matrix once."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.names: list[str] = []
        self.senses: list[np.ndarray] = []
        self.rhs: list[np.ndarray] = []
        self.n = 0

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
        self.rows.append(row_local + self.n)
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.asarray(vals, dtype=float))
        self.names.extend(names)
        self.senses.append(np.full(len(names), senses, dtype=object))
        self.rhs.append(np.asarray(rhs, dtype=float))
        self.n += len(names)

    def add_row(self, name: str, cols: np.ndarray, vals: np.ndarray, sense: str, rhs: float) -> int:
        i = self.n
        self.add_block(
            row_local=np.zeros(len(cols), dtype=np.int64),
            cols=cols,
            vals=vals,
            names=[name],
            senses=sense,
            rhs=np.array([rhs]),
        )
        return i

    def build(self, n_vars: int) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, list[str]]:
        if not self.names:
            return sp.csr_matrix((0, n_vars)), np.zeros(0, dtype=object), np.zeros(0), []
        A = sp.csr_matrix(
            (np.concatenate(self.vals), (np.concatenate(self.rows), np.concatenate(self.cols))),
            shape=(self.n, n_vars),
        )
        senses = np.concatenate(self.senses).astype("<U2")
        return A, senses, np.concatenate(self.rhs), self.names


def _column(df: pd.DataFrame, name: str | None) -> np.ndarray:
    if not name:
        return np.zeros(len(df))
    return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float)


def _why_ineligible(action, row: pd.DataFrame) -> str:
    """Name the leaf conditions a single parcel fails (for lock messages)."""
    failed: list[str] = []

    def walk(rule) -> None:
        if rule.kind == "leaf":
            if not bool(rule.evaluate(row)[0]):
                failed.append(rule.describe())
        else:
            for ch in rule.children:
                if not bool(ch.evaluate(row)[0]):
                    walk(ch)

    walk(action.eligible)
    return "fails " + "; ".join(failed) if failed else "fails the rule"


def affine_expression(pairs: Iterable[tuple[Any, float]]) -> Any:
    """A PuLP linear expression from (variable, coefficient) pairs, in one pass.

    PuLP 4 builds it in its Rust core (``lpSum_vars_coefs``); PuLP 3.3 takes the
    pairs in ``LpAffineExpression``. Both avoid the quadratic cost of ``+`` in a loop.
    """
    import pulp

    if hasattr(pulp, "lpSum_vars_coefs"):
        return pulp.lpSum_vars_coefs(pairs)
    return pulp.LpAffineExpression(pairs)


def _pulp_safe(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name) or "landopt"
