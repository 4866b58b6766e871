"""Generate landopt's synthetic demo district, modelled on Zhangdian District, Zibo, Shandong.

The district, its 13 townships, its industrial parks and about 3,000 industrial parcels
are drawn deterministically from a seed. Geometry is built in EPSG:4548 (CGCS2000
3-degree Gauss-Krüger, central meridian 117°E) metres: each industrial zone is a rotated
grid of street blocks, each block is cut into plots by recursive guillotine splits on whole
metres, and the vertices where one plot's corner falls on a neighbour's edge are inserted
into that edge, so neighbours share edges vertex for vertex. The layer is written in
EPSG:4326 with coordinates rounded to 7 decimals (about 1 cm); rounding acts on each
vertex alone, so shared vertices stay identical.

Usage::

    python scripts/make_demo_data.py                  # data/parcels.geojson, data/district.geojson
    python scripts/make_demo_data.py --check          # also solve the 2023 plan, compare greedy rules
    python scripts/make_demo_data.py --parcels 1000000 --out out/parcels_1m.parquet

The output format follows the suffix of ``--out``: .geojson, .gpkg, .parquet or .fgb.
This script is never imported by the landopt package.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

#: Square metres in one mu (亩), exactly 10000/15.
SQM_PER_MU = 10000.0 / 15.0
WORK_CRS = "EPSG:4548"
OUT_CRS = "EPSG:4326"
#: District centre (lon, lat) and area of the base district, km².
CENTRE_LONLAT = (118.05, 36.80)
DISTRICT_KM2 = 360.0
DEFAULT_SEED = 2023
DEFAULT_PARCELS = 3000
PLAN_YEAR = 2023
#: Land vacated (腾空) in earlier years, mu, for a 3,000-parcel district.
CLEARED_MU_PER_3000 = 2981.0
DECIMALS = 7
MIN_MU = 3.0
MAX_MU = 400.0
#: Split threshold over a zone's grain that makes the grain the median plot size.
SPLIT_PER_GRAIN = 2.3
ROOT = Path(__file__).resolve().parents[1]

#: Field order of the layer: the fields of landopt._fields.CORE_FIELDS.
FIELDS: tuple[str, ...] = (
    "parcel_id", "name", "township", "park", "landuse_code", "planned_use_code", "status",
    "area_mu", "far", "building_coef", "tax_wan_per_mu", "muyi_class", "industry_code",
    "industry_policy", "operating_status", "idle_years", "delay_cause", "land_price_paid_wan",
    "contamination_risk", "encumbrance", "cost_clear_wan", "cost_revitalize_wan",
    "cost_upgrade_wan", "benefit_tax_after_wan_per_mu", "benefit_tax_gain_wan",
    "floor_area_added_m2", "difficulty", "project_ready",
)  # fmt: skip

#: The 2023 targets and eligibility rules of the shipped scenario: action -> (plots, mu).
TARGETS_2023: dict[str, tuple[int, float]] = {
    "clear": (17, 560.0),
    "revitalize": (4, 430.0),
    "upgrade": (10, 810.0),
}
COST_COLUMN = {a: f"cost_{a}_wan" for a in TARGETS_2023}
INDUSTRIAL_CODES = ("100101", "100102", "100103")


@dataclass(frozen=True)
class Township:
    """A township: name, 3-digit cadastral code and Voronoi seed (km from the centre)."""

    name: str
    code: str
    seed_km: tuple[float, float]


TOWNSHIPS: tuple[Township, ...] = (
    Township("车站街道", "001", (0.6, 2.6)),
    Township("公园街道", "002", (-0.9, 1.3)),
    Township("和平街道", "003", (1.3, 0.6)),
    Township("科苑街道", "004", (-2.6, 0.2)),
    Township("体育场街道", "005", (-0.2, -0.5)),
    Township("湖田街道", "006", (6.8, 1.0)),
    Township("四宝山街道", "007", (4.6, 5.6)),
    Township("马尚街道", "008", (3.4, 1.6)),
    Township("南定镇", "101", (-1.2, -6.6)),
    Township("沣水镇", "102", (5.4, -5.8)),
    Township("傅家镇", "103", (-6.8, -1.2)),
    Township("中埠镇", "104", (-5.4, 5.2)),
    Township("房镇镇", "105", (0.4, 6.8)),
)


@dataclass(frozen=True)
class Industry:
    """An industry (GB/T 4754-2017 class) and how it shapes a plot.

    ``contamination`` weighs low/medium/high; ``policy`` weighs encouraged/permitted/
    restricted/eliminated; ``words`` are name fragments for enterprises.
    """

    code: str
    landuse: str
    words: tuple[str, ...]
    contamination: tuple[float, float, float]
    policy: tuple[float, float, float, float]


INDUSTRIES: dict[str, Industry] = {i.code: i for i in (
    Industry("2614", "100103", ("化工", "石化"), (0.35, 0.40, 0.25), (0.10, 0.50, 0.30, 0.10)),
    Industry("2661", "100103", ("精细化工", "助剂"), (0.40, 0.40, 0.20), (0.25, 0.50, 0.20, 0.05)),
    Industry("2710", "100102", ("制药", "药业"), (0.50, 0.35, 0.15), (0.35, 0.50, 0.15, 0.00)),
    Industry("2720", "100101", ("医药", "生物"), (0.80, 0.18, 0.02), (0.60, 0.40, 0.00, 0.00)),
    Industry("3011", "100102", ("水泥", "建材"), (0.50, 0.40, 0.10), (0.00, 0.30, 0.45, 0.25)),
    Industry("3071", "100102", ("陶瓷", "瓷业"), (0.55, 0.38, 0.07), (0.10, 0.50, 0.30, 0.10)),
    Industry("3089", "100102", ("耐火材料", "耐材"), (0.55, 0.38, 0.07), (0.10, 0.55, 0.25, 0.10)),
    Industry("3140", "100103", ("冶金", "铁合金"), (0.30, 0.40, 0.30), (0.00, 0.30, 0.45, 0.25)),
    Industry("3311", "100101", ("钢结构", "金属制品"), (0.70, 0.25, 0.05), (0.10, 0.80, 0.10, 0.00)),
    Industry("3360", "100103", ("表面处理", "电镀"), (0.25, 0.40, 0.35), (0.00, 0.40, 0.45, 0.15)),
    Industry("3444", "100101", ("机械", "液压"), (0.80, 0.18, 0.02), (0.30, 0.65, 0.05, 0.00)),
    Industry("3670", "100101", ("汽车零部件", "汽配"), (0.80, 0.18, 0.02), (0.45, 0.55, 0.00, 0.00)),
    Industry("3985", "100101", ("新材料", "电子材料"), (0.75, 0.20, 0.05), (0.70, 0.30, 0.00, 0.00)),
    Industry("2922", "100102", ("塑料", "塑胶"), (0.60, 0.35, 0.05), (0.05, 0.75, 0.20, 0.00)),
    Industry("1713", "100102", ("印染", "纺织"), (0.45, 0.40, 0.15), (0.00, 0.45, 0.40, 0.15)),
    Industry("5941", "1101", ("物流", "仓储"), (0.90, 0.10, 0.00), (0.10, 0.90, 0.00, 0.00)),
    Industry("1011", "1002", ("石矿", "采石"), (0.50, 0.45, 0.05), (0.00, 0.20, 0.50, 0.30)),
)}  # fmt: skip


@dataclass(frozen=True)
class Zone:
    """An industrial zone: a rotated grid of street blocks.

    Parameters
    ----------
    key
        Internal name.
    park
        Park name, or None for an industrial cluster outside the parks.
    kind
        ``park``, ``cluster``, ``urban`` (old works in the city core) or ``mine``.
    centre_km, size_km
        Centre (east, north) from the district centre and extent (width, height), km,
        for the 360 km² base district; both scale with the district.
    angle
        Rotation of the grid, degrees anticlockwise.
    era
        Mean year the land was granted.
    grain
        Median plot size the blocks are cut down to, mu.
    industries
        (industry code, weight) pairs.
    legacy
        Number of legacy state-owned blocks left as one or two 150-400 mu plots.
    """

    key: str
    park: str | None
    kind: str
    centre_km: tuple[float, float]
    size_km: tuple[float, float]
    angle: float
    era: float
    grain: float
    industries: tuple[tuple[str, float], ...]
    legacy: int = 0


_CHEM = (("2614", 4), ("2661", 3), ("2710", 1), ("3360", 1), ("5941", 0.5))
_MIXED = (("3071", 2), ("3089", 2), ("3311", 2), ("3444", 2), ("2922", 1), ("1713", 1),
          ("3011", 1), ("3140", 1), ("5941", 1))  # fmt: skip
_NEW = (("3985", 3), ("3670", 2), ("3444", 2), ("2720", 2), ("2710", 1), ("3311", 1),
        ("5941", 0.5))  # fmt: skip

ZONES: tuple[Zone, ...] = (
    Zone("jingkai", "张店经济开发区", "park", (4.3, -2.0), (6.0, 4.0), 8, 2004, 27, _MIXED + _NEW, 2),
    Zone("gaoxin", "淄博高新区", "park", (-3.4, 4.1), (4.8, 3.4), -6, 2009, 28, _NEW, 0),
    Zone("nanbu", "南部工业区", "park", (-0.8, -5.7), (5.0, 3.2), 12, 1998, 25, _MIXED, 2),
    Zone("huagong", "东部化工区", "park", (6.1, 3.7), (3.4, 3.0), -10, 1994, 30, _CHEM, 2),
    Zone("mashang", "马尚新材料产业园", "park", (2.7, 3.6), (1.8, 1.4), 20, 2014, 20, _NEW, 0),
    Zone("fujia", "傅家精密制造产业园", "park", (-7.0, -1.5), (2.6, 2.2), -15, 2012, 22,
         (("3444", 3), ("3670", 3), ("3311", 1)), 0),
    Zone("zhongbu", "中埠医药健康产业园", "park", (-7.7, 2.7), (1.8, 2.0), 5, 2015, 24,
         (("2720", 3), ("2710", 2), ("3985", 1)), 0),
    Zone("fangzhen", "房镇智能装备产业园", "park", (1.1, 7.4), (2.4, 1.8), -3, 2016, 24,
         (("3444", 3), ("3985", 2), ("3670", 1)), 0),
    Zone("oldtown", None, "urban", (-1.0, 0.6), (3.0, 2.3), 0, 1988, 14, _MIXED, 0),
    Zone("nanding", None, "cluster", (-5.5, -4.7), (2.2, 1.8), 25, 2001, 20, _MIXED, 0),
    Zone("fengshui", None, "cluster", (4.5, -6.6), (3.0, 2.0), -20, 2000, 22,
         (("3071", 3), ("3089", 3), ("3011", 1), ("2922", 1)), 1),
    Zone("fujiasouth", None, "cluster", (-8.6, -4.3), (1.6, 1.6), 10, 2003, 18, _MIXED, 0),
    Zone("zhongbunorth", None, "cluster", (-3.8, 7.6), (2.0, 1.4), -12, 2005, 18, _MIXED, 0),
    Zone("sibaoshan", None, "cluster", (3.5, 6.4), (1.4, 1.4), 15, 1997, 20, _CHEM, 0),
    Zone("hutianeast", None, "cluster", (9.0, -0.6), (1.4, 1.8), -5, 1996, 18, _MIXED, 0),
    Zone("hutianmine", None, "mine", (8.9, 1.9), (0.52, 0.43), 18, 1975, 1e9, (("1011", 1),), 0),
    Zone("sibaoshanmine", None, "mine", (6.2, 6.5), (0.9, 0.45), -25, 1980, 1e9,
         (("1011", 1),), 0),
)  # fmt: skip
HUTIAN_MINE = "hutianmine"


# ----------------------------------------------------------------------------- geometry


@functools.cache
def _transformer(source: str, target: str) -> pyproj.Transformer:
    """Return a cached (x, y)-ordered transformer; building one takes ~70 ms."""
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


@functools.cache
def _work_origin() -> tuple[float, float]:
    """Return the district centre in EPSG:4548 metres."""
    x, y = _transformer(OUT_CRS, WORK_CRS).transform(*CENTRE_LONLAT)
    return float(x), float(y)


def district_outline(rng: np.random.Generator, scale: float) -> shapely.Polygon:
    """Draw an irregular district outline of ``360 * scale**2`` km².

    Parameters
    ----------
    rng
        Random generator.
    scale
        Linear scale of the district relative to the 360 km² base.

    Returns
    -------
    shapely.Polygon
        Outline in EPSG:4548 metres.
    """
    theta = np.linspace(0.0, 2.0 * np.pi, 240, endpoint=False)
    radius = np.ones_like(theta)
    for k in range(2, 10):
        amp = 0.13 / np.sqrt(k) * rng.uniform(0.4, 1.0)
        radius += amp * np.cos(k * theta + rng.uniform(0.0, 2.0 * np.pi))
    x = 1.06 * radius * np.cos(theta)
    y = 0.94 * radius * np.sin(theta)
    unit = shapely.Polygon(np.column_stack([x, y]))
    factor = np.sqrt(DISTRICT_KM2 * 1e6 / unit.area) * scale
    x0, y0 = _work_origin()
    return shapely.Polygon(np.column_stack([x0 + factor * x, y0 + factor * y]))


def township_cells(outline: shapely.Polygon, scale: float) -> list[shapely.Geometry]:
    """Cut the district into the 13 townships: Voronoi cells of their seeds.

    Parameters
    ----------
    outline
        District outline, EPSG:4548.
    scale
        Linear scale of the district.

    Returns
    -------
    list of shapely geometries
        One (Multi)Polygon per township, in ``TOWNSHIPS`` order; they tile ``outline``.
    """
    seeds = township_seeds(scale)
    cells = shapely.voronoi_polygons(
        shapely.multipoints(seeds), extend_to=outline.buffer(1000.0), ordered=True
    )
    return [shapely.intersection(cell, outline) for cell in shapely.get_parts(cells)]


def township_seeds(scale: float) -> np.ndarray:
    """Return the township seeds in EPSG:4548 metres, shape (13, 2)."""
    x0, y0 = _work_origin()
    km = np.array([t.seed_km for t in TOWNSHIPS])
    return np.column_stack([x0 + km[:, 0] * 1000.0 * scale, y0 + km[:, 1] * 1000.0 * scale])


def _cuts(rng: np.random.Generator, extent: float, low: float, high: float) -> np.ndarray:
    """Return street centre lines 0 = c0 < c1 < ... spanning about ``extent`` metres."""
    n = int(np.ceil(extent / low)) + 1
    widths = rng.uniform(low, high, n)
    lines = np.concatenate([[0.0], np.cumsum(widths)])
    return np.round(lines[lines <= extent + low / 2]).astype(np.int64)


def zone_blocks(zone: Zone, scale: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Lay out one zone's street blocks in the zone's own frame (whole metres).

    Parameters
    ----------
    zone
        The zone.
    scale
        Linear scale of the district.
    rng
        Random generator.

    Returns
    -------
    dict of arrays
        ``x0, y0, x1, y1`` block corners (int64, metres from the zone's lower-left
        corner) and ``legacy`` (bool).
    """
    if zone.kind == "mine":
        w, h = (round(s * 1000.0) for s in zone.size_km)
        one = np.zeros(1, np.int64)
        return {"x0": one, "y0": one.copy(), "x1": one + w, "y1": one + h,
                "legacy": np.ones(1, bool)}  # fmt: skip
    width, height = (s * 1000.0 * scale for s in zone.size_km)
    cx = _cuts(rng, width, 260.0, 620.0)
    cy = _cuts(rng, height, 220.0, 520.0)
    road_x = np.where(np.arange(cx.size) % 3 == 0, 20, 12)  # half road widths, m
    road_y = np.where(np.arange(cy.size) % 3 == 0, 20, 12)
    i, j = np.meshgrid(np.arange(cx.size - 1), np.arange(cy.size - 1), indexing="ij")
    i, j = i.ravel(), j.ravel()
    blocks = {
        "x0": cx[i] + road_x[i], "x1": cx[i + 1] - road_x[i + 1],
        "y0": cy[j] + road_y[j], "y1": cy[j + 1] - road_y[j + 1],
    }  # fmt: skip
    u = (cx[i] + cx[i + 1]) / max(cx[-1], 1) - 1.0
    v = (cy[j] + cy[j + 1]) / max(cy[-1], 1) - 1.0
    shape = np.abs(u) ** 3 + np.abs(v) ** 3 <= 1.1 + rng.normal(0.0, 0.2, u.size)
    keep = shape & (rng.random(u.size) > 0.05)
    blocks = {k: a[keep] for k, a in blocks.items()}
    area = (blocks["x1"] - blocks["x0"]) * (blocks["y1"] - blocks["y0"]) / SQM_PER_MU
    big = np.flatnonzero((area >= 200.0) & (area <= 2 * MAX_MU))
    legacy = np.zeros(area.size, bool)
    wanted = round(zone.legacy * scale**2)
    legacy[rng.choice(big, size=min(wanted, big.size), replace=False)] = True
    blocks["legacy"] = legacy
    return blocks


