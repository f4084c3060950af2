"""Intraday profiles: how a day's volume spreads over its slots, per weekday.

A daily-total model says how many contacts a day brings; a profile says which quarter-hours
they fall in. These are the estimators :class:`~bezetting.core.forecast.models.DailyProfile`
blends: the weekday's own recent median, its long-term pooled share, the median of the
weekdays alike it, and a smoothing over the clock.
"""

from __future__ import annotations

import math

import numpy as np

from bezetting.core.errors import InputError
from bezetting.core.forecast.protocol import FloatArray

__all__ = [
    "ALIKE_MAX_DISTANCE",
    "DAYS_PER_WEEK",
    "alike_profile",
    "intraday_profile",
    "robust_profile",
    "smooth_profile",
    "weighted_median",
]

DAYS_PER_WEEK = 7


def intraday_profile(days: FloatArray, *, weeks: int) -> FloatArray:
    """Share of each weekday's volume per slot, from the last ``weeks`` weeks.

    Args:
        days: (n_days, slots) matrix, whole days, oldest first.
        weeks: how many past same weekdays to pool.

    Returns:
        (7, slots) matrix: row ``k`` is the profile of the weekday of day ``n_days - 7 + k``;
        each row sums to 1 (or is uniform when that weekday had no volume).
    """
    n_days, width = days.shape
    profiles = np.empty((DAYS_PER_WEEK, width))
    for k in range(DAYS_PER_WEEK):
        rows = np.arange(n_days - DAYS_PER_WEEK + k, -1, -DAYS_PER_WEEK)[:weeks]
        rows = rows[rows >= 0]
        pooled = days[rows].sum(axis=0)
        total = pooled.sum()
        profiles[k] = pooled / total if total > 0 else np.full(width, 1.0 / width)
    return profiles


def robust_profile(
    days: FloatArray,
    *,
    recent_weeks: int,
    long_weeks: int,
    recent_weight: float,
    alike_weight: float = 0.0,
    alike_days: int = 42,
    alike_half_life_days: float | None = None,
) -> FloatArray:
    """Each weekday's intraday profile: the slot-wise median share of its last
    ``recent_weeks`` days (robust to one odd day), blended with the pooled share of its last
    ``long_weeks`` days (stable in quiet slots); then, with ``alike_weight`` > 0, blended
    with the median share of the last ``alike_days`` days of the weekdays alike it (see
    :func:`alike_profile`).

    Returns:
        (7, slots) matrix as :func:`intraday_profile`; each row sums to 1.
    """
    if not 0.0 <= recent_weight <= 1.0:
        raise InputError(f"recent_weight must be between 0 and 1, got {recent_weight}")
    if not 0.0 <= alike_weight <= 1.0:
        raise InputError(f"alike_weight must be between 0 and 1, got {alike_weight}")
    if recent_weeks < 1 or long_weeks < 1:
        raise InputError(f"profile windows must be at least 1 week: {recent_weeks}, {long_weeks}")
    long_term = intraday_profile(days, weeks=long_weeks)
    own = _own_profile(days, long_term=long_term, recent_weeks=recent_weeks, weight=recent_weight)
    if alike_weight == 0.0:
        return own
    alike = alike_profile(
        days,
        long_term=long_term,
        recent_days=alike_days,
        max_distance=ALIKE_MAX_DISTANCE,
        half_life_days=alike_half_life_days,
    )
    return (1.0 - alike_weight) * own + alike_weight * alike


def _own_profile(
    days: FloatArray, *, long_term: FloatArray, recent_weeks: int, weight: float
) -> FloatArray:
    """The weekday's own recent median share blended (``weight``) with its long-term one."""
    if weight == 0.0:
        return long_term
    n_days, width = days.shape
    recent = np.empty((DAYS_PER_WEEK, width))
    for k in range(DAYS_PER_WEEK):
        rows = np.arange(n_days - DAYS_PER_WEEK + k, -1, -DAYS_PER_WEEK)[:recent_weeks]
        picked = days[rows[rows >= 0]]
        totals = picked.sum(axis=1)
        picked = picked[totals > 0]
        if picked.shape[0] == 0:
            recent[k] = long_term[k]
            continue
        median = np.median(picked / picked.sum(axis=1, keepdims=True), axis=0)
        total = median.sum()
        recent[k] = median / total if total > 0 else long_term[k]
    return weight * recent + (1.0 - weight) * long_term


