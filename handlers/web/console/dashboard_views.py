"""The dashboard (figures per department and overall, previous period, charts, gaps, load)
and the ranking CSV. Staff see their department; administrators every one, or one."""

from __future__ import annotations

from aiohttp import web

from handlers.web.console.charts import heatmap_svg, load_svg, trend_svg
from handlers.web.console.context import console_of, lang_of, render, user_of
from handlers.web.console.csvout import csv_line, csv_response
from handlers.web.console.knowledge_views import gap_clusters
from handlers.web.console.period import PRESETS, Period, parse_period
from handlers.web.console.rows import departments
from tickets.reports import DashboardReport, Figures
from tickets.reports import dashboard as build_dashboard

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


async def _report(request: web.Request) -> tuple[DashboardReport, Period, str | None]:
    console = console_of(request)
    actor = user_of(request).actor
    now = console.now()
    period = parse_period(request.query, now=now, tz=console.deps.tz)
    async with console.session() as session:
        depts = await departments(session)
        slug = request.query.get("dept", "").strip() or None
        if actor.is_admin:
            by_slug = {d.slug: i for i, d in depts.items()}
            dept_id = by_slug.get(slug) if slug else None
            if slug and dept_id is None:
                slug = None
        else:
            dept_id = actor.department_id
            slug = depts[dept_id].slug if dept_id in depts else None
        report = await build_dashboard(
            session,
            period.start,
            period.end,
            now=now,
            tz=console.deps.tz,
            department_id=dept_id,
            satisfied_min=_satisfied_min(request),
        )
    return report, period, slug


async def dashboard(request: web.Request) -> web.StreamResponse:
    """``GET /console/dashboard?days=30`` (or ``from``/``to``, and ``dept`` for admins)."""
    console = console_of(request)
    lang = lang_of(request)
    actor = user_of(request).actor
    report, period, slug = await _report(request)
    async with console.session() as session:
        depts = await departments(session)
        gaps = await gap_clusters(session, since=period.start, limit=10)
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
    report, period, _slug = await _report(request)
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
