"""The message catalogue as the service sees it: the built-in texts, with an administrator's
overrides from ``LOCALES_DIR`` (the welcome, the privacy notice...) loaded at start and on
``/reload``.

A folder with any problem changes nothing: at start the built-in texts stay live (and
``/healthz`` names the problems), at ``/reload`` the texts in use stay, and the administrator
sees each problem as ``FILE:LINE: message``.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import locales

log = logging.getLogger(__name__)


class TextsService:
    def __init__(self, override_dir: Path | None) -> None:
        self.path = override_dir
        self.problems: list[str] = []
        self.overridden = 0

    async def start(self) -> None:
        if self.path is not None:
            await self.reload()

    async def reload(self) -> str:
        """Load the overrides; one line for ``/reload`` (the count, or the problems)."""
        if self.path is None:
            return "built-in texts (LOCALES_DIR is not set)"
        result = await asyncio.to_thread(locales.load, self.path)
        if result.catalogue is None:
            self.problems = [str(p) for p in result.problems]
            log.warning(
                "texts in %s have %d problem(s), the texts in use stay; first: %s",
                self.path,
                len(self.problems),
                self.problems[0],
            )
            listing = "\n".join(self.problems[:20])
            return f"{len(self.problems)} problem(s), the texts in use stay:\n{listing}"
        locales.install(result.catalogue)
        self.problems = []
        self.overridden = result.overridden
        log.info("texts: %d message(s) overridden from %s", self.overridden, self.path)
        return f"{self.overridden} message(s) overridden from {self.path}"

    def status(self) -> dict[str, Any]:
        """For ``/healthz`` (texts never make the service unhealthy: built-ins always work)."""
        details: dict[str, Any] = {"status": "ok", "overridden": self.overridden}
        if self.path is not None:
            details["path"] = str(self.path)
        if self.problems:
            details["status"] = "degraded"
            details["problems"] = len(self.problems)
            details["first_problem"] = self.problems[0]
        return details
