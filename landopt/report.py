"""The plan report: one self-contained HTML file to hand to a district meeting.

:func:`write_report` writes ``report.html``: the scenario in words, targets against
achievement (met / NOT met), cost and benefit, the static map (embedded PNG), the
interactive map (embedded, no network), plots and mu per township (and per park when the
layer has a ``park`` column), the chosen parcels
and the solver record. It is rendered from the templates in ``landopt/templates/``
(``report.html.j2``, its partials in ``report/`` and ``report.css``, inlined); it
prints cleanly on A4.

:func:`plan_outputs` gives ``landopt plan`` the writers of ``plan.png``, ``plan.html``
and ``report.html`` for :func:`landopt.plan.write_plan`'s ``extra=``;
:func:`redraw_plan` redraws them from a plan folder (``landopt map PLAN_DIR``).
"""

from __future__ import annotations

import base64
import json
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt import _render, i18n, project_outputs
from landopt import maps as _maps
from landopt import programme_tables as _pt
from landopt import webmap as _webmap
from landopt._atomic import staged_files
from landopt.diagnose import status_word
from landopt.errors import InputError
from landopt.plan import NONE, Plan, plot_numbers, read_plan
from landopt.rules import active_components, component
from landopt.scenario import describe_rule
from landopt.solvers.result import proof_text

__all__ = [
    "MAP_FILES",
    "PROGRAMME_FILES",
    "plan_outputs",
    "redraw_plan",
    "report_html",
    "write_comparison",
    "write_report",
]

log = logging.getLogger(__name__)

#: Files :func:`plan_outputs` and :func:`redraw_plan` write.
MAP_FILES = ("plan.png", "plan.html", "report.html")
#: The two more of a multi-year programme (:func:`landopt.programme_tables.is_programme`).
PROGRAMME_FILES = ("programme_map.png", "programme_timeline.png")

i18n.add_messages(
    {
        "programme": {"en": "Programme by year", "zh": "分年度实施计划"},
        "programme_timeline": {"en": "Timeline", "zh": "实施进度"},
        "programme_maps": {"en": "Maps by year", "zh": "分年度实施图"},
        "programme_cumulative": {"en": "Cumulative by year", "zh": "逐年累计"},
        "programme_year": {"en": "{year}", "zh": "{year} 年"},
        "programme_whole": {"en": "Whole programme", "zh": "全部年度"},
        "programme_by": {"en": "by", "zh": "截至"},
        "programme_plots": {"en": "plots started", "zh": "启动宗数"},
        "programme_resupply": {"en": "of which re-supply", "zh": "其中再供应"},
        "programme_cost": {"en": "money in the year (10⁴ CNY)", "zh": "当年投入（万元）"},
        "programme_benefit": {
            "en": "yearly benefit completing (10⁴ CNY/yr)",
            "zh": "当年建成年效益（万元/年）",
        },
        "programme_budget": {"en": "budget (10⁴ CNY)", "zh": "年度预算（万元）"},
        "programme_use": {"en": "budget used", "zh": "预算使用率"},
        "programme_cum_cost": {"en": "money by then (10⁴ CNY)", "zh": "累计投入（万元）"},
        "programme_cum_benefit": {
            "en": "yearly benefit in force (10⁴ CNY/yr)",
            "zh": "累计建成年效益（万元/年）",
        },
        "programme_target": {"en": "benefit target (10⁴ CNY/yr)", "zh": "效益目标（万元/年）"},
        "programme_step": {"en": "step", "zh": "环节"},
        "programme_first": {"en": "first action", "zh": "首次措施"},
        "programme_second": {"en": "second step (re-supply)", "zh": "后续再供应"},
        "programme_stock": {"en": "re-supply of cleared land", "zh": "已腾空土地再供应"},
        "programme_span": {"en": "years", "zh": "实施年度"},
        "programme_started": {"en": "Plots started in {year}", "zh": "{year} 年启动地块"},
        "programme_none": {"en": "No plot starts this year.", "zh": "本年度无启动地块。"},
    },
    prefix="report.",
)

