"""summary.xlsx: sheets, headers in the plan's language, numbers as numbers, plot numbers."""

from __future__ import annotations

import json

import geopandas as gpd
import openpyxl
import pytest
import shapely
from toy import toy_parcels, toy_scenario

from landopt import excel
from landopt.plan import plot_numbers, solve, write_plan


def _layer(**columns) -> gpd.GeoDataFrame:
    p = toy_parcels()
    for name, values in columns.items():
        p[name] = values
    boxes = [shapely.box(i * 100, 0, i * 100 + 90, 90) for i in range(len(p))]
    return gpd.GeoDataFrame(p, geometry=boxes, crs=4527)


TOWNS = ["甲镇", "甲镇", "乙镇", None, "乙镇", "甲镇"]
PARKS = ["A园", None, "A园", None, "B园", None]


@pytest.fixture(scope="module")
def zh_plan():
    return solve(toy_scenario(lang="zh"), _layer(township=TOWNS, park=PARKS, name=["=1+1"] * 6))


@pytest.fixture(scope="module")
def zh_book(zh_plan, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "summary.xlsx"
    excel.write_workbook(zh_plan, path)
    return openpyxl.load_workbook(path)


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def test_zh_sheets_and_headers(zh_book):
    assert zh_book.sheetnames == ["方案汇总", "入选地块", "分镇街", "分园区", "校核", "运行记录"]
    head = _rows(zh_book["方案汇总"])[0]
    assert head[:2] == ("措施代码", "措施")
    assert "面积目标下限（亩）" in head and "投入（万元）" in head and head[-1] == "是否达标"
    assert _rows(zh_book["入选地块"])[0][:3] == ("图上编号", "措施代码", "措施")
    assert _rows(zh_book["校核"])[0] == ("校核项", "结果", "说明")


def test_numeric_targets_are_numbers_and_met_in_words(zh_book):
    rows = _rows(zh_book["方案汇总"])
    head, body = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    up = body["upgrade"]
    assert up["宗数目标下限"] == 2 and up["宗数目标上限"] == 2
    assert up["面积目标下限（亩）"] == 80 and isinstance(up["面积目标下限（亩）"], int | float)
    assert up["面积目标上限（亩）"] is None
    assert up["入选面积（亩）"] == pytest.approx(80.0) and up["是否达标"] == "达标"
    assert body["合计"]["投入（万元）"] == pytest.approx(165.0)
    ws = zh_book["方案汇总"]
    col = head.index("入选面积（亩）") + 1
    assert ws.cell(row=2, column=col).number_format == excel.FMT_MU
    assert ws.cell(row=1, column=1).font.bold


def test_chosen_rows_and_plot_numbers_match_the_plan(zh_plan, zh_book):
    rows = _rows(zh_book["入选地块"])
    head = rows[0]
    pid = head.index("parcel_id")
    got = {r[pid]: r[0] for r in rows[1:]}
    numbers = plot_numbers(zh_plan.scenario, zh_plan.parcels)
    chosen = zh_plan.chosen
    want = dict(zip(chosen["parcel_id"], numbers[chosen.index], strict=True))
    assert got == want and set(got) == {"P1", "P3", "P4", "P5"}
    assert [r[0] for r in rows[1:]] == [1, 2, 3, 4]  # in plot-number order
    assert "geometry" not in head and "township" in head


def test_frozen_panes_and_no_formulas(zh_book):
    for ws in zh_book:
        assert ws.freeze_panes == "B2", ws.title
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate)
    name = _rows(zh_book["入选地块"])[0].index("name")
    assert _rows(zh_book["入选地块"])[1][name] == "=1+1"  # the text, not 2


def test_per_township_and_per_park(zh_book):
    towns = {r[0]: r for r in _rows(zh_book["分镇街"])[1:]}
    assert set(towns) == {"甲镇", "乙镇", "（未注明镇街）", "合计"}
    head = _rows(zh_book["分镇街"])[0]
    k, mu = head.index("合计宗数"), head.index("合计面积（亩）")
    assert towns["乙镇"][k] == 2 and towns["乙镇"][mu] == pytest.approx(110.0)
    assert towns["合计"][k] == 4 and towns["合计"][mu] == pytest.approx(170.0)
    parks = {r[0]: r for r in _rows(zh_book["分园区"])[1:]}
    assert parks["A园"][k] == 2 and parks["（园区外）"][k] == 1


def test_checks_and_run_record(zh_plan, zh_book):
    checks = _rows(zh_book["校核"])[1:]
    assert [r[0] for r in checks] == [c.name for c in zh_plan.checks]
    assert {r[1] for r in checks} == {"通过"}
    rows = _rows(zh_book["运行记录"])
    assert rows[0] == ("项目", "run.json 键", "值")
    run = {key: value for _, key, value in rows[1:]}
    assert run["solver.status"] == "optimal" and run["targets_met"] == "是"
    assert run["solver.objective"] == pytest.approx(165.0)
    words = {key: item for item, key, _ in rows[1:]}
    assert words["solver.status"] == "求解状态" and words["versions.numpy"] == "versions.numpy"


