"""Read, map, validate and measure a parcel layer.

The parcel layer is the only spatial input of landopt. This module turns a user's file
(GeoJSON, GeoPackage, Shapefile, FlatGeobuf, GeoParquet) or an in-memory GeoDataFrame
into the canonical layer every later step relies on:

- columns renamed to landopt's names (``parcel_id``, ``status``, ...; see
  :data:`landopt._fields.CORE_FIELDS`), statuses normalised to
  :data:`landopt._fields.STATUSES`, numeric fields as ``float64``, ``parcel_id`` as string;
- reprojected to the working (area) CRS chosen by :func:`area_crs_for`;
- ``area_mu`` computed from the geometry, the declared area (if any) kept in
  ``area_mu_declared``;
- a clean ``RangeIndex``.

Every problem is collected first; errors are raised together as one
:class:`~landopt.errors.ParcelDataError`, warnings are logged and stored in
``gdf.attrs["landopt_problems"]``.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> raw = gpd.GeoDataFrame(
...     {"地块编号": ["A1", "A2"], "状态": ["低效", "闲置"]},
...     geometry=[box(589000, 4074000, 589100, 4074100), box(589200, 4074000, 589300, 4074100)],
...     crs="EPSG:4548",
... )
>>> gdf = prepare_parcels(raw, columns={"地块编号": "parcel_id", "状态": "status"})
>>> gdf[["parcel_id", "status", "area_mu"]].to_dict("records")
[{'parcel_id': 'A1', 'status': 'inefficient', 'area_mu': 15.0}, {'parcel_id': 'A2', 'status': 'idle', 'area_mu': 15.0}]
"""

from __future__ import annotations

import codecs
import difflib
import logging
import re
import time
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from landopt._fields import (
    COLUMN_HINTS,
    CORE_FIELDS,
    COST_FIELDS,
    DECLARED_AREA_FIELD,
    DEFAULT_AREA_CRS,
    DEFAULT_AREA_CRS_LON,
    INPUT_CRS_ATTR,
    MAX_ABS_VALUE,
    MAX_TEXT_LENGTH,
    NUMERIC_FIELDS,
    PROBLEMS_ATTR,
    REQUIRED_FIELDS,
    SOURCE_ATTR,
    SQM_PER_MU,
    STATUS_ALIASES,
    STATUSES,
)
from landopt.errors import InputError, ParcelDataError, Problem

__all__ = [
    "FORMATS",
    "OVERLAP_TOLERANCE",
    "area_crs_for",
    "compute_area_mu",
    "prepare_parcels",
    "read_parcels",
    "summarize_parcels",
    "validate_parcels",
]

logger = logging.getLogger(__name__)

#: File suffixes landopt reads, and the format each stands for.
FORMATS: dict[str, str] = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".zip": "zipped Shapefile",
    ".fgb": "FlatGeobuf",
    ".parquet": "GeoParquet",
    ".geoparquet": "GeoParquet",
}

#: Two parcels overlapping by more than this share of the smaller one are reported.
OVERLAP_TOLERANCE: float = 0.01

#: Latitudes (°N) of the centre of data for which the default (Chinese) area CRS is used.
_DEFAULT_AREA_CRS_LAT: tuple[float, float] = (3.0, 54.0)

_WEB_MERCATOR_CODES = frozenset({"3857", "900913", "3785", "3587", "102100", "102113", "41001"})

_CRS_FIX = (
    "assign the CRS the coordinates are in, e.g. gdf.set_crs('EPSG:4490') for CGCS2000 "
    "longitude/latitude or gdf.set_crs('EPSG:4548') for Gauss-Krüger 117°E metres "
    "(files: ogr2ogr -a_srs EPSG:4490 out.gpkg in.shp)"
)
_WEB_MERCATOR_FIX = (
    "areas in Web Mercator are about 56 % too large here: reproject to EPSG:4490 or "
    "EPSG:4548 first (gdf.to_crs('EPSG:4548'); files: ogr2ogr -t_srs EPSG:4548 out.gpkg in.shp)"
)

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

_UNITS: dict[str, str] = {
    "area_mu": "mu",
    "far": "floor-area ratio",
    "building_coef": "share of the plot, 0-1",
    "tax_wan_per_mu": "万元 per mu per year",
    "idle_years": "years",
    "land_price_paid_wan": "万元",
    "benefit_tax_after_wan_per_mu": "万元 per mu per year",
    "benefit_tax_gain_wan": "万元 per year",
    "floor_area_added_m2": "m²",
    "difficulty": "1-5",
    **dict.fromkeys(COST_FIELDS, "万元 for the whole parcel"),
}

_MAX_LOGGED = 20


class _SharedProblems(tuple):
    """An immutable tuple of problems that pandas shares instead of deep-copying.

    pandas deep-copies ``DataFrame.attrs`` on most operations; a plain list of 100 000
    problems would make each of them take seconds.
    """

    __slots__ = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> _SharedProblems:
        return self


# ----------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------


