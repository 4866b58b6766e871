"""Charts of the analyses: a sweep's cost curve, parcels by a value, a calibration.

:func:`plot_sweep` (the cost curve of a one-key sweep and its marginal cost),
:func:`plot_parcel_values` (parcels coloured by, e.g., replacement cost) and
:func:`plot_calibration` (the cost–boundary trade-off of a boundary weight), each with a
``save_…`` that writes PNG, PDF or SVG by suffix.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt import i18n
from landopt.errors import InputError
from landopt.i18n import Lang
from landopt.maps.draw import _add_layer, _draw_outlines, _extent
from landopt.maps.fonts import _Fonts, _fonts
from landopt.maps.layers import _geo, plan_title, read_district
from landopt.maps.save import _new_figure, _save_drawn
from landopt.maps.style import OKABE_ITO
from landopt.plan import Plan
from landopt.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_calibration",
    "plot_parcel_values",
    "plot_programme_timeline",
    "plot_sweep",
    "save_calibration_plot",
    "save_parcel_values",
    "save_programme_timeline",
    "save_sweep_plot",
]


#: The unit of a swept key, by its last part (words in the catalog: ``maps.key.*``, ``maps.unit.*``).
_KEY_UNITS = {
    "area_min": "mu",
    "area_max": "mu",
    "count": "plots",
    "count_min": "plots",
    "count_max": "plots",
    "budget": "wan",
    "total": "wan",
}


def _key_words(key: str, lang: Lang, scenario: Scenario | None = None) -> tuple[str, str]:
    """A varied TOML key in words and its unit, e.g. ``("出清 面积下限", "亩")``."""
    parts = key.split(".")
    last = parts[-1]
    if last in _KEY_UNITS:
        what, unit = i18n.t(f"maps.key.{last}", lang), i18n.t(f"maps.unit.{_KEY_UNITS[last]}", lang)
    else:
        what, unit = (last if lang == "zh" else last.replace("_", " ")), ""
    action = parts[1] if parts[0] == "actions" and len(parts) > 2 else ""
    if action and scenario is not None and action in scenario.action_names and lang == "zh":
        action = scenario.action(action).label
    return f"{action} {what}".strip(), unit


def plot_sweep(
    result: Any,
    *,
    axes: Sequence[Axes] | None = None,
    lang: str | None = None,
    scenario: Scenario | None = None,
) -> list[Axes]:
    """The cost curve of a one-key sweep and the marginal cost of each step.

    Parameters
    ----------
    result
        A :class:`landopt.analysis.SweepResult` over one key.
    axes
        Two axes (curve, marginal); new ones on a fresh figure when omitted.
    scenario
        For the language and font (Chinese labels need a CJK font).

    Returns
    -------
    list of Axes
        The curve's axes and the marginal cost's axes.
    """
    if len(result.keys) != 1:
        raise InputError(
            "plot_sweep draws a sweep over one key; plot two-key grids from result.table"
        )
    key = result.keys[0]
    t = result.table
    fonts = _fonts(scenario, lang) if scenario is not None else _Fonts("en", None)
    lng = fonts.lang
    if axes is None:
        fig = _new_figure((8.27, 6.5))
        axes = fig.subplots(
            2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2], "hspace": 0.08}
        )
    ax, ax2 = axes
    feasible = t["objective"].notna()
    x = t[key].to_numpy(float)
    ax.plot(
        x[feasible],
        t.loc[feasible, "objective"],
        marker="o",
        color=OKABE_ITO["blue"],
        lw=2,
        label=i18n.t("maps.sweep.objective", lng),
    )
    bad = ~feasible.to_numpy()
    if bad.any():
        top = float(t.loc[feasible, "objective"].max()) if feasible.any() else 1.0
        ax.scatter(
            x[bad],
            np.full(bad.sum(), top),
            marker="x",
            s=60,
            color=OKABE_ITO["vermillion"],
            zorder=3,
            label=i18n.t("maps.sweep.infeasible", lng),
        )
        first = x[bad].min()
        ax.axvspan(
            first - (x[1] - x[0]) / 2 if len(x) > 1 else first,
            x.max() + ((x[1] - x[0]) / 2 if len(x) > 1 else 1),
            color=OKABE_ITO["vermillion"],
            alpha=0.08,
            lw=0,
        )
    money = i18n.t("maps.unit.wan", lng)
    what, unit = _key_words(key, lng, scenario)
    ax.set_ylabel(i18n.t("maps.sweep.ylabel", lng, money=money), **fonts.kw())
    ax.grid(alpha=0.3)
    ax.legend(prop={"family": fonts.family}, frameon=False, loc="upper left")
    ax.set_title(
        i18n.t("maps.sweep.title", lng, key=what),
        loc="left",
        **fonts.kw(fontsize=12, fontweight="bold"),
    )
    marginal = t["marginal"].to_numpy(float) if "marginal" in t else np.full(len(t), np.nan)
    ok = np.isfinite(marginal)
    width = (x[1] - x[0]) * 0.6 if len(x) > 1 else 1.0
    ax2.bar(x[ok], marginal[ok], width=width, color=OKABE_ITO["orange"], edgecolor="none")
    per = i18n.t("maps.sweep.marginal", lng, money=money, unit=unit)
    ax2.set_ylabel(per, **fonts.kw())
    ax2.set_xlabel(f"{what} ({unit})", **fonts.kw())
    ax2.grid(alpha=0.3, axis="y")
    for a in (ax, ax2):
        for s in ("top", "right"):
            a.spines[s].set_visible(False)
    return [ax, ax2]


def save_sweep_plot(
    result: Any,
    path: str | Path,
    *,
    dpi: float = 200,
    lang: str | None = None,
    scenario: Scenario | None = None,
) -> Path:
    """Write :func:`plot_sweep` as PNG, PDF or SVG (by suffix)."""

    def draw(fig: Figure) -> None:
        axes = fig.subplots(
            2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2], "hspace": 0.08}
        )
        plot_sweep(result, axes=axes, lang=lang, scenario=scenario)

    return _save_drawn(path, (8.27, 6.5), draw, dpi, left=0.13, right=0.97, top=0.93, bottom=0.09)


def plot_parcel_values(
    plan: Plan,
    values: pd.Series,
    *,
    ax: Axes | None = None,
    label: str = "",
    lang: str | None = None,
    cmap: str = "viridis",
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
) -> Axes:
    """Parcels coloured by a value (e.g. replacement cost or selection frequency).

    ``values`` is indexed by ``parcel_id``; parcels without a value are drawn light grey,
    infinite values (irreplaceable parcels) in black with their own legend entry.
    """
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch

    fonts = _fonts(plan.scenario, lang)
    if ax is None:
        ax = _new_figure((11.69, 8.27)).add_subplot()
    geo = _geo(plan)
    dist = read_district(plan, district, crs=geo.crs)
    _draw_outlines(ax, dist)
    v = pd.to_numeric(geo["parcel_id"].astype(str).map(values), errors="coerce").to_numpy(float)
    has = np.isfinite(v)
    inf = np.isinf(v)
    _add_layer(
        ax, geo.geometry[~has & ~inf], facecolor="#eeeeee", edgecolor="#d0d0d0", linewidth=0.2
    )
    norm = Normalize(
        vmin=np.nanmin(v[has]) if has.any() else 0.0, vmax=np.nanmax(v[has]) if has.any() else 1.0
    )
    mapper = ScalarMappable(norm=norm, cmap=cmap)
    for i in np.flatnonzero(has):
        _add_layer(
            ax,
            geo.geometry.iloc[[i]],
            facecolor=mapper.to_rgba(v[i]),
            edgecolor="#333333",
            linewidth=0.3,
        )
    if inf.any():
        _add_layer(ax, geo.geometry[inf], facecolor="#000000", edgecolor="#000000", linewidth=0.3)
        ax.legend(
            handles=[
                Patch(
                    facecolor="black",
                    label=i18n.t("maps.values.irreplaceable", fonts.lang),
                )
            ],
            prop={"family": fonts.family},
            loc="lower left",
            frameon=False,
        )
    ext = _extent(geo, dist)
    ax.set_xlim(ext[0], ext[2])
    ax.set_ylim(ext[1], ext[3])
    ax.set_aspect("equal")
    ax.set_axis_off()
    cb = ax.figure.colorbar(mapper, ax=ax, shrink=0.6, pad=0.01)
    cb.set_label(label, **fonts.kw())
    _value_dots(ax, geo, v, mapper)
    return ax


def save_parcel_values(
    plan: Plan,
    values: pd.Series,
    path: str | Path,
    *,
    label: str = "",
    dpi: float = 200,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
) -> Path:
    """Write :func:`plot_parcel_values` as PNG, PDF or SVG (by suffix), with the plan's title."""

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        plot_parcel_values(plan, values, ax=ax, label=label, lang=lang, district=district)
        fonts = _fonts(plan.scenario, lang)
        ax.set_title(
            f"{plan_title(plan)} · {label}", loc="left", **fonts.kw(fontsize=13, fontweight="bold")
        )

    return _save_drawn(path, (11.69, 8.27), draw, dpi)


