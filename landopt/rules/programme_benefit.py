r"""Benefit targets of a programme: the yearly benefit of actions completed by a year.

"Output doubles by 2025": the actions completed by year T must add at least M 万元 a year
(their benefit column, 万元/年; a ``then`` step with an empty benefit brings the
sequence's ``benefit_per_mu`` × area). M is ``min_wan``, or ``baseline × (factor − 1)``
with the baseline ``baseline_wan`` or the sum of ``baseline_column`` over all parcels. With
D_T the benefit of steps done before the programme that complete by T (a re-plan)::

    benefit[T]:   sum_{p,a,t: t + d_a - 1 <= T} b_pa (x_pat + x'_pat)  >=  M - D_T

Rows ``benefit_by<T>``; statements ``benefit[by<T>]``. The check sums the benefit of the
plan's own steps by their completion years (``year_end``, and ``year2`` + d − 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from landopt.i18n import add_messages, t
from landopt.programme import _column_name, in_progress, programme_of, step_value
from landopt.rules.base import Component, Statement

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario

add_messages(
    {
        "text": {
            "en": "by {year}: completed actions add at least {wan} 万元 a year",
            "zh": "截至 {year} 年：已完成措施每年新增效益不少于 {wan} 万元",
        },
        "detail": {"en": "{got} 万元 a year against ≥ {wan}", "zh": "每年 {got} 万元，目标 ≥ {wan}"},
        "precheck": {
            "en": "by {year}: at most {most} 万元 a year can be completed, short of {wan}",
            "zh": "截至 {year} 年：至多可完成每年 {most} 万元的效益，低于目标 {wan}",
        },
    },
    prefix="rules.programme_benefit.",
)


def benefit_goal(bt: Any, parcels: Any, scenario: Scenario) -> float:
    """The target's M (万元/年)."""
    if bt.min_wan is not None:
        return float(bt.min_wan)
    if bt.baseline_wan is not None:
        base = float(bt.baseline_wan)
    else:
        import pandas as pd

        col = _column_name(scenario, bt.baseline_column)
        base = float(np.nansum(pd.to_numeric(parcels[col], errors="coerce").to_numpy(float)))
    return base * (float(bt.factor) - 1.0)


def done_benefit(done: Any, prog: Any, sc: Scenario, column: Any, area: np.ndarray, by: int) -> float:
    """Benefit of done steps still under way at the first year that complete by ``by``."""
    total = 0.0
    for row, a, start in in_progress(done, prog):
        act = sc.action(a)
        if start + prog.duration(a) - 1 > by:
            continue
        col = column(act.benefit) if act.benefit else np.full(len(area), np.nan)
        if col is None:
            continue
        total += float(step_value(prog, act, col[[row]], area[[row]], "benefit_per_mu")[0])
    return total


class ProgrammeBenefit(Component):
    """``benefit_by<T>`` rows, their statements and checks."""

    name = "programme_benefit"

    def active(self, scenario: Scenario) -> bool:
        spec = scenario.rule("programme")
        return spec is not None and bool(spec.benefit_targets)

    def compile(self, b: ModelBuilder) -> None:
        sc, prog, prep = b.scenario, b.programme, b.prep
        for bt in prog.spec.benefit_targets:
            goal = benefit_goal(bt, prep.parcels, sc)
            done = done_benefit(prep.done, prog, sc, prep.column, prep.area, bt.by)
            cols = np.flatnonzero((b.var_end <= bt.by) & (b.var_benefit != 0))
            r = b.add_row(f"benefit_by{bt.by}", cols, b.var_benefit[cols], ">=", goal - done)
            text = t("rules.programme_benefit.text", sc.lang, year=bt.by, wan=f"{goal:,.0f}")
            b.add_statement(Statement(f"benefit[by{bt.by}]", "benefit", text, (r,)))

    def precheck(self, model: Any) -> list[str]:
        sc = model.scenario
        prog = programme_of(sc)
        out = []
        ub = model.ub[: model.n_x] > 0
        for bt in prog.spec.benefit_targets:
            r = model.row_names.index(f"benefit_by{bt.by}")
            cols = np.flatnonzero(ub & (model.var_end <= bt.by))
            # the best a parcel can bring: its largest benefit over first action and second step
            best = np.zeros(len(model.parcel_ids))
            first = cols[model.var_stage[cols] == 0]
            np.maximum.at(best, model.var_parcel[first], np.maximum(model.var_benefit[first], 0))
            second = np.zeros(len(model.parcel_ids))
            s = cols[model.var_stage[cols] == 1]
            np.maximum.at(second, model.var_parcel[s], np.maximum(model.var_benefit[s], 0))
            most = float((best + second).sum())
            if most < model.rhs[r] - 1e-6:
                out.append(t("rules.programme_benefit.precheck", sc.lang, year=bt.by, most=f"{most:,.0f}", wan=f"{model.rhs[r]:,.0f}"))
        return out

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import Check, _undecided

        sc = ctx.scenario
        lg = sc.lang
        prog = programme_of(sc)
        out = []
        for bt in prog.spec.benefit_targets:
            key = f"benefit[by{bt.by}]"
            try:
                goal = benefit_goal(bt, ctx.parcels, sc)
            except KeyError:
                out.append(_undecided(key, t("diagnose.check.no_column", lg, col=repr(bt.baseline_column)), lang=lg))
                continue
            got = 0.0
            for a in sc.actions:
                d = prog.duration(a.name)
                v = ctx.column(a.benefit) if a.benefit else np.full(len(ctx.ids), np.nan)
                if v is None:
                    v = np.full(len(ctx.ids), np.nan)
                value = ctx.money(a.name, v, "benefit_per_mu")
                done1 = (ctx.action == a.name) & (ctx.year + d - 1 <= bt.by)
                done2 = (ctx.action2 == a.name) & (ctx.year2 + d - 1 <= bt.by)
                got += float(value[done1].sum() + value[done2].sum())
            got += done_benefit(ctx.done, prog, sc, ctx.column, ctx.area, bt.by)
            detail = t("rules.programme_benefit.detail", lg, got=f"{got:,.1f}", wan=f"{goal:,.1f}")
            out.append(Check(key, got >= goal - 1e-6 * max(1.0, goal), detail, "target"))
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        out = []
        for bt in programme_of(scenario).spec.benefit_targets:
            goal = bt.min_wan if bt.min_wan is not None else (bt.baseline_wan or 0.0) * ((bt.factor or 1.0) - 1.0)
            out.append(t("rules.programme_benefit.text", lang, year=bt.by, wan=f"{goal:,.0f}"))
        return out
