"""ISO 8601 timestamps with or without a UTC offset; local ones are read in a time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

__all__ = ["parse_timestamp"]


def parse_timestamp(text: str, tz: ZoneInfo) -> datetime:
    """Parse ``2020-03-16T08:15:00+01:00``, ``2020-03-16 08:15:00Z`` or a local
    ``2020-03-16 08:15`` (read in ``tz``) into an aware UTC datetime.

    A local time in the repeated hour of the autumn switch is read as its first occurrence;
    one in the skipped hour of the spring switch does not exist and raises ``ValueError``.
    """
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        local = value.replace(tzinfo=tz)
        utc = local.astimezone(UTC)
        if utc.astimezone(tz).replace(tzinfo=None) != value:
            raise ValueError(
                f"{text.strip()!r} does not exist in {tz.key} (the clock skips that hour)"
            )
        return utc
    return value.astimezone(UTC)
