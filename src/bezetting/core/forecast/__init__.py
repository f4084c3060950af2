"""Forecasting contact volume and handle time per queue and interval.

Layers, as in statsforecast: array kernels (:mod:`.models`, behind the one
:class:`Forecaster` protocol) → the day pipeline (events, level shift, opening hours) →
rolling-origin backtests → :func:`forecast_queue`, which chooses a model per queue by backtest
and returns a :class:`QueueForecast` on real UTC intervals.

Example:
    >>> from datetime import timedelta
    >>> settings = ForecastSettings(horizon=timedelta(days=7))  # doctest: +SKIP
    >>> result = forecast_queue(series, settings=settings)  # doctest: +SKIP
"""

from bezetting.core.forecast.aht import forecast_aht
from bezetting.core.forecast.auto import (
    BACKTEST_ORIGINS,
    BACKTEST_STEP_DAYS,
    ForecastSettings,
    ModelChoice,
    QueueForecast,
    choose_model,
    daily_ensemble,
    default_candidates,
    default_model,
    forecast_queue,
    inverse_error_weights,
    paired_t,
    profiled,
)
from bezetting.core.forecast.backtest import (
    BacktestResult,
    ensemble_backtest,
    origins_for,
    rolling_origin,
)
from bezetting.core.forecast.day_of_month import DayOfMonthAdjusted, DayOfMonthDecomposition
from bezetting.core.forecast.events import (
    DAY_AFTER_EVENT_NAME,
    HOLIDAY_CATEGORIES,
    HOLIDAY_EVENT_NAME,
    Event,
    EventFactor,
    LevelShift,
    detect_level_shift,
    holiday_events,
    neutralise_events,
)
from bezetting.core.forecast.frame import forecasts_to_frame, series_from_frame
from bezetting.core.forecast.models import (
    DailyProfile,
    Ensemble,
    SameWeekdayMean,
    SeasonalNaive,
    StatsForecastModel,
)
from bezetting.core.forecast.overrides import Override, override_changes, override_delta
from bezetting.core.forecast.pipeline import DayForecast, PipelineOptions, forecast_days
from bezetting.core.forecast.profiles import (
    alike_profile,
    intraday_profile,
    robust_profile,
    smooth_profile,
)
from bezetting.core.forecast.protocol import CalendarForecaster, Forecaster, Prediction
from bezetting.core.forecast.series import ContactRecords, IntervalSeries, aggregate_contacts

__all__ = [
    "BACKTEST_ORIGINS",
    "BACKTEST_STEP_DAYS",
    "DAY_AFTER_EVENT_NAME",
    "HOLIDAY_CATEGORIES",
    "HOLIDAY_EVENT_NAME",
    "BacktestResult",
    "CalendarForecaster",
    "ContactRecords",
    "DailyProfile",
    "DayForecast",
    "DayOfMonthAdjusted",
    "DayOfMonthDecomposition",
    "Ensemble",
    "Event",
    "EventFactor",
    "ForecastSettings",
    "Forecaster",
    "IntervalSeries",
    "LevelShift",
    "ModelChoice",
    "Override",
    "PipelineOptions",
    "Prediction",
    "QueueForecast",
    "SameWeekdayMean",
    "SeasonalNaive",
    "StatsForecastModel",
    "aggregate_contacts",
    "alike_profile",
    "choose_model",
    "daily_ensemble",
    "default_candidates",
    "default_model",
    "detect_level_shift",
    "ensemble_backtest",
    "forecast_aht",
    "forecast_days",
    "forecast_queue",
    "forecasts_to_frame",
    "holiday_events",
    "intraday_profile",
    "inverse_error_weights",
    "neutralise_events",
    "origins_for",
    "override_changes",
    "override_delta",
    "paired_t",
    "profiled",
    "robust_profile",
    "rolling_origin",
    "series_from_frame",
    "smooth_profile",
]
