"""Write the notebooks in notebooks/ from the cells below (run by hand after editing).

Keeping the cells here, as plain Python, makes the notebooks reviewable in diffs; CI
executes the .ipynb files with nbmake so they cannot rot.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]

PLAN_2023 = [
    (
        "md",
        """# The 2023 plan for Zhangdian District

Zhangdian District (Zibo, Shandong) set its 2023 targets as: **clear 17 low-efficiency plots
totalling 560 mu, revitalize 4 idle parcels totalling 430 mu, and upgrade 10 enterprise plots
totalling 810 mu**. This notebook makes that plan with landopt on the shipped demo district
(`data/parcels.geojson`, a *synthetic* district modelled on public figures; no real parcel is
described), explores the data, checks the plan and writes the map and the report.""",
    ),
    (
        "code",
        """from pathlib import Path
import tempfile

import landopt

ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
landopt.__version__""",
    ),
    (
        "md",
        """## 1. The parcel layer

`read_parcels` checks every row (ids, statuses, geometries, costs, overlaps) and computes
each plot's area in mu from its geometry, in EPSG:4548 (CGCS2000 3-degree Gauss-Krüger, 117°E).""",
    ),
    (
        "code",
        """parcels = landopt.read_parcels(ROOT / "data" / "parcels.geojson")
print(len(parcels), "parcels,", round(parcels.area_mu.sum()), "mu, CRS", parcels.crs.to_epsg())
summary = landopt.summarize_parcels(parcels)
summary["by_status"]""",
    ),
    (
        "code",
        """# where the candidates are: mu by township and status
summary["by_status_township"].round(0)""",
    ),
    (
        "code",
        """# low-efficiency plots have low plot ratios and pay little tax per mu
parcels.groupby("status")[["far", "tax_wan_per_mu", "area_mu"]].median().round(2)""",
    ),
    (
        "md",
        """## 2. The scenario

A scenario is a TOML file: the actions, who is eligible for each (rules on the fields),
their targets, the objective, budgets, locks and solver options.""",
    ),
    (
        "code",
        """scenario = landopt.load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023.toml")
for a in scenario.actions:
    print(f"{a.label} ({a.name}): {a.targets.describe()}\\n    eligible: {a.eligible.describe()}")
print("objective:", scenario.objective.describe())""",
    ),
    (
        "code",
        """# how many plots each rule admits (a parcel may be eligible for two actions)
elig = landopt.eligibility(scenario, parcels)
elig.sum().to_frame("eligible plots").assign(eligible_mu=[parcels.area_mu[elig[c]].sum().round(0) for c in elig])""",
    ),
    (
        "md",
        """## 3. The plan

`solve` compiles the integer program, solves it with HiGHS, and re-checks every target,
budget, lock and eligibility rule from the plan's own parcels before returning it.""",
    ),
    (
        "code",
        """plan = landopt.solve(scenario, parcels)
print(plan.format_summary())
r = plan.result
print(f"\\n{r.status}, proven optimal: {r.proven_optimal}, gap {r.gap:.4%}, {r.solver} {r.solver_version}, {r.runtime:.2f} s")""",
    ),
    (
        "code",
        """assert plan.targets_met and all(c.ok for c in plan.checks)
[(c.name, c.detail) for c in plan.checks]""",
    ),
    (
        "code",
        """# the chosen plots
cols = ["parcel_id", "name", "township", "park", "status", "action_label", "area_mu", "cost_clear_wan", "cost_revitalize_wan", "cost_upgrade_wan"]
plan.chosen[cols].sort_values(["action_label", "area_mu"], ascending=[True, False]).head(12)""",
    ),
    ("md", """## 4. The map and the report"""),
    (
        "code",
        """from landopt.maps import plot_plan

ax = plot_plan(plan)
ax.figure""",
    ),
    (
        "code",
        """from landopt.report import plan_outputs

out = Path(tempfile.mkdtemp()) / "plan-2023"
files = landopt.write_plan(plan, out, extra=plan_outputs(plan))  # plan.gpkg, summary.csv, run.json + maps
[f.name for f in files]""",
    ),
    (
        "md",
        """`report.html` is self-contained (maps, tables, solver record) and opens without network.
The run record `run.json` keeps the scenario as resolved, the SHA-256 of the input, the
solver's status, bound and gap, and every package's version.""",
    ),
    (
        "code",
        """import json

run = json.loads((out / "run.json").read_text(encoding="utf-8"))
{k: run["solver"][k] for k in ("status", "proven_optimal", "objective", "bound", "gap", "solver", "solver_version")}""",
    ),
    (
        "md",
        """## 5. When targets cannot be met

Ask for more than the data allows and landopt says which of *your* statements conflict,
with the numbers, and how close a plan can get.""",
    ),
    (
        "code",
        """greedy = scenario.with_value("actions.upgrade.targets.area_min", 2500)
try:
    landopt.solve(greedy, parcels)
except landopt.TargetsUnmetError as e:
    print(e)""",
    ),
]

