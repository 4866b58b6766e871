"""Static maps: artists (legend text, scale bar, north arrow, title), fonts, files, comparison.

Plots run on the Agg backend and are checked by their artists, not their pixels. The toy
plan (tests/toy.py) is small enough to know every legend entry by hand:
upgrade P1 + P5 (80 mu), clear P3 (50 mu), revitalize P4 (40 mu); P2 (30 mu) is a
candidate left unchosen; P6 (10 mu) is never a candidate.
"""

from __future__ import annotations

import logging
import struct
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text
from shapely.geometry import box
from toy import toy_parcels, toy_scenario

from landopt import maps
from landopt.errors import InputError
from landopt.plan import Plan, solve
from landopt.scenario import load_scenario

DEMO = Path(__file__).resolve().parent.parent / "data" / "scenarios" / "zhangdian-2023.toml"
HAS_CJK = maps.find_cjk_font() is not None
needs_cjk = pytest.mark.skipif(not HAS_CJK, reason="no CJK font (apt-get install fonts-noto-cjk)")


def toy_layer(df=None) -> gpd.GeoDataFrame:
    """The toy parcels as 300 m-spaced squares in EPSG:4548, with names and townships."""
    df = toy_parcels() if df is None else df
    side = [(a * 10000 / 15) ** 0.5 for a in df["area_mu"]]
    geoms = [
        box(589000 + 300 * i, 4074000, 589000 + 300 * i + s, 4074000 + s)
        for i, s in enumerate(side)
    ]
    df = df.assign(
        name=[f"{p}号地块" for p in df["parcel_id"]],
        township=["湖田街道", "湖田街道", "马尚街道", "马尚街道", "四宝山街道", "四宝山街道"],
        park=["东部化工区", "东部化工区", None, None, None, None],
    )
    return gpd.GeoDataFrame(df, geometry=geoms, crs="EPSG:4548")


def toy_district() -> gpd.GeoDataFrame:
    """District, two townships and a park around the toy squares, in EPSG:4548."""
    return gpd.GeoDataFrame(
        {
            "kind": ["district", "township", "township", "park"],
            "name": ["合成区", "湖田街道", "马尚街道", "东部化工区"],
        },
        geometry=[
            box(588500, 4073500, 591500, 4075000),
            box(588500, 4073500, 589700, 4075000),
            box(589700, 4073500, 591500, 4075000),
            box(588900, 4073900, 589600, 4074300),
        ],
        crs="EPSG:4548",
    )


@pytest.fixture(scope="module")
def toy_plan() -> Plan:
    sc = toy_scenario(title="合成区 2023 年计划", year=2023, lang="zh")
    return solve(sc, toy_layer())


@pytest.fixture(scope="module")
def demo_plan() -> Plan:
    return solve(load_scenario(DEMO))


def new_axes():
    fig = Figure(figsize=(11.69, 8.27))
    return fig.add_axes((0.03, 0.07, 0.62, 0.8))


def legend_texts(ax) -> list[str]:
    leg = ax.get_legend()
    assert leg is not None and leg.get_gid() == "legend"
    return [t.get_text() for t in leg.get_texts()]


def by_gid(ax, gid: str):
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    assert found, f"no artist with gid {gid!r}"
    return found[0]


