"""plan.html and report.html in headless Chromium with every network access blocked.

Each page must render, log no console error, make no request that leaves the file (only
``file:``, ``data:``, ``blob:`` and ``about:``), and show a parcel's details on hover.
Needs ``chromium`` and ``chromedriver`` (Debian: ``apt-get install chromium
chromium-driver``) and the ``selenium`` package; skipped without them. Screenshots go to
the test's temporary folder, or to ``$LANDOPT_SCREENSHOTS`` when set.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from _chromium import CHROMEDRIVER, CHROMIUM, shots_folder, start_chromium  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from landopt.plan import Plan, solve, write_plan  # noqa: E402
from landopt.report import plan_outputs  # noqa: E402
from landopt.scenario import load_scenario  # noqa: E402

DEMO = Path(__file__).resolve().parent.parent / "data" / "scenarios" / "zhangdian-2023.toml"
if not CHROMIUM or not CHROMEDRIVER:
    pytest.skip(
        "needs chromium and chromedriver (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

ALLOWED_SCHEMES = ("file:", "data:", "blob:", "about:")
LEAVING = ("http:", "https:", "ws:", "wss:", "ftp:")


@pytest.fixture(scope="module")
def demo_plan() -> Plan:
    return solve(load_scenario(DEMO))


@pytest.fixture(scope="module")
def out_dir(demo_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "plan"
    write_plan(demo_plan, out, extra=plan_outputs(demo_plan, dpi=100))
    return out


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shots_folder(tmp_path_factory)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    driver = start_chromium(
        tmp_path_factory.mktemp("chromium-profile"), blocked=[f"{s}*" for s in LEAVING]
    )
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver: Any, path: Path) -> str:
    """Load ``path`` after flushing earlier logs; return its URL."""
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    url = path.resolve().as_uri()
    driver.get(url)
    return url


def requests_made(driver: Any) -> list[tuple[str, str]]:
    """(url, document) of every request and WebSocket since the last flush."""
    out = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        p = msg.get("params", {})
        if msg["method"] == "Network.requestWillBeSent":
            out.append((p["request"]["url"], p.get("documentURL", "")))
        elif msg["method"] == "Network.webSocketCreated":
            out.append((p["url"], ""))
    return out


def assert_stayed_in_the_file(driver: Any, page_url: str) -> None:
    reqs = requests_made(driver)
    leaving = [u for u, _ in reqs if u.lower().startswith(LEAVING)]
    assert not leaving, f"requests that leave the file: {leaving}"
    ours = [(u, d) for u, d in reqs if d.startswith((page_url, "about:srcdoc")) or u == page_url]
    assert any(u == page_url for u, _ in ours)
    bad = [u for u, _ in ours if not u.lower().startswith(ALLOWED_SCHEMES)]
    assert not bad, f"requests other than file:/data:/blob:/about: {bad}"


def assert_no_console_errors(driver: Any) -> None:
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert not errors, errors


def wait_ready(driver: Any) -> None:
    WebDriverWait(driver, 15).until(
        lambda d: (
            d.execute_script("return document.documentElement.getAttribute('data-landopt-ready')")
            == "1"
        )
    )


def hover_parcel(driver: Any, plan: Plan) -> tuple[str, str]:
    """Zoom to the largest chosen parcel, hover it, return (its id, the tooltip text)."""
    chosen = plan.chosen.sort_values("area_mu", ascending=False).iloc[[0]]
    pid = str(chosen["parcel_id"].iloc[0])
    pt = chosen.to_crs(4326).geometry.representative_point().iloc[0]
    x, y = driver.execute_script(
        "var m = landopt.map; m.setView([arguments[0], arguments[1]], 16, {animate: false});"
        "var p = m.latLngToContainerPoint([arguments[0], arguments[1]]); return [p.x, p.y];",
        pt.y,
        pt.x,
    )
    el = driver.find_element(By.ID, "map")
    size = el.size
    ActionChains(driver).move_to_element_with_offset(
        el, round(x - size["width"] / 2), round(y - size["height"] / 2)
    ).perform()
    tip = WebDriverWait(driver, 5).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, ".leaflet-tooltip:not(.lo-label)"))
    )
    return pid, tip.text


def assert_embedded_font_loads(driver: Any) -> None:
    """The Chinese page's own CJK font (a WOFF2 data URL) decodes and has Chinese glyphs."""
    faces = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "document.fonts.load('16px \"Noto Sans SC GB2312\"', '张店区').then("
        "  function (fs) { done(fs.map(function (f) { return f.family + ':' + f.status; })); },"
        "  function (e) { done(['error:' + e]); });"
    )
    assert faces == ['"Noto Sans SC GB2312":loaded'] or faces == ["Noto Sans SC GB2312:loaded"], (
        faces
    )


