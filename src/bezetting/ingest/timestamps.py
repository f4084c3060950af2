"""Timestamps of contact records and options, by the one rule of :mod:`bezetting.core.dates`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bezetting.core.dates import parse_datetime

__all__ = ["parse_timestamp"]


def parse_timestamp(text: str, tz: ZoneInfo) -> datetime:
    """Parse ``2020-03-16T08:15:00+01:00``, ``2020-03-16 08:15:00Z``, a local
    ``2020-03-16 08:15`` or ``16-03-2020 08:15`` (read in ``tz``) into an aware UTC datetime.

    A local time skipped or repeated at a DST change is refused, as the imports refuse it.

    Raises:
        DateInputError: see :func:`bezetting.core.dates.parse_datetime` (a ``ValueError``).
    """
    return parse_datetime(text, zone=tz)
