"""The one engine for many solves: in this process, on a LocalCluster, or on a Dask cluster.

Sweeps, alternatives, replacement costs, calibration, many districts, quota
decomposition and the exact windows of a compact plan are many independent solves.
They all go through :func:`engine`, which gives an :class:`Engine` whose
:meth:`Engine.map` runs ``fn(context, item)`` for every item and returns the results in
the items' order, whatever order they finished in, so a run on a cluster gives the same
table as a serial run.

Where it runs, first match wins:

1. ``scheduler=`` (the CLI's ``--scheduler tcp://host:8786``);
2. the scenario's ``[cluster] scheduler``;
3. the ``DASK_SCHEDULER_ADDRESS`` environment variable (Dask's own convention);
4. ``jobs`` > 1: ``jobs`` processes solve: this one and a :class:`distributed.LocalCluster`
   of ``jobs - 1`` single-threaded worker processes on 127.0.0.1, alive for the whole
   ``with`` block (imports paid once), all taking calls from one queue;
5. otherwise this process, serially (no Dask at all).

The ``context`` is sent once to each worker (not once per item); functions that keep a
costly object per worker (a HiGHS session over the same model) use
:func:`worker_cache` under a key made with :func:`token`.

What a LocalCluster does not do
    It opens no dashboard (bokeh is not a dependency) and listens on 127.0.0.1 only, on
    ports the system chooses. Its workers start without the working directory on their
    import path (``PYTHONSAFEPATH``; their path is this process's, which landopt keeps
    free of the working directory, :mod:`landopt._syspath`) and without Dask preloads,
    so no code from the planner's folder runs in them. Worker processes are *spawned*:
    each imports the main module again, so a script without an ``if __name__ ==
    "__main__":`` block would run again in every worker; such a script gets the serial
    engine and a warning (:func:`spawn_is_safe`).

A worker lost mid-run
    Its calls are run again on the other workers (Dask reschedules the tasks of a lost
    worker; a LocalCluster's nanny starts a new worker), and a call that raised is
    retried :data:`RETRIES` times; the context is on every worker, so it survives the
    loss of any of them. The results are the same, in the same order.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar

__all__ = [
    "Engine",
    "engine",
    "scheduler_address",
    "spawn_is_safe",
    "token",
    "worker_cache",
]

log = logging.getLogger(__name__)

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")

#: A call that raised is submitted again this many times before its error is raised.
RETRIES = 2

#: How many objects :func:`worker_cache` keeps per process (the least recently used go):
#: a HiGHS session per model, a command solves a few models at most.
CACHE_SIZE = 8

#: Seconds to try to reach a scheduler named by ``--scheduler``.
CONNECT_TIMEOUT_S = 20.0

#: Seconds to wait for a first worker of a cluster named by ``--scheduler``.
WAIT_FOR_WORKERS_S = 60.0

#: Environment of a LocalCluster's worker processes when they are spawned: no working
#: directory on the import path while the interpreter starts, Dask's logging at warnings.
WORKER_ENV = {
    "PYTHONSAFEPATH": "1",
    "DASK_LOGGING__DISTRIBUTED": "warning",
}

#: Per-process cache of :func:`worker_cache` (one per worker process, or this process).
_CACHE: OrderedDict[Any, Any] = OrderedDict()


def worker_cache(key: Any, factory: Callable[[], R]) -> R:
    """The object cached under ``key`` in this process, made by ``factory`` the first time.

    A worker keeps its last :data:`CACHE_SIZE` objects; key them with :func:`token` of
    what they are made from (the compiled model), so a second model never meets the
    first one's session.
    """
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    value = factory()
    _CACHE[key] = value
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return value


def forget(key: Any) -> None:
    """Drop ``key`` from this process's :func:`worker_cache` (nothing when absent)."""
    _CACHE.pop(key, None)


