"""Plan a programme year by year, as it is done without landopt: the cost of myopia.

A district that plans each year when it comes meets that year's targets at that year's
least cost and finds out later what the early choices cost. :func:`plan_year_by_year`
reproduces that on a programme scenario: for each year ``y`` in turn it solves the
programme restricted to what is known in ``y`` — that year's targets, budgets and locks,
every rule of the scenario that is not tied to a year (eligibility, capacity, sequences,
durations, windows) — with what the earlier years did fixed as a done record
(:mod:`landopt.done`, the same mechanism as a rolling re-plan), and keeps the actions it
starts in ``y``. The assembled schedule is then checked against the WHOLE programme by the
independent check (:func:`landopt.check.check_plan`): the targets it misses (a cumulative
target, the benefit target of the last year) and its cost beside the joint plan's are the
cost of myopia.

What is known in a year: its own targets, budgets and locks, and the cumulative and benefit
targets due that year (less what the earlier years achieved), see :func:`year_scenario`.
A year whose own targets cannot be met is planned as the closest plan (least shortfall);
a benefit target out of reach that year is dropped from its problem. Either way the
shortfall shows in the whole programme's checks of the assembled schedule.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt.check import Check, check_plan
from landopt.done import Done, DoneEntry
from landopt.errors import InputError, TargetsUnmetError
from landopt.parcels import read_parcels
from landopt.plan import NONE, Plan, solve
from landopt.programme import programme_of, step_value
from landopt.scenario import Scenario

__all__ = ["YearByYear", "assemble", "plan_year_by_year", "year_scenario"]

log = logging.getLogger(__name__)


@dataclass
class YearByYear:
    """The programme planned one year at a time.

    Attributes
    ----------
    plans
        One plan per programme year (the year's own problem, earlier years done).
    parcels
        The assembled schedule: the parcel layer with the programme columns
        (``action``, ``year``, ``year_end``, ``action2``, ``year2``, ``stock``).
    checks
        The whole programme's independent checks of the assembled schedule.
    """

    plans: list[Plan]
    parcels: gpd.GeoDataFrame
    checks: list[Check] = field(default_factory=list)

    @property
    def missed(self) -> list[Check]:
        """The whole programme's checks that the assembled schedule fails."""
        return [c for c in self.checks if c.decided and not c.ok]


def year_scenario(
    scenario: Scenario,
    year: int,
    parcels: pd.DataFrame | None = None,
    entries: tuple[DoneEntry, ...] | list[DoneEntry] = (),
    *,
    benefit: bool = True,
) -> Scenario:
    """What a planner knows in ``year``: that year's statements, the rules without a year.

    The programme keeps its years from ``year`` on (so an action that spans years can
    start and a cleared plot can be re-supplied later), but only the statements due in
    ``year``: its yearly targets, budgets and locks, and the cumulative targets and benefit
    targets whose ``by`` is ``year`` — those reduced by what ``entries`` (the earlier years'
    steps) already achieved, since a re-plan counts only steps still under way. The
    whole-programme targets and budget (``[actions.*].targets``, ``[budget]``) and the
    statements due later are not looked at.

    Parameters
    ----------
    scenario
        A scenario with a ``[programme]`` table.
    year
        One of its years.
    parcels
        The parcel layer (needed only when ``entries`` is not empty).
    entries
        The steps started before ``year`` (rows of ``parcels``).
    benefit
        Keep the benefit targets due in ``year`` (``False``: leave them out).
    """
    spec = scenario.rule("programme")
    if spec is None or year not in spec.years:
        raise InputError(f"year {year} is not a year of the programme")
    prog = programme_of(scenario)
    d = scenario.to_dict()
    p = d["programme"]
    years = [y for y in spec.years if y >= year]
    p["years"] = years
    before = [e for e in entries if e.year < year]
    targets = []
    for tg in p.get("targets", []):
        if tg.get("year") == year:
            targets.append(tg)
        elif tg.get("by") == year:
            targets.append(_less(tg, [e for e in before if e.action == tg["action"]], parcels))
    p["targets"] = targets
    p["budgets"] = [b for b in p.get("budgets", []) if b.get("year") == year]
    p["locks"] = {k: v for k, v in p.get("locks", {}).items() if v.get("year") == year}
    bts = []
    for bt in spec.benefit_targets:
        if bt.by != year or not benefit:
            continue
        goal = _benefit_goal(bt, scenario, parcels)
        got = _completed_benefit(scenario, prog, parcels, before, year)
        bts.append({"by": year, "min_wan": max(0.0, goal - got)})
    p["benefit_targets"] = bts
    p.pop("done", None)
    # the last years are too short for a long action or a sequence's gap: the programme is
    # padded with years after its end, so that the year's problem stays a valid programme
    # (a step that would end after the real last year is never needed by a statement of
    # ``year`` and costs money, so it is not chosen; the whole programme's check would show it)
    need = max([1] + [v.get("years", 1) for v in p.get("duration", {}).values()]
               + [s.get("gap", 1) + 1 for s in p.get("sequences") or _default_sequences(scenario)])
    p["years"] = list(range(year, max(spec.years[-1], year + need - 1) + 1))
    for a in d["actions"].values():
        a.pop("targets", None)
        a.pop("budget", None)
    d.pop("budget", None)
    d["year"] = year
    d["name"] = f"{scenario.name}-{year}"
    from landopt.scenario import scenario_from_dict

    base = scenario.source.parent if scenario.source else "."
    return scenario_from_dict(d, base_dir=base, source=scenario.source)


def _default_sequences(scenario: Scenario) -> list[dict[str, Any]]:
    """The programme's sequences as TOML dicts (the default one when the table names none)."""
    prog = programme_of(scenario)
    return [s.model_dump() for s in prog.sequences] if prog is not None else []


def _less(tg: dict[str, Any], done: list[DoneEntry], parcels: pd.DataFrame | None) -> dict[str, Any]:
    """A cumulative target less what the earlier years' steps ``done`` of its action achieved."""
    out = dict(tg)
    n = len(done)
    mu = float(parcels["area_mu"].to_numpy()[[e.row for e in done]].sum()) if done and parcels is not None else 0.0
    for key, got in (("count", n), ("count_min", n), ("count_max", n), ("area_min", mu), ("area_max", mu)):
        if out.get(key) is not None:
            out[key] = max(0, out[key] - got) if key.startswith("count") else max(0.0, out[key] - got)
    return out


def _benefit_goal(bt: Any, scenario: Scenario, parcels: pd.DataFrame | None) -> float:
    """The yearly benefit a benefit target asks for (the rule's own reading of min_wan, or
    baseline x (factor - 1))."""
    from landopt.rules.programme_benefit import benefit_goal

    if bt.min_wan is None and bt.baseline_wan is None and parcels is None:
        raise InputError("a benefit target with baseline_column needs the parcel layer")
    return benefit_goal(bt, parcels, scenario)


def _completed_benefit(
    scenario: Scenario, prog: Any, parcels: pd.DataFrame | None, done: list[DoneEntry], year: int
) -> float:
    """Benefit of the ``done`` steps completed before ``year`` (a re-plan from ``year`` counts
    only the steps still under way, see :func:`landopt.rules.programme_benefit.done_benefit`)."""
    if not done or parcels is None:
        return 0.0
    area = parcels["area_mu"].to_numpy(dtype=float)
    got = 0.0
    for e in done:
        act = scenario.action(e.action)
        if e.year + prog.duration(e.action) - 1 >= year or not act.benefit:
            continue
        col = pd.to_numeric(parcels[act.benefit], errors="coerce").to_numpy(dtype=float)
        got += float(step_value(prog, act, col, area, "benefit_per_mu")[e.row])
    return got


def _entries_of(plan: Plan, year: int, earlier: dict[int, int]) -> list[DoneEntry]:
    """The steps ``plan`` starts in ``year``, as done entries (a parcel's second step: stage 1)."""
    layer = plan.parcels
    ids = layer["parcel_id"].astype(str).to_numpy()
    out = []
    for col, ycol in (("action", "year"), ("action2", "year2")):
        if col not in layer.columns:
            continue
        act = layer[col].astype(str).to_numpy()
        yrs = pd.array(layer[ycol], dtype="Int64").fillna(-1).to_numpy(dtype=np.int64)
        for row in np.flatnonzero((act != NONE) & (act != "") & (yrs == year)):
            stage = 1 if earlier.get(int(row), 0) else 0
            out.append(DoneEntry(int(row), ids[row], act[row], int(year), stage))
            earlier[int(row)] = earlier.get(int(row), 0) + 1
    return out


def assemble(scenario: Scenario, parcels: gpd.GeoDataFrame, entries: list[DoneEntry]) -> gpd.GeoDataFrame:
    """The parcel layer with the programme columns filled from done entries in year order."""
    prog = programme_of(scenario)
    labels = {a.name: a.label for a in scenario.actions}
    n = len(parcels)
    out = parcels.copy()
    act = np.full(n, NONE, dtype=object)
    act2 = np.full(n, NONE, dtype=object)
    year = pd.array([pd.NA] * n, dtype="Int64")
    year_end = pd.array([pd.NA] * n, dtype="Int64")
    year2 = pd.array([pd.NA] * n, dtype="Int64")
    seen: dict[int, int] = {}
    for e in sorted(entries, key=lambda e: (e.year, e.stage)):
        k = seen.get(e.row, 0)
        if k == 0:
            act[e.row], year[e.row] = e.action, e.year
            year_end[e.row] = e.year + prog.duration(e.action) - 1
        else:
            act2[e.row], year2[e.row] = e.action, e.year
        seen[e.row] = k + 1
    out["action"] = act
    out["action_label"] = [labels.get(a, "") for a in act]
    out["year"] = year
    out["year_end"] = year_end
    out["action2"] = act2
    out["action2_label"] = [labels.get(a, "") for a in act2]
    out["year2"] = year2
    out["stock"] = np.asarray(prog.stock_mask(parcels), dtype=bool)
    return out


def plan_year_by_year(
    scenario: Scenario, parcels: gpd.GeoDataFrame | None = None, **solver: Any
) -> YearByYear:
    """Plan each programme year when it comes (see the module docstring).

    Parameters
    ----------
    scenario
        A scenario with a ``[programme]`` table.
    parcels
        The parcel layer; read from the scenario when omitted.
    **solver
        Solver options for every year's solve (``time_limit`` applies to each year).
    """
    from landopt.store.record import recording

    with recording("programme", scenario.name, scenario=scenario) as rec:
        result = _plan_year_by_year(scenario, parcels, **solver)
        failed = [c for c in result.checks if c.decided and not c.ok]
        rec.finish(
            "infeasible" if failed else "done",
            summary=[
                {"year": y, **row}
                for y, p in zip(programme_of(scenario).years, result.plans, strict=False)
                for row in json.loads(p.summary.to_json(orient="records", force_ascii=False))
            ],
            result={"years": [p.result.record() for p in result.plans]},
        )
        return result


def _plan_year_by_year(
    scenario: Scenario, parcels: gpd.GeoDataFrame | None = None, **solver: Any
) -> YearByYear:
    """:func:`plan_year_by_year`'s work, unrecorded."""
    prog = programme_of(scenario)
    if prog is None:
        raise InputError("plan_year_by_year needs a scenario with a [programme] table")
    if parcels is None:
        parcels = read_parcels(scenario.parcels.location, **scenario.parcels.read_kwargs())
    entries: list[DoneEntry] = []
    steps: dict[int, int] = {}
    plans = []
    for y in prog.years:
        sc = year_scenario(scenario, y, parcels, entries)
        done = Done(source=f"year-by-year before {y}", entries=tuple(entries), before=y) if entries else None
        try:
            plan = solve(sc, parcels, allow_shortfall=True, done=done, **solver)
        except TargetsUnmetError:
            # the closest plan relaxes counts and areas only: a benefit target out of reach
            # this year is dropped (the whole programme's check shows it missed)
            log.info("year by year: %s's benefit target is out of reach; planned without it", y)
            sc = year_scenario(scenario, y, parcels, entries, benefit=False)
            plan = solve(sc, parcels, allow_shortfall=True, done=done, **solver)
        plans.append(plan)
        entries += _entries_of(plan, y, steps)
    layer = assemble(scenario, parcels, entries)
    return YearByYear(plans=plans, parcels=layer, checks=check_plan(scenario, layer))
