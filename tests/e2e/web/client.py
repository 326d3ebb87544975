"""A web chat visitor over real HTTP: its own cookie jar, the CSRF token, POSTs, and the
event stream read in the background (``text/event-stream`` parsed by hand: ``id:``,
``data:``, comments). Used by the end-to-end tests and bench/webchat_bench.py."""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp


@dataclass
class Event:
    id: int
    data: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.data.get("text") or "")

    def action(self, label_start: str) -> str:
        for action in self.data.get("actions") or []:
            if str(action["label"]).startswith(label_start):
                return str(action["id"])
        raise AssertionError(f"no action {label_start!r} in {self.data.get('actions')}")


@dataclass
class Visitor:
    base: str
    lang: str | None = None
    http: aiohttp.ClientSession = field(init=False)
    csrf: str = ""
    events: asyncio.Queue[Event] = field(default_factory=asyncio.Queue)
    comments: int = 0
    seen: list[Event] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None
    _stream: aiohttp.ClientResponse | None = None

    def __post_init__(self) -> None:
        headers = {"Accept-Language": self.lang} if self.lang else {}
        self.http = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), headers=headers
        )

    async def session(self) -> dict[str, Any]:
        async with self.http.get(f"{self.base}/chat/api/session") as response:
            assert response.status == 200, response.status
            body = await response.json()
        self.csrf = body["csrf"]
        return dict(body)

    async def post(
        self,
        body: Any,
        *,
        raw: bytes | None = None,
        path: str = "messages",
        content_type: str = "application/json",
    ) -> aiohttp.ClientResponse:
        data = raw if raw is not None else json.dumps(body).encode()
        async with self.http.post(
            f"{self.base}/chat/api/{path}",
            data=data,
            headers={"X-CSRF-Token": self.csrf, "Content-Type": content_type},
        ) as response:
            await response.read()
            if response.status == 202:
                answer = await response.json()
                if answer.get("reset"):
                    self.csrf = answer["csrf"]
            return response

    async def say(self, text: str) -> None:
        response = await self.post({"text": text})
        assert response.status == 202, response.status

    async def press(self, action: str) -> None:
        response = await self.post({"action": action})
        assert response.status == 202, response.status

    async def open(self, last_event_id: int | None = None) -> None:
        headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
        self._stream = await self.http.get(
            f"{self.base}/chat/api/stream", headers=headers, timeout=aiohttp.ClientTimeout(None)
        )
        assert self._stream.status == 200, self._stream.status
        assert self._stream.headers["Content-Type"].startswith("text/event-stream")
        self._reader = asyncio.create_task(self._read(self._stream))

    async def _read(self, response: aiohttp.ClientResponse) -> None:
        event_id, data = None, []
        async for raw in response.content:
            line = raw.decode().rstrip("\n")
            if line.startswith(":"):
                self.comments += 1
            elif line.startswith("id: "):
                event_id = int(line[4:])
            elif line.startswith("data: "):
                data.append(line[6:])
            elif line == "" and data:
                event = Event(event_id or 0, json.loads("\n".join(data)))
                self.seen.append(event)
                self.events.put_nowait(event)
                event_id, data = None, []

    async def close_stream(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    async def next(self, start: str = "", timeout: float = 10) -> Event:  # noqa: ASYNC109
        """The next event whose text (or echo) starts with ``start``."""
        skipped = []
        async with asyncio.timeout(timeout):
            while True:
                event = await self.events.get()
                if event.text.startswith(start) or (
                    str(event.data.get("echo", "")).startswith(start) and start
                ):
                    return event
                skipped.append(event.text[:50])
                if len(skipped) > 20:
                    raise AssertionError(f"no event starting {start!r}: {skipped}")

    async def close(self) -> None:
        await self.close_stream()
        await self.http.close()
