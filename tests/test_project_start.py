"""The project-aware warm start (landopt.project_start): feasible, never better than the optimum,
and landing projects where the plain greedy start lands none.

Layers are rectangles on a grid (100 m high, 100 or 200 m wide: 15 or 30 mu), touching their
rook neighbours. The brute force is written from the scenario's words: every set of plots to
clear, then every disjoint choice of one site (or none) per project among the stock and
cleared plots (use, park rule, area range, one piece through shared edges where asked).
"""

from __future__ import annotations

import itertools
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from landopt.heuristic import greedy_start, is_feasible, warm_start
from landopt.model import compile_model
from landopt.parcels import prepare_parcels
from landopt.project_start import project_start
from landopt.scenario import scenario_from_dict
from landopt.solving import cut_generators, solve_compiled

X0, Y0 = 500_000.0, 4_000_000.0
VALUE = 100.0  # 万元 per 亿元


def grid(cols: list[int], rows: int, status: list[str], use: list[str], cost: list[float]):
    """Rectangles ``cols`` wide (100 m units) by ``rows`` high; parcel k at (k % n, k // n)."""
    n = len(cols)
    left = np.concatenate([[0], np.cumsum(cols)]) * 100.0
    out = []
    for k in range(n * rows):
        c, r = k % n, k // n
        out.append(
            {
                "parcel_id": f"G{k}",
                "status": status[k],
                "planned_use_code": use[k],
                "park": "园区甲" if c < (n + 1) // 2 else "园区乙",
                "cost_clear_wan": cost[k],
                "geometry": box(X0 + left[c], Y0 + 100 * r, X0 + left[c + 1], Y0 + 100 * r + 100),
            }
        )
    return prepare_parcels(gpd.GeoDataFrame(out, crs="EPSG:4548")), n


def scenario(projects: list[dict[str, Any]], targets: dict[str, Any] | None, **solver: Any):
    return scenario_from_dict(
        {
            "name": "start",
            "lang": "zh",
            "actions": {
                "clear": {
                    "label": "出清",
                    "cost": "cost_clear_wan",
                    "eligible": {"field": "status", "in": ["inefficient"], "absent_ok": True},
                    **({"targets": targets} if targets else {}),
                }
            },
            "projects": {"list": projects, "value_wan_per_yi": VALUE, "sources": ["clear"]},
            "solver": {"gap": 0, "abs_gap": 0, **solver},
        }
    )


def project(pid: str, **kw: Any) -> dict[str, str]:
    d = {
        "project_id": pid,
        "name": f"项目{pid}",
        "investment_yi": 1.0,
        "mu_min": 15,
        "mu_max": 30,
        "uses": "1001",
        "parks": "",
        "park_rule": "prefer",
        "park_bonus_wan": 0,
        "contiguous": "false",
        "priority": 1,
    }
    d.update(kw)
    return {k: str(v) for k, v in d.items()}


def sites_of(model, x: np.ndarray) -> dict[str, list[str]]:
    pc = model.projects
    return {
        pc.projects[j].project_id: sorted(model.parcel_ids[site].tolist())
        for j, site in pc.sites(x).items()
    }


# --------------------------------------------------------------------------- by hand
def test_the_start_lands_a_contiguous_site_the_plain_start_leaves_empty():
    # one row: G0 stock, G1 inefficient (10), G2 inefficient (3) but of housing use, G3 stock
    # far from nothing. P1 needs 30 mu in one piece: G0 + G1 (clear G1 for 10), not G0 + G3
    # (apart), not G2 (use). Reward 100.01 > 10: the start is the optimum, -90.01.
    lay, _ = grid(
        [1, 1, 1, 1],
        1,
        ["cleared", "inefficient", "inefficient", "in_use"],
        ["100101", "100101", "0701", "100101"],
        [1.0, 10.0, 3.0, 1.0],
    )
    model = compile_model(scenario([project("P1", mu_min=30, mu_max=30, contiguous="true")], None), lay)
    plain = greedy_start(model)
    assert plain is not None and not (plain[model.projects.w] > 0.5).any()
    x = project_start(model)
    assert is_feasible(model, x)
    assert sites_of(model, x) == {"P1": ["G0", "G1"]}
    assert all(not g.separate(x) for g in cut_generators(model))
    assert float(model.c @ x) == pytest.approx(10.0 - 100.01)
    # warm_start (the path warm_start = "auto" takes for project models) starts from it
    assert float(model.c @ warm_start(model)) == pytest.approx(10.0 - 100.01)


