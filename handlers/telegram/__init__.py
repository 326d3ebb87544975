"""Telegram: aiogram routers that parse updates, call the dialogue or the staff use cases, and
render their replies as Bot API calls queued in the outbox.

``setup(dispatcher)`` wires the middlewares and the routers in order: staff commands and
buttons (``staff``, ``staff_*``, ``admin``), the citizen conversation (``citizen``, on the
shared dialogue), and the catch-all ``basic`` router last. ``outgoing`` queues the calls,
``keyboards`` builds them, ``texts`` picks a user's language, ``citizen_commands`` the command
menus."""

from __future__ import annotations

from aiogram import Dispatcher, Router

from handlers.telegram.middlewares import LanguageMiddleware, SenderRequired

__all__ = ["build_router", "setup"]


def build_router() -> Router:
    """All routers under one root; the catch-all basic router comes last."""
    from handlers.telegram import basic, citizen, staff

    root = Router(name="root")
    root.include_router(staff.create_router())
    root.include_router(citizen.create_router())
    root.include_router(basic.create_router())
    return root


def setup(dispatcher: Dispatcher) -> None:
    dispatcher.update.outer_middleware(SenderRequired())
    dispatcher.update.outer_middleware(LanguageMiddleware())
    dispatcher.include_router(build_router())