def all_texts(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


# --------------------------------------------------------------------------- legend, furniture
def test_legend_gives_plots_and_mu_per_action_in_english(toy_plan):
    ax = maps.plot_plan(toy_plan, ax=new_axes(), lang="en", district=toy_district())
    assert legend_texts(ax) == [
        "clear — 1 plot / 50.0 mu",
        "revitalize — 1 plot / 40.0 mu",
        "upgrade — 2 plots / 80.0 mu",
        "candidate, not chosen — 1 plot / 30.0 mu",
        "other parcels — 1 plot",
        "industrial park",
        "township boundary",
        "district boundary",
    ]


@needs_cjk
def test_legend_in_chinese_names_the_action_by_its_label_only(toy_plan):
    ax = maps.plot_plan(toy_plan, ax=new_axes(), district=toy_district())
    texts = legend_texts(ax)
    assert texts[:3] == [
        "出清 — 1 宗 / 50.0 亩",
        "盘活 — 1 宗 / 40.0 亩",
        "转型升级 — 2 宗 / 80.0 亩",
    ]
    assert texts[3] == "候选未选 — 1 宗 / 30.0 亩"
    assert ax.get_legend().get_title().get_text() == "图例"


def test_legend_counts_match_the_summary_on_the_demo(demo_plan):
    ax = maps.plot_plan(demo_plan, ax=new_axes(), lang="en")
    texts = legend_texts(ax)
    for row in demo_plan.summary[demo_plan.summary["action"] != "total"].itertuples():
        assert f"{row.action} — {row.plots} plots / {row.mu:,.1f} mu" in texts
    n_cand = int(
        (
            (demo_plan.parcels["action"] == "none") & (demo_plan.parcels["eligible_actions"] != "")
        ).sum()
    )
    assert any(t.startswith(f"candidate, not chosen — {n_cand:,} plots") for t in texts)


def test_scale_bar_north_arrow_title_and_note(toy_plan):
    ax = maps.plot_plan(toy_plan, ax=new_axes(), lang="en", district=toy_district())
    bar = by_gid(ax, "scale-bar")
    label = bar.txt_label.get_text()
    # the toy district is 3 km wide: a bar of a fifth of that, in round metres
    assert label == "500 m"
    arrow = by_gid(ax, "north-arrow")
    assert arrow.get_text() == "N" and arrow.arrow_patch is not None
    title = by_gid(ax, "title")
    if HAS_CJK:  # the scenario's Chinese title, set in the CJK font
        assert ax.get_title(loc="left") == "合成区 2023 年计划"
        assert title.get_fontfamily()[0] == maps.find_cjk_font()
    else:  # it cannot be drawn: the scenario's name and year instead
        assert ax.get_title(loc="left") == "toy (2023)"
    sub = by_gid(ax, "subtitle").get_text()
    assert "total 4 plots / 170.0 mu" in sub and "all targets met" in sub
    note = by_gid(ax, "source-note").get_text()
    assert "EPSG:4548" in note and "CGCS2000" in note and "landopt" in note


def test_scale_bar_in_km_on_the_demo_and_demo_note(demo_plan):
    ax = maps.plot_plan(demo_plan, ax=new_axes(), lang="en")
    assert by_gid(ax, "scale-bar").txt_label.get_text().endswith(" km")
    assert "synthetic demo district" in by_gid(ax, "source-note").get_text()
    # outlines came from data/district.geojson beside the parcel file
    assert {"parks", "townships", "district"} <= {a.get_gid() for a in ax.get_children()}


def test_title_has_the_year_when_the_title_does_not(toy_plan):
    from dataclasses import replace

    plan = Plan(**{**toy_plan.__dict__, "scenario": replace(toy_plan.scenario, title="Toy plan")})
    ax = maps.plot_plan(plan, ax=new_axes(), lang="en", district=False)
    assert ax.get_title(loc="left") == "Toy plan (2023)"


def test_parcel_layers_are_drawn_per_group(toy_plan):
    ax = maps.plot_plan(toy_plan, ax=new_axes(), lang="en", district=False)
    gids = {p.get_gid(): p for p in ax.patches}
    for g in ("parcels-other", "parcels-candidate", "parcels-clear", "parcels-upgrade"):
        assert g in gids
    assert gids["parcels-candidate"].get_hatch()  # unchosen candidates are hatched
    assert gids["parcels-clear"].get_facecolor()[:3] == pytest.approx(
        matplotlib.colors.to_rgb("#D55E00")
    )
    # upgrade: two squares, so two closed rings in one path
    assert (gids["parcels-upgrade"].get_path().codes == 1).sum() == 2


def test_returns_the_axes_it_was_given_and_makes_one_otherwise(toy_plan):
    ax = new_axes()
    assert maps.plot_plan(toy_plan, ax=ax, lang="en", district=False) is ax
    import matplotlib.pyplot as plt

    made = maps.plot_plan(toy_plan, lang="en", district=False)
    assert made.get_figure() is not None
    plt.close(made.get_figure())


def test_action_colours_take_the_scenario_colour_else_okabe_ito(toy_plan, demo_plan):
    assert maps.action_colors(demo_plan.scenario) == {
        "clear": "#D55E00",
        "revitalize": "#0072B2",
        "upgrade": "#009E73",
    }
    colors = maps.action_colors(toy_plan.scenario)  # the toy scenario sets none
    assert len(set(colors.values())) == 3
    assert set(colors.values()) <= set(maps.OKABE_ITO.values())


# --------------------------------------------------------------------------- fonts
@needs_cjk
def test_chinese_text_is_set_in_a_cjk_font(toy_plan):
    ax = maps.plot_plan(toy_plan, ax=new_axes(), district=toy_district())
    family = maps.find_cjk_font()
    title = by_gid(ax, "title")
    assert title.get_text() == "合成区 2023 年计划"
    for t in [title, *ax.get_legend().get_texts()]:
        assert t.get_fontfamily()[0] == family
        path = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
        assert font_manager.FontProperties(fname=path).get_name() == family
    ax.get_figure().canvas.draw()  # a missing glyph would warn, and warnings are errors


def test_without_a_cjk_font_labels_fall_back_to_english(toy_plan, monkeypatch, caplog):
    monkeypatch.setattr(maps.fonts, "find_cjk_font", lambda: None)  # where map_lang looks it up
    with caplog.at_level(logging.WARNING, logger="landopt.maps"):
        ax = maps.plot_plan(toy_plan, ax=new_axes(), district=toy_district())
    assert any(
        "no CJK font" in r.getMessage() and "apt-get install fonts-noto-cjk" in r.getMessage()
        for r in caplog.records
    )
    assert legend_texts(ax)[0] == "clear — 1 plot / 50.0 mu"
    assert ax.get_title(loc="left") == "toy (2023)"  # the Chinese title cannot be drawn
    fig = ax.get_figure()
    fig.canvas.draw()  # no "Glyph missing" warning (they are errors here)
    chars = maps._basic_charmap()
    for t in all_texts(fig):
        assert all(ord(c) in chars or c.isspace() for c in t.get_text()), t.get_text()
        assert "DejaVu Sans" in t.get_fontfamily()


def test_map_lang_rejects_unknown_language(toy_plan):
    with pytest.raises(InputError, match="lang"):
        maps.plot_plan(toy_plan, ax=new_axes(), lang="fr", district=False)


# --------------------------------------------------------------------------- files
def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_save_plan_map_png_at_print_resolution(toy_plan, tmp_path):
    out = maps.save_plan_map(toy_plan, tmp_path / "plan.png", district=toy_district())
    w, h = png_size(out)
    assert (w, h) == (int(297 / 25.4 * 300), int(210 / 25.4 * 300))  # A4 landscape
    assert [p.name for p in tmp_path.iterdir()] == ["plan.png"]  # no temporary left behind


def test_save_plan_map_pdf_and_svg_by_suffix(toy_plan, tmp_path):
    pdf = maps.save_plan_map(toy_plan, tmp_path / "plan.pdf", lang="en", district=False)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    svg = maps.save_plan_map(toy_plan, tmp_path / "plan.svg", lang="en", district=False)
    assert b"<svg" in svg.read_bytes()[:2000]
    with pytest.raises(InputError, match=r"\.png, \.pdf or \.svg"):
        maps.save_plan_map(toy_plan, tmp_path / "plan.jpg")


def test_plot_refuses_parcels_without_geometry():
    plan = solve(toy_scenario(), toy_parcels())
    with pytest.raises(InputError, match="no geometry"):
        maps.plot_plan(plan, ax=new_axes(), lang="en")


def test_read_district_from_a_file_and_without_kind(toy_plan, tmp_path):
    d = toy_district().to_crs(4326)
    d.to_file(tmp_path / "district.geojson", driver="GeoJSON")
    got = maps.read_district(toy_plan, tmp_path / "district.geojson")
    assert list(got["kind"]) == ["district", "township", "township", "park"]
    assert got.crs == toy_plan.parcels.crs
    plain = maps.read_district(toy_plan, toy_district().drop(columns="kind"))
    assert set(plain["kind"]) == {"township"}
    assert maps.read_district(toy_plan, False) is None
    # no district.geojson beside the toy parcels: outlines from the layer's own columns
    derived = maps.read_district(toy_plan)
    assert derived is not None and set(derived["kind"]) == {"township", "park"}


# --------------------------------------------------------------------------- comparison
@pytest.fixture(scope="module")
def plan_pair(toy_plan) -> tuple[Plan, Plan]:
    # B: P3 may not be cleared (so P1 or P2 is), and P1 may not be upgraded (so P2 is)
    b_scenario = toy_scenario(
        title="合成区 B 方案",
        lang="zh",
        **{"locks.exclude": {"P3": ["clear"], "P1": ["upgrade"]}},
    )
    return toy_plan, solve(b_scenario, toy_layer())


def test_compare_plans_categories(plan_pair):
    a, b = plan_pair
    acts_b = dict(zip(b.parcels["parcel_id"], b.parcels["action"], strict=True))
    cmp = maps.compare_plans(a, b).set_index("parcel_id")
    expected = {}
    acts_a = dict(zip(a.parcels["parcel_id"], a.parcels["action"], strict=True))
    for pid in acts_a:
        x, y = acts_a[pid], acts_b[pid]
        if x != "none" and y != "none":
            expected[pid] = "same" if x == y else "different"
        elif x != "none":
            expected[pid] = "only_a"
        elif y != "none":
            expected[pid] = "only_b"
        else:
            expected[pid] = "neither"
    assert cmp["change"].to_dict() == expected
    assert acts_a["P3"] == "clear" and acts_b["P3"] == "revitalize"
    assert expected["P3"] == "different" and expected["P5"] == "same"


def test_plot_comparison_draws_two_plans_and_the_difference(plan_pair):
    a, b = plan_pair
    fig = Figure(figsize=(16.5, 7.2))
    axes = [fig.add_subplot(1, 3, i + 1) for i in range(3)]
    drawn = maps.plot_comparison(a, b, ax=axes, lang="en", district=toy_district())
    assert drawn == axes
    cmp = maps.compare_plans(a, b)
    texts = legend_texts(axes[2])
    for cat, word in (
        ("same", "same action in both"),
        ("different", "different actions"),
        ("only_a", "only in A"),
        ("only_b", "only in B"),
    ):
        n = int((cmp["change"] == cat).sum())
        mu = float(cmp.loc[cmp["change"] == cat, "area_mu"].sum())
        assert f"{word} — {maps.count_text(n, mu, 'en')}" in texts
    titles = [ax.get_title(loc="left") for ax in axes]
    if HAS_CJK:
        assert titles[:2] == ["A: 合成区 2023 年计划", "B: 合成区 B 方案"]
    else:  # Chinese titles cannot be drawn: the scenarios' names instead
        assert titles[:2] == ["A: toy", "B: toy"]
    assert titles[2] == "Difference: A ↔ B"
    assert {p.get_gid() for p in axes[2].patches} >= {"change-same", "change-different"}


def test_plot_comparison_on_one_axes_draws_the_difference_only(plan_pair):
    ax = new_axes()
    assert maps.plot_comparison(*plan_pair, ax=ax, lang="en", district=False) == [ax]
    with pytest.raises(InputError, match="three"):
        maps.plot_comparison(*plan_pair, ax=[ax, ax], lang="en")


def test_save_comparison_map(plan_pair, tmp_path):
    out = maps.save_comparison_map(*plan_pair, tmp_path / "compare.png", dpi=100, lang="en")
    assert png_size(out) == (round(16.54 * 100), round(7.2 * 100))


def test_chosen_parcels_too_small_to_see_are_ringed(demo_plan, toy_plan):
    ax = maps.plot_plan(demo_plan, ax=new_axes(), lang="en")
    rings = {ln.get_gid(): ln for ln in ax.get_lines()}
    assert "rings-clear" in rings  # the demo's small clear plots in the city centre
    n_ringed = sum(len(ln.get_xdata()) for ln in rings.values())
    assert 0 < n_ringed <= len(demo_plan.chosen)
    assert "ring: chosen plot too small to see" in legend_texts(ax)
    toy = maps.plot_plan(toy_plan, ax=new_axes(), lang="en", district=False)
    assert not toy.get_lines()  # 15-60 mu squares on a 2 km map are plain to see


def test_parcel_layers_widen_the_data_limits_without_add_patch():
    """Layers are added as artists (add_patch is too slow at 100k parcels), yet autoscale sees them."""
    fig = Figure()
    ax = fig.add_subplot()
    patch = maps._add_layer(ax, [box(10, 20, 30, 50), box(100, -5, 120, 0)], facecolor="red")
    assert patch in ax.patches
    assert patch.get_clip_box() is not None or patch.get_clip_path() is not None
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x0 <= 10 and x1 >= 120 and y0 <= -5 and y1 >= 50


# --------------------------------------------------------------------------- words
def test_words_come_from_the_catalog_unchanged():
    """The maps' word tables live in landopt.i18n; webmap and report read them as before."""
    from landopt.i18n import t
    from landopt.maps.charts import _key_words

    assert maps.STATUS_WORDS == {
        "zh": {
            "inefficient": "低效用地",
            "idle": "闲置土地",
            "upgrade_candidate": "待转型升级",
            "cleared": "已收储",
            "in_use": "在用",
        },
        "en": {
            "inefficient": "low-efficiency",
            "idle": "idle",
            "upgrade_candidate": "upgrade candidate",
            "cleared": "cleared, in reserve",
            "in_use": "in use",
        },
    }
    for lang in ("zh", "en"):
        w = maps.words(lang)
        assert len(w) == 26 and all(w[k] == t(f"maps.{k}", lang) for k in w)
    assert maps.words("zh")["township"] == "镇（街道）界"
    assert maps.words("en")["wan"] == "× 10⁴ CNY"
    assert maps.count_text(1, 2.0, "en") == "1 plot / 2.0 mu"
    assert maps.count_text(1, None, "zh") == "1 宗"
    sc = toy_scenario()
    assert _key_words("actions.upgrade.targets.area_min", "zh", sc) == ("转型升级 面积下限", "亩")
    assert _key_words("actions.clear.count_max", "en", sc) == ("clear plots, at most", "plots")
    assert _key_words("budget.total", "en", sc) == ("total budget", "10k yuan")
    assert _key_words("foo.bar_baz", "en", sc) == ("bar baz", "")
    assert _key_words("foo.bar_baz", "zh", sc) == ("bar_baz", "")


# --------------------------------------------------------------------------- the print sheet
def _saved_figure(monkeypatch, plan, tmp_path, **kw):
    """Save a plan map and return the figure it drew (the file is written too)."""
    import landopt.maps.save as save_mod

    seen = {}
    real = save_mod._save

    def keep(fig, path, dpi):
        seen["fig"] = fig
        return real(fig, path, dpi)

    monkeypatch.setattr(save_mod, "_save", keep)
    maps.save_plan_map(plan, tmp_path / "plan.png", dpi=40, **kw)
    return seen["fig"]


def test_paper_sizes_in_inches_and_png_pixels(toy_plan, tmp_path):
    from landopt.maps.sheet import paper_inches

    assert paper_inches("A3") == pytest.approx((420 / 25.4, 297 / 25.4))
    assert paper_inches("a4", "portrait") == pytest.approx((210 / 25.4, 297 / 25.4))
    with pytest.raises(InputError, match="A4, A3"):
        paper_inches("A5")
    with pytest.raises(InputError, match="landscape or portrait"):
        paper_inches("A4", "sideways")
    out = maps.save_plan_map(toy_plan, tmp_path / "a3.png", dpi=50, paper="A3", district=False)
    assert png_size(out) == (int(420 / 25.4 * 50), int(297 / 25.4 * 50))
    out = maps.save_plan_map(
        toy_plan, tmp_path / "p.png", dpi=50, paper="A4", orientation="portrait", district=False
    )
    assert png_size(out) == (int(210 / 25.4 * 50), int(297 / 25.4 * 50))


def test_a3_text_is_larger_than_a4_by_the_paper(toy_plan, tmp_path, monkeypatch):
    """An A3 sheet is √2 × A4: its titles, legend, labels, numbers and title block too."""
    from landopt.maps.sheet import paper_text_scale

    assert paper_text_scale("A4") == 1.0 and paper_text_scale("A3") == pytest.approx(2**0.5)

    def sizes(paper: str) -> dict[str, float]:
        fig = _saved_figure(monkeypatch, toy_plan, tmp_path, paper=paper)
        ax = fig.axes[0]
        texts = {t.get_gid(): t for t in fig.findobj(Text) if t.get_gid()}
        number = next(t for gid, t in texts.items() if gid.startswith("plot-no:"))
        return {
            "title": texts["title"].get_fontsize(),
            "subtitle": texts["subtitle"].get_fontsize(),
            "note": texts["source-note"].get_fontsize(),
            "legend": ax.get_legend().get_texts()[0].get_fontsize(),
            "legend title": ax.get_legend().get_title().get_fontsize(),
            "number": number.get_fontsize(),
            "block": texts["title-block-1"].get_fontsize(),
        }

    a4, a3 = sizes("A4"), sizes("A3")
    for what, size in a4.items():
        assert a3[what] == pytest.approx(size * 2**0.5), what


def test_title_block_shows_the_map_table_of_the_scenario(toy_plan, tmp_path, monkeypatch):
    from dataclasses import replace

    from landopt.scenario import MapInfo

    info = MapInfo(unit="合成区自然资源局", number="HC-2023-01", drawn_by="李四", date="2023-12-01")
    plan = Plan(**{**toy_plan.__dict__, "scenario": replace(toy_plan.scenario, map=info)})
    fig = _saved_figure(monkeypatch, plan, tmp_path, lang="en", district=False)
    assert fig.get_size_inches() == pytest.approx((297 / 25.4, 210 / 25.4))
    block = [a for a in fig.axes if a.get_gid() == "title-block"]
    assert len(block) == 1
    texts = [t.get_text() for t in block[0].texts]
    for want in ("Title", "Compiled by", "Map no.", "Drawn by", "Date"):
        assert want in texts
    for value in ("HC-2023-01", "2023-12-01"):
        assert value in texts
    if HAS_CJK:
        assert "合成区自然资源局" in texts and "李四" in texts
    # without a [map] table: the title and today's date, nothing left blank
    import datetime as dt

    from landopt.maps.sheet import title_block_rows

    rows = title_block_rows(toy_plan, "zh", today=dt.date(2024, 1, 2))
    assert rows == [("图名", "合成区 2023 年计划"), ("日期", "2024-01-02")]


def _numbers_drawn(ax) -> dict[str, str]:
    return {
        t.get_gid().split(":", 1)[1]: t.get_text()
        for t in ax.texts
        if (t.get_gid() or "").startswith("plot-no:")
    }


@pytest.mark.parametrize("which", ["toy", "demo"])
def test_every_chosen_plot_carries_its_plot_number(which, toy_plan, demo_plan):
    from landopt.plan import plot_numbers

    plan = toy_plan if which == "toy" else demo_plan
    ax = maps.plot_plan(plan, ax=new_axes(), lang="en")
    nos = plot_numbers(plan.scenario, plan.parcels)
    want = {str(plan.parcels.at[i, "parcel_id"]): str(int(n)) for i, n in nos.items() if n > 0}
    assert _numbers_drawn(ax) == want
    # no two numbers overlap
    boxes = [t.get_window_extent() for t in ax.texts if (t.get_gid() or "").startswith("plot-no:")]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b.shrunk(0.9, 0.9))


