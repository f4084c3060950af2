"""A lower bound on the model's objective from its linear relaxation (HiGHS through SciPy).

CP-SAT's own bound on these models moves slowly with two workers. The relaxation here keeps
what drives the cost (one shift per agent and day, fixed events, contract hours per week,
coverage by skill-group flows, breaks as fractional mass inside each day's break windows) and
drops the rest (labour rules across days, wishes, fairness: all either constraints or
non-negative costs). Every schedule the model accepts is a point of this linear programme
with an equal or higher cost, so its optimum bounds the model's objective from below.

Coverage is written in running-sum form: per set of agents with the same skills, a variable
per slot counts the shifts on duty, changed only where shifts start and end. Summing every
shift into every slot it covers instead gave the demo's free shift design 850,000 non-zeros
(43,000 shifts of about 20 slots), and HiGHS's interior point then ran 30-50 s past a 0.5-s
time limit (it does not look at the clock inside a factorisation); the running sums give the
same optimum with two entries per shift.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy import optimize, sparse

from bezetting.core.schedule.builders import COST_SCALE, ModelContext
from bezetting.core.schedule.problem import open_slots

__all__ = ["Relaxation", "lp_lower_bound", "relaxation"]


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


@dataclass(frozen=True, slots=True)
class Relaxation:
    """The linear programme: minimise ``cost`` @ x over ``le`` x <= rhs, ``eq`` x == rhs,
    0 <= x <= ``upper``; ``shift_columns`` are the shifts' variables (whole in the mixed-integer
    variant)."""

    cost: list[float]
    upper: list[float]
    le: _Rows
    eq: _Rows
    shift_columns: list[int]

    @property
    def n_vars(self) -> int:
        return len(self.cost)


def lp_lower_bound(
    ctx: ModelContext, *, time_limit_seconds: float = 30.0, integral_shifts: bool = False
) -> float | None:
    """The relaxation's optimum in cost units, or None when HiGHS does not finish in time.

    With ``integral_shifts`` the number of agents of each interchangeable set on each shift is
    kept whole (a mixed-integer programme; breaks, flows and costs stay continuous): still a
    relaxation of the model, and a tighter one. HiGHS's branch and bound then reports its dual
    bound when the time runs out, which is a valid bound as well.
    """
    lp = relaxation(ctx)
    if integral_shifts:
        return _mixed_integer_bound(
            lp.cost, lp.upper, lp.le, lp.eq, lp.shift_columns, time_limit_seconds=time_limit_seconds
        )
    n_vars, le, eq = lp.n_vars, lp.le, lp.eq
    res = optimize.linprog(
        np.asarray(lp.cost),
        A_ub=le.matrix(n_vars) if le.rhs else None,
        b_ub=np.asarray(le.rhs) if le.rhs else None,
        A_eq=eq.matrix(n_vars) if eq.rhs else None,
        b_eq=np.asarray(eq.rhs) if eq.rhs else None,
        bounds=np.column_stack([np.zeros(n_vars), np.asarray(lp.upper)]),
        method="highs-ipm",
        options={"time_limit": time_limit_seconds, "presolve": True},
    )
    if res.status != 0:
        return None
    return _rounded(float(res.fun))


def relaxation(ctx: ModelContext) -> Relaxation:
    """The model's linear relaxation (see the module's docstring)."""
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
    # Per class: shifts starting and ending (``last``) at each slot, the break mass taken off
    # each slot, and how many shifts cover each slot (to know where the class can be on duty).
    starts: dict[frozenset[str], dict[int, list[int]]] = {k: defaultdict(list) for k in classes}
    ends: dict[frozenset[str], dict[int, list[int]]] = {k: defaultdict(list) for k in classes}
    breaks: dict[frozenset[str], dict[int, list[int]]] = {k: defaultdict(list) for k in classes}
    covered = {k: np.zeros(grid.n_slots + 1, dtype=np.int64) for k in classes}
    on_duty_bound = dict.fromkeys(classes, 0.0)
    per_minute = max(1, round(w.contract_deviation_per_hour * COST_SCALE / 60))
    # Interchangeable agents (same skills, contract, paid leave, candidate shifts, no events)
    # share one set of variables with room for all of them: the programme stays a relaxation,
    # and is smaller.
    # Rest against earlier work is dropped too (it would make every agent of a later week
    # unique), which keeps the programme small and still a relaxation.
    copies: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for a, agent in enumerate(prob.agents):
        allowed = tuple((c.first, c.last) for c in ctx.candidates[a])
        if agent.events:
            copies[("alone", a)].append(a)
        else:
            copies[(agent.skill_groups, agent.contract, agent.paid_leave_minutes, allowed)].append(
                a
            )
    for members in copies.values():
        a, m = members[0], float(len(members))
        agent = prob.agents[a]
        key = agent.skill_groups
        x: dict[int, int] = {}
        on_duty_bound[key] += m
        for i, c in enumerate(ctx.candidates[a]):
            x[i] = new(0.0, m)
            shift_columns.append(x[i])
            starts[key][c.first].append(x[i])
            ends[key][c.last].append(x[i])
            covered[key][c.first] += 1
            covered[key][c.last] -= 1
        for idx in ctx.by_day[a].values():
            cols = [x[i] for i in idx if i in x]
            if cols:
                le.add(dict.fromkeys(cols, 1.0), m)
            # Breaks: the day's break slots as mass inside the union of break windows.
            # A break slot t holds at most the shifts whose window covers t: a running sum
            # over the day's windows, changed where a window opens and closes.
            mass: dict[int, float] = {}
            opens: dict[int, list[int]] = defaultdict(list)
            closes: dict[int, list[int]] = defaultdict(list)
            in_window = np.zeros(grid.n_slots + 1, dtype=np.int64)
            for i in idx:
                if i not in x:
                    continue
                c = ctx.candidates[a][i]
                n_break = sum(-(-q // step) for q in c.break_parts)
                lo, hi = c.break_window
                if n_break and lo < hi:
                    mass[x[i]] = float(n_break)
                    opens[lo].append(x[i])
                    closes[hi].append(x[i])
                    in_window[lo] += 1
                    in_window[hi] -= 1
            if mass:
                total = {col: -k for col, k in mass.items()}
                open_now = np.cumsum(in_window)
                previous_window: int | None = None
                for t in range(min(opens), max(closes)):
                    holding = new(0.0, m)
                    step_row = {holding: 1.0}
                    if previous_window is not None:
                        step_row[previous_window] = -1.0
                    for col in opens.get(t, ()):
                        step_row[col] = step_row.get(col, 0.0) - 1.0
                    for col in closes.get(t, ()):
                        step_row[col] = step_row.get(col, 0.0) + 1.0
                    eq.add(step_row, 0.0)
                    previous_window = holding
                    if open_now[t] <= 0:
                        continue
                    b = new(0.0, m)
                    total[b] = 1.0
                    le.add({b: 1.0, holding: -1.0}, 0.0)
                    breaks[key][t].append(b)
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
            # The week's work minutes once, as a variable the contract rows refer to.
            worked = new(0.0, m * contract.max_minutes_per_week)
            eq.add({**work, worked: -1.0}, 0.0)
            if len(days) == 7:
                le.add({worked: -1.0}, -m * prob.minimum_minutes(agent, week))
            target = m * prob.target_minutes(agent, week)
            dev = new(float(per_minute), m * 7 * 24 * 60)
            le.add({worked: 1.0, dev: -1.0}, target)
            le.add({worked: -1.0, dev: -1.0}, -target)
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
    for key in classes:
        touched = np.cumsum(covered[key][: grid.n_slots]) > 0
        previous: int | None = None
        for t in range(grid.n_slots):
            # running[t] = running[t - 1] + shifts starting at t - shifts ending at t
            running = new(0.0, on_duty_bound[key])
            step_row = {running: 1.0}
            if previous is not None:
                step_row[previous] = -1.0
            for col in starts[key].get(t, ()):
                step_row[col] = step_row.get(col, 0.0) - 1.0
            for col in ends[key].get(t, ()):
                step_row[col] = step_row.get(col, 0.0) + 1.0
            eq.add(step_row, 0.0)
            previous = running
            if not touched[t] and t not in breaks[key]:
                continue
            # on duty (less breaks) = the flows into the open groups, less fixed events
            row = {running: -1.0, **dict.fromkeys(breaks[key].get(t, ()), 1.0)}
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
    return Relaxation(cost, upper, le, eq, shift_columns)


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
