"""Who serves whom: organisations, their clients, queues with hours and targets, skills, teams."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bezetting.store.enums import Channel
from bezetting.store.models.base import Base
from bezetting.store.types import enum_column_type

__all__ = [
    "Client",
    "OpeningException",
    "OpeningHours",
    "Organisation",
    "Queue",
    "QueueSkill",
    "Skill",
    "Team",
]


class Organisation(Base):
    """A contact centre or staffing agency: the top of every other record."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    created_at: Mapped[datetime]


class Client(Base):
    """A principal whose customers the organisation serves (or the organisation itself)."""

    __tablename__ = "clients"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))


class Queue(Base):
    """Where contacts of one channel wait, with its service target and patience assumptions.

    ``organisation_id`` repeats the client's organisation so that a queue code is unique per
    organisation (imports name queues by code).
    """

    __tablename__ = "queues"
    __table_args__ = (
        UniqueConstraint("organisation_id", "code"),
        CheckConstraint("interval_minutes IN (15, 30, 60)", name="interval_minutes"),
        CheckConstraint(
            "service_target_share > 0 AND service_target_share <= 1", name="service_target_share"
        ),
        CheckConstraint("service_target_seconds > 0", name="service_target_seconds"),
        CheckConstraint("chat_concurrency >= 1", name="chat_concurrency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[Channel] = mapped_column(enum_column_type(Channel, name="channel"))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    interval_minutes: Mapped[int] = mapped_column(SmallInteger, default=30)
    service_target_share: Mapped[float] = mapped_column(default=0.8)
    service_target_seconds: Mapped[float] = mapped_column(default=20.0)
    max_abandon_share: Mapped[float | None]
    patience_seconds: Mapped[float | None]
    chat_concurrency: Mapped[int] = mapped_column(SmallInteger, default=1)
    email_deadline_seconds: Mapped[float | None]


class OpeningHours(Base):
    """A queue's regular hours on one weekday (0 = Monday), in the queue's local time."""

    __tablename__ = "opening_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("opens < closes", name="opens_before_closes"),
    )

    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"), primary_key=True)
    weekday: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    opens: Mapped[time] = mapped_column(primary_key=True)
    closes: Mapped[time]


class OpeningException(Base):
    """Hours on one date that replace the weekday's (a holiday: both times empty, closed)."""

    __tablename__ = "opening_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"), index=True)
    on_date: Mapped[date]
    opens: Mapped[time | None]
    closes: Mapped[time | None]
    note: Mapped[str | None] = mapped_column(String(200))


class Skill(Base):
    """What an agent must know to handle a queue's contacts."""

    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))


class QueueSkill(Base):
    """A queue needs a skill."""

    __tablename__ = "queue_skills"

    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), primary_key=True)


class Team(Base):
    """Agents under one team lead."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
