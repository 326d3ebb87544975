"""Ticket statistics: the 12345 hotline "three rates", the on-time rate and digest counts.

All periods are half-open ``[start, end)`` of aware UTC instants (a week in the city's time
zone is converted by the caller). A rate is ``None`` when its denominator is zero (shown as
"—", never as 0 % or 100 %). Definitions, per department:

**Response rate (响应率)** = ``responded_on_time / response_due``.
  ``response_due``: tickets *created* in the period whose response was assessable by ``end``:
  they got a first response before ``end``, or their response deadline passed before ``end``.
  ``responded_on_time``: those whose ``first_response_at`` is before ``end`` and no later than
  ``response_due_at`` (a ticket without a response deadline counts as on time once answered).

**Resolution rate (解决率)** = ``solved / verdicts``.
  A *verdict* is the citizen's word on whether the problem was solved, given in the period:
  "solved" = ``confirmed`` (the citizen pressed *Resolved*) or ``callback_solved`` (the
  post-closure question); "not solved" = ``callback_unsolved`` or ``reopened`` by the citizen.
  Only each ticket's latest verdict in the period counts. Tickets without a verdict (closed
  without reaction) are not in the denominator.

**Satisfaction rate (满意率)** = ``satisfied / rated``: tickets *closed* in the period that have a
  rating (1-5 stars); satisfied when ``rating >= satisfied_min`` (default 4: 满意 and 基本满意).

**On-time rate (按时办结率)** = ``done_on_time / (done + late_open)``.
  ``done``: tickets *closed* in the period; their finishing time is the answer (``answered_at``)
  when there was one, else ``closed_at``; on time when that is no later than
  ``resolution_due_at`` (or there is no resolution deadline). ``late_open``: tickets whose
  resolution deadline passed before ``end`` (in the period or at any time before it) and that
  were neither closed before ``end`` nor answered by the deadline: they are late and count
  against the rate of every period until they are closed, however old the deadline.

**Ranking** (:func:`ranking`): departments with at least one rate, by the mean of the rates
that are not ``None`` (equal weights), highest first; ties by more tickets created, then by
slug. Departments without any rate get no rank: those with tickets (nothing assessable yet)
and those with no tickets at all in the period are listed apart.

**Reprimands**: tickets with a ``ticket_alert`` row ``alert = 'reprimand'`` created in the
period, each ticket once (a ticket reprimanded for both deadlines is one reprimand).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import Department, Ticket, TicketAlert, TicketEvent

__all__ = [
    "ACTIVE_STATUSES",
    "SOLVED_KINDS",
    "UNSOLVED_KINDS",
    "DepartmentRates",
    "DigestCounts",
    "Ranking",
    "ReprimandRow",
    "department_rates",
    "digest_counts",
    "rank_departments",
    "ranking",
    "reprimands",
]

ACTIVE_STATUSES = ("new", "in_progress")
OPEN_STATUSES = ("new", "in_progress", "waiting_citizen", "answered")
SOLVED_KINDS = ("confirmed", "callback_solved")
UNSOLVED_KINDS = ("callback_unsolved",)  # plus "reopened" by the citizen

_T = Ticket.__table__  # type: ignore[attr-defined]
_E = TicketEvent.__table__  # type: ignore[attr-defined]
_A = TicketAlert.__table__  # type: ignore[attr-defined]
_D = Department.__table__  # type: ignore[attr-defined]


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class DepartmentRates:
    department_id: int
    slug: str
    name_zh: str
    name_en: str
    created: int = 0
    response_due: int = 0
    responded_on_time: int = 0
    verdicts: int = 0
    solved: int = 0
    rated: int = 0
    satisfied: int = 0
    done: int = 0
    done_on_time: int = 0
    late_open: int = 0
    reprimands: int = 0

    @property
    def response_rate(self) -> float | None:
        return _rate(self.responded_on_time, self.response_due)

    @property
    def resolution_rate(self) -> float | None:
        return _rate(self.solved, self.verdicts)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.rated)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.done_on_time, self.done + self.late_open)

    @property
    def rates(self) -> tuple[float | None, float | None, float | None, float | None]:
        return (self.response_rate, self.resolution_rate, self.satisfaction_rate, self.on_time_rate)

    @property
    def has_tickets(self) -> bool:
        """Did anything happen in the period (a ticket created, closed, late, judged...)?"""
        counts = (self.created, self.response_due, self.verdicts, self.rated, self.done)
        return any(counts) or self.late_open > 0 or self.reprimands > 0

    @property
    def score(self) -> float | None:
        """Mean of the rates that exist (the ranking key)."""
        known = [r for r in self.rates if r is not None]
        return sum(known) / len(known) if known else None

    def name(self, lang: str | None) -> str:
        return self.name_en if (lang or "").startswith("en") else self.name_zh


async def department_rates(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    *,
    satisfied_min: int = 4,
    include_inactive: bool = False,
) -> list[DepartmentRates]:
    """The rates of every (active) department over ``[start, end)``, ordered by slug."""
    depts = select(_D.c.id, _D.c.slug, _D.c.name_zh, _D.c.name_en, _D.c.active).order_by(_D.c.slug)
    out: dict[int, DepartmentRates] = {}
    for did, slug, zh, en, active in (await session.exec(depts)).all():
        if active or include_inactive:
            out[int(did)] = DepartmentRates(int(did), slug, zh, en)

    def add(dept_id: int, **values: int) -> None:
        rates = out.get(int(dept_id))
        if rates is not None:
            for key, value in values.items():
                setattr(rates, key, getattr(rates, key) + int(value or 0))

    # Response: tickets created in the period.
    responded = and_(_T.c.first_response_at.is_not(None), _T.c.first_response_at < end)
    assessable = or_(responded, _T.c.response_due_at < end)
    on_time = and_(
        responded,
        or_(_T.c.response_due_at.is_(None), _T.c.first_response_at <= _T.c.response_due_at),
    )
    stmt = (
        select(
            _T.c.department_id,
            func.count(),
            func.sum(case((assessable, 1), else_=0)),
            func.sum(case((on_time, 1), else_=0)),
        )
        .where(_T.c.created_at >= start, _T.c.created_at < end)
        .group_by(_T.c.department_id)
    )
    for did, created, due, ok in (await session.exec(stmt)).all():
        add(did, created=created, response_due=due, responded_on_time=ok)

    # Satisfaction and on time (done): tickets closed in the period.
    finished = func.coalesce(_T.c.answered_at, _T.c.closed_at)
    done_ok = or_(_T.c.resolution_due_at.is_(None), finished <= _T.c.resolution_due_at)
    stmt = (
        select(
            _T.c.department_id,
            func.count(),
            func.sum(case((done_ok, 1), else_=0)),
            func.sum(case((_T.c.rating.is_not(None), 1), else_=0)),
            func.sum(case((_T.c.rating >= satisfied_min, 1), else_=0)),
        )
        .where(_T.c.closed_at >= start, _T.c.closed_at < end)
        .group_by(_T.c.department_id)
    )
    for did, done, ok, rated, satisfied in (await session.exec(stmt)).all():
        add(did, done=done, done_on_time=ok, rated=rated, satisfied=satisfied)

    # Late and still open at the end of the period, however long ago the deadline passed.
    stmt = (
        select(_T.c.department_id, func.count())
        .where(
            _T.c.resolution_due_at < end,
            or_(_T.c.closed_at.is_(None), _T.c.closed_at >= end),
            or_(_T.c.answered_at.is_(None), _T.c.answered_at > _T.c.resolution_due_at),
        )
        .group_by(_T.c.department_id)
    )
    for did, late in (await session.exec(stmt)).all():
        add(did, late_open=late)

    # Verdicts: the latest per ticket in the period.
    verdict_kinds = (*SOLVED_KINDS, *UNSOLVED_KINDS, "reopened")
    # The department by primary key per event (a join made PostgreSQL scan every ticket).
    department = select(_T.c.department_id).where(_T.c.id == _E.c.ticket_id).scalar_subquery()
    stmt = (
        select(_E.c.ticket_id, department, _E.c.kind, _E.c.actor_kind, _E.c.at, _E.c.id)
        .where(_E.c.at >= start, _E.c.at < end, _E.c.kind.in_(verdict_kinds))
        .order_by(_E.c.at, _E.c.id)
    )
    latest: dict[int, tuple[int, bool]] = {}
    for tid, did, kind, actor_kind, _at, _id in (await session.exec(stmt)).all():
        if kind == "reopened" and actor_kind != "citizen":
            continue
        latest[int(tid)] = (int(did), kind in SOLVED_KINDS)
    for did, solved in latest.values():
        add(did, verdicts=1, solved=int(solved))

    # Reprimands: tickets, each once.
    stmt = (
        select(_T.c.department_id, func.count(func.distinct(_A.c.ticket_id)))
        .join(_T, _T.c.id == _A.c.ticket_id)
        .where(_A.c.alert == "reprimand", _A.c.created_at >= start, _A.c.created_at < end)
        .group_by(_T.c.department_id)
    )
    for did, count in (await session.exec(stmt)).all():
        add(did, reprimands=count)
    return list(out.values())


@dataclass(frozen=True)
class Ranking:
    """The weekly ranking and ``citizen-desk stats``: ``ranked`` best first (rank = position
    + 1); ``unrated``: tickets but no rate yet; ``idle``: no tickets in the period."""

    ranked: list[DepartmentRates]
    unrated: list[DepartmentRates]
    idle: list[DepartmentRates]

    def rank_of(self, rates: DepartmentRates) -> int | None:
        for i, r in enumerate(self.ranked, 1):
            if r.department_id == rates.department_id:
                return i
        return None

    @property
    def all(self) -> list[DepartmentRates]:
        return self.ranked + self.unrated + self.idle


def ranking(rates: list[DepartmentRates]) -> Ranking:
    """Rank the departments that have a rate (see the module docstring for the rule)."""

    def key(r: DepartmentRates) -> tuple[float, int, str]:
        return (-(r.score or 0.0), -r.created, r.slug)

    ranked = sorted((r for r in rates if r.score is not None), key=key)
    rest = sorted((r for r in rates if r.score is None), key=key)
    return Ranking(
        ranked=ranked,
        unrated=[r for r in rest if r.has_tickets],
        idle=[r for r in rest if not r.has_tickets],
    )


def rank_departments(rates: list[DepartmentRates]) -> list[DepartmentRates]:
    """Every department, the ranked ones best first, then those without a rank."""
    return ranking(rates).all


@dataclass(frozen=True)
class ReprimandRow:
    """A reprimanded ticket, once, with every deadline it was reprimanded for."""

    ticket_id: int
    number: str
    department_id: int
    deadlines: tuple[str, ...]
    at: datetime  # the first reprimand in the period

    @property
    def deadline(self) -> str:
        return self.deadlines[0]


async def reprimands(session: AsyncSession, start: datetime, end: datetime) -> list[ReprimandRow]:
    """Tickets reprimanded in ``[start, end)``, each once, by their first reprimand."""
    stmt = (
        select(_A.c.ticket_id, _T.c.number, _T.c.department_id, _A.c.deadline, _A.c.created_at)
        .join(_T, _T.c.id == _A.c.ticket_id)
        .where(_A.c.alert == "reprimand", _A.c.created_at >= start, _A.c.created_at < end)
        .order_by(_A.c.created_at, _A.c.ticket_id, _A.c.deadline)
    )
    found: dict[int, ReprimandRow] = {}
    for t, n, d, k, at in (await session.exec(stmt)).all():
        row = found.get(int(t))
        if row is None:
            found[int(t)] = ReprimandRow(int(t), str(n), int(d), (str(k),), at)
        elif str(k) not in row.deadlines:
            found[int(t)] = ReprimandRow(
                row.ticket_id, row.number, row.department_id, (*row.deadlines, str(k)), row.at
            )
    return list(found.values())


@dataclass
class DigestCounts:
    """A department's day: ``open`` (not closed), ``due_today`` (an open deadline of an active
    ticket falls later today), ``overdue`` (an active ticket with an open deadline passed),
    ``closed`` (tickets closed since the department's previous digest); ``overdue_numbers``
    lists the most overdue (at most 10)."""

    open: int = 0
    due_today: int = 0
    overdue: int = 0
    closed: int = 0
    overdue_numbers: list[str] = field(default_factory=list)


async def digest_counts(
    session: AsyncSession,
    now: datetime,
    day_end: datetime,
    closed_since: Mapping[int, datetime],
) -> dict[int, DigestCounts]:
    """Digest counts of every department at ``now``. ``day_end`` is the end of the local day;
    ``closed_since`` maps a department id to the instant its closures are counted from (its
    previous digest), up to ``now``. "Open deadline": the response deadline until the first
    response, and the resolution deadline."""
    out: dict[int, DigestCounts] = defaultdict(DigestCounts)
    response_open = and_(_T.c.first_response_at.is_(None), _T.c.response_due_at.is_not(None))
    overdue = or_(and_(response_open, _T.c.response_due_at <= now), _T.c.resolution_due_at <= now)
    due_today = or_(
        and_(response_open, _T.c.response_due_at > now, _T.c.response_due_at < day_end),
        and_(_T.c.resolution_due_at > now, _T.c.resolution_due_at < day_end),
    )
    active = _T.c.status.in_(ACTIVE_STATUSES)
    stmt = (
        select(
            _T.c.department_id,
            func.count(),
            func.sum(case((and_(active, overdue), 1), else_=0)),
            func.sum(case((and_(active, due_today, ~overdue), 1), else_=0)),
        )
        .where(_T.c.status.in_(OPEN_STATUSES))
        .group_by(_T.c.department_id)
    )
    for did, n_open, n_over, n_today in (await session.exec(stmt)).all():
        c = out[int(did)]
        c.open, c.overdue, c.due_today = int(n_open), int(n_over or 0), int(n_today or 0)
    by_start: dict[datetime, list[int]] = defaultdict(list)  # usually one start for all
    for did, since in closed_since.items():
        by_start[since].append(int(did))
    for since, dept_ids in by_start.items():
        stmt = (
            select(_T.c.department_id, func.count())
            .where(_T.c.department_id.in_(dept_ids), _T.c.closed_at >= since, _T.c.closed_at < now)
            .group_by(_T.c.department_id)
        )
        for did, n in (await session.exec(stmt)).all():
            out[int(did)].closed = int(n)
    for did, c in out.items():
        if c.overdue:
            stmt = (
                select(_T.c.number)
                .where(_T.c.department_id == did, active, overdue)
                .order_by(func.coalesce(_T.c.response_due_at, _T.c.resolution_due_at), _T.c.id)
                .limit(10)
            )
            c.overdue_numbers = [str(r[0]) for r in (await session.exec(stmt)).all()]
    return dict(out)
