"""The ``landopt`` command line.

``landopt [--debug] [--verbose] SUBCOMMAND ...``; run ``landopt SUBCOMMAND --help`` for each.

Exit codes, for every subcommand: 0 success, 2 bad input (data or scenario) or an
environment error (any OSError: permission, read-only or full disk, named with its path),
3 the targets cannot be met, 4 solver failure (:attr:`landopt.errors.LandoptError.exit_code`),
130 interrupted (Ctrl-C, SIGTERM, SIGHUP), 1 an unexpected internal error. Errors are printed to stderr as one message, without a
traceback unless ``--debug`` is given. This module is the only one that prints or
configures logging handlers; library warnings reach stderr through :mod:`logging`.

Adding a subcommand
-------------------
Write a pair of functions and register the first in :data:`SUBCOMMANDS`::

    def _add_plan_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
        p = subparsers.add_parser("plan", help="...", description="...")
        p.add_argument(...)
        p.set_defaults(func=_cmd_plan)
        return p

    def _cmd_plan(args: argparse.Namespace) -> int:
        ...  # raise LandoptError subclasses for bad input; return 0 on success
        return 0

:func:`_add_parcel_options` and :func:`_read_parcels_from_args` give any subcommand the
same parcel-reading options as ``validate``.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import os
import signal
import sys
import time
import traceback
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from landopt import __version__
from landopt.errors import InputError, LandoptError

__all__ = ["SUBCOMMANDS", "build_parser", "main"]

logger = logging.getLogger(__name__)


# ----------------------------------------------------------------------------------------
# Output helpers (only the CLI prints)
# ----------------------------------------------------------------------------------------


def _out(text: str = "") -> None:
    print(text, file=sys.stdout)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, align: str) -> str:
    space = " " * max(width - _width(text), 0)
    return text + space if align == "<" else space + text


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Lines of a table: first column left-aligned, the others right-aligned."""
    widths = [max(_width(str(r[k])) for r in [header, *rows]) for k in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [_pad(str(cell), widths[k], "<" if k == 0 else ">") for k, cell in enumerate(row)]
        lines.append((indent + "   ".join(cells)).rstrip())
    return lines


def _mu(value: float) -> str:
    return f"{value:,.1f}"


def _count(value: float) -> str:
    return f"{int(value):,}"


# ----------------------------------------------------------------------------------------
# Shared options
# ----------------------------------------------------------------------------------------


def _key_value(option: str, what: str) -> Callable[[str], tuple[str, str]]:
    def parse(text: str) -> tuple[str, str]:
        key, sep, value = text.rpartition("=")
        if not sep or not key.strip() or not value.strip():
            raise argparse.ArgumentTypeError(f"{option} wants {what}, got {text!r}")
        return key.strip(), value.strip()

    return parse


def _add_parcel_options(parser: argparse.ArgumentParser, *, positional: bool = True) -> None:
    """Add the parcel-layer options of ``validate`` (and later subcommands) to ``parser``."""
    if positional:
        parser.add_argument(
            "parcels",
            metavar="PARCELS",
            help="parcel layer: .geojson, .gpkg, .shp (or zipped .zip), .fgb or .parquet",
        )
    parser.add_argument("--layer", help="layer to read from a file with several (GeoPackage)")
    parser.add_argument(
        "--encoding",
        help="text encoding of a Shapefile's attributes, e.g. GB18030 or GBK "
        "(default: its .cpg file, else guessed)",
    )
    parser.add_argument(
        "--map",
        dest="columns",
        metavar="SRC=FIELD",
        action="append",
        type=_key_value("--map", "YOUR_COLUMN=landopt_field, e.g. 地块编号=parcel_id"),
        default=[],
        help="map one of your columns to a landopt field, e.g. --map 地块编号=parcel_id "
        "--map 状态=status (repeat as needed)",
    )
    parser.add_argument(
        "--status-map",
        dest="status_values",
        metavar="VALUE=STATUS",
        action="append",
        type=_key_value("--status-map", "YOUR_VALUE=status, e.g. 待处置=idle"),
        default=[],
        help="map one of your status values to a landopt status (inefficient, idle, "
        "upgrade_candidate, cleared, in_use), on top of the built-in Chinese ones",
    )
    parser.add_argument(
        "--crs",
        help="projected CRS in metres to compute areas in and work in (default: the layer's "
        "own if projected, EPSG:4548 in 115.5-118.5°E, else the local UTM zone); it does not "
        "assign a missing CRS",
    )
    parser.add_argument(
        "--repair",
        action="store_true",
        help="repair invalid geometries with shapely.make_valid (each repair is reported)",
    )


def _read_parcels_from_args(args: argparse.Namespace) -> Any:
    """Read the parcel layer named by the options of :func:`_add_parcel_options`."""
    from landopt.parcels import read_parcels

    return read_parcels(
        args.parcels,
        layer=args.layer,
        encoding=args.encoding,
        columns=dict(args.columns) or None,
        status_values=dict(args.status_values) or None,
        crs=args.crs,
        repair=args.repair,
    )


# ----------------------------------------------------------------------------------------
# validate
# ----------------------------------------------------------------------------------------


def _add_validate_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "validate",
        help="check a parcel layer and summarise it",
        description="Read a parcel layer, check it and print a short report: CRS, parcels "
        "and mu by status and township, warnings, verdict. Exits 0 when the layer is usable, "
        "2 when it is not (every problem is listed on stderr).",
    )
    _add_parcel_options(p)
    p.add_argument(
        "--max-warnings",
        type=int,
        default=20,
        metavar="N",
        help="show at most N warnings in the report (default 20; 0 for all)",
    )
    p.set_defaults(func=_cmd_validate)
    return p


