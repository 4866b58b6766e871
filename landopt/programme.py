r"""Multi-year programmes: the ``[programme]`` table and the columns it expands the model into.

A scenario with ``[programme] years = [2023, 2024, 2025]`` plans when each action happens,
not only where. This module holds what every programme component reads:

- :class:`ProgrammeSpec`, the table's schema (its sub-tables: sequences, durations,
  yearly and cumulative targets, yearly budgets, capacity, benefit targets, per-year locks);
- :func:`programme_problems`, the checks of the table against the rest of the scenario
  (named problems in Chinese and English);
- :class:`Programme`, the domain object (years, durations, splits, sequences, the stock
  rule, discount factors) built from a scenario;
- :func:`expand`, the column expansion: one x per (parcel p, action a, start year t,
  stage g) that can happen, as numpy arrays (no per-parcel Python loop).

Columns (see ``docs/formulation.md``, :mod:`landopt.rules.programme`):

- stage 0: (p, a) eligible as in a one-year scenario, start year t allowed by
  ``not_before``/``not_after`` and by the duration d_a (t + d_a - 1 <= the last year);
  stock parcels (land cleared before the first year, ``stock``) get stage-0 columns of
  every sequence's ``then`` action only, whether or not that action's own rule admits them;
- stage 1: (p, then, t') for p eligible for the sequence's ``first`` (not stock), with
  t' >= years[0] + gap.

A scenario without ``[programme]`` never reaches this module.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from landopt.errors import Problem
from landopt.i18n import add_messages, t

if TYPE_CHECKING:
    from landopt.prepare import Prepared
    from landopt.scenario import Rule, Scenario

__all__ = [
    "Columns",
    "Programme",
    "ProgrammeSpec",
    "expand",
    "programme_of",
    "programme_problems",
]

log = logging.getLogger(__name__)

add_messages(
    {
        "years_order": {
            "en": "years {years} are not consecutive increasing years",
            "zh": "年份 {years} 不是连续递增的年份",
        },
        "years_fix": {"en": "write e.g. years = [2023, 2024, 2025]", "zh": "请写成例如 years = [2023, 2024, 2025]"},
        "no_action": {"en": "names no action {action}", "zh": "没有名为 {action} 的措施"},
        "no_action_fix": {"en": "use one of {actions}", "zh": "请使用以下之一：{actions}"},
        "split_len": {
            "en": "{action}: split has {n} entries for a duration of {d} years",
            "zh": "{action}：split 有 {n} 项，但工期为 {d} 年",
        },
        "split_sum": {"en": "{action}: split sums to {s}, not 1", "zh": "{action}：split 之和为 {s}，不是 1"},
        "split_fix": {
            "en": "give one share per year of the duration, summing to 1 (e.g. [0.5, 0.5])",
            "zh": "请按工期每年给出一个份额，合计为 1（如 [0.5, 0.5]）",
        },
        "too_long": {
            "en": "{action} takes {d} years, longer than the programme's {n}",
            "zh": "{action}工期 {d} 年，超过规划期 {n} 年",
        },
        "too_long_fix": {"en": "shorten the duration or add years", "zh": "请缩短工期或增加年份"},
        "year_or_by": {
            "en": "a target needs exactly one of year and by",
            "zh": "每条目标须且只能填写 year 或 by 之一",
        },
        "year_or_by_fix": {
            "en": "year = 2024 for that year only, by = 2025 for the years up to 2025",
            "zh": "year = 2024 表示仅该年，by = 2025 表示截至 2025 年累计",
        },
        "year_out": {
            "en": "year {year} is not a year of the programme {years}",
            "zh": "年份 {year} 不在规划期 {years} 内",
        },
        "year_out_fix": {"en": "use one of the programme's years", "zh": "请使用规划期内的年份"},
        "no_goal": {"en": "a target sets no count or area", "zh": "该目标未设定宗数或面积"},
        "no_goal_fix": {
            "en": "add count, count_min, count_max, area_min or area_max",
            "zh": "请填写 count、count_min、count_max、area_min 或 area_max",
        },
        "count_and_range": {
            "en": "count cannot be given with count_min or count_max",
            "zh": "count 不能与 count_min 或 count_max 同时填写",
        },
        "count_fix": {"en": "keep count alone, or give a range", "zh": "请只填 count，或填写范围"},
        "spatial": {
            "en": "{what} needs a single selection and is not available in a programme",
            "zh": "{what} 需要单一年份的选址，多年规划中暂不支持",
        },
        "spatial_fix": {
            "en": "remove it from [spatial], or plan one year at a time",
            "zh": "请从 [spatial] 中删除，或逐年规划",
        },
        "seq_same": {"en": "a sequence's first and then are both {action}", "zh": "序列的前后措施都是 {action}"},
        "seq_fix": {"en": "name two different actions", "zh": "请填写两个不同的措施"},
        "seq_gap": {
            "en": "the sequence {first} → {then} needs gap {gap}, but the programme has {n} years",
            "zh": "序列 {first} → {then} 间隔 {gap} 年，但规划期只有 {n} 年",
        },
        "benefit_goal": {
            "en": "a benefit target needs min_wan, or factor with baseline_wan or baseline_column",
            "zh": "效益目标须填写 min_wan，或 factor 加 baseline_wan / baseline_column",
        },
        "benefit_fix": {
            "en": 'write min_wan = 50000, or baseline_wan = 40000 and factor = 2.0',
            "zh": "请写 min_wan = 50000，或 baseline_wan = 40000 与 factor = 2.0",
        },
        "no_column": {"en": "the parcels have no column {col}", "zh": "地块图层没有字段 {col}"},
        "no_column_fix": {
            "en": "name a column of the layer (or map it in [parcels] columns)",
            "zh": "请填写图层中的字段（或在 [parcels] columns 中对应）",
        },
        "not_numeric": {
            "en": "column {col} has values that are not years: {values}",
            "zh": "字段 {col} 含有不是年份的值：{values}",
        },
        "not_numeric_fix": {"en": "write a year (e.g. 2024) or leave the cell empty", "zh": "请填写年份（如 2024）或留空"},
        "stock_rule": {"en": "stock is not a valid rule: {why}", "zh": "stock 不是有效的规则：{why}"},
        "stock_fix": {
            "en": 'write stock = { field = "status", in = ["cleared"] }',
            "zh": '请写成 stock = { field = "status", in = ["cleared"] }',
        },
    },
    prefix="programme.",
)


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SequenceSpec(_Spec):
    """``[[programme.sequences]]``: an action that may follow another on the same parcel."""

    first: str = Field(min_length=1, description="the action that comes first (e.g. clear)")
    then: str = Field(min_length=1, description="the action that may follow it (e.g. revitalize)")
    gap: int = Field(default=1, ge=0, description="years between the start of first and the start of then")
    cost_per_mu: float = Field(
        default=0.0, ge=0, description="cost of the then step (万元/亩) where its cost column is empty"
    )
    benefit_per_mu: float = Field(
        default=0.0, description="yearly benefit of the then step (万元/亩/年) where its benefit column is empty"
    )


class DurationSpec(_Spec):
    """``[programme.duration] <action> = { years, split }``."""

    years: int = Field(default=1, ge=1, description="years the action takes")
    split: tuple[float, ...] | None = Field(
        default=None, description="cost share per year of the span (sums to 1); equal shares by default"
    )


class YearTargetSpec(_Spec):
    """``[[programme.targets]]``: an action's count/area in one year or cumulatively by a year."""

    action: str = Field(min_length=1)
    year: int | None = Field(default=None, description="actions started in this year")
    by: int | None = Field(default=None, description="actions started in the years up to this one")
    count: int | None = Field(default=None, ge=0)
    count_min: int | None = Field(default=None, ge=0)
    count_max: int | None = Field(default=None, ge=0)
    area_min: float | None = Field(default=None, ge=0)
    area_max: float | None = Field(default=None, ge=0)


