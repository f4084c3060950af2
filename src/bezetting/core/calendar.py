"""The interval grid, local days in a time zone, and opening hours.

Time is stored as UTC instants (``numpy.datetime64[s]``, naive by numpy's convention but always
meaning UTC) and shown in a queue's local time zone, Europe/Amsterdam by default. A *local day*
runs from local midnight to the next local midnight, so in Amsterdam the last Sunday of March has
23 hours (92 quarter-hours) and the last Sunday of October has 25 (100 quarter-hours).

Intervals are 15, 30 or 60 minutes and start on whole multiples of their length in local clock
time. A *slot* is an interval's position on the local clock (``local minute of day //
interval_minutes``): on the 25-hour day two intervals share a slot, on the 23-hour day some slots
are missing.

Example:
    >>> from datetime import date
    >>> len(local_day_starts_utc(date(2020, 3, 29), interval_minutes=15))
    92
    >>> len(local_day_starts_utc(date(2020, 10, 25), interval_minutes=15))
    100
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from bezetting.core.errors import InputError

__all__ = [
    "ALLOWED_INTERVAL_MINUTES",
    "DEFAULT_TIMEZONE",
    "MINUTES_PER_DAY",
    "OpenSpan",
    "OpeningHours",
    "check_interval_minutes",
    "expand_day_matrix",
    "floor_to_interval",
    "local_dates",
    "local_day_starts_utc",
    "local_grid_starts_utc",
    "local_minute_of_day",
    "slot_positions",
    "slots_per_day",
    "to_day_matrix",
    "to_local_naive",
    "utc_offset_seconds",
    "zone",
]

DEFAULT_TIMEZONE = "Europe/Amsterdam"
ALLOWED_INTERVAL_MINUTES = (15, 30, 60)
MINUTES_PER_DAY = 24 * 60

DatetimeArray = npt.NDArray[np.datetime64]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_QUARTER_SECONDS = 15 * 60
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def check_interval_minutes(interval_minutes: int) -> int:
    """Return ``interval_minutes`` if it is 15, 30 or 60; raise :class:`InputError` otherwise."""
    if interval_minutes not in ALLOWED_INTERVAL_MINUTES:
        raise InputError(
            f"interval_minutes={interval_minutes!r} is not supported; use one of "
            f"{', '.join(str(m) for m in ALLOWED_INTERVAL_MINUTES)}"
        )
    return interval_minutes


def slots_per_day(interval_minutes: int) -> int:
    """Number of local clock slots in a day: 96, 48 or 24."""
    return MINUTES_PER_DAY // check_interval_minutes(interval_minutes)


def zone(timezone: str) -> ZoneInfo:
    """The :class:`~zoneinfo.ZoneInfo` for an IANA name, or :class:`InputError`."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"unknown time zone {timezone!r}; use an IANA name like 'Europe/Amsterdam'"
        ) from exc


def _utc_datetime64(moment: datetime) -> np.datetime64:
    seconds = int((moment.astimezone(UTC) - _EPOCH).total_seconds())
    return np.datetime64(seconds, "s")


def _local_midnight_utc(day: date, tz: ZoneInfo) -> np.datetime64:
    return _utc_datetime64(datetime.combine(day, time(0), tzinfo=tz))


def local_day_starts_utc(
    day: date, *, interval_minutes: int, timezone: str = DEFAULT_TIMEZONE
) -> DatetimeArray:
    """The UTC starts of every interval of one local day, in order.

    The day runs from local midnight to the next local midnight, so its length follows the
    daylight-saving switch: 92, 96 or 100 quarter-hours in Amsterdam.
    """
    return local_grid_starts_utc(day, day, interval_minutes=interval_minutes, timezone=timezone)


def local_grid_starts_utc(
    first_day: date,
    last_day: date,
    *,
    interval_minutes: int,
    timezone: str = DEFAULT_TIMEZONE,
) -> DatetimeArray:
    """The UTC starts of every interval of the local days ``first_day`` to ``last_day``.

    Both days are included. Local midnights are computed in the zone, so the grid has no gap or
    overlap at a daylight-saving switch.
    """
    check_interval_minutes(interval_minutes)
    if last_day < first_day:
        raise InputError(f"last_day {last_day} is before first_day {first_day}")
    tz = zone(timezone)
    start = _local_midnight_utc(first_day, tz)
    end = _local_midnight_utc(last_day + timedelta(days=1), tz)
    return np.arange(start, end, np.timedelta64(interval_minutes * 60, "s"))


