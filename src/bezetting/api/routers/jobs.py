"""``/jobs``: forecast, schedule and simulation runs as jobs with status and progress.

A job belongs to the organisation of the staff member who submitted it: the router records the
caller's organisation and user id on the job and writes ``organisation_id`` into its params
(overriding whatever the client sent), so a job kind reads only that organisation's data. Jobs
of another organisation, and jobs started from the command line, answer 404 as if absent.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from bezetting.api.deps import Context, require_roles
from bezetting.jobs import JobStatus, UnknownJobError
from bezetting.services.users import Principal
from bezetting.store.enums import Role

__all__ = ["JobErrorOut", "JobIn", "JobOut", "router"]

router = APIRouter(prefix="/jobs", tags=["jobs"])
Staff = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.PLANNER, Role.TEAM_LEAD))]
JobId = Annotated[str, Path(min_length=1, max_length=64)]


class JobIn(BaseModel):
    """A job of a registered kind (e.g. ``staffing``) with its parameters."""

    model_config = ConfigDict(extra="forbid")

    kind: Annotated[str, Field(min_length=1, max_length=64)]
    params: dict[str, Any] = {}


class JobErrorOut(BaseModel):
    """Why a job failed: a machine-readable code and a message."""

    code: str
    message: str


class JobOut(BaseModel):
    """A job's status; ``progress`` from 0 to 1; ``result`` once it succeeded."""

    id: str
    kind: str
    state: str
    progress: float
    message: str
    result: Any = None
    error: JobErrorOut | None = None
    created_at: str
    started_at: str | None
    finished_at: str | None

    @classmethod
    def of(cls, status: JobStatus) -> JobOut:
        data = status.to_json()
        return cls(
            id=status.id,
            kind=status.kind,
            state=status.state.value,
            progress=status.progress,
            message=status.message,
            result=status.result,
            error=None
            if status.error is None
            else JobErrorOut(code=status.error.code, message=status.error.message),
            created_at=str(data["created_at"]),
            started_at=None if data["started_at"] is None else str(data["started_at"]),
            finished_at=None if data["finished_at"] is None else str(data["finished_at"]),
        )


@router.post("", response_model=JobOut, status_code=202, summary="Start a job")
def submit(body: JobIn, who: Staff, context: Context) -> JobOut:
    """Queue the job for the caller's organisation; poll ``GET /jobs/{id}`` for progress."""
    params = {**body.params, "organisation_id": who.organisation_id}
    job_id = context.runner.submit(
        body.kind,
        params,
        organisation_id=who.organisation_id,
        created_by_user_id=who.user_id,
    )
    return JobOut.of(context.runner.status(job_id))


@router.get("", response_model=list[JobOut], summary="The organisation's recent jobs")
def recent(
    who: Staff,
    context: Context,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[JobOut]:
    """Newest first."""
    statuses = context.runner.store.recent(limit=limit, organisation_id=who.organisation_id)
    return [JobOut.of(s) for s in statuses]


@router.get("/{job_id}", response_model=JobOut, summary="A job's status and progress")
def status(job_id: JobId, who: Staff, context: Context) -> JobOut:
    return JobOut.of(_own_job(context.runner.status(job_id), who))


@router.post("/{job_id}/cancel", response_model=JobOut, summary="Cancel a job")
def cancel(job_id: JobId, who: Staff, context: Context) -> JobOut:
    """A queued job is cancelled at once; a running one stops at its next progress report."""
    _own_job(context.runner.status(job_id), who)
    return JobOut.of(context.runner.cancel(job_id))


def _own_job(status: JobStatus, who: Principal) -> JobStatus:
    if status.organisation_id != who.organisation_id:
        raise UnknownJobError(f"no job with id {status.id!r}")
    return status
