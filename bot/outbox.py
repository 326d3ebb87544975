"""Transactional outbox: messages are queued with the state change that causes them and
delivered after commit.

* Rows are written by :func:`tickets.outbox.enqueue`, in the transaction of the change that
  causes them. :class:`OutboxSender` claims due rows atomically (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a
  single conditional ``UPDATE ... RETURNING`` on SQLite), calls the :class:`Transport` with no
  database session held, and records the outcome: ``sent``, a retry (``pending`` again with
  ``next_attempt_at``) or ``failed`` with ``last_error``. Nothing is silently dropped.
* Order: only the oldest undelivered row of a chat can be claimed, so the messages of one chat
  go out in creation order, and a retry holds back the rows behind it. A row queued for later
  (``not_before``) takes its place in that order only once it is due: until then it never
  holds back the rows queued after it (a scheduled message must not delay a live reply).
* Telegram's limits (30 messages/s overall, 1/s per chat, 20/min per group chat) are enforced
  with sliding windows driven by the injected clock; a send counts from when its HTTP call
  returned (Telegram saw it somewhere before that), so the limits hold as the server sees them. A row whose chat is over its limit is put
  back with ``next_attempt_at`` = the time it becomes allowed (it survives a restart), so the
  sender never sleeps inside a round and tests drive it with a :class:`FixedClock`.
* Privacy: a row may name the citizen whose personal data it carries (``citizen_id``), so
  erasing them deletes it (:mod:`tickets.erasure`); a ``transient`` row is deleted instead of
  being marked sent or failed (it runs no ref handler); :func:`prune` deletes sent and failed
  rows after the retention period (``OUTBOX_RETENTION_DAYS``), since their payloads copy
  personal data.
* Restarts: a row stuck in ``sending`` (the process died mid-send) is claimed again once its
  lease (``claimed_until``) has expired. The lease is short (5 s) and renewed every third of
  it while the round's calls are in flight (a heartbeat moving ``claimed_until`` and the
  round's claim token forward), so a live sender keeps its rows however long a call takes,
  and the rows of a sender killed mid-send (``kill -9``, a lost machine) are taken over by any
  other or restarted sender within seconds. No registry of live senders is needed: a lease
  that is not renewed is the proof of death, which stays correct with any number of
  instances. The claim also counts the attempt, so a message that kills the process every
  time still ends up ``failed`` after ``max_attempts``.

The rate limits are kept in memory, per sender: run one sender per bot, or give each of
several instances a share of the limits (``RateLimits``). Claiming is safe with any number.

The channel's transport (:class:`Transport`; Telegram's is :mod:`bot.telegram`) makes the
calls. One sender per channel (``channel``): each claims only its channel's rows; the other
channels keep their order and limits per ``address`` (Telegram's per ``chat_id``), and their
transport may take the whole row (:class:`RowTransport`: it needs the address). ``on_failed``
runs in the transaction that records a row's permanent failure (e.g. flag the ticket whose
message could not be delivered).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import zlib
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import uuid4

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.clock import Clock, SystemClock
from tickets.models import Outbox, TicketMessage
from tickets.outbox import (
    FAILED,
    PENDING,
    SENDING,
    SENT,
    UNDELIVERED,
)

__all__ = [
    "Backoff",
    "OutboxSender",
    "PermanentFailure",
    "Rate",
    "RateLimiter",
    "RateLimits",
    "RefHandler",
    "RetryLater",
    "RoundStats",
    "RowTransport",
    "Transport",
    "register_ref_handler",
]

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(seconds=5)  # how long a dead sender's rows wait for another
DEFAULT_CALL_TIMEOUT = 30.0  # seconds a Bot API call may take before it is retried
_ERROR_MAX = 2000
# --- transport contract -------------------------------------------------------------------


class RetryLater(Exception):
    """A temporary failure: 429 (``retry_after`` seconds given) or 5xx, network, timeout
    (``retry_after`` None: exponential backoff). ``consume_attempt=False`` for failures that are
    no fault of the message (flood control, a misconfigured token): they never exhaust
    ``max_attempts``."""

    def __init__(
        self,
        message: str = "",
        retry_after: float | None = None,
        *,
        consume_attempt: bool = True,
        pause_all: bool = False,
    ) -> None:
        super().__init__(message or "retry later")
        self.retry_after = retry_after
        self.consume_attempt = consume_attempt
        # Flood control (Telegram's 429): bulk rows of every chat wait ``retry_after`` too.
        self.pause_all = pause_all


class PermanentFailure(Exception):
    """The call can never succeed as it is (bot blocked, chat not found, bad payload)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Transport(Protocol):
    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        """Make the Bot API call; return its result as JSON-able data (a Message dict, True...).

        Raise :class:`RetryLater` or :class:`PermanentFailure` on failure."""
        ...


