"""Texts of the staff views (queue page, ticket details) built from domain results."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from handlers.notify.format import event_label, format_time, unreachable
from handlers.telegram.keyboards import queue_keyboard
from handlers.telegram.staff_common import StaffContext
from locales import t
from tickets.lookups import staff_names_by_id, staff_names_by_user
from tickets.models import Department, Ticket, TicketEvent
from tickets.privacy import redact_text
from tickets.queries import QueuePage, TicketDetails

__all__ = ["department_name", "details_text", "queue_view"]

PAGE_SIZE = 10
EXCERPT = 300


def department_name(ctx: StaffContext, dept: Department | None) -> str:
    if dept is None:
        return ctx.t("sh-all_departments")
    cfg = ctx.deps.desk.config.get(dept.slug)
    if cfg is not None:
        return cfg.name_for(ctx.lang)
    return dept.name_en if ctx.lang == "en" else dept.name_zh


def _deadline(ticket: Ticket) -> Any:
    return ticket.response_due_at if ticket.first_response_at is None else ticket.resolution_due_at


async def queue_view(
    ctx: StaffContext, page: QueuePage, slug: str
) -> tuple[str, dict[str, Any] | None]:
    """The page's text and its ◀ ▶ keyboard (``slug`` goes into the buttons)."""
    lang, tz = ctx.lang, ctx.deps.tz
    header = t(
        lang,
        "view-queue_header",
        department=department_name(ctx, page.department),
        total=page.total,
        page=page.page,
        pages=page.pages,
    )
    if not page.items:
        return f"{header}\n{t(lang, 'view-queue_empty')}", None
    names = await staff_names_by_id(
        ctx.session, [x.assignee_id for x in page.items if x.assignee_id is not None]
    )
    lines = [header, ""]
    for ticket in page.items:
        line = t(
            lang,
            "view-queue_line",
            number=ticket.number,
            status=t(lang, f"status-{ticket.status}"),
            type=t(lang, f"type-{ticket.demand_type}"),
            urgent=f" {t(lang, 'label-urgent')}" if ticket.urgent else "",
            deadline=format_time(_deadline(ticket), tz, lang),
        )
        assignee = names.get(ticket.assignee_id or -1) or t(lang, "sh-unassigned")
        lines.append(t(lang, "sh-queue_item", line=line, assignee=assignee))
    return "\n".join(lines), queue_keyboard(lang, page.page, page.pages, slug)


def _excerpt(text: str) -> str:
    text = " ".join(redact_text(text).split())  # phones/ID numbers never reach a chat
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _who(lang: str, event: TicketEvent, names: dict[int, str]) -> str:
    if event.actor_kind == "citizen":
        return t(lang, "sh-actor-citizen")
    if event.actor_kind == "system" or event.actor_id is None:
        return t(lang, "sh-actor-system")
    return names.get(event.actor_id, f"#{event.actor_id}")


def _event_detail(lang: str, event: TicketEvent) -> str:
    data = event.data or {}
    parts: list[str] = []
    if event.kind == "urgency_changed":
        parts.append(t(lang, "label-urgent_yes" if data.get("urgent") else "label-urgent_no"))
    if event.kind == "transferred":
        parts.append(f"{data.get('from_department', '?')} → {data.get('to_department', '?')}")
    if event.kind == "retyped":
        parts.append(f"{data.get('old', '?')} → {data.get('new', '?')}")
    if event.kind == "citizen_unreachable":  # a message the citizen's channel refused
        parts.append(f"{data.get('channel', '?')}: {t(lang, f'unreachable-{unreachable(data)}')}")
    for key in ("days", "rating"):
        if key in data:
            parts.append(str(data[key]))
    files = data.get("attachments")
    if isinstance(files, list) and files:
        parts.append(f"📎×{len(files)}")
    for key in ("reason", "resolution", "comment", "text"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            parts.append(_excerpt(value))
            break
    attached = sum(len(data.get(kind) or []) for kind in ("photos", "documents"))
    if attached:  # an answer's photos and files (they follow the notice in the staff chat)
        parts.append(f"📎×{attached}")
    return " ".join(parts)


def _line(lang: str, tz: tzinfo, event: TicketEvent, names: dict[int, str], label: bool) -> str:
    stamp = format_time(event.at, tz, lang)
    who = _who(lang, event, names)
    detail = _event_detail(lang, event)
    head = f"{stamp} {who}"
    if label:
        head += f" · {event_label(lang, event.kind)}"
    return f"{head}: {detail}" if detail else head


async def details_text(ctx: StaffContext, details: TicketDetails) -> str:
    """The ticket as staff see it: masked identity, redacted citizen texts, the audit trail."""
    lang, tz = ctx.lang, ctx.deps.tz
    ticket = details.ticket
    user_ids = [e.actor_id for e in details.audit if e.actor_id is not None]
    names = await staff_names_by_user(ctx.session, user_ids)
    assignees = await staff_names_by_id(
        ctx.session, [ticket.assignee_id] if ticket.assignee_id else []
    )
    header = t(
        lang,
        "sh-details_header",
        number=ticket.number,
        department=department_name(ctx, details.department),
        status=t(lang, f"status-{ticket.status}"),
        type=t(lang, f"type-{ticket.demand_type}"),
        urgent=f" {t(lang, 'label-urgent')}" if ticket.urgent else "",
        citizen=details.identity,
        assignee=assignees.get(ticket.assignee_id or -1) or t(lang, "sh-unassigned"),
        response_due=format_time(ticket.response_due_at, tz, lang),
        resolution_due=format_time(ticket.resolution_due_at, tz, lang),
        text=details.text,
    )
    none = t(lang, "sh-details_none")
    sections = [header]
    for key, events, label in (
        ("sh-details_conversation", details.conversation, False),
        ("sh-details_notes", details.notes, False),
        ("sh-details_audit", details.audit, True),
    ):
        lines = [_line(lang, tz, e, names, label) for e in events] or [none]
        sections.append("\n".join([t(lang, key), *lines]))
    return "\n\n".join(sections)
