"""CP-SAT constraint builders: each adds one family of rules and returns its named penalties.

The anchor is OR-Tools' ``shift_scheduling_sat.py``: a builder takes the shared
:class:`ModelContext`, adds hard constraints, and returns :class:`PenaltyTerm` values for the
soft ones, so that every unit of cost in the objective carries a name, an agent or skill
group, and a moment. Hard rules are encoded so that any schedule the model accepts passes
:func:`bezetting.core.schedule.validate` (where an exact encoding would be large, the model is
stricter than the validator; ``docs/schedule.md`` lists where).

Costs are integers: every weight is multiplied by :data:`COST_SCALE`.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from ortools.sat.python import cp_model

from bezetting.core.schedule._candidates import Candidate
from bezetting.core.schedule._time import Grid, from_epoch
from bezetting.core.schedule.explain import (
    FAIRNESS_CATEGORIES,
    breaks_wish,
    fairness_eligible,
    in_shift_category,
)
from bezetting.core.schedule.problem import MaxDaysPerWeekWish, Problem, Wish, open_slots
from bezetting.core.schedule.validate import _Checker, _Work

__all__ = [
    "COST_SCALE",
    "ModelContext",
    "PenaltyTerm",
    "add_breaks",
    "add_contract",
    "add_coverage",
    "add_fairness",
    "add_night_series_length",
    "add_rest",
    "add_shift_choice",
    "add_weekly_rest",
    "add_wishes",
    "add_working_time",
    "forbidden_by_prior_work",
]

COST_SCALE = 100
Expr = cp_model.LinearExpr | cp_model.IntVar | int
_MIN = 60
_HOUR = 3600
_DAY = 86400


@dataclass(frozen=True)
class PenaltyTerm:
    """One named soft cost: ``weight`` (scaled) per unit of ``expr``."""

    name: str
    expr: Expr
    weight: int
    unit: str
    agent_id: str = ""
    skill_group: str = ""
    slot: int = -1
    ref: str = ""


@dataclass
class ModelContext:
    """The model under construction and the lookups every builder shares."""

    problem: Problem
    grid: Grid
    candidates: list[list[Candidate]]
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: list[list[cp_model.IntVar]] = field(default_factory=list)
    # Break part starts: per agent, (slot, length in slots, var).
    breaks: list[list[tuple[int, int, cp_model.IntVar]]] = field(default_factory=list)
    flows: dict[tuple[int, frozenset[str], str], cp_model.IntVar] = field(default_factory=dict)
    wish_vars: dict[tuple[int, str], cp_model.IntVar] = field(default_factory=dict)
    # Break part starts by (agent, day, part, slot), for solution hints.
    break_keys: dict[tuple[int, int, int, int], cp_model.IntVar] = field(default_factory=dict)
    # The objective's named terms, once a whole model is built (``solve._build``).
    terms: list[PenaltyTerm] = field(default_factory=list)
    checker: _Checker | None = None

    def __post_init__(self) -> None:
        self.checker = _Checker(self.problem)
        self.by_day: list[dict[int, list[int]]] = []
        for cands in self.candidates:
            days: dict[int, list[int]] = defaultdict(list)
            for i, c in enumerate(cands):
                days[c.day].append(i)
            self.by_day.append(days)
        self.prior: list[list[_Work]] = [
            sorted(
                (
                    _Work(p.window.start_s, p.window.end_s, (), p.break_minutes * _MIN, False)
                    for p in a.prior_work
                ),
                key=lambda w: w.start,
            )
            for a in self.problem.agents
        ]
        self.prior_night_days: list[set[int]] = [
            {self.day_of(w.start) for w in prior if self.check.is_night(w)} for prior in self.prior
        ]

    @property
    def check(self) -> _Checker:
        assert self.checker is not None
        return self.checker

    def day_sum(self, a: int, day: int) -> Expr:
        return sum((self.x[a][i] for i in self.by_day[a].get(day, ())), start=0)

    def day_of(self, instant: int) -> int:
        """Local day index (relative to the horizon's first day) of an instant."""
        return (from_epoch(instant, self.grid.tz).date() - self.grid.first_day).days

    def midnight(self, day_index: int) -> int:
        return self.check.midnight(self.grid.first_day + timedelta(days=day_index))


def _week_index(ctx: ModelContext, week: date) -> int:
    return (week - ctx.grid.first_day).days


# --- shifts and breaks ---------------------------------------------------------------------


def add_shift_choice(ctx: ModelContext) -> list[PenaltyTerm]:
    """One boolean per candidate; at most one shift per agent and local day; fixed events."""
    m = ctx.model
    for a, cands in enumerate(ctx.candidates):
        agent_id = ctx.problem.agents[a].id
        ctx.x.append(
            [m.new_bool_var(f"shift[{agent_id},{c.day},{c.first}-{c.last}]") for c in cands]
        )
        for idx in ctx.by_day[a].values():
            m.add_at_most_one(ctx.x[a][i] for i in idx)
        for ev in ctx.problem.agents[a].events:
            hosts = [
                ctx.x[a][i]
                for i, c in enumerate(cands)
                if c.start <= ev.window.start_s and ev.window.end_s <= c.end
            ]
            if hosts:  # an event without any host shift is refused before the model is built
                m.add_bool_or(hosts)
    return []


def add_breaks(ctx: ModelContext) -> list[PenaltyTerm]:
    """Break parts placed inside each chosen shift, in order, never on a fixed event."""
    m, grid = ctx.model, ctx.grid
    step = grid.slot_minutes
    for a, cands in enumerate(ctx.candidates):
        agent = ctx.problem.agents[a]
        events = [
            (
                grid.slot_of(e.window.start_s) if grid.start <= e.window.start_s < grid.end else -1,
                e.window,
            )
            for e in agent.events
        ]
        event_slot = np.zeros(grid.n_slots, dtype=bool)
        for _, w in events:
            mask = (grid.slot_start < w.end_s) & (grid.slot_start + grid.slot_seconds > w.start_s)
            event_slot |= mask
        placed: list[tuple[int, int, cp_model.IntVar]] = []
        for day, idx in ctx.by_day[a].items():
            n_parts = max((len(cands[i].break_parts) for i in idx), default=0)
            prev: dict[int, cp_model.IntVar] | None = None
            prev_len = 0
            for p in range(n_parts):
                users = [i for i in idx if len(cands[i].break_parts) > p]
                length = -(-cands[users[0]].break_parts[p] // step)
                allowed: dict[int, list[cp_model.IntVar]] = defaultdict(list)
                for i in users:
                    c = cands[i]
                    lens = [-(-q // step) for q in c.break_parts]
                    lo = c.break_window[0] + sum(lens[:p])
                    hi = c.break_window[1] - sum(lens[p:])
                    for t in range(lo, hi + 1):
                        if not event_slot[t : t + length].any():
                            allowed[t].append(ctx.x[a][i])
                starts = {
                    t: m.new_bool_var(f"break[{agent.id},{day},{p},{t}]") for t in sorted(allowed)
                }
                for t, var in starts.items():
                    ctx.break_keys[(a, day, p, t)] = var
                for t, var in starts.items():
                    m.add(var <= sum(allowed[t]))
                m.add(sum(starts.values(), start=0) == sum((ctx.x[a][i] for i in users), start=0))
                if prev is not None:
                    # Part p starts after part p-1 ends: compare running counts.
                    for t in starts:
                        m.add(
                            sum((v for s, v in starts.items() if s <= t), start=0)
                            <= sum((v for s, v in prev.items() if s <= t - prev_len), start=0)
                        )
                placed += [(t, length, v) for t, v in starts.items()]
                prev, prev_len = starts, length
        ctx.breaks.append(placed)
    return []


# --- rest ----------------------------------------------------------------------------------


def _required_rest(ctx: ModelContext, c: Candidate) -> int:
    r = ctx.problem.rules
    need = r.min_daily_rest_minutes
    if c.night and c.late_end:
        need = max(need, r.min_rest_after_late_night_minutes)
    return need * _MIN


def forbidden_by_prior_work(ctx: ModelContext, a: int, c: Candidate) -> bool:
    """Whether candidate ``c`` of agent ``a`` is too close to earlier or other-client work
    (stricter than the validator: never a shortened rest against it)."""
    r = ctx.problem.rules
    prior_night_days = ctx.prior_night_days[a]
    reach = 3 * _DAY  # no rest rule spans more than 72 h
    for w in ctx.prior[a]:
        if w.end <= c.start - reach or w.start >= c.end + reach:
            continue
        if w.end <= c.start:
            need = r.min_daily_rest_minutes
            if ctx.check.is_night(w) and ctx.check.ends_late(w):
                need = max(need, r.min_rest_after_late_night_minutes)
            if ctx.check.is_night(w) and ctx.day_of(w.start) - 1 in prior_night_days:
                need = max(need, r.min_rest_after_night_series_minutes)
            if c.start - w.end < need * _MIN:
                return True
        elif c.end <= w.start:
            need = _required_rest(ctx, c)
            if c.night:
                need = max(need, r.min_rest_after_night_series_minutes * _MIN)
            if w.start - c.end < need:
                return True
    return False


def add_rest(ctx: ModelContext) -> list[PenaltyTerm]:
    """Daily rest (11 h, once per 7 days 8 h), 14 h after a late night shift, 46 h after a
    series of night shifts, also against earlier and other-client work."""
    m, r, grid = ctx.model, ctx.problem.rules, ctx.grid
    for a, cands in enumerate(ctx.candidates):
        agent_id = ctx.problem.agents[a].id
        prior = ctx.prior[a]
        prior_night_days = {ctx.day_of(w.start) for w in prior if ctx.check.is_night(w)}
        # The last shortened rest between earlier work only: no new one within 8 days of it.
        prior_short = [
            x.end
            for x, y in itertools.pairwise(prior)
            if r.min_shortened_daily_rest_minutes * _MIN
            <= y.start - x.end
            < r.min_daily_rest_minutes * _MIN
        ]
        short_vars: dict[int, cp_model.IntVar] = {}
        for i, c in enumerate(cands):
            xc = ctx.x[a][i]
            if forbidden_by_prior_work(ctx, a, c):
                m.add(xc == 0)
            # Against later planned shifts, one constraint per later day.
            hard = _required_rest(ctx, c)
            shortened = r.min_shortened_daily_rest_minutes * _MIN
            series = r.min_rest_after_night_series_minutes * _MIN if c.night else 0
            horizon_days = max(hard, series) // _DAY + 2
            for d2 in range(c.day + 1, min(grid.days, c.day + horizon_days + 1)):
                later = [(j, cands[j]) for j in ctx.by_day[a].get(d2, ())]
                too_close = [
                    ctx.x[a][j]
                    for j, o in later
                    if o.start - c.end < (hard if (c.night and c.late_end) else shortened)
                ]
                if too_close:
                    m.add(xc + sum(too_close) <= 1)
                short = [
                    ctx.x[a][j]
                    for j, o in later
                    if not (c.night and c.late_end) and shortened <= o.start - c.end < hard
                ]
                if short:
                    if c.day not in short_vars:
                        short_vars[c.day] = m.new_bool_var(f"short_rest[{agent_id},{c.day}]")
                    m.add(xc + sum(short) <= 1 + short_vars[c.day])
                if c.night and series:
                    # 46 h after the last of 3 or more nights on consecutive days.
                    ends_series = [
                        ctx.x[a][j]
                        for j, o in later
                        if o.start - c.end < series and not (o.night and d2 == c.day + 1)
                    ]
                    if ends_series:
                        before = [
                            _night_on(ctx, a, c.day - k, prior_night_days)
                            for k in range(1, r.night_series_length)
                        ]
                        k_before = len(before)
                        m.add(xc + sum(before) + sum(ends_series) <= k_before + 1)
        window = 9  # rests of shifts started 9 days apart begin more than 7 x 24 h apart
        for d0 in range(-window + 1, grid.days):
            inside = [v for d, v in short_vars.items() if d0 <= d < d0 + window]
            if inside:
                m.add(sum(inside) <= r.shortened_daily_rests_per_7_days)
        for t0 in prior_short:
            for d, v in short_vars.items():
                if ctx.midnight(d) < t0 + 8 * _DAY:
                    m.add(v == 0)
    return []


def add_night_series_length(ctx: ModelContext) -> list[PenaltyTerm]:
    """At most ``max_shifts_in_night_series`` days in a row with work when one of them holds a
    night shift, earlier work included (as the validator counts: days by local start): no
    window of one day more may be worked on every day while holding a night."""
    m, limit = ctx.model, ctx.problem.rules.max_shifts_in_night_series
    for a, cands in enumerate(ctx.candidates):
        prior_nights = ctx.prior_night_days[a]
        if not any(c.night for c in cands) and not prior_nights:
            continue
        prior_days = {ctx.day_of(w.start) for w in ctx.prior[a]}

        def worked(day: int, a: int = a, prior_days: set[int] = prior_days) -> Expr:
            return 1 if day in prior_days else ctx.day_sum(a, day)

        def nights(day: int, a: int = a, prior_nights: set[int] = prior_nights) -> list[Expr]:
            if day in prior_nights:
                return [1]
            return [ctx.x[a][i] for i in ctx.by_day[a].get(day, ()) if ctx.candidates[a][i].night]

        first_day = min([0, *prior_days]) - limit
        for first in range(first_day, ctx.grid.days):
            window = range(first, first + limit + 1)
            days_worked = sum((worked(d) for d in window), start=0)
            if isinstance(days_worked, int):
                continue  # earlier work alone: the validator does not blame this plan for it
            for d in window:
                for night in nights(d):
                    m.add(days_worked + night <= limit + 1)
    return []


def _night_on(ctx: ModelContext, a: int, day: int, prior_days: set[int]) -> Expr:
    if day < 0:
        return 1 if day in prior_days else 0
    return sum(
        (ctx.x[a][i] for i in ctx.by_day[a].get(day, ()) if ctx.candidates[a][i].night), start=0
    )


def add_weekly_rest(ctx: ModelContext) -> list[PenaltyTerm]:
    """36 h uninterrupted rest inside every ATW week, or else 72 h of rest in the week's fixed
    14-day pair, counted in blocks of at least 32 h (ATW art. 5:5, as the validator reads it).

    A rest is an *option*: ``k`` (1 to 3) local days without a shift start, from the end of
    the shift before them to the start of the shift after them (earlier work included). A
    week keeps the rule with one option of 36 h inside it, or when its pair keeps the
    alternative: options of at least 32 h each, pairwise separated by at least one day (so no
    rest is counted twice), together at least 72 h. The alternative counts rest only up to the
    end of the horizon, so a later part of a decomposed solve cannot undo it.

    A week with two whole days after the horizon and no earlier work on them gets no
    constraint here: those days hold 36 h of rest now, and the part that plans them checks
    the week again.
    """
    m, r = ctx.model, ctx.problem.rules
    need = r.min_weekly_rest_minutes * _MIN
    for a in range(len(ctx.candidates)):
        agent_id = ctx.problem.agents[a].id
        alternative: dict[date, cp_model.IntVar | None] = {}
        for week in ctx.check.horizon_weeks():
            w0 = _week_index(ctx, week)
            after = max(w0, ctx.grid.days)
            if w0 + 7 - after >= 2 and not _work_after(ctx, a, after, w0 + 7):
                continue
            options = []
            for d, k, e_expr, s_expr in _rest_options(ctx, a, w0, w0 + 7):
                opt = m.new_bool_var(f"weekly_rest[{agent_id},{week},{d},{k}]")
                _free_days(ctx, a, d, k, opt)
                m.add(s_expr - e_expr >= need).only_enforce_if(opt)
                options.append(opt)
            pair = ctx.check.pair_first(week)
            if pair not in alternative:
                alternative[pair] = _biweekly_rest(
                    ctx, a, _week_index(ctx, pair), f"{agent_id},{pair}"
                )
            alt = alternative[pair]
            if alt is not None:
                options.append(alt)
            if options:
                m.add_bool_or(options)
    return []


def _work_after(ctx: ModelContext, a: int, first_day: int, end_day: int) -> bool:
    """Whether earlier or other-client work touches the days ``[first_day, end_day)``."""
    lo, hi = ctx.midnight(first_day), ctx.midnight(end_day)
    return any(p.start < hi and lo < p.end for p in ctx.prior[a])


def _rest_options(
    ctx: ModelContext, a: int, first_day: int, end_day: int
) -> list[tuple[int, int, Expr, Expr]]:
    """Every rest option ``(day, k, rest start, rest end)`` inside ``[first_day, end_day)``,
    clipped to that window; ``k`` free days from ``day``."""
    prior = ctx.prior[a]
    ws, we = ctx.midnight(first_day), ctx.midnight(end_day)
    out = []
    for k in (1, 2, 3):
        for d in range(first_day, end_day + 1 - k):
            lo_day, hi_day = ctx.midnight(d), ctx.midnight(d + k)
            if any(p.start < hi_day and lo_day < p.end for p in prior):
                continue
            pe = max([p.end for p in prior if p.end <= lo_day], default=ws)
            ps = min([p.start for p in prior if p.start >= hi_day], default=we)
            e_expr = _rest_start(ctx, a, d - 1, ws, pe, lo_day)
            s_expr = _rest_end(ctx, a, d + k, we, ps, hi_day)
            if e_expr is None or s_expr is None:
                continue
            out.append((d, k, e_expr, s_expr))
    return out


def _free_days(ctx: ModelContext, a: int, d: int, k: int, option: cp_model.IntVar) -> None:
    for day in range(d, d + k):
        for i in ctx.by_day[a].get(day, ()):
            ctx.model.add_implication(option, ctx.x[a][i].Not())


def _biweekly_rest(ctx: ModelContext, a: int, p0: int, label: str) -> cp_model.IntVar | None:
    """A literal that, when true, guarantees 72 h of rest in blocks of >= 32 h in the 14 days
    from day ``p0``; ``None`` when the pack makes the alternative impossible."""
    m, r = ctx.model, ctx.problem.rules
    block, total = r.min_biweekly_rest_block_minutes * _MIN, r.min_biweekly_rest_minutes * _MIN
    end = min(p0 + 14, ctx.grid.days)  # rest after the horizon is not counted on
    span = ctx.midnight(end) - ctx.midnight(p0)
    if total > span:
        return None
    alt = m.new_bool_var(f"biweekly_rest[{label}]")
    lengths = []
    footprint: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for d, k, e_expr, s_expr in _rest_options(ctx, a, p0, end):
        chosen = m.new_bool_var(f"biweekly_rest_block[{label},{d},{k}]")
        _free_days(ctx, a, d, k, chosen)
        m.add(s_expr - e_expr >= block).only_enforce_if(chosen)
        length = m.new_int_var(0, span, f"biweekly_rest_length[{label},{d},{k}]")
        m.add(length <= s_expr - e_expr).only_enforce_if(chosen)
        m.add(length == 0).only_enforce_if(chosen.Not())
        lengths.append(length)
        # The block and the day after it: two chosen blocks never share a rest.
        for day in range(d, d + k + 1):
            footprint[day].append(chosen)
    for chosen_on_day in footprint.values():
        if len(chosen_on_day) > 1:
            m.add_at_most_one(chosen_on_day)
    m.add(sum(lengths, start=0) >= total).only_enforce_if(alt)
    return alt


def _rest_start(ctx: ModelContext, a: int, day: int, ws: int, pe: int, lo_day: int) -> Expr | None:
    floor = max(ws, pe)
    if 0 <= day < ctx.grid.days:
        idx = ctx.by_day[a].get(day, [])
        # Without a shift on ``day`` the rest starts at the next midnight (stricter), unless
        # earlier work ends on ``day``: then no shift of the day before can end later.
        free = floor if pe >= ctx.midnight(day) else max(lo_day, floor)
        chosen = sum((ctx.x[a][i] for i in idx), start=0)
        terms = sum((max(ctx.candidates[a][i].end, floor) * ctx.x[a][i] for i in idx), start=0)
        return terms + free * (1 - chosen) if idx else free
    if day >= ctx.grid.days:
        return max(lo_day, floor)
    return floor


def _rest_end(ctx: ModelContext, a: int, day: int, we: int, ps: int, hi_day: int) -> Expr | None:
    ceiling = min(we, ps)
    if 0 <= day < ctx.grid.days:
        idx = ctx.by_day[a].get(day, [])
        next_day = min(ctx.midnight(day + 1), ceiling)
        chosen = sum((ctx.x[a][i] for i in idx), start=0)
        terms = sum((min(ctx.candidates[a][i].start, ceiling) * ctx.x[a][i] for i in idx), start=0)
        return terms + next_day * (1 - chosen) if idx else next_day
    if day < 0:
        return min(ceiling, ctx.grid.start)
    return ceiling


# --- working time, nights, Sundays ---------------------------------------------------------


def _work_upper_bound_in(c: Candidate, lo: int, hi: int) -> int:
    """Most minutes of work candidate ``c`` can have inside ``[lo, hi)`` wherever its breaks go."""
    inside = max(0, min(hi, c.end) - max(lo, c.start)) // _MIN
    outside = (c.end - c.start) // _MIN - inside
    return inside - max(0, c.break_minutes - outside)


def add_working_time(ctx: ModelContext) -> list[PenaltyTerm]:
    """60 h per ATW week, 55 h average over 4 weeks, 48 h over 16, 36 night shifts per 16 weeks,
    13 free Sundays per 52 weeks; earlier and other-client work included."""
    m, r = ctx.model, ctx.problem.rules
    weeks = ctx.check.horizon_weeks()
    for a, cands in enumerate(ctx.candidates):
        prior = ctx.prior[a]
        week_expr: dict[date, Expr] = {}

        def expr(
            week: date,
            a: int = a,
            cands: list[Candidate] = cands,
            prior: list[_Work] = prior,
            cache: dict[date, Expr] = week_expr,
        ) -> Expr:
            if week not in cache:
                lo, hi = ctx.check.midnight(week), ctx.check.midnight(week + timedelta(weeks=1))
                fixed = sum(w.work_in(lo, hi) for w in prior) // _MIN
                cache[week] = fixed + sum(
                    (
                        _work_upper_bound_in(c, lo, hi) * ctx.x[a][i]
                        for i, c in enumerate(cands)
                        if c.start < hi and lo < c.end
                    ),
                    start=0,
                )
            return cache[week]

        for wk in weeks:
            m.add(expr(wk) <= r.max_work_minutes_per_week)
        for n, avg in (
            (4, r.max_avg_work_minutes_per_week_4_weeks),
            (16, r.max_avg_work_minutes_per_week_16_weeks),
        ):
            for first in ctx.check.windows(weeks, n):
                m.add(sum((expr(first + timedelta(weeks=k)) for k in range(n)), start=0) <= n * avg)
        for first in ctx.check.windows(weeks, 16):
            lo = ctx.check.midnight(first)
            hi = ctx.check.midnight(first + timedelta(weeks=16))
            fixed = sum(1 for w in prior if lo <= w.start < hi and ctx.check.is_night(w))
            planned = [ctx.x[a][i] for i, c in enumerate(cands) if c.night and lo <= c.start < hi]
            if planned:
                m.add(fixed + sum(planned) <= r.max_night_shifts_per_16_weeks)
        _add_sundays(ctx, a, cands, prior)
    return []


def _add_sundays(ctx: ModelContext, a: int, cands: list[Candidate], prior: list[_Work]) -> None:
    m, r, grid = ctx.model, ctx.problem.rules, ctx.grid
    sundays = [d for d in range(grid.days) if grid.day(d).weekday() == 6]
    worked: dict[int, Expr] = {}
    for d in sundays:
        lo, hi = ctx.midnight(d), ctx.midnight(d + 1)
        touching = [ctx.x[a][i] for i, c in enumerate(cands) if c.start < hi and lo < c.end]
        if touching:
            var = m.new_bool_var(f"sunday[{ctx.problem.agents[a].id},{d}]")
            for v in touching:
                m.add_implication(v, var)
            worked[d] = var
    limit = 52 - r.min_free_sundays_per_52_weeks
    for last in sundays:
        fixed = 0
        for k in range(52):
            day = last - 7 * k
            lo, hi = ctx.midnight(day), ctx.midnight(day + 1)
            fixed += any(w.work_in(lo, hi) > 0 for w in prior)
        planned = [v for d, v in worked.items() if last - 7 * 51 <= d <= last]
        if planned or fixed > limit:
            m.add(fixed + sum(planned, start=0) <= limit)


# --- contract ------------------------------------------------------------------------------


def add_contract(ctx: ModelContext) -> list[PenaltyTerm]:
    """Contract minutes per planning week: min and max hard, distance to target penalised."""
    m, grid, w = ctx.model, ctx.grid, ctx.problem.weights
    terms: list[PenaltyTerm] = []
    per_minute = max(1, round(w.contract_deviation_per_hour * COST_SCALE / 60))
    for a, cands in enumerate(ctx.candidates):
        agent = ctx.problem.agents[a]
        c = agent.contract
        for week in range(ctx.problem.week_count()):
            days = range(7 * week, min(grid.days, 7 * week + 7))
            total = sum(
                (
                    cands[i].work_minutes * ctx.x[a][i]
                    for d in days
                    for i in ctx.by_day[a].get(d, ())
                ),
                start=0,
            )
            full = len(days) == 7
            if full:
                m.add(total >= ctx.problem.minimum_minutes(agent, week))
            m.add(total <= c.max_minutes_per_week)
            target = ctx.problem.target_minutes(agent, week)
            dev = m.new_int_var(0, 7 * 24 * 60, f"contract_deviation[{agent.id},{week}]")
            m.add(dev >= total - target)
            m.add(dev >= target - total)
            terms.append(
                PenaltyTerm(
                    "contract_deviation",
                    dev,
                    per_minute,
                    "minutes",
                    agent_id=agent.id,
                    ref=str(week),
                )
            )
    return terms


# --- coverage ------------------------------------------------------------------------------


def add_coverage(ctx: ModelContext) -> list[PenaltyTerm]:
    """Agents on contact work per slot and skill group against demand.

    Agents with the same skill set form a class; per slot, the class's working agents
    (on shift, not on a break or a fixed event) are split over its open groups by integer
    flows, which is exactly what named agents can realise slot by slot.
    """
    m, grid, prob = ctx.model, ctx.grid, ctx.problem
    w = prob.weights
    open_by_group = open_slots(prob, grid)
    demand = {
        d.skill_group: (np.asarray(d.required, dtype=np.int64), d.impact_or_default())
        for d in prob.demand
    }
    classes: dict[frozenset[str], list[int]] = defaultdict(list)
    for a, agent in enumerate(prob.agents):
        classes[agent.skill_groups].append(a)
    on: dict[frozenset[str], dict[int, list[Expr]]] = {}
    fixed_off: dict[frozenset[str], np.ndarray] = {}
    for key, members in classes.items():
        slots: dict[int, list[Expr]] = defaultdict(list)
        off = np.zeros(grid.n_slots, dtype=np.int64)
        for a in members:
            for i, c in enumerate(ctx.candidates[a]):
                for t in range(c.first, c.last):
                    slots[t].append(ctx.x[a][i])
            for t, length, var in ctx.breaks[a]:
                for u in range(t, t + length):
                    slots[u].append(-var)
            for ev in prob.agents[a].events:
                mask = (grid.slot_start < ev.window.end_s) & (
                    grid.slot_start + grid.slot_seconds > ev.window.start_s
                )
                off += mask
        on[key], fixed_off[key] = slots, off
    terms: list[PenaltyTerm] = []
    cov: dict[str, dict[int, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
    for key, slots in on.items():
        for t, parts in slots.items():
            groups = [g for g in sorted(key) if open_by_group[g][t]]
            flows = []
            for g in groups:
                f = m.new_int_var(0, len(classes[key]), f"flow[{t},{'+'.join(sorted(key))},{g}]")
                ctx.flows[(t, key, g)] = f
                cov[g][t].append(f)
                flows.append(f)
            m.add(
                cp_model.LinearExpr.sum(flows)
                == cp_model.LinearExpr.sum(parts) - int(fixed_off[key][t])
            )
    for g, (required, impact) in demand.items():
        for t in range(grid.n_slots):
            need = int(required[t])
            staffed = cp_model.LinearExpr.sum(cov[g].get(t, []))
            if need > 0:
                under = m.new_int_var(0, need, f"under[{g},{t}]")
                m.add(under >= need - staffed)
                terms.append(
                    PenaltyTerm(
                        "under_coverage",
                        under,
                        max(1, round(w.under_coverage_per_slot * float(impact[t]) * COST_SCALE)),
                        "agent-slots",
                        skill_group=g,
                        slot=t,
                    )
                )
            if cov[g].get(t):
                over = m.new_int_var(0, len(prob.agents), f"over[{g},{t}]")
                m.add(over >= staffed - need)
                terms.append(
                    PenaltyTerm(
                        "over_coverage",
                        over,
                        max(1, round(w.over_coverage_per_slot * COST_SCALE)),
                        "agent-slots",
                        skill_group=g,
                        slot=t,
                    )
                )
    return terms


# --- wishes and fairness -------------------------------------------------------------------


def wish_broken_by(ctx: ModelContext, a: int, wish: Wish) -> list[int]:
    """Candidates of agent ``a`` whose choice breaks ``wish`` (``explain.breaks_wish``)."""
    return [
        i for i, c in enumerate(ctx.candidates[a]) if breaks_wish(ctx.grid, wish, c.start, c.end)
    ]


def add_wishes(ctx: ModelContext) -> list[PenaltyTerm]:
    """Preferred and unwanted times, days off, maximum days per week: one named term each.

    Each wish variable is exactly its wish's breach, as ``explain`` counts it (a wish broken
    when a chosen shift breaks it; the days over a wished maximum, no more): broken wishes
    count in the fairness spread, where raising a low share narrows it, and a variable
    bounded from below only would rise with no shift breaking it (a small contract's share per
    40 h can be worth more than the wish's cost), so the model's cost would not be the
    schedule's.
    """
    m, grid = ctx.model, ctx.grid
    base = ctx.problem.weights.wish_not_met
    terms: list[PenaltyTerm] = []
    for a, agent in enumerate(ctx.problem.agents):
        for wish in agent.wishes:
            weight = max(1, round(base * wish.weight * COST_SCALE))
            if isinstance(wish, MaxDaysPerWeekWish):
                for week in range(ctx.problem.week_count()):
                    days = range(7 * week, min(grid.days, 7 * week + 7))
                    excess = m.new_int_var(0, 7, f"wish[{agent.id},{wish.id},{week}]")
                    worked = sum((ctx.day_sum(a, d) for d in days), start=0)
                    m.add_max_equality(excess, [worked - wish.days, 0])
                    terms.append(
                        PenaltyTerm(
                            "wish_not_met", excess, weight, "days", agent_id=agent.id, ref=wish.id
                        )
                    )
                    ctx.wish_vars[(a, f"{wish.id}#{week}")] = excess
                continue
            broken = wish_broken_by(ctx, a, wish)
            if not broken:
                continue
            v = m.new_bool_var(f"wish[{agent.id},{wish.id}]")
            for i in broken:
                m.add_implication(ctx.x[a][i], v)
            m.add(v <= sum((ctx.x[a][i] for i in broken), start=0))
            terms.append(
                PenaltyTerm("wish_not_met", v, weight, "wish", agent_id=agent.id, ref=wish.id)
            )
            ctx.wish_vars[(a, wish.id)] = v
    return terms


def shift_category(ctx: ModelContext, c: Candidate, category: str) -> bool:
    """Whether candidate ``c`` counts in ``category`` (``explain.in_shift_category``)."""
    return in_shift_category(ctx.grid, ctx.problem.rules, category, c.start, c.end)


def wish_counts(
    ctx: ModelContext, a: int, *, skip: Collection[str] = ()
) -> tuple[list[cp_model.IntVar], int]:
    """Agent ``a``'s wish variables, which add up to its count of broken wishes (1 a wish;
    the days over a wished maximum, per week), and the largest that count can be.

    ``skip``: wishes (ids) left out, such as those broken in earlier parts of a horizon,
    which count nothing more.
    """
    items: list[cp_model.IntVar] = []
    top = 0
    for wish in ctx.problem.agents[a].wishes:
        if wish.id in skip:
            continue
        if isinstance(wish, MaxDaysPerWeekWish):
            for week in range(ctx.problem.week_count()):
                var = ctx.wish_vars.get((a, f"{wish.id}#{week}"))
                if var is not None:
                    items.append(var)
                    top += min(7, ctx.grid.days - 7 * week)
        elif (var := ctx.wish_vars.get((a, wish.id))) is not None:
            items.append(var)
            top += 1
    return items, top


def add_fairness(ctx: ModelContext) -> list[PenaltyTerm]:
    """Evenings, weekends and broken wishes spread evenly: the spread (max - min) of each
    agent's count per 40 contract hours is penalised, per category, over the agents who
    count in it (``explain.fairness_eligible``, which ``penalties_of`` and the search use
    too)."""
    m = ctx.model
    weight = max(1, round(ctx.problem.weights.unfair_share))
    eligible = fairness_eligible(ctx.problem, ctx.candidates)
    terms: list[PenaltyTerm] = []
    for category, who in zip(FAIRNESS_CATEGORIES, eligible, strict=True):
        shares: list[cp_model.IntVar] = []
        top = 0
        for a, agent in enumerate(ctx.problem.agents):
            if agent.id not in who:
                continue
            if category == "unwanted":
                items, most = wish_counts(ctx, a)
            else:
                items = [
                    ctx.x[a][i]
                    for i, c in enumerate(ctx.candidates[a])
                    if shift_category(ctx, c, category)
                ]
                most = len(items)
            per_fte = round(COST_SCALE * 2400 / agent.contract.target_minutes_per_week)
            top = max(top, per_fte * most)
            share = m.new_int_var(0, per_fte * most, f"share[{category},{agent.id}]")
            m.add(share == per_fte * sum(items, start=0))
            shares.append(share)
        if len(shares) < 2:
            continue
        hi = m.new_int_var(0, top, f"max_share[{category}]")
        lo = m.new_int_var(0, top, f"min_share[{category}]")
        m.add_max_equality(hi, shares)
        m.add_min_equality(lo, shares)
        terms.append(
            PenaltyTerm("unfair_share", hi - lo, weight, "count per 40 h x 100", ref=category)
        )
    return terms
