"""PostGIS in and out: parcel layers read from tables and queries, plans written as tables.

Against a real PostgreSQL+PostGIS (``pg_url``, from ``LANDOPT_TEST_PG_URL``; skipped when
it is unset outside CI). Every test works in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import sqlalchemy as sa

import landopt
from landopt._pg import public_url
from landopt.cli import main
from landopt.errors import InputError, OutputError, ParcelDataError
from landopt.parcels import read_parcels
from landopt.plan_db import write_plan_to_db

ROOT = Path(__file__).resolve().parents[1]
DEMO_PARCELS = ROOT / "data" / "parcels.geojson"
DEMO_SCENARIO = ROOT / "data" / "scenarios" / "zhangdian-2023.toml"


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


@pytest.fixture
def pg(pg_url: str) -> Iterator[tuple[str, str]]:
    """``(url, schema)``: a new schema for this test, dropped (with all in it) afterwards."""
    schema = f"t_{uuid.uuid4().hex[:10]}"
    eng = _engine(pg_url)
    with eng.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_url, schema
    finally:
        with eng.begin() as c:
            c.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        eng.dispose()


@pytest.fixture(scope="module")
def demo() -> gpd.GeoDataFrame:
    return gpd.read_file(DEMO_PARCELS)


@pytest.fixture(scope="module")
def file_plan() -> landopt.Plan:
    return landopt.solve(landopt.load_scenario(DEMO_SCENARIO))


def _load(url: str, schema: str, gdf: gpd.GeoDataFrame, table: str = "parcels") -> None:
    eng = _engine(url)
    with eng.begin() as c:
        gdf.to_postgis(table, c, schema=schema, index=False)
    eng.dispose()


def _scenario_file(tmp_path: Path, parcels_toml: str) -> Path:
    """The demo scenario with its [parcels] table replaced by ``parcels_toml``."""
    text = DEMO_SCENARIO.read_text(encoding="utf-8")
    text = text.replace('[parcels]\npath = "../parcels.geojson"\n', parcels_toml)
    assert parcels_toml in text
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _chosen(plan: landopt.Plan) -> list[tuple[str, str]]:
    p = plan.parcels
    return sorted(zip(p["parcel_id"].astype(str), p["action"], strict=True))


# ------------------------------------------------------------------------------ reading
def test_plan_from_a_table_is_the_plan_from_the_file(
    pg: tuple[str, str], demo: gpd.GeoDataFrame, file_plan: landopt.Plan, tmp_path: Path
) -> None:
    url, schema = pg
    _load(url, schema, demo)
    scen = _scenario_file(tmp_path, f'[parcels]\nurl = "{url}"\ntable = "{schema}.parcels"\n')
    sc = landopt.load_scenario(scen)
    plan = landopt.solve(sc)
    assert _chosen(plan) == _chosen(file_plan)
    assert plan.result.objective == pytest.approx(file_plan.result.objective)
    assert (plan.parcels["action"] != "none").sum() == 31
    # the same areas from the same geometry (EPSG:4326 in the table as in the file)
    assert plan.parcels["area_mu"].sum() == pytest.approx(file_plan.parcels["area_mu"].sum())
    assert plan.source["table"] == f"{schema}.parcels"
    assert re.fullmatch(r"[0-9a-f]{64}", plan.source["sha256"])
    # the input hash: of the rows, not of their order in the table
    again = read_parcels(url, sql=f"SELECT * FROM {schema}.parcels ORDER BY random()")
    shuffled = read_parcels(url, table=f"{schema}.parcels")
    assert shuffled.attrs["landopt_source_sha256"] == plan.source["sha256"]
    assert again.attrs["landopt_source_sha256"] != plan.source["sha256"]  # the query differs


def test_chinese_columns_mapped_from_a_table(pg: tuple[str, str], demo: gpd.GeoDataFrame) -> None:
    url, schema = pg
    raw = demo.rename(columns={"parcel_id": "地块编号", "status": "状态", "area_mu": "面积"})
    raw["状态"] = raw["状态"].map({"inefficient": "低效", "idle": "闲置"}).fillna(raw["状态"])
    _load(url, schema, raw, table="宗地")
    columns = {"地块编号": "parcel_id", "状态": "status", "面积": "area_mu"}
    got = read_parcels(url, table=f"{schema}.宗地", columns=columns)
    want = read_parcels(DEMO_PARCELS)
    assert list(got["parcel_id"]) == list(want["parcel_id"])
    assert list(got["status"]) == list(want["status"])
    assert got["area_mu"].to_numpy() == pytest.approx(want["area_mu"].to_numpy())
    # the planner's names are kept for the plan layer
    assert "地块编号" in got.attrs["landopt_original"].columns


def test_a_bad_row_is_named_as_in_a_file(
    pg: tuple[str, str], demo: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    url, schema = pg
    bad = demo.copy()
    bad.loc[7, "status"] = "derelict"
    bad.loc[9, "parcel_id"] = bad.loc[8, "parcel_id"]
    _load(url, schema, bad)
    bad.to_file(tmp_path / "bad.gpkg")
    with pytest.raises(ParcelDataError) as from_db:
        read_parcels(url, table=f"{schema}.parcels")
    with pytest.raises(ParcelDataError) as from_file:
        read_parcels(tmp_path / "bad.gpkg")
    key = [(p.where, p.field, p.what, p.severity) for p in from_db.value.problems]
    assert key == [(p.where, p.field, p.what, p.severity) for p in from_file.value.problems]
    assert any(p.field == "status" and "derelict" in p.what for p in from_db.value.problems)
    assert f"{schema}.parcels" in str(from_db.value)


def test_sql_with_a_where(pg: tuple[str, str], demo: gpd.GeoDataFrame) -> None:
    url, schema = pg
    _load(url, schema, demo)
    town = demo["township"].iloc[0]
    got = read_parcels(
        url, sql=f"SELECT * FROM {schema}.parcels WHERE township = '{town}' AND area_mu::float > 0"
    )
    assert sorted(got["parcel_id"]) == sorted(demo.loc[demo["township"] == town, "parcel_id"])
    # URL#table on the command line reads the same as table=
    assert len(read_parcels(f"{url}#{schema}.parcels")) == len(demo)


def test_reading_errors_are_named(pg: tuple[str, str], demo: gpd.GeoDataFrame) -> None:
    url, schema = pg
    _load(url, schema, demo)
    with pytest.raises(InputError, match=rf"no table {schema}\.nope; .*{schema}\.parcels"):
        read_parcels(url, table=f"{schema}.nope")
    with pytest.raises(InputError, match=r"the query failed: .*syntax error"):
        read_parcels(url, sql="SELEC * FROM parcels")
    with pytest.raises(InputError, match=r"no PostGIS geometry column \(columns: parcel_id\)"):
        read_parcels(url, sql=f"SELECT parcel_id FROM {schema}.parcels")
    with pytest.raises(InputError, match="2 geometry columns"):
        read_parcels(url, sql=f"SELECT *, geometry AS g2 FROM {schema}.parcels")
    assert len(
        read_parcels(
            url, sql=f"SELECT *, geometry AS g2 FROM {schema}.parcels", geometry_column="geometry"
        )
    ) == len(demo)
    with pytest.raises(InputError, match="SRID 0"):
        read_parcels(
            url,
            sql=f"SELECT parcel_id, status, ST_SetSRID(geometry, 0) AS geom FROM {schema}.parcels",
        )
    with pytest.raises(InputError, match="cannot connect"):
        read_parcels(re.sub(r":\d+/", ":1/", url), table="parcels")


def test_scenario_parcels_url_is_checked(tmp_path: Path) -> None:
    from landopt.errors import ScenarioError

    for toml, words in [
        ('[parcels]\nurl = "postgresql://u@h/db"\n', "table 和 sql 须且只能给出一个"),
        ('[parcels]\nurl = "mysql://u:pw@h/db"\ntable = "t"\n', "不是 PostgreSQL 地址"),
        ('[parcels]\npath = "x.gpkg"\ntable = "t"\n', "table 只用于 PostGIS 图层"),
        ('[parcels]\nlayer = "x"\n', "未指定地块图层"),
    ]:  # the demo scenario is in Chinese
        with pytest.raises(ScenarioError, match=re.escape(words)):
            landopt.load_scenario(_scenario_file(tmp_path, toml))
    sc = landopt.load_scenario(
        _scenario_file(tmp_path, '[parcels]\nurl = "postgresql://u:pw@h/db"\nsql = "SELECT 1"\n')
    )
    assert sc.to_dict()["parcels"] == {"url": "postgresql://u@h/db", "sql": "SELECT 1"}


# ------------------------------------------------------------------------------ writing
def test_plan_written_to_tables_round_trip(
    pg: tuple[str, str], demo: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    url, schema = pg
    _load(url, schema, demo)
    scen = _scenario_file(tmp_path, f'[parcels]\nurl = "{url}"\ntable = "{schema}.parcels"\n')
    out_schema = f"{schema}_out"
    try:
        argv = ["plan", str(scen), "--out", str(tmp_path / "o"), "--no-maps"]
        assert main([*argv, "--to-db", url, "--schema", out_schema]) == 0
        run = json.loads((tmp_path / "o" / "run.json").read_text(encoding="utf-8"))
        eng = _engine(url)
        with eng.connect() as c:
            plan = gpd.read_postgis(
                f'SELECT * FROM "{out_schema}".landopt_plan', c, geom_col="geometry"
            )
            indexes = (
                c.execute(
                    sa.text(
                        "SELECT indexdef FROM pg_indexes WHERE schemaname = :s AND "
                        "tablename = 'landopt_plan'"
                    ),
                    {"s": out_schema},
                )
                .scalars()
                .all()
            )
            runs = c.execute(
                sa.text(f'SELECT run_id, record FROM "{out_schema}".landopt_run')
            ).all()
            summary = c.execute(
                sa.text(f'SELECT action, plots FROM "{out_schema}".landopt_summary')
            ).all()
        assert len(plan) == len(demo)
        assert set(plan["run_id"]) == {run["run_id"]}
        assert (plan["措施代码"] != "none").sum() == 31  # the demo is written in Chinese
        assert plan.crs.to_epsg() == 4548
        assert any("USING gist (geometry)" in d for d in indexes)
        assert [r.run_id for r in runs] == [run["run_id"]]
        assert runs[0].record["input"]["sha256"] == run["input"]["sha256"]
        assert dict(summary)["total"] == 31

        # another run appends; writing a run again replaces its rows
        assert main([*argv, "--force", "--to-db", url, "--schema", out_schema]) == 0
        p = landopt.read_plan(tmp_path / "o")
        p.run_id = json.loads((tmp_path / "o" / "run.json").read_text(encoding="utf-8"))["run_id"]
        write_plan_to_db(p, url, schema=out_schema)  # the second run again
        with eng.connect() as c:
            counts = c.execute(
                sa.text(f'SELECT run_id, count(*) FROM "{out_schema}".landopt_plan GROUP BY 1')
            ).all()
            n_runs = c.execute(sa.text(f'SELECT count(*) FROM "{out_schema}".landopt_run')).scalar()
        assert sorted(n for _, n in counts) == [len(demo), len(demo)]
        assert n_runs == 2
        eng.dispose()
    finally:
        eng = _engine(url)
        with eng.begin() as c:
            c.execute(sa.text(f'DROP SCHEMA IF EXISTS "{out_schema}" CASCADE'))
        eng.dispose()


def _exists(url: str, schema: str, name: str) -> bool:
    eng = _engine(url)
    with eng.connect() as c:
        found = c.execute(sa.text("SELECT to_regclass(:q)"), {"q": f'"{schema}"."{name}"'}).scalar()
    eng.dispose()
    return found is not None


def test_writing_is_all_or_nothing(
    pg: tuple[str, str], file_plan: landopt.Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, schema = pg
    # a conflicting object: a summary table whose run_id is a number
    eng = _engine(url)
    with eng.begin() as c:
        c.execute(sa.text(f'CREATE TABLE "{schema}".landopt_summary (run_id integer)'))
    eng.dispose()
    with pytest.raises(OutputError, match="nothing was written"):
        write_plan_to_db(file_plan, url, schema=schema)
    assert not _exists(url, schema, "landopt_plan")  # written before the summary failed
    assert not _exists(url, schema, "landopt_run")

    # a failure at the last step, into a schema that did not exist: not even the schema stays
    import landopt.plan_db as plan_db

    def fail(*args: object, **kwargs: object) -> None:
        raise sa.exc.DBAPIError("INSERT", {}, RuntimeError("disk full"))

    monkeypatch.setattr(plan_db, "_insert_run", fail)
    fresh = f"{schema}_new"
    with pytest.raises(OutputError, match="disk full"):
        write_plan_to_db(file_plan, url, schema=fresh)
    eng = _engine(url)
    with eng.connect() as c:
        assert (
            c.execute(
                sa.text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"), {"s": fresh}
            ).scalar()
            == 0
        )
    eng.dispose()


def test_folder_and_tables_appear_together_or_not_at_all(
    pg: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``landopt plan --to-db``: a failed table write leaves no folder, and a folder that
    cannot be swapped in after the tables were written takes the tables' rows with it."""
    url, schema = pg
    argv = ["plan", str(DEMO_SCENARIO), "--no-maps", "--to-db", url, "--schema", schema]
    eng = _engine(url)
    with eng.begin() as c:  # a summary table whose run_id is a number: the write fails
        c.execute(sa.text(f'CREATE TABLE "{schema}".landopt_summary (run_id integer)'))
    assert main([*argv, "--out", str(tmp_path / "a")]) != 0
    assert not (tmp_path / "a").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no staging folder left either
    assert not _exists(url, schema, "landopt_plan")

    with eng.begin() as c:
        c.execute(sa.text(f'DROP TABLE "{schema}".landopt_summary'))
    import landopt._atomic as atomic

    def refuse(stage: Path, out: Path, **kwargs: object) -> None:
        raise OutputError(f"cannot rename {stage} to {out}")

    monkeypatch.setattr(atomic, "_swap", refuse)
    assert main([*argv, "--out", str(tmp_path / "b")]) != 0
    assert not (tmp_path / "b").exists()
    with eng.connect() as c:
        for name in ("landopt_plan", "landopt_summary", "landopt_run"):  # written, then undone
            assert _exists(url, schema, name)
            assert c.execute(sa.text(f'SELECT count(*) FROM "{schema}".{name}')).scalar() == 0

    monkeypatch.undo()
    assert main([*argv, "--out", str(tmp_path / "c")]) == 0  # and the same command works
    run = json.loads((tmp_path / "c" / "run.json").read_text(encoding="utf-8"))
    with eng.connect() as c:
        ids = c.execute(sa.text(f'SELECT run_id FROM "{schema}".landopt_run')).scalars().all()
    assert ids == [run["run_id"]]
    eng.dispose()


