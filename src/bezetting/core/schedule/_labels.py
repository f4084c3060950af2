"""Which group each agent on duty serves, slot by slot: the labels that cost least.

The agent-by-agent search (:mod:`._agent_search`) labels each slot of an agent's shift with
the group that agent helps most, given everyone else's labels. A chain of relabels (one
agent from email to voice so that another can go from voice to chat) is beyond any single
agent's move, so the labels of a local optimum can still be improved with the shifts and
breaks unchanged. With those fixed, the best labels of one slot are a small transportation
problem: skill classes (agents with the same groups) send their agents on duty to the open
groups they may serve; a group's first ``required`` agents each save the shortage's worth,
every one after that costs the surplus. All slots together are one min-cost flow, solved
exactly (OR-Tools), so the answer never costs more than the labels it starts from.

Measured on a 200-agent, 4-week schedule of the search: 102,374 to 101,394 in coverage cost
(about 1% of the whole objective), the same shifts and breaks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

__all__ = ["best_labels", "coverage_cost"]


def coverage_cost(
    staffed: NDArray[np.number],
    required: NDArray[np.floating],
    short_worth: NDArray[np.floating],
    surplus_cost: float,
) -> float:
    """Shortage times its worth plus surplus times its cost, over groups and slots."""
    short = np.maximum(required - staffed, 0)
    surplus = np.maximum(staffed - required, 0)
    return float((short * short_worth).sum() + surplus_cost * surplus.sum())


def best_labels(
    contrib: NDArray[np.int16],
    skill_class: Sequence[int],
    usable: Sequence[NDArray[np.bool_]],
    required: NDArray[np.floating],
    short_worth: NDArray[np.floating],
    surplus_cost: int,
) -> NDArray[np.int16]:
    """``contrib`` (agents x groups x slots, one label per agent on duty) relabelled at least cost.

    ``skill_class[a]``: agent ``a``'s class, the same for agents with the same ``usable``
    mask (groups x slots: may serve that group then); ``short_worth`` (whole numbers) and
    ``surplus_cost`` as in the objective. Each agent keeps exactly the slots it works; where
    the best counts of its class allow, it keeps its label, and otherwise takes the label it
    has just taken at the slot before, so a shift is split into few activities.
    """
    n_a, n_g, n_t = contrib.shape
    # On duty with a group it may serve then (any other label is left as it is).
    on_duty = (contrib > 0).any(axis=1) & np.array([u.any(axis=0) for u in usable])
    classes = sorted(set(skill_class))
    k_of = {k: i for i, k in enumerate(classes)}
    n_k = len(classes)
    member = np.zeros((n_k, n_a), dtype=bool)
    for a, k in enumerate(skill_class):
        member[k_of[k], a] = True
    mask = np.zeros((n_k, n_g, n_t), dtype=bool)
    for a, k in enumerate(skill_class):
        mask[k_of[k]] = usable[a]
    supply = (member[:, :, None] & on_duty[None, :, :]).sum(axis=1)  # classes x slots
    counts = _flow(supply, mask, required, short_worth, surplus_cost)
    out = _assign(contrib, on_duty, member, counts)
    return np.where(on_duty[:, None, :], out, contrib).astype(np.int16)


def _flow(
    supply: NDArray[np.int64],
    mask: NDArray[np.bool_],
    required: NDArray[np.floating],
    short_worth: NDArray[np.floating],
    surplus_cost: int,
) -> NDArray[np.int64]:
    """Agents of each class per group and slot (classes x groups x slots) at least cost."""
    n_k, n_g, n_t = mask.shape
    per_slot = n_k + n_g
    sink = n_t * per_slot

    def class_node(k: NDArray[np.intp], t: NDArray[np.intp]) -> NDArray[np.intp]:
        return np.asarray(t * per_slot + k, dtype=np.intp)

    def group_node(g: NDArray[np.intp], t: NDArray[np.intp]) -> NDArray[np.intp]:
        return np.asarray(t * per_slot + n_k + g, dtype=np.intp)

    k_idx, g_idx, t_idx = np.nonzero(mask & (supply[:, None, :] > 0))
    total = int(supply.sum())
    grid_g, grid_t = np.meshgrid(np.arange(n_g), np.arange(n_t), indexing="ij")
    gg, tt = grid_g.ravel(), grid_t.ravel()
    need = np.round(required).astype(np.int64).ravel()
    worth = np.round(short_worth).astype(np.int64).ravel()
    # Every unit of flow leaves its group by one of the two sink arcs, so lifting both by the
    # largest worth keeps costs non-negative and changes the total by a constant only.
    lift = int(worth.max(initial=0))
    tails = np.concatenate([class_node(k_idx, t_idx), group_node(gg, tt), group_node(gg, tt)])
    heads = np.concatenate([group_node(g_idx, t_idx), np.full(2 * gg.size, sink, dtype=np.int64)])
    caps = np.concatenate(
        [supply[k_idx, t_idx], np.maximum(need, 0), np.full(gg.size, max(total, 1))]
    )
    costs = np.concatenate(
        [np.zeros(k_idx.size, dtype=np.int64), lift - worth, np.full(gg.size, lift + surplus_cost)]
    )
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    kk, ts = np.nonzero(supply)
    nodes = np.concatenate([class_node(kk, ts), [sink]])
    supplies = np.concatenate([supply[kk, ts], [-total]])
    solver.set_nodes_supplies(nodes, supplies)
    status = solver.solve()
    if status != solver.OPTIMAL:  # pragma: no cover - the network is always feasible
        raise RuntimeError(f"label flow not solved: {status}")
    flows = solver.flows(arcs[: k_idx.size])
    counts = np.zeros((n_k, n_g, n_t), dtype=np.int64)
    counts[k_idx, g_idx, t_idx] = flows
    return counts


def _assign(
    contrib: NDArray[np.int16],
    on_duty: NDArray[np.bool_],
    member: NDArray[np.bool_],
    counts: NDArray[np.int64],
) -> NDArray[np.int16]:
    """Labels per agent from the counts per class: kept where they fit, else the one before."""
    n_a, _, n_t = contrib.shape
    label = np.where(on_duty, contrib.argmax(axis=1), -1)  # agents x slots
    out = np.zeros_like(contrib)
    previous = np.full(n_a, -1)
    for t in range(n_t):
        for k in range(member.shape[0]):
            agents = np.flatnonzero(member[k] & on_duty[:, t])
            if agents.size == 0:
                continue
            left = counts[k, :, t].copy()
            waiting = []
            for a in agents:
                g = label[a, t]
                if left[g] > 0:
                    left[g] -= 1
                    out[a, g, t] = 1
                else:
                    waiting.append(a)
            # Those whose label moved: the label of the slot before where it is free.
            waiting.sort(key=lambda a: previous[a] < 0 or left[previous[a]] <= 0)
            for a in waiting:
                p = previous[a]
                g = p if p >= 0 and left[p] > 0 else int(np.flatnonzero(left > 0)[0])
                left[g] -= 1
                out[a, g, t] = 1
        previous = np.where(on_duty[:, t], out[:, :, t].argmax(axis=1), -1)
    return out
