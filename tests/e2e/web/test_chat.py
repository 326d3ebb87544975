"""The web chat end to end: real HTTP against the real app (SQLite file and PostgreSQL), the
Bot API emulator for the clerk who replies from Telegram.

The contract (../shared/DESIGN.md "Interfaces"): the cookie, 401/403/400/413/429, the stream's
ids and replay; the conversation: an FAQ answer, a suggestion pressed, the request form with a
photo and an e-mail left with consent, the ticket, a staff ``/reply`` arriving live, a reload
replaying it all; erasure; two instances on one PostgreSQL.
"""

from __future__ import annotations

import asyncio
import struct
import zlib
from datetime import UTC, datetime

import aiohttp
import pytest
from sqlmodel import select
from yarl import URL

from locales import t
from tests.e2e.conftest import StartApp
from tests.e2e.test_erasure_scan import _as_text
from tests.e2e.web.client import Visitor
from tests.e2e.web.conftest import StartChat, add_clerk
from tests.emulator import BotAPIEmulator
from tickets.console_access import create_login
from tickets.models import Citizen, Ticket, WebchatEvent

pytestmark = pytest.mark.e2e

EMAIL = "zhang.visitor@example.cn"


def _cookie(visitor: Visitor) -> str:
    return next(c.value for c in visitor.http.cookie_jar if c.key == "cd_visitor")


def png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def test_the_contract_cookie_codes_and_headers(start_chat: StartChat, visitors) -> None:  # type: ignore[no-untyped-def]
    app = await start_chat(webchat_heartbeat=0.05)
    v = visitors(app.url)
    async with v.http.get(f"{app.url}/chat/api/session") as response:
        cookie = response.headers["Set-Cookie"]
        body = await response.json()
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/chat" in cookie
    assert set(body) == {"csrf", "lang"} and body["lang"] == "zh"
    v.csrf = body["csrf"]
    again = await v.session()
    assert again["csrf"] == body["csrf"]  # the same cookie resumes the visitor

    stranger = visitors(app.url)
    assert (await stranger.post({"text": "hi"})).status == 401
    stranger.csrf = v.csrf  # another visitor's token is no good without its cookie
    await stranger.session()
    stranger.csrf = v.csrf
    assert (await stranger.post({"text": "hi"})).status == 403
    # A token of bytes that are not UTF-8 (a raw request: the client library would encode it).
    cookie = "; ".join(f"{c.key}={c.value}" for c in v.http.cookie_jar)
    host, port = app.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        b"POST /chat/api/messages HTTP/1.1\r\nHost: " + host.encode() + b"\r\n"
        b"Cookie: " + cookie.encode() + b"\r\nX-CSRF-Token: \xff\xfe\r\n"
        b"Content-Type: application/json\r\nContent-Length: 13\r\nConnection: close\r\n\r\n"
        b'{"text":"hi"}'
    )
    status_line = await reader.readline()
    writer.close()
    assert status_line.split()[1] == b"403", status_line
    assert (await v.post(None, raw=b'{"text":')).status == 400
    assert (await v.post(None, raw=b"[" * 9000)).status == 400
    for lone in (b'{"text":"\\ud800 hi"}', b'{"action":"start:\\udfff"}'):  # lone surrogates
        assert (await v.post(None, raw=lone)).status == 400
    assert (await v.post({"text": "x" * 2001})).status == 413
    assert (await v.post(None, raw=b'{"text":"' + b"x" * 20000 + b'"}')).status == 413
    assert (await v.post({"action": "tk:rate5:99999999999999999999"})).status == 400
    assert (await v.post(None, raw=b"hello", path="photo", content_type="image/png")).status == 415
    assert (await v.post({"location": {"latitude": 91, "longitude": 0}})).status == 400
    assert (await v.post({"location": {"latitude": "x"}})).status == 400
    assert (await v.post({"location": {"latitude": 39.9, "longitude": 116.4}})).status == 202

    async with v.http.get(f"{app.url}/chat") as response:
        page = await response.text()
        csp = response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in csp and "script-src 'self'" in csp
    assert '<script src="/chat/static/chat.js"' in page and "innerHTML" not in page
    async with v.http.get(f"{app.url}/chat/static/chat.js") as response:
        script = await response.text()
    assert "innerHTML" not in script and "textContent" in script

    async with v.http.get(f"{app.url}/chat/api/stream") as response:  # no cookie: 401
        pass
    anonymous = visitors(app.url)
    async with anonymous.http.get(f"{app.url}/chat/api/stream") as response:
        assert response.status == 401
    async with v.http.get(
        f"{app.url}/chat/api/stream", headers={"Last-Event-ID": "abc"}
    ) as response:
        assert response.status == 400
    await v.say("结婚登记需要什么材料？")
    await v.open()
    kept = await v.next("")
    assert kept.id == 1 and kept.data["echo"] == t("zh", "web-echo_location")
    first = await v.next("")
    assert first.id == 2
    for _ in range(100):  # heartbeats every 0.05 s
        if v.comments >= 2:
            break
        await asyncio.sleep(0.05)
    assert v.comments >= 2


