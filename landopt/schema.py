"""The scenario's TOML, declared once: structure, types, ranges, defaults and messages.

The pydantic v2 models here mirror the TOML file table for table (``[parcels]``,
``[actions.NAME]`` with its ``eligible`` rule tree and ``targets``, ``[objective]``,
``[budget]``, ``[locks]``, ``[solver]``, ``[spatial]`` with ``[[spatial.zones]]`` and
``touch``, ``[checks]``, and the tables of the rule components that own one, see
:func:`landopt.rules.extension_components`). Every model forbids unknown keys.

:func:`validate` checks a TOML-shaped dict and turns pydantic's errors into landopt's
:class:`~landopt.errors.Problem` list through one adapter (:func:`problems_from`): every
problem at once, the table and key named, the nearest valid name suggested for an
unknown key, a fix given. Checks across tables (an action named in ``[locks]`` that does
not exist, a zone named in ``touch``, …) read the action and zone names from the
validation context, so they are collected together with the rest.
:func:`scenario_json_schema` gives the JSON Schema of the TOML (``landopt schema``).

The conversion to the frozen domain types of :mod:`landopt.scenario` is
:func:`scenario_from_spec`; :func:`landopt.scenario.scenario_from_dict` runs both.
"""

from __future__ import annotations

import difflib
import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Tag,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from landopt._fields import CSS_COLOR_NAMES, MAX_ABS_VALUE, STATUSES
from landopt.errors import Problem, ScenarioError
from landopt.scenario import (
    _NAME_RE,
    ABSENT_POLICIES,
    BACKENDS,
    COMPARISONS,
    MAX_SCENARIO_NUMBER,
    MAX_WEIGHT,
    NULL_OPS,
    OPERATORS,
    SET_OPS,
    Action,
    Checks,
    Condition,
    Locks,
    Objective,
    ParcelSource,
    Rule,
    Scenario,
    SolverOptions,
    Spatial,
    Targets,
    Zone,
    _is_color,
    _map_to_layer_names,
)

__all__ = [
    "ScenarioSpec",
    "locks_from_table",
    "problems_from",
    "root_model",
    "scenario_from_spec",
    "scenario_json_schema",
    "scenario_json_schema_text",
    "solver_from_table",
    "validate",
]

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


# --------------------------------------------------------------------------- errors
def _suggest(word: Any, options: Iterable[str]) -> str:
    near = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.5)
    return f"did you mean {near[0]!r}?" if near else ""


def _error(what: str, fix: str = "", key: str | None = None) -> PydanticCustomError:
    """A landopt error for pydantic: ``what`` and ``fix`` as the planner reads them.

    ``key`` names the key when it is not the last part of the error's location (``""``:
    the table itself).
    """
    ctx: dict[str, Any] = {"what": what, "fix": fix}
    if key is not None:
        ctx["key"] = key
    return PydanticCustomError("landopt", "{what}", ctx)


def _raise_all(
    title: str, errors: Sequence[tuple[tuple[Any, ...], Any, PydanticCustomError]]
) -> None:
    """Raise every error at once (``(loc, input, error)``, ``loc`` relative to the model)."""
    if errors:
        raise ValidationError.from_exception_data(
            title, [InitErrorDetails(type=e, loc=loc, input=v) for loc, v, e in errors]
        )


# --------------------------------------------------------------------------- value types
def _is_num(value: Any, integer: bool) -> bool:
    if isinstance(value, bool):
        return False
    if integer:
        return isinstance(value, numbers.Integral)
    return isinstance(value, numbers.Real) and bool(value == value) and abs(value) != float("inf")


