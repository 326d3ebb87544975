"""The dashboard's figures for a period, per department and overall, in 12345 terms.

Every figure is defined here once (the console's dashboard and its ranking CSV read only this
module), and the figures ``citizen-desk stats`` prints come from the same
:func:`tickets.reports.stats.department_rates`, so the two always agree. Periods are half-open
``[start, end)`` of aware instants; a rate is ``None`` when its denominator is zero.

- **received** (受理量): tickets created in the period (``stats``: *tickets*).
- **timely acceptance** (及时受理率) = ``responded_on_time / response_due``: the first response
  came within the response window (``stats``: *response*; the definition is in
  :mod:`tickets.reports.stats`).
- **response rate** (响应率) = ``responded / received``: tickets created in the period that had
  a first response (a reply or a request for information) before ``end``.
- **on-time completion** (按时办结率), **resolution rate** (解决率), **satisfaction** (满意率,
  ratings ≥ ``satisfied_min``): as in :mod:`tickets.reports.stats` (*on time*, *resolved*,
  *satisfied*).
- **call-back satisfaction** (回访满意率) = ``callbacks_solved / callbacks``: the answers to the
  closure call-back ("was it really solved?") given in the period.
- **reopened** (重办): ``reopened`` events in the period, by the citizen or by staff.
- **urged / reprimanded** (督办 / 通报): urging notices and reprimands issued in the period.
- **overdue now** (当前超期): at ``now``, active tickets with an open deadline passed (as in the
  daily digest, :func:`tickets.reports.stats.digest_counts`; the staff page of tickets "overdue"
  uses the same rule).

The period is compared with the previous one of the same length; the weekly trend counts
tickets received and closed per local week (Monday first); the heatmap counts tickets received
per local weekday and hour (from hourly UTC buckets: exact for time zones on whole hours, such
as China's); the load is each staff member's open tickets (and how many are overdue).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import Integer, and_, any_, bindparam, case, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.lifecycle import OPEN_STATUSES
from tickets.models import StaffMember, Ticket, TicketAlert, TicketEvent
from tickets.reports.stats import (
    ACTIVE_STATUSES,
    DepartmentRates,
    department_rates,
    rank_departments,
)

__all__ = [
    "DashboardReport",
    "DepartmentReport",
    "Figures",
    "LoadRow",
    "WeekPoint",
    "assemble",
    "combine",
    "dashboard",
    "extra_counts",
    "figures_by_department",
    "staff_load",
    "weeks_and_heatmap",
]

_T = Ticket.__table__  # type: ignore[attr-defined]
_E = TicketEvent.__table__  # type: ignore[attr-defined]
_A = TicketAlert.__table__  # type: ignore[attr-defined]
_S = StaffMember.__table__  # type: ignore[attr-defined]


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class Figures:
    """The counts of one department (or all) over one period; the rates derive from them."""

    received: int = 0
    response_due: int = 0
    responded_on_time: int = 0
    responded: int = 0
    verdicts: int = 0
    solved: int = 0
    rated: int = 0
    satisfied: int = 0
    done: int = 0
    done_on_time: int = 0
    late_open: int = 0
    callbacks: int = 0
    callbacks_solved: int = 0
    reopened: int = 0
    urged: int = 0
    reprimanded: int = 0
    overdue_now: int = 0

    @classmethod
    def from_rates(cls, rates: DepartmentRates) -> Figures:
        return cls(
            received=rates.created,
            response_due=rates.response_due,
            responded_on_time=rates.responded_on_time,
            verdicts=rates.verdicts,
            solved=rates.solved,
            rated=rates.rated,
            satisfied=rates.satisfied,
            done=rates.done,
            done_on_time=rates.done_on_time,
            late_open=rates.late_open,
            reprimanded=rates.reprimands,
        )

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def timely_acceptance(self) -> float | None:
        return _rate(self.responded_on_time, self.response_due)

    @property
    def response_rate(self) -> float | None:
        return _rate(self.responded, self.received)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.done_on_time, self.done + self.late_open)

    @property
    def resolution_rate(self) -> float | None:
        return _rate(self.solved, self.verdicts)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.rated)

    @property
    def callback_rate(self) -> float | None:
        return _rate(self.callbacks_solved, self.callbacks)


@dataclass
class DepartmentReport:
    department_id: int
    slug: str
    name_zh: str
    name_en: str
    current: Figures
    previous: Figures
    rank: int  # 1 = best, as ``citizen-desk stats`` ranks them

    def name(self, lang: str | None) -> str:
        return self.name_en if (lang or "").startswith("en") else self.name_zh


@dataclass(frozen=True)
class WeekPoint:
    start: datetime  # local Monday 00:00
    received: int
    closed: int
    timely: float | None  # timely acceptance of the week's tickets
    on_time: float | None  # share of the week's closures within the resolution deadline


@dataclass(frozen=True)
class LoadRow:
    staff_id: int
    telegram_user_id: int
    name: str
    department_id: int | None
    role: str
    open: int
    overdue: int


@dataclass
class DashboardReport:
    start: datetime
    end: datetime
    previous_start: datetime
    departments: list[DepartmentReport]
    total: Figures
    total_previous: Figures
    weeks: list[WeekPoint] = field(default_factory=list)
    heatmap: list[list[int]] = field(default_factory=list)  # [weekday 0-6][hour 0-23]
    load: list[LoadRow] = field(default_factory=list)


def _dept_filter(column: Any, department_id: int | None) -> list[ColumnElement[bool]]:
    return [] if department_id is None else [column == department_id]


Extras = dict[int, dict[str, int]]  # department id -> the counts stats does not have


async def extra_counts(
    session: AsyncSession, start: datetime, end: datetime, *, now: datetime | None = None
) -> Extras:
    """Per department, over ``[start, end)``: ``responded``, ``reopened``, ``callbacks``,
    ``callbacks_solved``, ``urged``; and ``overdue_now`` at ``now`` when given."""
    out: Extras = defaultdict(lambda: defaultdict(int))
    responded = and_(_T.c.first_response_at.is_not(None), _T.c.first_response_at < end)
    stmt = (
        select(_T.c.department_id, func.sum(case((responded, 1), else_=0)))
        .where(_T.c.created_at >= start, _T.c.created_at < end)
        .group_by(_T.c.department_id)
    )
    for did, n in (await session.exec(stmt)).all():
        out[int(did)]["responded"] += int(n or 0)
    # Events first (their index), then their tickets' departments by primary key: joining
    # the two made PostgreSQL scan the whole ticket table.
    kinds = ("reopened", "callback_solved", "callback_unsolved")
    stmt = (
        select(_E.c.ticket_id, _E.c.kind, func.count())
        .where(_E.c.kind.in_(kinds), _E.c.at >= start, _E.c.at < end)
        .group_by(_E.c.ticket_id, _E.c.kind)
    )
    events = (await session.exec(stmt)).all()
    stmt = select(_A.c.ticket_id, func.count()).where(
        _A.c.alert == "urge", _A.c.created_at >= start, _A.c.created_at < end
    )
    urges = (await session.exec(stmt.group_by(_A.c.ticket_id))).all()
    ids = sorted({int(e[0]) for e in events} | {int(u[0]) for u in urges})
    department = await _departments_of(session, ids)
    for tid, kind, n in events:
        counts = out[department[int(tid)]]
        if kind == "reopened":
            counts["reopened"] += int(n)
        else:
            counts["callbacks"] += int(n)
            counts["callbacks_solved"] += int(n) if kind == "callback_solved" else 0
    for tid, n in urges:
        out[department[int(tid)]]["urged"] += int(n)
    if now is not None:
        stmt = (
            select(_T.c.department_id, func.count())
            .where(_overdue(now))
            .group_by(_T.c.department_id)
        )
        for did, n in (await session.exec(stmt)).all():
            out[int(did)]["overdue_now"] += int(n)
    return out


async def _departments_of(session: AsyncSession, ids: list[int]) -> dict[int, int]:
    """The department of each ticket id. On PostgreSQL one array parameter (``= ANY``): an
    ``IN`` list of thousands of ids costs more to render and bind than the query takes."""
    department: dict[int, int] = {}
    if not ids:
        return department
    if session.get_bind().dialect.name == "postgresql":
        wanted = bindparam("ids", ids, type_=ARRAY(Integer))
        stmt = select(_T.c.id, _T.c.department_id).where(_T.c.id == any_(wanted))
        return {int(i): int(d) for i, d in (await session.exec(stmt)).all()}
    for chunk in range(0, len(ids), 5000):
        part = ids[chunk : chunk + 5000]
        stmt = select(_T.c.id, _T.c.department_id).where(_T.c.id.in_(part))
        department.update({int(i): int(d) for i, d in (await session.exec(stmt)).all()})
    return department


def combine(
    rates: list[DepartmentRates], extras: Extras
) -> tuple[list[DepartmentRates], dict[int, Figures]]:
    """Each department's :class:`Figures` from the rates of ``stats`` and the extra counts."""
    out = {}
    for r in rates:
        figures = Figures.from_rates(r)
        for key, value in extras.get(r.department_id, {}).items():
            setattr(figures, key, getattr(figures, key) + value)
        out[r.department_id] = figures
    return rates, out


