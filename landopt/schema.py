"""The scenario's TOML, declared once: structure, types, ranges, defaults and messages.

The pydantic v2 models here mirror the TOML file table for table (``[parcels]``,
``[actions.NAME]`` with its ``eligible`` rule tree and ``targets``, ``[objective]``,
``[budget]``, ``[locks]``, ``[solver]``, ``[spatial]`` with ``[[spatial.zones]]`` and
``touch``, ``[checks]``, ``[cluster]``, and the tables of the rule components that own one, see
:func:`landopt.rules.extension_components`). Every model forbids unknown keys.

:func:`landopt.scenario_read.validate` checks a TOML-shaped dict against
:func:`root_model` and turns pydantic's errors into landopt's
:class:`~landopt.errors.Problem` list through one adapter
(:func:`landopt.scenario_read.problems_from`): every problem at once, the table and key
named, the nearest valid name suggested for an unknown key, a fix given. Checks across
tables (an action named in ``[locks]`` that does not exist, a zone named in ``touch``, …)
read the action and zone names from the validation context, so they are collected
together with the rest; checks within a table are model validators that raise all their
problems at once. The value types with their messages are in :mod:`landopt._schema_types`.

Every text a planner reads here is a catalog key (``errors.schema.*``, registered below;
``errors.read.*`` in :mod:`landopt.i18n`), looked up when the scenario is checked, in the
language of the run: the class attributes ``missing_fix``, ``unknown_key`` and the
``what``/``fix`` of :func:`~landopt._schema_types.Choice` and
:func:`~landopt._schema_types.Number` name keys, not texts.

:func:`scenario_json_schema` gives the JSON Schema of the TOML (``landopt schema``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import PydanticCustomError

from landopt._fields import MAX_ABS_VALUE, STATUSES
from landopt._schema_types import (
    SWITCH,
    AbsentOk,
    ActionKey,
    ActionRef,
    Choice,
    Codes,
    Color,
    ExcludeRef,
    Number,
    Scalar,
    SomeActions,
    Statuses,
    TouchKey,
    TouchTargets,
    ValueList,
    _error,
    _m,
    _Plain,
    _raise_all,
    _suggest,
)
from landopt.i18n import add_messages
from landopt.scenario import (
    ABSENT_POLICIES,
    BACKENDS,
    COMPARISONS,
    MAX_WEIGHT,
    OPERATORS,
    SET_OPS,
    _without_password,
)

__all__ = [
    "ScenarioSpec",
    "root_model",
    "scenario_json_schema",
    "scenario_json_schema_text",
]

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"

# --- cluster ([cluster] scheduler)
add_messages(
    {
        "cluster_scheduler": {
            "en": "is not the address of a Dask scheduler: {got}",
            "zh": "不是 Dask 调度器的地址：{got}",
        },
        "cluster_scheduler.fix": {
            "en": 'write it as scheduler = "tcp://host:8786" (protocol, host and port)',
            "zh": '请写成 scheduler = "tcp://主机:8786"（协议、主机和端口）',
        },
    },
    prefix="errors.schema.",
)

add_messages(
    {
        "one_operator": {
            "en": "a condition needs exactly one operator, found {found}",
            "zh": "一个条件须恰好有一个运算符，实有 {found}",
        },
        "one_operator.none": {
            "en": "a condition needs exactly one operator, found none",
            "zh": "一个条件须恰好有一个运算符，但一个也没有",
        },
        "absent_ok_op": {
            "en": "only applies to eq, ne, in and not_in, not to {op}",
            "zh": "只适用于 eq、ne、in 和 not_in，不适用于 {op}",
        },
        "remove_it": {"en": "remove it", "zh": "请删去此键"},
        "column_name": {"en": "must be a column name, got {got}", "zh": "须为字段名，实为 {got}"},
        "column_name.fix": {"en": 'write field = "status"', "zh": '请写 field = "status"'},
        "alone": {
            "en": "'{key}' must stand alone in its table, found also {others}",
            "zh": "'{key}' 须单独成表，同表中还有 {others}",
        },
        "alone.fix": {
            "en": "nest the other conditions inside it",
            "zh": "请把其他条件嵌套到它里面",
        },
        "rules_list": {
            "en": "'{key}' needs a non-empty list of rules",
            "zh": "'{key}' 须为非空的规则列表",
        },
        "rules_list.fix": {
            "en": "write {key} = [ {{ … }}, {{ … }} ]",
            "zh": "请写 {key} = [ {{ … }}, {{ … }} ]",
        },
        "rule_table": {"en": "a rule must be a table, got {got}", "zh": "规则须为表，实为 {got}"},
        "rule_table.fix": {
            "en": 'write {{ field = "status", in = ["idle"] }} or {{ all = [ … ] }}',
            "zh": '请写 {{ field = "status", in = ["idle"] }} 或 {{ all = [ … ] }}',
        },
        "needs_field": {
            "en": "a condition needs 'field' (found keys {keys})",
            "zh": "条件须有 'field'（实有键 {keys}）",
        },
        "needs_field.fix": {
            "en": 'write {{ field = "status", in = ["idle"] }}',
            "zh": '请写 {{ field = "status", in = ["idle"] }}',
        },
        "count_both": {
            "en": "give either count (exact) or count_min/count_max, not both",
            "zh": "count（恰好）与 count_min/count_max 只能给出其一",
        },
        "count_both.fix": {"en": "keep one form", "zh": "请只保留一种写法"},
        "above": {
            "en": "{lo_key} {lo} is above {hi_key} {hi}",
            "zh": "{lo_key} {lo} 大于 {hi_key} {hi}",
        },
        "swap": {"en": "swap them", "zh": "请交换两者"},
        "action.cost": {
            "en": 'name the cost column this action spends, e.g. cost = "cost_clear_wan"',
            "zh": '请写明此措施投入所在的字段，例如 cost = "cost_clear_wan"',
        },
        "action.eligible": {
            "en": 'write eligible = {{ field = "status", in = ["inefficient"] }}; '
            "use eligible = {{}} for every parcel",
            "zh": '请写 eligible = {{ field = "status", in = ["inefficient"] }}；'
            "所有地块均可时写 eligible = {{}}",
        },
        "term.of": {
            "en": 'name "cost", "benefit" or a parcel column',
            "zh": '请写 "cost"、"benefit" 或一个地块字段',
        },
        "kind": {"en": "unknown kind {got}", "zh": "未知的 kind {got}"},
        "kind.fix": {
            "en": "use min_cost or max_benefit, or give sense and terms",
            "zh": "请使用 min_cost 或 max_benefit，或给出 sense 和 terms",
        },
        "sense": {
            "en": "must be 'minimize' or 'maximize', got {got}",
            "zh": "须为 'minimize' 或 'maximize'，实为 {got}",
        },
        "non_empty": {"en": "must be a non-empty list", "zh": "须为非空列表"},
        "terms.fix": {
            "en": 'write terms = [ {{ of = "cost", weight = 1.0 }} ]',
            "zh": '请写 terms = [ {{ of = "cost", weight = 1.0 }} ]',
        },
        "lock_conflict": {
            "en": "is both forced into {act} and excluded from it",
            "zh": "既被锁定为 {act}，又被排除在外",
        },
        "lock_conflict.fix": {"en": "remove one of the two locks", "zh": "请删去两个锁定之一"},
        "backend": {"en": "unknown backend {got}", "zh": "未知的求解器 {got}"},
        "switch": {
            "en": "must be auto, on or off, got {got}",
            "zh": "须为 auto、on 或 off，实为 {got}",
        },
        "switch.fix": {"en": 'write {key} = "{value}"', "zh": '请写 {key} = "{value}"'},
        "gap": {
            "en": "is a fraction (0.01 = 1 %), got {got}",
            "zh": "须为比例（0.01 即 1 %），实为 {got}",
        },
        "gap.fix": {"en": "write gap = 0.01 for 1 %", "zh": "1 % 请写 gap = 0.01"},
        "zone.name": {"en": 'write name = "housing buffer"', "zh": '请写 name = "住宅缓冲区"'},
        "zone.kind": {
            "en": 'write kind = "exclude" or kind = "priority"',
            "zh": '请写 kind = "exclude" 或 kind = "priority"',
        },
        "zone.kind.bad": {
            "en": "must be 'exclude' or 'priority', got {got}",
            "zh": "须为 'exclude' 或 'priority'，实为 {got}",
        },
        "min_share": {
            "en": "is a fraction (0.3 = 30 %), got {got}",
            "zh": "须为比例（0.3 即 30 %），实为 {got}",
        },
        "min_share.fix": {"en": "write min_share = 0.3", "zh": "30 % 请写 min_share = 0.3"},
        "zone.source": {
            "en": "give exactly one of path, park or around_landuse (found {found})",
            "zh": "path、park、around_landuse 须恰好给出一个（实有 {found}）",
        },
        "zone.source.none": {
            "en": "give exactly one of path, park or around_landuse (found none)",
            "zh": "path、park、around_landuse 须恰好给出一个（一个也没有）",
        },
        "zone.source.fix": {
            "en": 'e.g. park = "张店经济开发区"',
            "zh": '例如 park = "张店经济开发区"',
        },
        "zone.exclude_bonus": {
            "en": "an exclusion zone takes no bonus_wan_per_mu or min_share",
            "zh": "禁止区不设 bonus_wan_per_mu 或 min_share",
        },
        "zone.exclude_bonus.fix": {
            "en": 'use kind = "priority" for those',
            "zh": '需要这两项时请用 kind = "priority"',
        },
        "zones.array": {"en": "must be an array of tables", "zh": "须为表数组"},
        "zones.array.fix": {
            "en": "write [[spatial.zones]] blocks",
            "zh": "请写 [[spatial.zones]] 块",
        },
        "zones.twice": {"en": "zone name {name} is used twice", "zh": "区域名 {name} 用了两次"},
        "zones.twice.fix": {"en": "give each zone its own name", "zh": "请给每个区域各起一个名称"},
        "parcels.path": {
            "en": 'write path = "parcels.geojson" (relative to the scenario file)',
            "zh": '请写 path = "parcels.geojson"（相对于情景文件）',
        },
        "parcels.where": {
            "en": "names no parcel layer: give path (a file) or url (PostGIS)",
            "zh": "未指定地块图层：请给出 path（文件）或 url（PostGIS）",
        },
        "parcels.both": {
            "en": "path and url are both given",
            "zh": "同时给出了 path 和 url",
        },
        "parcels.both.fix": {
            "en": "keep one: path for a file, url for a PostGIS table",
            "zh": "请只保留一个：文件用 path，PostGIS 表用 url",
        },
        "parcels.url": {"en": "is not a PostgreSQL URL", "zh": "不是 PostgreSQL 地址"},
        "parcels.url.fix": {
            "en": 'write url = "postgresql://USER@HOST:5432/DATABASE" (the password in '
            "~/.pgpass or PGPASSWORD)",
            "zh": '请写 url = "postgresql://用户@主机:5432/数据库"（密码放在 ~/.pgpass 或 PGPASSWORD 中）',
        },
        "parcels.table_or_sql": {
            "en": "with url, give exactly one of table and sql",
            "zh": "使用 url 时，table 和 sql 须且只能给出一个",
        },
        "parcels.table_or_sql.fix": {
            "en": 'write table = "schema.table", or sql = "SELECT …"',
            "zh": '请写 table = "模式.表"，或 sql = "SELECT …"',
        },
        "parcels.file_only": {
            "en": "{key} is for a file; a PostGIS layer has none",
            "zh": "{key} 只用于文件；PostGIS 图层没有此项",
        },
        "parcels.db_only": {
            "en": "{key} is for a PostGIS layer (url)",
            "zh": "{key} 只用于 PostGIS 图层（url）",
        },
        "parcels.db_only.fix": {
            "en": 'add url = "postgresql://…", or remove it',
            "zh": '请添加 url = "postgresql://…"，或删除此项',
        },
        "status": {"en": "maps to unknown status {got}", "zh": "对应的状态 {got} 不存在"},
        "absent_values": {
            "en": "must be one of {keys}, got {got}",
            "zh": "须为 {keys} 之一，实为 {got}",
        },
        "absent_values.fix": {
            "en": 'write absent_values = "allow"',
            "zh": '请写 absent_values = "allow"',
        },
        "lang": {"en": "must be 'en' or 'zh', got {got}", "zh": "须为 'en' 或 'zh'，实为 {got}"},
        "lang.fix": {"en": 'write lang = "zh" for Chinese labels', "zh": '中文请写 lang = "zh"'},
        "timezone": {"en": "unknown time zone {got}", "zh": "未知的时区 {got}"},
        "timezone.fix": {
            "en": 'write an IANA name such as timezone = "Asia/Shanghai"',
            "zh": '请写 IANA 时区名，例如 timezone = "Asia/Shanghai"',
        },
        # --- store ([store])
        "store_url": {
            "en": "the run store's url must be sqlite:///PATH or postgresql://USER@HOST/DB, got {got}",
            "zh": "运行记录库的 url 须为 sqlite:///路径 或 postgresql://用户@主机/库，实为 {got}",
        },
        "store_url.fix": {
            "en": 'write url = "postgresql://planner@gis-server/landopt" (the password in '
            "~/.pgpass or PGPASSWORD, never in the file)",
            "zh": 'url = "postgresql://planner@gis-server/landopt"（密码放在 ~/.pgpass 或 '
            "PGPASSWORD 中，不写进文件）",
        },
        "no_actions": {"en": "the scenario defines no actions", "zh": "情景中没有定义措施"},
        "no_actions.fix": {
            "en": "add at least one [actions.NAME] table with label, eligible, cost and targets",
            "zh": "请至少添加一个 [actions.NAME] 表，写明 label、eligible、cost 和 targets",
        },
    },
    prefix="errors.schema.",
)


# --------------------------------------------------------------------------- models
class _Table(BaseModel):
    """A TOML table: unknown keys refused, values checked strictly, frozen."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        use_attribute_docstrings=True,
        populate_by_name=True,
    )
    #: the fix shown for a missing required key: key → catalog key under ``errors.``
    missing_fix: ClassVar[dict[str, str]] = {}
    #: how an unknown key of this table is called: a catalog key under ``errors.``
    unknown_key: ClassVar[str] = "read.unknown_key"
    #: the names suggested for an unknown key (default: the table's keys)
    known_keys: ClassVar[tuple[str, ...]] = ()