@dataclass(frozen=True)
class _Number:
    """A number of the scenario: its type, least value and greatest magnitude, and messages."""

    minimum: float | None = 0.0
    maximum: float = MAX_SCENARIO_NUMBER
    integer: bool = False
    what: str = ""
    fix: str = ""

    def check(self, value: Any, info: ValidationInfo) -> Any:
        key = info.field_name or "value"
        if not _is_num(value, self.integer):
            kind = "a whole number" if self.integer else "a number"
            raise _error(
                (self.what or f"must be {kind}, got {{got}}").format(got=repr(value), key=key),
                self.fix or f"write e.g. {key} = {'10' if self.integer else '560.0'}",
            )
        if abs(value) > self.maximum:
            raise _error(
                f"{value!r} is beyond what landopt accepts here (at most {self.maximum:g} in size)",
                "check the digits; leave the key out for no limit",
            )
        if self.minimum is not None and value < self.minimum:
            raise _error(
                f"must be ≥ {self.minimum:g}, got {value!r}",
                "use a non-negative value"
                if self.minimum == 0
                else f"use a value ≥ {self.minimum:g}",
            )
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.with_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(
        self, cs: Any, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        lo = -self.maximum if self.minimum is None else self.minimum
        return {
            "type": "integer" if self.integer else "number",
            "minimum": lo,
            "maximum": self.maximum,
        }


def Number(
    *,
    minimum: float | None = 0.0,
    maximum: float = MAX_SCENARIO_NUMBER,
    integer: bool = False,
    what: str = "",
    fix: str = "",
) -> Any:
    """The type of a scenario number (finite; ≥ ``minimum``; at most ``maximum`` in size)."""
    return Annotated[int if integer else float, _Number(minimum, maximum, integer, what, fix)]


@dataclass(frozen=True)
class _Choice:
    """One of a few words; ``what`` has ``{got}``; the fix is the nearest word by default."""

    values: tuple[str, ...]
    what: str
    fix: str = ""

    def check(self, value: Any) -> Any:
        if isinstance(value, str) and value in self.values:
            return value
        near = _suggest(value, self.values)
        raise _error(self.what.format(got=repr(value)), near or self.fix)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(
        self, cs: Any, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}


def Choice(values: Sequence[str], what: str, fix: str = "") -> Any:
    """The type of a word out of ``values``."""
    return Annotated[str, _Choice(tuple(values), what, fix)]


@dataclass(frozen=True, eq=False)
class _Plain:
    """A value checked by ``func(value, info)`` with a hand-written JSON Schema."""

    func: Any
    json: Any

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.with_info_plain_validator_function(self.func)

    def __get_pydantic_json_schema__(
        self, cs: Any, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return dict(self.json)


_SCALAR_JSON = {"type": ["string", "number", "integer", "boolean"]}


def _scalar(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, str | int | float | bool):
        return value
    raise _error(f"must be a text, number or true/false value, got {value!r}", 'e.g. "idle" or 2')


def _value_list(value: Any, info: ValidationInfo) -> Any:
    op = info.field_name
    op = "in" if op == "in_" else op
    if not isinstance(value, list) or not value:
        raise _error(f"'{op}' needs a non-empty list, got {value!r}", f'write {op} = ["a", "b"]')
    _raise_all(
        "values",
        [
            ((i,), v, _error(f"must be a text or number value, got {v!r}"))
            for i, v in enumerate(value)
            if not isinstance(v, str | int | float | bool)
        ],
    )
    return tuple(value)


def _absent_ok(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, list) and value:
        return tuple(value)
    raise _error(
        f"must be true, false or a list of the rule's values, got {value!r}",
        "write absent_ok = true",
    )


def _context_names(info: ValidationInfo, what: str) -> list[str]:
    return list((info.context or {}).get(what, ()))


def _action_ref(value: Any, info: ValidationInfo) -> Any:
    """One action of the scenario (``[locks.include]``)."""
    actions = _context_names(info, "actions")
    if not isinstance(value, str) or value not in actions:
        raise _error(
            f"must name one action, got {value!r}",
            _suggest(value, actions) or f"use one of {', '.join(actions)}",
        )
    return value


def _action_list_or_all(value: Any, info: ValidationInfo) -> Any:
    """``"all"``, one action or a list of actions (``[locks.exclude]``)."""
    actions = _context_names(info, "actions")
    if value == "all":
        return None
    acts = [value] if isinstance(value, str) else value
    if not isinstance(acts, list) or not acts:
        raise _error(f'must be "all" or a list of actions, got {acts!r}', '["upgrade"] or "all"')
    bad = [a for a in acts if a not in actions]
    _raise_all(
        "exclude",
        [
            (
                (),
                value,
                _error(
                    f"unknown action {a!r}",
                    _suggest(a, actions) or f"use one of {', '.join(actions)}",
                ),
            )
            for a in bad
        ],
    )
    return tuple(acts)


def _some_actions(value: Any, info: ValidationInfo) -> Any:
    """A list of actions of the scenario (``boundary_actions``, a zone's ``actions``)."""
    actions = _context_names(info, "actions")
    if not isinstance(value, list) or any(a not in actions for a in value):
        bad = [a for a in value if a not in actions] if isinstance(value, list) else value
        raise _error(f"unknown actions {bad!r}", f"use some of {', '.join(actions)}")
    return tuple(value)


def _statuses(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, list) or any(x not in STATUSES for x in value):
        raise _error(f"must list statuses, got {value!r}", f"use some of {', '.join(STATUSES)}")
    return tuple(value)


def _codes(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, list) or not all(
        isinstance(c, str | int) and not isinstance(c, bool) for c in value
    ):
        raise _error("must be a list of land-use codes", 'write around_landuse = ["0701"]')
    return tuple(str(c) for c in value)


def _touch_key(value: Any, info: ValidationInfo) -> Any:
    actions = _context_names(info, "actions")
    if value not in actions:
        raise _error(
            "unknown action", _suggest(value, actions) or f"use one of {', '.join(actions)}"
        )
    return value


def _touch_targets(value: Any, info: ValidationInfo) -> Any:
    targets = [value] if isinstance(value, str) else value
    ok = (
        isinstance(targets, list)
        and targets
        and all(
            isinstance(t, str) and (t == "cleared" or t.split(":", 1)[0] in ("park", "zone"))
            for t in targets
        )
    )
    if not ok:
        raise _error(
            f"must list 'cleared', 'park:NAME' or 'zone:NAME', got {targets!r}",
            'write clear = ["cleared"]',
        )
    names = _context_names(info, "zones")
    _raise_all(
        "touch",
        [
            (
                (),
                value,
                _error(
                    f"no zone named {t[5:]!r}",
                    _suggest(t[5:], names) or "define it in [[spatial.zones]]",
                ),
            )
            for t in targets
            if t.startswith("zone:") and t[5:] not in names
        ],
    )
    return tuple(targets)


def _color(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, str):
        raise _error(f"must be text, got {value!r}", 'write color = "…"')
    if not _is_color(value):
        raise _error(
            f"{value!r} is not a colour",
            _suggest(value.lower(), sorted(CSS_COLOR_NAMES))
            or 'write a hex colour such as "#D55E00" or a CSS colour name such as "orange"',
        )
    return value


def _action_key(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise _error(
            f"action name {value!r} must be lower-case letters, digits and _",
            "rename it, e.g. [actions.clear]",
            key="",
        )
    return value


_STR_LIST = {"type": "array", "items": {"type": "string"}}
Scalar = Annotated[Any, _Plain(_scalar, _SCALAR_JSON)]
ValueList = Annotated[
    tuple[Any, ...], _Plain(_value_list, {"type": "array", "items": _SCALAR_JSON, "minItems": 1})
]
AbsentOk = Annotated[
    Any,
    _Plain(
        _absent_ok,
        {"anyOf": [{"type": "boolean"}, {"type": "array", "items": _SCALAR_JSON, "minItems": 1}]},
    ),
]
ActionRef = Annotated[str, _Plain(_action_ref, {"type": "string"})]
ExcludeRef = Annotated[
    Any, _Plain(_action_list_or_all, {"anyOf": [{"type": "string"}, {**_STR_LIST, "minItems": 1}]})
]
SomeActions = Annotated[tuple[str, ...], _Plain(_some_actions, _STR_LIST)]
Statuses = Annotated[
    tuple[str, ...], _Plain(_statuses, {"type": "array", "items": {"enum": list(STATUSES)}})
]
Codes = Annotated[
    tuple[str, ...], _Plain(_codes, {"type": "array", "items": {"type": ["string", "integer"]}})
]
TouchKey = Annotated[str, _Plain(_touch_key, {"type": "string"})]
TouchTargets = Annotated[
    Any,
    _Plain(
        _touch_targets,
        {
            "anyOf": [{"type": "string"}, {**_STR_LIST, "minItems": 1}],
            "examples": [["cleared"], ["park:NAME"], ["zone:NAME"]],
        },
    ),
]
Color = Annotated[str, _Plain(_color, {"type": "string", "examples": ["#D55E00", "orange"]})]
ActionKey = Annotated[str, _Plain(_action_key, {"type": "string", "pattern": _NAME_RE.pattern})]
SWITCH = ("auto", "on", "off")


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
    #: the fix shown for a missing required key
    missing_fix: ClassVar[dict[str, str]] = {}
    #: how an unknown key of this table is called
    unknown_key: ClassVar[str] = "unknown key"
    #: the names suggested for an unknown key (default: the table's keys)
    known_keys: ClassVar[tuple[str, ...]] = ()


class ConditionSpec(_Table):
    """One test on one field: ``{ field = "status", in = ["idle"] }``."""

    unknown_key: ClassVar[str] = "unknown operator"
    known_keys: ClassVar[tuple[str, ...]] = OPERATORS

    field: Annotated[
        str,
        _Plain(
            lambda v, i: _text_or(v, "must be a column name, got {got}", 'write field = "status"'),
            {"type": "string"},
        ),
    ]
    """The parcel column tested (the layer's own name, or one mapped by ``[parcels] columns``)."""
    eq: Scalar | None = None
    """Equal to this value."""
    ne: Scalar | None = None
    """Not equal to this value (a missing value passes)."""
    lt: Number(minimum=None, what="'lt' needs a number, got {got}", fix="write lt = 2") | None = (
        None
    )
    """Less than this number."""
    le: Number(minimum=None, what="'le' needs a number, got {got}", fix="write le = 2") | None = (
        None
    )
    """At most this number."""
    gt: Number(minimum=None, what="'gt' needs a number, got {got}", fix="write gt = 2") | None = (
        None
    )
    """More than this number."""
    ge: Number(minimum=None, what="'ge' needs a number, got {got}", fix="write ge = 2") | None = (
        None
    )
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
                f"a condition needs exactly one operator, found {ops or 'none'}",
                f"use one of {', '.join(OPERATORS)}",
                key=self.field,
            )
        if self.absent_ok and ops[0] not in COMPARISONS[:2] + SET_OPS:
            raise _error(
                f"only applies to eq, ne, in and not_in, not to {ops[0]}",
                "remove it",
                key="absent_ok",
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
        raise _error(what.format(got=repr(value)), fix)
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
            f"'{key}' must stand alone in its table, found also {sorted(set(data) - {key})}",
            "nest the other conditions inside it",
            key=key,
        )
    return data


def _non_empty_rules(key: str, v: Any) -> Any:
    if not isinstance(v, list) or not v:
        raise _error(
            f"'{key}' needs a non-empty list of rules", f"write {key} = [ {{ … }}, {{ … }} ]"
        )
    return v


def _bad_rule(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, dict):
        raise _error(
            f"a rule must be a table, got {value!r}",
            'write { field = "status", in = ["idle"] } or { all = [ … ] }',
            key="",
        )
    raise _error(
        f"a condition needs 'field' (found keys {sorted(value)})",
        _suggest(next(iter(value)), ["field", "all", "any", "not"])
        or 'write { field = "status", in = ["idle"] }',
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

for _m in (AllRule, AnyRule, NotRule):
    _m.model_rebuild()


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
                    _error(
                        "give either count (exact) or count_min/count_max, not both",
                        "keep one form",
                    ),
                )
            )
        if self.count is not None:
            cmin = cmax = self.count
        if cmin is not None and cmax is not None and cmin > cmax:
            errors.append(
                (
                    ("count_min",),
                    cmin,
                    _error(f"count_min {cmin} is above count_max {cmax}", "swap them"),
                )
            )
        if amin is not None and amax is not None and amin > amax:
            errors.append(
                (
                    ("area_min",),
                    amin,
                    _error(f"area_min {amin:g} is above area_max {amax:g}", "swap them"),
                )
            )
        _raise_all("targets", errors)
        return self


class ActionSpec(_Table):
    """``[actions.NAME]``: one kind of intervention a parcel can get."""

    missing_fix: ClassVar[dict[str, str]] = {
        "cost": 'name the cost column this action spends, e.g. cost = "cost_clear_wan"',
        "eligible": 'write eligible = { field = "status", in = ["inefficient"] }; use eligible = {} for every parcel',
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

    missing_fix: ClassVar[dict[str, str]] = {"of": 'name "cost", "benefit" or a parcel column'}

    of: str
    """``"cost"``, ``"benefit"`` or a parcel column."""
    weight: Number(minimum=None, maximum=MAX_WEIGHT) = 1.0
    """Its weight."""


class ObjectiveSpec(_Table):
    """``[objective]``: what to optimise."""

    kind: (
        Choice(
            ("min_cost", "max_benefit"),
            "unknown kind {got}",
            "use min_cost or max_benefit, or give sense and terms",
        )
        | None
    ) = None
    """A preset: ``min_cost`` or ``max_benefit``."""
    sense: (
        Choice(("minimize", "maximize"), "must be 'minimize' or 'maximize', got {got}") | None
    ) = None
    """``minimize`` (the default) or ``maximize``."""
    terms: list[TermSpec] | None = None
    """The weighted terms summed (default: the cost, or the benefit when maximising)."""
    difficulty_weight: Number(maximum=MAX_ABS_VALUE) = 0.0
    """万元 per point of ``difficulty`` added to a minimisation (subtracted in a maximisation)."""

    @field_validator("terms", mode="before")
    @classmethod
    def _non_empty(cls, v: Any) -> Any:
        if not isinstance(v, list) or not v:
            raise _error(
                "must be a non-empty list", 'write terms = [ { of = "cost", weight = 1.0 } ]'
            )
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
                        f"is both forced into {act!r} and excluded from it",
                        "remove one of the two locks",
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

    backend: Choice(BACKENDS, "unknown backend {got}", f"use one of {', '.join(BACKENDS)}") = (
        "highs"
    )
    """``highs`` (HiGHS direct), ``highs-pulp`` or ``cbc``."""
    time_limit: Number() = 600.0
    """Seconds the solve may take."""
    gap: Number() = Field(0.0, json_schema_extra={"exclusiveMaximum": 1})
    """Relative optimality gap accepted (0.01 = 1 %; 0 proves the optimum)."""
    threads: Number(integer=True, minimum=1) | None = None
    """Threads the solver may use (default: its own choice)."""
    presolve: Choice(SWITCH, "must be auto, on or off, got {got}", 'write presolve = "auto"') = (
        "auto"
    )
    """The solver's presolve: ``auto``, ``on`` or ``off``."""
    log: bool = False
    """Show the solver's log."""
    warm_start: Choice(SWITCH, "must be auto, on or off, got {got}", 'write warm_start = "on"') = (
        "auto"
    )
    """Start from a heuristic plan: ``auto``, ``on`` or ``off``."""
    isolate: Choice(SWITCH, "must be auto, on or off, got {got}", 'write isolate = "on"') = "auto"
    """Solve HiGHS in a child process: ``auto``, ``on`` or ``off``."""

    @field_validator("gap")
    @classmethod
    def _fraction(cls, v: Any) -> Any:
        if v >= 1:
            raise _error(f"is a fraction (0.01 = 1 %), got {v}", "write gap = 0.01 for 1 %")
        return v


class ZoneSpec(_Table):
    """``[[spatial.zones]]``: a zone where actions are forbidden or favoured."""

    missing_fix: ClassVar[dict[str, str]] = {
        "name": 'write name = "housing buffer"',
        "kind": 'write kind = "exclude" or kind = "priority"',
    }

    name: str
    """The zone's name (``zone:NAME`` in ``touch``)."""
    kind: Choice(("exclude", "priority"), "must be 'exclude' or 'priority', got {got}")
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
            raise _error(f"is a fraction (0.3 = 30 %), got {v}", "write min_share = 0.3")
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
                        f"give exactly one of path, park or around_landuse (found {sources or 'none'})",
                        'e.g. park = "张店经济开发区"',
                        key="",
                    ),
                )
            )
        if self.kind == "exclude" and (self.bonus_wan_per_mu or self.min_share is not None):
            errors.append(
                (
                    ("kind",),
                    self.kind,
                    _error(
                        "an exclusion zone takes no bonus_wan_per_mu or min_share",
                        'use kind = "priority" for those',
                    ),
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
            raise _error("must be an array of tables", "write [[spatial.zones]] blocks")
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
                        f"zone name {n!r} is used twice", "give each zone its own name", key="name"
                    ),
                )
                for n in sorted({n for n in names if names.count(n) > 1})
            ],
        )
        return zones


