"""Absence figures (Dutch verzuim, simplified) and the rule that tells a mis-click from an absence.

Pure: the callers pass the absences, who was employed from when, the days and the time zone.

* **absence percentage** (verzuimpercentage): agent-days touched by an absence divided by
  agent-days, over calendar days, without part-time correction. An agent counts only on the days
  they were employed: from their start date (a newcomer who started yesterday adds one day, not
  the whole window), so importing a newcomer never dilutes the team's rate; and up to their end
  date (a leaver stops adding healthy days once gone, which would dilute the rate too).
* **absence frequency** (meldingsfrequentie): reports that began in the window, per agent
  employed over the window on average (agent-days / days in the window).
* **correction**: a sick report that is taken back within :data:`CORRECTION_WINDOW` of being
  made is a mistake, not an absence (see :func:`is_correction`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "CORRECTION_WINDOW",
    "AbsencePeriod",
    "AbsenceRates",
    "absence_rates",
    "is_correction",
    "local_day_bounds",
]

CORRECTION_WINDOW = timedelta(minutes=10)
"""How long after a sick report it can be undone as a mistake, leaving no trace."""


@dataclass(frozen=True)
class AbsencePeriod:
    """An agent's absence from ``starts_at`` until ``ends_at`` (None: still absent)."""

    agent_id: int
    starts_at: datetime
    ends_at: datetime | None


@dataclass(frozen=True)
class AbsenceRates:
    """Absence percentage and frequency over the agent-days counted (None without any)."""

    percentage: float | None
    frequency: float | None
    agent_days: int
    absent_agent_days: int
    reports: int


def is_correction(
    *, starts_at: datetime, ends_at: datetime, reported_at: datetime, now: datetime
) -> bool:
    """Whether ending a sick report now takes it back as a mistake rather than closing an absence.

    True when the report was made less than :data:`CORRECTION_WINDOW` ago and the absence it
    would describe lasts less than that too: the agent (or their team lead) clicked "Report
    sick" by mistake and "Report better" right after. A report entered afterwards for hours
    already gone (``since`` earlier) describes a real absence and stays, however soon it ends.

    >>> from datetime import UTC
    >>> at = datetime(2020, 3, 17, 8, 32, 36, tzinfo=UTC)
    >>> is_correction(starts_at=at, ends_at=at + timedelta(seconds=1), reported_at=at,
    ...               now=at + timedelta(seconds=1))
    True
    """
    return now - reported_at < CORRECTION_WINDOW and ends_at - starts_at < CORRECTION_WINDOW


def local_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The local day ``[midnight, next midnight)`` (23 or 25 hours on a clock change)."""
    following = day + timedelta(days=1)
    return (
        datetime(day.year, day.month, day.day, tzinfo=zone),
        datetime(following.year, following.month, following.day, tzinfo=zone),
    )


def _overlaps(period: AbsencePeriod, start: datetime, end: datetime) -> bool:
    return period.starts_at < end and (period.ends_at is None or period.ends_at > start)


def absence_rates(
    periods: Iterable[AbsencePeriod],
    *,
    employed_from: Mapping[int, date | None],
    days: Sequence[date],
    zone: ZoneInfo,
    employed_until: Mapping[int, date | None] | None = None,
) -> AbsenceRates:
    """Absence percentage and frequency of the agents in ``employed_from`` over ``days``.

    Args:
        periods: the agents' absences (others' are ignored).
        employed_from: per agent id, the first day they were employed (None: before every day).
        days: the local calendar days of the window.
        zone: the time zone the days are in.
        employed_until: per agent id, the last day they were employed (inclusive; None or not
            given: still employed).

    An agent counts on a day of the window from their start date up to their end date; an
    absence counts only on those days, and a report only when it began on one of them.

    >>> zone = ZoneInfo("Europe/Amsterdam")
    >>> days = [date(2020, 3, 14), date(2020, 3, 15), date(2020, 3, 16)]
    >>> sick = AbsencePeriod(1, datetime(2020, 3, 16, 8, tzinfo=zone), None)
    >>> rates = absence_rates([sick], employed_from={1: None, 2: date(2020, 3, 16)},
    ...                       days=days, zone=zone)
    >>> (rates.absent_agent_days, rates.agent_days, rates.percentage)
    (1, 4, 0.25)
    """
    by_agent: dict[int, list[AbsencePeriod]] = {}
    for period in periods:
        if period.agent_id in employed_from:
            by_agent.setdefault(period.agent_id, []).append(period)
    bounds = {day: local_day_bounds(day, zone) for day in days}
    agent_days = absent_agent_days = reports = 0
    last_days = employed_until or {}
    for agent_id, start_date in employed_from.items():
        end_date = last_days.get(agent_id)
        employed = [
            day
            for day in days
            if (start_date is None or day >= start_date) and (end_date is None or day <= end_date)
        ]
        agent_days += len(employed)
        own = by_agent.get(agent_id, [])
        absent_agent_days += sum(
            1 for day in employed if any(_overlaps(p, *bounds[day]) for p in own)
        )
        reports += sum(
            1 for p in own for day in employed if bounds[day][0] <= p.starts_at < bounds[day][1]
        )
    if agent_days == 0:
        return AbsenceRates(None, None, 0, 0, 0)
    mean_agents = agent_days / len(days)
    return AbsenceRates(
        percentage=absent_agent_days / agent_days,
        frequency=reports / mean_agents,
        agent_days=agent_days,
        absent_agent_days=absent_agent_days,
        reports=reports,
    )
