"""Errors raised by landopt, each with the CLI exit code it maps to.

Every error says what is wrong, where, and how to fix it. Validation collects
every problem first and raises one error that lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "InputError",
    "LandoptError",
    "OutputError",
    "ParcelDataError",
    "Problem",
    "ScenarioError",
    "SolverError",
    "TargetsUnmetError",
]


@dataclass(frozen=True)
class Problem:
    """One problem found in the input.

    Parameters
    ----------
    where
        The place: ``"parcel P-12"``, ``"row 7"``, ``"[actions.clear.targets]"``, or ``"file"``.
    field
        The field or key concerned, or ``""`` when the problem is not about one field.
    what
        What is wrong, with the offending value.
    fix
        How to fix it.
    severity
        ``"error"`` stops the run; ``"warning"`` is reported and the run goes on.
    """

    where: str
    field: str
    what: str
    fix: str = ""
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        loc = f"{self.where}, field '{self.field}'" if self.field else self.where
        text = f"{loc}: {self.what}"
        if self.fix:
            text += f" -> {self.fix}"
        return text


class LandoptError(Exception):
    """Base class of every error landopt raises on purpose."""

    exit_code: int = 1


class InputError(LandoptError):
    """Bad input data or scenario (CLI exit code 2)."""

    exit_code = 2


class OutputError(InputError):
    """The output cannot be written: folder, permission, read-only or full disk (exit code 2)."""


def _format_problems(header: str, problems: list[Problem], limit: int = 200) -> str:
    lines = [header]
    for p in problems[:limit]:
        lines.append(f"  - {p}")
    if len(problems) > limit:
        lines.append(f"  ... and {len(problems) - limit} more (see the full list in .problems)")
    return "\n".join(lines)


class ParcelDataError(InputError):
    """The parcel layer cannot be used; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        n = len(errors)
        header = f"{source}: {n} problem{'s' if n != 1 else ''} in the parcel layer:"
        super().__init__(_format_problems(header, errors))


class ScenarioError(InputError):
    """The scenario file is wrong; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = list(problems)
        n = len(self.problems)
        header = f"{source}: {n} problem{'s' if n != 1 else ''} in the scenario:"
        super().__init__(_format_problems(header, self.problems))


class TargetsUnmetError(LandoptError):
    """The targets, budgets and locks cannot all hold (CLI exit code 3).

    ``diagnosis`` carries the conflict set and the least shortfall, when known.
    """

    exit_code = 3

    def __init__(self, message: str, diagnosis: object | None = None):
        self.diagnosis = diagnosis
        super().__init__(message)


class SolverError(LandoptError):
    """The solver failed, is missing, or returned no usable answer (CLI exit code 4)."""

    exit_code = 4
