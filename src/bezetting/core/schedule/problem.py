"""The scheduling problem as plain values: no solver import here.

A :class:`Problem` holds a horizon (1 to 6 local days-weeks on a quarter-hour grid), skill
groups with opening hours and demand per slot, agents with contracts, skills, availability,
wishes, fixed events and earlier work, the shift shapes that may be used, the labour rule pack
and the objective weights. All datetimes are timezone-aware; durations are in minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from bezetting.core.errors import InputError
from bezetting.core.schedule._time import Grid, epoch_seconds, require_aware
from bezetting.core.schedule.rules import DUTCH_RULES, RulePack

__all__ = [
    "Agent",
    "BreakPolicy",
    "Contract",
    "DayOffWish",
    "Demand",
    "EmploymentType",
    "FixedEvent",
    "FreeShiftDesign",
    "Horizon",
    "Location",
    "MaxDaysPerWeekWish",
    "PreferredTimeWish",
    "Problem",
    "ShiftTemplate",
    "Skill",
    "SkillGroup",
    "TimeWindow",
    "UnwantedTimeWish",
    "Weights",
    "Wish",
    "WorkPeriod",
]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class TimeWindow:
    """A half-open period ``[start, end)`` between two aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require_aware(self.start, name="start")
        require_aware(self.end, name="end")
        if self.end <= self.start:
            raise InputError(
                f"a time window must end after it starts: {self.start.isoformat()} "
                f"to {self.end.isoformat()}"
            )

    @property
    def start_s(self) -> int:
        return epoch_seconds(self.start)

    @property
    def end_s(self) -> int:
        return epoch_seconds(self.end)


@dataclass(frozen=True)
class Horizon:
    """``days`` local days from ``first_day`` (1 to 42), on a ``slot_minutes`` grid."""

    first_day: date
    days: int
    slot_minutes: int = 15
    timezone: str = "Europe/Amsterdam"

    def __post_init__(self) -> None:
        if not 1 <= self.days <= 42:
            raise InputError(f"a horizon has 1 to 42 days (6 weeks), got {self.days}")

    def grid(self) -> Grid:
        return Grid.build(
            self.first_day, self.days, slot_minutes=self.slot_minutes, tz=ZoneInfo(self.timezone)
        )


@dataclass(frozen=True)
class SkillGroup:
    """A group of queues served by the same skill, open during ``opening`` windows."""

    name: str
    opening: tuple[TimeWindow, ...]


@dataclass(frozen=True, eq=False)
class Demand:
    """Agents required per slot for one skill group (from the staffing engine).

    Args:
        skill_group: the group's name.
        required: integer agents per slot of the horizon's grid.
        impact: cost of one missing agent per slot (service impact). ``None`` weighs a
            shortage by the slot's requirement relative to the group's mean requirement, so a
            shortage at a busy slot costs more than at a quiet one.
    """

    skill_group: str
    required: NDArray[np.int64]
    impact: NDArray[np.float64] | None = None

    def impact_or_default(self) -> NDArray[np.float64]:
        if self.impact is not None:
            return np.asarray(self.impact, dtype=np.float64)
        req = np.asarray(self.required, dtype=np.float64)
        positive = req[req > 0]
        mean = float(positive.mean()) if positive.size else 1.0
        return np.maximum(req / mean, 0.25)


class EmploymentType(StrEnum):
    PERMANENT = "permanent"
    TEMPORARY = "temporary"
    ON_CALL = "on_call"
    AGENCY = "agency"


class Location(StrEnum):
    HOME = "home"
    OFFICE = "office"


@dataclass(frozen=True)
class Contract:
    """Contract hours per planning week (7 days from the horizon's first day)."""

    min_minutes_per_week: int
    target_minutes_per_week: int
    max_minutes_per_week: int
    employment: EmploymentType = EmploymentType.PERMANENT

    def __post_init__(self) -> None:
        if not 0 <= self.min_minutes_per_week <= self.target_minutes_per_week:
            raise InputError("contract needs 0 <= min <= target minutes per week")
        if self.target_minutes_per_week > self.max_minutes_per_week:
            raise InputError("contract needs target <= max minutes per week")


