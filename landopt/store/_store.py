"""The run store: one table of runs in SQLite (default) or PostgreSQL, through SQLAlchemy.

:class:`RunStore` opens the database named by :func:`default_store_url`, brings its tables
to the head revision with the Alembic migrations shipped in this package (under a lock, so
that two processes opening a fresh store at once both succeed), and reads and writes
:class:`RunRecord` rows. SQLite is opened in WAL mode with a busy timeout and every
transaction begins ``IMMEDIATE``: concurrent writers (several planners' processes on one
file) wait for each other instead of failing, and lose nothing.

The URL's password is never written anywhere: not in a row (the store keeps no URL), not in
a log line or an error (:func:`safe_url`).
"""

from __future__ import annotations

import datetime as _dt
import getpass
import logging
import math
import os
import re
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url

from landopt.errors import InputError
from landopt.i18n import add_messages, t
from landopt.store._tables import HEAD, runs

__all__ = [
    "KINDS",
    "ORIGINS",
    "STATUSES",
    "RunRecord",
    "RunStore",
    "StoreError",
    "default_store_url",
    "safe_url",
    "store_disabled",
]

log = logging.getLogger(__name__)

#: What a run can be.
KINDS = ("plan", "programme", "sweep", "compare", "calibrate", "alternatives", "plan-many")
#: Where a run was started.
ORIGINS = ("cli", "api", "web", "notebook")
#: A run's status: ``running`` until finished with one of the others; ``queued`` for a run
#: a server accepted and has not started yet (the web app's queue).
STATUSES = ("queued", "running", "done", "infeasible", "failed", "cancelled", "interrupted")

#: The key of PostgreSQL's advisory lock held while the store migrates (any fixed number).
_PG_LOCK_KEY = 7_243_017

add_messages(
    {
        "no_run": {
            "en": "no run with id {id!r} in the run store {url}",
            "zh": "运行记录库 {url} 中没有编号为 {id!r} 的运行",
        },
        "no_run.fix": {
            "en": "list the runs with 'landopt runs list' and give one of their ids (a unique prefix is enough)",
            "zh": "用 “landopt runs list” 列出运行记录，给出其中一个编号（唯一的前缀即可）",
        },
        "ambiguous": {
            "en": "{id!r} is the start of {n} run ids in the run store ({ids}, …)",
            "zh": "{id!r} 是运行记录库中 {n} 个运行编号的开头（{ids} 等）",
        },
        "ambiguous.fix": {
            "en": "give more characters of the id",
            "zh": "多给几位编号",
        },
        "bad_id": {
            "en": "{id!r} is not a run id: ids are hexadecimal (0-9, a-f)",
            "zh": "{id!r} 不是运行编号：编号由十六进制字符（0-9、a-f）组成",
        },
        "unreachable": {
            "en": "cannot open the run store {url}: {message}",
            "zh": "无法打开运行记录库 {url}：{message}",
        },
        "unreachable.fix": {
            "en": "check [store] url or LANDOPT_STORE_URL (or set LANDOPT_STORE=off to record nothing)",
            "zh": "请检查 [store] url 或 LANDOPT_STORE_URL（或设 LANDOPT_STORE=off 不做记录）",
        },
        "bad_url": {
            "en": "the run store's URL {url!r} is not a database URL (sqlite:///PATH or postgresql://USER@HOST/DB)",
            "zh": "运行记录库的地址 {url!r} 不是数据库地址（应为 sqlite:///路径 或 postgresql://用户@主机/库）",
        },
        "bad_status": {
            "en": "{status!r} is not a run status: use one of {choices}",
            "zh": "{status!r} 不是运行状态：请用 {choices} 之一",
        },
    },
    prefix="store.",
)


class StoreError(InputError):
    """The run store cannot be opened, or holds no (or more than one) run of that id."""


