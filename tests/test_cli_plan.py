"""`landopt plan`: the 2023 demo end to end, exit codes, shortfall plans and atomic writes."""

from __future__ import annotations

import json
import re
import time
import tomllib
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box
from toy import TOY_SCENARIO, toy_parcels

from landopt.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEMO_SCENARIO = ROOT / "data" / "scenarios" / "zhangdian-2023.toml"


def _toml(d: dict, indent: str = "") -> str:
    """Enough TOML for the toy scenario (tables, inline tables, arrays)."""

    def val(v):
        if isinstance(v, dict):
            return "{ " + ", ".join(f'"{k}" = {val(x)}' for k, x in v.items()) + " }"
        if isinstance(v, list):
            return "[ " + ", ".join(val(x) for x in v) + " ]"
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, bool):
            return "true" if v else "false"
        return repr(v)

    return "\n".join(f'"{k}" = {val(v)}' for k, v in d.items()) + "\n"


@pytest.fixture
def toy_files(tmp_path):
    """The toy district as a GeoPackage and a scenario file beside it."""
    df = toy_parcels()
    side = (df["area_mu"] * 10000 / 15) ** 0.5
    geoms = [
        box(589000 + 300 * i, 4074000, 589000 + 300 * i + s, 4074000 + s)
        for i, s in enumerate(side)
    ]
    gdf = gpd.GeoDataFrame(df.drop(columns="area_mu"), geometry=geoms, crs="EPSG:4548")
    gdf.to_file(tmp_path / "toy.gpkg", engine="pyogrio")

    def scenario(**changes):
        d = json.loads(json.dumps(TOY_SCENARIO))
        d["parcels"] = {"path": "toy.gpkg"}
        for k, v in changes.items():
            node = d
            *head, last = k.split(".")
            for h in head:
                node = node[h]
            node[last] = v
        path = tmp_path / "toy.toml"
        path.write_text(_toml(d), encoding="utf-8")
        tomllib.loads(path.read_text(encoding="utf-8"))
        return path

    return scenario


def test_demo_2023_plan_meets_every_target(tmp_path, capsys):
    out = tmp_path / "out"
    # the demo scenario is Chinese: the terminal, plan.gpkg and summary.xlsx follow it
    assert main(["plan", str(DEMO_SCENARIO), "--out", str(out), "--no-maps"]) == 0
    text = capsys.readouterr().out
    assert "已证明最优" in text
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert (
        run["targets_met"]
        and run["solver"]["proven_optimal"]
        and run["solver"]["gap"] == pytest.approx(0, abs=1e-9)
    )
    summary = {row["action"]: row for row in run["summary"]}
    assert (
        summary["clear"]["plots"],
        summary["revitalize"]["plots"],
        summary["upgrade"]["plots"],
    ) == (17, 4, 10)
    assert (
        summary["clear"]["mu"] >= 560
        and summary["revitalize"]["mu"] >= 430
        and summary["upgrade"]["mu"] >= 810
    )
    assert all(c["ok"] for c in run["checks"])
    assert len(run["input"]["sha256"]) == 64
    layer = gpd.read_file(out / "plan.gpkg", layer="plan")
    # a Chinese scenario: the result columns are named in Chinese (措施代码 = action)
    assert (layer["措施代码"] != "none").sum() == 31
    assert set(layer["措施代码"]) == {"clear", "revitalize", "upgrade", "none"}
    assert "parcel_id" in layer.columns and "area_mu_declared" not in layer.columns
    # summary.xlsx: Chinese headers for the zh demo, numeric targets, the 31 plots numbered
    import openpyxl

    wb = openpyxl.load_workbook(out / "summary.xlsx")
    assert wb.sheetnames == ["方案汇总", "入选地块", "分镇街", "分园区", "校核", "运行记录"]
    rows = list(wb["方案汇总"].iter_rows(values_only=True))
    clear = dict(zip(rows[0], rows[1], strict=True))
    assert (clear["措施代码"], clear["宗数目标下限"], clear["面积目标下限（亩）"]) == ("clear", 17, 560)
    assert clear["是否达标"] == "达标"
    numbers = [r[0] for r in wb["入选地块"].iter_rows(min_row=2, values_only=True)]
    assert numbers == list(range(1, 32))


def test_plan_on_toy_and_the_printed_table(toy_files, tmp_path, capsys):
    assert main(["plan", str(toy_files()), "--out", str(tmp_path / "o"), "--no-maps"]) == 0
    out = capsys.readouterr().out
    assert "objective minimize cost: 165.0" in out
    assert "clear 出清" in out and "upgrade 转型升级" in out


