"""Submitting a ticket: describe -> department -> summary (type, urgent, photos, files,
location, phone) -> submit. Cancel works at every step (``/cancel``, the Cancel button, or a
short "取消" / "算了" / "不用了" / "cancel" typed on its own).

The demand type and the urgent flag are guessed from the text (:mod:`tickets.intake`) and
guessed again as the citizen adds text, until the citizen chooses them; an urgent guess is
said so in the summary, with the emergency numbers. Choosing a type before a department is
fine: the summary says a department is still needed and Submit asks for it with buttons.

The draft lives in the FSM data (``draft``); nothing reaches the database until the citizen
submits, except a phone number they explicitly agree to share (stored with its consent time).
``TicketService.create_ticket`` confirms the number and the response deadline to the citizen.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardRemove
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.citizen_answers import skip_open_request
from handlers.citizen_context import answer_callback
from handlers.deps import Deps
from handlers.filters import Magic
from handlers.keyboards_citizen import (
    FlowCb,
    cancel_keyboard,
    contact_keyboard,
    departments_keyboard,
    draft_keyboard,
    route_keyboard,
    types_keyboard,
)
from handlers.outgoing import Outgoing
from locales import t
from tickets.errors import TicketError
from tickets.gaps import link_ticket
from tickets.intake import append_text, cap_ticket_text, guess_demand_type, guess_urgent
from tickets.lessons import citizen_actor, record_lesson
from tickets.lifecycle import DEMAND_TYPES
from tickets.models import Citizen
from tickets.people.citizens import get_or_create_citizen, record_contact, telegram_identity

MAX_PHOTOS = 10
MAX_DOCUMENTS = 5
# Typed on their own (any step of the form, or any citizen step), these cancel like /cancel.
CANCEL_WORDS = frozenset(
    {
        "取消",
        "算了",
        "不用了",
        "不要了",
        "退出",
        "cancel",
        "stop",
        "quit",
        "never mind",
        "nevermind",
    }
)
PREVIEW = 300  # characters of the text shown in the summary


class TicketForm(StatesGroup):
    describe = State()
    department = State()
    draft = State()
    phone = State()


FORM_STATES = (TicketForm.describe, TicketForm.department, TicketForm.draft, TicketForm.phone)


# ----------------------------------------------------------------------------------------------
# starting and showing the form
# ----------------------------------------------------------------------------------------------
async def start_form(
    state: FSMContext,
    outgoing: Outgoing,
    chat_id: int,
    lang: str,
    deps: Deps,
    *,
    text: str | None = None,
    department: str | None = None,
    faq_entry: str | None = None,
    gap_id: int | None = None,
) -> None:
    """Open the form; with ``text`` it goes straight to the department / summary."""
    data = await state.get_data()
    pending = data.pop("pending", None) or {}
    draft: dict[str, Any] = {
        "text": "",
        "dept": department if department and deps.desk.config.get(department) else None,
        "type": "consultation",
        "urgent": False,
        "type_chosen": False,
        "urgent_chosen": False,
        "photos": list(pending.get("photos", []))[:MAX_PHOTOS],
        "documents": list(pending.get("documents", []))[:MAX_DOCUMENTS],
        "location": pending.get("location"),
        "phone": False,
        "faq_entry": faq_entry,
        "gap_id": gap_id,
        "lang": lang,
    }
    data["draft"] = draft
    await state.set_data(data)
    if text:
        await _set_text(state, outgoing, chat_id, lang, deps, draft, text)
        return
    await state.set_state(TicketForm.describe)
    if draft["dept"]:
        name = deps.desk.config.departments[draft["dept"]].name_for(lang)
        prompt = t(lang, "flow-describe_dept", department=name)
    else:
        prompt = t(lang, "flow-describe")
    await outgoing.send_message(chat_id, prompt, reply_markup=cancel_keyboard(lang))


async def _set_text(
    state: FSMContext,
    outgoing: Outgoing,
    chat_id: int,
    lang: str,
    deps: Deps,
    draft: dict[str, Any],
    text: str,
) -> None:
    draft["text"] = cap_ticket_text(text)
    _guess(draft)
    if not draft["dept"]:
        # The department router (tickets.routing): a proposal when sure, else its candidates.
        routed = await deps.propose_department(outgoing.session, draft["text"], lang)
        draft["dept"] = routed.department
        draft["route"] = [c.slug for c in routed.candidates]  # offered, best first
    await _save_draft(state, draft)
    if draft["dept"]:
        await show_draft(state, outgoing, chat_id, lang, deps)
    else:
        await state.set_state(TicketForm.department)
        prompt, keyboard = _department_choice(lang, deps, draft)
        await outgoing.send_message(chat_id, prompt, reply_markup=keyboard)


def _department_choice(
    lang: str, deps: Deps, draft: dict[str, Any]
) -> tuple[str, InlineKeyboardMarkup]:
    """The router's candidates and "Other department…" when it had some; else every department."""
    offered = [s for s in draft.get("route") or [] if deps.desk.config.get(s) is not None]
    if offered:
        return t(lang, "flow-choose_dept_suggested"), route_keyboard(
            lang, deps.desk.config, offered
        )
    return t(lang, "flow-choose_dept"), departments_keyboard(lang, deps.desk.config)


