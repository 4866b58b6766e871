r"""Key projects on freed land: each project gets a site the same plan clears, or stock land.

"要素跟着项目走": land is cleared for the projects waiting for it. The scenario names the
project table (:mod:`landopt.projects`)::

    [projects]
    path = "../projects.csv"       # CSV, XLSX or a TOML list [[projects.list]]
    value_wan_per_yi = 200.0       # objective reward per 亿元 of landed investment
    must_land = false              # every project must land (else unlanded is reported)
    park_field = "park"
    use_field = "planned_use_code"
    stock = { field = "status", in = ["cleared"] }   # default: the programme's stock rule,
                                   # else status == cleared
    sources = ["clear", "revitalize"]   # actions whose land a project may take
    contiguity = "auto"            # "flow", "cuts", or auto: flow up to 50,000 parcels, cuts above

Formulation. J the projects; for project j: investment I_j (亿元), demand range
[m_j^-, m_j^+] mu, uses U_j, parks K_j. A pair (p, j) is *compatible* when parcel p's
planned use starts with a code of U_j, p is in one of K_j when j's park rule is ``only``,
s_p <= m_j^+, and p is stock land or has an x column of a source action (in a programme:
one completing by j's year Y_j = max(earliest_year_j, y_0), or y_N when the table gives
none). Columns, all binary: u_pj for compatible pairs (p serves j), w_j (j lands), z_j
(j's whole site lies in its preferred parks, only for park rule ``prefer`` with a bonus).
With V = value_wan_per_yi, beta_j the park bonus and epsilon_j = 0.01 (P + 1 - priority_j)
a tie-break by priority (P the largest priority number)::

    objective:          - V I_j w_j - epsilon_j w_j - beta_j z_j   (in the objective's sense:
                                                                   a reward, never a cost)
    serve_once[p]:      sum_j u_pj - sum_{a in sources} x_pa <= [p stock]     (one year)
    serve_once[p]:      sum_j u_pj <= 1                                       (programme)
    serve_freed[p,j]:   u_pj - sum_{a in sources, t: end(p,a,t) <= Y_j} x_pat <= 0
                                                        (programme, p not stock)
    site_min[j]:        sum_p s_p u_pj - m_j^- w_j >= 0
    site_max[j]:        sum_p s_p u_pj - m_j^+ w_j <= 0       (so u_pj <= w_j: s_p > 0)
    park_all[j]:        z_j - w_j <= 0
    park_out[j]:        sum_{p not in K_j} u_pj + M_j z_j <= M_j     (M_j such pairs)
    must_land[j]:       w_j >= 1                             (statement ``must_land[j]``)
    contiguity[j]:      lazy cuts (the solve layer's loop, as min_block): when the site of
                        a contiguous project has a component C and another part q, with
                        N(C) the parcels compatible with j adjacent to C and not in it,
                        u_pj + u_qj - sum_{r in N(C)} u_rj <= 1   (p in C)

A connected site holding p and q has a path from p to q that leaves C through N(C), so the
cut removes no connected site; it removes the disconnected one found.

With ``contiguity = "flow"`` the model itself keeps each contiguous project's site in one
piece, by a single-commodity flow from a root the model chooses (Shirabe 2005), and there are
no cuts. For contiguous j: V_j its compatible parcels, A_j the ordered pairs (p, q) of
adjacent parcels of V_j (the prepared adjacency), M_j the most parcels a site can hold (V_j's
areas smallest first, as many as fit in m_j^+). Columns r_pj binary (p is j's root, p in
V_j) and f_pqj >= 0 continuous ((p, q) in A_j)::

    flow_root[j]:       sum_{p in V_j} r_pj - w_j = 0          (one root when j lands)
    flow_root[p,j]:     r_pj - u_pj <= 0                       (the root is on the site)
    flow_cap_out[p,q,j]: f_pqj - (M_j - 1) u_pj <= 0            (flow leaves site parcels only)
    flow_cap_in[p,q,j]:  f_pqj - (M_j - 1) u_qj <= 0            (and enters site parcels only)
    flow_balance[p,j]:  sum_{(q,p) in A_j} f_qpj - sum_{(p,q) in A_j} f_pqj - u_pj + M_j r_pj >= 0

Every site parcel but the root takes in at least one unit more than it sends on, and flow
runs only between site parcels, so each is reached from the root inside the site: the site
is connected. A connected site of n <= M_j parcels has such a flow (root anywhere, each arc
of a spanning tree carrying the size of the subtree it feeds), so no connected site is cut
off. Starts built outside the solver get this flow from their sites
(:meth:`ProjectColumns.with_flow`); a start whose site is in pieces does not land that
project.

Which to use (BENCHMARKS.md, "Key projects: flow against lazy cuts"; 2 cores, 60 s): flow is
the better way on all but the largest layer. On the demo it proves the optimum in 1.1 s (cuts 2.0 s); at 10,000 parcels it
finishes 11 projects in 4-6 s (cuts 12-21 s) and ends most 50-project runs at a smaller gap;
at 30,000 parcels it proves 11 projects in 7 s where cuts end at the limit. At 100,000
parcels with 50 projects it found no bound within 60 s (cuts: 1.5 %; both keep the same
start), so at city scale cuts report the better gap. The default, ``contiguity = "auto"``, takes
flow up to :data:`FLOW_MAX_PARCELS` (50,000) parcels in the layer and cuts above, a line drawn
between the largest layer where flow was measured better (30,000) and the one where it was
worse (100,000).

Row names are ``serve_once_<p>``, ``serve_freed_<p>_<k>``, ``site_min_<k>``, ``site_max_<k>``,
``park_all_<k>``, ``park_out_<k>``, ``must_land_<k>``, and with flow ``flow_root_<k>``,
``flow_root_<p>_<k>``, ``flow_cap_out_<p>_<q>_<k>``, ``flow_cap_in_<p>_<q>_<k>``,
``flow_balance_<p>_<k>``, with k the project's position in the table. A project that does not land is reported with its reason, never made infeasible
(unless it must land). The check recomputes every site from the plan's ``project`` column
and the geometry: area, use, park rule, contiguity (the union of the site's parcels is one
polygon), one project per parcel, and that the land is stock or freed by a source action.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from landopt.errors import Problem
from landopt.i18n import add_messages, fmt_mu, t
from landopt.projects import Project, projects_of
from landopt.rules.base import Component, Statement

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario

add_messages(
    {
        "text": {
            "en": "{n} key projects ({yi} 亿元) get sites on stock or freed land ({value} 万元 per 亿元 landed)",
            "zh": "重点项目 {n} 个（{yi} 亿元）在存量或腾退土地上落地（每落地 1 亿元计 {value} 万元）",
        },
        "must_text": {"en": "project {name} must land", "zh": "项目 {name} 必须落地"},
        "cannot_land": {
            "en": "project {name} needs ≥ {mu} of {uses} {where}, but all compatible land there totals {have}",
            "zh": "项目 {name} 需要 ≥ {mu} {uses}用地{where}，但可用的相符土地合计仅 {have}",
        },
        "in_parks": {"en": "in {parks}", "zh": "（{parks}内）"},
        "no_action": {"en": "names no action {action}", "zh": "没有名为 {action} 的措施"},
        "no_action_fix": {"en": "use one of {actions}", "zh": "请使用以下之一：{actions}"},
        "no_table": {"en": "gives neither path nor list", "zh": "未给出 path 或 list"},
        "no_table_fix": {
            "en": 'write path = "../projects.csv" (or a [[projects.list]] array)',
            "zh": '请写 path = "../projects.csv"（或 [[projects.list]] 列表）',
        },
        "boundary": {
            "en": "key projects cannot be combined with [spatial] boundary_weight yet",
            "zh": "重点项目暂不能与 [spatial] boundary_weight 同时使用",
        },
        "boundary_fix": {"en": "remove boundary_weight", "zh": "请删除 boundary_weight"},
        "no_column": {"en": "the parcels have no column {col}", "zh": "地块图层没有字段 {col}"},
        "no_column_fix": {"en": "name the column ({what})", "zh": "请填写字段名（{what}）"},
        "check_ok": {
            "en": "{n} sites ({mu} mu): area, use, park rule and contiguity hold",
            "zh": "{n} 个项目用地（{mu} 亩）：面积、用途、园区和连片均符合",
        },
        "check_bad": {"en": "{n} sites wrong: {what}", "zh": "{n} 个项目用地不符：{what}"},
        "land_ok": {
            "en": "every site parcel is stock or freed by the plan, one project each ({n} parcels)",
            "zh": "项目用地均为存量或本计划腾退的土地，每宗只供一个项目（{n} 宗）",
        },
        "land_bad": {
            "en": "{n} site parcels stay in use or are not freed in time: {ids}",
            "zh": "{n} 宗项目用地仍在使用或未按时腾退：{ids}",
        },
        "unknown": {"en": "the plan names unknown projects: {ids}", "zh": "方案含未知项目：{ids}"},
        "why.area": {
            "en": "{id} has {mu} mu, not {lo}–{hi}",
            "zh": "{id} 面积 {mu} 亩，不在 {lo}–{hi} 亩",
        },
        "why.use": {"en": "{id} on use {use}", "zh": "{id} 用途 {use} 不符"},
        "why.park": {"en": "{id} outside its parks", "zh": "{id} 不在指定园区"},
        "why.contiguous": {"en": "{id} is in {k} pieces", "zh": "{id} 分为 {k} 块"},
        "repaired": {
            "en": "the time budget ran out with sites still in pieces: {ids} not landed in this plan",
            "zh": "时间已用完，仍有项目用地不连片：本方案中 {ids} 未落地",
        },
        "kept_start": {
            "en": "the time budget ran out with the solver's sites still in pieces; the starting plan is kept ({n} projects landed, each site in one piece)",
            "zh": "时间已用完，求解器的方案中仍有项目用地不连片；保留初始方案（落地 {n} 个项目，用地均连片）",
        },
        "unresolved": {
            "en": "the time budget ran out with sites still in pieces ({ids}); no valid plan yet",
            "zh": "时间已用完，仍有项目用地不连片（{ids}），尚无有效方案",
        },
    },
    prefix="rules.projects.",
)


#: ``contiguity = "auto"``: flow rows up to this many parcels in the layer, lazy cuts above
#: (module docstring, "Which to use").
FLOW_MAX_PARCELS = 50_000


def contiguity_way(spec: Any, n_parcels: int) -> str:
    """``"flow"`` or ``"cuts"``: the spec's choice, ``"auto"`` settled by the layer's size."""
    if spec.contiguity != "auto":
        return str(spec.contiguity)
    return "flow" if n_parcels <= FLOW_MAX_PARCELS else "cuts"


class ProjectsSpec(BaseModel):
    """``[projects]``: key projects that take stock land or land the plan frees."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str | None = Field(
        default=None,
        description="project table: CSV, XLSX (first sheet) or TOML, relative to the scenario",
    )
    list: tuple[dict[str, Any], ...] = Field(
        default=(), description="the projects inline ([[projects.list]]), instead of path"
    )
    value_wan_per_yi: float = Field(
        default=200.0, ge=0, description="objective reward (万元) per 亿元 of landed investment"
    )
    must_land: bool = Field(
        default=False,
        description="every project must land (a project's must_land column overrides)",
    )
    park_field: str = Field(
        default="park", min_length=1, description="the parcel column naming the park"
    )
    use_field: str = Field(
        default="planned_use_code",
        min_length=1,
        description="the parcel column of the planned use code",
    )
    stock: dict[str, Any] | None = Field(
        default=None,
        description="rule of land already cleared (default: the programme's stock, else status == cleared)",
    )
    sources: tuple[str, ...] = Field(
        default=("clear", "revitalize"), description="actions whose land a project may take"
    )
    contiguity: Literal["auto", "cuts", "flow"] = Field(
        default="auto",
        description=(
            "how a contiguous project's site is kept in one piece: lazy cuts added while "
            "solving (cuts), single-commodity flow rows in the model (flow), or auto: flow "
            f"up to {FLOW_MAX_PARCELS:,} parcels, cuts above"
        ),
    )


