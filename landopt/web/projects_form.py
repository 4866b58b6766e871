"""The scenario form's key projects: the uploaded project table and the ``[projects]`` options.

The planner uploads a project table (CSV or Excel, the columns ``[projects] path`` accepts:
:mod:`landopt.projects`). It is kept in the layer's own folder under a fixed name
(``projects/projects.csv`` or ``projects/projects.xlsx``: never a path or a name the planner
typed), at most :data:`MAX_BYTES`, its type told by its content (an Excel workbook is a zip
holding ``xl/workbook.xml``; a CSV is UTF-8 text without NUL bytes). The scenario's
``[projects] path`` then names that file by its absolute path, so the TOML the form
downloads works when it is uploaded back (and with ``landopt plan`` on the same machine).

The table is read back by landopt's own :func:`landopt.projects.read_projects`: the rows
the page shows and the named problems of a bad table (where, what, how to fix, in the
page's language) are those of the CLI. The other options of ``[projects]`` are form fields
generated from the schema (:class:`landopt.rules.projects.ProjectsSpec`): a number for a
float, a check box for a bool, a text field for a string, a check box per action for a
list of actions; ``path`` is the upload, ``list`` (projects written inline in an uploaded
TOML) and ``stock`` (a rule) are kept as they came.
"""

from __future__ import annotations

import io
import logging
import shutil
import typing
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

from landopt._atomic import atomic_file
from landopt.errors import Problem, ScenarioError
from landopt.i18n import t

__all__ = [
    "FOLDER",
    "MAX_BYTES",
    "ProjectsUploadError",
    "field_names",
    "option_fields",
    "options_from_form",
    "own_path",
    "receive_projects",
    "remove_projects",
    "table_of",
]

log = logging.getLogger(__name__)

#: The folder of a layer that holds its project table.
FOLDER = "projects"
#: Largest project table accepted (a table of key projects is a few kilobytes).
MAX_BYTES = 5 * 1024 * 1024
#: Options of ``[projects]`` that are no form field (see the module docstring).
NOT_FIELDS = ("path", "list", "stock")
#: The columns the page shows of each project, in order.
SHOWN = (
    "project_id",
    "name",
    "investment_yi",
    "mu",
    "uses",
    "parks",
    "contiguous",
    "earliest_year",
    "priority",
)


class ProjectsUploadError(ScenarioError):
    """A project table refused on upload: too big, empty, neither CSV nor Excel, or with
    bad rows."""


def _refuse(key: str, lang: str, **fields: Any) -> ProjectsUploadError:
    where = t("web.projects.where", lang)
    return ProjectsUploadError(
        where,
        [
            Problem(
                where,
                "file",
                t(f"web.projects.{key}", lang, **fields),
                t(f"web.projects.{key}.fix", lang, **fields),
            )
        ],
    )


def _kind(head: bytes, raw: bytes) -> str | None:
    """``xlsx``, ``csv`` or ``None`` from the content alone."""
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as zf:
                return "xlsx" if "xl/workbook.xml" in zf.namelist() else None
        except zipfile.BadZipFile:
            return None
    if b"\x00" in raw:
        return None
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return "csv"


def receive_projects(
    stream: BinaryIO, layer_folder: Path, *, max_bytes: int = MAX_BYTES, lang: str
) -> Path:
    """Keep an uploaded project table in ``layer_folder/projects`` (replacing the last one).

    Returns
    -------
    Path
        The stored ``projects.csv`` or ``projects.xlsx``.

    Raises
    ------
    ProjectsUploadError
        Too big, empty, neither a UTF-8 CSV nor an Excel workbook, or a table that
        :func:`landopt.projects.read_projects` refuses (its named problems): nothing is
        kept, the table kept before stays.
    """
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise _refuse("too_big", lang, mb=f"{max_bytes / 1e6:,.0f}")
    if not raw.strip():
        raise _refuse("empty", lang)
    kind = _kind(raw[:8], raw)
    if kind is None:
        raise _refuse("bad_type", lang)
    from landopt.projects import read_projects

    folder = layer_folder / FOLDER
    incoming = layer_folder / f"{FOLDER}.incoming"
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir()
    try:  # read as landopt reads it before it replaces the table kept now
        trial = incoming / f"projects.{kind}"
        trial.write_bytes(raw)
        read_projects(trial, lang=lang)
    except ScenarioError as exc:
        raise ProjectsUploadError(exc.source, exc.problems) from None
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    folder.mkdir(exist_ok=True)
    path = folder / f"projects.{kind}"
    with atomic_file(path) as tmp:
        tmp.write_bytes(raw)
    for other in folder.iterdir():
        if other != path and other.name.startswith("projects."):
            other.unlink()
    log.debug("project table kept as %s (%d bytes)", path, len(raw))
    return path


def remove_projects(layer_folder: Path) -> None:
    """Forget the layer's project table."""
    shutil.rmtree(layer_folder / FOLDER, ignore_errors=True)


def own_path(path: Any, layer_folder: Path) -> bool:
    """Whether ``path`` (a ``[projects] path``) is the project table kept for this layer:
    the only file a scenario from the web may name (an uploaded TOML's other paths are
    never opened)."""
    if not isinstance(path, str) or not path:
        return False
    p = Path(path)
    if not p.is_absolute():
        return False
    folder = (layer_folder / FOLDER).resolve()
    try:
        return p.resolve().parent == folder and p.name.startswith("projects.") and p.is_file()
    except OSError:
        return False


