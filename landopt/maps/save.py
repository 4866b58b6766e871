"""Saving figures: the format from the file's suffix, a figure outside pyplot, atomic writes.

Every map and chart is written through :func:`landopt._atomic.atomic_file` (a temporary
file beside the target, then one rename), so a failed save leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from landopt import __version__
from landopt._atomic import atomic_file
from landopt.errors import InputError

if TYPE_CHECKING:
    from matplotlib.figure import Figure


_FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}


def _format(path: Path) -> str:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"cannot tell the map format from {path.name!r}: end the name in .png, .pdf or .svg"
        )
    return fmt


def _new_figure(size: tuple[float, float]) -> Figure:
    """A figure outside pyplot (nothing global, nothing to close), drawn with Agg."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


def warm_up() -> None:
    """Import matplotlib's figure and Agg canvas and find the CJK font, so that the next
    map or chart does not pay for them (about 0.4 s).

    For a command that has to wait anyway (:meth:`landopt.cluster.Engine.when_idle`:
    a sweep waiting for a worker's last point, then drawing ``sweep.png``).
    """
    from landopt.maps.fonts import find_cjk_font

    _new_figure((1.0, 1.0))
    find_cjk_font()


def _save(fig: Figure, path: Path, dpi: float) -> Path:
    """Save through a temporary file beside ``path``, so a failed save leaves nothing."""
    fmt = _format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path) as tmp:
        meta = (
            {"Software": f"landopt {__version__}"}
            if fmt == "png"
            else {"Creator": f"landopt {__version__}"}
        )
        fig.savefig(tmp, format=fmt, dpi=dpi, facecolor="white", metadata=meta)
    return path


def _save_drawn(
    path: str | Path,
    size: tuple[float, float],
    draw: Callable[[Figure], object],
    dpi: float,
    **margins: float,
) -> Path:
    """A fresh figure of ``size`` inches, drawn by ``draw(fig)`` and saved by suffix.

    The suffix is checked first, so a wrong one fails before anything is drawn;
    ``margins`` (``left=``, ``top=``, …) go to ``subplots_adjust`` after drawing.
    """
    path = Path(path)
    _format(path)
    fig = _new_figure(size)
    draw(fig)
    if margins:
        fig.subplots_adjust(**margins)
    return _save(fig, path, dpi)
