"""A lower bound by column generation over agent-weeks (Dantzig-Wolfe on the model).

The relaxation of :mod:`._bound` lets every agent pick shifts day by day: it drops every
rule across days (daily rest, weekly rest, night series, working time). Here each set of
interchangeable agents chooses instead among whole *legal weeks* (columns): the master
programme is a linear programme over convex combinations of such weeks, one convexity row
per set (its number of agents), with the coverage rows of the model (agents on contact work
per skill set and slot split over the open groups by flows; under- and over-coverage).

Pricing finds the cheapest legal week of one agent under the master's duals: the agent's
own rules are the model's builders for that agent alone (:data:`PRICING_RULES`), each
shift is worth the duals of the slots it works, less what its breaks cost where they cost
least (:func:`._agent_search.best_breaks`, the same windows as ``builders.add_breaks``), and
the week pays its contract deviation. CP-SAT's objective bound of that problem is used, so
an unfinished pricing still gives a valid bound.

Why the bound is valid: every schedule the model accepts gives each agent a week that meets
:data:`PRICING_RULES` (a subset of the model's constraints, per agent), and coverage flows
that meet the master's rows, at the same coverage and contract cost; wishes and fairness
are non-negative costs and are dropped. So the master over *all* legal weeks bounds the
model. At any iteration, with any duals ``y``, the Lagrangian

    L(y) = y . b + sum over other variables of ub x min(0, reduced cost)
           + sum over sets of agents x (least reduced cost of a legal week)

bounds that master from below (weak duality), whether or not the restricted master has
converged; the best ``L`` over the iterations is the answer. At convergence it equals the
master's optimum.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.sat.python import cp_model
from scipy import optimize, sparse

from bezetting.core.errors import InfeasibleError
from bezetting.core.schedule import builders
from bezetting.core.schedule._agent_search import OWN_RULES, best_breaks, keep_wishes
from bezetting.core.schedule._candidates import Candidate
from bezetting.core.schedule.builders import COST_SCALE, ModelContext
from bezetting.core.schedule.greedy import GreedySchedule, assemble_shifts
from bezetting.core.schedule.problem import MaxDaysPerWeekWish, open_slots

__all__ = [
    "PRICING_RULES",
    "Assign",
    "ColumnBound",
    "Iteration",
    "Week",
    "column_generation_bound",
]

# One agent's hard rules in the model and its contract deviation (the week's own cost): the
# search's own rules less the wishes (costs >= 0, dropped). Breaks are placed per shift by
# ``best_breaks``; coverage is the master's; fairness is a cost >= 0, dropped.
PRICING_RULES = tuple(build for build in OWN_RULES if build is not builders.add_wishes)

# Shift values go to CP-SAT as integers: scaled by this, rounded. The rounding error of a
# week (at most half a unit per shift) is taken off the pricing bound, so it stays valid.
_VALUE_SCALE = 16
_FORBIDDEN = -(10**12)  # a shift whose breaks fit nowhere (fixed events): never worth it


# A whole week of one agent: (candidate index, break part starts) per shift. The indices are
# into the candidates of its set's agents (alike agents have the same candidates).
Week = tuple[tuple[int, tuple[int, ...]], ...]
# Who of a set's agents takes which of the whole weeks chosen for the set (as many weeks as
# agents): agent index -> week; an agent left out keeps its week of the start schedule.
Assign = Callable[[list[int], list[Week]], dict[int, Week]]


def in_turn(members: list[int], weeks: list[Week]) -> dict[int, Week]:
    """The set's agents take its weeks in order: they are interchangeable."""
    return dict(zip(members, weeks, strict=True))


@dataclass(frozen=True)
class Iteration:
    """One round: the restricted master's optimum, the Lagrangian bound from its duals, the
    columns added, and the seconds since the start (all costs in objective units)."""

    master: float
    lagrangian: float
    columns_added: int
    seconds: float


