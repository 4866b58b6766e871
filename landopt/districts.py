r"""Many districts in one command: each district its own problem with the scenario's rules.

A province layer is split by a column (``by="district_code"``) or read from a folder
of layers (one file per district, the file's name without suffix as its code). Each
district is planned by :func:`landopt.solve` (every rule, the time limit, the independent
check) on the many-solve engine (:func:`landopt.cluster.engine`): serially, on a
LocalCluster of ``jobs`` workers or on a Dask cluster, the results in district order
(codes sorted as text) whatever order they finished in.

Targets per district
--------------------
Without a table or scaling, every district gets the scenario's targets as written.

A **targets table** (CSV, or the first sheet of an Excel workbook) has one row per
(district, action)::

    district,action,count,count_min,count_max,area_min,area_max
    370101,clear,,3,,95.5,
    370101,upgrade,2,,,,

``district`` and ``action`` are required; the other columns are optional and an empty
cell is no bound (``count`` is an exact count, exclusive of ``count_min``/``count_max``).
A district or action that the table names and the layer or scenario lacks is an error;
an (district, action) pair the table does not list has no target in that district.

**Scaled targets** (``scale=True``): the scenario's targets are the province's, and
district d gets the share w_da = e_da / sum_d' e_d'a of action a's, where e_da is the mu
eligible for a in d (the scenario's eligibility rule on d's parcels). Areas scale exactly
(m_da = w_da m_a, rounded up to 0.01 mu); counts are apportioned by largest remainder
(Hamilton): each district gets floor(w_da n_a) and the plots left over go one each to
the districts with the largest fractional parts (ties by code), so the districts' counts
add up to the province's count exactly. A district with nothing eligible for a gets no
target for a.

Budgets, locks and every other rule apply in each district as written. A ``[shared]``
table (province totals) is not applied per district: :mod:`landopt.decompose` shares it.

Districts whose targets cannot be met are not fatal: the closest plan is kept (the
diagnosis says why, per district) and the district's status is ``unmet``; a district
whose solve fails is ``error`` with the message.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt.errors import InputError, LandoptError, Problem, TargetsUnmetError
from landopt.i18n import add_messages, t
from landopt.scenario import Scenario, Targets

__all__ = [
    "LAYER_SUFFIXES",
    "District",
    "ManyResult",
    "district_items",
    "district_scenario",
    "footprints_of",
    "plan_many",
    "read_folder",
    "read_targets",
    "scale_targets",
    "split_by",
    "summary_table",
    "write_many",
]

log = logging.getLogger(__name__)

#: File suffixes read as district layers from a folder.
LAYER_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".fgb", ".parquet")
TARGET_COLUMNS = ("count", "count_min", "count_max", "area_min", "area_max")

add_messages(
    {
        "no_column": {"en": "the layer has no column {col}", "zh": "地块图层没有字段 {col}"},
        "no_column_fix": {"en": "use one of {cols}", "zh": "请使用以下字段之一：{cols}"},
        "empty_code": {"en": "{n} parcels have no value in {col}", "zh": "{n} 个地块的 {col} 为空"},
        "empty_code_fix": {
            "en": "fill in the district of every parcel",
            "zh": "请为每个地块填写所属区县",
        },
        "no_layers": {
            "en": "no parcel layers ({suffixes}) in the folder",
            "zh": "文件夹中没有地块图层（{suffixes}）",
        },
        "no_layers_fix": {
            "en": "put one layer per district in it",
            "zh": "请每个区县放一个图层文件",
        },
        "by_or_folder": {
            "en": "give either --by COLUMN or a folder of layers",
            "zh": "请指定 --by 字段，或给出图层文件夹",
        },
        "targets_where": {"en": "targets table", "zh": "指标表"},
        "targets_cols": {"en": "missing columns {cols}", "zh": "缺少列 {cols}"},
        "targets_cols_fix": {
            "en": "columns: district, action, and any of count, count_min, count_max, area_min, area_max",
            "zh": "列：district、action，以及 count、count_min、count_max、area_min、area_max 中的任意列",
        },
        "targets_district": {
            "en": "row {row}: no district {code} in the layer",
            "zh": "第 {row} 行：图层中没有区县 {code}",
        },
        "targets_district_fix": {
            "en": "districts of the layer: {codes}",
            "zh": "图层中的区县：{codes}",
        },
        "targets_action": {
            "en": "row {row}: no action {action}",
            "zh": "第 {row} 行：没有措施 {action}",
        },
        "targets_action_fix": {"en": "use one of {actions}", "zh": "请使用以下之一：{actions}"},
        "targets_value": {
            "en": "row {row}, {col}: {value!r} is not a number ≥ 0",
            "zh": "第 {row} 行 {col}：{value!r} 不是不小于 0 的数",
        },
        "targets_value_fix": {
            "en": "write a number or leave the cell empty",
            "zh": "请填写数字或留空",
        },
        "targets_range": {
            "en": "row {row}: minimum above maximum, or count with count_min/count_max",
            "zh": "第 {row} 行：下限大于上限，或 count 与 count_min/count_max 同时填写",
        },
        "targets_range_fix": {"en": "give an exact count or a range", "zh": "请给出确切宗数或范围"},
        "targets_dup": {
            "en": "row {row}: {code}/{action} listed twice",
            "zh": "第 {row} 行：{code}/{action} 重复",
        },
        "targets_dup_fix": {
            "en": "keep one row per district and action",
            "zh": "每个区县每种措施只保留一行",
        },
        "targets_read": {"en": "cannot read it: {error}", "zh": "无法读取：{error}"},
        "targets_read_fix": {
            "en": "save it as CSV (UTF-8) or .xlsx",
            "zh": "请另存为 CSV（UTF-8）或 .xlsx",
        },
        # summary table headers
        "col.district": {"en": "district", "zh": "区县代码"},
        "col.parcels": {"en": "parcels", "zh": "地块数"},
        "col.status": {"en": "status", "zh": "状态"},
        "col.cost": {"en": "cost (万元)", "zh": "成本（万元）"},
        "col.met_share": {"en": "share of target met", "zh": "目标完成率"},
        "col.plots": {"en": "{action} plots", "zh": "{action}宗数"},
        "col.plots_target": {"en": "{action} plots target", "zh": "{action}宗数目标"},
        "col.mu": {"en": "{action} mu", "zh": "{action}面积（亩）"},
        "col.mu_target": {"en": "{action} mu target", "zh": "{action}面积目标（亩）"},
        "col.note": {"en": "note", "zh": "说明"},
        "status.met": {"en": "met", "zh": "达成"},
        "status.unmet": {"en": "targets unmet", "zh": "目标未达成"},
        "status.error": {"en": "failed", "zh": "失败"},
        "total": {"en": "province", "zh": "全省合计"},
        "map_title": {
            "en": "{name}: share of target met by district",
            "zh": "{name}：各区县目标完成率",
        },
        "map_legend": {"en": "share of target met", "zh": "目标完成率"},
        "sheet": {"en": "districts", "zh": "区县"},
    },
    prefix="districts.",
)


# --------------------------------------------------------------------------- results
@dataclass
class District:
    """One district's outcome.

    Attributes
    ----------
    code
        The district's code (text).
    parcels
        Number of parcels.
    targets
        Action name → the targets it was planned with.
    plan
        The plan (a shortfall plan when ``status == "unmet"``), or ``None`` on failure.
    status
        ``"met"``, ``"unmet"`` (diagnosis in ``message``) or ``"error"``.
    message
        The diagnosis or the error, in the scenario's language; empty when met.
    """

    code: str
    parcels: int
    targets: dict[str, Targets]
    plan: Any = None
    status: str = "met"
    message: str = ""


@dataclass
class ManyResult:
    """Every district's outcome, in code order, and the provincial summary."""

    scenario: Scenario
    districts: list[District]
    summary: pd.DataFrame
    wall_s: float
    workers: int
    footprints: gpd.GeoSeries | None = field(default=None, repr=False)
    #: the run store's id of this plan-many run (``None`` when not recorded)
    run_id: str | None = None

    @property
    def unmet(self) -> list[District]:
        """Districts whose targets were not met or whose solve failed."""
        return [d for d in self.districts if d.status != "met"]


