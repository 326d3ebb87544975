"""The person's tickets: their list and pages (``mt:p:<page>``, ``mt:v:<ticket id>``), the buttons
under the desk's messages about a ticket (``tk:<action>:<ticket id>``: resolved, follow up,
reopen, a 1-5 rating, the post-closure "really solved?"), the rating's comment, and messages
that belong to a ticket.

Which ticket a message is for, in this order:

1. a reply to a message the desk sent about a ticket (a question, a staff reply such as the
   canned "please send the address by replying to this message") goes to that ticket, whatever
   the person was doing (a request form in progress stays as it was);
2. after the ticket's "Add information" / "Follow up" button: that ticket;
3. with no step in progress (or only a rating comment begun before the question), while a
   ticket of theirs waits for their information, the next text, photo or document answers it
   (with several, the one asked last). ``/cancel`` (or a typed "取消") makes the next messages
   questions again, until the desk asks something new.

The message becomes a citizen message on the ticket (photos and documents kept with it), the
paused clock runs again, the department is told (the service's ``follow_up``), and the person
gets a confirmation, not an FAQ answer or a gap-report entry.
"""

from __future__ import annotations

from datetime import timedelta

from handlers.dialogue.model import Action, Raw, Text, render
from handlers.dialogue.turn import Turn
from handlers.notify.format import format_time
from handlers.notify.replies import closure_answer_text
from tickets.errors import TicketError, ValidationError
from tickets.lifecycle import Status
from tickets.models import Department, Ticket
from tickets.people.departments import get_department_by_id
from tickets.queries import latest_info_request

__all__ = ["CITIZEN_ACTIONS", "CONSUMED", "PAGE_SIZE", "ticket_for_message"]

CONSUMED = 0  # ticket_for_message: the message was for a step that no longer has its ticket

PAGE_SIZE = 5
CONVERSATION_MAX = 3500  # characters of conversation on a ticket page (older lines dropped)
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


def _tk(action: str, ticket_id: int) -> str:
    return f"tk:{action}:{int(ticket_id)}"


def _dept_name(turn: Turn, dept: Department | None) -> str:
    if dept is None:
        return "?"
    cfg = turn.deps.desk.config.get(dept.slug)
    if cfg is not None:
        return cfg.name_for(turn.lang)
    return dept.name_en if turn.lang == "en" else dept.name_zh


def _due(turn: Turn, ticket: Ticket) -> tuple[Text, str]:
    tz, lang = turn.deps.tz, turn.lang
    if ticket.status == Status.CLOSED:
        return Text("my-closed_at"), format_time(ticket.closed_at, tz, lang)
    if ticket.first_response_at is None:
        return Text("my-due_response"), format_time(ticket.response_due_at, tz, lang)
    return Text("my-due_resolution"), format_time(ticket.resolution_due_at, tz, lang)


