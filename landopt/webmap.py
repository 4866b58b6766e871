"""The interactive map of a plan: one self-contained HTML file that needs no network.

:func:`write_webmap` writes ``plan.html``: Leaflet (vendored, inlined) draws every
parcel coloured by its action; hovering a parcel shows its id, name, township, status,
area, action and cost; a legend lists plots and mu per action and switches each layer
(every action, unchosen candidates, other parcels, outlines) on and off. Nothing is
fetched: no CDN, no fonts, no tiles, unless a tile URL template is passed
(``tiles=``, e.g. your own Tianditu key).

Large layers: past ``max_features`` parcels the map leaves out the parcels that were
never candidates, then (if still too many) the unchosen candidates, simplifies what is
left by ``simplify`` metres, and says so on the map. The chosen parcels are always drawn.
"""

from __future__ import annotations

import html
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

from landopt._atomic import atomic_file
from landopt.errors import InputError
from landopt.maps import (
    BLOCK_EDGE,
    CANDIDATE,
    OTHER,
    OTHER_EDGE,
    OTHER_FILL,
    STATUS_WORDS,
    ZONE_COLORS,
    Lang,
    action_colors,
    action_text,
    count_text,
    group_stats,
    map_lang,
    parcel_groups,
    plan_subtitle,
    plan_title,
    read_district,
    source_note,
    spatial_overlays,
    words,
)
from landopt.plan import NONE, Plan

__all__ = ["DEFAULT_MAX_FEATURES", "LEAFLET_VERSION", "WebmapData", "webmap_html", "write_webmap"]

log = logging.getLogger(__name__)

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

