"""The planner's own columns and values, kept beside the canonical layer and restored on writing.

Reading renames the planner's columns to landopt's (``地块编号`` → ``parcel_id``) and
normalises their values (``低效`` → ``inefficient``, numbers as ``float64``): landopt needs
that layout internally. So that ``plan.gpkg`` still joins to the bureau's master data,
:func:`record_original` keeps the layer's attributes as they came in (names, values,
column order) in ``gdf.attrs["landopt_original"]``, keyed by the canonical ``parcel_id``
(so row subsets and reorderings keep it right), and :func:`planner_layer` builds the
written layer from it:

- the planner's columns first, with their own names, values and order;
- then landopt's result columns, named in the plan's language (``columns.<field>`` in
  :mod:`landopt.i18n`):

  ================== ============ ===========================================
  field              Chinese      what
  ================== ============ ===========================================
  ``action_label``   措施         the action's label (empty when none)
  ``action``         措施代码     the action's code, or ``none``
  ``eligible_actions`` 可选措施   the codes of the actions the parcel may get
  ``area_mu``        面积_亩      the area landopt computed from the geometry
  ================== ============ ===========================================

  a result name the planner's layer already uses gets the suffix ``columns.clash``
  (``_landopt``), so the planner's column is never overwritten;
- then any other column added to the canonical layer (e.g. ``action_alt1``), as named.

The layout (original column → canonical field, written result name → field) is stored
in the GeoPackage layer's metadata (``landopt_layout``), and :func:`from_planner_layer`
turns a written layer back into the canonical one (with its original record), so
:func:`landopt.plan.read_plan` reads both this layout and the older canonical one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt._fields import CORE_FIELDS, DECLARED_AREA_FIELD

__all__ = [
    "LAYOUT_KEY",
    "ORIGINAL_ATTR",
    "RESULT_FIELDS",
    "Original",
    "from_planner_layer",
    "guess_layout",
    "layout_json",
    "planner_layer",
    "read_layout",
    "record_original",
    "result_name",
]

#: ``GeoDataFrame.attrs`` key of the :class:`Original` record.
ORIGINAL_ATTR = "landopt_original"
#: GeoPackage layer-metadata key holding the layout as JSON.
LAYOUT_KEY = "landopt_layout"
#: landopt's result columns, in the order they are written.
RESULT_FIELDS: tuple[str, ...] = ("action_label", "action", "eligible_actions", "area_mu")


@dataclass(frozen=True)
class Original:
    """The planner's attributes as they came in.

    Attributes
    ----------
    columns
        Their column names, in the layer's order.
    canonical
        Each column → the landopt field it became (itself when not mapped).
    frame
        Their values, one row per parcel, indexed by the canonical ``parcel_id``.
    """

    columns: tuple[str, ...]
    canonical: Mapping[str, str]
    frame: pd.DataFrame

    def __deepcopy__(self, memo: dict[int, Any]) -> Original:
        # pandas deep-copies attrs on most operations: the record is never modified.
        return self


def record_original(original: pd.DataFrame, rename: Mapping[str, str], ids: pd.Series) -> Original:
    """The record of ``original`` (attributes as read) renamed by ``rename``, keyed by ``ids``."""
    columns = tuple(str(c) for c in original.columns)
    frame = original.copy()
    frame.columns = list(columns)
    frame.index = pd.Index(ids.astype(str).to_numpy(), name=None)
    return Original(columns, {c: str(rename.get(c, c)) for c in columns}, frame)


def result_name(field: str, lang: str | None) -> str:
    """The written name of a result column in ``lang`` (``action_label`` → ``措施`` in Chinese)."""
    from landopt.i18n import t

    return t(f"columns.{field}", lang)


def planner_layer(
    parcels: gpd.GeoDataFrame, lang: str | None
) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """The layer to write: the planner's columns as they came in, then landopt's results.

    Parameters
    ----------
    parcels
        The canonical plan layer (``action``, ``action_label``, ``eligible_actions``,
        ``area_mu``); with ``attrs["landopt_original"]`` when it was read by landopt.
    lang
        The result columns' language (``"zh"``: 措施, 措施代码, 可选措施, 面积_亩).

    Returns
    -------
    layer, layout
        The layer, and the layout to store with it (see :func:`from_planner_layer`).
    """
    geom = parcels.geometry.name
    orig: Original | None = parcels.attrs.get(ORIGINAL_ATTR)
    results = [f for f in RESULT_FIELDS if f in parcels.columns]
    data: dict[str, Any] = {}
    columns: dict[str, str] = {}
    if orig is not None:
        ids = parcels["parcel_id"].astype(str).to_numpy(dtype=object)
        pos = orig.frame.index.get_indexer(ids)  # (isin on Arrow strings: 1.2 s at 100k)
        known = pos >= 0
        take = np.where(known, pos, 0)
        for col in orig.columns:
            field = orig.canonical[col]
            if not len(orig.frame):
                values = np.full(len(ids), None)
            elif known.all() and _as_is(orig.frame[col]):
                # the column's own array, rows taken: no round trip of 100k texts through
                # Python objects and back to Arrow (0.45 s at 100k), the same values and dtype
                values = orig.frame[col].array.take(take)
            else:
                values = orig.frame[col].to_numpy()[take]
            if not known.all():  # a parcel added since reading: landopt's value, or empty
                values = values.astype(object)
                values[~known] = (
                    parcels[field].to_numpy(dtype=object)[~known]
                    if field in parcels.columns
                    else None
                )
            data[col] = values
            columns[col] = field
        covered = {*orig.canonical.values(), DECLARED_AREA_FIELD}
    else:
        covered = set()
    extras = [c for c in parcels.columns if c not in covered and c not in results and c != geom]
    if orig is None:
        for c in extras:
            data[c] = _values(parcels[c])
            columns[c] = c
        extras = []
    written: dict[str, str] = {}
    from landopt.i18n import t

    for f in results:
        name = result_name(f, lang)
        while name in data or name in extras:
            name += t("columns.clash", lang)
        data[name] = _values(parcels[f])
        written[name] = f
    for c in extras:
        data[c] = _values(parcels[c])
        written[c] = c
    layer = gpd.GeoDataFrame(
        pd.DataFrame(data, index=parcels.index),
        geometry=gpd.GeoSeries(parcels.geometry.values, index=parcels.index, crs=parcels.crs),
        crs=parcels.crs,
    )
    layout = {"version": 1, "columns": columns, "results": written}
    return layer, layout


def _as_is(column: pd.Series) -> bool:
    """Whether the column's own array gives the written layer the dtype its NumPy values
    would (texts, plain numbers, booleans), and for nullable integers (a programme's
    years), which stay integers with missing values rather than becoming objects and then
    reals; others (objects, categories, dates with a zone) go through NumPy, as they
    always did."""
    dtype = column.dtype
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iu":
        return True
    return isinstance(dtype, pd.StringDtype) or (
        isinstance(dtype, np.dtype) and dtype.kind in "biuf"
    )


def _values(column: pd.Series) -> Any:
    """A column's values for the written layer: its own array when that keeps the dtype
    (:func:`_as_is`; 100k Arrow texts need not become Python objects and Arrow again)."""
    return column.array if _as_is(column) else column.to_numpy()


#: Year columns of a programme plan (PROGRAMME.md): integers with missing values on reading.
_YEAR_FIELDS = ("year", "year_end", "year2")


def layout_json(layout: Mapping[str, Any]) -> str:
    """The layout as stored in the GeoPackage's layer metadata."""
    return json.dumps(layout, ensure_ascii=False)


