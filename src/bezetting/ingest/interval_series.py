"""Interval-series files (DESIGN.md, "Interchange files"): read history, write forecasts.

History: ``queue,interval_start,volume,aht_seconds`` (``aht_seconds`` may be empty or absent).
Forecast: the same plus ``volume_lo,volume_hi`` (prediction interval), ``volume_override``
(the planners' change, already included in ``volume``) and a trailing ``model``.
``interval_start`` is a date and time with the UTC offset of the queue's local time.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import reduce
from typing import TextIO

import numpy as np

from bezetting.core.calendar import DEFAULT_TIMEZONE, floor_to_interval, local_minute_of_day, zone
from bezetting.core.errors import BadRowsError, InputError
from bezetting.core.forecast.auto import QueueForecast
from bezetting.core.forecast.series import IntervalSeries
from bezetting.ingest.errors import IngestError
from bezetting.interchange import read_interval_rows

__all__ = [
    "FORECAST_HEADER",
    "HISTORY_HEADER",
    "is_interval_series_header",
    "read_interval_series",
    "write_forecast",
]

HISTORY_HEADER = ("queue", "interval_start", "volume", "aht_seconds")
FORECAST_HEADER = (*HISTORY_HEADER, "volume_lo", "volume_hi", "volume_override", "model")


def is_interval_series_header(header: Sequence[str]) -> bool:
    """True when a CSV header is an interval-series file's (rather than contact records)."""
    names = {name.strip() for name in header}
    return {"queue", "interval_start", "volume"} <= names


def read_interval_series(
    lines: Iterable[str],
    *,
    interval_minutes: int,
    source: str = "interval series",
    timezone: str = DEFAULT_TIMEZONE,
) -> tuple[IntervalSeries, ...]:
    """Read an interval-series file into one series per queue (sorted by queue name).

    The rows are read by the rule ``bezetting staff`` reads them by
    (:func:`bezetting.interchange.read_interval_rows`), except that handle times may be
    missing. Rows on a finer grid than ``interval_minutes`` (6-minute counts for a 30-minute
    forecast, say) are added up: volumes summed, AHT weighted by volume. A finer
    ``interval_minutes`` than the file's own grid is refused.

    Raises:
        IngestError: listing every bad cell; nothing is returned then.
        InputError: a required column is missing, or the file's grid does not divide
            ``interval_minutes``.
    """
    try:
        rows = read_interval_rows(lines, source=source, aht_required=False)
    except BadRowsError as exc:
        raise IngestError(exc.source, exc.rows) from None
    queues = rows.queue.tolist()
    instants = rows.start_utc
    minutes = local_minute_of_day(instants, timezone=timezone)
    grid = reduce(math.gcd, np.unique(minutes).tolist(), 0) or 1440
    if interval_minutes % grid:
        raise InputError(
            f"{source}: intervals start every {grid} minutes, which does not divide "
            f"{interval_minutes}-minute intervals; choose a multiple of {grid}"
        )
    floored = floor_to_interval(instants, interval_minutes=interval_minutes, timezone=timezone)
    queue_array = rows.queue
    volume_array = rows.volume
    aht_array = rows.aht_seconds
    result = []
    for queue in sorted(set(queues)):
        mine = queue_array == queue
        unique, index = np.unique(floored[mine], return_inverse=True)
        queue_volume = np.bincount(index, weights=volume_array[mine], minlength=unique.size).astype(
            np.float64
        )
        known = ~np.isnan(aht_array[mine]) & (volume_array[mine] > 0)
        weighted = np.bincount(
            index[known],
            weights=aht_array[mine][known] * volume_array[mine][known],
            minlength=unique.size,
        )
        weight = np.bincount(index[known], weights=volume_array[mine][known], minlength=unique.size)
        with np.errstate(divide="ignore", invalid="ignore"):
            queue_aht = np.where(weight > 0, weighted / np.where(weight > 0, weight, 1.0), np.nan)
        result.append(
            IntervalSeries(
                queue=queue,
                interval_minutes=interval_minutes,
                timezone=timezone,
                starts_utc=unique,
                volume=queue_volume,
                aht_seconds=queue_aht,
            )
        )
    return tuple(result)


def _fmt(value: float, digits: int) -> str:
    return "" if math.isnan(value) else f"{value:.{digits}f}"


def write_forecast(forecasts: Sequence[QueueForecast], out: TextIO) -> int:
    """Write forecasts as an interval-series file; return the number of rows written.

    ``volume`` includes the planners' overrides; ``volume_override`` says by how much, and the
    prediction interval is shifted by the same amount.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FORECAST_HEADER)
    rows = 0
    for forecast in forecasts:
        tz = zone(forecast.timezone)
        label = forecast.model_label
        labels = np.full(len(forecast.starts_utc), label, dtype=object)
        for override in forecast.overrides:
            inside = override.covers(forecast.starts_utc)
            labels[inside] = labels[inside] + f"; {override.describe()}"
        volume = forecast.volume
        lo = np.maximum(forecast.volume_lo + forecast.volume_override, 0.0)
        hi = np.maximum(forecast.volume_hi + forecast.volume_override, 0.0)
        for i, start in enumerate(forecast.starts_utc.astype(np.int64).tolist()):
            local = datetime.fromtimestamp(start, tz=UTC).astimezone(tz)
            writer.writerow(
                (
                    forecast.queue,
                    local.isoformat(),
                    _fmt(float(volume[i]), 3),
                    _fmt(float(forecast.aht_seconds[i]), 1),
                    _fmt(float(lo[i]), 3),
                    _fmt(float(hi[i]), 3),
                    _fmt(float(forecast.volume_override[i]), 3),
                    labels[i],
                )
            )
            rows += 1
    return rows
