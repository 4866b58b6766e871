"""The web app's maps measured through the app, in headless Chromium: the lock map and the result map.

For each layer: ``landopt serve`` (a subprocess, its own data folder) → upload the layer →
the scenario page (its load, the lock map drawn, one zoom step) → upload the demo's 2023
scenario with its targets scaled to the layer's size (as ``scripts/bench.py`` does) → run →
the run page with an empty browser cache (its load, the map inside it painted, the bytes on
the wire and their size unpacked, one zoom step of the map). Times are the browser's own
(``performance.now()`` in each frame, put on one clock with ``performance.timeOrigin``):
"painted" is two animation frames after the page says it is drawn. Nothing leaves
127.0.0.1.

Usage::

    python scripts/bench_web_map.py                      # the demo (3,000) and 100,000 parcels
    python scripts/bench_web_map.py --parcels 3000 --runs 3

100,000 parcels read /tmp/landopt-bench/district_100000.parquet (made by ``scripts/bench.py``'s
``ensure_layer`` when missing: the demo's columns, ``scripts/make_demo_data.py``). Needs
chromium, chromedriver and selenium, like the browser tests. Prints one JSON line per layer and
a table; note the machine's load (``/proc/loadavg``) next to the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
DEMO = ROOT / "data" / "parcels.geojson"
DEMO_TOML = ROOT / "data" / "scenarios" / "zhangdian-2023.toml"
WAIT_S = 1800

#: Put on every page and frame before its own scripts: when the page (or the map in it)
#: says it is drawn, and two animation frames later (painted), on the shared clock.
TIMING = """
(function () {
  function at() { return performance.timeOrigin + performance.now(); }
  function painted(name) {
    window[name + "_ms"] = at();
    requestAnimationFrame(function () { requestAnimationFrame(function () {
      window[name + "_painted_ms"] = at(); }); });
  }
  new MutationObserver(function (_, obs) {
    var root = document.documentElement;
    if (root && root.getAttribute("data-landopt-ready") === "1" && !window.__map_ms) {
      painted("__map"); }
    var lock = document.getElementById("lock-map");
    if (lock && !window.__lock_ms && (lock.tagName === "svg" || lock.dataset.ready === "true")) {
      painted("__lock"); }
  }).observe(document, {subtree: true, childList: true, attributes: true});
})();
"""
#: A page without a lock map (an app before it had one for large layers) counts as drawn.
NO_LOCK_MAP = (
    "if (document.readyState === 'complete' && !document.getElementById('lock-map')) {"
    " window.__lock_painted_ms = performance.timeOrigin + performance.now(); }"
)
#: One zoom step, then two animation frames (the redraw painted): its milliseconds.
ZOOM_STEP = """
var done = arguments[arguments.length - 1];
var t = performance.now();
%s
requestAnimationFrame(function () { requestAnimationFrame(function () {
  done(performance.now() - t); }); });
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(folder: Path, app: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``landopt serve`` of the checkout ``app`` on a free port; its URL once it answers."""
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = dict(os.environ, LANDOPT_STORE_URL=f"sqlite:///{folder / 'runs.sqlite'}")
    env["PYTHONPATH"] = os.pathsep.join([str(app), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("LANDOPT_STORE", None)
    with open(folder / "server.log", "wb") as log:  # the child keeps its own copy
        proc = subprocess.Popen(
            [sys.executable, "-m", "landopt", "serve", "--port", str(port), "--data", str(folder)],
            env=env,
            cwd=folder,  # python -m puts the working folder first on the path: not a checkout
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 180
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url + "/login", timeout=5):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"landopt serve did not answer: {(folder / 'server.log').read_text()}")


def browser(profile: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-extensions",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--proxy-server=http://127.0.0.1:{_free_port()}",
        "--window-size=1400,1000",
        f"--user-data-dir={profile}",
    ):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    driver.set_page_load_timeout(WAIT_S)
    driver.set_script_timeout(WAIT_S)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TIMING})
    return driver


def wait(driver: Any, what: Any, timeout: float = WAIT_S) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = what(driver)
        except Exception:  # a page being replaced: not yet
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise SystemExit(f"waited {timeout} s in vain at {driver.current_url}")


def page_figures(driver: Any) -> dict[str, float]:
    """The top page's load: response end, DOM ready and load (ms from the navigation), its
    bytes (on the wire, and unpacked) with every resource it fetched."""
    return driver.execute_script(
        "var n = performance.getEntriesByType('navigation')[0];"
        "var r = performance.getEntriesByType('resource');"
        "var wire = n.transferSize, body = n.decodedBodySize;"
        "r.forEach(function (e) { wire += e.transferSize; body += e.decodedBodySize; });"
        "return {response_ms: n.responseEnd, dom_ms: n.domContentLoadedEventEnd,"
        " load_ms: n.loadEventEnd, wire_bytes: wire, body_bytes: body,"
        " origin: performance.timeOrigin};"
    )


def scaled_toml(n: int, folder: Path) -> Path:
    """The demo's 2023 scenario with its targets scaled to ``n`` parcels."""
    from landopt.web import _toml

    data = tomllib.loads(DEMO_TOML.read_text(encoding="utf-8"))
    f = n / 3000
    for action in data.get("actions", {}).values():
        targets = action.get("targets") or {}
        for key in ("count", "count_min"):
            if key in targets:
                targets[key] = round(targets[key] * f)
        for key in ("area_min",):
            if key in targets:
                targets[key] = targets[key] * f
    path = folder / f"scenario_{n}.toml"
    path.write_text(_toml.dumps(data, header="bench"), encoding="utf-8")
    return path


def shot(driver: Any, path: Path, element_id: str | None = None) -> None:
    """A PNG of one element of the page (or the whole page), however tall."""
    import base64

    box = driver.execute_script(
        "var e = arguments[0] ? document.getElementById(arguments[0]) : document.body;"
        "var r = e.getBoundingClientRect();"
        "return [r.left + scrollX, r.top + scrollY, r.width, r.height];",
        element_id,
    )
    if element_id is None:
        box = [0, 0, box[2], driver.execute_script("return document.body.scrollHeight")]
    png = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": box[0], "y": box[1], "width": box[2], "height": box[3], "scale": 1},
        },
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(png["data"]))
    print("screenshot", path, flush=True)


