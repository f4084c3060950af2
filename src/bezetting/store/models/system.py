"""Background job status, shared by every process through the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bezetting.store.enums import JobState
from bezetting.store.models.base import Base
from bezetting.store.types import enum_column_type

__all__ = ["Job"]


class Job(Base):
    """One job's status: the columns of ``bezetting.jobs``' ``JobStatus``, one to one.

    ``version`` is a compare-and-set counter the job status store checks itself
    (``UPDATE ... WHERE id = :id AND version = :version``). ``organisation_id`` and
    ``created_by_user_id`` say whose job it is (None for a job started from the command line);
    they are written once, at insert.
    """

    __tablename__ = "jobs"
    __table_args__ = (CheckConstraint("progress >= 0 AND progress <= 1", name="progress"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    state: Mapped[JobState] = mapped_column(enum_column_type(JobState, name="job_state"))
    progress: Mapped[float] = mapped_column(default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any] | None]
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=0)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
