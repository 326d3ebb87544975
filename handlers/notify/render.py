"""Every event kind in words: the texts (from the catalogue, in the recipient's language), the
buttons and the files of each recipient's message (channel-neutral :class:`Part` s; see
:mod:`handlers.notify.channels` for how each channel sends them).

``render(event, recipient, lang, ctx)`` is the one entry point; each kind has one function
below (:data:`RENDERERS`), which tells a citizen (:class:`~tickets.notify.ToCitizen`) and staff
(:class:`~tickets.notify.ToStaff`) apart when an event goes to both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from handlers.notify.actions import (
    add_info_buttons,
    closure_callback_buttons,
    extension_buttons,
    rating_buttons,
    reply_buttons,
    staff_ticket_buttons,
    unsubscribe_buttons,
    view_buttons,
)
from handlers.notify.channels import FilePart, LocationPart, Part, TextPart
from handlers.notify.format import (
    DepartmentNames,
    coverage_warning,
    describe_late,
    describe_window,
    format_time,
)
from locales import t
from tickets import notify as ev
from tickets.notify import Recipient, ToCitizen, ToStaff
from tickets.privacy import compose_identity

__all__ = ["RENDERERS", "RenderContext", "render"]

MAX_REPRIMANDS = 50  # listed in the weekly summary; the rest are counted


@dataclass(frozen=True)
class RenderContext:
    """What rendering needs besides the event: the city's time zone and department names."""

    tz: tzinfo
    names: DepartmentNames

    def time(self, value: Any, lang: str | None) -> str:
        return format_time(value, self.tz, lang)

    def department(self, slug: str, lang: str | None) -> str:
        return self.names.name(slug, lang)


Renderer = Callable[[Any, Recipient, str | None, RenderContext], list[Part]]


def render(event: ev.Event, to: Recipient, lang: str | None, ctx: RenderContext) -> list[Part]:
    """The parts of ``event``'s message to ``to`` in ``lang``; raises ``KeyError`` for a kind
    without a renderer (a test checks every kind has one)."""
    return RENDERERS[event.kind](event, to, lang, ctx)


# --- shared pieces --------------------------------------------------------------------------
def _post_body(ticket: ev.TicketRef, post: ev.Post, lang: str | None, ctx: RenderContext) -> str:
    """The ticket as staff see it: masked identity, redacted text."""
    fallback = f"{t(lang, 'label-citizen')} #{ticket.citizen_id or '?'}"
    return t(
        lang,
        "staff-ticket_body",
        number=ticket.number,
        department=ctx.department(ticket.department, lang),
        type=t(lang, f"type-{post.demand_type}"),
        urgent=f" {t(lang, 'label-urgent')}" if post.urgent else "",
        citizen=compose_identity(post.name, post.phone, fallback),
        response_due=ctx.time(post.response_due_at, lang),
        resolution_due=ctx.time(post.resolution_due_at, lang),
        text=post.text,
    )


OTHER_CHANNEL_FILES = ("wechat:", "web:")  # file ids of attachments from other channels


def _citizen_files(ticket: ev.TicketRef, files: ev.Files, lang: str | None) -> list[Part]:
    """A citizen's attachments after a post to staff: photos, documents, then the location."""
    caption = t(lang, "staff-attachment", number=ticket.number)
    # Photos a WeChat follower sent (``wechat:<MediaId>``) cannot be sent to Telegram by id:
    # one line says how many there are and where to see them (the console fetches them).
    elsewhere = [p for p in files.photos if p.startswith(OTHER_CHANNEL_FILES)]
    parts: list[Part] = [FilePart("photo", p, caption) for p in files.photos if p not in elsewhere]
    parts += [FilePart("document", d, caption) for d in files.documents]
    wechat = [p for p in elsewhere if p.startswith("wechat:")]
    web = [p for p in elsewhere if p.startswith("web:")]
    for files_of, key in ((wechat, "wx-staff_photos"), (web, "web-staff_photos")):
        if files_of:
            note = t(lang, key, count=len(files_of))
            parts.append(TextPart(t(lang, "lines", first=caption, rest=note)))
    if files.location is not None:
        parts.append(LocationPart(*files.location))
    return parts


def _text(text: str, rows: Any = None) -> list[Part]:
    return [TextPart(text, rows)]


