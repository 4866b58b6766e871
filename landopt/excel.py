"""``summary.xlsx``: the plan as the planner hands it on, one sheet per table.

Sheets, in order: the summary per action (targets as numbers, a "met" column in words),
the chosen parcels (first column the plot number of :func:`landopt.plan.plot_numbers`,
the same number as on the map and in the report, then the action, its cost and the
parcel's attributes as ``plan.gpkg`` has them: the planner's own column names and values), the plots and area per township (when the layer has a ``township`` column)
and per park (when it has a ``park`` column), the checks, and the run record (key and
value, the main rows named in words). Headers are in the plan's language (the catalog's
``excel.*`` texts) with their units (亩, 万元); every value is a value, never a formula (a
text starting with ``=`` stays text), so the workbook shows the same thing in every
spreadsheet program.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import math
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from landopt import i18n
from landopt.solvers.result import proof_text

if TYPE_CHECKING:
    from landopt.plan import Plan

__all__ = ["FMT_INT", "FMT_MU", "FMT_WAN", "sheets", "write_workbook"]

log = logging.getLogger(__name__)

#: Number formats: counts, areas in mu, money in 万元 (thousands separators, 1–2 decimals).
FMT_INT = "#,##0"
FMT_MU = "#,##0.00"
FMT_WAN = "#,##0.0"
FMT_FLOAT = "#,##0.0#"

#: Columns of the plan layer that the chosen-parcel sheet shows in its own words, or not.
_PLAN_COLUMNS = ("action", "action_label", "eligible_actions")

_MAX_WIDTH = 60
_MAX_CELL = 32_767  # Excel's limit on the characters of one cell


class _Table:
    """One sheet: a title, headers, rows of plain values and one number format per column."""

    def __init__(self, title: str, headers: Sequence[str], formats: Sequence[str | None]):
        self.title = title
        self.headers = list(headers)
        self.formats = list(formats)
        self.rows: list[list[Any]] = []
        self.bold_rows: set[int] = set()  # totals, 0-based among rows

    def add(self, row: Iterable[Any], *, bold: bool = False) -> None:
        r = [_value(v) for v in row]
        if bold:
            self.bold_rows.add(len(self.rows))
        self.rows.append(r)


def write_workbook(plan: Plan, path: str | Path, *, lang: str | None = None) -> Path:
    """Write the plan's ``summary.xlsx`` to ``path``.

    Parameters
    ----------
    plan
        A solved plan (:func:`landopt.plan.solve`) or one read back
        (:func:`landopt.plan.read_plan`).
    path
        Where to write; :func:`landopt.plan.write_plan` passes a path in its staging
        folder, so the file appears with the rest of the output or not at all.
    lang
        Language of the headers and words; default the scenario's ``lang``.

    Returns
    -------
    Path
        ``path``.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook(write_only=True)  # streamed: a third faster than cells kept in memory
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="E8E8E8")
    head_align = Alignment(vertical="center")
    bold = Font(bold=True)
    for table in sheets(plan, lang=lang):
        ws = wb.create_sheet(table.title)
        for j, header in enumerate(table.headers):  # widths and panes before the rows
            width = max(
                [_width(header)]
                + [_width(_shown(row[j], table.formats[j])) for row in table.rows[:2000]]
            )
            ws.column_dimensions[get_column_letter(j + 1)].width = min(width + 2, _MAX_WIDTH)
        ws.freeze_panes = "B2"  # header row and first column stay in view
        head = []
        for h in table.headers:
            c = WriteOnlyCell(ws, value=h)
            c.font, c.fill, c.alignment = head_font, head_fill, head_align
            head.append(c)
        ws.append(head)
        for k, row in enumerate(table.rows):
            strong = k in table.bold_rows
            cells: list[Any] = []
            for j, v in enumerate(row):
                fmt = table.formats[j]
                text = isinstance(v, str) and v.startswith("=")
                if not (text or strong or (fmt and isinstance(v, int | float))):
                    cells.append(v)  # a plain value: no cell object needed
                    continue
                c = WriteOnlyCell(ws, value=v)
                if text:
                    c.data_type = "s"  # a text, not a formula
                elif fmt and isinstance(v, int | float) and not isinstance(v, bool):
                    c.number_format = fmt
                if strong:
                    c.font = bold
                cells.append(c)
            ws.append(cells)
    wb.properties.creator = "landopt"
    wb.save(path)
    log.debug("wrote %s", path)
    return path


