"""Coverage and named penalties of any schedule, computed from the schedule itself.

The optimiser's objective and these figures are computed independently; for a schedule the
model produced they agree (a test holds them to it), and for a hand-edited schedule these are
the only figures there are.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from bezetting.core.schedule._candidates import Candidate, build_candidates, night_minutes
from bezetting.core.schedule._time import Grid, epoch_seconds, from_epoch
from bezetting.core.schedule.plan import ActivityKind, Schedule, Shift
from bezetting.core.schedule.problem import (
    DayOffWish,
    MaxDaysPerWeekWish,
    PreferredTimeWish,
    Problem,
    UnwantedTimeWish,
    Wish,
)
from bezetting.core.schedule.result import Coverage, FairnessShare, Penalty, WishOutcome
from bezetting.core.schedule.rules import RulePack

__all__ = ["coverage_of", "fairness_of", "penalties_of", "wishes_of"]

_COST_SCALE = 100
# The categories of the fairness spread, in the order of ``fairness_eligible``.
FAIRNESS_CATEGORIES = ("evenings", "weekends", "unwanted")


def coverage_of(problem: Problem, schedule: Schedule) -> Coverage:
    """Agents on contact work per skill group and slot (work activities with a skill group)."""
    grid = problem.horizon.grid()
    groups = tuple(g.name for g in problem.skill_groups)
    index = {g: i for i, g in enumerate(groups)}
    required = np.zeros((len(groups), grid.n_slots), dtype=np.int64)
    for d in problem.demand:
        required[index[d.skill_group]] = np.asarray(d.required, dtype=np.int64)
    staffed = np.zeros_like(required)
    for s in schedule.shifts:
        for act in s.activities:
            if act.kind is ActivityKind.WORK and act.skill_group in index:
                lo = (epoch_seconds(act.start) - grid.start) // grid.slot_seconds
                hi = -(-(epoch_seconds(act.end) - grid.start) // grid.slot_seconds)
                staffed[index[act.skill_group], max(0, lo) : max(0, min(grid.n_slots, hi))] += 1
    starts = tuple(from_epoch(int(t), grid.tz) for t in grid.slot_start)
    return Coverage(starts, groups, required, staffed)


def _shift_day(grid: Grid, s: Shift) -> int:
    return (s.start.astimezone(grid.tz).date() - grid.first_day).days


def _broken_by(grid: Grid, wish: Wish, s: Shift) -> bool:
    lo, hi = epoch_seconds(s.start), epoch_seconds(s.end)
    if isinstance(wish, UnwantedTimeWish):
        return lo < wish.window.end_s and wish.window.start_s < hi
    if isinstance(wish, PreferredTimeWish):
        first = wish.window.start.astimezone(grid.tz).date()
        last = from_epoch(wish.window.end_s - 1, grid.tz).date()
        on_day = first <= s.start.astimezone(grid.tz).date() <= last
        return on_day and not (wish.window.start_s <= lo and hi <= wish.window.end_s)
    if isinstance(wish, DayOffWish):
        return s.start.astimezone(grid.tz).date() == wish.day
    return False


def wishes_of(problem: Problem, schedule: Schedule) -> tuple[WishOutcome, ...]:
    """Whether each wish was met; when not, the shift (or the week) that broke it."""
    grid = problem.horizon.grid()
    out: list[WishOutcome] = []
    for agent in problem.agents:
        shifts = schedule.for_agent(agent.id)
        for wish in agent.wishes:
            if isinstance(wish, MaxDaysPerWeekWish):
                for week in range(problem.week_count()):
                    days = {
                        _shift_day(grid, s)
                        for s in shifts
                        if 7 * week <= _shift_day(grid, s) < 7 * week + 7
                    }
                    first, _ = problem.planning_week_days(week)
                    met = len(days) <= wish.days
                    reason = (
                        ""
                        if met
                        else (
                            f"works {len(days)} days in the week from {first}, "
                            f"wished at most {wish.days}"
                        )
                    )
                    excess = max(0, len(days) - wish.days)
                    out.append(WishOutcome(agent.id, f"{wish.id}#{week}", met, reason, excess))
                continue
            broken = [s for s in shifts if _broken_by(grid, wish, s)]
            reason = ""
            if broken:
                s = broken[0]
                what = {
                    UnwantedTimeWish: "overlaps the unwanted time",
                    PreferredTimeWish: "lies outside the preferred time",
                    DayOffWish: "falls on the requested day off",
                }[type(wish)]
                reason = (
                    f"shift {s.start.astimezone(grid.tz):%a %d %b %H:%M}-"
                    f"{s.end.astimezone(grid.tz):%H:%M} {what}"
                )
            out.append(WishOutcome(agent.id, wish.id, not broken, reason, 1 if broken else 0))
    return tuple(out)


def is_evening(grid: Grid, rules: RulePack, start: int, end: int) -> bool:
    """A shift that is not a night shift and ends at 20:00 or later (or past midnight)."""
    night = night_minutes(grid, rules, start, end) > rules.night_shift_above_minutes
    lo, hi = from_epoch(start, grid.tz), from_epoch(end, grid.tz)
    return not night and (hi.hour >= 20 or hi.date() > lo.date())


def is_weekend(grid: Grid, start: int) -> bool:
    return from_epoch(start, grid.tz).weekday() >= 5


def fairness_of(problem: Problem, schedule: Schedule) -> tuple[FairnessShare, ...]:
    """Each agent's evening, weekend and unwanted (wish-breaking) shifts, also per 40 h."""
    grid = problem.horizon.grid()
    unmet: Counter[str] = Counter()  # counts whole wishes (days for days-per-week wishes)
    for w in wishes_of(problem, schedule):
        unmet[w.agent_id] += w.amount
    out = []
    for agent in problem.agents:
        shifts = schedule.for_agent(agent.id)
        evenings = sum(
            is_evening(grid, problem.rules, epoch_seconds(s.start), epoch_seconds(s.end))
            for s in shifts
        )
        weekends = sum(is_weekend(grid, epoch_seconds(s.start)) for s in shifts)
        unwanted = unmet[agent.id]
        fte = agent.contract.target_minutes_per_week / 2400

        def per(n: int, fte: float = fte) -> float:
            return n / fte if fte else 0.0

        out.append(
            FairnessShare(
                agent.id, evenings, weekends, unwanted, per(evenings), per(weekends), per(unwanted)
            )
        )
    return tuple(out)