class ParcelsSpec(_Table):
    """``[parcels]``: where the parcel layer is and how to read it."""

    missing_fix: ClassVar[dict[str, str]] = {
        "path": 'write path = "parcels.geojson" (relative to the scenario file)'
    }

    path: str
    """The layer (GeoJSON, GeoPackage, Shapefile, …), relative to the scenario file."""
    layer: str | None = None
    """The layer inside a multi-layer file."""
    encoding: str | None = None
    """The text encoding of a Shapefile's attributes."""
    crs: str | None = None
    """The coordinate system when the file names none (``EPSG:4548``)."""
    columns: dict[str, str] = {}
    """The layer's column → the landopt field it holds (``状态 = "status"``)."""
    status_values: dict[
        str, Choice(STATUSES, "maps to unknown status {got}", f"use one of {', '.join(STATUSES)}")
    ] = {}
    """The layer's status spelling → a landopt status (``待处置 = "idle"``)."""


class ChecksSpec(_Table):
    """``[checks]``: how strict the checks against the parcel data are."""

    absent_values: Choice(
        ABSENT_POLICIES,
        "must be one of " + ", ".join(ABSENT_POLICIES) + ", got {got}",
        'write absent_values = "allow"',
    ) = "error"
    """A rule value no parcel has: ``error``, ``warn`` (logged) or ``allow``."""


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
    lang: Choice(
        ("en", "zh"), "must be 'en' or 'zh', got {got}", 'write lang = "zh" for Chinese labels'
    ) = "en"
    """The language of labels, maps and reports: ``en`` or ``zh``."""
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

    @field_validator("parcels", mode="before", json_schema_input_type=ParcelsSpec | str)
    @classmethod
    def _path_only(cls, v: Any) -> Any:
        return {"path": v} if isinstance(v, str) else v

    @field_validator("actions")
    @classmethod
    def _some(cls, v: dict[str, ActionSpec]) -> dict[str, ActionSpec]:
        if not v:
            raise _error(
                "the scenario defines no actions",
                "add at least one [actions.NAME] table with label, eligible, cost and targets",
                key="",
            )
        return v


