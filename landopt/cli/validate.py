"""``landopt validate``: check a parcel layer and print its summary."""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len

from landopt.cli import _console as con
from landopt.cli import options
from landopt.i18n import MESSAGES, add_messages, t

__all__ = ["add_validate_parser", "format_validate_report"]

add_messages(
    {
        "all": {
            "en": "list every warning on its own line (by default the same warning over many "
            "parcels is one line with a count and a few parcel ids)",
            "zh": "逐条列出每一条警告（默认把多宗地块上的同一警告合并为一行，注明宗数并举几个地块编号）",
        },
        "lang": {
            "en": "the report's language: zh or en (default LANDOPT_LANG, else the locale)",
            "zh": "报告的语言：zh 或 en（默认取 LANDOPT_LANG，否则按系统区域设置）",
        },
        "grouped": {
            "en": "  (the same warning over many parcels is one line; --all lists every one)",
            "zh": "  （多宗地块上的同一警告合并为一行；加 --all 逐条列出）",
        },
    },
    prefix="cli.validate.",
)


def add_validate_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``landopt validate``."""
    lg = con.ui_lang()
    p = subparsers.add_parser(
        "validate",
        help=t("cli.validate.help", lg),
        description=t("cli.validate.description", lg),
    )
    options.add_parcel_options(p)
    p.add_argument(
        "--max-warnings",
        type=int,
        default=20,
        metavar="N",
        help=t("cli.validate.max_warnings", lg),
    )
    p.add_argument("--all", action="store_true", help=t("cli.validate.all", lg))
    p.add_argument("--lang", choices=["zh", "en"], help=t("cli.validate.lang", lg))
    p.set_defaults(func=cmd_validate)
    return p


class _DropLevel(logging.Filter):
    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno != self.level


def cmd_validate(args: argparse.Namespace) -> int:
    """Run ``landopt validate``."""
    from landopt._fields import PROBLEMS_ATTR
    from landopt.parcels import read_parcels  # noqa: F401  (import before timing)

    started = time.perf_counter()
    # The report lists the warnings itself: keep the library from logging them twice.
    parcels_logger = logging.getLogger("landopt.parcels")
    skip_warnings = _DropLevel(logging.WARNING)
    if not args.debug:
        parcels_logger.addFilter(skip_warnings)
    try:
        gdf = options.read_parcels_from_args(args)
    finally:
        parcels_logger.removeFilter(skip_warnings)
    elapsed = time.perf_counter() - started
    warnings = list(gdf.attrs.get(PROBLEMS_ATTR, ()))
    con.show(
        _report_parts(
            gdf, args.parcels, warnings, elapsed, args.max_warnings, None, show_all=args.all
        )
    )
    return 0


def status_word(status: Any, lang: str | None = None) -> str:
    """A parcel status for people: ``idle`` in English, 闲置 in Chinese (unknown ones as given)."""
    key = f"cli.status.{status}"
    return t(key, con.ui_lang(lang)) if key in MESSAGES else str(status)


def format_validate_report(
    gdf: Any,
    source: str,
    warnings: Sequence[Any],
    elapsed: float | None = None,
    max_warnings: int = 20,
    lang: str | None = None,
    *,
    show_all: bool = False,
) -> str:
    """The text of ``landopt validate``'s report for a prepared layer.

    The same warning over many parcels is one line with a count and a few parcel ids
    (:func:`landopt.parcels.grouping.group_problems`); ``show_all`` lists every warning.
    ``max_warnings`` (0: no limit) limits the lines, unless ``show_all``.
    """
    return con.render(
        _report_parts(gdf, source, warnings, elapsed, max_warnings, lang, show_all=show_all)
    )


def _report_parts(
    gdf: Any,
    source: str,
    warnings: Sequence[Any],
    elapsed: float | None,
    max_warnings: int,
    lang: str | None,
    *,
    show_all: bool = False,
) -> list[con.Part]:
    from landopt._fields import INPUT_CRS_ATTR
    from landopt.parcels import _crs_label, summarize_parcels

    lg = con.ui_lang(lang)
    s = summarize_parcels(gdf)
    parts: list[con.Part] = [f"landopt validate {source}"]
    rows = [
        (t("cli.validate.input_crs", lg), str(gdf.attrs.get(INPUT_CRS_ATTR, "?"))),
        (t("cli.validate.working_crs", lg), _crs_label(gdf.crs)),
        (
            t("cli.validate.parcels", lg),
            t(
                "cli.validate.parcels_value",
                lg,
                parcels=con.count(s["parcels"]),
                mu=con.mu(s["area_mu"]),
            ),
        ),
    ]
    if elapsed is not None:
        rows.append((t("cli.validate.checked_in", lg), t("cli.seconds", lg, s=f"{elapsed:.1f}")))
    width = max(13, *(cell_len(k) + 2 for k, _ in rows))
    parts += [f"  {k}{' ' * (width - cell_len(k))}{v}" for k, v in rows]

    by_status = s["by_status"]
    parts += ["", t("cli.validate.by_status", lg)]
    body = [
        [status_word(st, lg), con.count(r.parcels), con.mu(r.area_mu)]
        for st, r in by_status.iterrows()
    ]
    body.append([t("cli.total", lg), con.count(s["parcels"]), con.mu(s["area_mu"])])
    parts.append(
        con.table(
            [t("cli.validate.status", lg), t("cli.col.parcels", lg), t("cli.col.mu", lg)], body
        )
    )

    if s["by_township"] is not None:
        cross = s["by_status_township"]
        statuses = list(cross.columns)
        parts += ["", t("cli.validate.by_township", lg)]
        body = [
            [str(tw), con.count(r.parcels), con.mu(r.area_mu)]
            + [con.mu(cross.loc[tw, st]) if cross.loc[tw, st] else "-" for st in statuses]
            for tw, r in s["by_township"].iterrows()
        ]
        header = [
            t("cli.validate.township", lg),
            t("cli.col.parcels", lg),
            t("cli.col.mu", lg),
            *(status_word(st, lg) for st in statuses),
        ]
        parts.append(con.table(header, body))

    from landopt.parcels.grouping import grouped_lines, problem_text

    n = len(warnings)
    parts += [
        "",
        t("cli.validate.warnings", lg, n=f"{n:,}") if warnings else t("cli.validate.no_warnings", lg),
    ]
    lines = [problem_text(w, lg) for w in warnings] if show_all else grouped_lines(warnings, lg)
    shown = lines if show_all or max_warnings <= 0 else lines[:max_warnings]
    parts += [f"  - {w}" for w in shown]
    if len(shown) < len(lines):
        parts.append(t("cli.validate.more_warnings", lg, n=f"{len(lines) - len(shown):,}"))
    if len(lines) < n:
        parts.append(t("cli.validate.grouped", lg))
    if not warnings:
        verdict = t("cli.validate.verdict_usable", lg)
    elif n == 1:
        verdict = t("cli.validate.verdict_one_warning", lg)
    else:
        verdict = t("cli.validate.verdict_warnings", lg, n=f"{n:,}")
    parts += ["", verdict]
    return parts
