"""announcements: subscriptions to the departments file's topics, announcements, one delivery
row per recipient, and the outbox's priority (announcements go after replies)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-12 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tickets.dbtypes

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString
_T = tickets.dbtypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("priority", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index("ix_outbox_priority_id", ["priority", "id"], unique=False)
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("topic", _S(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("lang", _S(length=8), nullable=True),
        sa.Column("created_at", _T(timezone=True), nullable=False),
        sa.Column("updated_at", _T(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("citizen_id", "topic", name="uq_subscription_citizen_topic"),
    )
    op.create_index("ix_subscription_citizen_id", "subscription", ["citizen_id"], unique=False)
    op.create_index(
        "ix_subscription_topic_active_id", "subscription", ["topic", "active", "id"], unique=False
    )
    op.create_table(
        "announcement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", _S(length=64), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=True),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column("photo_file_id", _S(length=255), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("not_before", _T(timezone=True), nullable=True),
        sa.Column("author", _S(length=64), nullable=False),
        sa.Column("author_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("author_lang", _S(length=8), nullable=True),
        sa.Column("status", _S(length=16), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_at", _T(timezone=True), nullable=False),
        sa.Column("started_at", _T(timezone=True), nullable=True),
        sa.Column("finished_at", _T(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_announcement_topic", "announcement", ["topic"], unique=False)
    op.create_index("ix_announcement_status", "announcement", ["status"], unique=False)
    op.create_table(
        "announcement_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("state", _S(length=16), nullable=False),
        sa.Column("updated_at", _T(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcement.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "announcement_id", "citizen_id", name="uq_delivery_announcement_citizen"
        ),
    )
    op.create_index(
        "ix_announcement_delivery_citizen_id", "announcement_delivery", ["citizen_id"], unique=False
    )
    op.create_index(
        "ix_delivery_announcement_state",
        "announcement_delivery",
        ["announcement_id", "state"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("announcement_delivery")
    op.drop_table("announcement")
    op.drop_table("subscription")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_priority_id")
        batch_op.drop_column("priority")
