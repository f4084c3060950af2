"""Accounts: users with roles, argon2 passwords, API tokens and login sessions; who may see what.

Errors of this module, inside bezetting's one exception tree::

    BezettingError                       (bezetting.core.errors)
    ├── InputError
    │   └── NotFoundError                no such record, or not one the caller may see (404)
    ├── AuthenticationError              no valid credentials (401)
    ├── PermissionDeniedError            valid credentials, but not for this action (403)
    └── RateLimitedError                 too many login attempts; ``retry_after_seconds`` (429)

Tokens and sessions: a token is ``secrets.token_urlsafe`` with a ``bzt_`` prefix; only its
SHA-256 is stored (``api_tokens.token_sha256``). A login session is a server-side row in the same
table, so any ``serve`` process on the same database accepts it and logout revokes it at once.
The ``api_tokens`` table has no scope column; the scope is the first word of the token's
``name`` (``session:``, ``api:``, ``integration:``).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bezetting.core.errors import BezettingError, ConflictError, InputError
from bezetting.services.organisations import resolve_organisation
from bezetting.store import Session, SessionFactory, transaction
from bezetting.store.enums import RequestStatus, Role, ScheduleStatus
from bezetting.store.models import (
    Agent,
    ApiToken,
    Client,
    ContactRecord,
    Organisation,
    Queue,
    Request,
    Schedule,
    Shift,
    Team,
    User,
)

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "SESSION_LIFETIME",
    "AgentView",
    "AuthenticationError",
    "ContactEvent",
    "IssuedToken",
    "NotFoundError",
    "PermissionDeniedError",
    "Principal",
    "QueueView",
    "RateLimitedError",
    "RecordedContact",
    "RequestView",
    "ShiftView",
    "TokenScope",
    "UserRef",
    "authenticate",
    "check_agent_reach",
    "create_user",
    "decide_request",
    "hash_password",
    "issue_token",
    "list_users",
    "principal_for_token",
    "published_shifts",
    "record_contact_event",
    "revoke_token",
    "token_sha256",
    "user_by_email",
    "user_by_id",
    "verify_password",
    "visible_agent",
    "visible_agents",
    "visible_queue",
    "visible_queues",
    "visible_requests",
]

MIN_PASSWORD_LENGTH = 12
SESSION_LIFETIME = timedelta(hours=12)
_TOKEN_PREFIX = "bzt_"
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{1,63}$")
_HASHER = PasswordHasher()
# Verified against when the e-mail is unknown, so that timing does not tell which e-mails exist.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


class NotFoundError(InputError):
    """No such record, or one the caller may not see (the answer is the same: no data)."""

    code = "not_found"


class AuthenticationError(BezettingError):
    """No credentials, or credentials that are wrong, expired or revoked."""

    code = "unauthenticated"


class PermissionDeniedError(BezettingError):
    """The caller is known but their role or token scope does not allow this action."""

    code = "forbidden"


class RateLimitedError(BezettingError):
    """Too many attempts; try again after ``retry_after_seconds``."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(message)


class TokenScope(StrEnum):
    """What a token is for: a browser session, the API as its user, or posting live events."""

    SESSION = "session"
    API = "api"
    INTEGRATION = "integration"


@dataclass(frozen=True, kw_only=True)
class Principal:
    """Who is calling: the user, their role and links, and the scope of the credential used."""

    user_id: int
    organisation_id: int
    organisation_code: str
    email: str
    role: Role
    scope: TokenScope
    token_id: int
    agent_id: int | None = None
    client_id: int | None = None
    team_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class UserRef:
    """A user as others may see it (never the password hash)."""

    id: int
    organisation_id: int
    email: str
    role: Role
    active: bool
    agent_id: int | None
    client_id: int | None
    team_id: int | None