def test_english_plan_has_english_headers_and_no_group_sheets(tmp_path):
    plan = solve(toy_scenario(), _layer())
    path = excel.write_workbook(plan, tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Chosen parcels", "Checks", "Run record"]
    head = _rows(wb["Summary"])[0]
    assert head[0] == "action code" and "area target, at least (mu)" in head
    assert _rows(wb["Summary"])[1][-1] == "met"
    # an English workbook names actions by their code where the label is Chinese
    plan = solve(toy_scenario(), _layer(township=TOWNS))
    wb = openpyxl.load_workbook(excel.write_workbook(plan, tmp_path / "t.xlsx"))
    head = _rows(wb["By township"])[0]
    assert head[:3] == ("township", "clear: plots", "clear: area (mu)")
    # lang= overrides the scenario's language
    wb = openpyxl.load_workbook(excel.write_workbook(plan, tmp_path / "z.xlsx", lang="zh"))
    assert wb.sheetnames[0] == "方案汇总"


def test_shortfall_plan_says_not_met(tmp_path):
    s = toy_scenario(**{"actions.upgrade.targets": {"count": 2, "area_min": 100}})
    plan = solve(s, _layer(), allow_shortfall=True)
    wb = openpyxl.load_workbook(excel.write_workbook(plan, tmp_path / "s.xlsx"))
    met = {r[0]: r[-1] for r in _rows(wb["Summary"])[1:]}
    assert met == {"clear": "met", "revitalize": "met", "upgrade": "NOT met", "total": "NOT met"}


def test_column_widths_count_cjk_double(zh_book):
    assert excel._width("镇街ab") == 6
    ws = zh_book["分镇街"]
    assert ws.column_dimensions["A"].width >= excel._width("（未注明镇街）")


def test_write_plan_writes_the_workbook_and_hashes_it(tmp_path, zh_plan):
    out = tmp_path / "out"
    files = write_plan(zh_plan, out)
    assert out / "summary.xlsx" in files
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert "summary.xlsx" in run["outputs"]
    assert openpyxl.load_workbook(out / "summary.xlsx").sheetnames[0] == "方案汇总"


def test_cell_values_are_plain():
    import datetime as dt

    import numpy as np
    import pandas as pd

    when = excel._value(pd.Timestamp("2026-01-01 08:00", tz="Asia/Shanghai"))
    assert when == dt.datetime(2026, 1, 1, 8, 0) and when.tzinfo is None  # the wall time
    assert [excel._value(v) for v in (np.nan, pd.NA, pd.NaT, None, float("inf"))] == [None] * 5
    three = excel._value(np.int64(3))
    assert three == 3 and type(three) is int
    assert excel._value(np.True_) is True
    assert excel._value("a\x01b") == "ab"  # a control character Excel refuses


def test_chosen_sheet_shows_the_planners_own_columns_and_values(tmp_path):
    """The columns as the planner named them (as in plan.gpkg), not landopt's field names."""
    import copy

    from test_maps import toy_layer
    from toy import TOY_SCENARIO

    from landopt.scenario import scenario_from_dict

    layer = toy_layer().assign(备注=["甲", "乙", "丙", "丁", "戊", "己"])
    layer = layer.rename(columns={"parcel_id": "地块编号", "difficulty": "难度"})
    layer.to_file(tmp_path / "地块.gpkg", engine="pyogrio")
    d = copy.deepcopy(TOY_SCENARIO)
    d["lang"] = "zh"
    d["parcels"] = {"path": "地块.gpkg", "columns": {"地块编号": "parcel_id", "难度": "difficulty"}}
    plan = solve(scenario_from_dict(d, base_dir=tmp_path))
    book = openpyxl.load_workbook(excel.write_workbook(plan, tmp_path / "s.xlsx"))
    rows = _rows(book["入选地块"])
    head = rows[0]
    assert head[:4] == ("图上编号", "措施代码", "措施", "投入（万元）")  # the plot number first
    assert {"地块编号", "难度", "备注", "面积_亩"} <= set(head)
    assert not {"parcel_id", "difficulty", "action", "action_label"} & set(head)
    assert head.count("措施") == 1 and head.count("措施代码") == 1
    body = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    numbers = plot_numbers(plan.scenario, plan.parcels)
    want = dict(zip(plan.chosen["parcel_id"], numbers[plan.chosen.index], strict=True))
    assert {r["地块编号"]: r["图上编号"] for r in body} == want
    assert {r["地块编号"]: r["备注"] for r in body}["P3"] == "丙"
