"""The compiled model, checked row by row without a solver."""

from __future__ import annotations

import numpy as np
import pytest
from toy import toy_parcels, toy_scenario

from landopt.errors import ScenarioError
from landopt.model import compile_model


def test_variables_only_for_eligible_pairs():
    m = compile_model(toy_scenario(), toy_parcels())
    # clear: P1, P2, P3; revitalize: P3, P4; upgrade: P1, P2, P5 (rows 0..5)
    assert m.var_names == [
        "x_0_clear", "x_1_clear", "x_2_clear",
        "x_2_revitalize", "x_3_revitalize",
        "x_0_upgrade", "x_1_upgrade", "x_4_upgrade",
    ]  # fmt: skip
    np.testing.assert_array_equal(m.c, [100, 120, 40, 10, 15, 30, 50, 80])
    assert m.sense == "minimize"


def test_rows_names_senses_and_coefficients():
    m = compile_model(toy_scenario(), toy_parcels())
    assert m.row_names == [
        "one_action_0", "one_action_1", "one_action_2",
        "count_clear", "area_min_clear",
        "count_revitalize", "area_min_revitalize",
        "count_upgrade", "area_min_upgrade",
    ]  # fmt: skip
    assert m.row("one_action_2") == ({"x_2_clear": 1.0, "x_2_revitalize": 1.0}, "<=", 1.0)
    assert m.row("count_clear") == (
        {"x_0_clear": 1.0, "x_1_clear": 1.0, "x_2_clear": 1.0},
        "==",
        1.0,
    )
    assert m.row("area_min_upgrade") == (
        {"x_0_upgrade": 20.0, "x_1_upgrade": 30.0, "x_4_upgrade": 60.0},
        ">=",
        80.0,
    )
    np.testing.assert_array_equal(m.lb, 0)
    np.testing.assert_array_equal(m.ub, 1)


def test_count_range_budgets_and_area_max_rows():
    s = toy_scenario(
        **{
            "actions.upgrade.targets": {"count_min": 1, "count_max": 3, "area_max": 200},
            "actions.clear.budget": 90,
            "budget.total": 500,
        }
    )
    m = compile_model(s, toy_parcels())
    assert m.row("count_min_upgrade")[1:] == (">=", 1.0)
    assert m.row("count_max_upgrade")[1:] == ("<=", 3.0)
    assert m.row("area_max_upgrade")[1:] == ("<=", 200.0)
    assert m.row("budget_clear") == (
        {"x_0_clear": 100.0, "x_1_clear": 120.0, "x_2_clear": 40.0},
        "<=",
        90.0,
    )
    coefs, sense, rhs = m.row("budget_total")
    assert sense == "<=" and rhs == 500.0 and sum(coefs.values()) == pytest.approx(445.0)
    assert {s.key for s in m.statements} >= {
        "count[upgrade]",
        "area_max[upgrade]",
        "budget[clear]",
        "budget_total",
    }


def test_locks_are_bounds():
    s = toy_scenario(
        **{"locks": {"include": {"P3": "revitalize"}, "exclude": {"P5": "all", "P1": ["clear"]}}}
    )
    m = compile_model(s, toy_parcels())
    names = m.var_names
    assert m.lb[names.index("x_2_revitalize")] == 1
    assert m.ub[names.index("x_4_upgrade")] == 0
    assert m.ub[names.index("x_0_clear")] == 0
    assert m.ub[names.index("x_0_upgrade")] == 1
    kinds = sorted(st.kind for st in m.statements if st.kind.startswith("lock"))
    assert kinds == ["lock_in", "lock_out", "lock_out"]


def test_lock_into_ineligible_action_is_a_conflict_naming_the_rule():
    s = toy_scenario(**{"locks": {"include": {"P6": "clear"}}})
    m = compile_model(s, toy_parcels())
    assert len(m.lock_conflicts) == 1
    text = str(m.lock_conflicts[0])
    assert "P6" in text and "not eligible" in text and "status in [inefficient, idle]" in text


