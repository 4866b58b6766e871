r"""The objective terms: each action's cost and benefit columns, parcel columns, difficulty.

Formulation (symbols as in :mod:`landopt.model`)::

    f_pa = sum_t w_t v_t(p, a)  ±  delta * d_p        (+ when minimising, − when maximising)

where a term's value v_t is k_pa ("cost", the action's cost column), b_pa ("benefit") or
a parcel column, d_p the negotiation difficulty (``difficulty``) and delta the
``difficulty_weight``. Other components add to the same coefficients (zone bonuses, the
boundary penalty).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from landopt.i18n import add_messages, t
from landopt.rules.base import Component

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario

add_messages(
    {
        "minimize": {"en": "minimize", "zh": "最小化"},
        "maximize": {"en": "maximize", "zh": "最大化"},
        "cost": {"en": "cost", "zh": "投入"},
        "benefit": {"en": "benefit", "zh": "效益"},
        "difficulty": {
            "en": " ({sign} {weight} per difficulty point)",
            "zh": "（每点协商难度 {sign} {weight} 万元）",
        },
    },
    prefix="rules.objective.",
)


class ObjectiveTerms(Component):
    """The weighted terms of ``[objective]`` on every x column."""

    name = "objective"

    def compile(self, b: ModelBuilder) -> None:
        prep, sc = b.prep, b.scenario
        obj = sc.objective
        for ai, a in enumerate(sc.actions):
            cols = b.cols_of(ai)
            rows = b.var_parcel[cols]
            coef = np.zeros(len(cols))
            for of, w in obj.terms:
                if of == "cost":
                    coef += w * prep.column(a.cost)[rows]
                elif of == "benefit":
                    coef += w * (prep.column(a.benefit)[rows] if a.benefit else 0.0)
                else:
                    coef += w * prep.column(of)[rows]
            if obj.difficulty_weight:
                diff = np.nan_to_num(prep.column("difficulty"))
                coef += b.sign * obj.difficulty_weight * diff[rows]
            b.c[cols] += np.nan_to_num(coef)

    def check(self, ctx: CheckContext) -> list[Check]:
        obj = ctx.scenario.objective
        for a in ctx.scenario.actions:
            on = ctx.on(a.name)
            for of, w in obj.terms:
                col = a.cost if of == "cost" else a.benefit if of == "benefit" else of
                if not col:
                    continue
                v = ctx.column(col)
                if v is None:
                    ctx.missing.append(col)
                else:
                    ctx.objective += w * float(np.nansum(v[on]))
            if obj.difficulty_weight:
                diff = ctx.column("difficulty")
                if diff is None:
                    ctx.missing.append("difficulty")
                else:
                    ctx.objective += (
                        ctx.sign * obj.difficulty_weight * float(np.nan_to_num(diff[on]).sum())
                    )
        return []

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        obj = scenario.objective
        words = " + ".join(
            (f"{w:g} × " if w != 1 else "")
            + (t(f"rules.objective.{of}", lang) if of in ("cost", "benefit") else of)
            for of, w in obj.terms
        )
        text = f"{t(f'rules.objective.{obj.sense}', lang)} {words}"
        if obj.difficulty_weight:
            sign = "+" if obj.sense == "minimize" else "−"
            w = f"{obj.difficulty_weight:g}"
            text += t("rules.objective.difficulty", lang, sign=sign, weight=w)
        return [text]
