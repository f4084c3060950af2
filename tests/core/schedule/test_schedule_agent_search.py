"""Agent-by-agent best responses: each agent's best week against everyone else's, legal by the
model's own builders, never worse than the start, and the optimum when there is one agent."""

from __future__ import annotations

import random
import time
from datetime import time as clock_time
from types import SimpleNamespace

import numpy as np
import pytest
from _schedule_factory import MONDAY, agent, contract, problem, window
from test_schedule_greedy import _pressed, _required

from bezetting.core.schedule import (
    DayOffWish,
    Decomposition,
    Progress,
    ShiftTemplate,
    SolveParameters,
    UnwantedTimeWish,
    solve,
    validate,
)
from bezetting.core.schedule._agent_search import (
    _assembled,
    _joint_move,
    _rebuild_blocks,
    _State,
    _state_of,
    best_breaks,
    improve_by_agents,
)
from bezetting.core.schedule._candidates import Candidate, build_candidates
from bezetting.core.schedule.builders import ModelContext
from bezetting.core.schedule.explain import penalties_of
from bezetting.core.schedule.greedy import greedy_schedule
from bezetting.core.schedule.plan import Schedule
from bezetting.core.schedule.problem import Problem

# Three full shifts three hours apart and a short one.
SHAPES = tuple(
    ShiftTemplate(name, clock_time(hour), minutes)
    for name, hour, minutes in (
        ("early", 7, 510),
        ("mid", 10, 510),
        ("late", 13, 510),
        ("short", 9, 270),
    )
)


def _candidate(first: int, last: int, parts: tuple[int, ...], window: tuple[int, int]) -> Candidate:
    return Candidate(0, 0, first, last, 0, 0, "x", parts, window, night=False, late_end=False)


def _cost(prob: Problem, shifts: tuple[object, ...]) -> float:
    return sum(p.cost for p in penalties_of(prob, Schedule(shifts)))  # type: ignore[arg-type]


def test_breaks_go_where_the_agent_is_missed_least_in_order_and_inside_their_window() -> None:
    gain = np.array([9, 9, 5, 1, 7, 7, 0, 6, 9, 9], dtype=np.float64)
    # Two 15-minute parts in slots [2, 8): the cheapest ordered pair is slots 3 and 6.
    loss, starts = best_breaks(_candidate(0, 10, (15, 15), (2, 8)), gain, 15)
    assert (loss, starts) == (1.0, [3, 6])
    # One 30-minute part: two slots in a row, the window's cheapest pair is 2-3.
    loss, starts = best_breaks(_candidate(0, 10, (30,), (2, 8)), gain, 15)
    assert (loss, starts) == (6.0, [2])
    assert best_breaks(_candidate(0, 10, (), (2, 8)), gain, 15) == (0.0, [])


def _uneven(*agents: object) -> Problem:
    """A week of uneven demand: two agents at 10:00-17:00 on weekdays, one around it."""
    req = _required(7, ("07:00", "21:30"), 1, range(5)) + _required(
        7, ("10:00", "17:00"), 1, range(5)
    )
    return problem(
        *agents,  # type: ignore[arg-type]
        required=req,
        shifts=SHAPES,
        open_from="07:00",
        open_to="22:00",
    )


def test_with_one_agent_the_best_response_is_the_optimum() -> None:
    prob = _uneven(
        agent(
            "ann",
            contract=contract(16, 24, 32),
            wishes=(DayOffWish("wed-off", MONDAY.replace(day=18)),),
        )
    )
    grid = prob.horizon.grid()
    ctx = ModelContext(prob, grid, build_candidates(prob, grid))
    start = greedy_schedule(ctx)
    found = improve_by_agents(ctx, start, seconds=30, clock=time.monotonic)
    optimum = solve(
        prob,
        parameters=SolveParameters(time_limit_seconds=30, agent_search=False, num_workers=2),
    )
    assert optimum.status.value == "optimal"
    assert validate(prob, Schedule(found.shifts)) == ()
    assert _cost(prob, found.shifts) == pytest.approx(optimum.objective)


@pytest.mark.parametrize("class_days", [False, True])
def test_the_search_keeps_every_rule_and_never_costs_more_than_its_start(class_days: bool) -> None:
    prob = _uneven(
        agent("ann", contract=contract(16, 24, 32)),
        agent("bob", contract=contract(24, 32, 36)),
        agent(
            "cas",
            contract=contract(8, 16, 24),
            wishes=(UnwantedTimeWish("no-early", window(1, "06:00", "10:00")),),
        ),
    )
    grid = prob.horizon.grid()
    ctx = ModelContext(prob, grid, build_candidates(prob, grid))
    start = greedy_schedule(ctx)
    found = improve_by_agents(ctx, start, seconds=10, clock=time.monotonic, class_days=class_days)
    assert validate(prob, Schedule(found.shifts)) == ()
    assert _cost(prob, found.shifts) <= _cost(prob, start.shifts) + 1e-9


def test_solved_whole_the_start_is_reported_first_and_the_objective_is_the_real_cost() -> None:
    prob = _uneven(agent("ann", contract=contract(16, 24, 32)), agent("bob"))
    seen: list[Progress] = []
    result = solve(
        prob,
        parameters=SolveParameters(time_limit_seconds=6, num_workers=2),
        on_progress=seen.append,
    )
    assert result.violations == ()
    assert sum(p.cost for p in result.penalties) == pytest.approx(result.objective)
    assert result.bound <= result.objective + 1e-9
    # The greedy start is reported before the search begins; the answer is no worse.
    assert seen[0].whole
    assert seen[0].objective >= result.objective - 1e-9


