"""The HiGHS child process of an isolated solve, and the HiGHS helpers it shares with the parent.

Run by :mod:`landopt.solvers.highs` as ``python -I <this file> <parent pid> [<dir> ...]``: by
its path, so that importing it does not run ``landopt/__init__.py`` (geopandas, pandas,
matplotlib: seconds and hundreds of modules before the child could do anything), and in
isolated mode, so that neither the working directory nor ``PYTHONPATH`` is on its import
path (a ``numpy.py`` or ``highspy.py`` where the planner happens to stand is never
imported). The parent passes the directories its own numpy and highspy came from, which
are appended to ``sys.path``.

This module imports only the standard library at the top; numpy and highspy are imported
after the parent's pid has been read and the orphan guard is running. It must not import
anything from ``landopt`` (tests/test_solvers.py checks ``sys.modules`` of a real child).

Protocol (length-prefixed pickles, :func:`send` / :func:`receive`):

child -> parent
    ``("ready", pid)`` once numpy and highspy are imported; then ``("incumbent",
    objective, x)`` for each improving plan, ``("bound", bound)`` about once a second,
    and finally ``("done", outcome, runtime, applied)`` or ``("error", text)``.
parent -> child
    ``("budget", seconds)``, sent when the model is about to follow: HiGHS's time limit,
    counted from the moment the child starts reading the model (so that loading it counts
    too); then ``("solve", arrays, options, start)``. End of input instead means "not
    needed": the child exits.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

#: How often the child checks that its parent is still alive.
ORPHAN_POLL_S = 0.5


class ModelRejected(Exception):
    """HiGHS refused the model (``passModel`` returned an error)."""


def send(stream: Any, *msg: Any) -> None:
    """Write one message: its pickle's length (8 bytes, little-endian), then the pickle."""
    data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)))
    stream.write(data)
    stream.flush()


def frame(*msg: Any) -> bytes:
    """One message as the bytes :func:`send` would write (for a payload pickled ahead)."""
    data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
    return struct.pack("<Q", len(data)) + data


def receive(stream: Any) -> tuple[Any, ...] | None:
    """Read one message written by :func:`send`; ``None`` at the end of the stream."""
    head = stream.read(8)
    if len(head) < 8:
        return None
    (n,) = struct.unpack("<Q", head)
    data = stream.read(n)
    return pickle.loads(data) if len(data) == n else None


@contextlib.contextmanager
def silence_stdout(enabled: bool = True) -> Iterator[None]:
    """Send C-level stdout to /dev/null (HiGHS and CBC write there directly)."""
    if not enabled:
        yield
        return
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, fd)
        os.close(saved)


def new_highs(*, log_output: bool = False) -> Any:
    """A ``highspy.Highs`` object, without the banner HiGHS prints on creation unless logging."""
    import highspy

    if log_output:
        return highspy.Highs()
    with silence_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def load_arrays(arr: dict[str, Any], *, log_output: bool = False) -> Any:
    """A fresh HiGHS object holding the model given as plain arrays (``highs_arrays``)."""
    import highspy
    import numpy as np

    h = new_highs(log_output=log_output)
    lp = highspy.HighsLp()
    lp.num_col_ = arr["n_vars"]
    lp.num_row_ = arr["n_rows"]
    lp.col_cost_ = arr["c"]
    lp.col_lower_ = arr["lb"]
    lp.col_upper_ = arr["ub"]
    lp.row_lower_ = np.where(np.isinf(arr["row_lower"]), -highspy.kHighsInf, arr["row_lower"])
    lp.row_upper_ = np.where(np.isinf(arr["row_upper"]), highspy.kHighsInf, arr["row_upper"])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = arr["start"]
    lp.a_matrix_.index_ = arr["index"]
    lp.a_matrix_.value_ = arr["value"]
    lp.a_matrix_.num_col_ = arr["n_vars"]
    lp.a_matrix_.num_row_ = arr["n_rows"]
    kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
    lp.integrality_ = [kinds[int(v)] for v in arr["integer"]]
    lp.sense_ = highspy.ObjSense.kMaximize if arr["maximize"] else highspy.ObjSense.kMinimize
    if h.passModel(lp) == highspy.HighsStatus.kError:
        raise ModelRejected("HiGHS rejected the model (passModel returned an error)")
    return h


def set_options(h: Any, values: dict[str, Any]) -> None:
    """Set HiGHS options by name (``time_limit``, ``mip_rel_gap``, ``presolve``, ...)."""
    for k, v in values.items():
        h.setOptionValue(k, v)


