"""Maps of a plan for print: every parcel coloured by its action, and two plans compared.

:func:`plot_plan` draws one plan on a matplotlib axes: chosen parcels in their action's
colour, candidates that were not chosen in hatched grey, all other parcels very light,
district, township and park outlines, park names, a legend with plots and mu per
action, a scale bar in km, a north arrow, a title and a note on data and CRS.
:func:`save_plan_map` writes it as PNG (300 dpi by default), PDF or SVG.
:func:`plot_comparison` and :func:`save_comparison_map` put two plans side by side with
a map of where they differ.

Chinese labels need a CJK font; :func:`find_cjk_font` looks for one through matplotlib's
font manager. Without one, maps fall back to English labels (with a logged warning that
says how to install a font) rather than print boxes in place of characters.

This is the only module that imports matplotlib, and it does so inside its functions, so
importing :mod:`landopt.maps` (as :mod:`landopt.webmap` and :mod:`landopt.report` do, for
colours, labels and outlines) is cheap.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt import __version__, i18n
from landopt._atomic import atomic_file
from landopt.errors import InputError
from landopt.i18n import LANGS, Lang
from landopt.plan import NONE, Plan
from landopt.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CANDIDATE",
    "CHANGE_CATEGORIES",
    "OKABE_ITO",
    "OTHER",
    "action_colors",
    "compare_plans",
    "find_cjk_font",
    "map_lang",
    "parcel_groups",
    "plot_calibration",
    "plot_comparison",
    "plot_parcel_values",
    "plot_plan",
    "plot_sweep",
    "read_district",
    "save_calibration_plot",
    "save_comparison_map",
    "save_parcel_values",
    "save_plan_map",
    "save_sweep_plot",
]

log = logging.getLogger(__name__)

#: The Okabe–Ito palette, safe for the common forms of colour blindness.
OKABE_ITO: dict[str, str] = {
    "vermillion": "#D55E00",
    "blue": "#0072B2",
    "bluish_green": "#009E73",
    "reddish_purple": "#CC79A7",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: Group of parcels that were candidates for some action but were not chosen.
CANDIDATE = "candidate"
#: Group of parcels that were never a candidate for any action.
OTHER = "other"

#: Fill of candidates not chosen, and of every other parcel.
CANDIDATE_FILL = "#D4D4D4"
CANDIDATE_EDGE = "#8A8A8A"
OTHER_FILL = "#F1F1EE"
OTHER_EDGE = "#DCDCD6"
BOUNDARY = "#4D4D4D"

#: Categories of :func:`compare_plans`, in legend order, with their colours.
CHANGE_CATEGORIES: dict[str, str] = {
    "same": "#5F5F5F",
    "different": OKABE_ITO["reddish_purple"],
    "only_a": OKABE_ITO["orange"],
    "only_b": OKABE_ITO["sky_blue"],
}

#: Families tried in order; the first one matplotlib knows is used for Chinese text.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Noto Sans CJK TC",
)
_CJK_FILE = re.compile(
    r"(NotoSansCJK|NotoSansSC|SourceHanSans|wqy-?(zen|micro)hei|msyh|simhei|PingFang)", re.I
)
FONT_HELP = (
    "install one: 'apt-get install fonts-noto-cjk' (Debian/Ubuntu), "
    "'dnf install google-noto-sans-cjk-fonts' (Fedora), or 'pip install mplfonts' "
    "(ships Noto Sans CJK SC); on Windows Microsoft YaHei is already there"
)

#: Parcel status in words, by language (from the message catalog, ``maps.status.*``).
STATUS_WORDS: dict[str, dict[str, str]] = {lang: i18n.words("maps.status.", lang) for lang in LANGS}


def words(lang: Lang) -> dict[str, str]:
    """The fixed words of maps and reports in ``lang`` (the catalog's ``maps.*`` keys without a dot)."""
    return {k: v for k, v in i18n.words("maps.", lang).items() if "." not in k}


# --------------------------------------------------------------------------- fonts
@functools.cache
def find_cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs, or None when there is none.

    Families in :data:`CJK_FAMILIES` are looked up in matplotlib's font list first.
    Fonts installed after matplotlib built its font cache, and the fonts of the
    ``mplfonts`` package, are then found by file name and added. The answer is cached.
    """
    from matplotlib import font_manager as fm

    def known() -> str | None:
        names = {f.name for f in fm.fontManager.ttflist}
        return next((fam for fam in CJK_FAMILIES if fam in names), None)

    found = known()
    if found:
        return found
    files = list(fm.findSystemFonts())
    spec = importlib.util.find_spec("mplfonts")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            files += [str(p) for p in Path(loc, "fonts").glob("*.[ot]t[fc]")]
    for f in files:
        if _CJK_FILE.search(Path(f).name):
            try:
                fm.fontManager.addfont(f)
            except (OSError, RuntimeError, ValueError) as exc:  # a broken font file
                log.debug("cannot load font %s: %s", f, exc)
    return known()


@functools.cache
def _basic_charmap() -> frozenset[int]:
    """Code points matplotlib's default font (DejaVu Sans) can draw."""
    from matplotlib import font_manager as fm
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(fm.findfont("DejaVu Sans")).get_charmap())


@dataclass(frozen=True)
class _Fonts:
    """The font families for a map and whether a text can be drawn with them."""

    lang: Lang
    cjk: str | None

    @property
    def family(self) -> list[str]:
        return [self.cjk, "DejaVu Sans"] if self.cjk else ["DejaVu Sans"]

    def can_draw(self, text: str) -> bool:
        if self.cjk:
            return True
        chars = _basic_charmap()
        return all(ord(c) in chars or c.isspace() for c in text)

    def kw(self, **more: Any) -> dict[str, Any]:
        return {"fontfamily": self.family, **more}


def map_lang(scenario: Scenario, lang: str | None = None, *, need_font: bool = True) -> Lang:
    """The language of a map's labels: ``lang``, else the scenario's.

    With ``need_font`` (static maps), Chinese falls back to English, with a warning
    saying how to install a font, when :func:`find_cjk_font` finds none.
    """
    want = lang or scenario.lang or "en"
    if want not in ("zh", "en"):
        raise InputError(f"lang must be 'zh' or 'en', got {want!r}")
    if want == "zh" and need_font and find_cjk_font() is None:
        log.warning(
            "no CJK font found, so the map's labels are in English instead of Chinese; %s, "
            "then delete matplotlib's font cache (~/.cache/matplotlib) if the font is still not found",
            FONT_HELP,
        )
        return "en"
    return want  # type: ignore[return-value]


def _fonts(scenario: Scenario, lang: str | None) -> _Fonts:
    chosen = map_lang(scenario, lang)
    return _Fonts(chosen, find_cjk_font())


# --------------------------------------------------------------------------- plan layers
def action_colors(scenario: Scenario) -> dict[str, str]:
    """Colour per action: the scenario's ``color`` when given, else the next Okabe–Ito colour."""
    taken = {a.color.upper() for a in scenario.actions if a.color}
    free = iter([c for c in OKABE_ITO.values() if c.upper() not in taken and c != "#000000"])
    out: dict[str, str] = {}
    for a in scenario.actions:
        out[a.name] = a.color or next(free, "#7F7F7F")
    return out


def action_text(scenario: Scenario, name: str, lang: Lang, fonts: _Fonts | None = None) -> str:
    """How an action is named on a map: ``出清 clear`` in Chinese, ``clear`` in English."""
    a = scenario.action(name)
    drawable = fonts is None or fonts.can_draw(a.label)
    if lang == "zh" and drawable:
        return a.label if a.label == a.name else f"{a.label} {a.name}"
    if a.label and a.label != a.name and a.label.isascii():
        return a.label
    return a.name


