"""The record of what was done (landopt.done): an earlier plan folder read as past deeds.

Hand-made folders on the toy district (P1..P6, tests/toy.py): a small plan.gpkg written
with geopandas and, where a test needs it, a run.json beside it. The new scenario's
programme is given duck-typed (a namespace in ``Scenario.rules``) so these tests do not
depend on the programme component's schema.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import box
from toy import toy_parcels, toy_scenario

from landopt.cli import main
from landopt.done import Done, DoneEntry, DoneError, done_folder, read_done, sequences
from landopt.errors import InputError
from landopt.i18n import current_lang

ROOT = Path(__file__).resolve().parents[1]
DEMO_SCENARIO = ROOT / "data" / "scenarios" / "zhangdian-2023.toml"


def programme(sc, years=(2024, 2025), **kw):
    """``sc`` with a duck-typed ``[programme]`` (years, sequences, locks, done)."""
    spec = SimpleNamespace(years=list(years), sequences=kw.pop("sequences", None), **kw)
    return replace(sc, rules=(*sc.rules, ("programme", spec)))


def record(tmp_path, rows, *, run=None, name="rec", metadata=None):
    """A plan folder: plan.gpkg of ``rows`` (a dict of columns) and optionally run.json."""
    folder = tmp_path / name
    folder.mkdir()
    n = len(next(iter(rows.values())))
    gdf = gpd.GeoDataFrame(
        pd.DataFrame(rows),
        geometry=[box(i * 100, 0, i * 100 + 50, 50) for i in range(n)],
        crs="EPSG:4548",
    )
    gdf.to_file(folder / "plan.gpkg", layer="plan", engine="pyogrio", metadata=metadata)
    if run is not None:
        (folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return folder


def layer(**status):
    """The new parcel layer: the toy's, with some statuses updated to what was done."""
    df = toy_parcels()
    for pid, s in status.items():
        df.loc[df["parcel_id"] == pid, "status"] = s
    return df


SC = programme(toy_scenario())
ONE_YEAR_RUN = {"scenario": {"name": "toy", "year": 2023}}


def problems(exc):
    return [str(p) for p in exc.value.problems]


# ----------------------------------------------------------------------------------------
# the good path
# ----------------------------------------------------------------------------------------


def test_a_programme_record_reads_only_the_years_before_the_programme(tmp_path, caplog):
    folder = record(
        tmp_path,
        {
            "parcel_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
            "status": ["inefficient", "inefficient", "idle", "idle", "upgrade_candidate", "in_use"],
            "action": ["upgrade", "none", "clear", "revitalize", "upgrade", "none"],
            "year": pd.array([2023, None, 2022, 2024, 2023, None], dtype="Int64"),
            "action2": ["none", "none", "revitalize", "none", "none", "none"],
            "year2": pd.array([None, None, 2023, None, None, None], dtype="Int64"),
        },
    )
    with caplog.at_level(logging.INFO, logger="landopt.done"):
        done = read_done(folder, SC, layer(P1="in_use", P3="in_use", P5="in_use"))
    assert isinstance(done, Done) and done.before == 2024 and done.source == str(folder)
    assert done.entries == (
        DoneEntry(0, "P1", "upgrade", 2023, 0),
        DoneEntry(2, "P3", "clear", 2022, 0),
        DoneEntry(2, "P3", "revitalize", 2023, 1),
        DoneEntry(4, "P5", "upgrade", 2023, 0),
    )
    assert done.by_row()[2] == (
        DoneEntry(2, "P3", "clear", 2022, 0),
        DoneEntry(2, "P3", "revitalize", 2023, 1),
    )
    assert list(done.rows) == [0, 2, 4] and len(done) == 4
    assert not done.warnings
    assert "1 entries of 2024 or later are plans, not deeds: ignored" in caplog.text  # P4's


