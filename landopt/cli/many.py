"""``landopt plan-many``: every district of a province in one command.

The library parts are :mod:`landopt.districts` (one problem per district) and, when the
scenario has a ``[shared]`` table of province totals, :mod:`landopt.decompose` (the
totals shared by prices, with a proven bound).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from landopt.cli import _console as con
from landopt.cli.options import add_engine_options
from landopt.errors import InputError
from landopt.i18n import add_messages, t

__all__ = ["add_plan_many_parser", "cmd_plan_many"]

add_messages(
    {
        "help": {
            "en": "plan every district of a province, each as its own problem",
            "zh": "逐个区县编制计划（每个区县单独求解）",
        },
        "description": {
            "en": (
                "Plans each district of a province layer with the scenario's rules and writes one plan "
                "folder per district plus a provincial summary (districts.csv, districts.xlsx, "
                "districts.png). Districts come from a column (--by) or from a folder of layers "
                "(--layers, one file per district, its name the code). Targets per district: the "
                "scenario's as written; or a table (--targets, CSV or Excel: columns district, action, "
                "and any of count, count_min, count_max, area_min, area_max; an empty cell is no bound; "
                "a pair not listed has no target); or the scenario's targets as the province's, scaled "
                "by each district's share of eligible mu (--scale-targets: areas exactly, rounded up to "
                "0.01 mu; counts by largest remainder, adding up to the province's). A [shared] table of "
                "province totals is shared among the districts by prices (Lagrangian decomposition); "
                "allocation.csv and decomposition.json give the shares, the cost, the proven bound and "
                "the gap. Districts whose targets cannot be met get their closest plan and are listed."
            ),
            "zh": (
                "按情景规则逐个区县编制计划，每个区县输出一个计划文件夹，并输出全省汇总（districts.csv、"
                "districts.xlsx、districts.png）。区县来自字段（--by）或图层文件夹（--layers，每个区县一个文件，"
                "文件名即代码）。各区县目标：默认沿用情景目标；或用指标表（--targets，CSV 或 Excel，列为 "
                "district、action 及 count、count_min、count_max、area_min、area_max 中任意列，空格表示不限，"
                "未列出的组合无目标）；或把情景目标视为全省目标，按各区县可选面积占比分解（--scale-targets："
                "面积按比例向上取整到 0.01 亩，宗数按最大余数法分配，合计等于全省）。情景中的 [shared] 全省"
                "总量按影子价格（拉格朗日分解）分配给各区县，allocation.csv 与 decomposition.json 给出分配、"
                "成本、可证明的下界与差距。目标无法达成的区县输出最接近的计划并列出原因。"
            ),
        },
        "by": {
            "en": "the column naming each parcel's district (e.g. district_code)",
            "zh": "记录地块所属区县的字段（如 district_code）",
        },
        "layers": {
            "en": "a folder with one parcel layer per district, instead of --by",
            "zh": "每个区县一个地块图层的文件夹（代替 --by）",
        },
        "parcels": {
            "en": "the province layer (default: the scenario's [parcels] path)",
            "zh": "全省地块图层（默认：情景 [parcels] 中的路径）",
        },
        "targets": {
            "en": "targets per district: a CSV or Excel table (see above)",
            "zh": "各区县目标：CSV 或 Excel 指标表（见上）",
        },
        "scale": {
            "en": "scale the scenario's targets to each district by eligible mu",
            "zh": "按可选面积占比把情景目标分解到各区县",
        },
        "maps": {
            "en": "also draw each district's plan map (slow for many districts)",
            "zh": "同时绘制各区县计划图（区县多时较慢）",
        },
        "joint": {
            "en": "with [shared]: also solve all districts as one model, to compare",
            "zh": "含 [shared] 时：同时把全部区县作为一个模型求解以作比较",
        },
        "force": {"en": "replace an earlier plan-many folder", "zh": "覆盖之前的多区县输出文件夹"},
        "start": {"en": "planning {n} districts", "zh": "正在编制 {n} 个区县的计划"},
        "start_shared": {
            "en": "sharing {rows} among {n} districts by prices",
            "zh": "正在按影子价格向 {n} 个区县分配 {rows}",
        },
        "unit": {"en": "districts", "zh": "个区县"},
        "rounds": {"en": "price rounds", "zh": "轮价格迭代"},
        "done": {
            "en": "{n} districts ({met} met) in {s} s on {workers} worker(s); total cost {cost} 万元; wrote {out}",
            "zh": "{n} 个区县（{met} 个达成）用时 {s} 秒，{workers} 个进程；总成本 {cost} 万元；已写入 {out}",
        },
        "unmet": {"en": "targets not met in {code}: {why}", "zh": "{code} 目标未达成：{why}"},
        "error": {"en": "{code} failed: {why}", "zh": "{code} 求解失败：{why}"},
        "shared_done": {
            "en": "shared totals: allocation {cost}, lower bound {bound}, gap {gap} ({rel}) after {rounds} price rounds{feasible}",
            "zh": "共享指标：分配方案 {cost}，下界 {bound}，差距 {gap}（{rel}），价格迭代 {rounds} 轮{feasible}",
        },
        "infeasible": {
            "en": "; NOT a feasible allocation (see allocation.csv)",
            "zh": "；分配方案不可行（见 allocation.csv）",
        },
        "joint_done": {
            "en": "joint model: {status}, objective {obj} in {s} s",
            "zh": "联合模型：{status}，目标值 {obj}，用时 {s} 秒",
        },
    },
    prefix="cli.plan_many.",
)


def add_plan_many_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``landopt plan-many``."""
    lg = con.ui_lang()
    p = subparsers.add_parser(
        "plan-many",
        help=t("cli.plan_many.help", lg),
        description=t("cli.plan_many.description", lg),
    )
    p.add_argument("scenario", metavar="SCENARIO", help=t("cli.scenario", lg))
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--by", metavar="COLUMN", help=t("cli.plan_many.by", lg))
    g.add_argument("--layers", metavar="DIR", help=t("cli.plan_many.layers", lg))
    p.add_argument("--parcels", metavar="PATH", help=t("cli.plan_many.parcels", lg))
    tg = p.add_mutually_exclusive_group()
    tg.add_argument("--targets", metavar="TABLE", help=t("cli.plan_many.targets", lg))
    tg.add_argument("--scale-targets", action="store_true", help=t("cli.plan_many.scale", lg))
    p.add_argument("--out", required=True, metavar="DIR", help=t("cli.out", lg))
    add_engine_options(p)
    p.add_argument("--time-limit", type=float, metavar="S", help=t("cli.plan.time_limit", lg))
    p.add_argument("--maps", action="store_true", help=t("cli.plan_many.maps", lg))
    p.add_argument("--joint", action="store_true", help=t("cli.plan_many.joint", lg))
    p.add_argument("--force", action="store_true", help=t("cli.plan_many.force", lg))
    p.add_argument("--lang", choices=["zh", "en"], help=t("cli.plot_lang", lg))
    p.set_defaults(func=cmd_plan_many)
    return p


