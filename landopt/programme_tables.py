"""The tables of a multi-year programme plan: per year and cumulative, from the plan layer alone.

A plan is a **programme plan** when its scenario has a ``[programme]`` table
(``scenario.rule("programme")`` is set); that is the one rule every output uses
(:func:`is_programme`). A column called ``year`` alone does not make one: a planner's
layer may well carry a column of that name. A one-year plan gets none of these tables.

Everything here is computed from the plan layer's own columns (PROGRAMME.md, "the plan
layer"): ``action``/``year``/``year_end`` (the first action), ``action2``/``year2`` (the
second step of a sequence), ``stock``, never from the model. Each step of a parcel is one
row of :func:`programme_steps`:

- its cost is the action's cost column; a second step (or a stock parcel's re-supply) with
  an empty cost costs the sequence's ``cost_per_mu`` × the parcel's area;
- its money falls in the years of its span: a step of duration ``d`` with split ``σ``
  puts ``σ_k`` × cost in year ``start + k``;
- its yearly benefit (the action's benefit column; a second step's empty one: the
  sequence's ``benefit_per_mu`` × area) counts from its completion year ``start + d - 1``.

:func:`by_year` gives per (year, action): plots and mu started, of which re-supplies, the
cost falling in that year, the yearly benefit completing in it, the year's budget and its
use; each year has an all-actions row and the table ends with the whole programme.
:func:`cumulative` gives the same by each year (started / spent / completed up to it) with
the benefit target of that year. :func:`localized` names the columns and the special rows
in the plan's language (the catalog's ``programme.*`` texts) for ``programme.csv`` and
``programme_cumulative.csv`` (:func:`write_tables`); numbers are rounded as in
``summary.csv`` (3 decimals).

The ``[programme]`` settings are read duck-typed (``years``, ``budgets``,
``benefit_targets``, ``sequences``, ``duration``), so any object with those attributes
serves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from landopt import i18n
from landopt.i18n import add_messages
from landopt.programme import programme_of

__all__ = [
    "CUMULATIVE_FILE",
    "TABLE_FILE",
    "TOTAL",
    "Budget",
    "benefit_targets",
    "budgets",
    "by_year",
    "cumulative",
    "is_programme",
    "localized",
    "programme",
    "programme_steps",
    "programme_years",
    "write_tables",
]

#: The files :func:`write_tables` writes (beside ``summary.csv``).
TABLE_FILE = "programme.csv"
CUMULATIVE_FILE = "programme_cumulative.csv"
#: The ``action`` of a row summing every action.
TOTAL = "total"
NONE = "none"

add_messages(
    {
        "col.year": {"en": "year", "zh": "年度"},
        "col.by": {"en": "by year", "zh": "截至年度"},
        "col.action": {"en": "action", "zh": "措施代码"},
        "col.label": {"en": "label", "zh": "措施"},
        "col.plots": {"en": "plots started", "zh": "启动宗数"},
        "col.mu": {"en": "mu started", "zh": "启动面积（亩）"},
        "col.resupply_plots": {"en": "of which re-supply (plots)", "zh": "其中再供应（宗）"},
        "col.cost_wan": {"en": "cost in the year (10⁴ CNY)", "zh": "当年投入（万元）"},
        "col.benefit_wan": {
            "en": "yearly benefit completing (10⁴ CNY/yr)",
            "zh": "当年建成年效益（万元/年）",
        },
        "col.budget_wan": {"en": "budget (10⁴ CNY)", "zh": "年度预算（万元）"},
        "col.budget_use_pct": {"en": "budget used (%)", "zh": "预算使用率（%）"},
        "col.cum_plots": {"en": "plots started by then", "zh": "累计启动宗数"},
        "col.cum_mu": {"en": "mu started by then", "zh": "累计启动面积（亩）"},
        "col.cum_cost_wan": {"en": "cost by then (10⁴ CNY)", "zh": "累计投入（万元）"},
        "col.cum_benefit_wan": {
            "en": "yearly benefit in force (10⁴ CNY/yr)",
            "zh": "累计建成年效益（万元/年）",
        },
        "col.benefit_target_wan": {
            "en": "benefit target (10⁴ CNY/yr)",
            "zh": "效益目标（万元/年）",
        },
        "col.met": {"en": "target met", "zh": "目标达成"},
        "whole": {"en": "whole programme", "zh": "全部年度"},
        "total": {"en": "all actions", "zh": "合计"},
        "met.yes": {"en": "yes", "zh": "是"},
        "met.no": {"en": "NO", "zh": "否"},
    },
    prefix="programme.",
)
add_messages(  # the sheets of summary.xlsx (landopt.excel) holding these tables
    {
        "sheet.by_year": {"en": "By year", "zh": "分年度"},
        "sheet.cumulative": {"en": "Cumulative", "zh": "累计"},
    },
    prefix="excel.",
)


# --------------------------------------------------------------------------- settings
def programme(scenario: Any) -> Any | None:
    """The scenario's ``[programme]`` settings, or None for a one-year scenario."""
    rule = getattr(scenario, "rule", None)
    return rule("programme") if callable(rule) else None


