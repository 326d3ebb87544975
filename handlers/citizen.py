"""The citizen conversation: /start (with deep links), questions and FAQ answers, language,
my tickets, the citizen's ticket buttons (``tk:*``), ratings, personal data.

``create_router()`` returns the whole citizen router: cancelling (``/cancel``, "取消"), then the
messages that belong to a ticket (:mod:`handlers.citizen_answers`: answers to a request for
information, follow-ups, replies to the desk's messages), then the ticket form
(:mod:`handlers.ticket_flow`), then this module's handlers, behind
:class:`~handlers.citizen_context.CitizenContextMiddleware` (flood control, the citizen's record
and language). Private chats only; group chats belong to the staff router.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, User
from sqlmodel.ext.asyncio.session import AsyncSession

from faq import Entry, KnowledgeBase, MatchResult
from faq.display import question_for
from faq.lexicon import is_chitchat
from handlers import ticket_flow
from handlers.citizen_answers import (
    ANSWER_CONTENT,
    OpenInfoRequest,
    ReplyToTicket,
    answer_message,
)
from handlers.citizen_commands import queue_command_menus
from handlers.citizen_context import CitizenContextMiddleware, FloodGuard, answer_callback
from handlers.deps import Deps
from handlers.filters import Magic
from handlers.keyboards_citizen import (
    DeleteCb,
    FaqCb,
    LangCb,
    MyCb,
    RateCommentCb,
    delete_keyboard,
    helpful_keyboard,
    language_keyboard,
    my_list_keyboard,
    my_ticket_keyboard,
    new_request_keyboard,
    offer_ticket_keyboard,
    skip_comment_keyboard,
    suggestions_keyboard,
)
from handlers.outgoing import Outgoing
from locales import t
from tickets.authz import Actor
from tickets.errors import TicketError, ValidationError
from tickets.faq_feedback import record_feedback
from tickets.gaps import record_unanswered
from tickets.intake import text_for_matching
from tickets.lifecycle import Status
from tickets.models import Citizen, Department, Ticket
from tickets.people.citizens import (
    erase_citizen,
    export_citizen_data,
    find_citizen,
    get_or_create_citizen,
    set_language,
    telegram_identity,
)
from tickets.people.departments import get_department_by_id
from tickets.sweeps.closure import answer_closure_callback
from tickets.texts import format_time, parse_callback

RECENT_QUESTIONS = 5
PAGE_SIZE = 5
CITIZEN_ACTIONS = (
    "resolved",
    "followup",
    "reopen",
    "rate1",
    "rate2",
    "rate3",
    "rate4",
    "rate5",
    "solved",  # the scheduler's "was it really solved?" question after closure
    "unsolved",
)
# Flood control defaults (see handlers.citizen_context.FloodGuard): generous enough for a fast
# citizen tapping through the form, tight enough to stop a script.
FLOOD_LIMIT = 20
FLOOD_WINDOW = timedelta(seconds=30)
CONVERSATION_MAX = 3500  # characters of conversation on a ticket page (older lines dropped)


class CitizenStep(StatesGroup):
    follow_up = State()
    rating_comment = State()


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------
async def _citizen(session: AsyncSession, deps: Deps, user: User, chat_id: int) -> Citizen:
    return await get_or_create_citizen(
        session,
        telegram_identity(user.id, chat_id),
        first_name=user.first_name,
        last_name=user.last_name,
        now=deps.clock.now(),
    )


async def citizen_actor(session: AsyncSession, user_id: int) -> Actor:
    """The Telegram user as a citizen acting on their own tickets."""
    return Actor.for_citizen(await find_citizen(session, "telegram", user_id))


def _answer_text(entry: Entry, lang: str) -> str:
    links = ""
    if entry.links:
        links = t(lang, "faq-links", links="\n".join(entry.links))
    return t(lang, "faq-answer", answer=entry.answer_for(lang).strip(), links=links)


def _today(deps: Deps) -> date:
    """The city's date (expired FAQ entries are never given as the answer)."""
    return deps.clock.now().astimezone(deps.tz).date()