class ConditionSpec(_Table):
    """One test on one field: ``{ field = "status", in = ["idle"] }``."""

    unknown_key: ClassVar[str] = "read.unknown_operator"
    known_keys: ClassVar[tuple[str, ...]] = (*OPERATORS, "absent_ok")

    field: Annotated[
        str,
        _Plain(
            lambda v, i: _text_or(v, "schema.column_name", "schema.column_name.fix"),
            {"type": "string"},
        ),
    ]
    """The parcel column tested (the layer's own name, or one mapped by ``[parcels] columns``)."""
    eq: Scalar | None = None
    """Equal to this value."""
    ne: Scalar | None = None
    """Not equal to this value (a missing value passes)."""
    lt: Number(minimum=None, what="schema.op_number", fix="schema.op_number.fix") | None = None
    """Less than this number."""
    le: Number(minimum=None, what="schema.op_number", fix="schema.op_number.fix") | None = None
    """At most this number."""
    gt: Number(minimum=None, what="schema.op_number", fix="schema.op_number.fix") | None = None
    """More than this number."""
    ge: Number(minimum=None, what="schema.op_number", fix="schema.op_number.fix") | None = None
    """At least this number."""
    in_: ValueList | None = Field(None, alias="in")
    """One of these values."""
    not_in: ValueList | None = None
    """None of these values (a missing value passes)."""
    is_null: bool | None = None
    """The value is missing (write ``is_null = true``)."""
    not_null: bool | None = None
    """The value is present (write ``not_null = true``)."""
    absent_ok: AbsentOk = False
    """Values that may occur in no parcel without an error: ``true`` (all) or a list."""

    @model_validator(mode="after")
    def _one_operator(self) -> ConditionSpec:
        ops = self.operators()
        if len(ops) != 1:
            raise _error(
                _m("schema.one_operator", found=ops) if ops else _m("schema.one_operator.none"),
                _m("read.use_one_of", keys=", ".join(OPERATORS)),
                key=self.field,
            )
        if self.absent_ok and ops[0] not in COMPARISONS[:2] + SET_OPS:
            raise _error(
                _m("schema.absent_ok_op", op=ops[0]), _m("schema.remove_it"), key="absent_ok"
            )
        return self

    def operators(self) -> list[str]:
        """The operators given (one, when valid)."""
        return [
            op
            for op in OPERATORS
            if op in self.model_fields_set or (op == "in" and "in_" in self.model_fields_set)
        ]


