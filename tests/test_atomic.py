"""Output folders are whole: staged, swapped in as one step, stale staging removed."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box
from toy import toy_parcels, toy_scenario

import landopt._atomic as atomic
from landopt._atomic import atomic_file, remove_stale
from landopt.errors import OutputError
from landopt.plan import file_sha256, solve, write_plan


@pytest.fixture(scope="module")
def plan():
    df = toy_parcels()
    side = (df["area_mu"] * 10000 / 15) ** 0.5
    geoms = [
        box(589000 + 300 * i, 4074000, 589000 + 300 * i + s, 4074000 + s)
        for i, s in enumerate(side)
    ]
    gdf = gpd.GeoDataFrame(df, geometry=geoms, crs="EPSG:4548")
    return solve(toy_scenario(), gdf)


def _writer(text):
    def write(path):
        Path(path).write_text(text, encoding="utf-8")

    return write


def _snapshot(out: Path) -> dict[str, str]:
    return {p.name: file_sha256(p) for p in sorted(out.iterdir())}


def _staging(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".landopt-" in p.name)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_force_without_maps_removes_the_earlier_maps(plan, tmp_path):
    out = tmp_path / "out"
    write_plan(plan, out, extra={"plan.png": _writer("old map"), "report.html": _writer("old")})
    write_plan(plan, out, force=True)  # like --force --no-maps
    names = sorted(p.name for p in out.iterdir())
    assert names == ["plan.gpkg", "run.json", "summary.csv", "summary.xlsx"]
    assert _staging(tmp_path) == []


def test_a_failed_swap_leaves_the_complete_old_output(plan, tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_plan(plan, out, extra={"plan.png": _writer("old map")})
    before = _snapshot(out)
    real = atomic.os.rename

    def rename(src, dst):
        if ".landopt-stage-" in str(src):
            raise OSError(errno.EIO, "Input/output error", str(dst))
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "rename", rename)
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)  # the two-rename swap
    with pytest.raises(OutputError, match="Input/output error"):
        write_plan(plan, out, force=True, extra={"plan.png": _writer("new map")})
    assert _snapshot(out) == before
    assert _staging(tmp_path) == []


def test_a_failed_exchange_leaves_the_complete_old_output(plan, tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_plan(plan, out, extra={"plan.png": _writer("old map")})
    before = _snapshot(out)

    def exchange(a, b):
        raise OSError(errno.EIO, "Input/output error", str(b))

    monkeypatch.setattr(atomic, "_exchange", exchange)
    with pytest.raises(OutputError, match="Input/output error"):
        write_plan(plan, out, force=True, extra={"plan.png": _writer("new map")})
    assert _snapshot(out) == before
    assert _staging(tmp_path) == []


def test_a_folder_that_appears_while_writing_is_not_replaced(plan, tmp_path):
    out = tmp_path / "out"

    def other_run(path):  # another run finishes into the same --out meanwhile
        out.mkdir()
        (out / "plan.gpkg").write_text("the other run's plan")
        Path(path).write_text("mine")

    with pytest.raises(OutputError, match="appeared while this run was writing"):
        write_plan(plan, out, extra={"plan.png": other_run})
    assert (out / "plan.gpkg").read_text() == "the other run's plan"
    assert sorted(p.name for p in out.iterdir()) == ["plan.gpkg"]
    assert _staging(tmp_path) == []


def test_an_empty_existing_folder_is_used(plan, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    write_plan(plan, out)
    assert (out / "run.json").exists()


def test_foreign_files_are_refused_not_deleted(plan, tmp_path):
    out = tmp_path / "out"
    write_plan(plan, out)
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"notes\.txt, which landopt did not write"):
        write_plan(plan, out, force=True)
    assert (out / "notes.txt").read_text() == "mine"


def test_run_json_lists_the_files_with_their_hashes(plan, tmp_path):
    out = tmp_path / "out"
    write_plan(plan, out, extra={"plan.png": _writer("map")})
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["outputs"] == {n: h for n, h in _snapshot(out).items() if n != "run.json"}


def test_stale_staging_of_dead_runs_is_removed_live_ones_kept(plan, tmp_path):
    dead = tmp_path / f".out.landopt-stage-{_dead_pid()}-0123abcd"
    live = tmp_path / f".out.landopt-stage-{atomic.os.getppid()}-0123abcd"
    for d in (dead, live):
        d.mkdir()
        (d / "plan.gpkg").write_text("half")
    write_plan(plan, tmp_path / "out")
    assert not dead.exists()
    assert live.exists()  # the parent process (pytest's) is alive: never touched


def test_an_old_folder_left_aside_by_a_killed_swap_is_put_back(tmp_path):
    out = tmp_path / "out"
    aside = tmp_path / f".out.landopt-old-{_dead_pid()}-0123abcd"
    aside.mkdir()
    (aside / "run.json").write_text("{}")
    remove_stale(out)
    assert (out / "run.json").read_text() == "{}"
    assert _staging(tmp_path) == []


def test_atomic_file_leaves_nothing_when_the_writer_fails(tmp_path):
    target = tmp_path / "a.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_file(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]
    with atomic_file(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_the_current_folder_is_never_swapped(plan, tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_plan(plan, out)
    monkeypatch.chdir(out)
    with pytest.raises(OutputError, match="current folder"):
        write_plan(plan, out, force=True)
    assert (out / "run.json").exists()


def test_folders_written_file_by_file_keep_other_files(tmp_path):
    from landopt.plan import check_output_dir

    (tmp_path / "notes.txt").write_text("mine")
    assert check_output_dir(tmp_path, names=["sweep.csv"]) == tmp_path  # sweep, compare
    with pytest.raises(OutputError, match="notes"):
        check_output_dir(tmp_path, names=["plan.gpkg"], whole=True)


def test_staged_files_replace_all_and_clean_dead_staging(tmp_path):
    from landopt._atomic import staged_files

    dead = tmp_path / f".landopt-stage-{_dead_pid()}-0123abcd"
    dead.mkdir()
    (tmp_path / "plan.png").write_text("old")
    with pytest.raises(RuntimeError), staged_files(tmp_path, ["plan.png", "report.html"]) as stage:
        (stage / "plan.png").write_text("new")
        raise RuntimeError("the report failed")
    assert (tmp_path / "plan.png").read_text() == "old"  # nothing replaced before all are done
    with staged_files(tmp_path, ["plan.png", "report.html"]) as stage:
        (stage / "plan.png").write_text("new")
        (stage / "report.html").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.png", "report.html"]
    assert (tmp_path / "plan.png").read_text() == "new"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_force_exchanges_the_folders_in_one_step(tmp_path, monkeypatch):
    """On Linux ``out`` is never moved aside: it is exchanged with the staging folder."""
    from landopt import _atomic

    out = tmp_path / "out"
    with _atomic.atomic_folder(out, force=False, known=["a.txt"]) as stage:
        (stage / "a.txt").write_text("old")
    renamed: list[tuple[str, str]] = []
    real = os.rename
    monkeypatch.setattr(
        _atomic.os, "rename", lambda a, b: (renamed.append((str(a), str(b))), real(a, b))[1]
    )
    with _atomic.atomic_folder(out, force=True, known=["a.txt"]) as stage:
        (stage / "a.txt").write_text("new")
    assert (out / "a.txt").read_text() == "new"
    assert not [r for r in renamed if r[0] == str(out)]  # out was never renamed away
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