@dataclass(frozen=True)
class ColumnBound:
    """The best Lagrangian bound found (objective units, rounded up to the model's cost
    grain), whether pricing proved that no week can improve the master (``converged``), and
    every iteration."""

    bound: float | None
    converged: bool
    iterations: tuple[Iteration, ...]
    # With ``integer_seconds``: the best whole choice of the generated weeks (one per agent,
    # integral flows) that HiGHS found, its coverage and contract cost in objective units.
    # Such a choice is a legal schedule (wishes and fairness not counted), so this is an
    # upper bound on the model's coverage-and-contract optimum, not a lower one.
    integer_master: float | None = None
    integer_schedule: GreedySchedule | None = None


@dataclass
class _Set:
    """Interchangeable agents: same skills, contract, paid leave, candidates, earlier work, no
    events."""

    members: list[int]
    skills: frozenset[str]
    pricing: ModelContext
    terms: list[builders.PenaltyTerm]
    event_slots: NDArray[np.bool_]


@dataclass(frozen=True)
class _Column:
    owner: int  # index of its set
    cost: float  # contract deviation, scaled cost units
    on: NDArray[np.int64]  # slots where the agent is on contact work
    week: Week


def _wished(ctx: ModelContext, a: int) -> bool:
    """Whether a wish of agent ``a`` could be broken in this horizon (a week part keeps the
    wishes of other weeks too)."""
    return any(
        isinstance(wish, MaxDaysPerWeekWish) or builders.wish_broken_by(ctx, a, wish)
        for wish in ctx.problem.agents[a].wishes
    )


def _alike(ctx: ModelContext, *, wishes_kept: bool) -> list[list[int]]:
    """The agents grouped into sets of interchangeable ones (indices)."""
    by_key: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for a, agent in enumerate(ctx.problem.agents):
        spans = tuple((c.first, c.last) for c in ctx.candidates[a])
        key: tuple[object, ...] = (
            ("alone", a)
            if agent.events or (wishes_kept and _wished(ctx, a))
            else (
                agent.skill_groups,
                agent.contract,
                agent.paid_leave_minutes,
                spans,
                agent.prior_work,
            )
        )
        by_key[key].append(a)
    return list(by_key.values())


def agents_per_alike_set(ctx: ModelContext) -> float:
    """The mean size of the sets of interchangeable agents (wishes aside): whole weeks from
    the master round well with about 11 agents a set (200 agents, week 1) and badly with 2-3
    (40 agents), where the master's fractional mix has few agents to spread over."""
    sets = _alike(ctx, wishes_kept=False)
    return len(ctx.problem.agents) / max(1, len(sets))


def _sets(ctx: ModelContext, *, wishes_kept: bool = False) -> list[_Set]:
    prob, grid = ctx.problem, ctx.grid
    out = []
    for members in _alike(ctx, wishes_kept=wishes_kept):
        a = members[0]
        agent = prob.agents[a]
        alone = dataclasses.replace(prob, agents=(agent,))
        pricing = ModelContext(alone, grid, [ctx.candidates[a]])
        terms: list[builders.PenaltyTerm] = []
        for build in PRICING_RULES:
            terms += build(pricing)
        if wishes_kept:
            builders.add_wishes(pricing)  # its costs are 0 once every wish is kept
            keep_wishes(pricing, 0, set())
        events = np.zeros(grid.n_slots, dtype=bool)
        for ev in agent.events:
            events |= (grid.slot_start < ev.window.end_s) & (
                grid.slot_start + grid.slot_seconds > ev.window.start_s
            )
        out.append(_Set(members, agent.skill_groups, pricing, terms, events))
    return out


def _contract_cost(ctx: ModelContext, a: int, picked: list[Candidate]) -> float:
    """Scaled contract deviation of a week, as ``builders.add_contract`` counts it."""
    prob, grid = ctx.problem, ctx.grid
    per_minute = max(1, round(prob.weights.contract_deviation_per_hour * COST_SCALE / 60))
    agent = prob.agents[a]
    total = 0
    for week in range(prob.week_count()):
        days = range(7 * week, min(grid.days, 7 * week + 7))
        work = sum(c.work_minutes for c in picked if c.day in days)
        total += abs(work - prob.target_minutes(agent, week))
    return float(per_minute * total)


