"""Database tables (SQLModel). Every schema change needs an Alembic migration.

Times are aware datetimes in UTC (``UTCDateTime``); Telegram ids are 64-bit.
Statuses and kinds are short strings (the allowed values live in the modules that
own the rules, e.g. ``tickets.lifecycle``) so that adding one needs no enum migration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Index, LargeBinary, Text, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel

from tickets.dbtypes import JSONType, UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


class Department(SQLModel, table=True):
    """A department, synced from the administrators' departments file."""

    __tablename__ = "department"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    staff_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    head_user_id: int | None = Field(default=None, sa_type=BigInteger)
    active: bool = True
    # SLA windows, working hours overrides, canned replies... as synced from the file.
    settings: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StaffMember(SQLModel, table=True):
    """A Telegram user working for one department (role clerk | head | admin)."""

    __tablename__ = "staff_member"

    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_type=BigInteger, unique=True, index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    role: str = Field(default="clerk", max_length=16)
    display_name: str = Field(default="", max_length=200)
    username: str | None = Field(default=None, max_length=64)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Their own language (zh | en) for notifications and answers; None: the desk's staff_lang.
    language: str | None = Field(default=None, max_length=8)


class StaffInvite(SQLModel, table=True):
    """A one-time deep-link payload that registers its first user as staff."""

    __tablename__ = "staff_invite"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True, index=True)
    department_id: int = Field(foreign_key="department.id")
    role: str = Field(default="clerk", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by: int | None = Field(default=None, sa_type=BigInteger)


class Citizen(SQLModel, table=True):
    """A person who wrote to the desk, on any channel. Personal data is kept minimal and
    erasable; how to reach them is in their identities (:class:`CitizenIdentity`)."""

    __tablename__ = "citizen"

    id: int | None = Field(default=None, primary_key=True)
    language: str | None = Field(default=None, max_length=8)
    display_name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)  # left in the web chat's form
    consent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CitizenIdentity(SQLModel, table=True):
    """How one citizen is known on one channel: ``external_id`` names them there (a Telegram
    user id, a web visitor id, a WeChat openid) and ``address`` is where messages go (a
    Telegram chat id, the visitor, the openid)."""

    __tablename__ = "citizen_identity"
    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_citizen_identity_channel"),
    )

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    channel: str = Field(max_length=16)  # telegram | web | wechat
    external_id: str = Field(max_length=128)
    address: str | None = Field(default=None, max_length=128)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TicketCounter(SQLModel, table=True):
    """Last ticket number issued per year (numbers look like 2026-000123)."""

    __tablename__ = "ticket_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0


