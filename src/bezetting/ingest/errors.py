"""The error raised when a file has bad rows: all of them, not just the first."""

from __future__ import annotations

from bezetting.core.errors import BadRowsError

__all__ = ["IngestError"]


class IngestError(BadRowsError):
    """A contact-record or interval-series file has bad rows (see :class:`BadRowsError`)."""
