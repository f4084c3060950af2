"""An agent's own availability and standing wishes, entered from home.

The scheduler reads the same rows a planner imports (``services.imports.availability``):
an *unavailable* window is a hard limit, a *preferred* window and a standing wish are soft.
Agents declare only what is theirs to say: windows ahead of now and outside their published
shifts (a published shift is given back through time off or a swap, which someone decides),
and not longer than two weeks (longer is time off). Rows a planner set (an import, the demo)
stay the planner's: an agent sees them but cannot withdraw them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bezetting.core.errors import ConflictError, InputError
from bezetting.services.access import published_shift_views
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.users import Principal
from bezetting.store import Session, SessionFactory, transaction
from bezetting.store.enums import AvailabilityKind, PreferenceKind
from bezetting.store.models import AgentPreference, Availability, Organisation

__all__ = [
    "DECLARABLE_KINDS",
    "MAX_STANDING_WISHES",
    "MAX_WINDOW",
    "AvailabilityWindow",
    "OwnAvailability",
    "StandingWish",
    "add_standing_wish",
    "declare_window",
    "own_availability",
    "remove_standing_wish",
    "withdraw_window",
]

DECLARABLE_KINDS = (AvailabilityKind.UNAVAILABLE, AvailabilityKind.PREFERRED)
"""An *available* window restricts the agent to it (and so to nothing else that week): a
planner's tool for fixed part-time patterns, not a home form's."""

MAX_WINDOW = timedelta(days=14)
MAX_STANDING_WISHES = 10
_NOTE_MAX = 200
_WEEKDAY_NEEDED = frozenset({PreferenceKind.DAY_OFF})
_NO_DAY = frozenset({PreferenceKind.HOME, PreferenceKind.OFFICE})


@dataclass(frozen=True, kw_only=True)
class AvailabilityWindow:
    """A window the agent cannot work (``unavailable``) or would like to (``preferred``)."""

    id: int
    kind: str
    starts_at: datetime
    ends_at: datetime
    note: str | None
    declared_by_agent: bool  # False: a planner set it


@dataclass(frozen=True, kw_only=True)
class StandingWish:
    """A wish that holds every week (or on one date): a day off, early or late shifts, a place."""

    id: int
    kind: str
    weekday: int | None  # 0 = Monday
    on_date: date | None
    weight: int  # 1 mild .. 3 strong


@dataclass(frozen=True, kw_only=True)
class OwnAvailability:
    """What the agent's home page shows: windows not yet over, and standing wishes."""

    windows: list[AvailabilityWindow]
    wishes: list[StandingWish]


def _agent_of(who: Principal) -> int:
    if who.agent_id is None:
        raise PermissionDeniedError("only an agent declares availability of their own")
    return who.agent_id


def _window(row: Availability) -> AvailabilityWindow:
    return AvailabilityWindow(
        id=row.id,
        kind=row.kind.value,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        note=row.note,
        declared_by_agent=row.declared_by_agent,
    )


def _wish(row: AgentPreference) -> StandingWish:
    return StandingWish(
        id=row.id, kind=row.kind.value, weekday=row.weekday, on_date=row.on_date, weight=row.weight
    )


def own_availability(sessions: SessionFactory, who: Principal, *, now: datetime) -> OwnAvailability:
    """The caller's windows that end after ``now`` (earliest first) and standing wishes.

    Raises:
        PermissionDeniedError: the caller is not linked to an agent.
    """
    agent_id = _agent_of(who)
    with transaction(sessions) as session:
        windows = (
            session.query(Availability)
            .filter(Availability.agent_id == agent_id, Availability.ends_at > now)
            .order_by(Availability.starts_at, Availability.id)
            .all()
        )
        wishes = (
            session.query(AgentPreference)
            .filter(AgentPreference.agent_id == agent_id)
            .order_by(AgentPreference.id)
            .all()
        )
        return OwnAvailability(
            windows=[_window(w) for w in windows], wishes=[_wish(p) for p in wishes]
        )


def _check_window(
    kind: AvailabilityKind, starts_at: datetime, ends_at: datetime, now: datetime, note: str | None
) -> None:
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value.utcoffset() is None:
            raise InputError(f"{name} {value.isoformat()} has no time zone")
    if kind not in DECLARABLE_KINDS:
        raise InputError(
            f"kind: {kind.value!r} is not one an agent declares (unavailable, preferred)"
        )
    if ends_at <= starts_at:
        raise InputError(
            "the window must end after it starts "
            f"({starts_at.isoformat()} .. {ends_at.isoformat()})"
        )
    if starts_at < now:
        raise InputError(f"the window cannot start in the past ({starts_at.isoformat()})")
    if ends_at - starts_at > MAX_WINDOW:
        raise InputError("a window is at most 14 days; for longer, ask for time off")
    if note is not None and len(note) > _NOTE_MAX:
        raise InputError("the note is longer than 200 characters")


