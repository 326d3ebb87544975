"""Customer-service delivery: the access token shared by two instances (one refresh), and
WeChat's answers (window, quota, token errors) turned into the outbox's outcomes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.outbox import PermanentFailure, RetryLater
from bot.wechat_transport import WeChatTransport
from handlers.wechat.api import TokenStore, WxApiError
from tickets.clock import FixedClock
from tickets.models import Outbox, WeChatFollower

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


@dataclass
class FakeApi:
    app_id: str = "wx0123456789abcdef"
    issued: int = 0
    sends: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    answers: list[WxApiError] = field(default_factory=list)

    async def fetch_token(self) -> tuple[str, int]:
        self.issued += 1
        await asyncio.sleep(0.05)  # another instance may ask meanwhile
        return f"token-{self.issued}", 7200

    async def custom_send(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        self.sends.append((token, body))
        if self.answers:
            raise self.answers.pop(0)
        return {"errcode": 0}


async def test_two_instances_share_one_token_and_one_refresh(session_factory) -> None:
    api, clock = FakeApi(), FixedClock(START)
    first = TokenStore(api, session_factory, clock, wait_step=0.01)  # type: ignore[arg-type]
    second = TokenStore(api, session_factory, clock, wait_step=0.01)  # type: ignore[arg-type]
    tokens = await asyncio.gather(first.get(), second.get(), first.get())
    assert tokens == ["token-1"] * 3 and api.issued == 1
    # WeChat refused token-1 (40001) to both: one refresh, both get token-2.
    again = await asyncio.gather(first.refresh("token-1"), second.refresh("token-1"))
    assert again == ["token-2", "token-2"] and api.issued == 2
    clock.advance(timedelta(hours=2))  # expired: refreshed before use
    assert await second.get() == "token-3" and await first.get() == "token-3"


async def _transport(session_factory, api: FakeApi, clock: FixedClock) -> WeChatTransport:  # type: ignore[no-untyped-def]
    tokens = TokenStore(api, session_factory, clock, wait_step=0.01)  # type: ignore[arg-type]
    return WeChatTransport(api, tokens, session_factory, clock)  # type: ignore[arg-type]


async def _follower(session_factory, clock: FixedClock, **fields: Any) -> None:  # type: ignore[no-untyped-def]
    async with session_factory() as session:
        session.add(WeChatFollower(openid="oF", last_interaction_at=clock.now(), **fields))
        await session.commit()


def _row(**payload: Any) -> Outbox:
    return Outbox(channel="wechat", address="oF", method="message", payload=payload)


async def test_a_message_goes_with_its_options_and_the_token_is_refreshed_once(
    session_factory,
) -> None:
    api, clock = FakeApi(), FixedClock(START)
    await _follower(session_factory, clock)
    transport = await _transport(session_factory, api, clock)
    api.answers = [WxApiError(40001, "invalid credential")]
    keyboard = {"inline_keyboard": [[{"text": "✅ 已解决", "callback_data": "tk:resolved:3"}]]}
    await transport.deliver(_row(text="💬 答复", reply_markup=keyboard))
    assert [token for token, _ in api.sends] == ["token-1", "token-2"]
    body = api.sends[-1][1]
    assert body["touser"] == "oF" and body["msgtype"] == "msgmenu"
    async with session_factory() as session:
        follower = await session.get(WeChatFollower, "oF")
    assert follower is not None and follower.options == {"1": "tk:resolved:3"}


@pytest.mark.parametrize(
    ("errcode", "outcome", "consumes"),
    [
        (45015, PermanentFailure, None),
        (45047, RetryLater, False),
        (45009, RetryLater, False),
        (40164, RetryLater, False),
        (45002, PermanentFailure, None),
    ],
)
async def test_wechat_s_errcodes(session_factory, errcode: int, outcome: type, consumes) -> None:  # type: ignore[no-untyped-def]
    api, clock = FakeApi(), FixedClock(START)
    await _follower(session_factory, clock)
    transport = await _transport(session_factory, api, clock)
    api.answers = [WxApiError(errcode, "injected")]
    with pytest.raises(outcome) as raised:
        await transport.deliver(_row(text="hello"))
    if consumes is not None:
        assert raised.value.consume_attempt is consumes
    if errcode == 45015:
        assert str(raised.value).startswith("window")


async def test_nothing_is_sent_outside_the_window_or_after_unfollowing(session_factory) -> None:
    api, clock = FakeApi(), FixedClock(START)
    await _follower(session_factory, clock)
    transport = await _transport(session_factory, api, clock)
    clock.advance(timedelta(hours=48))
    with pytest.raises(PermanentFailure, match=r"^window"):
        await transport.deliver(_row(text="late"))
    async with session_factory() as session:
        follower = await session.get(WeChatFollower, "oF")
        assert follower is not None
        follower.subscribed, follower.last_interaction_at = False, clock.now()
        session.add(follower)
        await session.commit()
    with pytest.raises(PermanentFailure, match=r"^unsubscribed"):
        await transport.deliver(_row(text="gone"))
    assert api.sends == [] and api.issued == 0
