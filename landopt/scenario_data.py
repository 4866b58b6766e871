"""The check of a scenario against its parcel layer (:func:`check_scenario_against`).

Problems that only show once scenario and parcels meet: missing columns, rule values no
parcel has, unknown lock ids, non-numeric or absurd cost and benefit values. Kept apart
from :mod:`landopt.scenario` (the domain types and the reading of TOML);
``from landopt.scenario import check_scenario_against`` still works (re-exported there).
"""

from __future__ import annotations

import difflib
import logging
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

import landopt.scenario as _scenario
from landopt._fields import MAX_ABS_VALUE
from landopt.errors import Problem
from landopt.i18n import add_messages, current_lang, resolve_lang, run_lang, t
from landopt.scenario import COMPARISONS, SET_OPS, _matches, _suggest

if TYPE_CHECKING:
    from landopt.scenario import Action, Scenario

__all__ = ["check_scenario_against"]

log = logging.getLogger(__name__)

add_messages(
    {
        "parcel": {"en": "parcel {id}", "zh": "地块 {id}"},
        "role.cost": {"en": "cost", "zh": "投入"},
        "role.benefit": {"en": "benefit", "zh": "效益"},
        "no_column": {
            "en": "column {col} is not in the parcel layer",
            "zh": "地块图层中没有字段 {col}",
        },
        "columns_are": {"en": "columns are: {cols}", "zh": "现有字段：{cols}"},
        "no_benefit": {
            "en": "the objective uses 'benefit' but this action names no benefit column",
            "zh": "目标函数用到 'benefit'，但此措施没有指定效益字段",
        },
        "no_benefit.fix": {
            "en": 'add benefit = "benefit_tax_gain_wan" (or another column)',
            "zh": '请添加 benefit = "benefit_tax_gain_wan"（或其他字段）',
        },
        "not_numeric": {
            "en": "column {col} is not numeric (dtype {dtype})",
            "zh": "字段 {col} 不是数值型（dtype {dtype}）",
        },
        "not_numeric.fix": {
            "en": "store numbers in it, without units or text",
            "zh": "请只存数字，不带单位或文字",
        },
        "missing_eligible": {
            "en": "is missing, but the parcel is eligible for {action}",
            "zh": "缺失，但该地块可用于 {action}",
        },
        "missing_eligible.fix": {
            "en": "fill in its {role} or tighten the eligibility rule of {action}",
            "zh": "请补填其{role}，或收紧 {action} 的适用条件",
        },
        "negative": {"en": "is negative ({value})", "zh": "为负值（{value}）"},
        "negative.fix": {
            "en": "costs are ≥ 0 万元; record income as a benefit",
            "zh": "投入须 ≥ 0 万元；收入请记为效益",
        },
        "huge": {
            "en": "{value} 万元 is beyond any real {role} (at most {max} 万元 per parcel)",
            "zh": "{value} 万元超出任何实际的{role}（每宗地块至多 {max} 万元）",
        },
        "huge.fix": {
            "en": "check the units and the digits (万元 per whole parcel)",
            "zh": "请核对单位和位数（按整宗地块计，万元）",
        },
        "missing_term": {
            "en": "is missing, but the objective uses it and the parcel is a candidate",
            "zh": "缺失，但目标函数用到它，且该地块是候选地块",
        },
        "fill_in": {"en": "fill it in", "zh": "请补填"},
        "missing_difficulty": {
            "en": "is missing, but the objective penalises difficulty",
            "zh": "缺失，但目标函数计入了协商难度",
        },
        "fill_in_difficulty": {"en": "fill it in (1–5)", "zh": "请补填（1–5）"},
        "no_id": {"en": "no parcel has this id", "zh": "没有地块使用此编号"},
        "check_id": {"en": "check the parcel_id", "zh": "请核对 parcel_id"},
        "absent": {
            "en": "{op} value {value} occurs in no parcel's {field}",
            "zh": "{op} 的取值 {value} 在所有地块的 {field} 中都不存在",
        },
        "or": {"en": " or ", "zh": " 或 "},
        "absent.empty": {
            "en": "{field} is empty in every parcel",
            "zh": "所有地块的 {field} 均为空",
        },
        "absent.holds": {"en": "{field} holds {values}", "zh": "{field} 的取值有 {values}"},
        "absent.allow": {
            "en": "if the value may be absent, add absent_ok = true to this rule "
            '(or [checks] absent_values = "allow")',
            "zh": "若此值可以不出现，请在该规则中加 absent_ok = true"
            '（或设 [checks] absent_values = "allow"）',
        },
        "sep": {"en": "; ", "zh": "；"},
    },
    prefix="errors.data.",
)