def utc_offset_seconds(instants_utc: DatetimeArray, *, timezone: str) -> IntArray:
    """The zone's UTC offset in seconds at each instant.

    Every real zone changes offset on a quarter-hour boundary, so the offset is looked up once
    per distinct quarter-hour rather than once per instant.
    """
    tz = zone(timezone)
    seconds = np.asarray(instants_utc, dtype="datetime64[s]").astype(np.int64)
    quarters = np.floor_divide(seconds, _QUARTER_SECONDS)
    unique_quarters, inverse = np.unique(quarters, return_inverse=True)
    offsets = np.empty(unique_quarters.shape, dtype=np.int64)
    for i, quarter in enumerate(unique_quarters.tolist()):
        moment = datetime.fromtimestamp(quarter * _QUARTER_SECONDS, tz=UTC).astimezone(tz)
        delta = moment.utcoffset()
        offsets[i] = 0 if delta is None else int(delta.total_seconds())
    return offsets[inverse.reshape(quarters.shape)]


def to_local_naive(instants_utc: DatetimeArray, *, timezone: str) -> DatetimeArray:
    """Local wall-clock times (naive ``datetime64[s]``) of UTC instants."""
    seconds = np.asarray(instants_utc, dtype="datetime64[s]")
    offsets = utc_offset_seconds(seconds, timezone=timezone)
    local: DatetimeArray = seconds + offsets.astype("timedelta64[s]")
    return local


def local_dates(instants_utc: DatetimeArray, *, timezone: str) -> npt.NDArray[np.datetime64]:
    """The local calendar date (``datetime64[D]``) of each UTC instant."""
    dates: DatetimeArray = to_local_naive(instants_utc, timezone=timezone).astype("datetime64[D]")
    return dates


def local_minute_of_day(instants_utc: DatetimeArray, *, timezone: str) -> IntArray:
    """Minutes since local midnight, on the local wall clock, of each UTC instant."""
    local = to_local_naive(instants_utc, timezone=timezone)
    since_midnight = local - local.astype("datetime64[D]")
    minutes: IntArray = since_midnight.astype("timedelta64[s]").astype(np.int64) // 60
    return minutes


def floor_to_interval(
    instants_utc: DatetimeArray, *, interval_minutes: int, timezone: str
) -> DatetimeArray:
    """The UTC start of the interval (on the local clock grid) that holds each instant.

    Flooring is done in local time and mapped back with the offset in force at the instant, so
    the result is right in zones whose offset is not a whole number of intervals and on both
    passes through the repeated hour of the 25-hour day.
    """
    check_interval_minutes(interval_minutes)
    seconds = np.asarray(instants_utc, dtype="datetime64[s]")
    offsets = utc_offset_seconds(seconds, timezone=timezone)
    local_seconds = seconds.astype(np.int64) + offsets
    step = interval_minutes * 60
    floored_local = local_seconds - np.mod(local_seconds, step)
    floored: DatetimeArray = (floored_local - offsets).astype("datetime64[s]")
    return floored


