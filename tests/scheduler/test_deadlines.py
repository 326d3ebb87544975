"""Reminders, nags, escalations and quiet hours, on SQLite and PostgreSQL, with explicit times."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tickets.models import Ticket
from tickets.sweeps import run_round

from .helpers import (
    ADMINS,
    CAL,
    add_department,
    add_staff,
    add_ticket,
    alerts,
    ctx_at,
    events,
    local,
    outbox,
    ticket_ids_in,
)

ROUND = ("deadlines",)


async def _round(session_factory, now):
    report = await run_round(session_factory, ctx_at(now), only=ROUND)
    assert report.errors == []
    return {r.name: r for r in report.results}


async def test_reminder_at_75_percent_of_the_response_window(session_factory):
    async with session_factory() as s:
        dept = await add_department(s, "roads", chat=-100)
        clerk = await add_staff(s, dept, tg=501)
        created = local(2026, 3, 2, 10, 0)  # Monday 10:00, 4 working hours -> 15:30
        due = CAL.deadline(created, "4h")
        assert due == local(2026, 3, 2, 15, 30)
        unassigned = await add_ticket(s, dept, created_at=created, response_due_at=due)
        assigned = await add_ticket(
            s,
            dept,
            created_at=created,
            response_due_at=due,
            assignee_id=clerk.id,
            status="in_progress",
        )
        await s.commit()

    # 75 % of 4 working hours = 3 h: 10:00-12:00, then 13:30-14:30.
    res = await _round(session_factory, local(2026, 3, 2, 14, 29))
    assert res["reminders"].count == 0
    res = await _round(session_factory, local(2026, 3, 2, 14, 30))
    assert res["reminders"].count == 2
    async with session_factory() as s:
        rows = await outbox(s)
        by_chat = {r.chat_id: r for r in rows}
        assert set(by_chat) == {-100, 501}  # unassigned -> department chat, else the assignee
        assert {r.priority for r in rows} == {0}  # a reminder is not bulk: it goes first
        assert ticket_ids_in(by_chat[-100]) == [unassigned.id]
        assert ticket_ids_in(by_chat[501]) == [assigned.id]
        text = by_chat[501].payload["text"]
        assert assigned.number in text and "1小时" in text  # 1 working hour left
        assert by_chat[501].payload["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == (
            f"tk:view:{assigned.id}"
        )
        assert {e.ticket_id for e in await events(s, "deadline_reminder")} == {
            unassigned.id,
            assigned.id,
        }
        ticket = await s.get(Ticket, assigned.id)
        assert ticket.next_reminder_at == due  # next look: the deadline itself
    res = await _round(session_factory, local(2026, 3, 2, 14, 45))
    assert res["reminders"].count == 0  # once


async def test_nags_repeat_and_escalate_once_each(session_factory):
    async with session_factory() as s:
        dept = await add_department(s, "water", chat=-200, head=777)
        clerk = await add_staff(s, dept, tg=502)
        created = local(2026, 3, 2, 10, 0)
        ticket = await add_ticket(
            s,
            dept,
            created_at=created,
            response_due_at=local(2026, 3, 2, 15, 30),
            resolution_due_at=local(2026, 3, 20, 17, 30),
            assignee_id=clerk.id,
            status="in_progress",
        )
        await s.commit()

    res = await _round(session_factory, local(2026, 3, 2, 15, 30))  # the deadline
    assert res["nags"].count == 1 and res["urges"].count == 0
    async with session_factory() as s:
        rows = await outbox(s)
        assert sorted(r.chat_id for r in rows) == [-200, 502]  # department chat and assignee
        assert "超期" in rows[0].payload["text"] and ticket.number in rows[0].payload["text"]

    assert (await _round(session_factory, local(2026, 3, 2, 16, 0)))["nags"].count == 0
    assert (await _round(session_factory, local(2026, 3, 2, 17, 29)))["nags"].count == 0
    # 2 working hours after the deadline (15:30-17:30): the second nag.
    res = await _round(session_factory, local(2026, 3, 2, 17, 30))
    assert res["nags"].count == 1
    # Urge after 1 working day overdue: the end of Tuesday.
    res = await _round(session_factory, local(2026, 3, 3, 17, 29))
    assert res["urges"].count == 0
    res = await _round(session_factory, local(2026, 3, 3, 17, 30))
    assert res["urges"].count == 1 and res["reprimands"].count == 0
    assert (await _round(session_factory, local(2026, 3, 4, 10, 0)))["urges"].count == 0
    # Reprimand after 3 working days: Thursday 17:30.
    res = await _round(session_factory, local(2026, 3, 5, 17, 30))
    assert res["reprimands"].count == 1
    res = await _round(session_factory, local(2026, 3, 6, 11, 0))
    assert res["reprimands"].count == 0 and res["urges"].count == 0

    async with session_factory() as s:
        got = await alerts(s)
        kinds = [a for _t, d, a in got if d == "response"]
        assert kinds.count("urge") == 1 and kinds.count("reprimand") == 1
        assert kinds[:2] == ["nag-0", "nag-1"]
        assert len(kinds) == len(set(kinds))
        rows = await outbox(s)
        head = [r for r in rows if r.chat_id == 777]
        assert len(head) == 1 and "督办" in head[0].payload["text"]
        admin = [r for r in rows if r.chat_id in ADMINS]
        assert sorted(r.chat_id for r in admin) == sorted(ADMINS)
        assert all("通报" in r.payload["text"] for r in admin)
        t = await s.get(Ticket, ticket.id)
        assert t.escalation_level == 3
        assert len(await events(s, "urged")) == 1
        assert len(await events(s, "reprimanded")) == 1
        nag_events = await events(s, "overdue_nag")
        assert [e.data["alert"] for e in nag_events][:2] == ["nag-0", "nag-1"]
        assert nag_events[1].data["working_seconds"] == 2 * 3600


async def test_quiet_hours_batch_per_chat_at_next_working_start(session_factory):
    async with session_factory() as s:
        a = await add_department(s, "parks", chat=-300)
        b = await add_department(s, "health", chat=-400)
        friday = local(2026, 3, 6, 9, 0)
        tickets_a = [
            await add_ticket(
                s,
                a,
                created_at=friday,
                response_due_at=local(2026, 3, 6, 19 - i, 0) + timedelta(hours=1),
            )
            for i in range(3)
        ]
        # Overdue at 20:00 (after hours: the deadline as such is a working instant, but the
        # sweep only runs now): set deadlines in the evening so nothing falls in working time.
        for t in tickets_a:
            t.response_due_at = local(2026, 3, 6, 20, 0)
            s.add(t)
        tb = await add_ticket(s, b, created_at=friday, response_due_at=local(2026, 3, 6, 20, 0))
        await s.commit()

    res = await _round(session_factory, local(2026, 3, 6, 20, 0))
    assert res["nags"].count == 0 and "quiet hours" in res["nags"].summary()
    assert (await _round(session_factory, local(2026, 3, 7, 10, 0)))["nags"].count == 0  # Saturday
    res = await _round(session_factory, local(2026, 3, 9, 9, 0))  # Monday 09:00
    assert res["nags"].count == 4
    async with session_factory() as s:
        rows = await outbox(s)
    assert sorted(r.chat_id for r in rows) == [-400, -300]  # one message per chat
    by_chat = {r.chat_id: r for r in rows}
    assert sorted(ticket_ids_in(by_chat[-300])) == sorted(t.id for t in tickets_a)
    assert ticket_ids_in(by_chat[-400]) == [tb.id]
    assert all(t.number in by_chat[-300].payload["text"] for t in tickets_a)


async def test_paused_ticket_is_not_nagged_and_its_moved_deadline_rules(session_factory):
    due = local(2026, 3, 2, 15, 30)
    async with session_factory() as s:
        dept = await add_department(s, "housing", chat=-500)
        t = await add_ticket(
            s,
            dept,
            created_at=local(2026, 3, 2, 10, 0),
            response_due_at=due,
            status="waiting_citizen",
            paused_at=local(2026, 3, 2, 11, 0),
        )
        await s.commit()
    res = await _round(session_factory, local(2026, 3, 3, 10, 0))
    assert res["nags"].count == 0 and res["reminders"].count == 0

    # The citizen answers Tuesday 10:00: the service moves the deadline by the working time
    # paused (Mon 11:00 -> Tue 10:00 = 6 h) and clears the pause.
    paused = CAL.working_time_between(local(2026, 3, 2, 11, 0), local(2026, 3, 3, 10, 0))
    moved = CAL.add_working_time(due, paused)
    async with session_factory() as s:
        row = await s.get(Ticket, t.id)
        row.status, row.paused_at, row.response_due_at = "in_progress", None, moved
        row.next_reminder_at = None
        s.add(row)
        await s.commit()
    assert moved == local(2026, 3, 3, 14, 30)
    res = await _round(session_factory, local(2026, 3, 3, 14, 29))
    assert res["nags"].count == 0
    res = await _round(session_factory, local(2026, 3, 3, 14, 30))
    assert res["nags"].count == 1
    async with session_factory() as s:
        (nag,) = await events(s, "overdue_nag")
        assert nag.data["due_at"] == moved.isoformat()


async def test_dry_run_changes_nothing(session_factory):
    async with session_factory() as s:
        dept = await add_department(s, "transport", chat=-600)
        await add_ticket(
            s, dept, created_at=local(2026, 3, 2, 9, 0), response_due_at=local(2026, 3, 2, 13, 0)
        )
        await s.commit()
    report = await run_round(session_factory, ctx_at(local(2026, 3, 2, 14, 0)), dry_run=True)
    # The overdue nag, the department's digest (09:00 passed) and the weekly summary (Monday).
    predicted = sorted((m.chat_id, m.payload["text"]) for m in report.messages)
    assert [c for c, _ in predicted] == [-600, -600, *ADMINS]
    async with session_factory() as s:
        assert await outbox(s) == []
        assert await alerts(s) == []
        assert (await s.exec(select(Ticket.next_reminder_at))).scalar_one() is None
    await run_round(session_factory, ctx_at(local(2026, 3, 2, 14, 0)))
    async with session_factory() as s:
        queued = sorted((r.chat_id, r.payload["text"]) for r in await outbox(s))
    assert queued == predicted


async def test_department_without_chat_or_head_alerts_its_clerks(session_factory):
    """No staff chat, no head, two clerks: reminders, nags and urging reach the clerks
    privately (the assignee once assigned); the reprimand still goes to the administrators."""
    async with session_factory() as s:
        dept = await add_department(s, "markets", chat=None)
        clerk_a = await add_staff(s, dept, tg=601)
        await add_staff(s, dept, tg=602)
        retired = await add_staff(s, dept, tg=603)
        retired.active = False
        s.add(retired)
        created = local(2026, 3, 2, 10, 0)
        unassigned = await add_ticket(
            s, dept, created_at=created, response_due_at=local(2026, 3, 2, 15, 30)
        )
        assigned = await add_ticket(
            s,
            dept,
            created_at=created,
            response_due_at=local(2026, 3, 2, 15, 30),
            assignee_id=clerk_a.id,
            status="in_progress",
        )
        await s.commit()

    def chats(rows, ticket):  # type: ignore[no-untyped-def]
        return sorted(r.chat_id for r in rows if ticket.id in ticket_ids_in(r))

    res = await _round(session_factory, local(2026, 3, 2, 14, 30))  # 75 % of the window
    assert res["reminders"].count == 2
    async with session_factory() as s:
        rows = await outbox(s)
    assert chats(rows, unassigned) == [601, 602] and chats(rows, assigned) == [601]
    mark = len(rows)

    res = await _round(session_factory, local(2026, 3, 2, 15, 30))  # the deadline
    assert res["nags"].count == 2
    async with session_factory() as s:
        rows = (await outbox(s))[mark:]
    assert chats(rows, unassigned) == [601, 602] and chats(rows, assigned) == [601]
    assert all("超期" in r.payload["text"] for r in rows)
    mark += len(rows)

    res = await _round(session_factory, local(2026, 3, 3, 17, 30))  # 1 working day overdue
    assert res["urges"].count == 2
    async with session_factory() as s:
        rows = (await outbox(s))[mark:]
    urged = [r for r in rows if "督办" in r.payload["text"]]
    assert chats(urged, unassigned) == [601, 602] and chats(urged, assigned) == [601, 602]
    mark += len(rows)

    res = await _round(session_factory, local(2026, 3, 5, 17, 30))  # 3 working days
    assert res["reprimands"].count == 2
    async with session_factory() as s:
        rows = (await outbox(s))[mark:]
        assert sorted({r.chat_id for r in rows if "通报" in r.payload["text"]}) == sorted(ADMINS)
        assert 603 not in {r.chat_id for r in await outbox(s)}
        (urge_event, _) = await events(s, "urged")
        assert urge_event.data["recipients"] == [601, 602]
