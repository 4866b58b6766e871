"""Keep the planner's working directory off the import path (see ``landopt/__init__.py``)."""

from __future__ import annotations

import os

__all__ = ["drop_working_directory"]


def drop_working_directory(path: list[str]) -> None:
    """Remove the working directory (as ``''`` or as its full path) from ``path`` in place.

    Parameters
    ----------
    path
        Usually ``sys.path``.
    """
    cwd = os.path.realpath(os.getcwd())
    path[:] = [p for p in path if p != "" and os.path.realpath(p) != cwd]
