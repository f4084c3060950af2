"""Day-of-month effects on daily totals: paydays, benefit dates and month ends move contact
volume on top of the weekday pattern. A decomposition of its own, and a wrapper that takes
the effect out of any daily model's history and puts it back into its forecast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from bezetting.core.errors import InputError
from bezetting.core.forecast.profiles import DAYS_PER_WEEK
from bezetting.core.forecast.protocol import (
    DatedModel,
    FloatArray,
    Forecaster,
    Prediction,
    check_history,
    level_z,
    predict_dated,
)

__all__ = ["DayOfMonthAdjusted", "DayOfMonthDecomposition"]


@dataclass(frozen=True, slots=True)
class _Seasons:
    """Log factors of a daily series: per weekday (position ``i % 7``), and per day of the
    month for every history day and every day ahead; which weekdays have volume at all (a
    weekday whose typical ratio is zero is closed); the leftover spread."""

    weekday_log: FloatArray
    weekday_open: npt.NDArray[np.bool_]
    month_log_past: FloatArray
    month_log_future: FloatArray
    sigma: float


def _seasons(
    values: FloatArray,
    *,
    first_day: date | None,
    horizon: int,
    span_days: int,
    weekday_weeks: int,
    shrink_days: float,
) -> _Seasons:
    n = values.size
    start = max(0, n - span_days)
    x = values[start:]
    day_index = np.arange(start, n)
    average = np.convolve(x, np.ones(DAYS_PER_WEEK) / DAYS_PER_WEEK, mode="valid")
    log_ratio = np.full(x.size, np.nan)
    middle = x[3 : x.size - 3]
    usable = (average > 0) & (middle > 0)
    log_ratio[3 : x.size - 3] = np.where(
        usable,
        np.log(np.where(usable, middle, 1.0) / np.where(usable, average, 1.0)),
        np.nan,
    )
    weekday = day_index % DAYS_PER_WEEK
    recent = day_index >= n - DAYS_PER_WEEK * weekday_weeks - 3
    has_average = np.zeros(x.size, dtype=bool)
    has_average[3 : x.size - 3] = average > 0
    weekday_log = np.zeros(DAYS_PER_WEEK)
    weekday_open = np.ones(DAYS_PER_WEEK, dtype=bool)
    for k in range(DAYS_PER_WEEK):
        seen = (weekday == k) & recent & has_average
        if np.any(seen) and float(np.median(x[seen])) == 0.0:
            weekday_open[k] = False  # usually no volume at all: a closed weekday
            continue
        known = (weekday == k) & recent & np.isfinite(log_ratio)
        if np.any(known):
            weekday_log[k] = float(np.median(log_ratio[known]))
    if np.any(weekday_open):
        weekday_log[weekday_open] -= weekday_log[weekday_open].mean()
    residual = log_ratio - weekday_log[weekday]
    month_log_past = np.zeros(n)
    month_log_future = np.zeros(horizon)
    if first_day is not None:
        day_of_month = np.array([(first_day + timedelta(days=i)).day for i in range(n + horizon)])
        factors = np.zeros(32)
        for d in range(1, 32):
            seen = residual[(day_of_month[start:n] == d) & np.isfinite(residual)]
            factors[d] = seen.sum() / (seen.size + shrink_days) if seen.size else 0.0
        month_log_past = factors[day_of_month[:n]]
        month_log_future = factors[day_of_month[n:]]
    leftover = residual - month_log_past[start:]
    leftover = leftover[np.isfinite(leftover)]
    sigma = float(np.std(leftover)) if leftover.size > 1 else 0.0
    return _Seasons(weekday_log, weekday_open, month_log_past, month_log_future, sigma)


@dataclass(frozen=True, slots=True)
class DayOfMonthDecomposition(DatedModel):
    """Daily totals as level x weekday factor x day-of-month factor (classical
    multiplicative decomposition, for daily totals only).

    Ratios of each day to its centred 7-day moving average give the weekday factor (median
    per weekday over the last ``weekday_weeks`` weeks) and, after it, the day-of-month factor
    (mean log ratio per day of the month over the last ``span_days``, shrunk towards 1 as if
    ``shrink_days`` more days had ratio 1: paydays, benefit dates, month ends). The level is
    the mean of the last ``level_days`` days with both factors taken out. Without dates
    (``predict``) the day-of-month factor is left out.

    Defaults chosen by rolling-origin backtest on June-October 1999 of the Anonymous Bank.
    """

    span_days: int = 364
    level_days: int = 28
    weekday_weeks: int = 8
    shrink_days: float = 12.0

    @property
    def name(self) -> str:
        return "DayOfMonthDecomposition"

    def _predict(
        self,
        history: FloatArray,
        *,
        first_day: date | None,
        horizon: int,
        slots_per_day: int,
        level: float,
    ) -> Prediction:
        if slots_per_day != 1:
            raise InputError(
                "DayOfMonthDecomposition forecasts daily totals; use it inside DailyProfile"
            )
        values = check_history(history, horizon=horizon, slots_per_day=1, min_days=14)
        z = level_z(level)
        n = values.size
        seasons = _seasons(
            values,
            first_day=first_day,
            horizon=horizon,
            span_days=self.span_days,
            weekday_weeks=self.weekday_weeks,
            shrink_days=self.shrink_days,
        )
        past_weekday = np.arange(n) % DAYS_PER_WEEK
        past = np.exp(seasons.weekday_log[past_weekday] + seasons.month_log_past)
        recent = (np.arange(n) >= n - self.level_days) & seasons.weekday_open[past_weekday]
        level_value = float(np.mean(values[recent] / past[recent])) if np.any(recent) else 0.0
        future = np.arange(n, n + horizon) % DAYS_PER_WEEK
        mean = (
            level_value
            * np.exp(seasons.weekday_log[future] + seasons.month_log_future)
            * seasons.weekday_open[future]
        )
        spread = np.exp(z * seasons.sigma)
        return Prediction(mean=mean, lo=mean / spread, hi=mean * spread, level=level).clipped()


@dataclass(frozen=True, slots=True)
class DayOfMonthAdjusted:
    """Any daily-total model on the history with its day-of-month factors taken out, its
    forecast multiplied by the factors of the days ahead (learned as in
    :class:`DayOfMonthDecomposition`). Without dates (``predict``) it is ``inner`` alone."""

    inner: Forecaster
    span_days: int = 364
    weekday_weeks: int = 8
    shrink_days: float = 12.0

    @property
    def name(self) -> str:
        return f"{self.inner.name}+DayOfMonth"

    def predict(
        self, history: FloatArray, *, horizon: int, slots_per_day: int, level: float
    ) -> Prediction:
        return self.inner.predict(
            history, horizon=horizon, slots_per_day=slots_per_day, level=level
        )

    def predict_on(
        self,
        history: FloatArray,
        *,
        first_day: date,
        horizon: int,
        slots_per_day: int,
        level: float,
    ) -> Prediction:
        if slots_per_day != 1:
            raise InputError("DayOfMonthAdjusted works on daily totals; use it inside DailyProfile")
        values = check_history(history, horizon=horizon, slots_per_day=1, min_days=14)
        seasons = _seasons(
            values,
            first_day=first_day,
            horizon=horizon,
            span_days=self.span_days,
            weekday_weeks=self.weekday_weeks,
            shrink_days=self.shrink_days,
        )
        adjusted = values / np.exp(seasons.month_log_past)
        inner = predict_dated(
            self.inner,
            adjusted,
            first_day=first_day,
            horizon=horizon,
            slots_per_day=1,
            level=level,
        )
        return inner.scaled(np.exp(seasons.month_log_future))
