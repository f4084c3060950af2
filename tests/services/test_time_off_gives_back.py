"""Approving time off gives back the published shifts it overlaps, in the same transaction;
before the decision the request names them. One service function for the API and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bezetting.core.errors import ConflictError
from bezetting.services.absence import request_time_off
from bezetting.services.errors import PermissionDeniedError
from bezetting.services.requests import decide_request, time_off_clashes, visible_requests
from bezetting.services.swaps import (
    SwapRefusedError,
    SwapStage,
    accept_swap,
    offer_swap,
    visible_swaps,
)
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import RequestStatus, Role, ScheduleStatus
from bezetting.store.models import Request, Schedule, Shift
from tests.services.conftest import NOW
from tests.services.test_swaps import World, at, build, person


def _published_shift_ids(world: World, agent: str) -> set[int]:
    with transaction(world.sessions) as session:
        rows = session.scalars(
            select(Shift.id)
            .join(Schedule, Shift.schedule_id == Schedule.id)
            .where(
                Schedule.status == ScheduleStatus.PUBLISHED,
                Shift.agent_id == world.agents[agent],
            )
        )
        return set(rows)


def day_off(world: World, agent: str, day: int) -> int:
    return request_time_off(
        world.sessions,
        agent_id=world.agents[agent],
        starts_at=at(day, 0),
        ends_at=at(day + 1, 0),
        now=NOW,
    ).id


def test_the_request_names_the_shifts_approving_would_give_back(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 2): at(2, 11), ("1001", 3): at(3, 11)})
    leave = day_off(world, "1001", 2)
    planner = person(world, Role.PLANNER)
    clashes = time_off_clashes(sessions, planner, [leave], now=NOW)[leave]
    assert [(c.shift_id, c.whole, c.started) for c in clashes] == [
        (world.shifts[("1001", 2)], True, False)
    ]
    (listed,) = [r for r in visible_requests(sessions, planner, now=NOW) if r.id == leave]
    assert listed.clashes == clashes
    (unasked,) = [r for r in visible_requests(sessions, planner) if r.id == leave]
    assert unasked.clashes == ()
    assert _published_shift_ids(world, "1001") == {
        world.shifts[("1001", 2)],
        world.shifts[("1001", 3)],
    }  # nothing moves before the decision


def test_approving_time_off_gives_back_the_overlapping_shift_and_keeps_it_in_a_draft(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 2): at(2, 11), ("1001", 3): at(3, 11)})
    leave = day_off(world, "1001", 2)
    version = world.version()
    decided = decide_request(sessions, person(world, Role.PLANNER), leave, approve=True, now=NOW)
    assert decided.status == "approved"
    assert [c.shift_id for c in decided.clashes] == [world.shifts[("1001", 2)]]
    assert _published_shift_ids(world, "1001") == {world.shifts[("1001", 3)]}
    assert world.version() == version + 1  # the published schedule changed
    with transaction(sessions) as session:
        shift = session.get(Shift, world.shifts[("1001", 2)])
        assert shift is not None
        assert shift.schedule.status is ScheduleStatus.DRAFT
        assert shift.schedule.name == "week 13 (given back)"
        assert shift.agent_id == world.agents["1001"]


def test_a_second_approval_reuses_the_given_back_draft(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 2): at(2, 11), ("1002", 2): at(2, 11)})
    planner = person(world, Role.PLANNER)
    for agent in ("1001", "1002"):
        decide_request(sessions, planner, day_off(world, agent, 2), approve=True, now=NOW)
    with transaction(sessions) as session:
        drafts = session.scalars(
            select(Schedule).where(Schedule.status == ScheduleStatus.DRAFT)
        ).all()
        assert [(d.name, len(d.shifts)) for d in drafts] == [("week 13 (given back)", 2)]


def test_a_partial_overlap_gives_back_the_whole_shift(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 2): at(2, 11)})
    leave = request_time_off(
        sessions,
        agent_id=world.agents["1001"],
        starts_at=at(2, 15),
        ends_at=at(2, 23),
        now=NOW,
    ).id
    planner = person(world, Role.PLANNER)
    (clash,) = time_off_clashes(sessions, planner, [leave], now=NOW)[leave]
    assert not clash.whole
    decide_request(sessions, planner, leave, approve=True, now=NOW)
    assert _published_shift_ids(world, "1001") == set()


def test_a_shift_that_only_touches_the_time_off_stays(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 2): at(2, 11)})  # ends 19:30
    leave = request_time_off(
        sessions,
        agent_id=world.agents["1001"],
        starts_at=at(2, 19, 30),
        ends_at=at(3, 0),
        now=NOW,
    ).id
    planner = person(world, Role.PLANNER)
    assert time_off_clashes(sessions, planner, [leave], now=NOW) == {}
    decided = decide_request(sessions, planner, leave, approve=True, now=NOW)
    assert decided.clashes == ()
    assert _published_shift_ids(world, "1001") == {world.shifts[("1001", 2)]}


def test_rejecting_gives_nothing_back(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 2): at(2, 11)})
    leave = day_off(world, "1001", 2)
    decided = decide_request(sessions, person(world, Role.PLANNER), leave, approve=False, now=NOW)
    assert (decided.status, decided.clashes) == ("rejected", ())
    assert _published_shift_ids(world, "1001") == {world.shifts[("1001", 2)]}


def test_a_shift_that_has_started_at_approval_stays(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 2): at(2, 11)})
    leave = day_off(world, "1001", 2)
    planner = person(world, Role.PLANNER)
    during = at(2, 12)
    (clash,) = time_off_clashes(sessions, planner, [leave], now=during)[leave]
    assert clash.started
    decided = decide_request(sessions, planner, leave, approve=True, now=during)
    assert decided.clashes == ()
    assert _published_shift_ids(world, "1001") == {world.shifts[("1001", 2)]}


def test_approving_withdraws_a_pending_offer_of_the_given_back_shift(
    sessions: SessionFactory,
) -> None:
    world = build(
        sessions, {("1001", 2): at(2, 11), ("1003", 2): at(2, 11), ("1002", 4): at(4, 11)}
    )
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    chris = person(world, Role.AGENT, agent="1003")
    open_offer = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 2)], now=NOW, note=None)
    taken = offer_swap(sessions, bram, shift_id=world.shifts[("1002", 4)], now=NOW, note=None)
    accept_swap(
        sessions, chris, taken.id, shift_in_return_id=world.shifts[("1003", 2)], now=NOW
    )  # Chris gives his day-2 shift in return
    planner = person(world, Role.PLANNER)
    for agent in ("1001", "1003"):
        decide_request(sessions, planner, day_off(world, agent, 2), approve=True, now=NOW)
    stages = {s.id: s.stage for s in visible_swaps(sessions, person(world, Role.PLANNER), now=NOW)}
    assert stages == {open_offer.id: SwapStage.WITHDRAWN, taken.id: SwapStage.WITHDRAWN}
    with transaction(sessions) as session:
        assert {r.status for r in session.scalars(select(Request))} >= {RequestStatus.CANCELLED}


def test_the_leave_day_no_longer_counts_as_work_when_taking_a_shift(
    sessions: SessionFactory,
) -> None:
    """Chris has 16 h at most: two 8-hour days are full; with one day off he takes another."""
    world = build(
        sessions,
        {("1003", 1): at(1, 8), ("1003", 2): at(2, 8), ("1001", 4): at(4, 8)},
    )
    chris = person(world, Role.AGENT, agent="1003")
    anouk = person(world, Role.AGENT, agent="1001")
    offer = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 4)], now=NOW, note=None)
    with pytest.raises(SwapRefusedError, match="contract_max"):
        accept_swap(sessions, chris, offer.id, shift_in_return_id=None, now=NOW)
    decide_request(
        sessions, person(world, Role.PLANNER), day_off(world, "1003", 2), approve=True, now=NOW
    )
    taken = accept_swap(sessions, chris, offer.id, shift_in_return_id=None, now=NOW)
    assert taken.stage is SwapStage.ACCEPTED


def test_an_offer_over_ones_time_off_or_unavailability_is_not_offered(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 2): at(2, 8), ("1001", 3): at(3, 8)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    on_leave = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 2)], now=NOW, note=None)
    free = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 3)], now=NOW, note=None)
    decide_request(
        sessions, person(world, Role.PLANNER), day_off(world, "1002", 2), approve=True, now=NOW
    )
    assert [s.id for s in visible_swaps(sessions, bram, now=NOW)] == [free.id]
    with pytest.raises(SwapRefusedError, match="unavailable"):  # the rule stays on taking
        accept_swap(sessions, bram, on_leave.id, shift_in_return_id=None, now=NOW)


def test_a_pending_request_that_is_not_time_off_or_already_decided_has_no_clashes(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 2): at(2, 11)})
    leave = day_off(world, "1001", 2)
    planner = person(world, Role.PLANNER)
    decide_request(sessions, planner, leave, approve=True, now=NOW)
    assert time_off_clashes(sessions, planner, [leave], now=NOW) == {}
    with pytest.raises(ConflictError):
        decide_request(sessions, planner, leave, approve=True, now=NOW + timedelta(minutes=1))
    with pytest.raises(PermissionDeniedError):
        time_off_clashes(sessions, person(world, Role.AGENT, agent="1001"), [leave], now=NOW)


def test_a_team_lead_sees_clashes_only_of_their_team(sessions: SessionFactory) -> None:
    world = build(sessions, {("1003", 2): at(2, 11)})  # Chris: team Zuid
    leave = day_off(world, "1003", 2)
    noord = person(world, Role.TEAM_LEAD, team="Noord")
    assert time_off_clashes(sessions, noord, [leave], now=NOW) == {}
    assert leave in time_off_clashes(
        sessions, person(world, Role.TEAM_LEAD, team="Zuid"), [leave], now=NOW
    )
