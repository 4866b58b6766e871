"""Shared fixtures: tiny hand-made parcel layers whose numbers are known by hand.

Squares are laid out in EPSG:4548 (CGCS2000 Gauss-Krüger, 117°E) near Zhangdian:
``ORIGIN`` = (589 000 E, 4 074 000 N) is about 118.0°E, 36.79°N. A 100 m x 100 m
square is 1 ha = 15 mu exactly.

Use the ``make_parcels`` fixture to build a raw layer from a list of dicts and
``landopt.parcels.prepare_parcels`` to turn it into the canonical one, or take
``toy_parcels`` ready made::

    def test_something(make_parcels):
        raw = make_parcels([
            {"parcel_id": "A", "status": "idle", "mu": 60},          # a 60 mu square
            {"parcel_id": "B", "side_m": 100, "cost_clear_wan": 700},  # 15 mu
            {"parcel_id": "C", "geometry": some_polygon},               # in `crs`
        ], fill_core=True)
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pytest
import shapely

from landopt._fields import CORE_FIELDS, SQM_PER_MU, STATUS_ALIASES


@pytest.fixture(scope="session", autouse=True)
def _run_store(tmp_path_factory: pytest.TempPathFactory) -> Iterable[Path]:
    """Every run the tests make is recorded in a per-session SQLite file, never in the
    user's own run store (``LANDOPT_STORE_URL``, inherited by the CLI's subprocesses)."""
    path = tmp_path_factory.mktemp("store") / "runs.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LANDOPT_STORE_URL", f"sqlite:///{path}")
        mp.delenv("LANDOPT_STORE", raising=False)
        yield path


@pytest.fixture(scope="session")
def pg_url() -> str:
    """A PostgreSQL+PostGIS server: LANDOPT_TEST_PG_URL; skipped when unset, except in CI."""
    url = os.environ.get("LANDOPT_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must provide PostgreSQL/PostGIS: LANDOPT_TEST_PG_URL is unset")
        pytest.skip("no PostgreSQL: set LANDOPT_TEST_PG_URL")
    return url

#: Lower-left corner of the first generated square, in EPSG:4548 metres (≈118.0°E, 36.79°N).
ORIGIN: tuple[float, float] = (589_000.0, 4_074_000.0)

#: Gap between generated squares, in metres (squares never touch).
GAP_M: float = 50.0

_TOWNSHIPS = ("湖田", "马尚", "四宝山")

# Plausible values per canonical status for fill_core=True:
# far, building_coef, tax_wan_per_mu, muyi_class, operating_status, idle_years, delay_cause
_BY_STATUS: dict[str, tuple[float, float, float, str, str, float, str]] = {
    "inefficient": (0.45, 0.25, 3.0, "D", "operating", 0.0, ""),
    "idle": (0.0, 0.0, 0.0, "", "vacant", 2.0, "enterprise"),
    "upgrade_candidate": (0.6, 0.3, 6.0, "C", "operating", 0.0, ""),
    "cleared": (0.0, 0.0, 0.0, "", "vacant", 0.0, ""),
    "in_use": (1.2, 0.45, 30.0, "A", "operating", 0.0, ""),
}


def core_defaults(parcel_id: str, status: str, mu: float, i: int) -> dict[str, Any]:
    """Plausible values of every core field for a parcel.

    Costs are per whole parcel: clear 45 万元/mu, revitalize 5 万元/mu, upgrade 10 万元/mu.
    """
    canonical = STATUS_ALIASES.get(str(status).strip().lower(), "inefficient")
    far, coef, tax, muyi, operating, idle_years, delay = _BY_STATUS[canonical]
    return {
        "parcel_id": parcel_id,
        "name": f"{parcel_id}号地块",
        "township": _TOWNSHIPS[i % len(_TOWNSHIPS)],
        "park": "张店经济开发区",
        "landuse_code": "100102",
        "planned_use_code": "100102",
        "status": status,
        "far": far,
        "building_coef": coef,
        "tax_wan_per_mu": tax,
        "muyi_class": muyi,
        "industry_code": "C30",
        "industry_policy": "allowed",
        "operating_status": operating,
        "idle_years": idle_years,
        "delay_cause": delay,
        "land_price_paid_wan": round(36.8 * mu, 3),
        "contamination_risk": "low",
        "encumbrance": "none",
        "cost_clear_wan": round(45.0 * mu, 3),
        "cost_revitalize_wan": round(5.0 * mu, 3),
        "cost_upgrade_wan": round(10.0 * mu, 3),
        "benefit_tax_after_wan_per_mu": 25.0,
        "benefit_tax_gain_wan": round(max(25.0 - tax, 0.0) * mu, 3),
        "floor_area_added_m2": round(0.8 * mu * SQM_PER_MU, 1),
        "difficulty": 2.0,
        "project_ready": False,
    }


def square(x: float, y: float, side_m: float) -> shapely.Polygon:
    """A square with its lower-left corner at (x, y)."""
    return shapely.box(x, y, x + side_m, y + side_m)


def side_for_mu(mu: float) -> float:
    """Side in metres of a square of ``mu`` mu."""
    return math.sqrt(mu * SQM_PER_MU)


def build_parcels(
    rows: Iterable[Mapping[str, Any]],
    *,
    crs: Any = "EPSG:4548",
    origin: tuple[float, float] = ORIGIN,
    per_row: int = 10,
    fill_core: bool = False,
) -> gpd.GeoDataFrame:
    """Build a raw parcel layer (not yet prepared) from a list of dicts.

    Parameters
    ----------
    rows
        One dict per parcel. Geometry: ``geometry`` (a shapely geometry, taken to be in
        ``crs``), else a square of ``mu`` mu, else a square of ``side_m`` metres (default
        100 m = 15 mu). Generated squares are laid out in EPSG:4548 on a grid of
        ``per_row`` columns from ``origin`` (or at ``x``/``y``, the lower-left corner, when
        given), ``GAP_M`` apart, then reprojected to ``crs``. ``parcel_id`` defaults to
        ``P1``, ``P2``, ...; ``status`` to ``"inefficient"``. Every other key becomes a
        column (missing values are ``None``).
    crs
        CRS of the returned layer; ``None`` for a layer without CRS (squares then stay in
        EPSG:4548 coordinates).
    origin, per_row
        Grid layout of generated squares.
    fill_core
        Fill the core fields a row does not give with :func:`core_defaults`.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    rows = [dict(r) for r in rows]
    sides = [
        side_for_mu(r["mu"]) if "mu" in r else float(r.get("side_m", 100.0))
        for r in rows
        if "geometry" not in r
    ]
    pitch = (max(sides) if sides else 100.0) + GAP_M
    records: list[dict[str, Any]] = []
    generated: list[bool] = []
    geoms: list[Any] = []
    for i, row in enumerate(rows):
        row.setdefault("parcel_id", f"P{i + 1}")
        row.setdefault("status", "inefficient")
        is_generated = "geometry" not in row  # an explicit None stays a missing geometry
        geom = row.pop("geometry", None)
        mu = row.pop("mu", None)
        side = side_for_mu(mu) if mu is not None else float(row.pop("side_m", 100.0))
        row.pop("side_m", None)
        x = row.pop("x", origin[0] + (i % per_row) * pitch)
        y = row.pop("y", origin[1] + (i // per_row) * pitch)
        if is_generated:
            geom = square(x, y, side)
        if fill_core:
            area = (side * side if is_generated else float(shapely.area(geom) or 0.0)) / SQM_PER_MU
            row = {**core_defaults(str(row["parcel_id"]), row["status"], area, i), **row}
        records.append(row)
        generated.append(is_generated)
        geoms.append(geom)

    columns = list(dict.fromkeys(k for r in records for k in r))
    ordered = [c for c in CORE_FIELDS if c in columns] + [
        c for c in columns if c not in CORE_FIELDS
    ]
    data = {c: [r.get(c) for r in records] for c in ordered}
    if crs is not None and any(generated):
        made = gpd.GeoSeries(
            [g for g, gen in zip(geoms, generated, strict=True) if gen], crs="EPSG:4548"
        )
        moved = iter(made.to_crs(crs).values)
        geoms = [next(moved) if gen else g for g, gen in zip(geoms, generated, strict=True)]
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms), crs=crs)


