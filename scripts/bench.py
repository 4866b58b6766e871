"""Benchmark `landopt plan` phase by phase on generated districts (run by hand; see BENCHMARKS.md).

Usage::

    python scripts/bench.py --parcels 3000 100000 --runs 3            # generates the layers if missing
    python scripts/bench.py --parcels 100000 --penalty 500 --runs 1
    python scripts/bench.py --layer /tmp/d.parquet --runs 1

Each run is a fresh process (so imports and caches count as a user sees them) that goes
through the phases of `landopt plan` — read+validate, adjacency (with a penalty),
compile, solve, check, write (plan.gpkg, summary.csv, run.json), map (plan.png) — and
reports wall time and peak resident memory per phase (sampled every 20 ms). The solver's
own time is HiGHS's run on the same compiled arrays, so ``overhead = total - solver``
is what landopt adds. Targets are the 2023 rules with counts and areas scaled by
parcels/3000; gap 0.1 % unless --gap.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GEN = Path(tempfile.gettempdir()) / "landopt-bench"


class Peak:
    """Samples this process's resident memory in a thread; ``phase()`` resets the peak."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.02)

    def phase(self) -> None:
        self.peak = self.rss()


def one_run(
    layer: str, penalty: float, gap: float, maps: bool, time_limit: float = 600.0
) -> dict[str, dict[str, float]]:
    """All phases of one plan in this process; returns {phase: {s, peak_mb}}."""
    mem = Peak()
    out: dict[str, dict[str, float]] = {}

    def phase(name: str, fn):
        mem.phase()
        t = time.perf_counter()
        value = fn()
        out[name] = {"s": time.perf_counter() - t, "peak_mb": mem.peak / 2**20}
        return value

    t_all = time.perf_counter()
    landopt = phase("import", lambda: __import__("landopt"))
    from landopt.plan import attach_actions, check_plan, summarize, write_plan
    from landopt.solvers import solve_model

    scenario = landopt.load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023.toml")
    parcels = phase("read+validate", lambda: landopt.read_parcels(layer))
    f = len(parcels) / 3000
    for a in scenario.actions:
        scenario = scenario.with_value(
            f"actions.{a.name}.targets.count", round(a.targets.count_min * f)
        )
        scenario = scenario.with_value(f"actions.{a.name}.targets.area_min", a.targets.area_min * f)
    scenario = scenario.with_solver(gap=gap, time_limit=time_limit)
    adj = None
    if penalty:
        from landopt.adjacency import adjacency

        scenario = scenario.with_value("spatial.boundary_actions", ["clear"]).with_value(
            "spatial.boundary_weight", penalty
        )
        adj = phase("adjacency", lambda: adjacency(parcels, tolerance=0.5))
    model = phase("compile", lambda: landopt.compile_model(scenario, parcels, adjacency=adj))
    res = phase("solve", lambda: solve_model(model))
    out["solve"]["solver_own_s"] = res.runtime
    out["solve"]["status"] = res.status  # type: ignore[assignment]
    out["solve"]["gap"] = res.gap if res.gap is not None else float("nan")
    out["solve"]["message"] = res.message  # type: ignore[assignment]
    plan_parcels = phase("check", lambda: attach_actions(parcels, model, res.x))
    checks = phase("check2", lambda: check_plan(scenario, plan_parcels, objective=res.objective))
    out["check"]["s"] += out.pop("check2")["s"]
    assert all(c.ok or not c.decided for c in checks), [c for c in checks if not c.ok]
    from landopt.plan import Plan

    plan = Plan(
        scenario=scenario,
        parcels=plan_parcels,
        summary=summarize(scenario, plan_parcels),
        result=res,
        checks=checks,
        # as `landopt plan` records it: so the map draws the layer's own township and
        # park outlines (dissolved from its columns), not the demo's district.geojson
        source={"path": str(layer), "parcels": len(parcels)},
    )
    with tempfile.TemporaryDirectory() as tmp:
        phase("write", lambda: write_plan(plan, Path(tmp) / "out"))
        if maps:
            from landopt.maps import save_plan_map

            phase("map", lambda: save_plan_map(plan, Path(tmp) / "plan.png", dpi=150))
    out["total"] = {
        "s": time.perf_counter() - t_all,
        "peak_mb": max(v["peak_mb"] for v in out.values()),
    }
    out["meta"] = {
        "parcels": len(parcels),
        "vars": model.n_vars,
        "rows": model.n_rows,
        "nnz": int(model.A.nnz),
    }
    return out


def ensure_layer(n: int) -> str:
    """A generated district of n parcels (GeoParquet), made once."""
    GEN.mkdir(exist_ok=True)
    path = GEN / f"district_{n}.parquet"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts" / "make_demo_data.py"),
                "--parcels",
                str(n),
                "--out",
                str(path),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return str(path)


def main() -> None:
    """Run the benchmark in fresh processes and print the table of medians."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parcels", type=int, nargs="*", default=[3000])
    ap.add_argument("--layer", help="use this layer instead of generating one")
    ap.add_argument(
        "--penalty",
        type=float,
        default=0.0,
        help="boundary weight on clearance (万元/km); 0 = none",
    )
    ap.add_argument("--gap", type=float, default=0.001)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=600.0, help="seconds (default 600)")
    ap.add_argument("--no-map", action="store_true")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: run once and print JSON
    args = ap.parse_args()
    if args.one:
        print(
            json.dumps(one_run(args.one, args.penalty, args.gap, not args.no_map, args.time_limit))
        )
        return
    layers = [args.layer] if args.layer else [ensure_layer(n) for n in args.parcels]
    for layer in layers:
        runs = []
        for _ in range(args.runs):
            cmd = [
                sys.executable,
                __file__,
                "--one",
                layer,
                "--penalty",
                str(args.penalty),
                "--gap",
                str(args.gap),
                "--time-limit",
                str(args.time_limit),
            ] + (["--no-map"] if args.no_map else [])
            runs.append(
                json.loads(
                    subprocess.run(cmd, check=True, capture_output=True, text=True)
                    .stdout.strip()
                    .splitlines()[-1]
                )
            )
        meta = runs[0]["meta"]
        print(
            f"\n{Path(layer).name}: {meta['parcels']:,} parcels, {meta['vars']:,} columns, {meta['rows']:,} rows, penalty {args.penalty:g}, gap {args.gap:g}, median of {len(runs)} run(s)"
        )
        print(f"  {'phase':<14}{'wall s':>9}{'peak MB':>10}")
        for name in runs[0]:
            if name == "meta":
                continue
            s = statistics.median(r[name]["s"] for r in runs)
            mb = statistics.median(r[name]["peak_mb"] for r in runs)
            print(f"  {name:<14}{s:>9.2f}{mb:>10,.0f}")
        own = statistics.median(r["solve"]["solver_own_s"] for r in runs)
        total = statistics.median(r["total"]["s"] for r in runs)
        print(
            f"  solver's own time {own:.2f} s ({runs[0]['solve']['status']}, gap {runs[0]['solve']['gap']:.4%}); everything else {total - own:.2f} s; ratio {(total - own) / max(own, 1e-9):.2f}"
        )
        print(f"  solver said: {runs[0]['solve'].get('message', '')}")


if __name__ == "__main__":
    main()
