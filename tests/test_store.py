"""The run store (landopt.store) against SQLite and a real PostgreSQL (``pg_url``)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def test_a_queued_run_starts_once_and_a_restart_interrupts_it(
    store_at: dict[str, str | None],
) -> None:
    with _open(store_at) as store:
        queued = store.start(kind="plan", origin="web", status="queued")
        waiting = store.start(kind="plan", origin="web", status="queued")
        assert store.get(queued).status == "queued"
        assert store.mark_running(queued) and store.get(queued).status == "running"
        assert not store.mark_running(queued)  # started already
        store.finish(queued, status="cancelled")
        assert not store.mark_running(queued)  # a cancelled run never starts
        assert store.mark_interrupted(origin="web") == 1
        assert store.get(waiting).status == "interrupted"
        with pytest.raises(StoreError):
            store.start(kind="plan", status="done")


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


# --------------------------------------------------------------------------- recording runs
def _toml(d: dict, indent: str = "") -> str:
    """Enough TOML for the toy scenario (as tests/test_cli_plan.py writes it)."""

    def val(v):
        if isinstance(v, dict):
            return "{ " + ", ".join(f'"{k}" = {val(x)}' for k, x in v.items()) + " }"
        if isinstance(v, list):
            return "[ " + ", ".join(val(x) for x in v) + " ]"
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, bool):
            return "true" if v else "false"
        return repr(v)

    return "\n".join(f'"{k}" = {val(v)}' for k, v in d.items()) + "\n"


@pytest.fixture
def runs_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh run store for this test only (LANDOPT_STORE_URL)."""
    url = f"sqlite:///{tmp_path / 'test-runs.sqlite'}"
    monkeypatch.setenv("LANDOPT_STORE_URL", url)
    return url


@pytest.fixture
def toy_files(tmp_path: Path) -> Any:
    """The toy district as a GeoPackage and ``scenario(name, **changes)`` writing a TOML."""
    import geopandas as gpd
    from shapely.geometry import box
    from toy import TOY_SCENARIO, toy_parcels

    df = toy_parcels()
    side = (df["area_mu"] * 10000 / 15) ** 0.5
    geoms = [
        box(589000 + 300 * i, 4074000, 589000 + 300 * i + s, 4074000 + s)
        for i, s in enumerate(side)
    ]
    gdf = gpd.GeoDataFrame(df.drop(columns="area_mu"), geometry=geoms, crs="EPSG:4548")
    gdf.to_file(tmp_path / "toy.gpkg", engine="pyogrio")

    def scenario(file: str = "toy.toml", **changes: Any) -> Path:
        d = json.loads(json.dumps(TOY_SCENARIO))
        d["parcels"] = {"path": "toy.gpkg"}
        for k, v in changes.items():
            node = d
            *head, last = k.split(".")
            for h in head:
                node = node[h]
            node[last] = v
        path = tmp_path / file
        path.write_text(_toml(d), encoding="utf-8")
        return path

    return scenario


IMPOSSIBLE = {"actions.upgrade.targets": {"count": 2, "area_min": 100}}


def _runs(url: str) -> list[Any]:
    with RunStore(url) as store:
        return store.list(limit=None)


def test_a_cli_plan_is_recorded_done_with_its_outputs(runs_url, toy_files, tmp_path, capsys):
    from landopt.cli import main
    from landopt.plan import file_sha256

    path = toy_files()
    out = tmp_path / "o"
    assert main(["plan", str(path), "--out", str(out), "--no-maps"]) == 0
    [rec] = _runs(runs_url)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert (rec.kind, rec.status, rec.origin, rec.name) == ("plan", "done", "cli", "toy")
    assert run["run_id"] == rec.id
    assert rec.out_dir == str(out.resolve())
    assert rec.outputs == {**run["outputs"], "run.json": file_sha256(out / "run.json")}
    assert rec.inputs == {
        str(path.resolve()): file_sha256(path),
        str((tmp_path / "toy.gpkg").resolve()): file_sha256(tmp_path / "toy.gpkg"),
    }
    assert rec.scenario == run["scenario"]  # the scenario as resolved
    assert rec.summary == run["summary"] and rec.result["status"] == "optimal"
    assert rec.result["objective"] == pytest.approx(165.0)


