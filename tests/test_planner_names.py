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


# --------------------------------------------------------------------------- the ledger
def _split_ledger(shp: Path, tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """The layer without its 拆除成本 and 权利限制 (now in the ledger), and the ledger table."""
    layer = pyogrio.read_dataframe(shp)
    ledger = pd.DataFrame(layer[["地块编号", "权利限制", "拆除成本"]])
    path = tmp_path / "图层.gpkg"
    pyogrio.write_dataframe(layer.drop(columns=["权利限制", "拆除成本"]), path)
    return path, ledger


def _read_with_ledger(layer: Path, ledger: Path, **kw: object) -> gpd.GeoDataFrame:
    from landopt.parcels import read_parcels

    return read_parcels(
        layer,
        columns={"地块编号": "parcel_id", "状态": "status", "拆除成本": "cost_clear_wan"},
        ledger=ledger,
        **kw,
    )


@pytest.mark.parametrize("kind", ["xlsx", "csv-gbk", "csv-utf8"])
def test_ledger_join_names_unmatched_keys_on_both_sides(planner_shapefile, tmp_path, kind):
    layer, table = _split_ledger(planner_shapefile, tmp_path)
    ids = list(table["地块编号"])
    # two parcels missing from the ledger, one ledger row for no parcel
    table = pd.concat(
        [
            table[~table["地块编号"].isin(ids[:2])],
            pd.DataFrame([{"地块编号": "X-404", "权利限制": "无", "拆除成本": 1.0}]),
        ],
        ignore_index=True,
    )
    if kind == "xlsx":
        ledger = tmp_path / "台账.xlsx"
        table.to_excel(ledger, index=False, engine="openpyxl")
    else:
        ledger = tmp_path / "台账.csv"
        enc = "gbk" if kind == "csv-gbk" else "utf-8"
        table.to_csv(ledger, index=False, encoding=enc)
        if kind == "csv-gbk":
            assert "查封".encode("gbk") in ledger.read_bytes()
    gdf = _read_with_ledger(layer, ledger)
    assert len(gdf) == 400
    warned = [p for p in gdf.attrs["landopt_problems"] if p.where == f"ledger {ledger.name}"]
    texts = " | ".join(p.what for p in warned)
    assert all(p.severity == "warning" for p in warned) and len(warned) == 2
    assert ids[0] in texts and ids[1] in texts and "X-404" in texts
    # the ledger's columns are mapped like the layer's, and kept as the planner's
    by_id = gdf.set_index("parcel_id")
    costs = table.set_index("地块编号")["拆除成本"].dropna()
    some = costs.index[3]
    assert by_id.loc[some, "cost_clear_wan"] == pytest.approx(costs[some])
    assert pd.isna(by_id.loc[ids[0], "cost_clear_wan"])
    assert set(gdf["权利限制"].dropna()) <= {"无", "抵押", "查封"}
    assert "拆除成本" in gdf.attrs["landopt_original"].columns


def test_ledger_duplicates_and_shared_columns_are_named_errors(planner_shapefile, tmp_path):
    from landopt.errors import ParcelDataError

    layer, table = _split_ledger(planner_shapefile, tmp_path)
    dup = pd.concat([table, table.iloc[[3, 7]]], ignore_index=True)
    dup["状态"] = "低效"  # a column the layer has too
    ledger = tmp_path / "台账.csv"
    dup.to_csv(ledger, index=False, encoding="utf-8-sig")
    with pytest.raises(ParcelDataError) as err:
        _read_with_ledger(layer, ledger)
    errors = [p for p in err.value.problems if p.severity == "error"]
    text = " | ".join(f"{p.field}: {p.what} ({p.fix})" for p in errors)
    assert table["地块编号"][3] in text and table["地块编号"][7] in text
    assert "状态" in text and "rename or delete" in text


def test_ledger_from_the_scenario_file(planner_shapefile, tmp_path):
    layer, table = _split_ledger(planner_shapefile, tmp_path)
    table.rename(columns={"地块编号": "宗地号"}).to_excel(
        tmp_path / "台账.xlsx", index=False, engine="openpyxl"
    )
    d = planner_scenario(layer)
    d["parcels"].update({"ledger": "台账.xlsx", "ledger_key": "宗地号"})
    sc = scenario_from_dict(d, base_dir=tmp_path)
    assert sc.parcels.ledger == tmp_path / "台账.xlsx" and sc.parcels.ledger_key == "宗地号"
    assert sc.to_dict()["parcels"]["ledger_key"] == "宗地号"
    plan = solve(sc)
    assert plan.targets_met
    write_plan(plan, tmp_path / "out")
    back = pyogrio.read_dataframe(tmp_path / "out" / "plan.gpkg", layer="plan")
    assert {"权利限制", "拆除成本"} <= set(back.columns) and "宗地号" not in back.columns


def test_a_ledger_of_unknown_format_is_one_named_error(planner_shapefile, tmp_path):
    from landopt.errors import InputError

    (tmp_path / "台账.ods").write_bytes(b"x")
    with pytest.raises(InputError, match=r"台账.ods.*\.xlsx or \.csv"):
        _read_with_ledger(planner_shapefile, tmp_path / "台账.ods")


def test_plan_edited_by_another_tool_is_still_read_and_rechecked(written, tmp_path):
    import shutil

    out = tmp_path / "edited"
    shutil.copytree(written, out)
    layer = gpd.read_file(out / "plan.gpkg", layer="plan", engine="pyogrio")
    one = layer.index[layer["措施代码"] != "none"][0]
    layer.loc[one, ["措施代码", "措施"]] = ["none", ""]
    (out / "plan.gpkg").unlink()
    layer.to_file(out / "plan.gpkg", layer="plan", driver="GPKG", engine="pyogrio")
    assert "landopt_layout" not in (
        pyogrio.read_info(out / "plan.gpkg", layer="plan")["layer_metadata"] or {}
    )
    plan = read_plan(out)
    assert plan.edited and not plan.targets_met
    assert (plan.parcels["action"] != "none").sum() == 7
    assert {"parcel_id", "status"} <= set(plan.parcels.columns)


def test_a_result_name_the_layer_uses_gets_a_suffix_and_reads_back():
    from shapely.geometry import box

    from landopt.parcels import prepare_parcels
    from landopt.parcels.layout import from_planner_layer, planner_layer

    raw = gpd.GeoDataFrame(
        {"parcel_id": [7, 8], "status": ["Idle", "低效"], "area_mu": [15.2, 14.0]},
        geometry=[box(589000, 4074000, 589100, 4074100), box(589200, 4074000, 589300, 4074100)],
        crs="EPSG:4548",
    )
    gdf = prepare_parcels(raw)
    assert list(gdf["status"]) == ["idle", "inefficient"] and "area_mu_declared" in gdf
    gdf["action"], gdf["action_label"], gdf["eligible_actions"] = "none", "", ""
    layer, layout = planner_layer(gdf.iloc[::-1], "en")
    # the planner's own values (ids as integers, Idle as spelled), the computed area apart
    assert list(layer.columns) == [
        "parcel_id",
        "status",
        "area_mu",
        "action_label",
        "action",
        "eligible_actions",
        "area_mu_landopt",
        "geometry",
    ]
    assert list(layer["parcel_id"]) == [8, 7] and list(layer["status"]) == ["低效", "Idle"]
    assert list(layer["area_mu"]) == [14.0, 15.2]
    assert layer["area_mu_landopt"].tolist() == pytest.approx([15.0, 15.0])
    back = from_planner_layer(layer, layout)
    assert list(back["parcel_id"]) == ["8", "7"] and list(back["status"]) == ["inefficient", "idle"]
    assert back["area_mu"].tolist() == pytest.approx([15.0, 15.0])
    assert list(back["area_mu_declared"]) == [14.0, 15.2]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_precheck_shows_the_rule_in_the_planners_names(planner_shapefile, lang):
    from landopt.errors import TargetsUnmetError

    d = planner_scenario(planner_shapefile)
    d["lang"] = lang
    d["actions"]["clear"]["targets"] = {"count": 4000}
    sc = scenario_from_dict(d, base_dir=planner_shapefile.parent)
    with pytest.raises(TargetsUnmetError) as e:
        solve(sc)
    text = str(e.value)
    if lang == "zh":
        assert "（状态 属于 [低效, 闲置] 且 权利限制 不属于 [查封]）" in text
    else:
        assert "(状态 in [inefficient, idle] and 权利限制 not in [查封])" in text
    assert "status in" not in text and "encumbrance" not in text


def test_a_lock_on_an_ineligible_plot_names_the_planners_field(planner_shapefile):
    from landopt.errors import LandoptError

    demo = gpd.read_file(ROOT / "data" / "parcels.geojson", engine="pyogrio").iloc[:400]
    pid = str(demo.loc[demo["status"] == "in_use", "parcel_id"].iloc[0])
    d = planner_scenario(planner_shapefile)
    d["locks"] = {"include": {pid: "clear"}}
    sc = scenario_from_dict(d, base_dir=planner_shapefile.parent)
    with pytest.raises(LandoptError) as e:
        solve(sc)
    assert "状态 属于 [低效, 闲置]" in str(e.value) and "status in" not in str(e.value)
