"""The scheduler's buttons and working time in words (texts: ``locales/*/scheduler.ftl``).

Callback data of the buttons (``tk:<action>:<ticket id>``):

* ``tk:view:<id>``: open the ticket (staff, under reminders, nags, escalations, digests);
* ``tk:solved:<id>`` / ``tk:unsolved:<id>``: the citizen's answer to the post-closure
  question; the handler calls :func:`tickets.sweeps.closure.answer_closure_callback`.
"""

from __future__ import annotations

from datetime import timedelta

from locales import t

__all__ = ["button", "callback_data", "describe_late"]


def callback_data(action: str, ticket_id: int) -> str:
    return f"tk:{action}:{int(ticket_id)}"


def button(text: str, action: str, ticket_id: int) -> dict[str, str]:
    return {"text": text, "callback_data": callback_data(action, ticket_id)}


def describe_late(late: timedelta, lang: str | None, day_length: timedelta) -> str:
    """Working time in words: ``2 working days 3 h 5 min`` / ``2个工作日3小时5分钟``.

    ``day_length`` is the working time of a normal working day (7 h by default), used to
    count whole working days when ``late`` is that long.
    """
    minutes = max(0, int(late.total_seconds() // 60))
    day_minutes = max(1, int(day_length.total_seconds() // 60))
    days, rest = divmod(minutes, day_minutes)
    hours, mins = divmod(rest, 60)
    parts = [
        t(lang, key, count=value)
        for key, value in (("late-days", days), ("late-hours", hours), ("late-minutes", mins))
        if value
    ]
    return t(lang, "late-sep").join(parts) or t(lang, "late-none")