def test_unmet_targets_are_recorded_infeasible(runs_url, toy_files, tmp_path, capsys):
    from landopt.cli import main

    path = toy_files(**IMPOSSIBLE)
    assert main(["plan", str(path), "--out", str(tmp_path / "o"), "--no-maps"]) == 3
    out = tmp_path / "short"
    assert main(["plan", str(path), "--out", str(out), "--no-maps", "--allow-shortfall"]) == 3
    shortfall, refused = _runs(runs_url)  # newest first
    assert refused.status == "infeasible" and "10.0 mu short" in refused.error
    assert refused.out_dir is None and refused.outputs is None
    assert shortfall.status == "infeasible" and shortfall.out_dir == str(out.resolve())
    assert "plan.gpkg" in shortfall.outputs


@pytest.mark.parametrize(
    ("raised", "code", "status"),
    [(KeyboardInterrupt(), 130, "interrupted"), ("solver", 4, "failed")],
)
def test_interrupted_and_failed_runs_are_recorded(
    runs_url, toy_files, tmp_path, monkeypatch, capsys, raised, code, status
):
    import landopt.plan
    from landopt.cli import main
    from landopt.errors import SolverError

    exc = SolverError("HiGHS fell over") if raised == "solver" else raised

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise exc

    monkeypatch.setattr(landopt.plan, "_solve", broken)
    assert main(["plan", str(toy_files()), "--out", str(tmp_path / "o"), "--no-maps"]) == code
    [rec] = _runs(runs_url)
    assert rec.status == status and rec.finished_at is not None
    if status == "failed":
        assert rec.error == "HiGHS fell over"


def test_api_solve_compare_and_sweep_are_recorded(runs_url, toy_files, tmp_path, capsys):
    import landopt
    from landopt.analysis import compare, sweep
    from landopt.cli import main

    a = landopt.solve(landopt.load_scenario(toy_files("a.toml")))
    b_file = toy_files("b.toml", locks={"exclude": {"P1": ["upgrade"]}})
    b = landopt.solve(landopt.load_scenario(b_file))
    assert a.run_id and b.run_id and a.run_id != b.run_id
    compare([a, b], ["a", "b"])
    kinds = {r.kind: r for r in _runs(runs_url)}
    assert kinds["compare"].result["plans"] == {"a": a.run_id, "b": b.run_id}
    assert kinds["compare"].name == "a / b" and kinds["compare"].status == "done"
    assert kinds["plan"].origin == "api"

    result = sweep(
        landopt.load_scenario(toy_files()),
        None,
        {"actions.upgrade.targets.area_min": [60, 100]},
        jobs=1,
    )
    rec = RunStore(runs_url).get(result.run_id)
    assert rec.kind == "sweep" and rec.result["statuses"] == {"optimal": 1, "infeasible": 1}
    assert len(rec.summary) == 2
    assert len(_runs(runs_url)) == 4  # the sweep's points are part of it, not runs of their own

    out = tmp_path / "sw"
    argv = ["sweep", str(toy_files()), "--vary", "actions.upgrade.targets.area_min=60:80:20"]
    assert main([*argv, "--out", str(out), "--jobs", "1"]) == 0
    newest = _runs(runs_url)[0]
    assert newest.kind == "sweep" and newest.origin == "cli"
    assert newest.out_dir == str(out.resolve()) and set(newest.outputs) == {
        "sweep.csv",
        "sweep.png",
    }


def test_an_unreachable_store_never_fails_the_plan(toy_files, tmp_path, monkeypatch, capsys):
    from landopt.cli import main

    monkeypatch.setenv("LANDOPT_STORE_URL", "postgresql://planner:s3cret-pw@127.0.0.1:1/nodb")
    out = tmp_path / "o"
    assert main(["plan", str(toy_files()), "--out", str(out), "--no-maps"]) == 0
    err = capsys.readouterr().err
    assert "was not recorded in the run store" in err and "s3cret-pw" not in err
    assert "run_id" not in json.loads((out / "run.json").read_text(encoding="utf-8"))


def test_store_off_records_nothing(runs_url, toy_files, tmp_path, monkeypatch, capsys):
    import landopt

    monkeypatch.setenv("LANDOPT_STORE", "off")
    assert landopt.solve(landopt.load_scenario(toy_files())).run_id is None
    monkeypatch.delenv("LANDOPT_STORE")
    assert _runs(runs_url) == []


