"""The event loop, compiled with numba: arrays in, the contact log's columns out.

The loop knows nothing about files, calendars or distributions: every random number was drawn
before (durations per contact, in the contact's slot), so the loop is deterministic. State:

* a binary heap of pending events ordered by (time, kind, sequence number); primary arrivals
  are already sorted and are merged in from their own array instead of going through the heap;
* per queue, a FIFO of waiting contacts (abandoned ones are skipped when they reach the head);
* per agent group, a FIFO of idle agents: its head is the agent idle the longest (entries of
  agents that left are recognised by a stale ``epoch`` stamp and skipped).

What happens to a contact is written into its slot: start, end, abandonment, agent, parent (for
redials). Metrics are computed from those columns elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
from numba import njit

__all__ = ["ABANDONED", "ANSWERED", "IN_SERVICE", "NOT_ARRIVED", "WAITING", "run_kernel"]

# Contact status.
NOT_ARRIVED = 0
WAITING = 1
IN_SERVICE = 2
ANSWERED = 3
ABANDONED = 4

# Event kinds, in the order they are handled when they fall on the same moment: an agent going
# off duty does not take a contact that arrives at that moment; one coming on duty does.
_OFF = 0
_COMPLETE = 1
_ON = 2
_ABANDON = 3
_ARRIVAL = 4


@njit(cache=True, inline="always")
def _before(t1: float, k1: int, s1: int, t2: float, k2: int, s2: int) -> bool:
    if t1 != t2:
        return t1 < t2
    if k1 != k2:
        return k1 < k2
    return s1 < s2


@njit(cache=True)
def _push(ht, hk, hi, hs, size, t, k, i, s):
    j = size
    while j > 0:
        parent = (j - 1) >> 1
        if _before(t, k, s, ht[parent], hk[parent], hs[parent]):
            ht[j] = ht[parent]
            hk[j] = hk[parent]
            hi[j] = hi[parent]
            hs[j] = hs[parent]
            j = parent
        else:
            break
    ht[j] = t
    hk[j] = k
    hi[j] = i
    hs[j] = s
    return size + 1


@njit(cache=True)
def _pop(ht, hk, hi, hs, size):
    """Remove the top; the caller read it before. Returns the new size."""
    size -= 1
    if size == 0:
        return 0
    t = ht[size]
    k = hk[size]
    i = hi[size]
    s = hs[size]
    j = 0
    while True:
        left = 2 * j + 1
        if left >= size:
            break
        child = left
        right = left + 1
        if right < size and _before(ht[right], hk[right], hs[right], ht[left], hk[left], hs[left]):
            child = right
        if _before(ht[child], hk[child], hs[child], t, k, s):
            ht[j] = ht[child]
            hk[j] = hk[child]
            hi[j] = hi[child]
            hs[j] = hs[child]
            j = child
        else:
            break
    ht[j] = t
    hk[j] = k
    hi[j] = i
    hs[j] = s
    return size


@njit(cache=True)
def _grow_f(a):
    b = np.empty(2 * a.shape[0], a.dtype)
    b[: a.shape[0]] = a
    return b


@njit(cache=True)
def _kernel(
    # contacts (one slot each; primary ones first, sorted by arrival, then redial pools)
    c_queue,
    c_arrival,
    c_handle,
    c_patience,
    c_redial_u,
    c_redial_delay,
    n_primary,
    # queues
    q_is_chat,
    q_redial_p,
    q_buf_off,
    pool_next,
    pool_end,
    redial_horizon,
    # agent groups and agents
    g_factor,
    g_concurrency,
    g_skill_ptr,
    g_skill_queue,
    g_skill_prio,
    q_group_ptr,
    q_group,
    g_agent_ptr,
    a_group,
    idle_off,
    idle_cap,
    # on-duty segments, sorted by start
    seg_agent,
    seg_start,
    seg_end,
):
    n_slots = c_queue.shape[0]
    n_queues = q_is_chat.shape[0]
    n_groups = g_factor.shape[0]
    n_agents = a_group.shape[0]

    status = np.zeros(n_slots, np.int8)
    start = np.full(n_slots, np.nan)
    end = np.full(n_slots, np.nan)
    abandon = np.full(n_slots, np.nan)
    agent_of = np.full(n_slots, -1, np.int32)
    parent = np.full(n_slots, -1, np.int64)

    q_buf = np.empty(n_slots, np.int64)
    q_head = q_buf_off[:-1].copy()
    q_tail = q_buf_off[:-1].copy()
    q_waiting = np.zeros(n_queues, np.int64)

    on_duty = np.zeros(n_agents, np.bool_)
    active = np.zeros(n_agents, np.int64)
    on_voice = np.zeros(n_agents, np.bool_)
    epoch = np.zeros(n_agents, np.int64)
    idle_since = np.zeros(n_agents, np.float64)
    last_assigned = np.full(n_agents, -np.inf)

    i_buf = np.empty(idle_off[-1], np.int64)
    i_epoch = np.empty(idle_off[-1], np.int64)
    i_head = np.zeros(n_groups, np.int64)
    i_count = np.zeros(n_groups, np.int64)

    cap = 1024
    ht = np.empty(cap, np.float64)
    hk = np.empty(cap, np.int64)
    hi = np.empty(cap, np.int64)
    hs = np.empty(cap, np.int64)
    size = 0
    seq = 0

    for s in range(seg_agent.shape[0]):
        if size + 2 > ht.shape[0]:
            ht = _grow_f(ht)
            hk = _grow_f(hk)
            hi = _grow_f(hi)
            hs = _grow_f(hs)
        size = _push(ht, hk, hi, hs, size, seg_start[s], _ON, seg_agent[s], seq)
        seq += 1
        size = _push(ht, hk, hi, hs, size, seg_end[s], _OFF, seg_agent[s], seq)
        seq += 1

    overflow = False
    p = 0
    while True:
        if size + 2 > ht.shape[0]:
            ht = _grow_f(ht)
            hk = _grow_f(hk)
            hi = _grow_f(hi)
            hs = _grow_f(hs)
        if size > 0 and (p >= n_primary or ht[0] <= c_arrival[p]):
            t = ht[0]
            kind = hk[0]
            ident = hi[0]
            size = _pop(ht, hk, hi, hs, size)
        elif p < n_primary:
            t = c_arrival[p]
            kind = _ARRIVAL
            ident = p
            p += 1
        else:
            break

        # Which agent is free to pick up work now (-1: none), set by the handlers below.
        free_agent = -1

        if kind == _ARRIVAL:
            c = ident
            q = c_queue[c]
            chosen = -1
            best_idle = np.inf
            chosen_g = -1
            # Longest-idle agent among the groups with this skill.
            for kk in range(q_group_ptr[q], q_group_ptr[q + 1]):
                g = q_group[kk]
                while i_count[g] > 0:
                    a = i_buf[idle_off[g] + i_head[g]]
                    if i_epoch[idle_off[g] + i_head[g]] == epoch[a]:
                        break
                    i_head[g] = (i_head[g] + 1) % idle_cap[g]
                    i_count[g] -= 1
                if i_count[g] > 0:
                    a = i_buf[idle_off[g] + i_head[g]]
                    if idle_since[a] < best_idle:
                        best_idle = idle_since[a]
                        chosen = a
                        chosen_g = g
            if chosen >= 0:
                i_head[chosen_g] = (i_head[chosen_g] + 1) % idle_cap[chosen_g]
                i_count[chosen_g] -= 1
            elif q_is_chat[q]:
                # Nobody idle: the chat agent with the fewest chats (then longest since the last).
                best_active = 1 << 62
                best_last = np.inf
                for kk in range(q_group_ptr[q], q_group_ptr[q + 1]):
                    g = q_group[kk]
                    for a in range(g_agent_ptr[g], g_agent_ptr[g + 1]):
                        free = on_duty[a] and not on_voice[a] and active[a] < g_concurrency[g]
                        if free and (
                            active[a] < best_active
                            or (active[a] == best_active and last_assigned[a] < best_last)
                        ):
                            best_active = active[a]
                            best_last = last_assigned[a]
                            chosen = a
            if chosen >= 0:
                status[c] = IN_SERVICE
                start[c] = t
                agent_of[c] = chosen
                active[chosen] += 1
                epoch[chosen] += 1
                last_assigned[chosen] = t
                if not q_is_chat[q]:
                    on_voice[chosen] = True
                done = t + c_handle[c] * g_factor[a_group[chosen]]
                size = _push(ht, hk, hi, hs, size, done, _COMPLETE, c, seq)
                seq += 1
            else:
                status[c] = WAITING
                q_buf[q_tail[q]] = c
                q_tail[q] += 1
                q_waiting[q] += 1
                if c_patience[c] < np.inf:
                    size = _push(ht, hk, hi, hs, size, t + c_patience[c], _ABANDON, c, seq)
                    seq += 1

        elif kind == _ABANDON:
            c = ident
            if status[c] == WAITING:
                q = c_queue[c]
                status[c] = ABANDONED
                abandon[c] = t
                q_waiting[q] -= 1
                if c_redial_u[c] < q_redial_p[q]:
                    again = t + c_redial_delay[c]
                    if again < redial_horizon:
                        k = pool_next[q]
                        if k >= pool_end[q]:
                            overflow = True
                            break
                        pool_next[q] += 1
                        c_arrival[k] = again
                        parent[k] = c
                        size = _push(ht, hk, hi, hs, size, again, _ARRIVAL, k, seq)
                        seq += 1

        elif kind == _COMPLETE:
            c = ident
            a = agent_of[c]
            status[c] = ANSWERED
            end[c] = t
            active[a] -= 1
            if active[a] == 0:
                on_voice[a] = False
            if on_duty[a]:
                free_agent = a

        elif kind == _ON:
            a = ident
            on_duty[a] = True
            free_agent = a

        else:  # _OFF
            a = ident
            on_duty[a] = False
            epoch[a] += 1

        if free_agent >= 0:
            a = free_agent
            g = a_group[a]
            # Take work from the skills in priority order (ties: the longest-waiting head).
            while True:
                best_q = -1
                best_prio = 0
                best_arrival = np.inf
                for kk in range(g_skill_ptr[g], g_skill_ptr[g + 1]):
                    q = g_skill_queue[kk]
                    if best_q >= 0 and g_skill_prio[kk] > best_prio:
                        break
                    if q_waiting[q] == 0:
                        continue
                    if q_is_chat[q]:
                        if on_voice[a] or active[a] >= g_concurrency[g]:
                            continue
                    elif active[a] > 0:
                        continue
                    while status[q_buf[q_head[q]]] != WAITING:
                        q_head[q] += 1
                    head_arrival = c_arrival[q_buf[q_head[q]]]
                    if best_q < 0 or head_arrival < best_arrival:
                        best_q = q
                        best_prio = g_skill_prio[kk]
                        best_arrival = head_arrival
                if best_q < 0:
                    break
                q = best_q
                c = q_buf[q_head[q]]
                q_head[q] += 1
                q_waiting[q] -= 1
                status[c] = IN_SERVICE
                start[c] = t
                agent_of[c] = a
                active[a] += 1
                last_assigned[a] = t
                if not q_is_chat[q]:
                    on_voice[a] = True
                done = t + c_handle[c] * g_factor[g]
                if size + 2 > ht.shape[0]:
                    ht = _grow_f(ht)
                    hk = _grow_f(hk)
                    hi = _grow_f(hi)
                    hs = _grow_f(hs)
                size = _push(ht, hk, hi, hs, size, done, _COMPLETE, c, seq)
                seq += 1
            if active[a] == 0:
                # Idle: join the back of the group's idle line.
                epoch[a] += 1
                idle_since[a] = t
                slot = (i_head[g] + i_count[g]) % idle_cap[g]
                i_buf[idle_off[g] + slot] = a
                i_epoch[idle_off[g] + slot] = epoch[a]
                i_count[g] += 1
            else:
                epoch[a] += 1

    return status, start, end, abandon, agent_of, parent, overflow


_KernelResult = tuple[Any, Any, Any, Any, Any, Any, bool]
run_kernel = cast(Callable[..., _KernelResult], _kernel)
