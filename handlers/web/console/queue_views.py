"""The queue (filters, search, pages) and its CSV export."""

from __future__ import annotations

from datetime import datetime, tzinfo

from aiohttp import web

from handlers.notify.format import format_time
from handlers.web.console.context import console_of, lang_of, render, user_of
from handlers.web.console.csvout import csv_line, csv_response
from handlers.web.console.filters import STATUS_CHOICES, QueueQuery, parse_queue_query
from handlers.web.console.rows import Row, departments, rows_for, staff_in
from locales import t
from tickets.lifecycle import DEMAND_TYPES
from tickets.models import Department
from tickets.search import load_tickets, matching_ids, search_tickets, ticket_chunk

PAGE_SIZE = 25
CSV_CHUNK = 1000
CSV_COLUMNS = (
    "number",
    "department",
    "status",
    "type",
    "urgent",
    "created_at",
    "response_due_at",
    "first_response_at",
    "resolution_due_at",
    "closed_at",
    "overdue",
    "assignee",
    "rating",
    "citizen",
    "text",
)


def _choices(depts: dict[int, Department], request: web.Request) -> dict[str, int]:
    """The departments the viewer may filter on (administrators: all; staff: none)."""
    user = user_of(request)
    return {d.slug: i for i, d in depts.items()} if user.actor.is_admin else {}


async def _query(
    request: web.Request, depts: dict[int, Department], default_status: str
) -> QueueQuery:
    console = console_of(request)
    return parse_queue_query(
        request.query,
        tz=console.deps.tz,
        departments=_choices(depts, request),
        default_status=default_status,
    )


async def queue(request: web.Request) -> web.StreamResponse:
    """``GET /console``: the tickets the viewer may see, filtered, searched, paged."""
    console = console_of(request)
    actor = user_of(request).actor
    now = console.now()
    async with console.session() as session:
        depts = await departments(session)
        parsed = await _query(request, depts, "open")
        result = await search_tickets(
            session,
            actor,
            parsed.flt,
            now=now,
            day_end=console.day_end(),
            tz=console.deps.tz,
            page=parsed.page,
            page_size=PAGE_SIZE,
        )
        rows = await rows_for(session, result.items, depts, now)
        scope = None if actor.is_admin else actor.department_id
        staff = await staff_in(session, scope if scope is not None else parsed.flt.department_id)
    lang = lang_of(request)
    return render(
        request,
        "queue.html",
        status=400 if parsed.errors else 200,
        parsed=parsed,
        result=result,
        rows=rows,
        departments=[(d.slug, console.department_name(d, lang)) for d in depts.values()],
        scope_name=console.department_name(depts.get(actor.department_id or -1), lang)
        if not actor.is_admin
        else None,
        staff=staff,
        statuses=STATUS_CHOICES,
        types=DEMAND_TYPES,
        errors=parsed.errors,
        now=now,
    )


def _csv_time(value: datetime | None, tz: tzinfo) -> str:
    return "" if value is None else format_time(value, tz, "en")


def _csv_row(row: Row, tz: tzinfo) -> str:
    ticket = row.ticket
    return csv_line(
        (
            ticket.number,
            row.department.slug if row.department else "",
            ticket.status,
            ticket.demand_type,
            "yes" if ticket.urgent else "no",
            _csv_time(ticket.created_at, tz),
            _csv_time(ticket.response_due_at, tz),
            _csv_time(ticket.first_response_at, tz),
            _csv_time(ticket.resolution_due_at, tz),
            _csv_time(ticket.closed_at, tz),
            "yes" if row.overdue else "no",
            row.assignee or "",
            ticket.rating if ticket.rating is not None else "",
            row.citizen,
            row.text,
        )
    )


async def tickets_csv(request: web.Request) -> web.StreamResponse:
    """``GET /console/tickets.csv``: every ticket the viewer may see (all statuses unless
    filtered), masked and redacted. Streamed in chunks, each read in its own short database
    session (a slow download never holds a connection)."""
    console = console_of(request)
    actor = user_of(request).actor
    lang = lang_of(request)
    tz = console.deps.tz
    now, day_end = console.now(), console.day_end()
    async with console.session() as session:
        depts = await departments(session)
        parsed = await _query(request, depts, "all")
        ids: list[int] | None = None
        if not parsed.errors and parsed.flt.query.strip():
            ids, _truncated = await matching_ids(
                session, actor, parsed.flt, now=now, day_end=day_end, tz=tz
            )
    if parsed.errors:
        key, params = parsed.errors[0]
        raise web.HTTPBadRequest(text=t(lang, key, **params))
    stamp = now.astimezone(tz).strftime("%Y%m%d-%H%M")
    response = await csv_response(request, f"tickets-{stamp}.csv")
    await response.write(csv_line(CSV_COLUMNS).encode("utf-8"))
    last, done = 0, 0
    while True:
        async with console.session() as session:
            if ids is not None:
                chunk = await load_tickets(session, ids[done : done + CSV_CHUNK])
                done += CSV_CHUNK
            else:
                chunk = await ticket_chunk(
                    session, actor, parsed.flt, now=now, day_end=day_end, after_id=last,
                    limit=CSV_CHUNK,
                )  # fmt: skip
            rows = await rows_for(session, chunk, depts, now)
        if not rows:
            break
        last = int(rows[-1].ticket.id or 0)
        await response.write("".join(_csv_row(r, tz) for r in rows).encode("utf-8"))
        if ids is not None and done >= len(ids):
            break
    await response.write_eof()
    return response
