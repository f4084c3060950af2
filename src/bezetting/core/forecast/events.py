"""Holidays, declared events and abrupt level shifts.

An *event* is a named range of local dates on which demand is not what the weeks around it
say: a public holiday, a campaign, a new regulation. Event days in the history are replaced by
their ordinary weeks before a model sees them (so one Easter Monday does not teach a model a
dip), and event days in the horizon get a volume factor: the one declared, or else the median
ratio seen on past days of an event with the same name.

A *level shift* is an abrupt and lasting change of the daily volume (spring 2020). When one is
found, the history before it is rescaled to the new level, keeping its weekly and intraday
pattern.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from bezetting.core.errors import InputError
from bezetting.core.forecast.protocol import FloatArray

__all__ = [
    "HOLIDAY_EVENT_NAME",
    "Event",
    "EventFactor",
    "LevelShift",
    "apply_event_factors",
    "detect_level_shift",
    "holiday_events",
    "neutralise_events",
]

HOLIDAY_EVENT_NAME = "public holiday"
_DAYS_PER_WEEK = 7


@dataclass(frozen=True, slots=True)
class Event:
    """A named range of local dates, both included.

    Args:
        name: events sharing a name share what the history teaches about them.
        first_day: first local date of the event.
        last_day: last local date of the event.
        volume_factor: declared multiplier on the forecast volume on those days; ``None`` means
            "learn it from past events of this name" (and 1.0 when there are none).
        note: free text shown with the forecast (the holiday's name, say).
    """

    name: str
    first_day: date
    last_day: date
    volume_factor: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise InputError(
                f"event {self.name!r} ends ({self.last_day}) before it starts ({self.first_day})"
            )
        if self.volume_factor is not None and not 0.0 <= self.volume_factor < 1000.0:
            raise InputError(
                f"event {self.name!r} has volume_factor {self.volume_factor}; need 0 <= f < 1000"
            )

    def covers(self, day: date) -> bool:
        """True when the local date is within the event."""
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True, slots=True)
class EventFactor:
    """The factor applied to one event's days in the forecast, and where it came from."""

    event: Event
    factor: float
    source: str  # "declared", "history (n days)" or "no history"


@dataclass(frozen=True, slots=True)
class LevelShift:
    """An abrupt change of level: from day ``day_index`` on, volume is ``ratio`` times before."""

    day_index: int
    ratio: float


def holiday_events(
    first_day: date, last_day: date, *, country: str = "NL", subdivision: str | None = None
) -> tuple[Event, ...]:
    """Public holidays between two dates (both included) from the ``holidays`` package."""
    import holidays

    try:
        calendar = holidays.country_holidays(
            country, subdiv=subdivision, years=range(first_day.year, last_day.year + 1)
        )
    except NotImplementedError as exc:
        raise InputError(f"no holiday calendar for country {country!r}") from exc
    return tuple(
        Event(name=HOLIDAY_EVENT_NAME, first_day=day, last_day=day, note=str(label))
        for day, label in sorted(calendar.items())
        if first_day <= day <= last_day
    )


def _event_days(first_day: date, n_days: int, events: Sequence[Event]) -> list[list[Event]]:
    per_day: list[list[Event]] = [[] for _ in range(n_days)]
    for event in events:
        start = max((event.first_day - first_day).days, 0)
        stop = min((event.last_day - first_day).days + 1, n_days)
        for index in range(start, stop):
            per_day[index].append(event)
    return per_day


def neutralise_events(
    days: FloatArray, *, first_day: date, events: Sequence[Event], weeks: int = 4
) -> tuple[FloatArray, dict[str, list[float]]]:
    """Replace event days by the mean of the same weekday in nearby ordinary weeks.

    Args:
        days: (n_days, slots) history matrix; row 0 is ``first_day``.
        first_day: local date of row 0.
        events: the events to take out.
        weeks: how many ordinary same weekdays to average (nearest first, earlier preferred).

    Returns:
        The cleaned matrix and, per event name, the ratios of the actual day total to its
        replacement (the evidence for that event's future factor).
    """
    n_days = days.shape[0]
    per_day = _event_days(first_day, n_days, events)
    is_event = np.array([bool(found) for found in per_day], dtype=np.bool_)
    cleaned = days.copy()
    ratios: dict[str, list[float]] = {}
    for index in np.flatnonzero(is_event):
        before = np.arange(index - _DAYS_PER_WEEK, -1, -_DAYS_PER_WEEK)
        after = np.arange(index + _DAYS_PER_WEEK, n_days, _DAYS_PER_WEEK)
        donors = [int(i) for i in np.concatenate([before, after]) if not is_event[i]][:weeks]
        if not donors:
            continue
        replacement = days[donors].mean(axis=0)
        cleaned[index] = replacement
        expected = float(replacement.sum())
        if expected > 0:
            for event in per_day[index]:
                ratios.setdefault(event.name, []).append(float(days[index].sum()) / expected)
    return cleaned, ratios


def apply_event_factors(
    first_day: date,
    n_days: int,
    *,
    events: Sequence[Event],
    history_ratios: dict[str, list[float]],
) -> tuple[FloatArray, tuple[EventFactor, ...]]:
    """Per-day volume factors for the days from ``first_day`` on, and what was applied.

    Where events overlap on a day their factors multiply.
    """
    factors = np.ones(n_days)
    applied: list[EventFactor] = []
    last_day = first_day + timedelta(days=n_days - 1)
    for event in events:
        if event.last_day < first_day or event.first_day > last_day:
            continue
        if event.volume_factor is not None:
            factor, source = event.volume_factor, "declared"
        elif history_ratios.get(event.name):
            seen = history_ratios[event.name]
            factor, source = float(np.median(seen)), f"history ({len(seen)} days)"
        else:
            factor, source = 1.0, "no history"
        start = max((event.first_day - first_day).days, 0)
        stop = min((event.last_day - first_day).days + 1, n_days)
        factors[start:stop] *= factor
        applied.append(EventFactor(event=event, factor=factor, source=source))
    return factors, tuple(applied)


def detect_level_shift(
    daily_totals: FloatArray,
    *,
    min_days_after: int = 7,
    weeks_before: int = 4,
    threshold: float = 0.25,
) -> LevelShift | None:
    """Find an abrupt, lasting change of level in daily totals; ``None`` when there is none.

    For every candidate day, the whole weeks after it are compared with the ``weeks_before``
    weeks before it (whole weeks, so the weekly pattern cancels). A shift is declared where
    the log-ratio is largest, when it exceeds ``threshold`` (0.25 is about +28% or -22%), is
    larger than four times the week-to-week noise before it, and every week after it on its
    own moves the same way by more than half the threshold.
    """
    totals = np.asarray(daily_totals, dtype=np.float64)
    n_days = totals.size
    best: tuple[float, int, float] | None = None
    first = _DAYS_PER_WEEK * 2
    for start in range(first, n_days - min_days_after + 1):
        n_before = min(weeks_before, start // _DAYS_PER_WEEK)
        n_after = (n_days - start) // _DAYS_PER_WEEK
        before_weeks = totals[start - n_before * _DAYS_PER_WEEK : start].reshape(n_before, -1)
        after_weeks = totals[start : start + n_after * _DAYS_PER_WEEK].reshape(n_after, -1)
        before_sums = before_weeks.sum(axis=1)
        after_sums = after_weeks.sum(axis=1)
        if np.any(before_sums <= 0) or np.any(after_sums <= 0):
            continue
        level_before = float(before_sums.mean())
        log_ratio = float(np.log(after_sums.mean() / level_before))
        noise = float(np.std(np.log(before_sums))) if n_before > 1 else 0.0
        each = np.log(after_sums / level_before)
        consistent = bool(np.all(np.sign(each) == np.sign(log_ratio))) and bool(
            np.all(np.abs(each) > threshold / 2)
        )
        if abs(log_ratio) > max(threshold, 4 * noise) and consistent:
            score = abs(log_ratio)
            if best is None or score > best[0]:
                best = (score, start, float(np.exp(log_ratio)))
    if best is None:
        return None
    return LevelShift(day_index=best[1], ratio=best[2])
