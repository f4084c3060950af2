"""Scale run of the schedule optimiser: N agents, W weeks, 15-minute grid, 3 skill groups.

    .venv/bin/python bench/schedule.py --agents 200 --weeks 4 --time-limit 60

Demand is real-looking (a double-peaked weekday curve scaled per group, lighter weekends).
Reports under-coverage against the lower bound, wish hit rate, fairness spread, violations
and time.

Side by side, in the same run (unless ``--no-peer``): pyworkforce's ``MinAbsDifference`` and
``MinRequiredResources`` on the same demand, as far as its model can express it: it chooses how
many (anonymous) resources work each shift template per day against one demand curve per day
(local quarter-hours), so the three skill groups are pooled, and it has no breaks, no named
agents, no contract hours, no labour rules and no weekday restriction of a template (the
weekend template is offered every day). Its answer is therefore a relaxation of ours: its
under-coverage is what shift shapes alone allow with unlimited staff. pyworkforce >= 0.5.2
needs Python >= 3.12, so it runs in its own venv (``bench/.peer-venv-schedule``, created on
first use) in a subprocess; each side is timed around its own solve only.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time as clock
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

import numpy as np

from bezetting.core.queueing import erlang_a_metrics
from bezetting.core.schedule import (
    Agent,
    Contract,
    DayOffWish,
    Demand,
    Horizon,
    Problem,
    Progress,
    ScheduleResult,
    ShiftTemplate,
    Skill,
    SkillGroup,
    SolveParameters,
    TimeWindow,
    UnwantedTimeWish,
    Wish,
    _agent_search,
    simulated_agents,
    solve,
)
from bezetting.core.schedule._time import from_epoch
from bezetting.core.simulate import (
    AgentGroup,
    Exponential,
    PoissonArrivals,
    Queue,
    Scenario,
    replicate,
)
from bezetting.core.simulate import (
    Skill as SimulatedSkill,
)

GROUPS = (("voice", 0.55), ("chat", 0.25), ("email", 0.20))
REPO = Path(__file__).resolve().parents[1]
PEER_VENV = REPO / "bench" / ".peer-venv-schedule"
PEER_PYTHONS = ("python3.13", "python3.12", "/root/.pyenv/versions/3.12.1/bin/python3.12")
PERIODS_PER_DAY = 96  # pyworkforce's day: 96 local quarter-hours

PEER_SCRIPT = r"""
import json, sys, time
from importlib.metadata import version
from pyworkforce.scheduling import MinAbsDifference, MinRequiredResources

job = json.load(open(sys.argv[1]))
out = {"version": version("pyworkforce")}
for name, cls in (("MinAbsDifference", MinAbsDifference),
                  ("MinRequiredResources", MinRequiredResources)):
    scheduler = cls(num_days=job["num_days"], periods=job["periods"],
                    shifts_coverage=job["shifts_coverage"],
                    required_resources=job["required_resources"],
                    max_period_concurrency=job["max_period_concurrency"],
                    max_shift_concurrency=job["max_shift_concurrency"],
                    max_search_time=job["max_search_time"],
                    num_search_workers=job["num_search_workers"])
    t0 = time.perf_counter()
    solution = scheduler.solve()
    seconds = time.perf_counter() - t0
    out[name] = {"status": solution["status"], "cost": solution["cost"],
                 "resources_shifts": solution["resources_shifts"], "seconds": seconds}
