"""The ``citizen-desk`` command line.

Each command group lives in a module under ``bot/commands`` exposing
``register(subparsers)``; the parser it adds sets ``func`` to a callable taking the
parsed ``argparse.Namespace`` and returning an exit code. Command modules import their
heavy dependencies inside ``func`` so that ``citizen-desk --help`` and the fast
``faq match`` path start quickly.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Order is the order shown in --help.
COMMAND_MODULES = (
    "bot.commands.serve",
    "bot.commands.db",
    "bot.commands.faq",
    "bot.commands.route",
    "bot.commands.departments",
    "bot.commands.staff",
    "bot.commands.sweep",
    "bot.commands.stats",
    "bot.commands.gaps",
    "bot.commands.texts",
    "bot.commands.console",
    "bot.commands.announce",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citizen-desk",
        description="Answer citizens on Telegram: FAQ, tickets, deadlines, nagging, stats.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a command group not built yet
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    from bot.config import SettingsError

    try:
        return int(func(args) or 0)
    except SettingsError as exc:
        print(f"citizen-desk: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `citizen-desk departments list | head`
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
