"""The notifier: each recipient on their channel and in their language, one writer for all."""

from __future__ import annotations

from sqlalchemy import update

from handlers.notify import NotifySetup, OutboxNotifier
from tests.support.people import add_citizen
from tests.tickets.conftest import HOUSING_CHAT, PARKS_HEAD, World, open_ticket
from tests.tickets.helpers import SHANGHAI, last_outbox_id, outbox_rows
from tickets.attachments import Attachment
from tickets.models import Citizen, StaffMember
from tickets.people.citizens import erase_citizen


async def _web_citizen(w: World, channel: str = "web", address: str = "visitor-1") -> Citizen:
    async with w.factory() as session:
        citizen = await add_citizen(
            session, channel=channel, external_id=f"{channel}-id", address=address, language="en"
        )
        await session.commit()
    return citizen


async def test_a_web_citizen_gets_text_and_actions_not_telegram_keyboards(any_world: World):
    w = any_world
    citizen = await _web_citizen(w)
    tid = await open_ticket(w, citizen=citizen)
    async with w.factory() as session:
        rows = await outbox_rows(session)
        staff, confirmation = rows
        assert (staff.channel, staff.chat_id, staff.method) == (
            "telegram",
            HOUSING_CHAT,
            "sendMessage",
        )
        assert (confirmation.channel, confirmation.address, confirmation.chat_id) == (
            "web",
            "visitor-1",
            None,
        )
        assert confirmation.method == "message" and confirmation.ref == f"ticket:{tid}"
        assert confirmation.payload == {
            "text": (
                "Your request is registered as ticket 2026-000001. "
                "We will respond by 2026-11-24 15:30."
            ),
            "actions": [],
            "from": "bot",  # the desk's words (a staff reply is "staff")
        }
        svc = w.service(session)
        clerk = await w.actor(session, w.clerk)
        mark = await last_outbox_id(session)
        await svc.reply(tid, clerk, "The lamp is fixed.")
        (reply,) = await outbox_rows(session, mark)
        assert (reply.channel, reply.address, reply.method) == ("web", "visitor-1", "message")
        assert "reply_markup" not in reply.payload and "chat_id" not in reply.payload
        assert "The lamp is fixed." in reply.payload["text"]
        assert "Housing Bureau" in reply.payload["text"]  # the citizen's language: en
        assert reply.payload["actions"] == [
            {"id": f"tk:resolved:{tid}", "label": "✅ Resolved"},
            {"id": f"tk:followup:{tid}", "label": "💬 Follow up"},
            {"id": f"tk:reopen:{tid}", "label": "🔄 Reopen"},
        ]
        assert reply.payload["from"] == "staff"  # the web chat shows a staff member's words
        assert reply.citizen_id == citizen.id  # erased with them


async def test_a_wechat_citizen_gets_the_rating_actions_and_the_reply_s_files(world: World):
    w = world
    citizen = await _web_citizen(w, "wechat", "openid-7")
    tid = await open_ticket(w, citizen=citizen)
    async with w.factory() as session:
        svc = w.service(session)
        clerk = await w.actor(session, w.clerk)
        mark = await last_outbox_id(session)
        await svc.reply(tid, clerk, "See the photo.", attachments=[Attachment("photo", "ph-5")])
        (reply,) = await outbox_rows(session, mark)  # one message: the text, with its file
        assert (reply.channel, reply.address) == ("wechat", "openid-7")
        assert reply.payload["files"] == [{"kind": "photo", "file_id": "ph-5"}]
        mark = await last_outbox_id(session)
        await svc.close(tid, clerk, "done")
        (closed,) = await outbox_rows(session, mark)
        ids = [a["id"] for a in closed.payload["actions"]]
        assert ids == [*(f"tk:rate{n}:{tid}" for n in range(1, 6)), f"tk:reopen:{tid}"]
        assert closed.payload["text"].startswith("✅ Your ticket 2026-000001 is closed. done")


async def test_each_staff_member_in_their_own_language(any_world: World):
    """Parks has no staff chat: its posts go to its clerk and its head privately, each in their
    language; the head (no staff record) in the desk's staff language."""
    w = any_world
    async with w.factory() as session:
        await session.exec(
            update(StaffMember)
            .where(StaffMember.telegram_user_id == w.parks_clerk)
            .values(language="en")
        )
        await session.commit()
    await open_ticket(w, dept="parks")
    async with w.factory() as session:
        rows = {r.chat_id: r for r in await outbox_rows(session) if r.method == "sendMessage"}
        assert rows.keys() == {w.parks_clerk, PARKS_HEAD, 5001}
        assert rows[w.parks_clerk].payload["text"].startswith("🆕 New ticket\nTicket 2026-000001")
        assert "Parks Bureau" in rows[w.parks_clerk].payload["text"]
        labels = [
            b["text"] for b in rows[w.parks_clerk].payload["reply_markup"]["inline_keyboard"][0]
        ]
        assert labels == ["✋ Take", "💬 Reply", "↪️ Transfer"]
        assert rows[PARKS_HEAD].payload["text"].startswith("🆕 新工单\n工单 2026-000001")
        assert "园林局" in rows[PARKS_HEAD].payload["text"]


async def test_the_desk_s_staff_language_for_groups(world: World):
    w = world
    setup = NotifySetup.of(w.desk, SHANGHAI, "en")  # scheduler.staff_lang: en
    async with w.factory() as session:
        svc = w.service(session, notifier=OutboxNotifier(session, setup))
        ticket = await svc.create_ticket(w.owner, "housing", "路灯坏了", lang="zh")
        staff, citizen = await outbox_rows(session)
        assert staff.chat_id == HOUSING_CHAT and staff.payload["text"].startswith("🆕 New ticket")
        assert citizen.chat_id == 5001 and ticket.number in citizen.payload["text"]
        assert "工单" in citizen.payload["text"]  # the citizen keeps their own language


async def test_an_erased_citizen_gets_nothing_and_is_reachable_nowhere(world: World):
    w = world
    tid = await open_ticket(w)
    async with w.factory() as session:
        owner = await session.get(Citizen, w.owner.id)
        assert owner is not None
        await erase_citizen(session, owner, now=w.clock.now())
        svc = w.service(session)
        clerk = await w.actor(session, w.clerk)
        mark = await last_outbox_id(session)
        await svc.close(tid, clerk, "done")
        assert await outbox_rows(session, mark) == []
