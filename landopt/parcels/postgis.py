"""Read a parcel layer from PostGIS: a table (``schema.table``) or a ``SELECT``.

:func:`_read_postgis` is the database counterpart of :func:`landopt.parcels.read._read_file`:
it returns the raw layer (and its problems), and :func:`landopt.parcels.read_parcels` runs
the same checks, mapping and areas on it as on a file's. The geometry column is the query's
one PostGIS ``geometry`` column (or ``geometry_column``); the CRS is its SRID.

:func:`rows_sha256` is the input hash a run records for a database source: the password-free
URL, the table or query, and every row read (geometry as WKB and attributes), independent of
the order the database returned them in.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from landopt._pg import connect_error, db_message, engine, public_url, quote_ident
from landopt.errors import InputError, Problem
from landopt.i18n import add_messages
from landopt.parcels._messages import msg

log = logging.getLogger(__name__)

add_messages(
    {
        "no_table": {
            "en": "{source}: no table {table}; tables with a geometry column: {tables}",
            "zh": "{source}：没有表 {table}；含几何列的表有：{tables}",
        },
        "no_tables": {"en": "(none)", "zh": "（无）"},
        "sql_error": {
            "en": "{source}: the query failed: {error}",
            "zh": "{source}：查询失败：{error}",
        },
        "no_geometry": {
            "en": "{source}: the result has no PostGIS geometry column (columns: {columns}); "
            "parcels must be polygons",
            "zh": "{source}：结果中没有 PostGIS 几何列（列：{columns}）；地块必须是多边形",
        },
        "several_geometries": {
            "en": "{source}: the result has {count} geometry columns ({columns}); "
            'name one with geometry_column = "…"',
            "zh": '{source}：结果中有 {count} 个几何列（{columns}）；请用 geometry_column = "…" 指定一个',
        },
        "no_such_geometry": {
            "en": "{source}: geometry_column {column} is not a geometry column of the result; "
            "its geometry columns: {columns}",
            "zh": "{source}：geometry_column {column} 不是结果中的几何列；几何列有：{columns}",
        },
        "srid0": {
            "en": "{source}: the geometries have SRID 0 (no coordinate system); set it in the "
            "database, e.g. SELECT UpdateGeometrySRID('{table}', '{column}', 4548)",
            "zh": "{source}：几何的 SRID 为 0（没有坐标系）；请在数据库中设定，例如 "
            "SELECT UpdateGeometrySRID('{table}', '{column}', 4548)",
        },
        "both": {
            "en": "{source}: give either a table or a query (sql), not both",
            "zh": "{source}：请只给出表（table）或查询（sql）之一",
        },
        "neither": {
            "en": '{source}: name the table (table = "schema.table", or URL#table on the '
            'command line) or give a query (sql = "SELECT …")',
            "zh": '{source}：请指定表（table = "模式.表"，命令行中写 地址#表）或给出查询'
            '（sql = "SELECT …"）',
        },
    },
    prefix="errors.parcels.db.",
)


def source_label(url: str, *, table: str | None, sql: str | None) -> str:
    """How the source is named in messages and records: the URL without password, and
    ``#table`` or `` (SQL)``."""
    return f"{public_url(url)}#{table}" if table else f"{public_url(url)} (SQL)"


def _split_table(table: str) -> tuple[str | None, str]:
    schema, dot, name = table.rpartition(".")
    return (schema or None) if dot else None, name


def _geometry_tables(conn: Any) -> list[str]:
    import sqlalchemy as sa

    rows = conn.execute(
        sa.text(
            "SELECT f_table_schema, f_table_name FROM geometry_columns "
            "WHERE f_table_schema NOT IN ('pg_catalog', 'information_schema', 'topology', "
            "'tiger') ORDER BY 1, 2"
        )
    ).all()
    return list(dict.fromkeys(f"{s}.{n}" for s, n in rows))


