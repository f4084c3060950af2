"""Channels other than voice: chat with concurrency, and deferred work with a deadline.

Chat
    An agent handles up to ``concurrency`` chats at once. We model each agent as
    ``concurrency`` parallel *slots* and apply Erlang C or A to the slots, with the handle time
    a chat takes *when the agent is running that many at once* (measured chat handle times
    already include the slow-down from juggling). This is the standard first-order model
    in workforce planning: it is exact when slots are
    independent and conservative when an agent with fewer chats speeds up. Agents are the slots
    divided by the concurrency, rounded up.

Email and back office
    Work that may wait (e.g. 95% within 24 hours) is not staffed per interval: a backlog
    carries over. The queue is worked first in, first out by a constant number of agents during
    the open intervals; we find the fewest agents such that the target share of items is
    finished within the deadline and the backlog does not grow over the horizon (capacity at
    least the work that arrives, so the plan holds week after week). Items are a fluid
    (arrivals spread evenly within their interval); the deadline runs on the clock, and work
    is only done while the queue is open.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bezetting.core.errors import InfeasibleError, InputError
from bezetting.core.queueing.erlang import _finite
from bezetting.core.queueing.staffing import (
    QueueModel,
    ServiceTarget,
    StaffingResult,
    required_agents,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

__all__ = ["BacklogPlan", "ChatStaffing", "backlog_staffing", "chat_required_agents"]


@dataclass(frozen=True)
class ChatStaffing:
    """Agents for a chat queue, and the slot-level result behind it.

    Attributes:
        concurrency: chats one agent handles at once.
        agents: whole agents (slots over concurrency, rounded up).
        agents_fractional: fractional slots over concurrency.
        slots: the Erlang result on slots (its ``metrics`` are per chat).
    """

    concurrency: int
    agents: IntArray
    agents_fractional: FloatArray
    slots: StaffingResult


def chat_required_agents(
    chats_load_erlangs: ArrayLike,
    *,
    aht_seconds: ArrayLike,
    concurrency: int,
    target: ServiceTarget,
    model: QueueModel = QueueModel.ERLANG_C,
    patience_seconds: ArrayLike | None = None,
) -> ChatStaffing:
    """Agents needed for chat, each running up to ``concurrency`` chats at once.

    Args:
        chats_load_erlangs: chats per interval times ``aht_seconds`` over the interval length.
        aht_seconds: a chat's handle time at the given concurrency.
        concurrency: chats per agent at once (1 to 10).
        target: what must hold for each chat.
        model: Erlang C or A on slots.
        patience_seconds: for Erlang A.
    """
    if (
        isinstance(concurrency, bool)
        or not isinstance(concurrency, int)
        or not 1 <= concurrency <= 10
    ):
        raise InputError(f"concurrency must be a whole number from 1 to 10, got {concurrency!r}")
    slots = required_agents(
        chats_load_erlangs,
        aht_seconds=aht_seconds,
        target=target,
        model=model,
        patience_seconds=patience_seconds,
    )
    agents = -(-slots.agents // concurrency)
    return ChatStaffing(
        concurrency=concurrency,
        agents=agents.astype(np.int64),
        agents_fractional=slots.agents_fractional / concurrency,
        slots=slots,
    )


@dataclass(frozen=True)
class BacklogPlan:
    """A constant staffing level for deferred work, and what it achieves.

    Attributes:
        agents_fractional: the least constant staffing meeting the target, while open.
        agents: per interval, whole agents while open (``ceil`` of the fraction), 0 when closed.
        share_within_deadline: share of judged items finished within the deadline at ``agents``.
        backlog_items: items waiting at the end of each interval at ``agents``.
        judged_items: items whose deadline falls inside the horizon (only these are judged; an
            item due after the horizon's end is judged only if it was finished by then).
    """

    agents_fractional: float
    agents: IntArray
    share_within_deadline: float
    backlog_items: FloatArray
    judged_items: float


def backlog_staffing(
    arrivals: ArrayLike,
    *,
    open_intervals: ArrayLike,
    interval_seconds: float,
    aht_seconds: float,
    deadline_seconds: float,
    target_share: float,
    initial_backlog_items: float = 0.0,
) -> BacklogPlan:
    """The fewest constant agents (while open) that finish ``target_share`` within the deadline.

    Args:
        arrivals: items arriving per interval (any channel without a caller waiting).
        open_intervals: per interval, whether the team works the queue then.
        interval_seconds: interval length.
        aht_seconds: work per item.
        deadline_seconds: clock time allowed from arrival to done (24 h = 86,400).
        target_share: share of items that must be done in time (0 < x < 1 ... 1 allowed).
        initial_backlog_items: items already waiting at the start (arrived at the start).

    Example: 1,000 emails a day arriving 08:00-18:00, worked 08:00-18:00, 95% within 24 hours.
    """
    arr = _finite(arrivals, "arrivals", minimum=0.0)
    is_open = np.asarray(open_intervals, dtype=bool)
    if arr.ndim != 1 or is_open.shape != arr.shape:
        raise InputError(
            f"arrivals and open_intervals must be 1-d and of equal length, got shapes "
            f"{arr.shape} and {is_open.shape}"
        )
    for name, value in (
        ("interval_seconds", interval_seconds),
        ("aht_seconds", aht_seconds),
        ("deadline_seconds", deadline_seconds),
    ):
        if not (math.isfinite(value) and value > 0):
            raise InputError(f"{name} must be a finite number > 0, got {value!r}")
    if not 0.0 < target_share <= 1.0:
        raise InputError(f"target_share must be above 0 and at most 1, got {target_share!r}")
    if not (math.isfinite(initial_backlog_items) and initial_backlog_items >= 0):
        raise InputError(f"initial_backlog_items must be >= 0, got {initial_backlog_items!r}")
    if not is_open.any():
        raise InfeasibleError("the queue is never open in the horizon: no staffing can work it")

    model = _FluidQueue(
        arr, is_open, interval_seconds, aht_seconds, deadline_seconds, initial_backlog_items
    )
    if model.total_items == 0.0:
        return BacklogPlan(0.0, np.zeros(arr.shape, np.int64), 1.0, np.zeros(arr.shape), 0.0)
    # The backlog must not grow over the horizon: capacity at least the work that arrives.
    floor = model.total_items * aht_seconds / float(model.open_seconds[-1])
    # Far more than enough to clear each interval's work at once: an upper bound.
    peak = max(float(arr.max()), initial_backlog_items) * aht_seconds / interval_seconds
    hi = 100.0 * (peak + floor + 1.0)
    # Shares are sums of fluid amounts: allow for rounding when the target is 100%.
    target_share = target_share - 1e-9
    if model.share_within(hi) < target_share:
        raise InfeasibleError(
            f"even {hi:.1f} agents cannot finish {target_share:.0%} within "
            f"{deadline_seconds:g} s: items arriving while closed wait longer than the deadline"
        )
    lo = 0.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if model.share_within(mid) >= target_share:
            hi = mid
        else:
            lo = mid
    hi = max(hi, floor)
    agents = np.where(is_open, math.ceil(hi - 1e-9), 0).astype(np.int64)
    whole = float(math.ceil(hi - 1e-9))
    return BacklogPlan(
        agents_fractional=hi,
        agents=agents,
        share_within_deadline=model.share_within(whole),
        backlog_items=model.backlog(whole),
        judged_items=model.judged_items(whole),
    )


class _FluidQueue:
    """First-in-first-out fluid backlog on a grid of one-minute steps."""

    _STEP_SECONDS = 60.0

    def __init__(
        self,
        arrivals: FloatArray,
        is_open: NDArray[np.bool_],
        interval_seconds: float,
        aht_seconds: float,
        deadline_seconds: float,
        initial_backlog: float,
    ) -> None:
        steps = max(1, round(interval_seconds / self._STEP_SECONDS))
        self.step_seconds = interval_seconds / steps
        self.steps_per_interval = steps
        per_step = np.repeat(arrivals / steps, steps)
        # Cumulative arrivals and open seconds at step boundaries (length m + 1).
        self.arrived = np.concatenate(([initial_backlog], initial_backlog + np.cumsum(per_step)))
        open_steps = np.repeat(is_open, steps).astype(np.float64)
        self.open_seconds = np.concatenate(([0.0], np.cumsum(open_steps * self.step_seconds)))
        self.aht_seconds = aht_seconds
        self.deadline_steps = deadline_seconds / self.step_seconds
        self.total_items = float(self.arrived[-1])

    def departed(self, agents: float) -> FloatArray:
        """Cumulative items done at each boundary: ``min over s <= t of A(s) + C(t) - C(s)``."""
        capacity = agents * self.open_seconds / self.aht_seconds
        return np.minimum.accumulate(self.arrived - capacity) + capacity

    def backlog(self, agents: float) -> FloatArray:
        waiting = self.arrived - self.departed(agents)
        return waiting[self.steps_per_interval :: self.steps_per_interval]

    def _in_time_and_judged(self, agents: float) -> tuple[float, float]:
        """Items done within their deadline, and items judged (due inside the horizon, or done).

        Items arriving in step ``i`` are counted in time up to ``D(i + deadline)``: pessimistic
        by at most one step (a minute).
        """
        departed = self.departed(agents)
        arrived = self.arrived
        last = arrived.size - 1
        times = np.arange(arrived.size, dtype=np.float64)
        due = times + self.deadline_steps
        done_at_due = np.interp(np.minimum(due, last), times, departed)
        per_step = np.diff(arrived)
        due_inside = due[:-1] <= last
        in_time = np.clip(done_at_due[:-1] - arrived[:-1], 0.0, per_step)
        done_by_end = np.clip(departed[-1] - arrived[:-1], 0.0, per_step)
        judged = np.where(due_inside, per_step, done_by_end)
        in_time = np.where(due_inside, in_time, done_by_end)
        initial_in_time = min(float(done_at_due[0]), float(arrived[0]))
        initial_judged = float(arrived[0]) if due[0] <= last else initial_in_time
        return initial_in_time + float(in_time.sum()), initial_judged + float(judged.sum())

    def share_within(self, agents: float) -> float:
        in_time, judged = self._in_time_and_judged(agents)
        return in_time / judged if judged > 0 else 1.0

    def judged_items(self, agents: float) -> float:
        return self._in_time_and_judged(agents)[1]
