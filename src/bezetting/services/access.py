"""What a principal may see: agents, their own published shifts and queues, scoped by role.

Which agents a principal reaches is one rule, here, for every page and API route that names
agents (the agents themselves, requests, swaps, absences, decisions on requests and swaps, the
team overview: :func:`agent_ids_in_reach`, :func:`reaches_agent`):

* an admin or planner: every agent of the organisation;
* a team lead with a team: that team's agents only; without a team (a lead over the whole
  organisation): every agent of the organisation, as on their team page;
* an agent: themself; a client viewer: nobody.

Each use case answers NotFoundError for a record outside the caller's reach, so a denied read
carries no data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.users import Principal
from bezetting.store import Session, SessionFactory, transaction
from bezetting.store.enums import Role, ScheduleStatus
from bezetting.store.models import Agent, Queue, Schedule, Shift

__all__ = [
    "STAFF_ROLES",
    "ActivityBlock",
    "AgentView",
    "QueueView",
    "ShiftView",
    "agent_ids_in_reach",
    "check_agent_reach",
    "merged_blocks",
    "published_shift_views",
    "published_shifts",
    "reaches_agent",
    "visible_agent",
    "visible_agents",
    "visible_queue",
    "visible_queues",
]

STAFF_ROLES = (Role.ADMIN, Role.PLANNER, Role.TEAM_LEAD)
"""Roles that see every queue of their organisation, and agents beyond their own record (a
team lead with a team: only that team's, see the module docstring)."""


@dataclass(frozen=True, kw_only=True)
class AgentView:
    """An agent as the API shows it."""

    id: int
    external_id: str
    name: str
    team_id: int | None
    employment_type: str
    contract_hours_target: float
    active: bool
    start_date: date | None = None
    end_date: date | None = None  # the last day employed (inclusive); None: no end recorded


@dataclass(frozen=True, kw_only=True)
class ShiftView:
    """A published shift with its activities (kind, start, end, location)."""

    id: int
    schedule_id: int
    starts_at: datetime
    ends_at: datetime
    activities: tuple[tuple[str, datetime, datetime, str], ...]


@dataclass(frozen=True, kw_only=True)
class QueueView:
    """A queue with its service target."""

    id: int
    client_id: int
    code: str
    name: str
    channel: str
    service_target_share: float
    service_target_seconds: float


def _agent_view(agent: Agent) -> AgentView:
    return AgentView(
        id=agent.id,
        external_id=agent.external_id,
        name=agent.name,
        team_id=agent.team_id,
        employment_type=agent.employment_type.value,
        contract_hours_target=agent.contract_hours_target,
        active=agent.active,
        start_date=agent.start_date,
        end_date=agent.end_date,
    )


def _agents_in_reach(
    session: Session, who: Principal, *, agent_id: int | None = None
) -> list[Agent]:
    """The agents ``who`` reaches (the rule in the module docstring), by id; only ``agent_id``
    when given."""
    query = session.query(Agent).filter(Agent.organisation_id == who.organisation_id)
    if who.role is Role.TEAM_LEAD and who.team_id is not None:
        query = query.filter(Agent.team_id == who.team_id)
    elif who.role not in STAFF_ROLES:
        query = query.filter(Agent.id == (who.agent_id if who.agent_id is not None else -1))
    if agent_id is not None:
        query = query.filter(Agent.id == agent_id)
    return list(query.order_by(Agent.id).all())


def agent_ids_in_reach(session: Session, who: Principal) -> frozenset[int]:
    """The ids of the agents ``who`` reaches, to scope other records that name agents
    (requests, swaps) by the same rule as the agents themselves."""
    return frozenset(a.id for a in _agents_in_reach(session, who))


def reaches_agent(session: Session, who: Principal, agent_id: int) -> bool:
    """Whether ``who`` reaches the agent (the rule in the module docstring), for a use case
    that acts on one agent's record (a request, a swap) inside its own transaction."""
    return bool(_agents_in_reach(session, who, agent_id=agent_id))


def visible_agents(sessions: SessionFactory, who: Principal) -> list[AgentView]:
    """The agents ``who`` reaches (see the module docstring), by id.

    Raises:
        PermissionDeniedError: a client viewer (agents are not theirs to see).
    """
    if who.role is Role.CLIENT_VIEWER:
        raise PermissionDeniedError("client viewers do not see agents")
    with transaction(sessions) as session:
        return [_agent_view(a) for a in _agents_in_reach(session, who)]


def visible_agent(sessions: SessionFactory, who: Principal, agent_id: int) -> AgentView:
    """One agent, when ``who`` reaches them.

    Raises:
        PermissionDeniedError: a client viewer.
        NotFoundError: no such agent, or one outside the caller's reach (another team's, for a
            team lead with a team; anyone else, for an agent).
    """
    if who.role is Role.CLIENT_VIEWER:
        raise PermissionDeniedError("client viewers do not see agents")
    with transaction(sessions) as session:
        found = _agents_in_reach(session, who, agent_id=agent_id)
        if not found:
            raise NotFoundError(f"no agent with id {agent_id}")
        return _agent_view(found[0])


def check_agent_reach(sessions: SessionFactory, who: Principal, agent_id: int) -> None:
    """Raise NotFoundError unless ``who`` may act for ``agent_id``: themself, or a team lead
    who reaches them (their team's agent; any agent, for a team lead without a team)."""
    with transaction(sessions) as session:
        acts_for = who.role is Role.TEAM_LEAD or who.agent_id == agent_id
        if not (acts_for and reaches_agent(session, who, agent_id)):
            raise NotFoundError(f"no agent with id {agent_id}")


def published_shifts(
    sessions: SessionFactory, who: Principal, *, starts_from: datetime, ends_before: datetime
) -> list[ShiftView]:
    """The caller's own shifts in published schedules that overlap the window.

    Raises:
        PermissionDeniedError: the caller is not linked to an agent.
    """
    if who.agent_id is None:
        raise PermissionDeniedError("only an agent has a schedule of their own")
    with transaction(sessions) as session:
        return published_shift_views(
            session,
            agent_id=who.agent_id,
            organisation_id=who.organisation_id,
            starts_from=starts_from,
            ends_before=ends_before,
        )


def published_shift_views(
    session: Session,
    *,
    agent_id: int,
    organisation_id: int,
    starts_from: datetime,
    ends_before: datetime,
) -> list[ShiftView]:
    """One agent's published shifts overlapping the window, as the agent sees them.

    The one query behind the agent's schedule (page and API) and their calendar feed; the
    caller has checked who may see them.
    """
    shifts = (
        session.query(Shift)
        .join(Schedule, Shift.schedule_id == Schedule.id)
        .filter(
            Shift.agent_id == agent_id,
            Schedule.organisation_id == organisation_id,
            Schedule.status == ScheduleStatus.PUBLISHED,
            Shift.starts_at < ends_before,
            Shift.ends_at > starts_from,
        )
        .order_by(Shift.starts_at)
        .all()
    )
    return [
        ShiftView(
            id=s.id,
            schedule_id=s.schedule_id,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            activities=merged_blocks(
                (a.kind.value, a.starts_at, a.ends_at, a.location.value)
                for a in sorted(s.activities, key=lambda a: a.starts_at)
            ),
        )
        for s in shifts
    ]


ActivityBlock = tuple[str, datetime, datetime, str]
"""An activity as the agent sees it: kind, start, end, location."""


def merged_blocks(activities: Iterable[ActivityBlock]) -> tuple[ActivityBlock, ...]:
    """Join back-to-back blocks of the same kind and place into one.

    The optimiser assigns contact work per skill and quarter-hour; an agent at home is logged
    on to all their skills at once, so to them 11:00-16:00 is one block of work, not twenty.

    """
    blocks: list[ActivityBlock] = []
    for kind, starts_at, ends_at, location in activities:
        if blocks:
            last_kind, last_start, last_end, last_location = blocks[-1]
            if (last_kind, last_end, last_location) == (kind, starts_at, location):
                blocks[-1] = (kind, last_start, ends_at, location)
                continue
        blocks.append((kind, starts_at, ends_at, location))
    return tuple(blocks)


def _queue_view(q: Queue) -> QueueView:
    return QueueView(
        id=q.id,
        client_id=q.client_id,
        code=q.code,
        name=q.name,
        channel=q.channel.value,
        service_target_share=q.service_target_share,
        service_target_seconds=q.service_target_seconds,
    )


def visible_queues(sessions: SessionFactory, who: Principal) -> list[QueueView]:
    """Staff see every queue of the organisation; a client viewer only its client's.

    Raises:
        PermissionDeniedError: an agent.
    """
    if who.role is Role.AGENT:
        raise PermissionDeniedError("agents do not see queues")
    with transaction(sessions) as session:
        query = session.query(Queue).filter(Queue.organisation_id == who.organisation_id)
        if who.role is Role.CLIENT_VIEWER:
            query = query.filter(Queue.client_id == (who.client_id or -1))
        return [_queue_view(q) for q in query.order_by(Queue.id).all()]


def visible_queue(sessions: SessionFactory, who: Principal, queue_id: int) -> QueueView:
    """One queue, when ``who`` may see it (else NotFoundError, or PermissionDeniedError)."""
    for queue in visible_queues(sessions, who):
        if queue.id == queue_id:
            return queue
    raise NotFoundError(f"no queue with id {queue_id}")
