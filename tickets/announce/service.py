"""Announcements: subscriptions to topics, composing, and delivery in resumable batches.

Topics are declared in the departments file (:class:`tickets.config.desk.TopicConfig`); the
database keeps only what must persist: :class:`~tickets.models.Subscription`,
:class:`~tickets.models.Announcement` and one :class:`~tickets.models.AnnouncementDelivery` per
recipient.

Delivery (:func:`deliver_step`, run by the ``announcements`` sweep): an announcement that is
due (its ``not_before`` reached, and inside the sending hours unless urgent) is materialized in
chunks of ``chunk`` subscriptions: each chunk is one short transaction that moves the
announcement's ``cursor`` past the chunk with a conditional UPDATE (two instances never take the
same chunk), inserts the chunk's delivery rows and publishes one
:class:`~tickets.notify.AnnouncementPosted` per recipient through the notifier, which queues the
outbox rows at :data:`~tickets.outbox.PRIORITY_BULK` (the delivery row, unique per announcement
and citizen, is their exactly-once key).
A crash (``kill -9``) rolls back the chunk in flight; the next step resumes after the cursor, so
nobody is queued twice and nobody is skipped. ``window`` bounds the deliveries queued and not
yet sent, so the outbox never holds a whole broadcast (memory, and the end of the sending hours
cuts a broadcast within minutes). The sender records each outcome through the row's ref
(``ann:<delivery id>``: :func:`record_sent`, :func:`record_failed`): a 403 (the citizen blocked
the bot) deactivates their subscription and counts as ``blocked``. Once nothing is queued any
more the announcement is ``done`` and its author gets an
:class:`~tickets.notify.AnnouncementReport`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, func, literal, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.announce.quiet import SendingHours
from tickets.authz import Actor
from tickets.config.desk import DeskConfig, TopicConfig
from tickets.models import (
    Announcement,
    AnnouncementDelivery,
    Department,
    Outbox,
    Subscription,
)
from tickets.notify import (
    AnnouncementCancelled,
    AnnouncementPosted,
    AnnouncementReport,
    Notifier,
    ToCitizen,
    ToStaff,
)
from tickets.outbox import PENDING, PRIORITY_BULK

__all__ = [
    "BLOCKED",
    "CANCELLED",
    "DONE",
    "DROPPED",
    "FAILED",
    "QUEUED",
    "SENDING",
    "SENT",
    "TEXT_MAX",
    "UNREACHABLE",
    "AnnounceSetup",
    "Counts",
    "Refused",
    "active_count",
    "allowed_topics",
    "cancel_announcement",
    "check_texts",
    "counts",
    "create_announcement",
    "deliver_step",
    "failure_state",
    "hold_unsent",
    "posted_event",
    "record_failed",
    "record_sent",
    "set_subscription",
    "split_texts",
    "subscriptions_of",
    "topic_names",
]

QUEUED = "queued"
SENDING = "sending"
DONE = "done"
CANCELLED = "cancelled"  # an announcement (by its author or an administrator; its topic gone)
SENT = "sent"
FAILED = "failed"
BLOCKED = "blocked"
# Not sent because the channel cannot reach them now: a WeChat follower who has not written in
# 48 hours (customer-service messages are refused then), someone erased meanwhile. Not
# retried; their subscription stays (they are reached again once they write).
UNREACHABLE = "unreachable"
DROPPED = "dropped"  # a delivery of a cancelled announcement that was not sent
TEXT_MAX = 4000  # a Telegram message holds 4096; the topic line and the header take the rest
CAPTION_MAX = 1024
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SEPARATOR = re.compile(r"^\s*---\s*$", re.MULTILINE)


class Refused(ValueError):
    """An announcement that cannot be made: ``reason`` is a message key
    (``announce-err-*``), ``params`` its parameters."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class AnnounceSetup:
    """What delivery needs besides the session: the topics (from the departments file), the
    sending hours, chunk size and how many deliveries may be queued unsent at a time."""

    topics: Mapping[str, TopicConfig]
    hours: SendingHours
    chunk: int = 500
    window: int | None = 3000


