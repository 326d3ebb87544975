"""Web chat benchmarks: memory per idle stream, and question -> answer latency.

    .venv/bin/python bench/webchat_bench.py                     # 5,000 idle streams, 200 askers
    .venv/bin/python bench/webchat_bench.py --streams 2000 --askers 200 [--postgres]

``citizen-desk serve`` runs as a subprocess (no BOT_TOKEN, the sample FAQ and departments, a
temporary SQLite file, or a temporary PostgreSQL database with ``--postgres``), pinned to CPU 0
when ``taskset`` exists; this process (CPU 1) is the visitors, over real HTTP.

1. Idle streams: N visitors each get a cookie (``GET /chat/api/session``) and open
   ``GET /chat/api/stream``; the server's resident memory (``VmRSS``) before and after, per
   stream, and how long opening them took.
2. Latency: 20 visitors one after the other (the answer path alone), then M other visitors, each with an open stream, POST a question the sample FAQ answers
   all at once; the time from the POST to the answer's event on the visitor's stream, p50 / p99
   / max, and the answers per second of the burst (with the N idle streams still open).

Figures go to stdout; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
QUESTION = "注册公司需要什么流程？"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Client:
    """One visitor: its cookie kept by hand (one shared connection pool for all)."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.base = http, base
        self.cookie = ""
        self.csrf = ""
        self.answers: asyncio.Queue[float] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def session(self) -> None:
        async with self.http.get(f"{self.base}/chat/api/session") as r:
            self.csrf = (await r.json())["csrf"]
            self.cookie = r.cookies["cd_visitor"].value

    async def open(self, ready: asyncio.Event | None = None) -> None:
        self.task = asyncio.create_task(self._read(ready))

    async def _read(self, ready: asyncio.Event | None) -> None:
        async with self.http.get(
            f"{self.base}/chat/api/stream",
            headers={"Cookie": f"cd_visitor={self.cookie}"},
            timeout=aiohttp.ClientTimeout(None),
        ) as r:
            async for line in r.content:
                if line.startswith(b"retry:") and ready is not None:
                    ready.set()
                if line.startswith(b"data:"):
                    self.answers.put_nowait(time.perf_counter())

    async def ask(self, text: str) -> float:
        started = time.perf_counter()
        async with self.http.post(
            f"{self.base}/chat/api/messages",
            data=json.dumps({"text": text}),
            headers={
                "Cookie": f"cd_visitor={self.cookie}",
                "X-CSRF-Token": self.csrf,
                "Content-Type": "application/json",
            },
        ) as r:
            assert r.status == 202, r.status
        got = await asyncio.wait_for(self.answers.get(), 60)
        return got - started


async def _create_pg() -> tuple[str, str]:
    import asyncpg

    name = f"webchat_bench_{uuid.uuid4().hex[:8]}"
    admin = PG_ADMIN.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name, name


async def _drop_pg(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN.replace("postgresql+asyncpg://", "postgresql://"))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def wait_healthy(base: str, proc: subprocess.Popen[bytes]) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(600):
            if proc.poll() is not None:
                raise SystemExit(f"serve exited with {proc.returncode}")
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"{base}/healthz") as r:
                    if r.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise SystemExit("serve did not become healthy")


async def run(streams: int, askers: int, postgres: bool) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="webchat-bench-"))
    pg_name = None
    if postgres:
        url, pg_name = await _create_pg()
    else:
        url = f"sqlite+aiosqlite:///{tmp / 'desk.db'}"
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PORT": str(port),
        "SCHEDULER_ENABLED": "false",
        "FAQ_WATCH": "false",
        "LOG_LEVEL": "WARNING",
        "WEBCHAT_IP_RATE": "100000",
        "WEBCHAT_HEARTBEAT": "15",
        "WEBCHAT_RATE": "10000",
        "BOT_TOKEN": "",
    }
    subprocess.run(  # noqa: ASYNC221 - before the server starts
        [str(BIN / "citizen-desk"), "migrate"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    cmd = [str(BIN / "citizen-desk"), "serve"]
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        cmd = ["taskset", "-c", "0", *cmd]
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {1})
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)  # noqa: ASYNC220
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(base, proc)
        connector = aiohttp.TCPConnector(limit=0, force_close=False)
        async with aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.DummyCookieJar()
        ) as http:
            warm = Client(http, base)  # the first answer loads what it needs
            await warm.session()
            await warm.open()
            await warm.ask(QUESTION)
            await asyncio.sleep(0.5)
            before = rss_kib(proc.pid)
            idle = [Client(http, base) for _ in range(streams)]
            started = time.perf_counter()
            for chunk in range(0, streams, 200):
                await asyncio.gather(*(c.session() for c in idle[chunk : chunk + 200]))
                readies = []
                for c in idle[chunk : chunk + 200]:
                    ready = asyncio.Event()
                    readies.append(ready.wait())
                    await c.open(ready)
                await asyncio.wait_for(asyncio.gather(*readies), 120)
            opened = time.perf_counter() - started
            await asyncio.sleep(1.0)
            after = rss_kib(proc.pid)
            kind = "PostgreSQL" if postgres else "SQLite"
            print(f"web chat bench ({kind}; server on one core)")
            print(
                f"idle streams: {streams} opened in {opened:.1f} s; server RSS "
                f"{before / 1024:.1f} MiB -> {after / 1024:.1f} MiB: "
                f"{(after - before) / max(streams, 1):.1f} KiB per stream"
            )
            alone = [Client(http, base) for _ in range(20)]
            solo = []
            for c in alone:  # one at a time: the answer path without queueing
                await c.session()
                ready = asyncio.Event()
                await c.open(ready)
                await ready.wait()
                solo.append(await c.ask(QUESTION) * 1000)
            solo.sort()
            print(
                f"question -> answer, one visitor at a time (20 visitors): "
                f"p50 {statistics.median(solo):.0f} ms, max {solo[-1]:.0f} ms"
            )
            ask = [Client(http, base) for _ in range(askers)]
            await asyncio.gather(*(c.session() for c in ask))
            readies = []
            for c in ask:
                ready = asyncio.Event()
                readies.append(ready.wait())
                await c.open(ready)
            await asyncio.gather(*readies)
            t0 = time.perf_counter()
            latencies = sorted(await asyncio.gather(*(c.ask(QUESTION) for c in ask)))
            wall = time.perf_counter() - t0
            ms = [x * 1000 for x in latencies]
            p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
            print(
                f"question -> answer, {askers} visitors at once ({streams} idle streams open): "
                f"p50 {statistics.median(ms):.0f} ms, p99 {p99:.0f} ms, max {ms[-1]:.0f} ms; "
                f"{askers / wall:.0f} answers/s"
            )
            everyone = [warm, *idle, *alone, *ask]
            for c in everyone:
                if c.task is not None:
                    c.task.cancel()
            await asyncio.gather(*(c.task for c in everyone if c.task), return_exceptions=True)
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(30)
        if proc.poll() is None:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)
        if pg_name:
            await _drop_pg(pg_name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=5000)
    parser.add_argument("--askers", type=int, default=200)
    parser.add_argument("--postgres", action="store_true", help="TEST_POSTGRES_URL's server")
    args = parser.parse_args(argv)
    asyncio.run(run(args.streams, args.askers, args.postgres))


if __name__ == "__main__":
    main()
