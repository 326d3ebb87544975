"""Questions: the FAQ's answer with "did this help?", suggestions, or the offer to send the
question to a department; the buttons under them (``fq:<action>:<key>:<index>``); and what a
person sends outside a request (a photo, a file, a location: kept for the next request).

Buttons: ``y`` helpful, ``n`` not helpful, ``p`` pick suggestion ``index``, ``x`` none of these,
``t`` send it to a department (the request form), ``k`` no thanks. ``key`` is the question's
message id; the conversation remembers the last few questions (older buttons say so politely).
"""

from __future__ import annotations

from faq import Entry, MatchResult
from faq.display import question_for
from faq.lexicon import is_chitchat
from handlers.dialogue import form
from handlers.dialogue.model import Action, Raw, Text
from handlers.dialogue.state import Location, Pending, RecentQuestion
from handlers.dialogue.turn import Turn
from tickets.faq_feedback import record_feedback
from tickets.gaps import record_unanswered
from tickets.intake import text_for_matching

__all__ = [
    "ask",
    "faq_button",
    "keep_attachment",
    "offer_ticket_actions",
    "send_entry",
    "show_entry_from_link",
]

SUGGESTION_LABEL = 60  # characters of a suggested question on its button


def _faq(action: str, key: int, idx: int = 0) -> str:
    return f"fq:{action}:{key}:{idx}"


def helpful_actions(key: int) -> list[Action]:
    return [
        Action(_faq("y", key), Text("btn-helpful_yes")),
        Action(_faq("n", key), Text("btn-helpful_no")),
    ]


def offer_ticket_actions(key: int) -> list[Action]:
    return [
        Action(_faq("t", key), Text("btn-submit_question")),
        Action(_faq("k", key), Text("btn-no_thanks")),
    ]


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _answer(entry: Entry, lang: str) -> Text:
    links = Text("faq-links", {"links": "\n".join(entry.links)}) if entry.links else Raw("")
    return Text("faq-answer", {"answer": entry.answer_for(lang).strip(), "links": links})


def send_entry(turn: Turn, entry: Entry, key: int, *, quote: bool = False) -> None:
    """An entry's answer with "did this help?"; an expired one with a note that it may be
    outdated and the offer to send the question to the department instead."""
    if entry.expired(turn.today):
        turn.say(
            Text("faq-outdated_answer", {"answer": _answer(entry, turn.lang)}),
            offer_ticket_actions(key),
            quote=quote,
        )
        return
    turn.say(_answer(entry, turn.lang), helpful_actions(key), quote=quote)


async def ask(turn: Turn) -> None:
    """A question typed outside any step."""
    text = turn.inbound.text.strip()
    if is_chitchat(text):  # also an empty or whitespace-only message
        turn.say(Text("chitchat"))
        return
    kb = turn.deps.knowledge
    lang = turn.lang
    key = turn.inbound.key
    result = (
        await kb.amatch(text_for_matching(text), lang, today=turn.today) if kb is not None else None
    )
    asked = RecentQuestion(
        text=text,
        lang=lang,
        entry=result.entry_id if result else None,
        score=result.score if result else None,
        cands=[c.id for c in result.candidates] if result else [],
    )
    if kb is not None and result is not None and result.decision == "answer" and result.entry_id:
        turn.state.remember(key, asked)
        turn.say(_answer(kb.get(result.entry_id), lang), helpful_actions(key), quote=True)
        return
    if kb is not None and result is not None and result.decision == "suggest":
        entries = [kb.get(c.id) for c in result.candidates if c.id in kb]
        if entries:
            asked.cands = [e.id for e in entries]
            turn.state.remember(key, asked)
            rows = [
                [
                    Action(
                        _faq("p", key, i),
                        Raw(_short(question_for(e, lang, text), SUGGESTION_LABEL)),
                    )
                ]
                for i, e in enumerate(entries)
            ]
            rows.append([Action(_faq("x", key), Text("btn-none_of_these"))])
            prompt = "faq-suggest_outdated" if result.outdated else "faq-suggest"
            turn.say(Text(prompt), *rows, quote=True)
            return
    asked.gap = await _record_gap(turn, asked, "none", result)
    turn.state.remember(key, asked)
    turn.say(Text("faq-none"), offer_ticket_actions(key))