# -- the list -------------------------------------------------------------------------------
async def ticket_list(turn: Turn, page: int = 1) -> None:
    svc = turn.deps.tickets(turn.session)
    try:
        result = await svc.citizen_tickets(turn.actor, page=max(1, page), page_size=PAGE_SIZE)
    except TicketError as exc:
        turn.say(turn.error(exc))
        return
    if result.total == 0:
        turn.say(Text("my-empty"))
        return
    pages = max(1, -(-result.total // PAGE_SIZE))
    if not result.items and page > 1:
        await ticket_list(turn, pages)
        return
    depts: dict[int, Department | None] = {}
    lines: list[Text] = []
    for ticket in result.items:
        if ticket.department_id not in depts:
            depts[ticket.department_id] = await get_department_by_id(
                turn.session, ticket.department_id
            )
        label, due = _due(turn, ticket)
        lines.append(
            Text(
                "my-line",
                {
                    "number": ticket.number,
                    "department": _dept_name(turn, depts[ticket.department_id]),
                    "status": Text(f"status-{ticket.status}"),
                    "due_label": label,
                    "due": due,
                },
            )
        )
    text = Text("my-header", {"total": result.total, "page": result.page, "pages": pages})
    for line in lines:
        text = Text("lines", {"first": text, "rest": line})
    rows = [
        [Action(f"mt:v:{ticket.id}", Raw(f"🎫 {ticket.number}"))]
        for ticket in result.items
        if ticket.id is not None
    ]
    nav = []
    if result.page > 1:
        nav.append(Action(f"mt:p:{result.page - 1}", Text("btn-prev")))
    if result.page < pages:
        nav.append(Action(f"mt:p:{result.page + 1}", Text("btn-next")))
    if nav:
        rows.append(nav)
    turn.say(text, *rows)


async def my_button(turn: Turn, action: str, value: int) -> None:
    if action == "p":
        turn.ack()
        await ticket_list(turn, value)
        return
    if action != "v":
        turn.ack(Text("stale"))
        return
    svc = turn.deps.tickets(turn.session)
    try:
        details = await svc.details(value, turn.actor)
    except TicketError as exc:
        turn.ack(turn.error(exc), alert=True)
        return
    turn.ack()
    await _ticket_page(turn, details)


async def _ticket_page(turn: Turn, details) -> None:
    ticket = details.ticket
    tz, lang = turn.deps.tz, turn.lang
    later = {  # attachments added after creation (answers), counted on their own lines
        kind: sum(len(e.data.get(kind) or []) for e in details.conversation)
        for kind in ("photos", "documents")
    }
    lines: list[Text] = []
    for event in details.conversation:
        text = str(event.data.get("text", "")).strip()
        at = format_time(event.at, tz, lang)
        if event.kind in ("created", "citizen_message"):
            line = Text("my-event_you", {"at": at, "text": text})
            attached = dict(ticket.details or {})
            if event.kind == "created":
                for kind, count in later.items():
                    attached[kind] = (attached.get(kind) or [])[: -count or None]
            else:
                attached = {kind: event.data.get(kind) for kind in later}
            photos = len(attached.get("photos") or [])
            documents = len(attached.get("documents") or [])
            if photos or documents or attached.get("location"):
                location = Text("my-with_location") if attached.get("location") else Raw("")
                more = Text(
                    "my-attachments",
                    {"photos": photos, "documents": documents, "location": location},
                )
                line = Text("spaced", {"first": line, "rest": more})
        elif event.kind == "info_requested":
            line = Text("my-event_ask", {"at": at, "text": text})
        else:
            line = Text("my-event_staff", {"at": at, "text": text})
        lines.append(line)
    rendered = [render(line, lang) for line in lines]
    conversation = "\n".join(rendered)
    while len(conversation) > CONVERSATION_MAX and len(rendered) > 1:
        rendered = rendered[1:]
        conversation = "…\n" + "\n".join(rendered)
    label, due = _due(turn, ticket)
    rating = Text("my-rating", {"stars": "⭐" * ticket.rating}) if ticket.rating else Raw("")
    body = Text(
        "my-ticket",
        {
            "number": ticket.number,
            "department": _dept_name(turn, details.department),
            "type": Text(f"type-{ticket.demand_type}"),
            "status": Text(f"status-{ticket.status}"),
            "created": format_time(ticket.created_at, tz, lang),
            "due_label": label,
            "due": due,
            "rating": rating,
            "conversation": conversation,
        },
    )
    closed_recently = (
        ticket.status == Status.CLOSED
        and ticket.closed_at is not None
        and turn.now - ticket.closed_at <= timedelta(days=turn.deps.citizen_reopen_days)
    )
    row = []
    if ticket.status == Status.ANSWERED:
        row.append(Action(_tk("resolved", ticket.id), Text("btn-resolved")))
    if ticket.status != Status.CLOSED:
        row.append(Action(_tk("followup", ticket.id), Text("btn-follow_up")))
    if closed_recently or ticket.status == Status.ANSWERED:
        row.append(Action(_tk("reopen", ticket.id), Text("btn-reopen")))
    rows = [row] if row else []
    rows.append([Action("mt:p:1", Text("btn-back_list"))])
    turn.say(body, *rows)


# -- the buttons under the desk's messages --------------------------------------------------
async def ticket_button(turn: Turn, action: str, ticket_id: int) -> None:
    state = turn.state
    svc = turn.deps.tickets(turn.session)
    actor = turn.actor
    try:
        if action == "resolved":
            await svc.confirm_resolved(ticket_id, actor)
            turn.ack(Text("tk-resolved"))
        elif action == "followup":
            details = await svc.details(ticket_id, actor)
            if details.ticket.status == Status.CLOSED:
                turn.ack(
                    Text(
                        "error-invalid_transition",
                        {
                            "action": Text("action-follow_up"),
                            "number": details.ticket.number,
                            "status": Text("status-closed"),
                        },
                    ),
                    alert=True,
                )
                return
            turn.ack()
            state.end_form()
            state.step = "follow_up"
            state.ticket = ticket_id
            state.since = turn.now
            turn.say(Text("tk-followup_prompt", {"number": details.ticket.number}))
        elif action in ("solved", "unsolved"):
            answer = await svc.answer_closure_callback(ticket_id, actor, action == "solved")
            turn.ack()
            config = turn.deps.desk.config
            turn.say(Raw(await closure_answer_text(turn.session, config, answer, turn.lang)))
        elif action == "reopen":
            ticket = await svc.reopen(ticket_id, actor)
            turn.ack()
            turn.say(Text("tk-reopened", {"number": ticket.number}))
        else:
            score = int(action[-1])
            try:
                ticket = await svc.rate(ticket_id, actor, score)
            except ValidationError as exc:
                if exc.key != "error-already_rated":
                    raise
                turn.ack(turn.error(exc), strip="tk:rate")  # a polite toast
                return
            turn.ack(Text("citizen-thanks_rating", {"number": ticket.number}), strip="tk:rate")
            state.end_form()
            state.step = "rating_comment"
            state.ticket = ticket_id
            state.score = score
            state.since = turn.now
            turn.say(
                Text("tk-comment_prompt", {"stars": "⭐" * score}),
                [Action("rc:skip", Text("btn-skip"))],
            )
    except TicketError as exc:
        turn.ack(turn.error(exc), alert=True)


async def rating_comment(turn: Turn) -> None:
    state = turn.state
    ticket_id = state.ticket
    state.end_form()
    if ticket_id is None:
        return
    try:
        await turn.deps.tickets(turn.session).comment_rating(
            ticket_id, turn.actor, turn.inbound.text
        )
    except TicketError as exc:
        turn.say(turn.error(exc))
        return
    turn.say(Text("tk-comment_thanks"))


def skip_comment(turn: Turn) -> None:
    turn.ack()
    if turn.state.step == "rating_comment":
        turn.state.end_form()
        turn.say(Text("tk-skipped"))


# -- messages for a ticket ------------------------------------------------------------------
async def open_request(turn: Turn) -> int | None:
    """The ticket whose open information request the next message answers, if any."""
    state = turn.state
    citizen = turn.citizen
    if citizen is None or citizen.id is None:
        return None
    if state.step is not None and state.step != "rating_comment":
        return None
    request = await latest_info_request(turn.session, citizen.id)
    if request is None:
        return None
    if state.answers_off is not None and request.asked_at <= state.answers_off:
        return None
    if state.step is not None and state.since is not None and request.asked_at <= state.since:
        return None  # the step began after the question: the message is for the step
    return request.ticket_id


async def skip_open_request(turn: Turn) -> bool:
    """``/cancel`` with no step in progress: stop taking the next messages as the answer to the
    open request (until the desk asks again). True when there was one."""
    citizen = turn.citizen
    if citizen is None or citizen.id is None:
        return False
    request = await latest_info_request(turn.session, citizen.id)
    if request is None:
        return False
    off = turn.state.answers_off
    if off is not None and request.asked_at <= off:
        return False
    turn.state.answers_off = request.asked_at
    return True


async def add_to_ticket(turn: Turn, ticket_id: int) -> None:
    """The message (text, or a photo / document with its caption) added to ``ticket_id``."""
    inbound = turn.inbound
    before = await turn.session.get(Ticket, ticket_id)
    waiting = before is not None and before.status == Status.WAITING_CITIZEN
    attachments: dict[str, list[str]] = {}
    if inbound.kind == "photo" and inbound.files:
        attachments["photos"] = list(inbound.files)
    elif inbound.kind == "document" and inbound.files:
        attachments["documents"] = list(inbound.files)
    try:
        ticket = await turn.deps.tickets(turn.session).follow_up(
            ticket_id, turn.actor, inbound.text, attachments=attachments
        )
    except TicketError as exc:
        turn.say(turn.error(exc))
        return
    count = sum(len(ids) for ids in attachments.values())
    extra = Text("tk-with_attachments", {"count": count}) if count else Raw("")
    if waiting:
        turn.say(Text("tk-answer_added", {"number": ticket.number, "attachments": extra}))
    else:
        turn.say(
            Text(
                "joined",
                {
                    "first": Text("citizen-followup_received", {"number": ticket.number}),
                    "rest": extra,
                },
            )
        )


async def ticket_for_message(turn: Turn) -> int | None:
    """The ticket this message is for (see the module docstring), None for a question,
    :data:`CONSUMED` for a follow-up step whose ticket is gone (nothing more to do)."""
    inbound = turn.inbound
    if not inbound.content:
        return None
    state = turn.state
    if inbound.reply_to_ticket is not None:
        if state.step in ("follow_up", "rating_comment"):
            state.end_form()
        return inbound.reply_to_ticket
    if state.step == "follow_up":
        ticket_id = state.ticket
        state.end_form()
        return ticket_id if ticket_id is not None else CONSUMED
    found = await open_request(turn)
    if found is not None and state.step is not None:  # a rating comment the question came after
        state.end_form()
    return found
