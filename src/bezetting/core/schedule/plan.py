"""A schedule: shifts per agent, each made of activities. Produced by the optimiser, read from
a CSV, or edited by hand; the validator checks any of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bezetting.core.errors import InputError
from bezetting.core.schedule._time import epoch_seconds, require_aware

__all__ = ["Activity", "ActivityKind", "Schedule", "Shift"]


class ActivityKind(StrEnum):
    WORK = "work"  # contact work for one skill group
    BREAK = "break"  # unpaid break (pauze): not working time
    EVENT = "event"  # paid work away from the queues: training, meeting


@dataclass(frozen=True)
class Activity:
    kind: ActivityKind
    start: datetime
    end: datetime
    skill_group: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        require_aware(self.start, name="activity start")
        require_aware(self.end, name="activity end")
        if self.end <= self.start:
            raise InputError(f"activity must end after it starts: {self.start} to {self.end}")

    @property
    def minutes(self) -> int:
        return (epoch_seconds(self.end) - epoch_seconds(self.start)) // 60


@dataclass(frozen=True)
class Shift:
    """One shift of one agent: from ``start`` to ``end``, with activities inside.

    Time in the shift not covered by an activity counts as work without a skill group.
    """

    agent_id: str
    start: datetime
    end: datetime
    activities: tuple[Activity, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        require_aware(self.start, name="shift start")
        require_aware(self.end, name="shift end")
        if self.end <= self.start:
            raise InputError(
                f"shift of {self.agent_id!r} must end after it starts: "
                f"{self.start.isoformat()} to {self.end.isoformat()}"
            )

    @property
    def breaks(self) -> tuple[Activity, ...]:
        return tuple(a for a in self.activities if a.kind is ActivityKind.BREAK)

    @property
    def break_minutes(self) -> int:
        return sum(a.minutes for a in self.breaks)

    @property
    def span_minutes(self) -> int:
        return (epoch_seconds(self.end) - epoch_seconds(self.start)) // 60

    @property
    def work_minutes(self) -> int:
        """Working time: the span less its breaks (ATW counts breaks as rest)."""
        return self.span_minutes - self.break_minutes


@dataclass(frozen=True)
class Schedule:
    shifts: tuple[Shift, ...]

    def for_agent(self, agent_id: str) -> tuple[Shift, ...]:
        return tuple(
            sorted(
                (s for s in self.shifts if s.agent_id == agent_id),
                key=lambda s: s.start.timestamp(),
            )
        )
