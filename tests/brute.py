"""Brute force over every assignment, for checking the optimizer on small cases.

Written from the scenario's own words (targets, budgets, locks, objective terms), not
from the compiled model, so it checks compilation and solving together.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from landopt.scenario import Scenario, eligibility


def brute_force(scenario: Scenario, parcels: pd.DataFrame) -> tuple[float | None, list[str] | None]:
    """The optimal objective and one optimal assignment (``(None, None)`` when infeasible)."""
    names = scenario.action_names
    elig = eligibility(scenario, parcels)
    ids = parcels["parcel_id"].astype(str).tolist()
    area = parcels["area_mu"].to_numpy(float)
    lock_in = dict(scenario.locks.include)
    lock_out = {p: (set(names) if a is None else set(a)) for p, a in scenario.locks.exclude}
    options = []
    for i, pid in enumerate(ids):
        opts = ["none"] + [a for a in names if elig.at[parcels.index[i], a]]
        opts = [a for a in opts if a not in lock_out.get(pid, set())]
        if pid in lock_in:
            opts = [a for a in opts if a == lock_in[pid]]
        options.append(opts)
    col = {
        c: pd.to_numeric(parcels[c], errors="coerce").fillna(0).to_numpy(float)
        for c in parcels.columns
        if c not in ("parcel_id", "status", "muyi_class")
    }
    obj = scenario.objective
    sign = 1.0 if obj.sense == "minimize" else -1.0
    best, best_assign = None, None
    for combo in itertools.product(*options):
        value = 0.0
        total_cost = 0.0
        ok = True
        for a in scenario.actions:
            on = np.array([c == a.name for c in combo])
            n, mu = int(on.sum()), float(area[on].sum())
            cost = float(col[a.cost][on].sum())
            total_cost += cost
            t = a.targets
            if (t.count_min is not None and n < t.count_min) or (
                t.count_max is not None and n > t.count_max
            ):
                ok = False
                break
            if (t.area_min is not None and mu < t.area_min - 1e-9) or (
                t.area_max is not None and mu > t.area_max + 1e-9
            ):
                ok = False
                break
            if a.budget is not None and cost > a.budget + 1e-9:
                ok = False
                break
            for of, w in obj.terms:
                c = a.cost if of == "cost" else a.benefit if of == "benefit" else of
                value += w * float(col[c][on].sum())
            if obj.difficulty_weight:
                value += sign * obj.difficulty_weight * float(col["difficulty"][on].sum())
        if not ok or (
            scenario.budget_total is not None and total_cost > scenario.budget_total + 1e-9
        ):
            continue
        if best is None or sign * value < sign * best - 1e-9:
            best, best_assign = value, list(combo)
    return best, best_assign