# --------------------------------------------------------------------------- helpers
def _column(scenario: Scenario, field: str) -> str:
    mapping = dict(scenario.parcels.columns) if scenario.parcels else {}
    return mapping.get(field, field)


def stock_mask(scenario: Scenario, parcels: pd.DataFrame) -> np.ndarray:
    """Stock land (cleared before the plan): ``[projects] stock``, else the programme's rule,
    else ``status == "cleared"``; a programme plan's own ``stock`` column counts too."""
    spec = scenario.rule("projects")
    n = len(parcels)
    if spec.stock is not None:
        from pydantic import TypeAdapter

        from landopt.scenario_read import _rule
        from landopt.schema import RuleSpec

        rule = _rule(TypeAdapter(RuleSpec).validate_python(spec.stock))
        from landopt.check import evaluate_rule

        out = np.asarray(evaluate_rule(rule, parcels), dtype=bool)
    else:
        from landopt.programme import programme_of

        prog = programme_of(scenario)
        if prog is not None and prog.stock_rule is not None:
            out = prog.stock_mask(parcels)
        elif "status" in parcels.columns:
            out = parcels["status"].astype("string").fillna("").to_numpy(str) == "cleared"
        else:
            out = np.zeros(n, dtype=bool)
    if "stock" in parcels.columns:
        out = out | parcels["stock"].fillna(False).astype(bool).to_numpy()
    return out


