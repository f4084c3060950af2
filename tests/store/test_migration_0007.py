"""Migration 0007 lets a schedule record the planning settings it was built by; schedules
already stored record nothing, and going back removes the column."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, inspect, text

from bezetting.store.engine import make_session_factory
from bezetting.store.migrate import current_revision, upgrade
from bezetting.store.models import Schedule
from tests.store.test_migration_0002 import CREATED, _downgrade, empty_engine
from tests.store.test_migration_0006 import _organisation_at_0005

__all__ = ["empty_engine"]


def _schedule_at_0006(engine: Engine) -> None:
    _organisation_at_0005(engine)  # its columns did not change in 0006
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO schedules (id, organisation_id, name, period_start, period_end, "
                "status, version, created_at, updated_at) "
                "VALUES (1, 1, 'March', :first, :last, 'draft', 1, :at, :at)"
            ),
            {"first": date(2020, 3, 16), "last": date(2020, 3, 22), "at": CREATED},
        )


def test_a_schedule_stored_before_records_no_settings_and_a_new_one_can(
    empty_engine: Engine,
) -> None:
    upgrade(empty_engine, revision="0006")
    _schedule_at_0006(empty_engine)
    upgrade(empty_engine)
    sessions = make_session_factory(empty_engine)
    with sessions() as session, session.begin():
        old = session.get(Schedule, 1)
        assert old is not None
        assert old.built_with is None
        old.built_with = {"rules": {"name": "CAO"}, "breaks": {}, "weights": {}}
    with sessions() as session:
        stored = session.get(Schedule, 1)
        assert stored is not None
        assert stored.built_with == {"rules": {"name": "CAO"}, "breaks": {}, "weights": {}}


def test_downgrading_removes_the_column(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert "built_with" in {c["name"] for c in inspect(empty_engine).get_columns("schedules")}
    _downgrade(empty_engine, "0006")
    assert current_revision(empty_engine) == "0006"
    assert "built_with" not in {c["name"] for c in inspect(empty_engine).get_columns("schedules")}
