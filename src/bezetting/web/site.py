"""``create_site()``: the API and the pages in one ASGI application.

The API's JSON error mapping stays as it is for ``/api/...``; for pages the same exceptions
become pages: no session sends the browser to the login page (HTMX: ``HX-Redirect``), a role
without access gets a 403 page with no data (but with the navigation to the viewer's own pages),
a record out of reach a 404 page; so do an address with no page, a method a page does not
take and an address value it cannot read (404, 405, 422). An HTMX request
gets the message alone, retargeted into the page's ``#flash`` area. The message is in the page's
language (:mod:`bezetting.web.error_text`); the API's JSON keeps the English one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from urllib.parse import quote

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
from bezetting.web.rendering import is_htmx, language_of, render
from bezetting.web.routes import account, agent, availability, planning, team, viewers
from bezetting.web.session import Viewer, viewer_of

__all__ = ["PAGE_ROUTERS", "create_site"]

PAGE_ROUTERS = (account, agent, availability, team, planning, viewers)


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


def _page_errors(api_handler: Callable[..., object]) -> PageErrorHandler:
    async def handle(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            response = await api_handler(request, exc)  # type: ignore[misc]
            assert isinstance(response, Response)
            return response
        assert isinstance(exc, BezettingError)
        if isinstance(exc, AuthenticationError):
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            target = "/login?next=" + quote(here if request.method == "GET" else "/", safe="/")
            if is_htmx(request):
                return Response(status_code=401, headers={"HX-Redirect": target})
            return RedirectResponse(target, status_code=303)
        return _error_page(request, _status(exc), error_text(exc, language_of(request)))

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
