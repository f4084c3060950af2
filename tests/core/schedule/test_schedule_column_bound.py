"""The column-generation bound (``_columns``): never above the optimum, never below the relaxation,
and tighter than the relaxation where a rule across days binds."""

from __future__ import annotations

import dataclasses
import itertools
import time
from datetime import time as clock_time

import numpy as np
import pytest
from _schedule_factory import MONDAY, agent, contract, problem, shift

from bezetting.core.schedule import (
    Activity,
    ActivityKind,
    DayOffWish,
    Schedule,
    Shift,
    ShiftTemplate,
    Skill,
    SolveParameters,
    solve,
)
from bezetting.core.schedule._bound import lp_lower_bound
from bezetting.core.schedule._candidates import build_candidates
from bezetting.core.schedule._columns import agents_per_alike_set, column_generation_bound
from bezetting.core.schedule.builders import ModelContext
from bezetting.core.schedule.explain import penalties_of, wishes_of
from bezetting.core.schedule.problem import Problem
from bezetting.core.schedule.validate import validate

# Five-hour shifts need no break (art. 5:4: a break only above 5.5 h of work). A late shift
# ends at 23:00 and an early one starts at 06:00: 7 h of rest, below even the shortened 8 h.
EARLY = ShiftTemplate("early", clock_time(6), 300)
LATE = ShiftTemplate("late", clock_time(18), 300)
HOURS = {"early": ("06:00", "11:00"), "late": ("18:00", "23:00")}


def _needed(days: int, blocks: list[tuple[int, int, int, int]]) -> np.ndarray:
    """Agents needed: ``(day, from hour, to hour, agents)`` blocks on the 15-minute grid."""
    req = np.zeros(days * 96, dtype=np.int64)
    for day, lo, hi, n in blocks:
        req[day * 96 + 4 * lo : day * 96 + 4 * hi] += n
    return req


def _bounds(prob: Problem) -> tuple[float, float, bool]:
    grid = prob.horizon.grid()
    ctx = ModelContext(prob, grid, build_candidates(prob, grid))
    linear = lp_lower_bound(ctx)
    found = column_generation_bound(ctx, seconds=30, clock=time.monotonic)
    assert linear is not None
    assert found.bound is not None
    return linear, found.bound, found.converged


def _on_voice(agent_id: str, day: int, shape: str) -> Shift:
    """A shift of ``shape`` on ``day`` that works for the voice group throughout."""
    bare = shift(agent_id, day, *HOURS[shape])
    work = Activity(ActivityKind.WORK, bare.start, bare.end, skill_group="voice")
    return dataclasses.replace(bare, activities=(work,))


def _brute_force_optimum(prob: Problem) -> float:
    """Every combination of every agent's legal weeks (none, early or late each day; legal as
    the validator says, agent by agent), costed by the objective's own definition."""
    days = prob.horizon.days
    legal: list[list[list]] = []
    for one in prob.agents:
        weeks = []
        for choice in itertools.product((None, "early", "late"), repeat=days):
            week = [_on_voice(one.id, d, c) for d, c in enumerate(choice) if c is not None]
            alone = Problem(
                prob.horizon, prob.skill_groups, prob.demand, (one,), prob.shifts, prob.rules
            )
            if not validate(alone, Schedule(tuple(week))):
                weeks.append(week)
        legal.append(weeks)
    return min(
        sum(p.cost for p in penalties_of(prob, Schedule(tuple(s for w in combo for s in w))))
        for combo in itertools.product(*legal)
    )


def test_a_rest_rule_across_days_makes_the_bound_strictly_tighter_than_the_relaxation() -> None:
    # One agent needed Monday 18:00-23:00 and Tuesday 06:00-11:00; her target over these two
    # days (35 h a week, 2/7 of it: 10 h) is exactly those two shifts, but 7 h of rest between
    # them is illegal. The relaxation, choosing day by day, covers both (cost 0); any legal
    # week leaves at least 20 quarter-hours short at 100 each.
    req = _needed(2, [(0, 18, 23, 1), (1, 6, 11, 1)])
    prob = problem(
        agent("ann", contract=contract(0, 35, 40)), days=2, required=req, shifts=(EARLY, LATE)
    )
    linear, columns, converged = _bounds(prob)
    optimum = _brute_force_optimum(prob)
    assert linear == pytest.approx(0.0)
    assert converged
    # One shift and 300 minutes under the target (7 scaled units, 0.07, a minute): 2,000 + 21.
    # Half of each one-shift week costs the same, so the convex hull of legal weeks (the
    # bound's master) reaches the optimum.
    assert optimum == pytest.approx(2021.0)
    assert columns == pytest.approx(optimum)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_bound_lies_between_the_relaxation_and_the_brute_force_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    blocks = [
        (int(day), int(lo), int(lo) + 5, int(rng.integers(1, 3)))
        for day in range(3)
        for lo in rng.choice([6, 18], size=1 + int(rng.integers(2)), replace=False)
    ]
    prob = problem(
        agent("ann", contract=contract(0, 10, 15)),
        agent("bob", contract=contract(0, 5, 15), skills=(Skill("voice"),)),
        days=3,
        required=_needed(3, blocks),
        shifts=(EARLY, LATE),
    )
    linear, columns, converged = _bounds(prob)
    optimum = _brute_force_optimum(prob)
    assert converged
    assert linear - 1e-6 <= columns <= optimum + 1e-6


