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


def test_the_lock_map_has_zoom_buttons_and_keyboard_focus(client: Any) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    page = client.get(f"/layers/{layer}/scenario").text
    for zoom in ("in", "out", "reset"):
        assert re.search(rf'<button type="button" id="lock-zoom-{zoom}" data-zoom="{zoom}"', page)
    assert 'aria-label="放大"' in page and 'aria-label="缩小"' in page  # named for a reader
    assert re.search(r'<svg id="lock-map" tabindex="0" viewBox="0 0 1000 \d+"', page)
    english = client.get(f"/layers/{layer}/scenario?lang=en").text
    assert 'aria-label="Zoom in"' in english and ">Whole layer<" in english


def _decoded(rings: list[list[int]], scale: int) -> list[list[tuple[float, float]]]:
    """The canvas map's rings back in viewBox units (they are steps from the first vertex)."""
    import itertools

    out = []
    for ring in rings:
        xs = itertools.accumulate(ring[0::2])
        ys = itertools.accumulate(ring[1::2])
        out.append([(x / scale, y / scale) for x, y in zip(xs, ys, strict=True)])
    return out


def test_a_layer_too_large_for_the_svg_gets_the_canvas_map(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above MAX_MAP_PARCELS (lowered here below the demo's 3,000; a city layer of 100,000
    takes the same path) the page holds a canvas and the outlines come as JSON: every parcel,
    in the SVG's frame, with the actions its status allows, gzip-compressed, revalidated."""
    import shapely

    import landopt
    from landopt.web import locks_map

    monkeypatch.setattr(locks_map, "MAX_MAP_PARCELS", 1000)
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    page = client.get(f"/layers/{layer}/scenario").text
    assert "<path data-pid=" not in page  # no SVG of 3,000 paths in the page
    canvas = re.search(r'<canvas id="lock-map" tabindex="0" data-src="([^"]+)"[^>]*>', page)
    assert canvas and canvas.group(1) == f"/layers/{layer}/lockmap.json"
    assert 'data-n="3000"' in canvas.group(0)
    assert re.search(r'id="lock-zoom-in"', page) and "locks.js" in page
    # once kept, the page is drawn from the kept frame: the layer is not read again
    from landopt.web import layers

    def no_read(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the layer was read again")

    with monkeypatch.context() as m:
        m.setattr(layers.Layer, "read", no_read)
        assert canvas.group(0) in client.get(f"/layers/{layer}/scenario").text
    got = client.get(canvas.group(1), headers={"Accept-Encoding": "gzip"})
    assert got.status_code == 200 and got.headers["content-encoding"] == "gzip"
    data = got.json()
    assert len(data["ids"]) == len(data["kind"]) == len(data["rings"]) == 3000
    allowed = {
        pid: set(data["kinds"][k].split()) for pid, k in zip(data["ids"], data["kind"], strict=True)
    }
    clear, upgrade, other = _demo_ids()
    assert "clear" in allowed[clear] and "upgrade" not in allowed[clear]
    assert "upgrade" in allowed[upgrade] and allowed[other] == set()
    # the outlines in the SVG's frame: x to the right over 0..1000, y down from the top
    parcels = landopt.read_parcels(DEMO)
    x0, _, x1, y1 = parcels.total_bounds
    k = 1000 / (x1 - x0)
    geom = parcels.geometry[parcels["parcel_id"].astype(str) == clear].iloc[0]
    ring = _decoded(data["rings"][data["ids"].index(clear)], data["scale"])[0]
    drawn = shapely.Polygon([(x / k + x0, y1 - y / k) for x, y in ring])
    assert drawn.intersection(geom).area / geom.area > 0.95
    # a reload asks again and is told nothing changed
    again = client.get(canvas.group(1), headers={"If-None-Match": got.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    # a lock saved changes nothing a parcel allows: the same map
    _post_scenario(client, layer, do="save")
    saved = client.get(canvas.group(1)).headers["etag"]
    _post_scenario(client, layer, do="save", **{"locks.include.clear": clear})
    again = client.get(canvas.group(1), headers={"If-None-Match": saved})
    assert again.status_code == 304
    # a client that takes no gzip gets the JSON itself
    plain = client.get(canvas.group(1), headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json()["ids"] == data["ids"]
    # the SVG's layers get no JSON
    monkeypatch.setattr(locks_map, "MAX_MAP_PARCELS", 20_000)
    assert client.get(canvas.group(1)).status_code == 404


def test_the_pages_and_the_run_map_go_gzip_compressed_and_kept(client: Any) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    gz = {"Accept-Encoding": "gzip"}
    for url in (f"/layers/{layer}/scenario", "/static/locks.js", "/static/app.css"):
        got = client.get(url, headers=gz)
        assert got.status_code == 200 and got.headers.get("content-encoding") == "gzip", url
    assert (
        "content-encoding"
        not in client.get("/static/locks.js", headers={"Accept-Encoding": "identity"}).headers
    )
    run = _run_id(_post_scenario(client, layer, do="run"))
    assert _wait(client, run)["status"] == "done"
    page = client.get(f"/runs/{run}/files/plan.html", headers=gz)
    assert page.headers["content-encoding"] == "gzip"
    assert page.headers["cache-control"].startswith("private, max-age=")
    assert "'unsafe-inline'" in page.headers["content-security-policy"]
    assert page.text.lstrip().lower().startswith("<!doctype html")  # whole after decoding
    xlsx = client.get(f"/runs/{run}/files/summary.xlsx", headers=gz)
    assert xlsx.status_code == 200 and "content-encoding" not in xlsx.headers  # a zip already


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


# --------------------------------------------------------------------------- key projects
PROJECTS = DEMO.parent / "projects.csv"
PROJECTS_TOML = DEMO.parent / "scenarios" / "zhangdian-2023-projects.toml"


def _post_projects(
    client: Any, layer: str, name: str, content: bytes, *, lang: str = "zh", **changes: str
) -> Any:
    """The scenario form sent with a project table in its file field (``do`` as a browser
    sends it for the upload button, unless changed)."""
    page = client.get(f"/layers/{layer}/scenario?lang={lang}").text
    form = _form_of(page, "scenario-form") | {"do": "projects_upload"} | changes
    return client.post(
        f"/layers/{layer}/scenario",
        data=form,
        files={"projects.file": (name, content, "text/csv")},
        follow_redirects=False,
    )


def _project_rows(page: str) -> list[str]:
    return re.findall(r'<tr data-project="([^"]+)"', page)


def test_a_projects_csv_uploaded_in_the_form_is_shown_back_with_its_options(
    client: Any, tmp_path: Path
) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    page = client.get(f"/layers/{layer}/scenario").text
    assert 'id="no-projects"' in page and 'id="projects-table"' not in page
    response = _post_projects(client, layer, "重点项目.csv", PROJECTS.read_bytes())
    assert response.status_code == 200, _field_problems(response.text)
    page = response.text
    assert _project_rows(page) == [f"KP{k:02d}" for k in range(1, 12)]
    assert "保利通信（淄博）科技产业园" in page and "260–300" in page
    assert "共 11 个项目，计划投资 116.7 亿元" in page
    # kept in the layer's own folder under a fixed name, byte for byte
    stored = next((tmp_path / "data" / "layers").glob("*/projects/projects.csv"))
    assert stored.read_bytes() == PROJECTS.read_bytes()
    # the [projects] options, generated from the schema, with its defaults
    form = _form_of(page, "scenario-form")
    assert form["projects.value_wan_per_yi"] == "200"
    assert "projects.must_land" not in form  # unchecked
    assert form["projects.sources.clear"] == form["projects.sources.revitalize"] == "true"
    assert "projects.sources.upgrade" not in form
    assert form["projects.park_field"] == "park"
    # the options set in the form reach the scenario
    changed = _post_scenario(
        client,
        layer,
        do="save",
        **{"projects.value_wan_per_yi": "150", "projects.must_land": "true"},
    )
    assert changed.status_code == 200 and 'id="saved"' in changed.text
    toml = client.get(f"/layers/{layer}/scenario.toml").text
    import tomllib

    spec = tomllib.loads(toml)["projects"]
    assert spec["value_wan_per_yi"] == 150.0 and spec["must_land"] is True
    assert spec["sources"] == ["clear", "revitalize"]
    # in English
    en = client.get(f"/layers/{layer}/scenario?lang=en").text
    assert "Key projects" in en and "11 projects, 116.7 亿元 of planned investment" in en
    # and removed again
    gone = _post_scenario(client, layer, do="projects_remove")
    assert gone.status_code == 200 and 'id="no-projects"' in gone.text
    assert "[projects]" not in client.get(f"/layers/{layer}/scenario.toml").text
    assert not stored.exists()


def _section_problems(page: str) -> str:
    import html

    return "\n".join(html.unescape(m) for m in re.findall(r'data-field="projects">([^<]+)<', page))


def test_a_bad_projects_table_gets_named_errors_next_to_the_section(
    client: Any, tmp_path: Path
) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    _post_projects(client, layer, "projects.csv", PROJECTS.read_bytes())
    stored = tmp_path / "data" / "layers" / layer / "projects" / "projects.csv"
    lines = PROJECTS.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace(",250,300,", ",300,250,")  # KP02: mu_min above mu_max
    lines[3] = lines[3].replace(",only,", ",somewhere,")  # KP03: no such park rule
    lines[4] = lines[4].replace("KP04,", "KP01,")  # the id of KP01 again
    bad = "\n".join(lines).encode("utf-8")
    response = _post_projects(client, layer, "projects.csv", bad)
    assert response.status_code == 422
    assert "Traceback" not in response.text
    text = _section_problems(response.text)
    assert "项目表第 3 行（KP02）" in text and "最小用地 300 亩大于最大用地 250 亩" in text
    assert "项目表第 4 行（KP03）" in text and "'somewhere' 不是有效的园区规则" in text
    assert "项目编号 KP01 重复" in text
    assert "请填写 only（只能在所列园区）或 prefer（在所列园区优先）" in text  # how to fix
    en = _post_projects(client, layer, "projects.csv", bad, lang="en")
    text_en = _section_problems(en.text)
    assert "project table row 3 (KP02)" in text_en and "mu_min 300 is above mu_max 250" in text_en
    # not a table at all: refused by its content, nothing kept
    png = _post_projects(client, layer, "projects.csv", b"\x89PNG\r\n\x1a\n\x00\x00")
    assert png.status_code == 422
    assert "文件既不是 UTF-8 编码的 CSV，也不是 Excel 工作簿（.xlsx）" in png.text
    # the good table uploaded first is still the one kept, and still the scenario's
    assert stored.read_bytes() == PROJECTS.read_bytes()
    assert len(_project_rows(client.get(f"/layers/{layer}/scenario").text)) == 11


def test_the_downloaded_toml_with_projects_uploads_back_to_the_same_form(
    client: Any, tmp_path: Path
) -> None:
    import tomllib

    import landopt
    from landopt.projects import projects_of

    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    _post_projects(client, layer, "projects.csv", PROJECTS.read_bytes())
    _post_scenario(client, layer, do="save", **{"projects.value_wan_per_yi": "120"})
    saved = json_of(tmp_path, layer)
    toml = client.get(f"/layers/{layer}/scenario.toml").text
    spec = tomllib.loads(toml)["projects"]
    assert Path(spec["path"]).read_bytes() == PROJECTS.read_bytes()
    # landopt reads it as it is (the CLI on the same machine)
    copy = tmp_path / "downloaded.toml"
    copy.write_text(toml, encoding="utf-8")
    assert len(projects_of(landopt.load_scenario(copy))) == 11
    # upload it back after removing the projects: the same scenario, the same table
    _post_scenario(client, layer, do="save", **{"projects.value_wan_per_yi": "999"})
    token = _csrf(client, f"/layers/{layer}/scenario")
    back = client.post(
        f"/layers/{layer}/scenario/upload",
        data={"csrf_token": token},
        files={"toml": ("scenario.toml", toml.encode("utf-8"), "application/toml")},
    )
    assert back.status_code == 200, _field_problems(back.text)
    assert len(_project_rows(back.text)) == 11
    assert json_of(tmp_path, layer) == saved
    # a TOML naming a table elsewhere on the server: that file is never opened
    other = toml.replace(spec["path"].replace("\\", "\\\\"), "/etc/passwd")
    assert other != toml
    refused = client.post(
        f"/layers/{layer}/scenario/upload",
        data={"csrf_token": token},
        files={"toml": ("scenario.toml", other.encode("utf-8"), "application/toml")},
    )
    text = _section_problems(refused.text)
    assert "情景文件引用的项目表 /etc/passwd 不是在此上传的文件" in text
    assert "root:" not in refused.text


def json_of(tmp_path: Path, layer: str) -> dict[str, Any]:
    import json

    return json.loads(
        (tmp_path / "data" / "layers" / layer / "scenario.json").read_text(encoding="utf-8")
    )


@pytest.mark.slow
def test_a_run_with_projects_from_the_form_lands_what_the_cli_lands(
    client: Any, tmp_path: Path
) -> None:
    import geopandas as gpd
    import pandas as pd

    import landopt

    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    response = _post_projects(client, layer, "projects.csv", PROJECTS.read_bytes(), do="run")
    run = _run_id(response)
    info = _wait(client, run)
    assert info["status"] == "done", info
    folder = tmp_path / "data" / "runs" / run
    # the run keeps its own copy of the table
    assert (folder / "projects_input.csv").read_bytes() == PROJECTS.read_bytes()
    reference = landopt.solve(landopt.load_scenario(PROJECTS_TOML))
    ours = pd.read_csv(folder / "plan" / "projects.csv", encoding="utf-8-sig", dtype=str)
    ref = reference.projects
    assert list(ours.iloc[:, 1]) == list(ref["project_id"])
    landed = ours.iloc[:, 4] == "是"
    assert list(landed) == list(ref["landed"])
    sites = gpd.read_file(folder / "plan" / "plan.gpkg", layer="plan")
    got = {
        pid: sorted(g["parcel_id"])
        for pid, g in sites[sites["project"].fillna("") != ""].groupby("project")
    }
    want_parcels = reference.parcels
    want = {
        pid: sorted(g["parcel_id"])
        for pid, g in want_parcels[want_parcels["project"].fillna("") != ""].groupby("project")
    }
    assert want and got == want
    page = client.get(f"/runs/{run}").text
    assert _project_rows(page) == list(ref["project_id"])
    assert 'id="map" src=' in page
    html = client.get(f"/runs/{run}/files/plan.html").text
    for pid in want:
        assert pid in html  # each landed site is on the map
