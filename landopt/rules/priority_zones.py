r"""Priority zones: a bonus per mu inside, and a minimum share of an action's mu inside.

A priority zone k (``[[spatial.zones]] kind = "priority"``) with actions A_k (all by
default), bonus beta_k (万元 per mu, ``bonus_wan_per_mu``) and minimum share rho_k
(``min_share``), with Z_k the parcels in it (at least ``IN_ZONE_SHARE`` = half their area
inside) and [p in Z_k] 1 or 0::

    f_pa  -=  ± beta_k * s_p                          (p,a) in E, a in A_k, p in Z_k
                                                      (+ when minimising: a bonus either way)
    zone_share[k,a]:  sum_{p:(p,a) in E} ([p in Z_k] - rho_k) s_p x_pa  >= 0
                                                      a in A_k, when rho_k is given

i.e. at least the share rho_k of action a's chosen mu lies in the zone. Rows are named
``zone_share_<k>_<a>`` with k the zone's position in ``[[spatial.zones]]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from landopt.i18n import add_messages, t
from landopt.rules.base import Component, Statement
from landopt.rules.targets import who

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario

add_messages(
    {
        "share": {
            "en": "{action}: at least {share} of its mu in {zone}",
            "zh": "{action}：至少 {share} 的面积位于{zone}",
        },
        "bonus": {
            "en": "{zone}: a bonus of {wan} 万元 per mu for {actions}",
            "zh": "{zone}：{actions}每亩奖励 {wan} 万元",
        },
    },
    prefix="rules.priority_zones.",
)


def _priority(scenario: Scenario) -> list[tuple[int, object]]:
    return [(k, z) for k, z in enumerate(scenario.spatial.zones) if z.kind == "priority"]


class PriorityZones(Component):
    """Zone bonuses in the objective and ``zone_share`` rows."""

    name = "priority_zones"

    def active(self, scenario: Scenario) -> bool:
        return bool(_priority(scenario))

    def compile(self, b: ModelBuilder) -> None:
        sc, prep = b.scenario, b.prep
        names = sc.action_names
        area = prep.area
        for k, z in _priority(sc):
            inside = prep.in_zone(z.name)
            acts = [names.index(a) for a in (z.actions or names)]
            hit = np.isin(b.var_action[: b.n_x], acts) & inside[b.var_parcel]
            b.c[: b.n_x][hit] -= b.sign * z.bonus_wan_per_mu * area[b.var_parcel[hit]]
            if z.min_share is None:
                continue
            for ai in acts:
                cols = b.cols_of(ai)
                coef = (inside[b.var_parcel[cols]].astype(float) - z.min_share) * area[b.var_parcel[cols]]
                r = b.add_row(f"zone_share_{k}_{names[ai]}", cols, coef, ">=", 0.0)
                text = t("rules.priority_zones.share", b.scenario.lang, action=who(b.scenario.actions[ai], b.scenario.lang), share=f"{z.min_share:.0%}", zone=z.name)
                b.add_statement(Statement(f"zone_share[{z.name},{names[ai]}]", "zone_share", text, (r,), action=names[ai]))

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import Check
        from landopt.zones import IN_ZONE_SHARE

        out = []
        names = ctx.scenario.action_names
        for k, z in _priority(ctx.scenario):
            for name in z.actions or names:
                rows = np.flatnonzero(ctx.on(name))
                inside = ctx.elig.zone_share(z, rows) >= IN_ZONE_SHARE
                mu_in = float(ctx.area[rows[inside]].sum())
                ctx.objective -= ctx.sign * z.bonus_wan_per_mu * mu_in
                if z.min_share is not None:
                    got = mu_in / max(float(ctx.area[rows].sum()), 1e-12) if len(rows) else 1.0
                    out.append(
                        Check(
                            f"zone_share[{z.name},{name}]",
                            got >= z.min_share - 1e-9,
                            t(
                                "diagnose.check.zone_share",
                                ctx.scenario.lang,
                                got=f"{got:.1%}",
                                action=who(ctx.scenario.action(name), ctx.scenario.lang),
                                zone=z.name,
                                share=f"{z.min_share:.0%}",
                                k=k + 1,
                            ),
                        )
                    )
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        out = []
        for _, z in _priority(scenario):
            acts = [scenario.action(a).label or a for a in (z.actions or scenario.action_names)]
            if z.bonus_wan_per_mu:
                out.append(t("rules.priority_zones.bonus", lang, zone=z.name, wan=f"{z.bonus_wan_per_mu:g}", actions=", ".join(acts)))
            if z.min_share is not None:
                out += [t("rules.priority_zones.share", lang, action=a, share=f"{z.min_share:.0%}", zone=z.name) for a in acts]
        return out
