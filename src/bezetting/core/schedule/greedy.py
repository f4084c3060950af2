"""A greedy constructive schedule: legal, quick, and a starting point for the solver.

Agents take turns choosing the candidate shift that covers the most remaining demand (weighted
by the slot's service impact), subject to the same hard rules the model enforces, applied
more strictly where that keeps the code short (never a shortened daily rest, at most two night
shifts in a row, 46 h of rest after any night shift not followed by a night the next day).
Contract minimums are filled afterwards with whatever legal shift fits. Breaks go where the
staffing surplus is largest. The answer is checked by the validator like any other schedule.

Used by :func:`bezetting.core.schedule.solve` as the CP-SAT solution hint and as the answer
of last resort when the solver finds nothing in its time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from bezetting.core.schedule._candidates import Candidate
from bezetting.core.schedule._time import Grid, from_epoch
from bezetting.core.schedule.builders import (
    ModelContext,
    forbidden_by_prior_work,
    wish_broken_by,
)
from bezetting.core.schedule.explain import is_weekend
from bezetting.core.schedule.plan import Activity, ActivityKind, Shift
from bezetting.core.schedule.problem import MaxDaysPerWeekWish, Problem, open_slots

__all__ = ["GreedySchedule", "assemble_shifts", "greedy_schedule"]

_MIN = 60
_WISH_COST = 1e6  # a broken wish outweighs any coverage gain of one shift
# Weekend duty by turns: each weekend shift an agent already has (per 40 contract hours, this
# plan and earlier work) makes the next one worth this many weighted slots of coverage less,
# so weekend shifts go round instead of to whoever picks first.
_WEEKEND_TURN = 2.0


@dataclass(frozen=True)
class GreedySchedule:
    """The greedy answer: chosen candidates and break starts per agent, and the shifts."""

    chosen: tuple[tuple[Candidate, ...], ...]  # per agent, sorted by day
    break_starts: tuple[
        tuple[tuple[int, int, int, int], ...], ...
    ]  # per agent: day, part, slot, len
    shifts: tuple[Shift, ...]
    complete: bool  # every contract minimum reached


class _Agent:
    """One agent's choices so far and the checks against the model's hard rules."""

    def __init__(self, ctx: ModelContext, a: int) -> None:
        self.ctx, self.a = ctx, a
        self.days: dict[int, Candidate] = {}
        self.prior_night_days = ctx.prior_night_days[a]
        self.prior_night_starts = [w.start for w in ctx.prior[a] if ctx.check.is_night(w)]
        self.prior_days = {ctx.day_of(w.start) for w in ctx.prior[a]}
        self._fixed: dict[date, int] = {}  # earlier work per ATW week, minutes
        self._fixed_sundays: dict[int, int] = {}  # earlier Sundays worked in 52 weeks to a day

    def fixed_minutes(self, wk: date) -> int:
        if wk not in self._fixed:
            ctx = self.ctx
            lo, hi = ctx.check.midnight(wk), ctx.check.midnight(wk + timedelta(weeks=1))
            self._fixed[wk] = sum(w.work_in(lo, hi) for w in ctx.prior[self.a]) // _MIN
        return self._fixed[wk]

    def week_minutes(self, week: int) -> int:
        return sum(c.work_minutes for d, c in self.days.items() if d // 7 == week)

    def can_add(self, c: Candidate) -> bool:
        if c.day in self.days:
            return False
        contract = self.ctx.problem.agents[self.a].contract
        if self.week_minutes(c.day // 7) + c.work_minutes > contract.max_minutes_per_week:
            return False
        if not self._rest_ok(c) or not self._nights_ok(c) or not self._series_ok(c):
            return False
        self.days[c.day] = c
        ok = self._weekly_rest_ok() and self._working_time_ok()
        del self.days[c.day]
        return ok

    def _rest_ok(self, c: Candidate) -> bool:
        r = self.ctx.problem.rules
        for o in self.days.values():
            first, second = (o, c) if o.start < c.start else (c, o)
            gap = second.start - first.end
            need = r.min_daily_rest_minutes * _MIN
            if first.night and first.late_end:
                need = max(need, r.min_rest_after_late_night_minutes * _MIN)
            if first.night and not (second.night and second.day == first.day + 1):
                need = max(need, r.min_rest_after_night_series_minutes * _MIN)
            if gap < need:
                return False
        return True

    def _night_day(self, day: int, c: Candidate) -> bool:
        if day == c.day:
            return True
        if day < 0:
            return day in self.prior_night_days
        o = self.days.get(day)
        return o is not None and o.night

    def _nights_ok(self, c: Candidate) -> bool:
        if not c.night:
            return True
        run = 2  # at most two nights in a row: the 46 h rest after a series never applies
        for lo in range(c.day - run, c.day + 1):
            if all(self._night_day(d, c) for d in range(lo, lo + run + 1)):
                return False
        return True

    def _series_ok(self, c: Candidate) -> bool:
        """The days in a row with work around ``c`` stay within the night-series limit."""

        def worked(day: int) -> bool:
            return day == c.day or day in self.days or day in self.prior_days

        def night(day: int) -> bool:
            o = c if day == c.day else self.days.get(day)
            return day in self.prior_night_days or (o is not None and o.night)

        lo = c.day
        while worked(lo - 1):
            lo -= 1
        hi = c.day
        while worked(hi + 1):
            hi += 1
        limit = self.ctx.problem.rules.max_shifts_in_night_series
        return hi - lo + 1 <= limit or not any(night(d) for d in range(lo, hi + 1))

    def _weekly_rest_ok(self) -> bool:
        """Every ATW week keeps one of the model's weekly-rest options (same arithmetic)."""
        ctx = self.ctx
        need = ctx.problem.rules.min_weekly_rest_minutes * _MIN
        prior = ctx.prior[self.a]
        for week in ctx.check.horizon_weeks():
            w0 = (week - ctx.grid.first_day).days
            ws, we = ctx.midnight(w0), ctx.midnight(w0 + 7)
            found = False
            for k in (1, 2, 3):
                for d in range(w0, w0 + 8 - k):
                    if any(day in self.days for day in range(d, d + k)):
                        continue
                    lo_day, hi_day = ctx.midnight(d), ctx.midnight(d + k)
                    if any(p.start < hi_day and lo_day < p.end for p in prior):
                        continue
                    pe = max([p.end for p in prior if p.end <= lo_day], default=ws)
                    ps = min([p.start for p in prior if p.start >= hi_day], default=we)
                    if (
                        self._rest_end(d + k, we, ps, hi_day)
                        - self._rest_start(d - 1, ws, pe, lo_day)
                        >= need
                    ):
                        found = True
                        break
                if found:
                    break
            if not found:
                return False
        return True

    def _rest_start(self, day: int, ws: int, pe: int, lo_day: int) -> int:
        floor = max(ws, pe)
        if day < 0:
            return floor
        c = self.days.get(day)
        if c is not None and day < self.ctx.grid.days:
            return max(c.end, floor)
        return max(lo_day, floor)

    def _rest_end(self, day: int, we: int, ps: int, hi_day: int) -> int:
        ceiling = min(we, ps)
        if day >= self.ctx.grid.days:
            return ceiling
        if day < 0:
            return min(ceiling, self.ctx.grid.start)
        c = self.days.get(day)
        if c is not None:
            return min(c.start, ceiling)
        return min(self.ctx.midnight(day + 1), ceiling)

    def _working_time_ok(self) -> bool:
        """60 h per ATW week, the 4- and 16-week averages, nights, Sundays (model arithmetic)."""
        ctx, r = self.ctx, self.ctx.problem.rules
        weeks = ctx.check.horizon_weeks()
        per_week = {}
        for wk in weeks:
            lo, hi = ctx.check.midnight(wk), ctx.check.midnight(wk + timedelta(weeks=1))
            fixed = self.fixed_minutes(wk)
            planned = sum(
                _work_upper_bound_in(c, lo, hi)
                for c in self.days.values()
                if c.start < hi and lo < c.end
            )
            per_week[wk] = fixed + planned
            if per_week[wk] > r.max_work_minutes_per_week:
                return False

        def total(first: date, n: int) -> int:
            out = 0
            for k in range(n):
                wk = first + timedelta(weeks=k)
                out += per_week[wk] if wk in per_week else self.fixed_minutes(wk)
            return out

        for n, avg in (
            (4, r.max_avg_work_minutes_per_week_4_weeks),
            (16, r.max_avg_work_minutes_per_week_16_weeks),
        ):
            for first in ctx.check.windows(weeks, n):
                if total(first, n) > n * avg:
                    return False
        for first in ctx.check.windows(weeks, 16):
            lo = ctx.check.midnight(first)
            hi = ctx.check.midnight(first + timedelta(weeks=16))
            nights = sum(1 for start in self.prior_night_starts if lo <= start < hi)
            nights += sum(1 for c in self.days.values() if c.night and lo <= c.start < hi)
            if nights > r.max_night_shifts_per_16_weeks:
                return False
        return self._sundays_ok()

    def _sundays_ok(self) -> bool:
        ctx, r, grid = self.ctx, self.ctx.problem.rules, self.ctx.grid
        prior = ctx.prior[self.a]
        limit = 52 - r.min_free_sundays_per_52_weeks
        sundays = [d for d in range(grid.days) if grid.day(d).weekday() == 6]
        worked = set()
        for d in sundays:
            lo, hi = ctx.midnight(d), ctx.midnight(d + 1)
            if any(c.start < hi and lo < c.end for c in self.days.values()):
                worked.add(d)
        for last in sundays:
            if last not in self._fixed_sundays:
                fixed = 0
                for k in range(52):
                    day = last - 7 * k
                    lo, hi = ctx.midnight(day), ctx.midnight(day + 1)
                    fixed += any(w.work_in(lo, hi) > 0 for w in prior)
                self._fixed_sundays[last] = fixed
            fixed = self._fixed_sundays[last]
            planned = sum(1 for d in worked if last - 7 * 51 <= d <= last)
            if fixed + planned > limit:
                return False
        return True