class _DropLevel(logging.Filter):
    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno != self.level


def _cmd_validate(args: argparse.Namespace) -> int:
    from landopt._fields import PROBLEMS_ATTR
    from landopt.parcels import read_parcels  # noqa: F401  (import before timing)

    started = time.perf_counter()
    # The report lists the warnings itself: keep the library from logging them twice.
    parcels_logger = logging.getLogger("landopt.parcels")
    skip_warnings = _DropLevel(logging.WARNING)
    if not args.debug:
        parcels_logger.addFilter(skip_warnings)
    try:
        gdf = _read_parcels_from_args(args)
    finally:
        parcels_logger.removeFilter(skip_warnings)
    elapsed = time.perf_counter() - started
    warnings = list(gdf.attrs.get(PROBLEMS_ATTR, ()))
    _out(format_validate_report(gdf, args.parcels, warnings, elapsed, args.max_warnings))
    return 0


def format_validate_report(
    gdf: Any,
    source: str,
    warnings: Sequence[Any],
    elapsed: float | None = None,
    max_warnings: int = 20,
) -> str:
    """The text of ``landopt validate``'s report for a prepared layer."""
    from landopt._fields import INPUT_CRS_ATTR
    from landopt.parcels import _crs_label, summarize_parcels

    s = summarize_parcels(gdf)
    lines = [f"landopt validate {source}"]
    rows = [
        ("input CRS", str(gdf.attrs.get(INPUT_CRS_ATTR, "?"))),
        ("working CRS", _crs_label(gdf.crs)),
        ("parcels", f"{_count(s['parcels'])} parcels, {_mu(s['area_mu'])} mu"),
    ]
    if elapsed is not None:
        rows.append(("checked in", f"{elapsed:.1f} s"))
    lines += [f"  {_pad(k, 13, '<')}{v}" for k, v in rows]

    by_status = s["by_status"]
    lines += ["", "By status"]
    body = [[str(st), _count(r.parcels), _mu(r.area_mu)] for st, r in by_status.iterrows()]
    body.append(["total", _count(s["parcels"]), _mu(s["area_mu"])])
    lines += _table(["status", "parcels", "mu"], body)

    if s["by_township"] is not None:
        cross = s["by_status_township"]
        statuses = list(cross.columns)
        lines += ["", "By township (mu by status)"]
        body = [
            [str(tw), _count(r.parcels), _mu(r.area_mu)]
            + [_mu(cross.loc[tw, st]) if cross.loc[tw, st] else "-" for st in statuses]
            for tw, r in s["by_township"].iterrows()
        ]
        lines += _table(["township", "parcels", "mu", *statuses], body)

    lines += ["", f"Warnings ({len(warnings)})" if warnings else "Warnings: none"]
    shown = warnings if max_warnings <= 0 else warnings[:max_warnings]
    lines += [f"  - {w}" for w in shown]
    if len(shown) < len(warnings):
        lines.append(f"  ... and {len(warnings) - len(shown)} more (--max-warnings 0 shows all)")
    verdict = "usable"
    if warnings:
        verdict += f", with {len(warnings)} warning{'s' if len(warnings) != 1 else ''} to review"
    lines += ["", f"Verdict: {verdict}"]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------
# plan
# ----------------------------------------------------------------------------------------


