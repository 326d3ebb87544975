"""The weekly FAQ freshness notice: stale, expiring and expired entries, to their owners.

Due with the weekly summary (``weekly_day`` at ``weekly_time``), a catch-up job like it: each
owning department (``owner`` of the entry, else its ``department``) gets the list of its entries
that need a review, in its staff chat (or, without one, its heads' private chats), and every
administrator gets the whole list by department. ``SchedulerMark`` keys
``faq-fresh:<monday>:<slug>`` and ``faq-fresh:<monday>:admins`` make each exactly-once across
instances; a week with nothing stale sends nothing. Findings come from
:func:`faq.freshness.review` as of the city's date.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from locales import t
from tickets.sweeps.base import Directory, SweepContext, SweepResult, claim_mark, queue_message
from tickets.sweeps.digests import week_bounds

__all__ = ["sweep_faq_freshness"]

MAX_LINES = 40  # per message; the rest is counted
QUESTION_CHARS = 40


def _line(finding: Any, lang: str, review_days: int) -> str:
    entry = finding.entry
    question = entry.questions[0]
    if len(question) > QUESTION_CHARS:
        question = question[: QUESTION_CHARS - 1] + "…"
    return t(
        lang,
        f"fresh-{finding.kind}",
        id=entry.id,
        question=question,
        day=finding.day.isoformat() if finding.day else "",
        days=review_days,
    )


def _lines(findings: Sequence[Any], lang: str, review_days: int) -> list[str]:
    out = [_line(f, lang, review_days) for f in findings[:MAX_LINES]]
    if len(findings) > MAX_LINES:
        out.append(t(lang, "more", count=len(findings) - MAX_LINES))
    return out


async def sweep_faq_freshness(
    session: AsyncSession, ctx: SweepContext, directory: Directory
) -> SweepResult:
    result = SweepResult("faq-freshness")
    monday, due, _start, _end = week_bounds(ctx)
    if ctx.now < due:
        return result
    if ctx.faq_entries is None:
        result.note = "no knowledge base"
        return result
    from faq.freshness import review

    today = ctx.now.astimezone(ctx.calendar.tz).date()
    entries = list(ctx.faq_entries)
    findings = review(entries, today, ctx.faq_review_days)
    if not any(e.reviewed is not None for e in entries):  # the base dates nothing yet
        findings = [f for f in findings if f.kind != "unreviewed"]
    if not findings:
        result.note = "all fresh"
        return result
    if not ctx.may_send():
        result.note = "quiet hours"
        return result
    lang = ctx.policy.staff_lang
    date_text = today.isoformat()
    by_owner: dict[str | None, list[Any]] = {}
    for f in findings:
        by_owner.setdefault(f.owner, []).append(f)
    by_slug = {d.slug: d for d in directory.departments.values()}
    told: set[str] = set()  # entries named in a message queued by this round
    for slug, found in by_owner.items():
        dept = by_slug.get(slug) if slug else None
        if dept is None or not dept.active:
            continue  # the administrators' list names it
        chats = [dept.staff_chat_id] if dept.staff_chat_id is not None else list(dept.head_chat_ids)
        if not chats:
            continue
        key = f"faq-fresh:{monday.isoformat()}:{slug}"
        if not await claim_mark(session, key, ctx.now):
            continue
        files = ", ".join(sorted({f.entry.source_file.rsplit("/", 1)[-1] for f in found}))
        text = "\n".join(
            [
                t(lang, "fresh-head", department=dept.name(lang), date=date_text),
                *_lines(found, lang, ctx.faq_review_days),
                "",
                t(lang, "fresh-tail", files=files),
            ]
        )
        for chat in chats:
            row = await queue_message(session, ctx, chat, text, key=f"{key}:{chat}")
            if row is not None:
                result.messages.append(row)
        told.update(f.entry.id for f in found)
    key = f"faq-fresh:{monday.isoformat()}:admins"
    if ctx.admin_chat_ids and await claim_mark(session, key, ctx.now):
        lines = [t(lang, "fresh-admin_head", date=date_text, count=len(findings))]
        for slug, found in sorted(by_owner.items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
            dept = by_slug.get(slug) if slug else None
            name = dept.name(lang) if dept is not None else (slug or t(lang, "fresh-no_owner"))
            lines += ["", t(lang, "fresh-admin_dept", department=name, count=len(found))]
            lines += _lines(found, lang, ctx.faq_review_days)
        text = "\n".join(lines)
        for chat in ctx.admin_chat_ids:
            row = await queue_message(session, ctx, chat, text, key=f"{key}:{chat}")
            if row is not None:
                result.messages.append(row)
        told.update(f.entry.id for f in findings)
    result.count = len(told)
    return result
