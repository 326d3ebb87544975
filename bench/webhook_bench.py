"""Webhook benchmarks: start-to-healthy time and webhook throughput of the answer path.

    .venv/bin/python bench/webhook_bench.py            # full run (10 s per throughput case)
    .venv/bin/python bench/webhook_bench.py --quick    # 3 s per case, fewer start-ups

What it measures:

1. Start-to-healthy: ``citizen-desk serve`` as a subprocess (SQLite, no BOT_TOKEN, the FAQ
   folder given by --faq) until ``GET /healthz`` answers 200.
2. Throughput: ``citizen-desk serve`` in webhook mode pinned to CPU 0 (``taskset``), with a stub
   Bot API in this process; this process (pinned to CPU 1) POSTs a 569-byte private-chat text
   update (a question the sample FAQ answers) with a unique ``update_id``, from 5,000
   citizens in turn (one sender would trip the per-citizen flood control), over 32 concurrent connections for N seconds and prints
   requests/s, p50 and p99. Each request runs the full answer path: secret check, parse,
   dedupe record, FAQ match, outbox row, commit. The outbox sender is off (``OUTBOX_ENABLED=
   false``) so only the answer path is measured; ``--with-sender`` turns it on. On SQLite, and
   on PostgreSQL when reachable (a temporary database is created and dropped).
3. Baseline: an aiogram 3 echo bot (webhook, reply in the response) on the same core.

Figures go to stdout; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TOKEN = "123456789:AAbench-token-for-citizen-desk"
SECRET = "bench-secret"
PG_ADMIN = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
SAMPLE = ROOT / "tests" / "fixtures" / "telegram-updates" / "message.json"
DEFAULT_FAQ = ROOT / "config" / "faq"
TARGET_SIZE = 569

ECHO_BOT = """
import sys
from aiogram import Bot, Dispatcher
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
dp = Dispatcher()
@dp.message()
async def echo(message: Message):
    return message.answer(message.text or "")
bot = Bot(sys.argv[2])
app = web.Application()
SimpleRequestHandler(dp, bot, handle_in_background=False).register(app, path="/telegram/webhook")
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


CITIZENS = 5000  # distinct senders, so no one trips the per-citizen flood control
FIRST_USER = 700000000


def body_template() -> tuple[bytes, bytes, bytes, bytes]:
    """A compact private-chat update of TARGET_SIZE bytes, split around its update_id and
    its sender (``from`` and ``chat`` share the id, as in a private chat)."""
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["message"]["from"]["language_code"] = "en"
    data["update_id"] = 100000000
    data["message"]["from"]["id"] = data["message"]["chat"]["id"] = FIRST_USER
    # A question the sample FAQ answers: the full answer path (answer + feedback buttons).
    data["message"]["text"] = "How do I replace a lost social security card?"
    raw = json.dumps(data, separators=(",", ":"))
    pad = TARGET_SIZE - len(raw.encode())
    data["message"]["from"]["last_name"] += "x" * max(0, pad)  # padding the matcher ignores
    raw = json.dumps(data, separators=(",", ":"))
    head, rest = raw.split("100000000", 1)
    parts = rest.split(str(FIRST_USER))
    assert len(parts) == 3, "the sender id must appear in from and chat"
    return head.encode(), parts[0].encode(), parts[1].encode(), parts[2].encode()


def make_body(template: tuple[bytes, ...], update_id: int) -> bytes:
    """The update with ``update_id``, sent by one of CITIZENS citizens in turn."""
    head, mid, mid2, tail = template
    user = str(FIRST_USER + update_id % CITIZENS).encode()
    return head + str(update_id).encode() + mid + user + mid2 + user + tail


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "WEBHOOK_BASE_URL"}}
    env.update(REDIS_URL="", LOG_LEVEL="WARNING", FAQ_WATCH="false", HOST="127.0.0.1")
    env.update(DEPARTMENTS_FILE=str(ROOT / "config" / "departments.yaml"))
    env.update(extra)
    return env


