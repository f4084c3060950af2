"""Run a forecast for a queue: stored contact history in, a new stored forecast version out.

The flow: the queue's contact records (UTC) before ``first_day`` are aggregated into an
interval series on the queue's local clock (:func:`~bezetting.core.forecast.aggregate_contacts`),
:func:`~bezetting.core.forecast.forecast_queue` backtests the candidate models and forecasts
``days`` local days from ``first_day`` with the queue's opening hours (closed intervals are
zero), and the result is stored as the queue's next :class:`~bezetting.store.models.Forecast`
version with one row per interval and the backtest that chose the model.

The history is read in one short transaction and the forecast written in another: the model
fitting in between takes seconds to minutes, and no transaction is held open that long. The
write is one transaction; a concurrent forecast of the same queue makes the version clash,
which the store reports as a ``ConflictError``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from bezetting.core.calendar import check_interval_minutes, zone
from bezetting.core.errors import InputError
from bezetting.core.forecast import (
    ContactRecords,
    Forecaster,
    ForecastSettings,
    QueueForecast,
    aggregate_contacts,
    default_candidates,
    forecast_queue,
)
from bezetting.services._opening import queue_opening_hours
from bezetting.store import SessionFactory, transaction
from bezetting.store import planning_queries as plan_queries
from bezetting.store.models import Forecast, Queue
from bezetting.store.planning_queries import ContactTimes, ForecastIntervalValues

__all__ = ["MIN_HISTORY_DAYS", "ForecastRef", "run_forecast"]

ProgressCallback = Callable[[float, str], None]

MIN_HISTORY_DAYS = 28
"""Four weeks: three to fit on (the backtests' minimum) and one to backtest."""

_MODEL_COLUMN = 64  # length of forecasts.model


@dataclass(frozen=True, kw_only=True)
class ForecastRef:
    """A stored forecast and the figures a planner sees with it.

    Attributes:
        id, version: the stored forecast (versions count the queue's forecasts from 1).
        model: the chosen model's full name; ``backtest_wape`` its rolling-origin error
            (a fraction: 0.12 is 12%), ``backtest_bias`` its signed error (positive: too high).
        history_days: local days of contact history the models saw.
        total_volume: contacts forecast over the horizon.
    """

    id: int
    queue_id: int
    queue: str
    version: int
    model: str
    backtest_wape: float
    backtest_bias: float
    first_day: date
    days: int
    interval_minutes: int
    intervals: int
    total_volume: float
    history_days: int


def _utc(moment: np.datetime64) -> datetime:
    return datetime.fromtimestamp(int(moment.astype("datetime64[s]").astype(np.int64)), tz=UTC)


def _dt64(moment: datetime | None) -> np.datetime64:
    if moment is None:
        return np.datetime64("NaT", "s")
    return np.datetime64(int(moment.timestamp()), "s")


def _records(code: str, rows: Sequence[ContactTimes]) -> ContactRecords:
    n = len(rows)
    blank = np.full(n, "", dtype=np.str_)
    return ContactRecords(
        contact_id=blank,
        queue=np.full(n, code, dtype=np.str_),
        channel=blank,
        arrived_utc=np.array([_dt64(r.arrived_at) for r in rows], dtype="datetime64[s]"),
        answered_utc=np.array([_dt64(r.answered_at) for r in rows], dtype="datetime64[s]"),
        ended_utc=np.array([_dt64(r.ended_at) for r in rows], dtype="datetime64[s]"),
        abandoned=np.array([r.abandoned for r in rows], dtype=np.bool_),
        agent=blank,
        customer=blank,
        outcome=blank,
    )


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _backtest_json(result: QueueForecast, history_days: int) -> dict[str, object]:
    chosen = result.choice.backtest
    return {
        "model": result.choice.model.name,
        "wape": _number(chosen.wape),
        "mase": _number(chosen.mase),
        "bias": _number(chosen.bias),
        "origins": int(chosen.origins.size),
        "horizon_days": chosen.horizon_days,
        "history_days": history_days,
        "level": result.day_forecast.level,
        "ranking": [
            {"model": bt.model_name, "wape": _number(bt.wape)} for bt in result.choice.ranking
        ],
    }


def run_forecast(
    sessions: SessionFactory,
    *,
    queue_id: int,
    first_day: date,
    days: int,
    interval_minutes: int = 15,
    now: datetime,
    progress: ProgressCallback | None = None,
    history_days: int = 364,
    candidates: tuple[Forecaster, ...] | None = None,
    holidays_country: str | None = "NL",
    default_aht_seconds: float | None = None,
    organisation_id: int | None = None,
) -> ForecastRef:
    """Forecast ``days`` local days of the queue from ``first_day`` and store it.

    Args:
        queue_id: the queue.
        first_day: first local day forecast; history is what arrived before its midnight.
        days: local days to forecast (1 to 366).
        interval_minutes: 15, 30 or 60.
        now: stored as the forecast's creation time.
        progress: called with (fraction, message) while backtesting.
        history_days: local days of history to read back from ``first_day``.
        candidates: models to choose from; ``None`` means the daily-total models of
            :func:`~bezetting.core.forecast.default_candidates` (statsforecast's models on the
            intervals are opt-in: much slower).
        holidays_country: its public and optional holidays, and the day after each, as events
            (``None``: none).
        default_aht_seconds: handle time where the history has none.
        organisation_id: when given, the queue must belong to it (a caller acting for one
            organisation cannot forecast another's queue).

    Raises:
        InputError: unknown queue (or not the organisation's), bad period, fewer than
            :data:`MIN_HISTORY_DAYS` days of history, or no handle times and no
            ``default_aht_seconds``.
    """
    check_interval_minutes(interval_minutes)
    if not 1 <= days <= 366:
        raise InputError(f"days must be from 1 to 366, got {days}")
    if history_days < MIN_HISTORY_DAYS:
        raise InputError(f"history_days must be at least {MIN_HISTORY_DAYS}, got {history_days}")
    report = progress or (lambda _fraction, _message: None)
    report(0.0, "reading contact history")
    with transaction(sessions) as session:
        queue = session.get(Queue, queue_id)
        if queue is None or organisation_id not in (None, queue.organisation_id):
            raise InputError(f"no queue with id {queue_id}")
        code, timezone = queue.code, queue.timezone
        tz = zone(timezone)
        start = datetime.combine(first_day, time(0), tzinfo=tz).astimezone(UTC)
        since = datetime.combine(first_day - timedelta(days=history_days), time(0), tzinfo=tz)
        rows = plan_queries.contact_times(session, queue_id, since=since, until=start)
        hours = queue_opening_hours(session, queue_id)
    if not rows:
        raise InputError(
            f"queue {code!r} has no contact records in the {history_days} days before "
            f"{first_day}; import contact history first (bezetting import contacts)"
        )
    (series,) = aggregate_contacts(
        _records(code, rows), interval_minutes=interval_minutes, timezone=timezone
    )
    seen_days = (first_day - series.first_day).days
    if seen_days < MIN_HISTORY_DAYS:
        raise InputError(
            f"queue {code!r} has {seen_days} days of contact history before {first_day} "
            f"(from {series.first_day}); a forecast needs at least {MIN_HISTORY_DAYS}"
        )
    handled = series.aht_seconds[np.isfinite(series.aht_seconds)]
    weights = series.volume[np.isfinite(series.aht_seconds)]
    fallback_aht = default_aht_seconds
    if fallback_aht is None and handled.size and weights.sum() > 0:
        fallback_aht = float(np.average(handled, weights=weights))
    if fallback_aht is None:
        raise InputError(
            f"queue {code!r}: the contact history has no handle times (answered and ended "
            "times); give default_aht_seconds"
        )
    settings = ForecastSettings(
        horizon=timedelta(days=days),
        start_utc=_dt64(start),
        opening_hours=hours,
        holidays_country=holidays_country,
        candidates=candidates or default_candidates(interval_models=False),
    )

    def on_backtest(_queue: str, done: int, total: int) -> None:
        report(0.05 + 0.85 * done / max(total, 1), f"backtest {done} of {total}")

    result = forecast_queue(series, settings=settings, on_progress=on_backtest)
    aht = np.where(np.isfinite(result.aht_seconds), result.aht_seconds, fallback_aht)
    report(0.95, "saving the forecast")
    name = result.choice.model.name
    stored_name = name if len(name) <= _MODEL_COLUMN else name[: _MODEL_COLUMN - 1] + "…"
    with transaction(sessions, writes=True) as session:
        version = plan_queries.next_forecast_version(session, queue_id)
        forecast = Forecast(
            queue_id=queue_id,
            version=version,
            model=stored_name,
            interval_minutes=interval_minutes,
            starts_at=start,
            ends_at=_utc(result.starts_utc[-1]) + timedelta(minutes=interval_minutes),
            backtest=_backtest_json(result, seen_days),
            created_at=now,
        )
        session.add(forecast)
        session.flush()
        volume = result.volume
        plan_queries.insert_forecast_intervals(
            session,
            [
                ForecastIntervalValues(
                    forecast_id=forecast.id,
                    interval_start=_utc(result.starts_utc[i]),
                    volume=float(volume[i]),
                    aht_seconds=float(aht[i]),
                    volume_lo=float(max(result.volume_lo[i], 0.0)),
                    volume_hi=float(max(result.volume_hi[i], 0.0)),
                )
                for i in range(result.starts_utc.size)
            ],
        )
        forecast_id = forecast.id
    report(1.0, f"forecast version {version} saved")
    backtest = result.choice.backtest
    return ForecastRef(
        id=forecast_id,
        queue_id=queue_id,
        queue=code,
        version=version,
        model=name,
        backtest_wape=float(backtest.wape),
        backtest_bias=float(backtest.bias),
        first_day=first_day,
        days=days,
        interval_minutes=interval_minutes,
        intervals=int(result.starts_utc.size),
        total_volume=float(volume.sum()),
        history_days=seen_days,
    )
