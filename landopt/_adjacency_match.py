"""Matching of boundary segments for :mod:`landopt.adjacency` (private).

:func:`landopt.adjacency.adjacency` is the entry point, and its module documentation
defines what is computed: exact matching (identical segments walked in opposite
directions) and tolerant matching (facing segments within a tolerance). This module holds
the computation proper: the layer as oriented segments (:class:`_Layer`, :class:`_Rings`),
the two matchings, and the sum of matched lengths by pair. The method dispatch, the
caches and the result type stay in :mod:`landopt.adjacency`.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

logger = logging.getLogger(__name__)

#: Tolerant matching groups up to this many consecutive segments of a ring into a chain
#: and looks for neighbours chain by chain: few STRtree entries (most rings are one chain),
#: and at most _CHAIN**2 segment pairs per pair of chains, however long the rings.
_CHAIN = 8

#: Chains per STRtree query and segment pairs per batch in tolerant matching; bound its
#: memory.
_QUERY_CHUNK = 200_000
_PAIR_CHUNK = 4_000_000

#: Version of the table format: part of the layer fingerprint and of every cache file.
_FORMAT_VERSION = 1


# ----------------------------------------------------------------------------------------
# Geometry as segments
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Layer:
    """The coordinates of a layer, ring by ring, and their fingerprint.

    Enough to tell whether a layer was seen before; :meth:`segments` does the rest.
    """

    n: int
    coords: np.ndarray
    coord_ring: np.ndarray
    ring_part: np.ndarray
    part_parcel: np.ndarray
    fingerprint: str

    @classmethod
    def from_geometries(cls, geoms: np.ndarray) -> _Layer:
        n = len(geoms)
        simple = bool(
            np.all(shapely.get_type_id(geoms) == 3)
            and not np.any(shapely.is_empty(geoms))
            and not np.any(shapely.get_num_interior_rings(geoms))
        )
        if simple:  # one ring per parcel: the same arrays, without get_parts/get_rings
            part_parcel = ring_part = np.arange(n, dtype=np.int64)
            coords, coord_ring = shapely.get_coordinates(geoms, return_index=True)
            n_rings = n
        else:
            parts, part_parcel = shapely.get_parts(geoms, return_index=True)
            rings, ring_part = shapely.get_rings(parts, return_index=True)
            coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
            n_rings = len(rings)
        part_parcel, ring_part = part_parcel.astype(np.int64), ring_part.astype(np.int64)
        coord_ring = coord_ring.astype(np.int64)
        per_ring = np.bincount(coord_ring, minlength=n_rings)
        digest = hashlib.blake2b(digest_size=16)
        for arr in (np.array([n, _FORMAT_VERSION]), part_parcel, ring_part, per_ring, coords):
            digest.update(np.ascontiguousarray(arr).tobytes())
        return cls(n, coords, coord_ring, ring_part, part_parcel, digest.hexdigest())

    def segments(self) -> _Rings:
        """Every boundary segment, oriented with its parcel on its left."""
        coords, coord_ring, ring_part = self.coords, self.coord_ring, self.ring_part
        if len(coords):  # measured from the layer's lower-left corner, for precision
            coords = coords - coords.min(axis=0)
        k = np.flatnonzero(coord_ring[1:] == coord_ring[:-1])
        ring = coord_ring[k]
        x0, y0 = coords[k, 0], coords[k, 1]
        x1, y1 = coords[k + 1, 0], coords[k + 1, 1]

        # Orient: outer rings anticlockwise, holes clockwise. get_rings lists each
        # polygon's outer ring first.
        n_rings = len(ring_part)
        outer = np.ones(n_rings, dtype=bool)
        outer[1:] = ring_part[1:] != ring_part[:-1]
        twice_area = np.bincount(ring, weights=x0 * y1 - x1 * y0, minlength=n_rings)
        flip_ring = np.where(outer, twice_area < 0, twice_area > 0)
        if flip_ring.any():
            flip = flip_ring[ring]
            x0, x1 = np.where(flip, x1, x0), np.where(flip, x0, x1)
            y0, y1 = np.where(flip, y1, y0), np.where(flip, y0, y1)

        length = np.hypot(x1 - x0, y1 - y0)
        real = length > 0  # repeated vertices make no segment
        return _Rings(
            n=self.n,
            x0=x0[real],
            y0=y0[real],
            x1=x1[real],
            y1=y1[real],
            parcel=self.part_parcel[ring_part[ring[real]]].astype(np.int64),
            length=length[real],
            ring=ring[real].astype(np.int64),
        )


@dataclass(frozen=True, eq=False)
class _Rings:
    """Every boundary segment of a layer with its parcel (row position), length and ring.

    Segments are in ring order, rings in parcel order.
    """

    n: int
    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    parcel: np.ndarray
    length: np.ndarray
    ring: np.ndarray

    def perimeter(self) -> np.ndarray:
        return np.bincount(self.parcel, weights=self.length, minlength=self.n)


def _sum_pairs(
    p: np.ndarray, q: np.ndarray, length: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum lengths by unordered pair; return (i, j, length) sorted by (i, j), i < j."""
    lo, hi = np.minimum(p, q), np.maximum(p, q)
    pair, inverse = np.unique(lo * np.int64(n) + hi, return_inverse=True)
    total = np.bincount(inverse.ravel(), weights=length, minlength=len(pair))
    return pair // n, pair % n, total


