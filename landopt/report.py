"""The plan report: one self-contained HTML file to hand to a district meeting.

:func:`write_report` writes ``report.html``: the scenario in words, targets against
achievement (met / NOT met), cost and benefit, the static map (embedded PNG), the
interactive map (embedded, no network), plots and mu per township, the chosen parcels
and the solver record. All CSS is inline; it prints cleanly on A4.

:func:`plan_outputs` gives ``landopt plan`` the writers of ``plan.png``, ``plan.html``
and ``report.html`` for :func:`landopt.plan.write_plan`'s ``extra=``;
:func:`redraw_plan` redraws them from a plan folder (``landopt map PLAN_DIR``).
"""

from __future__ import annotations

import base64
import html
import json
import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt import __version__
from landopt import maps as _maps
from landopt import webmap as _webmap
from landopt._atomic import staged_files
from landopt.errors import InputError
from landopt.plan import NONE, Plan, read_plan

__all__ = [
    "MAP_FILES",
    "plan_outputs",
    "redraw_plan",
    "report_html",
    "write_comparison",
    "write_report",
]

log = logging.getLogger(__name__)

#: Files :func:`plan_outputs` and :func:`redraw_plan` write.
MAP_FILES = ("plan.png", "plan.html", "report.html")

_H: dict[str, dict[str, str]] = {
    "zh": {
        "scenario": "方案说明",
        "targets": "目标完成情况",
        "map": "规划图",
        "webmap": "交互地图",
        "townships": "分镇（街道）统计",
        "parcels": "入选地块清单",
        "record": "求解记录",
        "action": "措施",
        "eligible": "适用条件",
        "target": "目标",
        "budget": "预算（万元）",
        "cost_col": "投入字段",
        "objective": "优化目标",
        "budget_total": "总预算",
        "locks": "锁定地块",
        "plots_target": "目标宗数",
        "plots": "宗数",
        "mu_target": "目标面积（亩）",
        "mu": "面积（亩）",
        "cost": "投入（万元）",
        "benefit": "效益（万元）",
        "per_mu": "亩均投入（万元）",
        "met": "达标",
        "yes": "✓ 达标",
        "no": "✗ 未达标",
        "total": "合计",
        "shortfalls": "未达成的目标",
        "findings": "数据显示",
        "conflict": "相互冲突的要求（放宽其一）",
        "township": "镇（街道）",
        "id": "地块编号",
        "name": "名称",
        "park": "园区",
        "status": "现状",
        "chosen": "入选地块",
        "area": "面积",
        "all_met": "全部目标达成",
        "not_met": "目标未全部达成",
        "checks_failed": "复核未通过：本方案不满足方案要求，不可作为达标方案使用",
        "checks_failed_list": "未通过的复核项",
        "edited": "方案文件在求解后被修改过",
        "webmap_note": "悬停或点击地块查看详情；右上角可切换图层。打印时不含交互地图，见上方规划图。",
        "no_chosen": "本方案未选中任何地块。",
        "status_k": "求解状态",
        "optimal": "是否证明最优",
        "proven": "是（已证明最优）",
        "not_proven": "否（可行解，未证明最优）",
        "objective_v": "目标值",
        "bound": "下界",
        "bound_max": "上界",
        "gap": "相对间隙",
        "runtime": "求解时间",
        "solver": "求解器",
        "time_limit": "时间上限",
        "input": "输入数据",
        "sha": "输入 SHA-256",
        "scenario_file": "方案文件",
        "created": "运行时间",
        "model": "模型规模",
        "versions": "软件版本",
        "checks": "独立复核",
        "check_ok": "通过",
        "check_bad": "未通过",
        "check_undecided": "无法判定",
        "generated": "由 landopt {v} 生成",
        "candidates": "候选地块",
        "year": "年度",
        "page_title": "{t} · 方案报告",
    },
    "en": {
        "scenario": "Scenario",
        "targets": "Targets and achievement",
        "map": "Map",
        "webmap": "Interactive map",
        "townships": "By township",
        "parcels": "Chosen parcels",
        "record": "Solver record",
        "action": "Action",
        "eligible": "Eligible parcels",
        "target": "Targets",
        "budget": "Budget (10⁴ CNY)",
        "cost_col": "Cost column",
        "objective": "Objective",
        "budget_total": "Total budget",
        "locks": "Locked parcels",
        "plots_target": "Target plots",
        "plots": "Plots",
        "mu_target": "Target mu",
        "mu": "Mu",
        "cost": "Cost (10⁴ CNY)",
        "benefit": "Benefit (10⁴ CNY)",
        "per_mu": "Cost per mu",
        "met": "Met",
        "yes": "✓ met",
        "no": "✗ NOT met",
        "total": "Total",
        "shortfalls": "Targets not met",
        "findings": "What the data shows",
        "conflict": "Requirements that conflict (relax one)",
        "township": "Township",
        "id": "Parcel ID",
        "name": "Name",
        "park": "Park",
        "status": "Status",
        "chosen": "Chosen parcels",
        "area": "Area",
        "all_met": "All targets met",
        "not_met": "Targets NOT all met",
        "checks_failed": "Re-check FAILED: this plan breaks the scenario's rules and must not be used as a plan that meets them",
        "checks_failed_list": "Checks that failed",
        "edited": "The plan file was changed after the run",
        "webmap_note": "Hover or tap a parcel for details; switch layers in the panel. Not printed: see the map above.",
        "no_chosen": "This plan chooses no parcel.",
        "status_k": "Status",
        "optimal": "Proven optimal",
        "proven": "yes",
        "not_proven": "NO (feasible plan, optimality not proven)",
        "objective_v": "Objective value",
        "bound": "Bound",
        "bound_max": "Bound",
        "gap": "Relative gap",
        "runtime": "Solve time",
        "solver": "Solver",
        "time_limit": "Time limit",
        "input": "Input",
        "sha": "Input SHA-256",
        "scenario_file": "Scenario file",
        "created": "Run at",
        "model": "Model size",
        "versions": "Versions",
        "checks": "Independent re-check",
        "check_ok": "passed",
        "check_bad": "FAILED",
        "check_undecided": "undecided",
        "generated": "Made with landopt {v}",
        "candidates": "Candidates",
        "year": "Year",
        "page_title": "{t} · plan report",
    },
}
_EN_SUB = {
    "scenario": "Scenario",
    "targets": "Targets and achievement",
    "map": "Map",
    "webmap": "Interactive map",
    "townships": "By township",
    "parcels": "Chosen parcels",
    "record": "Solver record",
}


