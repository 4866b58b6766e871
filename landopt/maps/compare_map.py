"""Two plans compared: parcel by parcel (:func:`compare_plans`) and on a map.

:func:`plot_comparison` puts the two plans side by side with a map of where they differ
(same action, different actions, only in A, only in B); :func:`save_comparison_map`
writes it as PNG, PDF or SVG.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt.errors import InputError
from landopt.maps.draw import _add_layer, _draw_outlines, _extent, _frame
from landopt.maps.fonts import _Fonts, _fonts
from landopt.maps.layers import _projected, plan_title, read_district
from landopt.maps.plan_map import plot_plan
from landopt.maps.save import _save_drawn
from landopt.maps.sheet import map_footer
from landopt.maps.style import (
    CHANGE_CATEGORIES,
    OTHER_EDGE,
    OTHER_FILL,
    _action_patches,
    _candidate_patch,
    _darker,
    action_colors,
    count_text,
    group_stats,
    words,
)
from landopt.plan import NONE, Plan

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["compare_plans", "plot_comparison", "save_comparison_map"]

log = logging.getLogger(__name__)


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
    _legend_below(diff_ax, handles, fonts)
    drawn.append(diff_ax)
    if made:
        fig = diff_ax.get_figure()
        assert fig is not None
        _comparison_header(fig, plan_a, plan_b, fonts, title)
    return drawn


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

    def draw(fig: Figure) -> None:
        fonts = _fonts(plan_a.scenario, lang)
        axes = _comparison_axes(fig)
        plot_comparison(plan_a, plan_b, ax=axes, lang=fonts.lang, district=district)
        _comparison_header(fig, plan_a, plan_b, fonts, title)

    return _save_drawn(path, figsize, draw, dpi)


def _plan_name(plan: Plan, fonts: _Fonts) -> str:
    t = plan_title(plan)
    return t if fonts.can_draw(t) else plan.scenario.name


def _comparison_header(
    fig: Figure, plan_a: Plan, plan_b: Plan, fonts: _Fonts, title: str | None
) -> None:
    """Title over the three panels and the data note at their foot."""
    head = title or words(fonts.lang)["comparison"]
    t = fig.suptitle(head, x=0.02, ha="left", **fonts.kw(fontsize=14, fontweight="bold"))
    t.set_gid("suptitle")
    foot = map_footer(plan_a, fonts.lang, scenario=False)
    fig.text(0.02, 0.015, foot, color="#666666", **fonts.kw(fontsize=7))


def _comparison_axes(fig: Figure) -> list[Axes]:
    width, gap, left = 0.305, 0.02, 0.02
    axes = [fig.add_axes((left + i * (width + gap), 0.24, width, 0.64)) for i in range(3)]
    for ax in axes:
        ax.set_anchor("N")  # maps flush with their titles, legends right under the maps
    return axes


def _small_legend(ax: Axes, plan: Plan, fonts: _Fonts) -> None:
    """Under plan A's or B's panel: plots and mu per action, and the candidates not chosen."""
    stats = group_stats(plan)
    handles = _action_patches(plan, stats, action_colors(plan.scenario), fonts)
    handles.append(_candidate_patch(plan, stats, fonts.lang))
    _legend_below(ax, handles, fonts)


def _legend_below(ax: Axes, handles: list[Any], fonts: _Fonts) -> None:
    """A comparison panel's legend, right under its map."""
    from matplotlib.font_manager import FontProperties

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
