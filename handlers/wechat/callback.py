"""The callback URL (``WECHAT_PATH``): URL verification, and followers' messages with the
5-second rule.

``GET`` with ``signature, timestamp, nonce, echostr`` answers ``echostr`` when the signature is
the Token's (403 otherwise). ``POST`` (one message or event, signed; in safe mode encrypted):
403 for a wrong signature, 400 for a body that is not a WeChat message, 413 for one too large,
503 while shutting down (WeChat retries), 500 when the database failed (WeChat retries); else
200 with the passive reply, or ``success`` (nothing shown).

The 5-second rule: WeChat waits 5 s for the answer, then posts the message again (three times
in all). A message is processed by one task per instance (:class:`_Job`, found by the
message's key), whichever of its attempts arrived first; every attempt waits for it until its
own deadline (``WECHAT_REPLY_DEADLINE``, 4 s). The processing gives its first message as the
passive reply to the newest attempt still waiting (the one WeChat listens to) and queues the
rest as customer-service messages; once no attempt waits any more, the attempts answer
``success`` and the whole answer goes out as customer-service messages. An attempt chosen for
the passive reply waits for the commit (never answers ``success`` for an answer recorded as
given passively).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from handlers.wechat.processing import WeChatProcessor
from handlers.wechat.render import WxText, numbered
from handlers.wechat.wire import (
    MAX_BODY,
    WireError,
    WxMessage,
    check_signature,
    open_body,
    text_reply,
)
from tickets.clock import Clock

__all__ = ["WeChatCallback", "WeChatKeys"]

log = logging.getLogger(__name__)

SUCCESS = "success"
RETRY_DELAYS = (0.5, 2.0)  # a message whose processing failed is tried again in the background


@dataclass(frozen=True)
class WeChatKeys:
    """The account's credentials the callback needs."""

    token: str
    app_id: str
    aes_key: str | None = None


@dataclass
class _Attempt:
    """One HTTP request of a message, waiting for its answer."""

    deadline: float  # the event loop's time
    alive: Callable[[], bool]
    chosen: bool = False
    gave_up: bool = False
    decided: asyncio.Event = field(default_factory=asyncio.Event)
    answer: asyncio.Future[tuple[int, str]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )

    def settle(self, status: int, body: str) -> None:
        if not self.answer.done():
            self.answer.set_result((status, body))
        self.decided.set()


@dataclass
class _Job:
    """The processing of one message on this instance, and the attempts waiting for it."""

    message: WxMessage
    attempts: list[_Attempt] = field(default_factory=list)
    chosen: _Attempt | None = None
    task: asyncio.Task[None] | None = None

    def choose(self) -> bool:
        """Take the newest attempt still waiting for the passive reply (once per message)."""
        if self.chosen is not None:
            return True
        now = asyncio.get_running_loop().time()
        for attempt in reversed(self.attempts):
            if not attempt.gave_up and attempt.deadline > now and attempt.alive():
                attempt.chosen = True
                attempt.decided.set()
                self.chosen = attempt
                return True
        return False

    def finish(self, passive: str | None) -> None:
        for attempt in self.attempts:
            body = passive if attempt is self.chosen and passive is not None else SUCCESS
            attempt.settle(200, body)

    def fail(self) -> None:
        """The processing failed (nothing committed): the waiting attempts answer 500, so
        WeChat tries again; a later attempt may be chosen."""
        for attempt in self.attempts:
            attempt.settle(500, "temporarily unavailable")
        self.attempts = [a for a in self.attempts if not a.answer.done()]
        self.chosen = None


