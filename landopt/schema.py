"""The scenario's TOML, declared once: structure, types, ranges, defaults and messages.

The pydantic v2 models here mirror the TOML file table for table (``[parcels]``,
``[actions.NAME]`` with its ``eligible`` rule tree and ``targets``, ``[objective]``,
``[budget]``, ``[locks]``, ``[solver]``, ``[spatial]`` with ``[[spatial.zones]]`` and
``touch``, ``[checks]``, and the tables of the rule components that own one, see
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

:func:`scenario_json_schema` gives the JSON Schema of the TOML (``landopt schema``).
"""

from __future__ import annotations

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
    _Plain,
    _raise_all,
    _suggest,
)
from landopt.scenario import (
    ABSENT_POLICIES,
    BACKENDS,
    COMPARISONS,
    MAX_WEIGHT,
    OPERATORS,
    SET_OPS,
)

__all__ = [
    "ScenarioSpec",
    "root_model",
    "scenario_json_schema",
    "scenario_json_schema_text",
]

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


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
    known_keys: ClassVar[tuple[str, ...]] = (*OPERATORS, "absent_ok")

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
    ledger: str | None = None
    """A ledger (台账) whose columns join the layer: ``.xlsx``, or ``.csv`` in UTF-8 or GBK."""
    ledger_key: str | None = None
    """The ledger's key column (default: the layer's id column, e.g. ``地块编号``)."""


class ChecksSpec(_Table):
    """``[checks]``: how strict the checks against the parcel data are."""

    absent_values: Choice(
        ABSENT_POLICIES,
        "must be one of " + ", ".join(ABSENT_POLICIES) + ", got {got}",
        'write absent_values = "allow"',
    ) = "error"
    """A rule value no parcel has: ``error``, ``warn`` (logged) or ``allow``."""


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
    ) | None = None
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
                    f"unknown time zone {v!r}",
                    'write an IANA name such as timezone = "Asia/Shanghai"',
                ) from None
        return v

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
