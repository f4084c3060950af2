"""Migration 0004 gives survey answers random keys and rewrites them in an order of no meaning."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, text

from bezetting.store.migrate import current_revision, upgrade
from tests.store.test_migration_0002 import CREATED, _downgrade, empty_engine

__all__ = ["empty_engine"]

VALUES = [5, 1, 4, 2, 3, 5, 2]


def _answer_at_0003(engine: Engine) -> None:
    """Seven agents answered one survey, in agent order, with running answer numbers."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisations (id, code, name, timezone, created_at) "
                "VALUES (1, 'acme', 'Acme', 'Europe/Amsterdam', :at)"
            ),
            {"at": CREATED},
        )
        connection.execute(
            text(
                "INSERT INTO surveys (id, organisation_id, question, scale_max, opens_at, "
                "closes_at) VALUES (1, 1, 'How is it going?', 5, :at, :at)"
            ),
            {"at": CREATED},
        )
        for n, value in enumerate(VALUES, start=1):
            connection.execute(
                text(
                    "INSERT INTO agents (id, organisation_id, external_id, name, "
                    "employment_type, contract_hours_min, contract_hours_target, "
                    "contract_hours_max, can_work_home, can_work_office, "
                    "agency_hours_elsewhere, active) "
                    "VALUES (:n, 1, :ext, :name, 'permanent', 24, 32, 36, true, false, 0, true)"
                ),
                {"n": n, "ext": f"A{n}", "name": f"Agent {n}"},
            )
            connection.execute(
                text("INSERT INTO survey_participations (survey_id, agent_id) VALUES (1, :n)"),
                {"n": n},
            )
            connection.execute(
                text(
                    "INSERT INTO survey_answers (id, survey_id, answered_on, value) "
                    "VALUES (:n, 1, :day, :value)"
                ),
                {"n": n, "day": date(2026, 11, 2), "value": value},
            )


def test_existing_answers_are_kept_under_random_keys_and_participations_stay(
    empty_engine: Engine,
) -> None:
    upgrade(empty_engine, revision="0003")
    _answer_at_0003(empty_engine)
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        answers = connection.execute(text("SELECT id, value FROM survey_answers")).all()
        who = connection.execute(text("SELECT agent_id FROM survey_participations")).scalars()
        assert sorted(who) == list(range(1, len(VALUES) + 1))
    assert sorted(value for _, value in answers) == sorted(VALUES)
    keys = [key for key, _ in answers]
    assert len(set(keys)) == len(VALUES)
    assert all(len(key) == 32 and int(key, 16) >= 0 for key in keys)


def test_downgrading_gives_the_answers_numbers_again(empty_engine: Engine) -> None:
    upgrade(empty_engine, revision="0003")
    _answer_at_0003(empty_engine)
    upgrade(empty_engine)
    _downgrade(empty_engine, "0003")
    assert current_revision(empty_engine) == "0003"
    with empty_engine.connect() as connection:
        rows = connection.execute(text("SELECT id, value FROM survey_answers ORDER BY id")).all()
    assert [r.id for r in rows] == list(range(1, len(VALUES) + 1))
    assert sorted(r.value for r in rows) == sorted(VALUES)
