"""The dialogue's replies as WeChat messages: no inline keyboards, so the choices become numbered
options ("1 …", "2 …") the follower answers with a digit; as customer-service messages, up to
ten short choices are also sent as a ``msgmenu`` (WeChat shows them as links that send the
choice back).

:class:`WxText` is one message: its text and its options (the action each number stands for,
with its label). It is stored in the outbox as ``{"text", "options"}`` (method ``custom``, or
``passive`` once given as the passive reply); messages the ticket service queues (method
``message``: ``{"text", "reply_markup": {"inline_keyboard"}}`` or ``{"text", "actions"}``) are
read the same way. The number -> action mapping is stored on the follower when the message is
delivered (:func:`handlers.wechat.state.set_options`), so the next digit they reply is that
action.

A few of the dialogue's texts speak of Telegram (its ID, its contact button): they are swapped
for WeChat's (:data:`WECHAT_TEXTS`); the dialogue itself stays channel-neutral.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from handlers.dialogue.model import Outcome, Raw, Text, Words, render
from locales import choose_lang, t

__all__ = [
    "SAY",
    "TEXT_LIMIT",
    "WECHAT_TEXTS",
    "WxText",
    "custom_body",
    "from_payload",
    "numbered",
    "render_outcome",
]

TEXT_LIMIT = 2048  # bytes of a text message (passive reply or customer-service message)
MENU_MAX = 10  # choices a msgmenu shows
MENU_LABEL = 30  # characters of a msgmenu choice
MENU_HEAD = 1500  # bytes of text above a msgmenu
SAY = "say:"  # an option that sends a text (not an action), e.g. "No phone number"

WECHAT_TEXTS = {
    "privacy": "wx-privacy",
    "data-show": "wx-data_show",
    "data-lang_auto": "wx-data_lang_auto",
    "delete-confirm": "wx-delete_confirm",
    "flow-phone_consent": "wx-phone_consent",
    "flow-phone_use_button": "wx-phone_use_reply",
    "flow-phone_not_own": "wx-phone_use_reply",
    "hint-contact": "wx-hint_contact",
}


@dataclass(frozen=True)
class WxText:
    """One WeChat message: its text and the options numbered 1, 2… (value, label)."""

    text: str
    options: tuple[tuple[str, str], ...] = ()
    transient: bool = False
    lang: str | None = None

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"text": self.text}
        if self.options:
            body["options"] = [list(o) for o in self.options]
        if self.lang:
            body["lang"] = self.lang
        return body

    @property
    def mapping(self) -> dict[str, str]:
        """The follower's digit -> the option's value."""
        return {str(n): value for n, (value, _label) in enumerate(self.options, 1)}

    @property
    def language(self) -> str:
        return self.lang or choose_lang(None, None, self.text)


def from_payload(payload: Mapping[str, Any]) -> WxText:
    """A stored row's message: the channel's own (``options``) or the ticket service's
    (``reply_markup.inline_keyboard`` / ``actions``)."""
    text = str(payload.get("text") or "")
    options: list[tuple[str, str]] = []
    for item in payload.get("options") or []:
        if isinstance(item, list | tuple) and len(item) == 2:
            options.append((str(item[0]), str(item[1])))
    for item in payload.get("actions") or []:
        if isinstance(item, Mapping) and item.get("id"):
            options.append((str(item["id"]), str(item.get("label") or item["id"])))
    markup = payload.get("reply_markup")
    rows = markup.get("inline_keyboard") if isinstance(markup, Mapping) else None
    for row in rows or []:
        for button in row if isinstance(row, list) else []:
            if isinstance(button, Mapping) and button.get("callback_data"):
                options.append((str(button["callback_data"]), str(button.get("text") or "")))
    lang = payload.get("lang")
    return WxText(text, tuple(options), lang=lang if isinstance(lang, str) else None)


def _rewrite(words: Words, openid: str) -> Words:
    """The dialogue's texts with WeChat's wording where Telegram's would be wrong."""
    if isinstance(words, Raw):
        return words
    params = {
        name: _rewrite(value, openid) if isinstance(value, Text | Raw) else value
        for name, value in words.params.items()
    }
    key = WECHAT_TEXTS.get(words.key, words.key)
    if words.key == "data-show":
        params["user_id"] = openid
    return Text(key, params)


