"""Play a scenario out once: draw the random numbers, run the event loop, return the log.

>>> import numpy as np
>>> from bezetting.core.simulate import (
...     AgentGroup, Exponential, PoissonArrivals, Queue, RequirementStaffing, Scenario, Skill,
...     simulate)
>>> scenario = Scenario(
...     interval_seconds=900, n_intervals=4,
...     queues=(Queue("voice", PoissonArrivals([40]), Exponential(240),
...                   patience=Exponential(120)),),
...     agent_groups=(AgentGroup("team", (Skill("voice"),), RequirementStaffing([12])),))
>>> run = simulate(scenario, rng=np.random.default_rng(7))
>>> bool(run.log.arrival_seconds.size > 100)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from bezetting.core.simulate._fcfs_kernel import DUTY_OFF, DUTY_ON, run_fcfs_kernel
from bezetting.core.simulate._kernel import NOT_ARRIVED, run_kernel
from bezetting.core.simulate.distributions import Distribution
from bezetting.core.simulate.scenario import (
    Channel,
    PoissonArrivals,
    Queue,
    Scenario,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

__all__ = ["ContactLog", "DutyLog", "EventLoop", "SimulationRun", "fits_fcfs_loop", "simulate"]

EventLoop = Literal["auto", "general"]
"""Which event loop plays a scenario out: ``"auto"`` takes the specialised one when the
scenario fits it (one voice queue, one agent group, no redials), ``"general"`` always the
general one. Both give the same log for the same draws."""

# Uniform numbers drawn per contact: handle time, patience, redial decision, redial delay.
_DRAWS = 4
# The specialised loop needs only the first two.
_FCFS_DRAWS = 2


@dataclass(frozen=True, eq=False)
class ContactLog:
    """What happened to every contact: one row per contact, sorted by arrival.

    A contact is *answered* when ``start_seconds`` is set, *abandoned* when
    ``abandon_seconds`` is set, and neither when it was still waiting with nobody left on duty.
    Times are seconds from the start of the grid; unset times are NaN.

    Attributes:
        queue: index into ``scenario.queues``.
        arrival_seconds: when the contact arrived.
        start_seconds: when an agent picked it up.
        end_seconds: when the agent finished it.
        abandon_seconds: when the caller hung up while waiting.
        agent: index of the agent who handled it, -1 if none (see :class:`DutyLog`).
        parent: for a redial, the row of the abandoned contact it follows up; -1 otherwise.
    """

    queue: IntArray = field(repr=False)
    arrival_seconds: FloatArray = field(repr=False)
    start_seconds: FloatArray = field(repr=False)
    end_seconds: FloatArray = field(repr=False)
    abandon_seconds: FloatArray = field(repr=False)
    agent: IntArray = field(repr=False)
    parent: IntArray = field(repr=False)

    @property
    def answered(self) -> NDArray[np.bool_]:
        """Contacts an agent picked up."""
        return np.isfinite(self.start_seconds)

    @property
    def abandoned(self) -> NDArray[np.bool_]:
        """Contacts whose caller hung up while waiting."""
        return np.isfinite(self.abandon_seconds)

    @property
    def wait_seconds(self) -> FloatArray:
        """Time in queue: until answered, until abandoned, NaN when neither happened."""
        result: FloatArray = (
            np.where(self.answered, self.start_seconds, self.abandon_seconds) - self.arrival_seconds
        )
        return result


@dataclass(frozen=True, eq=False)
class DutyLog:
    """Who was on duty when: one row per stretch of duty (shifts with their breaks cut out).

    Attributes:
        agent_group: per agent, the index into ``scenario.agent_groups``.
        agent: per stretch, the agent.
        start_seconds: per stretch, its start.
        end_seconds: per stretch, its end.
    """

    agent_group: IntArray = field(repr=False)
    agent: IntArray = field(repr=False)
    start_seconds: FloatArray = field(repr=False)
    end_seconds: FloatArray = field(repr=False)


@dataclass(frozen=True, eq=False)
class SimulationRun:
    """One replication: the scenario and its logs. Metrics are reducers over these logs."""

    scenario: Scenario
    contacts: ContactLog
    duty: DutyLog

    @property
    def log(self) -> ContactLog:
        """The contact log (the same as :attr:`contacts`)."""
        return self.contacts


@dataclass(frozen=True, eq=False)
class _Staff:
    g_factor: FloatArray
    g_concurrency: IntArray
    g_skill_ptr: IntArray
    g_skill_queue: IntArray
    g_skill_prio: IntArray
    q_group_ptr: IntArray
    q_group: IntArray
    g_agent_ptr: IntArray
    idle_off: IntArray
    idle_cap: IntArray
    duty: DutyLog


def _csr(rows: list[list[int]]) -> tuple[IntArray, IntArray]:
    ptr = np.zeros(len(rows) + 1, np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    flat = np.array([x for r in rows for x in r], dtype=np.int64)
    return ptr, flat


def _staff(scenario: Scenario) -> _Staff:
    index = {q.name: i for i, q in enumerate(scenario.queues)}
    skills: list[list[int]] = []
    prios: list[list[int]] = []
    by_queue: list[list[int]] = [[] for _ in scenario.queues]
    agent_group: list[int] = []
    seg_agent: list[int] = []
    seg_start: list[float] = []
    seg_end: list[float] = []
    agent_ptr = [0]
    idle_cap: list[int] = []
    for g, group in enumerate(scenario.agent_groups):
        ordered = sorted(group.skills, key=lambda s: s.priority)
        skills.append([index[s.queue] for s in ordered])
        prios.append([s.priority for s in ordered])
        for s in group.skills:
            by_queue[index[s.queue]].append(g)
        segments = scenario.on_duty_segments(group)
        for per_agent in segments:
            a = len(agent_group)
            agent_group.append(g)
            for start, end in per_agent:
                seg_agent.append(a)
                seg_start.append(start)
                seg_end.append(end)
        agent_ptr.append(len(agent_group))
        idle_cap.append(len(segments) + sum(len(x) for x in segments) + 1)
    g_skill_ptr, g_skill_queue = _csr(skills)
    _, g_skill_prio = _csr(prios)
    q_group_ptr, q_group = _csr(by_queue)
    order = np.argsort(np.array(seg_start, dtype=np.float64), kind="stable")
    idle = np.array(idle_cap, dtype=np.int64)
    idle_off = np.zeros(len(idle) + 1, np.int64)
    idle_off[1:] = np.cumsum(idle)
    return _Staff(
        g_factor=np.array([g.handle_time_factor for g in scenario.agent_groups], np.float64),
        g_concurrency=np.array([g.chat_concurrency for g in scenario.agent_groups], np.int64),
        g_skill_ptr=g_skill_ptr,
        g_skill_queue=g_skill_queue,
        g_skill_prio=g_skill_prio,
        q_group_ptr=q_group_ptr,
        q_group=q_group,
        g_agent_ptr=np.array(agent_ptr, np.int64),
        idle_off=idle_off,
        idle_cap=idle,
        duty=DutyLog(
            agent_group=np.array(agent_group, np.int64),
            agent=np.array(seg_agent, np.int64)[order],
            start_seconds=np.array(seg_start, np.float64)[order],
            end_seconds=np.array(seg_end, np.float64)[order],
        ),
    )


def _durations(dist: Distribution | None, u: FloatArray) -> FloatArray:
    if dist is None:
        return np.full(u.shape, np.inf)
    return dist.from_uniform(u)


@dataclass
class _Draws:
    """Per queue: uniforms for contacts, primary ones and a growable pool for redials.

    The primary ones are drawn one row per kind (handle time, patience, redial decision,
    redial delay) and one column per contact, so a run that needs only the first rows draws
    only those and gets the same values. The pool is one row per contact, so that drawing
    more rows leaves the ones drawn before as they were.
    """

    arrivals: FloatArray
    primary: FloatArray
    pool_rng: np.random.Generator
    pool: FloatArray


def _primary_arrivals(scenario: Scenario, queue: Queue, rng: np.random.Generator) -> FloatArray:
    if isinstance(queue.arrivals, PoissonArrivals):
        # Piecewise-constant rate: a Poisson count per interval, placed uniformly inside it.
        counts = rng.poisson(scenario.arrival_rates(queue))
        starts = np.repeat(scenario.interval_starts_seconds(), counts)
        times: FloatArray = rng.random(starts.size)
        times *= scenario.interval_seconds
        times += starts
        times.sort()  # in place: no copy
        return times
    return np.array(queue.arrivals.times_seconds, dtype=np.float64)


def _initial_pool(queue: Queue, n_primary: int) -> int:
    if queue.redial is None or queue.redial.probability == 0.0 or queue.patience is None:
        return 0
    return math.ceil(n_primary * queue.redial.probability) + 64


def fits_fcfs_loop(scenario: Scenario) -> bool:
    """Whether the specialised event loop can play ``scenario`` out.

    It needs one voice queue served by one agent group, and no redials (abandoned callers
    who call again); staffing may be per interval or named agents with shifts and breaks.
    """
    if len(scenario.queues) != 1 or len(scenario.agent_groups) != 1:
        return False
    queue = scenario.queues[0]
    if queue.channel is not Channel.VOICE:
        return False
    return queue.redial is None or queue.redial.probability == 0.0 or queue.patience is None


def simulate(
    scenario: Scenario, *, rng: np.random.Generator, event_loop: EventLoop = "auto"
) -> SimulationRun:
    """Play ``scenario`` out once.

    Args:
        scenario: what to simulate.
        rng: the source of every random number; the same seed gives the same log.
        event_loop: ``"auto"`` (the specialised loop when :func:`fits_fcfs_loop`) or
            ``"general"``; the log is the same either way.

    Returns:
        The contact and duty logs of the run.
    """
    staff = _staff(scenario)
    streams = rng.spawn(2 * len(scenario.queues))
    fcfs = event_loop == "auto" and fits_fcfs_loop(scenario)
    draws: list[_Draws] = []
    for q, queue in enumerate(scenario.queues):
        arrivals = _primary_arrivals(scenario, queue, streams[2 * q])
        primary = streams[2 * q].random((_FCFS_DRAWS if fcfs else _DRAWS, arrivals.size))
        pool_rng = streams[2 * q + 1]
        pool = pool_rng.random((_initial_pool(queue, arrivals.size), _DRAWS))
        draws.append(_Draws(arrivals, primary, pool_rng, pool))
    if fcfs:
        return _run_fcfs(scenario, staff, draws[0])
    while True:
        result = _run_once(scenario, staff, draws)
        if result is not None:
            return result
        # More redials than slots: draw more from the same streams and play the run again.
        # The uniforms already drawn stay the same, so the run is as if the pool were larger.
        for d in draws:
            if d.pool.shape[0]:
                extra = d.pool_rng.random((d.pool.shape[0], _DRAWS))
                d.pool = np.concatenate([d.pool, extra])


def _run_once(scenario: Scenario, staff: _Staff, draws: list[_Draws]) -> SimulationRun | None:
    n_queues = len(scenario.queues)
    primary_queue = np.concatenate(
        [np.full(d.arrivals.size, q, np.int64) for q, d in enumerate(draws)]
    )
    primary_arrival = np.concatenate([d.arrivals for d in draws])
    primary_u = np.concatenate([d.primary.T for d in draws])
    order = np.argsort(primary_arrival, kind="stable")
    pool_sizes = np.array([d.pool.shape[0] for d in draws], np.int64)
    n_primary = order.size
    c_queue = np.concatenate(
        [primary_queue[order]]
        + [np.full(d.pool.shape[0], q, np.int64) for q, d in enumerate(draws)]
    )
    c_arrival = np.concatenate([primary_arrival[order], np.full(int(pool_sizes.sum()), np.nan)])
    u = np.concatenate([primary_u[order]] + [d.pool for d in draws])
    c_handle = np.empty(c_queue.size)
    c_patience = np.empty(c_queue.size)
    c_delay = np.zeros(c_queue.size)
    for q, queue in enumerate(scenario.queues):
        mine = c_queue == q
        c_handle[mine] = _durations(queue.handle_time, u[mine, 0])
        c_patience[mine] = _durations(queue.patience, u[mine, 1])
        if queue.redial is not None:
            c_delay[mine] = _durations(queue.redial.delay, u[mine, 3])
    per_queue = np.bincount(c_queue, minlength=n_queues).astype(np.int64)
    q_buf_off = np.zeros(n_queues + 1, np.int64)
    q_buf_off[1:] = np.cumsum(per_queue)
    pool_start = n_primary + np.concatenate([[0], np.cumsum(pool_sizes)[:-1]]).astype(np.int64)
    status, start, end, abandon, agent, parent, overflow = run_kernel(
        c_queue,
        c_arrival,
        c_handle,
        c_patience,
        np.ascontiguousarray(u[:, 2]),
        c_delay,
        n_primary,
        np.array([q.channel is Channel.CHAT for q in scenario.queues], np.bool_),
        np.array([q.redial.probability if q.redial else 0.0 for q in scenario.queues]),
        q_buf_off,
        pool_start.copy(),
        pool_start + pool_sizes,
        scenario.horizon_seconds,
        staff.g_factor,
        staff.g_concurrency,
        staff.g_skill_ptr,
        staff.g_skill_queue,
        staff.g_skill_prio,
        staff.q_group_ptr,
        staff.q_group,
        staff.g_agent_ptr,
        staff.duty.agent_group,
        staff.idle_off,
        staff.idle_cap,
        staff.duty.agent,
        staff.duty.start_seconds,
        staff.duty.end_seconds,
    )
    if overflow:
        return None
    kept = np.flatnonzero(status != NOT_ARRIVED)
    rows = kept[np.argsort(c_arrival[kept], kind="stable")]
    new_row = np.full(c_queue.size, -1, np.int64)
    new_row[rows] = np.arange(rows.size)
    old_parent = parent[rows]
    new_parent = np.where(old_parent >= 0, new_row[np.maximum(old_parent, 0)], -1)
    log = ContactLog(
        queue=c_queue[rows],
        arrival_seconds=c_arrival[rows],
        start_seconds=start[rows],
        end_seconds=end[rows],
        abandon_seconds=abandon[rows],
        agent=agent[rows].astype(np.int64),
        parent=new_parent.astype(np.int64),
    )
    return SimulationRun(scenario=scenario, contacts=log, duty=staff.duty)


def _run_fcfs(scenario: Scenario, staff: _Staff, draws: _Draws) -> SimulationRun:
    queue = scenario.queues[0]
    u = draws.primary
    handle = _durations(queue.handle_time, u[0])
    patience = _durations(queue.patience, u[1])
    # On/off-duty events in the general loop's order: time, then off before on, then the
    # order in which the general loop scheduled them (by the stretch's start).
    duty = staff.duty
    n_stretches = duty.agent.size
    times = np.concatenate([duty.start_seconds, duty.end_seconds])
    kinds = np.concatenate(
        [np.full(n_stretches, DUTY_ON, np.int64), np.full(n_stretches, DUTY_OFF, np.int64)]
    )
    seqs = np.concatenate([2 * np.arange(n_stretches), 2 * np.arange(n_stretches) + 1])
    order = np.lexsort((seqs, kinds, times))
    start, end, abandon, agent = run_fcfs_kernel(
        draws.arrivals,
        handle,
        patience,
        float(staff.g_factor[0]),
        duty.agent_group.size,
        times[order],
        kinds[order],
        np.concatenate([duty.agent, duty.agent])[order],
    )
    n = draws.arrivals.size
    log = ContactLog(
        queue=np.zeros(n, np.int64),
        arrival_seconds=draws.arrivals,
        start_seconds=start,
        end_seconds=end,
        abandon_seconds=abandon,
        agent=agent,
        parent=np.full(n, -1, np.int64),
    )
    return SimulationRun(scenario=scenario, contacts=log, duty=duty)