def token(obj: Any) -> str:
    """A short hash of ``obj``'s pickle: the same object gives the same token.

    Two different objects never share one (a hash of their bytes); an object that pickles
    differently on another run only costs a cache miss.
    """
    return hashlib.sha256(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()[:20]


def scheduler_address(explicit: str | None = None, scenario: Any = None) -> str | None:
    """The address of the cluster to use, or ``None`` for a local engine (see the module)."""
    if explicit:
        return explicit
    spec = getattr(scenario, "cluster", None)
    if spec is not None and getattr(spec, "scheduler", None):
        return str(spec.scheduler)
    return os.environ.get("DASK_SCHEDULER_ADDRESS") or None


_MAIN_GUARD = re.compile(r"""__name__\s*==\s*['"]__main__['"]""")


def spawn_is_safe() -> bool:
    """Whether spawned workers can start without re-running the user's script.

    A spawned process imports the main module again; a script without an ``if __name__ ==
    "__main__":`` block would then repeat everything before the sweep (reading, writing
    files) in every worker and fail at the sweep. Notebooks, ``python -c`` and the
    interactive prompt have no main file and are safe; so is ``python -m`` (the main
    module is imported by name, and a ``__main__`` module is not run again).
    """
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and getattr(spec, "name", "").endswith("__main__"):
        return True
    path = getattr(main, "__file__", None)
    if not path:
        return True
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return bool(_MAIN_GUARD.search(f.read()))
    except OSError:
        return False


class Engine:
    """Runs many independent calls, serially or on Dask workers.

    Attributes
    ----------
    workers
        How many calls can run at once (1 for the serial engine).
    address
        The scheduler's address, ``None`` for the serial engine.
    dashboard
        The Dask dashboard's link, only when the scheduler really serves one.
    kind
        ``"serial"``, ``"local"`` (a LocalCluster of this command) or ``"cluster"`` (one
        named by an address).
    solves_here
        This process takes calls too, beside the cluster's workers (a local engine: its
        ``workers`` count this process).
    """

    def __init__(
        self,
        client: Any = None,
        *,
        workers: int = 1,
        kind: str | None = None,
        dashboard: str | None = None,
        starting: Future[Any] | None = None,
        solves_here: bool = False,
    ) -> None:
        self._client = client
        self._starting = starting
        self.solves_here = solves_here
        self.workers = workers
        self.kind = kind or ("serial" if client is None and starting is None else "cluster")
        self.dashboard = dashboard
        self._idle: list[Callable[[], None]] = []
        self._release: Callable[[], None] | None = None

    def when_idle(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once, in a thread of this process, as soon as a :meth:`map` where this
        process solves too has handed out its last call (the last calls still running).

        For work the command will do after the calls anyway (importing matplotlib for its
        plot): the solvers release the GIL, so the thread has the core that a process
        which ran out of calls leaves free, and its work is off the command's wall time.
        :meth:`map` waits for it before returning. ``fn`` must not matter to any result;
        what it raises is logged and dropped. The serial engine never runs it (no core is
        left free there).
        """
        self._idle.append(fn)

    def release(self) -> None:
        """Say that this command has no more calls: a LocalCluster of its own starts
        closing now, in the background, while the command writes its outputs; the end of
        its ``with`` block waits for it. A no-op for other engines."""
        if self._release is not None:
            self._release()
            self._release = None

    def _run_idle(self) -> None:
        while self._idle:
            fn = self._idle.pop(0)
            try:
                fn()
            except Exception:  # a warm-up only: the command does the same work later
                log.debug("idle work %r failed", fn, exc_info=True)

    @property
    def client(self) -> Any:
        """The Dask client (``None`` for the serial engine); waits for a cluster that is
        still starting, and raises what stopped it from starting."""
        if self._client is None and self._starting is not None:
            self._client = self._starting.result()
        return self._client

    @property
    def address(self) -> str | None:
        """The scheduler's address (``None`` for the serial engine)."""
        return getattr(getattr(self.client, "scheduler", None), "address", None)

    @property
    def parallel(self) -> bool:
        """Whether calls run on Dask workers (known before a starting cluster is up)."""
        return self._client is not None or self._starting is not None

    def map(
        self,
        fn: Callable[[C, T], R],
        items: Sequence[T],
        *,
        context: C = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[R]:
        """``[fn(context, item) for item in items]``, in the items' order.

        ``progress(done, total)`` is called after each call finishes. A call that raises
        is retried :data:`RETRIES` times on the cluster, then raises here, after the calls
        still queued are cancelled (Ctrl-C cancels them too).
        """
        items = list(items)
        if not self.parallel:
            out = []
            for i, item in enumerate(items, start=1):
                out.append(fn(context, item))
                if progress:
                    progress(i, len(items))
            return out
        if not items:
            return []
        if self.solves_here:
            return self._map_shared(fn, items, context, progress)
        from distributed import as_completed

        client = self.client
        # on every worker (a lost one leaves copies on the others); a new worker fetches it
        ctx = client.scatter(context, broadcast=True, hash=False) if context is not None else None
        futures = [client.submit(fn, ctx, item, pure=False, retries=RETRIES) for item in items]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(items)
        try:
            for n, fut in enumerate(as_completed(futures, loop=client.loop), start=1):
                results[index[fut.key]] = fut.result()
                if progress:
                    progress(n, len(items))
        except BaseException:
            client.cancel(futures)
            raise
        finally:
            if ctx is not None:
                client.cancel([ctx])
        return results

    def _map_shared(
        self,
        fn: Callable[[C, T], R],
        items: list[T],
        context: C,
        progress: Callable[[int, int], None] | None,
    ) -> list[R]:
        """:meth:`map` with this process taking calls too, from the same queue.

        This process starts on the first item at once, while the cluster may still be
        starting, and a thread keeps each worker fed with one call at a time; whoever is
        free takes the next item, so neither waits for the other at the end. A call gives
        the same result wherever it runs (the many-solve functions make sure of it), so the
        results are those of a serial run, in the items' order. A call that raises here
        raises at once, as in a serial run; on a worker it is retried as in :meth:`map`.
        """
        import threading
        import time
        from collections import deque

        results: list[Any] = [None] * len(items)
        todo = deque(range(len(items)))
        lock = threading.Lock()
        stop = threading.Event()
        failed: list[BaseException] = []
        inflight: dict[str, tuple[int, Any]] = {}
        finished = [0]

        idle: list[threading.Thread] = []

        def take(back: bool = False) -> int | None:
            with lock:
                if stop.is_set() or not todo:
                    return None
                i = todo.pop() if back else todo.popleft()
                if not todo and self._idle:  # the last call handed out: a core comes free
                    idle.append(threading.Thread(target=self._run_idle, name="landopt-idle"))
                    idle[-1].start()
                return i

        def done(i: int, r: Any) -> None:
            with lock:
                results[i] = r
                finished[0] += 1
                if progress:
                    progress(finished[0], len(items))

        def feed() -> None:
            from distributed import as_completed

            try:
                while self._client is None and self._starting is not None:
                    if self._starting.done():
                        break
                    with lock:
                        if not todo or stop.is_set():
                            return  # this process took every item before the cluster was up
                    time.sleep(0.02)
                client = self.client
                # a task that returns the context, not scattered data: a worker lost with
                # the only copy (a LocalCluster of one worker) gets it computed again
                ctx = client.submit(_same, context, pure=False) if context is not None else None
                futures: Any = as_completed(loop=client.loop)

                def submit_next() -> None:
                    i = take(back=True)
                    if i is not None:
                        f = client.submit(fn, ctx, items[i], pure=False, retries=RETRIES)
                        inflight[f.key] = (i, f)
                        futures.add(f)

                try:
                    for _ in range(max(1, self.workers - 1)):
                        submit_next()
                    for fut in futures:
                        i, _ = inflight.pop(fut.key)
                        done(i, fut.result())
                        submit_next()
                except BaseException:
                    client.cancel([f for _, f in list(inflight.values())])
                    raise
                finally:
                    if ctx is not None:
                        client.cancel([ctx])
            except BaseException as exc:  # raised in the caller's thread below
                failed.append(exc)
                stop.set()

        feeder = threading.Thread(target=feed, name="landopt-feed", daemon=True)
        feeder.start()
        try:
            while (i := take()) is not None:
                done(i, fn(context, items[i]))
        except BaseException:
            stop.set()
            if self._client is not None and inflight:
                self._client.cancel([f for _, f in list(inflight.values())])
            feeder.join()
            for th in idle:
                th.join()
            raise
        feeder.join()
        for th in idle:
            th.join()
        if failed:
            raise failed[0]
        return results


@contextmanager
def engine(
    jobs: int | None = None, scheduler: str | None = None, *, scenario: Any = None
) -> Iterator[Engine]:
    """An :class:`Engine` for the ``with`` block (see the module for where it runs).

    Raises
    ------
    landopt.errors.InputError
        The scheduler named cannot be reached, or has no worker after
        :data:`WAIT_FOR_WORKERS_S` seconds.
    """
    address = scheduler_address(scheduler, scenario)
    if address is None and (jobs or 1) <= 1:
        yield Engine()
        return
    if address is None and not spawn_is_safe():
        log.warning(
            "solving in this process only: worker processes would re-run %s from "
            'the top, since it has no `if __name__ == "__main__":` block; put the script\'s '
            "work inside one to use %d cores",
            getattr(sys.modules.get("__main__"), "__file__", "the script"),
            jobs,
        )
        yield Engine()
        return
    if address is not None:
        with _quiet_dask(), _remote(address) as eng:
            yield eng
    else:
        with _local(int(jobs or 1)) as eng:
            yield eng


_DASK_LOGGERS = ("distributed", "distributed.scheduler", "distributed.nanny", "distributed.worker")


def _quiet_loggers() -> list[tuple[logging.Logger, int]]:
    """Dask's own loggers set at warnings (its INFO lines are not for planners); returns
    their levels before, for :func:`_restore_loggers`. Imports ``distributed`` first: it
    configures its loggers on import."""
    import distributed  # noqa: F401 - configures its loggers on import

    loggers = [logging.getLogger(n) for n in _DASK_LOGGERS]
    before = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        if lg.getEffectiveLevel() < logging.WARNING:
            lg.setLevel(logging.WARNING)
    return before


def _restore_loggers(before: list[tuple[logging.Logger, int]]) -> None:
    for lg, level in before:
        lg.setLevel(level)


@contextmanager
def _quiet_dask() -> Iterator[None]:
    """Dask's own loggers at warnings for the block."""
    before = _quiet_loggers()
    try:
        yield
    finally:
        _restore_loggers(before)


def _same(x: Any) -> Any:
    """``x`` (a task whose result is a call's context, computed again when lost)."""
    return x


def _warm_worker() -> None:
    """Import on a worker what every call needs (run once per worker as it starts)."""
    import landopt.analysis  # the many-solve functions and the model
    import landopt.solving  # noqa: F401 - the solve layer, HiGHS with it


@contextmanager
def _local(n: int) -> Iterator[Engine]:
    """``n`` processes solving for the block: this one and a LocalCluster of ``n - 1``
    workers, started beside the caller's work.

    The cluster starts in a thread and its workers import landopt as soon as they are up,
    while this process goes on (reading and compiling the layer, then taking calls itself:
    :meth:`Engine._map_shared`). This process would otherwise sit idle while its workers
    solve, and the start-up would be paid before the first solve: on the 2-core machine
    of BENCHMARKS.md "Many solves on Dask", ``--jobs 2`` as two workers beside an idle
    process left the sweep 1.45x faster than serial, short of the 1.7x asked.
    """
    env_before: dict[str, str | None] = {k: os.environ.get(k) for k in WORKER_ENV}
    # in this process's environment too, before any process starts: multiprocessing's
    # resource tracker (``python -c``) is started before the nanny sets its own
    os.environ.update(WORKER_ENV)
    stack = ExitStack()

    def start() -> Any:
        # importing dask and distributed (about 1 s) is part of the start-up that runs
        # beside the caller's work, not before it
        stack.callback(_restore_loggers, _quiet_loggers())
        import dask
        from distributed import Client, LocalCluster

        spawn_env = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **WORKER_ENV}
        for k in spawn_env:  # the nanny sets these in this process too: put them back after
            env_before.setdefault(k, os.environ.get(k))

        stack.enter_context(
            dask.config.set(
                {
                    "distributed.nanny.pre-spawn-environ": spawn_env,
                    "distributed.worker.preload": [],
                    "distributed.nanny.preload": [],
                    "distributed.scheduler.preload": [],
                    "distributed.worker.daemon": True,
                    # the context task carries the model and the layer by design
                    "distributed.admin.large-graph-warning-threshold": "64GiB",
                }
            )
        )
        cluster = stack.enter_context(
            LocalCluster(
                n_workers=max(1, n - 1),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                scheduler_port=0,
                dashboard_address="127.0.0.1:0",  # HTTP health routes only, on this machine
                worker_dashboard_address="127.0.0.1:0",
                scheduler_kwargs={"dashboard": False},
                preload=[],
                preload_nanny=[],
            )
        )
        # not a context manager: that would make it the default client of this thread only
        client = Client(cluster, set_as_default=False)
        stack.callback(client.close)
        client.run(_warm_worker)
        log.info("LocalCluster of %d workers at %s", n - 1, cluster.scheduler_address)
        return client

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="landopt-cluster")
    closing: list[Future[Any]] = []

    def release() -> None:
        # after the cluster is up (the one thread runs in order): closing its workers
        # (0.2-0.5 s) overlaps the caller writing its outputs
        closing.append(pool.submit(stack.close))

    try:
        starting = pool.submit(start)
        eng = Engine(workers=n, kind="local", starting=starting, solves_here=True)
        eng._release = release
        yield eng
    finally:
        try:
            starting.exception()  # a cluster still starting is waited for, then closed
            for f in closing:
                f.result()
        finally:
            pool.shutdown(wait=True)
            stack.close()  # a no-op when release closed it
            # the nanny sets its spawn environment in this process's os.environ too
            for k, v in env_before.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


@contextmanager
def _remote(address: str) -> Iterator[Engine]:
    from distributed import Client

    from landopt.errors import InputError
    from landopt.i18n import run_lang, t

    lg = run_lang()
    try:
        client = Client(address, timeout=f"{CONNECT_TIMEOUT_S}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            t("cluster.unreachable", lg, address=address, error=str(exc) or type(exc).__name__)
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS_S)
        except TimeoutError:
            raise InputError(
                t("cluster.no_workers", lg, address=address, s=f"{WAIT_FOR_WORKERS_S:g}")
            ) from None
        info = client.scheduler_info()
        n = max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))
        yield Engine(client, workers=n, kind="cluster", dashboard=_dashboard(client))


def _dashboard(client: Any) -> str | None:
    """The scheduler's dashboard link when it serves one (its bokeh dashboard is loaded).

    A scheduler without bokeh still answers on its HTTP port (a page asking for bokeh),
    so its link alone says nothing.
    """

    def serves(dask_scheduler: Any = None) -> bool:  # run on the scheduler, sent by value
        import sys

        return "distributed.dashboard.scheduler" in sys.modules

    try:
        if not client.run_on_scheduler(serves):
            return None
        return client.dashboard_link or None
    except Exception:  # the scheduler refused the call: say nothing rather than guess
        return None
