"""Recording runs: the one hook each kind of run goes through.

Where runs are recorded (one place per kind):

- a plan or programme: :func:`landopt.plan.solve` records it (``running`` → ``done``,
  ``infeasible`` for targets that cannot be met or a shortfall plan, ``failed``,
  ``interrupted`` for Ctrl-C), and :func:`landopt.plan.write_plan` adds the output folder
  and its files' SHA-256 to that run (the run id is ``Plan.run_id`` and ``run.json``'s
  ``run_id``);
- a sweep, calibration or comparison: :func:`landopt.analysis.sweep`, ``calibrate``,
  ``compare``; the CLI command that writes their files adds them with :func:`attach`;
- a year-by-year programme: :func:`landopt.rolling.plan_year_by_year`.

A run inside a recorded run (the solves of a year-by-year programme, the sweep of a
calibration) is part of it and not recorded again. A web app that records a run itself
opens :func:`recording` around its work, so the library's own hooks inside stay quiet.

The store is :func:`~landopt.store.default_store_url` (the scenario's ``[store] url``
first); ``LANDOPT_STORE=off`` records nothing. The store never fails a run: an error
reaching it is logged as a warning and the run carries on unrecorded.
"""

from __future__ import annotations

import contextvars
import logging
import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from landopt._hashing import file_sha256
from landopt.i18n import add_messages, t

__all__ = [
    "Recording",
    "attach",
    "current_origin",
    "finish_run",
    "last_run_id",
    "open_store",
    "recording",
    "reset_origin",
    "set_origin",
    "unrecorded",
    "update_run",
]

log = logging.getLogger(__name__)

add_messages(
    {
        "unrecorded": {
            "en": "the run was not recorded in the run store {url}: {message}",
            "zh": "本次运行未能记入运行记录库 {url}：{message}",
        },
    },
    prefix="store.",
)

#: Where runs of this context start: ``cli``, ``web``, … (``None``: ``api`` or ``notebook``).
_ORIGIN: contextvars.ContextVar[str | None] = contextvars.ContextVar("landopt_origin", default=None)
#: The run being recorded in this context (inner runs are part of it).
_ACTIVE: contextvars.ContextVar[Recording | None] = contextvars.ContextVar(
    "landopt_recording", default=None
)
#: The id of the last run recorded in this context.
_LAST: contextvars.ContextVar[str | None] = contextvars.ContextVar("landopt_last_run", default=None)

#: Open stores by (process, URL): a process opens (and migrates) each store once.
_STORES: dict[tuple[int, str], Any] = {}
#: Stores that could not be opened: (process, URL) → when to try again.
_FAILED: dict[tuple[int, str], float] = {}
#: Seconds before a store that could not be opened is tried again.
_RETRY_S = 60.0
#: The store each run recorded by this process went to (for :func:`update_run`).
_BY_RUN: dict[str, Any] = {}


def set_origin(origin: str | None) -> contextvars.Token[str | None]:
    """Say where the runs of this context start (``cli``, ``web``); returns the token to reset."""
    return _ORIGIN.set(origin)


def reset_origin(token: contextvars.Token[str | None]) -> None:
    """Put back the origin :func:`set_origin` replaced."""
    _ORIGIN.reset(token)


def current_origin() -> str:
    """``set_origin``'s value, else ``notebook`` inside a Jupyter kernel, else ``api``."""
    origin = _ORIGIN.get()
    if origin:
        return origin
    return "notebook" if "ipykernel" in sys.modules else "api"


def last_run_id() -> str | None:
    """The id of the last run recorded in this context (thread, task), or ``None``."""
    return _LAST.get()


def _warn(url: str, exc: BaseException) -> None:
    from landopt.store._store import safe_url

    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    log.warning(t("store.unrecorded", None, url=safe_url(url), message=message))


def open_store(url: str | None = None, scenario: Any = None) -> Any:
    """The :class:`~landopt.store.RunStore` for ``url`` (default: :func:`default_store_url`),
    opened once per process; ``None`` when recording is off or the store cannot be opened
    (logged as a warning)."""
    from landopt.store._store import RunStore, default_store_url, store_disabled

    if store_disabled():
        return None
    url = default_store_url(url, scenario)
    key = (os.getpid(), url)
    if key not in _STORES:
        if time.monotonic() < _FAILED.get(key, -1.0):
            return None  # it failed a moment ago: do not wait for it again on every run
        try:
            _STORES[key] = RunStore(url)
        except Exception as exc:
            _FAILED[key] = time.monotonic() + _RETRY_S
            _warn(url, exc)
            return None
    return _STORES[key]


class Recording:
    """A run being recorded: :meth:`update` adds to it, :meth:`finish` ends it.

    A recording that could not start (no store, a nested run) has ``run_id`` ``None`` and
    does nothing. No method raises: a store error is logged as a warning.
    """

    def __init__(self, store: Any = None, run_id: str | None = None) -> None:
        self.store = store
        self.run_id = run_id
        self.finished = False
        #: the status to end with when the block ends without a finish (a part's status)
        self.suggested = "done"

    def __bool__(self) -> bool:
        return self.run_id is not None

    def update(self, **values: Any) -> None:
        """Add to the run: ``out_dir``, ``outputs``, ``summary``, ``result``, ``inputs``, …"""
        if self.run_id is None:
            return
        try:
            self.store.update(self.run_id, **values)
        except Exception as exc:
            _warn(self.store.url, exc)

    def finish(self, status: str = "done", **values: Any) -> None:
        """End the run with ``status`` (and ``summary``, ``result``, ``error``, ``inputs``, …)."""
        if self.run_id is None or self.finished:
            return
        self.finished = True
        extra = {k: values.pop(k) for k in ("inputs", "scenario", "name") if k in values}
        try:
            if extra:
                self.store.update(self.run_id, **extra)
            self.store.finish(self.run_id, status=status, **values)
        except Exception as exc:
            _warn(self.store.url, exc)