def _text_or(value: Any, what: str, fix: str) -> Any:
    if not isinstance(value, str):
        raise _error(_m(what, got=repr(value)), _m(fix))
    return value


class TrueRule(_Table):
    """``{}``: every parcel."""


class AllRule(_Table):
    """Every one of the rules: ``{ all = [ … ] }``."""

    all: list[RuleSpec]
    """The rules that must all hold."""

    @model_validator(mode="before")
    @classmethod
    def _alone(cls, data: Any) -> Any:
        return _combo_alone("all", data)

    @field_validator("all", mode="before")
    @classmethod
    def _non_empty(cls, v: Any) -> Any:
        return _non_empty_rules("all", v)


class AnyRule(_Table):
    """At least one of the rules: ``{ any = [ … ] }``."""

    any: list[RuleSpec]
    """The rules of which one must hold."""

    @model_validator(mode="before")
    @classmethod
    def _alone(cls, data: Any) -> Any:
        return _combo_alone("any", data)

    @field_validator("any", mode="before")
    @classmethod
    def _non_empty(cls, v: Any) -> Any:
        return _non_empty_rules("any", v)


class NotRule(_Table):
    """Not the rule: ``{ not = { … } }``."""

    not_: RuleSpec = Field(alias="not")
    """The rule that must not hold."""

    @model_validator(mode="before")
    @classmethod
    def _alone(cls, data: Any) -> Any:
        return _combo_alone("not", data)


