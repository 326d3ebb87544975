"""The notifier: domain events rendered for each recipient's channel and language, queued.

:class:`OutboxNotifier` implements :class:`tickets.notify.Notifier` for one session:

* a citizen (:class:`~tickets.notify.ToCitizen`) is reached on the channel they used last
  (:func:`tickets.people.citizens.reach`; nothing is sent to one who erased their data), in
  their explicit language, else the ticket's: Telegram rows, or the web chat's / WeChat's
  ``message`` rows (:mod:`handlers.notify.channels`);
* staff (:class:`~tickets.notify.ToStaff`) are Telegram chats, written to in the person's own
  language, else the desk's staff language (``scheduler.staff_lang``: group chats, and people
  who chose none).

Every row goes through the one writer (:func:`handlers.notify.outbox.write`), with the event's
``ref``, dedupe key, queue time and the citizen it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.notify.channels import Part, telegram_call, text_payload, web_payload
from handlers.notify.format import DepartmentNames
from handlers.notify.outbox import write
from handlers.notify.render import RenderContext, departments_of, render
from tickets.config.desk import DeskConfig
from tickets.models import Citizen, CitizenIdentity, Department
from tickets.notify import (
    Event,
    InfoRequested,
    Queued,
    TicketNotice,
    TicketReplied,
    ToCitizen,
)
from tickets.people.citizens import Identity, reach

__all__ = ["NotifySetup", "OutboxNotifier", "notifier_factory"]

# Events whose message to the citizen is a staff member's words (the web chat shows them as
# the staff's, ``"from": "staff"``); the rest are the desk's.
STAFF_WORDS = (TicketReplied, InfoRequested)


@dataclass(frozen=True)
class NotifySetup:
    """What the notifier renders with: the departments file (names), the city's time zone, and
    the staff language for group chats and staff who chose none (default: the file's
    ``scheduler.staff_lang``)."""

    config: DeskConfig | None
    tz: tzinfo
    staff_lang: str = "zh"

    @classmethod
    def of(
        cls, config: DeskConfig | None, tz: tzinfo | str, staff_lang: str | None = None
    ) -> NotifySetup:
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz
        if staff_lang is None:
            staff_lang = config.scheduler.staff_lang if config is not None else "zh"
        return cls(config, zone, staff_lang)


class OutboxNotifier:
    """Publishes events into the outbox of one session (see the module docstring)."""

    def __init__(self, session: AsyncSession, setup: NotifySetup) -> None:
        self.session = session
        self.setup = setup
        self._citizens: dict[int, tuple[Identity, str | None] | None] = {}
        self._rows: dict[str, tuple[str, str]] | None = None

    async def publish(self, event: Event) -> list[Queued]:
        ctx = RenderContext(self.setup.tz, await self._names(event))
        queued: list[Queued] = []
        for to in event.recipients:
            if isinstance(to, ToCitizen):
                found = await self._citizen(to.citizen_id)
                if found is None:  # erased, or reachable nowhere: nothing to send
                    continue
                identity, chosen = found
                if isinstance(event, TicketNotice):
                    ticket_lang = event.ticket.lang
                else:  # e.g. an announcement: the language its subscriber subscribed in
                    ticket_lang = getattr(event, "lang", None)
                parts = render(event, to, chosen or ticket_lang, ctx)
                queued += await self._to_identity(event, identity, parts)
            else:
                parts = render(event, to, to.language or self.setup.staff_lang, ctx)
                queued += await self._to_telegram(event, to.chat_id, parts)
        return queued

    async def _to_telegram(self, event: Event, chat_id: int, parts: list[Part]) -> list[Queued]:
        out = []
        for index, part in enumerate(parts):
            method, payload = telegram_call(part)
            row = await self._write(event, index, chat_id, method, payload)
            if row is not None:
                out.append(row)
        return out

    async def _to_identity(
        self, event: Event, identity: Identity, parts: list[Part]
    ) -> list[Queued]:
        if identity.channel == "telegram":
            return await self._to_telegram(event, int(identity.address or 0), parts)
        out = []
        payloads = text_payload(parts)
        if identity.channel == "web":
            payloads = web_payload(payloads, staff=isinstance(event, STAFF_WORDS))
        for index, payload in enumerate(payloads):
            row = await self._write(
                event,
                index,
                None,
                "message",
                payload,
                channel=identity.channel,
                address=identity.address,
            )
            if row is not None:
                out.append(row)
        return out

    async def _write(
        self,
        event: Event,
        index: int,
        chat_id: int | None,
        method: str,
        payload: dict[str, object],
        *,
        channel: str = "telegram",
        address: str | None = None,
    ) -> Queued | None:
        key = event.dedupe_key
        if key is not None and index:
            key = f"{key}#{index}"
        return await write(
            self.session,
            chat_id,
            method,
            dict(payload),
            ref=event.ref,
            dedupe_key=key,
            now=event.at,
            citizen_id=event.about,
            channel=channel,
            address=address,
            priority=event.priority,
            not_before=event.not_before,
        )

    async def prefetch(self, citizen_ids: list[int]) -> None:
        """Load where a batch of citizens is reached and their languages in two queries
        (an announcement's chunk), instead of two per citizen."""
        wanted = [c for c in dict.fromkeys(citizen_ids) if c not in self._citizens]
        if not wanted:
            return
        citizens = {
            c.id: c
            for c in (
                await self.session.exec(select(Citizen).where(col(Citizen.id).in_(wanted)))
            ).all()
        }
        rows = (
            await self.session.exec(
                select(CitizenIdentity)
                .where(col(CitizenIdentity.citizen_id).in_(wanted))
                .order_by(col(CitizenIdentity.last_seen_at).desc(), col(CitizenIdentity.id).desc())
            )
        ).all()
        best: dict[int, Identity] = {}
        for row in rows:  # the channel they used last, with an address, first
            if row.address and row.citizen_id not in best:
                best[row.citizen_id] = Identity(row.channel, row.external_id, row.address)
        for citizen_id in wanted:
            citizen = citizens.get(citizen_id)
            identity = best.get(citizen_id)
            found = None
            if citizen is not None and citizen.erased_at is None and identity is not None:
                found = (identity, citizen.language)
            self._citizens[citizen_id] = found

    async def _citizen(self, citizen_id: int) -> tuple[Identity, str | None] | None:
        if citizen_id not in self._citizens:
            citizen = await self.session.get(Citizen, citizen_id)
            identity = await reach(self.session, citizen)
            found = None
            if identity is not None and identity.address and citizen is not None:
                found = (identity, citizen.language)
            self._citizens[citizen_id] = found
        return self._citizens[citizen_id]

    async def _names(self, event: Event) -> DepartmentNames:
        """The departments file's names, and the database's for a department it does not know
        (loaded once, only then)."""
        names = DepartmentNames(self.setup.config, self._rows)
        if self._rows is None and any(not names.known(s) for s in departments_of(event)):
            stmt = select(Department.slug, Department.name_zh, Department.name_en)
            rows = (await self.session.exec(stmt)).all()
            self._rows = {str(slug): (str(zh), str(en)) for slug, zh, en in rows}
            names = DepartmentNames(self.setup.config, self._rows)
        return names


def notifier_factory(
    config: DeskConfig | None, tz: tzinfo | str, staff_lang: str | None = None
) -> Callable[[AsyncSession], OutboxNotifier]:
    """A :data:`tickets.notify.NotifierFactory` for the composition root and the tests."""
    setup = NotifySetup.of(config, tz, staff_lang)
    return lambda session: OutboxNotifier(session, setup)
