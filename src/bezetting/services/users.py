"""Users with roles, argon2 passwords, API tokens and login sessions; who is calling.

Tokens and sessions: a token is ``secrets.token_urlsafe`` with a ``bzt_`` prefix; only its
SHA-256 is stored (``api_tokens.token_sha256``). A login session is a server-side row in the same
table, so any ``serve`` process on the same database accepts it and logout revokes it at once.
The token's scope (``session``, ``api``, ``integration``) is a column of its own,
``api_tokens.scope``; ``name`` is only a label.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bezetting.core.errors import ConflictError, InputError
from bezetting.services.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from bezetting.services.organisations import resolve_organisation
from bezetting.store import Session, SessionFactory, transaction
from bezetting.store.enums import Role, TokenScope
from bezetting.store.models import Agent, ApiToken, Client, Organisation, Team, User

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "SESSION_LIFETIME",
    "AccountChoices",
    "IssuedToken",
    "Principal",
    "UserListing",
    "UserRef",
    "WrongPasswordError",
    "account_choices",
    "authenticate",
    "change_password",
    "create_user",
    "hash_password",
    "issue_token",
    "list_users",
    "new_password",
    "principal_for_token",
    "reset_password",
    "revoke_token",
    "set_active",
    "set_active_by_email",
    "set_password_by_email",
    "token_sha256",
    "user_by_email",
    "user_by_id",
    "user_listing",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 12
SESSION_LIFETIME = timedelta(hours=12)
_TOKEN_PREFIX = "bzt_"
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{1,63}$")
_HASHER = PasswordHasher()
# Verified against when the e-mail is unknown, so that timing does not tell which e-mails exist.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


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


class WrongPasswordError(InputError):
    """The current password given to change it is not the password (a form error, not a failed
    login: the caller is logged in; the adapters count it against the login rate limit)."""


@dataclass(frozen=True, kw_only=True)
class UserListing:
    """A user for the admin's list: who the account belongs to, in words."""

    user: UserRef
    agent: str | None  # "SB1001 Daan Kaya"
    team: str | None
    client: str | None
    last_working_day: date | None = None  # the agent's end date: a leaver's account to stop


@dataclass(frozen=True, kw_only=True)
class IssuedToken:
    """A new token: ``token`` is shown once and never stored."""

    id: int
    token: str
    scope: TokenScope
    expires_at: datetime | None


def new_password() -> str:
    """A random password to hand over once (16 characters, 96 bits), for a new account or a
    reset; its owner then chooses their own."""
    return secrets.token_urlsafe(12)


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
    _long_enough(password)
    if role is Role.AGENT and agent_external_id is None:
        raise InputError("an agent's account needs the agent's employee number")
    if role is Role.CLIENT_VIEWER and client_code is None:
        raise InputError("a client viewer's account needs the client")
    password_hash = hash_password(password)
    with transaction(sessions, writes=True) as session:
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
        user = _existing_user_by_email(session, email)
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
        scope=scope,
        name=label[:200],
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
    with transaction(sessions, writes=True) as session:
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
    with transaction(sessions, writes=True) as session:
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
        return Principal(
            user_id=user.id,
            organisation_id=user.organisation_id,
            organisation_code=org.code,
            email=user.email,
            role=user.role,
            scope=row.scope,
            token_id=row.id,
            agent_id=user.agent_id,
            client_id=user.client_id,
            team_id=user.team_id,
        )


def revoke_token(sessions: SessionFactory, *, token_id: int, now: datetime) -> None:
    """Revoke a token or end a login session (idempotent)."""
    with transaction(sessions, writes=True) as session:
        row = session.get(ApiToken, token_id)
        if row is not None and row.revoked_at is None:
            row.revoked_at = now


def user_listing(sessions: SessionFactory, *, organisation_id: int) -> list[UserListing]:
    """Every user of the organisation by e-mail, with the agent, team or client it is for."""
    with transaction(sessions) as session:
        users = (
            session.query(User)
            .filter(User.organisation_id == organisation_id)
            .order_by(User.email)
            .all()
        )
        agent_rows = session.query(Agent).filter(Agent.organisation_id == organisation_id).all()
        agents = {a.id: f"{a.external_id} {a.name}" for a in agent_rows}
        ends = {a.id: a.end_date for a in agent_rows}
        teams = {
            t.id: t.name
            for t in session.query(Team).filter(Team.organisation_id == organisation_id)
        }
        clients = {
            c.id: c.name
            for c in session.query(Client).filter(Client.organisation_id == organisation_id)
        }
        return [
            UserListing(
                user=_ref(u),
                agent=agents.get(u.agent_id) if u.agent_id is not None else None,
                team=teams.get(u.team_id) if u.team_id is not None else None,
                client=clients.get(u.client_id) if u.client_id is not None else None,
                last_working_day=ends.get(u.agent_id) if u.agent_id is not None else None,
            )
            for u in users
        ]


def change_password(
    sessions: SessionFactory, who: Principal, *, current: str, new: str, now: datetime
) -> int:
    """Change the caller's own password; end their other login sessions (someone who knew the
    old password may be logged in elsewhere). Returns how many sessions were ended.

    Raises:
        WrongPasswordError: ``current`` is not the password.
        InputError: the new password is too short or the same as the current one.
    """
    _long_enough(new)
    if new == current:
        raise InputError("the new password is the same as the current one")
    with transaction(sessions, writes=True) as session:
        user = session.get(User, who.user_id)
        if user is None or not verify_password(user.password_hash, current):
            raise WrongPasswordError("the current password is not right")
        user.password_hash = hash_password(new)
        return _end_sessions(session, user.id, now=now, keep=who.token_id)


