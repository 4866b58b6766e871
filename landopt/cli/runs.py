"""``landopt runs list|show|diff|open``: the run history in the run store.

Every plan, sweep, comparison, calibration and programme run is recorded in the run store
(:mod:`landopt.store`); these commands read it. Times are shown in the district's time
zone (the run's scenario ``timezone``, else ``LANDOPT_TZ``, else Beijing time); a run is
named by its id or any unique start of it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from typing import Any

from landopt.cli import _console as con
from landopt.errors import InputError
from landopt.i18n import MESSAGES, add_messages, t

__all__ = ["add_runs_parser", "cmd_runs"]

add_messages(
    {
        "help": {
            "en": "list, show, compare and open recorded runs",
            "zh": "列出、查看、比较和打开运行记录",
        },
        "description": {
            "en": "Every plan, sweep, comparison, calibration and programme is recorded in the "
            "run store (an SQLite file in your data folder by default; [store] url or "
            "LANDOPT_STORE_URL for a shared PostgreSQL). These commands read it.",
            "zh": "每次方案、扫描、比较、校准和年度计划运行都记入运行记录库（默认为数据目录中的 "
            "SQLite 文件；共用的 PostgreSQL 用 [store] url 或 LANDOPT_STORE_URL 设置）。"
            "以下命令读取该库。",
        },
        "store": {
            "en": "the run store's URL (default: LANDOPT_STORE_URL, else your runs.sqlite)",
            "zh": "运行记录库地址（默认 LANDOPT_STORE_URL，否则为本机的 runs.sqlite）",
        },
        "lang": {"en": "language of the output: zh or en", "zh": "输出语言：zh 或 en"},
        "list.help": {"en": "the runs, newest first", "zh": "列出运行记录，最新的在前"},
        "list.kind": {"en": "only runs of this kind", "zh": "只列此类运行"},
        "list.status": {"en": "only runs with this status", "zh": "只列此状态的运行"},
        "list.user": {"en": "only runs of this user", "zh": "只列此用户的运行"},
        "list.limit": {"en": "at most N runs (default 20)", "zh": "最多 N 条（默认 20）"},
        "list.none": {"en": "no runs recorded in {url}", "zh": "{url} 中没有运行记录"},
        "list.footer": {
            "en": "{n} of {total} runs in {url}",
            "zh": "{url} 共 {total} 条运行记录，显示 {n} 条",
        },
        "show.help": {
            "en": "one run: scenario, summary, status, outputs",
            "zh": "查看一次运行：情景、汇总、状态和成果",
        },
        "show.json": {"en": "print the whole record as JSON", "zh": "以 JSON 输出完整记录"},
        "diff.help": {"en": "what differs between two runs", "zh": "比较两次运行的差异"},
        "diff.same": {
            "en": "the two runs have the same scenario and summary",
            "zh": "两次运行的情景与汇总相同",
        },
        "open.help": {
            "en": "print a run's output folder (and open it on a desktop)",
            "zh": "输出一次运行的成果文件夹路径（在桌面环境中同时打开）",
        },
        "open.none": {
            "en": "run {id} wrote no output folder",
            "zh": "运行 {id} 没有写出成果文件夹",
        },
        "open.gone": {
            "en": "run {id}'s output folder {path} no longer exists",
            "zh": "运行 {id} 的成果文件夹 {path} 已不存在",
        },
        "id": {"en": "a run id, or a unique start of one", "zh": "运行编号，或其唯一的前缀"},
        "col.id": {"en": "id", "zh": "编号"},
        "col.started": {"en": "started", "zh": "开始时间"},
        "col.kind": {"en": "kind", "zh": "类型"},
        "col.name": {"en": "name", "zh": "名称"},
        "col.status": {"en": "status", "zh": "状态"},
        "col.user": {"en": "user", "zh": "用户"},
        "col.origin": {"en": "from", "zh": "来源"},
        "col.seconds": {"en": "seconds", "zh": "用时（秒）"},
        "col.out": {"en": "outputs", "zh": "成果"},
        "col.key": {"en": "item", "zh": "项目"},
        "col.value": {"en": "value", "zh": "内容"},
        "col.file": {"en": "file", "zh": "文件"},
        "col.where": {"en": "where", "zh": "位置"},
        "field.finished": {"en": "finished", "zh": "结束时间"},
        "field.version": {"en": "landopt version", "zh": "landopt 版本"},
        "field.error": {"en": "error", "zh": "错误"},
        "field.out_dir": {"en": "output folder", "zh": "成果文件夹"},
        "section.inputs": {"en": "Inputs", "zh": "输入文件"},
        "section.outputs": {"en": "Outputs", "zh": "成果文件"},
        "section.summary": {"en": "Summary", "zh": "汇总"},
        "section.result": {"en": "Solver", "zh": "求解结果"},
        "section.scenario": {"en": "Scenario (as resolved)", "zh": "情景（实际采用的设置）"},
        "section.diff_scenario": {"en": "Scenario differences", "zh": "情景差异"},
        "section.diff_summary": {"en": "Summary differences", "zh": "汇总差异"},
        "section.diff_result": {"en": "Solver differences", "zh": "求解结果差异"},
        "status.queued": {"en": "queued", "zh": "排队中"},
        "status.running": {"en": "running", "zh": "运行中"},
        "status.done": {"en": "done", "zh": "完成"},
        "status.infeasible": {"en": "infeasible", "zh": "目标无法满足"},
        "status.failed": {"en": "failed", "zh": "失败"},
        "status.cancelled": {"en": "cancelled", "zh": "已取消"},
        "status.interrupted": {"en": "interrupted", "zh": "已中断"},
        "kind.plan": {"en": "plan", "zh": "方案"},
        "kind.programme": {"en": "programme", "zh": "年度计划"},
        "kind.sweep": {"en": "sweep", "zh": "扫描"},
        "kind.compare": {"en": "comparison", "zh": "比较"},
        "kind.calibrate": {"en": "calibration", "zh": "校准"},
        "kind.alternatives": {"en": "alternatives", "zh": "备选方案"},
        "kind.plan-many": {"en": "many plans", "zh": "批量方案"},
        "origin.cli": {"en": "command line", "zh": "命令行"},
        "origin.api": {"en": "Python", "zh": "Python"},
        "origin.web": {"en": "web app", "zh": "网页"},
        "origin.notebook": {"en": "notebook", "zh": "笔记本"},
    },
    prefix="cli.runs.",
)


def _word(group: str, value: str | None, lg: str) -> str:
    key = f"cli.runs.{group}.{value}"
    return t(key, lg) if key in MESSAGES else str(value or "")


def add_runs_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``landopt runs`` with ``list``, ``show``, ``diff`` and ``open``."""
    from landopt.store import KINDS, STATUSES

    lg = con.ui_lang()
    p = subparsers.add_parser(
        "runs", help=t("cli.runs.help", lg), description=t("cli.runs.description", lg)
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", metavar="URL", help=t("cli.runs.store", lg))
    common.add_argument("--lang", choices=["zh", "en"], help=t("cli.runs.lang", lg))
    sub = p.add_subparsers(dest="runs_command", metavar="COMMAND", required=True)
    ls = sub.add_parser("list", parents=[common], help=t("cli.runs.list.help", lg))
    ls.add_argument("--kind", choices=KINDS, help=t("cli.runs.list.kind", lg))
    ls.add_argument("--status", choices=STATUSES, help=t("cli.runs.list.status", lg))
    ls.add_argument("--user", help=t("cli.runs.list.user", lg))
    ls.add_argument("--limit", type=int, default=20, metavar="N", help=t("cli.runs.list.limit", lg))
    show = sub.add_parser("show", parents=[common], help=t("cli.runs.show.help", lg))
    show.add_argument("id", metavar="ID", help=t("cli.runs.id", lg))
    show.add_argument("--json", action="store_true", help=t("cli.runs.show.json", lg))
    diff = sub.add_parser("diff", parents=[common], help=t("cli.runs.diff.help", lg))
    diff.add_argument("a", metavar="A", help=t("cli.runs.id", lg))
    diff.add_argument("b", metavar="B", help=t("cli.runs.id", lg))
    opn = sub.add_parser("open", parents=[common], help=t("cli.runs.open.help", lg))
    opn.add_argument("id", metavar="ID", help=t("cli.runs.id", lg))
    p.set_defaults(func=cmd_runs)
    return p


def cmd_runs(args: argparse.Namespace) -> int:
    """Run ``landopt runs SUBCOMMAND``."""
    from landopt.store import RunStore, default_store_url

    with RunStore(default_store_url(args.store)) as store:
        return {"list": _list, "show": _show, "diff": _diff, "open": _open}[args.runs_command](
            store, args, con.ui_lang()
        )


# --------------------------------------------------------------------------- helpers
def _zone(rec: Any) -> str:
    from landopt.localtime import district_zone

    return (rec.scenario or {}).get("timezone") or district_zone()


def _when(rec: Any, when: Any, lg: str) -> str:
    from landopt.localtime import local_time

    return local_time(when, _zone(rec), lg)


def _seconds(rec: Any) -> str:
    if rec.finished_at is None:
        return ""
    return f"{(rec.finished_at - rec.started_at).total_seconds():.1f}"


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# --------------------------------------------------------------------------- commands
def _list(store: Any, args: argparse.Namespace, lg: str) -> int:
    runs = store.list(kind=args.kind, status=args.status, user=args.user, limit=max(args.limit, 0))
    if not runs:
        con.out(t("cli.runs.list.none", lg, url=store.safe_url))
        return 0
    header = [
        t(f"cli.runs.col.{c}", lg)
        for c in ("id", "started", "kind", "name", "status", "user", "origin", "seconds", "out")
    ]
    rows = [
        [
            r.id[:12],
            _when(r, r.started_at, lg),
            _word("kind", r.kind, lg),
            r.name,
            _word("status", r.status, lg),
            r.user or "",
            _word("origin", r.origin, lg),
            _seconds(r),
            r.out_dir or "",
        ]
        for r in runs
    ]
    total = store.count()
    con.show(
        [
            con.table(header, rows),
            t("cli.runs.list.footer", lg, n=len(runs), total=total, url=store.safe_url),
        ]
    )
    return 0


def _kv(pairs: list[tuple[str, Any]], lg: str) -> Any:
    return con.table(
        [t("cli.runs.col.key", lg), t("cli.runs.col.value", lg)],
        [[k, _cell(v)] for k, v in pairs if v not in (None, "")],
    )


def _rows_table(rows: Any) -> Any:
    """A list of JSON rows as a table (its keys as the header)."""
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        return _cell(rows)
    keys = list(dict.fromkeys(k for r in rows for k in r))
    return con.table(keys, [[_cell(r.get(k)) for k in keys] for r in rows])


def _show(store: Any, args: argparse.Namespace, lg: str) -> int:
    rec = store.get(args.id)
    if args.json:
        sys.stdout.write(json.dumps(rec.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return 0
    parts: list[con.Part] = [
        _kv(
            [
                (t("cli.runs.col.id", lg), rec.id),
                (t("cli.runs.col.kind", lg), _word("kind", rec.kind, lg)),
                (t("cli.runs.col.name", lg), rec.name),
                (t("cli.runs.col.status", lg), _word("status", rec.status, lg)),
                (t("cli.runs.col.user", lg), rec.user),
                (t("cli.runs.col.origin", lg), _word("origin", rec.origin, lg)),
                (t("cli.runs.col.started", lg), _when(rec, rec.started_at, lg)),
                (t("cli.runs.field.finished", lg), _when(rec, rec.finished_at, lg)),
                (t("cli.runs.col.seconds", lg), _seconds(rec)),
                (t("cli.runs.field.out_dir", lg), rec.out_dir),
                (t("cli.runs.field.version", lg), rec.version),
                (t("cli.runs.field.error", lg), rec.error),
            ],
            lg,
        )
    ]
    for title, files in (("inputs", rec.inputs), ("outputs", rec.outputs)):
        if files:
            parts += [
                "",
                t(f"cli.runs.section.{title}", lg),
                con.table(
                    [t("cli.runs.col.file", lg), "SHA-256"],
                    [[name, sha] for name, sha in sorted(files.items())],
                ),
            ]
    if rec.summary:
        parts += ["", t("cli.runs.section.summary", lg), _rows_table(rec.summary)]
    if rec.result:
        flat = {k: v for k, v in rec.result.items() if not isinstance(v, (dict, list))}
        if flat:
            parts += ["", t("cli.runs.section.result", lg), _kv(list(flat.items()), lg)]
    if rec.scenario:
        parts += [
            "",
            t("cli.runs.section.scenario", lg),
            json.dumps(rec.scenario, ensure_ascii=False, indent=2),
        ]
    con.show(parts)
    return 0


def _diff(store: Any, args: argparse.Namespace, lg: str) -> int:
    d = store.diff(args.a, args.b)
    a, b = d["a"][:12], d["b"][:12]
    parts: list[con.Part] = []
    if d["status"]:
        parts.append(
            _kv(
                [
                    (
                        t("cli.runs.col.status", lg),
                        " → ".join(_word("status", s, lg) for s in d["status"]),
                    )
                ],
                lg,
            )
        )
    for part in ("scenario", "summary", "result"):
        if d[part]:
            parts += [
                "",
                t(f"cli.runs.section.diff_{part}", lg),
                con.table(
                    [t("cli.runs.col.where", lg), a, b],
                    [[path, _cell(va), _cell(vb)] for path, (va, vb) in d[part].items()],
                ),
            ]
    if not d["scenario"] and not d["summary"]:
        parts += ["", t("cli.runs.diff.same", lg)]
    con.show(parts)
    return 0


def _opener() -> list[str] | None:
    """The desktop's command that opens a folder, or ``None`` (no desktop: headless)."""
    if sys.platform == "darwin":
        return ["open"] if shutil.which("open") else None
    if sys.platform.startswith("win"):
        return ["explorer"]
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return None
    found = shutil.which("xdg-open")
    return [found] if found else None


def _open(store: Any, args: argparse.Namespace, lg: str) -> int:
    from pathlib import Path

    rec = store.get(args.id)
    if not rec.out_dir:
        raise InputError(t("cli.runs.open.none", lg, id=rec.id[:12]))
    path = Path(rec.out_dir)
    if not path.is_dir():
        raise InputError(t("cli.runs.open.gone", lg, id=rec.id[:12], path=path))
    sys.stdout.write(f"{path}\n")
    sys.stdout.flush()
    opener = _opener() if sys.stdout.isatty() else None
    if opener:
        try:  # the desktop opens it; a failure to open it is not the command's
            subprocess.Popen(
                [*opener, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError:
            pass
    return 0
