"""Small builders for schedule tests: one skill group, agents, shifts in Amsterdam time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from bezetting.core.schedule import (
    Activity,
    ActivityKind,
    Agent,
    Contract,
    Demand,
    Horizon,
    Problem,
    Shift,
    ShiftTemplate,
    Skill,
    SkillGroup,
    TimeWindow,
)

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = date(2020, 3, 16)  # the ATW week of this Monday starts on Sunday 2020-03-15


def at(day: int, hhmm: str, *, first: date = MONDAY) -> datetime:
    """Amsterdam wall time ``hhmm`` on day ``day`` from ``first`` (24:00 and on roll over)."""
    h, m = (int(p) for p in hhmm.split(":"))
    return _wall(first + timedelta(days=day), h, m)


def _wall(d: date, h: int, m: int) -> datetime:
    extra, h = divmod(h, 24)
    return datetime.combine(d + timedelta(days=extra), time(h, m), tzinfo=AMS)


def window(day: int, start: str, end: str, *, first: date = MONDAY) -> TimeWindow:
    lo = at(day, start, first=first)
    hi = at(day, end, first=first)
    if hi <= lo:
        hi = at(day + 1, end, first=first)
    return TimeWindow(lo, hi)


def shift(
    agent: str,
    day: int,
    start: str,
    end: str,
    *breaks: tuple[str, str],
    first: date = MONDAY,
) -> Shift:
    """A shift from ``start`` to ``end`` (past midnight when end <= start) with breaks."""
    w = window(day, start, end, first=first)
    acts = []
    for b_start, b_end in breaks:
        b_day = day if at(day, b_start, first=first) >= w.start else day + 1
        bw = window(b_day, b_start, b_end, first=first)
        acts.append(Activity(ActivityKind.BREAK, bw.start, bw.end))
    return Shift(agent, w.start, w.end, tuple(acts))


def contract(min_h: float = 0, target_h: float = 32, max_h: float = 60) -> Contract:
    return Contract(int(min_h * 60), int(target_h * 60), int(max_h * 60))


def agent(agent_id: str = "ann", **kwargs: object) -> Agent:
    kwargs.setdefault("contract", contract())
    kwargs.setdefault("skills", (Skill("voice"),))
    return Agent(agent_id, **kwargs)  # type: ignore[arg-type]


def problem(
    *agents: Agent,
    days: int = 7,
    first: date = MONDAY,
    open_from: str = "00:00",
    open_to: str = "24:00",
    required: np.ndarray | None = None,
    shifts: tuple[ShiftTemplate, ...] = (ShiftTemplate("day", time(8), 510),),
    **kwargs: object,
) -> Problem:
    horizon = Horizon(first, days)
    grid = horizon.grid()
    opening = tuple(window(d, open_from, open_to, first=first) for d in range(days))
    req = np.zeros(grid.n_slots, dtype=np.int64) if required is None else required
    return Problem(
        horizon=horizon,
        skill_groups=(SkillGroup("voice", opening),),
        demand=(Demand("voice", req),),
        agents=agents or (agent(),),
        shifts=shifts,
        **kwargs,  # type: ignore[arg-type]
    )