def parcel_groups(plan: Plan) -> pd.Series:
    """Map group of each parcel: its action, :data:`CANDIDATE` or :data:`OTHER`."""
    p = plan.parcels
    action = p["action"].astype(str).to_numpy()
    elig = p["eligible_actions"].fillna("").astype(str).to_numpy()
    group = np.where(action != NONE, action, np.where(elig != "", CANDIDATE, OTHER))
    return pd.Series(group, index=p.index, name="group")


def group_stats(plan: Plan) -> pd.DataFrame:
    """Plots and mu per map group (actions in the scenario's order, then candidate, other)."""
    groups = parcel_groups(plan)
    area = pd.to_numeric(plan.parcels["area_mu"], errors="coerce").fillna(0.0)
    order = [*plan.scenario.action_names, CANDIDATE, OTHER]
    rows = [
        {"group": g, "plots": int((groups == g).sum()), "mu": float(area[groups == g].sum())}
        for g in order
    ]
    return pd.DataFrame(rows).set_index("group")


def count_text(n: int, mu: float | None, lang: Lang) -> str:
    """``17 宗 / 560.0 亩`` or ``17 plots / 560.0 mu`` (without the mu when ``mu`` is None)."""
    w = words(lang)
    plots = i18n.t("maps.count.one", lang) if n == 1 else w["plots"]
    if mu is None:
        return f"{n:,} {plots}"
    return f"{n:,} {plots} / {mu:,.1f} {w['mu']}"


def default_district_path(plan: Plan) -> Path | None:
    """``district.geojson`` beside the plan's parcel file, when there is one."""
    # beside the layer the plan was made from; the scenario's own layer only when the plan
    # was made from it (a plan of another layer must not borrow the demo's outlines)
    candidates = []
    if plan.source.get("path"):
        candidates.append(Path(plan.source["path"]).parent)
    elif "path" not in plan.source and plan.scenario.parcels is not None:
        candidates.append(Path(plan.scenario.parcels.path).parent)
    for folder in candidates:
        f = folder / "district.geojson"
        if f.is_file():
            return f
    return None


def read_district(
    plan: Plan, district: gpd.GeoDataFrame | str | Path | bool | None = None, *, crs: Any = None
) -> gpd.GeoDataFrame | None:
    """Outlines to draw under a plan: district, township and park polygons.

    Parameters
    ----------
    district
        A GeoDataFrame or a file; ``None`` looks for ``district.geojson`` beside the
        scenario's parcel file; ``False`` draws no outlines. Features with a ``kind`` of
        ``district``, ``township`` or ``park`` and a ``name`` are drawn as such; a layer
        without ``kind`` is taken as townships.
    crs
        Reproject to this CRS (default: the plan's).

    Returns
    -------
    geopandas.GeoDataFrame or None
        Columns ``kind``, ``name`` and ``geometry``; None when there is nothing to draw.
    """
    if district is False:
        return None
    if district is None or district is True:
        path = default_district_path(plan)
        if path is None:
            return None
        district = path
    if isinstance(district, str | Path):
        try:
            gdf = gpd.read_file(district, engine="pyogrio")
        except Exception as exc:  # pyogrio raises several types for unreadable files
            raise InputError(f"cannot read district outlines {district}: {exc}") from None
    else:
        gdf = district.copy()
    if gdf.crs is None:
        log.warning("district outlines have no CRS, so they are not drawn: set one (EPSG:4326?)")
        return None
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if "kind" not in gdf.columns:
        gdf["kind"] = "township"
    if "name" not in gdf.columns:
        gdf["name"] = ""
    gdf["kind"] = gdf["kind"].astype(str).str.lower()
    gdf["name"] = gdf["name"].fillna("").astype(str)
    out = gdf[["kind", "name", "geometry"]].to_crs(crs or plan.parcels.crs)
    return out.reset_index(drop=True)


def is_demo(plan: Plan) -> bool:
    """Whether the plan is made from landopt's bundled synthetic demo parcels."""
    demo = Path(__file__).resolve().parent.parent / "data" / "parcels.geojson"
    paths = [plan.source.get("path")]
    if plan.scenario.parcels is not None:
        paths.append(str(plan.scenario.parcels.path))
    for p in paths:
        if p:
            try:
                if Path(p).resolve() == demo:
                    return True
            except OSError:
                continue
    return False


def crs_text(crs: Any) -> str:
    """A CRS in words: ``CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548)``."""
    from pyproj import CRS

    if crs is None:
        return "unknown"
    c = CRS.from_user_input(crs)
    epsg = c.to_epsg()
    return f"{c.name} (EPSG:{epsg})" if epsg else c.name


def source_note(plan: Plan, lang: Lang) -> str:
    """Data source, CRS and landopt version, for the foot of a map."""
    w = words(lang)
    if is_demo(plan):
        data = w["demo"]
    else:
        path = plan.source.get("path") or (
            str(plan.scenario.parcels.path) if plan.scenario.parcels else ""
        )
        data = Path(path).name if path else i18n.t("maps.note.no_file", lang)
        sha = plan.source.get("sha256")
        if sha:
            data += f" (SHA-256 {sha[:12]}…)"
    sep = i18n.t("maps.punct.colon", lang)
    return (
        f"{w['data']}{sep}{data} · {w['crs']}{sep}{crs_text(plan.parcels.crs)}"
        f" · landopt {__version__}"
    )


def plan_title(plan: Plan) -> str:
    """The scenario's title (or name), with its year when the title does not say it."""
    sc = plan.scenario
    title = sc.title or sc.name
    if sc.year is not None and str(sc.year) not in title:
        title = f"{title} ({sc.year})"
    return title


def plan_subtitle(plan: Plan, lang: Lang) -> str:
    """Totals and whether the targets are met, in one line."""
    w = words(lang)
    stats = group_stats(plan)
    chosen = stats.loc[list(plan.scenario.action_names)]
    total = plan.summary[plan.summary["action"] == "total"]
    cost = float(total["cost_wan"].iloc[0]) if len(total) else float("nan")
    benefit = float(total["benefit_wan"].iloc[0]) if len(total) else float("nan")
    sep = i18n.t("maps.punct.colon", lang)
    parts = [
        f"{w['total']} {count_text(int(chosen['plots'].sum()), float(chosen['mu'].sum()), lang)}",
        f"{w['cost']}{sep}{cost:,.1f} {w['wan']}",
    ]
    if benefit:
        parts.append(f"{w['benefit']}{sep}{benefit:,.1f} {w['wan']}")
    parts.append(w["met"] if plan.targets_met else w["unmet"])
    if not plan.result.proven_optimal:
        gap = plan.result.gap
        parts.append(w["not_optimal"] + (f" (gap {gap:.2%})" if gap is not None else ""))
    return " · ".join(parts)


# --------------------------------------------------------------------------- drawing
def _geo(plan: Plan) -> gpd.GeoDataFrame:
    """The plan's parcels, which must have geometry to be mapped."""
    p = plan.parcels
    if not isinstance(p, gpd.GeoDataFrame) or p.geometry.name not in p.columns:
        raise InputError("the plan's parcels have no geometry, so there is nothing to map")
    return p


def _extent(parcels: gpd.GeoDataFrame, district: gpd.GeoDataFrame | None) -> np.ndarray:
    b = np.asarray(parcels.total_bounds, dtype=float)
    if district is not None and len(district):
        d = np.asarray(district.total_bounds, dtype=float)
        b = np.array([min(b[0], d[0]), min(b[1], d[1]), max(b[2], d[2]), max(b[3], d[3])])
    dx, dy = b[2] - b[0], b[3] - b[1]
    pad = 0.04 * max(dx, dy, 1.0)
    return np.array([b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad])