#: Sections whose Chinese heading carries the English one as a subtitle.
_SECTIONS = (
    "scenario",
    "targets",
    "programme",
    "map",
    "webmap",
    "townships",
    "parks",
    "parcels",
    "record",
)


def _n(v: Any, nd: int = 1) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "–"
    if not np.isfinite(f):
        return "–"
    return f"{f:,.{nd}f}"


def _i(v: Any) -> str:
    try:
        return f"{int(v):,}"
    except (TypeError, ValueError):
        return "–"


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return ""
    return str(v)


# --------------------------------------------------------------------------- sections
# Each gives the plain values (text, never HTML) its template in landopt/templates/report/
# shows; the templates escape them.
def _header(plan: Plan, h: dict[str, str], lang: _maps.Lang, record: dict[str, Any]) -> dict:
    from landopt.localtime import district_zone, local_time  # the district's time, not UTC

    sc = plan.scenario
    stats = _maps.group_stats(plan)
    chosen = stats.loc[list(sc.action_names)]
    total = plan.summary[plan.summary["action"] == "total"]
    cost = float(total["cost_wan"].iloc[0]) if len(total) else float("nan")
    benefit = float(total["benefit_wan"].iloc[0]) if len(total) else float("nan")
    w = _maps.words(lang)
    return {
        "title": _maps.plan_title(plan),
        "name": sc.name,
        "year": sc.year,
        "created": local_time(record.get("created"), district_zone(sc), lang),
        "ok": bool(plan.targets_met and not plan.failed_checks),
        "proven": bool(plan.result.proven_optimal),
        # within the stopping rule, not exactly: say how closely (exact needs no badge)
        "proof": proof_text(plan.result.record(), lang) if plan.result.status == "within_gap" else "",
        "banner": _failing_banner(plan),
        "kpis": [
            (h["chosen"], _i(chosen["plots"].sum()), w["plots"]),
            (h["area"], _n(chosen["mu"].sum()), w["mu"]),
            (h["cost"].split("（")[0].split(" (")[0], _n(cost), w["wan"]),
            (h["benefit"].split("（")[0].split(" (")[0], _n(benefit), w["wan"]),
        ],
    }


def _failing_banner(plan: Plan) -> dict | None:
    """The banner of a plan that fails its re-check (and the note of an edited plan file)."""
    failed = plan.failed_checks
    edited = bool(getattr(plan, "edited", False))
    if not failed and not edited:
        return None
    return {
        "failed": [{"name": c.name, "detail": c.detail} for c in failed],
        "n_checks": len(plan.checks),
        "edited": edited,
        "notes": [str(n) for n in (getattr(plan, "notes", []) or [])],
    }


def _scenario_section(plan: Plan, h: dict[str, str], lang: _maps.Lang) -> dict:
    sc = plan.scenario
    colors = _maps.action_colors(sc)
    paras = [p.strip() for p in (sc.description or "").strip().split("\n\n") if p.strip()]
    actions = [
        {
            "color": colors[a.name],
            "label": a.label,
            "name": a.name,
            "rule": describe_rule(a.eligible, lang, parcels=sc.parcels),
            "targets": _targets_words(a.targets.describe(), lang),
            "budget": _n(a.budget) if a.budget is not None else "–",
            "cost": a.cost,
        }
        for a in sc.actions
    ]
    facts = [(h["objective"], component("objective").describe(sc, lang)[0])]
    if sc.budget_total is not None:
        facts.append((h["budget_total"], f"{_n(sc.budget_total)} {_maps.words(lang)['wan']}"))
    if len(sc.locks):
        include = ", ".join(f"{p} → {a}" for p, a in sc.locks.include)
        exclude = ", ".join(
            f"{p} ✗ {'all' if a is None else '/'.join(a)}" for p, a in sc.locks.exclude
        )
        facts.append((h["locks"], "; ".join(x for x in (include, exclude) if x)))
    # every other rule (zones, township shares, compactness, blocks, what comes next) in
    # its component's own words: a new rule kind shows here without touching the report
    others = [
        line
        for c in active_components(sc)
        if c.name not in _IN_ACTION_TABLE
        for line in c.describe(sc, lang)
    ]
    if others:
        facts.append((h["rules"], "; ".join(others)))
    return {"paragraphs": paras, "actions": actions, "facts": facts}