SCENARIOS = [
    (
        "md",
        """# What if? Sweeps, comparisons, alternatives and irreplaceability

Planners do not run one plan. This notebook asks four questions of the 2023 plan on the
synthetic demo district: what each extra mu of clearance costs, how a plan that avoids
contaminated sites differs, which genuinely different plans cost nearly the same, and which
plots no good plan can do without.""",
    ),
    (
        "code",
        """from pathlib import Path

import numpy as np

import landopt
from landopt import analysis, maps

ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
scenario = landopt.load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023.toml")
parcels = landopt.read_parcels(scenario.parcels.path)
base = landopt.solve(scenario, parcels)
print(base.format_summary())""",
    ),
    (
        "md",
        """## 1. Sweep: the cost of clearing more

The clearance area target from 300 to 900 mu. Only right-hand sides change between points,
so the compiled model is reused; points run in parallel across the machine's cores.""",
    ),
    (
        "code",
        """result = analysis.sweep(scenario, parcels, {"actions.clear.targets.area_min": np.arange(300, 901, 60)})
print(f"{len(result.table)} points in {result.wall_s:.1f} s with {result.jobs} workers")
result.table[["actions.clear.targets.area_min", "status", "objective", "mu_clear", "cost_clear", "marginal"]]""",
    ),
    (
        "code",
        """objective = result.table["objective"].dropna()
assert objective.is_monotonic_increasing  # a larger minimum can only cost more
axes = maps.plot_sweep(result, scenario=scenario)
axes[0].figure""",
    ),
    (
        "md",
        """## 2. Compare: a plan that avoids contaminated sites

Keep every parcel with a high contamination risk out of all actions (locks), solve, and
compare with the base plan.""",
    ),
    (
        "code",
        """risky = parcels.loc[parcels.contamination_risk == "high", "parcel_id"]
clean = scenario.with_locks(exclude={pid: None for pid in risky})
clean_plan = landopt.solve(clean, parcels)
table, changes = analysis.compare([base, clean_plan], names=["base", "no contaminated sites"])
print(f"{len(risky)} high-risk parcels excluded; {len(changes)} parcels change action")
table[["scenario", "action", "plots", "mu", "cost_wan", "met"]]""",
    ),
    (
        "code",
        """axs = maps.plot_comparison(base, clean_plan)
axs[0].figure""",
    ),
    (
        "md",
        """## 3. Alternatives: different plans at nearly the same cost

Three plans, each within 5 % of the optimum and differing from every earlier plan (the optimum
included) in at least 5 parcels' actions.""",
    ),
    (
        "code",
        """alt = analysis.alternatives(scenario, parcels, k=3, within=0.05, differ=5, optimal=base)
print(alt.message)
z = base.result.objective
for i, p in enumerate(alt.plans, start=1):
    assert p.result.objective <= 1.05 * z + 1e-6
    print(f"alternative {i}: {p.result.objective:,.1f} 万元 ({(p.result.objective / z - 1):+.2%}), differs from the optimum in {alt.differences[i][0]} parcels")
np.array(alt.differences)""",
    ),
    (
        "md",
        """## 4. Irreplaceability

**Replacement cost**: how much the optimum worsens when a chosen plot is excluded.
**Selection frequency**: how often each plot is chosen across the optimum and its alternatives.""",
    ),
    (
        "code",
        """rc = analysis.replacement_costs(base, parcels)
rc.head(10)""",
    ),
    (
        "code",
        """sf = analysis.selection_frequency(alt.all_plans)
sf[sf.times_chosen > 0].sort_values("selection_frequency", ascending=False).head(10)""",
    ),
    (
        "code",
        """ax = maps.plot_parcel_values(base, rc.set_index("parcel_id")["replacement_cost"], label="replacement cost (万元)")
ax.figure""",
    ),
]


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook from (kind, source) pairs, with a Python 3 kernel spec."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells
    ]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"  # stable ids: regenerating leaves no diff when nothing changed
    return nb


def main() -> None:
    """Write both notebooks (without outputs)."""
    out = ROOT / "notebooks"
    out.mkdir(exist_ok=True)
    for name, cells in (("01_plan_2023.ipynb", PLAN_2023), ("02_scenarios.ipynb", SCENARIOS)):
        nbformat.write(build(cells), out / name)
        print("wrote", out / name)


if __name__ == "__main__":
    main()