# --------------------------------------------------------------------------- input
def _problem(key: str, fix: str, where: str = "", lang: str | None = None, **kw: Any) -> Problem:
    return Problem(where, "", t(f"districts.{key}", lang, **kw), t(f"districts.{fix}", lang, **kw))


def split_by(
    parcels: gpd.GeoDataFrame, by: str, lang: str | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """The layer split by column ``by``: code (text) → that district's parcels, codes sorted.

    Raises
    ------
    ParcelDataError
        ``by`` is not a column of the layer, or some parcels have no value in it.
    """
    from landopt.errors import ParcelDataError

    if by not in parcels.columns:
        cols = ", ".join(c for c in parcels.columns if c != "geometry")
        raise ParcelDataError(
            "--by", [_problem("no_column", "no_column_fix", by, lang, col=repr(by), cols=cols)]
        )
    codes = parcels[by].astype("string").str.strip()
    empty = codes.isna() | (codes == "")
    if empty.any():
        raise ParcelDataError(
            "--by", [_problem("empty_code", "empty_code_fix", by, lang, n=int(empty.sum()), col=by)]
        )
    codes = codes.to_numpy(str)
    out = {}
    for code in sorted(set(codes.tolist())):
        part = parcels[codes == code]
        out[code] = part.reset_index(drop=True)
    return out


def read_folder(
    folder: str | Path, scenario: Scenario, lang: str | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """One layer per district from ``folder`` (code = file name without suffix), codes sorted."""
    from landopt.parcels import read_parcels

    folder = Path(folder)
    files = sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in LAYER_SUFFIXES and not p.name.startswith(".")
    )
    if not files:
        raise InputError(
            str(
                _problem(
                    "no_layers",
                    "no_layers_fix",
                    str(folder),
                    lang,
                    suffixes=", ".join(LAYER_SUFFIXES),
                )
            )
        )
    kwargs = scenario.parcels.read_kwargs() if scenario.parcels else {}
    kwargs.pop("path", None)
    return {p.stem: read_parcels(p, **kwargs) for p in files}


def read_targets(
    path: str | Path, scenario: Scenario, codes: list[str], lang: str | None = None
) -> dict[str, dict[str, Targets]]:
    """The targets table (see the module docstring): code → action → targets.

    Raises
    ------
    InputError
        Listing every problem: missing columns, unknown districts or actions, values
        that are not numbers, ranges the wrong way round, duplicate rows.
    """
    from landopt.errors import ScenarioError

    path = Path(path)
    where = t("districts.targets_where", lang) + f" {path}"
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            table = pd.read_excel(path, dtype=str)
        else:
            table = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            where, [_problem("targets_read", "targets_read_fix", where, lang, error=exc)]
        ) from None
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in ("district", "action") if c not in table.columns]
    if missing:
        raise ScenarioError(
            where,
            [_problem("targets_cols", "targets_cols_fix", where, lang, cols=", ".join(missing))],
        )
    problems: list[Problem] = []
    out: dict[str, dict[str, Targets]] = {c: {} for c in codes}
    known = set(codes)
    for i, row in enumerate(table.to_dict("records"), start=2):  # row 1 is the header
        code, action = str(row["district"]).strip(), str(row["action"]).strip()
        if code not in known:
            shown = ", ".join(codes[:10]) + (" …" if len(codes) > 10 else "")
            problems.append(
                _problem(
                    "targets_district",
                    "targets_district_fix",
                    where,
                    lang,
                    row=i,
                    code=code,
                    codes=shown,
                )
            )
            continue
        if action not in scenario.action_names:
            problems.append(
                _problem(
                    "targets_action",
                    "targets_action_fix",
                    where,
                    lang,
                    row=i,
                    action=action,
                    actions=", ".join(scenario.action_names),
                )
            )
            continue
        values: dict[str, float | None] = {}
        for col in TARGET_COLUMNS:
            raw = row.get(col)
            if (
                raw is None
                or (isinstance(raw, float) and math.isnan(raw))
                or str(raw).strip() == ""
            ):
                values[col] = None
                continue
            try:
                v = float(str(raw).strip())
            except ValueError:
                v = -1.0
            if not math.isfinite(v) or v < 0 or (col.startswith("count") and v != int(v)):
                problems.append(
                    _problem(
                        "targets_value", "targets_value_fix", where, lang, row=i, col=col, value=raw
                    )
                )
                continue
            values[col] = v
        cnt, cmin, cmax = values.get("count"), values.get("count_min"), values.get("count_max")
        amin, amax = values.get("area_min"), values.get("area_max")
        if (cnt is not None and (cmin is not None or cmax is not None)) or (
            cmin is not None and cmax is not None and cmin > cmax) or (
            amin is not None and amax is not None and amin > amax):  # fmt: skip
            problems.append(_problem("targets_range", "targets_range_fix", where, lang, row=i))
            continue
        if action in out[code]:
            problems.append(
                _problem(
                    "targets_dup", "targets_dup_fix", where, lang, row=i, code=code, action=action
                )
            )
            continue
        lo = cnt if cnt is not None else cmin
        hi = cnt if cnt is not None else cmax
        out[code][action] = Targets(
            count_min=None if lo is None else int(lo),
            count_max=None if hi is None else int(hi),
            area_min=amin,
            area_max=amax,
        )
    if problems:
        raise ScenarioError(where, problems)
    return out