@dataclass(frozen=True)
class Skill:
    group: str
    proficiency: float = 1.0


@dataclass(frozen=True)
class FixedEvent:
    """Paid work away from the queues (training, meeting): the agent works then, for sure."""

    name: str
    window: TimeWindow


@dataclass(frozen=True)
class WorkPeriod:
    """Work outside this plan: earlier periods, or other clients of an agency worker.

    It counts toward every labour rule; inside the horizon it also blocks the agent.
    """

    window: TimeWindow
    break_minutes: int = 0
    other_client: bool = False


@dataclass(frozen=True)
class PreferredTimeWish:
    """The agent likes to work inside ``window`` (met when a shift lies inside it)."""

    id: str
    window: TimeWindow
    weight: float = 1.0


@dataclass(frozen=True)
class UnwantedTimeWish:
    """The agent would rather not work during ``window`` (met when no shift overlaps it)."""

    id: str
    window: TimeWindow
    weight: float = 1.0


@dataclass(frozen=True)
class DayOffWish:
    """The agent asks for ``day`` off (met when no shift starts on that local day)."""

    id: str
    day: date
    weight: float = 1.0


@dataclass(frozen=True)
class MaxDaysPerWeekWish:
    """At most ``days`` working days per planning week (met when every week keeps it)."""

    id: str
    days: int
    weight: float = 1.0


Wish = PreferredTimeWish | UnwantedTimeWish | DayOffWish | MaxDaysPerWeekWish


