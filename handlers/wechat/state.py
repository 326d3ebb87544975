"""What the WeChat channel keeps in the database, all in the caller's transaction.

* The follower (:class:`~tickets.models.WeChatFollower`): whether they follow the account, when
  they last interacted (the 48-hour window of customer-service messages) and the numbered
  options of the last message with choices they were shown.
* Their conversation: the dialogue's typed state in ``conversation_state`` under
  ``wechat:<openid>`` (written only if nobody changed it since it was read).
* The messages handled (``processed_message``, channel ``wechat``): a retried callback is
  recognised by its key.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.dialogue.state import Conversation
from tickets.conversations import Conversation as Stored
from tickets.conversations import load_conversation, save_conversation
from tickets.models import CitizenIdentity, Outbox, ProcessedMessage, WeChatFollower

__all__ = [
    "CHANNEL",
    "WINDOW",
    "ConversationConflict",
    "conversation_key",
    "follower",
    "in_window",
    "load_state",
    "passive_row",
    "record_message",
    "save_state",
    "set_options",
    "touch",
    "unsubscribe",
]

CHANNEL = "wechat"
# Customer-service messages are allowed for 48 hours after the follower's last interaction;
# the margin keeps the desk on the safe side of WeChat's clock.
WINDOW = timedelta(hours=48) - timedelta(minutes=5)


class ConversationConflict(Exception):
    """Another message of the same follower changed the conversation meanwhile: run again."""


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def conversation_key(openid: str) -> str:
    return f"{CHANNEL}:{openid}"


async def record_message(session: AsyncSession, key: str, kind: str, now: datetime) -> bool:
    """Record a message's key; False when it was recorded before (a retry). On PostgreSQL an
    insert of a key another transaction is inserting waits for that one to end."""
    stmt = (
        _insert(session)(ProcessedMessage)
        .values(channel=CHANNEL, key=key[:128], kind=kind[:32], processed_at=now)
        .on_conflict_do_nothing(index_elements=["channel", "key"])
    )
    result = await session.exec(stmt)
    return bool(result.rowcount)


async def follower(session: AsyncSession, openid: str) -> WeChatFollower | None:
    return await session.get(WeChatFollower, openid)


async def touch(session: AsyncSession, openid: str, now: datetime, *, interactive: bool) -> None:
    """The follower wrote (or clicked, scanned, followed): they follow the account and, for an
    interaction, the 48-hour window opens again."""
    values: dict[str, Any] = {"subscribed": True, "unsubscribed_at": None, "updated_at": now}
    if interactive:
        values["last_interaction_at"] = now
    stmt = (
        _insert(session)(WeChatFollower)
        .values(openid=openid, options={}, **values)
        .on_conflict_do_update(index_elements=["openid"], set_=values)
    )
    await session.exec(stmt)


async def unsubscribe(session: AsyncSession, openid: str, now: datetime) -> None:
    """The follower left: nothing is sent to them any more, and their WeChat identity no
    longer counts as a way to reach them (the ticket service uses another one, or none)."""
    values = {"subscribed": False, "unsubscribed_at": now, "options": {}, "updated_at": now}
    stmt = (
        _insert(session)(WeChatFollower)
        .values(openid=openid, **values)
        .on_conflict_do_update(index_elements=["openid"], set_=values)
    )
    await session.exec(stmt)
    await session.exec(
        update(CitizenIdentity)
        .where(col(CitizenIdentity.channel) == CHANNEL, col(CitizenIdentity.external_id) == openid)
        .values(address=None)
        .execution_options(synchronize_session=False)
    )


async def set_options(
    session: AsyncSession, openid: str, options: dict[str, str], now: datetime
) -> None:
    """The numbered options of the message being delivered (an existing follower only: an
    erased one is not written again)."""
    await session.exec(
        update(WeChatFollower)
        .where(col(WeChatFollower.openid) == openid)
        .values(options=options, updated_at=now)
        .execution_options(synchronize_session=False)
    )


async def set_lang(session: AsyncSession, openid: str, lang: str, now: datetime) -> None:
    """The language the follower was last answered in (WeChat's messages carry none)."""
    await session.exec(
        update(WeChatFollower)
        .where(
            col(WeChatFollower.openid) == openid,
            col(WeChatFollower.lang).is_distinct_from(lang[:8]),
        )
        .values(lang=lang[:8], updated_at=now)
        .execution_options(synchronize_session=False)
    )


def in_window(row: WeChatFollower | None, now: datetime) -> bool:
    """Whether a customer-service message may go to this follower now."""
    if row is None:
        return True  # unknown (erased): WeChat itself decides (45015 outside the window)
    last = row.last_interaction_at
    return row.subscribed and last is not None and now - last <= WINDOW


async def load_state(session: AsyncSession, openid: str) -> tuple[Conversation, Stored | None]:
    stored = await load_conversation(session, conversation_key(openid))
    if stored is None:
        return Conversation(), None
    return Conversation.load(stored.state, stored.data), stored


async def save_state(
    session: AsyncSession,
    openid: str,
    conversation: Conversation,
    read: Stored | None,
    now: datetime,
) -> None:
    step, data = conversation.dump()
    if read is not None and (read.state, read.data) == (step, data):
        return  # unchanged
    ok = await save_conversation(
        session,
        conversation_key(openid),
        chat_id=0,
        user_id=0,
        state=step,
        data=data,
        read=read,
        now=now,
    )
    if not ok:
        raise ConversationConflict(openid)


def passive_key(key: str, index: int) -> str:
    return f"wx:{key}:{index}"


async def passive_row(session: AsyncSession, key: str) -> Outbox | None:
    """The first answer to message ``key`` when it was given as the passive reply."""
    stmt = select(Outbox).where(
        col(Outbox.dedupe_key) == passive_key(key, 0), col(Outbox.method) == "passive"
    )
    return (await session.exec(stmt)).first()
