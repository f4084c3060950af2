"""Planner overrides: a percentage or an absolute change over a time range, kept apart from
the model's forecast so that both stay visible."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bezetting.core.calendar import DatetimeArray
from bezetting.core.errors import InputError
from bezetting.core.forecast.protocol import FloatArray

__all__ = ["Override", "override_changes", "override_delta", "total_change"]


@dataclass(frozen=True, slots=True)
class Override:
    """Change the forecast volume of intervals starting in ``[start_utc, end_utc)``.

    Exactly one of ``percent`` (+10 means 10% more) and ``contacts_per_interval`` (added to
    each interval, may be negative) is given. ``queue`` limits it to one queue (``None``: all).
    """

    start_utc: np.datetime64
    end_utc: np.datetime64
    percent: float | None = None
    contacts_per_interval: float | None = None
    queue: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if (self.percent is None) == (self.contacts_per_interval is None):
            raise InputError("an override needs exactly one of percent and contacts_per_interval")
        if self.end_utc <= self.start_utc:
            raise InputError(f"override ends ({self.end_utc}) before it starts ({self.start_utc})")
        if self.percent is not None and self.percent < -100:
            raise InputError(f"override percent {self.percent} is below -100")

    def applies_to(self, queue: str) -> bool:
        """Whether this override changes ``queue`` (one without a queue changes them all)."""
        return self.queue is None or self.queue == queue

    def covers(self, starts_utc: DatetimeArray) -> NDArray[np.bool_]:
        """Which of the intervals starting at ``starts_utc`` lie in the override's range."""
        return (starts_utc >= self.start_utc) & (starts_utc < self.end_utc)

    def describe(self) -> str:
        """Short text for the model column and the report."""
        if self.percent is not None:
            change = f"{self.percent:+g}%"
        else:
            change = f"{self.contacts_per_interval:+g} per interval"
        return f"override {change}" + (f" ({self.note})" if self.note else "")


def override_changes(
    queue: str,
    starts_utc: DatetimeArray,
    model_volume: FloatArray,
    overrides: Sequence[Override],
    *,
    open_intervals: NDArray[np.bool_] | None = None,
) -> tuple[FloatArray, ...]:
    """What each override that applies to ``queue`` adds per interval, in order.

    Overrides apply in order, each to the volume as left by the ones before; the final volume
    is never below zero. Where ``open_intervals`` is given, closed intervals stay as they are:
    "+5 contacts an interval" over a day does not put contacts into the night. Each change is
    kept on its own so a report can say what every override did.
    """
    volume = np.asarray(model_volume, dtype=np.float64).copy()
    changes: list[FloatArray] = []
    for override in overrides:
        if not override.applies_to(queue):
            continue
        before = volume
        inside = override.covers(starts_utc)
        if open_intervals is not None:
            inside &= open_intervals
        volume = volume.copy()
        if override.percent is not None:
            volume[inside] *= 1.0 + override.percent / 100.0
        else:
            volume[inside] += float(override.contacts_per_interval or 0.0)
        volume = np.maximum(volume, 0.0)
        changes.append(volume - before)
    return tuple(changes)


def override_delta(
    queue: str,
    starts_utc: DatetimeArray,
    model_volume: FloatArray,
    overrides: Sequence[Override],
    *,
    open_intervals: NDArray[np.bool_] | None = None,
) -> FloatArray:
    """The change overrides make to a queue's model volume (add it to get the final volume):
    the sum of :func:`override_changes`."""
    changes = override_changes(
        queue, starts_utc, model_volume, overrides, open_intervals=open_intervals
    )
    return total_change(model_volume, changes)


def total_change(model_volume: FloatArray, changes: Sequence[FloatArray]) -> FloatArray:
    """The changes together, such that the model volume plus it is never below zero.

    Summing the changes leaves rounding: after "+10%" and "-1000 contacts" the model plus the
    sum can be -4e-15 where the volume is 0, which staffing refuses as a negative volume.
    Taken as "final minus model", the model plus it is exactly 0 there.
    """
    model = np.asarray(model_volume, dtype=np.float64)
    final = model.copy()
    for change in changes:
        final += change
    return np.maximum(final, 0.0) - model