def _add_plan_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "plan",
        help="make the optimal plan for a scenario",
        description="Solve a scenario (TOML) on its parcel layer and write the plan to --out: "
        "plan.gpkg, summary.csv, run.json and, unless --no-maps, plan.png, plan.html and "
        "report.html. Exits 3 when the targets cannot be met, with the reasons and the least "
        "shortfall; with --allow-shortfall the closest plan is written all the same (still exit 3).",
    )
    p.add_argument(
        "scenario",
        metavar="SCENARIO",
        help="scenario file, e.g. data/scenarios/zhangdian-2023.toml",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    p.add_argument(
        "--force", action="store_true", help="overwrite the files of an earlier run in --out"
    )
    p.add_argument(
        "--allow-shortfall",
        action="store_true",
        help="when targets cannot be met, write the closest plan and mark the unmet targets",
    )
    p.add_argument(
        "--parcels", help="use this parcel layer instead of the scenario's [parcels] path"
    )
    _add_parcel_options(p, positional=False)
    g = p.add_argument_group("solver (override the scenario's [solver] table)")
    g.add_argument(
        "--backend", choices=["highs", "highs-pulp", "cbc"], help="solver back-end (default highs)"
    )
    g.add_argument("--time-limit", type=float, metavar="S", help="time limit in seconds")
    g.add_argument(
        "--gap",
        type=float,
        metavar="FRAC",
        help="relative gap to stop at, e.g. 0.01 (default 0: prove optimality)",
    )
    g.add_argument("--threads", type=int, metavar="N", help="solver threads")
    g.add_argument("--solver-log", action="store_true", help="show the solver's own log")
    a = p.add_argument_group("analysis")
    a.add_argument(
        "--alternatives",
        type=int,
        default=0,
        metavar="K",
        help="also find K alternative plans (columns action_alt1… and alternatives.csv)",
    )
    a.add_argument(
        "--within",
        type=float,
        default=5.0,
        metavar="PCT",
        help="alternatives stay within PCT %% of the optimal objective (default 5)",
    )
    a.add_argument(
        "--differ",
        type=int,
        default=5,
        metavar="N",
        help="each alternative differs from every earlier plan in at least N parcels' actions (default 5)",
    )
    a.add_argument(
        "--irreplaceability",
        action="store_true",
        help="replacement cost of each chosen parcel (column replacement_cost, irreplaceability.png)",
    )
    m = p.add_argument_group("maps and report")
    m.add_argument("--no-maps", action="store_true", help="write no map and no report (faster)")
    _add_map_options(m)
    p.set_defaults(func=_cmd_plan)
    return p


def _cmd_plan(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from landopt.errors import TargetsUnmetError
    from landopt.plan import OUTPUT_FILES, check_output_dir, solve, write_plan
    from landopt.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    extra_names = [] if args.no_maps else _map_file_names(args)
    # before the solve: the folder is usable, writable, and its disk has room
    check_output_dir(
        args.out,
        force=args.force,
        names=[*OUTPUT_FILES, *extra_names],
        need_bytes=_input_bytes(args.parcels or (scenario.parcels and scenario.parcels.path)),
        whole=True,
    )
    overrides = {
        k: v
        for k, v in {
            "backend": args.backend,
            "time_limit": args.time_limit,
            "gap": args.gap,
            "threads": args.threads,
            "log": True if args.solver_log else None,
        }.items()
        if v is not None
    }
    if args.lang:
        scenario = replace(scenario, lang=args.lang)
    parcels = None
    if (
        args.parcels
        or args.columns
        or args.status_values
        or args.layer
        or args.encoding
        or args.crs
        or args.repair
    ):
        if args.parcels is None and scenario.parcels is None:
            raise LandoptError("give --parcels: the scenario names no parcel layer")
        src = scenario.parcels
        args.parcels = args.parcels or str(src.path)
        if src is not None:  # the scenario's reading options, unless given here
            kw = src.read_kwargs()
            args.layer = args.layer or kw["layer"]
            args.encoding = args.encoding or kw["encoding"]
            args.crs = args.crs or kw["crs"]
            args.columns = list((kw["columns"] or {}).items()) + list(args.columns)
            args.status_values = list((kw["status_values"] or {}).items()) + list(
                args.status_values
            )
        parcels = _read_parcels_from_args(args)

    started = time.perf_counter()
    try:
        plan = solve(scenario, parcels, allow_shortfall=args.allow_shortfall, **overrides)
    except TargetsUnmetError as exc:
        _err(f"error: {exc}")
        _err(
            "\nRelax the statements above, or run with --allow-shortfall to write the closest plan."
        )
        return exc.exit_code
    extra = {} if args.no_maps else _map_writers(plan, args)
    analysis_lines = _plan_analysis(plan, args, extra)
    files = write_plan(plan, args.out, force=args.force, extra=extra)
    elapsed = time.perf_counter() - started

    _out(format_plan_report(plan, args.scenario))
    _out("")
    _out(
        f"Wrote {len(files)} files to {args.out}: {', '.join(f.name for f in files)}  ({elapsed:.1f} s)"
    )
    for line in analysis_lines:
        _out(line)
    if not plan.targets_met:
        _err("")
        _err("warning: the targets cannot all be met; this is the closest plan:")
        for s in plan.shortfalls:
            _err(f"  - {s.describe()}")
        return 3
    return 0


def _add_map_options(group: Any) -> None:
    group.add_argument(
        "--lang",
        choices=["zh", "en"],
        help="language of map and report labels (default: the scenario's)",
    )
    group.add_argument("--dpi", type=int, default=300, help="resolution of plan.png (default 300)")
    group.add_argument(
        "--also",
        metavar="FORMATS",
        type=lambda t: [f.strip().lower() for f in t.split(",") if f.strip()],
        default=[],
        help="also write the static map in these formats, e.g. --also pdf,svg",
    )
    group.add_argument(
        "--district",
        metavar="FILE|none",
        help="outlines of district, townships and parks (default: district.geojson beside the parcel layer, if any)",
    )
    group.add_argument(
        "--tiles",
        metavar="URL",
        help="tile URL template for plan.html, e.g. your own Tianditu service with its key "
        "(default: none, so the page works offline)",
    )


def _district_arg(args: argparse.Namespace) -> Any:
    d = getattr(args, "district", None)
    return False if d is not None and d.lower() == "none" else d


def _extra_formats(args: argparse.Namespace) -> list[str]:
    bad = sorted(set(args.also) - {"pdf", "svg", "png"})
    if bad:
        raise InputError(f"--also takes pdf and/or svg, not {', '.join(bad)}")
    return [f for f in dict.fromkeys(args.also) if f != "png"]


def _map_file_names(args: argparse.Namespace) -> list[str]:
    from landopt.report import MAP_FILES

    return [*MAP_FILES, *(f"plan.{f}" for f in _extra_formats(args))]


def _map_writers(plan: Any, args: argparse.Namespace) -> dict[str, Callable[[Any], None]]:
    """Writers of the map and report files for ``write_plan``."""
    from landopt.maps import save_plan_map
    from landopt.report import plan_outputs

    district = _district_arg(args)
    writers = plan_outputs(plan, lang=args.lang, district=district, tiles=args.tiles, dpi=args.dpi)
    for fmt in _extra_formats(args):
        writers[f"plan.{fmt}"] = lambda path: save_plan_map(
            plan, path, lang=args.lang, district=district
        )
    return writers


def _plan_analysis(
    plan: Any, args: argparse.Namespace, extra: dict[str, Callable[[Any], None]]
) -> list[str]:
    """Alternatives and replacement costs for ``landopt plan``: columns on the plan, files, lines to print."""
    lines: list[str] = []
    if not (args.alternatives or args.irreplaceability):
        return lines
    if not plan.targets_met:
        return ["(no alternatives or replacement costs for a plan that misses its targets)"]
    from landopt.analysis import alternatives, replacement_costs, selection_frequency

    if args.alternatives:
        alt = alternatives(
            plan.scenario,
            k=args.alternatives,
            within=args.within / 100,
            differ=args.differ,
            optimal=plan,
        )
        rows = []
        z = plan.result.objective
        for i, p in enumerate(alt.plans, start=1):
            plan.parcels[f"action_alt{i}"] = p.parcels["action"].to_numpy()
        for i, p in enumerate(alt.all_plans):
            row = {
                "plan": "optimal" if i == 0 else f"alt{i}",
                "objective": p.result.objective,
                "vs_optimal_pct": 100 * (p.result.objective - z) / abs(z) if z else 0.0,
                "parcels_differing_from_optimal": alt.differences[i][0],
            }
            for r in p.summary.itertuples(index=False):
                row[f"plots_{r.action}"] = r.plots
                row[f"mu_{r.action}"] = r.mu
            rows.append(row)
        sf = selection_frequency(alt.all_plans)
        plan.parcels["selection_frequency"] = sf["selection_frequency"].to_numpy()
        import pandas as pd

        table = pd.DataFrame(rows)
        extra["alternatives.csv"] = lambda path: table.to_csv(
            path, index=False, encoding="utf-8-sig"
        )
        lines += ["", f"Alternatives: {alt.message}"]
        lines += _table(
            ["plan", "objective", "vs optimal", "parcels differing"],
            [
                [
                    r["plan"],
                    f"{r['objective']:,.1f}",
                    f"{r['vs_optimal_pct']:+.2f} %",
                    str(r["parcels_differing_from_optimal"]),
                ]
                for r in rows
            ],
        )
    if args.irreplaceability:
        rc = replacement_costs(plan)
        by_id = rc.set_index("parcel_id")["replacement_cost"]
        plan.parcels["replacement_cost"] = (
            plan.parcels["parcel_id"].astype(str).map(by_id).to_numpy(float)
        )
        n_irr = int((rc["replacement_cost"] == float("inf")).sum())
        top = rc.head(5)
        lines += [
            "",
            f"Replacement cost of the {len(rc)} chosen parcels ({n_irr} irreplaceable); the highest:",
        ]
        lines += _table(
            ["parcel", "action", "mu", "replacement cost"],
            [
                [
                    str(r.parcel_id),
                    str(r.action),
                    _mu(r.area_mu),
                    "irreplaceable"
                    if r.replacement_cost == float("inf")
                    else f"{r.replacement_cost:,.1f}",
                ]
                for r in top.itertuples(index=False)
            ],
        )
        if not args.no_maps:
            from landopt.maps import save_parcel_values

            label = (
                "替代成本（万元）"
                if (args.lang or plan.scenario.lang) == "zh"
                else "replacement cost"
            )
            extra["irreplaceability.png"] = lambda path: save_parcel_values(
                plan, by_id, path, label=label, lang=args.lang, district=_district_arg(args)
            )
    return lines


def format_plan_report(plan: Any, source: str) -> str:
    """The text ``landopt plan`` prints: targets against achievement, solver record."""
    r = plan.result
    sc = plan.scenario
    title = sc.title or sc.name
    lines = [f"landopt plan {source}", f"  {title}" + (f" ({sc.year})" if sc.year else "")]
    header = ["action", "plots", "target", "mu", "target", "cost 万元", "benefit 万元", "met"]
    body = []
    for row in plan.summary.itertuples(index=False):
        name = row.action if row.action == "total" else f"{row.action} {row.label}"
        body.append(
            [
                name,
                _count(row.plots),
                str(row.plots_target),
                _mu(row.mu),
                str(row.mu_target),
                f"{row.cost_wan:,.0f}",
                f"{row.benefit_wan:,.0f}",
                "yes" if row.met else "NO",
            ]
        )
    lines += ["", *_table(header, body)]
    if r.proven_optimal:
        quality = (
            "proven optimal"
            if r.requested_gap == 0
            else f"optimal within the requested gap {r.requested_gap:.2%}"
        )
    elif r.has_solution:
        quality = "NOT proven optimal" + (" (time limit reached)" if r.time_limit_hit else "")
    else:
        quality = r.status
    gap = "" if r.gap is None else f", gap {r.gap:.4%}"
    bound = "" if r.bound is None else f", bound {r.bound:,.1f}"
    objective_words = sc.objective.describe()
    if sc.spatial.active:
        objective_words += f" + {sc.spatial.boundary_weight:g} 万元/km × exposed boundary"
    if any(z.kind == "priority" and z.bonus_wan_per_mu for z in sc.spatial.zones):
        objective_words += " − priority-zone bonuses"
    lines += [
        "",
        f"  objective {objective_words}: {r.objective:,.1f}{bound}{gap}",
        f"  {quality}; {r.solver} {r.solver_version} ({r.backend}) in {r.runtime:.2f} s",
        f"  checks: {sum(c.ok for c in plan.checks)}/{len(plan.checks)} passed (targets, budgets, locks, eligibility re-checked from the plan)",
    ]
    if plan.spatial:
        sp = plan.spatial
        lines.append(
            f"  compactness: {sp['blocks']} blocks, mean {sp['mean_block_mu']:,.1f} mu, "
            f"exposed boundary {sp['boundary_km']:,.2f} km (weight {plan.scenario.spatial.boundary_weight:g} 万元/km)"
        )
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------
# map
# ----------------------------------------------------------------------------------------


def _add_map_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "map",
        help="redraw the maps and report of a written plan",
        description="Redraw plan.png, plan.html and report.html from a folder written by "
        "'landopt plan' (its plan.gpkg and run.json), e.g. in another language or with tiles.",
    )
    p.add_argument("plan", metavar="PLAN", help="plan folder, or its plan.gpkg")
    p.add_argument("--out", metavar="DIR", help="where to write (default: the plan folder)")
    _add_map_options(p)
    p.set_defaults(func=_cmd_map)
    return p


def _cmd_map(args: argparse.Namespace) -> int:
    from landopt.maps import save_plan_map
    from landopt.plan import read_plan
    from landopt.report import redraw_plan

    formats = _extra_formats(args)
    district = _district_arg(args)
    plan = read_plan(args.plan)  # its checks recomputed from plan.gpkg, not run.json's
    files = redraw_plan(
        args.plan,
        out_dir=args.out,
        lang=args.lang,
        district=district,
        tiles=args.tiles,
        dpi=args.dpi,
        plan=plan,
    )
    for fmt in formats:
        files.append(
            save_plan_map(plan, files[0].parent / f"plan.{fmt}", lang=args.lang, district=district)
        )
    _out(f"Wrote {', '.join(str(f) for f in files)}")
    return _plan_verdict(plan, args.plan)


def _plan_verdict(plan: Any, source: str) -> int:
    """Warn about a read plan that was edited, fails its re-check or misses its targets; the exit code."""
    for note in plan.notes:
        _err(f"note: {source}: {note}")
    failed = plan.failed_checks
    if failed:
        _err(f"error: {source}: the plan fails {len(failed)} of its {len(plan.checks)} checks:")
        for c in failed:
            _err(f"  - {c.name}: {c.detail}")
        return 3
    if not plan.targets_met:
        _err(f"warning: {source}: the targets are not all met (a shortfall plan)")
        return 3
    return 0


# ----------------------------------------------------------------------------------------
# compare
# ----------------------------------------------------------------------------------------


def _add_compare_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "compare",
        help="compare two or more scenarios or plans",
        description="Solve each scenario (.toml) or read each written plan (folder or plan.gpkg), "
        "print targets, achievement, cost and benefit side by side and the parcels that change "
        "action, and write compare.csv, changes.csv and a comparison map of the first two.",
    )
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="SCENARIO_OR_PLAN",
        help="two or more scenario files or plan folders",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--force", action="store_true", help="overwrite the files of an earlier comparison"
    )
    p.add_argument("--no-maps", action="store_true", help="write no comparison map")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the map labels")
    p.add_argument(
        "--district",
        metavar="FILE|none",
        help="outlines to draw (default: beside the parcel layer)",
    )
    p.set_defaults(func=_cmd_compare)
    return p