@dataclass(frozen=True)
class RunRecord:
    """One run as the store keeps it.

    Attributes
    ----------
    id
        32 hexadecimal characters (a UUID); a unique prefix finds it (:meth:`RunStore.get`).
    kind
        ``plan``, ``programme``, ``sweep``, ``compare``, ``calibrate``, … (:data:`KINDS`).
    name
        The scenario's (or the run's) name.
    status
        ``queued``, ``running``, ``done``, ``infeasible``, ``failed``, ``cancelled`` or
        ``interrupted``.
    user, origin
        Who started it (the login name) and from where (``cli``, ``api``, ``web``, ``notebook``).
    started_at, finished_at
        Timezone-aware UTC; ``finished_at`` is ``None`` while running.
    scenario
        The scenario as resolved (its TOML-shaped dict, :meth:`landopt.Scenario.to_dict`).
    inputs
        Input file → SHA-256.
    summary, result
        The summary rows and the solver's record (status, gap, objective).
    out_dir, outputs
        The output folder and its files → SHA-256.
    error
        Why a run failed.
    version
        The landopt version that ran it.
    """

    id: str
    kind: str
    name: str
    status: str
    user: str | None
    origin: str
    started_at: _dt.datetime
    finished_at: _dt.datetime | None
    scenario: dict[str, Any] | None
    inputs: dict[str, str] | None
    summary: Any
    result: dict[str, Any] | None
    out_dir: str | None
    outputs: dict[str, str] | None
    error: str | None
    version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-able data (times in ISO 8601 UTC)."""
        out = dict(self.__dict__)
        out["started_at"] = self.started_at.isoformat()
        out["finished_at"] = self.finished_at.isoformat() if self.finished_at else None
        return out


def _queued_or_running(status: str) -> str:
    if status not in ("queued", "running"):
        raise StoreError(t("store.bad_status", None, status=status, choices="queued, running"))
    return status


# --------------------------------------------------------------------------- URLs
def store_disabled() -> bool:
    """Whether ``LANDOPT_STORE=off`` (or ``0``, ``no``, ``false``) turns recording off."""
    return os.environ.get("LANDOPT_STORE", "").strip().lower() in ("off", "0", "no", "false")


def _data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".local" / "share") / "landopt"


def default_store_url(explicit: str | None = None, scenario: Any = None) -> str:
    """The run store's URL: ``explicit``, else the scenario's ``[store] url``, else
    ``LANDOPT_STORE_URL``, else an SQLite file ``runs.sqlite`` in the user's data folder
    (``$XDG_DATA_HOME/landopt``, default ``~/.local/share/landopt``)."""
    from_scenario = getattr(getattr(scenario, "store", None), "url", None)
    for url in (explicit, from_scenario, os.environ.get("LANDOPT_STORE_URL", "").strip()):
        if url:
            return str(url)
    return f"sqlite:///{_data_dir() / 'runs.sqlite'}"


def safe_url(url: str | URL) -> str:
    """``url`` with its password hidden (``***``): the only form a URL is shown or logged in."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: show nothing that could be a secret
        return re.sub(r"//[^@/]*@", "//***@", str(url))


def _driver_url(url: str) -> URL:
    """The SQLAlchemy URL, with psycopg 3 for a plain ``postgresql://``."""
    try:
        u = make_url(url)
    except Exception:
        raise StoreError(t("store.bad_url", None, url=safe_url(url))) from None
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    if not u.drivername.startswith(("sqlite", "postgresql")):
        raise StoreError(t("store.bad_url", None, url=safe_url(url)))
    return u


