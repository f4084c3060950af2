"""Coverage and named penalties of any schedule, computed from the schedule itself.

The optimiser's objective and these figures are computed independently; for a schedule the
model produced they agree (a test holds them to it), and for a hand-edited schedule these are
the only figures there are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

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

__all__ = [
    "FAIRNESS_CATEGORIES",
    "breaks_wish",
    "coverage_of",
    "fairness_eligible",
    "fairness_of",
    "in_shift_category",
    "penalties_of",
    "wishes_of",
]

_COST_SCALE = 100
FAIRNESS_CATEGORIES = ("evenings", "weekends", "unwanted")
"""The categories of the fairness spread, named as :class:`FairnessShare` names its counts.
The model's penalty terms, the search's pricing and :func:`penalties_of` use these names, in
this order, and :func:`fairness_eligible` for who counts in each."""


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


def breaks_wish(grid: Grid, wish: Wish, start: int, end: int) -> bool:
    """Whether a shift from ``start`` to ``end`` (epoch seconds) breaks ``wish``: one
    definition for the model's wish variables and this explanation. A days-per-week wish is
    broken by a week, not by one shift: never here."""
    if isinstance(wish, UnwantedTimeWish):
        return start < wish.window.end_s and wish.window.start_s < end
    if isinstance(wish, PreferredTimeWish):
        first = wish.window.start.astimezone(grid.tz).date()
        last = from_epoch(wish.window.end_s - 1, grid.tz).date()
        on_day = first <= from_epoch(start, grid.tz).date() <= last
        return on_day and not (wish.window.start_s <= start and end <= wish.window.end_s)
    if isinstance(wish, DayOffWish):
        return from_epoch(start, grid.tz).date() == wish.day
    return False


def _broken_by(grid: Grid, wish: Wish, s: Shift) -> bool:
    return breaks_wish(grid, wish, epoch_seconds(s.start), epoch_seconds(s.end))


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


def in_shift_category(grid: Grid, rules: RulePack, category: str, start: int, end: int) -> bool:
    """Whether a shift from ``start`` to ``end`` counts in ``category`` (``"evenings"`` or
    ``"weekends"``; broken wishes are counted per wish, see :func:`breaks_wish`)."""
    if category == "evenings":
        return is_evening(grid, rules, start, end)
    if category == "weekends":
        return is_weekend(grid, start)
    raise ValueError(f"{category!r} is not a shift category; use evenings or weekends")


def fairness_eligible(
    problem: Problem, candidates: Sequence[Sequence[Candidate]]
) -> tuple[frozenset[str], ...]:
    """Per category (``FAIRNESS_CATEGORIES``), the agents counted in its spread: those with
    a contract target for whom the category can happen at all in the horizon (``candidates``,
    the whole horizon's): an evening (weekend) shift among their candidates, or, for broken
    wishes, a wish some candidate shift would break (a days-per-week wish: some week with
    more candidate days than the wish allows).

    Why not everyone with a target: an agent who cannot work any evening has 0 evenings
    whatever the schedule, would set the minimum at 0 for good, and the spread would be the
    busiest agent's share, which no schedule can even out: the penalty would only push
    evenings down, which coverage decides, not fairness (see ``docs/schedule.md``).
    """
    grid = problem.horizon.grid()
    out: list[set[str]] = [set() for _ in FAIRNESS_CATEGORIES]
    for agent, cands in zip(problem.agents, candidates, strict=True):
        if agent.contract.target_minutes_per_week <= 0:
            continue
        for k, category in enumerate(FAIRNESS_CATEGORIES[:2]):
            if any(in_shift_category(grid, problem.rules, category, c.start, c.end) for c in cands):
                out[k].add(agent.id)
        if any(_can_break(grid, wish, cands) for wish in agent.wishes):
            out[2].add(agent.id)
    return tuple(frozenset(ids) for ids in out)


def _can_break(grid: Grid, wish: Wish, cands: Sequence[Candidate]) -> bool:
    if isinstance(wish, MaxDaysPerWeekWish):
        days_per_week = Counter(day // 7 for day in {c.day for c in cands})
        return any(days > wish.days for days in days_per_week.values())
    return any(breaks_wish(grid, wish, c.start, c.end) for c in cands)


def fairness_of(
    problem: Problem,
    schedule: Schedule,
    *,
    candidates: Sequence[Sequence[Candidate]] | None = None,
) -> tuple[FairnessShare, ...]:
    """Each agent's evening, weekend and unwanted (wish-breaking) shifts, also per 40 h, and
    the categories whose spread the agent counts in (:func:`fairness_eligible`).

    ``candidates``: the whole horizon's, when the caller has them (built here otherwise).
    """
    grid = problem.horizon.grid()
    if candidates is None:
        candidates = build_candidates(problem, grid)
    eligible = fairness_eligible(problem, candidates)
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

        counted = tuple(
            c for c, who in zip(FAIRNESS_CATEGORIES, eligible, strict=True) if agent.id in who
        )
        out.append(
            FairnessShare(
                agent.id,
                evenings,
                weekends,
                unwanted,
                per(evenings),
                per(weekends),
                per(unwanted),
                counted_in=counted,
            )
        )
    return tuple(out)


def penalties_of(
    problem: Problem,
    schedule: Schedule,
    *,
    fairness: Sequence[FairnessShare] | None = None,
) -> tuple[Penalty, ...]:
    """Every named penalty of ``schedule`` under ``problem.weights``, in cost units.

    ``fairness``: ``fairness_of(problem, schedule)`` when the caller has it already (its
    shares and who counts where are what the spread is taken over).
    """
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
            minutes = sum(
                s.work_minutes
                for s in shifts
                if first <= s.start.astimezone(grid.tz).date() <= last
            )
            target = problem.target_minutes(agent, week)
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
    out += _fairness_penalties(problem, fairness or fairness_of(problem, schedule))
    return tuple(out)


def _fairness_penalties(problem: Problem, shares: Sequence[FairnessShare]) -> list[Penalty]:
    """Per category, the spread of per-40-h shares among the agents counted in it."""
    weight = max(1, round(problem.weights.unfair_share)) / _COST_SCALE
    out = []
    for category in FAIRNESS_CATEGORIES:
        values = []
        for agent, share in zip(problem.agents, shares, strict=True):
            if category not in share.counted_in:
                continue
            per_fte = round(_COST_SCALE * 2400 / agent.contract.target_minutes_per_week)
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
