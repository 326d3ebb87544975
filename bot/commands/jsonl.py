"""JSON lines in, one JSON line out per line, in order: the loop of ``faq match --jsonl`` and
``route --jsonl``.

Input is taken as it arrives: a line typed (or written by a program that waits for the
answer) is answered at once; a file piped in arrives in large blocks, whose lines are
answered by forked worker processes (all cores by default, at most 4) that inherit what the
command built before calling :func:`serve` (an index, a router). Order is kept either way.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

PARALLEL_MIN = 256  # lines available at once before the bulk work goes to worker processes
WORKER_CHUNK = 64


def parse_line(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """``(item, None)`` for an object with a non-empty ``text``; ``(None, error line)``."""
    try:
        item = json.loads(raw)
    except ValueError as exc:
        msg = "empty line" if not raw.strip() else f"not valid JSON: {exc}"
        return None, error_line(msg)
    if not isinstance(item, dict):
        return None, error_line("expected a JSON object")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        return None, error_line("missing or empty 'text'")
    return item, None


def error_line(message: str) -> str:
    return json.dumps({"error": message}) + "\n"


def workers(requested: int | None) -> int:
    import multiprocessing
    import os

    if requested is not None:
        wanted = max(1, requested)
    else:
        wanted = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 4)
    if wanted > 1 and "fork" not in multiprocessing.get_all_start_methods():
        return 1  # workers must inherit the index; rebuilding it per worker costs more
    return wanted


def serve(answer_line: Callable[[bytes], str], requested_workers: int | None = None) -> int:
    """Answer stdin on stdout with ``answer_line`` (a module-level function that never
    raises). Returns the exit code."""
    import gc
    import os

    gc.collect()
    gc.freeze()  # what was built is long-lived: keep the collector from rescanning (copying) it
    fd = sys.stdin.fileno()
    out = sys.stdout
    n_workers = workers(requested_workers)
    pool = None
    tail = b""

    def answer(lines: list[bytes]) -> list[str]:
        nonlocal pool, n_workers
        if n_workers > 1 and len(lines) >= PARALLEL_MIN:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            from concurrent.futures.process import BrokenProcessPool

            try:
                if pool is None:
                    pool = ProcessPoolExecutor(
                        n_workers, mp_context=multiprocessing.get_context("fork")
                    )
                return list(pool.map(answer_line, lines, chunksize=WORKER_CHUNK))
            except (BrokenProcessPool, OSError) as exc:  # a worker died: carry on alone
                print(
                    f"citizen-desk: worker processes failed ({exc}); going on in one",
                    file=sys.stderr,
                )
                n_workers = 1
        return [answer_line(raw) for raw in lines]

    try:
        while True:
            data = os.read(fd, 1 << 20)  # whatever has arrived, at least one byte
            if not data:
                break
            lines = (tail + data).split(b"\n")
            tail = lines.pop()
            if lines:
                out.write("".join(answer(lines)))
                out.flush()
        if tail:  # a last line without its newline
            out.write(answer_line(tail))
            out.flush()
    except BrokenPipeError:
        silence_stdout()
        return 0
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return 0


def silence_stdout() -> None:
    """After a closed pipe (``| head``): send what is left to /dev/null, end quietly."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
