"""Live contacts posted by a contact platform, stored idempotently by event id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bezetting.core.errors import ConflictError, InputError
from bezetting.services.users import Principal
from bezetting.store import SessionFactory, transaction
from bezetting.store.models import Agent, ContactRecord, Queue

__all__ = ["ContactEvent", "RecordedContact", "record_contact_event"]


@dataclass(frozen=True, kw_only=True)
class ContactEvent:
    """A live contact as the platform reports it; ``event_id`` makes re-delivery harmless."""

    event_id: str
    queue: str
    arrived_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    abandoned: bool = False
    agent: str | None = None


@dataclass(frozen=True)
class RecordedContact:
    """The stored contact record; ``duplicate`` when this event id was recorded before."""

    id: int
    event_id: str
    duplicate: bool


def record_contact_event(
    sessions: SessionFactory, who: Principal, event: ContactEvent
) -> RecordedContact:
    """Store a live contact of the caller's organisation, idempotent by event id per queue.

    Raises:
        InputError: unknown queue, naive or disordered times, an empty or long event id.
        ConflictError: the event id was recorded before with other content.
    """
    if not event.event_id or len(event.event_id) > 128:
        raise InputError(f"event id must be 1 to 128 characters, got {event.event_id!r}")
    times = [t for t in (event.arrived_at, event.answered_at, event.ended_at) if t is not None]
    if any(t.utcoffset() is None for t in times):
        raise InputError("every time of a contact event needs a time zone")
    if times != sorted(times):
        raise InputError("a contact must arrive, then be answered, then end")
    if event.abandoned and event.answered_at is not None:
        raise InputError("an abandoned contact has no answered_at")
    try:
        return _record_contact(sessions, who, event)
    except ConflictError:
        # Another delivery of the same event may have won the race: answer as for a
        # re-delivery (a real content conflict raises again).
        return _record_contact(sessions, who, event)


def _record_contact(
    sessions: SessionFactory, who: Principal, event: ContactEvent
) -> RecordedContact:
    with transaction(sessions, writes=True) as session:
        queue = (
            session.query(Queue)
            .filter(Queue.organisation_id == who.organisation_id, Queue.code == event.queue)
            .one_or_none()
        )
        if queue is None:
            raise InputError(f"unknown queue {event.queue!r}")
        agent_id = None
        if event.agent is not None:
            agent = (
                session.query(Agent)
                .filter(
                    Agent.organisation_id == who.organisation_id,
                    Agent.external_id == event.agent,
                )
                .one_or_none()
            )
            agent_id = agent.id if agent is not None else None
        earlier = (
            session.query(ContactRecord)
            .filter(ContactRecord.queue_id == queue.id, ContactRecord.external_id == event.event_id)
            .one_or_none()
        )
        content = (event.arrived_at, event.answered_at, event.ended_at, event.abandoned)
        if earlier is not None:
            stored = (earlier.arrived_at, earlier.answered_at, earlier.ended_at, earlier.abandoned)
            if stored != content:
                raise ConflictError(
                    f"event id {event.event_id!r} was recorded before with other content; "
                    "event ids must be unique"
                )
            return RecordedContact(earlier.id, event.event_id, duplicate=True)
        record = ContactRecord(
            queue_id=queue.id,
            external_id=event.event_id,
            channel=queue.channel,
            arrived_at=event.arrived_at,
            answered_at=event.answered_at,
            ended_at=event.ended_at,
            abandoned=event.abandoned,
            agent_code=event.agent,
            agent_id=agent_id,
        )
        session.add(record)
        session.flush()
        return RecordedContact(record.id, event.event_id, duplicate=False)