def read_parcels(
    path: str | PathLike[str],
    *,
    layer: str | None = None,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    status_values: Mapping[str, str] | None = None,
    crs: Any = None,
    repair: bool = False,
    area_tolerance: float = 0.01,
) -> gpd.GeoDataFrame:
    """Read a parcel layer from a file, validate it and return it in the working CRS.

    Parameters
    ----------
    path
        A ``.geojson``/``.json``, ``.gpkg``, ``.shp`` (or a zipped shapefile ``.zip``),
        ``.fgb`` or ``.parquet``/``.geoparquet`` file (GeoParquet needs ``pyarrow``).
    layer
        The layer to read from a file with several (GeoPackage). Required when the file
        has more than one spatial layer.
    encoding
        Text encoding of a Shapefile's attribute table, e.g. ``"GB18030"`` or ``"GBK"``.
        By default the ``.cpg`` file is honoured; without one, UTF-8 and GB18030 are tried
        (with a warning) before GDAL's Latin-1 default.
    columns
        Your column names mapped to landopt's, e.g.
        ``{"地块编号": "parcel_id", "面积": "area_mu", "状态": "status"}``.
    status_values
        Your status spellings mapped to landopt's statuses (:data:`~landopt._fields.STATUSES`),
        on top of the built-in :data:`~landopt._fields.STATUS_ALIASES`.
    crs
        The projected CRS (in metres) to compute areas in and return the layer in; anything
        :meth:`pyproj.CRS.from_user_input` accepts. By default see :func:`area_crs_for`.
        This is not a way to assign a missing CRS: fix the file instead.
    repair
        Fix invalid geometries with :func:`shapely.make_valid` (keeping polygonal parts)
        instead of reporting them as errors; each repair is reported as a warning.
    area_tolerance
        Relative difference between a declared ``area_mu`` and the geometry's area above
        which a warning is reported (0.01 = 1 %).

    Returns
    -------
    geopandas.GeoDataFrame
        The canonical parcel layer; see :func:`prepare_parcels`.

    Raises
    ------
    InputError
        The file is missing, of an unknown format, unreadable, or has several layers and
        no ``layer`` was given. The message is one line naming the file.
    ParcelDataError
        The layer has errors; ``.problems`` lists all of them (and the warnings).
    """
    p = Path(path)
    started = time.perf_counter()
    raw, problems = _read_file(p, layer=layer, encoding=encoding)
    if FORMATS.get(p.suffix.lower(), "").endswith("Shapefile"):
        raw = _restore_truncated_names(raw, columns or {}, problems)
    logger.debug("read %d features from %s in %.2f s", len(raw), p, time.perf_counter() - started)
    return _prepare_or_raise(
        raw,
        columns=columns,
        status_values=status_values,
        crs=crs,
        repair=repair,
        area_tolerance=area_tolerance,
        source=str(p),
        problems=problems,
    )


def prepare_parcels(
    gdf: gpd.GeoDataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    status_values: Mapping[str, str] | None = None,
    crs: Any = None,
    repair: bool = False,
    area_tolerance: float = 0.01,
    source: str = "<GeoDataFrame>",
) -> gpd.GeoDataFrame:
    """Validate an in-memory parcel layer and return it in canonical form.

    The same pipeline as :func:`read_parcels`, minus the file reading. The input is not
    modified. Preparing an already prepared layer gives the same layer back.

    Parameters
    ----------
    gdf
        Parcels, one polygon or multipolygon per row, with at least ``parcel_id`` and
        ``status`` (after ``columns`` is applied) and a CRS.
    columns, status_values, crs, repair, area_tolerance
        As in :func:`read_parcels`.
    source
        Name of the layer in messages.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns: the core fields present, in :data:`~landopt._fields.CORE_FIELDS` order,
        then ``area_mu_declared`` (when the input had an area), then any other columns,
        then ``geometry``. ``parcel_id`` and ``status`` are strings, the numeric fields
        ``float64`` (``NaN`` where missing), ``area_mu`` is computed from the geometry in
        the working CRS, which is ``gdf.crs``. The index is a ``RangeIndex``.
        ``attrs["landopt_problems"]`` holds the warnings (a tuple of
        :class:`~landopt.errors.Problem`), ``attrs["landopt_input_crs"]`` the input CRS
        and ``attrs["landopt_source"]`` the source.

    Raises
    ------
    ParcelDataError
        The layer has errors; ``.problems`` lists all of them (and the warnings).
    """
    return _prepare_or_raise(
        gdf,
        columns=columns,
        status_values=status_values,
        crs=crs,
        repair=repair,
        area_tolerance=area_tolerance,
        source=source,
        problems=[],
    )


def validate_parcels(
    gdf: gpd.GeoDataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    status_values: Mapping[str, str] | None = None,
    crs: Any = None,
    repair: bool = False,
    area_tolerance: float = 0.01,
) -> list[Problem]:
    """List every problem of an in-memory parcel layer, errors and warnings alike.

    Pure: the input is not modified and nothing is raised for bad data. This runs exactly
    the checks of :func:`prepare_parcels`.

    Parameters
    ----------
    gdf
        Parcels as given to :func:`prepare_parcels`.
    columns, status_values, crs, repair, area_tolerance
        As in :func:`read_parcels`.

    Returns
    -------
    list of Problem
        In the order found; ``severity`` tells errors from warnings.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> raw = gpd.GeoDataFrame(
    ...     {"parcel_id": ["A1"], "status": ["derelict"]},
    ...     geometry=[box(589000, 4074000, 589100, 4074100)],
    ...     crs="EPSG:4548",
    ... )
    >>> [(p.where, p.field, p.severity) for p in validate_parcels(raw)]
    [('parcel A1', 'status', 'error')]
    """
    _, problems = _prepare(
        gdf,
        columns=columns,
        status_values=status_values,
        crs=crs,
        repair=repair,
        area_tolerance=area_tolerance,
        problems=[],
    )
    return problems


def area_crs_for(gdf: gpd.GeoDataFrame | gpd.GeoSeries, crs: Any = None) -> CRS:
    """Choose the projected CRS in which parcel areas are computed (the working CRS).

    In order: the CRS you name; the layer's own CRS when it is projected in metres (e.g.
    EPSG:4548, EPSG:4527, a UTM zone); EPSG:4548 (CGCS2000 Gauss-Krüger, 117°E) when the
    centre of the data lies in 115.5-118.5°E in China; otherwise the local UTM zone
    (:meth:`geopandas.GeoSeries.estimate_utm_crs`).

    Parameters
    ----------
    gdf
        The parcels (only the CRS and the bounds are used).
    crs
        A projected CRS in metres to use instead; anything
        :meth:`pyproj.CRS.from_user_input` accepts.

    Returns
    -------
    pyproj.CRS

    Raises
    ------
    InputError
        The layer has no CRS, is in Web Mercator, its coordinates do not fit its CRS, or
        ``crs`` is not a projected CRS in metres.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> area_crs_for(gpd.GeoSeries([Point(118.0, 36.8)], crs="EPSG:4490")).to_string()
    'EPSG:4548'
    >>> area_crs_for(gpd.GeoSeries([Point(10.0, 50.0)], crs="EPSG:4326")).to_string()
    'EPSG:32632'
    """
    geoms = gdf.geometry.values if isinstance(gdf, gpd.GeoDataFrame) else gdf.values
    problems: list[Problem] = []
    work = _area_crs(gdf.crs, shapely.total_bounds(np.asarray(geoms)), crs, problems)
    errors = [p for p in problems if p.severity == "error"]
    if work is None or errors:
        raise InputError("; ".join(_problem_sentence(p) for p in errors))
    return work