def test_plan_prints_in_chinese_with_lang_zh(toy_files, tmp_path, capsys):
    argv = ["plan", str(toy_files()), "--out", str(tmp_path / "o"), "--no-maps", "--lang", "zh"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "目标函数 最小化 投入：165.0" in out and "已证明最优" in out
    assert "处置方式" in out and "合计" in out and "已写入" in out
    assert "objective" not in out and "proven" not in out


def test_unmet_targets_exit_3_with_diagnosis_and_no_files(toy_files, tmp_path, capsys):
    path = toy_files(**{"actions.upgrade.targets": {"count": 2, "area_min": 100}})
    out = tmp_path / "o"
    assert main(["plan", str(path), "--out", str(out), "--no-maps"]) == 3
    err = capsys.readouterr().err
    assert "the 2 largest eligible plots total 90.0 mu" in err
    assert "upgrade: at least 100.0 mu" in err and "10.0 mu short" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_allow_shortfall_writes_the_closest_plan(toy_files, tmp_path, capsys):
    path = toy_files(**{"actions.upgrade.targets": {"count": 2, "area_min": 100}})
    out = tmp_path / "o"
    assert main(["plan", str(path), "--out", str(out), "--no-maps", "--allow-shortfall"]) == 3
    captured = capsys.readouterr()
    assert "NO" in captured.out and "10.0 mu short" in captured.err
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["targets_met"] is False
    assert run["diagnosis"]["shortfalls"]


def test_bad_scenario_exits_2(toy_files, tmp_path, capsys):
    path = toy_files(**{"actions.clear.targets": {"cuont": 1}})
    assert main(["plan", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "unknown key -> did you mean 'count'?" in err and "Traceback" not in err


def test_existing_output_needs_force(toy_files, tmp_path, capsys):
    out = tmp_path / "o"
    path = toy_files()
    assert main(["plan", str(path), "--out", str(out), "--no-maps"]) == 0
    assert main(["plan", str(path), "--out", str(out), "--no-maps"]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["plan", str(path), "--out", str(out), "--no-maps", "--force"]) == 0


def test_failed_run_leaves_no_partial_files(toy_files, tmp_path, monkeypatch):
    import landopt.plan as plan_mod

    def broken(self, *a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(plan_mod.pd.DataFrame, "to_csv", broken)
    out = tmp_path / "o"
    # an OSError is named (exit 2), not an "internal error"
    assert main(["plan", str(toy_files()), "--out", str(out), "--no-maps"]) == 2
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_solver_failure_exits_4(toy_files, tmp_path, monkeypatch, capsys):
    import landopt.solving as plan_mod  # the one solve entry
    from landopt.solvers import SolverResult

    monkeypatch.setattr(
        plan_mod,
        "solve_model",
        lambda model, opts: SolverResult(
            "time_limit", False, False, None, None, None, 9.0, "highs", "HiGHS", "1", 9.0, True, 0.0
        ),
    )
    assert main(["plan", str(toy_files()), "--out", str(tmp_path / "o"), "--no-maps"]) == 4
    assert "time limit" in capsys.readouterr().err


@pytest.mark.parametrize("backend", ["cbc", "highs-pulp"])
def test_backend_option(toy_files, tmp_path, capsys, backend):
    from landopt.solvers import available_backends

    if backend not in available_backends():
        pytest.skip(f"{backend} not installed")
    assert (
        main(
            [
                "plan",
                str(toy_files()),
                "--out",
                str(tmp_path / "o"),
                "--no-maps",
                "--backend",
                backend,
            ]
        )
        == 0
    )
    assert "165.0" in capsys.readouterr().out


def test_input_is_never_modified(toy_files, tmp_path):
    path = toy_files()
    gpkg = path.parent / "toy.gpkg"
    before = gpkg.read_bytes()
    assert main(["plan", str(path), "--out", str(tmp_path / "o"), "--no-maps"]) == 0
    assert gpkg.read_bytes() == before


def test_plan_with_maps_alternatives_and_irreplaceability(toy_files, tmp_path, capsys):
    out = tmp_path / "o"
    code = main(
        [
            "plan",
            str(toy_files()),
            "--out",
            str(out),
            "--alternatives",
            "2",
            "--within",
            "100",
            "--differ",
            "1",
            "--irreplaceability",
            "--lang",
            "en",
            "--district",
            "none",
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "Alternatives: found all 2 alternatives" in text
    assert "irreplaceable" in text  # P5
    names = {p.name for p in out.iterdir()}
    assert {
        "plan.png",
        "plan.html",
        "report.html",
        "alternatives.csv",
        "irreplaceability.png",
    } <= names
    layer = gpd.read_file(out / "plan.gpkg", layer="plan")
    assert {"action_alt1", "action_alt2", "selection_frequency", "replacement_cost"} <= set(
        layer.columns
    )
    assert layer.loc[layer["parcel_id"] == "P1", "replacement_cost"].item() == pytest.approx(20.0)


def test_map_redraws_a_written_plan(toy_files, tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["plan", str(toy_files()), "--out", str(out), "--no-maps"]) == 0
    assert main(["map", str(out), "--lang", "en", "--district", "none", "--also", "pdf"]) == 0
    assert {"plan.png", "plan.html", "report.html", "plan.pdf"} <= {p.name for p in out.iterdir()}


def test_map_on_a3_paper(toy_files, tmp_path, capsys):
    import struct

    out = tmp_path / "o"
    assert main(["plan", str(toy_files()), "--out", str(out), "--no-maps"]) == 0
    args = ["map", str(out), "--lang", "en", "--dpi", "40", "--paper", "a3"]
    assert main([*args, "--orientation", "portrait"]) == 0
    w, h = struct.unpack(">II", (out / "plan.png").read_bytes()[16:24])
    assert (w, h) == (int(297 / 25.4 * 40), int(420 / 25.4 * 40))
    with pytest.raises(SystemExit):
        main([*args[:-1], "A5"])


def test_compare_two_scenarios(toy_files, tmp_path, capsys):
    a = toy_files()
    b = tmp_path / "b.toml"
    b.write_text(
        a.read_text(encoding="utf-8") + '\n[locks]\nexclude = { "P1" = ["upgrade"] }\n',
        encoding="utf-8",
    )
    out = tmp_path / "cmp"
    assert (
        main(["compare", str(a), str(b), "--out", str(out), "--district", "none", "--lang", "en"])
        == 0
    )
    text = capsys.readouterr().out
    assert "2 parcels change action" in text
    assert {"compare.csv", "changes.csv", "compare.png"} <= {p.name for p in out.iterdir()}


def test_sweep_writes_curve_and_table(toy_files, tmp_path, capsys):
    out = tmp_path / "sw"
    code = main(
        [
            "sweep",
            str(toy_files()),
            "--vary",
            "actions.upgrade.targets.area_min=60:120:10",
            "--out",
            str(out),
            "--jobs",
            "1",
            "--lang",
            "en",
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "infeasible" in text and "185.0" in text
    import pandas as pd

    t = pd.read_csv(out / "sweep.csv")
    assert len(t) == 7 and (out / "sweep.png").stat().st_size > 10_000


def test_demo_compact_scenario_forms_fewer_larger_blocks(tmp_path, capsys):
    out = tmp_path / "compact"
    assert (
        main(
            [
                "plan",
                str(ROOT / "data" / "scenarios" / "zhangdian-2023-compact.toml"),
                "--out",
                str(out),
                "--no-maps",
                "--lang",
                "en",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "compactness:" in text
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["targets_met"] and run["solver"]["proven_optimal"]
    # against the plain plan's clearance: 17 separate plots, 8.38 km of exposed boundary
    assert run["spatial"]["blocks"] < 17 and run["spatial"]["boundary_km"] < 8.0


def _tamper(out: Path) -> str:
    """Set one chosen parcel of the written plan to none in plan.gpkg; return its id."""
    layer = gpd.read_file(out / "plan.gpkg", layer="plan", engine="pyogrio")
    pid = str(layer.loc[layer["action"] != "none", "parcel_id"].iloc[0])
    layer.loc[layer["parcel_id"] == pid, "action"] = "none"
    layer.to_file(out / "plan.gpkg", layer="plan", driver="GPKG", engine="pyogrio")
    return pid


def test_map_of_a_tampered_plan_fails_its_recomputed_checks(toy_files, tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["plan", str(toy_files()), "--out", str(out), "--no-maps"]) == 0
    run_before = (out / "run.json").read_text(encoding="utf-8")
    assert main(["map", str(out), "--district", "none", "--lang", "zh"]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "全部目标达成" in html and "复核未通过" not in html
    capsys.readouterr()

    _tamper(out)
    assert main(["map", str(out), "--district", "none", "--lang", "zh"]) == 3
    err = capsys.readouterr().err  # --lang zh: the terminal speaks Chinese too
    assert "复核未通过" in err and "count[" in err and "在运行之后被改过" in err
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "全部目标达成" not in html
    assert "复核未通过" in html and "方案文件在求解后被修改过" in html
    assert "checks-failed" in html
    assert (out / "run.json").read_text(encoding="utf-8") == run_before

    assert main(["map", str(out), "--district", "none", "--lang", "en"]) == 3
    err = capsys.readouterr().err  # the re-check itself in the maps' language
    assert "the plan fails" in err and "changed after the run" in err
    assert not re.search(r"[\u4e00-\u9fff]", err)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "All targets met" not in html and "Re-check FAILED" in html


def test_read_plan_recomputes_checks_and_notes_an_edited_file(toy_files, tmp_path):
    from landopt.plan import file_sha256, read_plan

    out = tmp_path / "o"
    assert main(["plan", str(toy_files()), "--out", str(out), "--no-maps"]) == 0
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["plan_sha256"] == file_sha256(out / "plan.gpkg")
    plan = read_plan(out)
    assert not plan.edited and plan.notes == [] and plan.failed_checks == []
    assert plan.targets_met and all(c.ok for c in plan.checks)

    _tamper(out)
    plan = read_plan(out)
    assert plan.edited and "changed after the run" in plan.notes[0]
    assert not plan.targets_met
    assert {c.name for c in plan.failed_checks} >= {"objective"}
    total = plan.summary.set_index("action").loc["total", "plots"]
    assert total == run["summary"][-1]["plots"] - 1  # the summary is recomputed, too


def test_compare_reads_a_tampered_plan_with_exit_3(toy_files, tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["plan", str(toy_files()), "--out", str(a), "--no-maps"]) == 0
    assert main(["plan", str(toy_files()), "--out", str(b), "--no-maps"]) == 0
    _tamper(b)
    code = main(["compare", str(a), str(b), "--out", str(tmp_path / "c"), "--no-maps"])
    assert code == 3
    assert "fails" in capsys.readouterr().err


# ------------------------------------------------------------------ environment errors
def _no_solve(monkeypatch):
    import landopt.plan as plan_mod

    def solve(*a, **k):
        raise AssertionError("the solve ran before the output folder was checked")

    monkeypatch.setattr(plan_mod, "solve", solve)


def test_unwritable_parent_exits_2_before_the_solve(toy_files, tmp_path, monkeypatch, capsys):
    import errno

    import landopt._atomic as atomic

    path = toy_files()
    _no_solve(monkeypatch)

    def mkdir(p, *a, **k):  # tests run as root, which ignores chmod: refuse like a read-only disk
        raise OSError(errno.EROFS, "Read-only file system", str(p))

    monkeypatch.setattr(atomic.os, "mkdir", mkdir)
    out = tmp_path / "o"
    assert main(["plan", str(path), "--out", str(out), "--no-maps"]) == 2
    err = capsys.readouterr().err
    assert "Read-only file system" in err and str(tmp_path) in err and "internal" not in err


def test_parent_that_is_a_file_exits_2_before_the_solve(toy_files, tmp_path, monkeypatch, capsys):
    path = toy_files()
    _no_solve(monkeypatch)
    (tmp_path / "afile").write_text("x")
    out = tmp_path / "afile" / "o"
    assert main(["plan", str(path), "--out", str(out), "--no-maps"]) == 2
    assert "afile" in capsys.readouterr().err


def test_too_little_free_space_exits_2_before_the_solve(toy_files, tmp_path, monkeypatch, capsys):
    import shutil

    import landopt._atomic as atomic

    path = toy_files()
    _no_solve(monkeypatch)
    monkeypatch.setattr(atomic.shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(1, 1, 0))
    out = tmp_path / "o"
    assert main(["plan", str(path), "--out", str(out), "--no-maps"]) == 2
    err = capsys.readouterr().err
    assert "MB free" in err and str(out) in err


def test_disk_full_while_writing_exits_2_naming_the_cause(toy_files, tmp_path, monkeypatch, capsys):
    import errno

    import landopt.plan as plan_mod

    def full(self, path, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(plan_mod.pd.DataFrame, "to_csv", full)
    out = tmp_path / "o"
    assert main(["plan", str(toy_files()), "--out", str(out), "--no-maps"]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "disk is full" in err
    assert str(out / "summary.csv") in err  # the file as the user knows it, not the staging
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_any_oserror_reaching_main_is_exit_2_not_internal(toy_files, tmp_path, monkeypatch, capsys):
    import landopt.plan as plan_mod

    def solve(*a, **k):
        raise PermissionError(13, "Permission denied", "/somewhere/parcels.gpkg")

    monkeypatch.setattr(plan_mod, "solve", solve)
    assert main(["plan", str(toy_files()), "--out", str(tmp_path / "o"), "--no-maps"]) == 2
    err = capsys.readouterr().err
    assert "/somewhere/parcels.gpkg" in err and "Permission denied" in err and "internal" not in err


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGINT"])
@pytest.mark.parametrize("when", ["solve", "write"])
def test_signal_ends_the_run_as_interrupted_with_nothing_written(
    toy_files, tmp_path, monkeypatch, capsys, signame, when
):
    import os
    import signal
    import time

    import landopt.plan as plan_mod

    path = toy_files()
    signum = getattr(signal, signame)

    def kill_self(*a, **k):
        os.kill(os.getpid(), signum)
        time.sleep(5)  # the handler raises here
        raise AssertionError("the signal was not handled")

    if when == "solve":
        monkeypatch.setattr(plan_mod, "solve", kill_self)
    else:
        monkeypatch.setattr(plan_mod.pd.DataFrame, "to_csv", kill_self)
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    out = tmp_path / "o"
    assert main(["plan", str(path), "--out", str(out), "--no-maps"]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert {s: signal.getsignal(s) for s in before} == before  # handlers put back


_CHILD = """
import sys
import landopt._atomic as a
from landopt.cli import main

real = a.remove_stale
def announce(out):  # called just before the staging folder is made
    real(out)
    print("writing", flush=True)
a.remove_stale = announce
sys.exit(main(sys.argv[1:]))
"""


def _assert_whole(out: Path) -> None:
    """Absent, or every file run.json lists, with its hash, and nothing else."""
    from landopt.plan import file_sha256

    if not out.exists():
        return
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert sorted(p.name for p in out.iterdir()) == sorted([*run["outputs"], "run.json"])
    for name, digest in run["outputs"].items():
        assert file_sha256(out / name) == digest, name


@pytest.mark.slow
def test_sigkill_at_random_moments_of_writing_never_leaves_a_mix(toy_files, tmp_path):
    import os
    import random
    import subprocess
    import sys

    from landopt._atomic import remove_stale

    path = toy_files()
    out = tmp_path / "o"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    rng = random.Random(11)
    for i in range(20):
        maps = [] if i % 2 else ["--dpi", "40"]  # alternate: a mix of two runs would show
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, "plan", str(path), "--out", str(out), "--force", *maps]
            + (["--no-maps"] if not maps else []),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=tmp_path,
        )
        for line in proc.stdout:  # wait until it writes: no race with start-up
            if line.strip() == b"writing":
                break
        # anywhere from the staging folder's creation to past the swap
        time.sleep(rng.uniform(0, 0.6))
        proc.kill()
        proc.wait()
        proc.stdout.close()
        _assert_whole(out)
        remove_stale(out)  # what the next run does first
        assert [p.name for p in tmp_path.iterdir() if ".landopt-" in p.name] == []
        _assert_whole(out)
    assert main(["plan", str(path), "--out", str(out), "--no-maps", "--force"]) == 0
    assert [p.name for p in tmp_path.iterdir() if ".landopt-" in p.name] == []
    _assert_whole(out)


def test_the_chinese_plan_table_names_actions_in_chinese_only(toy_files, tmp_path, capsys):
    argv = ["plan", str(toy_files()), "--out", str(tmp_path / "o"), "--no-maps", "--lang", "zh"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "出清" in out and "转型升级" in out and "clear" not in out and "upgrade" not in out


def test_a_chinese_plan_redrawn_in_english_is_rechecked_in_english(tmp_path, capsys):
    """``landopt map --lang en`` on the Chinese demo: the re-check's details are English."""
    out = tmp_path / "o"
    demo = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "zhangdian-2023.toml"
    assert main(["plan", str(demo), "--out", str(out), "--no-maps"]) == 0
    layer = gpd.read_file(out / "plan.gpkg", layer="plan", engine="pyogrio")
    first = layer.index[layer["措施代码"] == "clear"][0]
    layer.loc[first, "措施代码"] = "none"  # one cleared plot dropped by hand
    layer.to_file(out / "plan.gpkg", layer="plan", driver="GPKG", engine="pyogrio")
    capsys.readouterr()
    assert main(["map", str(out), "--district", "none", "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert "count[clear]: 16 plots against 17 plots" in err
    assert "changed after the run" in err and "宗" not in err
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "16 plots against 17 plots" in html
