"""The scenario form: a TOML-shaped dict in, form values out, and back.

The form edits a base scenario (the demo's ``data/scenarios/zhangdian-2023.toml`` with its
actions and eligibility, its 2023 targets only for the demo layer itself; or a TOML the
planner uploaded): per action its plot count and
area target (at least, or exactly), the objective, a total budget and the time limit. The
``[parcels]`` table always points at the stored layer with its column mapping. The dict is
checked by landopt itself (:func:`landopt.scenario.scenario_from_dict`, then
:func:`landopt.scenario_data.check_scenario_against` with the layer), and each problem is
put next to the form field it names.
"""

from __future__ import annotations

import copy
import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landopt._hashing import file_sha256
from landopt.errors import InputError, ParcelDataError, Problem, ScenarioError
from landopt.web import locks_map, projects_form

__all__ = [
    "ACTIONS",
    "FormResult",
    "base_scenario",
    "check",
    "form_values",
    "from_form",
    "is_demo",
    "parse_toml",
]

log = logging.getLogger(__name__)

#: The actions the form shows, in order.
ACTIONS = ("clear", "revitalize", "upgrade")
#: Form field names of the scenario keys (``where.field`` of a problem → field).
OBJECTIVES = ("min_cost", "max_benefit")


def _demo_toml() -> Path:
    import landopt

    return (
        Path(landopt.__file__).resolve().parents[1] / "data" / "scenarios" / "zhangdian-2023.toml"
    )


#: The base when no demo file is at hand (an installed package without the data folder):
#: the demo's actions with their columns and a status rule each, and no targets.
_FALLBACK: dict[str, Any] = {
    "name": "scenario",
    "lang": "zh",
    "actions": {
        "clear": {
            "label": "出清",
            "cost": "cost_clear_wan",
            "eligible": {"field": "status", "in": ["inefficient", "idle"]},
        },
        "revitalize": {
            "label": "盘活",
            "cost": "cost_revitalize_wan",
            "eligible": {"field": "status", "in": ["idle"]},
        },
        "upgrade": {
            "label": "转型升级",
            "cost": "cost_upgrade_wan",
            "eligible": {"field": "status", "in": ["inefficient", "upgrade_candidate"]},
        },
    },
    "objective": {"sense": "minimize", "terms": [{"of": "cost", "weight": 1.0}]},
}


def base_scenario(*, targets: bool = True) -> dict[str, Any]:
    """The demo scenario as a dict, or a bare one without the demo file.

    Parameters
    ----------
    targets
        Keep the demo's 2023 targets (for the demo layer); otherwise the targets are left
        for the planner to fill in (another district's numbers are not the demo's).
    """
    path = _demo_toml()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        data = copy.deepcopy(_FALLBACK)
    data.pop("parcels", None)
    if not targets:
        for spec in (data.get("actions") or {}).values():
            spec.pop("targets", None)
    return data


def is_demo(path: Path) -> bool:
    """Whether ``path`` is the demo layer, ``data/parcels.geojson`` byte for byte."""
    demo = _demo_toml().parents[1] / "parcels.geojson"
    try:
        if path.stat().st_size != demo.stat().st_size:
            return False
        return file_sha256(path) == file_sha256(demo)
    except OSError:
        return False



def parse_toml(text: str, source: str = "scenario.toml") -> dict[str, Any]:
    """A scenario TOML the planner uploaded, as a dict (its ``[parcels]`` is replaced later).

    Raises
    ------
    ScenarioError
        Not TOML (with the line and column).
    """
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        from landopt.i18n import run_lang, t

        lg = run_lang()
        raise ScenarioError(
            source,
            [
                Problem(
                    source,
                    "",
                    t("web.scenario.bad_toml", lg, error=exc),
                    t("web.scenario.bad_toml.fix", lg),
                )
            ],
        ) from None


def _targets_values(targets: Mapping[str, Any]) -> dict[str, Any]:
    count = targets.get("count", targets.get("count_min"))
    amin, amax = targets.get("area_min"), targets.get("area_max")
    exact = amin is not None and amin == amax
    return {
        "count": "" if count is None else str(count),
        "area": "" if amin is None else f"{amin:g}",
        "area_mode": "exact" if exact else "min",
    }


