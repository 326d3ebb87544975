"""The web chat's parts: the signed cookie and the CSRF token, image sniffing, rate limits,
the rendering of the dialogue's replies, the event log (per-visitor ids, concurrent writers)
and the outbox sender's exactly-once event (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlmodel import select

from bot.webchat import WebTransport
from handlers.dialogue.model import Action, Outcome, Text
from handlers.web.chat import events
from handlers.web.chat.hub import StreamHub, asyncpg_dsn
from handlers.web.chat.limits import RateLimiter
from handlers.web.chat.render import NO_PHONE, from_outbox, render_outcome
from handlers.web.chat.signing import Signer, new_visitor_id, shared_secret
from handlers.web.chat.views import sniff_image
from locales import t
from tickets.clock import FixedClock
from tickets.models import Outbox, WebchatEvent

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def test_the_cookie_names_its_visitor_only_when_signed_with_the_key() -> None:
    signer = Signer("key-1")
    visitor = new_visitor_id()
    cookie = signer.cookie(visitor)
    assert signer.visitor(cookie) == visitor
    assert Signer("key-2").visitor(cookie) is None
    assert signer.visitor(cookie[:-1] + ("A" if cookie[-1] != "A" else "B")) is None
    other = new_visitor_id()
    assert signer.visitor(other + cookie[len(visitor) :]) is None  # a signature moved over
    for junk in (None, "", ".", "x" * 500, "../../etc.passwd", visitor):
        assert signer.visitor(junk) is None
    # Undecodable bytes reach the handler as surrogates: refused, not a UnicodeEncodeError.
    assert signer.visitor(visitor + ".\udcff\udcfe") is None


def test_the_csrf_token_is_bound_to_the_visitor() -> None:
    signer = Signer("key-1")
    one, two = new_visitor_id(), new_visitor_id()
    assert signer.check_csrf(one, signer.csrf(one))
    assert not signer.check_csrf(two, signer.csrf(one))
    assert not signer.check_csrf(one, None) and not signer.check_csrf(one, "")
    assert not signer.check_csrf(one, "\udcff\udcfe") and not signer.check_csrf(one, "令牌😀")
    assert signer.csrf(one) != signer.cookie(one).partition(".")[2]  # another purpose


def test_images_are_recognised_by_their_magic_bytes() -> None:
    assert sniff_image(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff_image(b"\x89PNG\r\n\x1a\nrest") == "image/png"
    assert sniff_image(b"GIF89a...") == "image/gif"
    assert sniff_image(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    for other in (b"", b"<svg onload=alert(1)>", b"%PDF-1.7", b"MZ\x90\x00", b"<html>"):
        assert sniff_image(other) is None


def test_the_rate_limit_refills_with_time() -> None:
    now = [0.0]
    limiter = RateLimiter(3, clock=lambda: now[0])
    assert [limiter.take("v") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.take("v")
    assert 19 < wait <= 20  # one token every 20 s
    assert limiter.take("other") == 0.0
    now[0] += 20
    assert limiter.take("v") == 0.0
    assert limiter.take("v") > 0


def test_replies_become_events_with_actions_and_the_contact_field() -> None:
    outcome = Outcome(lang="en")
    outcome.say(Text("faq-none"), [Action("tf:new:", Text("btn-submit_question"))])
    outcome.say(Text("flow-phone_consent"), ask_contact=True)
    outcome.say(
        Text(
            "data-show",
            {
                "user_id": 1,
                "name": "",
                "phone": "",
                "consent": "",
                "language": "",
                "created": "",
                "seen": "",
                "tickets": "",
                "subscriptions": "",
                "privacy": Text("privacy"),
            },
        )
    )
    first, contact, data = render_outcome(outcome, visitor="V" * 24)
    assert first == {
        "from": "bot",
        "text": t("en", "faq-none"),
        "actions": [{"id": "tf:new:", "label": t("en", "btn-submit_question")}],
    }
    assert contact["contact"] is True and contact["text"] == t("en", "web-phone_consent")
    assert contact["actions"] == [{"id": NO_PHONE, "label": t("en", "btn-no_phone")}]
    assert "V" * 24 in data["text"] and "Telegram" not in data["text"]


def test_queued_rows_become_events_saying_who_speaks() -> None:
    row = {
        "text": "Fixed.",
        "actions": [{"id": "tk:resolved:1", "label": "OK"}],
        "from": "staff",
        "files": [{"kind": "photo", "file_id": "AgAD"}],
    }
    assert from_outbox(row) == {
        "from": "staff",
        "text": "Fixed.",
        "actions": [{"id": "tk:resolved:1", "label": "OK"}],
        "photos": 1,
    }
    assert from_outbox({"text": "x", "from": "<script>"})["from"] == "bot"


def test_the_hub_wakes_only_that_visitors_streams() -> None:
    hub = StreamHub()
    a1, a2, b = hub.subscribe("a"), hub.subscribe("a"), hub.subscribe("b")
    hub.wake("a")
    assert a1.is_set() and a2.is_set() and not b.is_set()
    hub.unsubscribe("a", a1)
    hub.unsubscribe("a", a2)
    assert hub.open_streams == 1
    assert asyncpg_dsn("postgresql+asyncpg://u@h/db") == "postgresql://u@h/db"
    assert asyncpg_dsn("sqlite+aiosqlite:///x.db") is None


async def test_events_get_increasing_ids_per_visitor(session_factory) -> None:  # type: ignore[no-untyped-def]
    async def write(visitor: str, n: int) -> None:
        for i in range(n):
            async with session_factory() as session, session.begin():
                await events.append(session, visitor, {"from": "bot", "text": str(i)}, NOW)

    await asyncio.gather(write("a" * 24, 5), write("a" * 24, 5), write("b" * 24, 3))
    async with session_factory() as session:
        got = await events.after(session, "a" * 24, 0)
        assert [seq for seq, _ in got] == list(range(1, 11))
        assert [seq for seq, _ in await events.after(session, "b" * 24, 1)] == [2, 3]
        assert await events.after(session, "a" * 24, 10) == []


async def test_an_outbox_row_delivered_twice_writes_one_event(session_factory) -> None:  # type: ignore[no-untyped-def]
    hub = StreamHub()
    woken = hub.subscribe("v" * 24)
    transport = WebTransport(session_factory, hub, FixedClock(NOW))
    async with session_factory() as session:
        row = Outbox(
            channel="web",
            address="v" * 24,
            method="message",
            payload={"text": "Reply", "actions": [], "from": "staff"},
        )
        session.add(row)
        await session.commit()
        await session.refresh(row)
    assert (await transport.deliver(row))["seq"] == 1
    assert woken.is_set()
    assert (await transport.deliver(row))["seq"] is None  # the sender died before marking it
    async with session_factory() as session:
        rows = (await session.exec(select(WebchatEvent))).all()
    assert [(r.seq, r.outbox_id, r.payload["from"]) for r in rows] == [(1, row.id, "staff")]


async def test_the_signing_key_is_made_once_and_shared(session_factory) -> None:  # type: ignore[no-untyped-def]
    async def key() -> str:
        async with session_factory() as session, session.begin():
            return await shared_secret(session, NOW)

    first, second = await asyncio.gather(key(), key())
    assert first == second and len(first) >= 40
