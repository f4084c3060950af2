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
weekly rest, night series, the 4- and 16-week averages, free Sundays. Two judges decide
that, on the member's earlier work and the week: the validator (the single definition of
legal) and the search's own rules for that member (``PRICING_RULES``, the model's builders).
The builders are stricter at a seam: the 72-h weekly-rest alternative counts rest only up
to the end of the part, so that a later part cannot undo it, where the validator counts the
unplanned days after it as rest. A week only the validator accepts is a week the search
cannot keep (measured at 200 agents, week 2: 26 such members, and about 29,750 after 45 s of
search against 24,159 for the same start with no earlier work), so both must accept. A member
left without a legal week keeps its week of the start schedule (the greedy week), which is
legal for it; each agent's rules concern its own shifts only, so the mix is legal too, and
the caller validates the whole schedule once more before using it.

A week legal after some earlier work is legal without it (every rule across the seam limits
work, none asks for it), so the weeks priced without earlier work include every week a
member could take; the matching only removes those its own history forbids.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model
from scipy.optimize import linear_sum_assignment

from bezetting.core.schedule._candidates import build_candidates
from bezetting.core.schedule._columns import PRICING_RULES, Week, column_generation_bound
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

# The matching's checks (a validator run and a CP-SAT check per member and week) must end by
# this many times the time given to generation and the ``milp``, counted from their start:
# half as much again as they had, so a set of many members and weeks cannot overrun the
# solve's time limit.
_MATCHING_SPAN = 1.5


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

    def __init__(
        self,
        ctx: ModelContext,
        fresh: ModelContext,
        *,
        clock: Callable[[], float] = time.monotonic,
        until: float = math.inf,
    ) -> None:
        self.ctx, self.fresh = ctx, fresh
        self.clock, self.until = clock, until
        self._legal: dict[tuple[int, Week], bool] = {}
        self._own: dict[int, ModelContext] = {}  # each member's own rules, built once
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
        """Whether agent ``a`` may work ``week`` after its own earlier work: the validator and
        the search's own rules for ``a`` both accept it. Past ``until`` (the clock's time the
        caller gave the whole weeks) an unchecked pair counts as not legal: its member keeps
        its start week, and the time limit holds however many pairs a large set brings."""
        key = (a, week)
        if key not in self._legal:
            if self.clock() >= self.until:
                return False
            self._legal[key] = self._validated(a, week) and self._in_own_rules(a, week)
        return self._legal[key]

    def _validated(self, a: int, week: Week) -> bool:
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
        return not validate(alone, Schedule(tuple(shifts)))

    def _in_own_rules(self, a: int, week: Week) -> bool:
        """The week's shifts fixed in ``a``'s own rules with its earlier work (breaks aside:
        the validator has placed them)."""
        if a not in self._own:
            prob = self.ctx.problem
            alone = dataclasses.replace(prob, agents=(prob.agents[a],))
            own = ModelContext(alone, self.ctx.grid, [self.ctx.candidates[a]])
            for build in PRICING_RULES:
                build(own)
            self._own[a] = own
        own = self._own[a]
        index = {(c.first, c.last): i for i, c in enumerate(own.candidates[0])}
        spans = [
            (self.fresh.candidates[a][i].first, self.fresh.candidates[a][i].last) for i, _ in week
        ]
        if any(span not in index for span in spans):
            return False  # a shift over its earlier work
        chosen = {index[span] for span in spans}
        m = own.model
        m.clear_hints()  # type: ignore[no-untyped-call]
        for i, var in enumerate(own.x[0]):
            m.add_hint(var, i in chosen)
        solver = cp_model.CpSolver()
        solver.parameters.fix_variables_to_their_hinted_value = True
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.05, min(5.0, self.until - self.clock()))
        return solver.solve(m) in (cp_model.OPTIMAL, cp_model.FEASIBLE)

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
        assign=SeamMatching(
            ctx, fresh, clock=clock, until=clock() + _MATCHING_SPAN * (seconds + integer_seconds)
        ),
    ).integer_schedule
