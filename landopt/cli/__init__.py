"""The ``landopt`` command line.

``landopt [--debug] [--verbose] SUBCOMMAND ...``; run ``landopt SUBCOMMAND --help`` for each.

Exit codes, for every subcommand: 0 success, 2 bad input (data or scenario) or an
environment error (any OSError: permission, read-only or full disk, named with its path),
3 the targets cannot be met, 4 solver failure (:attr:`landopt.errors.LandoptError.exit_code`),
130 interrupted (Ctrl-C, SIGTERM, SIGHUP), 1 an unexpected internal error. Errors are printed
to stderr as one message, without a traceback unless ``--debug`` is given. This package is the
only part of landopt that prints or configures logging handlers; library warnings reach stderr
through :mod:`logging`.

Where things are
----------------
``__init__`` (this module): :func:`main`, :func:`build_parser`, logging and signals;
:mod:`~landopt.cli._console`: rich tables, the progress bar, plain text when not a terminal;
:mod:`~landopt.cli.options`: the parcel-layer options every command shares;
:mod:`~landopt.cli.validate`, :mod:`~landopt.cli.plan` (``plan``, ``map``),
:mod:`~landopt.cli.analysis` (``compare``, ``sweep``, ``calibrate``),
:mod:`~landopt.cli.runs` (``runs list|show|diff|open``: the run store),
:mod:`~landopt.cli.serve` (``serve``: the web app): the commands.

Language
--------
Every text (help, reports, messages) comes from the catalog :mod:`landopt.i18n`, keys
``cli.*``, in English and Chinese. The language is, for every command: its ``--lang``, else
``LANDOPT_LANG``, else the scenario's ``lang`` (commands that read one: ``plan``, ``map``,
``compare``, ``sweep``, ``calibrate``), else the locale (``zh_*`` → Chinese;
:func:`landopt.i18n.resolve_lang`). The language chosen is also the scenario's for that run
(:func:`~landopt.cli._console.scenario_in_lang`): the diagnosis, errors, maps and report
speak the same language as the terminal. Help follows ``--lang`` anywhere on the command
line (the scenario is not read for ``--help``). argparse's own words (``usage:``, section
headings, "the following arguments are required", "invalid choice", "unrecognized
arguments") are in the same language (:mod:`~landopt.cli._argwords`).

Adding a subcommand
-------------------
Write a pair of functions in a module of this package and register the first in
:data:`SUBCOMMANDS`::

    def add_plan_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
        lg = _console.ui_lang()
        p = subparsers.add_parser("plan", help=t("cli.plan.help", lg), description=...)
        p.add_argument(...)
        p.set_defaults(func=cmd_plan)
        return p

    def cmd_plan(args: argparse.Namespace) -> int:
        ...  # raise LandoptError subclasses for bad input; return 0 on success
        return 0

:func:`~landopt.cli.options.add_parcel_options` and
:func:`~landopt.cli.options.read_parcels_from_args` give any subcommand the same
parcel-reading options as ``validate``.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import re
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from landopt import __version__
from landopt.cli import _console as con
from landopt.cli._argwords import _words
from landopt.cli.analysis import (
    add_calibrate_parser as _add_calibrate_parser,
)
from landopt.cli.analysis import (
    add_compare_parser as _add_compare_parser,
)
from landopt.cli.analysis import (
    add_sweep_parser as _add_sweep_parser,
)
from landopt.cli.analysis import format_compare_report, format_sweep_report
from landopt.cli.many import add_plan_many_parser as _add_plan_many_parser
from landopt.cli.plan import add_map_parser as _add_map_parser
from landopt.cli.plan import add_plan_parser as _add_plan_parser
from landopt.cli.plan import format_plan_report
from landopt.cli.runs import add_runs_parser as _add_runs_parser
from landopt.cli.schema import add_schema_parser as _add_schema_parser
from landopt.cli.serve import add_serve_parser as _add_serve_parser
from landopt.cli.validate import add_validate_parser as _add_validate_parser
from landopt.cli.validate import format_validate_report
from landopt.errors import LandoptError
from landopt.i18n import MESSAGES, t
from landopt.store.record import reset_origin, set_origin

__all__ = [
    "SUBCOMMANDS",
    "build_parser",
    "format_compare_report",
    "format_plan_report",
    "format_sweep_report",
    "format_validate_report",
    "main",
]

logger = logging.getLogger(__name__)


# ----------------------------------------------------------------------------------------
# The parser and main
# ----------------------------------------------------------------------------------------

#: One function per subcommand that adds its parser (and sets ``func``); in help order.
SUBCOMMANDS: list[Callable[[Any], argparse.ArgumentParser]] = [
    _add_validate_parser,
    _add_plan_parser,
    _add_map_parser,
    _add_plan_many_parser,
    _add_compare_parser,
    _add_sweep_parser,
    _add_calibrate_parser,
    _add_runs_parser,
    _add_serve_parser,
    _add_schema_parser,
]


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, wrapping Chinese by display width (a character is two columns)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not con.has_wide(text):
            return super()._split_lines(text, width)
        return con.wrap(self._whitespace_matcher.sub(" ", text).strip(), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if not con.has_wide(text):
            return super()._fill_text(text, width, indent)
        text = self._whitespace_matcher.sub(" ", text).strip()
        return "\n".join(indent + line for line in con.wrap(text, width - len(indent)))

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None) -> str:
        if prefix is None or not con.has_wide(prefix):
            return super()._format_usage(usage, actions, groups, prefix)
        # lay the usage out behind as many spaces as the prefix is wide, then put it in
        blank = " " * con.cell_len(prefix)
        return prefix + super()._format_usage(usage, actions, groups, blank)[len(blank) :]

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        if prefix is None:
            prefix = t("cli.usage", con.ui_lang())
        super().add_usage(usage, actions, groups, prefix)

    def format_help(self) -> str:
        text = super().format_help()
        # a Chinese section heading ends in a full-width colon (Python < 3.14 adds ":" itself)
        return _WIDE_HEADING.sub(r"\1：", text) if con.has_wide(text) else text


#: a section heading of the help whose title ends in a Chinese character: ``位置参数:``
_WIDE_HEADING = re.compile(r"^( *\S[^\n]*[\u3000-\u9fff\uff00-\uffef]):$", re.MULTILINE)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose own words are the catalog's: usage, sections and ``-h`` set
    here, and every message argparse writes itself (errors above all) through
    :func:`~landopt.cli._argwords.argparse_words` while it parses, formats or fails."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)
        lg = con.ui_lang()
        self._positionals.title = t("cli.positionals", lg)
        self._optionals.title = t("cli.optionals", lg)
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = t("cli.help_option", lg)

    parse_args = _words(argparse.ArgumentParser.parse_args)
    parse_known_args = _words(argparse.ArgumentParser.parse_known_args)
    format_usage = _words(argparse.ArgumentParser.format_usage)
    format_help = _words(argparse.ArgumentParser.format_help)
    error = _words(argparse.ArgumentParser.error)


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every subcommand in :data:`SUBCOMMANDS`.

    ``lang`` is the language of the help texts (default ``LANDOPT_LANG``, else the locale).
    """
    lg = con.set_lang(lang)
    parser = _Parser(
        prog="landopt",
        description=t("cli.description", lg),
        epilog=t("cli.epilog", lg),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"landopt {__version__}",
        help=t("cli.version_option", lg),
    )
    parser.add_argument("--debug", action="store_true", help=t("cli.debug_option", lg))
    parser.add_argument("-v", "--verbose", action="store_true", help=t("cli.verbose_option", lg))
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(subparsers)
    return parser


