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

from bezetting.core.schedule import Schedule
from bezetting.core.schedule._bound import lp_lower_bound
from bezetting.core.schedule._candidates import build_candidates
from bezetting.core.schedule._columns import Iteration, column_generation_bound
from bezetting.core.schedule.builders import ModelContext
from bezetting.core.schedule.explain import penalties_of
from bezetting.core.schedule.greedy import greedy_schedule
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
    )
    print(
        f"column-generation bound {result.bound} (converged: {result.converged}, "
        f"{len(result.iterations)} iterations); load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