def test_whole_weeks_from_the_generated_columns_are_a_legal_schedule_at_their_cost() -> None:
    # Price and branch: one whole generated week per agent. The master's cost of that choice
    # (coverage and contract) is what the objective's own definition charges the schedule.
    rng = np.random.default_rng(4)
    blocks = [(day, lo, lo + 5, int(rng.integers(1, 3))) for day in range(3) for lo in (6, 18)]
    prob = problem(
        agent("ann", contract=contract(0, 10, 15)),
        agent("bob", contract=contract(0, 10, 15)),
        agent("cas", contract=contract(0, 5, 15)),
        days=3,
        required=_needed(3, blocks),
        shifts=(EARLY, LATE),
    )
    grid = prob.horizon.grid()
    ctx = ModelContext(prob, grid, build_candidates(prob, grid))
    found = column_generation_bound(ctx, seconds=30, clock=time.monotonic, integer_seconds=10)
    assert found.integer_schedule is not None
    assert found.integer_master is not None
    assert found.bound is not None
    schedule = Schedule(found.integer_schedule.shifts)
    assert validate(prob, schedule) == ()
    kept = ("under_coverage", "over_coverage", "contract_deviation")
    cost = sum(p.cost for p in penalties_of(prob, schedule) if p.name in kept)
    assert cost == pytest.approx(found.integer_master)
    assert found.bound <= found.integer_master + 1e-6


def test_with_wishes_kept_the_whole_weeks_keep_every_wish_and_claim_no_bound() -> None:
    # Ann would rather not work Monday; the Monday late shift is what the demand asks for.
    # As a start for the search (which keeps the wishes its start keeps) the whole weeks
    # must keep it; kept wishes are a policy, not the model, so no bound is claimed.
    req = _needed(2, [(0, 18, 23, 2), (1, 18, 23, 1)])
    ann = agent("ann", contract=contract(0, 35, 40), wishes=(DayOffWish("ann-off", MONDAY),))
    prob = problem(
        ann, agent("bob", contract=contract(0, 35, 40)), days=2, required=req, shifts=(LATE,)
    )
    grid = prob.horizon.grid()
    ctx = ModelContext(prob, grid, build_candidates(prob, grid))
    free = column_generation_bound(ctx, seconds=30, clock=time.monotonic, integer_seconds=10)
    kept = column_generation_bound(
        ctx, seconds=30, clock=time.monotonic, integer_seconds=10, wishes_kept=True
    )
    assert free.integer_schedule is not None
    assert kept.integer_schedule is not None
    assert not all(w.met for w in wishes_of(prob, Schedule(free.integer_schedule.shifts)))
    assert all(w.met for w in wishes_of(prob, Schedule(kept.integer_schedule.shifts)))
    assert validate(prob, Schedule(kept.integer_schedule.shifts)) == ()
    assert free.bound is not None
    assert kept.bound is None


def test_solve_can_start_its_search_from_whole_weeks_and_stays_legal() -> None:
    # ``SolveParameters(column_start=True)``: the search starts from whole generated weeks
    # that keep every wish; the answer is legal, keeps Ann's day off, and costs no more than
    # the bound allows to be seen (the relaxation's, reported as usual).
    req = _needed(3, [(0, 18, 23, 2), (1, 6, 11, 1), (1, 18, 23, 1), (2, 6, 11, 2)])
    ann = agent("ann", contract=contract(0, 35, 40), wishes=(DayOffWish("ann-off", MONDAY),))
    prob = problem(
        ann,
        agent("bob", contract=contract(0, 35, 40)),
        agent("cas", contract=contract(0, 35, 40)),
        days=3,
        required=req,
        shifts=(EARLY, LATE),
    )
    result = solve(
        prob, parameters=SolveParameters(time_limit_seconds=6, num_workers=1, column_start=True)
    )
    assert result.violations == ()
    assert all(w.met for w in result.wishes)
    assert result.bound <= result.objective + 1e-9
    assert result.wall_seconds <= 6 * 1.1


def test_the_column_start_is_chosen_where_alike_agents_come_in_numbers() -> None:
    # Whole weeks round well when many agents share a set (the master's mix has agents to
    # spread over); with every agent in a set of their own they do not, and the default
    # (``column_start=None``) leaves the greedy start to the search.
    req = _needed(2, [(0, 18, 23, 2)])
    alike = problem(
        *(agent(f"a{i}", contract=contract(0, 35, 40)) for i in range(6)),
        days=2,
        required=req,
        shifts=(LATE,),
    )
    apart = problem(
        *(agent(f"a{i}", contract=contract(0, 30 + i, 40)) for i in range(6)),
        days=2,
        required=req,
        shifts=(LATE,),
    )

    def per_set(prob: Problem) -> float:
        grid = prob.horizon.grid()
        return agents_per_alike_set(ModelContext(prob, grid, build_candidates(prob, grid)))

    assert per_set(alike) == 6.0
    assert per_set(apart) == 1.0
    assert SolveParameters().column_start is None