def _argv_lang(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` on the command line, if any (before parsing: for the help)."""
    for k, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and k + 1 < len(argv):
            return argv[k + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


class _Formatter(logging.Formatter):
    """``warning: …`` (``警告: …``): the level in the command's language."""

    def format(self, record: logging.LogRecord) -> str:
        name = record.levelname.lower()
        key = f"cli.level.{name}"
        record.levelname_lower = t(key, con.ui_lang()) if key in MESSAGES else name
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
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_argv_lang(argv))
    args = parser.parse_args(argv)
    con.set_lang(getattr(args, "lang", None) or _argv_lang(argv))
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return 2
    handler, old_level = _configure_logging(debug=args.debug, verbose=args.verbose)
    old_handlers = _interrupt_on_signals()
    origin = set_origin("cli")  # the runs this command records started on the command line
    try:
        con.parcel_lang(con.ui_lang())
        return int(args.func(args))
    except LandoptError as exc:
        if args.debug:
            traceback.print_exc()
        con.err(t("cli.error", con.ui_lang(), message=exc))
        return exc.exit_code
    except KeyboardInterrupt:
        con.err(t("cli.interrupted", con.ui_lang()))
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
            where = f"{exc.filename or ''}: {exc.strerror or exc}".removeprefix(": ")
            con.err(t("cli.error", con.ui_lang(), message=where))
        else:
            con.err(t("cli.error", con.ui_lang(), message=describe_os_error(exc)))
        return 2
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        con.err(t("cli.internal_error", con.ui_lang(), kind=type(exc).__name__, message=exc))
        return 1
    finally:
        reset_origin(origin)
        con.set_lang(None)  # a later call in this process (a test, a notebook) starts afresh
        con.parcel_lang(None)
        for signum, old in old_handlers.items():
            signal.signal(signum, old)
        package = logging.getLogger("landopt")
        package.removeHandler(handler)
        package.setLevel(old_level)
        handler.flush()
