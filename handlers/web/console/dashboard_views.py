"""The dashboard (figures per department and overall, previous period, charts, gaps, load)
and the ranking CSV. Staff see their department; administrators every one, or one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from handlers.web.console.charts import heatmap_svg, load_svg, trend_svg
from handlers.web.console.context import console_of, lang_of, render, user_of
from handlers.web.console.csvout import csv_line, csv_response
from handlers.web.console.knowledge_views import GapCluster, gap_clusters
from handlers.web.console.period import PRESETS, Period, parse_period
from handlers.web.console.rows import departments
from tickets.models import Department
from tickets.reports.dashboard import (
    DashboardReport,
    Figures,
    assemble,
    combine,
    extra_counts,
    staff_load,
    weeks_and_heatmap,
)
from tickets.reports.stats import department_rates

RATES = (
    "timely_acceptance",
    "response_rate",
    "on_time_rate",
    "resolution_rate",
    "satisfaction_rate",
    "callback_rate",
)
COUNTS = ("received", "reopened", "urged", "reprimanded", "overdue_now")


def _satisfied_min(request: web.Request) -> int:
    console = console_of(request)
    if not console.deps.desk.loaded:
        return 4
    return int(console.deps.desk.config.scheduler.satisfied_min_rating)


async def _report(
    request: web.Request, *, with_extras: bool = False
) -> tuple[DashboardReport, Period, str | None, dict[int, Department], list[GapCluster]]:
    """The report, its parts computed concurrently, each in its own short session (on
    PostgreSQL they run side by side; SQLite's one connection takes them in turn)."""
    console = console_of(request)
    actor = user_of(request).actor
    now = console.now()
    tz = console.deps.tz
    period = parse_period(request.query, now=now, tz=tz)
    async with console.session() as session:
        depts = await departments(session)
    slug = request.query.get("dept", "").strip() or None
    if actor.is_admin:
        dept_id = {d.slug: i for i, d in depts.items()}.get(slug) if slug else None
        if dept_id is None:
            slug = None
    else:
        dept_id = actor.department_id
        slug = depts[dept_id].slug if dept_id in depts else None
    start, end = period.start, period.end
    satisfied = _satisfied_min(request)

    async def part(fn: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        async with console.session() as session:
            return await fn(session, *args, **kwargs)

    before = start - (end - start)
    jobs = [
        part(department_rates, start, end, satisfied_min=satisfied),
        part(extra_counts, start, end, now=now),
        part(department_rates, before, start, satisfied_min=satisfied),
        part(extra_counts, before, start),
        part(weeks_and_heatmap, start, end, tz, 12, dept_id),
        part(staff_load, now, dept_id),
    ]
    if with_extras:
        jobs.append(part(gap_clusters, since=start, limit=10))
    rates, extras, old_rates, old_extras, weeks, load, *gaps = await asyncio.gather(*jobs)
    report = assemble(
        start,
        end,
        combine(rates, extras),
        combine(old_rates, old_extras),
        weeks,
        load,
        department_id=dept_id,
    )
    return report, period, slug, depts, gaps[0] if gaps else []


async def dashboard(request: web.Request) -> web.StreamResponse:
    """``GET /console/dashboard?days=30`` (or ``from``/``to``, and ``dept`` for admins)."""
    console = console_of(request)
    lang = lang_of(request)
    actor = user_of(request).actor
    report, period, slug, depts, gaps = await _report(request, with_extras=True)
    return render(
        request,
        "dashboard.html",
        status=400 if period.error else 200,
        report=report,
        period=period,
        presets=PRESETS,
        slug=slug,
        departments=[(d.slug, console.department_name(d, lang)) for d in depts.values()]
        if actor.is_admin
        else [],
        rates=RATES,
        counts=COUNTS,
        delta=_delta,
        trend=trend_svg(report.weeks, lang),
        heatmap=heatmap_svg(report.heatmap, lang),
        load=load_svg(report.load, lang),
        load_rows=report.load,
        gaps=gaps,
        names={i: console.department_name(d, lang) for i, d in depts.items()},
    )


def _delta(now: float | int | None, before: float | int | None) -> float | int | None:
    if now is None or before is None:
        return None
    return now - before


def _fraction(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


async def ranking_csv(request: web.Request) -> web.StreamResponse:
    """``GET /console/ranking.csv``: the departments' figures for the period, ranked as
    ``citizen-desk stats`` ranks them (rates as fractions 0..1, empty when not defined)."""
    report, period, _slug, _depts, _gaps = await _report(request)
    stamp = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    response = await csv_response(request, f"ranking-{stamp}.csv")
    header = ("rank", "department", "name_zh", "name_en", *COUNTS, *RATES)
    await response.write(csv_line(header).encode("utf-8"))
    for dept in report.departments:
        figures: Figures = dept.current
        values = [dept.rank, dept.slug, dept.name_zh, dept.name_en]
        values += [getattr(figures, c) for c in COUNTS]
        values += [_fraction(getattr(figures, r)) for r in RATES]
        await response.write(csv_line(values).encode("utf-8"))
    await response.write_eof()
    return response
