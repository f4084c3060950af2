"""The DataFrame edge: interval series from a pandas DataFrame, forecasts back to one.

The columns are those of the interval-series file (DESIGN.md): ``queue``, ``interval_start``
(timezone-aware timestamps), ``volume`` and optionally ``aht_seconds``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from bezetting.core.errors import InputError
from bezetting.core.forecast.auto import QueueForecast
from bezetting.core.forecast.series import IntervalSeries

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["forecasts_to_frame", "series_from_frame"]


def series_from_frame(
    frame: pd.DataFrame, *, interval_minutes: int, timezone: str
) -> tuple[IntervalSeries, ...]:
    """One :class:`IntervalSeries` per queue from a DataFrame (sorted by queue name).

    ``interval_start`` must be timezone-aware; rows must already be on the interval grid.
    """
    import pandas as pd

    missing = {"queue", "interval_start", "volume"} - set(frame.columns)
    if missing:
        raise InputError(f"DataFrame lacks columns {sorted(missing)}")
    starts = pd.to_datetime(frame["interval_start"])
    if starts.dt.tz is None:
        raise InputError("interval_start must be timezone-aware (carry a UTC offset)")
    seconds = starts.dt.tz_convert("UTC").astype("int64").to_numpy() // 10**9
    aht = (
        frame["aht_seconds"].to_numpy(dtype=np.float64)
        if "aht_seconds" in frame.columns
        else np.full(len(frame), np.nan)
    )
    volume = frame["volume"].to_numpy(dtype=np.float64)
    queues = frame["queue"].astype(str).to_numpy()
    result = []
    for queue in sorted(set(queues.tolist())):
        mine = queues == queue
        order = np.argsort(seconds[mine], kind="stable")
        result.append(
            IntervalSeries(
                queue=queue,
                interval_minutes=interval_minutes,
                timezone=timezone,
                starts_utc=seconds[mine][order].astype("datetime64[s]"),
                volume=volume[mine][order],
                aht_seconds=aht[mine][order],
            )
        )
    return tuple(result)


def forecasts_to_frame(forecasts: Sequence[QueueForecast]) -> pd.DataFrame:
    """Forecasts as one DataFrame with the forecast file's columns and the model volume."""
    import pandas as pd

    parts = []
    for forecast in forecasts:
        starts = pd.to_datetime(forecast.starts_utc.astype(np.int64), unit="s", utc=True)
        parts.append(
            pd.DataFrame(
                {
                    "queue": forecast.queue,
                    "interval_start": starts.tz_convert(forecast.timezone),
                    "volume": forecast.volume,
                    "aht_seconds": forecast.aht_seconds,
                    "volume_lo": np.maximum(forecast.volume_lo + forecast.volume_override, 0),
                    "volume_hi": np.maximum(forecast.volume_hi + forecast.volume_override, 0),
                    "volume_override": forecast.volume_override,
                    "volume_model": forecast.volume_model,
                    "model": forecast.model_label,
                }
            )
        )
    if not parts:
        raise InputError("no forecasts to put in a DataFrame")
    return pd.concat(parts, ignore_index=True)
