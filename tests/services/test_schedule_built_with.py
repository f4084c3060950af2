"""A built schedule says which planning settings it went by, also after they change; a
schedule made by hand records none; when the stored settings no longer parse, the list says it
does not know rather than fail."""

from __future__ import annotations

import pytest

from bezetting.services.overview import schedule_summaries
from bezetting.services.planning import (
    build_schedule,
    compute_requirements,
    run_forecast,
    schedule_settings,
)
from bezetting.services.planning_settings import (
    PLANNING_BREAKS,
    PlanningSections,
    same_in_effect,
    set_planning_settings,
)
from bezetting.services.schedules import create_schedule
from bezetting.services.users import Principal
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import Role, TokenScope
from bezetting.store.models import Organisation
from tests.services.planning_world import (
    FIRST_DAY,
    NOW,
    RENAMED_RULE,
    build_world,
    store_settings_unchecked,
)

CAO = {"rules": {"name": "CAO Klantcontact", "min_daily_rest_minutes": 720}}


@pytest.fixture
def org_id(sessions: SessionFactory) -> int:
    """The planning organisation with a week of requirements."""
    org_id, queue_id = build_world(sessions)
    forecast = run_forecast(sessions, queue_id=queue_id, first_day=FIRST_DAY, days=7, now=NOW)
    compute_requirements(sessions, forecast_id=forecast.id, now=NOW)
    return org_id


def _planner(sessions: SessionFactory, org_id: int) -> Principal:
    with transaction(sessions) as session:
        code = session.get(Organisation, org_id).code  # type: ignore[union-attr]
    return Principal(
        user_id=1,
        organisation_id=org_id,
        organisation_code=code,
        email="planner@example.nl",
        role=Role.PLANNER,
        scope=TokenScope.SESSION,
        token_id=1,
    )


def _build(sessions: SessionFactory, org_id: int) -> int:
    return build_schedule(
        sessions, organisation_id=org_id, first_day=FIRST_DAY, weeks=1, time_limit_seconds=5,
        now=NOW,
    ).schedule_id  # fmt: skip


def test_a_built_schedule_records_the_settings_it_went_by_and_notices_when_they_change(
    sessions: SessionFactory, org_id: int
) -> None:
    set_planning_settings(sessions, organisation_id=org_id, settings=CAO, now=NOW)
    schedule_id = _build(sessions, org_id)
    recorded = schedule_settings(sessions, schedule_id=schedule_id)
    assert recorded.built_with is not None
    assert recorded.built_with.rules == CAO["rules"]
    assert recorded.built_with.breaks == dict(PLANNING_BREAKS)  # the default, written out
    assert not recorded.changed_since
    (summary,) = schedule_summaries(sessions, _planner(sessions, org_id))
    assert (summary.built_with, summary.built_as_now) == (recorded.built_with, True)

    set_planning_settings(sessions, organisation_id=org_id, settings={}, now=NOW)  # the law
    later = schedule_settings(sessions, schedule_id=schedule_id)
    assert later.built_with == recorded.built_with  # the draft still says what it went by
    assert later.in_force.rules == {}
    assert later.changed_since
    (summary,) = schedule_summaries(sessions, _planner(sessions, org_id))
    assert summary.built_as_now is False


def test_the_schedule_list_does_not_know_whether_a_schedule_holds_when_the_settings_are_unreadable(
    sessions: SessionFactory, org_id: int
) -> None:
    set_planning_settings(sessions, organisation_id=org_id, settings=CAO, now=NOW)
    schedule_id = _build(sessions, org_id)
    store_settings_unchecked(sessions, org_id, RENAMED_RULE)
    (summary,) = schedule_summaries(sessions, _planner(sessions, org_id))
    assert summary.id == schedule_id
    assert summary.built_with is not None
    assert summary.built_with.rules == CAO["rules"]  # what it went by is still known
    assert summary.built_as_now is None  # not True, not False: not known


def test_rules_given_with_the_call_are_what_the_schedule_records(
    sessions: SessionFactory, org_id: int
) -> None:
    built = build_schedule(
        sessions, organisation_id=org_id, first_day=FIRST_DAY, weeks=1, time_limit_seconds=5,
        now=NOW, rules={"max_work_minutes_per_week": 3000},
    )  # fmt: skip
    recorded = schedule_settings(sessions, schedule_id=built.schedule_id)
    assert recorded.built_with is not None
    assert recorded.built_with.rules == {"max_work_minutes_per_week": 3000}
    assert recorded.changed_since  # nothing stored: the call's rule is not in force


def test_a_schedule_made_by_hand_records_no_settings(sessions: SessionFactory, org_id: int) -> None:
    with transaction(sessions) as session:
        code = session.get(Organisation, org_id).code  # type: ignore[union-attr]
    ref = create_schedule(
        sessions, name="by hand", period_start=FIRST_DAY, period_end=FIRST_DAY, now=NOW,
        organisation=code,
    )  # fmt: skip
    recorded = schedule_settings(sessions, schedule_id=ref.id)
    assert recorded.built_with is None
    assert not recorded.changed_since
    (summary,) = schedule_summaries(sessions, _planner(sessions, org_id))
    assert (summary.built_with, summary.built_as_now) == (None, None)


def _sections(
    rules: dict[str, object], weights: dict[str, object] | None = None
) -> PlanningSections:
    return PlanningSections(rules=rules, breaks=dict(PLANNING_BREAKS), weights=weights or {})


def test_settings_that_plan_and_check_alike_count_as_the_same() -> None:
    law = _sections({})
    assert same_in_effect(law, _sections({"min_daily_rest_minutes": 660}))  # the law's value
    assert same_in_effect(law, _sections({}, {"wish_not_met": 30}))  # the default weight
    renamed = _sections({"name": "CAO 2027", "min_daily_rest_minutes": 720})
    assert same_in_effect(_sections({"name": "CAO 2026", "min_daily_rest_minutes": 720}), renamed)
    assert not same_in_effect(law, renamed)
    assert not same_in_effect(
        law, PlanningSections(rules={}, breaks={"part_minutes": 15}, weights={})
    )
    # A rule a later release no longer knows: not the same as anything in force.
    assert not same_in_effect(_sections({"min_daily_rest_hours": 11}), law)