def test_the_start_takes_the_park_bonus_when_it_pays():
    # G0 (园区甲, cost 20) or G2 (园区乙, cost 5) for a 15-30 mu project preferring 园区甲
    # with a 30 万元 bonus: 20 - 30 < 5, so the start takes G0 and z = 1
    lay, _ = grid([1, 1, 1], 1, ["inefficient"] * 3, ["100101"] * 3, [20.0, 50.0, 5.0])
    p = project("P1", mu_min=15, mu_max=15, parks="园区甲", park_bonus_wan=30)
    model = compile_model(scenario([p], None), lay)
    x = project_start(model)
    assert sites_of(model, x) == {"P1": ["G0"]}
    (zc,) = model.projects.z.values()
    assert x[zc] == 1.0 and is_feasible(model, x)
    assert float(model.c @ x) == pytest.approx(20.0 - 100.01 - 30.0)


def test_a_site_that_would_leave_the_targets_unmet_is_not_placed():
    # clear exactly 1 plot of at least 30 mu: only G1 (30 mu) does. P1 (15 mu) on G0 would
    # use up the one clearance, so the start lands P1 on G1 instead (15-30 mu)
    lay, _ = grid([1, 2, 1], 1, ["inefficient"] * 3, ["100101"] * 3, [1.0, 40.0, 2.0])
    model = compile_model(
        scenario([project("P1", mu_min=15, mu_max=30)], {"count": 1, "area_min": 30}), lay
    )
    x = project_start(model)
    assert is_feasible(model, x)
    assert sites_of(model, x) == {"P1": ["G1"]}


def test_with_no_room_the_start_is_the_plain_one():
    # clear exactly 1 plot; P1 needs two plots (30 mu of 15-mu plots): it cannot land, and
    # the start is the plain greedy start, still feasible
    lay, _ = grid([1, 1, 1], 1, ["inefficient"] * 3, ["100101"] * 3, [1.0, 2.0, 3.0])
    model = compile_model(scenario([project("P1", mu_min=30, mu_max=30)], {"count": 1}), lay)
    x = project_start(model)
    assert is_feasible(model, x)
    assert np.array_equal(x, greedy_start(model))


