"""Requests of agents (time off, swaps, ...) as the caller may see them; a planner's decision.

Approving time off gives the shifts back: every published shift of the agent that the time off
overlaps and that has not started leaves the published schedule, in the same transaction as
the approval (:func:`decide_request`). A shift is given back whole, also when the time off
covers only part of it (a night shift that runs into a day off, a half day asked through the
API): the rest of a cut shift would be a shift nobody planned or checked against the labour
rules (breaks, rest, length), so the planner plans a shorter one if the time is still needed.
A given-back shift is kept, never shown to agents, in a draft "<schedule> (given back)" of its
schedule, so the planner sees what to fill; pending swaps that named it are withdrawn. A shift
that has started when the time off is approved stays (it is being or was worked). Before
deciding, a pending request carries the shifts approving would give back (:class:`Clash`),
so the coverage it costs is visible to whoever decides.

Plans change: the agent withdraws their own pending request (:func:`withdraw_time_off`), and
whoever may decide it cancels approved time off that has not started
(:func:`cancel_time_off`); both leave it *cancelled*, told apart by who decided: a withdrawal
names no one (``decided_by_user_id`` stays empty), a cancellation names who cancelled, so the
view says ``withdrawn`` or ``cancelled_by`` without a column of its own. Cancelling gives
nothing back by itself: the shifts the approval gave back stay in the "(given back)" draft,
which the planner may publish again (publishing leaves out only shifts on time off still
approved). An agent who wants approved time off cancelled asks their team lead, who cancels
it; there is no separate "please cancel" request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bezetting.core.errors import ConflictError, InputError
from bezetting.services.access import agent_ids_in_reach, reaches_agent
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.given_back import give_back
from bezetting.services.users import Principal
from bezetting.store import Session, SessionFactory, transaction
from bezetting.store.enums import RequestKind, RequestStatus, Role, ScheduleStatus
from bezetting.store.models import Agent, Request, Schedule, Shift, User

__all__ = [
    "Clash",
    "RequestView",
    "cancel_time_off",
    "decide_request",
    "time_off_clashes",
    "visible_requests",
    "withdraw_time_off",
]


@dataclass(frozen=True, kw_only=True)
class Clash:
    """A published shift of the agent that a time-off request overlaps.

    ``whole``: the time off covers all of the shift (else part of it; the shift is given back
    whole all the same). ``started``: the shift had started at the moment asked, so it stays.
    """

    shift_id: int
    schedule_id: int
    starts_at: datetime
    ends_at: datetime
    whole: bool
    started: bool


@dataclass(frozen=True, kw_only=True)
class RequestView:
    """A request and where it stands.

    ``clashes``: for a pending time-off request (when asked with a moment), the published
    shifts approving it now would give back (and started ones that would stay); for a request
    just approved by :func:`decide_request`, those it gave back. Empty otherwise.

    Cancelled time off says how: ``withdrawn`` when the agent took it back while pending,
    ``cancelled_by`` (the e-mail of the team lead, planner or admin) when someone who decides
    cancelled it once approved.
    """

    id: int
    agent_id: int
    kind: str
    status: str
    starts_at: datetime | None
    ends_at: datetime | None
    reason: str | None
    clashes: tuple[Clash, ...] = ()
    withdrawn: bool = False
    cancelled_by: str | None = None


def _request_view(
    session: Session,
    r: Request,
    clashes: Sequence[Clash] = (),
    *,
    cancellers: dict[int, str] | None = None,
) -> RequestView:
    """``cancellers``: the e-mails of the users who cancelled requests of a list, by user id
    (read once for the list; without it, read for this request)."""
    cancelled = r.kind is RequestKind.TIME_OFF and r.status is RequestStatus.CANCELLED
    by_id = r.decided_by_user_id if cancelled else None
    cancelled_by = None
    if by_id is not None:
        if cancellers is None:
            cancellers = _emails(session, [by_id])
        cancelled_by = cancellers.get(by_id)
    return RequestView(
        id=r.id,
        agent_id=r.agent_id,
        kind=r.kind.value,
        status=r.status.value,
        starts_at=r.starts_at,
        ends_at=r.ends_at,
        reason=r.reason,
        clashes=tuple(clashes),
        withdrawn=cancelled and by_id is None,
        cancelled_by=cancelled_by,
    )


def _state(request: Request) -> str:
    """Where the request stands, in a message: time off the agent took back is "withdrawn"."""
    if (
        request.kind is RequestKind.TIME_OFF
        and request.status is RequestStatus.CANCELLED
        and request.decided_by_user_id is None
    ):
        return "withdrawn"
    return request.status.value


def _emails(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    ids = set(user_ids)
    if not ids:
        return {}
    return dict(session.query(User.id, User.email).filter(User.id.in_(ids)).all())


def _overlapping_shifts(session: Session, request: Request) -> list[Shift]:
    """The agent's published shifts that the time off of ``request`` overlaps (touching at an
    end is no overlap)."""
    if (
        request.kind is not RequestKind.TIME_OFF
        or request.starts_at is None
        or request.ends_at is None
    ):
        return []
    agent = session.get(Agent, request.agent_id)
    if agent is None:
        return []
    return list(
        session.query(Shift)
        .join(Schedule, Shift.schedule_id == Schedule.id)
        .filter(
            Schedule.organisation_id == agent.organisation_id,
            Schedule.status == ScheduleStatus.PUBLISHED,
            Shift.agent_id == request.agent_id,
            Shift.starts_at < request.ends_at,
            Shift.ends_at > request.starts_at,
        )
        .order_by(Shift.starts_at, Shift.id)
        .all()
    )


def _clashes(session: Session, request: Request, now: datetime) -> list[Clash]:
    shifts = _overlapping_shifts(session, request)
    if not shifts:
        return []
    assert request.starts_at is not None
    assert request.ends_at is not None
    start, end = request.starts_at, request.ends_at
    return [
        Clash(
            shift_id=s.id,
            schedule_id=s.schedule_id,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            whole=start <= s.starts_at and s.ends_at <= end,
            started=s.starts_at <= now,
        )
        for s in shifts
    ]


def visible_requests(
    sessions: SessionFactory, who: Principal, *, now: datetime | None = None
) -> list[RequestView]:
    """The requests of the agents ``who`` reaches: an admin or planner the organisation's, a
    team lead their team's (:mod:`bezetting.services.access`), an agent their own. With
    ``now``, a pending time-off request carries the shifts approving it would give back
    (``clashes``).

    Raises:
        PermissionDeniedError: a client viewer.
    """
    if who.role is Role.CLIENT_VIEWER:
        raise PermissionDeniedError("client viewers do not see requests")
    with transaction(sessions) as session:
        query = session.query(Request).filter(
            Request.agent_id.in_(agent_ids_in_reach(session, who))
        )
        rows = query.order_by(Request.id).all()
        cancellers = _emails(
            session,
            (
                r.decided_by_user_id
                for r in rows
                if r.status is RequestStatus.CANCELLED and r.decided_by_user_id is not None
            ),
        )
        return [
            _request_view(
                session,
                r,
                _clashes(session, r, now)
                if now is not None and r.status is RequestStatus.PENDING
                else (),
                cancellers=cancellers,
            )
            for r in rows
        ]


def time_off_clashes(
    sessions: SessionFactory, who: Principal, request_ids: Iterable[int], *, now: datetime
) -> dict[int, tuple[Clash, ...]]:
    """For each pending time-off request among ``request_ids`` that the caller may decide and
    that overlaps published shifts: those shifts (what approving it now would give back, and
    started ones that would stay). Other ids are left out.

    Raises:
        PermissionDeniedError: the caller decides no requests.
    """
    if who.role not in _DECIDERS:
        raise PermissionDeniedError("requests are decided by planners and team leads")
    ids = list(request_ids)
    found: dict[int, tuple[Clash, ...]] = {}
    if not ids:
        return found
    with transaction(sessions) as session:
        rows = session.query(Request).filter(
            Request.id.in_(ids),
            Request.kind == RequestKind.TIME_OFF,
            Request.status == RequestStatus.PENDING,
            Request.agent_id.in_(agent_ids_in_reach(session, who)),
        )
        for request in rows:
            clashes = _clashes(session, request, now)
            if clashes:
                found[request.id] = tuple(clashes)
    return found


_DECIDERS = frozenset({Role.ADMIN, Role.PLANNER, Role.TEAM_LEAD})


def decide_request(
    sessions: SessionFactory, who: Principal, request_id: int, *, approve: bool, now: datetime
) -> RequestView:
    """A planner (any agent of the organisation) or a team lead (their team) decides a request:
    the agents they reach by :mod:`bezetting.services.access` (a team lead without a team
    reaches the whole organisation, as they see it all).
    Approving time off gives back, in the same transaction, the agent's published shifts it
    overlaps that have not started (see the module docstring); the answer's ``clashes`` are
    those shifts.

    Raises:
        PermissionDeniedError: the caller is neither admin, planner nor team lead.
        NotFoundError: no such request within the caller's reach.
        ConflictError: the request was decided already; a schedule changed at the same moment.
    """
    if who.role not in _DECIDERS:
        raise PermissionDeniedError("requests are decided by planners and team leads")
    with transaction(sessions, writes=True) as session:
        request = session.get(Request, request_id)
        if request is None or not reaches_agent(session, who, request.agent_id):
            raise NotFoundError(f"no request with id {request_id}")
        if request.kind is RequestKind.SWAP:
            raise InputError(
                f"request {request_id} is a shift swap: decide it with the swap decision, which "
                "checks the labour rules and moves the shifts"
            )
        if request.status is not RequestStatus.PENDING:
            raise ConflictError(f"request {request_id} is {_state(request)} already")
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        request.decided_at = now
        request.decided_by_user_id = who.user_id
        given_back: list[Clash] = []
        if approve and request.kind is RequestKind.TIME_OFF:
            given_back = [c for c in _clashes(session, request, now) if not c.started]
            give_back(session, [c.shift_id for c in given_back], now=now, by_user_id=who.user_id)
        session.flush()
        return _request_view(session, request, given_back)


def withdraw_time_off(sessions: SessionFactory, who: Principal, request_id: int) -> RequestView:
    """The agent takes back their own time-off request while it is pending: it is cancelled,
    as if never asked (nobody decided it).

    Raises:
        PermissionDeniedError: the caller is not linked to an agent.
        NotFoundError: no time-off request of the caller's with that id.
        ConflictError: it was decided (or withdrawn) already.
    """
    if who.agent_id is None:
        raise PermissionDeniedError("this user is not linked to an agent")
    with transaction(sessions, writes=True) as session:
        request = session.get(Request, request_id)
        if (
            request is None
            or request.agent_id != who.agent_id
            or request.kind is not RequestKind.TIME_OFF
        ):
            raise NotFoundError(f"no request with id {request_id}")
        if request.status is not RequestStatus.PENDING:
            raise ConflictError(f"request {request_id} is {_state(request)} already")
        request.status = RequestStatus.CANCELLED
        session.flush()
        return _request_view(session, request)


def cancel_time_off(
    sessions: SessionFactory, who: Principal, request_id: int, *, now: datetime
) -> RequestView:
    """Whoever may decide the request (as :func:`decide_request`) cancels approved time off
    that has not started: the agent is expected at work again. ``decided_at`` and
    ``decided_by_user_id`` then name the cancellation. The shifts the approval gave back stay
    in the "(given back)" draft for the planner to publish again (see the module docstring).

    Raises:
        PermissionDeniedError: the caller is neither admin, planner nor team lead.
        NotFoundError: no time-off request within the caller's reach.
        ConflictError: the request is not approved (pending, rejected or cancelled).
        InputError: the time off has started.
    """
    if who.role not in _DECIDERS:
        raise PermissionDeniedError("requests are decided by planners and team leads")
    with transaction(sessions, writes=True) as session:
        request = session.get(Request, request_id)
        if (
            request is None
            or request.kind is not RequestKind.TIME_OFF
            or not reaches_agent(session, who, request.agent_id)
        ):
            raise NotFoundError(f"no request with id {request_id}")
        if request.status is not RequestStatus.APPROVED:
            raise ConflictError(
                f"request {request_id} is {_state(request)}; only approved time off is cancelled"
            )
        assert request.starts_at is not None
        if request.starts_at <= now:
            raise InputError(
                f"the time off of request {request_id} started at "
                f"{request.starts_at.isoformat()}; only time off that has not started can be "
                "cancelled"
            )
        request.status = RequestStatus.CANCELLED
        request.decided_at = now
        request.decided_by_user_id = who.user_id
        session.flush()
        return _request_view(session, request)
