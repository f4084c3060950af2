"""The ``bezetting`` command line: thin commands that parse, call the core or a service, render.

Each command lives in its own module and registers itself on :data:`app`.
"""

from __future__ import annotations

import typer

from bezetting import __version__
from bezetting.cli import (
    db,
    demo,
    forecast,
    imports,
    jobs,
    plan,
    schedule,
    serve,
    simulate,
    staff,
    users,
    worker,
)

app = typer.Typer(
    name="bezetting",
    help="Open-source workforce management: forecast, staff, schedule, run the day.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Show the version and exit."),
) -> None:
    """Open-source workforce management: forecast, staff, schedule, run the day."""
    if version:
        typer.echo(f"bezetting {__version__}")
        raise typer.Exit()


# Each command module registers itself; keep one line per module, sorted.
for _module in (
    db,
    demo,
    forecast,
    imports,
    jobs,
    plan,
    schedule,
    serve,
    simulate,
    staff,
    users,
    worker,
):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
