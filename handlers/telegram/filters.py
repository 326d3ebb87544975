"""Filters that run on the event loop.

aiogram runs every plain callable filter, magic filters (``F.text``, ``F.chat.type ==
"private"``) included, through ``asyncio.to_thread``: a thread hop per check. A citizen's
message passes some ten such checks on its way through the routers, and those hops, not the
checks, were most of an update's latency (see bench/webhook_bench.py). :class:`Magic` wraps a
magic filter in an ``async`` :class:`~aiogram.filters.Filter`, which aiogram awaits in place;
``tests/handlers/test_filters.py`` checks that every filter and handler of the dispatcher is
awaited so, so a new plain filter cannot slip back in.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter


class Magic(Filter):
    """``Magic(F.text & ~F.text.startswith("/"))``: the magic filter, checked in place."""

    __slots__ = ("magic",)

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)

    def __str__(self) -> str:
        return f"Magic({self.magic!r})"


__all__ = ["Magic"]
