"""``citizen-desk faq check | match | eval``: validate, query and evaluate the FAQ.

Heavy imports live inside the command functions so that ``faq match --jsonl`` starts
quickly (no pydantic, no aiogram on that path unless ``--kb`` is omitted).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faq.models import MatcherConfig

FLUSH_EVERY = 512  # output lines buffered at most before a flush


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("faq", help="check, query and evaluate the FAQ knowledge base")
    faq_sub = parser.add_subparsers(dest="faq_command", metavar="SUBCOMMAND")
    parser.set_defaults(func=lambda _args: (parser.print_help(), 2)[1])

    check = faq_sub.add_parser("check", help="validate a FAQ folder (exit 1 on any problem)")
    check.add_argument("dir", nargs="?", type=Path, help="FAQ folder (default: FAQ_DIR)")
    check.set_defaults(func=_check)

    match = faq_sub.add_parser("match", help="match questions against the knowledge base")
    _kb_options(match)
    match.add_argument("--jsonl", action="store_true", help="JSON lines on stdin -> stdout")
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


def _default_dir() -> Path:
    from bot.config import load_settings

    return load_settings().faq_dir


def _config(args: argparse.Namespace) -> MatcherConfig:
    from faq.models import MatcherConfig

    return MatcherConfig(
        answer_score=args.answer_score,
        suggest_score=args.suggest_score,
        answer_margin=args.answer_margin,
    )


def _load(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from faq.loader import load_knowledge_base

    folder = args.kb if args.kb is not None else _default_dir()
    result = load_knowledge_base(folder, _config(args))
    if result.kb is None:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        print(f"citizen-desk: the FAQ folder {folder} has problems", file=sys.stderr)
    return result.kb


def _check(args: argparse.Namespace) -> int:
    from faq.loader import read_folder

    folder = args.dir if args.dir is not None else _default_dir()
    entries, problems, files = read_folder(folder)
    if problems:
        for problem in sorted(problems, key=lambda p: (p.file, p.line)):
            print(problem)
        print(f"{len(problems)} problem(s) in {folder}", file=sys.stderr)
        return 1
    print(f"ok: {len(entries)} entries in {len(files)} files")
    return 0


def _match(args: argparse.Namespace) -> int:
    if not args.jsonl and not args.text:
        print("usage: citizen-desk faq match --kb DIR (--jsonl | QUESTION)", file=sys.stderr)
        return 2
    kb = _load(args)
    if kb is None:
        return 1
    if args.jsonl:
        return _match_jsonl(kb)
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


def _match_jsonl(kb) -> int:  # type: ignore[no-untyped-def]
    """One JSON line out per line in, in order; bad lines get {"error": ...}."""
    import gc
    import json
    import select

    gc.collect()
    gc.freeze()  # the index is long-lived: keep the collector from rescanning it
    stdin = open(sys.stdin.fileno(), "rb", buffering=1 << 16, closefd=False)
    out = sys.stdout
    dumps = json.dumps
    loads = json.loads
    pending: list[str] = []
    fd = stdin.fileno()

    def input_waiting() -> bool:
        try:
            return bool(select.select([fd], [], [], 0)[0])
        except (OSError, ValueError):  # not selectable (e.g. Windows pipes): keep batching
            return True

    def flush() -> None:
        out.write("".join(pending))
        out.flush()
        pending.clear()

    try:
        while True:
            if pending and (len(pending) >= FLUSH_EVERY or not input_waiting()):
                flush()
            raw = stdin.readline()
            if not raw:
                break
            try:
                item = loads(raw)
            except ValueError as exc:
                msg = "empty line" if not raw.strip() else f"not valid JSON: {exc}"
                pending.append(dumps({"error": msg}) + "\n")
                continue
            if not isinstance(item, dict):
                pending.append(dumps({"error": "expected a JSON object"}) + "\n")
                continue
            text = item.get("text")
            if not isinstance(text, str) or not text.strip():
                pending.append(dumps({"error": "missing or empty 'text'"}) + "\n")
                continue
            lang = item.get("lang")
            try:
                result = kb.match(text, lang if isinstance(lang, str) else None)
            except Exception as exc:  # one bad input must not stop the stream
                pending.append(dumps({"error": f"match failed: {exc}"}) + "\n")
                continue
            pending.append(dumps(result.to_json(), ensure_ascii=False) + "\n")
        if pending:
            flush()
    except BrokenPipeError:
        _silence_stdout()
        return 0
    return 0


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
        _silence_stdout()
    return 0


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
