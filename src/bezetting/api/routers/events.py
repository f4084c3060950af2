"""``/events``: live agent states and contacts from the platform, by integration token.

Both are idempotent by event id: delivering an event again answers ``duplicate: true`` and
changes nothing; the same id with other content is a 409 conflict.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bezetting.api.deps import Context, Integration
from bezetting.services.agent_states import record_agent_state
from bezetting.services.contact_events import ContactEvent, record_contact_event
from bezetting.store.enums import AgentState

__all__ = ["AgentStateIn", "ContactIn", "EventOut", "router"]

router = APIRouter(prefix="/events", tags=["events"])
EventId = Annotated[str, Field(min_length=1, max_length=128)]


class AgentStateIn(BaseModel):
    """Agent ``agent`` (employee number) entered ``state`` at ``occurred_at``."""

    model_config = ConfigDict(extra="forbid")

    event_id: EventId
    agent: Annotated[str, Field(min_length=1, max_length=64)]
    state: AgentState
    occurred_at: AwareDatetime
    source: Annotated[str, Field(max_length=64)] | None = None


class ContactIn(BaseModel):
    """A contact on queue ``queue`` (code); times in ISO 8601 with offset."""

    model_config = ConfigDict(extra="forbid")

    event_id: EventId
    queue: Annotated[str, Field(min_length=1, max_length=64)]
    arrived_at: AwareDatetime
    answered_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None
    abandoned: bool = False
    agent: Annotated[str, Field(max_length=64)] | None = None


class EventOut(BaseModel):
    """The stored record's id; ``duplicate`` when the event had been delivered before."""

    id: int
    event_id: str
    duplicate: bool


@router.post("/agent-state", response_model=EventOut, summary="An agent changed state")
def agent_state(body: AgentStateIn, who: Integration, context: Context) -> EventOut:
    recorded = record_agent_state(
        context.sessions,
        event_id=body.event_id,
        agent=body.agent,
        state=body.state,
        occurred_at=body.occurred_at,
        now=context.clock(),
        source=body.source,
        organisation=who.organisation_code,
    )
    return EventOut(id=recorded.id, event_id=recorded.event_id, duplicate=recorded.duplicate)


@router.post(
    "/contacts", response_model=EventOut, summary="A contact arrived, was answered or ended"
)
def contact(body: ContactIn, who: Integration, context: Context) -> EventOut:
    recorded = record_contact_event(
        context.sessions,
        who,
        ContactEvent(
            event_id=body.event_id,
            queue=body.queue,
            arrived_at=body.arrived_at,
            answered_at=body.answered_at,
            ended_at=body.ended_at,
            abandoned=body.abandoned,
            agent=body.agent,
        ),
    )
    return EventOut(id=recorded.id, event_id=recorded.event_id, duplicate=recorded.duplicate)
