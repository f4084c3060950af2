"""The guarded choice: a queue keeps the default model unless a candidate beats it clearly
(a paired t-statistic over the backtest origins), so a few lucky origins do not decide."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from bezetting.core.errors import InputError
from bezetting.core.forecast import (
    BacktestResult,
    ForecastSettings,
    IntervalSeries,
    SameWeekdayMean,
    SeasonalNaive,
    choose_model,
    default_candidates,
    default_model,
    forecast_queue,
    paired_t,
)


def per_origin(name: str, errors: list[float], *, actual: float = 100.0) -> BacktestResult:
    """One origin per error, one day of one slot: forecast = actual + error."""
    n = len(errors)
    actuals = np.full((n, 1, 1), actual)
    return BacktestResult(
        model_name=name,
        origins=np.arange(30, 30 + n, dtype=np.int64),
        forecasts=actuals + np.array(errors, dtype=float).reshape(n, 1, 1),
        actuals=actuals,
        naive_mae=np.ones(n),
    )


def test_paired_t_is_the_mean_gain_over_its_standard_error():
    # Gains (default's minus challenger's absolute error) 1, 2, 3: mean 2, sd 1, n 3.
    default = per_origin("d", [5.0, 6.0, 7.0])
    challenger = per_origin("c", [4.0, -4.0, 4.0])
    assert paired_t(default, challenger) == pytest.approx(2.0 / (1.0 / math.sqrt(3)))
    assert paired_t(challenger, default) == pytest.approx(-2.0 * math.sqrt(3))


def test_paired_t_is_zero_with_one_origin_or_no_difference_and_infinite_when_always_better():
    assert paired_t(per_origin("d", [5.0]), per_origin("c", [1.0])) == 0.0
    assert paired_t(per_origin("d", [5.0, 5.0]), per_origin("c", [-5.0, 5.0])) == 0.0
    assert paired_t(per_origin("d", [5.0, 5.0]), per_origin("c", [1.0, -1.0])) == math.inf


def test_paired_t_refuses_backtests_on_different_origins():
    other = per_origin("c", [1.0, 1.0])
    shifted = BacktestResult(
        model_name="c",
        origins=other.origins + 1,
        forecasts=other.forecasts,
        actuals=other.actuals,
        naive_mae=other.naive_mae,
    )
    with pytest.raises(InputError, match="same origins"):
        paired_t(per_origin("d", [5.0, 5.0]), shifted)


def test_a_challenger_better_only_on_a_few_lucky_origins_does_not_replace_the_default():
    default, challenger = SameWeekdayMean(weeks=4), SeasonalNaive()
    # Lower pooled WAPE (20 vs 25 per origin on average) but worse at half of the origins.
    backtests = [
        per_origin("challenger", [0.0, 40.0, 0.0, 40.0]),
        per_origin("default", [25.0, 25.0, 25.0, 25.0]),
    ]
    choice = choose_model(
        [challenger, default], backtests, ensemble_size=0, default=default, switch_t=2.0
    )
    assert choice.model is default
    assert choice.backtest.model_name == "default"
    assert choice.reason.startswith("default kept")
    # Without a default the lowest WAPE wins, as before.
    assert choose_model([challenger, default], backtests, ensemble_size=0).model is challenger


def test_a_challenger_better_at_every_origin_replaces_the_default():
    default, challenger = SameWeekdayMean(weeks=4), SeasonalNaive()
    backtests = [per_origin("c", [10.0, 12.0, 9.0, 11.0]), per_origin("d", [25.0] * 4)]
    choice = choose_model(
        [challenger, default], backtests, ensemble_size=0, default=default, switch_t=2.0
    )
    assert choice.model is challenger
    assert "paired t" in choice.reason


def test_a_default_that_is_not_a_candidate_leaves_the_lowest_wape_to_win():
    models = [SeasonalNaive(), SameWeekdayMean(weeks=4)]
    backtests = [per_origin("s", [30.0, 30.0]), per_origin("m", [10.0, 12.0])]
    choice = choose_model(models, backtests, ensemble_size=0, default=default_model())
    assert choice.model is models[1]
    assert choice.reason == "lowest WAPE"


def test_the_default_model_is_one_of_the_default_candidates():
    assert default_model() in default_candidates()
    assert default_model() in default_candidates(interval_models=False)
    assert ForecastSettings(horizon=timedelta(days=7)).default_model == default_model()


def test_forecast_queue_leaves_the_default_for_a_model_that_is_exact_at_every_origin(
    weekly_pattern,
):
    # Six weeks of an exact weekly pattern: the same-slot-last-week forecast is exact at every
    # origin, the default only nearly so: a clear win, and the reason says so.
    values = np.tile(weekly_pattern(24), 6)
    start = datetime(2021, 1, 4, tzinfo=UTC)
    starts = np.array(
        [np.datetime64(int((start + timedelta(hours=h)).timestamp()), "s") for h in range(1008)]
    )
    series = IntervalSeries(
        queue="q",
        interval_minutes=60,
        timezone="UTC",
        starts_utc=starts,
        volume=values,
        aht_seconds=np.full(values.size, 180.0),
    )
    settings = ForecastSettings(
        horizon=timedelta(days=7),
        holidays_country=None,
        candidates=default_candidates(interval_models=False),
        backtest_origins=5,
        detect_level_shift=False,
    )
    result = forecast_queue(series, settings=settings)
    assert result.choice.model == SeasonalNaive()
    assert result.choice.reason.startswith("beats the default clearly (paired t")
    np.testing.assert_allclose(result.volume, values[-168:], rtol=1e-6, atol=1e-6)
