"""``landopt serve`` in headless Chromium, with every network access but the server blocked.

The real server runs as a subprocess (``python -m landopt serve --port P --data D``, its own
SQLite run store); a planner's browser takes it from a zipped GBK Shapefile with Chinese
columns to the downloaded summary.xlsx, cancels a run, reads the diagnosis of an impossible
target, uploads the key projects' table in the form and sees their numbered sites, and signs
in to a server on a non-loopback address. Every page must load with the
network blocked (name resolution fails, every other address goes to a dead proxy), log no
console error, and make no request that leaves the server (only ``http://127.0.0.1:P``,
``data:``, ``blob:``, ``about:``).

Needs ``chromium`` and ``chromedriver`` (Debian: ``apt-get install chromium
chromium-driver``) and the ``selenium`` package: skipped without them, a failure when ``CI``
is set. Screenshots of every step go to the test's temporary folder, or to
``$LANDOPT_SCREENSHOTS`` when set (``scripts/screenshots_web.py`` does that). The waits are
generous (a loaded 2-core machine); nothing asserts on time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _chromium import CHROMEDRIVER, CHROMIUM, free_port, shots_folder, start_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "parcels.geojson"
DEMO_TOML = REPO / "data" / "scenarios" / "zhangdian-2023.toml"

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:  # pragma: no cover - depends on the machine
    webdriver = None
if webdriver is None or not CHROMIUM or not CHROMEDRIVER:
    _why = "needs selenium, chromium and chromedriver (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the web app's browser tests: {_why}", pytrace=False)
    pytest.skip(_why, allow_module_level=True)

#: Bounds for a page (a loaded machine), a server to answer, and a run to end.
PAGE_S = 120
START_S = 180
RUN_S = 600

#: The demo's fields → the bureau's Chinese column names (a Shapefile field name is at most
#: 10 bytes: 5 Chinese characters in GBK), as notebooks/00_your_own_data.ipynb writes them.
ZH_COLUMNS = {
    "parcel_id": "地块编号",
    "name": "企业名称",
    "township": "乡镇街道",
    "park": "所属园区",
    "status": "状态",
    "area_mu": "面积_亩",
    "muyi_class": "亩均等级",
    "idle_years": "闲置年限",
    "encumbrance": "权利限制",
    "industry_policy": "产业政策",
    "planned_use_code": "规划用途",
    "cost_clear_wan": "出清成本",
    "cost_revitalize_wan": "盘活成本",
    "cost_upgrade_wan": "升级成本",
    "benefit_tax_gain_wan": "新增税收",
}
#: The bureau's status values (已收储 is not one landopt knows: the planner maps it).
ZH_STATUS = {
    "inefficient": "低效",
    "idle": "闲置",
    "upgrade_candidate": "转型升级",
    "in_use": "在用",
    "cleared": "已收储",
}
#: The 2023 targets: (count, mu at least) per action.
TARGETS_2023 = {"clear": (17, 560), "revitalize": (4, 430), "upgrade": (10, 810)}


# --------------------------------------------------------------------------- the layer
@pytest.fixture(scope="module")
def gbk_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo layer as a bureau holds it: a zipped GBK Shapefile (with its .cpg) with
    Chinese column names and status values."""
    import geopandas as gpd
    import pyogrio

    demo = gpd.read_file(DEMO, engine="pyogrio")
    raw = demo[[*ZH_COLUMNS, "geometry"]].rename(columns=ZH_COLUMNS)
    raw["状态"] = raw["状态"].map(ZH_STATUS)
    folder = tmp_path_factory.mktemp("bureau")
    shp = folder / "shp" / "张店地块.shp"
    shp.parent.mkdir()
    pyogrio.write_dataframe(raw, shp, encoding="GBK")
    assert shp.with_suffix(".cpg").read_text().strip() == "GBK"
    assert "低效".encode("gbk") in shp.with_suffix(".dbf").read_bytes()
    path = folder / "张店地块.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(shp.parent.iterdir()):
            zf.write(f, f"张店地块/{f.name}")
    return path


@pytest.fixture(scope="module")
def reference() -> Any:
    """``landopt plan`` of the demo scenario: what the web run must match."""
    from landopt.plan import solve
    from landopt.scenario import load_scenario

    return solve(load_scenario(DEMO_TOML))