def set_active(
    sessions: SessionFactory, who: Principal, *, user_id: int, active: bool, now: datetime
) -> UserRef:
    """Let a user log in again, or stop them (a leaver, a lost laptop): an inactive user's
    sessions end at once, and their API tokens are refused until they are active again.

    Raises:
        PermissionDeniedError: the caller is not an admin, or deactivates themselves.
        NotFoundError: no such user in the caller's organisation.
    """
    _require_admin(who)
    if user_id == who.user_id and not active:
        raise PermissionDeniedError("you cannot deactivate your own account")
    with transaction(sessions, writes=True) as session:
        user = _user_of_organisation(session, user_id, who.organisation_id)
        _make_active(session, user, active, now=now)
        return _ref(user)


def reset_password(
    sessions: SessionFactory, who: Principal, *, user_id: int, now: datetime
) -> tuple[UserRef, str]:
    """Give a user who forgot their password a new, random one, to be handed over once (only
    its hash is kept); their sessions end. The user then changes it on their account page.

    Raises:
        PermissionDeniedError: the caller is not an admin, or resets their own password (they
            know it: they change it instead).
        NotFoundError: no such user in the caller's organisation.
    """
    _require_admin(who)
    if user_id == who.user_id:
        raise PermissionDeniedError("change your own password on your account page")
    password = new_password()
    with transaction(sessions, writes=True) as session:
        user = _user_of_organisation(session, user_id, who.organisation_id)
        _new_password_for(session, user, password, now=now)
        return _ref(user), password


def _long_enough(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def _existing_user_by_email(session: Session, email: str) -> User:
    user = _user_by_email(session, email)
    if user is None:
        raise NotFoundError(f"no user with e-mail {email.strip().lower()!r}")
    return user


def _make_active(session: Session, user: User, active: bool, *, now: datetime) -> None:
    """An inactive user's sessions end at once (their tokens are refused while inactive)."""
    user.active = active
    if not active:
        _end_sessions(session, user.id, now=now)


def _new_password_for(session: Session, user: User, password: str, *, now: datetime) -> None:
    """Someone else set this password (an admin, the operator): every session of the user ends."""
    user.password_hash = hash_password(password)
    _end_sessions(session, user.id, now=now)


def _require_admin(who: Principal) -> None:
    if who.role is not Role.ADMIN:
        raise PermissionDeniedError("only an admin manages accounts")


def _user_of_organisation(session: Session, user_id: int, organisation_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.organisation_id != organisation_id:
        raise NotFoundError(f"no user with id {user_id}")
    return user


def _end_sessions(session: Session, user_id: int, *, now: datetime, keep: int | None = None) -> int:
    """Revoke the user's open login sessions (not API tokens), all but ``keep``."""
    rows = (
        session.query(ApiToken)
        .filter(
            ApiToken.user_id == user_id,
            ApiToken.scope == TokenScope.SESSION,
            ApiToken.revoked_at.is_(None),
        )
        .all()
    )
    ended = 0
    for row in rows:
        if row.id != keep and (row.expires_at is None or row.expires_at > now):
            row.revoked_at = now
            ended += 1
    return ended


@dataclass(frozen=True, kw_only=True)
class AccountChoices:
    """What a new account can be linked to: agents without an account yet (employee number,
    name), teams, and clients (code, name)."""

    agents: list[tuple[str, str]]
    teams: list[str]
    clients: list[tuple[str, str]]


def account_choices(sessions: SessionFactory, *, organisation_id: int) -> AccountChoices:
    """The agents, teams and clients the admin's new-account form offers."""
    with transaction(sessions) as session:
        linked = {
            agent_id
            for (agent_id,) in session.query(User.agent_id).filter(
                User.organisation_id == organisation_id, User.agent_id.is_not(None)
            )
        }
        agents = (
            session.query(Agent)
            .filter(Agent.organisation_id == organisation_id, Agent.active.is_(True))
            .order_by(Agent.external_id)
            .all()
        )
        teams = session.query(Team).filter(Team.organisation_id == organisation_id)
        clients = session.query(Client).filter(Client.organisation_id == organisation_id)
        return AccountChoices(
            agents=[(a.external_id, a.name) for a in agents if a.id not in linked],
            teams=sorted(t.name for t in teams),
            clients=sorted((c.code, c.name) for c in clients),
        )


def set_active_by_email(
    sessions: SessionFactory, email: str, *, active: bool, now: datetime
) -> UserRef:
    """:func:`set_active` for the server's operator at the command line (no role to check:
    whoever runs ``bezetting`` on the server can reach the database anyway).

    Raises:
        NotFoundError: no user with this e-mail.
    """
    with transaction(sessions, writes=True) as session:
        user = _existing_user_by_email(session, email)
        _make_active(session, user, active, now=now)
        return _ref(user)


def set_password_by_email(
    sessions: SessionFactory, email: str, *, password: str, now: datetime
) -> UserRef:
    """Set a user's password from the command line and end their sessions: the way back in
    for an organisation whose only admin forgot theirs (an admin cannot reset their own).

    Raises:
        InputError: the password is too short.
        NotFoundError: no user with this e-mail.
    """
    _long_enough(password)
    with transaction(sessions, writes=True) as session:
        user = _existing_user_by_email(session, email)
        _new_password_for(session, user, password, now=now)
        return _ref(user)
