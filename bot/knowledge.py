"""The FAQ knowledge base as the service sees it: loaded at start, hot-reloaded, reported.

The FAQ engine (``faq/``) is optional at this layer: when it is missing or its folder does
not load, the service still runs (citizens get the acknowledgement instead of FAQ answers)
and ``/healthz`` says what is wrong.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.config import Settings

log = logging.getLogger(__name__)


class KnowledgeService:
    """Holds the live knowledge base (``current``) and its hot reload."""

    def __init__(self, settings: Settings) -> None:
        self.path = Path(settings.faq_dir)
        self.watch_enabled = settings.faq_watch
        self._answer_score = settings.faq_answer_score
        self._suggest_score = settings.faq_suggest_score
        self._semantic = settings.faq_semantic
        self._holder: Any = None
        self._kb: Any = None
        self.problems: list[str] = []
        self.error: str | None = None
        self._watch_task: asyncio.Task[Any] | None = None
        # Called with a failed automatic reload (the file watcher), to tell administrators.
        self.on_failed_reload: Callable[[Any], Awaitable[None]] | None = None

    @property
    def current(self) -> Any:
        """The live ``faq.KnowledgeBase`` or None."""
        if self._holder is not None:
            return getattr(self._holder, "current", None)
        return self._kb

    def entry_count(self) -> int | None:
        kb = self.current
        return None if kb is None else len(kb)

    def _config(self, faq: Any) -> Any:
        if self._answer_score is None and self._suggest_score is None and not self._semantic:
            return None
        return faq.MatcherConfig(
            answer_score=self._answer_score,
            suggest_score=self._suggest_score,
            semantic=self._semantic,
        )

    async def start(self) -> None:
        try:
            import faq
            import faq.loader
            import faq.models
        except ImportError as exc:  # the FAQ engine is not installed
            self.error = f"FAQ engine unavailable: {exc}"
            log.warning("%s", self.error)
            return
        config = self._config(faq.models)
        holder_cls = getattr(faq, "KnowledgeBaseHolder", None)
        try:
            if holder_cls is not None:
                self._holder = holder_cls(self.path, config=config)
                self._holder.add_listener(self._note)
                self._holder.add_listener(self._tell_admins)
                result = await self._holder.reload(reason="start")
            else:
                result = await asyncio.to_thread(faq.loader.load_knowledge_base, self.path, config)
                if result.kb is not None:
                    self._kb = result.kb
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            log.exception("loading the knowledge base from %s failed", self.path)
            return
        if self._holder is None:
            self._note(result)
        watch = getattr(faq, "watch", None)
        if self.watch_enabled and watch is not None and self._holder is not None:
            self._watch_task = asyncio.create_task(self._watch(watch), name="faq-watch")

    def _note(self, result: Any) -> None:
        self.problems = [str(p) for p in getattr(result, "problems", [])]
        if self.problems:
            log.warning(
                "knowledge base %s has %d problem(s); first: %s",
                self.path,
                len(self.problems),
                self.problems[0],
            )
        elif self.current is not None:
            log.info("knowledge base %s: %d entries", self.path, len(self.current))

    async def _tell_admins(self, result: Any) -> None:
        # /reload answers the administrator who asked; at start the log and healthz say it.
        if getattr(result, "ok", True) or getattr(result, "reason", "") in ("admin", "start"):
            return
        if self.on_failed_reload is not None:
            await self.on_failed_reload(result)

    async def _watch(self, watch: Any) -> None:
        try:
            await watch(self._holder)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("FAQ hot reload stopped")

    async def reload(self, reason: str = "admin") -> Any:
        """Reload now (admin command): the ``faq.ReloadResult`` (``ok``, ``summary()``)."""
        if self._holder is None:
            raise RuntimeError(f"the FAQ is not available: {self.error or 'not loaded'}")
        return await self._holder.reload(reason=reason)

    async def stop(self) -> None:
        task, self._watch_task = self._watch_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def status(self) -> tuple[bool, dict[str, Any]]:
        """(up, details) for /healthz."""
        kb = self.current
        if kb is not None:
            details: dict[str, Any] = {"status": "ok", "entries": len(kb), "path": str(self.path)}
            if self.problems:
                details["reload_problems"] = self.problems[:5]
            return True, details
        details = {"status": "down", "path": str(self.path)}
        if self.error:
            details["error"] = self.error
        if self.problems:
            details["problems"] = len(self.problems)
            details["first_problem"] = self.problems[0]
        if not self.error and not self.problems:
            details["error"] = "not loaded"
        return False, details
