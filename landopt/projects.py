"""Key projects waiting for land: the project table, and the project–site table of a plan.

The scenario's ``[projects]`` table (:mod:`landopt.rules.projects`) names a project table:
a CSV (UTF-8, with or without BOM), an Excel workbook (first sheet) or a TOML list
(``[[projects.list]]``). Its columns (Chinese headers are accepted, see :data:`HEADERS`)::

    project_id, name, investment_yi, mu_min, mu_max, uses, parks, park_rule,
    park_bonus_wan, contiguous, earliest_year, tax_wan_per_year, priority, must_land

``uses`` and ``parks`` are lists separated by ``;`` (a use code matches every planned-use
code it prefixes: ``1001`` matches ``100101``). Every bad row is named, in the run's
language, and all of them are reported at once (:class:`landopt.errors.ScenarioError`).

:func:`project_table` builds a plan's project–site table from the plan's own parcels (its
``project`` column): one row per project in table order, with ``site_no`` 1..n, landed or
not, and for an unlanded project the reason (:data:`REASONS`).
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from landopt.errors import Problem, ScenarioError
from landopt.i18n import add_messages, t

if TYPE_CHECKING:
    from landopt.scenario import Scenario

__all__ = [
    "HEADERS",
    "REASONS",
    "Project",
    "project_table",
    "projects_of",
    "read_projects",
]

log = logging.getLogger(__name__)

#: Why a project did not land (keys of ``projects.reason.*`` in the catalog).
REASONS = ("no_land", "too_late", "taken", "budget", "not_needed")

#: Chinese (and a few English) headers accepted for each column of the project table.
HEADERS: dict[str, tuple[str, ...]] = {
    "project_id": ("项目编号", "编号", "id"),
    "name": ("项目名称", "名称"),
    "investment_yi": ("计划投资（亿元）", "计划投资", "投资（亿元）", "总投资（亿元）"),
    "mu_min": ("最小用地（亩）", "用地下限（亩）", "最小面积（亩）"),
    "mu_max": ("最大用地（亩）", "用地上限（亩）", "最大面积（亩）"),
    "uses": ("用地类型", "规划用途", "用途代码"),
    "parks": ("园区", "意向园区"),
    "park_rule": ("园区规则", "园区要求"),
    "park_bonus_wan": ("园区奖励（万元）", "园区加分（万元）"),
    "contiguous": ("连片", "是否连片", "需连片"),
    "earliest_year": ("最早年份", "最早开工年份"),
    "tax_wan_per_year": ("年税收（万元）", "预计年税收（万元）"),
    "priority": ("优先级", "优先顺序"),
    "must_land": ("必须落地", "必须供地"),
}
COLUMNS = tuple(HEADERS)
REQUIRED = ("project_id", "name", "investment_yi", "mu_min", "mu_max", "uses")

add_messages(
    {
        "row": {"en": "project table row {n} ({id})", "zh": "项目表第 {n} 行（{id}）"},
        "file": {"en": "project table {path}", "zh": "项目表 {path}"},
        "no_file": {"en": "{path} not found", "zh": "找不到文件 {path}"},
        "no_file_fix": {
            "en": "give the path of the project table, relative to the scenario file",
            "zh": "请填写项目表的路径（相对于方案文件）",
        },
        "unreadable": {"en": "cannot read it: {why}", "zh": "无法读取：{why}"},
        "unreadable_fix": {
            "en": "save it as CSV (UTF-8) or Excel (.xlsx)",
            "zh": "请另存为 CSV（UTF-8）或 Excel（.xlsx）",
        },
        "no_column": {"en": "the table has no column {col}", "zh": "项目表缺少字段 {col}"},
        "no_column_fix": {
            "en": "add it (a Chinese header works: {zh})",
            "zh": "请添加该字段（可用中文表头：{zh}）",
        },
        "empty": {"en": "the table lists no project", "zh": "项目表中没有项目"},
        "empty_fix": {"en": "add one row per key project", "zh": "请每个重点项目填写一行"},
        "missing": {"en": "is empty", "zh": "为空"},
        "missing_fix": {"en": "fill it in", "zh": "请填写"},
        "duplicate": {"en": "the id {id} appears twice", "zh": "项目编号 {id} 重复"},
        "duplicate_fix": {"en": "give every project its own id", "zh": "请为每个项目使用唯一编号"},
        "not_number": {"en": "{value!r} is not a number", "zh": "{value!r} 不是数字"},
        "not_number_fix": {"en": "write a number ({unit})", "zh": "请填写数字（{unit}）"},
        "negative": {"en": "{value} is below zero", "zh": "{value} 小于零"},
        "negative_fix": {"en": "write 0 or more", "zh": "请填写不小于 0 的数"},
        "range": {
            "en": "mu_min {lo} is above mu_max {hi}",
            "zh": "最小用地 {lo} 亩大于最大用地 {hi} 亩",
        },
        "range_fix": {
            "en": "mu_max must be at least mu_min (and above 0)",
            "zh": "最大用地须不小于最小用地且大于 0",
        },
        "park_rule": {"en": "{value!r} is not a park rule", "zh": "{value!r} 不是有效的园区规则"},
        "park_rule_fix": {
            "en": "write only (the site must be in one of its parks) or prefer (a bonus there)",
            "zh": "请填写 only（只能在所列园区）或 prefer（在所列园区优先）",
        },
        "only_no_parks": {
            "en": "park_rule is only but no park is named",
            "zh": "园区规则为 only，但未填写园区",
        },
        "only_no_parks_fix": {
            "en": "name its parks, separated by ;",
            "zh": "请填写园区，多个以 ; 分隔",
        },
        "bool": {"en": "{value!r} is not yes or no", "zh": "{value!r} 不是“是/否”"},
        "bool_fix": {"en": "write true or false (是 or 否)", "zh": "请填写 是 或 否（true/false）"},
        "priority": {
            "en": "{value} is not a priority (1 = highest)",
            "zh": "{value} 不是有效的优先级（1 为最高）",
        },
        "priority_fix": {"en": "write a whole number 1, 2, …", "zh": "请填写正整数 1、2、……"},
        "reason.no_land": {
            "en": "no compatible land of that size in or near its park, even if all eligible land were freed",
            "zh": "即使可腾退的土地全部腾退，所在园区也没有足够的相符用地",
        },
        "reason.too_late": {
            "en": "compatible land exists, but not enough of it can be freed by the year the project needs it",
            "zh": "相符用地存在，但在项目用地年份之前无法腾退足够的土地",
        },
        "reason.taken": {
            "en": "the land exists but a higher-priority project takes it",
            "zh": "相符用地已被优先级更高的项目使用",
        },
        "reason.budget": {
            "en": "landing it would need freeing land the budget or targets do not allow",
            "zh": "落地需要腾退更多土地，预算或目标不允许",
        },
        "reason.not_needed": {
            "en": "it could land, but its value does not cover the cost of its site",
            "zh": "可以落地，但其价值不足以抵消用地成本",
        },
        "source.stock": {"en": "stock", "zh": "存量"},
        "source.freed": {"en": "freed", "zh": "新腾退"},
        "source.mixed": {"en": "mixed", "zh": "混合"},
        "summary": {
            "en": "Key projects: {n} landed / {yi} 亿元, {m} not landed",
            "zh": "重点项目：落地 {n} 个 / {yi} 亿元，未落地 {m} 个",
        },
    },
    prefix="projects.",
)

_TRUE = {"true", "yes", "y", "1", "是", "需要", "t"}
_FALSE = {"false", "no", "n", "0", "否", "不需要", "f", ""}


@dataclass(frozen=True)
class Project:
    """One key project of the table (see the module docstring for the columns)."""

    project_id: str
    name: str
    investment_yi: float
    mu_min: float
    mu_max: float
    uses: tuple[str, ...]
    parks: tuple[str, ...] = ()
    park_rule: str = "prefer"
    park_bonus_wan: float = 0.0
    contiguous: bool = False
    earliest_year: int | None = None
    tax_wan_per_year: float = 0.0
    priority: int = 1
    must_land: bool | None = None

    def use_match(self, codes: np.ndarray) -> np.ndarray:
        """Mask of the planned-use codes (strings) that one of the project's uses prefixes."""
        codes = np.asarray(codes, dtype=str)
        out = np.zeros(len(codes), dtype=bool)
        for u in self.uses:
            out |= np.char.startswith(codes, u)
        return out


