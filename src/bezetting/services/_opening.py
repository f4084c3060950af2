"""A queue's stored opening hours as the core's :class:`~bezetting.core.calendar.OpeningHours`."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time

from bezetting.core.calendar import MINUTES_PER_DAY, OpeningHours, OpenSpan
from bezetting.store import Session
from bezetting.store import planning_queries as plan_queries

__all__ = ["queue_opening_hours"]


def _minute(moment: time, *, closing: bool) -> int:
    minute = moment.hour * 60 + moment.minute
    # A closing time of 23:59 is how a row says "until midnight" (times cannot hold 24:00).
    if closing and minute == MINUTES_PER_DAY - 1:
        return MINUTES_PER_DAY
    return minute


def queue_opening_hours(session: Session, queue_id: int) -> OpeningHours:
    """The queue's weekly hours with its per-date exceptions; open around the clock when the
    queue has no hours stored (a queue nobody configured is not silently closed)."""
    weekly = plan_queries.opening_hours(session, queue_id)
    exceptions = plan_queries.opening_exceptions(session, queue_id)
    if not weekly and not exceptions:
        return OpeningHours.always()
    by_weekday: list[list[OpenSpan]] = [[] for _ in range(7)]
    for row in weekly:
        by_weekday[row.weekday].append(
            OpenSpan(_minute(row.opens, closing=False), _minute(row.closes, closing=True))
        )
    by_date: dict[date, list[OpenSpan]] = defaultdict(list)
    for exception in exceptions:
        spans = by_date[exception.on_date]  # an exception without times closes the day
        if exception.opens is not None and exception.closes is not None:
            spans.append(
                OpenSpan(
                    _minute(exception.opens, closing=False),
                    _minute(exception.closes, closing=True),
                )
            )
    if not weekly:
        by_weekday = [[OpenSpan(0, MINUTES_PER_DAY)] for _ in range(7)]
    return OpeningHours(
        by_weekday=tuple(tuple(spans) for spans in by_weekday),
        by_date={day: tuple(spans) for day, spans in by_date.items()},
    )
