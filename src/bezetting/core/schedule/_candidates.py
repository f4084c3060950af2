"""Candidate shifts per agent and day: every legal shape the optimiser may choose from.

A candidate is a fixed span on the grid with a fixed amount of break to place inside it. The
per-shift rules (12 h of work, 10 h per night shift, breaks per art. 5:4) and the agent's hard
availability are applied here, so the model never sees an illegal single shift.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bezetting.core.schedule._time import Grid, at_local, epoch_seconds, from_epoch, local_midnight
from bezetting.core.schedule.problem import (
    Agent,
    FreeShiftDesign,
    Problem,
    ShiftShape,
    ShiftTemplate,
    open_slots,
)
from bezetting.core.schedule.rules import RulePack

_MIN = 60


@dataclass(frozen=True)
class Candidate:
    """One possible shift: slots ``[first, last)`` of the grid, starting on local ``day``."""

    agent: int
    day: int
    first: int
    last: int
    start: int  # epoch seconds
    end: int
    shape: str
    break_parts: tuple[int, ...]  # minutes of every break part, in order
    break_window: tuple[int, int]  # slots [lo, hi) that hold every break part
    night: bool
    late_end: bool

    @property
    def break_minutes(self) -> int:
        return sum(self.break_parts)

    @property
    def work_minutes(self) -> int:
        return (self.end - self.start) // _MIN - self.break_minutes


def break_need(rules: RulePack, span_minutes: int) -> int:
    """The least break that makes a shift of ``span_minutes`` legal under art. 5:4."""
    for option in sorted({0, rules.break_minutes, rules.long_break_minutes}):
        if rules.required_break_minutes(span_minutes - option) <= option:
            return option
    return rules.long_break_minutes


def _spans(shape: ShiftShape) -> list[tuple[int, int]]:
    """(start minute after local 00:00, length in minutes) of every shift of a shape."""
    if isinstance(shape, ShiftTemplate):
        return [(shape.start.hour * 60 + shape.start.minute, shape.length_minutes)]
    assert isinstance(shape, FreeShiftDesign)
    out = []
    first = shape.earliest_start.hour * 60 + shape.earliest_start.minute
    for start in range(first, shape.latest_end_minute, shape.step_minutes):
        length = shape.min_length_minutes
        while length <= shape.max_length_minutes and start + length <= shape.latest_end_minute:
            out.append((start, length))
            length += shape.step_minutes
    return out


def night_minutes(grid: Grid, rules: RulePack, start: int, end: int) -> int:
    """Minutes of ``[start, end)`` inside the night windows of every local day it touches."""
    total = 0
    day0 = int((start - grid.start) // 86400) - 2
    for d in range(day0, day0 + 5):
        lo = at_local(grid.first_day, d * 1440 + rules.night_window_start_minute, grid.tz)
        hi = at_local(grid.first_day, d * 1440 + rules.night_window_end_minute, grid.tz)
        total += max(0, min(end, hi) - max(start, lo))
    return total // _MIN


@dataclass(frozen=True)
class _Spans:
    """Every legal shift of every shape and day, before any agent is considered.

    Whether a span is a legal shift, its breaks and whether it is a night shift depend on the
    grid and the rules only, so they are worked out once for all agents; an agent then only
    filters by shape, opening hours and availability, on arrays.
    """

    fields: list[_Fields]
    shape_of: NDArray[np.int64]  # index in ``problem.shifts`` per span
    first: NDArray[np.int64]
    last: NDArray[np.int64]
    start: NDArray[np.int64]
    end: NDArray[np.int64]
    key: NDArray[np.int64]  # orders spans by (first, last)

    @classmethod
    def build(cls, problem: Problem, grid: Grid) -> _Spans:
        fields = []
        shape_of = []
        for day in range(grid.days):
            weekday = grid.day(day).weekday()
            for s, shape in enumerate(problem.shifts):
                if weekday not in shape.weekdays:
                    continue
                for start_minute, length in _spans(shape):
                    c = _candidate(problem, grid, day, start_minute, length, shape.name)
                    if c is not None:
                        fields.append(c)
                        shape_of.append(s)

        def column(k: int) -> NDArray[np.int64]:
            return np.array([f[k] for f in fields], dtype=np.int64)

        first, last = column(1), column(2)
        return cls(fields, np.array(shape_of, dtype=np.int64), first, last, column(3), column(4),
                   first * (grid.n_slots + 1) + last)  # fmt: skip

    def blocked(self, agent: Agent) -> NDArray[np.bool_]:
        """Spans outside the agent's availability or overlapping time off or earlier work."""
        start, end = self.start, self.end
        out = np.zeros(len(start), dtype=np.bool_)
        if agent.available:
            inside = np.zeros(len(start), dtype=np.bool_)
            for w in agent.available:
                inside |= (w.start_s <= start) & (end <= w.end_s)
            out |= ~inside
        for w in (*agent.unavailable, *(p.window for p in agent.prior_work)):
            out |= (start < w.end_s) & (w.start_s < end)
        return out