def test_plan_html_offline_renders_and_shows_a_parcel_on_hover(browser, demo_plan, out_dir, shots):
    url = open_page(browser, out_dir / "plan.html")
    wait_ready(browser)
    legend = browser.find_element(By.ID, "lo-legend")
    assert demo_plan.scenario.title in legend.text
    boxes = legend.find_elements(By.CSS_SELECTOR, "input[type=checkbox]")
    assert len(boxes) == 5 + 3  # 3 actions, candidates, others; park, township, district
    assert_embedded_font_loads(browser)
    browser.save_screenshot(str(shots / "plan.png"))

    pid, text = hover_parcel(browser, demo_plan)
    row = demo_plan.parcels.set_index("parcel_id").loc[pid]
    action = demo_plan.scenario.action(row["action"])
    for expected in (pid, row["name"], row["township"], action.label, "亩", "万元"):
        assert str(expected) in text, (expected, text)
    assert f"{row[action.cost]:,.1f}" in text
    assert browser.execute_script("return landopt.hovered()") == pid
    browser.save_screenshot(str(shots / "plan-hover.png"))

    # switch the other parcels off and on again from the legend
    box = browser.find_element(By.CSS_SELECTOR, 'input[data-layer="other"]')
    on = "return landopt.map.hasLayer(landopt.layers.other)"
    assert browser.execute_script(on) is True
    box.click()
    assert browser.execute_script(on) is False
    box.click()
    assert browser.execute_script(on) is True

    assert_no_console_errors(browser)
    assert_stayed_in_the_file(browser, url)
    assert (shots / "plan-hover.png").stat().st_size > 10_000


def test_report_html_offline_renders_with_its_maps(browser, demo_plan, out_dir, shots):
    url = open_page(browser, out_dir / "report.html")
    WebDriverWait(browser, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    img = browser.find_element(By.CSS_SELECTOR, "#map img")
    assert browser.execute_script("return arguments[0].naturalWidth", img) > 500
    assert "✓ 达标" in browser.find_element(By.ID, "targets").text
    assert_embedded_font_loads(browser)
    browser.save_screenshot(str(shots / "report.png"))

    frame = browser.find_element(By.CSS_SELECTOR, "#webmap iframe")
    browser.execute_script("arguments[0].scrollIntoView()", frame)
    browser.switch_to.frame(frame)
    try:
        wait_ready(browser)
        assert_embedded_font_loads(browser)  # the report's copy, shared with the frame
        pid, text = hover_parcel(browser, demo_plan)
        assert pid in text
    finally:
        browser.switch_to.default_content()
    browser.save_screenshot(str(shots / "report-webmap.png"))

    assert_no_console_errors(browser)
    assert_stayed_in_the_file(browser, url)


def test_a_long_proof_line_wraps_inside_the_legend(browser, tmp_path):
    """A plan proven within its gap names the proof in the legend's subtitle, a piece longer
    than the panel: at a window 1,150 px wide (and 900) it wraps, nothing runs out of the
    panel behind a scroll bar."""
    from landopt.maps.layers import plan_subtitle
    from landopt.webmap import write_webmap

    plan = solve(load_scenario(DEMO).with_solver(gap=0.2))
    assert plan.result.status == "within_gap"
    proof = plan_subtitle(plan, "zh").split(" · ")[-1]
    assert proof.startswith("已证明与最优解相差不超过")
    write_webmap(plan, tmp_path / "plan.html")
    try:
        for width in (1150, 900):
            browser.set_window_size(width, 900)
            open_page(browser, tmp_path / "plan.html")
            wait_ready(browser)
            legend = browser.find_element(By.ID, "lo-legend")
            assert proof in legend.text.replace("\n", "")
            inner, outer = browser.execute_script(
                "var e = document.getElementById('lo-legend');"
                "return [e.scrollWidth, e.clientWidth];"
            )
            assert inner <= outer, (width, inner, outer)
    finally:
        browser.set_window_size(1400, 1000)