def project_year(scenario: Scenario, p: Project) -> int | None:
    """The year project ``p`` takes its land: in a programme max(earliest_year, first year),
    or the last year when the table gives none; in a one-year plan max(earliest_year, the
    scenario's year): land the plan frees this year waits for a project that comes later
    (a 2023 plan reported 2023 for a project whose earliest year is 2024)."""
    from landopt.programme import programme_of

    prog = programme_of(scenario)
    if prog is None:
        if scenario.year is None or p.earliest_year is None:
            return scenario.year
        return int(max(p.earliest_year, scenario.year))
    years = list(prog.years)
    if p.earliest_year is None:
        return int(years[-1])
    return int(max(p.earliest_year, years[0]))


def _must(spec: ProjectsSpec, p: Project) -> bool:
    return spec.must_land if p.must_land is None else p.must_land


def _weights(spec: ProjectsSpec, projects: tuple[Project, ...]) -> np.ndarray:
    """Reward of landing each project (万元, positive): value plus the priority tie-break."""
    top = max((p.priority for p in projects), default=1)
    return np.array(
        [spec.value_wan_per_yi * p.investment_yi + 0.01 * (top + 1 - p.priority) for p in projects]
    )


def _uses_text(p: Project, lang: str | None) -> str:
    return "/".join(p.uses)


@dataclass(frozen=True)
class FlowColumns:
    """The flow columns of one contiguous project j (module docstring, ``contiguity = "flow"``).

    ``pairs`` are j's pairs (positions in :class:`ProjectColumns`' arrays, parcel order),
    ``r`` their root columns; arc k runs from ``pairs[tail[k]]`` to ``pairs[head[k]]`` with
    flow column ``f[k]``; ``big`` is M_j, the most parcels a site of j can hold.
    """

    pairs: np.ndarray
    r: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    f: np.ndarray
    big: int


@dataclass(frozen=True)
class ProjectColumns:
    """The project columns of a compiled model (pairs (p, j), and one w per project)."""

    projects: tuple[Project, ...]
    pair_parcel: np.ndarray
    pair_project: np.ndarray
    u: np.ndarray
    w: np.ndarray
    z: dict[int, int]
    compatible_mu: np.ndarray
    #: stock land (already cleared: serves without a source action), by parcel row
    stock: np.ndarray | None = None
    #: per pair: the parcel lies in one of the project's preferred parks (for z_j)
    pair_in_park: np.ndarray | None = None
    #: the flow columns of each contiguous project (``[projects] contiguity = "flow"``)
    flows: dict[int, FlowColumns] | None = None

    def sites(self, x: np.ndarray) -> dict[int, np.ndarray]:
        """Parcel rows of each landed project's site in ``x``."""
        on = np.asarray(x)[self.u] > 0.5
        out: dict[int, np.ndarray] = {}
        for j in np.flatnonzero(np.asarray(x)[self.w] > 0.5):
            out[int(j)] = self.pair_parcel[on & (self.pair_project == j)]
        return out

    def without(self, x: np.ndarray, drop: list[int]) -> np.ndarray:
        """``x`` with the projects ``drop`` not landed (u, w, z and their flow at 0)."""
        y = np.asarray(x, dtype=float).copy()
        for j in drop:
            y[self.u[self.pair_project == j]] = 0.0
            y[self.w[j]] = 0.0
            if j in self.z:
                y[self.z[j]] = 0.0
            if self.flows and j in self.flows:
                y[self.flows[j].r] = 0.0
                y[self.flows[j].f] = 0.0
        return y

    def with_flow(self, x: np.ndarray) -> tuple[np.ndarray, list[int]]:
        """``x`` with the flow columns of every contiguous project set for the site ``x`` holds.

        The root r is the site's first parcel; each arc of a breadth-first tree of the site's
        adjacency from it carries the number of site parcels it feeds (the subtree below it),
        every other arc 0. So each site parcel but the root takes in one more than it sends
        on and the root sends n - 1 <= M_j - 1 (a site within m_j^+ has at most M_j parcels):
        every flow row holds. A site in pieces has no such flow: that project is not landed
        in the vector returned (as the cuts' ``repair`` does), and is listed.
        Without flow columns ``x`` is returned as it is.
        """
        y = np.asarray(x, dtype=float).copy()
        dropped: list[int] = []
        for j, fl in (self.flows or {}).items():
            y[fl.r] = 0.0
            y[fl.f] = 0.0
            on = y[self.u[fl.pairs]] > 0.5
            if y[self.w[j]] < 0.5 or not on.any():
                continue
            keep = np.flatnonzero(on[fl.tail] & on[fl.head])
            tail, head = fl.tail[keep], fl.head[keep]
            start = np.searchsorted(tail, np.arange(len(fl.pairs) + 1))
            root = int(np.flatnonzero(on)[0])
            parent = {root: -1}
            via: dict[int, int] = {}
            queue = [root]
            for v in queue:
                for e in range(start[v], start[v + 1]):
                    q = int(head[e])
                    if q not in parent:
                        parent[q], via[q] = v, int(keep[e])
                        queue.append(q)
            if len(queue) < int(on.sum()):
                dropped.append(int(j))
                continue
            size = dict.fromkeys(queue, 1)
            for v in reversed(queue[1:]):
                size[parent[v]] += size[v]
                y[fl.f[via[v]]] = float(size[v])
            y[fl.r[root]] = 1.0
        return (self.without(y, dropped) if dropped else y), dropped


