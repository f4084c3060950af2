"""Whole weeks after the first: column generation across the seam between planning weeks.

A decomposed horizon is solved week by week, each week with the weeks before it as earlier
work (``Agent.prior_work``). Column generation (:mod:`._columns`) prices one set of
interchangeable agents at a time, and agents are interchangeable only with the same earlier
work, so from week 2 on every agent is a set of its own: the master's fractional mix of
weeks has nobody to spread over, its whole weeks round badly, and pricing 200 sets is slow.

Here the sets are formed as if nobody had worked before the week (:func:`seam_context`),
as big as in week 1. The weeks that the whole master chooses for a set are then shared out
to its members by a matching (:class:`SeamMatching`) in which a member may take a week only
when that week is legal after the member's own earlier work: daily rest across the boundary,
weekly rest, night series, the 4- and 16-week averages, free Sundays. The validator decides
that (the single definition of legal), on the member's earlier work and the week. A member
left without a legal week keeps its week of the start schedule (the greedy week), which is
legal for it; each agent's rules concern its own shifts only, so the mix is legal too, and
the caller validates the whole schedule once more before using it.

A week legal after some earlier work is legal without it (every rule across the seam limits
work, none asks for it), so the weeks priced without earlier work include every week a
member could take; the matching only removes those its own history forbids.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
from scipy.optimize import linear_sum_assignment

from bezetting.core.schedule._candidates import build_candidates
from bezetting.core.schedule._columns import Week, column_generation_bound
from bezetting.core.schedule.builders import ModelContext
from bezetting.core.schedule.explain import is_weekend
from bezetting.core.schedule.greedy import GreedySchedule, assemble_shifts
from bezetting.core.schedule.plan import Schedule
from bezetting.core.schedule.validate import validate

__all__ = ["SeamMatching", "seam_context", "whole_weeks_across_seam"]

# Matching costs: a week illegal for a member is never taken (its pairs are dropped after the
# assignment); among legal matchings, the weekend-heavy weeks go to the members with the
# fewest weekend shifts so far (per 40 contract hours), so weekend duty keeps going round.
_ILLEGAL = 1e6


def seam_context(ctx: ModelContext) -> ModelContext | None:
    """``ctx``'s part as if no agent had worked before it, or None when nobody has.

    Earlier work that ends by the part's first instant is dropped; work that reaches into the
    part (a night shift over the boundary, another client's shift) stays, so its agent stays
    a set of its own and its candidates keep clear of it.
    """
    prob, grid = ctx.problem, ctx.grid
    agents = []
    for agent in prob.agents:
        kept = tuple(p for p in agent.prior_work if p.window.end_s > grid.start)
        agents.append(dataclasses.replace(agent, prior_work=kept))
    if all(a.prior_work == b.prior_work for a, b in zip(agents, prob.agents, strict=True)):
        return None
    fresh = dataclasses.replace(prob, agents=tuple(agents))
    return ModelContext(fresh, grid, build_candidates(fresh, grid))


class SeamMatching:
    """Shares a set's whole weeks out to its members, each week only to a member for whom
    it is legal after that member's earlier work (an :data:`._columns.Assign`).

    ``ctx`` is the part with its earlier work, ``fresh`` the same part without
    (:func:`seam_context`), whose candidates the weeks index.
    """

    def __init__(self, ctx: ModelContext, fresh: ModelContext) -> None:
        self.ctx, self.fresh = ctx, fresh
        self._legal: dict[tuple[int, Week], bool] = {}
        grid = ctx.grid
        self._weekends_before = []
        for agent in ctx.problem.agents:
            count = sum(
                is_weekend(grid, p.window.start_s)
                for p in agent.prior_work
                if p.window.end_s <= grid.start
            )
            target = agent.contract.target_minutes_per_week
            self._weekends_before.append(count * 2400 / target if target > 0 else 0.0)

    def legal(self, a: int, week: Week) -> bool:
        """Whether agent ``a`` may work ``week`` after its own earlier work (the validator)."""
        key = (a, week)
        if key not in self._legal:
            prob, grid = self.ctx.problem, self.ctx.grid
            alone = dataclasses.replace(prob, agents=(prob.agents[a],))
            step = grid.slot_minutes
            picked = []
            on_break: set[tuple[int, int]] = set()
            for i, starts in week:
                c = self.fresh.candidates[a][i]
                picked.append((0, c))
                for t, minutes in zip(starts, c.break_parts, strict=True):
                    on_break.update((0, u) for u in range(t, t + -(-minutes // step)))
            shifts = assemble_shifts(alone, grid, picked, on_break, {})
            self._legal[key] = not validate(alone, Schedule(tuple(shifts)))
        return self._legal[key]

    def __call__(self, members: list[int], weeks: list[Week]) -> dict[int, Week]:
        """Agent -> week for as many members as a legal week can be found for."""
        if not members or not weeks:
            return {}
        cands = self.fresh.candidates[members[0]]  # alike agents: the same candidates
        grid = self.ctx.grid
        weekend = np.array([sum(is_weekend(grid, cands[i].start) for i, _ in w) for w in weeks])
        before = np.array([self._weekends_before[a] for a in members])
        legal = np.array([[self.legal(a, w) for w in weeks] for a in members])
        cost = np.where(legal, np.outer(before, weekend), _ILLEGAL)
        rows, cols = linear_sum_assignment(cost)
        return {
            members[r]: weeks[c]
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
            if legal[r, c]
        }


def whole_weeks_across_seam(
    ctx: ModelContext,
    fresh: ModelContext,
    start: GreedySchedule,
    *,
    seconds: float,
    integer_seconds: float,
    clock: Callable[[], float],
) -> GreedySchedule | None:
    """Whole weeks for a part with earlier work: column generation on ``fresh`` (sets as if
    nobody had worked before), every wish kept, shared out by :class:`SeamMatching`; members
    without a legal week keep their week of ``start``. None when the ``milp`` finds no whole
    answer in ``integer_seconds``.

    Raises:
        InfeasibleError: an agent cannot keep every wish in any legal week.
    """
    return column_generation_bound(
        fresh,
        seconds=seconds,
        clock=clock,
        start=start,
        integer_seconds=integer_seconds,
        wishes_kept=True,
        assign=SeamMatching(ctx, fresh),
    ).integer_schedule
