"""Ticket operations: deadlines, transitions, audit trail and the messages they queue."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from handlers.errors import render_error
from handlers.notify.actions import MAX_CALLBACK_BYTES, parse_callback
from tickets.attachments import Attachment
from tickets.errors import Conflict, InvalidTransition, NotAllowed, ValidationError
from tickets.models import Citizen, Ticket
from tickets.people.citizens import Identity, erase_citizen
from tickets.service import CitizenAddress

from .conftest import ADMIN, HOUSING_CHAT, PARKS_HEAD, TRANSPORT_CHAT, World, open_ticket
from .helpers import SHANGHAI, callbacks, events, last_outbox_id, outbox_rows, sh


async def _get(w: World, ticket_id: int) -> Ticket:
    async with w.factory() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket


def _check_buttons(row, ticket_id: int, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    data = callbacks(row)
    assert [parse_callback(d) for d in data] == [(a, ticket_id) for a in expected]
    assert all(len(d.encode()) <= MAX_CALLBACK_BYTES for d in data)


async def test_create_posts_masked_ticket_to_staff_chat_and_confirms(any_world: World) -> None:
    w = any_world
    tid = await open_ticket(w, text="楼道灯坏了，请联系13812345678，身份证11010519491231002X")
    async with w.factory() as session:
        ticket = await session.get(Ticket, tid)
        assert ticket is not None
        assert ticket.number == "2026-000001" and ticket.status == "new" and ticket.version == 1
        # help: 4 working hours / 5 working days from Tue 24 Nov 10:00
        assert ticket.response_due_at == sh(2026, 11, 24, 15, 30)
        assert ticket.resolution_due_at == sh(2026, 12, 1, 17, 30)
        rows = await outbox_rows(session)
        assert [r.chat_id for r in rows] == [HOUSING_CHAT, 5001]
        staff, citizen = rows
        assert staff.ref == citizen.ref == f"ticket:{tid}"
        text = staff.payload["text"]
        assert "2026-000001" in text and "张* (138****5678)" in text
        assert "13812345678" not in text and "张三" not in text and "19491231" not in text
        assert "2026-11-24 15:30" in text and "2026-12-01 17:30" in text
        _check_buttons(staff, tid, ["take", "reply", "transfer"])
        assert (
            "2026-000001" in citizen.payload["text"]
            and "2026-11-24 15:30" in citizen.payload["text"]
        )
        (created,) = await events(session, tid)
        assert created.kind == "created" and created.actor_kind == "citizen"
        # the audit trail names the citizen by their row, not by a channel's id
        assert created.actor_id == w.owner.id and created.data["department"] == "housing"


async def test_deadlines_around_spring_festival_2026(world: World) -> None:
    # Friday 13 Feb 2026; 14 Feb (Saturday) is a make-up working day, 15-23 Feb are off.
    tid = await open_ticket(world, demand_type="consultation", at=sh(2026, 2, 13, 16, 30))
    ticket = await _get(world, tid)
    assert ticket.response_due_at == sh(2026, 2, 14, 12, 0)  # 1h on Friday, 3h on Saturday
    assert ticket.resolution_due_at == sh(2026, 2, 14, 17, 30)  # the next working day
    tid = await open_ticket(world, demand_type="help", at=sh(2026, 2, 13, 10, 0))
    ticket = await _get(world, tid)
    assert ticket.response_due_at == sh(2026, 2, 13, 15, 30)
    assert ticket.resolution_due_at == sh(2026, 2, 27, 17, 30)  # 14, 24, 25, 26, 27 Feb
    tid = await open_ticket(world, urgent=True, at=sh(2026, 2, 13, 17, 0))
    ticket = await _get(world, tid)
    assert ticket.response_due_at == sh(2026, 2, 14, 9, 30)
    assert ticket.resolution_due_at == sh(2026, 2, 13, 17, 30)


async def test_create_validates_input(world: World) -> None:
    async with world.factory() as session:
        svc = world.service(session)
        for kwargs, key in [
            ({"department_slug": "nope"}, "error-unknown_department"),
            ({"text": "   "}, "error-empty_text"),
            ({"demand_type": "gossip"}, "error-bad_demand_type"),
        ]:
            args = {"department_slug": "housing", "text": "hi", **kwargs}
            with pytest.raises(ValidationError) as info:
                await svc.create_ticket(world.owner, **args)
            assert info.value.key == key


async def test_no_staff_chat_goes_to_its_people_else_admins(world: World) -> None:
    parks = await open_ticket(world, dept="parks")
    water = await open_ticket(world, dept="water")
    async with world.factory() as session:
        rows = await outbox_rows(session)
        by_ticket = {(r.ref, r.chat_id) for r in rows}
        assert (f"ticket:{parks}", PARKS_HEAD) in by_ticket
        assert (f"ticket:{water}", ADMIN) in by_ticket
        for row in rows:
            if row.chat_id in (PARKS_HEAD, ADMIN):
                assert "13812345678" not in row.payload["text"]


async def test_take_reply_close_flow_with_events_and_messages(any_world: World) -> None:
    w = any_world
    tid = await open_ticket(w)
    w.clock.advance(timedelta(minutes=30))
    async with w.factory() as session:
        svc = w.service(session)
        mark = await last_outbox_id(session)
        clerk = await w.actor(session, w.clerk)
        ticket = await svc.take(tid, clerk)
        assert ticket.status == "in_progress" and ticket.assignee_id == clerk.staff.id  # type: ignore[union-attr]
        assert ticket.version == 2
        (taken,) = await outbox_rows(session, mark)
        assert taken.chat_id == HOUSING_CHAT and "2026-000001" in taken.payload["text"]
        await session.commit()

    w.clock.advance(timedelta(hours=1))
    async with w.factory() as session:
        svc = w.service(session)
        mark = await last_outbox_id(session)
        clerk = await w.actor(session, w.clerk)
        ticket = await svc.reply("2026-000001", clerk, "已安排维修")
        assert ticket.status == "answered"
        assert ticket.first_response_at == w.clock.now() == ticket.answered_at
        (msg,) = await outbox_rows(session, mark)
        assert msg.chat_id == 5001 and "2026-000001" in msg.payload["text"]
        assert "已安排维修" in msg.payload["text"] and "住建局" in msg.payload["text"]
        _check_buttons(msg, tid, ["resolved", "followup", "reopen"])
        await svc.note(tid, clerk, "内部：已联系物业")
        mark = await last_outbox_id(session)
        ticket = await svc.close(tid, clerk, "已修复")
        assert ticket.status == "closed" and ticket.closed_at == w.clock.now()
        (closed,) = await outbox_rows(session, mark)
        assert closed.chat_id == 5001 and "2026-000001" in closed.payload["text"]
        _check_buttons(closed, tid, ["rate1", "rate2", "rate3", "rate4", "rate5", "reopen"])
        with pytest.raises(InvalidTransition) as info:
            await svc.reply(tid, clerk, "again")
        assert render_error(info.value, "en") == "Cannot reply to ticket 2026-000001: it is closed."
        await session.commit()
        kinds = [e.kind for e in await events(session, tid)]
        assert kinds == ["created", "taken", "replied", "note", "closed"]


async def test_take_twice_and_taken_by_someone_else(world: World) -> None:
    tid = await open_ticket(world)
    async with world.factory() as session:
        svc = world.service(session)
        await svc.take(tid, await world.actor(session, world.clerk))
        with pytest.raises(Conflict) as info:
            await svc.take(tid, await world.actor(session, world.clerk2))
        assert info.value.key == "error-already_taken"
        assert "王小明" in render_error(info.value, "zh")
        with pytest.raises(InvalidTransition):
            await svc.take(tid, await world.actor(session, world.clerk))


async def test_stale_version_is_a_conflict(world: World) -> None:
    tid = await open_ticket(world)
    async with world.factory() as session:
        svc = world.service(session)
        clerk = await world.actor(session, world.clerk)
        ticket = await session.get(Ticket, tid)
        assert ticket is not None
        await svc._update(ticket)  # someone else's change: version 1 -> 2
        from sqlalchemy.orm.attributes import set_committed_value

        set_committed_value(ticket, "version", 1)  # a copy that did not see it
        with pytest.raises(Conflict):
            await svc._update(ticket, status="in_progress")
        assert (await svc.take(tid, clerk)).version == 3  # a fresh read succeeds


async def test_ask_info_pauses_and_follow_up_moves_deadlines(world: World) -> None:
    tid = await open_ticket(world)  # Tue 24 Nov 10:00: resolve by Tue 1 Dec 17:30
    world.clock.set(sh(2026, 11, 24, 11, 0))
    async with world.factory() as session:
        svc = world.service(session)
        mark = await last_outbox_id(session)
        ticket = await svc.ask_info(tid, await world.actor(session, world.clerk), "请提供楼号")
        assert ticket.status == "waiting_citizen" and ticket.paused_at == world.clock.now()
        assert ticket.first_response_at == world.clock.now()
        (ask,) = await outbox_rows(session, mark)
        assert ask.chat_id == 5001 and "请提供楼号" in ask.payload["text"]
        _check_buttons(ask, tid, ["followup"])
        await session.commit()
    world.clock.set(sh(2026, 11, 25, 10, 0))  # paused 1h + 4h on Tuesday, 1h on Wednesday
    async with world.factory() as session:
        svc = world.service(session)
        mark = await last_outbox_id(session)
        owner = await world.actor(session, 5001)
        ticket = await svc.follow_up(tid, owner, "3号楼，电话13900001111")
        assert ticket.status == "in_progress" and ticket.paused_at is None
        assert ticket.resolution_due_at == sh(2026, 12, 2, 16, 30)  # 1 Dec 17:30 + 6h
        (note,) = await outbox_rows(session, mark)
        assert note.chat_id == HOUSING_CHAT and "2026-000001" in note.payload["text"]
        assert "13900001111" not in note.payload["text"] and "139****1111" in note.payload["text"]
        assert "2026-12-02 16:30" in note.payload["text"]
        last = (await events(session, tid))[-1]
        assert last.kind == "citizen_message" and last.data["paused_seconds"] == 6 * 3600


async def test_pause_before_first_response_moves_response_deadline_too(world: World) -> None:
    tid = await open_ticket(world)
    async with world.factory() as session:
        svc = world.service(session)
        ticket = await session.get(Ticket, tid)
        assert ticket is not None
        await svc._update(ticket, status="waiting_citizen", paused_at=world.clock.now())
        world.clock.advance(timedelta(hours=1))  # 10:00 -> 11:00: 1h of working time
        ticket = await svc.follow_up(tid, await world.actor(session, 5001), "ok")
        assert ticket.status == "new"  # nobody assigned
        assert ticket.response_due_at == sh(2026, 11, 24, 16, 30)
        assert ticket.resolution_due_at == sh(2026, 12, 2, 10, 0)


async def test_transfer_restart_then_keep(world: World) -> None:
    tid = await open_ticket(world)
    world.clock.set(sh(2026, 11, 25, 10, 0))
    async with world.factory() as session:
        svc = world.service(session)
        clerk = await world.actor(session, world.clerk)
        await svc.take(tid, clerk)
        mark = await last_outbox_id(session)
        ticket = await svc.transfer(tid, clerk, "transport", "属于交通设施")
        # transport restarts the clock: help = 4h / 5d from Wed 25 Nov 10:00
        assert ticket.status == "new" and ticket.assignee_id is None
        assert ticket.department_id == world.dept_ids["transport"]
        assert ticket.response_due_at == sh(2026, 11, 25, 15, 30)
        assert ticket.resolution_due_at == sh(2026, 12, 2, 17, 30)
        rows = await outbox_rows(session, mark)
        assert [r.chat_id for r in rows] == [TRANSPORT_CHAT, 5001]
        assert (
            "属于交通设施" in rows[0].payload["text"] and "2026-000001" in rows[0].payload["text"]
        )
        assert "13812345678" not in rows[0].payload["text"]
        _check_buttons(rows[0], tid, ["take", "reply", "transfer"])
        assert "交通局" in rows[1].payload["text"]
        # the housing clerk no longer sees it
        with pytest.raises(NotAllowed):
            await svc.note(tid, clerk, "x")
        await session.commit()
    world.clock.set(sh(2026, 11, 26, 10, 0))
    async with world.factory() as session:
        svc = world.service(session)
        ticket = await svc.transfer(
            tid, await world.actor(session, world.other_clerk), "housing", "退回"
        )
        # housing keeps the clock
        assert ticket.response_due_at == sh(2026, 11, 25, 15, 30)
        assert ticket.resolution_due_at == sh(2026, 12, 2, 17, 30)
        transfers = [e for e in await events(session, tid) if e.kind == "transferred"]
        assert [e.data["clock"] for e in transfers] == ["restart", "keep"]
        with pytest.raises(ValidationError) as info:
            await svc.transfer(tid, await world.actor(session, world.clerk), "housing", "x")
        assert info.value.key == "error-same_department"
        with pytest.raises(ValidationError) as info:
            await svc.transfer(tid, await world.actor(session, world.clerk), "mars", "x")
        assert info.value.key == "error-unknown_department"


async def test_extension_request_approve_and_refuse(world: World) -> None:
    tid = await open_ticket(world)  # resolve by Tue 1 Dec 17:30
    world.clock.set(sh(2026, 11, 24, 11, 0))
    async with world.factory() as session:
        svc = world.service(session)
        clerk = await world.actor(session, world.clerk)
        head = await world.actor(session, world.head)
        for days in (0, 31):
            with pytest.raises(ValidationError):
                await svc.request_extension(tid, clerk, days, "需要现场勘察")
        mark = await last_outbox_id(session)
        await svc.request_extension(tid, clerk, 3, "需要现场勘察")
        (req,) = await outbox_rows(session, mark)
        assert req.chat_id == world.head  # the active head of housing (no head_user_id)
        assert "2026-000001" in req.payload["text"] and "2026-12-04 17:30" in req.payload["text"]
        _check_buttons(req, tid, ["extok", "extno"])
        with pytest.raises(ValidationError) as info:
            await svc.request_extension(tid, clerk, 2, "again")
        assert info.value.key == "error-extension_pending"
        with pytest.raises(NotAllowed) as info:
            await svc.approve_extension(tid, clerk)  # a clerk cannot decide
        assert info.value.key == "error-not_allowed"
        mark = await last_outbox_id(session)
        ticket = await svc.approve_extension(tid, head)
        assert ticket.resolution_due_at == sh(2026, 12, 4, 17, 30)
        rows = await outbox_rows(session, mark)
        assert [r.chat_id for r in rows] == [HOUSING_CHAT, 5001]
        assert (
            "2026-12-04 17:30" in rows[1].payload["text"]
            and "需要现场勘察" in rows[1].payload["text"]
        )
        with pytest.raises(ValidationError) as info:
            await svc.approve_extension(tid, head)
        assert info.value.key == "error-no_pending_extension"
        # a second request, refused: the deadline stays
        await svc.request_extension(tid, clerk, 2, "材料未齐")
        ticket = await svc.refuse_extension(tid, head, "请按期办结")
        assert ticket.resolution_due_at == sh(2026, 12, 4, 17, 30)
        kinds = [e.kind for e in await events(session, tid)]
        assert kinds[-4:] == [
            "extension_requested",
            "extension_approved",
            "extension_requested",
            "extension_refused",
        ]
        # after the deadline: no more requests
        world.clock.set(sh(2026, 12, 4, 17, 30))
        with pytest.raises(ValidationError) as info:
            await svc.request_extension(tid, clerk, 1, "late")
        assert info.value.key == "error-deadline_passed"
        assert "2026-12-04 17:30" in render_error(info.value, "en", SHANGHAI)


async def test_extension_request_goes_to_configured_head(world: World) -> None:
    tid = await open_ticket(world, dept="parks")
    async with world.factory() as session:
        svc = world.service(session)
        mark = await last_outbox_id(session)
        await svc.request_extension(tid, await world.actor(session, world.parks_clerk), 1, "rain")
        (req,) = await outbox_rows(session, mark)
        assert req.chat_id == PARKS_HEAD
        # the configured head need not be registered staff to decide
        from tickets.authz import Actor

        ticket = await svc.approve_extension(tid, Actor(PARKS_HEAD))
        assert ticket.resolution_due_at == sh(2026, 12, 2, 17, 30)


async def test_citizen_confirm_rate_and_reopen(world: World) -> None:
    tid = await open_ticket(world)
    async with world.factory() as session:
        svc = world.service(session)
        clerk = await world.actor(session, world.clerk)
        owner = await world.actor(session, 5001)
        await svc.reply(tid, clerk, "answer")
        # "Reopen" right after a reply means "not resolved"
        mark = await last_outbox_id(session)
        ticket = await svc.reopen(tid, owner)
        assert ticket.status == "in_progress"
        (row,) = await outbox_rows(session, mark)
        assert row.chat_id == HOUSING_CHAT and "2026-000001" in row.payload["text"]
        await svc.reply(tid, clerk, "answer 2")
        mark = await last_outbox_id(session)
        ticket = await svc.confirm_resolved(tid, owner)
        assert ticket.status == "closed"
        rows = await outbox_rows(session, mark)
        assert [r.chat_id for r in rows] == [HOUSING_CHAT, 5001]
        _check_buttons(rows[1], tid, ["rate1", "rate2", "rate3", "rate4", "rate5"])
        for bad in (0, 6, True):
            with pytest.raises(ValidationError):
                await svc.rate(tid, owner, bad)  # type: ignore[arg-type]
        ticket = await svc.rate(tid, owner, 4, "谢谢，电话13812345678")
        assert (ticket.rating, ticket.rating_comment) == (4, "谢谢，电话13812345678")
        staff_row = (await outbox_rows(session))[-1]
        assert staff_row.chat_id == HOUSING_CHAT and "4/5" in staff_row.payload["text"]
        assert "13812345678" not in staff_row.payload["text"]
        # within 7 days the citizen can reopen; later not
        world.clock.advance(timedelta(days=7, minutes=1))
        with pytest.raises(ValidationError) as info:
            await svc.reopen(tid, owner)
        assert info.value.key == "error-reopen_expired"
        ticket = await svc.reopen(tid, clerk, "复查")  # staff can, any time
        assert ticket.status == "in_progress" and ticket.closed_at is None
        # the passed resolution deadline got a fresh window
        assert ticket.resolution_due_at is not None and ticket.resolution_due_at > world.clock.now()
        assert (await outbox_rows(session))[-1].chat_id == 5001


async def test_demand_type_correction_recomputes_deadlines(world: World) -> None:
    tid = await open_ticket(world, demand_type="consultation")
    async with world.factory() as session:
        svc = world.service(session)
        clerk = await world.actor(session, world.clerk)
        ticket = await svc.set_demand_type(tid, clerk, "complaint")  # 4h / 13d from creation
        assert ticket.demand_type == "complaint"
        assert ticket.resolution_due_at == sh(2026, 12, 11, 17, 30)
        with pytest.raises(ValidationError):
            await svc.set_demand_type(tid, clerk, "complaint")
        with pytest.raises(ValidationError):
            await svc.set_demand_type(tid, clerk, "rumour")
        (event,) = [e for e in await events(session, tid) if e.kind == "retyped"]
        assert (event.data["old"], event.data["new"]) == ("consultation", "complaint")


async def test_reveal_contact_is_audited(world: World) -> None:
    tid = await open_ticket(world)
    async with world.factory() as session:
        svc = world.service(session)
        mark = await last_outbox_id(session)
        contact = await svc.reveal_contact(tid, await world.actor(session, world.clerk))
        assert (contact.display_name, contact.phone) == ("张三", "13812345678")
        assert contact.identities == (Identity("telegram", "5001", "5001"),)
        (event,) = [e for e in await events(session, tid) if e.kind == "contact_revealed"]
        assert event.actor_id == world.clerk and event.at == world.clock.now()
        assert await outbox_rows(session, mark) == []  # nothing is posted anywhere


async def test_photos_and_location_follow_the_post_to_staff(world: World) -> None:
    async with world.factory() as session:
        ticket = await world.service(session).create_ticket(
            world.owner,
            "housing",
            "楼道漏水",
            demand_type="help",
            lang="zh",
            details={
                "photos": ["photo-a", "photo-b"],
                "location": {"latitude": 31.23, "longitude": 121.47},
            },
        )
        await session.commit()
        rows = await outbox_rows(session)
    staff = [(r.method, r.payload) for r in rows if r.chat_id == HOUSING_CHAT]
    assert [m for m, _ in staff] == ["sendMessage", "sendPhoto", "sendPhoto", "sendLocation"]
    assert [p["photo"] for m, p in staff if m == "sendPhoto"] == ["photo-a", "photo-b"]
    assert all(ticket.number in p["caption"] for m, p in staff if m == "sendPhoto")
    assert staff[3][1]["latitude"] == 31.23 and staff[3][1]["longitude"] == 121.47
    # a reply to any of them finds the ticket
    assert {r.ref for r in rows if r.chat_id == HOUSING_CHAT} == {f"ticket:{ticket.id}"}
    # the citizen still gets one confirmation, no echo of their own attachments
    assert [r.method for r in rows if r.chat_id == 5001] == ["sendMessage"]


async def test_urgent_flag_recomputes_deadlines_and_tells_the_citizen(any_world: World) -> None:
    w = any_world
    tid = await open_ticket(w, demand_type="complaint")  # Tue 24 Nov 10:00: 4h / 13d
    async with w.factory() as session:
        svc = w.service(session)
        clerk = await w.actor(session, w.clerk)
        mark = await last_outbox_id(session)
        ticket = await svc.set_urgent(tid, clerk, True)  # urgent: 1h / the same day
        assert ticket.urgent is True
        assert ticket.response_due_at == sh(2026, 11, 24, 11, 0)
        assert ticket.resolution_due_at == sh(2026, 11, 24, 17, 30)
        (told,) = await outbox_rows(session, mark)
        assert told.chat_id == 5001 and "2026-11-24 17:30" in told.payload["text"]
        assert told.payload["text"].startswith("🚨")
        with pytest.raises(ValidationError) as same:
            await svc.set_urgent(tid, clerk, True)
        assert same.value.key == "error-same_urgency"
        await svc.reply(tid, clerk, "on it")  # the response deadline is met from now on
        answered = ticket.response_due_at
        mark = await last_outbox_id(session)
        ticket = await svc.set_urgent(tid, clerk, False)
        assert ticket.urgent is False and ticket.response_due_at == answered
        assert ticket.resolution_due_at == sh(2026, 12, 11, 17, 30)
        (told,) = await outbox_rows(session, mark)
        assert told.chat_id == 5001 and "2026-12-11 17:30" in told.payload["text"]
        changes = [e for e in await events(session, tid) if e.kind == "urgency_changed"]
        assert [(e.actor_id, e.data["urgent"]) for e in changes] == [
            (w.clerk, True),
            (w.clerk, False),
        ]
        logged = datetime.fromisoformat(changes[0].data["resolution_due_at"])
        assert logged == sh(2026, 11, 24, 17, 30)
        await svc.close(tid, clerk)
        with pytest.raises(InvalidTransition):
            await svc.set_urgent(tid, clerk, True)


async def test_erased_citizen_cannot_be_reached_or_asked(any_world: World) -> None:
    w = any_world
    tid = await open_ticket(w)
    async with w.factory() as session:
        svc = w.service(session)
        ticket = await svc._load(tid)
        assert ticket is not None
        address = await svc.citizen_address(ticket)
        assert address == CitizenAddress(Identity("telegram", "5001", "5001"), "zh")
        assert address.chat_id == 5001
        owner = await session.get(Citizen, w.owner.id)
        assert owner is not None
        await erase_citizen(session, owner, now=w.clock.now())
        assert await svc.citizen_address(ticket) is None
        clerk = await w.actor(session, w.clerk)
        mark = await last_outbox_id(session)
        with pytest.raises(ValidationError) as info:
            await svc.ask_info(tid, clerk, "which floor?")
        assert info.value.key == "error-citizen_unreachable"
        ticket = await svc.reply(tid, clerk, "已修复")  # recorded, sent to nobody
        assert ticket.status == "answered" and await outbox_rows(session, mark) == []
        assert [e.kind for e in await events(session, tid)][-1] == "replied"


async def test_reply_with_attachments_is_recorded_and_validated(world: World) -> None:
    tid = await open_ticket(world)
    async with world.factory() as session:
        svc = world.service(session)
        clerk = await world.actor(session, world.clerk)
        for files, key in (
            ([], "error-empty_text"),
            ([Attachment("video", "v")], "error-bad_attachment"),
            ([Attachment("photo", "")], "error-bad_attachment"),
            ([Attachment("photo", f"p{i}") for i in range(11)], "error-too_many_attachments"),
        ):
            with pytest.raises(ValidationError) as info:
                await svc.reply(tid, clerk, "  ", attachments=files)
            assert info.value.key == key
        mark = await last_outbox_id(session)
        await svc.reply(tid, clerk, "", attachments=[Attachment("document", "doc-9")])
        msg, doc = await outbox_rows(session, mark)  # the announcement, then the file
        assert msg.chat_id == 5001 and "住建局" in msg.payload["text"]
        _check_buttons(msg, tid, ["resolved", "followup", "reopen"])
        assert (doc.chat_id, doc.method, doc.payload["document"]) == (5001, "sendDocument", "doc-9")
        assert "2026-000001" in doc.payload["caption"] and doc.ref == f"ticket:{tid}"
        replied = [e for e in await events(session, tid) if e.kind == "replied"]
        assert [e.data for e in replied] == [
            {"text": "", "attachments": [{"kind": "document", "file_id": "doc-9"}]}
        ]


async def test_type_correction_keeps_an_approved_extension_and_tells_the_citizen(
    any_world: World,
) -> None:
    w = any_world
    created = w.clock.now()
    tid = await open_ticket(w, demand_type="consultation")  # 4h / 1d
    cal = w.desk.calendar(SHANGHAI)
    async with w.factory() as session:
        svc = w.service(session)
        clerk = await w.actor(session, w.clerk)
        head = await w.actor(session, w.head)
        await svc.request_extension(tid, clerk, 3, "parts on order")
        extended = (await svc.approve_extension(tid, head)).resolution_due_at
        assert extended == cal.add_working_days(cal.deadline(created, "1d"), 3)
        mark = await last_outbox_id(session)
        ticket = await svc.set_demand_type(tid, clerk, "complaint")  # 13d: + the 3 days
        assert ticket.resolution_due_at == cal.add_working_days(cal.deadline(created, "13d"), 3)
        assert ticket.response_due_at == cal.deadline(created, "4h")  # same window: unchanged
        (told,) = [r for r in await outbox_rows(session, mark) if r.chat_id == 5001]
        assert "投诉" in told.payload["text"] and "2026-12-16 17:30" in told.payload["text"]
        assert ticket.resolution_due_at == sh(2026, 12, 16, 17, 30)
        # and back: the deadline the head approved, to the minute
        ticket = await svc.set_demand_type(tid, clerk, "consultation")
        assert ticket.resolution_due_at == extended
        # after the first reply only the resolution deadline counts for the citizen:
        await svc.reply(tid, clerk, "收到")
        await svc.set_demand_type(tid, clerk, "complaint")
        mark = await last_outbox_id(session)
        ticket = await svc.set_demand_type(tid, clerk, "suggestion")  # 13d as well: no news
        assert ticket.resolution_due_at == sh(2026, 12, 16, 17, 30)
        assert await outbox_rows(session, mark) == []


async def test_a_rating_is_given_once_and_a_comment_follows(any_world: World) -> None:
    w = any_world
    tid = await open_ticket(w)
    async with w.factory() as session:
        svc = w.service(session)
        clerk = await w.actor(session, w.clerk)
        owner = await w.actor(session, 5001)
        await svc.reply(tid, clerk, "fixed")
        await svc.close(tid, clerk)
        mark = await last_outbox_id(session)
        ticket = await svc.rate(tid, owner, 2)
        (staff,) = await outbox_rows(session, mark)
        assert staff.chat_id == HOUSING_CHAT and "2/5" in staff.payload["text"]
        mark = await last_outbox_id(session)
        for score in (5, 2):  # another star, or the same again
            with pytest.raises(ValidationError) as again:
                await svc.rate(tid, owner, score)
            assert again.value.key == "error-already_rated"
            assert "⭐⭐" in render_error(again.value, "en") and "⭐⭐⭐" not in render_error(
                again.value, "en"
            )
        assert await outbox_rows(session, mark) == []  # staff are not told twice
        assert (await _get_in(session, tid)).rating == 2
        ticket = await svc.comment_rating(tid, owner, "slow, call me 13812345678")
        assert (ticket.rating, ticket.rating_comment) == (2, "slow, call me 13812345678")
        (staff,) = await outbox_rows(session, mark)
        assert "2/5" in staff.payload["text"] and "138****5678" in staff.payload["text"]
        with pytest.raises(ValidationError):
            await svc.comment_rating(tid, owner, "and another thing")
        kinds = [e.kind for e in await events(session, tid)]
        assert kinds.count("rated") == 1 and kinds.count("rating_commented") == 1


async def _get_in(session, ticket_id: int) -> Ticket:  # type: ignore[no-untyped-def]
    ticket = await session.get(Ticket, ticket_id, populate_existing=True)
    assert ticket is not None
    return ticket


async def test_follow_up_with_attachments_keeps_and_forwards_them(any_world: World) -> None:
    w = any_world
    tid = await open_ticket(w)

    async with w.factory() as session:
        svc = w.service(session)
        clerk = await w.actor(session, w.clerk)
        owner = await w.actor(session, 5001)
        await svc.ask_info(tid, clerk, "请拍一下漏水的位置")
        mark = await last_outbox_id(session)
        ticket = await svc.follow_up(tid, owner, "", attachments={"photos": ["ph-1"]})
        assert ticket.status == "in_progress" and ticket.paused_at is None
        assert ticket.details["photos"] == ["ph-1"]
        rows = await outbox_rows(session, mark)
        assert [(r.chat_id, r.method) for r in rows] == [
            (HOUSING_CHAT, "sendMessage"),
            (HOUSING_CHAT, "sendPhoto"),
        ]
        assert all(r.ref == f"ticket:{tid}" for r in rows)
        mark = await last_outbox_id(session)
        ticket = await svc.follow_up(
            tid, owner, "合同在这里", attachments={"documents": ["doc-1"], "photos": ["ph-2"]}
        )
        assert ticket.details == {"photos": ["ph-1", "ph-2"], "documents": ["doc-1"]}
        rows = await outbox_rows(session, mark)
        # only the new attachments are forwarded
        assert [r.method for r in rows] == ["sendMessage", "sendPhoto", "sendDocument"]
        assert [r.payload.get("photo") or r.payload.get("document") for r in rows[1:]] == [
            "ph-2",
            "doc-1",
        ]
        assert "合同在这里" in rows[0].payload["text"]
        last = (await events(session, tid))[-1]
        assert (last.kind, last.data["photos"], last.data["documents"]) == (
            "citizen_message",
            ["ph-2"],
            ["doc-1"],
        )
        for bad in ({"videos": ["v"]}, {"photos": "ph"}, {"photos": [""]}):
            with pytest.raises(ValidationError):
                await svc.follow_up(tid, owner, "x", attachments=bad)  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            await svc.follow_up(tid, owner, "  ", attachments={"photos": []})
