"""The web app (``landopt serve``) through FastAPI's TestClient: the path from upload to the
downloaded plan, the diagnosis, cancel, restart, and its security (CSRF, sign-in, uploads).

Each test has its own data folder and its own SQLite run store. Runs solve in real child
processes, as on a server; the tests wait for them by polling the JSON API (generous
timeout, no assertion on time).
"""

from __future__ import annotations

import html
import io
import os
import re
import stat
import time
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.filterwarnings(
    # FastAPI's TestClient is Starlette's over httpx; Starlette 1.x asks for httpx2 instead
    "ignore:Using `httpx` with `starlette.testclient` is deprecated"
)

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "parcels.geojson"
DEMO_TOML = REPO / "data" / "scenarios" / "zhangdian-2023.toml"
WAIT_S = 300  # a generous bound for one run (a few seconds on a laptop)


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.setenv("LANDOPT_STORE_URL", url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A run store in a new SQLite file, or the test PostgreSQL (runs of other tests in it
    too: the app touches only the runs of its own data folder)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    else:
        url = request.getfixturevalue("pg_url")
    monkeypatch.setenv("LANDOPT_STORE_URL", url)
    return url


def _app(tmp_path: Path, store_url: str, **kw: Any) -> Any:
    from landopt.web import create_app

    return create_app(tmp_path / "data", store_url=store_url, **kw)


@pytest.fixture
def client(tmp_path: Path, store_url: str) -> Any:
    from fastapi.testclient import TestClient

    with TestClient(_app(tmp_path, store_url)) as c:
        yield c


def _csrf(client: Any, path: str = "/layers/new") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _upload(client: Any, name: str, content: bytes) -> Any:
    token = _csrf(client)
    return client.post(
        "/layers",
        data={"csrf_token": token},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


def _form_of(page: str, form_id: str) -> dict[str, str]:
    """The values a browser would send for a form: inputs and selected options."""
    body = re.search(rf'<form id="{form_id}".*?</form>', page, re.S).group(0)
    values: dict[str, str] = {}
    for m in re.finditer(r"<input ([^>]*)>", body):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        if attrs.get("type") == "checkbox" and not re.search(r"\schecked\b", m.group(1)):
            continue  # a browser sends a check box only when it is checked
        if "name" in attrs and attrs.get("type") != "file":
            values[html.unescape(attrs["name"])] = html.unescape(attrs.get("value", ""))
    for m in re.finditer(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.S):
        sel = re.search(r'<option value="([^"]*)" selected>', m.group(2))
        values[html.unescape(m.group(1))] = html.unescape(sel.group(1)) if sel else ""
    return values


def _wait(client: Any, run_id: str) -> dict[str, Any]:
    end = time.monotonic() + WAIT_S
    while time.monotonic() < end:
        info = client.get(f"/api/runs/{run_id}").json()
        if info["ended"]:
            return info
        time.sleep(0.5)
    raise AssertionError(f"run {run_id} did not end: {info}")


def _layer_id(response: Any) -> str:
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


def _submit(client: Any, layer_id: str, **changes: str) -> Any:
    page = client.get(f"/layers/{layer_id}/scenario").text
    form = _form_of(page, "scenario-form") | changes
    form["do"] = changes.get("do", "run")
    return client.post(f"/layers/{layer_id}/scenario", data=form, follow_redirects=False)


def _run_id(response: Any) -> str:
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


# --------------------------------------------------------------------------- the whole path
@pytest.mark.slow
def test_upload_validate_scenario_run_and_download(client: Any, tmp_path: Path) -> None:
    import openpyxl

    import landopt

    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    page = client.get(f"/layers/{layer}").text
    expected = landopt.summarize_parcels(landopt.read_parcels(DEMO))
    assert re.search(r'id="parcel-count">([^<]+)', page).group(1) == f"{expected['parcels']:,}"
    for status, row in expected["by_status"].iterrows():
        cell = re.search(
            rf'data-status="{status}"><td>[^<]*</td><td class="num count">([^<]+)', page
        )
        assert cell.group(1) == f"{int(row.parcels):,}"
    assert 'id="mapping-form"' in page and 'id="col-parcel_id"' in page

    # the scenario form carries the 2023 targets of the demo scenario
    form = _form_of(client.get(f"/layers/{layer}/scenario").text, "scenario-form")
    assert (form["clear.count"], form["clear.area"]) == ("17", "560")
    assert (form["revitalize.count"], form["upgrade.count"]) == ("4", "10")
    assert form["objective"] == "min_cost"

    run = _run_id(_submit(client, layer))
    assert client.get(f"/api/runs/{run}").json()["status"] in ("queued", "running", "done")
    info = _wait(client, run)
    assert info["status"] == "done", info

    page = client.get(f"/runs/{run}").text
    reference = landopt.solve(landopt.load_scenario(DEMO_TOML)).summary
    total = reference[reference["action"] == "total"].iloc[0]
    assert re.search(r'id="total-plots" data-value="([^"]+)"', page).group(1) == "31"
    assert '<p id="proof">已证明最优</p>' in page  # how well it was proven, as in every output
    shown = float(re.search(r'id="total-cost" data-value="([^"]+)"', page).group(1))
    assert shown == pytest.approx(float(total["cost_wan"]), abs=0.05)
    assert f'src="/runs/{run}/files/plan.html"' in page  # the map, in an iframe
    assert f'href="/layers/{layer}/scenario"' in page  # change and run again

    xlsx = client.get(f"/runs/{run}/files/summary.xlsx")
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames
    mapped = client.get(f"/runs/{run}/files/plan.html")
    assert (
        mapped.status_code == 200 and "'unsafe-inline'" in mapped.headers["content-security-policy"]
    )
    for name in ("plan.gpkg", "plan.png", "report.html"):
        assert client.get(f"/runs/{run}/files/{name}").status_code == 200
    # nothing outside the run's plan folder is served
    for bad in ("..%2Fscenario.toml", "scenario.toml", "child.log", "..%2F..%2Fusers.json"):
        assert client.get(f"/runs/{run}/files/{bad}").status_code == 404

    home = client.get("/").text
    assert f'id="run-{run}" data-status="done"' in home
    from landopt.store import RunStore

    with RunStore(os.environ["LANDOPT_STORE_URL"]) as store:
        rec = store.get(run)
    assert rec.origin == "web" and rec.status == "done" and "plan.gpkg" in rec.outputs


@pytest.mark.slow
def test_an_impossible_target_shows_the_diagnosis(client: Any) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    run = _run_id(_submit(client, layer, **{"revitalize.count": "4", "revitalize.area": "5000"}))
    assert _wait(client, run)["status"] == "infeasible"
    page = client.get(f"/runs/{run}").text
    diagnosis = re.search(r'<pre id="diagnosis">(.*?)</pre>', page, re.S)
    assert diagnosis is not None
    text = html.unescape(diagnosis.group(1))
    assert "5,000.0" in text and "盘活" in text  # the target named, in the planner's language
    assert 'id="summary"' not in page


def test_cancel_ends_a_queued_and_a_running_run_cancelled(
    tmp_path: Path, any_store_url: str
) -> None:
    from fastapi.testclient import TestClient

    with TestClient(_app(tmp_path, any_store_url)) as client:
        _cancel_both(client)


def _cancel_both(client: Any, settle: Any = None) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    first = _run_id(_submit(client, layer))
    second = _run_id(_submit(client, layer))  # one job at a time: this one waits
    token = _csrf(client, f"/runs/{second}")
    assert client.get(f"/api/runs/{second}").json()["status"] == "queued"
    r = client.post(f"/runs/{second}/cancel", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    end = time.monotonic() + WAIT_S
    while client.get(f"/api/runs/{first}").json()["status"] == "queued":
        assert time.monotonic() < end
        time.sleep(0.05)
    r = client.post(f"/runs/{first}/cancel", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    for run in (first, second):
        info = _wait(client, run)
        assert info["status"] == "cancelled", info
    page = client.get(f"/runs/{first}").text
    assert 'id="cancel"' not in page and 'id="summary"' not in page
    if settle is not None:
        settle()
    folder = Path(client.app.state.web.runs_root) / first
    assert not (folder / "plan").exists()  # killed before its plan folder was swapped in


def test_restart_marks_unfinished_runs_of_its_folder_interrupted(
    tmp_path: Path, any_store_url: str
) -> None:
    store_url = any_store_url
    from landopt.store import RunStore

    _app(tmp_path, store_url).state.web.close()  # creates the folders
    runs = tmp_path / "data" / "runs"
    with RunStore(store_url) as store:
        ours = [
            store.start(kind="plan", origin="web", status=s, out_dir=runs / f"r{s}" / "plan")
            for s in ("queued", "running")
        ]
        other = store.start(kind="plan", origin="web", out_dir=tmp_path / "elsewhere" / "plan")
        cli = store.start(kind="plan", origin="cli")
        _app(tmp_path, store_url).state.web.close()  # a new server on the same folder
        assert [store.get(r).status for r in ours] == ["interrupted", "interrupted"]
        assert store.get(other).status == "running" and store.get(cli).status == "running"
        for run in (other, cli):
            store.finish(run, status="done")  # a shared PostgreSQL store: leave nothing running


# --------------------------------------------------------------------------- a programme
@pytest.mark.slow
def test_a_two_year_programme_from_the_form(client: Any) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    # years the form cannot read: the problem is next to the field
    page = _submit(client, layer, years="2023 to 2024", do="save").text
    assert re.search(r'data-field="years">[^<]*2023-2025', page)
    # two years: saving shows a row of targets per year
    saved = _submit(client, layer, years="2023-2024", do="save")
    assert saved.status_code in (200, 303), saved.text
    form = _form_of(client.get(f"/layers/{layer}/scenario").text, "scenario-form")
    assert form["years"] == "2023-2024"
    assert {"y2023.clear.count", "y2024.upgrade.area"} <= set(form)
    form.update({"y2023.clear.count": "2", "y2024.clear.count": "x"})
    page = client.post(f"/layers/{layer}/scenario", data=form, follow_redirects=False).text
    assert 'data-field="y2024.clear.count"' in page  # a bad cell, named where it is
    form.update(
        {"y2024.clear.count": "2", "y2023.upgrade.count": "1", "y2024.revitalize.area": "20"}
    )
    form["do"] = "run"
    run = _run_id(client.post(f"/layers/{layer}/scenario", data=form, follow_redirects=False))
    info = _wait(client, run)
    assert info["status"] == "done", info
    folder = Path(client.app.state.web.runs_root) / run
    scenario = tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8"))
    assert scenario["programme"]["years"] == [2023, 2024]
    assert sorted((r["year"], r["action"]) for r in scenario["programme"]["targets"]) == [
        (2023, "clear"),
        (2023, "upgrade"),
        (2024, "clear"),
        (2024, "revitalize"),
    ]
    assert all("targets" not in spec for spec in scenario["actions"].values())
    import geopandas as gpd

    plan = gpd.read_file(folder / "plan" / "plan.gpkg", layer="plan")
    chosen = plan[plan["措施代码"].isin(["clear", "revitalize", "upgrade"])]
    assert set(chosen["year"].astype(int)) == {2023, 2024}
    cleared = chosen[chosen["措施代码"] == "clear"]["year"].astype(int).value_counts()
    assert cleared.to_dict() == {2023: 2, 2024: 2}  # the least cost: no more than asked
    # the programme's own outputs are offered for download, and served
    page = client.get(f"/runs/{run}").text
    for name in ("programme.csv", "programme_timeline.png", "programme_map.png"):
        assert f"/runs/{run}/files/{name}" in page
    assert client.get(f"/runs/{run}/files/programme_timeline.png").status_code == 200


# --------------------------------------------------------------------------- on a Dask cluster
@pytest.fixture
def dask_cluster() -> Any:
    """A LocalCluster of one worker process on 127.0.0.1, started as landopt starts its own
    (no preloads, no working directory on the workers' path)."""
    from landopt import cluster

    with cluster._local(2) as eng:  # this process and one worker: the server uses the worker
        yield eng


@pytest.mark.slow
def test_runs_solve_on_a_dask_cluster_and_cancel_stops_them(
    tmp_path: Path, store_url: str, dask_cluster: Any
) -> None:
    from fastapi.testclient import TestClient

    with TestClient(_app(tmp_path, store_url, scheduler=dask_cluster.address)) as client:
        assert client.app.state.web.queue.client is not None
        layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
        run = _run_id(_submit(client, layer))
        info = _wait(client, run)
        assert info["status"] == "done", info
        assert info["stage"] == "done"  # the worker's progress.json, read from the run folder
        # it ran as a task on the cluster's worker, not as a process of the server (the run
        # is recorded done a moment before its process, and so its task, has ended)
        _cluster_idle(dask_cluster.client)
        assert f"landopt-web-{run}" in _keys_run(dask_cluster.client)
        page = client.get(f"/runs/{run}").text
        assert re.search(r'id="total-plots" data-value="([^"]+)"', page).group(1) == "31"
        assert client.get(f"/runs/{run}/files/summary.xlsx").status_code == 200

        # cancel: the queued run never starts, the running one is marked cancelled at once
        # and its task kills its process on the worker before the plan is written
        _cancel_both(client, settle=lambda: _cluster_idle(dask_cluster.client))


def _keys_run(dask_client: Any) -> set[str]:
    """The keys of the tasks the scheduler saw finish in memory."""

    def keys(dask_scheduler: Any = None) -> list[str]:
        return [str(t[0]) for t in dask_scheduler.transition_log if t[2] == "memory"]

    return set(dask_client.run_on_scheduler(keys))


def _cluster_idle(dask_client: Any) -> None:
    """Wait until no task is left on the cluster and no run process on its workers (the
    scheduler forgets a cancelled task at once; its worker ends it itself)."""

    def children() -> int:
        import psutil

        return len(psutil.Process().children(recursive=True))

    end = time.monotonic() + WAIT_S
    while any(dask_client.processing().values()) or any(dask_client.run(children).values()):
        assert time.monotonic() < end
        time.sleep(0.1)


@pytest.mark.slow
def test_two_runs_compared_side_by_side(client: Any) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    a = _run_id(_submit(client, layer))
    b = _run_id(_submit(client, layer, **{"clear.count": "18"}))
    assert _wait(client, a)["status"] == "done" and _wait(client, b)["status"] == "done"
    home = client.get("/").text
    assert 'id="compare-form"' in home
    page = client.get(f"/compare?a={a}&b={b}")
    assert page.status_code == 200, page.text
    totals = re.findall(
        r'data-action="total" class="total">.*?data-value="([^"]+)"', page.text, re.S
    )
    assert len(totals) == 2 and float(totals[1]) > float(totals[0])  # one more plot costs more
    assert int(re.search(r'id="changes-title" data-n="(\d+)"', page.text).group(1)) > 0
    assert "出清" in re.search(r'<table id="changes">.*?</table>', page.text, re.S).group(0)
    png = client.get(f"/compare/map?a={a}&b={b}")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(f"/compare?a={a}&b={a}").status_code == 404
    assert client.get(f"/compare?a={a}&b=..%2F..").status_code == 404


def test_one_server_per_data_folder(tmp_path: Path, store_url: str) -> None:
    from landopt.errors import InputError

    first = _app(tmp_path, store_url)
    with pytest.raises(InputError, match="--data"):
        _app(tmp_path, store_url)
    first.state.web.close()
    _app(tmp_path, store_url).state.web.close()  # free again


# --------------------------------------------------------------------------- mapping
def _chinese_layer(tmp_path: Path) -> bytes:
    import geopandas as gpd

    raw = gpd.read_file(DEMO).head(6)[["parcel_id", "status", "geometry"]]
    raw["status"] = ["低效", "闲置", "荒废", "荒废", "在用", "低效"]
    raw = raw.rename(columns={"parcel_id": "地块编号", "status": "状态"})
    path = tmp_path / "cn.geojson"
    raw.to_file(path, driver="GeoJSON")
    return path.read_bytes()


def test_mapping_is_suggested_and_saving_validates_again(client: Any, tmp_path: Path) -> None:
    layer = _layer_id(_upload(client, "cn.geojson", _chinese_layer(tmp_path)))
    page = client.get(f"/layers/{layer}").text
    form = _form_of(page, "mapping-form")
    assert form["col.parcel_id"] == "地块编号" and form["col.status"] == "状态"
    assert form["sv.低效"] == "inefficient" and form["sv.荒废"] == ""
    assert 'data-ok="false"' in page and "荒废" in page  # an unknown status is an error
    errors = re.search(r'<ul id="errors" data-n="(\d+)">(.*?)</ul>', page, re.S)
    assert errors.group(1) == "2"  # two parcels say 荒废: one line naming both, in Chinese
    lines = re.findall(r'<li class="problem">([^<]*)</li>', errors.group(2))
    assert len(lines) == 1 and "2 宗地块" in lines[0] and "parcel " not in lines[0]
    assert "亩均效益等级 <code>muyi_class</code>" in page  # the fields named for planners
    # the catalog's fix names status_values / --status-map; the page says where to do it here
    assert '<p id="status-hint">在本页中：请在下方“状态值”中为图层的每个取值选择对应状态' in page
    form["sv.荒废"] = "idle"
    saved = client.post(f"/layers/{layer}/mapping", data=form, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get(f"/layers/{layer}").text
    assert 'data-ok="true"' in page
    assert re.search(r'id="parcel-count">([^<]+)', page).group(1) == "6"
    idle = re.search(r'data-status="idle"><td>[^<]*</td><td class="num count">([^<]+)', page)
    assert idle.group(1) == "3"
    toml = client.get(f"/layers/{layer}/scenario.toml").text
    parcels = tomllib.loads(toml)["parcels"]
    assert parcels["columns"] == {"地块编号": "parcel_id", "状态": "status"}
    assert parcels["status_values"]["荒废"] == "idle"


def test_a_zipped_gbk_shapefile_is_read_with_its_cpg(client: Any, tmp_path: Path) -> None:
    import geopandas as gpd

    raw = gpd.read_file(DEMO).head(20)[["parcel_id", "status", "name", "geometry"]]
    shp = tmp_path / "shp" / "地块.shp"
    shp.parent.mkdir()
    raw.to_file(shp, encoding="GBK", engine="pyogrio")
    assert shp.with_suffix(".cpg").exists()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in shp.parent.iterdir():
            zf.write(f, f"layer/{f.name}")
    layer = _layer_id(_upload(client, "地块.zip", buf.getvalue()))
    page = client.get(f"/layers/{layer}").text
    assert 'data-ok="true"' in page
    assert re.search(r'id="parcel-count">([^<]+)', page).group(1) == "20"


@pytest.mark.parametrize("kind", ["gpkg", "parquet"])
def test_a_geopackage_and_a_geoparquet_are_read(client: Any, tmp_path: Path, kind: str) -> None:
    import geopandas as gpd

    raw = gpd.read_file(DEMO).head(12)
    path = tmp_path / f"layer.{kind}"
    if kind == "gpkg":
        raw.to_file(path, driver="GPKG")
    else:
        raw.to_parquet(path)
    layer = _layer_id(_upload(client, f"my layer.{kind}", path.read_bytes()))
    page = client.get(f"/layers/{layer}").text
    assert 'data-ok="true"' in page
    assert re.search(r'id="parcel-count">([^<]+)', page).group(1) == "12"
    # another layer than the demo: the form keeps the demo's actions but not its targets
    form = _form_of(client.get(f"/layers/{layer}/scenario").text, "scenario-form")
    assert form["clear.count"] == "" and form["clear.area"] == ""


# --------------------------------------------------------------------------- scenario form
def test_scenario_problems_are_shown_next_to_their_field(client: Any) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    r = _submit(client, layer, **{"clear.count": "seventeen", "do": "save"})
    assert r.status_code == 422
    assert re.search(r'data-field="clear.count">[^<]+', r.text)
    assert _form_of(r.text, "scenario-form")["clear.count"] == "seventeen"  # kept as typed
    r = _submit(client, layer, budget="-5", do="save")  # landopt's own schema refuses it
    assert r.status_code == 422
    assert re.search(r'data-field="budget">[^<]+', r.text)
    r = _submit(client, layer, budget="", do="save")
    assert r.status_code == 200 and 'id="saved"' in r.text


def test_an_uploaded_toml_fills_the_form_and_a_bad_one_is_named(client: Any) -> None:
    layer = _layer_id(_upload(client, "parcels.geojson", DEMO.read_bytes()))
    token = _csrf(client, f"/layers/{layer}/scenario")
    text = DEMO_TOML.read_text(encoding="utf-8").replace("count = 17", "count = 12")
    r = client.post(
        f"/layers/{layer}/scenario/upload",
        data={"csrf_token": token},
        files={"toml": ("s.toml", text.encode(), "application/toml")},
    )
    assert r.status_code == 200, r.text
    assert _form_of(r.text, "scenario-form")["clear.count"] == "12"
    r = client.post(
        f"/layers/{layer}/scenario/upload",
        data={"csrf_token": token},
        files={"toml": ("s.toml", b"name = [", "application/toml")},
    )
    assert r.status_code == 422 and 'id="scenario-problems"' in r.text


# --------------------------------------------------------------------------- security
def test_a_post_without_its_csrf_token_is_refused(client: Any) -> None:
    client.get("/")  # a session
    r = client.post("/layers", files={"file": ("p.geojson", DEMO.read_bytes())})
    assert r.status_code == 403
    r = client.post("/layers", data={"csrf_token": "forged"}, files={"file": ("p.geojson", b"{}")})
    assert r.status_code == 403
    assert not list((Path(client.app.state.web.data) / "layers").glob("*"))


def test_every_response_says_nosniff_and_a_self_only_policy(client: Any) -> None:
    r = client.get("/")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()


def test_the_icon_a_browser_asks_for_is_no_error(client: Any) -> None:
    assert client.get("/favicon.ico").status_code == 204  # plan.html and report.html name none


def test_pages_are_chinese_by_default_and_english_on_request(client: Any) -> None:
    assert "运行记录" in client.get("/").text
    assert "<h1>Run history</h1>" in client.get("/?lang=en").text
    assert "<h1>Add a parcel layer</h1>" in client.get("/layers/new").text  # the cookie keeps it
    assert "<h1>添加地块图层</h1>" in client.get("/layers/new?lang=zh").text


def test_with_sign_in_required_pages_redirect_to_login(tmp_path: Path, store_url: str) -> None:
    from fastapi.testclient import TestClient

    from landopt.web.auth import Users

    Users(tmp_path / "data").add("alice", "correct horse")
    with TestClient(_app(tmp_path, store_url, auth=True)) as c:
        r = c.get("/", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert 'id="nav-upload"' not in c.get("/login").text  # no links that lead back here
        assert c.get("/layers/new", follow_redirects=False).status_code == 303
        assert c.get("/api/runs/" + "0" * 32).status_code == 401
        token = _csrf(c, "/login")
        wrong = c.post("/login", data={"csrf_token": token, "username": "alice", "password": "x"})
        assert wrong.status_code == 401 and 'id="login-error"' in wrong.text
        assert c.get("/", follow_redirects=False).status_code == 303
        ok = c.post(
            "/login",
            data={"csrf_token": token, "username": "alice", "password": "correct horse"},
            follow_redirects=False,
        )
        assert ok.status_code == 303
        page = c.get("/")
        assert page.status_code == 200 and 'id="user">alice<' in page.text
        assert 'id="nav-upload"' in page.text


def test_a_zip_with_a_parent_path_is_refused_by_name(client: Any, tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../x.shp", b"not a shapefile")
        zf.writestr("ok.dbf", b"")
    r = _upload(client, "evil.zip", buf.getvalue())
    assert r.status_code == 400
    assert "../x.shp" in html.unescape(r.text) and 'id="upload-error"' in r.text
    data = Path(client.app.state.web.data)
    assert not (data / "layers" / "x.shp").exists() and not (data / "x.shp").exists()
    assert not list((data / "layers").glob("*"))  # nothing kept of a refused upload


def test_an_oversized_upload_is_refused(tmp_path: Path, store_url: str) -> None:
    from fastapi.testclient import TestClient

    with TestClient(_app(tmp_path, store_url, max_upload=10_000)) as c:
        r = _upload(c, "parcels.geojson", DEMO.read_bytes())
        assert r.status_code == 413
        assert "MB" in r.text


def test_content_not_a_layer_is_refused_whatever_its_name(client: Any) -> None:
    r = _upload(client, "parcels.geojson", b"#!/bin/sh\necho hi\n")
    assert r.status_code == 400 and 'id="upload-error"' in r.text


# --------------------------------------------------------------------------- units
def test_sniff_kind_by_content() -> None:
    from landopt.web.uploads import sniff_kind

    assert sniff_kind(b"PK\x03\x04rest") == "zip"
    assert sniff_kind(b"SQLite format 3\x00....") == "gpkg"
    assert sniff_kind(b"PAR1....") == "parquet"
    assert sniff_kind(b'\xef\xbb\xbf  \n{"type"') == "geojson"
    assert sniff_kind(b"<html>") is None


def test_an_upload_keeps_a_clean_form_of_its_name() -> None:
    from landopt.web.uploads import stored_name

    assert stored_name("张店 地块.geojson", "geojson") == "张店_地块.geojson"
    assert stored_name("../../etc/passwd", "gpkg") == "passwd.gpkg"
    assert stored_name("C:\\x\\parcels.json", "geojson") == "parcels.geojson"
    assert stored_name(".hidden.exe", "parquet") == "hidden.parquet"
    assert stored_name("", "zip") == "layer.zip"


def test_unpack_zip_refuses_links_and_bombs(tmp_path: Path) -> None:
    from landopt.web.uploads import UploadError, unpack_zip

    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        info = zipfile.ZipInfo("a.shp")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UploadError) as exc:
        unpack_zip(link, tmp_path / "out1", max_total=10_000)
    assert exc.value.key == "zip_link" and not (tmp_path / "out1").exists()
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.shp", b"\0" * 100_000)
    with pytest.raises(UploadError) as exc:
        unpack_zip(bomb, tmp_path / "out2", max_total=10_000)
    assert exc.value.key == "zip_big" and not (tmp_path / "out2").exists()


def test_toml_writer_round_trips_the_demo_scenario() -> None:
    from landopt.web import _toml
    from landopt.web.scenario_form import base_scenario

    data = base_scenario() | {
        "parcels": {"path": "/x/层.gpkg", "columns": {"地块 编号": "parcel_id"}}
    }
    assert tomllib.loads(_toml.dumps(data, header="a\nb")) == data


def test_passwords_sessions_and_private_files(tmp_path: Path) -> None:
    from landopt.errors import InputError
    from landopt.web import auth

    stored = auth.hash_password("s3cret")
    assert auth.verify_password("s3cret", stored) and not auth.verify_password("S3cret", stored)
    assert auth.hash_password("s3cret") != stored  # salted
    users = auth.Users(tmp_path)
    users.add("bob", "pw")
    assert (
        users.check("bob", "pw") and not users.check("bob", "no") and not users.check("eve", "pw")
    )
    assert stat.S_IMODE(users.path.stat().st_mode) == 0o600
    with pytest.raises(InputError):
        users.add("bad name!", "pw")
    secret = auth.load_secret(tmp_path)
    assert auth.load_secret(tmp_path) == secret
    assert stat.S_IMODE((tmp_path / "secret.key").stat().st_mode) == 0o600
    session = auth.new_session("bob")
    value = auth.session_cookie(secret, session)
    assert auth.read_session(secret, value) == session
    forged = value.replace(".Ym9i.", "." + "YWxpY2U" + ".")  # bob -> alice
    assert auth.read_session(secret, forged) is None
    assert auth.csrf_ok(secret, session, auth.csrf_token(secret, session))
    assert not auth.csrf_ok(secret, auth.new_session("bob"), auth.csrf_token(secret, session))


# --------------------------------------------------------------------------- the command
def test_serve_refuses_another_address_without_accounts(tmp_path: Path, capsys: Any) -> None:
    from landopt.cli import main

    assert main(["serve", "--host", "0.0.0.0", "--data", str(tmp_path)]) == 2
    assert "--add-user" in capsys.readouterr().err


def test_serve_add_user_reads_the_password_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from landopt.cli import main
    from landopt.web.auth import Users

    monkeypatch.setenv("LANDOPT_PASSWORD", "from env")
    assert main(["serve", "--add-user", "carol", "--data", str(tmp_path)]) == 0
    assert Users(tmp_path).check("carol", "from env")
    assert stat.S_IMODE((tmp_path / "users.json").stat().st_mode) == 0o600
