"""Map the planner's columns and status spellings onto landopt's names.

Applies ``columns=`` (renames, with near-miss suggestions), names missing required fields,
and builds the lookup that turns a status spelling (``低效``, ``Idle``, a ``status_values=``
entry) into one of :data:`~landopt._fields.STATUSES`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence

import pandas as pd

from landopt._fields import (
    COLUMN_HINTS,
    CORE_FIELDS,
    DECLARED_AREA_FIELD,
    STATUS_ALIASES,
    STATUSES,
)
from landopt.errors import Problem
from landopt.parcels._messages import msg


def _suggest_column(field: str, columns: Sequence[str]) -> str | None:
    lowered = {str(c).casefold(): str(c) for c in columns}
    for hint in COLUMN_HINTS.get(field, ()):
        if hint.casefold() in lowered:
            return lowered[hint.casefold()]
    near = difflib.get_close_matches(field, [str(c) for c in columns], n=1, cutoff=0.6)
    return near[0] if near else None


def _list_columns(columns: Sequence[str], limit: int = 30) -> str:
    names = [str(c) for c in columns]
    text = ", ".join(names[:limit])
    if len(names) > limit:
        text += msg("columns.more", n=len(names))
    return text or msg("columns.none")


def _missing_field_problem(field: str, columns: Sequence[str]) -> Problem:
    near = _suggest_column(field, columns)
    if near is not None:
        fix = msg("missing_field.fix_near", near=near, field=field)
    else:
        fix = msg("missing_field.fix", field=field)
    return Problem(
        "file",
        field,
        msg("missing_field.what", field=field, columns=_list_columns(columns)),
        fix,
    )


def _apply_columns(
    df: pd.DataFrame, columns: Mapping[str, str] | None, problems: list[Problem]
) -> pd.DataFrame:
    if not columns:
        return df
    existing = [str(c) for c in df.columns]
    rename: dict[str, str] = {}
    for src, dst in columns.items():
        if src not in df.columns:
            near = difflib.get_close_matches(str(src), existing, n=1, cutoff=0.5)
            fix = (
                msg("did_you_mean", near=near[0])
                if near
                else msg("columns.of_layer", columns=_list_columns(existing))
            )
            problems.append(
                Problem("column mapping", str(dst), msg("mapped_absent.what", src=src), fix)
            )
            continue
        rename[src] = dst
    targets = list(rename.values())
    for dst in sorted({t for t in targets if targets.count(t) > 1}):
        sources = [s for s, t in rename.items() if t == dst]
        problems.append(
            Problem(
                "column mapping",
                dst,
                msg(
                    "mapped_twice.what",
                    sources=", ".join(repr(s) for s in sources),
                    dst=dst,
                ),
                msg("mapped_twice.fix"),
            )
        )
    for src, dst in rename.items():
        if dst in df.columns and dst not in rename and dst != src:
            problems.append(
                Problem(
                    "column mapping",
                    dst,
                    msg("mapped_onto_existing.what", src=src, dst=dst),
                    msg("mapped_onto_existing.fix", src=src, dst=dst),
                )
            )
        if dst not in CORE_FIELDS and dst != DECLARED_AREA_FIELD:
            near = difflib.get_close_matches(dst, CORE_FIELDS, n=1, cutoff=0.75)
            if near:
                problems.append(
                    Problem(
                        "column mapping",
                        dst,
                        msg("mapped_unknown.what", src=src, dst=dst),
                        msg("did_you_mean", near=near[0]),
                        "warning",
                    )
                )
    out = df.rename(columns=rename)
    # A conflicting mapping (an error above) leaves two columns one name: keep the first,
    # so that the checks that follow see one column per field and report the rest.
    return out.loc[:, ~(out.columns.duplicated() & out.columns.isin(list(rename.values())))]


def _status_key(values: pd.Series) -> pd.Series:
    return (
        values.astype("string").str.strip().str.casefold().str.replace(r"[\s\-]+", "_", regex=True)
    )


def _status_key_one(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(value).strip().casefold())


def _allowed_statuses_text() -> str:
    groups: dict[str, list[str]] = {s: [] for s in STATUSES}
    for alias, canonical in STATUS_ALIASES.items():
        if alias != canonical:
            groups[canonical].append(alias)
    return "; ".join(f"{s} ({', '.join(a)})" if a else s for s, a in groups.items())


def _status_lookup(
    status_values: Mapping[str, str] | None, problems: list[Problem]
) -> dict[str, str]:
    """Status key (see :func:`_status_key_one`) -> landopt status, with the user's mapping."""
    lookup = {_status_key_one(k): v for k, v in STATUS_ALIASES.items()}
    lookup.update({_status_key_one(s): s for s in STATUSES})
    for value, target in (status_values or {}).items():
        canonical = lookup.get(_status_key_one(target))
        if canonical is None:
            problems.append(
                Problem(
                    "status mapping",
                    "status",
                    msg("status_mapped_unknown.what", value=value, target=target),
                    msg("status_mapped_unknown.fix", statuses=", ".join(STATUSES)),
                )
            )
            continue
        lookup[_status_key_one(value)] = canonical
    return lookup
