"""The interactive map of a plan: one self-contained HTML file that needs no network.

:func:`write_webmap` writes ``plan.html``: Leaflet (vendored, inlined) draws every
parcel coloured by its action; hovering a parcel shows its id, name, township, status,
area, action and cost; a legend lists plots and mu per action and switches each layer
(every action, unchosen candidates, other parcels, outlines) on and off. Nothing is
fetched: no CDN, no web fonts (a Chinese page embeds landopt's own CJK font), no tiles,
unless a tile URL template is passed (``tiles=``, e.g. your own Tianditu key). The page
is rendered from ``landopt/templates/plan.html.j2`` with ``plan.css``, ``plan.js`` and
Leaflet inlined.

Large layers: past ``max_features`` parcels the map leaves out the parcels that were
never candidates, then (if still too many) the unchosen candidates, simplifies what is
left by ``simplify`` metres, and says so on the map. The chosen parcels are always drawn.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landopt import _render, i18n, project_outputs
from landopt import programme_tables as _pt
from landopt._atomic import atomic_file
from landopt.errors import InputError
from landopt.maps import (
    BLOCK_EDGE,
    CANDIDATE,
    OTHER,
    OTHER_EDGE,
    OTHER_FILL,
    RING_MAX,
    STATUS_WORDS,
    ZONE_COLORS,
    Lang,
    action_colors,
    count_text,
    font_face_css,
    group_stats,
    label_point,
    map_lang,
    parcel_groups,
    plan_subtitle,
    plan_title,
    read_district,
    source_note,
    spatial_overlays,
    words,
)
from landopt.maps.style import action_word
from landopt.plan import NONE, Plan

__all__ = ["DEFAULT_MAX_FEATURES", "LEAFLET_VERSION", "WebmapData", "webmap_html", "write_webmap"]

log = logging.getLogger(__name__)

# the year filter of a programme's map (not under "webmap.": a one-year page's words stay as they are)
i18n.add_messages(
    {
        "year": {"en": "Year", "zh": "年度"},
        "all": {"en": "whole programme", "zh": "全部年度"},
        "upto": {"en": "up to the year", "zh": "截至当年"},
        "only": {"en": "that year only", "zh": "仅当年"},
        "started": {"en": "year", "zh": "实施年度"},
        "then": {"en": "then", "zh": "后续"},
        "stock": {"en": "re-supply of cleared land", "zh": "已腾空土地再供应"},
        "second": {"en": "second step (dashed)", "zh": "后续再供应（虚线）"},
        "plot": {"en": "plot", "zh": "宗"},
        "plots": {"en": "plots", "zh": "宗"},
    },
    prefix="webmap_programme.",
)

LEAFLET_VERSION = "1.9.4"
#: Past this many parcels the web map leaves out the ones that were never candidates.
DEFAULT_MAX_FEATURES = 30_000
#: Unchosen candidates: darker than on paper, since a canvas map cannot hatch them.
WEB_CANDIDATE_FILL = "#C4C4C4"
WEB_CANDIDATE_EDGE = "#767676"
#: Decimal places of longitude/latitude kept (6 ≈ 0.1 m).
COORD_DECIMALS = 6
#: Tile hosts whose tiles are in the shifted GCJ-02 / BD-09 systems, not CGCS2000.
_SHIFTED_HOSTS = re.compile(r"(amap|autonavi|gaode|baidu|bdimg|bdstatic|map\.qq|gtimg)", re.I)


@dataclass
class WebmapData:
    """What the page draws: layers of GeoJSON features in EPSG:4326, legend and notes."""

    title: str
    subtitle: list[str]
    lang: Lang
    layers: list[dict[str, Any]]
    outlines: list[dict[str, Any]]
    bounds: list[list[float]]
    notes: list[str] = field(default_factory=list)
    footer: str = ""
    words: dict[str, str] = field(default_factory=dict)
    targets_met: bool = True
    tiles: dict[str, Any] | None = None
    shown: int = 0
    total: int = 0
    #: Ring each chosen plot while zoomed out: only up to ``RING_MAX`` of them, as on the
    #: printed map (past that, a city's rings hid its parks)
    rings: bool = True
    #: A programme plan's years and the year filter's words (None for a one-year plan)
    programme: dict[str, Any] | None = None

    def page_data(self) -> dict[str, Any]:
        """What the page reads (a one-year plan's exactly as before: no ``programme`` key)."""
        d = dict(self.__dict__)
        if d.get("programme") is None:
            d.pop("programme", None)
        return d

    def to_json(self) -> str:
        """Compact JSON, safe to put inside a ``<script>`` element."""
        return _render.json_for_script(self.page_data())


# --------------------------------------------------------------------------- data
def _round_geoms(geoms: np.ndarray, decimals: int) -> np.ndarray:
    return shapely.transform(geoms, lambda c: np.round(c, decimals))


def _geojson_geoms(geoms: np.ndarray) -> list[Any]:
    return [json.loads(g) if g is not None else None for g in shapely.to_geojson(geoms)]


def _num(v: Any, nd: int = 1) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return round(f, nd) if math.isfinite(f) else None


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    return str(v)


#: How outlines are drawn; ``above``: over the parcels (zones and blocks), else beneath.
OUTLINE_STYLE: dict[str, dict[str, Any]] = {
    "park": {"color": "#6a3d9a", "weight": 1.5, "dash": "6 4", "above": False},
    "township": {"color": "#4d4d4d", "weight": 1.0, "dash": "8 3 2 3", "above": False},
    "district": {"color": "#1a1a1a", "weight": 2.5, "dash": None, "above": False},
    "exclude": {"color": ZONE_COLORS["exclude"], "weight": 2.0, "dash": "6 3", "above": True},
    "priority": {"color": ZONE_COLORS["priority"], "weight": 2.0, "dash": "6 3", "above": True},
    "blocks": {"color": BLOCK_EDGE, "weight": 2.5, "dash": None, "above": True},
}


def build_webmap_data(
    plan: Plan,
    *,
    lang: Lang,
    max_features: int = DEFAULT_MAX_FEATURES,
    simplify: float | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    title: str | None = None,
) -> WebmapData:
    """The layers, legend and notes of the web map (see :func:`webmap_html`)."""
    sc = plan.scenario
    w = words(lang)
    tw = i18n.words("webmap.", lang)
    p = plan.parcels
    groups = parcel_groups(plan).to_numpy()
    stats = group_stats(plan)
    colors = action_colors(sc)
    total = len(p)

    keep = np.ones(total, dtype=bool)
    notes: list[str] = []
    dropped: list[str] = []
    if total > max_features:
        for group, key, what in (
            (OTHER, "dropped_other", "parcels that were never candidates"),
            (CANDIDATE, "dropped_candidate", "unchosen candidates"),
        ):
            if keep.sum() <= max_features:
                break
            drop = groups == group
            keep &= ~drop
            notes.append(tw[key].format(n=int(drop.sum())))
            dropped.append(f"{int(drop.sum()):,} {what}")
        if simplify is None:
            simplify = 2.0
    if dropped:
        log.warning(
            "the web map shows %s of %s parcels (max_features=%s): it leaves out %s",
            f"{int(keep.sum()):,}",
            f"{total:,}",
            f"{max_features:,}",
            " and ".join(dropped),
        )

    sub = p[keep]
    g = groups[keep]
    geoms = sub.geometry.to_numpy()
    if simplify:
        geoms = shapely.simplify(geoms, simplify, preserve_topology=True)
        notes.append(tw["simplified"].format(m=simplify))
    geo = gpd.GeoSeries(geoms, crs=p.crs).to_crs(4326).to_numpy()
    geo = _round_geoms(geo, COORD_DECIMALS)
    gj = _geojson_geoms(geo)

    status_words = STATUS_WORDS[lang]
    # one language per page: 出清 on a Chinese page, clear on an English one (legend, popups)
    labels = {a.name: action_word(sc, a.name, lang) for a in sc.actions}
    cost_cols = {a.name: a.cost for a in sc.actions}
    blank = np.full(len(sub), "", dtype=object)
    cols = {
        c: sub[c].to_numpy() if c in sub.columns else blank
        for c in ("parcel_id", "name", "township", "park", "status")
    }
    area = pd.to_numeric(sub["area_mu"], errors="coerce").to_numpy(float)
    action = sub["action"].astype(str).to_numpy()
    elig = sub["eligible_actions"].fillna("").astype(str).to_numpy()
    costs = {
        name: pd.to_numeric(sub[col], errors="coerce").to_numpy(float)
        for name, col in cost_cols.items()
        if col in sub.columns
    }

    programme = _pt.is_programme(plan)
    if programme:  # each step's years, for the year filter (PROGRAMME.md plan-layer columns)

        def years_of(name: str) -> np.ndarray:
            if name not in sub.columns:
                return np.full(len(sub), np.nan)
            return pd.to_numeric(sub[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)

        y1, y1_end, y2 = years_of("year"), years_of("year_end"), years_of("year2")
        a2 = (
            sub["action2"].fillna(NONE).astype(str).to_numpy()
            if "action2" in sub.columns
            else np.full(len(sub), NONE, dtype=object)
        )
        stock = (
            sub["stock"].fillna(False).astype(bool).to_numpy()
            if "stock" in sub.columns
            else np.zeros(len(sub), bool)
        )

    features: dict[str, list[dict[str, Any]]] = {}
    for i in range(len(sub)):
        if gj[i] is None:
            continue
        props: dict[str, Any] = {
            "id": _text(cols["parcel_id"][i]),
            "name": _text(cols["name"][i]),
            "town": _text(cols["township"][i]),
            "park": _text(cols["park"][i]),
            "status": status_words.get(_text(cols["status"][i]), _text(cols["status"][i])),
            "mu": _num(area[i], 2),
        }
        if action[i] != NONE:
            props["action"] = labels.get(action[i], action[i])
            props["cost"] = _num(costs[action[i]][i]) if action[i] in costs else None
            if programme and math.isfinite(y1[i]):
                props["y"] = int(y1[i])
                props["ye"] = int(y1_end[i]) if math.isfinite(y1_end[i]) else int(y1[i])
                if a2[i] != NONE and math.isfinite(y2[i]):
                    props["a2"] = a2[i]
                    props["a2l"] = labels.get(a2[i], a2[i])
                    props["y2"] = int(y2[i])
                if stock[i]:
                    props["stock"] = True
        elif elig[i]:
            props["options"] = [
                [labels.get(n, n), _num(costs[n][i]) if n in costs else None]
                for n in elig[i].split(",")
            ]
        features.setdefault(g[i], []).append(
            {"type": "Feature", "properties": props, "geometry": gj[i]}
        )

    layers: list[dict[str, Any]] = []
    for a in sc.actions:
        s = stats.loc[a.name]
        layers.append(
            {
                "key": a.name,
                "label": labels[a.name],
                "count": count_text(int(s["plots"]), float(s["mu"]), lang),
                "kind": "action",
                "fill": colors[a.name],
                "edge": _darker_hex(colors[a.name]),
                "features": features.get(a.name, []),
                "shown": True,
            }
        )
    for key, fill, edge, label, with_mu in (
        (CANDIDATE, WEB_CANDIDATE_FILL, WEB_CANDIDATE_EDGE, w["candidate"], True),
        (OTHER, OTHER_FILL, "#C9C9C2", w["other"], False),
    ):
        s = stats.loc[key]
        count = count_text(int(s["plots"]), float(s["mu"]) if with_mu else None, lang)
        layers.append(
            {
                "key": key,
                "label": label,
                "count": count,
                "kind": key,
                "fill": fill,
                "edge": edge if key == CANDIDATE else OTHER_EDGE,
                "features": features.get(key, []),
                "shown": bool(features.get(key)),
            }
        )

    outlines: list[dict[str, Any]] = []
    d = read_district(plan, district, crs=4326)
    if d is not None and len(d):
        dgeo = _round_geoms(d.geometry.to_numpy(), 5)
        # a township's (park's) label on a part of it no chosen plot covers
        picked = plan.parcels[plan.parcels["action"].astype(str) != NONE]
        avoid = (
            shapely.union_all(picked.geometry.to_crs(4326).buffer(0).to_numpy())
            if isinstance(picked, gpd.GeoDataFrame) and len(picked)
            else None
        )
        labels_at = gpd.GeoSeries([label_point(g, avoid) for g in d.geometry], crs=4326)
        for kind in ("park", "township", "district"):
            on = (d["kind"] == kind).to_numpy()
            if not on.any():
                continue
            feats = [
                {
                    "type": "Feature",
                    "properties": {
                        "name": name,
                        "at": [round(pt.y, 5), round(pt.x, 5)],
                        "top": [
                            round(geom.bounds[3], 5),
                            round((geom.bounds[0] + geom.bounds[2]) / 2, 5),
                        ],
                    },
                    "geometry": gjg,
                }
                for name, pt, geom, gjg in zip(
                    d["name"].to_numpy()[on],
                    labels_at.to_numpy()[on],
                    dgeo[on],
                    _geojson_geoms(dgeo[on]),
                    strict=True,
                )
            ]
            outlines.append(
                {"key": kind, "label": w[kind], "features": feats, **OUTLINE_STYLE[kind]}
            )

    over, n_blocks = spatial_overlays(plan)
    for key in ("exclude", "priority", "blocks"):
        if key not in over:
            continue
        lines = _round_geoms(over[key].to_crs(4326).to_numpy(), 6)
        outlines.append(
            {
                "key": key,
                "label": tw[key].format(n=n_blocks),
                "features": [
                    {"type": "Feature", "properties": {}, "geometry": g}
                    for g in _geojson_geoms(lines)
                ],
                **OUTLINE_STYLE[key],
            }
        )

    # key-project sites (landopt.project_outputs): outlined, numbered, a popup each
    outlines += project_outputs.webmap_sites(plan, lang)

    b = gpd.GeoSeries(geo, crs=4326).total_bounds if len(geo) else None
    if d is not None and len(d):
        db = d.total_bounds
        b = (
            db
            if b is None
            else [min(b[0], db[0]), min(b[1], db[1]), max(b[2], db[2]), max(b[3], db[3])]
        )
    if b is None:
        b = [0.0, 0.0, 0.0, 0.0]
    bounds = [
        [round(float(b[1]), 6), round(float(b[0]), 6)],
        [round(float(b[3]), 6), round(float(b[2]), 6)],
    ]

    prog = None
    if programme:
        prog = {
            "years": _pt.programme_years(sc),
            "colors": colors,
            "words": i18n.words("webmap_programme.", lang),
        }
    return WebmapData(
        programme=prog,
        title=title if title is not None else plan_title(plan),
        subtitle=plan_subtitle(plan, lang).split(" · "),
        lang=lang,
        layers=layers,
        outlines=outlines,
        bounds=bounds,
        notes=notes,
        footer=source_note(plan, lang, version=False) + " · " + tw["web_note"],
        words={**tw, "mu": w["mu"], "wan": w["wan"], "legend": w["legend"]},
        targets_met=plan.targets_met,
        shown=int(keep.sum()),
        total=total,
        rings=int((plan.parcels["action"].astype(str) != NONE).sum()) <= RING_MAX,
    )


def _darker_hex(color: str, factor: float = 0.7) -> str:
    c = color.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    try:
        r, g, b = (int(c[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return "#333333"
    return "#{:02x}{:02x}{:02x}".format(*(int(v * factor) for v in (r, g, b)))


# --------------------------------------------------------------------------- html
def _vendor(name: str) -> str:
    return (resources.files("landopt") / "_vendor" / "leaflet" / name).read_text(encoding="utf-8")


def leaflet_css() -> str:
    """Leaflet's CSS without comments and with every ``url(…)`` replaced by ``none``.

    The images it names are for markers and the layers button, which landopt does not
    use; without them the page asks for no file.
    """
    css = re.sub(r"/\*.*?\*/", "", _vendor("leaflet.css"), flags=re.S)
    return re.sub(r"url\([^)]*\)", "none", css)


def leaflet_js() -> str:
    """Leaflet's JavaScript as inlined in ``plan.html`` (``</script`` escaped)."""
    return str(_render.inline_script(_vendor("leaflet.js")))


def _tiles(
    tiles: str | None, attribution: str | None, options: dict[str, Any] | None
) -> dict[str, Any] | None:
    if not tiles:
        return None
    if not all(k in tiles for k in ("{z}", "{x}", "{y}")):
        raise InputError(
            f"the tile URL must be a template with {{z}}, {{x}} and {{y}}, got {tiles!r}"
        )
    if _SHIFTED_HOSTS.search(tiles):
        log.warning(
            "these tiles look like AMap/Baidu/Tencent tiles, which use the shifted GCJ-02/BD-09 "
            "systems: parcels in CGCS2000 will appear about 0.5 km off. Tianditu tiles match."
        )
    opts = {"maxZoom": 18, **(options or {})}
    if attribution:
        opts["attribution"] = attribution
    return {"url": tiles, "options": opts}


def webmap_html(
    plan: Plan,
    *,
    tiles: str | None = None,
    tiles_attribution: str | None = None,
    tiles_options: dict[str, Any] | None = None,
    max_features: int = DEFAULT_MAX_FEATURES,
    simplify: float | None = None,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    title: str | None = None,
) -> str:
    """The interactive map as one self-contained HTML document (see :func:`write_webmap`)."""
    lng = map_lang(plan.scenario, lang, need_font=False)
    data = build_webmap_data(
        plan,
        lang=lng,
        max_features=max_features,
        simplify=simplify,
        district=district,
        title=title,
    )
    data.tiles = _tiles(tiles, tiles_attribution, tiles_options)
    return _render.render(
        "plan.html.j2",
        html_lang="zh-CN" if lng == "zh" else "en",
        # the shipped CJK font, for a browser without one (about 1.6 MB; Chinese pages only)
        font_css=font_face_css() if lng == "zh" else "",
        title=data.title,
        leaflet_version=LEAFLET_VERSION,
        leaflet_css=leaflet_css(),
        leaflet_js=_vendor("leaflet.js"),
        data=data.page_data(),
        # the year filter, only on a programme's page (a one-year page is as before)
        programme_js=data.programme is not None,
    )


def write_webmap(
    plan: Plan,
    path: str | Path,
    *,
    tiles: str | None = None,
    tiles_attribution: str | None = None,
    tiles_options: dict[str, Any] | None = None,
    max_features: int = DEFAULT_MAX_FEATURES,
    simplify: float | None = None,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    title: str | None = None,
) -> Path:
    """Write the interactive map of a plan as one HTML file that opens with no network.

    Parameters
    ----------
    plan
        From :func:`landopt.plan.solve` or :func:`landopt.plan.read_plan`.
    path
        The ``.html`` file to write.
    tiles
        A tile URL template (``…{z}…{x}…{y}…``, e.g. Tianditu with your key); default none:
        the map then needs no network at all. AMap/Baidu/Tencent tiles are shifted about
        0.5 km (GCJ-02/BD-09) and draw a warning.
    tiles_attribution, tiles_options
        Attribution text, and Leaflet tile-layer options (``subdomains``, ``maxZoom``, …).
    max_features
        Past this many parcels, leave out those never a candidate, then the unchosen
        candidates if still too many; the chosen parcels are always drawn.
    simplify
        Simplify outlines by this many metres (default: 2 m once parcels are left out,
        else none).
    lang
        ``"zh"`` or ``"en"``; default the scenario's.
    district
        Outlines as in :func:`landopt.maps.plot_plan`.
    title
        Override the scenario's title.

    Returns
    -------
    Path
    """
    text = webmap_html(
        plan,
        tiles=tiles,
        tiles_attribution=tiles_attribution,
        tiles_options=tiles_options,
        max_features=max_features,
        simplify=simplify,
        lang=lang,
        district=district,
        title=title,
    )
    return write_text_atomic(Path(path), text)


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 text through a temporary file beside ``path``."""
    with atomic_file(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return path
