r"""Yearly capacity of a programme: at most N actions started per year (``[programme.capacity]``).

Negotiation and supervision capacity is yearly: "no more than 40 plots a year", overall or
per township. With A_c the counted actions (``actions``, all by default) and, when ``per``
names a column, G its values (parcels with no value form a group of their own)::

    capacity[y]:     sum_{p, a in A_c} (x_pay + x'_pay)            <= N      y in Y
    capacity[y,g]:   sum_{p in g, a in A_c} (x_pay + x'_pay)       <= N      y in Y, g in G

first actions and second steps alike. Rows are named ``capacity_<y>`` or
``capacity_<y>_<k>`` (k the group's position in sorted order); each year's rows are one
statement, ``capacity[y]``. The check counts the plan's own ``year`` and ``year2``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from landopt.i18n import add_messages, t
from landopt.programme import _column_name, programme_of
from landopt.rules.base import Component, Statement

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario

add_messages(
    {
        "text": {"en": "{year}: at most {n} plots started", "zh": "{year} 年：至多启动 {n} 宗"},
        "text_per": {"en": "{year}: at most {n} plots started per {per}", "zh": "{year} 年：每个{per}至多启动 {n} 宗"},
        "detail": {"en": "{got} plots started ({group}) against ≤ {n}", "zh": "启动 {got} 宗（{group}），上限 {n}"},
        "all": {"en": "all", "zh": "全区"},
        "township": {"en": "township", "zh": "乡镇（街道）"},
    },
    prefix="rules.programme_capacity.",
)

NO_GROUP = "(none)"


def _groups(values: pd.Series) -> np.ndarray:
    return values.astype("string").fillna(NO_GROUP).replace("", NO_GROUP).to_numpy(str)


class ProgrammeCapacity(Component):
    """``capacity_<y>`` rows, their statements and checks."""

    name = "programme_capacity"

    def active(self, scenario: Scenario) -> bool:
        spec = scenario.rule("programme")
        return spec is not None and spec.capacity is not None

    def _text(self, sc: Scenario, y: int, lang: str | None) -> str:
        cap = sc.rule("programme").capacity
        if cap.per:
            per = t("rules.programme_capacity.township", lang) if cap.per == "township" else cap.per
            return t("rules.programme_capacity.text_per", lang, year=y, n=cap.plots_per_year, per=per)
        return t("rules.programme_capacity.text", lang, year=y, n=cap.plots_per_year)

    def compile(self, b: ModelBuilder) -> None:
        sc, prog = b.scenario, b.programme
        cap = prog.spec.capacity
        counted = np.isin(b.var_action, [sc.action_names.index(a) for a in (cap.actions or sc.action_names)])
        group = _groups(b.prep.parcels[_column_name(sc, cap.per)]) if cap.per else None
        names = sorted(set(group.tolist())) if group is not None else [None]
        g_of = group[b.var_parcel] if group is not None else None
        for y in prog.years:
            at = counted & (b.var_year == y)
            rows = []
            for k, g in enumerate(names):
                cols = np.flatnonzero(at if g is None else at & (g_of == g))
                if not len(cols):
                    continue
                name = f"capacity_{y}" if g is None else f"capacity_{y}_{k}"
                rows.append(b.add_row(name, cols, np.ones(len(cols)), "<=", float(cap.plots_per_year)))
            if rows:
                b.add_statement(Statement(f"capacity[{y}]", "capacity", self._text(sc, y, sc.lang), tuple(rows)))

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import Check, _undecided

        sc = ctx.scenario
        lg = sc.lang
        prog = programme_of(sc)
        cap = prog.spec.capacity
        acts = list(cap.actions or sc.action_names)
        col = _column_name(sc, cap.per) if cap.per else None
        if col is not None and col not in ctx.parcels.columns:
            return [_undecided(f"capacity[{y}]", t("diagnose.check.no_column", lg, col=repr(col)), lang=lg) for y in prog.years]
        group = _groups(ctx.parcels[col]) if col else np.full(len(ctx.ids), t("rules.programme_capacity.all", lg))
        out = []
        for y in prog.years:
            started = pd.Series(
                (np.isin(ctx.action, acts) & (ctx.year == y)).astype(int) + (np.isin(ctx.action2, acts) & (ctx.year2 == y)).astype(int)
            ).groupby(group).sum()
            worst = str(started.idxmax()) if len(started) else ""
            got = int(started.max()) if len(started) else 0
            detail = t("rules.programme_capacity.detail", lg, got=got, group=worst, n=cap.plots_per_year)
            out.append(Check(f"capacity[{y}]", got <= cap.plots_per_year, detail))
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        return [self._text(scenario, y, lang) for y in programme_of(scenario).years]
