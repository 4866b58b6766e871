"""The small multiples of a multi-year programme: one map per year, and the whole programme.

:func:`plot_programme_map` draws, on one sheet, a panel per year of the programme and a
last panel with the whole programme; :func:`save_programme_map` writes it (PNG, PDF or
SVG by suffix) with the print sheet's conventions (paper sizes, text scale, the title
block of :mod:`landopt.maps.sheet`).

In the panel of year *t*:

- a step **started** in *t* is filled in its action's colour; the second step of a
  sequence (re-supply of land cleared earlier) and a stock parcel's re-supply are
  **hatched** in the action's colour instead, so a sequence reads at a glance;
- an action started earlier and still under way in *t* (a two-year upgrade) is outlined
  in its colour, with no fill;
- what was started in earlier years and is complete is filled pale;
- the plots started in *t* carry their plot numbers, the same numbers as the plan map,
  the report and ``summary.xlsx`` (:func:`landopt.plan.plot_numbers`).

The whole-programme panel fills every chosen plot in its first action's colour (hatched
for a stock re-supply), outlines in the second step's colour the plots with a sequence,
and numbers every plot. Each panel's title gives the year and its plots, mu and money
in the year (:mod:`landopt.programme_tables`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt import i18n
from landopt import programme_tables as pt
from landopt.i18n import add_messages
from landopt.maps.draw import _add_layer, _draw_outlines, _extent, _frame
from landopt.maps.fonts import _Fonts, _fonts
from landopt.maps.layers import _geo, _projected, plan_title, read_district
from landopt.maps.save import _save_drawn
from landopt.maps.sheet import (
    _draw_plot_numbers,
    _title_block,
    map_footer,
    paper_inches,
    paper_text_scale,
)
from landopt.maps.style import OTHER_EDGE, OTHER_FILL, _darker, action_colors, action_word, words
from landopt.plan import Plan, plot_numbers

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_programme_map", "save_programme_map"]

add_messages(
    {
        "title": {"en": "Programme by year", "zh": "分年度实施图"},
        "whole": {"en": "Whole programme", "zh": "全部年度"},
        "panel": {
            "en": "{year}: {plots} plots / {mu} mu · {cost} × 10⁴ CNY",
            "zh": "{year} 年：{plots} 宗 / {mu} 亩 · {cost} 万元",
        },
        "started": {"en": "started in the year", "zh": "当年启动"},
        "resupply": {"en": "re-supply (hatched)", "zh": "再供应（斜线）"},
        "under_way": {"en": "under way (outline)", "zh": "续建（轮廓）"},
        "earlier": {"en": "started in an earlier year", "zh": "往年已启动"},
        "sequence": {"en": "then {action} (outline)", "zh": "后续{action}（轮廓）"},
        "legend": {"en": "Legend", "zh": "图例"},
    },
    prefix="maps.programme.",
)

_RESUPPLY_HATCH = "////"


def _panel_layout(n: int) -> tuple[int, int]:
    """Rows and columns of ``n`` panels on a landscape sheet (wider than tall)."""
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    return rows, cols


def _pale(color: str, amount: float = 0.72) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def plot_programme_map(
    plan: Plan,
    *,
    fig: Figure | None = None,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    rect: tuple[float, float, float, float] = (0.02, 0.08, 0.76, 0.82),
    numbers: bool = True,
    text_scale: float = 1.0,
) -> list[Axes]:
    """Draw the programme's small multiples on ``fig``: a panel per year, then the whole.

    Parameters
    ----------
    plan
        A programme plan (:func:`landopt.programme_tables.is_programme`).
    fig
        The figure to draw on; a new A4-landscape one when omitted.
    lang
        ``"zh"`` or ``"en"``; default the scenario's.
    district
        Outlines, as in :func:`landopt.maps.plot_plan`.
    rect
        Where the panels go (figure fraction); the legend sits to their right.
    numbers
        Number the plots (with :func:`landopt.plan.plot_numbers`).

    Returns
    -------
    list of Axes
        One per year, then the whole programme's. Artists carry gids:
        ``started-<action>``, ``resupply-<action>``, ``under-way-<action>``,
        ``earlier-<action>``, ``sequence-<action>``, ``plot-no:<parcel id>``.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Patch

    if fig is None:
        from landopt.maps.save import _new_figure

        fig = _new_figure(paper_inches("A4", "landscape"))
    fonts = replace(_fonts(plan.scenario, lang), scale=text_scale)
    lng = fonts.lang
    sc = plan.scenario
    years = pt.programme_years(sc)
    parcels = _projected(_geo(plan))
    outlines = read_district(plan, district, crs=parcels.crs)
    steps = pt.programme_steps(sc, plan.parcels)
    table = pt.by_year(sc, plan.parcels)
    colors = action_colors(sc)
    nos = plot_numbers(sc, plan.parcels)
    geoms = parcels.geometry.to_numpy()
    ext = _extent(parcels, outlines)
    n = len(years) + 1
    rows, cols = _panel_layout(n)
    x0, y0, w, h = rect
    pw, ph = w / cols, h / rows
    axes: list[Axes] = []
    outline_handles: list[Any] = []
    w_ = words(lng)
    for k, year in enumerate([*years, None]):
        r, c = divmod(k, cols)
        ax = fig.add_axes(
            (x0 + c * pw + 0.006, y0 + (rows - 1 - r) * ph + 0.01, pw - 0.012, ph - 0.05)
        )
        _add_layer(
            ax,
            geoms,
            facecolor=OTHER_FILL,
            edgecolor=OTHER_EDGE,
            linewidth=0.15,
            zorder=1,
            gid="parcels-other",
        )
        outline_handles = _draw_outlines(ax, outlines)
        if year is None:
            show = _draw_whole(ax, steps, geoms, colors, sc, plan.parcels)
        else:
            show = _draw_year(ax, steps, geoms, colors, sc, int(year))
        ax.set_xlim(ext[0], ext[2])
        ax.set_ylim(ext[1], ext[3])
        ax.set_aspect("equal")
        _frame(ax)
        ax.apply_aspect()
        if numbers:
            mask = pd.Series(False, index=plan.parcels.index)
            mask.iloc[sorted(show)] = True
            _draw_plot_numbers(ax, plan, parcels, fonts, nos.where(mask, 0))
        row = table[(table["action"] == pt.TOTAL)]
        row = row[row["year"].isna()] if year is None else row[row["year"] == year]
        r0 = row.iloc[0]
        head = i18n.t(
            "maps.programme.panel",
            lng,
            year=year if year is not None else i18n.t("maps.programme.whole", lng),
            plots=f"{int(r0['plots']):,}",
            mu=f"{float(r0['mu']):,.1f}",
            cost=f"{float(r0['cost_wan']):,.0f}",
        )
        if year is None and lng == "zh":
            head = head.replace(" 年：", "：", 1)
        t = ax.set_title(
            head, loc="left", pad=fonts.pt(3), **fonts.kw(fontsize=8.5, fontweight="bold")
        )
        t.set_gid("panel-title")
        ax.set_gid(f"panel-{year if year is not None else 'whole'}")
        axes.append(ax)

    # one legend for all panels, right of them
    handles: list[Any] = []
    for name in sc.action_names:
        col = colors[name]
        handles.append(
            Patch(facecolor=col, edgecolor=_darker(col), label=action_word(sc, name, lng, fonts))
        )
    grey = "#555555"
    handles += [
        Patch(
            facecolor="white",
            edgecolor=grey,
            hatch=_RESUPPLY_HATCH,
            label=i18n.t("maps.programme.resupply", lng),
        ),
        Patch(
            facecolor="none",
            edgecolor=grey,
            linewidth=1.6,
            label=i18n.t("maps.programme.under_way", lng),
        ),
        Patch(
            facecolor=_pale(grey),
            edgecolor=_pale(grey, 0.4),
            label=i18n.t("maps.programme.earlier", lng),
        ),
        Patch(facecolor=OTHER_FILL, edgecolor="#BDBDB5", label=w_["other"]),
    ]
    for hd in outline_handles:  # district, township, park lines (the last panel's handles)
        hd.set_label(w_[hd.get_label()])
        handles.append(hd)
    leg = fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(x0 + w + 0.01, y0 + h),
        frameon=False,
        title=i18n.t("maps.programme.legend", lng),
        alignment="left",
        prop=FontProperties(family=fonts.family, size=fonts.pt(8.5)),
        title_fontproperties=FontProperties(family=fonts.family, size=fonts.pt(9.5), weight="bold"),
        handlelength=2.2,
        handleheight=1.4,
        labelspacing=0.8,
    )
    leg.set_gid("legend")
    title = f"{plan_title(plan)} · {i18n.t('maps.programme.title', lng)}"
    if not fonts.can_draw(title):
        title = f"{sc.name} · {i18n.t('maps.programme.title', 'en')}"
    ft = fig.text(
        x0,
        y0 + h + 0.035,
        title,
        ha="left",
        va="bottom",
        **fonts.kw(fontsize=14, fontweight="bold"),
    )
    ft.set_gid("title")
    note = fig.text(
        x0,
        0.02,
        map_footer(plan, lng),
        ha="left",
        va="bottom",
        color="#666666",
        **fonts.kw(fontsize=6.5),
    )
    note.set_gid("source-note")
    return axes


