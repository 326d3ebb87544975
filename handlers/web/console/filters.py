"""The queue's filters, read from the query string (bad values are reported, not fatal)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from urllib.parse import urlencode

from tickets.lifecycle import DEMAND_TYPES, OPEN_STATUSES, Status
from tickets.search import SORTS, UNASSIGNED, TicketFilter

__all__ = ["FILTER_KEYS", "QueueQuery", "parse_date", "parse_queue_query"]

FILTER_KEYS = ("dept", "status", "due", "type", "urgent", "assignee", "from", "to", "q", "sort")
STATUS_CHOICES = ("open", "all", *[str(s) for s in Status])


@dataclass
class QueueQuery:
    flt: TicketFilter
    page: int = 1
    dept_slug: str | None = None
    values: dict[str, str] = field(default_factory=dict)  # what the form shows again
    errors: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (key, params)

    def link(self, **changes: str | int | None) -> str:
        """The query string of this search with some values changed (None removes one)."""
        values: dict[str, str | int] = {k: v for k, v in self.values.items() if v}
        for key, value in changes.items():
            if value is None or value == "":
                values.pop(key, None)
            else:
                values[key] = value
        return urlencode(values)


def parse_date(value: str, tz: tzinfo) -> datetime | None:
    """``YYYY-MM-DD`` (local) -> the start of that day as an aware instant, or None."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return datetime.combine(day, time(0), tzinfo=tz)


def parse_queue_query(
    query: Mapping[str, str],
    *,
    tz: tzinfo,
    departments: Mapping[str, int],
    default_status: str = "open",
) -> QueueQuery:
    """Filters from ``query``; ``departments`` maps the slugs the viewer may pick to ids."""
    values = {k: query.get(k, "").strip() for k in FILTER_KEYS}
    errors: list[tuple[str, dict[str, str]]] = []

    def bad(name: str) -> None:
        errors.append(("con-bad_filter", {"name": name, "value": values[name][:40]}))
        values[name] = ""

    dept_id = None
    if values["dept"]:
        if values["dept"] in departments:
            dept_id = departments[values["dept"]]
        else:
            bad("dept")
    status = values["status"] or default_status
    if status not in STATUS_CHOICES:
        bad("status")
        status = default_status
    statuses: tuple[str, ...] | None
    statuses = OPEN_STATUSES if status == "open" else None if status == "all" else (status,)
    due = values["due"] or None
    if due not in (None, "overdue", "today"):
        bad("due")
        due = None
    demand_type = values["type"] or None
    if demand_type is not None and demand_type not in DEMAND_TYPES:
        bad("type")
        demand_type = None
    urgent = None
    if values["urgent"] in ("1", "0"):
        urgent = values["urgent"] == "1"
    elif values["urgent"]:
        bad("urgent")
    assignee = None
    if values["assignee"] == "none":
        assignee = UNASSIGNED
    elif values["assignee"].isdigit() and len(values["assignee"]) < 12:
        assignee = int(values["assignee"])
    elif values["assignee"]:
        bad("assignee")
    created_from = created_to = None
    if values["from"]:
        created_from = parse_date(values["from"], tz)
        if created_from is None:
            bad("from")
    if values["to"]:
        day = parse_date(values["to"], tz)
        if day is None:
            bad("to")
        else:
            created_to = datetime.combine(day.date() + timedelta(days=1), time(0), tzinfo=tz)
    sort = values["sort"] or "deadline"
    if sort not in SORTS:
        bad("sort")
        sort = "deadline"
    page_text = query.get("page", "1").strip()
    page = int(page_text) if page_text.isdigit() and 0 < len(page_text) < 7 else 1
    flt = TicketFilter(
        department_id=dept_id,
        statuses=statuses,
        due=due,  # type: ignore[arg-type]
        demand_type=demand_type,
        urgent=urgent,
        assignee_id=assignee,
        created_from=created_from,
        created_to=created_to,
        query=values["q"][:100],
        sort=sort,  # type: ignore[arg-type]
    )
    values["status"] = status
    return QueueQuery(flt, max(page, 1), values["dept"] or None, values, errors)
