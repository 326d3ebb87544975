"""The WeChat server calling the developer's callback URL: verification, pushes, the 5 s rule."""

from __future__ import annotations

import asyncio
import hmac
from typing import Any

import aiohttp

from .core import EmulatorCore
from .crypto import CryptoError, make_nonce, msg_signature, url_signature
from .models import Push, PushAttempt, RawResponse, Received, Reply, VerifyResult, WxUser
from .xmlcodec import XmlError, build_xml, parse_fields

REPLY_TYPES = frozenset(
    {"text", "image", "voice", "video", "music", "news", "transfer_customer_service"}
)
# Message types a user sends (not events); after those WeChat takes one news article only.
USER_MESSAGES = frozenset({"text", "image", "voice", "video", "shortvideo", "location", "link"})
# Events that open the 48-hour customer-service window (VIEW and LOCATION reports do not).
INTERACTIVE_EVENTS = frozenset({"subscribe", "SCAN", "CLICK", "scancode_push", "scancode_waitmsg"})


class CallbackPusher(EmulatorCore):
    """Pushes what users do to the callback URL, the way WeChat does."""

    _http: aiohttp.ClientSession | None = None
    _tasks: set[asyncio.Task[None]]

    # -------------------------------------------------------------- wire
    def signed_params(
        self,
        *,
        encrypt: str | None = None,
        openid: str | None = None,
        timestamp: str | None = None,
        nonce: str | None = None,
    ) -> dict[str, str]:
        """Query parameters of a callback POST, correctly signed (copy and spoil them to
        forge a request). With ``encrypt`` they carry ``encrypt_type=aes&msg_signature``."""
        timestamp = timestamp or str(int(self.now()))
        nonce = nonce or make_nonce()
        params = {
            "signature": url_signature(self.token, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
        }
        if openid is not None:
            params["openid"] = openid
        if encrypt is not None:
            params["encrypt_type"] = "aes"
            params["msg_signature"] = msg_signature(self.token, timestamp, nonce, encrypt)
        return params

    def envelope(
        self,
        xml: str | bytes,
        *,
        plain_fields: dict[str, Any] | None = None,
        encrypted: str | None = None,
    ) -> tuple[str, str]:
        """(body, Encrypt) of an encrypted push: ``<xml><ToUserName/><Encrypt/></xml>``
        (compatible mode also carries ``plain_fields`` in the clear). ``encrypted`` puts a
        ready-made (e.g. forged) Encrypt text in the envelope."""
        if encrypted is None:
            encrypted = self.cipher.encrypt(xml)
        fields: dict[str, Any] = {"ToUserName": self.original_id}
        if plain_fields:
            fields.update({k: v for k, v in plain_fields.items() if k != "ToUserName"})
        fields["Encrypt"] = encrypted
        return build_xml(fields), encrypted

    def _wire(self, xml: str, fields: dict[str, Any], openid: str | None) -> tuple[dict, str]:
        """(params, body) of one attempt: fresh timestamp, nonce and encryption each time."""
        if self.mode == "plaintext":
            return self.signed_params(openid=openid), xml
        body, encrypted = self.envelope(
            xml, plain_fields=fields if self.mode == "compatible" else None
        )
        return self.signed_params(encrypt=encrypted, openid=openid), body

    async def _post(
        self,
        params: dict[str, str],
        body: bytes | str,
        *,
        method: str = "POST",
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> tuple[int | None, str, str | None, float]:
        """Send one request to the callback: (status, body text, error, latency)."""
        if self._http is None:
            raise RuntimeError("emulator not started")
        if not self.callback_url:
            raise RuntimeError("no callback URL: emu.configure(callback_url=...) first")
        loop = asyncio.get_running_loop()
        started = loop.time()
        status: int | None = None
        data = body.encode() if isinstance(body, str) else body
        try:
            async with self._http.request(
                method,
                self.callback_url,
                params=params,
                data=data if method == "POST" else None,
                headers={"Content-Type": "text/xml"} if method == "POST" else None,
                timeout=aiohttp.ClientTimeout(total=timeout or self.reply_timeout),
            ) as resp:
                status = resp.status
                raw = await resp.content.read(self.max_reply_bytes + 1)
                if len(raw) > self.max_reply_bytes:
                    return status, "", "reply too large", loop.time() - started
                text = raw.decode("utf-8", errors="replace")
                error = None if status == 200 else f"HTTP {status}"
                return status, text, error, loop.time() - started
        except TimeoutError:
            return status, "", "timeout", loop.time() - started
        except aiohttp.ClientError as exc:
            return status, "", f"connection failed: {type(exc).__name__}", loop.time() - started

    # ------------------------------------------------------- verification
    async def verify_url(
        self,
        echostr: str | None = None,
        *,
        signature: str | None = None,
        params: dict[str, str] | None = None,
    ) -> VerifyResult:
        """``GET url?signature=&timestamp=&nonce=&echostr=``, as when the admin saves the URL.
        ``signature`` overrides the right one (to forge); ``params`` replaces them all."""
        echostr = echostr or make_nonce() + make_nonce()
        if params is None:
            params = {**self.signed_params(), "echostr": echostr}
            if signature is not None:
                params["signature"] = signature
        status, text, error, _ = await self._post(params, b"", method="GET")
        return VerifyResult(status=status, body=text, echostr=echostr, params=params, error=error)

    # -------------------------------------------------------------- pushes
    async def push(self, user: WxUser, fields: dict[str, Any]) -> Push:
        """Push a message or event with ``fields`` after ToUserName/FromUserName/CreateTime
        (MsgType first). Returns at once; ``await push.answered()`` waits."""
        full: dict[str, Any] = {
            "ToUserName": self.original_id,
            "FromUserName": user.openid,
            "CreateTime": int(self.now()),
            **fields,
        }
        msg_type = str(full.get("MsgType", ""))
        if msg_type in USER_MESSAGES or (
            msg_type == "event" and full.get("Event") in INTERACTIVE_EVENTS
        ):
            self._touch(user)
        push = Push(user, full, build_xml(full))
        push.inbox_mark = len(self._inbox.get(user.openid, []))
        self.pushes.append(push)
        task = asyncio.get_running_loop().create_task(self._run_push(push))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        await self._notify()
        return push

    async def _run_push(self, push: Push) -> None:
        openid = push.user.openid if push.user else None
        for number in range(1, max(1, self.max_attempts) + 1):
            params, body = self._wire(push.xml, push.fields, openid)
            attempt = PushAttempt(number=number, params=params, body=body, at=self.now())
            status, text, error, latency = await self._post(params, body)
            attempt.status, attempt.response, attempt.error = status, text, error
            attempt.latency = latency
            push.attempts.append(attempt)
            if error is None:
                reply = self.parse_reply(text, push)
                attempt.reply = reply
                push._finish("answered", reply)
                left = push.fields.get("Event") == "unsubscribe"  # nobody sees this reply
                if reply.shown and push.user is not None and not left:
                    self._deliver(push.user.openid, _received_from(reply, push))
                await self._notify()
                return
            await self._notify()
            retryable = status is None or status >= 500
            if not (self.retry and retryable):
                break
            if self.retry_delay:
                await asyncio.sleep(self.retry_delay)
        push._finish("failed", None)
        await self._notify()

    def parse_reply(self, text: str, push: Push | None = None) -> Reply:
        """A callback's passive reply as WeChat reads it (envelope checked and decrypted)."""
        stripped = text.strip()
        if stripped == "":
            return Reply("empty", raw=text)
        if stripped == "success":
            return Reply("success", raw=text)
        try:
            outer = parse_fields(text)
        except XmlError as exc:
            return Reply("invalid", raw=text, error=str(exc))
        encrypted = "Encrypt" in outer
        if encrypted:
            if self.mode == "plaintext":
                return Reply("invalid", raw=text, error="encrypted reply in plaintext mode")
            inner, problem = self._open_envelope(outer)
            if inner is None:
                return Reply("invalid", raw=text, encrypted=True, error=problem)
        else:
            if self.mode == "safe":
                return Reply("invalid", raw=text, error="plaintext reply in safe mode")
            inner = outer
        problem = self._check_reply(inner, push)
        kind = "invalid" if problem else str(inner["MsgType"])
        return Reply(kind, raw=text, fields=inner, encrypted=encrypted, error=problem)

    def _open_envelope(self, outer: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
        encrypt = outer.get("Encrypt")
        timestamp, nonce = outer.get("TimeStamp"), outer.get("Nonce")
        signature = outer.get("MsgSignature")
        if not all(isinstance(v, str) and v for v in (encrypt, timestamp, nonce, signature)):
            return None, "envelope lacks Encrypt, MsgSignature, TimeStamp or Nonce"
        assert isinstance(encrypt, str) and isinstance(signature, str)
        expected = msg_signature(self.token, str(timestamp), str(nonce), encrypt)
        if not hmac.compare_digest(expected, signature):
            return None, "wrong MsgSignature"
        try:
            decrypted = self.cipher.decrypt(encrypt)
            return parse_fields(decrypted.xml), None
        except (CryptoError, XmlError) as exc:
            return None, f"cannot open the reply: {exc}"

    def _check_reply(self, fields: dict[str, Any], push: Push | None) -> str | None:
        msg_type = fields.get("MsgType")
        if msg_type not in REPLY_TYPES:
            return f"MsgType {msg_type!r} cannot be a passive reply"
        if push is not None and push.user is not None:
            if fields.get("ToUserName") != push.user.openid:
                return f"ToUserName {fields.get('ToUserName')!r} is not the sender"
        if fields.get("FromUserName") != self.original_id:
            return f"FromUserName {fields.get('FromUserName')!r} is not {self.original_id}"
        if not str(fields.get("CreateTime", "")).isdigit():
            return "CreateTime is not an integer"
        if msg_type == "text":
            content = fields.get("Content")
            if not isinstance(content, str) or not content:
                return "text reply without Content"
            if len(content.encode()) > self.text_limit_bytes:
                return f"text reply longer than {self.text_limit_bytes} bytes"
        if msg_type in ("image", "voice", "video"):
            block = fields.get(msg_type.capitalize())
            media_id = block.get("MediaId") if isinstance(block, dict) else None
            if media_id not in self.media:
                return f"{msg_type} reply with unknown MediaId {media_id!r}"
        if msg_type == "news":
            articles = fields.get("Articles")
            count = str(fields.get("ArticleCount", ""))
            if not isinstance(articles, list) or not count.isdigit():
                return "news reply without ArticleCount and Articles"
            if int(count) != len(articles) or not 1 <= len(articles) <= 8:
                return "news reply: ArticleCount must match 1..8 Articles"
            if push is not None and push.msg_type in USER_MESSAGES and len(articles) > 1:
                return "only one news article may answer a user's message"
        return None

    # ------------------------------------------------------- user actions
    async def send_text(
        self, user: WxUser, content: str, *, bizmsgmenuid: str | None = None
    ) -> Push:
        fields: dict[str, Any] = {"MsgType": "text", "Content": content}
        if bizmsgmenuid is not None:
            fields["bizmsgmenuid"] = bizmsgmenuid
        fields["MsgId"] = self._new_msg_id()
        return await self.push(user, fields)

    async def send_image(
        self, user: WxUser, content: bytes = b"\xff\xd8\xff\xe0emulator-jpeg\xff\xd9"
    ) -> Push:
        """The user sends a photo: the service can fetch it by MediaId or PicUrl."""
        media = self.store_media(content, type="image", content_type="image/jpeg")
        return await self.push(
            user,
            {
                "MsgType": "image",
                "PicUrl": self.pic_url(media.media_id),
                "MsgId": self._new_msg_id(),
                "MediaId": media.media_id,
            },
        )

    async def send_voice(
        self,
        user: WxUser,
        content: bytes = b"#!AMR\n\x00emulator-voice",
        *,
        format: str = "amr",
        recognition: str | None = None,
    ) -> Push:
        media = self.store_media(content, type="voice", content_type="audio/amr")
        fields: dict[str, Any] = {"MsgType": "voice", "MediaId": media.media_id, "Format": format}
        if recognition is not None:
            fields["Recognition"] = recognition
        fields["MsgId"] = self._new_msg_id()
        return await self.push(user, fields)

    async def send_location(
        self, user: WxUser, x: float, y: float, *, scale: int = 15, label: str = ""
    ) -> Push:
        """``x`` is the latitude (Location_X), ``y`` the longitude (Location_Y)."""
        return await self.push(
            user,
            {
                "MsgType": "location",
                "Location_X": x,
                "Location_Y": y,
                "Scale": scale,
                "Label": label,
                "MsgId": self._new_msg_id(),
            },
        )

    async def subscribe(self, user: WxUser, scene: str | None = None) -> Push:
        """The user follows the account; with ``scene`` by scanning a QR code with that
        scene string (EventKey ``qrscene_<scene>`` and a Ticket)."""
        user.subscribed = True
        user.subscribe_time = int(self.now())
        fields: dict[str, Any] = {"MsgType": "event", "Event": "subscribe"}
        if scene is not None:
            user.subscribe_scene, user.qr_scene_str = "ADD_SCENE_QR_CODE", scene
            fields["EventKey"] = f"qrscene_{scene}"
            fields["Ticket"] = _ticket(scene)
        else:
            user.subscribe_scene, user.qr_scene_str = "ADD_SCENE_SEARCH", ""
        return await self.push(user, fields)

    async def unsubscribe(self, user: WxUser) -> Push:
        user.subscribed = False
        return await self.push(user, {"MsgType": "event", "Event": "unsubscribe"})

    async def scan(self, user: WxUser, scene: str) -> Push:
        """A follower scans a QR code with scene string ``scene`` (EventKey = scene)."""
        return await self.push(
            user, {"MsgType": "event", "Event": "SCAN", "EventKey": scene, "Ticket": _ticket(scene)}
        )

    async def click(self, user: WxUser, key: str) -> Push:
        """A click on a menu button of type ``click`` with this key."""
        return await self.push(user, {"MsgType": "event", "Event": "CLICK", "EventKey": key})

    async def view(self, user: WxUser, url: str, *, menu_id: str | None = None) -> Push:
        """A click on a menu button of type ``view`` (opens ``url``)."""
        fields: dict[str, Any] = {"MsgType": "event", "Event": "VIEW", "EventKey": url}
        if menu_id is not None:
            fields["MenuId"] = menu_id
        return await self.push(user, fields)

    async def choose(self, user: WxUser, menu: Received, item_id: str) -> Push:
        """The user taps an item of a ``msgmenu`` message: WeChat sends its content as a text
        message with ``bizmsgmenuid``."""
        for item in menu.menu_items:
            if str(item.get("id")) == str(item_id):
                return await self.send_text(user, str(item["content"]), bizmsgmenuid=str(item_id))
        raise AssertionError(f"menu has no item {item_id!r}: {menu.menu_items}")

    def pic_url(self, media_id: str) -> str:
        return f"{self.base_url}/mmbiz/{media_id}"

    @property
    def base_url(self) -> str:  # overridden by the server
        raise NotImplementedError

    async def send_raw(
        self,
        body: bytes | str,
        params: dict[str, str] | None = None,
        *,
        wrap: bool | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
        kind: str = "raw",
    ) -> RawResponse:
        """POST ``body`` to the callback as it is (``params``: default correctly signed).

        ``wrap`` (default: in compatible and safe mode) encrypts ``body`` into a correctly
        signed envelope, so the service's defences behind the decryption are tested too.
        """
        if wrap is None:
            wrap = self.mode != "plaintext"
        sent = body.encode() if isinstance(body, str) else body
        if wrap:
            envelope, encrypted = self.envelope(sent)
            sent = envelope.encode()
            if params is None:
                params = self.signed_params(encrypt=encrypted)
        elif params is None:
            params = self.signed_params()
        status, text, error, latency = await self._post(params, sent, timeout=timeout)
        result = RawResponse(status, text, params, sent, error, latency, kind)
        self.raw_sent.append(result)
        await self._notify()
        return result


def _received_from(reply: Reply, push: Push) -> Received:
    return Received(
        via="passive",
        msgtype=reply.kind,
        content=reply.content,
        media_id=reply.media_id,
        articles=reply.articles,
        raw=reply,
        push=push,
    )


def _ticket(scene: str) -> str:
    return "gQEmulatorTicket" + "".join(f"{ord(ch):x}" for ch in scene)[:40]
