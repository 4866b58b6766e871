"""Tests of the landopt command line (validate, exit codes, error output)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from landopt.cli import SUBCOMMANDS, build_parser, main
from landopt.errors import LandoptError, SolverError, TargetsUnmetError


@pytest.fixture
def good_file(toy_layer, write_layer):
    layer = toy_layer.copy()
    layer["area_mu"] = [15.0, 33.0, 60.0, 15.0, 15.0, 15.0]  # P2 declared 10 % too large
    return write_layer(layer, "district.gpkg")


@pytest.fixture
def bad_file(make_parcels, write_layer):
    raw = make_parcels(
        [{"parcel_id": "A", "status": "荒废"}, {"parcel_id": "B", "cost_clear_wan": -3.0}]
    )
    return write_layer(raw, "bad.geojson")


def test_validate_good_layer_prints_the_report(good_file, capsys):
    assert main(["validate", str(good_file)]) == 0
    out, err = capsys.readouterr()
    assert str(good_file) in out
    assert "EPSG:4548" in out
    assert "6 parcels, 150.0 mu" in out
    assert re.search(r"^  inefficient +2 +45\.0$", out, re.M)
    assert re.search(r"^  total +6 +150\.0$", out, re.M)
    # the columns line up: every row of the status table ends at the same column
    table = out.split("By status\n")[1].split("\n\n")[0].splitlines()
    assert len({len(line) for line in table}) == 1
    assert "湖田" in out and "马尚" in out
    assert "parcel P2, field 'area_mu'" in out  # the warning, in the report
    assert "Verdict: usable, with 1 warning" in out
    assert "parcel P2" not in err  # not logged twice


def test_validate_bad_layer_exits_2_listing_problems(bad_file, capsys):
    assert main(["validate", str(bad_file)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"error: {bad_file}: 2 problems")
    assert "parcel A, field 'status'" in err and "parcel B, field 'cost_clear_wan'" in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback(bad_file, capsys):
    assert main(["--debug", "validate", str(bad_file)]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "ParcelDataError" in err


def test_missing_file_is_one_line(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.gpkg")]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "nope.gpkg" in err and "Traceback" not in err


def test_map_and_status_map_options(make_parcels, write_layer, capsys):
    raw = make_parcels([{"编号": "X1", "现状": "待处置"}, {"编号": "X2", "现状": "低效"}]).drop(
        columns=["parcel_id", "status"]
    )
    path = write_layer(raw, "cn.gpkg")
    argv = ["validate", str(path), "--map", "编号=parcel_id", "--map", "现状=status"]
    assert main([*argv, "--status-map", "待处置=idle"]) == 0
    assert "idle" in capsys.readouterr().out
    assert main(argv) == 2  # 待处置 is unknown without the status map
    assert "--status-map" in capsys.readouterr().err


def test_bad_option_syntax_exits_2(good_file, capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", str(good_file), "--map", "no_equals_sign"])
    assert info.value.code == 2
    assert "--map wants" in capsys.readouterr().err


def test_no_subcommand_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "validate" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "code"),
    [(TargetsUnmetError("short by 40 mu"), 3), (SolverError("HiGHS failed"), 4)],
)
def test_exit_codes_come_from_the_error(monkeypatch, good_file, capsys, error, code):
    def boom(args):
        raise error

    monkeypatch.setattr("landopt.cli.options.read_parcels_from_args", boom)
    assert main(["validate", str(good_file)]) == code
    err = capsys.readouterr().err
    assert err == f"error: {error}\n"
    assert isinstance(error, LandoptError)


def test_unexpected_error_is_one_line_and_exit_1(monkeypatch, good_file, capsys):
    def boom(args):
        raise RuntimeError("oops")

    monkeypatch.setattr("landopt.cli.options.read_parcels_from_args", boom)
    assert main(["validate", str(good_file)]) == 1
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: oops" in err and "Traceback" not in err


def test_logging_handler_is_removed_after_main(good_file, capsys):
    import logging

    before = list(logging.getLogger("landopt").handlers)
    main(["validate", str(good_file)])
    assert logging.getLogger("landopt").handlers == before


def test_subcommands_are_registered_in_one_list():
    parser = build_parser()
    names = set(parser._subparsers._group_actions[0].choices)
    assert "validate" in names
    assert len(names) == len(SUBCOMMANDS)


def test_python_m_landopt_help():
    result = subprocess.run(
        [sys.executable, "-m", "landopt", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: landopt" in result.stdout and "validate" in result.stdout


def test_python_m_landopt_validate_subprocess(bad_file):
    result = subprocess.run(
        [sys.executable, "-m", "landopt", "validate", str(bad_file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "parcel A" in result.stderr


def test_verbose_logs_progress_but_not_the_reported_warnings(good_file, capsys):
    assert main(["-v", "validate", str(good_file)]) == 0
    err = capsys.readouterr().err
    assert "info: " in err and "6 parcels, 150.0 mu" in err
    assert "parcel P2" not in err


def test_plan_with_a_rule_value_the_layer_lacks_exits_2_naming_it(tmp_path, capsys):
    from pathlib import Path

    import geopandas as gpd

    root = Path(__file__).resolve().parents[1]
    layer = gpd.read_file(root / "data" / "parcels.geojson")
    layer["encumbrance"] = layer["encumbrance"].replace({"seized": "查封"})
    layer.to_file(tmp_path / "parcels.geojson", driver="GeoJSON")
    text = (root / "data" / "scenarios" / "zhangdian-2023.toml").read_text(encoding="utf-8")
    text = text.replace('"../parcels.geojson"', '"parcels.geojson"')
    text = text.replace('not_in = ["seized"]', 'not_in = ["已查封"]')
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")
    code = main(["plan", str(tmp_path / "s.toml"), "--out", str(tmp_path / "out"), "--no-maps"])
    err = capsys.readouterr().err
    assert code == 2, err
    # the demo scenario is Chinese (lang = "zh"): its problems are too
    assert "'已查封'" in err and "是否指 '查封'？" in err and "[actions.clear]" in err
    assert "did you mean" not in err and "occurs in no" not in err
