"""Tests of the synthetic demo district: scripts/make_demo_data.py and data/parcels.geojson.

The realism and plan checks read the committed layer with geopandas and re-derive
everything (eligibility, the 2023 optimum, greedy plans) independently of the script.
"""

from __future__ import annotations

import importlib.util
import itertools
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import geopandas as gpd
import numpy as np
import pandas as pd
import pulp
import pytest
import shapely

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_demo_data.py"
PARCELS = ROOT / "data" / "parcels.geojson"
DISTRICT = ROOT / "data" / "district.geojson"
SQM_PER_MU = 10000.0 / 15.0
WORK_CRS = "EPSG:4548"
TARGETS = {"clear": (17, 560.0), "revitalize": (4, 430.0), "upgrade": (10, 810.0)}
INDUSTRIAL = ["100101", "100102", "100103"]
TOWNSHIPS = {
    "车站街道", "公园街道", "和平街道", "科苑街道", "体育场街道", "湖田街道", "四宝山街道",
    "马尚街道", "南定镇", "沣水镇", "傅家镇", "中埠镇", "房镇镇",
}  # fmt: skip
FIELDS = [
    "parcel_id", "name", "township", "park", "landuse_code", "planned_use_code", "status",
    "area_mu", "far", "building_coef", "tax_wan_per_mu", "muyi_class", "industry_code",
    "industry_policy", "operating_status", "idle_years", "delay_cause", "land_price_paid_wan",
    "contamination_risk", "encumbrance", "cost_clear_wan", "cost_revitalize_wan",
    "cost_upgrade_wan", "benefit_tax_after_wan_per_mu", "benefit_tax_gain_wan",
    "floor_area_added_m2", "difficulty", "project_ready",
]  # fmt: skip


def _script() -> ModuleType:
    """Import scripts/make_demo_data.py as a module."""
    spec = importlib.util.spec_from_file_location("make_demo_data", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    return gpd.read_file(PARCELS)


@pytest.fixture(scope="module")
def work(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return parcels.to_crs(WORK_CRS)


@pytest.fixture(scope="module")
def district() -> gpd.GeoDataFrame:
    return gpd.read_file(DISTRICT)


def _is_null(series: pd.Series) -> np.ndarray:
    return series.isna().to_numpy()


# ----------------------------------------------------------------------------- determinism


def _run(out: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out), *args], check=True,
                   capture_output=True)  # fmt: skip


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    _run(tmp_path / "a.geojson", "--parcels", "300", "--seed", "7")
    _run(tmp_path / "b.geojson", "--parcels", "300", "--seed", "7")
    _run(tmp_path / "c.geojson", "--parcels", "300", "--seed", "8")
    a, b, c = ((tmp_path / f"{k}.geojson").read_bytes() for k in "abc")
    assert a == b
    assert a != c
    assert len(gpd.read_file(tmp_path / "a.geojson")) == 300


def test_committed_layer_is_what_the_script_makes(parcels: gpd.GeoDataFrame) -> None:
    made, _ = _script().generate(3000, 2023)
    assert list(made.columns) == [*FIELDS, "geometry"]
    assert made["parcel_id"].tolist() == parcels["parcel_id"].tolist()
    for field in FIELDS:
        ours, theirs = made[field], parcels[field]
        if pd.api.types.is_numeric_dtype(theirs) and not pd.api.types.is_bool_dtype(theirs):
            np.testing.assert_allclose(ours.to_numpy(float), theirs.to_numpy(float), equal_nan=True)
        else:
            assert (
                ours.where(ours.notna(), None).tolist()
                == theirs.where(theirs.notna(), None).tolist()
            ), field
    assert shapely.equals_exact(made.geometry.to_numpy(), parcels.geometry.to_numpy(), 1e-9).all()


@pytest.mark.parametrize("suffix", [".parquet", ".gpkg", ".fgb"])
def test_other_formats_round_trip(tmp_path: Path, suffix: str) -> None:
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    module = _script()
    layer, _ = module.generate(300, 3)
    path = tmp_path / f"parcels{suffix}"
    module.write_layer(layer, path)
    back = gpd.read_parquet(path) if suffix == ".parquet" else gpd.read_file(path)
    assert len(back) == 300
    assert back["parcel_id"].tolist() == layer["parcel_id"].tolist()
    assert back.crs.to_epsg() == 4326


# ----------------------------------------------------------------------------- fields


def test_fields_and_crs(parcels: gpd.GeoDataFrame) -> None:
    assert list(parcels.columns) == [*FIELDS, "geometry"]
    assert parcels.crs.to_epsg() == 4326
    from landopt._fields import CORE_FIELDS

    assert set(CORE_FIELDS) <= set(FIELDS)


