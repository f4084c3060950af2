"""Record an agent's state change (from the telephony or chat platform), idempotent by event id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bezetting.core.errors import ConflictError, InputError
from bezetting.services.organisations import resolve_organisation
from bezetting.store import SessionFactory, queries, transaction
from bezetting.store.enums import AgentState
from bezetting.store.models import AgentStateEvent

__all__ = ["RecordedStateEvent", "record_agent_state"]


@dataclass(frozen=True)
class RecordedStateEvent:
    """The stored event; ``duplicate`` when this event id had been recorded before."""

    id: int
    event_id: str
    duplicate: bool


def record_agent_state(
    sessions: SessionFactory,
    *,
    event_id: str,
    agent: str,
    state: AgentState,
    occurred_at: datetime,
    now: datetime,
    source: str | None = None,
    organisation: str | None = None,
) -> RecordedStateEvent:
    """Store that ``agent`` (employee number) entered ``state`` at ``occurred_at``.

    Delivering the same event again (same id, same content) changes nothing and says
    ``duplicate=True``, also when two deliveries race.

    Raises:
        InputError: unknown agent, empty or long event id, naive time.
        ConflictError: the event id was recorded before with different content.
    """
    if not event_id or len(event_id) > 128:
        raise InputError(f"event id must be 1 to 128 characters, got {event_id!r}")
    if occurred_at.utcoffset() is None:
        raise InputError(f"occurred_at {occurred_at.isoformat()} has no time zone")
    try:
        with transaction(sessions, writes=True) as session:
            org = resolve_organisation(session, organisation)
            known = queries.agents_by_external_id(session, org.id).get(agent)
            if known is None:
                raise InputError(f"unknown agent {agent!r} in {org.code!r}")
            earlier = queries.agent_state_event(session, event_id)
            if earlier is not None:
                return _duplicate(earlier, known.id, state, occurred_at)
            event = AgentStateEvent(
                event_id=event_id,
                agent_id=known.id,
                state=state,
                occurred_at=occurred_at,
                received_at=now,
                source=source,
            )
            session.add(event)
            session.flush()
            return RecordedStateEvent(event.id, event_id, duplicate=False)
    except ConflictError:
        # Another delivery of the same event won the race: answer as for a re-delivery.
        with transaction(sessions) as session:
            earlier = queries.agent_state_event(session, event_id)
            if earlier is None:
                raise
            org = resolve_organisation(session, organisation)
            known = queries.agents_by_external_id(session, org.id)[agent]
            return _duplicate(earlier, known.id, state, occurred_at)


def _duplicate(
    earlier: AgentStateEvent, agent_id: int, state: AgentState, occurred_at: datetime
) -> RecordedStateEvent:
    if (earlier.agent_id, earlier.state, earlier.occurred_at) != (agent_id, state, occurred_at):
        raise ConflictError(
            f"event id {earlier.event_id!r} was recorded before with other content "
            f"(agent {earlier.agent_id}, {earlier.state.value} at "
            f"{earlier.occurred_at.isoformat()}); event ids must be unique"
        )
    return RecordedStateEvent(earlier.id, earlier.event_id, duplicate=True)