def _metres_per_unit(crs: Any) -> float | None:
    """Metres per map unit of a projected CRS (None for a geographic or unknown one)."""
    from pyproj import CRS

    if crs is None:
        return None
    c = CRS.from_user_input(crs)
    if not c.is_projected:
        return None
    factor = c.axis_info[0].unit_conversion_factor if c.axis_info else 1.0
    return float(factor or 1.0)


def _projected(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The layer in a projected CRS (its own, or the local UTM zone for lon/lat)."""
    if gdf.crs is not None and _metres_per_unit(gdf.crs) is None:
        return gdf.to_crs(gdf.estimate_utm_crs())
    return gdf


def _nice_length(span_m: float) -> float:
    """A round scale-bar length of about a fifth of ``span_m`` metres."""
    target = max(span_m / 5.0, 1e-9)
    exp = 10 ** math.floor(math.log10(target))
    for m in (5, 2, 1):
        if m * exp <= target:
            return m * exp
    return exp


#: Hatch of unchosen candidates; past this many they are drawn plain (hatching would be noise).
HATCH = "//////"
HATCH_MAX = 5_000
#: Chosen parcels smaller than this on paper (points) get a ring around them.
RING_BELOW_PT = 5.0


def _hatch(plan: Plan) -> str | None:
    n = int((parcel_groups(plan) == CANDIDATE).sum())
    return HATCH if n <= HATCH_MAX else None


#: Zone outlines, dashed: exclusion red, priority green.
ZONE_COLORS = {"exclude": "#C0392B", "priority": "#1E8449"}
#: Outline of a block of chosen plots (and the cleared land they join): dark brown, apart
#: from the black district line and the clearance colour.
BLOCK_EDGE = "#5B2C06"


def spatial_overlays(
    plan: Plan, parcels: gpd.GeoDataFrame | None = None
) -> tuple[dict[str, gpd.GeoSeries], int]:
    """Outlines the spatial rules add to a map, as lines in the parcels' (projected) CRS.

    Returns the lines by key (present only when there is something to draw): ``"exclude"``
    and ``"priority"`` (zone boundaries) and ``"blocks"`` (with a compactness penalty, the
    outline of each block of chosen plots and the cleared land it joins), and the number of
    blocks. Used by the static and the web map.
    """
    import shapely

    if parcels is None:
        parcels = _projected(_geo(plan))
    sc = plan.scenario
    out: dict[str, list[Any]] = {}
    n_blocks = 0
    if sc.spatial.zones:
        from landopt.zones import zone_polygons

        for z in sc.spatial.zones:
            try:
                poly = zone_polygons(z, parcels, sc)
            except InputError as exc:  # a zone the map cannot find is not worth failing the map
                log.warning("not drawing zone %r: %s", z.name, exc)
                continue
            if not poly.is_empty:
                out.setdefault(z.kind, []).extend(shapely.get_parts(shapely.boundary(poly)))
    if sc.spatial.active and "action" in plan.parcels:
        from landopt.adjacency import adjacency

        opts = sc.spatial
        acts = list(opts.boundary_actions or sc.action_names)
        chosen = plan.parcels["action"].astype(str).isin(acts).to_numpy()
        inner = plan.parcels["status"].astype(str).isin(opts.inner_status).to_numpy()
        adj = adjacency(parcels, tolerance=opts.tolerance_m)
        block = adj.components(chosen | inner)
        geoms = parcels.geometry.to_numpy()
        ids = np.unique(block[chosen])
        n_blocks = len(ids)
        for b in ids:
            merged = shapely.union_all(shapely.buffer(geoms[block == b], 0.6, join_style="mitre"))
            out.setdefault("blocks", []).extend(shapely.get_parts(shapely.boundary(merged)))
    lines = {k: gpd.GeoSeries(np.asarray(v, dtype=object), crs=parcels.crs) for k, v in out.items()}
    return {k: v for k, v in lines.items() if len(v)}, n_blocks


def _draw_spatial(ax: Axes, plan: Plan, parcels: gpd.GeoDataFrame, fonts: _Fonts) -> list[Any]:
    """Zones (exclusion red, priority green, dashed) and, with a compactness penalty, the
    outline of each block of chosen plots and the cleared land they join; legend handles."""
    from matplotlib.lines import Line2D

    handles: list[Any] = []
    over, n = spatial_overlays(plan, parcels)
    for kind in ("exclude", "priority"):
        if kind not in over:
            continue
        color = ZONE_COLORS[kind]
        _add_layer_lines(
            ax, over[kind].to_numpy(), color=color, linewidth=1.4, linestyle=(0, (4, 2)), zorder=6
        )
        label = i18n.t(f"maps.zone.{kind}", fonts.lang)
        handles.append(
            Line2D([], [], color=color, linewidth=1.4, linestyle=(0, (4, 2)), label=label)
        )
    if "blocks" in over:
        _add_layer_lines(ax, over["blocks"].to_numpy(), color=BLOCK_EDGE, linewidth=1.8, zorder=7)
        handles.append(
            Line2D(
                [],
                [],
                color=BLOCK_EDGE,
                linewidth=1.6,
                label=i18n.t("maps.zone.blocks", fonts.lang, n=n),
            )
        )
    return handles


def _add_layer_lines(ax: Axes, lines: Any, **style: Any) -> None:
    """Draw line geometries as one collection."""
    import shapely
    from matplotlib.collections import LineCollection

    segs = [
        np.asarray(shapely.get_coordinates(g)) for g in lines if g is not None and not g.is_empty
    ]
    if segs:
        ax.add_collection(LineCollection(segs, **style))


#: Above this many chosen plots, small ones are not ringed (the rings would hide the map).
RING_MAX = 500


def _ring_small_parcels(
    ax: Axes, plan: Plan, parcels: gpd.GeoDataFrame, groups: pd.Series, colors: dict[str, str]
) -> bool:
    """Ring the chosen parcels too small to see at the map's scale; True when any were.

    Past :data:`RING_MAX` chosen plots (a city or province layer) rings would cover the
    map, so none are drawn and a warning says so: chosen plots then read as their colour.
    """
    g = groups.to_numpy()
    drawn = False
    n_chosen = int(np.isin(g, list(plan.scenario.action_names)).sum())
    if n_chosen > RING_MAX:
        log.warning(
            "%d chosen plots: too many to ring the small ones on a printed map; none are ringed",
            n_chosen,
        )
        return False
    for name in plan.scenario.action_names:
        sub = parcels[g == name]
        if not len(sub):
            continue
        boxes = _display_boxes(ax, sub)
        size_pt = (
            np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]) * 72.0 / ax.figure.dpi
        )
        small = size_pt < RING_BELOW_PT
        if not small.any():
            continue
        pts = sub.geometry[small].representative_point()
        ax.plot(
            pts.x.to_numpy(),
            pts.y.to_numpy(),
            linestyle="none",
            marker="o",
            markersize=9,
            markerfacecolor="none",
            markeredgecolor=colors[name],
            markeredgewidth=1.5,
            zorder=7,
            gid=f"rings-{name}",
        )
        drawn = True
    return drawn


def _compound_path(geoms: Any) -> Any:
    """One matplotlib Path holding every polygon of ``geoms`` (holes as holes)."""
    import shapely
    from matplotlib.path import Path as MplPath

    arr = np.asarray(geoms, dtype=object)
    arr = arr[~shapely.is_missing(arr) & ~shapely.is_empty(arr)]
    polys = shapely.get_parts(arr)
    polys = polys[shapely.get_type_id(polys) == 3]  # polygons only (points/lines are not parcels)
    if not len(polys):
        return MplPath(np.zeros((0, 2)))
    polys = shapely.orient_polygons(polys)
    _, coords, (ring_offsets, _) = shapely.to_ragged_array(polys)
    codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
    codes[ring_offsets[:-1]] = MplPath.MOVETO
    codes[ring_offsets[1:] - 1] = MplPath.CLOSEPOLY
    return MplPath(coords, codes)


def _add_layer(ax: Axes, geoms: Any, *, gid: str | None = None, **style: Any) -> Any:
    """Draw polygons as one patch (fast, and one element in SVG/PDF); return the patch."""
    from matplotlib.patches import PathPatch

    path = _compound_path(geoms)
    patch = PathPatch(path, **style)
    if gid:
        patch.set_gid(gid)
    # add_artist, not add_patch: add_patch finds the data limits by walking every segment
    # in Python (9 of 10 s of a 100k-parcel map); the vertices' min/max is the same here,
    # since parcel paths are straight lines.
    ax.add_artist(patch)
    if len(path.vertices):
        v = path.vertices
        ax.update_datalim(np.array([v.min(axis=0), v.max(axis=0)]))
        ax.autoscale_view()
    return patch


def _draw_parcel_layers(
    ax: Axes,
    plan: Plan,
    groups: pd.Series,
    colors: dict[str, str],
    *,
    parcels: gpd.GeoDataFrame,
    rasterize: bool,
) -> None:
    """Other parcels, then unchosen candidates, then the chosen ones on top."""
    g = groups.to_numpy()
    geoms = parcels.geometry.to_numpy()
    _add_layer(
        ax,
        geoms[g == OTHER],
        facecolor=OTHER_FILL,
        edgecolor=OTHER_EDGE,
        linewidth=0.2,
        zorder=1,
        rasterized=rasterize,
        gid="parcels-other",
    )
    _add_layer(
        ax,
        geoms[g == CANDIDATE],
        facecolor=CANDIDATE_FILL,
        edgecolor=CANDIDATE_EDGE,
        linewidth=0.25,
        hatch=_hatch(plan),
        zorder=2,
        rasterized=rasterize,
        gid="parcels-candidate",
    )
    for name in plan.scenario.action_names:
        _add_layer(
            ax,
            geoms[g == name],
            facecolor=colors[name],
            edgecolor=_darker(colors[name]),
            linewidth=0.9,
            zorder=6,
            gid=f"parcels-{name}",
        )


def _frame(ax: Axes) -> None:
    """No ticks or axis labels (geopandas adds them), a thin grey neat line."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color("#808080")


def _darker(color: str, factor: float = 0.7) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return (r * factor, g * factor, b * factor)


def _draw_outlines(ax: Axes, district: gpd.GeoDataFrame | None) -> list[Any]:
    """District, township and park outlines; legend handles (labelled by kind) for those drawn."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    if district is None or not len(district):
        return handles
    kinds = district["kind"].to_numpy()
    geoms = district.geometry.to_numpy()
    park = {"edgecolor": "#6A3D9A", "linewidth": 0.8, "linestyle": (0, (4, 2))}
    town = {"color": BOUNDARY, "linewidth": 0.55, "linestyle": (0, (6, 2, 1, 2))}
    whole = {"color": "#1A1A1A", "linewidth": 1.6}
    if (kinds == "park").any():
        _add_layer(ax, geoms[kinds == "park"], facecolor="none", zorder=3, gid="parks", **park)
        handles.append(Patch(facecolor="none", label="park", **park))
    if (kinds == "township").any():
        _add_layer(
            ax,
            geoms[kinds == "township"],
            facecolor="none",
            edgecolor=town["color"],
            linewidth=town["linewidth"],
            linestyle=town["linestyle"],
            zorder=4,
            gid="townships",
        )
        handles.append(Line2D([], [], label="township", **town))
    if (kinds == "district").any():
        _add_layer(
            ax,
            geoms[kinds == "district"],
            facecolor="none",
            edgecolor=whole["color"],
            linewidth=whole["linewidth"],
            zorder=8,
            gid="district",
        )
        handles.append(Line2D([], [], label="district", **whole))
    return handles


#: A label position: x, y (data units), where the text sits (``above``, ``below`` or
#: ``center`` of the point), and which parcels it must not cover (``all`` or ``chosen``).
_Spot = tuple[float, float, str, str]


def _place_labels(
    ax: Axes,
    items: Sequence[tuple[Sequence[_Spot], str, dict[str, Any]]],
    obstacles: dict[str, np.ndarray],
) -> list[Any]:
    """Draw labels in priority order, each at the first of its spots that is free.

    A spot is free when the label there stays inside the axes and overlaps neither a label
    drawn before nor the spot's obstacles (display-space boxes ``x0, y0, x1, y1``). A
    label with no free spot is left out rather than drawn over something.
    """
    import matplotlib.patheffects as pe

    placed: list[Any] = []
    taken = np.zeros((0, 4))
    frame = ax.get_window_extent()
    offsets = {"above": (3, "bottom"), "below": (-3, "top"), "center": (0, "center")}
    for spots, text, style in items:
        for x, y, where, avoid in spots:
            dy, va = offsets[where]
            t = ax.annotate(
                text,
                xy=(x, y),
                xytext=(0, dy),
                textcoords="offset points",
                ha="center",
                va=va,
                zorder=9,
                annotation_clip=True,
                path_effects=[pe.withStroke(linewidth=2.4, foreground="white")],
                **style,
            )
            bb = t.get_window_extent().expanded(1.04, 1.1)
            box = np.array([bb.x0, bb.y0, bb.x1, bb.y1])
            inside = (
                box[0] >= frame.x0
                and box[1] >= frame.y0
                and box[2] <= frame.x1
                and box[3] <= frame.y1
            )
            if inside and not _overlaps(box, taken) and not _overlaps(box, obstacles[avoid]):
                taken = np.vstack([taken, box])
                placed.append(t)
                break
            t.remove()
    return placed


def _overlaps(box: np.ndarray, boxes: np.ndarray) -> bool:
    if not len(boxes):
        return False
    return bool(
        (
            (boxes[:, 0] < box[2])
            & (boxes[:, 2] > box[0])
            & (boxes[:, 1] < box[3])
            & (boxes[:, 3] > box[1])
        ).any()
    )


def _display_boxes(ax: Axes, gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Display-space bounding boxes ``x0, y0, x1, y1`` of a layer's features."""
    if not len(gdf):
        return np.zeros((0, 4))
    b = gdf.geometry.bounds.to_numpy()
    lo = ax.transData.transform(b[:, :2])
    hi = ax.transData.transform(b[:, 2:])
    return np.hstack([np.minimum(lo, hi), np.maximum(lo, hi)])


def _label_spots(geom: Any, kind: str) -> list[_Spot]:
    """Where to try a label: parks just above or below their outline (covering no parcel),
    else at their centre; townships at their pole of inaccessibility, else nearby inside."""
    import shapely
    from shapely.ops import polylabel

    x0, y0, x1, y1 = geom.bounds
    cx = (x0 + x1) / 2
    if kind == "park":
        pt = geom.representative_point()
        return [
            (cx, y1, "above", "all"),
            (cx, y0, "below", "all"),
            (pt.x, pt.y, "center", "all"),
            (cx, y1, "above", "chosen"),
            (pt.x, pt.y, "center", "chosen"),
        ]
    poly = max(shapely.get_parts(geom), key=lambda g: g.area)
    pole = polylabel(poly, tolerance=max(x1 - x0, y1 - y0) / 200)
    gx, gy = np.meshgrid(np.linspace(x0, x1, 9)[1:-1], np.linspace(y0, y1, 9)[1:-1])
    pts = shapely.points(gx.ravel(), gy.ravel())
    inside = pts[shapely.contains(poly, pts)]
    inside = sorted(inside, key=lambda p: p.distance(pole))
    return [(pole.x, pole.y, "center", "all")] + [(p.x, p.y, "center", "all") for p in inside]


def plot_plan(
    plan: Plan,
    *,
    ax: Axes | None = None,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    note: str | None = None,
    legend: bool = True,
    township_labels: bool = True,
    park_labels: bool = True,
    furniture: bool = True,
) -> Axes:
    """Draw a plan: parcels by action, outlines, labels, legend, scale bar, north arrow.

    Parameters
    ----------
    plan
        From :func:`landopt.plan.solve` or :func:`landopt.plan.read_plan`.
    ax
        Axes to draw on; a new A4-landscape figure when omitted.
    lang
        ``"zh"`` or ``"en"``; default the scenario's. Chinese needs a CJK font
        (:func:`find_cjk_font`); without one the labels fall back to English.
    district
        District, township and park outlines: a GeoDataFrame or a file; default
        ``district.geojson`` beside the scenario's parcel file; ``False`` for none.
    title, subtitle, note
        Override the title (scenario title and year), the line under it (totals, targets
        met) and the note at the foot (data source, CRS, landopt version).
    legend
        Draw the legend (to the right of the axes).
    township_labels, park_labels
        Label townships and parks by name (labels that would overlap are left out).
    furniture
        Draw the scale bar and the north arrow.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    fonts = _fonts(plan.scenario, lang)
    lng = fonts.lang
    w = words(lng)
    if ax is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(11.69, 8.27))
        ax = fig.add_axes((0.03, 0.07, 0.64, 0.80))

    parcels = _projected(_geo(plan))
    outlines = read_district(plan, district, crs=parcels.crs)
    groups = parcel_groups(plan)
    colors = action_colors(plan.scenario)
    stats = group_stats(plan)
    rasterize = len(parcels) > 20_000

    _draw_parcel_layers(ax, plan, groups, colors, parcels=parcels, rasterize=rasterize)
    outline_handles = _draw_outlines(ax, outlines)
    spatial_handles = _draw_spatial(ax, plan, parcels, fonts)

    ext = _extent(parcels, outlines)
    ax.set_xlim(ext[0], ext[2])
    ax.set_ylim(ext[1], ext[3])
    ax.set_aspect("equal")
    _frame(ax)
    ax.set_facecolor("white")
    ax.apply_aspect()
    ringed = _ring_small_parcels(ax, plan, parcels, groups, colors)

    # labels: parks first (bold, beside their outline), then townships (grey), each only
    # where it covers no parcel (a park's last resort: no chosen parcel) and no other label
    items: list[tuple[Sequence[_Spot], str, dict[str, Any]]] = []
    if outlines is not None:
        park_style = fonts.kw(fontsize=7.5, color="#3F2270", fontweight="bold")
        town_style = fonts.kw(fontsize=7, color="#595959")
        for kind, show, style in (
            ("park", park_labels, park_style),
            ("township", township_labels, town_style),
        ):
            if not show:
                continue
            sub = outlines[(outlines["kind"] == kind) & (outlines["name"] != "")]
            sub = sub.assign(_a=sub.geometry.area).sort_values("_a", ascending=False)
            for geom, name in zip(sub.geometry, sub["name"], strict=True):
                if fonts.can_draw(name):
                    items.append((_label_spots(geom, kind), name, style))
    if items:
        on_map = np.isin(groups.to_numpy(), list(plan.scenario.action_names))
        _place_labels(
            ax,
            items,
            {
                "all": _display_boxes(ax, parcels),
                "chosen": _display_boxes(ax, parcels[on_map]),
            },
        )

    if legend:
        handles: list[Any] = []
        for name in plan.scenario.action_names:
            s = stats.loc[name]
            handles.append(
                Patch(
                    facecolor=colors[name],
                    edgecolor=_darker(colors[name]),
                    label=f"{action_text(plan.scenario, name, lng, fonts)} — "
                    f"{count_text(int(s['plots']), float(s['mu']), lng)}",
                )
            )
        s = stats.loc[CANDIDATE]
        handles.append(
            Patch(
                facecolor=CANDIDATE_FILL,
                edgecolor=CANDIDATE_EDGE,
                hatch=_hatch(plan),
                label=f"{w['candidate']} — {count_text(int(s['plots']), float(s['mu']), lng)}",
            )
        )
        s = stats.loc[OTHER]
        handles.append(
            Patch(
                facecolor=OTHER_FILL,
                edgecolor="#BDBDB5",
                label=f"{w['other']} — {count_text(int(s['plots']), None, lng)}",
            )
        )
        if ringed:
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="o",
                    markersize=9,
                    markerfacecolor="none",
                    markeredgecolor="#333333",
                    markeredgewidth=1.5,
                    label=w["rings"],
                )
            )
        for h in outline_handles:
            h.set_label(w[h.get_label()])
            handles.append(h)
        handles += spatial_handles
        leg = ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            borderaxespad=0.0,
            frameon=False,
            title=w["legend"],
            alignment="left",
            prop=FontProperties(family=fonts.family, size=9),
            title_fontproperties=FontProperties(family=fonts.family, size=10, weight="bold"),
            handlelength=2.2,
            handleheight=1.4,
            labelspacing=0.9,
        )
        leg.set_gid("legend")

    if furniture:
        span = (ext[2] - ext[0]) * (_metres_per_unit(parcels.crs) or 1.0)
        length_m = _nice_length(span)
        units = length_m / (_metres_per_unit(parcels.crs) or 1.0)
        label = f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"
        bar = AnchoredSizeBar(
            ax.transData,
            units,
            label,
            loc="lower left",
            pad=0.6,
            borderpad=0.8,
            sep=3,
            frameon=True,
            size_vertical=(ext[3] - ext[1]) * 0.006,
            color="black",
            fontproperties=FontProperties(family=fonts.family, size=8),
        )
        bar.patch.set_facecolor("white")
        bar.patch.set_alpha(0.85)
        bar.patch.set_edgecolor("none")
        bar.set_gid("scale-bar")
        bar.set_zorder(10)
        ax.add_artist(bar)
        arrow = ax.annotate(
            "N",
            xy=(0.955, 0.965),
            xytext=(0.955, 0.875),
            xycoords="axes fraction",
            textcoords="axes fraction",
            ha="center",
            va="center",
            fontsize=12,
            fontweight="bold",
            fontfamily=fonts.family,
            arrowprops={"facecolor": "black", "edgecolor": "black", "width": 3.5, "headwidth": 11},
            zorder=10,
            bbox={"boxstyle": "circle,pad=0.25", "facecolor": "white", "edgecolor": "none"},
        )
        arrow.set_gid("north-arrow")

    title_text = title if title is not None else plan_title(plan)
    if not fonts.can_draw(title_text):
        title_text = plan.scenario.name + (
            f" ({plan.scenario.year})" if plan.scenario.year is not None else ""
        )
    sub = subtitle if subtitle is not None else plan_subtitle(plan, lng)
    t = ax.set_title(
        title_text, loc="left", pad=22 if sub else 6, **fonts.kw(fontsize=15, fontweight="bold")
    )
    t.set_gid("title")
    st = ax.annotate(
        sub,
        xy=(0, 1),
        xycoords="axes fraction",
        xytext=(0, 6),
        textcoords="offset points",
        va="bottom",
        ha="left",
        color="#B00020" if not plan.targets_met else "#333333",
        **fonts.kw(fontsize=9.5),
    )
    st.set_gid("subtitle")
    foot = note if note is not None else source_note(plan, lng)
    ft = ax.annotate(
        foot,
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -8),
        textcoords="offset points",
        va="top",
        ha="left",
        color="#666666",
        **fonts.kw(fontsize=7),
    )
    ft.set_gid("source-note")
    return ax


# --------------------------------------------------------------------------- saving
_FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}


def _format(path: Path) -> str:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"cannot tell the map format from {path.name!r}: end the name in .png, .pdf or .svg"
        )
    return fmt


def _new_figure(size: tuple[float, float]) -> Figure:
    """A figure outside pyplot (nothing global, nothing to close), drawn with Agg."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, path: Path, dpi: float) -> Path:
    """Save through a temporary file beside ``path``, so a failed save leaves nothing."""
    fmt = _format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path) as tmp:
        meta = (
            {"Software": f"landopt {__version__}"}
            if fmt == "png"
            else {"Creator": f"landopt {__version__}"}
        )
        fig.savefig(tmp, format=fmt, dpi=dpi, facecolor="white", metadata=meta)
    return path