def slot_positions(
    starts_utc: DatetimeArray, *, first_day: date, interval_minutes: int, timezone: str
) -> tuple[IntArray, IntArray]:
    """For each interval start: its local day (counted from ``first_day``) and its clock slot."""
    check_interval_minutes(interval_minutes)
    local = to_local_naive(starts_utc, timezone=timezone)
    days = local.astype("datetime64[D]")
    day_index = (days - np.datetime64(first_day, "D")).astype(np.int64)
    minutes = (local - days).astype("timedelta64[s]").astype(np.int64) // 60
    return day_index, (minutes // interval_minutes).astype(np.int64)


def to_day_matrix(
    starts_utc: DatetimeArray,
    values: FloatArray,
    *,
    first_day: date,
    n_days: int,
    interval_minutes: int,
    timezone: str,
    fill: float = 0.0,
) -> FloatArray:
    """Lay values given per UTC interval onto a (local day x clock slot) matrix.

    This is how the forecasting models see every day as the same length:

    * an interval of the grid with no value gets ``fill`` (0 for contact counts);
    * the repeated hour of the 25-hour day puts two intervals on one slot: their mean is kept,
      so the slot holds a per-interval rate like every other slot;
    * the skipped hour of the 23-hour day leaves slots that do not exist: they are interpolated
      linearly from their neighbours on that day, so a model does not read them as a dip.

    Values before ``first_day`` or after the last day are ignored. NaN values are skipped.
    """
    width = slots_per_day(interval_minutes)
    if n_days < 1:
        raise InputError(f"n_days must be at least 1, got {n_days}")
    values = np.asarray(values, dtype=np.float64)
    grid = local_grid_starts_utc(
        first_day,
        first_day + timedelta(days=n_days - 1),
        interval_minutes=interval_minutes,
        timezone=timezone,
    )
    grid_day, grid_slot = slot_positions(
        grid, first_day=first_day, interval_minutes=interval_minutes, timezone=timezone
    )
    exists = np.zeros((n_days, width), dtype=np.bool_)
    exists[grid_day, grid_slot] = True

    day, slot = slot_positions(
        np.asarray(starts_utc, dtype="datetime64[s]"),
        first_day=first_day,
        interval_minutes=interval_minutes,
        timezone=timezone,
    )
    keep = (day >= 0) & (day < n_days) & ~np.isnan(values)
    total = np.zeros((n_days, width))
    count = np.zeros((n_days, width))
    np.add.at(total, (day[keep], slot[keep]), values[keep])
    np.add.at(count, (day[keep], slot[keep]), 1.0)
    matrix = np.full((n_days, width), fill, dtype=np.float64)
    seen = count > 0
    matrix[seen] = total[seen] / count[seen]
    for row in np.flatnonzero(~exists.all(axis=1)):
        present = np.flatnonzero(exists[row])
        absent = np.flatnonzero(~exists[row])
        matrix[row, absent] = np.interp(absent, present, matrix[row, present])
    return matrix


def expand_day_matrix(
    matrix: FloatArray, *, first_day: date, interval_minutes: int, timezone: str
) -> tuple[DatetimeArray, FloatArray]:
    """The inverse of :func:`to_day_matrix`: every real interval of the local days takes its
    slot's value (so the 25-hour day repeats an hour and the 23-hour day skips one)."""
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != slots_per_day(interval_minutes):
        raise InputError(
            f"matrix shape {matrix.shape} does not have {slots_per_day(interval_minutes)} "
            f"slots per day for {interval_minutes}-minute intervals"
        )
    grid = local_grid_starts_utc(
        first_day,
        first_day + timedelta(days=matrix.shape[0] - 1),
        interval_minutes=interval_minutes,
        timezone=timezone,
    )
    day, slot = slot_positions(
        grid, first_day=first_day, interval_minutes=interval_minutes, timezone=timezone
    )
    return grid, matrix[day, slot]


@dataclass(frozen=True, slots=True)
class OpenSpan:
    """An opening span on the local clock: from ``open_minute`` (inclusive) to
    ``close_minute`` (exclusive), in minutes since local midnight; 1440 means midnight at the
    end of the day."""

    open_minute: int
    close_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.open_minute < self.close_minute <= MINUTES_PER_DAY:
            raise InputError(
                f"opening span {self.open_minute}-{self.close_minute} minutes is invalid; "
                "need 0 <= open < close <= 1440"
            )

    @classmethod
    def parse(cls, text: str) -> OpenSpan:
        """Parse ``"08:00-20:00"`` (``24:00`` is allowed as the close)."""
        try:
            opening, closing = (part.strip() for part in text.split("-"))
            return cls(_parse_clock(opening), _parse_clock(closing))
        except ValueError as exc:
            raise InputError(
                f"opening hours {text!r} are malformed; write them like '08:00-20:00'"
            ) from exc


def _parse_clock(text: str) -> int:
    hours, minutes = text.split(":")
    value = int(hours) * 60 + int(minutes)
    if not 0 <= int(minutes) < 60 or not 0 <= value <= MINUTES_PER_DAY:
        raise ValueError(text)
    return value


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _spans_mask(minutes: IntArray, spans: tuple[OpenSpan, ...]) -> BoolArray:
    mask = np.zeros(minutes.shape, dtype=np.bool_)
    for span in spans:
        mask |= (minutes >= span.open_minute) & (minutes < span.close_minute)
    return mask


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """When a queue takes contacts: spans per weekday (Monday first) and per date.

    A date in ``by_date`` replaces its weekday's spans (an empty tuple closes the queue that day,
    as on a public holiday). An interval is open when its local start lies in a span.

    Example:
        >>> hours = OpeningHours.weekly({"mon-fri": "08:00-20:00", "sat": "10:00-16:00"})
        >>> hours.spans_on(date(2020, 3, 21))
        (OpenSpan(open_minute=600, close_minute=960),)
    """

    by_weekday: tuple[tuple[OpenSpan, ...], ...]
    by_date: Mapping[date, tuple[OpenSpan, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.by_weekday) != 7:
            raise InputError(
                f"by_weekday needs 7 entries (Monday first), got {len(self.by_weekday)}"
            )

    @classmethod
    def always(cls) -> OpeningHours:
        """Open around the clock, every day."""
        full = (OpenSpan(0, MINUTES_PER_DAY),)
        return cls(by_weekday=(full,) * 7)

    @classmethod
    def weekly(
        cls,
        spec: Mapping[str, str],
        *,
        by_date: Mapping[date, str] | None = None,
    ) -> OpeningHours:
        """Build from text: keys are weekdays (``mon``..``sun``) or ranges (``mon-fri``);
        values are spans like ``"08:00-20:00"``, several separated by commas, or ``"closed"``.
        Days not named are closed."""
        days: list[tuple[OpenSpan, ...]] = [() for _ in range(7)]
        for key, value in spec.items():
            for weekday in _parse_weekdays(key):
                days[weekday] = _parse_spans(value)
        dates = {day: _parse_spans(value) for day, value in (by_date or {}).items()}
        return cls(by_weekday=tuple(days), by_date=dates)

    def with_dates(self, closed_or_open: Mapping[date, tuple[OpenSpan, ...]]) -> OpeningHours:
        """A copy with more per-date spans (later entries win)."""
        merged = dict(self.by_date)
        merged.update(closed_or_open)
        return OpeningHours(by_weekday=self.by_weekday, by_date=merged)

    def spans_on(self, day: date) -> tuple[OpenSpan, ...]:
        """The spans in force on a local date."""
        if day in self.by_date:
            return self.by_date[day]
        return self.by_weekday[day.weekday()]

    def open_mask(self, starts_utc: DatetimeArray, *, timezone: str) -> BoolArray:
        """True for each interval (given by its UTC start) whose local start is within hours."""
        starts = np.asarray(starts_utc, dtype="datetime64[s]")
        local = to_local_naive(starts, timezone=timezone)
        days = local.astype("datetime64[D]")
        minutes = (local - days).astype(np.int64) // 60
        mask = np.zeros(starts.shape, dtype=np.bool_)
        for day64 in np.unique(days):
            day = day64.astype(date)
            on_day = days == day64
            mask[on_day] = _spans_mask(minutes[on_day], self.spans_on(day))
        return mask


def _parse_weekdays(key: str) -> list[int]:
    parts = [part.strip()[:3] for part in key.strip().lower().split("-")]
    try:
        if len(parts) == 2:
            first, last = (_WEEKDAYS.index(part) for part in parts)
            if last < first:
                raise ValueError(key)
            return list(range(first, last + 1))
        if len(parts) != 1:
            raise ValueError(key)
        return [_WEEKDAYS.index(parts[0])]
    except ValueError as exc:
        raise InputError(
            f"weekday {key!r} is not understood; use mon, tue, wed, thu, fri, sat, sun or a "
            "range like 'mon-fri'"
        ) from exc


def _parse_spans(value: str) -> tuple[OpenSpan, ...]:
    text = value.strip().lower()
    if text in {"closed", ""}:
        return ()
    return tuple(OpenSpan.parse(part) for part in text.split(","))