def _e(v: Any) -> str:
    return html.escape("" if v is None else str(v))


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


class _Doc:
    """Collects the sections of the report."""

    def __init__(self, lang: _maps.Lang) -> None:
        self.lang = lang
        self.h = _H[lang]
        self.parts: list[str] = []

    def section(self, key: str, body: str, *, cls: str = "") -> None:
        sub = (
            f' <span class="en">{_e(_EN_SUB[key])}</span>'
            if self.lang == "zh" and key in _EN_SUB
            else ""
        )
        self.parts.append(
            f'<section id="{key}" class="{cls}"><h2>{_e(self.h[key])}{sub}</h2>{body}</section>'
        )


def _table(
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    num: Sequence[int] = (),
    cls: str = "",
    foot: Sequence[str] | None = None,
) -> str:
    """An HTML table; cells are HTML already; columns in ``num`` are right-aligned figures."""

    def cells(row: Sequence[str], tag: str) -> str:
        return "".join(
            f'<{tag} class="num">{c}</{tag}>' if k in num else f"<{tag}>{c}</{tag}>"
            for k, c in enumerate(row)
        )

    out = [
        f'<table class="{cls}"><thead><tr>{cells([_e(h) for h in head], "th")}</tr></thead><tbody>'
    ]
    out += [f"<tr>{cells(r, 'td')}</tr>" for r in rows]
    out.append("</tbody>")
    if foot is not None:
        out.append(f"<tfoot><tr>{cells(foot, 'td')}</tr></tfoot>")
    out.append("</table>")
    return "".join(out)


def _swatch(color: str) -> str:
    return f'<span class="sw" style="background:{_e(color)}"></span>'