# ----------------------------------------------------------------------------------------
# Exact matching: identical segments walked in opposite directions
# ----------------------------------------------------------------------------------------


def _exact_match(rings: _Rings) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Segments found in two parcels, facing.

    Returns the parcels and length of each match (not yet summed by pair) and a mask of
    the segments that were matched. Identical segments walked the same way (two parcels
    drawn on top of each other) do not match.
    """
    x0, y0, x1, y1 = rings.x0, rings.y0, rings.x1, rings.y1
    m = len(x0)
    back = (x0 > x1) | ((x0 == x1) & (y0 > y1))
    # the segment's end points in a canonical order; + 0.0 turns -0.0 into 0.0
    ends = [
        np.where(back, x1, x0) + 0.0,
        np.where(back, y1, y0) + 0.0,
        np.where(back, x0, x1) + 0.0,
        np.where(back, y0, y1) + 0.0,
    ]
    order, new = _group_identical(ends, back)  # runs of one segment, forward copies first
    back = back[order]
    start = np.flatnonzero(new)
    size = np.diff(np.append(start, m))
    n_back = np.add.reduceat(back.astype(np.int64), start) if m else np.zeros(0, np.int64)
    n_fwd = size - n_back
    # every forward copy meets every backward copy (one of each on a clean tiling)
    combos = n_fwd * n_back
    run = np.repeat(np.arange(len(start)), combos)
    k = np.arange(combos.sum()) - np.repeat(np.cumsum(combos) - combos, combos)
    fwd = start[run] + k // n_back[run]
    bwd = start[run] + n_fwd[run] + k % n_back[run]
    p, q = rings.parcel[order[fwd]], rings.parcel[order[bwd]]
    other = p != q
    matched = np.zeros(m, dtype=bool)
    matched[order[fwd[other]]] = True
    matched[order[bwd[other]]] = True
    return p[other], q[other], rings.length[order[fwd[other]]], matched


_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5],
    dtype=np.uint64,
)


def _group_identical(cols: list[np.ndarray], back: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An order that puts identical rows of ``cols`` together, ``back`` ones last.

    Returns the order and, in that order, a mask of the rows that start a new group.
    Sorts one 64-bit hash of each row (with ``back`` in its lowest bit) rather than the
    four coordinates, about 5x faster; should two different rows share a hash, the
    coordinates are sorted instead.
    """
    h = np.zeros(len(back), dtype=np.uint64)
    for col, mix in zip(cols, _MIX, strict=True):
        h ^= col.view(np.uint64) * mix
        h ^= h >> np.uint64(29)
    h = (h & ~np.uint64(1)) | back.astype(np.uint64)
    order = np.argsort(h)
    differs = _differs([c[order] for c in cols])
    hs = h[order] >> np.uint64(1)
    if np.any(differs[1:] & (hs[1:] == hs[:-1])):
        logger.debug("segment hash collision; sorting by coordinates")
        order = np.lexsort((back, *cols[::-1]))
        differs = _differs([c[order] for c in cols])
    return order, differs


