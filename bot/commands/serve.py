"""``citizen-desk serve``: the service (webhook, or long polling without WEBHOOK_BASE_URL)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "serve",
        help="run the service (webhook when WEBHOOK_BASE_URL is set, else long polling)",
        description=(
            "Serve Telegram updates, GET /healthz and GET /metrics until SIGTERM. Without "
            "BOT_TOKEN only the HTTP side runs. A SQLite schema that is behind is migrated; "
            "on PostgreSQL run `citizen-desk migrate` first."
        ),
    )
    parser.add_argument("--host", help="listen address (default: HOST)")
    parser.add_argument("--port", type=int, help="listen port (default: PORT)")
    parser.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    import asyncio

    from bot.config import load_settings
    from bot.logging import configure_logging

    overrides: dict[str, object] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    settings = load_settings(**overrides)
    configure_logging(settings.log_level, settings.log_format)
    from bot.server import serve

    return asyncio.run(serve(settings))
