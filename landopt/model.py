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

    minimise (or maximise)   sum_{(p,a) in E} f_pa x_pa  (+ the boundary penalty's y terms)
    subject to               the rows of every rule component the scenario uses
    x_pa in {0, 1}           (p, a) in E

Each kind of rule is one component in :mod:`landopt.rules`, which writes its rows from the
prepared problem (:mod:`landopt.prepare`) and carries its part of the formulation in its
module docstring; :func:`compile_model` applies them in the order of
:data:`landopt.rules.COMPONENTS`:

=========================  ===================================================================
eligibility                E itself: rules, exclusion zones and touching rules (no rows)
objective                  f_pa from the objective's terms and the difficulty weight
one_action                 ``one_action[p]``: at most one action per parcel
targets                    ``count[a]``, ``count_min[a]``, ``count_max[a]``, ``area_min[a]``, ``area_max[a]``
budgets                    ``budget[a]``, ``budget_total``
locks                      bounds ``lock_in[p,a]`` (x = 1) and ``lock_out[p,a]`` (x = 0)
programme                  a programme's yearly columns x_pat, x'_pat and ``sequence[p,t']``
programme_targets          ``count[a,y]``, ``area_min[a,by<y>]``, …, ``budget[y]``, ``budget[a,y]``
programme_capacity         ``capacity[y]``, ``capacity[y,g]``
programme_benefit          ``benefit[by<T>]``
programme_locks            ``lock[p,a,y]``
priority_zones             bonuses in f_pa and ``zone_share[k,a]``
township_share             ``township_share[a,g]``
projects                   u_pj, w_j, z_j; ``serve_once[p]``, ``site_min[j]``, ``site_max[j]``, ``must_land[j]``; lazy contiguity cuts or ``flow_*[j]`` rows
boundary                   y_pq columns, ``edge_p[p,q]``/``edge_q[p,q]`` rows and linear terms
min_block                  lazy ``block_cut[k]`` rows, added by the solve layer
=========================  ===================================================================

``docs/formulation.md`` gathers the whole model on one page from these docstrings
(``python scripts/make_formulation.py``; a test keeps it current).

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

A scenario with ``[programme] years = [y_0, …, y_N]`` has one x column per (parcel,
action, start year, stage) instead (:mod:`landopt.programme`): ``var_year``, ``var_stage``
(0 first action, 1 the second step of a sequence) and ``var_end`` (completion year) label
them, the variables are named ``x_17_clear_2023`` and ``x2_17_revitalize_2024``, and the
money terms of the objective are present values at the discount rate rho (see
:mod:`landopt.rules.objective`). A one-year scenario has ``var_year`` its year (or 0),
``var_stage`` 0 and ``var_end`` = ``var_year``, and compiles exactly as without them.

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

from landopt.prepare import Prepared, prepare
from landopt.rules import active_components
from landopt.rules.base import ModelBuilder, Statement
from landopt.scenario import Scenario

if TYPE_CHECKING:
    import pulp

    from landopt.errors import Problem

__all__ = ["CompiledModel", "Statement", "compile_model"]

log = logging.getLogger(__name__)

Sense = Literal["<=", ">=", "=="]


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
    prepared: Prepared | None = field(default=None, repr=False)
    #: start year, stage (0 first action, 1 second step of a sequence) and completion year
    #: of each x column; a one-year scenario has its year (or 0), stage 0, end = year
    var_year: np.ndarray | None = None
    var_stage: np.ndarray | None = None
    var_end: np.ndarray | None = None
    #: a programme's stock parcels (cleared land before its first year), by parcel row
    stock: np.ndarray | None = None
    #: columns after the x columns that are integer (binary), e.g. the key projects' u and w
    integer_cols: np.ndarray | None = None
    #: the key projects' columns (:class:`landopt.rules.projects.ProjectColumns`), or None
    projects: Any = None

    def __post_init__(self) -> None:
        n = len(self.var_parcel)
        if self.var_year is None:
            self.var_year = np.full(n, self.scenario.year or 0, dtype=np.int64)
        if self.var_stage is None:
            self.var_stage = np.zeros(n, dtype=np.int64)
        if self.var_end is None:
            self.var_end = self.var_year.copy()

    @property
    def is_programme(self) -> bool:
        """Whether the scenario plans several years (``[programme]``)."""
        return self.scenario.rule("programme") is not None

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
        """True for integer columns (x, and those in ``integer_cols``), False for continuous (y) ones."""
        out = np.arange(self.n_vars) < self.n_x
        if self.integer_cols is not None and len(self.integer_cols):
            out[self.integer_cols] = True
        return out

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
        """Variable names ``x_<row>_<action>`` (a programme: ``x_<row>_<action>_<year>``, and
        ``x2_<row>_<action>_<year>`` for the second step of a sequence)."""
        acts = np.asarray(self.action_names, dtype=object)[self.var_action]
        if self.is_programme:
            xs = [
                f"x{'2' if g else ''}_{p}_{a}_{y}"
                for p, a, y, g in zip(
                    self.var_parcel.tolist(), acts, self.var_year.tolist(), self.var_stage.tolist(), strict=True
                )
            ]
        else:
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
        """The action index chosen for each parcel (−1 for none), from a 0/1 vector.

        In a programme this is the first action (stage 0) of each parcel.
        """
        out = np.full(len(self.parcel_ids), -1, dtype=np.int64)
        on = (np.asarray(x)[: self.n_x] > 0.5) & (self.var_stage == 0)
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
        """The same model with another scenario's right-hand sides, for a warm HiGHS session.

        The variant is compiled from the same prepared problem; the result is that model
        when it differs from this one only in right-hand sides (targets and budgets
        changed), and ``None`` otherwise (other rules, objective, locks, or a row added
        or removed): solve it as a fresh model then (:meth:`variant` compiles either).
        """
        if self.prepared is None or not self.prepared.serves(scenario):
            return None  # other rules, zones or columns: not even compiled here
        other = self.variant(scenario)
        return other if self.differs_only_in_rhs(other) else None

    def variant(self, scenario: Scenario) -> CompiledModel:
        """``scenario`` compiled, from this model's prepared problem when it serves."""
        if self.prepared is not None and self.prepared.serves(scenario):
            return compile_model(self.prepared.with_scenario(scenario))
        return compile_model(scenario, self.prepared.parcels if self.prepared else None)

    def differs_only_in_rhs(self, other: CompiledModel) -> bool:
        """Whether ``other`` has this model's columns, rows, objective and bounds."""
        return (
            len(other.scenario.actions) == len(self.scenario.actions)
            and other.row_names == self.row_names
            and np.array_equal(other.c, self.c)
            and np.array_equal(other.lb, self.lb)
            and np.array_equal(other.ub, self.ub)
            and np.array_equal(other.senses, self.senses)
            and other.A.shape == self.A.shape
            and (other.A != self.A).nnz == 0
        )

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
        integer = self.integrality
        cats = [
            pulp.LpContinuous
            if not integer[k]
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


def compile_model(
    scenario: Scenario | Prepared, parcels: pd.DataFrame | None = None, *, adjacency: Any = None
) -> CompiledModel:
    """Compile a scenario on a parcel layer into a :class:`CompiledModel`.

    The registered rule components (:data:`landopt.rules.COMPONENTS`) write their
    columns, rows, bounds and objective terms in their written order; see the module
    docstring for the whole formulation.

    Parameters
    ----------
    scenario
        The planning question, or a :class:`~landopt.prepare.Prepared` problem (then
        ``parcels`` and ``adjacency`` are not needed).
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
    if isinstance(scenario, Prepared):
        prep = scenario
    else:
        if parcels is None:
            raise TypeError("compile_model needs the parcels (or a Prepared problem)")
        prep = prepare(scenario, parcels, adjacency=adjacency)
    sc = prep.scenario
    b = ModelBuilder(prep)
    for comp in active_components(sc):
        comp.compile(b)
    A, senses, rhs, row_names = b.rows.build(b.n_vars)
    log.info("compiled %s: %d variables, %d rows, %d non-zeros", sc.name, b.n_vars, A.shape[0], A.nnz)
    return CompiledModel(
        scenario=sc,
        parcel_ids=prep.ids,
        area_mu=prep.area,
        eligible=prep.eligible,
        var_parcel=b.var_parcel,
        var_action=b.var_action,
        c=b.c,
        sense=sc.objective.sense,
        A=A,
        senses=senses,
        rhs=rhs,
        row_names=row_names,
        lb=b.lb,
        ub=b.ub,
        var_cost=b.var_cost,
        var_benefit=b.var_benefit,
        statements=b.statements,
        lock_conflicts=b.lock_conflicts,
        edges=b.edges,
        edge_length_m=b.edge_length_m,
        spatial=b.spatial,
        prepared=prep,
        var_year=b.var_year,
        var_stage=b.var_stage,
        var_end=b.var_end,
        stock=b.columns.stock if b.columns is not None else None,
        integer_cols=np.concatenate(b.integer) if b.integer else None,
        projects=b.projects,
    )


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
