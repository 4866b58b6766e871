"""argparse's own words (``usage:``, ``error:``, "the following arguments are required") in
the command's language.

argparse writes its texts through ``gettext``: it calls the module globals
``argparse._`` (``gettext.gettext``) and ``argparse.ngettext`` on each English message
when it builds a parser, formats help or reports an error (Python 3.11 to 3.14 alike).
:func:`argparse_words` replaces those two for the time of one call with a lookup in this
module's catalog entries (``cli.argparse.*``, the English text being argparse's own message
id) and puts the originals back after, so nothing outside landopt's own parser is touched
and an English run is argparse's text unchanged. A message argparse adds in a later Python
that is not listed here stays English.

The parser in :mod:`landopt.cli` enters :func:`argparse_words` around parsing, help,
usage and errors (:class:`landopt.cli._Parser`).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from landopt.i18n import MESSAGES, add_messages

__all__ = ["argparse_words", "translate"]

_PREFIX = "cli.argparse."

add_messages(
    {
        "usage": {"en": "usage: ", "zh": "用法："},
        "positionals": {"en": "positional arguments", "zh": "位置参数"},
        "options": {"en": "options", "zh": "选项"},
        "optional_arguments": {"en": "optional arguments", "zh": "选项"},
        "help": {"en": "show this help message and exit", "zh": "显示本帮助并退出"},
        "version": {"en": "show program's version number and exit", "zh": "显示版本号并退出"},
        "heading": {"en": "%(heading)s:", "zh": "%(heading)s："},
        "error": {"en": "%(prog)s: error: %(message)s\n", "zh": "%(prog)s：错误：%(message)s\n"},
        "warning": {
            "en": "%(prog)s: warning: %(message)s\n",
            "zh": "%(prog)s：警告：%(message)s\n",
        },
        "argument": {
            "en": "argument %(argument_name)s: %(message)s",
            "zh": "参数 %(argument_name)s：%(message)s",
        },
        "required": {
            "en": "the following arguments are required: %s",
            "zh": "缺少必需的参数：%s",
        },
        "one_required": {
            "en": "one of the arguments %s is required",
            "zh": "参数 %s 中须给出一个",
        },
        "unrecognized": {"en": "unrecognized arguments: %s", "zh": "无法识别的参数：%s"},
        "invalid_choice": {
            "en": "invalid choice: %(value)r (choose from %(choices)s)",
            "zh": "无效的选择：%(value)r（可选：%(choices)s）",
        },
        "invalid_choice_closest": {
            "en": "invalid choice: %(value)r, maybe you meant %(closest)r? "
            "(choose from %(choices)s)",
            "zh": "无效的选择：%(value)r，是否指 %(closest)r？（可选：%(choices)s）",
        },
        "invalid_value": {
            "en": "invalid %(type)s value: %(value)r",
            "zh": "无效的 %(type)s 值：%(value)r",
        },
        "unknown_parser": {
            "en": "unknown parser %(parser_name)r (choices: %(choices)s)",
            "zh": "未知的子命令 %(parser_name)r（可选：%(choices)s）",
        },
        "not_allowed": {"en": "not allowed with argument %s", "zh": "不能与参数 %s 同时使用"},
        "ignored": {"en": "ignored explicit argument %r", "zh": "忽略了显式给出的值 %r"},
        "one_arg": {"en": "expected one argument", "zh": "需要一个值"},
        "at_most_one": {"en": "expected at most one argument", "zh": "至多需要一个值"},
        "at_least_one": {"en": "expected at least one argument", "zh": "至少需要一个值"},
        "n_arg": {"en": "expected %s argument", "zh": "需要 %s 个值"},
        "n_args": {"en": "expected %s arguments", "zh": "需要 %s 个值"},
        "ambiguous": {
            "en": "ambiguous option: %(option)s could match %(matches)s",
            "zh": "选项有歧义：%(option)s 可匹配 %(matches)s",
        },
        "unexpected": {"en": "unexpected option string: %s", "zh": "意外的选项：%s"},
        "cannot_open": {
            "en": "can't open '%(filename)s': %(error)s",
            "zh": "无法打开 '%(filename)s'：%(error)s",
        },
        "deprecated_option": {
            "en": "option '%(option)s' is deprecated",
            "zh": "选项 '%(option)s' 已弃用",
        },
        "deprecated_argument": {
            "en": "argument '%(argument_name)s' is deprecated",
            "zh": "参数 '%(argument_name)s' 已弃用",
        },
        "deprecated_command": {
            "en": "command '%(parser_name)s' is deprecated",
            "zh": "子命令 '%(parser_name)s' 已弃用",
        },
    },
    prefix=_PREFIX,
)

#: argparse's English message → our catalog key
_KEYS: dict[str, str] = {
    texts["en"]: key for key, texts in MESSAGES.items() if key.startswith(_PREFIX)
}


def translate(message: str, lang: str) -> str:
    """argparse's ``message`` in ``lang`` (unchanged when the catalog does not know it)."""
    key = _KEYS.get(message)
    return MESSAGES[key][lang] if key is not None and lang in MESSAGES[key] else message


@contextmanager
def argparse_words(lang: str) -> Iterator[None]:
    """argparse speaks ``lang`` inside the block (``"en"``: argparse as it is)."""
    if lang == "en":
        yield
        return
    old = argparse._, argparse.ngettext

    def gettext(message: str) -> str:
        return translate(message, lang)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return translate(singular if n == 1 else plural, lang)

    argparse._, argparse.ngettext = gettext, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = old  # type: ignore[attr-defined]


def _words(method: Any) -> Any:
    """``method`` of a parser, run inside :func:`argparse_words` in the command's language."""
    import functools

    from landopt.cli import _console as con

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with argparse_words(con.ui_lang()):
            return method(self, *args, **kwargs)

    return run
