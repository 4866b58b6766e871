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
solver's plan has no small block. The cuts depend only on the model's columns, so cuts
found once stay valid for every variant solved in the same HiGHS session. The loop is
the solve layer's (:func:`landopt.solving.solve_compiled`), for every path that solves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from landopt.i18n import add_messages, t
from landopt.rules.base import Component

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext
    from landopt.scenario import Scenario

add_messages(
    {
        "text": {
            "en": "every block of {actions} plots at least {mu} mu",
            "zh": "{actions}地块每个连片区块不小于 {mu} 亩",
        }
    },
    prefix="rules.min_block.",
)


def small_blocks(model: Any, x: np.ndarray) -> list[np.ndarray]:
    """Blocks (as arrays of parcel rows) holding a chosen plot and smaller than the minimum."""
    prep = model.prepared
    S, _, inner = prep.boundary_sets()
    on = np.asarray(x)[: model.n_x] > 0.5
    chosen = np.zeros(prep.n, dtype=bool)
    chosen[model.var_parcel[on & np.isin(model.var_action, S)]] = True
    block = prep.adjacency.components(chosen | inner)
    out = []
    minimum = model.scenario.spatial.min_block_mu
    for b in np.unique(block[chosen]):
        members = np.flatnonzero(block == b)
        if prep.area[members].sum() < minimum - 1e-9:
            out.append(members)
    return out


class BlockCuts:
    """The minimum-block cut generator of one model (a :class:`~landopt.rules.base.Cuts`)."""

    name = "min_block"

    def __init__(self, model: Any, parcels: pd.DataFrame | None = None) -> None:
        self.model = model
        prep = model.prepared
        S, self.cand, _ = prep.boundary_sets()
        in_s = np.isin(model.var_action, S)
        self.cols_of = (
            pd.Series(np.flatnonzero(in_s)).groupby(model.var_parcel[in_s]).apply(np.asarray)
        )
        self.nbrs = prep.adjacency.to_sparse()
        self.cuts = 0
        self.rounds = 0

    def small(self, x: np.ndarray) -> list[np.ndarray]:
        """The blocks of plan ``x`` smaller than the minimum."""
        return small_blocks(self.model, x)

    def separate(self, x: np.ndarray) -> list[tuple[float, float, np.ndarray, np.ndarray]]:
        """One cut per small block: drop one of its plots or grow it through a neighbour."""
        n = self.model.prepared.n
        out = []
        for members in self.small(x):
            inside = np.zeros(n, dtype=bool)
            inside[members] = True
            chosen_cols = [
                c for p in members if p in self.cols_of.index for c in self.cols_of[p] if x[c] > 0.5
            ]
            around = np.unique(self.nbrs[members].indices)
            around = around[~inside[around] & self.cand[around]]
            grow_cols = [c for q in around if q in self.cols_of.index for c in self.cols_of[q]]
            cols = np.array(chosen_cols + grow_cols, dtype=np.int64)
            vals = np.concatenate([-np.ones(len(chosen_cols)), np.ones(len(grow_cols))])
            out.append((1.0 - len(chosen_cols), np.inf, cols, vals))
        return out

    def unresolved(self, x: np.ndarray) -> str:
        """The small blocks of ``x``, for the message when the time budget runs out."""
        small = self.small(x)
        sizes = ", ".join(f"{self.model.area_mu[m].sum():g}" for m in small[:5])
        return (
            f"the time budget ran out with blocks still below "
            f"{self.model.scenario.spatial.min_block_mu:g} mu ({sizes} mu); no valid plan yet"
        )


class MinBlock(Component):
    """Minimum block size: cuts, the block check, the description."""

    name = "min_block"

    def active(self, scenario: Scenario) -> bool:
        return bool(scenario.spatial.min_block_mu)

    def cuts(self, model: Any) -> BlockCuts | None:
        return BlockCuts(model) if self.active(model.scenario) else None

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import Check, plan_blocks

        blocks = plan_blocks(ctx)
        m = ctx.scenario.spatial.min_block_mu
        lg = ctx.scenario.lang
        small = blocks["small"]
        return [
            Check(
                "min_block",
                not small,
                t(
                    "diagnose.check.min_block_small",
                    lg,
                    n=len(small),
                    blocks=blocks["blocks"],
                    mu=f"{m:,.1f}",
                    smallest=f"{small[0][0]:,.1f}",
                    ids=t("cli.list_sep", lg).join(small[0][1][:5]),
                )
                if small
                else t(
                    "diagnose.check.min_block",
                    lg,
                    blocks=blocks["blocks"],
                    smallest=f"{blocks['smallest_mu']:,.1f}",
                    mu=f"{m:,.1f}",
                ),
            )
        ]

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        opts = scenario.spatial
        acts = [scenario.action(a).label or a for a in (opts.boundary_actions or scenario.action_names)]
        return [t("rules.min_block.text", lang, actions=", ".join(acts), mu=f"{opts.min_block_mu:g}")]
