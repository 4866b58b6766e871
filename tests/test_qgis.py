"""plan.gpkg's QGIS style: the layer_styles table, a categorized QML by action."""

from __future__ import annotations

import sqlite3
from xml.etree import ElementTree as ET

import geopandas as gpd
import shapely
from toy import toy_parcels, toy_scenario

from landopt import qgis
from landopt.maps.style import action_colors
from landopt.plan import read_plan, solve, write_plan

COLUMNS = [
    "id",
    "f_table_catalog",
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "styleSLD",
    "useAsDefault",
    "description",
    "owner",
    "ui",
    "update_time",
]


def _plan(**changes):
    p = toy_parcels()
    boxes = [shapely.box(i * 100, 0, i * 100 + 90, 90) for i in range(len(p))]
    return solve(toy_scenario(**changes), gpd.GeoDataFrame(p, geometry=boxes, crs=4527))


def _rgba(color: str) -> str:
    c = color.lstrip("#")
    return ",".join(str(int(c[k : k + 2], 16)) for k in (0, 2, 4)) + ",255"


def test_plan_gpkg_has_a_default_qml_style_for_layer_plan(tmp_path):
    plan = _plan(lang="zh", **{"actions.clear.color": "#123456"})
    out = tmp_path / "out"
    write_plan(plan, out)
    con = sqlite3.connect(out / "plan.gpkg")
    try:
        cols = [r[1] for r in con.execute("PRAGMA table_info(layer_styles)")]
        assert cols == COLUMNS  # QGIS's own layout
        rows = con.execute(
            "SELECT f_table_name, f_geometry_column, useAsDefault, styleQML FROM layer_styles"
        ).fetchall()
        geom = con.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = 'plan'"
        ).fetchone()[0]
        kind = con.execute(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchone()
    finally:
        con.close()
    assert kind == ("attributes",)
    ((table, gcol, default, qml),) = rows
    assert (table, gcol, default) == ("plan", geom, 1)
    root = ET.fromstring(qml.split("\n", 1)[1])  # after the DOCTYPE line
    renderer = root.find("renderer-v2")
    # categorized on the action column as written: 措施代码 in a Chinese plan
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "措施代码"
    cats = {c.get("value"): c for c in renderer.iter("category")}
    assert set(cats) == {*plan.scenario.action_names, "none"}
    assert cats["upgrade"].get("label") == "转型升级 upgrade"
    symbols = {s.get("name"): s for s in renderer.find("symbols")}
    colors = action_colors(plan.scenario)
    assert colors["clear"] == "#123456"
    for name in plan.scenario.action_names:
        sym = symbols[cats[name].get("symbol")]
        opt = {o.get("name"): o.get("value") for o in sym.iter("Option") if o.get("name")}
        assert opt["color"] == _rgba(colors[name]), name
    # read_plan still reads the plan layer, and the style is in the recorded hash
    back = read_plan(out)
    assert list(back.parcels["action"]) == list(plan.parcels["action"])
    assert not back.edited and not back.notes


def test_english_labels_and_replacing_the_default(tmp_path):
    plan = _plan()
    path = tmp_path / "p.gpkg"
    plan.parcels.to_file(path, layer="plan", driver="GPKG", engine="pyogrio")
    qgis.write_layer_style(path, plan.scenario)
    qgis.write_layer_style(path, plan.scenario, lang="zh")  # again: one default remains
    con = sqlite3.connect(path)
    try:
        (qml,) = con.execute("SELECT styleQML FROM layer_styles WHERE useAsDefault").fetchone()
        n = con.execute("SELECT count(*) FROM layer_styles").fetchone()[0]
    finally:
        con.close()
    assert n == 1
    labels = {
        c.get("value"): c.get("label")
        for c in ET.fromstring(qml.split("\n", 1)[1]).iter("category")
    }
    assert labels["none"] == "未选"
    en = ET.fromstring(qgis.style_qml(plan.scenario).split("\n", 1)[1])
    assert {c.get("value"): c.get("label") for c in en.iter("category")}["none"] == "not chosen"
