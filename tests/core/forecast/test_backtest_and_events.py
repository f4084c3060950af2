"""Backtest errors by hand; events, holidays and level shifts."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from bezetting.core.errors import InputError
from bezetting.core.forecast import (
    DAY_AFTER_EVENT_NAME,
    HOLIDAY_EVENT_NAME,
    BacktestResult,
    Event,
    SameWeekdayMean,
    SeasonalNaive,
    choose_model,
    detect_level_shift,
    ensemble_backtest,
    holiday_events,
    neutralise_events,
    origins_for,
    rolling_origin,
)


def result(forecasts: list[float], actuals: list[float], name: str = "m") -> BacktestResult:
    f = np.array(forecasts, dtype=float).reshape(1, -1, 1)
    a = np.array(actuals, dtype=float).reshape(1, -1, 1)
    return BacktestResult(
        model_name=name,
        origins=np.array([10]),
        forecasts=f,
        actuals=a,
        naive_mae=np.array([2.0]),
    )


def test_wape_bias_and_mase_by_horizon_by_hand():
    bt = result([12.0, 6.0], [10.0, 8.0])
    assert bt.wape_by_horizon == pytest.approx([0.2, 0.25])
    assert bt.bias_by_horizon == pytest.approx([0.2, -0.25])
    assert bt.mase_by_horizon == pytest.approx([1.0, 1.0])
    assert bt.wape == pytest.approx(4 / 18)
    assert bt.bias == pytest.approx(0.0)


def test_an_ensemble_is_scored_from_its_members_stored_forecasts():
    ensemble = ensemble_backtest([result([12, 6], [10, 8]), result([8, 10], [10, 8])], name="e")
    assert ensemble.wape == pytest.approx(0.0)


def test_choose_model_takes_the_lowest_wape_and_considers_the_ensemble():
    models = [SeasonalNaive(), SameWeekdayMean(weeks=4)]
    backtests = [result([12, 6], [10, 8]), result([8, 10], [10, 8])]
    choice = choose_model(models, backtests, ensemble_size=2)
    assert choice.model.name.startswith("Ensemble")
    assert choice.backtest.wape == pytest.approx(0.0)
    assert choice.ranking[0].model_name == choice.model.name


def test_rolling_origin_scores_seasonal_naive_on_a_weekly_series_as_perfect(weekly_pattern):
    days = np.tile(weekly_pattern(24), 6).reshape(-1, 24)
    origins = origins_for(days.shape[0], horizon_days=7, n_origins=5)
    bt = rolling_origin(
        days, SeasonalNaive(), first_day=date(2020, 1, 6), origins=origins, horizon_days=7
    )
    assert bt.origins.tolist() == [31, 32, 33, 34, 35]
    assert bt.wape == pytest.approx(0.0)
    assert bt.forecasts.shape == (5, 7, 24)


def test_origins_need_history_to_fit_on():
    with pytest.raises(InputError, match="too short"):
        origins_for(20, horizon_days=7, n_origins=3)


def test_a_step_in_daily_volume_is_found_where_it_happened():
    weekly = np.array([100.0, 90, 90, 85, 80, 30, 10])
    totals = np.concatenate([np.tile(weekly, 6), 1.8 * np.tile(weekly, 2)])
    shift = detect_level_shift(totals)
    assert shift is not None
    assert shift.day_index == 42
    assert shift.ratio == pytest.approx(1.8)


def test_ordinary_noise_is_not_a_level_shift():
    rng = np.random.default_rng(3)
    weekly = np.array([1000.0, 900, 900, 850, 800, 300, 100])
    totals = rng.poisson(np.tile(weekly, 10)).astype(float)
    assert detect_level_shift(totals) is None


def test_event_days_are_replaced_by_ordinary_weeks_and_their_ratio_kept():
    days = np.full((28, 2), 10.0)
    days[15] = [2.0, 3.0]  # a holiday at a quarter of the volume
    event = Event("public holiday", date(2020, 1, 16), date(2020, 1, 16))
    cleaned, ratios = neutralise_events(days, first_day=date(2020, 1, 1), events=[event])
    assert cleaned[15] == pytest.approx([10.0, 10.0])
    assert ratios == {"public holiday": [pytest.approx(0.25)]}


def test_dutch_public_holidays_of_2020():
    days = {e.first_day: e.name for e in holiday_events(date(2020, 4, 1), date(2020, 5, 31))}
    # Published: Easter Monday 13 April, King's Day 27 April, Ascension 21 May 2020.
    assert days[date(2020, 4, 13)] == HOLIDAY_EVENT_NAME
    assert days[date(2020, 4, 27)] == HOLIDAY_EVENT_NAME
    assert days[date(2020, 5, 21)] == HOLIDAY_EVENT_NAME
    assert days[date(2020, 4, 14)] == DAY_AFTER_EVENT_NAME
    assert date(2020, 4, 15) not in days


def test_israels_intermediate_days_of_sukkot_are_optional_holidays_of_their_own():
    # 1999: Sukkot on 25 September, its intermediate days 26-30 September (banks open, demand
    # lower), Simchat Torah on 2 October.
    events = holiday_events(date(1999, 9, 24), date(1999, 10, 4), country="IL")
    names = {e.first_day: e.name for e in events}
    assert names[date(1999, 9, 25)] == HOLIDAY_EVENT_NAME
    assert [names[date(1999, 9, d)] for d in range(26, 31)] == ["optional holiday"] * 5
    # The day after each run of holidays, never a holiday itself.
    assert names[date(1999, 10, 1)] == DAY_AFTER_EVENT_NAME
    assert names[date(1999, 10, 3)] == DAY_AFTER_EVENT_NAME
    assert date(1999, 9, 24) not in names


def test_public_holidays_alone_on_request():
    events = holiday_events(
        date(1999, 9, 24), date(1999, 10, 4), country="IL", categories=("public",), day_after=False
    )
    assert [e.first_day for e in events] == [date(1999, 9, 25), date(1999, 10, 2)]


def test_a_category_the_country_does_not_have_is_skipped():
    # Germany's calendar has no "optional" category; its public holidays still come.
    events = holiday_events(date(2020, 12, 24), date(2020, 12, 31), country="DE", day_after=False)
    assert [e.first_day for e in events] == [date(2020, 12, 25), date(2020, 12, 26)]


def test_a_holiday_on_the_eve_of_the_range_makes_its_first_day_a_day_after():
    events = holiday_events(date(2020, 1, 2), date(2020, 1, 3))
    assert [(e.first_day, e.name) for e in events] == [(date(2020, 1, 2), DAY_AFTER_EVENT_NAME)]


def test_an_event_ending_before_it_starts_is_refused():
    with pytest.raises(InputError, match="before it starts"):
        Event("campaign", date(2020, 3, 2), date(2020, 3, 1))
