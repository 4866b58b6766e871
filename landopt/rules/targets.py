r"""Count and area targets of each action (``[actions.<a>.targets]``).

Formulation::

    count[a]:        sum_{p:(p,a) in E} x_pa        = n_a      when n_a^- = n_a^+ = n_a
    count_min[a]:    sum_{p:(p,a) in E} x_pa       >= n_a^-    otherwise, when given
    count_max[a]:    sum_{p:(p,a) in E} x_pa       <= n_a^+    otherwise, when given
    area_min[a]:     sum_{p:(p,a) in E} s_p x_pa   >= m_a^-    when given
    area_max[a]:     sum_{p:(p,a) in E} s_p x_pa   <= m_a^+    when given

Rows are named ``count_<a>``, ``count_min_<a>``, ``count_max_<a>``, ``area_min_<a>`` and
``area_max_<a>``; their statements (``count[a]``, ``area_min[a]``, ``area_max[a]``) are
the targets the diagnosis relaxes and the closest plan lets fall short. A target check is
of kind ``"target"``: a shortfall plan may fail it, and says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from landopt.i18n import add_messages, t
from landopt.rules.base import Component, Statement

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario, Targets

add_messages(
    {
        "exact": {"en": "{action}: exactly {n} plots", "zh": "{action}：恰好 {n} 宗"},
        "range": {"en": "{action}: {words}", "zh": "{action}：{words}"},
        "area_min": {"en": "{action}: at least {mu} mu", "zh": "{action}：不少于 {mu} 亩"},
        "area_max": {"en": "{action}: at most {mu} mu", "zh": "{action}：不超过 {mu} 亩"},
        "none": {"en": "{action}: no targets", "zh": "{action}：无目标"},
    },
    prefix="rules.targets.",
)


def plots(n: int | None) -> str:
    """``1 plot``, ``17 plots``."""
    return f"{n} plot" if n == 1 else f"{n} plots"


def _count_words(tg: Targets) -> str:
    return tg.describe().split(", ")[0]


def target_statements(action: str, tg: Targets) -> list[tuple[str, str, str, str, str, float]]:
    """The rows of one action's targets: ``(row name, key, kind, text, sense, rhs)``."""
    out = []
    if tg.count_exact:
        out.append(
            (f"count_{action}", f"count[{action}]", "count", t("rules.targets.exact", "en", action=action, n=tg.count_min), "==", tg.count_min)
        )
    else:
        words = t("rules.targets.range", "en", action=action, words=_count_words(tg))
        if tg.count_min is not None:
            out.append((f"count_min_{action}", f"count[{action}]", "count", words, ">=", tg.count_min))
        if tg.count_max is not None:
            out.append((f"count_max_{action}", f"count[{action}]", "count", words, "<=", tg.count_max))
    if tg.area_min is not None:
        mu = f"{tg.area_min:,.1f}"
        out.append((f"area_min_{action}", f"area_min[{action}]", "area_min", t("rules.targets.area_min", "en", action=action, mu=mu), ">=", tg.area_min))
    if tg.area_max is not None:
        mu = f"{tg.area_max:,.1f}"
        out.append((f"area_max_{action}", f"area_max[{action}]", "area_max", t("rules.targets.area_max", "en", action=action, mu=mu), "<=", tg.area_max))
    return out


