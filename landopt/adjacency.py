"""Neighbouring parcels and the length of boundary they share.

The spatial parts of a plan (a boundary-length penalty as in Marxan's BLM, "touch cleared
land" rules, connected cleared blocks) all rest on one table per parcel layer: the pairs
of neighbouring parcels, the length of boundary each pair shares, and each parcel's
perimeter. :func:`adjacency` builds it once and caches it.

Definitions
-----------
All lengths are in metres of the layer's projected CRS (the working CRS of
:func:`~landopt.parcels.read_parcels`); ``i`` and ``j`` are row *positions* (0 to n-1) in
the layer, whatever its index.

perimeter
    :math:`P_p`, the length of every ring of parcel :math:`p` (outer rings and holes,
    every part of a multipolygon).
shared boundary
    :math:`L_{pq}`, the length of boundary parcels :math:`p` and :math:`q` have in common.
    Rings are oriented so that each parcel lies on the left of its boundary; two parcels
    on either side of a line then walk it in opposite directions ("facing" segments).

    - *Exact matching*: a segment found in both parcels (same end points, opposite
      directions) is shared; :math:`L_{pq}` is the total length of such segments. This is
      the whole answer on a clean tiling, where neighbours share their edges vertex for
      vertex (a valid polygonal coverage).
    - *Tolerant matching*, for real cadastral layers with small gaps, overlaps (slivers)
      and vertices not matched across a boundary: for a boundary segment :math:`t` of
      :math:`q` and a segment :math:`s` of :math:`p` facing it (directions opposite within
      :data:`MAX_ANGLE_DEG`), take the part of :math:`s` within ``tolerance`` of the line
      through :math:`t`, project it onto :math:`t` and clip it to :math:`t`. The union of
      these intervals over the segments of :math:`p`, summed over the segments of
      :math:`q`, is :math:`L_{q \\leftarrow p}`, and
      :math:`L_{pq} = (L_{q \\leftarrow p} + L_{p \\leftarrow q}) / 2`. Edges that only
      meet at a corner, or run side by side in the same direction (the outer edges of two
      overlapping parcels), contribute nothing. On a clean tiling it gives the same pairs
      and lengths as exact matching (to rounding).

    The methods: ``"exact"`` is exact matching alone; ``"tolerant"`` is tolerant
    matching of every segment; ``"auto"`` (the default) is exact matching, then tolerant
    matching of the segments exact matching left unmatched. On a clean tiling those are
    only the outer edges of blocks, none facing another within the tolerance, so
    ``"auto"`` costs little more than ``"exact"``, returns the same table and reports
    ``method="exact"``; otherwise it reports ``"exact+tolerant"``. It differs from
    ``"tolerant"`` only where a segment shared exactly also faces a third parcel within
    the tolerance: a parcel narrower than the tolerance (a sliver parcel), or one lying
    inside another. ``"tolerant"`` then also pairs the parcels on either side of the
    sliver; ``"auto"`` keeps each exactly shared segment to its two parcels.
neighbours
    Parcels :math:`p \\ne q` with :math:`L_{pq}` greater than ``min_length_m`` (by default
    the tolerance). Parcels touching at a corner are not neighbours; nor are parcels whose
    contact is no longer than the precision of the data, such as the corners of two
    parcels that overlap by a few centimetres.
exposed boundary
    Of a set :math:`S` of parcels, the boundary not shared with another member:
    :math:`\\sum_{p \\in S} P_p - 2 \\sum_{p < q;\\ p, q \\in S} L_{pq}`. The edge of the
    district, of streets and of parcels outside :math:`S` all count as exposed, and so
    do contacts too short to make neighbours.

Tolerant matching can add up to about a tolerance where a boundary folds back at an angle
sharper than :data:`MAX_ANGLE_DEG`, and counts the two sides of a corner where two parcels
overlap (a corner overlapping by 0.3 m x 0.3 m shares 0.6 m). Why not
:func:`shapely.coverage_is_valid` to choose the method: with ``gap_width`` it does not
flag a wedge-shaped gap (0.1 m at one end, 0.8 m at the other), which tolerant matching
counts where it is narrower than the tolerance.

Caching
-------
The result depends only on the geometries (coordinates, ring structure, row order), the
tolerance, the method and ``min_length_m``. :func:`adjacency` fingerprints the geometries
(a BLAKE2b hash of their coordinates and structure, about 0.1 s per 100,000 parcels) and
keeps the last :data:`CACHE_SIZE` results in memory, so a sweep over scenarios computes
the table once and gets the same (read-only) :class:`Adjacency` object back.
:func:`clear_adjacency_cache` empties it. With ``cache_dir=`` the table is also written to
(and read from) ``adjacency-<fingerprint>-<method>-<tolerance>-<min length>.npz`` in that
directory; nothing is written to disk by default.

Code
----
This module holds the result (:class:`Adjacency`), the entry point with its checks and
method dispatch, and the memory and disk caches; the segment matching itself (the
layer as oriented segments, exact and tolerant matching) is in the private module
:mod:`landopt._adjacency_match`.

Performance
-----------
Measured with ``scripts/bench_adjacency.py`` on the generated districts (2-core VM,
median of repeated calls; seconds and memory added by the call). "Jittered": every
vertex moved by up to 5 cm, so that no neighbour shares one.

=========  ================  ================  ================  ==================
parcels    exact             auto, clean       tolerant          auto, jittered
=========  ================  ================  ================  ==================
3,000      < 0.01 s          0.01 s            0.02 s            0.02 s
100,000    0.12 s, +84 MB    0.29 s, +114 MB   0.50 s, +358 MB   0.56 s, +359 MB
1,000,000  2.1 s, +0.8 GB    3.5 s, +1.0 GB    5.7 s, +2.0 GB    6.5 s, +2.1 GB
=========  ================  ================  ================  ==================

The first call in a fresh process can take up to twice as long (memory touched for the
first time). A cache hit costs the fingerprint: 0.04 s at 100,000 parcels, 0.45 s at
1,000,000.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> grid = gpd.GeoSeries(
...     [box(0, 0, 100, 100), box(100, 0, 200, 100), box(0, 100, 100, 200), box(100, 100, 200, 200)],
...     crs="EPSG:4548",
... )
>>> adj = adjacency(grid)
>>> adj.method, [(int(a), int(b)) for a, b in zip(adj.i, adj.j)], adj.length_m.tolist()
('exact', [(0, 1), (0, 2), (1, 3), (2, 3)], [100.0, 100.0, 100.0, 100.0])
>>> float(adj.exposed_m([True, True, False, False]))  # two squares side by side
600.0
>>> adj.components([True, False, False, True]).tolist()  # diagonal: not connected
[0, -1, -1, 1]
"""

