"""Small scenarios for checks by hand: replayed arrivals and fixed durations."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bezetting.core.simulate import (
    AgentGroup,
    Channel,
    ContactLog,
    Distribution,
    Exponential,
    Fixed,
    PoissonArrivals,
    Queue,
    Redial,
    ReplayArrivals,
    RequirementStaffing,
    Scenario,
    Skill,
    simulate,
)


def one_queue(
    *,
    agents: int,
    per_interval: float,
    aht_seconds: float,
    patience_seconds: float | None = None,
    intervals: int = 17,
    interval_seconds: float = 900.0,
) -> Scenario:
    """Constant Poisson load on one queue with ``agents`` on duty throughout.

    The last interval has no arrivals so that contacts of the one before it get served.
    """
    patience = Exponential(patience_seconds) if patience_seconds else None
    return Scenario(
        interval_seconds=interval_seconds,
        n_intervals=intervals,
        queues=(
            Queue(
                "q",
                PoissonArrivals([per_interval] * (intervals - 1) + [0.0]),
                Exponential(aht_seconds),
                patience=patience,
            ),
        ),
        agent_groups=(AgentGroup("g", (Skill("q"),), RequirementStaffing([agents])),),
    )


def replay_queue(
    name: str,
    times: Sequence[float],
    handle: Distribution,
    *,
    patience: Distribution | None = None,
    redial: Redial | None = None,
    channel: str = "voice",
) -> Queue:
    return Queue(
        name,
        ReplayArrivals(times),
        handle,
        patience=patience,
        redial=redial,
        channel=Channel(channel),
    )


def run(scenario: Scenario, seed: int = 1) -> ContactLog:
    return simulate(scenario, rng=np.random.default_rng(seed)).contacts


__all__ = ["Fixed", "one_queue", "replay_queue", "run"]