def penalties_of(problem: Problem, schedule: Schedule) -> tuple[Penalty, ...]:
    """Every named penalty of ``schedule`` under ``problem.weights``, in cost units."""
    grid = problem.horizon.grid()
    w = problem.weights
    out: list[Penalty] = []
    cov = coverage_of(problem, schedule)
    impact = {d.skill_group: d.impact_or_default() for d in problem.demand}
    over_cost = max(1, round(w.over_coverage_per_slot * _COST_SCALE)) / _COST_SCALE
    for gi, g in enumerate(cov.skill_groups):
        for t in np.flatnonzero(cov.shortage[gi]):
            short = int(cov.shortage[gi, t])
            unit = max(1, round(w.under_coverage_per_slot * float(impact[g][t]) * _COST_SCALE))
            out.append(
                Penalty(
                    "under_coverage",
                    short,
                    "agents",
                    short * unit / _COST_SCALE,
                    f"{g}: {int(cov.staffed[gi, t])} of {int(cov.required[gi, t])} agents at "
                    f"{cov.slot_start[t]:%a %d %b %H:%M}",
                    skill_group=g,
                    at=cov.slot_start[t],
                )
            )
        for t in np.flatnonzero(cov.surplus[gi]):
            extra = int(cov.surplus[gi, t])
            out.append(
                Penalty(
                    "over_coverage",
                    extra,
                    "agents",
                    extra * over_cost,
                    f"{g}: {int(cov.staffed[gi, t])} agents for {int(cov.required[gi, t])} "
                    f"needed at "
                    f"{cov.slot_start[t]:%a %d %b %H:%M}",
                    skill_group=g,
                    at=cov.slot_start[t],
                )
            )
    per_minute = max(1, round(w.contract_deviation_per_hour * _COST_SCALE / 60)) / _COST_SCALE
    for agent in problem.agents:
        shifts = schedule.for_agent(agent.id)
        for week in range(problem.week_count()):
            first, last = problem.planning_week_days(week)
            days = (last - first).days + 1
            minutes = sum(
                s.work_minutes
                for s in shifts
                if first <= s.start.astimezone(grid.tz).date() <= last
            )
            target = agent.contract.target_minutes_per_week * days // 7
            if minutes != target:
                out.append(
                    Penalty(
                        "contract_deviation",
                        abs(minutes - target),
                        "minutes",
                        abs(minutes - target) * per_minute,
                        f"{minutes / 60:.2f} h planned in the week from {first}, target "
                        f"{target / 60:.2f} h",
                        agent_id=agent.id,
                        ref=str(week),
                    )
                )
    weights = {(a.id, wish.id): wish.weight for a in problem.agents for wish in a.wishes}
    for outcome in wishes_of(problem, schedule):
        if outcome.met:
            continue
        base_id = outcome.wish_id.split("#")[0]
        wish_unit = (
            max(1, round(w.wish_not_met * weights[(outcome.agent_id, base_id)] * _COST_SCALE))
            / _COST_SCALE
        )
        amount = float(outcome.amount)
        out.append(
            Penalty(
                "wish_not_met",
                amount,
                "wishes",
                amount * wish_unit,
                outcome.reason,
                agent_id=outcome.agent_id,
                ref=outcome.wish_id,
            )
        )
    out += _fairness_penalties(problem, schedule)
    return tuple(out)


