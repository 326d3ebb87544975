"""``citizen-desk serve`` as a real process: start-up, /healthz, SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from locales import t
from tests.app.support import write_faq
from tests.e2e.conftest import free_port
from tests.emulator import BotAPIEmulator

pytestmark = pytest.mark.e2e

START_TIMEOUT = 30.0  # a subprocess start-up: generous, polled, never slept through


def _env(tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "WEBHOOK_BASE_URL"}}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        FAQ_DIR=str(write_faq(tmp_path / "faq")),
        DEPARTMENTS_FILE=str(Path(__file__).resolve().parents[2] / "config" / "departments.yaml"),
        PORT=str(port),
        HOST="127.0.0.1",
        REDIS_URL="",
        LOG_FORMAT="json",
    )
    env.update(extra)
    return env


async def _start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def _wait_healthy(port: int, proc: asyncio.subprocess.Process) -> dict[str, object]:
    deadline = time.monotonic() + START_TIMEOUT
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if proc.returncode is not None:
                output = (await proc.stdout.read()).decode() if proc.stdout else ""
                raise AssertionError(f"serve exited with {proc.returncode}:\n{output}")
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return dict(await response.json())
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)  # polling a starting process
    raise AssertionError("serve did not become healthy in time")


async def _stop(proc: asyncio.subprocess.Process) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    output, _ = await asyncio.wait_for(proc.communicate(), 20)
    return int(proc.returncode or 0), output.decode()


async def test_serve_without_token_serves_http_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    proc = await _start(_env(tmp_path, port), tmp_path)
    try:
        health = await _wait_healthy(port, proc)
        async with aiohttp.ClientSession() as http:  # a URL over aiohttp's 8 kB line limit
            async with http.get(f"http://127.0.0.1:{port}/chat?q={'x' * 10_000}") as response:
                too_long = response.status
    finally:
        code, output = await _stop(proc)
    assert too_long == 400
    refused = [line for line in output.splitlines() if "malformed HTTP request" in line]
    assert len(refused) == 1 and '"level": "WARNING"' in refused[0], output
    assert "Traceback" not in output
    assert health["telegram"] == "disabled"
    # Without Telegram the web chat still delivers staff replies: its own sender runs.
    assert health["senders"] == {"telegram": "off", "web": "running", "wechat": "off"}
    assert code == 0, output
    assert "Telegram is disabled" in output
    assert "serving on http://127.0.0.1:" in output


async def test_serve_in_webhook_mode_answers_a_citizen(tmp_path: Path) -> None:
    port = free_port()
    async with BotAPIEmulator() as emu:
        token = "123456789:AAserve-test-token"
        emu.add_bot(token)
        env = _env(
            tmp_path,
            port,
            BOT_TOKEN=token,
            TELEGRAM_API_URL=emu.base_url,
            WEBHOOK_BASE_URL=f"http://127.0.0.1:{port}",
        )
        proc = await _start(env, tmp_path)
        try:
            await _wait_healthy(port, proc)
            await emu.wait_for(lambda c: c.method == "setWebhook", timeout=10)
            citizen = emu.user(language_code="en")
            await (await emu.send_message(citizen, "Hello there")).delivered()
            reply = await emu.next_message(citizen)
        finally:
            code, output = await _stop(proc)
    # Not a question of the test FAQ: the honest "send it to a department?" offer.
    assert reply["text"] == t("en", "faq-none")
    assert code == 0, output
    assert '"outcome": "ok"' in output and '"latency_ms"' in output


async def test_invalid_setting_stops_start_up_with_one_line(tmp_path: Path) -> None:
    env = _env(tmp_path, free_port(), TIMEZONE="Mars/Olympus")
    proc = await _start(env, tmp_path)
    output, _ = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 2
    lines = output.decode().strip().splitlines()
    assert lines == [
        "citizen-desk: configuration error: TIMEZONE: unknown time zone 'Mars/Olympus' (got 'Mars/Olympus')"
    ]


async def test_a_form_survives_kill_9_of_the_serve_process(tmp_path: Path) -> None:
    port = free_port()
    async with BotAPIEmulator() as emu:
        token = "123456789:AAserve-test-token"
        emu.add_bot(token)
        env = _env(
            tmp_path,
            port,
            BOT_TOKEN=token,
            TELEGRAM_API_URL=emu.base_url,
            WEBHOOK_BASE_URL=f"http://127.0.0.1:{port}",
        )
        citizen = emu.user(language_code="en")
        proc = await _start(env, tmp_path)
        try:
            await _wait_healthy(port, proc)
            await emu.wait_for(lambda c: c.method == "setWebhook", timeout=10)
            await (
                await emu.send_message(citizen, "Loud construction noise every night")
            ).delivered()
            offer = await emu.next_message(citizen)
            assert offer["text"] == t("en", "faq-none")
            await (
                await emu.press_button(citizen, offer, text=t("en", "btn-submit_question"))
            ).delivered()
            draft = await emu.next_message(citizen)
            assert draft["text"].startswith("📋")
        finally:
            proc.kill()  # SIGKILL: no shutdown, nothing flushed
            await proc.wait()

        mark = emu.mark()
        proc = await _start(env, tmp_path)
        try:
            await _wait_healthy(port, proc)
            await emu.wait_for(lambda c: c.method == "setWebhook", timeout=10, since=mark)
            await (await emu.press_button(citizen, draft, text=t("en", "btn-submit"))).delivered()
            texts = [(await emu.next_message(citizen))["text"]]
            if texts[0] == draft["text"]:  # killed between its send and its record: sent again
                texts.append((await emu.next_message(citizen))["text"])
        finally:
            code, output = await _stop(proc)
    assert texts[-1].startswith("Your request is registered as ticket 20"), texts
    assert code == 0, output
