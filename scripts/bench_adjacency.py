"""Time landopt.adjacency on parcel layers (run by hand; figures go in the notes).

Usage::

    python scripts/make_demo_data.py --parcels 100000 --out /tmp/d100k.parquet
    python scripts/bench_adjacency.py data/parcels.geojson /tmp/d100k.parquet [--jitter 0.05]

Each layer is read once with ``landopt.read_parcels`` and its geometry saved (GeoParquet,
working CRS) to a temporary directory; every (variant, method) is then timed in a fresh
Python process that reads that file, so that its memory figures are its own: ``peak MB``
is the process's peak resident memory during the call, ``+MB`` its rise above the memory
in use after reading the layer. The "jittered" variant moves every vertex of every
parcel independently by up to ``--jitter`` metres in x and y, so that no neighbour shares
a vertex any more (the case exact matching cannot handle); the last column compares
each table with the clean layer's exact one. ``seconds`` is the median of ``--repeat``
calls (timings on a shared VM vary by up to 2x), ``hit s`` a further call answered by
the memory cache (the fingerprint of the geometries). Run one benchmark at a time: a 1M
layer takes several GB.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
METHODS = ("exact", "tolerant", "auto")
_STATUS = Path("/proc/self/status")


def _status_mb(field: str) -> float:
    try:
        match = re.search(rf"^{field}:\s+(\d+) kB", _STATUS.read_text(), re.MULTILINE)
    except OSError:
        return float("nan")
    return int(match.group(1)) / 1024 if match else float("nan")


def _reset_peak() -> bool:
    """Reset this process's peak RSS (Linux >= 4.0); False when not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
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
    coords[last] = coords[np.append(0, last[:-1] + 1)]  # keep the rings closed
    geometry = shapely.polygons(shapely.linearrings(coords, indices=ring))
    return gpd.GeoDataFrame(geometry=geometry, crs=parcels.crs)


def child(layer: str, method: str, tolerance: float, out: str, repeat: int) -> None:
    """Time calls in this (fresh) process; print a JSON line, save the table to ``out``.

    Memory is that of the first call; the time is the median of ``repeat`` calls.
    """
    from landopt.adjacency import adjacency, clear_adjacency_cache

    parcels = gpd.read_parquet(layer)
    exact_peak = _reset_peak()
    before = _status_mb("VmRSS")
    times: list[float] = []
    for _ in range(max(1, repeat)):
        clear_adjacency_cache()
        t = time.perf_counter()
        result = adjacency(parcels, tolerance=tolerance, method=method)  # type: ignore[arg-type]
        times.append(time.perf_counter() - t)
        if len(times) == 1:
            peak = (
                _status_mb("VmHWM")
                if exact_peak
                else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            )
    seconds = float(np.median(times))
    t = time.perf_counter()
    assert adjacency(parcels, tolerance=tolerance, method=method) is result  # type: ignore[arg-type]
    hit = time.perf_counter() - t
    np.savez(out, i=result.i, j=result.j, length_m=result.length_m)
    record = result.record()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "hit": hit,
                "peak_mb": peak,
                "rise_mb": peak - before if exact_peak else float("nan"),
                "used": record["method"],
                "pairs": record["pairs"],
                "shared_km": record["shared_km"],
                "n": record["parcels"],
            }
        )
    )


def compare(table: dict[str, np.ndarray], reference: dict[str, np.ndarray], n: int) -> str:
    """Share of the reference pairs found, extra pairs, and total length against it."""
    ref = reference["i"] * n + reference["j"]
    got = table["i"] * n + table["j"]
    if not len(ref):
        return ""
    found = np.isin(ref, got).mean()
    extra = int((~np.isin(got, ref)).sum())
    ratio = table["length_m"].sum() / reference["length_m"].sum()
    return f"{100 * found:6.2f} % of pairs, {extra} extra, length x{ratio:.5f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("layers", nargs="*", default=[str(ROOT / "data" / "parcels.geojson")])
    ap.add_argument("--methods", default=",".join(METHODS), help="comma-separated")
    ap.add_argument("--tolerance", type=float, default=0.5)
    ap.add_argument(
        "--jitter",
        type=float,
        default=0.05,
        help="also time a jittered copy, vertices moved up to this many metres (0: skip)",
    )
    ap.add_argument("--repeat", type=int, default=3, help="calls per measurement (median)")
    ap.add_argument("--child", nargs=2, metavar=("LAYER", "METHOD"), help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.tolerance, args.out, args.repeat)
        return

    import landopt

    methods = [m for m in args.methods.split(",") if m]
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise SystemExit(f"unknown methods {sorted(unknown)}: use {', '.join(METHODS)}")
    head = (
        f"{'layer':<24} {'parcels':>9} {'variant':<9} {'method':<9} {'used':<15} "
        f"{'seconds':>8} {'hit s':>6} {'peak MB':>8} {'+MB':>7} {'pairs':>10} {'shared km':>11}"
        "  vs clean exact"
    )
    with tempfile.TemporaryDirectory(prefix="bench-adjacency-") as tmp:
        for path in args.layers:
            t = time.perf_counter()
            parcels = landopt.read_parcels(path)
            name = Path(path).name
            print(f"\n{name}: read {len(parcels):,} parcels in {time.perf_counter() - t:.1f} s")
            files = {"clean": Path(tmp) / "clean.parquet"}
            parcels[["geometry"]].to_parquet(files["clean"])
            if args.jitter > 0:
                files["jittered"] = Path(tmp) / "jittered.parquet"
                jitter(parcels, args.jitter).to_parquet(files["jittered"])
            del parcels
            print(head)
            reference: dict[str, np.ndarray] | None = None
            for variant, file in files.items():
                for method in methods:
                    out = Path(tmp) / f"{variant}-{method}.npz"
                    cmd = [sys.executable, __file__, "--child", str(file), method]
                    cmd += ["--tolerance", str(args.tolerance), "--out", str(out)]
                    cmd += ["--repeat", str(args.repeat)]
                    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
                    if run.returncode:
                        print(run.stderr, file=sys.stderr)
                        raise SystemExit(f"{variant} {method} failed")
                    m = json.loads(run.stdout.strip().splitlines()[-1])
                    with np.load(out) as f:
                        table = {k: f[k] for k in f.files}
                    if variant == "clean" and method == "exact":
                        reference = table
                    versus = compare(table, reference, m["n"]) if reference is not None else ""
                    print(
                        f"{name[:24]:<24} {m['n']:>9,} {variant:<9} {method:<9} {m['used']:<15} "
                        f"{m['seconds']:>8.2f} {m['hit']:>6.2f} {m['peak_mb']:>8,.0f} "
                        f"{m['rise_mb']:>7,.0f} {m['pairs']:>10,} {m['shared_km']:>11,.1f}  {versus}"
                    )
                    sys.stdout.flush()


if __name__ == "__main__":
    main()