def form_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values for a scenario dict."""
    actions = data.get("actions") or {}
    objective = data.get("objective") or {}
    terms = objective.get("terms") or []
    sense = objective.get("sense") or (
        "maximize" if objective.get("kind") == "max_benefit" else "minimize"
    )
    of_benefit = bool(terms) and terms[0].get("of") == "benefit"
    budget = (data.get("budget") or {}).get("total")
    return {
        "name": str(data.get("name", "")),
        "actions": {
            a: {"present": a in actions, "label": (actions.get(a) or {}).get("label", a)}
            | _targets_values((actions.get(a) or {}).get("targets") or {})
            for a in ACTIONS
        },
        "objective": "max_benefit" if sense == "maximize" and of_benefit else "min_cost",
        "budget": "" if budget is None else f"{budget:g}",
        "time_limit": f"{(data.get('solver') or {}).get('time_limit', 600):g}",
        "locks": locks_map.lock_fields(data, ACTIONS),
    } | _programme_values(data)


#: Most years of a programme the form accepts.
MAX_YEARS = 10


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]}-{years[-1]}"
    return ", ".join(str(y) for y in years)


def _programme_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """``years`` (``2023-2025``) and ``year_targets`` ({year: {action: values}}) of
    ``[programme]`` and its ``[[programme.targets]]``."""
    programme = data.get("programme") or {}
    years = [int(y) for y in programme.get("years") or []]
    table: dict[int, dict[str, dict[str, str]]] = {
        y: {a: {"count": "", "area": ""} for a in ACTIONS} for y in years
    }
    for row in programme.get("targets") or []:
        y, a = row.get("year"), row.get("action")
        if y in table and a in ACTIONS:
            values = _targets_values(row)
            table[y][a] = {"count": values["count"], "area": values["area"]}
    return {"years": _years_text(years), "year_targets": table}


def _parse_years(text: str) -> list[int] | None:
    """``2023-2025`` or ``2023, 2024``: the years in order, or ``None`` when unreadable."""
    text = (text or "").strip().replace("—", "-").replace("–", "-").replace("，", ",")
    if not text:
        return []
    try:
        if "-" in text:
            lo, hi = (int(v) for v in text.split("-"))
            years = list(range(lo, hi + 1))
        else:
            years = sorted({int(v) for v in text.replace(" ", ",").split(",") if v})
    except ValueError:
        return None
    if not years or len(years) > MAX_YEARS or not all(1900 <= y <= 2200 for y in years):
        return None
    return years


def _programme_from_form(
    data: dict[str, Any], form: Mapping[str, str], errors: dict[str, str], lang: str
) -> None:
    """``[programme] years`` and its ``[[programme.targets]]`` from the years field and the
    per-year table (fields ``y2023.clear.count``, ``y2023.clear.area``); no years, no
    programme. A programme's targets are the table's: the one-year targets are dropped."""
    from landopt.i18n import t

    if "years" not in form:
        return
    years = _parse_years(form.get("years", ""))
    if years is None:
        errors["years"] = t("web.scenario.bad_years", lang, n=MAX_YEARS)
        return
    if not years:
        data.pop("programme", None)
        return
    programme = dict(data.get("programme") or {})
    programme["years"] = years
    bad = t("web.scenario.not_a_number", lang)
    bad_int = t("web.scenario.not_a_count", lang)
    rows: list[dict[str, Any]] = []
    for y in years:
        for a in ACTIONS:
            if a not in (data.get("actions") or {}):
                continue
            name = f"y{y}.{a}"
            count = _number(
                form.get(f"{name}.count", ""), f"{name}.count", errors, bad_int, integer=True
            )
            area = _number(form.get(f"{name}.area", ""), f"{name}.area", errors, bad, integer=False)
            row: dict[str, Any] = {"action": a, "year": y}
            if count is not None:
                row["count"] = count
            if area is not None:
                row["area_min"] = area
            if len(row) > 2:
                rows.append(row)
    if rows or f"y{years[0]}.{ACTIONS[0]}.count" in form:
        programme["targets"] = rows
    programme["targets"] = [r for r in programme.get("targets") or [] if r.get("year") in years]
    if not programme["targets"]:
        programme.pop("targets")
    data["programme"] = programme
    for spec in (data.get("actions") or {}).values():
        spec.pop("targets", None)


def _number(text: str, name: str, errors: dict[str, str], msg: str, *, integer: bool) -> Any:
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        errors[name] = msg
        return None
    if integer:
        if value != int(value):
            errors[name] = msg
            return None
        return int(value)
    return value


def from_form(
    base: Mapping[str, Any], form: Mapping[str, str], parcels: Mapping[str, Any], lang: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The scenario dict the form describes, on top of ``base``; and the fields it could
    not read (form field → message)."""
    from landopt.i18n import t

    data = copy.deepcopy(dict(base))
    errors: dict[str, str] = {}
    bad = t("web.scenario.not_a_number", lang)
    bad_int = t("web.scenario.not_a_count", lang)
    if form.get("name", "").strip():
        data["name"] = form["name"].strip()
    data["lang"] = lang
    data["parcels"] = dict(parcels)
    for a in ACTIONS:
        spec = (data.get("actions") or {}).get(a)
        if spec is None:
            continue
        count = _number(form.get(f"{a}.count", ""), f"{a}.count", errors, bad_int, integer=True)
        area = _number(form.get(f"{a}.area", ""), f"{a}.area", errors, bad, integer=False)
        targets: dict[str, Any] = {}
        if count is not None:
            targets["count"] = count
        if area is not None:
            targets["area_min"] = area
            if form.get(f"{a}.area_mode") == "exact":
                targets["area_max"] = area
        spec["targets"] = targets
        if not targets:
            spec.pop("targets")
    if form.get("objective") == "max_benefit":
        data["objective"] = {"sense": "maximize", "terms": [{"of": "benefit", "weight": 1.0}]}
    elif form.get("objective") == "min_cost":
        data["objective"] = {"sense": "minimize", "terms": [{"of": "cost", "weight": 1.0}]}
    budget = _number(form.get("budget", ""), "budget", errors, bad, integer=False)
    if budget is None:
        data.pop("budget", None)
    else:
        data["budget"] = {"total": budget}
    limit = _number(form.get("time_limit", ""), "time_limit", errors, bad, integer=False)
    if limit is not None:
        data.setdefault("solver", {})["time_limit"] = limit
    _programme_from_form(data, form, errors, lang)
    projects_form.options_from_form(data, form, errors, lang)
    errors.update(locks_map.locks_from_form(data, form, ACTIONS, lang))
    return data, errors


