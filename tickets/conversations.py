"""Conversations in progress, stored in the database (``conversation_state``).

The rows hold what a conversation needs between two messages (the step of a request form,
its draft, the recent questions behind a "did this help?" button). The channel adapter
(``bot/fsm.py`` for aiogram) names each conversation by a ``key`` and writes it in the same
transaction as the update that changed it, so a restart loses nothing and a rolled-back
update leaves the conversation as it was.

Writes are conditional on the version read by the update: two updates of one conversation
running at once (possible on PostgreSQL) cannot both win, the second one finds a conflict and
runs again on the state the first one left. Everything here takes the caller's session and
commits nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import ConversationState

__all__ = [
    "Conversation",
    "delete_conversation_state",
    "load_conversation",
    "prune_conversations",
    "save_conversation",
    "set_conversation_field",
]

_TABLE = ConversationState.__table__  # type: ignore[attr-defined]
_C = _TABLE.c


@dataclass(frozen=True)
class Conversation:
    """A stored conversation as read: its state, data and version."""

    state: str | None
    data: dict[str, Any]
    version: int


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


# The statements of the hot path (every update reads its conversation, many write it), built
# once: the values go in as parameters (cheaper than a statement rebuilt around them).
_LOAD = select(_C.state, _C.data, _C.version).where(_C.key == bindparam("k"))
_SAME_VERSION = and_(_C.key == bindparam("k"), _C.version == bindparam("read_version"))
_UPDATE = (
    update(_TABLE)
    .where(_SAME_VERSION)
    .values(
        state=bindparam("new_state"),
        data=bindparam("new_data", type_=_C.data.type),
        version=bindparam("new_version"),
        updated_at=bindparam("now", type_=_C.updated_at.type),
    )
)
_DELETE = delete(_TABLE).where(_SAME_VERSION)
_INSERT_NEW = {
    "postgresql": pg_insert(_TABLE).on_conflict_do_nothing(index_elements=["key"]),
    "sqlite": sqlite_insert(_TABLE).on_conflict_do_nothing(index_elements=["key"]),
}


async def load_conversation(session: AsyncSession, key: str) -> Conversation | None:
    """The conversation stored under ``key``, None when there is none."""
    row = (await session.exec(_LOAD, params={"k": key})).first()
    if row is None:
        return None
    return Conversation(row.state, dict(row.data or {}), int(row.version))


async def save_conversation(
    session: AsyncSession,
    key: str,
    *,
    chat_id: int,
    user_id: int,
    state: str | None,
    data: dict[str, Any],
    read: Conversation | None,
    now: datetime,
) -> bool:
    """Store ``state`` and ``data`` under ``key`` if it is still as ``read`` (None: absent).

    A conversation with no state and no data is deleted (aiogram's ``clear()``). False when
    another transaction changed the conversation since it was read (nothing written then).
    """
    if state is None and not data:
        if read is None:
            return True  # nothing stored, nothing to store
        params: dict[str, Any] = {"k": key, "read_version": read.version}
        result = await session.exec(_DELETE, params=params)
        if result.rowcount:
            return True
        # Not deleted: a conflict if another update changed it, but cleared all the same if
        # it is gone (an erasure earlier in this update deleted it).
        return await load_conversation(session, key) is None
    stmt: Any
    if read is None:
        dialect = session.get_bind().dialect.name
        stmt = _INSERT_NEW.get(dialect)
        if stmt is None:  # a clause has no truth value: no `or` here
            stmt = _insert(session)(_TABLE).on_conflict_do_nothing(index_elements=["key"])
        params = {
            "key": key,
            "chat_id": chat_id,
            "user_id": user_id,
            "state": state,
            "data": data,
            "version": 1,
            "updated_at": now,
        }
    else:
        stmt = _UPDATE
        params = {
            "k": key,
            "read_version": read.version,
            "new_state": state,
            "new_data": data,
            "new_version": read.version + 1,
            "now": now,
        }
    result = await session.exec(stmt, params=params)
    return bool(result.rowcount)


async def set_conversation_field(
    session: AsyncSession,
    key: str,
    *,
    chat_id: int,
    user_id: int,
    now: datetime,
    **value: Any,
) -> None:
    """Set ``state=...`` or ``data=...`` whatever the stored version (a write that read
    nothing first: outside an update, or a conversation the update did not load)."""
    (column,) = value
    if column not in ("state", "data"):
        raise ValueError(f"not a conversation field: {column}")
    row: dict[str, Any] = {"state": None, "data": {}}
    row.update(value)
    stmt = (
        _insert(session)(ConversationState)
        .values(key=key, chat_id=chat_id, user_id=user_id, version=1, updated_at=now, **row)
        .on_conflict_do_update(
            index_elements=["key"],
            set_={column: value[column], "version": _C.version + 1, "updated_at": now},
        )
    )
    await session.exec(stmt)


async def delete_conversation_state(
    session: AsyncSession, *, chat_id: int | None = None, user_id: int | None = None
) -> int:
    """Delete every conversation in ``chat_id`` or with ``user_id`` (a citizen's erasure);
    returns how many rows went."""
    conditions = []
    if chat_id is not None:
        conditions.append(_C.chat_id == chat_id)
    if user_id is not None:
        conditions.append(_C.user_id == user_id)
    if not conditions:
        raise ValueError("give chat_id or user_id")
    result = await session.exec(delete(ConversationState).where(or_(*conditions)))
    return int(result.rowcount or 0)


async def prune_conversations(session: AsyncSession, before: datetime) -> int:
    """Delete the conversations nobody touched since ``before``; returns how many."""
    result = await session.exec(delete(ConversationState).where(_C.updated_at < before))
    return int(result.rowcount or 0)
