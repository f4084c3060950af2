"""Migration 0009 gives agents an end date (their last day employed); agents already stored
have none, and going back removes the column while keeping the agents and what points at them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, inspect, text

from bezetting.store.engine import make_session_factory
from bezetting.store.migrate import current_revision, upgrade
from bezetting.store.models import Agent
from tests.store.test_migration_0002 import CREATED, _downgrade, empty_engine
from tests.store.test_migration_0006 import _organisation_at_0005

__all__ = ["empty_engine"]


def _agent_with_availability_at_0008(engine: Engine) -> None:
    _organisation_at_0005(engine)  # its columns did not change since 0005
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO agents (id, organisation_id, external_id, name, employment_type, "
                "contract_hours_min, contract_hours_target, contract_hours_max, can_work_home, "
                "can_work_office, start_date, agency_hours_elsewhere, active) VALUES (1, 1, "
                "'A001', 'Anna', 'permanent', 24, 32, 36, true, true, :start, 0, true)"
            ),
            {"start": date(2020, 1, 6)},
        )
        connection.execute(
            text(
                "INSERT INTO availability (id, agent_id, starts_at, ends_at, kind, "
                "declared_by_agent) VALUES (1, 1, :at, :until, 'unavailable', false)"
            ),
            {"at": CREATED, "until": CREATED.replace(hour=17)},
        )


def _agent_columns(engine: Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("agents")}


def test_an_agent_stored_before_has_no_end_date_and_can_be_given_one(
    empty_engine: Engine,
) -> None:
    upgrade(empty_engine, revision="0008")
    _agent_with_availability_at_0008(empty_engine)
    upgrade(empty_engine)
    sessions = make_session_factory(empty_engine)
    with sessions() as session, session.begin():
        anna = session.get(Agent, 1)
        assert anna is not None
        assert (anna.start_date, anna.end_date) == (date(2020, 1, 6), None)
        anna.end_date = date(2020, 3, 18)
    with sessions() as session:
        stored = session.get(Agent, 1)
        assert stored is not None
        assert stored.end_date == date(2020, 3, 18)


def test_downgrading_removes_the_column_and_keeps_the_agents(empty_engine: Engine) -> None:
    upgrade(empty_engine, revision="0008")
    _agent_with_availability_at_0008(empty_engine)
    upgrade(empty_engine)
    assert "end_date" in _agent_columns(empty_engine)
    _downgrade(empty_engine, "0008")
    assert current_revision(empty_engine) == "0008"
    assert "end_date" not in _agent_columns(empty_engine)
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM agents")).scalar_one() == "Anna"
        assert connection.execute(text("SELECT agent_id FROM availability")).scalar_one() == 1