def root_model() -> type[ScenarioSpec]:
    """The model of the whole file: :class:`ScenarioSpec` plus one optional table per
    rule component that owns one (``[township_share]``, …)."""
    from landopt.rules import extension_components  # lazily: landopt.rules imports landopt.scenario

    comps = extension_components()
    if not comps:
        return ScenarioSpec
    fields: dict[str, Any] = {
        c.key: (c.Spec | None, Field(None, description=(c.Spec.__doc__ or "").strip() or None))
        for c in comps
    }
    return create_model("ScenarioSpecWithRules", __base__=ScenarioSpec, **fields)


# --------------------------------------------------------------------------- the adapter
def _unwrap(tp: Any) -> Any:
    """The model or container inside ``Annotated``/``Optional``."""
    import typing

    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, __import__("types").UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _step(tp: Any, seg: Any) -> Any:
    import typing

    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, f in tp.model_fields.items():
            if seg in (name, f.alias):
                return f.annotation
        return None
    origin = typing.get_origin(tp)
    if origin in (dict, Mapping):
        return typing.get_args(tp)[1]
    if origin in (list, tuple):
        return typing.get_args(tp)[0]
    if isinstance(seg, str) and seg.startswith("rule:"):  # a tagged union: the tag picks the member
        for member in typing.get_args(tp):
            if any(
                isinstance(m, Tag) and m.tag == seg for m in getattr(member, "__metadata__", ())
            ):
                return member
    return None


