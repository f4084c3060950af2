"""One typed settings object, read from ``BEZETTING_*`` environment variables at entry points.

Build it with :func:`load_settings` in an entry point (a CLI command, ``create_app``, a worker),
never at import time, and pass it down. ``load_settings`` turns a malformed value into an
:class:`~bezetting.core.errors.InputError` and refuses the built-in development secrets outside
development mode::

    BEZETTING_ENV                dev (default) | test | production
    BEZETTING_DATA_DIR           where the default SQLite file lives (default ./var)
    BEZETTING_DATABASE_URL       default sqlite:///<data dir>/bezetting.db;
                                 postgresql+psycopg://user@host:5432/db for PostgreSQL
    BEZETTING_SECRET_KEY         signs sessions and tokens (at least 32 characters in production)
    BEZETTING_PSEUDONYM_KEY      keys the hash that pseudonymises customer ids on import
    BEZETTING_BROKER_URL         redis://host:6379/0 to run jobs on Celery; unset = in-process
    BEZETTING_TIME_OFF_MAX_DAYS  the longest time off an agent asks for at once, in days
                                 (1 to 366; default 42, six weeks: see
                                 ``bezetting.services.absence.MAX_TIME_OFF_DAYS``)
    BEZETTING_DEMO_CLOCK_START   dev only: the server's "now" starts at this moment (with a
                                 zone, e.g. 2020-03-17T09:30:00+01:00) and runs on from there;
                                 ``make run`` sets it so the spring-2020 demo is "today"
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bezetting.core.errors import InputError

__all__ = ["INSECURE_DEV_KEY", "Environment", "Settings", "load_settings"]

INSECURE_DEV_KEY = "insecure-development-key-change-me"
"""The default of both keys: fine on a laptop, refused in production."""

_MIN_KEY_LENGTH = 32


class Environment(StrEnum):
    """Where bezetting runs: development and tests accept the built-in keys, production not."""

    DEV = "dev"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every setting bezetting reads, typed. Construct through :func:`load_settings`."""

    model_config = SettingsConfigDict(env_prefix="BEZETTING_", extra="ignore", frozen=True)

    env: Environment = Environment.DEV
    data_dir: Path = Path("var")
    database_url: str | None = None
    secret_key: SecretStr = SecretStr(INSECURE_DEV_KEY)
    pseudonym_key: SecretStr = SecretStr(INSECURE_DEV_KEY)
    broker_url: str | None = None
    demo_clock_start: datetime | None = None
    time_off_max_days: int = Field(default=42, ge=1, le=366)

    @property
    def resolved_database_url(self) -> str:
        """The database URL in force: the one given, or the SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'bezetting.db').as_posix()}"

    @property
    def pseudonym_key_bytes(self) -> bytes:
        """The pseudonym key as bytes, for HMAC."""
        return self.pseudonym_key.get_secret_value().encode("utf-8")


def load_settings(**overrides: object) -> Settings:
    """Read the settings from the environment (``overrides`` win) and check them.

    Raises:
        InputError: a value is malformed, or production runs with a built-in or short key.
    """
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"BEZETTING_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise InputError(f"invalid settings: {problems}") from None
    start = settings.demo_clock_start
    if start is not None and (start.tzinfo is None or start.utcoffset() is None):
        raise InputError("BEZETTING_DEMO_CLOCK_START needs a zone, e.g. 2020-03-17T09:30:00+01:00")
    if start is not None and settings.env is not Environment.DEV:
        raise InputError(
            "BEZETTING_DEMO_CLOCK_START moves the server's clock: development mode only "
            f"(BEZETTING_ENV is {settings.env.value!r})"
        )
    if settings.env is Environment.PRODUCTION:
        for name in ("secret_key", "pseudonym_key"):
            value: SecretStr = getattr(settings, name)
            secret = value.get_secret_value()
            if secret == INSECURE_DEV_KEY or len(secret) < _MIN_KEY_LENGTH:
                raise InputError(
                    f"BEZETTING_{name.upper()} is the built-in development key or shorter than "
                    f"{_MIN_KEY_LENGTH} characters; production needs a random secret "
                    "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
        if settings.secret_key == settings.pseudonym_key:
            raise InputError(
                "BEZETTING_SECRET_KEY and BEZETTING_PSEUDONYM_KEY must differ in production"
            )
    return settings
