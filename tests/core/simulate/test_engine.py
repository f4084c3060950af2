"""The event loop, checked by hand on tiny scenarios with replayed arrivals and fixed durations."""

from __future__ import annotations

import numpy as np
import pytest

from bezetting.core.simulate import (
    AgentGroup,
    Break,
    Exponential,
    Fixed,
    PoissonArrivals,
    Queue,
    Redial,
    RequirementStaffing,
    Scenario,
    ScheduledAgent,
    Shift,
    Skill,
    Surge,
    kpis,
    replicate,
    simulate,
)
from tests.core.simulate.helpers import one_queue, replay_queue, run


def _scenario(queues: tuple[Queue, ...], groups: tuple[AgentGroup, ...], n: int = 2) -> Scenario:
    return Scenario(interval_seconds=900, n_intervals=n, queues=queues, agent_groups=groups)


def test_a_free_agent_answers_at_once_and_a_busy_one_makes_callers_wait() -> None:
    q = replay_queue("q", [0, 10, 20], Fixed(100))
    log = run(_scenario((q,), (AgentGroup("g", (Skill("q"),), RequirementStaffing([1])),)))
    np.testing.assert_array_equal(log.start_seconds, [0, 100, 200])
    np.testing.assert_array_equal(log.end_seconds, [100, 200, 300])
    np.testing.assert_array_equal(log.wait_seconds, [0, 90, 180])


def test_the_longest_idle_agent_gets_the_next_call() -> None:
    # Agent A takes the long call at 0 (free at 100), agent B the short one at 10 (free at
    # 20). At 150 both are free: B has been idle longer, so B gets it. Two queues give the
    # calls their own fixed handle times.
    long_q = replay_queue("long", [0], Fixed(100))
    short_q = replay_queue("short", [10, 150], Fixed(10))
    group = AgentGroup("g", (Skill("long"), Skill("short")), RequirementStaffing([2]))
    log = run(_scenario((long_q, short_q), (group,)))
    np.testing.assert_array_equal(log.arrival_seconds, [0, 10, 150])
    assert log.agent[0] != log.agent[1]
    assert log.agent[2] == log.agent[1]


def test_skill_priority_beats_arrival_order() -> None:
    # One agent busy until 100; a priority-2 contact waits since 10, a priority-1 one since 20.
    first = replay_queue("first", [0, 20], Fixed(100))
    second = replay_queue("second", [10], Fixed(50))
    group = AgentGroup(
        "g", (Skill("second", priority=2), Skill("first", priority=1)), RequirementStaffing([1])
    )
    log = run(_scenario((first, second), (group,)))
    by_arrival = dict(zip(log.arrival_seconds, log.start_seconds, strict=True))
    assert by_arrival[20.0] == 100.0  # the priority-1 queue first
    assert by_arrival[10.0] == 200.0


def test_equal_priorities_serve_the_longest_waiting_head_first() -> None:
    a = replay_queue("a", [0, 20], Fixed(100))
    b = replay_queue("b", [10], Fixed(100))
    group = AgentGroup("g", (Skill("a"), Skill("b", priority=1)), RequirementStaffing([1]))
    log = run(_scenario((a, b), (group,)))
    np.testing.assert_array_equal(log.start_seconds, [0, 100, 200])


def test_chat_concurrency_lets_one_agent_hold_two_chats() -> None:
    chats = replay_queue("chat", [0, 1, 2], Fixed(100), channel="chat")
    group = AgentGroup("g", (Skill("chat"),), RequirementStaffing([1]), chat_concurrency=2)
    log = run(_scenario((chats,), (group,)))
    np.testing.assert_array_equal(log.start_seconds, [0, 1, 100])
    assert kpis(
        simulate(_scenario((chats,), (group,)), rng=np.random.default_rng(0))
    ).occupancy_per_interval[0, 0] == pytest.approx(300 / 2 / 900)


def test_a_voice_call_waits_while_the_agent_holds_chats() -> None:
    chat = replay_queue("chat", [0], Fixed(100), channel="chat")
    voice = replay_queue("voice", [10], Fixed(30))
    group = AgentGroup(
        "g", (Skill("voice"), Skill("chat")), RequirementStaffing([1]), chat_concurrency=3
    )
    log = run(_scenario((chat, voice), (group,)))
    np.testing.assert_array_equal(log.start_seconds, [0, 100])


def test_breaks_are_respected_and_a_call_in_progress_is_finished() -> None:
    # On duty 0-1000 with a break 100-200. A call from 90 (50 s) runs into the break and ends
    # at 140; the caller from 120 waits for the end of the break.
    q = replay_queue("q", [90, 120], Fixed(50))
    shift = Shift(0, 1000, breaks=(Break(100, 100),))
    group = AgentGroup("g", (Skill("q"),), (ScheduledAgent("anna", (shift,)),))
    log = run(_scenario((q,), (group,)))
    np.testing.assert_array_equal(log.start_seconds, [90, 200])
    np.testing.assert_array_equal(log.end_seconds, [140, 250])


def test_nobody_on_duty_leaves_patient_callers_unanswered() -> None:
    q = replay_queue("q", [10], Fixed(50))
    shift = Shift(100, 200)
    group = AgentGroup("g", (Skill("q"),), (ScheduledAgent("a", (shift,)),))
    log = run(_scenario((q,), (group,)))
    assert log.start_seconds[0] == 100
    lonely = run(_scenario((q,), ()))
    assert not lonely.answered[0]
    assert not lonely.abandoned[0]
    assert (
        kpis(simulate(_scenario((q,), ()), rng=np.random.default_rng(0))).total.unanswered[0] == 1
    )


