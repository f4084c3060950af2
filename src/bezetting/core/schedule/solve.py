"""Solve a scheduling problem with CP-SAT: parameters in one dataclass, progress, decomposition.

::

    result = solve(problem, parameters=SolveParameters(time_limit_seconds=60, num_workers=2))
    result.status, result.objective, result.bound, result.penalties

Large problems are decomposed by week: each week is solved in turn with the weeks before it
as earlier work, so the labour rules hold across the seams exactly as across planning periods.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from ortools.sat.python import cp_model

from bezetting.core.errors import InfeasibleError, InputError
from bezetting.core.schedule import builders
from bezetting.core.schedule._agent_search import improve_by_agents
from bezetting.core.schedule._bound import lp_lower_bound
from bezetting.core.schedule._candidates import Candidate, build_candidates
from bezetting.core.schedule._columns import agents_per_alike_set, column_generation_bound
from bezetting.core.schedule._fairness import FairnessSoFar, fairness_so_far
from bezetting.core.schedule._seam import seam_context, whole_weeks_across_seam
from bezetting.core.schedule._time import Grid, from_epoch
from bezetting.core.schedule.explain import coverage_of, fairness_of, penalties_of, wishes_of
from bezetting.core.schedule.greedy import GreedySchedule, greedy_schedule
from bezetting.core.schedule.plan import Activity, ActivityKind, Schedule, Shift
from bezetting.core.schedule.problem import Demand, Horizon, Problem, TimeWindow, WorkPeriod
from bezetting.core.schedule.result import Progress, ScheduleResult, SolveStatus
from bezetting.core.schedule.validate import validate

__all__ = ["Clock", "Decomposition", "SolveParameters", "apply_parameters", "solve"]

ProgressCallback = Callable[[Progress], None]
Clock = Callable[[], float]  # seconds, only differences count (``time.monotonic``)

# A part whose share of the budget is below this keeps its greedy schedule: loading a large
# model into CP-SAT alone takes longer, and CP-SAT does not count that against its limit.
_MIN_SOLVER_SECONDS = 1.0


# A part's setup (candidates, model, greedy start, explanation) in multiples of what the
# greedy pass alone took for its first week: measured 3.1 at 120 free-shift agents x 2 weeks.
_SETUP_PER_GREEDY = 3.0
# The same for the agent-by-agent search, which builds no CP-SAT model (candidates, greedy
# start, its check): measured 1.1 (demo) to 1.3 (120 free-shift agents x 2 weeks).
_SEARCH_SETUP_PER_GREEDY = 1.2
# With ``column_start``: the share of a part's search time for column generation and for
# choosing whole weeks (measured at 200 agents, week 1, 75 s: 20 s and 10 s, then 45 s of
# search from them gave 24,124 against 30,645 from the greedy start).
_COLUMN_SHARE = 0.27
_WHOLE_WEEKS_SHARE = 0.13
# ``column_start=None``: on for a part whose interchangeable agents average at least this many
# a set (200 agents, week 1: 11, where it paid; 40 agents: 2.7, where it cost).
_COLUMN_START_AGENTS_PER_SET = 5.0


# Never kept back for the final check less than this, however quick the parts' checks were.
_FINAL_FLOOR_SECONDS = 1.0
_FINAL_FLOOR_SHARE = 0.01


class _Budget:
    """The wall-clock allowance of one whole ``solve`` call; every phase is charged to it.

    Building models, the greedy start, the LP bound, CP-SAT and the final explanation all run
    on the same clock, so ``time_limit_seconds`` bounds the call, not just the solver.
    """

    def __init__(self, limit_seconds: float, clock: Clock) -> None:
        self.limit, self.clock, self.started = limit_seconds, clock, clock()
        # Kept back for validating and explaining the whole schedule at the end: a guess
        # until a part has shown how long that takes at this size, then that estimate.
        self.reserve = min(30.0, 0.05 * limit_seconds)
        self._final_estimate = 0.0
        # Building one part's model and greedy start, measured on the first part: the parts
        # still to come will need it before their solver can start.
        self.part_setup = 0.0
        self._measured_part = -1  # the last part whose setup was measured

    def setup_done(self, part: int, seconds: float) -> None:
        """Part ``part``'s setup took ``seconds``: the estimate for the parts still to come.

        Counted once per part, where the setup ends (the search path and the CP-SAT path
        share it), so a part's search is never mistaken for setup.
        """
        if part == self._measured_part:
            return
        self._measured_part = part
        self.part_setup = seconds if part == 0 else max(self.part_setup, seconds)

    def elapsed(self) -> float:
        return self.clock() - self.started

    def share(self, parts_left: int) -> float:
        """Solver seconds for the current part, whose setup is done, of ``parts_left``.

        The setup of the parts after it is kept back; may be <= 0.
        """
        later_setup = (parts_left - 1) * self.part_setup
        return (self.limit - self.reserve - self.elapsed() - later_setup) / max(1, parts_left)

    def solver_time_after_setup(self, parts_left: int, *, built: bool = False) -> float:
        """Solver seconds a part about to be set up can expect (may be <= 0).

        ``built``: its candidates and greedy start are built already (by the greedy pass) and
        spent, so its setup is not charged again.
        """
        setups = (parts_left - built) * self.part_setup
        return (self.limit - self.reserve - self.elapsed() - setups) / max(1, parts_left)

    def expect_final(self, seconds: float) -> None:
        """The final check is expected to take ``seconds`` (the largest estimate so far).

        It replaces the first guess: at 200 agents x 4 weeks and 300 s the guess kept 15 s
        back for a check of about 1 s, which the last week's search then went without.
        """
        self._final_estimate = max(self._final_estimate, seconds)
        floor = max(_FINAL_FLOOR_SECONDS, _FINAL_FLOOR_SHARE * self.limit)
        self.reserve = min(0.5 * self.limit, max(self._final_estimate, floor))


class Decomposition(StrEnum):
    NONE = "none"  # one model for the whole horizon
    WEEKS = "weeks"  # one model per planning week, in order
    AUTO = "auto"  # by week when agents x days exceeds ``max_agent_days_per_model``


@dataclass(frozen=True)
class SolveParameters:
    """Every knob that reaches the solver (``solver.parameters``), and how to split the work.

    Args:
        time_limit_seconds: wall-clock limit for the whole solve (split over the parts).
        num_workers: CP-SAT search workers (threads).
        random_seed: CP-SAT's seed, for repeatable runs.
        relative_gap_limit: stop when (objective - bound) / objective falls below this.
        log_search_progress: let CP-SAT write its own log to stdout.
        decomposition: see :class:`Decomposition`.
        max_agent_days_per_model: above this, ``AUTO`` decomposes by week.
        greedy_hint: build a greedy legal schedule first (:mod:`.greedy`), give it to CP-SAT as
            a solution hint, and return it when the solver finds nothing in its time.
        lp_bound: also bound each part by the model's linear relaxation (:mod:`._bound`),
            usually much tighter than CP-SAT's own bound within the time limit.
        deterministic_time_limit: CP-SAT's work limit per solver call, in its deterministic
            time units; with one worker the same problem gives the same answer however busy the
            machine is (tests and reproducible runs); the wall-clock limit still applies.
        neighbourhood_agents: when above 0, each part's search is our own large-neighbourhood
            search from the completed greedy start (this many agents free per step, the rest
            fixed) instead of one CP-SAT run; the bound is then the LP bound only.
        neighbourhood_seconds: CP-SAT's limit per neighbourhood step.
        agent_search: improve the greedy start agent by agent first (:mod:`._agent_search`:
            each agent's best week against everyone else's until no agent can do better, then
            a few agents re-planned together). A decomposed problem gives it all its time; a
            problem solved whole half, then goes on with CP-SAT from its answer.
        column_start: with ``agent_search``, the search of each part starts from whole weeks
            chosen by column generation (:mod:`._columns`, wishes kept) instead of the
            greedy schedule, when they are legal; the generation and its ``milp`` take
            ``_COLUMN_SHARE`` and ``_WHOLE_WEEKS_SHARE`` of the part's search time. None
            (the default) decides per part: on where its interchangeable agents average at
            least ``_COLUMN_START_AGENTS_PER_SET`` a set.
        seam_matching: for a part after earlier work (weeks 2+ of a decomposed horizon), the
            whole weeks come from sets of agents alike but for their earlier work, shared out
            to each set's members where legal after their own earlier work (:mod:`._seam`);
            without it each such agent is a set of its own. Also decides ``column_start``
            None on those sets. Off by default since stop 16: with the pair rebuild of the
            search it no longer paid (200 agents x 4 weeks, 300 s: 104,343 off against
            104,904 and 105,525 on; 120 agents x 2 weeks on the database, 60 s: 27,479 off
            against 29,615 on).
        relabel: the search's last step chooses anew, for all agents on duty at once, which
            group each serves (:mod:`._labels`).
        rebuild_agents: after the best responses, the search empties this many related
            agents at a time and lets them take their weeks back one by one (ruin and
            recreate, kept when cheaper); 0 or 1 switches it off.
        fairness_in_search: the search prices every move with its change of the fairness
            spread (:mod:`._fairness`); in a decomposed horizon counting the earlier weeks'
            shifts and broken wishes, so that it lowers the spread reported for the whole
            horizon. Off (the default: in two quiet wall-clock pairs at 200 agents x 4 weeks
            it ended 2.3% and 2.7% higher, its steps 2-6% slower), the search prices coverage
            and the agents' own costs only.
    """

    time_limit_seconds: float = 60.0
    num_workers: int = 2
    random_seed: int = 0
    relative_gap_limit: float = 0.0
    log_search_progress: bool = False
    decomposition: Decomposition = Decomposition.AUTO
    max_agent_days_per_model: int = 700
    greedy_hint: bool = True
    lp_bound: bool = True
    deterministic_time_limit: float | None = None
    neighbourhood_agents: int = 0
    neighbourhood_seconds: float = 3.0
    agent_search: bool = True
    column_start: bool | None = None
    seam_matching: bool = False
    relabel: bool = True
    rebuild_agents: int = 2
    fairness_in_search: bool = False  # two quiet 300-s pairs: +2.3% and +2.7% with it

    def __post_init__(self) -> None:
        if self.time_limit_seconds <= 0:
            raise InputError(f"time_limit_seconds must be positive, got {self.time_limit_seconds}")
        if self.neighbourhood_agents < 0:
            raise InputError(
                f"neighbourhood_agents must be 0 or more, got {self.neighbourhood_agents}"
            )
        if self.rebuild_agents < 0:
            raise InputError(f"rebuild_agents must be 0 or more, got {self.rebuild_agents}")
        if self.neighbourhood_seconds <= 0:
            raise InputError(
                f"neighbourhood_seconds must be positive, got {self.neighbourhood_seconds}"
            )
        if self.num_workers < 1:
            raise InputError(f"num_workers must be at least 1, got {self.num_workers}")
        if self.deterministic_time_limit is not None and self.deterministic_time_limit <= 0:
            raise InputError(
                f"deterministic_time_limit must be positive, got {self.deterministic_time_limit}"
            )


def apply_parameters(
    solver: cp_model.CpSolver, parameters: SolveParameters, *, time_limit_seconds: float
) -> None:
    """Set every solver knob from ``parameters`` on ``solver.parameters``."""
    p = solver.parameters
    p.max_time_in_seconds = time_limit_seconds
    p.num_workers = parameters.num_workers
    p.random_seed = parameters.random_seed
    p.relative_gap_limit = parameters.relative_gap_limit
    p.log_search_progress = parameters.log_search_progress
    if parameters.deterministic_time_limit is not None:
        p.max_deterministic_time = parameters.deterministic_time_limit


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, callback: ProgressCallback | None, part: int, parts: int, offset: float):
        super().__init__()
        self.callback, self.part, self.parts, self.offset = callback, part, parts, offset
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self.callback is not None:
            scale = builders.COST_SCALE
            self.callback(
                Progress(
                    elapsed_seconds=self.offset + self.wall_time,
                    objective=self.objective_value / scale,
                    bound=self.best_objective_bound / scale,
                    solutions=self.solutions,
                    part=self.part,
                    parts=self.parts,
                    whole=self.parts == 1,
                )
            )


def _precheck(problem: Problem, grid: Grid, candidates: list[list[Candidate]]) -> None:
    """Refuse input no schedule can meet, naming the agent and the rule."""
    reasons = []
    for agent, cands in zip(problem.agents, candidates, strict=True):
        for ev in agent.events:
            if grid.start <= ev.window.start_s < grid.end and not any(
                c.start <= ev.window.start_s and ev.window.end_s <= c.end for c in cands
            ):
                reasons.append(
                    f"agent {agent.id!r}: fixed event {ev.name!r} at "
                    f"{ev.window.start.isoformat()} fits in no allowed shift "
                    "(rule event_not_covered)"
                )
        best: dict[int, int] = defaultdict(int)
        for c in cands:
            best[c.day] = max(best[c.day], c.work_minutes)
        for week in range(problem.horizon.days // 7):
            most = sum(best[d] for d in range(7 * week, 7 * week + 7))
            minimum = problem.minimum_minutes(agent, week)
            if most < minimum:
                first, _ = problem.planning_week_days(week)
                reasons.append(
                    f"agent {agent.id!r}: availability and shift shapes allow at most "
                    f"{most / 60:.2f} h in the week from {first}, the contract minimum is "
                    f"{minimum / 60:.2f} h "
                    "(rule contract_min_per_week)"
                )
    if reasons:
        raise InfeasibleError("no schedule is possible:\n  " + "\n  ".join(reasons))


def _diagnose(problem: Problem, parameters: SolveParameters) -> str:
    """Which agents cannot be scheduled on their own, and which relaxation helps."""
    found = []
    for agent in problem.agents:
        alone = dataclasses.replace(problem, agents=(agent,))
        if _feasible(alone, parameters):
            continue
        relaxed = dataclasses.replace(
            agent, contract=dataclasses.replace(agent.contract, min_minutes_per_week=0)
        )
        if _feasible(dataclasses.replace(problem, agents=(relaxed,)), parameters):
            found.append(
                f"agent {agent.id!r}: the contract minimum cannot be met within the "
                "labour rules (rule contract_min_per_week)"
            )
        else:
            found.append(
                f"agent {agent.id!r}: fixed events, availability and earlier work "
                "leave no legal schedule (labour rules)"
            )
    return "\n  ".join(found) or "the agents' rules together (no single agent is the cause)"


def _feasible(problem: Problem, parameters: SolveParameters) -> bool:
    grid = problem.horizon.grid()
    ctx = _build(problem, grid, build_candidates(problem, grid))
    solver = cp_model.CpSolver()
    apply_parameters(solver, parameters, time_limit_seconds=5.0)
    ctx.model.minimize(0)
    return solver.solve(ctx.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _build(
    problem: Problem, grid: Grid, candidates: list[list[Candidate]]
) -> builders.ModelContext:
    ctx = builders.ModelContext(problem, grid, candidates)
    terms: list[builders.PenaltyTerm] = []
    for build in (
        builders.add_shift_choice,
        builders.add_breaks,
        builders.add_rest,
        builders.add_weekly_rest,
        builders.add_night_series_length,
        builders.add_working_time,
        builders.add_contract,
        builders.add_coverage,
        builders.add_wishes,
        builders.add_fairness,
    ):
        terms += build(ctx)
    ctx.model.minimize(
        cp_model.LinearExpr.weighted_sum([t.expr for t in terms], [t.weight for t in terms])
    )
    ctx.terms = terms
    return ctx


def _extract(ctx: builders.ModelContext, solver: cp_model.CpSolver) -> list[Shift]:
    """Shifts with breaks, events and skill-group work from the solver's values."""
    grid, prob = ctx.grid, ctx.problem
    tz = grid.tz
    chosen: dict[int, Candidate] = {}
    state: dict[int, dict[int, str]] = {}  # agent -> slot -> "break" | "event" | "work"
    for a, cands in enumerate(ctx.candidates):
        for i, c in enumerate(cands):
            if solver.boolean_value(ctx.x[a][i]):
                slots = state.setdefault(a, {})
                for t in range(c.first, c.last):
                    slots[t] = "work"
                chosen[a * 10_000 + c.day] = c
        for t, length, var in ctx.breaks[a]:
            if solver.boolean_value(var):
                for u in range(t, t + length):
                    state.setdefault(a, {})[u] = "break"
        for ev in prob.agents[a].events:
            for t in range(grid.n_slots):
                s0 = int(grid.slot_start[t])
                inside = s0 < ev.window.end_s and ev.window.start_s < s0 + grid.slot_seconds
                if inside and state.get(a, {}).get(t) is not None:
                    state[a][t] = "event"
    # Skill groups per slot: fill each class's flows, keeping agents on their previous group.
    classes: dict[frozenset[str], list[int]] = defaultdict(list)
    for a, agent in enumerate(prob.agents):
        classes[agent.skill_groups].append(a)
    group_of: dict[tuple[int, int], str] = {}
    for key, members in classes.items():
        last: dict[int, str] = {}
        for t in range(grid.n_slots):
            working = [a for a in members if state.get(a, {}).get(t) == "work"]
            if not working:
                continue
            quota = {
                g: int(solver.value(f))
                for (tt, k, g), f in ctx.flows.items()
                if tt == t and k == key
            }
            rest = []
            for a in working:
                g = last.get(a)
                if g is not None and quota.get(g, 0) > 0:
                    quota[g] -= 1
                    group_of[(a, t)] = g
                else:
                    rest.append(a)
            for a in rest:
                g = next((h for h, n in sorted(quota.items()) if n > 0), "")
                if g:
                    quota[g] -= 1
                group_of[(a, t)] = g
                last[a] = g
            for a in working:
                last[a] = group_of[(a, t)]
    shifts = []
    for code, c in sorted(chosen.items()):
        a = code // 10_000
        acts = []
        t = c.first
        while t < c.last:
            kind = state[a][t]
            label = group_of.get((a, t), "") if kind == "work" else ""
            u = t
            while (
                u < c.last
                and state[a][u] == kind
                and (kind != "work" or group_of.get((a, u), "") == label)
            ):
                u += 1
            start = from_epoch(int(grid.slot_start[t]), tz)
            end = from_epoch(int(grid.slot_start[u - 1]) + grid.slot_seconds, tz)
            if kind == "break":
                acts.append(Activity(ActivityKind.BREAK, start, end))
            elif kind == "event":
                name = next(
                    (
                        e.name
                        for e in prob.agents[a].events
                        if e.window.start_s <= int(grid.slot_start[t]) < e.window.end_s
                    ),
                    "",
                )
                acts.append(Activity(ActivityKind.EVENT, start, end, label=name))
            else:
                acts.append(Activity(ActivityKind.WORK, start, end, skill_group=label))
            t = u
        shifts.append(
            Shift(
                prob.agents[a].id,
                from_epoch(c.start, tz),
                from_epoch(c.end, tz),
                tuple(acts),
                name=c.shape,
            )
        )
    return shifts