def _lang(scenario: Scenario) -> str:
    """The language of the problems: the run's when set, else the scenario's own."""
    return run_lang() if current_lang.get() else resolve_lang(scenario.lang or "en")


def check_scenario_against(scenario: Scenario, parcels: pd.DataFrame) -> list[Problem]:
    """Problems that only show once scenario and parcels meet.

    Missing columns (with the nearest existing one), rule values no parcel has (with the
    nearest values that occur; see ``absent_ok`` and ``[checks] absent_values`` in the
    module docstring), lock parcel ids that do not exist (with the nearest id),
    non-numeric cost/benefit/objective columns, and eligible parcels whose cost or
    benefit is missing, negative or absurdly large (beyond
    :data:`~landopt._fields.MAX_ABS_VALUE`).
    """
    problems: list[Problem] = []
    cols = [c for c in parcels.columns if c != "geometry"]
    lg = _lang(scenario)

    def m(key: str, /, **fields: Any) -> str:
        return t(f"errors.data.{key}", lg, **fields)

    def missing(where: str, key: str, column: str) -> bool:
        if column in parcels.columns:
            return False
        problems.append(
            Problem(
                where,
                key,
                m("no_column", col=repr(column)),
                _suggest(column, cols) or m("columns_are", cols=", ".join(cols)),
            )
        )
        return True

    numeric_cols: dict[str, str] = {}
    for a in scenario.actions:
        where = f"[actions.{a.name}]"
        for fld in sorted(a.eligible.fields()):
            missing(f"{where} eligible", "field", fld)
        problems.extend(_absent_values(scenario, a, parcels, lg))
        if not missing(where, "cost", a.cost):
            numeric_cols[a.cost] = f"{where} cost"
        if a.benefit and not missing(where, "benefit", a.benefit):
            numeric_cols[a.benefit] = f"{where} benefit"
    for of, _ in scenario.objective.terms:
        if of == "benefit":
            for a in scenario.actions:
                if not a.benefit:
                    problems.append(
                        Problem(
                            f"[actions.{a.name}]",
                            "benefit",
                            m("no_benefit"),
                            m("no_benefit.fix"),
                        )
                    )
        elif of != "cost" and not missing("[objective] terms", "of", of):
            numeric_cols[of] = "[objective] terms"
    if scenario.objective.difficulty_weight and not missing(
        "[objective]", "difficulty_weight", "difficulty"
    ):
        numeric_cols["difficulty"] = "[objective] difficulty_weight"
    for column, where in numeric_cols.items():
        if not pd.api.types.is_numeric_dtype(parcels[column]) and not pd.api.types.is_bool_dtype(
            parcels[column]
        ):
            problems.append(
                Problem(
                    where,
                    column,
                    m("not_numeric", col=repr(column), dtype=parcels[column].dtype),
                    m("not_numeric.fix"),
                )
            )
    if problems:
        return problems

    elig = _scenario.eligibility(scenario, parcels)  # through the module: tests patch it
    ids = (
        parcels["parcel_id"].astype(str).to_numpy()
        if "parcel_id" in parcels
        else np.arange(len(parcels)).astype(str)
    )
    for a in scenario.actions:
        for column, role in ((a.cost, "cost"), (a.benefit, "benefit")):
            if not column or (
                role == "benefit" and not any(of == "benefit" for of, _ in scenario.objective.terms)
            ):
                continue
            vals = pd.to_numeric(parcels[column], errors="coerce").to_numpy(dtype=float)
            bad = elig[a.name].to_numpy() & ~np.isfinite(vals)
            neg = (
                elig[a.name].to_numpy() & (vals < 0)
                if role == "cost"
                else np.zeros(len(vals), bool)
            )
            for i in np.flatnonzero(bad):
                problems.append(
                    Problem(
                        m("parcel", id=ids[i]),
                        column,
                        m("missing_eligible", action=a.name),
                        m("missing_eligible.fix", role=m(f"role.{role}"), action=a.name),
                    )
                )
            for i in np.flatnonzero(neg):
                problems.append(
                    Problem(
                        m("parcel", id=ids[i]),
                        column,
                        m("negative", value=f"{vals[i]:g}"),
                        m("negative.fix"),
                    )
                )
            with np.errstate(invalid="ignore"):
                huge = elig[a.name].to_numpy() & np.isfinite(vals) & (np.abs(vals) > MAX_ABS_VALUE)
            for i in np.flatnonzero(huge):
                problems.append(
                    Problem(
                        m("parcel", id=ids[i]),
                        column,
                        m(
                            "huge",
                            value=f"{vals[i]:g}",
                            role=m(f"role.{role}"),
                            max=f"{MAX_ABS_VALUE:g}",
                        ),
                        m("huge.fix"),
                    )
                )
    for of, _ in scenario.objective.terms:
        if of not in ("cost", "benefit"):
            vals = pd.to_numeric(parcels[of], errors="coerce").to_numpy(dtype=float)
            bad = elig.to_numpy().any(axis=1) & ~np.isfinite(vals)
            for i in np.flatnonzero(bad):
                problems.append(
                    Problem(m("parcel", id=ids[i]), of, m("missing_term"), m("fill_in"))
                )
    if scenario.objective.difficulty_weight:
        vals = pd.to_numeric(parcels["difficulty"], errors="coerce").to_numpy(dtype=float)
        for i in np.flatnonzero(elig.to_numpy().any(axis=1) & ~np.isfinite(vals)):
            problems.append(
                Problem(
                    m("parcel", id=ids[i]),
                    "difficulty",
                    m("missing_difficulty"),
                    m("fill_in_difficulty"),
                )
            )
    known = set(ids)
    for pid in [p for p, _ in scenario.locks.include] + [p for p, _ in scenario.locks.exclude]:
        if pid not in known:
            near = difflib.get_close_matches(pid, list(known), n=1, cutoff=0.8)
            problems.append(
                Problem(
                    "[locks]",
                    pid,
                    m("no_id"),
                    t("errors.frame.did_you_mean", lg, near=repr(near[0]))
                    if near
                    else m("check_id"),
                )
            )
    return problems


