"""Ticket lists with filters and search, for the web console's queue and its CSV export.

Scope: staff see their own department's tickets, administrators every department's (the
same rule as :mod:`tickets.authz`); a filter on another department is ignored for staff.

Filters: department, status (open by default, or all, or one), deadline (``overdue``: an
active ticket whose open deadline has passed, as in the daily digest; ``today``: one falls
later today), demand type, urgent, assignee (a staff id, or unassigned), created in a period.

Search (``query``) looks at what staff are shown, never at what is hidden from them: the
ticket's number (looked up exactly: ``2026-000123``, or ``123`` for this year's), its text **as displayed** (phone and ID numbers redacted) and the citizen's
**masked** identity (``张* (138****5678)``). The database narrows the candidates with an
index — SQLite: an FTS5 trigram table over number and text (substrings, Chinese included);
PostgreSQL: pg_trgm GIN indexes for ``ILIKE '%…%'``, and an index of the text's letter
pairs for two-letter words such as 路灯 that trigrams cannot index — then each candidate is checked against
the displayed forms, so typing digits of a redacted phone number never finds the ticket
(the search cannot be used to unmask). At most :data:`SEARCH_CAP` candidates are examined,
most pressing first; ``truncated`` tells the page to ask for a narrower search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, Literal, cast

from sqlalchemy import and_, case, func, or_, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.authz import Actor
from tickets.errors import NotAllowed
from tickets.lifecycle import OPEN_STATUSES
from tickets.models import Citizen, Ticket
from tickets.numbering import parse_ticket_ref
from tickets.privacy import masked_identity, redact_text
from tickets.reports.stats import ACTIVE_STATUSES

__all__ = [
    "SEARCH_CAP",
    "SORTS",
    "TicketFilter",
    "TicketPage",
    "deadline_of",
    "load_tickets",
    "matching_ids",
    "search_tickets",
    "ticket_chunk",
    "visible_match",
]

SEARCH_CAP = 2000
MAX_QUERY = 100
SORTS = ("deadline", "newest", "oldest")
Sort = Literal["deadline", "newest", "oldest"]
UNASSIGNED = -1
_DIGIT_RUNS = re.compile(r"\d+")


@dataclass(frozen=True)
class TicketFilter:
    department_id: int | None = None
    statuses: tuple[str, ...] | None = OPEN_STATUSES  # None: every status
    due: Literal["overdue", "today"] | None = None
    demand_type: str | None = None
    urgent: bool | None = None
    assignee_id: int | None = None  # a StaffMember.id, or UNASSIGNED
    created_from: datetime | None = None
    created_to: datetime | None = None
    query: str = ""
    sort: Sort = "deadline"


@dataclass(frozen=True)
class TicketPage:
    items: list[Ticket]
    total: int
    page: int
    page_size: int
    truncated: bool = False  # the search examined SEARCH_CAP candidates and stopped

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _deadline() -> Any:
    return case(
        (col(Ticket.first_response_at).is_(None), col(Ticket.response_due_at)),
        else_=col(Ticket.resolution_due_at),
    )


def deadline_of(ticket: Ticket) -> datetime | None:
    """The deadline that counts now: response until the first response, then resolution."""
    return ticket.response_due_at if ticket.first_response_at is None else ticket.resolution_due_at


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


def visible_match(query: str, number: str, text_: str, name: str | None, phone: str | None) -> bool:
    """Does ``query`` occur in what staff see: the number, the redacted text, the masked
    identity? (Case and width folded.)"""
    q = _fold(query.strip())
    if not q:
        return True
    shown = (number, redact_text(text_ or ""), masked_identity(name, phone, ""))
    return any(q in _fold(part) for part in shown)


def _scope(actor: Actor, flt: TicketFilter) -> int | None:
    if not actor.is_staff:
        raise NotAllowed("error-not_allowed")
    if actor.is_admin:
        return flt.department_id
    if actor.department_id is None:
        raise NotAllowed("error-not_allowed")
    return actor.department_id


def _conditions(
    actor: Actor, flt: TicketFilter, now: datetime, day_end: datetime
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    dept = _scope(actor, flt)
    if dept is not None:
        conds.append(col(Ticket.department_id) == dept)
    if flt.statuses is not None:
        conds.append(col(Ticket.status).in_(flt.statuses))
    if flt.demand_type:
        conds.append(col(Ticket.demand_type) == flt.demand_type)
    if flt.urgent is not None:
        conds.append(col(Ticket.urgent).is_(flt.urgent))
    if flt.assignee_id == UNASSIGNED:
        conds.append(col(Ticket.assignee_id).is_(None))
    elif flt.assignee_id is not None:
        conds.append(col(Ticket.assignee_id) == flt.assignee_id)
    if flt.created_from is not None:
        conds.append(col(Ticket.created_at) >= flt.created_from)
    if flt.created_to is not None:
        conds.append(col(Ticket.created_at) < flt.created_to)
    if flt.due is not None:
        response_open = and_(
            col(Ticket.first_response_at).is_(None), col(Ticket.response_due_at).is_not(None)
        )
        overdue = or_(
            and_(response_open, col(Ticket.response_due_at) <= now),
            col(Ticket.resolution_due_at) <= now,
        )
        conds.append(col(Ticket.status).in_(ACTIVE_STATUSES))
        if flt.due == "overdue":
            conds.append(overdue)
        else:
            today = or_(
                and_(
                    response_open,
                    col(Ticket.response_due_at) > now,
                    col(Ticket.response_due_at) < day_end,
                ),
                and_(col(Ticket.resolution_due_at) > now, col(Ticket.resolution_due_at) < day_end),
            )
            conds.extend([today, ~overdue])
    return conds


def _order(sort: Sort) -> list[Any]:
    if sort == "newest":
        return [col(Ticket.created_at).desc(), col(Ticket.id).desc()]
    if sort == "oldest":
        return [col(Ticket.created_at), col(Ticket.id)]
    deadline = _deadline()
    return [deadline.is_(None), deadline, col(Ticket.urgent).desc(), col(Ticket.id)]


def _like_pattern(query: str) -> str:
    """``%query%`` with LIKE's specials escaped (``\\``); ``*`` (a masked digit) matches any
    one character, so ``138****5678`` finds the candidates the check then confirms."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "%" + escaped.replace("*", "_") + "%"