class WeChatCallback:
    """``GET``/``POST WECHAT_PATH`` (see the module docstring)."""

    def __init__(
        self,
        keys: WeChatKeys,
        processor: WeChatProcessor,
        clock: Clock,
        *,
        deadline: float = 4.0,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.keys = keys
        self.processor = processor
        self.clock = clock
        self.deadline = deadline
        self.on_commit = on_commit
        self.accepting = True
        self._jobs: dict[str, _Job] = {}

    def _now(self) -> float:
        return self.clock.now().timestamp()

    async def verify(self, request: web.Request) -> web.Response:
        try:
            check_signature(self.keys.token, request.query, self._now())
        except WireError as exc:
            log.warning("wechat: URL verification refused: %s", exc.reason)
            return web.Response(status=exc.status, text="forbidden")
        return web.Response(text=request.query.get("echostr", ""), content_type="text/plain")

    async def receive(self, request: web.Request) -> web.Response:
        started = asyncio.get_running_loop().time()
        try:
            check_signature(self.keys.token, request.query, self._now())
            if not self.accepting:
                return web.Response(status=503, text="shutting down; send again later")
            message = open_body(
                await self._body(request),
                request.query,
                token=self.keys.token,
                aes_key=self.keys.aes_key,
                app_id=self.keys.app_id,
            )
        except WireError as exc:
            log.warning("wechat: request refused (%s): %s", exc.status, exc.reason)
            return web.Response(status=exc.status, text="refused")
        attempt = _Attempt(started + self.deadline, _alive(request))
        job = self._jobs.get(message.key)
        if job is None:
            job = self._jobs[message.key] = _Job(message)
            job.attempts.append(attempt)
            job.task = asyncio.create_task(self._run(job), name=f"wechat-{message.key}")
        else:
            job.attempts.append(attempt)  # a retry while the first attempt is processed
        status, body = await self._wait(attempt)
        if status != 200:
            return web.Response(status=status, text=body)
        content_type = "text/plain" if body == SUCCESS else "application/xml"
        return web.Response(text=body, content_type=content_type)

    async def _body(self, request: web.Request) -> bytes:
        if request.content_length is not None and request.content_length > MAX_BODY:
            raise WireError(413, f"body larger than {MAX_BODY} bytes")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise WireError(413, f"body larger than {MAX_BODY} bytes") from None
        if len(body) > MAX_BODY:
            raise WireError(413, f"body larger than {MAX_BODY} bytes")
        return body

    async def _wait(self, attempt: _Attempt) -> tuple[int, str]:
        remaining = attempt.deadline - asyncio.get_running_loop().time()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(attempt.decided.wait(), max(0.0, remaining))
        if not attempt.chosen and not attempt.answer.done():
            attempt.gave_up = True  # too late for a passive reply: customer service sends it
            return 200, SUCCESS
        return await asyncio.shield(attempt.answer)

    async def _run(self, job: _Job) -> None:
        message = job.message
        try:
            for delay in (*RETRY_DELAYS, None):
                try:
                    passive = await self.processor.handle(message, job.choose)
                except Exception as exc:
                    job.fail()
                    if delay is None:
                        log.error(
                            "wechat message %s not processed: %s: %s",
                            message.key,
                            type(exc).__name__,
                            exc,
                        )
                        return
                    log.warning("wechat message %s: %s; trying again", message.key, exc)
                    await asyncio.sleep(delay)
                    continue
                job.finish(self._reply(message, passive) if passive is not None else None)
                if self.on_commit is not None:
                    self.on_commit()
                return
        finally:
            job.finish(None)
            self._jobs.pop(message.key, None)

    def _reply(self, message: WxMessage, passive: WxText) -> str:
        return text_reply(
            message,
            numbered(passive),
            now=int(self._now()),
            token=self.keys.token,
            aes_key=self.keys.aes_key,
            app_id=self.keys.app_id,
        )

    async def drain(self, timeout: float) -> bool:  # noqa: ASYNC109
        """Stop taking messages and wait for those in flight; False if time ran out."""
        self.accepting = False
        tasks = [job.task for job in self._jobs.values() if job.task is not None]
        if not tasks:
            return True
        _done, pending = await asyncio.wait(tasks, timeout=timeout)
        return not pending


def _alive(request: web.Request) -> Callable[[], bool]:
    def alive() -> bool:
        transport = request.transport
        return transport is not None and not transport.is_closing()

    return alive
