"""Map bezetting's exception tree to HTTP responses, in one place.

Every error response has the same body::

    {"error": {"code": "invalid_input", "message": "...", "details": [...]}}

``code`` is machine-readable (the exception's ``code``); ``details`` lists bad rows when an
import names them, the bad fields of a schedule problem (``{"field", "label", "reason"}``),
the broken rules of a refused swap (for an agent taking an offer: their own, plus
``{"rule": "colleague_cannot_take", "reason"}`` when it fails for the colleague, whose reasons
are theirs alone), or ``{"reason", "stored"}`` when the stored planning settings no longer
parse.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bezetting.core.errors import (
    BadFieldsError,
    BadRowsError,
    BezettingError,
    ConflictError,
    InfeasibleError,
    InputError,
)
from bezetting.jobs import UnknownJobError
from bezetting.services.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from bezetting.services.planning_settings import UnreadableSettingsError
from bezetting.services.swaps import COLLEAGUE_CANNOT_TAKE, SwapRefusedError

__all__ = ["STATUS_FOR", "error_body", "install_error_handlers"]

STATUS_FOR: tuple[tuple[type[BezettingError], int], ...] = (
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (UnknownJobError, 404),
    (RateLimitedError, 429),
    (ConflictError, 409),
    (UnreadableSettingsError, 409),
    (InfeasibleError, 422),
    (SwapRefusedError, 422),
    (InputError, 422),
    (BezettingError, 400),
)


def error_body(code: str, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    """The one shape of every error response."""
    return {"error": {"code": code, "message": message, "details": details or []}}


def _status(exc: BezettingError) -> int:
    for kind, status in STATUS_FOR:
        if isinstance(exc, kind):
            return status
    return 400  # pragma: no cover - BezettingError is last in STATUS_FOR


async def _bezetting_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BezettingError)
    details: list[Any] = [
        {"line": e.line, "column": e.column, "reason": e.reason}
        for e in (exc.rows if isinstance(exc, BadRowsError) else ())
    ]
    if isinstance(exc, BadFieldsError):
        details = [{"field": f.path, "label": f.label, "reason": f.reason} for f in exc.fields]
    if isinstance(exc, SwapRefusedError):
        details = [
            {
                "agent_id": v.agent_id,
                "agent": v.agent,
                "rule": v.rule,
                "at": v.at.isoformat(),
                "measured": v.measured,
                "limit": v.limit,
                "unit": v.unit,
                "reason": v.message,
                "skill": v.skill,
            }
            for v in exc.violations
        ]
        if exc.colleague_cannot_take:
            details.append({"rule": "colleague_cannot_take", "reason": COLLEAGUE_CANNOT_TAKE})
    if isinstance(exc, UnreadableSettingsError):
        details = [{"reason": exc.reason, "stored": dict(exc.stored)}]
    status = _status(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimitedError):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    if isinstance(exc, AuthenticationError):
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(
        error_body(exc.code, str(exc), details), status_code=status, headers=headers
    )


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    return JSONResponse(
        error_body(code, str(exc.detail)),
        status_code=exc.status_code,
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"field": ".".join(str(p) for p in err.get("loc", ())), "reason": err.get("msg", "")}
        for err in exc.errors()
    ]
    return JSONResponse(
        error_body("invalid_request", "the request does not match the schema", details),
        status_code=422,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the mapping on ``app``."""
    app.add_exception_handler(BezettingError, _bezetting_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
