"""The parcel layers planners upload: stored, mapped, validated.

A layer is a folder ``DATA/layers/<id>/``: the upload (a zip is unpacked into
``unpacked/``), ``layer.json`` (its name, the file to read, the column and status mapping)
and ``scenario.json`` (the scenario the forms last built for it). Validation runs
landopt's own :func:`landopt.read_parcels` with the mapping, so the report is the one
``landopt validate`` prints: counts by status, every error and warning with where, what
and how to fix it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landopt._atomic import atomic_file
from landopt._fields import CORE_FIELDS, PROBLEMS_ATTR, STATUS_ALIASES, STATUSES
from landopt.errors import InputError, ParcelDataError, Problem

__all__ = [
    "Layer",
    "LayerStore",
    "Validation",
    "suggest_columns",
    "suggest_statuses",
    "validate",
    "validate_now",
]

log = logging.getLogger(__name__)

#: The parcel messages' language is one module setting (landopt.parcels._messages.LANG):
#: one validation at a time, in the language asked for.
_LANG_LOCK = threading.Lock()
_ID = re.compile(r"^[0-9a-f]{16}$")
#: Most distinct values of a column offered in a dropdown (a status column has a handful).
MAX_VALUES = 100


@dataclass
class Layer:
    """An uploaded layer: its folder, the file to read, its mapping."""

    id: str
    folder: Path
    name: str
    file: str
    columns: dict[str, str] = field(default_factory=dict)
    status_values: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        """The file landopt reads."""
        return self.folder / self.file

    def save(self) -> None:
        """Write ``layer.json`` atomically."""
        data = {
            "id": self.id,
            "name": self.name,
            "file": self.file,
            "columns": self.columns,
            "status_values": self.status_values,
        }
        with atomic_file(self.folder / "layer.json") as tmp:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")

    def raw(self) -> Any:
        """The layer as read, before any mapping."""
        from landopt.parcels.read import _read_file

        gdf, _ = _read_file(self.path, layer=None, encoding=None)
        return gdf

    def columns_info(self) -> dict[str, Any]:
        """The layer's columns and, for each with at most :data:`MAX_VALUES` distinct
        values, those values (the status dropdowns): read once, kept in ``columns.json``."""
        path = self.folder / "columns.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            pass
        raw = self.raw()
        columns = [str(c) for c in raw.columns if c != raw.geometry.name]
        values: dict[str, list[str]] = {}
        for c in columns:
            distinct = raw[c].dropna().astype(str).unique()
            if len(distinct) <= MAX_VALUES:
                values[c] = sorted(distinct)
        info = {"columns": columns, "values": values}
        with atomic_file(path) as tmp:
            tmp.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
        return info

    def read(self, lang: str) -> Any:
        """The layer read and validated with its mapping (``ParcelDataError`` when unusable)."""
        from landopt.i18n import current_lang, set_current_lang
        from landopt.parcels import _messages, read_parcels

        with _LANG_LOCK:
            old, old_run = _messages.LANG, current_lang.get()
            _messages.LANG = lang
            set_current_lang(lang)
            try:
                return read_parcels(
                    self.path,
                    columns=self.columns or None,
                    status_values=self.status_values or None,
                )
            finally:
                _messages.LANG = old
                set_current_lang(old_run)

    def scenario_data(self) -> dict[str, Any] | None:
        """The scenario dict saved for this layer, if any."""
        try:
            return json.loads((self.folder / "scenario.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def save_scenario_data(self, data: Mapping[str, Any]) -> None:
        """Keep the scenario dict the forms built (atomically)."""
        with atomic_file(self.folder / "scenario.json") as tmp:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")

    def parcels_table(self) -> dict[str, Any]:
        """The scenario's ``[parcels]`` table for this layer (absolute path and mapping)."""
        out: dict[str, Any] = {"path": str(self.path.resolve())}
        if self.columns:
            out["columns"] = dict(self.columns)
        if self.status_values:
            out["status_values"] = dict(self.status_values)
        return out


