"""The run store's tables (SQLAlchemy Core), as the newest migration leaves them.

The migrations in :mod:`landopt.store.migrations.versions` create and change the tables;
this module describes the head revision for the queries of :mod:`landopt.store._store`.
Change both together (docs/architecture.md, "The run store").
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["HEAD", "metadata", "runs"]

#: The revision this code reads and writes (the newest file in ``migrations/versions``).
HEAD = "0001"

metadata = sa.MetaData()

#: One row per run: what was asked, what came of it, where its outputs are.
runs = sa.Table(
    "landopt_runs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("name", sa.Text, nullable=False, default=""),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("username", sa.String(255)),
    sa.Column("origin", sa.String(16), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("scenario", sa.JSON),
    sa.Column("inputs", sa.JSON),
    sa.Column("summary", sa.JSON),
    sa.Column("result", sa.JSON),
    sa.Column("out_dir", sa.Text),
    sa.Column("outputs", sa.JSON),
    sa.Column("error", sa.Text),
    sa.Column("landopt_version", sa.String(64)),
    sa.Index("ix_landopt_runs_started_at", "started_at"),
    sa.Index("ix_landopt_runs_status", "status"),
    sa.Index("ix_landopt_runs_kind", "kind"),
)
