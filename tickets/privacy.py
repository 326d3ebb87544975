"""Citizen privacy: what staff see by default.

Staff see the ticket text with identity numbers and phone numbers redacted and a masked
identity (``张*`` / ``J.``, ``138****5678``). Revealing the contact is a deliberate action
(:meth:`tickets.service.TicketService.reveal_contact`) recorded in the audit trail. Posts to
group chats are built only from the masked forms.

The redaction is careful not to touch ordinary numbers: ticket numbers (``2026-000123``),
dates (``2026-11-24``), amounts, house numbers. Only these are redacted:

- Chinese resident ID numbers: 18 characters, 17 digits then a digit or ``X``, whose digits
  7-14 form a plausible birth date (19xx/20xx, month 01-12, day 01-31); also the old 15-digit
  form with a plausible ``YYMMDD`` birth date;
- Chinese mobile numbers: ``1[3-9]`` and 9 more digits, optionally ``+86``/``0086`` in front,
  optionally grouped ``138 1234 5678`` / ``138-1234-5678``;
- landlines with an area code: ``010-12345678``, ``(021) 5555 1234``, ``0755-1234567``;
- international numbers written with a ``+`` and at least 8 digits.

A match must not touch other digits or letters on either side (so digits inside a longer
number, or inside a word, are left alone).

:func:`scrub_text` goes further, for what is kept without anyone to show it to (an erased
citizen's tickets, the FAQ gap report): those numbers are replaced by ``***`` instead of being
masked, and so are the given names and phone numbers of one person wherever they appear.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "compose_identity",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "masked_identity",
    "redact_text",
    "scrub_text",
]

SCRUBBED = "***"

_ID18 = r"\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
_ID15 = r"\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
_ID_RE = re.compile(rf"(?<![\dA-Za-z])(?:{_ID18}|{_ID15})(?![\dA-Za-z])")

_SEP = r"[ \-]?"
_MOBILE = rf"(?:(?:\+|00)86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}"
_MOBILE_PLAIN = r"(?:(?:\+|00)86[ \-]?)?1[3-9]\d{9}"
_LANDLINE = r"(?:\(0\d{2,3}\)\s?|0\d{2,3}[ \-])\d{3,4}[ \-]?\d{4}"
_INTL = r"\+\d[\d \-]{6,18}\d"
_PHONE_RE = re.compile(
    rf"(?<![\dA-Za-z+])(?:{_MOBILE_PLAIN}|{_MOBILE}|{_LANDLINE}|{_INTL})(?![\dA-Za-z])"
)


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def mask_name(name: str | None) -> str:
    """``张三`` -> ``张*``, ``欧阳娜娜`` -> ``欧***``, ``John Smith`` -> ``J.``; empty -> ``""``."""
    if not name:
        return ""
    name = name.strip()
    if not name:
        return ""
    first = name[0]
    if _is_cjk(first):
        rest = sum(1 for ch in name[1:] if not ch.isspace())
        return first + "*" * max(rest, 1)
    return f"{first.upper()}."


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def mask_phone(phone: str | None) -> str:
    """``13812345678`` -> ``138****5678`` (a country code 86 is dropped); short: last 2 only."""
    if not phone:
        return ""
    digits = _digits(phone)
    if phone.strip().startswith(("+86", "0086")) or (len(digits) == 13 and digits.startswith("86")):
        digits = digits[4:] if digits.startswith("0086") else digits[2:]
    if len(digits) >= 10:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) >= 7:
        return "*" * (len(digits) - 4) + digits[-4:]
    if len(digits) > 2:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def mask_id_number(number: str) -> str:
    """``11010519491231002X`` -> ``11**************2X`` (keeps 2 first and 2 last characters)."""
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


def redact_text(text: str) -> str:
    """The text with ID numbers and phone numbers masked; everything else unchanged."""
    if not text:
        return text
    text = _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return _PHONE_RE.sub(lambda m: mask_phone(m.group(0)), text)


def masked_identity(display_name: str | None, phone: str | None, fallback: str) -> str:
    """``张* (138****5678)``, ``J.``, or ``fallback`` (e.g. "Citizen #12") when nothing is known."""
    return compose_identity(mask_name(display_name), mask_phone(phone), fallback)


def compose_identity(masked_name: str | None, masked_phone: str | None, fallback: str) -> str:
    """An identity from its masked parts (:func:`mask_name`, :func:`mask_phone`):
    ``张* (138****5678)``, or ``fallback`` for a missing name."""
    name = masked_name or fallback
    return f"{name} ({masked_phone})" if masked_phone else name


def _phone_pattern(phone: str) -> re.Pattern[str] | None:
    """One person's phone number written any way: spaces or dashes between the digits, with or
    without ``+86`` / ``0086`` / ``86`` in front. None for fewer than 6 digits (too ambiguous)."""
    digits = _digits(phone)
    if phone.strip().startswith(("+86", "0086")) or (len(digits) == 13 and digits.startswith("86")):
        digits = digits[4:] if digits.startswith("0086") else digits[2:]
    if len(digits) < 6:
        return None
    body = r"[ \-]?".join(digits)
    return re.compile(rf"(?<![\dA-Za-z])(?:(?:\+|00)?86[ \-]?)?{body}(?!\d)")


def _name_patterns(name: str) -> list[re.Pattern[str]]:
    """The whole name and each part of two or more characters (``Ada Lovelace``: the whole,
    ``Ada``, ``Lovelace``), longest first; Latin parts as whole words, case-insensitively."""
    parts = {name.strip(), *name.split()}
    patterns = []
    for part in sorted((p for p in parts if len(p) >= 2), key=len, reverse=True):
        if any(_is_cjk(ch) for ch in part):
            patterns.append(re.compile(re.escape(part)))
        else:
            patterns.append(re.compile(rf"(?<!\w){re.escape(part)}(?!\w)", re.IGNORECASE))
    return patterns


def scrub_text(text: str, *, names: Iterable[str] = (), phones: Iterable[str] = ()) -> str:
    """The text with ID numbers, phone numbers, and the given ``names`` and ``phones`` (one
    person's, in any spacing) replaced by ``***``; everything else unchanged."""
    if not text:
        return text
    for phone in phones:
        pattern = _phone_pattern(phone) if phone else None
        if pattern is not None:
            text = pattern.sub(SCRUBBED, text)
    text = _ID_RE.sub(SCRUBBED, text)
    text = _PHONE_RE.sub(SCRUBBED, text)
    for name in names:
        for pattern in _name_patterns(name or ""):
            text = pattern.sub(SCRUBBED, text)
    return text