_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
}


def _week_part(problem: Problem, week: int, earlier: list[Shift]) -> Problem:
    """Planning week ``week`` as its own problem, with the shifts before it as earlier work."""
    grid = problem.horizon.grid()
    first_day = 7 * week
    days = min(7, problem.horizon.days - first_day)
    lo, hi = int(grid.day_first_slot[first_day]), int(grid.day_first_slot[first_day + days])
    horizon = Horizon(
        grid.day(first_day), days, problem.horizon.slot_minutes, problem.horizon.timezone
    )
    demand = tuple(
        Demand(
            d.skill_group,
            np.asarray(d.required)[lo:hi],
            None if d.impact is None else np.asarray(d.impact)[lo:hi],
        )
        for d in problem.demand
    )
    # Fixed events of other weeks belong to their parts: the validator would find them hosted
    # by no shift of this one, and no start of this week would ever be legal.
    part_grid = horizon.grid()
    agents = []
    for agent in problem.agents:
        mine = tuple(
            WorkPeriod(TimeWindow(s.start, s.end), break_minutes=s.break_minutes)
            for s in earlier
            if s.agent_id == agent.id
        )
        events = tuple(
            ev for ev in agent.events if part_grid.start <= ev.window.start_s < part_grid.end
        )
        agents.append(
            dataclasses.replace(
                agent,
                prior_work=agent.prior_work + mine,
                events=events,
                paid_leave_minutes=agent.paid_leave_minutes[week : week + 1],
            )
        )
    return dataclasses.replace(problem, horizon=horizon, demand=demand, agents=tuple(agents))