# --------------------------------------------------------------------------- sections
def _header(plan: Plan, doc: _Doc, record: dict[str, Any]) -> str:
    sc = plan.scenario
    h = doc.h
    stats = _maps.group_stats(plan)
    chosen = stats.loc[list(sc.action_names)]
    total = plan.summary[plan.summary["action"] == "total"]
    cost = float(total["cost_wan"].iloc[0]) if len(total) else float("nan")
    benefit = float(total["benefit_wan"].iloc[0]) if len(total) else float("nan")
    w = _maps.words(doc.lang)
    failed = plan.failed_checks
    badge = (
        f'<span class="badge ok">{_e(h["all_met"])}</span>'
        if plan.targets_met and not failed
        else f'<span class="badge bad">{_e(h["not_met"])}</span>'
    )
    if not plan.result.proven_optimal:
        badge += f' <span class="badge warn">{_e(h["not_proven"])}</span>'
    meta = [f"<code>{_e(sc.name)}</code>"]
    if sc.year is not None:
        meta.append(f"{_e(h['year'])} {sc.year}")
    if record.get("created"):
        meta.append(f"{_e(h['created'])} {_e(record['created'])}")
    figures = [
        (h["chosen"], _i(chosen["plots"].sum()), w["plots"]),
        (h["area"], _n(chosen["mu"].sum()), w["mu"]),
        (h["cost"].split("（")[0].split(" (")[0], _n(cost), w["wan"]),
        (h["benefit"].split("（")[0].split(" (")[0], _n(benefit), w["wan"]),
    ]
    kpis = "".join(
        f'<div class="kpi"><div class="k">{_e(k)}</div><div class="v">{v}<small> {_e(u)}</small></div></div>'
        for k, v, u in figures
    )
    return (
        f"<header><h1>{_e(_maps.plan_title(plan))}</h1>"
        f'<p class="meta">{" · ".join(meta)}</p><p>{badge}</p>'
        f"{_failing_banner(plan, doc)}"
        f'<div class="kpis">{kpis}</div></header>'
    )


def _failing_banner(plan: Plan, doc: _Doc) -> str:
    """The banner of a plan that fails its re-check (and the note of an edited plan file)."""
    h = doc.h
    failed = plan.failed_checks
    notes = list(getattr(plan, "notes", []) or [])
    if not failed and not getattr(plan, "edited", False):
        return ""
    parts = []
    if failed:
        items = "".join(
            f"<li><code>{_e(c.name)}</code>: {_e(c.detail)}</li>" for c in failed[:20]
        ) + (f"<li>… {len(failed) - 20} more</li>" if len(failed) > 20 else "")
        parts.append(
            f"<p><strong>✗ {_e(h['checks_failed'])}</strong></p>"
            f"<p>{_e(h['checks_failed_list'])} ({len(failed)}/{len(plan.checks)}):</p><ul>{items}</ul>"
        )
    if getattr(plan, "edited", False):
        parts.append(f"<p><strong>{_e(h['edited'])}</strong></p>")
    parts += [f"<p>{_e(note)}</p>" for note in notes]
    return f'<div class="alert checks-failed" role="alert">{"".join(parts)}</div>'


def _scenario_section(plan: Plan, doc: _Doc) -> str:
    sc = plan.scenario
    h = doc.h
    colors = _maps.action_colors(sc)
    body = ""
    if sc.description:
        paras = [p.strip() for p in sc.description.strip().split("\n\n") if p.strip()]
        body += "".join(f"<p>{_e(p)}</p>" for p in paras)
    rows = []
    for a in sc.actions:
        rows.append(
            [
                f"{_swatch(colors[a.name])}<b>{_e(a.label)}</b> <code>{_e(a.name)}</code>",
                f'<span class="rule">{_e(a.eligible.describe())}</span>',
                _e(_targets_words(a.targets.describe(), doc.lang)),
                _n(a.budget) if a.budget is not None else "–",
                f"<code>{_e(a.cost)}</code>",
            ]
        )
    body += _table(
        [h["action"], h["eligible"], h["target"], h["budget"], h["cost_col"]], rows, num=(3,)
    )
    facts = [(h["objective"], _e(sc.objective.describe()))]
    if sc.budget_total is not None:
        facts.append(
            (h["budget_total"], f"{_n(sc.budget_total)} {_e(_maps.words(doc.lang)['wan'])}")
        )
    if len(sc.locks):
        facts.append(
            (
                h["locks"],
                _e(
                    ", ".join(f"{p} → {a}" for p, a in sc.locks.include)
                    + ("; " if sc.locks.include and sc.locks.exclude else "")
                    + ", ".join(
                        f"{p} ✗ {'all' if a is None else '/'.join(a)}" for p, a in sc.locks.exclude
                    )
                ),
            )
        )
    body += "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"
    return body


