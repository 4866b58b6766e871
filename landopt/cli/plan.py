"""``landopt plan`` (solve a scenario, write the plan) and ``landopt map`` (redraw a written one)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import pandas as pd

from landopt.cli import _console as con
from landopt.cli import options
from landopt.errors import InputError, LandoptError
from landopt.i18n import add_messages, t
from landopt.solvers.result import proof_text

add_messages(
    {
        "replacement_unit": {"en": "re-solves", "zh": "次重解"},
        "to_db": {
            "en": "also write the plan layer, summary and run record as tables "
            "(landopt_plan, landopt_summary, landopt_run) to this PostGIS database, in one "
            "transaction; the password from ~/.pgpass or PGPASSWORD",
            "zh": "同时将方案图层、汇总和运行记录以表（landopt_plan、landopt_summary、"
            "landopt_run）写入此 PostGIS 数据库，一次事务完成；密码取自 ~/.pgpass 或 PGPASSWORD",
        },
        "schema": {
            "en": "the database schema for --to-db (default public; created if missing)",
            "zh": "--to-db 写入的数据库模式（默认 public；不存在则创建）",
        },
        "wrote_db": {
            "en": "Wrote run {run_id} to {url}, schema {schema}: {tables}",
            "zh": "已将运行 {run_id} 写入 {url}（模式 {schema}）：{tables}",
        },
        "done": {
            "en": "an earlier plan folder whose actions were done (rolling re-plan): those "
            "before the programme's first year are fixed; the planner may have edited its "
            "action column to what really happened (overrides [programme] done)",
            "zh": "此前方案的输出文件夹（滚动重排）：其中早于规划首年的措施视为已实施并固定；"
            "可先将其措施列改为实际实施情况（优先于 [programme] done）",
        },
    },
    prefix="cli.plan.",
)

__all__ = [
    "add_map_options",
    "add_map_parser",
    "add_plan_parser",
    "format_plan_report",
    "plan_verdict",
]


# ----------------------------------------------------------------------------------------
# plan
# ----------------------------------------------------------------------------------------


def add_plan_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``landopt plan``."""
    lg = con.ui_lang()
    p = subparsers.add_parser(
        "plan", help=t("cli.plan.help", lg), description=t("cli.plan.description", lg)
    )
    p.add_argument("scenario", metavar="SCENARIO", help=t("cli.plan.scenario", lg))
    p.add_argument("--out", required=True, metavar="DIR", help=t("cli.plan.out", lg))
    p.add_argument("--force", action="store_true", help=t("cli.plan.force", lg))
    p.add_argument("--allow-shortfall", action="store_true", help=t("cli.plan.allow_shortfall", lg))
    p.add_argument("--parcels", help=t("cli.plan.parcels", lg))
    p.add_argument("--done", metavar="FOLDER", help=t("cli.plan.done", lg))
    p.add_argument("--to-db", metavar="URL", help=t("cli.plan.to_db", lg))
    p.add_argument("--schema", default="public", metavar="S", help=t("cli.plan.schema", lg))
    options.add_parcel_options(p, positional=False)
    g = p.add_argument_group(t("cli.plan.group_solver", lg))
    g.add_argument(
        "--backend", choices=["highs", "highs-pulp", "cbc"], help=t("cli.plan.backend", lg)
    )
    g.add_argument("--time-limit", type=float, metavar="S", help=t("cli.plan.time_limit", lg))
    g.add_argument("--gap", type=float, metavar="FRAC", help=t("cli.plan.gap", lg))
    g.add_argument("--abs-gap", type=float, metavar="WAN", help=t("cli.plan.abs_gap", lg))
    g.add_argument("--threads", type=int, metavar="N", help=t("cli.plan.threads", lg))
    g.add_argument("--solver-log", action="store_true", help=t("cli.plan.solver_log", lg))
    a = p.add_argument_group(t("cli.plan.group_analysis", lg))
    a.add_argument(
        "--alternatives", type=int, default=0, metavar="K", help=t("cli.plan.alternatives", lg)
    )
    a.add_argument(
        "--within", type=float, default=5.0, metavar="PCT", help=t("cli.plan.within", lg)
    )
    a.add_argument("--differ", type=int, default=5, metavar="N", help=t("cli.plan.differ", lg))
    a.add_argument(
        "--irreplaceability", action="store_true", help=t("cli.plan.irreplaceability", lg)
    )
    options.add_engine_options(a)  # the replacement costs' re-solves
    m = p.add_argument_group(t("cli.plan.group_maps", lg))
    m.add_argument("--no-maps", action="store_true", help=t("cli.plan.no_maps", lg))
    add_map_options(m)
    p.set_defaults(func=cmd_plan)
    return p