def is_programme(plan_or_scenario: Any) -> bool:
    """Whether a plan (or scenario) is a multi-year programme: its scenario has ``[programme]``."""
    sc = getattr(plan_or_scenario, "scenario", plan_or_scenario)
    return programme(sc) is not None


def programme_years(scenario: Any) -> list[int]:
    """The programme's years, in order (``[programme] years``)."""
    prog = programme(scenario)
    return [int(y) for y in (getattr(prog, "years", None) or [])]


@dataclass(frozen=True)
class Budget:
    """A yearly budget: ``max_wan`` of money falling in ``year`` (``action`` only, or all)."""

    year: int
    max_wan: float
    action: str | None = None


def budgets(scenario: Any) -> list[Budget]:
    """The programme's yearly budgets (``[[programme.budgets]]``)."""
    out = []
    for b in getattr(programme(scenario), "budgets", None) or []:
        out.append(Budget(int(b.year), float(b.max_wan), b.action))
    return out


def benefit_targets(scenario: Any, parcels: pd.DataFrame) -> dict[int, float]:
    """The benefit target of each ``by`` year: its ``min_wan``, or baseline × (factor − 1).

    The baseline is ``baseline_wan``, or the sum of ``baseline_column`` over all parcels
    (:func:`landopt.rules.programme_benefit.benefit_goal`, the rule's own reading).
    """
    from landopt.rules.programme_benefit import benefit_goal

    out: dict[int, float] = {}
    for bt in getattr(programme(scenario), "benefit_targets", None) or []:
        out[int(bt.by)] = max(out.get(int(bt.by), -math.inf), benefit_goal(bt, parcels, scenario))
    return out


