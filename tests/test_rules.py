"""The rule-component registry, the prepared problem and the one message catalog."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from toy import toy_parcels, toy_scenario

import landopt.plan
import landopt.prepare
from landopt.i18n import LANGS, MESSAGES, add_messages, t
from landopt.model import compile_model
from landopt.rules import COMPONENTS, describe_rules, formulation_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_component_names_are_unique_and_documented():
    names = [c.name for c in COMPONENTS]
    assert len(names) == len(set(names))
    for c in COMPONENTS:
        assert (type(c).__module__ and type(c).__doc__), c.name


def test_docs_formulation_is_current():
    # regenerate with: python scripts/make_formulation.py
    assert (ROOT / "docs" / "formulation.md").read_text(encoding="utf-8") == formulation_markdown()


def test_every_component_describes_its_rule_in_both_languages():
    s = toy_scenario()
    en, zh = describe_rules(s, "en"), describe_rules(s, "zh")
    assert len(en) == len(zh) > 0
    assert any("exactly 1 plots" in line for line in en)
    assert any("恰好 1 宗" in line for line in zh)


def test_every_message_has_both_languages_with_the_same_fields():
    fields = lambda text: {f for _, f, _, _ in string.Formatter().parse(text) if f}  # noqa: E731
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGS), key
        assert fields(texts["en"]) == fields(texts["zh"]), key


def test_the_catalog_refuses_a_message_without_chinese_or_with_other_fields():
    with pytest.raises(ValueError, match="no zh text"):
        add_messages({"x": {"en": "only English"}}, prefix="test.")
    with pytest.raises(ValueError, match="different fields"):
        add_messages({"y": {"en": "{a}", "zh": "{b}"}}, prefix="test.")
    assert t("units.mu", "zh") == "亩" and t("units.mu", "en") == "mu"


def test_eligibility_is_prepared_once_per_plan(monkeypatch):
    calls = []
    real = landopt.prepare.effective_eligibility

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    for mod in (landopt.prepare, landopt.plan):
        monkeypatch.setattr(mod, "effective_eligibility", counted)
    landopt.plan.solve(toy_scenario(), toy_parcels())
    assert len(calls) == 1


def test_compiled_model_carries_its_prepared_problem():
    m = compile_model(toy_scenario(), toy_parcels())
    assert m.prepared is not None and m.prepared.eligible is m.eligible
    again = compile_model(m.prepared)
    assert again.row_names == m.row_names and (again.A != m.A).nnz == 0