async def wait_healthy(port: int, proc: subprocess.Popen[bytes], limit: float = 60) -> float:
    started = time.perf_counter()
    async with aiohttp.ClientSession() as http:
        while time.perf_counter() - started < limit:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}")
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status in (200, 404, 405):
                        return time.perf_counter() - started
            await asyncio.sleep(0.01)
    raise RuntimeError("server did not become healthy")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def spawn(args: list[str], env: dict[str, str], cpu: int | None) -> subprocess.Popen[bytes]:
    prefix = ["taskset", "-c", str(cpu)] if cpu is not None and shutil.which("taskset") else []
    return subprocess.Popen(
        prefix + args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


async def start_to_healthy(faq: Path, runs: int) -> None:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            env = base_env(
                DATABASE_URL=f"sqlite+aiosqlite:///{tmp}/desk.db", FAQ_DIR=str(faq), PORT=str(port)
            )
            started = time.perf_counter()
            proc = spawn([PY, "-m", "bot", "serve"], env, None)
            try:
                await wait_healthy(port, proc)
                times.append(time.perf_counter() - started)
            finally:
                stop(proc)
    print(
        f"start-to-healthy (serve, SQLite, FAQ {faq.name}, fresh database incl. migration): "
        f"median {statistics.median(times):.2f} s, min {min(times):.2f} s over {len(times)} runs"
    )


async def stub_bot_api() -> tuple[web.AppRunner, int]:
    """Answers every Bot API call with ok (setWebhook at start, sends when the sender is on)."""
    counter = iter(range(1, 10**9))

    async def handle(request: web.Request) -> web.Response:
        method = request.match_info["method"].lower()
        if method == "getme":
            result: Any = {"id": 123456789, "is_bot": True, "first_name": "Bench"}
        elif method.startswith("send"):
            result = {
                "message_id": next(counter),
                "date": int(time.time()),
                "chat": {"id": 1, "type": "private"},
                "text": "ok",
            }
        else:
            result = True
        return web.json_response({"ok": True, "result": result})

    app = web.Application()
    app.router.add_route("*", "/bot{token}/{method}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, port


async def load(port: int, seconds: float, connections: int, first_id: int) -> dict[str, float]:
    template = body_template()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    ids = iter(range(first_id, first_id + 10**9))
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds

    async def worker(http: aiohttp.ClientSession) -> None:
        nonlocal failures
        while time.perf_counter() < deadline:
            body = make_body(template, next(ids))
            t0 = time.perf_counter()
            async with http.post(url, data=body, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    failures += 1
            latencies.append(time.perf_counter() - t0)

    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as http:
        # warm-up
        for _ in range(50):
            body = make_body(template, next(ids))
            async with http.post(url, data=body, headers=headers) as response:
                await response.read()
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(worker(http) for _ in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000,
        "n": len(latencies),
        "failures": failures,
    }


def report(name: str, figures: dict[str, float]) -> None:
    print(
        f"{name:<42} {figures['rps']:8.0f} req/s   p50 {figures['p50']:7.1f} ms   "
        f"p99 {figures['p99']:7.1f} ms   ({int(figures['n'])} requests, "
        f"{int(figures['failures'])} non-200)"
    )


async def bench_service(
    name: str, database_url: str, faq: Path, seconds: float, connections: int, sender: bool
) -> None:
    runner, api_port = await stub_bot_api()
    port = free_port()
    env = base_env(
        DATABASE_URL=database_url,
        FAQ_DIR=str(faq),
        PORT=str(port),
        BOT_TOKEN=TOKEN,
        WEBHOOK_SECRET=SECRET,
        TELEGRAM_API_URL=f"http://127.0.0.1:{api_port}",
        WEBHOOK_BASE_URL=f"http://127.0.0.1:{port}",
        OUTBOX_ENABLED="true" if sender else "false",
        SCHEDULER_ENABLED="false",
    )
    proc = spawn([PY, "-m", "bot", "serve"], env, 0)
    try:
        await wait_healthy(port, proc)
        report(name, await load(port, seconds, connections, 1))
    finally:
        stop(proc)
        await runner.cleanup()


async def bench_echo(seconds: float, connections: int) -> None:
    port = free_port()
    proc = spawn([PY, "-c", ECHO_BOT, str(port), TOKEN], base_env(), 0)
    try:
        await wait_healthy(port, proc)
        report("aiogram echo bot (baseline)", await load(port, seconds, connections, 1))
    finally:
        stop(proc)


async def pg_database() -> str | None:
    """A fresh, migrated PostgreSQL database URL, or None when unreachable."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from bot.db import create_engine

    name = f"citizen_desk_bench_{uuid.uuid4().hex[:8]}"
    try:
        engine = create_engine(PG_ADMIN)
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await engine.dispose()
    except Exception as exc:
        print(f"PostgreSQL not reachable ({type(exc).__name__}: {exc}); skipping it")
        return None
    url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    from bot.migrate import upgrade

    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    return url


async def drop_pg(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from bot.db import create_engine

    engine = create_engine(PG_ADMIN)
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 s per case, 2 start-ups")
    parser.add_argument("--seconds", type=float, help="duration of each throughput case")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--faq", type=Path, default=DEFAULT_FAQ, help="FAQ folder to serve")
    parser.add_argument("--with-sender", action="store_true", help="run the outbox sender too")
    parser.add_argument("--no-echo", action="store_true", help="skip the aiogram baseline")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    seconds = args.seconds or (3.0 if args.quick else 10.0)
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})  # the load generator; servers run on CPU 0
    print(
        f"body: {len(make_body(body_template(), 100000000))} bytes from {CITIZENS} citizens, "
        f"{args.connections} connections"
    )
    await start_to_healthy(args.faq, 2 if args.quick else 5)
    if not args.no_echo:
        await bench_echo(seconds, args.connections)
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite+aiosqlite:///{tmp}/desk.db"
        await bench_service(
            "citizen-desk webhook, SQLite",
            sqlite_url,
            args.faq,
            seconds,
            args.connections,
            args.with_sender,
        )
    if not args.no_postgres:
        url = await pg_database()
        if url is not None:
            try:
                await bench_service(
                    "citizen-desk webhook, PostgreSQL",
                    url,
                    args.faq,
                    seconds,
                    args.connections,
                    args.with_sender,
                )
            finally:
                await drop_pg(url)


if __name__ == "__main__":
    asyncio.run(main())
