"""Logging in and out, the language switch, and the start page of each role."""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.routing import Match

from bezetting.api.deps import CSRF_COOKIE, SESSION_COOKIE, Context, csrf_token_for
from bezetting.core.errors import BezettingError
from bezetting.services.errors import AuthenticationError, PermissionDeniedError, RateLimitedError
from bezetting.services.users import SESSION_LIFETIME, authenticate, revoke_token
from bezetting.store.enums import Role
from bezetting.web.error_text import error_text
from bezetting.web.i18n import LANGUAGE_COOKIE, LANGUAGES, _n
from bezetting.web.rendering import NAVIGATION, language_of, render
from bezetting.web.session import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    new_login_token,
    viewer_of,
)

__all__ = ["home_of", "router", "safe_next"]

router = APIRouter(include_in_schema=False)
WRONG_LOGIN = _n("wrong e-mail or password")


def home_of(role: Role) -> str:
    """The first page a role may open."""
    return next(item.path for item in NAVIGATION if role in item.roles)


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback`` (no open redirects)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return fallback


@router.get("/")
def start(request: Request, context: Context) -> Response:
    """The viewer's home page, or the login page."""
    try:
        viewer = viewer_of(request, context)
    except AuthenticationError:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(home_of(viewer.who.role), status_code=303)


def _login_page(
    request: Request,
    context: Context,
    *,
    next_path: str,
    error: str | None = None,
    email: str = "",
    status_code: int = 200,
) -> Response:
    token = new_login_token()
    response = render(
        request,
        "login.html",
        viewer=None,
        status_code=status_code,
        values={"login_token": token, "next": next_path, "error": error, "email": email},
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="lax",
        secure=context.secure_cookies,
        path="/login",
    )
    return response


FORM_NOT_SENT = _n("Your session had ended, so the form was not sent. Log in and send it again.")


@router.get("/login")
def login_page(
    request: Request,
    context: Context,
    next_path: Annotated[str, Query(alias="next")] = "",
    unsent: bool = False,
) -> Response:
    """The login form; ``unsent`` when a form was posted after the session ended (site.py)."""
    return _login_page(
        request,
        context,
        next_path=safe_next(next_path, ""),
        error=FORM_NOT_SENT if unsent else None,
    )


@router.post("/login")
def login(
    request: Request,
    context: Context,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    login_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=2000)] = "",
) -> Response:
    """Check e-mail and password with the same service and limits as ``/api/v1/auth/login``
    and set the same cookies."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, login_token):
        raise PermissionDeniedError(
            "the login form expired or came from elsewhere; reload it and try again"
        )
    address = request.client.host if request.client else "unknown"
    try:
        context.limiter.check(email, address)
        user, issued = authenticate(
            context.sessions, email=email, password=password, now=context.clock()
        )
    except RateLimitedError as exc:
        return _login_page(
            request,
            context,
            next_path=next_path,
            error=error_text(exc, language_of(request)),
            email=email,
            status_code=429,
        )
    except (AuthenticationError, BezettingError):
        context.limiter.failed(email, address)
        return _login_page(
            request,
            context,
            next_path=next_path,
            error=WRONG_LOGIN,
            email=email,
            status_code=401,
        )
    context.limiter.succeeded(email, address)
    response = RedirectResponse(safe_next(next_path, home_of(user.role)), status_code=303)
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
        CSRF_COOKIE,
        csrf_token_for(context, issued.token),
        max_age=max_age,
        httponly=False,
        samesite="lax",
        secure=secure,
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, context: Context) -> Response:
    """End the session (CSRF-checked) and go back to the login page."""
    viewer = viewer_of(request, context)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, viewer.csrf_token):
        raise PermissionDeniedError(
            "the form's security token is missing or wrong; reload the page and try again"
        )
    revoke_token(context.sessions, token_id=viewer.who.token_id, now=context.clock())
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def _takes_posts_only(request: Request, path: str) -> bool:
    """Whether ``path`` is an address of this site that cannot be opened (a form's target:
    going back to it would answer 405)."""
    scope = {"type": "http", "path": urlsplit(path).path, "method": "GET"}
    found = [route.matches(scope)[0] for route in request.app.router.routes]
    return Match.FULL not in found and Match.PARTIAL in found


@router.get("/language/{language}")
def switch_language(
    request: Request,
    language: str,
    context: Context,
    next_path: Annotated[str, Query(alias="next")] = "/",
) -> Response:
    """Remember the chosen language for a year and go back to the page (to the start page
    from an address that takes posts only, as an older page may still link)."""
    target = safe_next(next_path, "/")
    if _takes_posts_only(request, target):
        target = "/"
    response = RedirectResponse(target, status_code=303)
    if language in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=context.secure_cookies,
            path="/",
        )
    return response
