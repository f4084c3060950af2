"""Whole weeks across the seam between planning weeks (``_seam``): agents alike but for their
earlier work share one set, and each of the set's weeks goes only to a member for whom it is
legal after that member's own earlier work."""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from datetime import time as clock_time
from typing import Any

import numpy as np
import pytest
from _schedule_factory import agent, at, contract, problem

from bezetting.core.schedule import (
    DayOffWish,
    Decomposition,
    Schedule,
    ShiftTemplate,
    SolveParameters,
    TimeWindow,
    solve,
)
from bezetting.core.schedule._candidates import build_candidates
from bezetting.core.schedule._columns import Week, _label_the_rest, agents_per_alike_set
from bezetting.core.schedule._seam import SeamMatching, seam_context, whole_weeks_across_seam
from bezetting.core.schedule.builders import ModelContext
from bezetting.core.schedule.greedy import greedy_schedule
from bezetting.core.schedule.plan import ActivityKind
from bezetting.core.schedule.problem import Problem, WorkPeriod
from bezetting.core.schedule.validate import validate

# Five-hour shifts need no break. A late shift ends at 23:00, an early one starts at 06:00:
# 7 h of rest, below even the shortened 8 h, so an early Monday is illegal after a late Sunday.
EARLY = ShiftTemplate("early", clock_time(6), 300)
LATE = ShiftTemplate("late", clock_time(18), 300)
# Sunday before the part, 18:00-23:00: earlier work (an earlier planning week).
LATE_SUNDAY = WorkPeriod(TimeWindow(at(-1, "18:00"), at(-1, "23:00")))


def _early_monday_needed(days: int = 2) -> np.ndarray:
    """Two agents needed Monday 06:00-11:00 (15-minute grid), nothing else."""
    req = np.zeros(days * 96, dtype=np.int64)
    req[4 * 6 : 4 * 11] = 2
    return req


def _part(required: np.ndarray) -> Problem:
    # Alike but for Ann's late Sunday; 5 h each over the two days (2/7 of 17.5 h).
    return problem(
        agent("ann", contract=contract(0, 17.5, 40), prior_work=(LATE_SUNDAY,)),
        agent("bob", contract=contract(0, 17.5, 40)),
        days=2,
        required=required,
        shifts=(EARLY, LATE),
    )


def _contexts(prob: Problem) -> tuple[ModelContext, ModelContext]:
    grid = prob.horizon.grid()
    ctx = ModelContext(prob, grid, build_candidates(prob, grid))
    fresh = seam_context(ctx)
    assert fresh is not None
    return ctx, fresh


def _week(fresh: ModelContext, a: int, shape: str, day: int) -> Week:
    """One shift of ``shape`` on ``day`` (no breaks), as candidate indices of agent ``a``."""
    (i,) = [i for i, c in enumerate(fresh.candidates[a]) if c.shape == shape and c.day == day]
    return ((i, ()),)


def test_agents_alike_but_for_earlier_work_share_one_set_across_the_seam() -> None:
    ctx, fresh = _contexts(_part(_early_monday_needed()))
    assert agents_per_alike_set(ctx) == 1.0  # Ann's late Sunday sets her apart
    assert agents_per_alike_set(fresh) == 2.0
    assert fresh.problem.agents[0].prior_work == ()
    # With nobody's earlier work to drop there is nothing to do across a seam.
    first = problem(agent("ann"), agent("bob"), days=2)
    grid = first.horizon.grid()
    assert seam_context(ModelContext(first, grid, build_candidates(first, grid))) is None


def test_a_week_illegal_for_one_member_after_its_earlier_work_goes_to_another() -> None:
    # The set's weeks in the order an in-turn share would give Ann the early Monday, which
    # her late Sunday forbids (7 h of rest); the matching gives it to Bob.
    ctx, fresh = _contexts(_part(_early_monday_needed()))
    early, late = _week(fresh, 0, "early", 0), _week(fresh, 0, "late", 0)
    matching = SeamMatching(ctx, fresh)
    assert not matching.legal(0, early)
    assert matching.legal(1, early)
    assert matching([0, 1], [early, late]) == {0: late, 1: early}


def test_past_its_deadline_the_matching_checks_no_more_and_members_keep_their_start() -> None:
    ctx, fresh = _contexts(_part(_early_monday_needed()))
    early, late = _week(fresh, 0, "early", 0), _week(fresh, 0, "late", 0)
    now = [0.0]
    matching = SeamMatching(ctx, fresh, clock=lambda: now[0], until=10.0)
    assert matching.legal(1, early)  # checked in time: remembered
    now[0] = 10.0
    assert matching.legal(1, early)
    assert not matching.legal(0, late)  # legal, but not checked in time
    assert matching([0, 1], [early, late]) == {1: early}


