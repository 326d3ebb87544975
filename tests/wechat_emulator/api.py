"""The WeChat API the service calls: access tokens, customer-service messages, media, users."""

from __future__ import annotations

import asyncio
import json
import math
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .core import EmulatorCore, TokenState
from .models import ApiCall, Received, WxUser

MEDIA_TYPES = {
    "image": "image/jpeg",
    "voice": "audio/amr",
    "video": "video/mp4",
    "thumb": "image/jpeg",
}
MEDIA_LIMITS = {  # bytes, and the errcode beyond
    "image": (10 * 1024 * 1024, 40009, "invalid image size"),
    "voice": (2 * 1024 * 1024, 40010, "invalid voice size"),
    "video": (10 * 1024 * 1024, 40011, "invalid video size"),
    "thumb": (64 * 1024, 40009, "invalid image size"),
}
CUSTOM_TYPES = frozenset({"text", "image", "voice", "video", "news", "mpnews", "msgmenu"})

Handler = Callable[[Any, web.Request, ApiCall], Awaitable[Any]]


class WxError(Exception):
    """A WeChat error answer: HTTP 200 with ``{"errcode": ..., "errmsg": ...}``."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"{errcode} {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


def route(method: str, path: str) -> Callable[[Handler], Handler]:
    def mark(func: Handler) -> Handler:
        func._wx_route = (method, path)  # type: ignore[attr-defined]
        return func

    return mark


class WeChatApi(EmulatorCore):
    """``/cgi-bin/...`` handlers; every call is recorded in ``emu.calls``."""

    def _routes(self) -> dict[tuple[str, str], Handler]:
        found: dict[tuple[str, str], Handler] = {}
        for klass in reversed(type(self).__mro__):
            for attr in vars(klass).values():
                key = getattr(attr, "_wx_route", None)
                if key:
                    found[key] = attr
        return found

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"].strip("/")
        multipart = request.content_type.startswith("multipart/")
        body = b"" if multipart else await request.read()
        call = ApiCall(
            seq=0,
            method=request.method,
            path=path,
            query=dict(request.query),
            body=body,
            at=self.now(),
        )
        _peek(call)
        answer: web.StreamResponse | None = None
        faults = self._take_faults(path)
        for fault in faults:
            if fault.hang:
                call.fault = f"hang {fault.hang}s"
                try:
                    async with asyncio.timeout(fault.hang):
                        await self._stopping.wait()
                except TimeoutError:
                    pass
        injected = next((f for f in faults if not f.hang), None)
        if injected is not None and injected.status is not None:
            call.fault = f"injected HTTP {injected.status}"
            call.status, call.response = injected.status, f"{injected.status} emulated failure"
            answer = web.Response(status=injected.status, text=call.response)
        elif injected is not None and injected.errcode is not None:
            call.fault = f"injected errcode {injected.errcode}"
            call.response = self._error_body(injected.errcode, injected.errmsg or "")
        else:
            handler = self._routes().get((request.method, path))
            if handler is None:
                call.status, call.response = 404, "404 Not Found"
                answer = web.Response(status=404, text="404 Not Found")
            else:
                try:
                    result = await handler(self, request, call)
                except WxError as error:
                    result = self._error_body(error.errcode, error.errmsg)
                if isinstance(result, web.StreamResponse):
                    answer = result
                else:
                    call.response = result
        self._record(call)
        await self._notify()
        if answer is not None:
            return answer
        return web.json_response(call.response, dumps=_dumps)

    def _error_body(self, errcode: int, errmsg: str) -> dict[str, Any]:
        return {"errcode": errcode, "errmsg": f"{errmsg} rid: emu-{secrets.token_hex(6)}"}

    # ------------------------------------------------------------- tokens
    def _issue_token(self) -> TokenState:
        now = self.now()
        for old in self.tokens.values():  # the previous token keeps working a few minutes
            old.expires_at = min(old.expires_at, now + self.token_overlap)
        state = TokenState(
            access_token=secrets.token_urlsafe(96)[:128],
            issued_at=now,
            expires_at=now + self.token_ttl,
        )
        self.tokens[state.access_token] = state
        return state

    def expire_tokens(self) -> None:
        """Every access_token issued so far is expired: calls get 42001."""
        for state in self.tokens.values():
            state.expires_at = min(state.expires_at, self.now())

    def invalidate_tokens(self) -> None:
        """Every access_token issued so far is invalid (e.g. the secret was reset): 40001."""
        for state in self.tokens.values():
            state.invalidated = True

    def _check_credentials(self, appid: Any, secret: Any) -> None:
        if appid != self.app_id:
            raise WxError(40013, "invalid appid")
        if secret != self.app_secret:
            raise WxError(40125, "invalid appsecret")

    def _token_answer(self, state: TokenState) -> dict[str, Any]:
        return {
            "access_token": state.access_token,
            "expires_in": max(0, math.ceil(state.expires_at - self.now())),
        }

    @route("GET", "token")
    async def _get_token(self, request: web.Request, call: ApiCall) -> Any:
        if call.query.get("grant_type") != "client_credential":
            raise WxError(40002, "invalid grant_type")
        self._check_credentials(call.query.get("appid"), call.query.get("secret"))
        return self._token_answer(self._issue_token())

    @route("POST", "stable_token")
    async def _stable_token(self, request: web.Request, call: ApiCall) -> Any:
        data = self._json_body(call)
        if data.get("grant_type") != "client_credential":
            raise WxError(40002, "invalid grant_type")
        self._check_credentials(data.get("appid"), data.get("secret"))
        if not data.get("force_refresh"):
            for state in reversed(list(self.tokens.values())):
                if not state.invalidated and state.expires_at > self.now() + self.token_overlap:
                    return self._token_answer(state)
        return self._token_answer(self._issue_token())

    def _authorize(self, call: ApiCall) -> None:
        token = call.query.get("access_token")
        if not token:
            raise WxError(41001, "access_token missing")
        state = self.tokens.get(token)
        if state is None or state.invalidated:
            raise WxError(40001, "invalid credential, access_token is invalid or not latest")
        if self.now() >= state.expires_at:
            raise WxError(42001, "access_token expired")

    def _json_body(self, call: ApiCall) -> dict[str, Any]:
        if not call.body.strip():
            raise WxError(44002, "empty post data")
        try:
            data = json.loads(call.body)
        except (ValueError, RecursionError):
            raise WxError(47001, "data format error") from None
        if not isinstance(data, dict):
            raise WxError(47001, "data format error")
        call.json = data
        return data

    def _known_user(self, openid: Any) -> WxUser:
        user = self.users.get(openid) if isinstance(openid, str) else None
        if user is None:
            raise WxError(40003, "invalid openid")
        return user

    def _check_window(self, user: WxUser) -> None:
        last = user.last_interaction
        if not user.subscribed or last is None or self.now() - last > self.window_seconds:
            raise WxError(45015, "response out of time limit or subscription is canceled")

    # ------------------------------------------------- customer service
    @route("POST", "message/custom/send")
    async def _custom_send(self, request: web.Request, call: ApiCall) -> Any:
        self._authorize(call)
        data = self._json_body(call)
        call.openid = data.get("touser") if isinstance(data.get("touser"), str) else None
        user = self._known_user(data.get("touser"))
        msgtype = data.get("msgtype")
        if msgtype not in CUSTOM_TYPES:
            raise WxError(40008, "invalid message type")
        received = self._validate_custom(msgtype, data)
        self._check_window(user)
        if user.sent_since_interaction >= self.custom_quota:
            raise WxError(45047, "out of response count limit")
        user.sent_since_interaction += 1
        self._deliver(user.openid, received)
        return {"errcode": 0, "errmsg": "ok"}

    def _validate_custom(self, msgtype: str, data: dict[str, Any]) -> Received:
        block = data.get(msgtype)
        if not isinstance(block, dict):
            raise WxError(47001, "data format error")
        received = Received(via="custom", msgtype=msgtype, raw=data)
        if msgtype == "text":
            content = block.get("content")
            if not isinstance(content, str):
                raise WxError(47001, "data format error")
            if not content:
                raise WxError(44004, "empty content")
            if len(content.encode()) > self.text_limit_bytes:
                raise WxError(45002, "content size out of limit")
            received.content = content
        elif msgtype in ("image", "voice", "video"):
            media_id = block.get("media_id")
            if not isinstance(media_id, str) or not media_id:
                raise WxError(40007, "invalid media_id")
            if media_id not in self.media:
                raise WxError(40007, "invalid media_id")
            received.media_id = media_id
        elif msgtype == "mpnews":
            media_id = block.get("media_id")
            if not isinstance(media_id, str) or not media_id:
                raise WxError(40007, "invalid media_id")
            received.media_id = media_id
        elif msgtype == "news":
            articles = block.get("articles")
            if not isinstance(articles, list) or not articles:
                raise WxError(44003, "empty news data")
            if len(articles) > 1:  # customer-service news: one article since 2018
                raise WxError(45008, "article size out of limit")
            for article in articles:
                if not isinstance(article, dict) or not isinstance(article.get("title"), str):
                    raise WxError(47001, "data format error")
            received.articles = articles
        else:  # msgmenu
            items = block.get("list")
            if not isinstance(items, list) or not items:
                raise WxError(47001, "data format error")
            for item in items:
                if not (
                    isinstance(item, dict)
                    and isinstance(item.get("id"), str | int)
                    and str(item.get("id"))
                    and isinstance(item.get("content"), str)
                    and item["content"]
                ):
                    raise WxError(47001, "data format error")
            for key in ("head_content", "tail_content"):
                if key in block and not isinstance(block[key], str):
                    raise WxError(47001, "data format error")
            received.menu = block
            received.content = block.get("head_content")
        return received

    @route("POST", "message/custom/typing")
    async def _typing(self, request: web.Request, call: ApiCall) -> Any:
        self._authorize(call)
        data = self._json_body(call)
        call.openid = data.get("touser") if isinstance(data.get("touser"), str) else None
        user = self._known_user(data.get("touser"))
        if data.get("command") not in ("Typing", "CancelTyping"):
            raise WxError(47001, "data format error")
        self._check_window(user)
        return {"errcode": 0, "errmsg": "ok"}

    # -------------------------------------------------------------- media
    @route("POST", "media/upload")
    async def _media_upload(self, request: web.Request, call: ApiCall) -> Any:
        self._authorize(call)
        kind = call.query.get("type")
        if kind not in MEDIA_TYPES:
            raise WxError(40004, "invalid media type")
        if not request.content_type.startswith("multipart/"):
            raise WxError(41005, "media data missing")
        form = await request.post()
        field = form.get("media")
        if field is None or not hasattr(field, "file"):
            raise WxError(41005, "media data missing")
        content = field.file.read()
        call.body = content
        limit, errcode, errmsg = MEDIA_LIMITS[kind]
        if not content:
            raise WxError(41005, "media data missing")
        if len(content) > limit:
            raise WxError(errcode, errmsg)
        media = self.store_media(
            content,
            type=kind,
            content_type=field.content_type or MEDIA_TYPES[kind],
            filename=field.filename,
            origin="upload",
        )
        key = "thumb_media_id" if kind == "thumb" else "media_id"
        return {"type": kind, key: media.media_id, "created_at": media.created_at}

    @route("GET", "media/get")
    async def _media_get(self, request: web.Request, call: ApiCall) -> Any:
        self._authorize(call)
        media_id = call.query.get("media_id")
        if not media_id:
            raise WxError(41006, "media_id missing")
        media = self.media.get(media_id)
        if media is None:
            raise WxError(40007, "invalid media_id")
        call.response = {"bytes": len(media.content), "content_type": media.content_type}
        return web.Response(
            body=media.content,
            content_type=media.content_type,
            headers={"Content-disposition": f'attachment; filename="{media.filename}"'},
        )

    # -------------------------------------------------------------- users
    @route("GET", "user/info")
    async def _user_info(self, request: web.Request, call: ApiCall) -> Any:
        self._authorize(call)
        call.openid = call.query.get("openid")
        user = self._known_user(call.openid)
        if not user.subscribed:
            return {"subscribe": 0, "openid": user.openid}
        info: dict[str, Any] = {
            "subscribe": 1,
            "openid": user.openid,
            "language": user.lang,
            "subscribe_time": user.subscribe_time or 0,
            "remark": "",
            "groupid": 0,
            "tagid_list": [],
            "subscribe_scene": user.subscribe_scene,
            "qr_scene": 0,
            "qr_scene_str": user.qr_scene_str,
        }
        if user.unionid:
            info["unionid"] = user.unionid
        return info


def _peek(call: ApiCall) -> None:
    """Best-effort JSON and recipient of a call, so faulted calls are attributed too."""
    call.openid = call.query.get("openid")
    if not call.body.strip():
        return
    try:
        data = json.loads(call.body)
    except (ValueError, RecursionError):
        return
    if isinstance(data, dict):
        call.json = data
        if isinstance(data.get("touser"), str):
            call.openid = data["touser"]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
