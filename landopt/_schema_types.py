"""The value types of the scenario schema (:mod:`landopt.schema`) and its errors.

Numbers with their ranges, words out of a few, action and zone references checked
against the validation context, rule values: each a small annotated type that validates
with landopt's own message (``what`` and ``fix``, through :func:`_error`) and writes its
JSON Schema by hand.

Every message is a catalog key (``errors.schema.*`` registered here and in
:mod:`landopt.schema`, ``errors.read.*`` in :mod:`landopt.i18n`) looked up when a value is
checked, in the language of the run (:func:`landopt.i18n.run_lang`): the same schema
speaks Chinese in a Chinese run and English otherwise. Nothing user-facing is built when
the module is imported.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from landopt._fields import CSS_COLOR_NAMES, STATUSES
from landopt.i18n import add_messages, run_lang, t
from landopt.scenario import (
    MAX_SCENARIO_NUMBER,
    _suggest,
)

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_HEX_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


def _is_color(value: str) -> bool:
    """Whether ``value`` is a colour both matplotlib and a web browser draw."""
    return bool(_HEX_COLOR_RE.match(value)) or value.lower() in CSS_COLOR_NAMES


# --------------------------------------------------------------------------- messages
add_messages(
    {
        "op_number": {
            "en": "'{key}' needs a number, got {got}",
            "zh": "'{key}' 须为数字，实为 {got}",
        },
        "op_number.fix": {"en": "write {key} = 2", "zh": "请写 {key} = 2"},
        "scalar": {
            "en": "must be a text, number or true/false value, got {got}",
            "zh": "须为文本、数字或 true/false，实为 {got}",
        },
        "scalar.fix": {"en": 'e.g. "idle" or 2', "zh": '例如 "idle" 或 2'},
        "value_list": {
            "en": "'{op}' needs a non-empty list, got {got}",
            "zh": "'{op}' 须为非空列表，实为 {got}",
        },
        "value_list.fix": {"en": 'write {op} = ["a", "b"]', "zh": '请写 {op} = ["a", "b"]'},
        "value_item": {
            "en": "must be a text or number value, got {got}",
            "zh": "须为文本或数字，实为 {got}",
        },
        "absent_ok": {
            "en": "must be true, false or a list of the rule's values, got {got}",
            "zh": "须为 true、false 或规则取值的列表，实为 {got}",
        },
        "absent_ok.fix": {"en": "write absent_ok = true", "zh": "请写 absent_ok = true"},
        "action_ref": {"en": "must name one action, got {got}", "zh": "须为一个措施名，实为 {got}"},
        "action_list": {
            "en": 'must be "all" or a list of actions, got {got}',
            "zh": '须为 "all" 或措施列表，实为 {got}',
        },
        "action_list.fix": {"en": '["upgrade"] or "all"', "zh": '例如 ["upgrade"] 或 "all"'},
        "unknown_action": {"en": "unknown action {got}", "zh": "未知的措施 {got}"},
        "unknown_action_bare": {"en": "unknown action", "zh": "未知的措施"},
        "unknown_actions": {"en": "unknown actions {got}", "zh": "未知的措施 {got}"},
        "use_some_of": {"en": "use some of {keys}", "zh": "请从以下选用：{keys}"},
        "statuses": {"en": "must list statuses, got {got}", "zh": "须列出状态，实为 {got}"},
        "codes": {"en": "must be a list of land-use codes", "zh": "须为地类代码列表"},
        "codes.fix": {
            "en": 'write around_landuse = ["0701"]',
            "zh": '请写 around_landuse = ["0701"]',
        },
        "touch_targets": {
            "en": "must list 'cleared', 'park:NAME' or 'zone:NAME', got {got}",
            "zh": "须列出 'cleared'、'park:名称' 或 'zone:名称'，实为 {got}",
        },
        "touch_targets.fix": {"en": 'write clear = ["cleared"]', "zh": '请写 clear = ["cleared"]'},
        "no_zone": {"en": "no zone named {got}", "zh": "没有名为 {got} 的区域"},
        "no_zone.fix": {
            "en": "define it in [[spatial.zones]]",
            "zh": "请在 [[spatial.zones]] 中定义它",
        },
        "not_colour": {"en": "{got} is not a colour", "zh": "{got} 不是颜色"},
        "not_colour.fix": {
            "en": 'write a hex colour such as "#D55E00" or a CSS colour name such as "orange"',
            "zh": '请写十六进制颜色（如 "#D55E00"）或 CSS 颜色名（如 "orange"）',
        },
        "action_key": {
            "en": "action name {got} must be lower-case letters, digits and _",
            "zh": "措施名 {got} 只能由小写字母、数字和 _ 组成",
        },
        "action_key.fix": {
            "en": "rename it, e.g. [actions.clear]",
            "zh": "请改名，例如 [actions.clear]",
        },
    },
    prefix="errors.schema.",
)


def _m(key: str, /, **fields: Any) -> str:
    """The text of ``errors.<key>`` in the language of the run, looked up now (at check time)."""
    text = t(f"errors.{key}", run_lang(), **fields)
    return text if fields else text.format()  # ``{{ … }}`` in a text without fields


# --------------------------------------------------------------------------- errors
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
    """A number of the scenario: its type, least value and greatest magnitude, and messages
    (``what``/``fix``: catalog keys under ``errors.``, with ``{got}`` and ``{key}``)."""

    minimum: float | None = 0.0
    maximum: float = MAX_SCENARIO_NUMBER
    integer: bool = False
    what: str = ""
    fix: str = ""

    def check(self, value: Any, info: ValidationInfo) -> Any:
        key = info.field_name or "value"
        lang = run_lang()
        if not _is_num(value, self.integer):
            kind = "int" if self.integer else "float"
            raise _error(
                t(f"errors.{self.what or f'read.{kind}'}", lang, got=repr(value), key=key),
                t(f"errors.{self.fix or f'read.{kind}.fix'}", lang, key=key),
            )
        if abs(value) > self.maximum:
            raise _error(
                t("errors.read.beyond", lang, got=repr(value), max=f"{self.maximum:g}"),
                t("errors.read.beyond.fix", lang),
            )
        if self.minimum is not None and value < self.minimum:
            bound = f"{self.minimum:g}"
            raise _error(
                t("errors.read.bound", lang, sym="≥", bound=bound, got=repr(value)),
                t("errors.read.nonneg.fix", lang)
                if self.minimum == 0
                else t("errors.read.bound.fix", lang, sym="≥", bound=bound),
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
    """The type of a scenario number (finite; ≥ ``minimum``; at most ``maximum`` in size).

    ``what`` and ``fix`` are catalog keys under ``errors.`` (default: the reader's own
    ``read.int``/``read.float``); their texts may use ``{got}`` and ``{key}``.
    """
    return Annotated[int if integer else float, _Number(minimum, maximum, integer, what, fix)]


@dataclass(frozen=True)
class _Choice:
    """One of a few words; the fix is the nearest word by default.

    ``what`` and ``fix`` are catalog keys under ``errors.``, looked up when a value is
    checked; their texts may use ``{got}`` (the value given), ``{keys}`` (the words) and
    the ``fields`` given.
    """

    values: tuple[str, ...]
    what: str
    fix: str = ""
    fields: tuple[tuple[str, str], ...] = ()

    def check(self, value: Any) -> Any:
        if isinstance(value, str) and value in self.values:
            return value
        near = _suggest(value, self.values)
        kw = {"got": repr(value), "keys": ", ".join(self.values), **dict(self.fields)}
        raise _error(_m(self.what, **kw), near or (_m(self.fix, **kw) if self.fix else ""))

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(
        self, cs: Any, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}


def Choice(values: Sequence[str], what: str, fix: str = "", **fields: str) -> Any:
    """The type of a word out of ``values``; ``what``/``fix`` are catalog keys (see
    :class:`_Choice`), ``fields`` extra values for their texts."""
    return Annotated[str, _Choice(tuple(values), what, fix, tuple(fields.items()))]


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
    raise _error(_m("schema.scalar", got=repr(value)), _m("schema.scalar.fix"))


def _value_list(value: Any, info: ValidationInfo) -> Any:
    op = info.field_name
    op = "in" if op == "in_" else op
    if not isinstance(value, list) or not value:
        raise _error(
            _m("schema.value_list", op=op, got=repr(value)), _m("schema.value_list.fix", op=op)
        )
    _raise_all(
        "values",
        [
            ((i,), v, _error(_m("schema.value_item", got=repr(v))))
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
    raise _error(_m("schema.absent_ok", got=repr(value)), _m("schema.absent_ok.fix"))


def _context_names(info: ValidationInfo, what: str) -> list[str]:
    return list((info.context or {}).get(what, ()))


def _action_ref(value: Any, info: ValidationInfo) -> Any:
    """One action of the scenario (``[locks.include]``)."""
    actions = _context_names(info, "actions")
    if not isinstance(value, str) or value not in actions:
        raise _error(
            _m("schema.action_ref", got=repr(value)),
            _suggest(value, actions) or _m("read.use_one_of", keys=", ".join(actions)),
        )
    return value


def _action_list_or_all(value: Any, info: ValidationInfo) -> Any:
    """``"all"``, one action or a list of actions (``[locks.exclude]``)."""
    actions = _context_names(info, "actions")
    if value == "all":
        return None
    acts = [value] if isinstance(value, str) else value
    if not isinstance(acts, list) or not acts:
        raise _error(_m("schema.action_list", got=repr(acts)), _m("schema.action_list.fix"))
    bad = [a for a in acts if a not in actions]
    _raise_all(
        "exclude",
        [
            (
                (),
                value,
                _error(
                    _m("schema.unknown_action", got=repr(a)),
                    _suggest(a, actions) or _m("read.use_one_of", keys=", ".join(actions)),
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
        raise _error(
            _m("schema.unknown_actions", got=repr(bad)),
            _m("schema.use_some_of", keys=", ".join(actions)),
        )
    return tuple(value)


def _statuses(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, list) or any(x not in STATUSES for x in value):
        raise _error(
            _m("schema.statuses", got=repr(value)),
            _m("schema.use_some_of", keys=", ".join(STATUSES)),
        )
    return tuple(value)


def _codes(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, list) or not all(
        isinstance(c, str | int) and not isinstance(c, bool) for c in value
    ):
        raise _error(_m("schema.codes"), _m("schema.codes.fix"))
    return tuple(str(c) for c in value)


def _touch_key(value: Any, info: ValidationInfo) -> Any:
    actions = _context_names(info, "actions")
    if value not in actions:
        raise _error(
            _m("schema.unknown_action_bare"),
            _suggest(value, actions) or _m("read.use_one_of", keys=", ".join(actions)),
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
        raise _error(_m("schema.touch_targets", got=repr(targets)), _m("schema.touch_targets.fix"))
    names = _context_names(info, "zones")
    _raise_all(
        "touch",
        [
            (
                (),
                value,
                _error(
                    _m("schema.no_zone", got=repr(t[5:])),
                    _suggest(t[5:], names) or _m("schema.no_zone.fix"),
                ),
            )
            for t in targets
            if t.startswith("zone:") and t[5:] not in names
        ],
    )
    return tuple(targets)


def _color(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, str):
        raise _error(_m("read.text", got=repr(value)), _m("read.text.fix", key="color"))
    if not _is_color(value):
        raise _error(
            _m("schema.not_colour", got=repr(value)),
            _suggest(value.lower(), sorted(CSS_COLOR_NAMES)) or _m("schema.not_colour.fix"),
        )
    return value


def _action_key(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise _error(_m("schema.action_key", got=repr(value)), _m("schema.action_key.fix"), key="")
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
