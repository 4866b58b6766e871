"""Many districts (landopt.districts, ``landopt plan-many``) and shared quotas (landopt.decompose).

The hand-solved province: two districts, one action (clear), no targets of their own, a
shared total of at least 30 mu.

========  ======  ====  ====  =========
district  parcel  mu    cost  cost / mu
========  ======  ====  ====  =========
A         a1      10    10    1.0
A         a2      20    30    1.5
B         b1      10    12    1.2
B         b2      20    20    1.0
========  ======  ====  ====  =========

30 mu: a1+b2 = 30, a2+b1 = 42, a1+a2 = 40, b1+b2 = 32. The joint optimum is a1+b2 = 30.
At the price 1 万元/mu every district's priced optimum is 0, so L(1) = 30 × 1 = 30: the
bound is tight and the decomposition proves 30.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landopt.districts import (
    apportion,
    plan_many,
    read_targets,
    scale_targets,
    split_by,
    write_many,
)
from landopt.errors import InputError, ParcelDataError, ScenarioError
from landopt.scenario import Targets, scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]

HAND = pd.DataFrame(
    {
        "parcel_id": ["a1", "a2", "b1", "b2"],
        "district_code": ["A", "A", "B", "B"],
        "status": ["idle"] * 4,
        "area_mu": [10.0, 20.0, 10.0, 20.0],
        "cost_clear_wan": [10.0, 30.0, 12.0, 20.0],
    }
)


def hand_scenario(**shared: object) -> object:
    d = {
        "name": "hand",
        "actions": {
            "clear": {
                "label": "出清",
                "cost": "cost_clear_wan",
                "eligible": {"field": "status", "in": ["idle"]},
                "targets": {},
            }
        },
        "shared": shared or {"area_min": {"clear": 30.0}},
    }
    return scenario_from_dict(d)


def _province_module() -> object:
    spec = importlib.util.spec_from_file_location(
        "make_province", ROOT / "scripts" / "make_province.py"
    )
    mod = importlib.util.module_from_spec(spec)
    sys.modules["make_province"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def tiny_province() -> object:
    """4 districts × 60 parcels in the demo's image."""
    return _province_module().generate_province(4, 60, seed=7)


def demo_scenario(**targets: dict) -> object:
    import tomllib

    d = tomllib.loads(
        (ROOT / "data" / "scenarios" / "zhangdian-2023.toml").read_text(encoding="utf-8")
    )
    d.pop("parcels")
    d["actions"]["clear"]["targets"] = targets.get("clear", {"count": 8, "area_min": 400})
    d["actions"]["revitalize"]["targets"] = targets.get("revitalize", {"count_min": 2})
    d["actions"]["upgrade"]["targets"] = targets.get("upgrade", {"count": 8, "area_min": 150})
    return scenario_from_dict(d)


# ----------------------------------------------------------------------------- generator
def test_province_generator_districts_and_unique_ids(tiny_province):
    p = tiny_province
    assert sorted(p["district_code"].unique()) == ["370101", "370102", "370103", "370104"]
    assert p.groupby("district_code").size().tolist() == [60, 60, 60, 60]
    assert p["parcel_id"].is_unique
    # districts do not overlap: their bounding boxes are disjoint
    boxes = [p[p.district_code == c].total_bounds for c in sorted(p.district_code.unique())]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]


def test_province_generator_is_deterministic():
    mod = _province_module()
    a, b = mod.generate_province(2, 30, seed=3), mod.generate_province(2, 30, seed=3)
    assert a.equals(b)


# ----------------------------------------------------------------------------- targets
def test_apportion_sums_exactly_and_largest_remainder():
    assert apportion(10, np.array([1.0, 1.0, 1.0])).tolist() == [4, 3, 3]
    got = apportion(17, np.array([5.0, 3.0, 2.0, 0.0]))
    assert got.sum() == 17 and got[-1] == 0
    assert got.tolist() == [9, 5, 3, 0]  # 8.5, 5.1, 3.4: the .5 gets the spare plot


