"""``citizen-desk faq check | match | eval``: validate, query and evaluate the FAQ.

Heavy imports live inside the command functions so that ``faq match --jsonl`` starts
quickly (no pydantic, no aiogram on that path unless ``--kb`` is omitted).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from faq.models import MatcherConfig


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("faq", help="check, query and evaluate the FAQ knowledge base")
    faq_sub = parser.add_subparsers(dest="faq_command", metavar="SUBCOMMAND")
    parser.set_defaults(func=lambda _args: (parser.print_help(), 2)[1])

    check = faq_sub.add_parser(
        "check",
        help="validate a FAQ folder (exit 1 on any problem; stale entries are warnings)",
    )
    check.add_argument("dir", nargs="?", type=Path, help="FAQ folder (default: FAQ_DIR)")
    check.add_argument(
        "--review-days",
        type=int,
        help="warn on entries not reviewed within this many days (default: FAQ_REVIEW_DAYS)",
    )
    check.add_argument(
        "--departments",
        type=Path,
        help="check owners and departments against this departments file "
        "(default: DEPARTMENTS_FILE when DIR is not given)",
    )
    check.add_argument("--today", help="check as of this date, YYYY-MM-DD (default: today)")
    check.set_defaults(func=_check)

    match = faq_sub.add_parser("match", help="match questions against the knowledge base")
    _kb_options(match)
    match.add_argument("--jsonl", action="store_true", help="JSON lines on stdin -> stdout")
    match.add_argument(
        "--workers",
        type=int,
        help="processes for bulk --jsonl input (default: the CPUs, at most 4; 1 = no workers)",
    )
    match.add_argument("text", nargs="*", help="a question (human-readable output)")
    match.set_defaults(func=_match)

    ev = faq_sub.add_parser("eval", help="evaluate the matcher on labelled JSON lines")
    _kb_options(ev)
    ev.add_argument("file", type=Path, help='JSON lines {"text", "expect": id|null, "kind"?}')
    ev.add_argument("--json", action="store_true", help="machine-readable output")
    ev.add_argument("--misses", type=int, default=15, help="misses listed (default 15)")
    ev.set_defaults(func=_eval)


def _kb_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kb", type=Path, help="FAQ folder (default: FAQ_DIR)")
    parser.add_argument("--answer-score", type=float, help="override the answer threshold")
    parser.add_argument("--suggest-score", type=float, help="override the suggest threshold")
    parser.add_argument("--answer-margin", type=float, help="override the answer margin")
    parser.add_argument(
        "--semantic",
        action="store_true",
        help="add the embedding second opinion (needs citizen-desk[semantic]; FAQ_SEMANTIC)",
    )


def _default_dir() -> Path:
    from bot.config import load_settings

    return load_settings().faq_dir


def _config(args: argparse.Namespace) -> MatcherConfig:
    from faq.models import MatcherConfig

    return MatcherConfig(
        answer_score=args.answer_score,
        suggest_score=args.suggest_score,
        answer_margin=args.answer_margin,
        semantic=bool(getattr(args, "semantic", False)),
    )


def _load(args: argparse.Namespace):
    from faq.loader import load_knowledge_base

    folder = args.kb if args.kb is not None else _default_dir()
    result = load_knowledge_base(folder, _config(args))
    if result.kb is None:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        print(f"citizen-desk: the FAQ folder {folder} has problems", file=sys.stderr)
    elif result.kb.semantic_error:
        print(f"citizen-desk: {result.kb.semantic_error}", file=sys.stderr)
    return result.kb


def _check(args: argparse.Namespace) -> int:
    from datetime import date

    from faq.freshness import check
    from faq.loader import read_folder

    settings = None
    if args.dir is None or args.review_days is None:
        from bot.config import SettingsError, load_settings

        try:
            settings = load_settings()
        except SettingsError as exc:
            print(f"citizen-desk: {exc}", file=sys.stderr)
            return 2
    folder = args.dir if args.dir is not None else settings.faq_dir  # type: ignore[union-attr]
    review_days = args.review_days if args.review_days is not None else settings.faq_review_days  # type: ignore[union-attr]
    if review_days < 1:
        print("citizen-desk: --review-days must be at least 1", file=sys.stderr)
        return 2
    try:
        today = date.fromisoformat(args.today) if args.today else _city_today(settings)
    except ValueError:
        print(f"citizen-desk: bad --today '{args.today}' (use YYYY-MM-DD)", file=sys.stderr)
        return 2
    departments_file = args.departments
    if departments_file is None and args.dir is None and settings is not None:
        if settings.departments_file.is_file():
            departments_file = settings.departments_file
    slugs: list[str] | None = None
    if departments_file is not None:
        from tickets.config.desk import load_desk_config

        loaded = load_desk_config(departments_file)
        if loaded.config is None:
            for problem in loaded.problems:
                print(problem)
            print(f"citizen-desk: the departments file {departments_file} has problems")
            return 1
        slugs = list(loaded.config.slugs)
    entries, problems, files = read_folder(folder)
    warnings: list[Any] = []
    if not problems:
        stale, warnings = check(entries, today, review_days, slugs)
        problems = stale
    for line in sorted([*problems, *warnings], key=lambda p: (p.file, p.line)):
        print(line)
    if problems:
        print(f"{len(problems)} problem(s) in {folder}", file=sys.stderr)
        return 1
    note = f" ({len(warnings)} warning(s))" if warnings else ""
    print(f"ok: {len(entries)} entries in {len(files)} files{note}")
    return 0


def _city_today(settings: object | None):
    """Today in the city's timezone (TIMEZONE), or the host's without settings."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    tz = getattr(settings, "timezone", None)
    return datetime.now(ZoneInfo(tz)).date() if tz else date.today()


