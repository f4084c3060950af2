"""A :class:`~bezetting.jobs.store.JobStatusStore` in the application's database.

With it, job statuses are shared by every process that reaches the database (several
``bezetting serve`` processes, workers), without Redis.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, cast

from bezetting.core.errors import ConflictError
from bezetting.jobs.errors import UnknownJobError
from bezetting.jobs.status import JSON, JobError, JobState, JobStatus, check_json_object
from bezetting.store.engine import SessionFactory
from bezetting.store.job_rows import (
    JobRow,
    insert_job,
    job_row,
    recent_job_rows,
    update_job_if_version,
)

__all__ = ["SqlJobStatusStore"]


class SqlJobStatusStore:
    """Job statuses as rows of the ``jobs`` table, saved by compare-and-set on ``version``."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    def create(self, status: JobStatus, params: Mapping[str, JSON]) -> None:
        insert_job(self._sessions, _to_row(replace(status, version=0), check_json_object(params)))

    def get(self, job_id: str) -> JobStatus:
        return _from_row(self._row(job_id))

    def params(self, job_id: str) -> dict[str, JSON]:
        return check_json_object(cast(Mapping[str, JSON], self._row(job_id).params))

    def save(self, status: JobStatus) -> JobStatus:
        saved = replace(status, version=status.version + 1)
        row = _to_row(saved, {})
        if update_job_if_version(self._sessions, row, expected_version=status.version):
            return saved
        current = self._row(status.id)  # raises UnknownJobError when the job is gone
        raise ConflictError(
            f"job {status.id}: version {status.version} is stale, the stored one is "
            f"{current.version}"
        )

    def recent(self, *, limit: int = 50, organisation_id: int | None = None) -> list[JobStatus]:
        rows = recent_job_rows(self._sessions, limit=limit, organisation_id=organisation_id)
        return [_from_row(row) for row in rows]

    def _row(self, job_id: str) -> JobRow:
        row = job_row(self._sessions, job_id)
        if row is None:
            raise UnknownJobError(f"no job with id {job_id!r}")
        return row


def _to_row(status: JobStatus, params: dict[str, Any]) -> JobRow:
    return JobRow(
        id=status.id,
        kind=status.kind,
        state=status.state.value,
        progress=status.progress,
        message=status.message,
        params=params,
        result=status.result,
        error_code=None if status.error is None else status.error.code,
        error_message=None if status.error is None else status.error.message,
        cancel_requested=status.cancel_requested,
        created_at=status.created_at,
        started_at=status.started_at,
        finished_at=status.finished_at,
        updated_at=status.updated_at,
        version=status.version,
        organisation_id=status.organisation_id,
        created_by_user_id=status.created_by_user_id,
    )


def _from_row(row: JobRow) -> JobStatus:
    error = (
        None
        if row.error_code is None
        else JobError(code=row.error_code, message=row.error_message or "")
    )
    return JobStatus(
        id=row.id,
        kind=row.kind,
        state=JobState(row.state),
        progress=row.progress,
        message=row.message,
        result=cast(JSON, row.result),
        error=error,
        cancel_requested=row.cancel_requested,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        updated_at=row.updated_at,
        version=row.version,
        organisation_id=row.organisation_id,
        created_by_user_id=row.created_by_user_id,
    )
