# mypy: disallow-untyped-defs=False, disallow-untyped-decorators=False, disallow-untyped-calls=False
# (numba compiles the body and ignores annotations; the wrapper below is typed, like _kernel.py)
"""The event loop for the common case: one voice queue, one agent group, no redials.

It plays out exactly what the general loop (:mod:`bezetting.core.simulate._kernel`) plays out
for such a scenario, with the same tie rules, so the same draws give the same log; it is only
cheaper per event:

* **No abandonment events.** One queue served first come, first served holds a run of
  consecutive contacts (a contact joins it only while nobody is idle, so while it is not
  empty every new arrival joins it too). A waiting contact whose patience ran out before the
  moment an agent reaches it has hung up then, at its arrival plus its patience; it is
  recognised when the queue is scanned (an agent coming free, or the end of the run). A
  patience ending at the very moment an agent comes free counts as answered, as in the
  general loop, where an abandonment is handled after a completion or a start of duty at the
  same moment.
* **Three sorted streams instead of one general heap.** Arrivals and the on/off-duty events
  are sorted beforehand and read in order; only completions go through a (4-ary) heap, which
  never holds more entries than there are agents. At one moment the general order holds:
  off duty, completions (in the order they were scheduled), on duty, arrivals.
* **Idle agents** wait in a first-in, first-out ring (the head has been idle the longest);
  entries of agents that went off duty since carry a stale ``epoch`` stamp and are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
from numba import njit

__all__ = ["DUTY_OFF", "DUTY_ON", "run_fcfs_kernel"]

# Kinds of duty events, as in the general loop's order at one moment: off < completion < on.
DUTY_OFF = 0
DUTY_ON = 2


@njit(cache=True)
def _fcfs_kernel(
    arrival,  # sorted arrival times, one per contact
    handle,  # handle times at factor 1
    patience,  # patience (inf: never hangs up)
    factor,  # the group's handle-time factor
    n_agents,
    duty_time,  # on/off-duty events sorted by (time, kind, segment order)
    duty_kind,
    duty_agent,
):
    n = arrival.shape[0]
    n_duty = duty_time.shape[0]
    start = np.full(n, np.nan)
    end = np.full(n, np.nan)
    abandon = np.full(n, np.nan)
    agent_of = np.full(n, -1, np.int64)

    # Completions: a 4-ary heap ordered by (time, contact), at most one entry per agent (half
    # the depth of a binary heap; the four children share a cache line). Slots past the end
    # hold +inf, so every entry has four children to compare. Contacts start service in the
    # order of their index (one queue, first come first served), so the contact index orders
    # simultaneous completions as the general loop's sequence numbers do.
    cap = 4 * n_agents + 8
    ht = np.full(cap, np.inf)
    hc = np.zeros(cap, np.int64)
    size = 0

    # Idle agents: a ring whose capacity is a power of two (index by mask, no division).
    ring = 1
    while ring < n_agents + n_duty + 1:
        ring *= 2
    mask = ring - 1
    i_agent = np.empty(ring, np.int64)
    i_epoch = np.empty(ring, np.int64)
    i_head = 0
    i_count = 0
    epoch = np.zeros(n_agents, np.int64)
    on_duty = np.zeros(n_agents, np.bool_)
    busy = np.zeros(n_agents, np.bool_)

    qh = 0  # waiting contacts: indices qh .. qt - 1
    qt = 0
    p = 0  # next arrival
    d = 0  # next duty event
    inf = np.inf
    while True:
        ta = arrival[p] if p < n else inf
        td = duty_time[d] if d < n_duty else inf
        tc = ht[0] if size > 0 else inf
        free_agent = -1
        t = 0.0
        if d < n_duty and td <= ta and (td < tc or (td == tc and duty_kind[d] == DUTY_OFF)):
            # On or off duty.
            t = td
            a = duty_agent[d]
            kind = duty_kind[d]
            d += 1
            epoch[a] += 1
            if kind == DUTY_ON:
                on_duty[a] = True
                if not busy[a]:  # still on a call from before: free when it ends
                    free_agent = a
            else:
                on_duty[a] = False
        elif size > 0 and tc <= ta:
            # A completion: pop the heap's top.
            t = tc
            c = hc[0]
            size -= 1
            if size > 0:
                lt = ht[size]
                lc = hc[size]
                ht[size] = inf
                j = 0
                while True:
                    child = 4 * j + 1
                    if child >= size:
                        break
                    # The earliest of up to four children (slots past the end hold +inf).
                    best = child
                    for k in range(child + 1, child + 4):
                        if ht[k] < ht[best] or (ht[k] == ht[best] and hc[k] < hc[best]):
                            best = k
                    if ht[best] < lt or (ht[best] == lt and hc[best] < lc):
                        ht[j] = ht[best]
                        hc[j] = hc[best]
                        j = best
                    else:
                        break
                ht[j] = lt
                hc[j] = lc
            else:
                ht[0] = inf
            end[c] = t
            a = agent_of[c]
            epoch[a] += 1
            busy[a] = False
            if on_duty[a]:
                free_agent = a
        elif p < n:
            # An arrival: the agent idle the longest takes it, or it joins the queue.
            t = ta
            c = p
            p += 1
            chosen = -1
            while i_count > 0:
                slot = i_head
                i_head = (i_head + 1) & mask
                i_count -= 1
                if i_epoch[slot] == epoch[i_agent[slot]]:
                    chosen = i_agent[slot]
                    break
            if chosen >= 0:
                epoch[chosen] += 1
                busy[chosen] = True
                start[c] = t
                agent_of[c] = chosen
                done = t + handle[c] * factor
                # Push the completion.
                j = size
                size += 1
                while j > 0:
                    up = (j - 1) >> 2
                    if done < ht[up] or (done == ht[up] and c < hc[up]):
                        ht[j] = ht[up]
                        hc[j] = hc[up]
                        j = up
                    else:
                        break
                ht[j] = done
                hc[j] = c
            else:
                if qh == qt:
                    qh = c
                qt = c + 1
        else:
            break

        if free_agent >= 0:
            a = free_agent
            # Callers whose patience ran out before now have hung up; the next one is served.
            while qh < qt:
                deadline = arrival[qh] + patience[qh]
                if deadline < t:
                    abandon[qh] = deadline
                    qh += 1
                else:
                    break
            if qh < qt:
                c = qh
                qh += 1
                busy[a] = True
                start[c] = t
                agent_of[c] = a
                done = t + handle[c] * factor
                j = size
                size += 1
                while j > 0:
                    up = (j - 1) >> 2
                    if done < ht[up] or (done == ht[up] and c < hc[up]):
                        ht[j] = ht[up]
                        hc[j] = hc[up]
                        j = up
                    else:
                        break
                ht[j] = done
                hc[j] = c
            else:
                slot = (i_head + i_count) & mask
                i_agent[slot] = a
                i_epoch[slot] = epoch[a]
                i_count += 1

    # Nobody left on duty: whoever still waits hangs up when their patience runs out.
    for c in range(qh, qt):
        if patience[c] < inf:
            abandon[c] = arrival[c] + patience[c]
    return start, end, abandon, agent_of


_FcfsResult = tuple[Any, Any, Any, Any]
run_fcfs_kernel = cast(Callable[..., _FcfsResult], _fcfs_kernel)
