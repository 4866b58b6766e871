"""landopt: optimal plans for clearing, revitalizing and upgrading under-used industrial land."""

from __future__ import annotations

__version__ = "0.1.0"
