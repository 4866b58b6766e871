"""The spot of a plot number that does not fit its plot: all spots tested at once, as one by one.

:func:`landopt.maps.sheet._free_spot` tests a ring of spots against the numbers drawn
so far and the chosen plots in one go; it must pick the spot the first-to-last search
picked (the reference below, the code it replaced).
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.transforms import Bbox

from landopt.maps.sheet import _free_spot, _hits


def reference(cx, cy, w, h, rings, px, taken, pboxes, frame):
    best_numbers = first = None
    for dx, dy in rings:
        x, y = cx + dx * px, cy + dy * px
        box = np.array([x - w / 2, y - h / 2, x + w / 2, y + h / 2])
        inside = (
            box[0] >= frame.x0 and box[1] >= frame.y0 and box[2] <= frame.x1 and box[3] <= frame.y1
        )
        if not inside:
            continue
        spot = ((float(dx), float(dy)), box)
        first = first or spot
        if _hits(box, taken):
            continue
        best_numbers = best_numbers or spot
        if not _hits(box, pboxes):
            return spot
    if best_numbers is not None:
        return best_numbers
    if first is not None:
        return first
    dx, dy = rings[0]
    x, y = cx + dx * px, cy + dy * px
    return (dx, dy), np.array([x - w / 2, y - h / 2, x + w / 2, y + h / 2])


def boxes(rng: np.random.Generator, n: int, size: float) -> np.ndarray:
    xy = rng.uniform(0, 400, (n, 2))
    wh = rng.uniform(2, size, (n, 2))
    return np.hstack([xy, xy + wh])


@pytest.mark.parametrize("seed", range(40))
def test_the_spot_is_the_one_the_one_by_one_search_picked(seed):
    rng = np.random.default_rng(seed)
    rings = [
        (r * np.cos(a), r * np.sin(a))
        for r in (9, 14, 20, 28, 38, 50)
        for a in np.deg2rad([45, 135, 315, 225, 90, 270, 0, 180, 22, 158, 338, 202])
    ]
    frame = Bbox.from_extents(0, 0, 400, 400)
    # crowded or sparse numbers and plots, near the frame's edge or not
    taken = boxes(rng, int(rng.integers(0, 300)), 30)
    pboxes = boxes(rng, int(rng.integers(0, 300)), 60)
    for _ in range(20):
        cx, cy = rng.uniform(-20, 420, 2)
        w, h = rng.uniform(5, 25, 2)
        px = float(rng.choice([1.0, 150 / 72, 300 / 72]))
        got = _free_spot(cx, cy, w, h, np.asarray(rings), px, taken, pboxes, frame)
        want = reference(cx, cy, w, h, rings, px, taken, pboxes, frame)
        assert got[0] == pytest.approx(want[0], abs=0, rel=0)
        np.testing.assert_array_equal(got[1], want[1])
