"""``bezetting jobs``: submit a job and follow its progress; status, cancel, list, kinds.

Without BEZETTING_BROKER_URL, ``submit`` runs the job inside the command (in-process runner) and
waits for it. With it, jobs go to Celery workers (``bezetting worker``) and their statuses live
in Redis, so ``status``, ``cancel`` and ``list`` work from any shell that reaches it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from bezetting.cli._common import (
    console_for,
    err_console,
    parse_duration_seconds,
    progress_enabled,
    reports_errors,
)
from bezetting.cli.worker import BROKER_ENV, require_broker_url
from bezetting.core.errors import BezettingError, InputError
from bezetting.interchange import write_text_atomically
from bezetting.jobs import (
    JSON,
    InProcessRunner,
    JobRunner,
    JobState,
    JobStatus,
    check_json_object,
    registry,
)

__all__ = ["register"]

jobs_app = typer.Typer(
    help="Background jobs (staffing, and forecast, schedule, simulate as they land).",
    no_args_is_help=True,
)

BrokerOption = Annotated[
    str | None,
    typer.Option(
        "--broker-url",
        envvar=BROKER_ENV,
        show_envvar=True,
        help="Run on Celery workers over this broker; statuses in its Redis.",
    ),
]
QueueOption = Annotated[str, typer.Option(help="The Celery queue to send jobs to.")]
KeyPrefixOption = Annotated[str, typer.Option(help="Prefix of the job status keys in Redis.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the status as JSON.")]


class JobNotSucceededError(BezettingError):
    """The job failed or was cancelled (the CLI's exit code 2)."""

    code = "job_not_succeeded"


@jobs_app.command("submit")
def submit(
    kind: Annotated[
        str, typer.Argument(help="A registered job kind (see `bezetting jobs kinds`).")
    ],
    params: Annotated[
        Path, typer.Option("--params", "-p", help="JSON object of params; '-' reads stdin.")
    ],
    wait: Annotated[
        bool,
        typer.Option(help="Wait with a progress bar and print the result (always in-process)."),
    ] = False,
    timeout: Annotated[
        str | None, typer.Option(help="Stop waiting after this long, e.g. 90s or 10m.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the result JSON here, not stdout.")
    ] = None,
    broker_url: BrokerOption = None,
    queue: QueueOption = "bezetting",
    key_prefix: KeyPrefixOption = "bezetting:",
    as_json: JsonOption = False,
) -> None:
    """Submit a job; with --wait (or without a broker) follow it and print its result.

    bezetting jobs submit staffing --params staffing.json --wait --out result.json

    Ctrl-C while waiting cancels the job.
    """
    with reports_errors():
        job_params = _read_params(params)
        timeout_seconds = (
            parse_duration_seconds(timeout, option="--timeout") if timeout is not None else None
        )
        if broker_url:
            runner = _celery_runner(broker_url, queue=queue, key_prefix=key_prefix)
            job_id = runner.submit(kind, job_params)
            if not wait:
                typer.echo(job_id)
                err_console.print(
                    f"queued job {job_id}; follow it with: bezetting jobs status {job_id} --follow",
                    highlight=False,
                )
                return
            _finish(runner, job_id, timeout_seconds, out, as_json)
            return
        # Without a broker the job lives in this process: it has to be waited for.
        with InProcessRunner(max_workers=1) as local:
            job_id = local.submit(kind, job_params)
            _finish(local, job_id, timeout_seconds, out, as_json)


@jobs_app.command("status")
def status(
    job_id: Annotated[str, typer.Argument(help="The job's id, as printed by submit.")],
    follow: Annotated[
        bool, typer.Option(help="Show a progress bar until the job ends; print its result.")
    ] = False,
    broker_url: BrokerOption = None,
    key_prefix: KeyPrefixOption = "bezetting:",
    as_json: JsonOption = False,
) -> None:
    """Show a job's state, progress and message (or its result and error)."""
    with reports_errors():
        runner = _celery_runner(
            require_broker_url(broker_url, what="bezetting jobs status"),
            key_prefix=key_prefix,
        )
        if follow:
            _finish(runner, job_id, None, None, as_json)
            return
        _show(runner.status(job_id), as_json)


@jobs_app.command("cancel")
def cancel(
    job_id: Annotated[str, typer.Argument(help="The job's id.")],
    broker_url: BrokerOption = None,
    key_prefix: KeyPrefixOption = "bezetting:",
    as_json: JsonOption = False,
) -> None:
    """Cancel a job: a queued one at once, a running one at its next progress report."""
    with reports_errors():
        runner = _celery_runner(
            require_broker_url(broker_url, what="bezetting jobs cancel"), key_prefix=key_prefix
        )
        _show(runner.cancel(job_id), as_json)


@jobs_app.command("list")
def list_jobs(
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 20,
    broker_url: BrokerOption = None,
    key_prefix: KeyPrefixOption = "bezetting:",
    as_json: JsonOption = False,
) -> None:
    """The most recent jobs, newest first."""
    with reports_errors():
        runner = _celery_runner(
            require_broker_url(broker_url, what="bezetting jobs list"), key_prefix=key_prefix
        )
        statuses = runner.store.recent(limit=limit)
        if as_json:
            typer.echo(json.dumps([s.to_json() for s in statuses], indent=2))
            return
        table = Table("id", "kind", "state", "progress", "message", "created (UTC)")
        for s in statuses:
            table.add_row(
                s.id,
                s.kind,
                s.state.value,
                f"{s.progress:.0%}",
                escape(s.message),
                s.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            )
        console_for().print(table)


@jobs_app.command("kinds")
def kinds() -> None:
    """The job kinds this installation can run."""
    table = Table("kind", "what it does")
    for kind in registry.kinds():
        table.add_row(kind.name, kind.summary)
    console_for().print(table)


def _read_params(path: Path) -> dict[str, JSON]:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read --params {str(path)!r}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"--params {str(path)!r} is not JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}"
        ) from None
    return check_json_object(data, what="--params")