#: Components the report shows in the action table and the facts above, not as "other rules".
_IN_ACTION_TABLE = ("eligibility", "objective", "one_action", "targets", "budgets", "locks")


def _targets_words(text: str, lang: str) -> str:
    """``17 plots, ≥ 560.0 mu`` in the report's language."""
    if lang != "zh":
        return text
    return (
        text.replace(" plots", f" {i18n.t('units.plots', lang)}")
        .replace(" mu", f" {i18n.t('units.mu', lang)}")
        .replace("no targets", i18n.t("report.no_targets", lang))
    )


def _targets_section(plan: Plan) -> dict:
    colors = _maps.action_colors(plan.scenario)
    rows, foot = [], None
    for rec in plan.summary.to_dict("records"):
        cells = [
            _i(rec.get("plots")),
            str(rec.get("plots_target") or "–"),
            _n(rec.get("mu")),
            str(rec.get("mu_target") or "–"),
            _n(rec.get("cost_wan")),
            _n(rec.get("cost_wan_per_mu"), 2),
            _n(rec.get("benefit_wan")),
        ]
        met = bool(rec.get("met"))
        if rec["action"] == "total":
            foot = {"cells": cells, "met": met}
            continue
        name = rec["action"]
        rows.append(
            {
                "color": colors.get(name, "#999"),
                "label": rec.get("label") or name,
                "name": name,
                "cells": cells,
                "met": met,
            }
        )
    d = plan.diagnosis
    diagnosis = (
        None
        if d is None
        else {
            "unmet": [s.describe() for s in d.unmet],
            "findings": [str(f) for f in d.findings],
            "conflict": [s.text for s in d.conflict],
            "notes": [str(n) for n in d.notes],
        }
    )
    return {"rows": rows, "foot": foot, "diagnosis": diagnosis}


#: The breakdowns the report shows: (section id, the layer's column, the row heading's
#: key, the key of the word for a parcel with no value there); a breakdown whose column
#: the layer lacks is left out, except the township one (all parcels in one "–" row).
_BREAKDOWNS = (
    ("townships", "township", "township", None),
    ("parks", "park", "park", "no_park"),
)


def _breakdown_sections(plan: Plan, h: dict[str, str], lang: _maps.Lang) -> list[dict]:
    """The per-township table and, when the layer has a ``park`` column, the per-park one."""
    return [
        _breakdown_section(plan, h, lang, column=col, heading=h[key], blank=h[b] if b else "–")
        | {"id": sid}
        for sid, col, key, b in _BREAKDOWNS
        if col in plan.parcels.columns or sid == "townships"
    ]


def _breakdown_section(
    plan: Plan, h: dict[str, str], lang: _maps.Lang, *, column: str, heading: str, blank: str
) -> dict:
    """Plots and mu of each action per value of ``column`` (largest total area first)."""
    sc = plan.scenario
    w = _maps.words(lang)
    colors = _maps.action_colors(sc)
    p = plan.parcels
    town = (
        (p[column] if column in p.columns else pd.Series(blank, index=p.index))
        .astype(object)
        .where(lambda v: v.notna() & (v.astype(str).str.strip() != ""), blank)
        .astype(str)
    )
    area = pd.to_numeric(p["area_mu"], errors="coerce").fillna(0.0)
    action = p["action"].astype(str)
    df = pd.DataFrame({"town": town.to_numpy(), "action": action.to_numpy(), "mu": area.to_numpy()})
    chosen = df[df["action"] != NONE]
    n = chosen.pivot_table(
        index="town", columns="action", values="mu", aggfunc="size", fill_value=0
    )
    mu = chosen.pivot_table(
        index="town", columns="action", values="mu", aggfunc="sum", fill_value=0.0
    )
    towns = sorted(
        df["town"].unique(),
        # largest first; the parcels with no value there last
        key=lambda t: (t == blank, -float(mu.loc[t].sum()) if t in mu.index else 0.0, t),
    )
    head = [heading]
    for a in sc.actions:
        head += [f"{a.label} {w['plots']}", f"{a.label} {w['mu']}"]
    head += [f"{h['total']} {w['plots']}", f"{h['total']} {w['mu']}"]
    rows = []
    for t in towns:
        cells: list[str | None] = []  # None: a dash, nothing of that action there
        tot_n, tot_mu = 0, 0.0
        for a in sc.actions:
            k = int(n.loc[t, a.name]) if t in n.index and a.name in n.columns else 0
            m = float(mu.loc[t, a.name]) if t in mu.index and a.name in mu.columns else 0.0
            tot_n += k
            tot_mu += m
            cells += [_i(k), _n(m)] if k else [None, None]
        totals = [_i(tot_n), _n(tot_mu)] if tot_n else [None, None]
        rows.append({"town": t, "cells": cells, "totals": totals})
    foot = []
    for a in sc.actions:
        on = chosen["action"] == a.name
        foot += [_i(on.sum()), _n(chosen.loc[on, "mu"].sum())]
    foot += [_i(len(chosen)), _n(chosen["mu"].sum())]
    return {
        "head": head,
        "colors": [colors[a.name] for a in sc.actions],
        "rows": rows,
        "foot": foot,
    }


