"""The run queue of the web app: runs wait their turn, each solves in its own process.

A run is a folder ``DATA/runs/<run_id>/`` (``scenario.toml``; the child writes the plan
folder ``plan/`` and its ``progress.json``, ``diagnosis.txt``, ``error.txt``, ``child.log``)
and a row in the run store, whose status is the truth: ``queued`` (accepted) →
``running`` (its process started) → ``done``, ``infeasible``, ``failed``, ``cancelled``
or ``interrupted``. ``jobs`` worker threads take queued runs in order; each starts
``python -m landopt.web._child`` with ``cwd`` the run folder and ``PYTHONSAFEPATH=1`` and
waits for it, so a cancel kills exactly that process (and its children: it leads its own
process group). When the server starts, runs of this data folder that a previous server
left ``queued`` or ``running`` are marked ``interrupted``
(:func:`mark_interrupted_runs`): they did not finish, and nothing will finish them.

On a Dask cluster (``scheduler=``, ``landopt serve --scheduler tcp://HOST:PORT`` or
``DASK_SCHEDULER_ADDRESS``) each worker thread submits its run to the cluster instead
(:func:`landopt.web._child.run_on_worker`: the same process, started on a worker) and
waits for its result; ``jobs`` is then how many runs are on the cluster at once. The run
folders and a SQLite run store must be on a filesystem the workers see at the same path
(or use a PostgreSQL store). Cancel cancels the task: a run still waiting on the cluster
never starts; a run already solving on a worker is marked ``cancelled`` at once and its
result is ignored. A running Dask task cannot be stopped from outside, so the task itself
kills its process when it sees the cancel in the store (within half a second); a worker
that cannot reach the store lets it finish, into a run folder nobody shows.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

__all__ = ["JobQueue", "QueueFull", "mark_interrupted_runs"]

log = logging.getLogger(__name__)

#: Most runs waiting at once; more are refused (the planner tries again later).
MAX_WAITING = 200
#: Statuses a run ends with.
ENDED = ("done", "infeasible", "failed", "cancelled", "interrupted")


class QueueFull(Exception):
    """More than :data:`MAX_WAITING` runs are waiting."""


def _inside(path: str | None, root: Path) -> bool:
    if not path:
        return False
    try:
        Path(path).resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def mark_interrupted_runs(store: Any, runs_root: Path) -> int:
    """Mark ``interrupted`` the web runs of ``runs_root`` a previous server left unfinished.

    Only runs whose folder is in ``runs_root``: another server sharing the store (another
    planner's machine on the same PostgreSQL) keeps its own runs going. Returns how many.
    """
    n = 0
    for status in ("queued", "running"):
        for rec in store.list(status=status, limit=None):
            if rec.origin == "web" and _inside(rec.out_dir, runs_root):
                store.finish(rec.id, status="interrupted")
                n += 1
    if n:
        log.warning("%d web runs left unfinished by the previous server marked interrupted", n)
    return n


class JobQueue:
    """``jobs`` runs at a time, each in a child process; the others wait in order.

    Parameters
    ----------
    store
        The :class:`~landopt.store.RunStore` holding the runs' status.
    runs_root
        ``DATA/runs``.
    jobs
        Runs solving at once (default 1).

    scheduler
        A Dask scheduler's address: runs solve on its workers (see the module).

    Raises
    ------
    landopt.errors.InputError
        The scheduler cannot be reached.
    """

    def __init__(
        self, store: Any, runs_root: Path, *, jobs: int = 1, scheduler: str | None = None
    ) -> None:
        self.store = store
        self.root = Path(runs_root)
        self.jobs = max(1, int(jobs))
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._procs: dict[str, subprocess.Popen[bytes]] = {}
        self._cancelled: set[str] = set()
        #: extra environment of a queued run (a database password): memory only
        self._env: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._futures: dict[str, Any] = {}
        self.scheduler = scheduler
        self.client: Any = _connect(scheduler) if scheduler else None

    # ---- life
    def start(self) -> None:
        """Start the worker threads."""
        if self._threads:
            return
        for k in range(self.jobs):
            th = threading.Thread(target=self._work, name=f"landopt-web-job-{k}", daemon=True)
            th.start()
            self._threads.append(th)

    def stop(self) -> None:
        """Kill the runs under way (they end ``interrupted``) and stop the workers."""
        with self._lock:
            procs = list(self._procs.items())
            futures = list(self._futures.items())
            self._cancelled.update(run_id for run_id, _ in futures)
        for run_id, proc in procs:
            self._kill(proc)
            self._end_if_open(run_id, "interrupted")
        for run_id, fut in futures:
            fut.cancel()
            self._end_if_open(run_id, "interrupted")
        for _ in self._threads:
            self._queue.put(None)
        for th in self._threads:
            th.join(timeout=10)
        self._threads.clear()
        self.close()

    def close(self) -> None:
        """Close the connection to the cluster, if any."""
        client, self.client = self.client, None
        if client is not None:
            try:
                client.close(timeout=10)
            except Exception:  # the scheduler may be gone already
                log.warning("the connection to the Dask scheduler did not close cleanly")

    # ---- runs
    def folder(self, run_id: str) -> Path:
        """The run's folder."""
        return self.root / run_id

    def submit(self, run_id: str, env: dict[str, str] | None = None) -> None:
        """Queue a run already recorded ``queued`` with its ``scenario.toml`` in place;
        ``env`` is added to its process's environment (``PGPASSWORD`` of a PostGIS layer:
        kept in memory, never in the run folder).

        Raises
        ------
        QueueFull
            Too many runs are waiting.
        """
        if self._queue.qsize() >= MAX_WAITING:
            self._end_if_open(run_id, "failed", error="queue full")
            raise QueueFull(run_id)
        if env:
            with self._lock:
                self._env[run_id] = dict(env)
        self._queue.put(run_id)

    def cancel(self, run_id: str) -> bool:
        """Cancel a queued or running run; return whether it was still under way."""
        rec = self.store.get(run_id)
        if rec.status in ENDED:
            return False
        with self._lock:
            self._cancelled.add(run_id)
            self._env.pop(run_id, None)
            proc = self._procs.get(run_id)
            fut = self._futures.get(run_id)
        if proc is not None:
            self._kill(proc)
        if fut is not None:
            fut.cancel()  # a task already running on a worker may go on: its result is ignored
        return self._end_if_open(run_id, "cancelled")

    def _end_if_open(self, run_id: str, status: str, **values: Any) -> bool:
        if self.store.get(run_id).status in ENDED:
            return False
        self.store.finish(run_id, status=status, **values)
        return True

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the child and any solver process it started
        except (ProcessLookupError, PermissionError, AttributeError):
            proc.kill()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            log.warning("run process %d did not end after SIGKILL", proc.pid)

    def _work(self) -> None:
        while True:
            run_id = self._queue.get()
            if run_id is None:
                return
            try:
                self._run(run_id)
            except Exception:  # a worker must outlive any one run
                log.exception("web run %s", run_id)
                try:
                    self._end_if_open(run_id, "failed", error="internal error")
                except Exception:
                    log.exception("web run %s: could not record the failure", run_id)

    def _run(self, run_id: str) -> None:
        with self._lock:
            if run_id in self._cancelled:
                return
        if not self.store.mark_running(run_id):
            return  # cancelled (or ended) while it waited
        from landopt.web._child import start_process

        folder = self.folder(run_id)
        env = dict(os.environ)
        env["PYTHONSAFEPATH"] = "1"
        env["LANDOPT_STORE_URL"] = self.store.url
        env.pop("LANDOPT_STORE", None)
        env.pop("LANDOPT_PASSWORD", None)  # an account's password is no run's business
        env["LANDOPT_WEB_LANG"] = _run_lang(folder)
        with self._lock:
            env.update(self._env.pop(run_id, {}))
        if self.client is not None:
            run_env = {k: env[k] for k in ("LANDOPT_STORE_URL", "LANDOPT_WEB_LANG") if k in env}
            run_env.update({k: v for k, v in env.items() if os.environ.get(k) != v})
            run_env.pop("PYTHONSAFEPATH", None)
            self._run_on_cluster(run_id, folder, run_env)
            return
        with open(folder / "child.log", "wb") as log_file, self._lock:
            if run_id in self._cancelled:
                return
            proc = start_process(folder, run_id, env, log_file)
            self._procs[run_id] = proc
        try:
            code = proc.wait()
        finally:
            with self._lock:
                self._procs.pop(run_id, None)
        if run_id in self._cancelled:
            return
        if code != 0 and self.store.get(run_id).status not in ENDED:
            # the child died before it could record why (killed by the system, a crash)
            tail = (folder / "child.log").read_text(encoding="utf-8", errors="replace")[-2000:]
            self.store.finish(run_id, status="failed", error=tail or f"exit code {code}")
        log.info("web run %s ended (exit code %d)", run_id, code)

    def _run_on_cluster(self, run_id: str, folder: Path, env: dict[str, str]) -> None:
        from landopt.web._child import run_on_worker

        with self._lock:
            if run_id in self._cancelled:
                return
            fut = self.client.submit(
                run_on_worker,
                str(folder.resolve()),
                run_id,
                env,
                pure=False,
                key=f"landopt-web-{run_id}",
            )
            self._futures[run_id] = fut
        try:
            code, tail = fut.result()
        except BaseException as exc:  # cancelled, or the cluster lost it (a worker killed)
            if run_id not in self._cancelled:
                self._end_if_open(run_id, "failed", error=f"{type(exc).__name__}: {exc}")
            return
        finally:
            with self._lock:
                self._futures.pop(run_id, None)
        if run_id in self._cancelled:
            return
        if code != 0 and self.store.get(run_id).status not in ENDED:
            self.store.finish(run_id, status="failed", error=tail or f"exit code {code}")
        log.info("web run %s ended on the cluster (exit code %d)", run_id, code)


def _connect(address: str) -> Any:
    """A Dask client of the scheduler at ``address`` (no wait for workers: runs queue there).

    Raises
    ------
    landopt.errors.InputError
        It cannot be reached.
    """
    from distributed import Client

    from landopt.cluster import CONNECT_TIMEOUT_S
    from landopt.errors import InputError
    from landopt.i18n import run_lang, t

    try:
        return Client(address, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            t(
                "cluster.unreachable",
                run_lang(),
                address=address,
                error=str(exc) or type(exc).__name__,
            )
        ) from None


def _run_lang(folder: Path) -> str:
    try:
        return (folder / "lang").read_text(encoding="utf-8").strip() or "zh"
    except OSError:
        return "zh"