def test_field_types(parcels: gpd.GeoDataFrame) -> None:
    for field in ("parcel_id", "name", "township", "landuse_code", "planned_use_code", "status",
                  "operating_status", "contamination_risk", "encumbrance"):  # fmt: skip
        values = parcels[field]
        assert values.notna().all(), field
        assert all(isinstance(v, str) for v in values), field
    for field in ("area_mu", "far", "building_coef", "tax_wan_per_mu", "land_price_paid_wan",
                  "cost_clear_wan", "cost_revitalize_wan", "cost_upgrade_wan",
                  "benefit_tax_after_wan_per_mu", "benefit_tax_gain_wan", "floor_area_added_m2"):  # fmt: skip
        assert pd.api.types.is_float_dtype(parcels[field]), field
    assert pd.api.types.is_integer_dtype(parcels["difficulty"])
    assert pd.api.types.is_integer_dtype(parcels["idle_years"])
    assert pd.api.types.is_bool_dtype(parcels["project_ready"])


def test_parcel_ids(parcels: gpd.GeoDataFrame) -> None:
    ids = parcels["parcel_id"]
    assert ids.is_unique
    assert ids.str.fullmatch(r"370303\d{6}GB\d{5}W00000000").all()
    assert (ids.str.len() == 28).all()


def test_categories(parcels: gpd.GeoDataFrame) -> None:
    allowed = {
        "status": {"inefficient", "idle", "upgrade_candidate", "cleared", "in_use"},
        "muyi_class": {"A", "B", "C", "D"},
        "industry_policy": {"encouraged", "permitted", "restricted", "eliminated"},
        "operating_status": {"operating", "suspended", "vacant"},
        "delay_cause": {"enterprise", "government"},
        "contamination_risk": {"low", "medium", "high"},
        "encumbrance": {"none", "mortgaged", "seized"},
        "landuse_code": {"100101", "100102", "100103", "1002", "1101", "2301"},
        "planned_use_code": {"100101", "100102", "100103", "1002", "1101", "0901", "0701", "14"},
    }
    for field, values in allowed.items():
        assert set(parcels[field].dropna()) <= values, field
    assert set(parcels["township"]) == TOWNSHIPS
    assert parcels["industry_code"].dropna().str.fullmatch(r"\d{4}").all()
    assert {"张店经济开发区", "淄博高新区", "南部工业区", "东部化工区"} <= set(
        parcels["park"].dropna()
    )
    assert parcels["park"].isna().any()


def test_status_mix(parcels: gpd.GeoDataFrame) -> None:
    share = parcels["status"].value_counts(normalize=True)
    assert 0.15 <= share["inefficient"] <= 0.25
    assert 0.01 <= share["idle"] <= 0.06
    assert 0.02 <= share["upgrade_candidate"] <= 0.08
    assert share["in_use"] >= 0.6
    cleared_mu = parcels.loc[parcels["status"] == "cleared", "area_mu"].sum()
    assert cleared_mu == pytest.approx(2981.0, abs=30.0)


def test_nulls_follow_status(parcels: gpd.GeoDataFrame) -> None:
    status = parcels["status"]
    idle, cleared = status == "idle", status == "cleared"
    assert (_is_null(parcels["muyi_class"]) == (idle | cleared)).all()
    assert (_is_null(parcels["delay_cause"]) == ~idle).all()
    assert ((parcels["idle_years"] > 0) == idle).all()
    assert (_is_null(parcels["cost_revitalize_wan"]) == ~idle).all()
    assert parcels.loc[status.isin(["inefficient", "idle"]), "cost_clear_wan"].notna().all()
    assert parcels.loc[~status.isin(["inefficient", "idle"]), "cost_clear_wan"].isna().all()
    assert parcels.loc[~status.isin(["inefficient", "upgrade_candidate"]), "cost_upgrade_wan"].isna().all()  # fmt: skip
    assert parcels.loc[status == "upgrade_candidate", "cost_upgrade_wan"].notna().mean() > 0.9
    candidate = status.isin(["inefficient", "idle", "upgrade_candidate"])
    assert (_is_null(parcels["benefit_tax_gain_wan"]) == ~candidate).all()