def _targets_words(text: str, lang: str) -> str:
    """``17 plots, ≥ 560.0 mu`` in the report's language."""
    if lang != "zh":
        return text
    return text.replace(" plots", " 宗").replace(" mu", " 亩").replace("no targets", "无目标")


def _targets_section(plan: Plan, doc: _Doc) -> str:
    h = doc.h
    sc = plan.scenario
    colors = _maps.action_colors(sc)
    rows = []
    foot = None
    for rec in plan.summary.to_dict("records"):
        met = bool(rec.get("met"))
        flag = f'<span class="{"ok" if met else "bad"}">{_e(h["yes"] if met else h["no"])}</span>'
        cells = [
            _i(rec.get("plots")),
            _e(rec.get("plots_target") or "–"),
            _n(rec.get("mu")),
            _e(rec.get("mu_target") or "–"),
            _n(rec.get("cost_wan")),
            _n(rec.get("cost_wan_per_mu"), 2),
            _n(rec.get("benefit_wan")),
        ]
        if rec["action"] == "total":
            foot = [f"<b>{_e(h['total'])}</b>", *cells, flag]
            continue
        name = rec["action"]
        label = f"{_swatch(colors.get(name, '#999'))}<b>{_e(rec.get('label') or name)}</b> <code>{_e(name)}</code>"
        rows.append([label, *cells, flag])
    body = _table(
        [
            h["action"],
            h["plots"],
            h["plots_target"],
            h["mu"],
            h["mu_target"],
            h["cost"],
            h["per_mu"],
            h["benefit"],
            h["met"],
        ],
        rows,
        num=(1, 2, 3, 4, 5, 6, 7),
        cls="targets",
        foot=foot,
    )
    d = plan.diagnosis
    if d is not None:
        if d.unmet:
            body += f'<div class="alert"><h3>{_e(h["shortfalls"])}</h3><ul>'
            body += "".join(f"<li>{_e(s.describe())}</li>" for s in d.unmet)
            body += "</ul></div>"
        if d.findings:
            body += (
                f"<h3>{_e(h['findings'])}</h3><ul>"
                + "".join(f"<li>{_e(f)}</li>" for f in d.findings)
                + "</ul>"
            )
        if d.conflict:
            body += (
                f"<h3>{_e(h['conflict'])}</h3><ul>"
                + "".join(f"<li>{_e(s.text)}</li>" for s in d.conflict)
                + "</ul>"
            )
        if d.notes:
            body += "<ul class='notes'>" + "".join(f"<li>{_e(n)}</li>" for n in d.notes) + "</ul>"
    return body


def _township_section(plan: Plan, doc: _Doc) -> str:
    h = doc.h
    sc = plan.scenario
    w = _maps.words(doc.lang)
    colors = _maps.action_colors(sc)
    p = plan.parcels
    town = (
        (p["township"] if "township" in p.columns else pd.Series("–", index=p.index))
        .fillna("–")
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
        df["town"].unique(), key=lambda t: (-float(mu.loc[t].sum()) if t in mu.index else 0.0, t)
    )
    head = [h["township"]]
    for a in sc.actions:
        head += [f"{a.label} {w['plots']}", f"{a.label} {w['mu']}"]
    head += [f"{h['total']} {w['plots']}", f"{h['total']} {w['mu']}"]
    rows = []
    for t in towns:
        row = [_e(t)]
        tot_n, tot_mu = 0, 0.0
        for a in sc.actions:
            k = int(n.loc[t, a.name]) if t in n.index and a.name in n.columns else 0
            m = float(mu.loc[t, a.name]) if t in mu.index and a.name in mu.columns else 0.0
            tot_n += k
            tot_mu += m
            row += [
                _i(k) if k else '<span class="z">–</span>',
                _n(m) if k else '<span class="z">–</span>',
            ]
        row += [
            f"<b>{_i(tot_n)}</b>" if tot_n else '<span class="z">–</span>',
            f"<b>{_n(tot_mu)}</b>" if tot_n else '<span class="z">–</span>',
        ]
        rows.append(row)
    foot = [f"<b>{_e(h['total'])}</b>"]
    for a in sc.actions:
        on = chosen["action"] == a.name
        foot += [_i(on.sum()), _n(chosen.loc[on, "mu"].sum())]
    foot += [_i(len(chosen)), _n(chosen["mu"].sum())]
    num = tuple(range(1, len(head)))
    # colour bands over each action's pair of columns
    bands = "".join(
        f'<col><col style="border-top:3px solid {_e(colors[a.name])}">' for a in sc.actions
    )
    table = _table(head, rows, num=num, cls="towns", foot=foot)
    return table.replace(
        '<table class="towns">', f'<table class="towns"><colgroup><col>{bands}</colgroup>', 1
    )


