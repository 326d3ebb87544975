"""What every console view shares: the app's collaborators, the signed-in user, the language,
rendering (Jinja2, autoescaped), security headers, and the CSRF check."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.notify.format import format_time
from handlers.storable import without_nul
from handlers.web.console import texts
from locales import normalize_lang, t
from tickets.config.desk import DepartmentConfig
from tickets.console_access import ConsoleUser, check_csrf, load_session
from tickets.models import Department

log = logging.getLogger(__name__)

COOKIE = "cd_console"
LANG_COOKIE = "cd_console_lang"
PREFIX = "/console"
HERE = Path(__file__).parent
_RequestKey = getattr(web, "RequestKey", None)  # aiohttp >= 3.12; plain strings before
USER_KEY: Any = _RequestKey("console_user", ConsoleUser) if _RequestKey else "console_user"
LANG_KEY: Any = _RequestKey("console_lang", str) if _RequestKey else "console_lang"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # "no-referrer" makes browsers post Origin: null
    "X-Frame-Options": "DENY",
}


class ConsoleRuntime(Protocol):
    """What the console needs from the running service (``bot.runtime.Runtime``)."""

    @property
    def settings(self) -> Any: ...

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]: ...

    @property
    def bot(self) -> Any: ...

    @property
    def sender(self) -> Any: ...

    @property
    def wechat(self) -> Any: ...  # the WeChat channel (its media), None when not configured


@dataclass
class Console:
    runtime: ConsoleRuntime
    deps: Deps
    env: jinja2.Environment

    @property
    def settings(self) -> Any:
        return self.runtime.settings

    def session(self) -> AsyncSession:
        return self.runtime.session_factory()

    def now(self) -> datetime:
        return self.deps.clock.now()

    def day_end(self) -> datetime:
        local = self.now().astimezone(self.deps.tz)
        tomorrow = local.date() + timedelta(days=1)
        return datetime.combine(tomorrow, time(0), tzinfo=self.deps.tz)

    def wake_outbox(self) -> None:
        sender = self.runtime.sender
        if sender is not None:
            sender.wake()
        wechat = getattr(self.runtime, "wechat", None)  # a ticket's message to a WeChat citizen
        if wechat is not None:
            wechat.wake()
        webchat = getattr(self.runtime, "webchat", None)  # ... and to a web chat visitor
        if webchat is not None:
            webchat.wake()

    @property
    def session_ttl(self) -> timedelta:
        return timedelta(hours=float(self.settings.console_session_hours))

    @property
    def base_url(self) -> str:
        return str(self.settings.console_base_url)

    def secure_cookie(self, request: web.Request) -> bool:
        return request.secure or self.base_url.startswith("https://")

    def department_name(self, dept: Department | None, lang: str) -> str:
        if dept is None:
            return t(lang, "con-all_departments")
        cfg: DepartmentConfig | None = (
            self.deps.desk.config.get(dept.slug) if self.deps.desk.loaded else None
        )
        if cfg is not None:
            return cfg.name_for(lang)
        return dept.name_en if lang == "en" else dept.name_zh


CONSOLE = web.AppKey("console", Console)


def console_of(request: web.Request) -> Console:
    return request.app[CONSOLE]


def user_of(request: web.Request) -> ConsoleUser:
    return request[USER_KEY]


def lang_of(request: web.Request) -> str:
    return str(request.get(LANG_KEY) or "zh")


def _pick_lang(request: web.Request) -> str:
    asked = request.query.get("lang")
    if asked in ("zh", "en"):
        return asked
    saved = request.cookies.get(LANG_COOKIE)
    if saved in ("zh", "en"):
        return saved
    header = request.headers.get("Accept-Language", "")
    first = header.split(",", 1)[0].strip()
    return normalize_lang(first) if first else "zh"


def make_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # everywhere: every value a template prints is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = texts.percent
    return env


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    console = console_of(request)
    lang = lang_of(request)
    user: ConsoleUser | None = request.get(USER_KEY)
    tz = console.deps.tz

    def when(value: datetime | None) -> str:
        return format_time(value, tz, lang)

    def tr(key: str, **params: Any) -> str:
        return t(lang, key, **params)

    html = console.env.get_template(template).render(
        t=tr,
        lang=lang,
        user=user,
        when=when,
        path=request.path,
        query=dict(request.query),
        switch_lang=urlencode(
            [(k, v) for k, v in request.query.items() if k != "lang"]
            + [("lang", "en" if lang == "zh" else "zh")]
        ),
        **context,
    )
    response = web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


def message_page(request: web.Request, status: int, title_key: str, body_key: str) -> web.Response:
    return render(request, "message.html", status=status, title_key=title_key, body_key=body_key)


async def read_form(request: web.Request) -> dict[str, str]:
    """The posted form (a 4xx for a bad body, never a 5xx); checks the CSRF token."""
    try:
        form = await request.post()
    except (ValueError, UnicodeDecodeError) as exc:
        raise web.HTTPBadRequest(text="bad form") from exc
    values = {k: without_nul(v) for k, v in form.items() if isinstance(v, str)}
    if not check_csrf(user_of(request), values.get("csrf")):
        raise web.HTTPForbidden(text=t(lang_of(request), "con-csrf_failed"))
    return values


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PUBLIC = (f"{PREFIX}/login", f"{PREFIX}/static/", f"{PREFIX}/signed-out")


@web.middleware
async def console_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Language, the signed-in user (else 401), security headers (the console sub-app's)."""
    console = console_of(request)
    lang = _pick_lang(request)
    request[LANG_KEY] = lang
    if request.method == "POST" and not _same_origin(request):
        response: web.StreamResponse = web.Response(status=403, text="cross-origin request")
    elif request.path.startswith(PUBLIC):
        response = await _run(request, handler)
    else:
        async with console.session() as session:
            user = await load_session(
                session,
                request.cookies.get(COOKIE),
                now=console.now(),
                admin_ids=console.deps.admin_ids,
            )
        if user is None:
            response = message_page(request, 401, "con-signin_title", "con-signin_needed")
        else:
            request[USER_KEY] = user
            response = await _run(request, handler)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.query.get("lang") in ("zh", "en") and not response.prepared:
        response.set_cookie(
            LANG_COOKIE, lang, max_age=365 * 86400, path=PREFIX, httponly=True, samesite="Lax"
        )
    return response


async def _run(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status in (404, 405):
            return message_page(request, exc.status, "con-not_found_title", "error-unavailable")
        raise
    except ConnectionResetError:
        transport = request.transport
        if transport is not None and not transport.is_closing():
            raise
        # The browser went away in the middle of a streamed page (a CSV download cancelled):
        # nothing to answer and nothing wrong on this side.
        log.info("console: %s %s: the client went away", request.method, request.path)
        return web.Response(status=499)


def _same_origin(request: web.Request) -> bool:
    """A form post from another site is refused (besides the CSRF token). Browsers send
    ``Origin`` with every POST; it must name this host or ``PUBLIC_BASE_URL``."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    allowed = {request.headers.get("Host", ""), urlsplit(console_of(request).base_url).netloc}
    return urlsplit(origin).netloc in allowed
