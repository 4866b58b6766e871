"""Scenario analysis on the hand-solved toy and on the demo district."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from toy import toy_parcels, toy_scenario

from landopt.analysis import (
    alternatives,
    compare,
    parse_vary,
    replacement_costs,
    selection_frequency,
    sweep,
)
from landopt.errors import InputError, TargetsUnmetError
from landopt.plan import solve


def test_parse_vary():
    key, values = parse_vary("actions.clear.targets.area_min=300:900:300")
    assert key == "actions.clear.targets.area_min" and values.tolist() == [300, 600, 900]
    assert parse_vary("budget.total=1,2.5")[1].tolist() == [1.0, 2.5]
    with pytest.raises(InputError):
        parse_vary("actions.clear.targets.area_min=900:300:10")


def test_sweep_curve_is_monotone_and_marks_infeasible_points():
    # upgrade area target from 60 to 120 mu: 60..80 -> 110 (P1+P5), 85..90 -> 130 (P2+P5), above -> infeasible
    r = sweep(
        toy_scenario(),
        toy_parcels(),
        {"actions.upgrade.targets.area_min": np.arange(60, 121, 10)},
        jobs=1,
    )
    t = r.table
    assert t["actions.upgrade.targets.area_min"].tolist() == [60, 70, 80, 90, 100, 110, 120]
    assert t["status"].tolist()[:4] == ["optimal"] * 4
    assert t["status"].tolist()[4:] == ["infeasible"] * 3
    assert t["objective"].tolist()[:4] == pytest.approx([165, 165, 165, 185])
    feasible = t["objective"].dropna()
    assert feasible.is_monotonic_increasing  # a tighter minimum can only cost more
    assert t["marginal"].tolist()[1:4] == pytest.approx([0.0, 0.0, 2.0])  # (185 - 165) / 10 mu
    assert "largest eligible plots" in t.loc[4, "note"]
    assert r.reused_model == 7  # only right-hand sides changed


def test_sweep_two_keys_and_parallel_match_serial():
    vary = {"actions.upgrade.targets.area_min": [60, 90], "actions.clear.targets.count": [1, 2]}
    serial = sweep(toy_scenario(), toy_parcels(), vary, jobs=1).table
    parallel = sweep(toy_scenario(), toy_parcels(), vary, jobs=2).table
    assert len(serial) == 4
    pd.testing.assert_series_equal(serial["objective"], parallel["objective"])


def test_sweep_structural_key_recompiles():
    r = sweep(
        toy_scenario(), toy_parcels(), {"actions.upgrade.targets.area_max": [85, 200]}, jobs=1
    )
    assert r.reused_model == 0
    assert r.table["objective"].tolist() == pytest.approx([165, 165])


def test_sweep_rejects_unknown_key():
    from landopt.errors import ScenarioError

    with pytest.raises(ScenarioError, match="area_mn"):
        sweep(toy_scenario(), toy_parcels(), {"actions.upgrade.targets.area_mn": [1]}, jobs=1)


def test_alternatives_are_within_pct_and_differ_enough():
    alt = alternatives(toy_scenario(), toy_parcels(), k=3, within=0.5, differ=2)
    z = alt.optimal.result.objective
    assert z == pytest.approx(165)
    acts = [p.parcels["action"].to_numpy() for p in alt.all_plans]
    for i, p in enumerate(alt.plans, start=1):
        assert p.result.objective <= z * 1.5 + 1e-6
        assert all(c.ok for c in p.checks)
        for j in range(i):  # differs from every earlier plan, the optimum included
            assert (acts[i] != acts[j]).sum() >= 2
    assert alt.differences[0][0] == 0


def test_alternatives_say_how_many_exist():
    # within 10 % (<= 181.5) the only other plan is none: revitalize P3 + clear P1/P2 costs >= 240
    alt = alternatives(toy_scenario(), toy_parcels(), k=3, within=0.10, differ=1)
    assert alt.plans == []
    assert "only 0 alternatives exist" in alt.message


def test_replacement_cost_equals_resolve_with_parcel_locked_out():
    plan = solve(toy_scenario(), toy_parcels())
    rc = replacement_costs(plan, toy_parcels()).set_index("parcel_id")
    assert set(rc.index) == {"P1", "P3", "P4", "P5"}
    for pid in rc.index:
        locked = toy_scenario(**{"locks": {"exclude": {pid: "all"}}})
        try:
            z = solve(locked, toy_parcels()).result.objective
        except TargetsUnmetError:  # no plan without this parcel
            assert rc.loc[pid, "replacement_cost"] == np.inf
        else:
            assert rc.loc[pid, "replacement_cost"] == pytest.approx(z - 165)
    assert rc.loc["P5", "replacement_cost"] == np.inf  # no upgrade pair reaches 80 mu without P5
    assert rc.loc["P1", "replacement_cost"] == pytest.approx(20)  # P2+P5 instead: 130 - 110


def test_selection_frequency():
    alt = alternatives(toy_scenario(), toy_parcels(), k=2, within=1.0, differ=1)
    sf = selection_frequency(alt.all_plans).set_index("parcel_id")
    n = len(alt.all_plans)
    assert sf.loc["P5", "selection_frequency"] == 1.0  # in every plan: irreplaceable
    assert sf.loc["P6", "times_chosen"] == 0
    assert sf["times_chosen"].max() <= n


def test_compare_table_and_changes():
    a = solve(toy_scenario(), toy_parcels())
    b = solve(toy_scenario(**{"locks": {"exclude": {"P1": ["upgrade"]}}}), toy_parcels())
    table, changes = compare([a, b], names=["base", "no P1"])
    assert set(table["scenario"]) == {"base", "no P1"}
    assert table.set_index(["scenario", "action"]).loc[
        ("no P1", "total"), "cost_wan"
    ] == pytest.approx(185)
    assert changes["parcel_id"].tolist() == ["P1", "P2"]
    assert changes[["base", "no P1"]].values.tolist() == [["upgrade", "none"], ["none", "upgrade"]]


def test_sweep_plot_and_parcel_values_artists(tmp_path):
    from landopt.maps import plot_parcel_values, plot_sweep, save_sweep_plot

    r = sweep(
        toy_scenario(),
        toy_parcels(),
        {"actions.upgrade.targets.area_min": np.arange(60, 121, 10)},
        jobs=1,
    )
    ax, ax2 = plot_sweep(r)
    line = ax.get_lines()[0]
    assert line.get_xdata().tolist() == [60, 70, 80, 90]  # feasible points only
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["optimal objective", "no plan meets the targets"]
    assert len(ax2.patches) == 3  # one marginal bar per step between feasible points
    assert "mu" in ax2.get_xlabel()
    out = save_sweep_plot(r, tmp_path / "sweep.png")
    assert out.stat().st_size > 10_000

    plan = solve(toy_scenario(), _geo_toy())
    rc = replacement_costs(plan).set_index("parcel_id")["replacement_cost"]
    ax = plot_parcel_values(plan, rc, label="replacement cost", lang="en", district=False)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["irreplaceable"]  # P5


def _geo_toy():
    import geopandas as gpd
    from shapely.geometry import box

    df = toy_parcels()
    side = (df["area_mu"] * 10000 / 15) ** 0.5
    geoms = [
        box(589000 + 300 * i, 4074000, 589000 + 300 * i + s, 4074000 + s)
        for i, s in enumerate(side)
    ]
    return gpd.GeoDataFrame(df, geometry=geoms, crs="EPSG:4548")


# ------------------------------------------------------------------ scripts without a guard
def test_spawn_is_safe_only_for_guarded_scripts(tmp_path, monkeypatch):
    import sys
    import types

    from landopt import cluster

    guarded = tmp_path / "guarded.py"
    guarded.write_text('print(1)\nif __name__ == "__main__":\n    pass\n', encoding="utf-8")
    bare = tmp_path / "bare.py"
    bare.write_text("print(1)\n", encoding="utf-8")
    for path, safe in ((guarded, True), (bare, False), (None, True)):
        main = types.ModuleType("__main__")
        if path is not None:
            main.__file__ = str(path)
        monkeypatch.setitem(sys.modules, "__main__", main)
        assert cluster.spawn_is_safe() is safe


SWEEP_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from toy import toy_parcels, toy_scenario
from landopt.analysis import sweep
r = sweep(toy_scenario(), toy_parcels(), {{"actions.clear.targets.count": [0, 1]}}, jobs=2)
print("JOBS", r.jobs, list(r.table["status"]))
"""


