"""Alembic's environment for the run store: migrate the connection the store hands over.

:func:`landopt.store._store.migrate` puts an open connection (inside the transaction that
holds the store's migration lock) in ``config.attributes["connection"]``; nothing is read
from an ``alembic.ini`` or the working directory.
"""

from __future__ import annotations

from alembic import context

from landopt.store._tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table="landopt_store_version",
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
)
with context.begin_transaction():
    context.run_migrations()
