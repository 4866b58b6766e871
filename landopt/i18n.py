"""The message catalog: every text a planner reads, in Chinese and English.

One module of messages rather than gettext catalogs: the package has two languages, the
texts are short and carry ``str.format`` fields, and a Python mapping is checked by the
tests (every key has both languages, both use the same fields) without a compile step
(``.po`` → ``.mo``) or a build dependency. A message is looked up by key::

    >>> t("maps.plots", "zh")
    '宗'
    >>> fmt_mu(1234.5, "en")
    '1,234.5 mu'

Keys are namespaced by where they are read (``maps.``, ``report.``, ``webmap.``, ``cli.``,
``rules.<component>.``, ``errors.``). A rule component brings its own texts with
:func:`add_messages` (so adding a rule is one file), and they join the same catalog.

The language is, in order: an explicit ``lang`` (the scenario's ``lang``, ``--lang``), the
``LANDOPT_LANG`` environment variable, the locale (``LANG``/``LC_ALL`` starting ``zh``),
else English; see :func:`resolve_lang`.
"""

from __future__ import annotations

import logging
import math
import os
import string
from collections.abc import Mapping
from typing import Any, Literal

__all__ = [
    "LANGS",
    "MESSAGES",
    "Lang",
    "add_messages",
    "fmt_count",
    "fmt_mu",
    "fmt_wan",
    "resolve_lang",
    "t",
    "words",
]

log = logging.getLogger(__name__)

Lang = Literal["zh", "en"]
LANGS: tuple[str, ...] = ("zh", "en")

#: key -> {"en": text, "zh": text}
MESSAGES: dict[str, dict[str, str]] = {}


def add_messages(messages: Mapping[str, Mapping[str, str]], *, prefix: str = "") -> None:
    """Add texts to the catalog: ``{key: {"en": …, "zh": …}}`` (keys under ``prefix``).

    Raises
    ------
    ValueError
        A key already in the catalog with other texts, a language missing, or the two
        languages using different ``{fields}``.
    """
    for key, texts in messages.items():
        full = f"{prefix}{key}"
        missing = [lang for lang in LANGS if lang not in texts]
        if missing:
            raise ValueError(f"message {full!r} has no {', '.join(missing)} text")
        fields = {lang: _fields(texts[lang]) for lang in LANGS}
        if fields["zh"] != fields["en"]:
            raise ValueError(f"message {full!r}: the languages use different fields {fields}")
        if full in MESSAGES and MESSAGES[full] != dict(texts):
            raise ValueError(f"message {full!r} is already in the catalog with other texts")
        MESSAGES[full] = {lang: texts[lang] for lang in LANGS}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def resolve_lang(lang: str | None = None) -> Lang:
    """The language to use: ``lang`` when given, else ``LANDOPT_LANG``, else the locale."""
    for value in (lang, os.environ.get("LANDOPT_LANG")):
        if value:
            v = value.strip().lower()
            if v.startswith("zh"):
                return "zh"
            if v.startswith("en"):
                return "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def t(key: str, lang: str | None = None, /, **fields: Any) -> str:
    """The text of ``key`` in ``lang`` (see :func:`resolve_lang`), formatted with ``fields``.

    Raises
    ------
    KeyError
        The key is not in the catalog (a programming error, caught by the tests).
    """
    texts = MESSAGES[key]
    text = texts[resolve_lang(lang)]
    return text.format(**fields) if fields else text


def words(prefix: str, lang: str | None = None) -> dict[str, str]:
    """Every text under ``prefix`` (``"maps."``) in one language, keyed by the rest of the key."""
    lg = resolve_lang(lang)
    return {k[len(prefix) :]: v[lg] for k, v in MESSAGES.items() if k.startswith(prefix)}


# --------------------------------------------------------------------------- numbers
def fmt_mu(value: float, lang: str | None = None, *, digits: int = 1) -> str:
    """An area in mu for people: ``1,234.5 mu`` / ``1,234.5 亩``."""
    return f"{_num(value, digits)} {t('units.mu', lang)}"


def fmt_wan(value: float, lang: str | None = None, *, digits: int = 0) -> str:
    """Money in 万元: ``12,345 万元`` (English: ``12,345 × 10⁴ CNY``)."""
    return f"{_num(value, digits)} {t('units.wan', lang)}"


def fmt_count(value: float, lang: str | None = None) -> str:
    """A number of plots: ``17 plots`` / ``17 宗``."""
    return f"{_num(value, 0)} {t('units.plots', lang)}"


def _num(value: float, digits: int) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—" if value is None or math.isnan(value) else ("∞" if value > 0 else "−∞")
    return f"{value:,.{digits}f}"


# --------------------------------------------------------------------------- catalog
# One section per part of the package; each is merged into MESSAGES below.
_UNITS = {
    "mu": {"en": "mu", "zh": "亩"},
    "plots": {"en": "plots", "zh": "宗"},
    "wan": {"en": "× 10⁴ CNY", "zh": "万元"},
}

# --- maps (landopt.maps)
_MAPS: dict[str, dict[str, str]] = {}

# --- report (landopt.report)
_REPORT: dict[str, dict[str, str]] = {}

# --- webmap (landopt.webmap)
_WEBMAP: dict[str, dict[str, str]] = {}

# --- cli (landopt.cli)
_CLI: dict[str, dict[str, str]] = {}

# --- errors and validation (landopt.errors, landopt.parcels, landopt.scenario)
_ERRORS: dict[str, dict[str, str]] = {}

add_messages(_UNITS, prefix="units.")
add_messages(_MAPS, prefix="maps.")
add_messages(_REPORT, prefix="report.")
add_messages(_WEBMAP, prefix="webmap.")
add_messages(_CLI, prefix="cli.")
add_messages(_ERRORS, prefix="errors.")