json.dump(out, open(sys.argv[2], "w"))
"""


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
        wishes: list[Wish] = []
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


def peer_python() -> Path:
    """The peer venv's interpreter; the venv is created (and pyworkforce installed) if missing."""
    python = PEER_VENV / "bin" / "python"
    if python.exists():
        return python
    base = os.environ.get("PEER_PYTHON")
    candidates = [base] if base else [shutil.which(p) or p for p in PEER_PYTHONS]
    for candidate in candidates:
        if not candidate:
            continue
        ok = subprocess.run(
            [candidate, "-c", "import sys; sys.exit(sys.version_info < (3, 12))"],
            capture_output=True,
            check=False,
        )
        if ok.returncode == 0:
            break
    else:
        sys.exit("pyworkforce >= 0.5.2 needs Python >= 3.12: set PEER_PYTHON to one")
    print(f"creating {PEER_VENV} with {candidate} and installing pyworkforce ...")
    subprocess.run([candidate, "-m", "venv", str(PEER_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "pyworkforce"], check=True)
    return python


def local_cells(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Per grid slot, its local day and local quarter-hour of that day (pyworkforce's cells)."""
    grid = problem.horizon.grid()
    quarter = np.array(
        [
            (lambda t: (t.hour * 60 + t.minute) // 15)(from_epoch(int(s), grid.tz))
            for s in grid.slot_start
        ]
    )
    return grid.slot_day.copy(), quarter


def pooled(problem: Problem, per_slot: np.ndarray) -> np.ndarray:
    """Slots summed into (days, 96 local quarter-hours)."""
    day, quarter = local_cells(problem)
    out = np.zeros((problem.horizon.days, PERIODS_PER_DAY), dtype=np.int64)
    np.add.at(out, (day, quarter), per_slot)
    return out


@dataclass(frozen=True)
class PeerAnswer:
    name: str
    status: str
    seconds: float
    coverage: np.ndarray  # (days, 96): resources on duty
    shift_hours: float


def run_peer(problem: Problem, *, time_limit: float, workers: int) -> tuple[str, list[PeerAnswer]]:
    """pyworkforce on the pooled demand and our templates; its answers as coverage arrays."""
    required = pooled(problem, np.sum([np.asarray(d.required) for d in problem.demand], axis=0))
    shapes = [s for s in problem.shifts if isinstance(s, ShiftTemplate)]
    coverage: dict[str, list[int]] = {}
    for t in shapes:
        first = (t.start.hour * 60 + t.start.minute) // 15
        row = [0] * PERIODS_PER_DAY
        for q in range(first, min(first + t.length_minutes // 15, PERIODS_PER_DAY)):
            row[q] = 1
        coverage[t.name] = row
    job = {
        "num_days": problem.horizon.days,
        "periods": PERIODS_PER_DAY,
        "shifts_coverage": coverage,
        "required_resources": required.tolist(),
        "max_period_concurrency": len(problem.agents),
        "max_shift_concurrency": len(problem.agents),
        "max_search_time": time_limit,
        "num_search_workers": workers,
    }
    with tempfile.TemporaryDirectory() as tmp:
        script, job_file, out = Path(tmp, "peer.py"), Path(tmp, "job.json"), Path(tmp, "out.json")
        script.write_text(PEER_SCRIPT)
        job_file.write_text(json.dumps(job))
        subprocess.run([str(peer_python()), str(script), str(job_file), str(out)], check=True)
        raw = json.loads(out.read_text())
    answers = []
    length = {t.name: t.length_minutes for t in shapes}
    for name in ("MinAbsDifference", "MinRequiredResources"):
        r = raw[name]
        on = np.zeros_like(required)
        hours = 0.0
        if r["status"] in ("OPTIMAL", "FEASIBLE"):
            for row in r["resources_shifts"]:
                on[row["day"]] += row["resources"] * np.asarray(coverage[row["shift"]])
                hours += row["resources"] * length[row["shift"]] / 60
        answers.append(PeerAnswer(name, r["status"], r["seconds"], on, hours))
    return raw["version"], answers


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
        "--no-agent-search",
        action="store_true",
        help="skip the agent-by-agent search (the greedy start goes to CP-SAT directly)",
    )
    parser.add_argument(
        "--class-days",
        action="store_true",
        help="joint moves also free a skill class on a short day (improve_by_agents(class_days))",
    )
    parser.add_argument(
        "--column-start",
        choices=("auto", "on", "off"),
        default="auto",
        help="the search starts from whole weeks of column generation (SolveParameters; "
        "auto: where agents average 5 or more a set of alike ones)",
    )
    parser.add_argument(
        "--seam-matching",
        choices=("on", "off"),
        default="off",
        help="weeks 2+: whole weeks priced for agents alike but for their earlier work, shared "
        "out where legal after it (SolveParameters.seam_matching)",
    )
    parser.add_argument(
        "--relabel",
        choices=("on", "off"),
        default="on",
        help="the search chooses anew which group each agent on duty serves, for all at "
        "once (SolveParameters.relabel)",
    )
    parser.add_argument(
        "--rebuild-agents",
        type=int,
        default=2,
        help="the search empties this many related agents at a time and lets them take "
        "their weeks back one by one, kept when cheaper (SolveParameters.rebuild_agents; "
        "0: off)",
    )
    parser.add_argument(
        "--fairness-in-search",
        choices=("on", "off"),
        default="off",
        help="the search prices each move's change of the fairness spread, earlier weeks "
        "counted (SolveParameters.fairness_in_search)",
    )
    parser.add_argument(
        "--compare-old", action="store_true", help="also run CP-SAT alone on the same problem"
    )
    parser.add_argument("--no-peer", action="store_true", help="skip pyworkforce")
    parser.add_argument(
        "--lns", type=int, default=0, help="agents freed per neighbourhood step (0: CP-SAT alone)"
    )
    parser.add_argument(
        "--replications",
        type=int,
        default=10,
        help="simulator runs of the voice group's schedule (0: skip the simulator check)",
    )
    args = parser.parse_args()
    if args.class_days:
        # Not a SolveParameters field yet (solve.py is being reworked): switched on here.
        # (``bezetting.core.schedule.solve`` is the function; the module is in sys.modules.)
        solve_module = sys.modules["bezetting.core.schedule.solve"]
        solve_module.improve_by_agents = functools.partial(  # type: ignore[attr-defined]
            _agent_search.improve_by_agents, class_days=True
        )
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
    results = {}
    for label, greedy, lp in runs:
        results[label] = run(problem, args, label, greedy=greedy, lp=lp)
        objectives[label] = (
            results[label].objective if results[label].schedule.shifts else float("nan")
        )
    if not args.no_peer:
        side_by_side(problem, results["new"], args)
    if args.replications:
        simulator_check(problem, results["new"], replications=args.replications, seed=args.seed)
    if len(objectives) == 2:
        new, old = objectives["new"], objectives["old (CP-SAT alone)"]
        print(f"objective ratio new / old: {new / old:.3f}" if old > 0 else "old: no schedule")


def side_by_side(problem: Problem, ours: ScheduleResult, args: argparse.Namespace) -> None:
    """pyworkforce next to our answer: pooled under-coverage, staff hours and time as ratios."""
    version, answers = run_peer(problem, time_limit=args.time_limit, workers=args.workers)
    required = pooled(problem, np.sum([np.asarray(d.required) for d in problem.demand], axis=0))
    staffed = pooled(problem, ours.coverage.staffed.sum(axis=0))
    our_short = int(np.maximum(required - staffed, 0).sum())
    our_hours = sum(s.work_minutes for s in ours.schedule.shifts) / 60
    print(f"--- side by side with pyworkforce {version} (skill groups pooled, same demand)")
    print(
        f"bezetting: pooled under-coverage {our_short} agent-quarter-hours of "
        f"{int(required.sum())}; per-group {ours.under_coverage_slots}; "
        f"{our_hours:.0f} paid work hours; {ours.wall_seconds:.1f} s; legal "
        f"({len(ours.violations)} violations), breaks placed, named agents"
    )
    for a in answers:
        short = int(np.maximum(required - a.coverage, 0).sum())
        over = int(np.maximum(a.coverage - required, 0).sum())
        ratio = f"{our_short / short:.2f}" if short else ("1.00" if not our_short else "inf")
        print(
            f"pyworkforce {a.name}: status {a.status}; under-coverage {short}, over {over}; "
            f"{a.shift_hours:.0f} shift hours (no breaks, no agents); {a.seconds:.1f} s. "
            f"Ratios bezetting / pyworkforce: under-coverage {ratio}, "
            f"time {ours.wall_seconds / max(a.seconds, 1e-9):.1f}"
        )


def simulator_check(
    problem: Problem, ours: ScheduleResult, *, replications: int, seed: int
) -> None:
    """The voice group's schedule played out in the simulator against Erlang A's prediction.

    The bench demand is agents, not calls: the load per slot is taken as 80% of the required
    agents (AHT 300 s, patience 120 s), a typical occupancy; then the simulated service level of
    the scheduled agents is compared with Erlang A for the agents the schedule puts there.
    """
    aht, patience, within = 300.0, 120.0, 20.0
    g = [d.skill_group for d in problem.demand].index("voice")
    required = np.asarray(problem.demand[g].required, dtype=np.float64)
    load = 0.8 * required
    calls = load * 900 / aht
    staffed = ours.coverage.staffed[ours.coverage.skill_groups.index("voice")]
    predicted = erlang_a_metrics(
        staffed,
        load_erlangs=load,
        aht_seconds=aht,
        patience_seconds=patience,
        answer_within_seconds=within,
    ).service_level_offered
    scenario = Scenario(
        interval_seconds=float(problem.horizon.grid().slot_seconds),
        n_intervals=calls.size,
        queues=(
            Queue(
                "voice",
                PoissonArrivals(calls),
                Exponential(aht),
                patience=Exponential(patience),
                answer_within_seconds=within,
            ),
        ),
        agent_groups=(
            AgentGroup(
                "voice",
                (SimulatedSkill("voice"),),
                simulated_agents(problem, ours.schedule, skill_group="voice"),
            ),
        ),
    )
    t0 = clock.monotonic()
    rep = replicate(scenario, replications=replications, rng=np.random.default_rng(seed))
    seconds = clock.monotonic() - t0
    busy = calls > 0
    sl = rep.per_interval.service_level
    inside = sl.covers(predicted[None, :])[0][busy]
    deviation = np.abs(sl.mean[0][busy] - predicted[busy])
    day = float((predicted * calls)[busy].sum() / calls.sum())
    total = rep.total.service_level
    print(
        f"--- simulator check, voice group ({replications} runs, {int(calls.sum())} calls each, "
        f"{seconds:.1f} s)"
    )
    print(
        f"service level over the horizon: Erlang A for the scheduled agents {100 * day:.2f}%, "
        f"simulated {100 * total.mean[0]:.2f}% +- {100 * total.half_width[0]:.2f} "
        f"({'inside' if total.covers(day)[0] else 'outside'} the 95% CI); per interval: "
        f"prediction inside the CI in {100 * inside.mean():.1f}% of {int(busy.sum())}, "
        f"median |difference| {100 * np.median(deviation):.2f} points, "
        f"max {100 * deviation.max():.2f}"
    )


def run(
    problem: Problem, args: argparse.Namespace, label: str, *, greedy: bool, lp: bool
) -> ScheduleResult:
    first: list[float] = []
    whole: list[float] = []
    done: dict[int, float] = {}  # parts done -> objective so far (the first report of each)

    def progress(p: Progress) -> None:
        if not first:
            first.append(p.elapsed_seconds)
        if p.whole and not whole:
            whole.append(p.elapsed_seconds)
        if p.part >= 1 and p.part not in done:
            done[p.part] = p.objective

    result = solve(
        problem,
        parameters=SolveParameters(
            time_limit_seconds=args.time_limit,
            num_workers=args.workers,
            greedy_hint=greedy,
            lp_bound=lp,
            neighbourhood_agents=args.lns,
            agent_search=not args.no_agent_search,
            column_start={"auto": None, "on": True, "off": False}[args.column_start],
            seam_matching=args.seam_matching == "on",
            relabel=args.relabel == "on",
            rebuild_agents=args.rebuild_agents,
            fairness_in_search=args.fairness_in_search == "on",
        ),
        on_progress=progress,
    )
    under = result.penalty_total("under_coverage")
    shares = [f.weekends_per_fte for f in result.fairness] or [float("nan")]
    print(f"--- {label}; load {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end")
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
    if result.decomposed and len(done) == result.parts:
        so_far = [0.0] + [done[k] for k in range(1, result.parts + 1)]
        weeks = [f"{b - a:.0f}" for a, b in itertools.pairwise(so_far)]
        print(f"per part (week): {', '.join(weeks)}")
    print(f"wish hit rate {100 * result.wish_hit_rate:.1f}% of {len(result.wishes)}")
    print(f"weekend shifts per FTE: min {min(shares):.2f} max {max(shares):.2f}")
    evenings = [f.evenings_per_fte for f in result.fairness] or [float("nan")]
    print(f"evening shifts per FTE: min {min(evenings):.2f} max {max(evenings):.2f}")
    spreads = {p.ref: p.amount for p in result.penalties if p.name == "unfair_share"}
    print(
        f"fairness cost {result.penalty_total('unfair_share'):.0f}; spread per 40 h: "
        + (", ".join(f"{k} {v:.2f}" for k, v in sorted(spreads.items())) or "none")
    )
    print(f"rule violations {len(result.violations)}")
    return result


if __name__ == "__main__":
    main()
