"""A swap cannot give a shift to an agent after their last day employed (their end date)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bezetting.services.swaps import (
    EMPLOYMENT_ENDED,
    SwapRefusedError,
    SwapStage,
    accept_swap,
    decide_swap,
    offer_swap,
    visible_swaps,
)
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import Role
from bezetting.store.models import Agent
from tests.services.conftest import NOW
from tests.services.test_swaps import WEEK, World, at, build, person


def _leaves(world: World, agent: str, last_day: date) -> None:
    with transaction(world.sessions, writes=True) as session:
        row = session.get(Agent, world.agents[agent])
        assert row is not None
        row.end_date = last_day


def test_an_agent_cannot_take_a_shift_after_their_last_day_and_hears_why(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 2): at(2, 8), ("1001", 1): at(1, 8)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    tuesday = WEEK + timedelta(days=1)
    _leaves(world, "1002", tuesday)
    wednesday_swap = offer_swap(
        sessions, anouk, shift_id=world.shifts[("1001", 2)], now=NOW, note=None
    )
    with pytest.raises(SwapRefusedError) as refused:
        accept_swap(sessions, bram, wednesday_swap.id, shift_in_return_id=None, now=NOW)
    [reason] = refused.value.violations
    assert (reason.agent, reason.rule) == ("1002 (Bram Jansen)", EMPLOYMENT_ENDED)
    assert reason.message == ("the shift on 2020-03-25 is after the last day employed, 2020-03-24")
    # His last day itself is still his to work.
    tuesday_swap = offer_swap(
        sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None
    )
    taken = accept_swap(sessions, bram, tuesday_swap.id, shift_in_return_id=None, now=NOW)
    assert taken.stage is SwapStage.ACCEPTED


def test_approval_refuses_a_swap_agreed_before_the_end_date_was_recorded(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 2): at(2, 8)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 2)], now=NOW, note=None)
    accept_swap(sessions, bram, swap.id, shift_in_return_id=None, now=NOW)
    _leaves(world, "1002", WEEK)
    with pytest.raises(SwapRefusedError, match="1002 \\(Bram Jansen\\): employment_ended"):
        decide_swap(
            sessions,
            person(world, Role.PLANNER),
            swap.id,
            approve=True,
            schedule_version=world.version(),
            now=NOW,
        )
    assert world.owner(world.shifts[("1001", 2)]) == "1001"


def test_a_leaver_is_not_offered_shifts_after_their_last_day(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 2): at(2, 8), ("1001", 1): at(1, 8)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    tuesday = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    wednesday = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 2)], now=NOW, note=None)
    assert [s.id for s in visible_swaps(sessions, bram, now=NOW)] == [tuesday.id, wednesday.id]
    _leaves(world, "1002", WEEK + timedelta(days=1))  # his last day is the Tuesday
    assert [s.id for s in visible_swaps(sessions, bram, now=NOW)] == [tuesday.id]
