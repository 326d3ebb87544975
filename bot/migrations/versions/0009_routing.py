"""routing: route_lesson (what transfers and citizens' corrections teach the router)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tickets.dbtypes

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "route_lesson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("from_department", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("to_department", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("route_lesson", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_route_lesson_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("route_lesson", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_route_lesson_created_at"))
    op.drop_table("route_lesson")
