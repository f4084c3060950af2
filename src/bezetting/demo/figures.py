"""The figures the demo takes from the public Anonymous Bank data (1999), as shipped derived files.

Three small files in ``bezetting/data`` (made by the scripts in ``scripts/``; the raw data is
never read here):

* ``anonymous_bank_1999_profile_derived.csv``: each half hour's share of a working day's calls,
  the mean handle time per half hour, and (in a comment) the mean patience of queued callers;
* ``anonymous_bank_1999_weekdays_derived.csv``: each weekday's share of a week's calls, the
  bank's Sunday-Thursday week mapped onto Monday-Friday and its short Friday onto Saturday;
* ``anonymous_bank_1999_handle_times_derived.csv``: quantiles of handle time over its mean.

The demo scales these shapes to its own volumes and handle-time levels, which are invented.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "HANDLE_TIMES_FILE",
    "PROFILE_FILE",
    "WEEKDAYS_FILE",
    "PublicDataFigures",
    "public_data_figures",
]

PROFILE_FILE = "anonymous_bank_1999_profile_derived.csv"
WEEKDAYS_FILE = "anonymous_bank_1999_weekdays_derived.csv"
HANDLE_TIMES_FILE = "anonymous_bank_1999_handle_times_derived.csv"
_PATIENCE_KEY = "# mean_patience_seconds="


@dataclass(frozen=True)
class PublicDataFigures:
    """Shapes derived from the public data.

    Attributes:
        half_hour_share: 48 shares of a working day's calls (midnight first), summing to 1.
        half_hour_aht_shape: 48 handle-time factors (mean 1 over the half hours with data;
            half hours without enough answered calls get 1).
        weekday_share: 7 shares of a week's calls, Monday first; Sunday is 0 (closed).
        handle_time_quantiles: 101 quantiles (0%, 1%, ..., 100%) of handle time over its mean.
        patience_seconds: mean patience of queued callers (exponential, maximum likelihood).
    """

    half_hour_share: NDArray[np.float64]
    half_hour_aht_shape: NDArray[np.float64]
    weekday_share: NDArray[np.float64]
    handle_time_quantiles: NDArray[np.float64]
    patience_seconds: float

    def handle_time_factors(self, uniforms: NDArray[np.float64]) -> NDArray[np.float64]:
        """Handle time over its mean for uniform draws in [0, 1] (inverse of the quantiles).

        The quantiles are joined by straight lines; the result is rescaled so that its mean
        (the area under that line) is exactly 1.
        """
        levels = np.linspace(0.0, 1.0, self.handle_time_quantiles.size)
        q = self.handle_time_quantiles
        mean = float(np.sum((q[1:] + q[:-1]) / 2) / (q.size - 1))
        return np.interp(uniforms, levels, q) / mean


def _rows(name: str) -> tuple[list[str], list[dict[str, str]]]:
    text = resources.files("bezetting.data").joinpath(name).read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return comments, list(csv.DictReader(io.StringIO(body)))


@cache
def public_data_figures() -> PublicDataFigures:
    """Read the three derived files shipped in ``bezetting.data`` (once per process)."""
    comments, profile = _rows(PROFILE_FILE)
    patience = next(
        float(line.removeprefix(_PATIENCE_KEY).split()[0])
        for line in comments
        if line.startswith(_PATIENCE_KEY)
    )
    share = np.array([float(r["share_of_day"]) for r in profile])
    aht = np.array([float(r["aht_seconds"]) if r["aht_seconds"] else np.nan for r in profile])
    aht_shape = np.where(np.isnan(aht), 1.0, aht / np.nanmean(aht))
    _, weekdays = _rows(WEEKDAYS_FILE)
    order = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    by_day = {r["weekday"]: float(r["share_of_week"]) for r in weekdays}
    weekday_share = np.array([by_day.get(day, 0.0) for day in order])
    _, handle_times = _rows(HANDLE_TIMES_FILE)
    quantiles = np.array([float(r["handle_time_over_mean"]) for r in handle_times])
    return PublicDataFigures(
        half_hour_share=share / share.sum(),
        half_hour_aht_shape=aht_shape,
        weekday_share=weekday_share / weekday_share.sum(),
        handle_time_quantiles=quantiles,
        patience_seconds=patience,
    )
