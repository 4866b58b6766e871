"""Time landopt.adjacency on parcel layers (run by hand; figures go in the notes).

Usage::

    python scripts/make_demo_data.py --parcels 100000 --out /tmp/d100k.parquet
    python scripts/bench_adjacency.py data/parcels.geojson /tmp/d100k.parquet [--jitter 0.05]

For each layer (read with ``landopt.read_parcels``) and each method, prints wall time,
peak resident memory of the process during the call and its rise above the memory in
use before it, the number of neighbouring pairs and the total shared boundary. The
"jittered" variant moves every vertex of every parcel independently by up to
``--jitter`` metres in x and y, so that no neighbour shares a vertex any more: the case
exact matching cannot handle; its rows also say how close the result comes to the clean
layer's exact table (pairs found, total length). Every call is run with ``cache=False``;
the last line per layer times a memory-cache hit. Run one benchmark at a time: peak
memory of a 1M layer is several GB.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

import landopt
from landopt.adjacency import METHODS, Adjacency, adjacency, clear_adjacency_cache

ROOT = Path(__file__).resolve().parents[1]
_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_mb(field: str) -> float:
    match = re.search(rf"^{field}:\s+(\d+) kB", _STATUS.read_text(), re.MULTILINE)
    return int(match.group(1)) / 1024 if match else float("nan")


def reset_peak() -> bool:
    """Reset the process's peak RSS (Linux); False when the kernel does not allow it."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def jitter(parcels: gpd.GeoDataFrame, metres: float, seed: int = 0) -> gpd.GeoDataFrame:
    """Move every vertex of every parcel independently by up to ``metres`` in x and y."""
    geoms = np.asarray(parcels.geometry.values)
    if (shapely.get_type_id(geoms) != 3).any() or shapely.get_num_interior_rings(geoms).any():
        raise SystemExit("--jitter handles single polygons without holes only")
    coords, ring = shapely.get_coordinates(geoms, return_index=True)
    rng = np.random.default_rng(seed)
    coords = coords + rng.uniform(-metres, metres, coords.shape)
    last = np.flatnonzero(np.append(ring[1:] != ring[:-1], True))
    first = np.append(0, last[:-1] + 1)
    coords[last] = coords[first]  # keep the rings closed
    out = parcels.copy()
    out.geometry = gpd.GeoSeries(
        shapely.polygons(shapely.linearrings(coords, indices=ring)), crs=parcels.crs
    )
    return out


def measure(parcels: gpd.GeoDataFrame, method: str, tolerance: float) -> tuple[Adjacency, dict]:
    clear_adjacency_cache()
    exact_peak = reset_peak()
    before = _status_mb("VmRSS")
    t = time.perf_counter()
    result = adjacency(parcels, tolerance=tolerance, method=method, cache=False)  # type: ignore[arg-type]
    seconds = time.perf_counter() - t
    peak = _status_mb("VmHWM")
    return result, {
        "seconds": seconds,
        "peak_mb": peak,
        "rise_mb": peak - before if exact_peak else float("nan"),
    }


def compare(result: Adjacency, reference: Adjacency) -> str:
    """Share of the reference pairs found, extra pairs, and total length against it."""
    ref = reference.i * reference.n + reference.j
    got = result.i * result.n + result.j
    found = np.isin(ref, got).mean() if len(ref) else 1.0
    extra = int((~np.isin(got, ref)).sum())
    ratio = result.length_m.sum() / reference.length_m.sum() if len(ref) else float("nan")
    return f"{100 * found:6.2f} % of pairs, {extra} extra, length x{ratio:.5f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("layers", nargs="*", default=[str(ROOT / "data" / "parcels.geojson")])
    ap.add_argument("--methods", default="exact,tolerant,auto", help="comma-separated")
    ap.add_argument("--tolerance", type=float, default=0.5)
    ap.add_argument(
        "--jitter",
        type=float,
        default=0.05,
        help="also time a jittered copy, vertices moved up to this many metres (0: skip)",
    )
    args = ap.parse_args()
    methods = [m for m in args.methods.split(",") if m]
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise SystemExit(f"unknown methods {sorted(unknown)}: use {', '.join(METHODS)}")
    if not reset_peak():
        print("note: cannot reset the peak RSS here; 'peak' is the process's peak so far")

    head = (
        f"{'layer':<24} {'parcels':>9} {'variant':<9} {'method':<9} {'used':<15} "
        f"{'seconds':>8} {'peak MB':>8} {'+MB':>7} {'pairs':>10} {'shared km':>11}  vs clean exact"
    )
    for path in args.layers:
        t = time.perf_counter()
        parcels = landopt.read_parcels(path)
        name = Path(path).name
        print(
            f"\n{name}: read {len(parcels):,} parcels in {time.perf_counter() - t:.1f} s "
            f"(RSS {_status_mb('VmRSS'):,.0f} MB)"
        )
        print(head)
        variants = [("clean", parcels)]
        if args.jitter > 0:
            variants.append(("jittered", jitter(parcels, args.jitter)))
        reference: Adjacency | None = None
        for variant, layer in variants:
            for method in methods:
                result, m = measure(layer, method, args.tolerance)
                if variant == "clean" and method == "exact":
                    reference = result
                versus = compare(result, reference) if reference is not None else ""
                print(
                    f"{name[:24]:<24} {result.n:>9,} {variant:<9} {method:<9} {result.method:<15} "
                    f"{m['seconds']:>8.2f} {m['peak_mb']:>8,.0f} {m['rise_mb']:>7,.0f} "
                    f"{result.pairs:>10,} {result.length_m.sum() / 1000:>11,.1f}  {versus}"
                )
                sys.stdout.flush()
        clear_adjacency_cache()
        adjacency(parcels, tolerance=args.tolerance)
        t = time.perf_counter()
        adjacency(parcels, tolerance=args.tolerance)
        print(f"memory-cache hit (fingerprint only): {time.perf_counter() - t:.2f} s")
        del parcels, variants, reference
        clear_adjacency_cache()


if __name__ == "__main__":
    main()