def test_outlines_and_labels_from_the_layer_columns_without_a_district_file(toy_plan):
    got = maps.read_district(toy_plan)  # no district.geojson beside the toy layer
    towns = got[got["kind"] == "township"]
    assert sorted(towns["name"]) == ["四宝山街道", "湖田街道", "马尚街道"]
    assert list(got.loc[got["kind"] == "park", "name"]) == ["东部化工区"]
    # each township covers its own parcels, and townships do not overlap
    layer = toy_plan.parcels
    for name, geom in zip(towns["name"], towns.geometry, strict=True):
        mine = layer[layer["township"] == name].geometry
        assert mine.within(geom.buffer(1e-6)).all()
    assert towns.geometry.iloc[0].intersection(towns.geometry.iloc[1]).area < 1e-6
    ax = maps.plot_plan(toy_plan, ax=new_axes(), lang="en")
    assert {"townships", "parks"} <= {a.get_gid() for a in ax.get_children()}
    if HAS_CJK:  # and labelled, though a township made of parcels has no free ground
        drawn = {t.get_text() for t in ax.texts}
        assert drawn & {"四宝山街道", "湖田街道", "马尚街道"} and "东部化工区" in drawn


def test_each_boundary_segment_is_drawn_once(toy_plan, demo_plan):
    import shapely

    for plan, district in ((toy_plan, toy_district()), (demo_plan, None)):
        ax = maps.plot_plan(plan, ax=new_axes(), lang="en", district=district)
        towns = by_gid(ax, "townships")
        lines = [shapely.LineString(seg) for seg in towns.get_segments() if len(seg) > 1]
        total = sum(g.length for g in lines)
        union = shapely.union_all(lines)
        # no piece of boundary is in two lines: the drawn length is the union's length
        assert total == pytest.approx(union.length, rel=1e-6)
        outlines = maps.read_district(plan, district, crs=plan.parcels.crs)
        edge = shapely.union_all(
            shapely.boundary(outlines.geometry[outlines["kind"] == "district"].to_numpy())
        )
        # nor on the district line, which is drawn solid anyway
        assert union.intersection(edge.buffer(0.01)).length < 1e-3 * union.length


