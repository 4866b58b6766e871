"""The command line's texts (one catalog, two languages) and its terminal output (rich)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from landopt.cli import _console as con
from landopt.cli import build_parser, main
from landopt.i18n import MESSAGES

CLI_DIR = Path(__file__).resolve().parents[1] / "landopt" / "cli"
HAN = re.compile(r"[\u4e00-\u9fff]")


def _subparsers(parser):
    return parser._subparsers._group_actions[0].choices


def test_every_catalog_key_the_cli_names_exists():
    used = set()
    for path in CLI_DIR.glob("*.py"):
        used |= set(re.findall(r"\"(cli\.[a-z_.]*[a-z_])\"", path.read_text(encoding="utf-8")))
    assert used and sorted(k for k in used if k not in MESSAGES) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_help_renders_in_both_languages(lang, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    parser = build_parser(lang)
    pages = {"landopt": parser.format_help()}
    pages |= {name: p.format_help() for name, p in _subparsers(parser).items()}
    for name, page in pages.items():
        assert page.startswith("usage: " if lang == "en" else "用法："), name
        if lang == "zh":
            assert "选项" in page and "显示本帮助并退出" in page, name
            # wrapped by display width: a Chinese character takes two columns
            too_wide = [line for line in page.splitlines() if cell_len(line) > 80]
            assert too_wide == [], name
    assert "情景文件" in pages["plan"] if lang == "zh" else "scenario file" in pages["plan"]
    if lang == "en":  # the English help is what it was
        assert "make the optimal plan for a scenario" in pages["landopt"]
        assert "output folder (created if missing)" in pages["plan"]
        assert not HAN.search(pages["sweep"])


def test_help_follows_lang_anywhere_on_the_command_line(capsys):
    for argv in (["plan", "--help", "--lang", "zh"], ["--lang=zh", "plan", "--help"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 0
        out = capsys.readouterr().out
        assert "输出文件夹" in out and "地图与报告" in out, argv


def test_plain_output_has_no_control_codes_and_no_wrapping(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "40")
    long = "x" * 300
    text = con.render(["landopt plan " + long, con.table(["parcel", "mu"], [[long, "1.0"]])])
    assert "\x1b" not in text
    lines = text.splitlines()
    assert len(lines) == 3 and lines[0].endswith(long) and lines[2].endswith("1.0")
    assert all(line == line.rstrip() for line in lines)


def test_table_lines_up_chinese_and_latin():
    table = con.table(
        ["镇街", "宗数", "面积（亩）"], [["湖田街道", "2", "45.0"], ["total", "6", "150.0"]]
    )
    lines = con.render([table]).splitlines()
    assert len({cell_len(line) for line in lines}) == 1  # right-aligned last column
    assert lines[1].startswith("  湖田街道 ") and lines[2].startswith("  total    ")


def test_a_bracket_in_a_cell_is_not_markup():
    assert "[bold]P1[/bold]" in con.render([con.table(["parcel"], [["[bold]P1[/bold]"]])])


def test_progress_bar_only_on_a_terminal(monkeypatch):
    with con.progress_bar(3, "points") as progress:
        assert progress is None  # the tests' stderr is not a terminal

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    monkeypatch.setattr("sys.stderr", tty)
    with con.progress_bar(3, "points") as progress:
        assert progress is not None
        progress(1, 3)
        progress(3, 3)
    assert "3/3" in tty.getvalue() and "points" in tty.getvalue()


def test_wrap_breaks_between_chinese_characters_not_before_punctuation():
    lines = con.wrap("把方案写入输出文件夹，目标无法达成时退出码为三。", 20)
    assert all(cell_len(line) <= 22 for line in lines)  # a comma may hang at the end
    assert not any(line.startswith(("，", "。")) for line in lines)
    assert "".join(lines) == "把方案写入输出文件夹，目标无法达成时退出码为三。"
    assert con.wrap("a few english words", 10) == ["a few", "english", "words"]


def test_list_separator_follows_the_language():
    assert con.join(["a", "b"], "en") == "a, b" and con.join(["a", "b"], "zh") == "a、b"


@pytest.fixture
def good_file(toy_layer, write_layer):
    layer = toy_layer.copy()
    layer["area_mu"] = [15.0, 33.0, 60.0, 15.0, 15.0, 15.0]  # P2 declared 10 % too large
    return write_layer(layer, "district.gpkg")


def test_validate_speaks_the_environments_language(good_file, capsys, monkeypatch):
    monkeypatch.setenv("LANDOPT_LANG", "zh")
    assert main(["validate", str(good_file)]) == 0
    out = capsys.readouterr().out
    assert "6 宗，150.0 亩" in out and "结论：可用，有 1 条警告需核查" in out
    assert re.search(r"^  低效 +2 +45\.0$", out, re.M) and re.search(
        r"^  合计 +6 +150\.0$", out, re.M
    )
    table = out.split("按现状\n")[1].split("\n\n")[0].splitlines()
    assert len({cell_len(line) for line in table}) == 1

    monkeypatch.setenv("LANDOPT_LANG", "en")
    assert main(["validate", str(good_file)]) == 0
    assert "Verdict: usable, with 1 warning" in capsys.readouterr().out


def test_errors_in_chinese(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANDOPT_LANG", "zh")
    assert main(["validate", str(tmp_path / "nope.gpkg")]) == 2
    assert capsys.readouterr().err.startswith("错误：")


def test_log_levels_in_chinese(good_file, capsys, monkeypatch):
    monkeypatch.setenv("LANDOPT_LANG", "zh")
    assert main(["-v", "validate", str(good_file)]) == 0
    assert "信息: " in capsys.readouterr().err


def _impossible_demo(tmp_path: Path) -> Path:
    """The zh demo scenario with a clearance target no data can meet."""
    root = Path(__file__).resolve().parents[1]
    text = (root / "data" / "scenarios" / "zhangdian-2023.toml").read_text(encoding="utf-8")
    text = text.replace('"../parcels.geojson"', repr(str(root / "data" / "parcels.geojson")))
    text = text.replace("targets = { count = 4, area_min = 430 }", "targets = { count = 400, area_min = 430 }")
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_zh_scenario_speaks_chinese_without_lang_or_locale(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("LANDOPT_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    scenario = _impossible_demo(tmp_path)
    assert main(["plan", str(scenario), "--out", str(tmp_path / "out"), "--no-maps"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("错误：目标无法全部达成。")
    assert "需要 400 宗，但符合条件的只有" in err and "方案中以下几项要求无法同时满足" in err
    assert "needs" not in err and "error" not in err
    # LANDOPT_LANG (like --lang, see test_cli_plan) comes before the scenario's lang
    monkeypatch.setenv("LANDOPT_LANG", "en")
    assert main(["plan", str(scenario), "--out", str(tmp_path / "o2"), "--no-maps"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("error: The targets cannot all be met.")
    assert "revitalize needs 400 plots but only" in err


def test_validate_groups_the_same_warning_and_all_lists_every_one(
    make_parcels, write_layer, capsys, monkeypatch
):
    rows = [{"parcel_id": f"Q{i}", "mu": 15, "area_mu": 10000.0} for i in range(3000)]
    path = write_layer(make_parcels(rows, per_row=60), "m2.gpkg")
    monkeypatch.setenv("LANDOPT_LANG", "zh")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("  - ")]
    assert len(lines) == 1, lines[:3]
    assert lines[0].startswith("  - 3,000 宗地块，字段 area_mu：申报面积 10,000.00 亩与图形面积 15.00 亩")
    assert "（见地块 Q0；另有 Q1、Q2、Q3 等 2,996 宗）" in lines[0]
    assert "申报面积看起来是平方米而不是亩" in lines[0]
    assert "警告（3,000 条）" in out and "加 --all 逐条列出" in out
    monkeypatch.setenv("LANDOPT_LANG", "en")
    assert main(["validate", str(path), "--all"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("  - ")]
    assert len(lines) == 3000 and lines[0].startswith("  - parcel Q0, field 'area_mu': declared area")


def test_validate_has_lang(good_file, capsys, monkeypatch):
    monkeypatch.setenv("LANDOPT_LANG", "en")
    assert main(["validate", str(good_file), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "结论：可用，有 1 条警告需核查" in out and "申报面积" in out


def _bad_scenario(tmp_path: Path) -> Path:
    """A scenario file with a misspelled key and a negative number."""
    path = tmp_path / "bad.toml"
    path.write_text(
        'name = "bad"\nparcels = "p.gpkg"\n[actions.clear]\ncost = "c"\n'
        'eligible = { field = "status", in = ["idle"] }\n'
        "[actions.clear.targets]\ncount = -1\narae_min = 2\n",
        encoding="utf-8",
    )
    return path


def test_a_broken_scenario_is_reported_in_the_runs_language(tmp_path, capsys, monkeypatch):
    from landopt.errors import ScenarioError
    from landopt.scenario import load_scenario

    monkeypatch.delenv("LANDOPT_LANG", raising=False)
    bad = _bad_scenario(tmp_path)
    assert main(["plan", str(bad), "--lang", "zh", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "bad.toml：情景文件中有 2 个问题：" in err and "，字段 'arae_min'：未知的键 → 是否指 'area_min'？" in err
    assert "，字段 'count'：须 ≥ 0，实为 -1 → 请使用非负值" in err
    assert "problem" not in err and "field" not in err and "did you mean" not in err
    # English: word for word what it was
    assert main(["plan", str(bad), "--lang", "en", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "bad.toml: 2 problems in the scenario:" in err
    assert (
        "[actions.clear.targets], field 'arae_min': unknown key -> did you mean 'area_min'?"
        in err
    )
    assert "field 'count': must be ≥ 0, got -1 -> use a non-negative value" in err
    # the CLI's language ends with the command: a library caller reads English
    main(["plan", str(bad), "--lang", "zh", "--out", str(tmp_path / "o")])
    capsys.readouterr()
    with pytest.raises(ScenarioError, match="2 problems in the scenario"):
        load_scenario(bad)


def test_a_scenario_without_lang_follows_landopt_lang_then_the_locale(
    tmp_path, capsys, monkeypatch
):
    from landopt.scenario import load_scenario

    scenario = tmp_path / "nolang.toml"
    scenario.write_text(
        _impossible_demo(tmp_path).read_text(encoding="utf-8").replace('lang = "zh"\n', ""),
        encoding="utf-8",
    )
    assert load_scenario(scenario).lang is None  # not set: no longer "en" by default
    assert "lang" not in load_scenario(scenario).to_dict()
    for var in ("LANDOPT_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    out = str(tmp_path / "out")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")  # the locale, reached at last
    assert main(["plan", str(scenario), "--out", out, "--no-maps", "--force"]) == 3
    assert capsys.readouterr().err.startswith("错误：目标无法全部达成。")
    monkeypatch.setenv("LANDOPT_LANG", "en")  # before the locale
    assert main(["plan", str(scenario), "--out", out, "--no-maps", "--force"]) == 3
    assert capsys.readouterr().err.startswith("error: The targets cannot all be met.")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("LANDOPT_LANG", "zh")
    assert main(["plan", str(scenario), "--out", out, "--no-maps", "--force"]) == 3
    assert capsys.readouterr().err.startswith("错误：目标无法全部达成。")


def test_a_broken_parcel_layer_is_framed_in_the_runs_language(
    make_parcels, write_layer, capsys, monkeypatch
):
    from conftest import TOY_ROWS

    gdf = make_parcels(TOY_ROWS)
    gdf.loc[0, "area_mu"] = -5.0
    path = write_layer(gdf)
    monkeypatch.delenv("LANDOPT_LANG", raising=False)
    assert main(["validate", str(path), "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert "地块图层中有 1 个问题：" in err and "，字段 'area_mu'：" in err and "field" not in err
    assert main(["validate", str(path), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "1 problem in the parcel layer:" in err and ", field 'area_mu': " in err
