"""``landopt serve``: the planners' web app on this machine (:mod:`landopt.web`).

``landopt serve [--host 127.0.0.1] [--port 8765] [--data DIR] [--jobs N] [--auth]
[--scheduler tcp://HOST:PORT]`` serves it with uvicorn (with ``--scheduler``, or
``DASK_SCHEDULER_ADDRESS``, the runs solve on that Dask cluster's workers); ``landopt serve --add-user NAME [--data DIR]`` adds an account
(the password typed twice, or read from ``LANDOPT_PASSWORD`` or standard input for
scripts) and exits. On any address other than the loopback ones the app requires a
signed-in account, and refuses to start while there is none.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from landopt.cli import _console as con
from landopt.errors import InputError, Problem
from landopt.i18n import add_messages, t

__all__ = ["add_serve_parser", "cmd_serve"]

add_messages(
    {
        "help": {
            "en": "the web app: upload a layer, set targets, run, download the plan",
            "zh": "网页应用：上传图层、设定目标、运行并下载方案",
        },
        "description": {
            "en": "Serve landopt's web app (open http://127.0.0.1:8765 in a browser). It works "
            "with no network. On an address other than 127.0.0.1, ::1 or localhost, every "
            "page needs a signed-in account: add one with --add-user first.",
            "zh": "启动 landopt 网页应用（在浏览器中打开 http://127.0.0.1:8765），无需联网。"
            "监听 127.0.0.1、::1 或 localhost 以外的地址时，每个页面都需要登录：请先用 --add-user 添加账户。",
        },
        "host": {
            "en": "the address to listen on (default 127.0.0.1: this machine only)",
            "zh": "监听地址（默认 127.0.0.1：仅本机可访问）",
        },
        "port": {"en": "the port (default 8765)", "zh": "端口（默认 8765）"},
        "data": {
            "en": "the app's data folder: layers, runs, accounts (default "
            "~/.local/share/landopt/web)",
            "zh": "应用的数据目录：图层、运行与账户（默认 ~/.local/share/landopt/web）",
        },
        "jobs": {
            "en": "runs solving at once; the others wait their turn (default 1)",
            "zh": "同时求解的运行数，其余排队（默认 1）",
        },
        "scheduler": {
            "en": "solve the runs on this Dask cluster (tcp://HOST:PORT; default "
            "DASK_SCHEDULER_ADDRESS, else on this machine); the data folder and a SQLite run "
            "store must be on a filesystem the workers see at the same path",
            "zh": "在该 Dask 集群上求解各次运行（tcp://主机:端口；默认取 DASK_SCHEDULER_ADDRESS，"
            "否则在本机求解）；数据目录及 SQLite 运行记录库须位于各工作节点以相同路径可见的文件系统上",
        },
        "on_cluster": {
            "en": "runs solve on the Dask cluster {address} ({jobs} at once)",
            "zh": "各次运行在 Dask 集群 {address} 上求解（同时 {jobs} 个）",
        },
        "auth": {
            "en": "require a sign-in also on this machine's own address",
            "zh": "在本机地址上也要求登录",
        },
        "add_user": {
            "en": "add an account (or change its password) and exit; the password is asked "
            "twice, or read from LANDOPT_PASSWORD or standard input",
            "zh": "添加账户（或修改其密码）后退出；密码需输入两次，或从 LANDOPT_PASSWORD 或标准输入读取",
        },
        "max_upload": {
            "en": "largest upload in MB (default 200)",
            "zh": "上传文件的最大大小，单位 MB（默认 200）",
        },
        "password": {"en": "Password for {name}: ", "zh": "{name} 的密码："},
        "password_again": {"en": "Password again: ", "zh": "再次输入密码："},
        "password_mismatch": {
            "en": "the two passwords differ",
            "zh": "两次输入的密码不一致",
        },
        "password_mismatch.fix": {
            "en": "type the same password twice",
            "zh": "请两次输入相同的密码",
        },
        "user_added": {
            "en": "account {name} saved in {path}",
            "zh": "账户 {name} 已保存至 {path}",
        },
        "no_users": {
            "en": "the web app would be reachable from other machines on {host}, and it has no "
            "account to sign in with",
            "zh": "网页应用将在 {host} 上可被其他机器访问，但尚无可登录的账户",
        },
        "no_users.fix": {
            "en": "add one first: landopt serve --add-user NAME --data {data} (or serve on "
            "127.0.0.1, this machine only)",
            "zh": "请先添加账户：landopt serve --add-user 用户名 --data {data}（或只在本机 127.0.0.1 上启动）",
        },
        "auth_no_users": {
            "en": "--auth asks for a sign-in, and there is no account to sign in with",
            "zh": "--auth 要求登录，但尚无可登录的账户",
        },
        "listening": {
            "en": "landopt web app on {url} (data in {data}{auth}); Ctrl-C stops it",
            "zh": "landopt 网页应用已启动：{url}（数据目录 {data}{auth}）；按 Ctrl-C 停止",
        },
        "auth_on": {"en": ", sign-in required", "zh": "，需要登录"},
        "lang": {
            "en": "language of this command's messages: zh or en (the pages start in Chinese; "
            "each planner switches with the link at the top)",
            "zh": "本命令提示信息的语言：zh 或 en（网页默认中文，可用页面顶部的链接切换）",
        },
    },
    prefix="cli.serve.",
)


def add_serve_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``landopt serve``."""
    lg = con.ui_lang()
    p = subparsers.add_parser(
        "serve", help=t("cli.serve.help", lg), description=t("cli.serve.description", lg)
    )
    p.add_argument("--host", default="127.0.0.1", help=t("cli.serve.host", lg))
    p.add_argument("--port", type=int, default=8765, help=t("cli.serve.port", lg))
    p.add_argument("--data", metavar="DIR", help=t("cli.serve.data", lg))
    p.add_argument("--jobs", type=int, default=1, metavar="N", help=t("cli.serve.jobs", lg))
    p.add_argument("--auth", action="store_true", help=t("cli.serve.auth", lg))
    p.add_argument("--scheduler", metavar="ADDR", help=t("cli.serve.scheduler", lg))
    p.add_argument("--add-user", metavar="NAME", help=t("cli.serve.add_user", lg))
    p.add_argument(
        "--max-upload-mb", type=float, default=200, metavar="MB", help=t("cli.serve.max_upload", lg)
    )
    p.add_argument("--lang", choices=["zh", "en"], help=t("cli.serve.lang", lg))
    p.set_defaults(func=cmd_serve)
    return p