def _norm(header: object) -> str:
    return str(header).strip().replace("(", "（").replace(")", "）").replace(" ", "").lower()


def _header_map(columns: list[str]) -> dict[str, str]:
    """The table's header -> landopt's column, for every header that names one."""
    lookup = {_norm(k): k for k in COLUMNS}
    for k, names in HEADERS.items():
        for name in names:
            lookup.setdefault(_norm(name), k)
    return {c: lookup[_norm(c)] for c in columns if _norm(c) in lookup}


def _split(value: str) -> tuple[str, ...]:
    for sep in ("；", "、", ",", "，"):
        value = value.replace(sep, ";")
    return tuple(v.strip() for v in value.split(";") if v.strip())


def _frame(path: Path, lang: str | None) -> pd.DataFrame:
    where = t("projects.file", lang, path=path.name)
    if not path.exists():
        raise ScenarioError(
            where,
            [
                Problem(
                    where,
                    "path",
                    t("projects.no_file", lang, path=path),
                    t("projects.no_file_fix", lang),
                )
            ],
        )
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            return pd.read_excel(path, sheet_name=0, dtype=str).fillna("")
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            rows = data.get("projects", data.get("list", []))
            return pd.DataFrame([{k: "" if v is None else v for k, v in r.items()} for r in rows])
        return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            where,
            [
                Problem(
                    where,
                    "",
                    t("projects.unreadable", lang, why=exc),
                    t("projects.unreadable_fix", lang),
                )
            ],
        ) from None


