"""Schema migrations (Alembic), usable from the CLI, at start-up and in tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Dialect-specific search objects the migrations create and the models do not declare
# (migration 0011): SQLite's FTS5 table (and its shadow tables), PostgreSQL's trigram and
# bigram indexes.
SEARCH_TABLE_PREFIX = "ticket_fts"
SEARCH_INDEXES = frozenset(
    (
        "ix_ticket_number_trgm",
        "ix_ticket_text_trgm",
        "ix_ticket_text_bigram",
        "ix_citizen_name_trgm",
        "ix_citizen_phone_trgm",
    )
)


def include_name(name: str | None, type_: str, _parent_names: object = None) -> bool:
    """Alembic's ``include_name``: leave the search objects out of schema comparisons."""
    if name is None:
        return True
    if type_ == "table" and name.startswith(SEARCH_TABLE_PREFIX):
        return False
    return not (type_ == "index" and name in SEARCH_INDEXES)


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _upgrade(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` on an engine (inside a running loop)."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def is_up_to_date(engine: AsyncEngine) -> bool:
    return await current_revision(engine) == head_revision()