def _model_at(root: type[BaseModel], loc: Sequence[Any]) -> type[BaseModel] | None:
    tp: Any = root
    for seg in loc:
        tp = _step(tp, seg)
        if tp is None:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _where(segs: Sequence[Any]) -> str:
    """The table a location is in, as the planner writes it."""
    segs = [s for s in segs if not (isinstance(s, str) and s.startswith("rule:"))]
    if not segs:
        return "top level"
    if len(segs) >= 3 and segs[0] == "actions" and segs[2] == "eligible":
        out = f"[actions.{segs[1]}] eligible"
        rest = segs[3:]
        i = 0
        while i < len(rest):
            if rest[i] in ("all", "any") and i + 1 < len(rest) and isinstance(rest[i + 1], int):
                out += f".{rest[i]}[{rest[i + 1]}]"
                i += 2
            elif rest[i] == "not":
                out += ".not"
                i += 1
            else:
                i += 1
        return out
    if segs[:2] == ["objective", "terms"] and len(segs) >= 3:
        return f"[objective] terms[{segs[2]}]"
    if segs[:2] == ["spatial", "zones"]:
        return f"[[spatial.zones]] #{segs[2] + 1}" if len(segs) >= 3 else "[[spatial.zones]]"
    return "[" + ".".join(str(s) for s in segs) + "]"


