"""Scenario analysis: compare plans, sweep targets, find alternatives, measure irreplaceability.

Planners ask "what if": what each extra mu of clearance costs (:func:`sweep`), how
different a plan can be at nearly the same cost (:func:`alternatives`), which plots no
good plan can do without (:func:`replacement_costs`, :func:`selection_frequency`), and
what changes between two scenarios (:func:`compare`).

Repeated solves reuse one compiled model where only numbers change: a sweep over a
target or budget swaps right-hand sides (:meth:`CompiledModel.retarget`) in a HiGHS
model kept in memory (:class:`~landopt.solvers.HighsSession`); alternatives and
replacement costs add rows or change bounds in the same way. Every solve goes through
:func:`landopt.solving.solve_compiled`, so the scenario's rules hold on each path (the
minimum-block cuts included, kept in the session), and each point, alternative or
re-solve has the scenario's time limit as one budget for all its rounds.
"""

from __future__ import annotations

import itertools
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt import cluster
from landopt.check import failed_checks
from landopt.cluster import Engine
from landopt.diagnose import precheck
from landopt.errors import InputError, LandoptError, TargetsUnmetError
from landopt.model import CompiledModel, compile_model
from landopt.parcels import read_parcels
from landopt.plan import NONE, Plan, attach_actions, check_plan, solve, spatial_stats, summarize
from landopt.scenario import Scenario
from landopt.solvers import HighsSession, SolverResult
from landopt.solving import Deadline, cut_generators, solve_compiled

