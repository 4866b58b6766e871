"""Benchmarks of many districts and of shared quotas by decomposition (BENCHMARKS.md).

1. ``plan_many`` on a synthetic province (``scripts/make_province.py``) with ``--jobs 1``
   and ``--jobs 2``: wall time, peak memory of this process (RSS high-water mark; the
   workers' own memory is reported by the LocalCluster, not here), identical results.
2. ``decompose`` against the joint model on a province where the joint model solves:
   allocation cost, lower bound, joint optimum, gap, times.

Usage::

    python scripts/bench_province.py --districts 137 --parcels 3000
    python scripts/bench_province.py --districts 16 --parcels 3000 --shared-districts 8
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import sys
import time
import tomllib
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def _province(districts: int, parcels: int):
    spec = importlib.util.spec_from_file_location(
        "make_province", ROOT / "scripts" / "make_province.py"
    )
    mod = importlib.util.module_from_spec(spec)
    sys.modules["make_province"] = mod
    spec.loader.exec_module(mod)
    return mod.generate_province(districts, parcels)


def _scenario(n: int, shared: dict | None = None):
    from landopt.scenario import scenario_from_dict

    d = tomllib.loads(
        (ROOT / "data" / "scenarios" / "zhangdian-2023.toml").read_text(encoding="utf-8")
    )
    d.pop("parcels")
    d["solver"]["time_limit"] = 120
    if shared is None:  # the demo's targets per district, as province totals scaled back
        for a, (cnt, mu) in {
            "clear": (17, 560),
            "revitalize": (4, 430),
            "upgrade": (10, 810),
        }.items():
            d["actions"][a]["targets"] = {"count": cnt * n, "area_min": mu * n}
    else:
        for a in d["actions"]:
            d["actions"][a]["targets"] = {}
        d["shared"] = shared
    return scenario_from_dict(d)


def main() -> int:
    """Run both benchmarks and print the figures."""
    from landopt.decompose import decompose
    from landopt.districts import plan_many

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--districts", type=int, default=137)
    ap.add_argument("--parcels", type=int, default=3000)
    ap.add_argument("--shared-districts", type=int, default=8)
    ap.add_argument("--skip-many", action="store_true")
    args = ap.parse_args()
    if not args.skip_many:
        t = time.perf_counter()
        layer = _province(args.districts, args.parcels)
        print(
            f"province: {args.districts} x {args.parcels} = {len(layer):,} parcels, made in {time.perf_counter() - t:.1f} s"
        )
        sc = _scenario(args.districts)
        tables = []
        for jobs in (1, 2):
            t = time.perf_counter()
            r = plan_many(sc, layer, by="district_code", scale=True, jobs=jobs)
            wall = time.perf_counter() - t
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            met = sum(d.status == "met" for d in r.districts)
            print(f"plan_many jobs={jobs}: {wall:.1f} s, {met}/{len(r.districts)} met, "
                  f"cost {r.summary['cost_wan'].iloc[-1]:,.1f}, peak RSS (main) {rss:,.0f} MB")  # fmt: skip
            tables.append(r.summary)
        pd.testing.assert_frame_equal(tables[0], tables[1])
        print("jobs=1 and jobs=2: identical summaries")
    n = args.shared_districts
    layer = _province(n, args.parcels)
    sc = _scenario(n, {"area_min": {"clear": 560.0 * n}, "count_min": {"upgrade": 10 * n}})
    for jobs in (1, 2):
        t = time.perf_counter()
        a = decompose(sc, layer, by="district_code", jobs=jobs, joint=(jobs == 1))
        wall = time.perf_counter() - t
        if a.joint:
            z = a.joint["objective"]
            print(
                f"joint model ({n} x {args.parcels}): {a.joint['status']}, {z:,.1f} in {a.joint['seconds']:.1f} s"
            )
        print(f"decompose jobs={jobs}: {wall:.1f} s (incl. joint: {a.joint is not None}), {a.rounds} rounds, "
              f"allocation {a.cost:,.1f}, lower bound {a.lower_bound:,.1f}, gap {a.gap:,.1f} ({a.rel_gap:.3%}), "
              f"feasible {a.feasible}")  # fmt: skip
        if a.joint:
            print(
                f"  allocation - joint = {a.cost - z:,.1f} ({(a.cost - z) / z:.3%}); joint - bound = {z - a.lower_bound:,.1f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
