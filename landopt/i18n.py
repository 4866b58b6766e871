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
    "jobs": {
        "en": "worker processes (default: all cores)",
        "zh": "并行进程数（默认：全部 CPU 核）",
    },
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
    "col.cost": {"en": "cost 万元", "zh": "成本（万元）"},
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
        "en": "parcel layer: .geojson, .gpkg, .shp (or zipped .zip), .fgb or .parquet",
        "zh": "地块图层：.geojson、.gpkg、.shp（或其 .zip 压缩包）、.fgb 或 .parquet",
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
        "en": "use this parcel layer instead of the scenario's [parcels] path",
        "zh": "使用此地块图层，而不是情景 [parcels] 中的路径",
    },
    "plan.group_solver": {
        "en": "solver (override the scenario's [solver] table)",
        "zh": "求解器（覆盖情景的 [solver] 设置）",
    },
    "plan.backend": {"en": "solver back-end (default highs)", "zh": "求解器后端（默认 highs）"},
    "plan.time_limit": {"en": "time limit in seconds", "zh": "求解时限（秒）"},
    "plan.gap": {
        "en": "relative gap to stop at, e.g. 0.01 (default 0: prove optimality)",
        "zh": "达到此相对间隙即停止，如 0.01（默认 0：证明最优）",
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
    "plan.proven_optimal": {"en": "proven optimal", "zh": "已证明最优"},
    "plan.optimal_within": {
        "en": "optimal within the requested gap {gap}",
        "zh": "在要求的间隙 {gap} 内最优",
    },
    "plan.not_proven": {"en": "NOT proven optimal", "zh": "未证明最优"},
    "plan.time_limit_hit": {"en": " (time limit reached)", "zh": "（已达求解时限）"},
    "plan.gap_value": {"en": ", gap {gap}", "zh": "，间隙 {gap}"},
    "plan.bound_value": {"en": ", bound {bound}", "zh": "，最优界 {bound}"},
    "plan.minimize": {"en": "minimize {terms}", "zh": "最小化 {terms}"},
    "plan.maximize": {"en": "maximize {terms}", "zh": "最大化 {terms}"},
    "plan.term_cost": {"en": "cost", "zh": "成本"},
    "plan.term_benefit": {"en": "benefit", "zh": "收益"},
    "plan.difficulty": {
        "en": " ({sign} {w} per difficulty point)",
        "zh": "（每个难度分 {sign} {w}）",
    },
    "plan.boundary_term": {
        "en": " + {w} 万元/km × exposed boundary",
        "zh": " + {w} 万元/公里 × 外露边界",
    },
    "plan.priority_bonus": {"en": " − priority-zone bonuses", "zh": " − 优先区奖励"},
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
_ERRORS: dict[str, dict[str, str]] = {}

add_messages(_UNITS, prefix="units.")
add_messages(_MAPS, prefix="maps.")
add_messages(_REPORT, prefix="report.")
add_messages(_WEBMAP, prefix="webmap.")
add_messages(_CLI, prefix="cli.")
add_messages(_ERRORS, prefix="errors.")
