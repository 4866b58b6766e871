"""Exclusion and priority zones and touching rules, on a row of 100 m squares.

H A B C D F        E        (H housing, F cleared, E far away; A–E inefficient)
"""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import box, mapping

from landopt.errors import InputError, ScenarioError, TargetsUnmetError
from landopt.parcels import prepare_parcels
from landopt.plan import solve
from landopt.prepare import effective_eligibility
from landopt.scenario import scenario_from_dict

X0, Y0 = 589_000.0, 4_074_000.0
XS = {"H": -100, "A": 0, "B": 100, "C": 200, "D": 300, "F": 400, "E": 2000}


def layer() -> gpd.GeoDataFrame:
    rows = []
    for k, x in XS.items():
        status = {"H": "in_use", "F": "cleared"}.get(k, "inefficient")
        rows.append(
            {
                "parcel_id": k,
                "status": status,
                "landuse_code": "0701" if k == "H" else "100102",
                "cost_clear_wan": 5.0 if k == "E" else 10.0,
                "geometry": box(X0 + x, Y0, X0 + x + 100, Y0 + 100),
            }
        )
    return prepare_parcels(gpd.GeoDataFrame(rows, crs="EPSG:4548"))


def scenario(tmp_path, spatial: dict, count: int = 2):
    return scenario_from_dict(
        {
            "name": "zones",
            "actions": {
                "clear": {
                    "label": "c",
                    "cost": "cost_clear_wan",
                    "eligible": {"field": "status", "in": ["inefficient"]},
                    "targets": {"count": count},
                }
            },
            "spatial": spatial,
        },
        base_dir=tmp_path,
    )


def zone_file(tmp_path, ids: list[str]) -> str:
    feats = [
        {
            "type": "Feature",
            "properties": {},
            "geometry": mapping(box(X0 + XS[i], Y0, X0 + XS[i] + 100, Y0 + 100)),
        }
        for i in ids
    ]
    gdf = gpd.GeoDataFrame.from_features(feats, crs="EPSG:4548")
    gdf.to_file(tmp_path / "zone.gpkg", engine="pyogrio")
    return "zone.gpkg"


def test_exclusion_buffer_around_housing(tmp_path):
    s = scenario(
        tmp_path,
        {
            "zones": [
                {
                    "name": "housing 50 m",
                    "kind": "exclude",
                    "around_landuse": ["0701"],
                    "buffer_m": 50,
                }
            ]
        },
    )
    elig = effective_eligibility(s, layer())["clear"]
    assert dict(zip(layer()["parcel_id"], elig, strict=True)) == {
        "H": False,
        "A": False,
        "B": True,
        "C": True,
        "D": True,
        "F": False,
        "E": True,
    }
    plan = solve(s, layer())
    assert "A" not in set(plan.chosen["parcel_id"])


def test_exclusion_never_violated_even_when_cheapest(tmp_path):
    parcels = layer()
    parcels.loc[parcels["parcel_id"] == "A", "cost_clear_wan"] = 0.0
    s = scenario(
        tmp_path,
        {"zones": [{"name": "hb", "kind": "exclude", "around_landuse": ["0701"], "buffer_m": 50}]},
    )
    plan = solve(s, parcels)
    assert "A" not in set(plan.chosen["parcel_id"]) and all(c.ok for c in plan.checks)


def test_priority_bonus_pulls_plots_into_the_zone(tmp_path):
    path = zone_file(tmp_path, ["A", "B"])
    s = scenario(
        tmp_path,
        {"zones": [{"name": "park", "kind": "priority", "path": path, "bonus_wan_per_mu": 1.0}]},
    )
    plan = solve(s, layer())
    # A and B: 10 - 15 each = -10 in total, against E + any other at 15
    assert sorted(plan.chosen["parcel_id"]) == [
        "A",
        "B",
    ] and plan.result.objective == pytest.approx(-10.0)
    assert all(c.ok for c in plan.checks)


