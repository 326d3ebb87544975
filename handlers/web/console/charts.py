"""Charts as inline SVG (no script, no external resource): the weekly trend, the demand
heatmap (weekday × hour) and each clerk's open load. Every label is escaped; sizes come from
the ``viewBox``, so a chart scales to a phone's width."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from locales import t
from tickets.reports.dashboard import LoadRow, WeekPoint

__all__ = ["heatmap_svg", "load_svg", "trend_svg"]


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    )
    return Markup(head + "".join(body) + "</svg>")


def trend_svg(weeks: Sequence[WeekPoint], lang: str) -> Markup:
    """Tickets received and closed per week, as two lines with dots."""
    width, height, left, bottom, top = 640, 240, 40, 40, 16
    plot_w, plot_h = width - left - 16, height - bottom - top
    peak = max([1, *(max(w.received, w.closed) for w in weeks)])
    step = plot_w / max(1, len(weeks) - 1)
    body: list[str] = []
    for i in range(5):  # horizontal grid with the scale
        value = round(peak * i / 4)
        y = top + plot_h - plot_h * i / 4
        body.append(f'<line class="grid" x1="{left}" x2="{width - 16}" y1="{y:.1f}" y2="{y:.1f}"/>')
        body.append(
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    for series, css in (("received", "s-received"), ("closed", "s-closed")):
        points = []
        for i, week in enumerate(weeks):
            value = getattr(week, series)
            x, y = left + step * i, top + plot_h - plot_h * value / peak
            points.append(f"{x:.1f},{y:.1f}")
            label = f"{week.start:%m-%d} {t(lang, f'con-series-{series}')}: {value}"
            body.append(
                f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="3.5">'
                f"<title>{escape(label)}</title></circle>"
            )
        body.insert(0, f'<polyline class="{css} line" points="{" ".join(points)}"/>')
    for i, week in enumerate(weeks):
        if i % 2 == 0 or len(weeks) <= 6:
            x = left + step * i
            body.append(
                f'<text class="axis" x="{x:.1f}" y="{height - bottom + 18}" '
                f'text-anchor="middle">{week.start:%m-%d}</text>'
            )
    legend_y = height - 8
    for j, (series, css) in enumerate((("received", "s-received"), ("closed", "s-closed"))):
        x = left + j * 150
        body.append(f'<rect class="{css}" x="{x}" y="{legend_y - 10}" width="12" height="12"/>')
        body.append(
            f'<text class="legend" x="{x + 18}" y="{legend_y}">'
            f"{escape(t(lang, f'con-series-{series}'))}</text>"
        )
    return _svg(width, height, t(lang, "con-trend_title"), body)


def heatmap_svg(grid: Sequence[Sequence[int]], lang: str) -> Markup:
    """Tickets received per local weekday (rows, Monday first) and hour (columns)."""
    cell, left, top = 24, 44, 22
    width, height = left + 24 * cell + 8, top + 7 * cell + 8
    peak = max([1, *(v for row in grid for v in row)])
    body: list[str] = []
    for hour in range(0, 24, 3):
        body.append(
            f'<text class="axis" x="{left + hour * cell + cell / 2}" y="{top - 6}" '
            f'text-anchor="middle">{hour:02d}</text>'
        )
    for day, row in enumerate(grid):
        name = t(lang, f"con-weekday-{day}")
        body.append(
            f'<text class="axis" x="{left - 6}" y="{top + day * cell + cell / 2 + 4}" '
            f'text-anchor="end">{escape(name)}</text>'
        )
        for hour, value in enumerate(row):
            share = value / peak
            label = f"{name} {hour:02d}:00 — {value}"
            body.append(
                f'<rect class="heat" x="{left + hour * cell + 1}" y="{top + day * cell + 1}" '
                f'width="{cell - 2}" height="{cell - 2}" fill-opacity="{0.06 + 0.94 * share:.2f}">'
                f"<title>{escape(label)}</title></rect>"
            )
    return _svg(width, height, t(lang, "con-heatmap_title"), body)


def load_svg(rows: Sequence[LoadRow], lang: str, limit: int = 15) -> Markup:
    """Each staff member's open tickets (overdue ones darker), longest bar first."""
    shown = list(rows[:limit])
    bar, left, width = 26, 150, 640
    height = max(1, len(shown)) * bar + 12
    peak = max([1, *(r.open for r in shown)])
    body: list[str] = []
    for i, row in enumerate(shown):
        y = 6 + i * bar
        total_w = (width - left - 60) * row.open / peak
        late_w = (width - left - 60) * row.overdue / peak
        name = row.name if len(row.name) <= 16 else row.name[:15] + "…"
        label = t(lang, "con-load_label", name=row.name, open=row.open, overdue=row.overdue)
        body.append(
            f'<text class="axis" x="{left - 8}" y="{y + bar / 2 + 3}" text-anchor="end">'
            f"{escape(name)}</text>"
        )
        body.append(
            f'<rect class="s-open" x="{left}" y="{y + 3}" width="{total_w:.1f}" '
            f'height="{bar - 8}"><title>{escape(label)}</title></rect>'
        )
        if row.overdue:
            body.append(
                f'<rect class="s-overdue" x="{left}" y="{y + 3}" width="{late_w:.1f}" '
                f'height="{bar - 8}"><title>{escape(label)}</title></rect>'
            )
        body.append(
            f'<text class="value" x="{left + total_w + 6:.1f}" y="{y + bar / 2 + 3}">'
            f"{row.open}{f' ({row.overdue})' if row.overdue else ''}</text>"
        )
    return _svg(width, height, t(lang, "con-load_title"), body)