# --------------------------------------------------------------------------- steps
def _int_or_na(values: Any) -> np.ndarray:
    """A column of years as floats with NaN for none (Int64 with <NA>, floats, objects)."""
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def programme_steps(scenario: Any, parcels: pd.DataFrame) -> pd.DataFrame:
    """One row per step of the programme: a parcel's first action and its second step.

    Columns: ``row`` (position in ``parcels``), ``parcel_id``, ``action``, ``stage`` (0
    first action, 1 second step of a sequence), ``resupply`` (a second step or a stock
    parcel's re-supply), ``start``, ``end`` (completion year), ``mu``, ``cost_wan``
    (nominal, whole step), ``benefit_wan`` (yearly, from ``end`` on), ``split`` (cost
    share per year of the span).
    """
    area = pd.to_numeric(parcels["area_mu"], errors="coerce").fillna(0.0).to_numpy(float)
    ids = (
        parcels["parcel_id"].astype(str).to_numpy()
        if "parcel_id" in parcels.columns
        else np.arange(len(parcels)).astype(str)
    )
    stock = (
        parcels["stock"].fillna(False).astype(bool).to_numpy()
        if "stock" in parcels.columns
        else np.zeros(len(parcels), bool)
    )
    domain = programme_of(scenario)  # the sequences as the model reads them (defaults included)
    seqs = domain.sequences
    by_then = {s.then: s for s in seqs}
    by_pair = {(s.first, s.then): s for s in seqs}
    actions = {a.name: a for a in scenario.actions}
    rows: list[dict[str, Any]] = []

    def column(name: str | None) -> np.ndarray:
        if not name or name not in parcels.columns:
            return np.full(len(parcels), np.nan)
        return pd.to_numeric(parcels[name], errors="coerce").to_numpy(float)

    cols: dict[str, np.ndarray] = {}

    def values(name: str | None) -> np.ndarray:
        key = name or ""
        if key not in cols:
            cols[key] = column(name)
        return cols[key]

    def add(stage: int, act: np.ndarray, start: np.ndarray, end: np.ndarray | None) -> None:
        for name in scenario.action_names:
            on = np.flatnonzero((act == name) & np.isfinite(start))
            if not len(on):
                continue
            a = actions[name]
            d, split = domain.duration(name), list(domain.split(name))
            cost = values(a.cost)[on].copy()
            benefit = values(a.benefit)[on].copy() if a.benefit else np.zeros(len(on))
            if stage == 1:
                firsts = parcels["action"].astype(str).to_numpy()[on]
                seq = [by_pair.get((f, name), by_then.get(name)) for f in firsts]
                resupply = np.ones(len(on), bool)
            else:
                seq = [by_then.get(name) if stock[i] else None for i in on]
                resupply = stock[on] & (name in by_then)
            for k, s in enumerate(seq):
                if s is None:
                    continue
                if not np.isfinite(cost[k]):
                    cost[k] = s.cost_per_mu * area[on[k]]
                if not np.isfinite(benefit[k]):
                    benefit[k] = s.benefit_per_mu * area[on[k]]
            s0 = start[on].astype(int)
            e = (end[on] if end is not None and np.isfinite(end[on]).all() else s0 + d - 1).astype(
                int
            )
            for k, i in enumerate(on):
                rows.append(
                    {
                        "row": int(i),
                        "parcel_id": ids[i],
                        "action": name,
                        "stage": stage,
                        "resupply": bool(resupply[k]),
                        "start": int(s0[k]),
                        "end": int(e[k]),
                        "mu": float(area[i]),
                        "cost_wan": float(np.nan_to_num(cost[k])),
                        "benefit_wan": float(np.nan_to_num(benefit[k])),
                        "split": tuple(split),
                    }
                )

    act1 = parcels["action"].astype(str).to_numpy()
    add(0, act1, _int_or_na(_col(parcels, "year")), _int_or_na(_col(parcels, "year_end")))
    if "action2" in parcels.columns:
        act2 = parcels["action2"].fillna(NONE).astype(str).to_numpy()
        add(1, act2, _int_or_na(_col(parcels, "year2")), None)
    columns = [
        "row",
        "parcel_id",
        "action",
        "stage",
        "resupply",
        "start",
        "end",
        "mu",
        "cost_wan",
        "benefit_wan",
        "split",
    ]
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["start", "row", "stage"], ignore_index=True
    )


def _col(parcels: pd.DataFrame, name: str) -> Any:
    return parcels[name] if name in parcels.columns else pd.Series(np.nan, index=parcels.index)


def cost_in_years(steps: pd.DataFrame, years: Sequence[int]) -> np.ndarray:
    """Cost of each step falling in each year: an array ``(len(steps), len(years))``."""
    out = np.zeros((len(steps), len(years)))
    pos = {y: j for j, y in enumerate(years)}
    for i, (start, cost, split) in enumerate(
        zip(steps["start"], steps["cost_wan"], steps["split"], strict=True)
    ):
        for k, share in enumerate(split):
            j = pos.get(int(start) + k)
            if j is not None:
                out[i, j] += share * cost
    return out


