"""What agents ask for and report: time off, swaps, availability changes, sickness."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bezetting.store.enums import AbsenceKind, RequestKind, RequestStatus
from bezetting.store.models.base import Base
from bezetting.store.types import enum_column_type

__all__ = ["Absence", "Request"]


class Request(Base):
    """A request by an agent, decided by a planner or team lead.

    A swap names the agent's own shift and, once accepted, the counterpart and their shift.
    """

    __tablename__ = "requests"
    __table_args__ = (
        CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at",
            name="starts_before_ends",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    kind: Mapped[RequestKind] = mapped_column(enum_column_type(RequestKind, name="request_kind"))
    status: Mapped[RequestStatus] = mapped_column(
        enum_column_type(RequestStatus, name="request_status")
    )
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(String(400))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"))
    counterpart_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    counterpart_shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"))
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Absence(Base):
    """An unplanned absence: reported sick at ``starts_at``, better at ``ends_at`` (open: None)."""

    __tablename__ = "absences"
    __table_args__ = (
        CheckConstraint("ends_at IS NULL OR starts_at < ends_at", name="starts_before_ends"),
        Index("ix_absences_agent_id_starts_at", "agent_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    kind: Mapped[AbsenceKind] = mapped_column(enum_column_type(AbsenceKind, name="absence_kind"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    reported_at: Mapped[datetime]
    better_reported_at: Mapped[datetime | None]
