"""The run store: every run's record in a database (SQLite by default, PostgreSQL if set).

::

    from landopt.store import RunStore

    store = RunStore()                      # default_store_url(): the user's runs.sqlite
    run_id = store.start(kind="plan", name="2023", scenario=sc.to_dict(), origin="api")
    store.finish(run_id, status="done", summary=rows, out_dir="out", outputs={...})
    store.get(run_id[:8]).status            # 'done'
    store.list(kind="plan", limit=20)       # newest first

The URL is, in order: an explicit one, the scenario's ``[store] url``, ``LANDOPT_STORE_URL``,
else ``sqlite:///$XDG_DATA_HOME/landopt/runs.sqlite`` (``~/.local/share/landopt``);
``LANDOPT_STORE=off`` records nothing. Passwords in a URL are never stored or logged.

Where things are: :mod:`~landopt.store._tables` (the tables at head),
:mod:`~landopt.store._store` (:class:`RunStore`, opening and migrating),
``migrations/`` (Alembic: ``env.py`` and one file per revision in ``versions/``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from landopt.store._store import (
        KINDS,
        ORIGINS,
        STATUSES,
        RunRecord,
        RunStore,
        StoreError,
        default_store_url,
        safe_url,
        store_disabled,
    )

__all__ = [
    "KINDS",
    "ORIGINS",
    "STATUSES",
    "RunRecord",
    "RunStore",
    "StoreError",
    "default_store_url",
    "safe_url",
    "store_disabled",
]


def __getattr__(name: str) -> Any:
    """The store's names, imported on first use: SQLAlchemy is not loaded by a command
    (or a library call) that never opens the store."""
    if name in __all__:
        from landopt.store import _store

        return getattr(_store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
