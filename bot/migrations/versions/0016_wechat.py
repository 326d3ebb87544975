"""wechat: the official account's followers (48-hour window, unsubscribed, numbered options)
and its access token shared by every instance

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

import tickets.dbtypes

revision: str = "0016"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wechat_follower",
        sa.Column("openid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("subscribed", sa.Boolean(), nullable=False),
        sa.Column("last_interaction_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("updated_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("openid"),
    )
    op.create_table(
        "wechat_token",
        sa.Column("app_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=True),
        sa.Column("expires_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refreshing_until", tickets.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("app_id"),
    )


def downgrade() -> None:
    op.drop_table("wechat_token")
    op.drop_table("wechat_follower")