def _compatible(
    scenario: Scenario, parcels: pd.DataFrame, area: np.ndarray, p: Project, could: np.ndarray
) -> np.ndarray:
    spec = scenario.rule("projects")
    use = parcels[_column(scenario, spec.use_field)].astype("string").fillna("").to_numpy(str)
    m = could & p.use_match(use) & (area <= p.mu_max + 1e-9) & (area > 0)
    if p.park_rule == "only":
        park = parcels[_column(scenario, spec.park_field)].astype("string").fillna("").to_numpy(str)
        m &= np.isin(park, list(p.parks))
    return m


def largest_count(area: np.ndarray, mu_max: float) -> int:
    """M_j: the most parcels of ``area`` a site of at most ``mu_max`` mu can hold (the
    smallest first), at least 1."""
    fit = np.searchsorted(np.cumsum(np.sort(area)), mu_max + 1e-9, side="right")
    return max(1, int(fit))


def _flow_rows(
    b: ModelBuilder,
    j: int,
    p: Project,
    mine: np.ndarray,
    pair_parcel: np.ndarray,
    u: np.ndarray,
    wj: int,
    area: np.ndarray,
    nbrs: Any,
) -> FlowColumns:
    """The flow columns r_pj, f_pqj and rows ``flow_*`` of contiguous project j (module
    docstring) over its pairs ``mine``; the arcs are the ordered adjacent pairs among them."""
    V = pair_parcel[mine]
    k = len(V)
    sub = nbrs[V][:, V].tocoo()
    arc = sub.row != sub.col
    tail, head = sub.row[arc].astype(np.int64), sub.col[arc].astype(np.int64)
    order = np.lexsort((head, tail))
    tail, head = tail[order], head[order]
    na = len(tail)
    big = largest_count(area[V], p.mu_max)
    r = b.add_columns(np.zeros(k), np.zeros(k), np.ones(k), integer=True)
    f = b.add_columns(np.zeros(na), np.zeros(na), np.full(na, float(big - 1)))
    uv = u[mine]
    b.add_row(f"flow_root_{j}", np.concatenate([r, [wj]]), np.r_[np.ones(k), -1.0], "==", 0.0)
    Vl = V.tolist()
    b.add_block(
        row_local=np.r_[np.arange(k), np.arange(k)],
        cols=np.r_[r, uv],
        vals=np.r_[np.ones(k), -np.ones(k)],
        names=[f"flow_root_{q}_{j}" for q in Vl],
        senses="<=",
        rhs=np.zeros(k),
    )
    tl, hl = V[tail].tolist(), V[head].tolist()
    for end, side in ((tail, "out"), (head, "in")):
        b.add_block(
            row_local=np.r_[np.arange(na), np.arange(na)],
            cols=np.r_[f, uv[end]],
            vals=np.r_[np.ones(na), np.full(na, -float(big - 1))],
            names=[f"flow_cap_{side}_{a}_{c}_{j}" for a, c in zip(tl, hl, strict=True)],
            senses="<=",
            rhs=np.zeros(na),
        )
    b.add_block(
        row_local=np.r_[head, tail, np.arange(k), np.arange(k)],
        cols=np.r_[f, f, uv, r],
        vals=np.r_[np.ones(na), -np.ones(na), -np.ones(k), np.full(k, float(big))],
        names=[f"flow_balance_{q}_{j}" for q in Vl],
        senses=">=",
        rhs=np.zeros(k),
    )
    return FlowColumns(np.asarray(mine, dtype=np.int64), r, tail, head, f, big)


