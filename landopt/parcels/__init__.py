"""Read, map, validate and measure a parcel layer.

The parcel layer is the only spatial input of landopt. This module turns a user's file
(GeoJSON, GeoPackage, Shapefile, FlatGeobuf, GeoParquet) or an in-memory GeoDataFrame
(or a PostGIS table or query: the same checks run on the rows it returns)
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

The package has one module per job: :mod:`~landopt.parcels.read` (files),
:mod:`~landopt.parcels.postgis` (PostGIS tables and queries),
:mod:`~landopt.parcels.columns` (column and status mapping),
:mod:`~landopt.parcels.validate` (attribute checks), :mod:`~landopt.parcels.area`
(working CRS and areas), :mod:`~landopt.parcels.geometry` (geometry and overlap checks)
and :mod:`~landopt.parcels.summary`; this module runs them in order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landopt._fields import (
    CORE_FIELDS,
    DECLARED_AREA_FIELD,
    INPUT_CRS_ATTR,
    PROBLEMS_ATTR,
    REQUIRED_FIELDS,
    SOURCE_ATTR,
    SOURCE_SHA256_ATTR,
    SQM_PER_MU,
)
from landopt._pg import is_db_url
from landopt.errors import ParcelDataError, Problem
from landopt.parcels import _messages
from landopt.parcels._messages import msg
from landopt.parcels.area import _area_crs, _crs_label, area_crs_for, compute_area_mu
from landopt.parcels.columns import _apply_columns, _missing_field_problem
from landopt.parcels.geometry import OVERLAP_TOLERANCE, _check_geometry, _check_overlaps
from landopt.parcels.grouping import group_problems
from landopt.parcels.layout import ORIGINAL_ATTR, record_original
from landopt.parcels.ledger import join_ledger
from landopt.parcels.postgis import _read_postgis, rows_sha256
from landopt.parcels.read import FORMATS, _read_file, _restore_truncated_names
from landopt.parcels.summary import summarize_parcels
from landopt.parcels.validate import (
    _check_declared_area,
    _check_ids,
    _check_numeric,
    _check_status,
    _check_text_length,
    _declared_area,
)

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
    ledger: str | PathLike[str] | None = None,
    ledger_key: str | None = None,
    table: str | None = None,
    sql: str | None = None,
    geometry_column: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a parcel layer from a file or PostGIS, validate it and return it in the working CRS.

    Parameters
    ----------
    path
        A ``.geojson``/``.json``, ``.gpkg``, ``.shp`` (or a zipped shapefile ``.zip``),
        ``.fgb`` or ``.parquet``/``.geoparquet`` file (GeoParquet needs ``pyarrow``); or a
        PostgreSQL URL (``postgresql://user@host:5432/db``, the password from the URL,
        ``PGPASSWORD`` or ``~/.pgpass``) with ``table`` or ``sql``, or with the table after
        ``#`` (``postgresql://user@host/db#schema.table``).
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
    ledger
        A ledger (台账, ``.xlsx`` or ``.csv`` in UTF-8 or GBK) whose columns are added to
        the layer before the checks, matched on ``ledger_key``; ``columns`` maps them too.
        Unmatched keys on either side are warnings naming them; a key twice in the ledger
        or a column in both is an error. See :mod:`landopt.parcels.ledger`.
    ledger_key
        The ledger's key column; by default the layer's id column (the one ``columns``
        maps to ``parcel_id``).
    table
        With a PostgreSQL URL: the table (or view) to read, ``"table"`` or ``"schema.table"``.
    sql
        With a PostgreSQL URL, instead of ``table``: a ``SELECT`` whose rows are the parcels.
    geometry_column
        With a PostgreSQL URL: the geometry column, when the table or query has several.
        The CRS is the column's SRID.

    Returns
    -------
    geopandas.GeoDataFrame
        The canonical parcel layer; see :func:`prepare_parcels`. Read from a database,
        ``attrs["landopt_source_sha256"]`` is the input's hash
        (:func:`landopt.parcels.postgis.rows_sha256`).

    Raises
    ------
    InputError
        The file is missing, of an unknown format, unreadable, or has several layers and
        no ``layer`` was given; the database cannot be reached, has no such table, the query
        fails, has no geometry column or SRID 0. The message is one line naming the file or
        the table (never the password).
    ParcelDataError
        The layer has errors; ``.problems`` lists all of them (and the warnings).
    """
    started = time.perf_counter()
    digest = None
    if is_db_url(path):
        url = str(path)
        if "#" in url and table is None and sql is None:
            url, table = url.split("#", 1)
        raw, problems, source = _read_postgis(
            url, table=table or None, sql=sql, geometry_column=geometry_column
        )
        digest = rows_sha256(raw, url=url, table=table, sql=sql)
    else:
        p = Path(path)
        raw, problems = _read_file(p, layer=layer, encoding=encoding)
        if FORMATS.get(p.suffix.lower(), "").endswith("Shapefile"):
            raw = _restore_truncated_names(raw, columns or {}, problems)
        source = str(p)
    if ledger is not None:
        raw = join_ledger(raw, ledger, key=ledger_key, columns=columns, problems=problems)
    logger.debug(
        "read %d features from %s in %.2f s", len(raw), source, time.perf_counter() - started
    )
    out = _prepare_or_raise(
        raw,
        columns=columns,
        status_values=status_values,
        crs=crs,
        repair=repair,
        area_tolerance=area_tolerance,
        source=source,
        problems=problems,
    )
    if digest is not None:
        out.attrs[SOURCE_SHA256_ATTR] = digest
    return out


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
    # the same warning over many parcels is one line with a count and a few ids
    groups = group_problems(p for p in problems if p.severity == "warning")
    for g in groups[:_MAX_LOGGED]:
        logger.warning("%s: %s", source, g.text(_messages.LANG))
    if len(groups) > _MAX_LOGGED:
        logger.warning(
            "%s: ... and %d more kinds of warning (all are in gdf.attrs[%r])",
            source,
            len(groups) - _MAX_LOGGED,
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
        problems.append(Problem("file", "", msg("no_parcels.what"), msg("no_parcels.fix")))

    as_read = df.copy()  # the later steps assign into df
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
    # the planner's names and values as they came in, restored when the plan is written
    out.attrs[ORIGINAL_ATTR] = gdf.attrs.get(ORIGINAL_ATTR) or record_original(
        as_read, {s: d for s, d in (columns or {}).items() if s in as_read.columns}, ids
    )
    return out, problems