def _value_dots(ax: Axes, geo: gpd.GeoDataFrame, v: np.ndarray, mapper: Any) -> None:
    """Plots are small at district scale: a dot in each valued parcel's colour makes it legible."""
    has, inf = np.isfinite(v), np.isinf(v)
    for mask, colors in ((has, mapper.to_rgba(v[has])), (inf, "black")):
        if mask.any():
            pts = geo.geometry[mask].representative_point()
            ax.scatter(pts.x, pts.y, s=55, c=colors, edgecolors="#222222", linewidths=0.7, zorder=5)


def plot_calibration(
    result: Any,
    *,
    ax: Axes | None = None,
    lang: str | None = None,
    scenario: Scenario | None = None,
) -> Axes:
    """The cost–boundary trade-off of a boundary-weight calibration, with the knee marked.

    Parameters
    ----------
    result
        From :func:`landopt.analysis.calibrate`.
    """
    t = result.table.dropna(subset=["boundary_km"])
    fonts = _fonts(scenario, lang) if scenario is not None else _Fonts("en", None)
    lng = fonts.lang
    if ax is None:
        ax = _new_figure((8.27, 5.8)).add_subplot()
    ax.plot(t["boundary_km"], t["cost_total"], marker="o", color=OKABE_ITO["blue"], lw=2)
    # weights that give the same plan share one label ("1500, 2500")
    same = t.groupby([t["boundary_km"].round(6), t["cost_total"].round(6)], sort=False)[
        "spatial.boundary_weight"
    ]
    for (bkm, cost), ws in same:
        label = ", ".join(f"{w:g}" for w in ws)
        ax.annotate(
            label,
            (bkm, cost),
            textcoords="offset points",
            xytext=(6, 4),
            fontsize=8,
            color="#444444",
        )
    knee = t[t["knee"]]
    if len(knee):
        ax.scatter(
            knee["boundary_km"],
            knee["cost_total"],
            s=220,
            facecolors="none",
            edgecolors=OKABE_ITO["vermillion"],
            linewidths=2,
            zorder=4,
        )
        k = knee.iloc[0]
        text = i18n.t(
            "maps.calibration.knee",
            lng,
            weight=k["spatial.boundary_weight"],
            blocks=int(k["blocks"]),
        )
        ax.annotate(
            text,
            (k["boundary_km"], k["cost_total"]),
            textcoords="offset points",
            xytext=(14, -18),
            color=OKABE_ITO["vermillion"],
            **fonts.kw(fontsize=10),
        )
    money = i18n.t("maps.unit.wan", lng)
    ax.set_xlabel(i18n.t("maps.calibration.xlabel", lng), **fonts.kw())
    ax.set_ylabel(i18n.t("maps.calibration.ylabel", lng, money=money), **fonts.kw())
    ax.set_title(
        i18n.t("maps.calibration.title", lng),
        loc="left",
        **fonts.kw(fontsize=12, fontweight="bold"),
    )
    ax.grid(alpha=0.3)
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    return ax