def cmd_plan(args: argparse.Namespace) -> int:
    """Run ``landopt plan``."""

    from landopt.errors import TargetsUnmetError
    from landopt.plan import OUTPUT_FILES, check_output_dir, solve, write_plan

    scenario = con.load_scenario_in_lang(args.scenario)  # --lang, LANDOPT_LANG, its lang
    lg = con.ui_lang()
    extra_names = [] if args.no_maps else _map_file_names(args)
    # before the solve: the folder is usable, writable, and its disk has room
    check_output_dir(
        args.out,
        force=args.force,
        names=[*OUTPUT_FILES, *extra_names],
        need_bytes=options.input_bytes(
            args.parcels or (scenario.parcels and scenario.parcels.location)
        ),
        whole=True,
    )
    if args.to_db:  # before the solve: a database that cannot be reached fails fast
        from landopt.plan_db import check_db

        check_db(args.to_db)
    overrides = {
        k: v
        for k, v in {
            "backend": args.backend,
            "time_limit": args.time_limit,
            "gap": args.gap,
            # --gap 0 alone asks for exact proof, as "gap = 0" alone does in a scenario
            "abs_gap": 0.0 if args.gap == 0 and args.abs_gap is None else args.abs_gap,
            "threads": args.threads,
            "log": True if args.solver_log else None,
        }.items()
        if v is not None
    }
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
            raise LandoptError(t("cli.plan.no_parcels", lg))
        src = scenario.parcels
        if not args.parcels and src.url is not None:  # the scenario's PostGIS table or query
            args.table, args.sql = src.table, src.sql
            args.geometry_column = src.geometry_column
        args.parcels = args.parcels or str(src.location)
        if src is not None:  # the scenario's reading options, unless given here
            kw = src.read_kwargs()
            args.layer = args.layer or kw["layer"]
            args.encoding = args.encoding or kw["encoding"]
            args.crs = args.crs or kw["crs"]
            args.columns = list((kw["columns"] or {}).items()) + list(args.columns)
            args.status_values = list((kw["status_values"] or {}).items()) + list(
                args.status_values
            )
            args.ledger, args.ledger_key = kw.get("ledger"), kw.get("ledger_key")
        parcels = options.read_parcels_from_args(args)

    started = time.perf_counter()
    try:
        plan = solve(
            scenario,
            parcels,
            allow_shortfall=args.allow_shortfall,
            done=options.done_from_args(args, scenario),
            **overrides,
        )
    except TargetsUnmetError as exc:
        con.err(t("cli.error", lg, message=exc))
        con.err("\n" + t("cli.plan.relax", lg))
        return exc.exit_code
    extra = {} if args.no_maps else _map_writers(plan, args)
    analysis_parts = _plan_analysis(plan, args, extra)
    written: list[Any] = []

    def to_db() -> Any:  # the tables stand or fall with the folder (write_plan's commit)
        from landopt.plan_db import delete_run_from_db, write_plan_to_db

        w = write_plan_to_db(plan, args.to_db, schema=args.schema)
        written.append(w)
        return lambda: delete_run_from_db(args.to_db, w.run_id, schema=w.schema)

    files = write_plan(
        plan, args.out, force=args.force, extra=extra, commit=to_db if args.to_db else None
    )
    db_parts: list[con.Part] = []
    for w in written:
        tables = con.join((f"{n} ({k:,})" for n, k in w.tables.items()), lg)
        db_parts.append(
            t("cli.plan.wrote_db", lg, run_id=w.run_id, url=w.url, schema=w.schema, tables=tables)
        )
    elapsed = time.perf_counter() - started

    con.show(
        [
            *_plan_report_parts(plan, args.scenario, lg),
            "",
            t(
                "cli.plan.wrote",
                lg,
                n=len(files),
                out=args.out,
                names=con.join((f.name for f in files), lg),
                s=f"{elapsed:.1f}",
            ),
            *db_parts,
            *analysis_parts,
        ]
    )
    if not plan.targets_met:
        con.err("")
        con.err(t("cli.plan.closest", lg))
        for s in plan.shortfalls:
            con.err(f"  - {s.describe()}")
        return 3
    return 0