def _num(
    row: dict[str, str],
    label: str,
    problems: list[Problem],
    lang: str | None,
    col: str,
    default: float | None = None,
    unit: str = "",
) -> float | None:
    raw = row.get(col, "")
    if raw == "":
        if default is None:
            problems.append(
                Problem(label, col, t("projects.missing", lang), t("projects.missing_fix", lang))
            )
        return default
    try:
        v = float(raw.replace(",", ""))
    except ValueError:
        problems.append(
            Problem(
                label,
                col,
                t("projects.not_number", lang, value=raw),
                t("projects.not_number_fix", lang, unit=unit),
            )
        )
        return default
    if not np.isfinite(v) or v < 0:
        problems.append(
            Problem(
                label,
                col,
                t("projects.negative", lang, value=raw),
                t("projects.negative_fix", lang),
            )
        )
        return default
    return v


def _flag(
    row: dict[str, str], label: str, problems: list[Problem], lang: str | None, col: str
) -> bool | None:
    raw = row.get(col, "").lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return None if raw == "" else False
    problems.append(
        Problem(
            label, col, t("projects.bool", lang, value=row.get(col)), t("projects.bool_fix", lang)
        )
    )
    return None


def read_projects(
    source: str | Path | list[dict[str, Any]] | pd.DataFrame, *, lang: str | None = None
) -> tuple[Project, ...]:
    """Read and validate a project table.

    Parameters
    ----------
    source
        A CSV / XLSX / TOML file, a list of dicts (the TOML array ``[[projects.list]]``) or
        a DataFrame; headers may be Chinese (:data:`HEADERS`).
    lang
        Language of the problems (the run's by default).

    Raises
    ------
    ScenarioError
        Listing every bad row, named by its row number and project id.
    """
    if isinstance(source, pd.DataFrame):
        df, where = source.copy(), t("projects.file", lang, path="")
    elif isinstance(source, (list, tuple)):
        df, where = (
            pd.DataFrame([dict(r) for r in source]),
            t("projects.file", lang, path="[[projects.list]]"),
        )
    else:
        path = Path(source)
        df, where = _frame(path, lang), t("projects.file", lang, path=path.name)
    df = df.rename(columns=_header_map([str(c) for c in df.columns]))
    problems: list[Problem] = []
    for col in REQUIRED:
        if col not in df.columns:
            problems.append(
                Problem(
                    where,
                    col,
                    t("projects.no_column", lang, col=col),
                    t("projects.no_column_fix", lang, zh=HEADERS[col][0]),
                )
            )
    if problems:
        raise ScenarioError(where, problems)
    if not len(df):
        raise ScenarioError(
            where, [Problem(where, "", t("projects.empty", lang), t("projects.empty_fix", lang))]
        )
    text = df.astype(object).where(df.notna(), "").map(lambda v: str(v).strip())
    out: list[Project] = []
    seen: set[str] = set()
    for i, row in enumerate(text.to_dict("records")):
        pid = row.get("project_id", "")
        label = t("projects.row", lang, n=i + 2, id=pid or row.get("name", "") or "?")
        bad_before = len(problems)

        for col in ("project_id", "name", "uses"):
            if not row.get(col, ""):
                problems.append(
                    Problem(
                        label, col, t("projects.missing", lang), t("projects.missing_fix", lang)
                    )
                )
        if pid and pid in seen:
            problems.append(
                Problem(
                    label,
                    "project_id",
                    t("projects.duplicate", lang, id=pid),
                    t("projects.duplicate_fix", lang),
                )
            )
        seen.add(pid)
        inv = _num(row, label, problems, lang, "investment_yi", unit="亿元")
        lo = _num(row, label, problems, lang, "mu_min", unit="mu")
        hi = _num(row, label, problems, lang, "mu_max", unit="mu")
        if lo is not None and hi is not None and (hi < lo or hi <= 0):
            problems.append(
                Problem(
                    label,
                    "mu_max",
                    t("projects.range", lang, lo=f"{lo:g}", hi=f"{hi:g}"),
                    t("projects.range_fix", lang),
                )
            )
        rule = row.get("park_rule", "").lower() or "prefer"
        parks = _split(row.get("parks", ""))
        if rule not in ("only", "prefer"):
            problems.append(
                Problem(
                    label,
                    "park_rule",
                    t("projects.park_rule", lang, value=row.get("park_rule")),
                    t("projects.park_rule_fix", lang),
                )
            )
        elif rule == "only" and not parks:
            problems.append(
                Problem(
                    label,
                    "parks",
                    t("projects.only_no_parks", lang),
                    t("projects.only_no_parks_fix", lang),
                )
            )
        bonus = _num(row, label, problems, lang, "park_bonus_wan", 0.0, unit="万元")
        tax = _num(row, label, problems, lang, "tax_wan_per_year", 0.0, unit="万元")
        year = _num(row, label, problems, lang, "earliest_year", np.nan)
        prio = _num(row, label, problems, lang, "priority", 1.0)
        if prio is not None and (prio < 1 or prio != int(prio)):
            problems.append(
                Problem(
                    label,
                    "priority",
                    t("projects.priority", lang, value=row.get("priority")),
                    t("projects.priority_fix", lang),
                )
            )
        contiguous = _flag(row, label, problems, lang, "contiguous")
        must = _flag(row, label, problems, lang, "must_land")
        if len(problems) > bad_before:
            continue
        out.append(
            Project(
                project_id=pid,
                name=row["name"],
                investment_yi=float(inv),
                mu_min=float(lo),
                mu_max=float(hi),
                uses=_split(row["uses"]),
                parks=parks,
                park_rule=rule,
                park_bonus_wan=float(bonus or 0.0),
                contiguous=bool(contiguous),
                earliest_year=None if year is None or np.isnan(year) else int(year),
                tax_wan_per_year=float(tax or 0.0),
                priority=int(prio or 1),
                must_land=must,
            )
        )
    if problems:
        raise ScenarioError(where, problems)
    return tuple(out)


