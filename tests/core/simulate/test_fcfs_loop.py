"""The specialised event loop (one voice queue, one agent group, no redials).

It must play out exactly what the general loop plays out: for the same seed the two logs are
equal column by column, ties included. Its agreement with Erlang A and Erlang C is checked in
``test_agreement.py`` (those scenarios fit it, so they run through it); the general loop is
checked against the same closed form here once more, so both stay covered.
"""

from __future__ import annotations

import numpy as np
import pytest

from bezetting.core.queueing import erlang_a_metrics
from bezetting.core.simulate import (
    AgentGroup,
    Break,
    Channel,
    ContactLog,
    Exponential,
    Fixed,
    LogNormal,
    PoissonArrivals,
    Queue,
    Redial,
    RequirementStaffing,
    Scenario,
    ScheduledAgent,
    Shift,
    Skill,
    fits_fcfs_loop,
    replicate,
    simulate,
)
from tests.core.simulate.helpers import one_queue, replay_queue

COLUMNS = (
    "queue",
    "arrival_seconds",
    "start_seconds",
    "end_seconds",
    "abandon_seconds",
    "agent",
    "parent",
)


def _both(scenario: Scenario, seed: int) -> tuple[ContactLog, ContactLog]:
    auto = simulate(scenario, rng=np.random.default_rng(seed)).contacts
    general = simulate(scenario, rng=np.random.default_rng(seed), event_loop="general").contacts
    return auto, general


def _assert_same_log(a: ContactLog, b: ContactLog) -> None:
    for column in COLUMNS:
        np.testing.assert_array_equal(getattr(a, column), getattr(b, column), err_msg=column)


def _one_group(
    queue: Queue,
    staffing: RequirementStaffing | tuple[ScheduledAgent, ...],
    n: int,
    *,
    factor: float = 1.0,
) -> Scenario:
    return Scenario(
        interval_seconds=900,
        n_intervals=n,
        queues=(queue,),
        agent_groups=(AgentGroup("g", (Skill("q"),), staffing, handle_time_factor=factor),),
    )


def _shifts(n: int) -> tuple[ScheduledAgent, ...]:
    # Staggered shifts with a break each: agents come and go while calls are in progress.
    agents = []
    for i in range(n):
        begin = 450.0 * (i % 5)
        agents.append(
            ScheduledAgent(f"a{i}", (Shift(begin, begin + 4000, (Break(begin + 1200, 600),)),))
        )
    return tuple(agents)


BUSY = PoissonArrivals([100, 300, 50, 400, 10, 300, 200, 0])

