"""Two web runs side by side: :func:`landopt.analysis.compare` and the difference map.

The plans are read back from their folders with :func:`landopt.plan.read_plan` (re-checked
from their own parcels, as ``landopt compare`` does), compared once, and the result kept in
``DATA/compare/<a>-<b>-<lang>/`` (``table.csv``, ``changes.csv``, ``compare.png``, written
as one folder), so a second look costs nothing. Comparisons run one at a time: the map is
drawn with matplotlib.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from landopt._atomic import atomic_folder

__all__ = ["Comparison", "compare_runs"]

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
FILES = ("table.csv", "changes.csv", "compare.png")


@dataclass
class Comparison:
    """The comparison of two runs: the table (plan, action), the parcels that change, the map."""

    folder: Path
    table: pd.DataFrame
    changes: pd.DataFrame

    @property
    def png(self) -> Path:
        """The difference map."""
        return self.folder / "compare.png"


def _read(folder: Path) -> Comparison:
    return Comparison(
        folder,
        pd.read_csv(folder / "table.csv", dtype={"met": str}),
        pd.read_csv(folder / "changes.csv", dtype=str),
    )


def compare_runs(
    runs_root: Path, out_root: Path, a: str, b: str, names: tuple[str, str], lang: str
) -> Comparison:
    """Compare the plans of runs ``a`` and ``b`` (folders in ``runs_root``); cached.

    Raises
    ------
    InputError
        A plan folder cannot be read, or the plans are not on the same layer.
    """
    folder = out_root / f"{a}-{b}-{lang}"
    if all((folder / n).is_file() for n in FILES):
        return _read(folder)
    from landopt.analysis import compare
    from landopt.plan import read_plan
    from landopt.report import write_comparison
    from landopt.store.record import reset_origin, set_origin

    with _LOCK:
        if all((folder / n).is_file() for n in FILES):
            return _read(folder)
        plan_a = read_plan(runs_root / a / "plan")
        plan_b = read_plan(runs_root / b / "plan")
        token = set_origin("web")
        try:
            table, changes = compare([plan_a, plan_b], names=list(names))
        finally:
            reset_origin(token)
        with atomic_folder(folder, force=True, known=FILES) as stage:
            table.to_csv(stage / "table.csv", index=False)
            changes.to_csv(stage / "changes.csv", index=False)
            write_comparison(plan_a, plan_b, stage / "compare.png", lang=lang, dpi=110)
    log.info("compared runs %s and %s", a, b)
    return _read(folder)
