"""Benchmark key projects on a generated district (run by hand; see BENCHMARKS.md).

Usage::

    python scripts/bench_projects.py --parcels 10000 100000 --projects 10 50 --time-limit 300
    python scripts/bench_projects.py --parcels 3000 10000 --projects 11 50 --contiguity cuts flow

For each (parcels, projects) pair: the shipped ``zhangdian-2023-projects`` rules with the
2023 targets scaled by parcels/3000, and that many synthetic projects (seeded): demand
20-250 mu (max = 1.2 x min), the industrial use of the layer's most common planned use
code, a park drawn from the layer's parks ("only" for every third project, else a 50 万元
bonus), every other project in one contiguous piece. Each run is a fresh process that
reads the layer, plans with ``landopt.solve`` and prints the solve phase's wall time
(``timings["solve"]``: every round of cuts included) against the limit. ``--contiguity``
runs each pair once per way of keeping contiguous sites in one piece (``[projects]
contiguity``: lazy cuts or flow rows), on the same instance; the line then names it.
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


def projects(parcels, n: int, seed: int = 7) -> list[dict]:
    """``n`` synthetic projects on the parks and uses of ``parcels``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    parks = sorted(str(p) for p in parcels["park"].dropna().unique() if str(p))
    use = str(parcels["planned_use_code"].mode().iloc[0])
    out = []
    for i in range(n):
        lo = float(rng.integers(20, 250))
        out.append(
            {
                "project_id": f"B{i + 1:03d}",
                "name": f"项目{i + 1}",
                "investment_yi": round(lo * 0.04, 2),
                "mu_min": lo,
                "mu_max": round(lo * 1.2, 1),
                "uses": use,
                "parks": parks[i % len(parks)],
                "park_rule": "only" if i % 3 == 0 else "prefer",
                "park_bonus_wan": 0.0 if i % 3 == 0 else 50.0,
                "contiguous": bool(i % 2 == 0),
                "priority": 1 + i % 3,
            }
        )
    return out


def one_run(
    layer: str, n_projects: int, time_limit: float, gap: float, contiguity: str | None = None
) -> dict:
    import landopt
    from landopt.scenario import scenario_from_dict

    t0 = time.perf_counter()
    parcels = landopt.read_parcels(layer)
    f = len(parcels) / 3000
    base = landopt.load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023-projects.toml")
    d = base.to_dict()
    d.pop("parcels", None)
    d["solver"] = {"backend": "highs", "gap": gap, "time_limit": time_limit}
    for a, (c, mu) in {
        "clear": (17, 560.0),
        "revitalize": (4, 430.0),
        "upgrade": (10, 810.0),
    }.items():
        d["actions"][a]["targets"] = {"count": round(c * f), "area_min": mu * f}
    d["projects"].pop("path", None)
    d["projects"]["list"] = projects(parcels, n_projects)
    if contiguity is not None:
        d["projects"]["contiguity"] = contiguity
    scenario = scenario_from_dict(d, base_dir=ROOT / "data" / "scenarios")
    t1 = time.perf_counter()
    try:
        plan = landopt.solve(scenario, parcels, allow_shortfall=True)
    except landopt.LandoptError as exc:  # no plan within the limit: say so, with the time
        return {
            "parcels": len(parcels),
            "projects": n_projects,
            **({"contiguity": contiguity} if contiguity else {}),
            "status": "no plan",
            "solve_and_check_s": round(time.perf_counter() - t1, 1),
            "limit_s": time_limit,
            "message": str(exc)[:200],
            "load": open("/proc/loadavg").read().split()[0],
        }
    res = plan.result
    landed, landed_yi = 0, 0.0
    if plan.projects is not None:
        on = plan.projects[plan.projects["landed"]]
        landed, landed_yi = len(on), round(float(on["investment_yi"].sum()), 2)
    start = res.options.get("warm_start_objective")
    return {
        "parcels": len(parcels),
        "projects": n_projects,
        **({"contiguity": contiguity} if contiguity else {}),
        "model": plan.model_size,
        "status": res.status,
        "gap": res.gap,
        "landed": landed,
        "landed_yi": landed_yi,
        "objective": None if res.objective is None else round(res.objective, 1),
        "bound": None if res.bound is None else round(res.bound, 1),
        "start": None if start is None else round(float(start), 1),
        "solve_s": round(plan.timings.get("solve", float("nan")), 1),
        "total_s": round(time.perf_counter() - t0, 1),
        "limit_s": time_limit,
        "load": open("/proc/loadavg").read().split()[0],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parcels", type=int, nargs="+", default=[10000])
    ap.add_argument("--projects", type=int, nargs="+", default=[10])
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--gap", type=float, default=0.001)
    ap.add_argument(
        "--contiguity",
        nargs="+",
        choices=["cuts", "flow"],
        default=[None],
        help="[projects] contiguity, each on the same instances (default: the scenario's)",
    )
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        layer, n = args.one.rsplit(":", 1)
        print(json.dumps(one_run(layer, int(n), args.time_limit, args.gap, args.contiguity[0])))
        return
    from bench import ensure_layer

    for n in args.parcels:
        layer = ensure_layer(n)
        for k in args.projects:
            for way in args.contiguity:
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--one",
                        f"{layer}:{k}",
                        "--time-limit",
                        str(args.time_limit),
                        "--gap",
                        str(args.gap),
                        *(["--contiguity", way] if way else []),
                    ],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                text = out.stdout.strip()
                line = text.splitlines()[-1] if text else out.stderr[-500:]
                print(line, flush=True)


if __name__ == "__main__":
    main()