# --------------------------------------------------------------------------- brute force
def brute(inst: dict[str, Any], lay, n_cols: int) -> float | None:
    """Least objective over every plan (see the module docstring), None when none is feasible."""
    area = lay["area_mu"].to_numpy(float)
    n = len(area)
    status, use, cost = inst["status"], inst["use"], inst["cost"]
    park = lay["park"].to_numpy(str)
    stock = [s == "cleared" for s in status]
    elig = [s == "inefficient" for s in status]
    nbr = {
        k: {q for q in range(n) if abs(q % n_cols - k % n_cols) + abs(q // n_cols - k // n_cols) == 1}
        for k in range(n)
    }

    def connected(site: tuple[int, ...]) -> bool:
        seen, todo = {site[0]}, [site[0]]
        while todo:
            for q in nbr[todo.pop()] & set(site):
                if q not in seen:
                    seen.add(q)
                    todo.append(q)
        return len(seen) == len(site)

    top = max(p["priority"] for p in inst["projects"])
    options = []  # per project: (mask, value) of every valid site, and none
    for p in inst["projects"]:
        lo, hi = 15 * p["n"], 15 * (p["n"] + p["extra"])
        reward = VALUE * p["inv"] + 0.01 * (top + 1 - p["priority"])
        opts = [(0, 0.0)]
        ok = [use[k].startswith("1001") and (p["rule"] != "only" or park[k] == "园区甲") for k in range(n)]
        for r in range(1, n + 1):
            for site in itertools.combinations([k for k in range(n) if ok[k]], r):
                mu = area[list(site)].sum()
                if not lo - 1e-9 <= mu <= hi + 1e-9:
                    continue
                if p["contiguous"] and not connected(site):
                    continue
                bonus = p["bonus"] if p["rule"] == "prefer" and all(park[k] == "园区甲" for k in site) else 0.0
                opts.append((sum(1 << k for k in site), -reward - bonus))
        options.append(opts)
    t = inst["targets"]
    best = None
    cand = [k for k in range(n) if elig[k]]
    for r in range(len(cand) + 1):
        for cleared in itertools.combinations(cand, r):
            mu = area[list(cleared)].sum()
            if t is not None:
                if "count" in t and r != t["count"]:
                    continue
                if r < t.get("count_min", 0) or mu < t.get("area_min", 0) - 1e-9:
                    continue
            free = sum(1 << k for k in range(n) if stock[k]) | sum(1 << k for k in cleared)
            value = float(sum(cost[k] for k in cleared))
            for combo in itertools.product(*options):
                masks = [m for m, _ in combo]
                union = 0
                bad = False
                for m in masks:
                    if union & m or m & ~free:
                        bad = True
                        break
                    union |= m
                if bad:
                    continue
                v = value + sum(val for _, val in combo)
                if best is None or v < best - 1e-12:
                    best = v
    return best


@st.composite
def instances(draw: Any) -> dict[str, Any]:
    cols = draw(st.lists(st.sampled_from([1, 2]), min_size=2, max_size=3))
    rows = 2
    n = len(cols) * rows
    status = draw(st.lists(st.sampled_from(["cleared", "inefficient", "in_use"]), min_size=n, max_size=n))
    use = draw(st.lists(st.sampled_from(["100101", "100101", "0701"]), min_size=n, max_size=n))
    cost = draw(st.lists(st.integers(1, 60).map(float), min_size=n, max_size=n))
    projects = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "n": st.integers(1, 3),
                    "extra": st.integers(0, 2),
                    "inv": st.sampled_from([0.2, 0.5, 1.0]),
                    "contiguous": st.booleans(),
                    "rule": st.sampled_from(["only", "prefer"]),
                    "bonus": st.sampled_from([0.0, 30.0]),
                    "priority": st.integers(1, 2),
                }
            ),
            min_size=1,
            max_size=2,
        )
    )
    targets = draw(
        st.one_of(
            st.none(),
            st.integers(0, 2).map(lambda k: {"count": k}),
            st.integers(1, 2).map(lambda k: {"count_min": k}),
            st.sampled_from([15, 30, 45]).map(lambda mu: {"area_min": mu}),
        )
    )
    return {"cols": cols, "rows": rows, "status": status, "use": use, "cost": cost, "projects": projects, "targets": targets}


def build(inst: dict[str, Any]):
    lay, n_cols = grid(inst["cols"], inst["rows"], inst["status"], inst["use"], inst["cost"])
    projects = [
        project(
            f"P{k}",
            mu_min=15 * p["n"],
            mu_max=15 * (p["n"] + p["extra"]),
            investment_yi=p["inv"],
            contiguous=str(p["contiguous"]).lower(),
            parks="园区甲",
            park_rule=p["rule"],
            park_bonus_wan=p["bonus"] if p["rule"] == "prefer" else 0,
            priority=p["priority"],
        )
        for k, p in enumerate(inst["projects"])
    ]
    return scenario(projects, inst["targets"]), lay, n_cols


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=instances())
def test_the_start_is_feasible_and_never_better_than_the_brute_force_optimum(inst):
    sc, lay, n_cols = build(inst)
    best = brute(inst, lay, n_cols)
    model = compile_model(sc, lay)
    x = project_start(model)
    if best is None:
        assert x is None or not is_feasible(model, x)
        return
    res = solve_compiled(model)
    assert res.status == "optimal" and res.objective == pytest.approx(best, abs=1e-6)
    if x is None:
        return
    assert is_feasible(model, x)
    assert all(not g.separate(x) for g in cut_generators(model))  # sites in one piece
    assert float(model.c @ x) >= best - 1e-6
