"""``create_app()``: the FastAPI application factory (no engine or settings at import time)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import Depends, FastAPI

from bezetting import __version__
from bezetting.api.deps import AppContext, Caller, LoginRateLimiter, running_from
from bezetting.api.docs import install_docs
from bezetting.api.errors import install_error_handlers
from bezetting.api.routers import (
    absences,
    agents,
    auth,
    events,
    jobs,
    me,
    planning_settings,
    queues,
    requests,
    schedules,
    staffing,
    surveys,
    swaps,
    users,
)
from bezetting.config import Settings, load_settings
from bezetting.jobs import JobRunner
from bezetting.store import SessionFactory

__all__ = ["create_app"]

_ROUTERS = (
    auth,
    users,
    agents,
    me,
    requests,
    swaps,
    schedules,
    absences,
    events,
    jobs,
    queues,
    surveys,
    planning_settings,
)


_OPENAPI_URL = "/api/v1/openapi.json"
_DOCS_URL = "/api/v1/docs"


def _any_person(who: Caller) -> None:
    """The staffing calculator is for any logged-in person (not for integration tokens)."""


def create_app(
    settings: Settings | None = None,
    *,
    sessions: SessionFactory | None = None,
    runner: JobRunner | None = None,
    clock: Callable[[], datetime] | None = None,
    login_limiter: LoginRateLimiter | None = None,
) -> FastAPI:
    """Build the API application with every router and the error mapping.

    Args:
        settings: the settings (default: read from ``BEZETTING_*``).
        sessions: a session factory to use instead of one built from the settings (tests).
        runner: a job runner instead of the default (in-process, or Celery with a broker).
        clock: now, timezone-aware (tests pin it).
        login_limiter: the login rate limiter (default: 5 failures per 5 minutes).
    """
    settings = settings if settings is not None else load_settings()
    context = AppContext(
        settings,
        limiter=login_limiter,
        sessions=sessions,
        runner=runner,
    )
    if clock is not None:
        context.clock = clock
    elif settings.demo_clock_start is not None:
        context.clock = running_from(settings.demo_clock_start)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        context.close()

    app = FastAPI(
        lifespan=lifespan,
        title="bezetting",
        version=__version__,
        summary="Open-source workforce management for customer-service teams",
        openapi_url=_OPENAPI_URL,
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN; install_docs serves it
        redoc_url=None,
    )
    install_docs(app, docs_url=_DOCS_URL, openapi_url=_OPENAPI_URL)
    app.state.bezetting = context
    install_error_handlers(app)
    for module in _ROUTERS:
        app.include_router(module.router, prefix="/api/v1")
    app.include_router(staffing.router, prefix="/api/v1", dependencies=[Depends(_any_person)])

    @app.get("/health", tags=["health"], summary="Liveness check")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
