"""The outputs of a plan with key projects: the project–site table, the sites' outlines.

A plan has key projects when its scenario has a ``[projects]`` table
(``scenario.rule("projects")``) and the plan carries ``plan.projects``, one row per project
in the table's order (``site_no, project_id, name, investment_yi, landed, mu, parcels,
park, year, source, reason, reason_text``; see :mod:`landopt.projects`), and its parcels
the ``project``, ``project_name`` and ``site_no`` columns. A plan without them writes
exactly the outputs it wrote before.

This module gives the pieces every output shares, so the numbers agree: the table for
``projects.csv`` (:func:`write_projects_csv`) and the Excel sheet (:func:`table_rows`),
one dissolved outline per landed site (:func:`site_outlines`) for the print map
(:mod:`landopt.maps.sites`) and the web map (:func:`webmap_sites`), and the report's
section (:func:`report_section`).
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landopt import i18n
from landopt.i18n import add_messages, t

if TYPE_CHECKING:
    from landopt.plan import Plan

__all__ = [
    "CSV_NAME",
    "SITE_EDGE",
    "files",
    "has_projects",
    "projects_csv_frame",
    "report_section",
    "site_outlines",
    "table_rows",
    "webmap_sites",
    "write_projects_csv",
]

log = logging.getLogger(__name__)

#: The project–site table beside ``summary.csv``.
CSV_NAME = "projects.csv"
#: The sites' outline: a dark magenta no action fill uses.
SITE_EDGE = "#C2185B"

#: Columns of the table, in order: (field, kind); kind picks the number format.
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("site_no", "int"),
    ("project_id", None),
    ("name", None),
    ("investment_yi", "yi"),
    ("landed", "yesno"),
    ("mu", "mu"),
    ("parcels", "int"),
    ("park", None),
    ("year", "int"),
    ("source", "source"),
    ("reason", None),
    ("reason_text", None),
)

add_messages(
    {
        "col.site_no": {"zh": "用地编号", "en": "Site no."},
        "col.project_id": {"zh": "项目编号", "en": "Project ID"},
        "col.name": {"zh": "项目名称", "en": "Project"},
        "col.investment_yi": {"zh": "计划投资（亿元）", "en": "Investment (100 M CNY)"},
        "col.landed": {"zh": "是否落地", "en": "Landed"},
        "col.mu": {"zh": "用地面积（亩）", "en": "Area (mu)"},
        "col.parcels": {"zh": "地块数", "en": "Plots"},
        "col.park": {"zh": "园区", "en": "Park"},
        "col.year": {"zh": "供地年度", "en": "Year"},
        "col.source": {"zh": "用地来源", "en": "Land source"},
        "col.reason": {"zh": "原因代码", "en": "Reason code"},
        "col.where": {"zh": "位置（街道 · 地块）", "en": "Where (township · plots)"},
        "col.reason_text": {"zh": "未落地原因", "en": "Why not landed"},
        "yes": {"zh": "是", "en": "yes"},
        "no": {"zh": "否", "en": "no"},
        "source.stock": {"zh": "存量已出清土地", "en": "cleared stock"},
        "source.freed": {"zh": "本规划腾出土地", "en": "freed by this plan"},
        "source.mixed": {"zh": "存量与腾出土地", "en": "stock and freed land"},
        "reason.no_land": {
            "zh": "园区内外没有用途与面积相符的可用土地",
            "en": "no land of a compatible use and size in or near its park",
        },
        "reason.too_late": {
            "zh": "相符土地在项目用地年份之前无法腾退足够面积",
            "en": "not enough of the land that fits can be freed by the year the project needs it",
        },
        "reason.taken": {
            "zh": "相符土地已用于优先级更高的项目",
            "en": "the land that fits is needed by a higher-priority project",
        },
        "reason.budget": {
            "zh": "腾出所需土地超出预算或目标允许",
            "en": "freeing its land would exceed the budget or the targets",
        },
        "reason.not_needed": {
            "zh": "可以落地，但投资价值不足以抵过腾地成本",
            "en": "it could land, but its value does not outweigh the cost of the land",
        },
        "sheet": {"zh": "重点项目", "en": "Key projects"},
        "legend": {"zh": "重点项目用地 {n} 处", "en": "key-project sites: {n}"},
        "heading": {"zh": "重点项目", "en": "Key projects"},
        "landed_line": {
            "zh": "落地 {n}/{total} 个项目：用地 {mu}，计划投资 {inv} 亿元。",
            "en": "{n} of {total} projects landed: {mu}, {inv} × 100 M CNY of investment.",
        },
        "unlanded_line": {
            "zh": "未落地 {n} 个项目，计划投资 {inv} 亿元：",
            "en": "{n} projects not landed, {inv} × 100 M CNY of investment:",
        },
        "landed": {"zh": "已落地项目", "en": "Landed projects"},
        "unlanded": {"zh": "未落地项目", "en": "Projects not landed"},
        "none_landed": {"zh": "没有项目落地。", "en": "No project landed."},
        "map_note": {
            "zh": "地图上以粗线圈出各项目用地，圆圈内为用地编号。",
            "en": "Each site is outlined on the maps, its site number in a circle.",
        },
        "layer": {"zh": "重点项目用地", "en": "Key-project sites"},
    },
    prefix="projects_out.",
)


def _w(key: str, lang: str, **fields: Any) -> str:
    return t(f"projects_out.{key}", lang, **fields)


def has_projects(plan: Plan) -> bool:
    """Whether ``plan`` is a plan with key projects (its scenario has ``[projects]`` and
    the plan a ``projects`` table)."""
    rule = getattr(plan.scenario, "rule", None)
    spec = rule("projects") if callable(rule) else None
    return spec is not None and isinstance(getattr(plan, "projects", None), pd.DataFrame)


def files(plan: Plan) -> list[str]:
    """The files :func:`landopt.plan.write_plan` writes for the key projects (none without)."""
    return [CSV_NAME] if has_projects(plan) else []


def _lang(plan: Plan, lang: str | None) -> str:
    return i18n.resolve_lang(lang or plan.scenario.lang)


def _missing(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _float(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _int(v: Any) -> int | None:
    f = _float(v)
    return round(f) if f is not None else None


def reason_text(row: dict[str, Any], lang: str) -> str:
    """Why a project did not land, in ``lang``: the catalog's text for its reason key
    (the table's ``reason_text`` when the key is not one this module knows)."""
    if bool(row.get("landed")):
        return ""
    key = "" if _missing(row.get("reason")) else str(row.get("reason"))
    known = i18n.words("projects_out.reason.", lang)
    if key in known:
        return known[key]
    return "" if _missing(row.get("reason_text")) else str(row.get("reason_text"))


def _records(plan: Plan) -> list[dict[str, Any]]:
    df: pd.DataFrame = plan.projects  # type: ignore[attr-defined]
    return [{c: r.get(c) for c, _ in COLUMNS} for r in df.to_dict("records")]


def table_rows(
    plan: Plan, lang: str | None = None
) -> tuple[list[str], list[str | None], list[list[Any]]]:
    """The project–site table: headers in ``lang``, each column's kind (``int``, ``mu``,
    ``yi``, ``yesno``, ``source`` or None) and one row of plain values per project.

    ``landed`` and ``source`` are in words; ``reason_text`` in ``lang``; missing numbers
    are None.
    """
    lg = _lang(plan, lang)
    headers = [_w(f"col.{c}", lg) for c, _ in COLUMNS]
    kinds = [k for _, k in COLUMNS]
    rows: list[list[Any]] = []
    for r in _records(plan):
        row: list[Any] = []
        for c, kind in COLUMNS:
            v = r.get(c)
            if c == "reason_text":
                v = reason_text(r, lg)
            elif kind == "int":
                v = _int(v)
            elif kind in ("mu", "yi"):
                v = _float(v)
            elif kind == "yesno":
                v = _w("yes" if bool(v) else "no", lg)
            elif kind == "source":
                v = _w(f"source.{v}", lg) if not _missing(v) and v and bool(r.get("landed")) else ""
            else:
                v = "" if _missing(v) else str(v)
            row.append(v)
        rows.append(row)
    return headers, kinds, rows


def projects_csv_frame(plan: Plan, lang: str | None = None) -> pd.DataFrame:
    """``projects.csv`` as a table: numbers rounded as in ``summary.csv`` (3 decimals)."""
    headers, kinds, rows = table_rows(plan, lang)
    df = pd.DataFrame(rows, columns=headers)
    for h, kind in zip(headers, kinds, strict=True):
        if kind == "int":
            df[h] = pd.array(df[h].tolist(), dtype="Int64")
        elif kind in ("mu", "yi"):
            df[h] = pd.to_numeric(df[h], errors="coerce").round(3)
    return df


def write_projects_csv(plan: Plan, path: str | Path, *, lang: str | None = None) -> Path:
    """Write ``projects.csv`` (UTF-8 with BOM, as ``summary.csv``) to ``path``."""
    path = Path(path)
    projects_csv_frame(plan, lang).to_csv(path, index=False, encoding="utf-8-sig")
    return path


# --------------------------------------------------------------------------- sites
def site_outlines(plan: Plan, parcels: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """One dissolved outline per landed site: ``site_no``, ``project_id``, ``name``,
    ``investment_yi``, ``mu``, ``parcels``, ``park``, ``geometry``, in site order.

    ``parcels``: the plan's parcels in the CRS to draw in (default ``plan.parcels``).
    """
    p = plan.parcels if parcels is None else parcels
    cols = ["site_no", "project_id", "name", "investment_yi", "mu", "parcels", "park"]
    if "site_no" not in p.columns:
        return gpd.GeoDataFrame(columns=[*cols, "geometry"], geometry="geometry", crs=p.crs)
    no = pd.to_numeric(plan.parcels["site_no"], errors="coerce").to_numpy(float)
    on = np.isfinite(no) & (no > 0)
    table = {int(r["site_no"]): r for r in _records(plan) if _int(r.get("site_no")) is not None}
    geoms = np.asarray(p.geometry.values)
    rows: list[dict[str, Any]] = []
    for s in sorted({int(v) for v in no[on]}):
        members = on & (no == s)
        g = shapely.union_all(shapely.make_valid(geoms[members]))
        area = pd.to_numeric(plan.parcels.loc[members, "area_mu"], errors="coerce").sum()
        r = table.get(s, {})
        rows.append(
            {
                "site_no": s,
                "project_id": "" if _missing(r.get("project_id")) else str(r.get("project_id")),
                "name": "" if _missing(r.get("name")) else str(r.get("name")),
                "investment_yi": _float(r.get("investment_yi")),
                "mu": _float(r.get("mu")) if _float(r.get("mu")) is not None else float(area),
                "parcels": int(members.sum()),
                "park": "" if _missing(r.get("park")) else str(r.get("park")),
                "geometry": g,
            }
        )
    return gpd.GeoDataFrame(rows, columns=[*cols, "geometry"], geometry="geometry", crs=p.crs)


def webmap_sites(plan: Plan, lang: str) -> list[dict[str, Any]]:
    """The web map's outline layer of the sites (empty without key projects): each
    feature carries its site number, project name, investment and mu for the popup."""
    if not has_projects(plan):
        return []
    sites = site_outlines(plan)
    if not len(sites):
        return []
    sites = sites.to_crs(4326)
    geo = shapely.transform(sites.geometry.to_numpy(), lambda c: np.round(c, 6))
    label = i18n.words("projects_out.col.", lang)
    feats = []
    for r, g in zip(sites.to_dict("records"), shapely.to_geojson(geo), strict=True):
        pt = r["geometry"].representative_point()
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "no": r["site_no"],
                    "id": r["project_id"],
                    "name": r["name"],
                    "invest": None if r["investment_yi"] is None else round(r["investment_yi"], 2),
                    "mu": round(r["mu"], 2),
                    "park": r["park"],
                    "at": [round(pt.y, 6), round(pt.x, 6)],
                },
                "geometry": json.loads(g),
            }
        )
    return [
        {
            "key": "sites",
            "label": _w("legend", lang, n=len(feats)),
            "features": feats,
            "color": SITE_EDGE,
            "weight": 4,
            "dash": None,
            "above": True,
            "words": {
                "no": label["site_no"],
                "name": label["name"],
                "invest": label["investment_yi"],
                "mu": label["mu"],
                "park": label["park"],
            },
        }
    ]


