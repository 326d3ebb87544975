"""web console: sign-in links, sessions, FAQ feedback, ticket search and report indexes

Search: on SQLite an FTS5 table (trigram tokenizer: substrings, Chinese included) over the
ticket's number and text, kept in sync by triggers; on PostgreSQL pg_trgm GIN indexes for
``ILIKE '%...%'`` on the ticket's number and text and the citizen's name and phone, and a
GIN index on the text's letter pairs (``cd_bigrams``) for two-letter searches. These
objects are dialect-specific, so the models do not declare them (``bot.migrate.include_name``
leaves them out of the schema comparison).

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tickets.dbtypes

revision: str = "0011"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# name, table, columns: plain indexes for the console's reports and filters (both databases)
_INDEXES = (
    ("ix_ticket_created_at", "ticket", ["created_at"]),
    ("ix_ticket_closed_at", "ticket", ["closed_at"]),
    ("ix_ticket_resolution_due_at", "ticket", ["resolution_due_at"]),
    ("ix_ticket_event_kind_at", "ticket_event", ["kind", "at"]),
)

_SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE ticket_fts USING fts5(number, text, content='ticket', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER ticket_fts_ai AFTER INSERT ON ticket BEGIN "
    "INSERT INTO ticket_fts(rowid, number, text) VALUES (new.id, new.number, new.text); END",
    "CREATE TRIGGER ticket_fts_ad AFTER DELETE ON ticket BEGIN "
    "INSERT INTO ticket_fts(ticket_fts, rowid, number, text) "
    "VALUES ('delete', old.id, old.number, old.text); END",
    "CREATE TRIGGER ticket_fts_au AFTER UPDATE OF number, text ON ticket BEGIN "
    "INSERT INTO ticket_fts(ticket_fts, rowid, number, text) "
    "VALUES ('delete', old.id, old.number, old.text); "
    "INSERT INTO ticket_fts(rowid, number, text) VALUES (new.id, new.number, new.text); END",
    "INSERT INTO ticket_fts(ticket_fts) VALUES ('rebuild')",
)
_SQLITE_SEARCH_DOWN = (
    "DROP TRIGGER IF EXISTS ticket_fts_au",
    "DROP TRIGGER IF EXISTS ticket_fts_ad",
    "DROP TRIGGER IF EXISTS ticket_fts_ai",
    "DROP TABLE IF EXISTS ticket_fts",
)
# name, table, column
_PG_TRIGRAM = (
    ("ix_ticket_number_trgm", "ticket", "number"),
    ("ix_ticket_text_trgm", "ticket", "text"),
    ("ix_citizen_name_trgm", "citizen", "display_name"),
    ("ix_citizen_phone_trgm", "citizen", "phone"),
)


# Two-letter searches (路灯, 社保: the commonest Chinese words) are beyond trigrams: an index on
# the text's letter pairs answers them.
_PG_BIGRAMS = (
    # COST: computing the pairs row by row is far dearer than the planner's default guess.
    "CREATE FUNCTION cd_bigrams(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT "
    "PARALLEL SAFE COST 5000 AS $$ SELECT coalesce(string_agg(substr(value, i, 2), ' '), '') "
    "FROM generate_series(1, char_length(value) - 1) AS i $$",
    "CREATE INDEX ix_ticket_text_bigram ON ticket "
    "USING gin (to_tsvector('simple', cd_bigrams(text)))",
)


def upgrade() -> None:
    op.create_table(
        "console_login",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("console_login", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_console_login_token_hash"), ["token_hash"], unique=True
        )

    op.create_table(
        "console_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("csrf_token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("console_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_console_session_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_console_session_telegram_user_id"), ["telegram_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_console_session_token_hash"), ["token_hash"], unique=True
        )

    op.create_table(
        "faq_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("at", tickets.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("faq_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faq_feedback_at"), ["at"], unique=False)
        batch_op.create_index("ix_faq_feedback_entry_at", ["entry_id", "at"], unique=False)

    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns, unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_SEARCH:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in _PG_TRIGRAM:
            op.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)")
        for statement in _PG_BIGRAMS:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_SEARCH_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_ticket_text_bigram")
        op.execute("DROP FUNCTION IF EXISTS cd_bigrams(text)")
        for name, _table, _column in reversed(_PG_TRIGRAM):
            op.execute(f"DROP INDEX IF EXISTS {name}")
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("faq_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_faq_feedback_entry_at")
        batch_op.drop_index(batch_op.f("ix_faq_feedback_at"))
    op.drop_table("faq_feedback")
    with op.batch_alter_table("console_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_console_session_token_hash"))
        batch_op.drop_index(batch_op.f("ix_console_session_telegram_user_id"))
        batch_op.drop_index(batch_op.f("ix_console_session_expires_at"))
    op.drop_table("console_session")
    with op.batch_alter_table("console_login", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_console_login_token_hash"))
    op.drop_table("console_login")
