"""``bezetting serve``: run the JSON API and the web pages with uvicorn.

Every process is stateless apart from its login rate limiter and (without a broker) its
in-process jobs: sessions and tokens live in the database, so several ``serve`` processes (or
``--workers``) can share one PostgreSQL behind a proxy. Set ``BEZETTING_BROKER_URL`` so that
jobs run on Celery and every process sees every job's status.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bezetting.cli._common import console_for, reports_errors
from bezetting.cli.demo import print_demo_logins
from bezetting.config import Environment, load_settings
from bezetting.services.demo_organisation import find_demo_organisation
from bezetting.store import create_engine_for, display_url, ensure_schema, make_session_factory

__all__ = ["APP_FACTORY", "register"]

APP_FACTORY = "bezetting.web:create_site"
"""What uvicorn imports and calls in each process (settings come from ``BEZETTING_*``)."""


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes to run (each builds its own app).")
    ] = 1,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Serve the pages (at /) and the API (OpenAPI document and docs under /api/v1)."""
    import uvicorn  # only this command needs the server

    with reports_errors():
        settings = load_settings()
        engine = create_engine_for(settings)
        try:
            ensure_schema(engine)  # SQLite: migrate; PostgreSQL: refuse an old schema
            # The demo's shared password is shown only in development mode.
            demo = (
                find_demo_organisation(make_session_factory(engine))
                if settings.env is Environment.DEV
                else None
            )
        finally:
            engine.dispose()
        console = console_for(stderr=True)
        address = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
        console.print(
            f"bezetting on [bold]{address}/[/] (API docs {address}/api/v1/docs; "
            f"{display_url(settings.resolved_database_url)}, {workers} process(es))",
            highlight=False,
        )
        if demo is not None:
            print_demo_logins(console, demo)
        if settings.demo_clock_start is not None:
            console.print(
                f"Demo clock: the server's now starts at "
                f"{settings.demo_clock_start:%a %d %b %Y %H:%M %z} and runs on in real time "
                "(BEZETTING_DEMO_CLOCK_START).",
                highlight=False,
            )
    # By import path: each worker process builds its own app from the same environment (and
    # the CLI layer stays independent of the API and web layers, as the import contract wants).
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level.lower(),
    )


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the command line."""
    app.command(name="serve")(serve)