def _combo_alone(key: str, data: Any) -> Any:
    if isinstance(data, dict) and len(data) != 1:
        raise _error(
            _m("schema.alone", key=key, others=sorted(set(data) - {key})),
            _m("schema.alone.fix"),
            key=key,
        )
    return data


def _non_empty_rules(key: str, v: Any) -> Any:
    if not isinstance(v, list) or not v:
        raise _error(_m("schema.rules_list", key=key), _m("schema.rules_list.fix", key=key))
    return v


def _bad_rule(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, dict):
        raise _error(_m("schema.rule_table", got=repr(value)), _m("schema.rule_table.fix"), key="")
    raise _error(
        _m("schema.needs_field", keys=sorted(value)),
        _suggest(next(iter(value)), ["field", "all", "any", "not"]) or _m("schema.needs_field.fix"),
        key="field",
    )


def _rule_kind(value: Any) -> str:
    if isinstance(value, BaseModel):
        return {
            TrueRule: "rule:true",
            AllRule: "rule:all",
            AnyRule: "rule:any",
            NotRule: "rule:not",
        }.get(type(value), "rule:leaf")
    if not isinstance(value, dict):
        return "rule:bad"
    if not value:
        return "rule:true"
    for key in ("all", "any", "not"):
        if key in value:
            return f"rule:{key}"
    return "rule:leaf" if "field" in value else "rule:bad"


RuleSpec = Annotated[
    Annotated[TrueRule, Tag("rule:true")]
    | Annotated[AllRule, Tag("rule:all")]
    | Annotated[AnyRule, Tag("rule:any")]
    | Annotated[NotRule, Tag("rule:not")]
    | Annotated[ConditionSpec, Tag("rule:leaf")]
    | Annotated[Any, _Plain(_bad_rule, {"not": {}}), Tag("rule:bad")],
    Discriminator(_rule_kind),
]
"""An eligibility rule: a condition, ``all``/``any`` of rules, ``not`` of one, or ``{}``."""

for _rule_model in (AllRule, AnyRule, NotRule):
    _rule_model.model_rebuild()


class TargetsSpec(_Table):
    """``[actions.NAME.targets]``: the plot count and area the action must reach."""

    count: Number(integer=True) | None = None
    """Exactly this many plots."""
    count_min: Number(integer=True) | None = None
    """At least this many plots."""
    count_max: Number(integer=True) | None = None
    """At most this many plots."""
    area_min: Number() | None = None
    """At least this many mu."""
    area_max: Number() | None = None
    """At most this many mu."""

    @model_validator(mode="after")
    def _ranges(self) -> TargetsSpec:
        errors = []
        cmin, cmax, amin, amax = self.count_min, self.count_max, self.area_min, self.area_max
        if self.count is not None and (cmin is not None or cmax is not None):
            errors.append(
                (
                    ("count",),
                    self.count,
                    _error(_m("schema.count_both"), _m("schema.count_both.fix")),
                )
            )
        if self.count is not None:
            cmin = cmax = self.count
        if cmin is not None and cmax is not None and cmin > cmax:
            errors.append(
                (
                    ("count_min",),
                    cmin,
                    _error(
                        _m(
                            "schema.above", lo_key="count_min", lo=cmin, hi_key="count_max", hi=cmax
                        ),
                        _m("schema.swap"),
                    ),
                )
            )
        if amin is not None and amax is not None and amin > amax:
            errors.append(
                (
                    ("area_min",),
                    amin,
                    _error(
                        _m(
                            "schema.above",
                            lo_key="area_min",
                            lo=f"{amin:g}",
                            hi_key="area_max",
                            hi=f"{amax:g}",
                        ),
                        _m("schema.swap"),
                    ),
                )
            )
        _raise_all("targets", errors)
        return self