def _load_plan_or_solve(path: str) -> Any:
    from pathlib import Path

    from landopt.plan import read_plan, solve
    from landopt.scenario import load_scenario

    p = Path(path)
    if p.is_dir() or p.suffix.lower() == ".gpkg":
        return read_plan(p)
    return solve(load_scenario(p))


def _cmd_compare(args: argparse.Namespace) -> int:
    from landopt.analysis import compare
    from landopt.plan import check_output_dir

    if len(args.inputs) < 2:
        raise InputError("compare needs at least two scenarios or plans")
    names = ["compare.csv", "changes.csv"] + ([] if args.no_maps else ["compare.png"])
    out = check_output_dir(args.out, force=args.force, names=names)
    plans = [_load_plan_or_solve(x) for x in args.inputs]
    read = [(p, x) for p, x in zip(plans, args.inputs, strict=True) if p.result.x is None]
    verdict = max([_plan_verdict(p, x) for p, x in read], default=0)
    table, changes = compare(plans)
    out.mkdir(parents=True, exist_ok=True)
    _atomic_csv(table, out / "compare.csv")
    _atomic_csv(changes, out / "changes.csv")
    if not args.no_maps:
        from landopt.report import write_comparison

        write_comparison(
            plans[0], plans[1], out / "compare.png", lang=args.lang, district=_district_arg(args)
        )
    _out(format_compare_report(table, changes))
    _out(f"\nWrote {', '.join(names)} to {out}")
    return verdict


