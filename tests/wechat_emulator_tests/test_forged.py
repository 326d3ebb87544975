"""Forged and hostile requests: what the service's callback must refuse without acting."""

from __future__ import annotations

import pytest

from tests.wechat_emulator import FORGERIES, WeChatEmulator, build_xml
from tests.wechat_emulator.forged import ENCRYPTED_ONLY

from .conftest import Service

EXPECTED = {
    "bad_signature": 403,
    "no_signature": 403,
    "stale_timestamp": 403,
    "bad_msg_signature": 403,
    "wrong_app_id": 400,
    "wrong_key": 400,
    "bad_padding": 400,
    "malformed_xml": 400,
    "not_xml": 400,
    "doctype": 400,
    "billion_laughs": 400,
    "deep_nesting": 400,
    "missing_fields": 400,
    "wrong_to_user": 400,
    "oversized": 413,  # the service's body limit (64 KiB here)
}


def test_every_forgery_has_an_expectation() -> None:
    assert set(EXPECTED) | {"replay"} == FORGERIES


@pytest.mark.parametrize("kind", sorted(set(EXPECTED) - ENCRYPTED_ONLY))
async def test_plaintext_forgeries_are_refused(
    emu: WeChatEmulator, service: Service, kind: str
) -> None:
    result = await emu.forged(kind)
    assert result.status == EXPECTED[kind], (result, service.rejected)
    assert result.kind == kind and emu.raw_sent == [result]
    assert service.acted == []


@pytest.mark.parametrize("kind", sorted(EXPECTED))
async def test_safe_mode_forgeries_are_refused(
    safe_emu: WeChatEmulator, service: Service, kind: str
) -> None:
    result = await safe_emu.forged(kind)
    assert result.status == EXPECTED[kind], (result, service.rejected)
    assert service.acted == []
    if kind in ("doctype", "billion_laughs"):  # the hostile XML was inside a valid envelope
        assert b"<Encrypt>" in result.sent and b"<!DOCTYPE" not in result.sent


async def test_hostile_xml_outside_the_envelope(safe_emu: WeChatEmulator, service: Service) -> None:
    result = await safe_emu.forged("billion_laughs", wrap=False)
    assert b"<!DOCTYPE" in result.sent and result.status == 400
    assert service.acted == []


async def test_encrypted_forgeries_need_safe_mode(emu: WeChatEmulator) -> None:
    with pytest.raises(ValueError, match="needs compatible or safe mode"):
        await emu.forged("wrong_key")
    with pytest.raises(ValueError, match="unknown forgery"):
        await emu.forged("teleport")


async def test_a_replayed_request_is_answered_but_not_acted_on(
    emu: WeChatEmulator, service: Service
) -> None:
    citizen = emu.user()
    push = await emu.send_text(citizen, "一次")
    await push.answered()
    replay = await emu.forged("replay", push=push)
    assert replay.params == push.attempts[0].params and replay.status == 200
    assert replay.body == "success" and len(service.acted) == 1
    with pytest.raises(ValueError, match="replay needs"):
        await emu.forged("replay")


async def test_send_raw_signs_what_it_is_given(safe_emu: WeChatEmulator, service: Service) -> None:
    citizen = safe_emu.user()
    xml = build_xml(
        {
            "ToUserName": safe_emu.original_id,
            "FromUserName": citizen.openid,
            "CreateTime": 1,
            "MsgType": "text",
            "Content": "hand-made",
            "MsgId": 1,
        }
    )
    result = await safe_emu.send_raw(xml)  # wrapped in a valid envelope
    assert (result.status, result.body.count("<Encrypt>")) == (200, 1)
    assert service.acted[-1]["Content"] == "hand-made"

    params = safe_emu.signed_params()
    params["signature"] = "f" * 40
    refused = await safe_emu.send_raw(xml, params)
    assert refused.status == 403
