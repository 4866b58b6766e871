"""Tests of landopt.parcels: readers, mapping, area, validation, summaries."""

from __future__ import annotations

import importlib.util
import logging
import math
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from conftest import ORIGIN, build_parcels, square
from geopandas.testing import assert_geodataframe_equal
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import CRS

from landopt._fields import (
    CORE_FIELDS,
    COST_FIELDS,
    DECLARED_AREA_FIELD,
    INPUT_CRS_ATTR,
    NUMERIC_FIELDS,
    PROBLEMS_ATTR,
    SOURCE_ATTR,
    SQM_PER_MU,
)
from landopt.errors import InputError, ParcelDataError, Problem
from landopt.i18n import MESSAGES
from landopt.parcels import (
    area_crs_for,
    compute_area_mu,
    prepare_parcels,
    read_parcels,
    summarize_parcels,
    validate_parcels,
)

HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None
DEMO = Path(__file__).resolve().parents[1] / "data" / "parcels.geojson"


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def warnings_(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "warning"]


def only(problems: list[Problem], field: str, severity: str = "error") -> Problem:
    found = [p for p in problems if p.field == field and p.severity == severity]
    assert len(found) == 1, problems
    return found[0]


def raise_problems(gdf: gpd.GeoDataFrame, **kwargs: object) -> list[Problem]:
    with pytest.raises(ParcelDataError) as info:
        prepare_parcels(gdf, **kwargs)
    return info.value.problems


# ----------------------------------------------------------------------------------------
# Readers
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["parcels.geojson", "parcels.gpkg", "parcels.fgb", "parcels.shp"])
def test_read_each_ogr_format(toy_layer, write_layer, name):
    path = write_layer(toy_layer, name)
    # FlatGeobuf stores features in the order of its spatial index
    gdf = read_parcels(path).sort_values("parcel_id", ignore_index=True)
    assert list(gdf["parcel_id"]) == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert gdf["area_mu"].to_numpy() == pytest.approx([15, 30, 60, 15, 15, 15])
    assert gdf.crs.equals(CRS("EPSG:4548"))
    assert gdf["township"].tolist()[:2] == ["湖田", "湖田"]
    assert gdf.attrs[SOURCE_ATTR] == str(path)
    assert gdf["cost_clear_wan"].tolist()[0] == 675.0  # Shapefile: 'cost_clear' restored


def test_shapefile_truncated_names_are_restored_with_a_warning(toy_layer, write_layer):
    gdf = read_parcels(write_layer(toy_layer, "cut.shp"))
    (p,) = gdf.attrs[PROBLEMS_ATTR]
    assert "cost_clear -> cost_clear_wan" in p.what and p.severity == "warning"
    # 'benefit_tax_after_wan_per_mu' and 'benefit_tax_gain_wan' both start 'benefit_ta':
    # ambiguous, so left alone for the user to map.
    assert "benefit_ta" in gdf.columns and "benefit_tax_after_wan_per_mu" not in gdf.columns


def test_read_geojson_in_lonlat_is_reprojected(make_parcels, write_layer):
    path = write_layer(make_parcels([{"mu": 15}, {"mu": 60}], crs="EPSG:4326"), "ll.geojson")
    gdf = read_parcels(path)
    assert gdf.crs.to_epsg() == 4548
    assert gdf["area_mu"].to_numpy() == pytest.approx([15, 60], rel=1e-6)
    assert gdf.attrs[INPUT_CRS_ATTR].startswith("EPSG:4326")


@pytest.mark.skipif(not HAS_PYARROW, reason="GeoParquet needs pyarrow")
def test_read_geoparquet(toy_layer, write_layer):
    gdf = read_parcels(write_layer(toy_layer, "parcels.parquet"))
    assert gdf["area_mu"].sum() == pytest.approx(150)
    assert gdf["parcel_id"].tolist()[0] == "P1"