def test_scaled_targets_add_up_to_the_province(tiny_province):
    sc = demo_scenario()
    parts = split_by(tiny_province, "district_code")
    per = scale_targets(sc, parts)
    assert sum(per[c]["clear"].count_min for c in per) == 8
    assert sum(per[c]["clear"].count_max for c in per) == 8
    assert sum(per[c]["clear"].area_min for c in per) == pytest.approx(400, abs=0.05)
    assert sum(per[c]["clear"].area_min for c in per) >= 400
    assert sum(per[c]["revitalize"].count_min for c in per if "revitalize" in per[c]) == 2


def test_targets_table_read_and_errors(tmp_path):
    sc = hand_scenario()
    good = tmp_path / "t.csv"
    good.write_text(
        "district,action,count,area_min\nA,clear,1,5\nB,clear,,12.5\n", encoding="utf-8"
    )
    per = read_targets(good, sc, ["A", "B"])
    assert per["A"]["clear"] == Targets(count_min=1, count_max=1, area_min=5.0)
    assert per["B"]["clear"] == Targets(area_min=12.5)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "district,action,count_min\nC,clear,1\nA,demolish,1\nB,clear,x\n", encoding="utf-8"
    )
    with pytest.raises(ScenarioError) as e:
        read_targets(bad, sc, ["A", "B"])
    text = str(e.value)
    assert "C" in text and "demolish" in text and "'x'" in text


def test_bad_by_column_is_a_named_error():
    with pytest.raises(ParcelDataError) as e:
        split_by(HAND, "county")
    assert "county" in str(e.value) and "district_code" in str(e.value)


# ----------------------------------------------------------------------------- plan-many
def test_plan_many_hand_each_district_alone():
    sc = hand_scenario()
    per = {"A": {"clear": Targets(area_min=15)}, "B": {"clear": Targets(area_min=15)}}
    r = plan_many(sc, HAND, by="district_code", targets=per)
    assert [d.code for d in r.districts] == ["A", "B"]
    # A: a2 (20 mu, 30) is the only single plot ≥ 15 mu and beats a1+a2; B: b2 (20)
    assert [set(d.plan.chosen["parcel_id"]) for d in r.districts] == [{"a2"}, {"b2"}]
    assert r.summary["cost_wan"].tolist() == [30.0, 20.0, 50.0]


def test_plan_many_unmet_district_is_reported_not_fatal():
    sc = hand_scenario()
    per = {"A": {"clear": Targets(area_min=100)}, "B": {"clear": Targets(area_min=15)}}
    r = plan_many(sc, HAND, by="district_code", targets=per)
    assert [d.status for d in r.districts] == ["unmet", "met"]
    assert r.districts[0].message
    assert r.summary.set_index("district").at["A", "met_share"] == pytest.approx(30 / 100)


def test_plan_many_serial_and_cluster_identical(tiny_province, tmp_path):
    sc = demo_scenario()
    one = plan_many(sc, tiny_province, by="district_code", scale=True)
    two = plan_many(sc, tiny_province, by="district_code", scale=True, jobs=2)
    assert two.workers == 2
    pd.testing.assert_frame_equal(one.summary, two.summary)
    for a, b in zip(one.districts, two.districts, strict=True):
        assert a.code == b.code
        assert list(a.plan.parcels["action"]) == list(b.plan.parcels["action"])
    out = write_many(two, tmp_path / "prov")
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "370101",
        "370102",
        "370103",
        "370104",
        "districts.csv",
        "districts.png",
        "districts.xlsx",
    ]
    assert (out / "370101" / "plan.gpkg").exists()
    run = json.loads((out / "370102" / "run.json").read_text(encoding="utf-8"))
    assert run["targets_met"] is True
    table = pd.read_csv(out / "districts.csv", encoding="utf-8-sig")
    assert len(table) == 5  # four districts and the province