def _differs(cols: list[np.ndarray]) -> np.ndarray:
    """Mask of the rows that differ from the row before (the first row does)."""
    new = np.ones(len(cols[0]), dtype=bool)
    new[1:] = False
    for c in cols:
        new[1:] |= c[1:] != c[:-1]
    return new


# ----------------------------------------------------------------------------------------
# Tolerant matching: facing segments within the tolerance
# ----------------------------------------------------------------------------------------


def _tolerant_match(
    rings: _Rings, tol: float, subset: np.ndarray | None = None, *, max_angle_deg: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Segments running side by side, facing, within ``tol`` of each other.

    Only the segments in ``subset`` (positions; all by default) are matched; facing means
    directions opposite within ``max_angle_deg`` (:data:`landopt.adjacency.MAX_ANGLE_DEG`).
    Returns the two parcels and half the covered length of each (segment, parcel) interval
    union, so that summing by pair gives the mean of the lengths measured on either side.
    """
    seg = np.arange(len(rings.x0)) if subset is None else np.asarray(subset, dtype=np.int64)
    x0, y0, x1, y1 = rings.x0[seg], rings.y0[seg], rings.x1[seg], rings.y1[seg]
    parcel, length, ring = rings.parcel[seg], rings.length[seg], rings.ring[seg]
    m = len(seg)
    if m == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    xmin, xmax = np.minimum(x0, x1), np.maximum(x0, x1)
    ymin, ymax = np.minimum(y0, y1), np.maximum(y0, y1)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    cos_max = np.cos(np.radians(max_angle_deg))

    # Chains: runs of up to _CHAIN segments of one ring.
    new_ring = np.ones(m, dtype=bool)
    new_ring[1:] = ring[1:] != ring[:-1]
    ring_start = np.flatnonzero(new_ring)
    in_ring = np.arange(m) - np.repeat(ring_start, np.diff(np.append(ring_start, m)))
    start = np.flatnonzero(in_ring % _CHAIN == 0)
    size = np.diff(np.append(start, m))
    # Chain envelopes grown by tol/2 intersect when the chains are within tol.
    half = tol / 2.0
    boxes = shapely.box(
        np.minimum.reduceat(xmin, start) - half,
        np.minimum.reduceat(ymin, start) - half,
        np.maximum.reduceat(xmax, start) + half,
        np.maximum.reduceat(ymax, start) + half,
    )
    tree = shapely.STRtree(boxes)
    chain_parcel = parcel[start]

    found: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for begin in range(0, len(start), _QUERY_CHUNK):
        c1, c2 = tree.query(boxes[begin : begin + _QUERY_CHUNK])
        c1 += begin
        keep = (c1 < c2) & (chain_parcel[c1] != chain_parcel[c2])  # each pair once
        c1, c2 = c1[keep], c2[keep]
        combos = size[c1] * size[c2]
        for lo_k, hi_k in itertools.pairwise(_batches(combos, _PAIR_CHUNK)):
            a, b, n_ab = c1[lo_k:hi_k], c2[lo_k:hi_k], combos[lo_k:hi_k]
            k = np.repeat(np.arange(len(a)), n_ab)
            within = np.arange(len(k)) - np.repeat(np.cumsum(n_ab) - n_ab, n_ab)
            nb = size[b][k]
            s = start[a][k] + within // nb
            t = start[b][k] + within % nb
            near = (
                (xmin[s] <= xmax[t] + tol)
                & (xmin[t] <= xmax[s] + tol)
                & (ymin[s] <= ymax[t] + tol)
                & (ymin[t] <= ymax[s] + tol)
            )
            s, t = s[near], t[near]
            # facing: directions opposite within max_angle_deg
            facing = ux[s] * ux[t] + uy[s] * uy[t] <= -cos_max
            s, t = s[facing], t[facing]
            for u, v in ((s, t), (t, s)):  # u measured on v
                lo, hi, ok = _projection(
                    x0[u], y0[u], x1[u], y1[u], x0[v], y0[v], x1[v], y1[v], length[v], tol
                )
                found.append((v[ok], parcel[u[ok]], lo[ok], hi[ok]))

    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    t = np.concatenate([f[0] for f in found])
    owner = np.concatenate([f[1] for f in found])
    lo = np.concatenate([f[2] for f in found])
    hi = np.concatenate([f[3] for f in found])
    covered = _union_length(t, owner, lo, hi)
    # each side is measured on its own segments; the pair's length is the mean of both
    return parcel[t], owner, covered / 2.0


def _batches(weights: np.ndarray, limit: int) -> np.ndarray:
    """Cut points splitting ``weights`` into consecutive batches of about ``limit``."""
    if not len(weights):
        return np.zeros(1, dtype=np.int64)
    cum = np.cumsum(weights)
    cuts = np.searchsorted(cum, np.arange(limit, cum[-1], limit), side="right")
    return np.unique(np.concatenate([[0], cuts, [len(weights)]]))


def _projection(
    sx0: np.ndarray,
    sy0: np.ndarray,
    sx1: np.ndarray,
    sy1: np.ndarray,
    tx0: np.ndarray,
    ty0: np.ndarray,
    tx1: np.ndarray,
    ty1: np.ndarray,
    lt: np.ndarray,
    tol: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interval of segment t covered by the part of s within ``tol`` of t's line.

    Returns ``lo``, ``hi`` (distances along t from its start, within ``[0, lt]``) and a
    mask of the non-empty intervals.
    """
    ex, ey = tx1 - tx0, ty1 - ty0  # t's direction, not normalised: cross products stay exact
    ax, ay = sx0 - tx0, sy0 - ty0
    bx, by = sx1 - tx0, sy1 - ty0
    u0, u1 = (ax * ex + ay * ey) / lt, (bx * ex + by * ey) / lt
    d0, d1 = (ex * ay - ey * ax) / lt, (ex * by - ey * bx) / lt  # signed offsets from t's line
    dd = d1 - d0
    parallel = dd == 0
    safe = np.where(parallel, 1.0, dd)
    la, lb = (-tol - d0) / safe, (tol - d0) / safe
    lam_lo = np.where(parallel, 0.0, np.maximum(np.minimum(la, lb), 0.0))
    lam_hi = np.where(parallel, 1.0, np.minimum(np.maximum(la, lb), 1.0))
    within = np.where(parallel, np.abs(d0) <= tol, lam_lo < lam_hi)
    ua, ub = u0 + lam_lo * (u1 - u0), u0 + lam_hi * (u1 - u0)
    lo = np.clip(np.minimum(ua, ub), 0.0, lt)
    hi = np.clip(np.maximum(ua, ub), 0.0, lt)
    return lo, hi, within & (hi > lo)


def _union_length(t: np.ndarray, owner: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Length of each interval not already covered by an earlier one of its (t, owner) group.

    Summed over a group this is the length of the union of its intervals, so two segments
    of one parcel projecting onto the same stretch of t are not counted twice.
    """
    order = np.lexsort((lo, owner, t))
    t, owner, lo, hi = t[order], owner[order], lo[order], hi[order]
    start = np.ones(len(t), dtype=bool)
    start[1:] = (t[1:] != t[:-1]) | (owner[1:] != owner[:-1])
    if start.all():
        covered = hi - lo
    else:
        reach = pd.Series(hi).groupby(np.cumsum(start)).cummax().to_numpy()
        before = np.empty_like(reach)
        before[0] = -np.inf
        before[1:] = reach[:-1]
        before[start] = -np.inf
        covered = np.maximum(hi - np.maximum(lo, before), 0.0)
    out = np.empty_like(covered)
    out[order] = covered
    return out