class YearBudgetSpec(_Spec):
    """``[[programme.budgets]]``: money falling in one year (nominal 万元, with cost splits)."""

    year: int
    max_wan: float = Field(ge=0)
    action: str | None = Field(default=None, description="that action only; all actions by default")


class CapacitySpec(_Spec):
    """``[programme.capacity]``: at most N actions started per year (per township)."""

    plots_per_year: int = Field(ge=0)
    per: str | None = Field(default=None, description="a column: the cap applies per value per year")
    actions: tuple[str, ...] = Field(default=(), description="actions it counts; all when empty")


class BenefitTargetSpec(_Spec):
    """``[[programme.benefit_targets]]``: yearly benefit of actions completed by a year."""

    by: int
    min_wan: float | None = Field(default=None, ge=0)
    baseline_wan: float | None = Field(default=None, ge=0)
    baseline_column: str | None = None
    factor: float | None = Field(default=None, ge=0)


class YearLockSpec(_Spec):
    """``[programme.locks] "<parcel id>" = { action, year }``."""

    action: str = Field(min_length=1)
    year: int


class ProgrammeSpec(_Spec):
    """``[programme]``: plan several consecutive years at once."""

    years: tuple[int, ...] = Field(min_length=1, description="consecutive increasing years")
    discount_rate: float = Field(default=0.0, ge=0, lt=1, description="discount rate of the objective's money terms")
    stock: dict[str, Any] | None = Field(
        default=None, description="rule (as eligible) of the land already cleared before the first year"
    )
    not_before: str | None = Field(default=None, description="column: no first action starts before this year")
    not_after: str | None = Field(default=None, description="column: no first action starts after this year")
    done: str | None = Field(default=None, description="an earlier plan folder (rolling re-plan)")
    sequences: tuple[SequenceSpec, ...] | None = Field(
        default=None, description="default: clear -> revitalize with gap 1 when both exist; [] turns it off"
    )
    duration: dict[str, DurationSpec] = Field(default_factory=dict)
    targets: tuple[YearTargetSpec, ...] = ()
    budgets: tuple[YearBudgetSpec, ...] = ()
    capacity: CapacitySpec | None = None
    benefit_targets: tuple[BenefitTargetSpec, ...] = ()
    locks: dict[str, YearLockSpec] = Field(default_factory=dict)


