"""Warnings people can read: the same warning over many parcels as one line.

A layer with its areas declared in m² gives one warning per parcel, all with the same
field and the same fix; a planner needs to read it once, with how many parcels and a few
of their ids. :func:`group_problems` groups the problems (a group is the problems of the
same severity, field and fix at parcels or rows; a problem about the file stays alone) in
the order they were found; :meth:`ProblemGroup.text` is the line::

    3,000 parcels, field 'area_mu': declared area 10,000.00 mu differs from … (at parcel
    P-1; also P-2, P-3, P-4 and 2,996 more) -> the declared areas look like m², not mu …

The problems themselves are not changed: ``gdf.attrs["landopt_problems"]`` keeps every
one, and ``landopt validate --all`` lists them one by one (:func:`problem_text`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from landopt.errors import Problem
from landopt.i18n import add_messages, resolve_lang, t

__all__ = ["ProblemGroup", "group_problems", "problem_text"]

add_messages(
    {
        "parcel": {"en": "parcel {id}", "zh": "地块 {id}"},
        "row": {"en": "row {i}", "zh": "第 {i} 行"},
        "loc_field": {"en": "{where}, field '{field}'", "zh": "{where}，字段 {field}"},
        "one": {"en": "{loc}: {what}", "zh": "{loc}：{what}"},
        "fix": {"en": "{text} -> {fix}", "zh": "{text} → {fix}"},
        "many": {"en": "{n} parcels", "zh": "{n} 宗地块"},
        "group": {
            "en": "{loc}: {what} (at {first}; also {others})",
            "zh": "{loc}：{what}（见{first}；另有 {others}）",
        },
        "others_more": {"en": "{ids} and {k} more", "zh": "{ids} 等 {k} 宗"},
    },
    prefix="warnings.",
)

#: How many parcel ids a grouped line names besides the first.
EXAMPLES = 3


@dataclass(frozen=True)
class ProblemGroup:
    """Problems of the same severity, field and fix (the first one's text stands for all)."""

    problems: tuple[Problem, ...]

    @property
    def first(self) -> Problem:
        """The first problem of the group, in the order found."""
        return self.problems[0]

    def __len__(self) -> int:
        return len(self.problems)

    def text(self, lang: str | None = None, *, examples: int = EXAMPLES) -> str:
        """The group as one line in ``lang``: count, field, the first's text, a few ids, the fix."""
        p = self.first
        if len(self.problems) == 1:
            return problem_text(p, lang)
        lg = resolve_lang(lang)
        n = len(self.problems)
        where = t("warnings.many", lg, n=f"{n:,}")
        loc = t("warnings.loc_field", lg, where=where, field=p.field) if p.field else where
        rest = [_short(q.where) for q in self.problems[1 : 1 + examples]]
        ids = t("cli.list_sep", lg).join(rest)
        more = n - 1 - len(rest)
        others = t("warnings.others_more", lg, ids=ids, k=f"{more:,}") if more else ids
        text = t("warnings.group", lg, loc=loc, what=p.what, first=_where(p.where, lg), others=others)
        return t("warnings.fix", lg, text=text, fix=p.fix) if p.fix else text


def _short(where: str) -> str:
    """``parcel P-12`` → ``P-12`` (a row label as it is)."""
    return where.removeprefix("parcel ")


def _where(where: str, lang: str) -> str:
    if where.startswith("parcel "):
        return t("warnings.parcel", lang, id=where.removeprefix("parcel "))
    if where.startswith("row ") and where[4:].isdigit():
        return t("warnings.row", lang, i=where[4:])
    return where


def problem_text(p: Problem, lang: str | None = None) -> str:
    """One problem as a line in ``lang`` (English: ``str(p)``)."""
    lg = resolve_lang(lang)
    if lg == "en":
        return str(p)
    where = _where(p.where, lg)
    loc = t("warnings.loc_field", lg, where=where, field=p.field) if p.field else where
    text = t("warnings.one", lg, loc=loc, what=p.what)
    return t("warnings.fix", lg, text=text, fix=p.fix) if p.fix else text


def _groupable(p: Problem) -> bool:
    return p.where.startswith(("parcel ", "row "))


def group_problems(problems: Iterable[Problem]) -> list[ProblemGroup]:
    """The problems in groups of the same severity, field and fix, in the order found.

    Only problems at a parcel or a row are grouped; any other (about the file, the CRS, a
    column) is a group of its own.
    """
    groups: dict[object, list[Problem]] = {}
    for k, p in enumerate(problems):
        key = (p.severity, p.field, p.fix) if _groupable(p) else k
        groups.setdefault(key, []).append(p)
    return [ProblemGroup(tuple(v)) for v in groups.values()]


def grouped_lines(problems: Sequence[Problem], lang: str | None = None) -> list[str]:
    """One line per group (:func:`group_problems`)."""
    return [g.text(lang) for g in group_problems(problems)]
