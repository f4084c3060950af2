"""Where to search next: the skill class and day with the worst shortage it could relieve.

After the agent-by-agent best responses converge, no single agent can do better, and 8
agents drawn at random rarely can together either. The shortage left sits on particular
days and groups; freeing every agent of one skill set on one such day (their other days
kept) lets them re-time shifts and breaks against each other where it matters. Week 1 of
the 200-agent benchmark, 30 s from the converged best responses: such moves 32,055 to
31,829 (3 of 6 paid), random 8-agent moves to 31,963 (5 of 12, smaller steps). In the full
benchmarks the gain did not show (within run-to-run noise), so it is off by default
(``improve_by_agents(class_days=...)``; docs/benchmarks/schedule.md, sixth session).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Neighbourhood", "worst_neighbourhood"]


@dataclass(frozen=True)
class Neighbourhood:
    """The agents of one skill set, free on ``days`` (planning-part day indices)."""

    skill_groups: frozenset[str]
    days: frozenset[int]


def worst_neighbourhood(
    shortage_cost: NDArray[np.float64],
    groups: list[str],
    slot_day: NDArray[np.int64],
    classes: list[frozenset[str]],
    rng: random.Random,
    *,
    span: int = 1,
) -> Neighbourhood | None:
    """A (skill set, ``span`` days) drawn with odds by the square of the shortage cost it
    could relieve; None when nothing is short.

    ``shortage_cost[g, t]`` is what group g's shortage at slot t costs now. Drawn, not the
    worst always: a neighbourhood already at its best would be drawn again and again.
    """
    days = int(slot_day.max()) + 1 if slot_day.size else 0
    per_day = np.zeros((len(groups), days))
    for g in range(len(groups)):
        per_day[g] = np.bincount(slot_day, weights=shortage_cost[g], minlength=days)
    options: list[Neighbourhood] = []
    odds: list[float] = []
    for klass in classes:
        mine = [g for g, name in enumerate(groups) if name in klass]
        for first in range(max(0, days - span + 1)):
            cost = float(per_day[mine, first : first + span].sum())
            if cost > 0:
                options.append(Neighbourhood(klass, frozenset(range(first, first + span))))
                odds.append(cost**2)
    if not options:
        return None
    return rng.choices(options, weights=odds)[0]