class RowTransport(Protocol):
    async def deliver(self, row: Outbox) -> Any:
        """Deliver ``row`` (its channel, address, method and payload); like
        :meth:`Transport.call`, raise :class:`RetryLater` or :class:`PermanentFailure`."""
        ...


FailureHandler = Callable[[AsyncSession, Outbox, str], Awaitable[None]]
"""``handler(session, row, error)``: runs in the transaction that records the row as failed."""


# --- refs: what to do with a delivered message --------------------------------------------

RefHandler = Callable[[AsyncSession, Outbox, str, Any], Awaitable[None]]
"""``handler(session, row, argument, result)``: runs in the transaction that marks the row sent.
For ``ref="ticket:42"`` the handler registered for ``"ticket"`` gets ``argument="42"``."""

_ref_handlers: dict[str, RefHandler] = {}
_ref_failure_handlers: dict[str, RefHandler] = {}


def register_ref_handler(
    kind: str, handler: RefHandler, *, on_failed: RefHandler | None = None
) -> None:
    """Register what to do after a row whose ref is ``"<kind>:<argument>"`` was sent, and
    (``on_failed``: called with the error as ``result``) after it failed for good."""
    _ref_handlers[kind] = handler
    if on_failed is not None:
        _ref_failure_handlers[kind] = on_failed


def _message_id(result: Any) -> int | None:
    if isinstance(result, dict) and isinstance(result.get("message_id"), int):
        return int(result["message_id"])
    return None


async def _link_ticket(session: AsyncSession, row: Outbox, argument: str, result: Any) -> None:
    """``ticket:<id>``: remember the posted message so a reply to it finds the ticket."""
    message_id = _message_id(result)
    if message_id is None:
        return
    ticket_id = int(argument.split(":", 1)[0])
    chat = result.get("chat") if isinstance(result, dict) else None
    chat_id = int(chat["id"]) if isinstance(chat, dict) and "id" in chat else row.chat_id
    if chat_id is None:  # not a Telegram chat: nothing to reply to
        return
    known = await session.exec(
        select(TicketMessage.id).where(  # type: ignore[call-overload]
            TicketMessage.chat_id == chat_id, TicketMessage.message_id == message_id
        )
    )
    if known.first() is None:
        session.add(TicketMessage(chat_id=chat_id, message_id=message_id, ticket_id=ticket_id))
        await session.flush()


register_ref_handler("ticket", _link_ticket)


async def _announcement_sent(
    session: AsyncSession, row: Outbox, argument: str, result: Any
) -> None:
    """``ann:<delivery id>``: the announcement reached its subscriber."""
    from tickets.announce import record_sent

    if argument.isdigit():
        await record_sent(session, int(argument), now=row.sent_at or SystemClock().now())


async def _announcement_failed(
    session: AsyncSession, row: Outbox, argument: str, error: Any
) -> None:
    """``ann:<delivery id>`` failed for good: failed, or blocked (403: unsubscribed)."""
    from tickets.announce import record_failed

    if argument.isdigit():
        await record_failed(session, int(argument), str(error), now=SystemClock().now())


register_ref_handler("ann", _announcement_sent, on_failed=_announcement_failed)


# --- rate limits --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """At most ``count`` sends in any window of ``period``."""

    count: int
    period: timedelta


@dataclass(frozen=True)
class RateLimits:
    """Telegram's broadcast limits (group chats have negative ids). ``bulk``: what bulk rows
    (announcements, ``priority`` above 0) may use of the overall budget, so replies always
    have room."""

    overall: Rate = Rate(30, timedelta(seconds=1))
    per_chat: Rate = Rate(1, timedelta(seconds=1))
    per_group: Rate = Rate(20, timedelta(minutes=1))
    bulk: Rate = Rate(25, timedelta(seconds=1))


