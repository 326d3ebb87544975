"""One visitor's message through the dialogue, in one transaction with its answer.

:meth:`WebChatProcessor.handle` loads the visitor's conversation (``conversation_state`` under
``web:<visitor>``), runs the dialogue, stores the conversation (only if nobody changed it since
it was read: a conflict runs the message again on the new state) and writes the answer as
events of the visitor's stream (:mod:`.events`), the first carrying the visitor's own words
(``echo``). The ticket service's messages (a new ticket's confirmation to staff, ...) are
queued in the outbox in the same transaction. Everything commits together; then the caller
wakes the streams and the outbox senders.

``/deleteme`` confirmed: the visitor is erased with everything of theirs; the confirmation goes
to a *new* visitor id (the caller sets a new cookie), so nothing is left under the old one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.dialogue import Dialogue
from handlers.dialogue.model import Inbound, Outcome, Person, Text
from handlers.dialogue.state import Conversation
from handlers.web.chat import events
from handlers.web.chat.render import render_outcome
from handlers.web.chat.signing import new_visitor_id
from tickets.conversations import load_conversation, save_conversation
from tickets.people.citizens import Identity, find_citizen

__all__ = ["ConversationConflict", "Handled", "WebChatProcessor"]

log = logging.getLogger(__name__)


class ConversationConflict(Exception):
    """Another message of the same visitor changed the conversation meanwhile: run again."""


@dataclass
class Handled:
    """What a message did: the visitors whose streams got events; ``visitor`` the one to use
    from now on (a new one after an erasure)."""

    visitor: str
    woken: list[str] = field(default_factory=list)
    erased: bool = False


def conversation_key(visitor: str) -> str:
    return f"{events.CHANNEL}:{visitor}"


class WebChatProcessor:
    def __init__(
        self,
        session_factory: Callable[[], AsyncSession],
        deps: Deps,
        dialogue: Dialogue | None = None,
    ) -> None:
        self.sessions = session_factory
        self.deps = deps
        self.dialogue = dialogue or Dialogue()
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def _visitor_lock(self, visitor: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(visitor, (asyncio.Lock(), 0))
        self._locks[visitor] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[visitor]
            if users <= 1:
                del self._locks[visitor]
            else:
                self._locks[visitor] = (lock, users - 1)

    async def handle(
        self, visitor: str, inbound: Inbound, *, lang: str | None, echo: str | None
    ) -> Handled:
        async with self._visitor_lock(visitor):
            for attempt in (1, 2, 3):
                try:
                    return await self._once(visitor, inbound, lang, echo)
                except ConversationConflict:
                    if attempt == 3:
                        raise
        raise AssertionError("unreachable")

    async def _once(
        self, visitor: str, inbound: Inbound, lang: str | None, echo: str | None
    ) -> Handled:
        now = self.deps.clock.now()
        key = conversation_key(visitor)
        async with self.sessions() as session, session.begin():
            stored = await load_conversation(session, key)
            state = Conversation.load(stored.state, stored.data) if stored else Conversation()
            before = await find_citizen(session, events.CHANNEL, visitor)
            person = Person(Identity(events.CHANNEL, visitor, visitor), language_code=lang)
            outcome, after = await self.dialogue.handle(session, self.deps, person, state, inbound)
            if not outcome.handled:
                outcome = Outcome(lang=outcome.lang)
                outcome.say(Text("stale"))
            payloads = render_outcome(outcome, visitor=visitor)
            erased = before is not None and (
                await find_citizen(session, events.CHANNEL, visitor) is None
            )
            if erased:  # everything under the old id is gone: answer under a new one
                visitor = new_visitor_id()
                echo = None
            else:
                step, data = after.dump()
                if stored is None or (stored.state, stored.data) != (step, data):
                    ok = await save_conversation(
                        session,
                        key,
                        chat_id=0,
                        user_id=0,
                        state=step,
                        data=data,
                        read=stored,
                        now=now,
                    )
                    if not ok:
                        raise ConversationConflict(visitor)
            if echo:
                first = payloads[0] if payloads else {"from": "bot", "text": "", "actions": []}
                if not payloads:
                    payloads.append(first)
                first["echo"] = echo
            for payload in payloads:
                await events.append(session, visitor, payload, now)
        return Handled(visitor, [visitor] if payloads else [], erased)
