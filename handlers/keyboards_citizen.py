"""Callback data and keyboards of the citizen conversation (every callback < 64 bytes).

Prefixes: ``fq`` FAQ feedback and suggestions, ``tf`` the ticket form, ``mt`` my tickets,
``lang`` language, ``del`` data erasure. Ticket actions use the domain's ``tk:<action>:<id>``
(:mod:`tickets.texts`).
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from locales import t
from tickets.config.desk import DeskConfig
from tickets.lifecycle import DEMAND_TYPES
from tickets.texts import callback


class FaqCb(CallbackData, prefix="fq"):
    """``action``: y helpful, n not helpful, p pick suggestion ``idx``, x none of these,
    t submit as ticket, k no thanks. ``key`` is the citizen's question message id."""

    action: str
    key: int
    idx: int = 0


class FlowCb(CallbackData, prefix="tf"):
    """The ticket form: dept / type (show choices), setdept / settype (value), urgent (on |
    off), phone, submit, cancel, new (start a request, keeping a photo, file or location sent
    just before)."""

    action: str
    value: str = ""


class MyCb(CallbackData, prefix="mt"):
    action: str  # p: list page, v: view ticket
    value: int


class LangCb(CallbackData, prefix="lang"):
    code: str


class DeleteCb(CallbackData, prefix="del"):
    action: str  # yes | no


class RateCommentCb(CallbackData, prefix="rc"):
    action: str  # skip


def _kb(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _btn(text: str, data: CallbackData | str) -> InlineKeyboardButton:
    packed = data if isinstance(data, str) else data.pack()
    return InlineKeyboardButton(text=text, callback_data=packed)


def helpful_keyboard(lang: str, key: int) -> InlineKeyboardMarkup:
    return _kb(
        [
            [
                _btn(t(lang, "btn-helpful_yes"), FaqCb(action="y", key=key)),
                _btn(t(lang, "btn-helpful_no"), FaqCb(action="n", key=key)),
            ]
        ]
    )


def offer_ticket_keyboard(lang: str, key: int) -> InlineKeyboardMarkup:
    return _kb(
        [
            [
                _btn(t(lang, "btn-submit_question"), FaqCb(action="t", key=key)),
                _btn(t(lang, "btn-no_thanks"), FaqCb(action="k", key=key)),
            ]
        ]
    )


def suggestions_keyboard(lang: str, key: int, questions: list[str]) -> InlineKeyboardMarkup:
    rows = [
        [_btn(_short(q, 60), FaqCb(action="p", key=key, idx=i))] for i, q in enumerate(questions)
    ]
    rows.append([_btn(t(lang, "btn-none_of_these"), FaqCb(action="x", key=key))])
    return _kb(rows)


DEPT_LABEL_MAX = 64  # characters of a department's name on its button
PAIR_LABEL_MAX = 14  # names this short go two to a row; longer ones get a row of their own


def departments_keyboard(lang: str, config: DeskConfig) -> InlineKeyboardMarkup:
    """One button per department with its whole name (cut at a word only when longer than
    DEPT_LABEL_MAX): two per row when every name is short (Chinese names), else one per row,
    so that Telegram never cuts an English name mid-word."""
    buttons = [
        _btn(_short_words(d.name_for(lang), DEPT_LABEL_MAX), FlowCb(action="setdept", value=slug))
        for slug, d in config.departments.items()
        if len(FlowCb(action="setdept", value=slug).pack()) <= 64
    ]
    per_row = 2 if all(len(b.text) <= PAIR_LABEL_MAX for b in buttons) else 1
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    rows.append([_btn(t(lang, "btn-cancel"), FlowCb(action="cancel"))])
    return _kb(rows)


def route_keyboard(lang: str, config: DeskConfig, slugs: list[str]) -> InlineKeyboardMarkup:
    """The router's candidates (best first, one per row), "Other department…" (the full
    list) and Cancel: the form is unsure, nothing is pre-selected."""
    rows = [
        [_btn(_short(dept.name_for(lang), 40), FlowCb(action="setdept", value=slug))]
        for slug in slugs
        if (dept := config.get(slug)) is not None
        and len(FlowCb(action="setdept", value=slug).pack()) <= 64
    ]
    rows.append([_btn(t(lang, "btn-other_dept"), FlowCb(action="dept"))])
    rows.append([_btn(t(lang, "btn-cancel"), FlowCb(action="cancel"))])
    return _kb(rows)


def types_keyboard(lang: str, current: str) -> InlineKeyboardMarkup:
    buttons = []
    for demand_type in DEMAND_TYPES:
        label = t(lang, f"type-{demand_type}")
        if demand_type == current:
            label = t(lang, "btn-type_chosen", type=label)
        buttons.append(_btn(label, FlowCb(action="settype", value=demand_type)))
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_btn(t(lang, "btn-cancel"), FlowCb(action="cancel"))])
    return _kb(rows)


