"""Reads and writes the services need. None of these commit: the calling use case does.

Bulk writes take :class:`typing.NamedTuple` rows (cheap to build by the hundred thousand) and
insert them with one multi-row statement per chunk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Query, Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from bezetting.store.enums import (
    AvailabilityKind,
    Channel,
    ImportKind,
    RequestKind,
    RequestStatus,
    ScheduleStatus,
)
from bezetting.store.models import (
    Absence,
    Agent,
    AgentSkill,
    AgentStateEvent,
    Availability,
    Client,
    ContactRecord,
    ImportBatch,
    Organisation,
    Queue,
    Request,
    Schedule,
    Shift,
    Skill,
    Team,
)

__all__ = [
    "AvailabilityValues",
    "ContactRecordValues",
    "agent_skill_levels",
    "agent_state_event",
    "agents_by_external_id",
    "approved_time_off",
    "clients_by_code",
    "existing_availability",
    "existing_contacts",
    "import_batch",
    "insert_availability",
    "insert_contact_records",
    "open_absence",
    "organisation_by_code",
    "organisations",
    "other_published_shifts",
    "queues_by_code",
    "replace_agent_skills",
    "schedule_with_shifts",
    "skills_by_code",
    "teams_by_name",
    "time_off_requests",
    "touch_schedule",
]

_IN_CHUNK = 1000


class ContactRecordValues(NamedTuple):
    """One contact record to insert (the columns of ``contact_records`` but the id)."""

    queue_id: int
    external_id: str
    channel: Channel
    customer_pseudonym: str | None
    arrived_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    abandoned: bool
    agent_code: str | None
    agent_id: int | None
    reason: str | None
    outcome: str | None
    csat: int | None
    import_batch_id: int | None


class AvailabilityValues(NamedTuple):
    """One availability window to insert."""

    agent_id: int
    starts_at: datetime
    ends_at: datetime
    kind: AvailabilityKind
    note: str | None
    import_batch_id: int | None


def organisations(session: Session) -> list[Organisation]:
    """Every organisation, oldest first."""
    return list(session.scalars(select(Organisation).order_by(Organisation.id)))


def organisation_by_code(session: Session, code: str) -> Organisation | None:
    """The organisation with this code, if any."""
    return session.scalar(select(Organisation).where(Organisation.code == code))


def clients_by_code(session: Session, organisation_id: int) -> dict[str, Client]:
    """The organisation's clients by code."""
    rows = session.scalars(select(Client).where(Client.organisation_id == organisation_id))
    return {client.code: client for client in rows}


def queues_by_code(session: Session, organisation_id: int) -> dict[str, Queue]:
    """The organisation's queues by code."""
    rows = session.scalars(select(Queue).where(Queue.organisation_id == organisation_id))
    return {queue.code: queue for queue in rows}


def agents_by_external_id(session: Session, organisation_id: int) -> dict[str, Agent]:
    """The organisation's agents by employee number."""
    rows = session.scalars(select(Agent).where(Agent.organisation_id == organisation_id))
    return {agent.external_id: agent for agent in rows}


def skills_by_code(session: Session, organisation_id: int) -> dict[str, Skill]:
    """The organisation's skills by code."""
    rows = session.scalars(select(Skill).where(Skill.organisation_id == organisation_id))
    return {skill.code: skill for skill in rows}


def teams_by_name(session: Session, organisation_id: int) -> dict[str, Team]:
    """The organisation's teams by name."""
    rows = session.scalars(select(Team).where(Team.organisation_id == organisation_id))
    return {team.name: team for team in rows}


def agent_skill_levels(session: Session, agent_ids: Iterable[int]) -> dict[int, dict[int, float]]:
    """Proficiency per skill id, per agent id (agents without skills are absent)."""
    result: dict[int, dict[int, float]] = {}
    ids = list(agent_ids)
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        for row in session.scalars(select(AgentSkill).where(AgentSkill.agent_id.in_(chunk))):
            result.setdefault(row.agent_id, {})[row.skill_id] = row.proficiency
    return result


def replace_agent_skills(session: Session, agent_id: int, levels: dict[int, float]) -> None:
    """Give the agent exactly these skills (skill id -> proficiency)."""
    session.execute(delete(AgentSkill).where(AgentSkill.agent_id == agent_id))
    session.add_all(
        AgentSkill(agent_id=agent_id, skill_id=skill_id, proficiency=level)
        for skill_id, level in levels.items()
    )


def import_batch(
    session: Session, organisation_id: int, kind: ImportKind, file_sha256: str
) -> ImportBatch | None:
    """The batch that already imported a file with this SHA-256, if any."""
    return session.scalar(
        select(ImportBatch).where(
            ImportBatch.organisation_id == organisation_id,
            ImportBatch.kind == kind,
            ImportBatch.file_sha256 == file_sha256,
        )
    )