def add_map_options(group: Any) -> None:
    """The options of the map files, shared by ``plan`` and ``map``."""
    lg = con.ui_lang()
    group.add_argument("--lang", choices=["zh", "en"], help=t("cli.map.lang", lg))
    group.add_argument("--dpi", type=int, default=300, help=t("cli.map.dpi", lg))
    group.add_argument(
        "--also",
        metavar="FORMATS",
        type=lambda text: [f.strip().lower() for f in text.split(",") if f.strip()],
        default=[],
        help=t("cli.map.also", lg),
    )
    group.add_argument("--district", metavar="FILE|none", help=t("cli.map.district", lg))
    group.add_argument("--tiles", metavar="URL", help=t("cli.map.tiles", lg))
    group.add_argument(
        "--paper", type=str.upper, choices=["A4", "A3"], default="A4", help=t("print.cli.paper", lg)
    )
    group.add_argument(
        "--orientation",
        choices=["landscape", "portrait"],
        default="landscape",
        help=t("print.cli.orientation", lg),
    )


def district_arg(args: argparse.Namespace) -> Any:
    """``--district``: a file, ``False`` for ``none``, or ``None`` for the default."""
    d = getattr(args, "district", None)
    return False if d is not None and d.lower() == "none" else d


def _extra_formats(args: argparse.Namespace) -> list[str]:
    bad = sorted(set(args.also) - {"pdf", "svg", "png"})
    if bad:
        raise InputError(t("cli.map.also_bad", con.ui_lang(), formats=con.join(bad)))
    return [f for f in dict.fromkeys(args.also) if f != "png"]


def _map_file_names(args: argparse.Namespace) -> list[str]:
    from landopt.report import MAP_FILES

    return [*MAP_FILES, *(f"plan.{f}" for f in _extra_formats(args))]


def _map_writers(plan: Any, args: argparse.Namespace) -> dict[str, Callable[[Any], None]]:
    """Writers of the map and report files for ``write_plan``."""
    from landopt.maps import save_plan_map
    from landopt.report import plan_outputs

    district = district_arg(args)
    sheet = {"paper": args.paper, "orientation": args.orientation}
    writers = plan_outputs(
        plan, lang=args.lang, district=district, tiles=args.tiles, dpi=args.dpi, **sheet
    )
    for fmt in _extra_formats(args):
        writers[f"plan.{fmt}"] = lambda path: save_plan_map(
            plan, path, lang=args.lang, district=district, **sheet
        )
    return writers


def _plan_analysis(
    plan: Any, args: argparse.Namespace, extra: dict[str, Callable[[Any], None]]
) -> list[con.Part]:
    """Alternatives and replacement costs for ``landopt plan``: columns on the plan, files, parts to print."""
    lg = con.ui_lang()
    parts: list[con.Part] = []
    if not (args.alternatives or args.irreplaceability):
        return parts
    if not plan.targets_met:
        return [t("cli.plan.no_analysis", lg)]
    from landopt.analysis import alternatives, replacement_costs, selection_frequency
    from landopt.plan import NONE

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
        parts += ["", t("cli.plan.alternatives_found", lg, message=alt.message)]
        parts.append(
            con.table(
                [
                    t("cli.plan.col_plan", lg),
                    t("cli.plan.col_objective", lg),
                    t("cli.plan.col_vs_optimal", lg),
                    t("cli.plan.col_differing", lg),
                ],
                [
                    [
                        t("cli.plan.optimal", lg)
                        if r["plan"] == "optimal"
                        else t("cli.plan.alt", lg, i=r["plan"][3:]),
                        f"{r['objective']:,.1f}",
                        f"{r['vs_optimal_pct']:+.2f} %",
                        str(r["parcels_differing_from_optimal"]),
                    ]
                    for r in rows
                ],
            )
        )
    if args.irreplaceability:
        n = int((plan.parcels["action"] != NONE).sum())
        with (
            options.engine_from_args(args, plan.scenario, n) as eng,
            con.progress_bar(n, t("cli.plan.replacement_unit", lg)) as progress,
        ):
            rc = replacement_costs(plan, engine=eng, progress=progress)
        by_id = rc.set_index("parcel_id")["replacement_cost"]
        plan.parcels["replacement_cost"] = (
            plan.parcels["parcel_id"].astype(str).map(by_id).to_numpy(float)
        )
        n_irr = int((rc["replacement_cost"] == float("inf")).sum())
        top = rc.head(5)
        parts += ["", t("cli.plan.replacement_title", lg, n=len(rc), irreplaceable=n_irr)]
        parts.append(
            con.table(
                [
                    t("cli.plan.col_parcel", lg),
                    t("cli.col.action", lg),
                    t("cli.col.mu", lg),
                    t("cli.plan.col_replacement", lg),
                ],
                [
                    [
                        str(r.parcel_id),
                        str(r.action),
                        con.mu(r.area_mu),
                        t("cli.plan.irreplaceable", lg)
                        if r.replacement_cost == float("inf")
                        else f"{r.replacement_cost:,.1f}",
                    ]
                    for r in top.itertuples(index=False)
                ],
            )
        )
        if not args.no_maps:
            from landopt.maps import save_parcel_values

            label = t("cli.plan.replacement_label", args.lang or plan.scenario.lang)
            extra["irreplaceability.png"] = lambda path: save_parcel_values(
                plan, by_id, path, label=label, lang=args.lang, district=district_arg(args)
            )
    return parts


