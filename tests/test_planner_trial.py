"""Issue 13's acceptance trial, end to end through the CLI, as a bureau would run it.

A GBK Shapefile in EPSG:4490 with Chinese column names and values (built from the demo
layer), a Chinese scenario mapping them with ``[parcels] columns`` / ``status_values``; then
``validate``, ``plan``, ``plan`` with a target nobody can meet, ``sweep`` and ``compare``.
Every command speaks Chinese; plan.gpkg joins back to the input by 地块编号 with the
planner's columns and values intact; summary.xlsx and report.html use the planner's names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from landopt.cli import main

ROOT = Path(__file__).resolve().parents[1]

#: demo field → the planner's column (Shapefile names: at most 10 GBK bytes)
PLANNER = {
    "parcel_id": "地块编号",
    "name": "企业名称",
    "township": "乡镇街道",
    "status": "状态",
    "area_mu": "面积",
    "encumbrance": "权利限制",
    "cost_clear_wan": "拆除成本",
    "cost_upgrade_wan": "改造成本",
}
STATUS_ZH = {
    "inefficient": "低效",
    "idle": "闲置",
    "upgrade_candidate": "待升级",
    "cleared": "已收储",
    "in_use": "在用",
}
ENCUMBRANCE_ZH = {"none": "无", "mortgaged": "抵押", "seized": "查封"}

#: English words of landopt's own that must not reach a Chinese planner's terminal
ENGLISH = re.compile(
    r"\b(optimal|proven|plots?|parcels?|targets?|objective|infeasible|wrote|status|"
    r"scenario|changes?|points?|cost|total|met|unmet)\b",
    re.IGNORECASE,
)


def _toml(d: dict) -> str:
    """Enough TOML for this scenario (nested tables, inline tables, arrays)."""

    def val(v: object) -> str:
        if isinstance(v, dict):
            return (
                "{ "
                + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {val(x)}" for k, x in v.items())
                + " }"
            )
        if isinstance(v, list):
            return "[ " + ", ".join(val(x) for x in v) + " ]"
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, bool):
            return "true" if v else "false"
        return repr(v)

    lines = []
    tables = {}
    for k, v in d.items():
        if isinstance(v, dict) and k != "actions":
            tables[k] = v
        elif k != "actions":
            lines.append(f"{k} = {val(v)}")
    for k, v in tables.items():
        lines.append(f"\n[{k}]")
        lines += [f"{json.dumps(kk, ensure_ascii=False)} = {val(vv)}" for kk, vv in v.items()]
    for name, action in d["actions"].items():
        lines.append(f"\n[actions.{name}]")
        lines += [f"{kk} = {val(vv)}" for kk, vv in action.items()]
    return "\n".join(lines) + "\n"


def scenario(clear_count: int = 6, **extra: object) -> dict:
    d = {
        "name": "张店试算",
        "title": "张店区低效用地试算",
        "lang": "zh",
        "parcels": {
            "path": "地块.shp",
            "encoding": "GBK",
            "columns": {v: k for k, v in PLANNER.items()},
            "status_values": {v: k for k, v in STATUS_ZH.items()},
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
                "targets": {"count": clear_count, "area_min": 80},
            },
            "upgrade": {
                "label": "转型升级",
                "cost": "改造成本",
                "eligible": {
                    "all": [
                        {"field": "状态", "in": ["低效", "待升级"]},
                        {"not": {"field": "改造成本", "is_null": True}},
                    ]
                },
                "targets": {"count": 3, "area_min": 50},
            },
        },
    }
    d.update(extra)
    return d


@pytest.fixture(scope="module")
def bureau(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 demo parcels as a bureau holds them (GBK, 4490) and its scenario files."""
    demo = gpd.read_file(ROOT / "data" / "parcels.geojson", engine="pyogrio").iloc[:600]
    raw = demo[[*PLANNER, "geometry"]].rename(columns=PLANNER)
    raw["状态"] = raw["状态"].map(STATUS_ZH)
    raw["权利限制"] = raw["权利限制"].map(ENCUMBRANCE_ZH)
    raw = raw.to_crs("EPSG:4490")
    here = tmp_path_factory.mktemp("bureau")
    pyogrio.write_dataframe(raw, here / "地块.shp", encoding="GBK")
    assert "低效".encode("gbk") in (here / "地块.dbf").read_bytes()
    (here / "方案.toml").write_text(_toml(scenario()), encoding="utf-8")
    (here / "方案乙.toml").write_text(_toml(scenario(clear_count=8)), encoding="utf-8")
    (here / "做不到.toml").write_text(_toml(scenario(clear_count=500)), encoding="utf-8")
    return here


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    cap = capsys.readouterr()
    return code, cap.out + cap.err


def _no_english(text: str, bureau: Path) -> None:
    """No English status words in what landopt printed (paths and file names aside)."""
    for line in text.splitlines():
        line = line.replace(str(bureau), "")
        line = re.sub(r"[\w./-]+\.(csv|png|gpkg|xlsx|html|json|qgs|qml|toml|shp)\b", "", line)
        assert not ENGLISH.search(line), f"English in: {line!r}"


