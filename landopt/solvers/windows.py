r"""Exact neighbourhoods: improve a penalised plan window by window, each solved exactly.

With a strong boundary penalty at city scale HiGHS often improves nothing on the warm start
within the time limit (100,000 parcels, penalty 500 万元/km, 60 s: the plan was the warm
start, 287,689.9, 1.2 % above the bound; BENCHMARKS.md "Exact windows"). A window frees the
columns of a few thousand neighbouring parcels (their x columns and the edge columns
touching them) and fixes every other column at the incumbent's value:

.. math::

    \min c^\top x \quad\text{s.t. every row of the model},\quad
    x_i = \bar x_i \ \ (i:\ p_i \notin W),

so any plan it returns is a plan of the whole model. It is sent to HiGHS reduced
(:func:`_reduced`): the free columns, the rows they touch, the fixed columns' part moved
into the row bounds. Each window is solved in its own
child process (:class:`~landopt.solvers.highs._ChildSolve`, so a window that overruns is
ended) from the incumbent; an improvement is kept only after the parent re-checks it against
every row (:func:`landopt.heuristic.is_feasible`). Windows are grown around seeds: the chosen
plots of the penalised actions whose removal would save most (cost and exposed boundary
minus what their chosen neighbours share with them, ``-c_i + shared_p``), worst first, by
breadth-first search over the model's edges; a seed inside an earlier window is skipped.
A programme (no penalty, no edges) gets windows too: the ``size/2`` chosen plots of
highest cost and the ``size/2`` cheapest candidates not yet tried, each with its columns of
every year (at 100,000 parcels HiGHS improved nothing on the year-by-year start of a
2-year programme in 300 s; BENCHMARKS.md "Multi-year programmes").
A window that proves its optimum quickly grows the next one (×1.5, up to
:data:`WINDOW_MAX_PARCELS`); one that runs out of time shrinks it.

The windows run beside the HiGHS child (:class:`WindowRunner`, a thread of the parent that
waits on window children), from the warm start until HiGHS's own slice ends: HiGHS keeps
its whole slice for proving the bound (giving it the time the windows took cost the bound:
at 100k parcels, penalty 500, 60 s, the gap rose from 1.2 % to 9.5 % when the windows
went first), and the plan returned is the better of HiGHS's and the windows'. So the time
limit holds and the reported gap stays proven. Windows run one after another: two
disjoint windows solved at once can each keep a shared row (an area minimum, a budget)
with slack the other also spends, and on two cores HiGHS and a window use both.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from landopt.model import CompiledModel
    from landopt.scenario import SolverOptions

__all__ = ["WindowRunner", "improve_by_windows", "use_windows"]

log = logging.getLogger(__name__)

#: ``windows = "auto"`` uses them for penalised models of at least this many columns: at
#: 50k parcels (24,586 columns) HiGHS itself improves the start and the windows only take
#: its core (BENCHMARKS.md "Exact windows").
WINDOWS_AUTO_MIN_VARS = 40_000
#: Parcels of the first window, and the bounds it grows and shrinks within.
WINDOW_PARCELS = 2_000
WINDOW_MIN_PARCELS = 200
WINDOW_MAX_PARCELS = 20_000
#: Longest a single window may run.
WINDOW_MAX_S = 10.0
#: Balls per window: around this many plots worth removing and as many worth adding, so
#: that a window can move a plot from where it is exposed to where it joins a block.
BALLS = 4
#: Passes over the seeds (each pass after the first with windows twice as big).
MAX_PASSES = 3


def use_windows(model: CompiledModel, opts: SolverOptions) -> bool:
    """Whether the options ask for exact windows on this model (a penalised one, or a
    programme: HiGHS improved nothing on the programme start at 100k in 300 s)."""
    if not (len(model.edges) or model.is_programme) or opts.windows == "off":
        return False
    return opts.windows == "on" or model.n_vars >= WINDOWS_AUTO_MIN_VARS


def _graph(model: CompiledModel) -> Any:
    """Parcel adjacency over the model's edges, and each edge's saving as weight (n x n)."""
    import scipy.sparse as sp

    n = len(model.parcel_ids)
    e0, e1 = model.edges[:, 0], model.edges[:, 1]
    sign = 1.0 if model.sense == "minimize" else -1.0
    w = -sign * model.c[model.n_x :]
    return sp.csr_matrix((np.r_[w, w], (np.r_[e0, e1], np.r_[e1, e0])), shape=(n, n))


def _seeds(model: CompiledModel, x: np.ndarray, graph: Any) -> tuple[np.ndarray, np.ndarray]:
    """Parcels to grow windows around, best first: chosen penalised plots by what removing
    each would save (``-c_i + shared_p``), and free candidates of the penalised actions by
    what adding each would cost (``c_j - shared_p``, lowest first)."""
    nx = model.n_x
    sign = 1.0 if model.sense == "minimize" else -1.0
    chosen = x[:nx] > 0.5
    pen = model.penalised if len(model.edges) else np.ones(nx, dtype=bool)  # no penalty: all
    sel = np.bincount(model.var_parcel[chosen & pen], minlength=len(model.parcel_ids))
    shared = graph @ sel.astype(float)
    used = np.bincount(model.var_parcel[chosen], minlength=len(model.parcel_ids)) > 0
    on = np.flatnonzero(chosen & pen & (model.lb[:nx] < 0.5))
    off = np.flatnonzero(~chosen & pen & (model.ub[:nx] > 0.5) & ~used[model.var_parcel])
    d_rem = -sign * model.c[on] + shared[model.var_parcel[on]]
    d_add = sign * model.c[off] - shared[model.var_parcel[off]]
    rem = model.var_parcel[on[np.argsort(d_rem, kind="stable")]]
    add = model.var_parcel[off[np.argsort(d_add, kind="stable")]]
    return rem, add[np.sort(np.unique(add, return_index=True)[1])]


def _window(graph: Any, seeds: list[int], size: int) -> np.ndarray:
    """Up to ``size`` parcels: balls of equal size grown breadth-first around each seed."""
    from scipy.sparse.csgraph import breadth_first_order

    each = max(1, size // max(1, len(seeds)))
    parts = [
        breadth_first_order(graph, s, directed=False, return_predecessors=False)[:each]
        for s in seeds
    ]
    return np.unique(np.concatenate(parts)).astype(np.int64)


def _reduced(
    model: CompiledModel, A: Any, ax: np.ndarray, x: np.ndarray, keep: np.ndarray
) -> dict[str, Any]:
    """The window as a model of its own (:func:`~landopt.solvers.highs.highs_arrays`'s form):
    the columns ``keep`` only, the rows they touch, each row's bounds less what the fixed
    columns put in it (``ax`` = A x, with x the incumbent); a row no kept column touches
    holds already. At 1M parcels the whole model with tight bounds took HiGHS seconds of
    presolve per window; this is a few thousand columns."""
    sub = A[:, keep]
    rows = np.unique(sub.indices)
    rest = ax[rows] - sub[rows, :] @ x[keep]  # what the fixed columns put in each row
    sub = sub[rows, :].tocsc()
    return {
        "n_vars": len(keep),
        "n_rows": len(rows),
        "c": np.asarray(model.c[keep], dtype=float),
        "lb": np.asarray(model.lb[keep], dtype=float),
        "ub": np.asarray(model.ub[keep], dtype=float),
        "row_lower": np.asarray(model.row_lower[rows] - rest, dtype=float),
        "row_upper": np.asarray(model.row_upper[rows] - rest, dtype=float),
        "start": sub.indptr.astype(np.int32),
        "index": sub.indices.astype(np.int32),
        "value": sub.data.astype(float),
        "integer": np.asarray(model.integrality[keep], dtype=bool),
        "maximize": model.sense == "maximize",
    }


def improve_by_windows(
    model: CompiledModel,
    x: np.ndarray,
    opts: SolverOptions,
    *,
    until: float,
    stop: threading.Event | None = None,
) -> tuple[np.ndarray, float, dict[str, Any]]:
    """Improve the feasible plan ``x`` window by window until :func:`time.perf_counter` ``until``
    (or until ``stop`` is set: the window solving then is ended at once).

    Returns the best plan (``x`` itself when no window improved it), its objective (edges
    included) and what was done: windows solved, improved, proven, parcels per window,
    objective before and after.
    """
    from landopt.heuristic import is_feasible, objective_with_edges
    from landopt.solvers import child as _highs_child
    from landopt.solvers.highs import _ChildSolve, highs_option_values

    t0 = time.perf_counter()
    best, x = objective_with_edges(model, x)
    first = best
    sign = 1.0 if model.sense == "minimize" else -1.0
    graph = _graph(model)
    nx = model.n_x
    A = model.A.tocsc()
    ax = A @ x
    n = len(model.parcel_ids)
    tried = np.zeros(n, dtype=bool)  # parcels a window has been grown around
    size = WINDOW_PARCELS
    stats: dict[str, Any] = {"windows": 0, "improved": 0, "proven": 0, "parcels": []}

    def next_seeds() -> list[int]:
        # without edges a ball is its seed alone: a window is then the size/2 worst chosen
        # plots and the size/2 best candidates not yet tried (a programme's plots move
        # between years and plots there)
        each = BALLS if len(model.edges) else max(1, size // 2)
        rem, add = _seeds(model, x, graph)
        rem, add = rem[~tried[rem]][:each], add[~tried[add]][:each]
        return [int(v) for v in np.r_[rem, add]]

    child = _ChildSolve("window") if until - t0 > 1.0 else None
    try:
        passes = 1
        while child is not None:
            left = until - time.perf_counter()
            if left < 1.0 or (stop is not None and stop.is_set()):
                break
            seeds = next_seeds()
            if not seeds:  # every seed has had its window: again, with bigger windows
                if passes >= MAX_PASSES:
                    break
                passes += 1
                tried[:] = False
                size = min(WINDOW_MAX_PARCELS, size * 2)
                continue
            tried[seeds] = True
            members = _window(graph, seeds, size)
            inside = np.zeros(n, dtype=bool)
            inside[members] = True
            keep = np.r_[
                np.flatnonzero(inside[model.var_parcel]),
                nx + np.flatnonzero(inside[model.edges[:, 0]] | inside[model.edges[:, 1]]),
            ]
            arr = _reduced(model, A, ax, x, keep)
            budget = min(WINDOW_MAX_S, left - 0.5)
            began = time.perf_counter()
            payload = _highs_child.frame(
                "solve", arr, {**highs_option_values(opts, arr["n_vars"]), "log": False}, x[keep]
            )
            child.start_solve(payload, began + budget)
            nxt = _ChildSolve("window")  # starts up while this window solves
            finished = False
            while not finished and time.perf_counter() < began + budget + 1.0:
                finished = child.wait_until(min(began + budget + 1.0, time.perf_counter() + 0.2))
                if stop is not None and stop.is_set():
                    break
            child.stop()
            took = time.perf_counter() - began
            done, child = child.done, nxt
            stats["windows"] += 1
            stats["parcels"].append(len(members))
            if done is None:
                size = max(WINDOW_MIN_PARCELS, int(size / 1.5))
                continue
            outcome = done[1]
            proven = outcome["status"] == "optimal"
            stats["proven"] += int(proven)
            if proven and took < 0.3 * budget:
                size = min(WINDOW_MAX_PARCELS, int(size * 1.5))
            elif not proven or not finished:
                size = max(WINDOW_MIN_PARCELS, int(size / 1.5))
            if not outcome["has_solution"]:
                continue
            y = x.copy()
            y[keep] = np.round(np.asarray(outcome["x"], dtype=float))
            value, y = objective_with_edges(model, y)
            if sign * (value - best) < -1e-6 and is_feasible(model, y):
                x, best = y, value
                ax = A @ x
                stats["improved"] += 1
    finally:
        if child is not None:
            child.stop()
    stats.update(
        {
            "seconds": round(time.perf_counter() - t0, 2),
            "start_objective": first,
            "objective": best,
            "parcels": int(np.median(stats["parcels"])) if stats["parcels"] else 0,
        }
    )
    log.info(
        "exact windows: %d solved (%d proven), %d improved the plan, %.1f -> %.1f in %.1f s",
        stats["windows"],
        stats["proven"],
        stats["improved"],
        first,
        best,
        stats["seconds"],
    )
    return x, best, stats


class WindowRunner:
    """:func:`improve_by_windows` in a thread beside the HiGHS child, until it is stopped.

    HiGHS keeps its own process and the whole slice for proving a bound; the windows use
    the second core. :meth:`finish` stops them and returns the best plan they reached.
    """

    def __init__(self, model: CompiledModel, x: np.ndarray, opts: SolverOptions, *, until: float):
        self._stop = threading.Event()
        self.result: tuple[np.ndarray, float, dict[str, Any]] | None = None
        self.error: BaseException | None = None

        def run() -> None:
            try:
                self.result = improve_by_windows(model, x, opts, until=until, stop=self._stop)
            except BaseException as exc:  # reported by finish(); the solve goes on without
                self.error = exc

        self._thread = threading.Thread(target=run, daemon=True, name="windows")
        self._thread.start()

    def finish(self) -> tuple[np.ndarray, float, dict[str, Any]] | None:
        """Stop the windows, wait for the one solving to end, return (x, objective, stats)."""
        self._stop.set()
        self._thread.join()
        if self.error is not None:
            log.warning("exact windows failed, their plans are not used: %s", self.error)
        return self.result
