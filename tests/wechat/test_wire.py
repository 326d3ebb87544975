"""The wire: signatures (constant time, fresh timestamps), XML refused before parsing, safe
mode against the emulator's independent crypto, replies that stay one CDATA value."""

from __future__ import annotations

import pytest

from handlers.wechat.wire import MAX_BODY, WireError, check_signature, open_body, text_reply
from tests.wechat_emulator import (
    WeChatCipher,
    build_xml,
    make_aes_key,
    msg_signature,
    parse_fields,
    url_signature,
)
from tests.wechat_emulator.forged import BILLION_LAUGHS, XXE

TOKEN, APP_ID, NOW = "tok", "wx0123456789abcdef", 1_790_000_000
FIELDS = {
    "ToUserName": "gh_abc",
    "FromUserName": "oUser",
    "CreateTime": NOW,
    "MsgType": "text",
    "Content": "你好 ]]> there",
    "MsgId": 24000000000000001,
}


def _query(timestamp: int = NOW, nonce: str = "123") -> dict[str, str]:
    return {
        "signature": url_signature(TOKEN, str(timestamp), nonce),
        "timestamp": str(timestamp),
        "nonce": nonce,
    }


def test_signature_right_wrong_missing_and_stale() -> None:
    check_signature(TOKEN, _query(), NOW + 10)
    for query in (
        {**_query(), "signature": "0" * 40},
        {},
        {**_query(), "timestamp": "abc"},
        _query(NOW - 301),
    ):
        with pytest.raises(WireError) as refused:
            check_signature(TOKEN, query, NOW)
        assert refused.value.status == 403


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (XXE.format(to="gh_abc", sender="o", now=NOW, msg_id=1).encode(), 400),
        (BILLION_LAUGHS.format(to="gh_abc", sender="o", now=NOW, msg_id=1).encode(), 400),
        (b"<xml><a>" + b"<b>" * 20 + b"x" + b"</b>" * 20 + b"</a></xml>", 400),
        (b'{"MsgType": "text"}', 400),
        (b"<xml><MsgType>text</MsgType></xml>", 400),  # no sender
        (b"<xml><Content>" + b"A" * MAX_BODY + b"</Content></xml>", 413),
        (b"<xml><?evil x?><MsgType>text</MsgType></xml>", 400),
    ],
)
def test_hostile_or_foreign_bodies_are_refused(body: bytes, status: int) -> None:
    with pytest.raises(WireError) as refused:
        open_body(body, _query(), token=TOKEN, aes_key=None, app_id=APP_ID)
    assert refused.value.status == status


def test_a_plaintext_message_and_its_reply() -> None:
    message = open_body(
        build_xml(FIELDS).encode(), _query(), token=TOKEN, aes_key=None, app_id=APP_ID
    )
    assert (message.openid, message.account, message.msg_type) == ("oUser", "gh_abc", "text")
    assert message.key == "24000000000000001" and message.text("Content") == FIELDS["Content"]
    reply = parse_fields(
        text_reply(message, "a ]]> b", now=NOW, token=TOKEN, aes_key=None, app_id=APP_ID)
    )
    assert reply["Content"] == "a ]]> b" and reply["ToUserName"] == "oUser"
    assert reply["FromUserName"] == "gh_abc"


def test_safe_mode_round_trip_with_independent_crypto() -> None:
    key = make_aes_key()
    cipher = WeChatCipher(key, APP_ID)
    encrypted = cipher.encrypt(build_xml(FIELDS))
    body = build_xml({"ToUserName": "gh_abc", "Encrypt": encrypted}).encode()
    query = {
        **_query(),
        "encrypt_type": "aes",
        "msg_signature": msg_signature(TOKEN, str(NOW), "123", encrypted),
    }
    message = open_body(body, query, token=TOKEN, aes_key=key, app_id=APP_ID)
    assert message.encrypted and message.text("Content") == FIELDS["Content"]
    outer = parse_fields(
        text_reply(message, "好的", now=NOW, token=TOKEN, aes_key=key, app_id=APP_ID)
    )
    assert outer["MsgSignature"] == msg_signature(
        TOKEN, outer["TimeStamp"], outer["Nonce"], outer["Encrypt"]
    )
    assert parse_fields(cipher.decrypt(outer["Encrypt"]).xml)["Content"] == "好的"

    for spoiled, status in (
        ({**query, "msg_signature": "0" * 40}, 403),
        ({k: v for k, v in query.items() if k != "encrypt_type"}, 403),  # unencrypted
    ):
        with pytest.raises(WireError) as refused:
            open_body(body, spoiled, token=TOKEN, aes_key=key, app_id=APP_ID)
        assert refused.value.status == status
    other = WeChatCipher(key, "wx0000000000000000").encrypt(build_xml(FIELDS))
    foreign = build_xml({"ToUserName": "gh_abc", "Encrypt": other}).encode()
    query["msg_signature"] = msg_signature(TOKEN, str(NOW), "123", other)
    with pytest.raises(WireError) as refused:
        open_body(foreign, query, token=TOKEN, aes_key=key, app_id=APP_ID)
    assert refused.value.status == 403  # another account's AppID


def test_an_event_key_names_no_one() -> None:
    event = {**FIELDS, "MsgType": "event", "Event": "subscribe"}
    del event["MsgId"], event["Content"]
    message = open_body(
        build_xml(event).encode(), _query(), token=TOKEN, aes_key=None, app_id=APP_ID
    )
    assert message.msg_id is None and "oUser" not in message.key and message.number == NOW