def test_a_second_step_after_the_first_year_is_ignored_and_the_first_kept(tmp_path):
    folder = record(
        tmp_path,
        {
            "parcel_id": ["P3"],
            "status": ["idle"],
            "action": ["clear"],
            "year": [2023],
            "action2": ["revitalize"],
            "year2": [2025],
        },
    )
    done = read_done(folder, SC, layer(P3="cleared"))
    assert done.entries == (DoneEntry(2, "P3", "clear", 2023, 0),)


def test_labels_and_the_words_for_nothing_are_accepted(tmp_path):
    folder = record(
        tmp_path,
        {
            "parcel_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
            "action": ["转型升级", "无", "出清", "", "UPGRADE", None],
            "action_label": ["转型升级", "", "", "盘活", "", ""],
            "year": [2023] * 6,
        },
    )
    done = read_done(folder, SC, layer())
    assert [(e.parcel_id, e.action) for e in done.entries] == [
        ("P1", "upgrade"),
        ("P3", "clear"),
        ("P4", "revitalize"),  # the code column empty, the label filled in
        ("P5", "upgrade"),
    ]


def test_a_one_year_record_without_year_columns_is_of_its_run_year(tmp_path):
    folder = record(
        tmp_path,
        {"parcel_id": ["P1", "P3"], "action": ["upgrade", "clear"]},
        run=ONE_YEAR_RUN,
    )
    done = read_done(folder, SC, layer())
    assert done.entries == (
        DoneEntry(0, "P1", "upgrade", 2023, 0),
        DoneEntry(2, "P3", "clear", 2023, 0),
    )
    # the plan.gpkg itself may be given instead of its folder
    assert read_done(folder / "plan.gpkg", SC, layer()).entries == done.entries


def test_a_one_year_scenario_re_plans_from_its_year(tmp_path):
    folder = record(tmp_path, {"parcel_id": ["P1"], "action": ["upgrade"]}, run=ONE_YEAR_RUN)
    sc = toy_scenario(year=2024)
    assert read_done(folder, sc, layer()).entries == (DoneEntry(0, "P1", "upgrade", 2023, 0),)
    same = read_done(folder, toy_scenario(year=2023), layer())
    assert same.entries == ()
    assert "none of its 1 actions started before 2023: nothing is fixed" in str(same.warnings[0])


def test_numeric_ids_match_as_on_reading(tmp_path):
    folder = record(
        tmp_path,
        {"parcel_id": [1.0, 2.0, None], "action": ["upgrade", "none", "none"]},
        run=ONE_YEAR_RUN,
    )
    new = layer()
    new["parcel_id"] = ["1", "2", "3", "4", "5", "6"]
    assert read_done(folder, SC, new).entries == (DoneEntry(0, "1", "upgrade", 2023, 0),)


def test_the_planners_id_column_is_matched_through_the_scenario_mapping(tmp_path):
    # no layout in the metadata (another tool rewrote the file): by the names
    folder = record(
        tmp_path,
        {"地块编号": ["P2", "P4"], "措施": ["出清", "盘活"], "措施代码": ["clear", "revitalize"]},
        run={"scenario": {"name": "toy", "year": 2023, "lang": "zh"}},
    )
    sc = programme(toy_scenario(parcels={"path": "x.gpkg", "columns": {"地块编号": "parcel_id"}}))
    done = read_done(folder, sc, layer())
    assert [(e.row, e.parcel_id, e.action) for e in done.entries] == [
        (1, "P2", "clear"),
        (3, "P4", "revitalize"),
    ]


def test_a_layer_not_updated_since_the_record_is_a_warning_not_an_error(tmp_path, caplog):
    folder = record(
        tmp_path,
        {
            "parcel_id": ["P1", "P2", "P3"],
            "status": ["inefficient", "inefficient", "idle"],
            "action": ["upgrade", "clear", "clear"],
        },
        run=ONE_YEAR_RUN,
    )
    with caplog.at_level(logging.WARNING, logger="landopt.done"):
        done = read_done(folder, SC, layer(P3="cleared"))  # P1, P2 still as in the record
    assert len(done) == 3
    (warning,) = done.warnings
    assert warning.severity == "warning"
    text = str(warning)
    assert "parcels P1, P2" in text and "P3" not in text
    assert (
        "still has the status the record shows (e.g. upgrade (转型升级) in 2023: still 'inefficient')"
        in text
    )
    assert "still 'inefficient'" in caplog.text