def save_plan_map(
    plan: Plan,
    path: str | Path,
    *,
    dpi: float = 300,
    lang: str | None = None,
    figsize: tuple[float, float] = (11.69, 8.27),
    **kwargs: Any,
) -> Path:
    """Write the map of a plan: PNG (print resolution by default), PDF or SVG by suffix.

    Parameters
    ----------
    path
        ``….png``, ``….pdf`` or ``….svg``.
    dpi
        Resolution of a PNG (and of rasterised layers in PDF/SVG).
    figsize
        Inches; A4 landscape by default.
    **kwargs
        Passed to :func:`plot_plan` (``district``, ``title``, ``note``, …).

    Returns
    -------
    Path
    """
    path = Path(path)
    _format(path)
    fig = _new_figure(figsize)
    ax = fig.add_axes((0.035, 0.075, 0.62, 0.80))
    plot_plan(plan, ax=ax, lang=lang, **kwargs)
    _fit_legend(fig, ax)
    return _save(fig, path, dpi)


def _fit_legend(fig: Figure, ax: Axes) -> None:
    """Narrow the map when its legend would run off the right edge of the page."""
    leg = ax.get_legend()
    if leg is None:
        return
    over = leg.get_window_extent().x1 / fig.bbox.width - 0.985
    if over > 0:
        x, y, w, h = ax.get_position(original=True).bounds
        ax.set_position((x, y, max(w - over, 0.3), h))


