"""Engines and sessions: built by entry points from settings, never at import time.

SQLite (the default, one machine) gets write-ahead logging so readers never block the writer,
foreign keys switched on, and a busy timeout so a second process waits for a lock instead of
failing at once; a transaction opened for writing takes the lock at its start (see
``BEGIN_FOR_WRITING``). Python's sqlite3 module opens transactions late and cannot nest
them; the two event hooks below hand transaction control to SQLAlchemy, so ``BEGIN`` and
``SAVEPOINT`` work as on PostgreSQL (the recipe in SQLAlchemy's SQLite dialect documentation).

PostgreSQL (several processes, several machines) is reached through psycopg 3: a plain
``postgresql://`` URL is read as ``postgresql+psycopg://``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bezetting.config import Settings
from bezetting.core.errors import InputError

__all__ = [
    "BEGIN_FOR_WRITING",
    "SQLITE_BUSY_TIMEOUT_SECONDS",
    "SessionFactory",
    "create_engine_for",
    "create_engine_for_url",
    "display_url",
    "make_session_factory",
]

SQLITE_BUSY_TIMEOUT_SECONDS = 15.0

BEGIN_FOR_WRITING = "bezetting_begin_for_writing"
"""Execution option: on SQLite, begin with the write lock taken (``BEGIN IMMEDIATE``)."""

SessionFactory = sessionmaker[Session]
"""What services take: a factory of sessions, so each use case opens its own transaction."""


def create_engine_for(settings: Settings) -> Engine:
    """The engine for ``settings.resolved_database_url`` (SQLite file by default)."""
    return create_engine_for_url(settings.resolved_database_url)


def create_engine_for_url(url: str, *, echo: bool = False) -> Engine:
    """An engine for a SQLite or PostgreSQL URL, set up as described in the module docstring.

    Raises:
        InputError: the URL is malformed or names another database.
    """
    try:
        parsed = make_url(url)
    except Exception as exc:  # SQLAlchemy raises ArgumentError with the reason
        raise InputError(f"database URL {url!r} is not valid: {exc}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        )
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, echo=echo, pool_pre_ping=True)
    raise InputError(
        f"database URL {parsed.render_as_string(hide_password=True)!r}: bezetting runs on "
        "SQLite (sqlite:///path/to/file.db) or PostgreSQL (postgresql+psycopg://user@host/db)"
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (below): pysqlite's own handling breaks SAVEPOINT.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A transaction that will write takes the lock now, so a concurrent writer makes it
        # wait (busy timeout) rather than fail on a stale snapshot at its first write.
        writing = connection.get_execution_options().get(BEGIN_FOR_WRITING, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def make_session_factory(engine: Engine) -> SessionFactory:
    """Sessions whose objects stay readable after commit (results outlive the transaction)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def display_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparsable database URL>"
