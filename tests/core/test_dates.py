"""One reading rule for every date and time a user types or a file holds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bezetting.core.dates import DateInputError, parse_date, parse_datetime, parse_wall_clock

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    "text", ["2020-03-16", "16-03-2020", "16/03/2020", "16.3.2020", " 16-3-2020 "]
)
def test_a_day_is_iso_or_dutch_day_month_year(text: str) -> None:
    assert parse_date(text) == date(2020, 3, 16)


@pytest.mark.parametrize(
    "text",
    [
        "2020-03-17T08:00:00+01:00",
        "2020-03-17T07:00Z",
        "2020-03-17 08:00",
        "17-03-2020 08:00",  # as Dutch Excel writes it
        "17-03-2020 8:00:00",
        "2020-03-17T08:00:00.000+0100",
    ],
)
def test_a_moment_in_any_accepted_form_is_the_same_instant(text: str) -> None:
    assert parse_datetime(text, zone=AMSTERDAM) == datetime(2020, 3, 17, 7, 0, tzinfo=UTC)


def test_a_day_alone_is_its_local_midnight() -> None:
    assert parse_datetime("17-03-2020", zone=AMSTERDAM) == datetime(2020, 3, 16, 23, tzinfo=UTC)


def test_the_wall_clock_keeps_the_offset_or_its_absence() -> None:
    assert parse_wall_clock("2020-03-17 08:00").tzinfo is None
    written = parse_wall_clock("17-03-2020 08:00-05:30")
    assert written.utcoffset() == -timedelta(hours=5, minutes=30)
    assert written.tzinfo == timezone(-timedelta(hours=5, minutes=30))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("16-03-20", "2020-03-16 or 16-03-2020"),  # two-digit year: which part is the year?
        ("20-03-16", "2020-03-16 or 16-03-2020"),
        ("03/16/2020", "dates are read day first"),  # month first
        ("2020/03/16", "2020-03-16 or 16-03-2020"),
        ("31-02-2020", "no such day"),
        ("20200316", "2020-03-16 or 16-03-2020"),
        ("16 maart 2020", "2020-03-16 or 16-03-2020"),
    ],
)
def test_other_and_ambiguous_days_are_refused_naming_the_accepted_forms(
    text: str, says: str
) -> None:
    with pytest.raises(DateInputError, match=says):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("17-03-20 08:00", "16-03-2020 08:15"),
        ("2020-03-17 25:00", "no such time of day"),
        ("2020-03-17 08:00+25:00", "no valid UTC offset"),
        ("2020-03-17 8h", "16-03-2020 08:15"),
    ],
)
def test_bad_moments_are_refused_naming_the_accepted_forms(text: str, says: str) -> None:
    with pytest.raises(DateInputError, match=says):
        parse_datetime(text, zone=AMSTERDAM)


def test_local_times_skipped_or_repeated_at_a_dst_change_are_refused_not_guessed() -> None:
    with pytest.raises(DateInputError, match="does not exist"):
        parse_datetime("29-03-2020 02:30", zone=AMSTERDAM)
    with pytest.raises(DateInputError, match="happens twice"):
        parse_datetime("2020-10-25 02:30", zone=AMSTERDAM)
    assert parse_datetime("2020-10-25 02:30+02:00", zone=AMSTERDAM).hour == 0


def test_a_date_error_is_a_value_error_for_cell_parsers() -> None:
    assert issubclass(DateInputError, ValueError)
