"""Benchmark multi-year programmes on a generated district (run by hand; see BENCHMARKS.md).

Usage::

    python scripts/bench_programme.py --parcels 100000 --years 1 2 3 5 --runs 2

For each number of years n, a programme 2023..2023+n-1 built from the shipped
``zhangdian-2023-2025`` rules: every year the 2023 targets (17 plots / 560 mu cleared,
4 / 430 revitalized, 10 / 810 upgraded) scaled by parcels/3000, exact counts; the
clear -> revitalize sequence (gap 1) and the stock of cleared land; upgrades over two
years where the programme has two (no upgrade target in the last year then); no budgets
or benefit target (their figures do not scale). "plain" is the one-year scenario without
a ``[programme]`` table (zhangdian-2023.toml, scaled the same way). Each run is a fresh
process; the table is the best of ``--runs``. HiGHS, gap 0.1 %, time limit 300 s;
``--relax-fix off`` measures the plain HiGHS path (landopt/solvers/relax_fix.py is the default
for programmes). The load column is the 1-minute load average before/after the run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


def one_run(
    layer: str, years: int, gap: float, time_limit: float, relax_fix: str = "auto"
) -> dict[str, float | str]:
    """Compile and solve one programme of ``years`` years (0: the plain one-year scenario)."""
    import landopt
    from landopt.scenario import scenario_from_dict
    from landopt.solvers import solve_model

    load_before = Path("/proc/loadavg").read_text().split()[0]  # 1-minute load, before and after
    parcels = landopt.read_parcels(layer)
    f = len(parcels) / 3000
    base = landopt.load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023-2025.toml")
    d = base.to_dict()
    d.pop("parcels", None)
    d["solver"] = {"backend": "highs", "gap": gap, "time_limit": time_limit, "relax_fix": relax_fix}
    goals = {"clear": (17, 560.0), "revitalize": (4, 430.0), "upgrade": (10, 810.0)}
    if years == 0:
        d.pop("programme")
        for a, (c, mu) in goals.items():
            d["actions"][a]["targets"] = {"count": round(c * f), "area_min": mu * f}
    else:
        p = d["programme"]
        ys = list(range(2023, 2023 + years))
        p["years"] = ys
        p["budgets"], p["benefit_targets"] = [], []
        if years < 2:
            p["duration"] = {}
            p["sequences"] = []
        last_upgrade = ys[-1] - (1 if years >= 2 else 0)
        p["targets"] = [
            {"action": a, "year": y, "count": round(c * f), "area_min": mu * f}
            for y in ys
            for a, (c, mu) in goals.items()
            if a != "upgrade" or y <= last_upgrade
        ]
    sc = scenario_from_dict(d, base_dir=ROOT / "data" / "scenarios")
    t = time.perf_counter()
    model = landopt.compile_model(sc, parcels)
    compile_s = time.perf_counter() - t
    t = time.perf_counter()
    res = solve_model(model)
    rf = res.options.get("relax_fix") or {}
    return {
        "bound": res.bound if res.bound is not None else float("nan"),
        "lp_s": rf.get("lp_s", float("nan")),
        "free": max((r["free"] for r in rf.get("rounds", [])), default=0),
        "load": f"{load_before}/{Path('/proc/loadavg').read_text().split()[0]}",
        "years": years,
        "compile_s": compile_s,
        "solve_s": time.perf_counter() - t,
        "solver_own_s": res.runtime,
        "status": res.status,
        "gap": res.gap if res.gap is not None else float("nan"),
        "objective": res.objective if res.objective is not None else float("nan"),
        "start": res.options.get("warm_start_objective") or float("nan"),
        "columns": int(model.A.shape[1]),
        "rows": int(model.A.shape[0]),
        "nonzeros": int(model.A.nnz),
    }


def main() -> None:
    """Run each programme length in fresh processes and print the table (best of --runs)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parcels", type=int, default=100000)
    ap.add_argument("--layer", help="use this layer instead of generating one")
    ap.add_argument("--years", type=int, nargs="*", default=[0, 1, 2, 3, 5])
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--gap", type=float, default=0.001)
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--relax-fix", choices=["auto", "on", "off"], default="auto")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_run(args.layer, int(args.one), args.gap, args.time_limit, args.relax_fix)))
        return
    from bench import ensure_layer

    layer = args.layer or ensure_layer(args.parcels)
    print(
        "| years | columns | rows | compile s | solve s | LP s | free columns | status | gap "
        "| start | plan | bound | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n in args.years:
        runs = []
        for _ in range(args.runs):
            cmd = [sys.executable, __file__, "--layer", layer, "--one", str(n), "--gap", str(args.gap),
                   "--time-limit", str(args.time_limit), "--relax-fix", args.relax_fix]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        best = min(runs, key=lambda r: float(r["compile_s"]) + float(r["solve_s"]))
        name = "plain" if n == 0 else str(n)
        print(
            f"| {name} | {best['columns']:,} | {best['rows']:,} | "
            f"{best['compile_s']:.1f} | {best['solve_s']:.1f} | {float(best['lp_s']):.1f} | {best['free']:,} | "
            f"{best['status']} | {100 * float(best['gap']):.3f} % | "
            f"{float(best['start']):,.0f} | {float(best['objective']):,.0f} | {float(best['bound']):,.0f} | "
            f"{best['load']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