def _bigram_query(query: str) -> str | None:
    """A two-letter query (``路灯``) that PostgreSQL's bigram index can answer, else None."""
    folded = query.strip().lower()
    return folded if len(folded) == 2 and folded.isalnum() else None


async def _people(session: AsyncSession, dialect: str, pattern: str) -> list[int]:
    """Citizens whose name or phone may match (checked later against the masked forms);
    a separate query, so the ticket query can use its indexes for each branch."""
    if dialect == "postgresql":
        cond = or_(
            col(Citizen.display_name).ilike(pattern, escape="\\"),
            col(Citizen.phone).like(pattern, escape="\\"),
        )
    else:
        cond = or_(
            col(Citizen.display_name).like(pattern, escape="\\"),
            col(Citizen.phone).like(pattern, escape="\\"),
        )
    stmt = select(Citizen.id).where(cond).limit(SEARCH_CAP)
    return [int(i) for i in (await session.exec(stmt)).all()]  # type: ignore[arg-type]


def may_be_contact(query: str) -> bool:
    """Could ``query`` occur in a masked identity? Those show one letter of the name (the
    rest is ``*``) and at most four digits in a row of the phone (``138****5678``)."""
    if sum(1 for ch in query if ch.isalpha()) > 1:
        return False
    return max((len(run) for run in _DIGIT_RUNS.findall(query)), default=0) <= 4


def _number_ref(query: str, now: datetime, tz: tzinfo) -> str | None:
    """The ticket number a query names (``2026-000123``, or ``123`` for this year's)."""
    try:
        ref = parse_ticket_ref(query, now, tz)
    except ValueError:
        return None
    return ref if isinstance(ref, str) else None


