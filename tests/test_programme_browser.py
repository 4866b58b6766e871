"""A programme's plan.html in headless Chromium: the year filter works, offline, without errors.

Uses the browser and helpers of tests/test_browser.py (skipped without chromium and
chromedriver). The plan is the hand-made toy programme of tests/programme_toy.py.
"""

from __future__ import annotations

import pytest
from programme_toy import programme_plan

pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from test_browser import (
    assert_no_console_errors,
    assert_stayed_in_the_file,
    browser,  # noqa: F401  (the fixture)
    open_page,
    shots,  # noqa: F401  (the fixture)
    wait_ready,
)

from landopt.webmap import write_webmap

pytestmark = pytest.mark.browser


def _state(driver) -> dict:
    return driver.execute_script(
        "var out = {};"
        "Object.keys(landopt.layers).forEach(function (k) {"
        "  var ids = []; landopt.layers[k].eachLayer(function (l) {"
        "    if (l.feature) { ids.push(l.feature.properties.id); } });"
        "  out[k] = ids.sort(); });"
        "out.counts = Array.prototype.map.call(document.querySelectorAll('.lo-row[data-layer] .lo-count'),"
        "  function (e) { return e.textContent; });"
        "return out;"
    )


def test_year_filter_shows_the_steps_of_the_year(browser, shots, tmp_path):  # noqa: F811
    page = write_webmap(programme_plan("zh"), tmp_path / "plan.html", district=False)
    url = open_page(browser, page)
    wait_ready(browser)
    assert browser.find_element("id", "lo-years").is_displayed()
    s = _state(browser)  # the whole programme
    assert s["clear"] == ["P2", "P3"] and s["revitalize"] == ["P4", "P6"]
    assert s["counts"][:3] == ["2 宗 / 80.0 亩", "3 宗 / 80.0 亩", "2 宗 / 80.0 亩"]
    browser.execute_script("landopt.setYear(2024, 'eq')")
    s = _state(browser)
    # 2024 only: P2's re-supply (drawn on its clear layer), P3 cleared, P5 started, P1 under way
    assert s["clear"] == ["P2", "P3"] and s["upgrade"] == ["P1", "P5"] and s["revitalize"] == []
    assert s["counts"][:3] == ["1 宗 / 50.0 亩", "1 宗 / 30.0 亩", "1 宗 / 60.0 亩"]
    dashed = browser.execute_script(
        "var d = null; landopt.layers.clear.eachLayer(function (l) {"
        "  if (l.feature.properties.id === 'P2') { d = l.options.dashArray; } }); return d;"
    )
    assert dashed == "5 3"
    browser.execute_script("landopt.setYear(2023, 'le')")
    s = _state(browser)
    assert s["clear"] == ["P2"] and s["revitalize"] == ["P6"] and s["upgrade"] == ["P1"]
    browser.save_screenshot(str(shots / "programme-webmap.png"))
    assert_no_console_errors(browser)
    assert_stayed_in_the_file(browser, url)
