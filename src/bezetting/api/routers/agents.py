"""``/agents``: an admin or planner sees every agent, a team lead with a team only that team's
(another's is 404), an agent only themself, a client viewer none.

The rule is :mod:`bezetting.services.access`'s, the same as on the pages.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel

from bezetting.api.deps import Caller, Context
from bezetting.api.routers.users import ID
from bezetting.services.access import AgentView, visible_agent, visible_agents

__all__ = ["AgentOut", "router"]

router = APIRouter(prefix="/agents", tags=["agents"])


class AgentOut(BaseModel):
    """An agent; ``end_date`` is their last day employed (inclusive), recorded by the agents
    import (there is no endpoint to edit agents)."""

    id: int
    external_id: str
    name: str
    team_id: int | None
    employment_type: str
    contract_hours_target: float
    active: bool
    start_date: date | None = None
    end_date: date | None = None

    @classmethod
    def of(cls, agent: AgentView) -> AgentOut:
        return cls(
            id=agent.id,
            external_id=agent.external_id,
            name=agent.name,
            team_id=agent.team_id,
            employment_type=agent.employment_type,
            contract_hours_target=agent.contract_hours_target,
            active=agent.active,
            start_date=agent.start_date,
            end_date=agent.end_date,
        )


@router.get("", response_model=list[AgentOut], summary="Agents the caller may see")
def agents(who: Caller, context: Context) -> list[AgentOut]:
    return [AgentOut.of(a) for a in visible_agents(context.sessions, who)]


@router.get("/{agent_id}", response_model=AgentOut, summary="One agent")
def agent(agent_id: ID, who: Caller, context: Context) -> AgentOut:
    return AgentOut.of(visible_agent(context.sessions, who, agent_id))
