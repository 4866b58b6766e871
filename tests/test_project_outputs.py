"""Key-project outputs: projects.csv, the Excel sheet, the sites on the maps and the report.

The plan is made by hand: the toy plan (clear P3, revitalize P4, upgrade P1 and P5) with
two landed sites (1: P3, 2: P4) and two projects that did not land (no land; taken), on a
scenario stub that answers ``rule("projects")`` as one with a ``[projects]`` table would.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from typing import Any

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from test_maps import toy_district, toy_layer
from test_webmap import page_data
from toy import toy_scenario

from landopt import excel, maps, project_outputs, report, webmap
from landopt.plan import Plan, solve, write_plan
from landopt.scenario import Scenario


@dataclasses.dataclass(frozen=True)
class _ProjectsScenario(Scenario):
    """A scenario whose ``[projects]`` table is set (the component lives on another branch)."""

    def rule(self, key: str) -> Any:
        if key != "projects":
            return super().rule(key)
        from landopt.rules.projects import ProjectsSpec

        rows = [
            {"project_id": i, "name": n, "investment_yi": v, "mu_min": 20.0, "mu_max": 60.0, "uses": "1001"}
            for i, n, v in zip(PROJECTS["project_id"], PROJECTS["name"], PROJECTS["investment_yi"], strict=True)
        ]
        return ProjectsSpec(list=tuple(rows))


def _with_projects(sc: Scenario) -> Scenario:
    return _ProjectsScenario(**{f.name: getattr(sc, f.name) for f in dataclasses.fields(sc)})


PROJECTS = pd.DataFrame(
    {
        "site_no": pd.array([1, 2, 3, 4], dtype="Int64"),
        "project_id": ["XM01", "XM02", "XM03", "XM04"],
        "name": ["通信产业园", "5G应用基地", "新材料中试基地", "智能装备产业园"],
        "investment_yi": [12.5, 8.25, 20.0, 6.0],
        "landed": [True, True, False, False],
        "mu": [50.0, 40.0, 0.0, 0.0],
        "parcels": [1, 1, 0, 0],
        "park": ["东部化工区", "", "", ""],
        "year": pd.array([2023, 2023, None, None], dtype="Int64"),
        "source": ["freed", "stock", "", ""],
        "reason": ["", "", "no_land", "taken"],
        "reason_text": ["", "", "no compatible land", "taken"],
    }
)


def _project_plan(lang: str = "zh") -> Plan:
    sc = toy_scenario(title="合成区 2023 年计划", year=2023, lang=lang)
    plan = solve(sc, toy_layer())
    p = plan.parcels
    sites = {"P3": (1, "XM01", "通信产业园"), "P4": (2, "XM02", "5G应用基地")}
    ids = p["parcel_id"].astype(str)
    p["project"] = [sites.get(i, (None, "", ""))[1] for i in ids]
    p["project_name"] = [sites.get(i, (None, "", ""))[2] for i in ids]
    p["site_no"] = pd.array([sites.get(i, (None,))[0] for i in ids], dtype="Int64")
    plan.scenario = _with_projects(plan.scenario)
    plan.projects = PROJECTS.copy()  # type: ignore[attr-defined]
    return plan


@pytest.fixture(scope="module")
def plan() -> Plan:
    return _project_plan()


@pytest.fixture(scope="module")
def plain() -> Plan:
    return solve(toy_scenario(title="合成区 2023 年计划", year=2023, lang="zh"), toy_layer())


def test_detected_only_with_the_rule_and_the_table(plan, plain):
    assert project_outputs.has_projects(plan)
    assert not project_outputs.has_projects(plain)
    no_table = dataclasses.replace(plain, scenario=plan.scenario)
    assert not project_outputs.has_projects(no_table)


def test_projects_csv_numbers_words_and_reasons(plan, tmp_path):
    written = write_plan(plan, tmp_path / "out")
    assert tmp_path / "out" / "projects.csv" in written
    text = (tmp_path / "out" / "projects.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0])[:4] == ["用地编号", "项目编号", "项目名称", "计划投资（亿元）"]
    assert [r["用地编号"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["计划投资（亿元）"] == "12.5" and rows[1]["计划投资（亿元）"] == "8.25"
    assert rows[0]["用地面积（亩）"] == "50.0" and rows[0]["供地年度"] == "2023"
    assert rows[2]["供地年度"] == ""
    assert [r["是否落地"] for r in rows] == ["是", "是", "否", "否"]
    assert rows[0]["用地来源"] == "本规划腾出土地" and rows[1]["用地来源"] == "存量已出清土地"
    assert rows[2]["未落地原因"] == "园区内外没有用途与面积相符的可用土地"
    assert rows[3]["未落地原因"] == "相符土地已用于优先级更高的项目"
    assert rows[0]["未落地原因"] == ""
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert "projects.csv" in run["outputs"]


def test_plain_plan_writes_no_projects_file(plain, tmp_path):
    written = write_plan(plain, tmp_path / "out")
    assert [p.name for p in written] == ["plan.gpkg", "summary.csv", "summary.xlsx", "run.json"]
    assert "重点项目" not in [t.title for t in excel.sheets(plain)]


def test_excel_sheet_reads_back(plan, tmp_path):
    from openpyxl import load_workbook

    path = excel.write_workbook(plan, tmp_path / "summary.xlsx")
    wb = load_workbook(path)
    assert "重点项目" in wb.sheetnames
    ws = wb["重点项目"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("用地编号", "项目编号", "项目名称")
    assert rows[1][:6] == (1, "XM01", "通信产业园", 12.5, "是", 50.0)
    assert rows[4][0] == 4 and rows[4][-1] == "相符土地已用于优先级更高的项目"
    assert ws.cell(2, 4).number_format == "#,##0.00"
    assert sum(r[3] for r in rows[1:]) == pytest.approx(46.75)


def test_english_sheet_and_reasons():
    plan = _project_plan("en")
    titles = [t.title for t in excel.sheets(plan)]
    assert "Key projects" in titles
    headers, _, rows = project_outputs.table_rows(plan)
    assert headers[0] == "Site no." and rows[2][-1].startswith("no land")


def test_print_map_outlines_and_numbers_each_site(plan):
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    ax = maps.plot_plan(plan, district=toy_district())
    try:
        gids = [a.get_gid() for a in ax.get_children()]
        assert "project-sites" in gids
        texts = {a.get_gid(): a for a in ax.texts if a.get_gid()}
        assert texts["site-no:1"].get_text() == "1" and texts["site-no:2"].get_text() == "2"
        coll = next(a for a in ax.collections if a.get_gid() == "project-sites")
        assert len(coll.get_segments()) == 2  # one dissolved outline per site
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "重点项目用地 2 处" in legend
        # the site numbers cover no plot number
        ax.figure.canvas.draw()
        r = ax.figure.canvas.get_renderer()
        boxes = [
            (t.get_bbox_patch() or t).get_window_extent(r)
            if (t.get_gid() or "").startswith("site-no:")
            else Text.get_window_extent(t, r)
            for t in ax.texts
            if (t.get_gid() or "").startswith(("plot-no:", "site-no:"))
        ]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not a.overlaps(b)
    finally:
        plt.close(ax.figure)


def test_print_map_of_a_plain_plan_has_no_sites(plain):
    import matplotlib.pyplot as plt

    ax = maps.plot_plan(plain, district=toy_district())
    try:
        assert "project-sites" not in [a.get_gid() for a in ax.get_children()]
        assert not [t for t in ax.texts if (t.get_gid() or "").startswith("site-no:")]
    finally:
        plt.close(ax.figure)


def test_webmap_has_the_site_layer_with_popups(plan, plain):
    page = webmap.webmap_html(plan, district=toy_district())
    data = page_data(page)
    sites = next(o for o in data["outlines"] if o["key"] == "sites")
    assert sites["label"] == "重点项目用地 2 处"
    props = [f["properties"] for f in sites["features"]]
    assert [p["no"] for p in props] == [1, 2]
    assert (
        props[0]["name"] == "通信产业园" and props[0]["invest"] == 12.5 and props[0]["mu"] == 50.0
    )
    assert sites["words"]["invest"] == "计划投资（亿元）"
    assert "siteLayer" in page
    assert "sites" not in [o["key"] for o in page_data(webmap.webmap_html(plain))["outlines"]]


def test_report_has_the_section_and_the_reasons(plan, plain):
    html = report.report_html(plan, interactive=False, district=toy_district())
    assert '<section id="projects">' in html
    sec = html.split('<section id="projects">')[1].split("</section>")[0]
    assert "重点项目" in sec and "Key projects" in sec  # the English subtitle
    assert "通信产业园" in sec and "东部化工区" in sec and "12.50" in sec
    assert "马尚街道" in sec  # where: the township of the site's plot
    assert "相符土地已用于优先级更高的项目" in sec and "新材料中试基地" in sec
    assert "落地 2/4 个项目" in sec
    assert '<section id="projects">' not in report.report_html(plain, interactive=False)
