"""The check of a scenario against its parcel layer (:func:`check_scenario_against`).

Problems that only show once scenario and parcels meet: missing columns, rule values no
parcel has, unknown lock ids, non-numeric or absurd cost and benefit values. Kept apart
from :mod:`landopt.scenario` (the domain types and the reading of TOML);
``from landopt.scenario import check_scenario_against`` still works (re-exported there).
"""

from __future__ import annotations

import difflib
import logging
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

import landopt.scenario as _scenario
from landopt._fields import MAX_ABS_VALUE
from landopt.errors import Problem
from landopt.scenario import COMPARISONS, SET_OPS, _matches, _suggest

if TYPE_CHECKING:
    from landopt.scenario import Action, Scenario

__all__ = ["check_scenario_against"]

log = logging.getLogger(__name__)


def check_scenario_against(scenario: Scenario, parcels: pd.DataFrame) -> list[Problem]:
    """Problems that only show once scenario and parcels meet.

    Missing columns (with the nearest existing one), rule values no parcel has (with the
    nearest values that occur; see ``absent_ok`` and ``[checks] absent_values`` in the
    module docstring), lock parcel ids that do not exist (with the nearest id),
    non-numeric cost/benefit/objective columns, and eligible parcels whose cost or
    benefit is missing, negative or absurdly large (beyond
    :data:`~landopt._fields.MAX_ABS_VALUE`).
    """
    problems: list[Problem] = []
    cols = [c for c in parcels.columns if c != "geometry"]

    def missing(where: str, key: str, column: str) -> bool:
        if column in parcels.columns:
            return False
        problems.append(
            Problem(
                where,
                key,
                f"column {column!r} is not in the parcel layer",
                _suggest(column, cols) or f"columns are: {', '.join(cols)}",
            )
        )
        return True

    numeric_cols: dict[str, str] = {}
    for a in scenario.actions:
        where = f"[actions.{a.name}]"
        for fld in sorted(a.eligible.fields()):
            missing(f"{where} eligible", "field", fld)
        problems.extend(_absent_values(scenario, a, parcels))
        if not missing(where, "cost", a.cost):
            numeric_cols[a.cost] = f"{where} cost"
        if a.benefit and not missing(where, "benefit", a.benefit):
            numeric_cols[a.benefit] = f"{where} benefit"
    for of, _ in scenario.objective.terms:
        if of == "benefit":
            for a in scenario.actions:
                if not a.benefit:
                    problems.append(
                        Problem(
                            f"[actions.{a.name}]",
                            "benefit",
                            "the objective uses 'benefit' but this action names no benefit column",
                            'add benefit = "benefit_tax_gain_wan" (or another column)',
                        )
                    )
        elif of != "cost" and not missing("[objective] terms", "of", of):
            numeric_cols[of] = "[objective] terms"
    if scenario.objective.difficulty_weight and not missing(
        "[objective]", "difficulty_weight", "difficulty"
    ):
        numeric_cols["difficulty"] = "[objective] difficulty_weight"
    for column, where in numeric_cols.items():
        if not pd.api.types.is_numeric_dtype(parcels[column]) and not pd.api.types.is_bool_dtype(
            parcels[column]
        ):
            problems.append(
                Problem(
                    where,
                    column,
                    f"column {column!r} is not numeric (dtype {parcels[column].dtype})",
                    "store numbers in it, without units or text",
                )
            )
    if problems:
        return problems

    elig = _scenario.eligibility(scenario, parcels)  # through the module: tests patch it
    ids = (
        parcels["parcel_id"].astype(str).to_numpy()
        if "parcel_id" in parcels
        else np.arange(len(parcels)).astype(str)
    )
    for a in scenario.actions:
        for column, role in ((a.cost, "cost"), (a.benefit, "benefit")):
            if not column or (
                role == "benefit" and not any(of == "benefit" for of, _ in scenario.objective.terms)
            ):
                continue
            vals = pd.to_numeric(parcels[column], errors="coerce").to_numpy(dtype=float)
            bad = elig[a.name].to_numpy() & ~np.isfinite(vals)
            neg = (
                elig[a.name].to_numpy() & (vals < 0)
                if role == "cost"
                else np.zeros(len(vals), bool)
            )
            for i in np.flatnonzero(bad):
                problems.append(
                    Problem(
                        f"parcel {ids[i]}",
                        column,
                        f"is missing, but the parcel is eligible for {a.name}",
                        f"fill in its {role} or tighten the eligibility rule of {a.name}",
                    )
                )
            for i in np.flatnonzero(neg):
                problems.append(
                    Problem(
                        f"parcel {ids[i]}",
                        column,
                        f"is negative ({vals[i]:g})",
                        "costs are ≥ 0 万元; record income as a benefit",
                    )
                )
            with np.errstate(invalid="ignore"):
                huge = elig[a.name].to_numpy() & np.isfinite(vals) & (np.abs(vals) > MAX_ABS_VALUE)
            for i in np.flatnonzero(huge):
                problems.append(
                    Problem(
                        f"parcel {ids[i]}",
                        column,
                        f"{vals[i]:g} 万元 is beyond any real {role} (at most "
                        f"{MAX_ABS_VALUE:g} 万元 per parcel)",
                        "check the units and the digits (万元 per whole parcel)",
                    )
                )
    for of, _ in scenario.objective.terms:
        if of not in ("cost", "benefit"):
            vals = pd.to_numeric(parcels[of], errors="coerce").to_numpy(dtype=float)
            bad = elig.to_numpy().any(axis=1) & ~np.isfinite(vals)
            for i in np.flatnonzero(bad):
                problems.append(
                    Problem(
                        f"parcel {ids[i]}",
                        of,
                        "is missing, but the objective uses it and the parcel is a candidate",
                        "fill it in",
                    )
                )
    if scenario.objective.difficulty_weight:
        vals = pd.to_numeric(parcels["difficulty"], errors="coerce").to_numpy(dtype=float)
        for i in np.flatnonzero(elig.to_numpy().any(axis=1) & ~np.isfinite(vals)):
            problems.append(
                Problem(
                    f"parcel {ids[i]}",
                    "difficulty",
                    "is missing, but the objective penalises difficulty",
                    "fill it in (1–5)",
                )
            )
    known = set(ids)
    for pid in [p for p, _ in scenario.locks.include] + [p for p, _ in scenario.locks.exclude]:
        if pid not in known:
            near = difflib.get_close_matches(pid, list(known), n=1, cutoff=0.8)
            problems.append(
                Problem(
                    "[locks]",
                    pid,
                    "no parcel has this id",
                    f"did you mean {near[0]!r}?" if near else "check the parcel_id",
                )
            )
    return problems