def _work_upper_bound_in(c: Candidate, lo: int, hi: int) -> int:
    inside = max(0, min(hi, c.end) - max(lo, c.start)) // _MIN
    outside = (c.end - c.start) // _MIN - inside
    return inside - max(0, c.break_minutes - outside)


class _Options:
    """One agent's usable candidates as arrays, so that all of them are scored at once.

    Position ``k`` is candidate ``index[k]`` of the agent; positions follow the candidates'
    order, so the first of equal scores is the one a loop over the candidates would keep.
    """

    def __init__(self, cands: list[Candidate], usable: list[int], wish_cost: NDArray[np.float64]):
        self.index = np.array(usable, dtype=np.int64)
        picked = [cands[i] for i in usable]
        self.first = np.array([c.first for c in picked], dtype=np.int64)
        self.length = np.array([c.last - c.first for c in picked], dtype=np.int64)
        self.day = np.array([c.day for c in picked], dtype=np.int64)
        self.week = self.day // 7
        self.work = np.array([c.work_minutes for c in picked], dtype=np.int64)
        self.wish_cost = wish_cost[self.index]
        weeks = int(self.week.max()) + 1 if len(picked) else 0
        self.in_week = [np.flatnonzero(self.week == w) for w in range(weeks)]

    def coverage(
        self, slot_value: NDArray[np.float64], at: NDArray[np.int64]
    ) -> NDArray[np.float64]:
        """Sum of ``slot_value`` over each candidate at positions ``at``.

        Summed per candidate as a slice sum would be (numpy's pairwise order), so the scores
        equal those of a loop over the candidates to the last bit and ties fall alike.
        """
        out = np.zeros(len(at))
        lengths = self.length[at]
        for n in np.unique(lengths).tolist():
            mine = lengths == n
            windows = np.lib.stride_tricks.sliding_window_view(slot_value, n)
            out[mine] = windows[self.first[at[mine]]].sum(axis=1)
        return out


