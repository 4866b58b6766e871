r"""Locks: parcels forced into an action or kept out of some or all (``[locks]``).

Formulation (bounds, not rows)::

    lock_in[p,a]:    x_pa = 1        lower bound 1
    lock_out[p,a]:   x_pa = 0        upper bound 0

Each lock is one statement the diagnosis may relax. A lock-in on a pair that is not
eligible, or two lock-ins on one parcel, is a conflict the precheck reports before solving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from landopt.errors import Problem
from landopt.i18n import add_messages, resolve_lang, t
from landopt.rules.base import Component, Statement
from landopt.rules.targets import who

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Action, Scenario

add_messages(
    {
        "in": {"en": "parcel {pid} forced into {action}", "zh": "地块 {pid} 锁定为{action}"},
        "out": {"en": "parcel {pid} kept out of {what}", "zh": "地块 {pid} 不得{what}"},
        "all": {"en": "all actions", "zh": "实施任何措施"},
    },
    prefix="rules.locks.",
)


class Locks(Component):
    """Bounds of locked pairs, their statements, the lock conflicts and the lock checks."""

    name = "locks"

    def active(self, scenario: Scenario) -> bool:
        return len(scenario.locks) > 0

    def compile(self, b: ModelBuilder) -> None:
        sc, prep = b.scenario, b.prep
        row_of_id = pd.Series(np.arange(prep.n), index=prep.ids)
        # a programme has one column per year: a lock-in is one first action in some year
        # (a row when there are several years), a lock-out bounds every year and stage
        first = np.flatnonzero(b.var_stage == 0)
        pair_index = pd.Series(
            first, index=pd.MultiIndex.from_arrays([b.var_parcel[first], b.var_action[first]])
        )
        if b.programme is not None:
            pair_index = pair_index[~pair_index.index.duplicated()]
        act_index = {a.name: i for i, a in enumerate(sc.actions)}
        for pid, aname in sc.locks.include:
            p = int(row_of_id[pid])
            key = (p, act_index[aname])
            if key not in pair_index.index:
                why = _why_ineligible(
                    sc.action(aname), prep.parcels.iloc[[p]], sc.lang, parcels=sc.parcels
                )
                name = who(sc.action(aname), sc.lang)
                b.lock_conflicts.append(
                    Problem(
                        "[locks.include]",
                        pid,
                        t("diagnose.lock.not_eligible", sc.lang, action=name, why=why),
                        t("diagnose.lock.not_eligible_fix", sc.lang, action=name),
                    )
                )
                continue
            j = int(pair_index[key])
            text = t("rules.locks.in", sc.lang, pid=pid, action=who(sc.action(aname), sc.lang))
            if b.programme is not None:
                js = first[(b.var_parcel[first] == p) & (b.var_action[first] == key[1])]
                r = b.add_row(f"lock_in_{p}_{aname}", js, np.ones(len(js)), "==", 1.0)
                b.add_statement(Statement(f"lock_in[{pid},{aname}]", "lock_in", text, rows=(r,), action=aname))
                continue
            b.lb[j] = 1.0
            b.add_statement(Statement(f"lock_in[{pid},{aname}]", "lock_in", text, cols=(j,), action=aname))
        for pid, anames in sc.locks.exclude:
            p = int(row_of_id[pid])
            names = sc.action_names if anames is None else anames
            if b.programme is not None:
                hit = (b.var_parcel == p) & np.isin(b.var_action, [act_index[x] for x in names])
                cols = np.flatnonzero(hit).tolist()
            else:
                cols = [
                    int(pair_index[(p, act_index[x])]) for x in names if (p, act_index[x]) in pair_index.index
                ]
            b.ub[cols] = 0.0
            what = (
                t("rules.locks.all", sc.lang)
                if anames is None
                else t("cli.list_sep", sc.lang).join(who(sc.action(x), sc.lang) for x in anames)
            )
            text = t("rules.locks.out", sc.lang, pid=pid, what=what)
            b.add_statement(Statement(f"lock_out[{pid}]", "lock_out", text, cols=tuple(cols)))
        inc = pd.Series([pid for pid, _ in sc.locks.include])
        for pid in inc[inc.duplicated()].unique():
            acts = [a for p, a in sc.locks.include if p == pid]
            b.lock_conflicts.append(
                Problem(
                    "[locks.include]",
                    pid,
                    t(
                        "diagnose.lock.several",
                        sc.lang,
                        actions=t("cli.list_sep", sc.lang).join(who(sc.action(a), sc.lang) for a in acts),
                    ),
                    t("diagnose.lock.several_fix", sc.lang),
                )
            )

    def precheck(self, model: Any) -> list[str]:
        if resolve_lang(model.scenario.lang) == "zh":
            return [f"地块 {p.field} {p.what}" for p in model.lock_conflicts]
        return [f"{p.field}: {p.what}" for p in model.lock_conflicts]

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import NONE, Check

        sc = ctx.scenario
        lg = sc.lang
        row_of = pd.Series(np.arange(len(ctx.ids)), index=ctx.ids)
        row_of = row_of[~row_of.index.duplicated()]
        out = []
        for pid, aname in sc.locks.include:
            got = ctx.action[row_of[pid]] if pid in row_of.index else t("diagnose.check.missing", lg)
            detail = t("diagnose.check.lock_in", lg, action=aname, got=got)
            out.append(Check(f"lock_in[{pid}]", got == aname, detail))
        for pid, anames in sc.locks.exclude:
            got = ctx.action[row_of[pid]] if pid in row_of.index else NONE
            banned = sc.action_names if anames is None else anames
            out.append(
                Check(
                    f"lock_out[{pid}]",
                    got not in banned,
                    t("diagnose.check.lock_out", lg, what=t("cli.list_sep", lg).join(banned), got=got),
                )
            )
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        out = [t("rules.locks.in", lang, pid=pid, action=scenario.action(a).label or a) for pid, a in scenario.locks.include]
        for pid, anames in scenario.locks.exclude:
            what = t("rules.locks.all", lang) if anames is None else ", ".join(scenario.action(a).label or a for a in anames)
            out.append(t("rules.locks.out", lang, pid=pid, what=what))
        return out


def _why_ineligible(
    action: Action, row: pd.DataFrame, lang: str | None = "en", *, parcels: Any = None
) -> str:
    """Name the leaf conditions a single parcel fails (for lock messages), with the
    planner's field names and values of ``parcels`` (:func:`landopt.scenario.describe_rule`)."""
    from landopt.scenario import describe_rule

    failed: list[str] = []

    def walk(rule) -> None:
        if rule.kind == "leaf":
            if not bool(rule.evaluate(row)[0]):
                failed.append(describe_rule(rule, lang, parcels=parcels))
        else:
            for ch in rule.children:
                if not bool(ch.evaluate(row)[0]):
                    walk(ch)

    walk(action.eligible)
    sep = "; " if resolve_lang(lang) == "en" else "；"
    return t("diagnose.lock.fails", lang, what=sep.join(failed)) if failed else t("diagnose.lock.fails_rule", lang)
