"""``citizen-desk route``: the department the request form would propose for a demand.

- ``route --jsonl [--departments FILE] [--kb DIR]``: JSON lines ``{"text", "lang"?}`` in, one
  ``{"department": slug | null, "candidates": [{"slug", "score"}, ...]}`` out per line, in
  order (``{"error": ...}`` for a bad line); streamed like ``faq match --jsonl``;
- ``route "TEXT"``: the proposal and candidates, readable, with the phrases that matched;
- ``route --eval FILE``: figures on labelled lines ``{"text", "expect": slug | null}``.

Defaults: the configured departments file and FAQ folder (``DEPARTMENTS_FILE``, ``FAQ_DIR``)
and margin (``ROUTE_MARGIN``). The lessons learned from transfers and corrections are in the
database; ``--lessons`` adds them (as the running service does).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from faq.routing import LessonIndex, Router
    from tickets.config.desk import DeskConfig

USAGE = 'usage: citizen-desk route [--departments FILE] [--kb DIR] (--jsonl | --eval FILE | "TEXT")'


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("route", help="which department the request form proposes for a demand")
    parser.add_argument("--departments", type=Path, help="departments file (DEPARTMENTS_FILE)")
    parser.add_argument("--kb", type=Path, help="FAQ folder (default: FAQ_DIR)")
    parser.add_argument("--margin", type=float, help="override the proposal margin (0..100)")
    parser.add_argument(
        "--lessons", action="store_true", help="add the lessons learned (DATABASE_URL)"
    )
    parser.add_argument("--jsonl", action="store_true", help="JSON lines on stdin -> stdout")
    parser.add_argument(
        "--workers",
        type=int,
        help="processes for bulk --jsonl input (default: the CPUs, at most 4; 1 = no workers)",
    )
    parser.add_argument(
        "--eval", type=Path, metavar="FILE", help='labelled lines {"text", "expect"}'
    )
    parser.add_argument("--json", action="store_true", help="--eval: machine-readable output")
    parser.add_argument("--misses", type=int, default=15, help="--eval: misses listed (15)")
    parser.add_argument("text", nargs="*", help="a demand (human-readable output)")
    parser.set_defaults(func=_route)


def _route(args: argparse.Namespace) -> int:
    modes = sum((bool(args.jsonl), args.eval is not None, bool(args.text)))
    if modes != 1:
        print(USAGE, file=sys.stderr)
        return 2
    if args.margin is not None and not 0 <= args.margin <= 100:
        print("citizen-desk: --margin must be between 0 and 100", file=sys.stderr)
        return 2
    loaded = _load(args)
    if loaded is None:
        return 1
    router, desk = loaded
    lessons = _lessons(router) if args.lessons else None
    if args.jsonl:
        return _jsonl(router, lessons, args.workers)
    if args.eval is not None:
        return _eval(router, lessons, args)
    return _one(router, desk, lessons, " ".join(args.text))


def _load(args: argparse.Namespace) -> tuple[Router, DeskConfig] | None:
    from bot.config import load_settings
    from faq.loader import read_folder
    from faq.routing import Router, RouterConfig
    from tickets.config.desk import load_desk_config

    settings = load_settings()
    path = args.departments if args.departments is not None else settings.departments_file
    folder = args.kb if args.kb is not None else settings.faq_dir
    margin = args.margin if args.margin is not None else settings.route_margin
    desk = load_desk_config(path)
    problems = [str(p) for p in desk.problems]
    entries, faq_problems, _files = read_folder(Path(folder))
    problems += [str(p) for p in sorted(faq_problems, key=lambda p: (p.file, p.line))]
    if desk.config is None or problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"citizen-desk: {path} or {folder} has problems", file=sys.stderr)
        return None
    departments = list(desk.config.departments.values())
    return Router.build(departments, entries, RouterConfig(margin=margin)), desk.config


def _lessons(router: Router) -> LessonIndex:
    import asyncio
    from datetime import UTC, datetime, timedelta

    from bot.config import load_settings
    from bot.db import create_engine, create_session_factory
    from faq.routing import LessonIndex
    from tickets.lessons import fetch_lessons

    settings = load_settings()
    index = LessonIndex()

    async def load() -> None:
        engine = create_engine(settings.database_url)
        try:
            async with create_session_factory(engine)() as session:
                since = datetime.now(UTC) - timedelta(days=settings.route_lesson_days)
                index.extend(await fetch_lessons(session, since=since, limit=index.max_lessons))
        finally:
            await engine.dispose()

    asyncio.run(load())
    print(f"citizen-desk: {len(index)} lessons from the database", file=sys.stderr)
    return index


# The router of `route --jsonl`, module-global so that forked workers share it.
_JSONL: tuple[Any, Any] = (None, None)


def _answer_line(raw: bytes) -> str:
    """The output line for one input line (never raises: errors go in place)."""
    import json

    from bot.commands.jsonl import error_line, parse_line

    item, error = parse_line(raw)
    if item is None:
        return error or error_line("bad line")
    router, lessons = _JSONL
    lang = item.get("lang")
    try:
        result = router.route(item["text"], lang if isinstance(lang, str) else None, lessons)
    except Exception as exc:  # one bad input must not stop the stream
        return error_line(f"routing failed: {exc}")
    return json.dumps(result.to_json(), ensure_ascii=False) + "\n"


def _jsonl(router: Router, lessons: LessonIndex | None, workers: int | None) -> int:
    from bot.commands.jsonl import serve

    global _JSONL
    _JSONL = (router, lessons)
    return serve(_answer_line, workers)


def _eval(router: Router, lessons: LessonIndex | None, args: argparse.Namespace) -> int:
    import json

    from bot.commands.jsonl import silence_stdout
    from faq.routing.evaluation import evaluate

    try:
        with args.eval.open(encoding="utf-8") as fh:
            report = evaluate(router, fh, lessons)
    except OSError as exc:
        print(f"citizen-desk: cannot read {args.eval}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        else:
            print(report.render(max_misses=args.misses))
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    return 0


def _one(router: Router, desk: DeskConfig, lessons: LessonIndex | None, text: str) -> int:
    from faq.text import detect_language

    lang = detect_language(text)
    result = router.route(text, lang, lessons)

    def name(slug: str) -> str:
        dept = desk.get(slug)
        return dept.name_for(lang) if dept is not None else slug

    describe = router.thresholds.describe()
    if result.department is not None:
        print(f"proposal: {result.department} ({name(result.department)})")
    elif result.candidates:
        print("no proposal: the form offers these departments (and the full list)")
    else:
        print("no proposal: nothing points to a department (the form shows the full list)")
    print(f"lead {result.lead:.1f}; {describe}")
    for c in result.candidates:
        matched = "; ".join(router.explain(text, c.slug))
        print(
            f"  {c.score:5.1f}  {c.slug} ({name(c.slug)})" + (f"  <- {matched}" if matched else "")
        )
    return 0