def _guess(draft: dict[str, Any]) -> None:
    """Type and urgency from the whole text, unless the citizen chose them."""
    if not draft.get("type_chosen"):
        draft["type"] = guess_demand_type(draft["text"])
    if not draft.get("urgent_chosen"):
        draft["urgent"] = guess_urgent(draft["text"])


def is_cancel_word(text: str | None) -> bool:
    """ "取消", "Cancel.", " 算了！" ... on their own; never inside a longer message."""
    word = (text or "").strip().strip("。.!！~～ ").casefold()
    return word in CANCEL_WORDS


async def show_draft(
    state: FSMContext,
    outgoing: Outgoing,
    chat_id: int,
    lang: str,
    deps: Deps,
    note: str | None = None,
) -> None:
    """The summary with its buttons (change department / type, urgent, phone, submit,
    cancel)."""
    draft = await _draft(state)
    if draft is None:
        return
    await state.set_state(TicketForm.draft)
    dept = deps.desk.config.get(draft["dept"] or "")
    text = draft["text"]
    if len(text) > PREVIEW:
        text = text[:PREVIEW] + "…"
    urgent = bool(draft.get("urgent"))
    body = t(
        lang,
        "flow-draft",
        department=dept.name_for(lang) if dept else t(lang, "flow-dept_unset"),
        type=t(lang, f"type-{draft['type']}"),
        urgent=t(lang, "flow-yes_urgent" if urgent else "flow-no_urgent"),
        text=text,
        photos=len(draft["photos"]),
        documents=len(draft.get("documents") or []),
        location=t(lang, "flow-yes" if draft["location"] else "flow-no"),
        phone=t(lang, "flow-yes" if draft["phone"] else "flow-no"),
    )
    if urgent and not draft.get("urgent_chosen"):
        body = f"{body}\n\n{t(lang, 'flow-urgent_guessed')}"
    if note:
        body = f"{note}\n\n{body}"
    await outgoing.send_message(
        chat_id,
        body,
        reply_markup=draft_keyboard(lang, has_phone=bool(draft["phone"]), urgent=urgent),
    )


async def _draft(state: FSMContext) -> dict[str, Any] | None:
    draft = (await state.get_data()).get("draft")
    return dict(draft) if isinstance(draft, dict) else None


async def _save_draft(state: FSMContext, draft: dict[str, Any]) -> None:
    await state.update_data(draft=draft)


async def end_form(state: FSMContext) -> None:
    """Leave the form, keeping the other FSM data (recent questions)."""
    data = await state.get_data()
    data.pop("draft", None)
    data.pop("pending", None)
    await state.set_data(data)
    await state.set_state(None)


# ----------------------------------------------------------------------------------------------
# message handlers
# ----------------------------------------------------------------------------------------------
async def cancel_command(
    message: Message,
    state: FSMContext,
    outgoing: Outgoing,
    lang: str,
    session: AsyncSession,
    citizen: Citizen | None = None,
) -> None:
    """/cancel (or a cancel word) anywhere: leave whatever step the citizen is in; with none,
    stop taking the next messages as the answer to an open request for information."""
    if await state.get_state() is None:
        if await skip_open_request(state, session, citizen) is not None:
            await outgoing.send_message(message.chat.id, t(lang, "tk-answer_skipped"))
            return
        await outgoing.send_message(message.chat.id, t(lang, "flow-nothing_to_cancel"))
        return
    await end_form(state)
    await outgoing.send_message(
        message.chat.id, t(lang, "flow-cancelled"), reply_markup=ReplyKeyboardRemove()
    )