# --------------------------------------------------------------------------- the server
@dataclass
class Server:
    """A ``landopt serve`` subprocess."""

    proc: subprocess.Popen[bytes]
    url: str
    data: Path
    log: Path


def _env(store: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    env["LANDOPT_STORE_URL"] = f"sqlite:///{store}"
    env.pop("LANDOPT_STORE", None)
    env.pop("LANDOPT_PASSWORD", None)
    env.update(extra)
    return env


def _serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "landopt", "serve", *args]


def start_server(folder: Path, *args: str, host: str = "127.0.0.1") -> Server:
    """Start ``landopt serve --host host --port <free> --data folder/data``; return once it
    answers HTTP (polled; a generous bound), or fail with its log."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port(host)
    data = folder / "data"
    log = folder / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            _serve_command("--host", host, "--port", str(port), "--data", str(data), *args),
            cwd=folder,
            env=_env(folder / "runs.sqlite"),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(proc, f"http://127.0.0.1:{port}", data, log)
    end = time.monotonic() + START_S
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"landopt serve exited {proc.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(server.url + "/login", timeout=5) as r:
                if r.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > end:
            stop_server(server)
            raise AssertionError(f"landopt serve did not answer: {log.read_text()}")
        time.sleep(0.25)


def stop_server(server: Server) -> None:
    """Stop the server (SIGTERM: uvicorn shuts down and the app kills its runs)."""
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``landopt serve`` on 127.0.0.1: no sign-in; one run at a time."""
    s = start_server(tmp_path_factory.mktemp("serve"))
    try:
        yield s
    finally:
        stop_server(s)


@pytest.fixture(scope="module")
def remote_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``landopt serve --host 0.0.0.0`` (reachable from other machines, so it requires a
    sign-in) after ``landopt serve --add-user planner`` (the password from standard input)."""
    folder = tmp_path_factory.mktemp("serve-remote")
    added = subprocess.run(
        _serve_command("--add-user", "planner", "--data", str(folder / "data")),
        input=b"correct horse battery\n",
        env=_env(folder / "runs.sqlite"),
        capture_output=True,
        timeout=START_S,
    )
    assert added.returncode == 0, added.stderr.decode()
    s = start_server(folder, host="0.0.0.0")
    try:
        yield s
    finally:
        stop_server(s)


# --------------------------------------------------------------------------- the browser
@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shots_folder(tmp_path_factory)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator[Any]:
    """Headless Chromium that can reach 127.0.0.1 and nothing else (tests/_chromium.py)."""
    driver = start_chromium(
        tmp_path_factory.mktemp("chromium-profile"),
        blocked=["https://*", "ws://*", "wss://*", "ftp://*"],
        server=True,
        downloads=downloads,
        page_load_timeout=PAGE_S,
    )
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def tab(browser: Any) -> Any:
    """The browser with no cookies (each server sets its own session on 127.0.0.1) and its
    logs flushed."""
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    browser.get("about:blank")
    browser.get_log("performance")
    browser.get_log("browser")
    return browser


def requests_made(driver: Any) -> list[str]:
    """The URL of every request and WebSocket since the last flush."""
    out = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        p = msg.get("params", {})
        if msg["method"] == "Network.requestWillBeSent":
            out.append(p["request"]["url"])
        elif msg["method"] == "Network.webSocketCreated":
            out.append(p["url"])
    return out


def assert_stayed_on_the_server(driver: Any, server: Server) -> None:
    """Every request since the last flush went to the server (or was data:/blob:/about:)."""
    urls = requests_made(driver)
    assert any(u.startswith(server.url + "/") for u in urls), urls
    outside = [u for u in urls if not u.startswith((server.url + "/", "data:", "blob:", "about:"))]
    assert not outside, f"requests that left {server.url}: {outside}"


def assert_no_console_errors(driver: Any) -> None:
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert not errors, errors


def shot(driver: Any, folder: Path, name: str) -> Path:
    """A PNG of the whole page (not only the window), frames included."""
    import base64

    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    png = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {
                "x": 0,
                "y": 0,
                "width": max(1, int(size["width"])),
                "height": max(1, int(size["height"])),
                "scale": 1,
            },
        },
    )
    path = folder / f"{name}.png"
    path.write_bytes(base64.b64decode(png["data"]))
    return path


def shot_of(driver: Any, folder: Path, name: str, element_id: str) -> Path:
    """A PNG of one element of the page, however tall (beyond the window)."""
    import base64

    box = driver.execute_script(
        "var r = document.getElementById(arguments[0]).getBoundingClientRect();"
        "return [r.left + scrollX, r.top + scrollY, r.width, r.height];",
        element_id,
    )
    pad = 8
    png = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {
                "x": max(0, box[0] - pad),
                "y": max(0, box[1] - pad),
                "width": box[2] + 2 * pad,
                "height": box[3] + 2 * pad,
                "scale": 1,
            },
        },
    )
    path = folder / f"{name}.png"
    path.write_bytes(base64.b64decode(png["data"]))
    return path


def wait_for(driver: Any, what: Callable[[Any], Any], timeout: float = PAGE_S) -> Any:
    """``what(driver)`` once truthy; errors of a page being replaced count as not yet."""

    def attempt(d: Any) -> Any:
        try:
            return what(d)
        except WebDriverException:
            return False

    return WebDriverWait(driver, timeout, poll_frequency=0.5).until(attempt)


def wait_path(driver: Any, pattern: str) -> re.Match[str]:
    """Wait until the page's path matches ``pattern``; return the match."""
    return wait_for(
        driver,
        lambda d: (
            d.execute_script("return document.readyState") == "complete"
            and re.fullmatch(pattern, d.execute_script("return location.pathname"))
        ),
    )


