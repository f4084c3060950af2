"""Chat concurrency, deferred work with a deadline, and newcomers' capacity."""

from __future__ import annotations

import numpy as np
import pytest

from bezetting.core.errors import InfeasibleError, InputError
from bezetting.core.queueing import (
    AgentGroup,
    ServiceTarget,
    backlog_staffing,
    capacity_equivalent,
    chat_required_agents,
    headcount_for,
    required_agents,
)

SL = ServiceTarget(service_level=0.8, answer_within_seconds=60)


def test_chat_agents_are_slots_over_concurrency_rounded_up() -> None:
    loads = np.array([2.0, 15.0, 90.0])
    chat = chat_required_agents(loads, aht_seconds=900, concurrency=3, target=SL)
    slots = required_agents(loads, aht_seconds=900, target=SL)
    assert chat.agents.tolist() == [-(-int(s) // 3) for s in slots.agents]
    np.testing.assert_allclose(chat.agents_fractional, slots.agents_fractional / 3)


def test_concurrency_one_is_voice() -> None:
    chat = chat_required_agents(12.0, aht_seconds=300, concurrency=1, target=SL)
    assert int(chat.agents) == int(required_agents(12.0, aht_seconds=300, target=SL).agents)


@pytest.mark.parametrize("bad", [0, 11, 2.5, True])
def test_concurrency_must_be_a_small_whole_number(bad: object) -> None:
    with pytest.raises(InputError, match="concurrency"):
        chat_required_agents(5.0, aht_seconds=300, concurrency=bad, target=SL)  # type: ignore[arg-type]


def test_steady_email_needs_just_its_work_rate() -> None:
    # Always open, 30 items every half hour at 6 minutes each: 6 agents' work; a day's deadline
    # is loose, so the capacity floor (no growing backlog) decides.
    plan = backlog_staffing(
        np.full(48 * 3, 30.0),
        open_intervals=np.ones(48 * 3, dtype=bool),
        interval_seconds=1800,
        aht_seconds=360,
        deadline_seconds=86_400,
        target_share=0.95,
    )
    assert plan.agents_fractional == pytest.approx(6.0, rel=1e-6)
    assert plan.share_within_deadline == pytest.approx(1.0)


def test_a_tight_deadline_needs_more_than_the_work_rate() -> None:
    # 100 items spread over the first 15 minutes, 1 minute each, all due within 30 minutes of
    # arrival. First-in-first-out at c items per minute finishes the last one (arrived at
    # minute 15) at 100 / c: c >= 100 / 45 items per minute, i.e. 2.22 agents.
    arrivals = np.zeros(16)
    arrivals[0] = 100.0
    plan = backlog_staffing(
        arrivals,
        open_intervals=np.ones(16, dtype=bool),
        interval_seconds=900,
        aht_seconds=60,
        deadline_seconds=1800,
        target_share=1.0,
    )
    assert plan.agents_fractional == pytest.approx(100 / 45, rel=0.03)
    assert plan.agents_fractional >= 100 / 45 - 1e-9
    assert plan.agents.tolist() == [3] * 16


def test_backlog_carries_over_the_night() -> None:
    # Mail arrives around the clock (20 items per half hour, 10 minutes each) but is worked
    # only 08:00-18:00: the day's 960 items need 16 agents while open. The night's mail waits
    # for the morning (at most 14 hours, inside the 24-hour deadline).
    is_open = np.zeros(48, dtype=bool)
    is_open[16:36] = True
    plan = backlog_staffing(
        np.full(48 * 5, 20.0),
        open_intervals=np.tile(is_open, 5),
        interval_seconds=1800,
        aht_seconds=600,
        deadline_seconds=86_400,
        target_share=0.95,
    )
    assert plan.agents_fractional == pytest.approx(16.0, rel=1e-6)
    assert plan.share_within_deadline == pytest.approx(1.0)
    opening = plan.backlog_items[15::48][1:]  # waiting at 08:00 after each night
    closing = plan.backlog_items[35::48]  # waiting at 18:00
    np.testing.assert_allclose(opening, 28 * 20.0, rtol=1e-9)
    np.testing.assert_allclose(closing, 0.0, atol=1e-6)


def test_work_arriving_only_while_closed_with_a_short_deadline_is_infeasible() -> None:
    arrivals = np.array([10.0, 0.0, 0.0, 0.0])
    with pytest.raises(InfeasibleError, match="cannot finish"):
        backlog_staffing(
            arrivals,
            open_intervals=np.array([False, False, False, True]),
            interval_seconds=3600,
            aht_seconds=60,
            deadline_seconds=3600,
            target_share=0.95,
        )


def test_newcomers_need_more_people_for_the_same_capacity() -> None:
    mix = [AgentGroup("experienced", 0.75, 1.0), AgentGroup("newcomers", 0.25, 1.5)]
    people = headcount_for(30.0, mix)
    assert float(people) == pytest.approx(30.0 / (0.75 + 0.25 / 1.5))
    assert float(capacity_equivalent(people, mix)) == pytest.approx(30.0)


def test_group_shares_must_add_up() -> None:
    with pytest.raises(InputError, match="sum to 1"):
        headcount_for(10.0, [AgentGroup("a", 0.5, 1.0), AgentGroup("b", 0.4, 1.2)])
    with pytest.raises(InputError, match="handle_time_factor"):
        AgentGroup("slow", 1.0, 0.0)
