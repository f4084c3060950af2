"""A built schedule as the simulator's agents: what the schedule really delivers.

The staffing engine predicts a service level for a number of agents per interval; the
optimiser turns that number into shifts with breaks for named people. Playing the schedule's
contact work out in :mod:`bezetting.core.simulate` closes the loop: the service level per
interval should match what the formulas predict for the agents the schedule puts on each
interval (``tests/core/schedule/test_schedule_simulated.py`` checks it).
"""

from __future__ import annotations

from bezetting.core.errors import InputError
from bezetting.core.schedule._time import epoch_seconds
from bezetting.core.schedule.plan import ActivityKind, Schedule
from bezetting.core.schedule.problem import Problem
from bezetting.core.simulate import ScheduledAgent
from bezetting.core.simulate import Shift as DutyStretch

__all__ = ["simulated_agents"]


def simulated_agents(
    problem: Problem, schedule: Schedule, *, skill_group: str
) -> tuple[ScheduledAgent, ...]:
    """The agents of ``schedule`` on contact work for ``skill_group``, for the simulator.

    Every stretch of contact work for the group becomes one duty stretch (seconds from the
    start of the horizon's grid); breaks, fixed events, work for other groups and shift time
    without an activity are off duty for this group, as in :func:`coverage_of`. Agents with
    no such work are left out.

    Raises:
        InputError: ``skill_group`` is not a group of the problem.
    """
    if skill_group not in {g.name for g in problem.skill_groups}:
        known = sorted(g.name for g in problem.skill_groups)
        raise InputError(f"unknown skill group {skill_group!r}; known {known}")
    origin = problem.horizon.grid().start
    agents = []
    for agent in problem.agents:
        stretches: list[tuple[int, int]] = []
        for s in schedule.for_agent(agent.id):
            work = sorted(
                (epoch_seconds(a.start) - origin, epoch_seconds(a.end) - origin)
                for a in s.activities
                if a.kind is ActivityKind.WORK and a.skill_group == skill_group
            )
            for lo, hi in work:
                if stretches and stretches[-1][1] == lo:
                    stretches[-1] = (stretches[-1][0], hi)
                else:
                    stretches.append((lo, hi))
        if stretches:
            duty = tuple(DutyStretch(float(lo), float(hi)) for lo, hi in stretches)
            agents.append(ScheduledAgent(agent.id, duty))
    return tuple(agents)
