r"""Shared quotas: province-level totals that the districts of a layer share.

A province hands its districts shares of one total: a clearance quota in mu or plots, one
budget. In the scenario::

    [shared]
    area_min = { clear = 3000 }     # the districts together clear at least 3,000 mu
    count_min = { clear = 90 }      # … and at least 90 plots
    budget = 250000                 # the districts together spend at most 250,000 万元

Formulation, over every parcel of the layer (the whole province, in one model)::

    shared_area_min[a]:   sum_{p:(p,a) in E} s_p x_pa     >= M_a
    shared_count_min[a]:  sum_{p:(p,a) in E} x_pa         >= N_a
    shared_budget:        sum_{(p,a) in E} k_pa x_pa      <= B

In one model over a province layer these rows are exactly the province's totals. With
``landopt plan-many`` each district is its own model and the shared rows couple them:
:mod:`landopt.decompose` relaxes them with prices (Lagrangian relaxation) instead of
solving the province as one model; see ``docs/decomposition.md``. Rows are named
``shared_area_min_<a>``, ``shared_count_min_<a>`` and ``shared_budget``; each is one
statement the diagnosis can relax. The check recomputes the totals from the plan's own
``action``, ``area_mu`` and cost columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from landopt.errors import Problem
from landopt.i18n import add_messages, t
from landopt.rules.base import Component, Statement
from landopt.rules.targets import who

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario

add_messages(
    {
        "area": {
            "en": "shared: {action} ≥ {mu} mu in total",
            "zh": "共享指标：{action}合计不少于 {mu} 亩",
        },
        "count": {
            "en": "shared: {action} ≥ {n} plots in total",
            "zh": "共享指标：{action}合计不少于 {n} 宗",
        },
        "budget": {
            "en": "shared budget ≤ {wan} 万元 in total",
            "zh": "共享预算：合计不超过 {wan} 万元",
        },
        "got_mu": {"en": "{got} mu against ≥ {mu}", "zh": "{got} 亩，要求不少于 {mu} 亩"},
        "got_n": {"en": "{got} plots against ≥ {n}", "zh": "{got} 宗，要求不少于 {n} 宗"},
        "got_wan": {"en": "{got} 万元 against ≤ {wan}", "zh": "{got} 万元，上限 {wan} 万元"},
        "no_action": {"en": "names no action {action}", "zh": "没有名为 {action} 的措施"},
        "no_action_fix": {"en": "use one of {actions}", "zh": "请使用以下之一：{actions}"},
    },
    prefix="rules.shared.",
)


class SharedSpec(BaseModel):
    """``[shared]``: totals over every district of the layer (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    area_min: dict[str, float] = Field(default_factory=dict, description="action -> least total mu")
    count_min: dict[str, int] = Field(
        default_factory=dict, description="action -> least total plots"
    )
    budget: float | None = Field(default=None, ge=0, description="most total cost, 万元")
    iterations: int = Field(
        default=40, ge=1, le=1000, description="most price rounds of the decomposition"
    )
    tolerance: float = Field(
        default=1e-4, ge=0, le=1, description="relative gap at which the price rounds stop"
    )


def shared_rows(scenario: Scenario) -> list[tuple[str, str | None]]:
    """The shared rows of a scenario, in order: ``(kind, action)``, kind area/count/budget."""
    spec = scenario.rule("shared")
    if spec is None:
        return []
    rows: list[tuple[str, str | None]] = [("area", a) for a in spec.area_min]
    rows += [("count", a) for a in spec.count_min]
    if spec.budget is not None:
        rows.append(("budget", None))
    return rows


class Shared(Component):
    """``[shared]``: rows, check and description (one file: see the module docstring)."""

    name = "shared"
    key = "shared"
    Spec = SharedSpec

    def scenario_problems(self, scenario: Scenario) -> list[Problem]:
        spec = self.spec(scenario)
        if spec is None:
            return []
        return [
            Problem(
                "[shared]",
                key,
                t("rules.shared.no_action", scenario.lang, action=repr(a)),
                t(
                    "rules.shared.no_action_fix",
                    scenario.lang,
                    actions=", ".join(scenario.action_names),
                ),
            )
            for key, table in (("area_min", spec.area_min), ("count_min", spec.count_min))
            for a in table
            if a not in scenario.action_names
        ]

    def _text(self, scenario: Scenario, kind: str, a: str | None, lang: str | None) -> str:
        spec = self.spec(scenario)
        if kind == "budget":
            return t("rules.shared.budget", lang, wan=f"{spec.budget:,.0f}")
        name = who(scenario.action(a), lang) if a else ""
        if kind == "area":
            return t("rules.shared.area", lang, action=name, mu=f"{spec.area_min[a]:,.1f}")
        return t("rules.shared.count", lang, action=name, n=spec.count_min[a])

    def compile(self, b: ModelBuilder) -> None:
        sc = b.scenario
        spec = self.spec(sc)
        for kind, a in shared_rows(sc):
            if kind == "budget":
                cols = np.arange(b.n_x)
                r = b.add_row("shared_budget", cols, b.var_cost[cols], "<=", float(spec.budget))
                name = "shared_budget"
            else:
                cols = b.cols_of(a)
                if kind == "area":
                    r = b.add_row(
                        f"shared_area_min_{a}",
                        cols,
                        b.var_area[cols],
                        ">=",
                        float(spec.area_min[a]),
                    )
                else:
                    r = b.add_row(
                        f"shared_count_min_{a}",
                        cols,
                        np.ones(len(cols)),
                        ">=",
                        float(spec.count_min[a]),
                    )
                name = f"shared_{kind}_min[{a}]"
            b.add_statement(
                Statement(name, "shared", self._text(sc, kind, a, sc.lang), (r,), action=a)
            )

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import Check

        sc = ctx.scenario
        spec = self.spec(sc)
        lg = sc.lang
        out = []
        for kind, a in shared_rows(sc):
            if kind == "budget":
                spent = 0.0
                for act in sc.actions:
                    col = ctx.column(act.cost)
                    if col is not None:
                        spent += float(ctx.money(act.name, col).sum())
                detail = t(
                    "rules.shared.got_wan", lg, got=f"{spent:,.1f}", wan=f"{spec.budget:,.0f}"
                )
                out.append(
                    Check("shared_budget", spent <= spec.budget + 1e-6, detail, kind="budget")
                )
            elif kind == "area":
                got = float(np.nansum(ctx.area[ctx.on_rule(a)]))
                detail = t(
                    "rules.shared.got_mu", lg, got=f"{got:,.1f}", mu=f"{spec.area_min[a]:,.1f}"
                )
                out.append(
                    Check(
                        f"shared_area_min[{a}]",
                        got >= spec.area_min[a] - 1e-6,
                        detail,
                        kind="target",
                    )
                )
            else:
                got_n = int(ctx.on_rule(a).sum())
                detail = t("rules.shared.got_n", lg, got=got_n, n=spec.count_min[a])
                out.append(
                    Check(
                        f"shared_count_min[{a}]", got_n >= spec.count_min[a], detail, kind="target"
                    )
                )
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        return [self._text(scenario, kind, a, lang) for kind, a in shared_rows(scenario)]
