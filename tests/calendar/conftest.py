"""Fixtures for the working-time calendar tests."""

from __future__ import annotations

import pytest

from tickets.worktime.calendar import WorkCalendar


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    """The default calendar: Asia/Shanghai, 09:00-12:00 + 13:30-17:30, Sat/Sun off."""
    return WorkCalendar()
