"""Requests a real WeChat never sends: forged signatures, hostile XML, replays."""

from __future__ import annotations

from typing import Any

from .callback import CallbackPusher
from .crypto import WeChatCipher, make_aes_key
from .models import Push, RawResponse, WxUser
from .xmlcodec import build_xml, parse_fields

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xml [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xml><ToUserName><![CDATA[{to}]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>\
<CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>&lol9;</Content>\
<MsgId>{msg_id}</MsgId></xml>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName><![CDATA[{to}]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>\
<CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>&xxe;</Content>\
<MsgId>{msg_id}</MsgId></xml>"""

# Kinds whose hostile part is the (inner) XML: wrapped in a valid envelope in safe mode.
XML_ATTACKS = frozenset(
    {
        "malformed_xml",
        "not_xml",
        "doctype",
        "billion_laughs",
        "oversized",
        "deep_nesting",
        "missing_fields",
        "wrong_to_user",
    }
)
SIGNATURE_ATTACKS = frozenset(
    {
        "bad_signature",
        "no_signature",
        "stale_timestamp",
        "bad_msg_signature",
        "wrong_app_id",
        "wrong_key",
        "bad_padding",
        "replay",
    }
)
FORGERIES = XML_ATTACKS | SIGNATURE_ATTACKS
ENCRYPTED_ONLY = frozenset({"bad_msg_signature", "wrong_app_id", "wrong_key", "bad_padding"})


class Forgery(CallbackPusher):
    """``emu.forged(kind, ...)``: an attacker's request to the callback URL."""

    async def forged(
        self,
        kind: str,
        user: WxUser | None = None,
        *,
        wrap: bool | None = None,
        size: int = 2 * 1024 * 1024,
        depth: int = 5000,
        age: int = 86400,
        push: Push | None = None,
    ) -> RawResponse:
        """Send a forged request of ``kind`` (see ``FORGERIES`` and the README) and return
        what the callback answered. A real WeChat never sends any of them: the service should
        refuse them (403 for signatures, 400 for bodies) and must not act on them."""
        if kind not in FORGERIES:
            raise ValueError(f"unknown forgery {kind!r}; one of {sorted(FORGERIES)}")
        sender = user or self.user()
        if kind in XML_ATTACKS:
            body = self._hostile_xml(kind, sender, size=size, depth=depth)
            return await self.send_raw(body, wrap=wrap, kind=kind)
        return await self._forged_signature(kind, sender, age=age, push=push)

    def _message(self, sender: WxUser, content: str = "forged", **extra: Any) -> str:
        fields: dict[str, Any] = {
            "ToUserName": self.original_id,
            "FromUserName": sender.openid,
            "CreateTime": int(self.now()),
            "MsgType": "text",
            "Content": content,
            "MsgId": self._new_msg_id(),
        }
        fields.update(extra)
        return build_xml(fields)

    def _hostile_xml(self, kind: str, sender: WxUser, *, size: int, depth: int) -> str:
        values = {
            "to": self.original_id,
            "sender": sender.openid,
            "now": int(self.now()),
            "msg_id": self._new_msg_id(),
        }
        if kind == "malformed_xml":
            return self._message(sender)[:-12]  # cut inside the MsgId element
        if kind == "not_xml":
            return '{"MsgType": "text", "Content": "not xml"}'
        if kind == "doctype":
            return XXE.format(**values)
        if kind == "billion_laughs":
            return BILLION_LAUGHS.format(**values)
        if kind == "oversized":
            return self._message(sender, "A" * size)
        if kind == "deep_nesting":
            inner = "<a>" * depth + "deep" + "</a>" * depth
            return self._message(sender).replace("<MsgId>", f"<Extra>{inner}</Extra><MsgId>")
        if kind == "missing_fields":
            return "<xml><MsgType><![CDATA[text]]></MsgType></xml>"
        assert kind == "wrong_to_user"
        return self._message(sender, ToUserName="gh_000000000000")

    async def _forged_signature(
        self, kind: str, sender: WxUser, *, age: int, push: Push | None
    ) -> RawResponse:
        if kind == "replay":
            if push is None or not push.attempts:
                raise ValueError("replay needs push= a push that was sent")
            first = push.attempts[0]
            return await self.send_raw(first.body, dict(first.params), wrap=False, kind=kind)
        if kind in ENCRYPTED_ONLY and self.mode == "plaintext":
            raise ValueError(f"{kind} needs compatible or safe mode")
        xml = self._message(sender)
        stamp = str(int(self.now()) - age) if kind == "stale_timestamp" else None
        encrypted: str | None = None
        body = xml
        if self.mode != "plaintext":
            if kind == "wrong_app_id":
                encrypted = self.cipher.encrypt(xml, app_id="wx0000000000000000")
            elif kind == "wrong_key":
                encrypted = WeChatCipher(make_aes_key(), self.app_id).encrypt(xml)
            elif kind == "bad_padding":
                encrypted = self.cipher.encrypt(xml, pad=False)
            plain = _fields_of(xml) if self.mode == "compatible" else None
            body, encrypted = self.envelope(xml, plain_fields=plain, encrypted=encrypted)
        params = self.signed_params(encrypt=encrypted, openid=sender.openid, timestamp=stamp)
        if kind == "bad_signature":  # an attacker without the Token: every signature wrong
            params["signature"] = _spoil(params["signature"])
            if "msg_signature" in params:
                params["msg_signature"] = _spoil(params["msg_signature"])
        elif kind == "bad_msg_signature":  # a captured query string on another body
            params["msg_signature"] = _spoil(params["msg_signature"])
        elif kind == "no_signature":
            params = {}
        return await self.send_raw(body, params, wrap=False, kind=kind)


def _fields_of(xml: str) -> dict[str, Any]:
    return parse_fields(xml)


def _spoil(signature: str) -> str:
    return ("0" if signature[0] != "0" else "1") + signature[1:]