# --------------------------------------------------------------------------- comparison
def compare_plans(plan_a: Plan, plan_b: Plan) -> gpd.GeoDataFrame:
    """Parcel by parcel, how two plans differ.

    Parcels are matched by ``parcel_id``. ``change`` is ``same`` (chosen in both, same
    action), ``different`` (chosen in both, different actions), ``only_a``, ``only_b``
    or ``neither``.

    Returns
    -------
    geopandas.GeoDataFrame
        ``parcel_id``, ``action_a``, ``action_b``, ``change``, ``area_mu`` and geometry
        (from plan A, else B), in plan A's CRS.
    """
    a = plan_a.parcels[["parcel_id", "area_mu", "action", "geometry"]].copy()
    b = plan_b.parcels[["parcel_id", "area_mu", "action", "geometry"]].copy()
    if b.crs != a.crs and b.crs is not None and a.crs is not None:
        b = b.to_crs(a.crs)
    a["parcel_id"] = a["parcel_id"].astype(str)
    b["parcel_id"] = b["parcel_id"].astype(str)
    m = pd.merge(
        pd.DataFrame(a), pd.DataFrame(b), on="parcel_id", how="outer", suffixes=("_a", "_b")
    )
    missing = int(m["action_a"].isna().sum() + m["action_b"].isna().sum())
    if missing:
        log.warning(
            "the two plans share %d parcel ids; %d parcels are in only one of them",
            int((m["action_a"].notna() & m["action_b"].notna()).sum()),
            missing,
        )
    aa = m["action_a"].fillna(NONE).astype(str).to_numpy()
    bb = m["action_b"].fillna(NONE).astype(str).to_numpy()
    on_a, on_b = aa != NONE, bb != NONE
    change = np.select(
        [on_a & on_b & (aa == bb), on_a & on_b, on_a, on_b],
        ["same", "different", "only_a", "only_b"],
        default="neither",
    )
    geom = m["geometry_a"].where(m["geometry_a"].notna(), m["geometry_b"])
    area = m["area_mu_a"].where(m["area_mu_a"].notna(), m["area_mu_b"])
    return gpd.GeoDataFrame(
        {
            "parcel_id": m["parcel_id"],
            "action_a": aa,
            "action_b": bb,
            "change": change,
            "area_mu": pd.to_numeric(area, errors="coerce"),
        },
        geometry=gpd.GeoSeries(geom.to_numpy(), crs=a.crs),
        crs=a.crs,
    )


