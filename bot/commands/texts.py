"""``citizen-desk texts check [DIR]``: validate a folder of text overrides (``LOCALES_DIR``).

Exit 0 when every file parses and names only built-in messages with their placeholders;
otherwise exit 1 and one ``FILE:LINE: message`` per problem.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("texts", help="check the administrators' text overrides (LOCALES_DIR)")
    parser.set_defaults(func=lambda _args: (parser.print_help(), 2)[1])
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    check = actions.add_parser("check", help="validate a folder of .ftl overrides")
    check.add_argument("dir", nargs="?", type=Path, help="the folder (default: LOCALES_DIR)")
    check.set_defaults(func=_check)


def _check(args: argparse.Namespace) -> int:
    import locales

    folder = args.dir
    if folder is None:
        from bot.config import load_settings

        folder = load_settings().locales_dir
    if folder is None:
        print("no folder given and LOCALES_DIR is not set: the built-in texts are used")
        return 0
    result = locales.load(folder)
    for problem in result.problems:
        print(problem)
    if result.problems:
        return 1
    print(f"ok: {result.overridden} message(s) overridden from {folder}")
    return 0
