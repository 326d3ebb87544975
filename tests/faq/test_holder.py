from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from faq import KnowledgeBaseHolder, ReloadResult, watch
from tests.faq.conftest import GOOD_FILE, write


async def test_reload_swaps_only_on_valid_load(tmp_path: Path) -> None:
    write(tmp_path, "ss.yaml", GOOD_FILE)
    holder = KnowledgeBaseHolder(tmp_path)
    seen: list[ReloadResult] = []
    holder.add_listener(seen.append)
    assert holder.current is None

    first = await holder.reload(reason="start")
    assert first.ok and first.entries == 2 and first.files == 1
    live = holder.current
    assert live is not None and live.match("社保卡丢了怎么补办").entry_id == "ss-card-lost"

    write(tmp_path, "ss.yaml", GOOD_FILE.replace("id: ss-record", "id: Bad Id"))
    broken = await holder.reload()
    assert not broken.ok
    assert [str(p) for p in broken.problems] == [
        f"{tmp_path / 'ss.yaml'}:11: bad id 'Bad Id' (use a-z 0-9 and -)"
    ]
    assert holder.current is live  # the previous knowledge base stays live
    assert broken.entries == 2

    write(tmp_path, "more.yaml", GOOD_FILE.replace("ss-", "hf-").replace("Bad Id", "hf-x"))
    write(tmp_path, "ss.yaml", GOOD_FILE)
    fixed = await holder.reload()
    assert fixed.ok and fixed.entries == 4
    assert holder.current is not live
    assert live.match("社保卡丢了怎么补办").entry_id == "ss-card-lost"  # old object unchanged
    assert [r.ok for r in seen] == [True, False, True]


async def test_async_listener_and_crashing_listener(tmp_path: Path) -> None:
    write(tmp_path, "ss.yaml", GOOD_FILE)
    holder = KnowledgeBaseHolder(tmp_path)
    got: list[str] = []

    def crash(_result: ReloadResult) -> None:
        raise RuntimeError("listener bug")

    async def record(result: ReloadResult) -> None:
        got.append(result.summary())

    holder.add_listener(crash)
    holder.add_listener(record)
    result = await holder.reload()
    assert result.ok
    assert got and got[0].startswith("ok: 2 entries in 1 files")


async def test_watch_reloads_on_change_and_keeps_old_on_error(tmp_path: Path) -> None:
    write(tmp_path, "ss.yaml", GOOD_FILE)
    holder = KnowledgeBaseHolder(tmp_path)
    await holder.reload(reason="start")
    first = holder.current
    results: asyncio.Queue[ReloadResult] = asyncio.Queue()
    stop = asyncio.Event()
    task = asyncio.create_task(
        watch(holder, debounce_ms=50, stop_event=stop, on_reload=results.put_nowait)
    )
    try:
        await asyncio.sleep(0.2)  # let the watcher start (not an assertion)
        write(tmp_path, "extra.yaml", GOOD_FILE.replace("ss-", "extra-"))
        result = await asyncio.wait_for(results.get(), timeout=10)
        while result.entries != 4:  # a burst may be reported as more than one change
            result = await asyncio.wait_for(results.get(), timeout=10)
        assert result.ok and result.reason == "watch"
        second = holder.current
        assert second is not first and second is not None and "extra-record" in second

        write(tmp_path, "extra.yaml", "entries: [\n")
        result = await asyncio.wait_for(results.get(), timeout=10)
        assert not result.ok and result.problems
        assert holder.current is second
    finally:
        stop.set()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(task, timeout=5)
        task.cancel()
