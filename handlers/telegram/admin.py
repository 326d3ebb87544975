"""Administrator commands: /staff, /staffmove, /staffoff, /reload, /gaps, /stale.

Administrators are the users in ``ADMIN_IDS`` and staff with role ``admin``; everyone else gets
a refusal (staff: "only administrators"; anyone else: the plain "not allowed").
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram.filters import CommandObject

from handlers.telegram.staff_common import StaffContext, Usage, split_args, staff_command
from handlers.telegram.staff_flows import check_department
from tickets.people.staff import StaffError, deactivate_staff, get_staff, list_staff, move_staff

__all__ = ["ADMIN_COMMANDS"]

log = logging.getLogger(__name__)


def _user_id(value: str) -> int:
    text = value.strip()
    if not text.lstrip("-").isdigit() or len(text) > 20 or int(text) <= 0:
        raise Usage("sh-bad_user_id", value=value)
    return int(text)


async def _known_staff(ctx: StaffContext, user_id: int) -> None:
    if await get_staff(ctx.session, user_id) is None:
        raise Usage("sh-unknown_staff", user_id=user_id)


@staff_command("sh-usage-staff", admin=True)
async def staff(ctx: StaffContext, command: CommandObject | None) -> None:
    """/staff [DEPARTMENT] — every staff member (inactive ones marked)."""
    args = split_args(command, 2)
    if len(args) > 1:
        raise Usage()
    slug = check_department(ctx, args[0]).slug if args else None
    try:
        rows = await list_staff(ctx.session, department_slug=slug, include_inactive=True)
    except StaffError as exc:  # a department in the file but not synced yet
        raise Usage("sh-unknown_department_known", slug=slug, known=str(exc)) from exc
    if not rows:
        await ctx.say(ctx.t("sh-staff_none"))
        return
    lines = [ctx.t("sh-staff_header", count=len(rows))]
    for row in rows:
        member = row.member
        name = member.display_name or (f"@{member.username}" if member.username else "?")
        lines.append(
            ctx.t(
                "sh-staff_line",
                user_id=member.telegram_user_id,
                name=name,
                department=row.department_slug or "-",
                role=member.role,
                inactive="" if member.active else ctx.t("sh-staff_inactive"),
            )
        )
    await ctx.say("\n".join(lines))


@staff_command("sh-usage-staffmove", admin=True)
async def staffmove(ctx: StaffContext, command: CommandObject | None) -> None:
    args = split_args(command, 3)
    if len(args) != 2:
        raise Usage()
    user_id = _user_id(args[0])
    cfg = check_department(ctx, args[1])
    await _known_staff(ctx, user_id)
    try:
        member = await move_staff(ctx.session, user_id, cfg.slug, now=ctx.deps.clock.now())
    except StaffError as exc:
        known = ", ".join(ctx.deps.desk.config.slugs)
        raise Usage("sh-unknown_department_known", slug=cfg.slug, known=known) from exc
    log.info("admin %s moved staff %s to %s", ctx.user_id, user_id, cfg.slug)
    await ctx.say(
        ctx.t(
            "sh-staff_moved",
            name=member.display_name or user_id,
            user_id=user_id,
            department=cfg.name_for(ctx.lang),
        )
    )


@staff_command("sh-usage-staffoff", admin=True)
async def staffoff(ctx: StaffContext, command: CommandObject | None) -> None:
    args = split_args(command, 2)
    if len(args) != 1:
        raise Usage()
    user_id = _user_id(args[0])
    member = await get_staff(ctx.session, user_id)
    if member is None:
        raise Usage("sh-unknown_staff", user_id=user_id)
    if not member.active:
        raise Usage("sh-already_inactive", user_id=user_id)
    await deactivate_staff(ctx.session, user_id, now=ctx.deps.clock.now())
    log.info("admin %s deactivated staff %s", ctx.user_id, user_id)
    await ctx.say(ctx.t("sh-staff_off", name=member.display_name or user_id, user_id=user_id))


async def _reload_lines(ctx: StaffContext) -> list[str]:
    """Use the app's reload hook when it exposes one (``deps.reload() -> lines``); otherwise
    reload the FAQ holder and the departments holder (synced in this update's transaction)."""
    hook = getattr(ctx.deps, "reload", None)
    if callable(hook):
        return [str(line) for line in await hook()]
    lines: list[str] = []
    kb: Any = ctx.deps.kb
    if kb is not None and callable(getattr(kb, "reload", None)):
        result = await kb.reload()
        if isinstance(result, list | tuple):
            lines.extend(f"FAQ: {line}" for line in result)
        else:
            lines.append(f"FAQ: {result.summary() if hasattr(result, 'summary') else result}")
    else:
        lines.append(f"FAQ: {ctx.t('sh-reload_unavailable')}")
    desk: Any = ctx.deps.desk
    if callable(getattr(desk, "reload", None)) and getattr(desk, "path", None) is not None:
        outcome = await desk.reload(ctx.session, now=ctx.deps.clock.now())
        lines.append(f"departments: {outcome.summary()}")
    else:
        lines.append(f"departments: {ctx.t('sh-reload_unavailable')}")
    texts: Any = getattr(ctx.deps, "texts", None)
    if texts is not None:
        lines.append(f"texts: {await texts.reload()}")
    return lines


@staff_command("sh-help_admin", admin=True)
async def reload(ctx: StaffContext, command: CommandObject | None) -> None:
    """/reload — the FAQ and the departments file. Each swaps only on a fully valid load;
    problems are listed as ``FILE:LINE: message``."""
    lines = await _reload_lines(ctx)
    log.info("admin %s reloaded the FAQ and departments: %s", ctx.user_id, "; ".join(lines))
    await ctx.say(ctx.t("sh-reload_result", lines="\n".join(lines)))


GAP_CLUSTERS = 5
MAX_DAYS = 365
STALE_LINES = 30


@staff_command("sh-usage-gaps", admin=True)
async def gaps(ctx: StaffContext, command: CommandObject | None) -> None:
    """/gaps [DAYS] — the largest groups of questions the FAQ could not answer (default 7 days)."""
    from datetime import timedelta

    from tickets.gaps import gap_clusters

    args = split_args(command, 2)
    if len(args) > 1:
        raise Usage()
    days = 7
    if args:
        if not args[0].isdigit() or not 1 <= int(args[0]) <= MAX_DAYS:
            raise Usage("sh-bad_days", value=args[0], max=MAX_DAYS)
        days = int(args[0])
    since = ctx.deps.clock.now() - timedelta(days=days)
    found = await gap_clusters(ctx.session, since=since, limit=GAP_CLUSTERS, typical=2)
    if not found:
        await ctx.say(ctx.t("sh-gaps_none", days=days))
        return
    lines = [ctx.t("sh-gaps_head", days=days, count=len(found))]
    for rank, c in enumerate(found, 1):
        where = ", ".join(c.department_name(i, ctx.lang) for i in range(len(c.departments)))
        lines.append(
            ctx.t(
                "sh-gaps_line",
                rank=rank,
                count=c.size,
                questions=" / ".join(q[:50] for q in c.typical),
                departments=where or "-",
                id=c.suggested_id,
            )
        )
    lines.append(ctx.t("sh-gaps_tail", days=days))
    await ctx.say("\n".join(lines))


@staff_command("sh-usage-stale", admin=True)
async def stale(ctx: StaffContext, command: CommandObject | None) -> None:
    """/stale — FAQ entries that are expired, expiring or not reviewed for too long."""
    from faq.freshness import review

    if split_args(command, 1):
        raise Usage()
    kb = ctx.deps.knowledge
    if kb is None:
        await ctx.say(ctx.t("sh-stale_no_faq"))
        return
    today = ctx.deps.clock.now().astimezone(ctx.deps.tz).date()
    days = ctx.deps.faq_review_days
    found = review(kb.entries, today, days)
    if not any(e.reviewed is not None for e in kb.entries):
        found = [f for f in found if f.kind != "unreviewed"]
    if not found:
        await ctx.say(ctx.t("sh-stale_none", days=days))
        return
    lines = [ctx.t("sh-stale_head", count=len(found), days=days)]
    for f in found[:STALE_LINES]:
        lines.append(
            ctx.t(
                f"sh-stale_{f.kind}",
                id=f.entry.id,
                owner=f.owner or "-",
                day=f.day.isoformat() if f.day else "",
            )
        )
    if len(found) > STALE_LINES:
        lines.append(ctx.t("sh-stale_more", count=len(found) - STALE_LINES))
    await ctx.say("\n".join(lines))


ADMIN_COMMANDS = {
    "staff": staff,
    "staffmove": staffmove,
    "staffoff": staffoff,
    "reload": reload,
    "gaps": gaps,
    "stale": stale,
}
