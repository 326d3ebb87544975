"""Prometheus metrics of one application (its own registry, so tests and apps don't mix)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The service's series; ``render()`` refreshes the gauges read at scrape time."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates = Counter(
            "citizen_desk_updates",
            "Telegram updates handled, by kind and outcome (ok, duplicate, error, retry, ignored).",
            ["kind", "outcome"],
            registry=r,
        )
        self.errors = Counter(
            "citizen_desk_errors",
            "Errors while handling updates, by stage (handler, transient, polling, webhook).",
            ["stage"],
            registry=r,
        )
        self.rejected = Counter(
            "citizen_desk_webhook_rejected",
            "Webhook requests rejected before processing, by HTTP status.",
            ["status"],
            registry=r,
        )
        self.latency = Histogram(
            "citizen_desk_update_handling_seconds",
            "Time from receiving an update to its commit.",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.in_flight = Gauge(
            "citizen_desk_updates_in_flight", "Updates being processed now.", registry=r
        )
        self.outbox_backlog = Gauge(
            "citizen_desk_outbox_backlog",
            "Outbox messages not yet delivered (pending or being sent).",
            registry=r,
        )
        self.kb_entries = Gauge(
            "citizen_desk_faq_entries", "Entries in the live FAQ knowledge base.", registry=r
        )

    def observe_update(self, kind: str, outcome: str, seconds: float) -> None:
        self.updates.labels(kind, outcome).inc()
        self.latency.labels(kind).observe(seconds)

    async def render(
        self,
        backlog: Callable[[], Awaitable[int | None]] | None = None,
        kb_entries: Callable[[], int | None] | None = None,
    ) -> bytes:
        """The text exposition format, with the scrape-time gauges refreshed first."""
        if backlog is not None:
            value = await backlog()
            if value is not None:
                self.outbox_backlog.set(value)
        if kb_entries is not None:
            count = kb_entries()
            if count is not None:
                self.kb_entries.set(count)
        return generate_latest(self.registry)