class _Window:
    """Sliding window log: the send times within the last ``rate.period``."""

    __slots__ = ("rate", "times")

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self.times: deque[datetime] = deque()

    def _prune(self, now: datetime) -> None:
        horizon = now - self.rate.period
        while self.times and self.times[0] <= horizon:
            self.times.popleft()

    def available(self, now: datetime) -> int:
        self._prune(now)
        return max(0, self.rate.count - len(self.times))

    def next_allowed(self, now: datetime) -> datetime:
        """``now`` when a send is allowed, else when the oldest send leaves the window."""
        self._prune(now)
        if len(self.times) < self.rate.count:
            return now
        return self.times[len(self.times) - self.rate.count] + self.rate.period

    def record(self, now: datetime) -> None:
        self.times.append(now)

    def settle(self, reserved_at: datetime, done: list[datetime]) -> None:
        """Replace the trailing entries taken at ``reserved_at`` by when those sends were
        done: the server saw them somewhere in between, so this never undercounts."""
        for _ in done:
            if self.times and self.times[-1] == reserved_at:
                self.times.pop()
        self.times.extend(sorted(done))

    def idle(self, now: datetime) -> bool:
        self._prune(now)
        return not self.times


# Calls that put no message in the chat: Telegram's per-chat and per-group message limits do
# not apply to them (only the overall one), so a button press is acknowledged at once.
NOT_CHAT_MESSAGES = frozenset(
    {
        "answerCallbackQuery",
        "answerPreCheckoutQuery",
        "answerShippingQuery",
        "sendChatAction",
        "setMyCommands",
        "deleteMyCommands",
        "setChatMenuButton",
    }
)


class RateLimiter:
    """In-process limiter over the injected clock's time."""

    def __init__(self, limits: RateLimits | None = None) -> None:
        self.limits = limits or RateLimits()
        self._overall = _Window(self.limits.overall)
        self._chats: dict[int, _Window] = {}
        self._groups: dict[int, _Window] = {}
        self._bulk = _Window(self.limits.bulk)
        self._bulk_chats: set[int] = set()  # reserved as bulk since the last settle
        self._reserved = 0
        self.bulk_paused_until: datetime | None = None  # after a 429: bulk traffic waits

    def pause_bulk(self, until: datetime) -> None:
        """Flood control (a 429's ``retry_after``): the chat's row waits anyway; bulk rows of
        every chat wait too (a broadcast backs off), while replies to other chats go on."""
        if self.bulk_paused_until is None or until > self.bulk_paused_until:
            self.bulk_paused_until = until

    def available(self, now: datetime) -> int:
        """How many sends the overall limit allows right now."""
        return self._overall.available(now)

    def next_overall(self, now: datetime) -> datetime:
        return self._overall.next_allowed(now)

    def reserve(
        self, chat_id: int, now: datetime, method: str = "sendMessage", *, bulk: bool = False
    ) -> datetime | None:
        """Take a send slot for ``chat_id`` now and return None, or return when it is allowed.
        ``bulk``: the row also needs a slot of the bulk share."""
        if bulk and self.bulk_paused_until is not None and now < self.bulk_paused_until:
            return self.bulk_paused_until
        if method in NOT_CHAT_MESSAGES:
            windows = [self._overall]
        else:
            windows = [self._overall, self._chat(self._chats, chat_id, self.limits.per_chat)]
        if chat_id < 0 and method not in NOT_CHAT_MESSAGES:
            windows.append(self._chat(self._groups, chat_id, self.limits.per_group))
        if bulk:
            windows.append(self._bulk)
        allowed = max(w.next_allowed(now) for w in windows)
        if allowed > now:
            return allowed
        for w in windows:
            w.record(now)
        if bulk:
            self._bulk_chats.add(chat_id)
        self._reserved += 1
        if self._reserved % 1000 == 0:
            self._forget_idle(now)
        return None

    def settle(self, reserved_at: datetime, done: dict[int, datetime]) -> None:
        """Sends reserved at ``reserved_at`` finished at ``done[chat_id]``: count them from then."""
        if not done:
            return
        self._overall.settle(reserved_at, list(done.values()))
        bulk = [at for chat_id, at in done.items() if chat_id in self._bulk_chats]
        if bulk:
            self._bulk.settle(reserved_at, bulk)
        self._bulk_chats.clear()
        for chat_id, at in done.items():
            for table in (self._chats, self._groups):
                window = table.get(chat_id)
                if window is not None:
                    window.settle(reserved_at, [at])

    @staticmethod
    def _chat(table: dict[int, _Window], chat_id: int, rate: Rate) -> _Window:
        window = table.get(chat_id)
        if window is None:
            window = table[chat_id] = _Window(rate)
        return window

    def _forget_idle(self, now: datetime) -> None:
        for table in (self._chats, self._groups):
            for chat_id in [c for c, w in table.items() if w.idle(now)]:
                del table[chat_id]


