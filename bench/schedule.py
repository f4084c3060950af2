"""Scale run of the schedule optimiser: N agents, W weeks, 15-minute grid, 3 skill groups.

    .venv/bin/python bench/schedule.py --agents 200 --weeks 4 --time-limit 60

Demand is real-looking (a double-peaked weekday curve scaled per group, lighter weekends).
Reports under-coverage against the lower bound, wish hit rate, fairness spread, violations
and time. The pyworkforce side-by-side part is not written yet (see docs/benchmarks/schedule.md).
"""

from __future__ import annotations

import argparse
import time as clock
from datetime import date, time, timedelta

import numpy as np

from bezetting.core.schedule import (
    Agent,
    Contract,
    DayOffWish,
    Demand,
    Horizon,
    Problem,
    Progress,
    ShiftTemplate,
    Skill,
    SkillGroup,
    SolveParameters,
    TimeWindow,
    UnwantedTimeWish,
    solve,
)
from bezetting.core.schedule._time import from_epoch

GROUPS = (("voice", 0.55), ("chat", 0.25), ("email", 0.20))


def build(agents: int, weeks: int, seed: int) -> Problem:
    rng = np.random.default_rng(seed)
    horizon = Horizon(date(2020, 3, 16), 7 * weeks)
    grid = horizon.grid()
    tz = grid.tz
    opening = []
    for d in range(horizon.days):
        day = horizon.first_day + timedelta(days=d)
        lo = 8 if day.weekday() < 5 else 9
        hi = 21 if day.weekday() < 5 else 17
        opening.append(
            TimeWindow(
                from_epoch(grid.day_start(d), tz).replace(hour=lo),
                from_epoch(grid.day_start(d), tz).replace(hour=hi),
            )
        )
    groups = tuple(SkillGroup(g, tuple(opening)) for g, _ in GROUPS)
    # Double-peaked intraday curve (10:00 and 14:00), weekends at 40%.
    hours = np.array(
        [
            (int(t) - grid.day_start(int(grid.slot_day[i]))) / 3600
            for i, t in enumerate(grid.slot_start)
        ]
    )
    curve = np.exp(-((hours - 10.5) ** 2) / 3) + 0.8 * np.exp(-((hours - 14.5) ** 2) / 4) + 0.3
    weekday = np.array(
        [(horizon.first_day + timedelta(days=int(d))).weekday() for d in grid.slot_day]
    )
    curve *= np.where(weekday < 5, 1.0, 0.4)
    open_mask = np.zeros(grid.n_slots, dtype=bool)
    for w in opening:
        open_mask |= (grid.slot_start >= w.start_s) & (grid.slot_start < w.end_s)
    total_agents_on = agents * 0.42 * 0.8  # ~32 h contracts over 91 opening hours a week
    demand = tuple(
        Demand(
            g,
            np.where(
                open_mask, np.round(curve / curve[open_mask].mean() * total_agents_on * share), 0
            ).astype(np.int64),
        )
        for g, share in GROUPS
    )
    shapes = (
        ShiftTemplate("early", time(8), 510),
        ShiftTemplate("day", time(9), 510),
        ShiftTemplate("mid", time(10), 480),
        ShiftTemplate("late", time(12, 30), 510),
        ShiftTemplate("part-am", time(9), 270),
        ShiftTemplate("part-pm", time(13), 270),
        ShiftTemplate("weekend", time(10), 390, weekdays=(5, 6)),
    )
    people = []
    for i in range(agents):
        skills = [GROUPS[i % 3][0]] + ([GROUPS[(i + 1) % 3][0]] if rng.random() < 0.4 else [])
        target = int(rng.choice([24, 32, 36])) * 60
        wishes = []
        if rng.random() < 0.5:
            day = horizon.first_day + timedelta(days=int(rng.integers(horizon.days)))
            wishes.append(DayOffWish(f"a{i}-off", day))
        if rng.random() < 0.3:
            d = int(rng.integers(horizon.days))
            start = from_epoch(grid.day_start(d), tz).replace(hour=7)
            wishes.append(
                UnwantedTimeWish(f"a{i}-early", TimeWindow(start, start.replace(hour=10)))
            )
        people.append(
            Agent(
                f"a{i:03d}",
                Contract(target - 480, target, target + 240),
                tuple(Skill(s) for s in skills),
                wishes=tuple(wishes),
            )
        )
    return Problem(horizon, groups, demand, tuple(people), shapes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-greedy", action="store_true", help="CP-SAT alone (the old path)")
    parser.add_argument("--no-lp-bound", action="store_true", help="CP-SAT's own bound only")
    parser.add_argument(
        "--compare-old", action="store_true", help="also run CP-SAT alone on the same problem"
    )
    args = parser.parse_args()
    t0 = clock.monotonic()
    problem = build(args.agents, args.weeks, args.seed)
    built = clock.monotonic() - t0
    print(
        f"agents {args.agents}, weeks {args.weeks}, "
        f"slots {problem.horizon.grid().n_slots}, groups 3; build problem {built:.1f} s"
    )
    runs = [("new", not args.no_greedy, not args.no_lp_bound)]
    if args.compare_old:
        runs.append(("old (CP-SAT alone)", False, False))
    objectives = {}
    for label, greedy, lp in runs:
        objectives[label] = run(problem, args, label, greedy=greedy, lp=lp)
    if len(objectives) == 2:
        new, old = objectives["new"], objectives["old (CP-SAT alone)"]
        print(f"objective ratio new / old: {new / old:.3f}" if old > 0 else "old: no schedule")


def run(problem: Problem, args: argparse.Namespace, label: str, *, greedy: bool, lp: bool) -> float:
    first: list[float] = []
    whole: list[float] = []

    def progress(p: Progress) -> None:
        if not first:
            first.append(p.elapsed_seconds)
        if p.whole and not whole:
            whole.append(p.elapsed_seconds)

    result = solve(
        problem,
        parameters=SolveParameters(
            time_limit_seconds=args.time_limit,
            num_workers=args.workers,
            greedy_hint=greedy,
            lp_bound=lp,
        ),
        on_progress=progress,
    )
    under = result.penalty_total("under_coverage")
    shares = [f.weekends_per_fte for f in result.fairness] or [float("nan")]
    print(f"--- {label}")
    print(
        f"first schedule (first part) after {first[0] if first else float('nan'):.1f} s; "
        f"first legal schedule of the whole horizon after "
        f"{whole[0] if whole else float('nan'):.1f} s; "
        f"total {result.wall_seconds:.1f} s"
    )
    print(f"status {result.status.value}; decomposed {result.decomposed} ({result.parts} parts)")
    print(
        f"objective {result.objective:.0f}; bound {result.bound:.0f}; gap {100 * result.gap:.1f}%"
    )
    print(
        f"under-coverage {result.under_coverage_slots} agent-slots "
        f"of {int(result.coverage.required.sum())} required (cost {under:.0f})"
    )
    print(f"wish hit rate {100 * result.wish_hit_rate:.1f}% of {len(result.wishes)}")
    print(f"weekend shifts per FTE: min {min(shares):.2f} max {max(shares):.2f}")
    print(f"rule violations {len(result.violations)}")
    return result.objective if result.schedule.shifts else float("nan")


if __name__ == "__main__":
    main()
