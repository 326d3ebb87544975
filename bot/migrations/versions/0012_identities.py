"""identities: a citizen has one identity per channel (channel, external id, address)

Existing Telegram citizens are carried over (their user id becomes the external id, their chat
the address); the citizen row keeps what is about the person (name, phone, e-mail, language).
Outbox rows are addressed by channel and address; other channels' idempotency keys get their
own table (Telegram keeps ``processed_update``).

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tickets.dbtypes

revision: str = "0012"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "citizen_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("created_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "external_id", name="uq_citizen_identity_channel"),
    )
    with op.batch_alter_table("citizen_identity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_citizen_identity_citizen_id"), ["citizen_id"], unique=False
        )
    op.execute(
        "INSERT INTO citizen_identity "
        "(citizen_id, channel, external_id, address, created_at, last_seen_at) "
        "SELECT id, 'telegram', CAST(telegram_user_id AS VARCHAR(128)), "
        "CAST(COALESCE(chat_id, telegram_user_id) AS VARCHAR(128)), created_at, last_seen_at "
        "FROM citizen WHERE telegram_user_id IS NOT NULL"
    )
    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizen_telegram_user_id"))
        batch_op.drop_column("telegram_user_id")
        batch_op.drop_column("chat_id")
        batch_op.add_column(
            sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True)
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "channel",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                server_default="telegram",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True)
        )
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=True)
    op.execute("UPDATE outbox SET address = CAST(chat_id AS VARCHAR(128))")

    op.create_table(
        "processed_message",
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("processed_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "key"),
    )
    with op.batch_alter_table("processed_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processed_message_processed_at"), ["processed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("processed_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_message_processed_at"))
    op.drop_table("processed_message")
    op.execute("DELETE FROM outbox WHERE chat_id IS NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_column("address")
        batch_op.drop_column("channel")
    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.drop_column("email")
        batch_op.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("telegram_user_id", sa.BigInteger(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_citizen_telegram_user_id"), ["telegram_user_id"], unique=True
        )
    op.execute(
        "UPDATE citizen SET "
        "telegram_user_id = (SELECT CAST(i.external_id AS BIGINT) FROM citizen_identity i "
        "WHERE i.citizen_id = citizen.id AND i.channel = 'telegram'), "
        "chat_id = (SELECT CAST(i.address AS BIGINT) FROM citizen_identity i "
        "WHERE i.citizen_id = citizen.id AND i.channel = 'telegram')"
    )
    with op.batch_alter_table("citizen_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizen_identity_citizen_id"))
    op.drop_table("citizen_identity")
