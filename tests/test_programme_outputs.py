"""The outputs of a multi-year programme plan, on a plan layer made by hand (tests/programme_toy.py).

Every number below is worked out by hand in programme_toy's docstring: a two-year upgrade
split 50/50 (P1, P5), a sequence clear 2023 → re-supply 2024 (P2, its re-supply cost from
the sequence's 5 万元/亩), a stock parcel re-supplied in 2023 (P6). Maps and charts run on
the Agg backend and are checked by their artists.
"""

from __future__ import annotations

import json
from dataclasses import replace

import matplotlib

matplotlib.use("Agg")

import openpyxl
import pandas as pd
import pyogrio
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from programme_toy import YEARS, programme_layer, programme_plan

from landopt import excel, maps
from landopt import programme_tables as pt
from landopt.parcels.layout import from_planner_layer, planner_layer, read_layout
from landopt.plan import plot_numbers, solve, write_plan
from landopt.report import PROGRAMME_FILES, plan_outputs, report_html
from landopt.webmap import build_webmap_data, webmap_html

HAS_CJK = maps.find_cjk_font() is not None
needs_cjk = pytest.mark.skipif(not HAS_CJK, reason="no CJK font")


@pytest.fixture(scope="module")
def plan():
    return programme_plan("zh")


@pytest.fixture(scope="module")
def plan_en():
    return programme_plan("en")


@pytest.fixture(scope="module")
def one_year():
    from toy import toy_scenario

    return solve(toy_scenario(lang="zh"), programme_layer())


def _row(table: pd.DataFrame, year: int | None, action: str) -> dict:
    on = table["action"] == action
    on &= table["year"].isna() if year is None else table["year"] == year
    (r,) = table[on].to_dict("records")
    return r


# --------------------------------------------------------------------------- tables
def test_steps_split_the_upgrade_and_price_the_resupply_from_the_sequence(plan):
    s = pt.programme_steps(plan.scenario, plan.parcels).set_index(["parcel_id", "stage"])
    assert s.loc[("P1", 0), ["action", "start", "end"]].tolist() == ["upgrade", 2023, 2024]
    assert s.loc[("P1", 0), "split"] == (0.5, 0.5)
    assert s.loc[("P2", 1), ["action", "start", "cost_wan", "resupply"]].tolist() == [
        "revitalize",
        2024,
        150.0,  # no revitalize cost on P2: 5 万元/亩 × 30 亩
        True,
    ]
    assert s.loc[("P6", 0), ["cost_wan", "benefit_wan", "resupply"]].tolist() == [50.0, 10.0, True]
    money = pt.cost_in_years(s.reset_index(), YEARS)
    assert money.sum() == pytest.approx(485.0)


@pytest.mark.parametrize(
    ("year", "action", "plots", "mu", "resupply", "cost", "benefit"),
    [
        (2023, "clear", 1, 30.0, 0, 120.0, 8.0),
        (2023, "revitalize", 1, 10.0, 1, 50.0, 10.0),
        (2023, "upgrade", 1, 20.0, 0, 15.0, 0.0),
        (2023, "total", 3, 60.0, 1, 185.0, 18.0),
        (2024, "revitalize", 1, 30.0, 1, 150.0, 8.0),
        (2024, "upgrade", 1, 60.0, 0, 55.0, 5.0),  # P1's second half + P5's first
        (2024, "total", 3, 140.0, 1, 245.0, 16.0),
        (2025, "clear", 0, 0.0, 0, 0.0, 0.0),
        (2025, "upgrade", 0, 0.0, 0, 40.0, 20.0),  # nothing starts, P5's second half
        (2025, "total", 1, 40.0, 0, 55.0, 26.0),
        (None, "revitalize", 3, 80.0, 2, 215.0, 24.0),
        (None, "total", 7, 240.0, 2, 485.0, 60.0),
    ],
)
def test_by_year_by_hand(plan, year, action, plots, mu, resupply, cost, benefit):
    r = _row(pt.by_year(plan.scenario, plan.parcels), year, action)
    assert (r["plots"], r["mu"], r["resupply_plots"]) == (plots, mu, resupply)
    assert (r["cost_wan"], r["benefit_wan"]) == (pytest.approx(cost), pytest.approx(benefit))


def test_budget_use_per_year_and_per_action(plan):
    t = pt.by_year(plan.scenario, plan.parcels)
    assert _row(t, 2023, "total")["budget_wan"] == 200.0
    assert _row(t, 2023, "total")["budget_use_pct"] == 92.5
    assert _row(t, 2023, "clear")["budget_use_pct"] == 80.0  # the clear-only budget of 150
    assert _row(t, 2024, "total")["budget_use_pct"] == 81.7
    assert _row(t, 2025, "total")["budget_use_pct"] == 55.0
    assert pd.isna(_row(t, 2024, "clear")["budget_wan"])
    assert _row(t, None, "total")["budget_wan"] == 600.0