def _greedy_hint(
    ctx: builders.ModelContext, known: GreedySchedule | None = None
) -> GreedySchedule | None:
    """The greedy schedule (``known`` when already built), set as CP-SAT's solution hint.

    None when it is not legal.
    """
    greedy = known if known is not None else greedy_schedule(ctx)
    if not greedy.complete or validate(ctx.problem, Schedule(greedy.shifts)):
        return None
    m = ctx.model
    for a, cands in enumerate(ctx.candidates):
        picked = {(c.first, c.last) for c in greedy.chosen[a]}
        for i, c in enumerate(cands):
            m.add_hint(ctx.x[a][i], (c.first, c.last) in picked)
    placed = {(a, d, p, t) for a, bs in enumerate(greedy.break_starts) for d, p, t, _ in bs}
    for key, var in ctx.break_keys.items():
        m.add_hint(var, key in placed)
    return greedy


@dataclass
class _GreedyPass:
    """The greedy pass week by week; the solver's first part is the same problem as its week
    1, and its later weeks are starts for the later parts while they stay legal."""

    candidates: list[list[Candidate]] | None = None  # of week 1
    weeks: list[GreedySchedule] = dataclasses.field(default_factory=list)
    seconds: float = 0.0  # what building week 1 took, part of a part's setup

    @property
    def greedy(self) -> GreedySchedule | None:
        """Week 1's greedy schedule."""
        return self.weeks[0] if self.weeks else None

    def start_for(
        self, week: int, sub: Problem, candidates: list[list[Candidate]]
    ) -> GreedySchedule | None:
        """Week ``week``'s greedy schedule when it is still legal after the weeks solved before
        it (it was planned after the greedy ones), else None."""
        if week >= len(self.weeks) or not self.weeks[week].complete:
            return None
        greedy = self.weeks[week]
        for picked, cands in zip(greedy.chosen, candidates, strict=True):
            mine = {(c.first, c.last): c for c in cands}
            if any(mine.get((c.first, c.last)) != c for c in picked):
                return None  # earlier work now blocks that shift
        return None if validate(sub, Schedule(greedy.shifts)) else greedy