def one_layer(
    driver: Any, url: str, layer_path: Path, n: int, folder: Path, shots: Path | None = None
) -> dict[str, Any]:
    from selenium.webdriver.common.by import By

    out: dict[str, Any] = {"parcels": n}
    driver.get(url + "/layers/new")
    driver.find_element(By.ID, "file").send_keys(str(layer_path))
    t = time.perf_counter()
    driver.find_element(By.ID, "upload-submit").click()
    wait(driver, lambda d: "/layers/" in d.current_url and "/new" not in d.current_url)
    wait(driver, lambda d: d.find_element(By.ID, "validation").get_attribute("data-ok") == "true")
    out["upload_validate_s"] = time.perf_counter() - t
    layer = driver.current_url.rstrip("/").rsplit("/", 1)[1]

    # the scenario page and its lock map, twice: the first draws and keeps the outline
    for visit in ("first", "again"):
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        driver.get(f"{url}/layers/{layer}/scenario")
        wait(driver, lambda d: d.execute_script(NO_LOCK_MAP + "return window.__lock_painted_ms"))
        fig = page_figures(driver)
        lock = driver.execute_script("return window.__lock_painted_ms") - fig.pop("origin")
        out[f"scenario_{visit}"] = {**fig, "lock_map_painted_ms": lock}
    out["lock_kind"] = driver.execute_script(
        "var m = document.getElementById('lock-map'); return m ? m.tagName.toLowerCase() : null;"
    )
    out["lock_zoom_step_ms"] = (
        driver.execute_async_script(ZOOM_STEP % "document.getElementById('lock-zoom-in').click();")
        if driver.find_elements(By.ID, "lock-zoom-in")
        else float("nan")
    )

    if shots is not None and out["lock_kind"]:
        for _ in range(3):
            driver.find_element(By.ID, "lock-zoom-in").click()
        time.sleep(1)  # drawn in the next animation frame
        shot(driver, shots / f"lock-map-{n}.png", "locks")

    # the scaled scenario, run
    driver.find_element(By.ID, "toml-file").send_keys(str(scaled_toml(n, folder)))
    driver.find_element(By.ID, "toml-submit").click()
    wait(driver, lambda d: d.find_element(By.ID, "scenario-form"))
    t = time.perf_counter()
    driver.find_element(By.ID, "run").click()
    wait(driver, lambda d: "/runs/" in d.current_url)
    wait(
        driver,
        lambda d: d.find_element(By.ID, "run-state").get_attribute("data-ended") == "true",
    )
    out["run_s"] = time.perf_counter() - t
    out["status"] = driver.find_element(By.ID, "run-state").get_attribute("data-status")
    run_url = driver.current_url

    # the run page with nothing cached, then again from the browser's cache
    for visit in ("cold", "cached"):
        if visit == "cold":
            driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        driver.get("about:blank")
        driver.get(run_url)
        fig = page_figures(driver)
        origin = fig.pop("origin")
        driver.switch_to.frame(driver.find_element(By.ID, "map"))
        try:
            wait(driver, lambda d: d.execute_script("return window.__map_painted_ms"))
            inner = driver.execute_script(
                "var n = performance.getEntriesByType('navigation')[0];"
                "return {painted: window.__map_painted_ms, ready: window.__map_ms,"
                " response: performance.timeOrigin + n.responseEnd,"
                " wire: n.transferSize, body: n.decodedBodySize};"
            )
            zoom = (
                driver.execute_async_script(
                    ZOOM_STEP % "landopt.map.setZoom(landopt.map.getZoom() + 1, {animate: false});"
                )
                if visit == "cold"
                else None
            )
        finally:
            driver.switch_to.default_content()
        out[f"run_page_{visit}"] = {
            **fig,
            "map_response_ms": inner["response"] - origin,
            "map_ready_ms": inner["ready"] - origin,
            "map_painted_ms": inner["painted"] - origin,
            "map_wire_bytes": inner["wire"],
            "map_body_bytes": inner["body"],
        }
        if zoom is not None:
            out["map_zoom_step_ms"] = zoom
        if shots is not None and visit == "cached":
            driver.execute_script("document.getElementById('map').scrollIntoView()")
            time.sleep(1)
            shot(driver, shots / f"result-{n}.png")
    return out


