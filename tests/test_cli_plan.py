"""`landopt plan`: the 2023 demo end to end, exit codes, shortfall plans and atomic writes."""

from __future__ import annotations

import json
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
    assert main(["plan", str(DEMO_SCENARIO), "--out", str(out), "--no-maps"]) == 0
    text = capsys.readouterr().out
    assert "proven optimal" in text
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
    assert (layer["action"] != "none").sum() == 31
    assert set(layer["action"]) == {"clear", "revitalize", "upgrade", "none"}


def test_plan_on_toy_and_the_printed_table(toy_files, tmp_path, capsys):
    assert main(["plan", str(toy_files()), "--out", str(tmp_path / "o"), "--no-maps"]) == 0
    out = capsys.readouterr().out
    assert "objective minimize cost: 165.0" in out
    assert "clear 出清" in out and "upgrade 转型升级" in out


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
    assert main(["plan", str(toy_files()), "--out", str(out), "--no-maps"]) == 2  # named, not "internal"
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_solver_failure_exits_4(toy_files, tmp_path, monkeypatch, capsys):
    import landopt.plan as plan_mod
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
