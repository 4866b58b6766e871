r"""The objective terms: each action's cost and benefit columns, parcel columns, difficulty.

Formulation (symbols as in :mod:`landopt.model`)::

    f_pa = sum_t w_t v_t(p, a)  ±  delta * d_p        (+ when minimising, − when maximising)

where a term's value v_t is k_pa ("cost", the action's cost column), b_pa ("benefit") or
a parcel column, d_p the negotiation difficulty (``difficulty``) and delta the
``difficulty_weight``. Other components add to the same coefficients (zone bonuses, the
boundary penalty).

In a programme (:mod:`landopt.rules.programme`) every money term is a present value with
the discount rate rho: a cost spent with split sigma_{a,k} over the years t..t+d_a-1 is
k_pa sum_k sigma_{a,k} / (1 + rho)^(t + k - y_0), a benefit counts from the completion
year, b_pa / (1 + rho)^(t + d_a - 1 - y_0), and another column's term is discounted from
the start year; the difficulty term is not discounted. Budgets and reported costs stay
nominal. A ``then`` step whose cost (benefit) column is empty costs (brings) the
sequence's ``cost_per_mu`` (``benefit_per_mu``) times the area.
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
        if b.programme is not None:
            self._compile_programme(b)
            return
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

    def _compile_programme(self, b: ModelBuilder) -> None:
        prep, sc, prog = b.prep, b.scenario, b.programme
        obj = sc.objective
        diff = np.nan_to_num(prep.column("difficulty")) if obj.difficulty_weight else None
        for ai, a in enumerate(sc.actions):
            cols = b.cols_of(ai)
            rows = b.var_parcel[cols]
            start, end = b.var_year[cols], b.var_end[cols]
            coef = np.zeros(len(cols))
            for of, w in obj.terms:
                if of == "cost":
                    coef += w * b.var_cost[cols] * prog.present_cost_factor(a.name, start)
                elif of == "benefit":
                    coef += w * b.var_benefit[cols] * prog.discount(end)
                else:
                    coef += w * np.nan_to_num(prep.column(of)[rows]) * prog.discount(start)
            if diff is not None:
                coef += b.sign * obj.difficulty_weight * diff[rows]
            b.c[cols] += np.nan_to_num(coef)

    def _check_programme(self, ctx: CheckContext) -> None:
        from landopt.programme import programme_of

        sc = ctx.scenario
        prog = programme_of(sc)
        obj = sc.objective
        steps = [(ctx.action, ctx.year), (ctx.action2, ctx.year2)]
        for a in sc.actions:
            d = prog.duration(a.name)
            for names, start in steps:
                on = names == a.name
                if not on.any():
                    continue
                step = np.where(on, start, np.nan)
                if np.isnan(step[on]).any():
                    ctx.missing.append("year" if names is ctx.action else "year2")
                    continue
                for of, w in obj.terms:
                    col = a.cost if of == "cost" else a.benefit if of == "benefit" else of
                    if not col:
                        continue
                    v = ctx.column(col)
                    if v is None:
                        ctx.missing.append(col)
                        continue
                    if of in ("cost", "benefit"):
                        seq = prog.sequence_of_then(a.name)
                        per_mu = 0.0 if seq is None else seq.cost_per_mu if of == "cost" else seq.benefit_per_mu
                        v = np.where(np.isnan(v), per_mu * ctx.area, v)
                        if seq is None:
                            v = np.nan_to_num(v)
                    v = np.nan_to_num(v[on])
                    s = step[on]
                    if of == "cost":
                        f = sum(share * prog.discount(s + k) for k, share in enumerate(prog.split(a.name)))
                    elif of == "benefit":
                        f = prog.discount(s + d - 1)
                    else:
                        f = prog.discount(s)
                    ctx.objective += w * float((v * f).sum())
                if obj.difficulty_weight:
                    dcol = ctx.column("difficulty")
                    if dcol is None:
                        ctx.missing.append("difficulty")
                    else:
                        ctx.objective += ctx.sign * obj.difficulty_weight * float(np.nan_to_num(dcol[on]).sum())

    def check(self, ctx: CheckContext) -> list[Check]:
        obj = ctx.scenario.objective
        if ctx.scenario.rule("programme") is not None:
            self._check_programme(ctx)
            return []
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
