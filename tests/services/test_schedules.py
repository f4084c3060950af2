"""Saving and publishing schedules: a stale version is a conflict, never a silent overwrite."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bezetting.core.errors import ConflictError, InputError
from bezetting.services.organisations import create_organisation
from bezetting.services.schedules import (
    ActivityPlan,
    OverlappingShiftsError,
    ScheduleRef,
    ShiftPlan,
    create_schedule,
    publish_schedule,
    save_schedule_shifts,
)
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import ActivityKind, Location, ScheduleStatus
from bezetting.store.models import Schedule, Shift
from tests.services.conftest import NOW

MONDAY_8 = datetime(2020, 3, 16, 7, 0, tzinfo=UTC)  # 08:00 in Amsterdam


def shift(agent_id: int, start: datetime = MONDAY_8, hours: int = 8) -> ShiftPlan:
    end = start + timedelta(hours=hours)
    lunch = start + timedelta(hours=4)
    return ShiftPlan(
        agent_id=agent_id,
        starts_at=start,
        ends_at=end,
        activities=(
            ActivityPlan(kind=ActivityKind.CONTACT_WORK, starts_at=start, ends_at=lunch),
            ActivityPlan(
                kind=ActivityKind.LUNCH, starts_at=lunch, ends_at=lunch + timedelta(minutes=30)
            ),
            ActivityPlan(
                kind=ActivityKind.CONTACT_WORK,
                starts_at=lunch + timedelta(minutes=30),
                ends_at=end,
                location=Location.OFFICE,
            ),
        ),
    )


def week(sessions: SessionFactory) -> int:
    ref = create_schedule(
        sessions,
        name="week 12",
        period_start=date(2020, 3, 16),
        period_end=date(2020, 3, 22),
        now=NOW,
    )
    assert (ref.status, ref.version) == (ScheduleStatus.DRAFT, 1)
    return ref.id


def test_each_save_moves_the_version_on(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    schedule_id = week(sessions)
    first = save_schedule_shifts(
        sessions, schedule_id, expected_version=1, shifts=[shift(agent_ids["1001"])], now=NOW
    )
    second = save_schedule_shifts(
        sessions,
        schedule_id,
        expected_version=first.version,
        shifts=[shift(agent_ids["1001"]), shift(agent_ids["1002"])],
        now=NOW,
    )
    assert (first.version, second.version) == (2, 3)
    with sessions() as session:
        shifts = list(session.scalars(select(Shift).where(Shift.schedule_id == schedule_id)))
        assert len(shifts) == 2
        assert [a.kind for a in shifts[0].activities] == [
            ActivityKind.CONTACT_WORK,
            ActivityKind.LUNCH,
            ActivityKind.CONTACT_WORK,
        ]
        assert shifts[0].activities[2].location is Location.OFFICE


def test_a_save_based_on_an_old_version_is_refused(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    schedule_id = week(sessions)
    save_schedule_shifts(
        sessions, schedule_id, expected_version=1, shifts=[shift(agent_ids["1001"])], now=NOW
    )
    with pytest.raises(ConflictError, match="at version 2, but the change was made to version 1"):
        save_schedule_shifts(
            sessions, schedule_id, expected_version=1, shifts=[shift(agent_ids["1002"])], now=NOW
        )
    with sessions() as session:
        (only,) = session.scalars(select(Shift).where(Shift.schedule_id == schedule_id))
        assert only.agent_id == agent_ids["1001"]


def test_publishing_needs_the_current_version_and_shifts(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    schedule_id = week(sessions)
    with pytest.raises(InputError, match="no shifts"):
        publish_schedule(sessions, schedule_id, expected_version=1, now=NOW)
    saved = save_schedule_shifts(
        sessions, schedule_id, expected_version=1, shifts=[shift(agent_ids["1001"])], now=NOW
    )
    with pytest.raises(ConflictError):
        publish_schedule(sessions, schedule_id, expected_version=1, now=NOW)
    published = publish_schedule(sessions, schedule_id, expected_version=saved.version, now=NOW)
    assert (published.status, published.version) == (ScheduleStatus.PUBLISHED, 3)
    with pytest.raises(InputError, match="already published"):
        publish_schedule(sessions, schedule_id, expected_version=3, now=NOW)


def _draft(sessions: SessionFactory, shifts: list[ShiftPlan]) -> ScheduleRef:
    return save_schedule_shifts(
        sessions, week(sessions), expected_version=1, shifts=shifts, now=NOW
    )


def _published(sessions: SessionFactory, shifts: list[ShiftPlan]) -> int:
    ref = _draft(sessions, shifts)
    return publish_schedule(sessions, ref.id, expected_version=ref.version, now=NOW).id


def test_a_schedule_that_gives_an_agent_two_shifts_at_once_is_not_published(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    anouk, bram = agent_ids["1001"], agent_ids["1002"]
    first = _published(sessions, [shift(anouk), shift(bram, MONDAY_8 + timedelta(days=1))])
    later_that_day = MONDAY_8 + timedelta(hours=6)  # 14:00-19:00 local; Anouk works 08:00-16:00
    second = _draft(sessions, [shift(bram, MONDAY_8), shift(anouk, later_that_day, hours=5)])
    with pytest.raises(OverlappingShiftsError) as refused:
        publish_schedule(sessions, second.id, expected_version=second.version, now=NOW)
    assert isinstance(refused.value, ConflictError)  # HTTP 409
    assert str(refused.value) == (
        f"schedule {second.id} cannot be published: agent {anouk} (Anouk de Vries) works "
        "2020-03-16T13:00:00+00:00 .. 2020-03-16T18:00:00+00:00 in it and "
        "2020-03-16T07:00:00+00:00 .. 2020-03-16T15:00:00+00:00 in published schedule "
        f"{first}; overlapping shifts in all: 1; publish it replacing what has not started, "
        "or move or remove them first"
    )
    with sessions() as session:
        draft = session.get(Schedule, second.id)
        assert draft is not None
        assert draft.status is ScheduleStatus.DRAFT


def test_shifts_that_only_touch_or_lie_in_a_draft_do_not_block_publishing(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    anouk = agent_ids["1001"]
    _published(sessions, [shift(anouk)])
    _draft(sessions, [shift(anouk, MONDAY_8 + timedelta(hours=8))])  # not published: no conflict
    evening = _published(sessions, [shift(anouk, MONDAY_8 + timedelta(hours=8), hours=5)])
    with sessions() as session:
        published = session.get(Schedule, evening)
        assert published is not None
        assert published.status is ScheduleStatus.PUBLISHED


def test_a_replan_replaces_what_has_not_started_and_keeps_the_rest(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    anouk, bram = agent_ids["1001"], agent_ids["1002"]
    tuesday, wednesday = MONDAY_8 + timedelta(days=1), MONDAY_8 + timedelta(days=2)
    first = _published(sessions, [shift(anouk), shift(anouk, tuesday), shift(bram, wednesday)])
    # Tuesday noon: Monday's and Tuesday's shifts have started; Wednesday's has not.
    noon = tuesday + timedelta(hours=4)
    replan = _draft(sessions, [shift(anouk, wednesday), shift(bram, wednesday, hours=6)])
    published = publish_schedule(
        sessions, replan.id, expected_version=replan.version, now=noon, replace_published=True
    )
    assert published.status is ScheduleStatus.PUBLISHED
    with sessions() as session:
        rows = session.execute(
            select(Shift.schedule_id, Shift.agent_id, Shift.starts_at)
            .join(Schedule)
            .where(Schedule.status == ScheduleStatus.PUBLISHED)
            .order_by(Shift.starts_at, Shift.agent_id)
        ).all()
        assert [(r.schedule_id, r.agent_id, r.starts_at) for r in rows] == [
            (first, anouk, MONDAY_8),
            (first, anouk, tuesday),
            (replan.id, anouk, wednesday),
            (replan.id, bram, wednesday),
        ]
        kept = session.scalars(
            select(Schedule).where(Schedule.name == f"week 12 (replaced by schedule {replan.id})")
        ).one()
        assert kept.status is ScheduleStatus.DRAFT
        assert [(s.agent_id, s.starts_at) for s in kept.shifts] == [(bram, wednesday)]


def test_without_replacing_a_replan_of_a_published_period_is_refused(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    anouk = agent_ids["1001"]
    _published(sessions, [shift(anouk)])
    replan = _draft(sessions, [shift(anouk, MONDAY_8 + timedelta(hours=1))])
    with pytest.raises(OverlappingShiftsError):
        publish_schedule(sessions, replan.id, expected_version=replan.version, now=NOW)
    # A shift that has started is never replaced: publishing over it is still refused.
    with pytest.raises(OverlappingShiftsError):
        publish_schedule(
            sessions,
            replan.id,
            expected_version=replan.version,
            now=MONDAY_8 + timedelta(minutes=30),
            replace_published=True,
        )


def test_activities_outside_the_shift_and_naive_times_are_refused(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    schedule_id = week(sessions)
    plan = shift(agent_ids["1001"])
    late = ActivityPlan(
        kind=ActivityKind.MEETING, starts_at=plan.ends_at, ends_at=plan.ends_at + timedelta(hours=1)
    )
    with pytest.raises(InputError, match="outside its shift"):
        save_schedule_shifts(
            sessions,
            schedule_id,
            expected_version=1,
            shifts=[
                ShiftPlan(
                    agent_id=plan.agent_id,
                    starts_at=plan.starts_at,
                    ends_at=plan.ends_at,
                    activities=(late,),
                )
            ],
            now=NOW,
        )
    naive = ShiftPlan(
        agent_id=plan.agent_id,
        starts_at=datetime(2020, 3, 16, 8),
        ends_at=datetime(2020, 3, 16, 16),
    )
    with pytest.raises(InputError, match="no time zone"):
        save_schedule_shifts(sessions, schedule_id, expected_version=1, shifts=[naive], now=NOW)


def test_two_planners_saving_at_the_same_moment_one_gets_a_conflict(
    committing_sessions: SessionFactory,
) -> None:
    # Both read version 1; the first commits; the second's write must fail, not overwrite.
    create_organisation(committing_sessions, "race", name="Race", now=NOW)
    schedule_id = week(committing_sessions)
    with (  # noqa: PT012 (the conflict surfaces when the outer transaction commits)
        pytest.raises(ConflictError, match="reload"),
        transaction(committing_sessions) as slow,
    ):
        slow_copy = slow.get(Schedule, schedule_id)
        assert slow_copy is not None
        assert slow_copy.version == 1
        with transaction(committing_sessions) as fast:
            fast_copy = fast.get(Schedule, schedule_id)
            assert fast_copy is not None
            fast_copy.name = "week 12 (Anouk's edit)"
        slow_copy.name = "week 12 (Bram's edit)"
    with committing_sessions() as session:
        final = session.get(Schedule, schedule_id)
        assert final is not None
        assert (final.name, final.version) == ("week 12 (Anouk's edit)", 2)
