"""Every event kind in words, in zh and en: texts from the catalogue, times in the city's time
zone, department names from the departments file, the ticket buttons."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from handlers.notify.channels import FilePart, LocationPart, Part, TextPart, telegram_call
from handlers.notify.format import DepartmentNames
from handlers.notify.render import RENDERERS, RenderContext, render
from tickets import notify as ev
from tickets.attachments import Attachment
from tickets.notify import KINDS, ToCitizen, ToStaff
from tickets.reports.stats import DepartmentRates, Ranking
from tickets.worktime.calendar import CoverageGap
from tickets.worktime.durations import WorkWindow

from .support import desk

TZ = ZoneInfo("Asia/Shanghai")
CTX = RenderContext(TZ, DepartmentNames(desk(), {"gone": ("旧局", "Old Bureau")}))
AT = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
DUE = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)  # 15:30
LATER = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # 17:30
REF = ev.TicketRef(12, "2026-000012", "housing", "zh", 7)
CITIZEN = ToCitizen(7)
GROUP = ToStaff(-1001)
CLERK = ToStaff(101, 101, "en")
POST = ev.Post(
    demand_type="help",
    urgent=True,
    name="张*",
    phone="138****5678",
    text="楼道灯坏了，电话***",
    response_due_at=DUE,
    resolution_due_at=LATER,
    files=ev.Files(("ph-1",), ("doc-1",), (39.9, 116.4)),
)
COMMON: dict[str, Any] = {"at": AT, "recipients": (CITIZEN, GROUP), "about": 7}


def _event(kind: str) -> ev.Event:
    t = {"ticket": REF, **COMMON}
    if kind == "ticket.created":
        return ev.TicketCreated(post=POST, **t)
    if kind == "ticket.taken":
        return ev.TicketTaken(staff_name="Wang", **t)
    if kind == "ticket.replied":
        return ev.TicketReplied(text="Fixed.", files=(Attachment("photo", "ph-9"),), **t)
    if kind == "ticket.info_requested":
        return ev.InfoRequested(text="Which floor?", **t)
    if kind == "ticket.transferred":
        return ev.TicketTransferred(from_department="transport", reason="not ours", post=POST, **t)
    if kind == "ticket.closed":
        return ev.TicketClosed(resolution="Lamp replaced.", **t)
    if kind == "ticket.reopened":
        return ev.TicketReopened(by_citizen=True, was_closed=True, **t)
    if kind == "ticket.extension_requested":
        return ev.ExtensionRequested(
            staff_name="Wang", days=2, old_deadline=DUE, new_deadline=LATER, reason="parts", **t
        )
    if kind == "ticket.extension_decided":
        return ev.ExtensionDecided(approved=True, deadline=LATER, reason="parts", **t)
    if kind == "ticket.retyped":
        return ev.TicketRetyped(
            demand_type="complaint",
            response_due_at=DUE,
            resolution_due_at=LATER,
            with_response=True,
            **t,
        )
    if kind == "ticket.urgency_changed":
        return ev.UrgencyChanged(urgent=True, resolution_due_at=LATER, **t)
    if kind == "ticket.assigned":
        return ev.TicketAssigned(staff_name="Zhao", assignee_name="Wang", assignee_user_id=101, **t)
    if kind == "ticket.followed_up":
        return ev.FollowedUp(
            text="Third floor.",
            resumed=True,
            resolution_due_at=LATER,
            files=ev.Files(("ph-2",)),
            **t,
        )
    if kind == "ticket.confirmed":
        return ev.TicketConfirmed(**t)
    if kind == "ticket.citizen_unreachable":
        return ev.CitizenUnreachable(channel="wechat", why="window", **t)
    if kind == "ticket.rated":
        return ev.TicketRated(rating=4, comment="quick", **t)
    if kind == "ticket.rating_commented":
        return ev.RatingCommented(rating=4, comment="thanks", **t)
    if kind == "ticket.auto_closed":
        return ev.TicketAutoClosed(answered_at=DUE, window=WorkWindow.days(3), **t)
    if kind == "ticket.closure_callback":
        return ev.ClosureCallback(closed_at=DUE, **t)
    if kind == "sweep.alerts":
        late = ev.DueAlert("nag", 12, "2026-000012", "housing", "response", DUE, timedelta(hours=9))
        soon = ev.DueAlert(
            "reminder", 13, "2026-000013", "gone", "resolution", LATER, timedelta(minutes=5)
        )
        return ev.AlertsDue(alerts=(late, soon), day_length=timedelta(hours=7), **COMMON)
    if kind == "sweep.digest":
        return ev.DailyDigest(
            department="housing",
            day=date(2026, 11, 24),
            open=5,
            due_today=2,
            overdue=1,
            closed=3,
            since=DUE,
            overdue_numbers=("2026-000012",),
            **COMMON,
        )
    if kind == "sweep.weekly":
        rates = DepartmentRates(1, "housing", "住建局", "Housing Bureau", created=4)
        rates.response_due, rates.responded_on_time = 4, 3
        idle = DepartmentRates(2, "transport", "交通局", "Transport Bureau")
        ranking = Ranking(ranked=[rates], unrated=[], idle=[idle])
        line = ev.ReprimandLine("2026-000012", "housing", ("response", "resolution"))
        return ev.WeeklyRanking(
            start=date(2026, 11, 16),
            end=date(2026, 11, 22),
            ranking=ranking,
            reprimands=(line,),
            reprimand_count=1,
            **COMMON,
        )
    if kind == "calendar.uncovered":
        gap = CoverageGap(2027, True, "config/calendar/2027.yaml")
        return ev.CalendarUncovered(gaps=(gap,), **COMMON)
    if kind == "faq.freshness":
        lines = (
            ev.FreshLine("expired", "housing-1", "如何办理居住证？", date(2026, 11, 1)),
            ev.FreshLine("unreviewed", "housing-2", "How to?", None),
        )
        return ev.FaqFreshness(
            day=date(2026, 11, 30),
            department="housing",
            groups=(("housing", lines),),
            total=2,
            review_days=180,
            files="faq/housing.yaml",
            **COMMON,
        )
    if kind == "faq.problems":
        return ev.FaqProblems(problems=("faq/a.yaml:3: no answer",), count=1, **COMMON)
    names = (("zh", "道路封闭"), ("en", "Road closures"))
    if kind == "announcement.posted":
        return ev.AnnouncementPosted(
            announcement_id=3,
            delivery_id=9,
            topic="road-closures",
            topic_names=names,
            text_zh="国庆期间长安街封闭",
            text_en="Chang'an Avenue is closed over National Day",
            urgent=True,
            **COMMON,
        )
    if kind == "announcement.report":
        return ev.AnnouncementReport(
            announcement_id=3,
            topic="road-closures",
            topic_names=names,
            total=10,
            sent=7,
            failed=1,
            blocked=2,
            unreachable=0,
            **COMMON,
        )
    if kind == "announcement.cancelled":
        return ev.AnnouncementCancelled(
            announcement_id=4,
            topic="road-closures",
            topic_names=names,
            why="topic",
            sent=120,
            not_sent=880,
            **COMMON,
        )
    raise AssertionError(kind)


def _texts(parts: list[Part]) -> str:
    return "\n".join(p.text for p in parts if isinstance(p, TextPart))


def _buttons(parts: list[Part]) -> list[str]:
    return [b.id for p in parts if isinstance(p, TextPart) for row in p.rows or () for b in row]


def test_every_kind_has_a_renderer() -> None:
    assert set(RENDERERS) == set(KINDS) and len(KINDS) == 28


# kind -> (recipient, the texts expected in zh, in en, the buttons)
EXPECTED: dict[str, tuple[Any, list[str], list[str], list[str]]] = {
    "ticket.created": (
        GROUP,
        [
            "🆕 新工单",
            "2026-000012",
            "住建局",
            "类型：求助 🚨 紧急",
            "🚨 紧急",
            "张* (138****5678)",
            "2026-11-24 15:30",
            "2026-12-01 17:30",
            "楼道灯坏了，电话***",
        ],
        [
            "🆕 New ticket",
            "Housing Bureau",
            "request for help",
            "🚨 URGENT",
            "Respond by: 2026-11-24 15:30",
        ],
        ["tk:take:12", "tk:reply:12", "tk:transfer:12"],
    ),
    "ticket.taken": (GROUP, ["Wang", "2026-000012"], ["✋ Wang took ticket 2026-000012"], []),
    "ticket.replied": (
        CITIZEN,
        ["住建局", "2026-000012", "Fixed."],
        ["💬 Housing Bureau replied on your ticket 2026-000012", "Fixed."],
        ["tk:resolved:12", "tk:followup:12", "tk:reopen:12"],
    ),
    "ticket.info_requested": (
        CITIZEN,
        ["住建局", "Which floor?"],
        ["❓ Housing Bureau needs more information on your ticket 2026-000012"],
        ["tk:followup:12"],
    ),
    "ticket.transferred": (
        GROUP,
        ["交通局", "not ours", "2026-000012"],
        ["↪️ Transferred from Transport Bureau: not ours", "Ticket 2026-000012 | Housing Bureau"],
        ["tk:take:12", "tk:reply:12", "tk:transfer:12"],
    ),
    "ticket.closed": (
        CITIZEN,
        ["2026-000012", "Lamp replaced."],
        ["✅ Your ticket 2026-000012 is closed. Lamp replaced."],
        [*(f"tk:rate{n}:12" for n in range(1, 6)), "tk:reopen:12"],
    ),
    "ticket.reopened": (
        GROUP,
        ["2026-000012"],
        ["🔄 The citizen reopened ticket 2026-000012."],
        [],
    ),
    "ticket.extension_requested": (
        GROUP,
        ["Wang", "2026-11-24 15:30", "2026-12-01 17:30", "parts"],
        [
            "⏳ Wang asks to extend ticket 2026-000012 by 2 working days",
            "2026-11-24 15:30 → 2026-12-01 17:30",
        ],
        ["tk:extok:12", "tk:extno:12"],
    ),
    "ticket.extension_decided": (
        GROUP,
        ["2026-000012", "2026-12-01 17:30"],
        ["✅ Extension of ticket 2026-000012 approved; resolve by 2026-12-01 17:30"],
        [],
    ),
    "ticket.retyped": (
        CITIZEN,
        ["投诉", "2026-11-24 15:30", "2026-12-01 17:30"],
        [
            "now handled as a complaint: we will respond by 2026-11-24 15:30 and resolve it by 2026-12-01 17:30"
        ],
        [],
    ),
    "ticket.urgency_changed": (
        CITIZEN,
        ["2026-000012", "2026-12-01 17:30"],
        [
            "🚨 Your ticket 2026-000012 is now handled as urgent; it will be resolved by 2026-12-01 17:30."
        ],
        [],
    ),
    "ticket.assigned": (
        GROUP,
        ["Zhao", "Wang", "2026-000012"],
        ["👤 Zhao assigned ticket 2026-000012 to Wang"],
        [],
    ),
    "ticket.followed_up": (
        GROUP,
        ["2026-000012", "2026-12-01 17:30", "Third floor."],
        [
            "📝 The citizen answered on ticket 2026-000012; the clock runs again, resolve by 2026-12-01 17:30",
            "📎 1 attachment(s) below",
        ],
        [],
    ),
    "ticket.citizen_unreachable": (
        GROUP,
        ["2026-000012", "48 小时", "/contact"],
        ["A message on ticket 2026-000012 did not reach the citizen", "48 hours", "/contact"],
        [],
    ),
    "ticket.confirmed": (
        GROUP,
        ["2026-000012"],
        ["✅ The citizen confirmed ticket 2026-000012 as resolved"],
        [],
    ),
    "ticket.rated": (
        GROUP,
        ["2026-000012", "4/5", "quick"],
        ["⭐ The citizen rated ticket 2026-000012: 4/5 quick"],
        [],
    ),
    "ticket.rating_commented": (
        GROUP,
        ["2026-000012", "thanks"],
        ["💬 The citizen commented on their rating of ticket 2026-000012 (4/5): thanks"],
        [],
    ),
    "ticket.auto_closed": (
        CITIZEN,
        ["2026-000012", "2026-11-24 15:30", "3个工作日内未收到您的回复"],
        [
            "answered on 2026-11-24 15:30; we heard nothing from you within 3 working days, so it is now closed"
        ],
        [*(f"tk:rate{n}:12" for n in range(1, 6)), "tk:reopen:12"],
    ),
    "ticket.closure_callback": (
        CITIZEN,
        ["2026-000012", "2026-11-24 15:30"],
        [
            "Your ticket 2026-000012 was closed on 2026-11-24 15:30. Has your problem really been solved?"
        ],
        ["tk:solved:12", "tk:unsolved:12"],
    ),
    "sweep.alerts": (
        GROUP,
        ["超期", "2026-000012｜住建局", "1个工作日2小时", "2026-000013｜旧局", "剩余 5分钟"],
        [
            "🔴 These tickets are overdue:\n• 2026-000012 | Housing Bureau | response 1 working day 2 h late (due 2026-11-24 15:30)",
            "⏰ These tickets are due soon:\n• 2026-000013 | Old Bureau | resolution due 2026-12-01 17:30, 5 min left",
        ],
        ["tk:view:12", "tk:view:13"],
    ),
    "sweep.digest": (
        GROUP,
        ["住建局", "2026-11-24", "2026-11-24 15:30", "• 2026-000012"],
        [
            "📋 Housing Bureau: daily digest (2026-11-24)",
            "Closed since 2026-11-24 15:30: 3",
            "Overdue tickets:\n• 2026-000012",
        ],
        [],
    ),
    "sweep.weekly": (
        GROUP,
        ["2026-11-16", "2026-11-22", "1. 住建局：75.0%", "交通局", "2026-000012｜住建局"],
        [
            "📊 Department ranking for 2026-11-16 to 2026-11-22",
            "1. Housing Bureau: 75.0% | — | — | —",
            "No tickets this week, not ranked: Transport Bureau",
            "• 2026-000012 | Housing Bureau | response, resolution overdue",
        ],
        [],
    ),
    "calendar.uncovered": (
        GROUP,
        ["⚠️ 节假日日历提醒：尚未录入2027年", "config/calendar/2027.yaml"],
        [
            "⚠️ Holiday calendar: the official holiday schedule for 2027 is missing",
            "make-up working days are unknown",
        ],
        [],
    ),
    "faq.freshness": (
        GROUP,
        [
            "住建局",
            "2026-11-30",
            "housing-1「如何办理居住证？」已于 2026-11-01 过期",
            "faq/housing.yaml",
        ],
        [
            "🗂️ Housing Bureau: these FAQ answers need a review (2026-11-30)",
            'housing-2 "How to?" has no review date',
            "Files: faq/housing.yaml",
        ],
        [],
    ),
    "faq.problems": (
        GROUP,
        ["faq/a.yaml:3: no answer"],
        ["⚠️ The FAQ files changed but have 1 problem(s)", "faq/a.yaml:3: no answer"],
        [],
    ),
    "announcement.posted": (
        CITIZEN,
        ["📣 🚨 紧急 道路封闭", "国庆期间长安街封闭"],
        ["📣 🚨 URGENT Road closures", "Chang'an Avenue is closed over National Day"],
        ["sub:off:road-closures"],
    ),
    "announcement.report": (
        GROUP,
        ["通知 3（“道路封闭”）已发送完毕：订阅者 10 人；成功 7，失败 1，已屏蔽机器人或取消关注 2"],
        [
            "Announcement 3 (“Road closures”) is done: 10 subscribers; sent 7, failed 1, "
            "blocked the bot or unfollowed 2 (unsubscribed), out of reach for now 0"
        ],
        [],
    ),
    "announcement.cancelled": (
        GROUP,
        ["通知 4（“道路封闭”）已取消：该主题已从部门配置文件中删除。已送达 120 人，其余 880 人"],
        [
            "Announcement 4 (“Road closures”) is cancelled: its topic was removed from the "
            "departments file. 120 subscribers had received it; the other 880 will not."
        ],
        [],
    ),
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_kind_in_both_languages(kind: str) -> None:
    assert set(EXPECTED) == set(KINDS)
    to, zh_parts, en_parts, buttons = EXPECTED[kind]
    event = _event(kind)
    zh, en = render(event, to, "zh", CTX), render(event, to, "en", CTX)
    for wanted in zh_parts:
        assert wanted in _texts(zh), (kind, wanted, _texts(zh))
    for wanted in en_parts:
        assert wanted in _texts(en), (kind, wanted, _texts(en))
    assert _texts(zh) != _texts(en)
    assert _buttons(zh) == _buttons(en) == buttons
    labels_zh = [
        b.label for p in zh if isinstance(p, TextPart) for row in p.rows or () for b in row
    ]
    labels_en = [
        b.label for p in en if isinstance(p, TextPart) for row in p.rows or () for b in row
    ]
    assert len(labels_zh) == len(buttons)
    if buttons:
        assert labels_zh != labels_en  # the labels are in the recipient's language too


def test_the_citizen_and_staff_sides_of_one_event() -> None:
    created = _event("ticket.created")
    citizen = render(created, CITIZEN, "en", CTX)
    assert _texts(citizen) == (
        "Your request is registered as ticket 2026-000012. We will respond by 2026-11-24 15:30."
    )
    staff = render(created, GROUP, "zh", CTX)
    # the post, then the citizen's photo, document (captioned) and location
    assert [type(p) for p in staff] == [TextPart, FilePart, FilePart, LocationPart]
    assert [telegram_call(p)[0] for p in staff] == [
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendLocation",
    ]
    assert telegram_call(staff[1])[1] == {"photo": "ph-1", "caption": "📎 工单 2026-000012 的附件"}
    transferred = render(_event("ticket.transferred"), CITIZEN, "en", CTX)
    assert (
        _texts(transferred) == "↪️ Your ticket 2026-000012 has been transferred to Housing Bureau."
    )
    decided = render(_event("ticket.extension_decided"), CITIZEN, "en", CTX)
    assert "extended to 2026-12-01 17:30. Reason: parts" in _texts(decided)
    refused = ev.ExtensionDecided(approved=False, deadline=DUE, reason="no", ticket=REF, **COMMON)
    assert _texts(render(refused, GROUP, "en", CTX)) == (
        "❌ Extension of ticket 2026-000012 refused. no"
    )
    by_staff = ev.TicketReopened(by_citizen=False, was_closed=True, ticket=REF, **COMMON)
    assert "has been reopened" in _texts(render(by_staff, CITIZEN, "en", CTX))
    not_resolved = ev.TicketReopened(by_citizen=True, was_closed=False, ticket=REF, **COMMON)
    assert "is not resolved" in _texts(render(not_resolved, GROUP, "en", CTX))
    confirmed = render(_event("ticket.confirmed"), CITIZEN, "en", CTX)
    assert _buttons(confirmed) == [f"tk:rate{n}:12" for n in range(1, 6)]  # no [Reopen]
    assigned = render(_event("ticket.assigned"), CLERK, "en", CTX)
    assert _texts(assigned) == "👤 Zhao assigned ticket 2026-000012 to you."
    replied = render(_event("ticket.replied"), CITIZEN, "en", CTX)
    assert telegram_call(replied[1]) == (
        "sendPhoto",
        {"photo": "ph-9", "caption": telegram_call(replied[1])[1]["caption"]},
    )
    assert "2026-000012" in telegram_call(replied[1])[1]["caption"]


def test_the_scheduler_texts_are_cut_to_telegram_s_limit_and_the_service_s_are_not() -> None:
    problems = ev.FaqProblems(problems=("x" * 5000,), count=1, **COMMON)
    (part,) = render(problems, GROUP, "en", CTX)
    assert len(telegram_call(part)[1]["text"]) > 4096  # as before: not cut
    gap = CoverageGap(2027, False, "p/" + "x" * 5000)
    (part,) = render(ev.CalendarUncovered(gaps=(gap,), **COMMON), GROUP, "en", CTX)
    assert len(telegram_call(part)[1]["text"]) == 4096