from __future__ import annotations

import logging
import time
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import connected_components

from landopt._adjacency_match import (
    _FORMAT_VERSION,
    _exact_match,
    _Layer,
    _Rings,
    _sum_pairs,
    _tolerant_match,
)
from landopt._atomic import atomic_file
from landopt.errors import InputError

__all__ = [
    "CACHE_SIZE",
    "MAX_ANGLE_DEG",
    "METHODS",
    "Adjacency",
    "adjacency",
    "clear_adjacency_cache",
]

logger = logging.getLogger(__name__)

Method = Literal["auto", "exact", "tolerant"]

#: The methods :func:`adjacency` knows (see the module documentation).
METHODS: tuple[str, ...] = ("auto", "exact", "tolerant")

#: Largest angle, in degrees, between two boundary segments (one reversed) for the
#: tolerant matching to treat them as the two sides of one shared edge.
MAX_ANGLE_DEG: float = 30.0

#: How many results the in-memory cache keeps (least recently used are dropped).
CACHE_SIZE: int = 8

#: Tolerant matching that adds no more than this (metres) to any pair adds nothing.
_NEGLIGIBLE_M = 1e-6

_cache: OrderedDict[tuple[str, float, str, float], Adjacency] = OrderedDict()


# ----------------------------------------------------------------------------------------
# Result
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Adjacency:
    """Neighbouring parcel pairs of a layer, their shared boundary and the perimeters.

    The arrays are read-only: one object is shared by every caller of the cache.

    Attributes
    ----------
    i, j
        Row positions (``int64``) of the two parcels of each pair, ``i < j``, sorted by
        ``(i, j)``.
    length_m
        Shared boundary of each pair, metres (``float64``), greater than
        ``min_length_m``.
    perimeter_m
        Perimeter of each parcel (outer rings and holes), metres; 0 for a missing or
        empty geometry. Length ``n``.
    n
        Number of parcels (rows of the layer).
    method
        What produced the table: ``"exact"``, ``"tolerant"`` or, for ``method="auto"``
        on a layer that is not a clean tiling, ``"exact+tolerant"``.
    tolerance
        Gap or overlap, metres, still counted as shared boundary by tolerant matching,
        and the default of ``min_length_m``.
    min_length_m
        Pairs sharing no more than this, metres, are not neighbours.
    seconds
        Wall time of the computation (not of a cache look-up).
    fingerprint
        Hash of the geometries the table was computed from.
    source
        ``"computed"`` or ``"disk"`` (read from ``cache_dir``).
    """

    i: np.ndarray
    j: np.ndarray
    length_m: np.ndarray
    perimeter_m: np.ndarray
    n: int
    method: str
    tolerance: float
    min_length_m: float
    seconds: float = 0.0
    fingerprint: str = ""
    source: str = "computed"

    def __post_init__(self) -> None:
        for name, dtype in (
            ("i", np.int64),
            ("j", np.int64),
            ("length_m", np.float64),
            ("perimeter_m", np.float64),
        ):
            arr = np.array(getattr(self, name), dtype=dtype)  # a private copy
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)
        if not (len(self.i) == len(self.j) == len(self.length_m)):
            raise ValueError("i, j and length_m must have the same length")
        if len(self.perimeter_m) != self.n:
            raise ValueError(f"perimeter_m has {len(self.perimeter_m)} values for n={self.n}")
        if len(self.i) and (
            self.i.min() < 0 or self.j.max() >= self.n or bool(np.any(self.i >= self.j))
        ):
            raise ValueError("pairs must satisfy 0 <= i < j < n")

    def __repr__(self) -> str:
        return (
            f"Adjacency(n={self.n}, pairs={len(self.i)}, "
            f"shared={self.length_m.sum() / 1000:.3f} km, method={self.method!r}, "
            f"tolerance={self.tolerance:g})"
        )

    @property
    def pairs(self) -> int:
        """Number of neighbouring pairs."""
        return len(self.i)

    @cached_property
    def _matrix(self) -> sp.csr_matrix:
        m = self.to_sparse()
        m.data.flags.writeable = False
        return m

    def to_sparse(self) -> sp.csr_matrix:
        """Shared boundary as a symmetric n x n matrix.

        Returns
        -------
        scipy.sparse.csr_matrix
            ``m[p, q] = m[q, p]`` = shared boundary of parcels ``p`` and ``q`` in metres;
            no entry for non-neighbours and on the diagonal. A new matrix on each call.
        """
        rows = np.concatenate([self.i, self.j])
        cols = np.concatenate([self.j, self.i])
        data = np.concatenate([self.length_m, self.length_m])
        return sp.csr_matrix((data, (rows, cols)), shape=(self.n, self.n))

    def neighbours(self, k: int) -> np.ndarray:
        """Row positions of the neighbours of the parcel at row position ``k``, ascending.

        Examples
        --------
        >>> import geopandas as gpd
        >>> from shapely.geometry import box
        >>> row = gpd.GeoSeries([box(0, 0, 10, 10), box(10, 0, 20, 10), box(20, 0, 30, 10)],
        ...                     crs="EPSG:4548")
        >>> adjacency(row, cache=False).neighbours(1).tolist()
        [0, 2]
        """
        k = int(k)
        if not 0 <= k < self.n:
            raise IndexError(f"parcel position {k} is out of range for {self.n} parcels")
        m = self._matrix
        return m.indices[m.indptr[k] : m.indptr[k + 1]].astype(np.int64)

    def exposed_m(self, selected_mask: Sequence[bool] | np.ndarray) -> float:
        """Boundary of a set of parcels not shared with another member of the set, metres.

        ``sum(perimeter_m[S]) - 2 * sum(length_m over pairs inside S)``: the edge of the
        district, streets and parcels outside the set all count. 0 for an empty set.

        Parameters
        ----------
        selected_mask
            Boolean, one value per parcel (row position).
        """
        mask = self._mask(selected_mask)
        inside = mask[self.i] & mask[self.j]
        return float(self.perimeter_m[mask].sum() - 2.0 * self.length_m[inside].sum())

    def components(self, mask: Sequence[bool] | np.ndarray) -> np.ndarray:
        """Connected blocks of a set of parcels, through shared boundary.

        Parameters
        ----------
        mask
            Boolean, one value per parcel: the set.

        Returns
        -------
        numpy.ndarray
            ``int64`` of length ``n``: the block number of each selected parcel, -1 for the
            others. Blocks are numbered 0, 1, ... in the order of their first (lowest)
            row position; ``labels.max() + 1`` is the number of blocks.
        """
        sel = self._mask(mask)
        labels = np.full(self.n, -1, dtype=np.int64)
        members = np.flatnonzero(sel)
        if not len(members):
            return labels
        inside = sel[self.i] & sel[self.j]
        local = np.full(self.n, -1, dtype=np.int64)
        local[members] = np.arange(len(members))
        graph = sp.csr_matrix(
            (np.ones(int(inside.sum())), (local[self.i[inside]], local[self.j[inside]])),
            shape=(len(members), len(members)),
        )
        _, comp = connected_components(graph, directed=False)
        # renumber by first member so the numbering does not depend on scipy's traversal
        _, first = np.unique(comp, return_index=True)
        rank = np.empty(len(first), dtype=np.int64)
        rank[np.argsort(first)] = np.arange(len(first))
        labels[members] = rank[comp]
        return labels

    def record(self) -> dict[str, Any]:
        """What was computed and how, for logs and reports.

        Returns
        -------
        dict
            ``parcels``, ``pairs``, ``shared_km`` (total shared boundary),
            ``perimeter_km`` (sum of perimeters), ``mean_neighbours``, ``isolated``
            (parcels without a neighbour), ``method``, ``tolerance_m``, ``min_length_m``,
            ``seconds``, ``source``, ``fingerprint``.
        """
        degree = np.bincount(self.i, minlength=self.n) + np.bincount(self.j, minlength=self.n)
        return {
            "parcels": self.n,
            "pairs": self.pairs,
            "shared_km": float(self.length_m.sum() / 1000.0),
            "perimeter_km": float(self.perimeter_m.sum() / 1000.0),
            "mean_neighbours": float(2 * self.pairs / self.n) if self.n else 0.0,
            "isolated": int((degree == 0).sum()),
            "method": self.method,
            "tolerance_m": self.tolerance,
            "min_length_m": self.min_length_m,
            "seconds": self.seconds,
            "source": self.source,
            "fingerprint": self.fingerprint,
        }

    def _mask(self, mask: Sequence[bool] | np.ndarray) -> np.ndarray:
        arr = np.asarray(mask)
        if arr.shape != (self.n,) or arr.dtype != np.bool_:
            raise ValueError(
                f"expected a boolean mask of {self.n} values (one per parcel), "
                f"got {arr.dtype} of shape {arr.shape}"
            )
        return arr


