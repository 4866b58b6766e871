"""Rule components: one module per kind of rule (see :mod:`landopt.rules.base`).

:data:`COMPONENTS` is the registry. ``compile_model`` applies the components in this
order; the solve layer runs the cuts of any of them; ``check_plan`` runs their checks;
the scenario schema gains the table of each component that owns one (``key``).
Adding a rule kind is one new module plus its tests, and one line here.
"""

from __future__ import annotations

from landopt.rules.base import Component

__all__ = ["COMPONENTS", "Component", "component", "extension_components"]

#: The registered components, in compile order.
COMPONENTS: tuple[Component, ...] = ()


def component(name: str) -> Component:
    """The registered component called ``name``."""
    for c in COMPONENTS:
        if c.name == name:
            return c
    raise KeyError(f"no rule component {name!r}; registered: {', '.join(c.name for c in COMPONENTS)}")


def extension_components() -> tuple[Component, ...]:
    """The components that own a top-level table of the scenario (``key``), for the schema."""
    return tuple(c for c in COMPONENTS if c.key)