def _plan_name(plan: Plan, fonts: _Fonts) -> str:
    t = plan_title(plan)
    return t if fonts.can_draw(t) else plan.scenario.name


def plot_comparison(
    plan_a: Plan,
    plan_b: Plan,
    *,
    ax: Axes | Sequence[Axes] | None = None,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    title: str | None = None,
) -> list[Axes]:
    """Two plans side by side and a map of where they differ.

    Parameters
    ----------
    plan_a, plan_b
        The plans, over the same parcels (matched by ``parcel_id``).
    ax
        Three axes (A, B, difference); or one axes for the difference map alone; a new
        figure with three panels when omitted.
    lang, district
        As in :func:`plot_plan` (outlines and language follow plan A).
    title
        A title over the whole figure (when the figure is made here).

    Returns
    -------
    list of matplotlib.axes.Axes
        The axes drawn: ``[a, b, difference]``, or ``[difference]``.
    """
    from matplotlib.axes import Axes as _Axes
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Patch

    fonts = _fonts(plan_a.scenario, lang)
    lng = fonts.lang
    w = words(lng)
    made = ax is None
    if ax is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(16.54, 7.2))
        axes: list[Axes] = _comparison_axes(fig)
    elif isinstance(ax, _Axes):
        axes = [ax]
    else:
        axes = list(ax)
        if len(axes) != 3:
            raise InputError(
                f"plot_comparison wants one axes or three (A, B, difference), got {len(axes)}"
            )
    outlines = read_district(plan_a, district, crs=_projected(plan_a.parcels).crs)
    drawn: list[Axes] = []
    if len(axes) == 3:
        for letter, plan, a in (("A", plan_a, axes[0]), ("B", plan_b, axes[1])):
            plot_plan(
                plan,
                ax=a,
                lang=lng,
                district=outlines if outlines is not None else False,
                title=f"{letter}: {_plan_name(plan, fonts)}",
                subtitle="",
                note="",
                legend=False,
                township_labels=False,
                furniture=letter == "A",
            )
            _small_legend(a, plan, fonts)
            drawn.append(a)
        diff_ax = axes[2]
    else:
        diff_ax = axes[0]

    cmp = _projected(compare_plans(plan_a, plan_b))
    change = cmp["change"].to_numpy()
    geoms = cmp.geometry.to_numpy()
    _add_layer(
        diff_ax,
        geoms[change == "neither"],
        facecolor=OTHER_FILL,
        edgecolor=OTHER_EDGE,
        linewidth=0.2,
        zorder=1,
        gid="change-neither",
    )
    handles = []
    area = cmp["area_mu"].fillna(0.0).to_numpy()
    for cat, color in CHANGE_CATEGORIES.items():
        on = change == cat
        _add_layer(
            diff_ax,
            geoms[on],
            facecolor=color,
            edgecolor=_darker(color),
            linewidth=0.9,
            zorder=6,
            gid=f"change-{cat}",
        )
        handles.append(
            Patch(
                facecolor=color,
                edgecolor=_darker(color),
                label=f"{w[cat]} — {count_text(int(on.sum()), float(area[on].sum()), lng)}",
            )
        )
    _draw_outlines(diff_ax, outlines)
    ext = _extent(cmp, outlines)
    diff_ax.set_xlim(ext[0], ext[2])
    diff_ax.set_ylim(ext[1], ext[3])
    diff_ax.set_aspect("equal")
    _frame(diff_ax)
    t = diff_ax.set_title(
        f"{w['difference']}: A ↔ B", loc="left", pad=6, **fonts.kw(fontsize=15, fontweight="bold")
    )
    t.set_gid("title")
    leg = diff_ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.02),
        frameon=False,
        prop=FontProperties(family=fonts.family, size=8.5),
        handlelength=2.0,
        handleheight=1.2,
    )
    leg.set_gid("legend")
    drawn.append(diff_ax)
    if made:
        fig = diff_ax.get_figure()
        assert fig is not None
        _comparison_header(fig, plan_a, plan_b, fonts, title)
    return drawn