def test_a_scenario_names_its_store_without_the_password(toy_files, tmp_path, monkeypatch):
    import landopt

    own = tmp_path / "own.sqlite"
    path = toy_files()
    path.write_text(
        path.read_text(encoding="utf-8") + f'\n[store]\nurl = "sqlite:///{own}"\n', encoding="utf-8"
    )
    plan = landopt.solve(landopt.load_scenario(path))
    assert RunStore(f"sqlite:///{own}").get(plan.run_id).status == "done"
    pg = landopt.scenario_from_dict(
        {**landopt.load_scenario(path).to_dict(), "store": {"url": "postgresql://u:pw@h/db"}}
    )
    assert pg.store.url == "postgresql://u:pw@h/db" and pg.to_dict()["store"] == {
        "url": "postgresql://u@h/db"
    }


# --------------------------------------------------------------------------- landopt runs
def test_runs_list_show_diff_open(runs_url, toy_files, tmp_path, capsys):
    from landopt.cli import main

    out = tmp_path / "o"
    assert main(["plan", str(toy_files()), "--out", str(out), "--no-maps"]) == 0
    assert (
        main(["plan", str(toy_files(**IMPOSSIBLE)), "--out", str(tmp_path / "x"), "--no-maps"]) == 3
    )
    bad, good = _runs(runs_url)
    capsys.readouterr()

    assert main(["runs", "list", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert good.id[:12] in text and bad.id[:12] in text
    assert "done" in text and "infeasible" in text and "command line" in text
    assert text.index(bad.id[:12]) < text.index(good.id[:12])  # newest first
    assert "Beijing time" in text and "2 of 2 runs" in text

    assert main(["runs", "list", "--status", "done", "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert (
        good.id[:12] in text and bad.id[:12] not in text and "完成" in text and "北京时间" in text
    )

    assert main(["runs", "show", good.id[:8], "--lang", "en"]) == 0
    text = capsys.readouterr().out
    for word in (
        "plan.gpkg",
        "summary.xlsx",
        "toy.gpkg",
        "optimal",
        str(out.resolve()),
        '"upgrade"',
    ):
        assert word in text

    assert main(["runs", "show", good.id[:8], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == good.id

    assert main(["runs", "diff", good.id[:8], bad.id[:8], "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "actions.upgrade.targets.area_min" in text and "infeasible" in text

    assert main(["runs", "open", good.id[:8]]) == 0  # stdout is not a terminal: just the path
    assert capsys.readouterr().out == f"{out.resolve()}\n"

    assert main(["runs", "open", bad.id]) == 2
    assert "wrote no output folder" in capsys.readouterr().err
    assert main(["runs", "show", "abcdef0123", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "no run with id 'abcdef0123'" in err and "Traceback" not in err
    assert main(["runs", "show", "not-an-id"]) == 2


def test_a_run_started_elsewhere_is_carried_on_by_the_library(runs_url, toy_files, tmp_path):
    """A web app starts a run (queued), then solves and writes inside ``recording(run_id=…)``:
    the one run gets the status, summary, inputs and outputs; no second run appears."""
    import landopt
    from landopt.store.record import recording

    store = RunStore(runs_url)
    sc = landopt.load_scenario(toy_files(**IMPOSSIBLE))
    run_id = store.start(kind="plan", name=sc.name, scenario=sc.to_dict(), origin="web")
    out = tmp_path / "web-out"
    with recording("plan", run_id=run_id, url=runs_url):
        plan = landopt.solve(sc, allow_shortfall=True)
        landopt.write_plan(plan, out)
    assert plan.run_id == run_id
    [rec] = store.list()
    assert (rec.id, rec.origin, rec.status) == (run_id, "web", "infeasible")
    assert rec.out_dir == str(out.resolve()) and "plan.gpkg" in rec.outputs
    assert rec.summary and rec.result["status"] and rec.inputs

    failing = store.start(kind="plan", origin="web")
    with pytest.raises(RuntimeError), recording("plan", run_id=failing, url=runs_url):
        raise RuntimeError("the worker died")
    assert store.get(failing).status == "failed" and store.get(failing).error == "the worker died"


def test_open_uses_a_desktop_opener_only_when_there_is_a_desktop(monkeypatch):
    from landopt.cli import runs

    monkeypatch.setattr(runs.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert runs._opener() is None  # headless: print the path, open nothing
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(runs.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert runs._opener() == ["/usr/bin/xdg-open"]
    monkeypatch.setattr(runs.shutil, "which", lambda name: None)
    assert runs._opener() is None
