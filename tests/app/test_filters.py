"""Every filter and handler of the dispatcher is awaited on the event loop.

aiogram sends a plain (non-async) callable, a bare magic filter included, through
``asyncio.to_thread``; a handful of those per update made the thread hops most of an
update's latency. ``handlers.telegram.filters.Magic`` keeps magic filters on the loop.
"""

from __future__ import annotations

from aiogram import Dispatcher, F, Router
from aiogram.types import Chat, Message

import handlers.telegram
from handlers.telegram.filters import Magic


def _callables(router: Router):
    for sub in router.chain_tail:
        for name, observer in sub.observers.items():
            for f in observer._handler.filters or []:  # the router's own .filter(...)
                yield f"{sub.name}.{name} router filter {f.callback!r}", f
            for handler in observer.handlers:
                yield f"{sub.name}.{name} handler {handler.callback!r}", handler
                for f in handler.filters or []:
                    yield f"{sub.name}.{name} filter {f.callback!r} of {handler.callback!r}", f


def test_no_filter_or_handler_runs_in_a_thread() -> None:
    dispatcher = Dispatcher()
    handlers.telegram.setup(dispatcher)
    checked = list(_callables(dispatcher))
    assert len(checked) > 50  # the walk reached the routers' handlers and filters
    in_threads = [where for where, obj in checked if not obj.awaitable]
    assert in_threads == []


def test_a_bare_magic_filter_would_be_caught() -> None:
    router = Router(name="probe")
    router.message.register(lambda message: None, F.text)

    async def handler(message: Message) -> None:
        return None

    router.message.register(handler, Magic(F.text))
    flagged = [where for where, obj in _callables(router) if not obj.awaitable]
    assert len(flagged) == 2  # the lambda handler and its bare F.text
    assert all("probe.message" in where for where in flagged)


async def test_magic_resolves_like_the_magic_filter() -> None:
    private = Message.model_validate(
        {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1, "type": "private"},
            "text": "/start",
        }
    )
    group = private.model_copy(update={"chat": Chat(id=-5, type="group")})
    is_private = Magic(F.chat.type == "private")
    assert await is_private(private) is True
    assert await is_private(group) is False
    not_command = Magic(F.text & ~F.text.startswith("/"))
    assert not await not_command(private)
    assert await not_command(private.model_copy(update={"text": "hello"}))


async def test_the_staff_router_gate_lets_through_only_what_staff_handlers_take() -> None:
    from handlers.telegram.staff import may_be_for_staff
    from handlers.telegram.staff_common import StaffFlow

    def message(**fields: object) -> Message:
        base = {"message_id": 2, "date": 0, "chat": {"id": 9, "type": "private"}}
        return Message.model_validate({**base, **fields})

    question = message(text="社保卡丢了怎么补办")
    assert not await may_be_for_staff(question)
    assert not await may_be_for_staff(question, raw_state="TicketForm:describe")
    assert await may_be_for_staff(message(text="/queue"))
    assert await may_be_for_staff(message(caption="/reply 12 see the photo", photo=[]))
    assert await may_be_for_staff(question, raw_state=StaffFlow.reply_text.state)
    reply = message(
        text="done",
        reply_to_message={"message_id": 1, "date": 0, "chat": {"id": 9, "type": "private"}},
    )
    assert await may_be_for_staff(reply)
