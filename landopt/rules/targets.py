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

from landopt.i18n import add_messages, resolve_lang, t
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


def plots(n: int | None, lang: str | None = "en") -> str:
    """``1 plot``, ``17 plots`` (``17 宗``)."""
    return t("diagnose.plot" if n == 1 else "diagnose.plots", lang, n=f"{n:,}" if n is not None else n)


def who(action: Any, lang: str | None) -> str:
    """How a text names an action: its name in English, its label (出清) in Chinese."""
    return action.name if resolve_lang(lang) == "en" else (action.label or action.name)


def _count_words(tg: Targets, lang: str | None = "en") -> str:
    if resolve_lang(lang) == "en":
        return tg.describe().split(", ")[0]
    if tg.count_exact:
        return t("diagnose.count.exact", lang, n=f"{tg.count_min:,}")
    lo = None if tg.count_min is None else f"{tg.count_min:g}"
    hi = None if tg.count_max is None else f"{tg.count_max:g}"
    if lo is not None and hi is not None:
        return t("diagnose.count.range", lang, lo=lo, hi=hi)
    return t("diagnose.count.min", lang, lo=lo) if lo is not None else t("diagnose.count.max", lang, hi=hi)


def target_statements(
    action: str, tg: Targets, lang: str | None = "en", name: str | None = None
) -> list[tuple[str, str, str, str, str, float]]:
    """The rows of one action's targets: ``(row name, key, kind, text, sense, rhs)``.

    ``text`` is in ``lang`` and names the action ``name`` (default ``action``).
    """
    out = []
    name = name or action
    if tg.count_exact:
        out.append(
            (f"count_{action}", f"count[{action}]", "count", t("rules.targets.exact", lang, action=name, n=tg.count_min), "==", tg.count_min)
        )
    else:
        words = t("rules.targets.range", lang, action=name, words=_count_words(tg, lang))
        if tg.count_min is not None:
            out.append((f"count_min_{action}", f"count[{action}]", "count", words, ">=", tg.count_min))
        if tg.count_max is not None:
            out.append((f"count_max_{action}", f"count[{action}]", "count", words, "<=", tg.count_max))
    if tg.area_min is not None:
        mu = f"{tg.area_min:,.1f}"
        out.append((f"area_min_{action}", f"area_min[{action}]", "area_min", t("rules.targets.area_min", lang, action=name, mu=mu), ">=", tg.area_min))
    if tg.area_max is not None:
        mu = f"{tg.area_max:,.1f}"
        out.append((f"area_max_{action}", f"area_max[{action}]", "area_max", t("rules.targets.area_max", lang, action=name, mu=mu), "<=", tg.area_max))
    return out


class Targets(Component):
    """Count and area rows per action, their statements, checks and descriptions."""

    name = "targets"

    def compile(self, b: ModelBuilder) -> None:
        for ai, a in enumerate(b.scenario.actions):
            cols = b.cols_of(ai)
            rows_of: dict[str, list[int]] = {}
            first: dict[str, tuple[str, str]] = {}
            lang = b.scenario.lang
            for name, key, kind, text, sense, rhs in target_statements(
                a.name, a.targets, lang, who(a, lang)
            ):
                vals = np.ones(len(cols)) if kind == "count" else b.var_area[cols]
                rows_of.setdefault(key, []).append(b.add_row(name, cols, vals, sense, float(rhs)))
                first.setdefault(key, (kind, text))
            for key, rows in rows_of.items():
                kind, text = first[key]
                b.add_statement(Statement(key, kind, text, tuple(rows), action=a.name))

    def precheck(self, model: Any) -> list[str]:
        from landopt.scenario import describe_rule

        lg = model.scenario.lang
        out = []
        for ai, a in enumerate(model.scenario.actions):
            cols = np.flatnonzero((model.var_action == ai) & (model.ub[: model.n_x] > 0))
            forced = np.flatnonzero((model.var_action == ai) & (model.lb[: model.n_x] > 0))
            area = model.area_mu[model.var_parcel[cols]]
            tg = a.targets
            n = len(cols)
            nmin = tg.count_min or 0
            name = who(a, lg)
            if nmin > n:
                out.append(
                    t(
                        "diagnose.too_few.one" if n == 1 else "diagnose.too_few",
                        lg,
                        action=name,
                        need=plots(nmin, lg),
                        have=plots(n, lg),
                        # the planner's field names and values, in the run's language
                        rule=describe_rule(a.eligible, lg, parcels=model.scenario.parcels),
                    )
                )
            if tg.count_max is not None and len(forced) > tg.count_max:
                out.append(
                    t("diagnose.locked_over_count", lg, action=name, most=plots(tg.count_max, lg), n=len(forced))
                )
            if tg.area_min is not None:
                k = tg.count_max if tg.count_max is not None else n
                top = np.sort(area)[::-1][:k].sum()
                if top < tg.area_min - 1e-6:
                    which = (
                        t("diagnose.area_min.largest", lg, k=k)
                        if k < n
                        else t("diagnose.area_min.all", lg, n=n)
                    )
                    lead = (
                        t("diagnose.area_min.lead_count", lg, action=name, plots=plots(tg.count_max, lg), mu=f"{tg.area_min:,.1f}")
                        if tg.count_max is not None
                        else t("diagnose.area_min.lead", lg, action=name, mu=f"{tg.area_min:,.1f}")
                    )
                    out.append(t("diagnose.area_min.but", lg, lead=lead, which=which, top=f"{top:,.1f}"))
            if tg.area_max is not None:
                forced_area = model.area_mu[model.var_parcel[forced]].sum()
                low = np.sort(area)[:nmin].sum() if nmin <= n else np.inf
                if forced_area > tg.area_max + 1e-6:
                    out.append(
                        t("diagnose.area_max.locked", lg, action=name, mu=f"{tg.area_max:,.1f}", forced=f"{forced_area:,.1f}")
                    )
                elif low > tg.area_max + 1e-6:
                    out.append(
                        t(
                            "diagnose.area_max.small",
                            lg,
                            action=name,
                            plots=plots(nmin, lg),
                            mu=f"{tg.area_max:,.1f}",
                            n=nmin,
                            low=f"{low:,.1f}",
                        )
                    )
        return out

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import Check

        lg = ctx.scenario.lang
        out = []
        for a in ctx.scenario.actions:
            on = ctx.on(a.name)
            n, mu = int(on.sum()), float(ctx.area[on].sum())
            tg = a.targets
            if tg.count_min is not None or tg.count_max is not None:
                detail = t("diagnose.check.count", lg, n=f"{n:,}", words=_count_words(tg, lg))
                out.append(Check(f"count[{a.name}]", tg.count_met(n), detail, "target"))
            if tg.area_min is not None:
                detail = t("diagnose.check.area_min", lg, mu=f"{mu:,.2f}", target=f"{tg.area_min:,.2f}")
                out.append(Check(f"area_min[{a.name}]", tg.area_min_met(mu), detail, "target"))
            if tg.area_max is not None:
                detail = t("diagnose.check.area_max", lg, mu=f"{mu:,.2f}", target=f"{tg.area_max:,.2f}")
                out.append(Check(f"area_max[{a.name}]", tg.area_max_met(mu), detail, "target"))
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
                parts.insert(0, t("rules.targets.range", lang, action=a.label or a.name, words=_count_words(tg, lang)))
            out += parts or [t("rules.targets.none", lang, action=a.label or a.name)]
        return out