def _eligible_mu(scenario: Scenario, parts: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Mu eligible per district (rows, in order) and action (columns)."""
    from landopt.scenario import eligibility

    rows = {}
    for code, df in parts.items():
        elig = eligibility(scenario, df)
        area = pd.to_numeric(df["area_mu"], errors="coerce").fillna(0.0).to_numpy(float)
        rows[code] = {a: float(area[elig[a].to_numpy(bool)].sum()) for a in scenario.action_names}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(scenario.action_names))


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers adding up to ``total`` in proportion to ``weights`` (largest remainder, ties first)."""
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=int)
    quota = total * w / w.sum()
    base = np.floor(quota + 1e-9).astype(int)
    left = int(total - base.sum())
    order = np.argsort(-(quota - base), kind="stable")
    base[order[:left]] += 1
    return base


def scale_targets(
    scenario: Scenario, parts: Mapping[str, pd.DataFrame]
) -> dict[str, dict[str, Targets]]:
    """The scenario's (province) targets scaled to each district (see the module docstring)."""
    mu = _eligible_mu(scenario, parts)
    codes = list(parts)
    out: dict[str, dict[str, Targets]] = {c: {} for c in codes}
    for a in scenario.actions:
        tg = a.targets
        w = mu[a.name].to_numpy(float)
        share = w / w.sum() if w.sum() > 0 else np.zeros(len(w))
        cmin = apportion(tg.count_min, w) if tg.count_min is not None else None
        cmax = (
            (cmin if tg.count_exact else apportion(tg.count_max, w))
            if tg.count_max is not None
            else None
        )
        for i, code in enumerate(codes):
            if w[i] <= 0:
                continue

            def up(v: float | None, i: int = i, share: np.ndarray = share) -> float | None:
                return None if v is None else math.ceil(v * share[i] * 100 - 1e-9) / 100

            out[code][a.name] = Targets(
                count_min=None if cmin is None else int(cmin[i]),
                count_max=None if cmax is None else int(cmax[i]),
                area_min=up(tg.area_min),
                area_max=None
                if tg.area_max is None
                else math.floor(tg.area_max * share[i] * 100) / 100,
            )
    return out