def _parcels_section(plan: Plan, doc: _Doc) -> str:
    h = doc.h
    sc = plan.scenario
    colors = _maps.action_colors(sc)
    status_words = _maps.STATUS_WORDS[doc.lang]
    ch = plan.chosen.copy()
    if not len(ch):
        return f"<p>{_e(h['no_chosen'])}</p>"
    order = {n: i for i, n in enumerate(sc.action_names)}
    ch["_o"] = ch["action"].map(order)
    ch["_mu"] = pd.to_numeric(ch["area_mu"], errors="coerce")
    cost = np.full(len(ch), np.nan)
    for a in sc.actions:
        on = (ch["action"] == a.name).to_numpy()
        if a.cost in ch.columns:
            cost[on] = pd.to_numeric(ch.loc[on, a.cost], errors="coerce").to_numpy(float)
    ch["_cost"] = cost
    ch = ch.sort_values(["_o", "_mu"], ascending=[True, False])
    rows = []
    for k, r in enumerate(ch.drop(columns="geometry").to_dict("records"), start=1):
        a = sc.action(str(r["action"]))
        rows.append(
            [
                str(k),
                f"<code>{_e(r['parcel_id'])}</code>",
                _e(_text(r.get("name"))),
                _e(_text(r.get("township"))),
                _e(_text(r.get("park"))),
                _e(status_words.get(str(r.get("status")), _text(r.get("status")))),
                f"{_swatch(colors[a.name])}{_e(a.label)}",
                _n(r["_mu"], 2),
                _n(r["_cost"]),
            ]
        )
    return _table(
        [
            "#",
            h["id"],
            h["name"],
            h["township"],
            h["park"],
            h["status"],
            h["action"],
            h["mu"],
            h["cost"],
        ],
        rows,
        num=(0, 7, 8),
        cls="parcels",
    )


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return ""
    return str(v)


def _record_section(plan: Plan, doc: _Doc, record: dict[str, Any]) -> str:
    h = doc.h
    s = record.get("solver") or plan.result.record()
    inp = record.get("input") or {}
    proven = s.get("proven_optimal")
    gap = s.get("gap")
    rows = [
        (h["status_k"], _e(s.get("status"))),
        (
            h["optimal"],
            f'<span class="{"ok" if proven else "bad"}">{_e(h["proven"] if proven else h["not_proven"])}</span>',
        ),
        (h["objective_v"], _n(s.get("objective"), 3)),
        (
            h["bound_max" if plan.scenario.objective.sense == "maximize" else "bound"],
            _n(s.get("bound"), 3),
        ),
        (h["gap"], f"{gap:.2%}" if isinstance(gap, int | float) else "–"),
        (h["runtime"], f"{_n(s.get('runtime_s'), 2)} s"),
        (
            h["solver"],
            _e(f"{s.get('solver')} {s.get('solver_version')} (backend {s.get('backend')})"),
        ),
        (
            h["time_limit"],
            f"{_n(s.get('time_limit_s'), 0)} s" + (" — hit" if s.get("time_limit_hit") else ""),
        ),
        (h["input"], _e(f"{inp.get('path') or '–'} ({_i(inp.get('parcels'))} parcels)")),
        (h["sha"], f"<code>{_e(inp.get('sha256') or '–')}</code>"),
        (h["scenario_file"], _e(record.get("scenario_file") or "–")),
        (h["created"], _e(record.get("created") or "–")),
    ]
    model = record.get("model") or {}
    if model:
        rows.append((h["model"], _e(", ".join(f"{k} {v:,}" for k, v in model.items()))))
    body = "<dl class='rec'>" + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"
    versions = record.get("versions") or {}
    if versions:
        body += (
            f"<h3>{_e(h['versions'])}</h3><p class='versions'>"
            + " · ".join(f"{_e(k)} <code>{_e(v)}</code>" for k, v in versions.items())
            + "</p>"
        )
    # the plan's own checks (recomputed by read_plan), never the ones a run.json recorded
    checks = plan.checks
    if checks:
        n_ok = sum(1 for c in checks if c.ok)
        mark = {
            "passed": ("ok", "✓", h["check_ok"]),
            "failed": ("bad", "✗", h["check_bad"]),
            "undecided": ("warn", "?", h["check_undecided"]),
        }
        body += f"<h3>{_e(h['checks'])} ({n_ok}/{len(checks)})</h3>"
        body += _table(
            ["", "check", "detail"],
            [
                [
                    f'<span class="{mark[c.state][0]}" title="{_e(mark[c.state][2])}">{mark[c.state][1]}</span>',
                    f"<code>{_e(c.name)}</code>",
                    _e(c.detail),
                ]
                for c in checks
            ],
            cls="checks",
        )
    return body