@dataclass(frozen=True)
class Counts:
    """Outcomes of an announcement's deliveries. ``failed`` excludes ``unreachable``."""

    queued: int
    sent: int
    failed: int
    blocked: int
    unreachable: int = 0
    dropped: int = 0

    def line(self) -> str:
        """The stable one-line status (``citizen-desk announce status``): ``queued Q sent S
        failed F blocked B``, where F counts every delivery that did not arrive and was not
        a block (the unreachable ones included)."""
        failed = self.failed + self.unreachable
        return f"queued {self.queued} sent {self.sent} failed {failed} blocked {self.blocked}"


def topic_names(topic: TopicConfig | None, topic_id: str) -> tuple[tuple[str, str], ...]:
    if topic is None:
        return (("zh", topic_id), ("en", topic_id))
    return tuple(topic.name.items())


# --- subscriptions --------------------------------------------------------------------------


async def set_subscription(
    session: AsyncSession,
    citizen_id: int,
    topic: str,
    active: bool,
    *,
    now: datetime,
    lang: str | None = None,
) -> bool:
    """Subscribe (``active``) or unsubscribe the citizen; True when that changed anything.
    ``lang``: the language they subscribed in (their announcements come in it unless they
    chose a language)."""
    row = (
        await session.exec(
            select(Subscription).where(
                Subscription.citizen_id == citizen_id, Subscription.topic == topic
            )
        )
    ).first()
    if row is None:
        if not active:
            return False
        dialect = session.get_bind().dialect.name
        ins = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = (
            ins(Subscription)
            .values(
                citizen_id=citizen_id,
                topic=topic,
                active=True,
                lang=lang,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["citizen_id", "topic"])
        )
        result = await session.exec(stmt)
        return bool(result.rowcount)
    if active and lang and row.lang != lang:
        row.lang = lang
        session.add(row)
    if row.active == active:
        await session.flush()
        return False
    row.active = active
    row.updated_at = now
    session.add(row)
    await session.flush()
    return True


async def subscriptions_of(session: AsyncSession, citizen_id: int) -> list[str]:
    """The topics the citizen is subscribed to (active), oldest first."""
    stmt = (
        select(Subscription.topic)
        .where(Subscription.citizen_id == citizen_id, col(Subscription.active).is_(True))
        .order_by(col(Subscription.id))
    )
    return [str(t) for t in (await session.exec(stmt)).all()]


# --- composing ------------------------------------------------------------------------------


async def allowed_topics(
    session: AsyncSession, actor: Actor, config: DeskConfig | None
) -> list[TopicConfig]:
    """The topics ``actor`` may announce to: every one for administrators, their department's
    for a department head, none for anyone else."""
    if config is None:
        return []
    if actor.is_admin:
        return list(config.topics.values())
    if not actor.is_head or actor.department_id is None:
        return []
    department = await session.get(Department, actor.department_id)
    if department is None:
        return []
    return [t for t in config.topics.values() if t.department == department.slug]


