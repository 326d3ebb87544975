"""The outbox table's writer: every message to send is queued with the state change that
causes it, in the caller's transaction, and delivered after commit by a sender
(:mod:`bot.outbox`).

* :func:`enqueue` adds an :class:`~tickets.models.Outbox` row to the caller's session; it is
  committed (or rolled back) with everything else in that transaction. The domain does not
  call it: it raises events (:mod:`tickets.notify`), and the interaction layer's one writer
  (``handlers.notify.outbox.write``) renders and queues them through it.
* Privacy: a row may name the citizen whose personal data it carries (``citizen_id``), so
  erasing them deletes it (:mod:`tickets.erasure`); a ``transient`` row is deleted instead of
  being marked sent or failed; :func:`prune` deletes sent and failed rows after the retention
  period (``OUTBOX_RETENTION_DAYS``), since their payloads copy personal data.
* :func:`backlog` counts what is not delivered yet (``/metrics``, ``/healthz``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.clock import SystemClock
from tickets.models import Outbox

__all__ = [
    "FAILED",
    "PENDING",
    "PRIORITY_BULK",
    "PRIORITY_NORMAL",
    "SENDING",
    "SENT",
    "UNDELIVERED",
    "backlog",
    "enqueue",
    "prune",
]

log = logging.getLogger(__name__)

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
UNDELIVERED = (PENDING, SENDING)

# The sender claims lower numbers first: replies and staff traffic (0) before bulk traffic
# (announcements), so a broadcast never delays a citizen's answer.
PRIORITY_NORMAL = 0
PRIORITY_BULK = 10

_REF_MAX = 64
_DEDUPE_MAX = 128


# --- queueing -----------------------------------------------------------------------------


def _utcnow() -> datetime:
    return SystemClock().now()


_OUTBOX = Outbox.__table__  # type: ignore[attr-defined]
_OUTBOX_INSERT = _OUTBOX.insert()


async def enqueue(
    session: AsyncSession,
    chat_id: int | None,
    method: str,
    payload: dict[str, Any] | None = None,
    *,
    ref: str | None = None,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
    now: datetime | None = None,
    citizen_id: int | None = None,
    transient: bool = False,
    channel: str = "telegram",
    address: str | None = None,
    priority: int = PRIORITY_NORMAL,
) -> Outbox | None:
    """Queue one message in the caller's transaction (nothing is committed here).

    A row is addressed by ``channel`` and ``address``. For Telegram (the default) ``chat_id``
    is the address (the payload gets it set) and ``method`` the Bot API method; other channels
    give ``address`` (``chat_id`` None) and their own ``method`` names, and their sender reads
    the payload. ``citizen_id``: the citizen whose personal data the
    payload carries (their erasure deletes the row; rows to their own chat are found by chat
    anyway). ``transient``: delete the row once delivered or failed for good. ``not_before``
    (later than ``now``) delays the row; it joins its chat's order only then, so rows queued
    after it for now go out first. ``priority``: lower goes first (:data:`PRIORITY_BULK` for
    announcements; a row never waits behind a bulk row of its chat). With a ``dedupe_key`` that was queued before (committed,
    or earlier in this transaction) nothing is added and ``None`` is returned; the check is an
    ``INSERT ... ON CONFLICT DO NOTHING``, so it is atomic under concurrency on both databases
    and needs no SAVEPOINT (pysqlite mishandles a SAVEPOINT opened before any write).
    """
    if ref is not None and len(ref) > _REF_MAX:
        raise ValueError(f"ref longer than {_REF_MAX} characters: {ref!r}")
    if dedupe_key is not None and len(dedupe_key) > _DEDUPE_MAX:
        raise ValueError(f"dedupe_key longer than {_DEDUPE_MAX} characters: {dedupe_key!r}")
    now = now or _utcnow()
    body = dict(payload or {})
    if channel == "telegram":
        if chat_id is None:
            raise ValueError("a Telegram message needs its chat_id")
        body["chat_id"] = chat_id
        address = str(chat_id)
    elif not address:
        raise ValueError(f"a {channel} message needs its address")
    later = not_before if not_before is not None and not_before > now else None
    row = Outbox(
        created_at=now,
        channel=channel,
        address=address,
        chat_id=chat_id if channel == "telegram" else None,
        method=method,
        payload=body,
        status=PENDING,
        next_attempt_at=later or now,
        not_before=later,
        ref=ref,
        dedupe_key=dedupe_key,
        citizen_id=citizen_id,
        transient=transient,
        priority=priority,
    )
    values = row.model_dump(exclude={"id"})
    if dedupe_key is None:
        # A Core INSERT with the values as parameters: on the hot path (every reply) the ORM's
        # unit of work, or a statement rebuilt around literal values, costs more than the row.
        # The returned row is not attached to the session and has no id.
        await session.exec(_OUTBOX_INSERT, params=values)
        return row
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(Outbox)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Outbox)
    )
    result = await session.exec(stmt)
    return result.scalars().first()


async def prune(session: AsyncSession, *, before: datetime, limit: int = 1000) -> int:
    """Delete up to ``limit`` sent or failed rows whose last attempt was before ``before``;
    returns how many (call again, committing in between, while it returns ``limit``).

    Idempotent and safe with several instances: a row deleted twice is simply gone. The last
    attempt time (``next_attempt_at``) is what the status index covers; a row is sent or fails
    right after it."""
    ids = (
        select(Outbox.id)
        .where(
            Outbox.status.in_((SENT, FAILED)),  # type: ignore[attr-defined]
            Outbox.next_attempt_at < before,
        )
        .order_by(Outbox.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL: instances prune disjoint rows
    )
    stmt = (
        delete(Outbox)
        .where(Outbox.id.in_(ids.scalar_subquery()))  # type: ignore[union-attr]
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(stmt)
    return int(result.rowcount or 0)


async def backlog(session: AsyncSession) -> int:
    """Rows not delivered yet (pending or sending): for /metrics and /healthz."""
    stmt = select(func.count()).select_from(Outbox).where(Outbox.status.in_(UNDELIVERED))  # type: ignore[attr-defined]
    return int((await session.exec(stmt)).one()[0])
