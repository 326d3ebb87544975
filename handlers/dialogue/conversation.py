"""The citizen conversation, channel-neutral: :meth:`Dialogue.handle` takes what a person did
(:class:`~handlers.dialogue.model.Inbound`) with their stored
:class:`~handlers.dialogue.state.Conversation` and returns what to answer
(:class:`~handlers.dialogue.model.Outcome`) and the conversation to store.

Messages are taken in this order (each by the first rule that fits):

1. ``/cancel`` or a cancel word typed alone ("取消", "cancel"…): leave the step;
2. a message for a ticket (:func:`handlers.dialogue.mytickets.ticket_for_message`: a reply to
   the desk's message about a ticket, a follow-up, the answer to an open information request);
3. the request form's steps (text, attachments, the shared phone); commands leave the form's
   text steps alone and are taken as commands;
4. commands: ``/start [payload]``, ``/help``, ``/new``, ``/language``, ``/mytickets``,
   ``/mydata``, ``/deleteme``, ``/subscribe``; any other command gets the menu;
5. a rating's comment; in a follow-up step, anything that is not text, a photo or a file gets
   the "please write" hint;
6. a question (the FAQ); a photo, file or location kept for the next request; a contact or
   anything else gets a hint.

Buttons (``Inbound.action``): ``tf:`` the form, ``fq:`` FAQ answers, ``mt:`` my tickets,
``lang:`` language, ``del:`` erasure, ``sub:`` announcement subscriptions, ``rc:skip`` the rating's comment, ``tk:<action>:<id>`` the
citizen's ticket buttons. Any other id is not the citizen conversation's (``handled`` False).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.dialogue import account, ask, form, mytickets, subscribe
from handlers.dialogue.flood import FloodGuard
from handlers.dialogue.model import Inbound, Outcome, Person, Text
from handlers.dialogue.state import FORM_STEPS, Conversation
from handlers.dialogue.turn import Turn
from locales import choose_lang
from tickets.models import Citizen
from tickets.people.citizens import find_citizen

if TYPE_CHECKING:
    from handlers.deps import Deps

__all__ = ["Dialogue"]

_TK = re.compile(r"^tk:(resolved|followup|reopen|rate[1-5]|solved|unsolved):(\d{1,19})$")
_FAQ = re.compile(r"^fq:([a-z]):(-?\d{1,19})(?::(\d{1,3}))?$")
_MY = re.compile(r"^mt:([a-z]):(\d{1,19})$")
_TF = re.compile(r"^tf:([a-z]{1,16}):([a-z0-9-]{0,56})$")
_SUB = re.compile(r"^sub:(on|off|yes|no):([a-z0-9-]{1,48})$")


class Dialogue:
    """The citizen conversation (see the module docstring); one per process."""

    def __init__(self, flood: FloodGuard | None = None) -> None:
        self.flood = flood if flood is not None else FloodGuard()

    async def handle(
        self,
        session: AsyncSession,
        deps: Deps,
        person: Person,
        state: Conversation,
        inbound: Inbound,
        *,
        citizen: Citizen | None = None,
    ) -> tuple[Outcome, Conversation]:
        now = deps.clock.now()
        identity = person.identity
        if citizen is None:
            citizen = await find_citizen(session, identity.channel, identity.external_id)
        text = inbound.text if inbound.kind != "press" else None
        lang = choose_lang(citizen.language if citizen else None, person.language_code, text)
        out = Outcome(lang=lang)
        turn = Turn(session, deps, person, citizen, lang, state, inbound, out, now)
        if inbound.kind == "press" and not _is_ours(inbound.action or ""):
            out.handled = False
            return out, state
        verdict = self.flood.check((identity.channel, identity.external_id), now, inbound.album)
        if verdict != "ok":
            if verdict == "warn":
                seconds = int(self.flood.window.total_seconds())
                turn.say(Text("flood", {"seconds": seconds}))
            if inbound.kind == "press":
                turn.ack()
            return out, state
        if inbound.kind == "press":
            await _press(turn, inbound.action or "")
        else:
            await _message(turn)
        out.lang = turn.lang
        return out, turn.state


def _is_ours(action: str) -> bool:
    if action.startswith(("tf:", "fq:", "mt:", "lang:", "del:", "sub:")) or action == "rc:skip":
        return True
    return bool(_TK.match(action))


async def _press(turn: Turn, action: str) -> None:
    if action.startswith("tf:"):
        m = _TF.match(action)
        if m is None:
            turn.ack(Text("stale"), alert=True)
            return
        await form.button(turn, m.group(1), m.group(2))
    elif action.startswith("fq:"):
        m = _FAQ.match(action)
        if m is None:
            turn.ack(Text("stale"))
            return
        await ask.faq_button(turn, m.group(1), int(m.group(2)), int(m.group(3) or 0))
    elif action.startswith("mt:"):
        m = _MY.match(action)
        if m is None:
            turn.ack(Text("stale"))
            return
        await mytickets.my_button(turn, m.group(1), int(m.group(2)))
    elif action.startswith("lang:"):
        await account.language_chosen(turn, action[5:])
    elif action.startswith("del:"):
        await account.delete_button(turn, action[4:])
    elif action.startswith("sub:"):
        m = _SUB.match(action)
        if m is None:
            turn.ack(Text("stale"))
            return
        await subscribe.press(turn, m.group(1), m.group(2))
    elif action == "rc:skip":
        mytickets.skip_comment(turn)
    else:
        m = _TK.match(action)
        assert m is not None
        await mytickets.ticket_button(turn, m.group(1), int(m.group(2)))


COMMANDS = ("start", "help", "new", "language", "mytickets", "mydata", "deleteme", "subscribe")


async def _message(turn: Turn) -> None:
    inbound = turn.inbound
    state = turn.state
    if state.step in FORM_STEPS and state.draft is None:  # a form that lost its draft
        state.end_form()
    if inbound.command == "cancel" or (
        inbound.kind == "text" and form.is_cancel_word(inbound.text)
    ):
        await account.cancel(turn)
        return
    ticket_id = await mytickets.ticket_for_message(turn)
    if ticket_id == mytickets.CONSUMED:
        return
    if ticket_id is not None:
        await mytickets.add_to_ticket(turn, ticket_id)
        return
    if state.in_form and inbound.kind != "command":
        if state.step == "phone" and inbound.kind == "contact":
            await form.contact(turn)
        elif inbound.kind == "text":
            await form.text_in_form(turn)
        else:
            await form.attachment_in_form(turn)
        return
    if inbound.kind == "command":
        await _command(turn, inbound.command or "")
        return
    if state.step == "rating_comment" and inbound.kind == "text":
        await mytickets.rating_comment(turn)
        return
    if state.step == "follow_up":
        turn.say(Text("hint-other"))
        return
    if inbound.kind == "text":
        await ask.ask(turn)
    elif inbound.kind in ("photo", "document", "location"):
        ask.keep_attachment(turn)
    elif inbound.kind == "contact":
        turn.say(Text("hint-contact"))
    else:
        turn.say(Text("hint-other"))


async def _command(turn: Turn, command: str) -> None:
    if command == "start":
        await account.start(turn, turn.inbound.text)
    elif command == "help":
        account.help_text(turn)
    elif command == "new":
        await form.start(turn)
    elif command == "language":
        account.language_prompt(turn)
    elif command == "mytickets":
        await mytickets.ticket_list(turn, 1)
    elif command == "mydata":
        await account.my_data(turn)
    elif command == "deleteme":
        account.delete_prompt(turn)
    elif command == "subscribe":
        await subscribe.topic_list(turn)
    else:
        account.unknown_command(turn)
