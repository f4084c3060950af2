"""The people who handle contacts: agents, their skills, availability, preferences; trainees."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bezetting.store.enums import AvailabilityKind, EmploymentType, PreferenceKind
from bezetting.store.models.base import Base
from bezetting.store.types import enum_column_type

__all__ = ["Agent", "AgentPreference", "AgentSkill", "Availability", "Trainee"]


class Agent(Base):
    """An agent with a contract: hours per week from minimum to maximum, where they can work.

    ``external_id`` is the employee number the organisation already uses; imports match on it.
    ``agency_hours_elsewhere`` counts the weekly hours an agency worker already works for other
    clients, which the weekly labour-rule limits must include.
    ``start_date`` and ``end_date`` bound the employment: the first and the last day employed
    (both inclusive; None: since always, until further notice). Scheduling, absence figures,
    the team page and swaps leave an agent out after their end date; the row stays, with its
    history.
    """

    __tablename__ = "agents"
    __table_args__ = (
        UniqueConstraint("organisation_id", "external_id"),
        CheckConstraint(
            "contract_hours_min <= contract_hours_target "
            "AND contract_hours_target <= contract_hours_max",
            name="contract_hours_order",
        ),
        CheckConstraint("contract_hours_min >= 0", name="contract_hours_min"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    employment_type: Mapped[EmploymentType] = mapped_column(
        enum_column_type(EmploymentType, name="employment_type")
    )
    contract_hours_min: Mapped[float]
    contract_hours_target: Mapped[float]
    contract_hours_max: Mapped[float]
    can_work_home: Mapped[bool] = mapped_column(default=True)
    can_work_office: Mapped[bool] = mapped_column(default=True)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    agency_hours_elsewhere: Mapped[float] = mapped_column(default=0.0)
    active: Mapped[bool] = mapped_column(default=True)


class AgentSkill(Base):
    """An agent has a skill; ``proficiency`` multiplies handle time (1.0 normal, 1.4 slower)."""

    __tablename__ = "agent_skills"
    __table_args__ = (CheckConstraint("proficiency > 0", name="proficiency"),)

    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    proficiency: Mapped[float] = mapped_column(default=1.0)


class Availability(Base):
    """A window when an agent can, cannot, or would like to work (UTC)."""

    __tablename__ = "availability"
    __table_args__ = (
        UniqueConstraint("agent_id", "starts_at", "ends_at", "kind"),
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    kind: Mapped[AvailabilityKind] = mapped_column(
        enum_column_type(AvailabilityKind, name="availability_kind")
    )
    note: Mapped[str | None] = mapped_column(String(200))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    # The agent's own word (withdrawable by them) or the planner's (an import, the demo).
    declared_by_agent: Mapped[bool] = mapped_column(default=False, server_default=false())


class AgentPreference(Base):
    """A standing wish (a day off on Wednesdays, early shifts), weight 1 (mild) to 3 (strong)."""

    __tablename__ = "agent_preferences"
    __table_args__ = (
        CheckConstraint("weekday IS NULL OR weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("weight BETWEEN 1 AND 3", name="weight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    kind: Mapped[PreferenceKind] = mapped_column(
        enum_column_type(PreferenceKind, name="preference_kind")
    )
    weekday: Mapped[int | None] = mapped_column(SmallInteger)
    on_date: Mapped[date | None]
    weight: Mapped[int] = mapped_column(SmallInteger, default=1)


class Trainee(Base):
    """A newcomer in a retraining cohort: assessed capabilities, track, expected go-live."""

    __tablename__ = "trainees"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    name: Mapped[str] = mapped_column(String(200))
    cohort: Mapped[str] = mapped_column(String(64))
    capabilities: Mapped[dict[str, Any]]
    track: Mapped[str] = mapped_column(String(64))
    expected_go_live: Mapped[date | None]