def test_sequences_default_to_clear_then_revitalize():
    assert sequences(toy_scenario()) == (("clear", "revitalize"),)
    assert sequences(programme(toy_scenario(), sequences=[])) == ()
    assert sequences(
        programme(toy_scenario(), sequences=[{"first": "clear", "then": "upgrade"}])
    ) == (("clear", "upgrade"),)


def test_the_scenarios_done_folder_is_relative_to_the_scenario_file(tmp_path):
    sc = replace(programme(toy_scenario(), done="plan-2023/"), source=tmp_path / "s.toml")
    assert done_folder(sc) == tmp_path / "plan-2023"
    assert done_folder(toy_scenario()) is None


# ----------------------------------------------------------------------------------------
# named errors
# ----------------------------------------------------------------------------------------


def test_a_missing_folder_and_a_folder_without_plan_gpkg(tmp_path):
    with pytest.raises(DoneError) as exc:
        read_done(tmp_path / "nothere", SC, layer())
    assert isinstance(exc.value, InputError) and exc.value.exit_code == 2
    assert (
        "folder" in str(exc.value)
        and "not found" in str(exc.value)
        and "landopt plan" in str(exc.value)
    )
    (tmp_path / "empty").mkdir()
    with pytest.raises(DoneError, match=r"has no plan\.gpkg"):
        read_done(tmp_path / "empty", SC, layer())


def test_an_unreadable_plan_gpkg_is_named(tmp_path):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "plan.gpkg").write_bytes(b"not a geopackage")
    with pytest.raises(DoneError, match="cannot read"):
        read_done(tmp_path / "bad", SC, layer())


def test_a_record_from_another_layer_is_one_error(tmp_path):
    ids = [f"X{i}" for i in range(300)]
    folder = record(tmp_path, {"parcel_id": ids, "action": ["clear"] * 300}, run=ONE_YEAR_RUN)
    with pytest.raises(DoneError) as exc:
        read_done(folder, SC, layer())
    assert len(exc.value.problems) == 1
    text = str(exc.value)
    assert "none of its 300 parcel ids is in the new parcel layer" in text
    assert "X0, X1, X2, X3, X4 and 295 more" in text and "P1" in text


def test_ids_not_in_the_new_layer_and_duplicate_ids(tmp_path):
    folder = record(
        tmp_path,
        {
            "parcel_id": ["P1", "P1", "P2", "Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Z"],
            "action": ["upgrade", "upgrade", "none"] + ["clear"] * 7 + ["none"],
        },
        run=ONE_YEAR_RUN,
    )
    with pytest.raises(DoneError) as exc:
        read_done(folder, SC, layer())
    text = problems(exc)
    assert any("parcel P1" in p and "more than once (2 rows)" in p for p in text)
    missing = [p for p in text if "not in the new parcel layer" in p]
    assert len(missing) == 1 and "parcels Q1, Q2, Q3, Q4, Q5 and 2 more" in missing[0]
    assert "Z" not in "".join(text)  # without an action: ignored


def test_an_unknown_action_lists_the_valid_names_and_labels(tmp_path):
    folder = record(
        tmp_path, {"parcel_id": ["P1", "P2"], "action": ["demolish", "demolish"]}, run=ONE_YEAR_RUN
    )
    with pytest.raises(DoneError) as exc:
        read_done(folder, SC, layer())
    (text,) = problems(exc)
    assert "parcels P1, P2" in text and "'demolish' is not an action" in text
    assert "clear (出清), revitalize (盘活), upgrade (转型升级)" in text and "none" in text