@pytest.fixture
def make_parcels() -> Callable[..., gpd.GeoDataFrame]:
    """The :func:`build_parcels` factory: ``make_parcels(rows, crs=..., fill_core=...)``."""
    return build_parcels


#: The toy district: id, status, mu, township. Costs and other fields from core_defaults.
TOY_ROWS: tuple[dict[str, Any], ...] = (
    {"parcel_id": "P1", "status": "inefficient", "mu": 15, "township": "湖田"},
    {"parcel_id": "P2", "status": "inefficient", "mu": 30, "township": "湖田"},
    {"parcel_id": "P3", "status": "idle", "mu": 60, "township": "马尚"},
    {"parcel_id": "P4", "status": "upgrade_candidate", "mu": 15, "township": "马尚"},
    {"parcel_id": "P5", "status": "in_use", "mu": 15, "township": "四宝山"},
    {"parcel_id": "P6", "status": "cleared", "mu": 15, "township": "四宝山"},
)


@pytest.fixture
def toy_layer() -> gpd.GeoDataFrame:
    """Six raw parcels in EPSG:4548 with every core field (see ``TOY_ROWS``).

    P1 inefficient 15 mu, P2 inefficient 30 mu, P3 idle 60 mu, P4 upgrade_candidate 15 mu,
    P5 in_use 15 mu, P6 cleared 15 mu: 150 mu in all. Costs per whole parcel: clear 45,
    revitalize 5, upgrade 10 万元 per mu (P2: clear 1350 万元).
    """
    return build_parcels(TOY_ROWS, fill_core=True)


@pytest.fixture
def toy_parcels(toy_layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``toy_layer`` prepared by :func:`landopt.parcels.prepare_parcels`."""
    from landopt.parcels import prepare_parcels

    return prepare_parcels(toy_layer, source="toy")


def _write(gdf: gpd.GeoDataFrame, path: Path, **kwargs: Any) -> Path:
    if path.suffix in (".parquet", ".geoparquet"):
        gdf.to_parquet(path)
        return path
    with warnings.catch_warnings():
        # Shapefile cuts field names to 10 characters and says so; that is expected here.
        warnings.filterwarnings("ignore", message="Normalized/laundered field name")
        pyogrio.write_dataframe(gdf, path, **kwargs)
    return path


@pytest.fixture
def write_layer(tmp_path: Path) -> Callable[..., Path]:
    """Write a GeoDataFrame to ``tmp_path / name``; the suffix picks the format.

    Extra keyword arguments go to :func:`pyogrio.write_dataframe` (e.g. ``layer=``,
    ``encoding=``). Returns the path.
    """

    def write(gdf: gpd.GeoDataFrame, name: str = "parcels.gpkg", **kwargs: Any) -> Path:
        return _write(gdf, tmp_path / name, **kwargs)

    return write
