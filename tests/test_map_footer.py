"""The print map's foot: what a meeting needs (data, scenario, the district's date,
landopt), no version and no hash (those stay in run.json and the PNG's metadata)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest
from matplotlib.figure import Figure
from test_maps import toy_layer
from toy import toy_scenario

from landopt import __version__, maps
from landopt.localtime import district_today
from landopt.maps.sheet import map_footer, title_block_rows
from landopt.plan import Plan, solve


@pytest.fixture(scope="module")
def plan() -> Plan:
    p = solve(toy_scenario(title="合成区 2023 年计划", year=2023, lang="zh"), toy_layer())
    return Plan(
        **{**p.__dict__, "source": {**p.source, "path": "/x/台账地块.gpkg", "sha256": "ab" * 32}}
    )


def _foot(plan: Plan, lang: str) -> str:
    fig = Figure(figsize=(11.69, 8.27))
    ax = maps.plot_plan(plan, ax=fig.add_axes((0.03, 0.07, 0.62, 0.8)), lang=lang, district=False)
    return next(a for a in ax.get_children() if a.get_gid() == "source-note").get_text()


def test_the_foot_names_data_scenario_date_and_landopt_without_version_or_hash(plan):
    today = district_today(plan.scenario)
    zh, en = _foot(plan, "zh"), _foot(plan, "en")
    assert zh.startswith("数据：台账地块.gpkg · 坐标系：")
    assert f"情景：{plan.scenario.name} · 日期：{today} · 由 landopt 生成" in zh
    assert f"Scenario: {plan.scenario.name} · Date: {today} · made with landopt" in en
    for text in (zh, en):
        assert __version__ not in text and not re.search(r"landopt \d", text)
        assert "SHA" not in text and "abab" not in text


def test_the_date_is_the_districts_and_the_scenarios_map_date_wins(plan):
    late = dt.datetime(2026, 12, 1, 18, 30, tzinfo=dt.UTC)  # 02:30 on 2 December in Beijing
    assert district_today(plan.scenario, now=late) == "2026-12-02"
    berlin = replace(plan.scenario, timezone="Europe/Berlin")
    assert district_today(berlin, now=late) == "2026-12-01"
    dated = Plan(
        **{
            **plan.__dict__,
            "scenario": replace(plan.scenario, map=replace(plan.scenario.map, date="2023-12-01")),
        }
    )
    assert "日期：2023-12-01" in map_footer(dated, "zh")
    assert ("日期", "2023-12-01") in title_block_rows(dated, "zh")
    assert "Scenario" not in map_footer(plan, "en", scenario=False)


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_a_long_foot_stays_on_the_sheet_and_clear_of_the_title_block(
    plan, orientation, tmp_path, monkeypatch
):
    from matplotlib.text import Text
    from test_maps import _saved_figure

    long = Plan(
        **{
            **plan.__dict__,
            "source": {**plan.source, "path": "/x/" + "张店区低效用地台账地块图层" * 9 + ".gpkg"},
            "scenario": replace(plan.scenario, name="zhangdian-2023-" + "revised-" * 10),
        }
    )
    fig = _saved_figure(monkeypatch, long, tmp_path, orientation=orientation)
    texts = {t.get_gid(): t for t in fig.findobj(Text) if t.get_gid()}
    foot = texts["source-note"].get_window_extent()
    right = 0.975 * fig.bbox.width
    if orientation == "landscape":
        right = 0.70 * fig.bbox.width  # where the title block begins
        assert texts["title-block-1"].get_window_extent().x0 > right
    assert foot.x1 <= right + 1
    if orientation == "portrait":  # the legend under the map, below the note
        assert fig.axes[0].get_legend().get_window_extent().y1 < foot.y0
    assert "由 landopt 生成" in texts["source-note"].get_text()



def test_a_foot_that_just_fits_on_screen_stays_clear_of_the_title_block_in_print(
    tmp_path, monkeypatch
):
    """The fit is measured at the screen's dpi and the print is drawn at 300 dpi, where the
    text comes out a little wider: the projects demo's English note ("… made with
    landopt") ran 1.4 % into the title block before the fit left a margin."""
    from pathlib import Path

    from matplotlib.text import Text
    from test_maps import _saved_figure

    import landopt

    toml = Path(__file__).resolve().parents[1] / "data/scenarios/zhangdian-2023-projects.toml"
    demo = landopt.solve(landopt.load_scenario(toml))
    fig = _saved_figure(monkeypatch, demo, tmp_path, lang="en")
    fig.set_dpi(300)
    fig.canvas.draw()
    texts = {t.get_gid(): t for t in fig.findobj(Text) if t.get_gid()}
    foot = texts["source-note"].get_window_extent()
    assert "made with landopt" in texts["source-note"].get_text()
    assert foot.x1 <= 0.70 * fig.bbox.width  # where the title block's frame begins