def test_decomposed_every_week_is_searched_and_the_whole_stays_legal() -> None:
    # 20 s, not 8: at 8 s under a load of 4 to 5 the budget left the last week greedy
    # (status heuristic), on the unchanged code as well.
    prob = _pressed()
    result = solve(
        prob,
        parameters=SolveParameters(time_limit_seconds=20, decomposition=Decomposition.WEEKS),
    )
    assert result.violations == ()
    assert result.status.value in ("feasible", "optimal")
    assert result.bound <= result.objective + 1e-9


def test_a_class_freed_on_one_day_keeps_its_other_days_and_every_rule() -> None:
    prob = _uneven(
        agent("ann", contract=contract(16, 24, 32)),
        agent("bob", contract=contract(24, 32, 36)),
        agent("cas", contract=contract(16, 24, 32)),
    )
    grid = prob.horizon.grid()
    ctx = ModelContext(prob, grid, build_candidates(prob, grid))
    start = greedy_schedule(ctx)
    before = [dict(days) for days in _state_of(ctx, start).chosen]
    # Free on the whole week (given the time) the three move shifts on other days too ...
    whole = _state_of(ctx, start)
    assert _joint_move(ctx, whole, [0, 1, 2], 20.0, 2, solve_seconds=15.0)
    assert any(
        before[a].get(d) != whole.chosen[a].get(d)
        for a in range(3)
        for d in before[a].keys() | whole.chosen[a].keys()
        if d != 2
    )
    # ... free on Wednesday only, they do better there and every other day stays as it was.
    state = _state_of(ctx, start)
    # (its own cost found in up to 10 s, not the search's 2 s: a clean-clone CI under a load
    # of 7-8 ran out of the 2 s and the move reported no gain)
    assert _joint_move(ctx, state, [0, 1, 2], 20.0, 2, free_days=frozenset({2}), solve_seconds=10.0)
    for a in range(3):
        assert {d: i for d, i in state.chosen[a].items() if d != 2} == {
            d: i for d, i in before[a].items() if d != 2
        }
    found = _assembled(ctx, state.chosen, state.breaks, state.contrib, ["voice"], True)
    assert validate(prob, Schedule(found.shifts)) == ()
    assert _cost(prob, found.shifts) < _cost(prob, start.shifts)


def _two_agent_state() -> tuple[_State, dict[int, int]]:
    contrib = np.array([[[1, 1, 0, 0]], [[1, 1, 0, 0]]], dtype=np.int16)
    state = _State(
        chosen=[{0: 5}, {0: 7}],
        breaks=[{0: [1]}, {0: [2]}],
        contrib=contrib,
        staffed=contrib.sum(axis=0),
        counts=np.zeros((2, 3), dtype=np.int64),
    )
    return state, {0: 10, 1: 10}


def _rebuild(state: _State, own_cost: dict[int, int], plan: dict[int, tuple[list[int], int]]):  # type: ignore[no-untyped-def]
    """Rebuild the two agents once, each taking ``plan[a]`` (its coverage row, own cost)."""
    need = np.array([[1, 1, 1, 1]])
    moments = iter(range(1000))

    def respond(a: int, current: set[int], seconds: float) -> bool | None:
        if plan[a] is None:
            return None
        row, cost = plan[a]
        mine = np.array([row], dtype=np.int16)
        state.staffed[...] += mine - state.contrib[a]
        state.contrib[a] = mine
        state.chosen[a], state.breaks[a], own_cost[a] = {0: 100 + a}, {0: []}, cost
        return True

    prob = SimpleNamespace(agents=[SimpleNamespace(skill_groups=frozenset({"voice"}))] * 2)
    _rebuild_blocks(
        prob,  # type: ignore[arg-type]
        state,
        [0, 1],
        respond,
        lambda: float(np.abs(need - state.staffed).sum() * 100),
        own_cost,
        deadline=900.0,
        clock=lambda: float(next(moments)),
        rng=random.Random(1),
        agents=2,
        step_seconds=2.0,
    )


def test_a_pair_emptied_and_rebuilt_is_kept_when_it_costs_less() -> None:
    # Both cover the first half: two slots short, two over, 400 in all. Rebuilt, one takes
    # each half: nothing short or over, at 2 more own cost each.
    state, own_cost = _two_agent_state()
    _rebuild(state, own_cost, {0: ([1, 1, 0, 0], 12), 1: ([0, 0, 1, 1], 12)})
    assert state.chosen == [{0: 100}, {0: 101}]
    assert state.staffed.tolist() == [[1, 1, 1, 1]]
    assert own_cost == {0: 12, 1: 12}


@pytest.mark.parametrize(
    "plan",
    [
        {0: ([1, 1, 0, 0], 300), 1: ([0, 0, 1, 1], 300)},  # covers all, at more own cost
        {0: ([1, 1, 0, 0], 10), 1: None},  # the second best response not proven in time
    ],
    ids=["costs more", "not proven"],
)
def test_a_rebuilt_pair_that_does_not_pay_is_undone_exactly(plan: dict) -> None:  # type: ignore[type-arg]
    state, own_cost = _two_agent_state()
    _rebuild(state, own_cost, plan)
    assert state.chosen == [{0: 5}, {0: 7}]
    assert state.breaks == [{0: [1]}, {0: [2]}]
    assert state.contrib.tolist() == [[[1, 1, 0, 0]], [[1, 1, 0, 0]]]
    assert state.staffed.tolist() == [[2, 2, 0, 0]]
    assert own_cost == {0: 10, 1: 10}