def district_scenario(
    scenario: Scenario, targets: Mapping[str, Targets] | None, ids: Any = None
) -> Scenario:
    """The scenario as one district plans it: its own targets, no ``[shared]`` table, no layer.

    ``targets`` None keeps the scenario's targets; otherwise an action it lacks has none.
    With ``ids`` (the district's parcel ids) only the locks on those parcels are kept. Rule
    values are checked against the whole province (:func:`plan_many`), so a value absent
    from one district is allowed there (``[checks] absent_values = "allow"``).
    """
    from landopt.scenario import Checks, Locks

    sc = replace(
        scenario,
        rules=tuple((k, v) for k, v in scenario.rules if k != "shared"),
        parcels=None,
        checks=Checks(absent_values="allow"),
    )
    if ids is not None and len(sc.locks):
        keep = set(map(str, ids))
        sc = replace(sc, locks=Locks(
            tuple((p, a) for p, a in sc.locks.include if p in keep),
            tuple((p, a) for p, a in sc.locks.exclude if p in keep),
        ))  # fmt: skip
    if targets is None:
        return sc
    actions = tuple(replace(a, targets=targets.get(a.name, Targets())) for a in sc.actions)
    return replace(sc, actions=actions)


def _check_province(scenario: Scenario, parts: Mapping[str, pd.DataFrame]) -> None:
    """The scenario against the whole province (rule values, columns, locks), once."""
    from landopt.errors import ScenarioError
    from landopt.scenario_data import check_scenario_against

    whole = pd.concat([pd.DataFrame(df.drop(columns="geometry", errors="ignore")) for df in parts.values()],
                      ignore_index=True)  # fmt: skip
    problems = check_scenario_against(replace(scenario, rules=tuple(
        (k, v) for k, v in scenario.rules if k != "shared")), whole)  # fmt: skip
    if problems:
        raise ScenarioError(str(scenario.source or scenario.name), problems)


