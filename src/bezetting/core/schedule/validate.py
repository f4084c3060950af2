"""Check any schedule against the rule pack and the problem, listing every violation.

The validator is the single definition of "legal": the optimiser's output, a hand-edited CSV
and (later) swaps and edits all pass through :func:`validate`. Each :class:`Violation` names the
agent, the rule, the moment, the measured value and the limit.

Conventions (documented in ``docs/schedule.md``):

* Working time is a shift's span less its breaks; fixed events inside a shift are work.
* Earlier work and work for other clients (``Agent.prior_work``) counts toward every rule;
  time without known work counts as rest.
* Weeks are ATW weeks (7 x 24 h from the pack's week start, Sunday 00:00 local time by
  default); windows of 4, 16 and 52 weeks are every run of consecutive weeks that touches
  the horizon. The 72 h per 14 days alternative uses fixed pairs of weeks (even and odd
  week numbers counted from 1970), so the pairing is the same in every planning period.
* Contract minutes are checked per full planning week (7 days from the horizon's first day),
  counting the shifts that start in that week.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bezetting.core.schedule._time import at_local, epoch_seconds, from_epoch
from bezetting.core.schedule.plan import ActivityKind, Schedule, Shift
from bezetting.core.schedule.problem import Agent, Problem, open_slots
from bezetting.core.schedule.rules import RulePack

__all__ = ["Rule", "Violation", "validate"]

_MIN = 60
_DAY = 24 * 3600
_WEEK = 7 * _DAY
_ONE_DAY = timedelta(days=1)
_ONE_WEEK = timedelta(weeks=1)
_EPOCH_DAY = date(1970, 1, 1)
_EPOCH_ORDINAL = _EPOCH_DAY.toordinal()


class Rule(StrEnum):
    """Every rule the validator checks; the value is the stable machine-readable code."""

    SHIFT_MAX_WORK = "shift_max_work"
    WEEK_MAX_WORK = "week_max_work"
    AVG_4_WEEKS = "avg_work_4_weeks"
    AVG_16_WEEKS = "avg_work_16_weeks"
    DAILY_REST = "daily_rest"
    SHORTENED_REST_TOO_OFTEN = "shortened_rest_too_often"
    WEEKLY_REST = "weekly_rest"
    BREAK_TOO_SHORT = "break_too_short"
    BREAK_PART_TOO_SHORT = "break_part_too_short"
    BREAK_AT_EDGE = "break_at_shift_edge"
    NIGHT_SHIFT_MAX_WORK = "night_shift_max_work"
    REST_AFTER_LATE_NIGHT = "rest_after_late_night"
    REST_AFTER_NIGHT_SERIES = "rest_after_night_series"
    SHIFTS_IN_NIGHT_SERIES = "shifts_in_night_series"
    NIGHT_SHIFTS_PER_16_WEEKS = "night_shifts_per_16_weeks"
    FREE_SUNDAYS = "free_sundays_per_52_weeks"
    CONTRACT_MIN = "contract_min_per_week"
    CONTRACT_MAX = "contract_max_per_week"
    UNAVAILABLE = "unavailable"
    OVERLAP = "overlapping_work"
    EVENT_NOT_COVERED = "event_not_covered"
    SKILL = "skill_missing"
    CLOSED = "queue_closed"
    STRUCTURE = "shift_structure"
    UNKNOWN_AGENT = "unknown_agent"


@dataclass(frozen=True)
class Violation:
    """One broken rule: who, which rule, when, what was measured and what the limit is."""

    agent_id: str
    rule: Rule
    at: datetime
    measured: float
    limit: float
    unit: str
    message: str


@dataclass(frozen=True)
class _Work:
    """A stretch of work in epoch seconds: a planned shift or earlier/other-client work."""

    start: int
    end: int
    breaks: tuple[tuple[int, int], ...]
    unplaced_break_seconds: int
    planned: bool

    def work_seconds(self) -> int:
        placed = sum(e - s for s, e in self.breaks)
        return self.end - self.start - placed - self.unplaced_break_seconds

    def work_in(self, lo: int, hi: int) -> int:
        """Work seconds inside ``[lo, hi)``; unplaced breaks are spread evenly over the span."""
        a, b = max(lo, self.start), min(hi, self.end)
        if b <= a:
            return 0
        inside = b - a - sum(max(0, min(b, e) - max(a, s)) for s, e in self.breaks)
        if self.unplaced_break_seconds:
            inside -= self.unplaced_break_seconds * (b - a) // (self.end - self.start)
        return inside


def _agent_work(agent: Agent, shifts: tuple[Shift, ...]) -> list[_Work]:
    items = [
        _Work(
            epoch_seconds(s.start),
            epoch_seconds(s.end),
            tuple(sorted((epoch_seconds(b.start), epoch_seconds(b.end)) for b in s.breaks)),
            0,
            True,
        )
        for s in shifts
    ]
    items += [
        _Work(p.window.start_s, p.window.end_s, (), p.break_minutes * _MIN, False)
        for p in agent.prior_work
    ]
    return sorted(items, key=lambda w: (w.start, w.end))


@dataclass(frozen=True)
class _Timeline:
    """One agent's work sorted by start, with what the rules ask of it again and again.

    A year of earlier work is hundreds of items and the window rules ask about hundreds of
    weeks and Sundays, so each question looks only at the items that can touch its period.

    Attributes:
        items: the work, sorted by (start, end).
        starts: ``items``' starts, for bisection.
        reach: the latest end among ``items[: i + 1]``: everything up to ``i`` is over by then.
        night: whether each item is a night shift (more night work than the pack allows
            outside a night shift).
        start_days: the local date each item starts on.
    """

    items: list[_Work]
    starts: list[int]
    reach: list[int]
    night: list[bool]
    start_days: list[date]

    def touching(self, lo: int, hi: int) -> list[_Work]:
        """The items that may overlap ``[lo, hi)``, in order (a few more do no harm)."""
        return self.items[bisect_right(self.reach, lo) : bisect_left(self.starts, hi)]

    def work_in(self, lo: int, hi: int) -> int:
        """Work seconds inside ``[lo, hi)``."""
        return sum(w.work_in(lo, hi) for w in self.touching(lo, hi))

    def works_in(self, lo: int, hi: int) -> bool:
        """Whether there is any work inside ``[lo, hi)``."""
        return any(w.work_in(lo, hi) > 0 for w in self.touching(lo, hi))


class _Checker:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.rules: RulePack = problem.rules
        self.grid = problem.horizon.grid()
        self.tz: ZoneInfo = self.grid.tz
        self.out: list[Violation] = []
        self.open = open_slots(problem, self.grid)
        self._periods: dict[tuple[date, int, timedelta, timedelta], list[tuple[int, int]]] = {}
        days = (self.grid.day(d) for d in range(self.grid.days))
        self.horizon_sundays = [d for d in days if d.weekday() == 6]

    def add(
        self, agent: str, rule: Rule, at: int, measured: float, limit: float, unit: str, msg: str
    ) -> None:
        self.out.append(Violation(agent, rule, from_epoch(at, self.tz), measured, limit, unit, msg))

    # --- calendar helpers ----------------------------------------------------------------
    def local_day(self, instant: int) -> date:
        """The local date of an instant, read off the (cached) midnights around its UTC date.

        The local date is the UTC date or a day either side (UTC offsets stay within a day);
        a zoneinfo conversion per instant was a large part of the night rules' time.
        """
        day = date.fromordinal(_EPOCH_ORDINAL + instant // _DAY)
        if instant < self.midnight(day):
            return day - _ONE_DAY
        if instant >= self.midnight(day + _ONE_DAY):
            return day + _ONE_DAY
        return day

    def week_start_day(self, day: date) -> date:
        return day - timedelta(days=(day.weekday() - self.rules.week_starts_on_weekday) % 7)

    def midnight(self, day: date) -> int:
        """Epoch seconds of local 00:00 of ``day`` (cached: zoneinfo conversions are slow)."""
        return at_local(day, 0, self.tz)

    def periods(
        self, first: date, count: int, *, every: timedelta, length: timedelta
    ) -> list[tuple[int, int]]:
        """Epoch bounds of ``count`` periods of ``length`` from local midnight of ``first``,
        ``every`` apart (cached: the window rules ask for the same ones for every agent)."""
        key = (first, count, every, length)
        if key not in self._periods:
            days = (first + k * every for k in range(count))
            self._periods[key] = [(self.midnight(d), self.midnight(d + length)) for d in days]
        return self._periods[key]

    def pair_first(self, week: date) -> date:
        """First week of the fixed 14-day pair (even/odd week since 1970) holding ``week``."""
        return week - timedelta(weeks=((week - _EPOCH_DAY).days // 7) % 2)

    def horizon_weeks(self) -> list[date]:
        first = self.week_start_day(self.grid.first_day)
        last = self.week_start_day(self.grid.day(self.grid.days - 1))
        return [first + timedelta(weeks=k) for k in range((last - first).days // 7 + 1)]

    def night_seconds(self, w: _Work, *, start_day: date | None = None) -> int:
        """Work seconds of ``w`` in the night windows (``start_day``, if known, saves a look-up
        of the local date ``w`` starts on)."""
        total = 0
        day = (start_day if start_day is not None else self.local_day(w.start)) - _ONE_DAY
        while (midnight := self.midnight(day)) < w.end:
            lo = midnight + self.rules.night_window_start_minute * _MIN
            hi = midnight + self.rules.night_window_end_minute * _MIN
            total += w.work_in(lo, hi)
            day += _ONE_DAY
        return total

    def is_night(self, w: _Work, *, start_day: date | None = None) -> bool:
        night = self.night_seconds(w, start_day=start_day)
        return night > self.rules.night_shift_above_minutes * _MIN

    def ends_late(self, w: _Work) -> bool:
        end_day = self.local_day(w.end - 1)
        return w.end - self.midnight(end_day) > self.rules.late_night_end_minute * _MIN

    # --- the checks ----------------------------------------------------------------------
    def run(self, schedule: Schedule) -> list[Violation]:
        known = {a.id for a in self.problem.agents}
        for s in schedule.shifts:
            if s.agent_id not in known:
                self.add(
                    s.agent_id,
                    Rule.UNKNOWN_AGENT,
                    epoch_seconds(s.start),
                    0,
                    0,
                    "",
                    (f"shift for unknown agent {s.agent_id!r}"),
                )
        for agent in self.problem.agents:
            self.check_agent(agent, schedule.for_agent(agent.id))
        return self.out

    def check_agent(self, agent: Agent, shifts: tuple[Shift, ...]) -> None:
        """Every rule for one agent's shifts (sorted by start) and earlier work."""
        timeline = self.timeline(_agent_work(agent, shifts))
        for s in shifts:
            self.check_shift(agent, s)
        self.check_overlap_and_availability(agent, shifts, timeline.items)
        self.check_events(agent, shifts)
        self.check_weeks(agent, timeline)
        self.check_daily_rest(agent, timeline.items)
        self.check_weekly_rest(agent, timeline)
        self.check_nights(agent, timeline)
        self.check_night_series_length(agent, timeline)
        self.check_sundays(agent, timeline)
        self.check_contract(agent, shifts)

    def timeline(self, work: list[_Work]) -> _Timeline:
        """``work`` (sorted by start) with its lookups, each worked out once."""
        start_days = [self.local_day(w.start) for w in work]
        return _Timeline(
            items=work,
            starts=[w.start for w in work],
            reach=list(itertools.accumulate((w.end for w in work), max)),
            night=[self.is_night(w, start_day=d) for w, d in zip(work, start_days, strict=True)],
            start_days=start_days,
        )

    def check_shift(self, agent: Agent, s: Shift) -> None:
        r = self.rules
        a, start, end = agent.id, epoch_seconds(s.start), epoch_seconds(s.end)
        step = self.grid.slot_seconds
        if (start - self.grid.start) % step or (end - self.grid.start) % step:
            self.add(a, Rule.STRUCTURE, start, 0, 0, "", "shift is not on the quarter-hour grid")
        if not self.grid.start <= start < self.grid.end:
            self.add(a, Rule.STRUCTURE, start, 0, 0, "", "shift starts outside the horizon")
        acts = sorted(s.activities, key=lambda x: epoch_seconds(x.start))
        for x, y in itertools.pairwise(acts):
            if epoch_seconds(y.start) < epoch_seconds(x.end):
                self.add(a, Rule.STRUCTURE, epoch_seconds(y.start), 0, 0, "", "activities overlap")
        for act in acts:
            lo, hi = epoch_seconds(act.start), epoch_seconds(act.end)
            if lo < start or hi > end:
                self.add(a, Rule.STRUCTURE, lo, 0, 0, "", "activity lies outside its shift")
            if act.kind is ActivityKind.WORK and act.skill_group:
                if act.skill_group not in agent.skill_groups:
                    self.add(
                        a,
                        Rule.SKILL,
                        lo,
                        0,
                        0,
                        "",
                        (
                            f"works {act.skill_group!r} without that skill "
                            f"(has {sorted(agent.skill_groups)})"
                        ),
                    )
                elif act.skill_group in self.open:
                    mask = self.open[act.skill_group]
                    first = max(0, (lo - self.grid.start) // step)
                    last = min(self.grid.n_slots, -(-(hi - self.grid.start) // step))
                    if first >= last or not mask[first:last].all():
                        self.add(
                            a,
                            Rule.CLOSED,
                            lo,
                            0,
                            0,
                            "",
                            (f"works {act.skill_group!r} while it is closed"),
                        )
        work = s.work_minutes
        if work > r.max_work_minutes_per_shift:
            self.add(
                a,
                Rule.SHIFT_MAX_WORK,
                start,
                work,
                r.max_work_minutes_per_shift,
                "minutes",
                f"shift has {work} min of work, at most {r.max_work_minutes_per_shift}",
            )
        need = r.required_break_minutes(work)
        if s.break_minutes < need:
            self.add(
                a,
                Rule.BREAK_TOO_SHORT,
                start,
                s.break_minutes,
                need,
                "minutes",
                f"{work} min of work needs {need} min of break, has {s.break_minutes}",
            )
        for b in s.breaks:
            bs, be = epoch_seconds(b.start), epoch_seconds(b.end)
            if b.minutes < r.min_break_part_minutes:
                self.add(
                    a,
                    Rule.BREAK_PART_TOO_SHORT,
                    bs,
                    b.minutes,
                    r.min_break_part_minutes,
                    "minutes",
                    f"break of {b.minutes} min is shorter than {r.min_break_part_minutes} min",
                )
            edge = r.min_work_before_and_after_break_minutes * _MIN
            gap = min(bs - start, end - be)
            if gap < max(edge, 1):
                self.add(
                    a,
                    Rule.BREAK_AT_EDGE,
                    bs,
                    gap // _MIN,
                    edge // _MIN,
                    "minutes",
                    "break at the start or end of the shift does not interrupt it",
                )

    def check_overlap_and_availability(
        self, agent: Agent, shifts: tuple[Shift, ...], work: list[_Work]
    ) -> None:
        for x, y in itertools.pairwise(work):
            if y.start < x.end and (x.planned or y.planned):
                self.add(
                    agent.id,
                    Rule.OVERLAP,
                    y.start,
                    (x.end - y.start) // _MIN,
                    0,
                    "minutes",
                    "work overlaps other work (another shift, earlier or other-client work)",
                )
        for s in shifts:
            lo, hi = epoch_seconds(s.start), epoch_seconds(s.end)
            if agent.available and not any(
                w.start_s <= lo and hi <= w.end_s for w in agent.available
            ):
                self.add(
                    agent.id,
                    Rule.UNAVAILABLE,
                    lo,
                    0,
                    0,
                    "",
                    "shift lies outside the agent's availability",
                )
            for w in agent.unavailable:
                if lo < w.end_s and w.start_s < hi:
                    self.add(
                        agent.id,
                        Rule.UNAVAILABLE,
                        max(lo, w.start_s),
                        (min(hi, w.end_s) - max(lo, w.start_s)) // _MIN,
                        0,
                        "minutes",
                        "shift overlaps time the agent is unavailable",
                    )

    def check_events(self, agent: Agent, shifts: tuple[Shift, ...]) -> None:
        for ev in agent.events:
            lo, hi = ev.window.start_s, ev.window.end_s
            host = [
                s for s in shifts if epoch_seconds(s.start) <= lo and hi <= epoch_seconds(s.end)
            ]
            if not host:
                self.add(
                    agent.id,
                    Rule.EVENT_NOT_COVERED,
                    lo,
                    0,
                    0,
                    "",
                    f"fixed event {ev.name!r} is not inside a shift",
                )
                continue
            for b in host[0].breaks:
                if epoch_seconds(b.start) < hi and lo < epoch_seconds(b.end):
                    self.add(
                        agent.id,
                        Rule.EVENT_NOT_COVERED,
                        epoch_seconds(b.start),
                        0,
                        0,
                        "",
                        f"a break overlaps fixed event {ev.name!r}",
                    )

    def check_weeks(self, agent: Agent, work: _Timeline) -> None:
        r = self.rules
        weeks = self.horizon_weeks()
        averages = (
            (4, Rule.AVG_4_WEEKS, r.max_avg_work_minutes_per_week_4_weeks),
            (16, Rule.AVG_16_WEEKS, r.max_avg_work_minutes_per_week_16_weeks),
        )
        # Every week a window can reach: the longest windows start up to 15 weeks before the
        # horizon's first week and end up to 15 weeks after its last. Each week is summed
        # once; a window's sum is a difference of running totals.
        reach = max(n for n, _, _ in averages) - 1
        first_reached = weeks[0] - reach * _ONE_WEEK
        reached = self.periods(
            first_reached, len(weeks) + 2 * reach, every=_ONE_WEEK, length=_ONE_WEEK
        )
        totals = [work.work_in(lo, hi) for lo, hi in reached]
        running = [0, *itertools.accumulate(totals)]
        for k, wk in enumerate(weeks):
            minutes = totals[reach + k] // _MIN
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
        for n, rule, avg in averages:
            # The windows of ``n`` weeks touching the horizon, by the index of their first week
            # in ``reached`` (``windows`` as indices). Overlapping windows break the rule
            # together; report the worst, say how many.
            lowest = reach - (n - 1)
            over = [
                ((running[at + n] - running[at]) // _MIN, at)
                for at in range(lowest, lowest + len(weeks) + n - 1)
            ]
            bad = [(m, at) for m, at in over if m > n * avg]
            if bad:
                minutes, at = max(bad)
                first = first_reached + at * _ONE_WEEK
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

    @staticmethod
    def windows(weeks: list[date], n: int) -> list[date]:
        """First weeks of every run of ``n`` consecutive weeks touching ``weeks``."""
        start = weeks[0] - timedelta(weeks=n - 1)
        return [start + timedelta(weeks=k) for k in range(len(weeks) + n - 1)]

    def check_daily_rest(self, agent: Agent, work: list[_Work]) -> None:
        r = self.rules
        short: list[tuple[int, bool]] = []  # (rest start, involves a planned shift)
        for x, y in itertools.pairwise(work):
            gap = y.start - x.end
            planned = x.planned or y.planned
            if gap < 0:
                continue  # reported as overlapping work
            if gap < r.min_shortened_daily_rest_minutes * _MIN:
                if planned:
                    self.add(
                        agent.id,
                        Rule.DAILY_REST,
                        x.end,
                        gap // _MIN,
                        r.min_shortened_daily_rest_minutes,
                        "minutes",
                        f"only {gap // _MIN} min rest between shifts",
                    )
            elif gap < r.min_daily_rest_minutes * _MIN:
                short.append((x.end, planned))
        for i, (t, _) in enumerate(short):
            within = [p for u, p in short[i:] if u < t + _WEEK]
            if len(within) > r.shortened_daily_rests_per_7_days and any(within):
                self.add(
                    agent.id,
                    Rule.SHORTENED_REST_TOO_OFTEN,
                    t,
                    len(within),
                    r.shortened_daily_rests_per_7_days,
                    "count",
                    f"{len(within)} shortened daily rests within 7 x 24 h",
                )

    def rests_in(self, work: _Timeline, lo: int, hi: int) -> list[int]:
        """Lengths of the rest periods inside ``[lo, hi)``, clipped to it."""
        edges = [lo]
        for w in work.touching(lo, hi):
            if w.end <= lo or w.start >= hi:
                continue
            edges += [max(lo, w.start), min(hi, w.end)]
        edges.append(hi)
        return [max(0, edges[i + 1] - edges[i]) for i in range(0, len(edges), 2)]

    def check_weekly_rest(self, agent: Agent, work: _Timeline) -> None:
        r = self.rules
        for wk in self.horizon_weeks():
            lo, hi = self.midnight(wk), self.midnight(wk + _ONE_WEEK)
            longest = max(self.rests_in(work, lo, hi))
            if longest >= r.min_weekly_rest_minutes * _MIN:
                continue
            pair_first = self.pair_first(wk)
            plo, phi = self.midnight(pair_first), self.midnight(pair_first + 2 * _ONE_WEEK)
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

    def check_nights(self, agent: Agent, work: _Timeline) -> None:
        r = self.rules
        items, night, days = work.items, work.night, work.start_days
        for i, w in enumerate(items):
            nxt = items[i + 1] if i + 1 < len(items) else None
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
                and (days[i - length + 1] - days[i - length]).days == 1
            ):
                length += 1
            continues = night[i + 1] and (days[i + 1] - days[i]).days == 1
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
        night_starts = [w.start for w, n in zip(items, night, strict=True) if n]  # sorted
        # The windows of 16 weeks touching the horizon (``windows``), by their index.
        weeks = self.horizon_weeks()
        first_window = weeks[0] - 15 * _ONE_WEEK
        bounds = self.periods(first_window, len(weeks) + 15, every=_ONE_WEEK, length=16 * _ONE_WEEK)
        counts = [
            (bisect_left(night_starts, hi) - bisect_left(night_starts, lo), at)
            for at, (lo, hi) in enumerate(bounds)
        ]
        bad = [(c, at) for c, at in counts if c > r.max_night_shifts_per_16_weeks]
        if bad:
            count, at = max(bad)
            first = first_window + at * _ONE_WEEK
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

    def check_night_series_length(self, agent: Agent, work: _Timeline) -> None:
        """A series is work on consecutive local days (by start); with a night shift in it, it
        holds at most ``max_shifts_in_night_series`` shifts."""
        limit = self.rules.max_shifts_in_night_series
        runs: list[list[int]] = []  # indexes into the timeline
        for i, day in enumerate(work.start_days):
            if runs and (day - work.start_days[runs[-1][-1]]).days <= 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:
            days = {work.start_days[i] for i in run}
            planned = any(work.items[i].planned for i in run)
            if planned and len(days) > limit and any(work.night[i] for i in run):
                self.add(
                    agent.id,
                    Rule.SHIFTS_IN_NIGHT_SERIES,
                    work.items[run[0]].start,
                    len(days),
                    limit,
                    "count",
                    f"{len(days)} days in a row with work from {min(days)}, a night shift among "
                    f"them",
                )

    def check_sundays(self, agent: Agent, work: _Timeline) -> None:
        r = self.rules
        sundays = self.horizon_sundays
        if not sundays:
            return
        # Each Sunday from 51 weeks before the first in the horizon is looked at once; the
        # count of worked Sundays in the 52 weeks up to a Sunday is a difference of running
        # totals.
        first = sundays[0] - 51 * _ONE_WEEK
        count = (sundays[-1] - first).days // 7 + 1
        reached = self.periods(first, count, every=_ONE_WEEK, length=_ONE_DAY)
        worked = [work.works_in(lo, hi) for lo, hi in reached]
        running = [0, *itertools.accumulate(worked)]
        limit = 52 - r.min_free_sundays_per_52_weeks
        for last in sundays:
            end = (last - first).days // 7 + 1
            count = running[end] - running[end - 52]
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

    def check_contract(self, agent: Agent, shifts: tuple[Shift, ...]) -> None:
        c = agent.contract
        for week in range(self.problem.horizon.days // 7):
            first = self.grid.day(7 * week)
            lo, hi = self.midnight(first), self.midnight(first + timedelta(days=7))
            minutes = sum(s.work_minutes for s in shifts if lo <= epoch_seconds(s.start) < hi)
            minimum = self.problem.minimum_minutes(agent, week)
            if minutes < minimum:
                self.add(
                    agent.id,
                    Rule.CONTRACT_MIN,
                    lo,
                    minutes,
                    minimum,
                    "minutes",
                    f"planning week from {first}: {minutes} min, contract minimum {minimum}",
                )
            if minutes > c.max_minutes_per_week:
                self.add(
                    agent.id,
                    Rule.CONTRACT_MAX,
                    lo,
                    minutes,
                    c.max_minutes_per_week,
                    "minutes",
                    f"planning week from {first}: {minutes} min, contract "
                    f"maximum {c.max_minutes_per_week}",
                )


def validate(problem: Problem, schedule: Schedule) -> tuple[Violation, ...]:
    """Every violation of ``schedule`` against ``problem`` and its rule pack (empty: legal).

    Example:
        >>> violations = validate(problem, schedule)  # doctest: +SKIP
        >>> [v.rule for v in violations]  # doctest: +SKIP
        [<Rule.DAILY_REST: 'daily_rest'>]
    """
    return tuple(_Checker(problem).run(schedule))
