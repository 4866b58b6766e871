"""``landopt schema``: print the JSON Schema of scenario files."""

from __future__ import annotations

import argparse
from typing import Any

from landopt.cli import _console as con
from landopt.i18n import add_messages, t

__all__ = ["add_schema_parser", "cmd_schema"]

add_messages(
    {
        "help": {
            "en": "print the JSON Schema of scenario files",
            "zh": "输出情景文件的 JSON Schema",
        },
        "description": {
            "en": "Print the JSON Schema of scenario TOML files. Editors read it through a "
            "'#:schema' first line (taplo, Even Better TOML) for completion and inline errors.",
            "zh": "输出情景 TOML 文件的 JSON Schema。编辑器（taplo、Even Better TOML）通过首行 "
            "'#:schema' 读取它，提供补全与即时报错。",
        },
        "out": {
            "en": "write it to FILE instead of printing it",
            "zh": "写入 FILE，而不是输出到屏幕",
        },
    },
    prefix="cli.schema.",
)


def add_schema_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``landopt schema``."""
    lg = con.ui_lang()
    p = subparsers.add_parser(
        "schema", help=t("cli.schema.help", lg), description=t("cli.schema.description", lg)
    )
    p.add_argument("--out", metavar="FILE", help=t("cli.schema.out", lg))
    p.set_defaults(func=cmd_schema)
    return p


def cmd_schema(args: argparse.Namespace) -> int:
    """Run ``landopt schema``: the schema as JSON on standard output, or in ``--out``."""
    import sys

    from landopt._atomic import atomic_file
    from landopt.schema import scenario_json_schema_text

    text = scenario_json_schema_text()
    if not args.out:
        sys.stdout.write(text)  # as is: JSON, no console markup or wrapping
        return 0
    with atomic_file(args.out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return 0
