"""``/requests``: an agent asks for time off (and withdraws it while pending); a planner or
team lead decides, and may cancel approved time off that has not started.

Approving time off gives back the agent's published shifts it overlaps (the same service
function as the team page, :func:`bezetting.services.requests.decide_request`); a pending
time-off request lists them in ``clashes`` beforehand, the decision those it gave back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bezetting.api.deps import Caller, Context, require_roles
from bezetting.api.routers.users import ID
from bezetting.services.absence import request_time_off
from bezetting.services.errors import PermissionDeniedError
from bezetting.services.requests import (
    Clash,
    RequestView,
    cancel_time_off,
    decide_request,
    visible_requests,
    withdraw_time_off,
)
from bezetting.services.users import Principal
from bezetting.store.enums import Role

__all__ = ["ClashOut", "DecisionIn", "RequestOut", "TimeOffIn", "router"]

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


class ClashOut(BaseModel):
    """A published shift of the agent that the time off overlaps: approving gives it back
    (whole, also when ``whole`` is false), unless it had ``started`` (then it stays)."""

    shift_id: int
    schedule_id: int
    starts_at: datetime
    ends_at: datetime
    whole: bool
    started: bool

    @classmethod
    def of(cls, c: Clash) -> ClashOut:
        return cls(
            shift_id=c.shift_id,
            schedule_id=c.schedule_id,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            whole=c.whole,
            started=c.started,
        )


class RequestOut(BaseModel):
    """A request and where it stands. ``clashes``: for a pending time-off request the shifts
    approving it now would give back; in a decision's answer those it gave back. Cancelled
    time off says how: ``withdrawn`` (the agent took it back while pending) or
    ``cancelled_by`` (the e-mail of the team lead, planner or admin who cancelled it)."""

    id: int
    agent_id: int
    kind: str
    status: str
    starts_at: datetime | None
    ends_at: datetime | None
    reason: str | None
    clashes: list[ClashOut] = Field(default_factory=list)
    withdrawn: bool = False
    cancelled_by: str | None = None

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
            clashes=[ClashOut.of(c) for c in r.clashes],
            withdrawn=r.withdrawn,
            cancelled_by=r.cancelled_by,
        )


@router.get("", response_model=list[RequestOut], summary="Requests the caller may see")
def requests(who: Caller, context: Context) -> list[RequestOut]:
    return [RequestOut.of(r) for r in visible_requests(context.sessions, who, now=context.clock())]


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
        max_days=context.settings.time_off_max_days,
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


@router.post(
    "/{request_id}/withdraw", response_model=RequestOut, summary="Withdraw my pending time off"
)
def withdraw(request_id: ID, who: AgentCaller, context: Context) -> RequestOut:
    """The agent takes back their own time-off request while it is pending (status
    ``cancelled``, ``withdrawn`` true); 409 once it is decided."""
    return RequestOut.of(withdraw_time_off(context.sessions, who, request_id))


@router.post("/{request_id}/cancel", response_model=RequestOut, summary="Cancel approved time off")
def cancel(request_id: ID, who: Decider, context: Context) -> RequestOut:
    """Cancel approved time off that has not started (status ``cancelled``, ``cancelled_by``
    the caller's e-mail). The shifts its
    approval gave back stay in the "(given back)" draft; publish it to put them back."""
    return RequestOut.of(cancel_time_off(context.sessions, who, request_id, now=context.clock()))