# ------------------------------------------------------------------------------ secrets
@pytest.fixture
def secret_role(pg_url: str, pg: tuple[str, str]) -> Iterator[tuple[str, str, str]]:
    """A login role with a password found nowhere else: ``(user, password, schema)``."""
    _, schema = pg
    user = f"landopt_pw_{uuid.uuid4().hex[:8]}"
    password = f"Zq{uuid.uuid4().hex}"
    eng = _engine(pg_url)
    db = sa.engine.make_url(pg_url).database
    with eng.begin() as c:
        c.execute(sa.text(f"CREATE ROLE {user} LOGIN PASSWORD '{password}'"))
        c.execute(sa.text(f'GRANT CREATE, CONNECT ON DATABASE "{db}" TO {user}'))
        c.execute(sa.text(f'GRANT USAGE, CREATE ON SCHEMA "{schema}" TO {user}'))
    try:
        yield user, password, schema
    finally:
        with eng.begin() as c:
            c.execute(sa.text(f"DROP OWNED BY {user} CASCADE"))
            c.execute(sa.text(f"DROP ROLE {user}"))
        eng.dispose()


def test_the_password_never_leaks(
    pg_url: str,
    secret_role: tuple[str, str, str],
    demo: gpd.GeoDataFrame,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    _run_store: Path,
) -> None:
    user, password, schema = secret_role
    u = sa.engine.make_url(pg_url)
    with_pw = u.set(username=user, password=password).render_as_string(hide_password=False)
    bare = public_url(with_pw)
    _load(pg_url, schema, demo)
    eng = _engine(pg_url)
    with eng.begin() as c:
        c.execute(sa.text(f'GRANT SELECT ON "{schema}".parcels TO {user}'))
    eng.dispose()
    caplog.set_level(logging.DEBUG)
    monkeypatch.delenv("PGPASSWORD", raising=False)

    # the password in the scenario's URL and in --to-db's
    scen = _scenario_file(tmp_path, f'[parcels]\nurl = "{with_pw}"\ntable = "{schema}.parcels"\n')
    out = tmp_path / "o"
    argv = ["plan", str(scen), "--out", str(out), "--no-maps", "--schema", f"{schema}_w"]
    assert main([*argv, "--to-db", with_pw]) == 0
    # none in the URL: PGPASSWORD (libpq) gives it
    monkeypatch.setenv("PGPASSWORD", password)
    scen = _scenario_file(tmp_path, f'[parcels]\nurl = "{bare}"\ntable = "{schema}.parcels"\n')
    assert main([*argv, "--force", "--to-db", bare]) == 0
    assert (
        main(
            [
                "plan",
                str(scen),
                "--out",
                str(tmp_path / "p"),
                "--no-maps",
                "--parcels",
                f"{bare}#{schema}.parcels",
            ]
        )
        == 0
    )
    # errors: a wrong table, a wrong password
    with pytest.raises(InputError) as no_table:
        read_parcels(with_pw, table=f"{schema}.nope")
    monkeypatch.delenv("PGPASSWORD")
    with pytest.raises(InputError) as refused:
        read_parcels(with_pw.replace(password, password + "x"), table=f"{schema}.parcels")
    assert "cannot connect" in str(refused.value)

    seen = [
        (out / "run.json").read_text(encoding="utf-8"),
        (tmp_path / "p" / "run.json").read_text(encoding="utf-8"),
        caplog.text,
        *capsys.readouterr(),
        str(no_table.value),
        str(refused.value),
    ]
    for f in _run_store.parent.glob(_run_store.name + "*"):  # the store and its WAL
        seen.append(f.read_bytes().decode("utf-8", "replace"))
    eng = _engine(pg_url)
    with eng.connect() as c:
        seen.append(
            json.dumps(
                c.execute(sa.text(f'SELECT record FROM "{schema}_w".landopt_run')).scalars().all()
            )
        )
        c.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}_w" CASCADE'))
        c.commit()
    eng.dispose()
    assert json.loads(seen[0])["input"]["url"] == bare
    for text in seen:
        assert password not in text