def _draw_started(ax: Axes, plain: np.ndarray, resupplied: np.ndarray, col: str, name: str) -> None:
    """Steps started in a panel: filled in the action's colour, re-supplies hatched on white."""
    _add_layer(
        ax, plain, facecolor=col, edgecolor=_darker(col), linewidth=0.8, zorder=6, gid=f"started-{name}"
    )
    _add_layer(
        ax,
        resupplied,
        facecolor="white",
        edgecolor=col,
        hatch=_RESUPPLY_HATCH,
        linewidth=1.0,
        zorder=6,
        gid=f"resupply-{name}",
    )


def _draw_year(
    ax: Axes, steps: pd.DataFrame, geoms: np.ndarray, colors: dict[str, str], sc: Any, year: int
) -> set[int]:
    """One year's panel; the rows of the plots started in it (to number)."""
    start, end = steps["start"].to_numpy(), steps["end"].to_numpy()
    act, row = steps["action"].to_numpy(), steps["row"].to_numpy()
    resupply = steps["resupply"].to_numpy(bool)
    shown: set[int] = set()
    for name in sc.action_names:
        col = colors[name]
        on = act == name
        earlier = on & (end < year)
        under_way = on & (start < year) & (end >= year)
        now = on & (start == year)
        # a parcel re-supplied now was cleared before: its earlier step is not drawn under it
        _add_layer(
            ax,
            geoms[row[earlier]],
            facecolor=_pale(col),
            edgecolor=_pale(col, 0.4),
            linewidth=0.3,
            zorder=3,
            gid=f"earlier-{name}",
        )
        _draw_started(ax, geoms[row[now & ~resupply]], geoms[row[now & resupply]], col, name)
        _add_layer(
            ax,
            geoms[row[under_way]],
            facecolor="none",
            edgecolor=col,
            linewidth=1.6,
            zorder=7,
            gid=f"under-way-{name}",
        )
        shown.update(int(i) for i in row[now])
    return shown


