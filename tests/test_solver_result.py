"""SolverResult.record() and SolverResult.from_record() are inverses, through run.json too."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landopt import load_scenario, solve
from landopt.cli.plan import format_plan_report
from landopt.excel import sheets
from landopt.maps.layers import plan_subtitle
from landopt.plan import Plan
from landopt.report import report_html
from landopt.solvers import SolverResult
from landopt.solvers.result import _gap

INF = float("inf")


def _result(**fields) -> SolverResult:
    base = {
        "status": "optimal",
        "has_solution": True,
        "proven_optimal": True,
        "objective": 165.0,
        "bound": 165.0,
        "gap": 0.0,
        "runtime": 0.123456789,
        "backend": "highs",
        "solver": "HiGHS",
        "solver_version": "1.16.0",
        "time_limit": 60.0,
        "time_limit_hit": False,
        "requested_gap": 0.0,
        "x": np.array([1.0, 0.0, 1.0]),
        "message": "Optimal",
        "options": {"time_limit": 60.0, "presolve": "on", "warm_start_objective": 170.0},
    }
    return SolverResult(**{**base, **fields})


CASES = {
    "optimal": _result(),
    "time limit, incumbent and bound": _result(
        status="time_limit",
        proven_optimal=False,
        objective=170.0,
        bound=160.0,
        gap=_gap(170.0, 160.0),
        time_limit_hit=True,
        requested_gap=1e-4,
        message="Time limit reached",
    ),
    "time limit, no bound": _result(
        status="time_limit",
        proven_optimal=False,
        objective=170.0,
        bound=None,
        gap=None,
        time_limit_hit=True,
        message="time limit reached; no bound had been proven",
    ),
    "time limit, no plan": _result(
        status="time_limit",
        has_solution=False,
        proven_optimal=False,
        objective=None,
        bound=150.0,
        gap=None,
        time_limit_hit=True,
        x=None,
    ),
    "infeasible": _result(
        status="infeasible",
        has_solution=False,
        proven_optimal=False,
        objective=None,
        bound=None,
        gap=None,
        x=None,
        message="Infeasible",
        options={},
    ),
    "no time limit": _result(time_limit=INF, options={"isolated": True}),
    "empty model": _result(
        solver="none (no eligible parcel)",
        solver_version="",
        objective=0.0,
        bound=0.0,
        runtime=0.0,
        x=np.zeros(0),
        options={},
    ),
}


@pytest.mark.parametrize("result", CASES.values(), ids=CASES.keys())
def test_record_from_record_record_is_the_same_record(result: SolverResult) -> None:
    rec = result.record()
    back = SolverResult.from_record(rec)
    assert back.record() == rec
    assert back.x is None  # the solution vector is not recorded
    assert back.runtime == round(result.runtime, 4)  # what run.json keeps
    # every field but the vector and the (rounded) runtime comes back as it was
    assert back == SolverResult(**{**result.__dict__, "x": None, "runtime": back.runtime})


@pytest.mark.parametrize("result", CASES.values(), ids=CASES.keys())
def test_the_round_trip_holds_through_json(result: SolverResult) -> None:
    """As plan.write_plan writes run.json and plan.read_plan reads it (inf as Infinity)."""
    rec = result.record()
    back = SolverResult.from_record(json.loads(json.dumps(rec, ensure_ascii=False, indent=2)))
    assert back.record() == rec
    assert math.isinf(back.time_limit) == math.isinf(result.time_limit)


def test_from_record_of_an_older_record_without_message_or_options() -> None:
    rec = CASES["optimal"].record()
    del rec["message"], rec["options"]
    back = SolverResult.from_record(rec)
    assert back.message == "" and back.options == {}


def test_from_record_does_not_share_the_options_dict() -> None:
    rec = CASES["optimal"].record()
    back = SolverResult.from_record(rec)
    rec["options"]["presolve"] = "off"
    assert back.options["presolve"] == "on"


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
maybe = st.none() | finite


@given(
    status=st.sampled_from(["optimal", "time_limit", "infeasible", "unbounded", "error"]),
    flags=st.tuples(st.booleans(), st.booleans(), st.booleans()),
    objective=maybe,
    bound=maybe,
    gap=maybe,
    runtime=st.floats(min_value=0, max_value=1e6),
    time_limit=st.floats(min_value=0, max_value=1e6) | st.just(INF),
    requested_gap=st.floats(min_value=0, max_value=1),
    message=st.text(max_size=20),
)
def test_round_trip_on_any_fields(
    status, flags, objective, bound, gap, runtime, time_limit, requested_gap, message
) -> None:
    result = _result(
        status=status,
        has_solution=flags[0],
        proven_optimal=flags[1],
        time_limit_hit=flags[2],
        objective=objective,
        bound=bound,
        gap=gap,
        runtime=runtime,
        time_limit=time_limit,
        requested_gap=requested_gap,
        message=message,
    )
    rec = result.record()
    assert SolverResult.from_record(rec).record() == rec
    assert SolverResult.from_record(json.loads(json.dumps(rec))).record() == rec


def test_read_plan_gives_back_the_result_write_plan_recorded(tmp_path) -> None:
    """run.json's solver record, read by plan.read_plan, is the solve's own record."""
    from test_plan import _with_geometry
    from toy import toy_parcels, toy_scenario

    from landopt.plan import read_plan, solve, write_plan

    plan = solve(toy_scenario(), _with_geometry(toy_parcels()))
    write_plan(plan, tmp_path / "out")
    back = read_plan(tmp_path / "out")
    assert back.result.x is None
    assert back.result.record() == plan.result.record()
    recorded = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert back.result.record() == recorded["solver"]


# --------------------------------------------------------------------------- the stopping rule
def test_proven_status_tells_exact_from_within_the_gap() -> None:
    from landopt.solvers.result import proven_status

    assert proven_status(5122.0, 5122.0) == "optimal"
    assert proven_status(5122.0, 5122.0 - 5e-7) == "optimal"  # HiGHS's 1e-6 floor
    assert proven_status(1e9, 1e9 - 0.5) == "optimal"  # 1e-9 relative
    assert proven_status(5122.0, 5121.5) == "within_gap"
    assert proven_status(5122.0, None) == "within_gap"  # proven by a rule, gap unknown


def test_a_record_without_an_absolute_gap_reads_back_with_none() -> None:
    rec = _result().record()
    del rec["requested_abs_gap"]
    assert SolverResult.from_record(rec).requested_abs_gap == 0.0


WITHIN = {
    "status": "within_gap",
    "requested_gap": 1e-4,
    "requested_abs_gap": 1.0,
    "gap": 3.2e-5,
    "abs_gap": 0.41,
}


@pytest.mark.parametrize(
    ("record", "lang", "text"),
    [
        ({"status": "optimal"}, "en", "proven optimal"),
        ({"status": "optimal"}, "zh", "已证明最优"),
        (
            WITHIN,
            "en",
            "within 0.01 % (or 1 万元) of the optimum, proven (proven gap 0.0032 %, 0.41 万元)",
        ),
        (WITHIN, "zh", "已证明与最优解相差不超过 0.01 %（或 1 万元）（已证明差距 0.0032 %，0.41 万元）"),
        (
            {**WITHIN, "requested_abs_gap": 0.0, "requested_gap": 0.05, "gap": None},
            "en",
            "within 5 % of the optimum, proven",
        ),
        ({**WITHIN, "requested_gap": 0.0, "gap": None}, "zh", "已证明与最优解相差不超过 1 万元"),
        ({"status": "time_limit"}, "en", "NOT proven optimal"),
        ({"status": "time_limit"}, "zh", "未证明最优"),
    ],
)
def test_proof_text_says_how_well_a_plan_was_proven(record, lang, text) -> None:
    from landopt.solvers.result import proof_text

    assert proof_text(record, lang) == text


# --------------------------------------------------------------------------- in every output
# The 2023 demo closes its gap to 0 under the default rule (0.01 % or 1 万元): it says
# "proven optimal". The same plan with a result stopped by the rule at a small proven gap
# (status within_gap) says so, with the gap, in the terminal summary, report.html, the
# map's subtitle, summary.xlsx and run.json.
DEMO = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "zhangdian-2023.toml"

ZH = "已证明与最优解相差不超过 0.01 %（或 1 万元）（已证明差距 0.0098 %，0.50 万元）"
EN = "within 0.01 % (or 1 万元) of the optimum, proven (proven gap 0.0098 %, 0.50 万元)"


@pytest.fixture(scope="module")
def exact() -> Plan:
    return solve(load_scenario(DEMO))


@pytest.fixture(scope="module")
def within(exact: Plan) -> Plan:
    r = exact.result
    bound = r.objective - 0.5
    return replace(
        exact,
        result=replace(r, status="within_gap", bound=bound, gap=0.5 / r.objective),
    )


def test_the_demo_is_proven_optimal_under_the_default_rule(exact):
    r = exact.result
    assert (r.requested_gap, r.requested_abs_gap) == (1e-4, 1.0)
    assert r.status == "optimal" and r.exact and r.bound == pytest.approx(r.objective)
    assert "已证明最优" in format_plan_report(exact, "demo.toml", "zh")
    assert "proven optimal" in format_plan_report(exact, "demo.toml", "en")
    assert "已证明差距" not in plan_subtitle(exact, "zh")


def test_the_terminal_summary_says_within_the_rule(within):
    assert within.result.objective == pytest.approx(5122.0)  # 0.5 万元 is 0.0098 %
    assert ZH in format_plan_report(within, "demo.toml", "zh")
    text = format_plan_report(within, "demo.toml", "en")
    assert EN in text and "proven optimal" not in text


def test_the_report_says_it_in_its_header_and_record(within):
    html = report_html(within, lang="en")
    # the header's badge, the record's row and the subtitle of the plan's totals
    assert html.count(EN) == 3
    assert "0.009762 % (0.50 万元)" in html  # the record's gap row
    same_but_exact = replace(within, result=replace(within.result, status="optimal"))
    assert "within 0.01 %" not in report_html(same_but_exact, lang="en")


def test_the_map_subtitle_says_it(within):
    assert ZH in plan_subtitle(within, "zh")
    assert EN in plan_subtitle(within, "en")


def test_summary_xlsx_and_run_json_say_it(within):
    tables = sheets(within, lang="zh")
    run = next(t for t in tables if any("solver.status" in map(str, r) for r in t.rows))
    rows = {r[1]: r[2] for r in run.rows}
    assert rows["solver.status"] == "within_gap"
    assert rows["solver.proof"] == ZH
    assert rows["solver.requested_gap"] == 1e-4 and rows["solver.requested_abs_gap"] == 1.0
    rec = within.record()["solver"]
    assert rec["status"] == "within_gap" and rec["abs_gap"] == pytest.approx(0.5)
