"""The ticket tests' seeded world (departments, staff, citizens, a service) for the notifier."""

from tests.tickets.conftest import any_world, clock, desk, lite_engine, world  # noqa: F401
