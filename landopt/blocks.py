r"""Minimum block size: every block of chosen plots reaches a minimum area, by lazy cuts.

A *block* is a connected group of plots chosen for the boundary actions (see
:class:`landopt.scenario.Spatial`) together with the land of an inner status (already
cleared) they touch. ``[spatial] min_block_mu`` asks every block holding a chosen plot to
reach that many mu.

Connectivity has no compact linear form, so the rule is enforced by cuts added only where
a solution breaks it. When a solve returns a block B (its chosen plots B_c) smaller than
the minimum, with N(B) the candidates adjacent to B but not in it::

    block_cut[k]:   sum_{p in B_c} (1 - sel_p) + sum_{q in N(B)} sel_q  >= 1

i.e. either some plot of B is dropped or the block grows through a neighbour. Any plan
that chooses all of B_c and none of N(B) has B as a whole block, too small, so the cut
removes no valid plan; each cut removes the offending one, and the loop ends when the
solver's plan has no small block. The model is kept in HiGHS between rounds, and the
rounds share one time budget (:class:`landopt.solving.Deadline`). The loop itself lives in
:func:`landopt.solving.solve_compiled`, which every solving path calls.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from landopt.model import CompiledModel, boundary_sets
from landopt.scenario import SolverOptions
from landopt.solvers import SolverResult
from landopt.solving import MAX_ROUNDS
from landopt.zones import effective_eligibility

if TYPE_CHECKING:
    from landopt.solving import Deadline

__all__ = ["MAX_ROUNDS", "small_blocks", "solve_with_min_blocks"]

log = logging.getLogger(__name__)


def small_blocks(
    model: CompiledModel, parcels: pd.DataFrame, x: np.ndarray, adj: object
) -> list[np.ndarray]:
    """Blocks (as arrays of parcel rows) holding a chosen plot and smaller than the minimum."""
    sc = model.scenario
    S, _, inner = boundary_sets(sc, parcels, effective_eligibility(sc, parcels))
    on = np.asarray(x)[: model.n_x] > 0.5
    chosen = np.zeros(len(parcels), dtype=bool)
    chosen[model.var_parcel[on & np.isin(model.var_action, S)]] = True
    block = adj.components(chosen | inner)
    area = model.area_mu
    out = []
    for b in np.unique(block[chosen]):
        members = np.flatnonzero(block == b)
        if area[members].sum() < sc.spatial.min_block_mu - 1e-9:
            out.append(members)
    return out


def solve_with_min_blocks(
    model: CompiledModel,
    parcels: pd.DataFrame,
    opts: SolverOptions,
    *,
    deadline: Deadline | float | None = None,
) -> tuple[SolverResult, dict[str, int]]:
    """Solve with the minimum block size enforced by cuts; return the result and cut counts.

    The rounds of cuts share one time budget (``deadline``, ``opts.time_limit`` by
    default): each round gets only what is left. See :func:`landopt.solving.solve_compiled`.
    """
    from landopt.solving import BlockCuts, solve_compiled

    blocks = BlockCuts(model, parcels)
    res = solve_compiled(model, opts, parcels=parcels, deadline=deadline, blocks=blocks)
    return res, {"block_cuts": blocks.cuts, "rounds": blocks.rounds}
