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
# Keys without a dot are the fixed words of maps and reports (``landopt.maps.words``).
_MAPS: dict[str, dict[str, str]] = {
    "plots": {"en": "plots", "zh": "宗"},
    "mu": {"en": "mu", "zh": "亩"},
    "candidate": {"en": "candidate, not chosen", "zh": "候选未选"},
    "other": {"en": "other parcels", "zh": "其他地块"},
    "district": {"en": "district boundary", "zh": "区界"},
    "township": {"en": "township boundary", "zh": "镇（街道）界"},
    "park": {"en": "industrial park", "zh": "园区"},
    "legend": {"en": "Legend", "zh": "图例"},
    "rings": {"en": "ring: chosen plot too small to see", "zh": "圆圈：图上过小的入选地块"},
    "total": {"en": "total", "zh": "合计"},
    "cost": {"en": "cost", "zh": "投入"},
    "benefit": {"en": "benefit", "zh": "效益"},
    "wan": {"en": "× 10⁴ CNY", "zh": "万元"},
    "met": {"en": "all targets met", "zh": "全部目标达成"},
    "unmet": {"en": "targets NOT all met", "zh": "目标未全部达成"},
    "not_optimal": {"en": "not proven optimal", "zh": "未证明最优"},
    "data": {"en": "Data", "zh": "数据"},
    "demo": {"en": "synthetic demo district (not real parcels)", "zh": "合成示例区（非真实地块）"},
    "crs": {"en": "CRS", "zh": "坐标系"},
    "same": {"en": "same action in both", "zh": "两方案相同措施"},
    "different": {"en": "different actions", "zh": "两方案措施不同"},
    "only_a": {"en": "only in A", "zh": "仅方案 A"},
    "only_b": {"en": "only in B", "zh": "仅方案 B"},
    "neither": {"en": "in neither", "zh": "两方案均未选"},
    "difference": {"en": "Difference", "zh": "差异"},
    "comparison": {"en": "Two plans compared", "zh": "方案比较"},
    # one plot (English counts agree in number; Chinese 宗 does not change)
    "count.one": {"en": "plot", "zh": "宗"},
    # between a label and its value: "数据：…" / "Data: …"
    "punct.colon": {"en": ": ", "zh": "："},
    # the note at a map's foot when the parcels came from no file (the same in both)
    "note.no_file": {"en": "parcels passed in", "zh": "parcels passed in"},
    # parcel status (landopt.maps.STATUS_WORDS)
    "status.inefficient": {"en": "low-efficiency", "zh": "低效用地"},
    "status.idle": {"en": "idle", "zh": "闲置土地"},
    "status.upgrade_candidate": {"en": "upgrade candidate", "zh": "待转型升级"},
    "status.cleared": {"en": "cleared, in reserve", "zh": "已收储"},
    "status.in_use": {"en": "in use", "zh": "在用"},
    # spatial rules on the printed map
    "zone.exclude": {"en": "exclude zone", "zh": "禁止区"},
    "zone.priority": {"en": "priority zone", "zh": "优先区"},
    "zone.blocks": {"en": "blocks ({n})", "zh": "连片地块群（{n} 个）"},
    # a swept TOML key in words, by its last part (charts)
    "key.area_min": {"en": "area target, at least", "zh": "面积下限"},
    "key.area_max": {"en": "area target, at most", "zh": "面积上限"},
    "key.count": {"en": "plots", "zh": "宗数"},
    "key.count_min": {"en": "plots, at least", "zh": "宗数下限"},
    "key.count_max": {"en": "plots, at most", "zh": "宗数上限"},
    "key.budget": {"en": "budget", "zh": "预算"},
    "key.total": {"en": "total budget", "zh": "总预算"},
    # units on the charts' axes
    "unit.mu": {"en": "mu", "zh": "亩"},
    "unit.plots": {"en": "plots", "zh": "宗"},
    "unit.wan": {"en": "10k yuan", "zh": "万元"},
    # the sweep chart
    "sweep.objective": {"en": "optimal objective", "zh": "最优目标值 optimal objective"},
    "sweep.infeasible": {"en": "no plan meets the targets", "zh": "无可行方案 infeasible"},
    "sweep.ylabel": {"en": "optimal objective ({money})", "zh": "最优总投入 ({money})"},
    "sweep.title": {"en": "Sweep: {key}", "zh": "目标扫描：{key}"},
    "sweep.marginal": {
        "en": "marginal cost ({money} per {unit})",
        "zh": "边际成本 ({money}/{unit})",
    },
    # parcels coloured by a value
    "values.irreplaceable": {"en": "irreplaceable", "zh": "不可替代 irreplaceable"},
    # the boundary-weight calibration chart
    "calibration.knee": {
        "en": "knee: weight {weight:g} (10k yuan/km), {blocks} blocks",
        "zh": "拐点：权重 {weight:g} 万元/km，{blocks} 个地块群",
    },
    "calibration.xlabel": {
        "en": "exposed boundary of the chosen plots (km)",
        "zh": "外露边界长度 (km)",
    },
    "calibration.ylabel": {"en": "cost of the actions ({money})", "zh": "措施投入 ({money})"},
    "calibration.title": {
        "en": "Compactness calibration (labels: boundary weight, 10k yuan per km)",
        "zh": "紧凑度权重标定（点旁数字为权重，万元/km）",
    },
}

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
