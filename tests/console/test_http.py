"""The console over real HTTP (the console sub-app on a test server, the seeded desk):
sign-in, sessions and CSRF, scope, actions through the domain, exports, the dashboard."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

from bot.config import load_settings
from handlers.web.console import create_console_app
from tests.staff_handlers.conftest import ADMIN, Desk, texts
from tickets.console_access import create_login
from tickets.models import Outbox, Ticket

pytestmark = pytest.mark.e2e


@dataclass
class FakeRuntime:
    settings: Any
    session_factory: Any
    bot: Any = None
    sender: Any = None


@pytest.fixture
async def client(any_desk: Desk, db_url: str) -> AsyncIterator[TestClient]:
    settings = load_settings(database_url=db_url, admin_ids=str(ADMIN))
    app = web.Application()
    app.add_subapp(
        "/console", create_console_app(FakeRuntime(settings, any_desk.factory), any_desk.deps)
    )
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def _link(desk: Desk, uid: int) -> str:
    async with desk.factory() as session:
        token = await create_login(session, uid, now=desk.clock.now())
        await session.commit()
    return f"/console/login?token={token}"


async def sign_in(client: TestClient, desk: Desk, uid: int) -> None:
    response = await client.get(await _link(desk, uid), allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/console"


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found[1]


async def test_sign_in_once_cookie_flags_and_sign_out(client: TestClient, any_desk: Desk) -> None:
    assert (await client.get("/console")).status == 401
    link = await _link(any_desk, 101)
    response = await client.get(link, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/console"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain http here; https sets it
    page = await client.get("/console")
    assert page.status == 200
    html = await page.text()
    assert "王小明" in html and page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    # A reused link is refused, in a fresh browser too.
    async with ClientSession() as other:
        again = await other.get(client.make_url(link), allow_redirects=False)
        assert again.status == 403
    # Sign-out needs the CSRF token; afterwards the cookie opens nothing.
    assert (await client.post("/console/logout", data={})).status == 403
    out = await client.post("/console/logout", data={"csrf": csrf(html)}, allow_redirects=False)
    assert out.status == 303
    assert (await client.get("/console")).status == 401


async def test_a_clerk_sees_only_their_department(client: TestClient, any_desk: Desk) -> None:
    _own, own = await any_desk.open_ticket("housing", "楼道灯坏了")
    _other, other = await any_desk.open_ticket("transport", "公交站灯坏了")
    await sign_in(client, any_desk, 101)
    html = await (await client.get("/console")).text()
    assert own in html and other not in html
    assert (await client.get(f"/console/tickets/{own}")).status == 200
    assert (await client.get(f"/console/tickets/{other}")).status == 404
    assert (await client.get("/console/tickets/2026-999999")).status == 404
    # A department filter does not widen the scope.
    html = await (await client.get("/console?dept=transport")).text()
    assert other not in html
    post = await client.post(f"/console/tickets/{other}/take", data={"csrf": csrf(html)})
    assert post.status == 404


async def test_actions_go_through_the_domain_with_csrf(client: TestClient, any_desk: Desk) -> None:
    desk = any_desk
    tid, number = await desk.open_ticket("housing", "楼道灯坏了，电话13812345678")
    await sign_in(client, desk, 101)
    html = await (await client.get(f"/console/tickets/{number}")).text()
    assert "13812345678" not in html and "138****5678" in html
    token = csrf(html)
    forged = await client.post(f"/console/tickets/{number}/reply", data={"text": "x"})
    assert forged.status == 403
    hostile = await client.post(
        f"/console/tickets/{number}/reply", data={"text": "x", "csrf": "令牌😀"}
    )
    assert hostile.status == 403
    cross = await client.post(
        f"/console/tickets/{number}/reply",
        data={"text": "x", "csrf": token},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status == 403
    before = await desk.last_outbox_id()
    done = await client.post(
        f"/console/tickets/{number}/reply",
        data={"text": "明天上午派人维修", "csrf": token},
        allow_redirects=False,
    )
    assert done.status == 303 and done.headers["Location"].endswith(f"{number}?done=reply")
    async with desk.factory() as session:
        rows = (await session.exec(select(Outbox).where(Outbox.id > before))).all()  # type: ignore[operator]
    assert ["明天上午派人维修" in t for t in texts(list(rows), 5001)] == [True]
    # Bad input is a 400 with the reason, the text kept; an impossible action says why.
    empty = await client.post(f"/console/tickets/{number}/note", data={"text": " ", "csrf": token})
    assert empty.status == 400 and "请填写内容。" in await empty.text()
    bad = await client.post(
        f"/console/tickets/{number}/extend", data={"days": "x", "reason": "r", "csrf": token}
    )
    assert bad.status == 400
    take = await client.post(f"/console/tickets/{number}/take", data={"csrf": token})
    assert take.status == 400  # answered tickets cannot be taken
    assert (
        await client.post(f"/console/tickets/{number}/nonsense", data={"csrf": token})
    ).status == 404
    # Revealing the contact shows it once, and records it.
    shown = await client.post(f"/console/tickets/{number}/contact", data={"csrf": token})
    assert shown.status == 200 and "13812345678" in await shown.text()
    kinds = [e.kind for e in await desk.events(tid)]
    assert kinds == ["created", "replied", "contact_revealed"]
    assert all(e.actor_id == 101 for e in (await desk.events(tid))[1:])
    nul = await client.post(
        f"/console/tickets/{number}/note",
        data={"text": "已电话\x00联系", "csrf": token},  # PostgreSQL refuses NUL in text
        allow_redirects=False,
    )
    assert nul.status == 303
    assert (await desk.events(tid))[-1].kind == "note"


async def test_the_csv_parses_respects_scope_and_masks(client: TestClient, any_desk: Desk) -> None:
    await any_desk.open_ticket("housing", '=HYPERLINK("http://x") 电话13812345678')
    await any_desk.open_ticket("transport", "公交站灯坏了")
    await sign_in(client, any_desk, ADMIN)
    response = await client.get("/console/tickets.csv")
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/csv")
    raw = await response.read()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {"number", "department", "status"} <= set(rows[0])
    assert sorted(r["department"] for r in rows) == ["housing", "transport"]
    housing = next(r for r in rows if r["department"] == "housing")
    assert housing["text"].startswith("'=") and "13812345678" not in raw.decode()
    assert housing["citizen"] == "张* (138****5678)"
    await sign_in(client, any_desk, 101)
    rows = list(
        csv.DictReader(
            io.StringIO(
                (await (await client.get("/console/tickets.csv")).read()).decode("utf-8-sig")
            )
        )
    )
    assert [r["department"] for r in rows] == ["housing"]
    assert (await client.get("/console/tickets.csv?status=nope")).status == 400


async def test_the_dashboard_equals_citizen_desk_stats(
    client: TestClient,
    any_desk: Desk,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from datetime import UTC, datetime, timedelta

    desk = any_desk
    real_now = datetime.now(UTC)
    desk.clock.set(real_now - timedelta(days=3))  # type: ignore[attr-defined]
    tid, _n = await desk.open_ticket("housing")
    await desk.open_ticket("housing", "second")
    await desk.open_ticket("transport", "third")
    desk.clock.set(real_now - timedelta(days=2, hours=20))  # type: ignore[attr-defined]
    async with desk.factory() as session:
        from tickets.authz import actor_for

        clerk = await actor_for(session, 101, (ADMIN,))
        service = desk.deps.tickets(session)
        await service.reply(tid, clerk, "done")
        await service.close(tid, clerk, "ok")
        ticket = await session.get(Ticket, tid)
        assert ticket is not None
        await session.commit()
    desk.clock.set(real_now)  # type: ignore[attr-defined]
    env = {**os.environ, "DATABASE_URL": db_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "stats", "--json", "--days", "30",
        env=env, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _err = await process.communicate()
    assert process.returncode == 0
    stats = {r["slug"]: r for r in json.loads(out)}
    await sign_in(client, desk, ADMIN)
    page = await (await client.get("/console/dashboard?days=30")).text()
    ranking = await (await client.get("/console/ranking.csv?days=30")).read()
    rows = list(csv.DictReader(io.StringIO(ranking.decode("utf-8-sig"))))
    assert [r["department"] for r in rows] == list(stats)  # the same ranking
    pairs = {
        "received": "created",
        "timely_acceptance": "response_rate",
        "resolution_rate": "resolution_rate",
        "satisfaction_rate": "satisfaction_rate",
        "on_time_rate": "on_time_rate",
        "reprimanded": "reprimands",
    }
    for row in rows:
        expected = stats[row["department"]]
        for ours, theirs in pairs.items():
            value = expected[theirs]
            cell = row[ours]
            if value is None:
                assert cell == "", (row["department"], ours)
            else:
                assert float(cell) == pytest.approx(value, abs=1e-4), (row["department"], ours)
            shown = re.search(
                rf'data-slug="{row["department"]}">.*?data-figure="{ours}" data-value="([^"]*)"',
                page,
                re.S,
            )
            assert shown is not None
            assert (shown[1] == "") == (value is None)
            if value is not None:
                assert float(shown[1]) == pytest.approx(value, abs=1e-4)
    assert stats["housing"]["created"] == 2 and stats["transport"]["created"] == 1
    assert (await client.get("/console/dashboard?days=0")).status == 400
    await sign_in(client, desk, 101)
    mine = list(
        csv.DictReader(
            io.StringIO(
                (await (await client.get("/console/ranking.csv")).read()).decode("utf-8-sig")
            )
        )
    )
    assert [r["department"] for r in mine] == ["housing"]


async def test_a_client_gone_in_the_middle_of_a_stream_is_not_a_server_error() -> None:
    from unittest import mock

    from aiohttp.test_utils import make_mocked_request

    from handlers.web.console.context import _run

    async def cancelled_download(request: web.Request) -> web.StreamResponse:
        raise ConnectionResetError("Cannot write to closing transport")

    gone = mock.Mock(is_closing=mock.Mock(return_value=True))
    request = make_mocked_request("GET", "/console/tickets.csv", transport=gone)
    response = await _run(request, cancelled_download)
    assert response.status == 499  # for the access log; nobody reads it
    # The same error while the client is still there is not hidden.
    here = mock.Mock(is_closing=mock.Mock(return_value=False))
    request = make_mocked_request("GET", "/console/tickets.csv", transport=here)
    with pytest.raises(ConnectionResetError):
        await _run(request, cancelled_download)
