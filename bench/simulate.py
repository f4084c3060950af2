"""The same M/M/n+M call centre in bezetting, SimPy and ciw, side by side in one run.

For each simulator: several replications of the same system (Poisson arrivals, exponential
handle times and patience, n agents, FCFS), then

* the statistics (service level, ASA, abandonment) with 95% confidence intervals over the
  replications, next to the exact Erlang A values (:mod:`bezetting.core.queueing`);
* the throughput in contacts simulated per second, wall clock and CPU time of this process
  (the machine is shared: CPU time is the steadier of the two), and the ratios;
* bezetting alone on a million contacts with abandonment (the goal: under 5 seconds).

Contacts arriving in the first 10 minutes and in the last 30 are left out of the statistics of
every simulator alike (start empty; ciw does not record contacts still in the system at the
end). Run::

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/simulate.py                    # about two minutes
    .venv/bin/python bench/simulate.py --contacts 20000 --replications 3   # a quick look
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import platform
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import numpy as np

from bezetting.core.queueing import erlang_a_metrics
from bezetting.core.simulate import (
    AgentGroup,
    EventLoop,
    Exponential,
    PoissonArrivals,
    Queue,
    RequirementStaffing,
    Scenario,
    Skill,
    estimate,
    simulate,
)

# The system: 45 Erlang on 48 agents, 3-minute calls, patience 2 minutes on average.
ARRIVALS_PER_SECOND = 0.25
AHT_SECONDS = 180.0
PATIENCE_SECONDS = 120.0
AGENTS = 48
ANSWER_WITHIN_SECONDS = 20.0
SKIP_START_SECONDS = 600.0
SKIP_END_SECONDS = 1800.0


@dataclass(frozen=True)
class Outcome:
    """Per contact counted: waiting time, and whether it was answered."""

    wait_seconds: np.ndarray
    answered: np.ndarray
    contacts: int  # all contacts simulated (throughput counts these)


@dataclass(frozen=True)
class Timing:
    wall_seconds: float
    cpu_seconds: float


def _stats(o: Outcome) -> tuple[float, float, float]:
    within = o.answered & (o.wait_seconds <= ANSWER_WITHIN_SECONDS)
    sl = within.sum() / o.answered.size
    asa = o.wait_seconds[o.answered].mean()
    abandon = 1.0 - o.answered.mean()
    return float(sl), float(asa), float(abandon)


def _timed(fn: Callable[[], Outcome]) -> tuple[Outcome, Timing]:
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = fn()
    return outcome, Timing(time.perf_counter() - wall, time.process_time() - cpu)


def _horizon(contacts: int) -> float:
    return contacts / ARRIVALS_PER_SECOND


# --- bezetting --------------------------------------------------------------------------------


def _scenario(contacts: int) -> Scenario:
    hours = math.ceil(_horizon(contacts) / 3600.0)
    return Scenario(
        interval_seconds=3600.0,
        n_intervals=hours,
        queues=(
            Queue(
                "q",
                PoissonArrivals([ARRIVALS_PER_SECOND * 3600.0]),
                Exponential(AHT_SECONDS),
                patience=Exponential(PATIENCE_SECONDS),
                answer_within_seconds=ANSWER_WITHIN_SECONDS,
            ),
        ),
        agent_groups=(AgentGroup("g", (Skill("q"),), RequirementStaffing([AGENTS])),),
    )


def run_bezetting(contacts: int, seed: int, event_loop: EventLoop = "auto") -> Outcome:
    scenario = _scenario(contacts)
    log = simulate(scenario, rng=np.random.default_rng(seed), event_loop=event_loop).contacts
    keep = (log.arrival_seconds >= SKIP_START_SECONDS) & (
        log.arrival_seconds < scenario.horizon_seconds - SKIP_END_SECONDS
    )
    return Outcome(log.wait_seconds[keep], log.answered[keep], log.arrival_seconds.size)


# --- SimPy: Resource plus a patience timeout (the textbook pattern) ---------------------------


def run_simpy(contacts: int, seed: int) -> Outcome:
    import simpy

    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1.0 / ARRIVALS_PER_SECOND, contacts)
    handle = rng.exponential(AHT_SECONDS, contacts)
    patience = rng.exponential(PATIENCE_SECONDS, contacts)
    arrival = np.cumsum(gaps)
    wait = np.full(contacts, np.nan)
    answered = np.zeros(contacts, dtype=bool)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)

    def caller(i: int) -> Generator[simpy.Event, Any, None]:
        with agents.request() as request:
            result = yield request | env.timeout(patience[i])
            wait[i] = env.now - arrival[i]
            if request in result:
                answered[i] = True
                yield env.timeout(handle[i])

    def source() -> Generator[simpy.Event, Any, None]:
        for i in range(contacts):
            yield env.timeout(gaps[i])
            env.process(caller(i))

    env.process(source())
    env.run()
    keep = (arrival >= SKIP_START_SECONDS) & (arrival < arrival[-1] - SKIP_END_SECONDS)
    return Outcome(wait[keep], answered[keep], contacts)


# --- ciw: reneging_time_distributions ---------------------------------------------------------


def run_ciw(contacts: int, seed: int) -> Outcome:
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVALS_PER_SECOND)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / AHT_SECONDS)],
        number_of_servers=[AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1.0 / PATIENCE_SECONDS)],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    horizon = _horizon(contacts)
    sim.simulate_until_max_time(horizon)
    records = sim.get_all_records()
    arrival = np.array([r.arrival_date for r in records])
    wait = np.array([r.waiting_time for r in records])
    answered = np.array([r.record_type == "service" for r in records])
    keep = (arrival >= SKIP_START_SECONDS) & (arrival < horizon - SKIP_END_SECONDS)
    return Outcome(wait[keep], answered[keep], len(records))


# --- the comparison ---------------------------------------------------------------------------


def _fmt(mean: float, half: float, scale: float = 1.0, digits: int = 2) -> str:
    return f"{mean * scale:.{digits}f} ± {half * scale:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=200_000, help="per replication")
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--million", type=int, default=1_000_000, help="bezetting alone")
    parser.add_argument("--skip-ciw", action="store_true")
    args = parser.parse_args()

    exact = erlang_a_metrics(
        AGENTS,
        load_erlangs=ARRIVALS_PER_SECOND * AHT_SECONDS,
        aht_seconds=AHT_SECONDS,
        patience_seconds=PATIENCE_SECONDS,
        answer_within_seconds=ANSWER_WITHIN_SECONDS,
    )
    print(
        f"M/M/{AGENTS}+M: {ARRIVALS_PER_SECOND * AHT_SECONDS:g} Erlang, AHT {AHT_SECONDS:g} s, "
        f"patience {PATIENCE_SECONDS:g} s; {args.replications} replications of "
        f"{args.contacts:,} contacts each"
    )
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cores (shared), "
        f"load average before: {os.getloadavg()[0]:.2f}"
    )

    t0 = time.perf_counter()
    run_bezetting(1000, 0)  # compile the kernels (or load them from numba's cache)
    run_bezetting(1000, 0, "general")
    print(f"bezetting first call (numba compile or cache load): {time.perf_counter() - t0:.2f} s")

    runners: list[tuple[str, Callable[[int, int], Outcome]]] = [
        ("bezetting", run_bezetting),
        ("bez.general", lambda n, seed: run_bezetting(n, seed, "general")),
        ("simpy", run_simpy),
    ]
    if not args.skip_ciw:
        runners.append(("ciw", run_ciw))
    import ciw
    import simpy

    versions = {
        "bezetting": "FCFS loop",
        "bez.general": "general loop",
        "simpy": simpy.__version__,
        "ciw": ciw.__version__,
    }

    rates: dict[str, tuple[float, float]] = {}
    header = (
        f"{'simulator':<11} {'version':<13} {'contacts/s wall':>16} {'contacts/s CPU':>15}  "
        f"{'SL offered (%)':>16} {'ASA (s)':>14} {'abandoned (%)':>15}"
    )
    print()
    print(header)
    print("-" * len(header))
    exact_row = (
        float(exact.service_level_offered),
        float(exact.asa_seconds),
        float(exact.abandon_rate),
    )
    # Replications interleaved (bezetting, its general loop, SimPy, ciw, then the next seed):
    # a change in the load of the shared machine falls on every simulator alike.
    stats: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _ in runners}
    timings: dict[str, list[tuple[int, Timing]]] = {name: [] for name, _ in runners}
    for k in range(args.replications):
        for name, runner in runners:
            outcome, timing = _timed(functools.partial(runner, args.contacts, 1000 + k))
            stats[name].append(_stats(outcome))
            timings[name].append((outcome.contacts, timing))
    for name, _ in runners:
        contacts = sum(c for c, _ in timings[name])
        wall = contacts / sum(t.wall_seconds for _, t in timings[name])
        cpu = contacts / sum(t.cpu_seconds for _, t in timings[name])
        rates[name] = (wall, cpu)
        est = estimate(np.array(stats[name]))
        cells = [
            _fmt(est.mean[0], est.half_width[0], 100),
            _fmt(est.mean[1], est.half_width[1]),
            _fmt(est.mean[2], est.half_width[2], 100),
        ]
        covered = est.covers(np.array(exact_row))
        marks = ["" if c else " (!)" for c in covered]
        print(
            f"{name:<11} {versions[name]:<13} {wall:>16,.0f} {cpu:>15,.0f}  "
            f"{cells[0] + marks[0]:>16} {cells[1] + marks[1]:>14} {cells[2] + marks[2]:>15}"
        )
    print(
        f"{'Erlang A':<11} {'exact':<13} {'':>16} {'':>15}  {exact_row[0] * 100:>16.2f} "
        f"{exact_row[1]:>14.2f} {exact_row[2] * 100:>15.2f}"
    )
    print("(!) marks a 95% confidence interval that misses the exact value.")
    print()
    labels = {"bez.general": "bezetting's general loop", "simpy": "simpy", "ciw": "ciw"}
    for name in rates:
        if name != "bezetting":
            wall_ratio = rates["bezetting"][0] / rates[name][0]
            cpu_ratio = rates["bezetting"][1] / rates[name][1]
            print(
                f"speed bezetting / {labels[name]}: {wall_ratio:,.1f}x wall, {cpu_ratio:,.1f}x CPU"
            )

    print()
    best: Timing | None = None
    for k in range(3):
        outcome, timing = _timed(functools.partial(run_bezetting, args.million, 77 + k))
        if best is None or timing.wall_seconds < best.wall_seconds:
            best = timing
        abandoned = 1.0 - outcome.answered.mean()
    assert best is not None
    print(
        f"bezetting, {outcome.contacts:,} contacts with abandonment ({abandoned:.1%} abandoned): "
        f"best of 3 {best.wall_seconds:.2f} s wall, {best.cpu_seconds:.2f} s CPU "
        f"(goal: under 5 s)"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
