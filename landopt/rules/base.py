"""The protocol of a rule component.

A component owns one kind of rule: its part of the scenario schema (``key`` and ``Spec``,
a frozen pydantic model, when the rule has a top-level table of its own), what it writes
into the compiled model (:meth:`Component.compile`), its lazy cuts (:meth:`Component.cuts`),
its independent check of a finished plan (:meth:`Component.check`) and its description
for planners in each language (:meth:`Component.describe`, through :mod:`landopt.i18n`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from pydantic import BaseModel

    from landopt.errors import Problem
    from landopt.scenario import Scenario

__all__ = ["Component"]


class Component:
    """Base class of rule components; every method has a do-nothing default.

    Attributes
    ----------
    name
        The component's name (``"township_share"``), also its ``Scenario.rules`` key when
        it owns a table.
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

    def scenario_problems(self, scenario: Scenario) -> list[Problem]:
        """Problems of the settings against the rest of the scenario (unknown actions, …)."""
        return []