# --------------------------------------------------------------------------- problems
def _stock_rule(spec: ProgrammeSpec, scenario: Scenario) -> Rule | None:
    """The stock rule with the planner's column names read as landopt's (raises on a bad rule)."""
    if spec.stock is None:
        return None
    from pydantic import TypeAdapter

    from landopt.scenario_read import _map_to_layer_names, _rule
    from landopt.schema import RuleSpec

    rule = _rule(TypeAdapter(RuleSpec).validate_python(spec.stock))
    if not scenario.actions:
        return rule
    return _map_to_layer_names(replace(scenario.actions[0], eligible=rule), scenario.parcels).eligible


def default_sequences(spec: ProgrammeSpec, names: tuple[str, ...]) -> tuple[SequenceSpec, ...]:
    """The sequences of a programme: as written, or clear -> revitalize when both exist."""
    if spec.sequences is not None:
        return spec.sequences
    if "clear" in names and "revitalize" in names:
        return (SequenceSpec(first="clear", then="revitalize", gap=1),)
    return ()


def programme_problems(spec: ProgrammeSpec, scenario: Scenario) -> list[Problem]:
    """Cross-field problems of ``[programme]`` against itself and the rest of the scenario."""
    lg = scenario.lang
    names = scenario.action_names
    out: list[Problem] = []
    years = list(spec.years)

    def bad(key: str, what: str, fix: str, table: str = "[programme]") -> None:
        out.append(Problem(table, key, what, fix))

    if any(b - a != 1 for a, b in itertools.pairwise(years)):
        bad("years", t("programme.years_order", lg, years=years), t("programme.years_fix", lg))

    def action_ok(table: str, a: str | None) -> None:
        if a is not None and a not in names:
            bad("action", t("programme.no_action", lg, action=repr(a)), t("programme.no_action_fix", lg, actions=", ".join(names)), table)

    def year_ok(table: str, key: str, y: int | None) -> None:
        if y is not None and y not in years:
            bad(key, t("programme.year_out", lg, year=y, years=years), t("programme.year_out_fix", lg), table)

    for a, d in spec.duration.items():
        action_ok("[programme.duration]", a)
        if d.years > len(years):
            bad(a, t("programme.too_long", lg, action=a, d=d.years, n=len(years)), t("programme.too_long_fix", lg), "[programme.duration]")
        if d.split is not None:
            if len(d.split) != d.years:
                bad(a, t("programme.split_len", lg, action=a, n=len(d.split), d=d.years), t("programme.split_fix", lg), "[programme.duration]")
            elif abs(sum(d.split) - 1.0) > 1e-9 or min(d.split) < 0:
                bad(a, t("programme.split_sum", lg, action=a, s=f"{sum(d.split):g}"), t("programme.split_fix", lg), "[programme.duration]")
    for s in spec.sequences or ():
        action_ok("[[programme.sequences]]", s.first)
        action_ok("[[programme.sequences]]", s.then)
        if s.first == s.then:
            bad("then", t("programme.seq_same", lg, action=s.first), t("programme.seq_fix", lg), "[[programme.sequences]]")
        elif s.gap >= len(years):
            bad("gap", t("programme.seq_gap", lg, first=s.first, then=s.then, gap=s.gap, n=len(years)), t("programme.too_long_fix", lg), "[[programme.sequences]]")
    for tg in spec.targets:
        table = "[[programme.targets]]"
        action_ok(table, tg.action)
        if (tg.year is None) == (tg.by is None):
            bad("year", t("programme.year_or_by", lg), t("programme.year_or_by_fix", lg), table)
        year_ok(table, "year", tg.year)
        year_ok(table, "by", tg.by)
        if tg.count is not None and (tg.count_min is not None or tg.count_max is not None):
            bad("count", t("programme.count_and_range", lg), t("programme.count_fix", lg), table)
        if all(v is None for v in (tg.count, tg.count_min, tg.count_max, tg.area_min, tg.area_max)):
            bad("action", t("programme.no_goal", lg), t("programme.no_goal_fix", lg), table)
    for bd in spec.budgets:
        action_ok("[[programme.budgets]]", bd.action)
        year_ok("[[programme.budgets]]", "year", bd.year)
    if spec.capacity is not None:
        for a in spec.capacity.actions:
            action_ok("[programme.capacity]", a)
    for bt in spec.benefit_targets:
        year_ok("[[programme.benefit_targets]]", "by", bt.by)
        if bt.min_wan is None and (bt.factor is None or (bt.baseline_wan is None) == (bt.baseline_column is None)):
            bad("min_wan", t("programme.benefit_goal", lg), t("programme.benefit_fix", lg), "[[programme.benefit_targets]]")
    for pid, lk in spec.locks.items():
        action_ok("[programme.locks]", lk.action)
        year_ok("[programme.locks]", pid, lk.year)
    sp = scenario.spatial
    for what, on in (("spatial.boundary_weight", sp.active), ("spatial.min_block_mu", bool(sp.min_block_mu))):
        if on:
            bad(what, t("programme.spatial", lg, what=what), t("programme.spatial_fix", lg), "[spatial]")
    if spec.stock is not None:
        try:
            _stock_rule(spec, scenario)
        except Exception as exc:
            why = str(exc).splitlines()[0]
            bad("stock", t("programme.stock_rule", lg, why=why), t("programme.stock_fix", lg))
    return out