def save_calibration_plot(
    result: Any,
    path: str | Path,
    *,
    dpi: float = 200,
    lang: str | None = None,
    scenario: Scenario | None = None,
) -> Path:
    """Write :func:`plot_calibration` as PNG, PDF or SVG (by suffix)."""

    def draw(fig: Figure) -> None:
        plot_calibration(result, ax=fig.add_subplot(), lang=lang, scenario=scenario)

    return _save_drawn(path, (8.27, 5.8), draw, dpi, left=0.12, right=0.96, top=0.9, bottom=0.11)


# --------------------------------------------------------------------------- programme
i18n.add_messages(
    {
        "title": {"en": "Programme timeline", "zh": "分年度实施进度"},
        "mu": {"en": "area started (mu)", "zh": "启动面积（亩）"},
        "cost": {"en": "money in the year (10⁴ CNY)", "zh": "当年投入（万元）"},
        "benefit": {
            "en": "yearly benefit in force (10⁴ CNY/yr)",
            "zh": "累计建成年效益（万元/年）",
        },
        "budget": {"en": "yearly budget", "zh": "年度预算"},
        "budget_use": {"en": "used {pct}%", "zh": "使用 {pct}%"},
        "benefit_line": {"en": "benefit in force", "zh": "已建成年效益"},
        "target": {"en": "benefit target", "zh": "效益目标"},
        "year": {"en": "year", "zh": "年度"},
    },
    prefix="maps.timeline.",
)


