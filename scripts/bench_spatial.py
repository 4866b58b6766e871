"""Compactness at scale: the 2023 rules on a generated district, with and without the penalty.

Usage::

    python scripts/make_demo_data.py --parcels 50000 --out /tmp/d50k.parquet
    python scripts/bench_spatial.py /tmp/d50k.parquet --weight 500 --time-limit 300

Targets are scaled by parcels/3000. Prints, for weight 0 and the given weight: status,
cost of the actions, exposed boundary (km), clearance blocks, mean block mu, proven gap,
and the time of adjacency, compile and solve.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import landopt
from landopt.adjacency import adjacency
from landopt.plan import attach_actions, spatial_stats

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    """Run both solves and print one line each."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("parcels")
    ap.add_argument("--weight", type=float, default=500.0)
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--gap", type=float, default=0.0)
    args = ap.parse_args()
    s = landopt.load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023.toml")
    t = time.perf_counter()
    parcels = landopt.read_parcels(args.parcels)
    print(f"read {time.perf_counter() - t:.1f} s, {len(parcels):,} parcels")
    f = len(parcels) / 3000
    for a in s.actions:
        s = s.with_value(f"actions.{a.name}.targets.count", round(a.targets.count_min * f))
        s = s.with_value(f"actions.{a.name}.targets.area_min", a.targets.area_min * f)
    s = s.with_value("spatial.boundary_actions", ["clear"]).with_solver(
        time_limit=args.time_limit, gap=args.gap
    )
    t = time.perf_counter()
    adj = adjacency(parcels, tolerance=0.5)
    print(f"adjacency {time.perf_counter() - t:.1f} s, {adj.pairs:,} pairs")
    for w in (0.0, args.weight):
        sw = s.with_value("spatial.boundary_weight", w if w > 0 else 1e-9)
        t = time.perf_counter()
        model = landopt.compile_model(sw, parcels, adjacency=adj)
        tc = time.perf_counter() - t
        res = landopt.solve_model(model)
        if not res.has_solution:
            print(f"weight {w:g}: {res.status}, no plan in {res.runtime:.0f} s")
            continue
        plan_parcels = attach_actions(parcels, model, res.x)
        stats = spatial_stats(sw, plan_parcels)
        cost = sum(
            float(plan_parcels.loc[plan_parcels["action"] == a.name, a.cost].sum())
            for a in sw.actions
        )
        print(
            f"weight {w:>6g}: {res.status:<10} cost {cost:>12,.1f}  boundary {stats['boundary_km']:>9,.2f} km  "
            f"blocks {stats['blocks']:>6,}  mean {stats['mean_block_mu']:>6.1f} mu  gap {res.gap if res.gap is not None else float('nan'):.4%}  "
            f"compile {tc:.1f} s ({model.n_vars:,} cols, {model.n_rows:,} rows)  solve {res.runtime:.1f} s"
        )


if __name__ == "__main__":
    main()
