"""The record of what was done: an earlier plan folder read as the deeds of past years.

A rolling re-plan (``landopt plan 2024-2025.toml --done plan-2023/``, or ``[programme]
done = "plan-2023/"`` in the scenario; the command line wins) fixes what an earlier plan
says was done and plans the remaining years. :func:`read_done` reads that folder against
the NEW scenario and parcel layer and returns a :class:`Done`: one :class:`DoneEntry` per
action started before the programme's first year. The model applies it (duck-typed, from
``Prepared.done``).

What the record is
------------------
The ``plan.gpkg`` an earlier ``landopt plan`` wrote, with the planner's column names and
status values restored (:mod:`landopt.parcels.layout`): its layout (in the layer's
metadata, or found by the names and the scenario's ``[parcels] columns``) maps them back to
landopt's fields, so parcels are matched by the id column exactly as the plan wrote it.
Of its columns it reads:

- ``action`` / ``action_label`` (措施代码 / 措施): the first action. The planner may have
  edited either to what really happened: an action's name (``clear``) or its label
  (``出清``); ``none`` or ``无`` for nothing. An empty cell says nothing either way, so
  the two columns must not say different things: a plan writes ``none`` and an empty
  label for a parcel without an action, and ``none`` beside an edited ``出清`` is
  ambiguous (edit both, or empty the one not edited).
- ``year``: the year the first action started. A plan without year columns is read when
  its ``run.json`` says it was a one-year scenario with ``year = 2023``: every action is
  then of 2023 (so today's one-year plan can seed a 2024–2025 programme).
- ``action2`` / ``action2_label`` and ``year2``: the second step of a sequence
  (clear → revitalize), when present.

Only entries that started before the programme's first year are done; later ones were
plans, not deeds, and are ignored (one log line says how many).

Checks (every problem is collected, and one :class:`DoneError` lists them all; many
parcels with the same problem are one line, naming a few and "and N more"): the folder
or its plan.gpkg missing or unreadable; a record from another parcel layer (no id in
common: one error); ids not in the new layer; ids twice in the record; an unknown action
(the valid names and labels listed); the two action columns disagreeing; a year that is
not an integer, or missing; a second step without a first, with ``year2 <= year``, or
that is not the ``then`` of a sequence whose ``first`` is the parcel's action; a done
parcel that the new scenario locks into another action (or out of its done one). A done
parcel whose status in the new layer is still the status the record shows (the layer was
not updated since) is a warning, not an error: logged, and kept in ``Done.warnings``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from landopt.errors import InputError, Problem, _format_problems
from landopt.i18n import MESSAGES, add_messages, run_lang, t

__all__ = ["Done", "DoneEntry", "DoneError", "done_folder", "read_done", "sequences"]

log = logging.getLogger(__name__)

add_messages(
    {
        "frame.one": {
            "en": "1 problem in the record of what was done, {source}:",
            "zh": "已完成记录 {source} 中有 1 处问题：",
        },
        "frame.many": {
            "en": "{n} problems in the record of what was done, {source}:",
            "zh": "已完成记录 {source} 中有 {n} 处问题：",
        },
        "where.parcel": {"en": "parcel {ids}", "zh": "地块 {ids}"},
        "where.parcels": {"en": "parcels {ids}", "zh": "地块 {ids}"},
        "where.more": {"en": "{ids} and {k} more", "zh": "{ids} 及另外 {k} 宗"},
        "fix.folder": {
            "en": "point --done (or [programme] done) at a folder an earlier 'landopt plan' "
            "wrote: it holds plan.gpkg and run.json",
            "zh": "--done（或 [programme] done）应指向此前 landopt plan 输出的文件夹"
            "（其中有 plan.gpkg 和 run.json）",
        },
        "no_folder": {"en": "folder {path} not found", "zh": "找不到文件夹 {path}"},
        "no_gpkg": {"en": "{path} has no plan.gpkg", "zh": "{path} 中没有 plan.gpkg"},
        "unreadable": {"en": "cannot read {path}: {error}", "zh": "无法读取 {path}：{error}"},
        "unreadable_fix": {
            "en": "restore the file as 'landopt plan' wrote it (or re-run that plan)",
            "zh": "请恢复 landopt plan 输出的原文件（或重新运行该方案）",
        },
        "no_column": {
            "en": "plan.gpkg has no {what} column (it has {columns})",
            "zh": "plan.gpkg 没有{what}字段（现有字段：{columns}）",
        },
        "no_column_fix": {
            "en": "keep the id and action columns 'landopt plan' wrote ({names})",
            "zh": "请保留 landopt plan 写出的编号和措施字段（{names}）",
        },
        "col.id": {"en": "parcel id", "zh": "地块编号"},
        "col.action": {"en": "action", "zh": "措施"},
        "other_layer": {
            "en": "none of its {n} parcel ids is in the new parcel layer (record: {ours}; "
            "layer: {theirs})",
            "zh": "其 {n} 个地块编号在新地块图层中一个也没有（记录：{ours}；图层：{theirs}）",
        },
        "other_layer_fix": {
            "en": "the record is from another parcel layer, or the id column is mapped "
            "differently: check [parcels] columns of both scenarios",
            "zh": "该记录来自另一个地块图层，或编号字段的映射不同：请核对两个情景的 [parcels] columns",
        },
        "missing": {
            "en": "done ({what}) but not in the new parcel layer",
            "zh": "已实施（{what}），但新地块图层中没有该地块",
        },
        "missing_fix": {
            "en": "add the parcel to the layer, or set its action to none if it was not done",
            "zh": "请在图层中补上该地块；若并未实施，请将其措施改为 none（无）",
        },
        "duplicate": {
            "en": "in the record more than once ({n} rows)",
            "zh": "在记录中出现不止一次（共 {n} 行）",
        },
        "duplicate_fix": {
            "en": "keep one row per parcel",
            "zh": "每宗地块只保留一行",
        },
        "unknown_action": {
            "en": "'{value}' is not an action of the scenario",
            "zh": "'{value}' 不是本情景的措施",
        },
        "unknown_action_fix": {
            "en": "write one of {valid}, or none (无, empty) for nothing",
            "zh": "请填写以下之一：{valid}；未实施填 none（无，或留空）",
        },
        "disagree": {
            "en": "{label_col} says '{label}' but {code_col} says '{code}'",
            "zh": "{label_col} 为 '{label}'，而 {code_col} 为 '{code}'",
        },
        "disagree_fix": {
            "en": "make the two columns say the same (or empty one of them)",
            "zh": "请使两列一致（或清空其中一列）",
        },
        "bad_year": {
            "en": "year '{value}' is not an integer",
            "zh": "年份 '{value}' 不是整数",
        },
        "no_year": {
            "en": "has an action but no year",
            "zh": "有措施但没有年份",
        },
        "year_fix": {
            "en": "write the year the action started, e.g. 2023",
            "zh": "请填写措施开始的年份，如 2023",
        },
        "second_alone": {
            "en": "a second step ({action}) without a first action",
            "zh": "有第二步（{action}）却没有第一步措施",
        },
        "second_alone_fix": {
            "en": "fill in the first action, or empty the second step",
            "zh": "请补填第一步措施，或清空第二步",
        },
        "year2_order": {
            "en": "second step in {year2}, not after the first ({year})",
            "zh": "第二步年份 {year2} 不晚于第一步（{year}）",
        },
        "year2_order_fix": {
            "en": "the second step of a sequence starts in a later year than the first",
            "zh": "序列的第二步须晚于第一步开始",
        },
        "not_sequence": {
            "en": "{then} after {first} is not a sequence of the scenario ({sequences})",
            "zh": "{first} 之后{then}不是本情景的措施序列（{sequences}）",
        },
        "not_sequence_fix": {
            "en": "correct the second step, or add the sequence to [[programme.sequences]]",
            "zh": "请更正第二步，或在 [[programme.sequences]] 中加入该序列",
        },
        "no_sequences": {"en": "none", "zh": "无"},
        "no_year_column": {
            "en": "plan.gpkg has no year column and run.json does not name one year",
            "zh": "plan.gpkg 没有年份字段，run.json 也未写明单一年份",
        },
        "no_year_column_fix": {
            "en": "add a column year (the year each action started), or keep run.json beside it",
            "zh": "请添加 year 字段（各措施开始的年份），或保留其旁边的 run.json",
        },
        "no_first_year": {
            "en": "the scenario names no year to re-plan from",
            "zh": "情景未写明从哪一年起重新规划",
        },
        "no_first_year_fix": {
            "en": "add [programme] years = [2024, 2025] (or year = 2024)",
            "zh": "请添加 [programme] years = [2024, 2025]（或 year = 2024）",
        },
        "lock": {
            "en": "done ({done}), but the scenario locks it: {lock}",
            "zh": "已实施（{done}），但情景锁定：{lock}",
        },
        "lock_fix": {
            "en": "remove the lock, or correct the record",
            "zh": "请删除该锁定，或更正记录",
        },
        "lock.in": {"en": "[locks] forces {action}", "zh": "[locks] 锁定为{action}"},
        "lock.out": {"en": "[locks] keeps it out of {action}", "zh": "[locks] 不得{action}"},
        "lock.year": {
            "en": "[programme.locks] {action} in {year}",
            "zh": "[programme.locks] {year} 年{action}",
        },
        "stale": {
            "en": "done, but the new layer still has the status the record shows "
            "(e.g. {done}: still '{status}')",
            "zh": "已实施，但新图层中的状态仍与记录相同（如 {done}：仍为 '{status}'）",
        },
        "stale_fix": {
            "en": "update the parcel layer to what was done (or correct the record)",
            "zh": "请按实施情况更新地块图层（或更正记录）",
        },
        "did": {"en": "{action} in {year}", "zh": "{year} 年{action}"},
        "read": {
            "en": "{source}: {n} actions done before {year} ({parcels} parcels)",
            "zh": "{source}：{year} 年前已实施 {n} 项措施（{parcels} 宗地块）",
        },
        "ignored": {
            "en": "{source}: {n} entries of {year} or later are plans, not deeds: ignored",
            "zh": "{source}：{n} 项 {year} 年及以后的措施只是计划，并未实施，已忽略",
        },
        "none_before": {
            "en": "none of its {n} actions started before {year}: nothing is fixed",
            "zh": "其 {n} 项措施均不早于 {year} 年开始：没有需要固定的措施",
        },
        "none_before_fix": {
            "en": "check [programme] years (the re-plan starts after the record's years)",
            "zh": "请检查 [programme] years（重新规划应从记录年份之后开始）",
        },
        "absent_ids": {
            "en": "{source}: {n} parcels of the record without an action are not in the new "
            "layer (ignored)",
            "zh": "{source}：记录中 {n} 宗未实施的地块不在新图层中（已忽略）",
        },
    },
    prefix="done.",
)

#: Ids a grouped problem names before "and N more".
EXAMPLES = 5
#: Values that mean "no action".
NOTHING = frozenset({"", "none", "无", "(empty)", "nan", "<na>", "null", "-"})
#: Result fields of a programme plan beyond :data:`landopt.parcels.layout.RESULT_FIELDS`.
PROGRAMME_FIELDS = ("year", "year_end", "action2", "action2_label", "year2", "stock")


class DoneEntry(NamedTuple):
    """One action done before the programme: where, what, when, and which step."""

    #: position of the parcel in the NEW parcel layer
    row: int
    parcel_id: str
    action: str
    year: int
    #: 0: the first action; 1: the second step of a sequence
    stage: int


@dataclass(frozen=True)
class Done:
    """The deeds of an earlier plan, read against the new scenario and layer.

    Attributes
    ----------
    source
        The folder (or plan.gpkg) the record was read from.
    entries
        One entry per action started before ``before``, in the layer's row order.
    before
        The programme's first year: entries are of earlier years.
    warnings
        Problems of severity ``"warning"`` (the layer not updated since the record).
    """

    source: str
    entries: tuple[DoneEntry, ...]
    before: int | None = None
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    def __len__(self) -> int:
        return len(self.entries)

    def by_row(self) -> dict[int, tuple[DoneEntry, ...]]:
        """The entries of each parcel (row in the new layer), first action first."""
        out: dict[int, list[DoneEntry]] = {}
        for e in sorted(self.entries, key=lambda e: (e.row, e.stage)):
            out.setdefault(e.row, []).append(e)
        return {r: tuple(v) for r, v in out.items()}

    @property
    def rows(self) -> np.ndarray:
        """The rows (in the new layer) with at least one done entry, sorted."""
        return np.unique(np.array([e.row for e in self.entries], dtype=np.int64))

    def frame(self) -> pd.DataFrame:
        """The entries as a table (row, parcel_id, action, year, stage)."""
        return pd.DataFrame(list(self.entries), columns=list(DoneEntry._fields))


class DoneError(InputError):
    """The record of what was done cannot be used; ``problems`` lists every problem."""

    def __init__(self, source: str, problems: Sequence[Problem]):
        self.source = source
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        n = len(errors)
        header = t(f"done.frame.{'one' if n == 1 else 'many'}", run_lang(), source=source, n=n)
        super().__init__(_format_problems(header, errors))


# ----------------------------------------------------------------------------------------
# the scenario's side (read duck-typed: the programme's Spec belongs to its component)
# ----------------------------------------------------------------------------------------


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


def sequences(scenario: Any) -> tuple[tuple[str, str], ...]:
    """The (first, then) pairs of the scenario's programme.

    ``[[programme.sequences]]`` when given (``[]``: none); by default clear → revitalize
    when the scenario has both actions.
    """
    seqs = _get(scenario.rule("programme"), "sequences")
    if seqs is None:
        names = set(scenario.action_names)
        return (("clear", "revitalize"),) if {"clear", "revitalize"} <= names else ()
    return tuple((str(_get(s, "first")), str(_get(s, "then"))) for s in seqs)


def first_year(scenario: Any) -> int | None:
    """The programme's first year (``[programme] years[0]``), else the scenario's ``year``."""
    years = _get(scenario.rule("programme"), "years")
    if years:
        return int(next(iter(years)))
    return int(scenario.year) if scenario.year is not None else None


def done_folder(scenario: Any) -> Path | None:
    """``[programme] done`` of the scenario, relative to the scenario file; None when unset."""
    value = _get(scenario.rule("programme"), "done")
    if not value:
        return None
    path = Path(str(value))
    if not path.is_absolute() and scenario.source is not None:
        path = Path(scenario.source).parent / path
    return path


# ----------------------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------------------


def read_done(folder: str | Path, scenario: Any, parcels: pd.DataFrame) -> Done:
    """Read an earlier plan folder as what was done before the scenario's programme.

    Parameters
    ----------
    folder
        The folder an earlier ``landopt plan`` wrote (or its ``plan.gpkg``).
    scenario
        The NEW scenario (its actions, sequences, locks and first year).
    parcels
        The NEW parcel layer, as read (canonical ``parcel_id`` and ``status``).

    Returns
    -------
    Done
        The entries started before the programme's first year.

    Raises
    ------
    DoneError
        Every problem found, listed once (see the module docstring).
    """
    lang = scenario.lang
    path = Path(folder)
    source = str(path)
    fix = t("done.fix.folder", lang)
    if not path.exists():
        raise DoneError(source, [Problem(source, "", t("done.no_folder", lang, path=path), fix)])
    gpkg = path if path.is_file() else path / "plan.gpkg"
    base = gpkg.parent
    if not gpkg.exists():
        raise DoneError(source, [Problem(source, "", t("done.no_gpkg", lang, path=path), fix)])
    run = _read_run(base / "run.json", source, lang)
    mapping = {}
    if scenario.parcels is not None:
        mapping.update(dict(scenario.parcels.columns))
    mapping.update(_get(_get(run.get("scenario"), "parcels"), "columns") or {})
    record, names = _read_record(gpkg, run, mapping, source, lang)

    problems: list[Problem] = []
    for fld, what in (("parcel_id", "col.id"), ("action", "col.action")):
        if fld not in record.columns:
            shown = t("cli.list_sep", lang).join(map(str, [c for c in record.columns][:12]))
            wanted = t("cli.list_sep", lang).join(_written_names(fld, names))
            problems.append(
                Problem(
                    str(gpkg),
                    "",
                    t("done.no_column", lang, what=t(f"done.{what}", lang), columns=shown),
                    t("done.no_column_fix", lang, names=wanted),
                )
            )
    if problems:
        raise DoneError(source, problems)
    return _entries(record, names, run, scenario, parcels, source, lang)


def _read_run(path: Path, source: str, lang: str | None) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        what = t("done.unreadable", lang, path=path, error=exc)
        raise DoneError(
            source, [Problem(str(path), "", what, t("done.unreadable_fix", lang))]
        ) from None
    return run if isinstance(run, dict) else {}


def _read_record(
    gpkg: Path, run: Mapping[str, Any], mapping: Mapping[str, str], source: str, lang: str | None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """plan.gpkg in landopt's fields, and each field → the name it has in the file."""
    import geopandas as gpd
    import pyogrio

    from landopt.parcels.layout import from_planner_layer, guess_layout, read_layout

    try:
        layers = [str(x[0]) for x in pyogrio.list_layers(gpkg)]
        layer_name = "plan" if "plan" in layers else layers[0]
        table = pyogrio.read_dataframe(gpkg, layer=layer_name, read_geometry=False)
        # the shapes are not needed (a third of the reading time at 100k): an empty geometry
        layer = gpd.GeoDataFrame(
            table, geometry=gpd.GeoSeries(np.full(len(table), None), index=table.index)
        )
        layout = read_layout(pyogrio.read_info(gpkg, layer=layer_name))
    except (OSError, ValueError, IndexError, RuntimeError) as exc:  # pyogrio's errors are these
        what = t("done.unreadable", lang, path=gpkg, error=exc)
        raise DoneError(
            source, [Problem(str(gpkg), "", what, t("done.unreadable_fix", lang))]
        ) from None
    columns = [str(c) for c in layer.columns if c != layer.geometry.name]
    if layout is None:  # metadata lost: by the names, in the plan's language first
        plan_lang = _get(run.get("scenario"), "lang")
        for lg in dict.fromkeys([plan_lang, "zh", "en"]):
            layout = guess_layout(columns, lg, mapping)
            if layout is not None:
                break
    if layout is None and "parcel_id" not in columns and mapping:
        inverse = {src: fld for src, fld in mapping.items() if src in columns}
        layout = {"version": 1, "columns": inverse, "results": {}}
    names: dict[str, str] = {c: c for c in columns}
    if layout is not None:
        status_values = _get(_get(run.get("scenario"), "parcels"), "status_values")
        values = {str(k): str(v) for k, v in (status_values or {}).items()}
        record = pd.DataFrame(from_planner_layer(layer, layout, values or None))
        names = {}
        for col, fld in {**layout.get("columns", {}), **layout.get("results", {})}.items():
            if col in columns:
                names.setdefault(str(fld), str(col))
    else:
        from landopt.parcels.validate import _check_ids

        record = pd.DataFrame(layer.drop(columns=layer.geometry.name))
        if "parcel_id" in record.columns:  # ids as on reading (1.0 -> "1")
            record["parcel_id"] = _check_ids(record, [])[0].to_numpy(dtype=object)
    # a programme plan's columns, when another tool dropped the layout: by their names
    for fld in PROGRAMME_FIELDS:
        key = f"columns.{fld}"
        if fld in record.columns or key not in MESSAGES:
            continue
        for lg in ("zh", "en"):
            written = t(key, lg)
            if written in record.columns:
                record = record.rename(columns={written: fld})
                names[fld] = written
                break
    return record.reset_index(drop=True), names


