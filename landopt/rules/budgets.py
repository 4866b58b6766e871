r"""Budgets: each action's (``[actions.<a>] budget``) and the total (``[budget] total``).

Formulation::

    budget[a]:       sum_{p:(p,a) in E} k_pa x_pa   <= B_a     when given
    budget_total:    sum_{(p,a) in E} k_pa x_pa     <= B       when given

with k_pa the action's cost column (万元). Rows ``budget_<a>`` and ``budget_total``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from landopt.i18n import add_messages, t
from landopt.rules.base import Component, Statement
from landopt.rules.targets import who

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario

add_messages(
    {
        "action": {"en": "{action} budget {wan} 万元", "zh": "{action}预算 {wan} 万元"},
        "total": {"en": "total budget {wan} 万元", "zh": "总预算 {wan} 万元"},
    },
    prefix="rules.budgets.",
)


def cheapest(cost: np.ndarray, area: np.ndarray, nmin: int, area_min: float | None) -> float:
    """A lower bound on the cost of meeting a count and an area target with one action."""
    by_count = np.sort(cost)[:nmin].sum() if nmin else 0.0
    by_area = 0.0
    if area_min:
        # fractional knapsack: cheapest mu first, the last plot in part
        with np.errstate(divide="ignore", invalid="ignore"):
            per_mu = np.where(area > 0, cost / area, np.inf)
        order = np.argsort(per_mu, kind="stable")
        cum = np.cumsum(area[order])
        k = int(np.searchsorted(cum, area_min))
        if k >= len(order):
            return np.inf
        before = cum[k - 1] if k else 0.0
        by_area = cost[order[:k]].sum() + per_mu[order[k]] * (area_min - before)
    return float(max(by_count, by_area))


class Budgets(Component):
    """Budget rows, statements, checks and descriptions."""

    name = "budgets"

    def compile(self, b: ModelBuilder) -> None:
        sc = b.scenario
        for ai, a in enumerate(sc.actions):
            if a.budget is None:
                continue
            cols = b.cols_of(ai)
            r = b.add_row(f"budget_{a.name}", cols, b.var_cost[cols], "<=", float(a.budget))
            text = t("rules.budgets.action", sc.lang, action=who(a, sc.lang), wan=f"{a.budget:,.0f}")
            b.add_statement(Statement(f"budget[{a.name}]", "budget", text, (r,), action=a.name))
        if sc.budget_total is not None:
            cols = np.arange(b.n_x)
            r = b.add_row("budget_total", cols, b.var_cost[cols], "<=", float(sc.budget_total))
            text = t("rules.budgets.total", sc.lang, wan=f"{sc.budget_total:,.0f}")
            b.add_statement(Statement("budget_total", "budget", text, (r,)))

    def precheck(self, model: Any) -> list[str]:
        sc = model.scenario
        out = []
        total_lb = 0.0
        for ai, a in enumerate(sc.actions):
            cols = np.flatnonzero((model.var_action == ai) & (model.ub[: model.n_x] > 0))
            nmin = a.targets.count_min or 0
            lb = (
                cheapest(model.var_cost[cols], model.area_mu[model.var_parcel[cols]], nmin, a.targets.area_min)
                if nmin <= len(cols)
                else np.inf
            )
            if np.isfinite(lb):
                total_lb += lb
            if a.budget is not None and lb > a.budget + 1e-6:
                out.append(
                    t("diagnose.budget.action", sc.lang, action=who(a, sc.lang), budget=f"{a.budget:,.0f}", lb=f"{lb:,.0f}")
                )
        if sc.budget_total is not None and total_lb > sc.budget_total + 1e-6:
            out.append(t("diagnose.budget.total", sc.lang, budget=f"{sc.budget_total:,.0f}", lb=f"{total_lb:,.0f}"))
        return out

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import Check, _undecided

        lg = ctx.scenario.lang
        out = []
        total = 0.0
        for a in ctx.scenario.actions:
            col = ctx.column(a.cost)
            cost = float(ctx.money(a.name, col).sum()) if col is not None else float("nan")
            total += cost
            if a.budget is None:
                continue
            out.append(
                _undecided(f"budget[{a.name}]", t("diagnose.check.no_column", lg, col=repr(a.cost)), lang=lg)
                if col is None
                else Check(
                    f"budget[{a.name}]",
                    cost <= a.budget + 1e-6,
                    t("diagnose.check.budget", lg, cost=f"{cost:,.1f}", budget=f"{a.budget:,.1f}"),
                )
            )
        B = ctx.scenario.budget_total
        if B is not None:
            out.append(
                _undecided("budget_total", t("diagnose.check.no_cost", lg), lang=lg)
                if np.isnan(total)
                else Check(
                    "budget_total",
                    total <= B + 1e-6,
                    t("diagnose.check.budget", lg, cost=f"{total:,.1f}", budget=f"{B:,.1f}"),
                )
            )
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        out = [
            t("rules.budgets.action", lang, action=a.label or a.name, wan=f"{a.budget:,.0f}")
            for a in scenario.actions
            if a.budget is not None
        ]
        if scenario.budget_total is not None:
            out.append(t("rules.budgets.total", lang, wan=f"{scenario.budget_total:,.0f}"))
        return out
