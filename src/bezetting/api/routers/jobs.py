"""``/jobs``: forecast, schedule and simulation runs as jobs with status and progress."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from bezetting.api.deps import Context, require_roles
from bezetting.jobs import JobStatus
from bezetting.services.users import Principal
from bezetting.store.enums import Role

__all__ = ["JobErrorOut", "JobIn", "JobOut", "router"]

router = APIRouter(prefix="/jobs", tags=["jobs"])
Staff = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.PLANNER, Role.TEAM_LEAD))]


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
    """Queue the job; poll ``GET /jobs/{id}`` for progress."""
    job_id = context.runner.submit(body.kind, body.params)
    return JobOut.of(context.runner.status(job_id))


@router.get("/{job_id}", response_model=JobOut, summary="A job's status and progress")
def status(
    job_id: Annotated[str, Path(min_length=1, max_length=64)], who: Staff, context: Context
) -> JobOut:
    return JobOut.of(context.runner.status(job_id))
