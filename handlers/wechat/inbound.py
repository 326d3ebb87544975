"""What a follower did, as the dialogue reads it (:func:`intake`).

* text: a command (``/mytickets``…), a digit answering the numbered options of the last message
  with choices (or a tap on a ``msgmenu`` link: WeChat sends its ``bizmsgmenuid``) -> that
  choice, a phone number while the request form asks for one -> the shared contact, else the
  text (a question, a form step…);
* image -> a photo whose file id is ``wechat:<MediaId>`` (staff open it in the console, which
  fetches it from WeChat while WeChat keeps it: three days);
* voice -> its text when WeChat recognised it (``Recognition``), else the polite "please type"
  hint; video, links and the rest -> the dialogue's "text please" hint;
* location -> a location (kept for the next request, or added to the one being written);
* events: ``subscribe`` -> ``/start`` (the welcome and the privacy notice), with the QR code's
  scene string as its payload (``qrscene_faq-12`` -> ``faq-12``, like Telegram's deep links);
  ``SCAN`` of a QR code -> ``/start <scene>``; a menu ``CLICK`` -> the command of that name
  (``mytickets``, ``new``…) or ``/start <key>`` (``faq-12``…); ``unsubscribe`` -> the follower
  is marked; ``VIEW`` and location reports -> nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from handlers.dialogue.conversation import COMMANDS
from handlers.dialogue.model import Inbound
from handlers.wechat.render import SAY
from handlers.wechat.wire import WxMessage

__all__ = ["Intake", "intake"]

Kind = Literal["dialogue", "voice", "unsubscribe", "ignore"]
INTERACTIVE_EVENTS = frozenset({"subscribe", "scan", "click", "scancode_push", "scancode_waitmsg"})
MENU_COMMANDS = frozenset({*COMMANDS, "cancel"})
_PHONE = re.compile(r"^\+?[\d\s\-()]{7,24}$")
MEDIA_PREFIX = "wechat:"


@dataclass(frozen=True)
class Intake:
    kind: Kind
    inbound: Inbound | None = None
    interactive: bool = False  # opens the 48-hour customer-service window


def _digit(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().rstrip(".。、").strip()


def _is_phone(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return bool(_PHONE.match(text.strip())) and 7 <= digits <= 15


def _text(text: str, key: int, options: Mapping[str, str], step: str | None) -> Inbound:
    choice = options.get(_digit(text)) if len(text) <= 8 else None
    if choice is not None:
        if choice.startswith(SAY):
            return Inbound("text", text=choice[len(SAY) :], key=key)
        return Inbound("press", action=choice, key=key)
    if text.startswith("/"):
        head, _, args = text.partition(" ")
        name = head[1:].partition("@")[0].lower()
        return Inbound("command", text=args.strip(), command=name, key=key)
    if step == "phone" and _is_phone(text):
        return Inbound("contact", phone=text.strip(), own_phone=True, key=key)
    return Inbound("text", text=text, key=key)


def _start(payload: str, key: int) -> Inbound:
    return Inbound("command", text=payload.strip(), command="start", key=key)


def intake(message: WxMessage, options: Mapping[str, str], step: str | None) -> Intake:
    """What ``message`` is for the desk (see the module docstring)."""
    key = message.number
    kind = message.msg_type
    if kind == "text":
        menu = message.text("bizmsgmenuid")
        if menu and menu in options:
            return Intake("dialogue", _text(menu, key, options, step), True)
        return Intake("dialogue", _text(message.text("Content"), key, options, step), True)
    if kind == "image":
        media = message.text("MediaId")
        files = (MEDIA_PREFIX + media,) if media else ()
        return Intake("dialogue", Inbound("photo", files=files, key=key), True)
    if kind == "voice":
        said = message.text("Recognition").strip()
        if said:
            return Intake("dialogue", _text(said, key, options, step), True)
        return Intake("voice", interactive=True)
    if kind == "location":
        try:
            where = (float(message.text("Location_X")), float(message.text("Location_Y")))
        except ValueError:
            return Intake("dialogue", Inbound("other", key=key), True)
        return Intake("dialogue", Inbound("location", location=where, key=key), True)
    if kind != "event":
        return Intake("dialogue", Inbound("other", key=key), True)
    event = message.event
    event_key = message.text("EventKey")
    if event == "subscribe":
        return Intake("dialogue", _start(event_key.removeprefix("qrscene_"), key), True)
    if event == "unsubscribe":
        return Intake("unsubscribe")
    if event == "scan":
        return Intake("dialogue", _start(event_key, key), True)
    if event == "click":
        name = event_key.strip().lower()
        if name in MENU_COMMANDS:
            return Intake("dialogue", Inbound("command", command=name, key=key), True)
        return Intake("dialogue", _start(event_key, key), True)
    return Intake("ignore", interactive=event in INTERACTIVE_EVENTS)
