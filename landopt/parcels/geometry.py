"""Check parcel geometries (missing, empty, not polygons, invalid; ``repair``) and overlaps."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from landopt._fields import (
    SQM_PER_MU,
)
from landopt.errors import Problem
from landopt.parcels._messages import msg

#: Two parcels overlapping by more than this share of the smaller one are reported.
OVERLAP_TOLERANCE: float = 0.01


_GEOM_TYPES = {
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}
_POLYGONAL = (3, 6)


def _polygonal_part(geom: Any) -> Any:
    """The polygons of a geometry, as a Polygon or MultiPolygon (empty when none)."""
    type_id = shapely.get_type_id(geom)
    if type_id in _POLYGONAL:
        return geom
    parts = shapely.get_parts(geom)
    polys = [p for p in parts if shapely.get_type_id(p) in _POLYGONAL]
    if not polys:
        return shapely.Polygon()
    flat = shapely.get_parts(np.asarray(polys, dtype=object))
    return flat[0] if len(flat) == 1 else shapely.multipolygons(flat)


def _check_geometry(
    geoms: np.ndarray,
    labels: np.ndarray,
    *,
    repair: bool,
    to_mu: float | None,
    problems: list[Problem],
) -> tuple[np.ndarray, np.ndarray]:
    """Check (and with ``repair`` fix) geometries; return them and a mask of usable ones."""
    geoms = geoms.copy()
    missing = shapely.is_missing(geoms)
    empty = ~missing & shapely.is_empty(geoms)
    type_id = shapely.get_type_id(geoms)
    present = ~missing & ~empty
    polygonal = present & np.isin(type_id, _POLYGONAL)
    collection = present & (type_id == 7)
    other = present & ~polygonal & ~collection
    invalid = polygonal & ~shapely.is_valid(geoms)

    for i in np.flatnonzero(missing):
        problems.append(
            Problem(
                labels[i],
                "geometry",
                msg("no_geometry.what"),
                msg("draw_or_remove"),
            )
        )
    for i in np.flatnonzero(empty):
        problems.append(
            Problem(
                labels[i],
                "geometry",
                msg("empty_geometry.what"),
                msg("draw_or_remove"),
            )
        )
    for i in np.flatnonzero(other):
        problems.append(
            Problem(
                labels[i],
                "geometry",
                msg("not_polygon.what", type=_GEOM_TYPES.get(int(type_id[i]), "non-polygon")),
                msg("not_polygon.fix"),
            )
        )

    usable = polygonal & ~invalid
    to_fix = np.flatnonzero(invalid | collection)
    if len(to_fix) and not repair:
        for i in to_fix:
            if collection[i]:
                what = msg("collection.what")
            else:
                what = msg("invalid.what", reason=shapely.is_valid_reason(geoms[i]))
            problems.append(
                Problem(
                    labels[i],
                    "geometry",
                    what,
                    msg("invalid.fix"),
                )
            )
        return geoms, usable

    for i in to_fix:
        before = geoms[i]
        reason = (
            msg("repair.collection")
            if collection[i]
            else msg("repair.invalid", reason=shapely.is_valid_reason(before))
        )
        made = shapely.make_valid(before)
        fixed = _polygonal_part(made)
        if shapely.is_empty(fixed):
            problems.append(
                Problem(
                    labels[i],
                    "geometry",
                    msg("repair.no_area.what", reason=reason),
                    msg("repair.no_area.fix"),
                )
            )
            continue
        geoms[i] = fixed
        usable[i] = True
        change = msg("repair.made_valid", type=_GEOM_TYPES[int(shapely.get_type_id(fixed))])
        if to_mu is not None:
            change += msg(
                "repair.areas",
                before=shapely.area(before) * to_mu,
                after=shapely.area(fixed) * to_mu,
            )
        if shapely.get_num_geometries(made) > shapely.get_num_geometries(fixed):
            change += msg("repair.dropped")
        problems.append(
            Problem(
                labels[i],
                "geometry",
                msg("repair.done.what", reason=reason, change=change),
                msg("repair.done.fix"),
                "warning",
            )
        )
    return geoms, usable


def _check_overlaps(
    geoms: np.ndarray,
    area: np.ndarray,
    usable: np.ndarray,
    labels: np.ndarray,
    problems: list[Problem],
) -> None:
    """Warn about pairs of parcels overlapping by more than OVERLAP_TOLERANCE of the smaller."""
    index = np.flatnonzero(usable)
    if len(index) < 2:
        return
    g = geoms[index]
    tree = shapely.STRtree(g)
    # Interiors meet iff the DE-9IM interior/interior cell is set. Touching neighbours (the
    # common case in a cadastre) are dropped by that cheap test before any intersection.
    left, right = tree.query(g, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    inner = shapely.relate_pattern(g[left], g[right], "T********")
    if not inner.any():
        return
    a, b = index[left[inner]], index[right[inner]]
    order = np.lexsort((b, a))
    a, b = a[order], b[order]
    shared = shapely.area(shapely.intersection(geoms[a], geoms[b])) / SQM_PER_MU
    smaller = np.minimum(area[a], area[b])
    hit = shared > OVERLAP_TOLERANCE * smaller
    for i, j, mu, small in zip(a[hit], b[hit], shared[hit], smaller[hit], strict=True):
        problems.append(
            Problem(
                f"{labels[i]} and {labels[j]}",
                "geometry",
                msg("overlap.what", mu=mu, share=100 * mu / small),
                msg("overlap.fix"),
                "warning",
            )
        )
