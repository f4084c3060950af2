"""The quarter-hour grid of a planning horizon, in UTC instants with local-time labels.

Slot ``i`` starts at ``start + i * slot_minutes`` in absolute (UTC) time, so a day with a
daylight-saving change simply has 92 or 100 quarter-hours. Local time (Europe/Amsterdam by
default) is used only to label slots: which local day they belong to, the minute of that day,
the weekday. Internally every instant is an integer number of seconds since the Unix epoch.

This module stays inside ``core/schedule`` until ``core/calendar.py`` offers the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from bezetting.core.errors import InputError

IntArray = NDArray[np.int64]

__all__ = ["Grid", "epoch_seconds", "from_epoch", "local_midnight", "require_aware"]


def require_aware(value: datetime, *, name: str) -> None:
    """Raise :class:`InputError` when ``value`` is a naive datetime."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(f"{name} must be timezone-aware, got naive {value.isoformat()}")


def epoch_seconds(value: datetime) -> int:
    """Seconds since the Unix epoch of an aware datetime."""
    return int(value.timestamp())


def from_epoch(seconds: int, tz: ZoneInfo) -> datetime:
    """The aware datetime in ``tz`` of an epoch instant."""
    return datetime.fromtimestamp(seconds, tz=UTC).astimezone(tz)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """Local 00:00 of ``day`` (midnight exists on every day in Europe/Amsterdam)."""
    return datetime.combine(day, time(0, 0), tzinfo=tz)


@lru_cache(maxsize=1 << 18)
def at_local(day: date, minutes: int, tz: ZoneInfo) -> int:
    """Epoch seconds of ``minutes`` of local wall-clock time after ``day`` 00:00.

    Cached: candidate building and the night and evening tests ask for the same few thousand
    wall times millions of times (a third of a large solve's time before the cache).

    Minutes past 24:00 roll into the next day(s) as wall-clock time; a wall time that does not
    exist (the spring-forward hour) resolves forward, as :mod:`zoneinfo` does with ``fold=0``.
    """
    whole_days, minute_of_day = divmod(minutes, 24 * 60)
    local = datetime.combine(
        day + timedelta(days=whole_days),
        time(minute_of_day // 60, minute_of_day % 60),
        tzinfo=tz,
    )
    # Normalise through UTC so that a non-existent wall time maps to a real instant.
    return epoch_seconds(local.astimezone(UTC))


@dataclass(frozen=True, eq=False)
class Grid:
    """Slots of a horizon: ``days`` local days from ``first_day``, ``slot_minutes`` each.

    Attributes:
        first_day: the first local date planned.
        days: number of local days.
        slot_minutes: slot length (15 by default).
        tz: the local time zone.
        slot_start: epoch seconds of every slot start (length ``n_slots``).
        slot_day: local day index (0-based) of every slot.
        day_first_slot: index of the first slot of every day, plus one past the end
            (length ``days + 1``).
    """

    first_day: date
    days: int
    slot_minutes: int
    tz: ZoneInfo
    slot_start: IntArray
    slot_day: IntArray
    day_first_slot: IntArray

    @classmethod
    def build(cls, first_day: date, days: int, *, slot_minutes: int, tz: ZoneInfo) -> Grid:
        if days < 1:
            raise InputError(f"a horizon needs at least 1 day, got {days}")
        if slot_minutes not in (15, 30, 60):
            raise InputError(f"slot_minutes must be 15, 30 or 60, got {slot_minutes}")
        step = slot_minutes * 60
        day_edges = [
            epoch_seconds(local_midnight(first_day + timedelta(d), tz)) for d in range(days + 1)
        ]
        starts: list[int] = []
        owner: list[int] = []
        firsts: list[int] = []
        for d in range(days):
            firsts.append(len(starts))
            t = day_edges[d]
            while t < day_edges[d + 1]:
                starts.append(t)
                owner.append(d)
                t += step
        firsts.append(len(starts))
        return cls(
            first_day=first_day,
            days=days,
            slot_minutes=slot_minutes,
            tz=tz,
            slot_start=np.asarray(starts, dtype=np.int64),
            slot_day=np.asarray(owner, dtype=np.int64),
            day_first_slot=np.asarray(firsts, dtype=np.int64),
        )

    @property
    def n_slots(self) -> int:
        return int(self.slot_start.shape[0])

    @property
    def slot_seconds(self) -> int:
        return self.slot_minutes * 60

    @property
    def start(self) -> int:
        """Epoch seconds of the horizon start."""
        return int(self.slot_start[0])

    @property
    def end(self) -> int:
        """Epoch seconds of the horizon end (exclusive)."""
        return int(self.slot_start[-1]) + self.slot_seconds

    def day(self, index: int) -> date:
        return self.first_day + timedelta(days=index)

    def day_start(self, index: int) -> int:
        """Epoch seconds of local 00:00 of day ``index`` (may lie outside the horizon)."""
        return epoch_seconds(local_midnight(self.day(index), self.tz))

    def slot_of(self, instant: int) -> int:
        """Index of the slot starting at ``instant``; raise if it is not on the grid."""
        offset = instant - self.start
        index, rest = divmod(offset, self.slot_seconds)
        if rest or not 0 <= index <= self.n_slots:
            raise InputError(
                f"{from_epoch(instant, self.tz).isoformat()} is not on the "
                f"{self.slot_minutes}-minute grid of the horizon"
            )
        return int(index)

    def label(self, instant: int) -> str:
        return from_epoch(instant, self.tz).isoformat()
