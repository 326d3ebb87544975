"""WeChat's wire format: request signatures, the safe-mode envelope, defensive XML parsing and
passive replies.

* Every request carries ``signature`` = sha1 of the sorted ``[Token, timestamp, nonce]``; it is
  compared in constant time, and a ``timestamp`` more than :data:`MAX_SKEW` seconds away from
  the service's clock is refused too (a captured request cannot be replayed later).
* Safe mode (``WECHAT_AES_KEY`` set): the body is an envelope ``<xml><Encrypt/></xml>`` whose
  ``msg_signature`` (sha1 over the sorted Token, timestamp, nonce and Encrypt) is checked, then
  decrypted with wechatpy's crypto (AES-256-CBC, the AppID inside must be ours). A request
  without encryption is refused in safe mode.
* XML is checked BEFORE it is parsed: at most :data:`MAX_BODY` bytes, no markup declaration at
  all (``<!DOCTYPE``, ``<!ENTITY``...: no entity expansion, no external entities; CDATA
  sections are fine), then parsed by wechatpy's parser (xmltodict), and nothing nested deeper
  than WeChat's own messages is accepted.
* Passive replies are built with wechatpy's reply classes (and encrypted with its crypto in
  safe mode).

Problems raise :class:`WireError` with the HTTP status to answer: 403 for a signature or an
envelope that does not authenticate, 400 for a body that is not a WeChat message, 413 for one
too large. None of them is acted on.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import wechatpy
import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.replies import TextReply

__all__ = [
    "MAX_BODY",
    "MAX_SKEW",
    "WireError",
    "WxMessage",
    "check_signature",
    "open_body",
    "text_reply",
]

MAX_BODY = 64 * 1024  # bytes: a WeChat message is a few hundred (text: at most ~2 KB)
MAX_SKEW = 300  # seconds between WeChat's timestamp and the service's clock
MAX_DEPTH = 3  # <xml><ScanCodeInfo><ScanResult>: WeChat's deepest messages
# Any markup declaration or processing instruction but the XML declaration and CDATA.
_DECLARATION = re.compile(rb"<!(?!\[CDATA\[)|<\?(?!xml[\s?])", re.IGNORECASE)


class WireError(Exception):
    """A request refused: ``status`` to answer (403, 400, 413) and why (for the log)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 of the sorted parts joined."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogateescape"))


def check_signature(token: str, query: Mapping[str, str], now: float) -> None:
    """The request's ``signature`` is Token's, over a fresh ``timestamp``; else 403."""
    timestamp = query.get("timestamp", "")
    nonce = query.get("nonce", "")
    signature = query.get("signature", "")
    if not (timestamp.isdigit() and len(timestamp) <= 12 and signature and nonce):
        raise WireError(403, "missing or malformed signature, timestamp or nonce")
    if not _same(sign(token, timestamp, nonce), signature):
        raise WireError(403, "wrong signature")
    if abs(now - int(timestamp)) > MAX_SKEW:
        raise WireError(403, f"timestamp {timestamp} is more than {MAX_SKEW} s from our clock")


@dataclass(frozen=True)
class WxMessage:
    """A message or event a follower sent, as parsed (``fields``: the XML's flat fields)."""

    message: Any  # wechatpy's message or event object
    fields: Mapping[str, Any]
    encrypted: bool  # it came in the safe-mode envelope: answer encrypted

    @property
    def msg_type(self) -> str:
        return str(self.fields.get("MsgType") or "").lower()

    @property
    def event(self) -> str:
        return str(self.fields.get("Event") or "").lower() if self.msg_type == "event" else ""

    @property
    def openid(self) -> str:
        return str(self.fields.get("FromUserName") or "")

    @property
    def account(self) -> str:
        """The official account's original id (``gh_...``): the reply's sender."""
        return str(self.fields.get("ToUserName") or "")

    @property
    def create_time(self) -> int:
        value = str(self.fields.get("CreateTime") or "0")
        return int(value) if value.isdigit() else 0

    @property
    def msg_id(self) -> int | None:
        value = str(self.fields.get("MsgId") or "")
        return int(value) if value.isdigit() and len(value) <= 19 else None

    def text(self, name: str) -> str:
        value = self.fields.get(name)
        return value if isinstance(value, str) else ""

    @property
    def key(self) -> str:
        """Deduplication key: the ``MsgId``; for an event (no MsgId) a digest of the sender,
        ``CreateTime`` and the event (the openid itself is not stored here)."""
        if self.msg_id is not None:
            return str(self.msg_id)
        raw = f"{self.openid}:{self.create_time}:{self.event}:{self.text('EventKey')}"
        return "e" + hashlib.sha256(raw.encode()).hexdigest()[:40]

    @property
    def number(self) -> int:
        """A number for the dialogue's ``Inbound.key``: the MsgId, else the event's time."""
        return self.msg_id if self.msg_id is not None else self.create_time


