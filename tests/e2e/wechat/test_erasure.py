"""``/deleteme`` from WeChat, then a scan of the whole database: the follower is nowhere.

A follower goes through what stores or copies personal data (the welcome, a question nobody
answers, the request form with a phone number shared by replying it, a staff reply naming
them, ``/mydata``), then erases their data; every column of every table (the scan of
tests/e2e/test_erasure_scan.py) is searched for their openid and phone number.
"""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, col, func, select

from locales import t
from tests.e2e.test_erasure_scan import _as_text
from tests.e2e.wechat.conftest import StartDesk, add_clerk
from tests.e2e.wechat.test_desk import option
from tickets.models import Outbox, Ticket

pytestmark = pytest.mark.e2e

PHONE = "13912345678"


async def _scan(session_factory, needles: tuple[str, ...]) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    async with session_factory() as session:
        connection = await session.connection()
        for table in SQLModel.metadata.sorted_tables:
            rows = (await connection.execute(sa.select(table))).mappings().all()
            for number, row in enumerate(rows):
                for column, value in row.items():
                    text = _as_text(value).lower() if value is not None else ""
                    found += [f"{table.name}.{column} ({number})" for n in needles if n in text]
    return found


async def test_after_deleteme_nothing_of_the_wechat_follower_remains(
    start_desk: StartDesk,
) -> None:
    desk = await start_desk()
    clerk, housing = await add_clerk(desk)
    wx = desk.wx
    user = wx.user()
    await wx.answer(await wx.subscribe(user))
    offer = await desk.ask(user, "电梯坏了三天了，老人下不了楼")
    draft = await desk.ask(user, option(offer, t("zh", "btn-submit_question")))
    consent = await desk.ask(user, option(draft, t("zh", "btn-share_phone")))
    assert t("zh", "wx-phone_hint") in (consent.content or "")
    draft = await desk.ask(user, PHONE)  # replying with the number is the consent
    assert (draft.content or "").startswith(t("zh", "flow-phone_saved"))
    await (await wx.send_text(user, option(draft, t("zh", "btn-submit")))).answered()
    await desk.next(user, "您的诉求已登记")
    async with desk.session_factory() as session:
        number = (await session.exec(select(Ticket.number))).one()
    post = await desk.tg.next_message(housing)
    assert number in post["text"] and PHONE not in post["text"]
    await (
        await desk.tg.send_message(
            clerk, f"/reply {number} 我们会致电 {PHONE} 联系您", chat=housing
        )
    ).delivered()
    await desk.next(user, "💬")
    data = await desk.ask(user, "/mydata")
    assert user.openid in (data.content or "") and PHONE in (data.content or "")
    needles = (user.openid.lower(), PHONE)
    assert await _scan(desk.session_factory, needles)  # the scan sees them before

    confirm = await desk.ask(user, "/deleteme")
    assert (confirm.content or "").startswith(t("zh", "wx-delete_confirm"))
    done = await desk.ask(user, option(confirm, t("zh", "btn-delete_yes")))
    assert done.content == t("zh", "delete-done", tickets=1)

    async def undelivered_or_transient() -> int:
        async with desk.session_factory() as session:
            stmt = (
                select(func.count())
                .select_from(Outbox)
                .where(
                    sa.or_(col(Outbox.transient), col(Outbox.status).in_(("pending", "sending")))
                )
            )
            return int((await session.exec(stmt)).one())

    for _ in range(200):
        if await undelivered_or_transient() == 0:
            break
        desk.app.runtime.wake_outbox()
        await asyncio.sleep(0.05)
    assert await _scan(desk.session_factory, needles) == []
