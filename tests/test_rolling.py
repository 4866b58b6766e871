"""Planning a programme year by year (landopt.rolling): the cost of myopia on hand-made layers.

Two years, 2023–2024, no discounting. C1 and C2 can be cleared (cost 5 and 8; yearly
benefit 0 and 100), U1 upgraded over two years (cost 10, benefit 100). The programme asks
one clearance in 2023 and a yearly benefit of 100 from the steps completed by 2024.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd

from landopt.check import failed_checks
from landopt.done import DoneEntry
from landopt.plan import solve
from landopt.rolling import assemble, plan_year_by_year, year_scenario
from landopt.scenario import scenario_from_dict

NAN = np.nan

ACTIONS: dict[str, Any] = {
    "clear": {
        "label": "出清",
        "cost": "cost_clear_wan",
        "benefit": "benefit_wan",
        "eligible": {"field": "status", "in": ["inefficient"]},
    },
    "upgrade": {
        "label": "转型升级",
        "cost": "cost_upgrade_wan",
        "benefit": "benefit_wan",
        "eligible": {"field": "status", "in": ["upgrade_candidate"]},
    },
}


def layer(rows: list[dict[str, Any]]) -> pd.DataFrame:
    base = {"status": "inefficient", "area_mu": 10.0, "cost_clear_wan": NAN, "cost_upgrade_wan": NAN}
    df = pd.DataFrame([{**base, **r} for r in rows])
    df.insert(0, "parcel_id", [f"P{i}" for i in range(len(df))])
    return df


def scenario(**programme: Any) -> Any:
    prog = {
        "years": [2023, 2024],
        "discount_rate": 0.0,
        "sequences": [],
        "duration": {"upgrade": {"years": 2, "split": [0.5, 0.5]}},
        "targets": [{"action": "clear", "year": 2023, "count": 1}],
        "benefit_targets": [{"by": 2024, "min_wan": 100}],
        **programme,
    }
    d = {"name": "myopia", "actions": copy.deepcopy(ACTIONS), "programme": prog, "checks": {"absent_values": "allow"}}
    return scenario_from_dict(d)


def cost(parcels: pd.DataFrame) -> float:
    c = np.where(parcels["action"] == "clear", parcels["cost_clear_wan"], 0.0)
    c = c + np.where(parcels["action"] == "upgrade", parcels["cost_upgrade_wan"], 0.0)
    return float(np.nansum(c))


def test_the_myopic_schedule_costs_more_by_a_known_amount():
    # joint: clear C2 in 2023 (8, its benefit 100 counts from 2023) = 8.
    # year by year: 2023 knows only "one clearance" and clears C1 (5); 2024 must then find the
    # benefit: C2 in 2024 (8). Total 13: myopia costs 5.
    parcels = layer(
        [
            {"cost_clear_wan": 5.0, "benefit_wan": 0.0},
            {"cost_clear_wan": 8.0, "benefit_wan": 100.0},
            {"status": "upgrade_candidate", "cost_upgrade_wan": 10.0, "benefit_wan": 100.0},
        ]
    )
    sc = scenario()
    joint = solve(sc, parcels)
    assert list(joint.parcels["action"]) == ["none", "clear", "none"]
    assert cost(joint.parcels) == 8.0
    yby = plan_year_by_year(sc, parcels)
    got = yby.parcels
    assert list(got["action"]) == ["clear", "clear", "none"]
    assert list(got["year"]) == [2023, 2024, pd.NA] or got["year"].tolist()[:2] == [2023, 2024]
    assert cost(got) == 13.0
    assert not yby.missed, [c for c in yby.missed]
    assert len(yby.plans) == 2


def test_a_benefit_that_needs_an_early_upgrade_is_missed_year_by_year():
    # joint: clear C1 (5) and start U1's upgrade in 2023 (10; completes 2024) = 15.
    # year by year: 2023 clears C1 only; in 2024 an upgrade cannot finish: benefit missed by 100.
    parcels = layer(
        [
            {"cost_clear_wan": 5.0, "benefit_wan": 0.0},
            {"status": "upgrade_candidate", "cost_upgrade_wan": 10.0, "benefit_wan": 100.0},
        ]
    )
    sc = scenario()
    joint = solve(sc, parcels)
    assert list(joint.parcels["action"]) == ["clear", "upgrade"]
    assert joint.parcels["year"].tolist() == [2023, 2023]
    yby = plan_year_by_year(sc, parcels)
    assert list(yby.parcels["action"]) == ["clear", "none"]
    assert [c.name for c in yby.missed] == ["benefit[by2024]"]
    assert not failed_checks(joint.checks)


def test_the_year_scenario_keeps_only_the_statements_due_that_year():
    sc = scenario(
        targets=[
            {"action": "clear", "year": 2023, "count": 1},
            {"action": "clear", "year": 2024, "count": 2},
            {"action": "clear", "by": 2024, "count_min": 3, "area_min": 30},
        ],
        budgets=[{"year": 2023, "max_wan": 50}, {"year": 2024, "max_wan": 60}],
    )
    parcels = layer([{"cost_clear_wan": 5.0, "benefit_wan": 40.0}] * 4)
    y23 = year_scenario(sc, 2023).rule("programme")
    assert [(t.year, t.by) for t in y23.targets] == [(2023, None)]
    assert [b.year for b in y23.budgets] == [2023] and not y23.benefit_targets
    done = [DoneEntry(0, "P0", "clear", 2023, 0)]
    y24 = year_scenario(sc, 2024, parcels, done).rule("programme")
    # the cumulative target less the 2023 clearance; the benefit less C0's 40
    assert [(t.year, t.by, t.count, t.count_min, t.area_min) for t in y24.targets] == [
        (2024, None, 2, None, None),
        (None, 2024, None, 2, 20.0),
    ]
    assert [b.min_wan for b in y24.benefit_targets] == [60.0]
    # a two-year upgrade still cannot be planned as a one-year step in the last year
    assert y24.years[0] == 2024 and y24.duration["upgrade"].years == 2


def test_assemble_puts_a_second_step_in_action2():
    sc = scenario(
        sequences=[{"first": "clear", "then": "upgrade", "gap": 1}],
        duration={},
        targets=[{"action": "clear", "year": 2023, "count": 1}],
        benefit_targets=[],
    )
    parcels = layer([{"cost_clear_wan": 5.0, "benefit_wan": 1.0}])
    out = assemble(sc, parcels, [DoneEntry(0, "P0", "clear", 2023, 0), DoneEntry(0, "P0", "upgrade", 2024, 1)])
    assert out.loc[0, "action"] == "clear" and out.loc[0, "year"] == 2023 and out.loc[0, "year_end"] == 2023
    assert out.loc[0, "action2"] == "upgrade" and out.loc[0, "year2"] == 2024
    assert not bool(out.loc[0, "stock"])
