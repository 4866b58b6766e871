"""The CJK font landopt ships: package data, licence, coverage, and maps drawn with it.

With the system's CJK fonts hidden (``find_system_cjk_font`` patched to find none, as on a
fresh machine), the demo's map must still be Chinese, set in the shipped family, with no
missing glyph (a "Glyph missing" warning is an error under the test settings).
"""

from __future__ import annotations

import configparser
import glob
import json
import logging
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

import landopt
from landopt import i18n, maps
from landopt.parcels import read_parcels
from landopt.plan import solve
from landopt.report import report_html
from landopt.scenario import load_scenario
from landopt.webmap import webmap_html

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "scenarios" / "zhangdian-2023.toml"
FONTS = Path(landopt.__file__).parent / "_vendor" / "fonts"
SHIPPED = maps.SHIPPED_FAMILY


@pytest.fixture(scope="module")
def demo_plan():
    return solve(load_scenario(DEMO))


@pytest.fixture()
def no_system_font(monkeypatch):
    """A machine with no CJK font of its own: only the shipped one can be found."""
    monkeypatch.setattr(maps.fonts, "find_system_cjk_font", lambda: None)
    assert maps.find_cjk_font() == SHIPPED


def drawable() -> frozenset[int]:
    """What a map can draw with the shipped font and its fallback, DejaVu Sans."""
    return maps.fonts._shipped_charmap() | maps._basic_charmap()


