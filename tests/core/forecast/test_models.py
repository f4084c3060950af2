"""Every model meets the one protocol; a pure weekly pattern is reproduced."""

from __future__ import annotations

import numpy as np
import pytest

from bezetting.core.errors import InputError
from bezetting.core.forecast import (
    DailyProfile,
    Ensemble,
    Forecaster,
    SameWeekdayMean,
    SeasonalNaive,
    StatsForecastModel,
    intraday_profile,
)

SLOTS = 24  # hourly: keeps statsforecast fast on four weeks of history

ALL_MODELS: list[Forecaster] = [
    SeasonalNaive(),
    SameWeekdayMean(weeks=4),
    DailyProfile(StatsForecastModel("AutoETS")),
    DailyProfile(StatsForecastModel("AutoTheta")),
    DailyProfile(StatsForecastModel("MSTL")),
    DailyProfile(StatsForecastModel("AutoARIMA")),
    StatsForecastModel("MSTL"),
    StatsForecastModel("AutoTheta", max_history_days=21),
    Ensemble((SeasonalNaive(), SameWeekdayMean(weeks=2))),
]


@pytest.fixture
def noisy_history(weekly_pattern):
    def make(weeks: int, seed: int = 1) -> np.ndarray:
        rng = np.random.default_rng(seed)
        return rng.poisson(np.tile(weekly_pattern(SLOTS), weeks)).astype(float)

    return make


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.name)
def test_contract_shape_bounds_and_no_negative_volume(model, noisy_history):
    assert isinstance(model, Forecaster)
    prediction = model.predict(
        noisy_history(4), horizon=3 * SLOTS + 5, slots_per_day=SLOTS, level=80.0
    )
    assert prediction.mean.shape == (3 * SLOTS + 5,)
    assert np.all(np.isfinite(prediction.mean))
    assert np.all(prediction.lo >= 0)
    assert np.all(prediction.lo <= prediction.mean + 1e-9)
    assert np.all(prediction.mean <= prediction.hi + 1e-9)
    assert model.name


@pytest.mark.parametrize(
    ("model", "tolerance"),
    [
        (SeasonalNaive(), 1e-9),
        (SameWeekdayMean(weeks=4), 1e-9),
        (DailyProfile(SameWeekdayMean(weeks=4)), 1e-9),
        (DailyProfile(StatsForecastModel("AutoETS")), 0.02),
        (DailyProfile(StatsForecastModel("AutoTheta")), 0.02),
        (StatsForecastModel("MSTL"), 0.05),
    ],
    ids=lambda value: value.name if hasattr(value, "name") else str(value),
)
def test_a_pure_weekly_pattern_is_reproduced(model, tolerance, weekly_pattern):
    pattern = weekly_pattern(SLOTS)
    history = np.tile(pattern, 4)
    prediction = model.predict(history, horizon=2 * 7 * SLOTS, slots_per_day=SLOTS, level=80.0)
    expected = np.tile(pattern, 2)
    wape = np.abs(prediction.mean - expected).sum() / expected.sum()
    assert wape <= tolerance


def test_same_weekday_mean_is_the_mean_of_the_last_weeks():
    history = np.concatenate([np.full(7, 1.0), np.full(7, 2.0), np.full(7, 4.0), np.full(7, 6.0)])
    got = SameWeekdayMean(weeks=3).predict(history, horizon=7, slots_per_day=1, level=80.0)
    assert got.mean == pytest.approx(np.full(7, 4.0))


def test_the_intraday_profile_is_each_weekdays_share_per_slot():
    days = np.array([[1.0, 3.0]] * 7 + [[2.0, 2.0]] * 7)
    profile = intraday_profile(days, weeks=2)
    assert profile[0] == pytest.approx([3 / 8, 5 / 8])
    assert profile.sum(axis=1) == pytest.approx(np.ones(7))


def test_too_short_a_history_is_refused_with_the_need(noisy_history):
    with pytest.raises(InputError, match="at least 14"):
        StatsForecastModel("MSTL").predict(
            noisy_history(1), horizon=SLOTS, slots_per_day=SLOTS, level=80.0
        )


def test_autoets_on_intervals_is_refused_rather_than_silently_non_seasonal(noisy_history):
    with pytest.raises(InputError, match="daily totals"):
        StatsForecastModel("AutoETS").predict(
            noisy_history(3), horizon=SLOTS, slots_per_day=SLOTS, level=80.0
        )


@pytest.mark.parametrize("level", [0.0, 100.0, 120.0])
def test_an_impossible_interval_level_is_refused(level, noisy_history):
    with pytest.raises(InputError, match="level"):
        SeasonalNaive().predict(noisy_history(2), horizon=5, slots_per_day=SLOTS, level=level)
