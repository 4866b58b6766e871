"""The interactive map: one self-contained HTML file, no network, parcels, legend, toggles."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box
from test_maps import toy_district, toy_layer
from toy import toy_scenario

from landopt import maps, webmap
from landopt.errors import InputError
from landopt.plan import Plan, solve
from landopt.scenario import load_scenario

DEMO = Path(__file__).resolve().parent.parent / "data" / "scenarios" / "zhangdian-2023.toml"

#: The only absolute URLs in the vendored Leaflet script: the SVG namespace, and its home
#: page (in the licence comment and the attribution prefix, which landopt replaces).
LEAFLET_URLS = {"http://www.w3.org/2000/svg", "https://leafletjs.com"}
URL = re.compile(r"(?:https?|wss?|ftp):(?://)?[^\s\"'<>)]*", re.I)


def split_leaflet(page: str) -> tuple[str, str]:
    """The page without the inlined Leaflet script, and that script."""
    js = webmap.leaflet_js()
    assert page.count(js) == 1
    return page.replace(js, ""), js


def assert_offline(page: str, allowed: set[str] = frozenset()) -> None:
    """No URL a browser could fetch: none outside Leaflet, only known ones inside it."""
    rest, js = split_leaflet(page)
    assert set(URL.findall(rest)) <= set(allowed), set(URL.findall(rest))
    assert set(URL.findall(js)) <= LEAFLET_URLS
    assert not re.search(r"url\((?!\s*data:)", rest, re.I), "a CSS url() would ask for a file"
    assert not re.search(r"<(link|iframe|img|audio|video|source)\b[^>]*\bsrc=", rest, re.I)
    assert not re.search(r"<script\b[^>]*\bsrc=", page, re.I)
    assert not re.search(r"@import", rest, re.I)
    # the one @font-face allowed is landopt's own CJK font, inlined as a data URL
    for rule in re.findall(r"@font-face\s*\{[^}]*\}", rest, re.I):
        assert re.search(r"src:\s*url\(data:font/woff2;base64,", rule), rule[:200]


def page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="landopt-data">(.*?)</script>', page, re.S)
    assert m
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def toy_plan() -> Plan:
    return solve(toy_scenario(title="合成区 2023 年计划", lang="zh"), toy_layer())


@pytest.fixture(scope="module")
def demo_plan() -> Plan:
    return solve(load_scenario(DEMO))


@pytest.fixture(scope="module")
def demo_page(demo_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return webmap.write_webmap(demo_plan, tmp_path_factory.mktemp("web") / "plan.html")


def test_demo_page_is_self_contained_and_small(demo_page):
    page = demo_page.read_text(encoding="utf-8")
    assert_offline(page)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "Leaflet 1.9.4" in page  # the licence header of the inlined library is kept
    # small but for the embedded CJK font (a Chinese page; about 1.6 MB, tests/test_fonts.py)
    assert demo_page.stat().st_size - len(maps.font_face_css().encode()) < 3_000_000


def test_every_parcel_is_on_the_page_with_useful_properties(demo_plan, demo_page):
    data = page_data(demo_page.read_text(encoding="utf-8"))
    feats = {f["properties"]["id"]: f for layer in data["layers"] for f in layer["features"]}
    assert len(feats) == len(demo_plan.parcels) == data["shown"] == data["total"]
    chosen = demo_plan.chosen
    for pid, action in zip(chosen["parcel_id"], chosen["action"], strict=True):
        p = feats[pid]["properties"]
        label = demo_plan.scenario.action(action).label
        assert p["action"] == label  # the page's language only (the legend's word)
        assert set(p) == {"id", "name", "town", "park", "status", "mu", "action", "cost"}
        assert isinstance(p["cost"], float)
    unchosen = demo_plan.parcels[
        (demo_plan.parcels["action"] == "none") & (demo_plan.parcels["eligible_actions"] != "")
    ]
    p = feats[unchosen["parcel_id"].iloc[0]]["properties"]
    assert "action" not in p and p["options"] and len(p["options"][0]) == 2


def test_coordinates_are_lon_lat_rounded_to_six_decimals(demo_page):
    data = page_data(demo_page.read_text(encoding="utf-8"))
    ring = data["layers"][0]["features"][0]["geometry"]["coordinates"][0]
    for lon, lat in ring:
        assert 117.5 < lon < 118.5 and 36.5 < lat < 37.1
        assert round(lon, 6) == lon and round(lat, 6) == lat
    (s, w), (n, e) = data["bounds"]
    assert s < n and w < e


def test_legend_layers_and_toggles(demo_plan, demo_page):
    page = demo_page.read_text(encoding="utf-8")
    data = page_data(page)
    keys = [layer["key"] for layer in data["layers"]]
    assert keys == ["clear", "revitalize", "upgrade", "candidate", "other"]
    # one language per legend: the Chinese page's legend says 出清, not "出清 clear"
    labels = [layer["label"] for layer in data["layers"]]
    assert labels[:3] == [demo_plan.scenario.action(k).label for k in keys[:3]]
    assert not any(k in label for k in keys[:3] for label in labels), labels
    summary = demo_plan.summary.set_index("action")
    for layer in data["layers"][:3]:
        row = summary.loc[layer["key"]]
        assert layer["count"] == f"{row['plots']} 宗 / {row['mu']:,.1f} 亩"
        assert layer["fill"] == demo_plan.scenario.action(layer["key"]).color
    assert [o["key"] for o in data["outlines"]] == ["park", "township", "district"]
    # the legend builds one checkbox per layer and per outline, and switches layers with them
    assert 'type="checkbox" data-layer="' in page and 'type="checkbox" data-outline="' in page
    assert "map.removeLayer(lyr)" in page and "lyr.addTo(map)" in page
    assert data["subtitle"][-1] == "全部目标达成"


def test_english_page(toy_plan):
    page = webmap.webmap_html(toy_plan, lang="en", district=toy_district())
    data = page_data(page)
    assert (
        data["layers"][0]["label"] == "clear" and data["layers"][0]["count"] == "1 plot / 50.0 mu"
    )
    assert data["words"]["area"] == "Area" and '<html lang="en">' in page


def test_tile_url_only_when_passed(toy_plan, caplog):
    url = "https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY"
    page = webmap.webmap_html(
        toy_plan, tiles=url, tiles_attribution="天地图", tiles_options={"subdomains": "01234567"}
    )
    assert_offline(page, allowed={url.replace("&", "\\u0026")})  # as it stands in the JSON
    tiles = page_data(page)["tiles"]
    assert tiles["url"] == url and tiles["options"]["subdomains"] == "01234567"
    assert page_data(webmap.webmap_html(toy_plan))["tiles"] is None
    with pytest.raises(InputError, match=r"\{z\}"):
        webmap.webmap_html(toy_plan, tiles="https://example.org/tiles.png")
    with caplog.at_level(logging.WARNING, logger="landopt.webmap"):
        webmap.webmap_html(toy_plan, tiles="https://webrd01.is.autonavi.com/{z}/{x}/{y}")
    assert any("GCJ-02" in r.getMessage() for r in caplog.records)


def test_names_cannot_break_out_of_the_page():
    layer = toy_layer()
    layer.loc[0, "name"] = '</script><script>alert("x")</script><!--'
    plan = solve(toy_scenario(), layer)
    page = webmap.webmap_html(plan, district=False)
    assert page.count("</script>") == 3  # data, Leaflet, landopt: nothing else closes a script
    data = page_data(page)
    names = [f["properties"]["name"] for lyr in data["layers"] for f in lyr["features"]]
    assert layer.loc[0, "name"] in names


def test_past_max_features_other_parcels_are_left_out_and_the_map_says_so(toy_plan, caplog):
    with caplog.at_level(logging.WARNING, logger="landopt.webmap"):
        data = page_data(webmap.webmap_html(toy_plan, max_features=5, lang="en"))
    by_key = {layer["key"]: layer for layer in data["layers"]}
    assert by_key["other"]["features"] == [] and by_key["candidate"]["features"]
    assert by_key["other"]["count"] == "1 plot"  # the legend still counts them
    assert data["shown"] == 5 and data["total"] == 6
    assert any("never candidates" in n for n in data["notes"])
    assert any("simplified" in n.lower() for n in data["notes"])
    assert caplog.records
    data = page_data(webmap.webmap_html(toy_plan, max_features=3, lang="en"))
    by_key = {layer["key"]: layer for layer in data["layers"]}
    assert by_key["candidate"]["features"] == []
    assert sum(len(by_key[k]["features"]) for k in ("clear", "revitalize", "upgrade")) == 4


def test_outlines_default_to_district_geojson_beside_the_parcels(tmp_path, toy_plan):
    from dataclasses import replace

    from landopt.scenario import ParcelSource

    toy_district().to_crs(4326).to_file(tmp_path / "district.geojson", driver="GeoJSON")
    sc = replace(toy_plan.scenario, parcels=ParcelSource(path=tmp_path / "parcels.gpkg"))
    plan = Plan(
        **{**toy_plan.__dict__, "scenario": sc, "source": {"path": str(tmp_path / "parcels.gpkg")}}
    )
    data = page_data(webmap.webmap_html(plan))
    assert [o["key"] for o in data["outlines"]] == ["park", "township", "district"]
    names = [f["properties"]["name"] for o in data["outlines"] for f in o["features"]]
    assert "马尚街道" in names
    # a plan of another, in-memory layer does not borrow the scenario's outlines: it gets
    # the township and park outlines of its own columns (no district line)
    other = Plan(**{**toy_plan.__dict__, "scenario": sc, "source": {"path": None}})
    own = page_data(webmap.webmap_html(other))["outlines"]
    assert [o["key"] for o in own] == ["park", "township"]
    assert "合成区" not in [f["properties"]["name"] for o in own for f in o["features"]]


def test_township_labels_do_not_sit_on_chosen_plots(toy_plan):
    from shapely.geometry import Point

    # a township centred on the cleared plot P3: its middle is the plot
    p3 = toy_plan.parcels.set_index("parcel_id").geometry["P3"]
    c = p3.centroid
    town = gpd.GeoDataFrame(
        {"kind": ["township"], "name": ["中心街道"]},
        geometry=[box(c.x - 300, c.y - 300, c.x + 300, c.y + 300)],
        crs=toy_plan.parcels.crs,
    )
    data = page_data(webmap.webmap_html(toy_plan, district=town))
    (feat,) = [f for o in data["outlines"] if o["key"] == "township" for f in o["features"]]
    lat, lon = feat["properties"]["at"]
    chosen = toy_plan.chosen.to_crs(4326).geometry
    assert not chosen.contains(Point(lon, lat)).any()
    assert town.to_crs(4326).geometry[0].contains(Point(lon, lat))


def test_chosen_plots_are_ringed_only_up_to_ring_max_as_on_the_printed_map(toy_plan, monkeypatch):
    """At 100,000 parcels the 1,033 chosen plots' rings covered the parks when zoomed out."""
    n = int((toy_plan.parcels["action"].astype(str) != "none").sum())
    assert n > 1
    assert webmap.build_webmap_data(toy_plan, lang="en").rings is True
    monkeypatch.setattr(webmap, "RING_MAX", n - 1)
    assert webmap.build_webmap_data(toy_plan, lang="en").rings is False
    assert page_data(webmap.webmap_html(toy_plan))["rings"] is False
