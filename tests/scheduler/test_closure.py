"""Post-closure callback ("really solved?") and auto-close of answered tickets."""

from __future__ import annotations

import pytest

from handlers.notify.replies import closure_answer_text
from tickets.authz import Actor
from tickets.clock import FixedClock
from tickets.config.desk import DeskConfig
from tickets.errors import NotAllowed
from tickets.models import Ticket
from tickets.service import TicketService
from tickets.sweeps import SweepPolicy, run_round
from tickets.worktime.durations import WorkWindow

from .helpers import (
    CAL,
    TZ,
    add_citizen,
    add_department,
    add_ticket,
    ctx_at,
    events,
    local,
    notifiers,
    outbox,
)


def _service(session, clock) -> TicketService:  # type: ignore[no-untyped-def]
    return TicketService(
        session,
        clock=clock,
        config=DeskConfig(departments={}),
        calendar=CAL,
        tz=TZ,
        notifier=notifiers()(session),
    )


async def _round(session_factory, now, only):
    report = await run_round(session_factory, ctx_at(now), only=only)
    assert report.errors == []
    return report.results[0]


async def test_callback_next_working_day_and_not_solved_reopens(session_factory):
    closed = local(2026, 3, 6, 15, 0)  # Friday afternoon
    async with session_factory() as s:
        dept = await add_department(s, "roads", chat=-100)
        citizen = await add_citizen(s, 4242, lang="en")
        other = await add_citizen(s, 4343)
        t = await add_ticket(
            s,
            dept,
            citizen_id=citizen.id,
            status="closed",
            created_at=local(2026, 3, 2, 9, 0),
            first_response_at=local(2026, 3, 2, 10, 0),
            answered_at=local(2026, 3, 5, 10, 0),
            closed_at=closed,
            resolution_due_at=local(2026, 3, 20, 17, 30),
        )
        rated = await add_ticket(
            s, dept, citizen_id=other.id, status="closed", closed_at=closed, rating=5
        )
        await s.commit()

    assert (await _round(session_factory, local(2026, 3, 6, 16, 0), ("callbacks",))).count == 0
    assert (await _round(session_factory, local(2026, 3, 7, 10, 0), ("callbacks",))).count == 0
    res = await _round(session_factory, local(2026, 3, 9, 9, 0), ("callbacks",))  # Monday
    assert res.count == 1
    assert (await _round(session_factory, local(2026, 3, 9, 10, 0), ("callbacks",))).count == 0
    async with session_factory() as s:
        (msg,) = await outbox(s)
        assert msg.chat_id == 4242
        assert t.number in msg.payload["text"] and "really been solved" in msg.payload["text"]
        buttons = [b["callback_data"] for b in msg.payload["reply_markup"]["inline_keyboard"][0]]
        assert buttons == [f"tk:solved:{t.id}", f"tk:unsolved:{t.id}"]
        assert rated.id not in [e.ticket_id for e in await events(s, "closure_callback_sent")]

    clock = FixedClock(local(2026, 3, 9, 9, 30))
    async with session_factory() as s:
        service = _service(s, clock)
        answer = await service.answer_closure_callback(
            t.id, Actor.for_citizen(citizen.id), solved=False
        )
        text = await closure_answer_text(s, service.config, answer, "en")  # the citizen's
        await s.commit()
    assert answer.reopened and not answer.already and "Roads" in text
    async with session_factory() as s:
        row = await s.get(Ticket, t.id)
        assert row.status == "new" and row.closed_at is None
        kinds = [e.kind for e in await events(s) if e.ticket_id == t.id]
        assert kinds[-2:] == ["callback_unsolved", "reopened"]
        staff = [m for m in await outbox(s) if m.chat_id == -100]
        assert len(staff) == 1 and t.number in staff[0].payload["text"]

    async with session_factory() as s:
        service = _service(s, clock)
        again = await service.answer_closure_callback(
            t.id, Actor.for_citizen(citizen.id), solved=True
        )
        assert again.already
        text = await closure_answer_text(s, service.config, again, "en")
        assert text == f"You have already answered about ticket {t.number}, thank you!"
        with pytest.raises(NotAllowed):
            await service.answer_closure_callback(t.id, Actor.for_citizen(other.id), solved=True)