def _first_line(text: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "")


def cmd_plan_many(args: argparse.Namespace) -> int:
    """Run ``landopt plan-many``."""
    from landopt.districts import (
        ManyResult,
        footprints_of,
        plan_many,
        split_by,
        summary_table,
        write_many,
    )

    scenario = con.load_scenario_in_lang(args.scenario)
    lg = con.ui_lang()
    out = Path(args.out)
    parcels = None
    n_by = 0
    if args.by:
        from landopt.parcels import read_parcels

        if args.parcels:
            kwargs = scenario.parcels.read_kwargs() if scenario.parcels else {}
            parcels = read_parcels(args.parcels, **kwargs)
        elif scenario.parcels is None:
            raise InputError(t("cli.plan_many.parcels", lg))
        else:
            parcels = read_parcels(scenario.parcels.location, **scenario.parcels.read_kwargs())
        n_by = len(split_by(parcels, args.by, lg))  # a bad --by fails before anything is solved
    overrides = {"time_limit": args.time_limit} if args.time_limit else {}
    common: dict[str, Any] = {
        "by": args.by,
        "folder": args.layers,
        "targets": args.targets,
        "scale": args.scale_targets,
        "jobs": args.jobs,
        "scheduler": args.scheduler,
    }
    extra = None
    alloc = None
    if scenario.rule("shared") is not None:
        from landopt.decompose import decompose, headed_shares, row_labels

        con.err(
            t(
                "cli.plan_many.start_shared",
                lg,
                rows=con.join(row_labels(scenario, lg), lg),
                n=n_by or "…",
            )
        )
        spec = scenario.rule("shared")
        with con.progress_bar(spec.iterations, t("cli.plan_many.rounds", lg)) as progress:
            alloc = decompose(
                scenario, parcels, progress=progress, joint=args.joint, **common, **overrides
            )
        result = ManyResult(scenario, alloc.districts, None, alloc.wall_s, alloc.workers)  # type: ignore[arg-type]
        if args.by:
            result.footprints = footprints_of(split_by(parcels, args.by, lg))
        result.summary = summary_table(result)
        result.run_id = alloc.run_id
        record = {
            "cost": alloc.cost, "lower_bound": alloc.lower_bound, "gap": alloc.gap, "rel_gap": alloc.rel_gap,
            "feasible": alloc.feasible, "rounds": alloc.rounds, "prices": alloc.prices.tolist(),
            "rows": row_labels(scenario, "en"), "history": alloc.history, "joint": alloc.joint,
            "wall_s": alloc.wall_s, "workers": alloc.workers,
        }  # fmt: skip
        table = headed_shares(alloc, args.lang)
        extra = {
            "allocation.csv": lambda p: table.to_csv(p, index=False, encoding="utf-8-sig"),
            "decomposition.json": lambda p: p.write_text(
                json.dumps(record, ensure_ascii=False, indent=2, default=float), encoding="utf-8"
            ),
        }
    else:
        con.err(t("cli.plan_many.start", lg, n=n_by or "…"))
        with con.progress_bar(max(n_by, 1), t("cli.plan_many.unit", lg)) as progress:
            result = plan_many(scenario, parcels, progress=progress, **common, **overrides)
    write_many(result, out, maps=args.maps, force=args.force, lang=args.lang, extra=extra)
    lines: list[str] = []
    for d in result.districts:
        if d.status == "unmet":
            lines.append(t("cli.plan_many.unmet", lg, code=d.code, why=_first_line(d.message)))
        elif d.status == "error":
            lines.append(t("cli.plan_many.error", lg, code=d.code, why=_first_line(d.message)))
    if alloc is not None:
        lines.append(
            t(
                "cli.plan_many.shared_done",
                lg,
                cost=f"{alloc.cost:,.1f}",
                bound=f"{alloc.lower_bound:,.1f}",
                gap=f"{alloc.gap:,.1f}",
                rel=f"{alloc.rel_gap:.2%}",
                rounds=alloc.rounds,
                feasible="" if alloc.feasible else t("cli.plan_many.infeasible", lg),
            )
        )
        if alloc.joint:
            j = alloc.joint
            obj = "–" if j["objective"] is None else f"{j['objective']:,.1f}"
            lines.append(
                t(
                    "cli.plan_many.joint_done",
                    lg,
                    status=j["status"],
                    obj=obj,
                    s=f"{j['seconds']:.1f}",
                )
            )
    met = sum(d.status == "met" for d in result.districts)
    total = float(result.summary["cost_wan"].iloc[-1])
    lines.append(
        t(
            "cli.plan_many.done",
            lg,
            n=len(result.districts),
            met=met,
            s=f"{result.wall_s:.1f}",
            workers=result.workers,
            cost=f"{total:,.0f}",
            out=out,
        )
    )
    con.show(lines)
    # the plan's own exit codes: 4 when a district's solve failed, 3 when one misses its
    # targets (its closest plan is written and listed above), 0 when every district is met
    if any(d.status == "error" for d in result.districts):
        return 4
    return 3 if result.unmet else 0