_TIP_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "id": "编号",
        "name": "名称",
        "township": "镇（街道）",
        "park": "园区",
        "status": "现状",
        "area": "面积",
        "action": "措施",
        "cost": "投入",
        "options": "可选措施",
        "none": "未选",
        "layers": "图层",
        "outlines": "边界",
        "exclude": "禁止区",
        "priority": "优先区",
        "blocks": "连片地块群（{n} 个）",
        "dropped_other": "地块过多：{n:,} 宗非候选地块未显示",
        "dropped_candidate": "地块过多：{n:,} 宗候选未选地块未显示",
        "simplified": "边界已简化（{m:g} 米）",
        "web_note": "网页以 Web 墨卡托显示，面积按上述坐标系计算",
    },
    "en": {
        "id": "ID",
        "name": "Name",
        "township": "Township",
        "park": "Park",
        "status": "Status",
        "area": "Area",
        "action": "Action",
        "cost": "Cost",
        "options": "Candidate for",
        "none": "not chosen",
        "layers": "Layers",
        "outlines": "Boundaries",
        "exclude": "exclusion zone",
        "priority": "priority zone",
        "blocks": "blocks ({n})",
        "dropped_other": "Too many parcels: {n:,} parcels that were never candidates are not shown",
        "dropped_candidate": "Too many parcels: {n:,} unchosen candidates are not shown",
        "simplified": "Outlines simplified ({m:g} m)",
        "web_note": "shown in Web Mercator, areas computed in the CRS above",
    },
}


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

    def to_json(self) -> str:
        """Compact JSON, safe to put inside a ``<script>`` element."""
        text = json.dumps(self.__dict__, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        # < > & only occur inside JSON strings; as \u escapes they cannot end the script
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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
    tw = _TIP_WORDS[lang]
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
    labels = {a.name: action_text(sc, a.name, lang) for a in sc.actions}
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
        labels_at = gpd.GeoSeries(d.geometry.representative_point(), crs=4326)
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

    return WebmapData(
        title=title if title is not None else plan_title(plan),
        subtitle=plan_subtitle(plan, lang).split(" · "),
        lang=lang,
        layers=layers,
        outlines=outlines,
        bounds=bounds,
        notes=notes,
        footer=source_note(plan, lang) + " · " + tw["web_note"],
        words={**tw, "mu": w["mu"], "wan": w["wan"], "legend": w["legend"]},
        targets_met=plan.targets_met,
        shown=int(keep.sum()),
        total=total,
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
    """Leaflet's JavaScript, safe to inline in a ``<script>`` element."""
    return _vendor("leaflet.js").replace("</script", "<\\/script")


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
    return _PAGE.format(
        lang="zh-CN" if lng == "zh" else "en",
        title=html.escape(data.title),
        leaflet_css=leaflet_css(),
        css=_CSS,
        leaflet_js=leaflet_js(),
        data=data.to_json(),
        js=_JS,
        leaflet_version=LEAFLET_VERSION,
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


_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="landopt (Leaflet {leaflet_version})">
<title>{title}</title>
<style>
{leaflet_css}
</style>
<style>
{css}
</style>
</head>
<body>
<div id="map" role="application" aria-label="{title}"></div>
<script type="application/json" id="landopt-data">{data}</script>
<script>
{leaflet_js}
</script>
<script>
{js}
</script>
</body>
</html>
"""

_CSS = """
html, body { margin: 0; height: 100%; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "WenQuanYi Micro Hei", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #222; }
#map { position: absolute; inset: 0; background: #fbfbf8; }
.leaflet-container { font: inherit; font-size: 13px; background: #fbfbf8; }
.lo-panel { background: rgba(255,255,255,0.96); padding: 10px 12px; border-radius: 6px;
            box-shadow: 0 1px 5px rgba(0,0,0,0.25); max-width: 360px; max-height: calc(100vh - 40px);
            overflow-y: auto; line-height: 1.35; }
.lo-panel h1 { font-size: 16px; margin: 0 0 2px; }
.lo-panel .lo-sub { font-size: 12px; color: #444; margin: 0 0 8px; }
.lo-panel .lo-sub.unmet { color: #b00020; font-weight: 600; }
.lo-nw { white-space: nowrap; }
.lo-panel h2 { font-size: 12px; margin: 10px 0 4px; color: #555; font-weight: 600;
               text-transform: uppercase; letter-spacing: .03em; }
.lo-row { display: flex; align-items: center; gap: 8px; padding: 2px 0; cursor: pointer;
          font-size: 13px; }
.lo-row input { margin: 0; }
.lo-swatch { width: 18px; height: 12px; border: 1.5px solid; flex: none; box-sizing: border-box; }
.lo-swatch.line { height: 0; border-width: 0; border-top: 2px solid; }
.lo-swatch.dash { height: 0; border-width: 0; border-top: 2px dashed; }
.lo-count { color: #555; white-space: nowrap; margin-left: auto; padding-left: 8px;
            font-variant-numeric: tabular-nums; }
.lo-note { font-size: 12px; color: #8a4b00; background: #fff4e0; padding: 4px 6px; margin: 6px 0 0;
           border-radius: 4px; }
.lo-foot { font-size: 11px; color: #666; background: rgba(255,255,255,0.9); padding: 2px 6px;
           max-width: 70vw; }
.lo-tip { font-size: 13px; line-height: 1.4; }
.lo-tip table { border-collapse: collapse; }
.lo-tip th { text-align: left; font-weight: 600; color: #555; padding: 0 10px 0 0; vertical-align: top; }
.lo-tip td { padding: 0; }
.lo-tip .lo-act { display: inline-block; width: 10px; height: 10px; margin-right: 4px;
                  border: 1px solid #333; vertical-align: baseline; }
.leaflet-tooltip.lo-label { background: transparent; border: 0; box-shadow: none; padding: 0;
  font-weight: 600; color: #3f2270; font-size: 12px;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; white-space: nowrap; }
.leaflet-tooltip.lo-label.town { color: #555; font-weight: 400; font-size: 11px; }
.leaflet-tooltip.lo-label::before { display: none; }
.lo-north { background: rgba(255,255,255,0.9); border-radius: 4px; padding: 2px 6px;
            text-align: center; font-weight: 700; font-size: 13px; line-height: 1.1; }
.leaflet-control-layers-toggle { background-image: none; }
@media (max-width: 1100px) {
  .lo-panel { max-width: 300px; padding: 8px 10px; }
  .lo-panel h1 { font-size: 14px; }
  .lo-row { font-size: 12px; }
  .lo-count { font-size: 11px; }
}
@media print { .lo-panel { box-shadow: none; } }
"""

_JS = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("landopt-data").textContent);
  var W = D.words;
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function num(v, d) {
    if (v == null) { return "–"; }
    return Number(v).toLocaleString(D.lang === "zh" ? "zh-CN" : "en-US",
      {minimumFractionDigits: d, maximumFractionDigits: d});
  }
  var map = L.map("map", {preferCanvas: true, zoomSnap: 0.25, zoomControl: true});
  map.attributionControl.setPrefix("Leaflet");
  if (D.tiles) { L.tileLayer(D.tiles.url, D.tiles.options).addTo(map); }

  var byKey = {}, colorOf = {};
  D.layers.forEach(function (l) { colorOf[l.label] = l.fill; });

  function tip(p, layer) {
    var rows = [[W.id, esc(p.id)], [W.name, esc(p.name)], [W.township, esc(p.town)]];
    if (p.park) { rows.push([W.park, esc(p.park)]); }
    rows.push([W.status, esc(p.status)]);
    rows.push([W.area, num(p.mu, 2) + " " + esc(W.mu)]);
    if (p.action) {
      rows.push([W.action, '<span class="lo-act" style="background:' + esc(layer.fill) + '"></span><b>' +
                 esc(p.action) + "</b>"]);
      rows.push([W.cost, num(p.cost, 1) + " " + esc(W.wan)]);
    } else {
      rows.push([W.action, esc(W.none)]);
      if (p.options) {
        rows.push([W.options, p.options.map(function (o) {
          return esc(o[0]) + " (" + num(o[1], 1) + " " + esc(W.wan) + ")";
        }).join("<br>")]);
      }
    }
    return '<div class="lo-tip"><table>' + rows.map(function (r) {
      return "<tr><th>" + esc(r[0]) + "</th><td>" + r[1] + "</td></tr>";
    }).join("") + "</table></div>";
  }

  function styleOf(l) {
    if (l.kind === "action") {
      return {color: l.edge, weight: 2, fillColor: l.fill, fillOpacity: 0.9};
    }
    if (l.kind === "candidate") {
      return {color: l.edge, weight: 0.8, fillColor: l.fill, fillOpacity: 0.85};
    }
    return {color: l.edge, weight: 0.5, fillColor: l.fill, fillOpacity: 1};
  }

  // outlines below the parcels, zones and blocks above them; labels as permanent tooltips
  var outlineLayers = {}, labels = [];
  map.createPane("lo-above").style.zIndex = 440;  // above the parcels, below the rings
  map.getPane("lo-above").style.pointerEvents = "none";
  D.outlines.forEach(function (o) {
    var style = {color: o.color, weight: o.weight, dashArray: o.dash || null, fill: false};
    var group = L.layerGroup();
    L.geoJSON(o.features, {style: style, interactive: false, pane: o.above ? "lo-above" : "overlayPane"})
      .addTo(group);
    if (o.key === "park" || o.key === "township") {
      o.features.forEach(function (f) {
        if (!f.properties.name) { return; }
        var at = o.key === "park" ? f.properties.top : f.properties.at;
        labels.push(L.tooltip({permanent: true, direction: o.key === "park" ? "top" : "center",
                   className: "lo-label" + (o.key === "township" ? " town" : ""), interactive: false})
          .setLatLng(at).setContent(esc(f.properties.name)).addTo(group));
      });
    }
    group.addTo(map);
    outlineLayers[o.key] = group;
  });

  var order = D.layers.slice().reverse();  // other at the bottom, actions on top
  var hovered = null, rings = {}, RING_ZOOM = 14;
  map.createPane("lo-rings").style.zIndex = 450;  // above the parcels' canvas, below tooltips
  map.getPane("lo-rings").style.pointerEvents = "none";
  order.forEach(function (l) {
    var base = styleOf(l);
    var layer = L.geoJSON({type: "FeatureCollection", features: l.features}, {
      style: function () { return base; },
      onEachFeature: function (f, lyr) {
        lyr.bindTooltip(function () { return tip(f.properties, l); }, {sticky: true, direction: "top", opacity: 0.97});
        lyr.bindPopup(function () { return tip(f.properties, l); });
        lyr.on("mouseover", function () {
          lyr.setStyle({weight: 3, color: "#000"});
          hovered = f.properties.id;
        });
        lyr.on("mouseout", function () { lyr.setStyle(base); hovered = null; });
      }
    });
    byKey[l.key] = layer;
    if (l.shown) { layer.addTo(map); }
    if (l.kind === "action") {
      // a ring around each chosen parcel, while the map is zoomed out too far to see it
      var ring = L.layerGroup();
      layer.eachLayer(function (lyr) {
        L.circleMarker(lyr.getBounds().getCenter(), {radius: 8, color: l.fill, weight: 2, fill: false,
                                                     interactive: false, pane: "lo-rings"}).addTo(ring);
      });
      rings[l.key] = ring;
    }
  });
  function showRings() {
    var far = map.getZoom() < RING_ZOOM;
    Object.keys(rings).forEach(function (k) {
      var want = far && map.hasLayer(byKey[k]);
      if (want && !map.hasLayer(rings[k])) { rings[k].addTo(map); }
      if (!want && map.hasLayer(rings[k])) { map.removeLayer(rings[k]); }
    });
  }
  map.on("zoomend", showRings);

  // legend with a switch per layer
  var Legend = L.Control.extend({
    options: {position: "topright"},
    onAdd: function () {
      var div = L.DomUtil.create("div", "lo-panel");
      div.id = "lo-legend";
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var h = '<h1>' + esc(D.title) + '</h1><p class="lo-sub' + (D.targets_met ? "" : " unmet") + '">' +
        D.subtitle.map(function (s) { return '<span class="lo-nw">' + esc(s) + "</span>"; }).join(" · ") +
        "</p><h2>" + esc(W.layers) + "</h2>";
      D.layers.forEach(function (l) {
        var sw = '<span class="lo-swatch' + "" +
          '" style="background-color:' + esc(l.fill) + ";border-color:" + esc(l.edge) + '"></span>';
        h += '<label class="lo-row" data-layer="' + esc(l.key) + '"><input type="checkbox" data-layer="' +
          esc(l.key) + '"' + (l.shown ? " checked" : "") + (l.features.length ? "" : " disabled") + ">" +
          sw + "<span>" + esc(l.label) + '</span><span class="lo-count">' + esc(l.count) + "</span></label>";
      });
      if (D.outlines.length) {
        h += "<h2>" + esc(W.outlines) + "</h2>";
        D.outlines.forEach(function (o) {
          var cls = o.dash ? "dash" : "line", col = o.color;
          h += '<label class="lo-row" data-outline="' + esc(o.key) + '"><input type="checkbox" data-outline="' +
            esc(o.key) + '" checked><span class="lo-swatch ' + cls + '" style="border-color:' + col +
            '"></span><span>' + esc(o.label) + "</span></label>";
        });
      }
      D.notes.forEach(function (n) { h += '<p class="lo-note">' + esc(n) + "</p>"; });
      div.innerHTML = h;
      div.addEventListener("change", function (e) {
        var t = e.target, lyr = t.dataset.layer ? byKey[t.dataset.layer] : outlineLayers[t.dataset.outline];
        if (!lyr) { return; }
        if (t.checked) { lyr.addTo(map); } else { map.removeLayer(lyr); }
        showRings();
        declutter();
      });
      return div;
    }
  });
  new Legend().addTo(map);

  var North = L.Control.extend({
    options: {position: "topleft"},
    onAdd: function () {
      var d = L.DomUtil.create("div", "lo-north");
      d.id = "lo-north";
      d.innerHTML = "&#9650;<br>N";
      return d;
    }
  });
  new North().addTo(map);
  L.control.scale({metric: true, imperial: false, maxWidth: 160, position: "bottomleft"}).addTo(map);
  var Foot = L.Control.extend({
    options: {position: "bottomright"},
    onAdd: function () {
      var d = L.DomUtil.create("div", "lo-foot");
      d.textContent = D.footer;
      return d;
    }
  });
  new Foot().addTo(map);

  // hide a label that overlaps one shown before it (parks come first, then townships)
  function declutter() {
    var shown = [];
    labels.forEach(function (t) {
      var el = t.getElement();
      if (!el) { return; }
      el.style.visibility = "";
      var r = el.getBoundingClientRect();
      var hit = shown.some(function (q) {
        return r.left < q.right && r.right > q.left && r.top < q.bottom && r.bottom > q.top;
      });
      if (hit) { el.style.visibility = "hidden"; } else { shown.push(r); }
    });
  }
  map.on("zoomend moveend", declutter);

  // keep the district clear of the legend panel on the right
  var panel = document.getElementById("lo-legend");
  var right = panel && panel.offsetWidth < map.getSize().x * 0.5 ? panel.offsetWidth + 20 : 10;
  map.fitBounds(D.bounds, {paddingTopLeft: [40, 10], paddingBottomRight: [right, 24]});
  showRings();
  declutter();

  // for scripts and tests: the map, its layers, and where a parcel is on screen
  window.landopt = {
    map: map,
    layers: byKey,
    rings: rings,
    outlines: outlineLayers,
    hovered: function () { return hovered; },
    pointOf: function (id) {
      var found = null;
      Object.keys(byKey).forEach(function (k) {
        byKey[k].eachLayer(function (lyr) {
          if (!found && lyr.feature && lyr.feature.properties.id === id) { found = lyr; }
        });
      });
      if (!found) { return null; }
      var c = found.getBounds().getCenter();
      var pt = map.latLngToContainerPoint(c);
      return [pt.x, pt.y];
    },
    ready: true
  };
  document.documentElement.setAttribute("data-landopt-ready", "1");
})();
"""
