"""``/me``: the caller's own published schedule."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel

from bezetting.api.deps import Caller, Context
from bezetting.core.errors import InputError
from bezetting.services.access import published_shifts

__all__ = ["ActivityOut", "ShiftOut", "router"]

router = APIRouter(prefix="/me", tags=["me"])

_MAX_WINDOW = timedelta(days=366)


class ActivityOut(BaseModel):
    """A block of a shift."""

    kind: str
    starts_at: datetime
    ends_at: datetime
    location: str


class ShiftOut(BaseModel):
    """A published shift."""

    id: int
    schedule_id: int
    starts_at: datetime
    ends_at: datetime
    activities: list[ActivityOut]


@router.get("/schedule", response_model=list[ShiftOut], summary="My published shifts")
def schedule(
    who: Caller,
    context: Context,
    starts_from: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    ends_before: Annotated[AwareDatetime | None, Query(alias="to")] = None,
) -> list[ShiftOut]:
    """Published shifts overlapping ``from`` .. ``to`` (default: yesterday to four weeks on)."""
    now = context.clock()
    start = starts_from or now - timedelta(days=1)
    end = ends_before or start + timedelta(days=29)
    if not start < end or end - start > _MAX_WINDOW:
        raise InputError(
            f"the window {start.isoformat()} .. {end.isoformat()} must be 1 s to 366 d"
        )
    return [
        ShiftOut(
            id=s.id,
            schedule_id=s.schedule_id,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            activities=[
                ActivityOut(kind=k, starts_at=a, ends_at=b, location=loc)
                for k, a, b, loc in s.activities
            ],
        )
        for s in published_shifts(context.sessions, who, starts_from=start, ends_before=end)
    ]
