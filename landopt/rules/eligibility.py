r"""Eligibility: which parcels may get each action (the decisions' domain E).

An action's rule (``[actions.<a>] eligible``), the exclusion zones that cover it
(``[[spatial.zones]] kind = "exclude"``) and its touching rule (``[spatial] touch``) only
narrow the set E of eligible pairs; they write no rows. The prepared problem
(:mod:`landopt.prepare`) computes E once, and the model has one x column per pair in E.
The check re-evaluates the rule, the zones and the touching from the plan's own
attributes and geometry (:class:`landopt.check._Eligibility`, its own evaluator).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from landopt.i18n import add_messages, t
from landopt.rules.base import Component
from landopt.rules.targets import who

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext
    from landopt.scenario import Scenario

add_messages(
    {"rule": {"en": "{action} is open to: {rule}", "zh": "{action}适用于：{rule}"}},
    prefix="rules.eligibility.",
)


class Eligibility(Component):
    """The eligibility checks of a finished plan and the rules in words."""

    name = "eligibility"

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import Check, _ids_detail, _undecided

        out = []
        lg = ctx.scenario.lang
        for a in ctx.scenario.actions:
            rows = np.flatnonzero(ctx.on_rule(a.name))
            before = len(ctx.elig.problems)
            ok_rows = ctx.elig.of(a.name, rows)
            if len(ctx.elig.problems) > before:
                out.append(_undecided(f"eligibility[{a.name}]", "; ".join(ctx.elig.problems[before:]), lang=lg))
                continue
            bad = rows[~ok_rows]
            out.append(
                Check(
                    f"eligibility[{a.name}]",
                    not len(bad),
                    _ids_detail(ctx.ids[bad], t("diagnose.check.not_eligible", lg, action=who(a, lg)), lg)
                    if len(bad)
                    else t("diagnose.check.all_eligible", lg, n=f"{len(rows):,}"),
                )
            )
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        """Each action's rule, with the planner's column names and status spellings."""
        from landopt.i18n import resolve_lang
        from landopt.scenario import describe_rule

        lg = resolve_lang(lang)
        return [
            t(
                "rules.eligibility.rule",
                lg,
                action=a.label or a.name,
                rule=describe_rule(a.eligible, lg, parcels=scenario.parcels),
            )
            for a in scenario.actions
        ]