def _input_bytes(path: Any) -> int:
    """Free space a plan from this parcel layer needs, about: twice the layer, plus 20 MB.

    GeoParquet is compressed: 7.2 MB at 100k parcels give a 43 MB plan.gpkg (measured), so 8×.
    """
    from pathlib import Path

    total = 0
    if path:
        p = Path(path)
        files = [p] if p.suffix.lower() != ".shp" else list(p.parent.glob(p.stem + ".*"))
        for f in files:
            with contextlib.suppress(OSError):
                total += f.stat().st_size
    factor = 8 if path and str(path).lower().endswith((".parquet", ".geoparquet")) else 2
    return factor * total + (20 << 20)


def _atomic_csv(df: Any, path: Any) -> None:
    """Write a CSV (UTF-8 with BOM, for Excel) by renaming a finished temporary file."""
    from landopt._atomic import atomic_file

    with atomic_file(path) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8-sig")


def format_compare_report(table: Any, changes: Any) -> str:
    """The text ``landopt compare`` prints."""
    header = [
        "scenario",
        "action",
        "plots",
        "target",
        "mu",
        "target",
        "cost 万元",
        "benefit 万元",
        "met",
    ]
    body = [
        [
            str(r.scenario),
            str(r.action if r.action == "total" else f"{r.action} {r.label}"),
            _count(r.plots),
            str(r.plots_target),
            _mu(r.mu),
            str(r.mu_target),
            f"{r.cost_wan:,.0f}",
            f"{r.benefit_wan:,.0f}",
            "yes" if r.met else "NO",
        ]
        for r in table.itertuples(index=False)
    ]
    lines = [
        "landopt compare",
        "",
        *_table(header, body),
        "",
        f"{len(changes)} parcels change action between the plans",
    ]
    cols = [c for c in changes.columns if c not in ("name", "township", "area_mu")]
    if len(changes):
        shown = changes.head(15)
        lines += _table(
            cols, [[str(v) for v in row] for row in shown[cols].itertuples(index=False)]
        )
        if len(changes) > 15:
            lines.append(f"  ... and {len(changes) - 15} more (changes.csv)")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------
