"""The web chat's HTTP side (the contract is in ../shared/DESIGN.md, "Interfaces").

* ``GET /chat``: the page (zh / en from ``?lang=``, the ``cd_lang`` cookie, else
  ``Accept-Language``); ``?start=<payload>`` is a deep link like Telegram's (a poster's QR code:
  ``sub-<topic>`` subscribes after a confirmation, ``faq-<id>`` shows an answer, ``dept-<slug>``
  starts a request to that department): the page sends it once as the action
  ``start:<payload>``, then drops it from the address so a reload does not repeat it; ``GET /chat/static/*``: its script and style; ``GET /chat/widget.js``:
  the snippet that opens it as a floating panel on the city's pages (``WEBCHAT_ORIGINS``);
* ``GET /chat/api/session``: ``{"csrf", "lang"}``; sets the visitor cookie (HttpOnly,
  SameSite=Lax) when there is none;
* ``POST /chat/api/messages``: ``{"text"}``, ``{"action"}`` (a button's id, ``cmd:<command>``
  of the menu, ``start:<payload>`` of a deep link) or ``{"contact": {"phone" |
  "email", "consent": true}}`` or ``{"location": {"latitude", "longitude"}}`` -> 202; 401 without the cookie, 403 without a valid
  ``X-CSRF-Token``, 413 too large, 429 too fast, 400 malformed;
* ``POST /chat/api/photo``: the raw bytes of a JPEG, PNG, GIF or WebP (checked by their magic
  bytes, at most ``WEBCHAT_PHOTO_MAX``) -> 202, handed to the dialogue as a photo;
* ``GET /chat/api/stream``: ``text/event-stream`` of the visitor's events from
  ``Last-Event-ID`` (or ``?after=``; none: the whole conversation), heartbeats as comments.

Every response under ``/chat`` carries the CSP (scripts and styles from this origin only,
``frame-ancestors`` = this origin and ``WEBCHAT_ORIGINS``), ``X-Frame-Options: SAMEORIGIN``
when no other origin may embed it, ``nosniff`` and ``no-referrer``. Nothing personal is put in
a URL or a log line (a log names the visitor by a short hash at most).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from sqlalchemy.exc import DataError, SQLAlchemyError

from handlers.dialogue.model import MAX_ACTION_ID, Inbound
from handlers.storable import valid_unicode, without_nul
from handlers.web.chat import events
from handlers.web.chat.hub import StreamHub
from handlers.web.chat.limits import RateLimiter
from handlers.web.chat.processing import Handled, WebChatProcessor
from handlers.web.chat.render import NO_PHONE
from handlers.web.chat.signing import COOKIE, Signer, new_visitor_id
from locales import DEFAULT_LANG, resolve_lang, t

__all__ = ["WebChat", "sniff_image"]

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
LANG_COOKIE = "cd_lang"
COOKIE_AGE = 365 * 24 * 3600
BODY_MAX = 16_384  # bytes of a JSON message (the text limit is checked after parsing)
STREAM_POLL = 4  # heartbeats between two reads of the database while nothing woke a stream
INT64 = 2**63 - 1
_DIGITS = re.compile(r"\d+")
COMMANDS = {"mytickets", "new", "mydata", "deleteme", "language", "help", "start", "subscribe"}
# A deep link's payload (``/chat?start=sub-road-closures``, like Telegram's ``?start=``).
START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def sniff_image(data: bytes) -> str | None:
    """The image type of ``data`` by its magic bytes (JPEG, PNG, GIF, WebP), else None."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _error(status: int, reason: str, **headers: str) -> web.Response:
    return web.json_response({"error": reason}, status=status, headers=headers or None)