def _written_names(fld: str, names: Mapping[str, str]) -> list[str]:
    if fld in names:
        return [names[fld]]
    return list(
        dict.fromkeys(
            [fld, *(t(f"columns.{fld}", lg) for lg in ("zh", "en") if f"columns.{fld}" in MESSAGES)]
        )
    )


# ----------------------------------------------------------------------------------------
# the entries and their checks
# ----------------------------------------------------------------------------------------


def _ids_text(ids: Sequence[str], lang: str | None) -> str:
    sep = t("cli.list_sep", lang)
    shown = sep.join(map(str, ids[:EXAMPLES]))
    more = len(ids) - EXAMPLES
    return t("done.where.more", lang, ids=shown, k=f"{more:,}") if more > 0 else shown


def _where(ids: Sequence[str], lang: str | None) -> str:
    key = "done.where.parcel" if len(ids) == 1 else "done.where.parcels"
    return t(key, lang, ids=_ids_text(list(ids), lang))


class _Collect:
    """Problems grouped by (kind, what): one Problem naming a few parcels each."""

    def __init__(self, lang: str | None):
        self.lang = lang
        self.groups: dict[tuple[str, str, str, str], list[str]] = {}

    def add(
        self, ids: Iterable[Any], field_: str, what: str, fix: str, severity: str = "error"
    ) -> None:
        ids = [str(i) for i in ids]
        if ids:
            self.groups.setdefault((field_, what, fix, severity), []).extend(ids)

    def problems(self) -> list[Problem]:
        return [
            Problem(_where(list(dict.fromkeys(ids)), self.lang), fld, what, fix, severity)  # type: ignore[arg-type]
            for (fld, what, fix, severity), ids in self.groups.items()
        ]