async def test_too_fast_is_429_per_visitor_and_per_ip(start_chat: StartChat, visitors) -> None:  # type: ignore[no-untyped-def]
    app = await start_chat(webchat_rate=3, webchat_ip_rate=5)
    one, two = visitors(app.url), visitors(app.url)
    await one.session()
    await two.session()
    statuses = [(await one.post({"text": "结婚登记需要什么材料？"})).status for _ in range(4)]
    assert statuses == [202, 202, 202, 429]
    response = await one.post({"text": "again"})
    assert response.status == 429 and int(response.headers["Retry-After"]) >= 1
    # the IP's share (5 a minute) is used up by the first visitor's 5 tries: the second too
    assert (await two.post({"text": "结婚登记需要什么材料？"})).status == 429


async def test_embedding_is_allowed_for_webchat_origins_only(
    start_chat: StartChat, visitors
) -> None:  # type: ignore[no-untyped-def]
    app = await start_chat(webchat_origins="https://www.city.gov.cn")
    v = visitors(app.url)
    async with v.http.get(f"{app.url}/chat") as response:
        csp = response.headers["Content-Security-Policy"]
        assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors 'self' https://www.city.gov.cn;" in csp
    async with v.http.get(f"{app.url}/chat/widget.js") as response:
        widget = await response.text()
    assert "/chat?" in widget and "iframe" in widget


async def test_nul_characters_are_dropped_not_a_database_error(
    start_chat: StartChat, visitors
) -> None:  # type: ignore[no-untyped-def]
    # PostgreSQL refuses NUL in text: a question with one is answered like the same without.
    app = await start_chat()
    v = visitors(app.url)
    await v.session()
    await v.open()
    response = await v.post(None, raw='{"text":"结婚登记需要\\u0000什么材料？"}'.encode())
    assert response.status == 202
    answer = await v.next()
    assert answer.data["echo"] == "结婚登记需要什么材料？"
    assert "身份证和户口簿" in answer.text


