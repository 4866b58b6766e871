"""The map of a ``plan-many`` run: every district, coloured by the share of its targets met.

:func:`save_province_map` draws the districts' footprints (the hull of each district's
parcels, :func:`landopt.districts.footprints_of`) on an A4-landscape sheet, each filled by
its share of target met (red 0 → green 1) and labelled with its code, with the title, a
colour bar and the foot every landopt map carries (data source, CRS, scenario, date,
"landopt": :func:`landopt.maps.sheet.map_footer`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np

from landopt import i18n
from landopt.maps.fonts import _fonts
from landopt.maps.layers import _projected
from landopt.maps.save import _save_drawn
from landopt.maps.sheet import map_footer, paper_inches
from landopt.maps.style import words

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_province_map", "province_footer", "save_province_map"]


def province_footer(result: Any, lang: str) -> str:
    """The foot of the province map: that of its first district's plan, naming the folder of
    layers instead of one district's file when the districts came from several files."""
    plans = [d.plan for d in result.districts if d.plan is not None]
    if not plans:
        return i18n.t("print.footer.made_with", lang)
    foot = map_footer(plans[0], lang)
    paths = {str(p.source.get("path") or "") for p in plans}
    if len(paths) > 1 and all(paths):
        first = Path(str(plans[0].source.get("path")))
        folder = Path(os.path.commonpath(sorted(paths))).name
        w = words(lang)
        sep = i18n.t("maps.punct.colon", lang)
        foot = foot.replace(f"{w['data']}{sep}{first.name}", f"{w['data']}{sep}{folder}/", 1)
    return foot


def plot_province_map(result: Any, *, fig: Figure | None = None, lang: str | None = None) -> Figure:
    """Draw the map of every district of ``result`` (a :class:`landopt.districts.ManyResult`)
    on ``fig`` (a new A4-landscape figure when omitted) and return the figure.

    Artists carry gids: ``districts``, ``code:<code>``, ``title``, ``source-note``.
    """
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    if fig is None:
        from landopt.maps.save import _new_figure

        fig = _new_figure(paper_inches("A4", "landscape"))
    fonts = _fonts(result.scenario, lang)
    lg = fonts.lang
    fp = _projected(gpd.GeoDataFrame(geometry=result.footprints)).geometry  # lon/lat: UTM
    share = result.summary.set_index("district")["met_share"]
    ax = fig.add_axes((0.03, 0.08, 0.82, 0.82))
    cmap = colormaps["RdYlGn"]
    values = np.array([float(share.get(c, 0.0)) for c in fp.index])
    fp.plot(ax=ax, color=[cmap(v) for v in values], edgecolor="#333333", linewidth=0.6, gid="districts")
    for code, geom in fp.items():
        c = geom.representative_point()
        ax.annotate(str(code), (c.x, c.y), ha="center", va="center", gid=f"code:{code}", **fonts.kw(fontsize=6))
    ax.set_axis_off()
    ax.set_aspect("equal")
    cax = fig.add_axes((0.88, 0.25, 0.02, 0.5))
    bar = fig.colorbar(ScalarMappable(cmap=cmap, norm=Normalize(0, 1)), cax=cax)
    bar.set_label(i18n.t("districts.map_legend", lg), **fonts.kw(fontsize=8))
    title = i18n.t("districts.map_title", lg, name=result.scenario.title or result.scenario.name)
    if not fonts.can_draw(title):
        title = i18n.t("districts.map_title", "en", name=result.scenario.name)
    fig.text(0.03, 0.93, title, ha="left", va="bottom", gid="title", **fonts.kw(fontsize=13, fontweight="bold"))
    foot = province_footer(result, lg)
    fig.text(0.03, 0.02, foot if fonts.can_draw(foot) else "landopt", ha="left", va="bottom",
             color="#666666", gid="source-note", **fonts.kw(fontsize=6.5))  # fmt: skip
    return fig


def save_province_map(result: Any, path: str | Path, lang: str | None = None, *, dpi: float = 150) -> Path:
    """Write :func:`plot_province_map` (PNG, PDF or SVG by suffix); return the path."""
    return _save_drawn(path, paper_inches("A4", "landscape"), lambda fig: plot_province_map(result, fig=fig, lang=lang), dpi)
