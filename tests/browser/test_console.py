"""The console in a real browser, against the real app and the Bot API emulator.

A citizen files a ticket through the bot; the housing clerk gets a sign-in link from the
bot's ``/console``, signs in, sees only housing's tickets, replies, and the citizen receives
the reply on Telegram. A reused link is refused; another department's ticket is not found; an
administrator downloads the CSV and it parses.

``CONSOLE_SCREENSHOTS=DIR`` saves the pages (phone and desktop, zh and en) in DIR (the
README's screenshots come from ``CONSOLE_SCREENSHOTS=docs``).
"""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.db import SessionFactory
from bot.outbox import Rate, RateLimiter, RateLimits
from locales import t
from tests.e2e.conftest import StartApp
from tests.e2e.test_citizen_flow import expect, press, say
from tests.emulator import BotAPIEmulator
from tickets.models import Citizen, Department, StaffMember, Ticket

pytestmark = pytest.mark.e2e

HOUSING, TRANSPORT = -100301, -100302
ADMIN = 9001
DEPARTMENTS = f"""\
departments:
  - slug: housing
    name: {{zh: 住建局, en: Housing Bureau}}
    staff_chat_id: {HOUSING}
    keywords: [streetlight, stairwell, 楼道灯]
    canned_replies:
      - id: received
        title: {{zh: 已受理, en: Received}}
        text: {{zh: "{{name}}您好，工单 {{number}} 已受理。", en: "Dear {{name}}, ticket {{number}} was received."}}
  - slug: transport
    name: {{zh: 交通局, en: Transport Bureau}}
    staff_chat_id: {TRANSPORT}
    keywords: [bus]
"""
SHOTS = os.environ.get("CONSOLE_SCREENSHOTS")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


async def _shoot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
        await page.screenshot(path=str(Path(SHOTS) / f"console-{name}.png"), full_page=True)


async def _link_from_bot(emu: BotAPIEmulator, user: Any) -> str:
    await (await emu.send_message(user, "/console")).delivered()
    message = await expect(emu, user, "🔐")
    found = re.search(r"https?://\S+/console/login\?token=\S+", message["text"])
    assert found, message["text"]
    return found[0]


async def test_a_clerk_works_a_ticket_in_the_browser(
    emu: BotAPIEmulator,
    start_app: StartApp,
    session_factory: SessionFactory,
    tmp_path: Path,
    browser: Any,
) -> None:
    path = tmp_path / "departments.yaml"
    path.write_text(DEPARTMENTS, encoding="utf-8")
    app = await start_app(departments_file=path, admin_ids=str(ADMIN))
    assert app.runtime.sender is not None
    fast = Rate(1000, timedelta(seconds=1))
    app.runtime.sender.limiter = RateLimiter(
        RateLimits(overall=fast, per_chat=fast, per_group=fast)
    )
    citizen = emu.user(id=7001, first_name="Ada", language_code="en")
    clerk = emu.user(id=7101, first_name="Wang", language_code="zh")
    admin = emu.user(id=ADMIN, first_name="Admin", language_code="en")
    emu.group(id=HOUSING, title="Housing staff", members=[clerk])
    emu.group(id=TRANSPORT, title="Transport staff", members=[])
    async with session_factory() as session:
        depts = {d.slug: d for d in (await session.exec(select(Department))).all()}
        session.add(
            StaffMember(
                telegram_user_id=clerk.id, department_id=depts["housing"].id, display_name="王小明"
            )
        )
        other = Citizen(telegram_user_id=7002, chat_id=7002, language="zh", display_name="李四")
        session.add(other)
        await session.flush()
        deps = app.runtime.processor.data["deps"]  # type: ignore[union-attr]
        elsewhere = await deps.tickets(session).create_ticket(other, "transport", "公交站牌倒了")
        await session.commit()
        other_number = elsewhere.number

    # The citizen files a ticket through the bot.
    await say(emu, citizen, "The streetlight in our stairwell has been broken for a week")
    offer = await expect(emu, citizen, t("en", "faq-none"))
    await press(emu, citizen, offer, t("en", "btn-submit_question"))
    draft = await expect(emu, citizen, "📋 Please check your request")
    assert "Housing Bureau" in draft["text"], draft["text"]
    await press(emu, citizen, draft, t("en", "btn-submit"))
    created = await expect(emu, citizen, "Your request is registered as ticket")
    async with session_factory() as session:
        ticket = (
            await session.exec(select(Ticket).where(Ticket.department_id == depts["housing"].id))
        ).one()
    number = ticket.number
    assert number in created["text"]

    # The clerk signs in with the link the bot sends privately; housing's tickets only.
    link = await _link_from_bot(emu, clerk)
    assert link.startswith(app.url)
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await context.new_page()
    response = await page.goto(link)
    assert response is not None and response.status == 200 and page.url == f"{app.url}/console"
    body = await page.inner_text("main")
    assert number in body and other_number not in body
    await _shoot(page, "queue-desktop-zh")

    # A reused link is refused (another browser).
    stranger = await browser.new_context()
    again = await (await stranger.new_page()).goto(link)
    assert again is not None and again.status == 403
    await stranger.close()

    # Another department's ticket is not found.
    missing = await page.goto(f"{app.url}/console/tickets/{other_number}")
    assert missing is not None and missing.status == 404

    # The clerk opens the ticket and replies; the citizen receives it on Telegram.
    await page.goto(f"{app.url}/console")
    await page.click(f"text={number}")
    await page.wait_for_url(f"**/console/tickets/{number}")
    await page.fill("#reply-text", "明天上午派人维修楼道灯")
    await page.click("form[action$='/reply'] button[type=submit]")
    await page.wait_for_url(f"**/console/tickets/{number}?done=reply")
    assert "答复已发送给市民" in await page.inner_text("main")
    reply = await expect(emu, citizen, "💬")
    assert "明天上午派人维修楼道灯" in reply["text"]
    await _shoot(page, "ticket-desktop-zh")
    await page.set_viewport_size(PHONE)
    await _shoot(page, "ticket-phone-zh")
    await page.goto(f"{app.url}/console/dashboard")
    await _shoot(page, "dashboard-phone-zh")
    await context.close()
    async with session_factory() as session:
        details = await deps.tickets(session).details(number, _admin_actor())
    assert [e.kind for e in details.audit] == ["created", "replied"]
    assert details.audit[1].actor_id == clerk.id

    # An administrator downloads the CSV and it parses; every department is there.
    admin_link = await _link_from_bot(emu, admin)
    context = await browser.new_context(viewport=DESKTOP, locale="en-US", accept_downloads=True)
    page = await context.new_page()
    await page.goto(admin_link + "&lang=en")
    await page.goto(f"{app.url}/console?lang=en")
    await _shoot(page, "queue-desktop-en")
    async with page.expect_download() as download_info:
        await page.click("a.export")
    download = await download_info.value
    data = Path(await download.path()).read_bytes()  # noqa: ASYNC240
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {r["number"]: r["department"] for r in rows} == {
        number: "housing",
        other_number: "transport",
    }
    await page.goto(f"{app.url}/console/dashboard?lang=en")
    await _shoot(page, "dashboard-desktop-en")
    await page.goto(f"{app.url}/console/knowledge?lang=en")
    await _shoot(page, "knowledge-desktop-en")
    await page.set_viewport_size(PHONE)
    await page.goto(f"{app.url}/console?lang=en")
    await _shoot(page, "queue-phone-en")
    await context.close()


def _admin_actor() -> Any:
    from tickets.authz import Actor

    return Actor(0, is_admin=True)
