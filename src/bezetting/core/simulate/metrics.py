"""Metrics are reducers over the logs of a run: nothing here is counted inside the event loop.

A contact belongs to the interval in which it arrived (as in WFM reports). Service level is
the *offered* definition (answered within *t* over offered) with the *answered* one beside it;
ASA is the mean wait of answered contacts, as in :mod:`bezetting.core.queueing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from bezetting.core.errors import InputError
from bezetting.core.simulate.engine import SimulationRun
from bezetting.core.simulate.scenario import Channel

FloatArray = NDArray[np.float64]

__all__ = ["DEFAULT_WAIT_EDGES_SECONDS", "QueueKpis", "RunKpis", "WaitDistribution", "kpis"]

#: Histogram bins of the waiting-time distribution: 5 s steps to 2 minutes, then coarser.
DEFAULT_WAIT_EDGES_SECONDS: FloatArray = np.concatenate(
    [np.arange(0.0, 120.0, 5.0), np.arange(120.0, 600.0, 30.0), [600.0, 1800.0, np.inf]]
)


@dataclass(frozen=True, eq=False)
class QueueKpis:
    """Service per queue: arrays of shape (queues, intervals) or (queues,) for totals.

    Attributes:
        offered: contacts that arrived (redials included).
        answered: contacts an agent picked up.
        abandoned: contacts whose caller hung up while waiting.
        unanswered: contacts still waiting when nobody was left on duty.
        redials: offered contacts that were redials of an abandoned one.
        answered_within: answered within the queue's ``answer_within_seconds``.
        service_level: ``answered_within / offered`` (NaN when nothing was offered).
        service_level_answered: ``answered_within / answered``.
        asa_seconds: mean wait of answered contacts.
        abandon_rate: ``abandoned / offered``.
    """

    offered: FloatArray = field(repr=False)
    answered: FloatArray = field(repr=False)
    abandoned: FloatArray = field(repr=False)
    unanswered: FloatArray = field(repr=False)
    redials: FloatArray = field(repr=False)
    answered_within: FloatArray = field(repr=False)
    service_level: FloatArray = field(repr=False)
    service_level_answered: FloatArray = field(repr=False)
    asa_seconds: FloatArray = field(repr=False)
    abandon_rate: FloatArray = field(repr=False)


@dataclass(frozen=True, eq=False)
class WaitDistribution:
    """Waiting times of answered contacts per queue, as a histogram.

    Attributes:
        edges_seconds: bin edges, ``bins + 1`` of them, the last one infinite.
        counts: answered contacts per queue (rows) and bin (columns).
    """

    edges_seconds: FloatArray = field(repr=False)
    counts: FloatArray = field(repr=False)

    def share_within(self, seconds: float) -> FloatArray:
        """Per queue, the share of answered contacts that waited less than ``seconds``.

        ``seconds`` must be one of the edges (the histogram cannot split a bin); bins include
        their left edge, so a wait of exactly 0 counts from the first bin on.
        """
        matches = np.flatnonzero(self.edges_seconds == seconds)
        if matches.size == 0:
            raise InputError(f"seconds must be one of the bin edges, got {seconds!r}")
        total = self.counts.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            share: FloatArray = self.counts[:, : matches[0]].sum(axis=1) / total
        return share


@dataclass(frozen=True, eq=False)
class RunKpis:
    """Everything measured in one run.

    Attributes:
        per_interval: per queue and interval of arrival.
        total: per queue over the contacts that arrived after the warm-up.
        occupancy_per_interval: per agent group and interval, busy over on-duty time (a chat
            counts as ``1 / chat_concurrency`` of an agent).
        occupancy_total: per agent group, after the warm-up.
        waits: waiting times of answered contacts (after the warm-up).
    """

    per_interval: QueueKpis
    total: QueueKpis
    occupancy_per_interval: FloatArray = field(repr=False)
    occupancy_total: FloatArray = field(repr=False)
    waits: WaitDistribution


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        result: FloatArray = np.where(denominator > 0, numerator / denominator, np.nan)
    return result


def _queue_kpis(
    cells: NDArray[np.int64], n_cells: int, run: SimulationRun, mask: NDArray[np.bool_]
) -> QueueKpis:
    log = run.contacts
    within = np.array([q.answer_within_seconds for q in run.scenario.queues])[log.queue]
    wait = log.wait_seconds
    answered = log.answered & mask
    idx = cells[mask]

    def count(flags: NDArray[np.bool_]) -> FloatArray:
        return np.bincount(cells[flags], minlength=n_cells).astype(np.float64)

    offered = np.bincount(idx, minlength=n_cells).astype(np.float64)
    n_answered = count(answered)
    answered_within = count(answered & (wait <= within))
    wait_sum = np.bincount(cells[answered], weights=wait[answered], minlength=n_cells).astype(
        np.float64
    )
    return QueueKpis(
        offered=offered,
        answered=n_answered,
        abandoned=count(log.abandoned & mask),
        unanswered=count(~log.answered & ~log.abandoned & mask),
        redials=count((log.parent >= 0) & mask),
        answered_within=answered_within,
        service_level=_ratio(answered_within, offered),
        service_level_answered=_ratio(answered_within, n_answered),
        asa_seconds=_ratio(wait_sum, n_answered),
        abandon_rate=_ratio(count(log.abandoned & mask), offered),
    )


def _reshape(k: QueueKpis, shape: tuple[int, ...]) -> QueueKpis:
    return QueueKpis(**{name: getattr(k, name).reshape(shape) for name in k.__dataclass_fields__})


def _amount_in_intervals(
    starts: FloatArray, ends: FloatArray, weights: FloatArray, edges: FloatArray
) -> FloatArray:
    """Sum over spans ``[start, end)`` of ``weight * (overlap with each interval)``.

    With ``F(x) = sum w * clip(x - start, 0, end - start)`` the amount in ``[e_i, e_i+1)`` is
    ``F(e_i+1) - F(e_i)``; ``F`` comes from sorted starts and ends and cumulative sums.
    """

    def below(points: FloatArray) -> FloatArray:
        order = np.argsort(points, kind="stable")
        p = points[order]
        w = weights[order]
        cw = np.concatenate([[0.0], np.cumsum(w)])
        cwp = np.concatenate([[0.0], np.cumsum(w * p)])
        k = np.searchsorted(p, edges, side="left")
        result: FloatArray = edges * cw[k] - cwp[k]
        return result

    cumulative = below(starts) - below(ends)
    return np.diff(cumulative)


def kpis(
    run: SimulationRun,
    *,
    warmup_seconds: float = 0.0,
    wait_edges_seconds: FloatArray = DEFAULT_WAIT_EDGES_SECONDS,
) -> RunKpis:
    """Reduce the logs of ``run`` to the numbers a planner reads.

    Args:
        run: the result of :func:`~bezetting.core.simulate.simulate`.
        warmup_seconds: contacts arriving earlier are left out of the totals and the waiting
            times (a simulation starts empty; steady-state comparisons skip that start).
        wait_edges_seconds: bin edges of the waiting-time histogram.
    """
    scenario = run.scenario
    log = run.contacts
    n_q, n_i = len(scenario.queues), scenario.n_intervals
    interval = np.minimum(
        (log.arrival_seconds // scenario.interval_seconds).astype(np.int64), n_i - 1
    )
    everything = np.ones(log.queue.size, dtype=np.bool_)
    per_interval = _reshape(
        _queue_kpis(log.queue * n_i + interval, n_q * n_i, run, everything), (n_q, n_i)
    )
    after = log.arrival_seconds >= warmup_seconds
    total = _queue_kpis(log.queue, n_q, run, after)

    edges = np.asarray(wait_edges_seconds, dtype=np.float64)
    answered = log.answered & after
    bins = np.clip(
        np.searchsorted(edges, log.wait_seconds[answered], side="right") - 1, 0, edges.size - 2
    )
    counts = np.bincount(
        log.queue[answered] * (edges.size - 1) + bins, minlength=n_q * (edges.size - 1)
    ).astype(np.float64)
    waits = WaitDistribution(edges_seconds=edges, counts=counts.reshape(n_q, edges.size - 1))

    # Occupancy: contact-seconds of each group over its on-duty seconds.
    duty = run.duty
    n_g = len(scenario.agent_groups)
    grid = np.append(scenario.interval_starts_seconds(), scenario.horizon_seconds)
    last = max(
        scenario.horizon_seconds,
        float(np.max(log.end_seconds, initial=0.0, where=log.answered)),
        float(np.max(duty.end_seconds, initial=0.0)),
    )
    grid_all = np.array([warmup_seconds, max(last, warmup_seconds)])
    concurrency = np.array([g.chat_concurrency for g in scenario.agent_groups], np.float64)
    is_chat = np.array([q.channel is Channel.CHAT for q in scenario.queues])
    busy_i = np.zeros((n_g, n_i))
    avail_i = np.zeros((n_g, n_i))
    busy_t = np.zeros(n_g)
    avail_t = np.zeros(n_g)
    handled = log.answered
    group_of_contact = duty.agent_group[log.agent[handled]] if n_g else np.zeros(0, np.int64)
    weight = np.where(is_chat[log.queue[handled]], 1.0 / concurrency[group_of_contact], 1.0)
    seg_group = duty.agent_group[duty.agent] if duty.agent.size else np.zeros(0, np.int64)
    for g in range(n_g):
        mine = group_of_contact == g
        starts, ends = log.start_seconds[handled][mine], log.end_seconds[handled][mine]
        busy_i[g] = _amount_in_intervals(starts, ends, weight[mine], grid)
        busy_t[g] = _amount_in_intervals(starts, ends, weight[mine], grid_all)[0]
        on = seg_group == g
        s, e, w = duty.start_seconds[on], duty.end_seconds[on], np.ones(int(on.sum()))
        avail_i[g] = _amount_in_intervals(s, e, w, grid)
        avail_t[g] = _amount_in_intervals(s, e, w, grid_all)[0]
    return RunKpis(
        per_interval=per_interval,
        total=total,
        occupancy_per_interval=_ratio(busy_i, avail_i),
        occupancy_total=_ratio(busy_t, avail_t),
        waits=waits,
    )
