"""``python -m landopt``: the same as the ``landopt`` command.

The working directory is already off the import path here: ``landopt/__init__.py`` takes it
off before importing anything when it is started with ``-m``.
"""

from __future__ import annotations

from landopt.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