# ----------------------------------------------------------------------------------------
# Public function
# ----------------------------------------------------------------------------------------


def adjacency(
    parcels: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    tolerance: float = 0.5,
    method: Method = "auto",
    min_length_m: float | None = None,
    cache: bool = True,
    cache_dir: str | PathLike[str] | None = None,
) -> Adjacency:
    """Neighbouring parcel pairs, the boundary length each pair shares, and perimeters.

    See the module documentation for the definitions of shared boundary, neighbours and
    exposed boundary.

    Parameters
    ----------
    parcels
        The parcel layer (polygons or multipolygons) in a projected CRS in metres, as
        :func:`~landopt.parcels.read_parcels` returns it. Pairs refer to row positions.
    tolerance
        Gap or overlap between neighbours, metres, still counted as shared boundary by
        tolerant matching; also the default ``min_length_m``. 0.5 m suits cadastral
        data digitised at 1:500-1:2000.
    method
        ``"auto"``: exact matching, then tolerant matching of the segments left over;
        as fast as ``"exact"`` on a clean tiling and robust on other layers.
        ``"exact"``: segments found in both parcels only; misses neighbours across gaps,
        overlaps and unmatched vertices. ``"tolerant"``: tolerant matching of every
        segment (the reference; slower). See the module documentation.
    min_length_m
        Pairs sharing this much boundary or less, metres, are not neighbours; by default
        the tolerance (a contact shorter than the data's precision is a corner).
    cache
        Reuse a result computed earlier in this process for the same geometries,
        tolerance, method and ``min_length_m``, and keep this one.
    cache_dir
        A directory to read the table from and write it to (``.npz``), so that it
        survives the process. Off by default.

    Returns
    -------
    Adjacency

    Raises
    ------
    InputError
        The layer has no CRS or a geographic one, is not in metres, holds geometries that
        are not polygons, or an option is out of range.
    """
    if method not in METHODS:
        raise InputError(f"unknown adjacency method {method!r}: use one of {', '.join(METHODS)}")
    tol = _non_negative("tolerance", tolerance)
    min_len = tol if min_length_m is None else _non_negative("min_length_m", min_length_m)
    geoms = _check_layer(parcels)

    started = time.perf_counter()
    layer = _Layer.from_geometries(geoms)
    fingerprint, n = layer.fingerprint, layer.n
    key = (fingerprint, tol, str(method), min_len)
    if cache and key in _cache:
        _cache.move_to_end(key)
        logger.debug("adjacency of %d parcels from the memory cache", n)
        return _cache[key]

    path = None
    if cache_dir is not None:
        path = Path(cache_dir) / _file_name(fingerprint, str(method), tol, min_len)
        found = _load(path, fingerprint, n)
        if found is not None:
            logger.debug("adjacency of %d parcels read from %s", n, path)
            if cache:
                _remember(key, found)
            return found

    rings = layer.segments()
    del layer
    used, p, q, length = _match(rings, tol, str(method))
    i, j, length = _sum_pairs(p, q, length, n)
    keep = length > min_len
    result = Adjacency(
        i=i[keep],
        j=j[keep],
        length_m=length[keep],
        perimeter_m=rings.perimeter(),
        n=n,
        method=used,
        tolerance=tol,
        min_length_m=min_len,
        seconds=time.perf_counter() - started,
        fingerprint=fingerprint,
    )
    logger.info(
        "adjacency of %d parcels (%s, tolerance %g m): %d pairs, %.1f km shared, %.2f s",
        result.n,
        result.method,
        tol,
        result.pairs,
        result.length_m.sum() / 1000.0,
        result.seconds,
    )
    if path is not None:
        _save(path, result)
    if cache:
        _remember(key, result)
        if used == "exact":  # the same table answers a request for exact matching
            _remember((fingerprint, tol, "exact", min_len), result)
    return result


