"""The packaged migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, Integer, MetaData, inspect

from bezetting.store.migrate import current_revision, head_revision
from bezetting.store.models import Base


def test_the_migrated_schema_equals_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_database_is_at_the_newest_migration(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()


def test_every_model_table_exists(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_the_comparison_notices_a_column_the_migrations_lack(engine: Engine) -> None:
    # Guards the test above: a model change without a migration must show up as a difference.
    changed = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["teams"].append_column(Column("headcount", Integer, nullable=True))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, changed)
    assert [(d[0], d[3].name) for d in differences] == [("add_column", "headcount")]
