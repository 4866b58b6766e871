"""The report: self-contained HTML with scenario, targets, maps, townships, parcels, record."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import pytest
from test_maps import toy_district, toy_layer
from test_webmap import URL, assert_offline
from toy import toy_scenario

from landopt import maps, report
from landopt.plan import Plan, read_plan, solve, write_plan
from landopt.scenario import describe_rule, load_scenario

DEMO = Path(__file__).resolve().parent.parent / "data" / "scenarios" / "zhangdian-2023.toml"


def embedded_map(page: str) -> str:
    """The interactive map's page, taken out of the report's iframe."""
    m = re.search(r'<iframe [^>]*srcdoc="([^"]*)"', page)
    assert m, "no embedded interactive map"
    return html.unescape(m.group(1))


def assert_report_offline(page: str) -> None:
    inner = embedded_map(page)
    # the report without the embedded page (the srcdoc value, however it is escaped)
    outer = re.sub(r'(<iframe [^>]*srcdoc=")[^"]*"', r'\1"', page)
    assert not URL.findall(outer), URL.findall(outer)
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\s(src|href)=\"(?!data:)", outer)
    assert not re.search(r"url\((?!data:)|@import", outer)
    for rule in re.findall(r"@font-face\s*\{[^}]*\}", outer):  # landopt's CJK font, inlined
        assert re.search(r"src:\s*url\(data:font/woff2;base64,", rule), rule[:200]
    assert_offline(inner)


@pytest.fixture(scope="module")
def demo_plan() -> Plan:
    return solve(load_scenario(DEMO))


@pytest.fixture(scope="module")
def demo_dir(demo_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan") / "out"
    write_plan(demo_plan, out, extra=report.plan_outputs(demo_plan, dpi=100))
    return out


@pytest.fixture(scope="module")
def demo_report(demo_dir: Path) -> str:
    return (demo_dir / "report.html").read_text(encoding="utf-8")


def test_plan_outputs_write_three_files_in_the_plan_folder(demo_dir):
    names = sorted(p.name for p in demo_dir.iterdir())
    assert names == [
        "plan.gpkg",
        "plan.html",
        "plan.png",
        "report.html",
        "run.json",
        "summary.csv",
        "summary.xlsx",
    ]


def test_report_is_self_contained(demo_report):
    assert_report_offline(demo_report)
    assert demo_report.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in demo_report


def test_report_embeds_the_maps_written_beside_it(demo_dir, demo_report):
    png = (demo_dir / "plan.png").read_bytes()
    assert f"data:image/png;base64,{base64.b64encode(png).decode()}" in demo_report
    # all but the CJK font, which the frame takes from the report instead of a second copy
    page = (demo_dir / "plan.html").read_text(encoding="utf-8")
    assert maps.font_face_css() in page and maps.font_face_css() in demo_report
    assert embedded_map(demo_report) == page.replace(maps.font_face_css(), "")


def test_report_states_the_scenario_in_words(demo_plan, demo_report):
    sc = demo_plan.scenario
    assert html.escape(sc.title) in demo_report
    for a in sc.actions:
        assert html.escape(a.label) in demo_report
        # the rule with the planner's names, in the report's language
        rule = describe_rule(a.eligible, "zh", parcels=sc.parcels)
        assert html.escape(rule) in demo_report and " 属于 [" in rule
    assert "17 宗, ≥ 560.0 亩" in demo_report  # targets, in Chinese
    # the objective in the report's language, from its rule component
    assert "最小化 投入" in demo_report and "minimize cost" not in demo_report
    for heading in (
        "方案说明",
        "目标完成情况",
        "规划图",
        "交互地图",
        "分镇（街道）统计",
        "入选地块清单",
        "求解记录",
    ):
        assert f"<h2>{heading} " in demo_report


def test_other_rules_are_stated_in_their_components_words():
    from dataclasses import replace

    from landopt.rules.township_share import TownshipShareSpec

    sc = replace(toy_scenario(), rules=(("township_share", TownshipShareSpec(max=1.0)),))
    layer = toy_layer()
    if "township" not in layer.columns:
        layer = layer.assign(township="东")
    plan = solve(sc, layer)
    page = report.report_html(plan, district=toy_district(), interactive=False, lang="zh")
    assert "其他规则" in page and "任一乡镇（街道）的面积不超过总面积的 100%" in page


def test_targets_against_achievement(demo_plan, demo_report):
    section = re.search(r'<section id="targets".*?</section>', demo_report, re.S).group(0)
    for row in demo_plan.summary.to_dict("records"):
        assert f"{row['mu']:,.1f}" in section
        assert f"{row['cost_wan']:,.1f}" in section
    assert section.count("✓ 达标") == len(demo_plan.summary)
    assert "未达标" not in section and "全部目标达成" in demo_report


def test_township_breakdown_adds_up(demo_plan, demo_report):
    section = re.search(r'<section id="townships".*?</section>', demo_report, re.S).group(0)
    for town in demo_plan.parcels["township"].unique():
        assert f"<td>{town}</td>" in section
    total = demo_plan.summary.set_index("action").loc["total"]
    foot = re.search(r"<tfoot>.*?</tfoot>", section, re.S).group(0)
    assert f"{total['mu']:,.1f}" in foot and f">{total['plots']}<" in foot


def test_park_breakdown_adds_up_and_uses_the_township_table(demo_plan, demo_report):
    section = re.search(r'<section id="parks".*?</section>', demo_report, re.S).group(0)
    assert "分园区统计" in section and 'class="towns"' in section  # the township table's layout
    for park in demo_plan.parcels["park"].dropna().unique():
        assert f"<td>{park}</td>" in section
    assert "<td>（园区外）</td>" in section  # the parcels outside every park, one row, last
    body = section.split("<tbody>")[1].split("</tbody>")[0]
    last = re.findall(r"<tr><td>(.*?)</td>", body)[-1]
    assert last == "（园区外）"
    total = demo_plan.summary.set_index("action").loc["total"]
    foot = re.search(r"<tfoot>.*?</tfoot>", section, re.S).group(0)
    assert f"{total['mu']:,.1f}" in foot and f">{total['plots']}<" in foot


def test_no_park_section_without_a_park_column():
    layer = toy_layer()
    plan = solve(toy_scenario(), layer.drop(columns=[c for c in ["park"] if c in layer]))
    page = report.report_html(plan, district=toy_district(), interactive=False, lang="en")
    assert '<section id="townships"' in page and '<section id="parks"' not in page


def test_landopt_version_is_shown_once_in_the_run_record(demo_report):
    from landopt import __version__

    outer = re.sub(r'(<iframe [^>]*srcdoc=")[^"]*"', r"\1\"", demo_report)
    assert outer.count(__version__) == 1
    record = re.search(r'<section id="record".*?</section>', outer, re.S).group(0)
    assert f"landopt <code>{__version__}</code>" in record


def test_every_chosen_parcel_is_listed_with_its_cost(demo_plan, demo_report):
    section = re.search(r'<section id="parcels".*?</section>', demo_report, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1])
    assert len(rows) == len(demo_plan.chosen)
    for r in demo_plan.chosen.itertuples():
        assert r.parcel_id in section
        cost = getattr(r, demo_plan.scenario.action(r.action).cost)
        assert any(r.parcel_id in row and f"{cost:,.1f}" in row for row in rows)


def test_parcel_list_numbers_are_the_map_plot_numbers(demo_plan, demo_report):
    from landopt.plan import plot_numbers

    section = re.search(r'<section id="parcels".*?</section>', demo_report, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1])
    got = {
        re.search(r"<code>(.*?)</code>", row).group(1): int(
            re.match(r'<td class="num">(\d+)</td>', row).group(1)
        )
        for row in rows
    }
    nos = plot_numbers(demo_plan.scenario, demo_plan.parcels)
    want = {str(demo_plan.parcels.at[i, "parcel_id"]): int(n) for i, n in nos.items() if n > 0}
    assert got == want
    assert list(got.values()) == sorted(got.values())  # listed in number order
    assert "图斑号" in section.split("<tbody>")[0]


def test_solver_record(demo_plan, demo_report):
    section = re.search(r'<section id="record".*?</section>', demo_report, re.S).group(0)
    rec = demo_plan.record()
    # the status in the report's language (it was the code "optimal" on a Chinese page)
    assert "<dt>求解状态</dt><dd>最优</dd>" in section and "是（已证明最优）" in section
    assert "optimal" not in section.replace('class="ok"', "")
    # file names, not the machine's paths; the district's time, not UTC
    assert str(Path(__file__).resolve().parents[1]) not in section and "+00:00" not in section
    assert "复核项" in section and "变量" in section
    assert f"HiGHS {rec['solver']['solver_version']}" in section
    assert rec["input"]["sha256"] in section
    for pkg in ("python", "numpy", "geopandas", "highspy", "landopt"):
        assert f"{pkg} <code>{rec['versions'][pkg]}</code>" in section
    assert f"({len(demo_plan.checks)}/{len(demo_plan.checks)})" in section


def test_shortfall_plan_is_marked_not_met():
    sc = toy_scenario(**{"actions.upgrade.targets": {"count": 2, "area_min": 100}}, lang="en")
    plan = solve(sc, toy_layer(), allow_shortfall=True)
    page = report.report_html(plan, district=toy_district(), interactive=False)
    assert "✗ NOT met" in page and "Targets NOT all met" in page
    for s in plan.diagnosis.unmet:
        assert html.escape(s.describe()) in page
    assert "<iframe" not in page
    assert "<h2>Targets and achievement</h2>" in page


def test_redraw_from_a_plan_folder_keeps_the_original_run_record(demo_dir, tmp_path):
    run = json.loads((demo_dir / "run.json").read_text(encoding="utf-8"))
    out = report.redraw_plan(demo_dir, out_dir=tmp_path / "again", dpi=60)
    assert [p.name for p in out] == list(report.MAP_FILES)
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == sorted(report.MAP_FILES)
    page = out[2].read_text(encoding="utf-8")
    from landopt.localtime import district_zone, local_time

    plan = report.read_plan(demo_dir)
    assert local_time(run["created"], district_zone(plan.scenario), "zh") in page
    assert_report_offline(page)
    section = re.search(r'<section id="parcels".*?</section>', page, re.S).group(0)
    assert section.count("<tr><td") == len(read_plan(demo_dir).chosen)


def test_comparison_for_the_cli(demo_plan, tmp_path):
    b = solve(demo_plan.scenario.with_value("actions.clear.targets.count", 18))
    out = report.write_comparison(demo_plan, b, tmp_path / "compare.png", dpi=50)
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_report_header_shows_the_districts_local_time(demo_dir, demo_report):
    from datetime import datetime, timedelta

    run = json.loads((demo_dir / "run.json").read_text(encoding="utf-8"))
    created = datetime.fromisoformat(run["created"])
    assert created.utcoffset() == timedelta(0)  # run.json keeps UTC
    beijing = (created + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    header = re.search(r'<p class="meta">.*?</p>', demo_report, re.S).group(0)
    assert f"{beijing} 北京时间" in header and run["created"] not in header


def test_local_time_follows_the_scenario_then_landopt_tz(monkeypatch):
    from landopt.localtime import district_zone, local_time

    monkeypatch.delenv("LANDOPT_TZ", raising=False)
    assert district_zone(toy_scenario()) == "Asia/Shanghai"
    monkeypatch.setenv("LANDOPT_TZ", "Europe/Berlin")
    assert district_zone(toy_scenario()) == "Europe/Berlin"
    assert district_zone(toy_scenario(timezone="Asia/Urumqi")) == "Asia/Urumqi"
    assert local_time("2026-12-02T02:54:09+00:00", "Asia/Shanghai", "en") == "2026-12-02 10:54 Beijing time"
    assert local_time("2026-07-02T02:54:09+00:00", "Europe/Berlin", "zh") == "2026-07-02 04:54（UTC+02:00）"


def test_an_unknown_time_zone_is_a_scenario_error():
    from landopt.errors import ScenarioError

    with pytest.raises(ScenarioError, match="unknown time zone 'Asia/Nowhere'"):
        toy_scenario(timezone="Asia/Nowhere")
