"""Inverse staffing: the fewest agents that meet a service target, per interval.

Every metric is monotone in the number of agents (service level rises, ASA, abandonment and
occupancy fall), so the fewest agents meeting *all* targets is found by a vectorised integer
bisection, one search per array element.

Two answers come back:

* ``agents``: the whole number to schedule in that interval.
* ``agents_fractional``: an honest fraction for sums. Between ``agents - 1`` (fails) and
  ``agents`` (meets), the binding target's metric is interpolated linearly and the point where it
  reaches the target is taken. Summing these over queues or intervals does not carry the up to
  one agent per element that rounding adds. With Erlang C the lower anchor is never below the
  load itself (fewer agents than the load cannot answer anyone in time).

Gross staffing (people to roster) is net over ``1 - shrinkage``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bezetting.core.errors import InfeasibleError, InputError
from bezetting.core.queueing.erlang import (
    MAX_ERLANGS,
    QueueMetrics,
    ServiceLevelDefinition,
    _check_patience_ratio,
    _erlang_a_unchecked,
    _erlang_c_unchecked,
    _finite,
    _positive_or_inf,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

__all__ = [
    "QueueModel",
    "ServiceTarget",
    "StaffingResult",
    "gross_from_net",
    "required_agents",
]

# No realistic contact centre needs this many agents more than its load.
_MAX_EXTRA_AGENTS = 10_000_000


class QueueModel(StrEnum):
    """Which queueing model turns agents into service."""

    ERLANG_C = "erlang-c"
    ERLANG_A = "erlang-a"


@dataclass(frozen=True, kw_only=True)
class ServiceTarget:
    """What the staffing must achieve; every target that is set must hold.

    Attributes:
        service_level: share answered within ``answer_within_seconds`` (0 <= x < 1), or None.
        answer_within_seconds: the *t* of the service level (also used to report it).
        definition: which contacts the service level is taken over.
        max_asa_seconds: cap on the average speed of answer, or None.
        max_abandon_rate: cap on the share of callers hanging up (Erlang A only), or None.
        max_occupancy: cap on agents' busy share (0 < x <= 1), or None.
        short_abandon_seconds: what counts as a short abandon for
            :attr:`ServiceLevelDefinition.EXCLUDE_SHORT_ABANDONS`.
    """

    service_level: float | None = 0.8
    answer_within_seconds: float = 20.0
    definition: ServiceLevelDefinition = ServiceLevelDefinition.OFFERED
    max_asa_seconds: float | None = None
    max_abandon_rate: float | None = None
    max_occupancy: float | None = None
    short_abandon_seconds: float = 5.0

    def __post_init__(self) -> None:
        if self.service_level is not None and not 0.0 <= self.service_level < 1.0:
            raise InputError(
                f"service_level must be at least 0 and below 1 (100% is never reached when "
                f"calls arrive at random), got {self.service_level!r}"
            )
        if not (math.isfinite(self.answer_within_seconds) and self.answer_within_seconds >= 0):
            raise InputError(
                f"answer_within_seconds must be a finite number >= 0, "
                f"got {self.answer_within_seconds!r}"
            )
        if self.max_asa_seconds is not None and not (
            math.isfinite(self.max_asa_seconds) and self.max_asa_seconds > 0
        ):
            raise InputError(
                f"max_asa_seconds must be a finite number > 0 (an ASA of 0 needs infinitely "
                f"many agents), got {self.max_asa_seconds!r}"
            )
        if self.max_abandon_rate is not None and not 0.0 < self.max_abandon_rate <= 1.0:
            raise InputError(
                f"max_abandon_rate must be above 0 and at most 1, got {self.max_abandon_rate!r}"
            )
        if self.max_occupancy is not None and not 0.0 < self.max_occupancy <= 1.0:
            raise InputError(
                f"max_occupancy must be above 0 and at most 1, got {self.max_occupancy!r}"
            )
        if not (math.isfinite(self.short_abandon_seconds) and self.short_abandon_seconds >= 0):
            raise InputError(
                f"short_abandon_seconds must be a finite number >= 0, "
                f"got {self.short_abandon_seconds!r}"
            )
        if (
            self.service_level is None
            and self.max_asa_seconds is None
            and self.max_abandon_rate is None
            and self.max_occupancy is None
        ):
            raise InputError("a ServiceTarget needs at least one target set")


@dataclass(frozen=True)
class StaffingResult:
    """Agents needed per element, and what that staffing delivers.

    Attributes:
        model: the queueing model used.
        target: the target that was met.
        agents: fewest whole agents meeting every target (net of shrinkage).
        agents_fractional: the interpolated fraction (see the module docstring); 0 without load.
        binding: per element, the name of the target that set ``agents`` (``"none"`` without
            load): ``service_level``, ``max_asa_seconds``, ``max_abandon_rate`` or
            ``max_occupancy``.
        metrics: what ``agents`` delivers.
    """

    model: QueueModel
    target: ServiceTarget
    agents: IntArray
    agents_fractional: FloatArray
    binding: NDArray[np.str_]
    metrics: QueueMetrics


def gross_from_net(net_agents: ArrayLike, *, shrinkage: float) -> FloatArray:
    """People to roster so that ``net_agents`` remain after shrinkage (breaks, absence, ...).

    >>> float(gross_from_net(14, shrinkage=0.3))
    20.0
    """
    if not (math.isfinite(shrinkage) and 0.0 <= shrinkage < 1.0):
        raise InputError(f"shrinkage must be at least 0 and below 1 (0.3 = 30%), got {shrinkage!r}")
    net = _finite(net_agents, "net_agents", minimum=0.0)
    return net / (1.0 - shrinkage)


def required_agents(
    load_erlangs: ArrayLike,
    *,
    aht_seconds: ArrayLike,
    target: ServiceTarget,
    model: QueueModel = QueueModel.ERLANG_C,
    patience_seconds: ArrayLike | None = None,
) -> StaffingResult:
    """The fewest agents per element that meet ``target`` under ``model``.

    Args:
        load_erlangs: offered load per element (see :func:`offered_load`).
        aht_seconds: mean handle time per element (or one for all).
        target: what must hold.
        model: Erlang C (patient callers) or Erlang A (needs ``patience_seconds``).
        patience_seconds: mean patience for Erlang A.

    Raises:
        InputError: a value is out of range, or the target does not fit the model (an
            abandonment cap under Erlang C, Erlang A without patience).
        InfeasibleError: no staffing below ten million agents meets the target.
    """
    model = QueueModel(model)
    a = _finite(load_erlangs, "load_erlangs", minimum=0.0, maximum=MAX_ERLANGS)
    aht = _finite(aht_seconds, "aht_seconds", minimum=0.0, strict=True)
    if model is QueueModel.ERLANG_A:
        if patience_seconds is None:
            raise InputError("Erlang A needs patience_seconds (the callers' mean patience)")
        patience = _positive_or_inf(patience_seconds, "patience_seconds")
        _check_patience_ratio(patience, aht)
    else:
        if target.max_abandon_rate is not None:
            raise InputError(
                "max_abandon_rate needs Erlang A: under Erlang C nobody abandons; "
                "give patience_seconds and model=erlang-a"
            )
        patience = np.asarray(np.inf)
    a, aht, patience = (np.array(v) for v in np.broadcast_arrays(a, aht, patience))
    shape = a.shape
    a, aht, patience = a.ravel(), aht.ravel(), patience.ravel()
    evaluate = _Evaluator(model=model, target=target, load=a, aht=aht, patience=patience)

    loaded = a > 0.0
    # Lowest candidate: Erlang C needs more agents than load; Erlang A at least one.
    lowest = np.where(model is QueueModel.ERLANG_C, np.floor(a) + 1.0, 1.0)
    lowest = np.where(loaded, lowest, 0.0)
    agents = _search(evaluate, lowest, loaded)

    metrics = evaluate.metrics(agents, np.ones(agents.shape, dtype=bool), with_asa=True)
    fractional, binding = _fractional(evaluate, agents, loaded)
    return StaffingResult(
        model=model,
        target=target,
        agents=agents.astype(np.int64).reshape(shape),
        agents_fractional=fractional.reshape(shape),
        binding=binding.reshape(shape),
        metrics=_reshape(metrics, shape),
    )


_TARGET_NAMES = ("service_level", "max_asa_seconds", "max_abandon_rate", "max_occupancy")


@dataclass(frozen=True)
class _Evaluator:
    """Evaluates every set target at trial staffing levels for a subset of elements."""

    model: QueueModel
    target: ServiceTarget
    load: FloatArray
    aht: FloatArray
    patience: FloatArray

    def metrics(
        self, agents: FloatArray, mask: NDArray[np.bool_], *, with_asa: bool
    ) -> QueueMetrics:
        n, a = agents[mask], self.load[mask]
        aht, pat = self.aht[mask], self.patience[mask]
        t = np.full(n.shape, self.target.answer_within_seconds)
        if self.model is QueueModel.ERLANG_C:
            # Trial levels at or below the load are unstable: report them as failing.
            safe_n = np.where(n > a, n, a + 1.0)
            m = _erlang_c_unchecked(safe_n, a, aht, t)
            return _mark_unstable(m, n, (n <= a) & (a > 0.0))
        short = np.full(n.shape, self.target.short_abandon_seconds)
        return _erlang_a_unchecked(
            n,
            a,
            aht,
            pat,
            t,
            short,
            with_asa=with_asa,
            with_short_abandons=with_asa
            or self.target.definition is ServiceLevelDefinition.EXCLUDE_SHORT_ABANDONS,
        )

    def goodness(self, m: QueueMetrics) -> dict[str, tuple[FloatArray, float]]:
        """Per set target: a value that rises with agents, and the level it must reach."""
        out: dict[str, tuple[FloatArray, float]] = {}
        tg = self.target
        if tg.service_level is not None:
            out["service_level"] = (m.service_level(tg.definition), tg.service_level)
        if tg.max_asa_seconds is not None:
            # Speed of answer 1/(1+ASA) rises with agents and stays finite.
            with np.errstate(invalid="ignore"):
                speed = np.where(np.isnan(m.asa_seconds), 0.0, 1.0 / (1.0 + m.asa_seconds))
            out["max_asa_seconds"] = (speed, 1.0 / (1.0 + tg.max_asa_seconds))
        if tg.max_abandon_rate is not None:
            out["max_abandon_rate"] = (-m.abandon_rate, -tg.max_abandon_rate)
        if tg.max_occupancy is not None:
            # Agents per busy agent (1 / occupancy) is linear in agents under Erlang C, so the
            # interpolated fraction is exactly load / cap there.
            with np.errstate(divide="ignore"):
                spare = np.where(m.occupancy > 0.0, 1.0 / m.occupancy, np.inf)
            out["max_occupancy"] = (spare, 1.0 / tg.max_occupancy)
        return out

    def meets(self, agents: FloatArray, mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
        need_asa = self.target.max_asa_seconds is not None
        m = self.metrics(agents, mask, with_asa=need_asa)
        ok = np.ones(m.agents.shape, dtype=bool)
        for value, level in self.goodness(m).values():
            ok &= value >= level - 1e-12
        return ok


def _mark_unstable(m: QueueMetrics, n: FloatArray, unstable: NDArray[np.bool_]) -> QueueMetrics:
    def worst(values: FloatArray, bad: float) -> FloatArray:
        return np.where(unstable, bad, values)

    return QueueMetrics(
        model=m.model,
        agents=n,
        load_erlangs=m.load_erlangs,
        answer_within_seconds=m.answer_within_seconds,
        prob_wait=worst(m.prob_wait, 1.0),
        service_level_offered=worst(m.service_level_offered, 0.0),
        service_level_answered=worst(m.service_level_answered, 0.0),
        service_level_excl_short_abandons=worst(m.service_level_excl_short_abandons, 0.0),
        asa_seconds=worst(m.asa_seconds, np.inf),
        mean_wait_seconds=worst(m.mean_wait_seconds, np.inf),
        abandon_rate=m.abandon_rate,
        occupancy=worst(m.occupancy, 1.0),
    )


def _search(evaluate: _Evaluator, lowest: FloatArray, loaded: NDArray[np.bool_]) -> FloatArray:
    """Fewest agents >= ``lowest`` that meet every target, per element (bisection)."""
    lo = lowest - 1.0  # known (or assumed) to fail
    hi = lowest.copy()
    ok = np.ones(lo.shape, dtype=bool)
    ok[loaded] = evaluate.meets(hi, loaded)
    # Grow the upper end until it meets the target: square-root staffing steps, then doubling.
    step = np.ceil(np.sqrt(evaluate.load)) + 1.0
    pending = loaded & ~ok
    while pending.any():
        lo[pending] = hi[pending]
        hi[pending] = hi[pending] + step[pending]
        step[pending] *= 2.0
        if (hi[pending] - evaluate.load[pending] > _MAX_EXTRA_AGENTS).any():
            where = int(np.flatnonzero(pending & (hi - evaluate.load > _MAX_EXTRA_AGENTS))[0])
            raise InfeasibleError(
                f"no staffing meets {evaluate.target} at element {where} "
                f"(load {evaluate.load[where]:g} Erlang)"
            )
        pending[pending] = ~evaluate.meets(hi, pending)
    # Bisection: lo fails, hi meets.
    open_ = loaded & (hi - lo > 1.0)
    while open_.any():
        mid = np.floor((lo + hi) / 2.0)
        good = evaluate.meets(mid, open_)
        idx = np.flatnonzero(open_)
        hi[idx[good]] = mid[idx[good]]
        lo[idx[~good]] = mid[idx[~good]]
        open_ = loaded & (hi - lo > 1.0)
    return np.where(loaded, hi, 0.0)


def _fractional(
    evaluate: _Evaluator,
    agents: FloatArray,
    loaded: NDArray[np.bool_],
) -> tuple[FloatArray, NDArray[np.str_]]:
    fractional = np.zeros(agents.shape)
    binding = np.full(agents.shape, "none", dtype=object)
    if not loaded.any():
        return fractional, binding.astype(np.str_)
    need_asa = evaluate.target.max_asa_seconds is not None
    at_n = evaluate.goodness(evaluate.metrics(agents, loaded, with_asa=need_asa))
    below = np.maximum(agents - 1.0, 0.0)
    at_below = evaluate.goodness(evaluate.metrics(below, loaded, with_asa=need_asa))
    n = agents[loaded]
    anchor = below[loaded]
    if evaluate.model is QueueModel.ERLANG_C:
        # Below the load nothing is answered in time; anchor there with the worst value.
        anchor = np.maximum(anchor, evaluate.load[loaded])
    best = np.full(n.shape, -np.inf)
    names = np.full(n.shape, "none", dtype=object)
    for name in _TARGET_NAMES:
        if name not in at_n:
            continue
        high, level = at_n[name]
        low, _ = at_below[name]
        if evaluate.model is QueueModel.ERLANG_C:
            low = np.where(below[loaded] <= evaluate.load[loaded], _worst(name), low)
        span = high - low
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(span > 0.0, (level - low) / span, 1.0)
        share = np.clip(share, 0.0, 1.0)
        value = np.where(low >= level, anchor, anchor + share * (n - anchor))
        better = value > best
        best = np.where(better, value, best)
        names = np.where(better, name, names)
    # Never below the smallest stable staffing's anchor, never above the whole answer.
    fractional[loaded] = np.clip(best, 0.0, n)
    binding[loaded] = names
    return fractional, binding.astype(np.str_)


def _worst(name: str) -> float:
    """A metric's limit as Erlang C agents fall to the load, on the scale of ``goodness``.

    Service level and speed of answer fall to 0; occupancy rises to 1.
    """
    return 1.0 if name == "max_occupancy" else 0.0


def _reshape(m: QueueMetrics, shape: tuple[int, ...]) -> QueueMetrics:
    return QueueMetrics(
        model=m.model,
        agents=m.agents.reshape(shape),
        load_erlangs=m.load_erlangs.reshape(shape),
        answer_within_seconds=m.answer_within_seconds.reshape(shape),
        prob_wait=m.prob_wait.reshape(shape),
        service_level_offered=m.service_level_offered.reshape(shape),
        service_level_answered=m.service_level_answered.reshape(shape),
        service_level_excl_short_abandons=m.service_level_excl_short_abandons.reshape(shape),
        asa_seconds=m.asa_seconds.reshape(shape),
        mean_wait_seconds=m.mean_wait_seconds.reshape(shape),
        abandon_rate=m.abandon_rate.reshape(shape),
        occupancy=m.occupancy.reshape(shape),
    )
