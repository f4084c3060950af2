"""Alembic, run from inside the package so that an installed wheel can migrate its database.

``bezetting db upgrade`` calls :func:`upgrade`. A SQLite database (one machine) is also brought
up to date on first start by :func:`ensure_schema`; PostgreSQL, shared by several processes, is
migrated only on purpose.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from bezetting.core.errors import InputError

__all__ = ["alembic_config", "current_revision", "ensure_schema", "head_revision", "upgrade"]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migrations, with no ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest migration's revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its migrations
        raise InputError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, *, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` in one transaction."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def ensure_schema(engine: Engine) -> None:
    """Make sure the schema is current before a command uses it.

    SQLite is migrated in place (created on first start); PostgreSQL must be migrated with
    ``bezetting db upgrade``.

    Raises:
        InputError: a PostgreSQL database is not at the newest migration.
    """
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    raise InputError(
        f"the database is at migration {current or 'none (empty)'}, this bezetting needs {head}: "
        "run `bezetting db upgrade` first"
    )