__all__ = [
    "Alternatives",
    "SweepResult",
    "alternatives",
    "calibrate",
    "compare",
    "parse_vary",
    "replacement_costs",
    "selection_frequency",
    "sweep",
]

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- compare
def compare(
    plans: Sequence[Plan], names: Sequence[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare plans of the same parcel layer.

    Returns
    -------
    table
        One row per plan and action (and total): plots and mu against targets, cost,
        benefit, met.
    changes
        One row per parcel whose action differs between any two plans, with its action in
        each plan.
    """
    from landopt.store.record import recording

    given = list(names or [p.scenario.name for p in plans])
    with recording(
        "compare",
        " / ".join(given),
        scenario={"compare": {n: p.scenario.to_dict() for n, p in zip(given, plans, strict=False)}},
    ) as rec:
        table, changes = _compare(plans, names)
        rec.finish(
            summary=_rows(table),
            result={
                "plans": {n: p.run_id for n, p in zip(given, plans, strict=False)},
                "changed_parcels": len(changes),
            },
        )
        return table, changes


def _compare(
    plans: Sequence[Plan], names: Sequence[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`compare`'s work, unrecorded."""
    if len(plans) < 2:
        raise InputError("compare needs at least two plans")
    names = list(names or [p.scenario.name for p in plans])
    if len(set(names)) < len(names):
        names = [f"{n} ({i + 1})" for i, n in enumerate(names)]
    rows = []
    for name, p in zip(names, plans, strict=True):
        s = p.summary.copy()
        s.insert(0, "scenario", name)
        s["objective"] = p.result.objective
        s["status"] = p.result.status
        rows.append(s)
    table = pd.concat(rows, ignore_index=True)
    ids = plans[0].parcels["parcel_id"].astype(str)
    for p in plans[1:]:
        if (
            len(p.parcels) != len(ids)
            or not (p.parcels["parcel_id"].astype(str).to_numpy() == ids.to_numpy()).all()
        ):
            raise InputError(
                "the plans are not on the same parcel layer (parcel ids differ): compare plans of one layer"
            )
    acts = pd.DataFrame(
        {n: p.parcels["action"].astype(str).to_numpy() for n, p in zip(names, plans, strict=True)}
    )
    differs = acts.nunique(axis=1) > 1
    changes = pd.concat(
        [
            plans[0]
            .parcels.loc[differs.to_numpy(), ["parcel_id", "area_mu"]]
            .reset_index(drop=True),
            acts[differs].reset_index(drop=True),
        ],
        axis=1,
    )
    for col in ("name", "township"):
        if col in plans[0].parcels.columns:
            changes.insert(1, col, plans[0].parcels.loc[differs.to_numpy(), col].to_numpy())
    return table, changes


# --------------------------------------------------------------------------- sweep
def parse_vary(text: str) -> tuple[str, np.ndarray]:
    """Parse ``KEY=START:STOP:STEP`` (stop included) or ``KEY=V1,V2,...``.

    >>> parse_vary("actions.clear.targets.area_min=300:900:100")[1].tolist()
    [300.0, 400.0, 500.0, 600.0, 700.0, 800.0, 900.0]
    """
    key, sep, spec = text.partition("=")
    if not sep or not key or not spec:
        raise InputError(f"--vary wants KEY=START:STOP:STEP or KEY=V1,V2,…, got {text!r}")
    try:
        if ":" in spec:
            start, stop, step = (float(x) for x in spec.split(":"))
            if step <= 0 or stop < start:
                raise ValueError
            values = np.arange(start, stop + step / 2, step)
        else:
            values = np.array([float(x) for x in spec.split(",")])
    except ValueError:
        raise InputError(
            f"--vary {text!r}: START:STOP:STEP must be numbers with STEP > 0 and STOP ≥ START"
        ) from None
    return key.strip(), values


@dataclass
class SweepResult:
    """One row per point: the varied values, status, objective, and per-action figures."""

    table: pd.DataFrame
    keys: list[str]
    wall_s: float
    jobs: int
    reused_model: int = 0
    #: the run's id in the run store (:mod:`landopt.store`), when it was recorded
    run_id: str | None = None

    def marginal(self) -> pd.Series:
        """Objective change per unit of the (single) varied key between feasible points."""
        return self.table["marginal"]


def sweep(
    scenario: Scenario,
    parcels: gpd.GeoDataFrame | None = None,
    vary: Mapping[str, Sequence[float]] | None = None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    engine: Engine | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Solve the scenario at every point of a grid of one or two varied keys.

    The points are independent solves: they run on :mod:`landopt.cluster`'s engine, in
    this process, on a LocalCluster of ``jobs`` workers or on the Dask cluster named by
    ``scheduler`` (or the scenario's ``[cluster] scheduler``, or
    ``DASK_SCHEDULER_ADDRESS``); the table is the same wherever they run.

    Parameters
    ----------
    vary
        TOML keys to values, e.g. ``{"actions.clear.targets.area_min": range(300, 901, 60)}``.
        Two keys make a grid.
    jobs
        Worker processes of a LocalCluster (default: the machine's cores, at most one per
        point; 1 solves in this process). Each worker loads the model into HiGHS once and
        changes only right-hand sides between points where it can.
    scheduler
        The address of a Dask scheduler to solve on (``tcp://host:8786``).
    engine
        An engine a caller keeps for a whole command (:func:`landopt.cluster.engine`);
        ``jobs`` and ``scheduler`` are then not used.
    progress
        Called as ``progress(done, total)`` after each point.

    Returns
    -------
    SweepResult
        ``table`` has one row per point with ``status`` (optimal, infeasible, …), the
        ``objective``, per-action ``plots_*``, ``mu_*``, ``cost_*`` and, for one key,
        ``marginal``: the objective's change per unit of the key from the previous
        feasible point (万元 per extra mu for an area target).
    """
    from landopt.store.record import recording

    vary = {k: list(v) for k, v in vary.items()} if vary else vary  # read twice below
    with recording("sweep", scenario.name, scenario=scenario) as rec:
        result = _sweep(
            scenario, parcels, vary, jobs=jobs, scheduler=scheduler, engine=engine, progress=progress
        )
        rec.finish(**_sweep_record(result, vary))
        result.run_id = rec.run_id
        return result


def _sweep(
    scenario: Scenario,
    parcels: gpd.GeoDataFrame | None,
    vary: Mapping[str, Sequence[float]] | None,
    *,
    jobs: int | None,
    scheduler: str | None,
    engine: Engine | None,
    progress: Callable[[int, int], None] | None,
) -> SweepResult:
    """:func:`sweep`'s work, unrecorded."""
    if not vary or not 1 <= len(vary) <= 2:
        raise InputError("sweep needs one or two keys to vary")
    if parcels is None:
        if scenario.parcels is None:
            raise InputError("the scenario names no parcel layer")
        parcels = read_parcels(scenario.parcels.location, **scenario.parcels.read_kwargs())
    keys = list(vary)
    points = [
        dict(zip(keys, combo, strict=True))
        for combo in itertools.product(*(list(map(float, vary[k])) for k in keys))
    ]
    for k in keys:  # fail early on a wrong key, with the scenario's own message
        scenario.with_value(k, _typed(k, points[0][k]))
    model = compile_model(scenario, parcels)
    t0 = time.perf_counter()
    with _engine_for(engine, jobs, scheduler, scenario, len(points)) as eng:
        model = _one_thread(model)
        ctx = _Context(_token(eng, model, parcels), model, parcels)
        try:
            rows = eng.map(_solve_point, points, context=ctx, progress=progress)
        finally:
            if not eng.parallel:
                cluster.forget(("sweep", ctx.key))
        workers = eng.workers
    wall = time.perf_counter() - t0
    table = pd.DataFrame(rows)
    if len(keys) == 1:
        table = table.sort_values(keys[0], kind="stable").reset_index(drop=True)
        feasible = table["objective"].notna()
        f = table[feasible]
        marginal = f["objective"].diff() / f[keys[0]].diff()
        table["marginal"] = np.nan
        table.loc[f.index, "marginal"] = marginal
    reused = int(table.pop("reused").sum())
    return SweepResult(table=table, keys=keys, wall_s=wall, jobs=workers, reused_model=reused)


def _rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON rows (NaN as null), for the run store."""
    import json

    return json.loads(table.to_json(orient="records", force_ascii=False))


def _sweep_record(
    result: SweepResult, vary: Mapping[str, Sequence[float]] | None
) -> dict[str, Any]:
    """What the run store keeps of a sweep: its points and how it ran."""
    statuses = result.table["status"].value_counts().to_dict() if "status" in result.table else {}
    return {
        "status": "done",
        "summary": _rows(result.table),
        "result": {
            "keys": result.keys,
            "vary": {k: [float(v) for v in vals] for k, vals in (vary or {}).items()},
            "points": len(result.table),
            "statuses": {str(k): int(v) for k, v in statuses.items()},
            "jobs": result.jobs,
            "wall_s": round(result.wall_s, 3),
        },
    }


@dataclass(frozen=True)
class _Context:
    """What every call of one many-solve job needs, sent once to each worker."""

    key: str  # the worker_cache key: a token of the model (or unique to this call)
    model: CompiledModel
    parcels: pd.DataFrame


@contextmanager
def _engine_for(
    given: Engine | None, jobs: int | None, scheduler: str | None, scenario: Scenario, n: int
) -> Iterator[Engine]:
    """The caller's engine, or one for this call: ``jobs`` defaults to the cores, ≤ ``n``."""
    if given is not None:
        yield given
        return
    jobs = max(1, min(jobs or os.cpu_count() or 1, n))
    with cluster.engine(jobs, scheduler, scenario=scenario) as eng:
        yield eng


def _one_thread(model: CompiledModel) -> CompiledModel:
    """HiGHS with one thread for each of many solves, unless ``[solver] threads`` says more.

    The workers are the parallelism (HiGHS thread pools on the same cores slow each
    other), and with one thread a point's result does not depend on which worker solved
    it or what it solved before: a sweep on a cluster gives the serial table to the last
    digit (with HiGHS's default threads objectives differed in the 14th digit).
    """
    if model.scenario.solver.threads is not None:
        return model
    from dataclasses import replace

    return replace(model, scenario=model.scenario.with_solver(threads=1))


def _token(eng: Engine, model: CompiledModel, parcels: pd.DataFrame) -> str:
    """The key of a job's worker state: a token of its model on a cluster (a kept engine's
    workers reuse the session of an earlier job on the same model); in this process a key
    of its own, dropped when the job ends."""
    if eng.parallel:
        return cluster.token((model, parcels))
    return uuid.uuid4().hex


def calibrate(
    scenario: Scenario,
    parcels: gpd.GeoDataFrame | None = None,
    weights: Sequence[float] | None = None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    engine: Engine | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Trace the trade-off between cost and exposed boundary over boundary weights.

    A sweep of ``spatial.boundary_weight`` (``jobs``, ``scheduler`` and ``engine`` as in
    :func:`sweep`: the weights are independent solves); the table gains ``boundary_km``, ``blocks``,
    ``mean_block_mu`` and ``cost_total`` (the actions' own cost, without the penalty),
    and a boolean ``knee`` marking the weight after which more weight buys little
    boundary: the point farthest from the straight line between the first and last
    points of the (cost, boundary) curve, both scaled to [0, 1].
    """
    from landopt.store.record import recording

    with recording("calibrate", scenario.name, scenario=scenario) as rec:
        result = _calibrate(
            scenario,
            parcels,
            weights,
            jobs=jobs,
            scheduler=scheduler,
            engine=engine,
            progress=progress,
        )
        rec.finish(**_sweep_record(result, None))
        result.run_id = rec.run_id
        return result


def _calibrate(
    scenario: Scenario,
    parcels: gpd.GeoDataFrame | None,
    weights: Sequence[float] | None,
    *,
    jobs: int | None,
    scheduler: str | None,
    engine: Engine | None,
    progress: Callable[[int, int], None] | None,
) -> SweepResult:
    """:func:`calibrate`'s work, unrecorded."""
    weights = list(weights) if weights is not None else [0, 10, 25, 50, 100, 250, 500, 1000, 2500]
    base = (
        scenario
        if scenario.spatial.active
        else scenario.with_value(
            "spatial.boundary_weight",
            max(w for w in weights if w > 0) if any(w > 0 for w in weights) else 1.0,
        )
    )
    result = sweep(
        base,
        parcels,
        {"spatial.boundary_weight": [max(w, 1e-9) for w in weights]},
        jobs=jobs,
        scheduler=scheduler,
        engine=engine,
        progress=progress,
    )
    t = result.table
    t["spatial.boundary_weight"] = t["spatial.boundary_weight"].where(
        t["spatial.boundary_weight"] > 1e-6, 0.0
    )
    t["knee"] = False
    ok = t["boundary_km"].notna() if "boundary_km" in t else None
    if ok is not None and ok.sum() >= 3:
        c = t.loc[ok, "cost_total"].to_numpy(float)
        b = t.loc[ok, "boundary_km"].to_numpy(float)
        cn = (c - c.min()) / max(np.ptp(c), 1e-12)
        bn = (b - b.min()) / max(np.ptp(b), 1e-12)
        p0, p1 = np.array([cn[0], bn[0]]), np.array([cn[-1], bn[-1]])
        d = p1 - p0
        dist = np.abs(d[0] * (bn - p0[1]) - d[1] * (cn - p0[0])) / max(np.hypot(*d), 1e-12)
        t.loc[t.index[ok.to_numpy()][int(np.argmax(dist))], "knee"] = True
    return result


def _typed(key: str, value: float) -> float | int:
    """Counts are whole numbers in a scenario; everything else stays a float."""
    last = key.rsplit(".", 1)[-1]
    return (
        round(value)
        if last in ("count", "count_min", "count_max", "year", "threads")
        else float(value)
    )


def _solve_point(ctx: _Context, point: Mapping[str, float]) -> dict[str, Any]:
    """One point of a sweep, on a worker (or in this process): its table row."""
    base = ctx.model
    row: dict[str, Any] = dict(point)
    sc = base.scenario
    try:
        for k, v in point.items():
            sc = sc.with_value(k, _typed(k, v))
    except LandoptError as exc:
        return {
            **row,
            "status": "invalid",
            "objective": np.nan,
            "note": str(exc).splitlines()[-1],
            "reused": False,
        }
    model = base.variant(sc)  # compiled once; reused when only right-hand sides differ
    reused = base.differs_only_in_rhs(model)
    findings = precheck(model)
    if findings:
        return {
            **row,
            "status": "infeasible",
            "objective": np.nan,
            "note": findings[0],
            "reused": reused,
            **_figures(model, None),
        }
    parcels = ctx.parcels
    if reused and sc.solver.backend == "highs":
        # one session per worker and model; min-block cuts found at one point hold at
        # every other (they depend only on the columns), so they stay in it
        session, blocks = cluster.worker_cache(
            ("sweep", ctx.key), lambda: (HighsSession(base), cut_generators(base))
        )
        session.set_rhs(model.rhs)
        res = solve_compiled(
            model,
            parcels=parcels,
            deadline=Deadline(sc.solver.time_limit),
            session=session,
            cuts=blocks,
        )
    else:
        res = solve_compiled(model, parcels=parcels, deadline=Deadline(sc.solver.time_limit))
    row.update(
        status=res.status,
        objective=res.objective if res.has_solution else np.nan,
        bound=res.bound,
        gap=res.gap,
        solve_s=round(res.runtime, 4),
        note="" if res.has_solution else res.message,
        reused=reused,
    )
    row.update(_figures(model, res.x if res.has_solution else None))
    if res.has_solution and model.scenario.spatial.active and isinstance(parcels, gpd.GeoDataFrame):
        chosen = attach_actions(parcels, model, res.x)
        stats = spatial_stats(model.scenario, chosen, prepared=model.prepared)
        row.update(
            boundary_km=round(stats["boundary_km"], 4),
            blocks=stats["blocks"],
            mean_block_mu=round(stats["mean_block_mu"], 3),
        )
        row["cost_total"] = round(sum(row[f"cost_{a}"] for a in model.action_names), 3)
    return row


def _figures(model: CompiledModel, x: np.ndarray | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for ai, name in enumerate(model.action_names):
        if x is None:
            out[f"plots_{name}"] = out[f"mu_{name}"] = out[f"cost_{name}"] = np.nan
            continue
        on = (model.var_action == ai) & (x[: model.n_x] > 0.5)
        out[f"plots_{name}"] = int(on.sum())
        out[f"mu_{name}"] = round(float(model.area_mu[model.var_parcel[on]].sum()), 3)
        out[f"cost_{name}"] = round(float(model.var_cost[on].sum()), 3)
    return out


# --------------------------------------------------------------------------- alternatives
@dataclass
class Alternatives:
    """The optimal plan and up to ``k`` alternatives, each near-optimal and different."""

    optimal: Plan
    plans: list[Plan]
    requested: int
    within: float
    differ: int
    message: str = ""
    differences: list[list[int]] = field(default_factory=list)

    @property
    def all_plans(self) -> list[Plan]:
        """The optimum first, then the alternatives."""
        return [self.optimal, *self.plans]


def alternatives(
    scenario: Scenario,
    parcels: gpd.GeoDataFrame | None = None,
    *,
    k: int = 3,
    within: float = 0.05,
    differ: int = 5,
    optimal: Plan | None = None,
) -> Alternatives:
    """Up to ``k`` plans within ``within`` (a fraction) of the optimum, each differing from
    every earlier plan (the optimum included) in at least ``differ`` parcels' actions.

    Each alternative is the best plan that meets those rules, found by adding to the model
    one row bounding the objective and, per earlier plan *j* with chosen pairs *C_j*::

        sum_{(p,a) in C_j} (1 - x_pa) + sum_{(p,a): p not chosen in j} x_pa  >=  differ

    (the number of parcels whose action differs from plan *j*). When fewer than ``k``
    exist, ``message`` says how many were found. Pass ``optimal`` to reuse a plan already
    solved for this scenario.
    """
    if k < 1 or differ < 1 or within < 0:
        raise InputError("alternatives need k ≥ 1, differ ≥ 1 and within ≥ 0")
    if optimal is None:
        optimal = solve(scenario, parcels)
    if parcels is None:
        parcels = _input_columns(optimal)
    model = compile_model(scenario, parcels)
    session = HighsSession(model)
    # every alternative is solved with the scenario's rules (min-block cuts kept in the session)
    cuts = cut_generators(model)
    z = float(optimal.result.objective)
    slack = within * max(abs(z), 1e-9)
    if model.sense == "minimize":
        session.add_row(-np.inf, z + slack + 1e-7, np.arange(model.n_vars), model.c)
    else:
        session.add_row(z - slack - 1e-7, np.inf, np.arange(model.n_vars), model.c)
    x0 = optimal.result.x
    if model.is_programme and x0 is not None and len(x0) == model.n_vars:
        # a programme's plan is its (parcel, action, year) columns: differ in those
        chosen_sets = [np.flatnonzero(np.asarray(x0)[: model.n_x] > 0.5)]
    else:
        chosen_sets = [_chosen_pairs(model, optimal.parcels["action"].to_numpy())]
    plans: list[Plan] = []
    message = f"found all {k} alternatives within {within:.1%} of the optimum, each differing in ≥ {differ} parcels"
    for i in range(k):
        _add_differ_row(session, model, chosen_sets[-1], differ)
        res = solve_compiled(
            model,
            parcels=parcels,
            deadline=Deadline(scenario.solver.time_limit),
            session=session,
            cuts=cuts,
        )
        if not res.has_solution:
            message = (
                f"only {i} alternative{'s' if i != 1 else ''} exist within {within:.1%} of the optimum "
                f"that differ from every earlier plan in ≥ {differ} parcels (requested {k})"
                if res.status == "infeasible"
                else f"stopped after {i} alternatives: {res.message}"
            )
            break
        plans.append(_plan_from_x(model, parcels, res, name=f"{scenario.name} alt {i + 1}"))
        chosen_sets.append(np.flatnonzero(res.x[: model.n_x] > 0.5))
    log.info(message)
    all_actions = [p.parcels["action"].to_numpy() for p in [optimal, *plans]]
    diffs = [[int((a != b).sum()) for b in all_actions] for a in all_actions]
    return Alternatives(optimal, plans, k, within, differ, message, diffs)


def _chosen_pairs(model: CompiledModel, actions: np.ndarray) -> np.ndarray:
    names = np.asarray(model.action_names, dtype=object)
    return np.flatnonzero(actions[model.var_parcel] == names[model.var_action])


def _add_differ_row(
    session: HighsSession, model: CompiledModel, chosen: np.ndarray, differ: int
) -> None:
    chosen_parcels = np.zeros(len(model.parcel_ids), dtype=bool)
    chosen_parcels[model.var_parcel[chosen]] = True
    coef = np.where(chosen_parcels[model.var_parcel], 0.0, 1.0)
    coef[chosen] = -1.0
    cols = np.flatnonzero(coef)
    session.add_row(differ - len(chosen), np.inf, cols, coef[cols])


def _plan_from_x(model: CompiledModel, parcels: pd.DataFrame, res: SolverResult, name: str) -> Plan:
    from dataclasses import replace

    sc = replace(model.scenario, name=name)
    pp = attach_actions(parcels, model, res.x)
    checks = check_plan(sc, pp, objective=res.objective, x=res.x, model=model)
    bad = failed_checks(checks)  # an undecided check is reported, not a failure
    if bad:  # pragma: no cover - the solver would be wrong
        raise TargetsUnmetError(f"alternative {name} fails its check: {bad}")
    return Plan(scenario=sc, parcels=pp, summary=summarize(sc, pp), result=res, checks=checks)


# --------------------------------------------------------------------------- irreplaceability
def replacement_costs(
    plan: Plan,
    parcels: gpd.GeoDataFrame | None = None,
    *,
    jobs: int | None = 1,
    scheduler: str | None = None,
    engine: Engine | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """For each chosen parcel, how much the optimum worsens when it is excluded.

    The replacement cost is the objective with the parcel locked out of every action
    minus the plan's objective (positive = worse, for minimisation and maximisation
    alike). It is ``inf`` only when the re-solve proved that no plan meets the targets
    without the parcel (irreplaceable), and ``NaN`` when it could not be proven: the
    re-solve stopped at its time limit, or the plan itself is not proven optimal (a
    difference of incumbents is no cost). ``status_without`` is the re-solve's status and
    ``note`` says why a cost is missing, or that it is only as exact as the stopping rule
    (``[solver] gap`` and ``abs_gap``) when a solve stopped by it (``within_gap``). Every re-solve keeps the scenario's rules
    (minimum blocks included) and gets the scenario's time limit.

    The re-solves are independent: they run on :mod:`landopt.cluster`'s engine
    (``jobs``, ``scheduler``, ``engine`` as in :func:`sweep`; default: in this process),
    each worker keeping one HiGHS session of the model; the table is the same wherever
    they run. ``progress(done, total)`` is called after each re-solve.
    """
    if parcels is None:
        parcels = _input_columns(plan)
    model = compile_model(plan.scenario, parcels)
    z = float(plan.result.objective)
    plan_proven = bool(plan.result.proven_optimal)
    sign = 1.0 if model.sense == "minimize" else -1.0
    chosen = np.flatnonzero(plan.parcels["action"].to_numpy() != NONE)
    rows = []
    with _engine_for(engine, jobs, scheduler, plan.scenario, max(1, len(chosen))) as eng:
        model = _one_thread(model)
        ctx = _Context(_token(eng, model, parcels), model, parcels)
        try:
            outcomes = eng.map(
                _solve_without, [int(p) for p in chosen], context=ctx, progress=progress
            )
        finally:
            if not eng.parallel:
                cluster.forget(("without", ctx.key))
    for p, (status, without, proven, message) in zip(chosen, outcomes, strict=True):
        note = ""
        if status == "infeasible":
            cost = np.inf  # proven: no plan without it
        elif proven and np.isfinite(without) and plan_proven:
            cost = sign * (without - z)
            if status != "optimal" or not plan.result.exact:
                # each objective is proven only within the stopping rule ([solver] gap, abs_gap)
                note = "within the stopping rule: each objective is proven only within its gap"
        else:
            cost = np.nan
            note = (
                "the plan is not proven optimal"
                if proven and np.isfinite(without)
                else f"the re-solve was not proven ({status}: {message})"
            )
        rows.append(
            {
                "parcel_id": model.parcel_ids[p],
                "action": plan.parcels["action"].iat[p],
                "area_mu": float(model.area_mu[p]),
                "objective_without": without,
                "replacement_cost": cost,
                "status_without": status,
                "note": note,
            }
        )
    out = pd.DataFrame(rows)
    return out.sort_values("replacement_cost", ascending=False, kind="stable").reset_index(
        drop=True
    )


def _solve_without(ctx: _Context, p: int) -> tuple[str, float, bool, str]:
    """The model re-solved with parcel ``p`` locked out, on a worker (or in this process):
    status, objective (NaN without a plan), proven optimal, message."""
    model = ctx.model
    session, cuts = cluster.worker_cache(
        ("without", ctx.key), lambda: (HighsSession(model), cut_generators(model))
    )
    ub = model.ub.copy()
    ub[: model.n_x][model.var_parcel == p] = 0.0
    session.set_bounds(model.lb, ub)
    try:
        res = solve_compiled(
            model,
            parcels=ctx.parcels,
            deadline=Deadline(model.scenario.solver.time_limit),
            session=session,
            cuts=cuts,
        )
    finally:
        session.set_bounds(model.lb, model.ub)
    without = float(res.objective) if res.has_solution else np.nan
    return res.status, without, bool(res.proven_optimal and res.has_solution), res.message


def _input_columns(plan: Plan) -> pd.DataFrame:
    """The plan's parcels without the columns a plan or an analysis added."""
    added = [
        c
        for c in plan.parcels.columns
        if c
        in ("action", "action_label", "eligible_actions", "replacement_cost", "selection_frequency")
        or c.startswith("action_alt")
    ]
    return plan.parcels.drop(columns=added)


def selection_frequency(plans: Sequence[Plan]) -> pd.DataFrame:
    """How often each parcel is chosen across plans (e.g. the optimum and its alternatives).

    Returns one row per parcel: ``selection_frequency`` (share of plans choosing it for any
    action), ``times_chosen`` and ``most_common_action``.
    """
    acts = np.stack([p.parcels["action"].astype(str).to_numpy() for p in plans])
    chosen = acts != NONE
    times = chosen.sum(axis=0)
    common = pd.DataFrame(acts.T).apply(
        lambda r: r[r != NONE].mode().iat[0] if (r != NONE).any() else NONE, axis=1
    )
    return pd.DataFrame(
        {
            "parcel_id": plans[0].parcels["parcel_id"].astype(str).to_numpy(),
            "times_chosen": times,
            "selection_frequency": times / len(plans),
            "most_common_action": common.to_numpy(),
        }
    )