_CACHE: dict[tuple[Any, ...], tuple[Project, ...]] = {}


def projects_path(scenario: Scenario) -> Path | None:
    """The project table's file of ``scenario`` (relative to the scenario file), or None."""
    spec = scenario.rule("projects")
    if spec is None or not spec.path:
        return None
    path = Path(spec.path)
    if not path.is_absolute() and scenario.source is not None:
        path = Path(scenario.source).parent / path
    return path


def projects_of(scenario: Scenario) -> tuple[Project, ...]:
    """The projects of ``scenario``'s ``[projects]`` table (read once per file version)."""
    spec = scenario.rule("projects")
    if spec is None:
        return ()
    lang = scenario.lang
    if spec.path is None:
        key: tuple[Any, ...] = ("list", repr(spec.list), lang)
        source: Any = [dict(r) for r in spec.list]
    else:
        path = projects_path(scenario)
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            stamp = None
        key = (str(path), stamp, lang)
        source = path
    if key not in _CACHE:
        _CACHE[key] = read_projects(source, lang=lang)
    return _CACHE[key]


def _sources(plan_parcels: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """Per parcel: 'stock' for stock land, 'freed' for land a source action frees, ''."""
    from landopt.rules.projects import stock_mask

    spec = scenario.rule("projects")
    stock = stock_mask(scenario, plan_parcels)
    act = plan_parcels["action"].astype(str).to_numpy()
    freed = np.isin(act, list(spec.sources))
    if "action2" in plan_parcels.columns:
        freed |= np.isin(plan_parcels["action2"].astype(str).to_numpy(), list(spec.sources))
    return np.where(stock, "stock", np.where(freed, "freed", ""))


def project_table(
    scenario: Scenario,
    plan_parcels: pd.DataFrame,
    *,
    lang: str | None = None,
    reasons: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The plan's project–site table: one row per project, in the project table's order.

    Parameters
    ----------
    scenario
        The scenario (its ``[projects]`` table).
    plan_parcels
        The plan's parcels, with the ``project`` column of :func:`landopt.plan.attach_actions`.
    lang
        Language of ``reason_text`` (the scenario's by default).
    reasons
        ``project_id -> reason key`` for the unlanded projects (from the solve,
        :func:`landopt.rules.projects.unlanded_reasons`); computed from the parcels alone
        when not given.

    Returns
    -------
    pandas.DataFrame
        ``site_no, project_id, name, investment_yi, landed, mu, parcels, park, year,
        source, reason, reason_text``.
    """
    lg = lang or scenario.lang
    projects = projects_of(scenario)
    spec = scenario.rule("projects")
    proj_col = (
        plan_parcels["project"].astype("string").fillna("").to_numpy(str)
        if "project" in plan_parcels.columns
        else np.full(len(plan_parcels), "")
    )
    area = pd.to_numeric(plan_parcels["area_mu"], errors="coerce").to_numpy(float)
    park_col = _column(scenario, spec.park_field)
    parks = (
        plan_parcels[park_col].astype("string").fillna("").to_numpy(str)
        if park_col in plan_parcels.columns
        else np.full(len(plan_parcels), "")
    )
    src = _sources(plan_parcels, scenario)
    if reasons is None:
        from landopt.rules.projects import unlanded_reasons

        reasons = unlanded_reasons(scenario, plan_parcels)
    years = _project_years(scenario)
    rows = []
    for k, p in enumerate(projects, start=1):
        on = proj_col == p.project_id
        landed = bool(on.any())
        s = set(src[on].tolist()) - {""}
        source = "" if not landed else ("mixed" if len(s) > 1 else (s.pop() if s else "freed"))
        reason = "" if landed else reasons.get(p.project_id, "not_needed")
        rows.append(
            {
                "site_no": k,
                "project_id": p.project_id,
                "name": p.name,
                "investment_yi": p.investment_yi,
                "landed": landed,
                "mu": float(area[on].sum()) if landed else 0.0,
                "parcels": int(on.sum()),
                "park": "、".join(dict.fromkeys(x for x in parks[on].tolist() if x)),
                "year": years.get(p.project_id) if landed else None,
                "source": source,
                "reason": reason,
                "reason_text": t(f"projects.reason.{reason}", lg) if reason else "",
            }
        )
    out = pd.DataFrame(rows)
    out["year"] = pd.array(out["year"].tolist(), dtype="Int64")
    out["site_no"] = out["site_no"].astype("int64")
    return out


def _column(scenario: Scenario, field: str) -> str:
    mapping = dict(scenario.parcels.columns) if scenario.parcels else {}
    return mapping.get(field, field)


def _project_years(scenario: Scenario) -> dict[str, int | None]:
    from landopt.rules.projects import project_year

    return {p.project_id: project_year(scenario, p) for p in projects_of(scenario)}


def summary_line(table: pd.DataFrame, lang: str | None = None) -> str:
    """ "重点项目：落地 N 个 / X 亿元，未落地 M 个" from :func:`project_table`."""
    landed = table[table["landed"]]
    return t(
        "projects.summary",
        lang,
        n=len(landed),
        yi=f"{landed['investment_yi'].sum():,.1f}",
        m=int((~table["landed"]).sum()),
    )
