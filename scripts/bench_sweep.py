"""Benchmark a sweep on the one Dask engine with 1 and 2 workers (run by hand; see BENCHMARKS.md).

Usage::

    python scripts/bench_sweep.py --points 24 --jobs 1 2 --runs 2
    python scripts/bench_sweep.py --layer /tmp/landopt-bench/district_100000.parquet --runs 1

Each run is a fresh ``landopt sweep`` process (imports, reading the layer, compiling, the
LocalCluster's start-up and every point), timed from outside, on the 2023 demo scenario with
``actions.clear.targets.area_min`` stepped over ``--points`` values (300, 330, … mu). With ``--layer`` (a generated district in the
demo's columns, ``scripts/bench.py``'s ``ensure_layer``) the scenario's targets and the
stepped values are scaled by parcels/3000, as ``scripts/bench_programme.py`` does. The tables of all
runs are compared, all but their ``solve_s`` column: they must be identical. Runs go round by round (jobs 1, 2, 1, 2, …); prints one line per run
with the load average, and the median per number of jobs with its speed-up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "scenarios" / "zhangdian-2023.toml"


def _scaled(layer: Path, tmp: Path) -> tuple[Path, float]:
    """The demo scenario on ``layer`` with its targets scaled by parcels/3000, and the factor."""
    import pyarrow.parquet as pq

    n = pq.ParquetFile(layer).metadata.num_rows
    f = n / 3000
    text = DEMO.read_text(encoding="utf-8")
    text = text.replace('path = "../parcels.geojson"', f"path = {json.dumps(str(layer.resolve()))}")
    for c, mu in ((17, 560), (4, 430), (10, 810)):
        old = f"targets = {{ count = {c}, area_min = {mu} }}"
        assert old in text, old
        text = text.replace(old, f"targets = {{ count = {round(c * f)}, area_min = {mu * f:.1f} }}")
    path = tmp / "scaled.toml"
    path.write_text(text, encoding="utf-8")
    print(f"{layer.name}: {n:,} parcels, targets x{f:.2f}", flush=True)
    return path, f


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=24)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--layer", help="a generated district instead of the demo's layer")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    scenario, lo, step = DEMO, 300.0, 30.0
    if args.layer:
        scenario, f = _scaled(Path(args.layer), tmp)
        lo, step = lo * f, step * f
    hi = lo + step * (args.points - 1)
    vary = f"actions.clear.targets.area_min={lo:g}:{hi:g}:{step:g}"
    tables: list[pd.DataFrame] = []
    walls: dict[int, list[float]] = {jobs: [] for jobs in args.jobs}
    # round by round (jobs 1, 2, 1, 2, ...), so that a change in the machine's load
    # between rounds falls on both numbers of jobs alike
    for r in range(args.runs):
        for jobs in args.jobs:
            out = tmp / f"out-{jobs}-{r}"
            cmd = [
                sys.executable,
                "-m",
                "landopt",
                "sweep",
                str(scenario),
                "--vary",
                vary,
                "--out",
                str(out),
                "--force",
                "--jobs",
                str(jobs),
            ]
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            walls[jobs].append(time.perf_counter() - t)
            table = pd.read_csv(out / "sweep.csv", encoding="utf-8-sig")
            tables.append(table.drop(columns=["solve_s"]))  # the one column that is a timing
            load = Path("/proc/loadavg").read_text().split()[0]
            print(f"round {r + 1}, jobs {jobs}: {walls[jobs][-1]:.1f} s (load {load})", flush=True)
    base = statistics.median(walls[args.jobs[0]])
    for jobs in args.jobs:
        med = statistics.median(walls[jobs])
        print(
            f"jobs {jobs}: median {med:.1f} s over {len(walls[jobs])} runs, "
            f"{base / med:.2f}x of jobs {args.jobs[0]}",
            flush=True,
        )
    print("tables identical (but for solve_s):", all(t.equals(tables[0]) for t in tables))


if __name__ == "__main__":
    main()