def by_id(driver: Any, element_id: str) -> Any:
    return driver.find_element(By.ID, element_id)


def run_state(driver: Any) -> dict[str, str] | None:
    return driver.execute_script(
        "var s = document.getElementById('run-state');"
        "return s && document.readyState === 'complete' ? "
        "{status: s.dataset.status, ended: s.dataset.ended} : null;"
    )


def wait_run_ended(driver: Any) -> str:
    """Wait (the page polls and reloads itself) until the run has ended; its status."""
    state = wait_for(
        driver, lambda d: (s := run_state(d)) and s["ended"] == "true" and s, timeout=RUN_S
    )
    return state["status"]


# --------------------------------------------------------------------------- the steps
def upload_and_map(
    driver: Any, server: Server, zip_path: Path, reference: Any, shots: Path | None
) -> str:
    """Home → add a layer → upload the zip → map the columns and the status values → save;
    return the layer's id (its page shows the layer usable)."""
    driver.get(server.url + "/")
    assert driver.find_elements(By.ID, "runs") or driver.find_elements(By.ID, "no-runs")
    assert driver.execute_script("return document.documentElement.lang") == "zh-CN"
    if shots:
        shot(driver, shots, "01-home")
    by_id(driver, "new-layer").click()
    wait_path(driver, "/layers/new")
    by_id(driver, "file").send_keys(str(zip_path))
    if shots:
        shot(driver, shots, "02-upload")
    by_id(driver, "upload-submit").click()
    layer = wait_path(driver, r"/layers/([0-9a-f]{16})").group(1)

    # before the mapping: 已收储 is no status landopt knows, so the layer is not usable yet
    assert by_id(driver, "validation").get_attribute("data-ok") == "false"
    errors = by_id(driver, "errors")
    assert errors.get_attribute("data-n") == str((reference.parcels["status"] == "cleared").sum())
    lines = errors.find_elements(By.TAG_NAME, "li")  # one line for all those parcels
    assert len(lines) == 1 and "已收储" in lines[0].text and "parcel " not in lines[0].text
    assert Select(by_id(driver, "col-parcel_id")).first_selected_option.get_attribute("value") == (
        "地块编号"
    )  # suggested from the column name
    assert Select(by_id(driver, "col-status")).first_selected_option.get_attribute("value") == (
        "状态"
    )
    if shots:
        shot(driver, shots, "03-layer-unmapped")
    for field, column in ZH_COLUMNS.items():
        Select(by_id(driver, f"col-{field}")).select_by_value(column)
    wanted = {zh: st for st, zh in ZH_STATUS.items()}
    boxes = driver.find_elements(By.CSS_SELECTOR, "#status-values select")
    assert sorted(b.get_attribute("data-value") for b in boxes) == sorted(wanted)
    for box in boxes:
        value = box.get_attribute("data-value")
        chosen = Select(box).first_selected_option.get_attribute("value")
        if value == "已收储":
            assert chosen == ""  # not guessed
        else:
            assert chosen == wanted[value], (value, chosen)  # suggested
        Select(box).select_by_value(wanted[value])
    if shots:
        shot(driver, shots, "04-layer-mapping")
    by_id(driver, "mapping-submit").click()
    wait_for(
        driver,
        lambda d: d.find_element(By.ID, "validation").get_attribute("data-ok") == "true",
    )
    assert by_id(driver, "parcel-count").text == "3,000"
    return layer


