"""The scenario reader speaks the run's language: what, where and fix of every problem."""

from __future__ import annotations

import copy
import re

import pytest
from toy import TOY_SCENARIO

from landopt.cli import main
from landopt.errors import ScenarioError
from landopt.i18n import set_current_lang
from landopt.scenario import scenario_from_dict

HAN = re.compile(r"[\u4e00-\u9fff]")
#: English that must not leak into a Chinese problem (TOML keys and values may stay)
ENGLISH = re.compile(
    r"\b(use one of|use some of|must|got|write|did you mean|unknown|missing|needs|found|"
    r"e\.g\.|remove|give|add|rename|define|swap|top level|field|problems?)\b"
)


def _broken(lang: str) -> dict:
    """The toy scenario with one mistake of each kind."""
    d = copy.deepcopy(TOY_SCENARIO)
    d["lang"] = lang
    d["nmae"] = "x"  # an unknown key at the top
    clear = d["actions"]["clear"]
    clear["targets"] = {"count": "17", "aera_min": 2}  # wrong type, unknown key
    clear["eligible"] = {"all": [{"field": "status", "inn": ["idle"]}, {"field": "x"}]}
    clear["color"] = "orangish"
    del d["actions"]["revitalize"]["cost"]  # a required key missing
    d["actions"]["Upgrade!"] = {"label": "u", "cost": "c", "eligible": {}}
    d["objective"] = {"sense": "minimise", "terms": []}
    d["solver"] = {"backend": "gurobi", "gap": 5, "time_limit": -1, "presolve": "yes"}
    d["locks"] = {"include": {"P1": "clera"}, "exclude": {"P2": ["nope"]}}  # unknown actions
    d["spatial"] = {
        "boundary_actions": ["nope"],
        "touch": {"clera": "cleared", "clear": ["zone:q"]},
        "zones": [{"name": "z", "kind": "exclud", "park": "p", "path": "z.gpkg"}],
    }
    d["timezone"] = "Asia/Nowhere"
    return d


@pytest.fixture(autouse=True)
def _no_run_language():
    set_current_lang(None)
    yield
    set_current_lang(None)


def _problems(data: dict) -> ScenarioError:
    with pytest.raises(ScenarioError) as e:
        scenario_from_dict(data)
    return e.value


def test_a_chinese_scenarios_problems_are_chinese_throughout():
    err = _problems(_broken("zh"))
    assert len(err.problems) >= 18
    for p in err.problems:
        assert HAN.search(p.what), p
        assert HAN.search(p.fix), p
        assert not ENGLISH.search(p.what), p
        assert not ENGLISH.search(p.fix), p
        assert not ENGLISH.search(p.where), p
    text = str(err)
    assert "情景文件中有" in text and "顶层，字段 'nmae'：未知的键 → 是否指 'name'？" in text
    assert "字段 'cost'：缺少 → 请写明此措施投入所在的字段" in text
    assert "字段 'P1'：须为一个措施名，实为 'clera' → 是否指 'clear'？" in text
    assert "措施名 'Upgrade!' 只能由小写字母、数字和 _ 组成" in text
    assert "须为 auto、on 或 off，实为 'yes'" in text and "未知的时区 'Asia/Nowhere'" in text
    assert not ENGLISH.search(text)


def test_the_same_mistakes_in_english_read_as_before():
    err = _problems(_broken("en"))
    assert len(err.problems) == len(_problems(_broken("zh")).problems)
    for p in err.problems:
        assert not HAN.search(f"{p.where} {p.what} {p.fix}"), p
    text = str(err)
    for piece in (
        "top level, field 'nmae': unknown key -> did you mean 'name'?",
        "[actions.clear.targets], field 'count': must be a whole number, got '17'",
        "[actions.revitalize], field 'cost': missing -> name the cost column this action spends",
        "[locks.include], field 'P1': must name one action, got 'clera' -> did you mean 'clear'?",
        "[solver], field 'gap': is a fraction (0.01 = 1 %), got 5",
        "[solver], field 'time_limit': must be ≥ 0, got -1",
        "field 'presolve': must be auto, on or off, got 'yes' -> write presolve = \"auto\"",
        "action name 'Upgrade!' must be lower-case letters, digits and _",
        "unknown actions ['nope'] -> use some of clear, revitalize, upgrade",
        "[[spatial.zones]] #1, field 'kind': must be 'exclude' or 'priority', got 'exclud'",
        "unknown time zone 'Asia/Nowhere'",
        "a condition needs exactly one operator, found none -> use one of",
    ):
        assert piece in text, piece


def test_the_runs_language_comes_before_the_scenarios():
    set_current_lang("en")
    assert "did you mean 'name'?" in str(_problems(_broken("zh")))
    set_current_lang("zh")
    assert "是否指 'name'？" in str(_problems(_broken("en")))


def test_the_cli_reads_a_broken_chinese_scenario_in_chinese(tmp_path, capsys, monkeypatch):
    for var in ("LANDOPT_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")  # an English locale: the scenario's lang decides
    path = tmp_path / "bad.toml"
    path.write_text(
        'lang = "zh"\nparcels = "p.gpkg"\n[actions.clear]\ncost = "c"\n'
        'eligible = { field = "status", inn = ["idle"] }\n'
        '[actions.clear.targets]\ncount = -1\n[solver]\nbackend = "gurobi"\n',
        encoding="utf-8",
    )
    assert main(["plan", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "情景文件中有 3 个问题" in err
    assert "未知的运算符 → 是否指 'in'？" in err and "未知的求解器 'gurobi'" in err
    assert not ENGLISH.search(err)
    assert main(["plan", str(path), "--out", str(tmp_path / "o"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "3 problems in the scenario" in err and "unknown backend 'gurobi'" in err


def _data_problems(lang: str) -> list:
    """Problems against the data: of the columns (found first), then of the values."""
    from toy import toy_parcels

    from landopt.scenario import check_scenario_against

    d = copy.deepcopy(TOY_SCENARIO)
    d["lang"] = lang
    d["actions"]["clear"]["eligible"] = {
        "all": [{"field": "status", "in": ["inefficent"]}, {"field": "zoning", "eq": "M1"}]
    }
    out = check_scenario_against(scenario_from_dict(d), toy_parcels())
    d = copy.deepcopy(TOY_SCENARIO)
    d["lang"] = lang
    d["locks"] = {"include": {"P9": "clear"}}
    df = toy_parcels()
    df["cost_revitalize_wan"] = -5.0
    return out + check_scenario_against(scenario_from_dict(d), df)


def test_the_scenario_against_its_data_speaks_its_language():
    zh = _data_problems("zh")
    assert zh and all(HAN.search(p.what) and HAN.search(p.fix) for p in zh), zh
    assert not any(ENGLISH.search(f"{p.where} {p.what} {p.fix}") for p in zh), zh
    text = "\n".join(map(str, zh))
    assert "地图层" not in text and "地块图层中没有字段 'zoning'" in text
    en = _data_problems("en")
    assert "column 'zoning' is not in the parcel layer" in "\n".join(map(str, en))
    assert not any(HAN.search(p.what) for p in en)