class LayerStore:
    """The layers under ``DATA/layers``."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "layers"

    def new_folder(self) -> tuple[str, Path]:
        """A fresh id and its (not yet created) folder."""
        layer_id = secrets.token_hex(8)
        return layer_id, self.root / layer_id

    def create(self, layer_id: str, name: str, file: Path) -> Layer:
        """Record an uploaded layer whose files are in place."""
        folder = self.root / layer_id
        layer = Layer(layer_id, folder, name, file.relative_to(folder).as_posix())
        layer.columns = suggest_columns(layer.columns_info()["columns"])
        layer.save()
        return layer

    def get(self, layer_id: str) -> Layer:
        """The layer ``layer_id``.

        Raises
        ------
        KeyError
            No such layer (an id of another shape is never looked up on disk).
        """
        if not _ID.match(layer_id):
            raise KeyError(layer_id)
        folder = self.root / layer_id
        try:
            data = json.loads((folder / "layer.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeyError(layer_id) from None
        return Layer(
            layer_id,
            folder,
            str(data["name"]),
            str(data["file"]),
            dict(data.get("columns") or {}),
            dict(data.get("status_values") or {}),
        )


def suggest_columns(columns: list[str]) -> dict[str, str]:
    """landopt's suggestion for each field: the layer's column → landopt's field.

    A column already named as the field maps to itself (left out: no renaming needed);
    otherwise the hints and near matches :mod:`landopt.parcels.columns` uses in its
    messages. Each column is used once.
    """
    from landopt.parcels.columns import _suggest_column

    taken = set(columns) & set(CORE_FIELDS)
    out: dict[str, str] = {}
    for f in CORE_FIELDS:
        if f in columns:
            continue
        free = [c for c in columns if c not in taken]
        near = _suggest_column(f, free)
        if near is not None:
            out[near] = f
            taken.add(near)
    return out


def suggest_statuses(values: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Each status value of the layer → the status landopt would give it (or ``""``)."""
    from landopt.parcels.columns import _status_key_one

    lookup = {_status_key_one(k): v for k, v in STATUS_ALIASES.items()}
    lookup.update({_status_key_one(s): s for s in STATUSES})
    return {v: mapping.get(v) or lookup.get(_status_key_one(v), "") for v in values}


@dataclass
class Validation:
    """What :func:`landopt.read_parcels` says of a layer with its mapping."""

    ok: bool
    parcels: int = 0
    area_mu: float = 0.0
    by_status: list[tuple[str, int, float]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    warning_lines: list[str] = field(default_factory=list)
    message: str = ""
    #: the errors as the planner reads them: the same error at many parcels is one line
    #: (an unknown status value at 116 parcels would otherwise be 116 lines above the mapping)
    error_lines: list[str] = field(default_factory=list)


def _problem_dict(p: Problem) -> dict[str, str]:
    return {
        "where": p.where,
        "field": p.field,
        "what": p.what,
        "fix": p.fix,
        "severity": p.severity,
    }


def validate(layer: Layer, lang: str) -> Validation:
    """:func:`validate_now`, kept in ``validation-<lang>.json`` for the mapping it was made
    with (a page shown again does not read the layer again)."""
    key = hashlib.sha256(
        json.dumps([layer.columns, layer.status_values], sort_keys=True).encode()
    ).hexdigest()
    path = layer.folder / f"validation-{lang}.json"
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        cached = None
    if cached is not None and cached.get("key") == key:
        v = cached["validation"]
        return Validation(
            v["ok"],
            v["parcels"],
            v["area_mu"],
            [tuple(row) for row in v["by_status"]],
            [Problem(**p) for p in v["errors"]],
            [Problem(**p) for p in v["warnings"]],
            v["warning_lines"],
            v["message"],
            v.get("error_lines") or _error_lines(v["errors"], lang),
        )
    result = validate_now(layer, lang)
    data = {
        "key": key,
        "validation": {
            "ok": result.ok,
            "parcels": result.parcels,
            "area_mu": result.area_mu,
            "by_status": [list(row) for row in result.by_status],
            "errors": [_problem_dict(p) for p in result.errors],
            "warnings": [_problem_dict(p) for p in result.warnings],
            "warning_lines": result.warning_lines,
            "message": result.message,
            "error_lines": result.error_lines,
        },
    }
    with atomic_file(path) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return result


def _error_lines(errors: list[dict[str, str]], lang: str) -> list[str]:
    """The grouped lines of errors kept by an earlier version of the cache."""
    from landopt.parcels.grouping import grouped_lines

    return grouped_lines([Problem(**p) for p in errors], lang)


def validate_now(layer: Layer, lang: str) -> Validation:
    """Read the layer with its mapping and report as ``landopt validate`` does."""
    from landopt.parcels import summarize_parcels
    from landopt.parcels.grouping import grouped_lines

    try:
        gdf = layer.read(lang)
    except ParcelDataError as exc:
        probs = exc.problems
        errors = [p for p in probs if p.severity == "error"]
        return Validation(
            False,
            errors=errors,
            warnings=[p for p in probs if p.severity != "error"],
            warning_lines=grouped_lines([p for p in probs if p.severity != "error"], lang),
            error_lines=grouped_lines(errors, lang),
        )
    except InputError as exc:
        return Validation(False, message=str(exc))
    s = summarize_parcels(gdf)
    warnings = list(gdf.attrs.get(PROBLEMS_ATTR, ()))
    return Validation(
        True,
        parcels=int(s["parcels"]),
        area_mu=float(s["area_mu"]),
        by_status=[
            (str(st), int(r.parcels), float(r.area_mu)) for st, r in s["by_status"].iterrows()
        ],
        warnings=warnings,
        warning_lines=grouped_lines(warnings, lang),
    )
