"""webchat: web chat visitors, their event streams (per-visitor ids), uploaded photos and the
shared signing key

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

import tickets.dbtypes

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "webchat_visitor",
        sa.Column("visitor_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("visitor_id"),
    )
    op.create_table(
        "webchat_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("visitor_id", "seq", name="uq_webchat_event_seq"),
        sa.UniqueConstraint("outbox_id"),
    )
    op.create_table(
        "webchat_file",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("mime", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "webchat_key",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("created_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("webchat_key")
    op.drop_table("webchat_file")
    op.drop_table("webchat_event")
    op.drop_table("webchat_visitor")