def existing_contacts(
    session: Session, keys: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], ContactRecordValues]:
    """Stored contact records among ``(queue_id, external_id)`` keys, as values to compare."""
    columns = [getattr(ContactRecord, name) for name in ContactRecordValues._fields]
    key_list = list(keys)
    found: dict[tuple[int, str], ContactRecordValues] = {}
    for start in range(0, len(key_list), _IN_CHUNK):
        chunk = key_list[start : start + _IN_CHUNK]
        statement = select(*columns).where(
            tuple_(ContactRecord.queue_id, ContactRecord.external_id).in_(chunk)
        )
        for row in session.execute(statement):
            values = ContactRecordValues(*row)
            found[(values.queue_id, values.external_id)] = values
    return found


def insert_contact_records(
    session: Session, rows: Sequence[ContactRecordValues], *, chunk_rows: int = 10_000
) -> None:
    """Insert many contact records (one multi-row INSERT per chunk)."""
    for start in range(0, len(rows), chunk_rows):
        chunk = [row._asdict() for row in rows[start : start + chunk_rows]]
        session.execute(insert(ContactRecord), chunk)


def existing_availability(
    session: Session, agent_ids: Iterable[int]
) -> set[tuple[int, datetime, datetime, AvailabilityKind]]:
    """Keys ``(agent_id, starts_at, ends_at, kind)`` of the agents' stored windows."""
    ids = list(agent_ids)
    keys: set[tuple[int, datetime, datetime, AvailabilityKind]] = set()
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        statement = select(
            Availability.agent_id, Availability.starts_at, Availability.ends_at, Availability.kind
        ).where(Availability.agent_id.in_(chunk))
        keys.update((a, s, e, k) for a, s, e, k in session.execute(statement))
    return keys


def insert_availability(session: Session, rows: Sequence[AvailabilityValues]) -> None:
    """Insert availability windows."""
    if rows:
        session.execute(insert(Availability), [row._asdict() for row in rows])


def agent_state_event(session: Session, event_id: str) -> AgentStateEvent | None:
    """The state event with this id, if it was recorded."""
    return session.scalar(select(AgentStateEvent).where(AgentStateEvent.event_id == event_id))


def time_off_requests(session: Session, agent_id: int) -> list[Request]:
    """The agent's time-off requests, any status."""
    return list(
        session.scalars(
            select(Request).where(
                Request.agent_id == agent_id, Request.kind == RequestKind.TIME_OFF
            )
        )
    )


def approved_time_off(
    session: Session, agent_ids: Iterable[int], *, starts_before: datetime, ends_after: datetime
) -> list[Request]:
    """The agents' approved time off that overlaps the window (touching at an end is no
    overlap), earliest first."""
    return list(
        session.scalars(
            select(Request)
            .where(
                Request.agent_id.in_(list(agent_ids)),
                Request.kind == RequestKind.TIME_OFF,
                Request.status == RequestStatus.APPROVED,
                Request.starts_at < starts_before,
                Request.ends_at > ends_after,
            )
            .order_by(Request.starts_at, Request.id)
        )
    )


def open_absence(session: Session, agent_id: int) -> Absence | None:
    """The agent's absence that has no end yet, if any."""
    return session.scalar(
        select(Absence).where(Absence.agent_id == agent_id, Absence.ends_at.is_(None))
    )


def touch_schedule(schedule: Schedule, now: datetime) -> None:
    """Mark the schedule changed at ``now``, so the flush UPDATEs its row and bumps ``version``.

    Needed when only its shifts change (or ``now`` equals the last ``updated_at``): an UPDATE
    of the row is what checks and moves the version.
    """
    schedule.updated_at = now
    flag_modified(schedule, "updated_at")


def schedule_with_shifts(session: Session, schedule_id: int) -> Schedule | None:
    """A schedule with its shifts and their activities loaded."""
    return session.scalar(
        select(Schedule)
        .where(Schedule.id == schedule_id)
        .options(selectinload(Schedule.shifts).selectinload(Shift.activities))
    )


def organisation_schedules(session: Session, organisation_id: int) -> list[Schedule]:
    """The organisation's schedules, newest period first."""
    return list(
        session.scalars(
            select(Schedule)
            .where(Schedule.organisation_id == organisation_id)
            .order_by(Schedule.period_start.desc(), Schedule.id.desc())
        )
    )


def other_published_shifts(session: Session, schedule: Schedule) -> Query[Shift]:
    """The shifts of the organisation's published schedules other than ``schedule`` (to be
    filtered further)."""
    return (
        session.query(Shift)
        .join(Schedule, Shift.schedule_id == Schedule.id)
        .filter(
            Schedule.organisation_id == schedule.organisation_id,
            Schedule.status == ScheduleStatus.PUBLISHED,
            Schedule.id != schedule.id,
        )
    )
