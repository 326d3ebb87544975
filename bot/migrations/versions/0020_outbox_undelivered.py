"""outbox: partial indexes over the undelivered rows (the sender's claim plans well on them
even before the statistics catch up with a broadcast)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNDELIVERED = "status IN ('pending', 'sending')"
INDEXES = {
    "ix_outbox_undelivered_chat": ["chat_id", "id"],
    "ix_outbox_undelivered_address": ["channel", "address", "id"],
    "ix_outbox_undelivered_due": ["channel", "priority", "id"],
}


def upgrade() -> None:
    where = sa.text(UNDELIVERED)
    for name, columns in INDEXES.items():
        op.create_index(
            name, "outbox", columns, unique=False, postgresql_where=where, sqlite_where=where
        )


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="outbox")
