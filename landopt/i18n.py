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

The module is long because it is data (one entry per text, both languages side by side);
the code is the first hundred lines. Splitting the texts over several files would scatter
the one place a translator reads.

The language is, in order: an explicit ``lang`` (the scenario's ``lang``, ``--lang``), the
language of the run (:data:`current_lang`, set by the CLI for a command), the
``LANDOPT_LANG`` environment variable, the locale (``LANG``/``LC_ALL`` starting ``zh``),
else English; see :func:`resolve_lang`.

The language of the run is what a text that has no scenario at hand is written in: the
framing of :class:`~landopt.errors.ScenarioError` and
:class:`~landopt.errors.ParcelDataError` ("3 problems in the scenario", "field 'x'"), the
texts of the scenario reader. The CLI sets it with :func:`set_current_lang` when a command
starts (from ``--lang``, then from the scenario once it is read) and resets it when the
command ends; a library caller may set it the same way, or leave it unset (then
:func:`run_lang` is English, and :func:`t` without a ``lang`` follows the environment).
"""

from __future__ import annotations

import logging
import math
import os
import string
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, Literal

__all__ = [
    "LANGS",
    "MESSAGES",
    "Lang",
    "add_messages",
    "current_lang",
    "fmt_count",
    "fmt_mu",
    "fmt_wan",
    "resolve_lang",
    "run_lang",
    "set_current_lang",
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


#: The language of the run (``None``: not set; the environment decides). See the module doc.
current_lang: ContextVar[str | None] = ContextVar("landopt_current_lang", default=None)


def set_current_lang(lang: str | None) -> None:
    """Set the language of the run (:data:`current_lang`); ``None`` unsets it."""
    current_lang.set(lang)


def run_lang() -> Lang:
    """The language of the run, English when none is set: what the framing of errors and
    the scenario reader's texts are written in (a library caller that sets nothing reads
    English whatever its locale, as with parcel problems)."""
    return resolve_lang(current_lang.get() or "en")


def resolve_lang(lang: str | None = None) -> Lang:
    """The language to use: ``lang`` when given, else the language of the run
    (:data:`current_lang`), else ``LANDOPT_LANG``, else the locale."""
    for value in (lang, current_lang.get(), os.environ.get("LANDOPT_LANG")):
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
    "note.no_file": {"en": "parcels passed in", "zh": "程序传入的地块"},
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
_REPORT: dict[str, dict[str, str]] = {
    "scenario": {"en": "Scenario", "zh": "方案说明"},
    "targets": {"en": "Targets and achievement", "zh": "目标完成情况"},
    "map": {"en": "Map", "zh": "规划图"},
    "webmap": {"en": "Interactive map", "zh": "交互地图"},
    "townships": {"en": "By township", "zh": "分镇（街道）统计"},
    "parks": {"en": "By park", "zh": "分园区统计"},
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
    "rules": {"en": "Other rules", "zh": "其他规则"},
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
    "no_park": {"en": "(outside the parks)", "zh": "（园区外）"},
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
    "optimal": {"en": "Optimality proven", "zh": "最优性证明"},
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
    "parcels_n": {"en": "parcels", "zh": "宗地块"},
    "model_vars": {"en": "variables", "zh": "变量"},
    "model_rows": {"en": "rows", "zh": "约束"},
    "model_nnz": {"en": "nonzeros", "zh": "非零元"},
    "check_col": {"en": "check", "zh": "复核项"},
    "detail_col": {"en": "detail", "zh": "详情"},
    "versions": {"en": "Versions", "zh": "软件版本"},
    "checks": {"en": "Independent re-check", "zh": "独立复核"},
    "check_ok": {"en": "passed", "zh": "通过"},
    "check_bad": {"en": "FAILED", "zh": "未通过"},
    "check_undecided": {"en": "undecided", "zh": "无法判定"},
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
# Help texts are argparse help: a literal percent sign is written %%.
_CLI: dict[str, dict[str, str]] = {
    # the program, shared words
    "description": {
        "en": "Optimal plans for clearing, revitalizing and upgrading under-used industrial land.",
        "zh": "低效工业用地出清、盘活与转型升级的最优方案。",
    },
    "epilog": {
        "en": "Exit codes: 0 success, 2 bad input (data or scenario) or a file that cannot be "
        "written, 3 targets cannot be met, 4 solver failure, 130 interrupted.",
        "zh": "退出码：0 成功；2 输入有误（数据或情景）或文件无法写入；3 目标无法达成；"
        "4 求解器故障；130 被中断。",
    },
    "usage": {"en": "usage: ", "zh": "用法："},
    "positionals": {"en": "positional arguments", "zh": "位置参数"},
    "optionals": {"en": "options", "zh": "选项"},
    "help_option": {"en": "show this help message and exit", "zh": "显示本帮助并退出"},
    "version_option": {"en": "show the version and exit", "zh": "显示版本号并退出"},
    "debug_option": {
        "en": "show DEBUG logging and the Python traceback of errors",
        "zh": "显示调试日志（DEBUG）及出错时的 Python 调用栈",
    },
    "verbose_option": {"en": "show INFO logging (progress)", "zh": "显示运行日志（进度）"},
    "error": {"en": "error: {message}", "zh": "错误：{message}"},
    "interrupted": {"en": "interrupted", "zh": "已中断"},
    "level.debug": {"en": "debug", "zh": "调试"},
    "level.info": {"en": "info", "zh": "信息"},
    "level.warning": {"en": "warning", "zh": "警告"},
    "level.error": {"en": "error", "zh": "错误"},
    "level.critical": {"en": "critical", "zh": "严重错误"},
    "internal_error": {
        "en": "internal error: {kind}: {message} "
        "(run with --debug for the traceback, and please report it)",
        "zh": "内部错误：{kind}：{message}（加 --debug 运行可查看调用栈，请将其报告给开发者）",
    },
    "seconds": {"en": "{s} s", "zh": "{s} 秒"},
    "total": {"en": "total", "zh": "合计"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "NO", "zh": "否"},
    "out": {"en": "output folder", "zh": "输出文件夹"},
    "scenario": {"en": "scenario file", "zh": "情景文件"},
    "plot_lang": {
        "en": "language of the plot labels and of the messages (default: LANDOPT_LANG, "
        "else the locale)",
        "zh": "图表标注及输出信息的语言（默认：LANDOPT_LANG，否则按系统区域设置）",
    },
    "wrote": {"en": "Wrote {names} to {out}", "zh": "已写入 {names} 至 {out}"},
    "list_sep": {"en": ", ", "zh": "、"},
    # table columns
    "col.action": {"en": "action", "zh": "处置方式"},
    "col.plots": {"en": "plots", "zh": "宗数"},
    "col.parcels": {"en": "parcels", "zh": "宗数"},
    "col.target": {"en": "target", "zh": "目标"},
    "col.mu": {"en": "mu", "zh": "面积（亩）"},
    "col.cost": {"en": "cost 万元", "zh": "投入（万元）"},
    "col.benefit": {"en": "benefit 万元", "zh": "收益（万元）"},
    "col.met": {"en": "met", "zh": "达标"},
    "col.scenario": {"en": "scenario", "zh": "情景"},
    # parcel statuses
    "status.inefficient": {"en": "inefficient", "zh": "低效"},
    "status.idle": {"en": "idle", "zh": "闲置"},
    "status.upgrade_candidate": {"en": "upgrade_candidate", "zh": "待转型升级"},
    "status.cleared": {"en": "cleared", "zh": "已出清"},
    "status.in_use": {"en": "in_use", "zh": "在用"},
    # the parcel-layer options
    "options.parcels": {
        "en": "parcel layer: .geojson, .gpkg, .shp (or zipped .zip), .fgb or .parquet, or a "
        "PostGIS table as postgresql://USER@HOST/DB#SCHEMA.TABLE",
        "zh": "地块图层：.geojson、.gpkg、.shp（或其 .zip 压缩包）、.fgb 或 .parquet，或 PostGIS 表"
        "（postgresql://用户@主机/数据库#模式.表）",
    },
    "options.layer": {
        "en": "layer to read from a file with several (GeoPackage)",
        "zh": "文件含多个图层时（GeoPackage）要读取的图层",
    },
    "options.encoding": {
        "en": "text encoding of a Shapefile's attributes, e.g. GB18030 or GBK "
        "(default: its .cpg file, else guessed)",
        "zh": "Shapefile 属性表的文字编码，如 GB18030 或 GBK（默认：按其 .cpg 文件，否则自动识别）",
    },
    "options.map": {
        "en": "map one of your columns to a landopt field, e.g. --map 地块编号=parcel_id "
        "--map 状态=status (repeat as needed)",
        "zh": "把您的字段对应到 landopt 字段，如 --map 地块编号=parcel_id --map 状态=status"
        "（可重复使用）",
    },
    "options.map_wants": {
        "en": "YOUR_COLUMN=landopt_field, e.g. 地块编号=parcel_id",
        "zh": "“您的字段=landopt 字段”，如 地块编号=parcel_id",
    },
    "options.status_map": {
        "en": "map one of your status values to a landopt status (inefficient, idle, "
        "upgrade_candidate, cleared, in_use), on top of the built-in Chinese ones",
        "zh": "把您的现状取值对应到 landopt 状态（inefficient、idle、upgrade_candidate、"
        "cleared、in_use），内置的中文取值（低效、闲置等）照常识别",
    },
    "options.status_map_wants": {
        "en": "YOUR_VALUE=status, e.g. 待处置=idle",
        "zh": "“您的取值=状态”，如 待处置=idle",
    },
    "options.crs": {
        "en": "projected CRS in metres to compute areas in and work in (default: the layer's "
        "own if projected, EPSG:4548 in 115.5-118.5°E, else the local UTM zone); it does not "
        "assign a missing CRS",
        "zh": "计算面积和工作所用的投影坐标系（单位米；默认：图层自身为投影坐标系时用其自身，"
        "东经 115.5–118.5° 内用 EPSG:4548，否则用当地 UTM 带）；不会为缺失坐标系的图层指定坐标系",
    },
    "options.repair": {
        "en": "repair invalid geometries with shapely.make_valid (each repair is reported)",
        "zh": "用 shapely.make_valid 修复无效几何（每处修复都会列出）",
    },
    "options.key_value_bad": {
        "en": "{option} wants {what}, got {got}",
        "zh": "{option} 的格式应为 {what}，收到的是 {got}",
    },
    # validate
    "validate.help": {"en": "check a parcel layer and summarise it", "zh": "检查地块图层并汇总"},
    "validate.description": {
        "en": "Read a parcel layer, check it and print a short report: CRS, parcels "
        "and mu by status and township, warnings, verdict. Exits 0 when the layer is usable, "
        "2 when it is not (every problem is listed on stderr).",
        "zh": "读取并检查地块图层，输出简要报告：坐标系、按现状和镇街统计的宗数与亩数、"
        "警告及结论。图层可用时退出码为 0，不可用时为 2（所有问题列在标准错误输出中）。",
    },
    "validate.max_warnings": {
        "en": "show at most N warnings in the report (default 20; 0 for all)",
        "zh": "报告中最多显示 N 条警告（默认 20；0 表示全部显示）",
    },
    "validate.input_crs": {"en": "input CRS", "zh": "输入坐标系"},
    "validate.working_crs": {"en": "working CRS", "zh": "工作坐标系"},
    "validate.parcels": {"en": "parcels", "zh": "地块"},
    "validate.parcels_value": {
        "en": "{parcels} parcels, {mu} mu",
        "zh": "{parcels} 宗，{mu} 亩",
    },
    "validate.checked_in": {"en": "checked in", "zh": "检查用时"},
    "validate.by_status": {"en": "By status", "zh": "按现状"},
    "validate.status": {"en": "status", "zh": "现状"},
    "validate.by_township": {"en": "By township (mu by status)", "zh": "按镇街（各现状亩数）"},
    "validate.township": {"en": "township", "zh": "镇街"},
    "validate.warnings": {"en": "Warnings ({n})", "zh": "警告（{n} 条）"},
    "validate.no_warnings": {"en": "Warnings: none", "zh": "警告：无"},
    "validate.more_warnings": {
        "en": "  ... and {n} more (--max-warnings 0 shows all)",
        "zh": "  ……另有 {n} 条（--max-warnings 0 显示全部）",
    },
    "validate.verdict_usable": {"en": "Verdict: usable", "zh": "结论：可用"},
    "validate.verdict_one_warning": {
        "en": "Verdict: usable, with 1 warning to review",
        "zh": "结论：可用，有 1 条警告需核查",
    },
    "validate.verdict_warnings": {
        "en": "Verdict: usable, with {n} warnings to review",
        "zh": "结论：可用，有 {n} 条警告需核查",
    },
    # plan
    "plan.help": {"en": "make the optimal plan for a scenario", "zh": "求解情景的最优方案"},
    "plan.description": {
        "en": "Solve a scenario (TOML) on its parcel layer and write the plan to --out: "
        "plan.gpkg, summary.csv, run.json and, unless --no-maps, plan.png, plan.html and "
        "report.html. Exits 3 when the targets cannot be met, with the reasons and the least "
        "shortfall; with --allow-shortfall the closest plan is written all the same (still exit 3).",
        "zh": "在情景的地块图层上求解情景（TOML），把方案写入 --out：plan.gpkg、summary.csv、"
        "run.json，未加 --no-maps 时还有 plan.png、plan.html 和 report.html。目标无法达成时退出码为 3，"
        "并给出原因和最小缺口；加 --allow-shortfall 时仍写出最接近目标的方案（退出码仍为 3）。",
    },
    "plan.scenario": {
        "en": "scenario file, e.g. data/scenarios/zhangdian-2023.toml",
        "zh": "情景文件，如 data/scenarios/zhangdian-2023.toml",
    },
    "plan.out": {
        "en": "output folder (created if missing)",
        "zh": "输出文件夹（不存在时自动创建）",
    },
    "plan.force": {
        "en": "overwrite the files of an earlier run in --out",
        "zh": "覆盖 --out 中上次运行的文件",
    },
    "plan.allow_shortfall": {
        "en": "when targets cannot be met, write the closest plan and mark the unmet targets",
        "zh": "目标无法达成时，写出最接近目标的方案并标明未达成的目标",
    },
    "plan.parcels": {
        "en": "use this parcel layer instead of the scenario's [parcels] path (a file, or "
        "postgresql://USER@HOST/DB#SCHEMA.TABLE)",
        "zh": "使用此地块图层，而不是情景 [parcels] 中的路径（文件，或 "
        "postgresql://用户@主机/数据库#模式.表）",
    },
    "plan.group_solver": {
        "en": "solver (override the scenario's [solver] table)",
        "zh": "求解器（覆盖情景的 [solver] 设置）",
    },
    "plan.backend": {"en": "solver back-end (default highs)", "zh": "求解器后端（默认 highs）"},
    "plan.time_limit": {"en": "time limit in seconds", "zh": "求解时限（秒）"},
    "plan.gap": {
        "en": "relative gap to stop at, e.g. 0.01 (default 0.0001 = 0.01 %%; "
        "0 with --abs-gap 0 proves optimality)",
        "zh": "达到此相对间隙即停止，如 0.01（默认 0.0001 即 0.01 %%；与 --abs-gap 0 同为 0 时证明最优）",
    },
    "plan.abs_gap": {
        "en": "absolute gap in 万元 to stop at (default 1); whichever of --gap and --abs-gap "
        "is reached first stops the solver",
        "zh": "达到此绝对差距（万元）即停止（默认 1）；--gap 与 --abs-gap 先达到者即停止求解",
    },
    "plan.threads": {"en": "solver threads", "zh": "求解器线程数"},
    "plan.solver_log": {"en": "show the solver's own log", "zh": "显示求解器自身的日志"},
    "plan.group_analysis": {"en": "analysis", "zh": "分析"},
    "plan.alternatives": {
        "en": "also find K alternative plans (columns action_alt1… and alternatives.csv)",
        "zh": "另求 K 个备选方案（字段 action_alt1… 及 alternatives.csv）",
    },
    "plan.within": {
        "en": "alternatives stay within PCT %% of the optimal objective (default 5)",
        "zh": "备选方案的目标值与最优值相差不超过 PCT %%（默认 5）",
    },
    "plan.differ": {
        "en": "each alternative differs from every earlier plan in at least N parcels' "
        "actions (default 5)",
        "zh": "每个备选方案与此前各方案至少有 N 宗地块的处置方式不同（默认 5）",
    },
    "plan.irreplaceability": {
        "en": "replacement cost of each chosen parcel (column replacement_cost, "
        "irreplaceability.png)",
        "zh": "计算每宗入选地块的替代成本（字段 replacement_cost 及 irreplaceability.png）",
    },
    "plan.group_maps": {"en": "maps and report", "zh": "地图与报告"},
    "plan.no_maps": {
        "en": "write no map and no report (faster)",
        "zh": "不输出地图和报告（更快）",
    },
    "plan.no_parcels": {
        "en": "give --parcels: the scenario names no parcel layer",
        "zh": "请用 --parcels 指定地块图层：情景中没有指定",
    },
    "plan.relax": {
        "en": "Relax the statements above, or run with --allow-shortfall to write the closest plan.",
        "zh": "请放宽上述条件，或加 --allow-shortfall 运行以写出最接近目标的方案。",
    },
    "plan.wrote": {
        "en": "Wrote {n} files to {out}: {names}  ({s} s)",
        "zh": "已写入 {n} 个文件至 {out}：{names}（用时 {s} 秒）",
    },
    "plan.closest": {
        "en": "warning: the targets cannot all be met; this is the closest plan:",
        "zh": "警告：目标无法全部达成；以下是最接近目标的方案：",
    },
    "plan.no_analysis": {
        "en": "(no alternatives or replacement costs for a plan that misses its targets)",
        "zh": "（方案未达成目标，不求备选方案和替代成本）",
    },
    "plan.alternatives_found": {"en": "Alternatives: {message}", "zh": "备选方案：{message}"},
    "plan.col_plan": {"en": "plan", "zh": "方案"},
    "plan.col_objective": {"en": "objective", "zh": "目标值"},
    "plan.col_vs_optimal": {"en": "vs optimal", "zh": "较最优"},
    "plan.col_differing": {"en": "parcels differing", "zh": "不同地块数"},
    "plan.optimal": {"en": "optimal", "zh": "最优"},
    "plan.alt": {"en": "alt{i}", "zh": "备选{i}"},
    "plan.replacement_title": {
        "en": "Replacement cost of the {n} chosen parcels ({irreplaceable} irreplaceable); "
        "the highest:",
        "zh": "{n} 宗入选地块的替代成本（{irreplaceable} 宗不可替代），最高的几宗：",
    },
    "plan.col_parcel": {"en": "parcel", "zh": "地块"},
    "plan.col_replacement": {"en": "replacement cost", "zh": "替代成本"},
    "plan.irreplaceable": {"en": "irreplaceable", "zh": "不可替代"},
    "plan.replacement_label": {"en": "replacement cost", "zh": "替代成本（万元）"},
    "plan.title_year": {"en": "{title} ({year})", "zh": "{title}（{year} 年）"},
    "plan.not_proven": {"en": "NOT proven optimal", "zh": "未证明最优"},
    "plan.time_limit_hit": {"en": " (time limit reached)", "zh": "（已达求解时限）"},
    "plan.gap_value": {"en": ", gap {gap}", "zh": "，间隙 {gap}"},
    "plan.bound_value": {"en": ", bound {bound}", "zh": "，最优界 {bound}"},
    "plan.boundary_term": {
        "en": " + {w} 万元/km × exposed boundary",
        "zh": " + {w} 万元/公里 × 外露边界",
    },
    "plan.priority_bonus": {"en": " − priority-zone bonuses", "zh": " − 优先区奖励"},
    "plan.project_reward": {
        "en": " − {v} 万元 per 亿元 of key-project investment landed",
        "zh": " − 重点项目落地奖励（每亿元投资 {v} 万元）",
    },
    "plan.objective_line": {
        "en": "  objective {words}: {value}{bound}{gap}",
        "zh": "  目标函数 {words}：{value}{bound}{gap}",
    },
    "plan.solver_line": {
        "en": "  {quality}; {solver} {version} ({backend}) in {s} s",
        "zh": "  {quality}；{solver} {version}（{backend}），用时 {s} 秒",
    },
    "plan.checks_line": {
        "en": "  checks: {ok}/{n} passed (targets, budgets, locks, eligibility re-checked "
        "from the plan)",
        "zh": "  复核：{ok}/{n} 项通过（按方案重新核验目标、预算、锁定和适用条件）",
    },
    "plan.compactness_line": {
        "en": "  compactness: {blocks} blocks, mean {mean} mu, exposed boundary {km} km "
        "(weight {w} 万元/km)",
        "zh": "  集中连片：{blocks} 片，平均 {mean} 亩，外露边界 {km} 公里（权重 {w} 万元/公里）",
    },
    # map
    "map.help": {
        "en": "redraw the maps and report of a written plan",
        "zh": "重绘已写出方案的地图和报告",
    },
    "map.description": {
        "en": "Redraw plan.png, plan.html and report.html from a folder written by "
        "'landopt plan' (its plan.gpkg and run.json), e.g. in another language or with tiles.",
        "zh": "根据“landopt plan”写出的文件夹（其中的 plan.gpkg 和 run.json）重绘 plan.png、"
        "plan.html 和 report.html，例如换一种语言或加底图。",
    },
    "map.plan": {"en": "plan folder, or its plan.gpkg", "zh": "方案文件夹或其中的 plan.gpkg"},
    "map.out": {
        "en": "where to write (default: the plan folder)",
        "zh": "写入位置（默认：方案文件夹）",
    },
    "map.lang": {
        "en": "language of map and report labels (default: the scenario's) and of the "
        "messages (default: LANDOPT_LANG, else the locale)",
        "zh": "地图和报告的语言（默认：情景设定的语言），以及输出信息的语言（默认：LANDOPT_LANG，"
        "否则按系统区域设置）",
    },
    "map.dpi": {
        "en": "resolution of plan.png (default 300)",
        "zh": "plan.png 的分辨率（默认 300）",
    },
    "map.also": {
        "en": "also write the static map in these formats, e.g. --also pdf,svg",
        "zh": "另以这些格式输出静态地图，如 --also pdf,svg",
    },
    "map.district": {
        "en": "outlines of district, townships and parks (default: district.geojson beside "
        "the parcel layer, if any)",
        "zh": "区县、镇街和园区边界（默认：地块图层旁的 district.geojson，如有）",
    },
    "map.tiles": {
        "en": "tile URL template for plan.html, e.g. your own Tianditu service with its key "
        "(default: none, so the page works offline)",
        "zh": "plan.html 的底图瓦片地址模板，如带密钥的天地图服务（默认：无，页面可离线使用）",
    },
    "map.also_bad": {
        "en": "--also takes pdf and/or svg, not {formats}",
        "zh": "--also 只接受 pdf 和/或 svg，不接受 {formats}",
    },
    "map.wrote": {"en": "Wrote {files}", "zh": "已写入 {files}"},
    "map.note": {"en": "note: {source}: {note}", "zh": "提示：{source}：{note}"},
    "map.fails_checks": {
        "en": "error: {source}: the plan fails {k} of its {n} checks:",
        "zh": "错误：{source}：方案有 {k} 项复核未通过（共 {n} 项）：",
    },
    "map.shortfall_plan": {
        "en": "warning: {source}: the targets are not all met (a shortfall plan)",
        "zh": "警告：{source}：目标未全部达成（缺口方案）",
    },
    # compare
    "compare.help": {
        "en": "compare two or more scenarios or plans",
        "zh": "比较两个或多个情景或方案",
    },
    "compare.description": {
        "en": "Solve each scenario (.toml) or read each written plan (folder or plan.gpkg), "
        "print targets, achievement, cost and benefit side by side and the parcels that change "
        "action, and write compare.csv, changes.csv and a comparison map of the first two.",
        "zh": "求解每个情景（.toml）或读取每个已写出的方案（文件夹或 plan.gpkg），并列输出目标、"
        "完成情况、成本和收益以及处置方式发生变化的地块，并写出 compare.csv、changes.csv "
        "和前两个方案的对比图。",
    },
    "compare.inputs": {
        "en": "two or more scenario files or plan folders",
        "zh": "两个或多个情景文件或方案文件夹",
    },
    "compare.force": {
        "en": "overwrite the files of an earlier comparison",
        "zh": "覆盖上次比较的文件",
    },
    "compare.no_maps": {"en": "write no comparison map", "zh": "不输出对比图"},
    "compare.lang": {
        "en": "language of the map labels and of the messages (default: LANDOPT_LANG, "
        "else the locale)",
        "zh": "地图标注及输出信息的语言（默认：LANDOPT_LANG，否则按系统区域设置）",
    },
    "compare.district": {
        "en": "outlines to draw (default: beside the parcel layer)",
        "zh": "要绘制的边界（默认：地块图层旁的边界文件）",
    },
    "compare.need_two": {
        "en": "compare needs at least two scenarios or plans",
        "zh": "compare 至少需要两个情景或方案",
    },
    "compare.changes": {
        "en": "{n} parcels change action between the plans",
        "zh": "各方案之间有 {n} 宗地块的处置方式不同",
    },
    "compare.more_changes": {
        "en": "  ... and {n} more (changes.csv)",
        "zh": "  ……另有 {n} 宗（见 changes.csv）",
    },
    "compare.col_parcel_id": {"en": "parcel_id", "zh": "地块编号"},
    "compare.no_action": {"en": "none", "zh": "不处置"},
    # sweep
    "sweep.help": {
        "en": "solve a scenario over a range of targets or budgets",
        "zh": "在一系列目标或预算取值下求解情景",
    },
    "sweep.description": {
        "en": "Solve the scenario at every value of one or two keys and write sweep.csv "
        "(status, objective, plots, mu and cost per action, marginal cost) and, for one key, "
        "sweep.png: the cost curve and what each extra unit costs. Points run in parallel.",
        "zh": "对一个或两个参数的每个取值求解情景，写出 sweep.csv（求解状态、目标值、各处置方式的"
        "宗数、亩数和成本、边际成本）；只有一个参数时还写出 sweep.png：成本曲线及每增加一个单位的"
        "成本。各取值并行求解。",
    },
    "sweep.vary": {
        "en": "a scenario key and its values, e.g. actions.clear.targets.area_min=300:900:60 "
        "(stop included) or budget.total=4000,5000,6000; give it twice for a grid",
        "zh": "情景参数及其取值，如 actions.clear.targets.area_min=300:900:60（含终点）或 "
        "budget.total=4000,5000,6000；给出两次即为网格",
    },
    "sweep.force": {
        "en": "overwrite the files of an earlier sweep",
        "zh": "覆盖上次扫描的文件",
    },
    "sweep.too_many": {
        "en": "sweep takes one or two --vary keys",
        "zh": "sweep 只接受一个或两个 --vary 参数",
    },
    "sweep.start": {"en": "sweeping {n} points of {keys}", "zh": "正在求解 {keys} 的 {n} 个取值"},
    "sweep.points": {"en": "points", "zh": "个取值"},
    "sweep.col_status": {"en": "status", "zh": "求解状态"},
    "sweep.col_objective": {"en": "objective", "zh": "目标值"},
    "sweep.col_marginal": {"en": "marginal", "zh": "边际成本"},
    "sweep.status_optimal": {"en": "optimal", "zh": "最优"},
    "sweep.status_within_gap": {"en": "within_gap", "zh": "在允许差距内"},
    "sweep.status_infeasible": {"en": "infeasible", "zh": "无可行解"},
    "sweep.status_time_limit": {"en": "time_limit", "zh": "达到时限"},
    "sweep.status_invalid": {"en": "invalid", "zh": "取值无效"},
    "sweep.done": {
        "en": "{n} points in {s} s with {jobs} worker(s); wrote {names} to {out}",
        "zh": "{n} 个取值，用时 {s} 秒，{jobs} 个进程；已写入 {names} 至 {out}",
    },
    # calibrate
    "calibrate.help": {
        "en": "trace cost against compactness over boundary weights",
        "zh": "在不同边界权重下权衡成本与集中连片",
    },
    "calibrate.description": {
        "en": "Solve the scenario for a range of [spatial] boundary weights (万元 per km of "
        "exposed boundary) and write calibrate.csv and calibrate.png: the cost of the actions "
        "against the exposed boundary, with the knee of the curve marked.",
        "zh": "在一系列 [spatial] 边界权重（每公里外露边界的万元数）下求解情景，写出 calibrate.csv "
        "和 calibrate.png：各处置方式的成本与外露边界长度的关系，并标出曲线的拐点。",
    },
    "calibrate.weights": {
        "en": "comma-separated weights (default %(default)s)",
        "zh": "以逗号分隔的权重（默认 %(default)s）",
    },
    "calibrate.actions": {
        "en": "comma-separated actions whose plots form blocks (default: the scenario's "
        "[spatial] boundary_actions, else all)",
        "zh": "以逗号分隔、需集中连片的处置方式（默认：情景 [spatial] 的 boundary_actions，"
        "否则全部）",
    },
    "calibrate.force": {"en": "overwrite an earlier calibration", "zh": "覆盖上次校准的文件"},
    "calibrate.weights_bad": {
        "en": "--weights wants numbers separated by commas, got {got}",
        "zh": "--weights 应为以逗号分隔的数字，收到的是 {got}",
    },
    "calibrate.weights_unit": {"en": "weights", "zh": "个权重"},
    "calibrate.col_weight": {"en": "weight", "zh": "权重"},
    "calibrate.col_boundary": {"en": "boundary km", "zh": "外露边界（公里）"},
    "calibrate.col_blocks": {"en": "blocks", "zh": "片数"},
    "calibrate.col_mean_block": {"en": "mean block mu", "zh": "平均每片亩数"},
    "calibrate.knee": {"en": "<- knee", "zh": "← 拐点"},
    "calibrate.done": {
        "en": "{n} weights in {s} s; wrote calibrate.csv, calibrate.png to {out}",
        "zh": "{n} 个权重，用时 {s} 秒；已写入 calibrate.csv、calibrate.png 至 {out}",
    },
}

# --- errors and validation (landopt.errors, landopt.parcels, landopt.scenario)
_ERRORS: dict[str, dict[str, str]] = {
    # parcels: reading (landopt.parcels.read)
    "parcels.truncated_names.what": {
        "en": "field names cut to 10 characters by the Shapefile format were restored: {pairs}",
        "zh": "已恢复被 Shapefile 格式截断为 10 个字符的字段名：{pairs}",
    },
    "parcels.truncated_names.fix": {
        "en": "nothing to do if this is right; otherwise map the columns yourself "
        "(CLI: --map), or use GeoPackage, which keeps full names",
        "zh": "如无误则无需处理；否则请自行映射字段（命令行：--map），或改用保留完整字段名的 GeoPackage",
    },
    "parcels.encoding_guessed.what": {
        "en": "{file} has no .cpg file; its text was decoded as {encoding} (guessed)",
        "zh": "{file} 没有 .cpg 文件；其文本已按 {encoding} 解码（推测）",
    },
    "parcels.encoding_guessed.fix": {
        "en": "add {cpg} containing '{encoding}', or pass encoding='{encoding}' "
        "(CLI: --encoding {encoding})",
        "zh": "请添加内容为 '{encoding}' 的 {cpg}，或传入 encoding='{encoding}'"
        "（命令行：--encoding {encoding}）",
    },
    "parcels.encoding_unknown.what": {
        "en": "{file} has no .cpg file and its text is neither UTF-8 nor GB18030; "
        "it was read as Latin-1 and Chinese text may be garbled",
        "zh": "{file} 没有 .cpg 文件，且其文本既非 UTF-8 也非 GB18030；已按 Latin-1 读取，"
        "中文可能是乱码",
    },
    "parcels.encoding_unknown.fix": {
        "en": "pass the right encoding (CLI: --encoding NAME) or add a .cpg file naming it",
        "zh": "请指定正确的编码（命令行：--encoding 编码名），或添加写明编码的 .cpg 文件",
    },
    "parcels.no_parcels.what": {"en": "the layer has no parcels", "zh": "图层中没有地块"},
    "parcels.no_parcels.fix": {"en": "check the file and the layer", "zh": "请检查文件和图层"},
    # parcels: reading files (landopt.parcels.read; InputError texts)
    "parcels.file.missing": {"en": "{path}: no such file", "zh": "{path}：文件不存在"},
    "parcels.file.is_folder": {
        "en": "{path}: is a folder; give the parcel file itself (e.g. parcels.gpkg)",
        "zh": "{path}：这是一个文件夹；请给出地块文件本身（如 parcels.gpkg）",
    },
    "parcels.file.unknown_format": {
        "en": "{path}: unknown format '{suffix}'; landopt reads {known}",
        "zh": "{path}：未知格式 '{suffix}'；landopt 可读取 {known}",
    },
    "parcels.file.unknown_encoding": {
        "en": "{path}: unknown encoding '{encoding}'; use e.g. GB18030, GBK or UTF-8",
        "zh": "{path}：未知编码 '{encoding}'；请使用如 GB18030、GBK 或 UTF-8",
    },
    "parcels.file.unreadable": {
        "en": "{path}: cannot read this {fmt} file: {error}{hint}",
        "zh": "{path}：无法读取这个 {fmt} 文件：{error}{hint}",
    },
    "parcels.file.too_long_hint": {
        "en": " -> a value is far too long (likely a text field holding a pasted document "
        "or a run-away string; landopt accepts at most {limit:,} characters "
        "in a field): find it at that position in the file and shorten it",
        "zh": " -> 某个取值过长（可能是文本字段里粘贴了文档或失控的字符串；landopt 每个字段"
        "最多接受 {limit:,} 个字符）：请在文件的该位置找到并缩短它",
    },
    "parcels.file.several_layers": {
        "en": "{path}: {count} layers ({layers}); choose one with layer='NAME' (CLI: --layer NAME)",
        "zh": "{path}：有 {count} 个图层（{layers}）；请用 layer='图层名' 选择其一"
        "（命令行：--layer 图层名）",
    },
    "parcels.file.no_layer": {
        "en": "{path}: no layer '{layer}'; the file has {names}{hint}",
        "zh": "{path}：没有图层 '{layer}'；文件中有 {names}{hint}",
    },
    "parcels.file.no_layers": {"en": "no layers", "zh": "没有图层"},
    "parcels.file.layer_hint": {"en": "; did you mean '{near}'?", "zh": "；是否指 '{near}'？"},
    "parcels.file.no_geometry": {
        "en": "{path}: the layer has no geometry column; parcels must be polygons",
        "zh": "{path}：图层没有几何列；地块必须是多边形",
    },
    "parcels.file.needs_pyarrow": {
        "en": "{path}: reading GeoParquet needs the pyarrow package -> pip install pyarrow, "
        "or convert the file: ogr2ogr {gpkg} {name}",
        "zh": "{path}：读取 GeoParquet 需要 pyarrow 包 -> pip install pyarrow，"
        "或转换文件：ogr2ogr {gpkg} {name}",
    },
    # parcels: column and status mapping (landopt.parcels.columns)
    "parcels.columns.more": {"en": ", ... ({n} in all)", "zh": ", …（共 {n} 个）"},
    "parcels.columns.none": {"en": "(none)", "zh": "（无）"},
    "parcels.columns.of_layer": {
        "en": "the layer has columns: {columns}",
        "zh": "图层现有字段：{columns}",
    },
    "parcels.did_you_mean": {"en": "did you mean '{near}'?", "zh": "是否指 '{near}'？"},
    "parcels.missing_field.what": {
        "en": "missing required field '{field}'; the layer has columns: {columns}",
        "zh": "缺少必填字段 '{field}'；图层现有字段：{columns}",
    },
    "parcels.missing_field.fix_near": {
        "en": "did you mean '{near}'? map it: columns={{'{near}': '{field}'}} "
        "(CLI: --map {near}={field})",
        "zh": "是否指 '{near}'？请映射：columns={{'{near}': '{field}'}}"
        "（命令行：--map {near}={field}）",
    },
    "parcels.missing_field.fix": {
        "en": "add a '{field}' column, or map yours: columns={{'YOUR_COLUMN': '{field}'}} "
        "(CLI: --map YOUR_COLUMN={field})",
        "zh": "请添加 '{field}' 字段，或映射已有字段：columns={{'你的字段': '{field}'}}"
        "（命令行：--map 你的字段={field}）",
    },
    "parcels.mapped_absent.what": {
        "en": "column '{src}' is not in the layer",
        "zh": "图层中没有字段 '{src}'",
    },
    "parcels.mapped_twice.what": {
        "en": "columns {sources} are all mapped to '{dst}'",
        "zh": "字段 {sources} 都映射到了 '{dst}'",
    },
    "parcels.mapped_twice.fix": {"en": "map only one of them", "zh": "请只映射其中一个"},
    "parcels.mapped_onto_existing.what": {
        "en": "'{src}' is mapped to '{dst}', but the layer already has a '{dst}' column",
        "zh": "'{src}' 映射到 '{dst}'，但图层已有 '{dst}' 字段",
    },
    "parcels.mapped_onto_existing.fix": {
        "en": "drop or rename the existing '{dst}' column, or do not map '{src}'",
        "zh": "请删除或重命名已有的 '{dst}' 字段，或不要映射 '{src}'",
    },
    "parcels.mapped_unknown.what": {
        "en": "'{src}' is mapped to '{dst}', which landopt does not know",
        "zh": "'{src}' 映射到 '{dst}'，landopt 不认识这个字段",
    },
    "parcels.status_mapped_unknown.what": {
        "en": "'{value}' is mapped to '{target}', which is not a landopt status",
        "zh": "'{value}' 映射到 '{target}'，这不是 landopt 的状态",
    },
    "parcels.status_mapped_unknown.fix": {
        "en": "map it to one of {statuses}",
        "zh": "请映射到以下之一：{statuses}",
    },
    # parcels: attribute checks (landopt.parcels.validate)
    "parcels.empty_id.what": {"en": "empty parcel id", "zh": "地块编号为空"},
    "parcels.empty_id.fix": {
        "en": "give every parcel a unique, non-empty id",
        "zh": "请为每个地块填写唯一且非空的编号",
    },
    "parcels.duplicate_id.what": {
        "en": "id '{value}' is used by {count} parcels, on rows {rows}",
        "zh": "编号 '{value}' 被 {count} 个地块使用，位于第 {rows} 行",
    },
    "parcels.duplicate_id.fix": {
        "en": "give every parcel a unique id (rows count features from 1)",
        "zh": "请为每个地块填写唯一的编号（行号从 1 开始计）",
    },
    "parcels.missing_status.what": {"en": "missing status", "zh": "缺少状态"},
    "parcels.missing_status.fix": {
        "en": "give one of {statuses} (or a Chinese alias such as 低效, 闲置)",
        "zh": "请填写以下之一：{statuses}（或中文别名，如 低效、闲置）",
    },
    "parcels.unknown_status.what": {"en": "unknown status {value!r}", "zh": "未知状态 {value!r}"},
    "parcels.unknown_status.fix": {
        "en": "use one of: {allowed}; or map your value: status_values="
        "{{{value!r}: 'idle'}} (CLI: --status-map '{value}=idle')",
        "zh": "请使用以下之一：{allowed}；或映射你的取值：status_values="
        "{{{value!r}: 'idle'}}（命令行：--status-map '{value}=idle'）",
    },
    "parcels.text_too_long.what": {
        "en": "text of {length:,} characters (at most {limit:,})",
        "zh": "文本长 {length:,} 个字符（最多 {limit:,} 个）",
    },
    "parcels.text_too_long.fix": {
        "en": "shorten it: a field holds a value, not a document",
        "zh": "请缩短：字段存放的是一个取值，而不是一篇文档",
    },
    "parcels.not_a_number.what": {"en": "not a number: {value!r}", "zh": "不是数字：{value!r}"},
    "parcels.not_a_number.fix": {
        "en": "write a plain number in {unit} (e.g. 12.5, no units or thousands "
        "separators), or leave it empty if unknown",
        "zh": "请填写纯数字，单位为{unit}（如 12.5，不带单位或千位分隔符）；未知可留空",
    },
    "parcels.infinite.what": {"en": "infinite value {value!r}", "zh": "无穷大的值 {value!r}"},
    "parcels.infinite.fix": {
        "en": "write a finite number in {unit}, or leave it empty if unknown",
        "zh": "请填写有限的数值，单位为{unit}；未知可留空",
    },
    "parcels.huge.what": {
        "en": "value {value:g} is beyond any real one (at most {limit:g})",
        "zh": "取值 {value:g} 超出任何实际可能（最多 {limit:g}）",
    },
    "parcels.huge.fix": {
        "en": "check the units and the digits; write the value in {unit}",
        "zh": "请检查单位和位数；单位为{unit}",
    },
    "parcels.negative.what": {"en": "negative value {value:g}", "zh": "负值 {value:g}"},
    "parcels.negative.fix": {
        "en": "write a value >= 0 in {unit}, or leave it empty if unknown",
        "zh": "请填写不小于 0 的值，单位为{unit}；未知可留空",
    },
    "parcels.unit.area_mu": {"en": "mu", "zh": "亩"},
    "parcels.unit.far": {"en": "floor-area ratio", "zh": "容积率"},
    "parcels.unit.building_coef": {"en": "share of the plot, 0-1", "zh": "占地块的比例，0-1"},
    "parcels.unit.tax_wan_per_mu": {"en": "万元 per mu per year", "zh": "万元/亩/年"},
    "parcels.unit.idle_years": {"en": "years", "zh": "年"},
    "parcels.unit.land_price_paid_wan": {"en": "万元", "zh": "万元"},
    "parcels.unit.benefit_tax_after_wan_per_mu": {"en": "万元 per mu per year", "zh": "万元/亩/年"},
    "parcels.unit.benefit_tax_gain_wan": {"en": "万元 per year", "zh": "万元/年"},
    "parcels.unit.floor_area_added_m2": {"en": "m²", "zh": "平方米"},
    "parcels.unit.difficulty": {"en": "1-5", "zh": "1-5 级"},
    "parcels.unit.cost": {"en": "万元 for the whole parcel", "zh": "万元（整宗地块）"},
    "parcels.unit.other": {"en": "the field's unit", "zh": "该字段的单位"},
    "parcels.declared_area.what": {
        "en": "declared area {declared:,.2f} mu differs from the geometry's "
        "{area:,.2f} mu by {diff:+,.1f} %",
        "zh": "申报面积 {declared:,.2f} 亩与图形面积 {area:,.2f} 亩相差 {diff:+,.1f} %",
    },
    "parcels.declared_area.fix": {
        "en": "landopt uses the area from the geometry; correct the declared area or the "
        "boundary if the difference is not expected",
        "zh": "landopt 采用按图形计算的面积；如差异不合预期，请更正申报面积或地块边界",
    },
    "parcels.declared_area.fix_m2": {
        "en": "the declared areas look like m², not mu (1 mu = 666.7 m²); {fix}",
        "zh": "申报面积看起来是平方米而不是亩（1 亩 = 666.7 平方米）；{fix}",
    },
    "parcels.declared_area.fix_ha": {
        "en": "the declared areas look like hectares, not mu (1 ha = 15 mu); {fix}",
        "zh": "申报面积看起来是公顷而不是亩（1 公顷 = 15 亩）；{fix}",
    },
    # parcels: CRS and areas (landopt.parcels.area)
    "parcels.crs_unknown.what": {
        "en": "unknown CRS {crs!r} ({error})",
        "zh": "未知的坐标系 {crs!r}（{error}）",
    },
    "parcels.crs_unknown.fix": {
        "en": "name a projected CRS in metres, e.g. EPSG:4548 (Gauss-Krüger 117°E) "
        "or EPSG:32650 (UTM 50N)",
        "zh": "请指定以米为单位的投影坐标系，如 EPSG:4548（高斯-克吕格 117°E）"
        "或 EPSG:32650（UTM 50N）",
    },
    "parcels.crs_not_for_area.what": {
        "en": "{crs} cannot be used to measure areas",
        "zh": "{crs} 不能用于量算面积",
    },
    "parcels.crs_not_for_area.fix": {
        "en": "name a projected, area-true CRS in metres, e.g. EPSG:4548 "
        "(Gauss-Krüger 117°E) or EPSG:32650 (UTM 50N)",
        "zh": "请指定以米为单位、面积不失真的投影坐标系，如 EPSG:4548（高斯-克吕格 117°E）"
        "或 EPSG:32650（UTM 50N）",
    },
    "parcels.no_crs.what": {
        "en": "the layer has no CRS, so its areas are unknown",
        "zh": "图层没有坐标系，无法得知面积",
    },
    "parcels.no_crs.fix": {
        "en": "assign the CRS the coordinates are in, e.g. gdf.set_crs('EPSG:4490') for CGCS2000 "
        "longitude/latitude or gdf.set_crs('EPSG:4548') for Gauss-Krüger 117°E metres "
        "(files: ogr2ogr -a_srs EPSG:4490 out.gpkg in.shp)",
        "zh": "请指定坐标实际所用的坐标系，如 CGCS2000 经纬度用 gdf.set_crs('EPSG:4490')，"
        "高斯-克吕格 117°E 米制坐标用 gdf.set_crs('EPSG:4548')"
        "（文件：ogr2ogr -a_srs EPSG:4490 out.gpkg in.shp）",
    },
    "parcels.web_mercator.what": {
        "en": "the layer is in Web Mercator ({crs})",
        "zh": "图层采用 Web 墨卡托投影（{crs}）",
    },
    "parcels.web_mercator.fix": {
        "en": "areas in Web Mercator are about 56 % too large here: reproject to EPSG:4490 or "
        "EPSG:4548 first (gdf.to_crs('EPSG:4548'); files: ogr2ogr -t_srs EPSG:4548 out.gpkg in.shp)",
        "zh": "在这里 Web 墨卡托下的面积约偏大 56 %：请先重投影到 EPSG:4490 或 EPSG:4548"
        "（gdf.to_crs('EPSG:4548')；文件：ogr2ogr -t_srs EPSG:4548 out.gpkg in.shp）",
    },
    "parcels.lonlat_swapped.what": {
        "en": "longitude and latitude look swapped: x runs {xmin:.2f}-{xmax:.2f} and y "
        "{ymin:.2f}-{ymax:.2f}, so x holds latitudes and y longitudes (the file "
        "was written latitude first, the official axis order of EPSG:4490/4326)",
        "zh": "经度和纬度似乎颠倒了：x 的范围是 {xmin:.2f}-{xmax:.2f}，y 是 "
        "{ymin:.2f}-{ymax:.2f}，即 x 存的是纬度、y 存的是经度（文件按纬度在前写出，"
        "这是 EPSG:4490/4326 的官方轴序）",
    },
    "parcels.lonlat_swapped.fix": {
        "en": "write the coordinates x = longitude, y = latitude, as GeoJSON, GeoPackage "
        "and Shapefile require: swap the axes, e.g. gdf.geometry = "
        "shapely.transform(gdf.geometry, lambda xy: xy[:, ::-1]), or export the "
        "layer again from your GIS with longitude first",
        "zh": "请按 GeoJSON、GeoPackage 和 Shapefile 的要求写成 x = 经度、y = 纬度：交换坐标轴，"
        "如 gdf.geometry = shapely.transform(gdf.geometry, lambda xy: xy[:, ::-1])，"
        "或在 GIS 中以经度在前重新导出图层",
    },
    "parcels.degrees_but_metres.what": {
        "en": "the layer says {crs} (degrees), but its coordinates "
        "reach x={xmax:.0f}, y={ymax:.0f}: they are metres of a projected CRS "
        "(a GeoJSON file without a 'crs' member is read as WGS 84)",
        "zh": "图层标明为 {crs}（单位为度），但其坐标达到 x={xmax:.0f}、y={ymax:.0f}："
        "这是投影坐标系的米（没有 'crs' 成员的 GeoJSON 文件按 WGS 84 读取）",
    },
    "parcels.degrees_but_metres.fix": {
        "en": "assign the CRS the coordinates are really in, e.g. "
        "gdf.set_crs('EPSG:4548', allow_override=True) or "
        "ogr2ogr -a_srs EPSG:4548 out.gpkg in.geojson",
        "zh": "请指定坐标实际所用的坐标系，如 gdf.set_crs('EPSG:4548', allow_override=True) "
        "或 ogr2ogr -a_srs EPSG:4548 out.gpkg in.geojson",
    },
    "parcels.area_of_use.what": {
        "en": "the centre of the data (x={x:.0f}, y={y:.0f}) lies outside the area of use of "
        "{crs}{hint}",
        "zh": "数据的中心（x={x:.0f}，y={y:.0f}）位于 {crs} 的适用范围之外{hint}",
    },
    "parcels.area_of_use.fix": {
        "en": "check that the layer's CRS is the one its coordinates are in",
        "zh": "请检查图层的坐标系是否就是其坐标所用的坐标系",
    },
    "parcels.area_of_use.swapped_hint": {
        "en": " but would lie inside it with x and y swapped: the coordinates are stored "
        "northing first",
        "zh": "，但交换 x 和 y 后位于其中：坐标按北坐标在前存储",
    },
    "parcels.area_of_use.swapped_fix": {
        "en": "{crs}'s official axis order is northing, easting, but GeoJSON, "
        "GeoPackage and Shapefile (and landopt) always take x = easting: swap the axes, "
        "e.g. gdf.geometry = shapely.transform(gdf.geometry, lambda xy: xy[:, ::-1]), or "
        "export again from your GIS with easting first",
        "zh": "{crs} 的官方轴序是北坐标、东坐标，但 GeoJSON、GeoPackage 和 Shapefile"
        "（以及 landopt）总是取 x = 东坐标：请交换坐标轴，如 gdf.geometry = "
        "shapely.transform(gdf.geometry, lambda xy: xy[:, ::-1])，或在 GIS 中以东坐标在前重新导出",
    },
    "parcels.area_of_use.zone_hint": {
        "en": " (an easting above 10,000 km carries a zone number, as in EPSG:4527 "
        "for the 117°E zone)",
        "zh": "（东坐标超过 10,000 km 说明带有带号，如 117°E 带的 EPSG:4527）",
    },
    # parcels: geometry (landopt.parcels.geometry)
    "parcels.no_geometry.what": {"en": "no geometry", "zh": "没有图形"},
    "parcels.empty_geometry.what": {"en": "empty geometry", "zh": "图形为空"},
    "parcels.draw_or_remove": {
        "en": "draw the parcel's outline or remove the row",
        "zh": "请绘制地块边界，或删除该行",
    },
    "parcels.not_polygon.what": {"en": "a {type}, not a polygon", "zh": "是 {type}，不是多边形"},
    "parcels.not_polygon.fix": {
        "en": "parcels must be polygons: replace it with the parcel's outline or remove it",
        "zh": "地块必须是多边形：请换成地块边界，或删除它",
    },
    "parcels.collection.what": {
        "en": "a GeometryCollection, not a polygon",
        "zh": "是 GeometryCollection，不是多边形",
    },
    "parcels.invalid.what": {"en": "invalid polygon: {reason}", "zh": "无效的多边形：{reason}"},
    "parcels.invalid.fix": {
        "en": "fix it in your GIS, or repair=True (CLI: --repair) to apply "
        "shapely.make_valid and keep the polygonal parts",
        "zh": "请在 GIS 中修复，或用 repair=True（命令行：--repair）以 shapely.make_valid "
        "修复并保留多边形部分",
    },
    "parcels.repair.collection": {"en": "a GeometryCollection", "zh": "GeometryCollection"},
    "parcels.repair.invalid": {
        "en": "invalid polygon ({reason})",
        "zh": "无效的多边形（{reason}）",
    },
    "parcels.repair.no_area.what": {
        "en": "{reason}; repairing it leaves no area",
        "zh": "{reason}；修复后没有面积",
    },
    "parcels.repair.no_area.fix": {
        "en": "draw the parcel's outline again",
        "zh": "请重新绘制地块边界",
    },
    "parcels.repair.made_valid": {"en": "made valid as a {type}", "zh": "已修复为 {type}"},
    "parcels.repair.areas": {
        "en": ", area {before:.2f} mu before, {after:.2f} mu after",
        "zh": "，面积由 {before:.2f} 亩变为 {after:.2f} 亩",
    },
    "parcels.repair.dropped": {"en": "; points and lines dropped", "zh": "；已丢弃点和线"},
    "parcels.repair.done.what": {"en": "{reason}: {change}", "zh": "{reason}：{change}"},
    "parcels.repair.done.fix": {
        "en": "check the repaired outline, or fix the source data",
        "zh": "请检查修复后的边界，或修正源数据",
    },
    "parcels.overlap.what": {
        "en": "the parcels overlap by {mu:.2f} mu ({share:.1f} % of the smaller)",
        "zh": "两地块重叠 {mu:.2f} 亩（占较小地块的 {share:.1f} %）",
    },
    "parcels.overlap.fix": {
        "en": "fix the boundaries so that parcels do not overlap, or the overlap is "
        "counted twice in areas and targets",
        "zh": "请修正边界使地块不重叠，否则重叠部分会在面积和目标中重复计算",
    },
    # the framing of every problem list (landopt.errors) and the scenario reader's texts
    # (landopt.scenario_read, landopt._schema_types), in the language of the run
    "frame.scenario.one": {
        "en": "{source}: {n} problem in the scenario:",
        "zh": "{source}：情景文件中有 {n} 个问题：",
    },
    "frame.scenario.many": {
        "en": "{source}: {n} problems in the scenario:",
        "zh": "{source}：情景文件中有 {n} 个问题：",
    },
    "frame.parcels.one": {
        "en": "{source}: {n} problem in the parcel layer:",
        "zh": "{source}：地块图层中有 {n} 个问题：",
    },
    "frame.parcels.many": {
        "en": "{source}: {n} problems in the parcel layer:",
        "zh": "{source}：地块图层中有 {n} 个问题：",
    },
    "frame.more": {
        "en": "  ... and {n} more (see the full list in .problems)",
        "zh": "  ……另有 {n} 个（完整列表见 .problems）",
    },
    "frame.field": {"en": "{where}, field '{field}'", "zh": "{where}，字段 '{field}'"},
    "frame.what": {"en": "{loc}: {what}", "zh": "{loc}：{what}"},
    "frame.fix": {"en": "{text} -> {fix}", "zh": "{text} → {fix}"},
    "frame.did_you_mean": {"en": "did you mean {near}?", "zh": "是否指 {near}？"},
    "read.top_level": {"en": "top level", "zh": "顶层"},
    "read.unknown_key": {"en": "unknown key", "zh": "未知的键"},
    "read.unknown_operator": {"en": "unknown operator", "zh": "未知的运算符"},
    "read.use_one_of": {"en": "use one of {keys}", "zh": "请使用以下之一：{keys}"},
    "read.missing": {"en": "missing", "zh": "缺少"},
    "read.add_key": {"en": "add {key} = …", "zh": "请添加 {key} = …"},
    "read.text": {"en": "must be text, got {got}", "zh": "须为文本，实为 {got}"},
    "read.text.fix": {"en": 'write {key} = "…"', "zh": '请写 {key} = "…"'},
    "read.bool": {"en": "must be true or false, got {got}", "zh": "须为 true 或 false，实为 {got}"},
    "read.bool.fix": {"en": "write {key} = true", "zh": "请写 {key} = true"},
    "read.int": {"en": "must be a whole number, got {got}", "zh": "须为整数，实为 {got}"},
    "read.int.fix": {"en": "write e.g. {key} = 10", "zh": "请写如 {key} = 10"},
    "read.float": {"en": "must be a number, got {got}", "zh": "须为数字，实为 {got}"},
    "read.float.fix": {"en": "write e.g. {key} = 560.0", "zh": "请写如 {key} = 560.0"},
    "read.table": {"en": "must be a table, got {got}", "zh": "须为表，实为 {got}"},
    "read.table.fix": {
        "en": "write [{key}] or {key} = {{ … }}",
        "zh": "请写 [{key}] 或 {key} = {{ … }}",
    },
    "read.table.fix_nokey": {"en": "write {{ … }}", "zh": "请写 {{ … }}"},
    "read.list": {"en": "must be a list, got {got}", "zh": "须为列表，实为 {got}"},
    "read.list.fix": {"en": "write {key} = [ … ]", "zh": "请写 {key} = [ … ]"},
    "read.literal": {"en": "must be {expected}, got {got}", "zh": "须为 {expected}，实为 {got}"},
    "read.bound": {"en": "must be {sym} {bound}, got {got}", "zh": "须 {sym} {bound}，实为 {got}"},
    "read.bound.fix": {"en": "use a value {sym} {bound}", "zh": "请使用 {sym} {bound} 的值"},
    "read.empty": {"en": "must not be empty, got {got}", "zh": "不能为空，实为 {got}"},
    "read.empty.fix": {"en": "write {key} = …", "zh": "请写 {key} = …"},
    "read.too_long": {"en": "is too long ({msg})", "zh": "过长（{msg}）"},
    "read.too_long.fix": {"en": "shorten {key}", "zh": "请缩短 {key}"},
    "read.pattern": {"en": "{msg}, got {got}", "zh": "{msg}，实为 {got}"},
    "read.pattern.fix": {"en": "correct {key}", "zh": "请更正 {key}"},
    "read.see_schema": {
        "en": "see `landopt schema` for what this key takes",
        "zh": "此键可取的值见 `landopt schema`",
    },
    "read.beyond": {
        "en": "{got} is beyond what landopt accepts here (at most {max} in size)",
        "zh": "{got} 超出 landopt 在此接受的范围（绝对值至多 {max}）",
    },
    "read.beyond.fix": {
        "en": "check the digits; leave the key out for no limit",
        "zh": "请核对位数；不设限制则删去此键",
    },
    "read.nonneg.fix": {"en": "use a non-negative value", "zh": "请使用非负值"},
}

# --- Excel workbook (landopt.excel): sheet names (≤ 31 characters), headers with units
_EXCEL: dict[str, dict[str, str]] = {
    "sheet.summary": {"en": "Summary", "zh": "方案汇总"},
    "sheet.parcels": {"en": "Chosen parcels", "zh": "入选地块"},
    "sheet.township": {"en": "By township", "zh": "分镇街"},
    "sheet.park": {"en": "By park", "zh": "分园区"},
    "sheet.checks": {"en": "Checks", "zh": "校核"},
    "sheet.run": {"en": "Run record", "zh": "运行记录"},
    "col.action": {"en": "action code", "zh": "措施代码"},
    "col.label": {"en": "action", "zh": "措施"},
    "col.eligible_plots": {"en": "eligible plots", "zh": "可选宗数"},
    "col.eligible_mu": {"en": "eligible area (mu)", "zh": "可选面积（亩）"},
    "col.count_min": {"en": "plots target, at least", "zh": "宗数目标下限"},
    "col.count_max": {"en": "plots target, at most", "zh": "宗数目标上限"},
    "col.plots": {"en": "plots chosen", "zh": "入选宗数"},
    "col.area_min": {"en": "area target, at least (mu)", "zh": "面积目标下限（亩）"},
    "col.area_max": {"en": "area target, at most (mu)", "zh": "面积目标上限（亩）"},
    "col.mu": {"en": "area chosen (mu)", "zh": "入选面积（亩）"},
    "col.cost": {"en": "cost (10⁴ CNY)", "zh": "投入（万元）"},
    "col.cost_per_mu": {"en": "cost per mu (10⁴ CNY/mu)", "zh": "亩均投入（万元/亩）"},
    "col.benefit": {"en": "benefit (10⁴ CNY)", "zh": "效益（万元）"},
    "col.budget": {"en": "budget (10⁴ CNY)", "zh": "预算（万元）"},
    "col.met": {"en": "targets", "zh": "是否达标"},
    "col.plot_no": {"en": "plot no.", "zh": "图上编号"},
    "col.township": {"en": "township", "zh": "镇（街道）"},
    "col.park": {"en": "park", "zh": "园区"},
    "col.action_plots": {"en": "{action}: plots", "zh": "{action}宗数"},
    "col.action_mu": {"en": "{action}: area (mu)", "zh": "{action}面积（亩）"},
    "col.total_plots": {"en": "total plots", "zh": "合计宗数"},
    "col.total_mu": {"en": "total area (mu)", "zh": "合计面积（亩）"},
    "col.total_cost": {"en": "total cost (10⁴ CNY)", "zh": "合计投入（万元）"},
    "col.check": {"en": "check", "zh": "校核项"},
    "col.state": {"en": "result", "zh": "结果"},
    "col.detail": {"en": "detail", "zh": "说明"},
    "col.item": {"en": "item", "zh": "项目"},
    "col.key": {"en": "key in run.json", "zh": "run.json 键"},
    "col.value": {"en": "value", "zh": "值"},
    "met.yes": {"en": "met", "zh": "达标"},
    "met.no": {"en": "NOT met", "zh": "未达标"},
    "state.passed": {"en": "passed", "zh": "通过"},
    "state.failed": {"en": "FAILED", "zh": "未通过"},
    "state.undecided": {"en": "undecided", "zh": "未判定"},
    "total": {"en": "total", "zh": "合计"},
    "no_township": {"en": "(no township given)", "zh": "（未注明镇街）"},
    "no_park": {"en": "(outside the parks)", "zh": "（园区外）"},
    "yes": {"en": "yes", "zh": "是"},
    # the run record's rows in words, by their run.json key (others show the key)
    "run.scenario.name": {"en": "scenario", "zh": "情景名称"},
    "run.scenario.lang": {"en": "language", "zh": "语言"},
    "run.created": {"en": "written (UTC)", "zh": "生成时间（UTC）"},
    "run.scenario_file": {"en": "scenario file", "zh": "情景文件"},
    "run.input.path": {"en": "parcel layer", "zh": "地块图层"},
    "run.input.sha256": {"en": "parcel layer SHA-256", "zh": "地块图层 SHA-256"},
    "run.input.parcels": {"en": "parcels", "zh": "地块数"},
    "run.plan_sha256": {"en": "plan.gpkg SHA-256", "zh": "plan.gpkg SHA-256"},
    "run.targets_met": {"en": "all targets met", "zh": "全部目标达成"},
    "run.solver.status": {"en": "solver status", "zh": "求解状态"},
    "run.solver.proven_optimal": {
        "en": "proven (optimal, or within the stopping rule)",
        "zh": "已证明（最优，或在停止规则内）",
    },
    "run.solver.proof": {"en": "how well proven", "zh": "最优性证明"},
    "run.solver.abs_gap": {"en": "optimality gap (万元)", "zh": "最优性差距（万元）"},
    "run.solver.requested_gap": {
        "en": "stopping rule: relative gap",
        "zh": "停止规则：相对差距",
    },
    "run.solver.requested_abs_gap": {
        "en": "stopping rule: absolute gap (万元)",
        "zh": "停止规则：绝对差距（万元）",
    },
    "run.solver.objective": {"en": "objective", "zh": "目标函数值"},
    "run.solver.bound": {"en": "bound", "zh": "界"},
    "run.solver.gap": {"en": "optimality gap", "zh": "最优性差距"},
    "run.solver.runtime_s": {"en": "solve time (s)", "zh": "求解用时（秒）"},
    "run.solver.solver": {"en": "solver", "zh": "求解器"},
    "run.solver.solver_version": {"en": "solver version", "zh": "求解器版本"},
    "run.solver.time_limit_s": {"en": "time limit (s)", "zh": "时间上限（秒）"},
    "run.solver.time_limit_hit": {"en": "time limit reached", "zh": "达到时间上限"},
    "run.model.variables": {"en": "model variables", "zh": "模型变量数"},
    "run.model.rows": {"en": "model constraints", "zh": "模型约束数"},
    "run.versions.landopt": {"en": "landopt version", "zh": "landopt 版本"},
    "no": {"en": "no", "zh": "否"},
}

# --- plan columns in the planner's language, ledger join (landopt.plan, landopt.parcels)
_COLUMNS: dict[str, dict[str, str]] = {
    # result columns of plan.gpkg (landopt.parcels.layout); the planner's own columns keep
    # their names
    "action_label": {"en": "action_label", "zh": "措施"},
    "action": {"en": "action", "zh": "措施代码"},
    "eligible_actions": {"en": "eligible_actions", "zh": "可选措施"},
    "area_mu": {"en": "area_mu", "zh": "面积_亩"},
    "clash": {"en": "_landopt", "zh": "_landopt"},
    # rules in words (landopt.scenario.describe_rule)
    "rule.and": {"en": " and ", "zh": " 且 "},
    "rule.or": {"en": " or ", "zh": " 或 "},
    "rule.not": {"en": "not ({rule})", "zh": "非（{rule}）"},
    "rule.in": {"en": "{field} in [{values}]", "zh": "{field} 属于 [{values}]"},
    "rule.not_in": {"en": "{field} not in [{values}]", "zh": "{field} 不属于 [{values}]"},
    "rule.is_null": {"en": "{field} is empty", "zh": "{field} 为空"},
    "rule.not_null": {"en": "{field} is filled", "zh": "{field} 非空"},
    "rule.compare": {"en": "{field} {op} {value}", "zh": "{field} {op} {value}"},
    "rule.every": {"en": "every parcel", "zh": "所有地块"},
    # the ledger join (landopt.parcels.ledger)
    "ledger.missing": {
        "en": "ledger {path} not found",
        "zh": "找不到台账 {path}",
    },
    "ledger.missing_fix": {
        "en": "check [parcels] ledger (relative to the scenario file)",
        "zh": "请检查 [parcels] ledger（相对于情景文件的路径）",
    },
    "ledger.format": {
        "en": "ledger {path}: unknown format {suffix!r}",
        "zh": "台账 {path}：不支持的格式 {suffix!r}",
    },
    "ledger.format_fix": {
        "en": "save it as .xlsx or .csv (UTF-8 or GBK)",
        "zh": "请另存为 .xlsx 或 .csv（UTF-8 或 GBK 编码）",
    },
    "ledger.unreadable": {
        "en": "cannot read ledger {path}: {error}",
        "zh": "无法读取台账 {path}：{error}",
    },
    "ledger.unreadable_fix": {
        "en": "open it in Excel and save it again as .xlsx, or as .csv in UTF-8",
        "zh": "请用 Excel 打开并另存为 .xlsx，或 UTF-8 编码的 .csv",
    },
    "ledger.no_key": {
        "en": "the ledger has no key column {key!r} (its columns: {columns})",
        "zh": "台账中没有关键字段 {key!r}（现有字段：{columns}）",
    },
    "ledger.no_key_fix": {
        "en": "set [parcels] ledger_key to the ledger's parcel-number column",
        "zh": "请将 [parcels] ledger_key 设为台账中的地块编号字段",
    },
    "ledger.layer_no_key": {
        "en": "the layer has no column {key!r} to join the ledger on",
        "zh": "图层中没有用于关联台账的字段 {key!r}",
    },
    "ledger.layer_no_key_fix": {
        "en": "map the layer's id column in [parcels] columns (… = \"parcel_id\")",
        "zh": "请在 [parcels] columns 中映射图层的编号字段（… = \"parcel_id\"）",
    },
    "ledger.duplicate": {
        "en": "the ledger lists {n} key(s) more than once: {keys}",
        "zh": "台账中有 {n} 个编号重复出现：{keys}",
    },
    "ledger.duplicate_fix": {
        "en": "keep one ledger row per parcel",
        "zh": "请保证台账中每个地块只有一行",
    },
    "ledger.both": {
        "en": "column {column!r} is in both the layer and the ledger",
        "zh": "字段 {column!r} 同时存在于图层和台账中",
    },
    "ledger.both_fix": {
        "en": "rename or delete it in one of them (the ledger or the layer)",
        "zh": "请在台账或图层之一中重命名或删除该字段",
    },
    "ledger.not_in_ledger": {
        "en": "{n} parcel(s) of the layer are not in the ledger: {keys}",
        "zh": "图层中有 {n} 个地块不在台账中：{keys}",
    },
    "ledger.not_in_ledger_fix": {
        "en": "add them to the ledger; their ledger columns are left empty",
        "zh": "请在台账中补充；这些地块的台账字段为空",
    },
    "ledger.not_in_layer": {
        "en": "{n} ledger row(s) match no parcel of the layer: {keys}",
        "zh": "台账中有 {n} 行找不到对应地块：{keys}",
    },
    "ledger.not_in_layer_fix": {
        "en": "check their numbers against the layer; they are left out",
        "zh": "请核对其编号与图层是否一致；这些行未被使用",
    },
}

# --- the print map (landopt.maps)
_PRINT: dict[str, dict[str, str]] = {
    "plot_no": {"en": "Plot no.", "zh": "图斑号"},
    "block.title": {"en": "Title", "zh": "图名"},
    "block.unit": {"en": "Compiled by", "zh": "编制单位"},
    "block.number": {"en": "Map no.", "zh": "图号"},
    "block.drawn_by": {"en": "Drawn by", "zh": "制图"},
    "block.date": {"en": "Date", "zh": "日期"},
    "cli.paper": {
        "en": "paper size of the printed map: A4 (297 x 210 mm, default) or A3 (420 x 297 mm)",
        "zh": "打印图纸幅面：A4（297×210 毫米，默认）或 A3（420×297 毫米）",
    },
    "cli.orientation": {
        "en": "orientation of the printed map: landscape (default) or portrait",
        "zh": "打印图纸方向：landscape 横向（默认）或 portrait 纵向",
    },
}

# --- the diagnosis and the plan check (landopt.diagnose, landopt.check)
# Numbers come formatted (``1,500.0``); the text adds the unit.
_DIAGNOSE: dict[str, dict[str, str]] = {
    # Diagnosis.explain
    "cannot": {"en": "The targets cannot all be met.", "zh": "目标无法全部达成。"},
    "findings": {"en": "What the data already shows:", "zh": "数据本身已表明："},
    "conflict": {
        "en": "These statements of the scenario cannot hold together (drop or relax any one of them):",
        "zh": "方案中以下几项要求无法同时满足（删除或放宽其中任意一项即可）：",
    },
    "closest": {
        "en": "The closest plan (least relative shortfall, then the scenario's objective):",
        "zh": "最接近目标的方案（先使相对缺口最小，再按方案的优化目标）：",
    },
    "all_met": {"en": "every target is met", "zh": "各项目标均已达成"},
    "no_plan": {
        "en": "No plan exists even with the targets relaxed: the budgets and locks alone conflict.",
        "zh": "即使放宽目标也找不到可行方案：仅预算和锁定地块之间就相互矛盾。",
    },
    "no_plan_these": {
        "en": "No plan exists even with the targets relaxed; these cannot all hold: {these}.",
        "zh": "即使放宽目标也找不到可行方案，以下要求本身无法同时满足：{these}。",
    },
    "list_sep": {"en": "; ", "zh": "；"},
    "note": {"en": "note: {note}", "zh": "注：{note}"},
    # Shortfall.describe
    "short": {
        "en": "{text}: {achieved} reached, {missing} short",
        "zh": "{text}，实际 {achieved}，还差 {missing}",
    },
    "over": {
        "en": "{text}: {achieved} reached, {missing} over",
        "zh": "{text}，实际 {achieved}，超出 {missing}",
    },
    "plots": {"en": "{n} plots", "zh": "{n} 宗"},
    "plot": {"en": "{n} plot", "zh": "{n} 宗"},
    "mu": {"en": "{mu} mu", "zh": "{mu} 亩"},
    # notes of the conflict search and the closest plan
    "undecided_all": {
        "en": "could not decide within {s} s whether the statements conflict at all "
        "(undecided); no conflict set was searched",
        "zh": "{s} 秒内未能判定各项要求之间是否矛盾（未判定），因此没有查找矛盾的要求组合",
    },
    "search_stopped": {
        "en": "the conflict search stopped after {s} s; the set may not be irreducible",
        "zh": "矛盾查找在 {s} 秒后停止，所列要求可能还能再精简",
    },
    "undecided_drop": {
        "en": "could not decide within {s} s whether dropping '{text}' helps "
        "(undecided); it was kept, so the set may not be irreducible",
        "zh": "{s} 秒内未能判定去掉“{text}”是否有用（未判定），已保留该项，所列要求可能还能再精简",
    },
    "not_closest": {
        "en": "the closest plan is not proven closest: {message}",
        "zh": "该方案未被证明是最接近目标的：{message}",
    },
    "phase2_none": {
        "en": "the objective phase found no plan in time ({message}); this is the least-shortfall plan",
        "zh": "优化目标阶段未能在时限内找到方案（{message}），此为缺口最小的方案",
    },
    "phase1_unproven": {
        "en": "the least shortfall was not proven ({status}: {message}); a closer plan may exist",
        "zh": "最小缺口未得到证明（{status}：{message}），可能存在更接近目标的方案",
    },
    # precheck: targets
    "too_few.one": {
        "en": "{action} needs {need} but only {have} is eligible ({rule})",
        "zh": "{action}需要 {need}，但符合条件的只有 {have}（{rule}）",
    },
    "too_few": {
        "en": "{action} needs {need} but only {have} are eligible ({rule})",
        "zh": "{action}需要 {need}，但符合条件的只有 {have}（{rule}）",
    },
    "locked_over_count": {
        "en": "{action} allows at most {most} but {n} are locked into it",
        "zh": "{action}最多 {most}，但锁定为该措施的地块已有 {n} 宗",
    },
    "area_min.lead_count": {
        "en": "{action} needs {plots} and ≥ {mu} mu",
        "zh": "{action}需要 {plots}且面积不少于 {mu} 亩",
    },
    "area_min.lead": {"en": "{action} needs ≥ {mu} mu", "zh": "{action}需要面积不少于 {mu} 亩"},
    "area_min.largest": {
        "en": "the {k} largest eligible plots",
        "zh": "面积最大的 {k} 宗符合条件地块",
    },
    "area_min.all": {"en": "all {n} eligible plots", "zh": "全部 {n} 宗符合条件地块"},
    "area_min.but": {
        "en": "{lead}, but {which} total {top} mu",
        "zh": "{lead}，但{which}合计只有 {top} 亩",
    },
    "area_max.locked": {
        "en": "{action} allows at most {mu} mu but the plots locked into it total {forced} mu",
        "zh": "{action}面积不超过 {mu} 亩，但锁定为该措施的地块合计已有 {forced} 亩",
    },
    "area_max.small": {
        "en": "{action} needs {plots} and ≤ {mu} mu, but the {n} smallest eligible plots "
        "already total {low} mu",
        "zh": "{action}需要 {plots}且面积不超过 {mu} 亩，但面积最小的 {n} 宗符合条件地块合计已有 {low} 亩",
    },
    # precheck: budgets
    "budget.action": {
        "en": "{action}'s budget is {budget} 万元, but meeting its targets costs at least {lb} 万元 "
        "(the cheapest eligible plots)",
        "zh": "{action}预算为 {budget} 万元，但达成其目标至少需要 {lb} 万元（按最便宜的符合条件地块计）",
    },
    "budget.total": {
        "en": "the total budget is {budget} 万元, but meeting every action's targets costs at least {lb} 万元",
        "zh": "总预算为 {budget} 万元，但达成各措施的目标至少需要 {lb} 万元",
    },
    # precheck: locks
    "lock.not_eligible": {
        "en": "is forced into {action} but is not eligible for it ({why})",
        "zh": "锁定为{action}，但不符合其条件（{why}）",
    },
    "lock.not_eligible_fix": {
        "en": "remove the lock or change {action}'s eligibility rule",
        "zh": "取消该锁定，或修改{action}的适用条件",
    },
    "lock.several": {
        "en": "is forced into several actions ({actions})",
        "zh": "被同时锁定为多种措施（{actions}）",
    },
    "lock.several_fix": {
        "en": "a parcel gets at most one action: keep one lock",
        "zh": "每个地块最多一种措施：只保留一个锁定",
    },
    "lock.fails": {"en": "fails {what}", "zh": "不满足 {what}"},
    "lock.fails_rule": {"en": "fails the rule", "zh": "不满足适用条件"},
    # the plan check (landopt.check and each rule's check)
    "check.undecided": {"en": "undecided: {why}", "zh": "未判定：{why}"},
    "check.count": {"en": "{n} plots against {words}", "zh": "{n} 宗，目标 {words}"},
    "check.area_min": {"en": "{mu} mu against ≥ {target}", "zh": "{mu} 亩，目标不少于 {target} 亩"},
    "check.area_max": {"en": "{mu} mu against ≤ {target}", "zh": "{mu} 亩，目标不超过 {target} 亩"},
    "check.budget": {"en": "{cost} 万元 against {budget}", "zh": "{cost} 万元，预算 {budget} 万元"},
    "check.no_column": {"en": "the parcels have no column {col}", "zh": "地块数据中没有字段 {col}"},
    "check.no_cost": {
        "en": "a cost column is missing from the parcels",
        "zh": "地块数据中缺少成本字段",
    },
    "check.lock_in": {"en": "forced into {action}, got {got}", "zh": "锁定为{action}，实际为{got}"},
    "check.lock_out": {"en": "kept out of {what}, got {got}", "zh": "不得{what}，实际为{got}"},
    "check.missing": {"en": "(missing)", "zh": "（缺失）"},
    "check.ids": {"en": "{head}: {what}", "zh": "{head}：{what}"},
    "check.ids_more": {"en": "{head} and {n} more", "zh": "{head} 等，另有 {n} 宗"},
    "check.not_binary": {
        "en": "{n} plot-action values of x are not 0 or 1",
        "zh": "x 中有 {n} 个地块-措施取值不是 0 或 1",
    },
    "check.binary": {
        "en": "all {n} plot-action values are 0 or 1",
        "zh": "全部 {n} 个地块-措施取值均为 0 或 1",
    },
    "check.two_actions": {
        "en": "given two or more actions in the solver's plan",
        "zh": "在求解结果中被安排了两种及以上措施",
    },
    "check.one_action": {
        "en": "no plot has more than one action in the solver's plan",
        "zh": "求解结果中每宗地块至多一种措施",
    },
    "check.differs": {
        "en": "action differs from the solver's plan",
        "zh": "措施与求解结果不一致",
    },
    "check.matches": {
        "en": "every plot's action is the solver's",
        "zh": "每宗地块的措施均与求解结果一致",
    },
    "check.unknown_actions": {"en": "unknown actions {actions}", "zh": "未知措施 {actions}"},
    "check.known_actions": {
        "en": "every action is one of the scenario's",
        "zh": "所有措施均为方案中定义的措施",
    },
    "check.duplicate_rows": {"en": "appears in more than one row", "zh": "出现在多行中"},
    "check.one_row": {
        "en": "one row, so one action, per plot (no solver vector to check)",
        "zh": "每宗地块一行，因此至多一种措施（无求解向量可核对）",
    },
    "check.not_eligible": {"en": "not eligible for {action}", "zh": "不符合{action}的条件"},
    "check.all_eligible": {"en": "all {n} plots eligible", "zh": "全部 {n} 宗均符合条件"},
    "check.no_geometry": {
        "en": "the scenario has zones, touching rules or blocks, but the parcels "
        "have no geometry: pass the plan's GeoDataFrame",
        "zh": "方案含有分区、相邻规则或连片要求，但地块数据没有几何图形：请传入方案的 GeoDataFrame",
    },
    "check.no_objective": {
        "en": "no solver objective to compare with",
        "zh": "没有可供比对的求解目标值",
    },
    "check.objective_columns": {
        "en": "the parcels have no column {cols}: the objective cannot be re-derived",
        "zh": "地块数据中没有字段 {cols}：无法重新计算目标值",
    },
    "check.objective": {
        "en": "recomputed {got} against the solver's {solver}",
        "zh": "重新计算为 {got}，求解器给出 {solver}",
    },
    "check.rule_column": {
        "en": "the parcels have no column {col} that {action}'s rule reads",
        "zh": "地块数据中没有{action}适用条件所用的字段 {col}",
    },
    "check.touch_no_zone": {
        "en": "touch target {target} names no zone",
        "zh": "相邻目标 {target} 不是任何分区的名称",
    },
    "check.touch_unknown": {
        "en": "touch target {target} is not understood",
        "zh": "无法识别相邻目标 {target}",
    },
    "check.no_plots": {"en": "no {action} plots", "zh": "没有{action}地块"},
    "check.min_block_small": {
        "en": "{n} of {blocks} blocks smaller than {mu} mu (smallest {smallest} mu, holding {ids})",
        "zh": "{blocks} 片中有 {n} 片小于 {mu} 亩（最小 {smallest} 亩，含 {ids}）",
    },
    "check.min_block": {
        "en": "{blocks} blocks, smallest {smallest} mu against ≥ {mu}",
        "zh": "共 {blocks} 片，最小 {smallest} 亩，要求不少于 {mu} 亩",
    },
    "check.zone_share": {
        "en": "{got} of {action}'s mu in {zone} against ≥ {share} (zone {k})",
        "zh": "{action}面积的 {got} 位于{zone}，要求不低于 {share}（第 {k} 个分区）",
    },
    # errors of plan.solve (SolverError, TargetsUnmetError)
    "solve.min_block": {
        "en": "no plan meets the targets with every block of {actions} plots at least {mu} mu "
        "(after {cuts} block cuts): lower [spatial] min_block_mu or the targets",
        "zh": "要求{actions}的每片连片地块都不小于 {mu} 亩时，没有方案能达成目标（已加入 {cuts} 条连片约束）："
        "请降低 [spatial] min_block_mu 或放宽目标",
    },
    "solve.no_plan": {
        "en": "{solver} found no plan within {why} ({message}; {s} s). "
        'Raise [solver] time_limit, allow a gap (gap = 0.01), or try backend = "cbc".',
        "zh": "{solver} 在{why}内没有找到方案（{message}；{s} 秒）。"
        '请提高 [solver] time_limit、允许一定的最优间隙（gap = 0.01），或改用 backend = "cbc"。',
    },
    "solve.its_time_limit": {"en": "its time limit", "zh": "求解时限"},
    "solve.the_run": {"en": "the run", "zh": "本次求解"},
    "solve.fails_check": {
        "en": "the solver's plan fails its own check, so it is not presented:",
        "zh": "求解器给出的方案未通过复核，因此不予采用：",
    },
    # solver status words for people
    "status.optimal": {"en": "optimal", "zh": "最优"},
    "status.within_gap": {"en": "within_gap", "zh": "在允许差距内"},
    "status.time_limit": {"en": "time_limit", "zh": "达到时限"},
    "status.infeasible": {"en": "infeasible", "zh": "无可行解"},
    "status.unbounded": {"en": "unbounded", "zh": "无界"},
    "status.error": {"en": "error", "zh": "出错"},
    # HiGHS's own status texts, as they reach a message (landopt.diagnose.solver_message)
    "highs.Optimal": {"en": "Optimal", "zh": "最优"},
    "highs.Time limit reached": {"en": "Time limit reached", "zh": "达到求解时限"},
    "highs.Infeasible": {"en": "Infeasible", "zh": "无可行解"},
    "highs.Primal infeasible or unbounded": {
        "en": "Primal infeasible or unbounded",
        "zh": "无可行解或目标无界",
    },
    "highs.Unbounded": {"en": "Unbounded", "zh": "目标无界"},
    "highs.Interrupted by user": {"en": "Interrupted by user", "zh": "被用户中断"},
    "highs.Solution limit reached": {"en": "Solution limit reached", "zh": "达到解的数量上限"},
    "highs.Iteration limit reached": {"en": "Iteration limit reached", "zh": "达到迭代次数上限"},
    # count words (Targets.describe in the scenario's language)
    "count.exact": {"en": "{n} plots", "zh": "{n} 宗"},
    "count.range": {"en": "{lo}–{hi} plots", "zh": "{lo}–{hi} 宗"},
    "count.min": {"en": "≥ {lo} plots", "zh": "不少于 {lo} 宗"},
    "count.max": {"en": "≤ {hi} plots", "zh": "不超过 {hi} 宗"},
}

add_messages(_UNITS, prefix="units.")
add_messages(_MAPS, prefix="maps.")
add_messages(_REPORT, prefix="report.")
add_messages(_WEBMAP, prefix="webmap.")
add_messages(_CLI, prefix="cli.")
add_messages(_ERRORS, prefix="errors.")
add_messages(_EXCEL, prefix="excel.")
add_messages(_COLUMNS, prefix="columns.")
add_messages(_PRINT, prefix="print.")
add_messages(_DIAGNOSE, prefix="diagnose.")

# --- cluster (landopt.cluster and the --jobs/--scheduler options of the CLI)
_CLUSTER: dict[str, dict[str, str]] = {
    "unreachable": {
        "en": "cannot reach the Dask scheduler at {address} ({error}): start it (dask "
        "scheduler), check the address of --scheduler, [cluster] scheduler or "
        "DASK_SCHEDULER_ADDRESS, or leave them out to solve on this machine",
        "zh": "无法连接 {address} 处的 Dask 调度器（{error}）：请先启动它（dask scheduler），"
        "检查 --scheduler、[cluster] scheduler 或 DASK_SCHEDULER_ADDRESS 中的地址，"
        "或不设置它们而在本机求解",
    },
    "no_workers": {
        "en": "the Dask scheduler at {address} has had no worker for {s} s: start workers "
        "(dask worker {address}), or leave out --scheduler to solve on this machine",
        "zh": "{address} 处的 Dask 调度器 {s} 秒内没有任何工作进程：请启动工作进程"
        "（dask worker {address}），或不设置 --scheduler 而在本机求解",
    },
    "jobs": {
        "en": "processes that solve: this one and N-1 workers of a local Dask cluster "
        "(default: all cores; 1 solves in this process only)",
        "zh": "参与求解的进程数：本进程加本机 Dask 集群的 N-1 个工作进程（默认：全部 CPU 核；"
        "1 表示只在本进程内求解）",
    },
    "scheduler": {
        "en": "solve on a running Dask cluster: the address of its scheduler, e.g. "
        "tcp://host:8786 (default: [cluster] scheduler, then DASK_SCHEDULER_ADDRESS)",
        "zh": "在已运行的 Dask 集群上求解：其调度器地址，如 tcp://主机:8786"
        "（默认：[cluster] scheduler，其次 DASK_SCHEDULER_ADDRESS）",
    },
    "on_local": {
        "en": "solving in {n} processes: this one and a local Dask cluster of {m} workers",
        "zh": "在 {n} 个进程上求解：本进程和本机 Dask 集群的 {m} 个工作进程",
    },
    "on_local_one": {
        "en": "solving in 2 processes: this one and a local Dask worker",
        "zh": "在 2 个进程上求解：本进程和本机 Dask 集群的 1 个工作进程",
    },
    "on_cluster": {
        "en": "solving on the Dask cluster at {address} ({n} worker threads)",
        "zh": "在 {address} 处的 Dask 集群上求解（{n} 个工作线程）",
    },
    "dashboard": {"en": "Dask dashboard: {link}", "zh": "Dask 监控面板：{link}"},
    "jobs_bad": {
        "en": "--jobs must be 1 or more, got {got}",
        "zh": "--jobs 须不小于 1，实为 {got}",
    },
}

add_messages(_CLUSTER, prefix="cluster.")

# how well a solve was proven, in every output that says it (landopt.solvers.result.proof_text)
_PROOF: dict[str, dict[str, str]] = {
    "exact": {"en": "proven optimal", "zh": "已证明最优"},
    "within": {
        "en": "within {rule} of the optimum, proven{actual}",
        "zh": "已证明与最优解相差不超过 {rule}{actual}",
    },
    "rule_both": {"en": "{rel} (or {abs} 万元)", "zh": "{rel}（或 {abs} 万元）"},
    "rule_rel": {"en": "{rel}", "zh": "{rel}"},
    "rule_abs": {"en": "{abs} 万元", "zh": "{abs} 万元"},
    "actual": {"en": " (proven gap {rel}, {abs} 万元)", "zh": "（已证明差距 {rel}，{abs} 万元）"},
    "not_proven": {"en": "NOT proven optimal", "zh": "未证明最优"},
}

add_messages(_PROOF, prefix="proof.")
