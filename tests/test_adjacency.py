"""Tests of landopt.adjacency: neighbouring pairs, shared boundary, perimeters, caches.

Hand-built layers in EPSG:4548 near ``ORIGIN`` (coordinates of real magnitude, so that
rounding is exercised), with lengths worked out by hand.
"""

from __future__ import annotations

import doctest
import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from conftest import ORIGIN
from shapely import affinity
from shapely.geometry import Polygon, box

import landopt._adjacency_match as match_mod
import landopt.adjacency as adj_mod
from landopt.adjacency import Adjacency, adjacency, clear_adjacency_cache
from landopt.errors import InputError
from landopt.parcels import read_parcels

DEMO = Path(__file__).resolve().parents[1] / "data" / "parcels.geojson"
METHODS = ["exact", "tolerant", "auto"]
X0, Y0 = ORIGIN


def layer(*polys: shapely.Geometry, crs: str = "EPSG:4548") -> gpd.GeoDataFrame:
    """Parcels P0, P1, ... from shapes drawn around (0, 0), moved to ORIGIN."""
    geoms = [affinity.translate(p, X0, Y0) if p is not None else None for p in polys]
    return gpd.GeoDataFrame(
        {"parcel_id": [f"P{k}" for k in range(len(polys))]}, geometry=geoms, crs=crs
    )


def pairs(a: Adjacency) -> dict[tuple[int, int], float]:
    return {(int(p), int(q)): float(x) for p, q, x in zip(a.i, a.j, a.length_m, strict=True)}


