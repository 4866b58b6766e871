"""``python -m landopt``: the same as the ``landopt`` command."""

from __future__ import annotations

from landopt.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
