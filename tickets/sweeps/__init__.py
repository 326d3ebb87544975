"""The scheduler's sweeps (issue 6): reminders, nags, escalations, digests, callbacks, auto-close.

Domain code: no Telegram library, no scheduler library, no message texts: the sweeps raise
events (:mod:`tickets.notify`) through the context's notifier. ``bot/scheduler.py`` triggers
:func:`run_round` periodically (APScheduler, in-memory job store); ``citizen-desk sweep`` runs
one round. Every sweep claims its rows atomically (see :mod:`tickets.sweeps.base`), so any
number of instances can run them against one PostgreSQL.
"""

from tickets.sweeps.base import Directory, SweepContext, SweepResult
from tickets.sweeps.policy import POLICY_KEYS, SweepPolicy
from tickets.sweeps.runner import SWEEPS, RoundReport, run_round

__all__ = [
    "POLICY_KEYS",
    "SWEEPS",
    "Directory",
    "RoundReport",
    "SweepContext",
    "SweepPolicy",
    "SweepResult",
    "run_round",
]
