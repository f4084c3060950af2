"""End to end on a database: contact history -> forecast -> requirements -> draft schedule.

    .venv/bin/python bench/planning.py --agents 40 --history-weeks 8 --weeks 2 --time-limit 60
    .venv/bin/python bench/planning.py --database-url postgresql+psycopg://postgres@127.0.0.1/test
    .venv/bin/python bench/planning.py --agents 120 --peak 120 --weeks 2 --setup-timing

One voice queue (15-minute intervals, Mon-Fri 08:00-20:00, Sat 09:00-17:00) with Poisson
arrivals on a double-peaked weekday curve (peak ``--peak`` contacts per quarter-hour, Saturday
at 40%) and exponential handle times of 300 s; agents with 24-36 contract hours. Reports the
time of each use case and the figures it returns. A fresh SQLite file by default (the
PostgreSQL database given must be migrated and is left with the bench's rows).
``--setup-timing`` also times the optimiser's setup of week 1 (candidate shifts and the greedy
start, best of 3) on the problem ``build_schedule`` reads.
"""

from __future__ import annotations

import argparse
import tempfile
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from bezetting.core.schedule._candidates import build_candidates
from bezetting.core.schedule.builders import ModelContext
from bezetting.core.schedule.explain import penalties_of
from bezetting.core.schedule.greedy import greedy_schedule
from bezetting.core.schedule.plan import Schedule
from bezetting.core.schedule.problem import Problem
from bezetting.core.schedule.solve import _week_part
from bezetting.services.imports import ImportOptions, import_agents
from bezetting.services.organisations import QueueSpec, create_organisation, create_queue
from bezetting.services.planning import (
    build_schedule,
    compute_requirements,
    run_forecast,
    validate_schedule,
)
from bezetting.services.schedule_problem import planning_problem
from bezetting.store import (
    create_engine_for_url,
    ensure_schema,
    make_session_factory,
    queries,
    transaction,
)
from bezetting.store.enums import Channel
from bezetting.store.models import OpeningHours
from bezetting.store.queries import ContactRecordValues

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FIRST_DAY = date(2020, 3, 2)
NOW = datetime(2020, 3, 1, 12, tzinfo=UTC)


def curve(minute: int) -> float:
    """Share of the peak at a minute of the day (peaks at 10:30 and 15:00)."""
    morning = np.exp(-(((minute - 630) / 90) ** 2))
    afternoon = 0.8 * np.exp(-(((minute - 900) / 120) ** 2))
    return float(0.25 + morning + afternoon) / 1.3


def history(queue_id: int, weeks: int, peak: float, seed: int) -> list[ContactRecordValues]:
    rng = np.random.default_rng(seed)
    rows = []
    first = FIRST_DAY - timedelta(weeks=weeks)
    for d in range(7 * weeks):
        day = first + timedelta(days=d)
        if day.weekday() == 6:
            continue
        opens, closes, scale = (8, 20, 1.0) if day.weekday() < 5 else (9, 17, 0.4)
        for minute in range(opens * 60, closes * 60, 15):
            start = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=AMSTERDAM)
            for k in range(rng.poisson(peak * scale * curve(minute))):
                arrived = (start + timedelta(seconds=float(rng.uniform(0, 900)))).astimezone(UTC)
                answered = arrived + timedelta(seconds=float(rng.exponential(15)))
                ended = answered + timedelta(seconds=float(rng.exponential(300)))
                rows.append(
                    ContactRecordValues(
                        queue_id,
                        f"{day}-{minute}-{k}",
                        Channel.VOICE,
                        None,
                        arrived,
                        answered,
                        ended,
                        False,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                    )
                )
    return rows