def test_geoparquet_without_pyarrow_names_the_package(tmp_path, monkeypatch):
    path = tmp_path / "parcels.parquet"
    path.write_bytes(b"PAR1 not really")
    monkeypatch.setitem(__import__("sys").modules, "pyarrow", None)
    with pytest.raises(InputError, match="pyarrow") as info:
        read_parcels(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_gpkg_with_several_layers_needs_a_layer(toy_layer, write_layer):
    path = write_layer(toy_layer, "multi.gpkg", layer="parcels_2023")
    write_layer(toy_layer.iloc[:2], "multi.gpkg", layer="parcels_2024", append=False)
    assert len(pyogrio.list_layers(path)) == 2
    with pytest.raises(InputError) as info:
        read_parcels(path)
    message = str(info.value)
    assert "parcels_2023" in message and "parcels_2024" in message
    assert "--layer" in message and str(path) in message
    assert len(read_parcels(path, layer="parcels_2024")) == 2
    with pytest.raises(InputError, match="did you mean 'parcels_2024'"):
        read_parcels(path, layer="parcels_2042")


def test_gpkg_spatial_layer_chosen_beside_attribute_table(toy_layer, write_layer):
    path = write_layer(toy_layer, "mixed.gpkg", layer="parcels")
    table = pd.DataFrame({"code": ["100102"], "label": ["二类工业用地"]})
    pyogrio.write_dataframe(table, path, layer="landuse_codes")
    assert len(read_parcels(path)) == 6


@pytest.fixture
def gbk_shapefile(tmp_path: Path) -> Path:
    """A shapefile whose attribute table is in GBK, with Chinese column names and values."""
    raw = build_parcels(
        [
            {"地块编号": "A-1", "状态": "低效", "乡镇": "湖田", "名称": "湖田石矿", "mu": 15},
            {"地块编号": "A-2", "状态": "闲置", "乡镇": "马尚", "名称": "马尚化工厂", "mu": 60},
            {"地块编号": "A-3", "状态": "转型升级", "乡镇": "四宝山", "名称": "陶瓷厂", "mu": 30},
        ]
    ).drop(columns=["parcel_id", "status"])
    path = tmp_path / "gbk.shp"
    pyogrio.write_dataframe(raw, path, encoding="GBK")
    assert path.with_suffix(".cpg").read_text().strip().upper() == "GBK"
    # the attribute table really holds GBK bytes
    assert "湖田石矿".encode("gbk") in path.with_suffix(".dbf").read_bytes()
    return path


GBK_COLUMNS = {"地块编号": "parcel_id", "状态": "status", "乡镇": "township", "名称": "name"}


def test_gbk_shapefile_read_through_its_cpg(gbk_shapefile):
    gdf = read_parcels(gbk_shapefile, columns=GBK_COLUMNS)
    assert gdf["name"].tolist() == ["湖田石矿", "马尚化工厂", "陶瓷厂"]
    assert gdf["township"].tolist() == ["湖田", "马尚", "四宝山"]
    assert gdf["status"].tolist() == ["inefficient", "idle", "upgrade_candidate"]
    assert gdf.attrs[PROBLEMS_ATTR] == ()


def test_gbk_shapefile_without_cpg_and_explicit_encoding(gbk_shapefile):
    gbk_shapefile.with_suffix(".cpg").unlink()
    gdf = read_parcels(gbk_shapefile, encoding="GB18030", columns=GBK_COLUMNS)
    assert gdf["name"].tolist() == ["湖田石矿", "马尚化工厂", "陶瓷厂"]
    assert gdf.attrs[PROBLEMS_ATTR] == ()


def test_gbk_shapefile_without_cpg_is_guessed_with_a_warning(gbk_shapefile):
    gbk_shapefile.with_suffix(".cpg").unlink()
    gdf = read_parcels(gbk_shapefile, columns=GBK_COLUMNS)
    assert gdf["name"].tolist() == ["湖田石矿", "马尚化工厂", "陶瓷厂"]
    (warning,) = gdf.attrs[PROBLEMS_ATTR]
    assert "GB18030" in warning.what and ".cpg" in warning.fix and "--encoding" in warning.fix


def test_unknown_encoding_is_refused(gbk_shapefile):
    with pytest.raises(InputError, match="unknown encoding 'gbk2'"):
        read_parcels(gbk_shapefile, encoding="gbk2")


def test_zipped_shapefile(toy_layer, write_layer, tmp_path):
    shp = write_layer(toy_layer, "zipped.shp")
    archive = tmp_path / "parcels.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.parent.glob("zipped.*"):
            zf.write(part, part.name)
    assert len(read_parcels(archive)) == 6


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp", ".fgb"])
def test_corrupt_file_is_one_line_naming_the_file(tmp_path, suffix):
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(b"\x00\x01garbage that is not a GIS file\xff" * 20)
    with pytest.raises(InputError) as info:
        read_parcels(path)
    message = str(info.value)
    assert str(path) in message
    assert "\n" not in message
    assert not isinstance(info.value, ParcelDataError)


def test_missing_file_and_unknown_suffix(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_parcels(tmp_path / "nope.gpkg")
    csv = tmp_path / "parcels.csv"
    csv.write_text("a,b\n")
    with pytest.raises(InputError, match=r"unknown format '\.csv'.*\.gpkg"):
        read_parcels(csv)


# ----------------------------------------------------------------------------------------
# Column and status mapping
# ----------------------------------------------------------------------------------------


def test_chinese_columns_and_statuses_are_mapped(make_parcels):
    raw = make_parcels(
        [
            {"地块编号": 1, "状态": "低效用地", "面积": 15.0, "mu": 15},
            {"地块编号": 2, "状态": " 闲置 ", "面积": 60.0, "mu": 60},
            {"地块编号": 3, "状态": "待盘活", "面积": 15.0, "mu": 15},
            {"地块编号": 4, "状态": "In Use", "面积": 15.0, "mu": 15},
            {"地块编号": 5, "状态": "UPGRADE-CANDIDATE", "面积": 15.0, "mu": 15},
        ]
    ).drop(columns=["parcel_id", "status"])
    gdf = prepare_parcels(
        raw,
        columns={"地块编号": "parcel_id", "状态": "status", "面积": "area_mu"},
        status_values={"待盘活": "idle"},
    )
    assert gdf["parcel_id"].tolist() == ["1", "2", "3", "4", "5"]
    assert gdf["status"].tolist() == ["inefficient", "idle", "idle", "in_use", "upgrade_candidate"]
    assert gdf[DECLARED_AREA_FIELD].tolist() == [15.0, 60.0, 15.0, 15.0, 15.0]
    assert "地块编号" not in gdf.columns


def test_mapping_key_not_in_layer_suggests_nearest(make_parcels):
    raw = make_parcels([{"地块编号_2023": "A"}]).drop(columns="parcel_id")
    problems = raise_problems(raw, columns={"地块编号": "parcel_id"})
    p = next(p for p in problems if p.where == "column mapping")
    assert "'地块编号' is not in the layer" in p.what
    assert "地块编号_2023" in p.fix


def test_status_map_to_unknown_status_is_an_error(make_parcels):
    problems = validate_parcels(
        make_parcels([{"status": "待处置"}]), status_values={"待处置": "gone"}
    )
    assert any(p.where == "status mapping" and "gone" in p.what for p in errors(problems))


def test_two_columns_mapped_to_one_field(make_parcels):
    raw = make_parcels([{"编号": "A", "代码": "B"}])
    problems = validate_parcels(raw, columns={"编号": "name", "代码": "name"})
    assert any(p.field == "name" and "map only one" in p.fix for p in errors(problems))


@pytest.mark.parametrize(
    ("row", "columns", "what"),
    [
        ({"编号": "A", "代码": "B"}, {"编号": "parcel_id", "代码": "parcel_id"}, "all mapped"),
        ({"s1": "idle", "s2": "idle"}, {"s1": "status", "s2": "status"}, "all mapped"),
        ({"a": 1.0, "b": 2.0}, {"a": "far", "b": "far"}, "all mapped"),
        ({"编号": "A"}, {"编号": "parcel_id"}, "already has a 'parcel_id'"),
        ({"状态": "idle"}, {"状态": "status"}, "already has a 'status'"),
        ({"容积率": 1.2, "far": 1.0}, {"容积率": "far"}, "already has a 'far'"),
    ],
)
def test_mapping_onto_a_checked_field_twice_is_reported_not_a_crash(
    make_parcels, row, columns, what
):
    # Two columns left with one name made the id/status/number checks fail with
    # AttributeError ('DataFrame' object has no attribute 'str') instead of listing problems.
    problems = errors(raise_problems(make_parcels([row]), columns=columns))
    assert {p.where for p in problems} == {"column mapping"}
    assert any(what in p.what for p in problems)


# ----------------------------------------------------------------------------------------
# Area and CRS
# ----------------------------------------------------------------------------------------


def test_hundred_metre_square_is_fifteen_mu(make_parcels):
    gdf = prepare_parcels(make_parcels([{"side_m": 100}, {"side_m": 200}, {"mu": 1500}]))
    assert gdf["area_mu"].tolist() == pytest.approx([15.0, 60.0, 1500.0], rel=1e-12)
    assert SQM_PER_MU == pytest.approx(666.6666667)


def test_same_square_in_lonlat_gives_fifteen_mu(make_parcels):
    # A square drawn in EPSG:4548 and reprojected to lon/lat is 15 mu within 0.01 %.
    lonlat = make_parcels([{"side_m": 100}], crs="EPSG:4326")
    assert compute_area_mu(lonlat).iloc[0] == pytest.approx(15.0, rel=1e-4)
    assert prepare_parcels(lonlat)["area_mu"].iloc[0] == pytest.approx(15.0, rel=1e-4)


def test_lonlat_square_near_zhangdian_by_hand():
    # 118.05°E 36.8°N: 1 second of latitude ≈ 30.84 m, of longitude ≈ 30.84 * cos(36.8°) m.
    dlat = 100 / 111_000  # about 100 m
    dlon = 100 / (111_320 * math.cos(math.radians(36.8)))
    lonlat = gpd.GeoSeries([shapely.box(118.05, 36.8, 118.05 + dlon, 36.8 + dlat)], crs="EPSG:4490")
    assert area_crs_for(lonlat).to_epsg() == 4548
    assert compute_area_mu(lonlat).iloc[0] == pytest.approx(15.0, rel=0.01)


def test_projected_input_is_used_as_is(make_parcels):
    x, y = ORIGIN
    raw = make_parcels([{"geometry": square(39_000_000 + x, y, 100)}], crs="EPSG:4527")
    gdf = prepare_parcels(raw)
    assert gdf.crs.to_epsg() == 4527
    assert gdf["area_mu"].iloc[0] == pytest.approx(15.0)
    assert area_crs_for(make_parcels([{}], crs="EPSG:32650")).to_epsg() == 32650


def test_utm_zone_elsewhere():
    # a 0.001° square near 10°E, 50°N (Germany): UTM 32N
    gs = gpd.GeoSeries([shapely.box(10.0, 50.0, 10.001, 50.001)], crs="EPSG:4326")
    assert area_crs_for(gs).to_epsg() == 32632
    raw = gpd.GeoDataFrame({"parcel_id": ["D1"], "status": ["idle"]}, geometry=gs.values, crs=4326)
    gdf = prepare_parcels(raw)
    assert gdf.crs.to_epsg() == 32632
    expected_m2 = (0.001 * 111_229) * (0.001 * 71_696)  # metres per degree at 50°N
    assert gdf["area_mu"].iloc[0] == pytest.approx(expected_m2 / SQM_PER_MU, rel=0.01)


def test_user_named_working_crs(make_parcels):
    gdf = prepare_parcels(make_parcels([{"side_m": 100}]), crs="EPSG:32650")
    assert gdf.crs.to_epsg() == 32650
    assert gdf["area_mu"].iloc[0] == pytest.approx(15.0, rel=2e-3)  # UTM scale 0.9996


@pytest.mark.parametrize("bad", ["EPSG:4326", "EPSG:3857", "not a crs"])
def test_user_named_crs_must_be_projected_metres(make_parcels, bad):
    problems = validate_parcels(make_parcels([{}]), crs=bad)
    p = only(problems, "crs")
    assert "EPSG:4548" in p.fix
    with pytest.raises(InputError):
        area_crs_for(make_parcels([{}]), crs=bad)


@settings(max_examples=40, deadline=None)
@given(
    w=st.floats(min_value=5, max_value=2000),
    h=st.floats(min_value=5, max_value=2000),
    dx=st.floats(min_value=-50_000, max_value=50_000),
)
def test_rectangle_area_in_mu(w, h, dx):
    x, y = ORIGIN[0] + dx, ORIGIN[1]
    gs = gpd.GeoSeries([shapely.box(x, y, x + w, y + h)], crs="EPSG:4548")
    assert compute_area_mu(gs).iloc[0] == pytest.approx(w * h / SQM_PER_MU, rel=1e-9)


def test_declared_area_mismatch_is_a_warning_naming_both_values(make_parcels):
    raw = make_parcels(
        [
            {"parcel_id": "ok", "area_mu": 15.1, "side_m": 100},  # +0.7 %: within 1 %
            {"parcel_id": "off", "area_mu": 18.0, "side_m": 100},  # +20 %
            {"parcel_id": "blank", "area_mu": None, "side_m": 100},
        ]
    )
    gdf = prepare_parcels(raw)
    (p,) = gdf.attrs[PROBLEMS_ATTR]
    assert (p.where, p.field, p.severity) == ("parcel off", "area_mu", "warning")
    assert "18.00" in p.what and "15.00" in p.what and "+20.0 %" in p.what
    assert p.fix
    assert gdf["area_mu"].tolist() == pytest.approx([15, 15, 15])  # computed is used
    assert gdf[DECLARED_AREA_FIELD].iloc[:2].tolist() == [15.1, 18.0]  # declared is kept
    assert np.isnan(gdf[DECLARED_AREA_FIELD].iloc[2])
    assert len(warnings_(validate_parcels(raw, area_tolerance=0.5))) == 0


def test_declared_area_in_square_metres_gets_a_hint(make_parcels):
    raw = make_parcels([{"area_mu": 10_000.0}, {"area_mu": 40_000.0, "side_m": 200}])
    problems = warnings_(validate_parcels(raw))
    assert len(problems) == 2
    assert all("m²" in p.fix for p in problems)


def test_layer_without_crs_is_refused_with_a_fix(make_parcels):
    problems = raise_problems(make_parcels([{}], crs=None))
    p = only(problems, "crs")
    assert "no CRS" in p.what
    assert "set_crs" in p.fix and "ogr2ogr -a_srs" in p.fix
    with pytest.raises(InputError, match="set_crs"):
        area_crs_for(make_parcels([{}], crs=None))


@pytest.mark.parametrize("crs", ["EPSG:3857", "EPSG:900913", "ESRI:102100", "ESRI:102113"])
def test_web_mercator_is_refused(make_parcels, crs):
    problems = raise_problems(make_parcels([{}], crs=crs))
    p = only(problems, "crs")
    assert "Web Mercator" in p.what
    assert "EPSG:4548" in p.fix and "EPSG:4490" in p.fix


def test_projected_coordinates_labelled_as_degrees(make_parcels, write_layer, tmp_path):
    # A GeoJSON without a "crs" member is read as WGS 84, whatever its coordinates.
    raw = make_parcels([{}], crs=None)
    path = tmp_path / "nocrs.geojson"
    path.write_text(raw.to_json(), encoding="utf-8")
    with pytest.raises(ParcelDataError) as info:
        read_parcels(path)
    p = only(info.value.problems, "crs")
    assert "metres" in p.what and "EPSG:4548" in p.fix


def test_coordinates_outside_the_crs_area_warn(make_parcels):
    x, y = ORIGIN
    raw = make_parcels([{"geometry": square(39_000_000 + x, y, 100)}], crs="EPSG:4548")
    p = only(validate_parcels(raw), "crs", "warning")
    assert "EPSG:4527" in p.what


# ----------------------------------------------------------------------------------------
# Validation: one case each
# ----------------------------------------------------------------------------------------


def test_missing_required_fields_list_columns_and_suggest(make_parcels):
    raw = make_parcels([{"地块编号": "A", "现状": "低效"}]).drop(columns=["parcel_id", "status"])
    problems = raise_problems(raw)
    pid = only(problems, "parcel_id")
    assert pid.where == "file"
    assert "地块编号" in pid.what and "现状" in pid.what  # the columns that exist
    assert "--map 地块编号=parcel_id" in pid.fix
    status = only(problems, "status")
    assert "--map 现状=status" in status.fix


def test_missing_field_suggests_a_close_spelling(make_parcels):
    raw = make_parcels([{"parcelid": "A"}]).drop(columns="parcel_id")
    assert "'parcelid'" in only(validate_parcels(raw), "parcel_id").fix


def test_empty_ids_are_named_by_row(make_parcels):
    raw = make_parcels([{"parcel_id": "A"}, {"parcel_id": None}, {"parcel_id": "  "}])
    problems = [p for p in raise_problems(raw) if p.field == "parcel_id"]
    assert [p.where for p in problems] == ["row 2", "row 3"]
    assert all("empty" in p.what and "unique" in p.fix for p in problems)


def test_duplicate_ids_name_all_rows(make_parcels):
    raw = make_parcels(
        [{"parcel_id": "A"}, {"parcel_id": "B"}, {"parcel_id": "A"}, {"parcel_id": "A"}]
    )
    p = only(raise_problems(raw), "parcel_id")
    assert p.where == "parcel A"
    assert "rows 1, 3, 4" in p.what
    assert "unique" in p.fix


def test_missing_and_empty_geometries(make_parcels):
    raw = make_parcels(
        [
            {"parcel_id": "A", "geometry": None},
            {"parcel_id": "B", "geometry": shapely.Polygon()},
            {},
        ]
    )
    problems = [p for p in raise_problems(raw) if p.field == "geometry"]
    assert [(p.where, p.what) for p in problems] == [
        ("parcel A", "no geometry"),
        ("parcel B", "empty geometry"),
    ]
    assert all(p.fix for p in problems)


BOWTIE = shapely.Polygon(
    [(589_000, 4_074_000), (589_100, 4_074_100), (589_100, 4_074_000), (589_000, 4_074_100)]
)


def test_invalid_geometry_is_an_error_suggesting_repair(make_parcels):
    p = only(raise_problems(make_parcels([{"parcel_id": "bow", "geometry": BOWTIE}])), "geometry")
    assert p.where == "parcel bow"
    assert "Self-intersection" in p.what
    assert "--repair" in p.fix


def test_repair_fixes_and_reports_what_changed(make_parcels):
    raw = make_parcels([{"parcel_id": "bow", "geometry": BOWTIE}])
    gdf = prepare_parcels(raw, repair=True)
    assert gdf.geometry.iloc[0].is_valid
    assert gdf["area_mu"].iloc[0] == pytest.approx(7.5)  # two triangles, half the square
    (p,) = gdf.attrs[PROBLEMS_ATTR]
    assert (p.where, p.field, p.severity) == ("parcel bow", "geometry", "warning")
    assert "Self-intersection" in p.what
    assert "0.00 mu before" in p.what and "7.50 mu after" in p.what


def test_non_polygons_are_errors(make_parcels):
    x, y = ORIGIN
    raw = make_parcels(
        [
            {"parcel_id": "pt", "geometry": shapely.Point(x, y)},
            {"parcel_id": "ln", "geometry": shapely.LineString([(x, y), (x + 10, y)])},
            {"parcel_id": "ok"},
        ]
    )
    problems = [p for p in raise_problems(raw, repair=True) if p.field == "geometry"]
    assert [(p.where, p.what) for p in problems] == [
        ("parcel pt", "a Point, not a polygon"),
        ("parcel ln", "a LineString, not a polygon"),
    ]
    assert all("polygon" in p.fix for p in problems)


def test_geometry_collection_keeps_polygonal_parts_after_repair(make_parcels):
    x, y = ORIGIN
    gc = shapely.GeometryCollection([square(x, y, 100), shapely.LineString([(x, y), (x - 50, y)])])
    raw = make_parcels([{"parcel_id": "gc", "geometry": gc}])
    p = only(raise_problems(raw), "geometry")
    assert "GeometryCollection" in p.what and "--repair" in p.fix
    gdf = prepare_parcels(raw, repair=True)
    assert gdf.geometry.iloc[0].geom_type == "Polygon"
    assert gdf["area_mu"].iloc[0] == pytest.approx(15.0)
    assert "lines dropped" in gdf.attrs[PROBLEMS_ATTR][0].what


def test_unknown_status_lists_allowed_values_and_aliases(make_parcels):
    p = only(raise_problems(make_parcels([{"parcel_id": "Q", "status": "荒废"}])), "status")
    assert p.where == "parcel Q"
    assert "'荒废'" in p.what
    for text in (
        "inefficient",
        "upgrade_candidate",
        "in_use",
        "低效",
        "闲置",
        "转型升级",
        "--status-map",
    ):
        assert text in p.fix


def test_missing_status(make_parcels):
    p = only(raise_problems(make_parcels([{"parcel_id": "Q", "status": None}])), "status")
    assert (p.where, p.what) == ("parcel Q", "missing status")


def test_problem_texts_come_from_the_message_catalog(make_parcels, monkeypatch):
    import landopt.parcels._messages as messages

    monkeypatch.setattr(messages, "LANG", "zh")
    raw = make_parcels([{"parcel_id": "Q", "status": "荒废", "cost_clear_wan": -5}])
    problems = raise_problems(raw)
    status, cost = only(problems, "status"), only(problems, "cost_clear_wan")
    assert status.what == "未知状态 '荒废'"
    assert "status_values={'荒废': 'idle'}" in status.fix
    assert (cost.what, cost.fix) == (
        "负值 -5",
        "请填写不小于 0 的值，单位为万元（整宗地块）；未知可留空",
    )
    for field in NUMERIC_FIELDS:  # every numeric field names its unit in both languages
        assert f"errors.parcels.unit.{'cost' if field in COST_FIELDS else field}" in MESSAGES


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12万", "not a number"), (-5, "negative value -5"), (float("inf"), "infinite")],
)
def test_bad_cost_values(make_parcels, value, expected):
    raw = make_parcels([{"parcel_id": "C", "cost_clear_wan": value}, {"cost_clear_wan": 10.0}])
    p = only(raise_problems(raw), "cost_clear_wan")
    assert p.where == "parcel C"
    assert expected in p.what
    assert "万元" in p.fix


def test_bad_other_numeric_field(make_parcels):
    raw = make_parcels([{"parcel_id": "F", "far": "about 1"}, {"far": 0.5}])
    p = only(raise_problems(raw), "far")
    assert p.where == "parcel F" and "not a number" in p.what and "plain number" in p.fix


def test_missing_costs_are_allowed_and_become_nan(make_parcels):
    raw = make_parcels(
        [{"cost_clear_wan": None}, {"cost_clear_wan": ""}, {"cost_clear_wan": "675.5"}]
    )
    gdf = prepare_parcels(raw)
    assert gdf["cost_clear_wan"].dtype == np.float64
    assert np.isnan(gdf["cost_clear_wan"].iloc[:2]).all()
    assert gdf["cost_clear_wan"].iloc[2] == 675.5


def test_overlap_warning_lists_pairs_with_mu(make_parcels):
    x, y = ORIGIN
    raw = make_parcels(
        [
            {"parcel_id": "A", "geometry": square(x, y, 100)},
            {"parcel_id": "B", "geometry": square(x + 50, y, 100)},  # half of A: 7.5 mu
            {"parcel_id": "C", "geometry": square(x + 150, y, 100)},  # touches B only
            {"parcel_id": "D", "geometry": square(x + 249.5, y, 100)},  # 0.5 % of C: ignored
            {"parcel_id": "E", "geometry": square(x + 10, y + 10, 20)},  # inside A (and B)
        ]
    )
    gdf = prepare_parcels(raw)
    pairs = {p.where: p for p in gdf.attrs[PROBLEMS_ATTR]}
    assert set(pairs) == {"parcel A and parcel B", "parcel A and parcel E"}
    ab = pairs["parcel A and parcel B"]
    assert ab.field == "geometry" and ab.severity == "warning"
    assert "7.50 mu" in ab.what and "50.0 %" in ab.what
    assert "100.0 %" in pairs["parcel A and parcel E"].what
    assert ab.fix


def test_every_error_is_listed_in_one_exception(make_parcels):
    raw = make_parcels(
        [
            {"parcel_id": "A", "status": "bogus"},
            {"parcel_id": "A", "cost_upgrade_wan": -1},
            {"parcel_id": "C", "geometry": None},
            {"parcel_id": "D", "area_mu": 99.0},
        ]
    )
    with pytest.raises(ParcelDataError) as info:
        prepare_parcels(raw, source="district.gpkg")
    err = info.value
    assert err.exit_code == 2
    assert {p.field for p in errors(err.problems)} == {
        "status",
        "parcel_id",
        "cost_upgrade_wan",
        "geometry",
    }
    assert warnings_(err.problems)  # the declared-area warning is kept too
    message = str(err)
    assert message.startswith("district.gpkg: 4 problems")
    assert "bogus" in message and "rows 1, 2" in message


def test_empty_layer_is_an_error(make_parcels):
    raw = make_parcels([{}]).iloc[:0]
    assert any("no parcels" in p.what for p in raise_problems(raw))


# ----------------------------------------------------------------------------------------
# The canonical layer
# ----------------------------------------------------------------------------------------


def test_canonical_output(make_parcels):
    raw = make_parcels(
        [{"parcel_id": 7, "extra": "x", "status": "idle"}, {"parcel_id": 8, "status": "低效"}],
        fill_core=True,
    )
    raw.index = pd.Index([10, 20])
    gdf = prepare_parcels(raw)
    assert isinstance(gdf.index, pd.RangeIndex)
    assert gdf["parcel_id"].tolist() == ["7", "8"]
    assert pd.api.types.is_string_dtype(gdf["parcel_id"])
    assert gdf["status"].tolist() == ["idle", "inefficient"]
    assert list(gdf.columns) == [*CORE_FIELDS, "extra", "geometry"]
    for field in ("far", "cost_clear_wan", "difficulty", "area_mu"):
        assert gdf[field].dtype == np.float64
    assert gdf.geometry.name == "geometry"
    assert isinstance(gdf.attrs[PROBLEMS_ATTR], tuple)


def test_float_ids_become_integer_strings(make_parcels):
    gdf = prepare_parcels(make_parcels([{"parcel_id": 1.0}, {"parcel_id": 2.0}]))
    assert gdf["parcel_id"].tolist() == ["1", "2"]


def test_validate_is_pure_and_prepare_is_idempotent(toy_layer):
    before = toy_layer.copy()
    assert validate_parcels(toy_layer) == []
    assert_geodataframe_equal(toy_layer, before)
    once = prepare_parcels(toy_layer)
    twice = prepare_parcels(once)
    assert_geodataframe_equal(once, twice)
    assert DECLARED_AREA_FIELD not in twice


def test_geometry_column_with_another_name(make_parcels):
    raw = make_parcels([{}]).rename_geometry("geom")
    assert prepare_parcels(raw).geometry.name == "geometry"


def test_warnings_are_logged(make_parcels, caplog):
    raw = make_parcels([{"parcel_id": "W", "area_mu": 30.0}])
    with caplog.at_level(logging.WARNING, logger="landopt.parcels"):
        prepare_parcels(raw, source="w.gpkg")
    assert any(
        "parcel W" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records
    )


def test_warnings_are_logged_on_the_package_logger(make_parcels):
    # `landopt validate` silences them with a filter on the "landopt.parcels" logger; a
    # logger's filters do not see records logged on its children (landopt.parcels.read, ...).
    seen: list[logging.LogRecord] = []

    class Catch(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            seen.append(record)
            return False

    catch = Catch()
    package = logging.getLogger("landopt.parcels")
    package.addFilter(catch)
    try:
        prepare_parcels(make_parcels([{"parcel_id": "W", "area_mu": 30.0}]), source="w.gpkg")
    finally:
        package.removeFilter(catch)
    assert any("parcel W" in r.getMessage() and r.levelno == logging.WARNING for r in seen)


def test_attrs_are_shared_not_deep_copied(make_parcels):
    raw = make_parcels([{"area_mu": 1.0} for _ in range(50)])
    gdf = prepare_parcels(raw)
    assert len(gdf.attrs[PROBLEMS_ATTR]) == 50
    assert gdf[gdf["area_mu"] > 0].attrs[PROBLEMS_ATTR] is gdf.attrs[PROBLEMS_ATTR]


# ----------------------------------------------------------------------------------------
# Summary
# ----------------------------------------------------------------------------------------


def test_summary_by_status_and_township(toy_parcels):
    s = summarize_parcels(toy_parcels)
    assert s["parcels"] == 6
    assert s["area_mu"] == pytest.approx(150)
    by_status = s["by_status"]
    assert list(by_status.index) == [
        "inefficient",
        "idle",
        "upgrade_candidate",
        "cleared",
        "in_use",
    ]
    assert by_status.loc["inefficient"].tolist() == pytest.approx([2, 45])
    assert s["by_township"].loc["马尚"].tolist() == pytest.approx([2, 75])
    cross = s["by_status_township"]
    assert cross.loc["马尚", "idle"] == pytest.approx(60)
    assert cross.loc["湖田", "idle"] == 0
    assert cross.to_numpy().sum() == pytest.approx(150)


def test_summary_without_township(make_parcels):
    s = summarize_parcels(prepare_parcels(make_parcels([{}, {"status": "idle"}])))
    assert s["by_township"] is None and s["by_status_township"] is None
    assert s["by_status"]["parcels"].sum() == 2


# ----------------------------------------------------------------------------------------
# Real data: the demo district
# ----------------------------------------------------------------------------------------


@pytest.mark.skipif(not DEMO.exists(), reason="data/parcels.geojson is not there")
def test_demo_district_is_clean():
    gdf = read_parcels(DEMO)
    assert len(gdf) > 1000
    assert gdf.crs.to_epsg() == 4548
    assert gdf.attrs[PROBLEMS_ATTR] == ()
    assert gdf["parcel_id"].is_unique
    assert set(gdf["status"]) <= {"inefficient", "idle", "upgrade_candidate", "cleared", "in_use"}
    # the declared areas agree with the geometry (the generator computed them in EPSG:4548)
    declared = gdf[DECLARED_AREA_FIELD]
    assert np.allclose(declared, gdf["area_mu"], rtol=0.01)


def test_absurd_cost_is_an_error_naming_the_parcel(make_parcels):
    raw = make_parcels([{"parcel_id": "A", "cost_clear_wan": 1e300}, {"parcel_id": "B"}])
    p = only(raise_problems(raw), "cost_clear_wan")
    assert p.where == "parcel A" and "1e+300" in p.what and "units" in p.fix


def test_swapped_longitude_latitude_is_named_as_such(make_parcels):
    import shapely as shp

    raw = make_parcels([{"parcel_id": "A"}, {"parcel_id": "B"}], crs="EPSG:4490")
    raw = raw.set_geometry(shp.transform(raw.geometry.values, lambda xy: xy[:, ::-1]))
    p = only(raise_problems(raw), "crs")
    assert "look swapped" in p.what and "metres of a projected CRS" not in p.what
    assert "swap the axes" in p.fix


def test_over_long_text_is_named_by_row_and_field(make_parcels, write_layer):
    raw = make_parcels([{"parcel_id": "A", "name": "x" * 200_000}, {"parcel_id": "B"}])
    p = only(raise_problems(raw), "name")
    assert p.where == "parcel A" and "200,000 characters" in p.what
    long_json = make_parcels([{"parcel_id": "A", "name": "x" * 20_000_000}, {"parcel_id": "B"}])
    path = write_layer(long_json, "long.geojson")
    with pytest.raises(InputError, match=r"long\.geojson.*far too long"):
        read_parcels(path)


@pytest.mark.parametrize("crs", ["EPSG:4548", "EPSG:4527"])
def test_northing_first_coordinates_get_the_swap_advice(make_parcels, crs):
    import shapely as shp

    raw = make_parcels([{"parcel_id": "A"}, {"parcel_id": "B"}], crs=crs)
    raw = raw.set_geometry(shp.transform(raw.geometry.values, lambda xy: xy[:, ::-1]), crs=crs)
    p = only(validate_parcels(raw), "crs", "warning")
    assert "with x and y swapped" in p.what and "x = easting" in p.fix


@pytest.fixture(scope="module")
def m2_layer():
    """3,000 parcels of 15 mu whose declared area_mu column holds square metres."""
    rows = [{"parcel_id": f"Q{i}", "mu": 15, "area_mu": 15 * 10000 / 15} for i in range(3000)]
    return build_parcels(rows, per_row=60)


def test_a_column_of_areas_in_m2_is_one_warning_line(m2_layer, caplog):
    from landopt.parcels import prepare_parcels

    with caplog.at_level(logging.WARNING, logger="landopt.parcels"):
        gdf = prepare_parcels(m2_layer, source="m2")
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(lines) == 1, lines[:3]
    line = lines[0]
    assert line.startswith("m2: 3,000 parcels, field 'area_mu': declared area ")
    assert "(at parcel Q0; also Q1, Q2, Q3 and 2,996 more)" in line
    assert "look like m², not mu" in line
    # the problems stay complete, one per parcel
    problems = gdf.attrs[PROBLEMS_ATTR]
    assert len(problems) == 3000 and {p.where for p in problems} == {f"parcel Q{i}" for i in range(3000)}


def test_grouping_keeps_different_warnings_apart():
    from landopt.parcels.grouping import group_problems

    ps = [
        Problem("parcel A", "area_mu", "x 1", "fix a", "warning"),
        Problem("file", "", "encoding guessed", "say it", "warning"),
        Problem("parcel B", "area_mu", "x 2", "fix a", "warning"),
        Problem("parcel C", "status", "odd", "fix b", "warning"),
    ]
    groups = group_problems(ps)
    assert [len(g) for g in groups] == [2, 1, 1]
    assert groups[0].text("en") == "2 parcels, field 'area_mu': x 1 (at parcel A; also B) -> fix a"
    assert groups[0].text("zh") == "2 宗地块，字段 area_mu：x 1（见地块 A；另有 B） → fix a"
    assert groups[1].text("en") == str(ps[1])