async def _send_entry(
    outgoing: Outgoing, chat_id: int, entry: Entry, lang: str, key: int, deps: Deps
) -> None:
    """An entry's answer; an expired one with a note that it may be outdated and the
    offer to send the question to the department instead of 👍/👎."""
    if entry.expired(_today(deps)):
        await outgoing.send_message(
            chat_id,
            t(lang, "faq-outdated_answer", answer=_answer_text(entry, lang)),
            reply_markup=offer_ticket_keyboard(lang, key),
        )
        return
    await outgoing.send_message(
        chat_id, _answer_text(entry, lang), reply_markup=helpful_keyboard(lang, key)
    )


async def _remember(state: FSMContext, key: int, question: dict[str, Any]) -> None:
    data = await state.get_data()
    questions = dict(data.get("questions") or {})
    questions[str(key)] = question
    while len(questions) > RECENT_QUESTIONS:
        questions.pop(next(iter(questions)))
    await state.update_data(questions=questions)


async def _recall(state: FSMContext, key: int) -> dict[str, Any] | None:
    question = (await state.get_data()).get("questions", {}).get(str(key))
    return dict(question) if isinstance(question, dict) else None


async def _forget(state: FSMContext, key: int) -> None:
    data = await state.get_data()
    questions = dict(data.get("questions") or {})
    if questions.pop(str(key), None) is not None:
        await state.update_data(questions=questions)


def _dept_name(deps: Deps, dept: Department | None, lang: str) -> str:
    if dept is None:
        return "?"
    cfg = deps.desk.config.get(dept.slug)
    if cfg is not None:
        return cfg.name_for(lang)
    return dept.name_en if lang == "en" else dept.name_zh


def _due(ticket: Ticket, lang: str, deps: Deps) -> tuple[str, str]:
    if ticket.status == Status.CLOSED:
        return t(lang, "my-closed_at"), format_time(ticket.closed_at, deps.tz, lang)
    if ticket.first_response_at is None:
        return t(lang, "my-due_response"), format_time(ticket.response_due_at, deps.tz, lang)
    return t(lang, "my-due_resolution"), format_time(ticket.resolution_due_at, deps.tz, lang)


def _chat_id(query: CallbackQuery) -> int:
    return query.message.chat.id if query.message else query.from_user.id


# ----------------------------------------------------------------------------------------------
# /start, /help, /language
# ----------------------------------------------------------------------------------------------
async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    user = message.from_user
    if user is None:
        return
    await ticket_flow.end_form(state)
    await _citizen(session, deps, user, message.chat.id)
    await queue_command_menus(session, now=deps.clock.now())
    payload = (command.args or "").strip()
    if payload.startswith("faq-"):
        kb = deps.knowledge
        entry_id = payload[4:]
        if kb is not None and entry_id in kb:
            entry = kb.get(entry_id)
            await _remember(
                state,
                message.message_id,
                {
                    "text": question_for(entry, lang),
                    "lang": lang,
                    "entry": entry.id,
                    "score": 100.0,
                    "cands": [],
                },
            )
            await _send_entry(outgoing, message.chat.id, entry, lang, message.message_id, deps)
            return
    if payload.startswith("dept-") and deps.desk.config.get(payload[5:]) is not None:
        await ticket_flow.start_form(
            state, outgoing, message.chat.id, lang, deps, department=payload[5:]
        )
        return
    name = f" {user.first_name}" if user.first_name else ""
    if lang == "zh":
        name = f"，{user.first_name}" if user.first_name else ""
    welcome = t(lang, "welcome", name=name, privacy=t(lang, "privacy"), menu=t(lang, "menu"))
    await outgoing.send_message(message.chat.id, welcome)


async def help_command(message: Message, outgoing: Outgoing, lang: str) -> None:
    await outgoing.send_message(message.chat.id, t(lang, "help", menu=t(lang, "menu")))


async def new_command(
    message: Message, state: FSMContext, outgoing: Outgoing, lang: str, deps: Deps
) -> None:
    await ticket_flow.start_form(state, outgoing, message.chat.id, lang, deps)


async def language_command(message: Message, outgoing: Outgoing, lang: str) -> None:
    await outgoing.send_message(
        message.chat.id, t(lang, "language-prompt"), reply_markup=language_keyboard()
    )