ALIKE_MAX_DISTANCE = 0.25
"""Two weekdays are alike when their long-term intraday profiles differ by at most this much
(the sum of absolute share differences, 0 to 2): on the Anonymous Bank 1999 Sunday to
Thursday differ by 0.07-0.15, Friday, Saturday and the working days by 0.7-1.8."""


def weighted_median(values: FloatArray, weights: FloatArray) -> FloatArray:
    """Column-wise weighted median of a (n, slots) matrix: per column, the smallest value
    whose cumulative weight (values sorted ascending) reaches half of the total weight."""
    order = np.argsort(values, axis=0, kind="stable")
    ordered = np.take_along_axis(values, order, axis=0)
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64)[order], axis=0)
    first = np.argmax(cumulative >= 0.5 * float(np.sum(weights)), axis=0)
    result: FloatArray = ordered[first, np.arange(values.shape[1])]
    return result


def alike_profile(
    days: FloatArray,
    *,
    long_term: FloatArray,
    recent_days: int,
    max_distance: float,
    half_life_days: float | None = None,
) -> FloatArray:
    """Each weekday's profile from the recent days of every weekday *alike* it: the slot-wise
    median share over the last ``recent_days`` days whose weekday's ``long_term`` profile is
    within ``max_distance`` (summed absolute share difference) of its own.

    Working days usually share one shape; pooling them gives a weekday four or five times as
    many recent days as its own last weeks, so its profile follows recent changes with less
    noise. With ``half_life_days`` the median is weighted, the newest day counting 1 and the
    weight halving every ``half_life_days`` days back: a change of shape shows sooner, and
    one odd day still cannot pull the median as it would a mean.

    Args:
        days: (n_days, slots) matrix, whole days, oldest first.
        long_term: (7, slots) profiles as :func:`intraday_profile` returns.
        recent_days: how many of the last days to look at.
        max_distance: how far apart two weekdays' long-term profiles may be to be alike.
        half_life_days: age at which a day's weight halves; None weighs all days alike.

    Returns:
        (7, slots) matrix as :func:`intraday_profile`; a weekday without recent volume keeps
        its long-term profile.
    """
    if recent_days < 1:
        raise InputError(f"recent_days must be at least 1, got {recent_days}")
    if half_life_days is not None and not half_life_days > 0:
        raise InputError(f"half_life_days must be above 0 (or None), got {half_life_days}")
    n_days = days.shape[0]
    distance = np.abs(long_term[:, None, :] - long_term[None, :, :]).sum(axis=2)
    rows = np.arange(max(0, n_days - recent_days), n_days)
    row_weekday = (rows - (n_days - DAYS_PER_WEEK)) % DAYS_PER_WEEK
    totals = days[rows].sum(axis=1)
    profiles = long_term.copy()
    for k in range(DAYS_PER_WEEK):
        picked = rows[(distance[k, row_weekday] <= max_distance) & (totals > 0)]
        if picked.size == 0:
            continue
        shares = days[picked] / days[picked].sum(axis=1, keepdims=True)
        if half_life_days is None:
            median = np.median(shares, axis=0)
        else:
            median = weighted_median(shares, 0.5 ** ((n_days - 1 - picked) / half_life_days))
        total = median.sum()
        if total > 0:
            profiles[k] = median / total
    return profiles


def smooth_profile(profiles: FloatArray, *, sigma_slots: float) -> FloatArray:
    """Intraday profiles smoothed over the clock by a Gaussian kernel of ``sigma_slots``
    slots (the first and last slot repeated beyond the day's edges); slots with no share
    (closed) stay at zero and each row is scaled back to sum to 1.

    On the Anonymous Bank's June-October 1999 at 30 minutes, with the true daily totals,
    a kernel of 20 minutes lowered the interval WAPE from 19.7% to 19.3%.
    """
    if not sigma_slots >= 0.0 or not math.isfinite(sigma_slots):
        raise InputError(f"the smoothing width must be a finite number >= 0, got {sigma_slots}")
    values = np.asarray(profiles, dtype=np.float64)
    if sigma_slots == 0.0:
        return values
    reach = math.ceil(3.0 * sigma_slots)
    offsets = np.arange(-reach, reach + 1)
    kernel = np.exp(-0.5 * (offsets / sigma_slots) ** 2)
    kernel /= kernel.sum()
    padded = np.pad(values, ((0, 0), (reach, reach)), mode="edge")
    smoothed = np.stack([np.convolve(row, kernel, mode="valid") for row in padded])
    smoothed = np.where(values > 0, smoothed, 0.0)
    totals = smoothed.sum(axis=1, keepdims=True)
    return np.where(totals > 0, smoothed / np.where(totals > 0, totals, 1.0), values)
