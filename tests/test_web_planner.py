"""The web app's planner features beyond one plan, through FastAPI's TestClient: a target
sweep with its cost curve, locks picked on the map, a PostGIS table as the layer, years and
projects in the form, runs on a Dask cluster.

Helpers and fixtures are those of tests/test_web.py (each test its own data folder and
SQLite run store; runs solve in real child processes, waited for by polling the JSON API).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_web import DEMO, _app, _csrf, _form_of, _layer_id, _run_id, _upload, _wait

pytestmark = pytest.mark.filterwarnings(
    "ignore:Using `httpx` with `starlette.testclient` is deprecated"
)


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.setenv("LANDOPT_STORE_URL", url)
    return url


@pytest.fixture
def client(tmp_path: Path, store_url: str) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(_app(tmp_path, store_url)) as c:
        yield c


SWEEP = "actions.clear.targets.area_min"


def _post_scenario(client: Any, layer: str, **changes: str) -> Any:
    form = _form_of(client.get(f"/layers/{layer}/scenario").text, "scenario-form") | changes
    return client.post(f"/layers/{layer}/scenario", data=form, follow_redirects=False)


def _field_problems(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-field="([^"]+)">([^<]+)<', page))


# --------------------------------------------------------------------------- target sweep
def test_sweep_fields_are_offered_and_bad_values_named_next_to_them(client: Any) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    page = client.get(f"/layers/{layer}/scenario").text
    assert 'id="sweep-run"' in page
    for key in (SWEEP, "actions.upgrade.targets.count", "budget.total"):
        assert f'<option value="{key}"' in page
    bad = _post_scenario(
        client,
        layer,
        do="sweep",
        **{"sweep.key": "solver.threads", "sweep.from": "x", "sweep.to": "9", "sweep.steps": "1"},
    )
    assert bad.status_code == 422
    problems = _field_problems(bad.text)
    assert problems["sweep.key"] == "请从所列目标中选择一项"
    assert problems["sweep.from"] == "不是数字"
    assert problems["sweep.steps"] == "取值个数应在 2 到 50 之间"
    # what was typed stays in its field
    assert 'id="sweep-from" name="sweep.from" value="x"' in bad.text
    backwards = _post_scenario(
        client, layer, do="sweep", **{"sweep.from": "600", "sweep.to": "500", "sweep.steps": "3"}
    )
    assert _field_problems(backwards.text)["sweep.to"] == "终止值须大于起始值"


def test_sweep_values_are_equal_steps_and_free_an_exact_area() -> None:
    from landopt.web import scenario_form

    base = scenario_form.base_scenario()
    base["actions"]["clear"]["targets"] = {"count": 17, "area_min": 560, "area_max": 560}
    data, vary, errors = scenario_form.sweep_from_form(
        base, {"sweep.key": SWEEP, "sweep.from": "300", "sweep.to": "900", "sweep.steps": "4"}, "en"
    )
    assert errors == {}
    assert vary == {SWEEP: [300.0, 500.0, 700.0, 900.0]}
    assert "area_max" not in data["actions"]["clear"]["targets"]
    assert base["actions"]["clear"]["targets"]["area_max"] == 560  # the base is not changed
    _, counts, _ = scenario_form.sweep_from_form(
        base,
        {
            "sweep.key": "actions.clear.targets.count",
            "sweep.from": "15",
            "sweep.to": "17",
            "sweep.steps": "5",
        },
        "en",
    )
    assert counts == {"actions.clear.targets.count": [15.0, 16.0, 17.0]}  # whole plots


@pytest.mark.slow
def test_a_sweep_runs_in_the_background_and_shows_its_table_and_curve(client: Any) -> None:
    import landopt
    from landopt.analysis import sweep
    from landopt.store import RunStore

    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    response = _post_scenario(
        client,
        layer,
        do="sweep",
        **{"sweep.key": SWEEP, "sweep.from": "400", "sweep.to": "700", "sweep.steps": "4"},
    )
    run = _run_id(response)
    info = _wait(client, run)
    assert info["status"] == "done" and info["kind"] == "sweep", info
    page = client.get(f"/runs/{run}").text
    assert f'id="sweep-curve" src="/runs/{run}/files/sweep.png"' in page
    shown = [
        float(v.replace(",", ""))
        for v in re.findall(r'<td class="num objective">([^<]+)</td>', page)
    ]
    # the same figures as landopt's own sweep of the demo scenario
    reference = sweep(
        landopt.load_scenario(DEMO.parent / "scenarios" / "zhangdian-2023.toml"),
        None,
        {SWEEP: [400, 500, 600, 700]},
        jobs=1,
    ).table
    assert shown == pytest.approx(list(reference["objective"]), abs=0.06)
    # proven, exactly or within the default stopping rule (0.01 % or 1 万元)
    assert page.count('data-status="optimal"') + page.count('data-status="within_gap"') == 4
    png = client.get(f"/runs/{run}/files/sweep.png")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    csv_text = client.get(f"/runs/{run}/files/sweep.csv").text
    assert csv_text.lstrip("\ufeff").startswith(f"{SWEEP},status,objective")
    with RunStore(os.environ["LANDOPT_STORE_URL"]) as store:
        rec = store.get(run)
    assert rec.kind == "sweep" and rec.origin == "web" and rec.status == "done"
    assert set(rec.outputs) == {"sweep.csv", "sweep.png"} and len(rec.summary) == 4
    assert f'id="run-{run}" data-status="done"' in client.get("/").text
    # a plan's files are not a sweep's, and nothing else is served
    assert client.get(f"/runs/{run}/files/plan.gpkg").status_code == 404
    assert client.get(f"/runs/{run}/files/job.json").status_code == 404


def test_a_sweep_post_without_its_csrf_token_is_refused(client: Any) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    form = _form_of(client.get(f"/layers/{layer}/scenario").text, "scenario-form")
    form.pop("csrf_token")
    form |= {"do": "sweep", "sweep.from": "400", "sweep.to": "700", "sweep.steps": "4"}
    assert client.post(f"/layers/{layer}/scenario", data=form).status_code == 403
    assert _csrf(client)  # the app still answers


# --------------------------------------------------------------------------- locks on the map
def _textareas(page: str) -> dict[str, str]:
    import html

    return {
        html.unescape(n): html.unescape(v)
        for n, v in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S)
    }


def _demo_ids() -> tuple[str, str, str]:
    """A parcel only clearance may take, one upgrade may take, and a third."""
    import landopt
    from landopt.scenario import eligibility

    sc = landopt.load_scenario(DEMO.parent / "scenarios" / "zhangdian-2023.toml")
    parcels = landopt.read_parcels(DEMO)
    elig = eligibility(sc, parcels)
    ids = parcels["parcel_id"].astype(str)
    clear = ids[elig["clear"] & ~elig["upgrade"]].iloc[0]
    upgrade = ids[elig["upgrade"] & ~elig["clear"]].iloc[0]
    other = ids[~elig.any(axis=1)].iloc[0]
    return clear, upgrade, other


def test_the_lock_map_draws_every_parcel_with_the_actions_it_allows(client: Any) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    page = client.get(f"/layers/{layer}/scenario").text
    assert '<script src="/static/locks.js" defer></script>' in page
    paths = re.findall(r'<path data-pid="([^"]+)" data-eligible="([^"]*)" class="([^"]+)"', page)
    assert len(paths) == 3000  # the demo layer's parcels
    clear, upgrade, other = _demo_ids()
    allowed = {pid: set(e.split()) for pid, e, _ in paths}
    assert "clear" in allowed[clear] and "upgrade" not in allowed[clear]
    assert "upgrade" in allowed[upgrade] and allowed[other] == set()
    assert {c for _, _, c in paths} == {"lock-free"}
    fields = _textareas(page)
    assert set(fields) == {
        "locks.include.clear",
        "locks.include.revitalize",
        "locks.include.upgrade",
        "locks.exclude",
    }
    assert client.get("/static/locks.js").status_code == 200


def test_lock_fields_become_locks_in_the_toml_and_on_the_map(client: Any) -> None:
    import tomllib

    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    clear, upgrade, other = _demo_ids()
    saved = _post_scenario(
        client,
        layer,
        do="save",
        **{"locks.include.clear": f"{clear}\n", "locks.exclude": f"{upgrade}, {other}"},
    )
    assert saved.status_code == 200 and 'id="saved"' in saved.text, saved.text[-3000:]
    toml = tomllib.loads(client.get(f"/layers/{layer}/scenario.toml").text)
    assert toml["locks"] == {"include": {clear: "clear"}, "exclude": {upgrade: "all", other: "all"}}
    page = client.get(f"/layers/{layer}/scenario").text
    assert f'data-pid="{clear}" data-eligible="clear' in page
    assert re.search(rf'data-pid="{clear}" data-eligible="[^"]*" class="lock-in-clear"', page)
    assert re.search(rf'data-pid="{other}" data-eligible="" class="lock-out"', page)
    assert _textareas(page)["locks.include.clear"] == clear
    # emptied fields remove the locks
    _post_scenario(client, layer, do="save", **{"locks.include.clear": "", "locks.exclude": ""})
    assert "locks" not in tomllib.loads(client.get(f"/layers/{layer}/scenario.toml").text)


def test_bad_lock_ids_are_named_next_to_their_field(client: Any) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    clear, _, _ = _demo_ids()
    twice = _post_scenario(
        client, layer, do="save", **{"locks.include.clear": clear, "locks.exclude": clear}
    )
    assert twice.status_code == 422
    assert clear in _field_problems(twice.text)["locks.exclude"]
    unknown = _post_scenario(
        client, layer, do="save", **{"locks.include.upgrade": clear[:-1] + "Q"}
    )
    assert unknown.status_code == 422
    message = _field_problems(unknown.text)["locks.include.upgrade"]
    assert clear[:-1] + "Q" in message and clear in message  # the id, and the nearest one
    assert _textareas(unknown.text)["locks.include.upgrade"] == clear[:-1] + "Q"  # kept


@pytest.mark.slow
def test_a_run_keeps_the_locks_set_on_the_page(client: Any, tmp_path: Path) -> None:
    import landopt

    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    clear, _, _ = _demo_ids()
    run = _run_id(_post_scenario(client, layer, do="run", **{"locks.include.clear": clear}))
    assert _wait(client, run)["status"] == "done"
    plan = landopt.read_plan(tmp_path / "data" / "runs" / run / "plan").parcels
    row = plan[plan["parcel_id"].astype(str) == clear]
    assert row["action"].iloc[0] == "clear"


# --------------------------------------------------------------------------- a PostGIS layer
@pytest.fixture
def pg_table(pg_url: str) -> Iterator[tuple[str, str, str]]:
    """``(url without password, password, schema.table)``: the demo layer in a new schema,
    dropped afterwards."""
    import uuid

    import geopandas as gpd
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from landopt._pg import engine, public_url

    schema = f"w_{uuid.uuid4().hex[:10]}"
    eng = engine(pg_url)
    with eng.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        gpd.read_file(DEMO).to_postgis("parcels", c, schema=schema, index=False)
    url = make_url(pg_url)
    try:
        yield (
            public_url(pg_url),
            url.password or "",
            f"{schema}.parcels",
        )
    finally:
        with eng.begin() as c:
            c.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        eng.dispose()


def _pg_post(client: Any, **fields: str) -> Any:
    token = _csrf(client)
    return client.post(
        "/layers/postgis", data={"csrf_token": token} | fields, follow_redirects=False
    )


def _files_text(folder: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in (".json", ".toml", ".txt", ".log", "")
    )


@pytest.mark.slow
def test_a_postgis_table_is_validated_and_runs_without_its_password_on_disk(
    client: Any, tmp_path: Path, pg_table: tuple[str, str, str]
) -> None:
    import landopt

    url, password, table = pg_table
    assert password, "the test database must ask for a password"
    layer = _layer_id(_pg_post(client, url=url, password=password, table=table, name="宗地"))
    page = client.get(f"/layers/{layer}").text
    expected = landopt.summarize_parcels(landopt.read_parcels(DEMO))
    assert re.search(r'id="parcel-count">([^<]+)', page).group(1) == f"{expected['parcels']:,}"
    scenario = client.get(f"/layers/{layer}/scenario").text
    assert scenario.count("<path data-pid=") == 3000  # the lock map from the table too
    run = _run_id(
        _post_scenario(client, layer, do="run", **{"clear.count": "17", "clear.area": "560"})
    )
    assert _wait(client, run)["status"] == "done"
    secret = f":{password}@"
    data = tmp_path / "data"
    assert secret not in _files_text(data)
    assert "PGPASSWORD" not in _files_text(data)
    toml = client.get(f"/layers/{layer}/scenario.toml").text
    assert f'url = "{url}"' in toml and f'table = "{table}"' in toml and secret not in toml
    from landopt.store import RunStore

    with RunStore(os.environ["LANDOPT_STORE_URL"]) as store:
        rec = store.get(run)
    assert rec.status == "done" and secret not in str(rec.scenario)


def test_after_a_restart_a_postgis_layer_asks_for_its_password_again(
    tmp_path: Path, store_url: str, pg_table: tuple[str, str, str]
) -> None:
    from fastapi.testclient import TestClient

    url, password, table = pg_table
    with TestClient(_app(tmp_path, store_url)) as c:
        # a password typed into the URL is taken as the password and never shown again
        with_pw = url.replace("@", f":{password}@", 1)
        layer = _layer_id(_pg_post(c, url=with_pw, table=table))
    with TestClient(_app(tmp_path, store_url)) as c:
        page = c.get(f"/layers/{layer}")
        assert 'id="pg-password-form"' in page.text and f":{password}@" not in page.text
        assert c.get(f"/layers/{layer}/scenario", follow_redirects=False).status_code == 303
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        wrong = c.post(f"/layers/{layer}/password", data={"csrf_token": token, "password": "x"})
        assert wrong.status_code == 422 and "password authentication failed" in wrong.text
        assert 'value="x"' not in wrong.text
        right = c.post(
            f"/layers/{layer}/password",
            data={"csrf_token": token, "password": password},
            follow_redirects=False,
        )
        assert right.status_code == 303
        assert 'id="parcel-count">3,000' in c.get(f"/layers/{layer}").text


def test_postgis_form_problems_are_named_next_to_their_field(
    client: Any, pg_table: tuple[str, str, str]
) -> None:
    url, password, table = pg_table
    neither = _pg_post(client, url=url, password=password)
    assert neither.status_code == 422
    assert _field_problems(neither.text)["table"] == "请填写数据表或查询语句，二者取其一"
    assert _field_problems(_pg_post(client, table=table).text)["url"].startswith("需要填写")
    bad_pw = _pg_post(client, url=url, password="wrong-one", table=table)
    assert "password authentication failed" in _field_problems(bad_pw.text)["url"]
    assert "wrong-one" not in bad_pw.text
    missing = _pg_post(client, url=url, password=password, table=table + "_nope")
    assert table + "_nope" in _field_problems(missing.text)["table"]
    assert 'name="password" type="password" value=""' in missing.text  # never echoed
    bad_sql = _pg_post(client, url=url, password=password, sql="SELECT nonsense FROM nowhere")
    assert "sql" in _field_problems(bad_sql.text)
    assert not (Path(client.app.state.web.data) / "layers").exists() or not any(
        (Path(client.app.state.web.data) / "layers").iterdir()
    )  # nothing kept of a layer that could not be read