# --------------------------------------------------------------------------- tables
def _label(scenario: Any, name: str) -> str:
    return scenario.action(name).label or name


def by_year(scenario: Any, parcels: pd.DataFrame) -> pd.DataFrame:
    """Per year and action: plots and mu started, cost in the year, benefit completing, budget.

    Rows: for each year the scenario's actions then a ``total`` row (all actions); then
    the whole programme (``year`` missing) the same way. ``budget_wan`` is the year's
    budget of that action (or of all actions on the ``total`` row) when one is set, and
    ``budget_use_pct`` the cost in the year as a share of it. Column names are
    landopt's; see :func:`localized` for the written ones.
    """
    years = programme_years(scenario)
    steps = programme_steps(scenario, parcels)
    money = cost_in_years(steps, years)
    budget = {(b.year, b.action): b.max_wan for b in budgets(scenario)}
    act = steps["action"].to_numpy()
    start, end = steps["start"].to_numpy(), steps["end"].to_numpy()
    rows: list[dict[str, Any]] = []

    def row(year: int | None, name: str, on: np.ndarray, cost: float, done: np.ndarray) -> None:
        started = steps[on]
        b = budget.get((year, None if name == TOTAL else name)) if year is not None else None
        if year is None and name == TOTAL:
            yearly = [v for (y, a), v in budget.items() if a is None]
            b = float(sum(yearly)) if yearly and len(yearly) == len(years) else None
        rows.append(
            {
                "year": year,
                "action": name,
                "label": _label(scenario, name) if name != TOTAL else "",
                "plots": len(started),
                "mu": round(float(started["mu"].sum()), 3),
                "resupply_plots": int(started["resupply"].sum()),
                "cost_wan": round(cost, 3),
                "benefit_wan": round(float(steps.loc[done, "benefit_wan"].sum()), 3),
                "budget_wan": b,
                "budget_use_pct": round(100.0 * cost / b, 1) if b else None,
            }
        )

    for j, y in enumerate([*years, None]):
        in_year = np.ones(len(steps), bool) if y is None else start == y
        done_y = np.ones(len(steps), bool) if y is None else end == y
        col = money.sum(axis=1) if y is None else money[:, j]
        for name in scenario.action_names:
            on = act == name
            row(y, name, on & in_year, float(col[on].sum()), on & done_y)
        row(y, TOTAL, in_year, float(col.sum()), done_y)
    out = pd.DataFrame(rows)
    out["year"] = out["year"].astype("Int64")
    return out


def cumulative(scenario: Any, parcels: pd.DataFrame) -> pd.DataFrame:
    """By each year: plots and mu started, money spent, yearly benefit in force, its target.

    Rows per year: the scenario's actions then ``total``; ``benefit_target_wan`` and
    ``met`` on the ``total`` row of a year with a benefit target.
    """
    years = programme_years(scenario)
    steps = programme_steps(scenario, parcels)
    money = np.cumsum(cost_in_years(steps, years), axis=1)
    targets = benefit_targets(scenario, parcels)
    act = steps["action"].to_numpy()
    start, end = steps["start"].to_numpy(), steps["end"].to_numpy()
    rows: list[dict[str, Any]] = []
    for j, y in enumerate(years):
        for name in [*scenario.action_names, TOTAL]:
            on = np.ones(len(steps), bool) if name == TOTAL else act == name
            benefit = round(float(steps.loc[on & (end <= y), "benefit_wan"].sum()), 3)
            target = targets.get(y) if name == TOTAL else None
            rows.append(
                {
                    "year": y,
                    "action": name,
                    "label": _label(scenario, name) if name != TOTAL else "",
                    "plots": int((on & (start <= y)).sum()),
                    "mu": round(float(steps.loc[on & (start <= y), "mu"].sum()), 3),
                    "cost_wan": round(float(money[on, j].sum()), 3),
                    "benefit_wan": benefit,
                    "benefit_target_wan": target,
                    "met": None if target is None else bool(benefit >= target - 1e-6),
                }
            )
    out = pd.DataFrame(rows)
    out["year"] = out["year"].astype("Int64")
    return out