def time_setup(problem: Problem) -> str:
    """Week 1's candidates and greedy start: best of 3 times, their size and the greedy cost."""
    week = _week_part(problem, 0, [])
    grid = week.horizon.grid()
    build, greedy_seconds = [], []
    for _ in range(3):
        started = clock.perf_counter()
        candidates = build_candidates(week, grid)
        build.append(clock.perf_counter() - started)
        started = clock.perf_counter()
        greedy = greedy_schedule(ModelContext(week, grid, candidates))
        greedy_seconds.append(clock.perf_counter() - started)
    cost = sum(p.cost for p in penalties_of(week, Schedule(greedy.shifts)))
    return (
        f"week 1 setup: {sum(map(len, candidates)):,} candidates in {min(build):.2f} s, greedy "
        f"start in {min(greedy_seconds):.2f} s (cost {cost:,.2f}, {len(greedy.shifts)} shifts)"
    )


def bound_text(objective: float, bound: float) -> str:
    """The lower bound and the gap to it; a bound of 0 means none was computed in time."""
    if bound <= 0:
        return "no bound computed"
    gap = max(0.0, 1 - bound / objective) if objective else 0.0
    return f"bound {bound:,.0f}, gap {100 * gap:.1f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--history-weeks", type=int, default=8)
    parser.add_argument("--weeks", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--peak", type=float, default=40.0)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--setup-timing", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = create_engine_for_url(url)
        ensure_schema(engine)
        sessions = make_session_factory(engine)
        code = f"bench{args.seed}{clock.time_ns() % 10**6}"
        org = create_organisation(sessions, code, name="Bench", now=NOW)
        queue_id = create_queue(
            sessions, code, QueueSpec(code="general", name="General", interval_minutes=15)
        )
        with transaction(sessions) as session:
            for weekday in range(6):
                opens, closes = (time(8), time(20)) if weekday < 5 else (time(9), time(17))
                session.add(OpeningHours(queue_id=queue_id, weekday=weekday, opens=opens,
                                         closes=closes))  # fmt: skip
        lines = ["external_id,name,contract_hours,contract_hours_min,contract_hours_max,skills"]
        lines += [f"{i},Agent {i},32,24,36,general" for i in range(args.agents)]
        import_agents(
            sessions,
            "\n".join(lines).encode(),
            file_name="agents.csv",
            now=NOW,
            options=ImportOptions(organisation=code),
        )
        rows = history(queue_id, args.history_weeks, args.peak, args.seed)
        started = clock.perf_counter()
        with transaction(sessions) as session:
            queries.insert_contact_records(session, rows)
        print(f"history: {len(rows)} contacts stored in {clock.perf_counter() - started:.1f} s")

        started = clock.perf_counter()
        forecast = run_forecast(
            sessions, queue_id=queue_id, first_day=FIRST_DAY, days=7 * args.weeks, now=NOW
        )
        print(
            f"run_forecast: {clock.perf_counter() - started:.1f} s; {forecast.model}, backtest "
            f"WAPE {100 * forecast.backtest_wape:.1f}%, {forecast.intervals} intervals"
        )
        started = clock.perf_counter()
        need = compute_requirements(sessions, forecast_id=forecast.id, now=NOW)
        print(
            f"compute_requirements: {clock.perf_counter() - started:.1f} s; peak "
            f"{need.peak_agents} agents, {need.agent_hours:.0f} agent-hours"
        )
        if args.setup_timing:
            days = 7 * args.weeks
            read = planning_problem(
                sessions, organisation_id=org.id, first_day=FIRST_DAY, days=days
            )
            print(time_setup(read.problem))
        started = clock.perf_counter()
        built = build_schedule(
            sessions,
            organisation_id=org.id,
            first_day=FIRST_DAY,
            weeks=args.weeks,
            time_limit_seconds=args.time_limit,
            now=NOW,
        )
        print(
            f"build_schedule: {clock.perf_counter() - started:.1f} s (solver "
            f"{built.wall_seconds:.1f} s); {built.solver_status}, {built.shifts} shifts, short "
            f"{built.shortfall_hours:.1f} agent-hours, objective {built.objective:,.0f}, "
            f"{bound_text(built.objective, built.bound)}, violations {built.violations}"
        )
        started = clock.perf_counter()
        violations = validate_schedule(sessions, schedule_id=built.schedule_id)
        print(f"validate_schedule: {clock.perf_counter() - started:.1f} s; {len(violations)}")
        engine.dispose()


if __name__ == "__main__":
    main()
