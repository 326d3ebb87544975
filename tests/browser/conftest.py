"""A real browser for the web pages' tests (the console; the web chat reuses it).

Debian's ``/usr/bin/chromium`` driven by ``playwright`` from PyPI (no browser download).
Without either, the tests are skipped with the reason; with ``CI`` set, they fail instead.
``CHROMIUM`` overrides the browser's path.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.e2e.conftest import emu, start_app, token  # the app + Bot API emulator harness

__all__ = ["BROWSER_ARGS", "browser", "emu", "start_app", "token"]

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = bool(os.environ.get("CI"))


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI requires the browser tests: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """A headless Chromium (playwright ``Browser``), closed after the test."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):  # noqa: ASYNC240 - a stat before the test starts
        _unavailable(f"no Chromium at {path} (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=path, args=BROWSER_ARGS)
        try:
            yield launched
        finally:
            await launched.close()
