"""A lower bound on the model's objective from its linear relaxation (HiGHS through SciPy).

CP-SAT's own bound on these models moves slowly with two workers. The relaxation here keeps
what drives the cost (one shift per agent and day, fixed events, contract hours per week,
coverage by skill-group flows, breaks as fractional mass inside each day's break windows) and
drops the rest (labour rules across days, wishes, fairness: all either constraints or
non-negative costs). Every schedule the model accepts is a point of this linear programme
with an equal or higher cost, so its optimum bounds the model's objective from below.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from scipy import optimize, sparse

from bezetting.core.schedule.builders import COST_SCALE, ModelContext
from bezetting.core.schedule.problem import open_slots

__all__ = ["lp_lower_bound"]


class _Rows:
    def __init__(self) -> None:
        self.r: list[int] = []
        self.c: list[int] = []
        self.v: list[float] = []
        self.rhs: list[float] = []

    def add(self, coefs: dict[int, float], rhs: float) -> None:
        row = len(self.rhs)
        for col, val in coefs.items():
            self.r.append(row)
            self.c.append(col)
            self.v.append(val)
        self.rhs.append(rhs)

    def matrix(self, n: int) -> sparse.csr_matrix:
        return sparse.csr_matrix((self.v, (self.r, self.c)), shape=(len(self.rhs), n))


def lp_lower_bound(
    ctx: ModelContext, *, time_limit_seconds: float = 30.0, integral_shifts: bool = False
) -> float | None:
    """The relaxation's optimum in cost units, or None when HiGHS does not finish in time.

    With ``integral_shifts`` the number of agents of each interchangeable set on each shift is
    kept whole (a mixed-integer programme; breaks, flows and costs stay continuous): still a
    relaxation of the model, and a tighter one. HiGHS's branch and bound then reports its dual
    bound when the time runs out, which is a valid bound as well.
    """
    prob, grid = ctx.problem, ctx.grid
    w = prob.weights
    n_vars = 0
    cost: list[float] = []
    upper: list[float] = []

    def new(c: float, ub: float) -> int:
        nonlocal n_vars
        cost.append(c)
        upper.append(ub)
        n_vars += 1
        return n_vars - 1

    le, eq = _Rows(), _Rows()  # A_ub x <= b, A_eq x == b
    shift_columns: list[int] = []
    step = grid.slot_minutes
    classes: dict[frozenset[str], list[int]] = defaultdict(list)
    for a, agent in enumerate(prob.agents):
        classes[agent.skill_groups].append(a)
    # on[key][t]: coefficients of the class's agents on shift (less breaks) at slot t
    on: dict[frozenset[str], dict[int, dict[int, float]]] = {
        k: defaultdict(lambda: defaultdict(float)) for k in classes
    }
    per_minute = max(1, round(w.contract_deviation_per_hour * COST_SCALE / 60))
    # Interchangeable agents (same skills, contract, candidate shifts, no events) share one set
    # of variables with room for all of them: the programme stays a relaxation, and is smaller.
    # Rest against earlier work is dropped too (it would make every agent of a later week
    # unique), which keeps the programme small and still a relaxation.
    copies: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for a, agent in enumerate(prob.agents):
        allowed = tuple((c.first, c.last) for c in ctx.candidates[a])
        if agent.events:
            copies[("alone", a)].append(a)
        else:
            copies[(agent.skill_groups, agent.contract, allowed)].append(a)
    for members in copies.values():
        a, m = members[0], float(len(members))
        agent = prob.agents[a]
        key = agent.skill_groups
        x: dict[int, int] = {}
        for i, c in enumerate(ctx.candidates[a]):
            x[i] = new(0.0, m)
            shift_columns.append(x[i])
            for t in range(c.first, c.last):
                on[key][t][x[i]] += 1.0
        for idx in ctx.by_day[a].values():
            cols = [x[i] for i in idx if i in x]
            if cols:
                le.add(dict.fromkeys(cols, 1.0), m)
            # Breaks: the day's break slots as mass inside the union of break windows.
            mass: dict[int, float] = {}
            window: dict[int, dict[int, float]] = defaultdict(dict)
            for i in idx:
                if i not in x:
                    continue
                c = ctx.candidates[a][i]
                n_break = sum(-(-q // step) for q in c.break_parts)
                if n_break:
                    mass[x[i]] = float(n_break)
                    for t in range(c.break_window[0], c.break_window[1]):
                        window[t][x[i]] = 1.0
            if mass:
                total = {col: -k for col, k in mass.items()}
                for t, covering in window.items():
                    b = new(0.0, m)
                    total[b] = 1.0
                    le.add({b: 1.0, **dict.fromkeys(covering, -1.0)}, 0.0)
                    on[key][t][b] -= 1.0
                eq.add(total, 0.0)
        for ev in agent.events:
            hosts = [
                x[i]
                for i, c in enumerate(ctx.candidates[a])
                if i in x and c.start <= ev.window.start_s and ev.window.end_s <= c.end
            ]
            if hosts:
                le.add(dict.fromkeys(hosts, -1.0), -1.0)
        contract = agent.contract
        for week in range(prob.week_count()):
            days = range(7 * week, min(grid.days, 7 * week + 7))
            work = {
                x[i]: float(ctx.candidates[a][i].work_minutes)
                for d in days
                for i in ctx.by_day[a].get(d, ())
                if i in x
            }
            if len(days) == 7:
                le.add({col: -v for col, v in work.items()}, -m * contract.min_minutes_per_week)
            le.add(work, m * contract.max_minutes_per_week)
            target = m * (contract.target_minutes_per_week * len(days) // 7)
            dev = new(float(per_minute), m * 7 * 24 * 60)
            le.add({**work, dev: -1.0}, target)
            le.add({**{col: -v for col, v in work.items()}, dev: -1.0}, -target)
    # Coverage: per class and slot, agents on contact work split over the open groups.
    open_by_group = open_slots(prob, grid)
    fixed_off: dict[frozenset[str], np.ndarray] = {}
    for key, members in classes.items():
        off = np.zeros(grid.n_slots, dtype=np.int64)
        for a in members:
            for ev in prob.agents[a].events:
                off += (grid.slot_start < ev.window.end_s) & (
                    grid.slot_start + grid.slot_seconds > ev.window.start_s
                )
        fixed_off[key] = off
    staffed: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for key, slots in on.items():
        for t, coefs in slots.items():
            row = {col: -v for col, v in coefs.items() if v}
            for g in sorted(key):
                if open_by_group[g][t]:
                    f = new(0.0, float(len(classes[key])))
                    row[f] = 1.0
                    staffed[g][t].append(f)
            eq.add(row, -float(fixed_off[key][t]))
    for d in prob.demand:
        required = np.asarray(d.required, dtype=np.int64)
        impact = d.impact_or_default()
        for t in range(grid.n_slots):
            need = int(required[t])
            flows = staffed[d.skill_group].get(t, [])
            if need > 0:
                weight = max(1, round(w.under_coverage_per_slot * float(impact[t]) * COST_SCALE))
                under = new(float(weight), float(need))
                le.add({under: -1.0, **dict.fromkeys(flows, -1.0)}, -need)
            if flows:
                over = new(
                    float(max(1, round(w.over_coverage_per_slot * COST_SCALE))),
                    float(len(prob.agents)),
                )
                le.add({over: -1.0, **dict.fromkeys(flows, 1.0)}, need)
    if integral_shifts:
        return _mixed_integer_bound(
            cost, upper, le, eq, shift_columns, time_limit_seconds=time_limit_seconds
        )
    res = optimize.linprog(
        np.asarray(cost),
        A_ub=le.matrix(n_vars) if le.rhs else None,
        b_ub=np.asarray(le.rhs) if le.rhs else None,
        A_eq=eq.matrix(n_vars) if eq.rhs else None,
        b_eq=np.asarray(eq.rhs) if eq.rhs else None,
        bounds=np.column_stack([np.zeros(n_vars), np.asarray(upper)]),
        method="highs-ipm",
        options={"time_limit": time_limit_seconds, "presolve": True},
    )
    if res.status != 0:
        return None
    return _rounded(float(res.fun))


def _rounded(value: float) -> float:
    """The model's costs are integers: round up, less the solver's tolerance."""
    return math.ceil(value - 1e-6 * max(1.0, abs(value))) / COST_SCALE


def _mixed_integer_bound(
    cost: list[float],
    upper: list[float],
    le: _Rows,
    eq: _Rows,
    integer_columns: list[int],
    *,
    time_limit_seconds: float,
) -> float | None:
    n = len(cost)
    integrality = np.zeros(n, dtype=np.int64)
    integrality[integer_columns] = 1
    constraints = []
    if le.rhs:
        constraints.append(optimize.LinearConstraint(le.matrix(n), -np.inf, np.asarray(le.rhs)))
    if eq.rhs:
        rhs = np.asarray(eq.rhs)
        constraints.append(optimize.LinearConstraint(eq.matrix(n), rhs, rhs))
    res = optimize.milp(
        np.asarray(cost),
        integrality=integrality,
        bounds=optimize.Bounds(np.zeros(n), np.asarray(upper)),
        constraints=constraints,
        options={"time_limit": time_limit_seconds, "presolve": True},
    )
    dual = getattr(res, "mip_dual_bound", None)
    if dual is None or not math.isfinite(float(dual)):
        return None
    return _rounded(float(dual))
