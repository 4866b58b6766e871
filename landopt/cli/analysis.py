"""``landopt compare``, ``landopt sweep`` and ``landopt calibrate``: several solves, one table."""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from landopt.cli import _console as con
from landopt.cli import options
from landopt.cli.plan import district_arg, plan_verdict, summary_table
from landopt.errors import InputError
from landopt.i18n import MESSAGES, t
from landopt.store import record as store_record

__all__ = [
    "add_calibrate_parser",
    "add_compare_parser",
    "add_sweep_parser",
    "format_compare_report",
    "format_sweep_report",
]


# ----------------------------------------------------------------------------------------
# compare
# ----------------------------------------------------------------------------------------


def add_compare_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``landopt compare``."""
    lg = con.ui_lang()
    p = subparsers.add_parser(
        "compare", help=t("cli.compare.help", lg), description=t("cli.compare.description", lg)
    )
    p.add_argument(
        "inputs", nargs="+", metavar="SCENARIO_OR_PLAN", help=t("cli.compare.inputs", lg)
    )
    p.add_argument("--out", required=True, metavar="DIR", help=t("cli.out", lg))
    p.add_argument("--force", action="store_true", help=t("cli.compare.force", lg))
    p.add_argument("--no-maps", action="store_true", help=t("cli.compare.no_maps", lg))
    p.add_argument("--lang", choices=["zh", "en"], help=t("cli.compare.lang", lg))
    p.add_argument("--district", metavar="FILE|none", help=t("cli.compare.district", lg))
    options.add_engine_options(p)  # the scenarios' solves
    p.set_defaults(func=cmd_compare)
    return p


def _solve_one(_: Any, scenario: Any) -> Any:
    """One scenario of ``landopt compare`` solved (on the engine's workers)."""
    from landopt.plan import solve

    return solve(scenario)


def _load_plans_or_solve(args: argparse.Namespace, inputs: list[str]) -> list[Any]:
    """Each input read (a plan folder or ``plan.gpkg``) or solved (a scenario), in order.

    Every scenario is loaded first, so a bad one is reported before any solve; two or more
    are solved on the many-solve engine (``--jobs``, default 1; ``--scheduler``), one alone
    here.
    """
    from pathlib import Path

    from landopt.plan import read_plan

    out: list[Any] = [None] * len(inputs)
    todo: list[tuple[int, Any]] = []
    for i, x in enumerate(inputs):
        p = Path(x)
        if p.is_dir() or p.suffix.lower() == ".gpkg":
            out[i] = read_plan(p)
        else:
            todo.append((i, con.load_scenario_in_lang(p)))
    if len(todo) == 1:
        out[todo[0][0]] = _solve_one(None, todo[0][1])
    elif todo:
        if args.jobs is None:  # a few scenarios: a cluster's start-up would outweigh them
            args.jobs = 1
        with options.engine_from_args(args, todo[0][1], len(todo)) as eng:
            for (i, _), plan in zip(todo, eng.map(_solve_one, [s for _, s in todo]), strict=True):
                out[i] = plan
    return out


def cmd_compare(args: argparse.Namespace) -> int:
    """Run ``landopt compare``."""
    from landopt.analysis import compare
    from landopt.plan import check_output_dir

    lg = con.ui_lang()
    if len(args.inputs) < 2:
        raise InputError(t("cli.compare.need_two", lg))
    names = ["compare.csv", "changes.csv"] + ([] if args.no_maps else ["compare.png"])
    out = check_output_dir(args.out, force=args.force, names=names)
    plans = _load_plans_or_solve(args, list(args.inputs))
    lg = con.adopt_lang(plans[0].scenario.lang)  # --lang, LANDOPT_LANG, the first scenario's
    read = [(p, x) for p, x in zip(plans, args.inputs, strict=True) if p.result.x is None]
    verdict = max([plan_verdict(p, x) for p, x in read], default=0)
    table, changes = compare(plans)
    out.mkdir(parents=True, exist_ok=True)
    options.atomic_csv(table, out / "compare.csv")
    options.atomic_csv(changes, out / "changes.csv")
    if not args.no_maps:
        from landopt.report import write_comparison

        write_comparison(
            plans[0], plans[1], out / "compare.png", lang=lg, district=district_arg(args)
        )
    store_record.attach(store_record.last_run_id(), out, names)
    con.show(
        [
            *_compare_parts(table, changes, lg, plans=plans),
            "",
            t("cli.wrote", lg, names=con.join(names, lg), out=out),
        ]
    )
    return verdict


def format_compare_report(
    table: Any, changes: Any, lang: str | None = None, *, plans: Any = ()
) -> str:
    """The text ``landopt compare`` prints (with ``plans``: their labels and column names)."""
    return con.render(_compare_parts(table, changes, lang, plans=plans))


def _change_words(plans: Any, lg: str) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and action words of the changes table in the plans' language.

    In Chinese the actions are shown by their labels (出清, 不处置), and the id column by
    the planner's own name (``[parcels] columns``) or 地块编号; in English as written in
    changes.csv (codes, ``parcel_id``).
    """
    from landopt.scenario import planner_names

    headers = {"parcel_id": t("cli.compare.col_parcel_id", lg)}
    if lg != "zh":
        return headers, {}
    words = {"none": t("cli.compare.no_action", lg)}
    for plan in reversed(list(plans)):
        sc = plan.scenario
        words.update({a.name: a.label or a.name for a in sc.actions})
        own = planner_names(sc.parcels, lg)[0].get("parcel_id")
        if own:
            headers["parcel_id"] = own
    return headers, words


def _compare_parts(
    table: Any, changes: Any, lang: str | None, *, plans: Any = ()
) -> list[con.Part]:
    lg = con.ui_lang(lang)
    headers, words = _change_words(plans, lg)
    parts: list[con.Part] = [
        "landopt compare",
        "",
        summary_table(table, lg, scenario_column=True),
        "",
        t("cli.compare.changes", lg, n=len(changes)),
    ]
    cols = [c for c in changes.columns if c not in ("name", "township", "area_mu")]
    if len(changes):
        shown = changes.head(15)
        body = [
            [
                str(v) if c == "parcel_id" else words.get(str(v), str(v))
                for c, v in zip(cols, row, strict=True)
            ]
            for row in shown[cols].itertuples(index=False)
        ]
        parts.append(con.table([headers.get(c, c) for c in cols], body))
        if len(changes) > 15:
            parts.append(t("cli.compare.more_changes", lg, n=len(changes) - 15))
    return parts


# ----------------------------------------------------------------------------------------
# sweep
# ----------------------------------------------------------------------------------------


def add_sweep_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``landopt sweep``."""
    lg = con.ui_lang()
    p = subparsers.add_parser(
        "sweep", help=t("cli.sweep.help", lg), description=t("cli.sweep.description", lg)
    )
    p.add_argument("scenario", metavar="SCENARIO", help=t("cli.scenario", lg))
    p.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="KEY=START:STOP:STEP",
        help=t("cli.sweep.vary", lg),
    )
    _add_run_options(p, t("cli.sweep.force", lg))
    p.set_defaults(func=cmd_sweep)
    return p