def test_the_code_and_label_columns_must_agree(tmp_path):
    folder = record(
        tmp_path,
        {"parcel_id": ["P1"], "action": ["none"], "action_label": ["x"], "year": [2023]},
    )
    with pytest.raises(DoneError, match="'x' is not an action"):
        read_done(folder, SC, layer())
    folder = record(
        tmp_path,
        {"parcel_id": ["P1"], "action": ["upgrade"], "action_label": ["出清"], "year": [2023]},
        name="rec2",
    )
    with pytest.raises(DoneError, match="action_label says '出清' but action says 'upgrade'"):
        read_done(folder, SC, layer())
    # an explicit none against an action is as ambiguous: which column did the planner edit?
    folder = record(
        tmp_path,
        {
            "parcel_id": ["P1", "P2", "P3"],
            "action": ["none", "clear", ""],
            "action_label": ["转型升级", "无", "出清"],
            "year": [2023] * 3,
        },
        name="rec3",
    )
    with pytest.raises(DoneError) as exc:
        read_done(folder, SC, layer())
    text = problems(exc)
    assert len(text) == 2 and "P3" not in "".join(text)  # an empty cell says nothing
    assert any("parcel P1" in p and "says '转型升级' but action says 'none'" in p for p in text)
    assert any("parcel P2" in p and "says '无' but action says 'clear'" in p for p in text)


def test_years_that_are_not_integers_or_missing(tmp_path):
    folder = record(
        tmp_path,
        {
            "parcel_id": ["P1", "P2", "P3", "P5"],
            "action": ["upgrade", "clear", "clear", "upgrade"],
            "year": ["soon", "2023.5", "", "2023年"],
        },
    )
    with pytest.raises(DoneError) as exc:
        read_done(folder, SC, layer())
    text = "\n".join(problems(exc))
    assert "year 'soon' is not an integer" in text and "year '2023.5' is not an integer" in text
    assert "parcel P3, field 'year': has an action but no year" in text
    assert "P5" not in text  # '2023年' is a year


def test_no_year_column_and_no_one_year_run(tmp_path):
    folder = record(tmp_path, {"parcel_id": ["P1"], "action": ["upgrade"]})
    with pytest.raises(DoneError, match=r"no year column and run\.json does not name one year"):
        read_done(folder, SC, layer())
    run = {"scenario": {"name": "p", "year": 2023, "programme": {"years": [2023, 2024]}}}
    folder = record(tmp_path, {"parcel_id": ["P1"], "action": ["upgrade"]}, run=run, name="rec2")
    with pytest.raises(DoneError, match="no year column"):
        read_done(folder, SC, layer())


def test_second_steps_without_a_first_not_later_or_not_a_sequence(tmp_path):
    folder = record(
        tmp_path,
        {
            "parcel_id": ["P1", "P2", "P3", "P4"],
            "action": ["none", "clear", "upgrade", "clear"],
            "year": pd.array([None, 2022, 2022, 2022], dtype="Int64"),
            "action2": ["revitalize", "revitalize", "revitalize", "revitalize"],
            "year2": pd.array([2023, 2022, 2023, 2023], dtype="Int64"),
        },
    )
    with pytest.raises(DoneError) as exc:
        read_done(folder, SC, layer())
    text = problems(exc)
    assert len(text) == 3
    assert any(
        "parcel P1" in p and "second step (revitalize (盘活)) without a first" in p for p in text
    )
    assert any(
        "parcel P2" in p and "second step in 2022, not after the first (2022)" in p for p in text
    )
    assert any(
        "parcel P3" in p
        and "revitalize (盘活) after upgrade (转型升级) is not a sequence" in p
        and "clear (出清) → revitalize (盘活)" in p
        for p in text
    )  # P4 is fine