def fairness_eligible(
    problem: Problem, candidates: list[list[Candidate]]
) -> tuple[frozenset[str], ...]:
    """Per category (``FAIRNESS_CATEGORIES``), the agents counted in its spread: those with
    a contract target who could get such a shift at all (one of ``candidates``, the whole
    horizon's) or, for broken wishes, who have a wish."""
    grid = problem.horizon.grid()
    paid = [a.contract.target_minutes_per_week > 0 for a in problem.agents]
    agents = list(zip(problem.agents, candidates, paid, strict=True))
    return (
        frozenset(
            a.id
            for a, cs, p in agents
            if p and any(is_evening(grid, problem.rules, c.start, c.end) for c in cs)
        ),
        frozenset(a.id for a, cs, p in agents if p and any(is_weekend(grid, c.start) for c in cs)),
        frozenset(a.id for a, _, p in agents if p and a.wishes),
    )


def _fairness_penalties(problem: Problem, schedule: Schedule) -> list[Penalty]:
    """Spread of per-40-h shares among the agents who could get such a shift at all."""
    shares = fairness_of(problem, schedule)
    grid = problem.horizon.grid()
    eligible = dict(
        zip(
            FAIRNESS_CATEGORIES,
            fairness_eligible(problem, build_candidates(problem, grid)),
            strict=True,
        )
    )
    weight = max(1, round(problem.weights.unfair_share)) / _COST_SCALE
    out = []
    for category in FAIRNESS_CATEGORIES:
        values = []
        for agent, share in zip(problem.agents, shares, strict=True):
            target = agent.contract.target_minutes_per_week
            if target <= 0 or agent.id not in eligible[category]:
                continue
            per_fte = round(_COST_SCALE * 2400 / target)
            values.append((per_fte * getattr(share, category), agent.id))
        if len(values) < 2:
            continue
        hi, lo = max(values), min(values)
        if hi[0] > lo[0]:
            out.append(
                Penalty(
                    "unfair_share",
                    (hi[0] - lo[0]) / _COST_SCALE,
                    "count per 40 h",
                    (hi[0] - lo[0]) * weight,
                    f"{category}: {hi[1]} has {hi[0] / _COST_SCALE:.2f} per 40 h, {lo[1]} "
                    f"{lo[0] / _COST_SCALE:.2f}",
                    ref=category,
                )
            )
    return out