# --------------------------------------------------------------------------- cuts
class ContiguityCuts:
    """Lazy contiguity cuts of the contiguous projects' sites (a :class:`~landopt.rules.base.Cuts`)."""

    name = "projects_contiguity"

    def __init__(self, model: Any) -> None:
        self.model = model
        self.pc: ProjectColumns = model.projects
        self.adj = model.prepared.adjacency
        self.nbrs = self.adj.to_sparse()
        self.col = {
            (int(p), int(j)): int(c)
            for p, j, c in zip(self.pc.pair_parcel, self.pc.pair_project, self.pc.u, strict=True)
        }
        self.want = {j for j, p in enumerate(self.pc.projects) if p.contiguous}
        n = model.prepared.n
        self.compat: dict[int, np.ndarray] = {}
        for j in self.want:
            m = np.zeros(n, dtype=bool)
            m[self.pc.pair_parcel[self.pc.pair_project == j]] = True
            self.compat[j] = m
        self.cuts = 0
        self.rounds = 0

    def pieces(self, x: np.ndarray) -> dict[int, list[np.ndarray]]:
        """Per contiguous landed project with a site in more than one piece: the pieces."""
        out = {}
        n = self.model.prepared.n
        for j, site in self.pc.sites(x).items():
            if j not in self.want or len(site) < 2:
                continue
            mask = np.zeros(n, dtype=bool)
            mask[site] = True
            lab = self.adj.components(mask)[site]
            if len(np.unique(lab)) > 1:
                out[j] = [site[lab == k] for k in np.unique(lab)]
        return out

    def _separator(self, j: int, comp: np.ndarray, q: int) -> list[int]:
        """A minimal set of j's compatible parcels separating piece ``comp`` from parcel ``q``.

        N(C), the compatible neighbours of C, separates C from q; only those of N(C) that
        touch q's side (the component of q among the compatible parcels outside N(C)) are
        needed, so the cut keeps just them and is stronger.
        """
        from scipy.sparse.csgraph import connected_components

        n = self.model.prepared.n
        comp_mask = np.zeros(n, dtype=bool)
        comp_mask[comp] = True
        around = np.unique(self.nbrs[comp].indices)
        around = around[~comp_mask[around] & self.compat[j][around]]
        rest = self.compat[j].copy()
        rest[around] = False
        rest[comp] = False
        idx = np.flatnonzero(rest)
        if not rest[q]:
            return [int(r) for r in around]
        pos = np.full(n, -1)
        pos[idx] = np.arange(len(idx))
        _, lab = connected_components(self.nbrs[idx][:, idx], directed=False)
        side = np.zeros(n, dtype=bool)
        side[idx[lab == lab[pos[q]]]] = True
        touching = [int(r) for r in around if side[self.nbrs[r].indices].any()]
        return touching

    def separate(self, x: np.ndarray) -> list[tuple[float, float, np.ndarray, np.ndarray]]:
        """For each site in pieces, one cut per ordered pair of pieces (module docstring)."""
        rows = []
        for j, parts in self.pieces(x).items():
            for a, comp in enumerate(parts):
                for b_, other in enumerate(parts):
                    if a == b_:
                        continue
                    q = int(other[0])
                    sep = self._separator(j, comp, q)
                    cols = [self.col[(int(comp[0]), j)], self.col[(q, j)]]
                    cols += [self.col[(r, j)] for r in sep]
                    vals = [1.0, 1.0] + [-1.0] * len(sep)
                    rows.append((-np.inf, 1.0, np.asarray(cols, dtype=np.int64), np.asarray(vals)))
        return rows

    def unresolved(self, x: np.ndarray) -> str:
        """The sites still in pieces, for the message when the time budget runs out."""
        ids = ", ".join(self.pc.projects[j].project_id for j in self.pieces(x))
        return t("rules.projects.unresolved", self.model.scenario.lang, ids=ids)

    def kept_start(self, x: np.ndarray) -> str:
        """What is said when the warm start ``x`` is kept (the solver's plans in pieces)."""
        n = len(self.pc.sites(x))
        return t("rules.projects.kept_start", self.model.scenario.lang, n=n)

    def repair(self, x: np.ndarray) -> tuple[np.ndarray, str]:
        """``x`` with every project whose site is in pieces not landed (its u, w and z at 0),
        and what was done, for the message; the rest of the plan is kept. The solve layer
        keeps it only if it meets every row (a project that must land cannot be dropped)."""
        bad = list(self.pieces(x))
        y = self.pc.without(x, bad)
        ids = ", ".join(self.pc.projects[j].project_id for j in bad)
        return y, t("rules.projects.repaired", self.model.scenario.lang, ids=ids)


# --------------------------------------------------------------------------- reasons
def unlanded_reasons(scenario: Scenario, plan_parcels: pd.DataFrame) -> dict[str, str]:
    """``project_id -> reason`` (:data:`landopt.projects.REASONS`) for each unlanded project.

    From the plan's parcels alone: ``no_land`` when all compatible land that is stock or
    eligible for a source action totals less than the demand (for a contiguous project: in
    any one connected block of it); ``taken`` when what landed
    projects of the same or higher priority leave of it is too small; ``budget`` when the
    compatible land the plan has freed (and no project uses) is too small; ``not_needed``
    otherwise. In a programme, land counts for ``taken`` and ``budget`` only when it is stock
    or can be (was) freed by the project's year Y_j (a source action completing by then,
    its start within the parcel's ``not_before``/``not_after`` window): ``too_late`` when
    land exists in the programme but not by Y_j.
    """
    spec = scenario.rule("projects")
    projects = projects_of(scenario)
    area = pd.to_numeric(plan_parcels["area_mu"], errors="coerce").fillna(0).to_numpy(float)
    stock = stock_mask(scenario, plan_parcels)
    elig = (
        plan_parcels["eligible_actions"].astype("string").fillna("").to_numpy(str)
        if "eligible_actions" in plan_parcels.columns
        else np.full(len(plan_parcels), "")
    )
    could = {a: np.array([a in e.split(",") for e in elig], dtype=bool) for a in spec.sources}
    could_free = np.logical_or.reduce([*could.values(), np.zeros(len(plan_parcels), dtype=bool)])
    act = plan_parcels["action"].astype(str).to_numpy()
    freed = np.isin(act, list(spec.sources))
    if "action2" in plan_parcels.columns:
        freed |= np.isin(plan_parcels["action2"].astype(str).to_numpy(), list(spec.sources))
    by_year = _freed_by_year(scenario, plan_parcels, could)
    proj = (
        plan_parcels["project"].astype("string").fillna("").to_numpy(str)
        if "project" in plan_parcels.columns
        else np.full(len(plan_parcels), "")
    )
    prio = {p.project_id: p.priority for p in projects}
    out = {}
    for p in projects:
        if (proj == p.project_id).any():
            continue
        comp = _compatible(scenario, plan_parcels, area, p, stock | could_free)
        if p.contiguous and comp.any() and hasattr(plan_parcels, "geometry"):
            from landopt.adjacency import adjacency

            adj = adjacency(plan_parcels, tolerance=scenario.spatial.tolerance_m)
            lab = adj.components(comp)
            size = np.bincount(lab[comp], weights=area[comp])
            comp &= (lab >= 0) & (size[np.maximum(lab, 0)] >= p.mu_min - 1e-9)
        if area[comp].sum() < p.mu_min - 1e-9:
            out[p.project_id] = "no_land"
            continue
        if by_year is not None:
            could_by, freed_by = by_year(project_year(scenario, p))
            comp = _compatible(scenario, plan_parcels, area, p, stock | could_by)
            if area[comp].sum() < p.mu_min - 1e-9:
                out[p.project_id] = "too_late"
                continue
            freed = freed_by
        others = (proj != "") & comp
        ahead = others & np.array([prio.get(x, 10**9) <= p.priority for x in proj], dtype=bool)
        if ahead.any() and area[comp & ~ahead].sum() < p.mu_min - 1e-9:
            out[p.project_id] = "taken"
        elif area[comp & ~others & (stock | freed)].sum() < p.mu_min - 1e-9:
            out[p.project_id] = "budget"
        else:
            out[p.project_id] = "not_needed"
    return out