#: Written column names: landopt's column -> catalog key (``programme.col.*``).
_HEADERS = {
    "by_year": {
        "year": "year",
        "action": "action",
        "label": "label",
        "plots": "plots",
        "mu": "mu",
        "resupply_plots": "resupply_plots",
        "cost_wan": "cost_wan",
        "benefit_wan": "benefit_wan",
        "budget_wan": "budget_wan",
        "budget_use_pct": "budget_use_pct",
    },
    "cumulative": {
        "year": "by",
        "action": "action",
        "label": "label",
        "plots": "cum_plots",
        "mu": "cum_mu",
        "cost_wan": "cum_cost_wan",
        "benefit_wan": "cum_benefit_wan",
        "benefit_target_wan": "benefit_target_wan",
        "met": "met",
    },
}


def header(column: str, lang: str | None, table: str = "by_year") -> str:
    """The written name of a column of :func:`by_year` (or ``table="cumulative"``)."""
    return i18n.t(f"programme.col.{_HEADERS[table][column]}", lang)


def localized(table: pd.DataFrame, lang: str | None, kind: str = "by_year") -> pd.DataFrame:
    """A table of :func:`by_year` / :func:`cumulative` with its columns and words in ``lang``.

    The whole-programme rows say so in the year column (``全部年度``), the all-actions
    rows in the action and label columns (``合计``), ``met`` is a word.
    """
    lg = i18n.resolve_lang(lang)
    df = table.copy()
    year = df["year"].astype(object).where(df["year"].notna(), i18n.t("programme.whole", lg))
    df["year"] = year.map(lambda v: v if isinstance(v, str) else int(v))
    total = df["action"] == TOTAL
    df.loc[total, "action"] = i18n.t("programme.total", lg)
    df.loc[total, "label"] = i18n.t("programme.total", lg)
    if "met" in df.columns:
        df["met"] = df["met"].map(
            lambda v: (
                ""
                if v is None or v is pd.NA
                else i18n.t(f"programme.met.{'yes' if v else 'no'}", lg)
            )
        )
    for c in ("budget_wan", "budget_use_pct", "benefit_target_wan"):
        if c in df.columns:
            df[c] = df[c].astype(object).where(df[c].notna(), None)
    df.columns = [header(c, lg, kind) for c in df.columns]
    return df


def write_tables(plan: Any, folder: str | Path, *, lang: str | None = None) -> list[Path]:
    """Write ``programme.csv`` and ``programme_cumulative.csv`` of a programme plan into ``folder``.

    UTF-8 with a BOM, as ``summary.csv`` (so a spreadsheet program opens the Chinese right).
    ``folder`` is :func:`landopt.plan.write_plan`'s staging folder: the files appear with
    the rest of the output or not at all.
    """
    lg = lang or plan.scenario.lang
    folder = Path(folder)
    out = []
    for name, table, kind in (
        (TABLE_FILE, by_year(plan.scenario, plan.parcels), "by_year"),
        (CUMULATIVE_FILE, cumulative(plan.scenario, plan.parcels), "cumulative"),
    ):
        path = folder / name
        localized(table, lg, kind).to_csv(path, index=False, encoding="utf-8-sig")
        out.append(path)
    return out


def files(plan: Any) -> list[str]:
    """The programme tables' file names for a plan (none for a one-year plan)."""
    return [TABLE_FILE, CUMULATIVE_FILE] if is_programme(plan) else []