class ActionSpec(_Table):
    """``[actions.NAME]``: one kind of intervention a parcel can get."""

    missing_fix: ClassVar[dict[str, str]] = {
        "cost": "schema.action.cost",
        "eligible": "schema.action.eligible",
    }

    label: str | None = None
    """The name shown in tables and maps (default: the action's key)."""
    eligible: RuleSpec
    """Which parcels may get it (``{}``: every parcel)."""
    cost: str
    """The parcel column of its cost in 万元."""
    benefit: str | None = None
    """The parcel column of its benefit in 万元 (for ``of = "benefit"`` objectives)."""
    budget: Number() | None = None
    """The most this action may spend, 万元."""
    targets: TargetsSpec = TargetsSpec()
    """Its plot-count and area targets."""
    color: Color | None = None
    """Its colour on maps: a hex colour or a CSS colour name."""


class TermSpec(_Table):
    """One term of the objective: ``{ of = "cost", weight = 1.0 }``."""

    missing_fix: ClassVar[dict[str, str]] = {"of": "schema.term.of"}

    of: str
    """``"cost"``, ``"benefit"`` or a parcel column."""
    weight: Number(minimum=None, maximum=MAX_WEIGHT) = 1.0
    """Its weight."""


class ObjectiveSpec(_Table):
    """``[objective]``: what to optimise."""

    kind: Choice(("min_cost", "max_benefit"), "schema.kind", "schema.kind.fix") | None = None
    """A preset: ``min_cost`` or ``max_benefit``."""
    sense: Choice(("minimize", "maximize"), "schema.sense") | None = None
    """``minimize`` (the default) or ``maximize``."""
    terms: list[TermSpec] | None = None
    """The weighted terms summed (default: the cost, or the benefit when maximising)."""
    difficulty_weight: Number(maximum=MAX_ABS_VALUE) = 0.0
    """万元 per point of ``difficulty`` added to a minimisation (subtracted in a maximisation)."""

    @field_validator("terms", mode="before")
    @classmethod
    def _non_empty(cls, v: Any) -> Any:
        if not isinstance(v, list) or not v:
            raise _error(_m("schema.non_empty"), _m("schema.terms.fix"))
        return v


class BudgetSpec(_Table):
    """``[budget]``: the total budget."""

    total: Number() | None = None
    """The most all actions together may spend, 万元."""


class LocksSpec(_Table):
    """``[locks]``: parcels forced into an action or kept out of some or all."""

    include: dict[str, ActionRef] = {}
    """Parcel id → the action it must get."""
    exclude: dict[str, ExcludeRef] = {}
    """Parcel id → the actions it may not get (``"all"``, one action or a list)."""

    @model_validator(mode="after")
    def _no_conflict(self) -> LocksSpec:
        _raise_all(
            "locks",
            [
                (
                    (),
                    pid,
                    _error(
                        _m("schema.lock_conflict", act=repr(act)),
                        _m("schema.lock_conflict.fix"),
                        key=pid,
                    ),
                )
                for pid, act in self.include.items()
                if pid in self.exclude and (self.exclude[pid] is None or act in self.exclude[pid])
            ],
        )
        return self


class SolverSpec(_Table):
    """``[solver]``: the back-end and its limits."""

    backend: Choice(BACKENDS, "schema.backend", "read.use_one_of") = "highs"
    """``highs`` (HiGHS direct), ``highs-pulp`` or ``cbc``."""
    time_limit: Number() = 600.0
    """Seconds the solve may take."""
    gap: Number() = Field(1e-4, json_schema_extra={"exclusiveMaximum": 1})
    """Relative gap at which the solver stops (1e-4 = 0.01 %, the default; 0.01 = 1 %)."""
    abs_gap: Number() = 1.0
    """Absolute gap at which the solver stops, 万元 (default 1); whichever of ``gap`` and
    ``abs_gap`` is reached first stops it. ``gap = 0`` with ``abs_gap = 0`` proves the
    optimum exactly; ``gap = 0`` without ``abs_gap`` means the same."""
    threads: Number(integer=True, minimum=1) | None = None
    """Threads the solver may use (default: its own choice)."""
    presolve: Choice(SWITCH, "schema.switch", "schema.switch.fix", key="presolve", value="auto") = (
        "auto"
    )
    """The solver's presolve: ``auto``, ``on`` or ``off``."""
    log: bool = False
    """Show the solver's log."""
    warm_start: Choice(
        SWITCH, "schema.switch", "schema.switch.fix", key="warm_start", value="on"
    ) = "auto"
    """Start from a heuristic plan: ``auto``, ``on`` or ``off``."""
    isolate: Choice(SWITCH, "schema.switch", "schema.switch.fix", key="isolate", value="on") = (
        "auto"
    )
    """Solve HiGHS in a child process: ``auto``, ``on`` or ``off``."""
    windows: Choice(SWITCH, "schema.switch", "schema.switch.fix", key="windows", value="on") = (
        "auto"
    )
    """Improve a penalised plan by exact windows before HiGHS: ``auto``, ``on`` or ``off``."""
    relax_fix: Choice(
        SWITCH, "schema.switch", "schema.switch.fix", key="relax_fix", value="on"
    ) = "auto"
    """Solve a programme's linear relaxation first, fix what its reduced costs prove and solve
    the rest exactly: ``auto`` (programmes), ``on`` or ``off``."""

    @field_validator("gap")
    @classmethod
    def _fraction(cls, v: Any) -> Any:
        if v >= 1:
            raise _error(_m("schema.gap", got=v), _m("schema.gap.fix"))
        return v

    @model_validator(mode="before")
    @classmethod
    def _exact(cls, data: Any) -> Any:
        # "gap = 0" written alone asks for exact proof (as it did before abs_gap existed),
        # not for a stop at 1 万元
        if isinstance(data, dict) and data.get("gap") == 0 and "abs_gap" not in data:
            data = {**data, "abs_gap": 0.0}
        return data


