"""What the ticket domain tells people, as events: the port between the domain and the channels.

Ticket operations (:mod:`tickets.service`) and the sweeps (:mod:`tickets.sweeps`) never build a
message. They raise an **event** — a frozen dataclass carrying data, not text: the ticket's id,
number, department slug and language, datetimes in UTC, working time as timedeltas, the citizen's
masked name and phone and redacted words, attachments as file ids — addressed to **domain
recipients** resolved by the department directory (:mod:`tickets.people.directory`):

* :class:`ToCitizen` (a citizen, reached on the channel they used last, in their language);
* :class:`ToStaff` (a Telegram chat: a department's group, or a person's private chat with the
  person's id and, when they chose one, their language).

A :class:`Notifier` publishes the event in the caller's transaction: it renders it for each
recipient's channel and language and queues the rows into the outbox, returning them
(:class:`Queued`: the sweeps count them, and a dry run shows them). The implementation lives
in the interaction layer (``handlers.notify``); the domain only knows this port.

One class per kind, rather than one notice with a ``kind`` and a dictionary: each kind has its
own fields, so a renderer can rely on them (and a type checker checks every publisher). Every
event has its ``kind`` (``"ticket.created"``…, :data:`KINDS`), ``at`` (the moment: the rows'
queue time), ``recipients``, ``about`` (the citizen whose personal data its messages carry: their
erasure deletes the rows) and ``dedupe_key`` (the sweeps' exactly-once key for the rows of a
single-recipient event; None for the ticket service's notices).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.attachments import Attachment
from tickets.outbox import PRIORITY_BULK
from tickets.worktime.calendar import CoverageGap
from tickets.worktime.durations import WorkWindow

__all__ = [
    "KINDS",
    "AlertsDue",
    "AnnouncementCancelled",
    "AnnouncementPosted",
    "AnnouncementReport",
    "CalendarUncovered",
    "ClosureCallback",
    "CoverageGap",
    "DailyDigest",
    "DueAlert",
    "Event",
    "ExtensionDecided",
    "ExtensionRequested",
    "FaqProblems",
    "Files",
    "FollowedUp",
    "InfoRequested",
    "Notifier",
    "NotifierFactory",
    "Post",
    "Queued",
    "RatingCommented",
    "Recipient",
    "ReprimandLine",
    "TicketAssigned",
    "TicketAutoClosed",
    "TicketClosed",
    "TicketConfirmed",
    "TicketCreated",
    "TicketNotice",
    "TicketRated",
    "TicketRef",
    "TicketReopened",
    "TicketReplied",
    "TicketRetyped",
    "TicketTaken",
    "TicketTransferred",
    "ToCitizen",
    "ToStaff",
    "UrgencyChanged",
    "WeeklyRanking",
    "unique_recipients",
]


# --- recipients -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ToCitizen:
    """A citizen: the notifier finds where they can be reached (the channel they used last)
    and their language (their explicit choice, else the ticket's)."""

    citizen_id: int


@dataclass(frozen=True, slots=True)
class ToStaff:
    """A Telegram chat of staff: a department's group (``telegram_user_id`` None) or a person's
    private chat (their Telegram user id, = the chat). ``language``: the person's own choice
    when known; otherwise the desk's staff language applies."""

    chat_id: int
    telegram_user_id: int | None = None
    language: str | None = None


Recipient = ToCitizen | ToStaff


# --- what was queued ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Queued:
    """A snapshot of a queued outbox row (still readable after a dry run's rollback). ``id`` is
    None for rows inserted without a dedupe key (the fast path does not read it back)."""

    id: int | None
    channel: str
    address: str | None
    chat_id: int | None
    method: str
    payload: dict[str, Any]
    dedupe_key: str | None


# --- the data events carry ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TicketRef:
    """The ticket an event is about: ``department`` is its slug, ``lang`` the language the
    ticket was written in (a citizen without an explicit choice is told things in it)."""

    id: int
    number: str
    department: str
    lang: str | None = None
    citizen_id: int | None = None

    @property
    def ref(self) -> str:
        """The outbox rows' ``ref``: a reply to the sent message finds the ticket."""
        return f"ticket:{self.id}"


@dataclass(frozen=True, slots=True)
class Files:
    """A citizen's attachments as the channel gave them (Telegram file ids; nothing is
    downloaded): forwarded to the department after its post."""

    photos: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    location: tuple[float, float] | None = None

    @classmethod
    def from_details(cls, details: Mapping[str, Any] | None) -> Files:
        details = details or {}
        location = details.get("location")
        where = None
        if isinstance(location, Mapping) and {"latitude", "longitude"} <= location.keys():
            where = (location["latitude"], location["longitude"])
        return cls(
            tuple(str(p) for p in details.get("photos") or []),
            tuple(str(d) for d in details.get("documents") or []),
            where,
        )

    @property
    def count(self) -> int:
        """Photos and documents (the location is not counted as a file)."""
        return len(self.photos) + len(self.documents)


@dataclass(frozen=True, slots=True)
class Post:
    """A ticket as staff see it in a chat: the masked identity (``name``: ``张*``, ``phone``:
    ``138****5678``; None when unknown), the redacted text, the type, urgency, deadlines, and
    the citizen's attachments."""

    demand_type: str
    urgent: bool
    name: str | None
    phone: str | None
    text: str
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    files: Files = field(default_factory=Files)


# --- events ---------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Event:
    """Common to every event (see the module docstring)."""

    kind: ClassVar[str] = ""
    at: datetime
    recipients: tuple[Recipient, ...]
    about: int | None = None
    dedupe_key: str | None = None
    # The outbox rows' priority (lower first: tickets.outbox.PRIORITY_BULK for announcements,
    # digests, the weekly ranking and the FAQ freshness notice)
    # and the earliest time they may go out (quiet hours, a scheduled announcement).
    priority: int = 0
    not_before: datetime | None = None

    @property
    def ref(self) -> str | None:
        return None


@dataclass(frozen=True, kw_only=True)
class TicketNotice(Event):
    """An event about one ticket (its rows carry ``ref = "ticket:<id>"``)."""

    ticket: TicketRef

    @property
    def ref(self) -> str | None:
        return self.ticket.ref


@dataclass(frozen=True, kw_only=True)
class TicketCreated(TicketNotice):
    """Staff: the post with the ticket's buttons, then the attachments. Citizen: confirmation
    with the response deadline."""

    kind: ClassVar[str] = "ticket.created"
    post: Post


@dataclass(frozen=True, kw_only=True)
class TicketTaken(TicketNotice):
    kind: ClassVar[str] = "ticket.taken"
    staff_name: str


@dataclass(frozen=True, kw_only=True)
class TicketReplied(TicketNotice):
    """To the citizen, in the department's name; ``files`` follow the text."""

    kind: ClassVar[str] = "ticket.replied"
    text: str
    files: tuple[Attachment, ...] = ()


@dataclass(frozen=True, kw_only=True)
class InfoRequested(TicketNotice):
    kind: ClassVar[str] = "ticket.info_requested"
    text: str


@dataclass(frozen=True, kw_only=True)
class TicketTransferred(TicketNotice):
    """Staff of the new department: the post (``reason`` redacted); the citizen: the new
    department."""

    kind: ClassVar[str] = "ticket.transferred"
    from_department: str
    reason: str
    post: Post


@dataclass(frozen=True, kw_only=True)
class TicketClosed(TicketNotice):
    """To the citizen: closed (``resolution``), rate it, or reopen."""

    kind: ClassVar[str] = "ticket.closed"
    resolution: str


@dataclass(frozen=True, kw_only=True)
class TicketReopened(TicketNotice):
    """By staff: the citizen is told. By the citizen: the department is (``was_closed``:
    reopened after closing, else "not resolved" after an answer)."""

    kind: ClassVar[str] = "ticket.reopened"
    by_citizen: bool
    was_closed: bool


@dataclass(frozen=True, kw_only=True)
class ExtensionRequested(TicketNotice):
    """To the heads (or the administrators), with [Approve] [Refuse]; ``reason`` redacted."""

    kind: ClassVar[str] = "ticket.extension_requested"
    staff_name: str
    days: int
    old_deadline: datetime | None
    new_deadline: datetime | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class ExtensionDecided(TicketNotice):
    """Approved: the department and the citizen (with the request's ``reason``) hear of the
    new ``deadline``. Refused: the department, with the head's ``reason`` (redacted)."""

    kind: ClassVar[str] = "ticket.extension_decided"
    approved: bool
    deadline: datetime | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class TicketRetyped(TicketNotice):
    """To the citizen: the new type and deadlines (``response_due_at`` only while no response
    was given)."""

    kind: ClassVar[str] = "ticket.retyped"
    demand_type: str
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    with_response: bool


@dataclass(frozen=True, kw_only=True)
class UrgencyChanged(TicketNotice):
    kind: ClassVar[str] = "ticket.urgency_changed"
    urgent: bool
    resolution_due_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class TicketAssigned(TicketNotice):
    """The department hears who got it; the assignee (``assignee_user_id``) is told
    personally."""

    kind: ClassVar[str] = "ticket.assigned"
    staff_name: str
    assignee_name: str
    assignee_user_id: int


@dataclass(frozen=True, kw_only=True)
class FollowedUp(TicketNotice):
    """The citizen wrote (``resumed``: the answer to a request for information; the clock runs
    again until ``resolution_due_at``); ``text`` redacted; the new ``files`` follow."""

    kind: ClassVar[str] = "ticket.followed_up"
    text: str
    resumed: bool
    resolution_due_at: datetime | None
    files: Files = field(default_factory=Files)


@dataclass(frozen=True, kw_only=True)
class TicketConfirmed(TicketNotice):
    """The citizen confirmed it resolved: the department hears; the citizen may rate it."""

    kind: ClassVar[str] = "ticket.confirmed"


@dataclass(frozen=True, kw_only=True)
class CitizenUnreachable(TicketNotice):
    """A message to the citizen could not be delivered on ``channel`` (``why``: ``window``,
    ``unsubscribed``, ``failed``): the department hears, to reach them another way."""

    kind: ClassVar[str] = "ticket.citizen_unreachable"
    channel: str
    why: str


@dataclass(frozen=True, kw_only=True)
class TicketRated(TicketNotice):
    kind: ClassVar[str] = "ticket.rated"
    rating: int
    comment: str


@dataclass(frozen=True, kw_only=True)
class RatingCommented(TicketNotice):
    kind: ClassVar[str] = "ticket.rating_commented"
    rating: int
    comment: str


@dataclass(frozen=True, kw_only=True)
class TicketAutoClosed(TicketNotice):
    """Closed after ``window`` of working time without the citizen's reaction to the answer of
    ``answered_at``; they may rate it or reopen it."""

    kind: ClassVar[str] = "ticket.auto_closed"
    answered_at: datetime
    window: WorkWindow


@dataclass(frozen=True, kw_only=True)
class ClosureCallback(TicketNotice):
    """The post-closure question "really solved?" with [Solved] [Not solved]."""

    kind: ClassVar[str] = "ticket.closure_callback"
    closed_at: datetime


@dataclass(frozen=True, slots=True)
class DueAlert:
    """One line of a reminder/nag message: ``category`` reminder | nag | urge | reprimand,
    ``deadline`` response | resolution, ``working_time`` left (reminder) or late (others)."""

    category: str
    ticket_id: int
    number: str
    department: str
    deadline: str
    due: datetime
    working_time: timedelta


@dataclass(frozen=True, kw_only=True)
class AlertsDue(Event):
    """The deadline sweep's message to one chat: ``alerts`` most serious first (sections by
    category); ``day_length``: a normal working day's working time (to count days)."""

    kind: ClassVar[str] = "sweep.alerts"
    alerts: tuple[DueAlert, ...]
    day_length: timedelta


@dataclass(frozen=True, kw_only=True)
class DailyDigest(Event):
    kind: ClassVar[str] = "sweep.digest"
    priority: int = PRIORITY_BULK  # a summary waits behind replies and staff traffic
    department: str
    day: date
    open: int
    due_today: int
    overdue: int
    closed: int
    since: datetime
    overdue_numbers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReprimandLine:
    number: str
    department: str
    deadlines: tuple[str, ...]


@dataclass(frozen=True)
class GapLine:
    """A cluster of questions the FAQ could not answer: how many, the most typical one, the
    departments (slugs) its tickets went to."""

    size: int
    question: str
    departments: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class WeeklyRanking(Event):
    """The weekly summary to an administrator: ``ranking`` (:class:`tickets.reports.stats.
    Ranking`) over ``start``..``end`` (local dates, inclusive) and the tickets reprimanded
    (``reprimand_count`` in all, the first ones listed)."""

    kind: ClassVar[str] = "sweep.weekly"
    priority: int = PRIORITY_BULK
    start: date
    end: date
    ranking: Any
    reprimands: tuple[ReprimandLine, ...]
    reprimand_count: int
    gaps: tuple[GapLine, ...] = ()  # the largest clusters of unanswered questions


@dataclass(frozen=True, slots=True)
class FreshLine:
    """An FAQ entry that needs a review: ``kind`` expired | expiring | stale | unreviewed."""

    kind: str
    entry_id: str
    question: str
    day: date | None


@dataclass(frozen=True, kw_only=True)
class FaqFreshness(Event):
    """The weekly FAQ freshness notice: to an owning department (``department`` its slug, the
    entries in ``groups[0]``, the files to edit in ``files``), or to an administrator (every
    owner's group; ``department`` None)."""

    kind: ClassVar[str] = "faq.freshness"
    priority: int = PRIORITY_BULK
    day: date
    department: str | None
    groups: tuple[tuple[str | None, tuple[FreshLine, ...]], ...]  # (owner slug, lines)
    total: int
    review_days: int
    files: str = ""


@dataclass(frozen=True, kw_only=True)
class CalendarUncovered(Event):
    kind: ClassVar[str] = "calendar.uncovered"
    gaps: tuple[CoverageGap, ...]


@dataclass(frozen=True, kw_only=True)
class FaqProblems(Event):
    """A saved FAQ folder does not load (``problems``: ``FILE:LINE: message`` lines, the first
    ones; ``count`` in all); the live knowledge base stays."""

    kind: ClassVar[str] = "faq.problems"
    problems: tuple[str, ...]
    count: int


@dataclass(frozen=True, kw_only=True)
class AnnouncementPosted(Event):
    """An announcement to one subscriber (``delivery_id`` its delivery row; ``0`` for the
    author's preview). ``topic_names``: (language, name) pairs of the topic; the texts in
    zh and en (one may be None: the citizen gets the other); ``photo`` a Telegram file id."""

    kind: ClassVar[str] = "announcement.posted"
    announcement_id: int
    delivery_id: int
    topic: str
    topic_names: tuple[tuple[str, str], ...]
    text_zh: str | None
    text_en: str | None
    photo: str | None = None
    urgent: bool = False
    preview: bool = False
    lang: str | None = None  # the subscription's language (the citizen's choice comes first)

    @property
    def ref(self) -> str | None:
        """``ann:<delivery id>``: the sender records the delivery's outcome."""
        return f"ann:{self.delivery_id}" if self.delivery_id else None


@dataclass(frozen=True, kw_only=True)
class AnnouncementReport(Event):
    """To the announcement's author once every delivery has an outcome."""

    kind: ClassVar[str] = "announcement.report"
    announcement_id: int
    topic: str
    topic_names: tuple[tuple[str, str], ...]
    total: int  # subscribers when it was queued
    sent: int
    failed: int
    blocked: int
    unreachable: int = 0  # WeChat followers outside the 48-hour window, people erased meanwhile


@dataclass(frozen=True, kw_only=True)
class AnnouncementCancelled(Event):
    """To the author of an announcement that was cancelled before it was done: ``why`` is
    ``topic`` (its topic left the departments file) or ``author`` (cancelled on request);
    ``sent`` had reached their subscribers, ``not_sent`` will not."""

    kind: ClassVar[str] = "announcement.cancelled"
    announcement_id: int
    topic: str
    topic_names: tuple[tuple[str, str], ...]
    why: str
    sent: int
    not_sent: int


KINDS: tuple[str, ...] = tuple(
    cls.kind
    for cls in (
        TicketCreated,
        TicketTaken,
        TicketReplied,
        InfoRequested,
        TicketTransferred,
        TicketClosed,
        TicketReopened,
        ExtensionRequested,
        ExtensionDecided,
        TicketRetyped,
        UrgencyChanged,
        TicketAssigned,
        FollowedUp,
        TicketConfirmed,
        CitizenUnreachable,
        FaqFreshness,
        TicketRated,
        RatingCommented,
        TicketAutoClosed,
        ClosureCallback,
        AlertsDue,
        DailyDigest,
        WeeklyRanking,
        CalendarUncovered,
        FaqProblems,
        AnnouncementPosted,
        AnnouncementReport,
        AnnouncementCancelled,
    )
)


# --- the port -------------------------------------------------------------------------------
class Notifier(Protocol):
    """Renders an event for each recipient and queues it in the caller's transaction."""

    async def publish(self, event: Event) -> list[Queued]: ...


NotifierFactory = Callable[[AsyncSession], Notifier]
"""A notifier bound to a session (the composition root builds it from the live config)."""


def unique_recipients(items: Sequence[Recipient]) -> tuple[Recipient, ...]:
    """Each recipient once, in order."""
    return tuple(dict.fromkeys(items))
