r"""Township share: no township takes more than a share of an action's mu.

Planners spread a year's clearance over the district rather than concentrate it where it
is cheapest: "no township (乡镇街道) takes more than 40 % of the year's clearance".
In the scenario::

    [township_share]
    max = 0.4                  # the largest share of an action's chosen mu in one township
    actions = ["clear"]        # the actions it caps (all by default)
    field = "township"         # the column that names the township (a planner's name works)

Formulation: with G the townships (the values of ``field``; parcels with no value form a
group of their own), [p in g] 1 or 0, s_p the area and rho the maximum share::

    township_share[a,g]:  sum_{p:(p,a) in E} ([p in g] - rho) s_p x_pa  <= 0
                                        a in A, g in G with a parcel eligible for a

i.e. township g holds at most the share rho of action a's chosen mu. Rows are named
``township_share_<a>_<k>`` with k the township's position in sorted order; each action's
rows are one statement (``township_share[a]``) that the diagnosis can relax. The check
recomputes every township's share from the plan's own ``action`` and township columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from landopt.errors import Problem
from landopt.i18n import add_messages, t
from landopt.rules.base import Component, Statement
from landopt.rules.targets import who

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario

add_messages(
    {
        "text": {
            "en": "{action}: no township takes more than {share} of its mu",
            "zh": "{action}：任一乡镇（街道）的面积不超过总面积的 {share}",
        },
        "detail": {
            "en": "largest share {got} ({township}) against ≤ {share}",
            "zh": "最大占比 {got}（{township}），上限 {share}",
        },
        "no_action": {"en": "names no action {action}", "zh": "没有名为 {action} 的措施"},
        "no_action_fix": {"en": "use one of {actions}", "zh": "请使用以下之一：{actions}"},
        "no_column": {"en": "the parcels have no column {col}", "zh": "地块图层没有字段 {col}"},
        "no_column_fix": {
            "en": "name the column that holds the township (乡镇街道)",
            "zh": "请填写记录乡镇（街道）的字段名（如 乡镇街道）",
        },
    },
    prefix="rules.township_share.",
)

NO_TOWNSHIP = "(no township)"


class TownshipShareSpec(BaseModel):
    """``[township_share]``: cap any one township's share of an action's chosen mu."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max: float = Field(gt=0, le=1, description="largest share (0–1] of an action's chosen mu in one township")
    actions: tuple[str, ...] = Field(default=(), description="actions it caps; all when empty")
    field: str = Field(default="township", min_length=1, description="the column naming the township")


def _column_name(scenario: Scenario, field: str) -> str:
    """The layer's column for ``field`` (a planner's name is mapped through ``[parcels] columns``)."""
    mapping = dict(scenario.parcels.columns) if scenario.parcels else {}
    return mapping.get(field, field)


def _groups(values: pd.Series) -> np.ndarray:
    return values.astype("string").fillna(NO_TOWNSHIP).replace("", NO_TOWNSHIP).to_numpy(str)


class TownshipShare(Component):
    """``[township_share]``: rows, check and description (one file: see the module docstring)."""

    name = "township_share"
    key = "township_share"
    Spec = TownshipShareSpec

    def _actions(self, scenario: Scenario) -> tuple[str, ...]:
        return self.spec(scenario).actions or scenario.action_names

    def scenario_problems(self, scenario: Scenario) -> list[Problem]:
        spec = self.spec(scenario)
        if spec is None:
            return []
        return [
            Problem(
                "[township_share]",
                "actions",
                t("rules.township_share.no_action", scenario.lang, action=repr(a)),
                t("rules.township_share.no_action_fix", scenario.lang, actions=", ".join(scenario.action_names)),
            )
            for a in spec.actions
            if a not in scenario.action_names
        ]

    def data_problems(self, scenario: Scenario, parcels: pd.DataFrame) -> list[Problem]:
        col = _column_name(scenario, self.spec(scenario).field)
        if col in parcels.columns:
            return []
        return [
            Problem(
                "[township_share]",
                "field",
                t("rules.township_share.no_column", scenario.lang, col=repr(col)),
                t("rules.township_share.no_column_fix", scenario.lang),
            )
        ]

    def compile(self, b: ModelBuilder) -> None:
        sc = b.scenario
        spec = self.spec(sc)
        group = _groups(b.prep.parcels[_column_name(sc, spec.field)])
        names = sorted(set(group.tolist()))
        for a in self._actions(sc):
            cols = b.cols_of(a)
            area = b.var_area[cols]
            g_of = group[b.var_parcel[cols]]
            rows = []
            for k, g in enumerate(names):
                inside = g_of == g
                if not inside.any():
                    continue
                coef = (inside.astype(float) - spec.max) * area
                rows.append(b.add_row(f"township_share_{a}_{k}", cols, coef, "<=", 0.0))
            text = t("rules.township_share.text", b.scenario.lang, action=who(b.scenario.action(a), b.scenario.lang), share=f"{spec.max:.0%}")
            b.add_statement(Statement(f"township_share[{a}]", "township_share", text, tuple(rows), action=a))

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import Check, _undecided

        sc = ctx.scenario
        spec = self.spec(sc)
        col = _column_name(sc, spec.field)
        out = []
        lg = sc.lang
        for a in self._actions(sc):
            name = f"township_share[{a}]"
            if col not in ctx.parcels.columns:
                out.append(_undecided(name, t("diagnose.check.no_column", lg, col=repr(col)), lang=lg))
                continue
            on = ctx.on(a)
            total = float(ctx.area[on].sum())
            if not total:
                out.append(Check(name, True, t("diagnose.check.no_plots", lg, action=who(sc.action(a), lg))))
                continue
            by = pd.Series(ctx.area[on]).groupby(_groups(ctx.parcels[col])[on]).sum() / total
            worst = str(by.idxmax())
            detail = t("rules.township_share.detail", lg, got=f"{by.max():.1%}", township=worst, share=f"{spec.max:.0%}")
            out.append(Check(name, bool(by.max() <= spec.max + 1e-9), detail))
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        spec = self.spec(scenario)
        return [
            t("rules.township_share.text", lang, action=scenario.action(a).label or a, share=f"{spec.max:.0%}")
            for a in self._actions(scenario)
        ]