def test_a_done_parcel_locked_to_another_action(tmp_path):
    folder = record(
        tmp_path,
        {"parcel_id": ["P1", "P2", "P3", "P5"], "action": ["upgrade", "clear", "clear", "upgrade"]},
        run=ONE_YEAR_RUN,
    )
    sc = toy_scenario(
        locks={"include": {"P1": "clear", "P3": "revitalize"}, "exclude": {"P2": "all"}}
    )
    sc = programme(sc, locks={"P5": {"action": "clear", "year": 2024}})
    with pytest.raises(DoneError) as exc:
        read_done(folder, sc, layer())
    text = problems(exc)
    assert len(text) == 3  # P3: revitalize is the next step of its clearing, not a conflict
    assert any("parcel P1" in p and "[locks] forces clear (出清)" in p for p in text)
    assert any("parcel P2" in p and "[locks] keeps it out of clear (出清)" in p for p in text)
    assert any("parcel P5" in p and "[programme.locks] clear (出清) in 2024" in p for p in text)


def test_all_problems_are_raised_once_and_in_chinese_for_a_chinese_scenario(tmp_path):
    folder = record(
        tmp_path,
        {
            "parcel_id": ["P1", "P2", "Q9"],
            "action": ["拆除", "clear", "clear"],
            "year": ["2023", "x", "2023"],
        },
    )
    token = current_lang.set("zh")  # the language of the run (the CLI sets it): the framing
    try:
        with pytest.raises(DoneError) as exc:
            read_done(folder, programme(toy_scenario(lang="zh")), layer())
    finally:
        current_lang.reset(token)
    assert len(exc.value.problems) == 3
    text = str(exc.value)
    assert "已完成记录" in text and "处问题" in text
    assert "'拆除' 不是本情景的措施" in text and "出清" in text
    assert "地块 Q9" in text and "新地块图层中没有该地块" in text
    assert "地块 P2，字段 'year'：年份 'x' 不是整数" in text