# sweep
# ----------------------------------------------------------------------------------------


def _add_sweep_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "sweep",
        help="solve a scenario over a range of targets or budgets",
        description="Solve the scenario at every value of one or two keys and write sweep.csv "
        "(status, objective, plots, mu and cost per action, marginal cost) and, for one key, "
        "sweep.png: the cost curve and what each extra unit costs. Points run in parallel.",
    )
    p.add_argument("scenario", metavar="SCENARIO", help="scenario file")
    p.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="KEY=START:STOP:STEP",
        help="a scenario key and its values, e.g. actions.clear.targets.area_min=300:900:60 "
        "(stop included) or budget.total=4000,5000,6000; give it twice for a grid",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--force", action="store_true", help="overwrite the files of an earlier sweep")
    p.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: all cores)")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the plot labels")
    p.set_defaults(func=_cmd_sweep)
    return p


def _progress(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total)
    sys.stderr.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} points")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _cmd_sweep(args: argparse.Namespace) -> int:
    from landopt.analysis import parse_vary, sweep
    from landopt.plan import check_output_dir
    from landopt.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    vary = dict(parse_vary(v) for v in args.vary)
    if len(vary) > 2:
        raise InputError("sweep takes one or two --vary keys")
    names = ["sweep.csv"] + (["sweep.png"] if len(vary) == 1 else [])
    out = check_output_dir(args.out, force=args.force, names=names)
    n = int(np.prod([len(v) for v in vary.values()]))
    _err(f"sweeping {n} points of {', '.join(vary)}")
    result = sweep(
        scenario,
        None,
        vary,
        jobs=args.jobs,
        progress=_progress if sys.stderr.isatty() else None,
    )
    out.mkdir(parents=True, exist_ok=True)
    _atomic_csv(result.table, out / "sweep.csv")
    if len(vary) == 1:
        from landopt.maps import save_sweep_plot

        save_sweep_plot(result, out / "sweep.png", lang=args.lang, scenario=scenario)
    _out(format_sweep_report(result))
    _out(
        f"\n{n} points in {result.wall_s:.1f} s with {result.jobs} worker(s); wrote {', '.join(names)} to {out}"
    )
    return 0


