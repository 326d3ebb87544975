"""The live knowledge base of a running service, and hot reload.

``KnowledgeBaseHolder.current`` is a plain attribute read: handlers take the reference
once per message and keep using that immutable object even if a reload swaps in a new
one meanwhile. ``reload()`` loads in a worker thread and swaps only when the whole
folder is valid; otherwise the previous knowledge base stays live and the problems are
reported to the listeners.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from faq.knowledge_base import KnowledgeBase
from faq.loader import load_knowledge_base
from faq.models import LoadResult, MatcherConfig, Problem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReloadResult:
    ok: bool  # the new knowledge base is live
    problems: list[Problem] = field(default_factory=list)
    entries: int = 0  # entries of the knowledge base live after the reload
    files: int = 0
    seconds: float = 0.0
    reason: str = ""  # what triggered it ("start", "watch", "admin" ...)

    def summary(self) -> str:
        if self.ok:
            return f"ok: {self.entries} entries in {self.files} files ({self.seconds:.2f}s)"
        head = f"FAQ reload failed with {len(self.problems)} problem(s); previous version kept"
        return "\n".join([head, *(str(p) for p in self.problems)])


Listener = Callable[[ReloadResult], Awaitable[None] | None]


class KnowledgeBaseHolder:
    """Holds the live :class:`KnowledgeBase` and swaps it atomically on reload."""

    def __init__(
        self,
        path: Path,
        config: MatcherConfig | None = None,
        kb: KnowledgeBase | None = None,
        loader: Callable[[Path, MatcherConfig | None], LoadResult] = load_knowledge_base,
    ) -> None:
        self.path = Path(path)
        self.config = config
        self._current = kb
        self._loader = loader
        self._lock = asyncio.Lock()
        self._listeners: list[Listener] = []
        self.last_result: ReloadResult | None = None

    @property
    def current(self) -> KnowledgeBase | None:
        """The live knowledge base (None until the first successful load)."""
        return self._current

    @property
    def ready(self) -> bool:
        return self._current is not None

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    async def reload(self, reason: str = "admin") -> ReloadResult:
        """Load the folder in a thread; swap only on a fully valid load; tell listeners."""
        async with self._lock:  # one load at a time; later calls see the newest files
            started = time.perf_counter()
            try:
                loaded = await asyncio.to_thread(self._loader, self.path, self.config)
            except Exception as exc:  # a bug must not take the live knowledge base down
                log.exception("FAQ reload crashed")
                loaded = LoadResult(None, [Problem(str(self.path), 0, f"reload failed: {exc}")])
            seconds = time.perf_counter() - started
            if loaded.kb is not None and not loaded.problems:
                self._current = loaded.kb
                result = ReloadResult(True, [], len(loaded.kb), len(loaded.files), seconds, reason)
                log.info("FAQ loaded: %s", result.summary())
            else:
                live = len(self._current) if self._current is not None else 0
                result = ReloadResult(
                    False, list(loaded.problems), live, len(loaded.files), seconds, reason
                )
                log.warning("%s", result.summary())
            self.last_result = result
        for listener in list(self._listeners):
            try:
                outcome = listener(result)
                if asyncio.iscoroutine(outcome):
                    await outcome
            except Exception:
                log.exception("FAQ reload listener failed")
        return result


def _is_faq_change(path: str) -> bool:
    p = Path(path)
    return p.suffix.lower() in (".yaml", ".yml") and not p.name.startswith(".")


async def watch(
    holder: KnowledgeBaseHolder,
    *,
    debounce_ms: int = 500,
    stop_event: asyncio.Event | None = None,
    on_reload: Callable[[ReloadResult], None] | None = None,
) -> None:
    """Reload ``holder`` whenever its folder's YAML files change (debounced).

    Runs until cancelled or ``stop_event`` is set. A burst of saves within the debounce
    window causes a single reload.
    """
    from watchfiles import awatch

    async for changes in awatch(
        holder.path,
        debounce=debounce_ms,
        step=min(50, max(1, debounce_ms // 4)),
        stop_event=stop_event,
        watch_filter=lambda _change, path: _is_faq_change(path),
        recursive=True,
    ):
        log.info("FAQ folder changed (%d file events); reloading", len(changes))
        result = await holder.reload(reason="watch")
        if on_reload is not None:
            on_reload(result)
