"""Brute force: on tiny horizons the model accepts exactly the assignments the validator calls
legal. Each test enumerates every way to fill a few days with a few shift shapes (or off),
fixes the model to it, and compares the model's verdict with the validator's."""

from __future__ import annotations

import itertools
from datetime import date, time

import pytest
from _schedule_factory import agent, at, contract, problem, window
from ortools.sat.python import cp_model

from bezetting.core.schedule import (
    DUTCH_RULES,
    Activity,
    ActivityKind,
    BreakPolicy,
    Problem,
    RulePack,
    Schedule,
    Shift,
    ShiftTemplate,
    SolveParameters,
    TimeWindow,
    WorkPeriod,
    apply_parameters,
    validate,
)
from bezetting.core.schedule._candidates import Candidate, build_candidates
from bezetting.core.schedule._time import from_epoch
from bezetting.core.schedule.solve import _build, _extract

NO_14_DAY_ALTERNATIVE = DUTCH_RULES.with_overrides(min_biweekly_rest_minutes=10_000 * 60)


def _canonical_shift(prob: Problem, c: Candidate) -> Shift:
    """The candidate with its break parts back to back at the start of its break window."""
    grid = prob.horizon.grid()
    acts = []
    t = c.break_window[0]
    for minutes in c.break_parts:
        start = int(grid.slot_start[t])
        acts.append(
            Activity(
                ActivityKind.BREAK,
                from_epoch(start, grid.tz),
                from_epoch(start + minutes * 60, grid.tz),
            )
        )
        t += minutes // grid.slot_minutes
    return Shift(
        prob.agents[c.agent].id,
        from_epoch(c.start, grid.tz),
        from_epoch(c.end, grid.tz),
        tuple(acts),
    )


def model_accepts(prob: Problem, chosen: set[tuple[int, int, int]]) -> tuple[bool, Schedule | None]:
    """Fix each candidate (agent, first slot, last slot) chosen or not: is the model feasible?"""
    grid = prob.horizon.grid()
    cands = build_candidates(prob, grid)
    ctx = _build(prob, grid, cands)
    for a, cs in enumerate(cands):
        for i, c in enumerate(cs):
            ctx.model.add(ctx.x[a][i] == int((a, c.first, c.last) in chosen))
    solver = cp_model.CpSolver()
    apply_parameters(solver, SolveParameters(num_workers=1), time_limit_seconds=10)
    status = solver.solve(ctx.model)
    assert status != cp_model.UNKNOWN
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True, Schedule(tuple(_extract(ctx, solver)))
    return False, None


def brute_force(prob: Problem) -> int:
    """Compare model and validator on every assignment; return how many were legal."""
    grid = prob.horizon.grid()
    [cands] = build_candidates(prob, grid)
    per_day: list[list[Candidate | None]] = [[None] for _ in range(grid.days)]
    for c in cands:
        per_day[c.day].append(c)
    legal = 0
    for combo in itertools.product(*per_day):
        picked = [c for c in combo if c is not None]
        accepted, solved = model_accepts(prob, {(0, c.first, c.last) for c in picked})
        canonical = Schedule(tuple(_canonical_shift(prob, c) for c in picked))
        verdict = validate(prob, canonical)
        label = [None if c is None else c.shape for c in combo]
        if accepted:
            assert solved is not None
            assert validate(prob, solved) == (), label  # the model's own breaks are legal too
            assert verdict == (), label
            legal += 1
        else:
            assert verdict != (), label
    return legal


EARLY = ShiftTemplate("early", time(7), 510)
LATE = ShiftTemplate("late", time(14), 510)
NIGHT = ShiftTemplate("night", time(22), 510)


def test_daily_rest_and_shortened_rest_builder() -> None:
    # 4 days x {off, early 07:00-15:30, late 14:00-22:30}: late then early leaves 8.5 h, a
    # shortened rest that is legal once per 7 x 24 h.
    prob = problem(agent(contract=contract(0, 0, 60)), days=4, shifts=(EARLY, LATE))
    legal = brute_force(prob)
    # Hand count: 81 assignments; the illegal ones hold two late->early transitions:
    # days (0,1) and (2,3), i.e. L E L E only... and L E L E is the single such pattern.
    assert legal == 81 - 1


def test_night_rest_and_series_builder() -> None:
    # 4 days x {off, early, late, night 22:00-06:30}: 14 h after a night ending 06:30, 46 h
    # after three nights in a row, 8 h minimum otherwise.
    prob = problem(agent(contract=contract(0, 0, 60)), days=4, shifts=(EARLY, LATE, NIGHT))
    legal = brute_force(prob)
    assert 0 < legal < 4**4


def _after_five_days_of_other_work(rules: RulePack) -> Problem:
    """Monday to Friday another client's 08:00-16:30; Saturday to Monday free to fill with
    off, early or night (available from Saturday 00:00 to Tuesday 07:00): 27 schedules."""
    other = tuple(WorkPeriod(window(d, "08:00", "16:30"), 30, other_client=True) for d in range(5))
    return problem(
        agent(
            contract=contract(0, 0, 60),
            prior_work=other,
            available=(TimeWindow(at(5, "00:00"), at(8, "07:00")),),
        ),
        days=9,
        shifts=(EARLY, NIGHT),
        rules=rules,
    )


