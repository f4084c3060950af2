"""Where job statuses live: a small protocol, and the in-memory store for one process.

Runners and workers share job state only through a :class:`JobStatusStore`. Its five methods
map one to one onto a table ``jobs(id, kind, state, progress, message, params, result,
error_code, error_message, cancel_requested, created_at, started_at, finished_at, updated_at,
version)``:

* ``create``  -> ``INSERT`` (a duplicate id is a ``ConflictError``),
* ``get`` / ``params`` -> ``SELECT ... WHERE id = ?``,
* ``save``    -> ``UPDATE ... SET ..., version = version + 1 WHERE id = ? AND version = ?``
  (no row updated: ``ConflictError``),
* ``recent``  -> ``SELECT ... [WHERE organisation_id = ?] ORDER BY created_at DESC LIMIT ?``.

A job may belong to an organisation (``organisation_id``, ``created_by_user_id``, set at
``create``; every change carries them over); the API shows a job only to its organisation.

All writers go through :func:`change_status`, which retries a save that lost a race, so a
store needs no other locking than that compare-and-set.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Protocol

from bezetting.core.errors import ConflictError
from bezetting.jobs.errors import UnknownJobError
from bezetting.jobs.status import JSON, JobStatus, check_json_object

__all__ = ["InMemoryJobStatusStore", "JobStatusStore", "change_status"]


class JobStatusStore(Protocol):
    """Shared, durable-enough record of every job's status and params."""

    def create(self, status: JobStatus, params: Mapping[str, JSON]) -> None:
        """Record a new job (``status.version`` is 0) and its params.

        Raises:
            ConflictError: a job with that id exists.
        """
        ...

    def get(self, job_id: str) -> JobStatus:
        """The job's current status.

        Raises:
            UnknownJobError: no such job.
        """
        ...

    def params(self, job_id: str) -> dict[str, JSON]:
        """The params the job was submitted with.

        Raises:
            UnknownJobError: no such job.
        """
        ...

    def save(self, status: JobStatus) -> JobStatus:
        """Replace the stored status if its version is still ``status.version``.

        Returns:
            The saved status, with ``version`` one higher.

        Raises:
            ConflictError: someone saved a newer version first; read again and redo the change.
            UnknownJobError: no such job.
        """
        ...

    def recent(self, *, limit: int = 50, organisation_id: int | None = None) -> list[JobStatus]:
        """The newest jobs first, at most ``limit`` of them; only ``organisation_id``'s if given."""
        ...


def change_status(
    store: JobStatusStore,
    job_id: str,
    change: Callable[[JobStatus], JobStatus | None],
    *,
    attempts: int = 50,
) -> JobStatus:
    """Apply ``change`` to the job's current status and save it, retrying lost races.

    ``change`` gets the current status and returns the next one, or None to leave it as it is
    (e.g. a cancel for a job that already finished). It may be called more than once, so it must
    not have side effects.

    Returns:
        The status as stored afterwards.

    Raises:
        ConflictError: ``attempts`` saves in a row lost against other writers.
        UnknownJobError: no such job.
    """
    for _ in range(attempts):
        current = store.get(job_id)
        wanted = change(current)
        if wanted is None:
            return current
        try:
            return store.save(replace(wanted, version=current.version))
        except ConflictError:
            continue
    raise ConflictError(f"job {job_id}: {attempts} updates in a row lost against other writers")


class InMemoryJobStatusStore:
    """A :class:`JobStatusStore` in this process's memory, safe across threads.

    For the in-process runner: statuses vanish with the process.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._statuses: dict[str, JobStatus] = {}
        self._params: dict[str, dict[str, JSON]] = {}

    def create(self, status: JobStatus, params: Mapping[str, JSON]) -> None:
        copied = check_json_object(params)
        with self._lock:
            if status.id in self._statuses:
                raise ConflictError(f"a job with id {status.id!r} exists already")
            self._statuses[status.id] = replace(status, version=0)
            self._params[status.id] = copied

    def get(self, job_id: str) -> JobStatus:
        with self._lock:
            try:
                return self._statuses[job_id]
            except KeyError:
                raise UnknownJobError(f"no job with id {job_id!r}") from None

    def params(self, job_id: str) -> dict[str, JSON]:
        with self._lock:
            try:
                stored = self._params[job_id]
            except KeyError:
                raise UnknownJobError(f"no job with id {job_id!r}") from None
        return check_json_object(stored)

    def save(self, status: JobStatus) -> JobStatus:
        with self._lock:
            current = self._statuses.get(status.id)
            if current is None:
                raise UnknownJobError(f"no job with id {status.id!r}")
            if current.version != status.version:
                raise ConflictError(
                    f"job {status.id}: version {status.version} is stale, "
                    f"the stored one is {current.version}"
                )
            saved = replace(status, version=status.version + 1)
            self._statuses[status.id] = saved
            return saved

    def recent(self, *, limit: int = 50, organisation_id: int | None = None) -> list[JobStatus]:
        with self._lock:
            statuses = [
                s
                for s in self._statuses.values()
                if organisation_id is None or s.organisation_id == organisation_id
            ]
        statuses.sort(key=lambda s: s.created_at, reverse=True)
        return statuses[:limit]
