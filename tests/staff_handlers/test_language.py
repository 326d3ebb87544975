"""Each staff member's own language: set from Telegram when they join, changed with
/language, used for their answers and for the notifications sent to them privately; group chats
keep the desk's staff language (``scheduler.staff_lang``)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from handlers.notify import notifier_factory
from locales import t
from tickets.models import StaffMember, Ticket
from tickets.people.staff import create_invite, invite_payload
from tickets.sweeps import SweepContext, SweepPolicy, run_round

from .conftest import HOUSING_CHAT, SHANGHAI, Desk, sh, texts

NEWCOMER = 7001


async def _join(desk: Desk, lang: str) -> StaffMember:
    async with desk.factory() as session:
        invite = await create_invite(session, "housing", "clerk", now=desk.clock.now())
        await session.commit()
    rows = await desk.message(NEWCOMER, f"/start {invite_payload(invite)}", lang=lang)
    assert len(texts(rows)) == 1
    async with desk.factory() as session:
        member = (
            await session.exec(select(StaffMember).where(StaffMember.telegram_user_id == NEWCOMER))
        ).one()
    return member


async def _overdue_ticket_of(desk: Desk, member: StaffMember) -> tuple[int, str]:
    tid, number = await desk.open_ticket()
    async with desk.factory() as session:
        await session.exec(
            update(Ticket)
            .where(Ticket.id == tid)
            .values(status="in_progress", assignee_id=member.id, next_reminder_at=None)
        )
        await session.commit()
    return tid, number


async def _nags(desk: Desk, at_hours: int = 8) -> dict[int, str]:
    """A deadline round some working hours after the response deadline (15:30 that day)."""
    calendar = desk.deps.desk.calendar
    policy = SweepPolicy()
    ctx = SweepContext(
        now=sh(2026, 11, 25, 9, 0) + timedelta(hours=at_hours - 8),
        policy=policy,
        calendar=calendar,
        notifiers=notifier_factory(desk.deps.desk.config, SHANGHAI, policy.staff_lang),
    )
    report = await run_round(desk.factory, ctx, only=("deadlines",))
    assert report.errors == []
    return {int(m.chat_id or 0): str(m.payload["text"]) for m in report.messages}


async def test_a_clerk_who_joins_in_english_gets_english_nags_and_the_group_the_desk_s(
    desk: Desk,
) -> None:
    member = await _join(desk, "en")
    assert member.language == "en"
    _tid, number = await _overdue_ticket_of(desk, member)
    nags = await _nags(desk)
    assert nags.keys() == {HOUSING_CHAT, NEWCOMER}
    assert nags[NEWCOMER].startswith(t("en", "head-nag")) and number in nags[NEWCOMER]
    assert "Housing Bureau" in nags[NEWCOMER]
    assert nags[HOUSING_CHAT].startswith(t("zh", "head-nag")) and "住建局" in nags[HOUSING_CHAT]


async def test_language_changes_answers_and_notifications(desk: Desk) -> None:
    member = await _join(desk, "zh")
    assert member.language == "zh"
    shown = await desk.message(NEWCOMER, "/language", lang="en")
    assert texts(shown) == [t("zh", "sh-language_current", language=t("zh", "sh-language-zh"))]
    assert texts(await desk.message(NEWCOMER, "/language fr", lang="en")) == [
        t("zh", "sh-usage-language")
    ]
    done = await desk.message(NEWCOMER, "/language en", lang="zh")
    assert texts(done) == [t("en", "sh-language_set", language=t("en", "sh-language-en"))]
    # answers follow the choice, whatever the Telegram client says
    assert texts(await desk.message(NEWCOMER, "/take 2026-999999", lang="zh")) == [
        t("en", "error-unavailable")
    ]
    _tid, number = await _overdue_ticket_of(desk, member)
    nags = await _nags(desk)
    assert nags[NEWCOMER].startswith(t("en", "head-nag")) and number in nags[NEWCOMER]


async def test_language_from_someone_who_is_not_staff_is_the_citizen_s(desk: Desk) -> None:
    rows = await desk.message(5001, "/language", lang="en")
    assert texts(rows) == [t("zh", "language-prompt")]  # the citizen handler, their language


async def test_a_member_who_rejoins_keeps_their_choice(desk: Desk) -> None:
    await _join(desk, "en")
    async with desk.factory() as session:
        await session.exec(
            update(StaffMember)
            .where(StaffMember.telegram_user_id == NEWCOMER)
            .values(language="zh")
        )
        await session.commit()
    again = await _join(desk, "en")
    assert again.language == "zh"
