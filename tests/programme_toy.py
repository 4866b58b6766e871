"""A three-year programme plan made by hand on the toy parcels (imported by the tests).

Until the programme model exists on this branch, its plan layer (PROGRAMME.md: ``year``,
``year_end``, ``action2``, ``action2_label``, ``year2``, ``stock``) is written here by
hand on the toy plan (tests/toy.py), with the ``[programme]`` settings as a stub read
duck-typed. Programme 2023–2025; upgrade takes 2 years, 50/50; sequence clear →
revitalize, gap 1, re-supply 5 万元/亩 and 1 万元/亩/年 where the parcel has no value.

======  ====  ==========  ===================  ==========  ======  ===================
parcel  mu    step 1      cost (by year)       step 2      cost    yearly benefit (done)
======  ====  ==========  ===================  ==========  ======  ===================
P1      20    upgrade 23  30 (15 '23, 15 '24)  –           –       5 ('24)
P2      30    clear 23    120 ('23)            revit. 24   150*    8 ('23), 8 ('24)
P3      50    clear 24    40 ('24)             –           –       3 ('24)
P4      40    revit. 25   15 ('25)             –           –       6 ('25)
P5      60    upgrade 24  80 (40 '24, 40 '25)  –           –       20 ('25)
P6      10    revit. 23   50* ('23), stock     –           –       10* ('23)
======  ====  ==========  ===================  ==========  ======  ===================

\\* from the sequence: 5 万元/亩 × mu, 1 万元/亩/年 × mu (P6 has no benefit value).

Per year (cost falling in the year / plots started / benefit completing):
2023: clear 120 / 1 / 8, revitalize 50 / 1 / 10, upgrade 15 / 1 / 0; total 185 / 3 / 18
2024: clear 40 / 1 / 3, revitalize 150 / 1 / 8, upgrade 55 / 1 / 5; total 245 / 3 / 16
2025: clear 0 / 0 / 0, revitalize 15 / 1 / 6, upgrade 40 / 0 / 20; total 55 / 1 / 26
whole: clear 160 / 2 / 11, revitalize 215 / 3 / 24, upgrade 110 / 2 / 25; total 485 / 7 / 60
Budgets: 2023 all 200 (92.5 %), 2023 clear 150 (80.0 %), 2024 all 300 (81.7 %),
2025 all 100 (55.0 %); benefit targets: by 2024 baseline 100 × (1.4 − 1) = 40 (34: not
met), by 2025 50 (60: met).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box
from toy import toy_parcels, toy_scenario

from landopt.plan import Plan, solve, summarize

YEARS = [2023, 2024, 2025]


@dataclass(frozen=True)
class ProgrammeStub:
    """What the outputs read of ``[programme]`` (the model's ProgrammeSpec stands in later)."""

    years: list[int] = field(default_factory=lambda: list(YEARS))
    budgets: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"year": 2023, "max_wan": 200.0, "action": None},
            {"year": 2023, "max_wan": 150.0, "action": "clear"},
            {"year": 2024, "max_wan": 300.0, "action": None},
            {"year": 2025, "max_wan": 100.0, "action": None},
        ]
    )
    benefit_targets: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"by": 2024, "baseline_wan": 100.0, "factor": 1.4},
            {"by": 2025, "min_wan": 50.0},
        ]
    )
    sequences: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {
                "first": "clear",
                "then": "revitalize",
                "gap": 1,
                "cost_per_mu": 5.0,
                "benefit_per_mu": 1.0,
            }
        ]
    )
    duration: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {"upgrade": {"years": 2, "split": [0.5, 0.5]}}
    )

    def model_dump(self, **_: Any) -> dict[str, Any]:
        return {"years": self.years}

    def spec(self) -> Any:
        """The real ``[programme]`` settings (landopt.programme.ProgrammeSpec) of these values."""
        from landopt.programme import ProgrammeSpec

        return ProgrammeSpec.model_validate(
            {
                "years": self.years,
                "budgets": [{k: v for k, v in b.items() if v is not None} for b in self.budgets],
                "benefit_targets": self.benefit_targets,
                "sequences": self.sequences,
                "duration": self.duration,
            }
        )


def programme_layer() -> gpd.GeoDataFrame:
    """The toy parcels as squares in EPSG:4548 with townships (as in the map tests)."""
    df = toy_parcels()
    df.loc[df["parcel_id"] == "P6", "benefit_wan"] = np.nan
    side = [(a * 10000 / 15) ** 0.5 for a in df["area_mu"]]
    geoms = [
        box(589000 + 300 * i, 4074000, 589000 + 300 * i + s, 4074000 + s)
        for i, s in enumerate(side)
    ]
    df = df.assign(
        name=[f"{p}号地块" for p in df["parcel_id"]],
        township=["湖田街道", "湖田街道", "马尚街道", "马尚街道", "四宝山街道", "四宝山街道"],
    )
    return gpd.GeoDataFrame(df, geometry=geoms, crs="EPSG:4548")


