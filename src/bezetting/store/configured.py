"""The database the settings name, for one command or one job.

A CLI command and a job kind get no session from a caller (a job may run in a Celery worker on
another machine), so each builds its engine from :func:`~bezetting.config.load_settings` and
closes it when done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bezetting.config import load_settings
from bezetting.store.engine import SessionFactory, create_engine_for, make_session_factory
from bezetting.store.migrate import ensure_schema

__all__ = ["configured_sessions"]


@contextmanager
def configured_sessions() -> Iterator[SessionFactory]:
    """Sessions on the configured database, its schema brought up to date (SQLite) or checked
    (PostgreSQL); the engine is closed after."""
    engine = create_engine_for(load_settings())
    try:
        ensure_schema(engine)
        yield make_session_factory(engine)
    finally:
        engine.dispose()