def fill_scenario(
    driver: Any,
    targets: dict[str, tuple[int, float]],
    *,
    mode: str = "min",
    time_limit: str | None = None,
) -> None:
    """On the scenario form: the targets, the area mode, min cost."""
    for action, (count, area) in targets.items():
        for name, value in (("count", count), ("area", area)):
            box = by_id(driver, f"{action}-{name}")
            box.clear()
            box.send_keys(str(value))
        Select(by_id(driver, f"{action}-area-mode")).select_by_value(mode)
    Select(by_id(driver, "objective")).select_by_value("min_cost")
    if time_limit is not None:
        box = by_id(driver, "time_limit")
        box.clear()
        box.send_keys(time_limit)


def to_scenario(driver: Any, layer: str) -> None:
    by_id(driver, "to-scenario").click()
    wait_path(driver, f"/layers/{layer}/scenario")
    by_id(driver, "scenario-form")


def start_run(driver: Any) -> str:
    by_id(driver, "run").click()
    return wait_path(driver, r"/runs/([0-9a-f]{32})").group(1)


def in_the_map(driver: Any, script: str) -> Any:
    """``script``'s value inside the run page's map iframe, once the web map is drawn."""
    driver.switch_to.frame(by_id(driver, "map"))
    try:
        wait_for(
            driver,
            lambda d: (
                d.execute_script(
                    "return document.documentElement.getAttribute('data-landopt-ready')"
                )
                == "1"
            ),
        )
        return driver.execute_script(script)
    finally:
        driver.switch_to.default_content()


def chosen_on_the_map(driver: Any) -> dict[str, list[str]]:
    """Inside the map's iframe: the parcel ids the web map draws on each action's layer."""
    return in_the_map(
        driver,
        "var out = {};"
        "['clear', 'revitalize', 'upgrade'].forEach(function (k) {"
        "  var ids = []; var g = landopt.layers[k];"
        "  if (g && landopt.map.hasLayer(g)) { g.eachLayer(function (l) {"
        "    if (l.feature) { ids.push(String(l.feature.properties.id)); } }); }"
        "  out[k] = ids.sort(); });"
        "return out;",
    )


def download(driver: Any, folder: Path, link_id: str, name: str) -> Path:
    """Click a download link; the file once Chromium has finished writing it."""
    target = folder / name
    target.unlink(missing_ok=True)
    by_id(driver, link_id).click()
    wait_for(
        driver,
        lambda d: target.is_file() and not list(folder.glob("*.crdownload")),
        timeout=PAGE_S,
    )
    return target


# --------------------------------------------------------------------------- tests
def test_the_browser_reaches_nothing_but_the_server(tab: Any, server: Server) -> None:
    tab.get(server.url + "/")
    outcome = tab.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "Promise.all(['http://93.184.216.34/', 'http://example.com/', 'https://example.com/']"
        "  .map(function (u) { return fetch(u, {mode: 'no-cors'}).then("
        "    function () { return u + ' reached'; }, function () { return 'blocked'; }); }))"
        ".then(done);"
    )
    assert outcome == ["blocked", "blocked", "blocked"]
    own = tab.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "fetch('/static/app.css').then(function (r) { done(r.status); }, function (e) {"
        "  done(String(e)); });"
    )
    assert own == 200