def _parcels_section(plan: Plan, lang: _maps.Lang) -> list[dict]:
    sc = plan.scenario
    colors = _maps.action_colors(sc)
    status_words = _maps.STATUS_WORDS[lang]
    ch = plan.chosen.copy()
    if not len(ch):
        return []
    # the plot numbers of the map and summary.xlsx, and their order
    ch["_no"] = plot_numbers(sc, plan.parcels).loc[ch.index]
    ch["_mu"] = pd.to_numeric(ch["area_mu"], errors="coerce")
    cost = np.full(len(ch), np.nan)
    for a in sc.actions:
        on = (ch["action"] == a.name).to_numpy()
        if a.cost in ch.columns:
            cost[on] = pd.to_numeric(ch.loc[on, a.cost], errors="coerce").to_numpy(float)
    ch["_cost"] = cost
    ch = ch.sort_values("_no", kind="stable")
    rows = []
    for r in ch.drop(columns="geometry").to_dict("records"):
        a = sc.action(str(r["action"]))
        rows.append(
            {
                "no": int(r["_no"]),
                "id": _text(r["parcel_id"]),
                "name": _text(r.get("name")),
                "township": _text(r.get("township")),
                "park": _text(r.get("park")),
                "status": status_words.get(str(r.get("status")), _text(r.get("status"))),
                "color": colors[a.name],
                "action": a.label,
                "mu": _n(r["_mu"], 2),
                "cost": _n(r["_cost"]),
            }
        )
    return rows


def _name(path: Any) -> str:
    """A file's name without its folders ("–" when there is none)."""
    return Path(str(path)).name if path else "–"


