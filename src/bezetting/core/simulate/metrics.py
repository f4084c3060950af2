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


@dataclass(frozen=True, eq=False)
class _Flags:
    """Per contact, computed once from the log for both reductions."""

    answered: NDArray[np.bool_]
    abandoned: NDArray[np.bool_]
    within: NDArray[np.bool_]  # answered within the queue's t
    redial: NDArray[np.bool_]
    wait_seconds: FloatArray


def _flags(run: SimulationRun) -> _Flags:
    log = run.contacts
    answered = log.answered
    abandoned = log.abandoned
    wait = log.wait_seconds
    limits = np.array([q.answer_within_seconds for q in run.scenario.queues])
    limit = limits[log.queue] if limits.size > 1 else limits[0]
    return _Flags(answered, abandoned, answered & (wait <= limit), log.parent >= 0, wait)


def _queue_kpis(
    cells: NDArray[np.int64], n_cells: int, flags: _Flags, mask: NDArray[np.bool_] | None
) -> QueueKpis:
    def count(selected: NDArray[np.bool_]) -> FloatArray:
        if mask is not None:
            selected = selected & mask
        return np.bincount(cells[selected], minlength=n_cells).astype(np.float64)

    offered = np.bincount(cells if mask is None else cells[mask], minlength=n_cells).astype(
        np.float64
    )
    answered = flags.answered if mask is None else flags.answered & mask
    n_answered = np.bincount(cells[answered], minlength=n_cells).astype(np.float64)
    answered_within = count(flags.within)
    abandoned = count(flags.abandoned)
    wait_sum = np.bincount(
        cells[answered], weights=flags.wait_seconds[answered], minlength=n_cells
    ).astype(np.float64)
    return QueueKpis(
        offered=offered,
        answered=n_answered,
        abandoned=abandoned,
        unanswered=offered - n_answered - abandoned,
        redials=count(flags.redial),
        answered_within=answered_within,
        service_level=_ratio(answered_within, offered),
        service_level_answered=_ratio(answered_within, n_answered),
        asa_seconds=_ratio(wait_sum, n_answered),
        abandon_rate=_ratio(abandoned, offered),
    )


def _reshape(k: QueueKpis, shape: tuple[int, ...]) -> QueueKpis:
    return QueueKpis(**{name: getattr(k, name).reshape(shape) for name in k.__dataclass_fields__})