# --- the sender ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Backoff:
    """Delay before retry n (1-based): ``min(cap, base * factor**(n-1))``, minus up to
    ``jitter`` of it at random (so many failed rows do not come back at the same instant)."""

    base: float = 1.0
    factor: float = 2.0
    cap: float = 600.0
    jitter: float = 0.2

    def delay(self, attempt: int, rng: random.Random) -> float:
        raw = min(self.cap, self.base * self.factor ** max(0, attempt - 1))
        return raw * (1.0 - self.jitter * rng.random())


@dataclass
class _Outcome:
    row: Outbox
    kind: str  # sent | retry | failed
    result: Any = None
    error: str | None = None
    retry_at: datetime | None = None
    consume_attempt: bool = True
    done_at: datetime | None = None  # when the transport call returned


@dataclass
class RoundStats:
    """What the last :meth:`OutboxSender.run_once` did (for logs and ``citizen-desk sweep``)."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0  # over a rate limit: put back until allowed
    next_due: datetime | None = field(default=None, repr=False)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


@dataclass
class _Claim:
    """The rows of one round and their claim token (``claimed_until``), renewed in flight.

    ``tokens`` holds every value this round may have written: a renewal whose outcome is
    unknown (the connection failed around its COMMIT) may or may not have moved the rows on.
    """

    ids: list[int]
    tokens: list[datetime]
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def token(self) -> datetime:
        return self.tokens[-1]


def _short(error: str) -> str:
    return error if len(error) <= _ERROR_MAX else error[: _ERROR_MAX - 1] + "…"


class OutboxSender:
    """Delivers committed outbox rows; see the module docstring."""

    def __init__(
        self,
        session_factory: Callable[[], AsyncSession],
        transport: Transport | RowTransport,
        *,
        clock: Clock | None = None,
        instance_id: str | None = None,
        batch_size: int = 50,
        poll_interval: float = 1.0,
        lease: timedelta = DEFAULT_LEASE,
        max_attempts: int = 12,
        limits: RateLimits | None = None,
        on_result: Callable[[Outbox, str], None] | None = None,
        backoff: Backoff | None = None,
        rng: random.Random | None = None,
        call_timeout: float | None = None,
        renew_every: float | None = None,
        channel: str = "telegram",
        on_failed: FailureHandler | None = None,
    ) -> None:
        if batch_size < 1 or max_attempts < 1:
            raise ValueError("batch_size and max_attempts must be at least 1")
        self._session_factory = session_factory
        self._transport = transport
        self.channel = channel
        self._on_failed = on_failed
        self._clock: Clock = clock or SystemClock()
        self.instance_id = instance_id or uuid4().hex[:12]
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._lease = lease
        self._max_attempts = max_attempts
        self.limiter = RateLimiter(limits)
        self._on_result = on_result
        self._backoff = backoff or Backoff()
        self._rng = rng or random.Random()
        # A hung transport gives up after this (the row is retried); meanwhile the heartbeat
        # renews the lease every ``renew_every`` seconds, so no other sender claims it.
        self._call_timeout = call_timeout or DEFAULT_CALL_TIMEOUT
        self._renew_every = renew_every or max(0.001, lease.total_seconds() / 3)
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._round_lock = asyncio.Lock()
        self.last_round = RoundStats()
        self._next_due: datetime | None = None  # earliest known retry/deferral time

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Start delivering in a background task of the running loop."""
        if self._task is not None and not self._task.done():
            return
        self._stopping = False
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name=f"outbox-sender-{self.instance_id}")

    async def stop(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109 (contract)
        """Let the round in flight finish (its sends and their outcomes), then return.

        After ``timeout`` the task is cancelled; rows it held stay ``sending`` and are claimed
        again once their lease expires (seconds later: it is no longer renewed)."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except TimeoutError:
            log.warning("outbox sender %s: stop timed out, cancelling", self.instance_id)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """Deliver now (call after committing a transaction that queued messages)."""
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                handled = await self.run_once()
            except Exception:
                log.exception("outbox sender %s: round failed", self.instance_id)
                handled = 0
            if self._stopping:
                break
            if handled:
                await asyncio.sleep(0)  # more may be due: go again, but let others run
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._idle_wait())

    def _idle_wait(self) -> float:
        """Until the earliest retry or deferral this sender scheduled, at most a poll."""
        due = self._next_due
        if due is None:
            return self._poll_interval
        seconds = (due - self._clock.now()).total_seconds()
        return min(self._poll_interval, max(0.001, seconds))

    def _hint(self, due: datetime | None) -> None:
        if due is not None and (self._next_due is None or due < self._next_due):
            self._next_due = due

    # -- one round ----------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Claim due rows, deliver them, record the outcomes; return the rows handled
        (sent, retried or failed; rows put back for a rate limit are not counted)."""
        async with self._round_lock:
            stats = RoundStats()
            self.last_round = stats
            now = self._clock.now()
            if self._next_due is not None and self._next_due <= now:
                self._next_due = None  # this round sees whatever was due by then
            room = min(self._batch_size, self.limiter.available(now))
            if room == 0:
                stats.next_due = self.limiter.next_overall(now)
                self._hint(stats.next_due)
                return 0
            rows, token = await self._claim(now, room)
            stats.claimed = len(rows)
            if not rows:
                return 0

            to_send: list[Outbox] = []
            outcomes: list[_Outcome] = []
            deferred: list[tuple[Outbox, datetime]] = []
            for row in rows:
                if row.attempts > self._max_attempts:
                    error = f"gave up after {row.attempts - 1} attempts: {row.last_error or 'delivery interrupted'}"
                    outcomes.append(_Outcome(row, FAILED, error=error))
                    continue
                allowed = self.limiter.reserve(
                    self._chat_key(row), now, row.method, bulk=row.priority > 0
                )
                if allowed is None:
                    to_send.append(row)
                else:
                    deferred.append((row, allowed))

            claim = _Claim([r.id for r in rows if r.id is not None], [token])
            heartbeat = asyncio.create_task(self._keep_claim(claim))
            try:
                delivered = await asyncio.gather(*(self._deliver(row) for row in to_send))
            finally:
                claim.done.set()
                await heartbeat
            self.limiter.settle(
                now,
                {
                    self._chat_key(o.row): o.done_at or now
                    for o in delivered
                    if o.row.method not in NOT_CHAT_MESSAGES
                },
            )
            outcomes += delivered
            done_at = self._clock.now()
            for outcome in outcomes:
                self._schedule(outcome, done_at)
            await self._record(outcomes, deferred, claim, done_at)

            stats.deferred = len(deferred)
            for outcome in outcomes:
                if outcome.kind == SENT:
                    stats.sent += 1
                elif outcome.kind == FAILED:
                    stats.failed += 1
                else:
                    stats.retried += 1
            times = [t for _, t in deferred] + [o.retry_at for o in outcomes if o.retry_at]
            stats.next_due = min(times) if times else None
            self._hint(stats.next_due)
            self._report(outcomes)
            return stats.handled

    def _chat_key(self, row: Outbox) -> int:
        """The rate limits' key of the row's chat: Telegram's chat id; for the other channels
        a positive number derived from the address (negative ids are Telegram's groups)."""
        if self.channel == "telegram" and row.chat_id is not None:
            return row.chat_id
        return zlib.crc32((row.address or "").encode())

    async def _claim(self, now: datetime, limit: int) -> tuple[list[Outbox], datetime]:
        """Atomically mark up to ``limit`` due rows ``sending`` for this sender.

        Due: pending and ``next_attempt_at`` reached, or sending with an expired lease; and
        the oldest undelivered row of its chat, not counting rows queued for later that are
        not due yet (``not_before``). ``claimed_until`` doubles as the claim token.
        """
        token = now + self._lease
        o = Outbox.__table__.alias("o")  # type: ignore[attr-defined]
        ahead = Outbox.__table__.alias("ahead")  # type: ignore[attr-defined]
        due = or_(
            and_(o.c.status == PENDING, o.c.next_attempt_at <= now),
            and_(o.c.status == SENDING, o.c.claimed_until < now),
        )
        if self.channel == "telegram":
            same_chat = ahead.c.chat_id == o.c.chat_id
        else:
            same_chat = and_(ahead.c.channel == o.c.channel, ahead.c.address == o.c.address)
        first_of_chat = ~exists().where(
            same_chat,
            ahead.c.id < o.c.id,
            ahead.c.status.in_(UNDELIVERED),
            or_(ahead.c.not_before.is_(None), ahead.c.not_before <= now),
            ahead.c.priority <= o.c.priority,  # a reply never waits behind a broadcast
        )
        ids = (
            select(o.c.id)
            .where(o.c.channel == self.channel, due, first_of_chat)
            .order_by(o.c.priority, o.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite serialises writers anyway
        )
        stmt = (
            update(Outbox)
            .where(Outbox.id.in_(ids))  # type: ignore[union-attr]
            .values(status=SENDING, claimed_until=token, attempts=Outbox.attempts + 1)
            .returning(Outbox)
            .execution_options(synchronize_session=False)
        )
        async with self._session_factory() as session:
            rows = list((await session.exec(stmt)).scalars().all())
            await session.commit()
        rows.sort(key=lambda r: (r.priority, r.id or 0))
        return rows, token

    async def _keep_claim(self, claim: _Claim) -> None:
        """While the round's calls are in flight: renew the lease of its rows every
        ``renew_every`` seconds (rows another sender took over meanwhile are left alone).

        Stopped by ``claim.done``, never cancelled: a renewal cut off after its COMMIT would
        leave the rows with a token the round does not know, and they would be sent twice."""
        while not claim.done.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(claim.done.wait(), self._renew_every)
                return
            token = self._clock.now() + self._lease
            if token <= claim.token:
                continue
            stmt = (
                update(Outbox)
                .where(
                    col(Outbox.id).in_(claim.ids),
                    col(Outbox.status) == SENDING,
                    col(Outbox.claimed_until).in_(claim.tokens),
                )
                .values(claimed_until=token)
                .execution_options(synchronize_session=False)
            )
            claim.tokens.append(token)
            try:
                async with self._session_factory() as session:
                    await session.exec(stmt)
                    await session.commit()
            except Exception as exc:  # the database is away: try again at the next beat
                log.warning(
                    "outbox sender %s: lease not renewed: %s: %s",
                    self.instance_id,
                    type(exc).__name__,
                    exc,
                )

    async def _deliver(self, row: Outbox) -> _Outcome:
        outcome = await self._call(row)
        outcome.done_at = self._clock.now()
        return outcome

    async def _call(self, row: Outbox) -> _Outcome:
        transport = self._transport
        work = (
            transport.deliver(row)
            if hasattr(transport, "deliver")
            else transport.call(row.method, dict(row.payload))
        )
        try:
            result = await asyncio.wait_for(work, self._call_timeout)
        except RetryLater as exc:
            outcome = _Outcome(row, "retry", error=f"retry: {exc}")
            outcome.consume_attempt = exc.consume_attempt
            if exc.retry_after is not None:
                outcome.retry_at = self._clock.now() + timedelta(seconds=max(0.0, exc.retry_after))
                if exc.pause_all:  # flood control: a broadcast backs off as a whole
                    self.limiter.pause_bulk(outcome.retry_at)
            return outcome
        except PermanentFailure as exc:
            return _Outcome(row, FAILED, error=exc.reason)
        except TimeoutError:
            return _Outcome(row, "retry", error=f"timeout after {self._call_timeout:g}s")
        except Exception as exc:  # a transport bug must not lose the row: retry, then fail
            log.exception("outbox row %s: unexpected transport error", row.id)
            return _Outcome(row, "retry", error=f"{type(exc).__name__}: {exc}")
        return _Outcome(row, SENT, result=result)

    def _schedule(self, outcome: _Outcome, now: datetime) -> None:
        """Turn a retry into its next attempt time, or into a failure once attempts ran out."""
        if outcome.kind != "retry":
            return
        attempts = outcome.row.attempts if outcome.consume_attempt else outcome.row.attempts - 1
        if outcome.consume_attempt and attempts >= self._max_attempts:
            outcome.kind = FAILED
            outcome.error = f"gave up after {attempts} attempts: {outcome.error}"
            outcome.retry_at = None
            return
        if outcome.retry_at is None:
            delay = self._backoff.delay(max(1, attempts), self._rng)
            outcome.retry_at = now + timedelta(seconds=delay)

    async def _record(
        self,
        outcomes: list[_Outcome],
        deferred: list[tuple[Outbox, datetime]],
        claim: _Claim,
        now: datetime,
    ) -> None:
        """Write every outcome in one transaction; each UPDATE only applies if the row is
        still ours (status sending with one of our claim tokens)."""
        tokens = list(claim.tokens)

        def mine(row: Outbox) -> Any:
            return and_(
                col(Outbox.id) == row.id,
                col(Outbox.status) == SENDING,
                col(Outbox.claimed_until).in_(tokens),
            )

        async with self._session_factory() as session:
            for row, allowed in deferred:
                await session.exec(
                    update(Outbox)
                    .where(mine(row))
                    .values(
                        status=PENDING,
                        next_attempt_at=allowed,
                        claimed_until=None,
                        attempts=Outbox.attempts - 1,
                    )
                )
            for outcome in outcomes:
                row = outcome.row
                values: dict[str, Any]
                if outcome.kind == SENT:
                    message_id = _message_id(outcome.result)
                    values = {
                        "status": SENT,
                        "sent_at": now,
                        "message_id": message_id,
                        "claimed_until": None,
                    }
                elif outcome.kind == FAILED:
                    values = {
                        "status": FAILED,
                        "last_error": _short(outcome.error or "failed"),
                        "claimed_until": None,
                    }
                else:
                    values = {
                        "status": PENDING,
                        "next_attempt_at": outcome.retry_at,
                        "last_error": _short(outcome.error or "retry"),
                        "claimed_until": None,
                    }
                    if not outcome.consume_attempt:
                        values["attempts"] = Outbox.attempts - 1
                done = outcome.kind in (SENT, FAILED)
                if done and row.transient:  # nothing of it is kept, not even the outcome
                    statement: Any = delete(Outbox).where(mine(row))
                else:
                    statement = update(Outbox).where(mine(row)).values(**values)
                result = await session.exec(statement)
                if result.rowcount != 1:
                    log.warning(
                        "outbox row %s: claim lost before recording %s", row.id, outcome.kind
                    )
                    continue
                self._apply(row, values, outcome)
                if outcome.kind == SENT and row.ref and not row.transient:
                    await self._run_ref(session, row, outcome.result)
                if outcome.kind == FAILED and row.ref and not row.transient:
                    await self._run_ref(session, row, outcome.error or "failed", failed=True)
                if outcome.kind == FAILED and self._on_failed is not None and not row.transient:
                    await self._run_on_failed(session, row, outcome.error or "failed")
            await session.commit()

    @staticmethod
    def _apply(row: Outbox, values: dict[str, Any], outcome: _Outcome) -> None:
        """Mirror the recorded values on the detached row handed to ``on_result``."""
        for key, value in values.items():
            if key != "attempts":
                setattr(row, key, value)
        if not outcome.consume_attempt:
            row.attempts -= 1

    async def _run_ref(
        self, session: AsyncSession, row: Outbox, result: Any, *, failed: bool = False
    ) -> None:
        kind, _, argument = (row.ref or "").partition(":")
        handler = (_ref_failure_handlers if failed else _ref_handlers).get(kind)
        if handler is None and failed:
            return
        if handler is None:
            log.warning("outbox row %s: no handler for ref %r", row.id, row.ref)
            return
        try:
            async with session.begin_nested():  # a failing handler must not undo "sent"
                await handler(session, row, argument, result)
        except Exception:
            log.exception("outbox row %s: ref handler for %r failed", row.id, row.ref)

    async def _run_on_failed(self, session: AsyncSession, row: Outbox, error: str) -> None:
        assert self._on_failed is not None
        try:
            async with session.begin_nested():  # a failing handler must not undo "failed"
                await self._on_failed(session, row, error)
        except Exception:
            log.exception("outbox row %s: failure handler failed", row.id)

    def _report(self, outcomes: list[_Outcome]) -> None:
        for outcome in outcomes:
            if outcome.kind == FAILED:
                log.warning("outbox row %s failed: %s", outcome.row.id, outcome.row.last_error)
            if self._on_result is None:
                continue
            try:
                self._on_result(outcome.row, outcome.kind)
            except Exception:
                log.exception("outbox on_result callback failed")
