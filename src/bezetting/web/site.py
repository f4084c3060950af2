"""``create_site()``: the API and the pages in one ASGI application.

The API's JSON error mapping stays as it is for ``/api/...``; for pages the same exceptions
become pages: no session sends the browser to the login page (HTMX: ``HX-Redirect``), a role
without access gets a 403 page with no data (but with the navigation to the viewer's own pages),
a record out of reach a 404 page; so do an address with no page, a method a page does not
take and an address value it cannot read (404, 405, 422). An HTMX request
gets the message alone, retargeted into the page's ``#flash`` area. The message is in the page's
language (:mod:`bezetting.web.error_text`); the API's JSON keeps the English one.

A form posted without JavaScript and refused for its input or a lost race (422, 409) comes back
as the page the form is on, with the message next to the form and what was typed kept
(:class:`~bezetting.web.rendering.FormProblem`): the page is rendered by its own GET route, so
every form has this without code of its own. On the planning page it comes back by a redirect
(Post/Redirect/Get, :func:`~bezetting.web.rendering.refusal_redirect`), so reloading it does not
send the form again; elsewhere, and for a problem too large for its cookie, the page is rendered
as the post's answer. A post whose session has ended goes to the login
page, which says the form was not sent, and from there back to the form's page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from bezetting.api.app import create_app
from bezetting.api.deps import LoginRateLimiter
from bezetting.api.errors import STATUS_FOR
from bezetting.config import Settings
from bezetting.core.errors import BezettingError
from bezetting.jobs import JobRunner
from bezetting.services.errors import AuthenticationError
from bezetting.store import SessionFactory
from bezetting.web.error_text import error_text
from bezetting.web.rendering import (
    FormProblem,
    form_page,
    is_htmx,
    language_of,
    refusal_redirect,
    render,
)
from bezetting.web.routes import account, accounts, agent, availability, planning, team, viewers
from bezetting.web.session import Viewer, viewer_of

__all__ = ["PAGE_ROUTERS", "create_site"]

PAGE_ROUTERS = (account, accounts, agent, availability, team, planning, viewers)


def _status(exc: BezettingError) -> int:
    return next(status for kind, status in STATUS_FOR if isinstance(exc, kind))


PageErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


def _logged_in(request: Request) -> Viewer | None:
    """Who is logged in, for an error page's navigation and log-out button; None if nobody."""
    try:
        return viewer_of(request, request.app.state.bezetting)
    except AuthenticationError:
        return None


def _error_page(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """The error as a page with the viewer's navigation; for HTMX the message alone, into the
    page's message area, leaving the row or form that was clicked intact."""
    values = {"status": status, "message": message}
    if is_htmx(request):
        return render(
            request,
            "_error.html",
            viewer=None,
            status_code=status,
            values=values,
            headers={**(headers or {}), "HX-Retarget": "#flash", "HX-Reswap": "innerHTML"},
        )
    viewer = _logged_in(request)
    return render(
        request,
        "error.html",
        viewer=viewer.who if viewer else None,
        csrf_token=viewer.csrf_token if viewer else "",
        status_code=status,
        values=values,
        headers=headers,
    )


_SCOPE_KEYS = ("type", "asgi", "http_version", "scheme", "server", "client", "root_path")
_BODY_HEADERS = (b"content-type", b"content-length", b"transfer-encoding")


async def _form_page_again(request: Request, problem: FormProblem, status: int) -> Response | None:
    """The page the refused form is on, rendered by its own GET route with ``problem`` in the
    request's state; None when that page cannot be shown (it then gets the error page)."""
    target = urlsplit(form_page(request))
    scope: dict[str, Any] = {key: request.scope[key] for key in _SCOPE_KEYS if key in request.scope}
    scope.update(
        method="GET",
        path=target.path,
        raw_path=target.path.encode(),
        query_string=target.query.encode(),
        headers=[(k, v) for k, v in request.scope["headers"] if k not in _BODY_HEADERS],
        state={
            **{
                k: v for k, v in request.scope.get("state", {}).items() if k not in ("page", "form")
            },
            "form_problem": problem,
        },
    )
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await request.app(scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    if start["status"] != 200:
        return None
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    response = Response(body, status_code=status)
    response.raw_headers = list(start["headers"])
    return response


def _login_for_expired_session(request: Request) -> Response:
    """To the login page, and from there back: for a page, to it; for a page's form post, to
    the page the form is on, with the login page saying the form was not sent (logging out
    again sends nothing worth saying so)."""
    if request.method in ("GET", "HEAD"):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target = "/login?next=" + quote(here, safe="/")
    elif getattr(request.state, "page", None) is None:
        target = "/login?next=" + quote(form_page(request), safe="/")
    else:
        target = "/login?unsent=1&next=" + quote(form_page(request), safe="/")
    if is_htmx(request):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _page_errors(api_handler: Callable[..., object]) -> PageErrorHandler:
    async def handle(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            response = await api_handler(request, exc)  # type: ignore[misc]
            assert isinstance(response, Response)
            return response
        assert isinstance(exc, BezettingError)
        if isinstance(exc, AuthenticationError):
            return _login_for_expired_session(request)
        status, message = _status(exc), error_text(exc, language_of(request))
        form = getattr(request.state, "form", None)
        if (
            status in (409, 422)
            and form is not None
            and request.method == "POST"
            and not is_htmx(request)
        ):
            # never kept: the CSRF token, and any password (it would travel in a cookie or
            # be written back into a page)
            values = {k: v for k, v in form.items() if k != "csrf_token" and "password" not in k}
            problem = FormProblem(request.url.path, message, values)
            redirect = refusal_redirect(request, problem, status)  # reloading sends nothing
            if redirect is not None:
                return redirect
            again = await _form_page_again(request, problem, status)
            if again is not None:
                return again
        return _error_page(request, status, message)

    return handle


def _page_http_errors(api_handlers: dict[type, Callable[..., object]]) -> PageErrorHandler:
    """A missing page, a wrong method or an unreadable address value, as a page in the
    viewer's language (the API keeps its JSON): a browser user never sees a JSON body."""

    async def handle(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            api = next(h for kind, h in api_handlers.items() if isinstance(exc, kind))
            response = await api(request, exc)  # type: ignore[misc]
            assert isinstance(response, Response)
            return response
        http = exc if isinstance(exc, StarletteHTTPException) else None
        status = http.status_code if http is not None else 422
        headers = dict(http.headers) if http is not None and http.headers else None
        return _error_page(request, status, "", headers)  # the page says it by its status

    return handle


def create_site(
    settings: Settings | None = None,
    *,
    sessions: SessionFactory | None = None,
    runner: JobRunner | None = None,
    clock: Callable[[], datetime] | None = None,
    login_limiter: LoginRateLimiter | None = None,
) -> FastAPI:
    """The API of :func:`bezetting.api.app.create_app` plus the pages and their static files.

    Takes the same arguments as ``create_app``; ``bezetting serve`` runs this.
    """
    app = create_app(
        settings, sessions=sessions, runner=runner, clock=clock, login_limiter=login_limiter
    )
    app.mount("/static", StaticFiles(packages=[("bezetting.web", "static")]), name="static")
    for module in PAGE_ROUTERS:
        app.include_router(module.router)
    api_handler = app.exception_handlers[BezettingError]
    app.add_exception_handler(BezettingError, _page_errors(api_handler))
    kinds = (StarletteHTTPException, RequestValidationError)
    page_http = _page_http_errors({kind: app.exception_handlers[kind] for kind in kinds})
    for kind in kinds:
        app.add_exception_handler(kind, page_http)
    return app
