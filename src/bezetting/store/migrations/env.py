"""Alembic's entry: migrate the connection that :mod:`bezetting.store.migrate` hands over."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from bezetting.store.models import Base
from bezetting.store.types import UTCDateTime

target_metadata = Base.metadata


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations must not import application types: UTCDateTime is DateTime(timezone=True)
    # on the wire (the UTC conversion happens in Python).
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )


def run_migrations_online() -> None:
    """Migrate the connection in ``config.attributes["connection"]``."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "bezetting's migrations run through bezetting.store.migrate (bezetting db upgrade)"
        )
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
