"""The accuracy pieces: robust intraday profile, day-of-month decomposition, weighted
ensembles, and a choice that keeps the best single model unless an ensemble beats it."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from bezetting.core.errors import InputError
from bezetting.core.forecast import (
    BacktestResult,
    CalendarForecaster,
    DailyProfile,
    DayOfMonthAdjusted,
    DayOfMonthDecomposition,
    Ensemble,
    SameWeekdayMean,
    SeasonalNaive,
    alike_profile,
    choose_model,
    default_model,
    ensemble_backtest,
    forecast_days,
    inverse_error_weights,
    robust_profile,
    smooth_profile,
)
from bezetting.core.forecast.profiles import weighted_median

WEEKDAY_LEVELS = np.array([120.0, 100.0, 95.0, 90.0, 80.0, 40.0, 10.0])


def test_the_recent_profile_is_the_median_share_so_one_odd_day_does_not_move_it():
    # Same weekday four times: shares (1/4, 3/4) three times, one odd day (3/4, 1/4).
    days = np.zeros((28, 2))
    days[[0, 7, 14], :] = [10.0, 30.0]
    days[21, :] = [300.0, 100.0]
    days[days.sum(axis=1) == 0] = [1.0, 1.0]
    profile = robust_profile(days, recent_weeks=4, long_weeks=4, recent_weight=1.0)
    assert profile[0] == pytest.approx([0.25, 0.75])
    # The pooled share of those four days is (3 * 10 + 300, 3 * 30 + 100) / 520.
    pooled = robust_profile(days, recent_weeks=4, long_weeks=4, recent_weight=0.0)
    assert pooled[0] == pytest.approx([330 / 520, 190 / 520])
    half = robust_profile(days, recent_weeks=4, long_weeks=4, recent_weight=0.5)
    assert half[0] == pytest.approx([(0.25 + 330 / 520) / 2, (0.75 + 190 / 520) / 2])
    assert half.sum(axis=1) == pytest.approx(np.ones(7))


def test_a_weekday_without_volume_gets_a_uniform_profile():
    days = np.ones((14, 4))
    days[[6, 13]] = 0.0
    profile = robust_profile(days, recent_weeks=2, long_weeks=2, recent_weight=0.5)
    assert profile[6] == pytest.approx(np.full(4, 0.25))


@pytest.mark.parametrize("weight", [-0.1, 1.5])
def test_a_blend_weight_outside_zero_to_one_is_refused(weight):
    with pytest.raises(InputError, match="recent_weight"):
        robust_profile(np.ones((14, 2)), recent_weeks=2, long_weeks=2, recent_weight=weight)


def payday_series(first_day: date, n_days: int, payday: int, lift: float) -> np.ndarray:
    """Daily totals: a weekday pattern, times ``lift`` on the given day of every month."""
    values = WEEKDAY_LEVELS[np.arange(n_days) % 7].copy()
    for i in range(n_days):
        if (first_day + timedelta(days=i)).day == payday:
            values[i] *= lift
    return values


def test_the_day_of_month_factor_is_learned_and_forecast_on_that_date():
    first = date(2019, 1, 1)
    history = payday_series(first, 364, payday=25, lift=1.5)
    model = DayOfMonthDecomposition(shrink_days=0.0)
    horizon = 31
    got = model.predict_on(history, first_day=first, horizon=horizon, slots_per_day=1, level=80.0)
    start = first + timedelta(days=364)
    truth = payday_series(start, horizon, payday=25, lift=1.5)
    # The truth continues the same construction; the moving-average ratios smear the lift a
    # little over its neighbours, so a few percent is the decomposition's own error.
    wape = np.abs(got.mean - truth).sum() / truth.sum()
    assert wape < 0.05
    payday_index = next(i for i in range(horizon) if (start + timedelta(days=i)).day == 25)
    ratio = got.mean[payday_index] / WEEKDAY_LEVELS[(364 + payday_index) % 7]
    assert ratio == pytest.approx(1.5, rel=0.1)


def test_without_dates_the_decomposition_is_level_times_weekday_only():
    first = date(2019, 1, 1)
    history = payday_series(first, 364, payday=25, lift=1.5)
    got = DayOfMonthDecomposition().predict(history, horizon=7, slots_per_day=1, level=80.0)
    # Weekday shape as in the data: Monday (index 0 of the pattern) 12 times Sunday's 10.
    ratios = got.mean / WEEKDAY_LEVELS[np.arange(364, 371) % 7]
    assert ratios == pytest.approx(np.full(7, ratios.mean()), rel=0.02)


def test_the_pipeline_hands_the_dates_through_the_profile_to_the_daily_model():
    first = date(2019, 1, 1)
    totals = payday_series(first, 364, payday=25, lift=1.5)
    shape = np.array([0.25, 0.75])
    history = totals[:, None] * shape[None, :]
    model = DailyProfile(DayOfMonthDecomposition(shrink_days=0.0))
    assert isinstance(model, CalendarForecaster)
    result = forecast_days(history, model, first_day=first, horizon_days=31)
    start = first + timedelta(days=364)
    payday_index = next(i for i in range(31) if (start + timedelta(days=i)).day == 25)
    day_total = result.mean[payday_index].sum()
    assert day_total / WEEKDAY_LEVELS[(364 + payday_index) % 7] == pytest.approx(1.5, rel=0.1)
    assert result.mean[payday_index] / day_total == pytest.approx(shape)


def test_the_decomposition_refuses_interval_values():
    with pytest.raises(InputError, match="daily totals"):
        DayOfMonthDecomposition().predict(np.ones(28 * 24), horizon=24, slots_per_day=24, level=80)


def test_a_weighted_ensemble_is_the_weighted_mean_of_its_members():
    history = np.concatenate([np.full(7, 2.0), np.full(7, 4.0)])
    # SeasonalNaive: 4 every day; SameWeekdayMean over two weeks: 3 every day.
    ensemble = Ensemble((SeasonalNaive(), SameWeekdayMean(weeks=2)), weights=(0.25, 0.75))
    got = ensemble.predict(history, horizon=7, slots_per_day=1, level=80.0)
    assert got.mean == pytest.approx(np.full(7, 0.25 * 4 + 0.75 * 3))
    assert ensemble.name.startswith("WeightedEnsemble(")


def test_a_geometric_ensemble_is_moved_less_by_one_member_far_off():
    # SeasonalNaive: 16 every day; SameWeekdayMean over two weeks: (1 + 16) / 2 = 8.5.
    history = np.concatenate([np.full(7, 1.0), np.full(7, 16.0)])
    members = (SeasonalNaive(), SameWeekdayMean(weeks=2))
    geometric = Ensemble(members, geometric=True)
    got = geometric.predict(history, horizon=7, slots_per_day=1, level=80.0)
    assert got.mean == pytest.approx(np.full(7, np.sqrt(16 * 8.5)))
    arithmetic = Ensemble(members).predict(history, horizon=7, slots_per_day=1, level=80.0)
    assert np.all(got.mean < arithmetic.mean)
    weighted = Ensemble(members, weights=(0.25, 0.75), geometric=True)
    got = weighted.predict(history, horizon=7, slots_per_day=1, level=80.0)
    assert got.mean == pytest.approx(np.full(7, 16**0.25 * 8.5**0.75))
    assert geometric.name.startswith("GeometricMean(")
    assert weighted.name.startswith("WeightedGeometricMean(")


def test_the_default_model_has_a_short_name_a_planner_can_read_whole():
    # Spelled out, the daily ensemble's three members ran past the database's model column
    # (64 characters) and were cut before "x profile".
    assert default_model().name == "DailyEnsemble x profile"
    labelled = Ensemble((SeasonalNaive(), SameWeekdayMean(weeks=2)), label="Mix")
    assert labelled.name == "Mix"


def test_a_geometric_ensemble_is_zero_where_a_member_forecasts_zero():
    # Last week's Sunday had no volume: SeasonalNaive forecasts 0 for it, the mean does not.
    history = np.full(14, 10.0)
    history[13] = 0.0
    ensemble = Ensemble((SeasonalNaive(), SameWeekdayMean(weeks=2)), geometric=True)
    got = ensemble.predict(history, horizon=7, slots_per_day=1, level=80.0)
    assert got.mean[6] == 0.0
    assert got.mean[:6] == pytest.approx(np.full(6, 10.0))


@pytest.mark.parametrize("weights", [(1.0,), (1.0, -1.0), (0.0, 0.0), (float("nan"), 1.0)])
def test_impossible_ensemble_weights_are_refused(weights):
    with pytest.raises(InputError, match="weights"):
        Ensemble((SeasonalNaive(), SameWeekdayMean()), weights=weights)


def backtest(name: str, forecast: list[float], actual: list[float]) -> BacktestResult:
    return BacktestResult(
        model_name=name,
        origins=np.array([10], dtype=np.int64),
        forecasts=np.array(forecast, dtype=float).reshape(1, -1, 1),
        actuals=np.array(actual, dtype=float).reshape(1, -1, 1),
        naive_mae=np.array([1.0]),
    )


def test_inverse_error_weights_are_proportional_to_one_over_wape():
    a = backtest("a", [11.0, 9.0], [10.0, 10.0])  # WAPE 0.1
    b = backtest("b", [12.0, 8.0], [10.0, 10.0])  # WAPE 0.2
    assert inverse_error_weights([a, b]) == pytest.approx((2 / 3, 1 / 3))
    perfect = backtest("p", [10.0, 10.0], [10.0, 10.0])
    assert inverse_error_weights([a, perfect]) is None


def test_a_weighted_ensemble_backtest_is_scored_from_stored_forecasts():
    a = backtest("a", [12.0, 12.0], [10.0, 10.0])
    b = backtest("b", [6.0, 6.0], [10.0, 10.0])
    # 2/3 * 12 + 1/3 * 6 = 10: perfect.
    scored = ensemble_backtest([a, b], name="w", weights=[2 / 3, 1 / 3])
    assert scored.wape == pytest.approx(0.0)


def test_a_single_model_is_kept_when_no_ensemble_beats_it():
    # Both members make the same forecast: every ensemble ties with the best single.
    models = [SeasonalNaive(), SameWeekdayMean(weeks=4)]
    same = [backtest("s", [12.0, 9.0], [10.0, 10.0]), backtest("m", [12.0, 9.0], [10.0, 10.0])]
    choice = choose_model(models, same, ensemble_size=2)
    assert choice.model is models[0]
    names = [result.model_name for result in choice.ranking]
    assert any(name.startswith("WeightedEnsemble(") for name in names)


def test_the_weighted_ensemble_is_chosen_when_it_is_strictly_best():
    models = [SeasonalNaive(), SameWeekdayMean(weeks=4)]
    # WAPE 0.1 and 0.2, errors of opposite sign: weights 2/3, 1/3 cancel them exactly,
    # the plain mean (11.5 - 10 and 8.5 - 10 ...) does not.
    backtests = [backtest("s", [11.0, 11.0], [10.0, 10.0]), backtest("m", [8.0, 8.0], [10.0, 10.0])]
    choice = choose_model(models, backtests, ensemble_size=2)
    assert isinstance(choice.model, Ensemble)
    assert choice.model.weights == pytest.approx((2 / 3, 1 / 3))
    assert choice.backtest.wape == pytest.approx(0.0)


def test_any_daily_model_gets_the_day_of_month_factor_when_adjusted():
    first = date(2019, 1, 1)
    history = payday_series(first, 364, payday=25, lift=1.5)
    start = first + timedelta(days=364)
    payday_index = next(i for i in range(31) if (start + timedelta(days=i)).day == 25)
    plain_weekday = WEEKDAY_LEVELS[(364 + payday_index) % 7]
    adjusted = DayOfMonthAdjusted(SameWeekdayMean(weeks=4), shrink_days=0.0)
    assert isinstance(adjusted, CalendarForecaster)
    got = adjusted.predict_on(history, first_day=first, horizon=31, slots_per_day=1, level=80.0)
    assert got.mean[payday_index] / plain_weekday == pytest.approx(1.5, rel=0.1)
    truth = payday_series(start, 31, payday=25, lift=1.5)
    assert np.abs(got.mean - truth).sum() / truth.sum() < 0.05
    # Without dates it is the inner model alone.
    alone = adjusted.predict(history, horizon=31, slots_per_day=1, level=80.0)
    inner = SameWeekdayMean(weeks=4).predict(history, horizon=31, slots_per_day=1, level=80.0)
    assert alone.mean == pytest.approx(inner.mean)


def test_a_closed_weekday_is_forecast_as_zero_by_the_decomposition():
    first = date(2019, 1, 7)  # a Monday
    levels = np.array([120.0, 100.0, 95.0, 90.0, 80.0, 40.0, 0.0])  # closed on Sundays
    history = np.tile(levels, 20)
    got = DayOfMonthDecomposition().predict_on(
        history, first_day=first, horizon=14, slots_per_day=1, level=80.0
    )
    assert got.mean[6] == 0.0
    assert got.mean[13] == 0.0
    assert got.mean[:6] == pytest.approx(levels[:6], rel=0.02)


def test_a_smoothed_profile_keeps_closed_slots_closed_and_sums_to_one():
    profile = np.array([[0.0, 0.0, 0.1, 0.6, 0.2, 0.1, 0.0]] * 7)
    smoothed = smooth_profile(profile, sigma_slots=1.0)
    assert smoothed.sum(axis=1) == pytest.approx(np.ones(7))
    assert np.all(smoothed[:, [0, 1, 6]] == 0.0)
    # The peak gives some of its share to its neighbours, and stays the peak.
    assert smoothed[0, 3] < 0.6
    assert smoothed[0, 2] > 0.1
    assert smoothed[0].argmax() == 3


def test_a_flat_profile_is_left_flat_and_zero_width_leaves_any_profile_as_it_is():
    flat = np.full((7, 24), 1 / 24)
    assert smooth_profile(flat, sigma_slots=2.0) == pytest.approx(flat)
    odd = np.random.default_rng(7).dirichlet(np.ones(24), size=7)
    assert np.array_equal(smooth_profile(odd, sigma_slots=0.0), odd)


@pytest.mark.parametrize("width", [-1.0, float("nan"), float("inf")])
def test_a_smoothing_width_must_be_finite_and_not_negative(width):
    with pytest.raises(InputError, match="smoothing width"):
        smooth_profile(np.full((7, 4), 0.25), sigma_slots=width)


def test_the_daily_profile_smooths_over_minutes_whatever_the_interval(weekly_pattern):
    # 20 minutes is 4/3 slot of 15 minutes and 1/3 slot of 60: the same history at 15 minutes
    # is smoothed more, per slot, than at 60.
    fine = np.tile(weekly_pattern(96), 4)
    coarse = np.tile(weekly_pattern(24), 4)
    model = DailyProfile(SameWeekdayMean(weeks=4), smooth_minutes=20.0)
    exact = DailyProfile(SameWeekdayMean(weeks=4))

    def change(history: np.ndarray, slots: int) -> float:
        got = model.predict(history, horizon=7 * slots, slots_per_day=slots, level=80.0).mean
        plain = exact.predict(history, horizon=7 * slots, slots_per_day=slots, level=80.0).mean
        assert got.sum() == pytest.approx(plain.sum())  # smoothing moves volume, never adds
        return float(np.abs(got - plain).sum() / plain.sum())

    assert 0.0 < change(coarse, 24) < change(fine, 96)


def _working_days_then_weekend(n_weeks: int, working: list[float], weekend: list[float]):
    """Whole weeks whose first five weekdays have the ``working`` shape, the last two the
    ``weekend`` shape."""
    week = np.array([working] * 5 + [weekend] * 2, dtype=np.float64)
    return np.tile(week, (n_weeks, 1))


def _last_working_days(days, n_days: int):
    rows = np.arange(days.shape[0] - n_days, days.shape[0])
    return rows[rows % 7 < 5]


def test_weekdays_with_the_same_shape_share_their_recent_days_and_the_others_do_not():
    days = _working_days_then_weekend(8, working=[20.0, 80.0], weekend=[90.0, 10.0])
    days[_last_working_days(days, 10)] = [50.0, 50.0]  # working days changed shape
    long_term = robust_profile(days, recent_weeks=8, long_weeks=8, recent_weight=0.0)
    alike = alike_profile(days, long_term=long_term, recent_days=10, max_distance=0.25)
    # Row k is the weekday of day n - 7 + k: rows 0-4 are working days, 5-6 the weekend.
    # Each working day has one or two changed days of its own among the last ten, but the
    # median over all eight recent working days is the new shape.
    assert alike[:5] == pytest.approx(np.full((5, 2), 0.5))
    assert alike[5:] == pytest.approx(np.array([[0.9, 0.1], [0.9, 0.1]]))
    # Without the alike days, the weekday's own median over its last 4 still mixes in the old shape.
    own = robust_profile(days, recent_weeks=4, long_weeks=8, recent_weight=1.0)
    assert own[0] == pytest.approx([0.2, 0.8])


def test_the_alike_weight_blends_the_own_profile_with_the_alike_one():
    days = _working_days_then_weekend(8, working=[20.0, 80.0], weekend=[90.0, 10.0])
    days[_last_working_days(days, 10)] = [50.0, 50.0]
    kwargs = {"recent_weeks": 4, "long_weeks": 8, "recent_weight": 0.5}
    own = robust_profile(days, **kwargs)
    alike = alike_profile(
        days, long_term=robust_profile(days, **{**kwargs, "recent_weight": 0.0}),
        recent_days=10, max_distance=0.25,
    )  # fmt: skip
    blended = robust_profile(days, **kwargs, alike_weight=0.25, alike_days=10)
    assert blended == pytest.approx(0.75 * own + 0.25 * alike)
    assert blended.sum(axis=1) == pytest.approx(np.ones(7))


def test_pooling_alike_weekdays_estimates_a_sparse_queues_profile_better():
    # Five working days share one true shape; 30 calls a day, three weeks of history.
    rng = np.random.default_rng(7)
    true = np.array([0.05, 0.15, 0.3, 0.25, 0.15, 0.1])
    weekend = np.array([0.4, 0.3, 0.2, 0.1, 0.0, 0.0])
    week = np.array([true] * 5 + [weekend] * 2) * 30.0
    days = rng.poisson(np.tile(week, (3, 1))).astype(np.float64)
    kwargs = {"recent_weeks": 4, "long_weeks": 16, "recent_weight": 0.5}
    own = robust_profile(days, **kwargs)
    pooled = robust_profile(days, **kwargs, alike_weight=0.5, alike_days=21)
    error_own = np.abs(own[:5] - true).sum()
    error_pooled = np.abs(pooled[:5] - true).sum()
    assert error_pooled < 0.8 * error_own


def test_a_weighted_median_is_the_median_with_equal_weights_and_follows_heavy_ones():
    values = np.array([[1.0, 30.0], [2.0, 10.0], [9.0, 20.0]])
    assert weighted_median(values, np.ones(3)) == pytest.approx(np.median(values, axis=0))
    assert weighted_median(values, np.array([1.0, 1.0, 5.0])) == pytest.approx([9.0, 20.0])


def test_a_half_life_lets_a_recent_change_of_shape_win_the_median_sooner():
    days = _working_days_then_weekend(8, working=[20.0, 80.0], weekend=[90.0, 10.0])
    days[_last_working_days(days, 9)] = [50.0, 50.0]  # the last 6 of 20 recent working days
    long_term = robust_profile(days, recent_weeks=8, long_weeks=8, recent_weight=0.0)
    plain = alike_profile(days, long_term=long_term, recent_days=28, max_distance=0.25)
    recent = alike_profile(
        days, long_term=long_term, recent_days=28, max_distance=0.25, half_life_days=3.0
    )
    assert plain[0] == pytest.approx([0.2, 0.8])  # 14 old days outvote 6 new ones
    assert recent[0] == pytest.approx([0.5, 0.5])  # the 6 newest weigh more than the 14
    assert recent[5:] == pytest.approx(plain[5:])  # the weekend's shape did not change


def test_a_half_life_must_be_positive():
    with pytest.raises(InputError, match="half_life_days"):
        alike_profile(np.ones((14, 2)), long_term=np.full((7, 2), 0.5), recent_days=7,
                      max_distance=0.25, half_life_days=0.0)  # fmt: skip


@pytest.mark.parametrize("weight", [-0.1, 1.5])
def test_an_alike_weight_outside_zero_to_one_is_refused(weight):
    with pytest.raises(InputError, match="alike_weight"):
        robust_profile(
            np.ones((14, 2)), recent_weeks=2, long_weeks=2, recent_weight=0.5, alike_weight=weight
        )
