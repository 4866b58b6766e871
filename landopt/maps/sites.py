"""Key-project sites on the print map: a thick outline around each site, its number.

:func:`draw_sites` draws one dissolved outline per landed site
(:func:`landopt.project_outputs.site_outlines`) over the action fills, in a colour no action
uses, on a white casing so it reads on every fill, and the site's number (the
``site_no`` of ``projects.csv``, the report and ``summary.xlsx``) in a circle: at the
site's representative point when that spot is free of plot numbers, else beside the site
with a leader line, on the first free spot of the ring the plot numbers use
(:func:`landopt.maps.sheet._free_spot`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import shapely

from landopt import i18n
from landopt.maps.draw import _add_layer_lines
from landopt.maps.fonts import _Fonts
from landopt.maps.sheet import _free_spot, _hits
from landopt.plan import Plan

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["draw_sites"]


def draw_sites(
    ax: Axes, plan: Plan, parcels: gpd.GeoDataFrame, fonts: _Fonts, taken: np.ndarray
) -> tuple[list[Any], np.ndarray]:
    """Outline and number the key-project sites; the legend handles and the numbers' boxes.

    ``parcels``: the plan's parcels in the map's CRS; ``taken``: display boxes of the
    numbers drawn before (the plot numbers), which a site number does not cover. Nothing
    is drawn (``[]``, no boxes) for a plan without key projects. The outline collection
    has the gid ``project-sites``, each number ``site-no:<n>``.
    """
    import matplotlib.patheffects as pe
    from matplotlib.lines import Line2D

    from landopt import project_outputs as po

    empty = np.zeros((0, 4))
    if not po.has_projects(plan):
        return [], empty
    sites = po.site_outlines(plan, parcels)
    if not len(sites):
        return [], empty
    lines = shapely.boundary(sites.geometry.to_numpy())
    _add_layer_lines(ax, lines, color="white", linewidth=fonts.pt(4.2), zorder=8.4)
    _add_layer_lines(
        ax, lines, gid="project-sites", color=po.SITE_EDGE, linewidth=fonts.pt(2.4), zorder=8.5
    )

    fig = ax.figure
    style = fonts.kw(fontsize=7, fontweight="bold", color=po.SITE_EDGE)
    bbox = {
        "boxstyle": "circle,pad=0.25",
        "facecolor": "white",
        "edgecolor": po.SITE_EDGE,
        "linewidth": 1.4,
    }
    pts = sites.geometry.representative_point()
    at = ax.transData.transform(np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()]))
    b = sites.geometry.bounds.to_numpy()
    lo, hi = ax.transData.transform(b[:, :2]), ax.transData.transform(b[:, 2:])
    sboxes = np.hstack([np.minimum(lo, hi), np.maximum(lo, hi)])
    frame = ax.get_window_extent()
    px = fig.dpi / 72.0
    rings = np.asarray(
        [
            (fonts.pt(r) * np.cos(a), fonts.pt(r) * np.sin(a))
            for r in (12, 18, 26, 36, 48, 62)
            for a in np.deg2rad([90, 45, 135, 0, 180, 315, 225, 270, 22, 158, 338, 202])
        ],
        dtype=float,
    )
    boxes = np.zeros((len(sites), 4))
    drawn = np.asarray(taken, dtype=float).reshape(-1, 4)
    halo = [pe.withStroke(linewidth=fonts.pt(1.5), foreground="white")]
    for k, no in enumerate(sites["site_no"].to_numpy()):
        label = str(int(no))
        t = ax.text(0, 0, label, bbox=bbox, **style)
        bb = t.get_window_extent(renderer=fig.canvas.get_renderer())
        t.remove()
        # the circle around the text: its radius is half the text's larger side plus the pad
        w = h = max(bb.width, bb.height) + 2 * (0.25 * fonts.pt(7) + 1.4) * px
        cx, cy = at[k]
        box = np.array([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
        others = np.vstack([drawn, boxes[:k]])
        sb = sboxes[k]
        fits = box[0] >= sb[0] and box[2] <= sb[2] and box[1] >= sb[1] and box[3] <= sb[3]
        offset = None
        if not fits or _hits(box, others):
            # beside the site: free of every number and of the other sites
            offset, box = _free_spot(cx, cy, w, h, rings, px, others, sboxes, frame)
        kw: dict[str, Any] = {
            "xy": (pts.x.iloc[k], pts.y.iloc[k]),
            "ha": "center",
            "va": "center",
            "zorder": 12,
            "gid": f"site-no:{int(no)}",
            "bbox": bbox,
            "path_effects": halo,
        }
        if offset is not None:
            kw |= {
                "xytext": offset,
                "textcoords": "offset points",
                "arrowprops": {
                    "arrowstyle": "-",
                    "color": po.SITE_EDGE,
                    "linewidth": 1.0,
                    "shrinkA": 0,
                    "shrinkB": 0,
                    "patchA": None,
                },
            }
        ax.annotate(label, **kw, **style)
        boxes[k] = box
    handle = Line2D(
        [],
        [],
        color=po.SITE_EDGE,
        linewidth=2.4,
        marker="o",
        markersize=7,
        markerfacecolor="white",
        markeredgecolor=po.SITE_EDGE,
        label=i18n.t("projects_out.legend", fonts.lang, n=len(sites)),
    )
    return [handle], boxes