@pytest.mark.parametrize("guard", [False, True])
def test_a_script_sweeps_with_or_without_a_main_guard(tmp_path, guard):
    """Without the guard, spawned workers would re-run the script and the sweep would crash."""
    import subprocess
    import sys
    from pathlib import Path

    body = SWEEP_SCRIPT.format(tests=str(Path(__file__).parent))
    if guard:
        body = "if __name__ == '__main__':\n" + "".join(f"    {ln}\n" for ln in body.splitlines())
    script = tmp_path / "my_sweep.py"
    script.write_text(body, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert f"JOBS {2 if guard else 1} ['infeasible', 'optimal']" in out.stdout
    assert ("no `if __name__" in out.stderr) is not guard


# ------------------------------------------------------------------ minimum blocks on every path
def _row_min40(count: int = 2):
    from test_spatial import layer, scenario

    s = scenario(0.0).with_value("spatial.min_block_mu", 40.0)
    return s.with_value("actions.clear.targets.count", count), layer()


def test_sweep_keeps_min_blocks_and_agrees_with_solve():
    # the bare model's optimum is E + one square (15.0); with 40 mu blocks only C+D (20.0)
    s, parcels = _row_min40()
    plan = solve(s, parcels)
    assert plan.result.objective == pytest.approx(20.0)
    t = sweep(s, parcels, {"actions.clear.targets.count": [2, 3]}, jobs=1).table
    assert t["status"].tolist() == ["optimal", "optimal"]
    assert t["objective"].tolist() == pytest.approx([20.0, 30.0])  # A+B+C or B+C+D


def test_replacement_costs_keep_min_blocks():
    # without C or D no block of 40 mu exists: irreplaceable, never -5
    s, parcels = _row_min40()
    rc = replacement_costs(solve(s, parcels), parcels)
    assert (rc["replacement_cost"] >= 0).all()
    assert rc["replacement_cost"].tolist() == [np.inf, np.inf]
    assert rc["status_without"].tolist() == ["infeasible", "infeasible"]


def test_alternatives_keep_min_blocks():
    from landopt.model import compile_model
    from landopt.plan import check_plan
    from landopt.rules.min_block import small_blocks

    s, parcels = _row_min40(count=3)
    alt = alternatives(s, parcels, k=3, within=0.5, differ=1)
    assert alt.optimal.result.objective == pytest.approx(30.0)
    assert len(alt.plans) == 1  # A+B+C and B+C+D are the only 3-square plans with 40 mu blocks
    model = compile_model(s, parcels)
    for p in alt.all_plans:
        checks = {c.name: c for c in check_plan(s, p.parcels, objective=p.result.objective)}
        assert all(c.ok for c in checks.values()) and checks["min_block"].ok
        x = np.zeros(model.n_vars)
        on = p.parcels["action"].to_numpy()[model.var_parcel] == "clear"
        x[: model.n_x][on] = 1.0
        assert not small_blocks(model, x)


def _fake(status, has, x=None, objective=None):
    from landopt.solvers import SolverResult

    return SolverResult(
        status,
        has,
        status == "optimal",
        objective,
        None,
        None,
        1.0,
        "highs",
        "HiGHS",
        "x",
        1.0,
        status == "time_limit",
        0.0,
        x=x,
        message=f"fake {status}",
    )


@pytest.mark.parametrize("has_solution", [True, False])
def test_time_limited_resolve_gives_nan_replacement_cost(monkeypatch, has_solution):
    import landopt.analysis as analysis_mod

    plan = solve(toy_scenario(), toy_parcels())
    x = np.zeros(compile_model_toy().n_vars)
    monkeypatch.setattr(
        analysis_mod,
        "solve_compiled",
        lambda *a, **k: _fake(
            "time_limit", has_solution, x if has_solution else None, 150.0 if has_solution else None
        ),
    )
    rc = replacement_costs(plan, toy_parcels())
    assert rc["replacement_cost"].isna().all()  # neither inf nor a difference of incumbents
    assert (rc["status_without"] == "time_limit").all()
    assert rc["note"].str.contains("not proven").all()


def test_replacement_cost_of_an_unproven_plan_is_nan(monkeypatch):
    from dataclasses import replace

    plan = solve(toy_scenario(), toy_parcels())
    plan.result = replace(plan.result, status="time_limit", proven_optimal=False)
    rc = replacement_costs(plan, toy_parcels()).set_index("parcel_id")
    assert rc.loc["P5", "replacement_cost"] == np.inf  # proven infeasible still counts
    assert np.isnan(rc.loc["P1", "replacement_cost"])
    assert "plan is not proven optimal" in rc.loc["P1", "note"]


def compile_model_toy():
    from landopt.model import compile_model

    return compile_model(toy_scenario(), toy_parcels())


@pytest.mark.parametrize("what", ["sweep", "alternatives", "replacement_costs"])
def test_keyboard_interrupt_is_not_swallowed(monkeypatch, what):
    import landopt.analysis as analysis_mod

    plan = solve(toy_scenario(), toy_parcels())

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(analysis_mod, "solve_compiled", interrupted)
    with pytest.raises(KeyboardInterrupt):
        if what == "sweep":
            sweep(toy_scenario(), toy_parcels(), {"actions.clear.targets.count": [1]}, jobs=1)
        elif what == "alternatives":
            alternatives(toy_scenario(), toy_parcels(), k=1, optimal=plan)
        else:
            replacement_costs(plan, toy_parcels())


def test_calibrate_keeps_min_blocks():
    # at every weight only C+D (with the cleared F) makes a 40 mu block: cost 20, never E's 15
    from landopt.analysis import calibrate

    s, parcels = _row_min40()
    t = calibrate(s, parcels, [0, 10, 50], jobs=1).table
    assert t["status"].tolist() == ["optimal"] * 3
    assert t["cost_total"].tolist() == pytest.approx([20.0, 20.0, 20.0])