def _split(loc: Sequence[Any]) -> tuple[list[Any], Any]:
    """``(table, key)`` of a location: the key is its last part that is not a rule tag."""
    segs = list(loc)
    if segs and segs[-1] == "[key]":
        segs = segs[:-1]
    while segs and isinstance(segs[-1], str) and segs[-1].startswith("rule:"):
        segs = segs[:-1]
    if not segs:
        return [], ""
    if isinstance(segs[-1], int):  # an item of an array of tables: the item is the table
        return segs, ""
    return segs[:-1], segs[-1]


def problems_from(exc: ValidationError, root: type[BaseModel]) -> list[Problem]:
    """landopt's problems for pydantic's errors: table and key named, a fix for each."""
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        table, key = _split(loc)
        ctx = err.get("ctx") or {}
        kind, value = err["type"], err.get("input")
        what, fix = err["msg"], ""
        if kind == "landopt":
            what, fix = ctx["what"], ctx.get("fix", "")
            if "key" in ctx:
                if ctx["key"] == "":
                    table, key = [*table, key] if key != "" else table, ""
                else:
                    table, key = [*table, key] if _is_rule_loc(loc) else table, ctx["key"]
        elif kind == "extra_forbidden":
            model = _model_at(root, table)
            allowed = list(getattr(model, "known_keys", ()) or _keys(model))
            what = getattr(model, "unknown_key", "unknown key")
            fix = _suggest(key, allowed) or (f"use one of {', '.join(allowed)}" if allowed else "")
        elif kind == "missing":
            model = _model_at(root, table)
            what = "missing"
            fix = getattr(model, "missing_fix", {}).get(key, f"add {key} = …")
        elif kind in ("string_type", "str_type"):
            what, fix = f"must be text, got {value!r}", f'write {key} = "…"'
        elif kind in ("bool_type", "bool_parsing"):
            what, fix = f"must be true or false, got {value!r}", f"write {key} = true"
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            what, fix = f"must be a whole number, got {value!r}", f"write e.g. {key} = 10"
        elif kind in ("float_type", "float_parsing", "finite_number"):
            what, fix = f"must be a number, got {value!r}", f"write e.g. {key} = 560.0"
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            what = f"must be a table, got {type(value).__name__}"
            fix = f"write [{key}] or {key} = {{ … }}" if key else "write { … }"
        elif kind in ("list_type", "tuple_type"):
            what, fix = f"must be a list, got {value!r}", f"write {key} = [ … ]"
        elif kind == "literal_error":
            allowed = [
                v.strip(" '\"")
                for v in str(ctx.get("expected", "")).replace(" or ", ",").split(",")
            ]
            what = f"must be {ctx.get('expected')}, got {value!r}"
            fix = _suggest(value, allowed)
        elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
            bound = next(iter(ctx.values()), "")
            bound = f"{bound:g}" if isinstance(bound, int | float) else bound
            sym = {
                "greater_than_equal": "≥",
                "greater_than": ">",
                "less_than_equal": "≤",
                "less_than": "<",
            }[kind]
            what, fix = f"must be {sym} {bound}, got {value!r}", f"use a value {sym} {bound}"
        out.append(Problem(_where(table), str(key), what, fix))
    return out