def layer_for(n: int) -> Path:
    if n == 3000:
        return DEMO
    from bench import ensure_layer

    bench = Path("/tmp/landopt-bench") / f"district_{n}.parquet"
    return bench if bench.exists() else Path(ensure_layer(n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parcels", type=int, nargs="+", default=[3000, 100_000])
    parser.add_argument("--runs", type=int, default=1, help="browser passes per layer")
    parser.add_argument("--shots", type=Path, help="screenshots of both maps go here")
    parser.add_argument(
        "--app",
        type=Path,
        default=ROOT,
        help="the landopt checkout that serves (default this one; another to compare)",
    )
    args = parser.parse_args()
    print("load average:", Path("/proc/loadavg").read_text().strip(), flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="landopt-webbench-") as tmp:
        folder = Path(tmp)
        proc, url = start_server(folder / "serve", args.app.resolve())
        driver = browser(folder / "profile")
        try:
            for n in args.parcels:
                runs = [
                    one_layer(driver, url, layer_for(n), n, folder, args.shots)
                    for _ in range(args.runs)
                ]
                for r in runs:
                    print(json.dumps(r), flush=True)
                results.append((n, runs))
        finally:
            driver.quit()
            proc.terminate()
            proc.wait(timeout=60)
    print("load average:", Path("/proc/loadavg").read_text().strip())

    def med(runs: list[dict[str, Any]], *keys: str) -> float:
        values = []
        for r in runs:
            v: Any = r
            for k in keys:
                v = v[k]
            values.append(v)
        return statistics.median(values)

    print("| figure | " + " | ".join(f"{n:,}" for n, _ in results) + " |")
    print("|---|" + "---|" * len(results))
    rows = [
        ("scenario page: load (ms)", ("scenario_again", "load_ms"), 1),
        ("scenario page: lock map painted (ms)", ("scenario_again", "lock_map_painted_ms"), 1),
        ("scenario page: bytes on the wire (kB)", ("scenario_again", "wire_bytes"), 1e-3),
        ("scenario page: bytes unpacked (kB)", ("scenario_again", "body_bytes"), 1e-3),
        ("lock map: one zoom step (ms)", ("lock_zoom_step_ms",), 1),
        ("run page: load (ms)", ("run_page_cold", "load_ms"), 1),
        ("run page: map painted (ms)", ("run_page_cold", "map_painted_ms"), 1),
        ("run page: plan.html on the wire (kB)", ("run_page_cold", "map_wire_bytes"), 1e-3),
        ("run page: plan.html unpacked (kB)", ("run_page_cold", "map_body_bytes"), 1e-3),
        ("run page again (cached): map painted (ms)", ("run_page_cached", "map_painted_ms"), 1),
        (
            "run page again (cached): plan.html on the wire (kB)",
            ("run_page_cached", "map_wire_bytes"),
            1e-3,
        ),
        ("result map: one zoom step (ms)", ("map_zoom_step_ms",), 1),
    ]
    for label, keys, k in rows:
        print(f"| {label} | " + " | ".join(f"{med(r, *keys) * k:,.0f}" for _, r in results) + " |")


if __name__ == "__main__":
    main()
