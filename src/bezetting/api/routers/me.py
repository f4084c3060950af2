"""``/me``: the caller's own published schedule, availability and standing wishes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bezetting.api.deps import Caller, Context
from bezetting.api.routers.users import ID
from bezetting.core.errors import InputError
from bezetting.services.access import published_shifts
from bezetting.services.availability import (
    AvailabilityWindow,
    StandingWish,
    add_standing_wish,
    declare_window,
    own_availability,
    remove_standing_wish,
    withdraw_window,
)
from bezetting.store.enums import AvailabilityKind, PreferenceKind

__all__ = [
    "ActivityOut",
    "AvailabilityOut",
    "ShiftOut",
    "WindowIn",
    "WindowOut",
    "WishIn",
    "WishOut",
    "router",
]

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


class WindowIn(BaseModel):
    """A window the caller cannot work (``unavailable``, a hard limit for the scheduler) or
    would like to work (``preferred``, a wish): ahead of now, at most 14 days."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["unavailable", "preferred"]
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    note: Annotated[str, Field(max_length=200)] | None = None


class WindowOut(BaseModel):
    """A window of the caller's; ``declared_by_agent`` false: the planner imported it."""

    id: int
    kind: str
    starts_at: datetime
    ends_at: datetime
    note: str | None
    declared_by_agent: bool

    @classmethod
    def of(cls, w: AvailabilityWindow) -> WindowOut:
        return cls(
            id=w.id,
            kind=w.kind,
            starts_at=w.starts_at,
            ends_at=w.ends_at,
            note=w.note,
            declared_by_agent=w.declared_by_agent,
        )


class WishIn(BaseModel):
    """A standing wish: ``day_off`` on a weekday (0 = Monday) or a date; ``early`` or ``late``
    every day or on a weekday; ``home`` or ``office``. Weight 1 (mild) to 3 (strong)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["day_off", "early", "late", "home", "office"]
    weekday: Annotated[int, Field(ge=0, le=6)] | None = None
    on_date: date | None = None
    weight: Annotated[int, Field(ge=1, le=3)] = 1


class WishOut(BaseModel):
    """A standing wish of the caller's."""

    id: int
    kind: str
    weekday: int | None
    on_date: date | None
    weight: int

    @classmethod
    def of(cls, w: StandingWish) -> WishOut:
        return cls(id=w.id, kind=w.kind, weekday=w.weekday, on_date=w.on_date, weight=w.weight)


class AvailabilityOut(BaseModel):
    """The caller's windows not yet over (earliest first) and standing wishes."""

    windows: list[WindowOut]
    wishes: list[WishOut]


@router.get("/availability", response_model=AvailabilityOut, summary="My availability and wishes")
def availability(who: Caller, context: Context) -> AvailabilityOut:
    own = own_availability(context.sessions, who, now=context.clock())
    return AvailabilityOut(
        windows=[WindowOut.of(w) for w in own.windows],
        wishes=[WishOut.of(w) for w in own.wishes],
    )


@router.post("/availability", response_model=WindowOut, status_code=201, summary="Declare a window")
def declare(body: WindowIn, who: Caller, context: Context) -> WindowOut:
    """409 when it overlaps a window of the same kind or (unavailable) a published shift of
    mine: a published shift is given back by time off or a swap."""
    window = declare_window(
        context.sessions,
        who,
        kind=AvailabilityKind(body.kind),
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        now=context.clock(),
        note=body.note,
    )
    return WindowOut.of(window)


@router.delete("/availability/{window_id}", status_code=204, summary="Withdraw a window I declared")
def withdraw(window_id: ID, who: Caller, context: Context) -> Response:
    withdraw_window(context.sessions, who, window_id, now=context.clock())
    return Response(status_code=204)


@router.post("/wishes", response_model=WishOut, status_code=201, summary="Add a standing wish")
def add_wish(body: WishIn, who: Caller, context: Context) -> WishOut:
    wish = add_standing_wish(
        context.sessions,
        who,
        kind=PreferenceKind(body.kind),
        weekday=body.weekday,
        on_date=body.on_date,
        weight=body.weight,
        now=context.clock(),
    )
    return WishOut.of(wish)


@router.delete("/wishes/{wish_id}", status_code=204, summary="Remove a standing wish")
def remove_wish(wish_id: ID, who: Caller, context: Context) -> Response:
    remove_standing_wish(context.sessions, who, wish_id)
    return Response(status_code=204)
