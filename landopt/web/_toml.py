"""A small TOML writer for scenario dicts (``tomllib`` reads TOML but does not write it).

Scenario dicts hold strings, numbers, booleans, lists and tables; tables nested in lists
(the eligibility rules, objective terms) are written inline. Round trip:
``tomllib.loads(dumps(d)) == d`` for such dicts (tested).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["dumps"]

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if _BARE.match(k) else json.dumps(k, ensure_ascii=False)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # JSON's escapes are TOML's
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{_key(str(k))} = {_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} in TOML")


def _table(d: Mapping[str, Any], path: list[str], out: list[str]) -> None:
    subtables = []
    for k, v in d.items():
        if v is None:
            continue
        if isinstance(v, Mapping):
            subtables.append((k, v))
        else:
            out.append(f"{_key(str(k))} = {_value(v)}")
    for k, v in subtables:
        out.append("")
        full = [*path, str(k)]
        out.append("[" + ".".join(_key(p) for p in full) + "]")
        _table(v, full, out)


def dumps(data: Mapping[str, Any], *, header: str = "") -> str:
    """``data`` as TOML text (``None`` values left out), after ``header`` comment lines."""
    out: list[str] = [f"# {line}" for line in header.splitlines()]
    _table(data, [], out)
    return "\n".join(out).lstrip("\n") + "\n"
