"""Requests of agents (time off, swaps, ...) as the caller may see them; a planner's decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bezetting.core.errors import ConflictError, InputError
from bezetting.services.access import agent_ids_in_reach
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.users import Principal
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import RequestKind, RequestStatus, Role
from bezetting.store.models import Agent, Request

__all__ = ["RequestView", "decide_request", "visible_requests"]


@dataclass(frozen=True, kw_only=True)
class RequestView:
    """A request and where it stands."""

    id: int
    agent_id: int
    kind: str
    status: str
    starts_at: datetime | None
    ends_at: datetime | None
    reason: str | None


def _request_view(r: Request) -> RequestView:
    return RequestView(
        id=r.id,
        agent_id=r.agent_id,
        kind=r.kind.value,
        status=r.status.value,
        starts_at=r.starts_at,
        ends_at=r.ends_at,
        reason=r.reason,
    )


def visible_requests(sessions: SessionFactory, who: Principal) -> list[RequestView]:
    """The requests of the agents ``who`` reaches: an admin or planner the organisation's, a
    team lead their team's (:mod:`bezetting.services.access`), an agent their own.

    Raises:
        PermissionDeniedError: a client viewer.
    """
    if who.role is Role.CLIENT_VIEWER:
        raise PermissionDeniedError("client viewers do not see requests")
    with transaction(sessions) as session:
        query = session.query(Request).filter(
            Request.agent_id.in_(agent_ids_in_reach(session, who))
        )
        return [_request_view(r) for r in query.order_by(Request.id).all()]


_DECIDERS = frozenset({Role.ADMIN, Role.PLANNER, Role.TEAM_LEAD})


def decide_request(
    sessions: SessionFactory, who: Principal, request_id: int, *, approve: bool, now: datetime
) -> RequestView:
    """A planner (any agent of the organisation) or a team lead (their team) decides a request.

    A team lead without a team decides for the whole organisation, as they see it all.

    Raises:
        PermissionDeniedError: the caller is neither admin, planner nor team lead.
        NotFoundError: no such request within the caller's reach.
        ConflictError: the request was decided already.
    """
    if who.role not in _DECIDERS:
        raise PermissionDeniedError("requests are decided by planners and team leads")
    with transaction(sessions, writes=True) as session:
        request = session.get(Request, request_id)
        agent = session.get(Agent, request.agent_id) if request is not None else None
        if request is None or agent is None or agent.organisation_id != who.organisation_id:
            raise NotFoundError(f"no request with id {request_id}")
        if who.role is Role.TEAM_LEAD and who.team_id is not None and agent.team_id != who.team_id:
            raise NotFoundError(f"no request with id {request_id}")
        if request.kind is RequestKind.SWAP:
            raise InputError(
                f"request {request_id} is a shift swap: decide it with the swap decision, which "
                "checks the labour rules and moves the shifts"
            )
        if request.status is not RequestStatus.PENDING:
            raise ConflictError(f"request {request_id} is {request.status.value} already")
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        request.decided_at = now
        request.decided_by_user_id = who.user_id
        return _request_view(request)
