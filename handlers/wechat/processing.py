"""One follower's message, processed exactly once (:meth:`WeChatProcessor.handle`).

One transaction records the message's key (``processed_message``: a retried callback finds it
and does nothing again; on PostgreSQL a retry arriving while the first is being processed on
another instance waits for that one to commit), notes the interaction (the 48-hour window),
runs the dialogue on the follower's conversation, stores the conversation, and queues the
answer: the first message as the passive reply when an HTTP request is still waiting for it
(``choose()``: see :mod:`handlers.wechat.callback`), recorded as a sent ``passive`` row, the
rest (or everything, once nobody waits any more) as customer-service messages in the outbox.
Everything commits together; only then is the passive reply given.

A retry of a message already answered passively gets the same passive reply again (WeChat
retries only when it did not get the first one). A conversation changed meanwhile by another
message of the same follower runs the message again on the new state. A bug in the dialogue is
logged, the message recorded as handled (``<kind>:error``) and the follower gets an apology.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.dialogue import Dialogue
from handlers.dialogue.model import Inbound, Outcome, Person, Text
from handlers.dialogue.state import Conversation
from handlers.wechat import state as store
from handlers.wechat.inbound import intake
from handlers.wechat.render import WxText, from_payload, render_outcome
from handlers.wechat.wire import WxMessage
from locales import DEFAULT_LANG, t
from tickets.conversations import Conversation as Stored
from tickets.models import Outbox
from tickets.outbox import SENT, enqueue
from tickets.people.citizens import Identity, find_citizen

__all__ = ["WeChatProcessor"]

log = logging.getLogger(__name__)

Choose = Callable[[], bool]


class WeChatProcessor:
    """Runs followers' messages through the dialogue, once each (see the module doc)."""

    def __init__(
        self,
        session_factory: Callable[[], AsyncSession],
        deps: Deps,
        dialogue: Dialogue | None = None,
        *,
        is_transient: Callable[[BaseException], bool] = lambda exc: False,
    ) -> None:
        self.sessions = session_factory
        self.deps = deps
        self.dialogue = dialogue or Dialogue()
        self._is_transient = is_transient
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def _follower_lock(self, openid: str) -> AsyncIterator[None]:
        """One follower's messages are processed one after the other (on this instance)."""
        lock, users = self._locks.get(openid, (asyncio.Lock(), 0))
        self._locks[openid] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[openid]
            if users <= 1:
                del self._locks[openid]
            else:
                self._locks[openid] = (lock, users - 1)

    async def handle(self, message: WxMessage, choose: Choose) -> WxText | None:
        """Process ``message`` (once); return the message given as its passive reply, if
        ``choose()`` found a request waiting for one. Raises on infrastructure failures (the
        message is then not recorded: WeChat's retry, or the caller, runs it again)."""
        async with self._follower_lock(message.openid):
            for attempt in (1, 2, 3):
                try:
                    return await self._once(message, choose)
                except store.ConversationConflict:
                    if attempt == 3:
                        raise
                    log.info("wechat message %s: its conversation changed; again", message.key)
                except Exception as exc:
                    if self._is_transient(exc):
                        raise
                    log.exception("wechat message %s (%s) failed", message.key, message.msg_type)
                    return await self._record_failure(message, choose)
        raise AssertionError("unreachable")

    async def _once(self, message: WxMessage, choose: Choose) -> WxText | None:
        now = self.deps.clock.now()
        openid = message.openid
        kind = message.event or message.msg_type
        async with self.sessions() as session, session.begin():
            if not await store.record_message(session, message.key, kind, now):
                row = await store.passive_row(session, message.key)
                if row is not None and choose():
                    return from_payload(row.payload)  # WeChat did not get it: again
                return None
            conversation, read = await store.load_state(session, openid)
            found = await store.follower(session, openid)
            options = {str(k): str(v) for k, v in (found.options if found else {}).items()}
            what = intake(message, options, conversation.step)
            if what.kind == "unsubscribe":
                await store.unsubscribe(session, openid, now)
                return None
            await store.touch(session, openid, now, interactive=what.interactive)
            if what.kind == "ignore":
                return None
            if what.kind == "voice" or what.inbound is None:
                citizen = await find_citizen(session, store.CHANNEL, openid)
                voice_lang = (citizen.language if citizen else None) or "zh"
                outs = [WxText(t(voice_lang, "wx-voice"), lang=voice_lang)]
            else:
                lang = found.lang if found is not None else None
                outs = await self._dialogue(
                    session, openid, what.inbound, conversation, read, now, lang
                )
            return await self._queue(session, message, outs, choose, now)

    async def _dialogue(
        self,
        session: AsyncSession,
        openid: str,
        inbound: Inbound,
        conversation: Conversation,
        read: Stored | None,
        now: datetime,
        lang: str | None,
    ) -> list[WxText]:
        # WeChat tells no language: a text speaks for itself; a choice, an event or a photo
        # is answered in the language of the last answer (the city's at first).
        code = None if inbound.kind == "text" else (lang or DEFAULT_LANG)
        person = Person(Identity(store.CHANNEL, openid, openid), language_code=code)
        outcome, after = await self.dialogue.handle(
            session, self.deps, person, conversation, inbound
        )
        if not outcome.handled:  # a choice that is not the citizen conversation's
            outcome = Outcome(lang=outcome.lang)
            outcome.say(Text("stale"))
        await store.save_state(session, openid, after, read, now)
        await store.set_lang(session, openid, outcome.lang, now)
        return render_outcome(outcome, openid=openid)

    async def _queue(
        self,
        session: AsyncSession,
        message: WxMessage,
        outs: list[WxText],
        choose: Choose,
        now: datetime,
    ) -> WxText | None:
        """The first message as the passive reply if someone waits for it, the rest queued."""
        openid = message.openid
        passive = None
        for index, out in enumerate(outs):
            key = store.passive_key(message.key, index)
            if index == 0 and choose():
                passive = out
                if not out.transient:  # kept (for a retry) like any message, then pruned
                    session.add(
                        Outbox(
                            created_at=now,
                            channel=store.CHANNEL,
                            address=openid,
                            method="passive",
                            payload=out.payload(),
                            status=SENT,
                            next_attempt_at=now,
                            sent_at=now,
                            dedupe_key=key,
                        )
                    )
                    await session.flush()
                await store.set_options(session, openid, out.mapping, now)
                continue
            await enqueue(
                session,
                None,
                "custom",
                out.payload(),
                channel=store.CHANNEL,
                address=openid,
                dedupe_key=key,
                transient=out.transient,
                now=now,
            )
        return passive

    async def _record_failure(self, message: WxMessage, choose: Choose) -> WxText | None:
        """After a bug: the message recorded as handled, and an apology."""
        now = self.deps.clock.now()
        kind = f"{message.event or message.msg_type}:error"
        async with self.sessions() as session, session.begin():
            if not await store.record_message(session, message.key, kind, now):
                return None
            apology = WxText(t("zh", "apology"), lang="zh")
            return await self._queue(session, message, [apology], choose, now)
