"""``bezetting worker``: a Celery worker that runs bezetting jobs (needs BEZETTING_BROKER_URL)."""

from __future__ import annotations

import importlib
from enum import StrEnum
from typing import Annotated

import typer

from bezetting.cli._common import reports_errors
from bezetting.core.errors import InputError

__all__ = ["BROKER_ENV", "register", "require_broker_url"]

BROKER_ENV = "BEZETTING_BROKER_URL"


class Pool(StrEnum):
    """How a worker runs jobs side by side."""

    PREFORK = "prefork"
    THREADS = "threads"
    SOLO = "solo"


def require_broker_url(broker_url: str | None, *, what: str) -> str:
    """The broker URL, or an InputError that says how to set it."""
    if not broker_url:
        raise InputError(
            f"{what} needs a broker: set {BROKER_ENV}, e.g. "
            f"{BROKER_ENV}=redis://127.0.0.1:6379/0 (or pass --broker-url)"
        )
    return broker_url


def worker(
    broker_url: Annotated[
        str | None,
        typer.Option(
            "--broker-url",
            envvar=BROKER_ENV,
            show_envvar=True,
            help="Celery broker and job status store, e.g. redis://127.0.0.1:6379/0.",
        ),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, help="Jobs run at once (default: one per CPU core)."),
    ] = None,
    pool: Annotated[Pool, typer.Option(help="prefork (processes), threads, or solo.")] = (
        Pool.PREFORK
    ),
    queue: Annotated[str, typer.Option(help="The Celery queue to take jobs from.")] = "bezetting",
    import_module: Annotated[
        list[str] | None,
        typer.Option(
            "--import-module",
            help="A module to import first that registers more job kinds (repeatable).",
        ),
    ] = None,
    key_prefix: Annotated[
        str, typer.Option(help="Prefix of the job status keys in Redis.")
    ] = "bezetting:",
    loglevel: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING or ERROR.")] = "INFO",
    standalone: Annotated[
        bool,
        typer.Option(
            help="No gossip, mingle, heartbeats or remote control with other workers.",
        ),
    ] = False,
) -> None:
    """Run a Celery worker that executes bezetting jobs until stopped (Ctrl-C or SIGTERM).

    BEZETTING_BROKER_URL=redis://127.0.0.1:6379/0 bezetting worker --concurrency 2
    """
    with reports_errors():
        url = require_broker_url(broker_url, what="bezetting worker")
        for name in import_module or ():
            try:
                importlib.import_module(name)
            except ImportError as exc:
                raise InputError(f"--import-module {name!r} cannot be imported: {exc}") from None
        # Celery loads in a third of a second: only the commands that use it pay for that.
        from bezetting.jobs.celery_runner import CeleryRunner, start_worker
        from bezetting.jobs.redis_store import RedisJobStatusStore

        store = RedisJobStatusStore.from_url(url, key_prefix=key_prefix)
        store.check_connection()
        runner = CeleryRunner(url, store=store, queue=queue)
        start_worker(
            runner,
            concurrency=concurrency,
            pool=pool.value,
            loglevel=loglevel.upper(),
            standalone=standalone,
        )


def register(app: typer.Typer) -> None:
    """Add ``worker`` to the command line."""
    app.command(name="worker")(worker)