def from_planner_layer(
    layer: gpd.GeoDataFrame,
    layout: Mapping[str, Any],
    status_values: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """The canonical layer of a layer written by :func:`planner_layer`, with its original record.

    The planner's columns are renamed to landopt's fields again, their statuses (with the
    scenario's ``status_values``, as on reading), ids and
    numbers normalised as on reading (:mod:`landopt.parcels.validate`); a planner's area
    column becomes ``area_mu_declared`` beside the computed ``area_mu``. Values that no
    longer normalise (an edited status) are left as they are for the check to judge.
    """
    from landopt.parcels.validate import _check_ids, _check_numeric, _check_status

    columns: dict[str, str] = dict(layout.get("columns", {}))
    results: dict[str, str] = dict(layout.get("results", {}))
    geom = layer.geometry.name
    present = [c for c in columns if c in layer.columns]
    original = pd.DataFrame(layer[present]).copy()
    rename = {}
    for col in present:
        field = columns[col]
        if field == "area_mu" and "area_mu" in results.values():
            field = DECLARED_AREA_FIELD
        rename[col] = field
    df = pd.DataFrame(layer.drop(columns=geom)).rename(columns={**rename, **results})
    df = df.loc[:, ~df.columns.duplicated()]
    scratch: list[Any] = []
    ids, labels = _check_ids(df, scratch)
    if "status" in df:
        status = _check_status(df, status_values, labels, scratch)
        df["status"] = np.where(status.isna(), df["status"].astype(object), status.astype(object))
    for field, values in _check_numeric(df, labels, scratch).items():
        df[field] = values
    if DECLARED_AREA_FIELD in df:
        df[DECLARED_AREA_FIELD] = pd.to_numeric(df[DECLARED_AREA_FIELD], errors="coerce")
    if "parcel_id" in df:
        df["parcel_id"] = ids.astype(str).to_numpy()
    for field in _YEAR_FIELDS:  # read as reals when a value is missing: integers again
        if field in df and field in {*results.values(), *columns.values()}:
            values = pd.to_numeric(df[field], errors="coerce")
            if values.dropna().mod(1).eq(0).all():
                df[field] = values.round().astype("Int64")
    core = [f for f in CORE_FIELDS if f in df]
    df = df[core + [c for c in df.columns if c not in core]]
    out = gpd.GeoDataFrame(df, geometry=layer.geometry.values, crs=layer.crs)
    out = out.rename_geometry(geom) if geom != "geometry" else out
    if "parcel_id" in out:
        out.attrs[ORIGINAL_ATTR] = record_original(original, {c: columns[c] for c in present}, ids)
    return out


def guess_layout(
    columns: Sequence[str], lang: str | None, mapping: Mapping[str, str]
) -> dict[str, Any] | None:
    """The layout of a written plan whose layer metadata was lost (rewritten by another tool).

    The result columns are found by their names in ``lang`` (with the clash suffix when
    that is the one present), the planner's by ``mapping`` (``[parcels] columns``). None
    when the layer is in landopt's own names already (the layout before the planner's).
    """
    from landopt.i18n import t

    present = set(map(str, columns))
    if "action" in present and ("parcel_id" in present or not mapping):
        return None
    results: dict[str, str] = {}
    for f in RESULT_FIELDS:
        name = result_name(f, lang)
        clashed = name + t("columns.clash", lang)
        if clashed in present:
            results[clashed] = f
        elif name in present:
            results[name] = f
    if "action" not in results.values():
        return None
    originals = {c: str(mapping.get(c, c)) for c in columns if c not in results}
    return {"version": 1, "columns": originals, "results": results}


def read_layout(info: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The layout stored in a GeoPackage layer's metadata (``pyogrio.read_info``), if any."""
    meta = (info or {}).get("layer_metadata") or {}
    text = meta.get(LAYOUT_KEY)
    if not text:
        return None
    try:
        layout = json.loads(text)
    except ValueError:
        return None
    return layout if isinstance(layout, dict) else None
