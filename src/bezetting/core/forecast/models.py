"""The forecasting models: planners' baselines, statsforecast's models, daily totals times an
intraday profile (the profiles in :mod:`~bezetting.core.forecast.profiles`), and an ensemble;
the day-of-month models are in :mod:`~bezetting.core.forecast.day_of_month`. All meet
:class:`~bezetting.core.forecast.protocol.Forecaster`.

Every model is a frozen dataclass of settings; the work is in ``predict``, which takes the
history as one array of whole days (``slots_per_day`` values each).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np

from bezetting.core.errors import InputError
from bezetting.core.forecast.profiles import DAYS_PER_WEEK, robust_profile, smooth_profile
from bezetting.core.forecast.protocol import (
    DatedModel,
    FloatArray,
    Forecaster,
    Prediction,
    check_history,
    level_z,
    predict_dated,
)

__all__ = [
    "DailyProfile",
    "Ensemble",
    "SameWeekdayMean",
    "SeasonalNaive",
    "StatsForecastModel",
    "StatsForecastName",
]

StatsForecastName = Literal["AutoETS", "AutoTheta", "MSTL", "AutoARIMA", "DynamicOptimizedTheta"]


def _tile_weeks(week: FloatArray, horizon: int) -> FloatArray:
    repeats = math.ceil(horizon / week.size)
    return np.tile(week, repeats)[:horizon]


def _weeks_ahead(horizon: int, period: int) -> FloatArray:
    return np.floor(np.arange(horizon) / period) + 1.0


@dataclass(frozen=True, slots=True)
class SeasonalNaive:
    """Same interval last week, repeated: the simplest weekly baseline.

    The prediction interval comes from the spread of last weeks' week-on-week changes, widened
    with the square root of the number of weeks ahead.
    """

    residual_weeks: int = 4

    @property
    def name(self) -> str:
        return "SeasonalNaive"

    def predict(
        self, history: FloatArray, *, horizon: int, slots_per_day: int, level: float
    ) -> Prediction:
        period = DAYS_PER_WEEK * slots_per_day
        values = check_history(
            history, horizon=horizon, slots_per_day=slots_per_day, min_days=DAYS_PER_WEEK
        )
        mean = _tile_weeks(values[-period:], horizon)
        changes = values[period:] - values[:-period]
        changes = changes[-self.residual_weeks * period :]
        sigma = float(np.std(changes)) if changes.size else 0.0
        half = level_z(level) * sigma * np.sqrt(_weeks_ahead(horizon, period))
        return Prediction(mean=mean, lo=mean - half, hi=mean + half, level=level).clipped()


@dataclass(frozen=True, slots=True)
class SameWeekdayMean:
    """Mean of the same interval on the same weekday over the last ``weeks`` weeks: the
    planners' usual baseline. Uses as many whole weeks as the history has, up to ``weeks``."""

    weeks: int = 4

    def __post_init__(self) -> None:
        if self.weeks < 1:
            raise InputError(f"weeks must be at least 1, got {self.weeks}")

    @property
    def name(self) -> str:
        return f"SameWeekdayMean{self.weeks}"

    def predict(
        self, history: FloatArray, *, horizon: int, slots_per_day: int, level: float
    ) -> Prediction:
        period = DAYS_PER_WEEK * slots_per_day
        values = check_history(
            history, horizon=horizon, slots_per_day=slots_per_day, min_days=DAYS_PER_WEEK
        )
        weeks = min(self.weeks, values.size // period)
        recent = values[values.size - weeks * period :].reshape(weeks, period)
        week_mean = recent.mean(axis=0)
        spread = recent.std(axis=0, ddof=1) if weeks > 1 else np.sqrt(week_mean)
        # A new week differs from the mean by its own noise plus the mean's error.
        sigma = np.maximum(spread, np.sqrt(week_mean)) * math.sqrt(1.0 + 1.0 / weeks)
        mean = _tile_weeks(week_mean, horizon)
        half = level_z(level) * _tile_weeks(sigma, horizon)
        return Prediction(mean=mean, lo=mean - half, hi=mean + half, level=level).clipped()


def _statsforecast_model(name: StatsForecastName, slots_per_day: int) -> Any:
    # Imported here: statsforecast pulls numba, which costs a second or two on first import.
    from statsforecast import models as sf

    week = DAYS_PER_WEEK * slots_per_day
    if name == "MSTL":
        seasons = [DAYS_PER_WEEK] if slots_per_day == 1 else [slots_per_day, week]
        return sf.MSTL(season_length=seasons)
    if name == "AutoTheta":
        return sf.AutoTheta(season_length=week)
    if name == "DynamicOptimizedTheta":
        return sf.DynamicOptimizedTheta(season_length=week)
    if name == "AutoETS":
        if slots_per_day != 1:
            raise InputError(
                "AutoETS handles seasons of at most 24 values; use it on daily totals "
                "(DailyProfile) rather than on intervals"
            )
        return sf.AutoETS(season_length=DAYS_PER_WEEK)
    if slots_per_day != 1:
        raise InputError(
            "AutoARIMA on intervals (a weekly season of hundreds of values) is too slow; use "
            "it on daily totals (DailyProfile)"
        )
    return sf.AutoARIMA(season_length=DAYS_PER_WEEK)


@dataclass(frozen=True, slots=True)
class StatsForecastModel:
    """One of statsforecast's models on this series, with its own prediction interval.

    Seasons are a week (and a day, for MSTL on intervals). ``max_history_days`` keeps only the
    most recent days for fitting: interval series are long and these models slow on them.
    """

    model: StatsForecastName
    max_history_days: int | None = None

    @property
    def name(self) -> str:
        return self.model

    def predict(
        self, history: FloatArray, *, horizon: int, slots_per_day: int, level: float
    ) -> Prediction:
        values = check_history(
            history, horizon=horizon, slots_per_day=slots_per_day, min_days=2 * DAYS_PER_WEEK
        )
        if self.max_history_days is not None:
            values = values[-self.max_history_days * slots_per_day :]
        model = _statsforecast_model(self.model, slots_per_day)
        level_z(level)
        with warnings.catch_warnings():
            # Numerical warnings inside statsforecast's optimisers (overflow in a rejected
            # candidate) do not concern the caller; the result is checked below.
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", UserWarning)
            result = model.forecast(y=values, h=horizon, level=[level])
        mean = np.asarray(result["mean"], dtype=np.float64)
        lo_key = next(key for key in result if str(key).startswith("lo-"))
        hi_key = next(key for key in result if str(key).startswith("hi-"))
        lo = np.asarray(result[lo_key], dtype=np.float64)
        hi = np.asarray(result[hi_key], dtype=np.float64)
        if not np.all(np.isfinite(mean)):
            raise InputError(f"{self.model} produced a non-finite forecast on this history")
        lo = np.where(np.isfinite(lo), lo, mean)
        hi = np.where(np.isfinite(hi), hi, mean)
        return Prediction(mean=mean, lo=lo, hi=hi, level=level).clipped()


@dataclass(frozen=True, slots=True)
class DailyProfile(DatedModel):
    """Daily totals forecast by ``daily``, spread over the day by each weekday's intraday
    profile: the median share of its last ``recent_weeks`` days blended (``recent_weight``)
    with the pooled share of its last ``profile_weeks`` days (see :func:`robust_profile`;
    ``recent_weight=0`` is the pooled profile alone).

    ``smooth_minutes`` > 0 smooths the profile over the clock with a Gaussian kernel of that
    width (see :func:`smooth_profile`): a slot's share is estimated from a few dozen contacts,
    and its neighbours' shares carry information about it. It trades a small bias for less
    noise, so a pure weekly pattern is no longer reproduced exactly (0 keeps it exact); the
    default candidates use 17.5 minutes.

    ``alike_weight`` > 0 blends each weekday's profile with the median of the last
    ``alike_days`` days of every weekday shaped like it (see :func:`alike_profile`; weighted
    towards the newest days with ``alike_half_life_days``): working days usually share a
    shape, and pooling them follows a recent change with less noise.

    The defaults (4 recent weeks, 16 long, half each) and the candidates' settings
    (``auto.profiled``) were chosen by rolling-origin backtest on the Anonymous Bank's
    June-October 1999, before the window the benchmark scores.

    The interval's prediction interval adds the daily total's uncertainty (spread by the
    profile) and Poisson noise of the interval's own count.
    """

    daily: Forecaster
    profile_weeks: int = 16
    recent_weeks: int = 4
    recent_weight: float = 0.5
    smooth_minutes: float = 0.0
    alike_weight: float = 0.0
    alike_days: int = 42
    alike_half_life_days: float | None = None

    @property
    def name(self) -> str:
        return f"{self.daily.name} x profile"

    def _predict(
        self,
        history: FloatArray,
        *,
        first_day: date | None,
        horizon: int,
        slots_per_day: int,
        level: float,
    ) -> Prediction:
        values = check_history(
            history, horizon=horizon, slots_per_day=slots_per_day, min_days=DAYS_PER_WEEK
        )
        days = values.reshape(-1, slots_per_day)
        n_ahead = math.ceil(horizon / slots_per_day)
        totals = days.sum(axis=1)
        if first_day is None:
            daily = self.daily.predict(totals, horizon=n_ahead, slots_per_day=1, level=level)
        else:
            daily = predict_dated(
                self.daily,
                totals,
                first_day=first_day,
                horizon=n_ahead,
                slots_per_day=1,
                level=level,
            )
        profiles = robust_profile(
            days,
            recent_weeks=self.recent_weeks,
            long_weeks=self.profile_weeks,
            recent_weight=self.recent_weight,
            alike_weight=self.alike_weight,
            alike_days=self.alike_days,
            alike_half_life_days=self.alike_half_life_days,
        )
        profiles = smooth_profile(profiles, sigma_slots=self.smooth_minutes * slots_per_day / 1440)
        shares = profiles[np.arange(n_ahead) % DAYS_PER_WEEK]
        mean = (daily.mean[:, None] * shares).ravel()[:horizon]
        z = level_z(level)
        daily_sigma = (daily.hi - daily.lo) / (2.0 * z) if z > 0 else np.zeros(n_ahead)
        spread = (daily_sigma[:, None] * shares).ravel()[:horizon]
        half = z * np.sqrt(spread**2 + mean)
        return Prediction(mean=mean, lo=mean - half, hi=mean + half, level=level).clipped()


@dataclass(frozen=True, slots=True)
class Ensemble:
    """The mean of several models' forecasts, weighted by ``weights`` when given (for example
    by inverse backtest error); the interval is the members' median bounds.

    ``geometric`` takes the (weighted) geometric mean instead, the mean of multiplicative
    models on the log scale: one member far off (AutoTheta without a weekly season on under
    three weeks of history, 170-370% too high on Fridays) moves it much less than the
    arithmetic mean. It is zero wherever a member forecasts zero (a closed day).
    """

    members: tuple[Forecaster, ...]
    weights: tuple[float, ...] | None = None
    geometric: bool = False
    # A short name for a fixed, documented mix: the spelled-out name of three members runs
    # past what a table, a report or the database's model column shows.
    label: str | None = None

    def __post_init__(self) -> None:
        if not self.members:
            raise InputError("an ensemble needs at least one member")
        if self.weights is not None and (
            len(self.weights) != len(self.members)
            or not all(math.isfinite(w) and w >= 0 for w in self.weights)
            or not sum(self.weights) > 0
        ):
            raise InputError(
                f"ensemble weights must be one finite, non-negative number per member with a "
                f"positive sum, got {self.weights}"
            )

    @property
    def name(self) -> str:
        if self.label is not None:
            return self.label
        joined = " + ".join(member.name for member in self.members)
        kind = "GeometricMean" if self.geometric else "Ensemble"
        if self.weights is None:
            return kind + "(" + joined + ")"
        return "Weighted" + kind + "(" + joined + ")"

    def predict(
        self, history: FloatArray, *, horizon: int, slots_per_day: int, level: float
    ) -> Prediction:
        return self._combine(
            [
                member.predict(history, horizon=horizon, slots_per_day=slots_per_day, level=level)
                for member in self.members
            ],
            level,
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
        return self._combine(
            [
                predict_dated(
                    member,
                    history,
                    first_day=first_day,
                    horizon=horizon,
                    slots_per_day=slots_per_day,
                    level=level,
                )
                for member in self.members
            ],
            level,
        )

    def _combine(self, parts: list[Prediction], level: float) -> Prediction:
        # Bounds: the median member's, so one member's very wide interval does not dominate.
        means = np.array([p.mean for p in parts])
        if self.geometric:
            positive = np.all(means > 0, axis=0)
            logs = np.log(np.where(means > 0, means, 1.0))
            mean = np.where(positive, np.exp(np.average(logs, axis=0, weights=self.weights)), 0.0)
        else:
            mean = np.average(means, axis=0, weights=self.weights)
        lo = np.minimum(np.median([p.lo for p in parts], axis=0), mean)
        hi = np.maximum(np.median([p.hi for p in parts], axis=0), mean)
        return Prediction(mean=mean, lo=lo, hi=hi, level=level)
