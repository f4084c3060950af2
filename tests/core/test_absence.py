"""Absence figures counted by hand, and the rule that tells a mis-click from an absence."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bezetting.core.absence import (
    CORRECTION_WINDOW,
    AbsencePeriod,
    absence_rates,
    is_correction,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TODAY = date(2020, 3, 17)
WINDOW = [TODAY - timedelta(days=k) for k in range(28, 0, -1)]  # 18 Feb .. 16 Mar


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM)


def test_a_newcomer_counts_only_from_their_start_date() -> None:
    # The review's team: 14 agents over 28 days with 27 absent agent-days and 5 reports, then a
    # newcomer imported who started on 16 March, the window's last day.
    periods = []
    for agent_id in range(5):  # five reports: 6, 6, 5, 5, 5 days
        first = date(2020, 3, 2) + timedelta(days=agent_id)
        last = first + timedelta(days=6 if agent_id < 2 else 5)
        periods.append(AbsencePeriod(agent_id, _at(first, 8), _at(last, 0)))
    team: dict[int, date | None] = dict.fromkeys(range(14))
    before = absence_rates(periods, employed_from=team, days=WINDOW, zone=AMSTERDAM)
    assert (before.absent_agent_days, before.agent_days, before.reports) == (27, 392, 5)
    with_newcomer = absence_rates(
        periods, employed_from={**team, 99: date(2020, 3, 16)}, days=WINDOW, zone=AMSTERDAM
    )
    assert with_newcomer.agent_days == 393, "the newcomer adds one agent-day, not 28"
    assert with_newcomer.percentage == 27 / 393
    assert with_newcomer.frequency == 5 / (393 / 28)
    assert round(with_newcomer.percentage, 3) == round(before.percentage or 0, 3) == 0.069
    assert round(with_newcomer.frequency, 2) == round(before.frequency or 0, 2) == 0.36


def test_days_and_reports_before_the_start_date_do_not_count() -> None:
    starts = date(2020, 3, 10)
    periods = [
        AbsencePeriod(1, _at(date(2020, 3, 5), 8), _at(date(2020, 3, 12), 18)),  # 5 Mar .. 12 Mar
        AbsencePeriod(1, _at(date(2020, 3, 16), 8), None),
    ]
    rates = absence_rates(periods, employed_from={1: starts}, days=WINDOW, zone=AMSTERDAM)
    assert rates.agent_days == 7  # 10 .. 16 March
    assert rates.absent_agent_days == 3 + 1  # 10, 11, 12 and 16 March
    assert rates.reports == 1, "the report of 5 March began before they started"
    assert rates.frequency == 1 / (7 / 28)


def test_days_and_reports_after_the_end_date_do_not_count() -> None:
    # Left on 10 March while still reported sick (from 9 March, never closed), with a report
    # of 12 March entered after they left: the figures stop at the last day employed.
    last_day = date(2020, 3, 10)
    periods = [
        AbsencePeriod(1, _at(date(2020, 3, 9), 8), None),
        AbsencePeriod(1, _at(date(2020, 3, 12), 8), _at(date(2020, 3, 13), 0)),
    ]
    rates = absence_rates(
        periods,
        employed_from={1: None, 2: None},
        employed_until={1: last_day},
        days=WINDOW,
        zone=AMSTERDAM,
    )
    assert rates.agent_days == 22 + 28  # 18 Feb .. 10 March, and their colleague's 28
    assert rates.absent_agent_days == 2  # 9 and 10 March, not the open absence's later days
    assert rates.reports == 1, "the report of 12 March began after they left"
    assert rates.percentage == 2 / 50


def test_an_agent_employed_from_start_to_end_counts_those_days_only() -> None:
    rates = absence_rates(
        [],
        employed_from={1: date(2020, 3, 2)},
        employed_until={1: date(2020, 3, 8)},
        days=WINDOW,
        zone=AMSTERDAM,
    )
    assert (rates.agent_days, rates.percentage) == (7, 0.0)


def test_an_agent_starting_after_the_window_adds_nothing_and_none_gives_no_figure() -> None:
    later = absence_rates([], employed_from={1: TODAY}, days=WINDOW, zone=AMSTERDAM)
    assert (later.percentage, later.frequency, later.agent_days) == (None, None, 0)
    empty = absence_rates([], employed_from={}, days=WINDOW, zone=AMSTERDAM)
    assert empty.percentage is None


def test_a_day_with_a_clock_change_is_one_day() -> None:
    # Sick from 23:00 on Saturday 28 March 2020 (the night the clocks go forward) to midnight
    # on Monday: Saturday and the 23-hour Sunday.
    days = [date(2020, 3, 28), date(2020, 3, 29), date(2020, 3, 30)]
    period = AbsencePeriod(1, _at(date(2020, 3, 28), 23), _at(date(2020, 3, 30), 0))
    rates = absence_rates([period], employed_from={1: None}, days=days, zone=AMSTERDAM)
    assert rates.absent_agent_days == 2, "ends at midnight: Monday is not touched"


def test_a_report_taken_back_within_the_window_is_a_correction() -> None:
    clicked = datetime(2020, 3, 17, 9, 32, 36, tzinfo=AMSTERDAM)
    second = timedelta(seconds=1)
    assert is_correction(
        starts_at=clicked, ends_at=clicked + second, reported_at=clicked, now=clicked + second
    )
    late = clicked + CORRECTION_WINDOW
    assert not is_correction(starts_at=clicked, ends_at=late, reported_at=clicked, now=late)
    # Entered at 11:00 for a morning gone since 08:00, better at 11:01: a real absence.
    morning = datetime(2020, 3, 17, 8, 0, tzinfo=AMSTERDAM)
    entered = datetime(2020, 3, 17, 11, 0, tzinfo=AMSTERDAM)
    back = entered + timedelta(minutes=1)
    assert not is_correction(starts_at=morning, ends_at=back, reported_at=entered, now=back)
    # Ended 2 minutes after it began, but said so an hour later: the record stays.
    assert not is_correction(
        starts_at=clicked,
        ends_at=clicked + 2 * 60 * second,
        reported_at=clicked,
        now=clicked + timedelta(hours=1),
    )
