"""Why targets cannot be met, in the planner's terms, and how close a plan can get.

Three steps, each at the level the planner wrote (targets, budgets, locks), never
solver rows:

1. :func:`precheck` catches what the data already shows, with the numbers: too few
   eligible plots, the largest eligible plots too small for an area target, budgets
   below the cheapest way to meet a target, lock conflicts.
2. :func:`conflict_set` finds an irreducible set of statements that cannot hold
   together (a deletion filter: drop each statement in turn, keep it dropped if the rest
   is still infeasible; what remains is irreducible: dropping any one of them makes the
   rest feasible. It is not necessarily the smallest such set). A check that hits its
   time limit is *undecided*: its statement is kept and a note says so.
3. :func:`closest_plan` solves an elastic version in which every count and area target
   may fall short at a price (relative shortfall, so plots and mu weigh alike), then,
   with the least shortfall fixed, the scenario's own objective. It is labelled optimal
   only when both phases were proven; otherwise time-limited.

The phases share one time budget (:class:`landopt.solving.Deadline`).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from landopt.i18n import MESSAGES, t
from landopt.model import CompiledModel, Statement
from landopt.rules import active_components
from landopt.scenario import SolverOptions
from landopt.solvers import HighsSession, SolverResult, highs_from_model, run_highs
from landopt.solving import Deadline, cut_generators, solve_compiled

__all__ = [
    "Diagnosis",
    "Shortfall",
    "closest_plan",
    "conflict_set",
    "diagnose",
    "precheck",
    "solver_message",
    "status_word",
]

log = logging.getLogger(__name__)


def status_word(status: str, lang: str | None = "en") -> str:
    """A solver status (``optimal``, ``time_limit``, …) in words for people (最优, 达到时限)."""
    key = f"diagnose.status.{status}"
    return t(key, lang) if key in MESSAGES else status


def solver_message(message: str, lang: str | None = "en") -> str:
    """A solver's message for people: HiGHS's status texts (``Time limit reached``) in
    ``lang`` (达到求解时限); anything else as it is."""
    key = f"diagnose.highs.{message}"
    return t(key, lang) if key in MESSAGES else message


@dataclass(frozen=True)
class Shortfall:
    """How far a plan falls from one target.

    ``bound`` is ``"min"`` (at least), ``"max"`` (at most) or ``"exact"``.
    """

    key: str
    text: str
    bound: str
    target: float
    achieved: float
    unit: str
    lang: str = "en"

    @property
    def missing(self) -> float:
        """How much is missing (or over, for a maximum): 0 when the target is met."""
        if self.bound == "max":
            return max(0.0, self.achieved - self.target)
        if self.bound == "exact":
            return abs(self.achieved - self.target)
        return max(0.0, self.target - self.achieved)

    def describe(self) -> str:
        """One line, e.g. ``clear: at least 560.0 mu: 512.3 mu reached, 47.7 mu short``
        (``出清：不少于 560.0 亩：实际 512.3 亩，还差 47.7 亩``), in :attr:`lang`."""
        if self.unit == "plots":

            def amount(v: float) -> str:
                return t("diagnose.plots", self.lang, n=f"{v:,.0f}")
        else:

            def amount(v: float) -> str:
                return t("diagnose.mu", self.lang, mu=f"{v:,.1f}")

        key = "diagnose.over" if self.achieved > self.target else "diagnose.short"
        return t(
            key,
            self.lang,
            text=self.text,
            achieved=amount(self.achieved),
            missing=amount(self.missing),
        )


#: The statements a closest plan relaxes (the targets); every other statement must hold.
TARGET_KINDS = ("count", "area_min", "area_max")


@dataclass
class Diagnosis:
    """Everything known about why a scenario cannot be met."""

    findings: list[str] = field(default_factory=list)
    conflict: list[Statement] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    closest: SolverResult | None = None
    notes: list[str] = field(default_factory=list)
    lang: str = "en"

    @property
    def unmet(self) -> list[Shortfall]:
        """The shortfalls that are not zero."""
        return [s for s in self.shortfalls if s.missing > 1e-6]

    def explain(self) -> str:
        """A plain-language account for the planner, in :attr:`lang`."""
        lg = self.lang
        lines = [t("diagnose.cannot", lg)]
        if self.findings:
            lines.append(t("diagnose.findings", lg))
            lines += [f"  - {f}" for f in self.findings]
        if self.conflict:
            lines.append(t("diagnose.conflict", lg))
            lines += [f"  - {s.text}" for s in self.conflict]
        if self.closest is not None and self.closest.has_solution:
            lines.append(t("diagnose.closest", lg))
            unmet = self.unmet
            lines += [f"  - {s.describe()}" for s in unmet] or [f"  - {t('diagnose.all_met', lg)}"]
        elif self.closest is not None:
            # what still conflicts once the targets are relaxed: the other statements of the
            # conflict set (a project that must land, a share, a benefit goal), else the
            # budgets and locks
            rest = [s for s in self.conflict if s.kind not in TARGET_KINDS]
            if any(s.kind not in ("budget", "lock_in", "lock_out") for s in rest):
                these = t("diagnose.list_sep", lg).join(s.text for s in rest)
                lines.append(t("diagnose.no_plan_these", lg, these=these))
            else:
                lines.append(t("diagnose.no_plan", lg))
        lines += ["  " + t("diagnose.note", lg, note=n) for n in self.notes]
        return "\n".join(lines)

    def record(self) -> dict[str, Any]:
        """JSON-ready form for the run record."""
        return {
            "findings": self.findings,
            "conflict": [{"key": s.key, "text": s.text} for s in self.conflict],
            "shortfalls": [
                {
                    "key": s.key,
                    "text": s.text,
                    "bound": s.bound,
                    "target": s.target,
                    "achieved": s.achieved,
                    "missing": s.missing,
                    "unit": s.unit,
                }
                for s in self.shortfalls
            ],
            "notes": self.notes,
        }


# --------------------------------------------------------------------------- 1. precheck
def precheck(model: CompiledModel) -> list[str]:
    """Infeasibility the data shows before any solving, with the numbers.

    Each rule component says what it can see (:meth:`landopt.rules.base.Component.precheck`):
    lock conflicts, targets no eligible set can reach, budgets below the cheapest way to
    meet the targets.

    Returns
    -------
    list of str
        One sentence per finding; empty when nothing is evidently wrong (the targets
        may still conflict with each other, which only a solve can tell).
    """
    return [f for c in active_components(model.scenario) for f in c.precheck(model)]


# --------------------------------------------------------------------------- 2. conflict set
class _Feasibility:
    """A reusable HiGHS model with zero objective; statements switched on and off."""

    def __init__(self, model: CompiledModel, opts: SolverOptions):
        self.model = model
        self.time_limit = opts.time_limit
        self.h, _ = highs_from_model(model, opts)
        self.h.changeColsCost(
            model.n_vars, np.arange(model.n_vars, dtype=np.int32), np.zeros(model.n_vars)
        )
        self.lower = np.where(np.isinf(model.row_lower), -1e30, model.row_lower)
        self.upper = np.where(np.isinf(model.row_upper), 1e30, model.row_upper)
        self.solves = 0

    def feasible(self, active: list[Statement], time_limit: float | None = None) -> bool | None:
        """True (a plan exists), False (proven infeasible) or None (undecided: time limit)."""
        m = self.model
        on = {s.key for s in active}
        lo, hi = self.lower.copy(), self.upper.copy()
        lb, ub = np.zeros(m.n_vars), np.ones(m.n_vars)
        for s in m.statements:
            if s.key in on:
                if s.kind == "lock_in":
                    lb[list(s.cols)] = 1.0
                elif s.kind == "lock_out":
                    ub[list(s.cols)] = 0.0
            else:
                for r in s.rows:
                    lo[r], hi[r] = -1e30, 1e30
        self.h.changeRowsBounds(m.n_rows, np.arange(m.n_rows, dtype=np.int32), lo, hi)
        self.h.changeColsBounds(m.n_vars, np.arange(m.n_vars, dtype=np.int32), lb, ub)
        self.h.clearSolver()
        limit = max(1e-3, self.time_limit if time_limit is None else time_limit)
        self.h.setOptionValue("time_limit", float(limit))
        run_highs(self.h, limit)  # under the watchdog, like every HiGHS run
        self.solves += 1
        import highspy

        ms = self.h.getModelStatus()
        if ms == highspy.HighsModelStatus.kInfeasible:
            return False
        if (
            self.h.getInfo().primal_solution_status
            == highspy.SolutionStatus.kSolutionStatusFeasible
        ):
            return True
        return None  # undecided (time limit)


def conflict_set(
    model: CompiledModel,
    opts: SolverOptions | None = None,
    *,
    time_budget: float = 120.0,
    deadline: Deadline | float | None = None,
) -> tuple[list[Statement], list[str]]:
    """An irreducible set of the planner's statements that cannot hold together.

    Irreducible, not smallest: dropping any one statement of the set makes the rest
    feasible, but another, smaller set may exist. Minimum blocks (``min_block_mu``) are
    not a statement and are left out of these checks: a set infeasible without them is
    infeasible with them too.

    Parameters
    ----------
    time_budget
        At most this many seconds for the search.
    deadline
        The command's budget the search draws from as well (never more than is left).

    Returns
    -------
    statements, notes
        The irreducible set (empty if the model is feasible or the first check is
        undecided) and notes on anything left undecided (a check that hit its time
        limit keeps its statement in).
    """
    opts = opts or model.scenario.solver
    dl = Deadline.of(deadline, opts.time_limit)
    time_budget = dl.remaining(time_budget)
    per_check = min(opts.time_limit, max(5.0, time_budget / max(1, len(model.statements))))
    oracle = _Feasibility(
        model, SolverOptions(backend="highs", time_limit=per_check, gap=0.0, presolve=opts.presolve)
    )
    notes: list[str] = []
    lg = model.scenario.lang
    verdict = oracle.feasible(list(model.statements), dl.remaining(per_check))
    if verdict is None:
        notes.append(t("diagnose.undecided_all", lg, s=f"{per_check:.0f}"))
        return [], notes
    if verdict:
        return [], notes
    # grow the search from the statements of one action, then two, ...: conflicts are
    # usually local, and a local set is the one the planner can act on
    active = list(model.statements)
    for subset in _growing_subsets(model):
        if dl.expired:
            break
        if oracle.feasible(subset, dl.remaining(per_check)) is False:
            active = subset
            break
    t0 = time.perf_counter()
    # try locks first (many, usually innocent), then budgets, then targets
    order = sorted(active, key=lambda s: {"lock_out": 0, "lock_in": 1, "budget": 2}.get(s.kind, 3))
    for s in order:
        if time.perf_counter() - t0 > time_budget or dl.expired:
            notes.append(t("diagnose.search_stopped", lg, s=f"{time_budget:.0f}"))
            break
        trial = [x for x in active if x.key != s.key]
        verdict = oracle.feasible(trial, dl.remaining(per_check))
        if verdict is False:
            active = trial
        elif verdict is None:
            notes.append(t("diagnose.undecided_drop", lg, s=f"{per_check:.0f}", text=s.text))
    log.info("conflict set: %d statements after %d feasibility checks", len(active), oracle.solves)
    return active, notes


def _growing_subsets(model: CompiledModel, max_k: int = 2) -> Iterator[list[Statement]]:
    """Statements touching 1 action, then 2, … (``max_k`` at most, then all), each set once."""
    touched: list[frozenset[str]] = []
    for s in model.statements:
        if s.kind == "lock_out":
            touched.append(
                frozenset(
                    model.action_names[i] for i in set(model.var_action[list(s.cols)].tolist())
                )
            )
        elif s.action is not None:
            touched.append(frozenset([s.action]))
        else:
            touched.append(frozenset(model.action_names))
    seen: set[tuple[str, ...]] = set()
    names = model.action_names
    for k in range(1, min(max_k, len(names) - 1) + 1):
        for combo in itertools.combinations(names, k):
            members = [s for s, t in zip(model.statements, touched, strict=True) if t <= set(combo)]
            key = tuple(s.key for s in members)
            if members and key not in seen:
                seen.add(key)
                yield members


# --------------------------------------------------------------------------- 3. closest plan
def closest_plan(
    model: CompiledModel,
    opts: SolverOptions | None = None,
    *,
    parcels: Any = None,
    deadline: Deadline | float | None = None,
) -> tuple[SolverResult, list[Shortfall]]:
    """Solve the elastic model: least relative shortfall on the targets, then the objective.

    Budgets and locks stay hard; count and area targets may fall short (or overshoot a
    maximum) at a price of 1 per 100 % of the target. Both phases are solved through
    :func:`landopt.solving.solve_compiled` (minimum blocks kept, which needs ``parcels``)
    and share one time budget (``deadline``; ``opts.time_limit`` by default): the first
    phase gets at most three quarters of it. The result is ``optimal`` only when both
    phases were proven; a least shortfall that was not proven makes it ``time_limit``
    with no gap (the gap of the second phase alone would claim too much).
    """
    import highspy

    opts = opts or model.scenario.solver
    dl = Deadline.of(deadline, opts.time_limit)
    targets = [s for s in model.statements if s.kind in TARGET_KINDS]
    if not targets:
        return _elastic(solve_compiled(model, opts, parcels=parcels, deadline=dl)), []
    # phase 1's objective is a sum of relative shortfalls, not 万元: stop it by the relative
    # gap alone (abs_gap 1 would accept a plan 100 % short of a target); phase 2 has the
    # scenario's own objective and rule
    session = HighsSession(model, replace(opts, abs_gap=0.0))
    h = session.h
    cuts = cut_generators(model)
    n0 = model.n_vars
    cols = n0
    costs = []
    for s in targets:
        for r in s.rows:
            sense = model.senses[r]
            scale = 1.0 / max(abs(float(model.rhs[r])), 1.0)
            integer = s.kind == "count"
            signs = {">=": [1.0], "<=": [-1.0], "==": [1.0, -1.0]}[sense]
            for sign in signs:
                vtype = (
                    highspy.HighsVarType.kInteger if integer else highspy.HighsVarType.kContinuous
                )
                h.addCol(
                    0.0, 0.0, highspy.kHighsInf, 1, np.array([r], dtype=np.int32), np.array([sign])
                )
                h.changeColIntegrality(cols, vtype)
                costs.append(scale)
                cols += 1
    n_slack = cols - n0
    slack_cols = np.arange(n0, cols, dtype=np.int32)
    # phase 1: least relative shortfall
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    h.changeColsCost(cols, np.arange(cols, dtype=np.int32), np.concatenate([np.zeros(n0), costs]))
    t0 = time.perf_counter()
    first = solve_compiled(
        model,
        opts,
        parcels=parcels,
        deadline=dl.part(0.75, opts.time_limit),
        session=session,
        cuts=cuts,
    )
    if not first.has_solution:
        return _elastic(first), []
    best = float(h.getSolution().col_value[n0:cols] @ np.array(costs))
    # phase 2: the scenario's objective with the shortfall held at its least value
    h.addRow(
        -highspy.kHighsInf,
        best + 1e-7 + 1e-9 * abs(best),
        n_slack,
        slack_cols,
        np.array(costs),
    )
    sense = highspy.ObjSense.kMaximize if model.sense == "maximize" else highspy.ObjSense.kMinimize
    h.changeObjectiveSense(sense)
    h.changeColsCost(
        cols, np.arange(cols, dtype=np.int32), np.concatenate([model.c, np.zeros(n_slack)])
    )
    session.use_options(opts)
    second = solve_compiled(model, opts, parcels=parcels, deadline=dl, session=session, cuts=cuts)
    runtime = time.perf_counter() - t0
    if not second.has_solution:  # phase 2 found nothing in time: the least-shortfall plan
        res = first.time_limited(
            t(
                "diagnose.phase2_none",
                model.scenario.lang,
                message=solver_message(second.message, model.scenario.lang),
            ),
            objective=float(model.c @ first.x),
            bound=None,
            gap=None,
        )
    elif not first.proven_optimal:
        res = second.time_limited(
            t(
                "diagnose.phase1_unproven",
                model.scenario.lang,
                status=status_word(first.status, model.scenario.lang),
                message=solver_message(first.message, model.scenario.lang),
            ),
            bound=None,
            gap=None,
        )
    else:
        res = second
    res = _elastic(replace(res, runtime=runtime, time_limit=dl.total))
    return res, _shortfalls(model, res.x) if res.x is not None else []


def _elastic(res: SolverResult) -> SolverResult:
    return replace(res, backend="highs (elastic)")


def _shortfalls(model: CompiledModel, x: np.ndarray) -> list[Shortfall]:
    """Every count and area target of the model against a 0/1 vector."""
    out = []
    lg = model.scenario.lang
    area = model.area_mu[model.var_parcel]
    for s in model.statements:
        if s.kind not in TARGET_KINDS:
            continue
        if "," in s.key:  # a programme's yearly target ("count[clear,2023]"): read its rows
            ax = model.A @ np.asarray(x, dtype=float)
            for r in s.rows:
                how = {"==": "exact", ">=": "min", "<=": "max"}[str(model.senses[r])]
                unit = "plots" if s.kind == "count" else "mu"
                out.append(
                    Shortfall(s.key, s.text, how, float(model.rhs[r]), float(ax[r]), unit, lg)
                )
            continue
        ai = model.action_names.index(s.action)
        on = (model.var_action == ai) & (x[: model.n_x] > 0.5)
        t = model.scenario.actions[ai].targets
        if s.kind == "count":
            got = float(on.sum())
            if t.count_exact:
                out.append(Shortfall(s.key, s.text, "exact", float(t.count_min), got, "plots", lg))
            else:
                if t.count_min is not None:
                    out.append(
                        Shortfall(s.key, s.text, "min", float(t.count_min), got, "plots", lg)
                    )
                if t.count_max is not None:
                    out.append(
                        Shortfall(s.key, s.text, "max", float(t.count_max), got, "plots", lg)
                    )
        else:
            got = float(area[on].sum())
            target = t.area_min if s.kind == "area_min" else t.area_max
            out.append(
                Shortfall(
                    s.key,
                    s.text,
                    "min" if s.kind == "area_min" else "max",
                    float(target),
                    got,
                    "mu",
                    lg,
                )
            )
    return out


# --------------------------------------------------------------------------- all together
def diagnose(
    model: CompiledModel,
    opts: SolverOptions | None = None,
    *,
    findings: list[str] | None = None,
    parcels: Any = None,
    deadline: Deadline | float | None = None,
) -> Diagnosis:
    """Precheck findings, conflict set and closest plan, for an infeasible scenario.

    The phases share one time budget (``deadline``, ``opts.time_limit`` by default): the
    conflict search takes at most half of what is left, the closest plan the rest.
    ``parcels`` is needed when the scenario has minimum blocks.
    """
    opts = opts or model.scenario.solver
    dl = Deadline.of(deadline, opts.time_limit)
    d = Diagnosis(
        findings=list(findings) if findings is not None else precheck(model),
        lang=model.scenario.lang,
    )
    d.conflict, notes = conflict_set(
        model, opts, time_budget=min(120.0, 0.5 * dl.remaining()), deadline=dl
    )
    d.notes += notes
    d.closest, d.shortfalls = closest_plan(model, opts, parcels=parcels, deadline=dl)
    if d.closest is not None and d.closest.has_solution and not d.closest.proven_optimal:
        d.notes.append(
            t("diagnose.not_closest", d.lang, message=solver_message(d.closest.message, d.lang))
        )
    return d
