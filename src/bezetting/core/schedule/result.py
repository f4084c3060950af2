"""What the optimiser returns: status, schedule, coverage, named penalties, bound, fairness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from bezetting.core.schedule.plan import Schedule
from bezetting.core.schedule.validate import Violation

__all__ = [
    "Coverage",
    "FairnessShare",
    "Penalty",
    "Progress",
    "ScheduleResult",
    "SolveStatus",
    "WishOutcome",
]


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"  # proven best for the model solved
    FEASIBLE = "feasible"  # legal, not proven best within the time limit
    INFEASIBLE = "infeasible"  # proven: no schedule meets the hard rules
    HEURISTIC = "heuristic"  # legal, from the greedy construction: the solver found none in time
    UNKNOWN = "unknown"  # the time limit ran out before a first schedule


@dataclass(frozen=True)
class Penalty:
    """One named part of the cost.

    Attributes:
        name: ``under_coverage``, ``over_coverage``, ``contract_deviation``, ``wish_not_met``
            or ``unfair_share``.
        amount: how much (in ``unit``).
        cost: its contribution to the objective (weights applied).
        agent_id, skill_group, at, ref: who, which group, when, which wish/week/category.
        explanation: a sentence a planner can read.
    """

    name: str
    amount: float
    unit: str
    cost: float
    explanation: str
    agent_id: str = ""
    skill_group: str = ""
    at: datetime | None = None
    ref: str = ""


@dataclass(frozen=True, eq=False)
class Coverage:
    """Per skill group, agents required and agents on contact work per slot."""

    slot_start: tuple[datetime, ...]
    skill_groups: tuple[str, ...]
    required: NDArray[np.int64]  # shape (groups, slots)
    staffed: NDArray[np.int64]  # shape (groups, slots)

    @property
    def shortage(self) -> NDArray[np.int64]:
        return np.asarray(np.maximum(self.required - self.staffed, 0), dtype=np.int64)

    @property
    def surplus(self) -> NDArray[np.int64]:
        return np.asarray(np.maximum(self.staffed - self.required, 0), dtype=np.int64)


@dataclass(frozen=True)
class WishOutcome:
    """Whether one wish of one agent was met, and why not."""

    agent_id: str
    wish_id: str
    met: bool
    reason: str
    amount: int = 0  # 1 for a broken wish; days over the limit for a days-per-week wish


@dataclass(frozen=True)
class FairnessShare:
    """An agent's count of evening, weekend and unwanted shifts, also per 40 contract hours.

    ``counted_in``: the categories (``"evenings"``, ``"weekends"``, ``"unwanted"``) whose
    fairness spread counts this agent: those the agent can get at all (see
    ``explain.fairness_eligible``).
    """

    agent_id: str
    evenings: int
    weekends: int
    unwanted: int
    evenings_per_fte: float
    weekends_per_fte: float
    unwanted_per_fte: float
    counted_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class Progress:
    """Reported by the solver for every better schedule found (and once per part solved)."""

    elapsed_seconds: float
    objective: float
    bound: float
    solutions: int
    part: int
    parts: int
    whole: bool = False  # the report is about a legal schedule of the whole horizon


@dataclass(frozen=True)
class ScheduleResult:
    """The answer: a schedule, how good it is, and why it costs what it costs.

    ``objective`` and ``bound`` are in cost units (weights applied). When the problem was
    decomposed (by week), the bound is the sum of each part's bound given the parts before it,
    which bounds what this decomposition could reach, not every possible schedule.
    """

    status: SolveStatus
    schedule: Schedule
    objective: float
    bound: float
    penalties: tuple[Penalty, ...]
    coverage: Coverage
    wishes: tuple[WishOutcome, ...]
    fairness: tuple[FairnessShare, ...]
    violations: tuple[Violation, ...]
    wall_seconds: float
    parts: int
    decomposed: bool

    @property
    def under_coverage_slots(self) -> int:
        """Agent-slots short (one agent missing for one slot counts 1)."""
        return int(self.coverage.shortage.sum())

    @property
    def wish_hit_rate(self) -> float:
        return sum(w.met for w in self.wishes) / len(self.wishes) if self.wishes else 1.0

    @property
    def gap(self) -> float:
        """Relative distance between the objective and the bound (0 when proven optimal)."""
        if self.objective <= 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / self.objective)

    def penalty_total(self, name: str) -> float:
        return sum(p.cost for p in self.penalties if p.name == name)
