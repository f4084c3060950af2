"""Freely designed shifts: candidate building and the greedy start, fast and unchanged.

Both were rewritten to work on arrays (every span's legality once for all agents; every
candidate of an agent scored at once). The digests below were computed with the loop-based
code before that rewrite (commit 499c6fa) on the same seeded problem: equal digests mean the
same candidates, in the same order, and the same greedy schedule, break for break.
"""

from __future__ import annotations

import numpy as np
from _free_design import candidates_digest, free_design_problem, greedy_digest

from bezetting.core.schedule import validate
from bezetting.core.schedule._candidates import (
    Candidate,
    _candidate,
    _spans,
    build_candidates,
)
from bezetting.core.schedule.builders import ModelContext
from bezetting.core.schedule.explain import penalties_of
from bezetting.core.schedule.greedy import greedy_schedule
from bezetting.core.schedule.plan import Schedule
from bezetting.core.schedule.problem import Agent, Problem, open_slots

# Computed before the rewrite (loop-based code of commit 499c6fa).
CANDIDATES_BEFORE = {(7, 14): (90_620, "b886be9c126c6801"), (11, 30): (186_467, "8be35a4d59c2d155")}
GREEDY_BEFORE = {
    (7, 14): ("de6071d2cc4176d8", 384_470.04),
    (11, 30): ("f25626d0303bf61a", 284_698.65),
}


def reference_candidates(problem: Problem) -> list[list[Candidate]]:
    """The definition, one agent, day, shape and span at a time (as the code was before)."""
    grid = problem.horizon.grid()
    open_by_group = open_slots(problem, grid)
    out = []
    for a, agent in enumerate(problem.agents):
        shapes = [s for s in problem.shifts if not agent.templates or s.name in agent.templates]
        groups = [open_by_group[g] for g in sorted(agent.skill_groups) if g in open_by_group]
        any_open = np.logical_or.reduce(groups)
        seen: set[tuple[int, int]] = set()
        mine = []
        for day in range(grid.days):
            for shape in shapes:
                if grid.day(day).weekday() not in shape.weekdays:
                    continue
                for start_minute, length in _spans(shape):
                    f = _candidate(problem, grid, day, start_minute, length, shape.name)
                    if f is None or (f[1], f[2]) in seen or _blocked(agent, f[3], f[4]):
                        continue
                    if any_open[f[1] : f[2]].all():
                        seen.add((f[1], f[2]))
                        mine.append(Candidate(a, *f))
        out.append(sorted(mine, key=lambda c: (c.first, c.last)))
    return out


def _blocked(agent: Agent, start: int, end: int) -> bool:
    if agent.available and not any(w.start_s <= start and end <= w.end_s for w in agent.available):
        return True
    if any(start < w.end_s and w.start_s < end for w in agent.unavailable):
        return True
    return any(start < p.window.end_s and p.window.start_s < end for p in agent.prior_work)


def test_candidates_are_those_of_the_one_at_a_time_definition() -> None:
    prob = free_design_problem(7, agents=8)
    assert build_candidates(prob, prob.horizon.grid()) == reference_candidates(prob)


def test_candidates_and_greedy_schedule_are_unchanged_by_the_rewrite() -> None:
    for (seed, agents), (count, digest) in CANDIDATES_BEFORE.items():
        prob = free_design_problem(seed, agents=agents)
        grid = prob.horizon.grid()
        cands = build_candidates(prob, grid)
        assert (sum(map(len, cands)), candidates_digest(cands)) == (count, digest)
        greedy = greedy_schedule(ModelContext(prob, grid, cands))
        cost = sum(p.cost for p in penalties_of(prob, Schedule(greedy.shifts)))
        expected_digest, expected_cost = GREEDY_BEFORE[(seed, agents)]
        assert greedy_digest(greedy) == expected_digest
        assert round(cost, 2) == expected_cost


def test_the_greedy_schedule_of_free_shifts_is_legal() -> None:
    prob = free_design_problem(7, agents=14)
    grid = prob.horizon.grid()
    greedy = greedy_schedule(ModelContext(prob, grid, build_candidates(prob, grid)))
    assert greedy.complete
    assert validate(prob, Schedule(greedy.shifts)) == ()
    assert {s.name for s in greedy.shifts} >= {"free"}
