"""Getting updates to the bot: getUpdates long polling, or pushing to a webhook with retries."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import aiohttp

from .core import ApiError, EmulatorCore, api_method, bad_request
from .models import (
    DEFAULT_UPDATE_TYPES_EXCLUDED,
    BotState,
    Delivery,
    DeliveryAttempt,
    RecordedCall,
    WebhookConfig,
)
from .params import decode, read_multipart_fields

SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


Reply = tuple[dict[str, Any], dict[str, Any]]


def _allowed(update_type: str, allowed: list[str] | None) -> bool:
    if not allowed:
        return update_type not in DEFAULT_UPDATE_TYPES_EXCLUDED
    return update_type in allowed


class UpdateDelivery(EmulatorCore):
    """Queues updates for getUpdates, or POSTs them to the webhook like Telegram does."""

    _http: aiohttp.ClientSession | None = None
    _tasks: set[asyncio.Task[None]]

    # ------------------------------------------------------------ routing
    async def _dispatch(self, bot: BotState, update: dict[str, Any]) -> Delivery:
        """Give ``update`` (without update_id) a fresh id and route it to the bot."""
        body = {"update_id": bot.take_update_id(), **update}
        delivery = Delivery(body, bot.token)
        self.deliveries.append(delivery)
        if delivery.callback_query_id is not None:
            self._callback_queries[delivery.callback_query_id] = delivery
        self._route(bot, delivery)
        await self._notify()
        return delivery

    def _route(self, bot: BotState, delivery: Delivery) -> None:
        if bot.webhook is not None:
            if not _allowed(delivery.update_type, bot.webhook.allowed_updates):
                delivery._finish("filtered")
                return
            bot.inflight.add(delivery)
            task = asyncio.get_running_loop().create_task(self._push(bot, delivery))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            bot.pending.append(delivery)

    async def _push(self, bot: BotState, delivery: Delivery) -> None:
        loop = asyncio.get_running_loop()
        failures = 0
        while True:
            hook = bot.webhook
            if delivery.status == "dropped":
                return
            if hook is None:  # webhook removed meanwhile: back to the getUpdates queue
                bot.inflight.discard(delivery)
                bot.pending.append(delivery)
                await self._notify()
                return
            async with hook.slots:
                started = loop.time()
                status, error, text, reply = await self._post_once(hook, delivery)
                latency = loop.time() - started
            delivery.attempts.append(
                DeliveryAttempt(
                    number=len(delivery.attempts) + 1,
                    via="webhook",
                    status=status,
                    error=error,
                    latency=latency,
                    at=self.clock(),
                    body=text,
                )
            )
            if error is None:
                bot.inflight.discard(delivery)
                if reply is not None:
                    method, params = reply[0]["method"], reply[0]["params"]
                    delivery.reply_call = await self.execute(
                        bot, method, params, reply[1], via_webhook_reply=True
                    )
                delivery._finish("delivered")
                await self._notify()
                return
            bot.last_error_date = self._now()
            bot.last_error_message = error
            failures += 1
            if failures >= self.max_delivery_attempts:
                bot.inflight.discard(delivery)
                delivery._finish("failed")
                await self._notify()
                return
            await self._notify()
            delays = self.redelivery_delays or [0.0]
            await asyncio.sleep(delays[min(failures - 1, len(delays) - 1)])

    async def _post_once(
        self, hook: WebhookConfig, delivery: Delivery
    ) -> tuple[int | None, str | None, str, Reply | None]:
        """POST the update once: (status, error, error body, webhook reply call)."""
        assert self._http is not None, "emulator not started"
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        status: int | None = None
        try:
            async with self._http.post(
                hook.url,
                data=json.dumps(delivery.update),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as resp:
                status = resp.status
                if 200 <= status < 300:
                    return status, None, "", await _read_reply(resp)
                text = (await resp.text())[:500]
                return (
                    status,
                    f"Wrong response from the webhook: {status} {resp.reason}",
                    text,
                    None,
                )
        except TimeoutError:
            return status, "Read timeout expired", "", None
        except aiohttp.ClientError as exc:
            return status, f"Connection failed: {type(exc).__name__}: {exc}", "", None
        except ValueError as exc:
            return status, f"Bad webhook reply: {exc}", "", None

    # ------------------------------------------------------------ webhook
    @api_method("setWebhook")
    async def _set_webhook(self, bot: BotState, call: RecordedCall) -> Any:
        params = call.params
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(bot, call)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_RE.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        max_connections = int(params.get("max_connections") or 40)
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = params.get("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON array")
        bot.webhook = WebhookConfig(
            url=url,
            secret_token=str(secret) if secret else None,
            allowed_updates=allowed,
            max_connections=max_connections,
            ip_address=params.get("ip_address"),
            slots=asyncio.Semaphore(max_connections),
        )
        bot.poll_generation += 1  # a waiting getUpdates ends with a conflict
        waiting = list(bot.pending)
        bot.pending.clear()
        for delivery in waiting:
            if params.get("drop_pending_updates"):
                delivery._finish("dropped")
            else:
                self._route(bot, delivery)
        if params.get("drop_pending_updates"):
            self._drop_inflight(bot)
        return True

    def _drop_inflight(self, bot: BotState) -> None:
        for delivery in list(bot.inflight):
            delivery._finish("dropped")
        bot.inflight.clear()

    @api_method("deleteWebhook")
    async def _delete_webhook(self, bot: BotState, call: RecordedCall) -> Any:
        bot.webhook = None
        if call.params.get("drop_pending_updates"):
            self._drop_inflight(bot)
            for delivery in bot.pending:
                if not delivery.done:
                    delivery._finish("dropped")
            bot.pending.clear()
        return True

    @api_method("getWebhookInfo")
    async def _get_webhook_info(self, bot: BotState, call: RecordedCall) -> Any:
        pending = len(bot.inflight) + sum(1 for d in bot.pending if not d.done)
        hook = bot.webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": pending,
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if hook.ip_address:
                info["ip_address"] = hook.ip_address
            if hook.allowed_updates:
                info["allowed_updates"] = hook.allowed_updates
            if bot.last_error_date is not None:
                info["last_error_date"] = bot.last_error_date
                info["last_error_message"] = bot.last_error_message
        return info

    # ---------------------------------------------------------- getUpdates
    @api_method("getUpdates")
    async def _get_updates(self, bot: BotState, call: RecordedCall) -> Any:
        if bot.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        params = call.params
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if not 1 <= limit <= 100:
            limit = 100
        if "allowed_updates" in params and params["allowed_updates"] is not None:
            bot.allowed_updates = params["allowed_updates"] or None
        bot.poll_generation += 1
        generation = bot.poll_generation
        await self._notify()  # an older waiting getUpdates now sees the conflict

        if offset > 0:
            for delivery in [d for d in bot.pending if d.update_id < offset]:
                bot.pending.remove(delivery)
                delivery.status = "confirmed"
                delivery._done.set()
        elif offset < 0:
            keep = bot.pending[offset:]
            for delivery in bot.pending[:offset]:
                delivery._finish("dropped")
            bot.pending[:] = keep

        def available() -> list[Delivery]:
            for delivery in [
                d for d in bot.pending if not _allowed(d.update_type, bot.allowed_updates)
            ]:
                bot.pending.remove(delivery)
                delivery._finish("filtered")
            return bot.pending[:limit]

        batch = available()
        if not batch and timeout > 0:
            bot.waiting_polls += 1
            await self._notify()
            try:
                async with self._cond, asyncio.timeout(timeout):
                    while not batch:
                        if bot.poll_generation != generation:
                            raise ApiError(409, WEBHOOK_CONFLICT if bot.webhook else POLL_CONFLICT)
                        if self._stopping.is_set():
                            break
                        await self._cond.wait()
                        batch = available()
            except TimeoutError:
                batch = []
            finally:
                bot.waiting_polls -= 1
        for delivery in batch:
            delivery.attempts.append(
                DeliveryAttempt(
                    number=len(delivery.attempts) + 1,
                    via="getUpdates",
                    status=200,
                    error=None,
                    latency=0.0,
                    at=self.clock(),
                )
            )
            if not delivery.done:
                delivery._finish("delivered")
        return [d.update for d in batch]


async def _read_reply(resp: aiohttp.ClientResponse) -> Reply | None:
    """A webhook's 2xx answer may carry a Bot API call (JSON or multipart with "method")."""
    if resp.content_type == "application/json":
        body = await resp.json(content_type=None)
        if isinstance(body, dict) and body.get("method"):
            raw = {k: v for k, v in body.items() if k != "method"}
            return {"method": str(body["method"]), "params": decode(raw)}, {}
        return None
    if resp.content_type == "multipart/form-data":
        reader = aiohttp.MultipartReader(resp.headers, resp.content)
        params, files = await read_multipart_fields(reader)
        method = params.pop("method", None)
        if method:
            return {"method": str(method), "params": params}, files
        return None
    await resp.read()
    return None
