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
_REPORT: dict[str, dict[str, str]] = {
    "scenario": {"en": "Scenario", "zh": "方案说明"},
    "targets": {"en": "Targets and achievement", "zh": "目标完成情况"},
    "map": {"en": "Map", "zh": "规划图"},
    "webmap": {"en": "Interactive map", "zh": "交互地图"},
    "townships": {"en": "By township", "zh": "分镇（街道）统计"},
    "parcels": {"en": "Chosen parcels", "zh": "入选地块清单"},
    "record": {"en": "Solver record", "zh": "求解记录"},
    "action": {"en": "Action", "zh": "措施"},
    "eligible": {"en": "Eligible parcels", "zh": "适用条件"},
    "target": {"en": "Targets", "zh": "目标"},
    "budget": {"en": "Budget (10⁴ CNY)", "zh": "预算（万元）"},
    "cost_col": {"en": "Cost column", "zh": "投入字段"},
    "objective": {"en": "Objective", "zh": "优化目标"},
    "budget_total": {"en": "Total budget", "zh": "总预算"},
    "locks": {"en": "Locked parcels", "zh": "锁定地块"},
    "plots_target": {"en": "Target plots", "zh": "目标宗数"},
    "plots": {"en": "Plots", "zh": "宗数"},
    "mu_target": {"en": "Target mu", "zh": "目标面积（亩）"},
    "mu": {"en": "Mu", "zh": "面积（亩）"},
    "cost": {"en": "Cost (10⁴ CNY)", "zh": "投入（万元）"},
    "benefit": {"en": "Benefit (10⁴ CNY)", "zh": "效益（万元）"},
    "per_mu": {"en": "Cost per mu", "zh": "亩均投入（万元）"},
    "met": {"en": "Met", "zh": "达标"},
    "yes": {"en": "✓ met", "zh": "✓ 达标"},
    "no": {"en": "✗ NOT met", "zh": "✗ 未达标"},
    "total": {"en": "Total", "zh": "合计"},
    "shortfalls": {"en": "Targets not met", "zh": "未达成的目标"},
    "findings": {"en": "What the data shows", "zh": "数据显示"},
    "conflict": {
        "en": "Requirements that conflict (relax one)",
        "zh": "相互冲突的要求（放宽其一）",
    },
    "township": {"en": "Township", "zh": "镇（街道）"},
    "id": {"en": "Parcel ID", "zh": "地块编号"},
    "name": {"en": "Name", "zh": "名称"},
    "park": {"en": "Park", "zh": "园区"},
    "status": {"en": "Status", "zh": "现状"},
    "chosen": {"en": "Chosen parcels", "zh": "入选地块"},
    "area": {"en": "Area", "zh": "面积"},
    "all_met": {"en": "All targets met", "zh": "全部目标达成"},
    "not_met": {"en": "Targets NOT all met", "zh": "目标未全部达成"},
    "checks_failed": {
        "en": "Re-check FAILED: this plan breaks the scenario's rules and must not be used as a plan that meets them",
        "zh": "复核未通过：本方案不满足方案要求，不可作为达标方案使用",
    },
    "checks_failed_list": {"en": "Checks that failed", "zh": "未通过的复核项"},
    "edited": {"en": "The plan file was changed after the run", "zh": "方案文件在求解后被修改过"},
    "webmap_note": {
        "en": "Hover or tap a parcel for details; switch layers in the panel. Not printed: see the map above.",
        "zh": "悬停或点击地块查看详情；右上角可切换图层。打印时不含交互地图，见上方规划图。",
    },
    "no_chosen": {"en": "This plan chooses no parcel.", "zh": "本方案未选中任何地块。"},
    "status_k": {"en": "Status", "zh": "求解状态"},
    "optimal": {"en": "Proven optimal", "zh": "是否证明最优"},
    "proven": {"en": "yes", "zh": "是（已证明最优）"},
    "not_proven": {
        "en": "NO (feasible plan, optimality not proven)",
        "zh": "否（可行解，未证明最优）",
    },
    "objective_v": {"en": "Objective value", "zh": "目标值"},
    "bound": {"en": "Bound", "zh": "下界"},
    "bound_max": {"en": "Bound", "zh": "上界"},
    "gap": {"en": "Relative gap", "zh": "相对间隙"},
    "runtime": {"en": "Solve time", "zh": "求解时间"},
    "solver": {"en": "Solver", "zh": "求解器"},
    "time_limit": {"en": "Time limit", "zh": "时间上限"},
    "input": {"en": "Input", "zh": "输入数据"},
    "sha": {"en": "Input SHA-256", "zh": "输入 SHA-256"},
    "scenario_file": {"en": "Scenario file", "zh": "方案文件"},
    "created": {"en": "Run at", "zh": "运行时间"},
    "model": {"en": "Model size", "zh": "模型规模"},
    "versions": {"en": "Versions", "zh": "软件版本"},
    "checks": {"en": "Independent re-check", "zh": "独立复核"},
    "check_ok": {"en": "passed", "zh": "通过"},
    "check_bad": {"en": "FAILED", "zh": "未通过"},
    "check_undecided": {"en": "undecided", "zh": "无法判定"},
    "generated": {"en": "Made with landopt {v}", "zh": "由 landopt {v} 生成"},
    "candidates": {"en": "Candidates", "zh": "候选地块"},
    "year": {"en": "Year", "zh": "年度"},
    "page_title": {"en": "{t} · plan report", "zh": "{t} · 方案报告"},
    "no_targets": {"en": "no targets", "zh": "无目标"},
}

# --- webmap (landopt.webmap)
_WEBMAP: dict[str, dict[str, str]] = {
    "id": {"en": "ID", "zh": "编号"},
    "name": {"en": "Name", "zh": "名称"},
    "township": {"en": "Township", "zh": "镇（街道）"},
    "park": {"en": "Park", "zh": "园区"},
    "status": {"en": "Status", "zh": "现状"},
    "area": {"en": "Area", "zh": "面积"},
    "action": {"en": "Action", "zh": "措施"},
    "cost": {"en": "Cost", "zh": "投入"},
    "options": {"en": "Candidate for", "zh": "可选措施"},
    "none": {"en": "not chosen", "zh": "未选"},
    "layers": {"en": "Layers", "zh": "图层"},
    "outlines": {"en": "Boundaries", "zh": "边界"},
    "exclude": {"en": "exclusion zone", "zh": "禁止区"},
    "priority": {"en": "priority zone", "zh": "优先区"},
    "blocks": {"en": "blocks ({n})", "zh": "连片地块群（{n} 个）"},
    "dropped_other": {
        "en": "Too many parcels: {n:,} parcels that were never candidates are not shown",
        "zh": "地块过多：{n:,} 宗非候选地块未显示",
    },
    "dropped_candidate": {
        "en": "Too many parcels: {n:,} unchosen candidates are not shown",
        "zh": "地块过多：{n:,} 宗候选未选地块未显示",
    },
    "simplified": {"en": "Outlines simplified ({m:g} m)", "zh": "边界已简化（{m:g} 米）"},
    "web_note": {
        "en": "shown in Web Mercator, areas computed in the CRS above",
        "zh": "网页以 Web 墨卡托显示，面积按上述坐标系计算",
    },
}

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
