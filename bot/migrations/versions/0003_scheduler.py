"""scheduler: ticket_alert, scheduler_mark and partial indexes for the sweeps

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tickets.dbtypes

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PARTIAL = (
    ("ix_ticket_sweep_active", "next_reminder_at", "status IN ('new', 'in_progress')"),
    ("ix_ticket_sweep_answered", "answered_at", "status = 'answered'"),
    ("ix_ticket_sweep_closed", "closed_at", "status = 'closed'"),
)


def upgrade() -> None:
    op.create_table(
        "ticket_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("alert", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("created_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "deadline", "alert", name="uq_ticket_alert"),
    )
    with op.batch_alter_table("ticket_alert", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ticket_alert_alert_created", ["alert", "created_at"], unique=False
        )

    op.create_table(
        "scheduler_mark",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )

    for name, column, where in _PARTIAL:
        op.create_index(
            name,
            "ticket",
            [column],
            unique=False,
            postgresql_where=sa.text(where),
            sqlite_where=sa.text(where),
        )


def downgrade() -> None:
    for name, _column, _where in reversed(_PARTIAL):
        op.drop_index(name, table_name="ticket")
    op.drop_table("scheduler_mark")
    with op.batch_alter_table("ticket_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_alert_alert_created")
    op.drop_table("ticket_alert")