def sheets(plan: Plan, *, lang: str | None = None) -> list[_Table]:
    """The workbook's tables (title, headers, values), without writing anything."""
    lg = i18n.resolve_lang(lang or plan.scenario.lang)
    out = [_summary(plan, lg)]
    from landopt import programme_tables

    if programme_tables.is_programme(plan):  # a multi-year programme: by year, cumulative
        out += _programme_sheets(plan, lg)
    out.append(_chosen(plan, lg))
    for column, key, missing in (
        ("township", "township", "no_township"),
        ("park", "park", "no_park"),
    ):
        if column in plan.parcels.columns:
            out.append(_by_group(plan, lg, column, key, missing))
    out += _projects(plan, lg)
    out += [_checks(plan, lg), _run(plan, lg)]
    return out


# --------------------------------------------------------------------------- sheets
def _h(key: str, lang: str, **fields: Any) -> str:
    return i18n.t(f"excel.{key}", lang, **fields)


def _summary(plan: Plan, lg: str) -> _Table:
    cols = [
        ("action", None),
        ("label", None),
        ("eligible_plots", FMT_INT),
        ("eligible_mu", FMT_MU),
        ("count_min", FMT_INT),
        ("count_max", FMT_INT),
        ("plots", FMT_INT),
        ("area_min", FMT_MU),
        ("area_max", FMT_MU),
        ("mu", FMT_MU),
        ("cost", FMT_WAN),
        ("cost_per_mu", FMT_MU),
        ("benefit", FMT_WAN),
        ("budget", FMT_WAN),
        ("met", None),
    ]
    table = _Table(
        _h("sheet.summary", lg), [_h(f"col.{k}", lg) for k, _ in cols], [f for _, f in cols]
    )
    met = {True: _h("met.yes", lg), False: _h("met.no", lg)}
    actions = {a.name: a for a in plan.scenario.actions}
    for r in plan.summary.to_dict("records"):
        a = actions.get(str(r["action"]))
        t = a.targets if a is not None else None
        total = a is None
        table.add(
            [
                _h("total", lg) if total else r["action"],
                _h("total", lg) if total else r["label"],
                r["eligible_plots"],
                r["eligible_mu"],
                t.count_min if t else None,
                t.count_max if t else None,
                r["plots"],
                t.area_min if t else None,
                t.area_max if t else None,
                r["mu"],
                r["cost_wan"],
                r["cost_wan_per_mu"],
                r["benefit_wan"],
                r["budget_wan"],
                met[bool(r["met"]) if not total else plan.targets_met],
            ],
            bold=total,
        )
    return table


#: Number formats of the programme tables' columns (:mod:`landopt.programme_tables`).
_PROGRAMME_FORMATS = {
    "year": None,
    "action": None,
    "label": None,
    "plots": FMT_INT,
    "mu": FMT_MU,
    "resupply_plots": FMT_INT,
    "cost_wan": FMT_WAN,
    "benefit_wan": FMT_WAN,
    "budget_wan": FMT_WAN,
    "budget_use_pct": FMT_WAN,
    "benefit_target_wan": FMT_WAN,
    "met": None,
}


def _programme_sheets(plan: Plan, lg: str) -> list[_Table]:
    """分年度 / By year and 累计 / Cumulative: the tables of ``programme.csv`` and
    ``programme_cumulative.csv``, each year's all-actions row and the whole programme bold."""
    from landopt import programme_tables as pt

    out = []
    for kind, table in (
        ("by_year", pt.by_year(plan.scenario, plan.parcels)),
        ("cumulative", pt.cumulative(plan.scenario, plan.parcels)),
    ):
        shown = pt.localized(table, lg, kind)
        sheet = _Table(
            _h(f"sheet.{kind}", lg),
            list(shown.columns),
            [_PROGRAMME_FORMATS[c] for c in table.columns],
        )
        strong = (table["action"] == pt.TOTAL).to_numpy() | table["year"].isna().to_numpy()
        for k, row in enumerate(shown.itertuples(index=False)):
            sheet.add(list(row), bold=bool(strong[k]))
        out.append(sheet)
    return out