async def figures_by_department(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    *,
    satisfied_min: int = 4,
    now: datetime | None = None,
) -> tuple[list[DepartmentRates], dict[int, Figures]]:
    """Each active department's figures over ``[start, end)`` (``overdue_now`` at ``now``,
    when given), with the :class:`DepartmentRates` they came from."""
    rates = await department_rates(session, start, end, satisfied_min=satisfied_min)
    return combine(rates, await extra_counts(session, start, end, now=now))


def _overdue(now: datetime) -> ColumnElement[bool]:
    """Active, with an open deadline passed (the daily digest's ``overdue``)."""
    response_open = and_(_T.c.first_response_at.is_(None), _T.c.response_due_at.is_not(None))
    return and_(
        _T.c.status.in_(ACTIVE_STATUSES),
        or_(and_(response_open, _T.c.response_due_at <= now), _T.c.resolution_due_at <= now),
    )


def _hour_bucket(session: AsyncSession, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.date_trunc("hour", func.timezone("UTC", column))
    return func.strftime("%Y-%m-%d %H", column)


def _bucket_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return datetime.strptime(str(value)[:13], "%Y-%m-%d %H").replace(tzinfo=UTC)


def _local_monday(at: datetime, tz: tzinfo) -> datetime:
    local = at.astimezone(tz)
    day = local.date() - timedelta(days=local.weekday())
    return datetime(day.year, day.month, day.day, tzinfo=tz)


async def weeks_and_heatmap(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    tz: tzinfo,
    weeks: int,
    department_id: int | None,
) -> tuple[list[WeekPoint], list[list[int]]]:
    first_week = _local_monday(end - timedelta(microseconds=1), tz) - timedelta(weeks=weeks - 1)
    lower = min(first_week.astimezone(UTC), start)
    responded = and_(_T.c.first_response_at.is_not(None), _T.c.first_response_at < end)
    assessable = or_(responded, _T.c.response_due_at < end)
    on_time = and_(
        responded,
        or_(_T.c.response_due_at.is_(None), _T.c.first_response_at <= _T.c.response_due_at),
    )
    bucket = _hour_bucket(session, _T.c.created_at)
    stmt = (
        select(
            bucket,
            func.count(),
            func.sum(case((assessable, 1), else_=0)),
            func.sum(case((on_time, 1), else_=0)),
        )
        .where(
            _T.c.created_at >= lower,
            _T.c.created_at < end,
            *_dept_filter(_T.c.department_id, department_id),
        )
        .group_by(bucket)
    )
    received: dict[datetime, list[int]] = defaultdict(lambda: [0, 0, 0])
    heatmap = [[0] * 24 for _ in range(7)]
    for value, n, due, ok in (await session.exec(stmt)).all():
        at = _bucket_time(value)
        week = received[_local_monday(at, tz)]
        week[0], week[1], week[2] = (
            week[0] + int(n),
            week[1] + int(due or 0),
            week[2] + int(ok or 0),
        )
        if start <= at < end:
            local = at.astimezone(tz)
            heatmap[local.weekday()][local.hour] += int(n)
    finished = func.coalesce(_T.c.answered_at, _T.c.closed_at)
    done_ok = or_(_T.c.resolution_due_at.is_(None), finished <= _T.c.resolution_due_at)
    bucket = _hour_bucket(session, _T.c.closed_at)
    stmt = (
        select(bucket, func.count(), func.sum(case((done_ok, 1), else_=0)))
        .where(
            _T.c.closed_at >= first_week.astimezone(UTC),
            _T.c.closed_at < end,
            *_dept_filter(_T.c.department_id, department_id),
        )
        .group_by(bucket)
    )
    closed: dict[datetime, list[int]] = defaultdict(lambda: [0, 0])
    for value, n, ok in (await session.exec(stmt)).all():
        week = closed[_local_monday(_bucket_time(value), tz)]
        week[0], week[1] = week[0] + int(n), week[1] + int(ok or 0)
    points = []
    for i in range(weeks):
        monday = first_week + timedelta(weeks=i)
        monday = datetime(monday.year, monday.month, monday.day, tzinfo=tz)  # DST-safe
        r, c = received.get(monday, [0, 0, 0]), closed.get(monday, [0, 0])
        points.append(WeekPoint(monday, r[0], c[0], _rate(r[2], r[1]), _rate(c[1], c[0])))
    return points, heatmap


async def staff_load(
    session: AsyncSession, now: datetime, department_id: int | None
) -> list[LoadRow]:
    """Each active staff member's open tickets and how many are overdue, most loaded first."""
    overdue = _overdue(now)
    stmt = (
        select(_T.c.assignee_id, func.count(), func.sum(case((overdue, 1), else_=0)))
        .where(_T.c.status.in_(OPEN_STATUSES), _T.c.assignee_id.is_not(None))
        .group_by(_T.c.assignee_id)
    )
    counts = {int(a): (int(n), int(o or 0)) for a, n, o in (await session.exec(stmt)).all()}
    stmt = select(
        _S.c.id, _S.c.telegram_user_id, _S.c.display_name, _S.c.username, _S.c.department_id,
        _S.c.role,
    ).where(_S.c.active.is_(True), *_dept_filter(_S.c.department_id, department_id))  # fmt: skip
    rows = []
    for sid, uid, name, username, did, role in (await session.exec(stmt)).all():
        shown = name or (f"@{username}" if username else f"#{uid}")
        n, o = counts.get(int(sid), (0, 0))
        rows.append(LoadRow(int(sid), int(uid), shown, did, role, n, o))
    rows.sort(key=lambda r: (-r.open, -r.overdue, r.name))
    return rows


def assemble(
    start: datetime,
    end: datetime,
    current: tuple[list[DepartmentRates], dict[int, Figures]],
    previous: tuple[list[DepartmentRates], dict[int, Figures]],
    weeks: tuple[list[WeekPoint], list[list[int]]],
    load: list[LoadRow],
    *,
    department_id: int | None = None,
) -> DashboardReport:
    """The report from its parts (each part may be computed in its own session)."""
    rates, figures = current
    _before_rates, before = previous
    reports = [
        DepartmentReport(
            r.department_id,
            r.slug,
            r.name_zh,
            r.name_en,
            figures[r.department_id],
            before.get(r.department_id, Figures()),
            rank,
        )
        for rank, r in enumerate(rank_departments(rates), start=1)
        if department_id is None or r.department_id == department_id
    ]
    total, total_previous = Figures(), Figures()
    for report in reports:
        total.add(report.current)
        total_previous.add(report.previous)
    return DashboardReport(
        start=start,
        end=end,
        previous_start=start - (end - start),
        departments=reports,
        total=total,
        total_previous=total_previous,
        weeks=weeks[0],
        heatmap=weeks[1],
        load=load,
    )


async def dashboard(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    tz: tzinfo,
    department_id: int | None = None,
    satisfied_min: int = 4,
    weeks: int = 12,
) -> DashboardReport:
    """The whole dashboard in one session: every department (or only ``department_id``)
    and the total. (The console computes the same parts concurrently, see :func:`assemble`.)"""
    previous_start = start - (end - start)
    current = await figures_by_department(session, start, end, satisfied_min=satisfied_min, now=now)
    previous = await figures_by_department(
        session, previous_start, start, satisfied_min=satisfied_min
    )
    points = await weeks_and_heatmap(session, start, end, tz, weeks, department_id)
    load = await staff_load(session, now, department_id)
    return assemble(start, end, current, previous, points, load, department_id=department_id)
