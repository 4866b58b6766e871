"""``landopt serve``: the planners' web app.

:func:`create_app` builds the ASGI app (FastAPI) over a data folder::

    DATA/layers/<id>/   an uploaded parcel layer, its mapping and its scenario form
    DATA/runs/<run_id>/ scenario.toml and the plan folder the run wrote (plan/)
    DATA/users.json     accounts (salted scrypt hashes, mode 600)
    DATA/secret.key     the key sessions and CSRF tokens are signed with (mode 600)

The run history is the run store's (:mod:`landopt.store`): every web run is a row with
origin ``web``, ``queued`` until its process starts. Modules: :mod:`~landopt.web.app`
(routes, security headers), :mod:`~landopt.web.jobs` (the queue, one process per run),
:mod:`~landopt.web.auth` (accounts, sessions, CSRF), :mod:`~landopt.web.uploads` (size,
type and zip safety), :mod:`~landopt.web.layers` (validation and mapping),
:mod:`~landopt.web.scenario_form` (the scenario form and its problems).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from landopt.errors import InputError

__all__ = ["LOOPBACK", "create_app", "default_data_dir", "is_loopback"]

log = logging.getLogger(__name__)

#: Addresses that only this machine can reach.
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    return host.strip("[]").lower() in LOOPBACK


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/landopt/web`` (default ``~/.local/share/landopt/web``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "landopt" / "web"


def create_app(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    auth: bool = False,
    jobs: int = 1,
    max_upload: int | None = None,
    store_url: str | None = None,
    scheduler: str | None = None,
) -> Any:
    """The web app (a FastAPI/ASGI app) over ``data_dir``.

    Runs that a previous server on this data folder left ``queued`` or ``running`` are
    marked ``interrupted`` now. The worker threads start with the app (its lifespan).

    Parameters
    ----------
    data_dir
        The data folder (default :func:`default_data_dir`); created if needed.
    auth
        Require a signed-in account on every page but ``/login``.
    jobs
        Runs solving at once.
    max_upload
        Largest upload in bytes (default 200 MB).
    store_url
        The run store (default: ``LANDOPT_STORE_URL``, else the user's SQLite file).
    scheduler
        A Dask scheduler's address (``tcp://HOST:PORT``): each run solves on its workers
        instead of in a process of this machine. The data folder (its ``runs``) and a
        SQLite run store must be on a filesystem the workers see at the same path.

    Raises
    ------
    InputError
        The run store cannot be opened (the web app keeps its history there), or recording
        is off (``LANDOPT_STORE=off``).
    """
    from landopt.i18n import t
    from landopt.store import RunStore
    from landopt.store._store import default_store_url, store_disabled
    from landopt.web import (
        _messages,  # noqa: F401
        uploads,
    )
    from landopt.web.app import WebConfig, build_app
    from landopt.web.jobs import mark_interrupted_runs

    if store_disabled():
        raise InputError(t("web.store_off", None))
    data = Path(data_dir) if data_dir is not None else default_data_dir()
    data.mkdir(parents=True, exist_ok=True)
    lock = _lock_folder(data)
    try:
        store = RunStore(default_store_url(store_url))
        mark_interrupted_runs(store, data / "runs")
        config = WebConfig(
            data,
            auth=auth,
            jobs=jobs,
            scheduler=scheduler,
            max_upload=max_upload if max_upload is not None else uploads.DEFAULT_MAX_BYTES,
        )
        app = build_app(config, store)
    except BaseException:
        lock.close()
        raise
    app.state.web.lock = lock
    return app


def _lock_folder(data: Path) -> Any:
    """Hold ``DATA/server.lock`` for the app's life: one server per data folder (a second
    one would take the first one's runs for unfinished ones and mark them interrupted).

    Raises
    ------
    InputError
        Another server holds the folder.
    """
    import fcntl

    from landopt.errors import Problem
    from landopt.i18n import t

    f = open(data / "server.lock", "a+b")  # held open: the lock lives as long as the file
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        raise InputError(
            str(
                Problem(
                    str(data),
                    "",
                    t("web.folder_in_use", None),
                    t("web.folder_in_use.fix", None),
                )
            )
        ) from None
    return f
