"""HTML pages from jinja2 templates: ``report.html`` and ``plan.html``.

The templates, their CSS and their JavaScript live in ``landopt/templates/`` (package
data) and are rendered with autoescaping on and undefined names an error, so every value
a template prints is HTML-escaped unless it went through one of the filters below, each
of which makes its input safe for where it is put:

``script_json``
    JSON for a ``<script>`` element: ``<``, ``>``, ``&``, U+2028 and U+2029 as ``\\u``
    escapes, so no string in it can end the element or the script.
``inline_script`` / ``inline_style``
    The text of a packaged (trusted) JavaScript or CSS file for a ``<script>`` or
    ``<style>`` element; ``</script`` is escaped, and a ``</style`` is refused.

CSS and JavaScript files are inlined at render time (:func:`asset`), so each page stays
one self-contained file that opens with no network.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

import jinja2
import markupsafe

__all__ = [
    "ASSETS",
    "TEMPLATES",
    "asset",
    "environment",
    "inline_script",
    "inline_style",
    "json_for_script",
    "render",
    "script_json",
]

#: The folder of the templates and assets inside the package.
TEMPLATES = "templates"
#: Every template and asset file the pages use (the tests check they are package data).
ASSETS = (
    "report.html.j2",
    "report/_macros.html.j2",
    "report/header.html.j2",
    "report/scenario.html.j2",
    "report/targets.html.j2",
    "report/map.html.j2",
    "report/webmap.html.j2",
    "report/breakdown.html.j2",
    "report/parcels.html.j2",
    "report/record.html.j2",
    "report/programme.html.j2",
    "report/projects.html.j2",
    "report.css",
    "plan.html.j2",
    "plan.css",
    "plan.js",
    "plan_programme.js",
)

_SCRIPT_END = re.compile(r"</(script)", re.I)
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")


def json_for_script(obj: Any) -> str:
    """Compact JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` only occur inside JSON strings; as ``\\u`` escapes they
    cannot end the element, and U+2028/U+2029 (line ends to old JavaScript) are
    escaped the same way. Non-finite numbers are refused (``ValueError``).
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def script_json(obj: Any) -> markupsafe.Markup:
    # escaped for the script context above: nothing in it is markup
    return markupsafe.Markup(json_for_script(obj))


def inline_script(text: str) -> markupsafe.Markup:
    """Packaged JavaScript for a ``<script>`` element (``</script`` escaped as ``<\\/script``)."""
    return markupsafe.Markup(_SCRIPT_END.sub(r"<\\/\1", str(text)))


def inline_style(text: str) -> markupsafe.Markup:
    """Packaged CSS for a ``<style>`` element."""
    if "</style" in str(text).lower():
        raise ValueError("CSS to inline contains '</style', which would end the element")
    return markupsafe.Markup(str(text))


@cache
def asset(name: str) -> str:
    """The text of a CSS or JavaScript file in ``landopt/templates/``."""
    return (resources.files("landopt") / TEMPLATES / name).read_text(encoding="utf-8")


@cache
def environment() -> jinja2.Environment:
    """The jinja2 environment of landopt's pages (autoescaping, strict undefined)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("landopt", TEMPLATES),
        # every template here is HTML: escape everything not marked safe by a filter above
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["script_json"] = script_json
    env.filters["inline_script"] = inline_script
    env.filters["inline_style"] = inline_style
    env.globals["asset"] = asset
    return env


def render(template: str, /, **context: Any) -> str:
    """Render ``landopt/templates/<template>`` with ``context``."""
    return environment().get_template(template).render(**context)