def _comparison_header(
    fig: Figure, plan_a: Plan, plan_b: Plan, fonts: _Fonts, title: str | None
) -> None:
    """Title over the three panels and the data note at their foot."""
    head = title or words(fonts.lang)["comparison"]
    t = fig.suptitle(head, x=0.02, ha="left", **fonts.kw(fontsize=14, fontweight="bold"))
    t.set_gid("suptitle")
    fig.text(0.02, 0.015, source_note(plan_a, fonts.lang), color="#666666", **fonts.kw(fontsize=7))


def _comparison_axes(fig: Figure) -> list[Axes]:
    width, gap, left = 0.305, 0.02, 0.02
    axes = [fig.add_axes((left + i * (width + gap), 0.24, width, 0.64)) for i in range(3)]
    for ax in axes:
        ax.set_anchor("N")  # maps flush with their titles, legends right under the maps
    return axes


def _small_legend(ax: Axes, plan: Plan, fonts: _Fonts) -> None:
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Patch

    lng = fonts.lang
    stats = group_stats(plan)
    colors = action_colors(plan.scenario)
    handles = [
        Patch(
            facecolor=colors[n],
            edgecolor=_darker(colors[n]),
            label=f"{action_text(plan.scenario, n, lng, fonts)} — "
            f"{count_text(int(stats.loc[n, 'plots']), float(stats.loc[n, 'mu']), lng)}",
        )
        for n in plan.scenario.action_names
    ]
    s = stats.loc[CANDIDATE]
    handles.append(
        Patch(
            facecolor=CANDIDATE_FILL,
            edgecolor=CANDIDATE_EDGE,
            hatch=_hatch(plan),
            label=f"{words(lng)['candidate']} — {count_text(int(s['plots']), float(s['mu']), lng)}",
        )
    )
    leg = ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.02),
        frameon=False,
        prop=FontProperties(family=fonts.family, size=8.5),
        handlelength=2.0,
        handleheight=1.2,
    )
    leg.set_gid("legend")


def save_comparison_map(
    plan_a: Plan,
    plan_b: Plan,
    path: str | Path,
    *,
    dpi: float = 300,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = (16.54, 7.2),
) -> Path:
    """Write :func:`plot_comparison` as PNG, PDF or SVG (by suffix).

    Parameters
    ----------
    path
        ``….png``, ``….pdf`` or ``….svg``.
    dpi
        Resolution of a PNG.
    lang, district, title
        As in :func:`plot_comparison`.
    figsize
        Inches; the width of A3 landscape by default.

    Returns
    -------
    Path
    """
    path = Path(path)
    _format(path)
    fig = _new_figure(figsize)
    fonts = _fonts(plan_a.scenario, lang)
    plot_comparison(plan_a, plan_b, ax=_comparison_axes(fig), lang=fonts.lang, district=district)
    _comparison_header(fig, plan_a, plan_b, fonts, title)
    return _save(fig, path, dpi)


# --------------------------------------------------------------------------- analysis charts
#: The unit of a swept key, by its last part (words in the catalog: ``maps.key.*``, ``maps.unit.*``).
_KEY_UNITS = {
    "area_min": "mu",
    "area_max": "mu",
    "count": "plots",
    "count_min": "plots",
    "count_max": "plots",
    "budget": "wan",
    "total": "wan",
}


def _key_words(key: str, lang: Lang, scenario: Scenario | None = None) -> tuple[str, str]:
    """A varied TOML key in words and its unit, e.g. ``("出清 面积下限", "亩")``."""
    parts = key.split(".")
    last = parts[-1]
    if last in _KEY_UNITS:
        what, unit = i18n.t(f"maps.key.{last}", lang), i18n.t(f"maps.unit.{_KEY_UNITS[last]}", lang)
    else:
        what, unit = (last if lang == "zh" else last.replace("_", " ")), ""
    action = parts[1] if parts[0] == "actions" and len(parts) > 2 else ""
    if action and scenario is not None and action in scenario.action_names and lang == "zh":
        action = scenario.action(action).label
    return f"{action} {what}".strip(), unit


def plot_sweep(
    result: Any,
    *,
    axes: Sequence[Axes] | None = None,
    lang: str | None = None,
    scenario: Scenario | None = None,
) -> list[Axes]:
    """The cost curve of a one-key sweep and the marginal cost of each step.

    Parameters
    ----------
    result
        A :class:`landopt.analysis.SweepResult` over one key.
    axes
        Two axes (curve, marginal); new ones on a fresh figure when omitted.
    scenario
        For the language and font (Chinese labels need a CJK font).

    Returns
    -------
    list of Axes
        The curve's axes and the marginal cost's axes.
    """
    if len(result.keys) != 1:
        raise InputError(
            "plot_sweep draws a sweep over one key; plot two-key grids from result.table"
        )
    key = result.keys[0]
    t = result.table
    fonts = _fonts(scenario, lang) if scenario is not None else _Fonts("en", None)
    lng = fonts.lang
    if axes is None:
        fig = _new_figure((8.27, 6.5))
        axes = fig.subplots(
            2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2], "hspace": 0.08}
        )
    ax, ax2 = axes
    feasible = t["objective"].notna()
    x = t[key].to_numpy(float)
    ax.plot(
        x[feasible],
        t.loc[feasible, "objective"],
        marker="o",
        color=OKABE_ITO["blue"],
        lw=2,
        label=i18n.t("maps.sweep.objective", lng),
    )
    bad = ~feasible.to_numpy()
    if bad.any():
        top = float(t.loc[feasible, "objective"].max()) if feasible.any() else 1.0
        ax.scatter(
            x[bad],
            np.full(bad.sum(), top),
            marker="x",
            s=60,
            color=OKABE_ITO["vermillion"],
            zorder=3,
            label=i18n.t("maps.sweep.infeasible", lng),
        )
        first = x[bad].min()
        ax.axvspan(
            first - (x[1] - x[0]) / 2 if len(x) > 1 else first,
            x.max() + ((x[1] - x[0]) / 2 if len(x) > 1 else 1),
            color=OKABE_ITO["vermillion"],
            alpha=0.08,
            lw=0,
        )
    money = i18n.t("maps.unit.wan", lng)
    what, unit = _key_words(key, lng, scenario)
    ax.set_ylabel(i18n.t("maps.sweep.ylabel", lng, money=money), **fonts.kw())
    ax.grid(alpha=0.3)
    ax.legend(prop={"family": fonts.family}, frameon=False, loc="upper left")
    ax.set_title(
        i18n.t("maps.sweep.title", lng, key=what),
        loc="left",
        **fonts.kw(fontsize=12, fontweight="bold"),
    )
    marginal = t["marginal"].to_numpy(float) if "marginal" in t else np.full(len(t), np.nan)
    ok = np.isfinite(marginal)
    width = (x[1] - x[0]) * 0.6 if len(x) > 1 else 1.0
    ax2.bar(x[ok], marginal[ok], width=width, color=OKABE_ITO["orange"], edgecolor="none")
    per = i18n.t("maps.sweep.marginal", lng, money=money, unit=unit)
    ax2.set_ylabel(per, **fonts.kw())
    ax2.set_xlabel(f"{what} ({unit})", **fonts.kw())
    ax2.grid(alpha=0.3, axis="y")
    for a in (ax, ax2):
        for s in ("top", "right"):
            a.spines[s].set_visible(False)
    return [ax, ax2]


