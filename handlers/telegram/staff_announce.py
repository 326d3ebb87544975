"""``/announce``: administrators (any topic) and department heads (their department's topics)
compose an announcement in the bot: choose the topic (``sf:an:t:<topic>``), send the text (and
optionally one photo, its caption the text), see the preview exactly as subscribers will, then
send now (``sf:an:send``), send urgent (``sf:an:urgent``: also outside the announcement hours),
schedule (``sf:an:at``, then a local date and time) or cancel (``sf:cancel``).
``/announce status N`` shows an announcement's progress (``/announce list`` the latest ten),
``/announce cancel N`` stops one that is not done (what is not sent yet is dropped), for the
same people and topics.

The draft lives in the conversation state (the database FSM, :class:`StaffFlow`), so a restart
between the steps loses nothing. Everyone else is refused politely.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiogram.filters import CommandObject

from handlers.notify.channels import telegram_call
from handlers.notify.format import DepartmentNames, format_time
from handlers.notify.render import RenderContext, render
from handlers.telegram.staff_common import StaffContext, StaffFlow, Usage, staff_command
from tickets.announce import (
    CANCELLED,
    QUEUED,
    SENDING,
    Refused,
    active_count,
    allowed_topics,
    cancel_announcement,
    check_texts,
    counts,
    create_announcement,
    posted_event,
    recent_announcements,
    split_texts,
)
from tickets.models import Announcement
from tickets.notify import ToStaff

__all__ = ["announce", "announce_step", "announce_text", "announce_time"]

TIME_EXAMPLE = "2026-10-01 08:30"


def _button(text: str, data: str) -> dict[str, str]:
    return {"text": text, "callback_data": data}


async def _topics(ctx: StaffContext) -> dict[str, Any]:
    if not (ctx.actor.is_admin or ctx.actor.is_head):
        raise Usage("an-refused")
    found = await allowed_topics(ctx.session, ctx.actor, ctx.deps.desk.config)
    return {t.id: t for t in found}


@staff_command("an-refused")
async def announce(ctx: StaffContext, command: CommandObject | None) -> None:
    """``/announce``: the topics this person may announce to, as buttons; ``/announce status
    N`` and ``/announce cancel N``."""
    topics = await _topics(ctx)
    args = (command.args or "").split() if command is not None else []
    if args and args[0].lower() in ("list", "status") and len(args) == 1:
        await _recent(ctx, topics)
        return
    if args:
        verb, number = args[0].lower(), args[1] if len(args) == 2 else ""
        if verb not in ("status", "cancel") or not number.isdigit() or len(number) > 18:
            raise Usage("an-usage")
        await _manage(ctx, topics, verb, int(number))
        return
    if not topics:
        raise Usage("an-no_topics")
    rows = [[_button(t.name_for(ctx.lang), f"sf:an:t:{t.id}")] for t in topics.values()]
    rows.append([_button(ctx.t("sh-btn-cancel"), "sf:cancel")])
    await ctx.say(ctx.t("an-choose_topic"), {"inline_keyboard": rows})


async def _data(ctx: StaffContext) -> dict[str, Any]:
    return dict(await ctx.state.get_data()) if ctx.state is not None else {}


async def _set(ctx: StaffContext, state: Any, data: dict[str, Any]) -> None:
    if ctx.state is not None:
        await ctx.state.set_state(state)
        await ctx.state.set_data(data)


async def _clear(ctx: StaffContext) -> None:
    if ctx.state is not None:
        await ctx.state.clear()


@staff_command("an-need_text", attachments=True)
async def announce_text(ctx: StaffContext, command: CommandObject | None) -> None:
    """The draft's text (or a photo with its caption): show the preview and the choices."""
    data = await _data(ctx)
    topics = await _topics(ctx)
    topic = topics.get(str(data.get("topic")))
    if topic is None:
        await _clear(ctx)
        raise Usage("an-stale")
    photos = [a.file_id for a in ctx.attachments if a.kind == "photo"]
    if len(ctx.attachments) > len(photos) or len(photos) > 1:
        raise Usage("sh-attachment_unsupported")
    zh, en = split_texts(ctx.text)
    photo = photos[0] if photos else None
    probe = Announcement(topic=topic.id, text_zh=zh, text_en=en, photo_file_id=photo)
    try:  # the same checks as when it is queued, before the preview
        check_texts(zh, en, photo)
    except Refused as exc:
        raise Usage(exc.reason, **exc.params) from None
    data.update(zh=zh, en=en, photo=photo)
    await _set(ctx, StaffFlow.announce_confirm, data)
    await _preview(ctx, probe, topic)


