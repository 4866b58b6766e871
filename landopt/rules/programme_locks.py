r"""Per-year locks of a programme (``[programme.locks]``): this plot, this action, this year.

``"<parcel id>" = { action = "clear", year = 2024 }`` fixes the start year of a parcel's
action (the id is the layer's ``parcel_id``, after ``[parcels] columns`` mapped the
planner's id column, as in ``[locks]``)::

    lock[p,a,y]:   sum_g x^g_pay = 1        over the stages g the pair has in year y

Rows ``lock_<p>_<a>_<y>``; statements ``lock[<parcel id>,a,y]``, which the diagnosis may
relax like any lock. A lock on a (parcel, action, year) with no column (not eligible, out
of its window, too late to complete) is a conflict the precheck names. The check reads
the plan's own ``action``/``year`` and ``action2``/``year2``.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from landopt.errors import Problem
from landopt.i18n import add_messages, resolve_lang, t
from landopt.programme import programme_of
from landopt.rules.base import Component, Statement
from landopt.rules.targets import who

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario

add_messages(
    {
        "text": {"en": "parcel {pid}: {action} in {year}", "zh": "地块 {pid}：{year} 年{action}"},
        "no_column": {
            "en": "cannot get {action} in {year} (not eligible, outside its years, or too late to complete)",
            "zh": "无法在 {year} 年{action}（不符合条件、超出其年份范围或来不及完成）",
        },
        "no_column_fix": {"en": "change the year or drop the lock", "zh": "请修改年份或删除该锁定"},
        "no_id": {"en": "no parcel has this id", "zh": "没有此编号的地块"},
        "no_id_fix": {"en": "did you mean {near}?", "zh": "是否应为 {near}？"},
        "no_id_fix_none": {"en": "check the parcel_id", "zh": "请核对地块编号"},
        "detail": {"en": "{got} against {want}", "zh": "实际 {got}，应为 {want}"},
    },
    prefix="rules.programme_locks.",
)


class ProgrammeLocks(Component):
    """``lock_<p>_<a>_<y>`` rows, their statements, conflicts and checks."""

    name = "programme_locks"

    def active(self, scenario: Scenario) -> bool:
        spec = scenario.rule("programme")
        return spec is not None and bool(spec.locks)

    def data_problems(self, scenario: Scenario, parcels: pd.DataFrame) -> list[Problem]:
        lg = scenario.lang
        known = set(parcels["parcel_id"].astype(str))
        out = []
        for pid in scenario.rule("programme").locks:
            if pid not in known:
                near = difflib.get_close_matches(pid, list(known), n=1, cutoff=0.8)
                fix = t("rules.programme_locks.no_id_fix", lg, near=repr(near[0])) if near else t("rules.programme_locks.no_id_fix_none", lg)
                out.append(Problem("[programme.locks]", pid, t("rules.programme_locks.no_id", lg), fix))
        return out

    def compile(self, b: ModelBuilder) -> None:
        sc = b.scenario
        lg = sc.lang
        row_of_id = pd.Series(np.arange(b.prep.n), index=b.prep.ids)
        row_of_id = row_of_id[~row_of_id.index.duplicated()]
        for pid, lk in b.programme.spec.locks.items():
            p = int(row_of_id[pid])
            ai = sc.action_names.index(lk.action)
            cols = np.flatnonzero((b.var_parcel == p) & (b.var_action == ai) & (b.var_year == lk.year))
            name = who(sc.action(lk.action), lg)
            if not len(cols):
                b.lock_conflicts.append(
                    Problem(
                        "[programme.locks]",
                        pid,
                        t("rules.programme_locks.no_column", lg, action=name, year=lk.year),
                        t("rules.programme_locks.no_column_fix", lg),
                    )
                )
                continue
            r = b.add_row(f"lock_{p}_{lk.action}_{lk.year}", cols, np.ones(len(cols)), "==", 1.0)
            text = t("rules.programme_locks.text", lg, pid=pid, action=name, year=lk.year)
            b.add_statement(Statement(f"lock[{pid},{lk.action},{lk.year}]", "lock_in", text, rows=(r,), action=lk.action))

    def precheck(self, model: Any) -> list[str]:
        if len(model.scenario.locks):
            return []  # the [locks] component names every lock conflict, these too
        zh = resolve_lang(model.scenario.lang) == "zh"
        return [f"地块 {p.field} {p.what}" if zh else f"{p.field}: {p.what}" for p in model.lock_conflicts]

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import Check

        lg = ctx.scenario.lang
        row_of = pd.Series(np.arange(len(ctx.ids)), index=ctx.ids)
        row_of = row_of[~row_of.index.duplicated()]
        out = []
        for pid, lk in programme_of(ctx.scenario).spec.locks.items():
            want = f"{lk.action} {lk.year}"
            if pid in row_of.index:
                i = int(row_of[pid])
                ok = (ctx.action[i] == lk.action and ctx.year[i] == lk.year) or (
                    ctx.action2[i] == lk.action and ctx.year2[i] == lk.year
                )
                got = f"{ctx.action[i]} {'' if np.isnan(ctx.year[i]) else int(ctx.year[i])}".strip()
            else:
                ok, got = False, t("diagnose.check.missing", lg)
            out.append(Check(f"lock[{pid},{lk.action},{lk.year}]", bool(ok), t("rules.programme_locks.detail", lg, got=got, want=want)))
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        return [
            t("rules.programme_locks.text", lang, pid=pid, action=scenario.action(lk.action).label or lk.action, year=lk.year)
            for pid, lk in programme_of(scenario).spec.locks.items()
        ]
