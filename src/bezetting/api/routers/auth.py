"""``/auth``: log in (session cookie and CSRF token), log out, who am I, change my password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from bezetting.api.deps import CSRF_COOKIE, SESSION_COOKIE, Caller, Context, csrf_token_for
from bezetting.api.routers.users import UserOut
from bezetting.services.errors import AuthenticationError
from bezetting.services.users import (
    MIN_PASSWORD_LENGTH,
    SESSION_LIFETIME,
    WrongPasswordError,
    authenticate,
    change_password,
    revoke_token,
    user_by_id,
)
from bezetting.store.enums import TokenScope

__all__ = ["PasswordChangeIn", "PasswordChangeOut", "router"]

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginIn(BaseModel):
    """E-mail and password."""

    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(min_length=3, max_length=320)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class LoginOut(BaseModel):
    """The user, and the CSRF token to send as ``X-CSRF-Token`` with unsafe requests."""

    user: UserOut
    csrf_token: str


@router.post("/login", response_model=LoginOut, summary="Log in; sets the session cookie")
def login(body: LoginIn, request: Request, response: Response, context: Context) -> LoginOut:
    """Check e-mail and password (rate-limited per e-mail and client address)."""
    address = request.client.host if request.client else "unknown"
    context.limiter.check(body.email, address)
    try:
        user, issued = authenticate(
            context.sessions, email=body.email, password=body.password, now=context.clock()
        )
    except AuthenticationError:
        context.limiter.failed(body.email, address)
        raise
    context.limiter.succeeded(body.email, address)
    csrf = csrf_token_for(context, issued.token)
    max_age = int(SESSION_LIFETIME.total_seconds())
    secure = context.secure_cookies
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="lax", secure=secure, path="/"
    )
    return LoginOut(user=UserOut.of(user), csrf_token=csrf)


@router.post("/logout", status_code=204, summary="End the login session")
def logout(who: Caller, response: Response, context: Context) -> Response:
    """Revoke the session (an API token stays valid: revoke it as admin)."""
    if who.scope is TokenScope.SESSION:
        revoke_token(context.sessions, token_id=who.token_id, now=context.clock())
    response.status_code = 204
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/me", response_model=UserOut, summary="The caller")
def me(who: Caller, context: Context) -> UserOut:
    """The user behind the session or token."""
    return UserOut.of(
        user_by_id(context.sessions, who.user_id, organisation_id=who.organisation_id)
    )


class PasswordChangeIn(BaseModel):
    """The current password and the new one."""

    model_config = ConfigDict(extra="forbid")

    current_password: Annotated[str, Field(min_length=1, max_length=1024)]
    new_password: Annotated[str, Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)]


class PasswordChangeOut(BaseModel):
    """How many of the caller's other login sessions were ended."""

    other_sessions_ended: int


@router.post("/password", response_model=PasswordChangeOut, summary="Change my password")
def password(
    body: PasswordChangeIn, request: Request, who: Caller, context: Context
) -> PasswordChangeOut:
    """Change the caller's password; their other login sessions end (this one stays). A wrong
    current password counts as a failed login for the rate limit (422 until then, 429 after)."""
    address = request.client.host if request.client else "unknown"
    context.limiter.check(who.email, address)
    try:
        ended = change_password(
            context.sessions,
            who,
            current=body.current_password,
            new=body.new_password,
            now=context.clock(),
        )
    except WrongPasswordError:
        context.limiter.failed(who.email, address)
        raise
    return PasswordChangeOut(other_sessions_ended=ended)