def _password(name: str, lang: str) -> str:
    env = os.environ.get("LANDOPT_PASSWORD")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(t("cli.serve.password", lang, name=name))
    again = getpass.getpass(t("cli.serve.password_again", lang))
    if first != again:
        raise InputError(
            str(
                Problem(
                    "--add-user",
                    "",
                    t("cli.serve.password_mismatch", lang),
                    t("cli.serve.password_mismatch.fix", lang),
                )
            )
        )
    return first


def cmd_serve(args: argparse.Namespace) -> int:
    """Run ``landopt serve``."""
    from landopt.web import create_app, default_data_dir, is_loopback
    from landopt.web.auth import Users

    lg = con.ui_lang()
    data = Path(args.data).expanduser() if args.data else default_data_dir()
    users = Users(data)
    if args.add_user:
        users.add(args.add_user, _password(args.add_user, lg))
        con.out(t("cli.serve.user_added", lg, name=args.add_user, path=users.path))
        return 0
    need_auth = args.auth or not is_loopback(args.host)
    if need_auth and not users:
        key = "cli.serve.auth_no_users" if is_loopback(args.host) else "cli.serve.no_users"
        raise InputError(
            str(
                Problem(
                    "--host" if key == "cli.serve.no_users" else "--auth",
                    "",
                    t(key, lg, host=args.host),
                    t("cli.serve.no_users.fix", lg, data=data),
                )
            )
        )
    from landopt.cluster import scheduler_address

    scheduler = scheduler_address(args.scheduler)
    app = create_app(
        data,
        auth=need_auth,
        jobs=args.jobs,
        max_upload=int(args.max_upload_mb * 1e6),
        scheduler=scheduler,
    )
    import uvicorn

    host = f"[{args.host}]" if ":" in args.host else args.host
    con.err(
        t(
            "cli.serve.listening",
            lg,
            url=f"http://{host}:{args.port}",
            data=data,
            auth=t("cli.serve.auth_on", lg) if need_auth else "",
        )
    )
    if scheduler:
        con.err(t("cli.serve.on_cluster", lg, address=scheduler, jobs=args.jobs))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