def test_objective_terms_benefit_maximize_and_difficulty():
    s = toy_scenario(
        **{
            "objective": {
                "sense": "maximize",
                "terms": [{"of": "benefit"}],
                "difficulty_weight": 2.0,
            }
        }
    )
    m = compile_model(s, toy_parcels())
    assert m.sense == "maximize"
    # x_0_clear: benefit 5, difficulty 1 -> 5 - 2*1
    assert m.c[m.var_names.index("x_0_clear")] == pytest.approx(3.0)
    assert m.c[m.var_names.index("x_1_upgrade")] == pytest.approx(8.0 - 10.0)


def test_missing_column_and_missing_cost_are_errors_naming_the_parcel():
    s = toy_scenario(**{"actions.clear.cost": "cost_clr"})
    with pytest.raises(ScenarioError) as e:
        compile_model(s, toy_parcels())
    assert "cost_clr" in str(e.value) and "did you mean 'cost_clear_wan'" in str(e.value)
    parcels = toy_parcels()
    parcels.loc[2, "cost_clear_wan"] = np.nan
    with pytest.raises(ScenarioError) as e:
        compile_model(toy_scenario(), parcels)
    assert (
        "parcel P3" in str(e.value)
        and "cost_clear_wan" in str(e.value)
        and "eligible for clear" in str(e.value)
    )


def test_unknown_lock_parcel_suggests_nearest_id():
    s = toy_scenario(**{"locks": {"include": {"P33": "clear"}}})
    with pytest.raises(ScenarioError) as e:
        compile_model(s, toy_parcels())
    assert "P33" in str(e.value) and "no parcel has this id" in str(e.value)


def test_pulp_model_matches_arrays_and_exports(tmp_path):
    pulp = pytest.importorskip("pulp")
    m = compile_model(toy_scenario(), toy_parcels())
    prob, xs = m.to_pulp()
    assert [v.name for v in xs] == m.var_names
    assert prob.numConstraints() == len(m.row_names)
    assert all(prob.get_constraint_by_name(name) is not None for name in m.row_names)
    prob += (xs[0] + xs[1] <= 1, "my_rule")  # a power user's own row
    prob.writeLP(str(tmp_path / "toy.lp"))
    prob.writeMPS(str(tmp_path / "toy.mps"))
    text = (tmp_path / "toy.lp").read_text()
    assert "area_min_upgrade" in text and "my_rule" in text
    assert pulp.LpMinimize == prob.sense


def test_retarget_changes_only_right_hand_sides():
    base = compile_model(toy_scenario(), toy_parcels())
    variant = base.scenario.with_value("actions.upgrade.targets.area_min", 90)
    m = base.retarget(variant)
    assert m is not None
    fresh = compile_model(variant, toy_parcels())
    np.testing.assert_array_equal(m.rhs, fresh.rhs)
    assert (m.A != fresh.A).nnz == 0 and m.row_names == fresh.row_names
    assert m.statement("area_min[upgrade]").text == "upgrade: at least 90.0 mu"
    assert base.rhs[base.row_names.index("area_min_upgrade")] == 80  # the base is untouched


def test_retarget_refuses_structural_changes():
    base = compile_model(toy_scenario(), toy_parcels())
    assert base.retarget(base.scenario.with_value("actions.upgrade.targets.area_max", 500)) is None
    assert base.retarget(base.scenario.with_value("actions.upgrade.cost", "cost_clear_wan")) is None


def test_public_api_is_importable_from_the_package():
    import landopt

    missing = [n for n in landopt.__all__ if not hasattr(landopt, n)]
    assert missing == []
    assert {
        "read_parcels",
        "load_scenario",
        "compile_model",
        "solve",
        "write_plan",
        "sweep",
        "Adjacency",
    } <= set(landopt.__all__)
    import landopt.adjacency

    assert hasattr(landopt.adjacency, "adjacency")  # the module stays reachable
