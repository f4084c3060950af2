"""What every router depends on: the app's context, the caller, role checks and CSRF.

Credentials come in one of two ways:

* ``Authorization: Bearer bzt_...``: an API token (integrations, scripts). No CSRF check: a
  browser never adds this header by itself.
* the ``bezetting_session`` cookie set by ``POST /api/v1/auth/login`` (HttpOnly, SameSite=Lax,
  Secure outside development). Unsafe methods then need the header ``X-CSRF-Token`` equal to
  the ``bezetting_csrf`` cookie, which is an HMAC of the session under the secret key (a signed
  double-submit token: a page on another site can neither read nor forge it).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from bezetting.config import Environment, Settings
from bezetting.jobs import InProcessRunner, JobRunner
from bezetting.jobs.sql_store import SqlJobStatusStore
from bezetting.services.errors import AuthenticationError, PermissionDeniedError, RateLimitedError
from bezetting.services.users import Principal, principal_for_token
from bezetting.store import SessionFactory, create_engine_for, ensure_schema, make_session_factory
from bezetting.store.enums import Role, TokenScope

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "AppContext",
    "Caller",
    "Context",
    "Integration",
    "LoginRateLimiter",
    "csrf_token_for",
    "require_roles",
    "running_from",
]

SESSION_COOKIE = "bezetting_session"
CSRF_COOKIE = "bezetting_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRateLimiter:
    """At most ``max_attempts`` failed logins per e-mail and client address in a sliding window.

    In memory, so per process: with several ``serve`` processes each counts on its own (an
    attacker gets ``max_attempts`` times the number of processes). A proxy in front may add a
    shared limit.
    """

    def __init__(self, *, max_attempts: int = 5, window_seconds: float = 300.0) -> None:
        self._max = max_attempts
        self._window = window_seconds
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    _SWEEP_AT = 10_000

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        if len(self._failures) > self._SWEEP_AT:  # forget keys whose failures all expired
            cutoff = now - self._window
            for stale in [k for k, v in self._failures.items() if not v or v[-1] <= cutoff]:
                del self._failures[stale]
        stamps = self._failures.setdefault(key, deque())
        while stamps and stamps[0] <= now - self._window:
            stamps.popleft()
        return stamps

    def check(self, email: str, address: str) -> None:
        """Raise RateLimitedError when this e-mail and address failed too often lately."""
        now = time.monotonic()
        with self._lock:
            stamps = self._recent((email.strip().lower(), address), now)
            if len(stamps) >= self._max:
                retry = int(stamps[0] + self._window - now) + 1
                raise RateLimitedError(
                    f"too many failed logins; try again in {retry} seconds",
                    retry_after_seconds=retry,
                )

    def failed(self, email: str, address: str) -> None:
        """Count one failed attempt."""
        now = time.monotonic()
        with self._lock:
            self._recent((email.strip().lower(), address), now).append(now)

    def succeeded(self, email: str, address: str) -> None:
        """Forget the failures of this e-mail and address."""
        with self._lock:
            self._failures.pop((email.strip().lower(), address), None)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def running_from(
    start: datetime,
    real_clock: Callable[[], datetime] = _utc_now,
) -> Callable[[], datetime]:
    """A clock that reads ``start`` now and runs on in real time (the demo's spring 2020).

    Sessions, requests and "today" on the pages all follow it, so a demo set in the past
    behaves as if it were the present.
    """
    offset = start - real_clock()

    def now() -> datetime:
        return (real_clock() + offset).astimezone(UTC)

    return now


class AppContext:
    """Per-application state: settings, a lazily built database and job runner, the clock.

    Nothing connects at construction, so ``create_app()`` is cheap and import-safe; the engine
    and the runner are built on first use (once, also when requests race) and closed by
    :meth:`close` when the app shuts down.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = _utc_now,
        limiter: LoginRateLimiter | None = None,
        sessions: SessionFactory | None = None,
        runner: JobRunner | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.limiter = limiter if limiter is not None else LoginRateLimiter()
        self._sessions = sessions
        self._runner = runner
        self._dispose_engine: Callable[[], None] | None = None
        self._own_runner: InProcessRunner | None = None
        self._lock = threading.Lock()

    @property
    def sessions(self) -> SessionFactory:
        """The session factory (built, and SQLite migrated, on first use)."""
        if self._sessions is None:
            with self._lock:
                if self._sessions is None:
                    engine = create_engine_for(self.settings)
                    ensure_schema(engine)
                    self._dispose_engine = engine.dispose
                    self._sessions = make_session_factory(engine)
        return self._sessions

    @property
    def runner(self) -> JobRunner:
        """Celery when a broker is configured, else a thread pool in this process; either way
        statuses are shared by every process (Redis, or the database's ``jobs`` table)."""
        if self._runner is None:
            # Built before taking the lock: ``sessions`` takes the same (non-reentrant) lock.
            sessions = None if self.settings.broker_url else self.sessions
            with self._lock:
                if self._runner is None:
                    if self.settings.broker_url:
                        from bezetting.jobs.celery_runner import CeleryRunner  # only if used

                        self._runner = CeleryRunner(self.settings.broker_url)
                    else:
                        assert sessions is not None
                        # Jobs are stamped on the app's clock (the demo's spring 2020 too).
                        self._own_runner = InProcessRunner(
                            store=SqlJobStatusStore(sessions), clock=self.clock
                        )
                        self._runner = self._own_runner
        return self._runner

    @property
    def secure_cookies(self) -> bool:
        """Cookies are Secure (HTTPS only) except in development and tests."""
        return self.settings.env is Environment.PRODUCTION

    def close(self) -> None:
        """Stop the in-process runner and close the engine this context built (not given ones)."""
        if self._own_runner is not None:
            self._own_runner.shutdown()
        if self._dispose_engine is not None:
            self._dispose_engine()


def _context(request: Request) -> AppContext:
    context: AppContext = request.app.state.bezetting
    return context


Context = Annotated[AppContext, Depends(_context)]


def csrf_token_for(context: AppContext, session_token: str) -> str:
    """The CSRF token that belongs to a session: HMAC-SHA-256 under the secret key."""
    key = context.settings.secret_key.get_secret_value().encode("utf-8")
    return hmac.new(key, session_token.encode("utf-8"), hashlib.sha256).hexdigest()


def _principal(request: Request, context: Context) -> Principal:
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("use 'Authorization: Bearer <token>'")
        return principal_for_token(context.sessions, token.strip(), now=context.clock())
    session_token = request.cookies.get(SESSION_COOKIE)
    if not session_token:
        raise AuthenticationError("log in first, or send an API token")
    who = principal_for_token(context.sessions, session_token, now=context.clock())
    if who.scope is not TokenScope.SESSION:
        raise AuthenticationError("the session cookie is not valid")
    if request.method not in _SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent, csrf_token_for(context, session_token)):
            raise PermissionDeniedError(
                f"missing or wrong {CSRF_HEADER} header (copy it from the {CSRF_COOKIE} cookie)"
            )
    return who


def _person(who: Annotated[Principal, Depends(_principal)]) -> Principal:
    if who.scope is TokenScope.INTEGRATION:
        raise PermissionDeniedError("an integration token may only post events")
    return who


Caller = Annotated[Principal, Depends(_person)]
"""A person: logged in, or calling with an ``api`` token."""


def _integration(who: Annotated[Principal, Depends(_principal)]) -> Principal:
    if who.scope is not TokenScope.INTEGRATION:
        raise PermissionDeniedError("events need a token with the 'integration' scope")
    return who


Integration = Annotated[Principal, Depends(_integration)]
"""A platform posting live events with an ``integration`` token."""


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency that lets only ``roles`` through (403 with no data otherwise)."""
    allowed = frozenset(roles)
    names = ", ".join(sorted(r.value for r in allowed))

    def check(who: Caller) -> Principal:
        if who.role not in allowed:
            raise PermissionDeniedError(f"this needs one of the roles: {names}")
        return who

    return check