@needs_cjk
def test_legend_texts_are_in_one_language(demo_plan, toy_plan):
    import re

    for plan in (demo_plan, toy_plan):
        zh = legend_texts(maps.plot_plan(plan, ax=new_axes(), lang="zh", district=toy_district()))
        assert not [t for t in zh if re.search(r"[A-Za-z]", t)], zh
        en = legend_texts(maps.plot_plan(plan, ax=new_axes(), lang="en", district=toy_district()))
        assert not [t for t in en if re.search(r"[\u4e00-\u9fff]", t)], en


def test_the_data_note_has_no_sha(toy_plan):
    plan = Plan(
        **{
            **toy_plan.__dict__,
            "source": {**toy_plan.source, "path": "/x/parcels.gpkg", "sha256": "ab" * 32},
        }
    )
    note = by_gid(maps.plot_plan(plan, ax=new_axes(), lang="en", district=False), "source-note")
    assert "parcels.gpkg" in note.get_text()
    assert "SHA" not in note.get_text() and "abab" not in note.get_text()


def test_the_map_table_of_a_scenario_is_read_and_written_back(tmp_path):
    from landopt.errors import ScenarioError
    from landopt.scenario import MapInfo, scenario_from_dict

    base = load_scenario(DEMO).to_dict()
    d = {**base, "map": {"unit": "张店区自然资源局", "number": "ZD-01", "drawn_by": "张三"}}
    sc = scenario_from_dict(d, base_dir=DEMO.parent)
    assert sc.map == MapInfo(unit="张店区自然资源局", number="ZD-01", drawn_by="张三")
    assert scenario_from_dict(sc.to_dict(), base_dir=DEMO.parent).map == sc.map
    assert "map" not in load_scenario(DEMO).to_dict()  # no table, nothing written
    with pytest.raises(ScenarioError, match="colour"):
        scenario_from_dict({**base, "map": {"colour": "red"}}, base_dir=DEMO.parent)