def _best_first(score: NDArray[np.float64], tie: NDArray[np.int64]) -> NDArray[np.int64]:
    """Positions by score, highest first, equal scores by ``tie`` ascending."""
    return np.lexsort((tie, -score))


def greedy_schedule(ctx: ModelContext, *, passes: int = 4) -> GreedySchedule:
    """Build a legal schedule for ``ctx.problem`` over ``ctx.candidates`` without a solver.

    ``passes`` rounds of local search (moving single shifts) follow the construction.
    """
    prob, grid = ctx.problem, ctx.grid
    groups = [d.skill_group for d in prob.demand]
    gindex = {g: i for i, g in enumerate(groups)}
    residual = np.array(
        [np.asarray(d.required, dtype=np.float64) for d in prob.demand], dtype=np.float64
    ).reshape(len(groups), grid.n_slots)
    impact = np.array([d.impact_or_default() for d in prob.demand], dtype=np.float64).reshape(
        len(groups), grid.n_slots
    )
    open_by_group = open_slots(prob, grid)
    agents = [_Agent(ctx, a) for a in range(len(prob.agents))]
    usable: list[list[int]] = []
    wish_cost: list[NDArray[np.float64]] = []
    my_groups: list[list[int]] = []
    for a, agent in enumerate(prob.agents):
        cands = ctx.candidates[a]
        usable.append([i for i, c in enumerate(cands) if not forbidden_by_prior_work(ctx, a, c)])
        cost = np.zeros(len(cands))
        for wish in agent.wishes:
            if not isinstance(wish, MaxDaysPerWeekWish):
                for i in wish_broken_by(ctx, a, wish):
                    cost[i] += _WISH_COST * wish.weight
        wish_cost.append(cost)
        my_groups.append(sorted(gindex[g] for g in agent.skill_groups if g in gindex))
    group_at: dict[tuple[int, int], int] = {}
    options = [
        _Options(ctx.candidates[a], usable[a], wish_cost[a]) for a in range(len(prob.agents))
    ]

    def slot_value(a: int) -> NDArray[np.float64]:
        """Weighted remaining demand the agent would cover at each slot (its best group)."""
        gs = my_groups[a]
        weighted = residual[gs[0]] * impact[gs[0]] if len(gs) == 1 else None
        if weighted is None:
            weighted = (residual[gs] * impact[gs]).max(axis=0)
        out: NDArray[np.float64] = np.maximum(weighted, 0.0)
        return out

    def values(a: int, at: NDArray[np.int64]) -> NDArray[np.float64]:
        """``value`` of the agent's candidates at positions ``at``, all at once."""
        if not my_groups[a]:
            return np.zeros(len(at))
        return options[a].coverage(slot_value(a), at)

    def first_addable(a: int, at: NDArray[np.int64], ranked: NDArray[np.int64]) -> int | None:
        """The first position of ``at`` in ``ranked`` order whose candidate fits, or None."""
        cands, index = ctx.candidates[a], options[a].index
        for k in ranked.tolist():
            if agents[a].can_add(cands[int(index[at[k]])]):
                return int(k)
        return None

    def value(a: int, c: Candidate) -> float:
        gs = my_groups[a]
        if not gs:
            return 0.0
        if len(gs) == 1:  # most agents: plain slices, no fancy-index copy (the hot path)
            g = gs[0]
            row = residual[g, c.first : c.last] * impact[g, c.first : c.last]
            return float(np.maximum(row, 0.0).sum())
        block = residual[gs, c.first : c.last] * impact[gs, c.first : c.last]
        return float(np.maximum(block.max(axis=0), 0.0).sum())

    def take(a: int, c: Candidate) -> None:
        agents[a].days[c.day] = c
        gs = my_groups[a]
        for t in range(c.first, c.last):
            live = [g for g in gs if open_by_group[groups[g]][t]]
            if not live:
                continue
            g = max(live, key=lambda h: residual[h, t])
            residual[g, t] -= 1
            group_at[(a, t)] = g

    earlier_weekends = [
        sum(1 for w in ctx.prior[a] if is_weekend(grid, w.start)) for a in range(len(prob.agents))
    ]
    weekend_days = {d for d in range(grid.days) if grid.day(d).weekday() >= 5}
    fte = [max(60, agent.contract.target_minutes_per_week) / 2400 for agent in prob.agents]

    def weekend_cost(a: int, c: Candidate) -> float:
        if c.day not in weekend_days:
            return 0.0
        done = earlier_weekends[a] + sum(
            1 for d in weekend_days if d != c.day and d in agents[a].days
        )
        return _WEEKEND_TURN * done / fte[a]

    def days_wish_cost(a: int, c: Candidate) -> float:
        out = 0.0
        for wish in prob.agents[a].wishes:
            if isinstance(wish, MaxDaysPerWeekWish):
                n = sum(1 for d in agents[a].days if d // 7 == c.day // 7)
                if n + 1 > wish.days:
                    out += _WISH_COST * wish.weight
        return out

    def weekend_costs(a: int) -> NDArray[np.float64]:
        """``weekend_cost`` of a shift on each day of the horizon."""
        out = np.zeros(grid.days)
        for d in weekend_days:
            done = earlier_weekends[a] + sum(
                1 for e in weekend_days if e != d and e in agents[a].days
            )
            out[d] = _WEEKEND_TURN * done / fte[a]
        return out

    def days_wish_costs(a: int) -> NDArray[np.float64]:
        """``days_wish_cost`` of a shift in each week of the horizon."""
        out = np.zeros(prob.week_count())
        for week in range(len(out)):
            n = sum(1 for d in agents[a].days if d // 7 == week)
            for wish in prob.agents[a].wishes:
                if isinstance(wish, MaxDaysPerWeekWish) and n + 1 > wish.days:
                    out[week] += _WISH_COST * wish.weight
        return out

    # Fixed events first: the agent must work a shift that hosts each of them.
    for a, agent in enumerate(prob.agents):
        for ev in agent.events:
            if not grid.start <= ev.window.start_s < grid.end:
                continue
            if any(
                c.start <= ev.window.start_s and ev.window.end_s <= c.end
                for c in agents[a].days.values()
            ):
                continue
            hosts = [
                ctx.candidates[a][i]
                for i in usable[a]
                if ctx.candidates[a][i].start <= ev.window.start_s
                and ev.window.end_s <= ctx.candidates[a][i].end
                and agents[a].can_add(ctx.candidates[a][i])
            ]
            if hosts:
                take(a, max(hosts, key=lambda c: value(a, c)))

    # Rounds: each agent below its weekly target takes the most useful legal shift.
    order = sorted(range(len(prob.agents)), key=lambda a: len(usable[a]))
    n_weeks = prob.week_count()
    targets = [
        np.array([prob.target_minutes(agent, w) for w in range(n_weeks)], dtype=np.int64)
        for agent in prob.agents
    ]
    progress = True
    while progress:
        progress = False
        for a in order:
            opts = options[a]
            target_by_week = targets[a]
            have_by_week = np.array(
                [agents[a].week_minutes(w) for w in range(n_weeks)], dtype=np.int64
            )
            taken = np.zeros(grid.days, dtype=np.bool_)
            taken[list(agents[a].days)] = True
            at = np.flatnonzero(
                (have_by_week[opts.week] < target_by_week[opts.week]) & ~taken[opts.day]
            )
            if not len(at):
                continue
            week_at, work = opts.week[at], opts.work[at]
            over = np.maximum(0, have_by_week[week_at] + work - target_by_week[week_at])
            score = (
                values(a, at)
                - opts.wish_cost[at]
                - days_wish_costs(a)[week_at]
                - weekend_costs(a)[opts.day[at]]
                - over / 60.0
                + 1e-3 * work
            )
            k = first_addable(a, at, _best_first(score, at))
            if k is not None and score[k] > -_WISH_COST / 2:
                take(a, ctx.candidates[a][int(opts.index[at[k]])])
                progress = True

    # Contract minimums: fill with any legal shift, wishes broken only when nothing else fits.
    complete = True
    for a, agent in enumerate(prob.agents):
        opts = options[a]
        for week in range(prob.week_count()):
            if min(7, grid.days - 7 * week) < 7:
                continue
            while agents[a].week_minutes(week) < prob.minimum_minutes(agent, week):
                at = opts.in_week[week] if week < len(opts.in_week) else np.zeros(0, np.int64)
                score = values(a, at) - opts.wish_cost[at] - days_wish_costs(a)[week]
                k = first_addable(a, at, _best_first(score, at))
                if k is None:
                    complete = False
                    break
                take(a, ctx.candidates[a][int(opts.index[at[k]])])

    # Local search: move one shift at a time to the legal alternative in the same planning
    # week that covers more remaining demand, keeping contract and wish costs.
    def drop(a: int, c: Candidate) -> None:
        del agents[a].days[c.day]
        for t in range(c.first, c.last):
            g = group_at.pop((a, t), None)
            if g is not None:
                residual[g, t] += 1

    index_of = [{(c.first, c.last): i for i, c in enumerate(cands)} for cands in ctx.candidates]
    for _ in range(passes):
        moved = False
        for a in order:
            opts = options[a]
            agent = prob.agents[a]
            for c in list(agents[a].days.values()):
                if any(c.start <= ev.window.start_s < c.end for ev in agent.events):
                    continue  # a shift that hosts a fixed event stays where it is
                i_old = index_of[a][(c.first, c.last)]
                drop(a, c)
                week = c.day // 7
                full = min(7, grid.days - 7 * week) == 7
                have = agents[a].week_minutes(week)
                base = value(a, c) - wish_cost[a][i_old] - days_wish_cost(a, c) - weekend_cost(a, c)
                at = opts.in_week[week]
                at = at[opts.index[at] != i_old]
                if full:
                    at = at[have + opts.work[at] >= prob.minimum_minutes(agent, week)]
                gain = (
                    values(a, at)
                    - opts.wish_cost[at]
                    - days_wish_costs(a)[week]
                    - weekend_costs(a)[opts.day[at]]
                    - base
                )
                better = gain > 0.5
                at, gain = at[better], gain[better]
                # Largest gain first; equal gains the later candidate first.
                k = first_addable(a, at, _best_first(gain, -opts.index[at]))
                if k is not None:
                    take(a, ctx.candidates[a][int(opts.index[at[k]])])
                    moved = True
                else:
                    take(a, c)
        if not moved:
            break

    # Breaks: each part where the agent's group has the largest surplus.
    step = grid.slot_minutes
    event_slot = []
    for agent in prob.agents:
        mask = np.zeros(grid.n_slots, dtype=bool)
        for ev in agent.events:
            mask |= (grid.slot_start < ev.window.end_s) & (
                grid.slot_start + grid.slot_seconds > ev.window.start_s
            )
        event_slot.append(mask)
    break_starts: list[list[tuple[int, int, int, int]]] = [[] for _ in prob.agents]
    on_break: set[tuple[int, int]] = set()
    for a in range(len(prob.agents)):
        for day, c in sorted(agents[a].days.items()):
            lens = [-(-q // step) for q in c.break_parts]
            earliest = c.break_window[0]
            for p, length in enumerate(lens):
                lo = max(earliest, c.break_window[0] + sum(lens[:p]))
                hi = c.break_window[1] - sum(lens[p:])
                spots = [t for t in range(lo, hi + 1) if not event_slot[a][t : t + length].any()]
                if not spots:
                    complete = False
                    break

                def need(t: int, a: int = a, length: int = length) -> float:
                    return float(
                        sum(
                            residual[group_at[(a, u)], u] + 1
                            for u in range(t, t + length)
                            if (a, u) in group_at
                        )
                    )

                t = min(spots, key=need)
                for u in range(t, t + length):
                    on_break.add((a, u))
                    g = group_at.pop((a, u), None)
                    if g is not None:
                        residual[g, u] += 1
                break_starts[a].append((day, p, t, length))
                earliest = t + length
    chosen = tuple(tuple(c for _, c in sorted(ag.days.items())) for ag in agents)
    group_of = {key: groups[g] for key, g in group_at.items() if not event_slot[key[0]][key[1]]}
    shifts = assemble_shifts(
        prob,
        grid,
        [(a, c) for a in range(len(prob.agents)) for c in chosen[a]],
        on_break,
        group_of,
    )
    return GreedySchedule(
        chosen=chosen,
        break_starts=tuple(tuple(b) for b in break_starts),
        shifts=tuple(shifts),
        complete=complete,
    )


def assemble_shifts(
    problem: Problem,
    grid: Grid,
    chosen: list[tuple[int, Candidate]],
    on_break: set[tuple[int, int]],
    group_of: dict[tuple[int, int], str],
) -> list[Shift]:
    """Shifts with break, event and skill-group work activities from slot-level decisions."""
    tz = grid.tz
    shifts = []
    for a, c in sorted(chosen, key=lambda ac: (ac[0], ac[1].first)):
        agent = problem.agents[a]
        state: dict[int, str] = {}
        for t in range(c.first, c.last):
            s0 = int(grid.slot_start[t])
            if (a, t) in on_break:
                state[t] = "break"
            elif any(
                s0 < e.window.end_s and e.window.start_s < s0 + grid.slot_seconds
                for e in agent.events
            ):
                state[t] = "event"
            else:
                state[t] = "work"
        acts = []
        t = c.first
        while t < c.last:
            kind = state[t]
            label = group_of.get((a, t), "") if kind == "work" else ""
            u = t
            while (
                u < c.last
                and state[u] == kind
                and (kind != "work" or group_of.get((a, u), "") == label)
            ):
                u += 1
            start = from_epoch(int(grid.slot_start[t]), tz)
            end = from_epoch(int(grid.slot_start[u - 1]) + grid.slot_seconds, tz)
            if kind == "break":
                acts.append(Activity(ActivityKind.BREAK, start, end))
            elif kind == "event":
                name = next(
                    (
                        e.name
                        for e in agent.events
                        if e.window.start_s <= int(grid.slot_start[t]) < e.window.end_s
                    ),
                    "",
                )
                acts.append(Activity(ActivityKind.EVENT, start, end, label=name))
            else:
                acts.append(Activity(ActivityKind.WORK, start, end, skill_group=label))
            t = u
        shifts.append(
            Shift(agent.id, from_epoch(c.start, tz), from_epoch(c.end, tz), tuple(acts), c.shape)
        )
    return shifts
