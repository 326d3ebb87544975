"""The composition root of the service: ``create_app(settings)`` -> aiohttp Application.

Routes: ``POST WEBHOOK_PATH`` (webhook mode only), ``GET /healthz``, ``GET /metrics``, the
staff console under ``/console`` (``handlers.web.console``), the web chat under ``/chat``
(``bot.webchat``), and ``GET``/``POST WECHAT_PATH``
when the WeChat Official Account is configured (``bot.wechat``).
Everything the app creates (engine, bot, FSM storage) it also closes; what the caller hands
in (``bot``, ``session_factory``) stays the caller's.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web

from bot.config import Settings
from bot.db import SessionFactory, create_engine, create_session_factory
from bot.desk import DeskService
from bot.fsm import DEFAULT_PREFIX, create_storage
from bot.health import make_healthz, make_metrics
from bot.knowledge import KnowledgeService
from bot.metrics import Metrics
from bot.processing import UpdateProcessor
from bot.runtime import Mode, Runtime
from bot.texts import TextsService
from bot.webchat import setup_webchat
from bot.webhook import MAX_BODY, WebhookHandler
from bot.wechat import setup_wechat
from handlers.deps import Deps
from handlers.web.console import setup_console
from tickets.clock import Clock, SystemClock
from tickets.config.live import DeskConfigHolder

RUNTIME = web.AppKey("runtime", Runtime)


def build_dispatcher(
    settings: Settings,
    *,
    fsm_prefix: str = DEFAULT_PREFIX,
    session_factory: SessionFactory | None = None,
    clock: Clock | None = None,
) -> Dispatcher:
    """The aiogram dispatcher with its FSM storage (Redis, else the database behind
    ``session_factory``) and every router."""
    import handlers.telegram

    storage, isolation = create_storage(
        settings, prefix=fsm_prefix, session_factory=session_factory, clock=clock
    )
    dispatcher = Dispatcher(storage=storage, events_isolation=isolation)
    handlers.telegram.setup(dispatcher)
    return dispatcher


def _mode(settings: Settings, bot: Bot | None) -> Mode:
    if bot is None:
        return "disabled"
    return "webhook" if settings.use_webhook else "polling"


def create_app(
    settings: Settings,
    *,
    bot: Bot | None = None,
    session_factory: SessionFactory | None = None,
    clock: Clock | None = None,
    transport: Any = None,
    fsm_prefix: str = DEFAULT_PREFIX,
    polling_timeout: int = 25,
    drain_timeout: float = 20.0,
) -> web.Application:
    """Wire the service. ``bot`` defaults to one built from the settings (none without
    ``BOT_TOKEN``: Telegram is then disabled and only the HTTP side runs); ``transport``
    (the outbox's way to Telegram) defaults to an ``AiogramTransport`` over ``bot``."""
    clock = clock or SystemClock()
    engine = None
    if session_factory is None:
        engine = create_engine(settings.database_url)
        session_factory = create_session_factory(engine)
    owns_bot = False
    if bot is None and settings.telegram_enabled:
        from bot.telegram import create_bot

        bot, owns_bot = create_bot(settings), True
    metrics = Metrics()
    knowledge = KnowledgeService(settings)
    desk = DeskService(DeskConfigHolder(settings.tz, path=settings.departments_file), clock)
    runtime = Runtime(
        settings=settings,
        session_factory=session_factory,
        metrics=metrics,
        knowledge=knowledge,
        desk=desk,
        texts=TextsService(settings.locales_dir),
        clock=clock,
        mode=_mode(settings, bot),
        engine=engine,
        bot=bot,
        owns_bot=owns_bot,
        drain_timeout=drain_timeout,
    )
    app = web.Application(client_max_size=MAX_BODY)
    app[RUNTIME] = runtime
    if bot is not None:
        _wire_telegram(runtime, bot, clock, transport, fsm_prefix, polling_timeout)
    app.router.add_get("/healthz", make_healthz(runtime))
    app.router.add_get("/metrics", make_metrics(runtime))
    if runtime.webhook is not None:
        app.router.add_post(settings.webhook_path, runtime.webhook.handle)
    setup_console(app, runtime, _deps(runtime, clock))
    runtime.wechat = setup_wechat(app, settings, session_factory, _deps(runtime, clock), clock)
    runtime.webchat = setup_webchat(app, settings, session_factory, _deps(runtime, clock), clock)
    if runtime.webchat is not None:
        runtime.webchat.wake_others = runtime.wake_outbox

    async def on_startup(_app: web.Application) -> None:
        await runtime.start()

    async def on_shutdown(_app: web.Application) -> None:
        await runtime.shutdown()

    async def on_cleanup(_app: web.Application) -> None:
        await runtime.cleanup()

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    return app


def _deps(runtime: Runtime, clock: Clock) -> Deps:
    """What handlers get besides the update (see handlers/deps.py)."""
    from faq.routing import RouterConfig
    from tickets.routing import LiveRouter

    settings = runtime.settings
    return Deps(
        desk=runtime.desk.holder,
        kb=runtime.knowledge,
        tz=settings.tz,
        admin_ids=tuple(settings.admin_ids),
        clock=clock,
        bot_username=settings.bot_username,
        texts=runtime.texts,
        console_url=settings.console_base_url,
        routing=LiveRouter(
            RouterConfig(margin=settings.route_margin), lesson_days=settings.route_lesson_days
        ),
        faq_review_days=settings.faq_review_days,
        announce_hours=settings.sending_hours(),
    )


def _wire_telegram(
    runtime: Runtime,
    bot: Bot,
    clock: Clock,
    transport: Any,
    fsm_prefix: str,
    polling_timeout: int,
) -> None:
    settings = runtime.settings
    dispatcher = build_dispatcher(
        settings, fsm_prefix=fsm_prefix, session_factory=runtime.session_factory, clock=clock
    )
    runtime.dispatcher, runtime.storage = dispatcher, dispatcher.storage
    if settings.outbox_enabled:
        from bot.outbox import OutboxSender

        if transport is None:
            from bot.telegram import AiogramTransport

            transport = AiogramTransport(bot)
        from datetime import timedelta

        from bot.outbox import Rate, RateLimits

        bulk = Rate(settings.announce_rate, timedelta(seconds=1))
        runtime.sender = OutboxSender(
            runtime.session_factory, transport, clock=clock, limits=RateLimits(bulk=bulk)
        )
    processor = UpdateProcessor(
        dispatcher,
        bot,
        runtime.session_factory,
        metrics=runtime.metrics,
        clock=clock,
        on_commit=runtime.wake_outbox,
        data={"faq_holder": runtime.knowledge, "settings": settings, "deps": _deps(runtime, clock)},
    )
    runtime.processor = processor
    if runtime.mode == "webhook":
        secret = settings.secret_token
        assert secret is not None  # derived from the token when WEBHOOK_SECRET is unset
        runtime.webhook = WebhookHandler(processor, bot, secret, runtime.metrics)
    else:
        from bot.polling import Poller

        runtime.poller = Poller(
            bot,
            processor,
            runtime.metrics,
            allowed_updates=dispatcher.resolve_used_update_types(),
            timeout=polling_timeout,
        )
