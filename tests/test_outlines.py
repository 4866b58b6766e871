"""Township and park outlines from the layer's columns: the fast merge draws what the slow one drew.

:func:`landopt.maps.layers._dissolve_columns` merges a clean coverage along its shared
edges before closing the gaps; it must give the outlines of buffering and merging every
parcel (the reference below, the code it replaced), and fall back to that code on a layer
that is no clean coverage (overlaps, edges that do not match vertex for vertex).
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from landopt.maps.layers import _dissolve_columns

CRS = "EPSG:4548"
X0, Y0 = 500_000.0, 4_000_000.0


def reference(p: gpd.GeoDataFrame) -> list[tuple[str, str, object]]:
    """The outlines as made before: every parcel buffered, merged, buffered back."""
    geoms = p.geometry.to_numpy()
    areas = shapely.area(geoms)
    d = 0.5 * float(np.sqrt(np.median(areas[areas > 0])))
    rows = []
    for kind in ("township", "park"):
        names = p[kind].astype("string").fillna("").str.strip().to_numpy()
        taken = None
        for name in sorted(set(names) - {""}):
            merged = shapely.union_all(shapely.buffer(geoms[names == name], d, join_style="mitre"))
            merged = shapely.buffer(merged, -d, join_style="mitre")
            if kind == "township" and taken is not None:
                merged = shapely.difference(merged, taken)
            if merged.is_empty:
                continue
            taken = merged if taken is None else shapely.union(taken, merged)
            rows.append((kind, str(name), merged))
    return rows


def grid(x: float, y: float, n: int, m: int, side: float = 40.0) -> list[Polygon]:
    """An n × m block of square plots, neighbours sharing edges vertex for vertex."""
    return [
        box(X0 + x + i * side, Y0 + y + j * side, X0 + x + (i + 1) * side, Y0 + y + (j + 1) * side)
        for i in range(n)
        for j in range(m)
    ]


def layer(blocks: list[tuple[list[Polygon], str, str]]) -> gpd.GeoDataFrame:
    geoms, towns, parks = [], [], []
    for polys, town, park in blocks:
        geoms += polys
        towns += [town] * len(polys)
        parks += [park] * len(polys)
    return gpd.GeoDataFrame({"township": towns, "park": parks}, geometry=geoms, crs=CRS)


def clean_layer() -> gpd.GeoDataFrame:
    # township A: two blocks across a 16 m street and a block 2 km away (three pieces
    # before closing, two after); township B east of A across a street; a park over both
    return layer(
        [
            (grid(0, 0, 3, 2), "A", "P"),
            (grid(136, 0, 2, 2), "A", "P"),
            (grid(2000, 1500, 2, 3), "A", ""),
            (grid(0, 96, 3, 3), "B", "P"),
            (grid(136, 96, 1, 3), "B", ""),
        ]
    )


def assert_same(got: gpd.GeoDataFrame, want: list, *, rel_area: float, rel_length: float) -> None:
    assert list(zip(got["kind"], got["name"], strict=True)) == [(k, n) for k, n, _ in want]
    for g, (_, _, w) in zip(got.geometry, want, strict=True):
        assert g.area == pytest.approx(w.area, rel=rel_area)
        assert g.length == pytest.approx(w.length, rel=rel_length)
        assert shapely.symmetric_difference(g, w).area <= rel_area * w.area
        assert shapely.get_num_geometries(g) == shapely.get_num_geometries(w)


def fallbacks(caplog: pytest.LogCaptureFixture) -> int:
    return sum("no clean coverage" in r.getMessage() for r in caplog.records)


def test_a_clean_coverage_is_merged_fast_to_the_same_outlines(caplog):
    p = clean_layer()
    assert shapely.coverage_union_all(p.geometry.to_numpy()).is_valid
    with caplog.at_level(logging.DEBUG, logger="landopt.maps.layers"):
        got = _dissolve_columns(p)
    assert fallbacks(caplog) == 0  # the fast merge, for every group
    want = reference(p)
    assert_same(got, want, rel_area=1e-3, rel_length=1e-2)
    # township A: the two blocks across the street are one piece, the far block another
    town_a = got.geometry[(got["kind"] == "township") & (got["name"] == "A")].iloc[0]
    assert shapely.get_num_geometries(town_a) == 2
    # townships do not overlap, and each covers its parcels
    towns = got[got["kind"] == "township"].geometry.to_numpy()
    assert shapely.intersection(towns[0], towns[1]).area < 1e-6
    for name, geom in zip(got["name"], got.geometry, strict=True):
        mine = p[(p["township"] == name) | (p["park"] == name)].geometry
        assert mine.within(geom.buffer(1e-6)).all()


def test_a_layer_with_overlaps_falls_back_to_the_parcel_by_parcel_merge(caplog):
    p = clean_layer()
    # one plot of township B pushed 5 m into its neighbour: no longer a coverage
    k = int(np.flatnonzero(p["township"].to_numpy() == "B")[0])
    p.loc[p.index[k], "geometry"] = shapely.affinity.translate(p.geometry.iloc[k], 5.0, 5.0)
    with caplog.at_level(logging.DEBUG, logger="landopt.maps.layers"):
        got = _dissolve_columns(p)
    assert fallbacks(caplog) >= 1
    assert_same(got, reference(p), rel_area=1e-9, rel_length=1e-9)


def test_edges_that_do_not_match_vertex_for_vertex_fall_back(caplog):
    p = clean_layer()
    # a plot split in two beside a neighbour whose edge lacks the split's vertex
    k = int(np.flatnonzero(p["township"].to_numpy() == "A")[0])
    x0, y0, x1, y1 = p.geometry.iloc[k].bounds
    halves = [box(x0, y0, x1, (y0 + y1) / 2), box(x0, (y0 + y1) / 2, x1, y1)]
    row = p.iloc[[k, k]].copy()
    row["geometry"] = halves
    p = gpd.GeoDataFrame(pd.concat([p.drop(index=p.index[k]), row], ignore_index=True), crs=CRS)
    with caplog.at_level(logging.DEBUG, logger="landopt.maps.layers"):
        got = _dissolve_columns(p)
    assert fallbacks(caplog) >= 1
    assert_same(got, reference(p), rel_area=1e-9, rel_length=1e-9)


def test_missing_and_empty_geometries_are_left_out():
    p = clean_layer()
    extra = gpd.GeoDataFrame(
        {"township": ["A", "B"], "park": ["P", ""]},
        geometry=[None, Polygon()],
        crs=CRS,
    )
    both = gpd.GeoDataFrame(pd.concat([p, extra], ignore_index=True), crs=CRS)
    assert_same(_dissolve_columns(both), reference(p), rel_area=1e-3, rel_length=1e-2)
