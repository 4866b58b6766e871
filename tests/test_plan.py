"""The plan: hand-known optima for each objective, target form, budget and lock; checks; export."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from toy import toy_parcels, toy_scenario

from landopt.errors import InputError, SolverError, TargetsUnmetError
from landopt.plan import check_plan, solve, write_plan


def actions(plan) -> dict[str, str]:
    return dict(zip(plan.parcels["parcel_id"], plan.parcels["action"], strict=True))


def test_min_cost_optimum_by_hand():
    plan = solve(toy_scenario(), toy_parcels())
    assert plan.result.objective == pytest.approx(165.0)
    assert actions(plan) == {
        "P1": "upgrade",
        "P2": "none",
        "P3": "clear",
        "P4": "revitalize",
        "P5": "upgrade",
        "P6": "none",
    }
    assert plan.targets_met and all(c.ok for c in plan.checks)
    s = plan.summary.set_index("action")
    assert s.loc["upgrade", "plots"] == 2 and s.loc["upgrade", "mu"] == pytest.approx(80.0)
    assert s.loc["total", "cost_wan"] == pytest.approx(165.0)
    assert s.loc["clear", "eligible_plots"] == 3
    assert plan.parcels.loc[2, "eligible_actions"] == "clear,revitalize"


def test_count_range_target():
    # upgrade 1-3 plots with >= 100 mu: only P1+P2+P5 (110 mu, 160); then clear P3, revitalize P4
    plan = solve(
        toy_scenario(
            **{"actions.upgrade.targets": {"count_min": 1, "count_max": 3, "area_min": 100}}
        ),
        toy_parcels(),
    )
    assert plan.result.objective == pytest.approx(215.0)
    assert actions(plan)["P2"] == "upgrade"


def test_area_max_target():
    # upgrade 2 plots with 80..85 mu: P1+P5 only (P2+P5 = 90 is too much)
    plan = solve(
        toy_scenario(**{"actions.upgrade.targets": {"count": 2, "area_min": 80, "area_max": 85}}),
        toy_parcels(),
    )
    assert actions(plan)["P1"] == "upgrade" and actions(plan)["P2"] == "none"


def test_lock_in_changes_the_optimum():
    # P3 forced into revitalize: clear must use P1 or P2; best total 240
    plan = solve(toy_scenario(**{"locks": {"include": {"P3": "revitalize"}}}), toy_parcels())
    assert plan.result.objective == pytest.approx(240.0)
    assert actions(plan)["P3"] == "revitalize"


def test_lock_out_one_action():
    # P1 kept out of upgrade: upgrade P2+P5 (130), clear P3 (40), revitalize P4 (15)
    plan = solve(toy_scenario(**{"locks": {"exclude": {"P1": ["upgrade"]}}}), toy_parcels())
    assert plan.result.objective == pytest.approx(185.0)
    assert actions(plan)["P1"] == "none"


def test_max_benefit_under_budget():
    # at most 1 clear, 1 revitalize, 2 upgrades, budget 130: upgrade P1+P5 and revitalize P4 (125 万元, benefit 31)
    s = toy_scenario(
        **{
            "objective": {"kind": "max_benefit"},
            "budget": {"total": 130},
            "actions.clear.targets": {"count_max": 1},
            "actions.revitalize.targets": {"count_max": 1},
            "actions.upgrade.targets": {"count_max": 2},
        }
    )
    plan = solve(s, toy_parcels())
    assert plan.result.objective == pytest.approx(31.0)
    assert actions(plan) == {
        "P1": "upgrade",
        "P2": "none",
        "P3": "none",
        "P4": "revitalize",
        "P5": "upgrade",
        "P6": "none",
    }
    assert plan.summary.set_index("action").loc["total", "benefit_wan"] == pytest.approx(31.0)


def test_weighted_objective_with_difficulty_penalty():
    # difficulty weight 100 per point makes P2 (difficulty 5) and P5 (3) costly; upgrade still needs P5
    s = toy_scenario(
        **{
            "objective": {
                "sense": "minimize",
                "terms": [{"of": "cost", "weight": 1.0}],
                "difficulty_weight": 100,
            }
        }
    )
    plan = solve(s, toy_parcels())
    # same plan as min cost; objective = 165 + 100 * (1 + 3 + 2 + 1)
    assert plan.result.objective == pytest.approx(165.0 + 700.0)


def test_per_action_budget_is_respected():
    s = toy_scenario(
        **{
            "actions.upgrade.budget": 120,
            "actions.upgrade.targets": {"count_min": 1, "area_min": 60},
        }
    )
    plan = solve(s, toy_parcels())
    assert plan.summary.set_index("action").loc["upgrade", "cost_wan"] <= 120


def test_check_plan_catches_a_tampered_plan():
    plan = solve(toy_scenario(), toy_parcels())
    bad = plan.parcels.copy()
    bad.loc[bad["parcel_id"] == "P6", "action"] = "clear"  # P6 is in use: not eligible
    bad.loc[bad["parcel_id"] == "P2", "action"] = "clear"  # costs 120 more
    checks = {c.name: c for c in check_plan(plan.scenario, bad, objective=plan.result.objective)}
    assert not checks["eligibility[clear]"].ok and "P6" in checks["eligibility[clear]"].detail
    assert not checks["count[clear]"].ok
    assert not checks["objective"].ok


def test_check_plan_catches_broken_lock_and_budget():
    s = toy_scenario(**{"locks": {"include": {"P2": "clear"}}, "budget": {"total": 100}})
    parcels = toy_parcels()
    parcels["action"] = ["upgrade", "none", "clear", "revitalize", "upgrade", "none"]
    checks = {c.name: c for c in check_plan(s, parcels)}
    assert not checks["lock_in[P2]"].ok
    assert not checks["budget_total"].ok


def test_unmet_targets_raise_with_diagnosis():
    s = toy_scenario(**{"actions.upgrade.targets": {"count": 2, "area_min": 100}})
    with pytest.raises(TargetsUnmetError) as e:
        solve(s, toy_parcels())
    msg = str(e.value)
    assert (
        "upgrade needs 2 plots and ≥ 100.0 mu, but the 2 largest eligible plots total 90.0 mu"
        in msg
    )
    assert e.value.exit_code == 3


def test_shortfall_plan_marks_unmet_targets():
    s = toy_scenario(**{"actions.upgrade.targets": {"count": 2, "area_min": 100}})
    plan = solve(s, toy_parcels(), allow_shortfall=True)
    assert not plan.targets_met
    (short,) = plan.shortfalls
    assert (
        short.key == "area_min[upgrade]"
        and short.achieved == pytest.approx(90.0)
        and short.missing == pytest.approx(10.0)
    )
    assert plan.summary.set_index("action").loc["upgrade", "met"] == False  # noqa: E712
    assert plan.summary.set_index("action").loc["clear", "met"] == True  # noqa: E712


def test_write_plan_files(tmp_path):
    plan = solve(toy_scenario(), _with_geometry(toy_parcels()))
    out = tmp_path / "out"
    files = write_plan(plan, out)
    assert sorted(p.name for p in files) == ["plan.gpkg", "run.json", "summary.csv", "summary.xlsx"]
    import geopandas as gpd

    layer = gpd.read_file(out / "plan.gpkg", layer="plan")
    assert list(layer["action"]) == list(plan.parcels["action"])
    assert "eligible_actions" in layer.columns
    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM so Excel reads Chinese labels
    assert "转型升级" in raw.decode("utf-8-sig")
    rec = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert rec["solver"]["status"] == "optimal" and rec["targets_met"] is True
    assert (
        rec["versions"]["highspy"] and rec["scenario"]["actions"]["clear"]["targets"]["count"] == 1
    )
    assert not list(tmp_path.glob(".out.landopt-*"))


def test_write_plan_refuses_to_overwrite_and_is_atomic(tmp_path):
    plan = solve(toy_scenario(), _with_geometry(toy_parcels()))
    out = tmp_path / "out"
    write_plan(plan, out)
    before = (out / "summary.csv").read_bytes()
    with pytest.raises(InputError, match="--force"):
        write_plan(plan, out)

    def boom(path):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_plan(plan, out, force=True, extra={"plan.png": boom})
    assert (out / "summary.csv").read_bytes() == before  # untouched
    assert not (out / "plan.png").exists()
    assert not list(tmp_path.glob(".out.landopt-*"))  # staging removed
    write_plan(plan, out, force=True)


def test_solver_failure_is_solver_error(monkeypatch):
    import landopt.solving as plan_mod  # the one solve entry
    from landopt.solvers import SolverResult

    def fake(model, opts):
        return SolverResult(
            "time_limit", False, False, None, None, None, 1.0, "highs", "HiGHS", "x", 1.0, True, 0.0
        )

    monkeypatch.setattr(plan_mod, "solve_model", fake)
    with pytest.raises(SolverError, match="time limit"):
        solve(toy_scenario(), toy_parcels())


def test_same_inputs_same_plan():
    a = solve(toy_scenario(), toy_parcels())
    b = solve(toy_scenario(), toy_parcels())
    pd.testing.assert_series_equal(a.parcels["action"], b.parcels["action"])


def _with_geometry(df):
    import geopandas as gpd
    from shapely.geometry import box

    geoms = [
        box(
            589000 + 300 * i,
            4074000,
            589000 + 300 * i + (a * 10000 / 15) ** 0.5,
            4074000 + (a * 10000 / 15) ** 0.5,
        )
        for i, a in enumerate(df["area_mu"])
    ]
    return gpd.GeoDataFrame(df, geometry=geoms, crs="EPSG:4548")


def test_read_plan_round_trip(tmp_path):
    from landopt.plan import read_plan

    plan = solve(toy_scenario(), _with_geometry(toy_parcels()))
    write_plan(plan, tmp_path / "out")
    back = read_plan(tmp_path / "out")
    assert list(back.parcels["action"]) == list(plan.parcels["action"])
    assert back.scenario.action_names == plan.scenario.action_names
    assert back.result.objective == pytest.approx(165.0) and back.result.proven_optimal
    assert back.targets_met
    pd.testing.assert_frame_equal(back.summary, plan.summary, check_dtype=False)
    assert read_plan(tmp_path / "out" / "plan.gpkg").result.status == "optimal"
    with pytest.raises(InputError, match=r"run\.json"):
        read_plan(tmp_path)


def test_plot_numbers_follow_actions_then_township_then_id():
    from landopt.plan import plot_numbers

    plan = solve(toy_scenario(), toy_parcels())
    # clear P3, revitalize P4, upgrade P1 and P5 (the scenario's action order)
    assert plot_numbers(plan.scenario, plan.parcels).tolist() == [3, 0, 1, 2, 4, 0]
