"""Alembic migrations of the run store, run by :class:`landopt.store.RunStore` on open."""
