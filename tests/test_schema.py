"""The scenario schema: JSON Schema of the TOML, variants made in code, component tables."""

from __future__ import annotations

import copy
import json
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import jsonschema
import pytest
from pydantic import BaseModel, ConfigDict, Field
from toy import TOY_SCENARIO, toy_scenario

from landopt.errors import Problem, ScenarioError
from landopt.scenario import Scenario, SolverOptions, load_scenario, scenario_from_dict
from landopt.schema import scenario_json_schema, scenario_json_schema_text

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "data" / "scenarios").glob("*.toml"))


def _validator() -> jsonschema.Draft202012Validator:
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


# ------------------------------------------------------------------ the JSON Schema
def test_the_shipped_schema_file_is_the_generated_one():
    shipped = (ROOT / "data" / "scenarios" / "scenario.schema.json").read_text(encoding="utf-8")
    assert shipped == scenario_json_schema_text(), (
        "regenerate: landopt schema --out data/scenarios/scenario.schema.json"
    )


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_shipped_scenario_validates_and_points_editors_at_the_schema(path):
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "#:schema ./scenario.schema.json"
    assert list(_validator().iter_errors(tomllib.loads(text))) == []
    load_scenario(path)  # and pydantic agrees


def test_the_schema_carries_the_field_docs_ranges_and_defaults():
    schema = scenario_json_schema()
    solver = schema["$defs"]["SolverSpec"]["properties"]
    assert solver["backend"]["enum"] == ["highs", "highs-pulp", "cbc"]
    assert solver["time_limit"]["default"] == 600.0 and solver["time_limit"]["minimum"] == 0
    assert "gap" in solver["gap"]["description"].lower()
    assert schema["required"] == ["actions"]
    assert schema["additionalProperties"] is False


BROKEN = {
    "a misspelt top-level key": {**TOY_SCENARIO, "nmae": "x"},
    "a misspelt target": {"actions.clear.targets": {"cuont": 1}},
    "an unknown operator": {"actions.clear.eligible": {"field": "status", "inn": ["idle"]}},
    "a count given as text": {"actions.clear.targets.count": "17"},
    "an unknown back-end": {"solver.backend": "gurobi"},
    "a gap in percent": {"solver.gap": 5},
    "a switch that is not auto/on/off": {"solver.presolve": "yes"},
    "an unknown zone kind": {"spatial.zones": [{"name": "z", "kind": "exclud", "park": "p"}]},
    "an action name with capitals": {
        "actions.Upgrade!": {"label": "u", "cost": "c", "eligible": {}}
    },
    "no actions": {"actions": None},
}


def _broken(changes: dict) -> dict:
    if "nmae" in changes:
        return copy.deepcopy(changes)
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
    return d


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_the_suites_broken_scenarios_fail_under_the_json_schema(case):
    data = _broken(BROKEN[case])
    assert list(_validator().iter_errors(data)), case
    with pytest.raises(ScenarioError):
        scenario_from_dict(data)
    assert list(_validator().iter_errors(_broken({}))) == []  # the unbroken toy passes