# --------------------------------------------------------------------------- assembly
def _png_bytes(
    plan: Plan, map_png: str | Path | bytes | None, lang: str | None, **kw: Any
) -> bytes:
    if isinstance(map_png, bytes):
        return map_png
    if map_png is not None:
        return Path(map_png).read_bytes()
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
) -> str:
    """The report as one self-contained HTML document (see :func:`write_report`)."""
    lng = _maps.map_lang(plan.scenario, lang, need_font=False)
    record = record if record is not None else plan.record()
    doc = _Doc(lng)
    h = doc.h
    png = _png_bytes(plan, map_png, lang, district=district)
    doc.section("scenario", _scenario_section(plan, doc))
    doc.section("targets", _targets_section(plan, doc))
    doc.section(
        "map",
        f'<figure><img alt="{_e(_maps.plan_title(plan))}" src="data:image/png;base64,'
        f'{base64.b64encode(png).decode("ascii")}"></figure>',
        cls="mapsec",
    )
    if interactive:
        if webmap_html is not None:
            page = Path(webmap_html).read_text(encoding="utf-8")
        else:
            page = _webmap.webmap_html(plan, lang=lng, district=district)
        doc.section(
            "webmap",
            f'<p class="hint">{_e(h["webmap_note"])}</p>'
            f'<iframe title="{_e(h["webmap"])}" srcdoc="{html.escape(page, quote=True)}"></iframe>',
            cls="noprint",
        )
    doc.section("townships", _township_section(plan, doc))
    doc.section("parcels", _parcels_section(plan, doc))
    doc.section("record", _record_section(plan, doc, record))
    title = _maps.plan_title(plan)
    return _PAGE.format(
        lang="zh-CN" if lng == "zh" else "en",
        title=_e(h["page_title"].format(t=title)),
        css=_CSS,
        header=_header(plan, doc, record),
        body="\n".join(doc.parts),
        footer=_e(h["generated"].format(v=__version__)) + " · " + _e(_maps.source_note(plan, lng)),
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
) -> dict[str, Callable[[Path], None]]:
    """Writers of ``plan.png``, ``plan.html`` and ``report.html`` for ``write_plan(extra=…)``.

    The report embeds the ``plan.png`` and ``plan.html`` written beside it, so the three
    files show the same map. Example::

        write_plan(plan, out, force=force, extra=plan_outputs(plan))
    """

    def png(p: Path) -> None:
        _maps.save_plan_map(plan, p, dpi=dpi, lang=lang, district=district)

    def page(p: Path) -> None:
        _webmap.write_webmap(plan, p, lang=lang, district=district, tiles=tiles)

    def report(p: Path) -> None:
        sib_png, sib_html = p.with_name("plan.png"), p.with_name("plan.html")
        write_report(
            plan,
            p,
            map_png=sib_png if sib_png.exists() else None,
            # the embedded map never carries tiles: the report must open with no network
            webmap_html=sib_html if sib_html.exists() and not tiles else None,
            lang=lang,
            district=district,
            record=record,
        )

    return {"plan.png": png, "plan.html": page, "report.html": report}