class Ticket(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (
        Index("ix_ticket_department_status", "department_id", "status"),
        Index("ix_ticket_status_response_due", "status", "response_due_at"),
        Index("ix_ticket_status_resolution_due", "status", "resolution_due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True, index=True)
    citizen_id: int | None = Field(default=None, foreign_key="citizen.id", index=True)
    department_id: int = Field(foreign_key="department.id")
    status: str = Field(default="new", max_length=24)
    demand_type: str = Field(default="consultation", max_length=24)
    urgent: bool = False
    text: str = Field(sa_column=Column(Text, nullable=False))
    lang: str | None = Field(default=None, max_length=8)
    faq_entry_id: str | None = Field(default=None, max_length=100)
    # Attachments and contact the citizen chose to share: {"photos": [file_id], "location": ...}
    details: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    response_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paused_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    assignee_id: int | None = Field(default=None, foreign_key="staff_member.id", index=True)
    rating: int | None = None
    rating_comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    next_reminder_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    escalation_level: int = 0
    # Bumped on every change: a conditional UPDATE on it makes concurrent actions safe.
    version: int = 1


class TicketEvent(SQLModel, table=True):
    """Append-only audit trail and conversation of a ticket."""

    __tablename__ = "ticket_event"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_kind: str = Field(max_length=16)  # citizen | staff | system
    actor_id: int | None = Field(default=None, sa_type=BigInteger)
    kind: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))


class TicketMessage(SQLModel, table=True):
    """A message the bot posted about a ticket, so a reply to it finds the ticket."""

    __tablename__ = "ticket_message"
    __table_args__ = (UniqueConstraint("chat_id", "message_id", name="uq_ticket_message_chat_msg"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger)
    message_id: int = Field(sa_type=BigInteger)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProcessedUpdate(SQLModel, table=True):
    """Telegram update ids already handled: a redelivered update is skipped."""

    __tablename__ = "processed_update"

    update_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    kind: str = Field(default="", max_length=32)
    processed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class ProcessedMessage(SQLModel, table=True):
    """Messages of the other channels already handled (a WeChat ``MsgId``, or sender and
    ``CreateTime`` for an event): a retried callback is skipped. Telegram's are
    :class:`ProcessedUpdate`."""

    __tablename__ = "processed_message"

    channel: str = Field(max_length=16, primary_key=True)
    key: str = Field(max_length=128, primary_key=True)
    kind: str = Field(default="", max_length=32)
    processed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


UNDELIVERED_SQL = "status IN ('pending', 'sending')"


class Outbox(SQLModel, table=True):
    """A message to send after commit (transactional outbox), addressed by ``channel`` and
    ``address``; Telegram rows also keep the numeric ``chat_id`` (its order and limits)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_outbox_priority_id", "priority", "id"),
        # Partial indexes over the undelivered rows only (a few thousand at most, while the
        # sent ones pile up until pruned): the sender's claim looks up "the oldest undelivered
        # row of this chat" through them, whatever the planner's statistics say.
        Index(
            "ix_outbox_undelivered_chat",
            "chat_id",
            "id",
            postgresql_where=text(UNDELIVERED_SQL),
            sqlite_where=text(UNDELIVERED_SQL),
        ),
        Index(
            "ix_outbox_undelivered_address",
            "channel",
            "address",
            "id",
            postgresql_where=text(UNDELIVERED_SQL),
            sqlite_where=text(UNDELIVERED_SQL),
        ),
        Index(
            "ix_outbox_undelivered_due",
            "channel",
            "priority",
            "id",
            postgresql_where=text(UNDELIVERED_SQL),
            sqlite_where=text(UNDELIVERED_SQL),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    channel: str = Field(
        default="telegram", max_length=16, sa_column_kwargs={"server_default": "telegram"}
    )
    address: str | None = Field(default=None, max_length=128)
    chat_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    method: str = Field(max_length=48)  # the channel's call (Telegram: a Bot API method)
    payload: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    status: str = Field(default="pending", max_length=16)  # pending | sending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set when the row was queued for later (enqueue's not_before): until then it does not
    # hold back the rows queued after it for the same chat.
    not_before: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    # What to do with the result, e.g. "ticket:123" links the sent message to that ticket.
    ref: str | None = Field(default=None, max_length=64)
    # Idempotency key: the same key is never queued twice (e.g. "nag:123:response:2").
    dedupe_key: str | None = Field(default=None, max_length=128, unique=True)
    # The citizen whose personal data the message carries (a reply to them, a ticket's post
    # with their masked identity, a /contact reveal): erasing them deletes it. No foreign key:
    # a queued message must never stand in the way of an erasure.
    citizen_id: int | None = Field(default=None, index=True)
    # Deleted as soon as it is delivered or has failed for good (the erasure confirmation).
    transient: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # Lower goes first: 0 for replies and staff traffic, PRIORITY_BULK (announcements) after
    # them, so a broadcast never delays a citizen's answer (tickets.outbox).
    priority: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class UnansweredQuestion(SQLModel, table=True):
    """A question the FAQ could not answer (or whose answer did not help): the gap report."""

    __tablename__ = "unanswered_question"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    lang: str | None = Field(default=None, max_length=8)
    decision: str = Field(max_length=16)  # none | suggest | not_helpful
    best_entry_id: str | None = Field(default=None, max_length=100)
    score: float | None = None
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")


ALL_TABLES: tuple[type[SQLModel], ...] = (
    Department,
    StaffMember,
    StaffInvite,
    Citizen,
    CitizenIdentity,
    TicketCounter,
    Ticket,
    TicketEvent,
    TicketMessage,
    ProcessedUpdate,
    ProcessedMessage,
    Outbox,
    UnansweredQuestion,
)


# --- scheduler (issue 6): exactly-once alerts and marks, indexes for the sweeps ---------------


class TicketAlert(SQLModel, table=True):
    """One reminder, nag or escalation sent about one deadline of one ticket.

    The unique key is what makes a sweep exactly-once across instances: the row is inserted
    with ``INSERT ... ON CONFLICT DO NOTHING`` in the transaction that queues the message.
    ``deadline`` is ``response`` | ``resolution`` | ``closure``; ``alert`` is ``reminder``,
    ``nag-<n>``, ``urge`` (督办, department head), ``reprimand`` (administrators),
    ``callback`` (post-closure question) or ``autoclose``.
    """

    __tablename__ = "ticket_alert"
    __table_args__ = (
        UniqueConstraint("ticket_id", "deadline", "alert", name="uq_ticket_alert"),
        Index("ix_ticket_alert_alert_created", "alert", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    deadline: str = Field(max_length=16)
    alert: str = Field(max_length=24)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SchedulerMark(SQLModel, table=True):
    """A scheduled job done once, cluster-wide (e.g. ``digest:3:2026-03-02``)."""

    __tablename__ = "scheduler_mark"

    key: str = Field(max_length=128, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


_ticket_columns = Ticket.__table__.c  # type: ignore[attr-defined]
_ACTIVE = "status IN ('new', 'in_progress')"
for _name, _column, _where in (
    ("ix_ticket_sweep_active", "next_reminder_at", _ACTIVE),
    ("ix_ticket_sweep_answered", "answered_at", "status = 'answered'"),
    ("ix_ticket_sweep_closed", "closed_at", "status = 'closed'"),
):
    # Partial indexes: the sweeps only ever look at these slices of the ticket table.
    Index(
        _name,
        _ticket_columns[_column],
        postgresql_where=text(_where),
        sqlite_where=text(_where),
    )

ALL_TABLES = (*ALL_TABLES, TicketAlert, SchedulerMark)


# --- conversation state: the aiogram FSM in the database (no Redis needed to survive a restart)


class ConversationState(SQLModel, table=True):
    """The state and data of one conversation in progress (a request form, a follow-up...).

    Written in the transaction of the update it follows (see ``bot/fsm.py``), so a restart
    loses no form. ``key`` names the conversation (bot, chat, user, thread, business
    connection, destiny: aiogram's ``StorageKey``); ``chat_id`` and ``user_id`` find a person's
    rows for erasure; ``version`` is bumped on every write, and a write only applies to the
    version its update read, so two updates of one conversation never both win; rows nobody
    touched for ``CONVERSATION_TTL_DAYS`` are pruned.
    """

    __tablename__ = "conversation_state"

    key: str = Field(max_length=255, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger, index=True)
    user_id: int = Field(sa_type=BigInteger, index=True)
    state: str | None = Field(default=None, max_length=255)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


ALL_TABLES = (*ALL_TABLES, ConversationState)


# --- routing (issue 11): what transfers and citizens' corrections teach the router -----------


class RouteLesson(SQLModel, table=True):
    """A text and the department it belongs to, learned from a staff transfer (``transfer``)
    or a citizen's correction of the form's proposal (``citizen``); see ``tickets.routing``.

    ``text`` is the demand with phone and ID numbers redacted (at most 500 characters).
    ``actor`` names who taught it, for the per-person bound: ``staff:<telegram id>`` or
    ``citizen:<citizen id>`` (the row id, which stays meaningless after an erasure).
    """

    __tablename__ = "route_lesson"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    from_department: str | None = Field(default=None, max_length=64)
    to_department: str = Field(max_length=64)
    source: str = Field(max_length=16)  # transfer | citizen
    actor: str = Field(max_length=64)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")


ALL_TABLES = (*ALL_TABLES, RouteLesson)
# --- web console (issue 14): sign-in links, sessions, FAQ feedback ----------------------------


class ConsoleLogin(SQLModel, table=True):
    """A one-time console sign-in link: only the SHA-256 of its token is stored; it is
    claimed with a conditional ``UPDATE ... WHERE used_at IS NULL`` (usable once)."""

    __tablename__ = "console_login"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    telegram_user_id: int = Field(sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ConsoleSession(SQLModel, table=True):
    """A signed-in console browser. The cookie holds a random token; the table its SHA-256,
    so a leaked table opens no session. Signing out deletes the row."""

    __tablename__ = "console_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    telegram_user_id: int = Field(sa_type=BigInteger, index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)


class FaqFeedback(SQLModel, table=True):
    """A citizen's 👍 (``helpful``) or 👎 on a FAQ answer (anonymous: entry and time only)."""

    __tablename__ = "faq_feedback"
    __table_args__ = (Index("ix_faq_feedback_entry_at", "entry_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: str = Field(max_length=100)
    helpful: bool
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


# The console's reports and filters (plain indexes; the search indexes are dialect-specific
# and live in the migration only, see bot.migrate.include_name).
for _name, _column in (
    ("ix_ticket_created_at", "created_at"),
    ("ix_ticket_closed_at", "closed_at"),
    ("ix_ticket_resolution_due_at", "resolution_due_at"),
):
    Index(_name, _ticket_columns[_column])
Index(
    "ix_ticket_event_kind_at",
    TicketEvent.__table__.c.kind,  # type: ignore[attr-defined]
    TicketEvent.__table__.c.at,  # type: ignore[attr-defined]
)

ALL_TABLES = (*ALL_TABLES, ConsoleLogin, ConsoleSession, FaqFeedback)


# --- WeChat Official Account (issue 16): followers and the shared access token ---------------


class WeChatFollower(SQLModel, table=True):
    """A WeChat user of the official account, by ``openid``: whether they follow it, when they
    last interacted (customer-service messages are allowed for 48 hours after that), and the
    numbered options of the last message with choices they were shown (``"1"`` -> an action
    id), so that a digit they reply becomes that choice, and the language last answered in."""

    __tablename__ = "wechat_follower"

    openid: str = Field(max_length=64, primary_key=True)
    subscribed: bool = True
    last_interaction_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    unsubscribed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    options: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    # The language of the last answer (WeChat's messages carry none): for choices and events.
    lang: str | None = Field(default=None, max_length=8)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WeChatToken(SQLModel, table=True):
    """The account's access_token, shared by every instance: one row per AppID. A refresh is
    claimed with a conditional UPDATE of ``refreshing_until`` (a short lease), so only one
    instance asks WeChat for a new token at a time."""

    __tablename__ = "wechat_token"

    app_id: str = Field(max_length=64, primary_key=True)
    access_token: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    refreshing_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


ALL_TABLES = (*ALL_TABLES, WeChatFollower, WeChatToken)


# --- web chat (issue 13): visitors, their event streams, uploaded photos, the signing key ----


class WebchatVisitor(SQLModel, table=True):
    """A web chat visitor, by the random id in their signed cookie (the ``external_id`` of
    their ``web`` identity): ``last_seq`` is the id of the last event written to them (bumped
    with a row lock, so one visitor's events commit in id order on every instance)."""

    __tablename__ = "webchat_visitor"

    visitor_id: str = Field(max_length=64, primary_key=True)
    last_seq: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebchatEvent(SQLModel, table=True):
    """One event down a visitor's stream: ``seq`` increases per visitor (the SSE ``id:``),
    ``payload`` is ``{"from", "text", "actions", ...}``; ``outbox_id`` the outbox row it
    delivers (unique: a row delivered twice writes one event)."""

    __tablename__ = "webchat_event"
    __table_args__ = (UniqueConstraint("visitor_id", "seq", name="uq_webchat_event_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    visitor_id: str = Field(max_length=64)
    seq: int
    payload: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    outbox_id: int | None = Field(default=None, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebchatFile(SQLModel, table=True):
    """A photo a visitor uploaded (checked by its magic bytes), by a random id: the ticket
    keeps ``web:<id>`` like a Telegram file id. It names nobody (no visitor id)."""

    __tablename__ = "webchat_file"

    id: str = Field(max_length=40, primary_key=True)
    mime: str = Field(max_length=32)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebchatKey(SQLModel, table=True):
    """The web chat's signing key when ``WEBCHAT_SECRET`` is not set: random, made once by the
    first instance and shared by all through the database."""

    __tablename__ = "webchat_key"

    name: str = Field(max_length=32, primary_key=True)
    secret: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


ALL_TABLES = (*ALL_TABLES, WebchatVisitor, WebchatEvent, WebchatFile, WebchatKey)

# --- announcements (issue 15): topics live in the departments file; what must persist is here


class Subscription(SQLModel, table=True):
    """A citizen's subscription to an announcement topic (a topic id of the departments
    file). ``active`` False: they unsubscribed, or the bot was blocked (403)."""

    __tablename__ = "subscription"
    __table_args__ = (
        UniqueConstraint("citizen_id", "topic", name="uq_subscription_citizen_topic"),
        Index("ix_subscription_topic_active_id", "topic", "active", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    topic: str = Field(max_length=64)
    active: bool = True
    # The language they subscribed in (announcements come in it unless they chose one).
    lang: str | None = Field(default=None, max_length=8)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Announcement(SQLModel, table=True):
    """A broadcast to a topic's subscribers. ``status``: queued (waiting for ``not_before``
    or for the sweep), sending (deliveries being materialized and sent; ``cursor`` = the last
    subscription id materialized, so a crash resumes after it), done (report sent),
    cancelled. ``recipients``: active subscriptions when it was created."""

    __tablename__ = "announcement"

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=64, index=True)
    text_zh: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    text_en: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    photo_file_id: str | None = Field(default=None, max_length=255)
    urgent: bool = False
    not_before: datetime | None = Field(default=None, sa_type=UTCDateTime)
    author: str = Field(default="", max_length=64)  # "telegram:<user id>" | "cli"
    author_chat_id: int | None = Field(default=None, sa_type=BigInteger)  # the report goes here
    author_lang: str | None = Field(default=None, max_length=8)
    status: str = Field(default="queued", max_length=16, index=True)
    cursor: int = 0
    recipients: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AnnouncementDelivery(SQLModel, table=True):
    """One recipient of one announcement: ``state`` queued | sent | failed | blocked."""

    __tablename__ = "announcement_delivery"
    __table_args__ = (
        UniqueConstraint("announcement_id", "citizen_id", name="uq_delivery_announcement_citizen"),
        Index("ix_delivery_announcement_state", "announcement_id", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(foreign_key="announcement.id")
    citizen_id: int = Field(index=True)  # no foreign key: never in the way of an erasure
    subscription_id: int | None = Field(default=None)
    state: str = Field(default="queued", max_length=16)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


ALL_TABLES = (*ALL_TABLES, Subscription, Announcement, AnnouncementDelivery)