def highs_outcome(h: Any) -> dict[str, Any]:
    """Status, solution, objective and bound of a HiGHS object after ``run``, as plain data."""
    import highspy
    import numpy as np

    ms = h.getModelStatus()
    info = h.getInfo()
    has_sol = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    MS = highspy.HighsModelStatus
    if ms == MS.kOptimal:
        status = "optimal"
    elif ms in (MS.kTimeLimit, MS.kInterrupt, MS.kIterationLimit, MS.kSolutionLimit):
        status = "time_limit"
    elif ms == MS.kInfeasible:
        status = "infeasible"
    elif ms in (MS.kUnbounded, MS.kUnboundedOrInfeasible):
        status = "unbounded" if ms == MS.kUnbounded else "infeasible"
    else:
        status = "error"
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
    if status == "optimal" and has_sol and info.mip_node_count < 0:
        # no integer column (an LP): HiGHS leaves mip_dual_bound at 0; the optimum is its bound
        bound = float(info.objective_function_value)
    out = {
        "status": status,
        "has_solution": bool(has_sol),
        "x": np.asarray(h.getSolution().col_value, dtype=float) if has_sol else None,
        "objective": float(info.objective_function_value) if has_sol else None,
        "bound": bound,
        "time_limit_hit": ms == MS.kTimeLimit,
        "message": h.modelStatusToString(ms),
    }
    dual_ok = info.dual_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    if status == "optimal" and info.mip_node_count < 0 and dual_ok:
        # an LP: its row duals, from which the parent computes a bound of its own and the
        # reduced costs (landopt/solvers/relax_fix.py)
        out["row_dual"] = np.asarray(h.getSolution().row_dual, dtype=float)
    return out


def watch_parent(parent: int) -> None:
    """Exit at once if ``parent`` is not (or no longer) this process's parent.

    Checked before anything else and then every :data:`ORPHAN_POLL_S` seconds, so a parent
    killed outright (even before the child got going) never leaves HiGHS running alone.
    """
    if os.getppid() != parent:
        os._exit(3)

    def orphaned() -> None:
        while True:
            time.sleep(ORPHAN_POLL_S)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=orphaned, daemon=True, name="orphan-guard").start()


def start(argv: list[str]) -> Any:
    """The first steps of every child: learn the parent, guard against its death, fix the path.

    ``argv`` is ``[parent_pid, dir, ...]``. SIGINT is ignored: Ctrl-C in a terminal
    reaches the whole process group, and the parent ends the child itself. Returns the
    binary stream the messages go to (the original stdout; fd 1 is pointed at stderr so
    that HiGHS's own output cannot corrupt them).
    """
    watch_parent(int(argv[0]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for d in argv[1:]:
        if d not in sys.path:
            sys.path.append(d)
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    return out


def main(argv: list[str]) -> None:
    """Solve one model sent by the parent; see the module docstring for the protocol."""
    serve(start(argv), sys.stdin.buffer)


def serve(out: Any, stream: Any) -> None:
    """Say ready, read the budget and the model from ``stream``, solve, report to ``out``."""
    try:
        import numpy as np

        send(out, "ready", os.getpid())
        head = receive(stream)
        if head is None:  # the parent did not need this child after all
            return
        t_in = time.perf_counter()
        msg = receive(stream)
        if msg is None:
            return
        _, arr, options, x0 = msg
        options = dict(options)
        log_output = bool(options.pop("log", False))
        h = load_arrays(arr, log_output=log_output)
        options["time_limit"] = max(0.0, float(head[1]) - (time.perf_counter() - t_in))
        set_options(h, options)
        n = arr["n_vars"]
        if x0 is not None:
            h.setSolution(n, np.arange(n, dtype=np.int32), x0)
        last = [0.0]

        def improving(e: Any) -> None:
            x = np.array(e.data_out.mip_solution, dtype=float)
            send(out, "incumbent", float(e.data_out.objective_function_value), x)

        def progress(e: Any) -> None:
            now = time.monotonic()
            if now - last[0] >= 1.0:
                last[0] = now
                bound = float(e.data_out.mip_dual_bound)
                if np.isfinite(bound):
                    send(out, "bound", bound)

        h.cbMipImprovingSolution.subscribe(improving)
        h.cbMipInterrupt.subscribe(progress)
        t0 = time.perf_counter()
        h.run()
        send(out, "done", highs_outcome(h), time.perf_counter() - t0, options)
    except BaseException as exc:  # reported to the parent, which raises SolverError
        with contextlib.suppress(OSError):
            send(out, "error", f"{type(exc).__name__}: {exc}")
    finally:
        with contextlib.suppress(OSError):
            out.close()


if __name__ == "__main__":
    main(sys.argv[1:])