def _search_condition(
    dialect: str, query: str, people: list[int], number_ref: str | None
) -> ColumnElement[bool]:
    pattern = _like_pattern(query)
    # A number is looked up exactly (the unique index); digits that are part of many numbers
    # (000...) would make a substring search scan the table.
    branches: list[ColumnElement[bool]] = []
    if number_ref is not None:
        branches.append(col(Ticket.number) == number_ref)
    body: ColumnElement[bool]
    if dialect == "postgresql":
        bigram = _bigram_query(query)
        if bigram is not None:  # pg_trgm cannot index two letters; the bigram index can
            body = cast(
                "ColumnElement[bool]",
                text(
                    "to_tsvector('simple', cd_bigrams(ticket.text)) @@ "
                    "to_tsquery('simple', :bigram)"
                ).bindparams(bigram=bigram),
            )
        else:
            body = col(Ticket.text).ilike(pattern, escape="\\")
    else:
        if len(query) >= 3 and "*" not in query:
            phrase = '"' + query.replace('"', '""') + '"'
            fts = text("SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH :phrase").bindparams(
                phrase=phrase
            )
            body = col(Ticket.id).in_(fts)
        else:
            body = col(Ticket.text).like(pattern, escape="\\")
    branches.append(body)
    if people:
        branches.append(col(Ticket.citizen_id).in_(people))
    return or_(*branches)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def _matching_ids(
    session: AsyncSession,
    conds: Sequence[ColumnElement[bool]],
    flt: TicketFilter,
    now: datetime,
    tz: tzinfo,
) -> tuple[list[int], bool]:
    query = flt.query.strip()[:MAX_QUERY]
    dialect = _dialect(session)
    people = await _people(session, dialect, _like_pattern(query)) if may_be_contact(query) else []
    stmt = (
        select(Ticket.id, Ticket.number, Ticket.text, Citizen.display_name, Citizen.phone)
        .join(Citizen, col(Citizen.id) == col(Ticket.citizen_id), isouter=True)
        .where(*conds, _search_condition(dialect, query, people, _number_ref(query, now, tz)))
        .order_by(*_order(flt.sort))
        .limit(SEARCH_CAP + 1)
    )
    rows = (await session.exec(stmt)).all()
    truncated = len(rows) > SEARCH_CAP
    ids = [
        int(tid)
        for tid, number, body, name, phone in rows[:SEARCH_CAP]
        if visible_match(query, number, body, name, phone)
    ]
    return ids, truncated


async def _load(session: AsyncSession, ids: Sequence[int]) -> list[Ticket]:
    if not ids:
        return []
    found = {t.id: t for t in (await session.exec(select(Ticket).where(col(Ticket.id).in_(ids))))}
    return [found[i] for i in ids if i in found]


async def search_tickets(
    session: AsyncSession,
    actor: Actor,
    flt: TicketFilter,
    *,
    now: datetime,
    day_end: datetime,
    tz: tzinfo = UTC,
    page: int = 1,
    page_size: int = 25,
) -> TicketPage:
    """One page of the tickets ``actor`` may see that pass ``flt``, in ``flt.sort`` order."""
    page = max(1, int(page))
    page_size = max(1, min(int(page_size), 100))
    conds = _conditions(actor, flt, now, day_end)
    if flt.query.strip():
        ids, truncated = await _matching_ids(session, conds, flt, now, tz)
        start = (page - 1) * page_size
        items = await _load(session, ids[start : start + page_size])
        return TicketPage(items, len(ids), page, page_size, truncated)
    total = int((await session.exec(select(func.count()).select_from(Ticket).where(*conds))).one())
    stmt = (
        select(Ticket)
        .where(*conds)
        .order_by(*_order(flt.sort))
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return TicketPage(list((await session.exec(stmt)).all()), total, page, page_size)


async def matching_ids(
    session: AsyncSession,
    actor: Actor,
    flt: TicketFilter,
    *,
    now: datetime,
    day_end: datetime,
    tz: tzinfo = UTC,
) -> tuple[list[int], bool]:
    """The ids of the tickets that match ``flt`` (its search included), in ``flt.sort`` order,
    at most :data:`SEARCH_CAP`; and whether the cap was reached."""
    return await _matching_ids(session, _conditions(actor, flt, now, day_end), flt, now, tz)


async def load_tickets(session: AsyncSession, ids: Sequence[int]) -> list[Ticket]:
    """The tickets of ``ids``, in that order (the caller checked they may be seen)."""
    return await _load(session, ids)


async def ticket_chunk(
    session: AsyncSession,
    actor: Actor,
    flt: TicketFilter,
    *,
    now: datetime,
    day_end: datetime,
    after_id: int = 0,
    limit: int = 1000,
) -> list[Ticket]:
    """The next ``limit`` tickets after ``after_id`` (by id) that ``actor`` may see and that
    pass ``flt`` (its search ignored: see :func:`matching_ids`). For exports: each chunk can
    be read in its own short session."""
    conds = _conditions(actor, flt, now, day_end)
    stmt = (
        select(Ticket)
        .where(*conds, col(Ticket.id) > after_id)
        .order_by(col(Ticket.id))
        .limit(limit)
    )
    return list((await session.exec(stmt)).all())