def _add_run_options(p: argparse.ArgumentParser, force_help: str) -> None:
    """``--out``, ``--force``, ``--jobs``, ``--scheduler`` and ``--lang`` of the commands that
    solve many points."""
    lg = con.ui_lang()
    p.add_argument("--out", required=True, metavar="DIR", help=t("cli.out", lg))
    p.add_argument("--force", action="store_true", help=force_help)
    options.add_engine_options(p)
    p.add_argument("--lang", choices=["zh", "en"], help=t("cli.plot_lang", lg))


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run ``landopt sweep``."""
    from landopt.analysis import parse_vary, sweep
    from landopt.plan import check_output_dir

    scenario = con.load_scenario_in_lang(args.scenario)
    lg = con.ui_lang()
    vary = dict(parse_vary(v) for v in args.vary)
    if len(vary) > 2:
        raise InputError(t("cli.sweep.too_many", lg))
    names = ["sweep.csv"] + (["sweep.png"] if len(vary) == 1 else [])
    out = check_output_dir(args.out, force=args.force, names=names)
    n = int(np.prod([len(v) for v in vary.values()]))
    con.err(t("cli.sweep.start", lg, n=n, keys=con.join(vary, lg)))
    with options.engine_from_args(args, scenario, n) as eng:
        if len(vary) == 1:
            from landopt.maps import warm_up

            eng.when_idle(warm_up)  # matplotlib for sweep.png, while a worker ends
        with con.progress_bar(n, t("cli.sweep.points", lg)) as progress:
            result = sweep(scenario, None, vary, engine=eng, progress=progress)
        eng.release()  # its workers close while the outputs are written
        out.mkdir(parents=True, exist_ok=True)
        options.atomic_csv(result.table, out / "sweep.csv")
        if len(vary) == 1:
            from landopt.maps import save_sweep_plot

            save_sweep_plot(result, out / "sweep.png", lang=args.lang, scenario=scenario)
    store_record.attach(result.run_id, out, names)
    con.show(
        [
            *_sweep_parts(result, lg),
            "",
            t(
                "cli.sweep.done",
                lg,
                n=n,
                s=f"{result.wall_s:.1f}",
                jobs=result.jobs,
                names=con.join(names, lg),
                out=out,
            ),
        ]
    )
    return 0


def _status_word(status: Any, lg: str) -> str:
    key = f"cli.sweep.status_{status}"
    return t(key, lg) if key in MESSAGES else str(status)


def format_sweep_report(result: Any, lang: str | None = None) -> str:
    """The sweep table as text: key values, status, objective, marginal cost."""
    return con.render(_sweep_parts(result, lang))


def _sweep_parts(result: Any, lang: str | None) -> list[con.Part]:
    lg = con.ui_lang(lang)
    table = result.table
    cols = [*result.keys, "status", "objective"] + (["marginal"] if "marginal" in table else [])
    body = []
    for row in table[cols].itertuples(index=False):
        cells = []
        for c, v in zip(cols, row, strict=True):
            if c == "status":
                cells.append(_status_word(v, lg))
            elif v is None or (isinstance(v, float) and not np.isfinite(v)):
                cells.append("-")
            else:
                cells.append(f"{v:,.1f}" if c in ("objective", "marginal") else f"{v:g}")
        body.append(cells)
    header = [c if c in result.keys else t(f"cli.sweep.col_{c}", lg) for c in cols]
    return ["landopt sweep", "", con.table(header, body)]


# ----------------------------------------------------------------------------------------
# calibrate
# ----------------------------------------------------------------------------------------


def add_calibrate_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``landopt calibrate``."""
    lg = con.ui_lang()
    p = subparsers.add_parser(
        "calibrate",
        help=t("cli.calibrate.help", lg),
        description=t("cli.calibrate.description", lg),
    )
    p.add_argument("scenario", metavar="SCENARIO", help=t("cli.scenario", lg))
    p.add_argument(
        "--weights", default="0,10,25,50,100,250,500,1000,2500", help=t("cli.calibrate.weights", lg)
    )
    p.add_argument("--actions", help=t("cli.calibrate.actions", lg))
    _add_run_options(p, t("cli.calibrate.force", lg))
    p.set_defaults(func=cmd_calibrate)
    return p


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Run ``landopt calibrate``."""
    from landopt.analysis import calibrate
    from landopt.maps import save_calibration_plot, warm_up
    from landopt.plan import check_output_dir

    scenario = con.load_scenario_in_lang(args.scenario)
    lg = con.ui_lang()
    if args.actions:
        scenario = scenario.with_value(
            "spatial.boundary_actions", [a.strip() for a in args.actions.split(",") if a.strip()]
        )
    try:
        weights = [float(w) for w in args.weights.split(",") if w.strip()]
    except ValueError:
        raise InputError(t("cli.calibrate.weights_bad", lg, got=repr(args.weights))) from None
    out = check_output_dir(args.out, force=args.force, names=["calibrate.csv", "calibrate.png"])
    with options.engine_from_args(args, scenario, len(weights)) as eng:
        eng.when_idle(warm_up)  # matplotlib for calibrate.png, while a worker ends
        with con.progress_bar(len(weights), t("cli.calibrate.weights_unit", lg)) as progress:
            result = calibrate(scenario, None, weights, engine=eng, progress=progress)
        eng.release()  # its workers close while the outputs are written
        out.mkdir(parents=True, exist_ok=True)
        options.atomic_csv(result.table, out / "calibrate.csv")
        save_calibration_plot(result, out / "calibrate.png", lang=args.lang, scenario=scenario)
    store_record.attach(result.run_id, out, ["calibrate.csv", "calibrate.png"])
    table = result.table
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
            t("cli.calibrate.knee", lg) if r[5] else "",
        ]
        for r in table[cols].itertuples(index=False)
    ]
    header = [
        t("cli.calibrate.col_weight", lg),
        t("cli.col.cost", lg),
        t("cli.calibrate.col_boundary", lg),
        t("cli.calibrate.col_blocks", lg),
        t("cli.calibrate.col_mean_block", lg),
        "",
    ]
    con.show(
        [
            "landopt calibrate",
            "",
            con.table(header, body),
            "",
            t("cli.calibrate.done", lg, n=len(table), s=f"{result.wall_s:.1f}", out=out),
        ]
    )
    return 0
