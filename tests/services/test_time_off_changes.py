"""Plans change: the agent withdraws a pending time-off request; whoever may decide it cancels
approved time off that has not started, and the shifts it gave back may be published again.
Asking is limited to today onwards and to a maximum length; an overlap names the other time
off by its kind, not by an internal id."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bezetting.config import load_settings
from bezetting.core.errors import ConflictError, InputError
from bezetting.services.absence import MAX_TIME_OFF_DAYS, request_time_off
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.requests import (
    cancel_time_off,
    decide_request,
    visible_requests,
    withdraw_time_off,
)
from bezetting.services.schedules import publish_schedule
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import RequestStatus, Role, ScheduleStatus
from bezetting.store.models import Agent, Schedule, Shift
from tests.services.conftest import NOW
from tests.services.test_swaps import AMS, World, at, build, person
from tests.services.test_time_off_gives_back import day_off

_ELSEWHERE = {("1003", 5): at(5, 9)}  # a published week with a shift of someone else


def _status(world: World, request_id: int) -> str:
    (found,) = [
        r
        for r in visible_requests(world.sessions, person(world, Role.PLANNER))
        if r.id == request_id
    ]
    return found.status


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=AMS)


def test_an_agent_withdraws_their_own_pending_time_off(sessions: SessionFactory) -> None:
    world = build(sessions, _ELSEWHERE)
    leave = day_off(world, "1001", 2)
    withdrawn = withdraw_time_off(sessions, person(world, Role.AGENT, agent="1001"), leave)
    assert withdrawn.status == RequestStatus.CANCELLED.value
    assert _status(world, leave) == "cancelled"
    day_off(world, "1001", 2)  # the days are free to ask for again


def test_an_agent_withdraws_no_one_elses_and_no_decided_request(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, _ELSEWHERE)
    leave = day_off(world, "1001", 2)
    with pytest.raises(NotFoundError):
        withdraw_time_off(sessions, person(world, Role.AGENT, agent="1002"), leave)
    with pytest.raises(PermissionDeniedError):
        withdraw_time_off(sessions, person(world, Role.PLANNER), leave)
    decide_request(sessions, person(world, Role.PLANNER), leave, approve=True, now=NOW)
    with pytest.raises(ConflictError, match="is approved already"):
        withdraw_time_off(sessions, person(world, Role.AGENT, agent="1001"), leave)
    assert _status(world, leave) == "approved"


def test_cancelled_time_off_lets_the_planner_publish_the_given_back_shift_again(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 2): at(2, 11)})
    leave = day_off(world, "1001", 2)
    lead = person(world, Role.TEAM_LEAD, team="Noord")
    decide_request(sessions, lead, leave, approve=True, now=NOW)

    cancelled = cancel_time_off(sessions, lead, leave, now=NOW)

    assert cancelled.status == "cancelled"
    with transaction(sessions) as session:
        shift = session.get(Shift, world.shifts[("1001", 2)])
        assert shift is not None
        draft = shift.schedule
        assert (draft.name, draft.status) == ("week 13 (given back)", ScheduleStatus.DRAFT)
        draft_id, version = draft.id, draft.version
    published = publish_schedule(sessions, draft_id, expected_version=version, now=NOW)
    assert published.left_out == ()  # the time off no longer keeps the shift out
    with transaction(sessions) as session:
        statuses = session.scalars(select(Schedule.status).where(Schedule.id == draft_id)).all()
        assert statuses == [ScheduleStatus.PUBLISHED]


def test_only_approved_time_off_in_reach_that_has_not_started_is_cancelled(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, _ELSEWHERE)
    planner = person(world, Role.PLANNER)
    leave = day_off(world, "1001", 2)
    with pytest.raises(ConflictError, match="only approved time off"):
        cancel_time_off(sessions, planner, leave, now=NOW)  # still pending
    decide_request(sessions, planner, leave, approve=True, now=NOW)
    with pytest.raises(PermissionDeniedError):
        cancel_time_off(sessions, person(world, Role.AGENT, agent="1001"), leave, now=NOW)
    with pytest.raises(NotFoundError):
        cancel_time_off(sessions, person(world, Role.TEAM_LEAD, team="Zuid"), leave, now=NOW)
    with pytest.raises(InputError, match="has not started"):
        cancel_time_off(sessions, planner, leave, now=at(2, 0))  # it starts then
    assert _status(world, leave) == "approved"


def test_time_off_may_start_today_but_not_yesterday(sessions: SessionFactory) -> None:
    world = build(sessions, _ELSEWHERE)
    today = NOW.astimezone(AMS).date()  # NOW is 08:00 in Amsterdam
    ref = request_time_off(
        sessions,
        agent_id=world.agents["1001"],
        starts_at=_midnight(today),
        ends_at=_midnight(today + timedelta(days=1)),
        now=NOW,
    )
    assert ref.status is RequestStatus.PENDING
    with pytest.raises(
        InputError, match=r"starts_at: time off cannot start before today \(2020-03-16\)"
    ):
        request_time_off(
            sessions,
            agent_id=world.agents["1002"],
            starts_at=_midnight(today - timedelta(days=1)),
            ends_at=_midnight(today + timedelta(days=1)),
            now=NOW,
        )


def test_time_off_is_at_most_the_maximum_number_of_days(sessions: SessionFactory) -> None:
    world = build(sessions, _ELSEWHERE)
    first = date(2020, 4, 1)
    longest = first + timedelta(days=MAX_TIME_OFF_DAYS)  # crosses the change to summer time
    request_time_off(
        sessions,
        agent_id=world.agents["1001"],
        starts_at=_midnight(first),
        ends_at=_midnight(longest),
        now=NOW,
    )
    with pytest.raises(
        InputError, match=r"ends_at: time off is at most 42 days at once; .* 43 days"
    ):
        request_time_off(
            sessions,
            agent_id=world.agents["1002"],
            starts_at=_midnight(first),
            ends_at=_midnight(longest + timedelta(days=1)),
            now=NOW,
        )
    with pytest.raises(InputError, match="at most 7 days"):
        request_time_off(
            sessions,
            agent_id=world.agents["1002"],
            starts_at=_midnight(first),
            ends_at=_midnight(first + timedelta(days=8)),
            now=NOW,
            max_days=7,
        )


def test_an_overlap_names_the_other_time_off_by_its_state_and_times_not_its_id(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, _ELSEWHERE)
    day_off(world, "1001", 2)
    with pytest.raises(InputError) as refused:
        day_off(world, "1001", 2)
    assert str(refused.value) == (
        "overlaps your pending time off (2020-03-24T23:00:00+00:00 .. 2020-03-25T23:00:00+00:00)"
    )


def test_the_setting_defaults_to_the_services_maximum() -> None:
    assert load_settings(env="test").time_off_max_days == MAX_TIME_OFF_DAYS
    with pytest.raises(InputError, match="BEZETTING_TIME_OFF_MAX_DAYS"):
        load_settings(env="test", time_off_max_days=0)


def test_a_withdrawal_and_a_cancellation_are_told_apart_by_who_decided(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, _ELSEWHERE)
    anouk = person(world, Role.AGENT, agent="1001")
    lead = person(world, Role.TEAM_LEAD, team="Noord")
    taken_back = day_off(world, "1001", 2)
    called_off = day_off(world, "1001", 3)
    decide_request(sessions, lead, called_off, approve=True, now=NOW)

    withdrawn = withdraw_time_off(sessions, anouk, taken_back)
    cancelled = cancel_time_off(sessions, lead, called_off, now=NOW)

    assert (withdrawn.withdrawn, withdrawn.cancelled_by) == (True, None)
    assert (cancelled.withdrawn, cancelled.cancelled_by) == (False, lead.email)
    for seen_by in (anouk, person(world, Role.PLANNER)):
        views = {r.id: r for r in visible_requests(sessions, seen_by)}
        assert (views[taken_back].withdrawn, views[taken_back].cancelled_by) == (True, None)
        assert (views[called_off].withdrawn, views[called_off].cancelled_by) == (False, lead.email)
    with pytest.raises(ConflictError, match="is withdrawn already"):
        decide_request(sessions, lead, taken_back, approve=True, now=NOW)


def test_time_off_ends_by_the_last_working_day(sessions: SessionFactory) -> None:
    world = build(sessions, _ELSEWHERE)
    today = NOW.astimezone(AMS).date()
    with transaction(sessions, writes=True) as session:
        leaver = session.get(Agent, world.agents["1001"])
        assert leaver is not None
        leaver.end_date = today + timedelta(days=3)
    request_time_off(  # the last working day itself may be taken off
        sessions,
        agent_id=world.agents["1001"],
        starts_at=_midnight(today + timedelta(days=3)),
        ends_at=_midnight(today + timedelta(days=4)),
        now=NOW,
    )
    with pytest.raises(
        InputError,
        match=r"ends_at: time off ends after your last working day \(2020-03-19\); "
        r"it ends on 2020-03-20",
    ):
        request_time_off(
            sessions,
            agent_id=world.agents["1001"],
            starts_at=_midnight(today + timedelta(days=2)),
            ends_at=_midnight(today + timedelta(days=5)),
            now=NOW,
        )
