"""Long work as jobs with status and progress: in-process by default, on Celery for scale-out.

A job kind is a plain function ``(params, progress) -> JSON`` registered by name with
:func:`job`. A :class:`JobRunner` submits, reports, cancels and waits for jobs; both runners
behave the same:

* :class:`InProcessRunner`: a thread pool in this process, statuses in memory. No services.
* :class:`bezetting.jobs.celery_runner.CeleryRunner`: Celery workers over Redis
  (``BEZETTING_BROKER_URL``, ``bezetting worker``), statuses in Redis so every process sees them.
  It lives in its own module so that in-process use never imports Celery.

>>> with InProcessRunner() as runner:  # doctest: +SKIP
...     job_id = runner.submit("staffing", params)
...     runner.wait(job_id).result["summary"]

See docs/jobs.md.
"""

from bezetting.jobs.errors import (
    BrokerUnavailableError,
    InvalidJobParamsError,
    InvalidJobResultError,
    JobCancelledError,
    JobWaitTimeoutError,
    UnknownJobError,
    UnknownJobKindError,
)
from bezetting.jobs.kinds import staffing_job
from bezetting.jobs.progress import ProgressReporter, SilentProgress, StoreProgressReporter
from bezetting.jobs.registry import JobKind, JobRegistry, RegisteredKind, job, registry
from bezetting.jobs.runner import InProcessRunner, JobRunner
from bezetting.jobs.status import (
    FINAL_STATES,
    JSON,
    JobError,
    JobState,
    JobStatus,
    check_json,
    check_json_object,
)
from bezetting.jobs.store import InMemoryJobStatusStore, JobStatusStore, change_status

__all__ = [
    "FINAL_STATES",
    "JSON",
    "BrokerUnavailableError",
    "InMemoryJobStatusStore",
    "InProcessRunner",
    "InvalidJobParamsError",
    "InvalidJobResultError",
    "JobCancelledError",
    "JobError",
    "JobKind",
    "JobRegistry",
    "JobRunner",
    "JobState",
    "JobStatus",
    "JobStatusStore",
    "JobWaitTimeoutError",
    "ProgressReporter",
    "RegisteredKind",
    "SilentProgress",
    "StoreProgressReporter",
    "UnknownJobError",
    "UnknownJobKindError",
    "change_status",
    "check_json",
    "check_json_object",
    "job",
    "registry",
    "staffing_job",
]
