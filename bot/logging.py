"""Logging set-up: plain text or one JSON object per line (``LOG_FORMAT``).

Every handled update produces exactly one line on the ``citizen_desk.updates`` logger
carrying ``update_id``, ``kind``, ``outcome`` and ``latency_ms`` (see :func:`log_update`).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Literal

UPDATES_LOGGER = "citizen_desk.updates"
_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)
_update_log = logging.getLogger(UPDATES_LOGGER)


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the extras, exc_info."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(_extras(record))
        if record.exc_info:
            data["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time level logger: message key=value ...`` (extras appended in order)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = _extras(record)
        if extras:
            tail = " ".join(f"{k}={v}" for k, v in extras.items())
            head, sep, rest = line.partition("\n")
            line = f"{head} {tail}{sep}{rest}"
        return line


class MalformedRequestFilter(logging.Filter):
    """aiohttp answers a request it cannot parse (a URL or header over its limits, broken
    HTTP) with a 400 itself, then logs an ERROR with a traceback: anyone could fill the log
    with them. Such a record becomes one WARNING line without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and _is_bad_http(exc):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            reason = str(getattr(exc, "message", "") or exc).strip().partition("\n")[0]
            record.msg, record.args = "malformed HTTP request refused (400): %s", (reason[:160],)
            record.exc_info, record.exc_text = None, None
        return True


def _is_bad_http(exc: BaseException) -> bool:
    from aiohttp.http_exceptions import BadHttpMessage

    return isinstance(exc, BadHttpMessage)


def configure_logging(level: str = "INFO", fmt: Literal["text", "json"] = "text") -> None:
    """Route the root logger to stderr in the chosen format (idempotent)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_citizen_desk", False):
            root.removeHandler(old)
    handler._citizen_desk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # aiogram logs its own line per update at INFO; ours replaces it (one line per update).
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    server = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, MalformedRequestFilter) for f in server.filters):
        server.addFilter(MalformedRequestFilter())
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # APScheduler says "Running job ..." every minute; the sweeps log what they queued.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def log_update(update_id: int | None, kind: str, outcome: str, latency_ms: float) -> None:
    """The one structured log line of a handled update."""
    level = logging.WARNING if outcome in {"error", "retry"} else logging.INFO
    if not _update_log.isEnabledFor(level):
        return
    _update_log.log(
        level,
        "update %s %s %s",
        update_id,
        kind,
        outcome,
        extra={
            "update_id": update_id,
            "kind": kind,
            "outcome": outcome,
            "latency_ms": round(latency_ms, 2),
        },
    )
