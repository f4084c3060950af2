"""The drafts the services keep for the planner: "(given back)" and "(replaced by schedule N)".

Both record the planning settings their shifts were built with (the schedule they came from),
so the schedule list shows those rules rather than "not recorded"; a draft of replaced shifts is
kept to look back at and refuses to be published, as that would bring the replaced shifts back.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bezetting.core.errors import ConflictError
from bezetting.services.schedules import (
    ReplacedScheduleError,
    ScheduleRef,
    ShiftPlan,
    create_schedule,
    publish_schedule,
)
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import ScheduleStatus
from bezetting.store.models import Schedule
from tests.services.conftest import NOW
from tests.services.test_publish_time_off import _day_off
from tests.services.test_schedules import MONDAY_8, shift
from tests.services.test_swaps import WEEK, at, build, legal_shift

BUILT_WITH = {"rules": {"name": "CAO Klantcontact", "min_daily_rest_minutes": 720}}


def _built(sessions: SessionFactory, name: str, shifts: list[ShiftPlan]) -> ScheduleRef:
    """A draft as the optimiser stores it: with the settings it went by."""
    return create_schedule(
        sessions,
        name=name,
        period_start=date(2020, 3, 16),
        period_end=date(2020, 3, 22),
        now=NOW,
        shifts=shifts,
        built_with=BUILT_WITH,
    )


def _by_name(sessions: SessionFactory, name: str) -> Schedule:
    with transaction(sessions) as session:
        found = session.scalars(select(Schedule).where(Schedule.name == name)).one()
        session.expunge(found)
        return found


def _replace_week(sessions: SessionFactory, agent_ids: dict[str, int]) -> tuple[int, Schedule]:
    """Week 12 published, then replaced by a re-plan: the re-plan's id and the kept draft."""
    anouk = agent_ids["1001"]
    first = _built(sessions, "week 12", [shift(anouk, MONDAY_8 + timedelta(days=2))])
    publish_schedule(sessions, first.id, expected_version=first.version, now=NOW)
    replan = _built(sessions, "re-plan", [shift(anouk, MONDAY_8 + timedelta(days=3))])
    publish_schedule(
        sessions, replan.id, expected_version=replan.version, now=NOW, replace_published=True
    )
    return replan.id, _by_name(sessions, f"week 12 (replaced by schedule {replan.id})")


def test_the_draft_of_replaced_shifts_records_the_settings_they_were_built_with(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    _, kept = _replace_week(sessions, agent_ids)
    assert kept.status is ScheduleStatus.DRAFT
    assert kept.built_with == BUILT_WITH


def test_the_draft_of_replaced_shifts_is_not_published_and_nothing_changes(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    replan, kept = _replace_week(sessions, agent_ids)
    for replace in (False, True):
        with pytest.raises(ReplacedScheduleError) as refused:
            publish_schedule(
                sessions,
                kept.id,
                expected_version=kept.version,
                now=NOW,
                replace_published=replace,
            )
        assert isinstance(refused.value, ConflictError)  # HTTP 409
        assert str(refused.value) == (
            f"schedule {kept.id} is not published: it keeps the shifts that schedule {replan} "
            "replaced, and publishing it would bring them back; build a new draft instead"
        )
    again = _by_name(sessions, kept.name)
    assert (again.status, again.version) == (ScheduleStatus.DRAFT, kept.version)
    assert _by_name(sessions, "re-plan").status is ScheduleStatus.PUBLISHED


def test_a_long_name_keeps_the_whole_replaced_suffix(
    sessions: SessionFactory, agent_ids: dict[str, int]
) -> None:
    anouk = agent_ids["1001"]
    first = _built(sessions, "w" * 200, [shift(anouk, MONDAY_8 + timedelta(days=2))])
    publish_schedule(sessions, first.id, expected_version=first.version, now=NOW)
    replan = _built(sessions, "re-plan", [shift(anouk, MONDAY_8 + timedelta(days=3))])
    publish_schedule(
        sessions, replan.id, expected_version=replan.version, now=NOW, replace_published=True
    )
    with transaction(sessions) as session:
        kept = session.scalars(select(Schedule).where(Schedule.status == "draft")).one()
        assert len(kept.name) == 200
        assert kept.name.endswith(f" (replaced by schedule {replan.id})")
        version = kept.version
        kept_id = kept.id
    with pytest.raises(ReplacedScheduleError):
        publish_schedule(sessions, kept_id, expected_version=version, now=NOW)


def test_the_given_back_draft_records_the_settings_its_schedule_was_built_with(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1003", 5): at(5, 9)})
    _day_off(world, "1001", 2, approve=True)
    draft = create_schedule(
        sessions,
        name="extra",
        period_start=WEEK,
        period_end=WEEK,
        now=NOW,
        organisation="gemeente",
        shifts=[
            legal_shift(world.agents["1001"], at(2, 9)),
            legal_shift(world.agents["1002"], at(3, 9)),
        ],
        built_with=BUILT_WITH,
    )
    publish_schedule(sessions, draft.id, expected_version=draft.version, now=NOW)
    assert _by_name(sessions, "extra (given back)").built_with == BUILT_WITH


def test_approving_time_off_gives_back_into_a_draft_with_the_schedules_settings(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 2): at(2, 9)})
    with transaction(sessions, writes=True) as session:
        (published,) = session.scalars(select(Schedule)).all()
        published.built_with = dict(BUILT_WITH)
        name = published.name
    _day_off(world, "1001", 2, approve=True)
    assert _by_name(sessions, f"{name} (given back)").built_with == BUILT_WITH
