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

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.notify import FaqFreshness, FreshLine, ToStaff
from tickets.sweeps.base import Directory, SweepContext, SweepResult, claim_mark, dedupe_key
from tickets.sweeps.digests import week_bounds

__all__ = ["sweep_faq_freshness"]

QUESTION_CHARS = 40


def _fresh(finding: Any) -> FreshLine:
    entry = finding.entry
    question = entry.questions[0]
    if len(question) > QUESTION_CHARS:
        question = question[: QUESTION_CHARS - 1] + "…"
    return FreshLine(finding.kind, entry.id, question, finding.day)


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
    by_owner: dict[str | None, list[Any]] = {}
    for f in findings:
        by_owner.setdefault(f.owner, []).append(f)
    by_slug = {d.slug: d for d in directory.departments.values()}
    notifier = ctx.notifier(session)
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
        lines = tuple(_fresh(f) for f in found)
        for chat in chats:
            event = FaqFreshness(
                at=ctx.now,
                recipients=(ToStaff(chat),),
                dedupe_key=dedupe_key(f"{key}:{chat}"),
                day=today,
                department=slug,
                groups=((slug, lines),),
                total=len(found),
                review_days=ctx.faq_review_days,
                files=files,
            )
            result.messages.extend(await notifier.publish(event))
        told.update(f.entry.id for f in found)
    key = f"faq-fresh:{monday.isoformat()}:admins"
    if ctx.admin_chat_ids and await claim_mark(session, key, ctx.now):
        groups = tuple(
            (slug, tuple(_fresh(f) for f in found))
            for slug, found in sorted(by_owner.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
        )
        for chat in ctx.admin_chat_ids:
            event = FaqFreshness(
                at=ctx.now,
                recipients=(directory.person(chat),),
                dedupe_key=dedupe_key(f"{key}:{chat}"),
                day=today,
                department=None,
                groups=groups,
                total=len(findings),
                review_days=ctx.faq_review_days,
            )
            result.messages.extend(await notifier.publish(event))
        told.update(f.entry.id for f in findings)
    result.count = len(told)
    return result