def test_from_a_gbk_zip_to_the_downloaded_summary(
    tab: Any, server: Server, gbk_zip: Path, reference: Any, downloads: Path, shots: Path
) -> None:
    import openpyxl

    driver = tab
    layer = upload_and_map(driver, server, gbk_zip, reference, shots)
    expected = reference.parcels.groupby("status").size()
    for status, n in expected.items():
        row = driver.find_element(By.CSS_SELECTOR, f'#by-status tr[data-status="{status}"] .count')
        assert row.text == f"{n:,}"
    shot(driver, shots, "05-layer-usable")

    to_scenario(driver, layer)
    # another layer than the demo file itself: the demo's actions, no targets filled in
    assert by_id(driver, "clear-count").get_attribute("value") == ""
    fill_scenario(driver, TARGETS_2023)
    shot(driver, shots, "06-scenario")
    run = start_run(driver)
    assert run_state(driver)["status"] in ("queued", "running", "done")
    if driver.find_elements(By.ID, "run-progress"):
        shot(driver, shots, "07-run-progress")
    assert wait_run_ended(driver) == "done"

    total = reference.summary.set_index("action").loc["total"]
    assert by_id(driver, "total-plots").get_attribute("data-value") == "31" == str(total["plots"])
    shown = float(by_id(driver, "total-cost").get_attribute("data-value"))
    assert shown == pytest.approx(float(total["cost_wan"]), abs=0.05)
    for action, (count, _) in TARGETS_2023.items():
        cell = driver.find_element(By.CSS_SELECTOR, f'#summary tr[data-action="{action}"] .plots')
        assert cell.text == str(count)

    # the map draws exactly the plots landopt plan chose, each on its action's layer
    drawn = chosen_on_the_map(driver)
    chosen = reference.chosen
    for action in TARGETS_2023:
        ids = sorted(chosen.loc[chosen["action"] == action, "parcel_id"].astype(str))
        assert drawn[action] == ids, action
    driver.execute_script("document.getElementById('map').scrollIntoView()")
    shot(driver, shots, "08-result")

    xlsx = download(driver, downloads, "file-summary-xlsx", "summary.xlsx")
    book = openpyxl.load_workbook(xlsx, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    header = rows[0]
    totals = next(r for r in rows if r[0] == "合计")
    assert totals[header.index("入选宗数")] == 31
    assert float(totals[header.index("投入（万元）")]) == pytest.approx(shown, abs=0.05)

    # the report opens from the server too, with nothing from outside
    driver.get(server.url + f"/runs/{run}/files/report.html")
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    assert "✓ 达标" in by_id(driver, "targets").text
    shot(driver, shots, "09-report")

    driver.get(server.url + "/")
    assert by_id(driver, f"run-{run}").get_attribute("data-status") == "done"
    shot(driver, shots, "10-history")
    assert_no_console_errors(driver)
    assert_stayed_on_the_server(driver, server)


def test_a_running_run_is_cancelled(
    tab: Any, server: Server, gbk_zip: Path, reference: Any, shots: Path
) -> None:
    driver = tab
    layer = upload_and_map(driver, server, gbk_zip, reference, None)
    to_scenario(driver, layer)
    # every area exactly on target: HiGHS searches to its time limit (minutes), never less
    fill_scenario(driver, TARGETS_2023, mode="exact", time_limit="600")
    run = start_run(driver)
    wait_for(driver, lambda d: (s := run_state(d)) and s["status"] == "running", timeout=RUN_S)
    assert by_id(driver, "run-progress").is_displayed()
    shot(driver, shots, "11-running")
    by_id(driver, "cancel").click()
    assert wait_run_ended(driver) == "cancelled"
    assert not driver.find_elements(By.ID, "cancel")
    assert not driver.find_elements(By.ID, "summary")
    assert not (server.data / "runs" / run / "plan").exists()
    shot(driver, shots, "12-cancelled")
    assert_no_console_errors(driver)
    assert_stayed_on_the_server(driver, server)


def test_an_impossible_target_shows_the_diagnosis(
    tab: Any, server: Server, gbk_zip: Path, reference: Any, shots: Path
) -> None:
    driver = tab
    layer = upload_and_map(driver, server, gbk_zip, reference, None)
    to_scenario(driver, layer)
    fill_scenario(driver, TARGETS_2023 | {"clear": (17, 100000)})
    start_run(driver)
    assert wait_run_ended(driver) == "infeasible"
    diagnosis = by_id(driver, "diagnosis")
    assert diagnosis.is_displayed()
    text = diagnosis.text
    # the conflicting statement named, with the numbers the data shows
    assert "出清：不少于 100,000.0 亩" in text
    assert "4,088.5" in text  # the 17 largest eligible plots
    assert not driver.find_elements(By.ID, "summary")
    shot(driver, shots, "13-diagnosis")
    assert_no_console_errors(driver)
    assert_stayed_on_the_server(driver, server)


def test_a_projects_table_uploaded_in_the_form_is_shown_and_its_sites_run(
    tab: Any, server: Server, shots: Path
) -> None:
    driver = tab
    driver.get(server.url + "/layers/new")
    by_id(driver, "file").send_keys(str(DEMO))
    by_id(driver, "upload-submit").click()
    layer = wait_path(driver, r"/layers/([0-9a-f]{16})").group(1)
    wait_for(driver, lambda d: d.find_element(By.ID, "validation").get_attribute("data-ok"))
    to_scenario(driver, layer)
    assert by_id(driver, "no-projects").is_displayed()
    by_id(driver, "projects-file").send_keys(str(DEMO.parent / "projects.csv"))
    by_id(driver, "projects-upload").click()
    table = wait_for(driver, lambda d: d.find_element(By.ID, "projects-table"))
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert [r.get_attribute("data-project") for r in rows] == [f"KP{k:02d}" for k in range(1, 12)]
    assert "保利通信（淄博）科技产业园" in rows[0].text
    assert by_id(driver, "projects-count").text == "共 11 个项目，计划投资 116.7 亿元"
    assert by_id(driver, "projects-sources-clear").is_selected()
    assert not by_id(driver, "projects-must-land").is_selected()
    shot_of(driver, shots, "16-projects-form", "projects")
    start_run(driver)
    assert wait_run_ended(driver) == "done"
    sites = driver.find_elements(By.CSS_SELECTOR, "#run-projects tbody tr")
    assert len(sites) == 11
    landed = [r for r in sites if r.find_elements(By.TAG_NAME, "td")[4].text == "是"]
    assert landed  # the demo lands most of its key projects
    # the map inside the page draws the numbered sites
    numbers = in_the_map(
        driver,
        "return Array.from(document.querySelectorAll('.lo-site-no'))"
        ".map(function (e) { return e.textContent; });",
    )
    # each landed site's number (the table's first column) in a circle on the map
    assert sorted(numbers, key=int) == [r.find_elements(By.TAG_NAME, "td")[0].text for r in landed]
    shot(driver, shots, "17-projects-result")
    assert_no_console_errors(driver)
    assert_stayed_on_the_server(driver, server)


def test_off_localhost_a_sign_in_is_required(tab: Any, remote_server: Server, shots: Path) -> None:
    driver = tab
    server = remote_server
    driver.get(server.url + "/layers/new")
    wait_path(driver, "/login")  # sent to sign in
    assert not driver.find_elements(By.ID, "file")
    assert not driver.find_elements(By.ID, "nav-upload")  # no links that lead back here
    shot(driver, shots, "14-login")
    by_id(driver, "username").send_keys("planner")
    by_id(driver, "password").send_keys("correct horse battery")
    by_id(driver, "login-submit").click()
    wait_path(driver, "/")
    assert by_id(driver, "user").text == "planner"
    by_id(driver, "new-layer").click()
    wait_path(driver, "/layers/new")
    assert by_id(driver, "file").is_displayed()
    shot(driver, shots, "15-signed-in")
    assert_no_console_errors(driver)
    assert_stayed_on_the_server(driver, server)

    # a wrong password: the page says so (a 401, which the console reports: not checked)
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.get(server.url + "/")
    wait_path(driver, "/login")
    by_id(driver, "username").send_keys("planner")
    by_id(driver, "password").send_keys("wrong")
    by_id(driver, "login-submit").click()
    wait_for(driver, lambda d: d.find_element(By.ID, "login-error").is_displayed())
    assert driver.execute_script("return location.pathname") == "/login"


def test_serve_on_another_address_without_an_account_refuses_to_start(tmp_path: Path) -> None:
    result = subprocess.run(
        _serve_command(
            "--host", "0.0.0.0", "--port", str(free_port("0.0.0.0")), "--data", str(tmp_path)
        ),
        env=_env(tmp_path / "runs.sqlite"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=START_S,
    )
    err = result.stderr.decode("utf-8", errors="replace")
    assert result.returncode == 2, err
    assert "--host" in err and "--add-user" in err  # the named error: where and the fix
    assert "Traceback" not in err


# --------------------------------------------------------------------------- the lock map
@pytest.fixture(scope="module")
def city_layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A layer too large for the SVG lock map: the demo laid out 3 × 3 times side by side
    (27,000 parcels, each copy's ids suffixed), as GeoParquet."""
    import geopandas as gpd
    import pandas as pd
    from shapely import affinity

    demo = gpd.read_file(DEMO, engine="pyogrio")
    x0, y0, x1, y1 = demo.total_bounds
    copies = []
    for i in range(3):
        for j in range(3):
            c = demo.copy()
            c["parcel_id"] = c["parcel_id"].astype(str) + f"-{i}{j}"
            c["geometry"] = c.geometry.apply(
                lambda g, i=i, j=j: affinity.translate(g, i * (x1 - x0), j * (y1 - y0))
            )
            copies.append(c)
    city = gpd.GeoDataFrame(pd.concat(copies, ignore_index=True), crs=demo.crs)
    path = tmp_path_factory.mktemp("city") / "city.parquet"
    city.to_parquet(path)
    return path


def upload_plain(driver: Any, server: Server, path: Path) -> str:
    """Upload a layer that needs no mapping; its id once its page says it is usable."""
    driver.get(server.url + "/layers/new")
    by_id(driver, "file").send_keys(str(path))
    by_id(driver, "upload-submit").click()
    layer = wait_path(driver, r"/layers/([0-9a-f]{16})").group(1)
    wait_for(
        driver, lambda d: d.find_element(By.ID, "validation").get_attribute("data-ok") == "true"
    )
    return layer


def view_of(driver: Any) -> list[float]:
    """The part of the layer the lock map shows: x, y, width, height in viewBox units."""
    return [float(v) for v in by_id(driver, "lock-map").get_attribute("data-view").split()]


def click_at(driver: Any, element: Any, x: float, y: float) -> None:
    """A real mouse click at page point (x, y) (CSS pixels of the viewport)."""
    from selenium.webdriver.common.action_chains import ActionChains

    box = driver.execute_script(
        "var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height];",
        element,
    )
    dx, dy = x - (box[0] + box[2] / 2), y - (box[1] + box[3] / 2)
    ActionChains(driver).move_to_element_with_offset(element, int(dx), int(dy)).click().perform()


def zoom_by_buttons_wheel_and_drag(driver: Any) -> None:
    """Zoom in with the button (twice) and the wheel, pan by a drag: each changes the view,
    and the drag locks nothing."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions.wheel_input import ScrollOrigin

    lock_map = by_id(driver, "lock-map")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", lock_map)
    whole = view_of(driver)
    by_id(driver, "lock-zoom-in").click()
    by_id(driver, "lock-zoom-in").click()
    assert view_of(driver)[2] == pytest.approx(whole[2] / 4, rel=0.01)
    before = view_of(driver)
    ActionChains(driver).scroll_from_origin(ScrollOrigin.from_element(lock_map), 0, -100).perform()
    wait_for(driver, lambda d: view_of(d)[2] < before[2] * 0.9)
    before = view_of(driver)
    fields = driver.execute_script(
        "return Array.from(document.querySelectorAll('textarea[data-lock]')).map(function (f) {"
        " return f.value; });"
    )
    ActionChains(driver).click_and_hold(lock_map).move_by_offset(120, 40).release().perform()
    after = view_of(driver)
    assert after[0] < before[0] and after[2] == pytest.approx(before[2])  # dragged, same zoom
    assert fields == driver.execute_script(
        "return Array.from(document.querySelectorAll('textarea[data-lock]')).map(function (f) {"
        " return f.value; });"
    )  # a drag is no click


def assert_locked_and_saved(driver: Any, server: Server, layer: str, pid: str) -> None:
    """The clicked parcel is in a lock field and named under the map; saved, it is a lock in
    the scenario's TOML."""
    assert by_id(driver, "lock-picked").text.startswith(pid + " — ")
    state = driver.execute_script(
        "var pid = arguments[0];"
        "var f = Array.from(document.querySelectorAll('textarea[data-lock]')).find(function (f) {"
        " return f.value.split(/\\s+/).indexOf(pid) >= 0; });"
        "return f ? f.dataset.lock : null;",
        pid,
    )
    assert state is not None and state != "free"
    from selenium.webdriver.support import expected_conditions as ec

    button = by_id(driver, "save-scenario")
    button.click()
    wait_for(driver, ec.staleness_of(button))  # the page the save answered, not this one
    wait_path(driver, f"/layers/{layer}/scenario")
    toml = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        f"fetch('/layers/{layer}/scenario.toml').then(function (r) {{ return r.text(); }})"
        ".then(done);"
    )
    import tomllib

    locks = tomllib.loads(toml)["locks"]
    if state == "out":
        assert locks["exclude"] == {pid: "all"}
    else:
        assert locks["include"] == {pid: state.removeprefix("in-")}


def test_the_lock_map_zooms_and_a_click_locks_a_parcel(
    tab: Any, server: Server, shots: Path
) -> None:
    driver = tab
    layer = upload_plain(driver, server, DEMO)
    driver.get(f"{server.url}/layers/{layer}/scenario")
    assert driver.find_element(By.CSS_SELECTOR, "svg#lock-map")
    zoom_by_buttons_wheel_and_drag(driver)
    # a parcel that allows an action, seen whole and on top in the zoomed map
    pid, x, y = driver.execute_script(
        "var m = document.getElementById('lock-map').getBoundingClientRect();"
        "var paths = document.querySelectorAll('#lock-map path[data-eligible]:not([data-eligible=\"\"])');"
        "for (var i = 0; i < paths.length; i++) {"
        "  var r = paths[i].getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;"
        "  if (r.left > m.left && r.right < m.right && r.top > m.top && r.bottom < m.bottom &&"
        "      r.width > 6 && document.elementFromPoint(x, y) === paths[i]) {"
        "    return [paths[i].dataset.pid, x, y]; } }"
        "return null;"
    )
    click_at(driver, by_id(driver, "lock-map"), x, y)
    cls = driver.find_element(By.CSS_SELECTOR, f'path[data-pid="{pid}"]').get_attribute("class")
    assert cls.startswith("lock-in-")  # the first state after free: its first allowed action
    shot_of(driver, shots, "18-lock-map-zoomed", "locks")
    assert_locked_and_saved(driver, server, layer, pid)
    assert_no_console_errors(driver)
    assert_stayed_on_the_server(driver, server)


def test_a_city_layer_gets_the_canvas_lock_map_that_zooms_and_locks(
    tab: Any, server: Server, city_layer: Path, shots: Path
) -> None:
    driver = tab
    layer = upload_plain(driver, server, city_layer)
    assert by_id(driver, "parcel-count").text == "27,000"
    driver.get(f"{server.url}/layers/{layer}/scenario")
    canvas = driver.find_element(By.CSS_SELECTOR, "canvas#lock-map")
    wait_for(driver, lambda d: canvas.get_attribute("data-ready") == "true")
    assert not by_id(driver, "lock-map-loading").is_displayed()
    zoom_by_buttons_wheel_and_drag(driver)
    # a parcel that allows an action near the middle of the view: the mean of its outline's
    # vertices (inside: the demo's parcels are convex), on the screen through data-view
    pid, x, y = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "var c = document.getElementById('lock-map'), r = c.getBoundingClientRect();"
        "var v = c.dataset.view.split(' ').map(Number);"
        "fetch(c.dataset.src).then(function (a) { return a.json(); }).then(function (d) {"
        "  for (var p = 0; p < d.ids.length; p++) {"
        "    if (!d.kinds[d.kind[p]]) { continue; }"
        "    var ring = d.rings[p][0], x = 0, y = 0, sx = 0, sy = 0, n = ring.length / 2;"
        "    for (var k = 0; k < ring.length; k += 2) {"
        "      x += ring[k]; y += ring[k + 1]; sx += x; sy += y; }"
        "    var fx = (sx / n / d.scale - v[0]) / v[2], fy = (sy / n / d.scale - v[1]) / v[3];"
        "    if (fx > 0.3 && fx < 0.7 && fy > 0.3 && fy < 0.7) {"
        "      done([d.ids[p], r.left + fx * r.width, r.top + fy * r.height]); return; } }"
        "  done(null); });"
    )
    click_at(driver, canvas, x, y)
    shot_of(driver, shots, "19-lock-map-city-zoomed", "locks")
    assert_locked_and_saved(driver, server, layer, pid)
    assert_no_console_errors(driver)
    assert_stayed_on_the_server(driver, server)
