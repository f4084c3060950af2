"""The one interface every forecasting model meets, and the shape of its answer.

A model sees a 1-D array of non-negative values laid out day after day, ``slots_per_day``
values per local day (1 for daily totals, 96/48/24 for 15/30/60-minute intervals), and returns
``horizon`` values ahead with a central prediction interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import NormalDist
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from bezetting.core.errors import InputError

__all__ = [
    "CalendarForecaster",
    "DatedModel",
    "FloatArray",
    "Forecaster",
    "Prediction",
    "check_history",
    "level_z",
    "predict_dated",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Prediction:
    """Point forecast with a central prediction interval at ``level`` percent."""

    mean: FloatArray
    lo: FloatArray
    hi: FloatArray
    level: float

    def __post_init__(self) -> None:
        if not self.mean.shape == self.lo.shape == self.hi.shape:
            raise InputError(
                f"prediction arrays differ in shape: {self.mean.shape}, {self.lo.shape}, "
                f"{self.hi.shape}"
            )

    def clipped(self) -> Prediction:
        """Contact volumes are never negative: clip all three arrays at zero."""
        return Prediction(
            mean=np.maximum(self.mean, 0.0),
            lo=np.maximum(self.lo, 0.0),
            hi=np.maximum(np.maximum(self.hi, self.mean), 0.0),
            level=self.level,
        )

    def scaled(self, factor: FloatArray | float) -> Prediction:
        """All three arrays multiplied by a factor (per value or scalar)."""
        return Prediction(
            mean=self.mean * factor, lo=self.lo * factor, hi=self.hi * factor, level=self.level
        )


@runtime_checkable
class Forecaster(Protocol):
    """A forecasting model: history in, :class:`Prediction` out. Implementations are frozen
    dataclasses holding only their settings, so one instance can forecast many series."""

    @property
    def name(self) -> str:
        """A short, stable name shown with every forecast (``"AutoETS x profile"``)."""
        ...

    def predict(
        self, history: FloatArray, *, horizon: int, slots_per_day: int, level: float
    ) -> Prediction:
        """Forecast ``horizon`` values after ``history`` (whole days, ``slots_per_day`` each)."""
        ...


@runtime_checkable
class CalendarForecaster(Forecaster, Protocol):
    """A model that also uses the calendar date of each history day (day of the month)."""

    def predict_on(
        self,
        history: FloatArray,
        *,
        first_day: date,
        horizon: int,
        slots_per_day: int,
        level: float,
    ) -> Prediction:
        """As ``predict``; ``first_day`` is the local date of the history's first day."""
        ...


def predict_dated(
    model: Forecaster,
    history: FloatArray,
    *,
    first_day: date,
    horizon: int,
    slots_per_day: int,
    level: float,
) -> Prediction:
    """Forecast with the history's dates when the model uses them, without otherwise."""
    if isinstance(model, CalendarForecaster):
        return model.predict_on(
            history, first_day=first_day, horizon=horizon, slots_per_day=slots_per_day, level=level
        )
    return model.predict(history, horizon=horizon, slots_per_day=slots_per_day, level=level)


def check_history(
    history: FloatArray, *, horizon: int, slots_per_day: int, min_days: int
) -> FloatArray:
    """Validate a model's input; return it as a float array."""
    values = np.asarray(history, dtype=np.float64)
    if values.ndim != 1:
        raise InputError(f"history must be 1-D, got shape {values.shape}")
    if slots_per_day < 1 or values.size % slots_per_day:
        raise InputError(
            f"history of {values.size} values is not whole days of {slots_per_day} slots"
        )
    if values.size < min_days * slots_per_day:
        raise InputError(
            f"history has {values.size // slots_per_day} days; this model needs at least {min_days}"
        )
    if horizon < 1:
        raise InputError(f"horizon must be at least 1, got {horizon}")
    if not np.all(np.isfinite(values)):
        raise InputError("history contains NaN or infinite values")
    return values


def level_z(level: float) -> float:
    """The standard normal quantile of a two-sided ``level``% prediction interval (1.96 at
    95): the half-width of an interval in standard deviations."""
    if not 0.0 < level < 100.0:
        raise InputError(f"prediction-interval level {level} must be between 0 and 100 percent")
    return NormalDist().inv_cdf(0.5 + level / 200.0)


class DatedModel:
    """``predict`` and ``predict_on`` for a model whose one ``_predict`` takes an optional date
    (a :class:`CalendarForecaster` that also works without dates)."""

    __slots__ = ()

    def _predict(
        self,
        history: FloatArray,
        *,
        first_day: date | None,
        horizon: int,
        slots_per_day: int,
        level: float,
    ) -> Prediction:
        raise TypeError(f"{type(self).__name__} must define _predict")

    def predict(
        self, history: FloatArray, *, horizon: int, slots_per_day: int, level: float
    ) -> Prediction:
        return self._predict(
            history, first_day=None, horizon=horizon, slots_per_day=slots_per_day, level=level
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
        return self._predict(
            history, first_day=first_day, horizon=horizon, slots_per_day=slots_per_day, level=level
        )
