"""Terminal output of the command line: rich tables, the progress bar, numbers for people.

Only the command line prints. Tables are :class:`rich.table.Table` (rich measures CJK
characters as two columns, so 湖田镇 lines up with ``total``). Where the output is not a
terminal (a pipe, a file, the tests' capture) the text is plain: no ANSI codes, no colour,
no wrapping at 80 columns, no trailing spaces, so that ``landopt plan … > out.txt`` and
``grep`` read the same text a person sees. On a terminal the header row is bold and rich
fits the table to the window.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

__all__ = [
    "Part",
    "adopt_lang",
    "cell_len",
    "console",
    "count",
    "err",
    "has_wide",
    "join",
    "load_scenario_in_lang",
    "mu",
    "out",
    "parcel_lang",
    "progress_bar",
    "render",
    "scenario_in_lang",
    "set_lang",
    "show",
    "table",
    "ui_lang",
    "wrap",
]

#: Width of the console when the output is not a terminal: no line is ever wrapped.
WIDE = 10_000

#: What a report is made of: lines of text and tables, in order.
Part = str | Table


_LANG: list[str] = []


def set_lang(lang: str | None) -> str:
    """Set the language of the command's texts: ``lang`` (``--lang``), else ``LANDOPT_LANG``,
    else the locale (:func:`landopt.i18n.resolve_lang`); return it.

    A command that reads a scenario then calls :func:`adopt_lang`: without ``--lang`` (or
    ``LANDOPT_LANG``) it speaks the scenario's ``lang``.
    """
    from landopt.i18n import resolve_lang

    _LANG[:] = [resolve_lang(lang)] if lang else []  # none given: the environment, when asked
    return resolve_lang(lang)


def parcel_lang(lang: str | None) -> None:
    """The parcel problems (warnings of ``validate``, errors of a bad layer) in ``lang``
    (``None``: English again, as for any caller of the library). Set by :func:`main` for
    the command and by :func:`adopt_lang`, and reset when the command ends.

    It is the language of the run too (:data:`landopt.i18n.current_lang`): the framing of
    every error (``ScenarioError``, ``ParcelDataError``) and the scenario reader's texts."""
    from landopt.i18n import set_current_lang
    from landopt.parcels import _messages

    _messages.LANG = lang or "en"
    set_current_lang(lang)


def adopt_lang(scenario_lang: str | None) -> str:
    """The command's language once its scenario is known; it becomes :func:`ui_lang`.

    In order: ``--lang`` (given to :func:`set_lang`), ``LANDOPT_LANG``, the scenario's
    ``lang``, the locale.
    """
    import os

    from landopt.i18n import resolve_lang

    if _LANG:
        return _LANG[0]
    env = os.environ.get("LANDOPT_LANG", "").strip().lower()
    lang = resolve_lang(env if env.startswith(("zh", "en")) else scenario_lang)
    _LANG[:] = [lang]
    parcel_lang(lang)
    return lang


def scenario_in_lang(scenario: Any) -> Any:
    """``scenario`` in the command's language (:func:`adopt_lang`): one language for the
    terminal, the diagnosis, the maps and the report."""
    from dataclasses import replace

    lang = adopt_lang(scenario.lang)
    return scenario if scenario.lang == lang else replace(scenario, lang=lang)


def load_scenario_in_lang(path: Any) -> Any:
    """Read the command's scenario file, in the command's language (:func:`scenario_in_lang`).

    The language is chosen before the file is validated (its ``lang`` read first), so the
    problems of a broken Chinese scenario are Chinese too.
    """
    from landopt.scenario import load_scenario

    adopt_lang(_declared_lang(path))
    return scenario_in_lang(load_scenario(path))


def _declared_lang(path: Any) -> str | None:
    """The ``lang`` a scenario file declares, if it can be read at all (else ``None``)."""
    import tomllib
    from pathlib import Path

    try:
        lang = tomllib.loads(Path(path).read_text(encoding="utf-8-sig")).get("lang")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return lang if lang in ("zh", "en") else None


def ui_lang(lang: str | None = None) -> str:
    """``lang`` if given, else the language :func:`set_lang` chose, else the environment's."""
    from landopt.i18n import resolve_lang

    if lang:
        return resolve_lang(lang)
    return _LANG[0] if _LANG else resolve_lang(None)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed, or not a real stream
        return False


