"""``/users``: accounts and their API tokens (admin only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bezetting.api.deps import Context, require_roles
from bezetting.services.users import (
    MIN_PASSWORD_LENGTH,
    Principal,
    UserRef,
    create_user,
    issue_token,
    list_users,
    reset_password,
    set_active,
    user_by_id,
)
from bezetting.store.enums import Role, TokenScope

__all__ = ["ID", "PasswordResetOut", "TokenIn", "TokenOut", "UserIn", "UserOut", "router"]

router = APIRouter(prefix="/users", tags=["users"])
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
ID = Annotated[int, Path(ge=1, le=2**31 - 1)]
"""A record id in a path: positive and within a 32-bit integer column."""


class UserIn(BaseModel):
    """A new user; an agent names their employee number, a client viewer their client."""

    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(min_length=3, max_length=320)]
    password: Annotated[str, Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)]
    role: Role
    agent_external_id: Annotated[str, Field(max_length=64)] | None = None
    client_code: Annotated[str, Field(max_length=64)] | None = None
    team_name: Annotated[str, Field(max_length=200)] | None = None


class UserOut(BaseModel):
    """A user (never the password hash)."""

    id: int
    email: str
    role: Role
    active: bool
    agent_id: int | None
    client_id: int | None
    team_id: int | None

    @classmethod
    def of(cls, user: UserRef) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            role=user.role,
            active=user.active,
            agent_id=user.agent_id,
            client_id=user.client_id,
            team_id=user.team_id,
        )


class TokenIn(BaseModel):
    """A bearer token for a user: ``api`` (acts as the user) or ``integration`` (posts events)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=150, pattern=r"\S")]
    scope: TokenScope = TokenScope.INTEGRATION
    expires_at: AwareDatetime | None = None


class TokenOut(BaseModel):
    """The token, shown this once: only its SHA-256 is stored."""

    id: int
    token: str
    scope: TokenScope
    expires_at: datetime | None


@router.get("", response_model=list[UserOut], summary="Every user of the organisation")
def users(who: Admin, context: Context) -> list[UserOut]:
    return [
        UserOut.of(u) for u in list_users(context.sessions, organisation_id=who.organisation_id)
    ]


@router.post("", response_model=UserOut, status_code=201, summary="Create a user")
def create(body: UserIn, who: Admin, context: Context) -> UserOut:
    user = create_user(
        context.sessions,
        email=body.email,
        password=body.password,
        role=body.role,
        now=context.clock(),
        organisation=who.organisation_code,
        agent_external_id=body.agent_external_id,
        client_code=body.client_code,
        team_name=body.team_name,
    )
    return UserOut.of(user)


@router.get("/{user_id}", response_model=UserOut, summary="One user")
def user(user_id: ID, who: Admin, context: Context) -> UserOut:
    return UserOut.of(user_by_id(context.sessions, user_id, organisation_id=who.organisation_id))


@router.post(
    "/{user_id}/tokens", response_model=TokenOut, status_code=201, summary="Issue an API token"
)
def token(user_id: ID, body: TokenIn, who: Admin, context: Context) -> TokenOut:
    issued = issue_token(
        context.sessions,
        user_id=user_id,
        organisation_id=who.organisation_id,
        scope=body.scope,
        label=body.name,
        now=context.clock(),
        expires_at=body.expires_at,
    )
    return TokenOut(
        id=issued.id, token=issued.token, scope=issued.scope, expires_at=issued.expires_at
    )


class PasswordResetOut(BaseModel):
    """The user and their new password, shown this once: only its hash is stored."""

    user: UserOut
    password: str


@router.post("/{user_id}/deactivate", response_model=UserOut, summary="Stop a user logging in")
def deactivate(user_id: ID, who: Admin, context: Context) -> UserOut:
    """The user's sessions end now; their API tokens are refused until they are active again."""
    return UserOut.of(
        set_active(context.sessions, who, user_id=user_id, active=False, now=context.clock())
    )


@router.post("/{user_id}/activate", response_model=UserOut, summary="Let a user log in again")
def activate(user_id: ID, who: Admin, context: Context) -> UserOut:
    return UserOut.of(
        set_active(context.sessions, who, user_id=user_id, active=True, now=context.clock())
    )


@router.post(
    "/{user_id}/password-reset", response_model=PasswordResetOut, summary="Give a new password"
)
def password_reset(
    user_id: ID, who: Admin, context: Context, response: Response
) -> PasswordResetOut:
    """A random password for a user who forgot theirs, to hand over once; their sessions end.
    They change it with ``POST /auth/password``."""
    response.headers["Cache-Control"] = "no-store"  # a secret: no cache keeps it
    user, password = reset_password(context.sessions, who, user_id=user_id, now=context.clock())
    return PasswordResetOut(user=UserOut.of(user), password=password)
