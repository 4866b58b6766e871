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
    assert page.count('data-status="optimal"') == 4
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