def _absent_values(
    scenario: Scenario, action: Action, parcels: pd.DataFrame, lg: str = "en"
) -> list[Problem]:
    """Problems for the values of ``action``'s rule that no parcel has (texts in ``lg``)."""

    def m(key: str, /, **fields: Any) -> str:
        return t(f"errors.data.{key}", lg, **fields)

    policy = scenario.checks.absent_values
    if policy == "allow":
        return []
    out: list[Problem] = []
    where = f"[actions.{action.name}] eligible"
    for c in action.eligible.conditions():
        if c.op not in COMPARISONS[:2] + SET_OPS or c.field not in parcels.columns:
            continue
        if c.absent_ok is True:
            continue
        values = list(c.value) if c.op in SET_OPS else [c.value]
        ok = list(c.absent_ok) if isinstance(c.absent_ok, tuple) else []
        present = parcels[c.field].dropna().drop_duplicates()
        for v in values:
            if _matches(present, [v]).any() or (ok and _matches(pd.Series(ok), [v]).any()):
                continue
            shown = [_show(x) for x in present.tolist()]
            fix = []
            near = difflib.get_close_matches(_show(v), shown, n=3, cutoff=0.5)
            if near:
                names = m("or").join(repr(x) for x in near)
                fix.append(t("errors.frame.did_you_mean", lg, near=names))
            if not shown:
                fix.append(m("absent.empty", field=repr(c.field)))
            elif len(shown) <= 12:
                fix.append(m("absent.holds", field=repr(c.field), values=", ".join(sorted(shown))))
            fix.append(m("absent.allow"))
            what = m("absent", op=c.op, value=repr(v), field=repr(c.field))
            if policy == "warn":
                log.warning("%s", Problem(where, c.field, what))
                continue
            out.append(Problem(where, c.field, what, m("sep").join(fix)))
    return out


def _show(v: Any) -> str:
    """A value as the planner would write it (3.0 as 3)."""
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))
    return str(v)