def _on_slots(
    c: Candidate, starts: list[int], step: int, events: NDArray[np.bool_], n_slots: int
) -> NDArray[np.bool_]:
    on = np.zeros(n_slots, dtype=bool)
    on[c.first : c.last] = True
    for t, part in zip(starts, c.break_parts, strict=True):
        on[t : t + -(-part // step)] = False
    return on & ~events


def _price(
    ctx: ModelContext, s: _Set, gain: NDArray[np.float64], seconds: float
) -> tuple[float, list[_Column]]:
    """A lower bound on ``contract cost - worth`` over the set's legal weeks (scaled units),
    and the weeks CP-SAT found, best last."""
    grid = ctx.grid
    step = grid.slot_minutes
    cands = s.pricing.candidates[0]
    blocked = np.where(s.event_slots, np.inf, gain)  # no break part on a fixed event
    values: list[int] = []
    places: list[list[int]] = []
    for c in cands:
        loss, starts = best_breaks(c, blocked, step)
        if not math.isfinite(loss):
            values.append(_FORBIDDEN)
            places.append([])
            continue
        worth = float(gain[c.first : c.last][~s.event_slots[c.first : c.last]].sum()) - loss
        values.append(round(_VALUE_SCALE * worth))
        places.append(starts)
    m, x = s.pricing.model, s.pricing.x[0]
    m.minimize(
        cp_model.LinearExpr.weighted_sum(
            [t.expr for t in s.terms] + list(x),
            [_VALUE_SCALE * t.weight for t in s.terms] + [-v for v in values],
        )
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = 1
    found = _Weeks(x)
    code = solver.solve(m, found)
    if code == cp_model.INFEASIBLE:
        who = ctx.problem.agents[s.members[0]].id
        raise InfeasibleError(f"agent {who!r} has no legal week under the model's own rules")
    lower = solver.best_objective_bound / _VALUE_SCALE - _slack(s)
    weeks = []
    for picked in found.weeks:
        on = np.zeros(grid.n_slots, dtype=bool)
        for i in picked:
            on |= _on_slots(cands[i], places[i], step, s.event_slots, grid.n_slots)
        cost = _contract_cost(s.pricing, 0, [cands[i] for i in picked])
        week = tuple((i, tuple(places[i])) for i in picked)
        weeks.append(_Column(-1, cost, on.astype(np.int64), week))
    return lower, weeks


def _slack(s: _Set) -> float:
    """What rounding the shift values can hide: half a unit per shift of a week."""
    return 0.5 * len(s.pricing.by_day[0]) / _VALUE_SCALE


class _Weeks(cp_model.CpSolverSolutionCallback):
    """Every week CP-SAT finds on its way to the best: each is legal, and may be a column."""

    def __init__(self, x: list[cp_model.IntVar]) -> None:
        super().__init__()
        self.x = x
        self.weeks: list[list[int]] = []

    def on_solution_callback(self) -> None:
        self.weeks.append([i for i, var in enumerate(self.x) if self.boolean_value(var)])


def _start_columns(ctx: ModelContext, sets: list[_Set], start: GreedySchedule) -> list[_Column]:
    """The start schedule's weeks as first columns (each agent's week is legal)."""
    grid, step = ctx.grid, ctx.grid.slot_minutes
    out = []
    for k, s in enumerate(sets):
        for a in s.members:
            parts: dict[int, list[int]] = defaultdict(list)
            for day, _p, t, _len in sorted(start.break_starts[a]):
                parts[day].append(t)
            on = np.zeros(grid.n_slots, dtype=bool)
            for c in start.chosen[a]:
                on |= _on_slots(c, parts[c.day], step, s.event_slots, grid.n_slots)
            cost = _contract_cost(ctx, a, list(start.chosen[a]))
            index = {(c.first, c.last): i for i, c in enumerate(ctx.candidates[a])}
            week = tuple((index[(c.first, c.last)], tuple(parts[c.day])) for c in start.chosen[a])
            out.append(_Column(k, cost, on.astype(np.int64), week))
    return out


class _Master:
    """The restricted master's fixed part: flows, under- and over-coverage, their rows."""

    def __init__(self, ctx: ModelContext, sets: list[_Set]) -> None:
        prob, grid = ctx.problem, ctx.grid
        w = prob.weights
        self.n_slots = grid.n_slots
        self.skill_sets = sorted({s.skills for s in sets}, key=sorted)
        self.size = {k: sum(len(s.members) for s in sets if s.skills == k) for k in self.skill_sets}
        opened = open_slots(prob, grid)
        # Rows: one convexity row per set, then one flow row per (skill set, slot), then
        # one under- and one over-coverage row per (group, slot) where they exist.
        self.n_sets = len(sets)
        self.flow_row = {
            (k, t): self.n_sets + i * grid.n_slots + t
            for i, k in enumerate(self.skill_sets)
            for t in range(grid.n_slots)
        }
        n_eq = self.n_sets + len(self.skill_sets) * grid.n_slots
        cost: list[float] = []
        upper: list[float] = []
        eq_r: list[int] = []
        eq_c: list[int] = []
        eq_v: list[float] = []
        flows_of: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.flow_of: list[tuple[frozenset[str], str, int]] = []  # the first columns
        for k in self.skill_sets:
            for t in range(grid.n_slots):
                for g in sorted(k):
                    if g in opened and opened[g][t]:
                        col = len(cost)
                        cost.append(0.0)
                        upper.append(float(self.size[k]))
                        eq_r.append(self.flow_row[(k, t)])
                        eq_c.append(col)
                        eq_v.append(1.0)
                        flows_of[(g, t)].append(col)
                        self.flow_of.append((k, g, t))
        ub_r: list[int] = []
        ub_c: list[int] = []
        ub_v: list[float] = []
        ub_rhs: list[float] = []
        over_weight = float(max(1, round(w.over_coverage_per_slot * COST_SCALE)))
        for d in prob.demand:
            required = np.asarray(d.required, dtype=np.int64)
            impact = d.impact_or_default()
            for t in range(grid.n_slots):
                need, flows = int(required[t]), flows_of.get((d.skill_group, t), [])
                if need > 0:  # -under - flows <= -need
                    weight = max(
                        1, round(w.under_coverage_per_slot * float(impact[t]) * COST_SCALE)
                    )
                    row = len(ub_rhs)
                    col = len(cost)
                    cost.append(float(weight))
                    upper.append(float(need))
                    ub_r += [row] * (len(flows) + 1)
                    ub_c += [col, *flows]
                    ub_v += [-1.0] * (len(flows) + 1)
                    ub_rhs.append(-float(need))
                if flows:  # -over + flows <= need
                    row = len(ub_rhs)
                    col = len(cost)
                    cost.append(over_weight)
                    upper.append(float(len(prob.agents)))
                    ub_r += [row] * (len(flows) + 1)
                    ub_c += [col, *flows]
                    ub_v += [-1.0] + [1.0] * len(flows)
                    ub_rhs.append(float(need))
        self.n_fixed = len(cost)
        self.n_flows = len(self.flow_of)
        self.cost, self.upper = np.asarray(cost), np.asarray(upper)
        self.eq = sparse.csc_matrix((eq_v, (eq_r, eq_c)), shape=(n_eq, self.n_fixed))
        self.ub = sparse.csc_matrix((ub_v, (ub_r, ub_c)), shape=(len(ub_rhs), self.n_fixed))
        self.b_eq = np.zeros(n_eq)
        self.b_eq[: self.n_sets] = [len(s.members) for s in sets]
        self.b_ub = np.asarray(ub_rhs)
        self.set_skills = [s.skills for s in sets]

    def column_matrix(self, columns: list[_Column]) -> sparse.csc_matrix:
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for j, col in enumerate(columns):
            rows.append(col.owner)
            cols.append(j)
            vals.append(1.0)
            slots = np.flatnonzero(col.on)
            base = self.flow_row[(self.set_skills[col.owner], 0)]
            rows += (base + slots).tolist()
            cols += [j] * len(slots)
            vals += [-1.0] * len(slots)
        return sparse.csc_matrix((vals, (rows, cols)), shape=(self.b_eq.size, len(columns)))

    def solve(
        self, columns: list[_Column], seconds: float
    ) -> tuple[float, NDArray[np.float64], NDArray[np.float64]] | None:
        """The restricted master's optimum and its duals (equality rows, <= rows)."""
        a_eq = sparse.hstack([self.eq, self.column_matrix(columns)], format="csc")
        a_ub = sparse.hstack(
            [self.ub, sparse.csc_matrix((self.b_ub.size, len(columns)))], format="csc"
        )
        cost = np.concatenate([self.cost, [c.cost for c in columns]])
        upper = np.concatenate([self.upper, np.full(len(columns), np.inf)])
        res = optimize.linprog(
            cost,
            A_ub=a_ub,
            b_ub=self.b_ub,
            A_eq=a_eq,
            b_eq=self.b_eq,
            bounds=np.column_stack([np.zeros(cost.size), upper]),
            method="highs",
            options={"time_limit": max(0.1, seconds), "presolve": True},
        )
        if res.status != 0:
            return None
        return float(res.fun), np.asarray(res.eqlin.marginals), np.asarray(res.ineqlin.marginals)

    def solve_integer(
        self, columns: list[_Column], seconds: float
    ) -> tuple[float, NDArray[np.float64]] | None:
        """The restricted master with one whole week per agent and whole flows: its cost
        (scaled) and values, or None when HiGHS finds no whole answer in time."""
        a_eq = sparse.hstack([self.eq, self.column_matrix(columns)], format="csc")
        a_ub = sparse.hstack(
            [self.ub, sparse.csc_matrix((self.b_ub.size, len(columns)))], format="csc"
        )
        cost = np.concatenate([self.cost, [c.cost for c in columns]])
        upper = np.concatenate([self.upper, np.full(len(columns), np.inf)])
        integrality = np.zeros(cost.size, dtype=np.int64)
        integrality[: self.n_flows] = 1
        integrality[self.n_fixed :] = 1
        res = optimize.milp(
            cost,
            integrality=integrality,
            bounds=optimize.Bounds(np.zeros(cost.size), upper),
            constraints=[
                optimize.LinearConstraint(a_eq, self.b_eq, self.b_eq),
                optimize.LinearConstraint(a_ub, -np.inf, self.b_ub),
            ],
            options={"time_limit": max(0.1, seconds), "presolve": True},
        )
        return None if res.x is None else (float(res.fun), np.round(res.x))

    def fixed_part(self, y_eq: NDArray[np.float64], y_ub: NDArray[np.float64]) -> float:
        """``y . b`` plus the least the flows, under and over can add under duals ``y``."""
        reduced = self.cost - self.eq.T @ y_eq - self.ub.T @ y_ub
        return float(
            y_eq @ self.b_eq + y_ub @ self.b_ub + (self.upper * np.minimum(0, reduced)).sum()
        )


def column_generation_bound(
    ctx: ModelContext,
    *,
    seconds: float,
    clock: Callable[[], float],
    start: GreedySchedule | None = None,
    pricing_seconds: float = 2.0,
    smoothing: float = 0.5,
    on_iteration: Callable[[Iteration], None] | None = None,
    integer_seconds: float = 0.0,
    wishes_kept: bool = False,
    assign: Assign = in_turn,
) -> ColumnBound:
    """Column generation on ``ctx``'s model (built from its problem and candidates; the
    context's own CP-SAT model is not used) for at most about ``seconds`` on ``clock``.

    Args:
        start: a legal schedule whose weeks seed the master (otherwise the first columns
            come from pricing with zero duals, which only has to meet the contract).
        pricing_seconds: CP-SAT's limit per pricing problem (its bound counts if it stops).
        smoothing: weight of the best duals so far in the pricing point (Wentges); 0 prices
            at the master's duals only.
        on_iteration: called after every iteration (progress, benchmarks).
        integer_seconds: when above 0, afterwards choose one whole generated week per agent
            (HiGHS ``milp``, this long): ``integer_master`` and ``integer_schedule``. Not
            counted in ``seconds``.

        wishes_kept: only weeks that keep every wish become columns (agents with wishes
            are priced one by one): for the whole weeks as a start of the search, which keeps
            the wishes its start keeps. Then no bound is given (``bound`` None): wishes are
            costs of the model, not constraints.
        assign: shares each set's whole weeks out to its agents (:data:`Assign`; by default
            in turn). Agents it leaves out keep their week of ``start``.

    Raises:
        InfeasibleError: an agent has no legal week at all.
    """
    began = clock()
    deadline = began + seconds
    sets = _sets(ctx, wishes_kept=wishes_kept)
    master = _Master(ctx, sets)
    columns: list[_Column] = []
    seen: set[tuple[int, bytes]] = set()

    def add(col: _Column) -> bool:
        key = (col.owner, col.on.tobytes())
        if key in seen:
            return False
        seen.add(key)
        columns.append(col)
        return True

    if start is not None:
        for col in _start_columns(ctx, sets, start):
            add(col)
    zero = np.zeros(ctx.grid.n_slots)
    for k, s in enumerate(sets):
        if not any(c.owner == k for c in columns):
            _, weeks = _price(ctx, s, zero, pricing_seconds)
            if not weeks:
                return ColumnBound(None, False, ())
            add(dataclasses.replace(weeks[-1], owner=k))
    best = -math.inf
    center: NDArray[np.float64] | None = None  # the duals of the best bound so far
    iterations: list[Iteration] = []
    converged = False
    while clock() < deadline:
        solved = master.solve(columns, deadline - clock())
        if solved is None:
            break
        value, y_eq, y_ub = solved
        y_ub = np.minimum(y_ub, 0.0)  # a <= row's multiplier must be <= 0 for a valid bound
        here = np.concatenate([y_eq, y_ub])
        # Smoothing (Wentges): price at a point between the best duals so far and the
        # master's; when that finds no column the master can use, price at the master's.
        points = [here] if center is None else [smoothing * center + (1 - smoothing) * here, here]
        added = 0
        for point in points:
            lagrangian, found, complete = _round(
                ctx, master, sets, point, pricing_seconds, deadline, clock
            )
            if lagrangian > best:
                best, center = lagrangian, point
            for k, col in found:
                if (
                    col.cost
                    - float(col.on @ -y_eq[master.flow_row[(sets[k].skills, 0)] :][: col.on.size])
                    - y_eq[k]
                    < -1e-6
                ):
                    added += add(dataclasses.replace(col, owner=k))
            if added or point is here:
                break
        it = Iteration(value / COST_SCALE, best / COST_SCALE, added, clock() - began)
        iterations.append(it)
        if on_iteration is not None:
            on_iteration(it)
        if not added:
            converged = complete
            break
    if not math.isfinite(best):
        return ColumnBound(None, False, tuple(iterations))
    integer = master.solve_integer(columns, integer_seconds) if integer_seconds > 0 else None
    return ColumnBound(
        None if wishes_kept else _rounded(best),
        converged,
        tuple(iterations),
        None if integer is None else integer[0] / COST_SCALE,
        None
        if integer is None
        else _schedule_of(ctx, sets, master, columns, integer[1], assign=assign, start=start),
    )


def _schedule_of(
    ctx: ModelContext,
    sets: list[_Set],
    master: _Master,
    columns: list[_Column],
    values: NDArray[np.float64],
    *,
    assign: Assign,
    start: GreedySchedule | None,
) -> GreedySchedule:
    """Named agents for a whole answer of the master: each set's agents take its chosen
    weeks as ``assign`` says (the others keep their week of ``start``); per skill set and
    slot, its working agents take the groups the flows say."""
    prob, grid = ctx.problem, ctx.grid
    step = grid.slot_minutes
    chosen_weeks: dict[int, list[Week]] = defaultdict(list)
    for j, col in enumerate(columns):
        chosen_weeks[col.owner] += [col.week] * int(values[master.n_fixed + j])
    week_of: dict[int, list[tuple[Candidate, list[int]]]] = {}
    for owner, s in enumerate(sets):
        for a, week in assign(list(s.members), chosen_weeks[owner]).items():
            week_of[a] = [(ctx.candidates[a][i], list(starts)) for i, starts in week]
    events = {a: s.event_slots for s in sets for a in s.members}
    picked: list[tuple[int, Candidate]] = []
    on_break: set[tuple[int, int]] = set()
    working: dict[tuple[frozenset[str], int], list[int]] = defaultdict(list)
    chosen: list[tuple[Candidate, ...]] = []
    break_starts: list[tuple[tuple[int, int, int, int], ...]] = []
    for a in range(len(prob.agents)):
        mine = week_of.get(a, [])
        if a not in week_of and start is not None:
            kept: dict[int, list[int]] = defaultdict(list)  # day -> its break part starts
            for day, _p, t, _len in sorted(start.break_starts[a]):
                kept[day].append(t)
            mine = [(c, kept[c.day]) for c in start.chosen[a]]
        mine.sort(key=lambda cs: cs[0].day)
        chosen.append(tuple(c for c, _ in mine))
        parts = []
        for c, starts in mine:
            picked.append((a, c))
            for p, (t, minutes) in enumerate(zip(starts, c.break_parts, strict=True)):
                length = -(-minutes // step)
                parts.append((c.day, p, t, length))
                on_break.update((a, u) for u in range(t, t + length))
            for t in range(c.first, c.last):
                if (a, t) not in on_break and not events[a][t]:
                    working[(prob.agents[a].skill_groups, t)].append(a)
        break_starts.append(tuple(parts))
    group_of: dict[tuple[int, int], str] = {}
    for f, (k, g, t) in enumerate(master.flow_of):
        free = working.get((k, t), [])
        for _ in range(int(values[f])):
            if free:
                group_of[(free.pop(), t)] = g
    _label_the_rest(ctx, working, group_of)
    return GreedySchedule(
        chosen=tuple(chosen),
        break_starts=tuple(break_starts),
        shifts=tuple(assemble_shifts(prob, grid, picked, on_break, group_of)),
        complete=True,
    )


def _label_the_rest(
    ctx: ModelContext,
    working: dict[tuple[frozenset[str], int], list[int]],
    group_of: dict[tuple[int, int], str],
) -> None:
    """Working agents the flows left without a group (those on a week of the start, whose
    work the master did not plan) take the open group of theirs shortest at the slot, or
    where none is short the one with the least surplus.

    Never idle: the model puts every agent on duty in a flow (``builders.add_coverage``), so
    work beyond demand is over-coverage. Work left without a group escaped that cost in the
    named penalties, and a week-2 schedule on the database came out below its own bound
    (120 agents x 2 weeks: 8,938 against a bound of 13,234, with 1,168 hours of such work).
    """
    prob, grid = ctx.problem, ctx.grid
    opened = open_slots(prob, grid)
    short = {d.skill_group: np.asarray(d.required, dtype=np.int64).copy() for d in prob.demand}
    for (_, t), g in group_of.items():
        if g in short:
            short[g][t] -= 1
    for (skills, t), rest in working.items():
        for a in rest:
            open_here = [g for g in sorted(skills) if g in short and g in opened and opened[g][t]]
            best = max(open_here, key=lambda g: short[g][t], default=None)
            if best is not None:
                group_of[(a, t)] = best
                short[best][t] -= 1


def _round(
    ctx: ModelContext,
    master: _Master,
    sets: list[_Set],
    duals: NDArray[np.float64],
    pricing_seconds: float,
    deadline: float,
    clock: Callable[[], float],
) -> tuple[float, list[tuple[int, _Column]], bool]:
    """Price every set at ``duals``: the Lagrangian bound there (scaled units), the weeks
    found, and whether no week has a negative reduced cost (the master is optimal)."""
    n_eq = master.b_eq.size
    y_eq, y_ub = duals[:n_eq], duals[n_eq:]
    lagrangian = master.fixed_part(y_eq, y_ub)
    found: list[tuple[int, _Column]] = []
    complete = True
    for k, s in enumerate(sets):
        base = master.flow_row[(s.skills, 0)]
        gain = -y_eq[base : base + ctx.grid.n_slots]  # worth of one agent on at a slot
        seconds = min(pricing_seconds, max(0.05, deadline - clock()))
        lower, weeks = _price(ctx, s, gain, seconds)
        reduced = lower - y_eq[k]
        lagrangian += len(s.members) * reduced
        found += [(k, col) for col in weeks]
        # No week prices below zero, up to the rounding slack taken off ``lower``.
        complete = complete and reduced >= -_slack(s) - 1e-6
    return lagrangian, found, complete


def _rounded(value: float) -> float:
    """The model's costs are whole scaled units: round up, less the solver's tolerance."""
    return math.ceil(value - 1e-6 * max(1.0, abs(value))) / COST_SCALE