class ZoneSpec(_Table):
    """``[[spatial.zones]]``: a zone where actions are forbidden or favoured."""

    missing_fix: ClassVar[dict[str, str]] = {"name": "schema.zone.name", "kind": "schema.zone.kind"}

    name: str
    """The zone's name (``zone:NAME`` in ``touch``)."""
    kind: Choice(("exclude", "priority"), "schema.zone.kind.bad")
    """``exclude`` (no action there) or ``priority`` (favoured)."""
    path: str | None = None
    """A layer of its polygons, relative to the scenario file."""
    park: str | None = None
    """A park of the district outlines."""
    around_landuse: Codes | None = None
    """Land-use codes: the zone is a buffer of ``buffer_m`` around those parcels."""
    buffer_m: Number() = 0.0
    """The buffer's width in metres."""
    actions: SomeActions = ()
    """The actions it applies to (default: all)."""
    bonus_wan_per_mu: Number(maximum=MAX_ABS_VALUE) = 0.0
    """For a priority zone: 万元 per mu credited to plots in it."""
    min_share: Number() | None = Field(None, json_schema_extra={"maximum": 1})
    """For a priority zone: the least fraction of the actions' mu inside it (0.3 = 30 %)."""

    @field_validator("min_share")
    @classmethod
    def _fraction(cls, v: Any) -> Any:
        if v is not None and v > 1:
            raise _error(_m("schema.min_share", got=v), _m("schema.min_share.fix"))
        return v

    @model_validator(mode="after")
    def _source_and_kind(self) -> ZoneSpec:
        errors = []
        sources = [k for k in ("path", "park", "around_landuse") if k in self.model_fields_set]
        if len(sources) != 1:
            errors.append(
                (
                    (),
                    None,
                    _error(
                        _m("schema.zone.source", found=sources)
                        if sources
                        else _m("schema.zone.source.none"),
                        _m("schema.zone.source.fix"),
                        key="",
                    ),
                )
            )
        if self.kind == "exclude" and (self.bonus_wan_per_mu or self.min_share is not None):
            errors.append(
                (
                    ("kind",),
                    self.kind,
                    _error(_m("schema.zone.exclude_bonus"), _m("schema.zone.exclude_bonus.fix")),
                )
            )
        _raise_all("zone", errors)
        return self


class SpatialSpec(_Table):
    """``[spatial]``: compactness, zones, touching rules and the minimum block."""

    boundary_weight: Number(maximum=MAX_ABS_VALUE) = 0.0
    """万元 per km of exposed boundary of the chosen plots (Marxan's BLM; 0: off)."""
    boundary_actions: SomeActions = ()
    """The actions whose plots form blocks (default: all)."""
    inner_status: Statuses = ("cleared",)
    """Statuses of land whose edges count as inner (new clearance grows those blocks)."""
    tolerance_m: Number() = 0.5
    """Adjacency tolerance for gaps and overlaps between neighbours, metres."""
    zones: list[ZoneSpec] = []
    """The exclusion and priority zones."""
    touch: dict[TouchKey, TouchTargets] = {}
    """Action → what its plots must touch: ``"cleared"``, ``"park:NAME"`` or ``"zone:NAME"``."""
    district: str | None = None
    """A layer of the district's parks, relative to the scenario file."""
    min_block_mu: Number() | None = None
    """The least area of a block of chosen plots, mu."""

    @field_validator("zones", mode="before")
    @classmethod
    def _array(cls, v: Any) -> Any:
        if not isinstance(v, list):
            raise _error(_m("schema.zones.array"), _m("schema.zones.array.fix"))
        return v

    @field_validator("zones")
    @classmethod
    def _unique(cls, zones: list[ZoneSpec]) -> list[ZoneSpec]:
        names = [z.name for z in zones]
        _raise_all(
            "zones",
            [
                (
                    (),
                    n,
                    _error(
                        _m("schema.zones.twice", name=repr(n)),
                        _m("schema.zones.twice.fix"),
                        key="name",
                    ),
                )
                for n in sorted({n for n in names if names.count(n) > 1})
            ],
        )
        return zones


