"""The joint plan against "clear first, place projects after" (run by hand; see BENCHMARKS.md).

Usage::

    python scripts/compare_projects_sequential.py [SCENARIO]

SCENARIO defaults to ``data/scenarios/zhangdian-2023-projects.toml``. Two plans on the same
layer, targets and projects:

- **joint**: the scenario as it is: the clearance and the project sites in one model;
- **clear first**: the scenario without ``[projects]`` (the least-cost plan for the targets,
  as a bureau decides it today), then the projects placed on stock land and on the land
  that plan frees, its actions fixed by locks (every chosen parcel forced to its action,
  every other kept out).

Prints, for each, the public cost (万元), the projects landed with their investment (亿元)
and mu, and the objective (cost less the reward per 亿元 landed), then the difference.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from landopt.plan import solve  # noqa: E402
from landopt.scenario import load_scenario  # noqa: E402


def _figures(name: str, plan) -> dict:
    s = plan.summary.set_index("action")
    pt = plan.projects
    landed = pt[pt["landed"]] if pt is not None else pt
    return {
        "plan": name,
        "status": plan.result.status,
        "cost_wan": round(float(s.loc["total", "cost_wan"]), 1),
        "landed": len(landed) if landed is not None else 0,
        "landed_yi": round(float(landed["investment_yi"].sum()), 2) if landed is not None else 0.0,
        "landed_mu": round(float(landed["mu"].sum()), 1) if landed is not None else 0.0,
        "unlanded": []
        if pt is None
        else [f"{r.project_id} ({r.reason})" for r in pt[~pt["landed"]].itertuples()],
        "objective": round(float(plan.result.objective), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "scenario", nargs="?", default=str(ROOT / "data/scenarios/zhangdian-2023-projects.toml")
    )
    args = ap.parse_args()
    sc = load_scenario(args.scenario)
    joint = solve(sc)
    first = solve(replace(sc, rules=tuple((k, v) for k, v in sc.rules if k != "projects")))
    ids = first.parcels["parcel_id"].astype(str)
    act = first.parcels["action"].astype(str)
    chosen = act != "none"
    include = dict(zip(ids[chosen], act[chosen], strict=True))
    exclude = {pid: None for pid in ids[~chosen]}
    after = solve(sc.with_locks(include=include, exclude=exclude))
    rows = [_figures("joint", joint), _figures("clear first, place after", after)]
    rows[1]["clearance_cost_wan"] = round(
        float(first.summary.set_index("action").loc["total", "cost_wan"]), 1
    )
    for r in rows:
        print(json.dumps(r, ensure_ascii=False))
    j, a = rows
    print(
        json.dumps(
            {
                "extra_cost_wan": round(j["cost_wan"] - a["cost_wan"], 1),
                "extra_landed": j["landed"] - a["landed"],
                "extra_landed_yi": round(j["landed_yi"] - a["landed_yi"], 2),
                "objective_gain": round(a["objective"] - j["objective"], 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