@dataclass
class FormResult:
    """What landopt says of a scenario dict: problems by form field, and the rest."""

    by_field: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem at all."""
        return not self.by_field and not self.general


def _field_of(p: Problem, data: Mapping[str, Any] | None = None) -> str | None:
    """The form field a problem names: ``[actions.clear.targets]`` ``count`` → ``clear.count``;
    ``[locks]`` with a parcel id → the lock field holding that id."""
    where = p.where.strip("[]")
    if where.split(".")[0] == "locks":
        return locks_map.field_of_lock(data or {}, str(p.field))
    key = f"{where}.{p.field}" if p.field else where
    parts = key.split(".")
    if parts[0].startswith("programme"):
        return "years"
    if parts[0] == "actions" and len(parts) >= 2 and parts[1] in ACTIONS:
        a = parts[1]
        rest = parts[2:]
        if rest[:1] == ["targets"]:
            rest = rest[1:]
        if rest and rest[0].startswith("count"):
            return f"{a}.count"
        if rest and rest[0].startswith("area"):
            return f"{a}.area"
        return f"{a}.count"
    if parts[0] == "budget":
        return "budget"
    if parts[0] == "projects":
        named = len(parts) > 1 and parts[1] in projects_form.field_names()
        return f"projects.{parts[1]}" if named else "projects"
    if parts[0] == "objective":
        return "objective"
    if parts[0] == "solver" and "time_limit" in parts:
        return "time_limit"
    return None


def _text(p: Problem, lang: str) -> str:
    from landopt.parcels.grouping import problem_text

    return problem_text(p, lang)


def check(data: Mapping[str, Any], layer: Any, base_dir: Path, lang: str) -> FormResult:
    """Check a scenario dict as landopt would before solving: its schema, then against the
    layer. Every problem is placed on the form field it names, or listed above the form."""
    from landopt.i18n import current_lang, set_current_lang
    from landopt.scenario import scenario_from_dict
    from landopt.scenario_data import check_scenario_against

    result = FormResult()
    problems: list[Problem] = []
    token_lang = current_lang.get()
    set_current_lang(lang)
    try:
        try:
            scenario = scenario_from_dict(data, base_dir=base_dir)
        except ScenarioError as exc:
            problems = exc.problems
            scenario = None
        # a bad project table: its rows' problems go next to the projects section, once
        _, table_problems = projects_form.table_of(data, lang)
        if table_problems:
            result.by_field["projects"] = list(table_problems)
        if scenario is not None and not table_problems:
            try:
                parcels = layer.read(lang)
            except ParcelDataError as exc:
                problems = [p for p in exc.problems if p.severity == "error"]
            except InputError as exc:
                result.general.append(str(exc))
            else:
                try:
                    problems = [
                        p
                        for p in check_scenario_against(scenario, parcels)
                        if p.severity == "error"
                    ]
                except ScenarioError as exc:  # a table the scenario names, read as it checks
                    problems = list(exc.problems)
        for p in problems:
            name = _field_of(p, data)
            if name is None:
                result.general.append(_text(p, lang))
            else:
                result.by_field.setdefault(name, []).append(_text(p, lang))
    finally:
        set_current_lang(token_lang)
    return result


# ----------------------------------------------------------------------------- target sweep
#: Fewest and most points of a sweep the form accepts.
SWEEP_STEPS = (2, 50)


def sweep_keys(data: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The targets a sweep may vary, as (TOML key, words): each action's plot count and
    least area, and the total budget."""
    from landopt.i18n import t

    out: list[tuple[str, str]] = []
    actions = data.get("actions") or {}
    for a in ACTIONS:
        if a not in actions:
            continue
        label = (actions.get(a) or {}).get("label", a)
        out.append(
            (f"actions.{a}.targets.area_min", t("web.sweep.key.area_min", lang, action=label))
        )
        out.append((f"actions.{a}.targets.count", t("web.sweep.key.count", lang, action=label)))
    out.append(("budget.total", t("web.sweep.key.budget", lang)))
    return out