# --------------------------------------------------------------------------- engines
def _sqlite_engine(u: URL) -> Engine:
    if u.database and u.database != ":memory:":
        Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(u, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy, not the driver, begins transactions
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 60000")
        for attempt in range(50):  # WAL needs a moment alone with the file the first time
            try:
                cur.execute("PRAGMA journal_mode = WAL")
                break
            except Exception:
                if attempt == 49:
                    raise
                time.sleep(0.05 * (1 + attempt % 5))
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # take the write lock at once: a deferred transaction that later writes can fail
        # with "database is locked" without waiting for the busy timeout
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _postgres_engine(u: URL, schema: str | None) -> Engine:
    # a server that does not answer fails the open in seconds, not the system's TCP timeout
    engine = sa.create_engine(u, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    if schema:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", schema):
            raise StoreError(t("store.bad_url", None, url=f"{safe_url(u)} (schema {schema!r})"))

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute(f'SET search_path TO "{schema}"')
            cur.close()
            dbapi_conn.commit()

    return engine


def _current_revision(engine: Engine) -> str | None:
    """The store's revision, or ``None`` when it has no version table yet."""
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT version_num FROM landopt_store_version")).scalar()
    except sa.exc.DBAPIError:
        return None


def migrate(engine: Engine, schema: str | None = None) -> None:
    """Bring the store's tables to the head revision, under a lock held by one process.

    SQLite: the migration runs in one ``BEGIN IMMEDIATE`` transaction (SQLite's DDL is
    transactional), so a second process waits, then finds the tables made. PostgreSQL: in
    one transaction holding an advisory lock. Idempotent: a store at head is left alone.
    """
    if _current_revision(engine) == HEAD:
        return
    from alembic import command
    from alembic.config import Config
    from alembic.util.exc import CommandError

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            if schema:
                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        cfg.attributes["connection"] = conn
        try:
            command.upgrade(cfg, "head")
        except CommandError as exc:  # e.g. a store migrated by a newer landopt
            raise StoreError(
                t("store.unreachable", None, url=safe_url(engine.url), message=exc)
            ) from None
    log.debug("run store %s at revision %s", safe_url(engine.url), HEAD)


# --------------------------------------------------------------------------- JSON
def _jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: numpy numbers, paths, times and sets converted; NaN
    and infinities (which PostgreSQL's JSON refuses) become ``None``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v) for v in value), key=str)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        try:
            return _jsonable(item())
        except (TypeError, ValueError):
            pass
    tolist = getattr(value, "tolist", None)  # numpy arrays
    if callable(tolist):
        return _jsonable(tolist())
    return str(value)


def _utc(when: _dt.datetime | None) -> _dt.datetime | None:
    if when is None:
        return None
    return when.replace(tzinfo=_dt.UTC) if when.tzinfo is None else when.astimezone(_dt.UTC)


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def _login() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without a passwd entry)
        return None


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted paths → leaf values; lists of rows with an ``action`` are keyed by it."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out or {prefix: {}} if prefix else out
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        keyed = all("action" in v for v in value)
        out = {}
        for i, v in enumerate(value):
            key = str(v["action"]) if keyed else str(i)
            rest = {k: x for k, x in v.items() if not (keyed and k == "action")}
            out.update(_flatten(rest, f"{prefix}[{key}]"))
        return out
    return {prefix: value}


def _differences(a: Any, b: Any) -> dict[str, list[Any]]:
    fa, fb = _flatten(a or {}), _flatten(b or {})
    return {k: [fa.get(k), fb.get(k)] for k in sorted(set(fa) | set(fb)) if fa.get(k) != fb.get(k)}


# --------------------------------------------------------------------------- the store
class RunStore:
    """The run store at ``url`` (default :func:`default_store_url`), migrated to head.

    Parameters
    ----------
    url
        ``sqlite:///PATH`` or ``postgresql://USER[:PASSWORD]@HOST[:PORT]/DB``.
    schema
        PostgreSQL only: the schema that holds the tables (default: the search path's first).

    Raises
    ------
    StoreError
        The database cannot be reached or migrated (named, with the password hidden).
    """

    def __init__(self, url: str | None = None, *, schema: str | None = None) -> None:
        self.url = url or default_store_url()
        u = _driver_url(self.url)
        #: The URL as it may be shown: password hidden.
        self.safe_url = safe_url(u)
        try:
            if u.drivername.startswith("sqlite"):
                self.engine = _sqlite_engine(u)
            else:
                self.engine = _postgres_engine(u, schema)
            migrate(self.engine, None if u.drivername.startswith("sqlite") else schema)
        except StoreError:
            raise
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            raise StoreError(
                t("store.unreachable", None, url=self.safe_url, message=_no_secret(exc, u))
                + "\n  -> "
                + t("store.unreachable.fix", None)
            ) from None

    def close(self) -> None:
        """Close the store's connections."""
        self.engine.dispose()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RunStore({self.safe_url!r})"

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    # ---- writing
    def start(
        self,
        *,
        kind: str,
        name: str = "",
        scenario: Mapping[str, Any] | None = None,
        inputs: Mapping[str, str] | None = None,
        user: str | None = None,
        origin: str = "api",
        out_dir: str | os.PathLike[str] | None = None,
        status: str = "running",
    ) -> str:
        """Record a run that starts now (status ``running``, or ``queued`` for a run that waits
        its turn: :meth:`mark_running` starts it); return its id (32 hex digits)."""
        from landopt import __version__

        run_id = uuid.uuid4().hex
        with self._tx() as conn:
            conn.execute(
                runs.insert().values(
                    id=run_id,
                    kind=str(kind),
                    name=str(name or ""),
                    status=_queued_or_running(status),
                    username=user if user is not None else _login(),
                    origin=str(origin),
                    started_at=_now(),
                    scenario=_jsonable(scenario),
                    inputs=_jsonable(inputs),
                    out_dir=os.fspath(out_dir) if out_dir is not None else None,
                    landopt_version=__version__,
                )
            )
        return run_id

    def finish(
        self,
        run_id: str,
        *,
        status: str = "done",
        summary: Any = None,
        outputs: Mapping[str, str] | None = None,
        out_dir: str | os.PathLike[str] | None = None,
        error: str | None = None,
        result: Mapping[str, Any] | None = None,
    ) -> None:
        """Record how a run ended; values left ``None`` keep what the row has."""
        if status not in STATUSES:
            raise StoreError(
                t("store.bad_status", None, status=status, choices=", ".join(STATUSES))
            )
        values: dict[str, Any] = {"status": status, "finished_at": _now()}
        for key, value in (("summary", summary), ("outputs", outputs), ("result", result)):
            if value is not None:
                values[key] = _jsonable(value)
        if out_dir is not None:
            values["out_dir"] = os.fspath(out_dir)
        if error is not None:
            values["error"] = str(error)
        with self._tx() as conn:
            done = conn.execute(runs.update().where(runs.c.id == run_id).values(**values))
        if done.rowcount == 0:
            raise self._missing(run_id)

    def update(self, run_id: str, **values: Any) -> None:
        """Change some columns of a run (``out_dir``, ``outputs``, ``summary``, …) without
        touching its status: a written plan adds its folder to the run that solved it."""
        allowed = {"out_dir", "outputs", "summary", "result", "error", "name", "scenario", "inputs"}
        clean = {k: (_jsonable(v) if k != "out_dir" else os.fspath(v)) for k, v in values.items()}
        unknown = set(clean) - allowed
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}: use {sorted(allowed)}")
        with self._tx() as conn:
            done = conn.execute(runs.update().where(runs.c.id == run_id).values(**clean))
        if done.rowcount == 0:
            raise self._missing(run_id)

    def mark_running(self, run_id: str) -> bool:
        """Start a ``queued`` run now (status ``running``, ``started_at`` now); return whether
        it was still queued (False: it was cancelled, or ended, meanwhile)."""
        query = (
            runs.update()
            .where(runs.c.id == run_id, runs.c.status == "queued")
            .values(status="running", started_at=_now())
        )
        with self._tx() as conn:
            return conn.execute(query).rowcount == 1

    def mark_interrupted(self, *, origin: str | None = None) -> int:
        """Mark every ``running`` or ``queued`` run (of ``origin``, if given) ``interrupted``;
        return how many.

        For a server that restarts: the runs it had under way or waiting when it stopped did
        not finish.
        """
        query = runs.update().where(runs.c.status.in_(("running", "queued")))
        if origin is not None:
            query = query.where(runs.c.origin == origin)
        with self._tx() as conn:
            return int(
                conn.execute(query.values(status="interrupted", finished_at=_now())).rowcount
            )

    # ---- reading
    def get(self, run_id: str) -> RunRecord:
        """The run whose id is (or starts with) ``run_id``.

        Raises
        ------
        StoreError
            No run has that id, or more than one starts with it.
        """
        key = str(run_id).strip().lower()
        if not key or not re.fullmatch(r"[0-9a-f]{1,32}", key):
            raise StoreError(
                t("store.bad_id", None, id=str(run_id)) + "\n  -> " + t("store.no_run.fix", None)
            )
        with self._tx() as conn:
            rows = conn.execute(
                sa.select(runs).where(runs.c.id.like(key + "%")).order_by(runs.c.id).limit(6)
            ).all()
        if not rows:
            raise self._missing(key)
        if len(rows) > 1:
            count = len(rows) if len(rows) < 6 else "≥6"
            raise StoreError(
                t(
                    "store.ambiguous",
                    None,
                    id=key,
                    n=count,
                    ids=", ".join(r.id[:12] for r in rows[:3]),
                )
                + "\n  -> "
                + t("store.ambiguous.fix", None)
            )
        return _record(rows[0])

    def list(
        self,
        *,
        kind: str | None = None,
        status: str | None = None,
        user: str | None = None,
        limit: int | None = 50,
        offset: int = 0,
    ) -> list[RunRecord]:
        """Runs, newest first, of that ``kind``, ``status`` and ``user`` when given."""
        query = sa.select(runs)
        if kind is not None:
            query = query.where(runs.c.kind == kind)
        if status is not None:
            query = query.where(runs.c.status == status)
        if user is not None:
            query = query.where(runs.c.username == user)
        query = query.order_by(runs.c.started_at.desc(), runs.c.id.desc()).offset(
            max(0, int(offset))
        )
        if limit is not None:
            query = query.limit(max(0, int(limit)))
        with self._tx() as conn:
            return [_record(r) for r in conn.execute(query).all()]

    def count(self) -> int:
        """How many runs the store holds."""
        with self._tx() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(runs)).scalar() or 0)

    def diff(self, a_id: str, b_id: str) -> dict[str, Any]:
        """What differs between two runs: ``{"a": id, "b": id, "scenario": {path: [a, b]},
        "summary": {…}, "result": {…}, "status": [a, b] or None}``.

        Paths are dotted (``actions.clear.targets.mu``); summary rows are keyed by their
        action (``[clear].mu``).
        """
        a, b = self.get(a_id), self.get(b_id)
        return {
            "a": a.id,
            "b": b.id,
            "status": [a.status, b.status] if a.status != b.status else None,
            "scenario": _differences(a.scenario, b.scenario),
            "summary": _differences(a.summary, b.summary),
            "result": _differences(a.result, b.result),
        }

    def _missing(self, run_id: str) -> StoreError:
        return StoreError(
            t("store.no_run", None, id=run_id, url=self.safe_url)
            + "\n  -> "
            + t("store.no_run.fix", None)
        )


def _no_secret(exc: BaseException, u: URL) -> str:
    """An exception's first line with the URL's password (if any) blotted out."""
    text = (
        str(getattr(exc, "orig", None) or exc).splitlines()[0] if str(exc) else type(exc).__name__
    )
    if u.password:
        text = text.replace(str(u.password), "***")
    return text


def _record(row: Any) -> RunRecord:
    started = _utc(row.started_at)
    assert started is not None
    return RunRecord(
        id=row.id,
        kind=row.kind,
        name=row.name,
        status=row.status,
        user=row.username,
        origin=row.origin,
        started_at=started,
        finished_at=_utc(row.finished_at),
        scenario=row.scenario,
        inputs=row.inputs,
        summary=row.summary,
        result=row.result,
        out_dir=row.out_dir,
        outputs=row.outputs,
        error=row.error,
        version=row.landopt_version,
    )