def _greedy_whole(
    problem: Problem, budget: _Budget, on_progress: ProgressCallback | None, first: _GreedyPass
) -> tuple[Shift, ...] | None:
    """A legal greedy schedule of the whole horizon, week by week; None when none is found."""
    shifts: list[Shift] = []
    for week in range(problem.week_count()):
        week_started = budget.elapsed()
        sub = _week_part(problem, week, shifts)
        grid = sub.horizon.grid()
        candidates = build_candidates(sub, grid)
        greedy = greedy_schedule(builders.ModelContext(sub, grid, candidates))
        first.weeks.append(greedy)
        if week == 0:
            first.candidates = candidates
            first.seconds = budget.elapsed() - week_started
        if not greedy.complete:
            return None
        shifts += greedy.shifts
    if validate(problem, Schedule(tuple(shifts))):
        return None
    if on_progress is not None:
        cost = sum(p.cost for p in penalties_of(problem, Schedule(tuple(shifts))))
        n = problem.week_count()
        on_progress(Progress(budget.elapsed(), cost, 0.0, 1, 0, n, whole=True))
    return tuple(shifts)


def _neighbourhood_search(
    ctx: builders.ModelContext,
    params: SolveParameters,
    start: cp_model.CpSolver,
    budget: _Budget,
    seconds: float,
    *,
    seed: int,
) -> cp_model.CpSolver:
    """Large-neighbourhood search of our own: free a few agents, fix the rest, re-solve.

    CP-SAT solves a model with only ``neighbourhood_agents`` agents free near-optimally in
    seconds, while on the whole model its search stalls (20 agents x 1 week, 60 s: 5,109
    alone, 2,029 this way, from the same start of 6,600). Returns the solver holding the best
    solution found (``start`` when nothing improved).
    """
    m = ctx.model
    n = len(ctx.problem.agents)
    k = min(params.neighbourhood_agents, n)
    fixed_of = [
        [v.index for v in ctx.x[a]] + [v.index for _, _, v in ctx.breaks[a]] for a in range(n)
    ]
    best = start
    values = list(start.response_proto.solution)
    cost = start.objective_value
    rng = random.Random(params.random_seed * 1_000 + seed)
    deadline = budget.elapsed() + seconds
    while (left := deadline - budget.elapsed()) >= _MIN_SOLVER_SECONDS:
        free = set(rng.sample(range(n), k))
        m.clear_hints()  # type: ignore[no-untyped-call]
        for a in range(n):
            if a not in free:
                for index in fixed_of[a]:
                    m.add_hint(m.get_int_var_from_proto_index(index), values[index])
        solver = cp_model.CpSolver()
        apply_parameters(solver, params, time_limit_seconds=min(params.neighbourhood_seconds, left))
        solver.parameters.fix_variables_to_their_hinted_value = True
        code = solver.solve(m)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value < cost:
            best, cost, values = (
                solver,
                solver.objective_value,
                list(solver.response_proto.solution),
            )
    return best


