"""Process one Telegram update exactly once: the heart of the webhook and of long polling.

One transaction records the ``update_id`` (``INSERT ... ON CONFLICT DO NOTHING``: when it is
already there, the update is a redelivery and is skipped), runs the aiogram dispatcher with the
session and an :class:`~handlers.telegram.outgoing.Outgoing` (handlers queue messages into the outbox,
they never call the Bot API while processing), and commits. Only then is the update answered.

Failure policy:

* a transient infrastructure error (database unreachable or locked, a dropped connection, Redis
  down) rolls back and raises :class:`TransientError`: the webhook answers 500 and long polling
  does not confirm the offset, so Telegram delivers the update again and nothing is lost;
* any other exception is a bug in a handler: it rolls back, is logged with its traceback, and a
  fresh transaction records the update as ``<kind>:error`` and queues an apology to the user, so
  a poisoned update is not redelivered forever (when even that fails, the update is logged
  and dropped: answered 200, never a 5xx for input that can never succeed).

Conversation state (the FSM, see :mod:`bot.fsm`) is written in the same transaction with the
database storage, right after the commit with Redis. When another update of the same
conversation committed first, the update runs once more on the state it left (a second
conflict in a row is transient).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db import SessionFactory
from bot.fsm import ConversationConflict, FsmBuffer, TransactionalStorage
from bot.logging import log_update
from bot.metrics import Metrics
from handlers.notify.outbox import queued_in
from handlers.telegram.outgoing import Outgoing, chat_of
from handlers.telegram.texts import lang_of
from locales import t
from tickets.clock import Clock, SystemClock
from tickets.models import ProcessedUpdate

log = logging.getLogger(__name__)

_PROCESSED = ProcessedUpdate.__table__  # type: ignore[attr-defined]


class TransientError(Exception):
    """Infrastructure failed while processing; the update must be delivered again."""


@dataclass(frozen=True)
class Result:
    update_id: int
    kind: str
    outcome: str  # ok | ignored | duplicate | error
    queued: int = 0


def update_kind(update: Update) -> str:
    """The update's type (``message``, ``pre_checkout_query``...), ``unknown`` if none."""
    try:
        return update.event_type
    except UpdateTypeLookupError:
        return "unknown"


def _transient_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [
        ConversationConflict,  # twice in a row: Telegram delivers the update again
        sa_exc.OperationalError,
        sa_exc.InterfaceError,
        sa_exc.TimeoutError,  # connection pool exhausted
        sa_exc.DisconnectionError,
        ConnectionError,
        TimeoutError,
        OSError,
    ]
    with contextlib.suppress(ImportError):
        from redis import exceptions as redis_exc

        types += [redis_exc.ConnectionError, redis_exc.TimeoutError, redis_exc.BusyLoadingError]
    return tuple(types)


_TRANSIENT = _transient_types()


def is_transient(exc: BaseException) -> bool:
    """True for failures of the infrastructure (retry later), False for bugs."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _TRANSIENT):
            return True
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        current = current.__cause__ or current.__context__
    return False


def connection_lost(exc: BaseException) -> bool:
    """True when SQLAlchemy found the connection dead and invalidated the pool."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        current = current.__cause__ or current.__context__
    return False


class InFlight:
    """Counts updates being processed so shutdown can wait for them."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def count(self) -> int:
        return self._count

    @contextlib.asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        self._count += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    async def drain(self, grace: float) -> bool:
        """Wait until nothing is in flight; False if the timeout passed first."""
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            return False
        return True


def _record_statement(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(_PROCESSED).on_conflict_do_nothing(index_elements=["update_id"])


# Built once per dialect; the values go in as parameters (cheaper than a fresh statement).
_RECORD = {name: _record_statement(name) for name in ("postgresql", "sqlite")}


async def record_update(session: AsyncSession, update_id: int, kind: str, clock: Clock) -> bool:
    """Insert the update's id; False when it was already recorded (a redelivery)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    stmt = _RECORD.get(dialect)
    if stmt is None:  # a clause has no truth value: no `or` here
        stmt = _record_statement(dialect)
    params = {"update_id": update_id, "kind": kind[:32], "processed_at": clock.now()}
    result = await session.exec(stmt, params=params)
    return bool(result.rowcount)