def format_sweep_report(result: Any) -> str:
    """The sweep table as text: key values, status, objective, marginal cost."""
    t = result.table
    cols = [*result.keys, "status", "objective"] + (["marginal"] if "marginal" in t else [])
    body = []
    for row in t[cols].itertuples(index=False):
        cells = []
        for c, v in zip(cols, row, strict=True):
            if c == "status":
                cells.append(str(v))
            elif v is None or (isinstance(v, float) and not np.isfinite(v)):
                cells.append("-")
            else:
                cells.append(f"{v:,.1f}" if c in ("objective", "marginal") else f"{v:g}")
        body.append(cells)
    return "\n".join(["landopt sweep", "", *_table(cols, body)])


# ----------------------------------------------------------------------------------------
# calibrate
# ----------------------------------------------------------------------------------------


def _add_calibrate_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "calibrate",
        help="trace cost against compactness over boundary weights",
        description="Solve the scenario for a range of [spatial] boundary weights (万元 per km of "
        "exposed boundary) and write calibrate.csv and calibrate.png: the cost of the actions "
        "against the exposed boundary, with the knee of the curve marked.",
    )
    p.add_argument("scenario", metavar="SCENARIO", help="scenario file")
    p.add_argument(
        "--weights",
        default="0,10,25,50,100,250,500,1000,2500",
        help="comma-separated weights (default %(default)s)",
    )
    p.add_argument(
        "--actions",
        help="comma-separated actions whose plots form blocks (default: the scenario's [spatial] boundary_actions, else all)",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--force", action="store_true", help="overwrite an earlier calibration")
    p.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: all cores)")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the plot labels")
    p.set_defaults(func=_cmd_calibrate)
    return p


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from landopt.analysis import calibrate
    from landopt.maps import save_calibration_plot
    from landopt.plan import check_output_dir
    from landopt.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    if args.actions:
        scenario = scenario.with_value(
            "spatial.boundary_actions", [a.strip() for a in args.actions.split(",") if a.strip()]
        )
    try:
        weights = [float(w) for w in args.weights.split(",") if w.strip()]
    except ValueError:
        raise InputError(
            f"--weights wants numbers separated by commas, got {args.weights!r}"
        ) from None
    out = check_output_dir(args.out, force=args.force, names=["calibrate.csv", "calibrate.png"])
    result = calibrate(
        scenario, None, weights, jobs=args.jobs, progress=_progress if sys.stderr.isatty() else None
    )
    out.mkdir(parents=True, exist_ok=True)
    _atomic_csv(result.table, out / "calibrate.csv")
    save_calibration_plot(result, out / "calibrate.png", lang=args.lang, scenario=scenario)
    t = result.table
    cols = [
        "spatial.boundary_weight",
        "cost_total",
        "boundary_km",
        "blocks",
        "mean_block_mu",
        "knee",
    ]
    body = [
        [
            f"{r[0]:g}",
            f"{r[1]:,.1f}",
            f"{r[2]:,.2f}",
            f"{int(r[3])}",
            f"{r[4]:,.1f}",
            "<- knee" if r[5] else "",
        ]
        for r in t[cols].itertuples(index=False)
    ]
    _out(
        "\n".join(
            [
                "landopt calibrate",
                "",
                *_table(
                    ["weight", "cost 万元", "boundary km", "blocks", "mean block mu", ""], body
                ),
            ]
        )
    )
    _out(
        f"\n{len(t)} weights in {result.wall_s:.1f} s; wrote calibrate.csv, calibrate.png to {out}"
    )
    return 0