async def test_a_visitor_asks_files_a_request_and_a_clerk_replies_from_telegram(
    start_chat: StartChat,
    emu: BotAPIEmulator,
    session_factory,
    visitors,  # type: ignore[no-untyped-def]
) -> None:
    app = await start_chat()
    clerk, housing = await add_clerk(emu, session_factory)
    v = visitors(app.url)
    await v.session()
    await v.open()
    await v.say("结婚登记需要什么材料？")
    answer = await v.next()
    assert answer.data["echo"] == "结婚登记需要什么材料？"
    assert "身份证和户口簿" in answer.text and answer.data["from"] == "bot"
    await v.press(answer.action("👍"))
    await v.next()

    await v.say("旧家具怎么处理")  # close to a question: suggestions
    suggest = await v.next()
    await v.press(suggest.action("旧沙发怎么扔"))
    picked = await v.next()
    assert picked.data["echo"].startswith("旧沙发怎么扔")
    assert "每周六上门收取" in picked.text

    await v.say("小区电梯坏了三天了，老人下不了楼")
    offer = await v.next()
    await v.press(offer.action(t("zh", "btn-submit_question")))
    draft = await v.next()
    response = await v.post(None, raw=png(), path="photo", content_type="image/png")
    assert response.status == 202
    added = await v.next()
    assert added.data["echo"] == t("zh", "web-echo_photo")
    await v.press(
        added.action(t("zh", "btn-share_phone"))
        if "actions" in added.data
        and any(a["label"] == t("zh", "btn-share_phone") for a in added.data["actions"])
        else draft.action(t("zh", "btn-share_phone"))
    )
    consent = await v.next()
    assert consent.data.get("contact") is True
    assert (await v.post({"contact": {"email": EMAIL}})).status == 400  # no consent
    assert (await v.post({"contact": {"email": EMAIL, "consent": True}})).status == 202
    saved = await v.next()
    assert saved.text.startswith(t("zh", "flow-email_saved"))
    summary = saved if saved.data["actions"] else await v.next()
    await v.press(summary.action(t("zh", "btn-submit")))
    done = await v.next()
    async with session_factory() as session:
        ticket = (await session.exec(select(Ticket))).one()
        citizen = await session.get(Citizen, ticket.citizen_id)
    assert ticket.number in done.text or ticket.number in (await v.next(timeout=5)).text
    assert citizen is not None and citizen.email == EMAIL
    assert ticket.details["photos"][0].startswith("web:")
    post = await emu.next_message(housing)
    assert ticket.number in post["text"] and EMAIL not in post["text"]
    # the clerk sees the photo in the console (the desk keeps it; Telegram cannot send it)
    async with session_factory() as session:
        token = await create_login(session, clerk.id, now=datetime.now(UTC))
        await session.commit()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as staff:
        async with staff.get(f"{app.url}/console/login?token={token}") as response:
            assert response.status == 200
        async with staff.get(f"{app.url}/console/tickets/{ticket.number}/photos/0") as response:
            assert response.status == 200 and response.content_type == "image/png"
            assert await response.read() == png()

    await (
        await emu.send_message(clerk, f"/reply {ticket.number} 已安排维修，明天修好", chat=housing)
    ).delivered()
    reply = await v.next("💬", timeout=10)  # live, from the outbox sender of channel web
    assert reply.data["from"] == "staff" and "已安排维修" in reply.text
    assert any(a["id"].startswith("tk:") for a in reply.data["actions"])

    # a reload: a new stream without Last-Event-ID replays the whole conversation
    seen = list(v.seen)
    await v.close_stream()
    await v.open()
    replayed = [await v.next(timeout=5) for _ in seen]
    assert [e.id for e in replayed] == [e.id for e in seen] == sorted({e.id for e in seen})
    assert replayed[0].data["echo"] == "结婚登记需要什么材料？"
    # a reconnect: Last-Event-ID replays only what came after it
    await v.close_stream()
    await v.open(last_event_id=seen[-2].id)
    assert (await v.next(timeout=5)).id == seen[-1].id