def _record_section(plan: Plan, h: dict[str, str], record: dict[str, Any], lang: str) -> dict:
    from landopt.localtime import district_zone, local_time  # the district's time, not UTC

    s = record.get("solver") or plan.result.record()
    inp = record.get("input") or {}
    proven = s.get("proven_optimal")
    proof = h["proven"] if s.get("status") == "optimal" else proof_text(s, lang)
    gap, abs_gap = s.get("gap"), s.get("abs_gap")
    gap_text = "–"
    if isinstance(gap, int | float):
        gap_text = f"{100 * gap:.4g} %"
        if isinstance(abs_gap, int | float):
            gap_text += f" ({abs_gap:,.2f} 万元)"
    limit = f"{_n(s.get('time_limit_s'), 0)} s" + (" — hit" if s.get("time_limit_hit") else "")
    # (heading, value, style): style "" text, "code", or the class of a coloured value
    rows = [
        (h["status_k"], status_word(str(s.get("status")), lang) if s.get("status") else "–", ""),
        (h["optimal"], proof if proven else h["not_proven"], "ok" if proven else "bad"),
        (h["objective_v"], _n(s.get("objective"), 3), ""),
        (
            h["bound_max" if plan.scenario.objective.sense == "maximize" else "bound"],
            _n(s.get("bound"), 3),
            "",
        ),
        (h["gap"], gap_text, ""),
        (h["runtime"], f"{_n(s.get('runtime_s'), 2)} s", ""),
        (
            h["solver"],
            f"{s.get('solver')} {s.get('solver_version')} (backend {s.get('backend')})",
            "",
        ),
        (h["time_limit"], limit, ""),
        # file names, not paths: the report goes to meetings (a web run's path is the server's)
        (h["input"], f"{_name(inp.get('path') or inp.get('table'))} ({_i(inp.get('parcels'))} {h['parcels_n']})", ""),
        (h["sha"], inp.get("sha256") or "–", "code"),
        (h["scenario_file"], _name(record.get("scenario_file")), ""),
        (h["created"], local_time(record.get("created"), district_zone(plan.scenario), lang), ""),
    ]
    model = record.get("model") or {}
    if model:
        words = {"variables": h["model_vars"], "rows": h["model_rows"], "nonzeros": h["model_nnz"]}
        rows.append(
            (h["model"], ", ".join(f"{words.get(k, k)} {v:,}" for k, v in model.items()), "")
        )
    # the plan's own checks (recomputed by read_plan), never the ones a run.json recorded
    mark = {
        "passed": ("ok", "✓", h["check_ok"]),
        "failed": ("bad", "✗", h["check_bad"]),
        "undecided": ("warn", "?", h["check_undecided"]),
    }
    checks = [
        {
            "cls": mark[c.state][0],
            "mark": mark[c.state][1],
            "title": mark[c.state][2],
            "name": c.name,
            "detail": c.detail,
        }
        for c in plan.checks
    ]
    return {
        "rows": rows,
        "versions": list((record.get("versions") or {}).items()),
        "checks": checks,
        "n_ok": sum(1 for c in plan.checks if c.ok),
    }


def _programme_section(
    plan: Plan, h: dict[str, str], lang: _maps.Lang, images: dict[str, bytes]
) -> dict:
    """A programme plan's section: timeline, small multiples, the cumulative table, then one
    part per year (its table per action and the plots started in it) and the whole programme.

    Every number comes from :mod:`landopt.programme_tables` (the plan layer's own columns).
    """
    sc = plan.scenario
    colors = _maps.action_colors(sc)
    table = _pt.by_year(sc, plan.parcels)
    cum = _pt.cumulative(sc, plan.parcels)
    steps = _pt.programme_steps(sc, plan.parcels)
    nos = plot_numbers(sc, plan.parcels)
    p = plan.parcels

    def pct(v: Any) -> str:
        return "–" if v is None or v is pd.NA or not np.isfinite(float(v)) else f"{float(v):.1f}%"

    def budget(v: Any) -> str:
        return "–" if v is None or v is pd.NA or not np.isfinite(float(v)) else _n(v)

    def rows_of(part: pd.DataFrame) -> tuple[list[dict], dict]:
        out, foot = [], {}
        for r in part.to_dict("records"):
            cells = [
                _i(r["plots"]),
                _n(r["mu"]),
                _i(r["resupply_plots"]),
                _n(r["cost_wan"]),
                _n(r["benefit_wan"]),
                budget(r["budget_wan"]),
                pct(r["budget_use_pct"]),
            ]
            over = r["budget_use_pct"] is not None and not pd.isna(r["budget_use_pct"])
            over = over and float(r["budget_use_pct"]) > 100.0 + 1e-9
            if r["action"] == _pt.TOTAL:
                foot = {"cells": cells, "over": over}
            else:
                out.append(
                    {
                        "color": colors.get(r["action"], "#999"),
                        "label": r["label"] or r["action"],
                        "name": r["action"],
                        "cells": cells,
                        "over": over,
                    }
                )
        return out, foot

    words = {0: h["programme_first"], 1: h["programme_second"]}
    years = []
    for y in _pt.programme_years(sc):
        rows, foot = rows_of(table[table["year"] == y])
        started = steps[steps["start"] == y]
        plots = []
        for st in started.itertuples(index=False):
            idx = p.index[st.row]
            step = (
                words[1] if st.stage == 1 else (h["programme_stock"] if st.resupply else words[0])
            )
            plots.append(
                {
                    "no": int(nos.loc[idx]),
                    "id": _text(p.at[idx, "parcel_id"]),
                    "name": _text(p.at[idx, "name"]) if "name" in p.columns else "",
                    "township": _text(p.at[idx, "township"]) if "township" in p.columns else "",
                    "color": colors[st.action],
                    "action": sc.action(st.action).label or st.action,
                    "step": step,
                    "span": str(st.start) if st.end == st.start else f"{st.start}–{st.end}",
                    "mu": _n(st.mu, 2),
                    "cost": _n(st.cost_wan),
                }
            )
        plots.sort(key=lambda r: (r["no"], r["step"]))
        years.append(
            {
                "year": y,
                "heading": i18n.t("report.programme_year", lang, year=y),
                "started": i18n.t("report.programme_started", lang, year=y),
                "rows": rows,
                "foot": foot,
                "plots": plots,
            }
        )
    whole_rows, whole_foot = rows_of(table[table["year"].isna()])
    cum_rows = []
    for r in cum[cum["action"] == _pt.TOTAL].to_dict("records"):
        target = r["benefit_target_wan"]
        has = target is not None and not pd.isna(target)
        cum_rows.append(
            {
                "year": f"{h['programme_by']} {r['year']}" if lang == "zh" else f"by {r['year']}",
                "cells": [_i(r["plots"]), _n(r["mu"]), _n(r["cost_wan"]), _n(r["benefit_wan"])],
                "target": _n(target) if has else "–",
                "met": bool(r["met"]) if has else None,
            }
        )
    return {
        "timeline": base64.b64encode(images["timeline"]).decode("ascii")
        if images.get("timeline")
        else None,
        "maps": base64.b64encode(images["maps"]).decode("ascii") if images.get("maps") else None,
        "years": years,
        "whole": {"rows": whole_rows, "foot": whole_foot},
        "cumulative": cum_rows,
    }


