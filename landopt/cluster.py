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
4. ``jobs`` > 1: a :class:`distributed.LocalCluster` of ``jobs`` single-threaded worker
   processes on 127.0.0.1, alive for the whole ``with`` block (imports paid once);
5. otherwise this process, serially (no Dask at all).

The ``context`` is sent once to each worker (not once per item); functions that keep a
costly object per worker (a HiGHS session over the same model) use
:func:`worker_cache`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["Engine", "engine", "scheduler_address", "worker_cache"]

log = logging.getLogger(__name__)

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")

#: Per-process cache of :func:`worker_cache` (one per worker process, or this process).
_CACHE: dict[Any, Any] = {}


def worker_cache(key: Any, factory: Callable[[], R]) -> R:
    """The object cached under ``key`` in this process, made by ``factory`` the first time."""
    if key not in _CACHE:
        _CACHE[key] = factory()
    return _CACHE[key]


def scheduler_address(explicit: str | None = None, scenario: Any = None) -> str | None:
    """The address of the cluster to use, or ``None`` for a local engine (see the module)."""
    if explicit:
        return explicit
    spec = getattr(scenario, "cluster", None)
    if spec is not None and getattr(spec, "scheduler", None):
        return str(spec.scheduler)
    return os.environ.get("DASK_SCHEDULER_ADDRESS") or None


class Engine:
    """Runs many independent calls, serially or on Dask workers.

    Attributes
    ----------
    workers
        How many calls can run at once (1 for the serial engine).
    address
        The scheduler's address, ``None`` for the serial engine.
    dashboard
        The Dask dashboard's link, when there is one.
    """

    def __init__(self, client: Any = None, *, workers: int = 1) -> None:
        self.client = client
        self.workers = workers
        self.address: str | None = getattr(getattr(client, "scheduler", None), "address", None)
        self.dashboard: str | None = None
        if client is not None:
            try:
                self.dashboard = client.dashboard_link or None
            except Exception:  # no dashboard (bokeh not installed)
                self.dashboard = None

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
        raises here, after the calls still queued are cancelled.
        """
        items = list(items)
        if self.client is None:
            out = []
            for i, item in enumerate(items, start=1):
                out.append(fn(context, item))
                if progress:
                    progress(i, len(items))
            return out
        from distributed import as_completed

        # hash=False: a fresh key per map (the same context scattered again by the next map
        # under its content hash raced with the release of the first: "lost dependencies")
        ctx = self.client.scatter(context, broadcast=True, hash=False) if context is not None else None
        futures = [self.client.submit(fn, ctx, item, pure=False, retries=2) for item in items]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(items)
        try:
            for n, fut in enumerate(as_completed(futures), start=1):
                results[index[fut.key]] = fut.result()
                if progress:
                    progress(n, len(items))
        except BaseException:
            self.client.cancel(futures)
            raise
        return results


@contextmanager
def engine(
    jobs: int | None = None, scheduler: str | None = None, *, scenario: Any = None
) -> Iterator[Engine]:
    """An :class:`Engine` for the ``with`` block (see the module for where it runs)."""
    address = scheduler_address(scheduler, scenario)
    if address is None and (jobs or 1) <= 1:
        yield Engine()
        return
    from distributed import Client, LocalCluster

    if address is not None:
        with Client(address) as client:
            n = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
            yield Engine(client, workers=n)
        return
    n = int(jobs or 1)
    with (
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # any free port: 8787 may be taken by another cluster
        ) as cluster,
        Client(cluster) as client,
    ):
        yield Engine(client, workers=n)