class Targets(Component):
    """Count and area rows per action, their statements, checks and descriptions."""

    name = "targets"

    def compile(self, b: ModelBuilder) -> None:
        for ai, a in enumerate(b.scenario.actions):
            cols = b.cols_of(ai)
            rows_of: dict[str, list[int]] = {}
            first: dict[str, tuple[str, str]] = {}
            for name, key, kind, text, sense, rhs in target_statements(a.name, a.targets):
                vals = np.ones(len(cols)) if kind == "count" else b.var_area[cols]
                rows_of.setdefault(key, []).append(b.add_row(name, cols, vals, sense, float(rhs)))
                first.setdefault(key, (kind, text))
            for key, rows in rows_of.items():
                kind, text = first[key]
                b.add_statement(Statement(key, kind, text, tuple(rows), action=a.name))

    def precheck(self, model: Any) -> list[str]:
        out = []
        for ai, a in enumerate(model.scenario.actions):
            cols = np.flatnonzero((model.var_action == ai) & (model.ub[: model.n_x] > 0))
            forced = np.flatnonzero((model.var_action == ai) & (model.lb[: model.n_x] > 0))
            area = model.area_mu[model.var_parcel[cols]]
            tg = a.targets
            n = len(cols)
            nmin = tg.count_min or 0
            if nmin > n:
                out.append(
                    f"{a.name} needs {plots(nmin)} but only {plots(n)} {'is' if n == 1 else 'are'} eligible ({a.eligible.describe()})"
                )
            if tg.count_max is not None and len(forced) > tg.count_max:
                out.append(
                    f"{a.name} allows at most {plots(tg.count_max)} but {len(forced)} are locked into it"
                )
            if tg.area_min is not None:
                k = tg.count_max if tg.count_max is not None else n
                top = np.sort(area)[::-1][:k].sum()
                if top < tg.area_min - 1e-6:
                    which = f"the {k} largest eligible plots" if k < n else f"all {n} eligible plots"
                    lead = (
                        f"{a.name} needs {plots(tg.count_max)} and ≥ {tg.area_min:,.1f} mu"
                        if tg.count_max is not None
                        else f"{a.name} needs ≥ {tg.area_min:,.1f} mu"
                    )
                    out.append(f"{lead}, but {which} total {top:,.1f} mu")
            if tg.area_max is not None:
                forced_area = model.area_mu[model.var_parcel[forced]].sum()
                low = np.sort(area)[:nmin].sum() if nmin <= n else np.inf
                if forced_area > tg.area_max + 1e-6:
                    out.append(
                        f"{a.name} allows at most {tg.area_max:,.1f} mu but the plots locked into it total {forced_area:,.1f} mu"
                    )
                elif low > tg.area_max + 1e-6:
                    out.append(
                        f"{a.name} needs {plots(nmin)} and ≤ {tg.area_max:,.1f} mu, but the {nmin} smallest eligible plots already total {low:,.1f} mu"
                    )
        return out

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import Check

        out = []
        for a in ctx.scenario.actions:
            on = ctx.on(a.name)
            n, mu = int(on.sum()), float(ctx.area[on].sum())
            tg = a.targets
            if tg.count_min is not None or tg.count_max is not None:
                out.append(
                    Check(f"count[{a.name}]", tg.count_met(n), f"{n} plots against {_count_words(tg)}", "target")
                )
            if tg.area_min is not None:
                out.append(
                    Check(f"area_min[{a.name}]", tg.area_min_met(mu), f"{mu:,.2f} mu against ≥ {tg.area_min:,.2f}", "target")
                )
            if tg.area_max is not None:
                out.append(
                    Check(f"area_max[{a.name}]", tg.area_max_met(mu), f"{mu:,.2f} mu against ≤ {tg.area_max:,.2f}", "target")
                )
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        out = []
        for a in scenario.actions:
            tg = a.targets
            parts = []
            if tg.count_exact:
                parts.append(t("rules.targets.exact", lang, action=a.label or a.name, n=tg.count_min))
            if tg.area_min is not None:
                parts.append(t("rules.targets.area_min", lang, action=a.label or a.name, mu=f"{tg.area_min:,.1f}"))
            if tg.area_max is not None:
                parts.append(t("rules.targets.area_max", lang, action=a.label or a.name, mu=f"{tg.area_max:,.1f}"))
            if not tg.count_exact and (tg.count_min is not None or tg.count_max is not None):
                parts.insert(0, t("rules.targets.range", lang, action=a.label or a.name, words=_count_words(tg)))
            out += parts or [t("rules.targets.none", lang, action=a.label or a.name)]
        return out
