"""Reads and bulk writes of the planning use cases (forecast, requirements, schedule).

Like :mod:`bezetting.store.queries`, none of these commit: the calling use case does. Kept in
their own module so the planning services read as one story: history in, plan out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import NamedTuple, TypeVar

from sqlalchemy import Select, exists, func, insert, select
from sqlalchemy.orm import Session, selectinload

from bezetting.store.enums import RequestKind, RequestStatus, ScheduleStatus
from bezetting.store.models import (
    Absence,
    Agent,
    AgentPreference,
    AgentSkill,
    Availability,
    ContactRecord,
    Forecast,
    ForecastInterval,
    OpeningException,
    OpeningHours,
    Queue,
    QueueSkill,
    Request,
    Requirement,
    RequirementInterval,
    Schedule,
    Shift,
    Skill,
)

__all__ = [
    "ContactTimes",
    "ForecastIntervalValues",
    "RequirementIntervalValues",
    "absences_between",
    "active_agents",
    "agent_preferences",
    "agent_skills",
    "approved_time_off_between",
    "availability_between",
    "contact_times",
    "forecast_intervals",
    "insert_forecast_intervals",
    "insert_requirement_intervals",
    "newest_requirement_between",
    "next_forecast_version",
    "opening_exceptions",
    "opening_hours",
    "organisation_queues",
    "organisation_skills",
    "published_shifts_between",
    "queue_skill_ids",
    "requirement_intervals_between",
]

_IN_CHUNK = 1000

_Row = TypeVar("_Row")


def _for_ids(
    session: Session, ids: Iterable[int], query: Callable[[list[int]], Select[_Row]]
) -> list[_Row]:
    """Rows of ``query`` for many ids, asked in chunks: databases cap the bound parameters."""
    wanted = list(ids)
    rows: list[_Row] = []
    for start in range(0, len(wanted), _IN_CHUNK):
        rows.extend(session.scalars(query(wanted[start : start + _IN_CHUNK])))
    return rows


class ContactTimes(NamedTuple):
    """The columns of a contact record that the forecast needs."""

    arrived_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    abandoned: bool


class ForecastIntervalValues(NamedTuple):
    """One forecast interval to insert."""

    forecast_id: int
    interval_start: datetime
    volume: float
    aht_seconds: float
    volume_lo: float | None
    volume_hi: float | None


class RequirementIntervalValues(NamedTuple):
    """One requirement interval to insert."""

    requirement_id: int
    interval_start: datetime
    agents: int
    agents_fractional: float
    gross_agents_fractional: float | None
    service_level: float | None
    asa_seconds: float | None
    abandon_rate: float | None
    occupancy: float | None


def contact_times(
    session: Session, queue_id: int, *, since: datetime, until: datetime
) -> list[ContactTimes]:
    """The queue's contacts that arrived in ``[since, until)``, oldest first."""
    statement = (
        select(
            ContactRecord.arrived_at,
            ContactRecord.answered_at,
            ContactRecord.ended_at,
            ContactRecord.abandoned,
        )
        .where(
            ContactRecord.queue_id == queue_id,
            ContactRecord.arrived_at >= since,
            ContactRecord.arrived_at < until,
        )
        .order_by(ContactRecord.arrived_at)
    )
    return [ContactTimes(*row) for row in session.execute(statement)]


def opening_hours(session: Session, queue_id: int) -> list[OpeningHours]:
    """The queue's regular hours, by weekday and opening time."""
    return list(
        session.scalars(
            select(OpeningHours)
            .where(OpeningHours.queue_id == queue_id)
            .order_by(OpeningHours.weekday, OpeningHours.opens)
        )
    )


def opening_exceptions(session: Session, queue_id: int) -> list[OpeningException]:
    """The queue's per-date hours (holidays, extended hours), by date."""
    return list(
        session.scalars(
            select(OpeningException)
            .where(OpeningException.queue_id == queue_id)
            .order_by(OpeningException.on_date, OpeningException.id)
        )
    )


def next_forecast_version(session: Session, queue_id: int) -> int:
    """One more than the queue's newest forecast version (1 for the first)."""
    newest = session.scalar(select(func.max(Forecast.version)).where(Forecast.queue_id == queue_id))
    return 1 if newest is None else int(newest) + 1


def insert_forecast_intervals(session: Session, rows: Sequence[ForecastIntervalValues]) -> None:
    """Insert a forecast's intervals (one multi-row INSERT per chunk)."""
    for start in range(0, len(rows), 5000):
        chunk = [row._asdict() for row in rows[start : start + 5000]]
        session.execute(insert(ForecastInterval), chunk)


def forecast_intervals(session: Session, forecast_id: int) -> list[ForecastInterval]:
    """A forecast's intervals, in time order."""
    return list(
        session.scalars(
            select(ForecastInterval)
            .where(ForecastInterval.forecast_id == forecast_id)
            .order_by(ForecastInterval.interval_start)
        )
    )


def insert_requirement_intervals(
    session: Session, rows: Sequence[RequirementIntervalValues]
) -> None:
    """Insert a requirement's intervals (one multi-row INSERT per chunk)."""
    for start in range(0, len(rows), 5000):
        chunk = [row._asdict() for row in rows[start : start + 5000]]
        session.execute(insert(RequirementInterval), chunk)


