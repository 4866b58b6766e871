r"""Multi-year programmes: the ``[programme]`` table, the yearly columns and the sequences.

With ``[programme] years = [y_0, …, y_N]`` (consecutive) a decision is a start year as
well as a parcel and an action (:mod:`landopt.programme` expands the columns). Symbols:

================  ============================================================
:math:`Y`         the programme's years y_0 … y_N
:math:`x_{pat}`   1 if parcel p's first action is a, started in year t (stage 0)
:math:`x'_{pat}`  1 if parcel p's second step (a sequence's ``then``) starts in t (stage 1)
:math:`d_a`       years action a takes (``[programme.duration]``, default 1)
:math:`σ_{a,k}`   share of a's cost in the k-th year of its span (``split``)
:math:`ρ`         the discount rate of the objective's money terms
:math:`γ`         a sequence's gap: ``then`` starts >= γ years after ``first`` starts
================  ============================================================

Columns: x_pat for (p, a) eligible and t in Y with t + d_a - 1 <= y_N, within the
parcel's ``not_before`` <= t <= ``not_after``; stock parcels (``stock``: land cleared before
y_0) get x_pat only for the ``then`` actions of the sequences, whatever those actions' own
rules say; x'_pat for p eligible for a sequence's ``first`` (not stock) and
t >= (p's earliest start of ``first``) + γ. An action started in t completes in
t + d_a - 1; benefit counts from completion.

Rows of this component (sequence (first f, then h, gap γ))::

    sequence[p,t']:  sum_{t <= t'} x'_pht  -  sum_{t <= t' - γ} x_pft  <= 0      t' in Y

so a second step starts only after its first action started γ years before, and at
most once (one_action bounds the first actions' sum by 1). Rows are named
``sequence_<p>_<t'>`` (``sequence_<p>_<t'>_<s>`` for the s-th sequence, s >= 1).
``one_action`` sums the stage-0 columns of every year; the whole-programme targets,
budgets, locks and shares of the one-year model keep their rows over every column (a
sequence parcel counts once for ``first`` and once for ``then``). The check recomputes,
from the plan's own ``year``, ``year_end``, ``action2``, ``year2`` and ``stock`` columns,
that every step lies in the programme, completes in it, respects the windows and the
gap, and that stock land (the rule, evaluated afresh) takes only a ``then`` action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from landopt.i18n import add_messages, t
from landopt.programme import (
    ProgrammeSpec,
    _column_name,
    programme_data_problems,
    programme_of,
    programme_problems,
)
from landopt.rules.base import Component
from landopt.rules.targets import who

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.errors import Problem
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario

add_messages(
    {
        "years": {"en": "programme {first}–{last} ({n} years)", "zh": "规划期 {first}—{last} 年（{n} 年）"},
        "discount": {"en": "money discounted at {rate} a year", "zh": "资金按年 {rate} 折现"},
        "sequence": {
            "en": "{then} may follow {first} on the same plot, {gap} year(s) later or more",
            "zh": "{first}后至少 {gap} 年可在同一地块{then}",
        },
        "stock": {"en": "{n} plots ({mu} mu) are cleared land before {year}", "zh": "{year} 年前已出清的存量土地 {n} 宗（{mu} 亩）"},
        "ok_years": {"en": "every step starts and completes in {first}–{last}", "zh": "每项措施均在 {first}—{last} 年内开始并完成"},
        "bad_years": {"en": "steps outside the programme or not completed in it", "zh": "措施年份超出规划期或未在期内完成"},
        "ok_seq": {"en": "{n} second steps, each after its first action", "zh": "{n} 项后续措施，均在前序措施之后"},
        "bad_seq": {"en": "second steps without their first action or too early", "zh": "后续措施缺少前序措施或时间过早"},
        "ok_window": {"en": "every first action within its not-before/not-after years", "zh": "每项首项措施均在其最早/最晚年份内"},
        "bad_window": {"en": "first actions outside their not-before/not-after years", "zh": "首项措施超出其最早/最晚年份"},
        "ok_stock": {"en": "stock land takes only re-supply ({n} plots)", "zh": "存量土地仅用于再供应（{n} 宗）"},
        "bad_stock": {"en": "stock column or stock plots' actions wrong", "zh": "存量标记或存量地块的措施有误"},
        "cross_year": {
            "en": "{year}'s {mu} mu of {then} needs land cleared by {by} or stock, but at most {most} mu can be: {why}",
            "zh": "{year} 年{then} {mu} 亩需要 {by} 年前出清的土地或存量土地，但至多只有 {most} 亩：{why}",
        },
        "cross_why": {
            "en": "{stock} mu of stock and {first} mu that {first_action} can start by {by}",
            "zh": "存量 {stock} 亩，{by} 年前可{first_action} {first} 亩",
        },
    },
    prefix="rules.programme.",
)


class ProgrammeRule(Component):
    """``[programme]``: its schema and problems, the sequence rows, the structural checks."""

    name = "programme"
    key = "programme"
    Spec = ProgrammeSpec

    def scenario_problems(self, scenario: Scenario) -> list[Problem]:
        spec = self.spec(scenario)
        return [] if spec is None else programme_problems(spec, scenario)

    def data_problems(self, scenario: Scenario, parcels: pd.DataFrame) -> list[Problem]:
        return programme_data_problems(self.spec(scenario), scenario, parcels)

    def compile(self, b: ModelBuilder) -> None:
        prog, cols = b.programme, b.columns
        names = b.scenario.action_names
        n = b.prep.n
        years = np.asarray(prog.years)
        for si, s in enumerate(prog.sequences):
            fi = names.index(s.first)
            second = np.flatnonzero((b.var_stage == 1) & (cols.sequence == si))
            first = np.flatnonzero((b.var_stage == 0) & (b.var_action == fi))
            if not len(second):
                continue
            for y in years.tolist():
                at = second[b.var_year[second] == y]
                if not len(at):
                    continue
                ps = np.unique(b.var_parcel[at])
                row_of = np.full(n, -1, dtype=np.int64)
                row_of[ps] = np.arange(len(ps))
                mine = second[(b.var_year[second] <= y) & (row_of[b.var_parcel[second]] >= 0)]
                pre = first[(b.var_year[first] <= y - s.gap) & (row_of[b.var_parcel[first]] >= 0)]
                suffix = f"_{si}" if si else ""
                b.add_block(
                    row_local=np.concatenate([row_of[b.var_parcel[mine]], row_of[b.var_parcel[pre]]]),
                    cols=np.concatenate([mine, pre]),
                    vals=np.concatenate([np.ones(len(mine)), -np.ones(len(pre))]),
                    names=[f"sequence_{p}_{y}{suffix}" for p in ps.tolist()],
                    senses="<=",
                    rhs=np.zeros(len(ps)),
                )

    def precheck(self, model: Any) -> list[str]:
        """A yearly target of a ``then`` action that cleared land cannot supply in time."""
        prog = programme_of(model.scenario)
        if prog is None:
            return []
        lg = model.scenario.lang
        out = []
        ub = model.ub[: model.n_x] > 0
        names = model.action_names
        for tg in prog.spec.targets:
            seq = [s for s in prog.sequences if s.then == tg.action]
            if not seq or tg.area_min is None:
                continue
            y = tg.year if tg.year is not None else tg.by
            hi = names.index(tg.action)
            own = (model.var_action == hi) & ub & (model.var_year <= y)
            if tg.year is not None:
                own &= model.var_year == y
            stock_cols = own & (model.var_stage == 0)
            stage0 = np.unique(model.var_parcel[stock_cols])
            stock_mu = float(model.area_mu[stage0].sum())
            firsts = []
            for s in seq:
                fi = names.index(s.first)
                fc = (model.var_action == fi) & (model.var_stage == 0) & ub & (model.var_year <= y - s.gap)
                firsts.append(np.unique(model.var_parcel[fc]))
            fp = np.setdiff1d(np.unique(np.concatenate(firsts)) if firsts else np.zeros(0, np.int64), stage0)
            first_mu = float(model.area_mu[fp].sum())
            most = stock_mu + first_mu
            if most < tg.area_min - 1e-6:
                by = y - min(s.gap for s in seq)
                fa = model.scenario.action(seq[0].first)
                why = t("rules.programme.cross_why", lg, stock=f"{stock_mu:,.1f}", first=f"{first_mu:,.1f}", first_action=who(fa, lg), by=by)
                out.append(
                    t(
                        "rules.programme.cross_year",
                        lg,
                        year=y,
                        mu=f"{tg.area_min:,.1f}",
                        then=who(model.scenario.action(tg.action), lg),
                        by=by,
                        most=f"{most:,.1f}",
                        why=why,
                    )
                )
        return out

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import NONE, Check, _ids_detail, evaluate_rule

        sc = ctx.scenario
        lg = sc.lang
        prog = programme_of(sc)
        y0, yN = prog.first_year, prog.last_year
        out = []
        dur = {a: prog.duration(a) for a in sc.action_names}
        first_on = ctx.action != NONE
        second_on = (ctx.action2 != NONE) & (ctx.action2 != "")
        end1 = ctx.year + np.array([dur.get(a, 1) for a in ctx.action]) - 1
        end2 = ctx.year2 + np.array([dur.get(a, 1) for a in ctx.action2]) - 1
        bad = (
            first_on
            & ~((ctx.year >= y0) & (end1 <= yN) & (ctx.year_end == end1))
        ) | (second_on & ~((ctx.year2 >= y0) & (end2 <= yN)))
        bad |= ~first_on & (second_on | ~np.isnan(ctx.year))
        out.append(
            Check(
                "programme_years",
                not bad.any(),
                _ids_detail(ctx.ids[bad], t("rules.programme.bad_years", lg), lg)
                if bad.any()
                else t("rules.programme.ok_years", lg, first=y0, last=yN),
            )
        )
        # sequences: a second step follows its first action by the gap
        ok2 = np.zeros(len(ctx.ids), dtype=bool)
        for s in prog.sequences:
            ok2 |= (ctx.action == s.first) & (ctx.action2 == s.then) & (ctx.year2 >= ctx.year + s.gap)
        bad = second_on & ~ok2
        out.append(
            Check(
                "sequence",
                not bad.any(),
                _ids_detail(ctx.ids[bad], t("rules.programme.bad_seq", lg), lg)
                if bad.any()
                else t("rules.programme.ok_seq", lg, n=f"{int(second_on.sum()):,}"),
            )
        )
        # the solver's vector itself, when given: the plan's years and second steps are its own
        model = ctx.model
        if ctx.x is not None and model is not None and getattr(model, "var_stage", None) is not None:
            on = np.asarray(ctx.x, dtype=float)[: model.n_x] > 0.5
            n = len(ctx.ids)
            want_y, want_y2 = np.full(n, np.nan), np.full(n, np.nan)
            want_a2 = np.full(n, NONE, dtype=object)
            first, second = on & (model.var_stage == 0), on & (model.var_stage == 1)
            want_y[model.var_parcel[first]] = model.var_year[first]
            want_y2[model.var_parcel[second]] = model.var_year[second]
            want_a2[model.var_parcel[second]] = np.asarray(sc.action_names, dtype=object)[model.var_action[second]]

            def differs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
                return ~((a == b) | (np.isnan(a) & np.isnan(b)))

            bad = differs(want_y, ctx.year) | differs(want_y2, ctx.year2) | (want_a2 != np.where(second_on, ctx.action2, NONE))
            out.append(
                Check(
                    "years match x",
                    not bad.any(),
                    _ids_detail(ctx.ids[bad], t("diagnose.check.differs", lg), lg)
                    if bad.any()
                    else t("diagnose.check.matches", lg),
                )
            )
        # windows, from the plan's own columns
        if prog.spec.not_before or prog.spec.not_after:
            bad = np.zeros(len(ctx.ids), dtype=bool)
            for key, sign in (("not_before", 1), ("not_after", -1)):
                field = getattr(prog.spec, key)
                if not field:
                    continue
                v = ctx.column(_column_name(sc, field))
                if v is None:
                    ctx.missing.append(field)
                    continue
                bad |= first_on & ~np.isnan(v) & (sign * (ctx.year - v) < 0)
            out.append(
                Check(
                    "programme_window",
                    not bad.any(),
                    _ids_detail(ctx.ids[bad], t("rules.programme.bad_window", lg), lg)
                    if bad.any()
                    else t("rules.programme.ok_window", lg),
                )
            )
        # stock: the plan's column agrees with the rule, and stock takes only a then action
        thens = set(prog.then_actions())
        if prog.stock_rule is not None:
            try:
                rule_stock = evaluate_rule(prog.stock_rule, ctx.parcels)
            except KeyError:
                rule_stock = ctx.stock
            # a plot may be stock by a done record too, so only a missing mark is wrong
            wrong = rule_stock & ~ctx.stock
        else:
            wrong = np.zeros(len(ctx.ids), dtype=bool)
        wrong |= ctx.stock & first_on & ~np.isin(ctx.action, list(thens))
        wrong |= ctx.stock & second_on
        out.append(
            Check(
                "stock",
                not wrong.any(),
                _ids_detail(ctx.ids[wrong], t("rules.programme.bad_stock", lg), lg)
                if wrong.any()
                else t("rules.programme.ok_stock", lg, n=f"{int((ctx.stock & first_on).sum()):,}"),
            )
        )
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        prog = programme_of(scenario)
        out = [t("rules.programme.years", lang, first=prog.first_year, last=prog.last_year, n=len(prog.years))]
        if prog.spec.discount_rate:
            out.append(t("rules.programme.discount", lang, rate=f"{prog.spec.discount_rate:.1%}"))
        for s in prog.sequences:
            first, then = scenario.action(s.first), scenario.action(s.then)
            out.append(t("rules.programme.sequence", lang, first=first.label or first.name, then=then.label or then.name, gap=s.gap))
        return out