async def describe_text(
    message: Message, state: FSMContext, outgoing: Outgoing, lang: str, deps: Deps
) -> None:
    draft = await _draft(state)
    if draft is None:
        await end_form(state)
        return
    await _set_text(state, outgoing, message.chat.id, lang, deps, draft, message.text or "")


async def department_text(
    message: Message, state: FSMContext, outgoing: Outgoing, lang: str, deps: Deps
) -> None:
    """Text while choosing a department: added to the description, then ask again."""
    draft = await _draft(state)
    if draft is None:
        await end_form(state)
        return
    draft["text"] = append_text(draft["text"], message.text or "")
    _guess(draft)
    await _save_draft(state, draft)
    prompt, keyboard = _department_choice(lang, deps, draft)
    await outgoing.send_message(
        message.chat.id, f"{t(lang, 'flow-added_text')}\n{prompt}", reply_markup=keyboard
    )


async def draft_text(
    message: Message, state: FSMContext, outgoing: Outgoing, lang: str, deps: Deps
) -> None:
    draft = await _draft(state)
    if draft is None:
        await end_form(state)
        return
    draft["text"] = append_text(draft["text"], message.text or "")
    _guess(draft)
    await _save_draft(state, draft)
    await show_draft(state, outgoing, message.chat.id, lang, deps, t(lang, "flow-added_text"))


async def form_photo(
    message: Message, state: FSMContext, outgoing: Outgoing, lang: str, deps: Deps
) -> None:
    draft = await _draft(state)
    if draft is None or not message.photo:
        await end_form(state)
        return
    if len(draft["photos"]) >= MAX_PHOTOS:
        await outgoing.send_message(
            message.chat.id, t(lang, "flow-too_many_photos", max=MAX_PHOTOS)
        )
        return
    draft["photos"] = [*draft["photos"], message.photo[-1].file_id]
    if message.caption:
        draft["text"] = append_text(draft["text"], message.caption)
        _guess(draft)
    await _save_draft(state, draft)
    await _after_attachment(
        state,
        outgoing,
        message.chat.id,
        lang,
        deps,
        draft,
        t(lang, "flow-added_photo", count=len(draft["photos"])),
    )


async def form_document(
    message: Message, state: FSMContext, outgoing: Outgoing, lang: str, deps: Deps
) -> None:
    """A file (a PDF, a picture sent as a file...): attached like a photo."""
    draft = await _draft(state)
    if draft is None or message.document is None:
        await end_form(state)
        return
    documents = list(draft.get("documents") or [])
    if len(documents) >= MAX_DOCUMENTS:
        await outgoing.send_message(
            message.chat.id, t(lang, "flow-too_many_documents", max=MAX_DOCUMENTS)
        )
        return
    draft["documents"] = [*documents, message.document.file_id]
    if message.caption:
        draft["text"] = append_text(draft["text"], message.caption)
        _guess(draft)
    await _save_draft(state, draft)
    await _after_attachment(
        state,
        outgoing,
        message.chat.id,
        lang,
        deps,
        draft,
        t(lang, "flow-added_document", count=len(draft["documents"])),
    )


async def form_location(
    message: Message, state: FSMContext, outgoing: Outgoing, lang: str, deps: Deps
) -> None:
    draft = await _draft(state)
    if draft is None or message.location is None:
        await end_form(state)
        return
    draft["location"] = {
        "latitude": message.location.latitude,
        "longitude": message.location.longitude,
    }
    await _save_draft(state, draft)
    await _after_attachment(
        state, outgoing, message.chat.id, lang, deps, draft, t(lang, "flow-added_location")
    )


async def _after_attachment(
    state: FSMContext,
    outgoing: Outgoing,
    chat_id: int,
    lang: str,
    deps: Deps,
    draft: dict[str, Any],
    note: str,
) -> None:
    current = await state.get_state()
    if current == TicketForm.describe.state and not draft["text"]:
        await outgoing.send_message(
            chat_id, f"{note}\n{t(lang, 'flow-need_text')}", reply_markup=cancel_keyboard(lang)
        )
    elif current == TicketForm.describe.state:
        await _set_text(state, outgoing, chat_id, lang, deps, draft, draft["text"])
    elif current == TicketForm.department.state:
        prompt, keyboard = _department_choice(lang, deps, draft)
        await outgoing.send_message(chat_id, f"{note}\n{prompt}", reply_markup=keyboard)
    else:
        await show_draft(state, outgoing, chat_id, lang, deps, note)


