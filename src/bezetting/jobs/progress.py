"""How a running job says how far it is, and learns that it should stop.

A job kind receives a :class:`ProgressReporter` and calls ``report(fraction, message)`` between
chunks of work. The reporter the runners pass writes to the shared status store (at most every
``min_interval_seconds``, so a tight loop costs nothing) and raises
:class:`~bezetting.jobs.errors.JobCancelledError` once a cancel was requested: cancellation is
cooperative, a job stops at its next report.

From a notebook, call a kind directly with :class:`SilentProgress`::

    result = staffing_job(params, SilentProgress())
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from bezetting.core.errors import InputError
from bezetting.jobs.errors import JobCancelledError
from bezetting.jobs.status import JobState, JobStatus
from bezetting.jobs.store import JobStatusStore, change_status

__all__ = ["ProgressReporter", "SilentProgress", "StoreProgressReporter"]


class ProgressReporter(Protocol):
    """What a job kind gets to report progress with."""

    def report(self, fraction: float, message: str = "") -> None:
        """Say the job is ``fraction`` (0 to 1) done, and what it is doing now.

        Raises:
            JobCancelledError: a cancel was requested; let it propagate.
            InputError: ``fraction`` is outside 0 to 1.
        """
        ...

    def check_cancelled(self) -> None:
        """Raise :class:`JobCancelledError` if a cancel was requested (without reporting)."""
        ...


def _checked_fraction(fraction: float) -> float:
    value = float(fraction)
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise InputError(f"progress must be a fraction from 0 to 1, got {fraction!r}")
    return value


class SilentProgress:
    """A reporter that records nothing and never cancels: for calling a kind directly."""

    def report(self, fraction: float, message: str = "") -> None:
        _checked_fraction(fraction)

    def check_cancelled(self) -> None:
        return None


class StoreProgressReporter:
    """Writes a running job's progress to a :class:`JobStatusStore`; raises on cancel.

    Args:
        store: where the job's status lives.
        job_id: the running job.
        clock: now, timezone-aware (for ``updated_at``).
        min_interval_seconds: reports closer together than this are kept in memory only (the
            last one is written at the next report after the interval, or when the job ends);
            a report of 1.0 is always written.
        monotonic: a monotonic clock in seconds, for the throttle.
    """

    def __init__(
        self,
        store: JobStatusStore,
        job_id: str,
        *,
        clock: Callable[[], datetime],
        min_interval_seconds: float = 0.2,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._job_id = job_id
        self._clock = clock
        self._min_interval = min_interval_seconds
        self._monotonic = monotonic
        self._last_io = -math.inf
        self._pending: tuple[float, str] | None = None

    def report(self, fraction: float, message: str = "") -> None:
        self._pending = (_checked_fraction(fraction), message)
        if fraction >= 1.0 or self._due():
            self.flush()

    def check_cancelled(self) -> None:
        if self._pending is not None:
            if self._due():
                self.flush()
            return
        if self._due():
            self._last_io = self._monotonic()
            if self._store.get(self._job_id).cancel_requested:
                raise JobCancelledError(f"job {self._job_id} was cancelled")

    def flush(self) -> None:
        """Write the last report now (the runner calls this when the job ends).

        Raises:
            JobCancelledError: a cancel was requested.
        """
        self._last_io = self._monotonic()
        pending, self._pending = self._pending, None
        now = self._clock()

        def progressed(status: JobStatus) -> JobStatus | None:
            if status.state is not JobState.RUNNING or pending is None:
                return None
            fraction, message = pending
            return replace(status, progress=fraction, message=message, updated_at=now)

        saved = change_status(self._store, self._job_id, progressed)
        if saved.cancel_requested:
            raise JobCancelledError(f"job {self._job_id} was cancelled")

    def _due(self) -> bool:
        return self._monotonic() - self._last_io >= self._min_interval
