"""One forecast on the (local day x clock slot) matrix: events out, level shift, model,
events back in, closed slots to zero. Backtests run exactly this, so their errors are the
errors of what a planner gets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from bezetting.core.errors import InputError
from bezetting.core.forecast.events import (
    Event,
    EventFactor,
    LevelShift,
    apply_event_factors,
    detect_level_shift,
    neutralise_events,
)
from bezetting.core.forecast.protocol import FloatArray, Forecaster, predict_dated

__all__ = ["DayForecast", "PipelineOptions", "forecast_days"]


@dataclass(frozen=True, slots=True)
class PipelineOptions:
    """How the history is prepared before a model sees it.

    Args:
        events: holidays and declared events, past and future.
        detect_level_shift: look for an abrupt lasting change and rescale the days before it.
        level: prediction-interval level in percent.
    """

    events: tuple[Event, ...] = ()
    detect_level_shift: bool = True
    level: float = 80.0


@dataclass(frozen=True, slots=True)
class DayForecast:
    """A forecast as (horizon_days x slots) matrices, with what shaped it."""

    first_day: date
    mean: FloatArray
    lo: FloatArray
    hi: FloatArray
    level: float
    model_name: str
    event_factors: tuple[EventFactor, ...] = ()
    level_shift: LevelShift | None = None
    day_factors: FloatArray = field(default_factory=lambda: np.ones(0))


def forecast_days(
    history: FloatArray,
    model: Forecaster,
    *,
    first_day: date,
    horizon_days: int,
    open_slots: npt.NDArray[np.bool_] | None = None,
    options: PipelineOptions = PipelineOptions(),
) -> DayForecast:
    """Forecast ``horizon_days`` whole local days after a history matrix.

    Args:
        history: (n_days, slots) matrix of volumes; row 0 is the local date ``first_day``.
        model: any :class:`~bezetting.core.forecast.protocol.Forecaster`.
        first_day: local date of the history's first row.
        horizon_days: number of days to forecast, starting the day after the history.
        open_slots: (horizon_days, slots) booleans; closed slots are forecast as zero.
        options: events, level-shift detection and interval level.
    """
    days = np.asarray(history, dtype=np.float64)
    if days.ndim != 2:
        raise InputError(f"history must be a (days x slots) matrix, got shape {days.shape}")
    if horizon_days < 1:
        raise InputError(f"horizon_days must be at least 1, got {horizon_days}")
    n_days, width = days.shape
    if open_slots is not None and open_slots.shape != (horizon_days, width):
        raise InputError(
            f"open_slots has shape {open_slots.shape}, expected {(horizon_days, width)}"
        )
    cleaned, ratios = neutralise_events(days, first_day=first_day, events=options.events)
    shift = None
    if options.detect_level_shift:
        shift = detect_level_shift(cleaned.sum(axis=1))
        if shift is not None:
            cleaned = cleaned.copy()
            cleaned[: shift.day_index] *= shift.ratio
    prediction = predict_dated(
        model,
        cleaned.ravel(),
        first_day=first_day,
        horizon=horizon_days * width,
        slots_per_day=width,
        level=options.level,
    )
    forecast_start = first_day + timedelta(days=n_days)
    factors, applied = apply_event_factors(
        forecast_start, horizon_days, events=options.events, history_ratios=ratios
    )
    scale = np.repeat(factors, width)
    if open_slots is not None:
        scale = scale * open_slots.ravel()
    scaled = prediction.scaled(scale)
    return DayForecast(
        first_day=forecast_start,
        mean=scaled.mean.reshape(horizon_days, width),
        lo=scaled.lo.reshape(horizon_days, width),
        hi=scaled.hi.reshape(horizon_days, width),
        level=options.level,
        model_name=model.name,
        event_factors=applied,
        level_shift=shift,
        day_factors=factors,
    )
