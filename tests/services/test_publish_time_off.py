"""Publishing never puts a shift on an agent's approved time off: such a shift of the draft is
left out into its "(given back)" draft and named in the answer, as approving the time off would
have given it back. Pending, rejected or cancelled time off leaves out nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bezetting.services.requests import decide_request
from bezetting.services.schedules import (
    LeftOutShift,
    PublishedSchedule,
    ShiftsOnTimeOffError,
    create_schedule,
    publish_schedule,
)
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import RequestStatus, Role, ScheduleStatus
from bezetting.store.models import Request, Schedule
from tests.services.conftest import NOW
from tests.services.test_swaps import WEEK, World, at, build, legal_shift, person
from tests.services.test_time_off_gives_back import day_off


def _day_off(world: World, agent: str, day: int, *, approve: bool | None) -> int:
    """Time off for ``agent`` on ``day``: approved, rejected (False) or left pending (None)."""
    leave = day_off(world, agent, day)
    if approve is not None:
        decide_request(world.sessions, person(world, Role.PLANNER), leave, approve=approve, now=NOW)
    return leave


def _draft(world: World, days: dict[str, int]) -> int:
    """A draft "extra" of the week with a 09:00 shift for each agent on their day."""
    return create_schedule(
        world.sessions,
        name="extra",
        period_start=WEEK,
        period_end=WEEK,
        now=NOW,
        organisation="gemeente",
        shifts=[legal_shift(world.agents[agent], at(day, 9)) for agent, day in days.items()],
    ).id


def _version(world: World, schedule_id: int) -> int:
    with transaction(world.sessions) as session:
        schedule = session.get(Schedule, schedule_id)
        assert schedule is not None
        return schedule.version


def _publish(world: World, schedule_id: int) -> PublishedSchedule:
    version = _version(world, schedule_id)
    return publish_schedule(world.sessions, schedule_id, expected_version=version, now=NOW)


def _schedules(world: World) -> dict[str, list[tuple[ScheduleStatus, list[int]]]]:
    """Every schedule by name (drafts may share one): status and the agents of its shifts."""
    found: dict[str, list[tuple[ScheduleStatus, list[int]]]] = {}
    with transaction(world.sessions) as session:
        for s in session.scalars(select(Schedule).order_by(Schedule.id)):
            found.setdefault(s.name, []).append((s.status, sorted(x.agent_id for x in s.shifts)))
    return found


def test_a_shift_on_approved_time_off_is_left_out_into_the_given_back_draft_and_named(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1003", 5): at(5, 9)})
    leave = _day_off(world, "1001", 2, approve=True)  # approved before the draft is published
    draft = _draft(world, {"1001": 2, "1002": 3})
    anouk, bram = world.agents["1001"], world.agents["1002"]

    published = _publish(world, draft)

    assert published.status is ScheduleStatus.PUBLISHED
    (left_out,) = published.left_out
    given_back = _schedules(world)["extra (given back)"]
    assert given_back == [(ScheduleStatus.DRAFT, [anouk])]
    with transaction(sessions) as session:
        kept = session.scalars(select(Schedule).where(Schedule.name == "extra (given back)")).one()
        assert left_out == LeftOutShift(
            shift_id=kept.shifts[0].id,
            agent_id=anouk,
            agent_name="Anouk de Vries",
            starts_at=at(2, 9),
            ends_at=at(2, 17, 30),
            time_off_request_id=leave,
            time_off_starts_at=at(2, 0),
            time_off_ends_at=at(3, 0),
            given_back_schedule_id=kept.id,
            given_back_schedule_name="extra (given back)",
        )
    assert _schedules(world)["extra"] == [(ScheduleStatus.PUBLISHED, [bram])]


@pytest.mark.parametrize("approve", [None, False], ids=["pending", "rejected"])
def test_pending_or_rejected_time_off_leaves_nothing_out(
    sessions: SessionFactory, approve: bool | None
) -> None:
    world = build(sessions, {("1003", 5): at(5, 9)})
    _day_off(world, "1001", 2, approve=approve)
    draft = _draft(world, {"1001": 2, "1002": 3})

    published = _publish(world, draft)

    assert published.left_out == ()
    assert _schedules(world)["extra"] == [
        (ScheduleStatus.PUBLISHED, sorted([world.agents["1001"], world.agents["1002"]]))
    ]
    assert "extra (given back)" not in _schedules(world)


def test_a_draft_whose_every_shift_is_on_approved_time_off_is_refused_and_nothing_changes(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1003", 5): at(5, 9)})
    _day_off(world, "1001", 2, approve=True)
    _day_off(world, "1002", 3, approve=True)
    draft = _draft(world, {"1001": 2, "1002": 3})
    before, version = _schedules(world), _version(world, draft)

    with pytest.raises(
        ShiftsOnTimeOffError,
        match=r"each of its shifts .* \(2 in all\), such as agent \d+ \(Anouk de Vries\)",
    ):
        _publish(world, draft)

    assert _schedules(world) == before
    assert _version(world, draft) == version


def test_the_given_back_draft_publishes_again_once_the_time_off_is_cancelled(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 2): at(2, 9), ("1001", 3): at(3, 9)})
    leave = _day_off(world, "1001", 2, approve=True)  # gives the day-2 shift back
    anouk = world.agents["1001"]
    ((_, kept),) = _schedules(world)["week 13 (given back)"]
    assert kept == [anouk]
    with transaction(sessions) as session:
        given_back = session.scalars(
            select(Schedule.id).where(Schedule.name == "week 13 (given back)")
        ).one()
    with pytest.raises(ShiftsOnTimeOffError):  # still approved: it would go straight back
        _publish(world, given_back)

    with transaction(sessions, writes=True) as session:  # no use case cancels approved leave yet
        request = session.get(Request, leave)
        assert request is not None
        request.status = RequestStatus.CANCELLED
    published = _publish(world, given_back)

    assert published.left_out == ()
    assert _schedules(world)["week 13 (given back)"] == [(ScheduleStatus.PUBLISHED, [anouk])]


def test_publishing_the_given_back_draft_leaves_out_only_what_is_still_on_approved_time_off(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 2): at(2, 9), ("1002", 3): at(3, 9)})
    _day_off(world, "1001", 2, approve=True)
    bram_leave = _day_off(world, "1002", 3, approve=True)
    with transaction(sessions, writes=True) as session:
        request = session.get(Request, bram_leave)
        assert request is not None
        request.status = RequestStatus.CANCELLED
        given_back = session.scalars(
            select(Schedule.id).where(Schedule.name == "week 13 (given back)")
        ).one()

    published = _publish(world, given_back)

    assert [s.agent_id for s in published.left_out] == [world.agents["1001"]]
    assert published.left_out[0].given_back_schedule_id != given_back
    assert _schedules(world)["week 13 (given back)"] == [
        (ScheduleStatus.PUBLISHED, [world.agents["1002"]]),
        (ScheduleStatus.DRAFT, [world.agents["1001"]]),
    ]


def test_a_shift_that_has_started_publishes_though_it_is_on_approved_time_off(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1003", 5): at(5, 9)})
    _day_off(world, "1001", 2, approve=True)
    draft = _draft(world, {"1001": 2})
    version = _version(world, draft)

    published = publish_schedule(sessions, draft, expected_version=version, now=at(2, 10))

    assert published.left_out == ()
    assert _schedules(world)["extra"] == [(ScheduleStatus.PUBLISHED, [world.agents["1001"]])]