@pytest.fixture(scope="module")
def planned(bureau: Path) -> Path:
    out = bureau / "方案成果"
    # the maps only for report.html, small and without the district outline
    argv = [
        "plan",
        str(bureau / "方案.toml"),
        "--out",
        str(out),
        "--dpi",
        "40",
        "--district",
        "none",
    ]
    assert main(argv) == 0
    return out


def test_validate_speaks_chinese(bureau, capsys):
    code, text = _run(
        capsys,
        "validate",
        str(bureau / "地块.shp"),
        "--encoding",
        "GBK",
        *[a for k, v in PLANNER.items() for a in ("--map", f"{v}={k}")],
        "--status-map",
        "待升级=upgrade_candidate",
        "--status-map",
        "已收储=cleared",
        "--lang",
        "zh",
    )
    assert code == 0, text
    assert "600" in text and "地块" in text
    _no_english(text, bureau)


def test_plan_speaks_chinese_and_keeps_the_planners_layer(bureau, planned, capsys):
    code, text = _run(
        capsys, "plan", str(bureau / "方案.toml"), "--out", str(bureau / "again"), "--no-maps"
    )
    assert code == 0, text
    assert "已证明最优" in text and "出清" in text and "转型升级" in text and "合计" in text
    _no_english(text, bureau)

    given = pyogrio.read_dataframe(bureau / "地块.shp", encoding="GBK")
    back = pyogrio.read_dataframe(planned / "plan.gpkg", layer="plan")
    attrs = [c for c in given.columns if c != "geometry"]
    assert list(back.columns)[: len(attrs)] == attrs
    merged = given.drop(columns="geometry").merge(
        back, on="地块编号", how="outer", suffixes=("", "_plan"), validate="one_to_one"
    )
    assert len(merged) == len(given) == len(back) == 600
    for c in attrs:
        if c != "地块编号":
            pd.testing.assert_series_equal(
                merged[c], merged[f"{c}_plan"], check_names=False, check_dtype=False
            )
    chosen = back[back["措施代码"] != "none"]
    assert set(chosen["措施"]) == {"出清", "转型升级"} and len(chosen) == 9
    assert set(chosen["状态"]) <= {"低效", "闲置", "待升级"}


def test_summary_xlsx_has_chinese_headers_and_numeric_targets(planned):
    import openpyxl

    wb = openpyxl.load_workbook(planned / "summary.xlsx")
    assert wb.sheetnames[0] == "方案汇总"
    rows = list(wb["方案汇总"].iter_rows(values_only=True))
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["措施代码"] == "clear" and first["是否达标"] == "达标"
    assert first["宗数目标下限"] == 6 and isinstance(first["面积目标下限（亩）"], int | float)
    assert first["面积目标下限（亩）"] == 80


def test_summary_xlsx_lists_the_plots_under_the_planners_names(planned):
    import openpyxl

    wb = openpyxl.load_workbook(planned / "summary.xlsx")
    header = [c.value for c in next(wb["入选地块"].iter_rows(max_row=1))]
    assert "状态" in header and "地块编号" in header and "parcel_id" not in header


def test_report_html_uses_the_planners_field_names(planned):
    html = (planned / "report.html").read_text(encoding="utf-8")
    assert "状态" in html and "权利限制" in html and "低效" in html


def test_impossible_target_exits_3_with_a_chinese_diagnosis(bureau, capsys):
    out = bureau / "做不到成果"
    code, text = _run(capsys, "plan", str(bureau / "做不到.toml"), "--out", str(out), "--no-maps")
    assert code == 3, text
    assert "出清" in text and "500" in text and "目标" in text
    assert "状态 属于 [低效, 闲置]" in text  # the rule in the planner's names and values
    assert not out.exists()
    _no_english(text, bureau)


def test_sweep_over_a_target_speaks_chinese(bureau, capsys):
    out = bureau / "扫描"
    code, text = _run(
        capsys,
        "sweep",
        str(bureau / "方案.toml"),
        "--vary",
        "actions.clear.targets.count=5:7:1",
        "--out",
        str(out),
        "--jobs",
        "1",
    )
    assert code == 0, text
    assert "目标函数" in text or "状态" in text
    assert len(pd.read_csv(out / "sweep.csv")) == 3
    _no_english(text.replace("actions.clear.targets.count", ""), bureau)


def test_compare_two_plans_speaks_chinese(bureau, planned, capsys):
    other = bureau / "方案乙成果"
    assert main(["plan", str(bureau / "方案乙.toml"), "--out", str(other), "--no-maps"]) == 0
    capsys.readouterr()
    code, text = _run(
        capsys, "compare", str(planned), str(other), "--out", str(bureau / "比较"), "--no-maps"
    )
    assert code == 0, text
    assert "出清" in text and "宗" in text
    _no_english(text, bureau)
    # the changes table: the planner's id column, the actions by their labels
    changes = text[text.index("处置方式不同") :]
    assert "地块编号" in changes and "不处置" in changes and "出清" in changes
    assert not re.search(r"parcel_id|\b(none|clear|upgrade)\b", changes)


def test_calibrate_speaks_chinese(bureau, capsys):
    out = bureau / "校准"
    code, text = _run(
        capsys,
        "calibrate",
        str(bureau / "方案.toml"),
        "--weights",
        "0,100",
        "--out",
        str(out),
        "--jobs",
        "1",
    )
    assert code == 0, text
    assert "权重" in text and "片数" in text
    _no_english(text, bureau)
