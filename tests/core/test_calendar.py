"""The interval grid and local days: DST switch days, slots, opening hours."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from bezetting.core.calendar import (
    OpeningHours,
    OpenSpan,
    check_interval_minutes,
    expand_day_matrix,
    floor_to_interval,
    local_day_starts_utc,
    local_grid_starts_utc,
    to_day_matrix,
)
from bezetting.core.errors import InputError

AMS = "Europe/Amsterdam"


def utc(text: str) -> np.datetime64:
    return np.datetime64(text, "s")


@pytest.mark.parametrize(
    ("day", "interval", "expected"),
    [
        (date(2020, 3, 29), 15, 92),  # clocks go forward: 23-hour day
        (date(2020, 10, 25), 15, 100),  # clocks go back: 25-hour day
        (date(2020, 3, 30), 15, 96),
        (date(2020, 3, 29), 30, 46),
        (date(2020, 10, 25), 60, 25),
    ],
)
def test_a_local_day_has_as_many_intervals_as_its_hours(day, interval, expected):
    assert len(local_day_starts_utc(day, interval_minutes=interval, timezone=AMS)) == expected


def test_a_local_day_starts_at_local_midnight_in_utc():
    starts = local_day_starts_utc(date(2020, 3, 29), interval_minutes=60, timezone=AMS)
    assert starts[0] == utc("2020-03-28T23:00")  # CET midnight
    assert starts[-1] == utc("2020-03-29T21:00")  # 23:00 CEST
    nxt = local_day_starts_utc(date(2020, 3, 30), interval_minutes=60, timezone=AMS)
    assert nxt[0] == utc("2020-03-29T22:00")  # CEST midnight, no gap or overlap


def test_a_grid_over_days_has_no_gap_or_overlap():
    grid = local_grid_starts_utc(date(2020, 10, 24), date(2020, 10, 26), interval_minutes=15)
    assert len(grid) == 96 + 100 + 96
    assert np.all(np.diff(grid.astype(np.int64)) == 900)


@pytest.mark.parametrize("minutes", [0, 10, 45, 120])
def test_only_15_30_and_60_minute_intervals(minutes):
    with pytest.raises(InputError, match="15, 30, 60"):
        check_interval_minutes(minutes)


def test_flooring_follows_the_local_clock_in_a_half_hour_zone():
    # India is UTC+05:30: 00:59 UTC is 06:29 local, whose hour started at 00:30 UTC.
    floored = floor_to_interval(
        np.array([utc("2020-10-25T00:59")]), interval_minutes=60, timezone="Asia/Kolkata"
    )
    assert floored[0] == utc("2020-10-25T00:30")


def test_both_passes_through_the_repeated_hour_floor_to_their_own_interval():
    first = utc("2020-10-25T00:40")  # 02:40 CEST
    second = utc("2020-10-25T01:40")  # 02:40 CET
    floored = floor_to_interval(np.array([first, second]), interval_minutes=30, timezone=AMS)
    assert list(floored) == [utc("2020-10-25T00:30"), utc("2020-10-25T01:30")]


def test_day_matrix_keeps_the_mean_of_the_repeated_hour_and_interpolates_the_skipped_one():
    autumn = local_day_starts_utc(date(2020, 10, 25), interval_minutes=60, timezone=AMS)
    values = np.arange(25, dtype=float)  # local hours 0, 1, 2 (CEST), 2 (CET), 3, ...
    matrix = to_day_matrix(
        autumn, values, first_day=date(2020, 10, 25), n_days=1, interval_minutes=60, timezone=AMS
    )
    assert matrix[0, 2] == pytest.approx(2.5)
    assert matrix[0, 3] == 4.0

    spring = local_day_starts_utc(date(2020, 3, 29), interval_minutes=60, timezone=AMS)
    values = np.array([10.0, 20.0] + [40.0] * 21)  # 00:00, 01:00, then 03:00 onwards
    matrix = to_day_matrix(
        spring, values, first_day=date(2020, 3, 29), n_days=1, interval_minutes=60, timezone=AMS
    )
    assert matrix[0, 2] == pytest.approx(30.0)  # 02:00 does not exist: between 20 and 40


def test_expanding_a_day_matrix_gives_every_real_interval_its_slot_value():
    matrix = np.tile(np.arange(24, dtype=float), (2, 1))
    starts, values = expand_day_matrix(
        matrix, first_day=date(2020, 3, 29), interval_minutes=60, timezone=AMS
    )
    assert len(starts) == 23 + 24
    assert 2.0 not in values[:23]  # the skipped 02:00
    assert values[2] == 3.0


def test_opening_hours_by_weekday_and_by_date():
    hours = OpeningHours.weekly(
        {"mon-fri": "08:00-20:00", "sat": "10:00-12:00,13:00-16:00"},
        by_date={date(2020, 4, 13): "closed"},
    )
    assert hours.spans_on(date(2020, 4, 11)) == (OpenSpan(600, 720), OpenSpan(780, 960))
    assert hours.spans_on(date(2020, 4, 12)) == ()  # Sunday
    assert hours.spans_on(date(2020, 4, 13)) == ()  # Easter Monday, closed by date
    starts = local_day_starts_utc(date(2020, 4, 14), interval_minutes=60, timezone=AMS)
    mask = hours.open_mask(starts, timezone=AMS)
    assert np.flatnonzero(mask).tolist() == list(range(8, 20))


@pytest.mark.parametrize("text", ["8-20", "08:00-07:00", "08:00-25:00", "08:70-09:00"])
def test_malformed_opening_hours_are_refused(text):
    with pytest.raises(InputError):
        OpeningHours.weekly({"mon": text})


def test_an_unknown_weekday_is_refused():
    with pytest.raises(InputError, match="weekday"):
        OpeningHours.weekly({"funday": "08:00-10:00"})