async def _record_gap(
    turn: Turn, asked: RecentQuestion, decision: str, result: MatchResult | None = None
) -> int | None:
    best = asked.entry or (asked.cands[0] if asked.cands else None)
    row = await record_unanswered(
        turn.session,
        text=asked.text,
        lang=asked.lang,
        decision=decision,
        now=turn.now,
        best_entry_id=best,
        score=result.score if result is not None else asked.score,
    )
    return row.id


def show_entry_from_link(turn: Turn, entry: Entry) -> None:
    """``/start faq-<id>`` (a QR code on a poster): that answer, remembered like a question."""
    key = turn.inbound.key
    turn.state.remember(
        key,
        RecentQuestion(
            text=question_for(entry, turn.lang), lang=turn.lang, entry=entry.id, score=100.0
        ),
    )
    send_entry(turn, entry, key)


async def faq_button(turn: Turn, action: str, key: int, idx: int) -> None:
    """The buttons under an answer, a suggestion list or the offer of a ticket."""
    asked = turn.state.recall(key)
    kb = turn.deps.knowledge
    if asked is None:
        turn.ack(Text("faq-expired"), alert=True)
        return
    if action in ("y", "n") and not asked.feedback:  # 👍 / 👎, counted once per answer
        await record_feedback(turn.session, asked.entry, helpful=action == "y", now=turn.now)
        asked.feedback = True
    if action == "y":
        turn.ack()
        turn.state.forget(key)
        turn.say(Text("faq-glad"))
    elif action == "n":
        turn.ack()
        if asked.gap is None:
            asked.gap = await _record_gap(turn, asked, "not_helpful")
        turn.state.remember(key, asked)
        dept = None
        if kb is not None and asked.entry and asked.entry in kb:
            dept = turn.deps.desk.config.get(kb.get(asked.entry).department or "")
        text = (
            Text("faq-not_helpful", {"department": dept.name_for(turn.lang)})
            if dept is not None
            else Text("faq-not_helpful_nodept")
        )
        turn.say(text, offer_ticket_actions(key))
    elif action == "p":
        if kb is None or not 0 <= idx < len(asked.cands) or asked.cands[idx] not in kb:
            turn.ack(Text("faq-expired"), alert=True)
            return
        turn.ack()
        entry = kb.get(asked.cands[idx])
        asked.entry = entry.id
        asked.feedback = False
        turn.state.remember(key, asked)
        send_entry(turn, entry, key)
    elif action == "x":
        turn.ack()
        if asked.gap is None:
            asked.gap = await _record_gap(turn, asked, "suggest")
            turn.state.remember(key, asked)
        turn.say(Text("faq-none"), offer_ticket_actions(key))
    elif action == "t":
        turn.ack()
        turn.state.forget(key)
        await form.start(turn, text=asked.text, faq_entry=asked.entry, gap_id=asked.gap)
    elif action == "k":
        turn.ack()
        turn.state.forget(key)
        turn.say(Text("faq-no_ticket"))
    else:
        turn.ack(Text("stale"))


def keep_attachment(turn: Turn) -> None:
    """A photo, file or location outside a request: kept, so "Submit a request" attaches it."""
    inbound = turn.inbound
    pending = turn.state.pending or Pending()
    if inbound.kind == "photo" and inbound.files:
        pending.photos = [*pending.photos, *inbound.files][-form.MAX_PHOTOS :]
        hint = "hint-photo"
    elif inbound.kind == "document" and inbound.files:
        pending.documents = [*pending.documents, *inbound.files][-form.MAX_DOCUMENTS :]
        hint = "hint-document"
    elif inbound.kind == "location" and inbound.location is not None:
        pending.location = Location(latitude=inbound.location[0], longitude=inbound.location[1])
        hint = "hint-location"
    else:
        return
    turn.state.pending = pending
    turn.say(Text(hint), [Action("tf:new:", Text("btn-new_with_attachment"))])