async def form_other(message: Message, outgoing: Outgoing, lang: str) -> None:
    """Stickers, voice, video... inside the form."""
    await outgoing.send_message(
        message.chat.id, t(lang, "flow-need_text"), reply_markup=cancel_keyboard(lang)
    )


async def phone_contact(
    message: Message,
    state: FSMContext,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    """The contact from the request_contact button: the citizen's explicit consent."""
    contact = message.contact
    user = message.from_user
    if (
        contact is None
        or user is None
        or (contact.user_id is not None and contact.user_id != user.id)
    ):
        await outgoing.send_message(message.chat.id, t(lang, "flow-phone_not_own"))
        return
    draft = await _draft(state)
    if draft is None:
        await end_form(state)
        return
    citizen = await get_or_create_citizen(
        session,
        telegram_identity(user.id, message.chat.id),
        first_name=user.first_name,
        last_name=user.last_name,
        now=deps.clock.now(),
    )
    await record_contact(session, citizen, contact.phone_number, now=deps.clock.now())
    draft["phone"] = True
    await _save_draft(state, draft)
    await outgoing.send_message(
        message.chat.id, t(lang, "flow-phone_saved"), reply_markup=ReplyKeyboardRemove()
    )
    await show_draft(state, outgoing, message.chat.id, lang, deps)


async def phone_text(
    message: Message, state: FSMContext, outgoing: Outgoing, lang: str, deps: Deps
) -> None:
    if (message.text or "").strip() in (t("zh", "btn-no_phone"), t("en", "btn-no_phone")):
        await outgoing.send_message(
            message.chat.id, t(lang, "flow-phone_declined"), reply_markup=ReplyKeyboardRemove()
        )
        await show_draft(state, outgoing, message.chat.id, lang, deps)
        return
    await outgoing.send_message(
        message.chat.id, t(lang, "flow-phone_use_button"), reply_markup=contact_keyboard(lang)
    )


# ----------------------------------------------------------------------------------------------
# buttons
# ----------------------------------------------------------------------------------------------
async def flow_button(
    query: CallbackQuery,
    callback_data: FlowCb,
    state: FSMContext,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    chat_id = query.message.chat.id if query.message else query.from_user.id
    action = callback_data.action
    if action == "new":
        await answer_callback(outgoing, query)
        await start_form(state, outgoing, chat_id, lang, deps)
        return
    draft = await _draft(state)
    if draft is None or await state.get_state() not in {s.state for s in FORM_STATES}:
        await answer_callback(outgoing, query, t(lang, "flow-expired"), alert=True)
        return
    if action == "cancel":
        await answer_callback(outgoing, query)
        await end_form(state)
        await outgoing.send_message(
            chat_id, t(lang, "flow-cancelled"), reply_markup=ReplyKeyboardRemove()
        )
    elif action == "dept":
        await answer_callback(outgoing, query)
        await outgoing.send_message(
            chat_id,
            t(lang, "flow-choose_dept"),
            reply_markup=departments_keyboard(lang, deps.desk.config),
        )
    elif action == "setdept":
        if deps.desk.config.get(callback_data.value) is None:
            await answer_callback(outgoing, query, t(lang, "stale"), alert=True)
            return
        await answer_callback(outgoing, query)
        draft["dept"] = callback_data.value
        await _save_draft(state, draft)
        if not draft["text"]:
            await state.set_state(TicketForm.describe)
            name = deps.desk.config.departments[draft["dept"]].name_for(lang)
            await outgoing.send_message(
                chat_id,
                t(lang, "flow-describe_dept", department=name),
                reply_markup=cancel_keyboard(lang),
            )
            return
        await show_draft(state, outgoing, chat_id, lang, deps)
    elif action == "type":
        await answer_callback(outgoing, query)
        await outgoing.send_message(
            chat_id, t(lang, "flow-choose_type"), reply_markup=types_keyboard(lang, draft["type"])
        )
    elif action == "settype":
        if callback_data.value not in DEMAND_TYPES:
            await answer_callback(outgoing, query, t(lang, "stale"), alert=True)
            return
        await answer_callback(outgoing, query)
        draft["type"] = callback_data.value
        draft["type_chosen"] = True
        await _save_draft(state, draft)
        await show_draft(state, outgoing, chat_id, lang, deps)
    elif action == "urgent":
        if callback_data.value not in ("on", "off"):
            await answer_callback(outgoing, query, t(lang, "stale"), alert=True)
            return
        await answer_callback(outgoing, query)
        draft["urgent"] = callback_data.value == "on"
        draft["urgent_chosen"] = True
        await _save_draft(state, draft)
        await show_draft(state, outgoing, chat_id, lang, deps)
    elif action == "phone":
        await answer_callback(outgoing, query)
        await state.set_state(TicketForm.phone)
        await outgoing.send_message(
            chat_id, t(lang, "flow-phone_consent"), reply_markup=contact_keyboard(lang)
        )
    elif action == "submit":
        await _submit(query, state, outgoing, chat_id, lang, deps, session, draft)
    else:
        await answer_callback(outgoing, query, t(lang, "stale"), alert=True)


async def _submit(
    query: CallbackQuery,
    state: FSMContext,
    outgoing: Outgoing,
    chat_id: int,
    lang: str,
    deps: Deps,
    session: AsyncSession,
    draft: dict[str, Any],
) -> None:
    if not draft.get("dept"):  # e.g. a type chosen before a department: ask for it now
        await answer_callback(outgoing, query)
        await state.set_state(TicketForm.department)
        _prompt, keyboard = _department_choice(lang, deps, draft)
        await outgoing.send_message(chat_id, t(lang, "flow-no_dept"), reply_markup=keyboard)
        return
    if not draft.get("text"):
        await answer_callback(outgoing, query, t(lang, "flow-need_text"), alert=True)
        return
    user = query.from_user
    citizen = await get_or_create_citizen(
        session,
        telegram_identity(user.id, chat_id),
        first_name=user.first_name,
        last_name=user.last_name,
        now=deps.clock.now(),
    )
    details: dict[str, Any] = {}
    if draft["photos"]:
        details["photos"] = list(draft["photos"])
    if draft.get("documents"):
        details["documents"] = list(draft["documents"])
    if draft["location"]:
        details["location"] = dict(draft["location"])
    if draft["phone"]:
        details["contact_consent"] = True
    try:
        ticket = await deps.tickets(session).create_ticket(
            citizen,
            draft["dept"],
            draft["text"],
            demand_type=draft["type"],
            urgent=bool(draft.get("urgent")),
            lang=lang,
            details=details,
            faq_entry_id=draft.get("faq_entry"),
        )
    except TicketError as exc:
        await answer_callback(outgoing, query)
        await outgoing.send_message(chat_id, t(lang, "flow-failed", reason=exc.render(lang)))
        return
    if draft.get("gap_id"):
        await link_ticket(session, int(draft["gap_id"]), ticket.id)  # type: ignore[arg-type]
    offered = draft.get("route")
    if offered is not None:  # the router chose or ranked; the citizen's choice teaches it
        await record_lesson(
            session,
            text=draft["text"],
            from_department=offered[0] if offered else None,
            to_department=draft["dept"],
            source="citizen",
            actor=citizen_actor(citizen.id),
            now=deps.clock.now(),
            ticket_id=ticket.id,
        )
    await answer_callback(outgoing, query)
    await end_form(state)


class CancelWord(Filter):
    """A message that is only "取消", "算了", "cancel"... (see CANCEL_WORDS)."""

    async def __call__(self, message: Message) -> bool:
        return is_cancel_word(message.text)


def create_cancel_router() -> Router:
    """``/cancel`` and the cancel words: first, so that no step takes them as its input."""
    router = Router(name="citizen_cancel")
    router.message.filter(Magic(F.chat.type == "private"))
    router.message.register(cancel_command, Command("cancel"))
    router.message.register(cancel_command, CancelWord())
    return router


def create_router() -> Router:
    router = Router(name="ticket_flow")
    router.message.filter(Magic(F.chat.type == "private"))
    in_form = StateFilter(*FORM_STATES)
    router.message.register(phone_contact, StateFilter(TicketForm.phone), Magic(F.contact))
    router.message.register(phone_text, StateFilter(TicketForm.phone), Magic(F.text))
    router.message.register(
        describe_text, StateFilter(TicketForm.describe), Magic(F.text & ~F.text.startswith("/"))
    )
    router.message.register(
        department_text, StateFilter(TicketForm.department), Magic(F.text & ~F.text.startswith("/"))
    )
    router.message.register(
        draft_text, StateFilter(TicketForm.draft), Magic(F.text & ~F.text.startswith("/"))
    )
    router.message.register(form_photo, in_form, Magic(F.photo))
    router.message.register(form_document, in_form, Magic(F.document))
    router.message.register(form_location, in_form, Magic(F.location))
    router.message.register(form_other, in_form, Magic(~F.text))
    router.callback_query.register(flow_button, FlowCb.filter())
    return router
