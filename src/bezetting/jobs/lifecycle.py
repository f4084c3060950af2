"""A job's life, shared by every runner: submit, run, cancel, wait.

Runners differ only in where :func:`run_job` is called (a thread, a Celery worker); the
transitions between states live here, once::

    queued ──run_job──► running ──► succeeded | failed | cancelled
       │                   │
       └──request_cancel───┴──► cancelled (queued: at once; running: at its next report)

A job never dies silently: whatever its kind raises ends as ``failed`` with the error's
``code`` and message; a message delivered again for a job a lost worker had started ends it
as ``failed`` with code ``worker_lost`` instead of running it twice.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime

from bezetting.core.errors import BezettingError
from bezetting.jobs.errors import (
    InvalidJobParamsError,
    InvalidJobResultError,
    JobCancelledError,
    JobWaitTimeoutError,
)
from bezetting.jobs.progress import StoreProgressReporter
from bezetting.jobs.registry import JobRegistry
from bezetting.jobs.status import JSON, JobError, JobState, JobStatus, check_json, check_json_object
from bezetting.jobs.store import JobStatusStore, change_status

__all__ = [
    "INTERNAL_ERROR",
    "WORKER_LOST",
    "create_job",
    "request_cancel",
    "run_job",
    "utc_now",
    "wait_for_job",
]

logger = logging.getLogger(__name__)

INTERNAL_ERROR = "internal_error"
"""Error code of a job that raised something other than a bezetting error (a bug)."""

WORKER_LOST = "worker_lost"
"""Error code of a job whose worker stopped while running it."""


def utc_now() -> datetime:
    """The wall clock, timezone-aware in UTC: the default clock of the runners."""
    return datetime.now(UTC)


def create_job(
    store: JobStatusStore,
    registry: JobRegistry,
    kind: str,
    params: Mapping[str, JSON],
    *,
    now: datetime,
    organisation_id: int | None = None,
    created_by_user_id: int | None = None,
) -> JobStatus:
    """Check the kind and params and record a new queued job, owned by ``organisation_id``.

    Raises:
        UnknownJobKindError: ``kind`` is not registered.
        InvalidJobParamsError: ``params`` are not a plain JSON object.
    """
    registry.get(kind)
    copied = check_json_object(params)
    status = JobStatus(
        id=uuid.uuid4().hex,
        kind=kind,
        state=JobState.QUEUED,
        message="queued",
        created_at=now,
        updated_at=now,
        organisation_id=organisation_id,
        created_by_user_id=created_by_user_id,
    )
    store.create(status, copied)
    return status


def request_cancel(store: JobStatusStore, job_id: str, *, now: datetime) -> JobStatus:
    """Cancel a queued job at once; ask a running one to stop; leave a finished one alone.

    Returns:
        The status after the request.

    Raises:
        UnknownJobError: no such job.
    """

    def cancel(status: JobStatus) -> JobStatus | None:
        if status.state is JobState.QUEUED:
            return replace(
                status,
                state=JobState.CANCELLED,
                cancel_requested=True,
                message="cancelled before it started",
                finished_at=now,
                updated_at=now,
            )
        if status.state is JobState.RUNNING and not status.cancel_requested:
            return replace(status, cancel_requested=True, updated_at=now)
        return None

    return change_status(store, job_id, cancel)


def run_job(
    job_id: str,
    *,
    store: JobStatusStore,
    registry: JobRegistry,
    clock: Callable[[], datetime] = utc_now,
    report_interval_seconds: float = 0.2,
) -> JobStatus:
    """Run one queued job to its end, recording every step in ``store``.

    A job that is no longer queued is not run: one cancelled before it started stays
    cancelled; one already running (its worker was lost and the broker delivered the message
    again) is marked failed with code ``worker_lost``.

    Returns:
        The final status.
    """
    started = _start(store, job_id, now=clock())
    if started.state is not JobState.RUNNING:
        return started
    try:
        kind = registry.get(started.kind)
        params = store.params(job_id)
        reporter = StoreProgressReporter(
            store, job_id, clock=clock, min_interval_seconds=report_interval_seconds
        )
        result = _checked_result(kind.function(params, reporter), kind.name)
    except JobCancelledError:
        return _finish(store, job_id, JobState.CANCELLED, message="cancelled", now=clock())
    except BezettingError as exc:
        error = JobError(code=exc.code, message=str(exc))
        return _finish(store, job_id, JobState.FAILED, error=error, now=clock())
    except Exception as exc:
        logger.exception("job %s (%s) failed with an unexpected error", job_id, started.kind)
        error = JobError(code=INTERNAL_ERROR, message=f"{type(exc).__name__}: {exc}")
        return _finish(store, job_id, JobState.FAILED, error=error, now=clock())
    except BaseException as exc:
        # Interrupted (KeyboardInterrupt, SystemExit): record it, then let the process stop.
        error = JobError(code=WORKER_LOST, message=f"interrupted by {type(exc).__name__}")
        _finish(store, job_id, JobState.FAILED, error=error, now=clock())
        raise
    return _finish(store, job_id, JobState.SUCCEEDED, result=result, message="done", now=clock())


def wait_for_job(
    store: JobStatusStore,
    job_id: str,
    *,
    timeout_seconds: float | None,
    poll_seconds: float = 0.1,
    on_change: Callable[[JobStatus], None] | None = None,
) -> JobStatus:
    """Poll ``store`` until the job is done.

    Args:
        timeout_seconds: give up after this long (None: wait as long as it takes).
        poll_seconds: the longest pause between two reads (the first ones are shorter).
        on_change: called with every status whose ``version`` differs from the last seen (for
            progress bars).

    Raises:
        JobWaitTimeoutError: the job was not done after ``timeout_seconds``.
        UnknownJobError: no such job.
    """
    deadline = None if timeout_seconds is None else time.monotonic() + timeout_seconds
    pause = min(0.005, poll_seconds)
    seen = -1
    while True:
        status = store.get(job_id)
        if on_change is not None and status.version != seen:
            seen = status.version
            on_change(status)
        if status.done:
            return status
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise JobWaitTimeoutError(
                    f"job {job_id} is still {status.state.value} after {timeout_seconds:g} s "
                    f"({status.progress:.0%}); it goes on: wait again or cancel it"
                )
            time.sleep(min(pause, left))
        else:
            time.sleep(pause)
        pause = min(pause * 2.0, poll_seconds)


def _checked_result(value: object, kind: str) -> JSON:
    try:
        return check_json(value, what=f"the {kind} job's result")
    except InvalidJobParamsError as exc:
        raise InvalidJobResultError(str(exc)) from None


def _start(store: JobStatusStore, job_id: str, *, now: datetime) -> JobStatus:
    def start(status: JobStatus) -> JobStatus | None:
        if status.state is JobState.QUEUED:
            return replace(
                status, state=JobState.RUNNING, message="started", started_at=now, updated_at=now
            )
        if status.state is JobState.RUNNING:
            return replace(
                status,
                state=JobState.FAILED,
                error=JobError(
                    code=WORKER_LOST,
                    message="the worker running this job stopped before it finished; "
                    "submit it again",
                ),
                message="failed",
                finished_at=now,
                updated_at=now,
            )
        return None

    return change_status(store, job_id, start)


def _finish(
    store: JobStatusStore,
    job_id: str,
    state: JobState,
    *,
    now: datetime,
    result: JSON = None,
    error: JobError | None = None,
    message: str | None = None,
) -> JobStatus:
    def finish(status: JobStatus) -> JobStatus | None:
        if status.state is not JobState.RUNNING:
            return None
        return replace(
            status,
            state=state,
            progress=1.0 if state is JobState.SUCCEEDED else status.progress,
            message=message if message is not None else state.value,
            result=result,
            error=error,
            finished_at=now,
            updated_at=now,
        )

    return change_status(store, job_id, finish)