def _options_block(options: Iterable[tuple[str, str]], lang: str) -> str:
    lines = [f"{n}. {label}" for n, (_value, label) in enumerate(options, 1)]
    return "\n".join([*lines, t(lang, "wx-choose_hint")])


def numbered(message: WxText) -> str:
    """The text with its options as numbered lines (a passive reply, or a text message)."""
    if not message.options:
        return message.text
    block = _options_block(message.options, message.language)
    return f"{message.text}\n\n{block}" if message.text.strip() else block


def custom_body(message: WxText) -> dict[str, Any]:
    """The customer-service message (``touser`` added by the sender): a msgmenu for up to ten
    short choices under a short text, else a text with numbered options."""
    options = message.options
    if (
        0 < len(options) <= MENU_MAX
        and all(len(label) <= MENU_LABEL for _value, label in options)
        and len(message.text.encode()) <= MENU_HEAD
    ):
        return {
            "msgtype": "msgmenu",
            "msgmenu": {
                "head_content": message.text,
                "list": [
                    {"id": str(n), "content": f"{n}. {label}"}
                    for n, (_value, label) in enumerate(options, 1)
                ],
                "tail_content": t(message.language, "wx-choose_hint"),
            },
        }
    return {"msgtype": "text", "text": {"content": numbered(message)}}


def _cut(text: str, limit: int) -> tuple[str, str]:
    """The longest head of ``text`` within ``limit`` bytes, cut at a line break if possible."""
    if len(text.encode()) <= limit:
        return text, ""
    head = text.encode()[:limit].decode("utf-8", errors="ignore")
    at = head.rfind("\n")
    if at > len(head) // 2:
        head = head[:at]
    return head.rstrip(), text[len(head) :].lstrip("\n")


def split(message: WxText, limit: int = TEXT_LIMIT) -> list[WxText]:
    """``message`` as messages within WeChat's text limit; the options go with the last."""
    block = len(_options_block(message.options, message.language).encode()) + 2
    if not message.options:
        block = 0
    parts: list[str] = []
    rest = message.text
    while len(rest.encode()) + block > limit:
        head, rest = _cut(rest, limit)
        parts.append(head)
        if not rest:
            break
    parts.append(rest)  # the last part (maybe only the options)
    last = len(parts) - 1
    return [
        WxText(
            part,
            message.options if i == last else (),
            transient=message.transient,
            lang=message.lang,
        )
        for i, part in enumerate(parts)
    ]


def render_outcome(outcome: Outcome, *, openid: str) -> list[WxText]:
    """The dialogue's outcome as WeChat messages: the answer to a choice and every reply
    joined into one message (a passive reply carries one), split only when too long."""
    lang = outcome.lang
    parts: list[str] = []
    options: list[tuple[str, str]] = []
    transient = False
    ack = outcome.ack
    if ack is not None and ack.text is not None:
        parts.append(render(_rewrite(ack.text, openid), lang))
        transient = transient or ack.transient
    for reply in outcome.replies:
        parts.append(render(_rewrite(reply.text, openid), lang))
        options += [(a.id, render(a.label, lang)) for row in reply.actions for a in row]
        if reply.ask_contact:
            parts.append(t(lang, "wx-phone_hint"))
            no_phone = t(lang, "btn-no_phone")
            options.append((SAY + no_phone, no_phone))
        transient = transient or reply.transient
    text = "\n\n".join(p.strip() for p in parts if p and p.strip())
    if not text:
        return []
    return split(WxText(text, tuple(options), transient=transient, lang=lang))