@dataclass(frozen=True)
class Agent:
    """A named person to schedule.

    Args:
        id: stable identifier.
        contract: contract minutes per planning week.
        skills: skill groups the agent can serve, with proficiency (handle-time factor).
        available: hard availability; empty means always available.
        unavailable: hard unavailability (time off, other obligations).
        wishes: soft preferences.
        events: fixed paid events inside the horizon.
        prior_work: work before the horizon or for other clients, counted by every rule.
        templates: names of shift shapes this agent may work; empty means all.
        employed_from: the first local day employed (None: before the horizon).
        employed_until: the last local day employed, inclusive (None: after the horizon).
            The weekly contract target counts only the days employed
            (:meth:`Problem.target_minutes`); keep the agent off the other days with
            ``unavailable`` windows, which every rule and the validator read.
        paid_leave_minutes: per planning week of the horizon (missing weeks: 0), the paid
            leave (approved time off, sickness) credited towards the contract: it lowers that
            week's minimum and target (:meth:`Problem.minimum_minutes`,
            :meth:`Problem.target_minutes`). Block the days off with ``unavailable`` windows.
    """

    id: str
    contract: Contract
    skills: tuple[Skill, ...]
    name: str = ""
    team: str = ""
    location: Location = Location.HOME
    available: tuple[TimeWindow, ...] = ()
    unavailable: tuple[TimeWindow, ...] = ()
    wishes: tuple[Wish, ...] = ()
    events: tuple[FixedEvent, ...] = ()
    prior_work: tuple[WorkPeriod, ...] = ()
    templates: tuple[str, ...] = ()
    employed_from: date | None = None
    employed_until: date | None = None
    paid_leave_minutes: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if any(minutes < 0 for minutes in self.paid_leave_minutes):
            raise InputError(
                f"agent {self.id!r}: paid_leave_minutes must be >= 0 per week, "
                f"got {list(self.paid_leave_minutes)}"
            )

    def paid_leave_in(self, week: int) -> int:
        """Minutes of paid leave credited in planning week ``week`` (0 past the list)."""
        return self.paid_leave_minutes[week] if week < len(self.paid_leave_minutes) else 0

    @property
    def skill_groups(self) -> frozenset[str]:
        return frozenset(s.group for s in self.skills)


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift that starts at local ``start`` and lasts ``length_minutes`` (may pass midnight)."""

    name: str
    start: time
    length_minutes: int
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)


@dataclass(frozen=True)
class FreeShiftDesign:
    """Shifts designed freely: start between ``earliest_start`` and so that the shift ends by
    ``latest_end_minute`` (minutes after the start day's 00:00; above 1440 passes midnight),
    length between the bounds, in steps of ``step_minutes``."""

    name: str
    earliest_start: time
    latest_end_minute: int
    min_length_minutes: int
    max_length_minutes: int
    step_minutes: int = 15
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)

    def __post_init__(self) -> None:
        if not 0 < self.min_length_minutes <= self.max_length_minutes:
            raise InputError("free shift design needs 0 < min_length <= max_length")
        if self.step_minutes % 15:
            raise InputError(f"step_minutes must be a multiple of 15, got {self.step_minutes}")


ShiftShape = ShiftTemplate | FreeShiftDesign


@dataclass(frozen=True)
class BreakPolicy:
    """Where breaks go inside a shift (house policy on top of the law's minimum).

    Breaks are placed in parts of ``part_minutes`` (the law's minimum part is 15), the first
    no earlier than ``earliest_after_start_minutes`` after the shift start, the last ending no
    later than ``latest_before_end_minutes`` before its end.
    """

    part_minutes: int = 15
    earliest_after_start_minutes: int = 90
    latest_before_end_minutes: int = 60

    def __post_init__(self) -> None:
        if self.part_minutes < 1:
            raise InputError(f"breaks: part_minutes must be at least 1, got {self.part_minutes}")
        for name in ("earliest_after_start_minutes", "latest_before_end_minutes"):
            if getattr(self, name) < 0:
                raise InputError(f"breaks: {name} must be 0 or more, got {getattr(self, name)}")


@dataclass(frozen=True)
class Weights:
    """Objective weights (cost per unit); every penalty in the result is named after them."""

    under_coverage_per_slot: float = 100.0
    over_coverage_per_slot: float = 2.0
    contract_deviation_per_hour: float = 4.0
    wish_not_met: float = 30.0
    unfair_share: float = 8.0


@dataclass(frozen=True)
class Problem:
    """Everything the optimiser and the validator need."""

    horizon: Horizon
    skill_groups: tuple[SkillGroup, ...]
    demand: tuple[Demand, ...]
    agents: tuple[Agent, ...]
    shifts: tuple[ShiftShape, ...]
    rules: RulePack = DUTCH_RULES
    breaks: BreakPolicy = field(default_factory=BreakPolicy)
    weights: Weights = field(default_factory=Weights)

    def __post_init__(self) -> None:
        grid = self.horizon.grid()
        groups = {g.name for g in self.skill_groups}
        if len(groups) != len(self.skill_groups):
            raise InputError("skill group names must be unique")
        for d in self.demand:
            if d.skill_group not in groups:
                raise InputError(
                    f"demand for unknown skill group {d.skill_group!r}; known {groups}"
                )
            if np.asarray(d.required).shape != (grid.n_slots,):
                raise InputError(
                    f"demand for {d.skill_group!r} has shape {np.asarray(d.required).shape}, "
                    f"the horizon has {grid.n_slots} slots"
                )
            if d.impact is not None and np.asarray(d.impact).shape != (grid.n_slots,):
                raise InputError(f"impact for {d.skill_group!r} must have {grid.n_slots} slots")
        if self.breaks.part_minutes < self.rules.min_break_part_minutes:
            raise InputError(
                f"breaks: part_minutes {self.breaks.part_minutes} is shorter than the rule "
                f"pack's shortest break part ({self.rules.min_break_part_minutes} min)"
            )
        ids = [a.id for a in self.agents]
        if len(set(ids)) != len(ids):
            raise InputError("agent ids must be unique")
        shape_names = {s.name for s in self.shifts}
        for a in self.agents:
            unknown = a.skill_groups - groups
            if unknown:
                raise InputError(f"agent {a.id!r} has unknown skill group(s) {sorted(unknown)}")
            missing = set(a.templates) - shape_names
            if missing:
                raise InputError(f"agent {a.id!r} names unknown shift shape(s) {sorted(missing)}")
            if len(a.paid_leave_minutes) > self.week_count():
                raise InputError(
                    f"agent {a.id!r} has paid leave for {len(a.paid_leave_minutes)} weeks, "
                    f"the horizon has {self.week_count()}"
                )

    def agent(self, agent_id: str) -> Agent:
        for a in self.agents:
            if a.id == agent_id:
                return a
        raise InputError(f"unknown agent {agent_id!r}")

    def week_count(self) -> int:
        """Number of planning weeks (the last may be partial)."""
        return -(-self.horizon.days // 7)

    def planning_week_days(self, week: int) -> tuple[date, date]:
        """First and last (inclusive) local day of planning week ``week``."""
        first = self.horizon.first_day + timedelta(days=7 * week)
        last = min(
            first + timedelta(days=6), self.horizon.first_day + timedelta(self.horizon.days - 1)
        )
        return first, last

    def minimum_minutes(self, agent: Agent, week: int) -> int:
        """The agent's contract minimum in planning week ``week``: the weekly minimum less
        the week's paid leave (leave hours are paid and count towards the contract).

        >>> from bezetting.core.schedule import Horizon
        >>> weeks = Problem(Horizon(date(2020, 3, 16), 14), (), (), (), ())
        >>> away = Agent("a", Contract(1200, 1920, 2400), (), paid_leave_minutes=(1152,))
        >>> weeks.minimum_minutes(away, 0), weeks.minimum_minutes(away, 1)
        (48, 1200)
        """
        return max(0, agent.contract.min_minutes_per_week - agent.paid_leave_in(week))

    def target_minutes(self, agent: Agent, week: int) -> int:
        """The agent's contract target in planning week ``week``: the weekly target pro rata
        to the week's days in the horizon that they are employed (a short last week, a week
        they join or leave in), less the week's paid leave; what ``contract_deviation``
        measures the distance to.

        >>> from bezetting.core.schedule import Horizon
        >>> week = Problem(Horizon(date(2020, 3, 16), 7), (), (), (), ())
        >>> leaver = Agent("a", Contract(0, 2100, 2400), (), employed_until=date(2020, 3, 18))
        >>> week.target_minutes(leaver, 0)  # Monday to Wednesday: 3 of 7 days
        900
        >>> away = Agent("b", Contract(0, 1920, 2400), (), paid_leave_minutes=(1152,))
        >>> week.target_minutes(away, 0)  # 32 h less three fifths of it on leave: 12.8 h
        768
        """
        first, last = self.planning_week_days(week)
        if agent.employed_from is not None:
            first = max(first, agent.employed_from)
        if agent.employed_until is not None:
            last = min(last, agent.employed_until)
        days = max(0, (last - first).days + 1)
        employed = agent.contract.target_minutes_per_week * days // 7
        return max(0, employed - agent.paid_leave_in(week))


def open_slots(problem: Problem, grid: Grid) -> dict[str, NDArray[np.bool_]]:
    """Per skill group, which slots lie inside its opening hours."""
    out: dict[str, NDArray[np.bool_]] = {}
    ends = grid.slot_start + grid.slot_seconds
    for g in problem.skill_groups:
        mask = np.zeros(grid.n_slots, dtype=np.bool_)
        for w in g.opening:
            mask |= (grid.slot_start >= w.start_s) & (ends <= w.end_s)
        out[g.name] = mask
    return out
