"""Fairness in the agent-by-agent search: each move is priced with its exact change of the
objective's spread (max - min per 40 contract hours), counting the weeks before a part."""

from __future__ import annotations

import dataclasses
import itertools
import time
from datetime import time as clock_time

import numpy as np
import pytest
from _schedule_factory import agent, at, contract, problem, shift
from ortools.sat.python import cp_model
from test_schedule_greedy import _pressed, _required

from bezetting.core.schedule import (
    DayOffWish,
    FairnessShare,
    MaxDaysPerWeekWish,
    ShiftTemplate,
    SolveParameters,
    SolveStatus,
    TimeWindow,
    UnwantedTimeWish,
    solve,
    validate,
)
from bezetting.core.schedule._agent_search import (
    _assembled,
    _joint_move,
    _state_of,
    improve_by_agents,
)
from bezetting.core.schedule._candidates import build_candidates
from bezetting.core.schedule._fairness import (
    AgentCategories,
    Fairness,
    fairness_so_far,
    increments,
    nothing_yet,
    spread_cost,
)
from bezetting.core.schedule._time import from_epoch
from bezetting.core.schedule.builders import COST_SCALE, ModelContext
from bezetting.core.schedule.explain import (
    FAIRNESS_CATEGORIES,
    fairness_eligible,
    fairness_of,
    penalties_of,
)
from bezetting.core.schedule.files import result_html
from bezetting.core.schedule.greedy import GreedySchedule, greedy_schedule
from bezetting.core.schedule.plan import Schedule
from bezetting.core.schedule.problem import Problem
from bezetting.core.schedule.solve import _build, _week_part

SATURDAY, SUNDAY = 5, 6


def _spread(values: list[int]) -> int:
    return max(values) - min(values)


@pytest.mark.parametrize("others", [[0, 300], [200, 200], [500, 900], [0]])
@pytest.mark.parametrize("base", [0, 2])
def test_each_increment_is_the_spread_it_adds_with_the_others_fixed(
    others: list[int], base: int
) -> None:
    per_fte, weight, top = 150, 8, 6
    steps = increments(np.array(others), per_fte=per_fte, base=base, top=top, weight=weight)
    for n in range(top + 1):
        mine = per_fte * (base + n)
        # Brute force: the spread of everyone with the agent at count n, less at count 0.
        expected = weight * (_spread([*others, mine]) - _spread([*others, per_fte * base]))
        assert sum(steps[:n]) == expected
    # Convex: never cheaper to add a unit after one that cost more.
    assert all(a <= b for a, b in itertools.pairwise(steps))


def test_one_agent_alone_has_no_spread() -> None:
    assert increments(np.array([], dtype=np.int64), per_fte=100, base=3, top=3, weight=8) == [0] * 3
    shares = np.array([[100, 0, 0], [400, 200, 0]])
    eligible = np.array([[True, True, False], [True, False, False]])
    # Evenings: 400 - 100; weekends one agent only; unwanted nobody.
    assert spread_cost(shares, eligible, 8) == 8 * 300


def _weekend_problem(days: int = 7) -> Problem:
    """Demand only at weekends, one agent 09:00-13:30 on Saturday and Sunday; short shifts
    only then (no breaks). Two agents on 9 contract hours: one agent on both days or one on
    each costs the same coverage and contract deviation (9 hours short in all)."""
    req = _required(days, ("09:00", "13:30"), 1, range(5, 7))
    return problem(
        agent("ann", contract=contract(0, 9, 40)),
        agent("bob", contract=contract(0, 9, 40)),
        days=days,
        required=req,
        shifts=(ShiftTemplate("weekend", clock_time(9), 270, weekdays=(5, 6)),),
    )


def _start(ctx: ModelContext, weeks: dict[int, list[int]]) -> GreedySchedule:
    """A start with the given days worked per agent, each on its one candidate of the day."""
    n_t = ctx.grid.n_slots
    chosen = [dict[int, int]() for _ in ctx.problem.agents]
    contrib = np.zeros((len(ctx.problem.agents), 1, n_t), dtype=np.int16)
    for a, days in weeks.items():
        for i, c in enumerate(ctx.candidates[a]):
            if c.day in days:
                chosen[a][c.day] = i
                contrib[a, 0, c.first : c.last] = 1
    breaks: list[dict[int, list[int]]] = [{} for _ in ctx.problem.agents]
    return _assembled(ctx, chosen, breaks, contrib, ["voice"], True)


def _weekends(found: GreedySchedule) -> list[int]:
    return [len(days) for days in found.chosen]


