"""The demo's plan time: the schedule the planning page lists as published carries spring-2020
time, not the real time, and the same time on every run of the demo."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bezetting.demo import PLAN_FIRST_DAY, PLANNED_AT
from bezetting.demo.organisation import WEEKDAY_HOURS
from bezetting.services.demo_organisation import (
    find_demo_organisation,
    seed_demo_organisation,
)
from bezetting.store import create_engine_for_url, ensure_schema, make_session_factory
from bezetting.web.i18n import LOCAL_ZONE


def test_the_plan_time_is_the_first_morning_of_the_plan_period_before_opening() -> None:
    local = PLANNED_AT.astimezone(LOCAL_ZONE)
    assert local.date() == PLAN_FIRST_DAY
    assert local.time() < WEEKDAY_HOURS[0]


def test_the_demo_names_the_same_plan_time_when_seeded_and_when_found(tmp_path: Path) -> None:
    engine = create_engine_for_url(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        ensure_schema(engine)
        sessions = make_session_factory(engine)
        real_now = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)
        seeded = seed_demo_organisation(
            sessions, now=real_now, pseudonym_key=b"k" * 32, agents=10, weeks_of_history=1
        )
        found = find_demo_organisation(sessions)
    finally:
        engine.dispose()
    assert found is not None
    assert seeded.created
    assert seeded.planned_at == found.planned_at == PLANNED_AT
    assert seeded.history_last_day is not None
    assert seeded.history_last_day < PLANNED_AT.astimezone(LOCAL_ZONE).date()
