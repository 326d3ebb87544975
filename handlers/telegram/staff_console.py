"""``/console``: a one-time sign-in link to the web console, always in a private message."""

from __future__ import annotations

from aiogram.filters import CommandObject

from handlers.telegram.staff_common import StaffContext, staff_command
from handlers.web.console.links import new_login_link

__all__ = ["console"]


@staff_command("con-link_sent_privately")
async def console(ctx: StaffContext, command: CommandObject | None) -> None:
    """Staff and administrators get the link privately (never in a group: it signs in)."""
    url = await new_login_link(
        ctx.session,
        ctx.user_id,
        base_url=ctx.deps.console_url or "http://127.0.0.1:8080",
        admin_ids=ctx.deps.admin_ids,
        now=ctx.deps.clock.now(),
    )
    if url is None:  # pragma: no cover - staff_command let only staff through
        await ctx.say(ctx.t("error-not_allowed"))
        return
    await ctx.outgoing.send_message(
        ctx.user_id, ctx.t("con-link_message", url=url), disable_web_page_preview=True
    )
    if ctx.chat_id != ctx.user_id:
        await ctx.say(ctx.t("con-link_sent_privately"))
