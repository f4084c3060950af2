"""The greedy constructive schedule: legal without a solver, demand-led, and a hint the model
accepts as it stands."""

from __future__ import annotations

import dataclasses
from datetime import time, timedelta

import numpy as np
import pytest
from _schedule_factory import AMS, MONDAY, agent, at, contract, problem, shift, window

from bezetting.core.schedule import (
    DayOffWish,
    Decomposition,
    FixedEvent,
    Horizon,
    Progress,
    ShiftTemplate,
    SolveParameters,
    SolveStatus,
    TimeWindow,
    UnwantedTimeWish,
    WorkPeriod,
    solve,
    validate,
)
from bezetting.core.schedule._bound import lp_lower_bound
from bezetting.core.schedule._candidates import build_candidates
from bezetting.core.schedule.builders import ModelContext
from bezetting.core.schedule.greedy import greedy_schedule
from bezetting.core.schedule.plan import Schedule
from bezetting.core.schedule.problem import Problem
from bezetting.core.schedule.solve import _build, _complete_hint, _greedy_hint

SHAPES = (
    ShiftTemplate("early", time(7), 510),
    ShiftTemplate("late", time(14), 510),
    ShiftTemplate("night", time(22), 480),
    ShiftTemplate("short", time(9), 270),
)


def _greedy(prob: Problem) -> Schedule:
    grid = prob.horizon.grid()
    result = greedy_schedule(ModelContext(prob, grid, build_candidates(prob, grid)))
    assert result.complete
    return Schedule(result.shifts)


def _required(days: int, hours: tuple[str, str], agents: int, weekdays: range) -> np.ndarray:
    grid = Horizon(MONDAY, days).grid()
    req = np.zeros(grid.n_slots, dtype=np.int64)
    lo = at(0, hours[0]).hour * 4 + at(0, hours[0]).minute // 15
    hi = at(0, hours[1]).hour * 4 + at(0, hours[1]).minute // 15
    for d in range(days):
        if (MONDAY + timedelta(days=d)).weekday() in weekdays:
            first = int(grid.day_first_slot[d])
            req[first + lo : first + hi] = agents
    return req


def _pressed() -> Problem:
    """Night demand, earlier night work, a fixed event, wishes, contract minimums: 2 weeks."""
    days = 14
    req = _required(days, ("00:00", "24:00"), 2, range(7))
    late_night = WorkPeriod(TimeWindow(at(-1, "22:00"), at(0, "06:00")), break_minutes=30)
    people = (
        agent(
            "ann",
            contract=contract(32, 36, 40),
            prior_work=(late_night,),
            events=(FixedEvent("training", window(2, "13:00", "15:00")),),
            wishes=(DayOffWish("fri-off", MONDAY + timedelta(days=4)),),
        ),
        agent(
            "bob",
            contract=contract(24, 32, 40),
            wishes=(UnwantedTimeWish("no-nights", window(7, "20:00", "08:00")),),
        ),
        agent("cas", contract=contract(32, 40, 48)),
        agent("dirk", contract=contract(0, 24, 32), available=(window(0, "00:00", "24:00"),)),
    )
    return problem(*people, days=days, required=req, shifts=SHAPES)


def test_the_greedy_schedule_of_a_pressed_problem_breaks_no_rule() -> None:
    prob = _pressed()
    schedule = _greedy(prob)
    assert validate(prob, schedule) == ()
    ann = schedule.for_agent("ann")
    # 14 h of rest after the late night shift before the horizon (it ended 06:00 on day 0).
    assert all(s.start >= at(0, "20:00") for s in ann)
    # The training is inside one of ann's shifts; her day off is kept.
    assert any(s.start <= at(2, "13:00") and at(2, "15:00") <= s.end for s in ann)
    assert not any(s.start.date() == MONDAY + timedelta(days=4) for s in ann)
    # dirk is available on day 0 only: nothing is planned outside his availability.
    assert all(s.start.date() == MONDAY for s in schedule.for_agent("dirk"))


def test_shifts_go_where_the_demand_is() -> None:
    # One agent needed 07:00-15:30 Monday to Thursday; a 32-hour contract is exactly four
    # early shifts (8.5 h less a 30-minute break): those four are the greedy choice.
    req = _required(7, ("07:00", "15:30"), 1, range(4))
    prob = problem(agent("ann", contract=contract(32, 32, 40)), days=7, required=req, shifts=SHAPES)
    schedule = _greedy(prob)
    assert validate(prob, schedule) == ()
    assert sorted((s.start.weekday(), s.start.time()) for s in schedule.shifts) == [
        (d, time(7)) for d in range(4)
    ]


def test_the_model_accepts_the_greedy_schedule_as_its_hint() -> None:
    # The greedy answer must satisfy the model (which is stricter than the validator), or CP-SAT
    # would throw the hint away: fixing the hinted variables must leave a feasible model.
    prob = _pressed()
    grid = prob.horizon.grid()
    ctx = _build(prob, grid, build_candidates(prob, grid))
    greedy = _greedy_hint(ctx)
    assert greedy is not None
    assert _complete_hint(ctx, SolveParameters(num_workers=1), time_limit_seconds=20) is not None