def compute_area_mu(gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, crs: Any = None) -> pd.Series:
    """Area of each parcel in mu, from the geometry in a projected CRS.

    Parameters
    ----------
    gdf
        Parcels in any CRS landopt accepts (see :func:`area_crs_for`).
    crs
        The projected CRS to measure in; by default :func:`area_crs_for` chooses.

    Returns
    -------
    pandas.Series
        Named ``area_mu``, on the index of ``gdf``; ``NaN`` for missing geometries.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> square = gpd.GeoSeries([box(589000, 4074000, 589100, 4074100)], crs="EPSG:4548")
    >>> float(compute_area_mu(square).iloc[0])  # 100 m x 100 m = 1 ha = 15 mu
    15.0
    """
    series = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    work = area_crs_for(series, crs)
    if not work.equals(series.crs):
        series = series.to_crs(work)
    return pd.Series(shapely.area(series.values) / SQM_PER_MU, index=series.index, name="area_mu")


def summarize_parcels(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """Count parcels and mu by status, by township and by status and township.

    Parameters
    ----------
    gdf
        A prepared parcel layer (with ``status``; ``area_mu`` is computed when missing;
        ``township`` is optional).

    Returns
    -------
    dict
        ``"parcels"`` (int), ``"area_mu"`` (float); ``"by_status"``: a DataFrame indexed
        by status (in :data:`~landopt._fields.STATUSES` order, only those present) with
        columns ``parcels`` and ``area_mu``; ``"by_township"``: the same by township
        (``None`` when the layer has no ``township``; missing townships are ``"(none)"``);
        ``"by_status_township"``: ``area_mu`` as a table, townships as rows and statuses
        as columns, 0 where empty (``None`` without ``township``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> raw = gpd.GeoDataFrame(
    ...     {"parcel_id": ["A1", "A2"], "status": ["idle", "idle"]},
    ...     geometry=[box(589000, 4074000, 589100, 4074100), box(589200, 4074000, 589300, 4074100)],
    ...     crs="EPSG:4548",
    ... )
    >>> s = summarize_parcels(prepare_parcels(raw))
    >>> s["parcels"], s["area_mu"], int(s["by_status"].loc["idle", "parcels"])
    (2, 30.0, 2)
    """
    area = gdf["area_mu"] if "area_mu" in gdf else compute_area_mu(gdf)
    area = pd.Series(np.asarray(area, dtype=float), index=gdf.index)
    status = gdf["status"].astype(object).where(gdf["status"].notna(), "(none)")
    frame = pd.DataFrame({"status": status, "area_mu": area})
    order = [s for s in STATUSES if s in set(status)] + sorted(set(status) - set(STATUSES))
    by_status = (
        frame.groupby("status", sort=False)["area_mu"]
        .agg(parcels="size", area_mu="sum")
        .reindex(order)
    )
    by_status.index.name = "status"
    out: dict[str, Any] = {
        "parcels": len(gdf),
        "area_mu": float(area.sum()),
        "by_status": by_status,
        "by_township": None,
        "by_status_township": None,
    }
    if "township" in gdf:
        township = gdf["township"].astype(object)
        township = township.where(township.notna() & (township.astype(str) != ""), "(none)")
        frame["township"] = township.astype(str)
        by_township = (
            frame.groupby("township")["area_mu"]
            .agg(parcels="size", area_mu="sum")
            .sort_values("area_mu", ascending=False, kind="stable")
        )
        out["by_township"] = by_township
        out["by_status_township"] = (
            frame.pivot_table(
                index="township", columns="status", values="area_mu", aggfunc="sum", fill_value=0.0
            )
            .reindex(index=by_township.index, columns=order, fill_value=0.0)
            .rename_axis(index="township", columns="status")
        )
    return out


# ----------------------------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------------------------


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    # GDAL's advice about driver prefixes does not apply to landopt users.
    text = text.split("; It might help to specify the correct driver")[0]
    return text or type(exc).__name__


def _read_file(
    path: Path, *, layer: str | None, encoding: str | None
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the parcel file itself (e.g. parcels.gpkg)")
    suffix = path.suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        known = ", ".join(f"{s} ({f})" for s, f in FORMATS.items())
        raise InputError(f"{path}: unknown format '{suffix}'; landopt reads {known}")
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(
                f"{path}: unknown encoding '{encoding}'; use e.g. GB18030, GBK or UTF-8"
            ) from None
    if fmt == "GeoParquet":
        return _read_parquet(path), []

    # Only containers can hold several layers; listing a GeoJSON's layers parses it whole.
    layers = []
    if fmt in ("GeoPackage", "zipped Shapefile") or layer is not None:
        try:
            layers = pyogrio.list_layers(path)
        except Exception as exc:
            raise InputError(f"{path}: cannot read this {fmt} file: {_one_line(exc)}") from exc
    names = [str(n) for n, _ in layers]
    spatial = [str(n) for n, geom_type in layers if geom_type is not None]
    if layer is None:
        if len(spatial) > 1:
            raise InputError(
                f"{path}: {len(spatial)} layers ({', '.join(spatial)}); choose one with "
                f"layer='NAME' (CLI: --layer NAME)"
            )
        if len(spatial) == 1 and len(names) > 1:
            layer = spatial[0]
    elif layer not in names:
        near = difflib.get_close_matches(layer, names, n=1, cutoff=0.5)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        raise InputError(
            f"{path}: no layer '{layer}'; the file has {', '.join(names) or 'no layers'}{hint}"
        )

    problems: list[Problem] = []
    if fmt == "Shapefile" and encoding is None:
        encoding, problems = _guess_shapefile_encoding(path)
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer, encoding=encoding)
    except Exception as exc:
        hint = ""
        if "too many characters" in str(exc).lower():
            hint = (
                " -> a value is far too long (likely a text field holding a pasted document "
                f"or a run-away string; landopt accepts at most {MAX_TEXT_LENGTH:,} characters "
                "in a field): find it at that position in the file and shorten it"
            )
        raise InputError(f"{path}: cannot read this {fmt} file: {_one_line(exc)}{hint}") from exc
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(f"{path}: the layer has no geometry column; parcels must be polygons")
    return gdf, problems


def _read_parquet(path: Path) -> gpd.GeoDataFrame:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise InputError(
            f"{path}: reading GeoParquet needs the pyarrow package -> pip install pyarrow, "
            f"or convert the file: ogr2ogr {path.with_suffix('.gpkg').name} {path.name}"
        ) from None
    try:
        return gpd.read_parquet(path)
    except Exception as exc:
        raise InputError(f"{path}: cannot read this GeoParquet file: {_one_line(exc)}") from exc


def _sidecar(path: Path, suffix: str) -> Path | None:
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.exists():
            return candidate
    return None


def _restore_truncated_names(
    gdf: gpd.GeoDataFrame, columns: Mapping[str, str], problems: list[Problem]
) -> gpd.GeoDataFrame:
    """Rename fields a Shapefile cut to 10 characters (``cost_clear``) back to ours."""
    known = [f for f in (*CORE_FIELDS, DECLARED_AREA_FIELD) if len(f) > 10]
    prefixes: dict[str, list[str]] = {}
    for field in known:
        prefixes.setdefault(field[:10], []).append(field)
    present = set(map(str, gdf.columns))
    taken = present | set(columns.values())
    rename = {
        short: fields[0]
        for short, fields in prefixes.items()
        if len(fields) == 1 and short in present and short not in columns and fields[0] not in taken
    }
    if rename:
        pairs = ", ".join(f"{a} -> {b}" for a, b in rename.items())
        problems.append(
            Problem(
                "file",
                "",
                f"field names cut to 10 characters by the Shapefile format were restored: {pairs}",
                "nothing to do if this is right; otherwise map the columns yourself "
                "(CLI: --map), or use GeoPackage, which keeps full names",
                "warning",
            )
        )
    return gdf.rename(columns=rename)


def _guess_shapefile_encoding(path: Path) -> tuple[str | None, list[Problem]]:
    """Encoding to read a shapefile with when it has no ``.cpg`` (None: let GDAL decide)."""
    if _sidecar(path, ".cpg") is not None:
        return None, []
    try:
        gdal_encoding = pyogrio.read_info(path).get("encoding")
    except Exception:  # the read proper reports the error
        return None, []
    if gdal_encoding not in (None, "", "ISO-8859-1"):
        return None, []  # GDAL found a code page in the DBF header
    dbf = _sidecar(path, ".dbf")
    if dbf is None:
        return None, []
    with open(dbf, "rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            return None, []
        header_len = int.from_bytes(head[8:10], "little")
        descriptors = fh.read(max(header_len - 32, 0))
        records = fh.read(4_000_000)
    names = b" ".join(
        descriptors[i : i + 11].split(b"\x00")[0] for i in range(0, len(descriptors) - 31, 32)
    )
    sample = names + b" " + records
    if sample.isascii():
        return None, []
    for candidate in ("UTF-8", "GB18030"):
        try:
            codecs.getincrementaldecoder(candidate)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return candidate, [
            Problem(
                "file",
                "",
                f"{path.name} has no .cpg file; its text was decoded as {candidate} (guessed)",
                f"add {path.with_suffix('.cpg').name} containing '{candidate}', or pass "
                f"encoding='{candidate}' (CLI: --encoding {candidate})",
                "warning",
            )
        ]
    return None, [
        Problem(
            "file",
            "",
            f"{path.name} has no .cpg file and its text is neither UTF-8 nor GB18030; "
            "it was read as Latin-1 and Chinese text may be garbled",
            "pass the right encoding (CLI: --encoding NAME) or add a .cpg file naming it",
            "warning",
        )
    ]


# ----------------------------------------------------------------------------------------
# The pipeline
# ----------------------------------------------------------------------------------------


def _prepare_or_raise(
    gdf: gpd.GeoDataFrame,
    *,
    columns: Mapping[str, str] | None,
    status_values: Mapping[str, str] | None,
    crs: Any,
    repair: bool,
    area_tolerance: float,
    source: str,
    problems: list[Problem],
) -> gpd.GeoDataFrame:
    started = time.perf_counter()
    out, problems = _prepare(
        gdf,
        columns=columns,
        status_values=status_values,
        crs=crs,
        repair=repair,
        area_tolerance=area_tolerance,
        problems=problems,
    )
    logger.debug("validated %d parcels in %.2f s", len(gdf), time.perf_counter() - started)
    warnings = [p for p in problems if p.severity == "warning"]
    for p in warnings[:_MAX_LOGGED]:
        logger.warning("%s: %s", source, p)
    if len(warnings) > _MAX_LOGGED:
        logger.warning(
            "%s: ... and %d more warnings (all are in gdf.attrs[%r])",
            source,
            len(warnings) - _MAX_LOGGED,
            PROBLEMS_ATTR,
        )
    if out is None:
        raise ParcelDataError(source, problems)
    out.attrs[SOURCE_ATTR] = source
    logger.info(
        "%s: %d parcels, %.1f mu, working CRS %s",
        source,
        len(out),
        float(out["area_mu"].sum()),
        out.crs.to_string(),
    )
    return out


def _prepare(
    gdf: gpd.GeoDataFrame,
    *,
    columns: Mapping[str, str] | None,
    status_values: Mapping[str, str] | None,
    crs: Any,
    repair: bool,
    area_tolerance: float,
    problems: list[Problem],
) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """Run every check; return the canonical layer (None when there are errors)."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"expected a geopandas.GeoDataFrame, got {type(gdf).__name__}")
    if not area_tolerance >= 0:
        raise ValueError(f"area_tolerance must be >= 0, got {area_tolerance!r}")
    problems = list(problems)
    input_crs = gdf.crs
    df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).reset_index(drop=True)
    if INPUT_CRS_ATTR in gdf.attrs and DECLARED_AREA_FIELD not in df and "area_mu" in df:
        # A layer landopt prepared before: its area_mu is our computation, not a declaration.
        df = df.drop(columns="area_mu")
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    n = len(df)
    if n == 0:
        problems.append(
            Problem("file", "", "the layer has no parcels", "check the file and the layer")
        )

    df = _apply_columns(df, columns, problems)
    for field in REQUIRED_FIELDS:
        if field not in df:
            problems.append(_missing_field_problem(field, list(df.columns)))

    ids, labels = _check_ids(df, problems)
    _check_text_length(df, labels, problems)
    status = _check_status(df, status_values, labels, problems)
    numeric = _check_numeric(df, labels, problems)

    bounds = shapely.total_bounds(geoms) if n else np.full(4, np.nan)
    work_crs = _area_crs(input_crs, bounds, crs, problems)
    if work_crs is not None and not work_crs.equals(input_crs):
        geoms = np.asarray(
            gpd.GeoSeries(geoms, crs=input_crs).to_crs(work_crs).values, dtype=object
        )
    to_mu = None if work_crs is None else 1.0 / SQM_PER_MU
    geoms, usable = _check_geometry(geoms, labels, repair=repair, to_mu=to_mu, problems=problems)

    area = None
    if work_crs is not None:
        area = shapely.area(geoms) / SQM_PER_MU
        declared = _declared_area(df, numeric)
        if declared is not None:
            _check_declared_area(area, declared, usable, labels, area_tolerance, problems)
        _check_overlaps(geoms, area, usable, labels, problems)

    if any(p.severity == "error" for p in problems) or work_crs is None or area is None:
        return None, problems

    declared = _declared_area(df, numeric)
    for field, values in numeric.items():
        df[field] = values
    df["parcel_id"] = ids.astype(str)
    df["status"] = status.astype(str)
    df["area_mu"] = area
    if declared is not None:
        df[DECLARED_AREA_FIELD] = declared
    core = [f for f in CORE_FIELDS if f in df]
    extra = [DECLARED_AREA_FIELD] if declared is not None else []
    rest = [c for c in df.columns if c not in core and c not in extra]
    df = df[core + extra + rest]
    out = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=work_crs), crs=work_crs)
    out.attrs[PROBLEMS_ATTR] = _SharedProblems(problems)
    out.attrs[INPUT_CRS_ATTR] = gdf.attrs.get(INPUT_CRS_ATTR) or _crs_label(input_crs)
    return out, problems


# ----------------------------------------------------------------------------------------
# Columns and attribute checks
# ----------------------------------------------------------------------------------------


def _problem_sentence(p: Problem) -> str:
    return f"{p.what} -> {p.fix}" if p.fix else p.what


def _suggest_column(field: str, columns: Sequence[str]) -> str | None:
    lowered = {str(c).casefold(): str(c) for c in columns}
    for hint in COLUMN_HINTS.get(field, ()):
        if hint.casefold() in lowered:
            return lowered[hint.casefold()]
    near = difflib.get_close_matches(field, [str(c) for c in columns], n=1, cutoff=0.6)
    return near[0] if near else None


def _list_columns(columns: Sequence[str], limit: int = 30) -> str:
    names = [str(c) for c in columns]
    text = ", ".join(names[:limit])
    if len(names) > limit:
        text += f", ... ({len(names)} in all)"
    return text or "(none)"


def _missing_field_problem(field: str, columns: Sequence[str]) -> Problem:
    near = _suggest_column(field, columns)
    if near is not None:
        fix = (
            f"did you mean '{near}'? map it: columns={{'{near}': '{field}'}} "
            f"(CLI: --map {near}={field})"
        )
    else:
        fix = (
            f"add a '{field}' column, or map yours: columns={{'YOUR_COLUMN': '{field}'}} "
            f"(CLI: --map YOUR_COLUMN={field})"
        )
    return Problem(
        "file",
        field,
        f"missing required field '{field}'; the layer has columns: {_list_columns(columns)}",
        fix,
    )


def _apply_columns(
    df: pd.DataFrame, columns: Mapping[str, str] | None, problems: list[Problem]
) -> pd.DataFrame:
    if not columns:
        return df
    existing = [str(c) for c in df.columns]
    rename: dict[str, str] = {}
    for src, dst in columns.items():
        if src not in df.columns:
            near = difflib.get_close_matches(str(src), existing, n=1, cutoff=0.5)
            fix = (
                f"did you mean '{near[0]}'?"
                if near
                else f"the layer has columns: {_list_columns(existing)}"
            )
            problems.append(
                Problem("column mapping", str(dst), f"column '{src}' is not in the layer", fix)
            )
            continue
        rename[src] = dst
    targets = list(rename.values())
    for dst in sorted({t for t in targets if targets.count(t) > 1}):
        sources = [s for s, t in rename.items() if t == dst]
        problems.append(
            Problem(
                "column mapping",
                dst,
                f"columns {', '.join(repr(s) for s in sources)} are all mapped to '{dst}'",
                "map only one of them",
            )
        )
    for src, dst in rename.items():
        if dst in df.columns and dst not in rename and dst != src:
            problems.append(
                Problem(
                    "column mapping",
                    dst,
                    f"'{src}' is mapped to '{dst}', but the layer already has a '{dst}' column",
                    f"drop or rename the existing '{dst}' column, or do not map '{src}'",
                )
            )
        if dst not in CORE_FIELDS and dst != DECLARED_AREA_FIELD:
            near = difflib.get_close_matches(dst, CORE_FIELDS, n=1, cutoff=0.75)
            if near:
                problems.append(
                    Problem(
                        "column mapping",
                        dst,
                        f"'{src}' is mapped to '{dst}', which landopt does not know",
                        f"did you mean '{near[0]}'?",
                        "warning",
                    )
                )
    return df.rename(columns=rename)


def _check_ids(df: pd.DataFrame, problems: list[Problem]) -> tuple[pd.Series, np.ndarray]:
    """Return ids as strings (NA when missing) and a label per row for messages."""
    n = len(df)
    rows = np.arange(1, n + 1)
    row_labels = np.array([f"row {i}" for i in rows], dtype=object)
    if "parcel_id" not in df:
        return pd.Series(pd.NA, index=df.index, dtype="string"), row_labels
    raw = df["parcel_id"]
    if pd.api.types.is_float_dtype(raw):
        finite = raw.dropna()
        if np.all(np.isfinite(finite)) and np.all(finite == np.round(finite)):
            raw = raw.astype("Int64")
    ids = raw.astype("string").str.strip()
    empty = ids.fillna("").eq("").to_numpy()
    dup = (ids.duplicated(keep=False).to_numpy()) & ~empty
    labels = np.where(empty, row_labels, "parcel " + ids.fillna("").to_numpy(dtype=object))
    labels = np.where(dup, labels + " (" + row_labels + ")", labels).astype(object)

    for i in np.flatnonzero(empty):
        problems.append(
            Problem(
                f"row {i + 1}",
                "parcel_id",
                "empty parcel id",
                "give every parcel a unique, non-empty id",
            )
        )
    if dup.any():
        groups = ids[dup].groupby(ids[dup], sort=False).groups
        for value, index in groups.items():
            rows_text = ", ".join(str(int(k) + 1) for k in index)
            problems.append(
                Problem(
                    f"parcel {value}",
                    "parcel_id",
                    f"id '{value}' is used by {len(index)} parcels, on rows {rows_text}",
                    "give every parcel a unique id (rows count features from 1)",
                )
            )
    return ids, labels


def _status_key(values: pd.Series) -> pd.Series:
    return (
        values.astype("string").str.strip().str.casefold().str.replace(r"[\s\-]+", "_", regex=True)
    )


def _status_key_one(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(value).strip().casefold())


def _allowed_statuses_text() -> str:
    groups: dict[str, list[str]] = {s: [] for s in STATUSES}
    for alias, canonical in STATUS_ALIASES.items():
        if alias != canonical:
            groups[canonical].append(alias)
    return "; ".join(f"{s} ({', '.join(a)})" if a else s for s, a in groups.items())


def _check_status(
    df: pd.DataFrame,
    status_values: Mapping[str, str] | None,
    labels: np.ndarray,
    problems: list[Problem],
) -> pd.Series:
    lookup = {_status_key_one(k): v for k, v in STATUS_ALIASES.items()}
    lookup.update({_status_key_one(s): s for s in STATUSES})
    for value, target in (status_values or {}).items():
        canonical = lookup.get(_status_key_one(target))
        if canonical is None:
            problems.append(
                Problem(
                    "status mapping",
                    "status",
                    f"'{value}' is mapped to '{target}', which is not a landopt status",
                    f"map it to one of {', '.join(STATUSES)}",
                )
            )
            continue
        lookup[_status_key_one(value)] = canonical
    if "status" not in df:
        return pd.Series(pd.NA, index=df.index, dtype="string")
    raw = df["status"]
    key = _status_key(raw)
    canonical = key.map(lookup)
    missing = key.fillna("").eq("").to_numpy()
    unknown = canonical.isna().to_numpy() & ~missing
    for i in np.flatnonzero(missing):
        problems.append(
            Problem(
                labels[i],
                "status",
                "missing status",
                f"give one of {', '.join(STATUSES)} (or a Chinese alias such as 低效, 闲置)",
            )
        )
    if unknown.any():
        allowed = _allowed_statuses_text()
        for i in np.flatnonzero(unknown):
            value = raw.iloc[i]
            problems.append(
                Problem(
                    labels[i],
                    "status",
                    f"unknown status {str(value)!r}",
                    f"use one of: {allowed}; or map your value: status_values="
                    f"{{{str(value)!r}: 'idle'}} (CLI: --status-map '{value}=idle')",
                )
            )
    return canonical.astype("string")


def _check_text_length(df: pd.DataFrame, labels: np.ndarray, problems: list[Problem]) -> None:
    """Name the rows and fields whose text is longer than MAX_TEXT_LENGTH characters."""
    for k, field in enumerate(df.columns):
        col = df.iloc[:, k]  # by position: a bad mapping can leave two columns one name
        if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            continue
        if pd.api.types.is_string_dtype(col) and not pd.api.types.is_object_dtype(col):
            lengths = col.str.len().fillna(0).to_numpy(dtype=np.int64)  # vectorised
        else:
            lengths = np.fromiter(
                (len(v) if isinstance(v, str) else 0 for v in col), np.int64, len(col)
            )
        for i in np.flatnonzero(lengths > MAX_TEXT_LENGTH):
            problems.append(
                Problem(
                    labels[i],
                    str(field),
                    f"text of {lengths[i]:,} characters (at most {MAX_TEXT_LENGTH:,})",
                    "shorten it: a field holds a value, not a document",
                )
            )


def _check_numeric(
    df: pd.DataFrame, labels: np.ndarray, problems: list[Problem]
) -> dict[str, np.ndarray]:
    """Check the numeric fields present; return them as float arrays (NaN when missing)."""
    out: dict[str, np.ndarray] = {}
    fields = [f for f in dict.fromkeys((*NUMERIC_FIELDS, DECLARED_AREA_FIELD)) if f in df]
    for field in fields:
        raw = df[field]
        unit = _UNITS.get(field, "the field's unit")
        if pd.api.types.is_bool_dtype(raw) or pd.api.types.is_numeric_dtype(raw):
            values = raw.to_numpy(dtype=float, na_value=np.nan)
            bad_text = np.zeros(len(raw), dtype=bool)
        else:
            text = raw.astype("string").str.strip()
            blank = text.fillna("").eq("")
            parsed = pd.to_numeric(text.mask(blank), errors="coerce")
            values = parsed.to_numpy(dtype=float, na_value=np.nan)
            bad_text = (~blank).to_numpy() & np.isnan(values)
        with np.errstate(invalid="ignore"):
            negative = values < 0
        infinite = np.isinf(values)
        for i in np.flatnonzero(bad_text):
            problems.append(
                Problem(
                    labels[i],
                    field,
                    f"not a number: {raw.iloc[i]!r}",
                    f"write a plain number in {unit} (e.g. 12.5, no units or thousands "
                    "separators), or leave it empty if unknown",
                )
            )
        for i in np.flatnonzero(infinite):
            problems.append(
                Problem(
                    labels[i],
                    field,
                    f"infinite value {raw.iloc[i]!r}",
                    f"write a finite number in {unit}, or leave it empty if unknown",
                )
            )
        with np.errstate(invalid="ignore"):
            huge = ~infinite & (np.abs(values) > MAX_ABS_VALUE)
        for i in np.flatnonzero(huge):
            problems.append(
                Problem(
                    labels[i],
                    field,
                    f"value {values[i]:g} is beyond any real one (at most {MAX_ABS_VALUE:g})",
                    f"check the units and the digits; write the value in {unit}",
                )
            )
        for i in np.flatnonzero(negative & ~infinite & ~huge):
            problems.append(
                Problem(
                    labels[i],
                    field,
                    f"negative value {values[i]:g}",
                    f"write a value >= 0 in {unit}, or leave it empty if unknown",
                )
            )
        out[field] = values
    return out


def _declared_area(df: pd.DataFrame, numeric: Mapping[str, np.ndarray]) -> np.ndarray | None:
    # A prepared layer keeps the original declaration in area_mu_declared; its area_mu
    # is our own computation and is recomputed.
    if DECLARED_AREA_FIELD in numeric:
        return numeric[DECLARED_AREA_FIELD]
    return numeric.get("area_mu")


def _check_declared_area(
    area: np.ndarray,
    declared: np.ndarray,
    usable: np.ndarray,
    labels: np.ndarray,
    tolerance: float,
    problems: list[Problem],
) -> None:
    ok = usable & np.isfinite(declared) & (declared >= 0) & (area > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(declared - area) / area
    bad = ok & (rel > tolerance)
    if not bad.any():
        return
    fix = (
        "landopt uses the area from the geometry; correct the declared area or the "
        "boundary if the difference is not expected"
    )
    compared = ok.sum()
    ratio = np.median(declared[bad] / area[bad])
    if bad.sum() >= 0.5 * compared:
        if abs(ratio / SQM_PER_MU - 1) < 0.02:
            fix = "the declared areas look like m², not mu (1 mu = 666.7 m²); " + fix
        elif abs(ratio * 15 - 1) < 0.02:
            fix = "the declared areas look like hectares, not mu (1 ha = 15 mu); " + fix
    for i in np.flatnonzero(bad):
        problems.append(
            Problem(
                labels[i],
                "area_mu",
                f"declared area {declared[i]:.2f} mu differs from the geometry's "
                f"{area[i]:.2f} mu by {100 * (declared[i] - area[i]) / area[i]:+.1f} %",
                fix,
                "warning",
            )
        )


# ----------------------------------------------------------------------------------------
# CRS
# ----------------------------------------------------------------------------------------


def _crs_label(crs: CRS | None) -> str:
    if crs is None:
        return "none"
    authority = crs.to_authority(min_confidence=90)
    code = f"{authority[0]}:{authority[1]}" if authority else None
    return f"{code} ({crs.name})" if code else crs.name


def _is_web_mercator(crs: CRS) -> bool:
    authority = crs.to_authority(min_confidence=70)
    if authority and authority[1] in _WEB_MERCATOR_CODES:
        return True
    epsg = crs.to_epsg(min_confidence=70)
    if epsg is not None and str(epsg) in _WEB_MERCATOR_CODES:
        return True
    method = crs.coordinate_operation.method_name.lower() if crs.coordinate_operation else ""
    name = crs.name.lower()
    return "pseudo mercator" in method or "web mercator" in name or "pseudo-mercator" in name


def _is_metric_projected(crs: CRS) -> bool:
    if not crs.is_projected:
        return False
    units = {(a.unit_name or "").lower() for a in crs.axis_info[:2]}
    return units <= {"metre", "meter", "m"}


def _area_crs(
    input_crs: CRS | None, bounds: np.ndarray, crs: Any, problems: list[Problem]
) -> CRS | None:
    """Pick the working CRS; append problems; None when the layer cannot be measured."""
    chosen: CRS | None = None
    if crs is not None:
        try:
            chosen = CRS.from_user_input(crs)
        except CRSError as exc:
            problems.append(
                Problem(
                    "file",
                    "crs",
                    f"unknown CRS {crs!r} ({_one_line(exc)})",
                    "name a projected CRS in metres, e.g. EPSG:4548 (Gauss-Krüger 117°E) "
                    "or EPSG:32650 (UTM 50N)",
                )
            )
        else:
            if _is_web_mercator(chosen) or not _is_metric_projected(chosen):
                problems.append(
                    Problem(
                        "file",
                        "crs",
                        f"{_crs_label(chosen)} cannot be used to measure areas",
                        "name a projected, area-true CRS in metres, e.g. EPSG:4548 "
                        "(Gauss-Krüger 117°E) or EPSG:32650 (UTM 50N)",
                    )
                )
                chosen = None

    if input_crs is None:
        problems.append(
            Problem("file", "crs", "the layer has no CRS, so its areas are unknown", _CRS_FIX)
        )
        return None
    if _is_web_mercator(input_crs):
        problems.append(
            Problem(
                "file",
                "crs",
                f"the layer is in Web Mercator ({_crs_label(input_crs)})",
                _WEB_MERCATOR_FIX,
            )
        )
        return None
    if crs is not None and chosen is None:
        return None

    finite = bool(np.all(np.isfinite(bounds)))
    if input_crs.is_geographic and finite:
        xmin, ymin, xmax, ymax = bounds
        swapped = (
            -90 <= xmin
            and xmax <= 90
            and -180 <= ymin
            and ymax <= 360
            and (ymin < -90 or ymax > 90)
        )
        if swapped:
            problems.append(
                Problem(
                    "file",
                    "crs",
                    f"longitude and latitude look swapped: x runs {xmin:.2f}-{xmax:.2f} and y "
                    f"{ymin:.2f}-{ymax:.2f}, so x holds latitudes and y longitudes (the file "
                    "was written latitude first, the official axis order of EPSG:4490/4326)",
                    "write the coordinates x = longitude, y = latitude, as GeoJSON, GeoPackage "
                    "and Shapefile require: swap the axes, e.g. gdf.geometry = "
                    "shapely.transform(gdf.geometry, lambda xy: xy[:, ::-1]), or export the "
                    "layer again from your GIS with longitude first",
                )
            )
            return None
        if xmin < -180 or xmax > 360 or ymin < -90 or ymax > 90:
            problems.append(
                Problem(
                    "file",
                    "crs",
                    f"the layer says {_crs_label(input_crs)} (degrees), but its coordinates "
                    f"reach x={xmax:.0f}, y={ymax:.0f}: they are metres of a projected CRS "
                    "(a GeoJSON file without a 'crs' member is read as WGS 84)",
                    "assign the CRS the coordinates are really in, e.g. "
                    "gdf.set_crs('EPSG:4548', allow_override=True) or "
                    "ogr2ogr -a_srs EPSG:4548 out.gpkg in.geojson",
                )
            )
            return None

    if chosen is not None:
        return chosen
    if _is_metric_projected(input_crs):
        _check_area_of_use(input_crs, bounds, finite, problems)
        return input_crs
    if not finite:  # nothing to place; use the domain's default
        return CRS.from_user_input(DEFAULT_AREA_CRS)
    lon, lat = _centre_lonlat(input_crs, bounds)
    lon_lo, lon_hi = DEFAULT_AREA_CRS_LON
    lat_lo, lat_hi = _DEFAULT_AREA_CRS_LAT
    if lon_lo <= lon <= lon_hi and lat_lo <= lat <= lat_hi:
        return CRS.from_user_input(DEFAULT_AREA_CRS)
    centre = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs="EPSG:4326")
    return centre.estimate_utm_crs()


def _centre_lonlat(crs: CRS, bounds: np.ndarray) -> tuple[float, float]:
    x = (bounds[0] + bounds[2]) / 2
    y = (bounds[1] + bounds[3]) / 2
    if crs.is_geographic:
        return float(x), float(y)
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = to_lonlat.transform(x, y)
    return float(lon), float(lat)


def _check_area_of_use(crs: CRS, bounds: np.ndarray, finite: bool, problems: list[Problem]) -> None:
    area = crs.area_of_use
    if area is None or not finite:
        return
    lon, lat = _centre_lonlat(crs, bounds)
    margin = 1.0
    inside = (
        np.isfinite(lon)
        and np.isfinite(lat)
        and area.west - margin <= lon <= area.east + margin
        and area.south - margin <= lat <= area.north + margin
    )
    if inside:
        return
    hint = ""
    fix = "check that the layer's CRS is the one its coordinates are in"
    try:
        slon, slat = _centre_lonlat(crs, bounds[[1, 0, 3, 2]])
    except Exception:  # pragma: no cover - a transform failure only loses the hint
        slon = slat = float("nan")
    if (
        np.isfinite(slon)
        and np.isfinite(slat)
        and area.west <= slon <= area.east
        and area.south <= slat <= area.north
    ):
        hint = (
            " but would lie inside it with x and y swapped: the coordinates are stored "
            "northing first"
        )
        fix = (
            f"{_crs_label(crs)}'s official axis order is northing, easting, but GeoJSON, "
            "GeoPackage and Shapefile (and landopt) always take x = easting: swap the axes, "
            "e.g. gdf.geometry = shapely.transform(gdf.geometry, lambda xy: xy[:, ::-1]), or "
            "export again from your GIS with easting first"
        )
    elif bounds[0] > 1e7:
        hint = (
            " (an easting above 10,000 km carries a zone number, as in EPSG:4527 "
            "for the 117°E zone)"
        )
    problems.append(
        Problem(
            "file",
            "crs",
            f"the centre of the data (x={(bounds[0] + bounds[2]) / 2:.0f}, "
            f"y={(bounds[1] + bounds[3]) / 2:.0f}) lies outside the area of use of "
            f"{_crs_label(crs)}{hint}",
            fix,
            "warning",
        )
    )


# ----------------------------------------------------------------------------------------
# Geometry
# ----------------------------------------------------------------------------------------


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
                "no geometry",
                "draw the parcel's outline or remove the row",
            )
        )
    for i in np.flatnonzero(empty):
        problems.append(
            Problem(
                labels[i],
                "geometry",
                "empty geometry",
                "draw the parcel's outline or remove the row",
            )
        )
    for i in np.flatnonzero(other):
        problems.append(
            Problem(
                labels[i],
                "geometry",
                f"a {_GEOM_TYPES.get(int(type_id[i]), 'non-polygon')}, not a polygon",
                "parcels must be polygons: replace it with the parcel's outline or remove it",
            )
        )

    usable = polygonal & ~invalid
    to_fix = np.flatnonzero(invalid | collection)
    if len(to_fix) and not repair:
        for i in to_fix:
            if collection[i]:
                what = "a GeometryCollection, not a polygon"
            else:
                what = f"invalid polygon: {shapely.is_valid_reason(geoms[i])}"
            problems.append(
                Problem(
                    labels[i],
                    "geometry",
                    what,
                    "fix it in your GIS, or repair=True (CLI: --repair) to apply "
                    "shapely.make_valid and keep the polygonal parts",
                )
            )
        return geoms, usable

    for i in to_fix:
        before = geoms[i]
        reason = (
            "a GeometryCollection"
            if collection[i]
            else f"invalid polygon ({shapely.is_valid_reason(before)})"
        )
        made = shapely.make_valid(before)
        fixed = _polygonal_part(made)
        if shapely.is_empty(fixed):
            problems.append(
                Problem(
                    labels[i],
                    "geometry",
                    f"{reason}; repairing it leaves no area",
                    "draw the parcel's outline again",
                )
            )
            continue
        geoms[i] = fixed
        usable[i] = True
        change = f"made valid as a {_GEOM_TYPES[int(shapely.get_type_id(fixed))]}"
        if to_mu is not None:
            change += (
                f", area {shapely.area(before) * to_mu:.2f} mu before, "
                f"{shapely.area(fixed) * to_mu:.2f} mu after"
            )
        if shapely.get_num_geometries(made) > shapely.get_num_geometries(fixed):
            change += "; points and lines dropped"
        problems.append(
            Problem(
                labels[i],
                "geometry",
                f"{reason}: {change}",
                "check the repaired outline, or fix the source data",
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
                f"the parcels overlap by {mu:.2f} mu ({100 * mu / small:.1f} % of the smaller)",
                "fix the boundaries so that parcels do not overlap, or the overlap is "
                "counted twice in areas and targets",
                "warning",
            )
        )
