"""The planner's own column names and values round-trip through plan.gpkg (issue 13).

A GBK Shapefile with Chinese columns and values, built from the demo layer, is planned;
plan.gpkg must carry the planner's columns and values as they came in (names, values,
order) plus the result columns in Chinese, join back to the input on 地块编号 one to one,
and read back (read_plan) into landopt's fields with every check passing.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from landopt.plan import read_plan, solve, write_plan
from landopt.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]

#: demo field → the planner's column
PLANNER = {
    "parcel_id": "地块编号",
    "name": "名称",
    "township": "乡镇街道",
    "status": "状态",
    "area_mu": "面积",
    "encumbrance": "权利限制",
    "cost_clear_wan": "拆除成本",
}
STATUS_ZH = {
    "inefficient": "低效",
    "idle": "闲置",
    "upgrade_candidate": "转型升级",
    "cleared": "已出清",
    "in_use": "在用",
}
ENCUMBRANCE_ZH = {"none": "无", "mortgaged": "抵押", "seized": "查封"}


@pytest.fixture(scope="module")
def planner_shapefile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """400 demo parcels as a bureau would hold them: GBK, Chinese names and values, 4490."""
    demo = gpd.read_file(ROOT / "data" / "parcels.geojson", engine="pyogrio").iloc[:400]
    raw = demo[[*PLANNER, "geometry"]].rename(columns=PLANNER)
    raw["状态"] = raw["状态"].map(STATUS_ZH)
    raw["权利限制"] = raw["权利限制"].map(ENCUMBRANCE_ZH)
    raw = raw.to_crs("EPSG:4490")
    path = tmp_path_factory.mktemp("bureau") / "地块.shp"
    pyogrio.write_dataframe(raw, path, encoding="GBK")
    assert "低效".encode("gbk") in path.with_suffix(".dbf").read_bytes()
    return path


def planner_scenario(shp: Path, **parcels: object) -> dict:
    return {
        "name": "bureau",
        "lang": "zh",
        "parcels": {
            "path": shp.name,
            "columns": {
                "地块编号": "parcel_id",
                "名称": "name",
                "乡镇街道": "township",
                "状态": "status",
                "面积": "area_mu",
                "权利限制": "encumbrance",
                "拆除成本": "cost_clear_wan",
            },
            **parcels,
        },
        "actions": {
            "clear": {
                "label": "出清",
                "cost": "拆除成本",
                "eligible": {
                    "all": [
                        {"field": "状态", "in": ["低效", "闲置"]},
                        {"field": "权利限制", "not_in": ["查封"]},
                    ]
                },
                "targets": {"count": 8, "area_min": 100},
            }
        },
    }


@pytest.fixture(scope="module")
def written(planner_shapefile: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    sc = scenario_from_dict(planner_scenario(planner_shapefile), base_dir=planner_shapefile.parent)
    plan = solve(sc)
    assert plan.targets_met
    out = tmp_path_factory.mktemp("plan") / "out"
    write_plan(plan, out)
    return out


def test_plan_gpkg_keeps_the_planners_columns_values_and_order(planner_shapefile, written):
    given = pyogrio.read_dataframe(planner_shapefile)
    back = pyogrio.read_dataframe(written / "plan.gpkg", layer="plan")
    attrs = [c for c in given.columns if c != "geometry"]
    results = ["措施", "措施代码", "可选措施", "面积_亩"]
    assert list(back.columns) == [*attrs, *results, "geometry"]
    # original values, not landopt's (低效 stays 低效, the id stays the planner's)
    assert set(back["状态"]) == set(given["状态"]) and "inefficient" not in set(back["状态"])
    joined = given.drop(columns="geometry").merge(
        back[["地块编号", *results]], on="地块编号", how="outer", validate="one_to_one"
    )
    assert len(joined) == len(given) == len(back)
    merged = given.drop(columns="geometry").merge(back, on="地块编号", suffixes=("", "_plan"))
    for c in attrs:
        if c != "地块编号":
            pd.testing.assert_series_equal(
                merged[c], merged[f"{c}_plan"], check_names=False, check_dtype=False
            )
    chosen = back[back["措施代码"] != "none"]
    assert len(chosen) == 8 and set(chosen["措施"]) == {"出清"}
    assert set(chosen["状态"]) <= {"低效", "闲置"} and "查封" not in set(chosen["权利限制"])


def test_read_plan_of_the_planners_layout_passes_its_checks(written):
    plan = read_plan(written)
    assert not plan.failed_checks and plan.targets_met and not plan.edited
    p = plan.parcels
    assert {"parcel_id", "status", "action", "action_label", "area_mu"} <= set(p.columns)
    assert set(p["status"]) <= {"inefficient", "idle", "upgrade_candidate", "cleared", "in_use"}
    assert (p["action"] != "none").sum() == 8
    # the declared area is kept apart from the computed one
    assert "area_mu_declared" in p.columns


def test_read_then_write_keeps_the_planners_layout(written, tmp_path):
    plan = read_plan(written)
    write_plan(plan, tmp_path / "again")
    first = pyogrio.read_dataframe(written / "plan.gpkg", layer="plan")
    again = pyogrio.read_dataframe(tmp_path / "again" / "plan.gpkg", layer="plan")
    assert list(again.columns) == list(first.columns)
    pd.testing.assert_frame_equal(
        pd.DataFrame(again.drop(columns="geometry")), pd.DataFrame(first.drop(columns="geometry"))
    )


def test_english_plan_keeps_the_current_result_names(planner_shapefile, tmp_path):
    d = planner_scenario(planner_shapefile)
    d["lang"] = "en"
    plan = solve(scenario_from_dict(d, base_dir=planner_shapefile.parent))
    write_plan(plan, tmp_path / "out")
    back = pyogrio.read_dataframe(tmp_path / "out" / "plan.gpkg", layer="plan")
    assert list(back.columns)[-5:] == [
        "action_label",
        "action",
        "eligible_actions",
        "area_mu",
        "geometry",
    ]
    assert "地块编号" in back.columns and "parcel_id" not in back.columns


def test_rules_are_described_with_the_planners_names_and_values(planner_shapefile):
    from landopt.rules import component
    from landopt.scenario import describe_rule

    d = planner_scenario(planner_shapefile)
    sc = scenario_from_dict(d, base_dir=planner_shapefile.parent)
    rule = sc.actions[0].eligible
    # landopt reads the rule in its own fields, and shows it in the planner's
    assert rule.describe() == "status in [inefficient, idle] and encumbrance not in [查封]"
    zh = describe_rule(rule, "zh", parcels=sc.parcels)
    assert zh == "状态 属于 [低效, 闲置] 且 权利限制 不属于 [查封]"
    en = describe_rule(rule, "en", parcels=sc.parcels)
    assert en == "状态 in [inefficient, idle] and 权利限制 not in [查封]"
    lines = component("eligibility").describe(sc, "zh")
    assert lines == ["出清适用于：状态 属于 [低效, 闲置] 且 权利限制 不属于 [查封]"]


def test_status_values_give_the_planners_spelling(planner_shapefile):
    from landopt.scenario import describe_rule

    d = planner_scenario(planner_shapefile)
    d["parcels"]["status_values"] = {"待处置": "idle"}
    d["actions"]["clear"]["eligible"] = {
        "any": [
            {"not": {"field": "状态", "in": ["待处置"]}},
            {"field": "面积", "ge": 10},
            {"field": "名称", "is_null": True},
        ]
    }
    sc = scenario_from_dict(d, base_dir=planner_shapefile.parent)
    text = describe_rule(sc.actions[0].eligible, "zh", parcels=sc.parcels)
    assert text == "非（状态 属于 [待处置]） 或 面积 ≥ 10 或 名称 为空"
    assert describe_rule(sc.actions[0].eligible, "en", names={}, values={}) == (
        "not (status in [idle]) or area_mu ≥ 10 or name is empty"
    )