def draft_keyboard(lang: str, *, has_phone: bool, urgent: bool = False) -> InlineKeyboardMarkup:
    rows = [
        [
            _btn(t(lang, "btn-change_dept"), FlowCb(action="dept")),
            _btn(t(lang, "btn-change_type"), FlowCb(action="type")),
        ]
    ]
    toggle = (
        _btn(t(lang, "btn-urgent_off"), FlowCb(action="urgent", value="off"))
        if urgent
        else _btn(t(lang, "btn-urgent_on"), FlowCb(action="urgent", value="on"))
    )
    second = [toggle]
    if not has_phone:
        second.append(_btn(t(lang, "btn-share_phone"), FlowCb(action="phone")))
    rows.append(second)
    rows.append(
        [
            _btn(t(lang, "btn-submit"), FlowCb(action="submit")),
            _btn(t(lang, "btn-cancel"), FlowCb(action="cancel")),
        ]
    )
    return _kb(rows)


def cancel_keyboard(lang: str) -> InlineKeyboardMarkup:
    return _kb([[_btn(t(lang, "btn-cancel"), FlowCb(action="cancel"))]])


def new_request_keyboard(lang: str) -> InlineKeyboardMarkup:
    return _kb([[_btn(t(lang, "btn-new_with_attachment"), FlowCb(action="new"))]])


def contact_keyboard(lang: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=t(lang, "btn-send_contact"), request_contact=True)],
            [KeyboardButton(text=t(lang, "btn-no_phone"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def language_keyboard() -> InlineKeyboardMarkup:
    return _kb([[_btn("中文", LangCb(code="zh")), _btn("English", LangCb(code="en"))]])


def delete_keyboard(lang: str) -> InlineKeyboardMarkup:
    return _kb(
        [
            [
                _btn(t(lang, "btn-delete_yes"), DeleteCb(action="yes")),
                _btn(t(lang, "btn-delete_no"), DeleteCb(action="no")),
            ]
        ]
    )


def skip_comment_keyboard(lang: str) -> InlineKeyboardMarkup:
    return _kb([[_btn(t(lang, "btn-skip"), RateCommentCb(action="skip"))]])


def my_list_keyboard(
    lang: str, items: list[tuple[int, str]], page: int, pages: int
) -> InlineKeyboardMarkup:
    """One button per ticket (id, number), then previous / next."""
    rows = [[_btn(f"🎫 {number}", MyCb(action="v", value=tid))] for tid, number in items]
    nav = []
    if page > 1:
        nav.append(_btn(t(lang, "btn-prev"), MyCb(action="p", value=page - 1)))
    if page < pages:
        nav.append(_btn(t(lang, "btn-next"), MyCb(action="p", value=page + 1)))
    if nav:
        rows.append(nav)
    return _kb(rows)


def my_ticket_keyboard(
    lang: str, ticket_id: int, *, can_follow_up: bool, can_reopen: bool, can_resolve: bool
) -> InlineKeyboardMarkup:
    row = []
    if can_resolve:
        row.append(_btn(t(lang, "btn-resolved"), callback("resolved", ticket_id)))
    if can_follow_up:
        row.append(_btn(t(lang, "btn-follow_up"), callback("followup", ticket_id)))
    if can_reopen:
        row.append(_btn(t(lang, "btn-reopen"), callback("reopen", ticket_id)))
    rows = [row] if row else []
    rows.append([_btn(t(lang, "btn-back_list"), MyCb(action="p", value=1))])
    return _kb(rows)


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
