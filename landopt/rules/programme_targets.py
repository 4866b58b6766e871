r"""Yearly and cumulative targets and yearly budgets of a programme.

``[[programme.targets]]`` counts the actions started in one year (``year``) or in the
years up to one (``by``), first actions and second steps alike; ``[[programme.budgets]]``
caps the nominal money falling in a year, a step of duration d_a started in t putting
sigma_{a,k} of its cost in year t + k. With Y_y = {y} (``year``) or {t in Y: t <= y}
(``by``), x ranging over stage 0 and stage 1 columns, and C_y the cost shares of steps
done before the programme that fall in year y (a rolling re-plan)::

    count[a,y]:      sum_{p, t in Y_y} x_pat          = n        (count_min >=, count_max <=)
    area_min[a,y]:   sum_{p, t in Y_y} s_p x_pat     >= m^-      (area_max <=)
    budget[y]:       sum_{p,a,k: t+k=y} sigma_{a,k} k_pa x_pat  <=  B_y - C_y
    budget[a,y]:     the same for action a only

Rows are named ``count_<a>_<y>``, ``count_min_<a>_by<y>``, ``area_min_<a>_<y>``, …,
``budget_<y>`` and ``budget_<a>_<y>``; statements ``count[a,y]``, ``area_min[a,by<y>]``,
``budget[y]``, ``budget[a,y]``. The check recomputes each from the plan's own ``action``,
``year``, ``action2``, ``year2`` and cost columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from landopt.i18n import add_messages, resolve_lang, t
from landopt.programme import in_progress, programme_of, step_value
from landopt.rules.base import Component, Statement
from landopt.rules.targets import _count_words, target_statements, who
from landopt.scenario import Targets as TargetRange

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario

add_messages(
    {
        "year": {"en": "{year}: {text}", "zh": "{year} 年：{text}"},
        "by": {"en": "by {year}: {text}", "zh": "截至 {year} 年：{text}"},
        "budget": {"en": "{year} budget {wan} 万元", "zh": "{year} 年预算 {wan} 万元"},
        "budget_action": {"en": "{year} {action} budget {wan} 万元", "zh": "{year} 年{action}预算 {wan} 万元"},
        "check_budget": {"en": "{cost} 万元 against {budget} 万元", "zh": "{cost} 万元，预算 {budget} 万元"},
        "precheck_budget": {
            "en": "{year}: the targets started that year cost at least {lb} 万元 in it, over the budget of {budget} 万元",
            "zh": "{year} 年：当年目标至少需投入 {lb} 万元，超过当年预算 {budget} 万元",
        },
    },
    prefix="rules.programme_targets.",
)


def target_range(tg: Any) -> TargetRange:
    """A yearly target's count/area as the one-year :class:`~landopt.scenario.Targets`."""
    cmin = tg.count if tg.count is not None else tg.count_min
    cmax = tg.count if tg.count is not None else tg.count_max
    return TargetRange(cmin, cmax, tg.area_min, tg.area_max)


def suffix(tg: Any) -> str:
    """``2023`` for a year target, ``by2025`` for a cumulative one."""
    return str(tg.year) if tg.year is not None else f"by{tg.by}"


def in_years(years: np.ndarray, tg: Any) -> np.ndarray:
    """Which start years a yearly target counts."""
    return years == tg.year if tg.year is not None else years <= tg.by


def share_matrix(prog: Any, names: tuple[str, ...]) -> np.ndarray:
    """sigma[a, k]: the cost share of action a in the k-th year of its span (0 beyond it)."""
    d = max((prog.duration(a) for a in names), default=1)
    out = np.zeros((len(names), d))
    for i, a in enumerate(names):
        sp = prog.split(a)
        out[i, : len(sp)] = sp
    return out


