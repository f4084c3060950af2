"""The error raised when a file has bad rows: all of them, not just the first."""

from __future__ import annotations

from collections.abc import Sequence

from bezetting.core.errors import InputError, RowError

__all__ = ["IngestError"]

_SHOWN = 20


class IngestError(InputError):
    """A file has one or more bad rows; ``rows`` holds every :class:`RowError`."""

    code = "invalid_file"

    def __init__(self, source: str, rows: Sequence[RowError]) -> None:
        self.source = source
        self.rows = tuple(rows)
        lines = [f"  {row}" for row in self.rows[:_SHOWN]]
        if len(self.rows) > _SHOWN:
            lines.append(f"  ... and {len(self.rows) - _SHOWN} more")
        super().__init__(f"{source}: {len(self.rows)} bad row(s):\n" + "\n".join(lines))