def test_priority_minimum_share(tmp_path):
    path = zone_file(tmp_path, ["C"])
    s = scenario(
        tmp_path,
        {"zones": [{"name": "C only", "kind": "priority", "path": path, "min_share": 0.5}]},
    )
    plan = solve(s, layer())
    assert "C" in set(plan.chosen["parcel_id"])  # half the clear mu must lie in the zone
    checks = {c.name: c for c in plan.checks}
    assert checks["zone_share[C only,clear]"].ok


def test_touch_cleared_land(tmp_path):
    s = scenario(tmp_path, {"touch": {"clear": ["cleared"]}}, count=1)
    plan = solve(s, layer())
    assert list(plan.chosen["parcel_id"]) == ["D"]  # the only plot next to F
    with pytest.raises(TargetsUnmetError, match="only 1 plot is eligible"):
        solve(scenario(tmp_path, {"touch": {"clear": ["cleared"]}}, count=2), layer())


def test_park_zone_from_district_outlines(tmp_path):
    park = {
        "type": "Feature",
        "properties": {"kind": "park", "name": "东部化工区"},
        "geometry": mapping(box(X0 + 1900, Y0 - 50, X0 + 2200, Y0 + 150)),
    }
    (tmp_path / "district.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [park]}), encoding="utf-8"
    )
    gpd.read_file(tmp_path / "district.geojson").set_crs("EPSG:4548", allow_override=True).to_file(
        tmp_path / "d.gpkg", engine="pyogrio"
    )
    s = scenario(tmp_path, {"district": "d.gpkg", "touch": {"clear": ["park:东部化工区"]}}, count=1)
    plan = solve(s, layer())
    assert list(plan.chosen["parcel_id"]) == ["E"]
    bad = scenario(tmp_path, {"district": "d.gpkg", "touch": {"clear": ["park:西部"]}}, count=1)
    with pytest.raises(InputError, match=r"no park named '西部'.*东部化工区"):
        solve(bad, layer())


def test_zone_table_errors():
    with pytest.raises(ScenarioError) as e:
        scenario_from_dict(
            {
                "actions": {"clear": {"label": "c", "cost": "c", "eligible": {}}},
                "spatial": {
                    "zones": [
                        {"name": "z", "kind": "exclud", "park": "p"},
                        {"name": "y", "kind": "priority"},
                    ],
                    "touch": {"clear": ["zone:q"]},
                },
            }
        )
    text = str(e.value)
    assert "must be 'exclude' or 'priority'" in text and "did you mean 'exclude'" in text
    assert "give exactly one of path, park or around_landuse" in text
    assert "no zone named 'q'" in text


def zoned_plan(tmp_path):
    """A compact plan (weight 50) with a priority zone over A and B."""
    path = zone_file(tmp_path, ["A", "B"])
    s = scenario(
        tmp_path,
        {
            "boundary_weight": 50,
            "zones": [{"name": "z", "kind": "priority", "path": path, "bonus_wan_per_mu": 0.1}],
        },
    )
    return solve(s, layer())


def test_map_shows_zones_and_blocks(tmp_path):
    from landopt.maps import plot_plan

    ax = plot_plan(zoned_plan(tmp_path), lang="en", district=False)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "priority zone" in labels
    assert any(lbl.startswith("blocks (") for lbl in labels)


def test_web_map_shows_zones_and_blocks_above_the_parcels(tmp_path):
    from test_webmap import page_data

    from landopt.webmap import webmap_html

    data = page_data(webmap_html(zoned_plan(tmp_path), lang="en", district=False))
    by_key = {o["key"]: o for o in data["outlines"]}
    assert set(by_key) == {"priority", "blocks"}
    assert by_key["priority"]["above"] and by_key["priority"]["dash"]
    assert by_key["blocks"]["label"].startswith("blocks (") and by_key["blocks"]["features"]
    # lines in longitude/latitude around the layer (EPSG:4548 is 117°E)
    lon, lat = by_key["blocks"]["features"][0]["geometry"]["coordinates"][0]
    assert 114 < lon < 120 and 30 < lat < 40
