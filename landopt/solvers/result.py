"""The one result type every solver back-end returns, and its record in run.json."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from landopt.i18n import t

__all__ = ["EXACT_ABS", "EXACT_REL", "SolverResult", "proof_text", "proven_status"]

#: A proven result counts as exactly optimal (status ``"optimal"``) when its bound meets its
#: objective up to this relative difference ...
EXACT_REL = 1e-9
#: ... or this absolute one (HiGHS's own floor: landopt always passes it at least
#: ``mip_abs_gap = 1e-6``, so ``gap = 0, abs_gap = 0`` ends there).
EXACT_ABS = 1e-6


@dataclass(frozen=True)
class SolverResult:
    """What a solver said, checked and normalised.

    Attributes
    ----------
    status
        ``"optimal"`` (proven optimal: the bound meets the objective up to
        :data:`EXACT_REL` relative or :data:`EXACT_ABS` absolute), ``"within_gap"``
        (stopped by the stopping rule, ``requested_gap`` or ``requested_abs_gap``,
        with a proven gap larger than that; ``gap`` says how large, ``None`` when the
        back-end gave no bound), ``"time_limit"`` (stopped by the limit; may still carry
        a feasible plan), ``"infeasible"``, ``"unbounded"``, ``"error"``.
    has_solution
        Whether ``x`` holds a feasible 0/1 vector.
    proven_optimal
        True when the solver proved its stopping rule: status ``"optimal"`` or
        ``"within_gap"``; False for an incumbent. :attr:`exact` tells the two apart.
    objective, bound, gap
        Objective of the solution, the best proven bound, and the relative gap between
        them (``None`` where the back-end does not report it); :attr:`abs_gap` is the
        absolute one, in the objective's units (万元).
    requested_gap, requested_abs_gap
        The stopping rule the solve was given: relative and absolute (``[solver] gap``
        and ``abs_gap``); the solver stops at whichever is reached first.
    """

    status: str
    has_solution: bool
    proven_optimal: bool
    objective: float | None
    bound: float | None
    gap: float | None
    runtime: float
    backend: str
    solver: str
    solver_version: str
    time_limit: float
    time_limit_hit: bool
    requested_gap: float
    x: np.ndarray | None = field(default=None, repr=False)
    message: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    requested_abs_gap: float = 0.0
    #: the warm start the solver was given (feasible for the model it solved), or None; not
    #: recorded. The cut loop falls back to it when the time runs out with the solver's own
    #: plans violating cuts (landopt.solving)
    start: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def exact(self) -> bool:
        """Whether the result is proven optimal, not only within the stopping rule."""
        return self.status == "optimal"

    @property
    def abs_gap(self) -> float | None:
        """The proven absolute gap ``|objective - bound|`` (None without both)."""
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound)

    def time_limited(self, message: str, **changes: Any) -> SolverResult:
        """This result as stopped by a time limit: never optimal, saying why in ``message``.

        ``changes`` are further fields to set (no plan: ``has_solution=False, x=None``; no
        proven bound: ``bound=None, gap=None``).
        """
        return replace(
            self,
            status="time_limit",
            proven_optimal=False,
            time_limit_hit=True,
            message=message,
            **changes,
        )

    def record(self) -> dict[str, Any]:
        """The result as plain JSON-ready data (without the solution vector)."""
        return {
            "status": self.status,
            "has_solution": self.has_solution,
            "proven_optimal": self.proven_optimal,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "runtime_s": round(self.runtime, 4),
            "backend": self.backend,
            "solver": self.solver,
            "solver_version": self.solver_version,
            "time_limit_s": self.time_limit,
            "time_limit_hit": self.time_limit_hit,
            "requested_gap": self.requested_gap,
            "requested_abs_gap": self.requested_abs_gap,
            "abs_gap": self.abs_gap,
            "message": self.message,
            "options": self.options,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> SolverResult:
        """The result that :meth:`record` wrote, e.g. as read back from ``run.json``.

        The exact inverse of :meth:`record`: ``from_record(r.record()).record() ==
        r.record()``. The solution vector is not recorded, so ``x`` is None.

        Parameters
        ----------
        record
            A dict with the keys :meth:`record` writes; ``message`` and ``options`` may be
            missing (they default to empty), and ``requested_abs_gap`` (records written
            before there was one: 0).

        Returns
        -------
        SolverResult
        """
        return cls(
            status=record["status"],
            has_solution=record["has_solution"],
            proven_optimal=record["proven_optimal"],
            objective=record["objective"],
            bound=record["bound"],
            gap=record["gap"],
            runtime=record["runtime_s"],
            backend=record["backend"],
            solver=record["solver"],
            solver_version=record["solver_version"],
            time_limit=record["time_limit_s"],
            time_limit_hit=record["time_limit_hit"],
            requested_gap=record["requested_gap"],
            message=record.get("message", ""),
            options=dict(record.get("options", {})),
            requested_abs_gap=record.get("requested_abs_gap", 0.0),
        )


def _gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    denom = max(abs(objective), 1e-9)
    return abs(objective - bound) / denom


def proven_status(objective: float | None, bound: float | None) -> str:
    """The status of a solve that proved its stopping rule: ``"optimal"`` or ``"within_gap"``.

    ``"optimal"`` when the bound meets the objective up to :data:`EXACT_REL` relative or
    :data:`EXACT_ABS` absolute; ``"within_gap"`` when they differ by more, or when there
    is no bound to tell (the back-end proved its rule but did not say how closely).

    >>> proven_status(100.0, 100.0), proven_status(100.0, 99.99), proven_status(1.0, None)
    ('optimal', 'within_gap', 'within_gap')
    """
    if objective is None or bound is None:
        return "within_gap"
    diff = abs(objective - bound)
    if diff <= EXACT_ABS or diff <= EXACT_REL * abs(objective):
        return "optimal"
    return "within_gap"


def _pct(frac: float, digits: int = 4) -> str:
    """A fraction as a percentage with at most ``digits`` significant digits (1e-4 -> '0.01 %')."""
    return f"{100 * frac:.{digits}g} %"


def proof_text(record: Mapping[str, Any], lang: str | None = None) -> str:
    """How well a solve was proven, in words: for every output that states it.

    ``"proven optimal"`` for status ``optimal``; for ``within_gap`` the stopping rule and
    the gap actually proven, e.g. ``"within 0.01 % (or 1 万元) of the optimum, proven
    (proven gap 0.0032 %, 0.41 万元)"`` (zh ``"已证明与最优解相差不超过 0.01 %（或 1 万元）
    …"``); ``"NOT proven optimal"`` otherwise.

    Parameters
    ----------
    record
        :meth:`SolverResult.record` (or the ``solver`` entry of a ``run.json``).
    lang
        ``zh`` or ``en``.
    """
    status = record.get("status")
    if status == "optimal":
        return t("proof.exact", lang)
    if status != "within_gap":
        return t("proof.not_proven", lang)
    rel, ab = float(record.get("requested_gap") or 0.0), float(record.get("requested_abs_gap") or 0.0)
    if rel > 0 and ab > 0:
        rule = t("proof.rule_both", lang, rel=_pct(rel), abs=f"{ab:,g}")
    elif ab > 0:
        rule = t("proof.rule_abs", lang, abs=f"{ab:,g}")
    else:
        rule = t("proof.rule_rel", lang, rel=_pct(rel))
    gap, abs_gap = record.get("gap"), record.get("abs_gap")
    actual = ""
    if isinstance(gap, int | float) and isinstance(abs_gap, int | float):
        actual = t("proof.actual", lang, rel=_pct(gap, 2), abs=f"{abs_gap:,.2f}")
    return t("proof.within", lang, rule=rule, actual=actual)
