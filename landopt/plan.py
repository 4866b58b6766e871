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
import pyogrio

from landopt import _atomic, i18n
from landopt._fields import SOURCE_ATTR, SOURCE_SHA256_ATTR
from landopt._hashing import file_sha256
from landopt.check import Check, check_plan, failed_checks
from landopt.diagnose import (
    Diagnosis,
    Shortfall,
    _shortfalls,
    diagnose,
    precheck,
    solver_message,
)
from landopt.errors import InputError, LandoptError, SolverError, TargetsUnmetError
from landopt.model import CompiledModel, compile_model
from landopt.parcels import read_parcels
from landopt.parcels.layout import (
    LAYOUT_KEY,
    from_planner_layer,
    guess_layout,
    layout_json,
    planner_layer,
    read_layout,
)
from landopt.prepare import Prepared, effective_eligibility, prepare
from landopt.rules.targets import who
from landopt.scenario import Scenario
from landopt.solvers import SolverResult

__all__ = [
    "OUTPUT_FILES",
    "Check",
    "Plan",
    "check_output_dir",
    "check_plan",
    "plot_numbers",
    "read_plan",
    "solve",
    "write_plan",
]

log = logging.getLogger(__name__)

i18n.add_messages(
    {
        "not_found": {
            "en": "{file} not found: point at a folder written by 'landopt plan' "
            "(plan.gpkg and run.json)",
            "zh": "找不到 {file}：请指向 landopt plan 写出的方案文件夹（含 plan.gpkg 和 run.json）",
        },
        "unreadable": {
            "en": "cannot read the plan in {folder}: {error}",
            "zh": "无法读取 {folder} 中的方案：{error}",
        },
        "no_sha": {
            "en": "{run} records no SHA-256 of {gpkg}: it cannot tell whether the plan was edited",
            "zh": "{run} 未记录 {gpkg} 的 SHA-256，无法判断方案是否被改过",
        },
        "edited": {
            "en": "{gpkg} changed after the run (SHA-256 {sha}…, run.json recorded "
            "{recorded}…): the checks are recomputed from the file as it is now",
            "zh": "{gpkg} 在运行之后被改过（SHA-256 {sha}…，run.json 记录为 {recorded}…）："
            "复核按文件现在的内容重新计算",
        },
    },
    prefix="errors.read_plan.",
)