def yearly_money(year: int, start: np.ndarray, action: np.ndarray, value: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Per column (or plot step), the part of ``value`` falling in ``year``."""
    out = np.zeros(len(start))
    ok = action >= 0
    for k in range(sigma.shape[1]):
        hit = ok & (start + k == year)
        out[hit] += value[hit] * sigma[action[hit], k]
    return out


def in_progress_money(
    done: Any, prog: Any, sc: Scenario, column: Any, area: np.ndarray, year: int, action: str | None = None
) -> float:
    """Cost shares of steps done before the programme that fall in ``year`` (a re-plan).

    ``column(name)`` gives a cost column per parcel (the prepared problem's or the plan's).
    """
    total = 0.0
    for row, a, start in in_progress(done, prog):
        if action is not None and a != action:
            continue
        k = year - start
        sp = prog.split(a)
        if not 0 <= k < len(sp):
            continue
        act = sc.action(a)
        col = column(act.cost)
        if col is None:
            continue
        total += sp[k] * float(step_value(prog, act, col[[row]], area[[row]], "cost_per_mu")[0])
    return total


def _texts(tg: Any, sc: Scenario, lang: str | None) -> list[tuple[str, str, str, str, str, float]]:
    a = sc.action(tg.action)
    sfx = suffix(tg)
    key = "year" if tg.year is not None else "by"
    y = tg.year if tg.year is not None else tg.by
    out = []
    for name, k, kind, text, sense, rhs in target_statements(a.name, target_range(tg), lang, who(a, lang)):
        out.append(
            (
                f"{name}_{sfx}",
                k.replace(f"[{a.name}]", f"[{a.name},{sfx}]"),
                kind,
                t(f"rules.programme_targets.{key}", lang, year=y, text=text),
                sense,
                rhs,
            )
        )
    return out


class ProgrammeTargets(Component):
    """``[[programme.targets]]`` and ``[[programme.budgets]]``: rows, checks, descriptions."""

    name = "programme_targets"

    def active(self, scenario: Scenario) -> bool:
        spec = scenario.rule("programme")
        return spec is not None and bool(spec.targets or spec.budgets)

    def compile(self, b: ModelBuilder) -> None:
        sc, prog = b.scenario, b.programme
        lang = sc.lang
        for tg in prog.spec.targets:
            cols = b.cols_of(tg.action)
            cols = cols[in_years(b.var_year[cols], tg)]
            rows_of: dict[str, list[int]] = {}
            first: dict[str, tuple[str, str]] = {}
            for name, key, kind, text, sense, rhs in _texts(tg, sc, lang):
                vals = np.ones(len(cols)) if kind == "count" else b.var_area[cols]
                rows_of.setdefault(key, []).append(b.add_row(name, cols, vals, sense, float(rhs)))
                first.setdefault(key, (kind, text))
            for key, rows in rows_of.items():
                kind, text = first[key]
                b.add_statement(Statement(key, kind, text, tuple(rows), action=tg.action))
        sigma = share_matrix(prog, sc.action_names)
        for bd in prog.spec.budgets:
            money = yearly_money(bd.year, b.var_year, b.var_action, b.var_cost, sigma)
            if bd.action is not None:
                money[b.var_action != sc.action_names.index(bd.action)] = 0.0
            cols = np.flatnonzero(money)
            done = in_progress_money(b.prep.done, prog, sc, b.prep.column, b.prep.area, bd.year, bd.action)
            rhs = float(bd.max_wan) - done
            name = f"budget_{bd.action}_{bd.year}" if bd.action else f"budget_{bd.year}"
            key = f"budget[{bd.action},{bd.year}]" if bd.action else f"budget[{bd.year}]"
            r = b.add_row(name, cols, money[cols], "<=", rhs)
            b.add_statement(Statement(key, "budget", self._budget_text(bd, sc, lang), (r,), action=bd.action))

    @staticmethod
    def _budget_text(bd: Any, sc: Scenario, lang: str | None) -> str:
        if bd.action:
            return t("rules.programme_targets.budget_action", lang, year=bd.year, action=who(sc.action(bd.action), lang), wan=f"{bd.max_wan:,.0f}")
        return t("rules.programme_targets.budget", lang, year=bd.year, wan=f"{bd.max_wan:,.0f}")

    def precheck(self, model: Any) -> list[str]:
        """A year whose own targets cannot be met within that year's budget."""
        from landopt.rules.budgets import cheapest

        prog = programme_of(model.scenario)
        lg = model.scenario.lang
        out = []
        names = model.action_names
        ub = model.ub[: model.n_x] > 0
        for bd in prog.spec.budgets:
            if bd.action is not None:
                continue
            lb = 0.0
            for tg in prog.spec.targets:
                if tg.year != bd.year:
                    continue
                ai = names.index(tg.action)
                cols = np.flatnonzero((model.var_action == ai) & (model.var_year == bd.year) & ub)
                share = prog.split(tg.action)[0]
                rng = target_range(tg)
                nmin = rng.count_min or 0
                if nmin > len(cols):
                    continue
                lb += share * cheapest(model.var_cost[cols], model.area_mu[model.var_parcel[cols]], nmin, rng.area_min)
            if np.isfinite(lb) and lb > bd.max_wan + 1e-6:
                out.append(t("rules.programme_targets.precheck_budget", lg, year=bd.year, lb=f"{lb:,.0f}", budget=f"{bd.max_wan:,.0f}"))
        return out

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import Check, _undecided

        sc = ctx.scenario
        prog = programme_of(sc)
        lg = sc.lang
        out = []
        for tg in prog.spec.targets:
            n = int(((ctx.action == tg.action) & in_years(ctx.year, tg)).sum()) + int(
                ((ctx.action2 == tg.action) & in_years(ctx.year2, tg)).sum()
            )
            mu = float(
                ctx.area[(ctx.action == tg.action) & in_years(ctx.year, tg)].sum()
                + ctx.area[(ctx.action2 == tg.action) & in_years(ctx.year2, tg)].sum()
            )
            rng = target_range(tg)
            sfx = suffix(tg)
            if rng.count_min is not None or rng.count_max is not None:
                detail = t("diagnose.check.count", lg, n=f"{n:,}", words=_count_words(rng, lg))
                out.append(Check(f"count[{tg.action},{sfx}]", rng.count_met(n), detail, "target"))
            if rng.area_min is not None:
                detail = t("diagnose.check.area_min", lg, mu=f"{mu:,.2f}", target=f"{rng.area_min:,.2f}")
                out.append(Check(f"area_min[{tg.action},{sfx}]", rng.area_min_met(mu), detail, "target"))
            if rng.area_max is not None:
                detail = t("diagnose.check.area_max", lg, mu=f"{mu:,.2f}", target=f"{rng.area_max:,.2f}")
                out.append(Check(f"area_max[{tg.action},{sfx}]", rng.area_max_met(mu), detail, "target"))
        names = sc.action_names
        sigma = share_matrix(prog, names)
        idx = {a: i for i, a in enumerate(names)}
        a1 = np.array([idx.get(a, -1) for a in ctx.action])
        a2 = np.array([idx.get(a, -1) for a in ctx.action2])
        y1 = np.nan_to_num(ctx.year, nan=-10**6).astype(np.int64)
        y2 = np.nan_to_num(ctx.year2, nan=-10**6).astype(np.int64)
        for bd in prog.spec.budgets:
            key = f"budget[{bd.action},{bd.year}]" if bd.action else f"budget[{bd.year}]"
            total, missing = 0.0, None
            for a in [bd.action] if bd.action else list(names):
                col = ctx.column(sc.action(a).cost)
                if col is None:
                    missing = sc.action(a).cost
                    break
                value = step_value(prog, sc.action(a), col, ctx.area, "cost_per_mu")
                ai = idx[a]
                for act, start in ((a1, y1), (a2, y2)):
                    mine = np.where(act == ai, act, -1)
                    total += float(yearly_money(bd.year, start, mine, value, sigma).sum())
            total += in_progress_money(ctx.done, prog, sc, ctx.column, ctx.area, bd.year, bd.action)
            if missing is not None:
                out.append(_undecided(key, t("diagnose.check.no_column", lg, col=repr(missing)), lang=lg))
                continue
            detail = t("rules.programme_targets.check_budget", lg, cost=f"{total:,.1f}", budget=f"{bd.max_wan:,.1f}")
            out.append(Check(key, total <= bd.max_wan + 1e-6 * max(1.0, bd.max_wan), detail))
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        prog = programme_of(scenario)
        out = list(dict.fromkeys(text for tg in prog.spec.targets for *_, text, _, _ in _texts(tg, scenario, lang)))
        out += [self._budget_text(bd, scenario, resolve_lang(lang)) for bd in prog.spec.budgets]
        return out
