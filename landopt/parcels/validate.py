"""Check the attribute table: ids, statuses, numbers, declared areas, text length.

Each check appends :class:`~landopt.errors.Problem` objects naming the parcel (its id, or
its row when the id is unusable) and returns the cleaned values.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from landopt._fields import (
    COST_FIELDS,
    DECLARED_AREA_FIELD,
    MAX_ABS_VALUE,
    MAX_TEXT_LENGTH,
    NUMERIC_FIELDS,
    SQM_PER_MU,
    STATUSES,
)
from landopt.errors import Problem
from landopt.parcels._messages import msg
from landopt.parcels.columns import _allowed_statuses_text, _status_key, _status_lookup

#: The unit of each numeric field, as a message key under ``errors.parcels.unit.`` (the
#: cost fields share one).
_UNITS: dict[str, str] = {f: "cost" if f in COST_FIELDS else f for f in NUMERIC_FIELDS}


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
                msg("empty_id.what"),
                msg("empty_id.fix"),
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
                    msg("duplicate_id.what", value=value, count=len(index), rows=rows_text),
                    msg("duplicate_id.fix"),
                )
            )
    return ids, labels


def _check_status(
    df: pd.DataFrame,
    status_values: Mapping[str, str] | None,
    labels: np.ndarray,
    problems: list[Problem],
) -> pd.Series:
    lookup = _status_lookup(status_values, problems)
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
                msg("missing_status.what"),
                msg("missing_status.fix", statuses=", ".join(STATUSES)),
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
                    msg("unknown_status.what", value=str(value)),
                    msg("unknown_status.fix", allowed=allowed, value=str(value)),
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
                    msg("text_too_long.what", length=lengths[i], limit=MAX_TEXT_LENGTH),
                    msg("text_too_long.fix"),
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
        unit = msg("unit." + _UNITS.get(field, "other"))
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
                    msg("not_a_number.what", value=raw.iloc[i]),
                    msg("not_a_number.fix", unit=unit),
                )
            )
        for i in np.flatnonzero(infinite):
            problems.append(
                Problem(
                    labels[i],
                    field,
                    msg("infinite.what", value=raw.iloc[i]),
                    msg("infinite.fix", unit=unit),
                )
            )
        with np.errstate(invalid="ignore"):
            huge = ~infinite & (np.abs(values) > MAX_ABS_VALUE)
        for i in np.flatnonzero(huge):
            problems.append(
                Problem(
                    labels[i],
                    field,
                    msg("huge.what", value=values[i], limit=MAX_ABS_VALUE),
                    msg("huge.fix", unit=unit),
                )
            )
        for i in np.flatnonzero(negative & ~infinite & ~huge):
            problems.append(
                Problem(
                    labels[i],
                    field,
                    msg("negative.what", value=values[i]),
                    msg("negative.fix", unit=unit),
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
    fix = msg("declared_area.fix")
    compared = ok.sum()
    ratio = np.median(declared[bad] / area[bad])
    if bad.sum() >= 0.5 * compared:
        if abs(ratio / SQM_PER_MU - 1) < 0.02:
            fix = msg("declared_area.fix_m2", fix=fix)
        elif abs(ratio * 15 - 1) < 0.02:
            fix = msg("declared_area.fix_ha", fix=fix)
    for i in np.flatnonzero(bad):
        problems.append(
            Problem(
                labels[i],
                "area_mu",
                msg(
                    "declared_area.what",
                    declared=declared[i],
                    area=area[i],
                    diff=100 * (declared[i] - area[i]) / area[i],
                ),
                fix,
                "warning",
            )
        )
