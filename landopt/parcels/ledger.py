"""Join a ledger (台账: an Excel sheet or a CSV) to the parcel layer by a key column.

Bureaus keep a parcel's attributes (holder, tax, costs) in an Excel ledger beside the
geometry. ``[parcels] ledger = "台账.xlsx"`` with ``ledger_key = "地块编号"`` adds the
ledger's columns to the layer before the checks, so ``[parcels] columns`` maps them like
the layer's own, and ``plan.gpkg`` carries them back.

- ``.xlsx``/``.xlsm``: the first sheet, first row the header (openpyxl).
- ``.csv``: UTF-8 (with or without BOM) or GBK/GB18030, detected: UTF-8 is tried first.
- The key: ``ledger_key`` names the ledger's column; the layer's column is its id column
  (the one ``[parcels] columns`` maps to ``parcel_id``, else ``parcel_id``); by default
  the ledger's key column has the same name. Keys are compared as text, stripped
  (``1001`` and ``1001.0`` are one key).

Problems, named: every key of the layer not in the ledger and every ledger key not in the
layer (warnings, listing the keys); a key the ledger lists twice, a column both have, a
key column missing (errors).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from landopt.errors import InputError, Problem
from landopt.i18n import t
from landopt.parcels._messages import LANG

__all__ = ["LEDGER_FORMATS", "join_ledger", "read_ledger"]

#: Ledger file suffixes and their format.
LEDGER_FORMATS = {".xlsx": "Excel", ".xlsm": "Excel", ".csv": "CSV", ".txt": "CSV"}
#: Encodings a CSV ledger is tried in, in order.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def _m(key: str, **fields: object) -> str:
    return t(f"columns.ledger.{key}", LANG, **fields)


def read_ledger(path: str | PathLike[str]) -> pd.DataFrame:
    """The ledger's table, every column as read (text stays text, numbers numbers).

    Raises
    ------
    InputError
        The file is missing, of an unknown format or unreadable.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{_m('missing', path=p)}: {_m('missing_fix')}")
    suffix = p.suffix.lower()
    fmt = LEDGER_FORMATS.get(suffix)
    if fmt is None:
        raise InputError(f"{_m('format', path=p, suffix=suffix)}: {_m('format_fix')}")
    try:
        if fmt == "Excel":
            df = pd.read_excel(p, sheet_name=0, engine="openpyxl")
        else:
            raw = p.read_bytes()
            for enc in CSV_ENCODINGS:
                try:
                    text = raw.decode(enc)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise ValueError("neither UTF-8 nor GBK/GB18030")
            df = pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=False)
            df = df.replace({"": np.nan}).infer_objects()
            df = df.apply(_numbers_where_all_numeric)
    except InputError:
        raise
    except Exception as exc:
        error = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(
            f"{_m('unreadable', path=p, error=error)}: {_m('unreadable_fix')}"
        ) from exc
    df.columns = [str(c).strip() for c in df.columns]
    return df.dropna(how="all").reset_index(drop=True)


def _numbers_where_all_numeric(col: pd.Series) -> pd.Series:
    num = pd.to_numeric(col, errors="coerce")
    return num if num.notna().sum() == col.notna().sum() else col


def _keys(values: pd.Series) -> pd.Series:
    """Keys as stripped text: 1001, 1001.0 and ' 1001' are one key."""

    def one(v: object) -> object:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return pd.NA
        if isinstance(v, float) and v == int(v):
            v = int(v)
        s = str(v).strip()
        return s or pd.NA

    return values.map(one).astype("string")


def _list(keys: list[str]) -> str:
    return ", ".join(keys)


def join_ledger(
    layer: pd.DataFrame,
    ledger: str | PathLike[str] | pd.DataFrame,
    *,
    key: str | None = None,
    columns: Mapping[str, str] | None = None,
    problems: list[Problem],
) -> pd.DataFrame:
    """The layer with the ledger's columns added, matched on the key.

    Parameters
    ----------
    layer
        The layer as read (the planner's column names).
    ledger
        The ledger file (see :func:`read_ledger`) or its table.
    key
        The ledger's key column; default the layer's id column.
    columns
        ``[parcels] columns``: tells which layer column is the id (mapped to ``parcel_id``).
    problems
        Problems are appended here (errors stop the read).

    Returns
    -------
    The layer (same rows, same order, same type) with the ledger's other columns after
    its own; unchanged when the join has errors.
    """
    name = Path(ledger).name if not isinstance(ledger, pd.DataFrame) else "ledger"
    table = ledger if isinstance(ledger, pd.DataFrame) else read_ledger(ledger)
    where = f"ledger {name}"
    id_col = next((s for s, d in (columns or {}).items() if d == "parcel_id"), "parcel_id")
    key = key or id_col
    errors = False
    if key not in table.columns:
        problems.append(
            Problem(
                where,
                key,
                _m("no_key", key=key, columns=", ".join(map(str, table.columns))),
                _m("no_key_fix"),
            )
        )
        return layer
    if id_col not in layer.columns:
        problems.append(
            Problem("file", id_col, _m("layer_no_key", key=id_col), _m("layer_no_key_fix"))
        )
        return layer
    ledger_keys = _keys(table[key])
    dup = ledger_keys[ledger_keys.duplicated(keep=False) & ledger_keys.notna()]
    if len(dup):
        shown = list(dict.fromkeys(dup.tolist()))
        problems.append(
            Problem(
                where,
                key,
                _m("duplicate", n=len(shown), keys=_list(shown)),
                _m("duplicate_fix"),
            )
        )
        errors = True
    geom = getattr(layer, "geometry", None)
    geom_name = geom.name if geom is not None else None
    both = [c for c in table.columns if c != key and c in layer.columns and c != geom_name]
    for c in both:
        problems.append(Problem(where, c, _m("both", column=c), _m("both_fix")))
        errors = True
    if errors:
        return layer
    layer_keys = _keys(layer[id_col])
    in_ledger = set(ledger_keys.dropna())
    in_layer = set(layer_keys.dropna())
    missing = [k for k in dict.fromkeys(layer_keys.dropna()) if k not in in_ledger]
    extra = [k for k in dict.fromkeys(ledger_keys.dropna()) if k not in in_layer]
    if missing:
        problems.append(
            Problem(
                where,
                key,
                _m("not_in_ledger", n=len(missing), keys=_list(missing)),
                _m("not_in_ledger_fix"),
                "warning",
            )
        )
    if extra:
        problems.append(
            Problem(
                where,
                key,
                _m("not_in_layer", n=len(extra), keys=_list(extra)),
                _m("not_in_layer_fix"),
                "warning",
            )
        )
    attrs = table.drop(columns=key)
    attrs.index = pd.Index(ledger_keys.to_numpy(dtype=object))
    attrs = attrs[ledger_keys.notna().to_numpy()]
    added = attrs.reindex(layer_keys.to_numpy(dtype=object))
    out = layer.copy()
    for c in attrs.columns:
        out[c] = added[c].to_numpy()
    if geom_name is not None and geom_name in out.columns:  # geometry stays last
        out = out[[c for c in out.columns if c != geom_name] + [geom_name]]
    return out
