"""Exact windows on penalised plans at city scale (run by hand; figures in BENCHMARKS.md).

Usage::

    python scripts/bench_windows.py --parcels 100000 --weight 500 --limits 10 30 60

The 2023 rules on a generated district (``bench.ensure_layer``), targets scaled by
parcels/3000, the boundary penalty on clearance at ``--weight`` 万元/km. For each time
limit, one solve with ``[solver] windows = "on"`` and one with ``"off"`` (the plan before
the windows), each printing the warm start's objective, the plan's, the proven gap and the
solve phase's wall time. Gap 0 asked, so every run ends at its limit unless it proves the
optimum.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> None:
    """Print one table row per (limit, windows) pair."""
    from bench import ensure_layer

    import landopt

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parcels", type=int, default=100000)
    ap.add_argument("--layer")
    ap.add_argument("--weight", type=float, default=500.0)
    ap.add_argument("--limits", type=float, nargs="*", default=[10.0, 30.0, 60.0])
    args = ap.parse_args()
    layer = args.layer or ensure_layer(args.parcels)
    s = landopt.load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023.toml")
    parcels = landopt.read_parcels(layer)
    f = len(parcels) / 3000
    for a in s.actions:
        s = s.with_value(f"actions.{a.name}.targets.count", round(a.targets.count_min * f))
        s = s.with_value(f"actions.{a.name}.targets.area_min", a.targets.area_min * f)
    s = s.with_value("spatial.boundary_actions", ["clear"]).with_value(
        "spatial.boundary_weight", args.weight
    )
    model = landopt.compile_model(s, parcels)
    print(f"{len(parcels):,} parcels, weight {args.weight:g}: {model.n_vars:,} columns, {model.n_rows:,} rows")
    print("| limit | windows | solve phase | warm start | plan | better than start | bound | gap | windows solved / improved |")
    print("|---|---|---|---|---|---|---|---|---|")
    for limit in args.limits:
        for windows in ("off", "on"):
            t = time.perf_counter()
            r = landopt.solve_model(model, time_limit=limit, gap=0.0, windows=windows)
            wall = time.perf_counter() - t
            start = r.options.get("warm_start_objective")
            w = r.options.get("windows") or {}
            gain = "" if start is None or r.objective is None else f"{100 * (start - r.objective) / start:.3f} %"
            print(
                f"| {limit:g} s | {windows} | {wall:.1f} s | {start:,.1f} | {r.objective:,.1f} | {gain} | "
                f"{r.bound:,.1f} | {100 * (r.gap or 0):.3f} % | "
                f"{w.get('windows', '–')} / {w.get('improved', '–')} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
