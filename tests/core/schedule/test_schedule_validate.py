"""The validator against the Arbeidstijdenwet, one rule at a time.

Every expected value below is worked out by hand from the law's numbers (the rule pack's
defaults) and the shifts written in each test, not taken from the validator's output.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from _schedule_factory import MONDAY, agent, at, contract, problem, shift, window

from bezetting.core.schedule import (
    DUTCH_RULES,
    Activity,
    ActivityKind,
    FixedEvent,
    Rule,
    Schedule,
    Shift,
    Skill,
    SkillGroup,
    Violation,
    WorkPeriod,
    validate,
)
from bezetting.core.schedule.problem import Demand, Problem

LUNCH = ("12:00", "12:30")


def found(violations: tuple[Violation, ...], rule: Rule) -> list[Violation]:
    return [v for v in violations if v.rule is rule]


def check(*shifts: Shift, prob: Problem | None = None) -> tuple[Violation, ...]:
    return validate(prob or problem(), Schedule(shifts))


def prior(day: int, start: str, end: str, *, break_minutes: int = 0) -> WorkPeriod:
    return WorkPeriod(window(day, start, end), break_minutes=break_minutes)


def test_a_plain_working_week_is_legal() -> None:
    week = [shift("ann", d, "08:00", "16:30", LUNCH) for d in range(5)]
    assert check(*week) == ()


# --- working time (art. 5:7) -----------------------------------------------------------------


def test_shift_longer_than_12_hours_of_work() -> None:
    too_long = shift("ann", 0, "07:00", "20:00", ("11:00", "11:30"), ("15:00", "15:15"))
    [v] = found(check(too_long), Rule.SHIFT_MAX_WORK)
    assert (v.measured, v.limit) == (13 * 60 - 45, 720)
    exactly_12 = shift("ann", 0, "07:00", "19:45", ("11:00", "11:30"), ("15:00", "15:15"))
    assert found(check(exactly_12), Rule.SHIFT_MAX_WORK) == []


def test_more_than_60_hours_in_an_atw_week() -> None:
    # Monday..Saturday 11 h of work each: 66 h in the week that began on Sunday 15 March.
    week = [
        shift("ann", d, "07:00", "18:45", ("11:00", "11:30"), ("15:00", "15:15")) for d in range(6)
    ]
    [v] = found(check(*week), Rule.WEEK_MAX_WORK)
    assert (v.measured, v.limit) == (66 * 60, 60 * 60)
    assert v.at == at(-1, "00:00")  # Sunday 00:00 starts the ATW week


def test_average_over_4_weeks_counts_earlier_work() -> None:
    # Three earlier weeks of 58 h (Monday 00:00 to Wednesday 10:00) and this week 5 x 11 h.
    earlier = tuple(prior(-21 + 7 * k, "00:00", "10:00") for k in range(3))
    earlier = tuple(
        WorkPeriod(type(p.window)(p.window.start, p.window.end + timedelta(days=2)))
        for p in earlier
    )
    ann = agent(prior_work=earlier)
    week = [
        shift("ann", d, "07:00", "18:45", ("11:00", "11:30"), ("15:00", "15:15")) for d in range(5)
    ]
    [v] = found(check(*week, prob=problem(ann)), Rule.AVG_4_WEEKS)
    assert v.measured == pytest.approx((3 * 58 + 55) * 60 / 4)  # 57.25 h per week
    assert v.limit == 55 * 60
    assert found(check(*week, prob=problem(agent())), Rule.AVG_4_WEEKS) == []


def test_average_over_16_weeks_counts_earlier_work() -> None:
    # Fifteen earlier weeks of 50 h (Monday 00:00 to Wednesday 02:00) and this week 5 x 10 h.
    earlier = tuple(
        WorkPeriod(type(w)(w.start, w.end + timedelta(days=2)))
        for w in (window(-7 * k, "00:00", "02:00") for k in range(1, 16))
    )
    week = [
        shift("ann", d, "07:00", "17:45", ("11:00", "11:30"), ("15:00", "15:15")) for d in range(5)
    ]
    [v] = found(check(*week, prob=problem(agent(prior_work=earlier))), Rule.AVG_16_WEEKS)
    assert (v.measured, v.limit) == (50 * 60, 48 * 60)
    assert found(check(*week, prob=problem(agent(prior_work=earlier))), Rule.AVG_4_WEEKS) == []


# --- daily rest (art. 5:3) -------------------------------------------------------------------


def test_rest_between_shifts_below_8_hours() -> None:
    late = shift("ann", 0, "14:00", "22:30", ("18:00", "18:30"))
    early = shift("ann", 1, "06:00", "14:30", ("10:00", "10:30"))
    [v] = found(check(late, early), Rule.DAILY_REST)
    assert (v.measured, v.limit) == (7 * 60 + 30, 8 * 60)


def test_rest_shortened_to_8_hours_once_per_week_is_legal_twice_is_not() -> None:
    once = [
        shift("ann", 0, "14:00", "22:30", ("18:00", "18:30")),
        shift("ann", 1, "07:00", "15:30", LUNCH),
    ]
    assert found(check(*once), Rule.DAILY_REST) == []
    assert found(check(*once), Rule.SHORTENED_REST_TOO_OFTEN) == []
    twice = [
        *once,
        shift("ann", 2, "14:00", "22:30", ("18:00", "18:30")),
        shift("ann", 3, "07:00", "15:30", LUNCH),
    ]
    [v] = found(check(*twice), Rule.SHORTENED_REST_TOO_OFTEN)
    assert (v.measured, v.limit) == (2, 1)


def test_eleven_hours_rest_is_enough() -> None:
    pair = [
        shift("ann", 0, "12:00", "20:30", ("16:00", "16:30")),
        shift("ann", 1, "07:30", "16:00", LUNCH),
    ]
    assert check(*pair) == ()


# --- weekly rest (art. 5:5) ------------------------------------------------------------------


def test_seven_days_in_a_row_break_the_weekly_rest() -> None:
    # Work every day of the week before (earlier work) and Monday..Sunday now: the ATW week
    # from Sunday 15 March holds only 32 h of rest (Sunday 00:00 to Monday 08:00), and the
    # 14 days from 8 March hold one block of 39.5 h (Saturday 16:30 to Monday 08:00).
    earlier = tuple(prior(d, "08:00", "16:30", break_minutes=30) for d in range(-8, -1))
    days = [shift("ann", d, "08:00", "16:30", LUNCH) for d in range(7)]
    [v] = found(check(*days, prob=problem(agent(prior_work=earlier))), Rule.WEEKLY_REST)
    assert (v.measured, v.limit) == (32 * 60, 36 * 60)
    assert v.at == at(-1, "00:00")


def test_72_hours_per_14_days_in_blocks_of_32_is_an_alternative() -> None:
    # Two ATW weeks from Sunday 22 March (an even pair). Each week's longest rest is below 36 h
    # (32 h and 33.5 h), but the 14 days hold blocks of 32 h, 64.5 h (over the night to
    # summer time) and 33.5 h.
    sunday = date(2020, 3, 22)
    days = []
    for week in range(2):
        for d in range(1, 5):
            days.append(shift("ann", 7 * week + d, "08:00", "16:30", LUNCH, first=sunday))
        days.append(shift("ann", 7 * week + 5, "06:00", "14:30", ("10:00", "10:30"), first=sunday))
    legal = problem(agent(), days=14, first=sunday)
    assert found(validate(legal, Schedule(tuple(days))), Rule.WEEKLY_REST) == []
    strict = problem(
        agent(),
        days=14,
        first=sunday,
        rules=DUTCH_RULES.with_overrides(min_biweekly_rest_minutes=200 * 60),
    )
    violations = found(validate(strict, Schedule(tuple(days))), Rule.WEEKLY_REST)
    assert sorted(v.measured for v in violations) == [33 * 60 + 30, 33 * 60 + 30]


# --- breaks (art. 5:4) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "breaks", "expected"),
    [
        ("14:00", (), (0, 30)),  # 6 h of work and no break
        ("14:00", (("11:00", "11:15"),), (15, 30)),  # 5 h 45 min of work
        ("18:30", (("12:00", "12:30"),), None),  # exactly 10 h of work: 30 min is enough
        ("19:00", (("12:00", "12:30"),), (30, 45)),  # 10 h 30 min of work
    ],
)
def test_break_too_short(
    end: str, breaks: tuple[tuple[str, str], ...], expected: tuple[int, int] | None
) -> None:
    violations = found(check(shift("ann", 0, "08:00", end, *breaks)), Rule.BREAK_TOO_SHORT)
    assert [(v.measured, v.limit) for v in violations] == ([] if expected is None else [expected])


def test_break_rule_boundaries() -> None:
    assert found(check(shift("ann", 0, "08:00", "13:30")), Rule.BREAK_TOO_SHORT) == []  # 5.5 h
    assert (
        found(check(shift("ann", 0, "08:00", "14:00", ("11:00", "11:30"))), Rule.BREAK_TOO_SHORT)
        == []
    )
    two_parts = shift("ann", 0, "08:00", "16:30", ("10:00", "10:15"), ("13:00", "13:15"))
    assert check(two_parts) == ()
    long_ok = shift("ann", 0, "07:00", "18:45", ("10:00", "10:30"), ("15:00", "15:15"))
    assert found(check(long_ok), Rule.BREAK_TOO_SHORT) == []


def test_break_part_shorter_than_15_minutes() -> None:
    s = shift("ann", 0, "08:00", "16:30", ("10:00", "10:10"), ("12:00", "12:30"))
    [v] = found(check(s), Rule.BREAK_PART_TOO_SHORT)
    assert (v.measured, v.limit) == (10, 15)


@pytest.mark.parametrize("brk", [("08:00", "08:30"), ("16:00", "16:30")])
def test_break_at_start_or_end_does_not_count(brk: tuple[str, str]) -> None:
    [v] = found(check(shift("ann", 0, "08:00", "16:30", brk)), Rule.BREAK_AT_EDGE)
    assert v.measured == 0


# --- night work (art. 5:8) -------------------------------------------------------------------


def test_night_shift_longer_than_10_hours() -> None:
    too_long = shift("ann", 0, "22:00", "09:00", ("03:00", "03:30"), ("05:00", "05:15"))
    [v] = found(check(too_long), Rule.NIGHT_SHIFT_MAX_WORK)
    assert (v.measured, v.limit) == (10 * 60 + 15, 10 * 60)
    assert (
        found(
            check(shift("ann", 0, "22:00", "08:30", ("03:00", "03:30"))), Rule.NIGHT_SHIFT_MAX_WORK
        )
        == []
    )


def test_one_hour_between_midnight_and_six_is_not_a_night_shift() -> None:
    # 11 h of work, one of it after midnight: a day shift, so the 10 h night limit does not apply.
    evening = shift("ann", 0, "13:15", "01:00", ("17:00", "17:30"), ("20:00", "20:15"))
    assert found(check(evening), Rule.NIGHT_SHIFT_MAX_WORK) == []
    assert found(check(evening), Rule.SHIFT_MAX_WORK) == []


def test_14_hours_rest_after_a_night_shift_ending_after_two() -> None:
    night = shift("ann", 0, "22:00", "06:30", ("02:00", "02:30"))
    short = shift("ann", 1, "20:00", "04:30", ("00:00", "00:30"))
    [v] = found(check(night, short), Rule.REST_AFTER_LATE_NIGHT)
    assert (v.measured, v.limit) == (13 * 60 + 30, 14 * 60)
    enough = shift("ann", 1, "20:30", "05:00", ("00:30", "01:00"))
    assert found(check(night, enough), Rule.REST_AFTER_LATE_NIGHT) == []


def test_night_shift_ending_before_two_needs_only_the_daily_rest() -> None:
    night = shift("ann", 0, "17:30", "01:30", ("21:00", "21:30"))  # 1.5 h in the night window
    next_day = shift("ann", 1, "12:30", "21:00", ("16:00", "16:30"))  # 11 h later
    assert check(night, next_day) == ()


def test_46_hours_rest_after_three_night_shifts() -> None:
    nights = [shift("ann", d, "22:00", "06:30", ("02:00", "02:30")) for d in range(3)]
    too_soon = shift("ann", 4, "22:00", "06:30", ("02:00", "02:30"))  # 39.5 h after Thursday 06:30
    [v] = found(check(*nights, too_soon), Rule.REST_AFTER_NIGHT_SERIES)
    assert (v.measured, v.limit) == (39 * 60 + 30, 46 * 60)
    later = shift("ann", 5, "08:00", "16:30", LUNCH)  # 49.5 h later
    assert found(check(*nights, later), Rule.REST_AFTER_NIGHT_SERIES) == []
    two_nights = [*nights[:2], shift("ann", 3, "22:00", "06:30", ("02:00", "02:30"))]
    assert found(check(*two_nights), Rule.REST_AFTER_NIGHT_SERIES) == []


def test_at_most_7_days_in_a_row_when_one_holds_a_night_shift() -> None:
    # Wednesday 18 March to Thursday 26 March: 6 day shifts, then nights on Tuesday and
    # Wednesday 24-25 March: 8 days in a row with a night among them.
    days = [shift("ann", d, "08:00", "16:30", LUNCH) for d in range(2, 8)]
    nights = [shift("ann", d, "22:00", "06:30", ("02:00", "02:30")) for d in (8, 9)]
    prob = problem(days=14)
    [v] = found(check(*days, *nights, prob=prob), Rule.SHIFTS_IN_NIGHT_SERIES)
    assert (v.measured, v.limit) == (8, 7)
    assert found(check(*days[1:], *nights, prob=prob), Rule.SHIFTS_IN_NIGHT_SERIES) == []
    day_instead = shift("ann", 9, "08:00", "16:30", LUNCH)  # 8 days in a row, one night
    assert found(check(*days, nights[0], prob=prob), Rule.SHIFTS_IN_NIGHT_SERIES) == []
    eight_days = [*days, shift("ann", 8, "08:00", "16:30", LUNCH), day_instead]
    assert found(check(*eight_days, prob=prob), Rule.SHIFTS_IN_NIGHT_SERIES) == []


def test_earlier_work_counts_in_the_series_with_a_night() -> None:
    earlier = tuple(prior(d, "08:00", "16:30", break_minutes=30) for d in range(-6, 0))
    night = shift("ann", 0, "22:00", "06:30", ("02:00", "02:30"))
    [v] = found(
        check(
            night,
            shift("ann", 1, "22:00", "06:30", ("02:00", "02:30")),
            prob=problem(agent(prior_work=earlier)),
        ),
        Rule.SHIFTS_IN_NIGHT_SERIES,
    )
    assert (v.measured, v.limit) == (8, 7)
    assert (
        found(check(night, prob=problem(agent(prior_work=earlier))), Rule.SHIFTS_IN_NIGHT_SERIES)
        == []
    )


def test_at_most_36_night_shifts_per_16_weeks() -> None:
    earlier = tuple(prior(d, "22:00", "06:30", break_minutes=30) for d in range(-43, -8))  # 35
    nights = [shift("ann", d, "22:00", "06:30", ("02:00", "02:30")) for d in range(2)]
    [v] = found(
        check(*nights, prob=problem(agent(prior_work=earlier))), Rule.NIGHT_SHIFTS_PER_16_WEEKS
    )
    assert (v.measured, v.limit) == (37, 36)
    assert (
        found(
            check(nights[0], prob=problem(agent(prior_work=earlier))),
            Rule.NIGHT_SHIFTS_PER_16_WEEKS,
        )
        == []
    )


# --- Sundays (art. 5:6) ----------------------------------------------------------------------


def test_at_least_13_free_sundays_per_52_weeks() -> None:
    sunday = shift("ann", 6, "10:00", "16:00", LUNCH)  # Sunday 22 March

    def earlier(n: int) -> tuple[WorkPeriod, ...]:
        return tuple(prior(6 - 7 * k, "10:00", "16:00", break_minutes=30) for k in range(1, n + 1))

    [v] = found(check(sunday, prob=problem(agent(prior_work=earlier(39)))), Rule.FREE_SUNDAYS)
    assert (v.measured, v.limit) == (12, 13)
    assert (
        found(check(sunday, prob=problem(agent(prior_work=earlier(38)))), Rule.FREE_SUNDAYS) == []
    )


# --- contract, availability, events, skills, structure ---------------------------------------


def test_contract_minimum_and_maximum_per_planning_week() -> None:
    two = [shift("ann", d, "08:00", "16:30", LUNCH) for d in range(2)]
    [v] = found(check(*two, prob=problem(agent(contract=contract(24, 24, 40)))), Rule.CONTRACT_MIN)
    assert (v.measured, v.limit) == (16 * 60, 24 * 60)
    three = [shift("ann", d, "08:00", "16:30", LUNCH) for d in range(3)]
    [v] = found(check(*three, prob=problem(agent(contract=contract(0, 16, 20)))), Rule.CONTRACT_MAX)
    assert (v.measured, v.limit) == (24 * 60, 20 * 60)


def test_paid_leave_lowers_the_minimum_of_its_own_planning_week_only() -> None:
    # A 24-hour minimum with 19.2 h of paid leave in the first week leaves 4.8 h there. One
    # 8-hour day in each week meets that, and falls short of the second week's full 24 h.
    ann = agent(contract=contract(24, 32, 40), paid_leave_minutes=(1152, 0))
    one_a_week = [shift("ann", d, "08:00", "16:30", LUNCH) for d in (3, 10)]
    [v] = found(check(*one_a_week, prob=problem(ann, days=14)), Rule.CONTRACT_MIN)
    assert (v.at, v.measured, v.limit) == (at(7, "00:00"), 8 * 60, 24 * 60)


def test_unavailable_and_outside_availability() -> None:
    s = shift("ann", 0, "08:00", "16:30", LUNCH)
    off = problem(agent(unavailable=(window(0, "12:00", "14:00"),)))
    [v] = found(check(s, prob=off), Rule.UNAVAILABLE)
    assert v.measured == 120
    only_late = problem(agent(available=(window(0, "09:00", "18:00"),)))
    assert len(found(check(s, prob=only_late), Rule.UNAVAILABLE)) == 1
    assert (
        found(
            check(s, prob=problem(agent(available=(window(0, "08:00", "18:00"),)))),
            Rule.UNAVAILABLE,
        )
        == []
    )


def test_overlapping_shifts_and_other_client_work() -> None:
    a = shift("ann", 0, "08:00", "12:00")
    b = shift("ann", 0, "11:00", "15:00")
    [v] = found(check(a, b), Rule.OVERLAP)
    assert v.measured == 60
    other = problem(agent(prior_work=(WorkPeriod(window(0, "07:00", "09:00"), other_client=True),)))
    assert len(found(check(a, prob=other), Rule.OVERLAP)) == 1


def test_fixed_event_must_lie_inside_a_shift_and_outside_breaks() -> None:
    ann = agent(events=(FixedEvent("training", window(1, "10:00", "11:00")),))
    prob = problem(ann)
    assert (
        len(
            found(
                check(shift("ann", 0, "08:00", "16:30", LUNCH), prob=prob), Rule.EVENT_NOT_COVERED
            )
        )
        == 1
    )
    assert (
        found(check(shift("ann", 1, "08:00", "16:30", LUNCH), prob=prob), Rule.EVENT_NOT_COVERED)
        == []
    )
    clash = shift("ann", 1, "08:00", "16:30", ("10:30", "11:00"))
    assert len(found(check(clash, prob=prob), Rule.EVENT_NOT_COVERED)) == 1


def test_work_needs_the_skill_and_an_open_queue() -> None:
    base = problem(open_from="08:00", open_to="20:00")
    prob = Problem(
        horizon=base.horizon,
        skill_groups=(*base.skill_groups, SkillGroup("chat", base.skill_groups[0].opening)),
        demand=(*base.demand, Demand("chat", base.demand[0].required)),
        agents=base.agents,
        shifts=base.shifts,
    )
    chat = Activity(ActivityKind.WORK, at(0, "09:00"), at(0, "10:00"), skill_group="chat")
    early = Activity(ActivityKind.WORK, at(0, "07:00"), at(0, "08:00"), skill_group="voice")
    s = Shift("ann", at(0, "07:00"), at(0, "12:00"), (early, chat))
    violations = validate(prob, Schedule((s,)))
    assert len(found(violations, Rule.SKILL)) == 1
    assert len(found(violations, Rule.CLOSED)) == 1
    ok = Shift(
        "ann",
        at(0, "09:00"),
        at(0, "12:00"),
        (Activity(ActivityKind.WORK, at(0, "09:00"), at(0, "12:00"), skill_group="voice"),),
    )
    assert validate(prob, Schedule((ok,))) == ()
    bilingual = problem(agent(skills=(Skill("voice"),)))
    assert bilingual.agents[0].skill_groups == frozenset({"voice"})


def test_structure_and_unknown_agents() -> None:
    off_grid = Shift("ann", at(0, "08:05"), at(0, "12:05"))
    assert len(found(check(off_grid), Rule.STRUCTURE)) == 1
    outside = shift("ann", 9, "08:00", "12:00")
    assert len(found(check(outside), Rule.STRUCTURE)) == 1
    [v] = found(check(shift("bob", 0, "08:00", "12:00")), Rule.UNKNOWN_AGENT)
    assert v.agent_id == "bob"


def test_work_time_is_measured_in_real_time_across_the_dst_change() -> None:
    # Saturday 28 March 22:00 to Sunday 06:30 in Amsterdam lasts 7.5 h: the clocks skip 02:00-03:00.
    s = shift("ann", 5, "22:00", "06:30", ("01:00", "01:30"), first=date(2020, 3, 23))
    assert (s.span_minutes, s.work_minutes) == (450, 420)
    grid = problem(days=7, first=date(2020, 3, 23)).horizon.grid()
    sunday = 6
    assert grid.day_first_slot[sunday + 1] - grid.day_first_slot[sunday] == 92
    assert validate(problem(days=7, first=date(2020, 3, 23)), Schedule((s,))) == ()
    assert MONDAY.weekday() == 0
