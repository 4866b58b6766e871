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
from landopt.rules.targets import Targets
from landopt.rules.township_share import TownshipShare

__all__ = ["COMPONENTS", "Component", "active_components", "component", "describe_rules", "extension_components"]

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
    PriorityZones(),
    TownshipShare(),
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
