"""The channels. Telegram: aiogram routers (``setup(dispatcher)`` wires them and their
middlewares in order) and the adapter in ``telegram/``; beside them the channel-neutral citizen
dialogue (``dialogue/``), the rendering of domain events per channel (``notify/``), the web
console (``web/``) and WeChat (``wechat/``)."""

from __future__ import annotations

from aiogram import Dispatcher, Router

from handlers.middlewares import LanguageMiddleware, SenderRequired


def build_router() -> Router:
    """All routers under one root; the catch-all basic router comes last."""
    from handlers import basic, staff
    from handlers.telegram import citizen

    root = Router(name="root")
    root.include_router(staff.create_router())
    root.include_router(citizen.create_router())
    root.include_router(basic.create_router())
    return root


def setup(dispatcher: Dispatcher) -> None:
    dispatcher.update.outer_middleware(SenderRequired())
    dispatcher.update.outer_middleware(LanguageMiddleware())
    dispatcher.include_router(build_router())