# --------------------------------------------------------------------------- report
def report_section(plan: Plan, lang: str | None = None) -> dict[str, Any] | None:
    """The report's "key projects" section (None without key projects): a line of totals,
    the landed projects (site, where, park, mu, year, investment, land source) and the
    unlanded ones with the reason in ``lang``."""
    if not has_projects(plan):
        return None
    lg = _lang(plan, lang)
    h = i18n.words("projects_out.", lg)
    col = i18n.words("projects_out.col.", lg)
    recs = _records(plan)
    where = _where(plan, lg)
    landed, unlanded = [], []
    for r in recs:
        inv = _float(r.get("investment_yi"))
        no = _int(r.get("site_no"))
        if bool(r.get("landed")):
            src = r.get("source")
            landed.append(
                {
                    "no": "" if no is None else f"{no:,}",
                    "name": "" if _missing(r.get("name")) else str(r.get("name")),
                    "id": "" if _missing(r.get("project_id")) else str(r.get("project_id")),
                    "where": where.get(no, ""),
                    "park": "" if _missing(r.get("park")) else str(r.get("park")),
                    "mu": "–" if _float(r.get("mu")) is None else f"{_float(r.get('mu')):,.1f}",
                    "year": "" if _int(r.get("year")) is None else str(_int(r.get("year"))),
                    "inv": "–" if inv is None else f"{inv:,.2f}",
                    "source": _w(f"source.{src}", lg) if not _missing(src) and src else "",
                }
            )
        else:
            unlanded.append(
                {
                    "name": "" if _missing(r.get("name")) else str(r.get("name")),
                    "id": "" if _missing(r.get("project_id")) else str(r.get("project_id")),
                    "inv": "–" if inv is None else f"{inv:,.2f}",
                    "reason": reason_text(r, lg),
                }
            )

    def total(rows: list[dict[str, Any]], key: str) -> float:
        return sum(_float(r.get(key)) or 0.0 for r in rows)

    on = [r for r in recs if bool(r.get("landed"))]
    off = [r for r in recs if not bool(r.get("landed"))]
    return {
        "heading": h["heading"],
        "sub": i18n.t("projects_out.heading", "en") if lg == "zh" else "",
        "summary": h["landed_line"].format(
            n=len(on),
            total=len(recs),
            mu=i18n.fmt_mu(total(on, "mu"), lg),
            inv=f"{total(on, 'investment_yi'):,.2f}",
        ),
        "unlanded_summary": h["unlanded_line"].format(
            n=len(off), inv=f"{total(off, 'investment_yi'):,.2f}"
        ),
        "map_note": h["map_note"],
        "h_landed": h["landed"],
        "h_unlanded": h["unlanded"],
        "none_landed": h["none_landed"],
        "col": col,
        "landed": landed,
        "unlanded": unlanded,
    }


def _where(plan: Plan, lang: str) -> dict[int, str]:
    """Each site's plots, by their name (or id) and township: ``site_no → text``."""
    p = plan.parcels
    if "site_no" not in p.columns:
        return {}
    no = pd.to_numeric(p["site_no"], errors="coerce")
    out: dict[int, str] = {}
    for s, part in p[no.notna() & (no > 0)].groupby(no[no.notna() & (no > 0)].astype(int)):
        names = [
            str(v)
            for v in (part["name"] if "name" in part.columns else part["parcel_id"]).tolist()
            if not _missing(v)
        ]
        towns = (
            sorted({str(v) for v in part["township"].tolist() if not _missing(v) and str(v)})
            if "township" in part.columns
            else []
        )
        sep = "、" if lang == "zh" else ", "
        shown = sep.join(names[:3]) + ("…" if len(names) > 3 else "")
        out[int(s)] = ((sep.join(towns) + " · ") if towns else "") + shown
    return out