#: Files :func:`write_plan` writes.
OUTPUT_FILES = ("plan.gpkg", "summary.csv", "summary.xlsx", "run.json")
NONE = "none"


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
    plan_sha256
        SHA-256 of the ``plan.gpkg`` written for this plan (set by :func:`write_plan`,
        recorded in ``run.json``).
    notes
        What :func:`read_plan` found, e.g. that ``plan.gpkg`` changed after the run.
    edited
        Set by :func:`read_plan` when ``plan.gpkg``'s SHA-256 differs from the one in
        ``run.json``: the plan was edited after the run.
    done
        A rolling re-plan's record of what was done before the programme
        (:class:`landopt.done.Done`), kept in ``run.json`` so that :func:`read_plan`
        re-checks the plan with it.
    projects
        With ``[projects]``: the project–site table (:func:`landopt.projects.project_table`),
        one row per key project in table order; ``None`` otherwise.
    run_id
        The run's id in the run store (:mod:`landopt.store`), set by :func:`solve` when it
        recorded the run; ``run.json`` keeps it.
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
    plan_sha256: str | None = None
    notes: list[str] = field(default_factory=list)
    edited: bool = False
    done: Any = None
    projects: pd.DataFrame | None = None
    run_id: str | None = None

    @property
    def targets_met(self) -> bool:
        """Whether every target is met and no check failed (False for a shortfall plan).

        A plan that fails its re-check (e.g. one edited after the run, read back with
        :func:`read_plan`) is never reported, mapped or drawn as met.
        """
        return all(c.ok for c in self.checks if c.kind == "target") and not self.failed_checks

    @property
    def failed_checks(self) -> list[Check]:
        """Checks that failed (target checks excused in a shortfall plan): such a plan is wrong."""
        return failed_checks(self.checks, shortfall=self.diagnosis is not None)

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
        return (
            {
                "landopt_run": 1,
                "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                "scenario": self.scenario.to_dict(),
                "scenario_file": str(self.scenario.source) if self.scenario.source else None,
                "input": self.source,
                "plan_sha256": self.plan_sha256,
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
            | ({"done": _done_record(self.done)} if self.done is not None else {})
            | ({"run_id": self.run_id} if self.run_id else {})
        )

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
    done: Any = None,
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
    done
        What an earlier plan says was done (a rolling re-plan): a :class:`landopt.done.Done`
        or the folder to read it from; by default the scenario's ``[programme] done``.
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

    Notes
    -----
    The run is recorded in the run store (:mod:`landopt.store.record`): ``done``,
    ``infeasible`` (targets unmet, or a shortfall plan), ``failed`` or ``interrupted``;
    its id is :attr:`Plan.run_id`.
    """
    from landopt import programme_tables
    from landopt.store.record import recording

    resolved = scenario
    if solver_overrides:
        try:
            resolved = scenario.with_solver(**solver_overrides)
        except LandoptError:  # the solve names the bad option itself
            pass
    kind = "programme" if programme_tables.is_programme(scenario) else "plan"
    with recording(kind, scenario.name, scenario=resolved) as rec:
        plan = _solve(
            scenario, parcels, allow_shortfall=allow_shortfall, done=done, **solver_overrides
        )
        plan.run_id = rec.run_id
        rec.finish(
            "done" if plan.diagnosis is None else "infeasible",
            summary=json.loads(plan.summary.to_json(orient="records", force_ascii=False)),
            result=plan.result.record(),
            inputs=_input_hashes(plan),
        )
        return plan


def _input_hashes(plan: Plan) -> dict[str, str] | None:
    """The run's input files (absolute path → SHA-256): the scenario file and the parcel
    layer it read (a layer passed in as a table has no file)."""
    files: dict[str, str] = {}
    source = plan.scenario.source
    if source is not None and Path(source).is_file():
        files[str(Path(source).resolve())] = file_sha256(source)
    if plan.source.get("sha256") and plan.source.get("url"):  # a PostGIS layer
        where = plan.source.get("table") or f"SQL {plan.source.get('sql') or ''}".strip()
        files[f"{plan.source['url']}#{where}"] = plan.source["sha256"]
    elif plan.source.get("sha256"):
        files[str(Path(plan.source["path"]).resolve())] = plan.source["sha256"]
    return files or None


def _db_source(
    parcels: gpd.GeoDataFrame, url: str | None, *, table: str | None, sql: str | None
) -> dict[str, Any]:
    """``Plan.source`` of a layer read from PostGIS: the URL without password, the table or
    query, and the rows' SHA-256 (:func:`landopt.parcels.postgis.rows_sha256`).

    ``url`` None: the layer was read by the caller; its label (``URL#table`` or
    ``URL (SQL)``, password-free) says where from.
    """
    from landopt._pg import public_url

    if url is None:
        label = str(parcels.attrs.get(SOURCE_ATTR, ""))
        url, _, table = label.removesuffix(" (SQL)").partition("#")
        table = table or None
    return {
        "path": None,
        "url": public_url(url),
        "table": table,
        "sql": sql,
        "sha256": parcels.attrs.get(SOURCE_SHA256_ATTR),
        "parcels": len(parcels),
    }


def _solve(
    scenario: Scenario,
    parcels: gpd.GeoDataFrame | None,
    *,
    allow_shortfall: bool,
    done: Any,
    **solver_overrides: Any,
) -> Plan:
    """:func:`solve`'s work, unrecorded."""
    timings: dict[str, float] = {}
    source: dict[str, Any] = {}
    t = time.perf_counter()
    if parcels is None:
        if scenario.parcels is None:
            raise InputError(
                'the scenario names no parcel layer: add [parcels] path = "…" or pass parcels='
            )
        src = scenario.parcels
        parcels = read_parcels(src.location, **src.read_kwargs())
        if src.url is not None:
            source = _db_source(parcels, src.url, table=src.table, sql=src.sql)
        else:
            path = src.path
            source = {"path": str(path), "sha256": file_sha256(path), "parcels": len(parcels)}
        timings["read"] = time.perf_counter() - t
    elif parcels.attrs.get(SOURCE_SHA256_ATTR):  # read from PostGIS by the caller
        source = _db_source(parcels, None, table=None, sql=None)
    else:
        source = {"path": None, "parcels": len(parcels)}

    from landopt.done import done_folder, read_done

    done = done if done is not None else done_folder(scenario)
    if isinstance(done, (str, os.PathLike)):  # before the long part: a bad record fails fast
        done = read_done(done, scenario, parcels)
    t = time.perf_counter()
    prepared = prepare(scenario, parcels, done=done)
    model = compile_model(prepared)
    timings["compile"] = time.perf_counter() - t
    opts = scenario.solver
    if solver_overrides:
        from dataclasses import replace

        opts = replace(opts, **solver_overrides)

    from landopt.solving import Deadline

    deadline = Deadline(opts.time_limit)  # one budget for the solve and any diagnosis
    t = time.perf_counter()
    findings = precheck(model)
    timings["precheck"] = time.perf_counter() - t
    diagnosis: Diagnosis | None = None
    result: SolverResult | None = None
    if not findings:
        t = time.perf_counter()
        cut_info: dict[str, int] = {}
        from landopt.solving import cut_generators, solve_compiled

        cuts = cut_generators(model)
        blocks = next((g for g in cuts if g.name == "min_block"), None)
        result = solve_compiled(model, opts, deadline=deadline, cuts=cuts)
        if blocks is not None:
            cut_info = {"block_cuts": blocks.cuts, "rounds": blocks.rounds}
            if result.status == "infeasible":
                lg = scenario.lang
                names = scenario.spatial.boundary_actions or scenario.action_names
                raise TargetsUnmetError(
                    i18n.t(
                        "diagnose.solve.min_block",
                        lg,
                        actions=i18n.t("cli.list_sep", lg).join(
                            who(scenario.action(a), lg) for a in names
                        ),
                        mu=f"{scenario.spatial.min_block_mu:g}",
                        cuts=cut_info["block_cuts"],
                    )
                )
        timings["solve"] = time.perf_counter() - t
        if result.status == "error" or (not result.has_solution and result.status != "infeasible"):
            lg = scenario.lang
            why = i18n.t(
                "diagnose.solve.its_time_limit"
                if result.time_limit_hit
                else "diagnose.solve.the_run",
                lg,
            )
            raise SolverError(
                i18n.t(
                    "diagnose.solve.no_plan",
                    lg,
                    solver=result.solver,
                    why=why,
                    message=solver_message(result.message, lg),
                    s=f"{result.runtime:.1f}",
                )
            )
    if findings or (result is not None and result.status == "infeasible"):
        t = time.perf_counter()
        diagnosis = diagnose(model, opts, findings=findings, parcels=parcels, deadline=deadline)
        timings["diagnose"] = time.perf_counter() - t
        if not allow_shortfall:
            raise TargetsUnmetError(diagnosis.explain(), diagnosis)
        if diagnosis.closest is None or not diagnosis.closest.has_solution:
            raise TargetsUnmetError(diagnosis.explain(), diagnosis)
        result = diagnosis.closest
    assert result is not None and result.x is not None

    t = time.perf_counter()
    plan_parcels = attach_actions(parcels, model, result.x)
    checks = check_plan(scenario, plan_parcels, objective=result.objective, x=result.x, model=model)
    bad = failed_checks(checks, shortfall=diagnosis is not None)
    timings["check"] = time.perf_counter() - t
    if bad:
        raise SolverError(
            i18n.t("diagnose.solve.fails_check", scenario.lang)
            + "\n"
            + "\n".join(f"  - {c.name}: {c.detail}" for c in bad)
        )
    if diagnosis is not None:
        diagnosis.shortfalls = _shortfalls(model, result.x)
    spatial = {}
    if scenario.spatial.active or scenario.spatial.min_block_mu:
        spatial = {
            **spatial_stats(scenario, plan_parcels, prepared=prepared),
            "model": model.spatial,
        }
        if scenario.spatial.min_block_mu and not findings:
            spatial["min_block_cuts"] = cut_info
    return Plan(
        scenario=scenario,
        parcels=plan_parcels,
        summary=summarize(scenario, plan_parcels, eligible=prepared.eligible),
        result=result,
        checks=checks,
        diagnosis=diagnosis,
        timings=timings,
        source=source,
        model_size={"variables": model.n_vars, "rows": model.n_rows, "nonzeros": int(model.A.nnz)},
        spatial=spatial,
        done=done,
        projects=_project_table(scenario, plan_parcels),
    )


def _done_record(done: Any) -> dict[str, Any] | None:
    """A done record as ``run.json`` keeps it (entries as lists), or ``None``."""
    if done is None:
        return None
    return {
        "source": str(done.source),
        "before": done.before,
        "entries": [
            [int(e.row), str(e.parcel_id), e.action, int(e.year), int(e.stage)]
            for e in done.entries
        ],
    }


def _done_from_record(rec: dict[str, Any] | None) -> Any:
    """The :class:`landopt.done.Done` of a ``run.json`` ``done`` entry, or ``None``."""
    if not rec:
        return None
    from landopt.done import Done, DoneEntry

    entries = tuple(
        DoneEntry(int(r), str(p), str(a), int(y), int(g)) for r, p, a, y, g in rec["entries"]
    )
    return Done(source=rec.get("source", ""), entries=entries, before=rec.get("before"))


def attach_actions(
    parcels: gpd.GeoDataFrame, model: CompiledModel, x: np.ndarray
) -> gpd.GeoDataFrame:
    """The parcel layer with ``action``, ``action_label`` and ``eligible_actions`` columns.

    The layer keeps its ``attrs``, among them the planner's original columns and values
    (``attrs["landopt_original"]``, :mod:`landopt.parcels.layout`) that :func:`write_plan`
    restores in ``plan.gpkg``.
    """
    names = np.asarray([*model.action_names, NONE], dtype=object)
    labels = np.asarray([*(a.label for a in model.scenario.actions), ""], dtype=object)
    choice = model.choice(x)
    out = parcels.copy()
    out["action"] = names[choice]  # -1 picks the trailing "none"
    out["action_label"] = labels[choice]
    out["eligible_actions"] = _eligible_strings(model.eligible)
    if model.is_programme:
        _attach_years(out, model, x)
    if model.projects is not None:
        _attach_projects(out, model, x)
    return out


def _attach_projects(out: pd.DataFrame, model: CompiledModel, x: np.ndarray) -> None:
    """The key projects' columns: ``project``, ``project_name``, ``site_no`` (see issue 15)."""
    pc = model.projects
    n = len(out)
    project = np.full(n, "", dtype=object)
    name = np.full(n, "", dtype=object)
    site = np.full(n, pd.NA, dtype=object)
    for j, rows in pc.sites(x).items():
        p = pc.projects[j]
        project[rows], name[rows], site[rows] = p.project_id, p.name, j + 1
    out["project"] = project
    out["project_name"] = name
    out["site_no"] = pd.array(site, dtype="Int64")


def _attach_years(out: pd.DataFrame, model: CompiledModel, x: np.ndarray) -> None:
    """A programme plan's columns: ``year``, ``year_end``, ``action2``, ``action2_label``,
    ``year2`` and ``stock`` (see the design of multi-year programmes)."""
    from landopt.programme import programme_of

    n = len(out)
    on = np.asarray(x)[: model.n_x] > 0.5
    first, second = on & (model.var_stage == 0), on & (model.var_stage == 1)
    year = np.full(n, pd.NA, dtype=object)
    end = np.full(n, pd.NA, dtype=object)
    year2 = np.full(n, pd.NA, dtype=object)
    year[model.var_parcel[first]] = model.var_year[first]
    end[model.var_parcel[first]] = model.var_end[first]
    year2[model.var_parcel[second]] = model.var_year[second]
    out["year"] = pd.array(year, dtype="Int64")
    out["year_end"] = pd.array(end, dtype="Int64")
    names = np.asarray(model.action_names, dtype=object)
    labels = np.asarray([a.label for a in model.scenario.actions], dtype=object)
    a2 = np.full(n, NONE, dtype=object)
    l2 = np.full(n, "", dtype=object)
    a2[model.var_parcel[second]] = names[model.var_action[second]]
    l2[model.var_parcel[second]] = labels[model.var_action[second]]
    out["action2"] = a2
    out["action2_label"] = l2
    out["year2"] = pd.array(year2, dtype="Int64")
    stock = model.stock if model.stock is not None else programme_of(model.scenario).stock_mask(out)
    out["stock"] = np.asarray(stock, dtype=bool)


def plot_numbers(scenario: Scenario, parcels: pd.DataFrame) -> pd.Series:
    """The number of each chosen plot on the map, in the report and in summary.xlsx.

    Chosen plots are numbered 1, 2, … in the scenario's action order, then by township,
    then by parcel id; unchosen parcels get 0. Every output that numbers plots calls this,
    so the numbers agree everywhere.
    """
    action = parcels["action"].astype(str)
    rank = {name: k for k, name in enumerate(scenario.action_names)}
    chosen = action.map(rank).notna().to_numpy()
    keys = pd.DataFrame(
        {
            "a": action.map(rank).fillna(-1).to_numpy(),
            "t": parcels["township"].astype("string").fillna("").to_numpy()
            if "township" in parcels.columns
            else "",
            "p": parcels["parcel_id"].astype(str).to_numpy(),
        },
        index=parcels.index,
    )[chosen]
    order = keys.sort_values(["a", "t", "p"], kind="stable").index
    out = pd.Series(0, index=parcels.index, dtype="int64", name="plot_no")
    out[order] = np.arange(1, len(order) + 1)
    return out


def _eligible_strings(elig: pd.DataFrame) -> np.ndarray:
    out = np.full(len(elig), "", dtype=object)
    for name in elig.columns:
        m = elig[name].to_numpy()
        out[m] = np.where(out[m] == "", name, out[m] + "," + name)
    return out


# --------------------------------------------------------------------------- check
# check_plan is landopt.check.check_plan, re-exported here for compatibility.


def spatial_stats(
    scenario: Scenario, parcels: gpd.GeoDataFrame, *, prepared: Prepared | None = None
) -> dict[str, Any]:
    """Exposed boundary and blocks of the plots chosen for the boundary actions.

    Computed from the geometry (adjacency, cached), independently of the model:
    ``boundary_km`` is the exposed boundary the penalty prices (edges against land of an
    inner status count as inner); a block is a connected group of chosen plots together
    with the inner land they touch, and only blocks holding a chosen plot count.
    ``prepared``: the plan's prepared problem, when at hand (else prepared here).
    """
    prep = prepared if prepared is not None else prepare(scenario, parcels)
    adj = prep.adjacency
    S, _, inner = prep.boundary_sets()
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


# --------------------------------------------------------------------------- summary
def summarize(
    scenario: Scenario, parcels: pd.DataFrame, *, eligible: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per action and a total: eligible, target, achieved, cost, benefit, met.

    ``eligible``: the prepared problem's eligibility, when at hand (else computed here).
    """
    action = parcels["action"].astype(str).to_numpy()
    area = pd.to_numeric(parcels["area_mu"], errors="coerce").to_numpy(float)
    elig = eligible if eligible is not None else effective_eligibility(scenario, parcels)
    rows = []
    steps = None
    if scenario.rule("programme") is not None and "year" in parcels.columns:
        # a programme: every step counts (a sequence's second step too), priced as the
        # programme's tables price it (an empty re-supply cost at the sequence's rate)
        from landopt.programme_tables import programme_steps

        steps = programme_steps(scenario, parcels)
    for a in scenario.actions:
        if steps is not None:
            mine = steps[steps["action"] == a.name]
            on = np.zeros(len(parcels), bool)
            on[mine["row"].to_numpy(int)] = True
            n, mu = len(mine), float(mine["mu"].sum())
            cost, benefit = float(mine["cost_wan"].sum()), float(mine["benefit_wan"].sum())
        else:
            on = action == a.name
            n, mu = int(on.sum()), float(area[on].sum())
            cost = float(
                np.nansum(pd.to_numeric(parcels[a.cost], errors="coerce").to_numpy(float)[on])
            )
            benefit = (
                float(
                    np.nansum(
                        pd.to_numeric(parcels[a.benefit], errors="coerce").to_numpy(float)[on]
                    )
                )
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
        "label": "合计" if i18n.resolve_lang(scenario.lang) == "zh" else "total",
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
    "projects.csv",
    "irreplaceability.png",
    "programme.csv",
    "programme_cumulative.csv",
    "programme_map.png",
    "programme_timeline.png",
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
    commit: Callable[[], Callable[[], None]] | None = None,
) -> list[Path]:
    """Write ``plan.gpkg``, ``summary.csv``, ``summary.xlsx`` and ``run.json`` (and ``extra``) atomically.

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

    ``plan.gpkg`` carries the planner's own columns and values as they came in (names,
    values, order; so it joins back to their master data by their own id), then the result
    columns, named in the scenario's language (``措施``, ``措施代码``, ``可选措施``,
    ``面积_亩`` in Chinese): see :mod:`landopt.parcels.layout`. :func:`read_plan` reads it
    back into landopt's fields.

    Parameters
    ----------
    extra
        More files to write in the same step: name → function that writes that path
        (the maps and the report use this).
    commit
        A write elsewhere that stands or falls with the folder (``--to-db``'s tables):
        called once every file is staged, just before the folder is swapped in (if it
        raises, nothing is swapped in), it returns a function that undoes it, called if
        the swap then fails. The folder and that write appear together or not at all.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    OutputError
        ``out_dir`` cannot be used or written (permission, read-only, disk full).
    """
    from landopt import programme_tables, project_outputs

    out = Path(out_dir)
    names = [
        *OUTPUT_FILES,
        *programme_tables.files(plan),
        *project_outputs.files(plan),
        *(extra or {}),
    ]
    from landopt.store import record as store_record

    try:
        outputs = _write_plan_files(plan, out, names, force=force, extra=extra, commit=commit)
    except BaseException as exc:  # the run did not produce its outputs: say so in the store
        status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        store_record.finish_run(plan.run_id, status, error=str(exc) or type(exc).__name__)
        raise
    if plan.run_id is not None:
        store_record.update_run(plan.run_id, out_dir=str(out.resolve()), outputs=outputs)
    log.info("wrote %s", ", ".join(names))
    return [out / n for n in names]


def _write_plan_files(
    plan: Plan,
    out: Path,
    names: list[str],
    *,
    force: bool,
    extra: dict[str, Callable[[Path], None]] | None,
    commit: Callable[[], Callable[[], None]] | None = None,
) -> dict[str, str]:
    """:func:`write_plan`'s work: the files, atomically; returns name → SHA-256 of each."""
    undo: list[Callable[[], None]] = []
    try:
        return _stage_plan_files(
            plan, out, names, force=force, extra=extra, commit=commit, undo=undo
        )
    except BaseException:
        for fn in undo:  # the folder was not swapped in: neither stays the other write
            try:
                fn()
            except Exception:
                log.exception("could not undo the write that went with %s", out)
        raise


def _stage_plan_files(
    plan: Plan,
    out: Path,
    names: list[str],
    *,
    force: bool,
    extra: dict[str, Callable[[Path], None]] | None,
    commit: Callable[[], Callable[[], None]] | None,
    undo: list[Callable[[], None]],
) -> dict[str, str]:
    """The files staged and swapped in (``commit`` last before the swap, its undo kept)."""
    from landopt import programme_tables, project_outputs

    check_output_dir(
        out, force=force, names=names, need_bytes=estimate_bytes(plan, maps=bool(extra)), whole=True
    )
    with _atomic.atomic_folder(out, force=force, known=[*names, *KNOWN_OUTPUTS]) as stage:
        t = time.perf_counter()
        # the planner's own columns and values, then the results in the plan's language
        layer, layout = planner_layer(plan.parcels, plan.scenario.lang)
        # through Arrow: 0.64 s instead of 1.04 s for 100k parcels (measured)
        try:
            layer.to_file(
                stage / "plan.gpkg",
                layer="plan",
                driver="GPKG",
                engine="pyogrio",
                use_arrow=True,
                layer_metadata={LAYOUT_KEY: layout_json(layout)},
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
        from landopt import excel, qgis

        action_column = next(n for n, f in layout["results"].items() if f == "action")
        qgis.write_layer_style(  # opens coloured in QGIS, on the column as written (措施代码)
            stage / "plan.gpkg", plan.scenario, column=action_column
        )
        plan.plan_sha256 = file_sha256(stage / "plan.gpkg")  # before run.json records it
        plan.summary.to_csv(stage / "summary.csv", index=False, encoding="utf-8-sig")
        if programme_tables.is_programme(plan):  # programme.csv, programme_cumulative.csv
            programme_tables.write_tables(plan, stage)
        if project_outputs.has_projects(plan):  # projects.csv
            project_outputs.write_projects_csv(plan, stage / project_outputs.CSV_NAME)
        excel.write_workbook(plan, stage / "summary.xlsx")
        for name, writer in (extra or {}).items():
            writer(stage / name)
        plan.timings["write"] = time.perf_counter() - t
        record = plan.record()
        record["outputs"] = {n: file_sha256(stage / n) for n in names if n != "run.json"}
        (stage / "run.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=2, default=_json_default),
            encoding="utf-8",
        )
        hashes = {**record["outputs"], "run.json": file_sha256(stage / "run.json")}
        if commit is not None:
            undo.append(commit())
        return hashes


def read_plan(path: str | Path, *, lang: str | None = None) -> Plan:
    """Read a plan written by :func:`write_plan` (its folder, or its ``plan.gpkg``).

    The parcels come from ``plan.gpkg``; scenario, solver record and diagnosis from
    ``run.json`` beside it. The checks and the summary are not taken from ``run.json``:
    they are recomputed from ``plan.gpkg``'s own parcels (their ``action`` column) and the
    scenario, so a plan edited after the run is judged by what it now holds. When the
    file's SHA-256 differs from the one ``run.json`` recorded, ``notes`` says so. The
    solution vector is not kept (``result.x`` is None).

    Both layouts are read: the planner's columns with the results in the plan's language
    (the layout in the layer's metadata; found by the names when another tool dropped it)
    and the older one in landopt's own names. The parcels come back in landopt's fields.

    Parameters
    ----------
    lang
        The language of the plan as read (its re-check, notes and errors): ``"zh"`` or
        ``"en"``; by default the scenario's (``landopt map --lang en`` redraws a Chinese
        plan in English, its re-check included).
    """
    from dataclasses import replace

    from landopt.scenario import scenario_from_dict

    p = Path(path)
    folder = p if p.is_dir() else p.parent
    gpkg = folder / "plan.gpkg" if p.is_dir() else p
    run_file = folder / "run.json"
    lg = lang or i18n.run_lang()
    for f in (gpkg, run_file):
        if not f.exists():
            raise InputError(i18n.t("errors.read_plan.not_found", lg, file=f))
    try:
        run = json.loads(run_file.read_text(encoding="utf-8"))
        parcels = gpd.read_file(gpkg, layer="plan", engine="pyogrio")
        layout = read_layout(pyogrio.read_info(gpkg, layer="plan"))
    except (OSError, ValueError) as exc:
        raise InputError(
            i18n.t("errors.read_plan.unreadable", lg, folder=folder, error=exc)
        ) from None
    if layout is None:  # metadata lost (rewritten by another tool): by the names
        mapping = dict(run.get("scenario", {}).get("parcels", {}).get("columns", {}))
        layout = guess_layout(
            [c for c in parcels.columns if c != parcels.geometry.name],
            run.get("scenario", {}).get("lang"),
            mapping,
        )
    if layout is not None:  # written with the planner's columns: back to landopt's fields
        values = run.get("scenario", {}).get("parcels", {}).get("status_values")
        parcels = from_planner_layer(parcels, layout, values)
    src = run.get("scenario_file")
    scenario = scenario_from_dict(
        run["scenario"],
        base_dir=Path(src).parent if src else folder,
        source=Path(src) if src else None,
    )
    if lang is not None and lang != scenario.lang:
        scenario = replace(scenario, lang=lang)
    lg = lang or scenario.lang
    result = SolverResult.from_record(run["solver"])
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
    if "action" not in parcels.columns:
        raise InputError(f"{gpkg} has no action column: it is not a plan written by 'landopt plan'")
    parcels["action"] = parcels["action"].fillna("(empty)").astype(str)
    sha = file_sha256(gpkg)
    notes: list[str] = []
    recorded = run.get("plan_sha256")
    if recorded is None:
        notes.append(i18n.t("errors.read_plan.no_sha", lg, run=run_file.name, gpkg=gpkg.name))
    elif recorded != sha:
        notes.append(
            i18n.t(
                "errors.read_plan.edited", lg, gpkg=gpkg.name, sha=sha[:12], recorded=recorded[:12]
            )
        )
        log.info("%s: %s", folder, notes[-1])
    done = _done_from_record(run.get("done"))
    checks = check_plan(scenario, parcels, objective=result.objective, done=done)
    bad = failed_checks(checks, shortfall=diagnosis is not None)
    if bad:
        log.info(  # Plan.failed_checks has them; the CLI reports them
            "%s: the plan fails its re-check: %s",
            folder,
            "; ".join(f"{c.name}: {c.detail}" for c in bad),
        )
    return Plan(
        scenario=scenario,
        parcels=parcels,
        summary=summarize(scenario, parcels),
        result=result,
        checks=checks,
        diagnosis=diagnosis,
        timings=run.get("timings_s", {}),
        source=run.get("input", {}),
        model_size=run.get("model", {}),
        plan_sha256=sha,
        notes=notes,
        edited=recorded is not None and recorded != sha,
        done=done,
        projects=_project_table(scenario, parcels),
    )


def _project_table(scenario: Scenario, parcels: pd.DataFrame) -> pd.DataFrame | None:
    """The plan's project–site table when the scenario has ``[projects]`` (else None)."""
    if scenario.rule("projects") is None or "project" not in parcels.columns:
        return None
    from landopt.projects import project_table

    try:
        return project_table(scenario, parcels)
    except LandoptError as exc:  # the project table moved or changed since the run
        log.info("no project table for the plan: %s", exc)
        return None


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"cannot write {type(o).__name__} to JSON")


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
