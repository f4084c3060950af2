"""Rolling-origin backtests: forecast from many past origins, score each horizon day.

For origin ``o`` (a day index) the pipeline sees days ``[0, o)`` and forecasts days
``[o, o + horizon_days)``; the errors are kept per origin and horizon day so that WAPE, MASE
and bias can be read per horizon, over any subset of origins, and an ensemble scored from the
members' stored forecasts without refitting.

* WAPE = sum |forecast - actual| / sum actual
* bias = sum (forecast - actual) / sum actual (positive: over-forecast)
* MASE = mean absolute error / in-sample mean absolute error of the same-slot-last-week
  forecast (below 1 beats that naive forecast)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from bezetting.core.errors import InputError
from bezetting.core.forecast.pipeline import PipelineOptions, forecast_days
from bezetting.core.forecast.protocol import FloatArray, Forecaster

__all__ = ["BacktestResult", "ensemble_backtest", "origins_for", "rolling_origin"]

IntArray = npt.NDArray[np.int64]
_WEEK = 7


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan
        )


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """Forecasts and actuals of one model at every origin: (origins, horizon_days, slots)."""

    model_name: str
    origins: IntArray
    forecasts: FloatArray
    actuals: FloatArray
    naive_mae: FloatArray  # per origin: in-sample MAE of same slot last week

    @property
    def horizon_days(self) -> int:
        return int(self.forecasts.shape[1])

    def _sums(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        error = self.forecasts - self.actuals
        return (
            np.abs(error).sum(axis=(0, 2)),
            error.sum(axis=(0, 2)),
            self.actuals.sum(axis=(0, 2)),
        )

    @property
    def wape_by_horizon(self) -> FloatArray:
        """WAPE of horizon day 1, 2, ... (a fraction, not percent)."""
        absolute, _, actual = self._sums()
        return _ratio(absolute, actual)

    @property
    def bias_by_horizon(self) -> FloatArray:
        """Signed error over actual per horizon day; positive means over-forecast."""
        _, signed, actual = self._sums()
        return _ratio(signed, actual)

    @property
    def mase_by_horizon(self) -> FloatArray:
        """Mean absolute error per horizon day, scaled by the in-sample naive error."""
        mae = np.abs(self.forecasts - self.actuals).mean(axis=2)
        usable = self.naive_mae > 0  # a perfectly repeating history has no naive error
        if not np.any(usable):
            return np.full(self.horizon_days, np.nan)
        return np.asarray(
            (mae[usable] / self.naive_mae[usable, None]).mean(axis=0), dtype=np.float64
        )

    @property
    def wape(self) -> float:
        """WAPE over every origin and horizon day."""
        actual = float(self.actuals.sum())
        if actual <= 0:
            return float("nan")
        return float(np.abs(self.forecasts - self.actuals).sum() / actual)

    @property
    def bias(self) -> float:
        actual = float(self.actuals.sum())
        return float((self.forecasts - self.actuals).sum() / actual) if actual > 0 else float("nan")

    @property
    def mase(self) -> float:
        """MASE over every origin and horizon day (NaN when the naive error is zero)."""
        return float(np.mean(self.mase_by_horizon))

    def select(self, keep: npt.NDArray[np.bool_]) -> BacktestResult:
        """The same backtest restricted to some origins."""
        return replace(
            self,
            origins=self.origins[keep],
            forecasts=self.forecasts[keep],
            actuals=self.actuals[keep],
            naive_mae=self.naive_mae[keep],
        )


def origins_for(
    n_days: int,
    *,
    horizon_days: int,
    n_origins: int,
    step_days: int = 1,
    min_history_days: int = 21,
) -> IntArray:
    """The last ``n_origins`` origins (day indices), ``step_days`` apart, whose horizon fits in
    the history and which leave at least ``min_history_days`` to fit on."""
    last = n_days - horizon_days
    origins = np.arange(last, last - n_origins * step_days, -step_days, dtype=np.int64)[::-1]
    origins = origins[origins >= min_history_days]
    if origins.size == 0:
        raise InputError(
            f"a history of {n_days} days is too short to backtest a {horizon_days}-day horizon "
            f"with at least {min_history_days} days to fit on"
        )
    return origins


def _naive_mae(history: FloatArray) -> float:
    flat = history.ravel()
    period = _WEEK * history.shape[1]
    if flat.size <= period:
        return float("nan")
    recent = flat[-4 * period - period :]
    return float(np.mean(np.abs(recent[period:] - recent[:-period])))


def rolling_origin(
    history: FloatArray,
    model: Forecaster,
    *,
    first_day: date,
    origins: IntArray,
    horizon_days: int,
    open_slots: npt.NDArray[np.bool_] | None = None,
    options: PipelineOptions = PipelineOptions(),  # noqa: B008 - frozen, so safe as default
    on_origin: Callable[[], None] | None = None,
) -> BacktestResult:
    """Run the forecast pipeline from every origin and keep forecasts next to actuals.

    Args:
        history: (n_days, slots) volume matrix; row 0 is ``first_day``.
        model: the model to test.
        first_day: local date of row 0.
        origins: day indices of each origin's first forecast day (see :func:`origins_for`).
        horizon_days: days forecast from each origin.
        open_slots: (n_days, slots) opening mask of the history days, or ``None``.
        options: as for :func:`~bezetting.core.forecast.pipeline.forecast_days`.
        on_origin: called after each origin (for progress bars).
    """
    days = np.asarray(history, dtype=np.float64)
    n_days, width = days.shape
    if np.any(origins + horizon_days > n_days) or np.any(origins < 1):
        raise InputError(f"origins must leave {horizon_days} days of actuals and some history")
    forecasts = np.empty((origins.size, horizon_days, width))
    actuals = np.empty((origins.size, horizon_days, width))
    naive = np.empty(origins.size)
    for k, origin in enumerate(origins.tolist()):
        result = forecast_days(
            days[:origin],
            model,
            first_day=first_day,
            horizon_days=horizon_days,
            open_slots=None if open_slots is None else open_slots[origin : origin + horizon_days],
            options=options,
        )
        forecasts[k] = result.mean
        actuals[k] = days[origin : origin + horizon_days]
        naive[k] = _naive_mae(days[:origin])
        if on_origin is not None:
            on_origin()
    return BacktestResult(
        model_name=model.name,
        origins=np.asarray(origins, dtype=np.int64),
        forecasts=forecasts,
        actuals=actuals,
        naive_mae=naive,
    )


def ensemble_backtest(
    members: Sequence[BacktestResult],
    *,
    name: str,
    weights: Sequence[float] | None = None,
) -> BacktestResult:
    """Score the (weighted) mean of several models from their stored backtest forecasts."""
    if not members:
        raise InputError("an ensemble backtest needs at least one member")
    first = members[0]
    for member in members[1:]:
        if not np.array_equal(member.origins, first.origins) or (
            member.forecasts.shape != first.forecasts.shape
        ):
            raise InputError("ensemble members were backtested on different origins")
    return replace(
        first,
        model_name=name,
        forecasts=np.average(
            [member.forecasts for member in members],
            axis=0,
            weights=None if weights is None else np.asarray(weights, dtype=np.float64),
        ),
    )


def horizon_dates(first_day: date, origin: int, horizon_days: int) -> list[date]:
    """Local dates forecast from one origin (for reports)."""
    return [first_day + timedelta(days=origin + h) for h in range(horizon_days)]
