"""What every map shares: colours, map groups of parcels, counts and legend entries.

The Okabe–Ito palette and the fills of unchosen and other parcels, the colours of the
comparison's categories, zones and blocks; each parcel's map group (its action,
:data:`CANDIDATE` or :data:`OTHER`) with plots and mu per group; the fixed words of maps
(:func:`words`, :data:`STATUS_WORDS`, both from the message catalog :mod:`landopt.i18n`)
and the legend entries the plan map and the comparison share. Used by the static maps and
by :mod:`landopt.webmap` and :mod:`landopt.report`; matplotlib is imported inside the
legend helpers only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from landopt import i18n
from landopt.i18n import LANGS, Lang
from landopt.plan import NONE, Plan
from landopt.scenario import Scenario

if TYPE_CHECKING:
    from landopt.maps.fonts import _Fonts

__all__ = [
    "BLOCK_EDGE",
    "CANDIDATE",
    "CHANGE_CATEGORIES",
    "OKABE_ITO",
    "OTHER",
    "STATUS_WORDS",
    "ZONE_COLORS",
    "action_colors",
    "action_text",
    "action_word",
    "count_text",
    "group_stats",
    "parcel_groups",
    "words",
]


#: The Okabe–Ito palette, safe for the common forms of colour blindness.
OKABE_ITO: dict[str, str] = {
    "vermillion": "#D55E00",
    "blue": "#0072B2",
    "bluish_green": "#009E73",
    "reddish_purple": "#CC79A7",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: Group of parcels that were candidates for some action but were not chosen.
CANDIDATE = "candidate"
#: Group of parcels that were never a candidate for any action.
OTHER = "other"

#: Fill of candidates not chosen, and of every other parcel.
CANDIDATE_FILL = "#D4D4D4"
CANDIDATE_EDGE = "#8A8A8A"
OTHER_FILL = "#F1F1EE"
OTHER_EDGE = "#DCDCD6"
BOUNDARY = "#4D4D4D"

#: Categories of :func:`compare_plans`, in legend order, with their colours.
CHANGE_CATEGORIES: dict[str, str] = {
    "same": "#5F5F5F",
    "different": OKABE_ITO["reddish_purple"],
    "only_a": OKABE_ITO["orange"],
    "only_b": OKABE_ITO["sky_blue"],
}

#: Zone outlines, dashed: exclusion red, priority green.
ZONE_COLORS = {"exclude": "#C0392B", "priority": "#1E8449"}

#: Outline of a block of chosen plots (and the cleared land they join): dark brown, apart
#: from the black district line and the clearance colour.
BLOCK_EDGE = "#5B2C06"

#: Hatch of unchosen candidates; past this many they are drawn plain (hatching would be noise).
HATCH = "//////"
HATCH_MAX = 5_000

#: Chosen parcels smaller than this on paper (points) get a ring around them.
RING_BELOW_PT = 5.0

#: Above this many chosen plots, small ones are not ringed (the rings would hide the map).
RING_MAX = 500

#: Parcel status in words, by language (from the message catalog, ``maps.status.*``).
STATUS_WORDS: dict[str, dict[str, str]] = {lang: i18n.words("maps.status.", lang) for lang in LANGS}


def words(lang: Lang) -> dict[str, str]:
    """The fixed words of maps and reports in ``lang`` (the catalog's ``maps.*`` keys without a dot)."""
    return {k: v for k, v in i18n.words("maps.", lang).items() if "." not in k}


def action_colors(scenario: Scenario) -> dict[str, str]:
    """Colour per action: the scenario's ``color`` when given, else the next Okabe–Ito colour."""
    taken = {a.color.upper() for a in scenario.actions if a.color}
    free = iter([c for c in OKABE_ITO.values() if c.upper() not in taken and c != "#000000"])
    out: dict[str, str] = {}
    for a in scenario.actions:
        out[a.name] = a.color or next(free, "#7F7F7F")
    return out


def action_text(scenario: Scenario, name: str, lang: Lang, fonts: _Fonts | None = None) -> str:
    """How an action is named on a map: ``出清 clear`` in Chinese, ``clear`` in English."""
    a = scenario.action(name)
    drawable = fonts is None or fonts.can_draw(a.label)
    if lang == "zh" and drawable:
        return a.label if a.label == a.name else f"{a.label} {a.name}"
    if a.label and a.label != a.name and a.label.isascii():
        return a.label
    return a.name


def action_word(scenario: Scenario, name: str, lang: Lang, fonts: _Fonts | None = None) -> str:
    """An action's name in one language, for a legend: ``出清`` in Chinese, ``clear`` in English.

    Chinese takes the label when it can be drawn; English an ASCII label, else the name.
    """
    a = scenario.action(name)
    if lang == "zh" and a.label and (fonts is None or fonts.can_draw(a.label)):
        return a.label
    if a.label and a.label.isascii():
        return a.label
    return a.name


def parcel_groups(plan: Plan) -> pd.Series:
    """Map group of each parcel: its action, :data:`CANDIDATE` or :data:`OTHER`."""
    p = plan.parcels
    action = p["action"].astype(str).to_numpy()
    elig = p["eligible_actions"].fillna("").astype(str).to_numpy()
    group = np.where(action != NONE, action, np.where(elig != "", CANDIDATE, OTHER))
    return pd.Series(group, index=p.index, name="group")


def group_stats(plan: Plan) -> pd.DataFrame:
    """Plots and mu per map group (actions in the scenario's order, then candidate, other)."""
    groups = parcel_groups(plan)
    area = pd.to_numeric(plan.parcels["area_mu"], errors="coerce").fillna(0.0)
    order = [*plan.scenario.action_names, CANDIDATE, OTHER]
    rows = [
        {"group": g, "plots": int((groups == g).sum()), "mu": float(area[groups == g].sum())}
        for g in order
    ]
    return pd.DataFrame(rows).set_index("group")


def count_text(n: int, mu: float | None, lang: Lang) -> str:
    """``17 宗 / 560.0 亩`` or ``17 plots / 560.0 mu`` (without the mu when ``mu`` is None)."""
    w = words(lang)
    plots = i18n.t("maps.count.one", lang) if n == 1 else w["plots"]
    if mu is None:
        return f"{n:,} {plots}"
    return f"{n:,} {plots} / {mu:,.1f} {w['mu']}"


def _hatch(plan: Plan) -> str | None:
    n = int((parcel_groups(plan) == CANDIDATE).sum())
    return HATCH if n <= HATCH_MAX else None


def _darker(color: str, factor: float = 0.7) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return (r * factor, g * factor, b * factor)


# --------------------------------------------------------------------------- legend entries
def _action_patches(
    plan: Plan, stats: pd.DataFrame, colors: dict[str, str], fonts: _Fonts
) -> list[Any]:
    """Legend entries of the plan's actions, in one language: ``出清 — 17 宗 / 563.1 亩``."""
    from matplotlib.patches import Patch

    lng = fonts.lang
    return [
        Patch(
            facecolor=colors[n],
            edgecolor=_darker(colors[n]),
            label=f"{action_word(plan.scenario, n, lng, fonts)} — "
            f"{count_text(int(stats.loc[n, 'plots']), float(stats.loc[n, 'mu']), lng)}",
        )
        for n in plan.scenario.action_names
    ]


def _candidate_patch(plan: Plan, stats: pd.DataFrame, lang: Lang) -> Any:
    """Legend entry of the candidates not chosen: ``候选未选 — 3 宗 / 95.0 亩``, hatched."""
    from matplotlib.patches import Patch

    s = stats.loc[CANDIDATE]
    return Patch(
        facecolor=CANDIDATE_FILL,
        edgecolor=CANDIDATE_EDGE,
        hatch=_hatch(plan),
        label=f"{words(lang)['candidate']} — {count_text(int(s['plots']), float(s['mu']), lang)}",
    )