def _celery_runner(broker_url: str, *, key_prefix: str, queue: str = "bezetting") -> JobRunner:
    # Celery loads in a third of a second: only the commands that use it pay for that.
    from bezetting.jobs.celery_runner import CeleryRunner
    from bezetting.jobs.redis_store import RedisJobStatusStore

    store = RedisJobStatusStore.from_url(broker_url, key_prefix=key_prefix)
    store.check_connection()
    return CeleryRunner(broker_url, store=store, queue=queue)


def _finish(
    runner: JobRunner,
    job_id: str,
    timeout_seconds: float | None,
    out: Path | None,
    as_json: bool,
) -> None:
    """Wait with a progress bar; print the result; exit 2 unless the job succeeded."""
    began = time.monotonic()
    try:
        final = _wait_with_bar(runner, job_id, timeout_seconds)
    except KeyboardInterrupt:
        after = runner.cancel(job_id)
        err_console.print(
            f"job {job_id}: cancel requested (now {after.state.value})", highlight=False
        )
        raise typer.Exit(code=130) from None
    took = time.monotonic() - began
    if as_json:
        typer.echo(json.dumps(final.to_json(), indent=2))
    if final.state is JobState.SUCCEEDED:
        result_text = json.dumps(final.result, indent=2)
        if out is not None:
            write_text_atomically(out, result_text + "\n")
        elif not as_json:
            typer.echo(result_text)
        err_console.print(
            f"job {job_id} ({final.kind}) succeeded after {took:.1f} s"
            + (f"; result written to {out}" if out is not None else ""),
            highlight=False,
        )
        return
    if final.state is JobState.FAILED and final.error is not None:
        raise JobNotSucceededError(
            f"job {job_id} ({final.kind}) failed, code {final.error.code}: {final.error.message}"
        )
    raise JobNotSucceededError(
        f"job {job_id} ({final.kind}) was {final.state.value}: {final.message}"
    )


def _wait_with_bar(runner: JobRunner, job_id: str, timeout_seconds: float | None) -> JobStatus:
    if not progress_enabled():
        return runner.wait(job_id, timeout_seconds=timeout_seconds)
    with Progress(
        TextColumn("[bold]{task.fields[kind]}[/] {task.fields[state]}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err_console,
        transient=True,
    ) as bar:
        task: TaskID = bar.add_task("", total=1.0, kind="job", state="queued")

        def show(s: JobStatus) -> None:
            bar.update(
                task, completed=s.progress, description=s.message, kind=s.kind, state=s.state.value
            )

        return runner.wait(job_id, timeout_seconds=timeout_seconds, on_change=show)


def _show(s: JobStatus, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(s.to_json(), indent=2))
        return
    table = Table(show_header=False, title=f"job {s.id}", title_justify="left")
    table.add_row("kind", s.kind)
    table.add_row("state", s.state.value + (" (cancel requested)" if s.cancel_requested else ""))
    table.add_row("progress", f"{s.progress:.0%}")
    table.add_row("message", escape(s.message))
    table.add_row("created", s.created_at.isoformat())
    if s.started_at is not None:
        table.add_row("started", s.started_at.isoformat())
    if s.finished_at is not None:
        table.add_row("finished", s.finished_at.isoformat())
    if s.error is not None:
        table.add_row("error", escape(f"{s.error.code}: {s.error.message}"))
    if s.result is not None:
        table.add_row("result", "available: bezetting jobs status ID --json")
    console_for().print(table)


def register(app: typer.Typer) -> None:
    """Add ``jobs`` to the command line."""
    app.add_typer(jobs_app, name="jobs")
