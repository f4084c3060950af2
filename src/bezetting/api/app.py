"""``create_app()``: the FastAPI application factory (no engine or settings at import time)."""

from __future__ import annotations

from fastapi import FastAPI

from bezetting import __version__
from bezetting.api.errors import install_error_handlers
from bezetting.api.routers import staffing

__all__ = ["create_app"]


def create_app() -> FastAPI:
    """Build the API application with every router and the error mapping."""
    app = FastAPI(
        title="bezetting",
        version=__version__,
        summary="Open-source workforce management for customer-service teams",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    install_error_handlers(app)
    app.include_router(staffing.router, prefix="/api/v1")

    @app.get("/health", tags=["health"], summary="Liveness check")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