def _report_part_done(
    on_progress: ProgressCallback | None,
    budget: _Budget,
    objective: float,
    bound: float,
    solutions: int,
    part: int,
    n_parts: int,
) -> None:
    if on_progress is not None:
        whole = part + 1 == n_parts
        on_progress(
            Progress(budget.elapsed(), objective, bound, solutions, part + 1, n_parts, whole=whole)
        )


@dataclass(frozen=True)
class _Searched:
    """One part after the agent-by-agent search: its schedule, cost, bound and time left."""

    schedule: GreedySchedule
    cost: float
    bound: float | None
    seconds_left: float
    improved: bool  # False: no time was left for the search, this is the greedy start


def _worth_solving_on(
    searched: _Searched, budget: _Budget, *, part: int, n_parts: int, by_week: bool
) -> bool:
    """Whether CP-SAT on the whole part's model should go on from the searched schedule.

    Only with time left to build that model (about twice the greedy setup) and run the
    solver. A problem solved whole gave the search half its time; CP-SAT has the rest (it
    may prove the answer optimal). In a decomposed (large) problem the search had all of it,
    and what it did not need goes to the next parts; only the last part hands its rest to
    CP-SAT (which barely moves at 200 agents, but costs nothing then).
    """
    if by_week and part < n_parts - 1:
        return False
    return searched.seconds_left >= 3 * budget.part_setup + _MIN_SOLVER_SECONDS