def _freed_by_year(
    scenario: Scenario, plan_parcels: pd.DataFrame, could: dict[str, np.ndarray]
) -> Any:
    """In a programme, ``year -> (could be freed by it, freed by it)`` per parcel; else None.

    Could: eligible for a source action a whose earliest start max(not_before, y_0), within
    ``not_after`` and the programme, completes (start + d_a - 1) by the year. Freed: the
    plan's source action (or second step) completes by the year.
    """
    from landopt.programme import programme_of

    prog = programme_of(scenario)
    if prog is None:
        return None
    lo, hi = prog.window(plan_parcels, scenario)
    start = np.maximum(lo, prog.first_year)

    def num(col: str) -> np.ndarray:
        if col not in plan_parcels.columns:
            return np.full(len(plan_parcels), np.inf)
        return pd.to_numeric(plan_parcels[col], errors="coerce").astype(float).fillna(np.inf).to_numpy()

    end, year2 = num("year_end"), num("year2")
    act = plan_parcels["action"].astype(str).to_numpy()
    act2 = (
        plan_parcels["action2"].astype(str).to_numpy()
        if "action2" in plan_parcels.columns
        else np.full(len(plan_parcels), "")
    )

    def at(year: int | None) -> tuple[np.ndarray, np.ndarray]:
        y = prog.last_year if year is None else year
        could_by = np.zeros(len(plan_parcels), dtype=bool)
        freed_by = np.zeros(len(plan_parcels), dtype=bool)
        for a, mask in could.items():
            d = prog.duration(a)
            could_by |= mask & (start <= hi) & (start + d - 1 <= min(y, prog.last_year))
            freed_by |= (act == a) & (end <= y)
            freed_by |= (act2 == a) & (year2 + d - 1 <= y)
        return could_by, freed_by

    return at


