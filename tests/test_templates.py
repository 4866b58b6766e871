"""report.html and plan.html from templates: planner data is escaped, templates are package data."""

from __future__ import annotations

import configparser
import glob
import inspect
import json
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import jinja2.meta
import pytest
from test_maps import toy_district, toy_layer
from test_report import embedded_map
from test_webmap import page_data
from toy import toy_scenario

from landopt import _render, report, webmap
from landopt.plan import Plan, solve

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = resources.files("landopt") / _render.TEMPLATES

#: Values from the planner's data that would run script or break out of the page if
#: they were not escaped: a parcel name, a township, a park, a parcel id, a title.
NAME = "<script>alert(1)</script>"
TOWN = "</script><b>town</b>"
PARK = '"onmouseover="alert(2)" x="'
PID = "P5</td><i>&amp;'"
TITLE = "</title><script>alert(3)</script>"
LABEL = "<img src=x onerror=alert(4)>"
LINE_SEP = "line\u2028sep\u2029end"


class Tags(HTMLParser):
    """Tags, attribute names and text of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.text: list[str] = []
        self.script: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [k for k, _ in attrs]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.script if self._in_script else self.text).append(data)


def tokens(page: str) -> Tags:
    t = Tags()
    t.feed(page)
    t.close()
    return t


@pytest.fixture(scope="module")
def hostile_plan() -> Plan:
    layer = toy_layer()
    # P1 and P5 are upgraded, P3 cleared in the toy's optimum: all three are listed
    layer.loc[0, ["name", "township", "park"]] = [NAME, TOWN, PARK]
    layer.loc[2, "name"] = LINE_SEP
    layer.loc[4, "parcel_id"] = PID
    sc = toy_scenario(title=TITLE, lang="en", **{"actions.clear.label": LABEL})
    plan = solve(sc, layer)
    assert {NAME, LINE_SEP} <= set(plan.chosen["name"]) and PID in set(plan.chosen["parcel_id"])
    return plan


def test_planner_data_is_escaped_in_the_report(hostile_plan):
    page = report.report_html(hostile_plan, map_png=b"png", district=toy_district())
    for raw in (NAME, TOWN, PARK, PID, TITLE, LABEL, "<b>town", "<i>&amp;"):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    t = tokens(page)
    # only the report's own elements: no script, one image (the map), no event handler
    assert "script" not in t.tags and t.tags.count("img") == 1 and "i" not in t.tags
    assert not [a for a in t.attrs if a.startswith("on")]
    text = "".join(t.text)
    for raw in (NAME, TOWN, PID, TITLE, LABEL):
        assert raw in text, raw  # shown as text, exactly as in the data
    parcels = re.search(r'<section id="parcels".*?</section>', page, re.S).group(0)
    assert parcels.count("<tr><td") == len(hostile_plan.chosen)


def test_planner_data_is_escaped_in_the_web_map(hostile_plan):
    page = webmap.webmap_html(hostile_plan, district=toy_district())
    for raw in (NAME, TOWN, PARK, PID, TITLE, LABEL, "\u2028", "\u2029"):
        assert raw not in page, repr(raw)
    # data, Leaflet, landopt: nothing else closes (or opens) a script element
    assert page.lower().count("</script") == 3 and page.lower().count("<script") == 3
    t = tokens(page)
    assert "b" not in t.tags and "img" not in t.tags and "i" not in t.tags
    assert not [a for a in t.attrs if a.startswith("on")]
    data = page_data(page)
    props = {
        f["properties"]["id"]: f["properties"] for lyr in data["layers"] for f in lyr["features"]
    }
    assert props["P1"]["name"] == NAME and props["P1"]["town"] == TOWN
    assert props["P1"]["park"] == PARK and props["P3"]["name"] == LINE_SEP and PID in props
    assert data["title"] == TITLE and "&lt;/title&gt;" in page.split("</title>")[0]
    # the same page embedded in the report is the same, escaped once more into srcdoc
    inner = embedded_map(report.report_html(hostile_plan, map_png=b"png", district=toy_district()))
    assert page_data(inner) == data


def test_json_for_script_escapes_what_could_end_the_element():
    text = _render.json_for_script({"a": "</script><!--&\u2028\u2029", "n": [1, 2.5]})
    assert not re.search("[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"a": "</script><!--&\u2028\u2029", "n": [1, 2.5]}
    with pytest.raises(ValueError):
        _render.json_for_script({"x": float("nan")})
    assert str(_render.inline_script("a</script>b</SCRIPT>")) == "a<\\/script>b<\\/SCRIPT>"
    with pytest.raises(ValueError, match="</style"):
        _render.inline_style("a{}</style><script>")


def test_an_undefined_name_in_a_template_is_an_error():
    with pytest.raises(jinja2.UndefinedError):
        _render.render("report/map.html.j2", h={}, sub={})


def _package_data_globs() -> list[str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = cfg["options.package_data"]["landopt"].splitlines()
    return [g.strip() for g in lines if g.strip() and not g.strip().startswith("#")]


def test_every_template_and_asset_is_package_data():
    pkg = ROOT / "landopt"
    shipped = {p for g in _package_data_globs() for p in glob.glob(g, root_dir=pkg)}
    on_disk = {
        p.relative_to(pkg / _render.TEMPLATES).as_posix()
        for p in (pkg / _render.TEMPLATES).rglob("*")
        if p.is_file()
    }
    assert on_disk == set(_render.ASSETS)  # ASSETS lists every file, and nothing else
    for name in _render.ASSETS:
        assert (TEMPLATES / name).is_file(), name
        assert f"{_render.TEMPLATES}/{name}" in shipped, f"{name} is not in package_data"
    # and every template or asset that a template names is one of them
    env = _render.environment()
    for name in _render.ASSETS:
        if not name.endswith(".j2"):
            continue
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        named = set(jinja2.meta.find_referenced_templates(env.parse(source)))
        named |= set(re.findall(r"asset\(\"([^\"]+)\"\)", source))
        assert named <= set(_render.ASSETS), (name, named - set(_render.ASSETS))
        env.get_template(name)  # compiles


def test_no_markup_is_built_in_python_and_no_template_turns_escaping_off():
    for module in (report, webmap):
        src = inspect.getsource(module)
        assert not re.search(
            r"<(table|t[rdh]|div|span|section|h[1-6]|p|ul|li|dl|d[td]|code|b)[\s>]", src
        )
        assert "Markup" not in src and "html.escape" not in src and "import html" not in src
    for name in _render.ASSETS:
        if name.endswith(".j2"):
            source = (TEMPLATES / name).read_text(encoding="utf-8")
            assert not re.search(r"\|\s*safe\b|autoescape\s+false", source), name