def test_landopt_schema_prints_or_writes_it(tmp_path, capsys):
    from landopt.cli import main

    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == scenario_json_schema()
    out = tmp_path / "s.json"
    assert main(["schema", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == scenario_json_schema_text()


# ------------------------------------------------------------------ variants made in code
@pytest.mark.parametrize(
    ("options", "piece"),
    [
        ({"time_limit": -1}, "[solver], field 'time_limit': must be ≥ 0, got -1"),
        ({"backend": "gurobi"}, "[solver], field 'backend': unknown backend 'gurobi'"),
        ({"gap": 2.0}, "field 'gap': is a fraction"),
        ({"threads": 1.5}, "field 'threads': must be a whole number"),
        ({"presolve": "yes"}, "field 'presolve': must be auto, on or off"),
        ({"tme_limit": 5}, "field 'tme_limit': unknown key -> did you mean 'time_limit'?"),
    ],
)
def test_with_solver_is_validated_like_a_file(options, piece):
    s = toy_scenario()
    with pytest.raises(ScenarioError) as e:
        s.with_solver(**options)
    assert piece in str(e.value)


def test_solver_options_made_in_code_are_validated_too():
    s = toy_scenario()
    t = s.with_solver(time_limit=10, threads=2, backend="cbc")
    assert (t.solver.time_limit, t.solver.threads, t.solver.backend) == (10.0, 2, "cbc")
    assert t.with_solver(threads=None).solver.threads is None  # None: back to the default
    assert scenario_from_dict(t.to_dict()) == t
    with pytest.raises(ScenarioError, match="time_limit"):
        replace(s.solver, time_limit=-1.0)  # the solver overrides of a run go through replace
    with pytest.raises(ScenarioError, match="unknown backend"):
        SolverOptions(backend="gurobi")
    assert SolverOptions(gap=0.01).gap == 0.01


def test_with_locks_is_validated_like_a_file():
    s = toy_scenario()
    with pytest.raises(ScenarioError, match=r"\[locks.include\], field 'P1'.*did you mean 'clear'"):
        s.with_locks(include={"P1": "clera"})
    with pytest.raises(ScenarioError, match="unknown action 'nope'"):
        s.with_locks(exclude={"P1": ["nope"]})
    with pytest.raises(ScenarioError, match="both forced into 'clear' and excluded"):
        s.with_locks(include={"P1": "clear"}, exclude={"P1": None})


def test_with_value_is_validated_like_a_file():
    s = toy_scenario()
    with pytest.raises(ScenarioError, match="must be ≥ 0, got -5"):
        s.with_value("solver.time_limit", -5)
    with pytest.raises(ScenarioError, match="did you mean 'area_min'"):
        s.with_value("actions.clear.targets.aera_min", 5)


# ------------------------------------------------------------------ component tables
class _ShareSpec(BaseModel):
    """``[fake_share]``: a cap on any one township's share of an action's mu."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_share: float = Field(ge=0, le=1, description="The largest share, a fraction.")
    actions: tuple[str, ...] = ()
    field: str = Field("township", min_length=1)


class _FakeShare:
    name = "fake_share"
    key = "fake_share"
    Spec: ClassVar[type[BaseModel]] = _ShareSpec

    def scenario_problems(self, scenario: Scenario) -> list[Problem]:
        spec = scenario.rule(self.key)
        return [
            Problem("[fake_share]", "actions", f"unknown action {a!r}", "name an action")
            for a in (spec.actions if spec else ())
            if a not in scenario.action_names
        ]


@pytest.fixture
def fake_component(monkeypatch):
    import landopt.rules

    monkeypatch.setattr(landopt.rules, "extension_components", lambda: (_FakeShare(),))


def test_a_components_table_is_read_validated_and_written_back(fake_component):
    s = toy_scenario(**{"fake_share": {"max_share": 0.3, "actions": ["clear"]}})
    assert s.rule("fake_share") == _ShareSpec(max_share=0.3, actions=("clear",))
    assert s.to_dict()["fake_share"] == {
        "max_share": 0.3,
        "actions": ["clear"],
        "field": "township",
    }
    assert scenario_from_dict(s.to_dict()) == s
    t = s.with_value("fake_share.max_share", 0.4)
    assert t.rule("fake_share").max_share == 0.4 and s.rule("fake_share").max_share == 0.3
    assert toy_scenario().rule("fake_share") is None  # the table is optional
    assert "fake_share" in scenario_json_schema()["properties"]


def test_a_components_table_problems_are_collected_with_the_rest(fake_component):
    with pytest.raises(ScenarioError) as e:
        toy_scenario(**{"fake_share": {"max_shar": 0.3, "max_share": 2}, "solver.gap": 5})
    text = str(e.value)
    assert "[fake_share], field 'max_shar': unknown key -> did you mean 'max_share'?" in text
    assert "[fake_share], field 'max_share': must be ≤ 1, got 2" in text
    assert "field 'gap': is a fraction" in text and len(e.value.problems) == 3
    with pytest.raises(ScenarioError) as e:
        toy_scenario(**{"fake_share": {"max_share": "x", "field": ""}})
    assert [(p.field, p.what) for p in e.value.problems] == [
        ("max_share", "must be a number, got 'x'"),
        ("field", "must not be empty, got ''"),
    ]
    assert all(p.fix for p in e.value.problems)  # a fix for a component's own constraints too
    with pytest.raises(
        ScenarioError,
        match="top level, field 'fake_shar': unknown key -> did you mean 'fake_share'",
    ):
        toy_scenario(**{"fake_shar": {"max_share": 0.3}})
    with pytest.raises(
        ScenarioError, match=r"\[fake_share\], field 'actions': unknown action 'nope'"
    ):
        toy_scenario(**{"fake_share": {"max_share": 0.3, "actions": ["nope"]}})


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"locks": {"include": {"P1": "clear"}, "exclude": {"P1": "all"}}},
            ("[locks]", "P1", "is both forced into 'clear' and excluded from it"),
        ),
        (
            {"spatial.zones": [{"name": "z", "kind": "exclude", "park": p} for p in "ab"]},
            ("[[spatial.zones]]", "name", "zone name 'z' is used twice"),
        ),
        (
            {"actions.clear.eligible": {"all": [{"field": "a", "eq": 1}, {"not": 3}]}},
            ("[actions.clear] eligible.all[1].not", "", "a rule must be a table, got 3"),
        ),
        (
            {"actions.clear.eligible": {"any": [{"field": "status"}]}},
            (
                "[actions.clear] eligible.any[0]",
                "status",
                "a condition needs exactly one operator, found none",
            ),
        ),
        (
            {"objective.terms": [{"of": "cost"}, 3]},
            ("[objective] terms[1]", "", "must be a table, got int"),
        ),
    ],
)
def test_problems_name_the_table_and_key_as_the_planner_writes_them(changes, problem):
    with pytest.raises(ScenarioError) as e:
        toy_scenario(**changes)
    ((where, key, what),) = [(p.where, p.field, p.what) for p in e.value.problems]
    assert (where, key, what) == problem and e.value.problems[0].fix
