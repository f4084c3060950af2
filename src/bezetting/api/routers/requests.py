"""``/requests``: an agent asks for time off; a planner decides."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bezetting.api.deps import Caller, Context, require_roles
from bezetting.api.routers.users import ID
from bezetting.services.absence import request_time_off
from bezetting.services.errors import PermissionDeniedError
from bezetting.services.requests import RequestView, decide_request, visible_requests
from bezetting.services.users import Principal
from bezetting.store.enums import Role

__all__ = ["DecisionIn", "RequestOut", "TimeOffIn", "router"]

router = APIRouter(prefix="/requests", tags=["requests"])
AgentCaller = Annotated[Principal, Depends(require_roles(Role.AGENT))]
Decider = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.PLANNER, Role.TEAM_LEAD))]


class TimeOffIn(BaseModel):
    """Time off for the caller, from ``starts_at`` to ``ends_at``."""

    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime
    ends_at: AwareDatetime
    reason: Annotated[str, Field(max_length=400)] | None = None


class DecisionIn(BaseModel):
    """Approve (true) or reject (false)."""

    model_config = ConfigDict(extra="forbid")

    approve: bool


class RequestOut(BaseModel):
    """A request and where it stands."""

    id: int
    agent_id: int
    kind: str
    status: str
    starts_at: datetime | None
    ends_at: datetime | None
    reason: str | None

    @classmethod
    def of(cls, r: RequestView) -> RequestOut:
        return cls(
            id=r.id,
            agent_id=r.agent_id,
            kind=r.kind,
            status=r.status,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            reason=r.reason,
        )


@router.get("", response_model=list[RequestOut], summary="Requests the caller may see")
def requests(who: Caller, context: Context) -> list[RequestOut]:
    return [RequestOut.of(r) for r in visible_requests(context.sessions, who)]


@router.post("/time-off", response_model=RequestOut, status_code=201, summary="Ask for time off")
def time_off(body: TimeOffIn, who: AgentCaller, context: Context) -> RequestOut:
    if who.agent_id is None:
        raise PermissionDeniedError("this user is not linked to an agent")
    ref = request_time_off(
        context.sessions,
        agent_id=who.agent_id,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        now=context.clock(),
        reason=body.reason,
    )
    return RequestOut(
        id=ref.id,
        agent_id=who.agent_id,
        kind="time_off",
        status=ref.status.value,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        reason=body.reason,
    )


@router.post("/{request_id}/decision", response_model=RequestOut, summary="Decide a request")
def decide(request_id: ID, body: DecisionIn, who: Decider, context: Context) -> RequestOut:
    view = decide_request(
        context.sessions, who, request_id, approve=body.approve, now=context.clock()
    )
    return RequestOut.of(view)
