"""The plan: forecasts, staffing requirements, schedules with shifts and activities."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bezetting.store.enums import ActivityKind, Location, ScheduleStatus
from bezetting.store.models.base import Base
from bezetting.store.types import enum_column_type

__all__ = [
    "Activity",
    "Forecast",
    "ForecastInterval",
    "PlanningSettings",
    "Requirement",
    "RequirementInterval",
    "Schedule",
    "Shift",
]


class Forecast(Base):
    """One forecast run for a queue; ``version`` counts the queue's forecasts from 1."""

    __tablename__ = "forecasts"
    __table_args__ = (UniqueConstraint("queue_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"), index=True)
    version: Mapped[int]
    model: Mapped[str] = mapped_column(String(64))
    interval_minutes: Mapped[int]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    backtest: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]


class ForecastInterval(Base):
    """Volume and handle time forecast for one interval, with an optional prediction interval."""

    __tablename__ = "forecast_intervals"

    forecast_id: Mapped[int] = mapped_column(ForeignKey("forecasts.id"), primary_key=True)
    interval_start: Mapped[datetime] = mapped_column(primary_key=True)
    volume: Mapped[float]
    aht_seconds: Mapped[float]
    volume_lo: Mapped[float | None]
    volume_hi: Mapped[float | None]


class Requirement(Base):
    """Agents needed per interval for a queue, computed from a forecast with named inputs."""

    __tablename__ = "requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"), index=True)
    forecast_id: Mapped[int | None] = mapped_column(ForeignKey("forecasts.id"))
    method: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class RequirementInterval(Base):
    """Net agents (whole and fractional), gross agents and the predicted service at ``agents``."""

    __tablename__ = "requirement_intervals"

    requirement_id: Mapped[int] = mapped_column(ForeignKey("requirements.id"), primary_key=True)
    interval_start: Mapped[datetime] = mapped_column(primary_key=True)
    agents: Mapped[int]
    agents_fractional: Mapped[float]
    gross_agents_fractional: Mapped[float | None]
    service_level: Mapped[float | None]
    asa_seconds: Mapped[float | None]
    abandon_rate: Mapped[float | None]
    occupancy: Mapped[float | None]


class Schedule(Base):
    """A roster for a period, drafted then published.

    ``version`` is SQLAlchemy's ``version_id_col``: every UPDATE says ``WHERE version = <the
    version read>`` and bumps it, so two planners saving the same schedule cannot overwrite
    each other; the store turns the loser's stale write into a ``ConflictError``.
    """

    __tablename__ = "schedules"
    __table_args__ = (CheckConstraint("period_start <= period_end", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date]
    period_end: Mapped[date]
    status: Mapped[ScheduleStatus] = mapped_column(
        enum_column_type(ScheduleStatus, name="schedule_status")
    )
    version: Mapped[int] = mapped_column(nullable=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    built_with: Mapped[dict[str, Any] | None]
    """The planning settings the optimiser went by (``rules``, ``breaks``, ``weights`` as a
    problem file writes them); NULL for a schedule made by hand or built before migration
    0007. Kept so a draft still says which rules it was built by after the settings change."""

    shifts: Mapped[list[Shift]] = relationship(
        back_populates="schedule", cascade="all, delete-orphan", order_by="Shift.starts_at"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's hook)


class Shift(Base):
    """One agent's working block in a schedule, made of activities."""

    __tablename__ = "shifts"
    __table_args__ = (CheckConstraint("starts_at < ends_at", name="starts_before_ends"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]

    schedule: Mapped[Schedule] = relationship(back_populates="shifts")
    activities: Mapped[list[Activity]] = relationship(
        back_populates="shift", cascade="all, delete-orphan", order_by="Activity.starts_at"
    )


class Activity(Base):
    """Part of a shift: contact work on a skill, a break, lunch, training, a meeting, coaching."""

    __tablename__ = "activities"
    __table_args__ = (CheckConstraint("starts_at < ends_at", name="starts_before_ends"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    kind: Mapped[ActivityKind] = mapped_column(enum_column_type(ActivityKind, name="activity_kind"))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id"))
    location: Mapped[Location] = mapped_column(enum_column_type(Location, name="location"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]

    shift: Mapped[Shift] = relationship(back_populates="activities")


class PlanningSettings(Base):
    """An organisation's deviations from the defaults of planning (a collective agreement).

    Each column holds one section of a problem file (``docs/schedule.md``): ``rules`` the
    rule-pack overrides, ``breaks`` the break policy, ``weights`` the objective weights. An
    empty section, or no row at all, means the default: the Dutch rule pack, the planning
    break policy, the default weights. ``updated_by_user_id`` is NULL when the command line
    set them.
    """

    __tablename__ = "planning_settings"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    rules: Mapped[dict[str, Any]]
    breaks: Mapped[dict[str, Any]]
    weights: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]
    updated_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