def grid_2x2() -> gpd.GeoDataFrame:
    # 0 1
    # 2 3   (row 0 on top)
    return layer(
        box(0, 100, 100, 200), box(100, 100, 200, 200), box(0, 0, 100, 100), box(100, 0, 200, 100)
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    clear_adjacency_cache()
    yield
    clear_adjacency_cache()


# ----------------------------------------------------------------------------------------
# Known answers
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_grid_2x2(method):
    a = adjacency(grid_2x2(), method=method)
    assert a.method == ("exact" if method == "auto" else method)
    got = pairs(a)
    assert list(got) == [
        (0, 1),
        (0, 2),
        (1, 3),
        (2, 3),
    ]  # diagonals (0, 3), (1, 2) touch at a corner
    assert list(got.values()) == pytest.approx([100.0] * 4, rel=1e-12)
    assert a.i.dtype == a.j.dtype == np.int64
    assert a.n == 4
    assert a.perimeter_m == pytest.approx([400.0] * 4)
    assert a.exposed_m(np.ones(4, dtype=bool)) == pytest.approx(800.0)
    assert a.exposed_m(np.array([True, True, False, False])) == pytest.approx(600.0)  # side by side
    assert a.exposed_m(np.array([True, False, False, True])) == pytest.approx(800.0)  # diagonal
    assert a.exposed_m(np.zeros(4, dtype=bool)) == 0.0


@pytest.mark.parametrize("method", ["tolerant", "auto"])
def test_t_junction_without_shared_vertex(method):
    # one long rectangle beside two short ones; the long one has no vertex at y=50
    a = adjacency(
        layer(box(0, 0, 100, 100), box(100, 0, 200, 50), box(100, 50, 200, 100)), method=method
    )
    # auto: B1/B2 matched exactly, the rest by tolerance
    assert a.method == ("exact+tolerant" if method == "auto" else "tolerant")
    assert pairs(a) == pytest.approx({(0, 1): 50.0, (0, 2): 50.0, (1, 2): 100.0})
    assert a.perimeter_m == pytest.approx([400.0, 300.0, 300.0])


@pytest.mark.parametrize("method", METHODS)
def test_t_junction_with_shared_vertex(method):
    long_one = Polygon([(0, 0), (100, 0), (100, 50), (100, 100), (0, 100)])
    a = adjacency(layer(long_one, box(100, 0, 200, 50), box(100, 50, 200, 100)), method=method)
    assert a.method == ("exact" if method == "auto" else method)
    assert pairs(a) == pytest.approx({(0, 1): 50.0, (0, 2): 50.0, (1, 2): 100.0})


def test_exact_method_misses_unmatched_vertices():
    """Documented: "exact" assumes a clean tiling and is not checked when asked for."""
    a = adjacency(
        layer(box(0, 0, 100, 100), box(100, 0, 200, 50), box(100, 50, 200, 100)), method="exact"
    )
    assert pairs(a) == pytest.approx({(1, 2): 100.0})


@pytest.mark.parametrize("method", ["tolerant", "auto"])
def test_gap_counts_within_tolerance(method):
    gdf = layer(box(0, 0, 100, 100), box(100.2, 0, 200.2, 100))  # 0.2 m gap
    a = adjacency(gdf, tolerance=0.5, method=method)
    assert a.method == ("exact+tolerant" if method == "auto" else "tolerant")
    assert pairs(a) == pytest.approx({(0, 1): 100.0}, rel=1e-9)
    assert a.exposed_m(np.array([True, True])) == pytest.approx(600.0, rel=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_gap_not_counted_with_small_tolerance(method):
    gdf = layer(box(0, 0, 100, 100), box(100.2, 0, 200.2, 100))
    a = adjacency(gdf, tolerance=0.01, method=method)
    assert a.pairs == 0
    assert a.exposed_m(np.array([True, True])) == pytest.approx(800.0)


@pytest.mark.parametrize("method", ["tolerant", "auto"])
def test_overlap_counts_once(method):
    gdf = layer(box(0, 0, 100.3, 100), box(100, 0, 200, 100))  # 0.3 m overlap
    a = adjacency(gdf, tolerance=0.5, method=method)
    assert a.method == ("exact+tolerant" if method == "auto" else "tolerant")
    # the two 0.3 m stretches where the top (and bottom) edges coincide run the same way:
    # outer boundary of both, not shared
    assert pairs(a) == pytest.approx({(0, 1): 100.0}, rel=1e-9)


@pytest.mark.parametrize("method", ["tolerant", "auto"])
def test_wedge_sliver_counts_where_narrower_than_tolerance(method):
    # the gap opens from 0 at y=0 to 0.8 m at y=100: it is within 0.5 m up to y=62.5
    right = Polygon([(100, 0), (200, 0), (200, 100), (100.8, 100)])
    a = adjacency(layer(box(0, 0, 100, 100), right), tolerance=0.5, method=method)
    assert pairs(a) == pytest.approx({(0, 1): 62.5}, rel=1e-9)


def test_sliver_parcel_between_two_parcels():
    # a 0.3 m wide parcel between two squares: a clean tiling
    gdf = layer(box(0, 0, 100, 100), box(100, 0, 100.3, 100), box(100.3, 0, 200.3, 100))
    for method in ("exact", "auto"):
        a = adjacency(gdf, method=method)
        assert a.method == "exact"
        assert pairs(a) == pytest.approx({(0, 1): 100.0, (1, 2): 100.0})
    # Tolerant matching of every segment also pairs the squares, 0.3 m apart across the
    # sliver: the documented difference between "tolerant" and "auto". The sliver's far
    # side runs the same way as its neighbour's edge, so nothing is counted twice.
    tolerant = adjacency(gdf, method="tolerant")
    assert pairs(tolerant) == pytest.approx({(0, 1): 100.0, (0, 2): 100.0, (1, 2): 100.0})


@pytest.mark.parametrize("method", ["tolerant", "auto"])
def test_corner_contact_shorter_than_tolerance_is_not_a_neighbour(method):
    # 1 shares 0.4 m of edge with 0: no more than the 0.5 m tolerance, a corner in practice
    gdf = layer(box(0, 0, 100, 100), box(100, 99.6, 200, 199.6))
    assert adjacency(gdf, method=method).pairs == 0
    kept = adjacency(gdf, method=method, min_length_m=0.0)
    assert pairs(kept) == pytest.approx({(0, 1): 0.4}, rel=1e-6)


def test_corner_contact_exact():
    low = Polygon([(0, 0), (100, 0), (100, 99.6), (100, 100), (0, 100)])
    high = Polygon([(100, 99.6), (200, 99.6), (200, 199.6), (100, 199.6), (100, 100)])
    assert adjacency(layer(low, high), method="exact").pairs == 0
    kept = adjacency(layer(low, high), method="exact", min_length_m=0.0)
    assert pairs(kept) == pytest.approx({(0, 1): 0.4}, rel=1e-6)


@pytest.mark.parametrize("method", ["tolerant", "auto"])
def test_overlapping_corners(method):
    # diagonal neighbours whose corners overlap by 0.3 m x 0.3 m: the two sides of the
    # overlap face each other, 0.3 m each (documented); a gap at the corner gives nothing
    gdf = layer(box(0, 0, 100.3, 100.3), box(100, 100, 200, 200))
    assert pairs(adjacency(gdf, method=method)) == pytest.approx({(0, 1): 0.6}, rel=1e-9)
    gap = layer(box(0, 0, 99.8, 99.8), box(100, 100, 200, 200))
    assert adjacency(gap, method=method, min_length_m=0.0).pairs == 0


@pytest.mark.parametrize("method", METHODS)
def test_parcels_drawn_twice(method):
    # the same square twice beside a third: both copies share the edge, not each other
    gdf = layer(box(0, 0, 100, 100), box(0, 0, 100, 100), box(100, 0, 200, 100))
    assert pairs(adjacency(gdf, method=method)) == pytest.approx({(0, 2): 100.0, (1, 2): 100.0})


@pytest.mark.parametrize("method", METHODS)
def test_hole_filled_by_another_parcel(method):
    ring = Polygon(box(0, 0, 300, 300).exterior.coords, [box(100, 100, 200, 200).exterior.coords])
    a = adjacency(layer(ring, box(100, 100, 200, 200)), method=method)
    assert pairs(a) == pytest.approx({(0, 1): 400.0})
    assert a.perimeter_m == pytest.approx([1600.0, 400.0])
    assert a.exposed_m(np.array([True, True])) == pytest.approx(1200.0)


@pytest.mark.parametrize("method", METHODS)
def test_multipolygon_parts_add_up(method):
    parts = shapely.MultiPolygon([box(0, 0, 100, 100), box(200, 0, 300, 100)])
    a = adjacency(layer(parts, box(100, 0, 200, 100)), method=method)
    assert pairs(a) == pytest.approx({(0, 1): 200.0})
    assert a.perimeter_m == pytest.approx([800.0, 400.0])


@pytest.mark.parametrize("method", METHODS)
def test_rotated_grid_and_clockwise_rings(method):
    cells = [box(x, y, x + 40, y + 60) for y in (0, 60, 120) for x in (0, 40, 80)]
    cells[4] = cells[4].reverse()  # clockwise outer ring: orientation must not matter
    gdf = layer(*[affinity.rotate(c, 27, origin=(0, 0)) for c in cells])
    a = adjacency(gdf, method=method)
    assert a.method == ("tolerant" if method == "tolerant" else "exact")
    horizontal = {(k, k + 1): 60.0 for k in (0, 1, 3, 4, 6, 7)}
    vertical = {(k, k + 3): 40.0 for k in range(6)}
    assert pairs(a) == pytest.approx(horizontal | vertical, rel=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_curved_boundary_of_many_segments(method):
    # two parcels share a quarter circle of radius 100 m drawn with 90 segments (rings
    # longer than one chain of tolerant matching)
    angle = np.linspace(0, np.pi / 2, 91)
    arc = np.column_stack([100 * np.cos(angle), 100 * np.sin(angle)])
    inner = Polygon([(0, 0), *arc])
    outer = Polygon([(100, 0), (150, 0), (150, 150), (0, 150), (0, 100), *arc[::-1][1:-1]])
    a = adjacency(layer(inner, outer), method=method)
    chord = 90 * 2 * 100 * np.sin(np.pi / 4 / 90)
    assert pairs(a) == pytest.approx({(0, 1): chord}, rel=1e-9)


@pytest.mark.parametrize("method", ["tolerant", "auto"])
def test_long_edge_of_many_vertices_beside_a_plain_one(method):
    # the left parcel's right edge has a vertex every metre, the right parcel's none
    edge = [(100.0, float(y)) for y in range(101)]
    left = Polygon([(0, 0), *edge, (0, 100)])
    a = adjacency(layer(left, box(100, 0, 200, 100)), method=method)
    assert pairs(a) == pytest.approx({(0, 1): 100.0}, rel=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_positions_not_index_labels_and_missing_geometry(method):
    gdf = layer(box(0, 0, 10, 10), None, box(10, 0, 20, 10), shapely.Polygon())
    gdf.index = [40, 30, 20, 10]
    a = adjacency(gdf, method=method)
    assert pairs(a) == pytest.approx({(0, 2): 10.0})
    assert a.perimeter_m == pytest.approx([40.0, 0.0, 40.0, 0.0])


def test_empty_layer():
    a = adjacency(layer())
    assert (a.n, a.pairs, a.perimeter_m.shape) == (0, 0, (0,))
    assert a.to_sparse().shape == (0, 0)


# ----------------------------------------------------------------------------------------
# Helpers of the result
# ----------------------------------------------------------------------------------------


def test_sparse_neighbours_and_record():
    a = adjacency(grid_2x2())
    m = a.to_sparse()
    assert m.shape == (4, 4)
    assert (m != m.T).nnz == 0
    assert m[0, 1] == pytest.approx(100.0) and m[0, 3] == 0.0 and m.diagonal().sum() == 0.0
    assert a.neighbours(0).tolist() == [1, 2]
    assert a.neighbours(3).tolist() == [1, 2]
    with pytest.raises(IndexError):
        a.neighbours(4)
    rec = a.record()
    assert rec["parcels"] == 4 and rec["pairs"] == 4
    assert rec["shared_km"] == pytest.approx(0.4)
    assert rec["perimeter_km"] == pytest.approx(1.6)
    assert rec["method"] == "exact" and rec["tolerance_m"] == 0.5 and rec["isolated"] == 0
    assert rec["seconds"] >= 0 and rec["source"] == "computed"


def test_components_of_a_selection():
    row = layer(*[box(10 * k, 0, 10 * k + 10, 10) for k in range(6)])
    a = adjacency(row)
    labels = a.components(np.array([False, True, True, False, True, True]))
    assert labels.tolist() == [-1, 0, 0, -1, 1, 1]
    assert a.components(np.ones(6, dtype=bool)).tolist() == [0] * 6
    assert a.components(np.zeros(6, dtype=bool)).tolist() == [-1] * 6
    diagonal = adjacency(grid_2x2()).components(np.array([True, False, False, True]))
    assert diagonal.tolist() == [0, -1, -1, 1]  # a corner does not connect


def test_masks_are_checked():
    a = adjacency(grid_2x2())
    with pytest.raises(ValueError, match="boolean mask of 4"):
        a.exposed_m([0, 1, 2, 3])
    with pytest.raises(ValueError, match="boolean mask of 4"):
        a.components(np.ones(3, dtype=bool))


def test_arrays_are_read_only():
    a = adjacency(grid_2x2())
    with pytest.raises(ValueError):
        a.length_m[0] = 0.0
    with pytest.raises(AttributeError):
        a.n = 3  # type: ignore[misc]


def test_docstring_examples():
    result = doctest.testmod(adj_mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ----------------------------------------------------------------------------------------
# Real data: both methods agree on a clean tiling
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> gpd.GeoDataFrame:
    return read_parcels(DEMO)


def test_methods_agree_on_demo_data(demo):
    exact = adjacency(demo, method="exact", cache=False)
    tolerant = adjacency(demo, method="tolerant", cache=False)
    auto = adjacency(demo, cache=False)
    assert auto.method == "exact"  # the demo is a clean tiling: nothing left to match
    np.testing.assert_array_equal(auto.length_m, exact.length_m)
    assert exact.pairs > 4000
    np.testing.assert_array_equal(exact.i, tolerant.i)
    np.testing.assert_array_equal(exact.j, tolerant.j)
    np.testing.assert_allclose(tolerant.length_m, exact.length_m, rtol=1e-6)
    np.testing.assert_allclose(exact.perimeter_m, shapely.length(demo.geometry.values), rtol=1e-12)
    order = np.lexsort((exact.j, exact.i))
    np.testing.assert_array_equal(order, np.arange(exact.pairs))  # sorted by (i, j)
    assert (exact.i < exact.j).all()
    # no parcel shares more than its perimeter
    shared = np.bincount(exact.i, exact.length_m, exact.n) + np.bincount(
        exact.j, exact.length_m, exact.n
    )
    assert (shared <= exact.perimeter_m * (1 + 1e-9)).all()


def with_geometry(gdf: gpd.GeoDataFrame, geoms: np.ndarray) -> gpd.GeoDataFrame:
    out = gdf.copy()
    out.geometry = gpd.GeoSeries(geoms, crs=gdf.crs)
    return out


@pytest.mark.parametrize("method", ["tolerant", "auto"])
@pytest.mark.parametrize("offset_m", [-0.1, 0.1])
def test_demo_with_gaps_or_overlaps_everywhere(demo, method, offset_m):
    """Every parcel shrunk (0.2 m gaps) or grown (0.2 m overlaps): every pair still found."""
    exact = adjacency(demo, method="exact")
    geoms = shapely.buffer(np.asarray(demo.geometry.values), offset_m, join_style="mitre")
    a = adjacency(with_geometry(demo, geoms), method=method)
    assert a.method == ("tolerant" if method == "tolerant" else "exact+tolerant")
    np.testing.assert_array_equal(a.i, exact.i)
    np.testing.assert_array_equal(a.j, exact.j)
    # each shared edge loses (or gains) the offset at both ends
    np.testing.assert_allclose(a.length_m - exact.length_m, 2 * offset_m, atol=0.01)


def test_demo_with_jittered_vertices(demo):
    """No vertex shared any more (each moved by up to 5 cm): the same pairs, lengths close."""
    exact = adjacency(demo, method="exact")
    coords, ring = shapely.get_coordinates(np.asarray(demo.geometry.values), return_index=True)
    coords = coords + np.random.default_rng(1).uniform(-0.05, 0.05, coords.shape)
    last = np.flatnonzero(np.append(ring[1:] != ring[:-1], True))
    coords[last] = coords[np.append(0, last[:-1] + 1)]  # keep the rings closed
    jittered = with_geometry(demo, shapely.polygons(shapely.linearrings(coords, indices=ring)))
    assert adjacency(jittered, method="exact").pairs == 0
    a = adjacency(jittered)
    assert a.method == "exact+tolerant"
    np.testing.assert_array_equal(a.i, exact.i)
    np.testing.assert_array_equal(a.j, exact.j)
    np.testing.assert_allclose(a.length_m, exact.length_m, atol=0.2)
    assert a.length_m.sum() == pytest.approx(exact.length_m.sum(), rel=1e-3)


def test_exact_matching_survives_hash_collisions(demo, monkeypatch):
    reference = adjacency(demo, method="exact", cache=False)
    monkeypatch.setattr(match_mod, "_MIX", np.zeros(4, dtype=np.uint64))  # every hash collides
    collided = adjacency(demo, method="exact", cache=False)
    np.testing.assert_array_equal(collided.i, reference.i)
    np.testing.assert_array_equal(collided.j, reference.j)
    np.testing.assert_array_equal(collided.length_m, reference.length_m)


# ----------------------------------------------------------------------------------------
# Caches
# ----------------------------------------------------------------------------------------


@pytest.fixture
def calls(monkeypatch) -> dict[str, int]:
    counted = {"exact": 0, "tolerant": 0}
    for name in counted:
        real = getattr(adj_mod, f"_{name}_match")

        def wrapper(*args, _real=real, _name=name, **kwargs):
            counted[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(adj_mod, f"_{name}_match", wrapper)
    return counted


def test_memory_cache_returns_the_same_object(calls):
    first = adjacency(grid_2x2())
    assert calls == {"exact": 1, "tolerant": 1}  # auto: exact, then the leftover edges
    again = adjacency(grid_2x2())  # a new but equal layer: same fingerprint
    assert again is first
    assert again.length_m is first.length_m
    assert calls == {"exact": 1, "tolerant": 1}
    assert adjacency(grid_2x2(), method="exact") is first  # auto found a clean tiling
    assert calls == {"exact": 1, "tolerant": 1}
    assert adjacency(grid_2x2(), tolerance=0.1) is not first  # another tolerance
    assert adjacency(grid_2x2(), method="tolerant") is not first
    assert calls == {"exact": 2, "tolerant": 3}
    assert adjacency(grid_2x2(), cache=False) is not first
    assert calls == {"exact": 3, "tolerant": 4}


def test_cache_sees_changed_geometry(calls):
    gdf = grid_2x2()
    first = adjacency(gdf)
    moved = gdf.copy()
    moved.geometry = moved.geometry.translate(0.001, 0)  # every parcel moved: new layer
    assert adjacency(moved) is not first
    reordered = gdf.iloc[[1, 0, 2, 3]]
    assert pairs(adjacency(reordered)) == pytest.approx(
        {(0, 1): 100.0, (0, 3): 100.0, (1, 2): 100.0, (2, 3): 100.0}
    )
    assert calls["exact"] == 3  # moved and reordered: each computed once


def test_memory_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(adj_mod, "CACHE_SIZE", 2)
    first = adjacency(grid_2x2(), tolerance=0.1)
    adjacency(grid_2x2(), tolerance=0.2)
    adjacency(grid_2x2(), tolerance=0.3)
    assert len(adj_mod._cache) == 2
    assert adjacency(grid_2x2(), tolerance=0.1) is not first


def test_disk_cache(tmp_path, calls, caplog):
    first = adjacency(grid_2x2(), cache=False, cache_dir=tmp_path)
    files = list(tmp_path.glob("adjacency-*.npz"))
    assert len(files) == 1
    again = adjacency(grid_2x2(), cache=False, cache_dir=tmp_path)
    assert calls["exact"] == 1
    assert again.source == "disk" and again.method == "exact"
    assert pairs(again) == pairs(first)
    np.testing.assert_array_equal(again.perimeter_m, first.perimeter_m)
    whole = files[0].read_bytes()
    for broken in (b"not a zip file", whole[: len(whole) // 2]):
        files[0].write_bytes(broken)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="landopt.adjacency"):
            third = adjacency(grid_2x2(), cache=False, cache_dir=tmp_path)
        assert "recomputing" in caplog.text
        assert third.source == "computed"
    assert calls["exact"] == 3
    assert adjacency(grid_2x2(), cache=False, cache_dir=tmp_path).source == "disk"  # rewritten
    assert list(tmp_path.glob(".adjacency-*")) == []  # no temporary file left behind


# ----------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------


def test_geographic_crs_is_refused():
    gdf = layer(box(0, 0, 100, 100)).to_crs("EPSG:4490")
    with pytest.raises(InputError, match=r"geographic CRS.*read_parcels"):
        adjacency(gdf)


def test_missing_crs_and_feet_are_refused():
    with pytest.raises(InputError, match=r"no CRS.*read_parcels"):
        adjacency(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)]))
    feet = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs="EPSG:2263")  # US survey feet
    with pytest.raises(InputError, match="not in metres"):
        adjacency(feet)


def test_bad_geometries_and_options_are_refused():
    with pytest.raises(InputError, match="not polygons"):
        adjacency(layer(box(0, 0, 1, 1), shapely.Point(5, 5)))
    with pytest.raises(InputError, match="unknown adjacency method 'fast'"):
        adjacency(grid_2x2(), method="fast")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="tolerance must be"):
        adjacency(grid_2x2(), tolerance=-1)
    with pytest.raises(InputError, match="min_length_m must be"):
        adjacency(grid_2x2(), min_length_m=float("nan"))
    with pytest.raises(InputError, match="GeoDataFrame or GeoSeries"):
        adjacency([box(0, 0, 1, 1)])  # type: ignore[arg-type]
