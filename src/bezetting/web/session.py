"""Who is looking at a page, and the CSRF check of every form and HTMX post.

The pages use the same login session as the API: the ``bezetting_session`` cookie (HttpOnly,
SameSite=Lax, Secure outside development) and its signed double-submit token, the
``bezetting_csrf`` cookie. Every form carries the token in a hidden ``csrf_token`` field and
every HTMX post in the ``X-CSRF-Token`` header; a post without the token that belongs to the
session is refused with 403 before anything changes. The login form, which has no session yet,
carries a random token that must equal its own short-lived cookie.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request

from bezetting.api.deps import (
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_COOKIE,
    AppContext,
    Context,
    csrf_token_for,
)
from bezetting.services.errors import AuthenticationError, PermissionDeniedError
from bezetting.services.users import Principal, principal_for_token
from bezetting.store.enums import TokenScope
from bezetting.web.rendering import page_roles

__all__ = [
    "CSRF_FIELD",
    "LOGIN_CSRF_COOKIE",
    "FormData",
    "Viewer",
    "new_login_token",
    "viewer_for",
    "viewer_of",
]

CSRF_FIELD = "csrf_token"
LOGIN_CSRF_COOKIE = "bezetting_login_csrf"


@dataclass(frozen=True)
class Viewer:
    """A logged-in person looking at the pages, with the CSRF token of their session."""

    who: Principal
    session_token: str
    csrf_token: str


def viewer_of(request: Request, context: AppContext) -> Viewer:
    """The person behind the session cookie.

    Raises:
        AuthenticationError: no cookie, or a session that is unknown, expired or revoked.
    """
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise AuthenticationError("log in first")
    who = principal_for_token(context.sessions, token, now=context.clock())
    if who.scope is not TokenScope.SESSION:
        raise AuthenticationError("the session cookie is not valid")
    return Viewer(who, token, csrf_token_for(context, token))


FormData = dict[str, str]


async def _form(request: Request) -> FormData:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _check_csrf(request: Request, viewer: Viewer, form: FormData) -> None:
    sent = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD, "")
    if not hmac.compare_digest(sent, viewer.csrf_token):
        raise PermissionDeniedError(
            "the form's security token is missing or wrong; reload the page and try again"
        )
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not hmac.compare_digest(cookie, viewer.csrf_token):
        raise PermissionDeniedError("the security cookie is missing; log in again")


def viewer_for(
    path: str,
) -> Callable[[Request, Context], Awaitable[tuple[Viewer, FormData]]]:
    """A dependency for the page at ``path``: the viewer if their role may open it (else 403),
    and, for a post, the form after its CSRF check. Notes ``path`` (and the form) in the
    request's state, for the page a refused post comes back to."""
    roles = page_roles(path)

    async def check(request: Request, context: Context) -> tuple[Viewer, FormData]:
        request.state.page = path  # where a refused or expired post goes back to
        viewer = viewer_of(request, context)
        if viewer.who.role not in roles:
            names = ", ".join(sorted(r.value for r in roles))
            raise PermissionDeniedError(f"this page is for: {names}")
        form: FormData = {}
        if request.method not in ("GET", "HEAD"):
            form = await _form(request)
            _check_csrf(request, viewer, form)
            request.state.form = form  # to show it again if the post is refused
        return viewer, form

    return check


def new_login_token() -> str:
    """A random token for the login form and its cookie (login CSRF)."""
    return secrets.token_urlsafe(24)