@pytest.mark.parametrize("price", [True, False])
def test_when_coverage_is_indifferent_the_search_shares_the_weekend_out(price: bool) -> None:
    prob = _weekend_problem()
    grid = prob.horizon.grid()
    ctx = ModelContext(prob, grid, build_candidates(prob, grid))
    start = _start(ctx, {0: [SATURDAY, SUNDAY]})  # ann has both weekend days, bob none
    found = improve_by_agents(ctx, start, seconds=20, clock=time.monotonic, price_fairness=price)
    assert validate(prob, Schedule(found.shifts)) == ()
    fairness = [p for p in penalties_of(prob, Schedule(found.shifts)) if p.name == "unfair_share"]
    if price:
        # One each: the same coverage and contract cost, and no spread.
        assert _weekends(found) == [1, 1]
        assert fairness == []
    else:
        # Blind to fairness, nothing is cheaper than the start: 2 weekend shifts per 9 h
        # against none, 8.89 per 40 h.
        assert _weekends(found) == [2, 0]
        assert [p.amount for p in fairness] == [pytest.approx(8.88)]


def test_a_later_week_evens_out_the_weeks_before_it() -> None:
    # Two weeks; in the first, ann worked both weekend days. Seen alone, week 2 is fairest
    # with one day each; counted with week 1, only bob on both days evens the horizon out.
    prob = _weekend_problem(days=14)
    earlier = (
        shift("ann", SATURDAY, "09:00", "13:30"),
        shift("ann", SUNDAY, "09:00", "13:30"),
    )
    sub = _week_part(prob, 1, list(earlier))
    grid = sub.horizon.grid()
    ctx = ModelContext(sub, grid, build_candidates(sub, grid))
    before = fairness_so_far(prob, Schedule(earlier), build_candidates(prob, prob.horizon.grid()))
    assert before.counts[:, 1].tolist() == [2, 0]  # weekend shifts before the part
    start = _start(ctx, {0: [SATURDAY], 1: [SUNDAY]})
    found = improve_by_agents(ctx, start, seconds=20, clock=time.monotonic, fairness=before)
    assert _weekends(found) == [0, 2]
    whole = Schedule(earlier + found.shifts)
    assert validate(prob, whole) == ()
    assert [p for p in penalties_of(prob, whole) if p.name == "unfair_share"] == []
    # Without the weeks before it, the part's start is already as fair as it can see.
    alone = improve_by_agents(ctx, start, seconds=20, clock=time.monotonic)
    assert _weekends(alone) == [1, 1]


def test_the_search_counts_shares_as_the_objective_does() -> None:
    # Evenings, weekends and broken wishes (cas cannot keep a week free of work, bob cannot
    # work 24 hours in 2 days), contracts of 24 to 40 hours: the spread the search prices is
    # the one ``penalties_of`` reports, to the unit.
    base = _pressed()
    wishes = {
        "bob": (MaxDaysPerWeekWish("two-days", 2),),
        "cas": (UnwantedTimeWish("week-off", TimeWindow(at(0, "00:00"), at(7, "00:00"))),),
    }
    prob = problem(
        *(dataclasses.replace(a, wishes=a.wishes + wishes.get(a.id, ())) for a in base.agents),
        days=base.horizon.days,
        required=np.asarray(base.demand[0].required),
        shifts=base.shifts,
    )
    grid = prob.horizon.grid()
    ctx = ModelContext(prob, grid, build_candidates(prob, grid))
    for found in (
        greedy_schedule(ctx),
        improve_by_agents(ctx, greedy_schedule(ctx), seconds=10, clock=time.monotonic),
    ):
        before = nothing_yet(prob, ctx.candidates)
        counts = np.array(
            [
                AgentCategories.of(ctx, a, before.broken[a]).counts(
                    ctx, a, {ctx.candidates[a].index(c) for c in found.chosen[a]}
                )
                for a in range(len(prob.agents))
            ]
        )
        penalties = penalties_of(prob, Schedule(found.shifts))
        assert "unwanted" in {p.ref for p in penalties if p.name == "unfair_share"}
        reported = sum(p.cost for p in penalties if p.name == "unfair_share")
        assert Fairness.of(prob, before).cost(counts) / 100 == pytest.approx(reported)


@pytest.mark.parametrize("price", [True, False])
def test_a_joint_move_carries_the_spread_in_its_small_model(price: bool) -> None:
    prob = _weekend_problem()
    grid = prob.horizon.grid()
    ctx = ModelContext(prob, grid, build_candidates(prob, grid))
    before = nothing_yet(prob, ctx.candidates)
    cats = [AgentCategories.of(ctx, a, before.broken[a]) for a in range(2)]
    state = _state_of(ctx, _start(ctx, {0: [SATURDAY, SUNDAY]}), cats)
    fair = Fairness.of(prob, before) if price else None
    moved = _joint_move(ctx, state, [0, 1], 10.0, 1, cats=cats, fair=fair)
    # Priced, one weekend day each is cheaper by the whole spread; blind, nothing is.
    assert moved is price
    assert [len(days) for days in state.chosen] == ([1, 1] if price else [2, 0])
    assert state.counts[:, 1].tolist() == ([1, 1] if price else [2, 0])