def _read_postgis(
    url: str,
    *,
    table: str | None,
    sql: str | None,
    geometry_column: str | None,
) -> tuple[gpd.GeoDataFrame, list[Problem], str]:
    """The raw layer of ``table`` or ``sql`` at ``url``, its problems and its label.

    Raises
    ------
    InputError
        Cannot connect, no such table, the query fails, no (or several) geometry columns,
        SRID 0. No message holds the URL's password.
    """
    import sqlalchemy as sa

    source = source_label(url, table=table, sql=sql)
    if table and sql:
        raise InputError(msg("db.both", source=source))
    if not table and not sql:
        raise InputError(msg("db.neither", source=source))
    eng = engine(url)
    try:
        try:
            conn = eng.connect()
        except sa.exc.DBAPIError as exc:
            raise connect_error(url, exc) from None
        with conn:
            if table:
                schema, name = _split_table(table)
                qualified = ".".join(quote_ident(p) for p in (schema, name) if p)
                found = conn.execute(sa.text("SELECT to_regclass(:q)"), {"q": qualified}).scalar()
                if found is None:
                    tables = ", ".join(_geometry_tables(conn)) or msg("db.no_tables")
                    raise InputError(msg("db.no_table", source=source, table=table, tables=tables))
                query = f"SELECT * FROM {qualified}"
            else:
                query = str(sql).strip().rstrip(";")
            geom = _geometry_column(conn, url, query, geometry_column, source)
            try:
                gdf = gpd.read_postgis(_text(query), conn, geom_col=geom)
            except sa.exc.DBAPIError as exc:
                raise _sql_error(url, exc, source) from None
    finally:
        eng.dispose()
    if len(gdf) and gdf.crs is None:
        raise InputError(msg("db.srid0", source=source, table=table or "…", column=geom))
    log.debug("read %d rows from %s", len(gdf), source)
    return gdf, [], source


def _text(query: str) -> Any:
    """``query`` as SQLAlchemy text, its colons (``::geometry``) not taken for parameters."""
    import sqlalchemy as sa

    return sa.text(query.replace(":", r"\:"))


def _sql_error(url: str, exc: Any, source: str) -> InputError:
    return InputError(msg("db.sql_error", source=source, error=db_message(exc, url)))


def _geometry_column(conn: Any, url: str, query: str, wanted: str | None, source: str) -> str:
    """The query's geometry column: ``wanted`` if it is one, else its only one."""
    import sqlalchemy as sa

    oids = {
        r[0]
        for r in conn.execute(
            sa.text("SELECT oid FROM pg_type WHERE typname IN ('geometry')")
        ).all()
    }
    try:
        res = conn.execute(_text(f"SELECT * FROM ({query}) AS parcels_query LIMIT 0"))
    except sa.exc.DBAPIError as exc:
        raise _sql_error(url, exc, source) from None
    description = res.cursor.description or []
    res.close()
    names = [d.name for d in description]
    geoms = [d.name for d in description if d.type_code in oids]
    if wanted is not None:
        if wanted not in geoms:
            raise InputError(
                msg(
                    "db.no_such_geometry",
                    source=source,
                    column=wanted,
                    columns=", ".join(geoms) or msg("db.no_tables"),
                )
            )
        return wanted
    if not geoms:
        raise InputError(msg("db.no_geometry", source=source, columns=", ".join(names)))
    if len(geoms) > 1:
        raise InputError(
            msg("db.several_geometries", source=source, count=len(geoms), columns=", ".join(geoms))
        )
    return geoms[0]


def rows_sha256(gdf: gpd.GeoDataFrame, *, url: str, table: str | None, sql: str | None) -> str:
    """SHA-256 of a layer read from a database: the password-free URL, the table or query,
    then every row (WKB and attributes), sorted so the database's row order does not matter."""
    geom = gdf.geometry.name
    wkb = shapely.to_wkb(np.asarray(gdf.geometry.values, dtype=object), hex=True)
    attrs = gdf.drop(columns=geom)
    cols = [str(c) for c in attrs.columns]
    rows = [
        hashlib.sha256(
            (
                json.dumps(
                    dict(zip(cols, vals, strict=True)),
                    default=str,
                    ensure_ascii=False,
                    sort_keys=True,
                )
                + "|"
                + str(w)
            ).encode()
        ).hexdigest()
        for vals, w in zip(attrs.itertuples(index=False, name=None), wkb, strict=True)
    ]
    h = hashlib.sha256()
    h.update(f"{public_url(url)}\n{table or ''}\n{sql or ''}\n".encode())
    for r in sorted(rows):
        h.update(r.encode())
    return h.hexdigest()
