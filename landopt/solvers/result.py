"""The one result type every solver back-end returns, and its record in run.json."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

__all__ = ["SolverResult"]


@dataclass(frozen=True)
class SolverResult:
    """What a solver said, checked and normalised.

    Attributes
    ----------
    status
        ``"optimal"`` (proven within the requested gap), ``"time_limit"`` (stopped by
        the limit; may still carry a feasible plan), ``"infeasible"``, ``"unbounded"``,
        ``"error"``.
    has_solution
        Whether ``x`` holds a feasible 0/1 vector.
    proven_optimal
        True only when the solver proved the gap target; False for an incumbent.
    objective, bound, gap
        Objective of the solution, the best proven bound, and the relative gap between
        them (``None`` where the back-end does not report it).
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
            missing (they default to empty).

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
        )


def _gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    denom = max(abs(objective), 1e-9)
    return abs(objective - bound) / denom