def test_value_ranges(parcels: gpd.GeoDataFrame, work: gpd.GeoDataFrame) -> None:
    p = parcels
    geometric = work.geometry.area.to_numpy() / SQM_PER_MU
    np.testing.assert_allclose(p["area_mu"].to_numpy(), geometric, atol=0.006)
    assert p["area_mu"].between(3.0, 400.0).all()
    assert 20.0 <= p["area_mu"].median() <= 30.0
    assert 45.0 <= p.loc[p["status"] == "idle", "area_mu"].median() <= 80.0
    assert 3 <= (p["area_mu"] >= 200.0).sum() <= 60
    inefficient = (p["status"] == "inefficient") & (p["landuse_code"] != "1002")
    assert p.loc[inefficient, "far"].between(0.15, 0.8).all()
    assert p.loc[inefficient, "tax_wan_per_mu"].between(0.5, 8.0).all()
    in_use = p["status"] == "in_use"
    assert p.loc[in_use & (p["landuse_code"] != "1002"), "far"].between(0.8, 2.0).all()
    assert p.loc[in_use & (p["landuse_code"] != "1002"), "tax_wan_per_mu"].between(20, 60).all()
    assert (p.loc[p["status"].isin(["idle", "cleared"]), "tax_wan_per_mu"] == 0).all()
    assert p["building_coef"].between(0.0, 0.7).all()
    assert p["difficulty"].between(1, 5).all()
    for cost in ("cost_clear_wan", "cost_revitalize_wan", "cost_upgrade_wan"):
        assert (p[cost].dropna() > 0).all(), cost
    per_mu = p["cost_upgrade_wan"] / p["area_mu"]
    assert per_mu.dropna().between(0.29, 15.01).all()  # totals are rounded to 0.1
    assert (p["benefit_tax_gain_wan"].dropna() >= 0).all()
    mine = p[p["name"] == "湖田石矿"]
    assert len(mine) == 1
    assert mine["township"].iat[0] == "湖田街道"
    assert mine["landuse_code"].iat[0] == "1002"
    assert 200.0 <= mine["area_mu"].iat[0] <= 400.0


# ----------------------------------------------------------------------------- geometry


def _touching_pairs(work: gpd.GeoDataFrame) -> np.ndarray:
    left, right = work.sindex.query(work.geometry, predicate="intersects")
    keep = left < right
    return np.column_stack([left[keep], right[keep]])


def test_geometry_is_valid_and_without_slivers(work: gpd.GeoDataFrame) -> None:
    geoms = work.geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    assert (shapely.get_num_interior_rings(geoms) == 0).all()
    assert (shapely.area(geoms) / SQM_PER_MU >= 3.0).all()
    corners = shapely.get_coordinates(shapely.oriented_envelope(geoms)).reshape(-1, 5, 2)
    sides = np.hypot(*np.diff(corners, axis=1)[:, :2].transpose(2, 0, 1))
    assert (sides.max(axis=1) / sides.min(axis=1)).max() <= 4.0


def test_no_overlaps(work: gpd.GeoDataFrame) -> None:
    pairs = _touching_pairs(work)
    geoms = work.geometry.to_numpy()
    overlap = shapely.area(shapely.intersection(geoms[pairs[:, 0]], geoms[pairs[:, 1]]))
    assert overlap.max() < 0.01  # m²


def test_neighbours_share_edges_vertex_for_vertex(
    parcels: gpd.GeoDataFrame, work: gpd.GeoDataFrame
) -> None:
    # Boundary length shared between neighbours, as shapely measures it ...
    pairs = _touching_pairs(work)
    bounds = shapely.boundary(work.geometry.to_numpy())
    shared = shapely.length(shapely.intersection(bounds[pairs[:, 0]], bounds[pairs[:, 1]]))
    assert (shared > 1.0).sum() >= len(work)  # plots sit in blocks, side by side
    # ... equals the length of the edges that appear, identical, in two parcels.
    lonlat, owner = shapely.get_coordinates(parcels.geometry.to_numpy(), return_index=True)
    xy = shapely.get_coordinates(work.geometry.to_numpy())
    same = owner[1:] == owner[:-1]
    a, b = lonlat[:-1][same], lonlat[1:][same]
    flip = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    key = np.where(flip[:, None], np.hstack([b, a]), np.hstack([a, b]))
    _, inverse, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    assert counts.max() <= 2
    length = np.hypot(*(xy[1:][same] - xy[:-1][same]).T)
    twice = counts[inverse.ravel()] == 2
    assert length[twice].sum() / 2.0 == pytest.approx(shared.sum(), rel=1e-6)


def test_district_outlines(parcels: gpd.GeoDataFrame, district: gpd.GeoDataFrame) -> None:
    assert set(district["kind"]) == {"district", "township", "park"}
    outline = district[district["kind"] == "district"].to_crs(WORK_CRS).geometry.iat[0]
    assert outline.area / 1e6 == pytest.approx(360.0, rel=0.02)
    towns = district[district["kind"] == "township"].to_crs(WORK_CRS)
    assert set(towns["name"]) == TOWNSHIPS
    assert towns.area.sum() == pytest.approx(outline.area, rel=1e-4)
    assert shapely.union_all(towns.geometry.to_numpy()).area == pytest.approx(
        outline.area, rel=1e-4
    )
    assert shapely.contains(
        outline, shapely.union_all(parcels.to_crs(WORK_CRS).geometry.to_numpy())
    )
    parks = district[district["kind"] == "park"].set_index("name").geometry
    in_park = parcels[parcels["park"].notna()]
    inside = [parks[name].contains(geom) for name, geom in zip(in_park["park"], in_park.geometry,
                                                                  strict=True)]  # fmt: skip
    assert all(inside)


