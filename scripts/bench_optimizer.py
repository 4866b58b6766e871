"""Time the optimizer's phases on a generated district (run by hand; figures go in the notes).

Usage::

    python scripts/make_demo_data.py --parcels 100000 --out /tmp/d100k.parquet
    python scripts/bench_optimizer.py /tmp/d100k.parquet [--backends highs,highs-pulp] [--gap 0]

Prints wall time of read (with validation), compile, precheck, solve and check for the
2023 scenario's rules and targets on the given layer, and the solver's own run time.
"""

from __future__ import annotations

import argparse
import resource
import time
from dataclasses import replace
from pathlib import Path

import landopt
from landopt.diagnose import precheck
from landopt.plan import attach_actions, check_plan

ROOT = Path(__file__).resolve().parents[1]


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run the benchmark and print one line per phase."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("parcels", help="parcel layer (GeoParquet, GeoPackage, …)")
    ap.add_argument("--scenario", default=str(ROOT / "data" / "scenarios" / "zhangdian-2023.toml"))
    ap.add_argument("--backends", default="highs", help="comma-separated back-ends to time")
    ap.add_argument("--gap", type=float, default=0.0)
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--presolve", default="auto", choices=["auto", "on", "off"])
    ap.add_argument(
        "--scale-targets",
        action="store_true",
        help="multiply count and area targets by parcels/3000",
    )
    args = ap.parse_args()

    scenario = landopt.load_scenario(args.scenario)
    t = time.perf_counter()
    parcels = landopt.read_parcels(args.parcels)
    print(
        f"read+validate  {time.perf_counter() - t:8.2f} s   {len(parcels):,} parcels   peak {peak_mb():,.0f} MB"
    )
    if args.scale_targets:
        f = len(parcels) / 3000
        for a in scenario.actions:
            tg = a.targets
            scenario = scenario.with_value(
                f"actions.{a.name}.targets.count", round(tg.count_min * f)
            )
            scenario = scenario.with_value(f"actions.{a.name}.targets.area_min", tg.area_min * f)
        print(
            "targets scaled:",
            "; ".join(f"{a.name} {a.targets.describe()}" for a in scenario.actions),
        )
    t = time.perf_counter()
    model = landopt.compile_model(scenario, parcels)
    print(
        f"compile        {time.perf_counter() - t:8.2f} s   {model.n_vars:,} vars, {model.n_rows:,} rows, {model.A.nnz:,} nnz   peak {peak_mb():,.0f} MB"
    )
    t = time.perf_counter()
    findings = precheck(model)
    print(f"precheck       {time.perf_counter() - t:8.2f} s   {findings or 'nothing evident'}")
    for backend in args.backends.split(","):
        opts = replace(
            scenario.solver,
            backend=backend,
            gap=args.gap,
            time_limit=args.time_limit,
            presolve=args.presolve,
        )
        t = time.perf_counter()
        res = landopt.solve_model(model, opts)
        wall = time.perf_counter() - t
        print(
            f"solve {backend:<9}{wall:8.2f} s   solver's own {res.runtime:.2f} s ({res.options.get('build_s', 0):.2f} s building the PuLP model); "
            f"{res.status}, objective {res.objective}, gap {res.gap}   peak {peak_mb():,.0f} MB"
        )
        if res.x is not None:
            t = time.perf_counter()
            checks = check_plan(
                scenario, attach_actions(parcels, model, res.x), objective=res.objective
            )
            print(
                f"check          {time.perf_counter() - t:8.2f} s   {sum(c.ok for c in checks)}/{len(checks)} passed"
            )


if __name__ == "__main__":
    main()
