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
    "DAY_AFTER_EVENT_NAME",
    "HOLIDAY_CATEGORIES",
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


HOLIDAY_CATEGORIES = ("public", "optional")
"""The ``holidays`` categories taken as events by default. ``optional`` holds days that are
not official days off but change demand: Israel's intermediate days of Sukkot and Pesach,
Purim, Remembrance Day; the Netherlands' Liberation Day outside jubilee years. At the
Anonymous Bank 1999 such days ran at 0.54-0.92 of their ordinary weeks."""
DAY_AFTER_EVENT_NAME = "day after a holiday"


def holiday_events(
    first_day: date,
    last_day: date,
    *,
    country: str = "NL",
    subdivision: str | None = None,
    categories: Sequence[str] = HOLIDAY_CATEGORIES,
    day_after: bool = True,
) -> tuple[Event, ...]:
    """Holidays between two dates (both included) from the ``holidays`` package.

    Each category's days are an event named after it (``public holiday``, ``optional
    holiday``), so each learns its own factor; a day in two categories counts in the first.
    A category the country does not have is skipped. With ``day_after``, the first day after
    every run of holidays is an event too (``day after a holiday``): the work put off comes
    back then (at the Anonymous Bank 1999 the days after a public holiday ran at 1.05-1.80
    times their ordinary weeks).
    """
    import holidays

    # The year before too: a holiday on the eve of ``first_day`` makes it a day after.
    years = range(first_day.year - (1 if day_after else 0), last_day.year + 1)
    try:
        offered = holidays.country_holidays(country, subdiv=subdivision, years=years)
    except NotImplementedError as exc:
        raise InputError(f"no holiday calendar for country {country!r}") from exc
    seen: dict[date, Event] = {}
    for category in categories:
        if category not in offered.supported_categories:
            continue
        calendar = holidays.country_holidays(
            country, subdiv=subdivision, years=years, categories=(category,)
        )
        name = HOLIDAY_EVENT_NAME if category == "public" else f"{category} holiday"
        for day, label in sorted(calendar.items()):
            seen.setdefault(day, Event(name=name, first_day=day, last_day=day, note=str(label)))
    events = list(seen.values())
    if day_after:
        events += [
            Event(DAY_AFTER_EVENT_NAME, after, after, note=f"after {event.note}")
            for event in seen.values()
            if (after := event.first_day + timedelta(days=1)) not in seen
        ]
    return tuple(
        sorted(
            (event for event in events if first_day <= event.first_day <= last_day),
            key=lambda event: (event.first_day, event.name),
        )
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
