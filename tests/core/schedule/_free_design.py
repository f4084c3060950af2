"""A seeded problem with freely designed shifts, for checking that faster code keeps results.

Two weeks over the spring-forward Sunday, two skill groups and a round-the-clock one, free
design next to templates, availability, time off, earlier work, a fixed event and every kind
of wish: the cases candidate building and the greedy start treat separately.
"""

from __future__ import annotations

import hashlib
from datetime import date, time, timedelta

import numpy as np
from _schedule_factory import AMS, contract, window

from bezetting.core.schedule import (
    Agent,
    DayOffWish,
    Demand,
    FixedEvent,
    FreeShiftDesign,
    Horizon,
    MaxDaysPerWeekWish,
    PreferredTimeWish,
    Problem,
    ShiftTemplate,
    Skill,
    SkillGroup,
    UnwantedTimeWish,
    WorkPeriod,
)
from bezetting.core.schedule._candidates import Candidate
from bezetting.core.schedule.greedy import GreedySchedule

FIRST = date(2020, 3, 23)  # Sunday 2020-03-29 springs forward in Amsterdam
DAYS = 14


def free_design_problem(seed: int = 7, *, agents: int = 14) -> Problem:
    rng = np.random.default_rng(seed)
    horizon = Horizon(FIRST, DAYS, timezone=AMS.key)
    grid = horizon.grid()

    def opening(start: str, end: str) -> tuple:  # type: ignore[type-arg]
        return tuple(window(d, start, end, first=FIRST) for d in range(DAYS))

    groups = (
        SkillGroup("voice", opening("07:00", "22:00")),
        SkillGroup("chat", opening("08:00", "20:00")),
        SkillGroup("care", opening("00:00", "24:00")),
    )
    demand = tuple(
        Demand(g.name, rng.integers(0, high, grid.n_slots).astype(np.int64))
        for g, high in zip(groups, (6, 3, 2), strict=True)
    )
    people = []
    for i in range(agents):
        skills = [("voice",), ("chat",), ("voice", "chat"), ("care",)][i % 4]
        extra: dict[str, object] = {}
        if i % 5 == 1:
            extra["available"] = tuple(
                window(d, "06:00", "18:00", first=FIRST) for d in range(DAYS)
            )
        if i % 6 == 2:
            extra["unavailable"] = (window(3, "00:00", "24:00", first=FIRST),)
        if i % 4 == 3:
            extra["templates"] = ("night", "early")
        if i == 0:
            extra["prior_work"] = (WorkPeriod(window(-1, "14:00", "22:30", first=FIRST), 30),)
            extra["events"] = (FixedEvent("training", window(2, "13:00", "15:00", first=FIRST)),)
        wishes = [
            DayOffWish(f"off{i}", FIRST + timedelta(days=int(rng.integers(0, DAYS)))),
            UnwantedTimeWish(
                f"late{i}", window(int(rng.integers(0, DAYS)), "18:00", "22:00", first=FIRST)
            ),
            PreferredTimeWish(
                f"morning{i}", window(int(rng.integers(0, DAYS)), "07:00", "13:00", first=FIRST)
            ),
        ]
        if i % 3 == 0:
            wishes.append(MaxDaysPerWeekWish(f"days{i}", 4))
        target = int(rng.choice([24, 32, 36]))
        people.append(
            Agent(
                f"a{i}",
                contract(target - 8, target, target + 4),
                tuple(Skill(g) for g in skills),
                wishes=tuple(wishes),
                **extra,  # type: ignore[arg-type]
            )
        )
    shifts = (
        FreeShiftDesign("free", time(7), 22 * 60, 240, 540, 15),
        ShiftTemplate("early", time(7), 510),
        ShiftTemplate("night", time(22), 480),
    )
    return Problem(horizon=horizon, skill_groups=groups, demand=demand, agents=tuple(people),
                   shifts=shifts)  # fmt: skip


def candidates_digest(candidates: list[list[Candidate]]) -> str:
    """Every field of every candidate, in order: equal digests mean equal candidate lists."""
    return _digest(repr([[_fields(c) for c in cands] for cands in candidates]))


def greedy_digest(greedy: GreedySchedule) -> str:
    """The chosen shifts, break starts and completeness of a greedy schedule."""
    chosen = [[_fields(c) for c in cs] for cs in greedy.chosen]
    return _digest(repr((chosen, greedy.break_starts, greedy.complete)))


def _fields(c: Candidate) -> tuple:  # type: ignore[type-arg]
    return (c.agent, c.day, c.first, c.last, c.start, c.end, c.shape, c.break_parts,
            c.break_window, c.night, c.late_end)  # fmt: skip


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
