"""One turn of a conversation: who, in which language, their state, what they did, and what
the dialogue answers (:class:`Turn`), shared by the dialogue's handlers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.dialogue.model import Ack, Action, Inbound, Outcome, Person, Raw, Text, Words
from handlers.dialogue.state import Conversation
from handlers.errors import render_error
from tickets.authz import Actor
from tickets.errors import TicketError
from tickets.models import Citizen
from tickets.people.citizens import get_or_create_citizen

if TYPE_CHECKING:
    from handlers.deps import Deps

__all__ = ["Turn"]


@dataclass
class Turn:
    session: AsyncSession
    deps: Deps
    person: Person
    citizen: Citizen | None
    lang: str
    state: Conversation
    inbound: Inbound
    out: Outcome
    now: datetime

    # -- who --------------------------------------------------------------------------------
    async def ensure_citizen(self) -> Citizen:
        """The person's citizen record (created on first contact), refreshed."""
        self.citizen = await get_or_create_citizen(
            self.session,
            self.person.identity,
            first_name=self.person.first_name,
            last_name=self.person.last_name,
            now=self.now,
        )
        return self.citizen

    @property
    def actor(self) -> Actor:
        """The person as a citizen acting on their own tickets."""
        return Actor.for_citizen(self.citizen)

    @property
    def today(self) -> date:
        """The city's date (expired FAQ entries are never given as the answer)."""
        return self.now.astimezone(self.deps.tz).date()

    # -- answering --------------------------------------------------------------------------
    def say(self, text: Words, *rows: Sequence[Action], **options: Any) -> None:
        self.out.say(text, *rows, **options)

    def ack(self, text: Words | None = None, *, alert: bool = False, **options: Any) -> None:
        """Answer the pressed button (once: a later call replaces an earlier one)."""
        self.out.ack = Ack(text, alert=alert, **options)

    def error(self, exc: TicketError) -> Raw:
        return Raw(render_error(exc, self.lang, self.deps.tz))

    @staticmethod
    def text(key: str, **params: Any) -> Text:
        return Text(key, params)
