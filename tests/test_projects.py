"""Key projects on freed land (landopt.projects, landopt.rules.projects): optima known by hand.

Parcels are 100 m squares (15 mu each) on a row; A B C D touch in that order, E is far.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from landopt.diagnose import diagnose
from landopt.errors import ScenarioError, TargetsUnmetError
from landopt.model import compile_model
from landopt.parcels import prepare_parcels
from landopt.plan import solve
from landopt.projects import project_table, read_projects, summary_line
from landopt.scenario import scenario_from_dict
from landopt.solving import cut_generators

X0, Y0 = 500_000.0, 4_000_000.0


def layer(rows: dict[str, dict], xs: dict[str, float] | None = None) -> gpd.GeoDataFrame:
    xs = xs or {"A": 0, "B": 100, "C": 200, "D": 300, "E": 2000}
    out = []
    for k, r in rows.items():
        x = xs[k]
        out.append(
            {
                "parcel_id": k,
                "status": r.get("status", "inefficient"),
                "planned_use_code": r.get("use", "100101"),
                "park": r.get("park", "园区甲"),
                "cost_clear_wan": r.get("cost", 10.0),
                "not_before": r.get("not_before", 2023),
                "geometry": box(X0 + x, Y0, X0 + x + 100, Y0 + 100),
            }
        )
    return prepare_parcels(gpd.GeoDataFrame(out, crs="EPSG:4548"))


def project(pid: str, **kw) -> dict:
    d = {
        "project_id": pid,
        "name": f"项目{pid}",
        "investment_yi": 1.0,
        "mu_min": 10,
        "mu_max": 20,
        "uses": "1001",
        "parks": "",
        "park_rule": "prefer",
        "contiguous": "false",
        "priority": 1,
    }
    d.update(kw)
    return {k: str(v) for k, v in d.items()}


def scenario(projects: list[dict], *, targets: dict | None = None, **extra) -> object:
    d = {
        "name": "proj",
        "lang": "zh",
        "year": 2023,
        "actions": {
            "clear": {
                "label": "出清",
                "cost": "cost_clear_wan",
                "eligible": {"field": "status", "in": ["inefficient"], "absent_ok": True},
                **({"targets": targets} if targets else {}),
            }
        },
        "projects": {
            "list": projects,
            "value_wan_per_yi": 100.0,
            "sources": ["clear"],
            **extra.pop("spec", {}),
        },
        **extra,
    }
    return scenario_from_dict(d)


def sites(plan) -> dict[str, list[str]]:
    p = plan.parcels
    out: dict[str, list[str]] = {}
    for pid, part in p[p["project"] != ""].groupby("project"):
        out[pid] = sorted(part["parcel_id"])
    return out


def test_project_is_served_only_if_the_plan_clears_its_plot():
    # clear exactly one plot: B is cheaper (5) but of housing use; the project needs
    # industrial land, so the joint plan clears A (10) and lands the project (reward 100)
    lay = layer({"A": {"cost": 10.0}, "B": {"cost": 5.0, "use": "0701"}})
    plain = solve(
        scenario([project("P1")], targets={"count": 1}, spec={"value_wan_per_yi": 0.0}), lay
    )
    plan = solve(scenario([project("P1")], targets={"count": 1}), lay)
    assert sites(plan) == {"P1": ["A"]}
    assert plan.parcels.set_index("parcel_id").loc["A", "action"] == "clear"
    assert plan.result.objective == pytest.approx(10.0 - 100.0 - 0.01)
    # without a value, landing is worth only the tie-break: B's 5 saved beats it
    assert sites(plain) == {}
    assert plain.projects.loc[0, "reason"] == "budget"
    assert plan.projects.loc[0, "landed"] and plan.projects.loc[0, "site_no"] == 1
    assert plan.projects.loc[0, "source"] == "freed"
    assert summary_line(plan.projects, "zh") == "重点项目：落地 1 个 / 1.0 亿元，未落地 0 个"
    cols = plan.parcels.set_index("parcel_id")
    assert cols.loc["A", "project_name"] == "项目P1" and cols.loc["A", "site_no"] == 1
    assert cols.loc["B", "project"] == "" and cols["site_no"].isna().sum() == 1


def test_contiguous_site_needs_two_neighbours_and_the_cut_rejects_two_apart():
    # stock A and E (free) make 30 mu but lie 1.9 km apart; a contiguous site must be
    # A + B, clearing B for 10
    # (D, next to E, would cost 50: E + D is a connected site too, but dearer)
    lay = layer(
        {
            "A": {"status": "cleared"},
            "B": {"cost": 10.0},
            "E": {"status": "cleared"},
            "D": {"cost": 50.0},
        },
        xs={"A": 0, "B": 100, "E": 2000, "D": 2100},
    )
    loose = solve(scenario([project("P1", mu_min=30, mu_max=30)]), lay)
    assert sites(loose) == {"P1": ["A", "E"]} and loose.result.objective == pytest.approx(-100.01)
    sc = scenario(
        [project("P1", mu_min=30, mu_max=30, contiguous="true")], spec={"contiguity": "cuts"}
    )
    plan = solve(sc, lay)
    assert sites(plan) == {"P1": ["A", "B"]}
    assert plan.result.objective == pytest.approx(10.0 - 100.01)
    assert plan.projects.loc[0, "source"] == "mixed"
    model = compile_model(sc, lay)
    (gen,) = cut_generators(model)
    x = np.zeros(model.n_vars)
    pc = model.projects
    x[pc.w[0]] = 1
    for p, c in zip(pc.pair_parcel, pc.u, strict=True):
        if model.parcel_ids[p] in ("A", "E"):
            x[c] = 1
    cuts = gen.separate(x)
    assert cuts  # A and E without B: every cut is violated
    for _lo, hi, cols, vals in cuts:
        assert hi == 1.0 and float(vals @ x[cols]) == 2.0


def test_out_of_time_with_a_site_in_pieces_keeps_the_plan_without_that_project():
    """The budget runs out after the first round, whose site A + E is in two pieces: the plan
    is kept with P1 not landed (every row re-checked, the bound still the last solve's),
    where before there was no plan at all."""
    from landopt.solving import Deadline, solve_compiled

    lay = layer(
        {"A": {"status": "cleared"}, "B": {"cost": 10.0}, "E": {"status": "cleared"}, "D": {"cost": 50.0}},
        xs={"A": 0, "B": 100, "E": 2000, "D": 2100},
    )
    # without a warm start (the start, A + B in one piece, would be kept instead: next test)
    sc = scenario(
        [project("P1", mu_min=30, mu_max=30, contiguous="true")],
        solver={"warm_start": "off"},
        spec={"contiguity": "cuts"},  # with flow no site is ever in pieces
    )
    model = compile_model(sc, lay)
    ticks = iter([0.0, 0.0])  # the deadline set, the first round given its time: then over
    res = solve_compiled(model, deadline=Deadline(60.0, clock=lambda: next(ticks, 1e9)))
    assert res.status == "time_limit" and res.has_solution
    assert "P1" in res.message and "未落地" in res.message
    assert res.x[model.projects.w[0]] == 0.0 and res.objective == pytest.approx(0.0)
    assert res.bound is not None and res.bound <= res.objective + 1e-9
    # the repaired plan is what every output re-checks: it passes the plan's own checks
    from landopt.heuristic import is_feasible

    assert is_feasible(model, res.x)


@pytest.mark.parametrize("isolate", ["off", "on"])
def test_out_of_time_with_the_solvers_site_in_pieces_keeps_the_better_start(isolate):
    """HiGHS's first plan puts P1 on A + E (two pieces, -100.01); the time runs out. The
    repaired plan (P1 not landed, 0) is worse than the warm start, which lands P1 on A + B
    in one piece (-90.01): the start is the plan, said so, with the last solve's bound."""
    from landopt.heuristic import is_feasible
    from landopt.solving import Deadline, solve_compiled

    lay = layer(
        {"A": {"status": "cleared"}, "B": {"cost": 10.0}, "E": {"status": "cleared"}, "D": {"cost": 50.0}},
        xs={"A": 0, "B": 100, "E": 2000, "D": 2100},
    )
    sc = scenario(
        [project("P1", mu_min=30, mu_max=30, contiguous="true")],
        solver={"isolate": isolate, "time_limit": 60},
        spec={"contiguity": "cuts"},
    )
    model = compile_model(sc, lay)
    ticks = iter([0.0, 0.0])  # the deadline set, the first round given its time: then over
    res = solve_compiled(model, deadline=Deadline(60.0, clock=lambda: next(ticks, 1e9)))
    assert res.status == "time_limit" and res.has_solution
    assert res.objective == pytest.approx(10.0 - 100.01)
    assert res.x[model.projects.w[0]] == 1.0 and is_feasible(model, res.x)
    assert not cut_generators(model)[0].separate(res.x)
    assert "保留初始方案" in res.message and "落地 1 个项目" in res.message
    assert res.bound is not None and res.bound <= res.objective + 1e-9


def test_contiguity_rounds_in_the_child_give_the_same_site(monkeypatch):
    # a model big enough to isolate runs its rounds of contiguity cuts in the child (each
    # round a fresh solve with the cuts so far, none started after the deadline): the same
    # site and optimum as the rounds in this process
    import landopt.solving as solving_mod

    lay = layer(
        {
            "A": {"status": "cleared"},
            "B": {"cost": 10.0},
            "E": {"status": "cleared"},
            "D": {"cost": 50.0},
        },
        xs={"A": 0, "B": 100, "E": 2000, "D": 2100},
    )
    calls = []
    real = solving_mod.solve_model
    monkeypatch.setattr(
        solving_mod, "solve_model", lambda m, o: calls.append(m.n_rows) or real(m, o)
    )
    sc = scenario(
        [project("P1", mu_min=30, mu_max=30, contiguous="true")],
        solver={"isolate": "on", "time_limit": 60},
        spec={"contiguity": "cuts"},
    )
    plan = solve(sc, lay)
    assert sites(plan) == {"P1": ["A", "B"]}
    assert plan.result.status == "optimal"
    assert plan.result.objective == pytest.approx(10.0 - 100.01)
    assert len(calls) >= 2 and calls[1] > calls[0]  # the second round carries the cuts


def test_unlanded_reasons_no_land_and_taken():
    lay = layer({"A": {"status": "cleared"}, "B": {"status": "cleared", "use": "0701"}})
    sc = scenario(
        [
            project("BIG", mu_min=100, mu_max=200),
            project("P1", priority=1),
            project("P2", priority=2),
        ]
    )
    plan = solve(sc, lay)
    table = plan.projects.set_index("project_id")
    assert table.loc["P1", "landed"] and table.loc["P1", "source"] == "stock"
    assert table.loc["BIG", "reason"] == "no_land"
    assert table.loc["P2", "reason"] == "taken"
    assert "优先级更高" in table.loc["P2", "reason_text"]
    assert table["site_no"].tolist() == [1, 2, 3]
    again = project_table(sc, plan.parcels, lang="en")
    assert again.loc[2, "reason_text"].startswith("the land exists")


def test_must_land_infeasible_names_the_statement():
    lay = layer({"A": {"cost": 10.0}})
    sc = scenario([project("P1", must_land="true")], budget={"total": 5.0})
    with pytest.raises(TargetsUnmetError) as err:
        solve(sc, lay)
    d = diagnose(compile_model(sc, lay))
    assert "must_land[P1]" in {s.key for s in d.conflict}
    assert "项目P1" in str(err.value)
    # the closing line names what conflicts once the targets are relaxed, not "budgets and locks"
    assert "以下要求本身无法同时满足：总预算 5 万元；项目 项目P1 必须落地" in str(err.value)
    assert "仅预算和锁定地块" not in str(err.value)
    en = scenario([project("P1", must_land="true")], budget={"total": 5.0}, lang="en")
    with pytest.raises(TargetsUnmetError) as err_en:
        solve(en, lay)
    assert "these cannot all hold:" in str(err_en.value) and "must land" in str(err_en.value)
    assert "budgets and locks alone" not in str(err_en.value)


def test_must_land_without_land_is_found_before_solving():
    lay = layer({"A": {"cost": 10.0}})
    sc = scenario(
        [project("P1", mu_min=150, mu_max=200, must_land="true", parks="园区甲", park_rule="only")]
    )
    with pytest.raises(TargetsUnmetError) as err:
        solve(sc, lay)
    assert "需要 ≥ 150.0 亩" in str(err.value) and "15.0 亩" in str(err.value)


def test_bad_rows_are_named_in_both_languages():
    rows = [project("P1", mu_min="x"), project("P1", mu_min=30, mu_max=20, park_rule="only")]
    with pytest.raises(ScenarioError) as err:
        read_projects(rows, lang="zh")
    text = str(err.value)
    assert "项目表第 2 行（P1）" in text and "不是数字" in text
    assert "项目编号 P1 重复" in text and "最小用地 30 亩大于最大用地 20 亩" in text
    with pytest.raises(ScenarioError) as err:
        read_projects(rows, lang="en")
    assert "project table row 3 (P1)" in str(err.value)


def test_chinese_headers_are_read(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text(
        "项目编号,项目名称,计划投资（亿元）,最小用地（亩）,最大用地（亩）,用地类型,园区,园区规则,连片\n"
        "P1,甲,5.5,20,40,1001;1002,园区甲;园区乙,only,是\n",
        encoding="utf-8-sig",
    )
    (p,) = read_projects(f)
    assert p.parks == ("园区甲", "园区乙") and p.contiguous and p.uses == ("1001", "1002")


def test_programme_takes_land_cleared_by_its_year_or_stock():
    lay = layer({"A": {"not_before": 2024}, "S": {"status": "cleared"}}, xs={"A": 0, "S": 1000})
    base = {
        "programme": {
            "years": [2023, 2024],
            "sequences": [],
            "stock": {"field": "status", "in": ["cleared"]},
            "not_before": "not_before",
        },
    }
    sc = scenario(
        [project("P23", earliest_year=2023), project("P24", earliest_year=2024, priority=2)], **base
    )
    plan = solve(sc, lay)
    assert sites(plan) == {"P23": ["S"], "P24": ["A"]}
    a = plan.parcels.set_index("parcel_id").loc["A"]
    assert a["action"] == "clear" and a["year"] == 2024
    both = scenario(
        [project("P23", earliest_year=2023), project("Q23", earliest_year=2023, priority=2)], **base
    )
    plan = solve(both, lay)
    assert sites(plan) == {"P23": ["S"]}  # A is cleared in 2024 at the earliest
    # S is taken by P23 and A cannot be freed by 2023: the land Q23 could have by then is taken
    assert plan.projects.set_index("project_id").loc["Q23", "reason"] == "taken"


def test_unlanded_reason_too_late_in_a_programme():
    """The only land that fits can be cleared in 2024 at the earliest; the project needs it in
    2023: not "budget" (the plan could free it) but too late."""
    lay = layer({"A": {"not_before": 2024}})
    sc = scenario(
        [project("Q23", earliest_year=2023)],
        programme={"years": [2023, 2024], "sequences": [], "not_before": "not_before"},
    )
    plan = solve(sc, lay)
    row = plan.projects.set_index("project_id").loc["Q23"]
    assert not row["landed"] and row["reason"] == "too_late"
    assert "项目用地年份之前" in row["reason_text"]
    later = scenario(
        [project("Q24", earliest_year=2024, investment_yi=0.001)],
        programme={"years": [2023, 2024], "sequences": [], "not_before": "not_before"},
    )
    row = solve(later, lay).projects.set_index("project_id").loc["Q24"]
    assert not row["landed"] and row["reason"] != "too_late"  # it could land in 2024


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(["cleared", "inefficient", "in_use"]), min_size=9, max_size=9),
    st.lists(st.sampled_from(["100101", "0701"]), min_size=9, max_size=9),
    st.lists(
        st.tuples(st.integers(1, 3), st.integers(0, 2), st.booleans()), min_size=1, max_size=3
    ),
)
def test_every_landed_site_passes_the_geometric_check(status, uses, specs):
    rows = [
        {
            "parcel_id": f"G{i}",
            "status": status[i],
            "planned_use_code": uses[i],
            "park": "园区甲" if i % 3 else "园区乙",
            "cost_clear_wan": 1.0 + i,
            "not_before": 2023,
            "geometry": box(
                X0 + 100 * (i % 3),
                Y0 + 100 * (i // 3),
                X0 + 100 * (i % 3) + 100,
                Y0 + 100 * (i // 3) + 100,
            ),
        }
        for i in range(9)
    ]
    lay = prepare_parcels(gpd.GeoDataFrame(rows, crs="EPSG:4548"))
    projects = [
        project(
            f"P{k}",
            mu_min=15 * n,
            mu_max=15 * (n + extra),
            contiguous=str(cont).lower(),
            parks="园区甲",
            park_rule="only" if k % 2 else "prefer",
            priority=k + 1,
        )
        for k, (n, extra, cont) in enumerate(specs)
    ]
    plan = solve(scenario(projects), lay)  # solve re-checks the plan and raises on a failed check
    assert all(c.ok for c in plan.checks if c.name.startswith("projects"))
    p = plan.parcels
    for k, spec in enumerate(specs):
        on = (p["project"] == f"P{k}").to_numpy()
        if not on.any():
            continue
        assert 15 * spec[0] - 1e-6 <= p["area_mu"][on].sum() <= 15 * (spec[0] + spec[1]) + 1e-6
        assert set(p["status"][on]) <= {"cleared", "inefficient"}
        assert (p["action"][on & (p["status"] == "inefficient").to_numpy()] == "clear").all()
        if spec[2]:
            union = shapely.union_all(shapely.buffer(p.geometry[on].to_numpy(), 0.1))
            assert union.geom_type == "Polygon"
        if k % 2:
            assert (p["park"][on] == "园区甲").all()


def test_without_projects_nothing_changes():
    lay = layer({"A": {"cost": 10.0}})
    d = {
        "name": "plain",
        "actions": {
            "clear": {
                "cost": "cost_clear_wan",
                "eligible": {"field": "status", "in": ["inefficient"]},
            }
        },
    }
    plan = solve(scenario_from_dict(d), lay)
    assert plan.projects is None and "project" not in plan.parcels.columns
    assert plan.result.objective == pytest.approx(0.0)


def test_demo_table_and_plan():
    from pathlib import Path

    from landopt import load_scenario

    root = Path(__file__).resolve().parents[1]
    projects = read_projects(root / "data" / "projects.csv")
    assert len(projects) == 11
    assert sum(p.investment_yi for p in projects) == pytest.approx(116.7)
    assert all(20 <= p.mu_min <= p.mu_max <= 300 for p in projects)
    plan = solve(load_scenario(root / "data" / "scenarios" / "zhangdian-2023-projects.toml"))
    assert plan.targets_met and all(c.ok for c in plan.checks)
    table = plan.projects
    assert table["landed"].sum() >= 6
    assert (table.loc[~table["landed"], "reason"] != "").all()


def test_the_cli_objective_line_names_the_project_reward():
    from landopt.cli.plan import _objective_words
    from landopt.scenario import load_scenario

    root = Path(__file__).resolve().parents[1]
    sc = load_scenario(root / "data" / "scenarios" / "zhangdian-2023-projects.toml")
    assert "重点项目落地奖励（每亿元投资 200 万元）" in _objective_words(sc, "zh")
    assert "per 亿元 of key-project investment" in _objective_words(sc, "en")
    plain = load_scenario(root / "data" / "scenarios" / "zhangdian-2023.toml")
    assert "重点项目" not in _objective_words(plain, "zh")


def test_a_park_bonus_left_at_0_by_a_time_limited_solve_is_settled_before_the_check():
    """z_j at 0 where the whole site lies in the preferred park is a worse but valid plan; the
    check credits the bonus from the sites, so the solve layer settles z_j to 1 first (else
    the plan failed its own objective check and was not presented)."""
    from landopt.solving import _settled

    lay = layer({"A": {"status": "cleared"}})
    sc = scenario([project("P1", mu_min=10, mu_max=20, parks="园区甲", park_bonus_wan=50)])
    model = compile_model(sc, lay)
    best = solve(sc, lay)
    assert sites(best) == {"P1": ["A"]}
    pc = model.projects
    (zcol,) = pc.z.values()
    x = np.zeros(model.n_vars)
    x[pc.w[0]] = 1.0
    x[pc.u[0]] = 1.0
    res = best.result.__class__(**{**best.result.__dict__, "x": x, "objective": float(model.c @ x)})
    settled = _settled(model, res)
    assert settled.x[zcol] == 1.0
    assert settled.objective == pytest.approx(float(model.c @ x) - 50.0)
    assert settled.objective == pytest.approx(best.result.objective)


# --------------------------------------------------------------------------- contiguity by flow
def _two_apart() -> gpd.GeoDataFrame:
    return layer(
        {
            "A": {"status": "cleared"},
            "B": {"cost": 10.0},
            "E": {"status": "cleared"},
            "D": {"cost": 50.0},
        },
        xs={"A": 0, "B": 100, "E": 2000, "D": 2100},
    )


def test_flow_contiguity_gives_the_hand_known_site_without_cuts():
    # the site of the cut test above (A + B, clearing B for 10), kept in one piece by the
    # flow rows: no cut generator, and the flow rows are named as the formulation names them
    lay = _two_apart()
    sc = scenario(
        [project("P1", mu_min=30, mu_max=30, contiguous="true")], spec={"contiguity": "flow"}
    )
    model = compile_model(sc, lay)
    assert cut_generators(model) == []
    names = set(model.row_names)
    assert {"flow_root_0", "flow_root_0_0", "flow_balance_0_0"} <= names
    assert {"flow_cap_out_0_1_0", "flow_cap_in_1_0_0"} <= names
    fl = model.projects.flows[0]
    assert fl.big == 2  # two 15-mu parcels fit in 30 mu
    assert len(fl.f) == 4  # A-B and E-D, both ways
    plan = solve(sc, lay)
    assert sites(plan) == {"P1": ["A", "B"]} and plan.result.status == "optimal"
    assert plan.result.objective == pytest.approx(10.0 - 100.01)
    one = [project("P1", mu_min=30, mu_max=30, contiguous="true")]
    cuts = scenario(one, spec={"contiguity": "cuts"})
    assert plan.result.objective == pytest.approx(solve(cuts, lay).result.objective)
    # flow is the default (BENCHMARKS.md "Key projects: flow against lazy cuts")
    assert compile_model(scenario(one), lay).projects.flows is not None


def test_flow_start_filling_meets_every_row_and_drops_a_site_in_pieces():
    from landopt.heuristic import is_feasible

    lay = layer({k: {"status": "cleared"} for k in "ABCDE"})
    sc = scenario(
        [project("P1", mu_min=45, mu_max=45, contiguous="true")], spec={"contiguity": "flow"}
    )
    model = compile_model(sc, lay)
    pc = model.projects
    ids = [model.parcel_ids[p] for p in pc.pair_parcel]

    def landed_on(names: str) -> np.ndarray:
        x = np.zeros(model.n_vars)
        x[pc.w[0]] = 1.0
        for k, c in enumerate(pc.u):
            x[c] = float(ids[k] in names)
        return x

    x = landed_on("BCD")  # one piece of three: root B, flow 2 on B->C and 1 on C->D
    assert not is_feasible(model, x)  # u set, r and f at 0: the flow rows fail
    y, dropped = pc.with_flow(x)
    assert dropped == [] and is_feasible(model, y)
    fl = pc.flows[0]
    arc = [(ids[fl.pairs[a]], ids[fl.pairs[b]]) for a, b in zip(fl.tail, fl.head, strict=True)]
    on_f = {arc[k]: y[c] for k, c in enumerate(fl.f) if y[c]}
    assert on_f == {("B", "C"): 2.0, ("C", "D"): 1.0}
    assert [ids[fl.pairs[k]] for k, c in enumerate(fl.r) if y[c]] == ["B"]
    # A + C + E is in three pieces: no flow, the project is not landed (and the rest holds)
    z, dropped = pc.with_flow(landed_on("ACE"))
    assert dropped == [0] and z[pc.w[0]] == 0.0 and not z[pc.u].any()
    assert is_feasible(model, z)
    # the warm start of key projects (landopt.project_start) lands P1 with its flow filled
    from landopt.project_start import project_start

    s = project_start(model)
    assert s is not None and s[pc.w[0]] == 1.0 and is_feasible(model, s)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(["cleared", "inefficient", "in_use"]), min_size=12, max_size=12),
    st.lists(st.sampled_from([1.0, 4.0, 9.0]), min_size=12, max_size=12),
    st.lists(st.tuples(st.integers(2, 4), st.integers(0, 2)), min_size=1, max_size=3),
)
def test_flow_and_cuts_give_the_same_optimum_on_random_grids(status, costs, specs):
    """On a 4 x 3 grid of 15-mu plots with random land, costs and contiguous projects, both
    ways of keeping sites in one piece reach the same proven optimum (gap 0), and every
    landed site passes the geometric check (solve re-checks it and raises otherwise)."""
    rows = [
        {
            "parcel_id": f"G{i}",
            "status": status[i],
            "planned_use_code": "100101",
            "park": "园区甲",
            "cost_clear_wan": costs[i],
            "not_before": 2023,
            "geometry": box(
                X0 + 100 * (i % 4), Y0 + 100 * (i // 4), X0 + 100 * (i % 4 + 1), Y0 + 100 * (i // 4 + 1)
            ),
        }
        for i in range(12)
    ]
    lay = prepare_parcels(gpd.GeoDataFrame(rows, crs="EPSG:4548"))
    projects = [
        project(
            f"P{k}",
            mu_min=15 * n,
            mu_max=15 * (n + extra),
            contiguous="true",
            investment_yi=0.1,
            priority=k + 1,
        )
        for k, (n, extra) in enumerate(specs)
    ]
    got = {}
    for way in ("cuts", "flow"):
        exact = {"gap": 0.0, "abs_gap": 0.0}
        plan = solve(scenario(projects, solver=exact, spec={"contiguity": way}), lay)
        assert plan.result.status == "optimal"
        assert all(c.ok for c in plan.checks if c.name.startswith("projects"))
        p = plan.parcels
        for k in range(len(specs)):
            on = (p["project"] == f"P{k}").to_numpy()
            if on.sum() > 1:
                union = shapely.union_all(shapely.buffer(p.geometry[on].to_numpy(), 0.1))
                assert union.geom_type == "Polygon"
        got[way] = plan.result.objective
    assert got["flow"] == pytest.approx(got["cuts"], abs=1e-6)


def test_auto_contiguity_is_flow_up_to_the_line_and_cuts_above():
    """``contiguity = "auto"`` (the default): flow rows on layers up to FLOW_MAX_PARCELS
    parcels, lazy cuts above (measured: BENCHMARKS.md "Key projects: flow against lazy cuts")."""
    from landopt.rules.projects import FLOW_MAX_PARCELS, ProjectsSpec, contiguity_way

    spec = ProjectsSpec(path="p.csv")
    assert spec.contiguity == "auto"
    assert contiguity_way(spec, 3000) == "flow"
    assert contiguity_way(spec, FLOW_MAX_PARCELS) == "flow"
    assert contiguity_way(spec, FLOW_MAX_PARCELS + 1) == "cuts"
    for way in ("cuts", "flow"):
        assert contiguity_way(ProjectsSpec(path="p.csv", contiguity=way), 10**6) == way


def test_a_one_year_plan_reports_a_later_project_in_its_own_year():
    """A 2023 plan may clear land for a project that comes in 2024: the site is freed in
    2023 and the project's year in the table is 2024, not the plan's 2023."""
    lay = layer({"A": {"cost": 10.0}})
    plan = solve(scenario([project("P24", earliest_year=2024)], targets={"count": 1}), lay)
    assert sites(plan) == {"P24": ["A"]}
    assert int(plan.projects.loc[0, "year"]) == 2024