# --------------------------------------------------------------------------- the files
def test_font_files_are_package_data_small_and_licensed():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    globs = [g.strip() for g in cfg["options.package_data"]["landopt"].splitlines() if g.strip()]
    shipped = {p for g in globs for p in glob.glob(g, root_dir=FONTS.parent.parent)}
    names = ("NotoSansSC-GB2312.otf", "NotoSansSC-GB2312.woff2", "OFL.txt", "README.md")
    for name in names:
        assert f"_vendor/fonts/{name}" in shipped, f"{name} is not package data"
    sizes = {n: (FONTS / n).stat().st_size for n in names[:2]}
    assert sizes["NotoSansSC-GB2312.otf"] < 2_000_000
    assert sizes["NotoSansSC-GB2312.woff2"] < 1_500_000
    assert sum(sizes.values()) < 4_000_000
    ofl = (FONTS / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl
    assert "Copyright 2014-2021 Adobe" in ofl
    readme = (FONTS / "README.md").read_text(encoding="utf-8")
    assert "scripts/make_font_subset.py" in readme and "OFL" in readme
    assert (ROOT / "scripts" / "make_font_subset.py").is_file()


def test_the_shipped_font_is_the_renamed_subset_matplotlib_reads():
    path = maps.shipped_font_path()
    assert path is not None and path.parent == FONTS
    font = FT2Font(str(path))
    assert font.family_name == SHIPPED
    chars = set(font.get_charmap())
    hanzi = set()
    for hi in range(0xB0, 0xF8):  # the hanzi rows of GB 2312
        for lo in range(0xA1, 0xFF):
            try:
                hanzi.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:  # the five empty cells at the end of row 0xD7
                pass
    assert len(hanzi) == 6763 and hanzi <= chars  # every GB 2312 hanzi
    assert {ord(c) for c in "≥≤×—·（），。：；、“”％～①→✓"} <= chars


# --------------------------------------------------------------------------- coverage
def test_every_chinese_text_of_the_catalog_can_be_drawn():
    # the CLI's and the rules' texts join the catalog when their modules are imported
    import landopt.cli
    import landopt.rules  # noqa: F401

    chars = drawable()
    missing = {
        key: "".join(sorted({c for c in texts["zh"] if ord(c) not in chars and not c.isspace()}))
        for key, texts in i18n.MESSAGES.items()
    }
    missing = {k: v for k, v in missing.items() if v}
    assert not missing, f"remake the font (scripts/make_font_subset.py); not covered: {missing}"


def test_every_text_of_the_demo_data_can_be_drawn():
    parcels = read_parcels(ROOT / "data" / "parcels.geojson")
    texts: set[str] = set()
    for col in parcels.columns:
        if parcels[col].dtype == object and col != "geometry":
            texts |= {v for v in parcels[col].dropna().unique() if isinstance(v, str)}
    district = json.loads((ROOT / "data" / "district.geojson").read_text(encoding="utf-8"))
    texts |= {f["properties"]["name"] for f in district["features"]}
    texts |= {load_scenario(DEMO).title or ""}
    chars = drawable()
    missing = {c for t in texts for c in t if ord(c) not in chars and not c.isspace()}
    assert not missing, "".join(sorted(missing))


# --------------------------------------------------------------------------- maps
def test_without_a_system_font_the_demo_map_is_chinese_in_the_shipped_font(
    demo_plan, no_system_font, caplog
):
    fig = Figure(figsize=(11.69, 8.27))
    ax = fig.add_axes((0.03, 0.07, 0.62, 0.8))
    with caplog.at_level(logging.WARNING, logger="landopt.maps"):
        maps.plot_plan(demo_plan, ax=ax)  # the demo scenario is Chinese
    assert not [r for r in caplog.records if "no CJK font" in r.getMessage()]
    title = next(a for a in ax.get_children() if a.get_gid() == "title")
    legend = ax.get_legend().get_texts()
    townships = {
        f["properties"]["name"]
        for f in json.loads((ROOT / "data" / "district.geojson").read_text("utf-8"))["features"]
        if f["properties"]["kind"] == "township"
    }
    town_texts = [t for t in ax.texts if t.get_text() in townships]
    assert town_texts, "no township label on the map"
    assert title.get_text() == maps.plan_title(demo_plan) and _has_hanzi(title.get_text())
    assert any(_has_hanzi(t.get_text()) for t in legend)
    assert all(_has_hanzi(t.get_text()) for t in legend if "—" in t.get_text())
    shipped_file = str(maps.shipped_font_path())
    for t in [title, *legend, *town_texts]:
        assert t.get_fontproperties().get_name() == SHIPPED, t.get_text()
        found = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
        assert found == shipped_file
    with caplog.at_level(logging.INFO):
        fig.canvas.draw()  # a missing glyph would warn, and warnings are errors
    # the subset is regular only; matplotlib's notice about bold is filtered out
    assert not [r for r in caplog.records if "Failed to find font weight" in r.getMessage()]
    for t in fig.findobj(Text):
        if _has_hanzi(t.get_text()):
            assert t.get_fontfamily()[0] == SHIPPED


def test_the_quick_start_png_is_written_with_the_shipped_font(demo_plan, no_system_font, tmp_path):
    out = maps.save_plan_map(demo_plan, tmp_path / "plan.png", dpi=100)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_name_outside_the_subset_is_not_drawn_as_boxes(demo_plan, no_system_font):
    fonts = maps.fonts._fonts(demo_plan.scenario, None)
    assert fonts.cjk == SHIPPED
    assert fonts.can_draw("张店区 ≥ 1,500 亩 ✗")  # ✗ comes from DejaVu Sans
    assert not fonts.can_draw("堃")  # not in GB 2312: the caller picks another text


def test_english_only_when_even_the_shipped_font_is_missing(demo_plan, monkeypatch, caplog):
    monkeypatch.setattr(maps.fonts, "find_system_cjk_font", lambda: None)
    monkeypatch.setattr(maps.fonts, "shipped_cjk_font", lambda: None)
    with caplog.at_level(logging.WARNING, logger="landopt.maps"):
        assert maps.map_lang(demo_plan.scenario) == "en"
    assert any(maps.FONT_HELP in r.getMessage() for r in caplog.records)


# --------------------------------------------------------------------------- pages
def test_chinese_pages_embed_the_font_and_english_pages_do_not(demo_plan):
    css = maps.font_face_css()
    assert css.startswith(f'@font-face {{ font-family: "{SHIPPED}"')
    assert "data:font/woff2;base64," in css
    zh = webmap_html(demo_plan, lang="zh")
    en = webmap_html(demo_plan, lang="en")
    assert css in zh and "@font-face" not in en
    assert f'"WenQuanYi Micro Hei", "{SHIPPED}"' in zh  # after the system fonts, in plan.css
    report = report_html(demo_plan, map_png=b"\x89PNG\r\n\x1a\n", lang="zh")
    # once: the framed web map takes the report's copy (a script shares it) instead of its own
    assert report.count("@font-face") == 1 and report.count("base64,d09GMk") == 1
    assert "@font-face" not in report_html(
        demo_plan, map_png=b"\x89PNG\r\n\x1a\n", lang="en", interactive=False
    )


def _has_hanzi(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)