def _frame(zone: Zone, blocks: dict[str, np.ndarray], scale: float) -> np.ndarray:
    """Return the zone frame (origin x, origin y, angle in radians) in EPSG:4548."""
    x_c, y_c = _work_origin()
    angle = np.deg2rad(zone.angle)
    w, h = float(blocks["x1"].max()), float(blocks["y1"].max())
    cx = x_c + zone.centre_km[0] * 1000.0 * scale
    cy = y_c + zone.centre_km[1] * 1000.0 * scale
    ox = cx - (np.cos(angle) * w - np.sin(angle) * h) / 2.0
    oy = cy - (np.sin(angle) * w + np.cos(angle) * h) / 2.0
    return np.array([ox, oy, angle])


def to_work(frame: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map zone-frame coordinates to EPSG:4548 metres.

    Parameters
    ----------
    frame
        Per-point (origin x, origin y, angle), shape (n, 3), or one frame, shape (3,).
    x, y
        Zone-frame coordinates, metres.

    Returns
    -------
    tuple of arrays
        Easting and northing.
    """
    frame = np.atleast_2d(frame)
    cos, sin = np.cos(frame[:, 2]), np.sin(frame[:, 2])
    return frame[:, 0] + cos * x - sin * y, frame[:, 1] + sin * x + cos * y


def all_blocks(
    zones: Sequence[Zone], outline: shapely.Polygon, scale: float, rng: np.random.Generator
) -> tuple[pd.DataFrame, np.ndarray]:
    """Lay out every zone's blocks and keep those wholly inside the district.

    Parameters
    ----------
    zones
        The zones.
    outline
        District outline, EPSG:4548.
    scale
        Linear scale of the district.
    rng
        Random generator.

    Returns
    -------
    blocks : pandas.DataFrame
        One row per block: ``x0, y0, x1, y1`` (zone frame), ``legacy``, ``zone``.
    frames : numpy.ndarray
        Zone frames, shape (len(zones), 3).
    """
    parts, frames = [], []
    for z, zone in enumerate(zones):
        blocks = zone_blocks(zone, scale, rng)
        frames.append(_frame(zone, blocks, scale))
        parts.append(pd.DataFrame(blocks).assign(zone=z))
    table = pd.concat(parts, ignore_index=True)
    frames_arr = np.array(frames)
    ring_x = table[["x0", "x1", "x1", "x0"]].to_numpy(float)
    ring_y = table[["y0", "y0", "y1", "y1"]].to_numpy(float)
    wx, wy = to_work(np.repeat(frames_arr[table["zone"].to_numpy()], 4, axis=0),
                     ring_x.ravel(), ring_y.ravel())  # fmt: skip
    boxes = shapely.polygons(np.stack([wx, wy], axis=1).reshape(-1, 4, 2))
    shapely.prepare(outline)
    inside = shapely.contains(outline, boxes)
    return table[inside].reset_index(drop=True), frames_arr


def split_blocks(blocks: pd.DataFrame, grain: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Cut blocks into plots by recursive guillotine splits on whole metres.

    A rectangle is cut across its longer side at 30-70 % while it is larger than a
    random threshold around its block's grain (and always while above 400 mu), unless a
    child would fall under 3 mu. Aspect ratios therefore stay below 10:3.

    Parameters
    ----------
    blocks
        Output of :func:`all_blocks`.
    grain
        Median plot size per block, mu.
    rng
        Random generator.

    Returns
    -------
    pandas.DataFrame
        One row per plot: ``x0, y0, x1, y1``, ``block`` (row of ``blocks``).
    """
    cur = {k: blocks[k].to_numpy(np.int64) for k in ("x0", "y0", "x1", "y1")}
    cur["block"] = np.arange(len(blocks))
    done = []
    while cur["block"].size:
        w, h = cur["x1"] - cur["x0"], cur["y1"] - cur["y0"]
        area = w * h / SQM_PER_MU
        limit = grain[cur["block"]] * np.exp(rng.normal(0.0, 0.8, area.size))
        along_x = w >= h
        side = np.where(along_x, w, h)
        cut = np.round(side * rng.uniform(0.3, 0.7, area.size)).astype(np.int64)
        small = np.minimum(cut, side - cut) * np.where(along_x, h, w) / SQM_PER_MU
        split = ((area > limit) | (area > MAX_MU)) & (small >= MIN_MU * 1.05)
        done.append({k: a[~split] for k, a in cur.items()})
        cur = _children({k: a[split] for k, a in cur.items()}, along_x[split], cut[split])
    plots = pd.DataFrame({k: np.concatenate([d[k] for d in done]) for k in done[0]})
    return plots.sort_values(["block", "y0", "x0"], kind="stable").reset_index(drop=True)


def _children(
    rects: dict[str, np.ndarray], along_x: np.ndarray, cut: np.ndarray
) -> dict[str, np.ndarray]:
    """Return both children of each rectangle cut at ``cut`` metres from its low side."""
    low, high = dict(rects), dict(rects)
    low["x1"] = np.where(along_x, rects["x0"] + cut, rects["x1"])
    low["y1"] = np.where(along_x, rects["y1"], rects["y0"] + cut)
    high["x0"] = np.where(along_x, rects["x0"] + cut, rects["x0"])
    high["y0"] = np.where(along_x, rects["y0"], rects["y0"] + cut)
    return {k: np.concatenate([low[k], high[k]]) for k in rects}


def _key(block: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pack (block, a, b) with a, b < 2**18 into one sortable int64."""
    return (block << 36) | (a << 18) | b


def conforming_rings(plots: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Build closed anticlockwise rings with every T-junction vertex inserted.

    A corner of one plot that lies inside an edge of another plot of the same block
    becomes a vertex of that edge too, so neighbours share edges vertex for vertex.

    Parameters
    ----------
    plots
        Output of :func:`split_blocks` (zone-frame whole metres).

    Returns
    -------
    x, y : numpy.ndarray
        Vertex coordinates (int64, zone frame), rings closed.
    ring : numpy.ndarray
        Plot row of each vertex, sorted.
    """
    x0, y0, x1, y1, b = (plots[k].to_numpy(np.int64) for k in ("x0", "y0", "x1", "y1", "block"))
    if max(x1.max(), y1.max()) >= 2**18:
        raise ValueError("a zone is wider than 262 km; raise the key width in _key")
    cx, cy = np.concatenate([x0, x1, x1, x0]), np.concatenate([y0, y0, y1, y1])
    cb = np.tile(b, 4)
    by_row = np.unique(_key(cb, cy, cx))  # corners sorted by (block, y, x)
    by_col = np.unique(_key(cb, cx, cy))  # corners sorted by (block, x, y)
    n = len(plots)
    # (segment order, sorted keys, block, fixed coordinate, low end, high end, descending)
    edges = [
        (1, by_row, y0, x0, x1, False), (3, by_col, x1, y0, y1, False),
        (5, by_row, y1, x0, x1, True), (7, by_col, x0, y0, y1, True),
    ]  # fmt: skip
    pieces = [_corner_piece(order, cx_, cy_, n) for order, cx_, cy_ in (
        (0, x0, y0), (2, x1, y0), (4, x1, y1), (6, x0, y1), (8, x0, y0))]  # fmt: skip
    for order, keys, fixed, lo, hi, desc in edges:
        pieces.append(_edge_piece(order, keys, b, fixed, lo, hi, desc, rows=order in (1, 5)))
    ring, order, pos, vx, vy = (np.concatenate([p[i] for p in pieces]) for i in range(5))
    sort = np.lexsort((pos, order, ring))
    return vx[sort], vy[sort], ring[sort]


def _corner_piece(order: int, x: np.ndarray, y: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    """Return one corner per plot as (ring, order, position, x, y)."""
    return np.arange(n), np.full(n, order), np.zeros(n, np.int64), x, y


def _edge_piece(
    order: int, keys: np.ndarray, block: np.ndarray, fixed: np.ndarray, lo: np.ndarray,
    hi: np.ndarray, desc: bool, *, rows: bool,
) -> tuple[np.ndarray, ...]:  # fmt: skip
    """Return the corners strictly inside each plot's edge as (ring, order, position, x, y)."""
    start = np.searchsorted(keys, _key(block, fixed, lo), side="right")
    stop = np.searchsorted(keys, _key(block, fixed, hi), side="left")
    count = stop - start
    ring = np.repeat(np.arange(block.size), count)
    within = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    found = keys[np.repeat(start, count) + within]
    free = found & (2**18 - 1)
    fixed_v = (found >> 18) & (2**18 - 1)
    x, y = (free, fixed_v) if rows else (fixed_v, free)
    return ring, np.full(ring.size, order), -within if desc else within, x, y


def layout(scale: float, seed: int) -> tuple[shapely.Polygon, pd.DataFrame, np.ndarray]:
    """Draw the district outline, its blocks and their plots at one scale.

    Parameters
    ----------
    scale
        Linear scale of the district relative to the 360 km² base.
    seed
        Random seed.

    Returns
    -------
    outline : shapely.Polygon
        District outline, EPSG:4548.
    plots : pandas.DataFrame
        One row per plot: zone-frame corners, ``block``, ``zone``, ``legacy``.
    frames : numpy.ndarray
        Zone frames, shape (len(ZONES), 3).
    """
    rng = np.random.default_rng([seed, 0])
    outline = district_outline(rng, scale)
    blocks, frames = all_blocks(ZONES, outline, scale, rng)
    zone_grain = np.array([z.grain for z in ZONES])[blocks["zone"].to_numpy()]
    grain = SPLIT_PER_GRAIN * zone_grain * np.exp(rng.normal(0.0, 0.5, len(blocks)))
    grain[blocks["legacy"].to_numpy()] = 1e9
    plots = split_blocks(blocks, grain, rng)
    for col in ("zone", "legacy"):
        plots[col] = blocks[col].to_numpy()[plots["block"].to_numpy()]
    return outline, plots, frames


def fit_layout(n: int, seed: int) -> tuple[float, shapely.Polygon, pd.DataFrame, np.ndarray]:
    """Lay out the smallest district (scale ≥ 1) that holds at least ``n`` plots.

    The base district (scale 1) is Zhangdian-sized; larger ``n`` widens the district
    and its zones, keeping plot sizes, so the number of blocks grows with ``n``.

    Returns
    -------
    tuple
        The scale and the outline, plots and zone frames of :func:`layout`.
    """
    scale = 1.0
    outline, plots, frames = layout(scale, seed)
    while len(plots) < n:
        scale *= float(np.sqrt(n / len(plots))) * 1.02
        outline, plots, frames = layout(scale, seed)
    return scale, outline, plots, frames


def trim_plots(plots: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Keep exactly ``n`` plots: drop whole blocks, then single plots, at random.

    Mine and legacy blocks are dropped last.

    Parameters
    ----------
    plots
        Output of :func:`layout`.
    n
        Number of plots to keep.
    rng
        Random generator.

    Returns
    -------
    pandas.DataFrame
        The kept plots, in their original order.
    """
    sizes = plots.groupby("block").size()
    special = plots.groupby("block")["legacy"].first().to_numpy()
    order = sizes.index.to_numpy()[np.lexsort((rng.random(sizes.size), special))]
    excess = len(plots) - n
    dropped = np.cumsum(sizes.loc[order].to_numpy())
    drop_blocks = order[: np.searchsorted(dropped, excess, side="right")]
    kept = plots[~plots["block"].isin(drop_blocks)]
    extra = len(kept) - n
    loose = np.flatnonzero(~kept["legacy"].to_numpy())
    drop_rows = rng.choice(loose, size=extra, replace=False)
    return kept.drop(index=kept.index[drop_rows])


def plot_geometry(
    plots: pd.DataFrame, frames: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turn plots into EPSG:4326 polygons rounded to 7 decimals, with their area.

    Parameters
    ----------
    plots
        Plots with zone-frame corners, ``block`` and ``zone``.
    frames
        Zone frames.

    Returns
    -------
    geometry : numpy.ndarray
        Shapely polygons in EPSG:4326.
    area_mu : numpy.ndarray
        Area of the written (rounded) polygons measured in EPSG:4548, mu.
    centre : numpy.ndarray
        Plot centres in EPSG:4548, shape (n, 2).
    """
    vx, vy, ring = conforming_rings(plots)
    zone = plots["zone"].to_numpy()
    wx, wy = to_work(frames[zone[ring]], vx.astype(float), vy.astype(float))
    lon, lat = _transformer(WORK_CRS, OUT_CRS).transform(wx, wy)
    lon, lat = np.round(lon, DECIMALS), np.round(lat, DECIMALS)
    geometry = shapely.polygons(shapely.linearrings(np.column_stack([lon, lat]), indices=ring))
    bx, by = _transformer(OUT_CRS, WORK_CRS).transform(lon, lat)
    work = shapely.polygons(shapely.linearrings(np.column_stack([bx, by]), indices=ring))
    cx = (plots["x0"].to_numpy() + plots["x1"].to_numpy()) / 2.0
    cy = (plots["y0"].to_numpy() + plots["y1"].to_numpy()) / 2.0
    centre = np.column_stack(to_work(frames[zone], cx, cy))
    return geometry, shapely.area(work) / SQM_PER_MU, centre


# ----------------------------------------------------------------------------- attributes


def _pick(weight: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``k`` rows without replacement with probability growing with ``weight``.

    Efraimidis-Spirakis keys; rows of weight 0 are drawn only when nothing else is left.
    """
    with np.errstate(divide="ignore"):
        keys = np.log(rng.random(weight.size)) / weight
    return np.argsort(-keys, kind="stable")[:k]


def _pick_area(
    weight: np.ndarray, area: np.ndarray, target: float, rng: np.random.Generator
) -> np.ndarray:
    """Draw rows as :func:`_pick` until their area is as close to ``target`` as one row allows."""
    with np.errstate(divide="ignore"):
        keys = np.log(rng.random(weight.size)) / weight
    order = np.argsort(-keys, kind="stable")
    order = order[weight[order] > 0]
    total = np.cumsum(area[order])
    k = int(np.searchsorted(total, target))
    need = target - (total[k - 1] if k else 0.0)
    rest = order[k:]
    if rest.size == 0:
        return order
    last = rest[np.argmin(np.abs(area[rest] - need))]
    return np.append(order[:k], last)


def _choice(rng: np.random.Generator, prob: np.ndarray) -> np.ndarray:
    """Draw one category index per row from row-wise probabilities, shape (n, k)."""
    cum = np.cumsum(prob / prob.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((rng.random(len(prob))[:, None] > cum).sum(axis=1), prob.shape[1] - 1)


def _newness(df: pd.DataFrame) -> np.ndarray:
    """Return 0 for zones granted around 1990 or earlier, rising to 1 by 2015."""
    return np.clip((df["_era"].to_numpy() - 1990.0) / 25.0, 0.0, 1.0)


def assign_status(df: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Draw each parcel's status.

    Quotas per parcel count: about 3.2 % idle (favouring large plots in newer zones),
    4 % upgrade candidates (large plots), cleared land adding up to 2,981 mu per 3,000
    parcels, 20 % inefficient (old zones and the city core), the rest in use. The Hutian
    stone mine is inefficient; other mine and legacy state-owned plots mostly are.

    Parameters
    ----------
    df
        The parcel table built so far (one row per parcel).
    rng
        Random generator.

    Returns
    -------
    numpy.ndarray
        Status per parcel (object array).
    """
    n, area = len(df), df["area_mu"].to_numpy()
    kind, new = df["_kind"].to_numpy(), _newness(df)
    status = np.full(n, "", dtype=object)
    special = df["_legacy"].to_numpy()
    status[special] = np.where(rng.random(int(special.sum())) < 0.65, "inefficient", "in_use")
    status[df["_zone_key"].to_numpy() == HUTIAN_MINE] = "inefficient"
    urban = kind == "urban"
    rules = (
        ("idle", round(0.032 * n), area**1.5 * (0.3 + 1.5 * new) * ~urban),
        ("upgrade_candidate", round(0.04 * n), area**1.3 * (0.4 + new) * np.where(urban, 0.1, 1)),
    )
    for name, k, weight in rules:
        free = np.flatnonzero(status == "")
        status[free[_pick(weight[free], k, rng)]] = name
    free = np.flatnonzero(status == "")
    weight = np.where(urban, 3.0, 1.0) * (1.5 - new) * (area <= 120.0)
    status[free[_pick_area(weight[free], area[free], CLEARED_MU_PER_3000 * n / 3000, rng)]] = (
        "cleared"
    )
    free = np.flatnonzero(status == "")
    k = round(0.20 * n) - int((status == "inefficient").sum())
    weight = area**-0.3 * np.where(urban, 4.0, 1.0) * (1.6 - new)
    status[free[_pick(weight[free], k, rng)]] = "inefficient"
    status[status == ""] = "in_use"
    return status


def assign_history(df: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw the year each plot was granted, how long idle plots have lain idle and why.

    Parameters
    ----------
    df
        The parcel table built so far (one row per parcel).
    rng
        Random generator.

    Returns
    -------
    dict of arrays
        ``_year`` (internal), ``idle_years``, ``delay_cause``.
    """
    n, status = len(df), df["status"].to_numpy()
    idle = status == "idle"
    year = np.clip(np.round(df["_era"].to_numpy() + rng.normal(0.0, 7.0, n)), 1978, 2020)
    old = df["_legacy"].to_numpy()
    year[old] = rng.integers(1958, 1986, int(old.sum()))
    idle_years = np.where(idle, np.minimum(rng.geometric(0.42, n), 9), 0)
    year[idle] = PLAN_YEAR - idle_years[idle] - rng.integers(1, 3, int(idle.sum()))
    cause = np.where(rng.random(n) < 0.45, "government", "enterprise").astype(object)
    cause[~idle] = None
    return {"_year": year, "idle_years": idle_years.astype(np.int64), "delay_cause": cause}


def assign_industry(df: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw industry, land use, planned use and industrial policy.

    Cleared plots have no industry and land use 2301 (vacant land). City-core works are
    mostly planned for commercial, housing or green use; abandoned mines for green use.

    Parameters
    ----------
    df
        The parcel table built so far (one row per parcel).
    rng
        Random generator.

    Returns
    -------
    dict of arrays
        ``industry_code``, ``landuse_code``, ``planned_use_code``, ``industry_policy``
        and the internal ``_industry`` (index into ``INDUSTRIES``, -1 when cleared).
    """
    n, status = len(df), df["status"].to_numpy()
    zone = df["_zone"].to_numpy()
    industry = np.zeros(n, np.int64)
    for z, spec in enumerate(ZONES):
        rows = np.flatnonzero(zone == z)
        which = np.array([_INDUSTRY_CODES.index(c) for c, _ in spec.industries])
        weight = np.array([w for _, w in spec.industries], float)
        industry[rows] = which[rng.choice(which.size, size=rows.size, p=weight / weight.sum())]
    codes = np.array(_INDUSTRY_CODES, dtype=object)[industry]
    landuse = np.array([INDUSTRIES[c].landuse for c in _INDUSTRY_CODES], dtype=object)[industry]
    policy = _policy(industry, status, df["_zone_key"].to_numpy(), rng)
    planned = _planned_use(df, landuse, rng)
    cleared = status == "cleared"
    codes[cleared], policy[cleared], landuse[cleared] = None, None, "2301"
    industry[cleared] = -1
    return {"industry_code": codes, "landuse_code": landuse, "planned_use_code": planned,
            "industry_policy": policy, "_industry": industry}  # fmt: skip


_INDUSTRY_CODES = list(INDUSTRIES)
POLICIES = ("encouraged", "permitted", "restricted", "eliminated")
STATUSES = ("inefficient", "idle", "upgrade_candidate", "cleared", "in_use")
#: Multipliers of an industry's policy weights, by status in ``STATUSES`` order.
_POLICY_BY_STATUS = np.array([
    (0.3, 1.0, 1.8, 3.0), (1.5, 1.0, 0.3, 0.0), (1.2, 1.0, 0.7, 0.1), (1.0, 1.0, 1.0, 1.0),
    (1.0, 1.0, 0.6, 0.0),
])  # fmt: skip


def _status_index(status: np.ndarray) -> np.ndarray:
    """Return each status's position in ``STATUSES``."""
    return pd.Series(status).map({s: i for i, s in enumerate(STATUSES)}).to_numpy(np.int64)


def _policy(
    industry: np.ndarray, status: np.ndarray, zone_key: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Draw the industrial policy class of each plot's industry."""
    base = np.array([INDUSTRIES[c].policy for c in _INDUSTRY_CODES])[industry]
    factor = _POLICY_BY_STATUS[_status_index(status)]
    prob = base * factor + 1e-9 * (factor > 0)
    policy = np.array(POLICIES, dtype=object)[_choice(rng, prob)]
    policy[zone_key == HUTIAN_MINE] = "eliminated"
    return policy


def _planned_use(df: pd.DataFrame, landuse: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw the planned use: industrial mostly, commercial/housing/green in the city core."""
    n, status = len(df), df["status"].to_numpy()
    kind = df["_kind"].to_numpy()
    other = np.array(["0901", "0701", "14"], dtype=object)
    p_change = np.select(
        [(kind == "urban") & (status == "inefficient"), kind == "urban",
         status == "inefficient", status == "cleared", status == "idle"],
        [0.85, 0.3, 0.08, 0.15, 0.04], 0.0,
    )  # fmt: skip
    planned = landuse.copy()
    change = rng.random(n) < p_change
    planned[change] = other[rng.choice(3, size=int(change.sum()), p=[0.5, 0.35, 0.15])]
    mine = landuse == "1002"
    planned[mine] = "14"
    planned[df["_zone_key"].to_numpy() == HUTIAN_MINE] = "100102"
    return planned


def assign_form(df: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw plot ratio (FAR), building coefficient and tax per mu by status.

    Parameters
    ----------
    df
        The parcel table built so far (one row per parcel).
    rng
        Random generator.

    Returns
    -------
    dict of arrays
        ``far``, ``building_coef``, ``tax_wan_per_mu``.
    """
    n, status = len(df), df["status"].to_numpy()
    mine = df["landuse_code"].to_numpy() == "1002"
    beta = rng.beta(2.2, 2.8, n)
    far = np.select(
        [status == "in_use", status == "inefficient", status == "upgrade_candidate"],
        [np.clip(1.15 * np.exp(rng.normal(0.0, 0.25, n)), 0.8, 2.0), 0.15 + 0.65 * beta,
         0.45 + 0.55 * rng.beta(2.0, 2.0, n)],
        0.0,
    )  # fmt: skip
    partly = (status == "idle") & (rng.random(n) < 0.3)
    far[partly] = rng.uniform(0.05, 0.25, int(partly.sum()))
    far[mine] = rng.uniform(0.02, 0.08, int(mine.sum()))
    coef = np.select(
        [status == "in_use", status == "upgrade_candidate"],
        [0.35 + 0.3 * rng.beta(2.0, 2.0, n), 0.3 + 0.25 * rng.beta(2.0, 2.0, n)],
        np.clip(0.1 + 0.45 * far + rng.normal(0.0, 0.04, n), 0.1, 0.5),
    )
    coef[(status == "cleared") | ((status == "idle") & ~partly)] = 0.0
    coef[partly] = far[partly] * rng.uniform(0.6, 1.0, int(partly.sum()))
    coef[mine] = rng.uniform(0.01, 0.05, int(mine.sum()))
    tax = np.select(
        [status == "in_use", status == "inefficient", status == "upgrade_candidate"],
        [np.clip(32.0 * np.exp(rng.normal(0.0, 0.28, n)), 20.0, 60.0),
         0.5 + 7.5 * rng.beta(1.6, 2.4, n), 8.0 + 17.0 * rng.beta(2.0, 2.5, n)],
        0.0,
    )  # fmt: skip
    tax[mine] = rng.uniform(0.5, 2.0, int(mine.sum()))
    return {
        "far": np.round(far, 2),
        "building_coef": np.round(coef, 2),
        "tax_wan_per_mu": np.round(tax, 2),
    }


def assign_muyi(df: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Grade firms A/B/C/D by rank of tax per mu plus noise (top 20 %, to 75 %, to 95 %, rest).

    Parameters
    ----------
    df
        The parcel table built so far (one row per parcel).
    rng
        Random generator.

    Returns
    -------
    numpy.ndarray
        Class per parcel, None for idle and cleared land.
    """
    status = df["status"].to_numpy()
    graded = np.isin(status, ["inefficient", "upgrade_candidate", "in_use"])
    score = np.log(df["tax_wan_per_mu"].to_numpy()[graded]) + rng.normal(0.0, 0.2, graded.sum())
    share = np.argsort(np.argsort(-score)) / max(graded.sum(), 1)
    classes = np.full(len(df), None, dtype=object)
    classes[graded] = np.array(["A", "B", "C", "D"], dtype=object)[
        np.searchsorted([0.20, 0.75, 0.95], share, side="right")
    ]
    classes[df["_zone_key"].to_numpy() == HUTIAN_MINE] = "D"
    return classes


def assign_condition(df: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw operating status, contamination risk and encumbrance.

    Parameters
    ----------
    df
        The parcel table built so far (one row per parcel).
    rng
        Random generator.

    Returns
    -------
    dict of arrays
        ``operating_status``, ``contamination_risk``, ``encumbrance``.
    """
    n, status = len(df), df["status"].to_numpy()
    operating = np.select(
        [np.isin(status, ["in_use", "upgrade_candidate"]), status == "inefficient",
         status == "idle"],
        [np.zeros(n, int), _choice(rng, np.tile([0.65, 0.27, 0.08], (n, 1))),
         np.where(df["far"].to_numpy() > 0, 1, 2)],
        2,
    )  # fmt: skip
    mine = df["landuse_code"].to_numpy() == "1002"
    operating[mine] = np.where(rng.random(int(mine.sum())) < 0.6, 2, 1)
    table = np.array([INDUSTRIES[c].contamination for c in _INDUSTRY_CODES] + [(0.8, 0.2, 0.0)])
    contamination = table[df["_industry"].to_numpy()]  # -1 (cleared) takes the last row
    contamination[status == "idle"] = (0.9, 0.1, 0.0)
    encumbrance = np.tile([0.85, 0.14, 0.01], (n, 1))
    encumbrance[np.isin(status, ["inefficient", "idle"])] = (0.78, 0.16, 0.06)
    encumbrance[status == "upgrade_candidate"] = (0.8, 0.2, 0.0)
    encumbrance[status == "cleared"] = (1.0, 0.0, 0.0)
    hutian = df["_zone_key"].to_numpy() == HUTIAN_MINE
    encumbrance[hutian] = (1.0, 0.0, 0.0)
    contamination[hutian] = (0.0, 1.0, 0.0)
    return {
        "operating_status": np.array(["operating", "suspended", "vacant"], dtype=object)[operating],
        "contamination_risk": np.array(["low", "medium", "high"], dtype=object)[
            _choice(rng, contamination)],
        "encumbrance": np.array(["none", "mortgaged", "seized"], dtype=object)[
            _choice(rng, encumbrance)],
    }  # fmt: skip


def price_per_mu(year: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw the industrial land price paid per mu (万元) in the year of grant.

    About 36.8 万元/亩 in 2023, halving every 11 years back in time, ±15 %.

    Parameters
    ----------
    year
        Year of grant per parcel.
    rng
        Random generator.

    Returns
    -------
    numpy.ndarray
        Price per mu, 万元.
    """
    return 36.8 * np.exp(-(PLAN_YEAR - year) / 16.0) * np.exp(rng.normal(0.0, 0.15, year.size))


def clear_cost_per_mu(df: pd.DataFrame, price: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Public cost of clearing, 万元 per mu (NaN for plots that are not inefficient or idle).

    Operating plots: residual land right + buildings + relocation + demolition +
    remediation; mines: restoration; idle plots: 2-10 when recovered free (enterprise
    fault, ≥ 2 years), else about the price paid.

    Parameters
    ----------
    df
        The parcel table built so far.
    price
        Price paid per mu, 万元.
    rng
        Random generator.

    Returns
    -------
    numpy.ndarray
        Cost per mu, 万元.
    """
    n, status = len(df), df["status"].to_numpy()
    age = PLAN_YEAR - df["_year"].to_numpy()
    residual = price * np.clip(50.0 - age, 0.0, 50.0) / 50.0
    unit = np.clip(1600.0 * np.exp(-age / 22.0), 250.0, 1600.0) * np.exp(rng.normal(0, 0.15, n))
    buildings = df["far"].to_numpy() * SQM_PER_MU * unit / 1e4
    operating = df["operating_status"].to_numpy()
    relocation = np.select([operating == "operating", operating == "suspended"],
                           [rng.uniform(6.0, 12.0, n), rng.uniform(2.0, 5.0, n)], 0.0)  # fmt: skip
    risk = df["contamination_risk"].to_numpy()
    remediation = np.select([risk == "medium", risk == "high"],
                            [rng.uniform(10.0, 35.0, n), rng.uniform(35.0, 100.0, n)], 0.0)  # fmt: skip
    cost = residual + buildings + relocation + rng.uniform(2.0, 5.0, n) + remediation
    mine = df["landuse_code"].to_numpy() == "1002"
    cost[mine] = rng.uniform(3.0, 20.0, int(mine.sum()))
    cost[df["_zone_key"].to_numpy() == HUTIAN_MINE] = rng.uniform(6.0, 9.0)
    free = (df["delay_cause"].to_numpy() == "enterprise") & (df["idle_years"].to_numpy() >= 2)
    bought = np.where(df["delay_cause"].to_numpy() == "enterprise", 0.8, rng.uniform(0.9, 1.1, n))
    idle = status == "idle"
    cost[idle] = np.where(free, rng.uniform(2.0, 10.0, n), price * bought + rng.uniform(0.5, 3, n))[
        idle
    ]
    cost[~np.isin(status, ["inefficient", "idle"])] = np.nan
    return cost


def revitalize_cost_per_mu(df: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Public cost of revitalizing an idle plot, 万元 per mu (NaN for other plots).

    Enterprise-caused: administration 0.5-4 (+1-3 where half-built works must be
    settled); government-caused: 3-10 to remove the cause, plus 3-8 for a swap or plan
    change on about 30 % of them.

    Parameters
    ----------
    df
        The parcel table built so far.
    rng
        Random generator.

    Returns
    -------
    numpy.ndarray
        Cost per mu, 万元.
    """
    n = len(df)
    government = df["delay_cause"].to_numpy() == "government"
    cost = np.where(
        government,
        rng.uniform(3.0, 10.0, n) + (rng.random(n) < 0.3) * rng.uniform(3.0, 8.0, n),
        rng.uniform(0.5, 4.0, n) + (df["far"].to_numpy() > 0) * rng.uniform(1.0, 3.0, n),
    )
    cost[df["status"].to_numpy() != "idle"] = np.nan
    return cost


def upgradable(df: pd.DataFrame) -> np.ndarray:
    """Return where an upgrade makes sense: inefficient or candidate, industrial, not eliminated."""
    return (
        np.isin(df["status"].to_numpy(), ["inefficient", "upgrade_candidate"])
        & np.isin(df["planned_use_code"].to_numpy(), INDUSTRIAL_CODES)
        & (df["industry_policy"].to_numpy() != "eliminated")
        & (df["landuse_code"].to_numpy() != "1002")
    )


def upgrade_cost_per_mu(
    df: pd.DataFrame, far_after: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Upgrade incentives, 万元 per mu, growing with the FAR to add (NaN where not upgradable).

    ``1 + 5 × FAR gap``, × 1.3 for inefficient plots, + 1 / 2.5 for medium / high
    contamination, ±25 %, clipped to 0.3-15.

    Parameters
    ----------
    df
        The parcel table built so far.
    far_after
        Plot ratio after the upgrade.
    rng
        Random generator.

    Returns
    -------
    numpy.ndarray
        Cost per mu, 万元.
    """
    n = len(df)
    gap = far_after - df["far"].to_numpy()
    risk = df["contamination_risk"].to_numpy()
    base = (1.0 + 5.0 * gap) * np.where(df["status"].to_numpy() == "inefficient", 1.3, 1.0)
    base += np.select([risk == "medium", risk == "high"], [1.0, 2.5], 0.0)
    cost = np.clip(base * np.exp(rng.normal(0.0, 0.25, n)), 0.3, 15.0)
    cost[~upgradable(df)] = np.nan
    return cost


def assign_money(df: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw price paid, action costs (whole-parcel 万元), tax and floor area gained.

    Parameters
    ----------
    df
        The parcel table built so far (one row per parcel).
    rng
        Random generator.

    Returns
    -------
    dict of arrays
        ``land_price_paid_wan``, the three cost columns, ``benefit_tax_after_wan_per_mu``,
        ``benefit_tax_gain_wan``, ``floor_area_added_m2``.
    """
    n, status = len(df), df["status"].to_numpy()
    area, year = df["area_mu"].to_numpy(), df["_year"].to_numpy()
    price = price_per_mu(year, rng)
    price[df["_legacy"].to_numpy()] = 0.0  # allocated (划拨) land, no price paid
    far_after = np.where(status == "idle", rng.uniform(0.8, 1.5, n), rng.uniform(1.2, 2.0, n))
    tax_after = 20.0 + 25.0 * rng.beta(2.0, 2.0, n) + 5.0 * (far_after - 1.2)
    candidate = np.isin(status, ["inefficient", "idle", "upgrade_candidate"])
    planned = df["planned_use_code"].to_numpy()
    tax_after[planned == "14"] = 0.0
    tax_after[~candidate] = np.nan
    floor = (far_after - df["far"].to_numpy()) * area * SQM_PER_MU
    floor[planned == "14"] = 0.0
    floor[~candidate | np.isin(planned, ["0901", "0701"])] = np.nan
    paid = price * area
    paid[status == "cleared"] = np.nan
    return {
        "land_price_paid_wan": np.round(paid, 1),
        "cost_clear_wan": np.round(clear_cost_per_mu(df, price, rng) * area, 1),
        "cost_revitalize_wan": np.round(revitalize_cost_per_mu(df, rng) * area, 1),
        "cost_upgrade_wan": np.round(upgrade_cost_per_mu(df, far_after, rng) * area, 1),
        "benefit_tax_after_wan_per_mu": np.round(tax_after, 1),
        "benefit_tax_gain_wan": np.round(
            np.maximum(tax_after - df["tax_wan_per_mu"].to_numpy(), 0.0) * area, 1
        ),
        "floor_area_added_m2": np.round(floor, 0),
    }


def assign_effort(df: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Score difficulty 1-5 and draw whether a project is ready to sign.

    Parameters
    ----------
    df
        The parcel table built so far (one row per parcel).
    rng
        Random generator.

    Returns
    -------
    dict of arrays
        ``difficulty``, ``project_ready``.
    """
    n, status = len(df), df["status"].to_numpy()
    risk, enc = df["contamination_risk"].to_numpy(), df["encumbrance"].to_numpy()
    points = (
        np.select([risk == "medium", risk == "high"], [1, 2], 0)
        + np.select([enc == "mortgaged", enc == "seized"], [1, 2], 0)
        + ((status == "inefficient") & (df["operating_status"].to_numpy() == "operating"))
        + (df["delay_cause"].to_numpy() == "government")
        + (df["area_mu"].to_numpy() > 150.0)
        + df["_legacy"].to_numpy()
        + (rng.random(n) < 0.25)
    )
    p_ready = pd.Series(status).map({"upgrade_candidate": 0.6, "idle": 0.35,
                                     "inefficient": 0.15, "cleared": 0.3, "in_use": 0.02})  # fmt: skip
    return {
        "difficulty": np.clip(1 + points, 1, 5).astype(np.int64),
        "project_ready": rng.random(n) < p_ready.to_numpy(),
    }


FIRM_PREFIXES = (
    "瑞丰", "鑫源", "恒达", "宏业", "泰和", "华宇", "永盛", "天成", "海川", "正通", "联创",
    "兴业", "汇通", "裕隆", "嘉禾", "润泽", "金帆", "锦程", "华茂", "宏盛", "德润", "晟达",
    "弘远", "佳源", "博远", "昌盛", "信达", "众诚", "鼎力", "万通", "恒昌", "新瑞",
)  # fmt: skip
FIRM_SUFFIXES = ("有限公司", "有限公司", "股份有限公司", "科技有限公司", "集团有限公司")
NUMERALS = np.array(list("一二三四五六七八九十"), dtype=object)


def _join(*parts: np.ndarray | str) -> np.ndarray:
    """Concatenate string arrays (or scalars) element-wise into an object array."""
    arrays = np.broadcast_arrays(*(np.asarray(p, dtype=object) for p in parts))
    out = pd.Series(arrays[0])
    for part in arrays[1:]:
        out = out + pd.Series(part)
    return out.to_numpy(dtype=object)


def assign_names(df: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Compose Chinese names: firms, idle project land, reserve plots, legacy works, quarries.

    Names are random combinations of common words; they describe no real enterprise.

    Parameters
    ----------
    df
        The parcel table built so far (one row per parcel).
    rng
        Random generator.

    Returns
    -------
    numpy.ndarray
        Name per parcel.
    """
    n, status = len(df), df["status"].to_numpy()
    industry = np.maximum(df["_industry"].to_numpy(), 0)
    word_table = np.array([INDUSTRIES[c].words for c in _INDUSTRY_CODES], dtype=object)
    word = word_table[industry, rng.integers(0, 2, n)]
    city = np.array(["淄博", "山东", "张店"], dtype=object)[rng.choice(3, n, p=[0.6, 0.25, 0.15])]
    prefix = np.array(FIRM_PREFIXES, dtype=object)[rng.integers(0, len(FIRM_PREFIXES), n)]
    suffix = np.array(FIRM_SUFFIXES, dtype=object)[rng.integers(0, len(FIRM_SUFFIXES), n)]
    name = _join(city, prefix, word, suffix)
    idle = status == "idle"
    name[idle] = _join(name[idle], np.full(int(idle.sum()), "项目用地", dtype=object))
    town = df["township"].str.replace(r"(街道|镇)$", "", regex=True).to_numpy(dtype=object)
    nth = df.groupby(["township", "status"]).cumcount().to_numpy()
    cleared = status == "cleared"
    number = pd.Series(nth[cleared] + 1).astype(str).str.zfill(3).to_numpy(dtype=object)
    name[cleared] = _join(town[cleared], "收储地块", number)
    legacy = df["_legacy"].to_numpy() & (df["landuse_code"].to_numpy() != "1002")
    legacy_no = NUMERALS[np.arange(int(legacy.sum())) % 10]
    name[legacy] = _join("原国营张店第", legacy_no, word_table[industry[legacy], 0], "厂")
    hutian = df["_zone_key"].to_numpy() == HUTIAN_MINE
    mine = (df["landuse_code"].to_numpy() == "1002") & ~hutian
    name[mine] = _join(town[mine], "采石场", NUMERALS[np.arange(int(mine.sum())) % 10], "号")
    name[hutian] = "湖田石矿"
    return name


def assign_ids(df: pd.DataFrame) -> np.ndarray:
    """Number parcels as 28-character real-estate unit codes, in the order of ``df``.

    ``370303`` (Zhangdian) + township code (3) + cadastral sub-zone (3, one per 1,000
    parcels of a township) + ``GB`` + sequence (5) + ``W00000000``.
    """
    code = df["township"].map({t.name: t.code for t in TOWNSHIPS}).to_numpy(dtype=object)
    rank = df.groupby("township", sort=False).cumcount().to_numpy()
    if rank.max(initial=0) >= 999_000:
        raise ValueError("more than 999,000 parcels in one township: sub-zone codes overflow")
    sub = pd.Series(rank // 1000 + 1).astype(str).str.zfill(3).to_numpy(dtype=object)
    seq = pd.Series(rank % 1000 + 1).astype(str).str.zfill(5).to_numpy(dtype=object)
    return _join("370303", code, sub, "GB", seq, "W00000000")


# ----------------------------------------------------------------------------- assembly


def base_table(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray, dict[str, object]]:
    """Lay out the district and its ``n`` plots, sorted by township, zone and position.

    Returns
    -------
    table : pandas.DataFrame
        ``township``, ``park``, ``area_mu`` and internal ``_``-columns, one row per plot.
    geometry : numpy.ndarray
        EPSG:4326 polygons in the order of ``table``.
    district : dict
        ``outline``, ``townships`` (EPSG:4548) and ``scale`` for :func:`district_layer`.
    """
    scale, outline, plots, frames = fit_layout(n, seed)
    plots = trim_plots(plots, n, np.random.default_rng([seed, 1]))
    geometry, area, centre = plot_geometry(plots, frames)
    seeds = township_seeds(scale)
    nearest = np.argmin(
        (centre[:, :1] - seeds[:, 0]) ** 2 + (centre[:, 1:] - seeds[:, 1]) ** 2, axis=1
    )
    zone = plots["zone"].to_numpy()
    table = pd.DataFrame({
        "township": np.array([t.name for t in TOWNSHIPS], dtype=object)[nearest],
        "park": np.array([z.park for z in ZONES], dtype=object)[zone],
        "area_mu": np.round(area, 2),
        "_zone": zone, "_zone_key": np.array([z.key for z in ZONES], dtype=object)[zone],
        "_kind": np.array([z.kind for z in ZONES], dtype=object)[zone],
        "_era": np.array([z.era for z in ZONES])[zone],
        "_legacy": plots["legacy"].to_numpy(), "_block": plots["block"].to_numpy(),
        "_code": np.array([int(t.code) for t in TOWNSHIPS])[nearest],
    })  # fmt: skip
    order = np.lexsort((np.arange(n), table["_block"].to_numpy(), zone, table["_code"].to_numpy()))
    blocks = _block_boxes(plots, frames)
    district = {"outline": outline, "townships": township_cells(outline, scale), "blocks": blocks}
    return table.iloc[order].reset_index(drop=True), geometry[order], district


def _block_boxes(plots: pd.DataFrame, frames: np.ndarray) -> gpd.GeoDataFrame:
    """Return each used block's extent as an EPSG:4548 polygon with its zone."""
    ext = plots.groupby("block").agg(x0=("x0", "min"), y0=("y0", "min"), x1=("x1", "max"),
                                     y1=("y1", "max"), zone=("zone", "first"))  # fmt: skip
    fr = np.repeat(frames[ext["zone"].to_numpy()], 4, axis=0)
    wx, wy = to_work(fr, ext[["x0", "x1", "x1", "x0"]].to_numpy(float).ravel(),
                     ext[["y0", "y0", "y1", "y1"]].to_numpy(float).ravel())  # fmt: skip
    boxes = shapely.polygons(np.stack([wx, wy], axis=1).reshape(-1, 4, 2))
    return gpd.GeoDataFrame({"zone": ext["zone"].to_numpy()}, geometry=boxes, crs=WORK_CRS)


def generate(n: int = DEFAULT_PARCELS, seed: int = DEFAULT_SEED) -> tuple[gpd.GeoDataFrame, dict]:
    """Generate the parcel layer.

    Parameters
    ----------
    n
        Number of parcels.
    seed
        Random seed; the same (n, seed) always gives the same layer.

    Returns
    -------
    parcels : geopandas.GeoDataFrame
        The layer in EPSG:4326 with the fields of ``FIELDS``.
    district : dict
        Outline, township cells and block boxes (EPSG:4548) for :func:`district_layer`.
    """
    table, geometry, district = base_table(n, seed)
    rng = np.random.default_rng([seed, 2])
    table["status"] = assign_status(table, rng)
    steps = (assign_history, assign_industry, assign_form, assign_condition, assign_money,
             assign_effort)  # fmt: skip
    for step in steps:
        for key, value in step(table, rng).items():
            table[key] = value
        if step is assign_form:
            table["muyi_class"] = assign_muyi(table, rng)
    table["name"] = assign_names(table, rng)
    table["parcel_id"] = assign_ids(table)
    return gpd.GeoDataFrame(table[list(FIELDS)], geometry=geometry, crs=OUT_CRS), district


def district_layer(district: dict) -> gpd.GeoDataFrame:
    """Return the outline, township and park polygons in EPSG:4326 (``kind``, ``name``).

    A park is the union of its blocks grown by 21 m, which closes the streets between
    them, so every parcel of the park lies inside it.
    """
    rows = [("district", "张店区（合成）", district["outline"])]
    rows += [("township", t.name, cell) for t, cell in zip(TOWNSHIPS, district["townships"],
                                                             strict=True)]  # fmt: skip
    blocks = district["blocks"]
    for z, zone in enumerate(ZONES):
        boxes = blocks.geometry[blocks["zone"] == z]
        if zone.park and len(boxes):
            grown = shapely.buffer(boxes.to_numpy(), 21.0, join_style="mitre")
            rows.append(("park", zone.park, shapely.union_all(grown)))
    layer = gpd.GeoDataFrame({"kind": [r[0] for r in rows], "name": [r[1] for r in rows]},
                             geometry=[r[2] for r in rows], crs=WORK_CRS).to_crs(OUT_CRS)  # fmt: skip
    layer.geometry = shapely.transform(layer.geometry.to_numpy(), lambda c: np.round(c, DECIMALS))
    return layer


def write_layer(layer: gpd.GeoDataFrame, path: Path) -> None:
    """Write ``layer`` in the format of ``path``'s suffix (.geojson, .gpkg, .parquet, .fgb)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        layer.to_parquet(path, index=False)
    elif suffix in (".geojson", ".json"):
        layer.to_file(path, driver="GeoJSON", engine="pyogrio",
                      layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": DECIMALS,
                                     "WRITE_NAME": "NO"})  # fmt: skip
    elif suffix == ".gpkg":
        layer.to_file(path, driver="GPKG", engine="pyogrio")
    elif suffix == ".fgb":  # no spatial index: it would reorder the features
        layer.to_file(path, driver="FlatGeobuf", engine="pyogrio", SPATIAL_INDEX="NO")
    else:
        raise ValueError(f"unknown output format {suffix!r}; use .geojson, .gpkg, .parquet or .fgb")


# ----------------------------------------------------------------------------- 2023 check


def eligible_2023(layer: pd.DataFrame) -> dict[str, np.ndarray]:
    """Return, per action, where a parcel is eligible under the shipped 2023 rules."""
    status, enc = layer["status"].to_numpy(), layer["encumbrance"].to_numpy()
    muyi = layer["muyi_class"].fillna("").to_numpy()
    free = enc != "seized"
    return {
        "clear": np.isin(status, ["inefficient", "idle"])
        & free
        & (np.isin(muyi, ["C", "D"]) | (layer["idle_years"].to_numpy() >= 2)),
        "revitalize": (status == "idle") & free,
        "upgrade": np.isin(status, ["inefficient", "upgrade_candidate"])
        & (layer["industry_policy"].to_numpy() != "eliminated")
        & np.isin(layer["planned_use_code"].to_numpy(), INDUSTRIAL_CODES)
        & np.isin(muyi, ["B", "C", "D"]),
    }


@dataclass(frozen=True)
class PlanResult:
    """A 2023 plan: chosen parcel rows per action, total cost, and whether targets are met."""

    rows: dict[str, np.ndarray]
    cost: float
    feasible: bool


def _plan_result(layer: pd.DataFrame, rows: dict[str, np.ndarray]) -> PlanResult:
    """Cost a plan and check it against the 2023 counts and areas."""
    area = layer["area_mu"].to_numpy()
    cost = sum(float(layer[COST_COLUMN[a]].to_numpy()[r].sum()) for a, r in rows.items())
    feasible = all(
        r.size == TARGETS_2023[a][0] and area[r].sum() >= TARGETS_2023[a][1] - 1e-9
        for a, r in rows.items()
    )
    return PlanResult(rows, cost, feasible)


def solve_2023(layer: pd.DataFrame) -> PlanResult:
    r"""Solve the 2023 plan exactly: a binary program with PuLP and HiGHS.

    .. math::

        \min \sum_{(i,a) \in E} c_{ia} x_{ia} \quad \text{s.t.} \quad
        \sum_{i} x_{ia} = k_a, \quad \sum_{i} m_i x_{ia} \ge M_a \quad \forall a, \qquad
        \sum_{a} x_{ia} \le 1 \quad \forall i, \qquad x_{ia} \in \{0, 1\}

    ======================  ============================================================
    :math:`E`               eligible (parcel, action) pairs (:func:`eligible_2023`)
    :math:`c_{ia}`          cost of action ``a`` on parcel ``i``, 万元 (``cost_<a>_wan``)
    :math:`m_i`             area of parcel ``i``, mu
    :math:`k_a, M_a`        plot count and minimum area of action ``a`` (``TARGETS_2023``)
    ======================  ============================================================

    Parameters
    ----------
    layer
        The parcel layer.

    Returns
    -------
    PlanResult
        The optimal plan, or an infeasible empty plan when HiGHS proves none exists.
    """
    import pulp

    area = layer["area_mu"].to_numpy()
    elig = eligible_2023(layer)
    model = pulp.LpProblem("plan_2023", pulp.LpMinimize)
    var: dict[tuple[str, int], pulp.LpVariable] = {}
    for a, mask in elig.items():
        for i in np.flatnonzero(mask):
            var[a, int(i)] = model.add_variable(f"x_{a}_{i}", 0, 1, cat=pulp.LpBinary)
    model += pulp.lpSum(float(layer[COST_COLUMN[a]].iat[i]) * v for (a, i), v in var.items())
    for a, (count, mu) in TARGETS_2023.items():
        chosen = [(i, v) for (b, i), v in var.items() if b == a]
        model += pulp.lpSum(v for _, v in chosen) == count, f"count_{a}"
        model += pulp.lpSum(float(area[i]) * v for i, v in chosen) >= mu, f"area_{a}"
    by_parcel: dict[int, list[pulp.LpVariable]] = {}
    for (_, i), v in var.items():
        by_parcel.setdefault(i, []).append(v)
    for i, vs in by_parcel.items():
        if len(vs) > 1:
            model += pulp.lpSum(vs) <= 1, f"one_{i}"
    if not pulp_solved_optimally(model, pulp.HiGHS(msg=False)):
        return PlanResult({a: np.array([], int) for a in TARGETS_2023}, np.nan, False)
    rows = {a: np.array(sorted(i for (b, i), v in var.items() if b == a and v.value() > 0.5))
            for a in TARGETS_2023}  # fmt: skip
    return _plan_result(layer, rows)


def pulp_solved_optimally(model: Any, solver: Any) -> bool:
    """Solve and say whether the solution is proven optimal, in PuLP 3.3 and PuLP 4 alike.

    PuLP 3.3 reports ``model.status``/``model.sol_status``; PuLP 4 returns an
    ``LpSolveStats`` from ``solve`` instead.
    """
    import pulp

    stats = model.solve(solver)
    if hasattr(stats, "has_solution"):
        return bool(stats.has_solution) and getattr(stats.status, "name", "") == "Optimal"
    return pulp.LpStatus[model.status] == "Optimal" and model.sol_status == pulp.LpSolutionOptimal


GREEDY_RULES = ("cheapest total first", "cheapest per mu first", "largest first")


def greedy_2023(layer: pd.DataFrame, rule: str, order: Sequence[str]) -> PlanResult:
    """Fill each action's plot count in ``order`` by a greedy ``rule``, one action per parcel."""
    area = layer["area_mu"].to_numpy()
    elig = eligible_2023(layer)
    used = np.zeros(len(layer), bool)
    rows = {}
    for a in order:
        cost = layer[COST_COLUMN[a]].to_numpy()
        key = {"cheapest total first": cost, "cheapest per mu first": cost / area,
               "largest first": -area}[rule]  # fmt: skip
        pool = np.flatnonzero(elig[a] & ~used)
        take = pool[np.lexsort((cost[pool], key[pool]))][: TARGETS_2023[a][0]]
        used[take] = True
        rows[a] = np.sort(take)
    return _plan_result(layer, rows)


def best_greedy(layer: pd.DataFrame, rule: str) -> PlanResult | None:
    """Return the cheapest feasible greedy plan over all action orders, or None if none is."""
    plans = [greedy_2023(layer, rule, order) for order in itertools.permutations(TARGETS_2023)]
    feasible = [p for p in plans if p.feasible]
    return min(feasible, key=lambda p: p.cost) if feasible else None


def check_report(layer: pd.DataFrame) -> list[str]:
    """Return the lines of the ``--check`` report: district figures, optimum, greedy plans."""
    area = layer["area_mu"].to_numpy()
    lines = [f"parcels: {len(layer):,}, {area.sum():,.0f} mu"]
    count = layer["status"].value_counts()
    mu = layer.groupby("status")["area_mu"].sum()
    for status in STATUSES:
        k, m = int(count.get(status, 0)), float(mu.get(status, 0.0))
        lines.append(f"  {status:<18} {k:>7,} parcels ({k / len(layer):5.1%}) {m:>11,.0f} mu "
                     f"({m / area.sum():5.1%} of the area)")  # fmt: skip
    elig = eligible_2023(layer)
    lines.append("2023 candidates (count, mu, mu of the k largest, cost 万元/亩 min-median-max):")
    for a, mask in elig.items():
        k, mu = TARGETS_2023[a]
        per_mu = layer[COST_COLUMN[a]].to_numpy()[mask] / area[mask]
        top = np.sort(area[mask])[::-1][:k].sum()
        lines.append(f"  {a:<10} {mask.sum():>6,} plots {area[mask].sum():>10,.0f} mu; target "
                     f"{k} plots ≥ {mu:.0f} mu ({mask.sum() / k:.0f}× the count); {k} largest "
                     f"{top:,.0f} mu; cost {per_mu.min():.1f}-{np.median(per_mu):.1f}-"
                     f"{per_mu.max():.1f}")  # fmt: skip
    both = sum(elig.values()) >= 2
    lines.append(f"  eligible for two actions: {both.sum():,} parcels")
    best = solve_2023(layer)
    lines.append(f"optimum: {best.cost:,.1f} 万元 " + _plan_text(layer, best))
    for rule in GREEDY_RULES:
        plan = best_greedy(layer, rule)
        if plan is None:
            first = greedy_2023(layer, rule, tuple(TARGETS_2023))
            lines.append(f"greedy {rule}: misses a target in every action order; in the "
                         f"order {', '.join(TARGETS_2023)}: {first.cost:,.1f} 万元, "
                         + _plan_text(layer, first))  # fmt: skip
        else:
            gap = plan.cost / best.cost - 1.0
            lines.append(
                f"greedy {rule}: {plan.cost:,.1f} 万元 (+{gap:.1%}) " + _plan_text(layer, plan)
            )
    return lines


def _plan_text(layer: pd.DataFrame, plan: PlanResult) -> str:
    """Describe a plan's plots and mu per action on one line."""
    area = layer["area_mu"].to_numpy()
    return "; ".join(f"{a} {r.size} plots {area[r].sum():.0f} mu" for a, r in plan.rows.items())


# ----------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (2023)")
    parser.add_argument("--parcels", type=int, default=DEFAULT_PARCELS,
                        help="number of parcels (3000); more parcels widen the district")  # fmt: skip
    parser.add_argument("--out", type=Path, default=None,
                        help="parcel layer, .geojson/.gpkg/.parquet/.fgb "
                        "(default data/parcels.geojson, written with data/district.geojson)")  # fmt: skip
    parser.add_argument("--district-out", type=Path, default=None,
                        help="district, township and park outlines (GeoJSON or another format)")  # fmt: skip
    parser.add_argument("--check", action="store_true",
                        help="solve the 2023 plan on the layer and compare greedy rules")  # fmt: skip
    args = parser.parse_args(argv)
    if args.parcels < 1:
        parser.error("--parcels must be at least 1")
    if args.out is None:
        args.out = ROOT / "data" / "parcels.geojson"
        args.district_out = args.district_out or ROOT / "data" / "district.geojson"
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the layer (and outlines), report timings, optionally run the 2023 check."""
    args = parse_args(argv)
    start = time.perf_counter()
    layer, district = generate(args.parcels, args.seed)
    built = time.perf_counter()
    write_layer(layer, args.out)
    done = time.perf_counter()
    print(f"generated {len(layer):,} parcels (seed {args.seed}) in {built - start:.1f} s; "
          f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) in {done - built:.1f} s")  # fmt: skip
    if args.district_out:
        write_layer(district_layer(district), args.district_out)
        print(f"wrote {args.district_out} ({args.district_out.stat().st_size / 1e3:.0f} kB)")
    if args.check:
        print("\n".join(check_report(layer)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
