"""One exception tree for all of bezetting.

The base classes live here; a layer may add a subclass next to the code that raises it (so the
core does not know about jobs or accounts), and every one of them is drawn here::

    BezettingError                 every error bezetting raises on purpose
    ├── InputError                 a value a caller passed is out of range or malformed
    │   ├── RowError               one row of an input file is bad (names line, column, reason)
    │   ├── BadRowsError           a file has bad rows: every one of them, in ``rows``
    │   │   └── ingest.IngestError             a contact-record or interval-series file
    │   ├── FieldError             one field of a structured file is bad (names its path, reason)
    │   ├── BadFieldsError         a file (a schedule problem) has bad fields: every one, in
    │   │                          ``fields``
    │   ├── core.simulate.ScenarioError        a scenario field, named by its path
    │   ├── jobs.UnknownJobKindError / UnknownJobError / InvalidJobParamsError
    │   └── services.errors.NotFoundError    out of reach or absent (HTTP 404)
    ├── InfeasibleError            the input is valid but no answer meets it (a target no
    │                              staffing can reach, rules no schedule can satisfy)
    ├── ConflictError              a concurrent edit lost against a newer version
    │   └── services.schedules.OverlappingShiftsError   publishing would give an agent two
    │                                                   shifts at once
    ├── jobs.JobCancelledError, JobWaitTimeoutError, BrokerUnavailableError,
    │   InvalidJobResultError      a background job's fate
    ├── services.planning_settings.UnreadableSettingsError   the stored planning settings no
    │                              longer parse: planning refuses until they are replaced (409)
    └── services.errors.AuthenticationError, PermissionDeniedError, RateLimitedError

Every error carries a machine-readable ``code`` so that the API can map it in one place.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "BadFieldsError",
    "BadRowsError",
    "BezettingError",
    "ConflictError",
    "FieldError",
    "InfeasibleError",
    "InputError",
    "RowError",
]


class BezettingError(Exception):
    """Base of every error bezetting raises on purpose."""

    code: str = "bezetting_error"


class InputError(BezettingError, ValueError):
    """A value is out of range or malformed; the message names the value and the valid range."""

    code = "invalid_input"


class RowError(InputError):
    """One row of an input file is bad.

    Args:
        line: 1-based line number in the file (the header is line 1).
        column: the column's name.
        reason: why the value is rejected and what would be valid.
    """

    code = "invalid_row"

    def __init__(self, line: int, column: str, reason: str) -> None:
        self.line = line
        self.column = column
        self.reason = reason
        super().__init__(f"line {line}, column {column!r}: {reason}")


class InfeasibleError(BezettingError):
    """The input is valid, but no answer can meet it."""

    code = "infeasible"


class ConflictError(BezettingError):
    """Someone else saved a newer version first; reload and apply the change again."""

    code = "conflict"


class BadRowsError(InputError):
    """A file has one or more bad rows; ``rows`` holds every :class:`RowError`.

    Readers collect all bad rows before raising, so a user fixes a file in one pass, and they
    return (or write) nothing when any row is bad.
    """

    code = "invalid_rows"

    def __init__(self, source: str, rows: Sequence[RowError]) -> None:
        self.source = source
        self.rows = tuple(rows)
        bad_rows = len({row.line for row in self.rows})  # a row may have several bad cells
        super().__init__(_listing(source, "row", self.rows, count=bad_rows))


class FieldError(InputError):
    """One field of a structured file (a mapping read from YAML) is bad.

    Args:
        path: where the field sits, e.g. ``agents[3].contract.max_hours`` (list items counted
            from 0); empty for the file as a whole.
        reason: why the value is rejected and what would be valid.
        label: the list item the path points into, by its own name (``"agent 'dirk'"``), so
            a user finds it without counting.
    """

    code = "invalid_field"

    def __init__(self, path: str, reason: str, *, label: str = "") -> None:
        self.path = path
        self.reason = reason
        self.label = label
        where = f"{path} ({label})" if path and label else path
        super().__init__(f"{where}: {reason}" if where else reason)


class BadFieldsError(InputError):
    """A file has one or more bad fields; ``fields`` holds every :class:`FieldError`.

    As :class:`BadRowsError` for rows: readers collect every bad field before raising, so a
    user fixes a file in one pass, and nothing is built when any field is bad.
    """

    code = "invalid_fields"

    def __init__(self, source: str, fields: Sequence[FieldError]) -> None:
        self.source = source
        self.fields = tuple(fields)
        super().__init__(_listing(source, "field", self.fields))


_SHOWN = 20


def _listing(
    source: str, what: str, errors: Sequence[InputError], *, count: int | None = None
) -> str:
    """``source: n bad row(s):`` and the first errors, one a line (a file may have thousands);
    ``count`` when the errors are not one per row (a row may have several bad cells)."""
    lines = [f"  {error}" for error in errors[:_SHOWN]]
    if len(errors) > _SHOWN:
        lines.append(f"  ... and {len(errors) - _SHOWN} more")
    total = len(errors) if count is None else count
    return f"{source}: {total} bad {what}(s):\n" + "\n".join(lines)
