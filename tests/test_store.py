"""The run store (landopt.store) against SQLite and a real PostgreSQL (``pg_url``)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from landopt.store import RunStore, StoreError, default_store_url, safe_url
from landopt.store._tables import HEAD, metadata

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def store_at(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str | None]]:
    """Where a fresh, empty store lives: ``{"url": …, "schema": …}`` (a new SQLite file, or
    a new PostgreSQL schema named with a uuid, dropped afterwards)."""
    if request.param == "sqlite":
        yield {"url": f"sqlite:///{tmp_path / 'runs.sqlite'}", "schema": None}
        return
    url = request.getfixturevalue("pg_url")
    schema = f"test_store_{uuid.uuid4().hex[:12]}"
    yield {"url": url, "schema": schema}
    engine = sa.create_engine(sa.engine.make_url(url).set(drivername="postgresql+psycopg"))
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    engine.dispose()


def _open(where: dict[str, str | None]) -> RunStore:
    return RunStore(where["url"], schema=where["schema"])


def test_start_finish_get_list(store_at: dict[str, str | None]) -> None:
    with _open(store_at) as store:
        a = store.start(
            kind="plan",
            name="甲",
            scenario={"year": 2023, "x": float("nan")},
            inputs={"parcels.gpkg": "ab" * 32},
            user="li",
            origin="cli",
            out_dir="out",
        )
        b = store.start(kind="sweep", name="b", user="wang")
        assert len(a) == 32 and store.get(a).status == "running"
        store.finish(
            a,
            status="done",
            summary=[{"action": "clear", "mu": 30.0}],
            outputs={"plan.gpkg": "cd" * 32},
            result={"status": "optimal", "gap": 0.0},
        )
        store.finish(b, status="failed", error="boom")
        got = store.get(a[:6])
        assert (got.kind, got.name, got.status, got.user, got.origin) == (
            "plan",
            "甲",
            "done",
            "li",
            "cli",
        )
        assert got.scenario == {"year": 2023, "x": None}  # NaN is not JSON: kept as null
        assert got.inputs == {"parcels.gpkg": "ab" * 32}
        assert got.summary == [{"action": "clear", "mu": 30.0}]
        assert got.outputs == {"plan.gpkg": "cd" * 32} and got.out_dir == "out"
        assert got.result == {"status": "optimal", "gap": 0.0}
        assert got.started_at.tzinfo is not None and got.started_at.utcoffset() == dt.timedelta(0)
        assert got.finished_at is not None and got.finished_at >= got.started_at
        assert got.version
        assert [r.id for r in store.list()] == [b, a]  # newest first
        assert [r.id for r in store.list(kind="plan")] == [a]
        assert [r.id for r in store.list(status="failed")] == [b]
        assert [r.id for r in store.list(user="li")] == [a]
        assert [r.id for r in store.list(limit=1, offset=1)] == [a]
        assert store.get(b).error == "boom"


def test_get_names_missing_ambiguous_and_bad_ids(store_at: dict[str, str | None]) -> None:
    with _open(store_at) as store:
        ids = [store.start(kind="plan", name=str(i)) for i in range(40)]
        with pytest.raises(StoreError, match="no run with id"):
            store.get("f" * 32 if not any(i == "f" * 32 for i in ids) else "0" * 32)
        with pytest.raises(StoreError, match="is not a run id"):
            store.get("x%")
        common = next(c for c in "0123456789abcdef" if sum(i.startswith(c) for i in ids) > 1)
        with pytest.raises(StoreError, match="is the start of"):
            store.get(common)
        with pytest.raises(StoreError, match="not a run status"):
            store.finish(ids[0], status="fine")


def test_mark_interrupted_and_diff(store_at: dict[str, str | None]) -> None:
    with _open(store_at) as store:
        web = store.start(kind="plan", origin="web")
        cli = store.start(kind="plan", origin="cli")
        assert store.mark_interrupted(origin="web") == 1
        assert store.get(web).status == "interrupted" and store.get(web).finished_at
        assert store.get(cli).status == "running"
        a = store.start(
            kind="plan", scenario={"actions": {"clear": {"targets": {"mu": 30}}}, "year": 2023}
        )
        b = store.start(
            kind="plan", scenario={"actions": {"clear": {"targets": {"mu": 45}}}, "year": 2023}
        )
        store.finish(a, summary=[{"action": "clear", "mu": 30.0}, {"action": "total", "mu": 30.0}])
        store.finish(
            b,
            status="infeasible",
            summary=[{"action": "clear", "mu": 45.0}, {"action": "total", "mu": 30.0}],
        )
        d = store.diff(a[:8], b[:8])
        assert d["scenario"] == {"actions.clear.targets.mu": [30, 45]}
        assert d["summary"] == {"[clear].mu": [30.0, 45.0]}
        assert d["status"] == ["done", "infeasible"]


def test_migrations_from_empty_build_the_tables_at_head(store_at: dict[str, str | None]) -> None:
    """A fresh database gets exactly the tables of _tables.py, at HEAD; reopening is a no-op."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    store = _open(store_at)
    store.start(kind="plan")
    store.close()
    store = _open(store_at)  # second open: already at head, data kept
    assert store.count() == 1
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": "landopt_store_version"})
        assert ctx.get_current_revision() == HEAD
        assert compare_metadata(ctx, metadata) == []
    store.close()


