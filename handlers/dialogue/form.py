"""The request form: describe -> department -> summary (type, urgent, photos, files, location,
phone) -> submit. Cancel works at every step (``/cancel``, the Cancel button, or a short "取消" /
"算了" / "不用了" / "cancel" typed on its own).

The department is proposed by the router (:meth:`handlers.deps.Deps.propose_department`) when it
is sure, else its likeliest three are offered with "Other department…", nothing pre-selected.
The demand type and the urgent flag are guessed from the text (:mod:`tickets.intake`) and
guessed again as the person adds text, until they choose them; an urgent guess is said so in
the summary, with the emergency numbers. Choosing a type before a department is fine: the
summary says a department is still needed and Submit asks for it.

Buttons: ``tf:<action>:<value>``: ``new`` (start, keeping attachments sent just before), ``dept``
(every department), ``setdept``, ``type``, ``settype``, ``urgent`` (on | off), ``phone``,
``submit``, ``cancel``. Nothing reaches the database until the person submits, except a phone
number they explicitly agree to share (stored with its consent time).
"""

from __future__ import annotations

from handlers.dialogue.model import Action, Raw, Text
from handlers.dialogue.state import Draft, Location
from handlers.dialogue.turn import Turn
from locales import t
from tickets.config.desk import DeskConfig
from tickets.errors import TicketError
from tickets.gaps import link_ticket
from tickets.intake import append_text, cap_ticket_text, guess_demand_type, guess_urgent
from tickets.lessons import citizen_actor, record_lesson
from tickets.lifecycle import DEMAND_TYPES
from tickets.people.citizens import record_contact, record_email

__all__ = ["CANCEL_WORDS", "MAX_DOCUMENTS", "MAX_PHOTOS", "is_cancel_word"]

MAX_PHOTOS = 10
MAX_DOCUMENTS = 5
PREVIEW = 300  # characters of the text shown in the summary
DEPT_LABEL_MAX = 64  # characters of a department's name on its button
PAIR_LABEL_MAX = 14  # names this short go two to a row; longer ones get a row of their own
ROUTE_LABEL_MAX = 40
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


def is_cancel_word(text: str | None) -> bool:
    """ "取消", "Cancel.", " 算了！" ... on their own; never inside a longer message."""
    word = (text or "").strip().strip("。.!！~～ ").casefold()
    return word in CANCEL_WORDS


# -- buttons --------------------------------------------------------------------------------
def _tf(action: str, value: str = "") -> str:
    return f"tf:{action}:{value}"


def cancel_action() -> Action:
    return Action(_tf("cancel"), Text("btn-cancel"))


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short_words(text: str, limit: int) -> str:
    """Like :func:`_short`, but an English text is cut between words."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and text[limit - 1] != " ":
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "…"


def department_rows(lang: str, config: DeskConfig) -> list[list[Action]]:
    """One button per department with its whole name (cut at a word only when longer than
    DEPT_LABEL_MAX): two per row when every name is short (Chinese names), else one per row,
    so that Telegram never cuts an English name mid-word."""
    buttons = [
        Action(_tf("setdept", slug), Raw(_short_words(d.name_for(lang), DEPT_LABEL_MAX)))
        for slug, d in config.departments.items()
        if len(_tf("setdept", slug).encode()) <= 64
    ]
    per_row = 2 if all(len(b.label.text) <= PAIR_LABEL_MAX for b in buttons) else 1  # type: ignore[union-attr]
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    rows.append([cancel_action()])
    return rows


def _route_rows(lang: str, config: DeskConfig, slugs: list[str]) -> list[list[Action]]:
    """The router's candidates (best first, one per row), "Other department…" (the full
    list) and Cancel: the form is unsure, nothing is pre-selected."""
    rows = [
        [Action(_tf("setdept", slug), Raw(_short(dept.name_for(lang), ROUTE_LABEL_MAX)))]
        for slug in slugs
        if (dept := config.get(slug)) is not None and len(_tf("setdept", slug).encode()) <= 64
    ]
    rows.append([Action(_tf("dept"), Text("btn-other_dept"))])
    rows.append([cancel_action()])
    return rows


def _department_choice(turn: Turn, draft: Draft) -> tuple[Text, list[list[Action]]]:
    """The router's candidates and "Other department…" when it had some; else every department."""
    config = turn.deps.desk.config
    offered = [s for s in draft.route or [] if config.get(s) is not None]
    if offered:
        return Text("flow-choose_dept_suggested"), _route_rows(turn.lang, config, offered)
    return Text("flow-choose_dept"), department_rows(turn.lang, config)


