"""The ``jobs`` table as plain rows, for the job status store of :mod:`bezetting.jobs`.

Each function is one short transaction of its own: a job's status is written by runners and
workers in many processes, and every write is a compare-and-set on ``version``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import insert, select, update

from bezetting.core.errors import ConflictError
from bezetting.store.engine import SessionFactory
from bezetting.store.enums import JobState
from bezetting.store.models import Job
from bezetting.store.transaction import transaction

__all__ = ["JobRow", "insert_job", "job_row", "recent_job_rows", "update_job_if_version"]


class JobRow(NamedTuple):
    """One row of ``jobs``, every column as a plain value."""

    id: str
    kind: str
    state: str
    progress: float
    message: str
    params: dict[str, Any]
    result: Any
    error_code: str | None
    error_message: str | None
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime
    version: int
    organisation_id: int | None = None
    created_by_user_id: int | None = None


def _row(job: Job) -> JobRow:
    return JobRow(
        id=job.id,
        kind=job.kind,
        state=JobState(job.state).value,
        progress=job.progress,
        message=job.message,
        params=dict(job.params),
        result=job.result,
        error_code=job.error_code,
        error_message=job.error_message,
        cancel_requested=job.cancel_requested,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        updated_at=job.updated_at,
        version=job.version,
        organisation_id=job.organisation_id,
        created_by_user_id=job.created_by_user_id,
    )


def insert_job(sessions: SessionFactory, row: JobRow) -> None:
    """Add a job.

    Raises:
        ConflictError: a job with that id exists.
    """
    values = row._asdict() | {"state": JobState(row.state)}
    with transaction(sessions, writes=True) as session:
        if session.get(Job, row.id) is not None:
            raise ConflictError(f"a job with id {row.id!r} exists already")
        session.execute(insert(Job).values(**values))


def job_row(sessions: SessionFactory, job_id: str) -> JobRow | None:
    """The job's row, or None."""
    with transaction(sessions) as session:
        job = session.scalars(select(Job).where(Job.id == job_id)).one_or_none()
        return None if job is None else _row(job)


def update_job_if_version(sessions: SessionFactory, row: JobRow, *, expected_version: int) -> bool:
    """Write ``row`` (its ``version`` already bumped) if the stored version is still the one read.

    Returns:
        False when no row was updated: the job is gone or someone saved first.
    """
    written_once = ("id", "params", "created_at", "organisation_id", "created_by_user_id")
    values = {k: v for k, v in row._asdict().items() if k not in written_once}
    values["state"] = JobState(row.state)
    with transaction(sessions, writes=True) as session:
        result = session.execute(
            update(Job)
            .where(Job.id == row.id, Job.version == expected_version)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)


def recent_job_rows(
    sessions: SessionFactory, *, limit: int, organisation_id: int | None = None
) -> list[JobRow]:
    """The newest jobs first; only those of ``organisation_id`` when it is given."""
    query = select(Job)
    if organisation_id is not None:
        query = query.where(Job.organisation_id == organisation_id)
    with transaction(sessions) as session:
        jobs = session.scalars(query.order_by(Job.created_at.desc(), Job.id).limit(limit))
        return [_row(job) for job in jobs]
