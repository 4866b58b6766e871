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
        "en": "declared area {declared:.2f} mu differs from the geometry's "
        "{area:.2f} mu by {diff:+.1f} %",
        "zh": "申报面积 {declared:.2f} 亩与图形面积 {area:.2f} 亩相差 {diff:+.1f} %",
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
}

add_messages(_UNITS, prefix="units.")
add_messages(_MAPS, prefix="maps.")
add_messages(_REPORT, prefix="report.")
add_messages(_WEBMAP, prefix="webmap.")
add_messages(_CLI, prefix="cli.")
add_messages(_ERRORS, prefix="errors.")