def _refuse_overlaps(
    session: Session,
    who: Principal,
    agent_id: int,
    kind: AvailabilityKind,
    starts_at: datetime,
    ends_at: datetime,
) -> None:
    same = (
        session.query(Availability)
        .filter(
            Availability.agent_id == agent_id,
            Availability.kind == kind,
            Availability.starts_at < ends_at,
            Availability.ends_at > starts_at,
        )
        .order_by(Availability.starts_at)
        .first()
    )
    if same is not None:
        raise ConflictError(
            f"overlaps your {kind.value} window {same.id} "
            f"({same.starts_at.isoformat()} .. {same.ends_at.isoformat()})"
        )
    if kind is not AvailabilityKind.UNAVAILABLE:
        return
    shifts = published_shift_views(
        session,
        agent_id=agent_id,
        organisation_id=who.organisation_id,
        starts_from=starts_at,
        ends_before=ends_at,
    )
    if shifts:
        shift = shifts[0]
        raise ConflictError(
            f"you have a published shift then ({shift.starts_at.isoformat()} .. "
            f"{shift.ends_at.isoformat()}); ask for time off or offer it for a swap"
        )


def declare_window(
    sessions: SessionFactory,
    who: Principal,
    *,
    kind: AvailabilityKind,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    note: str | None = None,
) -> AvailabilityWindow:
    """The caller cannot work (``unavailable``) or would like to work (``preferred``) then.

    Raises:
        PermissionDeniedError: the caller is not linked to an agent.
        InputError: naive or reversed times, a start in the past, a window over 14 days, an
            *available* window, or a note over 200 characters.
        ConflictError: it overlaps a window of the same kind, or (unavailable) a published
            shift of the caller's.
    """
    agent_id = _agent_of(who)
    _check_window(kind, starts_at, ends_at, now, note)
    with transaction(sessions, writes=True) as session:
        _refuse_overlaps(session, who, agent_id, kind, starts_at, ends_at)
        row = Availability(
            agent_id=agent_id,
            starts_at=starts_at,
            ends_at=ends_at,
            kind=kind,
            note=note,
            declared_by_agent=True,
        )
        session.add(row)
        session.flush()
        return _window(row)


def withdraw_window(
    sessions: SessionFactory, who: Principal, window_id: int, *, now: datetime
) -> None:
    """The caller takes back a window they declared, while it has not begun.

    Raises:
        PermissionDeniedError: the caller is not linked to an agent.
        NotFoundError: no such window of the caller's.
        InputError: a planner set it, or it has begun.
    """
    agent_id = _agent_of(who)
    with transaction(sessions, writes=True) as session:
        row = session.get(Availability, window_id)
        if row is None or row.agent_id != agent_id:
            raise NotFoundError(f"no availability window {window_id} of yours")
        if not row.declared_by_agent:
            raise InputError(f"window {window_id} was set by your planner; ask them to change it")
        if row.starts_at <= now:
            raise InputError(f"window {window_id} has begun; it can no longer be withdrawn")
        session.delete(row)


def add_standing_wish(
    sessions: SessionFactory,
    who: Principal,
    *,
    kind: PreferenceKind,
    weekday: int | None = None,
    on_date: date | None = None,
    weight: int = 1,
    now: datetime,
) -> StandingWish:
    """A wish the scheduler weighs every week: a day off on a weekday (or one date), early or
    late shifts (every day or one weekday), working from home or at the office.

    Raises:
        PermissionDeniedError: the caller is not linked to an agent.
        InputError: a weekday outside 0-6, a weight outside 1-3, a day off without a weekday
            or date, a place wish with one, a date already past (in the organisation's time
            zone), both a weekday and a date.
        ConflictError: the same wish is there already, or the caller has 10 wishes.
    """
    agent_id = _agent_of(who)
    if weekday is not None and not 0 <= weekday <= 6:
        raise InputError(f"weekday: {weekday} is not 0 (Monday) to 6 (Sunday)")
    if not 1 <= weight <= 3:
        raise InputError(f"weight: {weight} is not 1 (mild) to 3 (strong)")
    if weekday is not None and on_date is not None:
        raise InputError("give a weekday or a date, not both")
    if kind in _WEEKDAY_NEEDED and weekday is None and on_date is None:
        raise InputError("a day off needs a weekday or a date")
    if kind in _NO_DAY and (weekday is not None or on_date is not None):
        raise InputError(f"a {kind.value} wish holds every day; give no weekday or date")
    with transaction(sessions, writes=True) as session:
        organisation = session.get(Organisation, who.organisation_id)
        zone = ZoneInfo(organisation.timezone if organisation is not None else "Europe/Amsterdam")
        if on_date is not None and on_date < now.astimezone(zone).date():
            raise InputError(f"on_date: {on_date.isoformat()} has passed")
        existing = session.query(AgentPreference).filter(AgentPreference.agent_id == agent_id)
        rows = existing.all()
        if any(r.kind is kind and r.weekday == weekday and r.on_date == on_date for r in rows):
            raise ConflictError("you have this wish already")
        if len(rows) >= MAX_STANDING_WISHES:
            raise ConflictError(f"you have {MAX_STANDING_WISHES} wishes already; remove one first")
        row = AgentPreference(
            agent_id=agent_id, kind=kind, weekday=weekday, on_date=on_date, weight=weight
        )
        session.add(row)
        session.flush()
        return _wish(row)


def remove_standing_wish(sessions: SessionFactory, who: Principal, wish_id: int) -> None:
    """The caller drops one of their standing wishes.

    Raises:
        PermissionDeniedError: the caller is not linked to an agent.
        NotFoundError: no such wish of the caller's.
    """
    agent_id = _agent_of(who)
    with transaction(sessions, writes=True) as session:
        row = session.get(AgentPreference, wish_id)
        if row is None or row.agent_id != agent_id:
            raise NotFoundError(f"no wish {wish_id} of yours")
        session.delete(row)