# --------------------------------------------------------------------------- component
class Projects(Component):
    """``[projects]``: u/w columns, rows, precheck, contiguity cuts or flow, check, description."""

    name = "projects"
    key = "projects"
    Spec = ProjectsSpec

    def scenario_problems(self, scenario: Scenario) -> list[Problem]:
        spec = self.spec(scenario)
        if spec is None:
            return []
        lg = scenario.lang
        out = [
            Problem(
                "[projects]",
                "sources",
                t("rules.projects.no_action", lg, action=repr(a)),
                t("rules.projects.no_action_fix", lg, actions=", ".join(scenario.action_names)),
            )
            for a in spec.sources
            if a not in scenario.action_names
        ]
        if spec.path is None and not spec.list:
            out.append(
                Problem(
                    "[projects]",
                    "path",
                    t("rules.projects.no_table", lg),
                    t("rules.projects.no_table_fix", lg),
                )
            )
        if scenario.spatial.boundary_weight:
            out.append(
                Problem(
                    "[projects]",
                    "",
                    t("rules.projects.boundary", lg),
                    t("rules.projects.boundary_fix", lg),
                )
            )
        return out

    def data_problems(self, scenario: Scenario, parcels: pd.DataFrame) -> list[Problem]:
        spec = self.spec(scenario)
        lg = scenario.lang
        out = []
        for key, what in (("park_field", "park"), ("use_field", "planned_use_code")):
            col = _column(scenario, getattr(spec, key))
            if col not in parcels.columns:
                out.append(
                    Problem(
                        "[projects]",
                        key,
                        t("rules.projects.no_column", lg, col=repr(col)),
                        t("rules.projects.no_column_fix", lg, what=what),
                    )
                )
        if not out:
            projects_of(scenario)  # a bad project table is reported before the model is built
        return out

    def compile(self, b: ModelBuilder) -> None:
        sc = b.scenario
        spec = self.spec(sc)
        projects = projects_of(sc)
        prep = b.prep
        n, area = prep.n, prep.area
        stock = (
            np.asarray(b.columns.stock, dtype=bool)
            if b.columns is not None
            else stock_mask(sc, prep.parcels)
        )
        src_ai = [sc.action_names.index(a) for a in spec.sources if a in sc.action_names]
        nx = b.n_x
        src_cols = np.flatnonzero(np.isin(b.var_action, src_ai) & (b.ub[:nx] > 0))
        min_end = np.full(n, np.inf)
        np.minimum.at(min_end, b.var_parcel[src_cols], b.var_end[src_cols].astype(float))
        could = stock | np.isfinite(min_end)
        prog = b.programme
        pp, pj = [], []
        comp_mu = np.zeros(len(projects))
        for j, p in enumerate(projects):
            m = _compatible(sc, prep.parcels, area, p, could)
            if prog is not None:
                y = project_year(sc, p)
                m &= stock | (min_end <= y)
                if p.earliest_year is not None and p.earliest_year > prog.years[-1]:
                    m[:] = False
            if p.contiguous and m.any():
                # a connected site lies inside one block of j's compatible land: blocks
                # smaller than the demand can hold none (a presolve the cuts would find slowly)
                lab = prep.adjacency.components(m)
                size = np.bincount(lab[m], weights=area[m])
                m &= (lab >= 0) & (size[np.maximum(lab, 0)] >= p.mu_min - 1e-9)
            comp_mu[j] = area[m].sum()
            idx = np.flatnonzero(m)
            pp.append(idx)
            pj.append(np.full(len(idx), j, dtype=np.int64))
        pair_parcel = np.concatenate(pp).astype(np.int64) if pp else np.zeros(0, np.int64)
        pair_project = np.concatenate(pj) if pj else np.zeros(0, np.int64)
        npair, nj = len(pair_parcel), len(projects)
        u = b.add_columns(np.zeros(npair), np.zeros(npair), np.ones(npair), integer=True)
        reward = _weights(spec, projects)
        has_pair = np.bincount(pair_project, minlength=nj) > 0
        w = b.add_columns(-b.sign * reward, np.zeros(nj), has_pair.astype(float), integer=True)
        park = prep.parcels[_column(sc, spec.park_field)].astype("string").fillna("").to_numpy(str)
        zj = [
            j
            for j, p in enumerate(projects)
            if p.park_rule == "prefer" and p.parks and p.park_bonus_wan > 0 and has_pair[j]
        ]
        z = b.add_columns(
            -b.sign * np.array([projects[j].park_bonus_wan for j in zj]),
            np.zeros(len(zj)),
            np.ones(len(zj)),
            integer=True,
        )
        # serve rows
        parcels_used, row_of = np.unique(pair_parcel, return_inverse=True)
        if prog is None:
            src_p = b.var_parcel[src_cols]
            keep = np.isin(src_p, parcels_used) & ~stock[src_p]
            xr = np.searchsorted(parcels_used, src_p[keep])
            b.add_block(
                row_local=np.concatenate([row_of, xr]),
                cols=np.concatenate([u, src_cols[keep]]),
                vals=np.concatenate([np.ones(npair), -np.ones(int(keep.sum()))]),
                names=[f"serve_once_{p}" for p in parcels_used.tolist()],
                senses="<=",
                rhs=stock[parcels_used].astype(float),
            )
        else:
            b.add_block(
                row_local=row_of,
                cols=u,
                vals=np.ones(npair),
                names=[f"serve_once_{p}" for p in parcels_used.tolist()],
                senses="<=",
                rhs=np.ones(len(parcels_used)),
            )
            free_pairs = np.flatnonzero(~stock[pair_parcel])
            src = pd.DataFrame(
                {"p": b.var_parcel[src_cols], "c": src_cols, "end": b.var_end[src_cols]}
            )
            pairs = pd.DataFrame(
                {
                    "k": free_pairs,
                    "p": pair_parcel[free_pairs],
                    "y": [project_year(sc, projects[j]) for j in pair_project[free_pairs]],
                }
            )
            pairs["r"] = np.arange(len(pairs))
            joined = pairs.merge(src, on="p")
            joined = joined[joined["end"] <= joined["y"]]
            b.add_block(
                row_local=np.concatenate([pairs["r"].to_numpy(), joined["r"].to_numpy()]),
                cols=np.concatenate([u[pairs["k"].to_numpy()], joined["c"].to_numpy()]),
                vals=np.concatenate([np.ones(len(pairs)), -np.ones(len(joined))]),
                names=[
                    f"serve_freed_{p}_{j}"
                    for p, j in zip(
                        pairs["p"].tolist(), pair_project[free_pairs].tolist(), strict=True
                    )
                ],
                senses="<=",
                rhs=np.zeros(len(pairs)),
            )
        lg = sc.lang
        z_of = {}
        for j, p in enumerate(projects):
            mine = np.flatnonzero(pair_project == j)
            cols = np.concatenate([u[mine], [w[j]]])
            s = area[pair_parcel[mine]]
            b.add_row(f"site_min_{j}", cols, np.concatenate([s, [-p.mu_min]]), ">=", 0.0)
            b.add_row(f"site_max_{j}", cols, np.concatenate([s, [-p.mu_max]]), "<=", 0.0)
            if j in zj:
                zc = int(z[zj.index(j)])
                z_of[j] = zc
                b.add_row(f"park_all_{j}", np.array([zc, w[j]]), np.array([1.0, -1.0]), "<=", 0.0)
                out = mine[~np.isin(park[pair_parcel[mine]], list(p.parks))]
                big = float(max(1, len(out)))
                b.add_row(
                    f"park_out_{j}",
                    np.concatenate([u[out], [zc]]),
                    np.concatenate([np.ones(len(out)), [big]]),
                    "<=",
                    big,
                )
            if _must(spec, p):
                r = b.add_row(f"must_land_{j}", np.array([w[j]]), np.array([1.0]), ">=", 1.0)
                text = t("rules.projects.must_text", lg, name=p.name)
                b.add_statement(Statement(f"must_land[{p.project_id}]", "must_land", text, (r,)))
        flows = None
        if contiguity_way(spec, n) == "flow":
            nbrs = prep.adjacency.to_sparse().tocsr()
            flows = {
                j: _flow_rows(
                    b, j, p, np.flatnonzero(pair_project == j), pair_parcel, u, w[j], area, nbrs
                )
                for j, p in enumerate(projects)
                if p.contiguous and has_pair[j]
            }
        in_park = np.zeros(npair, dtype=bool)
        for j, p in enumerate(projects):
            mine = pair_project == j
            in_park[mine] = np.isin(park[pair_parcel[mine]], list(p.parks))
        b.projects = ProjectColumns(
            projects,
            pair_parcel,
            pair_project,
            u,
            w,
            z_of,
            comp_mu,
            stock=stock,
            pair_in_park=in_park,
            flows=flows,
        )

    def precheck(self, model: Any) -> list[str]:
        pc: ProjectColumns | None = getattr(model, "projects", None)
        if pc is None:
            return []
        sc = model.scenario
        spec = self.spec(sc)
        lg = sc.lang
        out = []
        for j, p in enumerate(pc.projects):
            if _must(spec, p) and pc.compatible_mu[j] < p.mu_min - 1e-9:
                where = (
                    t("rules.projects.in_parks", lg, parks="、".join(p.parks))
                    if p.parks and p.park_rule == "only"
                    else ""
                )
                out.append(
                    t(
                        "rules.projects.cannot_land",
                        lg,
                        name=p.name,
                        mu=fmt_mu(p.mu_min, lg),
                        uses=_uses_text(p, lg),
                        where=where,
                        have=fmt_mu(pc.compatible_mu[j], lg),
                    )
                )
        return out

    def cuts(self, model: Any) -> ContiguityCuts | None:
        pc = getattr(model, "projects", None)
        if pc is None or not any(p.contiguous for p in pc.projects) or model.prepared is None:
            return None
        if pc.flows is not None:  # contiguity = "flow": the rows keep every site in one piece
            return None
        return ContiguityCuts(model)

    def settle(self, model: Any, x: np.ndarray) -> np.ndarray:
        """``x`` with each park bonus z_j at its best value for the sites x holds: 1 when j
        landed with its whole site in its preferred parks, else 0 (the value the check
        credits). A time-limited incumbent may leave z_j at 0 where 1 is allowed; the
        check, which recomputes the bonus from the sites, then rejected the whole plan
        (10,000 parcels, 50 projects, 60 s: BENCHMARKS.md "Key projects")."""
        pc: ProjectColumns | None = getattr(model, "projects", None)
        if pc is None:
            return x
        # with flow columns, r and f are set anew for the sites x holds (a vector built
        # outside the solver, or rounded, then meets the flow rows: ProjectColumns.with_flow)
        y = pc.with_flow(x)[0] if pc.flows else np.asarray(x, dtype=float).copy()
        if not pc.z:
            return y
        spec = model.scenario.rule("projects")
        park = model.prepared.parcels[_column(model.scenario, spec.park_field)]
        park = park.astype("string").fillna("").to_numpy(str)
        sites = pc.sites(y)
        for j, col in pc.z.items():
            site = sites.get(j)
            whole = site is not None and len(site) > 0 and np.isin(park[site], list(pc.projects[j].parks)).all()
            y[col] = 1.0 if whole else 0.0
        return y

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import Check, _undecided

        sc = ctx.scenario
        spec = self.spec(sc)
        lg = sc.lang
        projects = projects_of(sc)
        if "project" not in ctx.parcels.columns:
            return [
                _undecided("projects", t("diagnose.check.no_column", lg, col="'project'"), lang=lg)
            ]
        proj = ctx.parcels["project"].astype("string").fillna("").to_numpy(str)
        by_id = {p.project_id: (j, p) for j, p in enumerate(projects)}
        unknown = sorted(set(proj.tolist()) - set(by_id) - {""})
        use = ctx.parcels[_column(sc, spec.use_field)].astype("string").fillna("").to_numpy(str)
        park = ctx.parcels[_column(sc, spec.park_field)].astype("string").fillna("").to_numpy(str)
        reward = _weights(spec, projects)
        tol = sc.spatial.tolerance_m
        wrong: list[str] = []
        n_sites, site_mu = 0, 0.0
        for j, p in enumerate(projects):
            on = proj == p.project_id
            if not on.any():
                continue
            n_sites += 1
            mu = float(np.nansum(ctx.area[on]))
            site_mu += mu
            ctx.objective -= ctx.sign * reward[j]
            if (
                p.park_rule == "prefer"
                and p.parks
                and p.park_bonus_wan > 0
                and np.isin(park[on], list(p.parks)).all()
            ):
                ctx.objective -= ctx.sign * p.park_bonus_wan
            if not (p.mu_min - 1e-6 <= mu <= p.mu_max + 1e-6):
                wrong.append(
                    t(
                        "rules.projects.why.area",
                        lg,
                        id=p.project_id,
                        mu=f"{mu:,.1f}",
                        lo=f"{p.mu_min:g}",
                        hi=f"{p.mu_max:g}",
                    )
                )
            bad_use = ~p.use_match(use[on])
            if bad_use.any():
                wrong.append(
                    t("rules.projects.why.use", lg, id=p.project_id, use=use[on][bad_use][0])
                )
            if p.park_rule == "only" and not np.isin(park[on], list(p.parks)).all():
                wrong.append(t("rules.projects.why.park", lg, id=p.project_id))
            if p.contiguous and on.sum() > 1 and hasattr(ctx.parcels, "geometry"):
                import shapely

                geoms = np.asarray(ctx.parcels.geometry.to_numpy())[on]
                union = shapely.union_all(shapely.buffer(geoms, tol / 2.0))
                k = len(getattr(union, "geoms", [union]))
                if k > 1:
                    wrong.append(t("rules.projects.why.contiguous", lg, id=p.project_id, k=k))
        out = [
            Check(
                "projects_sites",
                not wrong and not unknown,
                (t("rules.projects.unknown", lg, ids=", ".join(unknown)) if unknown else "")
                + (
                    t("rules.projects.check_bad", lg, n=len(wrong), what="; ".join(wrong[:5]))
                    if wrong
                    else ""
                )
                or t("rules.projects.check_ok", lg, n=n_sites, mu=f"{site_mu:,.1f}"),
            )
        ]
        # the land: stock, or freed by a source action (in a programme by the project's year)
        served = proj != ""
        stock = ctx.stock | stock_mask(sc, ctx.parcels)
        free = np.isin(ctx.action, list(spec.sources))
        free2 = np.isin(ctx.action2, list(spec.sources))
        from landopt.programme import programme_of

        if programme_of(sc) is not None:
            yj = np.array(
                [project_year(sc, by_id[x][1]) if x in by_id else np.inf for x in proj], dtype=float
            )
            free = free & (np.nan_to_num(ctx.year_end, nan=np.inf) <= yj)
            free2 = free2 & (np.nan_to_num(ctx.year2, nan=np.inf) <= yj)
        bad = served & ~stock & ~free & ~free2
        out.append(
            Check(
                "projects_land",
                not bad.any(),
                t("rules.projects.land_bad", lg, n=int(bad.sum()), ids=", ".join(ctx.ids[bad][:5]))
                if bad.any()
                else t("rules.projects.land_ok", lg, n=int(served.sum())),
            )
        )
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        spec = self.spec(scenario)
        projects = projects_of(scenario)
        lines = [
            t(
                "rules.projects.text",
                lang,
                n=len(projects),
                yi=f"{sum(p.investment_yi for p in projects):,.1f}",
                value=f"{spec.value_wan_per_yi:g}",
            )
        ]
        lines += [
            t("rules.projects.must_text", lang, name=p.name) for p in projects if _must(spec, p)
        ]
        return lines
