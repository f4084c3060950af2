"""Newcomers: agents who are slower at first change how many people a requirement takes.

Retrained newcomers (hired for potential, not experience) handle contacts more slowly while
they ramp up. We describe a team as groups, each with a *handle-time factor* (1.0 for
experienced agents, 1.4 for a newcomer who needs 40% longer per contact). An agent with factor
``f`` does ``1 / f`` of an experienced agent's work, so a team's capacity in experienced-agent
equivalents is ``sum(count / f)``. The staffing engine computes requirements in experienced
agents (with the experienced AHT); these functions translate to and from headcount. This
capacity equivalence is exact for the offered work and a close approximation for waiting times
(a pool of mixed speeds queues slightly better than the same capacity of equal agents).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bezetting.core.errors import InputError
from bezetting.core.queueing.erlang import _finite

FloatArray = NDArray[np.float64]

__all__ = ["AgentGroup", "capacity_equivalent", "headcount_for"]


@dataclass(frozen=True)
class AgentGroup:
    """A share of the team with a common handle-time factor.

    Attributes:
        name: e.g. "experienced", "newcomers week 1-4".
        share: this group's share of the people on the phones (shares sum to 1).
        handle_time_factor: their handle time over an experienced agent's (>= 0.2, <= 5).
    """

    name: str
    share: float
    handle_time_factor: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.share) and 0.0 <= self.share <= 1.0):
            raise InputError(f"group {self.name!r}: share must be from 0 to 1, got {self.share!r}")
        if not (math.isfinite(self.handle_time_factor) and 0.2 <= self.handle_time_factor <= 5.0):
            raise InputError(
                f"group {self.name!r}: handle_time_factor must be from 0.2 to 5, "
                f"got {self.handle_time_factor!r}"
            )


def _check_mix(groups: Sequence[AgentGroup]) -> None:
    if not groups:
        raise InputError("give at least one agent group")
    total = sum(g.share for g in groups)
    if not math.isclose(total, 1.0, abs_tol=1e-9):
        raise InputError(f"group shares must sum to 1, got {total:g}")


def capacity_equivalent(headcount: ArrayLike, groups: Sequence[AgentGroup]) -> FloatArray:
    """Experienced-agent equivalents that ``headcount`` people of this mix deliver.

    >>> mix = [AgentGroup("experienced", 0.5, 1.0), AgentGroup("new", 0.5, 2.0)]
    >>> float(capacity_equivalent(20, mix))
    15.0
    """
    _check_mix(groups)
    people = _finite(headcount, "headcount", minimum=0.0)
    return people * sum(g.share / g.handle_time_factor for g in groups)


def headcount_for(required_experienced: ArrayLike, groups: Sequence[AgentGroup]) -> FloatArray:
    """People of this mix needed to deliver ``required_experienced`` agents' capacity.

    >>> mix = [AgentGroup("experienced", 0.5, 1.0), AgentGroup("new", 0.5, 2.0)]
    >>> float(headcount_for(15, mix))
    20.0
    """
    _check_mix(groups)
    need = _finite(required_experienced, "required_experienced", minimum=0.0)
    return need / sum(g.share / g.handle_time_factor for g in groups)
