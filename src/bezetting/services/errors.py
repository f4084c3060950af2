"""Errors of the services that scope data by caller, inside bezetting's one exception tree::

BezettingError                       (bezetting.core.errors)
├── InputError
│   └── NotFoundError                no such record, or not one the caller may see (404)
├── AuthenticationError              no valid credentials (401)
├── PermissionDeniedError            valid credentials, but not for this action (403)
└── RateLimitedError                 too many login attempts; ``retry_after_seconds`` (429)
"""

from __future__ import annotations

from bezetting.core.errors import BezettingError, InputError

__all__ = ["AuthenticationError", "NotFoundError", "PermissionDeniedError", "RateLimitedError"]


class NotFoundError(InputError):
    """No such record, or one the caller may not see (the answer is the same: no data)."""

    code = "not_found"


class AuthenticationError(BezettingError):
    """No credentials, or credentials that are wrong, expired or revoked."""

    code = "unauthenticated"


class PermissionDeniedError(BezettingError):
    """The caller is known but their role or token scope does not allow this action."""

    code = "forbidden"


class RateLimitedError(BezettingError):
    """Too many attempts; try again after ``retry_after_seconds``."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(message)
