"""Deadlines after the SLA of a ticket changes (a corrected demand type, the urgent flag).

A deadline is its SLA window counted from the clock's start, then moved by what happened since:
approved extensions (N working days each), the working time the clock was paused while the
citizen was asked, a transfer that restarted the clock. When the window changes, the ticket
keeps all of that: the new deadline is the new window counted from the same start, moved by
the same working time as the old deadline was beyond its own window. So an approved extension
of 3 working days still gives 3 working days more than the new type's SLA, and a correction
never quietly takes back what a head approved.

If the old deadline lies before its own window's end (the department's SLA was lengthened
since the ticket was created), nothing is carried: the new window counts from the start.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tickets.worktime.calendar import WorkCalendar
from tickets.worktime.durations import WorkWindow

__all__ = ["deadline_keeping_moves"]


def deadline_keeping_moves(
    calendar: WorkCalendar,
    start: datetime,
    due: datetime,
    old_window: WorkWindow | str,
    new_window: WorkWindow | str,
) -> datetime:
    """``due`` was ``old_window`` from ``start`` and then moved: the same under ``new_window``."""
    moved = calendar.working_time_between(calendar.deadline(start, old_window), due)
    fresh = calendar.deadline(start, new_window)
    return calendar.add_working_time(fresh, moved) if moved > timedelta(0) else fresh