@dataclass(frozen=True, kw_only=True)
class IssuedToken:
    """A new token: ``token`` is shown once and never stored."""

    id: int
    token: str
    scope: TokenScope
    expires_at: datetime | None


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted; parameters inside the hash string)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_sha256(token: str) -> str:
    """What the database keeps of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _ref(user: User) -> UserRef:
    return UserRef(
        id=user.id,
        organisation_id=user.organisation_id,
        email=user.email,
        role=user.role,
        active=user.active,
        agent_id=user.agent_id,
        client_id=user.client_id,
        team_id=user.team_id,
    )


def _user_by_email(session: Session, email: str) -> User | None:
    return session.query(User).filter(User.email == email.strip().lower()).one_or_none()


def create_user(
    sessions: SessionFactory,
    *,
    email: str,
    password: str,
    role: Role,
    now: datetime,
    organisation: str | None = None,
    agent_external_id: str | None = None,
    client_code: str | None = None,
    team_name: str | None = None,
) -> UserRef:
    """A new active user. An agent user must name their agent, a client viewer their client.

    Raises:
        InputError: malformed e-mail, short password, a missing or unknown agent/client/team.
        ConflictError: the e-mail is taken.
    """
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise InputError(f"{email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if role is Role.AGENT and agent_external_id is None:
        raise InputError("an agent user needs the agent's employee number (--agent)")
    if role is Role.CLIENT_VIEWER and client_code is None:
        raise InputError("a client viewer needs the client's code (--client)")
    password_hash = hash_password(password)
    with transaction(sessions) as session:
        org = resolve_organisation(session, organisation)
        if _user_by_email(session, email) is not None:
            raise ConflictError(f"a user with e-mail {email!r} exists already")
        user = User(
            organisation_id=org.id,
            email=email,
            password_hash=password_hash,
            role=role,
            active=True,
            created_at=now,
        )
        if agent_external_id is not None:
            agent = (
                session.query(Agent)
                .filter(Agent.organisation_id == org.id, Agent.external_id == agent_external_id)
                .one_or_none()
            )
            if agent is None:
                raise InputError(f"no agent with employee number {agent_external_id!r}")
            user.agent_id = agent.id
            user.team_id = agent.team_id
        if client_code is not None:
            client = (
                session.query(Client)
                .filter(Client.organisation_id == org.id, Client.code == client_code)
                .one_or_none()
            )
            if client is None:
                raise InputError(f"no client with code {client_code!r}")
            user.client_id = client.id
        if team_name is not None:
            team = (
                session.query(Team)
                .filter(Team.organisation_id == org.id, Team.name == team_name)
                .one_or_none()
            )
            if team is None:
                raise InputError(f"no team named {team_name!r}")
            user.team_id = team.id
        session.add(user)
        session.flush()
        return _ref(user)


def list_users(sessions: SessionFactory, *, organisation_id: int) -> list[UserRef]:
    """Every user of the organisation, by id."""
    with transaction(sessions) as session:
        users = (
            session.query(User)
            .filter(User.organisation_id == organisation_id)
            .order_by(User.id)
            .all()
        )
        return [_ref(u) for u in users]


def user_by_email(sessions: SessionFactory, email: str) -> UserRef:
    """The user with this e-mail (any organisation; e-mails are unique).

    Raises:
        NotFoundError: no such user.
    """
    with transaction(sessions) as session:
        user = _user_by_email(session, email)
        if user is None:
            raise NotFoundError(f"no user with e-mail {email.strip().lower()!r}")
        return _ref(user)


def user_by_id(sessions: SessionFactory, user_id: int, *, organisation_id: int) -> UserRef:
    """One user of the organisation.

    Raises:
        NotFoundError: no such user in this organisation.
    """
    with transaction(sessions) as session:
        user = session.get(User, user_id)
        if user is None or user.organisation_id != organisation_id:
            raise NotFoundError(f"no user with id {user_id}")
        return _ref(user)


def _issue(
    session: Session,
    user: User,
    scope: TokenScope,
    label: str,
    *,
    now: datetime,
    expires_at: datetime | None,
) -> IssuedToken:
    token = _TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=f"{scope.value}:{label}"[:200],
        token_sha256=token_sha256(token),
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return IssuedToken(id=row.id, token=token, scope=scope, expires_at=row.expires_at)


def authenticate(
    sessions: SessionFactory, *, email: str, password: str, now: datetime
) -> tuple[UserRef, IssuedToken]:
    """Check e-mail and password; open a login session (a ``session`` token, 12 hours).

    Raises:
        AuthenticationError: unknown e-mail, wrong password or inactive user (one message).
    """
    with transaction(sessions) as session:
        user = _user_by_email(session, email)
        ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
        if user is None or not ok or not user.active:
            raise AuthenticationError("wrong e-mail or password")
        if _HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        issued = _issue(
            session,
            user,
            TokenScope.SESSION,
            "login",
            now=now,
            expires_at=now + SESSION_LIFETIME,
        )
        return _ref(user), issued


def issue_token(
    sessions: SessionFactory,
    *,
    user_id: int,
    organisation_id: int,
    scope: TokenScope,
    label: str,
    now: datetime,
    expires_at: datetime | None = None,
) -> IssuedToken:
    """A bearer token for ``user_id`` (``api`` or ``integration`` scope).

    Raises:
        InputError: the scope is ``session`` (sessions come from :func:`authenticate`).
        NotFoundError: no such user in the organisation.
    """
    if scope is TokenScope.SESSION:
        raise InputError("session tokens are issued by logging in; use 'api' or 'integration'")
    if not label.strip():
        raise InputError("a token needs a name that says what uses it")
    with transaction(sessions) as session:
        user = session.get(User, user_id)
        if user is None or user.organisation_id != organisation_id:
            raise NotFoundError(f"no user with id {user_id}")
        return _issue(session, user, scope, label.strip(), now=now, expires_at=expires_at)


def principal_for_token(sessions: SessionFactory, token: str, *, now: datetime) -> Principal:
    """Who holds ``token``.

    Raises:
        AuthenticationError: unknown, revoked or expired token, or an inactive user.
    """
    if not token.startswith(_TOKEN_PREFIX) or len(token) > 200:
        raise AuthenticationError("the token is not valid")
    with transaction(sessions) as session:
        row = (
            session.query(ApiToken)
            .filter(ApiToken.token_sha256 == token_sha256(token))
            .one_or_none()
        )
        if row is None or row.revoked_at is not None:
            raise AuthenticationError("the token is not valid")
        if row.expires_at is not None and row.expires_at <= now:
            raise AuthenticationError("the token has expired; log in again")
        user = session.get(User, row.user_id)
        org = session.get(Organisation, user.organisation_id) if user is not None else None
        if user is None or org is None or not user.active:
            raise AuthenticationError("the token is not valid")
        scope_name = row.name.split(":", 1)[0]
        try:
            scope = TokenScope(scope_name)
        except ValueError:
            raise AuthenticationError("the token is not valid") from None
        return Principal(
            user_id=user.id,
            organisation_id=user.organisation_id,
            organisation_code=org.code,
            email=user.email,
            role=user.role,
            scope=scope,
            token_id=row.id,
            agent_id=user.agent_id,
            client_id=user.client_id,
            team_id=user.team_id,
        )


def revoke_token(sessions: SessionFactory, *, token_id: int, now: datetime) -> None:
    """Revoke a token or end a login session (idempotent)."""
    with transaction(sessions) as session:
        row = session.get(ApiToken, token_id)
        if row is not None and row.revoked_at is None:
            row.revoked_at = now


# --- What a principal may see and do: reads and writes scoped by role -------------------------
#
# These use cases live here until the store offers scoped queries of its own; each answers
# NotFoundError for a record outside the caller's reach, so a denied read carries no data.

_STAFF = (Role.ADMIN, Role.PLANNER, Role.TEAM_LEAD)


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


@dataclass(frozen=True, kw_only=True)
class ShiftView:
    """A published shift with its activities (kind, start, end, location)."""

    id: int
    schedule_id: int
    starts_at: datetime
    ends_at: datetime
    activities: tuple[tuple[str, datetime, datetime, str], ...]


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
    )


def visible_agents(sessions: SessionFactory, who: Principal) -> list[AgentView]:
    """Staff see every agent of the organisation; an agent sees only themself; others nothing.

    Raises:
        PermissionDeniedError: a client viewer (agents are not theirs to see).
    """
    if who.role is Role.CLIENT_VIEWER:
        raise PermissionDeniedError("client viewers do not see agents")
    with transaction(sessions) as session:
        query = session.query(Agent).filter(Agent.organisation_id == who.organisation_id)
        if who.role not in _STAFF:
            query = query.filter(Agent.id == (who.agent_id if who.agent_id is not None else -1))
        return [_agent_view(a) for a in query.order_by(Agent.id).all()]


def visible_agent(sessions: SessionFactory, who: Principal, agent_id: int) -> AgentView:
    """One agent, when ``who`` may see them.

    Raises:
        PermissionDeniedError: a client viewer.
        NotFoundError: no such agent, or not the caller's own record.
    """
    for agent in visible_agents(sessions, who):
        if agent.id == agent_id:
            return agent
    raise NotFoundError(f"no agent with id {agent_id}")


def check_agent_reach(sessions: SessionFactory, who: Principal, agent_id: int) -> None:
    """Raise NotFoundError unless ``who`` may act for ``agent_id`` (self, or their team lead).

    A team lead with a team reaches the agents of that team; without one, every agent of the
    organisation.
    """
    with transaction(sessions) as session:
        agent = session.get(Agent, agent_id)
        reachable = agent is not None and agent.organisation_id == who.organisation_id
        if reachable and agent is not None and who.role is Role.TEAM_LEAD:
            reachable = who.team_id is None or agent.team_id == who.team_id
        elif reachable and who.role is not Role.TEAM_LEAD:
            reachable = who.agent_id == agent_id
        if not reachable:
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
        shifts = (
            session.query(Shift)
            .join(Schedule, Shift.schedule_id == Schedule.id)
            .filter(
                Shift.agent_id == who.agent_id,
                Schedule.organisation_id == who.organisation_id,
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
                activities=tuple(
                    (a.kind.value, a.starts_at, a.ends_at, a.location.value)
                    for a in sorted(s.activities, key=lambda a: a.starts_at)
                ),
            )
            for s in shifts
        ]


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
    """Staff see the organisation's requests; an agent their own.

    Raises:
        PermissionDeniedError: a client viewer.
    """
    if who.role is Role.CLIENT_VIEWER:
        raise PermissionDeniedError("client viewers do not see requests")
    with transaction(sessions) as session:
        query = (
            session.query(Request)
            .join(Agent, Request.agent_id == Agent.id)
            .filter(Agent.organisation_id == who.organisation_id)
        )
        if who.role not in _STAFF:
            query = query.filter(Request.agent_id == (who.agent_id or -1))
        return [_request_view(r) for r in query.order_by(Request.id).all()]


def decide_request(
    sessions: SessionFactory, who: Principal, request_id: int, *, approve: bool, now: datetime
) -> RequestView:
    """A planner approves or rejects a pending request of their organisation.

    Raises:
        NotFoundError: no such request in the organisation.
        ConflictError: the request was decided already.
    """
    with transaction(sessions) as session:
        request = session.get(Request, request_id)
        agent = session.get(Agent, request.agent_id) if request is not None else None
        if request is None or agent is None or agent.organisation_id != who.organisation_id:
            raise NotFoundError(f"no request with id {request_id}")
        if request.status is not RequestStatus.PENDING:
            raise ConflictError(f"request {request_id} is {request.status.value} already")
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        request.decided_at = now
        request.decided_by_user_id = who.user_id
        return _request_view(request)


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
    with transaction(sessions) as session:
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