def _action_lookup(scenario: Any) -> dict[str, str]:
    """Every spelling of an action that the record may hold → its name."""
    out: dict[str, str] = {}
    for a in scenario.actions:
        for s in (a.name, a.label, a.name.lower(), a.label.lower()):
            if s:
                out.setdefault(str(s).strip(), a.name)
    return out


def _text(values: pd.Series) -> pd.Series:
    """The cells as stripped text ('' where empty)."""
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def _clean(values: pd.Series) -> pd.Series:
    """The cells as stripped text, '' where empty or a word for nothing (none, 无)."""
    s = _text(values)
    return s.where(~s.str.lower().isin(NOTHING), "")


#: An explicit "nothing" (none, 无) in an action column, as against an empty cell.
_NONE = "\0none"


def _resolve(
    record: pd.DataFrame,
    code_fld: str,
    label_fld: str,
    lookup: Mapping[str, str],
    names: Mapping[str, str],
    ids: np.ndarray,
    bad: _Collect,
    valid: str,
    lang: str | None,
) -> np.ndarray:
    """The action name per row from the code and label columns ('' for none).

    An empty cell says nothing; ``none`` / ``无`` says "no action". The two columns
    must not say different things (``措施代码`` none and ``措施`` 出清 is ambiguous:
    which one did the planner edit?); one of them empty, the other is taken.
    """
    n = len(record)
    got: dict[str, np.ndarray] = {}
    raws: dict[str, np.ndarray] = {}
    for fld in (code_fld, label_fld):
        if fld not in record.columns:
            continue
        raw = _text(record[fld]).to_numpy(dtype=object)
        raws[fld] = raw
        mapped = np.array(
            [
                ""
                if not v
                else _NONE
                if v.lower() in NOTHING
                else lookup.get(v, lookup.get(v.lower()))
                for v in raw
            ],
            dtype=object,
        )
        unknown = np.array([m is None for m in mapped], dtype=bool)
        col = names.get(fld, fld)
        for value in pd.unique(raw[unknown]):
            rows = unknown & (raw == value)
            bad.add(
                ids[rows],
                col,
                t("done.unknown_action", lang, value=value),
                t("done.unknown_action_fix", lang, valid=valid),
            )
        mapped[unknown] = ""
        got[fld] = mapped
    code = got.get(code_fld, np.full(n, "", dtype=object))
    label = got.get(label_fld, np.full(n, "", dtype=object))
    both = (code != "") & (label != "") & (code != label)
    if both.any():
        code_col, label_col = names.get(code_fld, code_fld), names.get(label_fld, label_fld)
        pairs = pd.DataFrame(
            {"c": raws[code_fld][both], "l": raws[label_fld][both], "id": ids[both]}
        )
        for (c, lab), grp in pairs.groupby(["c", "l"], sort=False):
            bad.add(
                grp["id"],
                label_col,
                t("done.disagree", lang, label_col=label_col, label=lab, code_col=code_col, code=c),
                t("done.disagree_fix", lang),
            )
    out = np.where(code != "", code, label)
    out[both | (out == _NONE)] = ""  # a disagreement is reported
    return out.astype(object)