def _match(args: argparse.Namespace) -> int:
    if not args.jsonl and not args.text:
        print("usage: citizen-desk faq match --kb DIR (--jsonl | QUESTION)", file=sys.stderr)
        return 2
    kb = _load(args)
    if kb is None:
        return 1
    if args.jsonl:
        # The embedding engine runs threads of its own: no forked workers with it.
        return _match_jsonl(kb, 1 if kb.semantic is not None else args.workers)
    from faq.text import detect_language

    text = " ".join(args.text)
    result = kb.match(text)
    lang = detect_language(text)
    print(f"decision: {result.decision}  (score {result.score:.1f}; {kb.thresholds.describe()})")
    if result.decision == "answer" and result.entry_id:
        entry = kb.get(result.entry_id)
        print(
            f"entry:    {entry.id}  [{entry.department}]  {entry.source_file}:{entry.source_line}"
        )
        print(f"question: {entry.questions[0]}")
        print(entry.answer_for(lang))
    elif result.decision == "suggest":
        print("did you mean:")
        for c in result.candidates:
            print(f"  {c.score:5.1f}  {c.id}: {kb.get(c.id).questions[0]}")
    else:
        print("no confident match (the bot offers to open a ticket)")
    return 0


# The knowledge base of `faq match --jsonl`, module-global so that forked workers share it.
_JSONL_KB: Any = None


def _answer_line(raw: bytes) -> str:
    """The output line for one input line (never raises: errors go in place)."""
    import json

    from bot.commands.jsonl import error_line, parse_line

    item, error = parse_line(raw)
    if item is None:
        return error or error_line("bad line")
    lang = item.get("lang")
    try:
        result = _JSONL_KB.match(item["text"], lang if isinstance(lang, str) else None)
    except Exception as exc:  # one bad input must not stop the stream
        return error_line(f"match failed: {exc}")
    return json.dumps(result.to_json(), ensure_ascii=False) + "\n"


def _match_jsonl(kb, workers: int | None = None) -> int:
    """One JSON line out per line in, in order; bad lines get {"error": ...} (see
    :mod:`bot.commands.jsonl`: answered as they arrive, bulk input by forked workers)."""
    from bot.commands.jsonl import serve

    global _JSONL_KB
    _JSONL_KB = kb
    return serve(_answer_line, workers)


def _eval(args: argparse.Namespace) -> int:
    import json

    from faq.evaluation import evaluate

    kb = _load(args)
    if kb is None:
        return 1
    try:
        with args.file.open(encoding="utf-8") as fh:
            report = evaluate(kb, fh)
    except OSError as exc:
        print(f"citizen-desk: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        else:
            print(report.render(max_misses=args.misses))
        sys.stdout.flush()
    except BrokenPipeError:  # `| head -25`
        from bot.commands.jsonl import silence_stdout

        silence_stdout()
    return 0