async def _preview(ctx: StaffContext, probe: Announcement, topic: Any) -> None:
    """The announcement rendered for subscribers (each language it has), then the choices."""
    to = ToStaff(ctx.chat_id, ctx.user_id, ctx.lang)
    event = posted_event(probe, topic, to=to, at=ctx.deps.clock.now())
    render_ctx = RenderContext(ctx.deps.tz, DepartmentNames(ctx.deps.desk.config, None))
    langs = [lang for lang, text in (("zh", probe.text_zh), ("en", probe.text_en)) if text]
    for lang in langs:
        for part in render(event, to, lang, render_ctx):
            method, payload = telegram_call(part)
            await ctx.outgoing.call(method, ctx.chat_id, payload)
    rows = [
        [_button(ctx.t("an-btn-send"), "sf:an:send")],
        [_button(ctx.t("an-btn-urgent"), "sf:an:urgent")],
        [_button(ctx.t("an-btn-schedule"), "sf:an:at")],
        [_button(ctx.t("an-btn-cancel"), "sf:cancel")],
    ]
    await ctx.say(ctx.t("an-preview"), {"inline_keyboard": rows})


@staff_command("an-bad_time")
async def announce_time(ctx: StaffContext, command: CommandObject | None) -> None:
    """The scheduled time (city time, ``YYYY-MM-DD HH:MM``) of a draft."""
    now = ctx.deps.clock.now()
    try:
        local = datetime.fromisoformat(ctx.text.strip().replace("T", " "))
    except ValueError:
        raise Usage("an-bad_time", example=TIME_EXAMPLE) from None
    at = local.replace(tzinfo=ctx.deps.tz) if local.tzinfo is None else local
    if at <= now - timedelta(minutes=1):
        raise Usage("an-bad_time", example=TIME_EXAMPLE)
    await _queue(ctx, urgent=False, at=at)


async def announce_step(ctx: StaffContext, args: list[str]) -> None:
    """The buttons ``sf:an:t:<topic>`` / ``sf:an:send`` / ``sf:an:urgent`` / ``sf:an:at``
    (called by the staff interface's button handler, which answers the press)."""
    verb = args[0] if args else ""
    if verb == "t" and len(args) == 2:
        topics = await _topics(ctx)
        topic = topics.get(args[1])
        if topic is None:
            raise Usage("an-stale")
        await _set(ctx, StaffFlow.announce_text, {"topic": topic.id})
        count = await active_count(ctx.session, topic.id)
        await ctx.say(
            ctx.t("an-ask_text", topic=topic.name_for(ctx.lang), subscribers=count),
            {"inline_keyboard": [[_button(ctx.t("sh-btn-cancel"), "sf:cancel")]]},
        )
        return
    state = await ctx.state.get_state() if ctx.state is not None else None
    if state != StaffFlow.announce_confirm.state:
        raise Usage("an-stale")
    if verb == "send":
        await _queue(ctx, urgent=False, at=None)
    elif verb == "urgent":
        await _queue(ctx, urgent=True, at=None)
    elif verb == "at":
        data = await _data(ctx)
        await _set(ctx, StaffFlow.announce_at, data)
        await ctx.say(ctx.t("an-ask_time", example=TIME_EXAMPLE))
    else:
        raise Usage("an-stale")


