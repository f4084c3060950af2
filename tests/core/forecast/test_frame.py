"""The DataFrame edge: in and out with the interchange columns."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from bezetting.core.errors import InputError
from bezetting.core.forecast import (
    ForecastSettings,
    SeasonalNaive,
    forecast_queue,
    forecasts_to_frame,
    series_from_frame,
)


def test_a_frame_round_trips_through_a_forecast(weekly_pattern):
    starts = pd.date_range("2020-02-03", periods=35 * 24, freq="h", tz="Europe/Amsterdam")
    volume = np.resize(weekly_pattern(24), starts.size)  # by local clock position
    frame = pd.DataFrame({"queue": "q", "interval_start": starts, "volume": volume})
    (series,) = series_from_frame(frame, interval_minutes=60, timezone="Europe/Amsterdam")
    assert series.starts_utc[0] == np.datetime64("2020-02-02T23:00", "s")
    settings = ForecastSettings(horizon=timedelta(days=2), candidates=(SeasonalNaive(),),
                                backtest_origins=2, holidays_country=None)  # fmt: skip
    out = forecasts_to_frame([forecast_queue(series, settings=settings)])
    assert len(out) == 48
    assert str(out["interval_start"].dt.tz) == "Europe/Amsterdam"
    assert out["volume"].to_numpy() == pytest.approx(weekly_pattern(24)[:48])


def test_naive_timestamps_are_refused():
    frame = pd.DataFrame({"queue": ["q"], "interval_start": [pd.Timestamp("2020-02-03")],
                          "volume": [1.0]})  # fmt: skip
    with pytest.raises(InputError, match="timezone-aware"):
        series_from_frame(frame, interval_minutes=60, timezone="Europe/Amsterdam")