async def test_callback_solved_is_recorded_and_can_be_disabled(session_factory):
    async with session_factory() as s:
        dept = await add_department(s, "parks", chat=-200)
        citizen = await add_citizen(s, 5151)
        t = await add_ticket(
            s, dept, citizen_id=citizen.id, status="closed", closed_at=local(2026, 3, 2, 11, 0)
        )
        await s.commit()
    off = await run_round(
        session_factory,
        ctx_at(local(2026, 3, 3, 9, 0), SweepPolicy(closure_callback=False)),
        only=("callbacks",),
    )
    assert off.results[0].count == 0 and "disabled" in off.results[0].summary()
    assert (await _round(session_factory, local(2026, 3, 3, 9, 0), ("callbacks",))).count == 1
    async with session_factory() as s:
        service = _service(s, FixedClock(local(2026, 3, 3, 9, 5)))
        answer = await service.answer_closure_callback(
            t.id, Actor.for_citizen(citizen.id), solved=True
        )
        text = await closure_answer_text(s, service.config, answer, "zh")  # the citizen's
        await s.commit()
        assert answer.solved and not answer.reopened and text == "感谢您的反馈！"
    async with session_factory() as s:
        assert (await s.get(Ticket, t.id)).status == "closed"
        assert [e.kind for e in await events(s, "callback_solved")] == ["callback_solved"]


async def test_auto_close_after_three_working_days_without_reaction(session_factory):
    answered = local(2026, 3, 2, 10, 0)  # Monday; 3 working days -> end of Thursday
    async with session_factory() as s:
        dept = await add_department(s, "water", chat=-300)
        citizen = await add_citizen(s, 6161)
        t = await add_ticket(
            s,
            dept,
            citizen_id=citizen.id,
            status="answered",
            answered_at=answered,
            first_response_at=answered,
            lang="zh",
        )
        followed = await add_ticket(
            s, dept, citizen_id=citizen.id, status="in_progress", answered_at=answered
        )
        await s.commit()
    assert (await _round(session_factory, local(2026, 3, 5, 17, 29), ("auto-close",))).count == 0
    res = await _round(session_factory, local(2026, 3, 5, 17, 30), ("auto-close",))
    assert res.count == 1 and res.summary() == "auto-close: 1 closed (1 message)"
    assert (await _round(session_factory, local(2026, 3, 6, 9, 0), ("auto-close",))).count == 0
    async with session_factory() as s:
        row = await s.get(Ticket, t.id)
        assert row.status == "closed" and row.closed_at == local(2026, 3, 5, 17, 30)
        assert row.version == 2
        assert (await s.get(Ticket, followed.id)).status == "in_progress"
        (msg,) = await outbox(s)
        assert (
            msg.chat_id == 6161
            and t.number in msg.payload["text"]
            and "自动办结" in msg.payload["text"]
        )
        assert (
            msg.payload["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            == f"tk:rate1:{t.id}"
        )
        (ev,) = await events(s, "closed")
        assert ev.data["auto"] is True and ev.actor_kind == "system"


async def test_auto_close_goes_through_the_service_once_and_wakes_the_sender(session_factory):
    """The round's rows are queued by the ticket service (the citizen's notice): the sender is
    woken after the round; a second close of the same ticket is refused by the lifecycle."""
    answered = local(2026, 3, 2, 10, 0)
    async with session_factory() as s:
        dept = await add_department(s, "roads", chat=-400)
        citizen = await add_citizen(s, 7171, lang="en")
        t = await add_ticket(
            s, dept, citizen_id=citizen.id, status="answered", answered_at=answered
        )
        await s.commit()
    woken: list[int] = []
    report = await run_round(
        session_factory,
        ctx_at(local(2026, 3, 5, 17, 30)),
        only=("auto-close",),
        on_queued=lambda: woken.append(1),
    )
    (result,) = report.results
    assert result.count == 1 and len(result.messages) == 1 and woken == [1]
    (msg,) = result.messages
    assert msg.chat_id == 7171 and msg.dedupe_key == f"autoclose:{t.id}:2"
    assert "we heard nothing from you within 3 working days" in msg.payload["text"]
    async with session_factory() as s:
        service = _service(s, FixedClock(local(2026, 3, 5, 17, 31)))
        assert await service.auto_close(t.id, local(2026, 3, 5, 17, 31), WorkWindow.days(3)) is None
        assert (await s.get(Ticket, t.id)).version == 2
