"""Write a plan to PostGIS: its layer, its summary and its run record, all or nothing.

:func:`write_plan_to_db` writes three tables into one schema (created if missing), in one
transaction: if any part fails, nothing is left of this run (not even a new schema or
table):

- ``landopt_plan``: the plan layer as ``plan.gpkg`` holds it (the planner's own columns and
  values, then the results in the scenario's language: ``措施``, ``措施代码``, ...), one row
  per parcel, with ``run_id`` first and the geometry as ``MULTIPOLYGON`` in the working CRS
  (its SRID), under a GiST index;
- ``landopt_summary``: the summary (one row per action and the total), with ``run_id`` and
  ``scenario``;
- ``landopt_run``: one row per run: ``run_id``, ``scenario``, ``title``, ``created``,
  ``targets_met``, ``objective``, ``solver_status`` and ``record`` (``run.json`` as
  ``jsonb``).

Several runs append to the same tables, told apart by ``run_id`` (the run store's id, or a
new one when the store is off); writing a run again replaces its rows instead of adding
them. A later run's new columns are added to the table; a value that does not fit an
existing column's type fails the whole write. The URL is never written, and shown only
without its password.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from landopt._pg import connect_error, db_message, engine, public_url, quote_ident
from landopt.errors import OutputError
from landopt.i18n import add_messages, run_lang, t

__all__ = ["DbWrite", "check_db", "delete_run_from_db", "write_plan_to_db"]

log = logging.getLogger(__name__)

add_messages(
    {
        "failed": {
            "en": "could not write the plan to {url} (schema {schema}); nothing was written: "
            "{error}",
            "zh": "无法将方案写入 {url}（模式 {schema}）；未写入任何内容：{error}",
        },
        "bad_schema": {
            "en": "{schema} is not a usable schema name",
            "zh": "{schema} 不是可用的模式名",
        },
    },
    prefix="errors.plan_db.",
)

#: The tables, after the prefix.
TABLES = ("plan", "summary", "run")
#: Advisory lock held while a run is written (two runs creating the tables at once wait).
_LOCK_KEY = 7_243_018

_TEXT = ("text", "character varying", "character")
_NUMBER = ("double precision", "real", "numeric", "bigint", "integer", "smallint")


@dataclass(frozen=True)
class DbWrite:
    """What :func:`write_plan_to_db` wrote: where, under which run id, how many rows."""

    url: str
    schema: str
    run_id: str
    tables: dict[str, int]


def check_db(url: str) -> None:
    """Connect to ``url`` once (before a long solve whose plan goes there).

    Raises
    ------
    InputError
        Not a PostgreSQL URL, or the database cannot be reached (no password in the message).
    """
    import sqlalchemy as sa

    eng = engine(url)
    try:
        with eng.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError as exc:
        raise connect_error(url, exc) from None
    finally:
        eng.dispose()


def write_plan_to_db(
    plan: Any, url: str, *, schema: str = "public", prefix: str = "landopt_"
) -> DbWrite:
    """Write ``plan``'s layer, summary and run record as tables, in one transaction.

    Parameters
    ----------
    plan
        A solved :class:`~landopt.plan.Plan`.
    url
        ``postgresql://user@host:5432/db``; the password from the URL, ``PGPASSWORD`` or
        ``~/.pgpass`` (libpq's rules).
    schema
        The schema to write into, created if missing.
    prefix
        The tables' names are ``{prefix}plan``, ``{prefix}summary`` and ``{prefix}run``.

    Returns
    -------
    DbWrite
        The password-free URL, the schema, the run id and the rows written per table.

    Raises
    ------
    InputError
        The database cannot be reached (no password in the message).
    OutputError
        The write failed; the transaction was rolled back and nothing was written.
    """
    import sqlalchemy as sa

    from landopt.parcels.layout import planner_layer

    lang = run_lang()
    if not schema or "\x00" in schema:
        raise OutputError(t("errors.plan_db.bad_schema", lang, schema=repr(schema)))
    run_id = str(plan.run_id or uuid.uuid4().hex)
    names = {k: f"{prefix}{k}" for k in TABLES}
    layer, _ = planner_layer(plan.parcels, plan.scenario.lang)
    layer = _multi(layer)
    layer.insert(0, "run_id", run_id)
    summary = plan.summary.copy()
    summary.insert(0, "scenario", plan.scenario.name)
    summary.insert(0, "run_id", run_id)
    record = plan.record()
    eng = engine(url)
    try:
        try:
            conn = eng.connect()
        except sa.exc.DBAPIError as exc:
            raise connect_error(url, exc) from None
        try:
            with conn, conn.begin():
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
                conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}"))
                _create_run_table(conn, schema, names["run"])
                for name in names.values():
                    if _columns(conn, schema, name):
                        conn.execute(
                            sa.text(f"DELETE FROM {_q(schema, name)} WHERE run_id = :r"),
                            {"r": run_id},
                        )
                _fit_table(conn, schema, names["plan"], layer).to_postgis(
                    names["plan"], conn, schema=schema, if_exists="append", index=False
                )
                _gist_index(conn, schema, names["plan"], layer.geometry.name)
                _fit_table(conn, schema, names["summary"], summary).to_sql(
                    names["summary"], conn, schema=schema, if_exists="append", index=False
                )
                _insert_run(conn, schema, names["run"], run_id, plan, record)
        except (sa.exc.DBAPIError, ValueError, TypeError) as exc:
            raise _failed(exc, url, schema, lang) from None
    finally:
        eng.dispose()
    rows = {names["plan"]: len(layer), names["summary"]: len(summary), names["run"]: 1}
    log.info("wrote run %s to %s, schema %s: %s", run_id, public_url(url), schema, rows)
    return DbWrite(url=public_url(url), schema=schema, run_id=run_id, tables=rows)


def delete_run_from_db(
    url: str, run_id: str, *, schema: str = "public", prefix: str = "landopt_"
) -> None:
    """Delete what :func:`write_plan_to_db` wrote for ``run_id``, in one transaction.

    The undo of ``--to-db`` when the plan's folder could not be swapped in after the
    tables were written (:func:`landopt.plan.write_plan`'s ``commit``): the folder and
    the tables appear together or not at all. Tables that do not exist are skipped.

    Raises
    ------
    OutputError
        The rows could not be deleted (no password in the message).
    """
    import sqlalchemy as sa

    lang = run_lang()
    eng = engine(url)
    try:
        with eng.begin() as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            for k in TABLES:
                name = f"{prefix}{k}"
                if _columns(conn, schema, name):
                    conn.execute(
                        sa.text(f"DELETE FROM {_q(schema, name)} WHERE run_id = :r"),
                        {"r": run_id},
                    )
    except sa.exc.DBAPIError as exc:
        raise _failed(exc, url, schema, lang) from None
    finally:
        eng.dispose()
    log.info("deleted run %s from %s, schema %s", run_id, public_url(url), schema)


def _failed(exc: BaseException, url: str, schema: str, lang: str) -> OutputError:
    """The named error of a write or delete that failed (no password in it)."""
    return OutputError(
        t("errors.plan_db.failed", lang, url=public_url(url), schema=schema, error=db_message(exc, url))
    )


def _q(schema: str, name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def _multi(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Every geometry a MultiPolygon: one column type for every run that appends."""
    geoms = layer.geometry.values
    single = shapely.get_type_id(geoms) == 3  # Polygon
    out = layer.copy()
    if single.any():
        fixed = geoms.copy()
        fixed[single] = [shapely.MultiPolygon([g]) for g in geoms[single]]
        out = out.set_geometry(gpd.GeoSeries(fixed, index=layer.index, crs=layer.crs))
    return out


def _columns(conn: Any, schema: str, name: str) -> dict[str, str]:
    """The table's columns and their types (empty: no such table)."""
    import sqlalchemy as sa

    rows = conn.execute(
        sa.text(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = :s AND table_name = :n ORDER BY ordinal_position"
        ),
        {"s": schema, "n": name},
    ).all()
    return {r[0]: r[1] for r in rows}


def _sql_type(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "boolean"
    if pd.api.types.is_integer_dtype(values):
        return "bigint"
    if pd.api.types.is_numeric_dtype(values):
        return "double precision"
    return "text"


def _fit_table(conn: Any, schema: str, name: str, frame: pd.DataFrame) -> Any:
    """``frame`` fitted to the table when it exists: its new columns added to the table,
    its values converted to the existing columns' types (raising if one does not fit)."""
    import sqlalchemy as sa

    existing = _columns(conn, schema, name)
    out = frame.copy()
    geom = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    for col in out.columns:
        if col == geom:
            continue
        values = out[col]
        if values.dtype == object and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in values.dropna()
        ):  # numbers with gaps (budget_wan: None where an action has none)
            values = out[col] = values.astype("float64")
        if not existing:
            continue
        kind = existing.get(col)
        if kind is None:
            conn.execute(
                sa.text(
                    f"ALTER TABLE {_q(schema, name)} ADD COLUMN {quote_ident(col)} "
                    f"{_sql_type(values)}"
                )
            )
        elif kind in _TEXT and not pd.api.types.is_string_dtype(values):
            out[col] = values.map(lambda v: None if pd.isna(v) else str(v)).astype(object)
        elif kind in _NUMBER and not pd.api.types.is_numeric_dtype(values):
            out[col] = pd.to_numeric(values, errors="raise")
    return out


def _gist_index(conn: Any, schema: str, name: str, geom: str) -> None:
    """A GiST index on the geometry unless the table has one."""
    import sqlalchemy as sa

    have = conn.execute(
        sa.text(
            "SELECT 1 FROM pg_indexes WHERE schemaname = :s AND tablename = :n "
            "AND indexdef ILIKE '%USING gist%'"
        ),
        {"s": schema, "n": name},
    ).first()
    if have is None:
        conn.execute(
            sa.text(
                f"CREATE INDEX {quote_ident(name + '_geom_gist')} ON {_q(schema, name)} "
                f"USING GIST ({quote_ident(geom)})"
            )
        )


def _create_run_table(conn: Any, schema: str, name: str) -> None:
    import sqlalchemy as sa

    conn.execute(
        sa.text(
            f"CREATE TABLE IF NOT EXISTS {_q(schema, name)} ("
            "run_id text PRIMARY KEY, scenario text, title text, created timestamptz, "
            "written timestamptz, targets_met boolean, objective double precision, "
            "solver_status text, record jsonb)"
        )
    )


def _insert_run(
    conn: Any, schema: str, name: str, run_id: str, plan: Any, record: dict[str, Any]
) -> None:
    import sqlalchemy as sa

    from landopt.plan import _json_default

    conn.execute(
        sa.text(
            f"INSERT INTO {_q(schema, name)} (run_id, scenario, title, created, written, "
            "targets_met, objective, solver_status, record) VALUES (:run_id, :scenario, "
            ":title, :created, :written, :met, :objective, :status, CAST(:record AS jsonb))"
        ),
        {
            "run_id": run_id,
            "scenario": plan.scenario.name,
            "title": plan.scenario.title or None,
            "created": _dt.datetime.fromisoformat(record["created"]),
            "written": _dt.datetime.now(_dt.UTC),
            "met": bool(plan.targets_met),
            "objective": plan.result.objective,
            "status": str(plan.result.status),
            "record": json.dumps(record, ensure_ascii=False, default=_json_default),
        },
    )