def _overruns(
    seg_agent: NDArray[np.int64],
    seg_start: FloatArray,
    seg_end: FloatArray,
    agent: NDArray[np.int64],
    start: FloatArray,
    end: FloatArray,
    weight: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The part of each contact after its agent's duty stretch ended, up to the next stretch.

    A contact starts while its agent is on duty; the stretch containing its start is found by
    sorting stretches by (agent, start).
    """
    if seg_agent.size == 0 or agent.size == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    order = np.lexsort((seg_start, seg_agent))
    sa, ss, se = seg_agent[order], seg_start[order], seg_end[order]
    # Position of each contact's stretch: the last stretch of that agent starting at or before
    # it, found on one sorted key (agent, time) packed into a float (sub-millisecond exact).
    origin = float(min(ss.min(), start.min()))
    span = float(max(se.max(), end.max(), ss.max(), start.max())) - origin + 1.0
    seg_key = sa * span + (ss - origin)
    contact_key = agent * span + (start - origin)
    next_agent = np.searchsorted(sa, agent, side="right")
    first_of_agent = np.searchsorted(sa, agent, side="left")
    idx = np.maximum(np.searchsorted(seg_key, contact_key, side="right") - 1, first_of_agent)
    stretch_end = se[idx]
    has_next = idx + 1 < next_agent
    next_start = np.where(has_next, ss[np.minimum(idx + 1, ss.size - 1)], np.inf)
    o_end = np.minimum(end, next_start)
    over = o_end > stretch_end
    return stretch_end[over], o_end[over], weight[over]


def _amount_in_intervals(
    starts: FloatArray, ends: FloatArray, weights: FloatArray, edges: FloatArray
) -> FloatArray:
    """Sum over spans ``[start, end)`` of ``weight * (overlap with each interval)``.

    The intervals are ``[edges[i], edges[i+1])``. Each span is placed by the gap between
    edges it starts and ends in (no sort): a span inside one gap counts whole there; one
    crossing edges counts its head and tail in their gaps and the whole width of every gap
    in between (a running sum of the spans covering it). Every amount is a difference of
    nearby times, so no precision is lost to large absolute times.
    """
    k = edges.size
    n = k + 1  # gaps: before the first edge, the k - 1 intervals, after the last edge
    first = np.searchsorted(edges, starts, side="right")
    last = np.searchsorted(edges, ends, side="right")
    inside = first == last
    amount = np.bincount(
        first[inside], weights=(weights * (ends - starts))[inside], minlength=n
    ).astype(np.float64)
    crossing = ~inside
    if crossing.any():
        s, e, w = starts[crossing], ends[crossing], weights[crossing]
        a, b = first[crossing], last[crossing]
        amount += np.bincount(a, weights=w * (edges[a] - s), minlength=n)
        amount += np.bincount(b, weights=w * (e - edges[b - 1]), minlength=n)
        covering = np.cumsum(
            np.bincount(a + 1, weights=w, minlength=n + 1)
            - np.bincount(b, weights=w, minlength=n + 1)
        )
        amount[1:k] += covering[1:k] * np.diff(edges)
    result: FloatArray = amount[1:k]
    return result


def _amount_within(
    starts: FloatArray, ends: FloatArray, weights: FloatArray, since: float, until: float
) -> float:
    """Sum over spans ``[start, end)`` of ``weight * (overlap with [since, until))``."""
    overlap = np.minimum(ends, until) - np.maximum(starts, since)
    return float(np.sum(weights * np.maximum(overlap, 0.0)))


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
    flags = _flags(run)
    per_interval = _reshape(
        _queue_kpis(log.queue * n_i + interval, n_q * n_i, flags, None), (n_q, n_i)
    )
    after = log.arrival_seconds >= warmup_seconds
    total = _queue_kpis(log.queue, n_q, flags, after)

    edges = np.asarray(wait_edges_seconds, dtype=np.float64)
    answered = flags.answered & after
    bins = np.clip(
        np.searchsorted(edges, flags.wait_seconds[answered], side="right") - 1, 0, edges.size - 2
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
        float(np.max(log.end_seconds, initial=0.0, where=flags.answered)),
        float(np.max(duty.end_seconds, initial=0.0)),
    )
    since, until = warmup_seconds, max(last, warmup_seconds)
    concurrency = np.array([g.chat_concurrency for g in scenario.agent_groups], np.float64)
    is_chat = np.array([q.channel is Channel.CHAT for q in scenario.queues])
    busy_i = np.zeros((n_g, n_i))
    avail_i = np.zeros((n_g, n_i))
    busy_t = np.zeros(n_g)
    avail_t = np.zeros(n_g)
    handled = flags.answered
    group_of_contact = duty.agent_group[log.agent[handled]] if n_g else np.zeros(0, np.int64)
    weight = np.where(is_chat[log.queue[handled]], 1.0 / concurrency[group_of_contact], 1.0)
    seg_group = duty.agent_group[duty.agent] if duty.agent.size else np.zeros(0, np.int64)
    for g in range(n_g):
        mine = group_of_contact == g
        starts, ends = log.start_seconds[handled][mine], log.end_seconds[handled][mine]
        busy_i[g] = _amount_in_intervals(starts, ends, weight[mine], grid)
        busy_t[g] = _amount_within(starts, ends, weight[mine], since, until)
        on = seg_group == g
        s, e, w = duty.start_seconds[on], duty.end_seconds[on], np.ones(int(on.sum()))
        # An agent who goes off duty mid-contact keeps working until it ends: that overrun is
        # working time too, so busy time can never exceed the time counted as available.
        o_s, o_e, o_w = _overruns(
            duty.agent[on], s, e, log.agent[handled][mine], starts, ends, weight[mine]
        )
        avail_i[g] = _amount_in_intervals(s, e, w, grid) + _amount_in_intervals(o_s, o_e, o_w, grid)
        avail_t[g] = _amount_within(s, e, w, since, until) + _amount_within(
            o_s, o_e, o_w, since, until
        )
    return RunKpis(
        per_interval=per_interval,
        total=total,
        occupancy_per_interval=_ratio(busy_i, avail_i),
        occupancy_total=_ratio(busy_t, avail_t),
        waits=waits,
    )