def _add_schema_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of scenario files",
        description="Print the JSON Schema of scenario TOML files (editors read it through a "
        "'#:schema' first line: taplo, Even Better TOML).",
    )
    p.add_argument("--out", metavar="FILE", help="write it to FILE instead of printing it")
    p.set_defaults(func=_cmd_schema)
    return p


def _cmd_schema(args: argparse.Namespace) -> int:
    from landopt._atomic import atomic_file
    from landopt.schema import scenario_json_schema_text

    text = scenario_json_schema_text()
    if not args.out:
        sys.stdout.write(text)
        return 0
    with atomic_file(args.out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return 0


# ----------------------------------------------------------------------------------------
# The parser and main
# ----------------------------------------------------------------------------------------

#: One function per subcommand that adds its parser (and sets ``func``); in help order.
SUBCOMMANDS: list[Callable[[Any], argparse.ArgumentParser]] = [
    _add_validate_parser,
    _add_plan_parser,
    _add_map_parser,
    _add_compare_parser,
    _add_sweep_parser,
    _add_calibrate_parser,
    _add_schema_parser,
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand in :data:`SUBCOMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="landopt",
        description="Optimal plans for clearing, revitalizing and upgrading under-used "
        "industrial land.",
        epilog="Exit codes: 0 success, 2 bad input (data or scenario) or a file that cannot be "
        "written, 3 targets cannot be met, 4 solver failure, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"landopt {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show DEBUG logging and the Python traceback of errors",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show INFO logging (progress)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(subparsers)
    return parser


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.levelname_lower = record.levelname.lower()
        return super().format(record)


def _configure_logging(*, debug: bool, verbose: bool) -> tuple[logging.Handler, int]:
    handler = logging.StreamHandler(sys.stderr)
    fmt = "%(levelname_lower)s: %(message)s"
    if debug:
        fmt = "%(asctime)s %(name)s %(levelname_lower)s: %(message)s"
    handler.setFormatter(_Formatter(fmt))
    package = logging.getLogger("landopt")
    old_level = package.level
    package.addHandler(handler)
    package.setLevel(logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING)
    return handler, old_level


def _interrupt_on_signals() -> dict[int, Any]:
    """Make SIGTERM and SIGHUP end the command like Ctrl-C (cleanup, exit 130).

    Returns the handlers replaced, to put back. Only in the main thread (elsewhere Python
    cannot set handlers); a child process that inherited the handler dies as by default.
    """
    owner = os.getpid()

    def handler(signum: int, frame: Any) -> None:
        if os.getpid() != owner:  # a forked child: behave as if no handler were set
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise KeyboardInterrupt

    old: dict[int, Any] = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            old[signum] = signal.signal(signum, handler)
        except ValueError:  # not the main thread
            break
    return old


def main(argv: list[str] | None = None) -> int:
    """Run the ``landopt`` command line; return the exit code.

    Parameters
    ----------
    argv
        The arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 success, 2 bad input or an environment error (a file or folder that cannot be
        read or written: permission, read-only or full disk), 3 targets cannot be met,
        4 solver failure, 130 interrupted (Ctrl-C, SIGTERM, SIGHUP; nothing written),
        1 internal error.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return 2
    handler, old_level = _configure_logging(debug=args.debug, verbose=args.verbose)
    old_handlers = _interrupt_on_signals()
    try:
        return int(args.func(args))
    except LandoptError as exc:
        if args.debug:
            traceback.print_exc()
        _err(f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `landopt validate x.gpkg | head`): stop quietly and keep
        # Python from complaining again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports it
    except OSError as exc:  # the environment (disk, permissions), not a bug: name it
        if args.debug:
            traceback.print_exc()
        from landopt._atomic import describe_os_error

        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR):
            _err(f"error: {exc.filename or ''}: {exc.strerror or exc}".replace(": : ", ": "))
        else:
            _err(f"error: {describe_os_error(exc)}")
        return 2
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        _err(
            f"internal error: {type(exc).__name__}: {exc} "
            "(run with --debug for the traceback, and please report it)"
        )
        return 1
    finally:
        for signum, old in old_handlers.items():
            signal.signal(signum, old)
        package = logging.getLogger("landopt")
        package.removeHandler(handler)
        package.setLevel(old_level)
        handler.flush()
