"""On one queue with constant load the simulator must agree with the closed forms.

References are independent of the simulator: Erlang C and Erlang A from
:mod:`bezetting.core.queueing` (Mandelbaum and Zeltyn's closed forms), and the M/M/1 waiting
time written out here (Kleinrock, *Queueing Systems* vol. 1, sec. 3.2):
``P(W > t) = rho * exp(-(mu - lambda) t)`` and ``E[W] = rho / (mu - lambda)``.
Agreement means: the reference lies inside the 95% confidence interval of the replications.
"""

from __future__ import annotations

import numpy as np
import pytest

from bezetting.core.queueing import erlang_a_metrics, erlang_c_metrics
from bezetting.core.simulate import estimate, replicate
from tests.core.simulate.helpers import one_queue

WARMUP_SECONDS = 1800.0  # the simulation starts empty; skip the first half hour
REPLICATIONS = 30


def test_erlang_c_service_level_and_asa_agree() -> None:
    # 99 calls per quarter hour of 90 s: 9.9 Erlang on 12 agents (occupancy 82.5%).
    scenario = one_queue(agents=12, per_interval=99, aht_seconds=90, intervals=21)
    result = replicate(
        scenario,
        replications=REPLICATIONS,
        rng=np.random.default_rng(101),
        warmup_seconds=WARMUP_SECONDS,
    )
    exact = erlang_c_metrics(12, load_erlangs=9.9, aht_seconds=90, answer_within_seconds=20)
    assert result.total.service_level.covers(exact.service_level_offered)[0]
    assert result.total.asa_seconds.covers(exact.asa_seconds)[0]
    assert result.total.abandoned.mean[0] == 0
    # And the interval is narrow enough to mean something.
    assert result.total.service_level.half_width[0] < 0.03


def test_erlang_a_service_level_asa_and_abandonment_agree() -> None:
    # 13.2 Erlang on 14 agents, patience 2 minutes: overloaded-ish, abandonment carries it.
    scenario = one_queue(
        agents=14, per_interval=66, aht_seconds=180, patience_seconds=120, intervals=21
    )
    result = replicate(
        scenario,
        replications=REPLICATIONS,
        rng=np.random.default_rng(202),
        warmup_seconds=WARMUP_SECONDS,
    )
    exact = erlang_a_metrics(
        14, load_erlangs=13.2, aht_seconds=180, patience_seconds=120, answer_within_seconds=20
    )
    assert result.total.service_level.covers(exact.service_level_offered)[0]
    assert result.total.asa_seconds.covers(exact.asa_seconds)[0]
    assert result.total.abandon_rate.covers(exact.abandon_rate)[0]
    assert result.total.abandon_rate.half_width[0] < 0.02


def test_erlang_a_occupancy_agrees_in_loaded_intervals() -> None:
    scenario = one_queue(agents=10, per_interval=40, aht_seconds=180, patience_seconds=300)
    result = replicate(scenario, replications=REPLICATIONS, rng=np.random.default_rng(303))
    exact = erlang_a_metrics(
        10, load_erlangs=8.0, aht_seconds=180, patience_seconds=300, answer_within_seconds=20
    )
    # Occupancy of the loaded intervals after the first two, averaged per replication.
    per_run = np.array([r.occupancy_per_interval[0, 2:-1].mean() for r in result.runs])
    assert estimate(per_run).covers(exact.occupancy)


def test_mm1_waiting_time_distribution_matches_the_closed_form() -> None:
    # Five claims are checked at once, so each gets a Bonferroni level: 1 - 0.05 / 5.
    level = 1.0 - 0.05 / 5
    lam, mu = 1 / 60, 1 / 45  # a call a minute, 45 s each: rho = 0.75
    scenario = one_queue(
        agents=1, per_interval=lam * 3600, aht_seconds=45, intervals=25, interval_seconds=3600
    )
    result = replicate(
        scenario,
        replications=REPLICATIONS,
        rng=np.random.default_rng(404),
        warmup_seconds=3 * 3600,
        confidence=level,
    )
    rho = lam / mu
    assert result.total.asa_seconds.covers(rho / (mu - lam))[0]  # ASA = E[W]: nobody abandons
    for t in (30.0, 60.0, 150.0, 300.0):
        within = np.array([r.waits.share_within(t)[0] for r in result.runs])
        exact = 1.0 - rho * np.exp(-(mu - lam) * t)
        assert estimate(within, confidence=level).covers(exact), (t, within.mean(), exact)


@pytest.mark.parametrize("agents", [1, 3])
def test_no_queue_when_agents_far_outnumber_the_load(agents: int) -> None:
    # A cheap sanity bound that needs no formula: 0.05 Erlang, nobody ever waits long.
    scenario = one_queue(agents=agents * 20, per_interval=0.25, aht_seconds=180)
    result = replicate(scenario, replications=3, rng=np.random.default_rng(5))
    assert result.total.asa_seconds.mean[0] == 0.0