def test_plan_many_is_one_run_in_the_store(tiny_province, tmp_path, monkeypatch):
    # one plan-many run, with its final folder; the districts' solves (in this process or on
    # workers, which are other processes) are part of it, not runs of their own with the
    # staging folder as their outputs
    from landopt.store import RunStore

    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.setenv("LANDOPT_STORE_URL", url)
    sc = demo_scenario()
    for jobs in (1, 2):
        result = plan_many(sc, tiny_province, by="district_code", scale=True, jobs=jobs)
        write_many(result, tmp_path / f"prov{jobs}")
        assert result.run_id is not None
    runs = RunStore(url).list()
    assert [r.kind for r in runs] == ["plan-many", "plan-many"]
    for r, jobs in zip(runs, (2, 1), strict=True):  # newest first
        assert r.status == "done" and r.out_dir == str((tmp_path / f"prov{jobs}").resolve())
        assert "districts.csv" in r.outputs and len(r.summary) == 5


# ----------------------------------------------------------------------------- decomposition
def test_decompose_hand_province_proves_the_optimum():
    from landopt.decompose import decompose

    a = decompose(hand_scenario(), HAND, by="district_code", joint=True)
    assert a.joint["objective"] == pytest.approx(30.0)
    assert a.feasible
    assert a.lower_bound == pytest.approx(30.0, abs=1e-6)
    assert a.lower_bound - 1e-6 <= a.joint["objective"] <= a.cost + 1e-6
    assert a.cost - a.joint["objective"] <= a.gap + 1e-6
    assert a.shares["got_0"].sum() >= 30 - 1e-6


def test_decompose_needs_a_shared_table():
    from landopt.decompose import decompose

    sc = scenario_from_dict({"name": "x", "actions": {"clear": {"label": "c", "cost": "cost_clear_wan",
                             "eligible": {"field": "status", "in": ["idle"]}}}})  # fmt: skip
    with pytest.raises(InputError):
        decompose(sc, HAND, by="district_code")


@pytest.mark.parametrize(
    "shared",
    [
        {"area_min": {"clear": 1200.0}},
        {"area_min": {"clear": 900.0}, "count_min": {"upgrade": 9}},
    ],
)
def test_decompose_within_its_bound_of_the_joint_optimum(tiny_province, shared):
    from landopt.decompose import decompose

    sc = demo_scenario(clear={"count_min": 1}, revitalize={}, upgrade={"count_min": 1})
    sc = scenario_from_dict({**sc.to_dict(), "shared": shared})
    a = decompose(sc, tiny_province, by="district_code", joint=True)
    z = a.joint["objective"]
    assert a.joint["proven_optimal"]
    assert a.feasible
    assert a.lower_bound <= z + 1e-6 * max(1, abs(z))
    assert z <= a.cost + 1e-6 * max(1, abs(z))
    assert a.cost - z <= a.gap + 1e-6 * max(1, abs(z))
    assert math.isfinite(a.gap)


# ----------------------------------------------------------------------------- CLI
def _scenario_file(tmp_path, layer: str, shared: str = "", targets: tuple = ()) -> Path:
    text = (ROOT / "data" / "scenarios" / "zhangdian-2023.toml").read_text(encoding="utf-8")
    text = text.replace('path = "../parcels.geojson"', f'path = "{layer}"').replace(
        "#:schema ./scenario.schema.json\n", ""
    )
    text = text.replace(
        "targets = { count = 17, area_min = 560 }", "targets = { count = 8, area_min = 400 }"
    )
    text = text.replace("targets = { count = 4, area_min = 430 }", "targets = { count_min = 2 }")
    text = text.replace(
        "targets = { count = 10, area_min = 810 }", "targets = { count = 8, area_min = 150 }"
    )
    for old, new in targets:
        text = text.replace(old, new)
    path = tmp_path / "province.toml"
    path.write_text(text + shared, encoding="utf-8")
    return path


