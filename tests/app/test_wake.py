"""The sender is woken after every update that queued anything: through the handler's
``Outgoing`` or through the ticket service's notifier (one outbox writer counts both)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from aiogram import Dispatcher, F, Router
from aiogram.types import Message, Update
from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.metrics import Metrics
from bot.processing import UpdateProcessor
from handlers.notify import NotifySetup, OutboxNotifier
from handlers.telegram.filters import Magic
from tests.app.support import recording_bot, text_update
from tickets.models import Outbox
from tickets.notify import FaqProblems, ToStaff


def _processor(session_factory, woken: list[int]) -> UpdateProcessor:  # type: ignore[no-untyped-def]
    """A handler that queues only through a notifier, as the ticket service does."""
    dispatcher = Dispatcher()
    router = Router()

    @router.message(Magic(F.text == "notify"))
    async def notify(message: Message, session: AsyncSession) -> None:
        notifier = OutboxNotifier(session, NotifySetup(None, ZoneInfo("Asia/Shanghai")))
        event = FaqProblems(
            at=datetime(2026, 11, 24, 2, 0, tzinfo=UTC),
            recipients=(ToStaff(77, 77),),
            problems=("faq/a.yaml:1: broken",),
            count=1,
        )
        assert len(await notifier.publish(event)) == 1

    @router.message(Magic(F.text == "quiet"))
    async def quiet(message: Message) -> None:
        return None

    dispatcher.include_router(router)
    bot, _ = recording_bot()
    return UpdateProcessor(
        dispatcher,
        bot,
        session_factory,
        metrics=Metrics(),
        on_commit=lambda: woken.append(1),
    )


async def test_rows_queued_by_the_service_wake_the_sender(session_factory) -> None:
    woken: list[int] = []
    processor = _processor(session_factory, woken)
    result = await processor.process(Update.model_validate(text_update(1, "notify")))
    assert (result.outcome, result.queued) == ("ok", 1)
    assert woken == [1]
    async with session_factory() as session:
        (row,) = (await session.exec(select(Outbox))).scalars().all()
        assert row.chat_id == 77 and "faq/a.yaml:1: broken" in row.payload["text"]
    quiet = await processor.process(Update.model_validate(text_update(2, "quiet")))
    assert quiet.queued == 0 and woken == [1]  # nothing queued: not woken
