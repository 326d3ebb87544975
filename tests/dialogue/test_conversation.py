"""The dialogue on its own, with no channel: a web visitor asks, picks, files a request, rates;
replies are plain data (message keys, parameters, action ids), the state round-trips."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from bot.db import SessionFactory
from handlers.deps import Deps
from handlers.dialogue import Dialogue, FloodGuard
from handlers.dialogue.model import Inbound, Outcome, Person, Text, render
from handlers.dialogue.state import Conversation
from tests.citizen.conftest import NOW, SHANGHAI, LiveKB, write_config
from tickets.clock import FixedClock
from tickets.config.live import DeskConfigHolder
from tickets.models import CitizenIdentity, Outbox, Ticket
from tickets.people.citizens import Identity
from tickets.people.departments import sync_departments

VISITOR = Person(Identity("web", "v-42", "v-42"), language_code="en")


class Web:
    """A channel-less driver: one transaction per input, the state kept between them."""

    def __init__(self, factory: SessionFactory, deps: Deps) -> None:
        self.factory = factory
        self.deps = deps
        self.dialogue = Dialogue(FloodGuard())
        self.state = Conversation()
        self.keys = iter(range(1, 10_000))

    async def send(self, kind: str = "text", **fields: object) -> Outcome:
        if kind != "press":
            fields.setdefault("key", next(self.keys))
        async with self.factory() as session:
            out, self.state = await self.dialogue.handle(
                session,
                self.deps,
                VISITOR,
                self.state,
                Inbound(kind, **fields),  # type: ignore[arg-type]
            )
            await session.commit()
        step, data = self.state.dump()
        self.state = Conversation.load(step, data)  # as a channel stores it
        return out

    @staticmethod
    def texts(out: Outcome) -> list[str]:
        return [render(r.text, out.lang) for r in out.replies]


async def _web(session_factory: SessionFactory, tmp_path: Path) -> Web:
    config, kb = write_config(tmp_path / "config")
    clock = FixedClock(NOW)
    async with session_factory() as session:
        await sync_departments(session, config, now=clock.now())
        await session.commit()
    deps = Deps(
        desk=DeskConfigHolder(SHANGHAI, config=config), kb=LiveKB(kb), tz=SHANGHAI, clock=clock
    )
    return Web(session_factory, deps)


async def test_a_web_visitor_gets_the_answer_as_plain_data(session_factory, tmp_path) -> None:
    web = await _web(session_factory, tmp_path)
    out = await web.send(text="Where can I apply for public housing?")
    (reply,) = out.replies
    assert isinstance(reply.text, Text) and reply.text.key == "faq-answer"
    assert reply.quote and [a.id for a in reply.actions[0]] == ["fq:y:1:0", "fq:n:1:0"]
    assert web.texts(out)[0].startswith("Apply online on the housing portal")
    thanks = await web.send("press", action="fq:y:1:0")
    assert thanks.ack is not None and web.texts(thanks) == [render(Text("faq-glad"), "en")]


async def test_a_web_visitor_files_a_request_and_is_known_by_their_identity(
    session_factory, tmp_path
) -> None:
    web = await _web(session_factory, tmp_path)
    await web.send("command", command="new")
    assert web.state.step == "describe"
    out = await web.send(text="The streetlight outside my building has been broken for a week")
    assert web.state.step in ("draft", "department")
    if web.state.step == "department":  # unsure: the router's candidates are offered
        choice = [a.id for row in out.replies[-1].actions for a in row]
        out = await web.send("press", action=next(a for a in choice if a == "tf:setdept:roads"))
    assert web.state.step == "draft"
    photo = await web.send("photo", files=("web-file-1",))
    assert "Photos: 1" in web.texts(photo)[-1]
    done = await web.send("press", action="tf:submit:")
    assert done.ack is not None and web.state.draft is None
    async with session_factory() as session:
        (ticket,) = (await session.exec(select(Ticket))).all()
        (identity,) = (await session.exec(select(CitizenIdentity))).all()
        rows = (await session.exec(select(Outbox))).all()
    assert ticket.citizen_id == identity.citizen_id and identity.channel == "web"
    assert ticket.details["photos"] == ["web-file-1"]
    # the confirmation to the visitor is a web row, not a Telegram message
    mine = [r for r in rows if r.channel == "web"]
    assert [r.address for r in mine] == ["v-42"] and mine[0].chat_id is None
    assert ticket.number in mine[0].payload["text"]


async def test_foreign_actions_are_not_the_dialogues(session_factory, tmp_path) -> None:
    web = await _web(session_factory, tmp_path)
    out = await web.send("press", action="tk:take:1")  # a staff button
    assert not out.handled and out.replies == []
    stale = await web.send("press", action="fq:y:999:0")
    assert stale.ack is not None and stale.ack.alert  # an old question's button says so