class ParcelsSpec(_Table):
    """``[parcels]``: where the parcel layer is and how to read it."""

    path: str | None = None
    """The layer (GeoJSON, GeoPackage, Shapefile, …), relative to the scenario file."""
    url: str | None = None
    """Instead of ``path``, a PostGIS database: ``postgresql://user@host:5432/db`` (the
    password from ``~/.pgpass`` or ``PGPASSWORD``; one in the URL is never recorded)."""
    table: str | None = None
    """With ``url``: the table or view of parcels, ``"table"`` or ``"schema.table"``."""
    sql: str | None = None
    """With ``url``, instead of ``table``: a ``SELECT`` whose rows are the parcels."""
    geometry_column: str | None = None
    """With ``url``: the geometry column, when the table or query has several."""
    layer: str | None = None
    """The layer inside a multi-layer file."""
    encoding: str | None = None
    """The text encoding of a Shapefile's attributes."""
    crs: str | None = None
    """The coordinate system when the file names none (``EPSG:4548``)."""
    columns: dict[str, str] = {}
    """The layer's column → the landopt field it holds (``状态 = "status"``)."""
    status_values: dict[str, Choice(STATUSES, "schema.status", "read.use_one_of")] = {}
    """The layer's status spelling → a landopt status (``待处置 = "idle"``)."""
    ledger: str | None = None
    """A ledger (台账) whose columns join the layer: ``.xlsx``, or ``.csv`` in UTF-8 or GBK."""
    ledger_key: str | None = None
    """The ledger's key column (default: the layer's id column, e.g. ``地块编号``)."""

    @model_validator(mode="after")
    def _one_source(self) -> ParcelsSpec:
        errors: list[tuple[tuple[Any, ...], Any, PydanticCustomError]] = []
        if self.path is None and self.url is None:
            errors.append(
                (
                    (),
                    None,
                    _error(_m("schema.parcels.where"), _m("schema.parcels.path"), key="path"),
                )
            )
        elif self.path is not None and self.url is not None:
            errors.append(
                (
                    ("url",),
                    self.url,
                    _error(_m("schema.parcels.both"), _m("schema.parcels.both.fix")),
                )
            )
        if self.url is not None:
            if not self.url.lower().startswith(("postgresql://", "postgres://")):
                errors.append(
                    (
                        ("url",),
                        _without_password(self.url),
                        _error(_m("schema.parcels.url"), _m("schema.parcels.url.fix")),
                    )
                )
            if (self.table is None) == (self.sql is None):
                errors.append(
                    (
                        (),
                        None,
                        _error(
                            _m("schema.parcels.table_or_sql"),
                            _m("schema.parcels.table_or_sql.fix"),
                            key="table",
                        ),
                    )
                )
            for key in ("layer", "encoding"):
                if getattr(self, key) is not None:
                    errors.append(
                        (
                            (key,),
                            getattr(self, key),
                            _error(_m("schema.parcels.file_only", key=key), _m("schema.remove_it")),
                        )
                    )
        else:
            for key in ("table", "sql", "geometry_column"):
                if getattr(self, key) is not None:
                    errors.append(
                        (
                            (key,),
                            getattr(self, key),
                            _error(
                                _m("schema.parcels.db_only", key=key),
                                _m("schema.parcels.db_only.fix"),
                            ),
                        )
                    )
        if errors:
            _raise_all("ParcelsSpec", errors)
        return self


class ChecksSpec(_Table):
    """``[checks]``: how strict the checks against the parcel data are."""

    absent_values: Choice(ABSENT_POLICIES, "schema.absent_values", "schema.absent_values.fix") = (
        "error"
    )
    """A rule value no parcel has: ``error``, ``warn`` (logged) or ``allow``."""


#: the address of a Dask scheduler: a protocol Dask speaks, a host and a port
SCHEDULER_ADDRESS = r"^(tcp|tls|ucx|ws|wss)://[^\s/]+:[0-9]+$"


class ClusterSpec(_Table):
    """``[cluster]``: where the many solves of a sweep, a calibration or replacement
    costs run (default: this machine; ``--jobs`` and ``--scheduler`` choose per run)."""

    scheduler: str | None = Field(None, json_schema_extra={"pattern": SCHEDULER_ADDRESS})
    """The address of a running Dask scheduler, ``tcp://host:8786``; the command's
    ``--scheduler`` comes first, ``DASK_SCHEDULER_ADDRESS`` after."""

    @field_validator("scheduler")
    @classmethod
    def _address(cls, v: str | None) -> str | None:
        if v is not None and not re.match(SCHEDULER_ADDRESS, v):
            raise _error(
                _m("schema.cluster_scheduler", got=repr(v)), _m("schema.cluster_scheduler.fix")
            )
        return v


class MapSpec(_Table):
    """``[map]``: the title block of the printed map (every key optional)."""

    title: str | None = None
    """The map's title (default: the scenario's title and year)."""
    unit: str | None = None
    """The compiling unit (编制单位)."""
    number: str | None = None
    """The map number (图号)."""
    drawn_by: str | None = None
    """Who drew the map (制图)."""
    date: str | None = None
    """The map's date (日期; default: the day it is drawn)."""