def _absent_values(scenario: Scenario, action: Action, parcels: pd.DataFrame) -> list[Problem]:
    """Problems for the values of ``action``'s rule that no parcel has."""
    policy = scenario.checks.absent_values
    if policy == "allow":
        return []
    out: list[Problem] = []
    where = f"[actions.{action.name}] eligible"
    for c in action.eligible.conditions():
        if c.op not in COMPARISONS[:2] + SET_OPS or c.field not in parcels.columns:
            continue
        if c.absent_ok is True:
            continue
        values = list(c.value) if c.op in SET_OPS else [c.value]
        ok = list(c.absent_ok) if isinstance(c.absent_ok, tuple) else []
        present = parcels[c.field].dropna().drop_duplicates()
        for v in values:
            if _matches(present, [v]).any() or (ok and _matches(pd.Series(ok), [v]).any()):
                continue
            shown = [_show(x) for x in present.tolist()]
            fix = []
            near = difflib.get_close_matches(_show(v), shown, n=3, cutoff=0.5)
            if near:
                fix.append("did you mean " + " or ".join(repr(x) for x in near) + "?")
            if not shown:
                fix.append(f"{c.field!r} is empty in every parcel")
            elif len(shown) <= 12:
                fix.append(f"{c.field!r} holds {', '.join(sorted(shown))}")
            fix.append(
                "if the value may be absent, add absent_ok = true to this rule "
                '(or [checks] absent_values = "allow")'
            )
            what = f"{c.op} value {v!r} occurs in no parcel's {c.field!r}"
            if policy == "warn":
                log.warning("%s, field '%s': %s", where, c.field, what)
                continue
            out.append(Problem(where, c.field, what, "; ".join(fix)))
    return out


def _show(v: Any) -> str:
    """A value as the planner would write it (3.0 as 3)."""
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))
    return str(v)
