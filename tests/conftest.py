"""Database fixtures: every store and service test runs on SQLite and on PostgreSQL.

``engine`` is parametrised over both. SQLite is a fresh file per test session; PostgreSQL is a
fresh schema in the database at ``BEZETTING_TEST_POSTGRES_URL`` (default: the local server's
``test`` database), dropped at the end. Both are migrated with the packaged Alembic migrations,
so the tests run against the schema users get. When PostgreSQL cannot be reached its tests are
skipped with the reason (``.ci/run`` says so loudly).

``sessions`` rolls back after each test: the test's session factory is bound to one connection
inside an outer transaction, and every ``session.begin()`` of a service becomes a SAVEPOINT.
``committing_sessions`` really commits (for tests of concurrent writers) and empties every
table afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker

from bezetting.store.engine import SessionFactory, create_engine_for_url, make_session_factory
from bezetting.store.migrate import upgrade
from bezetting.store.models import Base

DEFAULT_TEST_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgresql"]


def postgres_url() -> str:
    return os.environ.get("BEZETTING_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES_URL)


def _postgres_unreachable_reason() -> str | None:
    probe = create_engine_for_url(postgres_url())
    try:
        with probe.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL not reachable at {postgres_url()} ({first})"
    finally:
        probe.dispose()
    return None


def _with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated database engine: SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "bezetting.db"
        sqlite_engine = create_engine_for_url(f"sqlite:///{path}")
        upgrade(sqlite_engine)
        yield sqlite_engine
        sqlite_engine.dispose()
        return
    reason = _postgres_unreachable_reason()
    if reason is not None:
        pytest.skip(reason)
    schema = f"bezetting_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine_for_url(postgres_url())
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    pg_engine = create_engine_for_url(_with_search_path(postgres_url(), schema))
    try:
        upgrade(pg_engine)
        yield pg_engine
    finally:
        pg_engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sessions(engine: Engine) -> Iterator[SessionFactory]:
    """Sessions whose every commit is undone after the test (savepoints in one transaction)."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield factory
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def committing_sessions(engine: Engine) -> Iterator[SessionFactory]:
    """Sessions that really commit, each on its own connection; every table emptied afterwards."""
    yield make_session_factory(engine)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _no_terminal_width_from_the_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-xdist's workers set ``COLUMNS=80``; the CLI honours ``COLUMNS`` (a user's own
    setting), so its tables would wrap in a worker and not in a single process. Tests see
    what a piped log sees."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
