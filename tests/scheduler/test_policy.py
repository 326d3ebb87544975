from __future__ import annotations

from datetime import time, timedelta

import pytest

from tickets.sweeps import POLICY_KEYS, SweepPolicy
from tickets.worktime.durations import WorkWindow


def test_defaults_match_the_issue():
    p = SweepPolicy()
    assert p.reminder_share == 0.75
    assert p.nag_step == timedelta(hours=2)
    assert p.urge_after == WorkWindow.days(1)
    assert p.reprimand_after == WorkWindow.days(3)
    assert p.quiet_hours is True
    assert p.digest_time == time(9, 0)
    assert (p.weekly_day, p.weekly_time) == (0, time(9, 0))
    assert p.auto_close_after == WorkWindow.days(3)
    assert p.closure_callback is True


def test_from_mapping_reads_every_key_and_round_trips():
    data = {
        "reminder_share": "80%",
        "nag_interval": "90m",
        "urge_after": "4h",
        "reprimand_after": "2d",
        "quiet_hours": "off",
        "quiet_grace": 0,
        "digest_time": "08:30",
        "weekly_day": "Friday",
        "weekly_time": 1020,  # YAML 1.1 sexagesimal 17:00
        "auto_close_after": "5个工作日",
        "closure_callback": False,
        "callback_max_age": "3d",
        "staff_lang": "en",
        "satisfied_min_rating": 5,
        "batch_size": 50,
    }
    assert set(data) == set(POLICY_KEYS)
    p = SweepPolicy.from_mapping(data)
    assert p.reminder_share == pytest.approx(0.8)
    assert p.nag_step == timedelta(minutes=90)
    assert p.urge_after == WorkWindow.hours(4)
    assert p.quiet_hours is False and p.quiet_grace == timedelta(0)
    assert p.digest_time == time(8, 30)
    assert (p.weekly_day, p.weekly_time) == (4, time(17, 0))
    assert p.auto_close_after == WorkWindow.days(5)
    assert SweepPolicy.from_mapping(p.to_mapping()) == p


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nag_interval": "1d"}, "scheduler.nag_interval must be an amount of working time"),
        ({"nag_interval": "2"}, "scheduler.nag_interval: deadline window '2' has no unit"),
        ({"reminder_share": 1.5}, "reminder_share must be between 0 and 1"),
        ({"digest_time": "25:00"}, "scheduler.digest_time: expected a local time HH:MM"),
        ({"weekly_day": "someday"}, "scheduler.weekly_day: expected one of mon"),
        ({"quiet_hours": "maybe"}, "scheduler.quiet_hours: expected true or false"),
        ({"nag_every": "2h"}, "unknown key(s) 'nag_every'"),
    ],
)
def test_bad_values_are_named(data, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        SweepPolicy.from_mapping(data)
