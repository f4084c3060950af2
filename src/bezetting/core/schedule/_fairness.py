"""The objective's fairness spread, priced one agent at a time for the agent-by-agent search.

The objective charges, per category (evening shifts, weekend shifts, broken wishes), the
spread max - min over the eligible agents of each one's count per 40 contract hours
(``builders.add_fairness``; ``explain.penalties_of`` recomputes it). With every other agent
fixed, the spread as a function of one agent's count ``n`` is exact, piecewise linear and
convex::

    spread(n) = max(hi, s(n)) - min(lo, s(n)),   s(n) = per_fte x (earlier + n)

where ``hi`` and ``lo`` are the widest shares of the others. A best response prices each more
unit of ``n`` by its increment (:func:`increments`); a move of several agents compares
:func:`spread_cost` before and after.

In a part of a decomposed horizon the shares count the earlier parts' work too
(:func:`fairness_so_far`), and who is eligible is decided on the whole horizon, as
``penalties_of`` does on the whole schedule: the last week's search prices exactly the
spread reported for the horizon, an earlier week the spread of the weeks so far (what comes
later is not known).

>>> increments(np.array([200, 400]), per_fte=100, base=1, top=4, weight=8)
[0, 0, 800, 800]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bezetting.core.schedule import builders
from bezetting.core.schedule._candidates import Candidate
from bezetting.core.schedule.builders import COST_SCALE, ModelContext
from bezetting.core.schedule.explain import (
    FAIRNESS_CATEGORIES,
    fairness_eligible,
    fairness_of,
    wishes_of,
)
from bezetting.core.schedule.plan import Schedule
from bezetting.core.schedule.problem import MaxDaysPerWeekWish, Problem

__all__ = [
    "AgentCategories",
    "Fairness",
    "FairnessSoFar",
    "fairness_so_far",
    "increments",
    "nothing_yet",
    "spread_cost",
]

EVENINGS, WEEKENDS, UNWANTED = range(len(FAIRNESS_CATEGORIES))


def spread_cost(shares: NDArray[np.int64], eligible: NDArray[np.bool_], weight: int) -> int:
    """The objective's fairness cost (scaled units) of ``shares``.

    ``shares[a, k]``: agent ``a``'s count in category ``k`` per 40 contract hours, times 100
    (``per_fte`` x count, as the objective counts it); ``eligible[a, k]``: whether the agent
    counts in that category's spread. A category with fewer than two agents costs nothing.
    """
    total = 0
    for k in range(shares.shape[1]):
        mine = shares[eligible[:, k], k]
        if mine.size >= 2:
            total += weight * int(mine.max() - mine.min())
    return total


def increments(
    others: NDArray[np.int64], *, per_fte: int, base: int, top: int, weight: int
) -> list[int]:
    """What each more unit of one agent's count adds to its category's fairness cost.

    Entry ``j - 1`` is ``cost(j) - cost(j - 1)`` for ``j = 1 .. top``, with ``cost(n) =
    weight x (max(hi, s) - min(lo, s))``, ``s = per_fte x (base + n)``, and ``hi``, ``lo``
    the widest of ``others`` (the shares of the other eligible agents, fixed). Negative while
    the agent is below the others' least share (one more unit narrows the spread), zero
    within their range, ``weight x per_fte`` above it. All zeros without others: one agent
    has no spread.
    """
    if others.size == 0:
        return [0] * top
    hi, lo = int(others.max()), int(others.min())

    def cost(n: int) -> int:
        s = per_fte * (base + n)
        return weight * (max(hi, s) - min(lo, s))

    return [cost(j) - cost(j - 1) for j in range(1, top + 1)]


@dataclass(frozen=True)
class FairnessSoFar:
    """What a part's agents already have in each category, and who counts in its spread.

    Attributes:
        counts: ``counts[a, k]``: agent ``a``'s evening shifts, weekend shifts and broken
            wishes (``k`` in ``explain.FAIRNESS_CATEGORIES`` order) in the horizon's earlier
            parts.
        eligible: ``eligible[a, k]``: whether agent ``a`` counts in category ``k``'s spread,
            decided on the whole horizon (``explain.fairness_eligible``).
        broken: per agent, the ids of its wishes (days-per-week wishes aside, which count
            per week) already broken: breaking one again counts nothing more.
    """

    counts: NDArray[np.int64]
    eligible: NDArray[np.bool_]
    broken: tuple[frozenset[str], ...]


def _eligible(problem: Problem, candidates: list[list[Candidate]]) -> NDArray[np.bool_]:
    sets = fairness_eligible(problem, candidates)
    return np.array([[a.id in s for s in sets] for a in problem.agents], dtype=bool).reshape(
        len(problem.agents), len(sets)
    )


def nothing_yet(problem: Problem, candidates: list[list[Candidate]]) -> FairnessSoFar:
    """A problem solved whole (or a horizon's first part): nothing counted before it."""
    n = len(problem.agents)
    return FairnessSoFar(
        np.zeros((n, len(FAIRNESS_CATEGORIES)), dtype=np.int64),
        _eligible(problem, candidates),
        tuple(frozenset() for _ in range(n)),
    )


def fairness_so_far(
    problem: Problem, earlier: Schedule, candidates: list[list[Candidate]]
) -> FairnessSoFar:
    """The counts ``earlier`` (shifts of ``problem``'s horizon before a part) gave each agent,
    as ``explain.fairness_of`` counts them; eligibility from ``candidates``, the whole
    horizon's (agents in ``problem``'s order, as in every part)."""
    shares = fairness_of(problem, earlier, candidates=candidates)
    counts = np.array(
        [[f.evenings, f.weekends, f.unwanted] for f in shares], dtype=np.int64
    ).reshape(len(problem.agents), len(FAIRNESS_CATEGORIES))
    single = {
        (a.id, w.id)
        for a in problem.agents
        for w in a.wishes
        if not isinstance(w, MaxDaysPerWeekWish)
    }
    broken: dict[str, set[str]] = {}
    for outcome in wishes_of(problem, earlier):
        if not outcome.met and (outcome.agent_id, outcome.wish_id) in single:
            broken.setdefault(outcome.agent_id, set()).add(outcome.wish_id)
    return FairnessSoFar(
        counts,
        _eligible(problem, candidates),
        tuple(frozenset(broken.get(a.id, ())) for a in problem.agents),
    )


@dataclass(frozen=True)
class Fairness:
    """The fairness cost of a part's schedule given what came before it (thin: the math is
    :func:`spread_cost` and :func:`increments`). ``counts`` are the part's own, agents x
    categories."""

    before: FairnessSoFar
    per_fte: NDArray[np.int64]  # round(100 x 2400 / target) per agent, as the objective
    weight: int

    @classmethod
    def of(cls, problem: Problem, before: FairnessSoFar) -> Fairness:
        per_fte = np.array(
            [
                round(COST_SCALE * 2400 / a.contract.target_minutes_per_week)
                if a.contract.target_minutes_per_week > 0
                else 0
                for a in problem.agents
            ],
            dtype=np.int64,
        )
        return cls(before, per_fte, max(1, round(problem.weights.unfair_share)))

    def shares(self, counts: NDArray[np.int64]) -> NDArray[np.int64]:
        shares: NDArray[np.int64] = self.per_fte[:, None] * (self.before.counts + counts)
        return shares

    def cost(self, counts: NDArray[np.int64]) -> int:
        return spread_cost(self.shares(counts), self.before.eligible, self.weight)

    def others(self, counts: NDArray[np.int64], agents: list[int], k: int) -> NDArray[np.int64]:
        """The category-``k`` shares of the eligible agents not in ``agents``."""
        mask = self.before.eligible[:, k].copy()
        mask[agents] = False
        shares: NDArray[np.int64] = self.shares(counts)[mask, k]
        return shares

    def increments(self, counts: NDArray[np.int64], a: int, k: int, top: int) -> list[int]:
        """:func:`increments` for agent ``a`` in category ``k``; zeros when it does not count."""
        if not self.before.eligible[a, k]:
            return [0] * top
        return increments(
            self.others(counts, [a], k),
            per_fte=int(self.per_fte[a]),
            base=int(self.before.counts[a, k]),
            top=top,
            weight=self.weight,
        )


@dataclass(frozen=True)
class AgentCategories:
    """Which of one agent's candidates are evening and weekend shifts, and which break each
    wish not yet broken: to count a week as ``explain`` counts it."""

    flags: NDArray[np.bool_]  # candidates x (evening, weekend)
    open_wishes: dict[str, frozenset[int]]  # single wish not yet broken -> candidates breaking it
    days_per_week: tuple[int, ...]  # the wished most days, one per days-per-week wish

    @classmethod
    def of(cls, ctx: ModelContext, a: int, broken: frozenset[str]) -> AgentCategories:
        cands = ctx.candidates[a]
        flags = np.array(
            [
                [
                    builders.shift_category(ctx, c, FAIRNESS_CATEGORIES[EVENINGS]),
                    builders.shift_category(ctx, c, FAIRNESS_CATEGORIES[WEEKENDS]),
                ]
                for c in cands
            ],
            dtype=bool,
        ).reshape(len(cands), 2)
        wishes = {
            w.id: frozenset(builders.wish_broken_by(ctx, a, w))
            for w in ctx.problem.agents[a].wishes
            if not isinstance(w, MaxDaysPerWeekWish) and w.id not in broken
        }
        most = tuple(
            w.days for w in ctx.problem.agents[a].wishes if isinstance(w, MaxDaysPerWeekWish)
        )
        return cls(flags, wishes, most)

    def counts(self, ctx: ModelContext, a: int, week: set[int]) -> NDArray[np.int64]:
        """The agent's evening shifts, weekend shifts and broken wishes in ``week``
        (candidate indices)."""
        chosen = sorted(week)
        evenings = int(self.flags[chosen, 0].sum()) if chosen else 0
        weekends = int(self.flags[chosen, 1].sum()) if chosen else 0
        unwanted = sum(1 for hits in self.open_wishes.values() if hits & week)
        per_week: dict[int, int] = {}
        for i in week:
            w = ctx.candidates[a][i].day // 7
            per_week[w] = per_week.get(w, 0) + 1
        for most in self.days_per_week:
            unwanted += sum(max(0, days - most) for days in per_week.values())
        return np.array([evenings, weekends, unwanted], dtype=np.int64)
