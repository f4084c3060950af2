"""The validator gives the same answer as its earlier, straightforward self.

The validator was made faster (each agent's work sorted and indexed once, weekly and Sunday
totals slid over the horizon instead of summed again per window, local dates read from cached
midnights). :class:`_ReferenceChecker` below keeps the earlier implementation of every part that
changed (each window summed from all the work, each local date through zoneinfo); the
tests compare both on seeded random schedules around the 2020 daylight-saving changes, with
up to a year of earlier work and some later work.
"""

from __future__ import annotations

import functools
from collections import Counter
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from _schedule_factory import AMS, agent, contract, problem

from bezetting.core.schedule import (
    DUTCH_RULES,
    Activity,
    ActivityKind,
    Agent,
    Horizon,
    Problem,
    Rule,
    Schedule,
    Shift,
    TimeWindow,
    Violation,
    WorkPeriod,
    validate,
)
from bezetting.core.schedule._time import epoch_seconds, from_epoch, local_midnight
from bezetting.core.schedule.validate import _MIN, _agent_work, _Checker, _Work

SPRING_FORWARD = date(2020, 3, 29)  # a Sunday: 02:00 becomes 03:00
FALL_BACK = date(2020, 10, 25)  # a Sunday: 03:00 becomes 02:00 again
SEEDS = range(48)


