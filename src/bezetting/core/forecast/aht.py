"""Average handle time per interval: a volume-weighted mean of the same weekday and slot in
recent weeks, shrunk towards that slot's mean over all days when few contacts back it."""

from __future__ import annotations

import numpy as np

from bezetting.core.forecast.protocol import FloatArray

__all__ = ["forecast_aht"]

_WEEK = 7


def _weighted(volume: FloatArray, aht: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per slot: sum of handle seconds and count of contacts with a known AHT."""
    known = np.isfinite(aht) & (volume > 0)
    total = np.where(known, aht * volume, 0.0).sum(axis=0)
    count = np.where(known, volume, 0.0).sum(axis=0)
    return total, count


def forecast_aht(
    volume: FloatArray,
    aht_seconds: FloatArray,
    *,
    horizon_days: int,
    weeks: int = 8,
    prior_contacts: float = 20.0,
) -> FloatArray:
    """AHT per slot for the ``horizon_days`` days after a history.

    Args:
        volume: (n_days, slots) contacts per slot.
        aht_seconds: (n_days, slots) AHT per slot, NaN where unknown.
        horizon_days: days to forecast.
        weeks: recent weeks used.
        prior_contacts: weight (in contacts) of the all-days slot mean in the blend.

    Returns:
        (horizon_days, slots); NaN only where the history has no handle time at all.
    """
    n_days, width = volume.shape
    recent = slice(max(0, n_days - weeks * _WEEK), n_days)
    slot_total, slot_count = _weighted(volume[recent], aht_seconds[recent])
    all_count = float(slot_count.sum())
    overall = float(slot_total.sum()) / all_count if all_count > 0 else float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        slot_mean = np.where(
            slot_count > 0,
            (slot_total + prior_contacts * overall) / (slot_count + prior_contacts),
            overall,
        )
    result = np.empty((horizon_days, width))
    for day in range(horizon_days):
        rows = np.arange(n_days + day - _WEEK * ((day // _WEEK) + 1), -1, -_WEEK)[:weeks]
        rows = rows[(rows >= 0) & (rows < n_days)]
        total, count = _weighted(volume[rows], aht_seconds[rows])
        with np.errstate(invalid="ignore"):
            result[day] = (total + prior_contacts * slot_mean) / (count + prior_contacts)
    return result