def _draw_whole(
    ax: Axes,
    steps: pd.DataFrame,
    geoms: np.ndarray,
    colors: dict[str, str],
    sc: Any,
    parcels: pd.DataFrame,
) -> set[int]:
    """The whole programme's panel; the rows of every chosen plot."""
    first = steps[steps["stage"] == 0]
    second = steps[steps["stage"] == 1]
    shown: set[int] = set()
    for name in sc.action_names:
        col = colors[name]
        mine = first[first["action"] == name]
        plain = mine["row"][~mine["resupply"]].to_numpy()
        re = mine["row"][mine["resupply"]].to_numpy()
        _draw_started(ax, geoms[plain], geoms[re], col, name)
        then = second[second["action"] == name]["row"].to_numpy()
        _add_layer(
            ax,
            geoms[then],
            facecolor="none",
            edgecolor=col,
            hatch=_RESUPPLY_HATCH,
            linewidth=1.8,
            zorder=7,
            gid=f"sequence-{name}",
        )
        shown.update(int(i) for i in mine["row"])
    return shown


def save_programme_map(
    plan: Plan,
    path: str | Path,
    *,
    dpi: float = 200,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    title_block: bool = True,
    numbers: bool = True,
) -> Path:
    """Write the programme's small multiples (PNG, PDF or SVG by suffix) on a paper sheet."""
    size = paper_inches(paper, orientation)
    scale = paper_text_scale(paper)
    fonts: _Fonts = replace(_fonts(plan.scenario, lang), scale=scale)
    portrait = size[1] > size[0]
    rect = (0.03, 0.2, 0.94, 0.72) if portrait else (0.02, 0.06, 0.78, 0.84)

    def draw(fig: Figure) -> None:
        plot_programme_map(
            plan,
            fig=fig,
            lang=lang,
            district=district,
            rect=rect,
            numbers=numbers,
            text_scale=scale,
        )
        if portrait:
            leg = fig.legends[0]
            leg.set_bbox_to_anchor((0.03, 0.19), transform=fig.transFigure)
        if title_block:
            block = (0.60, 0.025, 0.375, 0.12) if portrait else (0.815, 0.06, 0.17, 0.16)
            _title_block(fig, plan, fonts, block)

    return _save_drawn(path, size, draw, dpi)