def test_cumulative_by_hand_with_the_benefit_targets(plan):
    c = pt.cumulative(plan.scenario, plan.parcels)
    by = {y: _row(c, y, "total") for y in YEARS}
    assert [by[y]["plots"] for y in YEARS] == [3, 6, 7]
    assert [by[y]["mu"] for y in YEARS] == [60.0, 200.0, 240.0]
    assert [by[y]["cost_wan"] for y in YEARS] == [185.0, 430.0, 485.0]
    assert [by[y]["benefit_wan"] for y in YEARS] == [18.0, 34.0, 60.0]
    # by 2024: baseline 100 × (1.4 − 1) = 40 > 34; by 2025: 50 ≤ 60
    assert by[2024]["benefit_target_wan"] == pytest.approx(40.0) and by[2024]["met"] is False
    assert by[2025]["benefit_target_wan"] == 50.0 and by[2025]["met"] is True
    assert pd.isna(by[2023]["benefit_target_wan"])
    assert _row(c, 2024, "revitalize")["plots"] == 2  # P6 in 2023, P2's re-supply in 2024


def test_localized_headers_and_words(plan):
    t = pt.by_year(plan.scenario, plan.parcels)
    zh, en = pt.localized(t, "zh"), pt.localized(t, "en")
    assert list(zh.columns)[:4] == ["年度", "措施代码", "措施", "启动宗数"]
    assert "cost in the year (10⁴ CNY)" in en.columns
    assert zh.iloc[-1, 0] == "全部年度" and en.iloc[-1, 0] == "whole programme"
    assert zh.iloc[3, 1] == "合计" and en.iloc[3, 1] == "all actions"
    c = pt.localized(pt.cumulative(plan.scenario, plan.parcels), "zh", "cumulative")
    assert c.columns[0] == "截至年度" and c.iloc[-1, -1] == "是" and c.iloc[7, -1] == "否"


def test_a_one_year_plan_is_no_programme_even_with_a_year_column(one_year):
    p = one_year.parcels.assign(year=2023)
    assert not pt.is_programme(one_year)
    assert not pt.is_programme(replace(one_year, parcels=p))
    assert pt.files(one_year) == []


