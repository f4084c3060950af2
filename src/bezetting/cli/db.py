"""``bezetting db``: migrate the database (``upgrade``) and show where it stands (``current``)."""

from __future__ import annotations

from typing import Annotated

import typer

from bezetting.cli._common import reports_errors
from bezetting.config import load_settings
from bezetting.store import (
    create_engine_for,
    current_revision,
    display_url,
    head_revision,
    upgrade,
)

__all__ = ["register"]

db_app = typer.Typer(
    name="db", help="The database: migrate it, show its migration.", no_args_is_help=True
)


@db_app.command("upgrade")
def upgrade_command(
    revision: Annotated[str, typer.Option(help="Migrate up to this revision.")] = "head",
) -> None:
    """Create or migrate the database at BEZETTING_DATABASE_URL (SQLite file by default)."""
    with reports_errors():
        settings = load_settings()
        engine = create_engine_for(settings)
        try:
            before = current_revision(engine)
            upgrade(engine, revision=revision)
            after = current_revision(engine)
        finally:
            engine.dispose()
        url = display_url(settings.resolved_database_url)
        if before == after:
            typer.echo(f"{url}: already at migration {after}")
        else:
            typer.echo(f"{url}: migrated from {before or 'empty'} to {after}")


@db_app.command("current")
def current_command() -> None:
    """Show the database's migration and the newest this bezetting knows."""
    with reports_errors():
        settings = load_settings()
        engine = create_engine_for(settings)
        try:
            current = current_revision(engine)
        finally:
            engine.dispose()
        head = head_revision()
        state = "up to date" if current == head else "run `bezetting db upgrade`"
        url = display_url(settings.resolved_database_url)
        typer.echo(f"{url}: at {current or 'empty'}, newest {head} ({state})")


def register(app: typer.Typer) -> None:
    """Add ``db`` to the command line."""
    app.add_typer(db_app)