def _types_rows(current: str) -> list[list[Action]]:
    buttons = [
        Action(
            _tf("settype", code),
            Text("btn-type_chosen", {"type": Text(f"type-{code}")})
            if code == current
            else Text(f"type-{code}"),
        )
        for code in DEMAND_TYPES
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([cancel_action()])
    return rows


def _draft_rows(draft: Draft) -> list[list[Action]]:
    rows = [
        [Action(_tf("dept"), Text("btn-change_dept")), Action(_tf("type"), Text("btn-change_type"))]
    ]
    toggle = (
        Action(_tf("urgent", "off"), Text("btn-urgent_off"))
        if draft.urgent
        else Action(_tf("urgent", "on"), Text("btn-urgent_on"))
    )
    second = [toggle]
    if not draft.phone:
        second.append(Action(_tf("phone"), Text("btn-share_phone")))
    rows.append(second)
    rows.append([Action(_tf("submit"), Text("btn-submit")), cancel_action()])
    return rows


# -- the form -------------------------------------------------------------------------------
def _guess(draft: Draft) -> None:
    """Type and urgency from the whole text, unless the person chose them."""
    if not draft.type_chosen:
        draft.type = guess_demand_type(draft.text)
    if not draft.urgent_chosen:
        draft.urgent = guess_urgent(draft.text)


async def start(
    turn: Turn,
    *,
    text: str | None = None,
    department: str | None = None,
    faq_entry: str | None = None,
    gap_id: int | None = None,
) -> None:
    """Open the form; with ``text`` it goes straight to the department / summary."""
    state = turn.state
    pending = state.pending
    config = turn.deps.desk.config
    questions = state.questions
    state.end_form()
    state.questions = questions
    draft = Draft(
        dept=department if department and config.get(department) else None,
        photos=list(pending.photos if pending else [])[:MAX_PHOTOS],
        documents=list(pending.documents if pending else [])[:MAX_DOCUMENTS],
        location=pending.location if pending else None,
        faq_entry=faq_entry,
        gap_id=gap_id,
        lang=turn.lang,
    )
    state.draft = draft
    state.since = turn.now
    if text:
        await _set_text(turn, draft, text)
        return
    state.step = "describe"
    if draft.dept:
        name = config.departments[draft.dept].name_for(turn.lang)
        turn.say(Text("flow-describe_dept", {"department": name}), [cancel_action()])
    else:
        turn.say(Text("flow-describe"), [cancel_action()])


async def _set_text(turn: Turn, draft: Draft, text: str) -> None:
    draft.text = cap_ticket_text(text)
    _guess(draft)
    if not draft.dept:
        # The department router: a proposal when sure, else its candidates.
        routed = await turn.deps.propose_department(turn.session, draft.text, turn.lang)
        draft.dept = routed.department
        draft.route = [c.slug for c in routed.candidates]  # offered, best first
    if draft.dept:
        show_draft(turn)
    else:
        turn.state.step = "department"
        prompt, rows = _department_choice(turn, draft)
        turn.say(prompt, *rows)


def show_draft(turn: Turn, note: Text | None = None) -> None:
    """The summary with its buttons (change department / type, urgent, phone, submit,
    cancel)."""
    draft = turn.state.draft
    if draft is None:
        return
    turn.state.step = "draft"
    lang = turn.lang
    dept = turn.deps.desk.config.get(draft.dept or "")
    text = draft.text if len(draft.text) <= PREVIEW else draft.text[:PREVIEW] + "…"
    body = Text(
        "flow-draft",
        {
            "department": Raw(dept.name_for(lang)) if dept else Text("flow-dept_unset"),
            "type": Text(f"type-{draft.type}"),
            "urgent": Text("flow-yes_urgent" if draft.urgent else "flow-no_urgent"),
            "text": text,
            "photos": len(draft.photos),
            "documents": len(draft.documents),
            "location": Text("flow-yes" if draft.location else "flow-no"),
            "phone": Text("flow-yes" if draft.phone else "flow-no"),
        },
    )
    parts: list[Text] = [body]
    if draft.urgent and not draft.urgent_chosen:
        parts.append(Text("flow-urgent_guessed"))
    if note is not None:
        parts.insert(0, note)
    turn.say(_paragraphs(parts), *_draft_rows(draft))


def _paragraphs(parts: list[Text]) -> Text:
    """Texts one after the other, a blank line between them."""
    if len(parts) == 1:
        return parts[0]
    return Text("paragraphs", {"first": parts[0], "rest": _paragraphs(parts[1:])})


def _lines(first: Text, second: Text) -> Text:
    return Text("lines", {"first": first, "rest": second})


def cancel(turn: Turn, *, pressed: bool = False) -> None:
    """Leave the form (and any step)."""
    turn.state.end_form()
    if pressed:
        turn.ack()
    turn.say(Text("flow-cancelled"), clear_keyboard=True)


async def text_in_form(turn: Turn) -> None:
    """Text (not a command) in a form step."""
    state = turn.state
    draft = state.draft
    assert draft is not None
    text = turn.inbound.text
    if state.step == "describe":
        await _set_text(turn, draft, text)
    elif state.step == "department":
        draft.text = append_text(draft.text, text)
        _guess(draft)
        prompt, rows = _department_choice(turn, draft)
        turn.say(_lines(Text("flow-added_text"), prompt), *rows)
    elif state.step == "draft":
        draft.text = append_text(draft.text, text)
        _guess(draft)
        show_draft(turn, Text("flow-added_text"))
    elif state.step == "phone":
        if _is_no_phone(text):
            turn.say(Text("flow-phone_declined"), clear_keyboard=True)
            show_draft(turn)
        else:
            turn.say(Text("flow-phone_use_button"), ask_contact=True)


def _is_no_phone(text: str) -> bool:
    """The "no phone number" button of the contact keyboard (its label, in either language)."""
    return text.strip() in (t("zh", "btn-no_phone"), t("en", "btn-no_phone"))


async def attachment_in_form(turn: Turn) -> None:
    """A photo, a file or a location in a form step; anything else gets the "please write"
    hint."""
    state = turn.state
    draft = state.draft
    assert draft is not None
    inbound = turn.inbound
    if inbound.kind == "photo" and inbound.files:
        if len(draft.photos) >= MAX_PHOTOS:
            turn.say(Text("flow-too_many_photos", {"max": MAX_PHOTOS}))
            return
        draft.photos = [*draft.photos, *inbound.files][:MAX_PHOTOS]
        note = Text("flow-added_photo", {"count": len(draft.photos)})
    elif inbound.kind == "document" and inbound.files:
        if len(draft.documents) >= MAX_DOCUMENTS:
            turn.say(Text("flow-too_many_documents", {"max": MAX_DOCUMENTS}))
            return
        draft.documents = [*draft.documents, *inbound.files][:MAX_DOCUMENTS]
        note = Text("flow-added_document", {"count": len(draft.documents)})
    elif inbound.kind == "location" and inbound.location is not None:
        draft.location = Location(latitude=inbound.location[0], longitude=inbound.location[1])
        note = Text("flow-added_location")
    else:
        turn.say(Text("flow-need_text"), [cancel_action()])
        return
    if inbound.kind in ("photo", "document") and inbound.text:
        draft.text = append_text(draft.text, inbound.text)
        _guess(draft)
    if state.step == "describe" and not draft.text:
        turn.say(_lines(note, Text("flow-need_text")), [cancel_action()])
    elif state.step == "describe":
        await _set_text(turn, draft, draft.text)
    elif state.step == "department":
        prompt, rows = _department_choice(turn, draft)
        turn.say(_lines(note, prompt), *rows)
    else:
        show_draft(turn, note)


async def contact(turn: Turn) -> None:
    """The phone number shared with the channel's button: the person's explicit consent."""
    inbound = turn.inbound
    draft = turn.state.draft
    if inbound.email is not None:  # the web chat's contact field: an e-mail address
        await _email(turn)
        return
    if not inbound.own_phone or not inbound.phone:
        turn.say(Text("flow-phone_not_own"))
        return
    if draft is None:
        turn.state.end_form()
        return
    citizen = await turn.ensure_citizen()
    await record_contact(turn.session, citizen, inbound.phone, now=turn.now)
    draft.phone = True
    turn.say(Text("flow-phone_saved"), clear_keyboard=True)
    show_draft(turn)


async def _email(turn: Turn) -> None:
    """An e-mail address left with explicit consent (the web chat's form): stored for staff
    (the desk sends no e-mail itself)."""
    draft = turn.state.draft
    if draft is None:
        turn.state.end_form()
        return
    citizen = await turn.ensure_citizen()
    try:
        await record_email(turn.session, citizen, turn.inbound.email or "", now=turn.now)
    except ValueError:
        turn.say(Text("flow-email_invalid"), ask_contact=True)
        return
    draft.phone = True
    turn.say(Text("flow-email_saved"), clear_keyboard=True)
    show_draft(turn)


async def button(turn: Turn, action: str, value: str) -> None:
    """``tf:*``: the form's buttons."""
    state = turn.state
    config = turn.deps.desk.config
    if action == "new":
        turn.ack()
        await start(turn)
        return
    draft = state.draft
    if draft is None or not state.in_form:
        turn.ack(Text("flow-expired"), alert=True)
        return
    if action == "cancel":
        cancel(turn, pressed=True)
    elif action == "dept":
        turn.ack()
        turn.say(Text("flow-choose_dept"), *department_rows(turn.lang, config))
    elif action == "setdept":
        if config.get(value) is None:
            turn.ack(Text("stale"), alert=True)
            return
        turn.ack()
        draft.dept = value
        if not draft.text:
            state.step = "describe"
            name = config.departments[value].name_for(turn.lang)
            turn.say(Text("flow-describe_dept", {"department": name}), [cancel_action()])
            return
        show_draft(turn)
    elif action == "type":
        turn.ack()
        turn.say(Text("flow-choose_type"), *_types_rows(draft.type))
    elif action == "settype":
        if value not in DEMAND_TYPES:
            turn.ack(Text("stale"), alert=True)
            return
        turn.ack()
        draft.type = value
        draft.type_chosen = True
        show_draft(turn)
    elif action == "urgent":
        if value not in ("on", "off"):
            turn.ack(Text("stale"), alert=True)
            return
        turn.ack()
        draft.urgent = value == "on"
        draft.urgent_chosen = True
        show_draft(turn)
    elif action == "phone":
        turn.ack()
        state.step = "phone"
        turn.say(Text("flow-phone_consent"), ask_contact=True)
    elif action == "submit":
        await _submit(turn, draft)
    else:
        turn.ack(Text("stale"), alert=True)


async def _submit(turn: Turn, draft: Draft) -> None:
    if not draft.dept:  # e.g. a type chosen before a department: ask for it now
        turn.ack()
        turn.state.step = "department"
        _prompt, rows = _department_choice(turn, draft)
        turn.say(Text("flow-no_dept"), *rows)
        return
    if not draft.text:
        turn.ack(Text("flow-need_text"), alert=True)
        return
    citizen = await turn.ensure_citizen()
    details: dict[str, object] = {}
    if draft.photos:
        details["photos"] = list(draft.photos)
    if draft.documents:
        details["documents"] = list(draft.documents)
    if draft.location is not None:
        details["location"] = draft.location.model_dump()
    if draft.phone:
        details["contact_consent"] = True
    try:
        ticket = await turn.deps.tickets(turn.session).create_ticket(
            citizen,
            draft.dept,
            draft.text,
            demand_type=draft.type,
            urgent=draft.urgent,
            lang=turn.lang,
            details=details,
            faq_entry_id=draft.faq_entry,
        )
    except TicketError as exc:
        turn.ack()
        turn.say(Text("flow-failed", {"reason": turn.error(exc)}))
        return
    if draft.gap_id:
        await link_ticket(turn.session, draft.gap_id, ticket.id)  # type: ignore[arg-type]
    if draft.route is not None:  # the router chose or ranked; the person's choice teaches it
        await record_lesson(
            turn.session,
            text=draft.text,
            from_department=draft.route[0] if draft.route else None,
            to_department=draft.dept,
            source="citizen",
            actor=citizen_actor(citizen.id),
            now=turn.now,
            ticket_id=ticket.id,
        )
    turn.ack()
    turn.state.end_form()