def test_cli_plan_many_end_to_end(tiny_province, tmp_path, capsys):
    from landopt.cli import main

    tiny_province.to_file(tmp_path / "tiny.gpkg", driver="GPKG")
    sc = _scenario_file(tmp_path, "tiny.gpkg")
    out = tmp_path / "out"
    rc = main(
        [
            "plan-many",
            str(sc),
            "--by",
            "district_code",
            "--scale-targets",
            "--out",
            str(out),
            "--lang",
            "en",
        ]
    )
    assert rc == 0
    assert (out / "370104" / "summary.xlsx").exists() and (out / "districts.xlsx").exists()
    table = pd.read_csv(out / "districts.csv", encoding="utf-8-sig")
    assert table.columns[0] == "district" and table.iloc[-1, 0] == "province"
    assert "4 districts (4 met)" in capsys.readouterr().out
    # a bad --by column: a named error, exit 2, nothing written
    rc = main(
        ["plan-many", str(sc), "--by", "county", "--out", str(tmp_path / "bad"), "--lang", "en"]
    )
    assert rc == 2
    assert "county" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


def test_cli_plan_many_exits_3_when_a_district_misses_its_targets(tiny_province, tmp_path, capsys):
    """Like `landopt plan`: the closest plans are written, the unmet district is listed, and the
    exit code says the targets are not all met (a script must not read 0 as success)."""
    from landopt.cli import main

    tiny_province.to_file(tmp_path / "tiny.gpkg", driver="GPKG")
    sc = _scenario_file(
        tmp_path, "tiny.gpkg", targets=(("{ count = 8, area_min = 400 }", "{ count = 8, area_min = 99999 }"),)
    )
    out = tmp_path / "out"
    rc = main(["plan-many", str(sc), "--by", "district_code", "--out", str(out), "--lang", "en"])
    assert rc == 3
    assert (out / "districts.csv").exists()
    assert "targets not met in" in capsys.readouterr().out


def test_cli_plan_many_shared_quota(tiny_province, tmp_path, capsys):
    from landopt.cli import main

    tiny_province.to_file(tmp_path / "tiny.gpkg", driver="GPKG")
    own = (("{ count = 8, area_min = 400 }", "{ count_min = 1 }"), ("{ count_min = 2 }", "{}"),
           ("{ count = 8, area_min = 150 }", "{ count_min = 1 }"))  # fmt: skip
    sc = _scenario_file(tmp_path, "tiny.gpkg", "\n[shared]\narea_min = { clear = 1500 }\n", own)
    out = tmp_path / "out"
    rc = main(
        [
            "plan-many",
            str(sc),
            "--by",
            "district_code",
            "--out",
            str(out),
            "--joint",
            "--jobs",
            "2",
            "--lang",
            "en",
        ]
    )
    assert rc == 0
    rec = json.loads((out / "decomposition.json").read_text(encoding="utf-8"))
    z = rec["joint"]["objective"]
    assert rec["feasible"] and rec["lower_bound"] <= z + 1e-6 <= rec["cost"] + 2e-6
    assert rec["cost"] - z <= rec["gap"] + 1e-6
    alloc = pd.read_csv(out / "allocation.csv", encoding="utf-8-sig")
    assert alloc["planned: 出清 mu"].sum() >= 1500 - 1e-6
    assert "lower bound" in capsys.readouterr().out


def test_the_province_map_has_every_district_and_the_foot_of_every_landopt_map(tiny_province):
    from landopt import __version__
    from landopt.maps.province_map import plot_province_map

    r = plan_many(demo_scenario(), tiny_province, by="district_code", scale=True)
    fig = plot_province_map(r, lang="zh")
    gids = {a.get_gid(): a for a in fig.findobj() if a.get_gid()}
    assert {f"code:{d.code}" for d in r.districts} <= set(gids)
    foot = gids["source-note"].get_text()
    assert r.scenario.name in foot and "由 landopt 生成" in foot and "EPSG" in foot
    assert __version__ not in foot  # the version is in run.json and the PNG's metadata
    assert "目标完成率" in {t.get_text() for t in fig.findobj() if hasattr(t, "get_text")}