def test_sqlite_is_in_wal_mode(tmp_path: Path) -> None:
    with RunStore(f"sqlite:///{tmp_path / 'r.sqlite'}") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


_WRITER = textwrap.dedent(
    """
    import sys
    from landopt.store import RunStore
    url, schema, who, m = sys.argv[1], sys.argv[2] or None, sys.argv[3], int(sys.argv[4])
    store = RunStore(url, schema=schema)  # every process opens the fresh store at once
    for k in range(m):
        run = store.start(kind="plan", name=f"{who}-{k}", user=who)
        store.finish(run, status="done", summary=[{"action": "clear", "mu": k}])
    """
)


def test_concurrent_processes_lose_nothing(store_at: dict[str, str | None]) -> None:
    """N processes open one fresh store together and write M runs each: all N x M are there."""
    n, m = 4, 15
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WRITER,
                str(store_at["url"]),
                store_at["schema"] or "",
                f"w{i}",
                str(m),
            ],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(n)
    ]
    errors = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * n, errors
    with _open(store_at) as store:
        got = store.list(limit=None)
        assert sorted(r.name for r in got) == sorted(
            f"w{i}-{k}" for i in range(n) for k in range(m)
        )
        assert {r.status for r in got} == {"done"}


def test_default_url_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    class _Store:
        url = "sqlite:///from-scenario.sqlite"

    class _Scenario:
        store = _Store()

    monkeypatch.setenv("LANDOPT_STORE_URL", "sqlite:///from-env.sqlite")
    assert default_store_url("sqlite:///x.sqlite", _Scenario()) == "sqlite:///x.sqlite"
    assert default_store_url(None, _Scenario()) == "sqlite:///from-scenario.sqlite"
    assert default_store_url() == "sqlite:///from-env.sqlite"
    monkeypatch.delenv("LANDOPT_STORE_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_store_url() == f"sqlite:///{tmp_path / 'landopt' / 'runs.sqlite'}"


def test_passwords_are_never_shown(caplog: pytest.LogCaptureFixture) -> None:
    url = "postgresql://planner:s3cret-pw@127.0.0.1:1/nodb"
    assert "s3cret-pw" not in safe_url(url)
    with caplog.at_level(logging.DEBUG, logger="landopt"), pytest.raises(StoreError) as info:
        RunStore(url)  # nothing listens on port 1
    assert "s3cret-pw" not in str(info.value) and "***" in str(info.value)
    assert "s3cret-pw" not in caplog.text


def test_a_bad_url_is_named() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        RunStore("ftp://somewhere/x")