def sweep_from_form(
    data: Mapping[str, Any], form: Mapping[str, str], lang: str
) -> tuple[dict[str, Any], dict[str, list[float]], dict[str, str]]:
    """The scenario to sweep, the values to vary (``{key: values}``) and the sweep fields
    it could not read (field → message).

    The points are ``steps`` equal steps from ``from`` to ``to`` (both included); plot counts
    are rounded to whole plots, repeats dropped. Sweeping an action's least area frees its
    upper bound (an "exactly" area would make every larger point infeasible).
    """
    import numpy as np

    from landopt.i18n import t

    errors: dict[str, str] = {}
    keys = dict(sweep_keys(data, lang))
    key = (form.get("sweep.key") or "").strip()
    if key not in keys:
        errors["sweep.key"] = t("web.sweep.bad_key", lang)
    need = t("web.sweep.need_number", lang)
    bad = t("web.scenario.not_a_number", lang)
    lo = _number(form.get("sweep.from", ""), "sweep.from", errors, bad, integer=False)
    hi = _number(form.get("sweep.to", ""), "sweep.to", errors, bad, integer=False)
    steps = _number(
        form.get("sweep.steps", ""),
        "sweep.steps",
        errors,
        t("web.scenario.not_a_count", lang),
        integer=True,
    )
    for name, value in (("sweep.from", lo), ("sweep.to", hi), ("sweep.steps", steps)):
        if value is None and name not in errors:
            errors[name] = need
    if lo is not None and lo < 0:
        errors["sweep.from"] = t("web.sweep.negative", lang)
    if lo is not None and hi is not None and hi <= lo and "sweep.from" not in errors:
        errors["sweep.to"] = t("web.sweep.bad_range", lang)
    if steps is not None and not SWEEP_STEPS[0] <= steps <= SWEEP_STEPS[1]:
        errors["sweep.steps"] = t("web.sweep.bad_steps", lang, lo=SWEEP_STEPS[0], hi=SWEEP_STEPS[1])
    out = copy.deepcopy(dict(data))
    if errors:
        return out, {}, errors
    values = [float(v) for v in np.linspace(float(lo), float(hi), int(steps))]
    if key.endswith(".count"):
        values = sorted({float(round(v)) for v in values})
    parts = key.split(".")
    if parts[0] == "actions":
        targets = out["actions"][parts[1]].setdefault("targets", {})
        if parts[3] == "area_min":
            targets.pop("area_max", None)
    return out, {key: values}, errors