def test_a_member_without_a_legal_week_in_its_sets_choice_keeps_its_start_week() -> None:
    # Without earlier work the best whole weeks are an early Monday for both; Ann may not
    # take hers, so she keeps her week of the start (the greedy schedule), Bob takes one.
    prob = _part(_early_monday_needed())
    ctx, fresh = _contexts(prob)
    matching = SeamMatching(ctx, fresh)
    early = _week(fresh, 0, "early", 0)
    assert matching([0, 1], [early, early]) == {1: early}
    start = greedy_schedule(ctx)
    whole = whole_weeks_across_seam(
        ctx, fresh, start, seconds=20, integer_seconds=10, clock=time.monotonic
    )
    assert whole is not None
    assert validate(prob, Schedule(whole.shifts)) == ()
    bob = [s for s in whole.shifts if s.agent_id == "bob"]
    assert [(s.start, s.end) for s in bob] == [(at(0, "06:00"), at(0, "11:00"))]
    # Her start week's shifts (their skill groups are the master's flows').
    assert [(s.start, s.end) for s in whole.shifts if s.agent_id == "ann"] == [
        (s.start, s.end) for s in start.shifts if s.agent_id == "ann"
    ]
    assert [(s.start, s.end) for s in start.shifts if s.agent_id == "ann"]
    # Every hour of work serves a group, surplus included: the model counts it (a flow).
    work = [a for s in whole.shifts for a in s.activities if a.kind is ActivityKind.WORK]
    assert work
    assert all(a.skill_group for a in work)


def test_a_week_by_week_solve_prices_week_two_across_the_seam_and_stays_legal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two planning weeks: the second is priced for the four alike agents together although
    # their first weeks differ; the answer stays legal and keeps Ann's day off in week 2.
    solve_module = sys.modules["bezetting.core.schedule.solve"]
    calls: list[int] = []

    def spied(ctx: ModelContext, *args: Any, **kwargs: Any) -> Any:
        calls.append(ctx.grid.days)
        return whole_weeks_across_seam(ctx, *args, **kwargs)

    monkeypatch.setattr(solve_module, "whole_weeks_across_seam", spied)
    days, first = 14, date(2020, 4, 6)  # no clock change: 96 slots a day
    req = np.zeros(days * 96, dtype=np.int64)
    for d in range(days):
        req[d * 96 + 4 * 6 : d * 96 + 4 * 11] = 2
        req[d * 96 + 4 * 18 : d * 96 + 4 * 23] = 1
    ann_off = DayOffWish("ann-off", first + timedelta(days=8))
    prob = problem(
        agent("ann", contract=contract(0, 20, 40), wishes=(ann_off,)),
        *(agent(name, contract=contract(0, 20, 40)) for name in ("bob", "cas", "dex")),
        days=days,
        first=first,
        required=req,
        shifts=(EARLY, LATE),
    )
    result = solve(
        prob,
        parameters=SolveParameters(
            time_limit_seconds=20,
            num_workers=1,
            decomposition=Decomposition.WEEKS,
            column_start=True,
            seam_matching=True,
        ),
    )
    assert result.decomposed
    assert calls == [7]  # week 2 only: week 1 has no earlier work
    assert result.violations == ()
    assert all(w.met for w in result.wishes)
    assert not SolveParameters().seam_matching, "off by default since the pair rebuild"


def test_work_the_flows_did_not_plan_takes_a_group_and_counts_where_it_is_surplus() -> None:
    # Ann keeps her start week (the master planned no work of hers): Monday 06:00-11:00,
    # where one agent is needed until 08:00 and Bob's flow covers one until 07:00. She serves
    # voice all along: short 07:00-08:00, over-coverage elsewhere, as the model counts every
    # agent on duty (idle work would escape the over-coverage cost).
    req = np.zeros(2 * 96, dtype=np.int64)
    req[4 * 6 : 4 * 8] = 1
    prob = _part(req)
    ctx, _ = _contexts(prob)
    group_of = {(1, t): "voice" for t in range(4 * 6, 4 * 7)}
    working = {(frozenset({"voice"}), t): [0] for t in range(4 * 6, 4 * 11)}
    _label_the_rest(ctx, working, group_of)
    assert {t for (a, t), g in group_of.items() if a == 0 and g == "voice"} == set(
        range(4 * 6, 4 * 11)
    )