async def language_chosen(
    query: CallbackQuery,
    callback_data: LangCb,
    outgoing: Outgoing,
    deps: Deps,
    session: AsyncSession,
    lang: str,
) -> None:
    if callback_data.code not in ("zh", "en"):
        await answer_callback(outgoing, query, t(lang, "stale"))
        return
    citizen = await _citizen(session, deps, query.from_user, _chat_id(query))
    await set_language(session, citizen, callback_data.code)
    await answer_callback(outgoing, query)
    await outgoing.send_message(_chat_id(query), t(callback_data.code, "language-set"))


async def unknown_command(message: Message, outgoing: Outgoing, lang: str) -> None:
    await outgoing.send_message(message.chat.id, t(lang, "unknown_command", menu=t(lang, "menu")))


# ----------------------------------------------------------------------------------------------
# questions
# ----------------------------------------------------------------------------------------------
async def question(
    message: Message,
    state: FSMContext,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    text = (message.text or "").strip()
    chat_id = message.chat.id
    if is_chitchat(text):  # also an empty or whitespace-only message
        await outgoing.send_message(chat_id, t(lang, "chitchat"))
        return
    kb = deps.knowledge
    result = (
        await kb.amatch(text_for_matching(text), lang, today=_today(deps))
        if kb is not None
        else None
    )
    key = message.message_id
    remembered: dict[str, Any] = {
        "text": text,
        "lang": lang,
        "entry": result.entry_id if result else None,
        "score": result.score if result else None,
        "cands": [c.id for c in result.candidates] if result else [],
    }
    if kb is not None and result is not None and result.decision == "answer" and result.entry_id:
        await _remember(state, key, remembered)
        await outgoing.send_message(
            chat_id,
            _answer_text(kb.get(result.entry_id), lang),
            reply_markup=helpful_keyboard(lang, key),
            reply_to_message_id=key,
        )
        return
    if kb is not None and result is not None and result.decision == "suggest":
        entries = [kb.get(c.id) for c in result.candidates if c.id in kb]
        if entries:
            remembered["cands"] = [e.id for e in entries]
            await _remember(state, key, remembered)
            await outgoing.send_message(
                chat_id,
                t(lang, "faq-suggest_outdated" if result.outdated else "faq-suggest"),
                reply_markup=suggestions_keyboard(
                    lang, key, [question_for(e, lang, text) for e in entries]
                ),
                reply_to_message_id=key,
            )
            return
    gap = await _record_gap(session, deps, remembered, "none", result)
    remembered["gap"] = gap
    await _remember(state, key, remembered)
    await outgoing.send_message(
        chat_id, t(lang, "faq-none"), reply_markup=offer_ticket_keyboard(lang, key)
    )


async def _record_gap(
    session: AsyncSession,
    deps: Deps,
    remembered: dict[str, Any],
    decision: str,
    result: MatchResult | None = None,
) -> int | None:
    best = remembered.get("entry") or (remembered.get("cands") or [None])[0]
    score = result.score if result is not None else remembered.get("score")
    row = await record_unanswered(
        session,
        text=remembered["text"],
        lang=remembered.get("lang"),
        decision=decision,
        now=deps.clock.now(),
        best_entry_id=best,
        score=score,
    )
    return row.id


async def faq_button(
    query: CallbackQuery,
    callback_data: FaqCb,
    state: FSMContext,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    chat_id = _chat_id(query)
    remembered = await _recall(state, callback_data.key)
    kb: KnowledgeBase | None = deps.knowledge
    if remembered is None:
        await answer_callback(outgoing, query, t(lang, "faq-expired"), alert=True)
        return
    action = callback_data.action
    if action in ("y", "n"):  # 👍 / 👎 on the answer shown (the console counts them)
        now = deps.clock.now()
        await record_feedback(session, remembered.get("entry"), helpful=action == "y", now=now)
    if action == "y":
        await answer_callback(outgoing, query)
        await _forget(state, callback_data.key)
        await outgoing.send_message(chat_id, t(lang, "faq-glad"))
    elif action == "n":
        await answer_callback(outgoing, query)
        if remembered.get("gap") is None:
            remembered["gap"] = await _record_gap(session, deps, remembered, "not_helpful")
            await _remember(state, callback_data.key, remembered)
        entry_id = remembered.get("entry")
        dept = None
        if kb is not None and entry_id and entry_id in kb:
            dept = deps.desk.config.get(kb.get(entry_id).department or "")
        text = (
            t(lang, "faq-not_helpful", department=dept.name_for(lang))
            if dept is not None
            else t(lang, "faq-not_helpful_nodept")
        )
        await outgoing.send_message(
            chat_id, text, reply_markup=offer_ticket_keyboard(lang, callback_data.key)
        )
    elif action == "p":
        cands = remembered.get("cands") or []
        if (
            kb is None
            or not 0 <= callback_data.idx < len(cands)
            or cands[callback_data.idx] not in kb
        ):
            await answer_callback(outgoing, query, t(lang, "faq-expired"), alert=True)
            return
        await answer_callback(outgoing, query)
        entry = kb.get(cands[callback_data.idx])
        remembered["entry"] = entry.id
        await _remember(state, callback_data.key, remembered)
        await _send_entry(outgoing, chat_id, entry, lang, callback_data.key, deps)
    elif action == "x":
        await answer_callback(outgoing, query)
        if remembered.get("gap") is None:
            remembered["gap"] = await _record_gap(session, deps, remembered, "suggest")
            await _remember(state, callback_data.key, remembered)
        await outgoing.send_message(
            chat_id,
            t(lang, "faq-none"),
            reply_markup=offer_ticket_keyboard(lang, callback_data.key),
        )
    elif action == "t":
        await answer_callback(outgoing, query)
        await _forget(state, callback_data.key)
        await ticket_flow.start_form(
            state,
            outgoing,
            chat_id,
            lang,
            deps,
            text=remembered["text"],
            faq_entry=remembered.get("entry"),
            gap_id=remembered.get("gap"),
        )
    elif action == "k":
        await answer_callback(outgoing, query)
        await _forget(state, callback_data.key)
        await outgoing.send_message(chat_id, t(lang, "faq-no_ticket"))
    else:
        await answer_callback(outgoing, query, t(lang, "stale"))


async def photo_outside(message: Message, state: FSMContext, outgoing: Outgoing, lang: str) -> None:
    """A photo outside the form: kept briefly, so "Submit a request" attaches it."""
    if message.photo:
        data = await state.get_data()
        pending = dict(data.get("pending") or {})
        photos = [*pending.get("photos", []), message.photo[-1].file_id][-ticket_flow.MAX_PHOTOS :]
        pending["photos"] = photos
        await state.update_data(pending=pending)
    await outgoing.send_message(
        message.chat.id, t(lang, "hint-photo"), reply_markup=new_request_keyboard(lang)
    )


async def document_outside(
    message: Message, state: FSMContext, outgoing: Outgoing, lang: str
) -> None:
    """A file outside the form: kept briefly, like a photo, so "Submit a request" attaches it."""
    if message.document is not None:
        data = await state.get_data()
        pending = dict(data.get("pending") or {})
        documents = [*pending.get("documents", []), message.document.file_id]
        pending["documents"] = documents[-ticket_flow.MAX_DOCUMENTS :]
        await state.update_data(pending=pending)
    await outgoing.send_message(
        message.chat.id, t(lang, "hint-document"), reply_markup=new_request_keyboard(lang)
    )


async def location_outside(
    message: Message, state: FSMContext, outgoing: Outgoing, lang: str
) -> None:
    if message.location is not None:
        data = await state.get_data()
        pending = dict(data.get("pending") or {})
        pending["location"] = {
            "latitude": message.location.latitude,
            "longitude": message.location.longitude,
        }
        await state.update_data(pending=pending)
    await outgoing.send_message(
        message.chat.id, t(lang, "hint-location"), reply_markup=new_request_keyboard(lang)
    )


async def contact_outside(message: Message, outgoing: Outgoing, lang: str) -> None:
    await outgoing.send_message(message.chat.id, t(lang, "hint-contact"))


async def other_outside(message: Message, outgoing: Outgoing, lang: str) -> None:
    await outgoing.send_message(message.chat.id, t(lang, "hint-other"))


# ----------------------------------------------------------------------------------------------
# my tickets
# ----------------------------------------------------------------------------------------------
async def _ticket_list(
    outgoing: Outgoing,
    chat_id: int,
    user_id: int,
    page: int,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    svc = deps.tickets(session)
    try:
        result = await svc.citizen_tickets(
            await citizen_actor(session, user_id), page=max(1, page), page_size=PAGE_SIZE
        )
    except TicketError as exc:
        await outgoing.send_message(chat_id, exc.render(lang))
        return
    if result.total == 0:
        await outgoing.send_message(chat_id, t(lang, "my-empty"))
        return
    pages = max(1, -(-result.total // PAGE_SIZE))
    if not result.items and page > 1:
        await _ticket_list(outgoing, chat_id, user_id, pages, lang, deps, session)
        return
    depts: dict[int, Department | None] = {}
    lines = [t(lang, "my-header", total=result.total, page=result.page, pages=pages)]
    for ticket in result.items:
        if ticket.department_id not in depts:
            depts[ticket.department_id] = await get_department_by_id(session, ticket.department_id)
        label, due = _due(ticket, lang, deps)
        lines.append(
            t(
                lang,
                "my-line",
                number=ticket.number,
                department=_dept_name(deps, depts[ticket.department_id], lang),
                status=t(lang, f"status-{ticket.status}"),
                due_label=label,
                due=due,
            )
        )
    items = [(ticket.id, ticket.number) for ticket in result.items if ticket.id is not None]
    await outgoing.send_message(
        chat_id, "\n".join(lines), reply_markup=my_list_keyboard(lang, items, result.page, pages)
    )


async def mytickets_command(
    message: Message, outgoing: Outgoing, lang: str, deps: Deps, session: AsyncSession
) -> None:
    if message.from_user is None:
        return
    await _ticket_list(outgoing, message.chat.id, message.from_user.id, 1, lang, deps, session)


async def my_button(
    query: CallbackQuery,
    callback_data: MyCb,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    chat_id = _chat_id(query)
    if callback_data.action == "p":
        await answer_callback(outgoing, query)
        await _ticket_list(
            outgoing, chat_id, query.from_user.id, callback_data.value, lang, deps, session
        )
        return
    if callback_data.action != "v":
        await answer_callback(outgoing, query, t(lang, "stale"))
        return
    svc = deps.tickets(session)
    actor = await citizen_actor(session, query.from_user.id)
    try:
        details = await svc.details(callback_data.value, actor)
    except TicketError as exc:
        await answer_callback(outgoing, query, exc.render(lang), alert=True)
        return
    await answer_callback(outgoing, query)
    ticket = details.ticket
    lines = []
    later = {  # attachments added after creation (answers), counted on their own lines
        kind: sum(len(e.data.get(kind) or []) for e in details.conversation)
        for kind in ("photos", "documents")
    }
    for event in details.conversation:
        text = str(event.data.get("text", "")).strip()
        at = format_time(event.at, deps.tz, lang)
        if event.kind in ("created", "citizen_message"):
            line = t(lang, "my-event_you", at=at, text=text)
            attached = dict(ticket.details or {})
            if event.kind == "created":
                for kind, count in later.items():
                    attached[kind] = (attached.get(kind) or [])[: -count or None]
            else:
                attached = {kind: event.data.get(kind) for kind in later}
            photos = len(attached.get("photos") or [])
            documents = len(attached.get("documents") or [])
            if photos or documents or attached.get("location"):
                location = t(lang, "my-with_location") if attached.get("location") else ""
                line += " " + t(
                    lang, "my-attachments", photos=photos, documents=documents, location=location
                )
        elif event.kind == "info_requested":
            line = t(lang, "my-event_ask", at=at, text=text)
        else:
            line = t(lang, "my-event_staff", at=at, text=text)
        lines.append(line)
    conversation = "\n".join(lines)
    while len(conversation) > CONVERSATION_MAX and len(lines) > 1:
        lines = lines[1:]
        conversation = "…\n" + "\n".join(lines)
    label, due = _due(ticket, lang, deps)
    rating = t(lang, "my-rating", stars="⭐" * ticket.rating) if ticket.rating else ""
    body = t(
        lang,
        "my-ticket",
        number=ticket.number,
        department=_dept_name(deps, details.department, lang),
        type=t(lang, f"type-{ticket.demand_type}"),
        status=t(lang, f"status-{ticket.status}"),
        created=format_time(ticket.created_at, deps.tz, lang),
        due_label=label,
        due=due,
        rating=rating,
        conversation=conversation,
    )
    closed_recently = (
        ticket.status == Status.CLOSED
        and ticket.closed_at is not None
        and deps.clock.now() - ticket.closed_at <= timedelta(days=deps.citizen_reopen_days)
    )
    await outgoing.send_message(
        chat_id,
        body,
        reply_markup=my_ticket_keyboard(
            lang,
            ticket.id,  # type: ignore[arg-type]
            can_follow_up=ticket.status != Status.CLOSED,
            can_reopen=closed_recently or ticket.status == Status.ANSWERED,
            can_resolve=ticket.status == Status.ANSWERED,
        ),
    )


# ----------------------------------------------------------------------------------------------
# tk:* citizen buttons (under staff replies, closing notices, ticket pages)
# ----------------------------------------------------------------------------------------------
async def ticket_button(
    query: CallbackQuery,
    state: FSMContext,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    parsed = parse_callback(query.data or "")
    if parsed is None or parsed[0] not in CITIZEN_ACTIONS:
        await answer_callback(outgoing, query, t(lang, "stale"), alert=True)
        return
    action, ticket_id = parsed
    chat_id = _chat_id(query)
    svc = deps.tickets(session)
    actor = await citizen_actor(session, query.from_user.id)
    try:
        if action == "resolved":
            await svc.confirm_resolved(ticket_id, actor)
            await answer_callback(outgoing, query, t(lang, "tk-resolved"))
        elif action == "followup":
            details = await svc.details(ticket_id, actor)
            if details.ticket.status == Status.CLOSED:
                await answer_callback(
                    outgoing,
                    query,
                    t(
                        lang,
                        "error-invalid_transition",
                        action=t(lang, "action-follow_up"),
                        number=details.ticket.number,
                        status=t(lang, "status-closed"),
                    ),
                    alert=True,
                )
                return
            await answer_callback(outgoing, query)
            await ticket_flow.end_form(state)
            await state.set_state(CitizenStep.follow_up)
            await state.update_data(ticket=ticket_id)
            await outgoing.send_message(
                chat_id, t(lang, "tk-followup_prompt", number=details.ticket.number)
            )
        elif action in ("solved", "unsolved"):
            answer = await answer_closure_callback(svc, ticket_id, actor, action == "solved")
            await answer_callback(outgoing, query)
            await outgoing.send_message(chat_id, answer.text)
        elif action == "reopen":
            ticket = await svc.reopen(ticket_id, actor)
            await answer_callback(outgoing, query)
            await outgoing.send_message(chat_id, t(lang, "tk-reopened", number=ticket.number))
        else:
            score = int(action[-1])
            try:
                ticket = await svc.rate(ticket_id, actor, score)
            except ValidationError as exc:
                if exc.key != "error-already_rated":
                    raise
                await answer_callback(outgoing, query, exc.render(lang))  # a polite toast
                await _drop_stars(outgoing, query)
                return
            await answer_callback(
                outgoing, query, t(lang, "citizen-thanks_rating", number=ticket.number)
            )
            await _drop_stars(outgoing, query)
            await ticket_flow.end_form(state)
            await state.set_state(CitizenStep.rating_comment)
            await state.update_data(
                ticket=ticket_id, score=score, since=deps.clock.now().isoformat()
            )
            await outgoing.send_message(
                chat_id,
                t(lang, "tk-comment_prompt", stars="⭐" * score),
                reply_markup=skip_comment_keyboard(lang),
            )
    except TicketError as exc:
        await answer_callback(outgoing, query, exc.render(lang), alert=True)


async def _drop_stars(outgoing: Outgoing, query: CallbackQuery) -> None:
    """Remove the star buttons from the message pressed (a rating is given once); other
    buttons (Reopen) stay."""
    message = query.message
    markup = getattr(message, "reply_markup", None)
    if message is None or markup is None:
        return
    rows = [
        [b.model_dump(mode="json", exclude_none=True) for b in row]
        for row in markup.inline_keyboard
    ]
    kept = [
        [b for b in row if not str(b.get("callback_data", "")).startswith("tk:rate")]
        for row in rows
    ]
    kept = [row for row in kept if row]
    if kept != rows:
        await outgoing.call(
            "editMessageReplyMarkup",
            message.chat.id,
            {"message_id": message.message_id, "reply_markup": {"inline_keyboard": kept}},
        )


async def follow_up_message(
    message: Message,
    state: FSMContext,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    """The text, photo or document sent after "Add information" / "Follow up"."""
    ticket_id = (await state.get_data()).get("ticket")
    await ticket_flow.end_form(state)
    if not isinstance(ticket_id, int):
        return
    await answer_message(message, ticket_id, outgoing, lang, deps, session)


async def reply_answer(
    message: Message,
    answer_ticket: int,
    state: FSMContext,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    """A Telegram reply to the desk's message about a ticket (a request form stays open)."""
    if await state.get_state() in (CitizenStep.follow_up.state, CitizenStep.rating_comment.state):
        await ticket_flow.end_form(state)
    await answer_message(message, answer_ticket, outgoing, lang, deps, session)


async def info_answer(
    message: Message,
    answer_ticket: int,
    state: FSMContext,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    """The next message while a ticket waits for the citizen's information."""
    if await state.get_state() is not None:  # a rating comment the question came after
        await ticket_flow.end_form(state)
    await answer_message(message, answer_ticket, outgoing, lang, deps, session)


async def rating_comment_text(
    message: Message,
    state: FSMContext,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    data = await state.get_data()
    await ticket_flow.end_form(state)
    ticket_id = data.get("ticket")
    if message.from_user is None or not isinstance(ticket_id, int):
        return
    try:
        await deps.tickets(session).comment_rating(
            ticket_id, await citizen_actor(session, message.from_user.id), message.text or ""
        )
    except TicketError as exc:
        await outgoing.send_message(message.chat.id, exc.render(lang))
        return
    await outgoing.send_message(message.chat.id, t(lang, "tk-comment_thanks"))


async def skip_comment(
    query: CallbackQuery, state: FSMContext, outgoing: Outgoing, lang: str
) -> None:
    await answer_callback(outgoing, query)
    if await state.get_state() == CitizenStep.rating_comment.state:
        await ticket_flow.end_form(state)
        await outgoing.send_message(_chat_id(query), t(lang, "tk-skipped"))


async def step_other(message: Message, outgoing: Outgoing, lang: str) -> None:
    """A sticker, voice... while a follow-up is expected (text, photos and files are taken)."""
    await outgoing.send_message(message.chat.id, t(lang, "hint-other"))


# ----------------------------------------------------------------------------------------------
# personal data
# ----------------------------------------------------------------------------------------------
async def mydata_command(
    message: Message, outgoing: Outgoing, lang: str, deps: Deps, session: AsyncSession
) -> None:
    citizen = (
        await find_citizen(session, "telegram", message.from_user.id) if message.from_user else None
    )
    if citizen is None:
        await outgoing.send_message(message.chat.id, t(lang, "data-none"))
        return
    data = await export_citizen_data(session, citizen)
    unset = t(lang, "data-unset")
    tickets = ", ".join(f"{s.number} ({t(lang, f'status-{s.status}')})" for s in data.tickets)
    body = t(
        lang,
        "data-show",
        user_id=data.telegram_user_id,
        name=data.display_name or unset,
        phone=data.phone or unset,
        consent=format_time(data.consent_at, deps.tz, lang) if data.consent_at else unset,
        language=data.language or t(lang, "data-lang_auto"),
        created=format_time(data.created_at, deps.tz, lang),
        seen=format_time(data.last_seen_at, deps.tz, lang),
        tickets=tickets or unset,
        privacy=t(lang, "privacy"),
    )
    await outgoing.send_message(message.chat.id, body)


async def deleteme_command(
    message: Message, outgoing: Outgoing, lang: str, session: AsyncSession
) -> None:
    citizen = (
        await find_citizen(session, "telegram", message.from_user.id) if message.from_user else None
    )
    if citizen is None:
        await outgoing.send_message(message.chat.id, t(lang, "data-none"))
        return
    await outgoing.send_message(
        message.chat.id, t(lang, "delete-confirm"), reply_markup=delete_keyboard(lang)
    )


async def delete_button(
    query: CallbackQuery,
    callback_data: DeleteCb,
    state: FSMContext,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    chat_id = _chat_id(query)
    citizen = await find_citizen(session, "telegram", query.from_user.id)
    if callback_data.action != "yes" or citizen is None:
        await answer_callback(outgoing, query)
        key = "delete-kept" if callback_data.action != "yes" else "data-none"
        await outgoing.send_message(chat_id, t(lang, key))
        return
    count = await erase_citizen(
        session, citizen, now=deps.clock.now(), question_ids=_question_ids(await state.get_data())
    )
    await state.clear()
    # Queued after the erasure (which deleted everything queued for this chat) and transient:
    # deleted as soon as delivered, so nothing addressed to the person stays behind.
    await answer_callback(outgoing, query, transient=True)
    await outgoing.send_message(chat_id, t(lang, "delete-done", tickets=count), transient=True)


def _question_ids(data: dict[str, Any]) -> list[int]:
    """The gap-report rows of the conversation's recent questions (and of the open form)."""
    remembered = [q for q in (data.get("questions") or {}).values() if isinstance(q, dict)]
    draft = data.get("draft") if isinstance(data.get("draft"), dict) else {}
    ids = [q.get("gap") for q in remembered] + [draft.get("gap_id")]
    return [int(i) for i in ids if isinstance(i, int) and not isinstance(i, bool)]


# ----------------------------------------------------------------------------------------------
# wiring
# ----------------------------------------------------------------------------------------------
def create_router(flood: FloodGuard | None = None) -> Router:
    """The citizen router (form first, then the rest); ``flood`` defaults to a fresh guard."""
    root = Router(name="citizen")
    guard = flood if flood is not None else FloodGuard(FLOOD_LIMIT, FLOOD_WINDOW)
    middleware = CitizenContextMiddleware(guard)
    root.message.outer_middleware(middleware)
    root.callback_query.outer_middleware(middleware)
    root.include_router(ticket_flow.create_cancel_router())
    answers = Router(name="citizen_answers")
    answers.message.filter(Magic(F.chat.type == "private"), ANSWER_CONTENT)
    answers.message.register(reply_answer, ReplyToTicket())
    answers.message.register(follow_up_message, StateFilter(CitizenStep.follow_up))
    answers.message.register(
        info_answer, OpenInfoRequest(yields=(CitizenStep.rating_comment.state,))
    )
    root.include_router(answers)
    root.include_router(ticket_flow.create_router())

    router = Router(name="citizen_main")
    router.message.filter(Magic(F.chat.type == "private"))
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.message.register(new_command, Command("new"))
    router.message.register(language_command, Command("language"))
    router.message.register(mytickets_command, Command("mytickets"))
    router.message.register(mydata_command, Command("mydata"))
    router.message.register(deleteme_command, Command("deleteme"))
    router.message.register(unknown_command, Magic(F.text.startswith("/")))
    router.message.register(
        rating_comment_text, StateFilter(CitizenStep.rating_comment), Magic(F.text)
    )
    router.message.register(step_other, StateFilter(CitizenStep.follow_up))
    router.message.register(question, Magic(F.text))
    router.message.register(photo_outside, Magic(F.photo))
    router.message.register(document_outside, Magic(F.document))
    router.message.register(location_outside, Magic(F.location))
    router.message.register(contact_outside, Magic(F.contact))
    router.message.register(
        other_outside,
        Magic(~F.successful_payment & ~F.refunded_payment & F.from_user & ~F.new_chat_members),
    )

    router.callback_query.register(faq_button, FaqCb.filter())
    router.callback_query.register(my_button, MyCb.filter())
    router.callback_query.register(language_chosen, LangCb.filter())
    router.callback_query.register(delete_button, DeleteCb.filter())
    router.callback_query.register(skip_comment, RateCommentCb.filter())
    router.callback_query.register(
        ticket_button,
        Magic(F.data.regexp(r"^tk:(resolved|followup|reopen|rate[1-5]|solved|unsolved):\d{1,19}$")),
    )
    root.include_router(router)
    return root