def test_night_series_length_builder() -> None:
    # Five days of other work and three more days in a row with a night among them is one day
    # too many (early, early, night); without the limit such schedules are legal.
    limited = brute_force(_after_five_days_of_other_work(DUTCH_RULES))
    unlimited = brute_force(
        _after_five_days_of_other_work(DUTCH_RULES.with_overrides(max_shifts_in_night_series=99))
    )
    assert 0 < limited < unlimited < 3**3


def test_weekly_rest_builder() -> None:
    # 7 days x {off, early}; without the 72-h-per-14-days alternative the ATW week from
    # Sunday 15 March needs 36 h of rest inside it.
    prob = problem(
        agent(contract=contract(0, 0, 60)),
        days=7,
        shifts=(ShiftTemplate("day", time(8), 510),),
        rules=NO_14_DAY_ALTERNATIVE,
    )
    legal = brute_force(prob)
    assert 0 < legal < 2**7


PAIR_SUNDAY = date(2020, 3, 22)  # first day of a fixed 14-day pair (even week since 1970)


def _two_weeks_with_other_work(rules: RulePack) -> Problem:
    """Days 1, 3, 5, 8, 10 and 12 hold another client's 08:00-16:30; the other eight days are
    free to fill with the same shift (or not): 256 schedules across one 14-day pair."""
    other = tuple(
        WorkPeriod(window(d, "08:00", "16:30", first=PAIR_SUNDAY), 30, other_client=True)
        for d in (1, 3, 5, 8, 10, 12)
    )
    return problem(
        agent(contract=contract(0, 0, 60), prior_work=other),
        days=14,
        first=PAIR_SUNDAY,
        shifts=(ShiftTemplate("day", time(8), 510),),
        rules=rules,
    )


def test_weekly_rest_builder_accepts_exactly_the_72_hours_per_14_days_alternative() -> None:
    with_alternative = brute_force(_two_weeks_with_other_work(DUTCH_RULES))
    without = brute_force(_two_weeks_with_other_work(NO_14_DAY_ALTERNATIVE))
    # Every schedule with 36 h in both weeks keeps the alternative too; some schedules keep
    # only the alternative (e.g. a full first week, then three days off in a row).
    assert 0 < without < with_alternative < 2**8


def test_working_time_builder() -> None:
    # A pack limiting the week to 16 h: at most two 8-hour shifts in the ATW week.
    rules = DUTCH_RULES.with_overrides(max_work_minutes_per_week=16 * 60)
    prob = problem(
        agent(contract=contract(0, 0, 60)),
        days=3,
        shifts=(ShiftTemplate("day", time(8), 510),),
        rules=rules,
    )
    assert brute_force(prob) == 1 + 3 + 3  # none, one or two of the three days


def test_contract_builder() -> None:
    prob = problem(
        agent(contract=contract(8, 16, 16)),
        days=7,
        shifts=(ShiftTemplate("day", time(8), 510),),
        rules=NO_14_DAY_ALTERNATIVE,
    )
    legal = brute_force(prob)
    assert legal == 7 + 21 - 0  # exactly one or two shifts; the weekly rest holds with 5 days off


@pytest.mark.parametrize("length_minutes", [360, 390])
def test_break_builder_places_parts_exactly_where_the_law_allows(length_minutes: int) -> None:
    # One shift of 6 h (or 6.5 h): 30 min of break in two 15-min parts, at least 15 min of work
    # before and after. Enumerate every pair of part positions.
    policy = BreakPolicy(
        part_minutes=15, earliest_after_start_minutes=15, latest_before_end_minutes=15
    )
    prob = problem(
        agent(contract=contract(0, 0, 60)),
        days=1,
        shifts=(ShiftTemplate("day", time(8), length_minutes),),
        breaks=policy,
    )
    grid = prob.horizon.grid()
    [[c]] = build_candidates(prob, grid)
    slots = range(c.first, c.last)
    for t1, t2 in itertools.combinations_with_replacement(slots, 2):
        ctx = _build(prob, grid, [[c]])
        ctx.model.add(ctx.x[0][0] == 1)
        starts = {t: v for t, _, v in ctx.breaks[0]}
        wanted = {t1, t2}
        ok = wanted <= set(starts)
        if ok:
            by_slot: dict[int, list[cp_model.IntVar]] = {}
            for t, _, v in ctx.breaks[0]:
                by_slot.setdefault(t, []).append(v)
            for t, vs in by_slot.items():
                ctx.model.add(sum(vs) == (2 if t1 == t2 == t else int(t in wanted)))
            solver = cp_model.CpSolver()
            apply_parameters(solver, SolveParameters(num_workers=1), time_limit_seconds=10)
            ok = solver.solve(ctx.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        acts = tuple(
            Activity(
                ActivityKind.BREAK,
                from_epoch(int(grid.slot_start[t]), grid.tz),
                from_epoch(int(grid.slot_start[t]) + 900, grid.tz),
            )
            for t in (t1, t2)
        )
        verdict = validate(
            prob,
            Schedule(
                (Shift("ann", from_epoch(c.start, grid.tz), from_epoch(c.end, grid.tz), acts),)
            ),
        )
        assert ok == (verdict == ()), (t1, t2, verdict)