def _column_name(scenario: Scenario, field: str) -> str:
    mapping = dict(scenario.parcels.columns) if scenario.parcels else {}
    return mapping.get(field, field)


def year_column(parcels: pd.DataFrame, col: str) -> tuple[np.ndarray, list[str]]:
    """A year column as floats (NaN where empty) and the cells that are not numbers."""
    raw = parcels[col]
    num = pd.to_numeric(raw, errors="coerce")
    empty = raw.isna() | (raw.astype("string").str.strip() == "")
    wrong = num.isna() & ~empty
    return num.to_numpy(float), sorted({str(v) for v in raw[wrong]})[:5]


def programme_data_problems(spec: ProgrammeSpec, scenario: Scenario, parcels: pd.DataFrame) -> list[Problem]:
    """Problems of ``[programme]`` against the layer: missing or non-numeric year columns, …"""
    lg = scenario.lang
    out = []
    for key in ("not_before", "not_after"):
        field = getattr(spec, key)
        if field is None:
            continue
        col = _column_name(scenario, field)
        if col not in parcels.columns:
            out.append(Problem("[programme]", key, t("programme.no_column", lg, col=repr(col)), t("programme.no_column_fix", lg)))
            continue
        _, wrong = year_column(parcels, col)
        if wrong:
            out.append(
                Problem("[programme]", key, t("programme.not_numeric", lg, col=repr(col), values=", ".join(wrong)), t("programme.not_numeric_fix", lg))
            )
    try:
        rule = _stock_rule(spec, scenario)
    except Exception:  # named by programme_problems already
        rule = None
    for c in rule.conditions() if rule is not None else ():
        if c.field not in parcels.columns:
            out.append(Problem("[programme]", "stock", t("programme.no_column", lg, col=repr(c.field)), t("programme.no_column_fix", lg)))
    cols = [("[programme.capacity]", "per", spec.capacity.per if spec.capacity else None)]
    cols += [("[[programme.benefit_targets]]", "baseline_column", bt.baseline_column) for bt in spec.benefit_targets]
    for table, key, field in cols:
        if field is None:
            continue
        col = _column_name(scenario, field)
        if col not in parcels.columns:
            out.append(Problem(table, key, t("programme.no_column", lg, col=repr(col)), t("programme.no_column_fix", lg)))
    return out


