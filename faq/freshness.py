"""Freshness of the knowledge base: entries not reviewed for too long, or expired.

An entry carries ``reviewed`` (when its owner last checked the answer) and optionally
``expires`` (from that day the answer must not be given) and ``owner`` (the department
answerable for the text; default the entry's department). ``faq check`` warns about
entries not reviewed within the configured age and reports expired ones as problems;
the live service never answers from an expired entry (it offers it, marked as possibly
outdated), and a weekly sweep tells each owner and the administrators what is stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from faq.models import Entry, Problem

DEFAULT_REVIEW_DAYS = 365
EXPIRING_DAYS = 30  # an entry expiring within this many days is reported as expiring
Kind = Literal["expired", "expiring", "stale", "unreviewed"]


@dataclass(frozen=True)
class Finding:
    entry: Entry
    kind: Kind
    day: date | None  # expires (expired, expiring) or reviewed (stale); None: unreviewed

    @property
    def owner(self) -> str | None:
        return self.entry.owning_department

    @property
    def line(self) -> int:
        if self.kind in ("expired", "expiring") and self.entry.expires_line:
            return self.entry.expires_line
        if self.kind == "stale" and self.entry.reviewed_line:
            return self.entry.reviewed_line
        return self.entry.source_line


def review(
    entries: Iterable[Entry], today: date, max_age_days: int = DEFAULT_REVIEW_DAYS
) -> list[Finding]:
    """What is not fresh about each entry (at most one finding per entry, worst first)."""
    out: list[Finding] = []
    oldest = today - timedelta(days=max_age_days)
    for entry in entries:
        if entry.expires is not None and today >= entry.expires:
            out.append(Finding(entry, "expired", entry.expires))
        elif entry.expires is not None and entry.expires - today <= timedelta(EXPIRING_DAYS):
            out.append(Finding(entry, "expiring", entry.expires))
        elif entry.reviewed is None:
            out.append(Finding(entry, "unreviewed", None))
        elif entry.reviewed < oldest:
            out.append(Finding(entry, "stale", entry.reviewed))
    return out


def check(
    entries: Sequence[Entry],
    today: date,
    max_age_days: int = DEFAULT_REVIEW_DAYS,
    departments: Iterable[str] | None = None,
) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) of ``faq check``: expired entries and owners that are not a
    known department are problems; stale and expiring entries are warnings, and so are
    entries without a date once the folder dates any entry (one warning per file)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    known = set(departments) if departments is not None else None
    unreviewed: dict[str, list[Entry]] = {}
    for f in review(entries, today, max_age_days):
        e = f.entry
        if f.kind == "expired":
            problems.append(
                Problem(
                    e.source_file,
                    f.line,
                    f"entry '{e.id}' expired on {f.day}: the bot no longer gives this answer "
                    "(update it and its dates, or remove it)",
                )
            )
        elif f.kind == "expiring":
            days = (f.day - today).days if f.day else 0
            warnings.append(
                Problem(
                    e.source_file,
                    f.line,
                    f"warning: entry '{e.id}' expires on {f.day} (in {days} days)",
                )
            )
        elif f.kind == "stale":
            warnings.append(
                Problem(
                    e.source_file,
                    f.line,
                    f"warning: entry '{e.id}' last reviewed on {f.day}, over {max_age_days} "
                    "days ago (check the answer and update 'reviewed')",
                )
            )
        else:
            unreviewed.setdefault(e.source_file, []).append(e)
    dated = any(e.reviewed is not None for e in entries)
    for file, missing in unreviewed.items() if dated else ():
        first = missing[0]
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        warnings.append(
            Problem(
                file,
                first.source_line,
                f"warning: entry '{first.id}'{more} in this file have no 'reviewed' date",
            )
        )
    if known is not None:
        for e in entries:
            for what, slug in (("owner", e.owner), ("department", e.department)):
                if slug is not None and slug not in known:
                    problems.append(
                        Problem(
                            e.source_file,
                            e.source_line,
                            f"entry '{e.id}': {what} '{slug}' is not a department of the "
                            "departments file",
                        )
                    )
    return problems, warnings
