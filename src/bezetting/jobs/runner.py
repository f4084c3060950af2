"""The runner interface, and the in-process runner (a thread pool; no extra services).

Every runner has the same four operations and the same behaviour (one contract test suite runs
against each)::

    runner = InProcessRunner()
    job_id = runner.submit("staffing", params)
    runner.status(job_id).progress        # 0.0 .. 1.0, while it runs
    final = runner.wait(job_id, timeout_seconds=60)
    final.state, final.result, final.error

The Celery runner (:class:`bezetting.jobs.celery.CeleryRunner`) does the same with workers on
other machines; it lives in its own module so that using jobs in-process never imports Celery.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from types import TracebackType
from typing import Protocol

from bezetting.jobs.lifecycle import (
    create_job,
    request_cancel,
    run_job,
    utc_now,
    wait_for_job,
)
from bezetting.jobs.registry import JobRegistry, registry
from bezetting.jobs.status import JSON, JobStatus
from bezetting.jobs.store import InMemoryJobStatusStore, JobStatusStore

__all__ = ["InProcessRunner", "JobRunner"]

logger = logging.getLogger(__name__)


class JobRunner(Protocol):
    """Runs jobs somewhere and tells their status."""

    @property
    def store(self) -> JobStatusStore:
        """Where this runner's job statuses live."""
        ...

    def submit(
        self,
        kind: str,
        params: Mapping[str, JSON],
        *,
        organisation_id: int | None = None,
        created_by_user_id: int | None = None,
    ) -> str:
        """Queue a job of a registered ``kind``; returns its id at once.

        ``organisation_id`` and ``created_by_user_id`` record who owns the job (the API sets
        them from the caller and shows a job only to its organisation); None from the CLI.

        Raises:
            UnknownJobKindError: ``kind`` is not registered.
            InvalidJobParamsError: ``params`` are not a plain JSON object.
        """
        ...

    def status(self, job_id: str) -> JobStatus:
        """The job's status now.

        Raises:
            UnknownJobError: no such job.
        """
        ...

    def cancel(self, job_id: str) -> JobStatus:
        """Cancel a queued job at once, ask a running one to stop (it stops at its next progress
        report), leave a finished one as it is. Returns the status after the request.

        Raises:
            UnknownJobError: no such job.
        """
        ...

    def wait(
        self,
        job_id: str,
        *,
        timeout_seconds: float | None = None,
        on_change: Callable[[JobStatus], None] | None = None,
    ) -> JobStatus:
        """Block until the job is succeeded, failed or cancelled; return that final status.

        ``on_change`` is called with each new status seen while waiting (for progress bars).

        Raises:
            JobWaitTimeoutError: still not done after ``timeout_seconds``; the job goes on.
            UnknownJobError: no such job.
        """
        ...


class InProcessRunner:
    """Runs jobs on a thread pool in this process.

    Args:
        registry: where kinds are looked up (default: bezetting's own).
        store: where statuses live (default: a fresh in-memory store).
        max_workers: jobs running at once; more wait as ``queued``.
        clock: now, timezone-aware.
        report_interval_seconds: the least time between two progress writes of one job.
        poll_seconds: the longest pause between two status reads in :meth:`wait`.

    Use it as a context manager, or call :meth:`shutdown`, so that the threads end.
    """

    def __init__(
        self,
        *,
        registry: JobRegistry = registry,
        store: JobStatusStore | None = None,
        max_workers: int = 2,
        clock: Callable[[], datetime] = utc_now,
        report_interval_seconds: float = 0.2,
        poll_seconds: float = 0.05,
    ) -> None:
        self._registry = registry
        self._store: JobStatusStore = store if store is not None else InMemoryJobStatusStore()
        self._clock = clock
        self._report_interval = report_interval_seconds
        self._poll = poll_seconds
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="job")
        self._lock = threading.Lock()
        self._futures: dict[str, Future[JobStatus]] = {}

    @property
    def store(self) -> JobStatusStore:
        return self._store

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
        future = self._executor.submit(
            run_job,
            status.id,
            store=self._store,
            registry=self._registry,
            clock=self._clock,
            report_interval_seconds=self._report_interval,
        )
        future.add_done_callback(_log_lost_job(status.id))
        with self._lock:
            self._futures[status.id] = future
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

    def shutdown(self, *, cancel: bool = True) -> None:
        """Stop taking jobs and wait for the threads to end.

        Args:
            cancel: cancel this runner's unfinished jobs first (queued ones at once, running
                ones at their next progress report); else let them all finish.
        """
        with self._lock:
            unfinished = [job_id for job_id, f in self._futures.items() if not f.done()]
        if cancel:
            for job_id in unfinished:
                request_cancel(self._store, job_id, now=self._clock())
        self._executor.shutdown(wait=True)

    def __enter__(self) -> InProcessRunner:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown(cancel=True)


def _log_lost_job(job_id: str) -> Callable[[Future[JobStatus]], None]:
    def done(future: Future[JobStatus]) -> None:
        error = future.exception()
        if error is not None:
            # run_job records every failure of the job itself; this is the store failing.
            logger.error("job %s: its status could not be recorded", job_id, exc_info=error)

    return done
