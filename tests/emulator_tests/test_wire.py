"""Wire-level checks with plain aiohttp: encodings, routing, Telegram's error bodies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.emulator import BotAPIEmulator

from .conftest import TOKEN


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def api(emu: BotAPIEmulator, method: str, token: str = TOKEN) -> str:
    return f"{emu.base_url}/bot{token}/{method}"


async def test_json_form_and_query_bodies_are_decoded(
    emu: BotAPIEmulator, http: aiohttp.ClientSession
) -> None:
    markup = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    async with http.post(
        api(emu, "sendMessage"), json={"chat_id": "301", "text": "json", "reply_markup": markup}
    ) as resp:
        body = await resp.json()
        assert resp.status == 200 and body["ok"] is True
        assert body["result"]["reply_markup"] == markup
    async with http.post(
        api(emu, "sendMessage"),
        data={
            "chat_id": "301",
            "text": "form",
            "reply_markup": json.dumps(markup),
            "disable_notification": "true",
        },
    ) as resp:
        assert resp.status == 200
    async with http.get(
        api(emu, "sendMessage"), params={"chat_id": "301", "text": "query"}
    ) as resp:
        assert resp.status == 200

    calls = emu.sent(301)
    assert [c.params["text"] for c in calls] == ["json", "form", "query"]
    assert all(c.chat_id == 301 for c in calls)
    assert calls[1].params["reply_markup"] == markup
    assert calls[1].params["disable_notification"] is True


async def test_method_names_are_case_insensitive(
    emu: BotAPIEmulator, http: aiohttp.ClientSession
) -> None:
    async with http.post(api(emu, "GETME")) as resp:
        body = await resp.json()
    assert body["ok"] is True and body["result"]["is_bot"] is True
    assert emu.requests("getMe")[0].method == "getMe"


async def test_unknown_method_and_token_answer_like_telegram(
    emu: BotAPIEmulator, http: aiohttp.ClientSession
) -> None:
    async with http.post(api(emu, "sendHologram"), data={"chat_id": "1"}) as resp:
        assert resp.status == 404
        assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    async with http.post(api(emu, "getMe", token="not-a-token")) as resp:
        assert resp.status == 401
        assert await resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    async with http.get(f"{emu.base_url}/file/bot{TOKEN}/documents/missing.pdf") as resp:
        assert resp.status == 404
    assert [c.method for c in emu.calls] == ["sendHologram"]


async def test_missing_chat_id_and_malformed_markup(
    emu: BotAPIEmulator, http: aiohttp.ClientSession
) -> None:
    async with http.post(api(emu, "sendMessage"), data={"text": "hi"}) as resp:
        assert resp.status == 400
        assert (await resp.json())["description"] == "Bad Request: chat_id is empty"
    async with http.post(
        api(emu, "sendMessage"), data={"chat_id": "1", "text": "hi", "reply_markup": "{not json"}
    ) as resp:
        assert resp.status == 400
    long_data = {"inline_keyboard": [[{"text": "x", "callback_data": "d" * 65}]]}
    async with http.post(
        api(emu, "sendMessage"), json={"chat_id": 1, "text": "hi", "reply_markup": long_data}
    ) as resp:
        assert (await resp.json())["description"] == "Bad Request: BUTTON_DATA_INVALID"


async def test_multipart_upload_with_the_file_in_the_field_itself(
    emu: BotAPIEmulator, http: aiohttp.ClientSession
) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", "55")
    form.add_field("photo", b"raw-bytes", filename="p.jpg", content_type="image/jpeg")
    async with http.post(api(emu, "sendPhoto"), data=form) as resp:
        body = await resp.json()
    file_id = body["result"]["photo"][0]["file_id"]
    async with http.post(api(emu, "getFile"), json={"file_id": file_id}) as resp:
        path = (await resp.json())["result"]["file_path"]
    async with http.get(f"{emu.base_url}/file/bot{TOKEN}/{path}") as resp:
        assert resp.status == 200 and await resp.read() == b"raw-bytes"