def _search_part(
    sub: Problem,
    grid: Grid,
    candidates: list[list[Candidate]],
    known: GreedySchedule | None,
    params: SolveParameters,
    budget: _Budget,
    *,
    part: int,
    n_parts: int,
    by_week: bool,
    setup_started: float,
    on_progress: ProgressCallback | None,
    fairness: FairnessSoFar | None = None,
) -> _Searched | None:
    """Greedy start, relaxation bound and agent-by-agent search of one part, on the budget.

    None when the greedy start is not legal (then the CP-SAT path has to find a schedule).
    ``fairness``: what the horizon's earlier parts count in the fairness spread (None: the
    part is the whole horizon).
    """
    plain = builders.ModelContext(sub, grid, candidates)
    start = known if known is not None else greedy_schedule(plain)
    if not start.complete or validate(sub, Schedule(start.shifts)):
        return None
    parts_left = n_parts - part
    budget.setup_done(part, budget.elapsed() - setup_started)
    if on_progress is not None and not by_week:
        # Solved whole, nothing has been reported yet: the greedy start is a first answer.
        cost = sum(p.cost for p in penalties_of(sub, Schedule(start.shifts)))
        on_progress(Progress(budget.elapsed(), cost, 0.0, 1, 0, 1, whole=True))
    bound = None
    share = budget.share(parts_left)
    if params.lp_bound:
        bound = lp_lower_bound(plain, time_limit_seconds=max(0.5, min(60.0, share / 4)))
    share = budget.share(parts_left) * (1.0 if by_week else 0.5)
    first = start
    began = budget.elapsed()
    # Weeks 2+: alike agents but for their earlier work priced together (``._seam``).
    fresh = seam_context(plain) if params.seam_matching else None
    column_start = params.column_start
    if column_start is None:
        alike = agents_per_alike_set(fresh if fresh is not None else plain)
        column_start = alike >= _COLUMN_START_AGENTS_PER_SET
    if column_start and share >= _MIN_SOLVER_SECONDS:
        first = _whole_weeks(plain, fresh, start, share=share, clock=budget.clock)
    share = max(0.0, share - (budget.elapsed() - began))  # this part pays for them
    found = first
    if share >= _MIN_SOLVER_SECONDS:
        found = improve_by_agents(
            plain,
            first,
            seconds=share,
            clock=budget.clock,
            seed=params.random_seed * 1_000 + part,
            workers=params.num_workers,
            relabel=params.relabel,
            rebuild_agents=params.rebuild_agents,
            fairness=fairness,
            price_fairness=params.fairness_in_search,
        )
    explaining = budget.elapsed()
    cost = sum(p.cost for p in penalties_of(sub, Schedule(found.shifts)))
    # The final check explains and validates every part at once: about n times this.
    budget.expect_final(1.5 * n_parts * (budget.elapsed() - explaining))
    return _Searched(found, cost, bound, budget.share(parts_left), found is not start)


def _whole_weeks(
    ctx: builders.ModelContext,
    fresh: builders.ModelContext | None,
    start: GreedySchedule,
    *,
    share: float,
    clock: Clock,
) -> GreedySchedule:
    """The search's start from whole weeks of column generation (every wish kept), when they
    are legal and cost less than ``start``; else ``start``.

    ``fresh``: the part without its earlier work (:func:`._seam.seam_context`), whose sets
    are priced and whose weeks are shared out where legal; None prices ``ctx``'s own sets.
    Generation takes ``_COLUMN_SHARE`` of ``share``, the ``milp`` ``_WHOLE_WEEKS_SHARE``.
    """
    seconds, integer_seconds = _COLUMN_SHARE * share, _WHOLE_WEEKS_SHARE * share
    try:
        if fresh is not None:
            whole = whole_weeks_across_seam(
                ctx, fresh, start, seconds=seconds, integer_seconds=integer_seconds, clock=clock
            )
        else:
            whole = column_generation_bound(
                ctx,
                seconds=seconds,
                clock=clock,
                start=start,
                integer_seconds=integer_seconds,
                wishes_kept=True,
            ).integer_schedule
    except InfeasibleError:  # an agent cannot keep every wish: the start stands
        return start
    sub = ctx.problem
    if whole is None or validate(sub, Schedule(whole.shifts)):
        return start
    cost = sum(p.cost for p in penalties_of(sub, Schedule(whole.shifts)))
    return whole if cost < sum(p.cost for p in penalties_of(sub, Schedule(start.shifts))) else start


def _finish_greedy(
    problem: Problem, part: int, solved: list[Shift], fallback: tuple[Shift, ...]
) -> list[Shift]:
    """The solved weeks before ``part`` joined to the greedy weeks after, when that is legal.

    The greedy weeks were planned after greedy earlier weeks, so the seam may break a rule;
    then the whole greedy schedule stands instead.
    """
    first, _ = problem.planning_week_days(part)
    tz = problem.horizon.grid().tz
    rest = [s for s in fallback if s.start.astimezone(tz).date() >= first]
    joined = solved + rest
    return joined if not validate(problem, Schedule(tuple(joined))) else list(fallback)


