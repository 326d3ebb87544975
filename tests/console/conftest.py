"""The seeded desk of the staff-handler tests (departments housing/transport/parks, their
clerks, a head, an administrator, a citizen), reused for the console's tests."""

from tests.staff_handlers.conftest import any_desk, desk, lite_engine

__all__ = ["any_desk", "desk", "lite_engine"]