class UpdateProcessor:
    """Runs updates through the dispatcher, once each, inside one transaction."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        session_factory: SessionFactory,
        *,
        metrics: Metrics,
        clock: Clock | None = None,
        on_commit: Callable[[], None] | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.session_factory = session_factory
        self.metrics = metrics
        self.clock = clock or SystemClock()
        self.on_commit = on_commit
        self.data = data or {}
        self.in_flight = InFlight()

    async def process(self, update: Update, kind: str | None = None) -> Result:
        """Process ``update``; raises :class:`TransientError` when it must be redelivered."""
        kind = kind or update_kind(update)
        started = time.perf_counter()
        self.metrics.in_flight.inc()
        try:
            async with self.in_flight.track():
                result = await self._process(update, kind)
        except TransientError as exc:
            self.metrics.errors.labels("transient").inc()
            elapsed = time.perf_counter() - started
            self.metrics.observe_update(kind, "retry", elapsed)
            log.warning("update %s will be redelivered: %s", update.update_id, exc.__cause__)
            log_update(update.update_id, kind, "retry", elapsed * 1000)
            raise
        finally:
            self.metrics.in_flight.dec()
        elapsed = time.perf_counter() - started
        self.metrics.observe_update(kind, result.outcome, elapsed)
        log_update(update.update_id, kind, result.outcome, elapsed * 1000)
        if result.queued and self.on_commit is not None:
            self.on_commit()
        return result

    async def _process(self, update: Update, kind: str) -> Result:
        try:
            try:
                return await self._handle(update, kind)
            except ConversationConflict:
                # Another update of this conversation committed while this one ran (it waited
                # for that one's row lock): run it again on the state that one left.
                log.info("update %s: its conversation changed meanwhile; again", update.update_id)
                return await self._handle(update, kind)
            except Exception as exc:
                if not connection_lost(exc):
                    raise
                # A pooled connection died (PostgreSQL restarted, a proxy timed it out): the
                # pool has thrown its connections away, so run the update once more on a
                # fresh one. Safe even if the lost COMMIT went through: the update's id is
                # recorded then, and the second run is a duplicate.
                log.warning(
                    "update %s: the database connection was lost; trying once more",
                    update.update_id,
                )
                return await self._handle(update, kind)
        except TransientError:
            raise
        except Exception as exc:
            if is_transient(exc):
                raise TransientError(str(exc)) from exc
            self.metrics.errors.labels("handler").inc()
            log.exception("handler failed on update %s (%s)", update.update_id, kind)
        return await self._record_failure(update, kind)

    async def _handle(self, update: Update, kind: str) -> Result:
        storage = self.dispatcher.storage
        fsm = storage.buffer() if isinstance(storage, TransactionalStorage) else None
        with fsm or contextlib.nullcontext() as buffer:
            async with self.session_factory() as session, session.begin():
                if not await record_update(session, update.update_id, kind, self.clock):
                    return Result(update.update_id, kind, "duplicate")
                outgoing = Outgoing(session)
                if kind == "unknown":
                    return Result(update.update_id, kind, "ignored")
                if buffer is not None:
                    buffer.session = session  # the database storage reads and writes in it
                response = await self.dispatcher.feed_update(
                    self.bot,
                    update,
                    session=session,
                    outgoing=outgoing,
                    clock=self.clock,
                    **self.data,
                )
                if buffer is not None and buffer.transactional:
                    await buffer.flush()  # the conversation commits with the update
            # Committed: now the conversation state may move on (see TransactionalStorage).
            if buffer is not None and not buffer.transactional:
                await self._flush_fsm(update, buffer)
        outcome = "ignored" if response is UNHANDLED and not outgoing.queued else "ok"
        # Every row the update queued (its handlers' and the ticket service's): the sender is
        # woken after the commit when there is any.
        return Result(update.update_id, kind, outcome, queued_in(session))

    async def _flush_fsm(self, update: Update, buffer: FsmBuffer) -> None:
        try:
            await buffer.flush()
        except Exception as exc:  # committed already: a redelivery would be a duplicate
            self.metrics.errors.labels("fsm").inc()
            log.error(
                "update %s committed but its conversation state was not saved: %s: %s",
                update.update_id,
                type(exc).__name__,
                exc,
            )

    async def _record_failure(self, update: Update, kind: str) -> Result:
        """After a handler bug: mark the update handled and apologise, in a fresh transaction."""
        try:
            async with self.session_factory() as session, session.begin():
                if not await record_update(session, update.update_id, f"{kind}:error", self.clock):
                    return Result(update.update_id, kind, "duplicate")
                outgoing = Outgoing(session)
                chat_id = chat_of(update)
                if chat_id is not None:
                    await outgoing.send_message(chat_id, t(lang_of(update), "apology"))
        except Exception as exc:
            if is_transient(exc):
                raise TransientError(str(exc)) from exc
            # Not even the failure can be recorded (a value the database refuses): running it
            # again cannot help, so it is dropped here rather than redelivered forever.
            log.error(
                "update %s dropped: its failure could not be recorded: %s: %s",
                update.update_id,
                type(exc).__name__,
                exc,
            )
            return Result(update.update_id, kind, "error")
        return Result(update.update_id, kind, "error", queued_in(session))