def _complete_hint(
    ctx: builders.ModelContext, parameters: SolveParameters, *, time_limit_seconds: float
) -> cp_model.CpSolver | None:
    """Solve the model with the hinted (greedy) variables fixed, then hint every variable.

    CP-SAT accepts a complete, feasible hint as its first solution at once; a partial one
    it often cannot complete in a large model. Fixing the shifts and breaks leaves a small
    model (coverage flows, penalties) that solves in well under a second.
    """
    solver = cp_model.CpSolver()
    apply_parameters(solver, parameters, time_limit_seconds=time_limit_seconds)
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.stop_after_first_solution = False
    code = solver.solve(ctx.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    values = list(solver.response_proto.solution)
    m = ctx.model
    m.clear_hints()  # type: ignore[no-untyped-call]
    for index, value in enumerate(values):
        m.add_hint(m.get_int_var_from_proto_index(index), value)
    return solver


def solve(
    problem: Problem,
    *,
    parameters: SolveParameters | None = None,
    on_progress: ProgressCallback | None = None,
    clock: Clock = time.monotonic,
) -> ScheduleResult:
    """Find a legal schedule that keeps the named penalties low.

    ``parameters.time_limit_seconds`` bounds the whole call (model building, greedy start, LP
    bound, CP-SAT and the final check), read on ``clock``; tests pass a fake clock.

    Raises:
        InfeasibleError: no schedule meets the hard rules; the message names agent and rule.
    """
    params = parameters or SolveParameters()
    budget = _Budget(params.time_limit_seconds, clock)
    agent_days = len(problem.agents) * problem.horizon.days
    by_week = params.decomposition is Decomposition.WEEKS or (
        params.decomposition is Decomposition.AUTO
        and agent_days > params.max_agent_days_per_model
        and problem.horizon.days > 7
    )
    parts = [problem] if not by_week else []
    n_parts = problem.week_count() if by_week else 1
    greedy_pass = _GreedyPass()
    fallback = (
        _greedy_whole(problem, budget, on_progress, greedy_pass)
        if by_week and params.greedy_hint
        else None
    )
    shifts: list[Shift] = []
    objective = bound = 0.0
    statuses: list[SolveStatus] = []
    whole_candidates: list[list[Candidate]] | None = None  # for fairness, built when needed
    for part in range(n_parts):
        reuse = part == 0 and greedy_pass.candidates is not None
        if part == 0 and fallback is not None:
            # Until a part is measured, estimate its setup from the greedy pass's first week;
            # the search path builds no CP-SAT model.
            searching = params.agent_search and params.greedy_hint
            per_greedy = _SEARCH_SETUP_PER_GREEDY if searching else _SETUP_PER_GREEDY
            budget.part_setup = per_greedy * greedy_pass.seconds
        if (
            fallback is not None
            and budget.solver_time_after_setup(n_parts - part, built=reuse) < _MIN_SOLVER_SECONDS
        ):
            # No time for the remaining weeks: the greedy schedule finishes the horizon.
            shifts = _finish_greedy(problem, part, shifts, fallback)
            statuses = [SolveStatus.HEURISTIC]
            objective = sum(p.cost for p in penalties_of(problem, Schedule(tuple(shifts))))
            break
        setup_started = budget.elapsed()
        sub = _week_part(problem, part, shifts) if by_week else parts[0]
        grid = sub.horizon.grid()
        candidates = (
            greedy_pass.candidates
            if reuse and greedy_pass.candidates is not None
            else build_candidates(sub, grid)
        )
        _precheck(sub, grid, candidates)
        searched = None
        if params.agent_search and params.greedy_hint:
            before = None
            if by_week and params.fairness_in_search:
                # The spread reported is the whole horizon's: the search counts the weeks
                # before this one, and who is eligible over all weeks (``_fairness``).
                if whole_candidates is None:
                    whole_candidates = build_candidates(problem, problem.horizon.grid())
                before = fairness_so_far(problem, Schedule(tuple(shifts)), whole_candidates)
            searched = _search_part(
                sub,
                grid,
                candidates,
                greedy_pass.greedy if reuse else greedy_pass.start_for(part, sub, candidates),
                params,
                budget,
                part=part,
                n_parts=n_parts,
                by_week=by_week,
                on_progress=on_progress,
                setup_started=setup_started - (greedy_pass.seconds if reuse else 0.0),
                fairness=before,
            )
        if searched is not None and not _worth_solving_on(
            searched, budget, part=part, n_parts=n_parts, by_week=by_week
        ):
            objective += searched.cost
            bound += searched.bound or 0.0
            shifts += searched.schedule.shifts
            statuses.append(SolveStatus.FEASIBLE if searched.improved else SolveStatus.HEURISTIC)
            _report_part_done(on_progress, budget, objective, bound, 1, part, n_parts)
            continue
        ctx = _build(sub, grid, candidates)
        known = searched.schedule if searched is not None else None
        if known is None and reuse:
            known = greedy_pass.greedy
        greedy = _greedy_hint(ctx, known) if params.greedy_hint else None
        greedy_cost = 0.0
        if greedy is not None:
            explaining = budget.elapsed()
            greedy_cost = sum(p.cost for p in penalties_of(sub, Schedule(greedy.shifts)))
            # The final check explains and validates every part at once: about n times this.
            budget.expect_final(1.5 * n_parts * (budget.elapsed() - explaining))
            if on_progress is not None:
                on_progress(
                    Progress(
                        budget.elapsed(),
                        objective + greedy_cost,
                        bound,
                        1,
                        part,
                        n_parts,
                        whole=n_parts == 1,
                    )
                )
        reused = greedy_pass.seconds if reuse else 0.0
        budget.setup_done(part, budget.elapsed() - setup_started + reused)
        # Optional phases get a share of what this part may still spend, and are skipped
        # when a greedy schedule stands and there is too little left to improve it.
        share = budget.share(n_parts - part)
        relaxed = searched.bound if searched is not None else None
        if relaxed is None and params.lp_bound and (greedy is None or share >= _MIN_SOLVER_SECONDS):
            relaxed = lp_lower_bound(ctx, time_limit_seconds=max(0.5, min(60.0, share / 4)))
        completed = None
        share = budget.share(n_parts - part)
        if greedy is not None and share >= 2 * _MIN_SOLVER_SECONDS:
            completed = _complete_hint(ctx, params, time_limit_seconds=min(30.0, share / 4))
            if completed is not None and on_progress is not None:
                on_progress(
                    Progress(
                        budget.elapsed(),
                        objective + completed.objective_value / builders.COST_SCALE,
                        bound,
                        1,
                        part,
                        n_parts,
                        whole=n_parts == 1,
                    )
                )
        solver = cp_model.CpSolver()
        share = budget.share(n_parts - part)
        reporter = _Reporter(on_progress, part, n_parts, budget.elapsed())
        if greedy is not None and share < _MIN_SOLVER_SECONDS:
            code, own_bound = cp_model.UNKNOWN, 0.0  # out of time: the greedy schedule stands
        elif params.neighbourhood_agents > 0 and completed is not None:
            solver = _neighbourhood_search(ctx, params, completed, budget, share, seed=part)
            code, own_bound = cp_model.FEASIBLE, 0.0
            if on_progress is not None:
                on_progress(
                    Progress(
                        budget.elapsed(),
                        objective + solver.objective_value / builders.COST_SCALE,
                        bound,
                        1,
                        part,
                        n_parts,
                        whole=n_parts == 1,
                    )
                )
        else:
            # Without a greedy schedule the solver is the only way to an answer: it always runs.
            apply_parameters(solver, params, time_limit_seconds=max(_MIN_SOLVER_SECONDS, share))
            code = solver.solve(ctx.model, reporter)
            # CP-SAT's bound on the full model (not the fixed one of a completed hint).
            own_bound = max(0.0, solver.best_objective_bound / builders.COST_SCALE)
        status = _STATUS.get(code, SolveStatus.UNKNOWN)
        if status is SolveStatus.UNKNOWN and completed is not None:
            # The solver's own run found nothing: the completed greedy schedule stands.
            status, solver = SolveStatus.FEASIBLE, completed
        if status is SolveStatus.INFEASIBLE:
            raise InfeasibleError("no schedule meets the hard rules:\n  " + _diagnose(sub, params))
        if status is SolveStatus.UNKNOWN:
            if greedy is None:
                statuses.append(status)
                break
            statuses.append(SolveStatus.HEURISTIC)
            objective += greedy_cost
            bound += max(relaxed or 0.0, own_bound)
            shifts += greedy.shifts
        elif searched is not None and searched.cost < solver.objective_value / builders.COST_SCALE:
            # CP-SAT went on without the searched schedule as its start (the hint could not be
            # completed) and ended above it: the search's schedule stands.
            statuses.append(SolveStatus.FEASIBLE if searched.improved else SolveStatus.HEURISTIC)
            objective += searched.cost
            bound += max(relaxed or 0.0, own_bound)
            shifts += searched.schedule.shifts
        else:
            statuses.append(status)
            objective += solver.objective_value / builders.COST_SCALE
            bound += max(relaxed or 0.0, own_bound)
            shifts += _extract(ctx, solver)
        _report_part_done(on_progress, budget, objective, bound, reporter.solutions, part, n_parts)
    if SolveStatus.UNKNOWN in statuses and fallback is not None:
        # A later week found nothing: the greedy schedule of the whole horizon stands.
        shifts, statuses = list(fallback), [SolveStatus.HEURISTIC]
        objective = sum(p.cost for p in penalties_of(problem, Schedule(fallback)))
    if SolveStatus.UNKNOWN in statuses:
        overall = SolveStatus.UNKNOWN
    elif SolveStatus.HEURISTIC in statuses:
        overall = SolveStatus.HEURISTIC
    elif all(s is SolveStatus.OPTIMAL for s in statuses):
        overall = SolveStatus.OPTIMAL
    else:
        overall = SolveStatus.FEASIBLE
    schedule = Schedule(tuple(shifts))
    fairness = fairness_of(problem, schedule)
    penalties = penalties_of(problem, schedule, fairness=fairness)
    if by_week:
        # The parts' costs add up all but fairness: a spread over the whole horizon is not the
        # sum of the weeks' spreads. The answer's cost is that of its named penalties.
        objective = sum(p.cost for p in penalties)
    return ScheduleResult(
        status=overall,
        schedule=schedule,
        objective=objective,
        bound=bound,
        penalties=penalties,
        coverage=coverage_of(problem, schedule),
        wishes=wishes_of(problem, schedule),
        fairness=fairness,
        violations=validate(problem, schedule),
        wall_seconds=budget.elapsed(),
        parts=n_parts,
        decomposed=by_week,
    )