def redraw_plan(
    plan_dir: str | Path,
    *,
    out_dir: str | Path | None = None,
    lang: str | None = None,
    district: gpd.GeoDataFrame | str | Path | bool | None = None,
    tiles: str | None = None,
    dpi: float = 300,
    plan: Plan | None = None,
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
    with staged_files(out, MAP_FILES) as stage:
        for name, writer in plan_outputs(
            plan, lang=lang, district=district, tiles=tiles, dpi=dpi, record=record
        ).items():
            writer(stage / name)
    log.info("wrote %s in %s", ", ".join(MAP_FILES), out)
    return [out / n for n in MAP_FILES]


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


_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="landopt">
<title>{title}</title>
<style>
{css}
</style>
</head>
<body>
<main>
{header}
{body}
<footer>{footer}</footer>
</main>
</body>
</html>
"""

_CSS = """
:root { --ink: #1d1d1f; --muted: #5f6368; --line: #d9d9d6; --soft: #f5f5f2; --ok: #1b7f3b;
        --bad: #b00020; --warn: #8a4b00; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; color: var(--ink); background: #fff;
       font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "WenQuanYi Micro Hei", system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif;
       line-height: 1.55; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 40px; }
header { border-bottom: 3px solid var(--ink); padding-bottom: 14px; margin-bottom: 10px; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0 0 4px; letter-spacing: .01em; }
h2 { font-size: 1.3rem; margin: 34px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h2 .en { font-size: .8rem; font-weight: 400; color: var(--muted); margin-left: .5em; }
h3 { font-size: 1rem; margin: 18px 0 6px; }
p { margin: 6px 0 10px; }
.meta { color: var(--muted); margin: 0 0 8px; }
code { font-family: "Noto Sans Mono CJK SC", ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
       font-size: .86em; background: var(--soft); padding: 0 .3em; border-radius: 3px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 700; font-size: .9rem; }
.badge.ok { background: #e5f4ea; color: var(--ok); border: 1px solid #9fd3b0; }
.badge.bad { background: #fde7ea; color: var(--bad); border: 1px solid #f2a7b2; }
.badge.warn { background: #fff4e0; color: var(--warn); border: 1px solid #f0c98a; }
.ok { color: var(--ok); font-weight: 700; }
.bad { color: var(--bad); font-weight: 700; }
.warn { color: var(--warn); font-weight: 700; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-top: 12px; }
.kpi { background: var(--soft); border-radius: 8px; padding: 10px 14px; }
.kpi .k { color: var(--muted); font-size: .85rem; }
.kpi .v { font-size: 1.55rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.kpi small { font-size: .8rem; font-weight: 400; color: var(--muted); }
table { width: 100%; border-collapse: collapse; margin: 8px 0 14px; font-size: .9rem; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; border-bottom: 2px solid #bdbdb8; white-space: nowrap; }
tfoot td { border-top: 2px solid #bdbdb8; font-weight: 700; background: #fafaf8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fcfcfa; }
.sw { display: inline-block; width: .85em; height: .85em; border-radius: 2px; margin-right: .45em;
      vertical-align: -0.05em; border: 1px solid rgba(0,0,0,.35); }
.rule { font-size: .85rem; color: #333; }
.z { color: #b0b0aa; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 10px 0; }
dt { color: var(--muted); }
dd { margin: 0; }
.alert { border-left: 4px solid var(--bad); background: #fff5f6; padding: 6px 14px; margin: 10px 0; }
figure { margin: 8px 0; }
figure img { width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { font-size: .8rem; color: var(--muted); margin-top: 4px; }
iframe { width: 100%; height: 720px; border: 1px solid var(--line); border-radius: 4px; }
.hint { color: var(--muted); font-size: .88rem; }
table.parcels td:nth-child(2) code { font-size: .8rem; background: none; padding: 0; white-space: nowrap; }
table.parcels td:nth-child(6), table.parcels td:nth-child(7) { white-space: nowrap; }
table.checks { font-size: .82rem; }
.versions { font-size: .85rem; color: #333; }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted);
         font-size: .8rem; }
@media (max-width: 760px) { .kpis { grid-template-columns: repeat(2, 1fr); } main { padding: 16px; } }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  html { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  .noprint { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 18pt; }
  section.mapsec { break-before: page; page-break-before: always; }
  tr, figure, .kpi, .alert { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  tbody tr:nth-child(even) { background: none; }
  .badge, .kpi, thead th, tfoot td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  .kpis { grid-template-columns: repeat(4, 1fr); gap: 6pt; }
  .kpi { padding: 5pt 8pt; }
  .kpi .v { font-size: 15pt; }
  table { font-size: 8.5pt; }
  th, td { padding: 3pt 4pt; }
  table.parcels { font-size: 8pt; }
  table.parcels td:nth-child(2) code { font-size: 6.8pt; }
  iframe { display: none; }
}
"""