# --------------------------------------------------------------------------- solving
@dataclass(frozen=True)
class Context:
    """What every call of one many-solve shares, as one object (Dask scatters a dict key by key).

    ``solver``: solver options for every district; ``parts``, ``rows`` and ``token``: the
    decomposition's districts, shared rows and cache key (:mod:`landopt.decompose`).
    """

    solver: dict[str, Any] = field(default_factory=dict)
    parts: dict[str, Any] | None = None
    rows: list[Any] | None = None
    token: str = ""


def _plan_one(context: Context, item: tuple[str, Scenario, gpd.GeoDataFrame]) -> District:
    """Plan one district (runs on a worker): ``landopt.solve`` with the closest plan on shortfall."""
    from landopt.plan import solve

    code, scenario, parcels = item
    targets = {a.name: a.targets for a in scenario.actions}
    d = District(code=code, parcels=len(parcels), targets=targets)
    from landopt.store.record import unrecorded

    try:
        with unrecorded():  # part of the plan-many run, not a run of its own
            d.plan = solve(scenario, parcels, allow_shortfall=True, **context.solver)
        if d.plan.diagnosis is not None:
            d.status, d.message = "unmet", d.plan.diagnosis.explain()
    except TargetsUnmetError as exc:
        d.status, d.message = "unmet", str(exc)
    except LandoptError as exc:
        d.status, d.message = "error", str(exc)
    return d


def district_items(
    scenario: Scenario,
    parcels: gpd.GeoDataFrame | None = None,
    *,
    by: str | None = None,
    folder: str | Path | None = None,
    targets: str | Path | Mapping[str, Mapping[str, Targets]] | None = None,
    scale: bool = False,
) -> tuple[dict[str, gpd.GeoDataFrame], list[tuple[str, Scenario, gpd.GeoDataFrame]]]:
    """The districts (code → parcels) and, in code order, each one's (code, scenario, parcels).

    The arguments are :func:`plan_many`'s; the scenario is checked against the whole
    province once (rule values, columns, locks).
    """
    lang = scenario.lang
    if folder is not None:
        parts = read_folder(folder, scenario, lang)
    else:
        if by is None:
            raise InputError(t("districts.by_or_folder", lang))
        if parcels is None:
            from landopt.parcels import read_parcels

            if scenario.parcels is None:
                raise InputError('the scenario names no parcel layer: add [parcels] path = "…"')
            parcels = read_parcels(scenario.parcels.location, **scenario.parcels.read_kwargs())
        parts = split_by(parcels, by, lang)
    codes = list(parts)
    _check_province(scenario, parts)
    if isinstance(targets, (str, Path)):
        per = read_targets(targets, scenario, codes, lang)
    elif targets is not None:
        per = {c: dict(targets.get(c, {})) for c in codes}
    elif scale:
        per = scale_targets(scenario, parts)
    else:
        per = {c: None for c in codes}
    items = [
        (c, district_scenario(scenario, per[c], parts[c]["parcel_id"]), parts[c]) for c in codes
    ]
    return parts, items