def test_the_relaxation_counts_the_shortage_no_schedule_can_avoid() -> None:
    # Two agents needed Monday 07:00-15:30 (34 quarter-hours), one agent with an 8-hour week:
    # whatever the plan, 34 slots miss one agent and 2 more miss both (her 30-minute break),
    # 36 agent-slots at 100 each (uniform demand: impact 1). The best plan costs exactly that.
    req = 2 * _required(7, ("07:00", "15:30"), 1, range(1))
    prob = problem(agent("ann", contract=contract(0, 8, 40)), days=7, required=req, shifts=SHAPES)
    grid = prob.horizon.grid()
    ctx = ModelContext(prob, grid, build_candidates(prob, grid))
    assert lp_lower_bound(ctx) == pytest.approx(36 * 100.0)
    result = solve(prob, parameters=SolveParameters(time_limit_seconds=10, num_workers=2))
    assert result.objective == pytest.approx(36 * 100.0)
    assert result.bound == pytest.approx(36 * 100.0)
    assert result.gap == pytest.approx(0.0)


def test_decomposed_a_legal_schedule_of_the_whole_horizon_comes_first() -> None:
    prob = _pressed()
    seen: list[Progress] = []
    result = solve(
        prob,
        parameters=SolveParameters(time_limit_seconds=8, decomposition=Decomposition.WEEKS),
        on_progress=seen.append,
    )
    # The first report is the greedy schedule of both weeks, before any week is solved.
    assert seen[0].whole
    assert seen[0].part == 0
    assert seen[0].elapsed_seconds < result.wall_seconds
    # The last report is the answer for the whole horizon, unless a week found nothing in its
    # time (a loaded machine) and the greedy schedule reported first is the answer.
    assert seen[-1].whole or result.status is SolveStatus.HEURISTIC
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE, SolveStatus.HEURISTIC)
    assert result.violations == ()
    assert result.bound <= result.objective + 1e-9


def test_whole_shifts_tighten_the_relaxation_to_the_optimum() -> None:
    # No demand and a 4-hour week of minimum and target, but only 8.5-hour shifts: the linear
    # relaxation works half a shift (no contract deviation); a real plan works a whole one.
    prob = problem(agent("ann", contract=contract(4, 4, 40)), days=7, shifts=SHAPES)
    grid = prob.horizon.grid()
    ctx = ModelContext(prob, grid, build_candidates(prob, grid))
    linear = lp_lower_bound(ctx)
    whole = lp_lower_bound(ctx, integral_shifts=True)
    result = solve(prob, parameters=SolveParameters(time_limit_seconds=10, num_workers=2))
    assert linear is not None
    assert whole is not None
    assert linear < whole
    assert whole == pytest.approx(result.objective)


def test_a_later_week_reuses_the_greedy_pass_only_while_it_stays_legal() -> None:
    from bezetting.core.schedule.solve import _Budget, _greedy_whole, _GreedyPass, _week_part

    prob = _pressed()
    greedy_pass = _GreedyPass()
    fallback = _greedy_whole(prob, _Budget(60.0, lambda: 0.0), None, greedy_pass)
    assert fallback is not None
    week_1 = [s for s in fallback if s.start < at(7, "00:00")]
    week_2 = greedy_pass.weeks[1]

    def start_after(earlier: list) -> object:  # type: ignore[type-arg]
        sub = _week_part(prob, 1, earlier)
        grid = sub.horizon.grid()
        return greedy_pass.start_for(1, sub, build_candidates(sub, grid))

    # After the greedy pass's own week 1 it is the start as it stands.
    assert start_after(week_1) is week_2
    # Earlier work that now overlaps one of its shifts blocks that shift: built afresh.
    first = min((s for s in fallback if s.start >= at(7, "00:00")), key=lambda s: s.start)
    clash = shift(first.agent_id, 6, "20:00", f"{first.start.astimezone(AMS):%H:%M}")
    clash = dataclasses.replace(clash, end=first.start + timedelta(hours=1))
    assert start_after([*week_1, clash]) is None
    # Earlier work ending 2 h before that shift leaves too little daily rest.
    short_rest = dataclasses.replace(
        clash, start=first.start - timedelta(hours=8), end=first.start - timedelta(hours=2)
    )
    assert start_after([*week_1, short_rest]) is None


def test_a_week_part_carries_only_its_own_fixed_events() -> None:
    from bezetting.core.schedule.solve import _week_part

    prob = _pressed()  # ann's training is on day 2, in week 1
    assert _week_part(prob, 0, []).agents[0].events == prob.agents[0].events
    # In week 2 the training is earlier work's business: a week-2 schedule cannot host it.
    assert _week_part(prob, 1, []).agents[0].events == ()