def save_sweep_plot(
    result: Any,
    path: str | Path,
    *,
    dpi: float = 200,
    lang: str | None = None,
    scenario: Scenario | None = None,
) -> Path:
    """Write :func:`plot_sweep` as PNG, PDF or SVG (by suffix)."""

    def draw(fig: Figure) -> None:
        axes = fig.subplots(
            2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2], "hspace": 0.08}
        )
        plot_sweep(result, axes=axes, lang=lang, scenario=scenario)

    return _save_chart(path, (8.27, 6.5), draw, dpi, left=0.13, right=0.97, top=0.93, bottom=0.09)


def plot_parcel_values(
    plan: Plan,
    values: pd.Series,
    *,
    ax: Axes | None = None,
    label: str = "",
    lang: str | None = None,
    cmap: str = "viridis",
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
) -> Axes:
    """Parcels coloured by a value (e.g. replacement cost or selection frequency).

    ``values`` is indexed by ``parcel_id``; parcels without a value are drawn light grey,
    infinite values (irreplaceable parcels) in black with their own legend entry.
    """
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch

    fonts = _fonts(plan.scenario, lang)
    if ax is None:
        ax = _new_figure((11.69, 8.27)).add_subplot()
    geo = _geo(plan)
    dist = read_district(plan, district, crs=geo.crs)
    _draw_outlines(ax, dist)
    v = pd.to_numeric(geo["parcel_id"].astype(str).map(values), errors="coerce").to_numpy(float)
    has = np.isfinite(v)
    inf = np.isinf(v)
    _add_layer(
        ax, geo.geometry[~has & ~inf], facecolor="#eeeeee", edgecolor="#d0d0d0", linewidth=0.2
    )
    norm = Normalize(
        vmin=np.nanmin(v[has]) if has.any() else 0.0, vmax=np.nanmax(v[has]) if has.any() else 1.0
    )
    mapper = ScalarMappable(norm=norm, cmap=cmap)
    for i in np.flatnonzero(has):
        _add_layer(
            ax,
            geo.geometry.iloc[[i]],
            facecolor=mapper.to_rgba(v[i]),
            edgecolor="#333333",
            linewidth=0.3,
        )
    if inf.any():
        _add_layer(ax, geo.geometry[inf], facecolor="#000000", edgecolor="#000000", linewidth=0.3)
        ax.legend(
            handles=[
                Patch(
                    facecolor="black",
                    label=i18n.t("maps.values.irreplaceable", fonts.lang),
                )
            ],
            prop={"family": fonts.family},
            loc="lower left",
            frameon=False,
        )
    ext = _extent(geo, dist)
    ax.set_xlim(ext[0], ext[2])
    ax.set_ylim(ext[1], ext[3])
    ax.set_aspect("equal")
    ax.set_axis_off()
    cb = ax.figure.colorbar(mapper, ax=ax, shrink=0.6, pad=0.01)
    cb.set_label(label, **fonts.kw())
    _value_dots(ax, geo, v, mapper)
    return ax


def save_parcel_values(
    plan: Plan,
    values: pd.Series,
    path: str | Path,
    *,
    label: str = "",
    dpi: float = 200,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
) -> Path:
    """Write :func:`plot_parcel_values` as PNG, PDF or SVG (by suffix), with the plan's title."""
    path = Path(path)
    _format(path)
    fig = _new_figure((11.69, 8.27))
    ax = fig.add_subplot()
    plot_parcel_values(plan, values, ax=ax, label=label, lang=lang, district=district)
    fonts = _fonts(plan.scenario, lang)
    ax.set_title(
        f"{plan_title(plan)} · {label}", loc="left", **fonts.kw(fontsize=13, fontweight="bold")
    )
    return _save(fig, path, dpi)


def _value_dots(ax: Axes, geo: gpd.GeoDataFrame, v: np.ndarray, mapper: Any) -> None:
    """Plots are small at district scale: a dot in each valued parcel's colour makes it legible."""
    has, inf = np.isfinite(v), np.isinf(v)
    for mask, colors in ((has, mapper.to_rgba(v[has])), (inf, "black")):
        if mask.any():
            pts = geo.geometry[mask].representative_point()
            ax.scatter(pts.x, pts.y, s=55, c=colors, edgecolors="#222222", linewidths=0.7, zorder=5)


def plot_calibration(
    result: Any,
    *,
    ax: Axes | None = None,
    lang: str | None = None,
    scenario: Scenario | None = None,
) -> Axes:
    """The cost–boundary trade-off of a boundary-weight calibration, with the knee marked.

    Parameters
    ----------
    result
        From :func:`landopt.analysis.calibrate`.
    """
    t = result.table.dropna(subset=["boundary_km"])
    fonts = _fonts(scenario, lang) if scenario is not None else _Fonts("en", None)
    lng = fonts.lang
    if ax is None:
        ax = _new_figure((8.27, 5.8)).add_subplot()
    ax.plot(t["boundary_km"], t["cost_total"], marker="o", color=OKABE_ITO["blue"], lw=2)
    # weights that give the same plan share one label ("1500, 2500")
    same = t.groupby([t["boundary_km"].round(6), t["cost_total"].round(6)], sort=False)[
        "spatial.boundary_weight"
    ]
    for (bkm, cost), ws in same:
        label = ", ".join(f"{w:g}" for w in ws)
        ax.annotate(
            label,
            (bkm, cost),
            textcoords="offset points",
            xytext=(6, 4),
            fontsize=8,
            color="#444444",
        )
    knee = t[t["knee"]]
    if len(knee):
        ax.scatter(
            knee["boundary_km"],
            knee["cost_total"],
            s=220,
            facecolors="none",
            edgecolors=OKABE_ITO["vermillion"],
            linewidths=2,
            zorder=4,
        )
        k = knee.iloc[0]
        text = i18n.t(
            "maps.calibration.knee",
            lng,
            weight=k["spatial.boundary_weight"],
            blocks=int(k["blocks"]),
        )
        ax.annotate(
            text,
            (k["boundary_km"], k["cost_total"]),
            textcoords="offset points",
            xytext=(14, -18),
            color=OKABE_ITO["vermillion"],
            **fonts.kw(fontsize=10),
        )
    money = i18n.t("maps.unit.wan", lng)
    ax.set_xlabel(i18n.t("maps.calibration.xlabel", lng), **fonts.kw())
    ax.set_ylabel(i18n.t("maps.calibration.ylabel", lng, money=money), **fonts.kw())
    ax.set_title(
        i18n.t("maps.calibration.title", lng),
        loc="left",
        **fonts.kw(fontsize=12, fontweight="bold"),
    )
    ax.grid(alpha=0.3)
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    return ax


def save_calibration_plot(
    result: Any,
    path: str | Path,
    *,
    dpi: float = 200,
    lang: str | None = None,
    scenario: Scenario | None = None,
) -> Path:
    """Write :func:`plot_calibration` as PNG, PDF or SVG (by suffix)."""

    def draw(fig: Figure) -> None:
        plot_calibration(result, ax=fig.add_subplot(), lang=lang, scenario=scenario)

    return _save_chart(path, (8.27, 5.8), draw, dpi, left=0.12, right=0.96, top=0.9, bottom=0.11)


def _save_chart(
    path: str | Path, size: tuple[float, float], draw: Any, dpi: float, **margins: float
) -> Path:
    """A chart on a fresh figure, drawn by ``draw(fig)`` and saved by suffix (PNG, PDF, SVG)."""
    path = Path(path)
    _format(path)
    fig = _new_figure(size)
    draw(fig)
    fig.subplots_adjust(**margins)
    return _save(fig, path, dpi)
