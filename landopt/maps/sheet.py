"""The print sheet of a plan map: paper sizes, the title block, the plot numbers.

:func:`paper_inches` gives a paper size (A4, A3; portrait or landscape) in inches;
:func:`_title_block` draws the boxed table in the sheet's corner (title, compiling unit,
map number, drawn by, date, from the scenario's ``[map]`` table);
:func:`_draw_plot_numbers` writes each chosen plot's number
(:func:`landopt.plan.plot_numbers`) inside the plot when it fits, else beside it with a
leader line, so that no two numbers collide.
"""

from __future__ import annotations

import datetime as _dt
import logging
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np

from landopt import i18n
from landopt.errors import InputError
from landopt.maps.layers import plan_title, source_note
from landopt.plan import Plan, plot_numbers

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from landopt.maps.fonts import _Fonts

__all__ = ["PAPERS", "paper_inches", "paper_text_scale"]

log = logging.getLogger(__name__)

#: Paper sizes, millimetres, landscape (width, height).
PAPERS: dict[str, tuple[float, float]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
ORIENTATIONS = ("landscape", "portrait")

#: Past this many chosen plots the map carries no numbers (they would hide it).
NUMBER_MAX = 2_000


def paper_inches(paper: str = "A4", orientation: str = "landscape") -> tuple[float, float]:
    """The size of a sheet in inches: ``paper_inches("A3")`` is 420 × 297 mm."""
    key = str(paper).upper()
    if key not in PAPERS:
        raise InputError(f"unknown paper size {paper!r}: use one of {', '.join(PAPERS)}")
    if orientation not in ORIENTATIONS:
        raise InputError(f"unknown orientation {orientation!r}: use landscape or portrait")
    w, h = PAPERS[key]
    if orientation == "portrait":
        w, h = h, w
    return (w / 25.4, h / 25.4)


def paper_text_scale(paper: str = "A4") -> float:
    """How much larger text is on ``paper`` than on A4: √(area ratio), so A3 is √2.

    A sheet hung on the wall is read from further away the larger it is; every size on
    the print map (titles, legend, labels, plot numbers, title block) is multiplied by it.
    """
    w, h = paper_inches(paper)
    a4w, a4h = paper_inches("A4")
    return float(np.sqrt((w * h) / (a4w * a4h)))


i18n.add_messages(
    {
        "scenario": {"en": "Scenario", "zh": "情景"},
        "made_with": {"en": "made with landopt", "zh": "由 landopt 生成"},
    },
    prefix="print.footer.",
)


def map_date(plan: Plan, today: _dt.date | None = None) -> str:
    """The map's date: the scenario's ``[map] date``, else today in the district's time zone."""
    from landopt.localtime import district_today

    return plan.scenario.map.date or (
        today.isoformat() if today is not None else district_today(plan.scenario)
    )


def map_footer(
    plan: Plan, lang: str, *, scenario: bool = True, today: _dt.date | None = None
) -> str:
    """The line at a map's foot, what a meeting needs: data source and CRS, the scenario
    (``scenario=False``: left out, as on a map of two), the map's date and "landopt".

    No version and no hash: those are in run.json and the PNG's metadata.
    """
    sep = i18n.t("maps.punct.colon", lang)
    parts = [source_note(plan, lang, version=False)]
    if scenario:
        parts.append(f"{i18n.t('print.footer.scenario', lang)}{sep}{plan.scenario.name}")
    parts.append(f"{i18n.t('print.block.date', lang)}{sep}{map_date(plan, today)}")
    parts.append(i18n.t("print.footer.made_with", lang))
    return " · ".join(parts)


def title_block_rows(plan: Plan, lang: str, today: _dt.date | None = None) -> list[tuple[str, str]]:
    """The title block's rows (heading, value): title, unit, number, drawn by, date.

    Keys the scenario's ``[map]`` table leaves out are left out, except the title (the
    scenario's) and the date (the day the map is drawn, in the district's time zone).
    """
    info = plan.scenario.map
    date = map_date(plan, today)
    rows = [
        ("title", info.title or plan_title(plan)),
        ("unit", info.unit),
        ("number", info.number),
        ("drawn_by", info.drawn_by),
        ("date", date),
    ]
    return [(i18n.t(f"print.block.{k}", lang), v) for k, v in rows if v]


def _title_block(
    fig: Figure, plan: Plan, fonts: _Fonts, rect: tuple[float, float, float, float]
) -> Any:
    """The boxed table of the title block in ``rect`` (figure fraction); its axes."""
    rows = title_block_rows(plan, fonts.lang)
    rows = [(k, v if fonts.can_draw(v) else "?") for k, v in rows]
    x, y1, w, h = rect
    # rows about 5.6 mm on A4, larger with the text on a larger sheet
    row_h = min(h / max(len(rows), 1), fonts.pt(0.22) / fig.get_figheight())
    rect = (x, y1, w, row_h * len(rows))
    bax = fig.add_axes(rect)
    bax.set_gid("title-block")
    bax.set_xlim(0, 1)
    bax.set_ylim(0, len(rows))
    bax.set_xticks([])
    bax.set_yticks([])
    for sp in bax.spines.values():
        sp.set_linewidth(1.2)
        sp.set_color("black")
    split = 0.28
    for k, (head, value) in enumerate(rows):
        y = len(rows) - k - 0.5
        if k:
            bax.axhline(len(rows) - k, color="black", linewidth=0.6)
        bax.text(0.03, y, head, va="center", ha="left", **fonts.kw(fontsize=8, color="#333333"))
        size = 10.0 if k == 0 else 8.5
        t = bax.text(
            split + 0.03,
            y,
            value,
            va="center",
            ha="left",
            gid=f"title-block-{k}",
            **fonts.kw(fontsize=size, fontweight="bold" if k == 0 else "normal"),
        )
        room = (1 - split - 0.05) * w * fig.bbox.width
        width = t.get_window_extent().width
        if width > room:  # a long title: smaller, so it stays inside its box
            t.set_fontsize(max(fonts.pt(size) * room / width, fonts.pt(5.0)))
    bax.axvline(split, color="black", linewidth=0.6)
    return bax


def _draw_plot_numbers(
    ax: Axes,
    plan: Plan,
    parcels: gpd.GeoDataFrame,
    fonts: _Fonts,
    numbers: Any = None,
) -> tuple[list[Any], np.ndarray]:
    """Number every chosen plot; the Text artists and their display boxes.

    ``numbers``: the plot numbers to draw (a part of :func:`~landopt.plan.plot_numbers`,
    0 for a plot not to number, e.g. a programme map's panel of one year).

    A number sits at the plot's representative point when it fits inside the plot and
    clears the numbers drawn before; otherwise it goes beside the plot, on the first of
    a ring of spots (nearest first) that covers no chosen plot and no other number, with
    a leader line to the plot. Each Text has the gid ``plot-no:<parcel_id>``.
    """
    nos = plot_numbers(plan.scenario, plan.parcels) if numbers is None else numbers
    chosen = nos[nos > 0].sort_values()
    if not len(chosen):
        return [], np.zeros((0, 4))
    if len(chosen) > NUMBER_MAX:
        log.warning(
            "%d chosen plots: too many to number on a printed map; see the report's list",
            len(chosen),
        )
        return [], np.zeros((0, 4))
    fig = ax.figure
    style = fonts.kw(fontsize=6.5, fontweight="bold", color="#111111")
    size: dict[int, tuple[float, float]] = {}

    def text_size(label: str) -> tuple[float, float]:
        if len(label) not in size:
            t = ax.text(0, 0, label, **style)
            bb = t.get_window_extent()
            t.remove()
            pad = fonts.pt(2.5) * fig.dpi / 72.0  # the callout's box and the white halo
            size[len(label)] = (bb.width + 2 * pad, bb.height + 2 * pad)
        return size[len(label)]

    sub = parcels.loc[chosen.index]
    pts = sub.geometry.representative_point()
    at = ax.transData.transform(np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()]))
    b = sub.geometry.bounds.to_numpy()
    lo = ax.transData.transform(b[:, :2])
    hi = ax.transData.transform(b[:, 2:])
    pboxes = np.hstack([np.minimum(lo, hi), np.maximum(lo, hi)])
    frame = ax.get_window_extent()
    px = fig.dpi / 72.0
    rings = [
        (fonts.pt(r) * np.cos(a), fonts.pt(r) * np.sin(a))
        for r in (9, 14, 20, 28, 38, 50)
        for a in np.deg2rad([45, 135, 315, 225, 90, 270, 0, 180, 22, 158, 338, 202])
    ]
    rings_a = np.asarray(rings, dtype=float)
    boxes = np.zeros((len(chosen), 4))  # the numbers' boxes; the first k drawn so far
    texts: list[Any] = []
    import matplotlib.patheffects as pe

    halo = [pe.withStroke(linewidth=fonts.pt(2.0), foreground="white")]
    for k, (idx, no) in enumerate(chosen.items()):
        label = str(int(no))
        w, h = text_size(label)
        cx, cy = at[k]
        box = np.array([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
        pb = pboxes[k]
        fits = box[0] >= pb[0] and box[2] <= pb[2] and box[1] >= pb[1] and box[3] <= pb[3]
        offset = None
        taken = boxes[:k]
        if not (fits and not _hits(box, taken)):
            offset, box = _free_spot(cx, cy, w, h, rings_a, px, taken, pboxes, frame)
        pid = str(plan.parcels.at[idx, "parcel_id"])
        if offset is None:
            t = ax.annotate(
                label,
                xy=(pts.x[idx], pts.y[idx]),
                ha="center",
                va="center",
                zorder=11,
                path_effects=halo,
                gid=f"plot-no:{pid}",
                **style,
            )
        else:
            t = ax.annotate(
                label,
                xy=(pts.x[idx], pts.y[idx]),
                xytext=offset,
                textcoords="offset points",
                ha="center",
                va="center",
                zorder=11,
                path_effects=halo,
                gid=f"plot-no:{pid}",
                arrowprops={
                    "arrowstyle": "-",
                    "color": "#333333",
                    "linewidth": 0.5,
                    "shrinkA": 0,
                    "shrinkB": 0,
                    # from the box's centre, under its opaque face (drawn after the
                    # line): what clipping at the box showed, without clipping each
                    # line by bisection (3 s for 1,000 numbers)
                    "patchA": None,
                },
                bbox={
                    "boxstyle": "round,pad=0.15",
                    "facecolor": "white",
                    "edgecolor": "#333333",
                    "linewidth": 0.4,
                },
                **style,
            )
        boxes[k] = box
        texts.append(t)
    return texts, boxes


def _hits(box: np.ndarray, boxes: np.ndarray) -> bool:
    if not len(boxes):
        return False
    return bool(
        (
            (boxes[:, 0] < box[2])
            & (boxes[:, 2] > box[0])
            & (boxes[:, 1] < box[3])
            & (boxes[:, 3] > box[1])
        ).any()
    )


def _free_spot(
    cx: float,
    cy: float,
    w: float,
    h: float,
    rings: np.ndarray,
    px: float,
    taken: np.ndarray,
    pboxes: np.ndarray,
    frame: Any,
) -> tuple[tuple[float, float], np.ndarray]:
    """The first spot around ``cx, cy`` (offsets in points) free of numbers and chosen
    plots and inside the frame; else the first free of numbers; else the first.

    ``rings``: the offsets, one row each, nearest first. All spots are tested at once,
    against only the boxes within reach of the farthest.
    """
    x = cx + rings[:, 0] * px
    y = cy + rings[:, 1] * px
    spots = np.column_stack([x - w / 2, y - h / 2, x + w / 2, y + h / 2])
    inside = (
        (spots[:, 0] >= frame.x0)
        & (spots[:, 1] >= frame.y0)
        & (spots[:, 2] <= frame.x1)
        & (spots[:, 3] <= frame.y1)
    )
    reach = (spots[:, 0].min(), spots[:, 1].min(), spots[:, 2].max(), spots[:, 3].max())
    free_numbers = inside & ~_hits_each(spots, _near(taken, reach))
    free = free_numbers & ~_hits_each(spots, _near(pboxes, reach))
    for ok in (free, free_numbers, inside):
        if ok.any():
            j = int(np.argmax(ok))
            return (float(rings[j, 0]), float(rings[j, 1])), spots[j]
    dx, dy = rings[0]
    x0, y0 = cx + dx * px, cy + dy * px
    return (float(dx), float(dy)), np.array([x0 - w / 2, y0 - h / 2, x0 + w / 2, y0 + h / 2])


def _near(boxes: np.ndarray, reach: tuple[float, float, float, float]) -> np.ndarray:
    """The boxes that overlap the box ``reach`` (the others cannot overlap a spot in it)."""
    return boxes[
        (boxes[:, 0] < reach[2])
        & (boxes[:, 2] > reach[0])
        & (boxes[:, 1] < reach[3])
        & (boxes[:, 3] > reach[1])
    ]


def _hits_each(spots: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """For each spot, whether it overlaps any of ``boxes`` (as :func:`_hits`)."""
    if not len(boxes):
        return np.zeros(len(spots), dtype=bool)
    s = spots[:, None, :]
    b = boxes[None, :, :]
    return (
        (b[..., 0] < s[..., 2])
        & (b[..., 2] > s[..., 0])
        & (b[..., 1] < s[..., 3])
        & (b[..., 3] > s[..., 1])
    ).any(axis=1)
