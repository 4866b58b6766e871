"""A six-parcel district whose optimum is worked out by hand (imported by the tests).

======  ==================  ====  =====  ========  =======  =======
parcel  status              mu    clear  revital.  upgrade  benefit
======  ==================  ====  =====  ========  =======  =======
P1      inefficient, C      20    100    –         30       5
P2      inefficient, D      30    120    –         50       8
P3      idle, 2 years       50    40     10        –        3
P4      idle, 0 years       40    –      15        –        6
P5      upgrade_candidate   60    –      –         80       20
P6      in_use              10    –      –         –        –
======  ==================  ====  =====  ========  =======  =======

Targets: clear 1 plot ≥ 20 mu, revitalize 1 ≥ 40 mu, upgrade 2 ≥ 80 mu.
Upgrade must be P1+P5 (80 mu, 110) or P2+P5 (90 mu, 130); P1+P2 is 50 mu.
Clear P3 (40) + revitalize P4 (15) beats revitalize P3 (10) + clear P1/P2 (≥ 100).
Optimum: upgrade P1, P5; clear P3; revitalize P4; cost 110 + 40 + 15 = 165.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd

from landopt.scenario import Scenario, scenario_from_dict

NAN = np.nan

TOY_PARCELS = pd.DataFrame(
    {
        "parcel_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
        "status": ["inefficient", "inefficient", "idle", "idle", "upgrade_candidate", "in_use"],
        "muyi_class": ["C", "D", None, None, "B", "A"],
        "idle_years": [0, 0, 2, 0, 0, 0],
        "area_mu": [20.0, 30.0, 50.0, 40.0, 60.0, 10.0],
        "cost_clear_wan": [100.0, 120.0, 40.0, NAN, NAN, NAN],
        "cost_revitalize_wan": [NAN, NAN, 10.0, 15.0, NAN, NAN],
        "cost_upgrade_wan": [30.0, 50.0, NAN, NAN, 80.0, NAN],
        "benefit_wan": [5.0, 8.0, 3.0, 6.0, 20.0, NAN],
        "difficulty": [1, 5, 2, 1, 3, 1],
    }
)

TOY_SCENARIO: dict[str, Any] = {
    "name": "toy",
    "actions": {
        "clear": {
            "label": "出清",
            "cost": "cost_clear_wan",
            "benefit": "benefit_wan",
            "eligible": {
                "all": [
                    {"field": "status", "in": ["inefficient", "idle"]},
                    {
                        "any": [
                            {"field": "muyi_class", "in": ["C", "D"]},
                            {"field": "idle_years", "ge": 2},
                        ]
                    },
                ]
            },
            "targets": {"count": 1, "area_min": 20},
        },
        "revitalize": {
            "label": "盘活",
            "cost": "cost_revitalize_wan",
            "benefit": "benefit_wan",
            "eligible": {"field": "status", "in": ["idle"]},
            "targets": {"count": 1, "area_min": 40},
        },
        "upgrade": {
            "label": "转型升级",
            "cost": "cost_upgrade_wan",
            "benefit": "benefit_wan",
            "eligible": {
                "all": [
                    {"field": "status", "in": ["inefficient", "upgrade_candidate"]},
                    {"field": "muyi_class", "in": ["B", "C", "D"]},
                ]
            },
            "targets": {"count": 2, "area_min": 80},
        },
    },
}


def toy_scenario(**changes: Any) -> Scenario:
    """The toy scenario with dotted TOML keys changed, e.g. ``{"budget.total": 160}``."""
    d = copy.deepcopy(TOY_SCENARIO)
    for key, value in changes.items():
        node = d
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        if value is None:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    return scenario_from_dict(d)


def toy_parcels() -> pd.DataFrame:
    """A fresh copy of the toy parcels."""
    return TOY_PARCELS.copy()