def _is_rule_loc(loc: Sequence[Any]) -> bool:
    return any(isinstance(s, str) and s.startswith("rule:") for s in loc)


def _keys(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


# --------------------------------------------------------------------------- validation
def _context(data: Mapping[str, Any]) -> dict[str, Any]:
    """Names the checks across tables need, read from the raw data (even when invalid)."""
    actions = data.get("actions")
    spatial = data.get("spatial")
    zones = spatial.get("zones") if isinstance(spatial, dict) else None
    return {
        "actions": [str(a) for a in actions] if isinstance(actions, dict) else [],
        "zones": [
            z["name"] for z in zones if isinstance(z, dict) and isinstance(z.get("name"), str)
        ]
        if isinstance(zones, list)
        else [],
    }


def validate(data: Mapping[str, Any], source: str = "scenario") -> ScenarioSpec:
    """The validated model of a TOML-shaped dict.

    Raises
    ------
    ScenarioError
        Listing every problem found.
    """
    root = root_model()
    try:
        return root.model_validate(dict(data), context=_context(data))
    except ValidationError as exc:
        raise ScenarioError(source, problems_from(exc, root)) from None


def _rule(spec: Any) -> Rule:
    if isinstance(spec, TrueRule):
        return Rule("true")
    if isinstance(spec, AllRule):
        return Rule("all", tuple(_rule(c) for c in spec.all))
    if isinstance(spec, AnyRule):
        return Rule("any", tuple(_rule(c) for c in spec.any))
    if isinstance(spec, NotRule):
        return Rule("not", (_rule(spec.not_),))
    op = spec.operators()[0]
    value = None if op in NULL_OPS else getattr(spec, "in_" if op == "in" else op)
    return Rule("leaf", condition=Condition(spec.field, op, value, spec.absent_ok))


def _targets(t: TargetsSpec) -> Targets:
    cmin = t.count if t.count is not None else t.count_min
    cmax = t.count if t.count is not None else t.count_max
    return Targets(
        count_min=int(cmin) if cmin is not None else None,
        count_max=int(cmax) if cmax is not None else None,
        area_min=float(t.area_min) if t.area_min is not None else None,
        area_max=float(t.area_max) if t.area_max is not None else None,
    )


def _objective(o: ObjectiveSpec) -> Objective:
    presets = {"min_cost": ("minimize", ("cost",)), "max_benefit": ("maximize", ("benefit",))}
    sense = o.sense or (presets[o.kind][0] if o.kind else "minimize")
    if o.terms is not None:
        terms = tuple((t.of, float(t.weight)) for t in o.terms)
    elif o.kind:
        terms = ((presets[o.kind][1][0], 1.0),)
    else:
        terms = (("cost" if sense == "minimize" else "benefit", 1.0),)
    return Objective(sense=sense, terms=terms, difficulty_weight=float(o.difficulty_weight))


def _locks(spec: LocksSpec) -> Locks:
    return Locks(tuple(spec.include.items()), tuple(spec.exclude.items()))


def _solver(s: SolverSpec) -> SolverOptions:
    return SolverOptions(
        backend=s.backend,
        time_limit=float(s.time_limit),
        gap=float(s.gap),
        threads=int(s.threads) if s.threads is not None else None,
        presolve=s.presolve,
        log=s.log,
        warm_start=s.warm_start,
        isolate=s.isolate,
        checked=True,
    )


def _under(base_dir: Path, path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else Path(os.path.normpath(base_dir / p))


def _spatial(s: SpatialSpec, base_dir: Path) -> Spatial:
    zones = tuple(
        Zone(
            name=z.name,
            kind=z.kind,
            path=Path(os.path.normpath(base_dir / z.path)) if z.path is not None else None,
            park=z.park,
            around_landuse=z.around_landuse or (),
            buffer_m=float(z.buffer_m),
            actions=z.actions,
            bonus_wan_per_mu=float(z.bonus_wan_per_mu),
            min_share=float(z.min_share) if z.min_share is not None else None,
        )
        for z in s.zones
    )
    return Spatial(
        boundary_weight=float(s.boundary_weight),
        boundary_actions=s.boundary_actions,
        inner_status=s.inner_status,
        tolerance_m=float(s.tolerance_m),
        zones=zones,
        touch=tuple(s.touch.items()),
        district=Path(os.path.normpath(base_dir / s.district)) if s.district else None,
        min_block_mu=float(s.min_block_mu) if s.min_block_mu is not None else None,
    )


def scenario_from_spec(
    spec: ScenarioSpec, *, base_dir: Path, source: Path | None = None
) -> Scenario:
    """The domain :class:`~landopt.scenario.Scenario` of a validated model.

    Raises
    ------
    ScenarioError
        With the problems the rule components find against the rest of the scenario.
    """
    from landopt.rules import extension_components

    p = spec.parcels
    parcels = (
        ParcelSource(
            path=_under(base_dir, p.path),
            layer=p.layer,
            encoding=p.encoding,
            crs=p.crs,
            columns=tuple(p.columns.items()),
            status_values=tuple(p.status_values.items()),
        )
        if p is not None
        else None
    )
    actions = tuple(
        _map_to_layer_names(
            Action(
                name=name,
                label=a.label or name,
                eligible=_rule(a.eligible),
                cost=a.cost,
                targets=_targets(a.targets),
                benefit=a.benefit,
                budget=a.budget,
                color=a.color,
            ),
            parcels,
        )
        for name, a in spec.actions.items()
    )
    comps = extension_components()
    scenario = Scenario(
        name=spec.name or (source.stem if source else "scenario"),
        title=spec.title,
        year=int(spec.year) if spec.year is not None else None,
        lang=spec.lang,
        description=spec.description,
        parcels=parcels,
        actions=actions,
        objective=_objective(spec.objective),
        budget_total=spec.budget.total,
        locks=_locks(spec.locks),
        solver=_solver(spec.solver),
        spatial=_spatial(spec.spatial, base_dir),
        checks=Checks(absent_values=spec.checks.absent_values),
        rules=tuple(
            (c.key, getattr(spec, c.key)) for c in comps if getattr(spec, c.key, None) is not None
        ),
        source=source,
    )
    problems = [p for c in comps for p in c.scenario_problems(scenario)]
    if problems:
        raise ScenarioError(str(source) if source else "scenario", problems)
    return scenario


def _part(model: type[_Table], table: str, data: Mapping[str, Any], context: dict[str, Any]) -> Any:
    """One table validated as if it had been read from a file (problems name ``[table]``)."""
    wrapper = create_model(f"_{table.title()}Only", __base__=_Table, **{table: (model, ...)})
    try:
        return getattr(wrapper.model_validate({table: dict(data)}, context=context), table)
    except ValidationError as exc:
        raise ScenarioError(f"[{table}]", problems_from(exc, wrapper)) from None


def solver_from_table(table: Mapping[str, Any]) -> SolverOptions:
    """Solver options from a ``[solver]``-shaped dict, validated like a file's."""
    return _solver(_part(SolverSpec, "solver", table, {}))


def locks_from_table(table: Mapping[str, Any], actions: Sequence[str]) -> Locks:
    """Locks from a ``[locks]``-shaped dict, validated like a file's."""
    return _locks(_part(LocksSpec, "locks", table, {"actions": list(actions)}))


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