# --- the ticket service's events ------------------------------------------------------------
def _created(
    e: ev.TicketCreated, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    if isinstance(to, ToCitizen):
        due = ctx.time(e.post.response_due_at, lang)
        return _text(t(lang, "citizen-created", number=e.ticket.number, response_due=due))
    body = _post_body(e.ticket, e.post, lang, ctx)
    return [
        TextPart(t(lang, "staff-new_ticket", body=body), staff_ticket_buttons(lang, e.ticket.id)),
        *_citizen_files(e.ticket, e.post.files, lang),
    ]


def _taken(e: ev.TicketTaken, to: Recipient, lang: str | None, ctx: RenderContext) -> list[Part]:
    return _text(t(lang, "staff-taken", staff=e.staff_name, number=e.ticket.number))


def _replied(
    e: ev.TicketReplied, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    key = "citizen-reply" if e.text else "citizen-reply_attachments"
    text = t(
        lang,
        key,
        number=e.ticket.number,
        department=ctx.department(e.ticket.department, lang),
        text=e.text,
    )
    caption = t(lang, "sh-citizen_attachment", number=e.ticket.number)
    files = [FilePart(f.kind, f.file_id, caption) for f in e.files]
    return [TextPart(text, reply_buttons(lang, e.ticket.id)), *files]


def _info_requested(
    e: ev.InfoRequested, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    text = t(
        lang,
        "citizen-ask_info",
        number=e.ticket.number,
        department=ctx.department(e.ticket.department, lang),
        text=e.text,
    )
    return _text(text, add_info_buttons(lang, e.ticket.id))


def _transferred(
    e: ev.TicketTransferred, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    if isinstance(to, ToCitizen):
        department = ctx.department(e.ticket.department, lang)
        return _text(t(lang, "citizen-transferred", number=e.ticket.number, department=department))
    text = t(
        lang,
        "staff-transferred_in",
        from_department=ctx.department(e.from_department, lang),
        reason=e.reason,
        body=_post_body(e.ticket, e.post, lang, ctx),
    )
    return [
        TextPart(text, staff_ticket_buttons(lang, e.ticket.id)),
        *_citizen_files(e.ticket, e.post.files, lang),
    ]


def _closed(e: ev.TicketClosed, to: Recipient, lang: str | None, ctx: RenderContext) -> list[Part]:
    text = t(lang, "citizen-closed", number=e.ticket.number, resolution=e.resolution)
    return _text(text, rating_buttons(lang, e.ticket.id))


def _reopened(
    e: ev.TicketReopened, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    if isinstance(to, ToCitizen):
        return _text(t(lang, "citizen-reopened", number=e.ticket.number))
    key = "staff-reopened_by_citizen" if e.was_closed else "staff-not_resolved"
    return _text(t(lang, key, number=e.ticket.number))


def _extension_requested(
    e: ev.ExtensionRequested, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    text = t(
        lang,
        "staff-extension_request",
        staff=e.staff_name,
        number=e.ticket.number,
        days=e.days,
        old_deadline=ctx.time(e.old_deadline, lang),
        new_deadline=ctx.time(e.new_deadline, lang),
        reason=e.reason,
    )
    return _text(text, extension_buttons(lang, e.ticket.id))


def _extension_decided(
    e: ev.ExtensionDecided, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    number, deadline = e.ticket.number, ctx.time(e.deadline, lang)
    if isinstance(to, ToCitizen):
        return _text(t(lang, "citizen-extended", number=number, deadline=deadline, reason=e.reason))
    if e.approved:
        return _text(t(lang, "staff-extension_approved", number=number, deadline=deadline))
    return _text(t(lang, "staff-extension_refused", number=number, reason=e.reason))


def _retyped(
    e: ev.TicketRetyped, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    key = "citizen-retyped_response" if e.with_response else "citizen-retyped"
    text = t(
        lang,
        key,
        number=e.ticket.number,
        type=t(lang, f"type-{e.demand_type}"),
        response_due=ctx.time(e.response_due_at, lang),
        deadline=ctx.time(e.resolution_due_at, lang),
    )
    return _text(text)


def _urgency(
    e: ev.UrgencyChanged, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    key = "citizen-urgent_on" if e.urgent else "citizen-urgent_off"
    return _text(t(lang, key, number=e.ticket.number, deadline=ctx.time(e.resolution_due_at, lang)))


def _assigned(
    e: ev.TicketAssigned, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    number = e.ticket.number
    if isinstance(to, ToStaff) and to.telegram_user_id == e.assignee_user_id:
        return _text(t(lang, "staff-assigned_to_you", staff=e.staff_name, number=number))
    text = t(lang, "staff-assigned", staff=e.staff_name, number=number, assignee=e.assignee_name)
    return _text(text)


def _followed_up(
    e: ev.FollowedUp, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    number = e.ticket.number
    if e.resumed:
        due = ctx.time(e.resolution_due_at, lang)
        text = t(lang, "staff-info_received", number=number, resolution_due=due, text=e.text)
    else:
        text = t(lang, "staff-follow_up", number=number, text=e.text)
    if e.files.count:
        text += "\n" + t(lang, "staff-with_attachments", count=e.files.count)
    return [TextPart(text), *_citizen_files(e.ticket, e.files, lang)]


def _confirmed(
    e: ev.TicketConfirmed, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    if isinstance(to, ToCitizen):
        text = t(lang, "citizen-closed", number=e.ticket.number, resolution="")
        return _text(text, rating_buttons(lang, e.ticket.id, with_reopen=False))
    return _text(t(lang, "staff-confirmed", number=e.ticket.number))


def _unreachable(
    e: ev.CitizenUnreachable, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    reason = t(lang, f"unreachable-{e.why}")
    return _text(t(lang, "staff-citizen_unreachable", number=e.ticket.number, reason=reason))


def _rated(e: ev.TicketRated, to: Recipient, lang: str | None, ctx: RenderContext) -> list[Part]:
    text = t(lang, "staff-rated", number=e.ticket.number, rating=e.rating, comment=e.comment)
    return _text(text)


def _rating_commented(
    e: ev.RatingCommented, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    text = t(
        lang, "staff-rating_comment", number=e.ticket.number, rating=e.rating, comment=e.comment
    )
    return _text(text)


# --- the sweeps' events ---------------------------------------------------------------------
def _auto_closed(
    e: ev.TicketAutoClosed, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    text = t(
        lang,
        "citizen-auto_closed",
        number=e.ticket.number,
        answered=ctx.time(e.answered_at, lang),
        after=describe_window(e.window, lang, within=False),
    )
    return [TextPart(text, rating_buttons(lang, e.ticket.id), limit=True)]


def _closure_callback(
    e: ev.ClosureCallback, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    text = t(lang, "citizen-callback", number=e.ticket.number, closed=ctx.time(e.closed_at, lang))
    return [TextPart(text, closure_callback_buttons(lang, e.ticket.id), limit=True)]


def _alerts(e: ev.AlertsDue, to: Recipient, lang: str | None, ctx: RenderContext) -> list[Part]:
    """Sections by category (most serious first, as the sweep ordered them), one line per
    alert, an [Open] button per ticket."""
    lines: list[str] = []
    current = None
    tickets: dict[int, str] = {}
    for a in e.alerts:
        if a.category != current:
            if lines:
                lines.append("")
            lines.append(t(lang, f"head-{a.category}"))
            current = a.category
        params: dict[str, Any] = {
            "number": a.number,
            "department": ctx.department(a.department, lang),
            "deadline": t(lang, f"deadline-{a.deadline}"),
            "due": ctx.time(a.due, lang),
        }
        amount = describe_late(a.working_time, lang, e.day_length)
        if a.category == "reminder":
            lines.append(t(lang, "line-reminder", left=amount, **params))
        else:
            lines.append(t(lang, "line-late", late=amount, **params))
        tickets.setdefault(a.ticket_id, a.number)
    rows = view_buttons(lang, list(tickets.items()))
    return [TextPart("\n".join(lines), rows, limit=True)]


def _rate(rate: float | None, lang: str | None) -> str:
    return t(lang, "rate-none") if rate is None else f"{rate * 100:.1f}%"


def _digest(e: ev.DailyDigest, to: Recipient, lang: str | None, ctx: RenderContext) -> list[Part]:
    text = t(
        lang,
        "digest",
        department=ctx.department(e.department, lang),
        date=e.day.isoformat(),
        open=e.open,
        due_today=e.due_today,
        overdue=e.overdue,
        since=ctx.time(e.since, lang),
        closed=e.closed,
    )
    if e.overdue_numbers:
        numbers = "\n".join(f"• {n}" for n in e.overdue_numbers)
        text += "\n\n" + t(lang, "digest-overdue_head") + "\n" + numbers
    return [TextPart(text, limit=True)]


def _weekly(e: ev.WeeklyRanking, to: Recipient, lang: str | None, ctx: RenderContext) -> list[Part]:
    ranking = e.ranking
    lines = [t(lang, "weekly-head", start=e.start.isoformat(), end=e.end.isoformat())]
    for rank, r in enumerate(ranking.ranked, 1):
        lines.append(
            t(
                lang,
                "weekly-line",
                rank=rank,
                department=ctx.department(r.slug, lang),
                response=_rate(r.response_rate, lang),
                resolution=_rate(r.resolution_rate, lang),
                satisfaction=_rate(r.satisfaction_rate, lang),
                on_time=_rate(r.on_time_rate, lang),
                created=r.created,
                overdue=r.late_open,
            )
        )
    if ranking.unrated:
        lines.append(t(lang, "weekly-unrated"))
        for r in ranking.unrated:
            lines.append(
                t(
                    lang,
                    "weekly-unrated_line",
                    department=ctx.department(r.slug, lang),
                    created=r.created,
                    overdue=r.late_open,
                )
            )
    sep = t(lang, "list-sep")
    if ranking.idle:
        names = sep.join(ctx.department(r.slug, lang) for r in ranking.idle)
        lines.append(t(lang, "weekly-idle", departments=names))
    if not ranking.all:
        lines.append(t(lang, "weekly-empty"))
    lines.append("")
    if e.reprimand_count:
        lines.append(t(lang, "weekly-reprimands", count=e.reprimand_count))
        for rep in e.reprimands[:MAX_REPRIMANDS]:
            lines.append(
                t(
                    lang,
                    "weekly-reprimand_line",
                    number=rep.number,
                    department=ctx.department(rep.department, lang),
                    deadline=sep.join(t(lang, f"deadline-{d}") for d in rep.deadlines),
                )
            )
        if e.reprimand_count > MAX_REPRIMANDS:
            lines.append(t(lang, "more", count=e.reprimand_count - MAX_REPRIMANDS))
    else:
        lines.append(t(lang, "weekly-no_reprimands"))
    lines.append("")
    if e.gaps:
        lines.append(t(lang, "weekly-gaps"))
        for rank, gap in enumerate(e.gaps, 1):
            where = sep.join(ctx.department(slug, lang) for slug in gap.departments)
            lines.append(
                t(
                    lang,
                    "weekly-gap_line",
                    rank=rank,
                    count=gap.size,
                    question=gap.question,
                    departments=where or t(lang, "weekly-gap_no_ticket"),
                )
            )
        lines.append(t(lang, "weekly-gaps_tail"))
    else:
        lines.append(t(lang, "weekly-no_gaps"))
    return [TextPart("\n".join(lines), limit=True)]


def _fresh_lines(lines: tuple[ev.FreshLine, ...], lang: str | None, days: int) -> list[str]:
    out = [
        t(
            lang,
            f"fresh-{line.kind}",
            id=line.entry_id,
            question=line.question,
            day=line.day.isoformat() if line.day else "",
            days=days,
        )
        for line in lines[:MAX_FRESH_LINES]
    ]
    if len(lines) > MAX_FRESH_LINES:
        out.append(t(lang, "more", count=len(lines) - MAX_FRESH_LINES))
    return out


def _freshness(
    e: ev.FaqFreshness, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    day = e.day.isoformat()
    if e.department is not None:  # the owning department's list
        lines = [t(lang, "fresh-head", department=ctx.department(e.department, lang), date=day)]
        for _owner, found in e.groups:
            lines += _fresh_lines(found, lang, e.review_days)
        lines += ["", t(lang, "fresh-tail", files=e.files)]
        return [TextPart("\n".join(lines), limit=True)]
    lines = [t(lang, "fresh-admin_head", date=day, count=e.total)]
    for owner, found in e.groups:
        name = ctx.department(owner, lang) if owner else t(lang, "fresh-no_owner")
        lines += ["", t(lang, "fresh-admin_dept", department=name, count=len(found))]
        lines += _fresh_lines(found, lang, e.review_days)
    return [TextPart("\n".join(lines), limit=True)]


MAX_FRESH_LINES = 40  # per message; the rest is counted


def _calendar(
    e: ev.CalendarUncovered, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    years = "/".join(str(g.year) for g in e.gaps)
    warnings = [coverage_warning(g, lang) for g in e.gaps]
    text = "\n\n".join([t(lang, "calendar-head", years=years), *warnings])
    return [TextPart(text, limit=True)]


def _faq_problems(
    e: ev.FaqProblems, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    listing = "\n".join(e.problems)
    return _text(t(lang, "admin-faq_reload_failed", count=e.count, problems=listing))


def announcement_lang(e: ev.AnnouncementPosted, lang: str | None) -> str:
    """The language a citizen reads ``e`` in: theirs when the text has it, else the other."""
    wanted = "en" if (lang or "zh").lower().startswith("en") else "zh"
    texts = {"zh": e.text_zh, "en": e.text_en}
    return wanted if texts[wanted] else ("en" if wanted == "zh" else "zh")


def _topic_name(names: tuple[tuple[str, str], ...], lang: str) -> str:
    found = dict(names)
    return found.get(lang) or next(iter(found.values()), "")


def _announcement(
    e: ev.AnnouncementPosted, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    """The announcement as its subscriber (and the author's preview) sees it."""
    shown = announcement_lang(e, lang)
    body = (e.text_zh if shown == "zh" else e.text_en) or ""
    text = t(
        shown,
        "announce-message",
        topic=_topic_name(e.topic_names, shown),
        text=body,
        urgent=t(shown, "announce-urgent-mark") if e.urgent else "",
    )
    rows = unsubscribe_buttons(shown, e.topic)
    if e.photo:
        return [FilePart("photo", e.photo, text, rows)]
    return [TextPart(text, rows)]


def _announcement_report(
    e: ev.AnnouncementReport, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    return _text(
        t(
            lang,
            "announce-report",
            id=e.announcement_id,
            topic=_topic_name(e.topic_names, "en" if (lang or "").startswith("en") else "zh"),
            total=e.total,
            sent=e.sent,
            failed=e.failed,
            blocked=e.blocked,
            unreachable=e.unreachable,
        )
    )


def _announcement_cancelled(
    e: ev.AnnouncementCancelled, to: Recipient, lang: str | None, ctx: RenderContext
) -> list[Part]:
    return _text(
        t(
            lang,
            f"announce-cancelled-{e.why}"
            if e.why in ("topic", "author")
            else "announce-cancelled-author",
            id=e.announcement_id,
            topic=_topic_name(e.topic_names, "en" if (lang or "").startswith("en") else "zh"),
            sent=e.sent,
            not_sent=e.not_sent,
        )
    )


RENDERERS: dict[str, Renderer] = {
    ev.TicketCreated.kind: _created,
    ev.TicketTaken.kind: _taken,
    ev.TicketReplied.kind: _replied,
    ev.InfoRequested.kind: _info_requested,
    ev.TicketTransferred.kind: _transferred,
    ev.TicketClosed.kind: _closed,
    ev.TicketReopened.kind: _reopened,
    ev.ExtensionRequested.kind: _extension_requested,
    ev.ExtensionDecided.kind: _extension_decided,
    ev.TicketRetyped.kind: _retyped,
    ev.UrgencyChanged.kind: _urgency,
    ev.TicketAssigned.kind: _assigned,
    ev.FollowedUp.kind: _followed_up,
    ev.TicketConfirmed.kind: _confirmed,
    ev.CitizenUnreachable.kind: _unreachable,
    ev.FaqFreshness.kind: _freshness,
    ev.TicketRated.kind: _rated,
    ev.RatingCommented.kind: _rating_commented,
    ev.TicketAutoClosed.kind: _auto_closed,
    ev.ClosureCallback.kind: _closure_callback,
    ev.AlertsDue.kind: _alerts,
    ev.DailyDigest.kind: _digest,
    ev.WeeklyRanking.kind: _weekly,
    ev.CalendarUncovered.kind: _calendar,
    ev.FaqProblems.kind: _faq_problems,
    ev.AnnouncementPosted.kind: _announcement,
    ev.AnnouncementReport.kind: _announcement_report,
    ev.AnnouncementCancelled.kind: _announcement_cancelled,
}


def departments_of(event: ev.Event) -> set[str]:
    """The department slugs an event's texts name (their names are looked up before)."""
    slugs: set[str] = set()
    if isinstance(event, ev.TicketNotice):
        slugs.add(event.ticket.department)
    if isinstance(event, ev.TicketTransferred):
        slugs.add(event.from_department)
    elif isinstance(event, ev.AlertsDue):
        slugs.update(a.department for a in event.alerts)
    elif isinstance(event, ev.DailyDigest):
        slugs.add(event.department)
    elif isinstance(event, ev.WeeklyRanking):
        slugs.update(r.slug for r in event.ranking.all)
        slugs.update(r.department for r in event.reprimands)
        slugs.update(d for g in event.gaps for d in g.departments)
    elif isinstance(event, ev.FaqFreshness):
        if event.department is not None:
            slugs.add(event.department)
        slugs.update(owner for owner, _lines in event.groups if owner)
    return slugs