def build_candidates(problem: Problem, grid: Grid) -> list[list[Candidate]]:
    """Candidates per agent (in ``problem.agents`` order), sorted by start."""
    open_by_group = open_slots(problem, grid)
    spans = _Spans.build(problem, grid)
    closed_before: dict[frozenset[str], NDArray[np.int64]] = {}
    out: list[list[Candidate]] = []
    for a, agent in enumerate(problem.agents):
        if agent.skill_groups not in closed_before:
            groups = [open_by_group[g] for g in sorted(agent.skill_groups) if g in open_by_group]
            any_open: NDArray[np.bool_] = (
                np.logical_or.reduce(groups) if groups else np.zeros(grid.n_slots, dtype=np.bool_)
            )
            closed_before[agent.skill_groups] = np.concatenate(([0], np.cumsum(~any_open)))
        closed = closed_before[agent.skill_groups]
        allowed = np.array(
            [not agent.templates or s.name in agent.templates for s in problem.shifts], dtype=bool
        )
        keep = (
            allowed[spans.shape_of]
            & (closed[spans.last] == closed[spans.first])
            & ~spans.blocked(agent)
        )
        # Equal spans of several shapes keep the first shape in the problem's order; np.unique
        # gives the first occurrence of each span, sorted by (first, last).
        kept = np.flatnonzero(keep)
        _, first_of_each = np.unique(spans.key[kept], return_index=True)
        out.append([Candidate(a, *spans.fields[i]) for i in kept[first_of_each].tolist()])
    return out


_Fields = tuple[int, int, int, int, int, str, tuple[int, ...], tuple[int, int], bool, bool]


def _candidate(
    problem: Problem, grid: Grid, day: int, start_minute: int, length: int, shape: str
) -> _Fields | None:
    """A candidate's fields after ``agent`` (day, first, ..., late_end); None when illegal."""
    rules, policy = problem.rules, problem.breaks
    start = at_local(grid.day(day), start_minute, grid.tz)
    if (start - grid.start) % grid.slot_seconds:
        return None
    end = start + length * _MIN
    if start < grid.start or end > grid.end:
        return None
    if _local_minute(grid, start) != start_minute % 1440:
        return None  # the wall time does not exist on a spring-forward day
    need = break_need(rules, length)
    work = length - need
    if work > rules.max_work_minutes_per_shift:
        return None
    in_night = night_minutes(grid, rules, start, end)
    if rules.night_shift_above_minutes < in_night <= rules.night_shift_above_minutes + need:
        return None  # breaks could decide whether this is a night shift: keep it unambiguous
    night = in_night > rules.night_shift_above_minutes
    if night and work > rules.max_work_minutes_per_night_shift:
        return None
    parts: list[int] = []
    left = need
    while left > 0:
        part = min(policy.part_minutes, left)
        if left - part and left - part < rules.min_break_part_minutes:
            part = left
        parts.append(part)
        left -= part
    first, last = grid.slot_of(start), grid.slot_of(end)
    edge = rules.min_work_before_and_after_break_minutes
    lo = first + -(-max(policy.earliest_after_start_minutes, edge, 1) // grid.slot_minutes)
    tail = max(policy.latest_before_end_minutes, edge, 1)
    hi = last - -(-tail // grid.slot_minutes)
    if parts and lo + sum(-(-p // grid.slot_minutes) for p in parts) > hi:
        return None
    end_midnight = epoch_seconds(local_midnight(from_epoch(end - 1, grid.tz).date(), grid.tz))
    late = end - end_midnight > rules.late_night_end_minute * _MIN
    return (day, first, last, start, end, shape, tuple(parts), (lo, hi), night, late)


def _local_minute(grid: Grid, instant: int) -> int:
    local = from_epoch(instant, grid.tz)
    return local.hour * 60 + local.minute