def _programme_images(
    plan: Plan,
    maps_png: str | Path | bytes | None,
    timeline_png: str | Path | bytes | None,
    lang: str | None,
    **kw: Any,
) -> dict[str, bytes]:
    """The small multiples and the timeline as PNG bytes (given, or drawn here at 150 dpi)."""
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for key, given, draw in (
            (
                "maps",
                maps_png,
                lambda f: _maps.save_programme_map(plan, f, dpi=150, lang=lang, **kw),
            ),
            (
                "timeline",
                timeline_png,
                lambda f: _maps.save_programme_timeline(plan, f, dpi=150, lang=lang),
            ),
        ):
            if isinstance(given, bytes):
                out[key] = given
            elif given is not None:
                out[key] = Path(given).read_bytes()
            else:
                out[key] = draw(Path(tmp) / f"{key}.png").read_bytes()
    return out


# --------------------------------------------------------------------------- assembly
def _png_bytes(
    plan: Plan, map_png: str | Path | bytes | None, lang: str | None, **kw: Any
) -> bytes:
    if isinstance(map_png, bytes):
        return map_png
    if map_png is not None:
        return Path(map_png).read_bytes()
    # drawn into a scratch folder (save_plan_map writes through _atomic.atomic_file)
    with tempfile.TemporaryDirectory() as tmp:
        path = _maps.save_plan_map(plan, Path(tmp) / "plan.png", dpi=200, lang=lang, **kw)
        return path.read_bytes()


