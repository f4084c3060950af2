"""Jobs on Celery workers over Redis: the same jobs as in-process, on as many machines as needed.

One generic Celery task, ``bezetting.run_job``, takes a job id and runs it with
:func:`~bezetting.jobs.lifecycle.run_job`: the kind and params are read from the shared
:class:`~bezetting.jobs.redis_store.RedisJobStatusStore`, and progress, result and errors are
written back there, where every web process and CLI sees them. The Celery message carries only
the job id (it is also the Celery task id); Celery's own result backend is not used.

Start a worker with ``bezetting worker`` (``BEZETTING_BROKER_URL=redis://host:6379/0``), submit
from anywhere that reaches the same Redis::

    runner = CeleryRunner("redis://127.0.0.1:6379/0")
    job_id = runner.submit("staffing", params)
    runner.wait(job_id, timeout_seconds=600)

Delivery is "late ack": a message is acknowledged when its job ends, so a worker that dies
mid-job does not lose it silently. When the broker delivers it again, the job (still
``running``) is marked failed with code ``worker_lost`` rather than run twice.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime

from celery import Celery

from bezetting.core.errors import BezettingError, InputError
from bezetting.jobs.errors import BrokerUnavailableError
from bezetting.jobs.lifecycle import create_job, request_cancel, run_job, utc_now, wait_for_job
from bezetting.jobs.redis_store import RedisJobStatusStore
from bezetting.jobs.registry import JobRegistry, registry
from bezetting.jobs.status import JSON, JobError, JobState, JobStatus
from bezetting.jobs.store import JobStatusStore, change_status

__all__ = ["DEFAULT_QUEUE", "RUN_JOB_TASK", "CeleryRunner", "make_celery_app", "start_worker"]

RUN_JOB_TASK = "bezetting.run_job"
"""The name of the one Celery task: run the job whose id is its only argument."""

DEFAULT_QUEUE = "bezetting"
"""The Celery queue jobs are sent to and workers listen on, unless told otherwise."""

# A message is handed to another worker if not acknowledged within this time. Jobs are
# acknowledged when they end, so this must exceed the longest job: a day.
_VISIBILITY_TIMEOUT_SECONDS = 24 * 3600


def make_celery_app(
    broker_url: str,
    *,
    store: JobStatusStore,
    registry: JobRegistry = registry,
    queue: str = DEFAULT_QUEUE,
    clock: Callable[[], datetime] = utc_now,
    report_interval_seconds: float = 0.2,
) -> Celery:
    """A Celery app with the one task that runs bezetting jobs from ``registry`` on ``store``."""
    app = Celery("bezetting", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=queue,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": _VISIBILITY_TIMEOUT_SECONDS},
        worker_hijack_root_logger=False,
    )

    # shared=False: Celery would otherwise hand this closure to every app made later.
    @app.task(name=RUN_JOB_TASK, ignore_result=True, shared=False)
    def _run(job_id: str) -> None:
        run_job(
            job_id,
            store=store,
            registry=registry,
            clock=clock,
            report_interval_seconds=report_interval_seconds,
        )

    return app


class CeleryRunner:
    """Runs jobs on Celery workers; statuses in Redis.

    Args:
        broker_url: the Celery broker (``BEZETTING_BROKER_URL``), e.g. ``redis://host:6379/0``.
        store: where statuses live; by default a :class:`RedisJobStatusStore` on
            ``broker_url`` (then the broker must be Redis).
        registry: where kinds are looked up: submit checks the kind here, workers run it from
            theirs.
        queue: the Celery queue to send jobs to (workers must listen on it).
        key_prefix: key prefix of the default Redis store.
        clock: now, timezone-aware.
        report_interval_seconds: the least time between two progress writes of one job.
        poll_seconds: the longest pause between two status reads in :meth:`wait`.
    """

    def __init__(
        self,
        broker_url: str,
        *,
        store: JobStatusStore | None = None,
        registry: JobRegistry = registry,
        queue: str = DEFAULT_QUEUE,
        key_prefix: str = "bezetting:",
        clock: Callable[[], datetime] = utc_now,
        report_interval_seconds: float = 0.2,
        poll_seconds: float = 0.1,
    ) -> None:
        if not broker_url:
            raise InputError("the Celery runner needs a broker URL, e.g. redis://127.0.0.1:6379/0")
        if store is None:
            store = RedisJobStatusStore.from_url(broker_url, key_prefix=key_prefix)
        self._store: JobStatusStore = store
        self._registry = registry
        self._queue = queue
        self._clock = clock
        self._poll = poll_seconds
        self.app = make_celery_app(
            broker_url,
            store=store,
            registry=registry,
            queue=queue,
            clock=clock,
            report_interval_seconds=report_interval_seconds,
        )

    @property
    def store(self) -> JobStatusStore:
        return self._store

    @property
    def queue(self) -> str:
        """The Celery queue this runner sends jobs to."""
        return self._queue

    def submit(
        self,
        kind: str,
        params: Mapping[str, JSON],
        *,
        organisation_id: int | None = None,
        created_by_user_id: int | None = None,
    ) -> str:
        status = create_job(
            self._store,
            self._registry,
            kind,
            params,
            now=self._clock(),
            organisation_id=organisation_id,
            created_by_user_id=created_by_user_id,
        )
        try:
            self.app.send_task(RUN_JOB_TASK, args=[status.id], task_id=status.id, queue=self._queue)
        except Exception as exc:
            error = JobError(
                code=BrokerUnavailableError.code,
                message=f"could not queue the job: {type(exc).__name__}: {exc}",
            )
            now = self._clock()

            def failed(current: JobStatus) -> JobStatus | None:
                if current.state is not JobState.QUEUED:
                    return None
                return _replace_failed(current, error, now)

            change_status(self._store, status.id, failed)
            raise BrokerUnavailableError(error.message) from exc
        return status.id

    def status(self, job_id: str) -> JobStatus:
        return self._store.get(job_id)

    def cancel(self, job_id: str) -> JobStatus:
        return request_cancel(self._store, job_id, now=self._clock())

    def wait(
        self,
        job_id: str,
        *,
        timeout_seconds: float | None = None,
        on_change: Callable[[JobStatus], None] | None = None,
    ) -> JobStatus:
        return wait_for_job(
            self._store,
            job_id,
            timeout_seconds=timeout_seconds,
            poll_seconds=self._poll,
            on_change=on_change,
        )

    def close(self) -> None:
        """Release the broker connections of this process."""
        self.app.close()


def start_worker(
    runner: CeleryRunner,
    *,
    concurrency: int | None = None,
    pool: str = "prefork",
    loglevel: str = "INFO",
    standalone: bool = False,
) -> None:
    """Run a Celery worker for ``runner``'s queue in this process until it is stopped.

    The worker executes kinds from the runner's registry; import modules that register more
    kinds before calling this.

    Args:
        runner: whose app, queue, store and registry the worker uses.
        concurrency: jobs at once (Celery's default: one per CPU core).
        pool: ``prefork``, ``threads`` or ``solo``.
        loglevel: the worker's log level.
        standalone: no gossip, mingle, heartbeats or remote control with other workers: starts
            faster and leaves no shared bookkeeping keys in Redis (tests, single machines).

    Raises:
        BezettingError: the worker could not start (the message says why).
    """
    argv = [
        "worker",
        f"--loglevel={loglevel}",
        f"--pool={pool}",
        f"--queues={runner.queue}",
        f"--hostname=bezetting-{os.getpid()}@{socket.gethostname()}",
    ]
    if concurrency is not None:
        argv.append(f"--concurrency={concurrency}")
    if standalone:
        argv.extend(["--without-gossip", "--without-mingle", "--without-heartbeat"])
        runner.app.conf.worker_enable_remote_control = False
    try:
        runner.app.worker_main(argv)
    except SystemExit as stop:
        if stop.code not in (0, None):
            raise BezettingError(f"the Celery worker stopped with exit code {stop.code}") from None


def _replace_failed(status: JobStatus, error: JobError, now: datetime) -> JobStatus:
    return replace(
        status,
        state=JobState.FAILED,
        error=error,
        message="failed",
        finished_at=now,
        updated_at=now,
    )