async def create_announcement(
    session: AsyncSession,
    topic: TopicConfig,
    *,
    text_zh: str | None,
    text_en: str | None,
    now: datetime,
    author: str,
    photo: str | None = None,
    urgent: bool = False,
    not_before: datetime | None = None,
    author_chat_id: int | None = None,
    author_lang: str | None = None,
) -> Announcement:
    """Queue an announcement (in the caller's transaction); ``recipients`` is the number of
    active subscriptions now. Raises :class:`Refused` for an empty or too long text."""
    texts = {"zh": (text_zh or "").strip() or None, "en": (text_en or "").strip() or None}
    check_texts(texts["zh"], texts["en"], photo)
    recipients = await active_count(session, topic.id)
    row = Announcement(
        topic=topic.id,
        text_zh=texts["zh"],
        text_en=texts["en"],
        photo_file_id=photo,
        urgent=urgent,
        not_before=not_before,
        author=author[:64],
        author_chat_id=author_chat_id,
        author_lang=author_lang,
        status=QUEUED,
        recipients=recipients,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


def split_texts(text: str) -> tuple[str | None, str | None]:
    """``(zh, en)`` of a draft: two parts separated by a ``---`` line (Chinese first), or one
    text in the language it is written in (any Chinese character: Chinese)."""
    parts = [p.strip() for p in _SEPARATOR.split(text, maxsplit=1)]
    if len(parts) == 2 and parts[0] and parts[1]:
        return parts[0], parts[1]
    single = text.strip()
    if not single:
        return None, None
    return (single, None) if _CJK.search(single) else (None, single)


def check_texts(text_zh: str | None, text_en: str | None, photo: str | None) -> None:
    """Raise :class:`Refused` for no text at all, or one too long (a photo's caption holds
    1024 characters, a message 4096 with the topic line)."""
    if not (text_zh or text_en):
        raise Refused("announce-err-empty")
    limit = CAPTION_MAX if photo else TEXT_MAX
    for value in (text_zh, text_en):
        if value is not None and len(value) > limit:
            raise Refused("announce-err-too-long", limit=limit, length=len(value))


async def active_count(session: AsyncSession, topic: str) -> int:
    """Active subscriptions of ``topic``."""
    stmt = select(func.count()).where(
        Subscription.topic == topic, col(Subscription.active).is_(True)
    )
    return int((await session.exec(stmt)).one())


def posted_event(
    row: Announcement,
    topic: TopicConfig | None,
    *,
    to: ToCitizen | ToStaff,
    at: datetime,
    delivery_id: int = 0,
    citizen_id: int | None = None,
    lang: str | None = None,
) -> AnnouncementPosted:
    """The message of ``row`` to one recipient (``delivery_id`` 0: the author's preview)."""
    assert row.id is not None or delivery_id == 0
    return AnnouncementPosted(
        at=at,
        recipients=(to,),
        about=citizen_id,
        # No dedupe key: the delivery row (unique per announcement and citizen) is inserted
        # in the same transaction, so a row is queued once; the outbox's fast path is kept.
        dedupe_key=None,
        priority=PRIORITY_BULK if delivery_id else 0,
        announcement_id=row.id or 0,
        delivery_id=delivery_id,
        topic=row.topic,
        topic_names=topic_names(topic, row.topic),
        text_zh=row.text_zh,
        text_en=row.text_en,
        photo=row.photo_file_id,
        urgent=row.urgent,
        preview=delivery_id == 0,
        lang=lang,
    )


# --- delivery -------------------------------------------------------------------------------


async def recent_announcements(
    session: AsyncSession, topics: list[str] | None, limit: int = 10
) -> list[Announcement]:
    """The latest announcements, newest first: to ``topics`` only, or to any (``None``)."""
    stmt = select(Announcement).order_by(col(Announcement.id).desc()).limit(limit)
    if topics is not None:
        if not topics:
            return []
        stmt = stmt.where(col(Announcement.topic).in_(topics))
    return list((await session.exec(stmt)).all())


async def counts(session: AsyncSession, announcement: Announcement) -> Counts:
    """Outcomes so far; ``queued``: everyone without an outcome yet (not materialized too)."""
    assert announcement.id is not None
    stmt = (
        select(AnnouncementDelivery.state, func.count())
        .where(AnnouncementDelivery.announcement_id == announcement.id)
        .group_by(AnnouncementDelivery.state)
    )
    by_state = {str(state): int(n) for state, n in (await session.exec(stmt)).all()}
    sent, failed, blocked = by_state.get(SENT, 0), by_state.get(FAILED, 0), by_state.get(BLOCKED, 0)
    unreachable, dropped = by_state.get(UNREACHABLE, 0), by_state.get(DROPPED, 0)
    if announcement.status in (DONE, CANCELLED):
        queued = by_state.get(QUEUED, 0)
    else:
        settled = sent + failed + blocked + unreachable
        queued = max(by_state.get(QUEUED, 0), announcement.recipients - settled)
    return Counts(queued, sent, failed, blocked, unreachable, dropped)


async def deliver_step(
    session: AsyncSession,
    setup: AnnounceSetup,
    notifier: Notifier,
    *,
    now: datetime,
) -> tuple[int, int]:
    """One transaction's worth of delivery work (the caller commits after it, and calls again
    while it returns work done): ``(deliveries queued, announcements finished)``.

    Picks the oldest due announcement and queues its next chunk, or finishes it (status
    ``done``, the report to its author) when every subscriber has been queued and every
    delivery has an outcome."""
    stmt = (
        select(Announcement)
        .where(col(Announcement.status).in_((QUEUED, SENDING)))
        .where((col(Announcement.not_before).is_(None)) | (col(Announcement.not_before) <= now))
        .order_by(col(Announcement.urgent).desc(), col(Announcement.id))
    )
    for row in (await session.exec(stmt)).all():
        if row.topic not in setup.topics:  # removed from the departments file
            if await cancel_announcement(
                session, row, notifier, setup.topics, now=now, why="topic"
            ):
                return 0, 1
            continue
        if not row.urgent and not setup.hours.is_open(now):
            if row.status == SENDING:  # what is queued and unsent waits for the morning too
                assert row.id is not None
                await hold_unsent(session, row.id, setup.hours.next_open(now))
                # Every subscriber queued and every delivery settled: the report need not
                # wait for the morning.
                if not await _more_subscribers(session, row) and await _finish(
                    session, setup, notifier, row, now=now
                ):
                    return 0, 1
            continue
        queued = await _queue_chunk(session, setup, notifier, row, now=now)
        if queued is None:  # another instance moved the cursor: its chunk, not ours
            continue
        if queued:
            return queued, 0
        if await _finish(session, setup, notifier, row, now=now):
            return 0, 1
    return 0, 0


async def _queue_chunk(
    session: AsyncSession,
    setup: AnnounceSetup,
    notifier: Notifier,
    row: Announcement,
    *,
    now: datetime,
) -> int | None:
    """Queue the next chunk of ``row``'s subscribers: how many (0: none left, or the window is
    full); None when another instance took this chunk."""
    assert row.id is not None
    limit = setup.chunk
    if setup.window is not None:
        pending = await _pending(session, row.id)
        limit = min(limit, setup.window - pending)
        if limit <= 0:
            return 0
    subs = (
        await session.exec(
            select(Subscription.id, Subscription.citizen_id, Subscription.lang)
            .where(
                Subscription.topic == row.topic,
                col(Subscription.active).is_(True),
                col(Subscription.id) > row.cursor,
            )
            .order_by(col(Subscription.id))
            .limit(limit)
        )
    ).all()
    if not subs:
        if row.status == QUEUED:
            await _start(session, row, now)
        return 0
    cursor = int(subs[-1][0] or 0)
    moved = await session.exec(
        update(Announcement)
        .where(
            col(Announcement.id) == row.id,
            col(Announcement.cursor) == row.cursor,
            col(Announcement.status).in_((QUEUED, SENDING)),
        )
        .values(
            cursor=cursor,
            status=SENDING,
            started_at=func.coalesce(col(Announcement.started_at), now),
        )
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        await session.refresh(row)
        return None
    row.cursor, row.status = cursor, SENDING
    dialect = session.get_bind().dialect.name
    ins = pg_insert if dialect == "postgresql" else sqlite_insert
    values = [
        {
            "announcement_id": row.id,
            "citizen_id": int(citizen_id),
            "subscription_id": int(sub_id or 0),
            "state": QUEUED,
            "updated_at": now,
        }
        for sub_id, citizen_id, _lang in subs
    ]
    inserted = await session.exec(
        ins(AnnouncementDelivery)  # type: ignore[call-overload]
        .values(values)
        .on_conflict_do_nothing(index_elements=["announcement_id", "citizen_id"])
        .returning(AnnouncementDelivery.id, AnnouncementDelivery.citizen_id)
    )
    created = [(int(d), int(c)) for d, c in inserted.all()]
    langs = {int(c): lang for _s, c, lang in subs}
    topic = setup.topics.get(row.topic)
    prefetch = getattr(notifier, "prefetch", None)  # optional: the chunk's citizens at once
    if prefetch is not None:
        await prefetch([c for _d, c in created])
    unreachable: list[int] = []
    for delivery_id, citizen_id in created:
        event = posted_event(
            row,
            topic,
            to=ToCitizen(citizen_id),
            at=now,
            delivery_id=delivery_id,
            citizen_id=citizen_id,
            lang=langs.get(citizen_id),
        )
        if not await notifier.publish(event):  # erased, or reachable nowhere
            unreachable.append(delivery_id)
    if unreachable:
        await session.exec(
            update(AnnouncementDelivery)
            .where(col(AnnouncementDelivery.id).in_(unreachable))
            .values(state=UNREACHABLE, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return len(subs)


async def _more_subscribers(session: AsyncSession, row: Announcement) -> bool:
    """Whether active subscriptions of ``row``'s topic remain after its cursor."""
    stmt = (
        select(Subscription.id)
        .where(
            Subscription.topic == row.topic,
            col(Subscription.active).is_(True),
            col(Subscription.id) > row.cursor,
        )
        .limit(1)
    )
    return (await session.exec(stmt)).first() is not None


async def _start(session: AsyncSession, row: Announcement, now: datetime) -> None:
    await session.exec(
        update(Announcement)
        .where(col(Announcement.id) == row.id, col(Announcement.status) == QUEUED)
        .values(status=SENDING, started_at=now)
        .execution_options(synchronize_session=False)
    )
    row.status = SENDING


async def _pending(session: AsyncSession, announcement_id: int) -> int:
    stmt = select(func.count()).where(
        AnnouncementDelivery.announcement_id == announcement_id,
        AnnouncementDelivery.state == QUEUED,
    )
    return int((await session.exec(stmt)).one())


async def _finish(
    session: AsyncSession,
    setup: AnnounceSetup,
    notifier: Notifier,
    row: Announcement,
    *,
    now: datetime,
) -> bool:
    """Mark ``row`` done once no delivery waits for its outcome, and report to its author."""
    assert row.id is not None
    if await _pending(session, row.id):
        return False
    done = await session.exec(
        update(Announcement)
        .where(col(Announcement.id) == row.id, col(Announcement.status) == SENDING)
        .values(status=DONE, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return False
    row.status = DONE
    if row.author_chat_id is not None:
        c = await counts(session, row)
        await notifier.publish(
            AnnouncementReport(
                at=now,
                recipients=(ToStaff(row.author_chat_id, row.author_chat_id, row.author_lang),),
                dedupe_key=f"ann-report:{row.id}",
                announcement_id=row.id,
                topic=row.topic,
                topic_names=topic_names(setup.topics.get(row.topic), row.topic),
                total=row.recipients,
                sent=c.sent,
                failed=c.failed,
                blocked=c.blocked,
                unreachable=c.unreachable,
            )
        )
    return True


def _unsent_refs(announcement_id: int) -> Any:
    """The outbox refs (``ann:<delivery id>``) of ``announcement_id``'s deliveries not sent
    yet, as a subquery."""
    ref = literal("ann:") + cast(col(AnnouncementDelivery.id), String)
    return select(ref).where(
        AnnouncementDelivery.announcement_id == announcement_id,
        AnnouncementDelivery.state == QUEUED,
    )


async def hold_unsent(session: AsyncSession, announcement_id: int, until: datetime) -> int:
    """Outside the sending hours: the announcement's outbox rows still waiting (not claimed
    by a sender) are held until ``until`` (the next opening); how many were."""
    result = await session.exec(
        update(Outbox)
        .where(
            col(Outbox.status) == PENDING,
            col(Outbox.ref).in_(_unsent_refs(announcement_id)),
            col(Outbox.next_attempt_at) < until,
        )
        .values(next_attempt_at=until, not_before=until)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


async def cancel_announcement(
    session: AsyncSession,
    row: Announcement,
    notifier: Notifier | None,
    topics: Mapping[str, TopicConfig] | None,
    *,
    now: datetime,
    why: str,
) -> bool:
    """Cancel a queued or sending announcement: nothing more is queued, its outbox rows not
    claimed yet are deleted (those deliveries are ``dropped``; a row a sender holds may still
    arrive), and the author gets a report. ``why``: ``topic`` (removed from the departments
    file) or ``author`` (cancelled by its author or an administrator). False when it was not
    queued or sending any more."""
    assert row.id is not None
    done = await session.exec(
        update(Announcement)
        .where(col(Announcement.id) == row.id, col(Announcement.status).in_((QUEUED, SENDING)))
        .values(status=CANCELLED, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return False
    row.status = CANCELLED
    refs = _unsent_refs(row.id)
    deleted = await session.exec(
        delete(Outbox)
        .where(col(Outbox.status) == PENDING, col(Outbox.ref).in_(refs))
        .returning(col(Outbox.ref))
    )
    dropped = [int(str(r).partition(":")[2]) for (r,) in deleted.all()]
    if dropped:
        await session.exec(
            update(AnnouncementDelivery)
            .where(
                col(AnnouncementDelivery.id).in_(dropped),
                col(AnnouncementDelivery.state) == QUEUED,
            )
            .values(state=DROPPED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    if notifier is not None and row.author_chat_id is not None:
        c = await counts(session, row)
        topics = topics or {}
        await notifier.publish(
            AnnouncementCancelled(
                at=now,
                recipients=(ToStaff(row.author_chat_id, row.author_chat_id, row.author_lang),),
                dedupe_key=f"ann-cancel:{row.id}",
                announcement_id=row.id,
                topic=row.topic,
                topic_names=topic_names(topics.get(row.topic), row.topic),
                why=why,
                sent=c.sent,
                not_sent=row.recipients - c.sent if row.recipients > c.sent else 0,
            )
        )
    return True


# --- outcomes (the outbox sender's ref handlers for ``ann:<delivery id>``) ------------------


async def record_sent(session: AsyncSession, delivery_id: int, *, now: datetime) -> None:
    await session.exec(
        update(AnnouncementDelivery)
        .where(
            col(AnnouncementDelivery.id) == delivery_id, col(AnnouncementDelivery.state) == QUEUED
        )
        .values(state=SENT, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def failure_state(error: str) -> str:
    """The outcome of a permanent failure by the sender's error: ``blocked`` when the person
    turned the channel off (Telegram's 403: the bot is blocked; WeChat: they unfollowed the
    account), ``unreachable`` outside WeChat's 48-hour window, else ``failed``."""
    if error.startswith(("403", "unsubscribed:")):
        return BLOCKED
    if error.startswith("window:"):
        return UNREACHABLE
    return FAILED


async def record_failed(
    session: AsyncSession, delivery_id: int, error: str, *, now: datetime
) -> None:
    """A permanent failure (:func:`failure_state`); ``blocked`` deactivates the subscription."""
    state = failure_state(error)
    blocked = state == BLOCKED
    result = await session.exec(
        update(AnnouncementDelivery)
        .where(
            col(AnnouncementDelivery.id) == delivery_id, col(AnnouncementDelivery.state) == QUEUED
        )
        .values(state=state, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if not blocked or result.rowcount != 1:
        return
    delivery = await session.get(AnnouncementDelivery, delivery_id)
    if delivery is None or delivery.subscription_id is None:
        return
    await session.exec(
        update(Subscription)
        .where(col(Subscription.id) == delivery.subscription_id)
        .values(active=False, updated_at=now)
        .execution_options(synchronize_session=False)
    )