def report_html(
    plan: Plan,
    *,
    map_png: str | Path | bytes | None = None,
    webmap_html: str | Path | None = None,
    interactive: bool = True,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    record: dict[str, Any] | None = None,
    programme_map_png: str | Path | bytes | None = None,
    timeline_png: str | Path | bytes | None = None,
) -> str:
    """The report as one self-contained HTML document (see :func:`write_report`).

    A programme plan (:func:`landopt.programme_tables.is_programme`) gets a section by
    year after the targets: the timeline and the small multiples (``programme_map_png``,
    ``timeline_png``; drawn at 150 dpi when omitted), the cumulative figures, a part per
    year and the whole programme.

    Rendered from ``landopt/templates/report.html.j2`` and its partials, with every
    value escaped; the CSS (``report.css``), the static map and the interactive map are
    inlined.
    """
    lng = _maps.map_lang(plan.scenario, lang, need_font=False)
    record = record if record is not None else plan.record()
    h = {**i18n.words("report.", lng), "plot_no": i18n.t("print.plot_no", lng)}
    png = _png_bytes(plan, map_png, lang, district=district)
    webmap = None
    if interactive:
        if webmap_html is not None:
            page = Path(webmap_html).read_text(encoding="utf-8")
        else:
            page = _webmap.webmap_html(plan, lang=lng, district=district)
        if lng == "zh":  # the report shares its own copy of the CJK font with the frame
            page = page.replace(_maps.font_face_css(), "")
        webmap = {"page": page}  # escaped into the iframe's srcdoc attribute
    title = _maps.plan_title(plan)
    programme = None
    if _pt.is_programme(plan):
        images = _programme_images(plan, programme_map_png, timeline_png, lang, district=district)
        programme = _programme_section(plan, h, lng, images)
    return _render.render(
        "report.html.j2",
        html_lang="zh-CN" if lng == "zh" else "en",
        # the shipped CJK font, for a browser without one (about 1.6 MB; Chinese pages only)
        font_css=_maps.font_face_css() if lng == "zh" else "",
        page_title=i18n.t("report.page_title", lng, t=title),
        h=h,
        sub={k: i18n.t(f"report.{k}", "en") for k in _SECTIONS} if lng == "zh" else {},
        header=_header(plan, h, lng, record),
        scenario=_scenario_section(plan, h, lng),
        targets=_targets_section(plan),
        programme=programme,
        projects=project_outputs.report_section(plan, lng),
        figure={"alt": title, "png_base64": base64.b64encode(png).decode("ascii")},
        webmap=webmap,
        breakdowns=_breakdown_sections(plan, h, lng),
        parcels=_parcels_section(plan, lng),
        record=_record_section(plan, h, record, lng),
        # landopt's version is in the run record's versions, once
        footer=_maps.source_note(plan, lng, version=False),
    )


def write_report(
    plan: Plan,
    path: str | Path,
    *,
    map_png: str | Path | bytes | None = None,
    webmap_html: str | Path | None = None,
    interactive: bool = True,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    record: dict[str, Any] | None = None,
    programme_map_png: str | Path | bytes | None = None,
    timeline_png: str | Path | bytes | None = None,
) -> Path:
    """Write the plan report: one self-contained, print-friendly HTML file.

    Parameters
    ----------
    plan
        From :func:`landopt.plan.solve` or :func:`landopt.plan.read_plan`.
    path
        The ``.html`` file to write.
    map_png
        The static map to embed (a PNG file or its bytes); drawn at 200 dpi when omitted.
    webmap_html
        The interactive map to embed (a ``plan.html`` file); made when omitted.
    interactive
        Embed the interactive map (it is never printed).
    lang
        ``"zh"`` (Chinese headings with English subtitles) or ``"en"``; default the
        scenario's.
    district
        Outlines for maps drawn here, as in :func:`landopt.maps.plot_plan`.
    record
        The run record to show (default ``plan.record()``); pass the ``run.json`` of a
        plan read from disk so the report shows the versions and time of that run.
    programme_map_png, timeline_png
        A programme plan's small multiples and timeline to embed (files or bytes); drawn
        when omitted.

    Returns
    -------
    Path
    """
    text = report_html(
        plan,
        map_png=map_png,
        webmap_html=webmap_html,
        interactive=interactive,
        lang=lang,
        district=district,
        record=record,
        programme_map_png=programme_map_png,
        timeline_png=timeline_png,
    )
    return _webmap.write_text_atomic(Path(path), text)


