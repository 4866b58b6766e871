"""Time landopt's own phases on one layer, best of k repetitions in one process (by hand).

Usage::

    python scripts/bench_phases.py [--layer /tmp/landopt-bench/district_100000.parquet] [--label new]

Reads the layer (best of 3), compiles the 2023 scenario scaled to the layer (best of 5),
solves once at gap 1 %, re-checks the plan (best of 5), writes it (best of 3) and draws its
print map at 150 dpi (best of 3; outlines dissolved afresh each time, as one `landopt plan`
run does once). The best
of k is robust to a noisy machine, which is what comparing two versions of the code
needs: run it interleaved from each checkout (see BENCHMARKS.md). The import is timed
once, as the first thing the process does.
"""

from __future__ import annotations

import time

t0 = time.perf_counter()
import landopt  # noqa: E402

IMPORT_S = time.perf_counter() - t0

import argparse  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def best(fn, k):
    """The shortest of k runs of fn, and fn's value."""
    times = []
    for _ in range(k):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return min(times), value


def main() -> None:
    from landopt.plan import Plan, attach_actions, check_plan, summarize, write_plan
    from landopt.solvers import solve_model

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layer", default=str(Path(tempfile.gettempdir()) / "landopt-bench" / "district_100000.parquet"))
    ap.add_argument("--label", default="")
    ap.add_argument("--no-map", action="store_true", help="skip timing the print map")
    args = ap.parse_args()
    scenario = landopt.load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023.toml")
    t_read, parcels = best(lambda: landopt.read_parcels(args.layer), 3)
    f = len(parcels) / 3000
    for a in scenario.actions:
        scenario = scenario.with_value(f"actions.{a.name}.targets.count", round(a.targets.count_min * f))
        scenario = scenario.with_value(f"actions.{a.name}.targets.area_min", a.targets.area_min * f)
    scenario = scenario.with_solver(gap=0.01)
    t_compile, model = best(lambda: landopt.compile_model(scenario, parcels), 5)
    res = solve_model(model)
    pp = attach_actions(parcels, model, res.x)
    t_check, checks = best(
        lambda: (attach_actions(parcels, model, res.x), check_plan(scenario, pp, objective=res.objective))[1],
        5,
    )
    plan = Plan(
        scenario=scenario,
        parcels=pp,
        summary=summarize(scenario, pp),
        result=res,
        checks=checks,
        source={"path": args.layer, "parcels": len(pp)},  # as `landopt plan`: the layer's outlines
    )

    def write() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            write_plan(plan, Path(tmp) / "out")

    t_write, _ = best(write, 3)

    def draw() -> None:
        from landopt.maps import layers, save_plan_map

        layers._DISSOLVED.clear()  # one run dissolves once: do not time the cache
        with tempfile.TemporaryDirectory() as tmp:
            save_plan_map(plan, Path(tmp) / "plan.png", dpi=150)

    t_map = best(draw, 3)[0] if not args.no_map else float("nan")
    print(
        f"{args.label} import {IMPORT_S:.2f} read {t_read:.2f} compile {t_compile:.3f} "
        f"check {t_check:.3f} write {t_write:.2f} map {t_map:.2f}"
    )


if __name__ == "__main__":
    main()
