"""Migration 0006 adds an organisation's planning settings; organisations already there plan by
every default (no row), and going back removes the table."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from bezetting.store.engine import make_session_factory
from bezetting.store.migrate import current_revision, upgrade
from bezetting.store.models import PlanningSettings
from tests.store.test_migration_0002 import CREATED, _downgrade, empty_engine

__all__ = ["empty_engine"]


def _organisation_at_0005(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisations (id, code, name, timezone, created_at) "
                "VALUES (1, 'acme', 'Acme', 'Europe/Amsterdam', :at)"
            ),
            {"at": CREATED},
        )


def test_an_existing_organisation_has_no_settings_and_can_store_them(
    empty_engine: Engine,
) -> None:
    upgrade(empty_engine, revision="0005")
    _organisation_at_0005(empty_engine)
    upgrade(empty_engine)
    sessions = make_session_factory(empty_engine)
    with sessions() as session, session.begin():
        assert session.get(PlanningSettings, 1) is None
        session.add(
            PlanningSettings(
                organisation_id=1,
                rules={"name": "CAO", "min_daily_rest_minutes": 600},
                breaks={},
                weights={"wish_not_met": 60.0},
                updated_at=CREATED,
            )
        )
    with sessions() as session:
        row = session.get(PlanningSettings, 1)
        assert row is not None
        assert row.rules == {"name": "CAO", "min_daily_rest_minutes": 600}
        assert (row.breaks, row.weights, row.updated_by_user_id) == (
            {},
            {"wish_not_met": 60.0},
            None,
        )


def test_downgrading_removes_the_settings_table(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert "planning_settings" in inspect(empty_engine).get_table_names()
    _downgrade(empty_engine, "0005")
    assert current_revision(empty_engine) == "0005"
    assert "planning_settings" not in inspect(empty_engine).get_table_names()
