"""Rule components: one module per kind of rule (see :mod:`landopt.rules.base`).

:data:`COMPONENTS` is the registry. ``compile_model`` applies the components in this
order; the solve layer runs the cuts of any of them; ``check_plan`` runs their checks;
the scenario schema gains the table of each component that owns one (``key``).
Adding a rule kind is one new module plus its tests, and one line here.
"""

from __future__ import annotations

from landopt.rules.base import Component
from landopt.rules.boundary import BoundaryPenalty
from landopt.rules.budgets import Budgets
from landopt.rules.eligibility import Eligibility
from landopt.rules.locks import Locks
from landopt.rules.min_block import MinBlock
from landopt.rules.objective import ObjectiveTerms
from landopt.rules.one_action import OneAction
from landopt.rules.priority_zones import PriorityZones
from landopt.rules.programme import ProgrammeRule
from landopt.rules.programme_benefit import ProgrammeBenefit
from landopt.rules.programme_capacity import ProgrammeCapacity
from landopt.rules.programme_locks import ProgrammeLocks
from landopt.rules.programme_targets import ProgrammeTargets
from landopt.rules.projects import Projects
from landopt.rules.shared import Shared
from landopt.rules.targets import Targets
from landopt.rules.township_share import TownshipShare

__all__ = [
    "COMPONENTS",
    "Component",
    "active_components",
    "component",
    "describe_rules",
    "extension_components",
    "formulation_markdown",
]

#: The registered components, in compile order: the decisions' domain (eligibility), the
#: objective, one action per parcel, targets, budgets, locks, then the other constraints and
#: penalties; lazily cut rules last. A component appears once.
COMPONENTS: tuple[Component, ...] = (
    Eligibility(),
    ObjectiveTerms(),
    OneAction(),
    Targets(),
    Budgets(),
    Locks(),
    ProgrammeRule(),
    ProgrammeTargets(),
    ProgrammeCapacity(),
    ProgrammeBenefit(),
    ProgrammeLocks(),
    PriorityZones(),
    TownshipShare(),
    Shared(),
    Projects(),
    BoundaryPenalty(),
    MinBlock(),
)


def component(name: str) -> Component:
    """The registered component called ``name``."""
    for c in COMPONENTS:
        if c.name == name:
            return c
    raise KeyError(f"no rule component {name!r}; registered: {', '.join(c.name for c in COMPONENTS)}")


def extension_components() -> tuple[Component, ...]:
    """The components that own a top-level table of the scenario (``key``), for the schema."""
    return tuple(c for c in COMPONENTS if c.key)


def active_components(scenario: object) -> tuple[Component, ...]:
    """The registered components the scenario uses, in compile order."""
    return tuple(c for c in COMPONENTS if c.active(scenario))


def describe_rules(scenario: object, lang: str | None = None) -> list[str]:
    """Every rule of the scenario in the planner's words, in compile order."""
    return [line for c in active_components(scenario) for line in c.describe(scenario, lang)]


def formulation_markdown() -> str:
    """The whole model on one page: :mod:`landopt.model`'s symbols, then each component's rows.

    ``docs/formulation.md`` is this text (``python scripts/make_formulation.py``).
    """
    import inspect
    import re
    import sys

    import landopt.model

    def body(doc: str) -> str:
        # reST to Markdown, enough for these docstrings: "::" blocks are indented code
        # already; simple tables (three rules of "=") are fenced so they keep their columns
        text = re.sub(r":(?:mod|func|class|data|meth|attr):`~?([^`]*)`", r"`\1`", inspect.cleandoc(doc))
        text = text.replace("``", "`").replace("::\n", ":\n")
        out, rules = [], 0
        for line in text.splitlines():
            # in a table a math role keeps its width, so the columns stay aligned
            if rules % 3:
                line = re.sub(r"^:math:`([^`]*)`", lambda m: m.group(1) + " " * 8, line)
            line = re.sub(r":math:`([^`]*)`", r"\1", line)
            if line.startswith("===") and set(line) <= {"=", " "}:
                rules += 1
                if rules % 3 == 1:
                    out.append("```text")
                out.append(line)
                if rules % 3 == 0:
                    out.append("```")
                continue
            out.append(line)
        return "\n".join(out)

    head = body(landopt.model.__doc__ or "")
    parts = [
        "# The formulation",
        "",
        "Generated from the docstrings of `landopt.model` and of each rule component in",
        "`landopt/rules/` (in compile order) by `python scripts/make_formulation.py`; do not edit.",
        "",
        "## The model (`landopt/model.py`)",
        "",
        head,
    ]
    for c in COMPONENTS:
        mod = sys.modules[type(c).__module__]
        path = mod.__name__.replace(".", "/") + ".py"
        parts += ["", f"## {c.name} (`{path}`)", "", body(mod.__doc__ or "")]
    return "\n".join(parts).rstrip() + "\n"
