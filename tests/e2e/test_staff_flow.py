"""Staff work a ticket inside Telegram: the real app over HTTP, the Bot API emulator as Telegram.

A citizen's ticket (created through the domain) is posted to the housing staff chat with its
buttons; a clerk takes it, replies (the citizen receives it), transfers it to transport (the
post appears there), a transport clerk closes it; a parks clerk and the citizen are refused.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.db import SessionFactory
from bot.outbox import Rate, RateLimiter, RateLimits
from locales import t
from tests.e2e.conftest import StartApp
from tests.emulator import BotAPIEmulator
from tests.support.people import add_citizen
from tickets.authz import Actor
from tickets.models import Department, StaffMember
from tickets.service import TicketService

pytestmark = pytest.mark.e2e

HOUSING, TRANSPORT, PARKS = -100201, -100202, -100203
DEPARTMENTS = f"""\
departments:
  - slug: housing
    name: {{zh: 住建局, en: Housing Bureau}}
    staff_chat_id: {HOUSING}
  - slug: transport
    name: {{zh: 交通局, en: Transport Bureau}}
    staff_chat_id: {TRANSPORT}
  - slug: parks
    name: {{zh: 园林局, en: Parks Bureau}}
    staff_chat_id: {PARKS}
"""


def _callbacks(message: dict) -> list[str]:  # type: ignore[type-arg]
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def test_staff_work_a_ticket_in_telegram(
    emu: BotAPIEmulator, start_app: StartApp, session_factory: SessionFactory, tmp_path: Path
) -> None:
    path = tmp_path / "departments.yaml"
    path.write_text(DEPARTMENTS, encoding="utf-8")
    app = await start_app(departments_file=path)
    sender = app.runtime.sender
    assert sender is not None
    # Telegram's real per-chat limits would make this test wait seconds between messages.
    fast = Rate(1000, timedelta(seconds=1))
    sender.limiter = RateLimiter(RateLimits(overall=fast, per_chat=fast, per_group=fast))

    citizen = emu.user(id=6001, first_name="张三", language_code="zh")
    clerk = emu.user(id=6101, first_name="Wang", language_code="en")
    transport_clerk = emu.user(id=6201, first_name="Sun", language_code="en")
    parks_clerk = emu.user(id=6301, first_name="Zhou", language_code="en")
    housing = emu.group(id=HOUSING, title="Housing staff", members=[clerk])
    transport = emu.group(id=TRANSPORT, title="Transport staff", members=[transport_clerk])
    emu.group(id=PARKS, title="Parks staff", members=[parks_clerk])

    async with session_factory() as session:
        depts = {d.slug: d.id for d in (await session.exec(select(Department))).all()}
        for user, slug, name in (
            (clerk, "housing", "王小明"),
            (transport_clerk, "transport", "孙六"),
            (parks_clerk, "parks", "周七"),
        ):
            session.add(
                StaffMember(telegram_user_id=user.id, department_id=depts[slug], display_name=name)
            )
        owner = await add_citizen(
            session, citizen.id, language="zh", display_name="张三", phone="13812345678"
        )
        deps = app.runtime.processor.data["deps"]  # type: ignore[union-attr]
        service: TicketService = deps.tickets(session)
        ticket = await service.create_ticket(owner, "housing", "楼道灯坏了，电话13812345678")
        await session.commit()
        tid, number = ticket.id, ticket.number
    sender.wake()

    # The ticket appears in the housing staff chat with [Take] [Reply] [Transfer].
    post = await emu.next_message(housing)
    assert number in post["text"] and "13812345678" not in post["text"]
    assert _callbacks(post) == [f"tk:take:{tid}", f"tk:reply:{tid}", f"tk:transfer:{tid}"]
    assert "已登记" in (await emu.next_message(citizen))["text"]

    # Take.
    press = await emu.press_button(clerk, post, f"tk:take:{tid}")
    answer = await press.callback_answer()
    assert answer.params["text"] == t("en", "sh-taken", number=number)
    assert (await emu.next_message(housing))["text"] == t(
        "zh", "staff-taken", staff="王小明", number=number
    )

    # Reply: the citizen receives it.
    await (
        await emu.send_message(clerk, f"/reply {number} 明天上午派人维修", chat=housing)
    ).delivered()
    to_citizen = await emu.next_message(citizen)
    assert "明天上午派人维修" in to_citizen["text"]
    assert (await emu.next_message(housing))["text"] == t("en", "sh-replied", number=number)

    # Transfer: the post appears in the transport staff chat.
    await (
        await emu.send_message(clerk, f"/transfer {number} transport 涉及公交站", chat=housing)
    ).delivered()
    moved = await emu.next_message(transport)
    assert moved["text"].startswith("↪️ 由「住建局」转来：涉及公交站") and number in moved["text"]
    assert _callbacks(moved)[0] == f"tk:take:{tid}"
    assert "交通局" in (await emu.next_message(citizen))["text"]

    # A transport clerk closes it; the citizen is asked for a rating.
    await (
        await emu.send_message(transport_clerk, f"/close {number} done", chat=transport)
    ).delivered()
    closed = await emu.next_message(citizen)
    assert closed["text"].startswith(f"✅ 您的工单 {number} 已办结")

    # A clerk of a third department and the citizen are refused, and learn nothing.
    await (await emu.send_message(parks_clerk, f"/ticket {number}")).delivered()
    assert (await emu.next_message(parks_clerk))["text"] == t("en", "error-unavailable")
    await (await emu.send_message(citizen, f"/ticket {number}")).delivered()
    assert (await emu.next_message(citizen))["text"] == t("zh", "error-not_allowed")

    async with session_factory() as session:
        service = deps.tickets(session)
        details = await service.details(tid, Actor(0, is_admin=True))
    kinds = [e.kind for e in details.audit]
    assert kinds == ["created", "taken", "replied", "transferred", "closed"]
    assert [e.actor_id for e in details.audit[1:]] == [
        clerk.id,
        clerk.id,
        clerk.id,
        transport_clerk.id,
    ]
