"""The emulator as the WeChat API: tokens, customer-service messages, media, faults."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tests.wechat_emulator import WeChatEmulator, WxUser

from .conftest import Api


async def _interacted(emu: WeChatEmulator) -> WxUser:
    """A user who just sent a message (the 48-hour window is open)."""
    citizen = emu.user()
    await (await emu.send_text(citizen, "你好")).finished()
    await emu.next_message(citizen)  # the service's echo
    return citizen


async def test_access_token_and_credential_errors(emu: WeChatEmulator, api: Api) -> None:
    answer = await api.token()
    assert set(answer) == {"access_token", "expires_in"} and answer["expires_in"] == 7200
    assert (await api.token(secret="wrong"))["errcode"] == 40125
    assert (await api.token(appid="wx0000000000000000"))["errcode"] == 40013
    [ok, bad_secret, bad_appid] = emu.requests("token")
    assert ok.ok and not bad_secret.ok and bad_appid.errcode == 40013
    assert "rid:" in bad_secret.response["errmsg"]


async def test_customer_service_message_within_48_hours_only(emu: WeChatEmulator, api: Api) -> None:
    token = await api.access_token()
    stranger = emu.user()  # follows the account but never wrote
    assert (await api.send_text(token, stranger.openid, "hi"))["errcode"] == 45015

    citizen = await _interacted(emu)
    assert (await api.send_text(token, citizen.openid, "工单 2026-000123 已受理"))["errcode"] == 0
    seen = await emu.next_message(citizen)
    assert (seen.via, seen.msgtype, seen.content) == ("custom", "text", "工单 2026-000123 已受理")

    emu.advance(48 * 3600 - 60)
    token = await api.access_token()  # the old one expired meanwhile
    assert (await api.send_text(token, citizen.openid, "still open"))["errcode"] == 0
    emu.advance(120)
    answer = await api.send_text(token, citizen.openid, "too late")
    assert answer["errcode"] == 45015
    assert [c.errcode for c in emu.sent(citizen)] == [0, 0, 45015]
    assert [m.content for m in emu.inbox(citizen)][1:] == ["工单 2026-000123 已受理", "still open"]

    await (await emu.click(citizen, "MENU")).finished()  # a click opens the window again
    assert (await api.send_text(token, citizen.openid, "again"))["errcode"] == 0
    await (await emu.unsubscribe(citizen)).finished()
    assert (await api.send_text(token, citizen.openid, "gone"))["errcode"] == 45015


async def test_expired_and_invalidated_tokens(emu: WeChatEmulator, api: Api) -> None:
    citizen = await _interacted(emu)
    first = await api.access_token()
    emu.advance(7201)
    assert (await api.send_text(first, citizen.openid, "x"))["errcode"] == 42001

    second = await api.access_token()
    third = await api.access_token()  # refreshing: the previous one works 5 more minutes
    assert (await api.send_text(second, citizen.openid, "x"))["errcode"] == 0
    emu.advance(301)
    assert (await api.send_text(second, citizen.openid, "x"))["errcode"] == 42001
    assert (await api.send_text(third, citizen.openid, "x"))["errcode"] == 0

    emu.invalidate_tokens()
    assert (await api.send_text(third, citizen.openid, "x"))["errcode"] == 40001
    assert (await api.send_text("", citizen.openid, "x"))["errcode"] == 41001
    fourth = await api.access_token()
    emu.expire_tokens()
    assert (await api.send_text(fourth, citizen.openid, "x"))["errcode"] == 42001


async def test_quota_per_interaction_gives_45047(emu: WeChatEmulator, api: Api) -> None:
    emu.custom_quota = 3
    citizen = await _interacted(emu)
    token = await api.access_token()
    codes = [(await api.send_text(token, citizen.openid, f"#{n}"))["errcode"] for n in range(4)]
    assert codes == [0, 0, 0, 45047]
    await (await emu.send_text(citizen, "再问一次")).finished()
    assert (await api.send_text(token, citizen.openid, "after"))["errcode"] == 0


@pytest.mark.parametrize(
    ("payload", "errcode"),
    [
        (b"{not json", 47001),
        (b"[1, 2]", 47001),
        (b"", 44002),
        ({"touser": "oUnknownOpenid", "msgtype": "text", "text": {"content": "x"}}, 40003),
        ({"msgtype": "text", "text": {"content": "x"}}, 40003),
        ({"touser": "{openid}", "msgtype": "sticker", "sticker": {}}, 40008),
        ({"touser": "{openid}", "msgtype": "text", "text": {"content": ""}}, 44004),
        ({"touser": "{openid}", "msgtype": "text", "text": "flat"}, 47001),
        ({"touser": "{openid}", "msgtype": "text", "text": {"content": "a" * 2049}}, 45002),
        ({"touser": "{openid}", "msgtype": "text", "text": {"content": "长" * 683}}, 45002),
        ({"touser": "{openid}", "msgtype": "text", "text": {"content": "a" * 2048}}, 0),
        ({"touser": "{openid}", "msgtype": "image", "image": {"media_id": "nope"}}, 40007),
        ({"touser": "{openid}", "msgtype": "news", "news": {"articles": []}}, 44003),
        (
            {
                "touser": "{openid}",
                "msgtype": "news",
                "news": {"articles": [{"title": "a"}, {"title": "b"}]},
            },
            45008,
        ),
        ({"touser": "{openid}", "msgtype": "msgmenu", "msgmenu": {"list": []}}, 47001),
        (b"[" * 100_000 + b"]" * 100_000, 47001),
    ],
)
async def test_custom_send_validation(
    emu: WeChatEmulator, api: Api, payload: object, errcode: int
) -> None:
    citizen = await _interacted(emu)
    token = await api.access_token()
    if isinstance(payload, dict):
        if payload.get("touser") == "{openid}":
            payload["touser"] = citizen.openid
    answer = await api.post("message/custom/send", token, payload)
    assert answer["errcode"] == errcode
    [call] = emu.requests("message/custom/send")
    assert call.errcode == errcode and call.ok == (errcode == 0)


async def test_image_upload_send_and_the_users_photo(
    emu: WeChatEmulator, api: Api, http: aiohttp.ClientSession
) -> None:
    citizen = emu.user()
    photo = await emu.send_image(citizen, b"\xff\xd8citizen-photo\xff\xd9")
    await photo.finished()
    token = await api.access_token()
    url = f"{emu.base_url}/cgi-bin/media/get"
    params = {"access_token": token, "media_id": photo.fields["MediaId"]}
    async with http.get(url, params=params) as resp:
        assert resp.content_type == "image/jpeg"
        assert await resp.read() == b"\xff\xd8citizen-photo\xff\xd9"
    async with http.get(url, params={**params, "media_id": "unknown"}) as resp:
        assert (await resp.json())["errcode"] == 40007

    form = aiohttp.FormData()
    form.add_field("media", b"\x89PNG-map", filename="map.png", content_type="image/png")
    upload_url = f"{emu.base_url}/cgi-bin/media/upload"
    async with http.post(
        upload_url, params={"access_token": token, "type": "image"}, data=form
    ) as r:
        uploaded = await r.json()
    assert uploaded["type"] == "image" and uploaded["media_id"] in emu.media
    async with http.post(upload_url, params={"access_token": token, "type": "pdf"}) as r:
        assert (await r.json())["errcode"] == 40004

    payload = {
        "touser": citizen.openid,
        "msgtype": "image",
        "image": {"media_id": uploaded["media_id"]},
    }
    assert (await api.post("message/custom/send", token, payload))["errcode"] == 0
    seen = await emu.next_message(citizen)
    assert (seen.msgtype, seen.media_id) == ("image", uploaded["media_id"])
    assert emu.media[uploaded["media_id"]].content == b"\x89PNG-map"


async def test_msgmenu_and_the_users_choice(emu: WeChatEmulator, service: object, api: Api) -> None:
    citizen = await _interacted(emu)
    token = await api.access_token()
    menu = {
        "head_content": "这个回答有帮助吗？",
        "list": [{"id": "fb-yes", "content": "有帮助"}, {"id": "fb-no", "content": "没帮助"}],
        "tail_content": "",
    }
    payload = {"touser": citizen.openid, "msgtype": "msgmenu", "msgmenu": menu}
    assert (await api.post("message/custom/send", token, payload))["errcode"] == 0
    seen = await emu.next_message(citizen)
    assert seen.msgtype == "msgmenu" and [i["id"] for i in seen.menu_items] == ["fb-yes", "fb-no"]

    choice = await emu.choose(citizen, seen, "fb-no")
    assert choice.fields["Content"] == "没帮助" and choice.fields["bizmsgmenuid"] == "fb-no"
    assert (await choice.answered()).content == "echo: 没帮助"
    with pytest.raises(AssertionError, match="no item"):
        await emu.choose(citizen, seen, "fb-maybe")


async def test_user_info(emu: WeChatEmulator, api: Api, http: aiohttp.ClientSession) -> None:
    token = await api.access_token()
    citizen = emu.user(lang="en")
    await (await emu.subscribe(citizen, scene="poster-7")).finished()
    url = f"{emu.base_url}/cgi-bin/user/info"
    async with http.get(url, params={"access_token": token, "openid": citizen.openid}) as resp:
        info = await resp.json()
    assert (info["subscribe"], info["openid"], info["language"]) == (1, citizen.openid, "en")
    assert (info["subscribe_scene"], info["qr_scene_str"]) == ("ADD_SCENE_QR_CODE", "poster-7")
    await (await emu.unsubscribe(citizen)).finished()
    async with http.get(url, params={"access_token": token, "openid": citizen.openid}) as resp:
        assert await resp.json() == {"subscribe": 0, "openid": citizen.openid}
    async with http.get(url, params={"access_token": token, "openid": "oNobody"}) as resp:
        assert (await resp.json())["errcode"] == 40003


async def test_faults_busy_5xx_hang_and_waiting(
    emu: WeChatEmulator, api: Api, http: aiohttp.ClientSession
) -> None:
    citizen = await _interacted(emu)
    token = await api.access_token()
    emu.fail_next("message/custom/send", errcode=-1, times=2)
    codes = [(await api.send_text(token, citizen.openid, "x"))["errcode"] for _ in range(3)]
    assert codes == [-1, -1, 0]
    assert [c.fault for c in emu.sent(citizen)] == ["injected errcode -1"] * 2 + [None]

    emu.fail_next("token", status=503)
    async with http.get(f"{emu.base_url}/cgi-bin/token") as resp:
        assert resp.status == 503
    assert emu.requests("token")[-1].status == 503

    # A hung send times out at the client but is still delivered afterwards.
    emu.hang_next("message/custom/send", seconds=0.3)
    mark = emu.mark()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.1):
            await api.send_text(token, citizen.openid, "late but delivered")
    call = await emu.wait_for(lambda c: c.text == "late but delivered", since=mark)
    assert call.ok and call.fault == "hang 0.3s"
    assert (await emu.next_message(citizen)).content == "x"  # the third send above
    assert (await emu.next_message(citizen)).content == "late but delivered"

    async with http.get(f"{emu.base_url}/cgi-bin/no/such/api") as resp:
        assert resp.status == 404
    with pytest.raises(AssertionError, match="saw no new message"):
        await emu.next_message(citizen, timeout=0.05)