def plot_programme_timeline(
    plan: Plan, *, axes: Sequence[Axes] | None = None, lang: str | None = None
) -> list[Axes]:
    """The timeline of a programme plan: mu and money per action per year, budgets, benefit.

    Three panels over the programme's years: the mu started per action (grouped bars in
    the actions' colours); the money falling in each year per action (stacked bars, an
    upgrade over two years split as the scenario says) with each year's budget as a
    black bar and its use in per cent; the yearly benefit in force by each year (line)
    with the benefit targets (red dashes and markers at their years). Every number comes
    from :mod:`landopt.programme_tables`; every word from the catalog.

    Artists carry gids: ``mu-<action>``, ``cost-<action>``, ``budget``, ``budget-use``,
    ``benefit``, ``benefit-target``.

    Returns
    -------
    list of Axes
        The mu, money and benefit axes.
    """
    from landopt import programme_tables as pt
    from landopt.maps.style import action_colors, action_word

    fonts = _fonts(plan.scenario, lang)
    lng = fonts.lang
    sc = plan.scenario
    years = pt.programme_years(sc)
    table = pt.by_year(sc, plan.parcels)
    cum = pt.cumulative(sc, plan.parcels)
    if axes is None:
        fig = _new_figure((8.27, 9.0))
        axes = fig.subplots(3, 1, sharex=True, gridspec_kw={"hspace": 0.18})
    ax_mu, ax_cost, ax_b = axes
    colors = action_colors(sc)
    x = np.arange(len(years), dtype=float)
    names = list(sc.action_names)
    width = 0.8 / max(len(names), 1)
    per_year = table[table["year"].notna()]
    bottom = np.zeros(len(years))
    for k, name in enumerate(names):
        rows = per_year[per_year["action"] == name].set_index("year").reindex(years)
        mu = rows["mu"].fillna(0.0).to_numpy(float)
        word = action_word(sc, name, lng, fonts)
        bars = ax_mu.bar(
            x - 0.4 + width * (k + 0.5), mu, width=width * 0.92, color=colors[name], label=word
        )
        for patch in bars:
            patch.set_gid(f"mu-{name}")
        cost = rows["cost_wan"].fillna(0.0).to_numpy(float)
        stack = ax_cost.bar(x, cost, width=0.55, bottom=bottom, color=colors[name], label=word)
        for patch in stack:
            patch.set_gid(f"cost-{name}")
        bottom += cost
    totals = per_year[per_year["action"] == pt.TOTAL].set_index("year").reindex(years)
    budget = totals["budget_wan"].to_numpy(dtype=float, na_value=np.nan)
    if np.isfinite(budget).any():
        ok = np.isfinite(budget)
        ax_cost.hlines(
            budget[ok],
            x[ok] - 0.36,
            x[ok] + 0.36,
            colors="#111111",
            linewidth=2.2,
            label=i18n.t("maps.timeline.budget", lng),
            gid="budget",
            zorder=4,
        )
        for xi, b, c in zip(x[ok], budget[ok], bottom[ok], strict=True):
            t = ax_cost.annotate(
                i18n.t("maps.timeline.budget_use", lng, pct=f"{100 * c / b:.0f}"),
                (xi, b),  # above the middle of its budget bar: clear of the next year's
                textcoords="offset points",
                xytext=(0, 3),
                va="bottom",
                ha="center",
                color="#B00020" if c > b + 1e-6 else "#333333",
                **fonts.kw(fontsize=8),
            )
            t.set_gid("budget-use")
    tot = cum[cum["action"] == pt.TOTAL].set_index("year").reindex(years)
    ben = tot["benefit_wan"].to_numpy(float)
    (line,) = ax_b.plot(
        x,
        ben,
        marker="o",
        color="#333333",
        lw=2,
        label=i18n.t("maps.timeline.benefit_line", lng),
    )
    line.set_gid("benefit")
    target = tot["benefit_target_wan"].to_numpy(dtype=float, na_value=np.nan)
    if np.isfinite(target).any():
        ok = np.isfinite(target)
        tl = ax_b.hlines(
            target[ok],
            x[ok] - 0.3,
            x[ok] + 0.3,
            colors="#B00020",  # not an action's colour (clear is vermillion)
            linestyles="dashed",
            linewidth=2,
            label=i18n.t("maps.timeline.target", lng),
            zorder=4,
        )
        tl.set_gid("benefit-target")
    from matplotlib.ticker import FuncFormatter

    thousands = FuncFormatter(lambda v, _: f"{v:,.0f}")  # 12,345 as in every other output
    for a, key in ((ax_mu, "mu"), (ax_cost, "cost"), (ax_b, "benefit")):
        a.yaxis.set_major_formatter(thousands)
        a.set_ylabel(i18n.t(f"maps.timeline.{key}", lng), **fonts.kw(fontsize=9))
        a.grid(alpha=0.3, axis="y")
        a.set_axisbelow(True)
        for s in ("top", "right"):
            a.spines[s].set_visible(False)
        a.legend(
            prop={"family": fonts.family, "size": 8},
            frameon=False,
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
        )
        a.margins(y=0.12)
    ax_b.set_ylim(bottom=0)
    ax_b.set_xticks(x, [str(y) for y in years], **fonts.kw())
    ax_b.set_xlim(-0.6, len(years) - 0.4)
    ax_b.set_xlabel(i18n.t("maps.timeline.year", lng), **fonts.kw())
    ax_mu.set_title(
        f"{plan_title(plan)} · {i18n.t('maps.timeline.title', lng)}",
        loc="left",
        **fonts.kw(fontsize=12, fontweight="bold"),
    )
    return [ax_mu, ax_cost, ax_b]


def save_programme_timeline(
    plan: Plan, path: str | Path, *, dpi: float = 200, lang: str | None = None
) -> Path:
    """Write :func:`plot_programme_timeline` as PNG, PDF or SVG (by suffix)."""

    def draw(fig: Figure) -> None:
        axes = fig.subplots(3, 1, sharex=True, gridspec_kw={"hspace": 0.18})
        plot_programme_timeline(plan, axes=axes, lang=lang)

    return _save_drawn(path, (8.27, 9.0), draw, dpi, left=0.12, right=0.78, top=0.95, bottom=0.06)
