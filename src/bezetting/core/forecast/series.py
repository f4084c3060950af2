"""Interval series (volume and handle time per queue and interval) and contact records.

An :class:`IntervalSeries` is the value every forecast starts from and ends as: UTC interval
starts on a local-clock grid, with volume and average handle time. :func:`aggregate_contacts`
makes one per queue from :class:`ContactRecords`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from bezetting.core.calendar import (
    DatetimeArray,
    check_interval_minutes,
    floor_to_interval,
    local_dates,
    local_grid_starts_utc,
    to_day_matrix,
    zone,
)
from bezetting.core.errors import InputError
from bezetting.core.forecast.protocol import FloatArray

__all__ = ["ContactRecords", "IntervalSeries", "aggregate_contacts"]

StrArray = npt.NDArray[np.str_]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class IntervalSeries:
    """Volume and average handle time of one queue per interval.

    Args:
        queue: the queue's name.
        interval_minutes: 15, 30 or 60.
        timezone: IANA zone whose local clock the grid follows.
        starts_utc: strictly increasing UTC interval starts (``datetime64[s]``).
        volume: contacts arriving in each interval (non-negative).
        aht_seconds: average handle time of the interval's answered contacts; NaN where
            unknown (no answered contact, or the source has no handle times).
    """

    queue: str
    interval_minutes: int
    timezone: str
    starts_utc: DatetimeArray
    volume: FloatArray
    aht_seconds: FloatArray

    def __post_init__(self) -> None:
        check_interval_minutes(self.interval_minutes)
        zone(self.timezone)
        n = self.starts_utc.shape[0]
        if self.volume.shape != (n,) or self.aht_seconds.shape != (n,):
            raise InputError(
                f"series {self.queue!r}: {n} starts but volume {self.volume.shape} and "
                f"aht_seconds {self.aht_seconds.shape}"
            )
        if n == 0:
            raise InputError(f"series {self.queue!r} is empty")
        if np.any(np.diff(self.starts_utc.astype(np.int64)) <= 0):
            raise InputError(f"series {self.queue!r}: interval starts must strictly increase")
        if not np.all(np.isfinite(self.volume)) or np.any(self.volume < 0):
            raise InputError(f"series {self.queue!r}: volume must be finite and >= 0")
        floored = floor_to_interval(
            self.starts_utc, interval_minutes=self.interval_minutes, timezone=self.timezone
        )
        if not np.array_equal(floored, self.starts_utc):
            bad = self.starts_utc[np.argmax(floored != self.starts_utc)]
            raise InputError(
                f"series {self.queue!r}: {bad} UTC is not the start of a "
                f"{self.interval_minutes}-minute interval in {self.timezone}"
            )

    @property
    def first_day(self) -> date:
        """Local date of the first interval."""
        return _as_date(local_dates(self.starts_utc[:1], timezone=self.timezone)[0])

    @property
    def last_day(self) -> date:
        """Local date of the last interval."""
        return _as_date(local_dates(self.starts_utc[-1:], timezone=self.timezone)[0])

    def day_matrices(self, *, first_day: date, n_days: int) -> tuple[FloatArray, FloatArray]:
        """(volume, aht_seconds) as (local day x slot) matrices; see
        :func:`~bezetting.core.calendar.to_day_matrix`. Missing intervals have no contacts."""
        volume = to_day_matrix(
            self.starts_utc,
            self.volume,
            first_day=first_day,
            n_days=n_days,
            interval_minutes=self.interval_minutes,
            timezone=self.timezone,
        )
        aht = to_day_matrix(
            self.starts_utc,
            self.aht_seconds,
            first_day=first_day,
            n_days=n_days,
            interval_minutes=self.interval_minutes,
            timezone=self.timezone,
            fill=np.nan,
        )
        return volume, aht


def _as_date(value: np.datetime64) -> date:
    return date(1970, 1, 1) + timedelta(days=int(value.astype("datetime64[D]").astype(np.int64)))


@dataclass(frozen=True, slots=True)
class ContactRecords:
    """Contact records as parallel arrays (one entry per contact).

    Times are UTC ``datetime64[s]``; ``NaT`` where it did not happen (an abandoned call has no
    ``answered_utc``). ``customer`` holds pseudonyms only (see :mod:`bezetting.ingest`).
    """

    contact_id: StrArray
    queue: StrArray
    channel: StrArray
    arrived_utc: DatetimeArray
    answered_utc: DatetimeArray
    ended_utc: DatetimeArray
    abandoned: BoolArray
    agent: StrArray
    customer: StrArray
    outcome: StrArray

    def __post_init__(self) -> None:
        n = self.arrived_utc.shape[0]
        for name in (
            "contact_id", "queue", "channel", "answered_utc", "ended_utc", "abandoned",
            "agent", "customer", "outcome",
        ):  # fmt: skip
            if getattr(self, name).shape != (n,):
                raise InputError(f"contact records: {name} has a different length than arrived")

    def __len__(self) -> int:
        return int(self.arrived_utc.shape[0])

    @property
    def handle_seconds(self) -> FloatArray:
        """Seconds from answer to end; NaN for contacts not answered or abandoned."""
        answered = ~np.isnat(self.answered_utc) & ~np.isnat(self.ended_utc) & ~self.abandoned
        seconds = (self.ended_utc - self.answered_utc).astype("timedelta64[s]").astype(np.float64)
        return np.where(answered, seconds, np.nan)


def aggregate_contacts(
    records: ContactRecords, *, interval_minutes: int, timezone: str
) -> tuple[IntervalSeries, ...]:
    """One interval series per queue: contacts counted by arrival interval; AHT is the mean
    handle time (answer to end) of the answered contacts that arrived in the interval.

    Every interval from the first arrival's local midnight to the last arrival's interval is
    present (zero when no contact arrived); one series per queue, sorted by queue name.
    """
    check_interval_minutes(interval_minutes)
    if len(records) == 0:
        raise InputError("no contact records to aggregate")
    starts = floor_to_interval(
        records.arrived_utc, interval_minutes=interval_minutes, timezone=timezone
    )
    days = local_dates(records.arrived_utc, timezone=timezone)
    first_day, last_day = _as_date(days.min()), _as_date(days.max())
    grid = local_grid_starts_utc(
        first_day, last_day, interval_minutes=interval_minutes, timezone=timezone
    )
    grid = grid[grid <= starts.max()]
    index = np.searchsorted(grid, starts)
    handle = records.handle_seconds
    series = []
    for queue in sorted(set(records.queue.tolist())):
        mine = records.queue == queue
        volume = np.bincount(index[mine], minlength=grid.size).astype(np.float64)
        served = mine & ~np.isnan(handle)
        handled = np.bincount(index[served], weights=handle[served], minlength=grid.size)
        served_count = np.bincount(index[served], minlength=grid.size)
        with np.errstate(divide="ignore", invalid="ignore"):
            aht = np.where(served_count > 0, handled / np.maximum(served_count, 1), np.nan)
        series.append(
            IntervalSeries(
                queue=queue,
                interval_minutes=interval_minutes,
                timezone=timezone,
                starts_utc=grid,
                volume=volume,
                aht_seconds=aht,
            )
        )
    return tuple(series)