# --------------------------------------------------------------------------- for the CLI
def plan_outputs(
    plan: Plan,
    *,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    tiles: str | None = None,
    dpi: float = 300,
    record: dict[str, Any] | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
) -> dict[str, Callable[[Path], None]]:
    """Writers of ``plan.png``, ``plan.html`` and ``report.html`` for ``write_plan(extra=…)``.

    The report embeds the ``plan.png`` and ``plan.html`` written beside it, so the three
    files show the same map. Example::

        write_plan(plan, out, force=force, extra=plan_outputs(plan))
    """

    def png(p: Path) -> None:
        _maps.save_plan_map(
            plan, p, dpi=dpi, lang=lang, district=district, paper=paper, orientation=orientation
        )

    def page(p: Path) -> None:
        _webmap.write_webmap(plan, p, lang=lang, district=district, tiles=tiles)

    def programme_map(p: Path) -> None:
        _maps.save_programme_map(
            plan, p, dpi=dpi, lang=lang, district=district, paper=paper, orientation=orientation
        )

    def timeline(p: Path) -> None:
        _maps.save_programme_timeline(plan, p, dpi=min(dpi, 200), lang=lang)

    def report(p: Path) -> None:
        sib_png, sib_html = p.with_name("plan.png"), p.with_name("plan.html")
        sib_maps, sib_time = (p.with_name(n) for n in PROGRAMME_FILES)
        write_report(
            plan,
            p,
            map_png=sib_png if sib_png.exists() else None,
            # the embedded map never carries tiles: the report must open with no network
            webmap_html=sib_html if sib_html.exists() and not tiles else None,
            lang=lang,
            district=district,
            record=record,
            programme_map_png=sib_maps if sib_maps.exists() else None,
            timeline_png=sib_time if sib_time.exists() else None,
        )

    writers: dict[str, Callable[[Path], None]] = {"plan.png": png, "plan.html": page}
    if _pt.is_programme(plan):  # before the report, which embeds them
        writers |= {PROGRAMME_FILES[0]: programme_map, PROGRAMME_FILES[1]: timeline}
    writers["report.html"] = report
    return writers


def redraw_plan(
    plan_dir: str | Path,
    *,
    out_dir: str | Path | None = None,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    tiles: str | None = None,
    dpi: float = 300,
    plan: Plan | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
) -> list[Path]:
    """Redraw ``plan.png``, ``plan.html`` and ``report.html`` from a written plan.

    For ``landopt map PLAN_DIR``. The plan is read with :func:`landopt.plan.read_plan`
    and the report shows the run record of that run (its ``run.json``). The three files
    are made in a staging folder and moved in only when all are complete, replacing
    earlier ones.

    Parameters
    ----------
    plan_dir
        A folder written by ``landopt plan`` (``plan.gpkg`` and ``run.json``).
    out_dir
        Where to write (default ``plan_dir``).
    plan
        The plan already read from ``plan_dir`` with :func:`~landopt.plan.read_plan`
        (read here when omitted). Its checks are recomputed from ``plan.gpkg``; a plan
        that fails them is drawn with a failing banner, never as met.

    Returns
    -------
    list of Path
    """
    src = Path(plan_dir)
    plan = plan if plan is not None else read_plan(src)
    folder = src if src.is_dir() else src.parent
    try:
        record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = None
    out = Path(out_dir) if out_dir is not None else folder
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a folder: choose another output folder")
    writers = plan_outputs(
        plan,
        lang=lang,
        district=district,
        tiles=tiles,
        dpi=dpi,
        record=record,
        paper=paper,
        orientation=orientation,
    )
    names = tuple(writers)  # MAP_FILES, and a programme's two more
    with staged_files(out, names) as stage:
        for name, writer in writers.items():
            writer(stage / name)
    log.info("wrote %s in %s", ", ".join(names), out)
    return [out / n for n in names]


def write_comparison(
    plan_a: Plan,
    plan_b: Plan,
    path: str | Path,
    *,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    dpi: float = 300,
) -> Path:
    """Write the comparison map of two plans (PNG, PDF or SVG by suffix).

    A thin wrapper of :func:`landopt.maps.save_comparison_map` for the CLI, which can
    read both plans with :func:`landopt.plan.read_plan`.
    """
    return _maps.save_comparison_map(plan_a, plan_b, path, lang=lang, district=district, dpi=dpi)
