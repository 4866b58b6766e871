"""The objective in words has one home: the objective component's describe."""

from __future__ import annotations

from dataclasses import replace

from toy import toy_scenario

from landopt.cli.plan import _objective_words
from landopt.rules import component


def test_the_cli_says_what_the_report_says():
    sc = toy_scenario()
    sc = replace(sc, objective=replace(sc.objective, difficulty_weight=2.0))
    for lang in ("zh", "en"):
        assert _objective_words(sc, lang) == component("objective").describe(sc, lang)[0]
    assert _objective_words(sc, "zh") == "最小化 投入（每点协商难度 + 2 万元）"
    assert _objective_words(sc, "en") == "minimize cost (+ 2 per difficulty point)"
    assert "成本" not in _objective_words(sc, "zh")