def programme_plan(lang: str = "zh", **scenario_changes: Any) -> Plan:
    """The toy plan turned into the hand-made 2023–2025 programme above."""
    sc = toy_scenario(lang=lang, title="合成区 2023–2025 年计划", **scenario_changes)
    base = solve(sc, programme_layer())
    sc = replace(sc, rules=(*sc.rules, ("programme", ProgrammeStub().spec())))
    p = base.parcels.copy()
    plan_rows = {
        "P1": ("upgrade", 2023, 2024, "none", None, False),
        "P2": ("clear", 2023, 2023, "revitalize", 2024, False),
        "P3": ("clear", 2024, 2024, "none", None, False),
        "P4": ("revitalize", 2025, 2025, "none", None, False),
        "P5": ("upgrade", 2024, 2025, "none", None, False),
        "P6": ("revitalize", 2023, 2023, "none", None, True),
    }
    labels = {a.name: a.label for a in sc.actions}
    ids = p["parcel_id"].astype(str)
    get = [plan_rows[i] for i in ids]
    p["action"] = [r[0] for r in get]
    p["action_label"] = [labels[r[0]] for r in get]
    p["year"] = pd.array([r[1] for r in get], dtype="Int64")
    p["year_end"] = pd.array([r[2] for r in get], dtype="Int64")
    p["action2"] = [r[3] for r in get]
    p["action2_label"] = [labels.get(r[3], "") for r in get]
    p["year2"] = pd.array([r[4] for r in get], dtype="Int64")
    p["stock"] = [r[5] for r in get]
    return replace(base, scenario=sc, parcels=p, summary=summarize(sc, p))


def demo_programme_plan(lang: str | None = None) -> Plan:
    """The demo plan spread by hand over 2023–2025 (for looking at the outputs at scale).

    The chosen plots of each action go to the three years in turn (upgrades start in
    2023–2024 and take two years); every other clearance of 2023 is re-supplied in 2024;
    a dozen of the demo's cleared parcels (stock) are re-supplied, a third a year.
    """
    from pathlib import Path

    from landopt.scenario import load_scenario

    demo = Path(__file__).resolve().parent.parent / "data" / "scenarios" / "zhangdian-2023.toml"
    sc = load_scenario(demo)
    if lang:
        sc = replace(sc, lang=lang)
    base = solve(sc)
    stub = ProgrammeStub(
        budgets=[{"year": y, "max_wan": 40_000.0, "action": None} for y in YEARS],
        benefit_targets=[{"by": 2025, "min_wan": 5_000.0}],
        sequences=[
            {
                "first": "clear",
                "then": "revitalize",
                "gap": 1,
                "cost_per_mu": 5.0,
                "benefit_per_mu": 0.0,
            }
        ],
    )
    sc = replace(sc, rules=(*sc.rules, ("programme", stub.spec())))
    p = base.parcels.copy()
    labels = {a.name: a.label for a in sc.actions}
    n = len(p)
    year = pd.array([None] * n, dtype="Int64")
    year_end = pd.array([None] * n, dtype="Int64")
    year2 = pd.array([None] * n, dtype="Int64")
    action2 = np.full(n, "none", dtype=object)
    stock = (p["status"].astype(str) == "cleared").to_numpy()
    action = p["action"].astype(str).to_numpy().copy()
    for name in sc.action_names:
        rows = np.flatnonzero(action == name)
        for k, i in enumerate(rows):
            if name == "upgrade":
                year[i] = YEARS[k % 2]
                year_end[i] = YEARS[k % 2] + 1
            else:
                year[i] = YEARS[k % 3]
                year_end[i] = YEARS[k % 3]
            if name == "clear" and year[i] == 2023 and k % 2 == 0:
                action2[i], year2[i] = "revitalize", 2024
    for k, i in enumerate(np.flatnonzero(stock & (action == "none"))[:12]):
        action[i] = "revitalize"
        year[i] = year_end[i] = YEARS[k % 3]
    p["action"] = action
    p["action_label"] = [labels.get(a, "") for a in action]
    p["year"], p["year_end"] = year, year_end
    p["action2"] = action2
    p["action2_label"] = [labels.get(a, "") for a in action2]
    p["year2"] = year2
    p["stock"] = stock
    return replace(base, scenario=sc, parcels=p, summary=summarize(sc, p))