def format_plan_report(plan: Any, source: str, lang: str | None = None) -> str:
    """The text ``landopt plan`` prints: targets against achievement, solver record."""
    return con.render(_plan_report_parts(plan, source, lang))


def summary_table(summary: Any, lang: str | None, *, scenario_column: bool = False) -> Any:
    """The targets-against-achievement table of a plan's (or a comparison's) summary."""
    lg = con.ui_lang(lang)
    header = [
        t("cli.col.action", lg),
        t("cli.col.plots", lg),
        t("cli.col.target", lg),
        t("cli.col.mu", lg),
        t("cli.col.target", lg),
        t("cli.col.cost", lg),
        t("cli.col.benefit", lg),
        t("cli.col.met", lg),
    ]
    if scenario_column:
        header.insert(0, t("cli.col.scenario", lg))
    body = []
    for row in summary.itertuples(index=False):
        if row.action == "total":
            name = t("cli.total", lg)
        elif lg == "zh" and row.label:
            name = row.label  # a Chinese table names the action in Chinese only
        else:
            name = f"{row.action} {row.label}".strip()
        cells = [
            name,
            con.count(row.plots),
            str(row.plots_target),
            con.mu(row.mu),
            str(row.mu_target),
            f"{row.cost_wan:,.0f}",
            f"{row.benefit_wan:,.0f}",
            t("cli.yes", lg) if row.met else t("cli.no", lg),
        ]
        if scenario_column:
            cells.insert(0, str(row.scenario))
        body.append(cells)
    return con.table(header, body)


def programme_table(plan: Any, lang: str | None) -> Any:
    """A programme plan's year-by-year table: plots, mu, re-supplies, money and budget use."""
    from landopt.programme_tables import TOTAL, by_year, header

    lg = con.ui_lang(lang)
    df = by_year(plan.scenario, plan.parcels)
    df = df[df["year"].notna()]
    cols = ["plots", "mu", "resupply_plots", "cost_wan", "budget_wan", "budget_use_pct"]
    head = [header("year", lg), t("cli.col.action", lg), *(header(c, lg) for c in cols)]
    labels = {
        a.name: (a.label if lg == "zh" and a.label else a.name) for a in plan.scenario.actions
    }
    body = []
    for r in df.itertuples(index=False):
        if r.action != TOTAL and not r.plots and not r.cost_wan:
            continue  # nothing of this action in that year
        body.append(
            [
                str(r.year),
                t("cli.total", lg) if r.action == TOTAL else labels.get(r.action, r.action),
                con.count(r.plots),
                con.mu(r.mu),
                con.count(r.resupply_plots),
                f"{r.cost_wan:,.0f}",
                "" if pd.isna(r.budget_wan) else f"{r.budget_wan:,.0f}",
                "" if pd.isna(r.budget_use_pct) else f"{r.budget_use_pct:.0f}",
            ]
        )
    return con.table(head, body)


def _objective_words(sc: Any, lg: str) -> str:
    """The objective in words: the objective component's own description (the one the
    report shows; 投入 for cost in Chinese), plus the terms other rules add to it."""
    from landopt.rules import component

    words = component("objective").describe(sc, lg)[0]
    if sc.spatial.active:
        words += t("cli.plan.boundary_term", lg, w=f"{sc.spatial.boundary_weight:g}")
    if any(z.kind == "priority" and z.bonus_wan_per_mu for z in sc.spatial.zones):
        words += t("cli.plan.priority_bonus", lg)
    projects = sc.rule("projects")
    if projects is not None and getattr(projects, "value_wan_per_yi", 0):
        # the projects component's reward is in the objective: say so, or a negative
        # "投入" reads as a mistake
        words += t("cli.plan.project_reward", lg, v=f"{projects.value_wan_per_yi:,g}")
    return words