def test_newcomers_take_longer_by_their_factor() -> None:
    q = replay_queue("q", [0], Fixed(100))
    group = AgentGroup("new", (Skill("q"),), RequirementStaffing([1]), handle_time_factor=1.5)
    log = run(_scenario((q,), (group,)))
    assert log.end_seconds[0] - log.start_seconds[0] == 150


def test_abandoned_callers_redial_and_the_chain_is_logged() -> None:
    # Nobody on duty in the first interval: the caller gives up after 30 s and calls again
    # 60 s later, every time, until an agent comes on at 900.
    q = replay_queue("q", [0], Fixed(10), patience=Fixed(30), redial=Redial(1.0, Fixed(60)))
    group = AgentGroup("g", (Skill("q"),), RequirementStaffing([0, 1]))
    log = run(_scenario((q,), (group,)))
    np.testing.assert_array_equal(log.arrival_seconds, np.arange(0, 901, 90))
    assert log.abandoned[:-1].all()
    assert log.answered[-1]
    np.testing.assert_array_equal(log.parent, np.arange(-1, 10))


def test_redials_beyond_the_first_guess_of_slots_stay_reproducible() -> None:
    # 200 callers who never get through and always redial 10 s after giving up after 10 s:
    # each chain runs until the end of the grid, far more redials than the first pool holds.
    times = np.arange(200.0)
    q = replay_queue("q", times, Fixed(10), patience=Fixed(10), redial=Redial(1.0, Fixed(10)))
    scenario = _scenario((q,), (), n=4)
    expected = int(np.ceil((3600 - times) / 20).sum())
    first, again = run(scenario, seed=3), run(scenario, seed=3)
    assert first.arrival_seconds.size == expected
    np.testing.assert_array_equal(first.arrival_seconds, again.arrival_seconds)


def test_surges_multiply_the_forecast_inside_their_dates() -> None:
    q = Queue("q", PoissonArrivals([10.0]), Exponential(60))
    scenario = Scenario(
        interval_seconds=900,
        n_intervals=4,
        queues=(q,),
        agent_groups=(),
        surges=(Surge(2.2, start_seconds=900, end_seconds=2700),),
    )
    np.testing.assert_allclose(scenario.arrival_rates(q), [10, 22, 22, 10])


def test_a_surge_shows_in_the_offered_contacts() -> None:
    base = one_queue(agents=40, per_interval=200, aht_seconds=60, intervals=4)
    surged = Scenario(
        interval_seconds=base.interval_seconds,
        n_intervals=base.n_intervals,
        queues=base.queues,
        agent_groups=base.agent_groups,
        surges=(Surge(2.2, start_seconds=1800),),
    )
    result = replicate(surged, replications=20, rng=np.random.default_rng(9))
    offered = result.per_interval.offered
    assert offered.covers(200.0)[0, 0]
    assert offered.covers(200.0)[0, 1]
    assert offered.covers(440.0)[0, 2]


def test_the_same_seed_gives_the_same_log_and_another_seed_another() -> None:
    scenario = one_queue(agents=5, per_interval=20, aht_seconds=180, patience_seconds=60)
    a, b, c = run(scenario, 7), run(scenario, 7), run(scenario, 8)
    for column in ("queue", "arrival_seconds", "start_seconds", "end_seconds", "agent", "parent"):
        np.testing.assert_array_equal(getattr(a, column), getattr(b, column))
    assert a.arrival_seconds.size != c.arrival_seconds.size or not np.array_equal(
        a.arrival_seconds, c.arrival_seconds
    )


def test_replication_k_does_not_depend_on_how_many_are_run() -> None:
    scenario = one_queue(agents=5, per_interval=20, aht_seconds=180, patience_seconds=60)
    three = replicate(scenario, replications=3, rng=np.random.default_rng(1))
    five = replicate(scenario, replications=5, rng=np.random.default_rng(1))
    for r3, r5 in zip(three.runs, five.runs[:3], strict=True):
        np.testing.assert_array_equal(r3.per_interval.offered, r5.per_interval.offered)
        np.testing.assert_array_equal(r3.per_interval.asa_seconds, r5.per_interval.asa_seconds)


def test_occupancy_is_busy_time_over_time_on_duty() -> None:
    q = replay_queue("q", [0], Fixed(450))
    group = AgentGroup("g", (Skill("q"),), RequirementStaffing([1, 0]))
    result = kpis(simulate(_scenario((q,), (group,)), rng=np.random.default_rng(0)))
    assert result.occupancy_per_interval[0, 0] == pytest.approx(0.5)
    assert np.isnan(result.occupancy_per_interval[0, 1])  # nobody on duty


def test_service_level_and_asa_are_counted_from_the_log() -> None:
    # Waits 0, 90 and 180 s; t = 20 s: one of three within, ASA 90 s.
    q = replay_queue("q", [0, 10, 20], Fixed(100))
    result = kpis(
        simulate(
            _scenario((q,), (AgentGroup("g", (Skill("q"),), RequirementStaffing([1])),)),
            rng=np.random.default_rng(0),
        )
    )
    assert result.total.service_level[0] == pytest.approx(1 / 3)
    assert result.total.asa_seconds[0] == pytest.approx(90.0)
    assert result.per_interval.offered[0].tolist() == [3.0, 0.0]
    np.testing.assert_array_equal(result.waits.counts.sum(axis=1), [3])
