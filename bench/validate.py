"""How long one run of the labour-rule validator takes, with or without a year of earlier work.

Run from the repository root:

    .venv/bin/python bench/validate.py                                # a swap check's shape
    .venv/bin/python bench/validate.py --agents 40 --earlier-weeks 0  # a 40-agent week

The default is what one swap check hands the validator (``bench/swaps.py`` times the whole
service call): two agents with five 8-hour shifts a week in the 52 weeks before a planning
week, then a week in which they work seven and three days. ``--agents 40 --earlier-weeks 0``
is the shape of the schedule optimiser's final check on a 40-agent week. The validator alone is
timed, in this process, with no database. To compare two trees, run the same command with
``PYTHONPATH`` set to each tree's ``src``; there is no peer (no other tool checks the
Arbeidstijdenwet), so the figure to compare with is the previous version's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, date, datetime, timedelta

import numpy as np

from bezetting.core.schedule import (
    Activity,
    ActivityKind,
    Agent,
    Contract,
    Demand,
    Horizon,
    Problem,
    Schedule,
    Shift,
    Skill,
    SkillGroup,
    TimeWindow,
    WorkPeriod,
    validate,
)

WEEK = date(2021, 1, 11)  # a Monday, as in bench/swaps.py


def _day_of_work(day: date) -> tuple[datetime, datetime, datetime]:
    """Start, break start and end of an 8-hour shift (07:00 UTC, half an hour's break)."""
    start = datetime(day.year, day.month, day.day, 7, tzinfo=UTC)
    return start, start + timedelta(hours=4), start + timedelta(hours=8, minutes=30)


def build(agents: int, earlier_weeks: int) -> tuple[Problem, Schedule]:
    """``agents`` agents; the even ones work every day of the week, the odd ones three."""
    horizon = Horizon(WEEK, 7)
    grid = horizon.grid()
    opening = TimeWindow(
        datetime.fromtimestamp(grid.start, tz=UTC), datetime.fromtimestamp(grid.end, tz=UTC)
    )
    first_earlier = WEEK - timedelta(weeks=earlier_weeks)
    people, shifts = [], []
    for k in range(agents):
        agent_id = f"agent{k}"
        earlier = []
        for day in (first_earlier + timedelta(days=i) for i in range(7 * earlier_weeks)):
            if day.weekday() < 5:
                start, _, end = _day_of_work(day)
                earlier.append(WorkPeriod(TimeWindow(start, end), break_minutes=30))
        people.append(
            Agent(
                agent_id,
                contract=Contract(0, 32 * 60, 60 * 60),
                skills=(Skill("voice"),),
                prior_work=tuple(earlier),
            )
        )
        for i in range(7 if k % 2 == 0 else 3):
            start, pause, end = _day_of_work(WEEK + timedelta(days=i))
            lunch = Activity(ActivityKind.BREAK, pause, pause + timedelta(minutes=30))
            shifts.append(Shift(agent_id, start, end, (lunch,)))
    problem = Problem(
        horizon=horizon,
        skill_groups=(SkillGroup("voice", (opening,)),),
        demand=(Demand("voice", np.zeros(grid.n_slots, dtype=np.int64)),),
        agents=tuple(people),
        shifts=(),
    )
    return problem, Schedule(tuple(shifts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2)
    parser.add_argument("--earlier-weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    problem, schedule = build(args.agents, args.earlier_weeks)
    violations = validate(problem, schedule)  # once untimed: imports and first-use caches
    seconds = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        validate(problem, schedule)
        seconds.append(time.perf_counter() - began)
    earlier = sum(len(a.prior_work) for a in problem.agents)
    print(
        f"{args.agents} agents, {len(schedule.shifts)} shifts in the week, {earlier} periods of "
        f"earlier work; {len(violations)} violations"
    )
    print(
        f"validate: median {statistics.median(seconds) * 1000:.1f} ms, fastest "
        f"{min(seconds) * 1000:.1f} ms, slowest {max(seconds) * 1000:.1f} ms over {args.repeat}; "
        f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
