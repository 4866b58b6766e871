"""The printed map of one plan.

:func:`plot_plan` draws one plan on a matplotlib axes: chosen parcels in their action's
colour, candidates that were not chosen in hatched grey, all other parcels very light,
district, township and park outlines, park names, a legend with plots and mu per
action, a scale bar in km, a north arrow, a title and a note on data and CRS.
:func:`save_plan_map` writes it as PNG (300 dpi by default), PDF or SVG.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt import i18n
from landopt.maps.draw import (
    _add_layer,
    _add_layer_lines,
    _display_boxes,
    _draw_outlines,
    _extent,
    _frame,
    _nice_length,
)
from landopt.maps.fonts import _Fonts, _fonts
from landopt.maps.layers import (
    _geo,
    _metres_per_unit,
    _projected,
    plan_subtitle,
    plan_title,
    read_district,
    spatial_overlays,
)
from landopt.maps.save import _save_drawn
from landopt.maps.sheet import (
    _draw_plot_numbers,
    _title_block,
    map_footer,
    paper_inches,
    paper_text_scale,
)
from landopt.maps.sheet import _hits as _overlaps
from landopt.maps.sites import draw_sites
from landopt.maps.style import (
    BLOCK_EDGE,
    CANDIDATE,
    CANDIDATE_EDGE,
    CANDIDATE_FILL,
    OTHER,
    OTHER_EDGE,
    OTHER_FILL,
    RING_BELOW_PT,
    RING_MAX,
    ZONE_COLORS,
    _action_patches,
    _candidate_patch,
    _darker,
    _hatch,
    action_colors,
    count_text,
    group_stats,
    parcel_groups,
    words,
)
from landopt.plan import Plan

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_plan", "save_plan_map"]

log = logging.getLogger(__name__)


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
    numbers: bool = True,
    legend_below: bool = False,
    text_scale: float = 1.0,
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
        met) and the note at the foot (data source, CRS, scenario, date, "landopt";
        :func:`landopt.maps.sheet.map_footer`).
    legend
        Draw the legend (to the right of the axes).
    township_labels, park_labels
        Label townships and parks by name (labels that would overlap are left out).
    furniture
        Draw the scale bar and the north arrow.
    numbers
        Number the chosen plots (:func:`landopt.plan.plot_numbers`, the numbers of the
        report's list and ``summary.xlsx``): inside a plot when the number fits, else
        beside it with a leader line.
    legend_below
        Put the legend under the map instead of to its right (a portrait sheet).
    text_scale
        Every text size (and the offsets around texts) multiplied by it: A4 sizes at 1,
        √2 on A3 (:func:`landopt.maps.sheet.paper_text_scale`; :func:`save_plan_map`
        passes it for its paper).

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    fonts = replace(_fonts(plan.scenario, lang), scale=text_scale)
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
    number_boxes = _draw_plot_numbers(ax, plan, parcels, fonts)[1] if numbers else np.zeros((0, 4))
    # key-project sites: outlined and numbered, clear of the plot numbers
    site_handles, site_boxes = draw_sites(ax, plan, parcels, fonts, number_boxes)
    number_boxes = np.vstack([number_boxes, site_boxes])

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
                "all": np.vstack([_display_boxes(ax, parcels), number_boxes]),
                "chosen": np.vstack([_display_boxes(ax, parcels[on_map]), number_boxes]),
            },
        )

    if legend:
        handles: list[Any] = _action_patches(plan, stats, colors, fonts)
        handles.append(_candidate_patch(plan, stats, lng))
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
        handles += site_handles
        leg = ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.0, -0.03) if legend_below else (1.02, 1.0),
            ncols=2 if legend_below else 1,
            borderaxespad=0.0,
            frameon=False,
            title=w["legend"],
            alignment="left",
            prop=FontProperties(family=fonts.family, size=fonts.pt(9)),
            title_fontproperties=FontProperties(
                family=fonts.family, size=fonts.pt(10), weight="bold"
            ),
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
            fontproperties=FontProperties(family=fonts.family, size=fonts.pt(8)),
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
            fontsize=fonts.pt(12),
            fontweight="bold",
            fontfamily=fonts.family,
            arrowprops={
                "facecolor": "black",
                "edgecolor": "black",
                "width": fonts.pt(3.5),
                "headwidth": fonts.pt(11),
            },
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
        title_text,
        loc="left",
        pad=fonts.pt(22 if sub else 6),
        **fonts.kw(fontsize=15, fontweight="bold"),
    )
    t.set_gid("title")
    st = ax.annotate(
        sub,
        xy=(0, 1),
        xycoords="axes fraction",
        xytext=(0, fonts.pt(6)),
        textcoords="offset points",
        va="bottom",
        ha="left",
        color="#B00020" if not plan.targets_met else "#333333",
        **fonts.kw(fontsize=9.5),
    )
    st.set_gid("subtitle")
    foot = note if note is not None else map_footer(plan, lng)
    ft = ax.annotate(
        foot,
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -fonts.pt(8)),
        textcoords="offset points",
        va="top",
        ha="left",
        color="#666666",
        **fonts.kw(fontsize=7),
    )
    ft.set_gid("source-note")
    return ax


def save_plan_map(
    plan: Plan,
    path: str | Path,
    *,
    dpi: float = 300,
    lang: str | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    figsize: tuple[float, float] | None = None,
    title_block: bool = True,
    **kwargs: Any,
) -> Path:
    """Write the map of a plan: PNG (print resolution by default), PDF or SVG by suffix.

    The sheet is a paper size with the map, its legend, scale bar and north arrow, and a
    title block in the lower right corner (title, compiling unit, map number, drawn by,
    date: the scenario's ``[map]`` table).

    Parameters
    ----------
    path
        ``….png``, ``….pdf`` or ``….svg``.
    dpi
        Resolution of a PNG (and of rasterised layers in PDF/SVG).
    paper, orientation
        ``"A4"`` (297 × 210 mm) or ``"A3"`` (420 × 297 mm); ``"landscape"`` or
        ``"portrait"``.
    figsize
        Inches, instead of a paper size.
    title_block
        Draw the title block.
    **kwargs
        Passed to :func:`plot_plan` (``district``, ``title``, ``note``, …).

    Returns
    -------
    Path
    """
    size = figsize if figsize is not None else paper_inches(paper, orientation)
    portrait = size[1] > size[0]
    # text grows with the sheet (A3: √2 × A4), so the print reads the same from further away
    kwargs.setdefault("text_scale", paper_text_scale(paper) if figsize is None else 1.0)
    fonts = replace(_fonts(plan.scenario, lang), scale=kwargs["text_scale"])

    def draw(fig: Figure) -> None:
        if portrait:
            ax = fig.add_axes((0.05, 0.30, 0.90, 0.62))
            ax.set_anchor("N")  # a wide district at the top, its legend under it
            plot_plan(plan, ax=ax, lang=lang, legend_below=True, **kwargs)
            block = (0.60, 0.025, 0.375, 0.12)
            _fit_footer(fig, ax, 0.975)  # the foot sits above the legend: the page's edge
            _legend_below_foot(ax)
        else:
            ax = fig.add_axes((0.035, 0.075, 0.62, 0.80))
            plot_plan(plan, ax=ax, lang=lang, **kwargs)
            _fit_legend(fig, ax)
            block = (0.70, 0.03, 0.285, 0.16)
            _fit_footer(fig, ax, block[0] - 0.01 if title_block else 0.975)
        if title_block:
            _title_block(fig, plan, fonts, block)

    return _save_drawn(path, size, draw, dpi)


def _fit_footer(fig: Figure, ax: Axes, right: float, smallest: float = 0.7) -> None:
    """Keep the note at the map's foot left of ``right`` (figure fraction: the title block
    or the page's edge), for a long file or scenario name: a smaller font, down to
    ``smallest`` of its size, then two lines split at a ``·``."""
    foot = next((t for t in ax.texts if t.get_gid() == "source-note"), None)
    if foot is None or not foot.get_text():
        return
    # measured at the screen's dpi, drawn at the print's: the text can come out a little
    # wider (the projects demo's note ran 1.4 % into the title block), so aim 2 % short
    limit = right * fig.bbox.width

    def over() -> float:
        bb = foot.get_window_extent()
        return (bb.x1 - limit) / max(bb.width, 1.0) + 0.02

    size = foot.get_fontsize()
    if over() <= 0:
        return
    foot.set_fontsize(max(size * (1 - over()), size * smallest))
    if over() <= 0:
        return
    parts = foot.get_text().split(" · ")
    if len(parts) > 1:
        total = sum(len(p) for p in parts)
        k = min(range(1, len(parts)), key=lambda i: abs(sum(map(len, parts[:i])) - total / 2))
        foot.set_text(" · ".join(parts[:k]) + "\n" + " · ".join(parts[k:]))
        foot.set_fontsize(size)
        foot.set_fontsize(max(size * (1 - max(over(), 0)), size * smallest))


def _legend_below_foot(ax: Axes) -> None:
    """Move a legend drawn under the map below the foot's note when the note is lower."""
    leg = ax.get_legend()
    foot = next((t for t in ax.texts if t.get_gid() == "source-note"), None)
    if leg is None or foot is None or not foot.get_text():
        return
    low = foot.get_window_extent().y0 - ax.get_figure().dpi * 4 / 72  # 4 pt below the note
    top = leg.get_window_extent().y1
    if top > low:
        box = ax.get_window_extent()
        leg.set_bbox_to_anchor((0.0, (low - box.y0) / box.height), transform=ax.transAxes)


def _fit_legend(fig: Figure, ax: Axes) -> None:
    """Narrow the map when its legend would run off the right edge of the page."""
    leg = ax.get_legend()
    if leg is None:
        return
    over = leg.get_window_extent().x1 / fig.bbox.width - 0.985
    if over > 0:
        x, y, w, h = ax.get_position(original=True).bounds
        ax.set_position((x, y, max(w - over, 0.3), h))


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


def _label_spots(geom: Any, kind: str) -> list[_Spot]:
    """Where to try a label: parks just above or below their outline (covering no parcel),
    else at their centre; townships at their pole of inaccessibility, else nearby inside,
    first where they cover no parcel, then where they cover no chosen plot."""
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
    spots = [(pole.x, pole.y), *((p.x, p.y) for p in inside)]
    # a township made of its parcels (no district file) has no free ground: then anywhere
    # off the chosen plots
    return [(x, y, "center", "all") for x, y in spots] + [
        (x, y, "center", "chosen") for x, y in spots
    ]
