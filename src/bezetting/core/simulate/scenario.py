"""A scenario: what the simulator is asked to play out, as plain frozen values.

Time is counted in seconds from the start of the first interval; the grid has ``n_intervals``
intervals of ``interval_seconds``. Contacts arrive only inside the grid; the simulation then
runs on until every contact is answered, abandoned or left waiting with nobody on duty.

Values check themselves when built and raise :class:`ScenarioError` naming the field, so a
notebook user gets the same messages as a scenario file (where the path grows a prefix such
as ``queues[1].patience.``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bezetting.core.simulate._errors import ScenarioError
from bezetting.core.simulate.distributions import Distribution

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

__all__ = [
    "AgentGroup",
    "Break",
    "Channel",
    "PoissonArrivals",
    "Queue",
    "Redial",
    "ReplayArrivals",
    "RequirementStaffing",
    "Scenario",
    "ScheduledAgent",
    "Shift",
    "Skill",
    "Surge",
]

_T = TypeVar("_T")
_A = TypeVar("_A", bound=np.generic)


def _frozen_array(values: ArrayLike, name: str, *, minimum: float) -> FloatArray:
    array = np.array(values, dtype=np.float64).ravel()
    bad = ~np.isfinite(array) | (array < minimum)
    if bad.any():
        index = int(np.argmax(bad))
        raise ScenarioError(
            f"{name}[{index}]", f"must be a finite number >= {minimum:g}, got {array[index]!r}"
        )
    array.setflags(write=False)
    return array


def _each(items: Sequence[_T], name: str, check: Callable[[_T], None]) -> None:
    for index, item in enumerate(items):
        try:
            check(item)
        except ScenarioError as exc:
            raise exc.under(f"{name}[{index}]") from None


class Channel(StrEnum):
    """Voice takes an agent whole; an agent may hold several chats at once."""

    VOICE = "voice"
    CHAT = "chat"


@dataclass(frozen=True, eq=False)
class PoissonArrivals:
    """Poisson arrivals with a constant rate inside each interval (e.g. from a forecast).

    Args:
        per_interval: expected contacts per interval; a shorter pattern (one day) repeats
            over the grid when its length divides the number of intervals.
    """

    per_interval: FloatArray = field(repr=False)

    def __init__(self, per_interval: ArrayLike) -> None:
        values = _frozen_array(per_interval, "per_interval", minimum=0.0)
        if values.size == 0:
            raise ScenarioError("per_interval", "needs at least one interval")
        object.__setattr__(self, "per_interval", values)


@dataclass(frozen=True, eq=False)
class ReplayArrivals:
    """A replay of real arrival moments, in seconds from the start of the grid."""

    times_seconds: FloatArray = field(repr=False)

    def __init__(self, times_seconds: ArrayLike) -> None:
        times = _frozen_array(times_seconds, "times_seconds", minimum=0.0)
        object.__setattr__(self, "times_seconds", np.sort(times))


@dataclass(frozen=True)
class Redial:
    """Abandoned callers call again: with ``probability``, after ``delay``.

    This is how a surge feeds itself: every redial is one more contact offered.
    """

    probability: float
    delay: Distribution

    def __post_init__(self) -> None:
        p = float(self.probability)
        if not 0.0 <= p <= 1.0:
            raise ScenarioError("probability", f"must be from 0 to 1, got {self.probability!r}")


@dataclass(frozen=True)
class Queue:
    """One queue (a phone line, a chat entry point).

    Args:
        name: unique name.
        arrivals: Poisson per interval, or a replay of real arrival moments.
        handle_time: handle time of an agent with ``handle_time_factor`` 1.
        patience: how long a caller waits before hanging up; ``None``: never hangs up.
        redial: whether abandoned callers come back.
        channel: voice or chat.
        answer_within_seconds: the *t* of this queue's service level.
    """

    name: str
    arrivals: PoissonArrivals | ReplayArrivals
    handle_time: Distribution
    patience: Distribution | None = None
    redial: Redial | None = None
    channel: Channel = Channel.VOICE
    answer_within_seconds: float = 20.0

    def __post_init__(self) -> None:
        if not self.name:
            raise ScenarioError("name", "must not be empty")
        object.__setattr__(self, "channel", Channel(self.channel))
        t = float(self.answer_within_seconds)
        if not math.isfinite(t) or t < 0.0:
            raise ScenarioError("answer_within_seconds", f"must be a finite number >= 0, got {t!r}")


@dataclass(frozen=True)
class Surge:
    """Contacts times ``multiplier`` for intervals starting in ``[start_seconds, end_seconds)``.

    Args:
        queues: the queues it applies to; empty: every queue with Poisson arrivals.
    """

    multiplier: float
    start_seconds: float
    end_seconds: float = math.inf
    queues: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        m = float(self.multiplier)
        if not math.isfinite(m) or m < 0.0:
            raise ScenarioError("multiplier", f"must be a finite number >= 0, got {m!r}")
        if not self.end_seconds > self.start_seconds:
            raise ScenarioError(
                "until",
                f"must come after the start ({self.start_seconds:g} s), got {self.end_seconds:g} s",
            )


@dataclass(frozen=True)
class Skill:
    """A group handles ``queue``; lower ``priority`` numbers are served first."""

    queue: str
    priority: int = 1


@dataclass(frozen=True, eq=False)
class RequirementStaffing:
    """A number of agents on duty per interval (a requirement or a forecast of net staff).

    A shorter pattern repeats over the grid like :class:`PoissonArrivals`.
    """

    agents_per_interval: IntArray = field(repr=False)

    def __init__(self, agents_per_interval: ArrayLike) -> None:
        raw = np.array(agents_per_interval, dtype=np.float64).ravel()
        values = _frozen_array(raw, "agents_per_interval", minimum=0.0)
        if values.size == 0:
            raise ScenarioError("agents_per_interval", "needs at least one interval")
        fractional = values != np.round(values)
        if fractional.any():
            index = int(np.argmax(fractional))
            raise ScenarioError(
                f"agents_per_interval[{index}]", f"must be a whole number, got {values[index]!r}"
            )
        agents = values.astype(np.int64)
        agents.setflags(write=False)
        object.__setattr__(self, "agents_per_interval", agents)


@dataclass(frozen=True)
class Break:
    """A break (or lunch, meeting, training) inside a shift: no contacts then."""

    start_seconds: float
    duration_seconds: float

    def __post_init__(self) -> None:
        if not float(self.duration_seconds) > 0.0:
            raise ScenarioError(
                "minutes", f"must be > 0, got {self.duration_seconds / 60.0:g} minutes"
            )


@dataclass(frozen=True)
class Shift:
    """On duty from ``start_seconds`` to ``end_seconds`` except during ``breaks``."""

    start_seconds: float
    end_seconds: float
    breaks: tuple[Break, ...] = ()

    def __post_init__(self) -> None:
        if not self.end_seconds > self.start_seconds:
            raise ScenarioError(
                "end",
                f"must come after the start ({self.start_seconds:g} s), got {self.end_seconds:g} s",
            )

        def inside(b: Break) -> None:
            end = b.start_seconds + b.duration_seconds
            if b.start_seconds < self.start_seconds or end > self.end_seconds:
                raise ScenarioError(
                    "start",
                    f"the break ({b.start_seconds:g} s to {end:g} s) must lie inside the shift "
                    f"({self.start_seconds:g} s to {self.end_seconds:g} s)",
                )

        _each(self.breaks, "breaks", inside)

    def segments(self) -> list[tuple[float, float]]:
        """The on-duty stretches: the shift with its breaks cut out."""
        result: list[tuple[float, float]] = []
        cursor = self.start_seconds
        for b in sorted(self.breaks, key=lambda b: b.start_seconds):
            if b.start_seconds > cursor:
                result.append((cursor, b.start_seconds))
            cursor = max(cursor, b.start_seconds + b.duration_seconds)
        if self.end_seconds > cursor:
            result.append((cursor, self.end_seconds))
        return result


@dataclass(frozen=True)
class ScheduledAgent:
    """One named agent of a published schedule."""

    name: str
    shifts: tuple[Shift, ...]


@dataclass(frozen=True)
class AgentGroup:
    """Agents with the same skills and speed.

    Args:
        name: unique name.
        skills: the queues the group handles, with priorities.
        staffing: agents per interval, or named agents with shifts and breaks.
        handle_time_factor: handle times are multiplied by this (newcomers: above 1).
        chat_concurrency: chats an agent of this group holds at once.
    """

    name: str
    skills: tuple[Skill, ...]
    staffing: RequirementStaffing | tuple[ScheduledAgent, ...]
    handle_time_factor: float = 1.0
    chat_concurrency: int = 1

    def __post_init__(self) -> None:
        if not self.name:
            raise ScenarioError("name", "must not be empty")
        if not self.skills:
            raise ScenarioError("skills", "needs at least one queue")
        f = float(self.handle_time_factor)
        if not math.isfinite(f) or f <= 0.0:
            raise ScenarioError("handle_time_factor", f"must be a finite number > 0, got {f!r}")
        if int(self.chat_concurrency) != self.chat_concurrency or self.chat_concurrency < 1:
            raise ScenarioError(
                "chat_concurrency", f"must be a whole number >= 1, got {self.chat_concurrency!r}"
            )


@dataclass(frozen=True)
class Scenario:
    """Everything one simulation run needs.

    Args:
        interval_seconds: length of one interval (900 for quarter hours).
        n_intervals: number of intervals in the grid.
        queues: the queues, names unique.
        agent_groups: the agent groups, names unique; every skill names a queue.
        surges: multipliers on Poisson arrivals over a stretch of time.
        start: the wall-clock start of the first interval (labels only; the core counts
            seconds).
    """

    interval_seconds: float
    n_intervals: int
    queues: tuple[Queue, ...]
    agent_groups: tuple[AgentGroup, ...]
    surges: tuple[Surge, ...] = ()
    start: datetime | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.interval_seconds) and self.interval_seconds > 0):
            raise ScenarioError(
                "interval_minutes", f"must be > 0, got {self.interval_seconds / 60.0:g}"
            )
        if int(self.n_intervals) != self.n_intervals or self.n_intervals < 1:
            raise ScenarioError("intervals", f"must be a whole number >= 1, got {self.n_intervals}")
        if self.start is not None and self.start.tzinfo is None:
            raise ScenarioError("start", f"needs a UTC offset, got {self.start.isoformat()}")
        if not self.queues:
            raise ScenarioError("queues", "needs at least one queue")
        names = _unique([q.name for q in self.queues], "queues")
        _unique([g.name for g in self.agent_groups], "agent_groups")
        horizon = self.horizon_seconds
        n = self.n_intervals

        def check_queue(q: Queue) -> None:
            if isinstance(q.arrivals, PoissonArrivals):
                _pattern_fits(q.arrivals.per_interval.size, n, "arrivals.per_interval")
            elif q.arrivals.times_seconds.size and q.arrivals.times_seconds[-1] >= horizon:
                raise ScenarioError(
                    "arrivals.times_seconds",
                    f"must lie before the end of the grid ({horizon:g} s), "
                    f"got {q.arrivals.times_seconds[-1]:g} s",
                )

        _each(self.queues, "queues", check_queue)

        def check_group(g: AgentGroup) -> None:
            def check_skill(s: Skill) -> None:
                if s.queue not in names:
                    raise ScenarioError("queue", f"no queue is named {s.queue!r}; have {names}")

            _each(g.skills, "skills", check_skill)
            _unique([s.queue for s in g.skills], "skills")
            if isinstance(g.staffing, RequirementStaffing):
                size = g.staffing.agents_per_interval.size
                _pattern_fits(size, n, "staffing.agents_per_interval")

        _each(self.agent_groups, "agent_groups", check_group)

        def check_surge(s: Surge) -> None:
            for name in s.queues:
                if name not in names:
                    raise ScenarioError("queues", f"no queue is named {name!r}; have {names}")

        _each(self.surges, "surges", check_surge)

    @property
    def horizon_seconds(self) -> float:
        """End of the grid: no contact arrives at or after it (redials neither)."""
        return float(self.interval_seconds * self.n_intervals)

    def interval_starts_seconds(self) -> FloatArray:
        """Start of every interval, in seconds from the start of the grid."""
        return np.arange(self.n_intervals, dtype=np.float64) * self.interval_seconds

    def arrival_rates(self, queue: Queue) -> FloatArray:
        """Expected contacts per interval of a Poisson queue, surges applied."""
        if not isinstance(queue.arrivals, PoissonArrivals):
            raise ScenarioError("arrivals", f"queue {queue.name!r} replays real arrivals")
        rates = _repeat(queue.arrivals.per_interval, self.n_intervals).astype(np.float64)
        starts = self.interval_starts_seconds()
        for surge in self.surges:
            if surge.queues and queue.name not in surge.queues:
                continue
            inside = (starts >= surge.start_seconds) & (starts < surge.end_seconds)
            rates[inside] *= surge.multiplier
        return rates

    def on_duty_segments(self, group: AgentGroup) -> list[list[tuple[float, float]]]:
        """Per agent of the group: the stretches on duty, sorted and merged."""
        if isinstance(group.staffing, RequirementStaffing):
            need = _repeat(group.staffing.agents_per_interval, self.n_intervals)
            n_agents = int(need.max(initial=0))
            width = self.interval_seconds
            # Agent k is on in the intervals needing more than k agents: find the runs, all
            # agents at once (row k of the matrix is agent k; nonzero goes row by row).
            on = np.zeros((n_agents, need.size + 2), np.int8)
            on[:, 1:-1] = need[np.newaxis, :] > np.arange(n_agents)[:, np.newaxis]
            steps = np.diff(on, axis=1)
            agent_of_first, firsts = np.nonzero(steps == 1)
            lasts = np.nonzero(steps == -1)[1]
            agents: list[list[tuple[float, float]]] = [[] for _ in range(n_agents)]
            for k, i, j in zip(
                agent_of_first.tolist(), firsts.tolist(), lasts.tolist(), strict=True
            ):
                agents[k].append((float(i * width), float(j * width)))
            return agents
        return [
            _merge([seg for shift in a.shifts for seg in shift.segments()]) for a in group.staffing
        ]


def _unique(names: list[str], where: str) -> tuple[str, ...]:
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            raise ScenarioError(f"{where}[{index}]", f"the name {name!r} is used twice")
        seen.add(name)
    return tuple(names)


def _pattern_fits(size: int, n_intervals: int, name: str) -> None:
    if n_intervals % size:
        raise ScenarioError(
            name,
            f"has {size} values, which must equal the {n_intervals} intervals of the scenario "
            "or divide them (a daily pattern that repeats)",
        )


def _repeat(pattern: NDArray[_A], n_intervals: int) -> NDArray[_A]:
    result: NDArray[_A] = np.tile(pattern, n_intervals // pattern.size)
    return result


def _merge(segments: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(segments):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
