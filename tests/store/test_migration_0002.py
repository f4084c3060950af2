"""Migration 0002 moves each token's scope out of its name, and gives jobs an owner column."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from bezetting.store.engine import create_engine_for_url
from bezetting.store.migrate import alembic_config, current_revision, upgrade
from tests.conftest import BACKENDS, _postgres_unreachable_reason, _with_search_path, postgres_url

CREATED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def empty_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """An engine on an empty database (SQLite file or fresh PostgreSQL schema), not migrated."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db0002") / "bezetting.db"
        sqlite_engine = create_engine_for_url(f"sqlite:///{path}")
        yield sqlite_engine
        sqlite_engine.dispose()
        return
    reason = _postgres_unreachable_reason()
    if reason is not None:
        pytest.skip(reason)
    schema = f"bezetting_mig_{uuid.uuid4().hex[:12]}"
    admin = create_engine_for_url(postgres_url())
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    pg_engine = create_engine_for_url(_with_search_path(postgres_url(), schema))
    try:
        yield pg_engine
    finally:
        pg_engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _add_tokens_at_0001(engine: Engine, names: list[str]) -> None:
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
                "INSERT INTO users (id, organisation_id, email, password_hash, role, active, "
                "created_at) VALUES (1, 1, 'a@example.nl', 'x', 'admin', true, :at)"
            ),
            {"at": CREATED},
        )
        for i, name in enumerate(names, start=1):
            connection.execute(
                text(
                    "INSERT INTO api_tokens (id, user_id, name, token_sha256, created_at) "
                    "VALUES (:id, 1, :name, :sha, :at)"
                ),
                {"id": i, "name": name, "sha": f"{i:064d}", "at": CREATED},
            )


def test_existing_tokens_get_their_scope_from_the_first_word_of_their_name(
    empty_engine: Engine,
) -> None:
    upgrade(empty_engine, revision="0001")
    _add_tokens_at_0001(
        empty_engine, ["session:login", "api:nightly export", "integration:genesys: events"]
    )
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        rows = connection.execute(
            text("SELECT scope, name, revoked_at FROM api_tokens ORDER BY id")
        ).all()
    assert [(r.scope, r.name, r.revoked_at) for r in rows] == [
        ("session", "login", None),
        ("api", "nightly export", None),
        ("integration", "genesys: events", None),
    ]


def test_a_token_without_a_known_scope_stays_refused_as_a_revoked_api_token(
    empty_engine: Engine,
) -> None:
    upgrade(empty_engine, revision="0001")
    _add_tokens_at_0001(empty_engine, ["legacy token"])
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        row = connection.execute(text("SELECT scope, name, revoked_at FROM api_tokens")).one()
    assert (row.scope, row.name) == ("api", "legacy token")
    assert row.revoked_at is not None


def test_the_scope_column_refuses_an_unknown_scope(empty_engine: Engine) -> None:
    upgrade(empty_engine, revision="0001")
    _add_tokens_at_0001(empty_engine, [])
    upgrade(empty_engine)
    with pytest.raises(IntegrityError, match=r"(?i)check"), empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO api_tokens (user_id, scope, name, token_sha256, created_at) "
                "VALUES (1, 'root', 'x', :sha, :at)"
            ),
            {"sha": "f" * 64, "at": CREATED},
        )


def test_downgrading_puts_the_scope_back_into_the_name(empty_engine: Engine) -> None:
    upgrade(empty_engine, revision="0001")
    _add_tokens_at_0001(empty_engine, ["api:nightly export"])
    upgrade(empty_engine)
    _downgrade(empty_engine, "0001")
    assert current_revision(empty_engine) == "0001"
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM api_tokens")).scalar_one() == (
            "api:nightly export"
        )
        columns = connection.execute(text("SELECT * FROM jobs")).keys()
    assert "organisation_id" not in columns


def _downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