def plan_many(
    scenario: Scenario,
    parcels: gpd.GeoDataFrame | None = None,
    *,
    by: str | None = None,
    folder: str | Path | None = None,
    targets: str | Path | Mapping[str, Mapping[str, Targets]] | None = None,
    scale: bool = False,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    **solver_overrides: Any,
) -> ManyResult:
    """Plan every district of a province, each as its own problem.

    Parameters
    ----------
    scenario
        The rules every district plans with (and, with ``scale``, the province's targets).
    parcels
        The province layer (split by ``by``); read from the scenario's layer when omitted.
    by
        The column naming each parcel's district.
    folder
        Instead of ``parcels``/``by``: a folder with one layer per district.
    targets
        A targets table (path) or code → action → :class:`~landopt.scenario.Targets`.
    scale
        Scale the scenario's targets to each district by its share of eligible mu.
    jobs, scheduler
        Where the districts are solved (:func:`landopt.cluster.engine`).
    progress
        ``progress(done, total)`` after each district.
    **solver_overrides
        Solver options for every district (``time_limit``, ``gap``, …).

    Returns
    -------
    ManyResult
    """
    from landopt.cluster import engine
    from landopt.store.record import recording

    with recording("plan-many", scenario.name, scenario=scenario) as rec:
        t0 = time.perf_counter()
        parts, items = district_items(
            scenario, parcels, by=by, folder=folder, targets=targets, scale=scale
        )
        with engine(jobs, scheduler, scenario=scenario) as e:
            districts = e.map(
                _plan_one, items, context=Context(dict(solver_overrides)), progress=progress
            )
            workers = e.workers
        footprints = footprints_of(parts)
        result = ManyResult(
            scenario, districts, pd.DataFrame(), time.perf_counter() - t0, workers, footprints
        )
        result.summary = summary_table(result)
        result.run_id = rec.run_id
        rec.finish(
            "done" if not result.unmet else "infeasible",
            summary=json.loads(result.summary.to_json(orient="records", force_ascii=False)),
            result={"districts": len(districts), "unmet": len(result.unmet), "workers": workers},
        )
    return result


def footprints_of(parts: Mapping[str, pd.DataFrame]) -> gpd.GeoSeries | None:
    """Each district's outline for the map: the convex hull of its parcels (None without geometry)."""
    first = next(iter(parts.values()))
    if not isinstance(first, gpd.GeoDataFrame) or first.geometry.name not in first.columns:
        return None
    return gpd.GeoSeries(
        [df.geometry.union_all().convex_hull for df in parts.values()],
        index=list(parts),
        crs=first.crs,
    )


# --------------------------------------------------------------------------- outputs
def _met_share(d: District) -> float:
    """Achieved over target, summed over the targeted actions' mu (plots where no mu target), ≤ 1."""
    if d.plan is None:
        return 0.0
    got = need = 0.0
    s = d.plan.summary.set_index("action")
    for a, tg in d.targets.items():
        if tg.area_min:
            got += min(float(s.at[a, "mu"]), tg.area_min)
            need += tg.area_min
        elif tg.count_min:
            got += min(float(s.at[a, "plots"]), tg.count_min) / tg.count_min
            need += 1.0
    return 1.0 if need == 0 else got / need


def summary_table(result: ManyResult) -> pd.DataFrame:
    """One row per district and a province total (landopt's own column names).

    Columns: ``district``, ``parcels``, ``status``, ``cost_wan``, ``met_share``, per action
    ``<a>_plots``, ``<a>_plots_target`` (the least count), ``<a>_mu``, ``<a>_mu_target``
    (the least mu), and ``note`` (the diagnosis).
    """
    acts = result.scenario.action_names
    rows = []
    for d in result.districts:
        row: dict[str, Any] = {"district": d.code, "parcels": d.parcels, "status": d.status}
        s = d.plan.summary.set_index("action") if d.plan is not None else None
        row["cost_wan"] = float(s.at["total", "cost_wan"]) if s is not None else np.nan
        row["met_share"] = _met_share(d)
        for a in acts:
            tg = d.targets.get(a, Targets())
            row[f"{a}_plots"] = int(s.at[a, "plots"]) if s is not None else 0
            row[f"{a}_plots_target"] = tg.count_min
            row[f"{a}_mu"] = float(s.at[a, "mu"]) if s is not None else 0.0
            row[f"{a}_mu_target"] = tg.area_min
        row["note"] = d.message.splitlines()[0] if d.message else ""
        rows.append(row)
    df = pd.DataFrame(rows)
    total: dict[str, Any] = {"district": "total", "parcels": int(df["parcels"].sum()),
                             "status": "met" if all(d.status == "met" for d in result.districts) else "unmet",
                             "cost_wan": float(df["cost_wan"].sum())}  # fmt: skip
    for a in acts:
        for col in (f"{a}_plots", f"{a}_mu", f"{a}_plots_target", f"{a}_mu_target"):
            total[col] = df[col].sum(min_count=1)
    targets_mu = sum(
        0.0 if pd.isna(total[f"{a}_mu_target"]) else float(total[f"{a}_mu_target"]) for a in acts
    )
    got_mu = sum(
        float(np.minimum(df[f"{a}_mu"], df[f"{a}_mu_target"].fillna(0).astype(float)).sum())
        for a in acts
    )
    total["met_share"] = 1.0 if not targets_mu else got_mu / targets_mu
    total["note"] = ""
    return pd.concat([df, pd.DataFrame([total])], ignore_index=True)