def _check_xml(raw: bytes) -> str:
    if len(raw) > MAX_BODY:
        raise WireError(413, f"body larger than {MAX_BODY} bytes")
    if _DECLARATION.search(raw):
        raise WireError(400, "XML with a DTD, entity or processing instruction is refused")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WireError(400, "body is not UTF-8") from None
    if not text.lstrip().startswith(("<xml", "<?xml")):
        raise WireError(400, "body is not a WeChat XML message")
    return text.replace("\x00", "")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(node, Mapping):
            stack.extend((child, level + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, level) for child in node)
    return deepest


def _parse_xml(text: str) -> dict[str, Any]:
    try:
        parsed = xmltodict.parse(text, disable_entities=True)
    except Exception as exc:  # expat's errors: malformed, unbalanced, bad characters
        raise WireError(400, f"malformed XML: {type(exc).__name__}: {exc}") from None
    root = parsed.get("xml") if isinstance(parsed, Mapping) else None
    if not isinstance(root, Mapping):
        raise WireError(400, "root element is not <xml>")
    if _depth(root) > MAX_DEPTH:
        raise WireError(400, f"XML nested deeper than {MAX_DEPTH}")
    return dict(root)


def _decrypt(
    envelope: Mapping[str, Any],
    query: Mapping[str, str],
    *,
    token: str,
    aes_key: str,
    app_id: str,
) -> bytes:
    encrypt = envelope.get("Encrypt")
    if not isinstance(encrypt, str) or not encrypt:
        raise WireError(400, "encrypted body without Encrypt")
    expected = sign(token, query.get("timestamp", ""), query.get("nonce", ""), encrypt)
    if not _same(expected, query.get("msg_signature", "")):
        raise WireError(403, "wrong msg_signature")
    try:
        key = base64.b64decode(aes_key + "=")
        xml = PrpCrypto(key).decrypt(encrypt, app_id)
    except Exception as exc:  # a wrong key, AppID or padding: not from our account
        raise WireError(403, f"cannot decrypt: {type(exc).__name__}") from None
    return xml.encode("utf-8") if isinstance(xml, str) else bytes(xml)


def open_body(
    raw: bytes,
    query: Mapping[str, str],
    *,
    token: str,
    aes_key: str | None,
    app_id: str,
) -> WxMessage:
    """The follower's message in a callback body (the query's ``signature`` already checked)."""
    encrypted = query.get("encrypt_type") == "aes"
    if aes_key is not None and not encrypted:
        raise WireError(403, "safe mode: an unencrypted message is refused")
    text = _check_xml(raw)
    fields = _parse_xml(text)
    if encrypted:
        if aes_key is None:
            raise WireError(400, "encrypted message but WECHAT_AES_KEY is not set")
        inner = _decrypt(fields, query, token=token, aes_key=aes_key, app_id=app_id)
        text = _check_xml(inner)
        fields = _parse_xml(text)
    if not fields.get("FromUserName") or not fields.get("MsgType"):
        raise WireError(400, "not a WeChat message: FromUserName or MsgType missing")
    for name in ("FromUserName", "ToUserName", "MsgType", "CreateTime"):
        if not isinstance(fields.get(name, ""), str) or len(str(fields.get(name, ""))) > 128:
            raise WireError(400, f"not a WeChat message: bad {name}")
    try:
        message = wechatpy.parse_message(text)
    except Exception as exc:
        raise WireError(400, f"not a WeChat message: {type(exc).__name__}") from None
    return WxMessage(message, fields, encrypted)


def _cdata_safe(text: str) -> str:
    """wechatpy puts text in one CDATA section: a ``]]>`` inside must not end it."""
    return text.replace("]]>", "]]]]><![CDATA[>").replace("\x00", "")


def text_reply(
    message: WxMessage,
    content: str,
    *,
    now: int,
    token: str,
    aes_key: str | None,
    app_id: str,
) -> str:
    """The passive text reply to ``message`` (encrypted when the message was)."""
    reply = TextReply(
        source=message.account, target=message.openid, content=_cdata_safe(content), time=now
    )
    xml = reply.render()
    if not message.encrypted or aes_key is None:
        return xml
    crypto = WeChatCrypto(token, aes_key, app_id)
    return str(crypto.encrypt_message(xml, secrets.token_hex(8), str(now)))
