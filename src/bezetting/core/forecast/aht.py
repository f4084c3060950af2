"""Average handle time per interval: a daily level times a smoothed intraday profile.

A quarter-hour holds few contacts and handle times are skewed (a few calls last ten times the
mean), so one slot's mean handle time, even pooled over the same weekday of eight weeks, is
mostly noise: forecast as it stands it makes the staffing jump from one interval to the next.
The forecast here separates what is well measured from what is not:

* the level: the mean handle time of recent days (thousands of contacts), weighted by
  contacts and by recency; optionally one per weekday, shrunk towards that of all days;
* the profile: how each slot's handle time relates to its day's level, pooled over all recent
  days, averaged over the neighbouring slots (a Gaussian kernel over the clock, weighted by
  contacts) and shrunk towards 1 (the day's mean) where few contacts back it.

Interval AHT = level of the weekday x profile of the slot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bezetting.core.errors import InputError
from bezetting.core.forecast.protocol import FloatArray

__all__ = ["AhtSettings", "forecast_aht", "smoothed_aht_profile"]

_WEEK = 7
_MINUTES_PER_DAY = 1440


@dataclass(frozen=True, slots=True, kw_only=True)
class AhtSettings:
    """How much history the handle-time forecast reads and how hard it smooths.

    The defaults were chosen on windows the benchmark does not score (``bench/forecast.py
    --aht``; docs/benchmarks/forecast.md, "Stop 17"): among the settings that tie on the
    Anonymous Bank's February records (a quarter hour's actual AHT is too noisy to tell most
    apart), the one closest to the demo generator's known expected AHT.

    Attributes:
        history_days: recent days read.
        half_life_days: a day's weight halves every this many days back; None: every day
            alike (four weeks of data could not tell a half-life from none).
        smooth_minutes: standard deviation of the Gaussian kernel over the clock that averages
            a slot's profile with its neighbours' (0: each slot on its own; the pooling over
            all days and the shrinking already remove most of the noise).
        profile_prior_contacts: weight, in contacts, of the day's mean (a profile of 1) in each
            slot's profile: a slot whose kernel-weighted contacts number this many is halfway
            to the day's mean.
        weekday_prior_contacts: weight, in contacts, of the all-weekdays level in each
            weekday's level; None: one level for every weekday.
    """

    history_days: int = 56
    half_life_days: float | None = 28.0
    smooth_minutes: float = 30.0
    profile_prior_contacts: float = 50.0
    weekday_prior_contacts: float | None = None

    def __post_init__(self) -> None:
        if self.history_days < 1:
            raise InputError(f"history_days must be >= 1, got {self.history_days}")
        if self.half_life_days is not None and not self.half_life_days > 0:
            raise InputError(f"half_life_days must be > 0 or None, got {self.half_life_days}")
        for name in ("smooth_minutes", "profile_prior_contacts"):
            if not getattr(self, name) >= 0:
                raise InputError(f"{name} must be >= 0, got {getattr(self, name)}")
        prior = self.weekday_prior_contacts
        if prior is not None and not prior >= 0:
            raise InputError(f"weekday_prior_contacts must be >= 0 or None, got {prior}")


def _kernel(width: int, smooth_minutes: float) -> FloatArray:
    """Circular Gaussian weights by slot distance (index 0 = the slot itself)."""
    if smooth_minutes == 0:
        kernel = np.zeros(width)
        kernel[0] = 1.0
        return kernel
    distance = np.minimum(np.arange(width), width - np.arange(width))
    minutes = distance * (_MINUTES_PER_DAY / width)
    return np.exp(-0.5 * (minutes / smooth_minutes) ** 2)


def _circular_smooth(values: FloatArray, kernel: FloatArray) -> FloatArray:
    """Each slot's kernel-weighted sum over the day's slots (the day wraps at midnight)."""
    width = values.size
    offsets = (np.arange(width)[:, None] - np.arange(width)[None, :]) % width
    result: FloatArray = kernel[offsets] @ values
    return result


def smoothed_aht_profile(
    contacts: FloatArray,
    handle_seconds: FloatArray,
    expected_seconds: FloatArray,
    *,
    smooth_minutes: float,
    prior_contacts: float,
) -> FloatArray:
    """Each slot's handle time over its day's level, smoothed and shrunk towards 1.

    Args:
        contacts: per slot, contacts with a known handle time (summed over days, weighted).
        handle_seconds: per slot, their handle seconds.
        expected_seconds: per slot, their contacts times their day's level.
        smooth_minutes: standard deviation of the kernel over the clock.
        prior_contacts: weight of a profile of 1, in contacts.

    Returns:
        One factor per slot; 1 where no contact is near.

    Example: a slot with 2 contacts of twice the level between slots with 100 contacts at the
    level gets a factor close to 1, not 2.
    """
    kernel = _kernel(contacts.size, smooth_minutes)
    near_handle = _circular_smooth(handle_seconds, kernel)
    near_expected = _circular_smooth(expected_seconds, kernel)
    # The prior's seconds: prior_contacts at the level these contacts' days had.
    total_contacts = float(contacts.sum())
    level = float(expected_seconds.sum()) / total_contacts if total_contacts > 0 else 1.0
    prior = prior_contacts * level
    with np.errstate(divide="ignore", invalid="ignore"):
        profile = (near_handle + prior) / (near_expected + prior)
    return np.where(near_expected + prior > 0, profile, 1.0)


def forecast_aht(
    volume: FloatArray,
    aht_seconds: FloatArray,
    *,
    horizon_days: int,
    settings: AhtSettings | None = None,
) -> FloatArray:
    """AHT per slot for the ``horizon_days`` days after a history.

    Args:
        volume: (n_days, slots) contacts per slot; day 0 is any weekday, the rows are
            consecutive days (the forecast's weekday is the history's row modulo 7).
        aht_seconds: (n_days, slots) AHT per slot, NaN where unknown.
        horizon_days: days to forecast.
        settings: history, recency and smoothing (defaults: :class:`AhtSettings`).

    Returns:
        (horizon_days, slots); NaN only where the history has no handle time at all.
    """
    settings = settings or AhtSettings()
    n_days, width = volume.shape
    first = max(0, n_days - settings.history_days)
    days = np.arange(first, n_days)
    known = np.isfinite(aht_seconds[first:]) & (volume[first:] > 0)
    age = (n_days - 1 - days).astype(np.float64)
    half_life = settings.half_life_days
    recency = np.ones(days.size) if half_life is None else 0.5 ** (age / half_life)
    contacts = np.where(known, volume[first:], 0.0) * recency[:, None]
    seconds = np.where(known, aht_seconds[first:], 0.0) * contacts
    day_contacts, day_seconds = contacts.sum(axis=1), seconds.sum(axis=1)
    all_contacts = float(day_contacts.sum())
    if all_contacts == 0:
        return np.full((horizon_days, width), np.nan)
    overall = float(day_seconds.sum()) / all_contacts
    weekday_level = np.full(_WEEK, overall)  # a weekday without contacts: all days' level
    prior = settings.weekday_prior_contacts
    if prior is not None:
        for weekday in range(_WEEK):
            mine = days % _WEEK == weekday
            if day_contacts[mine].sum() + prior > 0:
                weekday_level[weekday] = (day_seconds[mine].sum() + prior * overall) / (
                    day_contacts[mine].sum() + prior
                )
    level_of_day = weekday_level[days % _WEEK]
    profile = smoothed_aht_profile(
        contacts.sum(axis=0),
        seconds.sum(axis=0),
        (contacts * level_of_day[:, None]).sum(axis=0),
        smooth_minutes=settings.smooth_minutes,
        prior_contacts=settings.profile_prior_contacts,
    )
    ahead = weekday_level[(n_days + np.arange(horizon_days)) % _WEEK]
    result: FloatArray = ahead[:, None] * profile[None, :]
    return result