def headed(summary: pd.DataFrame, scenario: Scenario, lang: str | None = None) -> pd.DataFrame:
    """The summary with the column headers and status words of the planner's language."""
    lg = lang or scenario.lang
    names: dict[str, str] = {
        "district": t("districts.col.district", lg),
        "parcels": t("districts.col.parcels", lg),
        "status": t("districts.col.status", lg),
        "cost_wan": t("districts.col.cost", lg),
        "met_share": t("districts.col.met_share", lg),
        "note": t("districts.col.note", lg),
    }
    for a in scenario.actions:
        label = a.label or a.name
        for key in ("plots", "plots_target", "mu", "mu_target"):
            names[f"{a.name}_{key}"] = t(f"districts.col.{key}", lg, action=label)
    out = summary.copy()
    out["status"] = out["status"].map(lambda s: t(f"districts.status.{s}", lg))
    out["district"] = out["district"].replace({"total": t("districts.total", lg)})
    return out.rename(columns=names)


def draw_province_map(result: ManyResult, path: str | Path, lang: str | None = None) -> None:
    """A map of every district (its parcels' hull), coloured by the share of its target met
    (:func:`landopt.maps.province_map.save_province_map`)."""
    from landopt.maps.province_map import save_province_map

    save_province_map(result, path, lang)


#: Files of the provincial summary in a ``plan-many`` folder.
SUMMARY_FILES = ("districts.csv", "districts.xlsx", "districts.png")


def write_many(
    result: ManyResult,
    out_dir: str | Path,
    *,
    maps: bool = False,
    province_map: bool = True,
    force: bool = False,
    lang: str | None = None,
    extra: Mapping[str, Callable[[Path], Any]] | None = None,
) -> Path:
    """Write one plan folder per district and the provincial summary, all in one step.

    ``out_dir/<code>/`` holds the normal :func:`landopt.write_plan` outputs (with the plan
    map when ``maps``); ``districts.csv`` and ``districts.xlsx`` the summary (headers in
    the planner's language), ``districts.png`` the map of all districts. The whole folder
    is staged and swapped in whole (:mod:`landopt._atomic`). ``extra``: more files, name →
    function writing that path (the decomposition's ``allocation.csv``).
    """
    from landopt import _atomic
    from landopt.plan import write_plan

    out = Path(out_dir)
    codes = [d.code for d in result.districts]
    known = [*codes, *SUMMARY_FILES, *(extra or {}), "allocation.csv", "decomposition.json"]
    with _atomic.atomic_folder(out, force=force, known=known) as stage:
        for d in result.districts:
            if d.plan is None:
                continue
            maps_extra = None
            if maps:
                from landopt.maps import save_plan_map

                maps_extra = {
                    "plan.png": lambda p, plan=d.plan: save_plan_map(plan, p, dpi=100, lang=lang)
                }
            write_plan(d.plan, stage / d.code, extra=maps_extra)
        table = headed(result.summary, result.scenario, lang)
        table.to_csv(stage / "districts.csv", index=False, encoding="utf-8-sig")
        table.to_excel(stage / "districts.xlsx", index=False,
                       sheet_name=t("districts.sheet", lang or result.scenario.lang))  # fmt: skip
        if province_map and result.footprints is not None:
            draw_province_map(result, stage / "districts.png", lang)
        for name, writer in (extra or {}).items():
            writer(stage / name)
    from landopt.store.record import attach

    attach(result.run_id, out, [*SUMMARY_FILES, *(extra or {})])
    return out