def _years(
    record: pd.DataFrame,
    fld: str,
    has: np.ndarray,
    names: Mapping[str, str],
    ids: np.ndarray,
    bad: _Collect,
    lang: str | None,
) -> np.ndarray:
    """The integer years of ``fld`` (-1 where missing or not an integer; reported where ``has``)."""
    raw = _clean(record[fld]) if fld in record.columns else pd.Series("", index=record.index)
    num = pd.to_numeric(raw.str.removesuffix("年"), errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(num) & (num == np.round(num))
    years = np.where(ok, np.nan_to_num(num, nan=-1), -1).astype(np.int64)
    col = names.get(fld, fld)
    empty = (raw == "").to_numpy()
    bad.add(ids[has & empty], col, t("done.no_year", lang), t("done.year_fix", lang))
    wrong = has & ~empty & ~ok
    for value in pd.unique(raw[wrong]):
        rows = wrong & (raw == value).to_numpy()
        bad.add(ids[rows], col, t("done.bad_year", lang, value=value), t("done.year_fix", lang))
    return years


def _entries(
    record: pd.DataFrame,
    names: dict[str, str],
    run: Mapping[str, Any],
    scenario: Any,
    parcels: pd.DataFrame,
    source: str,
    lang: str | None,
) -> Done:
    bad = _Collect(lang)
    file_problems: list[Problem] = []
    sep = t("cli.list_sep", lang)
    ids = _clean(record["parcel_id"]).to_numpy(dtype=object)  # (Arrow strings: slow isin)
    new_ids = parcels["parcel_id"].astype(str).str.strip().to_numpy(dtype=object)
    first_of = pd.Index(new_ids)
    if not first_of.is_unique:
        first_of = first_of[~first_of.duplicated()]
    pos = first_of.get_indexer(ids)
    row_at = np.flatnonzero(~pd.Index(new_ids).duplicated())  # position of each unique id
    rows_new = np.where(pos >= 0, row_at[np.maximum(pos, 0)], -1)
    # a record from another layer: one error, not one per parcel
    known = pos >= 0
    if len(ids) and not known.any():
        what = t(
            "done.other_layer",
            lang,
            n=f"{len(ids):,}",
            ours=_ids_text(list(ids), lang),
            theirs=_ids_text(list(new_ids), lang),
        )
        col = names.get("parcel_id", "parcel_id")
        raise DoneError(source, [Problem(source, col, what, t("done.other_layer_fix", lang))])

    dup = pd.Series(ids).duplicated(keep=False).to_numpy() & (ids != "")
    for value, n in pd.Series(ids[dup]).value_counts(sort=False).items():
        bad.add(
            [value],
            names.get("parcel_id", "parcel_id"),
            t("done.duplicate", lang, n=n),
            t("done.duplicate_fix", lang),
        )

    lookup = _action_lookup(scenario)
    valid = sep.join(f"{a.name} ({a.label})" if a.label else a.name for a in scenario.actions)
    a1 = _resolve(record, "action", "action_label", lookup, names, ids, bad, valid, lang)
    a2 = _resolve(record, "action2", "action2_label", lookup, names, ids, bad, valid, lang)

    first = first_year(scenario)
    if first is None:
        file_problems.append(
            Problem(
                str(scenario.source or scenario.name),
                "",
                t("done.no_first_year", lang),
                t("done.no_first_year_fix", lang),
            )
        )
    run_sc = run.get("scenario") or {}
    if "year" in record.columns:
        y1 = _years(record, "year", a1 != "", names, ids, bad, lang)
    elif "programme" not in run_sc and run_sc.get("year") is not None:
        y1 = np.full(len(record), int(run_sc["year"]), dtype=np.int64)  # a one-year plan
    else:
        y1 = np.full(len(record), -1, dtype=np.int64)
        if (a1 != "").any():
            file_problems.append(
                Problem(
                    source, "", t("done.no_year_column", lang), t("done.no_year_column_fix", lang)
                )
            )
    has2 = a2 != ""
    alone = has2 & (a1 == "")
    for action in pd.unique(a2[alone]):
        bad.add(
            ids[alone & (a2 == action)],
            names.get("action2", "action2"),
            t("done.second_alone", lang, action=_who(scenario, action, lang)),
            t("done.second_alone_fix", lang),
        )
    y2 = _years(record, "year2", has2 & ~alone, names, ids, bad, lang)
    order = has2 & ~alone & (y1 >= 0) & (y2 >= 0) & (y2 <= y1)
    for k in np.flatnonzero(order):
        bad.add(
            [ids[k]],
            names.get("year2", "year2"),
            t("done.year2_order", lang, year2=int(y2[k]), year=int(y1[k])),
            t("done.year2_order_fix", lang),
        )
    seqs = sequences(scenario)
    seq_text = sep.join(
        f"{_who(scenario, f, lang)} → {_who(scenario, s, lang)}" for f, s in seqs
    ) or t("done.no_sequences", lang)
    pairs = set(seqs)
    off = (
        has2
        & ~alone
        & np.array([(f, s) not in pairs for f, s in zip(a1, a2, strict=True)], dtype=bool)
    )
    for f, s in dict.fromkeys(zip(a1[off], a2[off], strict=True)):
        rows = off & (a1 == f) & (a2 == s)
        bad.add(
            ids[rows],
            names.get("action2", "action2"),
            t(
                "done.not_sequence",
                lang,
                first=_who(scenario, f, lang),
                then=_who(scenario, s, lang),
                sequences=seq_text,
            ),
            t("done.not_sequence_fix", lang),
        )

    if first is None:
        raise DoneError(
            source, file_problems + [p for p in bad.problems() if p.severity == "error"]
        )

    # the deeds: started before the programme's first year
    d1 = (a1 != "") & (y1 >= 0) & (y1 < first)
    d2 = has2 & ~alone & d1 & (y2 >= 0) & (y2 < first)
    later = int(((a1 != "") & (y1 >= first)).sum() + (has2 & (y2 >= first)).sum())
    if later:
        log.info(t("done.ignored", lang, source=source, n=f"{later:,}", year=first))
    done_any = d1 | d2
    missing = done_any & ~known
    for action in pd.unique(a1[missing]):
        rows = missing & (a1 == action)
        bad.add(
            ids[rows],
            names.get("parcel_id", "parcel_id"),
            t("done.missing", lang, what=_who(scenario, action, lang)),
            t("done.missing_fix", lang),
        )
    absent = int((~known & ~done_any & (ids != "")).sum())
    if absent:
        log.info(t("done.absent_ids", lang, source=source, n=f"{absent:,}"))

    entries: list[DoneEntry] = []
    for k in np.flatnonzero(done_any & known):
        pid = str(ids[k])
        row = int(rows_new[k])
        entries.append(DoneEntry(row, pid, str(a1[k]), int(y1[k]), 0))
        if d2[k]:
            entries.append(DoneEntry(row, pid, str(a2[k]), int(y2[k]), 1))
    entries.sort(key=lambda e: (e.row, e.stage))
    _check_locks(entries, scenario, seqs, bad, lang)
    ks = np.flatnonzero(done_any & known)
    _check_stale(
        ks,
        rows_new[ks],
        np.where(d2, a2, a1)[ks],
        np.where(d2, y2, y1)[ks],
        record,
        parcels,
        scenario,
        names,
        bad,
        lang,
    )

    problems = bad.problems()
    errors = file_problems + [p for p in problems if p.severity == "error"]
    if errors:
        raise DoneError(source, errors)
    warnings = tuple(p for p in problems if p.severity != "error")
    if later and not entries:
        what = t("done.none_before", lang, n=f"{later:,}", year=first)
        warnings += (Problem(source, "", what, t("done.none_before_fix", lang), "warning"),)
    for p in warnings:
        log.warning("%s: %s", source, p)
    log.info(
        t(
            "done.read",
            lang,
            source=source,
            n=f"{len(entries):,}",
            year=first,
            parcels=f"{len({e.row for e in entries}):,}",
        )
    )
    return Done(source, tuple(entries), first, warnings)


def _who(scenario: Any, name: str, lang: str | None) -> str:
    try:
        a = scenario.action(name)
    except KeyError:
        return str(name)
    from landopt.i18n import resolve_lang

    if resolve_lang(lang) == "zh" and a.label:
        return str(a.label)
    return f"{a.name} ({a.label})" if a.label else str(a.name)


def _did(scenario: Any, entries: Sequence[DoneEntry], lang: str | None) -> str:
    return t("cli.list_sep", lang).join(
        t("done.did", lang, action=_who(scenario, e.action, lang), year=e.year) for e in entries
    )


def _check_locks(
    entries: Sequence[DoneEntry],
    scenario: Any,
    seqs: Sequence[tuple[str, str]],
    bad: _Collect,
    lang: str | None,
) -> None:
    """A done parcel the new scenario locks into another action, or out of its done one."""
    by_id: dict[str, list[DoneEntry]] = {}
    for e in entries:
        by_id.setdefault(e.parcel_id, []).append(e)
    if not by_id:
        return

    def still(done: list[DoneEntry]) -> set[str]:
        acts = {e.action for e in done}
        return {s for f, s in seqs if f in acts and s not in acts}

    fix = t("done.lock_fix", lang)
    locks = scenario.locks
    for pid, action in locks.include:
        done = by_id.get(str(pid))
        if done and action not in still(done) and action not in {e.action for e in done}:
            lock = t("done.lock.in", lang, action=_who(scenario, action, lang))
            bad.add(
                [pid], "", t("done.lock", lang, done=_did(scenario, done, lang), lock=lock), fix
            )
    for pid, actions in locks.exclude:
        done = by_id.get(str(pid))
        if not done:
            continue
        hit = [e.action for e in done if actions is None or e.action in actions]
        if hit:
            what = t("cli.list_sep", lang).join(_who(scenario, a, lang) for a in hit)
            lock = t("done.lock.out", lang, action=what)
            bad.add(
                [pid], "", t("done.lock", lang, done=_did(scenario, done, lang), lock=lock), fix
            )
    year_locks = _get(scenario.rule("programme"), "locks") or {}
    items = year_locks.items() if isinstance(year_locks, Mapping) else []
    for pid, lk in items:
        done = by_id.get(str(pid))
        action = _get(lk, "action")
        if done and action is not None and action not in still(done):
            lock = t(
                "done.lock.year", lang, action=_who(scenario, action, lang), year=_get(lk, "year")
            )
            bad.add(
                [pid], "", t("done.lock", lang, done=_did(scenario, done, lang), lock=lock), fix
            )


def _check_stale(
    ks: np.ndarray,
    rows: np.ndarray,
    actions: np.ndarray,
    years: np.ndarray,
    record: pd.DataFrame,
    parcels: pd.DataFrame,
    scenario: Any,
    names: Mapping[str, str],
    bad: _Collect,
    lang: str | None,
) -> None:
    """One warning naming the done parcels whose status is unchanged since the record.

    ``ks`` are the done rows of the record, ``rows`` their rows in the new layer,
    ``actions`` and ``years`` their latest done step (what the status should now reflect).
    """
    if not len(ks) or "status" not in record.columns or "status" not in parcels.columns:
        return
    was = record["status"].to_numpy(dtype=object)[ks]
    now = parcels["status"].to_numpy(dtype=object)[rows]
    same = pd.notna(was) & pd.notna(now)
    same &= np.array([str(a) == str(b) for a, b in zip(was, now, strict=True)], dtype=bool)
    if not same.any():
        return
    k = int(np.flatnonzero(same)[0])
    done = t("done.did", lang, action=_who(scenario, str(actions[k]), lang), year=int(years[k]))
    bad.add(
        record["parcel_id"].to_numpy(dtype=object)[ks][same],
        names.get("status", "status"),
        t("done.stale", lang, done=done, status=now[k]),
        t("done.stale_fix", lang),
        "warning",
    )
