"""A broadcast survives ``kill -9`` of the real ``citizen-desk serve`` process.

The announcement is queued with the real CLI (``citizen-desk announce``), the service's own
scheduler and sender deliver it to 100 subscribers at 25 messages/s through the Bot API
emulator; the process is killed with SIGKILL in the middle and started again: every subscriber
gets it, and only a message in flight at the kill (sent, its outcome not yet recorded: the
outbox's at-least-once window) may arrive twice. ``citizen-desk announce status`` then reports
everything sent, and the author named by ``--report-to`` gets the report.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db import create_engine, create_session_factory
from tests.e2e.conftest import free_port
from tests.e2e.test_serve_process import _env, _start, _stop, _wait_healthy
from tests.emulator import BotAPIEmulator
from tests.support.people import add_citizen
from tickets.announce import set_subscription

pytestmark = pytest.mark.e2e

N = 100
BASE = 9_100_000
DEPARTMENTS = """\
departments:
  - slug: traffic
    name: {zh: 交警支队, en: Traffic Police}
topics:
  - id: road-closures
    name: {zh: 道路封闭, en: Road closures}
    department: traffic
"""


async def _cli(env: dict[str, str], cwd: Path, *args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, out.decode()
    return out.decode().strip()


async def test_kill_9_in_the_middle_of_a_broadcast(tmp_path: Path) -> None:
    port = free_port()
    departments = tmp_path / "departments.yaml"
    departments.write_text(DEPARTMENTS, encoding="utf-8")
    async with BotAPIEmulator() as emu:
        token = "123456789:AAannounce-kill-test"
        emu.add_bot(token)
        env = _env(
            tmp_path,
            port,
            BOT_TOKEN=token,
            TELEGRAM_API_URL=emu.base_url,
            WEBHOOK_BASE_URL=f"http://127.0.0.1:{port}",
            DEPARTMENTS_FILE=str(departments),
            ANNOUNCE_HOURS="00:00-23:59:59",
            ANNOUNCE_INTERVAL="0.2",
        )
        users = [emu.user(id=BASE + i, language_code="en") for i in range(N)]
        # Gets the report (--report-to); not a staff member: in the desk's staff language.
        author = emu.user(id=BASE - 1, language_code="en")
        proc = await _start(env, tmp_path)
        try:
            await _wait_healthy(port, proc)  # the SQLite schema is migrated by now
            engine = create_engine(env["DATABASE_URL"])
            try:
                async with create_session_factory(engine)() as session:
                    now = datetime.now(UTC)
                    for user in users:
                        citizen = await add_citizen(session, user.id, language="en")
                        assert citizen.id is not None
                        await set_subscription(session, citizen.id, "road-closures", True, now=now)
                    await session.commit()
            finally:
                await engine.dispose()
            out = await _cli(
                env,
                tmp_path,
                "announce",
                "road-closures",
                "--text",
                "Marathon",
                "--report-to",
                str(author.id),
            )
            assert out == f"announcement 1: {N} recipients"

            def broadcast() -> list[int | str | None]:
                return [
                    c.chat_id
                    for c in emu.sent(method="sendMessage", ok=True)
                    if "Marathon" in str(c.params.get("text"))
                ]

            await emu.wait_until(lambda: len(broadcast()) >= 30, timeout=30, what="30 sent")
        finally:
            proc.kill()  # SIGKILL in the middle of the broadcast
            await proc.wait()
        at_kill = len(broadcast())
        assert at_kill < N, "the broadcast finished before the kill: nothing was tested"

        proc = await _start(env, tmp_path)
        try:
            await _wait_healthy(port, proc)
            await emu.wait_until(
                lambda: set(broadcast()) >= {u.id for u in users}, timeout=60, what="everyone"
            )
            for _ in range(200):  # the last outcomes are recorded after their sends
                status = await _cli(env, tmp_path, "announce", "status", "1")
                if status.startswith("queued 0 "):
                    break
                await asyncio.sleep(0.1)
            report = await emu.wait_for(
                lambda c: c.chat_id == author.id and "已发送完毕" in str(c.params.get("text")),
                timeout=30,
            )
        finally:
            code, output = await _stop(proc)
    counts = Counter(broadcast())
    twice = [chat for chat, n in counts.items() if n > 1]
    assert set(counts) == {u.id for u in users}
    assert max(counts.values()) <= 2
    assert len(twice) <= 25, twice  # at most the round in flight at the kill (25/s)
    assert status == f"queued 0 sent {N} failed 0 blocked 0"
    assert f"订阅者 {N} 人；成功 {N}，失败 0" in report.params["text"]
    assert code == 0, output