def _plan_report_parts(plan: Any, source: str, lang: str | None) -> list[con.Part]:
    lg = con.ui_lang(lang)
    r = plan.result
    sc = plan.scenario
    title = sc.title or sc.name
    prog = sc.rule("programme")
    if prog is not None:  # a programme: its years, the whole programme, then year by year
        years = f"{prog.years[0]}—{prog.years[-1]}" if len(prog.years) > 1 else f"{prog.years[0]}"
        heading = title if years in title else t("cli.plan.title_year", lg, title=title, year=years)
    else:
        heading = t("cli.plan.title_year", lg, title=title, year=sc.year) if sc.year else title
    parts: list[con.Part] = [
        f"landopt plan {source}",
        "  " + heading,
        "",
        summary_table(plan.summary, lg),
    ]
    if prog is not None and "year" in plan.parcels.columns:
        parts += ["", programme_table(plan, lg)]
    if r.proven_optimal:  # proven optimal, or within the stopping rule with its proven gap
        quality = proof_text(r.record(), lg)
    elif r.has_solution:
        quality = t("cli.plan.not_proven", lg) + (
            t("cli.plan.time_limit_hit", lg) if r.time_limit_hit else ""
        )
    else:
        from landopt.diagnose import status_word

        quality = status_word(r.status, lg)
    gap = "" if r.gap is None else t("cli.plan.gap_value", lg, gap=f"{r.gap:.4%}")
    bound = "" if r.bound is None else t("cli.plan.bound_value", lg, bound=f"{r.bound:,.1f}")
    parts += [
        "",
        t(
            "cli.plan.objective_line",
            lg,
            words=_objective_words(sc, lg),
            value=f"{r.objective:,.1f}",
            bound=bound,
            gap=gap,
        ),
        t(
            "cli.plan.solver_line",
            lg,
            quality=quality,
            solver=r.solver,
            version=r.solver_version,
            backend=r.backend,
            s=f"{r.runtime:.2f}",
        ),
        t(
            "cli.plan.checks_line",
            lg,
            ok=sum(c.ok for c in plan.checks),
            n=len(plan.checks),
        ),
    ]
    if getattr(plan, "projects", None) is not None:
        from landopt.projects import summary_line

        parts.append(summary_line(plan.projects, lg))
    if plan.spatial:
        sp = plan.spatial
        parts.append(
            t(
                "cli.plan.compactness_line",
                lg,
                blocks=sp["blocks"],
                mean=f"{sp['mean_block_mu']:,.1f}",
                km=f"{sp['boundary_km']:,.2f}",
                w=f"{sc.spatial.boundary_weight:g}",
            )
        )
    return parts


# ----------------------------------------------------------------------------------------
# map
# ----------------------------------------------------------------------------------------


def add_map_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``landopt map``."""
    lg = con.ui_lang()
    p = subparsers.add_parser(
        "map", help=t("cli.map.help", lg), description=t("cli.map.description", lg)
    )
    p.add_argument("plan", metavar="PLAN", help=t("cli.map.plan", lg))
    p.add_argument("--out", metavar="DIR", help=t("cli.map.out", lg))
    add_map_options(p)
    p.set_defaults(func=cmd_map)
    return p


def cmd_map(args: argparse.Namespace) -> int:
    """Run ``landopt map``."""
    from landopt.maps import save_plan_map
    from landopt.plan import read_plan
    from landopt.report import redraw_plan

    formats = _extra_formats(args)
    district = district_arg(args)
    # its checks recomputed from plan.gpkg (not run.json), in the language the maps are drawn in
    plan = read_plan(args.plan, lang=args.lang)
    args.lang = con.adopt_lang(args.lang or plan.scenario.lang)
    files = redraw_plan(
        args.plan,
        out_dir=args.out,
        lang=args.lang,
        district=district,
        tiles=args.tiles,
        dpi=args.dpi,
        plan=plan,
        paper=args.paper,
        orientation=args.orientation,
    )
    for fmt in formats:
        files.append(
            save_plan_map(
                plan,
                files[0].parent / f"plan.{fmt}",
                lang=args.lang,
                district=district,
                paper=args.paper,
                orientation=args.orientation,
            )
        )
    con.out(t("cli.map.wrote", con.ui_lang(), files=con.join(str(f) for f in files)))
    return plan_verdict(plan, args.plan)


def plan_verdict(plan: Any, source: str) -> int:
    """Warn about a read plan that was edited, fails its re-check or misses its targets; the exit code."""
    lg = con.ui_lang()
    for note in plan.notes:
        con.err(t("cli.map.note", lg, source=source, note=note))
    failed = plan.failed_checks
    if failed:
        con.err(t("cli.map.fails_checks", lg, source=source, k=len(failed), n=len(plan.checks)))
        for c in failed:
            con.err(f"  - {c.name}: {c.detail}")
        return 3
    if not plan.targets_met:
        con.err(t("cli.map.shortfall_plan", lg, source=source))
        return 3
    return 0
