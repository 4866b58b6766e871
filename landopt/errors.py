"""Errors raised by landopt, each with the CLI exit code it maps to.

Every error says what is wrong, where, and how to fix it. Validation collects
every problem first and raises one error that lists them all.

The framing of a problem list ("3 problems in the scenario:", "field 'x'", "->") is in
the language of the run (:data:`landopt.i18n.current_lang`, set by the CLI for a
command; English for a library caller that sets none: :func:`landopt.i18n.run_lang`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from landopt.i18n import run_lang, t

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
        lang = run_lang()
        loc = self.where
        if self.field:
            loc = t("errors.frame.field", lang, where=self.where, field=self.field)
        text = t("errors.frame.what", lang, loc=loc, what=self.what)
        if self.fix:
            text = t("errors.frame.fix", lang, text=text, fix=self.fix)
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
        lines.append(t("errors.frame.more", run_lang(), n=len(problems) - limit))
    return "\n".join(lines)


class ParcelDataError(InputError):
    """The parcel layer cannot be used; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        n = len(errors)
        key = f"errors.frame.parcels.{'one' if n == 1 else 'many'}"
        header = t(key, run_lang(), source=source, n=n)
        super().__init__(_format_problems(header, errors))


class ScenarioError(InputError):
    """The scenario file is wrong; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = list(problems)
        n = len(self.problems)
        key = f"errors.frame.scenario.{'one' if n == 1 else 'many'}"
        header = t(key, run_lang(), source=source, n=n)
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
