"""Occupancy, checked by hand on calls that run across interval edges."""

from __future__ import annotations

import numpy as np
import pytest

from bezetting.core.simulate import AgentGroup, RequirementStaffing, Scenario, Skill, kpis, simulate
from tests.core.simulate.helpers import Fixed, replay_queue


def _run(times: list[float], handle_seconds: float, agents: list[int]) -> Scenario:
    return Scenario(
        interval_seconds=900,
        n_intervals=len(agents),
        queues=(replay_queue("q", times, Fixed(handle_seconds)),),
        agent_groups=(AgentGroup("g", (Skill("q"),), RequirementStaffing(agents)),),
    )


def test_a_call_across_three_intervals_counts_its_part_in_each() -> None:
    # One agent on duty 0-2700, busy 450-2250: 450 s, 900 s and 450 s of the three intervals.
    result = kpis(simulate(_run([450], 1800, [1, 1, 1]), rng=np.random.default_rng(0)))
    np.testing.assert_allclose(result.occupancy_per_interval[0], [0.5, 1.0, 0.5])
    assert result.occupancy_total[0] == pytest.approx(1800 / 2700)


def test_the_total_after_the_warmup_counts_only_what_lies_after_it() -> None:
    # Busy 450-2250 and on duty 0-2700; after 600: busy 1650 s of 2100 s on duty.
    run = simulate(_run([450], 1800, [1, 1, 1]), rng=np.random.default_rng(0))
    assert kpis(run, warmup_seconds=600).occupancy_total[0] == pytest.approx(1650 / 2100)


def test_calls_inside_one_interval_and_across_an_edge_add_up() -> None:
    # Two agents: calls 100-400 and 800-1100 (agent idle the longest takes the second), and
    # 1000-1300. Interval 0: 300 + 100 busy of 1800 on duty; interval 1: 200 + 300 of 1800.
    run = simulate(_run([100, 800, 1000], 300, [2, 2]), rng=np.random.default_rng(0))
    np.testing.assert_allclose(kpis(run).occupancy_per_interval[0], [400 / 1800, 500 / 1800])


def test_an_agent_finishing_a_call_after_going_off_duty_is_never_over_100_percent() -> None:
    # On duty only in interval 0 (0-900); a call 600-1200 runs 300 s past the end of duty.
    # Interval 0: busy 300 of 900 on duty; interval 1: busy 300 s, all of it overrun: 100%.
    run = simulate(_run([600], 600, [1, 0]), rng=np.random.default_rng(0))
    result = kpis(run)
    np.testing.assert_allclose(result.occupancy_per_interval[0], [300 / 900, 1.0])
    assert result.occupancy_total[0] == pytest.approx(600 / 1200)