class _ReferenceChecker(_Checker):
    """The validator as it was: every window summed from all the work, no shortcuts."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem)
        self._midnights: dict[date, int] = {}

    def local_day(self, instant: int) -> date:
        return from_epoch(instant, self.tz).date()

    def midnight(self, day: date) -> int:
        if day not in self._midnights:
            self._midnights[day] = epoch_seconds(local_midnight(day, self.tz))
        return self._midnights[day]

    def check_agent(self, agent: Agent, shifts: tuple[Shift, ...]) -> None:
        work = _agent_work(agent, shifts)
        for s in shifts:
            self.check_shift(agent, s)
        self.check_overlap_and_availability(agent, shifts, work)
        self.check_events(agent, shifts)
        self.check_weeks(agent, work)
        self.check_daily_rest(agent, work)
        self.check_weekly_rest(agent, work)
        self.check_nights(agent, work)
        self.check_night_series_length(agent, work)
        self.check_sundays(agent, work)
        self.check_contract(agent, shifts)

    def week_work(self, work: list[_Work], week: date) -> int:
        lo, hi = self.midnight(week), self.midnight(week + timedelta(weeks=1))
        return sum(w.work_in(lo, hi) for w in work)

    def check_weeks(self, agent: Agent, work: list[_Work]) -> None:  # type: ignore[override]
        r = self.rules
        weeks = self.horizon_weeks()
        totals: dict[date, int] = {}

        def total(week: date) -> int:
            if week not in totals:
                totals[week] = self.week_work(work, week)
            return totals[week]

        for wk in weeks:
            minutes = total(wk) // _MIN
            if minutes > r.max_work_minutes_per_week:
                self.add(
                    agent.id,
                    Rule.WEEK_MAX_WORK,
                    self.midnight(wk),
                    minutes,
                    r.max_work_minutes_per_week,
                    "minutes",
                    f"week from {wk} has {minutes} min of work",
                )
        for n, rule, avg in (
            (4, Rule.AVG_4_WEEKS, r.max_avg_work_minutes_per_week_4_weeks),
            (16, Rule.AVG_16_WEEKS, r.max_avg_work_minutes_per_week_16_weeks),
        ):
            # Overlapping windows break the rule together; report the worst, say how many.
            over = [
                (sum(total(first + timedelta(weeks=k)) for k in range(n)) // _MIN, first)
                for first in self.windows(weeks, n)
            ]
            bad = [(m, f) for m, f in over if m > n * avg]
            if bad:
                minutes, first = max(bad)
                self.add(
                    agent.id,
                    rule,
                    self.midnight(first),
                    minutes / n,
                    avg,
                    "minutes/week",
                    f"{n} weeks from {first} average {minutes / n:.0f} min per week "
                    f"({len(bad)} window(s) of {n} weeks over the limit)",
                )

    def rests_in(self, work: list[_Work], lo: int, hi: int) -> list[int]:  # type: ignore[override]
        """Lengths of the rest periods inside ``[lo, hi)``, clipped to it."""
        edges = [lo]
        for w in work:
            if w.end <= lo or w.start >= hi:
                continue
            edges += [max(lo, w.start), min(hi, w.end)]
        edges.append(hi)
        return [max(0, edges[i + 1] - edges[i]) for i in range(0, len(edges), 2)]

    def check_weekly_rest(self, agent: Agent, work: list[_Work]) -> None:  # type: ignore[override]
        r = self.rules
        for wk in self.horizon_weeks():
            lo, hi = self.midnight(wk), self.midnight(wk + timedelta(weeks=1))
            longest = max(self.rests_in(work, lo, hi))
            if longest >= r.min_weekly_rest_minutes * _MIN:
                continue
            pair_first = self.pair_first(wk)
            plo, phi = self.midnight(pair_first), self.midnight(pair_first + timedelta(weeks=2))
            blocks = [
                g
                for g in self.rests_in(work, plo, phi)
                if g >= r.min_biweekly_rest_block_minutes * _MIN
            ]
            if sum(blocks) >= r.min_biweekly_rest_minutes * _MIN:
                continue
            self.add(
                agent.id,
                Rule.WEEKLY_REST,
                lo,
                longest // _MIN,
                r.min_weekly_rest_minutes,
                "minutes",
                f"week from {wk}: longest rest {longest // _MIN} min, and the "
                f"14 days from {pair_first} have {sum(blocks) // _MIN} min in blocks of "
                f"{r.min_biweekly_rest_block_minutes} min or more",
            )

    def check_nights(self, agent: Agent, work: list[_Work]) -> None:  # type: ignore[override]
        r = self.rules
        night = [self.is_night(w) for w in work]
        for i, w in enumerate(work):
            nxt = work[i + 1] if i + 1 < len(work) else None
            if not night[i]:
                continue
            if w.planned and w.work_seconds() > r.max_work_minutes_per_night_shift * _MIN:
                self.add(
                    agent.id,
                    Rule.NIGHT_SHIFT_MAX_WORK,
                    w.start,
                    w.work_seconds() // _MIN,
                    r.max_work_minutes_per_night_shift,
                    "minutes",
                    f"night shift has {w.work_seconds() // _MIN} min of work",
                )
            if nxt is None or not (w.planned or nxt.planned):
                continue
            gap = nxt.start - w.end
            if self.ends_late(w) and gap < r.min_rest_after_late_night_minutes * _MIN:
                self.add(
                    agent.id,
                    Rule.REST_AFTER_LATE_NIGHT,
                    w.end,
                    gap // _MIN,
                    r.min_rest_after_late_night_minutes,
                    "minutes",
                    f"only {gap // _MIN} min rest after a night shift ending after 02:00",
                )
            length = 1
            while (
                i - length >= 0
                and night[i - length]
                and (
                    self.local_day(work[i - length + 1].start)
                    - self.local_day(work[i - length].start)
                ).days
                == 1
            ):
                length += 1
            continues = (
                night[i + 1] and (self.local_day(nxt.start) - self.local_day(w.start)).days == 1
            )
            if (
                length >= r.night_series_length
                and not continues
                and (gap < r.min_rest_after_night_series_minutes * _MIN)
            ):
                self.add(
                    agent.id,
                    Rule.REST_AFTER_NIGHT_SERIES,
                    w.end,
                    gap // _MIN,
                    r.min_rest_after_night_series_minutes,
                    "minutes",
                    f"only {gap // _MIN} min rest after a series of {length} night shifts",
                )
        counts = []
        for first in self.windows(self.horizon_weeks(), 16):
            lo, hi = self.midnight(first), self.midnight(first + timedelta(weeks=16))
            counts.append(
                (
                    sum(1 for w, n in zip(work, night, strict=True) if n and lo <= w.start < hi),
                    first,
                )
            )
        bad = [(c, f) for c, f in counts if c > r.max_night_shifts_per_16_weeks]
        if bad:
            count, first = max(bad)
            self.add(
                agent.id,
                Rule.NIGHT_SHIFTS_PER_16_WEEKS,
                self.midnight(first),
                count,
                r.max_night_shifts_per_16_weeks,
                "count",
                f"{count} night shifts in the 16 weeks from {first} "
                f"({len(bad)} window(s) of 16 weeks over the limit)",
            )

    def check_night_series_length(self, agent: Agent, work: list[_Work]) -> None:  # type: ignore[override]
        """A series is work on consecutive local days (by start); with a night shift in it, it
        holds at most ``max_shifts_in_night_series`` shifts."""
        limit = self.rules.max_shifts_in_night_series
        runs: list[list[_Work]] = []
        for w in work:
            day = self.local_day(w.start)
            if runs and (day - self.local_day(runs[-1][-1].start)).days <= 1:
                runs[-1].append(w)
            else:
                runs.append([w])
        for run in runs:
            days = {self.local_day(w.start) for w in run}
            planned = any(w.planned for w in run)
            if planned and len(days) > limit and any(self.is_night(w) for w in run):
                self.add(
                    agent.id,
                    Rule.SHIFTS_IN_NIGHT_SERIES,
                    run[0].start,
                    len(days),
                    limit,
                    "count",
                    f"{len(days)} days in a row with work from {min(days)}, a night shift among "
                    f"them",
                )

    def check_sundays(self, agent: Agent, work: list[_Work]) -> None:  # type: ignore[override]
        r = self.rules
        days = [self.grid.day(d) for d in range(self.grid.days)]
        sundays = [d for d in days if d.weekday() == 6]
        if not sundays:
            return
        worked: dict[date, bool] = {}

        def on(day: date) -> bool:
            if day not in worked:
                lo, hi = self.midnight(day), self.midnight(day + timedelta(days=1))
                worked[day] = any(w.work_in(lo, hi) > 0 for w in work)
            return worked[day]

        limit = 52 - r.min_free_sundays_per_52_weeks
        for last in sundays:
            count = sum(on(last - timedelta(weeks=k)) for k in range(52))
            if count > limit:
                self.add(
                    agent.id,
                    Rule.FREE_SUNDAYS,
                    self.midnight(last),
                    52 - count,
                    r.min_free_sundays_per_52_weeks,
                    "count",
                    f"only {52 - count} free Sundays in the 52 weeks up to {last}",
                )


# --- seeded random schedules -----------------------------------------------------------------


def _instant(day: date, minute: int) -> int:
    """``minute`` minutes of absolute time after local midnight (on the grid on every day)."""
    return epoch_seconds(local_midnight(day, AMS)) + minute * _MIN


def _random_day_of_work(rng: np.random.Generator, day: date, night_share: float) -> tuple[int, int]:
    """Start and end (epoch seconds) of one random stretch of work on ``day``."""
    if rng.random() < night_share:
        start_minute = int(rng.choice([21 * 60, 22 * 60, 23 * 60, 24 * 60, 24 * 60 + 30]))
    else:
        start_minute = 15 * int(rng.integers(5 * 4, 15 * 4))
    length_minutes = 15 * int(rng.integers(3 * 4, 13 * 4 + 1))
    start = _instant(day, start_minute)
    return start, start + length_minutes * _MIN


def _random_shift(rng: np.random.Generator, agent_id: str, start: int, end: int) -> Shift:
    """A shift with zero to two breaks of 15 or 30 minutes anywhere in it (edges too)."""
    breaks = []
    quarters = (end - start) // (15 * _MIN)
    for _ in range(int(rng.integers(0, 3))):
        at = start + 15 * _MIN * int(rng.integers(0, quarters))
        length = 15 * _MIN * int(rng.integers(1, 3))
        breaks.append(
            Activity(
                ActivityKind.BREAK, from_epoch(at, AMS), from_epoch(min(end, at + length), AMS)
            )
        )
    return Shift(agent_id, from_epoch(start, AMS), from_epoch(end, AMS), tuple(breaks))


def _random_agent(
    rng: np.random.Generator, agent_id: str, first: date, days: int
) -> tuple[Agent, list[Shift]]:
    """An agent with earlier (and some later) work and random shifts in the horizon.

    How often and how late the agent works is drawn per agent, so some break the 4- and
    16-week averages, the 36 nights per 16 weeks and the 13 free Sundays, and some do not.
    """
    work_share = rng.uniform(0.3, 1.0)
    night_share = rng.choice([0.0, 0.2, 0.7])
    earlier_weeks = int(rng.choice([0, 5, 20, 56]))
    later_days = int(rng.choice([0, 10]))
    earlier = []
    for offset in range(-7 * earlier_weeks, days + later_days):
        inside = 0 <= offset < days
        if (inside and rng.random() > 0.05) or rng.random() > work_share:
            continue
        start, end = _random_day_of_work(rng, first + timedelta(days=offset), night_share)
        if rng.random() < 0.02:
            end += 2 * 24 * 3600  # a long stretch of other work over several days
        window = TimeWindow(from_epoch(start, AMS), from_epoch(end, AMS))
        earlier.append(WorkPeriod(window, break_minutes=int(rng.choice([0, 30, 45]))))
    shifts = []
    for offset in range(days):
        for _ in range(2 if rng.random() < 0.1 else 1):  # now and then two on one day
            if rng.random() < work_share:
                start, end = _random_day_of_work(rng, first + timedelta(days=offset), night_share)
                shifts.append(_random_shift(rng, agent_id, start, end))
    minimum = float(rng.choice([0, 24]))
    return agent(agent_id, contract=contract(min_h=minimum), prior_work=tuple(earlier)), shifts


def _random_case(seed: int) -> tuple[Problem, Schedule]:
    """One or two agents over one or two weeks around a daylight-saving change."""
    rng = np.random.default_rng(seed)
    change = SPRING_FORWARD if seed % 2 else FALL_BACK
    first = change - timedelta(days=int(rng.integers(1, 8)))
    days = int(rng.choice([7, 10, 14]))
    rules = (
        DUTCH_RULES if rng.random() < 0.7 else DUTCH_RULES.with_overrides(week_starts_on_weekday=0)
    )
    agents, shifts = [], []
    for k in range(int(rng.integers(1, 3))):
        one, theirs = _random_agent(rng, f"agent{k}", first, days)
        agents.append(one)
        shifts += theirs
    return problem(*agents, days=days, first=first, rules=rules), Schedule(tuple(shifts))


@functools.cache
def _both_answers(seed: int) -> tuple[tuple[Violation, ...], tuple[Violation, ...]]:
    prob, schedule = _random_case(seed)
    return validate(prob, schedule), tuple(_ReferenceChecker(prob).run(schedule))


@pytest.mark.parametrize("seed", SEEDS)
def test_same_violations_as_the_reference_on_a_random_schedule(seed: int) -> None:
    fast, reference = _both_answers(seed)
    assert fast == reference


def test_the_random_schedules_break_every_window_rule_somewhere() -> None:
    """Otherwise the comparison above would say little about the rules that were reworked."""
    found = Counter(v.rule for seed in SEEDS for v in _both_answers(seed)[1])
    reworked = {
        Rule.WEEK_MAX_WORK,
        Rule.AVG_4_WEEKS,
        Rule.AVG_16_WEEKS,
        Rule.WEEKLY_REST,
        Rule.NIGHT_SHIFT_MAX_WORK,
        Rule.REST_AFTER_LATE_NIGHT,
        Rule.REST_AFTER_NIGHT_SERIES,
        Rule.SHIFTS_IN_NIGHT_SERIES,
        Rule.NIGHT_SHIFTS_PER_16_WEEKS,
        Rule.FREE_SUNDAYS,
    }
    assert reworked <= set(found), f"never broken: {sorted(reworked - set(found))}"


@pytest.mark.parametrize(
    ("zone", "change"),
    [
        ("Europe/Amsterdam", SPRING_FORWARD),
        ("Europe/Amsterdam", FALL_BACK),
        ("America/New_York", date(2020, 11, 1)),  # behind UTC: evenings are the next UTC day
        ("Pacific/Auckland", date(2020, 4, 5)),  # 13 h ahead of UTC in summer
        ("America/Sao_Paulo", date(2018, 11, 4)),  # 00:00 skipped: the day begins at 01:00
        ("America/Sao_Paulo", date(2019, 2, 17)),  # 00:00 back to 23:00: 16 February has 25 h
    ],
)
def test_local_dates_from_cached_midnights_match_zoneinfo_across_a_change(
    zone: str, change: date
) -> None:
    first = change - timedelta(days=2)
    checker = _Checker(
        Problem(
            horizon=Horizon(first, 4, timezone=zone),
            skill_groups=(),
            demand=(),
            agents=(agent(skills=()),),
            shifts=(),
        )
    )
    tz = ZoneInfo(zone)
    for day in (first + timedelta(days=k) for k in range(5)):
        assert checker.midnight(day) == epoch_seconds(local_midnight(day, tz))
    start = checker.midnight(first)
    for instant in range(start - 3600, start + 4 * 24 * 3600, 5 * _MIN):
        assert checker.local_day(instant) == from_epoch(instant, tz).date()
