r"""At most one action per parcel.

Formulation::

    one_action[p]:   sum_{a:(p,a) in E} x_pa  <= 1        p with >= 2 eligible actions

In a programme the sum runs over the stage-0 columns of every year,
sum_{a,t} x_pat <= 1 (each parcel takes at most one first action over the programme);
the second steps x'_pat of sequences are bounded by ``sequence_<p>_<t'>`` instead.

The check reads the plan's ``action`` column (one row per plot, so one action) and, when
the solver's vector is given, ``x`` itself: it must be 0/1, give no plot two actions, and
agree with the ``action`` column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from landopt.i18n import add_messages, t
from landopt.rules.base import Component

if TYPE_CHECKING:
    from landopt.check import Check
    from landopt.rules.base import CheckContext, ModelBuilder
    from landopt.scenario import Scenario

add_messages(
    {"text": {"en": "each plot gets at most one action", "zh": "每宗地块至多实施一项措施"}},
    prefix="rules.one_action.",
)


class OneAction(Component):
    """``one_action_<p>`` rows and the checks of the plan's actions."""

    name = "one_action"

    def compile(self, b: ModelBuilder) -> None:
        n = b.prep.n
        first = b.var_stage == 0  # a programme's second steps (stage 1) are not first actions
        per_parcel = np.bincount(b.var_parcel[first], minlength=n)
        multi = np.flatnonzero(per_parcel >= 2)
        if not len(multi):
            return
        cols = np.flatnonzero(np.isin(b.var_parcel, multi) & first)
        row_of_parcel = np.full(n, -1, dtype=np.int64)
        row_of_parcel[multi] = np.arange(len(multi))
        b.add_block(
            row_local=row_of_parcel[b.var_parcel[cols]],
            cols=cols,
            vals=np.ones(len(cols)),
            names=[f"one_action_{p}" for p in multi.tolist()],
            senses="<=",
            rhs=np.ones(len(multi)),
        )

    def check(self, ctx: CheckContext) -> list[Check]:
        from landopt.check import NONE, Check, _ids_detail, _x_checks

        names = ctx.scenario.action_names
        lg = ctx.scenario.lang
        action, ids = ctx.action, ctx.ids
        unknown = sorted(set(action) - {*names, NONE})
        out = [
            Check(
                "actions known",
                not unknown,
                t("diagnose.check.unknown_actions", lg, actions=unknown)
                if unknown
                else t("diagnose.check.known_actions", lg),
            )
        ]
        if ctx.x is not None and ctx.model is not None:
            return out + _x_checks(ctx.model, ctx.x, action, ids, names)
        dup = pd.Series(ids).duplicated(keep=False).to_numpy() & (action != NONE)
        out.append(
            Check(
                "one_action",
                not dup.any(),
                _ids_detail(sorted(set(ids[dup])), t("diagnose.check.duplicate_rows", lg), lg)
                if dup.any()
                else t("diagnose.check.one_row", lg),
            )
        )
        return out

    def describe(self, scenario: Scenario, lang: str | None = None) -> list[str]:
        return [t("rules.one_action.text", lang)]
