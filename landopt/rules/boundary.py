r"""The boundary-length (compactness) penalty (``[spatial] boundary_weight``; Marxan's BLM).

With weight w (万元 per km) on the actions S (``boundary_actions``, all by default), let
sel_p = sum_{a in S} x_pa, C the parcels with a variable in S, I the parcels of an inner
status (``inner_status``: land already cleared) not in C, l_p the perimeter and L_pq the
shared boundary of neighbours (m)::

    objective  +=  ± w/1000 * [ sum_{p in C} (l_p - sum_{q in I} L_pq) sel_p
                                - 2 sum_{(p,q) in E_C} L_pq y_pq ]        (+ when minimising)
    edge_p[p,q]:     y_pq - sel_p  <= 0        (p,q) in E_C: neighbours both in C
    edge_q[p,q]:     y_pq - sel_q  <= 0
    0 <= y_pq <= 1   continuous

The bracket is the exposed boundary (m) of the chosen set: perimeters, less twice the
edges shared by two chosen plots, less edges against existing cleared land. The objective
rewards y_pq, so y_pq = min(sel_p, sel_q) at the optimum and the linearisation is exact.
One-sided edges (a neighbour outside C) are linear terms, not variables. Rows are named
``edge_p_<p>_<q>`` and ``edge_q_<p>_<q>``, columns ``y_<p>_<q>``.

The check measures the exposed boundary of the chosen plots from the geometry (shapely
unions, not the adjacency) and adds ``± w × km`` to the recomputed objective.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from landopt.i18n import add_messages, t
from landopt.rules.base import Component

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario

add_messages(
    {
        "text": {
            "en": "{wan} 万元 per km of exposed boundary of {actions}",
            "zh": "{actions}地块外露边界每公里计 {wan} 万元",
        }
    },
    prefix="rules.boundary.",
)


class BoundaryPenalty(Component):
    """y columns, edge rows and linear terms of the boundary penalty."""

    name = "boundary"

    def active(self, scenario: Scenario) -> bool:
        return scenario.spatial.active

    def compile(self, b: ModelBuilder) -> None:
        sc, prep = b.scenario, b.prep
        opts = sc.spatial
        adj = prep.adjacency
        S, cand, inner = prep.boundary_sets()
        w = b.sign * opts.boundary_weight / 1000.0  # 万元 per metre
        i, j, length = adj.i, adj.j, adj.length_m
        lin = adj.perimeter_m.astype(float).copy()
        m = cand[i] & inner[j]
        np.subtract.at(lin, i[m], length[m])
        m = cand[j] & inner[i]
        np.subtract.at(lin, j[m], length[m])
        nx = b.n_x
        in_s = np.isin(b.var_action, S)
        b.c[:nx] += np.where(in_s, w * lin[b.var_parcel], 0.0)
        both = cand[i] & cand[j]
        ei, ej, el = i[both], j[both], length[both]
        k = len(ei)
        y = b.add_columns(-2.0 * w * el, np.zeros(k), np.ones(k))
        # sel_p as a sparse parcel-by-column matrix, to pick rows for each edge's ends
        cols_s = np.flatnonzero(in_s)
        sel = sp.csr_matrix((np.ones(len(cols_s)), (b.var_parcel[cols_s], cols_s)), shape=(prep.n, nx))
        for side, ends in (("p", ei), ("q", ej)):
            part = (-sel[ends]).tocoo()
            b.add_block(
                row_local=np.concatenate([part.row, np.arange(k)]),
                cols=np.concatenate([part.col, y]),
                vals=np.concatenate([part.data, np.ones(k)]),
                names=[f"edge_{side}_{p}_{q}" for p, q in zip(ei.tolist(), ej.tolist(), strict=True)],
                senses="<=",
                rhs=np.zeros(k),
            )
        b.edges = np.stack([ei, ej], axis=1).astype(np.int64)
        b.edge_length_m = el.astype(float)
        b.spatial = {
            "boundary_weight_wan_per_km": opts.boundary_weight,
            "actions": [sc.actions[s_].name for s_ in S],
            "candidates": int(cand.sum()),
            "inner_parcels": int(inner.sum()),
            "edge_variables": int(k),
            "adjacency": adj.record(),
        }

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import plan_blocks

        blocks = plan_blocks(ctx)
        ctx.objective += ctx.sign * ctx.scenario.spatial.boundary_weight * blocks["exposed_km"]
        if not blocks["exact"]:
            ctx.inexact.append(blocks["why_inexact"])
        return []

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        opts = scenario.spatial
        acts = [scenario.action(a).label or a for a in (opts.boundary_actions or scenario.action_names)]
        return [t("rules.boundary.text", lang, wan=f"{opts.boundary_weight:g}", actions=", ".join(acts))]