SCENARIOS = {
    "Erlang A, constant staffing": one_queue(
        agents=10, per_interval=200, aht_seconds=240, patience_seconds=60
    ),
    "no patience (Erlang C)": one_queue(agents=8, per_interval=100, aht_seconds=240),
    "staffing per interval, lognormal handle times, newcomers": _one_group(
        Queue("q", BUSY, LogNormal(200, 150), patience=Exponential(90)),
        RequirementStaffing([5, 20, 3, 30, 0, 25, 12, 2]),
        8,
        factor=1.3,
    ),
    "named agents with shifts and breaks": _one_group(
        Queue("q", BUSY, Exponential(200), patience=Exponential(90)), _shifts(12), 8
    ),
    "redials that never happen (probability 0)": _one_group(
        Queue("q", BUSY, Exponential(200), patience=Exponential(60), redial=Redial(0.0, Fixed(5))),
        RequirementStaffing([10]),
        8,
    ),
    "simultaneous arrivals, completions and shift changes": _one_group(
        replay_queue(
            "q",
            [0, 0, 0, 10, 10, 900, 900, 900, 905, 1000, 1799.5, 1800],
            Fixed(900),
            patience=Fixed(0.5),
        ),
        RequirementStaffing([2, 1, 3]),
        3,
    ),
    "patience running out at the moment an agent comes free": _one_group(
        replay_queue("q", np.arange(0, 2690, 7.5), Fixed(90), patience=Fixed(30)),
        RequirementStaffing([2, 1, 3]),
        3,
    ),
    "callers left waiting with nobody on duty": _one_group(
        replay_queue("q", np.arange(0, 2690, 7.5), Fixed(90)), RequirementStaffing([0, 1, 0]), 3
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_specialised_loop_gives_the_general_loops_log(name: str) -> None:
    scenario = SCENARIOS[name]
    assert fits_fcfs_loop(scenario)
    for seed in (1, 2):
        auto, general = _both(scenario, seed)
        assert auto.arrival_seconds.size > 0
        _assert_same_log(auto, general)


def test_an_agent_back_from_a_break_still_on_a_call_takes_the_next_caller_when_done() -> None:
    # On duty 0-50 and 60-1000; a call from 0 lasts 100 s, through the break. The caller from
    # 70 waits for its end (100), not for the end of the break (60).
    q = replay_queue("q", [0, 70], Fixed(100))
    anna = ScheduledAgent("anna", (Shift(0, 1000, breaks=(Break(50, 10),)),))
    for log in _both(_one_group(q, (anna,), 2), 0):
        np.testing.assert_array_equal(log.start_seconds, [0, 100])
        np.testing.assert_array_equal(log.end_seconds, [100, 200])


def test_a_caller_whose_patience_ends_as_an_agent_comes_free_is_answered() -> None:
    # One agent busy 0-100; the caller from 40 would hang up at 100 (patience 60 s), the
    # caller from 50 at 110. At 100 the first is answered; the second hangs up at 110.
    q = replay_queue("q", [0, 40, 50], Fixed(100), patience=Fixed(60))
    for log in _both(_one_group(q, RequirementStaffing([1]), 1), 0):
        np.testing.assert_array_equal(log.start_seconds, [0, 100, np.nan])
        np.testing.assert_array_equal(log.abandon_seconds, [np.nan, np.nan, 110])


def test_scenarios_the_specialised_loop_does_not_fit() -> None:
    voice = replay_queue("q", [0], Fixed(10), patience=Fixed(5))
    other = replay_queue("r", [0], Fixed(10))
    group = AgentGroup("g", (Skill("q"),), RequirementStaffing([1]))
    assert fits_fcfs_loop(_one_group(voice, RequirementStaffing([1]), 1))
    two_queues = Scenario(
        interval_seconds=900,
        n_intervals=1,
        queues=(voice, other),
        agent_groups=(AgentGroup("g", (Skill("q"), Skill("r")), RequirementStaffing([1])),),
    )
    two_groups = Scenario(
        interval_seconds=900,
        n_intervals=1,
        queues=(voice,),
        agent_groups=(group, AgentGroup("h", (Skill("q"),), RequirementStaffing([1]))),
    )
    chat = replay_queue("q", [0], Fixed(10), channel=Channel.CHAT)
    redials = replay_queue("q", [0], Fixed(10), patience=Fixed(5), redial=Redial(0.5, Fixed(5)))
    assert not fits_fcfs_loop(two_queues)
    assert not fits_fcfs_loop(two_groups)
    assert not fits_fcfs_loop(_one_group(chat, RequirementStaffing([1]), 1))
    assert not fits_fcfs_loop(_one_group(redials, RequirementStaffing([1]), 1))


def test_the_general_loop_agrees_with_erlang_a_too() -> None:
    # The scenario of test_agreement's Erlang A check, forced through the general loop.
    scenario = one_queue(
        agents=14, per_interval=66, aht_seconds=180, patience_seconds=120, intervals=21
    )
    result = replicate(
        scenario,
        replications=30,
        rng=np.random.default_rng(202),
        warmup_seconds=1800.0,
        event_loop="general",
    )
    exact = erlang_a_metrics(
        14, load_erlangs=13.2, aht_seconds=180, patience_seconds=120, answer_within_seconds=20
    )
    assert result.total.service_level.covers(exact.service_level_offered)[0]
    assert result.total.asa_seconds.covers(exact.asa_seconds)[0]
    assert result.total.abandon_rate.covers(exact.abandon_rate)[0]