# --------------------------------------------------------------------------- domain
@dataclass(frozen=True)
class Programme:
    """A scenario's programme: years, durations, splits, sequences, stock rule, discounting."""

    spec: ProgrammeSpec
    years: tuple[int, ...]
    actions: tuple[str, ...]
    sequences: tuple[SequenceSpec, ...]
    stock_rule: Rule | None

    @property
    def first_year(self) -> int:
        return self.years[0]

    @property
    def last_year(self) -> int:
        return self.years[-1]

    def duration(self, action: str) -> int:
        """Years action ``action`` takes (1 unless ``[programme.duration]`` says otherwise)."""
        d = self.spec.duration.get(action)
        return d.years if d else 1

    def split(self, action: str) -> tuple[float, ...]:
        """Cost share per year of the action's span (equal shares by default)."""
        d = self.spec.duration.get(action)
        if d is None:
            return (1.0,)
        return tuple(d.split) if d.split is not None else (1.0 / d.years,) * d.years

    def discount(self, year: np.ndarray | int) -> np.ndarray:
        """1 / (1 + r) ** (year - years[0])."""
        return 1.0 / (1.0 + self.spec.discount_rate) ** (np.asarray(year, dtype=float) - self.first_year)

    def present_cost_factor(self, action: str, start: np.ndarray) -> np.ndarray:
        """sum_k sigma_{a,k} / (1 + r) ** (start + k - years[0]): present value of a cost of 1."""
        start = np.asarray(start, dtype=float)
        return sum(s * self.discount(start + k) for k, s in enumerate(self.split(action)))

    def then_actions(self) -> tuple[str, ...]:
        """The ``then`` actions of the sequences, once each, in sequence order."""
        return tuple(dict.fromkeys(s.then for s in self.sequences))

    def sequence_of_then(self, action: str) -> SequenceSpec | None:
        """The first sequence whose ``then`` is ``action`` (its cost_per_mu/benefit_per_mu)."""
        return next((s for s in self.sequences if s.then == action), None)

    def stock_mask(self, parcels: pd.DataFrame) -> np.ndarray:
        """Parcels that are cleared land before the first year (the ``stock`` rule)."""
        if self.stock_rule is None:
            return np.zeros(len(parcels), dtype=bool)
        return np.asarray(self.stock_rule.evaluate(parcels), dtype=bool)

    def window(self, parcels: pd.DataFrame, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
        """Earliest and latest start year of a first action per parcel (±inf when open)."""
        n = len(parcels)
        lo, hi = np.full(n, -np.inf), np.full(n, np.inf)
        if self.spec.not_before:
            v, _ = year_column(parcels, _column_name(scenario, self.spec.not_before))
            lo = np.where(np.isnan(v), -np.inf, v)
        if self.spec.not_after:
            v, _ = year_column(parcels, _column_name(scenario, self.spec.not_after))
            hi = np.where(np.isnan(v), np.inf, v)
        return lo, hi


def programme_of(scenario: Scenario) -> Programme | None:
    """The scenario's :class:`Programme`, or ``None`` for a one-year scenario."""
    spec = scenario.rule("programme")
    if spec is None:
        return None
    names = scenario.action_names
    return Programme(
        spec=spec,
        years=tuple(spec.years),
        actions=names,
        sequences=tuple(s for s in default_sequences(spec, names) if s.first in names and s.then in names),
        stock_rule=_stock_rule(spec, scenario),
    )


@dataclass
class Columns:
    """The expanded x columns: one entry per (parcel, action, start year, stage)."""

    parcel: np.ndarray
    action: np.ndarray
    year: np.ndarray
    stage: np.ndarray
    end: np.ndarray
    cost: np.ndarray
    benefit: np.ndarray
    #: index into the programme's sequences for stage-1 columns, -1 for stage 0
    sequence: np.ndarray
    #: parcels treated as stock (the rule, or a done ``first``), and the year they are available from
    stock: np.ndarray
    stock_from: np.ndarray
    #: done parcels that get no columns at all
    finished: np.ndarray


def _done_state(prep: Prepared, prog: Programme) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From ``prep.done``: (finished, made stock, available from) per parcel."""
    n = prep.n
    finished = np.zeros(n, dtype=bool)
    made_stock = np.zeros(n, dtype=bool)
    avail = np.full(n, prog.first_year, dtype=np.int64)
    for row, _pid, action, year, stage in done_entries(prep, prog):
        seq = [s for s in prog.sequences if s.first == action]
        if stage == 0 and seq and not finished[row]:
            made_stock[row] = True
            avail[row] = max(prog.first_year, int(year) + min(s.gap for s in seq))
        else:
            finished[row] = True
            made_stock[row] = False
    return finished, made_stock, avail


def done_entries(prep: Prepared, prog: Programme) -> list[tuple[int, str, str, int, int]]:
    """The entries of ``prep.done`` (duck-typed) done before the programme's first year."""
    return done_steps(getattr(prep, "done", None), prog.first_year)


def done_steps(done: Any, first_year: int) -> list[tuple[int, str, str, int, int]]:
    """``(row, parcel_id, action, year, stage)`` of a done record's entries before ``first_year``."""
    if done is None:
        return []
    out = []
    for e in getattr(done, "entries", ()):
        if int(e.year) >= first_year:
            log.info("done record: %s %s in %s is a plan, not a deed; ignored", e.parcel_id, e.action, e.year)
            continue
        out.append((int(e.row), str(e.parcel_id), str(e.action), int(e.year), int(e.stage)))
    return out


def in_progress(done: Any, prog: Programme) -> list[tuple[int, str, int]]:
    """``(row, action, start)`` of done steps still under way at the first year (t + d - 1 >= y_0)."""
    return [
        (row, a, start)
        for row, _pid, a, start, _stage in done_steps(done, prog.first_year)
        if a in prog.actions and start + prog.duration(a) - 1 >= prog.first_year
    ]


def step_value(prog: Programme, action: Any, column: np.ndarray, area: np.ndarray, per_mu: str) -> np.ndarray:
    """An action's ``column`` per parcel, a ``then`` step's empty cells filled with its per-mu value."""
    v = np.asarray(column, dtype=float)
    seq = prog.sequence_of_then(action.name)
    if seq is not None:
        v = np.where(np.isnan(v), getattr(seq, per_mu) * area, v)
    return np.nan_to_num(v)


def expand(prep: Prepared, prog: Programme) -> Columns:
    """The programme's x columns, grouped by action then stage then year (see the module docstring)."""
    sc = prep.scenario
    years = np.asarray(prog.years, dtype=np.int64)
    rule_stock = prog.stock_mask(prep.parcels)
    finished, made_stock, avail = _done_state(prep, prog)
    stock = (rule_stock | made_stock) & ~finished
    lo, hi = prog.window(prep.parcels, sc)
    thens = set(prog.then_actions())
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("p", "a", "y", "g", "s")}

    def add(p: np.ndarray, ai: int, y: int, g: int, s: int) -> None:
        parts["p"].append(p)
        parts["a"].append(np.full(len(p), ai, np.int64))
        parts["y"].append(np.full(len(p), y, np.int64))
        parts["g"].append(np.full(len(p), g, np.int64))
        parts["s"].append(np.full(len(p), s, np.int64))

    for ai, a in enumerate(sc.actions):
        d = prog.duration(a.name)
        elig = prep.eligible[a.name].to_numpy() & ~stock & ~finished
        for y in years[years + d - 1 <= prog.last_year].tolist():
            ok = (lo <= y) & (y <= hi)
            own = elig & ok
            if a.name in thens:
                own |= stock & ok & (avail <= y)
            add(np.flatnonzero(own), ai, y, 0, -1)
        for si, s in enumerate(prog.sequences):
            if s.then != a.name:
                continue
            d_first = prog.duration(s.first)
            first_elig = prep.eligible[s.first].to_numpy() & ~stock & ~finished
            # earliest start of the first action: the window and its duration
            start = np.maximum(lo, prog.first_year)
            fits = (start + d_first - 1 <= prog.last_year) & (start <= hi)
            earliest = np.where(first_elig & fits, np.ceil(start), np.inf)
            for y in years[years + d - 1 <= prog.last_year].tolist():
                p = np.flatnonzero(earliest + s.gap <= y)
                add(p, ai, y, 1, si)
    cat = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in parts.items()}
    p, a, y, g, s = cat["p"], cat["a"], cat["y"], cat["g"], cat["s"]
    dur = np.asarray([prog.duration(x.name) for x in sc.actions], dtype=np.int64)
    end = y + (dur[a] if len(a) else 0) - 1
    area = prep.area
    cost = np.zeros(len(p))
    benefit = np.zeros(len(p))
    for ai, act in enumerate(sc.actions):
        m = a == ai
        if not m.any():
            continue
        c = prep.column(act.cost)[p[m]]
        bnf = prep.column(act.benefit)[p[m]] if act.benefit else np.zeros(int(m.sum()))
        cost[m] = step_value(prog, act, c, area[p[m]], "cost_per_mu")
        benefit[m] = step_value(prog, act, bnf, area[p[m]], "benefit_per_mu")
    return Columns(
        parcel=p.astype(np.int64),
        action=a,
        year=y,
        stage=g,
        end=end.astype(np.int64),
        cost=cost,
        benefit=benefit,
        sequence=s,
        stock=stock,
        stock_from=avail,
        finished=finished,
    )
