"""The plan: solve a scenario, re-check the answer independently, summarise and export it.

:func:`solve` runs the whole pipeline (read → compile → precheck → solve → diagnose
when needed → check) and returns a :class:`Plan`: the user's parcel layer with an
``action`` column attached, a summary per action, the solver's record, and the
result of re-checking every target, budget, lock and eligibility rule from the
plan's own parcels. A plan that fails its own check is never returned.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import hashlib
import json
import logging
import os
import platform
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt import _atomic
from landopt.diagnose import Diagnosis, Shortfall, _shortfalls, diagnose, precheck
from landopt.errors import InputError, SolverError, TargetsUnmetError
from landopt.model import CompiledModel, boundary_sets, compile_model
from landopt.parcels import read_parcels
from landopt.scenario import Scenario
from landopt.solvers import SolverResult, solve_model
from landopt.zones import IN_ZONE_SHARE, effective_eligibility, zone_shares

__all__ = [
    "OUTPUT_FILES",
    "Check",
    "Plan",
    "check_output_dir",
    "check_plan",
    "read_plan",
    "solve",
    "write_plan",
]

log = logging.getLogger(__name__)

#: Files :func:`write_plan` writes.
OUTPUT_FILES = ("plan.gpkg", "summary.csv", "run.json")
NONE = "none"


@dataclass(frozen=True)
class Check:
    """One re-check of the plan against the scenario."""

    name: str
    ok: bool
    detail: str
    kind: str = "rule"  # "target" checks may fail in a shortfall plan; others never


@dataclass
class Plan:
    """A plan: parcels with their action, a summary, the solver record and the checks.

    Attributes
    ----------
    parcels
        The input layer with ``action`` (action name or ``"none"``), ``action_label`` and
        ``eligible_actions`` (comma-separated action names) columns added.
    summary
        One row per action and a total: targets, achievement, cost, benefit, met.
    result
        The solver's normalised result.
    checks
        Every target, budget, lock and eligibility rule re-checked from ``parcels``.
    diagnosis
        Set when the targets could not all be met (a shortfall plan).
    """

    scenario: Scenario
    parcels: gpd.GeoDataFrame
    summary: pd.DataFrame
    result: SolverResult
    checks: list[Check]
    diagnosis: Diagnosis | None = None
    timings: dict[str, float] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    model_size: dict[str, int] = field(default_factory=dict)
    spatial: dict[str, Any] = field(default_factory=dict)

    @property
    def targets_met(self) -> bool:
        """Whether every target is met (False for a shortfall plan)."""
        return all(c.ok for c in self.checks if c.kind == "target")

    @property
    def chosen(self) -> gpd.GeoDataFrame:
        """Only the parcels that get an action."""
        return self.parcels[self.parcels["action"] != NONE]

    @property
    def shortfalls(self) -> list[Shortfall]:
        """Targets not met (empty when all are)."""
        return self.diagnosis.unmet if self.diagnosis else []

    def record(self) -> dict[str, Any]:
        """The run record written to ``run.json``."""
        return {
            "landopt_run": 1,
            "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "scenario": self.scenario.to_dict(),
            "scenario_file": str(self.scenario.source) if self.scenario.source else None,
            "input": self.source,
            "targets_met": self.targets_met,
            "solver": self.result.record(),
            "model": self.model_size,
            "summary": json.loads(self.summary.to_json(orient="records", force_ascii=False)),
            "checks": [c.__dict__ for c in self.checks],
            "diagnosis": self.diagnosis.record() if self.diagnosis else None,
            "spatial": self.spatial or None,
            "timings_s": {k: round(v, 4) for k, v in self.timings.items()},
            "versions": versions(),
        }

    def format_summary(self) -> str:
        """The summary as an aligned text table, for the terminal."""
        df = self.summary
        cols = [
            "action",
            "label",
            "plots",
            "plots_target",
            "mu",
            "mu_target",
            "cost_wan",
            "benefit_wan",
            "met",
        ]
        view = df[cols].copy()
        view["mu"] = view["mu"].map(lambda v: f"{v:,.1f}")
        view["cost_wan"] = view["cost_wan"].map(lambda v: f"{v:,.0f}")
        view["benefit_wan"] = view["benefit_wan"].map(lambda v: f"{v:,.0f}")
        view["met"] = view["met"].map(lambda v: "yes" if v else "NO")
        return view.to_string(index=False)


# --------------------------------------------------------------------------- solve
def solve(
    scenario: Scenario,
    parcels: gpd.GeoDataFrame | None = None,
    *,
    allow_shortfall: bool = False,
    **solver_overrides: Any,
) -> Plan:
    """Make the plan for a scenario.

    Parameters
    ----------
    scenario
        From :func:`landopt.load_scenario`.
    parcels
        The parcel layer; read from the scenario's ``[parcels]`` table when omitted.
    allow_shortfall
        When the targets cannot all be met, return the closest plan (least relative
        shortfall, then the objective) with the unmet targets marked, instead of raising.
    **solver_overrides
        Solver options for this run (``backend``, ``time_limit``, ``gap``, …).

    Returns
    -------
    Plan

    Raises
    ------
    TargetsUnmetError
        The targets, budgets and locks cannot all hold; ``.diagnosis`` says why and how
        close a plan can get.
    SolverError
        The solver failed, found no plan in its time limit, or its plan failed the check.
    """
    timings: dict[str, float] = {}
    source: dict[str, Any] = {}
    t = time.perf_counter()
    if parcels is None:
        if scenario.parcels is None:
            raise InputError(
                'the scenario names no parcel layer: add [parcels] path = "…" or pass parcels='
            )
        path = scenario.parcels.path
        parcels = read_parcels(path, **scenario.parcels.read_kwargs())
        source = {"path": str(path), "sha256": file_sha256(path), "parcels": len(parcels)}
        timings["read"] = time.perf_counter() - t
    else:
        source = {"path": None, "parcels": len(parcels)}

    t = time.perf_counter()
    model = compile_model(scenario, parcels)
    timings["compile"] = time.perf_counter() - t
    opts = scenario.solver
    if solver_overrides:
        from dataclasses import replace

        opts = replace(opts, **solver_overrides)

    t = time.perf_counter()
    findings = precheck(model)
    timings["precheck"] = time.perf_counter() - t
    diagnosis: Diagnosis | None = None
    result: SolverResult | None = None
    if not findings:
        t = time.perf_counter()
        cut_info: dict[str, int] = {}
        if scenario.spatial.min_block_mu:
            from landopt.blocks import solve_with_min_blocks

            result, cut_info = solve_with_min_blocks(model, parcels, opts)
            if result.status == "infeasible":
                raise TargetsUnmetError(
                    f"no plan meets the targets with every block of {', '.join(scenario.spatial.boundary_actions or scenario.action_names)} "
                    f"plots at least {scenario.spatial.min_block_mu:g} mu (after {cut_info['block_cuts']} block cuts): "
                    "lower [spatial] min_block_mu or the targets"
                )
        else:
            result = solve_model(model, opts)
        timings["solve"] = time.perf_counter() - t
        if result.status == "error" or (not result.has_solution and result.status != "infeasible"):
            why = "its time limit" if result.time_limit_hit else "the run"
            raise SolverError(
                f"{result.solver} found no plan within {why} ({result.message}; {result.runtime:.1f} s). "
                'Raise [solver] time_limit, allow a gap (gap = 0.01), or try backend = "cbc".'
            )
    if findings or (result is not None and result.status == "infeasible"):
        t = time.perf_counter()
        diagnosis = diagnose(model, opts, findings=findings)
        timings["diagnose"] = time.perf_counter() - t
        if not allow_shortfall:
            raise TargetsUnmetError(diagnosis.explain(), diagnosis)
        if diagnosis.closest is None or not diagnosis.closest.has_solution:
            raise TargetsUnmetError(diagnosis.explain(), diagnosis)
        result = diagnosis.closest
    assert result is not None and result.x is not None

    t = time.perf_counter()
    plan_parcels = attach_actions(parcels, model, result.x)
    checks = check_plan(scenario, plan_parcels, objective=result.objective)
    bad = [c for c in checks if not c.ok and (c.kind != "target" or diagnosis is None)]
    timings["check"] = time.perf_counter() - t
    if bad:
        raise SolverError(
            "the solver's plan fails its own check, so it is not presented:\n"
            + "\n".join(f"  - {c.name}: {c.detail}" for c in bad)
        )
    if diagnosis is not None:
        diagnosis.shortfalls = _shortfalls(model, result.x)
    spatial = {}
    if scenario.spatial.active or scenario.spatial.min_block_mu:
        spatial = {**spatial_stats(scenario, plan_parcels), "model": model.spatial}
        if scenario.spatial.min_block_mu and not findings:
            spatial["min_block_cuts"] = cut_info
    return Plan(
        scenario=scenario,
        parcels=plan_parcels,
        summary=summarize(scenario, plan_parcels),
        result=result,
        checks=checks,
        diagnosis=diagnosis,
        timings=timings,
        source=source,
        model_size={"variables": model.n_vars, "rows": model.n_rows, "nonzeros": int(model.A.nnz)},
        spatial=spatial,
    )


def attach_actions(
    parcels: gpd.GeoDataFrame, model: CompiledModel, x: np.ndarray
) -> gpd.GeoDataFrame:
    """The parcel layer with ``action``, ``action_label`` and ``eligible_actions`` columns."""
    names = np.asarray([*model.action_names, NONE], dtype=object)
    labels = np.asarray([*(a.label for a in model.scenario.actions), ""], dtype=object)
    choice = model.choice(x)
    out = parcels.copy()
    out["action"] = names[choice]  # -1 picks the trailing "none"
    out["action_label"] = labels[choice]
    out["eligible_actions"] = _eligible_strings(model.eligible)
    return out


def _eligible_strings(elig: pd.DataFrame) -> np.ndarray:
    out = np.full(len(elig), "", dtype=object)
    for name in elig.columns:
        m = elig[name].to_numpy()
        out[m] = np.where(out[m] == "", name, out[m] + "," + name)
    return out


# --------------------------------------------------------------------------- check
def check_plan(
    scenario: Scenario, parcels: pd.DataFrame, *, objective: float | None = None
) -> list[Check]:
    """Re-check a plan from its own parcels, independently of the solver.

    Every chosen parcel must be eligible for its action (rules evaluated afresh) and
    respect the locks; every count, area and budget is recomputed from the columns.
    When ``objective`` is given, the objective recomputed from the columns must match it.
    """
    checks: list[Check] = []
    action = parcels["action"].astype(str).to_numpy()
    known = {*scenario.action_names, NONE}
    unknown = sorted(set(action) - known)
    checks.append(
        Check(
            "actions known",
            not unknown,
            f"unknown actions {unknown}" if unknown else "every action is one of the scenario's",
        )
    )
    elig = effective_eligibility(scenario, parcels)
    area = pd.to_numeric(parcels["area_mu"], errors="coerce").to_numpy(float)
    ids = parcels["parcel_id"].astype(str).to_numpy()
    total_cost = 0.0
    objective_check = 0.0
    obj = scenario.objective
    for a in scenario.actions:
        on = action == a.name
        ineligible = on & ~elig[a.name].to_numpy()
        checks.append(
            Check(
                f"eligibility[{a.name}]",
                not ineligible.any(),
                _ids_detail(ids[ineligible], f"not eligible for {a.name}")
                if ineligible.any()
                else f"all {int(on.sum())} plots eligible",
            )
        )
        n = int(on.sum())
        mu = float(area[on].sum())
        cost = float(np.nansum(pd.to_numeric(parcels[a.cost], errors="coerce").to_numpy(float)[on]))
        total_cost += cost
        t = a.targets
        if t.count_min is not None or t.count_max is not None:
            checks.append(
                Check(
                    f"count[{a.name}]",
                    t.count_met(n),
                    f"{n} plots against {t.describe().split(', ')[0]}",
                    "target",
                )
            )
        if t.area_min is not None:
            checks.append(
                Check(
                    f"area_min[{a.name}]",
                    t.area_min_met(mu),
                    f"{mu:,.2f} mu against ≥ {t.area_min:,.2f}",
                    "target",
                )
            )
        if t.area_max is not None:
            checks.append(
                Check(
                    f"area_max[{a.name}]",
                    t.area_max_met(mu),
                    f"{mu:,.2f} mu against ≤ {t.area_max:,.2f}",
                    "target",
                )
            )
        if a.budget is not None:
            checks.append(
                Check(
                    f"budget[{a.name}]",
                    cost <= a.budget + 1e-6,
                    f"{cost:,.1f} 万元 against {a.budget:,.1f}",
                )
            )
        for of, w in obj.terms:
            col = a.cost if of == "cost" else a.benefit if of == "benefit" else of
            if col:
                objective_check += w * float(
                    np.nansum(pd.to_numeric(parcels[col], errors="coerce").to_numpy(float)[on])
                )
        if obj.difficulty_weight:
            sign = 1.0 if obj.sense == "minimize" else -1.0
            diff = pd.to_numeric(parcels["difficulty"], errors="coerce").fillna(0).to_numpy(float)
            objective_check += sign * obj.difficulty_weight * float(diff[on].sum())
    if scenario.budget_total is not None:
        checks.append(
            Check(
                "budget_total",
                total_cost <= scenario.budget_total + 1e-6,
                f"{total_cost:,.1f} 万元 against {scenario.budget_total:,.1f}",
            )
        )
    pos = pd.Series(np.arange(len(ids)), index=ids)
    for pid, aname in scenario.locks.include:
        got = action[pos[pid]] if pid in pos.index else "(missing)"
        checks.append(Check(f"lock_in[{pid}]", got == aname, f"forced into {aname}, got {got}"))
    for pid, anames in scenario.locks.exclude:
        got = action[pos[pid]] if pid in pos.index else NONE
        banned = scenario.action_names if anames is None else anames
        checks.append(
            Check(
                f"lock_out[{pid}]", got not in banned, f"kept out of {', '.join(banned)}, got {got}"
            )
        )
    for k, z in enumerate(scenario.spatial.zones):
        if z.kind != "priority":
            continue
        inside = zone_shares(scenario, parcels)[z.name] >= IN_ZONE_SHARE
        for name in z.actions or scenario.action_names:
            on = action == name
            sign = 1.0 if obj.sense == "minimize" else -1.0
            objective_check -= sign * z.bonus_wan_per_mu * float(area[on & inside].sum())
            if z.min_share is not None:
                got = (
                    float(area[on & inside].sum()) / max(float(area[on].sum()), 1e-12)
                    if on.any()
                    else 1.0
                )
                checks.append(
                    Check(
                        f"zone_share[{z.name},{name}]",
                        got >= z.min_share - 1e-9,
                        f"{got:.1%} of {name}'s mu in {z.name} against ≥ {z.min_share:.0%} (zone {k + 1})",
                    )
                )
    if scenario.spatial.active or scenario.spatial.min_block_mu:
        stats = spatial_stats(scenario, parcels)
        sign = 1.0 if obj.sense == "minimize" else -1.0
        objective_check += sign * scenario.spatial.boundary_weight * stats["boundary_km"]
        m = scenario.spatial.min_block_mu
        if m:
            ok = stats["blocks"] == 0 or stats["smallest_block_mu"] >= m - 1e-6
            checks.append(
                Check(
                    "min_block",
                    ok,
                    f"smallest block {stats['smallest_block_mu']:,.1f} mu against ≥ {m:,.1f}",
                )
            )
    if objective is not None:
        tol = 1e-6 * max(1.0, abs(objective))
        checks.append(
            Check(
                "objective",
                abs(objective_check - objective) <= tol,
                f"recomputed {objective_check:,.4f} against the solver's {objective:,.4f}",
            )
        )
    return checks


def spatial_stats(scenario: Scenario, parcels: gpd.GeoDataFrame) -> dict[str, Any]:
    """Exposed boundary and blocks of the plots chosen for the boundary actions.

    Computed from the geometry (adjacency, cached), independently of the model:
    ``boundary_km`` is the exposed boundary the penalty prices (edges against land of an
    inner status count as inner); a block is a connected group of chosen plots together
    with the inner land they touch, and only blocks holding a chosen plot count.
    """
    from landopt.adjacency import adjacency

    opts = scenario.spatial
    adj = adjacency(parcels, tolerance=opts.tolerance_m)
    S, _, inner = boundary_sets(scenario, parcels, effective_eligibility(scenario, parcels))
    chosen = parcels["action"].astype(str).isin([scenario.action_names[k] for k in S]).to_numpy()
    i, j, length = adj.i, adj.j, adj.length_m
    exposed = adj.perimeter_m[chosen].sum()
    exposed -= 2 * length[chosen[i] & chosen[j]].sum()
    exposed -= length[(chosen[i] & inner[j]) | (chosen[j] & inner[i])].sum()
    block = adj.components(chosen | inner)
    area = pd.to_numeric(parcels["area_mu"], errors="coerce").to_numpy(float)
    ids = np.unique(block[chosen])
    member = block >= 0
    total = np.bincount(block[member], weights=area[member])
    new = np.bincount(block[chosen], weights=area[chosen], minlength=len(total))
    sizes, new_mu = total[ids], new[ids]
    return {
        "boundary_km": float(exposed) / 1000.0,
        "blocks": len(ids),
        "mean_block_mu": float(sizes.mean()) if len(sizes) else 0.0,
        "largest_block_mu": float(sizes.max()) if len(sizes) else 0.0,
        "smallest_block_mu": float(sizes.min()) if len(sizes) else 0.0,
        "chosen_mu_in_blocks_touching_inner": float(new_mu[sizes > new_mu + 1e-9].sum())
        if len(sizes)
        else 0.0,
    }


def _ids_detail(ids: Iterable[str], what: str) -> str:
    ids = list(ids)
    head = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
    return f"{head}: {what}"


# --------------------------------------------------------------------------- summary
def summarize(scenario: Scenario, parcels: pd.DataFrame) -> pd.DataFrame:
    """One row per action and a total: eligible, target, achieved, cost, benefit, met."""
    action = parcels["action"].astype(str).to_numpy()
    area = pd.to_numeric(parcels["area_mu"], errors="coerce").to_numpy(float)
    elig = effective_eligibility(scenario, parcels)
    rows = []
    for a in scenario.actions:
        on = action == a.name
        n, mu = int(on.sum()), float(area[on].sum())
        cost = float(np.nansum(pd.to_numeric(parcels[a.cost], errors="coerce").to_numpy(float)[on]))
        benefit = (
            float(np.nansum(pd.to_numeric(parcels[a.benefit], errors="coerce").to_numpy(float)[on]))
            if a.benefit
            else 0.0
        )
        t = a.targets
        met = t.count_met(n) and t.area_min_met(mu) and t.area_max_met(mu)
        em = elig[a.name].to_numpy()
        rows.append(
            {
                "action": a.name,
                "label": a.label,
                "eligible_plots": int(em.sum()),
                "eligible_mu": round(float(area[em].sum()), 3),
                "plots_target": _range_text(t.count_min, t.count_max, "{:d}"),
                "plots": n,
                "mu_target": _range_text(t.area_min, t.area_max, "{:.1f}"),
                "mu": round(mu, 3),
                "cost_wan": round(cost, 3),
                "cost_wan_per_mu": round(cost / mu, 3) if mu else 0.0,
                "benefit_wan": round(benefit, 3),
                "budget_wan": a.budget,
                "met": bool(met),
            }
        )
    df = pd.DataFrame(rows)
    total = {
        "action": "total",
        "label": "合计" if scenario.lang == "zh" else "total",
        "eligible_plots": int(elig.to_numpy().any(axis=1).sum()),
        "eligible_mu": round(float(area[elig.to_numpy().any(axis=1)].sum()), 3),
        "plots_target": "",
        "plots": int(df["plots"].sum()) if len(df) else 0,
        "mu_target": "",
        "mu": round(float(df["mu"].sum()), 3) if len(df) else 0.0,
        "cost_wan": round(float(df["cost_wan"].sum()), 3) if len(df) else 0.0,
        "cost_wan_per_mu": 0.0,
        "benefit_wan": round(float(df["benefit_wan"].sum()), 3) if len(df) else 0.0,
        "budget_wan": scenario.budget_total,
        "met": bool(df["met"].all()) if len(df) else True,
    }
    if total["mu"]:
        total["cost_wan_per_mu"] = round(total["cost_wan"] / total["mu"], 3)
    return pd.concat([df, pd.DataFrame([total])], ignore_index=True)


def _range_text(lo: float | None, hi: float | None, fmt: str) -> str:
    if lo is None and hi is None:
        return ""
    if lo is not None and lo == hi:
        return fmt.format(lo)
    if lo is not None and hi is not None:
        return f"{fmt.format(lo)}–{fmt.format(hi)}"
    return f"≥{fmt.format(lo)}" if lo is not None else f"≤{fmt.format(hi)}"


# --------------------------------------------------------------------------- export
def check_output_dir(
    out_dir: str | Path,
    *,
    force: bool = False,
    names: Iterable[str] = OUTPUT_FILES,
    need_bytes: int = 0,
    whole: bool = False,
) -> Path:
    """Check ``out_dir`` can take a new output; call before solving.

    Refuses (:class:`~landopt.errors.OutputError`, exit code 2) a path that is a file, an
    earlier output (any of ``names``) unless ``force``, and a parent folder where no
    staging folder can be made (read-only, no permission) or with less than
    ``need_bytes`` free. With ``whole`` (a plan folder, replaced as a whole by
    :func:`write_plan`) also a folder holding files landopt did not write.
    """
    out = Path(out_dir)
    if whole:
        _atomic.check_folder(out, force=force, known=[*names, *KNOWN_OUTPUTS])
    else:
        _atomic.check_folder(out, force=force, known=names, foreign_ok=True)
    _atomic.check_writable(out, need_bytes)
    return out


#: Every file name ``landopt plan`` may write: an earlier run's files are replaced.
KNOWN_OUTPUTS = (
    *OUTPUT_FILES,
    "plan.png",
    "plan.html",
    "report.html",
    "plan.pdf",
    "plan.svg",
    "alternatives.csv",
    "irreplaceability.png",
)


def estimate_bytes(plan_or_parcels: Any, *, maps: bool = True) -> int:
    """About how many bytes a plan folder takes (for the free-space check), with margin."""
    import shapely

    parcels = getattr(plan_or_parcels, "parcels", plan_or_parcels)
    n = len(parcels)
    coords = int(shapely.get_num_coordinates(np.asarray(parcels.geometry.values)).sum())
    # plan.gpkg: 16 bytes a vertex plus the attributes and the index (450 B a parcel at 100k, measured)
    est = 2 * (16 * coords + 600 * n) + (1 << 20)
    if maps:
        est += (20 << 20) + 200 * n
    return est


def write_plan(
    plan: Plan,
    out_dir: str | Path,
    *,
    force: bool = False,
    extra: dict[str, Callable[[Path], None]] | None = None,
) -> list[Path]:
    """Write ``plan.gpkg``, ``summary.csv`` and ``run.json`` (and ``extra`` files) atomically.

    The whole folder is written into a staging folder beside ``out_dir``
    (``.{out}.landopt-stage-{pid}-…``) and swapped in as one step when every file is
    complete (see :mod:`landopt._atomic`): a reader sees the complete old output or the
    complete new one, never a mix, and files of an earlier run that this run does not
    write (e.g. maps, after ``--no-maps``) are gone. A failed or interrupted run leaves
    ``out_dir`` as it was and no staging folder; staging left by a killed run is removed
    by the next run into the same parent.

    ``out_dir`` must be new, empty, or hold only landopt's own outputs: a folder holding
    other files (the user's notes, the parcel layer) is refused, since swapping would
    delete them. Without ``force`` a folder that appears while this run writes (another
    run into the same ``out_dir``) makes the swap fail; nothing is replaced.

    ``run.json`` lists the other files with their SHA-256 under ``outputs``.

    Parameters
    ----------
    extra
        More files to write in the same step: name → function that writes that path
        (the maps and the report use this).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    OutputError
        ``out_dir`` cannot be used or written (permission, read-only, disk full).
    """
    out = Path(out_dir)
    names = [*OUTPUT_FILES, *(extra or {})]
    check_output_dir(
        out, force=force, names=names, need_bytes=estimate_bytes(plan, maps=bool(extra)), whole=True
    )
    with _atomic.atomic_folder(out, force=force, known=[*names, *KNOWN_OUTPUTS]) as stage:
        t = time.perf_counter()
        layer = plan.parcels.copy()
        # through Arrow: 0.64 s instead of 1.04 s for 100k parcels (measured)
        try:
            layer.to_file(
                stage / "plan.gpkg", layer="plan", driver="GPKG", engine="pyogrio", use_arrow=True
            )
        except Exception as exc:  # GDAL's own errors: name the cause when it is the disk
            if isinstance(exc, OSError):
                raise
            free = shutil.disk_usage(stage).free
            if free < estimate_bytes(plan, maps=False):
                raise OSError(
                    errno.ENOSPC, os.strerror(errno.ENOSPC), str(stage / "plan.gpkg")
                ) from exc
            raise
        plan.summary.to_csv(stage / "summary.csv", index=False, encoding="utf-8-sig")
        for name, writer in (extra or {}).items():
            writer(stage / name)
        plan.timings["write"] = time.perf_counter() - t
        record = plan.record()
        record["outputs"] = {n: file_sha256(stage / n) for n in names if n != "run.json"}
        (stage / "run.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=2, default=_json_default),
            encoding="utf-8",
        )
    log.info("wrote %s", ", ".join(names))
    return [out / n for n in names]


def read_plan(path: str | Path) -> Plan:
    """Read a plan written by :func:`write_plan` (its folder, or its ``plan.gpkg``).

    The parcels come from ``plan.gpkg``; scenario, summary, solver record and checks
    from ``run.json`` beside it. The solution vector is not kept (``result.x`` is None).
    """
    from landopt.scenario import scenario_from_dict

    p = Path(path)
    folder = p if p.is_dir() else p.parent
    gpkg = folder / "plan.gpkg" if p.is_dir() else p
    run_file = folder / "run.json"
    for f in (gpkg, run_file):
        if not f.exists():
            raise InputError(
                f"{f} not found: point at a folder written by 'landopt plan' (plan.gpkg and run.json)"
            )
    try:
        run = json.loads(run_file.read_text(encoding="utf-8"))
        parcels = gpd.read_file(gpkg, layer="plan", engine="pyogrio")
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the plan in {folder}: {exc}") from None
    src = run.get("scenario_file")
    scenario = scenario_from_dict(
        run["scenario"],
        base_dir=Path(src).parent if src else folder,
        source=Path(src) if src else None,
    )
    rec = run["solver"]
    result = SolverResult(
        status=rec["status"],
        has_solution=rec["has_solution"],
        proven_optimal=rec["proven_optimal"],
        objective=rec["objective"],
        bound=rec["bound"],
        gap=rec["gap"],
        runtime=rec["runtime_s"],
        backend=rec["backend"],
        solver=rec["solver"],
        solver_version=rec["solver_version"],
        time_limit=rec["time_limit_s"],
        time_limit_hit=rec["time_limit_hit"],
        requested_gap=rec["requested_gap"],
        message=rec.get("message", ""),
        options=rec.get("options", {}),
    )
    diagnosis = None
    if run.get("diagnosis"):
        d = run["diagnosis"]
        diagnosis = Diagnosis(
            findings=d.get("findings", []),
            shortfalls=[
                Shortfall(s["key"], s["text"], s["bound"], s["target"], s["achieved"], s["unit"])
                for s in d.get("shortfalls", [])
            ],
            notes=d.get("notes", []),
        )
    parcels["eligible_actions"] = parcels["eligible_actions"].fillna("")
    parcels["action_label"] = parcels["action_label"].fillna("")
    return Plan(
        scenario=scenario,
        parcels=parcels,
        summary=pd.DataFrame(run["summary"]),
        result=result,
        checks=[Check(**c) for c in run.get("checks", [])],
        diagnosis=diagnosis,
        timings=run.get("timings_s", {}),
        source=run.get("input", {}),
        model_size=run.get("model", {}),
    )


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"cannot write {type(o).__name__} to JSON")


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file (for a shapefile, of its .shp)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def versions() -> dict[str, str]:
    """landopt's and its dependencies' versions, for the run record."""
    out = {"python": platform.python_version()}
    for pkg in (
        "landopt",
        "numpy",
        "pandas",
        "scipy",
        "geopandas",
        "shapely",
        "pyogrio",
        "pyproj",
        "pulp",
        "highspy",
        "matplotlib",
    ):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[pkg] = metadata.version(pkg)
    return out