def clear_adjacency_cache() -> None:
    """Forget every adjacency table kept in memory (files in a ``cache_dir`` stay)."""
    _cache.clear()


# ----------------------------------------------------------------------------------------
# Input
# ----------------------------------------------------------------------------------------


def _non_negative(name: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not np.isfinite(v) or v < 0:
        raise InputError(f"{name} must be a finite number of metres >= 0, got {value!r}")
    return v


def _check_layer(parcels: gpd.GeoDataFrame | gpd.GeoSeries) -> np.ndarray:
    """Return the geometries as an object array; refuse what cannot be measured in metres."""
    if not isinstance(parcels, gpd.GeoDataFrame | gpd.GeoSeries):
        raise InputError(
            f"adjacency needs a GeoDataFrame or GeoSeries, got {type(parcels).__name__}: "
            "read the layer with landopt.read_parcels"
        )
    crs = parcels.crs
    fix = "read the layer with landopt.read_parcels, which returns it in a projected CRS in metres"
    if crs is None:
        raise InputError(f"the parcel layer has no CRS, so lengths are unknown: {fix}")
    if not crs.is_projected:
        raise InputError(
            f"the parcel layer is in a geographic CRS ({crs.name}), so lengths would be in "
            f"degrees: {fix}"
        )
    units = {(axis.unit_name or "").lower() for axis in crs.axis_info}
    if not units or not units <= {"metre", "meter", "m"}:
        raise InputError(
            f"the parcel layer's CRS ({crs.name}) is not in metres ({', '.join(sorted(units))}): "
            f"{fix}"
        )
    geoms = np.asarray(parcels.geometry.values, dtype=object)
    type_id = shapely.get_type_id(geoms)
    bad = np.flatnonzero(~np.isin(type_id, (-1, 3, 6)) & ~shapely.is_empty(geoms))
    if len(bad):
        raise InputError(
            f"{len(bad)} geometries are not polygons (first at row position {bad[0]}): "
            "parcels must be polygons; read the layer with landopt.read_parcels"
        )
    return geoms


# ----------------------------------------------------------------------------------------
# Matching (the computation is in landopt._adjacency_match)
# ----------------------------------------------------------------------------------------


def _match(
    rings: _Rings, tol: float, method: str
) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """Run a method; return what was used and the (parcel, parcel, length) of each match."""
    if method == "exact":
        p, q, length, _ = _exact_match(rings)
        return "exact", p, q, length
    if method == "tolerant":
        return "tolerant", *_tolerant_match(rings, tol, max_angle_deg=MAX_ANGLE_DEG)
    p, q, length, matched = _exact_match(rings)
    tp, tq, tlength = _tolerant_match(
        rings, tol, np.flatnonzero(~matched), max_angle_deg=MAX_ANGLE_DEG
    )
    if not np.any(tlength > _NEGLIGIBLE_M):
        return "exact", p, q, length
    return (
        "exact+tolerant",
        np.concatenate([p, tp]),
        np.concatenate([q, tq]),
        np.concatenate([length, tlength]),
    )


# ----------------------------------------------------------------------------------------
# Caches
# ----------------------------------------------------------------------------------------


def _remember(key: tuple[str, float, str, float], result: Adjacency) -> None:
    _cache[key] = result
    _cache.move_to_end(key)
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)