def pick_lang(request: web.Request) -> str:
    asked = request.query.get("lang")
    if asked in ("zh", "en"):
        return asked
    saved = request.cookies.get(LANG_COOKIE)
    if saved in ("zh", "en"):
        return saved
    best: tuple[float, str] | None = None
    for item in request.headers.get("Accept-Language", "").split(",")[:20]:
        code, _, q = item.strip().partition(";q=")
        lang = resolve_lang(code.strip(), None)
        if lang is None:
            continue
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if best is None or weight > best[0]:
            best = (weight, lang)
    return best[1] if best else DEFAULT_LANG


class WebChat:
    """The routes (see the module docstring); ``signer`` is set at start (the key may come
    from the database)."""

    def __init__(
        self,
        settings: Any,
        session_factory: Callable[[], Any],
        processor: WebChatProcessor,
        hub: StreamHub,
        *,
        on_commit: Callable[[list[str]], None],
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self.settings = settings
        self.sessions = session_factory
        self.processor = processor
        self.hub = hub
        self.on_commit = on_commit
        self.signer: Signer | None = None
        self.load_key: Callable[[], Awaitable[Signer]] | None = None
        self._key_lock = asyncio.Lock()
        clock = {"clock": monotonic} if monotonic is not None else {}
        self.visitor_limit: Any = RateLimiter(settings.webchat_rate, **clock)
        self.ip_limit: Any = RateLimiter(settings.webchat_ip_rate, **clock)
        self.closing = False
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.csp = self._csp()

    # -- wiring ------------------------------------------------------------------------------
    async def ensure_signer(self) -> Signer:
        """The signer (its key may come from the database: loaded once, on first need)."""
        if self.signer is None:
            async with self._key_lock:
                if self.signer is None:
                    assert self.load_key is not None
                    self.signer = await self.load_key()
        return self.signer

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/chat/api/") and self.signer is None:
            try:
                await self.ensure_signer()
            except Exception as exc:
                log.warning("web chat: no signing key: %s: %s", type(exc).__name__, exc)
                return _error(503, "the desk is starting or its database is down; try again")
        return await handler(request)

    def routes(self, app: web.Application) -> None:
        app.middlewares.append(self.middleware)
        app.router.add_get("/chat", self.page)
        app.router.add_get("/chat/widget.js", self.widget)
        app.router.add_get("/chat/static/{name}", self.static)
        app.router.add_get("/chat/api/session", self.session)
        app.router.add_post("/chat/api/messages", self.message)
        app.router.add_post("/chat/api/photo", self.photo)
        app.router.add_get("/chat/api/stream", self.stream)

    def _csp(self) -> str:
        ancestors = " ".join(["'self'", *self.settings.webchat_origins])
        return (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self'; frame-ancestors {ancestors}; base-uri 'none'; "
            "form-action 'none'"
        )

    def _headers(self, response: web.StreamResponse, *, cache: str = "no-store") -> None:
        response.headers["Content-Security-Policy"] = self.csp
        if not self.settings.webchat_origins:
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = cache

    def _secure(self, request: web.Request) -> bool:
        return request.secure or str(self.settings.console_base_url).startswith("https://")

    def _visitor(self, request: web.Request) -> str | None:
        assert self.signer is not None
        return self.signer.visitor(request.cookies.get(COOKIE))

    def _set_visitor(
        self, request: web.Request, response: web.StreamResponse, visitor: str
    ) -> None:
        assert self.signer is not None
        response.set_cookie(
            COOKIE,
            self.signer.cookie(visitor),
            max_age=COOKIE_AGE,
            path="/chat",
            httponly=True,
            samesite="Lax",
            secure=self._secure(request),
        )

    def _ip(self, request: web.Request) -> str:
        if self.settings.webchat_trust_proxy:
            forwarded = request.headers.get("X-Forwarded-For", "")
            last = forwarded.split(",")[-1].strip()
            if last:
                return last[:64]
        return str(request.remote or "?")

    # -- the page ----------------------------------------------------------------------------
    async def page(self, request: web.Request) -> web.Response:
        lang = pick_lang(request)
        start = request.query.get("start", "")
        city = self.settings.city_name or t(lang, "web-city_default")
        html = self.env.get_template("chat.html").render(
            t=lambda key, **p: t(lang, key, **p),
            lang=lang,
            other="en" if lang == "zh" else "zh",
            city=city,
            color=self.settings.webchat_color,
            text_max=self.settings.webchat_text_max,
            photo_max=self.settings.webchat_photo_max,
            embed=request.query.get("embed") == "1",
            start=start if START_PAYLOAD.match(start) else "",
        )
        response = web.Response(text=html, content_type="text/html")
        self._headers(response)
        if request.query.get("lang") in ("zh", "en"):
            response.set_cookie(
                LANG_COOKIE,
                lang,
                max_age=COOKIE_AGE,
                path="/chat",
                samesite="Lax",
                httponly=True,
                secure=self._secure(request),
            )
        return response

    async def static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        kinds = {"chat.js": "text/javascript", "chat.css": "text/css"}
        if name not in kinds:
            raise web.HTTPNotFound()
        body = (HERE / "static" / name).read_bytes()
        if name == "chat.css":
            body = body.replace(b"#0b5cad", self.settings.webchat_color.encode())
        response = web.Response(body=body, content_type=kinds[name], charset="utf-8")
        self._headers(response, cache="public, max-age=300")
        return response

    async def widget(self, request: web.Request) -> web.Response:
        body = (HERE / "static" / "widget.js").read_text(encoding="utf-8")
        lang = pick_lang(request)
        body = body.replace("__LABEL__", json.dumps(t(lang, "web-widget_open")))
        body = body.replace("__CLOSE__", json.dumps(t(lang, "web-widget_close")))
        body = body.replace("__COLOR__", json.dumps(self.settings.webchat_color))
        response = web.Response(text=body, content_type="text/javascript")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "public, max-age=300"
        return response

    # -- the API -----------------------------------------------------------------------------
    async def session(self, request: web.Request) -> web.Response:
        assert self.signer is not None
        visitor = self._visitor(request)
        fresh = visitor is None
        if visitor is None:
            visitor = new_visitor_id()
        lang = pick_lang(request)
        response = web.json_response({"csrf": self.signer.csrf(visitor), "lang": lang})
        self._headers(response)
        if fresh:
            self._set_visitor(request, response, visitor)
        if request.query.get("lang") in ("zh", "en"):
            response.set_cookie(
                LANG_COOKIE,
                lang,
                max_age=COOKIE_AGE,
                path="/chat",
                samesite="Lax",
                httponly=True,
                secure=self._secure(request),
            )
        return response

    async def _guard(self, request: web.Request) -> tuple[str | None, web.Response | None]:
        """The visitor of a POST, or the refusal (401, 403, 429)."""
        assert self.signer is not None
        visitor = self._visitor(request)
        if visitor is None:
            return None, _error(401, "no visitor cookie: GET /chat/api/session first")
        if not self.signer.check_csrf(visitor, request.headers.get("X-CSRF-Token")):
            return None, _error(403, "missing or invalid X-CSRF-Token")
        for limiter, key in ((self.ip_limit, self._ip(request)), (self.visitor_limit, visitor)):
            wait = await limiter.acquire(key)
            if wait:
                seconds = str(max(1, int(wait + 0.999)))
                return None, _error(429, "too many messages", **{"Retry-After": seconds})
        return visitor, None

    async def _body(self, request: web.Request, limit: int) -> bytes | web.Response:
        length = request.content_length
        if length is not None and length > limit:
            return _error(413, f"larger than {limit} bytes")
        data = await request.content.read(limit + 1)
        if len(data) > limit:
            return _error(413, f"larger than {limit} bytes")
        return data

    async def message(self, request: web.Request) -> web.Response:
        visitor, refused = await self._guard(request)
        if refused is not None:
            return refused
        assert visitor is not None
        data = await self._body(request, BODY_MAX)
        if isinstance(data, web.Response):
            return data
        try:
            body = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):
            return _error(400, 'the body must be JSON: {"text": ...} or {"action": ...}')
        if not valid_unicode(body):  # "\ud800" escapes: no database stores them
            return _error(400, "the body has a lone surrogate (\\ud800-\\udfff)")
        body = without_nul(body)
        lang = pick_lang(request)
        parsed = self._inbound(body, lang)
        if isinstance(parsed, web.Response):
            return parsed
        inbound, echo = parsed
        if inbound.kind == "press":
            echo = await self._label(visitor, inbound.action or "")
        return await self._run(request, visitor, inbound, lang, echo)

    def _inbound(self, body: Any, lang: str) -> tuple[Inbound, str | None] | web.Response:
        key = secrets.randbits(31)
        if not isinstance(body, dict) or len(body) != 1:
            return _error(400, "send exactly one of text, action, contact, location")
        if "text" in body:
            text = body["text"]
            if not isinstance(text, str) or not text.strip():
                return _error(400, "text must be a non-empty string")
            if len(text) > self.settings.webchat_text_max:
                return _error(413, f"text longer than {self.settings.webchat_text_max} characters")
            text = text.strip()
            if text.startswith("/"):
                head, _, args = text.partition(" ")
                return Inbound(
                    "command", text=args.strip(), command=head[1:].lower(), key=key
                ), text
            return Inbound("text", text=text, key=key), text
        if "action" in body:
            action = body["action"]
            if not isinstance(action, str) or not action or len(action.encode()) > MAX_ACTION_ID:
                return _error(400, f"action must be a string of at most {MAX_ACTION_ID} bytes")
            if any(int(n) > INT64 for n in _DIGITS.findall(action)):
                return _error(400, "a number in the action is out of range")
            if action == NO_PHONE:
                label = t(lang, "btn-no_phone")
                return Inbound("text", text=label, key=key), label
            if action.startswith("start:"):
                payload = action[6:]
                if not START_PAYLOAD.match(payload):
                    return _error(400, "start: needs a link payload of letters, digits, - or _")
                return Inbound("command", command="start", text=payload, key=key), None
            if action.startswith("cmd:") and action[4:] in COMMANDS:
                name = action[4:]
                return Inbound("command", command=name, key=key), t(lang, f"web-menu_{name}")
            return Inbound("press", action=action, key=key), None
        if "location" in body:
            where = body["location"]
            try:
                lat, lon = float(where["latitude"]), float(where["longitude"])
            except (TypeError, KeyError, ValueError, OverflowError):
                return _error(400, "location needs numeric latitude and longitude")
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                return _error(400, "latitude or longitude out of range")
            echo = t(lang, "web-echo_location")
            return Inbound("location", location=(lat, lon), key=key), echo
        if "contact" in body:
            contact = body["contact"]
            if not isinstance(contact, dict) or contact.get("consent") is not True:
                return _error(400, 'contact needs "consent": true and a phone or an email')
            phone, email = contact.get("phone"), contact.get("email")
            if isinstance(phone, str) and phone.strip() and email is None:
                digits = sum(c.isdigit() for c in phone)
                if not 7 <= digits <= 15 or len(phone) > 32:
                    return _error(400, "not a phone number")
                return Inbound("contact", phone=phone.strip(), own_phone=True, key=key), (
                    t(lang, "web-echo_contact")
                )
            if isinstance(email, str) and email.strip() and phone is None:
                if len(email) > 254 or "@" not in email:
                    return _error(400, "not an e-mail address")
                return Inbound("contact", email=email.strip(), key=key), t(lang, "web-echo_contact")
            return _error(400, "contact needs a phone or an email")
        return _error(400, "send exactly one of text, action, contact")

    async def _label(self, visitor: str, action: str) -> str | None:
        """The label of the button pressed (from the visitor's recent events), for the echo."""
        async with self.sessions() as session:
            from sqlmodel import col, select

            from tickets.models import WebchatEvent

            stmt = (
                select(WebchatEvent.payload)
                .where(col(WebchatEvent.visitor_id) == visitor)
                .order_by(col(WebchatEvent.seq).desc())
                .limit(30)
            )
            for payload in (await session.exec(stmt)).all():
                for item in (payload or {}).get("actions") or []:
                    if isinstance(item, dict) and item.get("id") == action:
                        return str(item.get("label") or "")[:200] or None
        return None

    async def _run(
        self, request: web.Request, visitor: str, inbound: Inbound, lang: str, echo: str | None
    ) -> web.Response:
        try:
            handled: Handled = await self.processor.handle(visitor, inbound, lang=lang, echo=echo)
        except (OverflowError, DataError):  # a number the database cannot hold
            return _error(400, "a number in the message is out of range")
        except Exception:
            log.exception("web chat message failed (%s)", inbound.kind)
            return _error(503, "the desk could not take the message; please send it again")
        self.on_commit(handled.woken)
        body: dict[str, Any] = {"ok": True}
        response = web.json_response(body, status=202)
        if handled.erased:
            assert self.signer is not None
            response = web.json_response(
                {"ok": True, "reset": True, "csrf": self.signer.csrf(handled.visitor)}, status=202
            )
            self._set_visitor(request, response, handled.visitor)
        self._headers(response)
        return response

    async def photo(self, request: web.Request) -> web.Response:
        visitor, refused = await self._guard(request)
        if refused is not None:
            return refused
        assert visitor is not None
        data = await self._body(request, self.settings.webchat_photo_max)
        if isinstance(data, web.Response):
            return data
        mime = sniff_image(data)
        if mime is None:
            return _error(415, "only JPEG, PNG, GIF or WebP images")
        file_id = secrets.token_urlsafe(18)
        async with self.sessions() as session, session.begin():
            from tickets.models import WebchatFile

            session.add(WebchatFile(id=file_id, mime=mime, data=data))
        lang = pick_lang(request)
        inbound = Inbound("photo", files=(f"web:{file_id}",), key=secrets.randbits(31))
        return await self._run(request, visitor, inbound, lang, t(lang, "web-echo_photo"))

    async def stream(self, request: web.Request) -> web.StreamResponse:
        visitor = self._visitor(request)
        if visitor is None:
            return _error(401, "no visitor cookie: GET /chat/api/session first")
        raw = request.headers.get("Last-Event-ID") or request.query.get("after") or "0"
        if not raw.isdigit() or len(raw) > 10:
            return _error(400, "Last-Event-ID must be an event id")
        last = int(raw)
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
        )
        self._headers(response, cache="no-cache, no-store")
        await response.prepare(request)
        wake = self.hub.subscribe(visitor)
        heartbeat = float(self.settings.webchat_heartbeat)
        try:
            await response.write(b"retry: 3000\n\n")
            idle = STREAM_POLL  # read at once
            while not self.closing:
                if wake.is_set() or idle >= STREAM_POLL:
                    wake.clear()
                    idle = 0
                    async with self.sessions() as session:
                        rows = await events.after(session, visitor, last)
                    for seq, payload in rows:
                        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
                        await response.write(f"id: {seq}\ndata: {data}\n\n".encode())
                        last = seq
                    if len(rows) == events.PAGE:
                        continue
                try:
                    await asyncio.wait_for(wake.wait(), heartbeat)
                except TimeoutError:
                    idle += 1
                    await response.write(b": ping\n\n")
        except ConnectionError:  # the visitor went away
            pass
        except (OSError, SQLAlchemyError) as exc:  # the database is down: the browser retries
            log.warning("web chat stream ended: %s: %s", type(exc).__name__, exc)
        finally:
            self.hub.unsubscribe(visitor, wake)
        with contextlib.suppress(Exception):
            await response.write_eof()
        return response

    def close_streams(self) -> None:
        self.closing = True
        self.hub.wake_all()


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