class StoreSpec(_Table):
    """``[store]``: where the runs of this scenario are recorded (the run store)."""

    url: str | None = None
    """The database: ``"sqlite:///PATH"`` or ``"postgresql://USER@HOST/DB"`` (default
    ``LANDOPT_STORE_URL``, else ``runs.sqlite`` in the user's data folder). A password is
    never recorded (keep it in ``~/.pgpass`` or ``PGPASSWORD``)."""

    @field_validator("url")
    @classmethod
    def _database(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(
            ("sqlite:", "postgresql:", "postgresql+", "postgres:")
        ):
            safe = re.sub(r"//[^@/]*@", "//…@", v)
            raise _error(_m("schema.store_url", got=repr(safe)), _m("schema.store_url.fix"))
        return v


class ScenarioSpec(_Table):
    """A landopt scenario: what a planner asks for (one TOML file)."""

    model_config = ConfigDict(
        title="landopt scenario",
        json_schema_extra=lambda js: js.setdefault("required", []).append("actions"),
    )

    name: str | None = None
    """The scenario's short name (default: the file's name)."""
    title: str = ""
    """A title for reports."""
    year: Number(integer=True, minimum=1900) | None = None
    """The plan's year."""
    lang: Choice(("en", "zh"), "schema.lang", "schema.lang.fix") | None = None
    """The language of labels, maps and reports: ``en`` or ``zh``; left out, the run's
    language decides (``--lang``, ``LANDOPT_LANG``, then the locale)."""
    timezone: str | None = None
    """The district's time zone for times shown to people (the report's header), an IANA
    name such as ``"Asia/Shanghai"``; default ``LANDOPT_TZ``, else ``Asia/Shanghai``.
    run.json keeps UTC."""
    description: str = ""
    """Notes for the reader."""
    parcels: ParcelsSpec | None = None
    """The parcel layer (a table, or just its path)."""
    actions: dict[ActionKey, ActionSpec] = Field(
        default_factory=dict,
        validate_default=True,
        json_schema_extra={"minProperties": 1, "additionalProperties": False},
    )
    """The actions, one table each: ``[actions.clear]``."""
    objective: ObjectiveSpec = ObjectiveSpec()
    """What to optimise."""
    budget: BudgetSpec = BudgetSpec()
    """The total budget."""
    locks: LocksSpec = LocksSpec()
    """Parcels forced in or kept out."""
    solver: SolverSpec = SolverSpec()
    """The back-end and its limits."""
    spatial: SpatialSpec = SpatialSpec()
    """Compactness, zones, touching rules, minimum block."""
    checks: ChecksSpec = ChecksSpec()
    """How strict the checks against the data are."""
    map: MapSpec = MapSpec()
    """The title block of the printed map."""
    store: StoreSpec = StoreSpec()
    """Where the runs are recorded."""
    cluster: ClusterSpec = ClusterSpec()
    """Where many solves run: a Dask scheduler."""

    @field_validator("parcels", mode="before", json_schema_input_type=ParcelsSpec | str)
    @classmethod
    def _path_only(cls, v: Any) -> Any:
        return {"path": v} if isinstance(v, str) else v

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        if v is not None:
            from zoneinfo import ZoneInfo

            try:
                ZoneInfo(v)
            except (ValueError, KeyError, OSError):
                raise _error(
                    _m("schema.timezone", got=repr(v)), _m("schema.timezone.fix")
                ) from None
        return v

    @field_validator("actions")
    @classmethod
    def _some(cls, v: dict[str, ActionSpec]) -> dict[str, ActionSpec]:
        if not v:
            raise _error(_m("schema.no_actions"), _m("schema.no_actions.fix"), key="")
        return v


_ROOTS: dict[tuple[tuple[str, type[BaseModel]], ...], type[ScenarioSpec]] = {}


def root_model() -> type[ScenarioSpec]:
    """The model of the whole file: :class:`ScenarioSpec` plus one optional table per
    rule component that owns one (``[township_share]``, …), built once per registry."""
    from landopt.rules import extension_components  # lazily: landopt.rules imports landopt.scenario

    tables = tuple((c.key, c.Spec) for c in extension_components())
    if not tables:
        return ScenarioSpec
    if tables not in _ROOTS:
        fields: dict[str, Any] = {
            key: (spec | None, Field(None, description=(spec.__doc__ or "").strip() or None))
            for key, spec in tables
        }
        _ROOTS[tables] = create_model("ScenarioSpecWithRules", __base__=ScenarioSpec, **fields)
    return _ROOTS[tables]


# --------------------------------------------------------------------------- JSON Schema
class _TomlSchema(GenerateJsonSchema):
    """JSON Schema for TOML: TOML has no null, so an optional key is just its type."""

    def nullable_schema(self, schema: Any) -> Any:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: Any) -> Any:
        out = super().default_schema(schema)
        # "no value" is not written in TOML; a table's default is its keys' defaults
        if out.get("default", 0) is None or isinstance(out.get("default"), dict):
            out.pop("default")
        return out


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario TOML, with the tables of the rule components.

    Editors read it through a ``#:schema`` line (taplo, Even Better TOML); ``landopt
    schema`` prints it.
    """
    schema = root_model().model_json_schema(schema_generator=_TomlSchema)
    return {"$schema": SCHEMA_URI, **schema}


def scenario_json_schema_text() -> str:
    """:func:`scenario_json_schema` as the text of ``scenario.schema.json`` (UTF-8, indented)."""
    import json

    return json.dumps(scenario_json_schema(), ensure_ascii=False, indent=2) + "\n"