# --------------------------------------------------------------------------- files
def test_write_plan_writes_the_programme_tables_and_keeps_years_integer(plan, tmp_path):
    out = tmp_path / "plan"
    written = {p.name for p in write_plan(plan, out)}
    assert {"programme.csv", "programme_cumulative.csv"} <= written
    raw = (out / "programme.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, as summary.csv
    df = pd.read_csv(out / "programme.csv", encoding="utf-8-sig")
    assert df.iloc[-1].tolist()[:8] == ["全部年度", "合计", "合计", 7, 240.0, 2, 485.0, 60.0]
    assert df["预算使用率（%）"].iloc[3] == 92.5
    cum = pd.read_csv(out / "programme_cumulative.csv", encoding="utf-8-sig")
    assert cum["累计投入（万元）"].iloc[-1] == 485.0
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert {"programme.csv", "programme_cumulative.csv"} <= set(record["outputs"])
    # plan.gpkg: the programme columns, years as integers (year2 with missing values too)
    info = pyogrio.read_info(out / "plan.gpkg", layer="plan")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert {types[c] for c in ("year", "year_end", "year2")} == {"int64"}
    assert types["stock"] == "bool" and types["action2"] == "object"
    layer = pyogrio.read_dataframe(out / "plan.gpkg", layer="plan")
    back = from_planner_layer(layer, read_layout(info)).set_index("parcel_id")
    assert str(back["year2"].dtype) == "Int64"
    assert back.loc["P2", ["action2", "year2"]].tolist() == ["revitalize", 2024]
    assert pd.isna(back.loc["P1", "year2"]) and back.loc["P1", "year_end"] == 2024


def test_planner_layout_keeps_the_programme_columns(plan, tmp_path):
    """A layer read from the planner's file (its own columns restored on writing)."""
    from landopt.parcels import read_parcels

    src = tmp_path / "in.gpkg"
    programme_layer().to_file(src, layer="parcels", driver="GPKG")
    read = read_parcels(src)
    p = read.merge(
        pd.DataFrame(plan.parcels.drop(columns="geometry"))[
            [
                "parcel_id",
                "action",
                "action_label",
                "eligible_actions",
                "year",
                "year_end",
                "action2",
                "action2_label",
                "year2",
                "stock",
            ]
        ],
        on="parcel_id",
    )
    p.attrs = read.attrs
    layer, layout = planner_layer(p, "zh")
    for c in ("year", "year_end", "year2"):
        assert str(layer[c].dtype) == "Int64", c
    assert layout["results"]["year2"] == "year2"


def test_one_year_plan_writes_no_programme_files(one_year, tmp_path):
    out = tmp_path / "one"
    names = {p.name for p in write_plan(one_year, out)}
    assert not names & {"programme.csv", "programme_cumulative.csv"}
    assert set(plan_outputs(one_year)) == {"plan.png", "plan.html", "report.html"}


def test_excel_sheets_by_year_and_cumulative(plan, plan_en, tmp_path):
    excel.write_workbook(plan, tmp_path / "zh.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "zh.xlsx")
    assert wb.sheetnames[:3] == ["方案汇总", "分年度", "累计"]
    rows = list(wb["分年度"].iter_rows(values_only=True))
    assert rows[0][:4] == ("年度", "措施代码", "措施", "启动宗数")
    assert rows[4][:10] == (2023, "合计", "合计", 3, 60, 1, 185, 18, 200, 92.5)
    assert rows[-1][:7] == ("全部年度", "合计", "合计", 7, 240, 2, 485)
    assert wb["分年度"]["A5"].font.b and not wb["分年度"]["A2"].font.b
    assert wb["分年度"]["G2"].number_format == excel.FMT_WAN
    cum = list(wb["累计"].iter_rows(values_only=True))
    assert cum[-1][:9] == (2025, "合计", "合计", 7, 240, 485, 60, 50, "是")
    excel.write_workbook(plan_en, tmp_path / "en.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "en.xlsx")
    assert wb.sheetnames[1:3] == ["By year", "Cumulative"]


def test_one_year_workbook_has_no_programme_sheets(one_year):
    titles = [t.title for t in excel.sheets(one_year)]
    assert "分年度" not in titles and "累计" not in titles


# --------------------------------------------------------------------------- charts, maps
def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


def test_timeline_bars_budgets_and_benefit_line(plan_en):
    fig = Figure(figsize=(8.27, 9))
    axes = fig.subplots(3, 1, sharex=True)
    ax_mu, ax_cost, ax_b = maps.plot_programme_timeline(plan_en, axes=axes)

    def heights(ax, gid):
        return [p.get_height() for p in ax.patches if p.get_gid() == gid]

    assert heights(ax_mu, "mu-upgrade") == [20.0, 60.0, 0.0]
    assert heights(ax_mu, "mu-clear") == [30.0, 50.0, 0.0]
    assert heights(ax_cost, "cost-upgrade") == pytest.approx([15.0, 55.0, 40.0])
    assert heights(ax_cost, "cost-revitalize") == pytest.approx([50.0, 150.0, 15.0])
    budget = next(c for c in ax_cost.collections if c.get_gid() == "budget")
    assert [s[0][1] for s in budget.get_segments()] == [200.0, 300.0, 100.0]
    uses = [t.get_text() for t in ax_cost.texts if t.get_gid() == "budget-use"]
    assert uses == ["used 92%", "used 82%", "used 55%"]
    line = next(ln for ln in ax_b.lines if ln.get_gid() == "benefit")
    assert list(line.get_ydata()) == [18.0, 34.0, 60.0]
    target = next(c for c in ax_b.collections if c.get_gid() == "benefit-target")
    assert [s[0][1] for s in target.get_segments()] == pytest.approx([40.0, 50.0])
    assert [t.get_text() for t in ax_b.get_xticklabels()] == ["2023", "2024", "2025"]


@needs_cjk
def test_timeline_in_chinese_has_no_english_words(plan):
    fig = Figure(figsize=(8.27, 9))
    maps.plot_programme_timeline(plan, axes=fig.subplots(3, 1, sharex=True))
    words = [t for t in _texts(fig) if any(c.isalpha() and c.isascii() for c in t)]
    assert not words, words


def _paths(ax, gid: str) -> int:
    """How many polygons the layer with ``gid`` draws."""
    from matplotlib.path import Path as MplPath

    patch = next((p for p in ax.get_children() if p.get_gid() == gid), None)
    if patch is None:
        return 0
    return (
        int((patch.get_path().codes == MplPath.MOVETO).sum())
        if len(patch.get_path().vertices)
        else 0
    )


def test_small_multiples_panels_steps_and_numbers(plan):
    fig = Figure(figsize=(11.69, 8.27))
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    axes = maps.plot_programme_map(plan, fig=fig, lang="en", district=False)
    assert [a.get_gid() for a in axes] == ["panel-2023", "panel-2024", "panel-2025", "panel-whole"]
    y23, y24, y25, whole = axes
    assert _paths(y23, "started-clear") == 1 and _paths(y23, "resupply-revitalize") == 1  # P2; P6
    assert _paths(y24, "resupply-revitalize") == 1  # P2's second step, hatched
    assert _paths(y24, "under-way-upgrade") == 1  # P1, second year
    assert _paths(y24, "earlier-clear") == 1  # P2 cleared in 2023
    assert _paths(y25, "under-way-upgrade") == 1 and _paths(y25, "started-upgrade") == 0
    hatched = next(p for p in y24.get_children() if p.get_gid() == "resupply-revitalize")
    assert hatched.get_hatch()
    assert _paths(whole, "sequence-revitalize") == 1  # P2 outlined in re-supply's colour
    nos = plot_numbers(plan.scenario, plan.parcels)
    ids = plan.parcels["parcel_id"].astype(str)

    def drawn(ax):
        return {
            t.get_gid().split(":", 1)[1]: t.get_text()
            for t in ax.texts
            if (t.get_gid() or "").startswith("plot-no:")
        }

    want = {ids[i]: str(int(nos[i])) for i in nos.index}
    assert drawn(whole) == want
    assert drawn(y25) == {"P4": want["P4"]}  # only what starts in 2025
    assert drawn(y24) == {k: want[k] for k in ("P2", "P3", "P5")}
    titles = [a.get_title(loc="left") for a in axes]
    assert titles[0] == "2023: 3 plots / 60.0 mu · 185 × 10⁴ CNY"
    assert titles[3].startswith("Whole programme: 7 plots / 240.0 mu")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "re-supply (hatched)" in legend and "under way (outline)" in legend


@needs_cjk
def test_small_multiples_in_chinese_and_saved(plan, tmp_path):
    path = maps.save_programme_map(plan, tmp_path / "programme_map.png", dpi=80, district=False)
    assert path.stat().st_size > 10_000
    fig = Figure(figsize=(11.69, 8.27))
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    axes = maps.plot_programme_map(plan, fig=fig, district=False)
    assert axes[0].get_title(loc="left") == "2023 年：3 宗 / 60.0 亩 · 185 万元"
    assert axes[3].get_title(loc="left").startswith("全部年度：7 宗")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:4] == ["出清", "盘活", "转型升级", "再供应（斜线）"]


# --------------------------------------------------------------------------- report, web map
def test_report_has_a_section_per_year(plan):
    html = report_html(
        plan, map_png=b"png", programme_map_png=b"m", timeline_png=b"t", interactive=False
    )
    assert 'id="programme"' in html
    for y in YEARS:
        assert f'id="programme-{y}"' in html and f"{y} 年启动地块" in html
    assert 'id="programme-whole"' in html and "截至 2025" in html
    assert "后续再供应" in html and "已腾空土地再供应" in html and "2023–2024" in html
    assert "92.5%" in html and "485.0" in html
    assert html.index('id="targets"') < html.index('id="programme"') < html.index('id="map"')
    assert "data:image/png;base64,bQ==" in html and "data:image/png;base64,dA==" in html


def test_report_escapes_programme_text(plan):
    p = plan.parcels.copy()
    p.loc[p["parcel_id"] == "P2", "name"] = "<b>x</b>"
    html = report_html(
        replace(plan, parcels=p),
        map_png=b"p",
        programme_map_png=b"m",
        timeline_png=b"t",
        interactive=False,
    )
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_one_year_report_has_no_programme_section(one_year):
    html = report_html(one_year, map_png=b"png", interactive=False)
    assert 'id="programme"' not in html


def test_plan_outputs_of_a_programme_write_the_pngs_before_the_report(plan):
    names = list(plan_outputs(plan))
    assert names == ["plan.png", "plan.html", *PROGRAMME_FILES, "report.html"]


def test_webmap_has_the_year_filter(plan, one_year):
    data = build_webmap_data(plan, lang="zh", district=False)
    assert data.programme["years"] == YEARS
    feats = {
        f["properties"]["id"]: f["properties"] for layer in data.layers for f in layer["features"]
    }
    assert (feats["P1"]["y"], feats["P1"]["ye"]) == (2023, 2024)
    assert (feats["P2"]["a2"], feats["P2"]["y2"]) == ("revitalize", 2024)
    assert feats["P6"]["stock"] is True and "a2" not in feats["P1"]
    html = webmap_html(plan, district=False)
    assert "lo-years" in html and '"programme":{"years":[2023,2024,2025]' in html
    assert "截至当年" in html
    plain = webmap_html(one_year, district=False)
    assert "lo-years" not in plain and '"programme"' not in plain
    assert '"y":' not in plain
