"""Drawing primitives the static maps share: layers of polygons and lines, outlines, frame.

Polygons are drawn as one compound patch per layer (:func:`_add_layer`: fast, and one
element in SVG/PDF), lines as one collection. matplotlib is imported inside the functions.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np

from landopt.maps.style import BOUNDARY

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def _extent(parcels: gpd.GeoDataFrame, district: gpd.GeoDataFrame | None) -> np.ndarray:
    b = np.asarray(parcels.total_bounds, dtype=float)
    if district is not None and len(district):
        d = np.asarray(district.total_bounds, dtype=float)
        b = np.array([min(b[0], d[0]), min(b[1], d[1]), max(b[2], d[2]), max(b[3], d[3])])
    dx, dy = b[2] - b[0], b[3] - b[1]
    pad = 0.04 * max(dx, dy, 1.0)
    return np.array([b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad])


def _nice_length(span_m: float) -> float:
    """A round scale-bar length of about a fifth of ``span_m`` metres."""
    target = max(span_m / 5.0, 1e-9)
    exp = 10 ** math.floor(math.log10(target))
    for m in (5, 2, 1):
        if m * exp <= target:
            return m * exp
    return exp


def _add_layer_lines(ax: Axes, lines: Any, *, gid: str | None = None, **style: Any) -> Any:
    """Draw line geometries as one collection (each part of a multi-line its own line)."""
    import shapely
    from matplotlib.collections import LineCollection

    arr = np.asarray([g for g in lines if g is not None and not g.is_empty], dtype=object)
    parts = shapely.get_parts(arr) if len(arr) else arr
    segs = [np.asarray(shapely.get_coordinates(g)) for g in parts]
    if not segs:
        return None
    coll = LineCollection(segs, **style)
    if gid:
        coll.set_gid(gid)
    ax.add_collection(coll)
    return coll


def _unique_boundaries(geoms: Any, minus: Any = None) -> Any:
    """The boundary lines of polygons with every shared edge once (and none that lies on
    ``minus``, a line drawn anyway): two neighbours' common edge is one line, not two
    dashed lines over each other that print as solid."""
    import shapely

    arr = np.asarray(geoms, dtype=object)
    if not len(arr):
        return shapely.GeometryCollection()
    lines = shapely.union_all(shapely.boundary(arr))  # a union of lines keeps each edge once
    if minus is not None and not minus.is_empty:
        # within a hair of the line (coordinates rounded in the file differ in the last digits)
        x0, y0, x1, y1 = minus.bounds
        lines = shapely.difference(lines, shapely.buffer(minus, 1e-5 * max(x1 - x0, y1 - y0)))
    return shapely.line_merge(lines) if lines.geom_type == "MultiLineString" else lines


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


def _frame(ax: Axes) -> None:
    """No ticks or axis labels (geopandas adds them), a thin grey neat line."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color("#808080")


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
    import shapely

    # each boundary once: a township edge on the district line is left to the district
    # line, an edge two townships share is one line
    whole_line = (
        shapely.union_all(shapely.boundary(geoms[kinds == "district"]))
        if (kinds == "district").any()
        else None
    )
    if (kinds == "park").any():
        _add_layer_lines(
            ax,
            [_unique_boundaries(geoms[kinds == "park"])],
            color=park["edgecolor"],
            linewidth=park["linewidth"],
            linestyle=park["linestyle"],
            zorder=3,
            gid="parks",
        )
        handles.append(Patch(facecolor="none", label="park", **park))
    if (kinds == "township").any():
        _add_layer_lines(
            ax,
            [_unique_boundaries(geoms[kinds == "township"], whole_line)],
            zorder=4,
            gid="townships",
            **town,
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


def _display_boxes(ax: Axes, gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Display-space bounding boxes ``x0, y0, x1, y1`` of a layer's features."""
    if not len(gdf):
        return np.zeros((0, 4))
    b = gdf.geometry.bounds.to_numpy()
    lo = ax.transData.transform(b[:, :2])
    hi = ax.transData.transform(b[:, 2:])
    return np.hstack([np.minimum(lo, hi), np.maximum(lo, hi)])
