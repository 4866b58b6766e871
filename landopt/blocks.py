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
solver's plan has no small block. The model is kept in HiGHS between rounds.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

import numpy as np
import pandas as pd

from landopt.errors import SolverError
from landopt.model import CompiledModel, boundary_sets
from landopt.scenario import SolverOptions
from landopt.solvers import HighsSession, SolverResult
from landopt.zones import effective_eligibility

__all__ = ["MAX_ROUNDS", "small_blocks", "solve_with_min_blocks"]

log = logging.getLogger(__name__)

#: Rounds of cuts before giving up (each round adds a cut per small block found).
MAX_ROUNDS = 200


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
    model: CompiledModel, parcels: pd.DataFrame, opts: SolverOptions
) -> tuple[SolverResult, dict[str, int]]:
    """Solve with the minimum block size enforced by cuts; return the result and cut counts."""
    from landopt.adjacency import adjacency

    if opts.backend != "highs":
        raise SolverError(
            f'[spatial] min_block_mu is enforced with cuts in HiGHS; use backend = "highs" (not {opts.backend!r})'
        )
    sc = model.scenario
    adj = adjacency(parcels, tolerance=sc.spatial.tolerance_m)
    S, cand, _ = boundary_sets(sc, parcels, effective_eligibility(sc, parcels))
    in_s = np.isin(model.var_action, S)
    cols_of = pd.Series(np.flatnonzero(in_s)).groupby(model.var_parcel[in_s]).apply(np.asarray)
    nbrs = adj.to_sparse()
    session = HighsSession(model, opts)
    t0 = time.perf_counter()
    cuts = 0
    res = session.solve()
    for rounds in range(1, MAX_ROUNDS + 1):
        if not res.has_solution:
            break
        small = small_blocks(model, parcels, res.x, adj)
        if not small:
            break
        for members in small:
            inside = np.zeros(len(parcels), dtype=bool)
            inside[members] = True
            chosen_cols = [
                c for p in members if p in cols_of.index for c in cols_of[p] if res.x[c] > 0.5
            ]
            around = np.unique(nbrs[members].indices)
            around = around[~inside[around] & cand[around]]
            grow_cols = [c for q in around if q in cols_of.index for c in cols_of[q]]
            cols = np.array(chosen_cols + grow_cols, dtype=np.int64)
            vals = np.concatenate([-np.ones(len(chosen_cols)), np.ones(len(grow_cols))])
            session.add_row(1 - len(chosen_cols), np.inf, cols, vals)
            cuts += 1
        log.info("min block size: round %d, %d small blocks cut", rounds, len(small))
        res = session.solve()
    else:
        raise SolverError(
            f"min_block_mu: still small blocks after {MAX_ROUNDS} rounds of cuts; lower the minimum or raise the weight"
        )
    res = replace(res, runtime=time.perf_counter() - t0)
    return res, {"block_cuts": cuts, "rounds": rounds}
