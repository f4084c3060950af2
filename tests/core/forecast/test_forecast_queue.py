"""End to end on one queue: DST days, opening hours, overrides, the model's label."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from bezetting.core.calendar import OpeningHours, expand_day_matrix
from bezetting.core.errors import InputError
from bezetting.core.forecast import (
    ForecastSettings,
    IntervalSeries,
    Override,
    SameWeekdayMean,
    SeasonalNaive,
    forecast_queue,
)

AMS = "Europe/Amsterdam"
FAST = (SeasonalNaive(), SameWeekdayMean(weeks=4))


@pytest.fixture
def march_series(weekly_pattern) -> IntervalSeries:
    """Five weeks of quarter-hours, Monday 24 February to Sunday 29 March 2020 (a DST day)."""
    days = np.tile(weekly_pattern(96), 5).reshape(35, 96)
    starts, volume = expand_day_matrix(days, first_day=date(2020, 2, 24), interval_minutes=15,
                                       timezone=AMS)  # fmt: skip
    return IntervalSeries(
        queue="service",
        interval_minutes=15,
        timezone=AMS,
        starts_utc=starts,
        volume=volume,
        aht_seconds=np.full(volume.shape, 240.0),
    )


def settings(**changes) -> ForecastSettings:
    base = {"horizon": timedelta(days=7), "candidates": FAST, "backtest_origins": 3,
            "holidays_country": None}  # fmt: skip
    base.update(changes)
    return ForecastSettings(**base)


def test_the_dst_switch_day_has_92_quarter_hours(march_series, weekly_pattern):
    start = np.datetime64("2020-03-28T23:00", "s")  # Sunday 29 March, local midnight
    before = march_series.starts_utc < start
    history = IntervalSeries(
        queue="q",
        interval_minutes=15,
        timezone=AMS,
        starts_utc=march_series.starts_utc[before],
        volume=march_series.volume[before],
        aht_seconds=march_series.aht_seconds[before],
    )
    result = forecast_queue(history, settings=settings(horizon=timedelta(days=2), start_utc=start))
    assert len(result.starts_utc) == 92 + 96
    assert result.starts_utc[0] == start
    # A pure weekly pattern is reproduced exactly by the chosen baseline.
    monday = weekly_pattern(96)[:96]
    assert result.volume[92:] == pytest.approx(monday)
    assert result.aht_seconds == pytest.approx(np.full(188, 240.0))


def test_default_start_is_right_after_the_history_and_horizon_is_local_days(march_series):
    result = forecast_queue(march_series, settings=settings())
    assert result.starts_utc[0] == march_series.starts_utc[-1] + np.timedelta64(900, "s")
    assert len(result.starts_utc) == 7 * 96
    assert "backtest WAPE" in result.model_label


def test_closed_intervals_are_forecast_as_zero(march_series):
    hours = OpeningHours.weekly({"mon-fri": "09:00-17:00"})
    result = forecast_queue(march_series, settings=settings(opening_hours=hours))
    local_hour = ((result.starts_utc.astype(np.int64) + 7200) // 3600) % 24  # CEST
    outside = (local_hour < 9) | (local_hour >= 17)
    assert np.all(result.volume[outside] == 0)
    assert result.volume[~outside].sum() > 0


def test_overrides_are_kept_apart_from_the_model(march_series):
    first = march_series.starts_utc[-1] + np.timedelta64(900, "s")
    override = Override(start_utc=first, end_utc=first + np.timedelta64(1, "D"), percent=50.0)
    result = forecast_queue(march_series, settings=settings(overrides=(override,)))
    day = result.starts_utc < first + np.timedelta64(1, "D")
    assert result.volume_override[day] == pytest.approx(0.5 * result.volume_model[day])
    assert np.all(result.volume_override[~day] == 0)
    assert result.volume == pytest.approx(result.volume_model + result.volume_override)


def test_a_start_off_the_grid_is_refused(march_series):
    with pytest.raises(InputError, match="not the start"):
        forecast_queue(
            march_series, settings=settings(start_utc=np.datetime64("2020-03-30T08:05", "s"))
        )


def hourly_series(days: np.ndarray, first_day: date) -> IntervalSeries:
    starts, volume = expand_day_matrix(days, first_day=first_day, interval_minutes=60,
                                       timezone=AMS)  # fmt: skip
    return IntervalSeries(queue="q", interval_minutes=60, timezone=AMS, starts_utc=starts,
                          volume=volume, aht_seconds=np.full(volume.shape, 300.0))  # fmt: skip


def test_the_autumn_switch_day_has_100_quarter_hours(weekly_pattern):
    days = np.tile(weekly_pattern(96), 5).reshape(35, 96)
    starts, volume = expand_day_matrix(days, first_day=date(2020, 9, 14), interval_minutes=15,
                                       timezone=AMS)  # fmt: skip
    series = IntervalSeries(queue="q", interval_minutes=15, timezone=AMS, starts_utc=starts,
                            volume=volume, aht_seconds=np.full(volume.shape, 200.0))  # fmt: skip
    result = forecast_queue(series, settings=settings(horizon=timedelta(days=7)))
    local_days = (result.starts_utc - np.datetime64("2020-10-19T00:00", "s")).astype(np.int64)
    assert len(result.starts_utc) == 6 * 96 + 100  # Monday 19 to Sunday 25 October
    assert local_days[0] == -2 * 3600  # Monday 19 October, local midnight (CEST)


def test_a_surge_moves_the_forecast_to_the_new_level(weekly_pattern):
    """Spring 2020: volume jumps by 60% and stays; the forecast follows at once."""
    base = np.tile(weekly_pattern(24), 6).reshape(42, 24)
    base[28:] *= 1.6
    result = forecast_queue(
        hourly_series(base, date(2020, 2, 3)),
        settings=settings(candidates=(SameWeekdayMean(weeks=4),), horizon=timedelta(days=7)),
    )
    assert result.day_forecast.level_shift is not None
    assert result.day_forecast.level_shift.ratio == pytest.approx(1.6)
    assert result.volume.sum() == pytest.approx(1.6 * weekly_pattern(24).sum())


def test_the_day_after_a_holiday_gets_the_factor_its_history_shows(weekly_pattern):
    """Spring 2020 in the Netherlands: every public holiday at 30% of its ordinary weekday and
    every day after one at 150% (work put off comes back); Ascension (Thursday 21 May) and
    the Friday after it are forecast so."""
    first = date(2020, 2, 3)  # a Monday; 15 weeks, to Sunday 17 May
    days = np.tile(weekly_pattern(24), 15).reshape(105, 24)
    for holiday in (date(2020, 4, 10), date(2020, 4, 12), date(2020, 4, 13), date(2020, 4, 27),
                    date(2020, 5, 5)):  # fmt: skip
        days[(holiday - first).days] *= 0.3
    for after in (date(2020, 4, 11), date(2020, 4, 14), date(2020, 4, 28), date(2020, 5, 6)):
        days[(after - first).days] *= 1.5
    result = forecast_queue(
        hourly_series(days, first),
        settings=settings(candidates=(SameWeekdayMean(weeks=4),), holidays_country="NL"),
    )
    forecast = result.volume.reshape(7, 24)
    week = weekly_pattern(24).reshape(7, 24)
    assert forecast[3] == pytest.approx(0.3 * week[3])  # Ascension Day
    assert forecast[4] == pytest.approx(1.5 * week[4])  # the Friday after it
    assert forecast[5] == pytest.approx(week[5])
