"""argparse's own words (usage, headings, its errors) in the command's language."""

from __future__ import annotations

import argparse
import gettext
import re

import pytest

from landopt.cli import build_parser, main
from landopt.cli._argwords import argparse_words, translate

ENGLISH = re.compile(r"usage|error|required|invalid|choose|unrecognized|arguments|options")


def _fails(argv, capsys) -> str:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    out = capsys.readouterr()
    assert out.out == ""
    return out.err


@pytest.mark.parametrize(
    ("argv", "piece"),
    [
        (["plan"], "landopt plan：错误：缺少必需的参数：SCENARIO, --out"),
        (["plann"], "landopt：错误：参数 COMMAND：无效的选择：'plann'（可选：'validate', 'plan'"),
        (["validate", "x.gpkg", "--foo"], "landopt：错误：无法识别的参数：--foo"),
        (["plan", "s.toml", "--out", "o", "--gap", "abc"], "参数 --gap：无效的 float 值：'abc'"),
    ],
)
def test_argparse_errors_are_chinese_in_a_chinese_run(argv, piece, capsys, monkeypatch):
    monkeypatch.setenv("LANDOPT_LANG", "zh")
    err = _fails(argv, capsys)
    assert err.startswith("用法：landopt") and piece in err, err
    assert not ENGLISH.search(err), err
    assert argparse._ is gettext.gettext  # put back after the command
    assert argparse.ngettext is gettext.ngettext


def test_lang_on_the_command_line_decides_too(capsys, monkeypatch):
    monkeypatch.setenv("LANDOPT_LANG", "en")
    assert "缺少必需的参数：--out" in _fails(["plan", "s.toml", "--lang", "zh"], capsys)


def test_argparse_errors_stay_english_in_an_english_run(capsys, monkeypatch):
    monkeypatch.setenv("LANDOPT_LANG", "en")
    err = _fails(["plan"], capsys)
    assert err.startswith("usage: landopt plan")
    assert "landopt plan: error: the following arguments are required: SCENARIO, --out" in err
    err = _fails(["validate", "x.gpkg", "--foo"], capsys)
    assert "landopt: error: unrecognized arguments: --foo" in err


def test_help_headings_are_chinese(capsys, monkeypatch):
    monkeypatch.setenv("LANDOPT_LANG", "zh")
    with pytest.raises(SystemExit) as info:
        main(["plan", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：landopt plan")
    lines = out.splitlines()
    assert "位置参数：" in lines and "选项：" in lines and "地图与报告：" in lines
    assert "  -h, --help            显示本帮助并退出" in lines
    assert not re.search(r"positional arguments|options:|show this help|usage", out)
    en = build_parser("en").format_help()
    assert en.startswith("usage: landopt") and "\noptions:\n" in en
    assert "show this help message and exit" in en


def test_other_parsers_are_left_alone(capsys):
    plain = argparse.ArgumentParser(prog="other")
    plain.add_argument("x")
    with argparse_words("zh"):
        assert argparse._("options") == "选项"
    with pytest.raises(SystemExit):
        plain.parse_args([])
    assert "other: error: the following arguments are required: x" in capsys.readouterr().err


def test_messages_of_other_pythons_and_plurals_are_in_the_catalog():
    assert translate("%(heading)s:", "zh") == "%(heading)s："  # Python 3.14's heading
    assert translate("expected %s arguments", "zh") == "需要 %s 个值"
    assert translate("a message argparse may add one day", "zh") == (
        "a message argparse may add one day"
    )
    with argparse_words("zh"):
        assert argparse.ngettext("expected %s argument", "expected %s arguments", 2) == (
            "需要 %s 个值"
        )
