"""The database a job kind works on: the one the settings name, as for the API and the CLI.

A kind gets JSON params and no session (it may run in a Celery worker on another machine), so
it builds its own engine from :func:`~bezetting.config.load_settings` and closes it after.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bezetting.config import load_settings
from bezetting.store import SessionFactory, create_engine_for, ensure_schema, make_session_factory

__all__ = ["configured_sessions"]


@contextmanager
def configured_sessions() -> Iterator[SessionFactory]:
    """Sessions on the configured database (SQLite migrated on first use), closed after."""
    engine = create_engine_for(load_settings())
    try:
        ensure_schema(engine)
        yield make_session_factory(engine)
    finally:
        engine.dispose()