async def _queue(ctx: StaffContext, *, urgent: bool, at: datetime | None) -> None:
    data = await _data(ctx)
    topics = await _topics(ctx)
    topic = topics.get(str(data.get("topic")))
    if topic is None or not (data.get("zh") or data.get("en")):
        await _clear(ctx)
        raise Usage("an-stale")
    now = ctx.deps.clock.now()
    try:
        row = await create_announcement(
            ctx.session,
            topic,
            text_zh=data.get("zh"),
            text_en=data.get("en"),
            photo=data.get("photo"),
            urgent=urgent,
            not_before=at,
            now=now,
            author=f"telegram:{ctx.user_id}",
            author_chat_id=ctx.user_id,
            author_lang=ctx.lang,
        )
    except Refused as exc:
        raise Usage(exc.reason, **exc.params) from None
    await _clear(ctx)
    hours = ctx.deps.announce_hours
    if at is not None:
        when = ctx.t("an-when-at", time=format_time(at, ctx.deps.tz, ctx.lang))
    elif urgent or hours is None or hours.is_open(now):
        when = ctx.t("an-when-now")
    else:
        opening = hours.next_open(now)
        when = ctx.t("an-when-hours", time=format_time(opening, ctx.deps.tz, ctx.lang))
    await ctx.say(ctx.t("an-queued", id=row.id, recipients=row.recipients, when=when))


async def _recent(ctx: StaffContext, topics: dict[str, Any]) -> None:
    """``/announce list`` (or ``status`` without a number): the latest ten announcements to
    the topics this person may announce to (administrators: all), one line each."""
    wanted = None if ctx.actor.is_admin else list(topics)
    rows = await recent_announcements(ctx.session, wanted, limit=10)
    if not rows:
        await ctx.say(ctx.t("an-list-empty"))
        return
    tz = ctx.deps.tz
    lines = []
    for row in rows:
        c = await counts(ctx.session, row)
        topic = topics.get(row.topic)
        lines.append(
            ctx.t(
                "an-list-line",
                id=row.id or 0,
                topic=topic.name_for(ctx.lang) if topic is not None else row.topic,
                state=ctx.t(f"an-state-{row.status}"),
                sent=c.sent,
                total=row.recipients,
                time=format_time(row.created_at, tz, ctx.lang),
            )
        )
    await ctx.say(ctx.t("an-list", lines="\n".join(lines)))


async def _manage(ctx: StaffContext, topics: dict[str, Any], verb: str, number: int) -> None:
    """``status`` / ``cancel`` of announcement ``number``, if it is to one of ``topics``."""
    row = await ctx.session.get(Announcement, number)
    if row is None or (row.topic not in topics and not ctx.actor.is_admin):
        raise Usage("an-not_found", id=number)
    topic = topics.get(row.topic)
    name = topic.name_for(ctx.lang) if topic is not None else row.topic
    if verb == "cancel":
        if row.status not in (QUEUED, SENDING):
            raise Usage("an-not_cancellable", id=number, state=ctx.t(f"an-state-{row.status}"))
        now = ctx.deps.clock.now()
        mine = row.author_chat_id == ctx.user_id
        notifier = None if mine else ctx.deps.notifier(ctx.session)  # the author is told
        config = ctx.deps.desk.config
        known = config.topics if config is not None else None
        await cancel_announcement(ctx.session, row, notifier, known, now=now, why="author")
    c = await counts(ctx.session, row)
    if verb == "cancel":
        left = max(0, row.recipients - c.sent)
        await ctx.say(
            ctx.t("announce-cancelled-author", id=number, topic=name, sent=c.sent, not_sent=left)
        )
        return
    await ctx.say(
        ctx.t(
            "an-status",
            id=number,
            topic=name,
            state=ctx.t(f"an-state-{row.status}"),
            total=row.recipients,
            queued=c.queued,
            sent=c.sent,
            failed=c.failed,
            blocked=c.blocked,
            unreachable=c.unreachable,
        )
        + ("" if row.status != CANCELLED else "\n" + ctx.t("an-status-dropped", dropped=c.dropped))
    )
