"""Reading a scenario through its schema: the one adapter and the conversion.

:func:`validate` checks a TOML-shaped dict against :func:`landopt.schema.root_model`;
:func:`problems_from` is the one adapter from pydantic's errors to landopt's
:class:`~landopt.errors.Problem` list (table and key named as the planner writes them, the
nearest valid name for an unknown key, a fix for each); :func:`scenario_from_spec` turns
the validated model into the frozen domain types of :mod:`landopt.scenario` and collects
the problems the rule components find. :func:`solver_from_table` and
:func:`locks_from_table` validate one table the same way, for variants made in code.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    Tag,
    ValidationError,
    create_model,
)

from landopt._fields import STATUS_ALIASES, STATUSES, status_key
from landopt._schema_types import (
    _suggest,
)
from landopt.errors import Problem, ScenarioError
from landopt.i18n import LANGS, current_lang, run_lang, t
from landopt.scenario import (
    COMPARISONS,
    NULL_OPS,
    SET_OPS,
    Action,
    Checks,
    Cluster,
    Condition,
    Locks,
    MapInfo,
    Objective,
    ParcelSource,
    Rule,
    Scenario,
    SolverOptions,
    Spatial,
    StoreInfo,
    Targets,
    Zone,
)
from landopt.schema import (
    AllRule,
    AnyRule,
    LocksSpec,
    NotRule,
    ObjectiveSpec,
    ScenarioSpec,
    SolverSpec,
    SpatialSpec,
    TargetsSpec,
    TrueRule,
    _Table,
    root_model,
)

__all__ = [
    "locks_from_table",
    "problems_from",
    "reading_lang",
    "scenario_from_spec",
    "solver_from_table",
    "validate",
]


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
        return _t("read.top_level")
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


def _t(msg: str, /, **fields: Any) -> str:
    """The text of ``errors.<msg>`` in the language of the run (:func:`landopt.i18n.run_lang`)."""
    text = t(f"errors.{msg}", run_lang(), **fields)
    return text if fields else text.format()  # ``{{ … }}`` in a text without fields


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
            if "key" in ctx:  # raised by a table's own check: the key is one of that table's
                table = [*table, key] if key != "" else table
                key = ctx["key"]
        elif kind == "extra_forbidden":
            model = _model_at(root, table)
            allowed = list(getattr(model, "known_keys", ()) or _keys(model))
            what = _t(getattr(model, "unknown_key", "") or "read.unknown_key")
            fix = _suggest(key, allowed) or (
                _t("read.use_one_of", keys=", ".join(allowed)) if allowed else ""
            )
        elif kind == "missing":
            model = _model_at(root, table)
            what = _t("read.missing")
            fix_key = getattr(model, "missing_fix", {}).get(key)
            fix = _t(fix_key) if fix_key else _t("read.add_key", key=key)
        elif kind in ("string_type", "str_type"):
            what, fix = _t("read.text", got=repr(value)), _t("read.text.fix", key=key)
        elif kind in ("bool_type", "bool_parsing"):
            what, fix = _t("read.bool", got=repr(value)), _t("read.bool.fix", key=key)
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            what, fix = _t("read.int", got=repr(value)), _t("read.int.fix", key=key)
        elif kind in ("float_type", "float_parsing", "finite_number"):
            what, fix = _t("read.float", got=repr(value)), _t("read.float.fix", key=key)
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            what = _t("read.table", got=type(value).__name__)
            fix = _t("read.table.fix", key=key) if key else _t("read.table.fix_nokey")
        elif kind in ("list_type", "tuple_type"):
            what, fix = _t("read.list", got=repr(value)), _t("read.list.fix", key=key)
        elif kind == "literal_error":
            allowed = [
                v.strip(" '\"")
                for v in str(ctx.get("expected", "")).replace(" or ", ",").split(",")
            ]
            what = _t("read.literal", expected=ctx.get("expected"), got=repr(value))
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
            what = _t("read.bound", sym=sym, bound=bound, got=repr(value))
            fix = _t("read.bound.fix", sym=sym, bound=bound)
        elif kind in ("string_too_short", "too_short"):
            what, fix = _t("read.empty", got=repr(value)), _t("read.empty.fix", key=key)
        elif kind in ("string_too_long", "too_long"):
            what = _t("read.too_long", msg=err["msg"].lower())
            fix = _t("read.too_long.fix", key=key)
        elif kind in ("string_pattern_mismatch", "enum"):
            what = _t("read.pattern", msg=err["msg"].lower(), got=repr(value))
            fix = _t("read.pattern.fix", key=key)
        if not fix:
            fix = _t("read.see_schema")
        out.append(Problem(_where(table), str(key), what, fix))
    return out


def _keys(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


# --------------------------------------------------------------------------- validation
@contextmanager
def reading_lang(data: Mapping[str, Any]) -> Iterator[None]:
    """Read ``data`` in the language of the run, or in its own ``lang`` when none is set.

    A library caller that sets no language (:data:`landopt.i18n.current_lang`) reads the
    problems of a scenario with ``lang = "zh"`` in Chinese, texts and framing alike; a run
    whose language is set (the CLI, from ``--lang``, ``LANDOPT_LANG``, the scenario or the
    locale) keeps it.
    """
    lang = data.get("lang") if isinstance(data, Mapping) else None
    if current_lang.get() is not None or lang not in LANGS:
        yield
        return
    token = current_lang.set(lang)
    try:
        yield
    finally:
        current_lang.reset(token)


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
        abs_gap=float(s.abs_gap),
        threads=int(s.threads) if s.threads is not None else None,
        presolve=s.presolve,
        log=s.log,
        warm_start=s.warm_start,
        isolate=s.isolate,
        windows=s.windows,
        relax_fix=s.relax_fix,
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


def _map_to_layer_names(action: Action, parcels: ParcelSource | None) -> Action:
    """The action with the planner's column names and status spellings read as landopt's.

    The layer is renamed by ``[parcels] columns`` and its statuses normalised on reading,
    so a rule on ``状态`` (mapped to ``status``) or a value ``低效`` would match nothing as
    written.
    """
    columns = dict(parcels.columns) if parcels is not None else {}
    lookup = {status_key(k): v for k, v in STATUS_ALIASES.items()}
    lookup.update({status_key(s): s for s in STATUSES})
    for k, v in parcels.status_values if parcels is not None else ():
        lookup[status_key(k)] = lookup.get(status_key(v), v)

    def status(v: Any) -> Any:
        return lookup.get(status_key(v), v) if isinstance(v, str) else v

    def cond(c: Condition) -> Condition:
        fld = columns.get(c.field, c.field)
        value, ok = c.value, c.absent_ok
        if fld == "status" and c.op in COMPARISONS[:2] + SET_OPS:
            value = tuple(map(status, value)) if c.op in SET_OPS else status(value)
            ok = tuple(map(status, ok)) if isinstance(ok, tuple) else ok
        return replace(c, field=fld, value=value, absent_ok=ok)

    def rule(r: Rule) -> Rule:
        if r.kind == "leaf":
            assert r.condition is not None
            return replace(r, condition=cond(r.condition))
        return replace(r, children=tuple(rule(ch) for ch in r.children))

    return replace(
        action,
        eligible=rule(action.eligible),
        cost=columns.get(action.cost, action.cost),
        benefit=columns.get(action.benefit, action.benefit) if action.benefit else action.benefit,
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
            path=_under(base_dir, p.path) if p.path is not None else None,
            layer=p.layer,
            encoding=p.encoding,
            crs=p.crs,
            columns=tuple(p.columns.items()),
            status_values=tuple(p.status_values.items()),
            ledger=_under(base_dir, p.ledger) if p.ledger else None,
            ledger_key=p.ledger_key,
            url=p.url,
            table=p.table,
            sql=p.sql,
            geometry_column=p.geometry_column,
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
        timezone=spec.timezone,
        description=spec.description,
        parcels=parcels,
        actions=actions,
        objective=_objective(spec.objective),
        budget_total=spec.budget.total,
        locks=_locks(spec.locks),
        solver=_solver(spec.solver),
        spatial=_spatial(spec.spatial, base_dir),
        checks=Checks(absent_values=spec.checks.absent_values),
        map=MapInfo(**spec.map.model_dump()),
        store=StoreInfo(url=spec.store.url),
        cluster=Cluster(scheduler=spec.cluster.scheduler),
        rules=tuple(
            (c.key, getattr(spec, c.key)) for c in comps if getattr(spec, c.key, None) is not None
        ),
        source=source,
    )
    problems = [p for c in comps for p in c.scenario_problems(scenario)]
    if problems:
        raise ScenarioError(str(source) if source else "scenario", problems)
    return scenario


_WRAPPERS: dict[str, type[_Table]] = {}


def _part(
    model: type[_Table],
    table: str,
    data: Mapping[str, Any],
    context: dict[str, Any],
    source: str | None = None,
) -> Any:
    """One table validated as if it had been read from a file (problems name ``[table]``)."""
    wrapper = _WRAPPERS.get(table)
    if wrapper is None:
        wrapper = _WRAPPERS[table] = create_model(
            f"_{table.title()}Only", __base__=_Table, **{table: (model, ...)}
        )
    try:
        return getattr(wrapper.model_validate({table: dict(data)}, context=context), table)
    except ValidationError as exc:
        raise ScenarioError(source or f"[{table}]", problems_from(exc, wrapper)) from None


def solver_from_table(table: Mapping[str, Any], source: str | None = None) -> SolverOptions:
    """Solver options from a ``[solver]``-shaped dict, validated like a file's.

    ``source`` names the scenario in the error (default ``[solver]``).
    """
    return _solver(_part(SolverSpec, "solver", table, {}, source))


def locks_from_table(
    table: Mapping[str, Any], actions: Sequence[str], source: str | None = None
) -> Locks:
    """Locks from a ``[locks]``-shaped dict, validated like a file's (``actions``: the
    scenario's action names; ``source`` names the scenario in the error)."""
    return _locks(_part(LocksSpec, "locks", table, {"actions": list(actions)}, source))
