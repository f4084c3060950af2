"""The data layer: the only package that imports SQLAlchemy.

Tables live in :mod:`bezetting.store.models`, reads and bulk writes that never commit in
:mod:`bezetting.store.queries`; this module gathers what entry points and services need::

    settings = load_settings()
    engine = create_engine_for(settings)          # SQLite file by default, PostgreSQL by URL
    ensure_schema(engine)                         # SQLite: migrate on first start
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:        # one use case, one transaction
        ...
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bezetting.store.configured import configured_sessions
from bezetting.store.engine import (
    SessionFactory,
    create_engine_for,
    create_engine_for_url,
    display_url,
    make_session_factory,
)
from bezetting.store.migrate import current_revision, ensure_schema, head_revision, upgrade
from bezetting.store.transaction import transaction

__all__ = [
    "Session",
    "SessionFactory",
    "configured_sessions",
    "create_engine_for",
    "create_engine_for_url",
    "current_revision",
    "display_url",
    "ensure_schema",
    "head_revision",
    "make_session_factory",
    "transaction",
    "upgrade",
]