class _Part(Recording):
    """A run inside a recorded run: what it records goes to the outer run, which ends it.

    Its summary, result and inputs are added to the outer run; its status becomes the
    outer run's when the outer block ends without a :meth:`~Recording.finish` of its own
    (a web app's run around :func:`landopt.solve` ends ``infeasible`` for a shortfall plan).
    """

    def __init__(self, outer: Recording) -> None:
        super().__init__(outer.store, outer.run_id)
        self.outer = outer

    def finish(self, status: str = "done", **values: Any) -> None:
        if self.run_id is None:
            return
        self.outer.update(**{k: v for k, v in values.items() if k != "error"})
        self.outer.suggested = status


def _status_of(exc: BaseException) -> str:
    from landopt.errors import TargetsUnmetError

    if isinstance(exc, TargetsUnmetError):
        return "infeasible"
    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
        return "interrupted"
    return "failed"


@contextmanager
def recording(
    kind: str,
    name: str = "",
    *,
    scenario: Any = None,
    inputs: Mapping[str, str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    url: str | None = None,
    origin: str | None = None,
    run_id: str | None = None,
) -> Iterator[Recording]:
    """Record the run done inside the block.

    It starts ``running`` now; leaving the block ends it ``done`` (unless the block called
    :meth:`Recording.finish`), an exception ends it ``infeasible``
    (:class:`~landopt.errors.TargetsUnmetError`), ``interrupted`` (Ctrl-C, SIGTERM) or
    ``failed`` (anything else, its message kept) and is raised on. Inside another
    recording, the block is part of that run: nothing new is recorded, and what the inner
    block records (summary, result, inputs; a plan's id and output folder) goes to the
    outer run.

    ``scenario`` is a :class:`~landopt.Scenario` (recorded as its TOML-shaped dict; its
    ``[store] url`` picks the store) or a dict. ``run_id``: a run already started in the
    store at ``url`` (by :meth:`~landopt.store.RunStore.start`, e.g. a web app's queued
    run) that this block carries on and ends, instead of a new one::

        run_id = store.start(kind="plan", name=sc.name, scenario=sc.to_dict(), origin="web")
        with recording("plan", run_id=run_id, url=store.url):
            write_plan(landopt.solve(sc), out)   # status, summary, outputs: that run's
    """
    outer = _ACTIVE.get()
    if outer is not None:
        yield _Part(outer)
        return
    rec = Recording()
    _LAST.set(None)
    store = None
    try:
        as_dict = scenario.to_dict() if hasattr(scenario, "to_dict") else scenario
        store = open_store(url, scenario if hasattr(scenario, "to_dict") else None)
        if store is not None and run_id is not None:
            store.get(run_id)  # it exists (StoreError otherwise: warned, not recorded)
            rec = Recording(store, run_id)
            _LAST.set(run_id)
            _BY_RUN[run_id] = store
        elif store is not None:
            rec = Recording(
                store,
                store.start(
                    kind=kind,
                    name=name,
                    scenario=as_dict,
                    inputs=inputs,
                    origin=origin or current_origin(),
                    out_dir=os.fspath(out_dir) if out_dir is not None else None,
                ),
            )
            _LAST.set(rec.run_id)
            _BY_RUN[rec.run_id] = store
    except Exception as exc:
        _warn(store.url if store is not None else url or "", exc)
        rec = Recording()
    token = _ACTIVE.set(rec)
    try:
        yield rec
    except BaseException as exc:
        rec.finish(_status_of(exc), error=str(exc) or type(exc).__name__)
        raise
    else:
        rec.finish(rec.suggested)
    finally:
        _ACTIVE.reset(token)


@contextmanager
def unrecorded() -> Iterator[None]:
    """Record nothing inside the block: the solves of a run recorded elsewhere (the districts
    of a plan-many, solved on workers that are other processes) are part of that run."""
    token = _ACTIVE.set(Recording())
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def update_run(run_id: str | None, **values: Any) -> None:
    """Add to a run this process recorded (``out_dir``, ``outputs``, …); never raises."""
    store = _BY_RUN.get(run_id or "")
    if store is not None:
        Recording(store, run_id).update(**values)


def finish_run(run_id: str | None, status: str, **values: Any) -> None:
    """End (or re-end) a run this process recorded; never raises."""
    store = _BY_RUN.get(run_id or "")
    if store is not None:
        Recording(store, run_id).finish(status, **values)



def attach(
    run_id: str | None, out_dir: str | os.PathLike[str], files: Iterable[str | os.PathLike[str]]
) -> None:
    """Add an output folder and its files (name → SHA-256) to a run this process recorded.

    For the commands that write the files of a sweep, calibration or comparison after the
    run; does nothing for ``run_id`` ``None``; never raises.
    """
    if run_id is None or run_id not in _BY_RUN:
        return
    try:
        out = Path(out_dir).resolve()
        paths = [out / Path(f).name for f in files]
        outputs = {p.name: file_sha256(p) for p in paths if p.is_file()}
    except OSError as exc:
        _warn(_BY_RUN[run_id].url, exc)
        return
    update_run(run_id, out_dir=str(out), outputs=outputs)
