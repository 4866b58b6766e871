"""One web run, in its own process: ``python -m landopt.web._child RUN_DIR RUN_ID``.

Started by :mod:`landopt.web.jobs` with ``cwd = RUN_DIR`` and ``PYTHONSAFEPATH=1`` (nothing
is imported from the run folder). It reads ``RUN_DIR/scenario.toml``, solves it and writes
the plan folder ``RUN_DIR/plan`` (the files of ``landopt plan``: plan.gpkg, summary.csv,
summary.xlsx, run.json, plan.png, plan.html, report.html), all inside the store run
``RUN_ID`` (status ``running`` → ``done``/``infeasible``/``failed``). It writes
``progress.json`` (its stage) as it goes, ``diagnosis.txt`` when the targets cannot be
met (the text of :class:`~landopt.errors.TargetsUnmetError`) and ``error.txt`` when the
run fails. The parent kills it to cancel: nothing half-written is ever shown, since the
plan folder appears whole or not at all (:func:`landopt.write_plan`).

On a Dask cluster (``landopt serve --scheduler``) the queue submits :func:`run_on_worker`
instead: on a worker it starts this same process in the run folder, which must be on a
filesystem the workers see (the same path), as must a SQLite run store.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["main", "run_on_worker"]


def _progress(run_dir: Path, stage: str, **counts: int) -> None:
    from landopt._atomic import atomic_file

    with atomic_file(run_dir / "progress.json") as tmp:
        tmp.write_text(json.dumps({"stage": stage, "at": time.time(), **counts}), encoding="utf-8")


def _job(run_dir: Path) -> dict[str, Any]:
    """What the run is: ``job.json``, else a plan."""
    try:
        return dict(json.loads((run_dir / "job.json").read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {"kind": "plan"}


#: The files of a sweep's folder.
SWEEP_FILES = ("sweep.csv", "sweep.png")


def _sweep(run: Path, run_id: str, vary: dict[str, list[float]], lang: str) -> None:
    """Sweep the scenario over ``vary`` and write ``run/sweep``, inside store run ``run_id``."""
    from landopt._atomic import atomic_folder
    from landopt.analysis import sweep
    from landopt.maps import save_sweep_plot
    from landopt.scenario import load_scenario
    from landopt.store.record import attach, recording

    with recording("sweep", run_id=run_id) as rec:
        _progress(run, "reading")
        scenario = load_scenario(run / "scenario.toml")
        rec.update(name=scenario.name, scenario=scenario.to_dict())
        total = 1
        for values in vary.values():
            total *= len(values)
        _progress(run, "solving", done=0, total=total)
        result = sweep(
            scenario,
            None,
            vary,
            jobs=1,
            progress=lambda done, n: _progress(run, "solving", done=done, total=n),
        )
        _progress(run, "writing")
        names = list(SWEEP_FILES if len(vary) == 1 else SWEEP_FILES[:1])
        with atomic_folder(run / "sweep") as stage:
            with open(stage / "sweep.csv", "w", encoding="utf-8-sig", newline="") as f:
                result.table.to_csv(f, index=False)
            if len(vary) == 1:
                save_sweep_plot(result, stage / "sweep.png", dpi=110, lang=lang, scenario=scenario)
        attach(run_id, run / "sweep", names)
        _progress(run, "done")


def _write_text(path: Path, text: str) -> None:
    from landopt._atomic import atomic_file

    with atomic_file(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


#: The end of ``child.log`` a failed run's record keeps.
LOG_TAIL = 2000


def start_process(folder: Path, run_id: str, env: dict[str, str], log_file: Any) -> Any:
    """Start this module as the run's own process (its own session, so a cancel ends its
    whole group), in the run folder, logging to ``log_file``; the server and a Dask worker
    start it the same way."""
    import subprocess

    return subprocess.Popen(
        [sys.executable, "-m", "landopt.web._child", str(folder), run_id],
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def run_on_worker(run_dir: str, run_id: str, env: dict[str, str]) -> tuple[int, str]:
    """Run the web run ``run_id`` of ``run_dir`` here, on a Dask worker, as its own process.

    What :class:`~landopt.web.jobs.JobQueue` does on the server without a cluster: ``python
    -m landopt.web._child RUN_DIR RUN_ID`` with ``cwd`` the run folder, ``PYTHONSAFEPATH=1``,
    its output in ``child.log`` there, and ``env`` (the run store's URL, the run's language,
    a PostGIS layer's ``PGPASSWORD``) over this worker's environment. The worker's own
    landopt is put first on the process's import path. While it solves, the store is
    looked at every :data:`CANCEL_POLL_S` seconds: once the server has ended the run
    ``cancelled`` or ``interrupted``, the process and its solver are killed.

    Parameters
    ----------
    run_dir
        The run folder, as the worker sees it (a filesystem shared with the server).
    run_id
        The store run the process records into.
    env
        The run's environment.

    Returns
    -------
    tuple of (int, str)
        The process's exit code and the end of its ``child.log``.
    """

    import landopt

    folder = Path(run_dir)
    full = dict(os.environ)
    full.pop("LANDOPT_STORE", None)
    full.pop("LANDOPT_PASSWORD", None)  # an account's password is no run's business
    full.update(env)
    full["PYTHONSAFEPATH"] = "1"
    here = str(Path(landopt.__file__).resolve().parents[1])
    full["PYTHONPATH"] = os.pathsep.join(p for p in (here, full.get("PYTHONPATH", "")) if p)
    store = _store(full.get("LANDOPT_STORE_URL"))
    try:
        with open(folder / "child.log", "wb") as log_file:
            proc = start_process(folder, run_id, full, log_file)
            code = _wait_unless_stopped(proc, store, run_id)
    finally:
        if store is not None:
            store.close()
    tail = (folder / "child.log").read_text(encoding="utf-8", errors="replace")[-LOG_TAIL:]
    return code, tail


#: Seconds between two looks at the store for a cancel, while a run solves on a worker.
CANCEL_POLL_S = 0.5


def _store(url: str | None) -> Any:
    """The run store at ``url``, or ``None`` when there is none or it cannot be opened."""
    if not url:
        return None
    from landopt.store import RunStore

    try:
        return RunStore(url)
    except Exception:  # the run records itself; without the store it just cannot be stopped
        return None


def _wait_unless_stopped(proc: Any, store: Any, run_id: str) -> int:
    """Wait for ``proc``; kill it (and its solver) once the server ended the run
    ``cancelled`` or ``interrupted`` in the store. Returns its exit code."""
    import signal
    import subprocess

    while True:
        try:
            return int(proc.wait(timeout=CANCEL_POLL_S))
        except subprocess.TimeoutExpired:
            pass
        if store is None:
            continue
        try:
            status = store.get(run_id).status
        except Exception:  # the store out of reach a moment: look again later
            continue
        if status in ("cancelled", "interrupted"):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                proc.kill()
            return int(proc.wait())


def main(argv: list[str] | None = None) -> int:
    """Run the web run in ``argv = [RUN_DIR, RUN_ID]``; return the exit code (0, 2, 3, 1)."""
    run_dir, run_id = (argv if argv is not None else sys.argv[1:])[:2]
    run = Path(run_dir).resolve()

    from landopt.errors import LandoptError, TargetsUnmetError
    from landopt.i18n import set_current_lang
    from landopt.parcels import _messages
    from landopt.plan import solve, write_plan
    from landopt.report import plan_outputs
    from landopt.scenario import load_scenario
    from landopt.store.record import recording, set_origin

    set_origin("web")
    lang = os.environ.get("LANDOPT_WEB_LANG", "zh")
    set_current_lang(lang)
    _messages.LANG = lang
    job = _job(run)
    try:
        if job.get("kind") == "sweep":
            _sweep(run, run_id, {str(k): list(v) for k, v in job["vary"].items()}, lang)
            return 0
        with recording("plan", run_id=run_id) as rec:
            _progress(run, "reading")
            scenario = load_scenario(run / "scenario.toml")
            rec.update(name=scenario.name, scenario=scenario.to_dict())
            _progress(run, "solving")
            try:
                plan = solve(scenario)
            except TargetsUnmetError as exc:
                _write_text(run / "diagnosis.txt", str(exc))
                raise
            _progress(run, "writing")
            write_plan(plan, run / "plan", extra=plan_outputs(plan, lang=lang, dpi=150))
            _progress(run, "done")
    except TargetsUnmetError:
        _progress(run, "done")
        return 3
    except LandoptError as exc:
        _write_text(run / "error.txt", str(exc))
        _progress(run, "done")
        return exc.exit_code
    except Exception as exc:
        _write_text(run / "error.txt", f"{type(exc).__name__}: {exc}")
        _progress(run, "done")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
