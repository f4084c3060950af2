"""Independent replications of a scenario, and confidence intervals over them.

Each replication gets its own child of the caller's generator (``rng.spawn``), so replication
*k* is the same whether 5 or 50 are run. The interval for a metric is Student's *t* over the
per-replication values (the replication/deletion method of Law, *Simulation Modeling and
Analysis*, ch. 9).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from bezetting.core.errors import InputError
from bezetting.core.simulate.engine import EventLoop, simulate
from bezetting.core.simulate.metrics import (
    DEFAULT_WAIT_EDGES_SECONDS,
    QueueKpis,
    RunKpis,
    kpis,
)
from bezetting.core.simulate.scenario import Scenario

FloatArray = NDArray[np.float64]

__all__ = ["Estimate", "KpiEstimates", "ReplicationResult", "estimate", "replicate"]


@dataclass(frozen=True, eq=False)
class Estimate:
    """A mean over replications with its confidence interval, element by element.

    Attributes:
        mean: the mean over replications where the value is defined (not NaN).
        half_width: half the width of the confidence interval (NaN with fewer than two values).
        count: replications in which the value was defined.
    """

    mean: FloatArray = field(repr=False)
    half_width: FloatArray = field(repr=False)
    count: NDArray[np.int64] = field(repr=False)

    @property
    def low(self) -> FloatArray:
        """Lower end of the confidence interval."""
        return self.mean - self.half_width

    @property
    def high(self) -> FloatArray:
        """Upper end of the confidence interval."""
        return self.mean + self.half_width

    def covers(self, value: float | FloatArray) -> NDArray[np.bool_]:
        """Whether ``value`` lies inside the confidence interval."""
        return np.asarray((self.low <= value) & (value <= self.high))


def estimate(values: FloatArray, *, confidence: float = 0.95) -> Estimate:
    """Mean and Student-t confidence interval over axis 0 (one row per replication)."""
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence must be between 0 and 1, got {confidence!r}")
    values = np.asarray(values, dtype=np.float64)
    defined = np.isfinite(values)
    count = defined.sum(axis=0)
    filled = np.where(defined, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=0) / count
        deviation = np.where(defined, values - mean, 0.0)
        sd = np.sqrt((deviation**2).sum(axis=0) / (count - 1))
        t = stats.t.ppf(0.5 + confidence / 2.0, np.maximum(count - 1, 1))
        half = np.where(count >= 2, t * sd / np.sqrt(count), np.nan)
    return Estimate(
        mean=np.where(count > 0, mean, np.nan),
        half_width=half,
        count=count.astype(np.int64),
    )


@dataclass(frozen=True, eq=False)
class KpiEstimates:
    """:class:`~bezetting.core.simulate.metrics.QueueKpis`, each field an :class:`Estimate`."""

    offered: Estimate
    answered: Estimate
    abandoned: Estimate
    unanswered: Estimate
    redials: Estimate
    answered_within: Estimate
    service_level: Estimate
    service_level_answered: Estimate
    asa_seconds: Estimate
    abandon_rate: Estimate


def _estimates(runs: list[QueueKpis], confidence: float) -> KpiEstimates:
    return KpiEstimates(
        **{
            f.name: estimate(np.stack([getattr(r, f.name) for r in runs]), confidence=confidence)
            for f in fields(QueueKpis)
        }
    )


@dataclass(frozen=True, eq=False)
class ReplicationResult:
    """Means and confidence intervals over replications.

    Attributes:
        scenario: what was simulated.
        confidence: the confidence level of every interval (0.95: 95%).
        per_interval: per queue and interval.
        total: per queue, after the warm-up.
        occupancy_per_interval: per agent group and interval.
        occupancy_total: per agent group.
        runs: the metrics of every replication, in order.
    """

    scenario: Scenario
    confidence: float
    per_interval: KpiEstimates
    total: KpiEstimates
    occupancy_per_interval: Estimate
    occupancy_total: Estimate
    runs: tuple[RunKpis, ...] = field(repr=False)


def replicate(
    scenario: Scenario,
    *,
    replications: int,
    rng: np.random.Generator,
    confidence: float = 0.95,
    warmup_seconds: float = 0.0,
    wait_edges_seconds: FloatArray = DEFAULT_WAIT_EDGES_SECONDS,
    on_progress: Callable[[int, int], None] | None = None,
    event_loop: EventLoop = "auto",
) -> ReplicationResult:
    """Run ``replications`` independent runs of ``scenario`` and summarise them.

    Args:
        scenario: what to simulate.
        replications: how many runs (at least 2 for a confidence interval).
        rng: parent generator; replication *k* uses its *k*-th spawned child.
        confidence: confidence level of the intervals.
        warmup_seconds: left out of the totals (see :func:`~.metrics.kpis`).
        wait_edges_seconds: bin edges of the waiting-time histogram.
        on_progress: called with ``(done, replications)`` after each run.
        event_loop: which event loop plays the runs out (see :func:`~.engine.simulate`).
    """
    if int(replications) != replications or replications < 1:
        raise InputError(f"replications must be a whole number >= 1, got {replications!r}")
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence must be between 0 and 1, got {confidence!r}")
    runs: list[RunKpis] = []
    for k, child in enumerate(rng.spawn(int(replications))):
        run = simulate(scenario, rng=child, event_loop=event_loop)
        runs.append(kpis(run, warmup_seconds=warmup_seconds, wait_edges_seconds=wait_edges_seconds))
        if on_progress is not None:
            on_progress(k + 1, int(replications))
    return ReplicationResult(
        scenario=scenario,
        confidence=confidence,
        per_interval=_estimates([r.per_interval for r in runs], confidence),
        total=_estimates([r.total for r in runs], confidence),
        occupancy_per_interval=estimate(
            np.stack([r.occupancy_per_interval for r in runs]), confidence=confidence
        ),
        occupancy_total=estimate(
            np.stack([r.occupancy_total for r in runs]), confidence=confidence
        ),
        runs=tuple(runs),
    )
