"""The person and the desk: the welcome (and the deep links of posters), help, language, "my
data" and erasing it (``del:yes`` / ``del:no``), cancelling, unknown commands."""

from __future__ import annotations

from handlers.dialogue import ask, form, mytickets, subscribe
from handlers.dialogue.model import Action, Raw, Text, render
from handlers.dialogue.turn import Turn
from handlers.notify.format import format_time
from tickets.announce import subscriptions_of
from tickets.people.citizens import erase_citizen, export_citizen_data, set_language

__all__ = ["start"]


async def start(turn: Turn, payload: str) -> None:
    """``/start [payload]``: ``faq-<entry id>`` shows that answer, ``dept-<slug>`` starts a
    request to that department, ``sub-<topic>`` offers that announcement topic, anything else (or nothing) the welcome."""
    turn.state.end_form()
    await turn.ensure_citizen()
    payload = payload.strip()
    kb = turn.deps.knowledge
    if payload.startswith("faq-") and kb is not None and payload[4:] in kb:
        ask.show_entry_from_link(turn, kb.get(payload[4:]))
        return
    if payload.startswith(subscribe.DEEP_LINK_PREFIX):
        await subscribe.deep_link(turn, payload[len(subscribe.DEEP_LINK_PREFIX) :])
        return
    if payload.startswith("dept-") and turn.deps.desk.config.get(payload[5:]) is not None:
        await form.start(turn, department=payload[5:])
        return
    first = turn.person.first_name
    if turn.lang == "zh":
        name = f"，{first}" if first else ""
    else:
        name = f" {first}" if first else ""
    turn.say(Text("welcome", {"name": name, "privacy": Text("privacy"), "menu": Text("menu")}))


def help_text(turn: Turn) -> None:
    turn.say(Text("help", {"menu": Text("menu")}))


def unknown_command(turn: Turn) -> None:
    turn.say(Text("unknown_command", {"menu": Text("menu")}))


def language_prompt(turn: Turn) -> None:
    turn.say(
        Text("language-prompt"), [Action("lang:zh", Raw("中文")), Action("lang:en", Raw("English"))]
    )


async def language_chosen(turn: Turn, code: str) -> None:
    if code not in ("zh", "en"):
        turn.ack(Text("stale"))
        return
    citizen = await turn.ensure_citizen()
    await set_language(turn.session, citizen, code)
    turn.lang = code
    turn.ack()
    turn.say(Text("language-set"))


async def cancel(turn: Turn) -> None:
    """``/cancel`` (or a cancel word) anywhere: leave whatever step the person is in; with none,
    stop taking the next messages as the answer to an open request for information."""
    if turn.state.step is None:
        if await mytickets.skip_open_request(turn):
            turn.say(Text("tk-answer_skipped"))
            return
        turn.say(Text("flow-nothing_to_cancel"))
        return
    form.cancel(turn)


async def my_data(turn: Turn) -> None:
    citizen = turn.citizen
    if citizen is None:
        turn.say(Text("data-none"))
        return
    data = await export_citizen_data(turn.session, citizen)
    tz, lang = turn.deps.tz, turn.lang
    unset = Text("data-unset")
    tickets = ", ".join(
        f"{s.number} ({render(Text(f'status-{s.status}'), lang)})" for s in data.tickets
    )
    user_id = data.telegram_user_id
    topics = turn.deps.desk.config.topics
    assert citizen.id is not None
    subscribed = ", ".join(
        topics[s].name_for(lang) if s in topics else s
        for s in await subscriptions_of(turn.session, citizen.id)
    )
    turn.say(
        Text(
            "data-show",
            {
                "user_id": user_id if user_id is not None else unset,
                "name": data.display_name or unset,
                "phone": data.phone or unset,
                "consent": format_time(data.consent_at, tz, lang) if data.consent_at else unset,
                "language": data.language or Text("data-lang_auto"),
                "created": format_time(data.created_at, tz, lang),
                "seen": format_time(data.last_seen_at, tz, lang),
                "tickets": tickets or unset,
                "subscriptions": subscribed or unset,
                "privacy": Text("privacy"),
            },
        )
    )


def delete_prompt(turn: Turn) -> None:
    if turn.citizen is None:
        turn.say(Text("data-none"))
        return
    turn.say(
        Text("delete-confirm"),
        [Action("del:yes", Text("btn-delete_yes")), Action("del:no", Text("btn-delete_no"))],
    )


async def delete_button(turn: Turn, action: str) -> None:
    citizen = turn.citizen
    if action != "yes" or citizen is None:
        turn.ack()
        turn.say(Text("delete-kept" if action != "yes" else "data-none"))
        return
    count = await erase_citizen(
        turn.session, citizen, now=turn.now, question_ids=turn.state.gap_ids()
    )
    turn.state = type(turn.state)()  # nothing of the conversation stays
    turn.citizen = None
    # Queued after the erasure (which deleted everything queued for this person) and
    # transient: deleted as soon as delivered, so nothing addressed to them stays behind.
    turn.ack(transient=True)
    turn.say(Text("delete-done", {"tickets": count}), transient=True)
