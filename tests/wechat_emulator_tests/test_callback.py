"""The emulator as the WeChat server calling the callback: verification, pushes, 5 s rule."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.wechat_emulator import (
    WeChatEmulator,
    build_xml,
    make_aes_key,
    parse_fields,
    url_signature,
)

from .conftest import TOKEN, Api, Service


async def test_url_verification_echoes_and_a_forged_one_is_refused(
    emu: WeChatEmulator, service: Service
) -> None:
    result = await emu.verify_url()
    assert result.ok, result
    params = result.params
    assert set(params) == {"signature", "timestamp", "nonce", "echostr"}
    assert params["signature"] == url_signature(TOKEN, params["timestamp"], params["nonce"])

    forged = await emu.verify_url(signature="0" * 40)
    assert (forged.status, forged.ok) == (403, False)
    assert service.rejected == [(403, "bad signature")]


async def test_text_gets_a_passive_reply_the_user_sees(
    emu: WeChatEmulator, service: Service
) -> None:
    citizen = emu.user()
    push = await emu.send_text(citizen, "路灯坏了")
    reply = await push.answered()

    assert (reply.kind, reply.content, reply.encrypted) == ("text", "echo: 路灯坏了", False)
    assert [a.number for a in push.attempts] == [1] and not push.service_unavailable
    [(params, body)] = service.requests
    assert set(params) == {"signature", "timestamp", "nonce", "openid"}
    assert params["openid"] == citizen.openid
    msg = parse_fields(body)
    assert msg["ToUserName"] == emu.original_id and emu.original_id.startswith("gh_")
    assert msg["FromUserName"] == citizen.openid and len(citizen.openid) == 28
    assert (msg["MsgType"], msg["Content"]) == ("text", "路灯坏了")
    assert int(msg["MsgId"]) == push.msg_id and msg["CreateTime"].isdigit()
    assert b"<Content><![CDATA[" in body  # text in CDATA, as WeChat sends it

    seen = await emu.next_message(citizen)
    assert (seen.via, seen.msgtype, seen.content, seen.push) == (
        "passive",
        "text",
        "echo: 路灯坏了",
        push,
    )
    assert (await emu.answer(push)) is seen


async def test_message_and_event_fields(
    emu: WeChatEmulator, service: Service, http: aiohttp.ClientSession
) -> None:
    citizen = emu.user(lang="en")
    pushes = [
        await emu.send_image(citizen, b"\xff\xd8photo\xff\xd9"),
        await emu.send_voice(citizen, recognition="路灯不亮"),
        await emu.send_location(citizen, 31.2304, 121.4737, scale=16, label="人民广场"),
        await emu.subscribe(citizen),
        await emu.subscribe(emu.user(), scene="dept-roads"),
        await emu.scan(citizen, "dept-water"),
        await emu.click(citizen, "MENU_MY_TICKETS"),
        await emu.view(citizen, "https://city.example/faq"),
        await emu.unsubscribe(citizen),
    ]
    for push in pushes:
        assert (await push.answered()).kind == "success"
    image, voice, location, follow, follow_qr, scan, click, view, leave = service.messages

    assert image["MsgType"] == "image" and image["MediaId"] in emu.media
    async with http.get(image["PicUrl"]) as resp:  # the CDN link of the photo
        assert await resp.read() == b"\xff\xd8photo\xff\xd9"
    assert (voice["Format"], voice["Recognition"]) == ("amr", "路灯不亮")
    assert emu.media[voice["MediaId"]].type == "voice"
    assert (location["Location_X"], location["Location_Y"]) == ("31.2304", "121.4737")
    assert (location["Scale"], location["Label"]) == ("16", "人民广场")
    assert (follow["Event"], "EventKey" in follow) == ("subscribe", False)
    assert (follow_qr["Event"], follow_qr["EventKey"]) == ("subscribe", "qrscene_dept-roads")
    assert follow_qr["Ticket"] and "MsgId" not in follow_qr
    assert (scan["Event"], scan["EventKey"]) == ("SCAN", "dept-water")
    assert (click["Event"], click["EventKey"]) == ("CLICK", "MENU_MY_TICKETS")
    assert (view["Event"], view["EventKey"]) == ("VIEW", "https://city.example/faq")
    assert leave["Event"] == "unsubscribe" and not citizen.subscribed


async def test_safe_mode_round_trip(safe_emu: WeChatEmulator, service: Service) -> None:
    citizen = safe_emu.user()
    push = await safe_emu.send_text(citizen, "加密的消息")
    reply = await push.answered()
    assert (reply.kind, reply.content, reply.encrypted) == ("text", "echo: 加密的消息", True)

    [(params, body)] = service.requests
    assert params["encrypt_type"] == "aes" and len(params["msg_signature"]) == 40
    outer = parse_fields(body)
    assert outer["ToUserName"] == safe_emu.original_id and outer["Encrypt"]
    if safe_emu.mode == "safe":
        assert set(outer) == {"ToUserName", "Encrypt"}
    else:  # compatible mode: the plaintext fields travel too
        assert outer["Content"] == "加密的消息"
    assert service.messages[0]["Content"] == "加密的消息"  # what the service decrypted


async def test_plaintext_reply_is_refused_in_safe_mode_only(
    safe_emu: WeChatEmulator, service: Service
) -> None:
    service.encrypt_replies = False
    push = await safe_emu.send_text(safe_emu.user(), "hello")
    reply = await push.answered()
    if safe_emu.mode == "safe":
        assert (reply.kind, reply.error) == ("invalid", "plaintext reply in safe mode")
        assert push.service_unavailable
    else:
        assert (reply.kind, reply.content) == ("text", "echo: hello")


async def test_timeouts_are_retried_three_times_then_the_user_sees_an_error(
    emu: WeChatEmulator, service: Service
) -> None:
    service.hold = [5.0, 5.0, 5.0]
    emu.reply_timeout = 0.2
    push = await emu.send_text(emu.user(), "slow")
    await push.finished()

    assert [a.error for a in push.attempts] == ["timeout"] * 3
    assert (push.status, push.service_unavailable) == ("failed", True)
    ids = {parse_fields(body)["MsgId"] for _, body in service.requests}
    assert ids == {str(push.msg_id)} and len(service.requests) == 3
    nonces = {params["nonce"] for params, _ in service.requests}
    assert len(nonces) == 3  # each attempt is signed afresh


async def test_retry_deduplicated_by_the_service_answered_by_customer_service(
    emu: WeChatEmulator, service: Service, api: Api
) -> None:
    """The pattern a channel follows: slow work answers ``success`` and sends the answer as a
    customer-service message; the retry of the same MsgId is recognised."""
    citizen = emu.user()
    token = await api.access_token()

    async def respond(msg: dict[str, Any]) -> str:
        assert (await api.send_text(token, msg["FromUserName"], "工单已受理"))["errcode"] == 0
        return "success"

    service.respond = respond
    service.hold = [30.0]  # the first attempt stalls; WeChat gives up on it and retries
    emu.reply_timeout = 1.0
    push = await emu.send_text(citizen, "报修")
    answer = await emu.answer(push)
    await push.finished()
    assert (answer.via, answer.content) == ("custom", "工单已受理")
    assert [a.error for a in push.attempts] == ["timeout", None]
    assert push.reply is not None and push.reply.kind == "success"

    service.release.set()  # the stalled first request goes on: it is recognised
    async with asyncio.timeout(5):
        await service.duplicate_seen.wait()
    assert len(service.acted) == 1 and len(service.duplicates) == 1
    assert service.duplicates[0]["MsgId"] == str(push.msg_id)
    assert [m.content for m in emu.inbox(citizen)] == ["工单已受理"]
    assert len(emu.sent(citizen)) == 1


async def test_without_retry_a_timeout_fails_once(emu: WeChatEmulator, service: Service) -> None:
    emu.retry = False
    emu.reply_timeout = 0.1
    service.hold = [5.0]
    push = await emu.send_text(emu.user(), "slow")
    await push.finished()
    assert [a.error for a in push.attempts] == ["timeout"]


@pytest.mark.parametrize(("status", "attempts"), [(500, 3), (503, 3), (400, 1), (403, 1)])
async def test_5xx_is_retried_4xx_is_not(
    emu: WeChatEmulator, service: Service, status: int, attempts: int
) -> None:
    emu.configure(callback_url=service.url.replace("/wechat", f"/status/{status}"))
    push = await emu.send_text(emu.user(), "x")
    await push.finished()
    assert [a.status for a in push.attempts] == [status] * attempts
    assert push.service_unavailable and push.reply is None


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ({"MsgType": "text", "Content": "hi", "ToUserName": "oSomeoneElse"}, "is not the sender"),
        ({"MsgType": "image", "Image": {"MediaId": "nope"}}, "unknown MediaId"),
        ({"MsgType": "text", "Content": "长" * 700}, "longer than 2048 bytes"),
        (
            {
                "MsgType": "news",
                "ArticleCount": 2,
                "Articles": [{"Title": "a"}, {"Title": "b"}],
            },
            "only one news article",
        ),
        ({"MsgType": "event"}, "cannot be a passive reply"),
    ],
)
async def test_invalid_passive_replies(
    emu: WeChatEmulator, service: Service, reply: dict[str, Any], error: str
) -> None:
    async def respond(msg: dict[str, Any]) -> str:
        fields = {
            "ToUserName": reply.get("ToUserName", msg["FromUserName"]),
            "FromUserName": msg["ToUserName"],
            "CreateTime": 1,
        }
        fields.update({k: v for k, v in reply.items() if k != "ToUserName"})
        return build_xml(fields)

    service.respond = respond
    citizen = emu.user()
    push = await emu.send_text(citizen, "hi")
    parsed = await push.answered()
    assert parsed.kind == "invalid" and parsed.error is not None and error in parsed.error
    assert push.service_unavailable and emu.inbox(citizen) == []


async def test_news_and_image_passive_replies(emu: WeChatEmulator, service: Service) -> None:
    media = emu.store_media(b"png", origin="upload")

    async def respond(msg: dict[str, Any]) -> dict[str, Any]:
        if msg["MsgType"] == "event":
            return {"MsgType": "image", "Image": {"MediaId": media.media_id}}
        article = {"Title": "办事指南", "Description": "d", "PicUrl": "", "Url": "https://x"}
        return {"MsgType": "news", "ArticleCount": 1, "Articles": [article]}

    service.respond = respond
    citizen = emu.user()
    await (await emu.send_text(citizen, "指南")).answered()
    await (await emu.click(citizen, "PIC")).answered()
    news, image = emu.inbox(citizen)
    assert news.msgtype == "news" and news.articles[0]["Title"] == "办事指南"
    assert (image.msgtype, image.media_id) == ("image", media.media_id)


async def test_a_wechatpy_callback_in_safe_mode() -> None:
    """A callback written with wechatpy (as DESIGN.md plans the channel) understands the
    emulator, and the emulator understands its encrypted replies."""
    wechatpy = pytest.importorskip("wechatpy", reason="wechatpy is not installed")
    from wechatpy.crypto import WeChatCrypto
    from wechatpy.replies import TextReply
    from wechatpy.utils import check_signature

    aes_key = make_aes_key()
    async with WeChatEmulator(token=TOKEN, aes_key=aes_key) as emu:
        crypto = WeChatCrypto(TOKEN, aes_key, emu.app_id)
        parsed: list[Any] = []

        async def handle(request: web.Request) -> web.Response:
            query = request.query
            check_signature(TOKEN, query["signature"], query["timestamp"], query["nonce"])
            if request.method == "GET":
                return web.Response(text=query["echostr"])
            xml = crypto.decrypt_message(
                await request.read(), query["msg_signature"], query["timestamp"], query["nonce"]
            )
            message = wechatpy.parse_message(xml)
            parsed.append(message)
            if message.type != "text":
                return web.Response(text="success")
            reply = TextReply(content=f"收到: {message.content}", message=message).render()
            return web.Response(text=crypto.encrypt_message(reply, query["nonce"]))

        app = web.Application()
        app.router.add_route("*", "/wechat", handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        try:
            emu.configure(callback_url=f"http://127.0.0.1:{runner.addresses[0][1]}/wechat")
            assert (await emu.verify_url()).ok
            citizen = emu.user()
            reply = await (await emu.send_text(citizen, "你好")).answered()
            assert (reply.kind, reply.content, reply.encrypted) == ("text", "收到: 你好", True)
            await (await emu.subscribe(citizen, scene="dept-roads")).answered()
            await (await emu.send_location(citizen, 31.23, 121.47, label="上海")).answered()
            text, follow, where = parsed
            assert (text.source, text.target) == (citizen.openid, emu.original_id)
            assert (follow.event, follow.scene_id) == ("subscribe_scan", "dept-roads")
            assert (where.location, where.label) == (("31.23", "121.47"), "上海")
        finally:
            await runner.cleanup()


def test_configuration_is_validated() -> None:
    with pytest.raises(ValueError, match="needs an EncodingAESKey"):
        WeChatEmulator(mode="safe")
    with pytest.raises(ValueError, match="43 characters"):
        WeChatEmulator(aes_key="too-short")
    with pytest.raises(ValueError, match="mode must be"):
        WeChatEmulator(mode="secret")
    emu = WeChatEmulator(aes_key=make_aes_key())
    assert emu.mode == "safe" and emu.app_id.startswith("wx") and len(emu.app_id) == 18
    emu.configure(mode="compatible")
    assert emu.mode == "compatible"
    with pytest.raises(RuntimeError, match="not started"):
        emu.settings()
