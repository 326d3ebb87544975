"""What the dialogue takes in and gives back: plain data, the same for every channel.

A channel adapter (Telegram's :mod:`handlers.telegram.citizen`, the web chat, WeChat) turns what
a person did into an :class:`Inbound` and renders the :class:`Outcome`: each :class:`Reply` is a
message key with its parameters (or a text the person or the knowledge base wrote) and rows of
:class:`Action` s, buttons whose ``id`` the channel hands back when pressed (Telegram puts it in
``callback_data``, so an id is at most 64 bytes; the web chat posts it; WeChat numbers them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from locales import t
from tickets.people.citizens import Identity

__all__ = [
    "MAX_ACTION_ID",
    "Ack",
    "Action",
    "Inbound",
    "InboundKind",
    "Outcome",
    "Person",
    "Raw",
    "Reply",
    "Text",
    "render",
]

MAX_ACTION_ID = 64  # bytes: Telegram's callback_data limit, the strictest channel


@dataclass(frozen=True, slots=True)
class Text:
    """A message of the catalogue: ``key`` with ``params`` (a parameter may itself be a
    :class:`Text` or :class:`Raw`, rendered in the same language)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Raw:
    """Words not from the catalogue: an FAQ answer, a department's name, a ticket number."""

    text: str


Words = Text | Raw


def render(words: Words, lang: str) -> str:
    """The text of ``words`` in ``lang``."""
    if isinstance(words, Raw):
        return words.text
    params = {
        name: render(value, lang) if isinstance(value, Text | Raw) else value
        for name, value in words.params.items()
    }
    return t(lang, words.key, **params)


@dataclass(frozen=True, slots=True)
class Action:
    """A button: ``id`` comes back when it is pressed; ``label`` is what it says."""

    id: str
    label: Words

    def __post_init__(self) -> None:
        if len(self.id.encode()) > MAX_ACTION_ID:
            raise ValueError(f"action id longer than {MAX_ACTION_ID} bytes: {self.id!r}")


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to the person.

    ``actions``: rows of buttons. ``quote``: answer the person's message (Telegram's reply).
    ``ask_contact``: offer the channel's way to share a phone number (Telegram's contact button
    with a "no phone" choice; the web chat's phone or e-mail field). ``clear_keyboard``: take
    such an offer away. ``transient``: delete the queued copy once delivered (erasure)."""

    text: Words
    actions: tuple[tuple[Action, ...], ...] = ()
    quote: bool = False
    ask_contact: bool = False
    clear_keyboard: bool = False
    transient: bool = False


@dataclass(frozen=True, slots=True)
class Ack:
    """The answer to a pressed button: an optional short note (``alert``: one that must be
    dismissed), and ``strip``: take the buttons whose ids start with it off the message
    pressed (a rating is given once)."""

    text: Words | None = None
    alert: bool = False
    strip: str | None = None
    transient: bool = False


InboundKind = Literal[
    "text", "command", "press", "photo", "document", "location", "contact", "other"
]


@dataclass(frozen=True, slots=True)
class Inbound:
    """What the person did.

    ``text``: the text, a caption, or a command's arguments. ``key``: the channel's id of the
    message (a question is remembered under it, for its buttons). ``reply_to_ticket``: the
    message answers one the desk sent about that ticket (Telegram's reply). ``email``: a contact
    given as an e-mail address (the web chat's contact field). ``files``: the
    channel's ids of a photo or a document. ``own_phone``: a shared contact is the person's
    own. ``album``: the group a photo belongs to (an album counts once for flood control)."""

    kind: InboundKind
    text: str = ""
    command: str | None = None
    action: str | None = None
    key: int = 0
    reply_to_ticket: int | None = None
    files: tuple[str, ...] = ()
    location: tuple[float, float] | None = None
    phone: str | None = None
    email: str | None = None
    own_phone: bool = True
    album: str | None = None

    @property
    def content(self) -> bool:
        """A message that can answer a request for information: text (not a command), a
        photo or a document."""
        return self.kind in ("text", "photo", "document")


@dataclass(frozen=True, slots=True)
class Person:
    """Who wrote, as the channel knows them."""

    identity: Identity
    first_name: str | None = None
    last_name: str | None = None
    language_code: str | None = None


@dataclass
class Outcome:
    """What the dialogue did: the replies in order, the answer to a pressed button, the
    language to render them in, and ``handled`` False when nothing here takes the input (the
    channel may pass it on)."""

    replies: list[Reply] = field(default_factory=list)
    ack: Ack | None = None
    handled: bool = True
    lang: str = "zh"  # the language to render in (a language just chosen counts)

    def say(self, text: Words, *rows: Sequence[Action], **options: Any) -> None:
        self.replies.append(Reply(text, tuple(tuple(r) for r in rows), **options))
