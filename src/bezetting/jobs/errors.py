"""Errors of the jobs layer, all inside bezetting's one exception tree.

::

    BezettingError                       (bezetting.core.errors)
    ├── InputError
    │   ├── UnknownJobKindError          no job kind of that name is registered
    │   ├── UnknownJobError              no job with that id is known to the status store
    │   └── InvalidJobParamsError        params are not a plain JSON object
    ├── InvalidJobResultError            a job kind returned something that is not plain JSON
    ├── BrokerUnavailableError           a job could not be handed to the Celery broker
    ├── JobCancelledError                raised by a ProgressReporter inside a job whose cancel
    │                                    was requested; the runner records the job as cancelled
    └── JobWaitTimeoutError              ``wait`` gave up before the job finished

Each carries a machine-readable ``code``; a failed job records the ``code`` of what it raised.
A :class:`~bezetting.jobs.store.JobStatusStore` raises the core's ``ConflictError`` when a status
changed under a writer (optimistic concurrency on ``JobStatus.version``).
"""

from __future__ import annotations

from bezetting.core.errors import BezettingError, InputError

__all__ = [
    "BrokerUnavailableError",
    "InvalidJobParamsError",
    "InvalidJobResultError",
    "JobCancelledError",
    "JobWaitTimeoutError",
    "UnknownJobError",
    "UnknownJobKindError",
]


class UnknownJobKindError(InputError):
    """No job kind of that name is registered (the message lists the registered ones)."""

    code = "unknown_job_kind"


class UnknownJobError(InputError):
    """No job with that id is known (it never existed, or its record expired)."""

    code = "unknown_job"


class InvalidJobParamsError(InputError):
    """Job params or a job's result are not plain JSON (objects, arrays, strings, numbers)."""

    code = "invalid_job_params"


class JobCancelledError(BezettingError):
    """A cancel was requested for the running job; raised at its next progress report."""

    code = "job_cancelled"


class JobWaitTimeoutError(BezettingError, TimeoutError):
    """Waiting for a job gave up before the job reached a final state; the job goes on."""

    code = "job_wait_timeout"


class BrokerUnavailableError(BezettingError):
    """The job could not be handed to the broker (Redis down, wrong URL); it is marked failed."""

    code = "broker_unavailable"


class InvalidJobResultError(BezettingError):
    """A job kind returned something that is not plain JSON (a bug in the kind)."""

    code = "invalid_job_result"