def _action_cost(plan: Plan, parcels: pd.DataFrame) -> np.ndarray:
    cost = np.full(len(parcels), np.nan)
    action = parcels["action"].astype(str).to_numpy()
    for a in plan.scenario.actions:
        on = action == a.name
        if on.any() and a.cost in parcels.columns:
            cost[on] = pd.to_numeric(parcels.loc[on, a.cost], errors="coerce").to_numpy(float)
    return cost


def _chosen(plan: Plan, lg: str) -> _Table:
    """The chosen plots: plot number, action and its cost, then the planner's own columns.

    The parcel's attributes are those of ``plan.gpkg`` (:func:`~landopt.parcels.layout.
    planner_layer`): the planner's column names and values as they came in (地块编号, 状态
    低效, …), then landopt's result columns other than the action shown in front.
    """
    from landopt.parcels.layout import planner_layer
    from landopt.plan import plot_numbers

    parcels = plan.parcels
    numbers = plot_numbers(plan.scenario, parcels)
    ch = parcels[numbers.to_numpy() > 0]
    ch = ch.assign(_no=numbers[ch.index]).sort_values("_no", kind="stable")
    layer, layout = planner_layer(ch.drop(columns="_no"), lg)
    fields = {**layout["columns"], **layout["results"]}  # written name -> landopt's field
    attrs = [
        c
        for c in layer.columns
        if c != layer.geometry.name and fields.get(c) not in _PLAN_COLUMNS[:2]
    ]
    frame = pd.DataFrame(layer[attrs])
    headers = [
        _h("col.plot_no", lg),
        _h("col.action", lg),
        _h("col.label", lg),
        _h("col.cost", lg),
        *map(str, attrs),
    ]
    formats: list[str | None] = [None, None, None, FMT_WAN]
    for c in attrs:
        kind = frame[c].dtype.kind
        formats.append(FMT_MU if fields.get(c) == "area_mu" else FMT_FLOAT if kind == "f" else None)
    table = _Table(_h("sheet.parcels", lg), headers, formats)
    cost = _action_cost(plan, ch)
    values = frame.to_numpy(dtype=object)
    for k, (no, action, label) in enumerate(
        zip(ch["_no"], ch["action"], ch["action_label"], strict=True)
    ):
        table.add([no, action, label, cost[k], *values[k]])
    return table


def _action_word(action: Any, lg: str) -> str:
    """An action in a header: its label in Chinese; in English the label only if it is English."""
    label = action.label or action.name
    return label if lg == "zh" or label.isascii() else action.name


def _by_group(plan: Plan, lg: str, column: str, key: str, missing: str) -> _Table:
    sc = plan.scenario
    p = plan.parcels
    on = p["action"].astype(str).isin(sc.action_names).to_numpy()

    def labels(values: pd.Series) -> pd.Series:
        g = values.astype("string").fillna("").str.strip()
        return g.mask(g == "", _h(missing, lg))

    # every group of the layer is listed (one without chosen plots shows zeros); the
    # sums run over the chosen plots only
    groups = sorted(labels(pd.Series(p[column].unique())).unique(), key=str)
    ch = p[on]
    df = pd.DataFrame(
        {
            "g": labels(ch[column]).to_numpy(dtype=object),
            "a": ch["action"].astype(str).to_numpy(),
            "mu": pd.to_numeric(ch["area_mu"], errors="coerce").fillna(0.0).to_numpy(),
            "cost": np.nan_to_num(_action_cost(plan, ch)),
        }
    )
    headers = [_h(f"col.{key}", lg)]
    formats: list[str | None] = [None]
    for a in sc.actions:
        headers += [
            _h("col.action_plots", lg, action=_action_word(a, lg)),
            _h("col.action_mu", lg, action=_action_word(a, lg)),
        ]
        formats += [FMT_INT, FMT_MU]
    headers += [_h("col.total_plots", lg), _h("col.total_mu", lg), _h("col.total_cost", lg)]
    formats += [FMT_INT, FMT_MU, FMT_WAN]
    table = _Table(_h(f"sheet.{key}", lg), headers, formats)
    chosen = df

    def cells(part: pd.DataFrame) -> list[Any]:
        row: list[Any] = []
        for a in sc.actions:
            on = part["a"] == a.name
            row += [int(on.sum()), float(part.loc[on, "mu"].sum())]
        return [*row, len(part), float(part["mu"].sum()), float(part["cost"].sum())]

    for g in groups:
        table.add([g, *cells(chosen[chosen["g"] == g])])
    table.add([_h("total", lg), *cells(chosen)], bold=True)
    return table