# ----------------------------------------------------------------------------- the 2023 plan


def _eligible(p: pd.DataFrame) -> dict[str, np.ndarray]:
    free = (p["encumbrance"] != "seized").to_numpy()
    muyi = p["muyi_class"]
    return {
        "clear": (p["status"].isin(["inefficient", "idle"]).to_numpy() & free
                  & (muyi.isin(["C", "D"]) | (p["idle_years"] >= 2)).to_numpy()),
        "revitalize": (p["status"] == "idle").to_numpy() & free,
        "upgrade": (p["status"].isin(["inefficient", "upgrade_candidate"])
                    & (p["industry_policy"] != "eliminated")
                    & p["planned_use_code"].isin(INDUSTRIAL) & muyi.isin(["B", "C", "D"])).to_numpy(),
    }  # fmt: skip


def _cost(p: pd.DataFrame, action: str) -> np.ndarray:
    return p[f"cost_{action}_wan"].to_numpy(float)


def _optimum(p: pd.DataFrame) -> float:
    elig, area = _eligible(p), p["area_mu"].to_numpy(float)
    model = pulp.LpProblem("plan_2023", pulp.LpMinimize)
    x = {(a, int(i)): model.add_variable(f"x_{a}_{i}", 0, 1, cat=pulp.LpBinary)
         for a, mask in elig.items() for i in np.flatnonzero(mask)}  # fmt: skip
    model += pulp.lpSum(float(_cost(p, a)[i]) * v for (a, i), v in x.items())
    for a, (count, mu) in TARGETS.items():
        mine = {i: v for (b, i), v in x.items() if b == a}
        model += pulp.lpSum(mine.values()) == count
        model += pulp.lpSum(float(area[i]) * v for i, v in mine.items()) >= mu
    for i in {i for _, i in x}:
        model += pulp.lpSum(x[a, i] for a in TARGETS if (a, i) in x) <= 1
    assert _script().pulp_solved_optimally(model, pulp.HiGHS(msg=False))
    total = 0.0
    for a, (count, mu) in TARGETS.items():
        chosen = [i for (b, i), v in x.items() if b == a and v.value() > 0.5]
        assert len(chosen) == count and area[chosen].sum() >= mu - 1e-6
        total += float(_cost(p, a)[chosen].sum())
    return total


def _greedy(p: pd.DataFrame, rule: str, order: tuple[str, ...]) -> float | None:
    """Cost of a greedy plan, or None when it misses an area target."""
    elig, area = _eligible(p), p["area_mu"].to_numpy(float)
    used, total = np.zeros(len(p), bool), 0.0
    for a in order:
        cost = _cost(p, a)
        key = {"total": cost, "per_mu": cost / area, "largest": -area}[rule]
        pool = np.flatnonzero(elig[a] & ~used)
        take = pool[np.lexsort((cost[pool], key[pool]))][: TARGETS[a][0]]
        used[take] = True
        total += cost[take].sum()
        if area[take].sum() < TARGETS[a][1] or take.size < TARGETS[a][0]:
            return None
    return total


def test_enough_candidates_for_each_target(parcels: gpd.GeoDataFrame) -> None:
    elig, area = _eligible(parcels), parcels["area_mu"].to_numpy()
    for a, (count, mu) in TARGETS.items():
        mask = elig[a]
        assert mask.sum() >= 3 * count, a
        assert area[mask].sum() >= 5 * mu, a
        assert np.sort(area[mask])[::-1][:count].sum() >= 1.5 * mu, a
        assert not np.isnan(_cost(parcels, a)[mask]).any(), a
    assert (elig["clear"] & elig["upgrade"]).sum() >= 10
    assert (elig["clear"] & elig["revitalize"]).sum() >= 10


def test_no_greedy_rule_finds_the_optimum(parcels: gpd.GeoDataFrame) -> None:
    best = _optimum(parcels)
    assert best > 0
    for rule, order in itertools.product(("total", "per_mu", "largest"),
                                         itertools.permutations(TARGETS)):  # fmt: skip
        greedy = _greedy(parcels, rule, order)
        assert greedy is None or greedy > best * (1 + 1e-6), (rule, order, greedy, best)
