"""Scenario files: parsing, every problem collected with a suggestion, rules, copies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from toy import TOY_SCENARIO, toy_scenario

from landopt.errors import ScenarioError
from landopt.scenario import Condition, eligibility, load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_scenario_loads_with_chinese_labels():
    s = load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023.toml")
    assert s.action_names == ("clear", "revitalize", "upgrade")
    assert [a.label for a in s.actions] == ["出清", "盘活", "转型升级"]
    assert [(a.targets.count_min, a.targets.count_max, a.targets.area_min) for a in s.actions] == [
        (17, 17, 560.0),
        (4, 4, 430.0),
        (10, 10, 810.0),
    ]
    assert s.parcels.path == ROOT / "data" / "parcels.geojson"  # relative to the file, normalised
    assert s.objective.sense == "minimize" and s.solver.backend == "highs"
    # the demo states the default stopping rule: 0.01 % or 1 万元
    assert (s.solver.gap, s.solver.abs_gap) == (1e-4, 1.0)


def test_gap_zero_written_alone_asks_for_exact_proof():
    """A scenario written before abs_gap existed with "gap = 0" still proves the optimum: it
    must not start stopping at 1 万元 because a default appeared."""
    import landopt

    d = landopt.load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023.toml").to_dict()
    d["solver"] = {"gap": 0}
    assert scenario_from_dict(d, base_dir=ROOT / "data" / "scenarios").solver.abs_gap == 0.0
    d["solver"] = {"gap": 0, "abs_gap": 2}
    assert scenario_from_dict(d, base_dir=ROOT / "data" / "scenarios").solver.abs_gap == 2.0


def test_every_problem_is_collected_with_where_and_a_suggestion():
    bad = {
        "nmae": "x",
        "actions": {
            "clear": {
                "label": "c",
                "cost": "c",
                "eligible": {"field": "status", "inn": ["idle"]},
                "targets": {"count": "17", "aera_min": 5},
            },
            "Upgrade!": {"label": "u", "cost": "c", "eligible": {}},
        },
        "objective": {"sense": "minimise"},
        "solver": {"backend": "gurobi", "gap": 5},
        "locks": {"include": {"P1": "clera"}},
    }
    with pytest.raises(ScenarioError) as e:
        scenario_from_dict(bad)
    text = str(e.value)
    expected = [
        "top level, field 'nmae': unknown key -> did you mean 'name'?",
        "[actions.clear] eligible, field 'inn': unknown operator -> did you mean 'in'?",
        "[actions.clear.targets], field 'count': must be a whole number, got '17'",
        "[actions.clear.targets], field 'aera_min': unknown key -> did you mean 'area_min'?",
        "action name 'Upgrade!' must be lower-case letters",
        "[objective], field 'sense': must be 'minimize' or 'maximize', got 'minimise' -> did you mean 'minimize'?",
        "[solver], field 'backend': unknown backend 'gurobi'",
        "[solver], field 'gap': is a fraction (0.01 = 1 %), got 5",
        "[locks.include], field 'P1': must name one action, got 'clera' -> did you mean 'clear'?",
    ]
    for piece in expected:
        assert piece in text, piece
    assert len(e.value.problems) == len(expected)
    assert e.value.exit_code == 2


def test_toml_syntax_error_names_the_file(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text("name = \n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(f)
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "missing.toml")


def test_impossible_target_ranges_and_conflicting_locks():
    with pytest.raises(ScenarioError) as e:
        toy_scenario(
            **{
                "actions.clear.targets": {
                    "count_min": 5,
                    "count_max": 2,
                    "area_min": 9,
                    "area_max": 1,
                }
            }
        )
    assert "count_min 5 is above count_max 2" in str(
        e.value
    ) and "area_min 9 is above area_max 1" in str(e.value)
    with pytest.raises(ScenarioError, match="both forced into 'clear' and excluded"):
        toy_scenario(**{"locks": {"include": {"P1": "clear"}, "exclude": {"P1": "all"}}})


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", "idle", [False, True, False, False]),
        ("ne", "idle", [True, False, True, True]),
        ("in", ["idle", "inefficient"], [True, True, False, False]),
        ("not_in", ["idle"], [True, False, True, True]),
        ("is_null", None, [False, False, False, True]),
        ("not_null", None, [True, True, True, False]),
    ],
)
def test_text_conditions_and_missing_values(op, value, expected):
    df = pd.DataFrame({"status": ["inefficient", "idle", "in_use", None]})
    assert Condition("status", op, value).evaluate(df).tolist() == expected


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("lt", 2, [True, False, False, False]),
        ("le", 2, [True, True, False, False]),
        ("gt", 2, [False, False, True, False]),
        ("ge", 2, [False, True, True, False]),
    ],
)
def test_numeric_conditions_fail_on_missing(op, value, expected):
    df = pd.DataFrame({"idle_years": [1.0, 2.0, 3.0, np.nan]})
    assert Condition("idle_years", op, value).evaluate(df).tolist() == expected


def test_codes_match_as_text_or_numbers():
    as_text = pd.DataFrame({"planned_use_code": ["100101", "0901", None]})
    as_number = pd.DataFrame({"planned_use_code": [100101, 901, np.nan]})
    c = Condition("planned_use_code", "in", (100101, "100102"))
    assert c.evaluate(as_text).tolist() == [True, False, False]
    assert c.evaluate(as_number).tolist() == [True, False, False]


def test_nested_rules_and_their_words():
    s = toy_scenario()
    rule = s.action("clear").eligible
    assert (
        rule.describe()
        == "status in [inefficient, idle] and (muyi_class in [C, D] or idle_years ≥ 2)"
    )
    assert rule.fields() == {"status", "muyi_class", "idle_years"}
    not_rule = scenario_from_dict(
        {
            **TOY_SCENARIO,
            "actions": {
                "x": {
                    "label": "x",
                    "cost": "c",
                    "eligible": {"not": {"field": "status", "eq": "idle"}},
                }
            },
        }
    )
    df = pd.DataFrame({"status": ["idle", "in_use"]})
    assert eligibility(not_rule, df)["x"].tolist() == [False, True]


def test_copies_do_not_alias_and_round_trip():
    s = toy_scenario()
    t = s.with_value("actions.clear.targets.area_min", 30)
    assert s.action("clear").targets.area_min == 20 and t.action("clear").targets.area_min == 30
    u = s.with_value("actions.upgrade.targets.count_max", 3)  # an exact count becomes a range
    assert (u.action("upgrade").targets.count_min, u.action("upgrade").targets.count_max) == (2, 3)
    assert s.with_value("title", "new").title == "new"  # a key without a dot
    assert scenario_from_dict(s.to_dict()) == s
    w = s.with_locks(include={"P3": "revitalize"}, exclude={"P5": None})
    assert dict(w.locks.include) == {"P3": "revitalize"} and dict(w.locks.exclude) == {"P5": None}
    assert len(s.locks) == 0
    with pytest.raises(ScenarioError):
        s.with_value("actions.clear.targets.count", -1)


def test_objective_kinds():
    assert (
        toy_scenario(**{"objective": {"kind": "max_benefit"}}).objective.describe()
        == "maximize benefit"
    )
    w = toy_scenario(
        **{
            "objective": {
                "terms": [{"of": "cost"}, {"of": "difficulty", "weight": 10}],
                "difficulty_weight": 2,
            }
        }
    )
    assert w.objective.terms == (("cost", 1.0), ("difficulty", 10.0))
    assert "2 per difficulty point" in w.objective.describe()


@pytest.mark.parametrize(
    "path", sorted((ROOT / "data" / "scenarios").glob("*.toml")), ids=lambda p: p.name
)
def test_every_shipped_scenario_loads_and_round_trips(path):
    s = load_scenario(path)
    assert scenario_from_dict(s.to_dict(), base_dir=path.parent, source=path) == s


@pytest.mark.parametrize("key", ["presolve", "warm_start", "isolate"])
def test_solver_switches_take_auto_on_off_and_round_trip(key):
    base = dict(TOY_SCENARIO)
    s = scenario_from_dict({**base, "solver": {key: "on"}})
    assert getattr(s.solver, key) == "on"
    assert scenario_from_dict(s.to_dict()).solver == s.solver
    with pytest.raises(ScenarioError, match=rf"{key}.*must be auto, on or off"):
        scenario_from_dict({**base, "solver": {key: "yes"}})


# --------------------------------------------------------------- values checked against data
def _layer() -> pd.DataFrame:
    from toy import toy_parcels

    df = toy_parcels()
    df["encumbrance"] = ["查封", "无", "无", "抵押", "无", "无"]
    df["grade"] = [3.0, 3.0, 1.0, 2.0, 2.0, 1.0]
    df["cost_clear_wan"] = 10.0  # every parcel priced: the rules here admit any
    return df


def _with_rule(rule: dict, **extra):
    d = {**TOY_SCENARIO, **extra}
    d["actions"] = {k: dict(v) for k, v in TOY_SCENARIO["actions"].items()}
    d["actions"]["clear"]["eligible"] = rule
    return scenario_from_dict(d)


def test_a_rule_value_no_parcel_has_is_named_with_the_nearest_one():
    from landopt.scenario import check_scenario_against

    s = _with_rule({"field": "encumbrance", "not_in": ["已查封"]})
    (p,) = check_scenario_against(s, _layer())
    assert p.where == "[actions.clear] eligible" and p.field == "encumbrance"
    assert "'已查封'" in p.what and "did you mean '查封'?" in p.fix and "absent_ok" in p.fix
    typo = _with_rule({"field": "status", "in": ["inefficent"]})
    (p,) = check_scenario_against(typo, _layer())
    assert "did you mean 'inefficient'?" in p.fix


def test_absent_values_allowed_per_rule_or_per_scenario():
    from landopt.scenario import check_scenario_against

    rule = {"field": "encumbrance", "not_in": ["查封", "冻结"]}
    assert check_scenario_against(_with_rule({**rule, "absent_ok": True}), _layer()) == []
    assert check_scenario_against(_with_rule({**rule, "absent_ok": ["冻结"]}), _layer()) == []
    allow = _with_rule(rule, checks={"absent_values": "allow"})
    assert check_scenario_against(allow, _layer()) == []
    assert scenario_from_dict(allow.to_dict()) == allow
    ok = _with_rule({**rule, "absent_ok": ["冻结"]})
    assert scenario_from_dict(ok.to_dict()) == ok
    with pytest.raises(ScenarioError, match="absent_values"):
        _with_rule(rule, checks={"absent_values": "sometimes"})


def test_numeric_rule_values_compare_as_numbers():
    from landopt.scenario import check_scenario_against

    assert check_scenario_against(_with_rule({"field": "grade", "in": [3, 2]}), _layer()) == []
    (p,) = check_scenario_against(_with_rule({"field": "grade", "eq": 4}), _layer())
    assert "4" in p.what and "1, 2, 3" in p.fix


def test_rules_take_the_planners_column_names_and_status_spellings():
    d = {
        **TOY_SCENARIO,
        "parcels": {
            "path": "x.gpkg",
            "columns": {"状态": "status"},
            "status_values": {"待处置": "idle"},
        },
    }
    d["actions"] = {k: dict(v) for k, v in TOY_SCENARIO["actions"].items()}
    d["actions"]["clear"]["eligible"] = {"field": "状态", "in": ["低效", "待处置"]}
    s = scenario_from_dict(d)
    c = s.action("clear").eligible.condition
    assert (c.field, c.value) == ("status", ("inefficient", "idle"))
    assert eligibility(s, _layer())["clear"].tolist() == [True, True, True, True, False, False]


def test_bom_colours_and_absurd_numbers_are_named(tmp_path):
    f = tmp_path / "notepad.toml"
    text = (ROOT / "data" / "scenarios" / "zhangdian-2023.toml").read_text(encoding="utf-8")
    f.write_text(
        text.replace('path = "../parcels.geojson"', 'path = "p.geojson"'), encoding="utf-8-sig"
    )
    assert load_scenario(f).name == "zhangdian-2023"
    with pytest.raises(ScenarioError) as e:
        toy_scenario(
            **{
                "actions.clear.color": "orangish",
                "actions.upgrade.color": "#12345",
                "actions.revitalize.targets.count": 99999999999999999999,
                "budget.total": 1e300,
                "objective.terms": [{"of": "cost", "weight": 1e30}],
            }
        )
    text = str(e.value)
    assert "[actions.clear], field 'color': 'orangish' is not a colour" in text
    assert "'#12345' is not a colour" in text
    assert "field 'count': 99999999999999999999 is beyond" in text
    assert "[budget], field 'total'" in text and "weight" in text
    assert toy_scenario(**{"actions.clear.color": "DarkOrange"}).action("clear").color


def test_colour_names_are_the_ones_matplotlib_draws():
    import matplotlib.colors

    from landopt._fields import CSS_COLOR_NAMES

    assert set(CSS_COLOR_NAMES) == set(matplotlib.colors.CSS4_COLORS)


def test_absurd_cost_in_a_scenario_column_is_named():
    from landopt.scenario import check_scenario_against

    df = _layer()
    df.loc[0, "cost_clear_wan"] = 1e300
    (p,) = check_scenario_against(toy_scenario(), df)
    assert p.where == "parcel P1" and p.field == "cost_clear_wan" and "1e+300" in p.what