def organisation_queues(session: Session, organisation_id: int) -> list[Queue]:
    """The organisation's queues, by code."""
    return list(
        session.scalars(
            select(Queue).where(Queue.organisation_id == organisation_id).order_by(Queue.code)
        )
    )


def organisation_skills(session: Session, organisation_id: int) -> list[Skill]:
    """The organisation's skills, by code."""
    return list(
        session.scalars(
            select(Skill).where(Skill.organisation_id == organisation_id).order_by(Skill.code)
        )
    )


def queue_skill_ids(session: Session, queue_ids: Iterable[int]) -> dict[int, list[int]]:
    """Skill ids each queue needs (queues without a linked skill are absent)."""
    result: dict[int, list[int]] = {}
    rows = _for_ids(
        session,
        queue_ids,
        lambda chunk: (
            select(QueueSkill).where(QueueSkill.queue_id.in_(chunk)).order_by(QueueSkill.skill_id)
        ),
    )
    for row in rows:
        result.setdefault(row.queue_id, []).append(row.skill_id)
    return result


def newest_requirement_between(
    session: Session, queue_id: int, *, starts: datetime, ends: datetime
) -> Requirement | None:
    """The queue's most recent requirement with at least one interval in ``[starts, ends)``."""
    # Correlated, so each candidate is probed through the (requirement_id, interval_start) key.
    covering = exists().where(
        RequirementInterval.requirement_id == Requirement.id,
        RequirementInterval.interval_start >= starts,
        RequirementInterval.interval_start < ends,
    )
    return session.scalar(
        select(Requirement)
        .where(Requirement.queue_id == queue_id, covering)
        .order_by(Requirement.created_at.desc(), Requirement.id.desc())
        .limit(1)
    )


def requirement_intervals_between(
    session: Session, requirement_id: int, *, starts: datetime, ends: datetime
) -> list[RequirementInterval]:
    """A requirement's intervals starting in ``[starts, ends)``, in time order."""
    return list(
        session.scalars(
            select(RequirementInterval)
            .where(
                RequirementInterval.requirement_id == requirement_id,
                RequirementInterval.interval_start >= starts,
                RequirementInterval.interval_start < ends,
            )
            .order_by(RequirementInterval.interval_start)
        )
    )


def active_agents(session: Session, organisation_id: int) -> list[Agent]:
    """The organisation's active agents, by employee number."""
    return list(
        session.scalars(
            select(Agent)
            .where(Agent.organisation_id == organisation_id, Agent.active.is_(True))
            .order_by(Agent.external_id)
        )
    )


def agent_skills(session: Session, agent_ids: Iterable[int]) -> list[AgentSkill]:
    """The agents' skills with proficiency."""
    return _for_ids(
        session, agent_ids, lambda chunk: select(AgentSkill).where(AgentSkill.agent_id.in_(chunk))
    )


def availability_between(
    session: Session, agent_ids: Iterable[int], *, starts: datetime, ends: datetime
) -> list[Availability]:
    """The agents' availability windows overlapping ``[starts, ends)``."""
    return _for_ids(
        session,
        agent_ids,
        lambda chunk: (
            select(Availability)
            .where(
                Availability.agent_id.in_(chunk),
                Availability.starts_at < ends,
                Availability.ends_at > starts,
            )
            .order_by(Availability.agent_id, Availability.starts_at)
        ),
    )


def agent_preferences(session: Session, agent_ids: Iterable[int]) -> list[AgentPreference]:
    """The agents' standing wishes."""
    return _for_ids(
        session,
        agent_ids,
        lambda chunk: (
            select(AgentPreference)
            .where(AgentPreference.agent_id.in_(chunk))
            .order_by(AgentPreference.agent_id, AgentPreference.id)
        ),
    )


def approved_time_off_between(
    session: Session, agent_ids: Iterable[int], *, starts: datetime, ends: datetime
) -> list[Request]:
    """Approved time-off requests of the agents overlapping ``[starts, ends)``."""
    return _for_ids(
        session,
        agent_ids,
        lambda chunk: select(Request).where(
            Request.agent_id.in_(chunk),
            Request.kind == RequestKind.TIME_OFF,
            Request.status == RequestStatus.APPROVED,
            Request.starts_at.is_not(None),
            Request.ends_at.is_not(None),
            Request.starts_at < ends,
            Request.ends_at > starts,
        ),
    )


def absences_between(
    session: Session, agent_ids: Iterable[int], *, starts: datetime, ends: datetime
) -> list[Absence]:
    """Absences of the agents overlapping ``[starts, ends)`` (an open one runs on)."""
    return _for_ids(
        session,
        agent_ids,
        lambda chunk: select(Absence).where(
            Absence.agent_id.in_(chunk),
            Absence.starts_at < ends,
            (Absence.ends_at.is_(None)) | (Absence.ends_at > starts),
        ),
    )


def published_shifts_between(
    session: Session, organisation_id: int, *, starts: datetime, ends: datetime
) -> list[Shift]:
    """Shifts of the organisation's published schedules that start in ``[starts, ends)``,
    with their activities loaded."""
    return list(
        session.scalars(
            select(Shift)
            .join(Schedule, Shift.schedule_id == Schedule.id)
            .where(
                Schedule.organisation_id == organisation_id,
                Schedule.status == ScheduleStatus.PUBLISHED,
                Shift.starts_at >= starts,
                Shift.starts_at < ends,
            )
            .options(selectinload(Shift.activities))
            .order_by(Shift.agent_id, Shift.starts_at)
        )
    )
