"""The runs table.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "landopt_runs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
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
    )
    op.create_index("ix_landopt_runs_started_at", "landopt_runs", ["started_at"])
    op.create_index("ix_landopt_runs_status", "landopt_runs", ["status"])
    op.create_index("ix_landopt_runs_kind", "landopt_runs", ["kind"])


def downgrade() -> None:
    op.drop_table("landopt_runs")