def _file_name(fingerprint: str, method: str, tol: float, min_len: float) -> str:
    return f"adjacency-{fingerprint}-{method}-{tol!r}-{min_len!r}.npz"


def _save(path: Path, result: Adjacency) -> None:
    """Write atomically; a failure to write is logged, not raised (the cache is optional)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(path) as tmp:
            with open(tmp, "wb") as fh:
                np.savez(
                    fh,
                    version=np.int64(_FORMAT_VERSION),
                    i=result.i,
                    j=result.j,
                    length_m=result.length_m,
                    perimeter_m=result.perimeter_m,
                    n=np.int64(result.n),
                    method=np.str_(result.method),
                    tolerance=np.float64(result.tolerance),
                    min_length_m=np.float64(result.min_length_m),
                    seconds=np.float64(result.seconds),
                    fingerprint=np.str_(result.fingerprint),
                )
    except OSError as exc:
        logger.warning("could not write the adjacency cache %s: %s", path, exc)


def _load(path: Path, fingerprint: str, n: int) -> Adjacency | None:
    """Read a cached table; None (and a warning if the file is unusable) when absent."""
    if not path.is_file():
        return None
    try:
        # our own handle: np.load leaves its file open when the archive is broken
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as f:
            if (
                int(f["version"]) != _FORMAT_VERSION
                or str(f["fingerprint"]) != fingerprint
                or int(f["n"]) != n
            ):
                raise ValueError("written for other geometries or by another version")
            return Adjacency(
                i=f["i"],
                j=f["j"],
                length_m=f["length_m"],
                perimeter_m=f["perimeter_m"],
                n=int(f["n"]),
                method=str(f["method"]),
                tolerance=float(f["tolerance"]),
                min_length_m=float(f["min_length_m"]),
                seconds=float(f["seconds"]),
                fingerprint=fingerprint,
                source="disk",
            )
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        logger.warning("ignoring the adjacency cache %s (%s); recomputing", path, exc)
        return None