# ----------------------------------------------------------------------------------------
# today's one-year plan from the real command line as a record
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_plan(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "plan-2023"
    assert main(["plan", str(DEMO_SCENARIO), "--out", str(out), "--no-maps"]) == 0
    return out


@pytest.fixture(scope="module")
def demo_layer():
    from landopt.parcels import read_parcels
    from landopt.scenario import load_scenario

    sc = load_scenario(DEMO_SCENARIO)
    return sc, read_parcels(sc.parcels.path, **sc.parcels.read_kwargs())


def test_the_demo_2023_plan_is_read_as_done_in_2023(demo_plan, demo_layer):
    sc, parcels = demo_layer
    done = read_done(demo_plan, programme(sc), parcels)
    plan = gpd.read_file(demo_plan / "plan.gpkg", layer="plan")
    chosen = plan[plan["措施代码"] != "none"]
    assert len(done) == len(chosen) == 31
    assert {e.year for e in done.entries} == {2023} and {e.stage for e in done.entries} == {0}
    assert done.frame()["action"].value_counts().to_dict() == {
        "clear": 17,
        "upgrade": 10,
        "revitalize": 4,
    }
    assert {e.parcel_id: e.action for e in done.entries} == dict(
        zip(chosen["parcel_id"], chosen["措施代码"], strict=True)
    )
    assert all(parcels["parcel_id"].iloc[e.row] == e.parcel_id for e in done.entries)
    assert done.warnings  # the demo layer is not updated since 2023: the statuses are unchanged


def test_the_planners_edits_of_the_demo_plan_are_honoured(demo_plan, demo_layer, tmp_path):
    sc, parcels = demo_layer
    plan = gpd.read_file(demo_plan / "plan.gpkg", layer="plan")
    cleared = plan.index[plan["措施代码"] == "clear"]
    untouched = plan.index[(plan["措施代码"] == "none") & (plan["status"] == "inefficient")]
    not_done, really = cleared[0], untouched[0]
    plan.loc[not_done, ["措施", "措施代码"]] = ["", "none"]
    plan.loc[really, "措施"] = "出清"  # the label edited, the code left as it was
    plan.loc[really, "措施代码"] = ""
    folder = tmp_path / "edited"
    folder.mkdir()
    plan.to_file(folder / "plan.gpkg", layer="plan", engine="pyogrio")  # the layout metadata lost
    (folder / "run.json").write_text(
        (demo_plan / "run.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert pyogrio.read_info(folder / "plan.gpkg", layer="plan").get("layer_metadata") is None
    done = {e.parcel_id: e.action for e in read_done(folder, programme(sc), parcels).entries}
    assert plan.loc[not_done, "parcel_id"] not in done
    assert done[plan.loc[really, "parcel_id"]] == "clear"
    assert len(done) == 31


def test_cli_plan_with_a_bad_record_prints_a_named_chinese_error_and_exits_2(
    demo_plan, tmp_path, capsys
):
    out = tmp_path / "o"
    argv = [
        "plan",
        str(DEMO_SCENARIO),
        "--out",
        str(out),
        "--no-maps",
        "--done",
        str(tmp_path / "nothere"),
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "已完成记录" in err and "找不到文件夹" in err and "--done" in err
    assert "Traceback" not in err and not out.exists()

    plan = gpd.read_file(demo_plan / "plan.gpkg", layer="plan")
    bad = tmp_path / "bad"
    bad.mkdir()
    plan["措施代码"] = plan["措施代码"].where(plan["措施代码"] != "clear", "拆除")
    plan["year"] = 2022  # so that they count as done before the demo's 2023
    plan.to_file(bad / "plan.gpkg", layer="plan", engine="pyogrio")
    argv[-1] = str(bad)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "'拆除' 不是本情景的措施" in err and "及另外 12 宗" in err and "出清" in err
    assert "Traceback" not in err and not out.exists()


# ----------------------------------------------------------------------------------------
# end to end with the programme model (runs once the [programme] component exists)
# ----------------------------------------------------------------------------------------


def test_a_2024_2025_re_plan_keeps_the_2023_deeds(demo_plan, demo_layer, tmp_path):
    pytest.importorskip("landopt.rules.programme")
    from landopt.plan import solve
    from landopt.scenario import load_scenario

    parcels_path = (ROOT / "data" / "parcels.geojson").as_posix()
    text = DEMO_SCENARIO.read_text(encoding="utf-8")
    text = (
        text.replace("year = 2023\n", "year = 2024\n", 1)
        .replace('path = "../parcels.geojson"', f'path = "{parcels_path}"', 1)
        .replace(
            "\n[objective]",
            '\n[programme]\nyears = [2024, 2025]\ndone = "plan-2023"\n\n[objective]',
            1,
        )
    )
    path = demo_plan.parent / "zhangdian-2024-2025.toml"  # beside plan-2023/: done is relative
    path.write_text(text, encoding="utf-8")
    sc = load_scenario(path)
    done = read_done(demo_plan, sc, demo_layer[1])
    assert len(done) == 31
    plan = solve(sc, allow_shortfall=True)  # the record from [programme] done
    got = plan.parcels.set_index("parcel_id")
    for e in done.entries:
        row = got.loc[e.parcel_id]
        # the re-plan's layer holds the new programme's steps only: a done parcel is never
        # re-chosen, except that land cleared in 2023 is stock the re-plan may re-supply
        if e.action == "clear":
            assert row["action"] in ("revitalize", "none")
            if row["action"] == "revitalize":
                assert int(row["year"]) >= 2024 and bool(row["stock"])
        else:
            assert row["action"] == "none"
        if e.action != "clear" and "action2" in got.columns:
            assert row["action2"] in ("none", "")
    # the record travels with the plan: run.json keeps it and read_plan re-checks with it
    from landopt.plan import read_plan, write_plan

    out = tmp_path / "plan-2024-2025"
    write_plan(plan, out)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert len(run["done"]["entries"]) == 31
    again = read_plan(out)
    assert again.done is not None and len(again.done) == 31
    assert not again.failed_checks
