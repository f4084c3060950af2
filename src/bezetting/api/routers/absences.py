"""``/absences``: report sick and better: an agent for themself, a team lead for their agents."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bezetting.api.deps import Context, require_roles
from bezetting.core.errors import InputError
from bezetting.services.absence import AbsenceRef, report_better, report_sick, undo_sick_report
from bezetting.services.access import check_agent_reach
from bezetting.services.users import Principal
from bezetting.store.enums import AbsenceKind, Role

__all__ = ["AbsenceOut", "BetterIn", "SickIn", "UndoIn", "router"]

router = APIRouter(prefix="/absences", tags=["absences"])
Reporter = Annotated[Principal, Depends(require_roles(Role.AGENT, Role.TEAM_LEAD))]
AgentId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class SickIn(BaseModel):
    """Sick since ``since`` (default now); a team lead names the agent."""

    model_config = ConfigDict(extra="forbid")

    agent_id: AgentId | None = None
    since: AwareDatetime | None = None
    kind: AbsenceKind = AbsenceKind.SICK


class BetterIn(BaseModel):
    """Better at ``at`` (default now); a team lead names the agent."""

    model_config = ConfigDict(extra="forbid")

    agent_id: AgentId | None = None
    at: AwareDatetime | None = None


class UndoIn(BaseModel):
    """Undo the open sick report as a mistake; a team lead names the agent."""

    model_config = ConfigDict(extra="forbid")

    agent_id: AgentId | None = None


class AbsenceOut(BaseModel):
    """An absence: open while ``ends_at`` is null; ``withdrawn`` when it was taken back as a
    mistake (within 10 minutes) and is no longer stored."""

    id: int
    agent_id: int
    starts_at: datetime
    ends_at: datetime | None
    withdrawn: bool = False

    @classmethod
    def of(cls, agent_id: int, ref: AbsenceRef) -> AbsenceOut:
        return cls(
            id=ref.id,
            agent_id=agent_id,
            starts_at=ref.starts_at,
            ends_at=ref.ends_at,
            withdrawn=ref.withdrawn,
        )


def _target(who: Principal, agent_id: int | None, context: Context) -> int:
    if agent_id is None:
        if who.agent_id is None:
            raise InputError("name the agent: agent_id")
        agent_id = who.agent_id
    check_agent_reach(context.sessions, who, agent_id)
    return agent_id


@router.post("/sick", response_model=AbsenceOut, status_code=201, summary="Report sick")
def sick(body: SickIn, who: Reporter, context: Context) -> AbsenceOut:
    agent_id = _target(who, body.agent_id, context)
    ref = report_sick(
        context.sessions, agent_id=agent_id, now=context.clock(), since=body.since, kind=body.kind
    )
    return AbsenceOut.of(agent_id, ref)


@router.post("/better", response_model=AbsenceOut, summary="Report better")
def better(body: BetterIn, who: Reporter, context: Context) -> AbsenceOut:
    agent_id = _target(who, body.agent_id, context)
    ref = report_better(context.sessions, agent_id=agent_id, now=context.clock(), at=body.at)
    return AbsenceOut.of(agent_id, ref)


@router.post("/undo", response_model=AbsenceOut, summary="Undo a sick report made by mistake")
def undo(body: UndoIn, who: Reporter, context: Context) -> AbsenceOut:
    """Within 10 minutes of reporting sick the report can be taken back: it is deleted and
    counts nowhere. Later it is an absence: report better instead (422)."""
    agent_id = _target(who, body.agent_id, context)
    ref = undo_sick_report(context.sessions, agent_id=agent_id, now=context.clock())
    return AbsenceOut.of(agent_id, ref)
