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


def _blocked(agent: Agent, start: int, end: int) -> bool:
    if agent.available and not any(w.start_s <= start and end <= w.end_s for w in agent.available):
        return True
    if any(start < w.end_s and w.start_s < end for w in agent.unavailable):
        return True
    return any(start < p.window.end_s and p.window.start_s < end for p in agent.prior_work)


def build_candidates(problem: Problem, grid: Grid) -> list[list[Candidate]]:
    """Candidates per agent (in ``problem.agents`` order), sorted by start."""
    open_by_group = open_slots(problem, grid)
    out: list[list[Candidate]] = []
    for a, agent in enumerate(problem.agents):
        shapes = [s for s in problem.shifts if not agent.templates or s.name in agent.templates]
        groups = [open_by_group[g] for g in sorted(agent.skill_groups) if g in open_by_group]
        any_open: NDArray[np.bool_] = (
            np.logical_or.reduce(groups) if groups else np.zeros(grid.n_slots, dtype=np.bool_)
        )
        seen: set[tuple[int, int]] = set()
        mine: list[Candidate] = []
        for day in range(grid.days):
            weekday = grid.day(day).weekday()
            for shape in shapes:
                if weekday not in shape.weekdays:
                    continue
                for start_minute, length in _spans(shape):
                    c = _candidate(problem, grid, a, agent, day, start_minute, length, shape.name)
                    if c is None or (c.first, c.last) in seen:
                        continue
                    if not any_open[c.first : c.last].all():
                        continue
                    seen.add((c.first, c.last))
                    mine.append(c)
        out.append(sorted(mine, key=lambda c: (c.first, c.last)))
    return out


def _candidate(
    problem: Problem,
    grid: Grid,
    a: int,
    agent: Agent,
    day: int,
    start_minute: int,
    length: int,
    shape: str,
) -> Candidate | None:
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
    if _blocked(agent, start, end):
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
    return Candidate(
        agent=a,
        day=day,
        first=first,
        last=last,
        start=start,
        end=end,
        shape=shape,
        break_parts=tuple(parts),
        break_window=(lo, hi),
        night=night,
        late_end=late,
    )


def _local_minute(grid: Grid, instant: int) -> int:
    local = from_epoch(instant, grid.tz)
    return local.hour * 60 + local.minute
