"""The parcel layers planners upload: stored, mapped, validated.

A layer is a folder ``DATA/layers/<id>/``: the upload (a zip is unpacked into
``unpacked/``) or, for a PostGIS layer, no file at all, ``layer.json`` (its name, the file to read, the column and status mapping)
and ``scenario.json`` (the scenario the forms last built for it). Validation runs
landopt's own :func:`landopt.read_parcels` with the mapping, so the report is the one
``landopt validate`` prints: counts by status, every error and warning with where, what
and how to fix it.

A PostGIS layer (a table or a ``SELECT``) keeps in ``layer.json`` its URL without the
password (:func:`landopt._pg.public_url`) and the table or query. The password is never
written to the data folder: it lives in this server's memory only
(:attr:`LayerStore.passwords`), is handed to a run's process as ``PGPASSWORD`` in its
environment, and after a restart the layer page asks for it again. A password libpq finds
itself (``PGPASSWORD`` of the server, ``~/.pgpass``) needs no asking.
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
    "check_connection",
    "split_password",
    "suggest_columns",
    "suggest_statuses",
    "validate",
    "validate_now",
    "with_password",
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
    #: a PostGIS layer: ``url`` (no password), and ``table`` or ``sql``
    source: dict[str, str] | None = None
    #: the database asked for a password (kept in memory only: :attr:`password`)
    needs_password: bool = False
    #: the database password, for this server's life (never saved)
    password: str | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        """The file landopt reads (the folder itself for a PostGIS layer)."""
        return self.folder / self.file

    @property
    def is_db(self) -> bool:
        """A PostGIS layer."""
        return self.source is not None

    @property
    def locked(self) -> bool:
        """A PostGIS layer whose password this server does not know (since a restart)."""
        return self.is_db and self.needs_password and not self.password

    def db_url(self) -> str:
        """The URL with the password (for connecting; never shown, logged or saved)."""
        assert self.source is not None
        return with_password(self.source["url"], self.password)

    def _db_kwargs(self) -> dict[str, Any]:
        assert self.source is not None
        return {"table": self.source.get("table") or None, "sql": self.source.get("sql") or None}

    def save(self) -> None:
        """Write ``layer.json`` atomically."""
        data = {
            "id": self.id,
            "name": self.name,
            "file": self.file,
            "columns": self.columns,
            "status_values": self.status_values,
        }
        if self.source is not None:
            data["source"] = self.source
            data["needs_password"] = self.needs_password
        with atomic_file(self.folder / "layer.json") as tmp:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")

    def raw(self) -> Any:
        """The layer as read, before any mapping."""
        if self.source is not None:
            from landopt.parcels.postgis import _read_postgis

            gdf, _, _ = _read_postgis(self.db_url(), geometry_column=None, **self._db_kwargs())
            return gdf
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
        info = self.columns_info_fresh()
        self.keep_columns_info(info)
        return info

    def keep_columns_info(self, info: Mapping[str, Any]) -> None:
        """Write ``columns.json``."""
        with atomic_file(self.folder / "columns.json") as tmp:
            tmp.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")

    def columns_info_fresh(self) -> dict[str, Any]:
        """:meth:`columns_info` read from the layer now."""
        raw = self.raw()
        columns = [str(c) for c in raw.columns if c != raw.geometry.name]
        values: dict[str, list[str]] = {}
        for c in columns:
            distinct = raw[c].dropna().astype(str).unique()
            if len(distinct) <= MAX_VALUES:
                values[c] = sorted(distinct)
        return {"columns": columns, "values": values}

    def read(self, lang: str) -> Any:
        """The layer read and validated with its mapping (``ParcelDataError`` when unusable)."""
        from landopt.i18n import current_lang, set_current_lang
        from landopt.parcels import _messages, read_parcels

        with _LANG_LOCK:
            old, old_run = _messages.LANG, current_lang.get()
            _messages.LANG = lang
            set_current_lang(lang)
            try:
                if self.source is not None:
                    return read_parcels(
                        self.db_url(),
                        columns=self.columns or None,
                        status_values=self.status_values or None,
                        **self._db_kwargs(),
                    )
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
        out: dict[str, Any]
        if self.source is not None:  # no password: the run gets it as PGPASSWORD
            out = {"url": self.source["url"]}
            out.update({k: v for k, v in self._db_kwargs().items() if v})
        else:
            out = {"path": str(self.path.resolve())}
        if self.columns:
            out["columns"] = dict(self.columns)
        if self.status_values:
            out["status_values"] = dict(self.status_values)
        return out


class LayerStore:
    """The layers under ``DATA/layers``."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "layers"
        #: PostGIS layers' passwords by layer id: this server's memory, never the disk
        self.passwords: dict[str, str] = {}

    def create_db(
        self,
        layer_id: str,
        name: str,
        url: str,
        password: str | None,
        *,
        table: str | None,
        sql: str | None,
    ) -> Layer:
        """Record a PostGIS layer after reading it once (the column mapping's suggestions).

        Raises
        ------
        InputError
            The database cannot be reached, the table does not exist, the query fails
            (:func:`landopt.read_parcels`'s own errors, no password in them).
        """
        from landopt._pg import public_url

        source = {"url": public_url(url)}
        if table:
            source["table"] = table
        if sql:
            source["sql"] = sql
        folder = self.root / layer_id
        layer = Layer(layer_id, folder, name, "", source=source, needs_password=bool(password))
        layer.password = password or None
        columns = layer.columns_info_fresh()  # raises before anything is kept
        folder.mkdir(parents=True, exist_ok=True)
        layer.keep_columns_info(columns)
        layer.columns = suggest_columns(columns["columns"])
        layer.save()
        if password:
            self.passwords[layer_id] = password
        return layer

    def set_password(self, layer: Layer, password: str) -> None:
        """Keep a PostGIS layer's password in memory (after checking it connects)."""
        layer.password = password
        layer.raw()  # InputError when it does not connect
        self.passwords[layer.id] = password

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
            source=dict(data["source"]) if data.get("source") else None,
            needs_password=bool(data.get("needs_password")),
            password=self.passwords.get(layer_id),
        )


def check_connection(url: str) -> None:
    """Connect to ``url`` once.

    Raises
    ------
    InputError
        Not a PostgreSQL URL, or the connection failed (named, no password in it).
    """
    import sqlalchemy as sa

    from landopt._pg import connect_error, engine

    eng = engine(url)
    try:
        with eng.connect():
            pass
    except sa.exc.DBAPIError as exc:
        raise connect_error(url, exc) from None
    finally:
        eng.dispose()


def with_password(url: str, password: str | None) -> str:
    """``url`` with ``password`` put in (``url`` as it is without one)."""
    if not password:
        return url
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password).render_as_string(hide_password=False)


def split_password(url: str) -> tuple[str, str | None]:
    """A URL the planner typed, as (the URL without its password, the password or None)."""
    from landopt._pg import _password, public_url

    return public_url(url), _password(url)


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