def console(file: IO[str] | None = None) -> Console:
    """A console on ``file`` (default ``sys.stdout`` as it is now, e.g. the tests' capture).

    On a terminal: colour and the window's width. Otherwise: no colour or control codes
    (even with ``FORCE_COLOR`` set), and a width no line reaches.
    """
    f = sys.stdout if file is None else file
    tty = _isatty(f)
    return Console(
        file=f,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
        force_terminal=tty,
        color_system="auto" if tty else None,
        width=None if tty else WIDE,
    )


def out(text: str = "") -> None:
    """Print a line of text to stdout."""
    print(text, file=sys.stdout)


def err(text: str) -> None:
    """Print a line of text to stderr."""
    print(text, file=sys.stderr)


def has_wide(text: str) -> bool:
    """Whether ``text`` has characters two columns wide (Chinese)."""
    return cell_len(text) != len(text)


#: Punctuation a Chinese line does not start with: it stays at the end of the line before.
_NO_LINE_START = frozenset("，。、；：？！）》」』】”’,.;:?!)")


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, Chinese counted two columns a character.

    Breaks at spaces and between two Chinese characters (Chinese has no spaces), never
    before closing punctuation; an ASCII word longer than the line stays whole.
    """
    width = max(width, 10)
    lines: list[str] = []
    cur = ""
    for tok in re.findall(r"\s+|[\x21-\x7e]+|\S", text):
        if tok.isspace():
            cur += " " if cur else ""
        elif not cur or tok in _NO_LINE_START or cell_len(cur + tok) <= width:
            cur += tok
        else:
            lines.append(cur.rstrip())
            cur = tok
    if cur.strip():
        lines.append(cur.rstrip())
    return lines or [""]


def join(items: Any, lang: str | None = None) -> str:
    """Items of a list in a sentence: ``a, b`` in English, ``a、b`` in Chinese."""
    from landopt.i18n import t

    return t("cli.list_sep", ui_lang(lang)).join(str(i) for i in items)


def mu(value: float) -> str:
    """An area in mu, as the tables show it: ``1,234.5``."""
    return f"{value:,.1f}"


def count(value: float) -> str:
    """A number of plots: ``1,234``."""
    return f"{int(value):,}"


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    """A table without rules: the first column left-aligned, the others right-aligned.

    Columns are three spaces apart; cells are plain text (a ``[`` in a parcel name is not
    rich markup).
    """
    tab = Table(
        box=None,
        pad_edge=False,
        padding=(0, 3, 0, 0),
        show_edge=False,
        highlight=False,
        header_style="bold",
    )
    for k, name in enumerate(header):
        tab.add_column(Text(str(name)), justify="left" if k == 0 else "right", no_wrap=True)
    for row in rows:
        tab.add_row(*(Text(str(cell)) for cell in row))
    return tab


def _renderable(part: Part) -> Any:
    if isinstance(part, Table):
        return Padding(part, (0, 0, 0, 2), expand=False)
    return Text(part)


def render(parts: Sequence[Part]) -> str:
    """The plain text of ``parts`` (no colour, no wrapping, no trailing spaces)."""
    buf = io.StringIO()
    con = console(buf)
    for part in parts:
        con.print(_renderable(part))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines())


def show(parts: Sequence[Part]) -> None:
    """Print ``parts`` to stdout: styled on a terminal, else the plain text of :func:`render`."""
    if not _isatty(sys.stdout):
        out(render(parts))
        return
    con = console()
    for part in parts:
        con.print(_renderable(part))


@contextlib.contextmanager
def progress_bar(total: int, unit: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr, as ``progress(done, total)`` for the analysis functions.

    Yields ``None`` (no bar) when stderr is not a terminal. The bar draws only when it is
    called (no refresh thread running while worker processes start).
    """
    if not _isatty(sys.stderr):
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        TextColumn(" "),
        BarColumn(bar_width=30),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        console=console(sys.stderr),
        auto_refresh=False,
    )
    task = bar.add_task("", total=total)

    def update(done: int, of: int) -> None:
        bar.update(task, completed=done, total=of)
        bar.refresh()

    with bar:
        bar.refresh()
        yield update