async def test_my_requests_my_data_and_erasure_leave_nothing(
    start_chat: StartChat,
    emu: BotAPIEmulator,
    session_factory,
    visitors,  # type: ignore[no-untyped-def]
) -> None:
    from tests.e2e.wechat.test_erasure import _scan

    app = await start_chat()
    clerk, housing = await add_clerk(emu, session_factory)
    v = visitors(app.url)
    await v.session()
    await v.open()
    await v.say("楼道灯坏了，晚上很黑")
    offer = await v.next()
    await v.press(offer.action(t("zh", "btn-submit_question")))
    draft = await v.next()
    await v.press(draft.action(t("zh", "btn-share_phone")))
    await v.next()
    assert (await v.post({"contact": {"email": EMAIL, "consent": True}})).status == 202
    saved = await v.next()
    summary = saved if saved.data["actions"] else await v.next()
    await v.press(summary.action(t("zh", "btn-submit")))
    await v.next()
    async with session_factory() as session:
        number = (await session.exec(select(Ticket.number))).one()
    await emu.next_message(housing)
    await (await emu.send_message(clerk, f"/reply {number} 已修好", chat=housing)).delivered()
    await v.next("💬")
    await v.press("cmd:mytickets")
    mine = await v.next()
    assert mine.data["echo"] == t("zh", "web-menu_mytickets") and number in mine.text
    await v.press("cmd:mydata")
    data = await v.next()
    visitor_id = data.text.split(
        t(
            "zh",
            "web-data_show",
            user_id="|",
            name="",
            phone="",
            consent="",
            language="",
            created="",
            seen="",
            tickets="",
            subscriptions="",
            privacy="",
        ).split("|")[0]
    )[1].split("\n")[0]
    assert len(visitor_id.strip()) == 24
    visitor_id = visitor_id.strip()
    assert await _scan(session_factory, (visitor_id.lower(), EMAIL))

    await v.press("cmd:deleteme")
    confirm = await v.next()
    assert confirm.text.startswith(t("zh", "web-delete_confirm"))
    old_cookie = _cookie(v)
    await v.press(confirm.action(t("zh", "btn-delete_yes")))
    new_cookie = _cookie(v)
    assert new_cookie != old_cookie  # a new visitor from now on
    await v.close_stream()
    await v.open()
    done = await v.next()
    assert done.text == t("zh", "delete-done", tickets=1)
    for _ in range(100):
        app.runtime.wake_outbox()
        if not await _scan(session_factory, (visitor_id.lower(), EMAIL)):
            break
        await asyncio.sleep(0.05)
    assert await _scan(session_factory, (visitor_id.lower(), EMAIL)) == []


async def test_an_event_written_on_one_instance_reaches_a_stream_on_another(
    start_app: StartApp,
    db_url: str,
    tmp_path,
    visitors,  # type: ignore[no-untyped-def]
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY: PostgreSQL only (SQLite is one process)")
    a = await start_app(webchat_heartbeat=60, scheduler_enabled=False)
    b = await start_app(webchat_heartbeat=60, scheduler_enabled=False)
    assert a.runtime.webchat is not None and b.runtime.webchat is not None
    for app in (a, b):
        listener = app.runtime.webchat.listener
        assert listener is not None
        await asyncio.wait_for(listener.ready.wait(), 10)
    on_b = visitors(b.url)
    await on_b.session()
    await on_b.open()
    on_a = visitors(a.url)  # the same visitor (cookie) talking to instance A
    on_a.http.cookie_jar.update_cookies(
        {"cd_visitor": _cookie(on_b)},
        URL(f"{a.url}/chat/"),
    )
    on_a.csrf = on_b.csrf
    await on_a.say("结婚登记需要什么材料？")
    answer = await on_b.next(timeout=5)  # the heartbeat is 60 s: only the NOTIFY wakes it
    assert "身份证和户口簿" in answer.text
    async with b.runtime.session_factory() as session:
        rows = (await session.exec(select(WebchatEvent))).all()
    assert [r.seq for r in rows] == [1]
    assert _as_text(rows[0].payload)


async def test_a_restart_keeps_the_visitor_and_their_conversation(
    start_chat: StartChat,
    visitors,  # type: ignore[no-untyped-def]
) -> None:
    first = await start_chat()
    v = visitors(first.url)
    await v.session()
    await v.say("结婚登记需要什么材料？")
    csrf = v.csrf
    await first.stop()  # the key (kept in the database) and the events survive it
    second = await start_chat()
    v.base = second.url
    cookie = _cookie(v)
    v.http.cookie_jar.update_cookies({"cd_visitor": cookie}, URL(f"{second.url}/chat/"))
    assert (await v.session())["csrf"] == csrf  # the same visitor
    await v.open()
    replayed = await v.next()
    assert replayed.id == 1 and "身份证和户口簿" in replayed.text
    await v.say("旧沙发怎么扔？")
    assert (await v.next()).id == 2