def _text(p: Problem, lang: str) -> str:
    from landopt.parcels.grouping import problem_text

    return problem_text(p, lang)


def table_of(data: Mapping[str, Any], lang: str) -> tuple[list[dict[str, str]], list[str]]:
    """The project table of ``data['projects']`` as the page shows it, and its problems.

    Rows are read by :func:`landopt.projects.read_projects` (``path`` or ``list``), with the
    columns :data:`SHOWN` as text (``mu`` is ``mu_min–mu_max``; lists joined by ``;``).
    The problems are those of a bad table, in ``lang``: where, what and how to fix.
    """
    from landopt.projects import read_projects

    spec = data.get("projects") or {}
    source: Any
    if spec.get("path"):
        source = Path(spec["path"])
    elif spec.get("list"):
        source = [dict(r) for r in spec["list"]]
    else:
        return [], []
    try:
        projects = read_projects(source, lang=lang)
    except ScenarioError as exc:
        return [], [_text(p, lang) for p in exc.problems]
    yes, no = t("web.projects.yes", lang), t("web.projects.no", lang)
    rows = []
    for p in projects:
        rows.append(
            {
                "project_id": p.project_id,
                "name": p.name,
                "investment_yi": f"{p.investment_yi:,.1f}",
                "mu": f"{p.mu_min:g}–{p.mu_max:g}",
                "uses": "; ".join(p.uses),
                "parks": t(
                    "web.projects.parks",
                    lang,
                    parks="; ".join(p.parks),
                    rule=t(f"web.projects.rule.{p.park_rule}", lang),
                )
                if p.parks
                else "",
                "contiguous": yes if p.contiguous else no,
                "earliest_year": "" if p.earliest_year is None else str(p.earliest_year),
                "priority": str(p.priority),
            }
        )
    return rows, []


def field_names() -> tuple[str, ...]:
    """The ``[projects]`` options that are form fields (``projects.<name>``)."""
    from landopt.rules.projects import ProjectsSpec

    return tuple(n for n in ProjectsSpec.model_fields if n not in NOT_FIELDS)


def _kind_of(annotation: Any) -> str:
    """The form field a schema annotation becomes: ``number``, ``bool``, ``text`` or
    ``actions`` (a tuple of action names)."""
    if annotation is bool:
        return "bool"
    if annotation in (float, int):
        return "number"
    if typing.get_origin(annotation) is tuple:
        return "actions"
    return "text"


def option_fields(data: Mapping[str, Any], actions: Mapping[str, str], lang: str) -> list[dict]:
    """The ``[projects]`` options as form fields, generated from the schema.

    Parameters
    ----------
    data
        The scenario dict (its ``[projects]`` values, else the schema's defaults).
    actions
        The scenario's actions (name → label), for a list of actions.
    lang
        Language of the labels.

    Returns
    -------
    list of dict
        ``name`` (form field ``projects.<name>``), ``kind``, ``label``, ``value`` (text for
        number and text, bool for bool, the chosen actions for actions), ``choices``
        (``(action, label)`` for actions).
    """
    from landopt.i18n import MESSAGES
    from landopt.rules.projects import ProjectsSpec

    spec = data.get("projects") or {}
    out = []
    for name, info in ProjectsSpec.model_fields.items():
        if name in NOT_FIELDS:
            continue
        kind = _kind_of(info.annotation)
        value = spec.get(name, info.default)
        key = f"web.projects.opt.{name}"
        label = t(key, lang) if key in MESSAGES else (info.description or name)
        field: dict[str, Any] = {"name": name, "kind": kind, "label": label}
        if kind == "number":
            field["value"] = "" if value is None else f"{float(value):g}"
        elif kind == "bool":
            field["value"] = bool(value)
        elif kind == "actions":
            field["value"] = list(value or ())
            field["choices"] = list(actions.items())
        else:
            field["value"] = "" if value is None else str(value)
        out.append(field)
    return out


def options_from_form(
    data: dict[str, Any], form: Mapping[str, str], errors: dict[str, str], lang: str
) -> None:
    """Set ``data['projects']``'s options from the form's ``projects.<name>`` fields (only
    when the scenario has projects and the form showed their fields)."""
    from landopt.rules.projects import ProjectsSpec

    spec = data.get("projects")
    if not isinstance(spec, dict) or form.get("projects.shown") != "1":
        return
    for name, info in ProjectsSpec.model_fields.items():
        if name in NOT_FIELDS:
            continue
        kind = _kind_of(info.annotation)
        field = f"projects.{name}"
        if kind == "bool":
            spec[name] = form.get(field) == "true"
        elif kind == "actions":
            actions = list(data.get("actions") or {})
            spec[name] = [a for a in actions if form.get(f"{field}.{a}") == "true"]
        elif kind == "number":
            text = (form.get(field) or "").strip().replace(",", "")
            if not text:
                spec.pop(name, None)
                continue
            try:
                spec[name] = float(text)
            except ValueError:
                errors[field] = t("web.scenario.not_a_number", lang)
        else:
            text = (form.get(field) or "").strip()
            if text:
                spec[name] = text
            else:
                spec.pop(name, None)