def _three_days_with_moot_wishes() -> Problem:
    """Three days, one agent wanted 08:00-20:30 (an early and a late shift a day). Ann's
    Monday late breaks her wish, for only she can work then; bob is away on Monday, so his
    wish for Monday off cannot be broken; cas works early shifts only, so never an evening;
    dan's light wish could be broken but need not be."""
    late_monday = TimeWindow(at(0, "12:00"), at(0, "20:30"))
    return problem(
        agent(
            "ann",
            contract=contract(0, 16, 40),
            wishes=(UnwantedTimeWish("no-late-monday", late_monday),),
        ),
        agent(
            "bob",
            contract=contract(0, 16, 40),
            unavailable=(TimeWindow(at(0, "00:00"), at(1, "00:00")),),
            wishes=(DayOffWish("monday-off", at(0, "00:00").date()),),
        ),
        agent("cas", contract=contract(0, 16, 40), templates=("early",)),
        agent(
            "dan",
            contract=contract(0, 40, 40),
            unavailable=(TimeWindow(at(0, "00:00"), at(1, "00:00")),),
            wishes=(
                UnwantedTimeWish("no-tuesday", TimeWindow(at(1, "06:00"), at(1, "23:00")), 0.1),
            ),
        ),
        days=3,
        required=_required(3, ("08:00", "20:30"), 1, range(7)),
        shifts=(
            ShiftTemplate("early", clock_time(8), 510),
            ShiftTemplate("late", clock_time(12), 510),
        ),
        open_from="07:00",
        open_to="22:00",
    )


def _model_fairness(prob: Problem, schedule: Schedule) -> dict[str, float]:
    """The model's fairness terms (cost units, per category) with its shifts fixed to
    ``schedule``'s: what the objective charges for that schedule. Only the wish and fairness
    terms are minimised: with the shifts fixed no other term moves them."""
    grid = prob.horizon.grid()
    ctx = _build(prob, grid, build_candidates(prob, grid))
    worked = {(s.agent_id, s.start, s.end) for s in schedule.shifts}
    for a, cands in enumerate(ctx.candidates):
        for i, c in enumerate(cands):
            key = (prob.agents[a].id, from_epoch(c.start, grid.tz), from_epoch(c.end, grid.tz))
            ctx.model.add(ctx.x[a][i] == int(key in worked))
    moving = [t for t in ctx.terms if t.name in ("wish_not_met", "unfair_share")]
    ctx.model.minimize(
        cp_model.LinearExpr.weighted_sum([t.expr for t in moving], [t.weight for t in moving])
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60
    assert solver.solve(ctx.model) == cp_model.OPTIMAL
    return {
        t.ref: solver.value(t.expr) * t.weight / COST_SCALE
        for t in moving
        if t.name == "unfair_share" and solver.value(t.expr)
    }


def test_the_fairness_penalty_reported_is_the_one_the_model_charges() -> None:
    prob = _three_days_with_moot_wishes()
    result = solve(
        prob,
        parameters=SolveParameters(
            time_limit_seconds=60, num_workers=1, deterministic_time_limit=3, agent_search=False
        ),
    )
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    outcome = {w.wish_id: w.met for w in result.wishes}
    assert outcome["no-late-monday"] is False  # else the test shows nothing
    # The objective is the model's; the penalties are recomputed from the schedule alone.
    assert sum(p.cost for p in result.penalties) == pytest.approx(result.objective)
    reported = {p.ref: p.cost for p in result.penalties if p.name == "unfair_share"}
    assert reported == pytest.approx(_model_fairness(prob, result.schedule))
    # The report's table says who the spread counts: cas, on early shifts only, not in evenings.
    report = result_html(prob, result)
    assert "<tr><td>cas</td><td>0 <small>(not counted)</small></td>" in report


def test_an_agent_counts_only_in_the_categories_that_can_happen_to_them() -> None:
    prob = _three_days_with_moot_wishes()
    grid = prob.horizon.grid()
    evenings, weekends, unwanted = fairness_eligible(prob, build_candidates(prob, grid))
    assert evenings == {"ann", "bob", "dan"}  # cas works early shifts only
    assert weekends == frozenset()  # Monday to Wednesday
    assert unwanted == {"ann", "dan"}  # bob cannot work on his Monday off anyway
    # The report says the same of every agent, next to the counts.
    nobody = fairness_of(prob, Schedule(()))
    assert [f.counted_in for f in nobody] == [
        ("evenings", "unwanted"),
        ("evenings",),
        (),
        ("evenings", "unwanted"),
    ]
    # One name per category, in the model, the search and the report.
    assert FAIRNESS_CATEGORIES == ("evenings", "weekends", "unwanted")
    assert {f.name for f in dataclasses.fields(FairnessShare)} >= set(FAIRNESS_CATEGORIES)