def _projects(plan: Plan, lg: str) -> list[_Table]:
    """The key projects' sheet (重点项目), when the plan has key projects: one row per
    project, the numbers of ``projects.csv`` (:mod:`landopt.project_outputs`)."""
    from landopt import project_outputs

    if not project_outputs.has_projects(plan):
        return []
    headers, kinds, rows = project_outputs.table_rows(plan, lg)
    fmt = {"int": FMT_INT, "mu": FMT_MU, "yi": "#,##0.00"}
    table = _Table(i18n.t("projects_out.sheet", lg), headers, [fmt.get(k or "") for k in kinds])
    for row in rows:
        table.add(row)
    return [table]


def _checks(plan: Plan, lg: str) -> _Table:
    table = _Table(
        _h("sheet.checks", lg),
        [_h("col.check", lg), _h("col.state", lg), _h("col.detail", lg)],
        [None, None, None],
    )
    for c in plan.checks:
        table.add([c.name, _h(f"state.{c.state}", lg), c.detail])
    return table


def _run(plan: Plan, lg: str) -> _Table:
    table = _Table(
        _h("sheet.run", lg),
        [_h("col.item", lg), _h("col.key", lg), _h("col.value", lg)],
        [None, None, FMT_FLOAT],
    )
    named = i18n.words("excel.run.", lg)  # the keys a planner asks about, in words
    record = plan.record()
    scenario = record.pop("scenario", {}) or {}
    for k in ("summary", "checks"):  # on sheets of their own
        record.pop(k, None)
    rows: list[tuple[str, Any]] = [("scenario.name", scenario.get("name"))]
    rows += [("scenario.lang", scenario.get("lang"))]
    for key, value in _flatten(record):
        rows.append((key, value))
        if key == "solver.status":  # the status in words: proven optimal, or how closely
            rows.append(("solver.proof", proof_text(record.get("solver") or {}, lg)))
    yes, no = _h("yes", lg), _h("no", lg)
    for key, value in rows:
        if isinstance(value, bool):
            value = yes if value else no
        table.add([named.get(key, key), key, value])
    return table


def _flatten(d: dict[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            yield from _flatten(v, f"{key}.")
        elif isinstance(v, list | tuple):
            yield key, json.dumps(v, ensure_ascii=False, default=str) if v else None
        else:
            yield key, v


# --------------------------------------------------------------------------- cells
def _value(v: Any) -> Any:
    """A plain value openpyxl writes as is: None for missing, Python numbers, text."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, bool | int):
        return v
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, _dt.datetime):  # Excel has no time zones: the wall time is kept
        return v.replace(tzinfo=None)
    if isinstance(v, _dt.date | _dt.time):
        return v.replace(tzinfo=None) if isinstance(v, _dt.time) else v
    if isinstance(v, bytes):
        v = v.decode("utf-8", "replace")
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", str(v))
    return text[:_MAX_CELL]


def _shown(v: Any, fmt: str | None) -> str:
    """About how a value is shown (for the column width)."""
    if v is None:
        return ""
    if isinstance(v, float) and fmt:
        return f"{v:,.2f}"
    if isinstance(v, int) and not isinstance(v, bool) and fmt:
        return f"{v:,d}"
    return str(v)


def _width(text: str) -> int:
    """Display width of a text: wide (CJK) characters count double."""
    line = max(str(text).split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
