"""What a job is at one moment: its state, progress, message, result or error.

A :class:`JobStatus` is a frozen value. Runners never edit one in place: they read the current
status from a :class:`~bezetting.jobs.store.JobStatusStore`, derive the next one with
:func:`dataclasses.replace`, and save it back under optimistic concurrency (``version``).

``to_json`` / ``from_json`` give the plain-JSON shape used by the Redis store, the CLI's
``--json`` output and (later) the API::

    {"id": "3f2a...", "kind": "staffing", "state": "running", "progress": 0.4,
     "message": "400 of 1000 intervals", "result": null, "error": null,
     "cancel_requested": false, "created_at": "2020-03-16T08:15:00+00:00",
     "started_at": "...", "finished_at": null, "updated_at": "...", "version": 3,
     "organisation_id": 1, "created_by_user_id": 7}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias, cast

from bezetting.jobs.errors import InvalidJobParamsError
from bezetting.store.enums import JobState  # one enum: the column's values are the job's states

__all__ = [
    "FINAL_STATES",
    "JSON",
    "JobError",
    "JobState",
    "JobStatus",
    "check_json",
    "check_json_object",
]

JSON: TypeAlias = bool | int | float | str | list["JSON"] | dict[str, "JSON"] | None
"""A plain JSON value: what job params and results are made of."""


FINAL_STATES = frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED})
"""States a job never leaves."""


@dataclass(frozen=True)
class JobError:
    """Why a job failed.

    Attributes:
        code: machine-readable, the ``code`` of the bezetting error raised (``invalid_input``,
            ``infeasible``, ...), or ``internal_error`` for an unexpected exception.
        message: for people: the error's message (with the exception's type for internal errors).
    """

    code: str
    message: str


@dataclass(frozen=True, kw_only=True)
class JobStatus:
    """One job's status at one moment.

    Attributes:
        id: the job's id (a hex uuid4; also the Celery task id).
        kind: the registered job kind, e.g. ``"staffing"``.
        state: queued, running, succeeded, failed or cancelled.
        progress: share done, from 0 to 1; 1 when succeeded.
        message: what the job last said it was doing (``"400 of 1000 intervals"``).
        result: the kind's JSON result once succeeded, else None.
        error: why it failed, once failed, else None.
        cancel_requested: a cancel was asked for; a running job stops at its next progress report.
        created_at: when it was submitted (timezone-aware, UTC).
        started_at: when a runner began it, or None.
        finished_at: when it reached a final state, or None.
        updated_at: the last change.
        version: bumped by every save; the store refuses a save based on an older version.
        organisation_id: the organisation the job belongs to (set by the API from the caller;
            None for a job started from the command line, which only the CLI lists).
        created_by_user_id: the user who submitted it, or None (command line).
    """

    id: str
    kind: str
    state: JobState
    created_at: datetime
    updated_at: datetime
    progress: float = 0.0
    message: str = ""
    result: JSON = None
    error: JobError | None = None
    cancel_requested: bool = False
    started_at: datetime | None = None
    finished_at: datetime | None = None
    version: int = 0
    organisation_id: int | None = None
    created_by_user_id: int | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.progress) and 0.0 <= self.progress <= 1.0):
            raise ValueError(f"progress must be from 0 to 1, got {self.progress!r}")
        for name in ("created_at", "updated_at", "started_at", "finished_at"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware, got {value!r}")

    @property
    def done(self) -> bool:
        """True once the job is succeeded, failed or cancelled: it will not change any more."""
        return self.state in FINAL_STATES

    def to_json(self) -> dict[str, JSON]:
        """The status as plain JSON (datetimes as ISO 8601 with offset)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state.value,
            "progress": self.progress,
            "message": self.message,
            "result": self.result,
            "error": None
            if self.error is None
            else {"code": self.error.code, "message": self.error.message},
            "cancel_requested": self.cancel_requested,
            "created_at": self.created_at.isoformat(),
            "started_at": _iso_or_none(self.started_at),
            "finished_at": _iso_or_none(self.finished_at),
            "updated_at": self.updated_at.isoformat(),
            "version": self.version,
            "organisation_id": self.organisation_id,
            "created_by_user_id": self.created_by_user_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, JSON]) -> JobStatus:
        """Inverse of :meth:`to_json`."""
        error = data.get("error")
        return cls(
            id=str(data["id"]),
            kind=str(data["kind"]),
            state=JobState(str(data["state"])),
            progress=float(cast(float, data["progress"])),
            message=str(data["message"]),
            result=data.get("result"),
            error=None
            if error is None
            else JobError(
                code=str(cast(dict[str, JSON], error)["code"]),
                message=str(cast(dict[str, JSON], error)["message"]),
            ),
            cancel_requested=bool(data["cancel_requested"]),
            created_at=datetime.fromisoformat(str(data["created_at"])),
            started_at=_datetime_or_none(data.get("started_at")),
            finished_at=_datetime_or_none(data.get("finished_at")),
            updated_at=datetime.fromisoformat(str(data["updated_at"])),
            version=int(cast(int, data["version"])),
            organisation_id=_int_or_none(data.get("organisation_id")),
            created_by_user_id=_int_or_none(data.get("created_by_user_id")),
        )


def check_json(value: object, *, what: str = "value") -> JSON:
    """``value`` as plain JSON (a fresh copy, tuples as lists), or raise.

    Job params and results cross process boundaries (Redis, a database, the web), so they must
    be plain JSON: no numpy numbers, datetimes, NaN or infinity.

    Raises:
        InvalidJobParamsError: naming where the first bad value sits, e.g. ``params['x'][2]``.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        if not math.isfinite(value):
            raise InvalidJobParamsError(f"{what} is {value!r}; JSON has no NaN or infinity")
        return value
    if isinstance(value, Mapping):
        out: dict[str, JSON] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidJobParamsError(f"{what} has a key {key!r}; JSON keys are strings")
            out[key] = check_json(item, what=f"{what}[{key!r}]")
        return out
    if isinstance(value, list | tuple):
        return [check_json(item, what=f"{what}[{i}]") for i, item in enumerate(value)]
    raise InvalidJobParamsError(
        f"{what} is a {type(value).__module__}.{type(value).__qualname__} ({value!r}); "
        "use plain JSON: objects, arrays, strings, numbers, true/false, null"
    )


def check_json_object(value: object, *, what: str = "params") -> dict[str, JSON]:
    """Like :func:`check_json`, for a JSON object (job params are one).

    Raises:
        InvalidJobParamsError: ``value`` is not a mapping with string keys and JSON values.
    """
    if not isinstance(value, Mapping):
        raise InvalidJobParamsError(
            f"{what} must be a JSON object (a mapping of names to values), "
            f"got a {type(value).__qualname__}"
        )
    copied = check_json(value, what=what)
    return cast(dict[str, JSON], copied)


def _iso_or_none(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _datetime_or_none(value: JSON) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))


def _int_or_none(value: JSON) -> int | None:
    # Statuses written before jobs had owners lack these keys: they read as None.
    return None if value is None else int(cast(int, value))
