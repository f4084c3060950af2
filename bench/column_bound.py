"""The column-generation bound against the relaxation bound, on the schedule bench's instances.

    .venv/bin/python bench/column_bound.py --agents 40 --weeks 1 --seconds 120
    .venv/bin/python bench/column_bound.py --agents 200 --weeks 4 --week 0 --seconds 300

Builds ``bench/schedule.py``'s problem, takes one planning week as the solver does
(``_week_part(problem, week, [])``: no earlier weeks), and prints the LP relaxation bound
(:mod:`bezetting.core.schedule._bound`), the greedy start's cost, and per iteration of column
generation the restricted master's optimum and the Lagrangian bound, with the machine's load.
"""

from __future__ import annotations

import argparse
import os
import time

from bezetting.core.schedule import Problem, Schedule, validate
from bezetting.core.schedule._agent_search import improve_by_agents
from bezetting.core.schedule._bound import lp_lower_bound
from bezetting.core.schedule._candidates import build_candidates
from bezetting.core.schedule._columns import Iteration, column_generation_bound
from bezetting.core.schedule.builders import ModelContext
from bezetting.core.schedule.explain import penalties_of, wishes_of
from bezetting.core.schedule.greedy import GreedySchedule, greedy_schedule
from bezetting.core.schedule.solve import _week_part
from schedule import build  # bench/schedule.py: the script's own directory is on the path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--weeks", type=int, default=1)
    parser.add_argument("--week", type=int, default=0, help="planning week to bound (from 0)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--pricing-seconds", type=float, default=2.0)
    parser.add_argument(
        "--search-seconds",
        type=float,
        default=0.0,
        help="with --integer-seconds: the agent search from the greedy start and from the "
        "whole-weeks schedule, this long each",
    )
    parser.add_argument(
        "--keep-wishes",
        action="store_true",
        help="columns keep every wish (a start for the search; no bound then)",
    )
    parser.add_argument(
        "--integer-seconds",
        type=float,
        default=0.0,
        help="then choose whole generated weeks (HiGHS milp) for this long",
    )
    args = parser.parse_args()
    problem = _week_part(build(args.agents, args.weeks, args.seed), args.week, [])
    grid = problem.horizon.grid()
    print(f"load {os.getloadavg()[0]:.1f}; {args.agents} agents, week {args.week}")
    t0 = time.monotonic()
    ctx = ModelContext(problem, grid, build_candidates(problem, grid))
    lp = lp_lower_bound(ctx, time_limit_seconds=60)
    print(f"LP relaxation bound {lp} ({time.monotonic() - t0:.1f} s)")
    start = greedy_schedule(ctx)
    greedy_cost = sum(p.cost for p in penalties_of(problem, Schedule(start.shifts)))
    print(f"greedy start {greedy_cost:,.2f}")

    def show(it: Iteration) -> None:
        print(
            f"  {it.seconds:7.1f} s  master {it.master:12,.2f}  lagrangian {it.lagrangian:12,.2f}"
            f"  +{it.columns_added} columns  load {os.getloadavg()[0]:.1f}",
            flush=True,
        )

    result = column_generation_bound(
        ctx,
        seconds=args.seconds,
        clock=time.monotonic,
        start=start,
        pricing_seconds=args.pricing_seconds,
        on_iteration=show,
        integer_seconds=args.integer_seconds,
        wishes_kept=args.keep_wishes,
    )
    print(
        f"column-generation bound {result.bound} (converged: {result.converged}, "
        f"{len(result.iterations)} iterations); load {os.getloadavg()[0]:.1f}"
    )
    if args.integer_seconds > 0:
        print(
            f"whole weeks from the generated columns (coverage and contract only): "
            f"{result.integer_master} after {time.monotonic() - t0:.1f} s in all; "
            f"load {os.getloadavg()[0]:.1f}"
        )
    if result.integer_schedule is not None:
        _compare_starts(problem, ctx, start, result.integer_schedule, args.search_seconds)


def _compare_starts(
    problem: Problem,
    ctx: ModelContext,
    greedy: GreedySchedule,
    whole_weeks: GreedySchedule,
    seconds: float,
) -> None:
    """The whole-weeks schedule as it is (validator, named penalties), and the agent search
    from it against the search from the greedy start."""
    runs = [("whole weeks", whole_weeks)]
    if seconds > 0:
        for name, first in (("greedy", greedy), ("whole weeks", whole_weeks)):
            t0 = time.monotonic()
            found = improve_by_agents(ctx, first, seconds=seconds, clock=time.monotonic)
            runs.append((f"search from {name}, {time.monotonic() - t0:.0f} s", found))
    for name, found in runs:
        schedule = Schedule(found.shifts)
        penalties = penalties_of(problem, schedule)
        by_name: dict[str, float] = {}
        for p in penalties:
            by_name[p.name] = by_name.get(p.name, 0.0) + p.cost
        wishes = wishes_of(problem, schedule)
        met = sum(w.met for w in wishes)
        print(
            f"{name}: cost {sum(by_name.values()):,.2f} "
            + ", ".join(f"{k} {v:,.2f}" for k, v in sorted(by_name.items()))
            + f"; wishes met {met} of {len(wishes)}; violations "
            f"{len(validate(problem, schedule))}; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
