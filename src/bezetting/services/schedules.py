"""Schedules: create a draft, save its shifts, publish it; every save checks the version.

A planner edits the version they loaded and sends it back as ``expected_version``. When
someone saved in between, the save fails with a ``ConflictError`` that says which version is
current; it never overwrites silently. The same holds for two saves racing in the same instant:
the ``version`` column is SQLAlchemy's ``version_id_col``, so the loser's ``UPDATE`` matches
no row.

A schedule is published only when none of its shifts overlaps a shift of the same agent in
another published schedule (:class:`OverlappingShiftsError`): an agent never sees two shifts
at the same time. A re-plan of a published period is published *replacing* it: the published
shifts that start in the new schedule's period and have not started yet move to a draft named
after the replacement (kept, never shown to agents; swaps that named them keep their history,
pending ones are cancelled), and what has started stays. That draft is kept to look back at, not
to publish: publishing it would bring back the replaced shifts over the new schedule's, so it is
refused (:class:`ReplacedScheduleError`); a planner who wants them back builds or copies a new
draft. The draft records the planning settings the replaced schedule was built with.

Publishing never puts a shift on an agent's approved time off, as approving time off gives such a
shift back (:mod:`bezetting.services.requests`): a draft may have been made before the time off
was approved, or be the "(given back)" draft itself. Its shifts that overlap the same agent's
approved time off and have not started are left out, into the schedule's "(given back)" draft
(:mod:`bezetting.services.given_back`), in the same transaction; the answer names each with the
time off (:class:`LeftOutShift`). Pending, rejected or cancelled time off leaves out nothing, so
a "(given back)" draft publishes again once its time off is gone. A draft whose every shift
would be left out is refused (:class:`ShiftsOnTimeOffError`) rather than published empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from bezetting.core.errors import ConflictError, InputError
from bezetting.services.given_back import give_back, withdraw_pending_swaps
from bezetting.services.organisations import resolve_organisation
from bezetting.store import Session, SessionFactory, queries, transaction
from bezetting.store.enums import (
    ActivityKind,
    Location,
    ScheduleStatus,
)
from bezetting.store.models import Activity, Agent, Organisation, Request, Schedule, Shift

__all__ = [
    "ActivityPlan",
    "LeftOutShift",
    "OverlappingShiftsError",
    "PublishedSchedule",
    "ReplacedScheduleError",
    "ScheduleRef",
    "ShiftPlan",
    "ShiftsOnTimeOffError",
    "create_schedule",
    "list_schedules",
    "publish_schedule",
    "save_schedule_shifts",
]


class OverlappingShiftsError(ConflictError):
    """Publishing would give an agent two shifts at the same time: the message names the agent,
    both shifts and the published schedule, and how many of the schedule's shifts overlap."""

    code = "overlapping_shifts"


class ShiftsOnTimeOffError(ConflictError):
    """Every shift of the draft falls on its agent's approved time off: publishing it would
    publish nothing. The message names one such shift and its time off, and how many there are;
    nothing has changed."""

    code = "shifts_on_time_off"


class ReplacedScheduleError(ConflictError):
    """The draft holds the shifts a republish replaced ("... (replaced by schedule N)"): it is
    kept to look back at; publishing it would put the replaced shifts back. Nothing changed."""

    code = "replaced_schedule"


_REPLACED_SUFFIX = " (replaced by schedule {id})"
_REPLACED_NAME = re.compile(r" \(replaced by schedule (?P<id>\d+)\)$")
"""The suffix :func:`_set_aside_replaced` gives the draft of replaced shifts, and how it is
recognised (the name is where a schedule's origin is stored)."""


@dataclass(frozen=True)
class ScheduleRef:
    """A schedule's id, status and the version to send back with the next change."""

    id: int
    status: ScheduleStatus
    version: int


@dataclass(frozen=True, kw_only=True)
class LeftOutShift:
    """A shift of a draft that publishing left out: it overlaps its agent's approved time off
    (request ``time_off_request_id``, ``time_off_starts_at`` up to ``time_off_ends_at``), so it
    went to the draft ``given_back_schedule_id``, as approving the time off gives it back."""

    shift_id: int
    agent_id: int
    agent_name: str
    starts_at: datetime
    ends_at: datetime
    time_off_request_id: int
    time_off_starts_at: datetime
    time_off_ends_at: datetime
    given_back_schedule_id: int
    given_back_schedule_name: str


@dataclass(frozen=True)
class PublishedSchedule(ScheduleRef):
    """A schedule just published, and the shifts of the draft left out of it (earliest first)."""

    left_out: tuple[LeftOutShift, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ActivityPlan:
    """A block of a shift."""

    kind: ActivityKind
    starts_at: datetime
    ends_at: datetime
    location: Location = Location.HOME
    skill_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class ShiftPlan:
    """One agent's shift, covered by its activities."""

    agent_id: int
    starts_at: datetime
    ends_at: datetime
    activities: tuple[ActivityPlan, ...] = field(default=())


def _ref(schedule: Schedule) -> ScheduleRef:
    return ScheduleRef(schedule.id, schedule.status, schedule.version)


def create_schedule(
    sessions: SessionFactory,
    *,
    name: str,
    period_start: date,
    period_end: date,
    now: datetime,
    organisation: str | None = None,
    shifts: Sequence[ShiftPlan] = (),
    built_with: Mapping[str, Any] | None = None,
) -> ScheduleRef:
    """A new draft schedule at version 1: empty, or born with ``shifts`` (a built schedule
    is stored whole in one transaction, so nobody sees it half-saved). ``built_with``: the
    planning settings an optimiser went by (None for one made by hand).

    Raises:
        InputError: the period is reversed, or a shift is invalid (see
            :func:`save_schedule_shifts`).
    """
    if period_end < period_start:
        raise InputError(f"the period ends ({period_end}) before it starts ({period_start})")
    with transaction(sessions, writes=True) as session:
        org = resolve_organisation(session, organisation)
        for plan in shifts:
            _check(plan, org.id, session)
        schedule = Schedule(
            organisation_id=org.id,
            name=name,
            period_start=period_start,
            period_end=period_end,
            status=ScheduleStatus.DRAFT,
            created_at=now,
            updated_at=now,
            built_with=None if built_with is None else dict(built_with),
            shifts=[_shift_row(plan) for plan in shifts],
        )
        session.add(schedule)
        session.flush()
        return _ref(schedule)


def _load(session: Session, schedule_id: int, expected_version: int) -> Schedule:
    schedule = queries.schedule_with_shifts(session, schedule_id)
    if schedule is None:
        raise InputError(f"no schedule with id {schedule_id}")
    if schedule.version != expected_version:
        raise ConflictError(
            f"schedule {schedule_id} is at version {schedule.version}, but the change was made "
            f"to version {expected_version}: someone else saved it in between; reload it and "
            "apply your change again"
        )
    return schedule


def _check(plan: ShiftPlan, organisation_id: int, session: Session) -> None:
    for name, value in (("starts_at", plan.starts_at), ("ends_at", plan.ends_at)):
        if value.utcoffset() is None:
            raise InputError(f"shift of agent {plan.agent_id}: {name} has no time zone")
    if plan.ends_at <= plan.starts_at:
        raise InputError(f"shift of agent {plan.agent_id} ends before it starts")
    agent = session.get(Agent, plan.agent_id)
    if agent is None or agent.organisation_id != organisation_id:
        raise InputError(f"no agent with id {plan.agent_id} in this organisation")
    previous_end = plan.starts_at
    for activity in sorted(plan.activities, key=lambda a: a.starts_at):
        if activity.starts_at.utcoffset() is None or activity.ends_at.utcoffset() is None:
            raise InputError(f"an activity of agent {plan.agent_id} has no time zone")
        if not plan.starts_at <= activity.starts_at < activity.ends_at <= plan.ends_at:
            raise InputError(
                f"activity {activity.kind.value} {activity.starts_at.isoformat()} .. "
                f"{activity.ends_at.isoformat()} of agent {plan.agent_id} lies outside its shift"
            )
        if activity.starts_at < previous_end:
            raise InputError(f"activities of agent {plan.agent_id} overlap")
        previous_end = activity.ends_at


def _shift_row(plan: ShiftPlan) -> Shift:
    return Shift(
        agent_id=plan.agent_id,
        starts_at=plan.starts_at,
        ends_at=plan.ends_at,
        activities=[
            Activity(
                kind=a.kind,
                skill_id=a.skill_id,
                location=a.location,
                starts_at=a.starts_at,
                ends_at=a.ends_at,
            )
            for a in plan.activities
        ],
    )


def save_schedule_shifts(
    sessions: SessionFactory,
    schedule_id: int,
    *,
    expected_version: int,
    shifts: Sequence[ShiftPlan],
    now: datetime,
) -> ScheduleRef:
    """Replace the schedule's shifts; returns the new version.

    Raises:
        ConflictError: the schedule is no longer at ``expected_version``.
        InputError: unknown schedule or agent, naive times, activities outside their shift.
    """
    with transaction(sessions, writes=True) as session:
        schedule = _load(session, schedule_id, expected_version)
        for plan in shifts:
            _check(plan, schedule.organisation_id, session)
        schedule.shifts.clear()
        for plan in shifts:
            schedule.shifts.append(_shift_row(plan))
        queries.touch_schedule(schedule, now)
        session.flush()
        return _ref(schedule)


def publish_schedule(
    sessions: SessionFactory,
    schedule_id: int,
    *,
    expected_version: int,
    now: datetime,
    replace_published: bool = False,
) -> PublishedSchedule:
    """Publish a draft to its agents, but its shifts on approved time off (``left_out``, moved
    to its "(given back)" draft); with ``replace_published``, in place of the published shifts
    of its period that have not started (see the module's docstring).

    Raises:
        ConflictError: the schedule is no longer at ``expected_version``.
        ShiftsOnTimeOffError: every shift falls on its agent's approved time off.
        OverlappingShiftsError: a shift overlaps one of the same agent in another published
            schedule.
        ReplacedScheduleError: the draft holds the shifts a republish replaced.
        InputError: unknown schedule, already published, or without shifts.
    """
    with transaction(sessions, writes=True) as session:
        schedule = _load(session, schedule_id, expected_version)
        if schedule.status is ScheduleStatus.PUBLISHED:
            raise InputError(f"schedule {schedule_id} is already published")
        replaced = _REPLACED_NAME.search(schedule.name)
        if replaced is not None:
            raise ReplacedScheduleError(
                f"schedule {schedule_id} is not published: it keeps the shifts that schedule "
                f"{replaced.group('id')} replaced, and publishing it would bring them back; "
                "build a new draft instead"
            )
        if not schedule.shifts:
            raise InputError(f"schedule {schedule_id} has no shifts to publish")
        left_out = _leave_out_time_off(session, schedule, now)
        if replace_published:
            _set_aside_replaced(session, schedule, now)
        _refuse_overlaps(session, schedule)
        schedule.status = ScheduleStatus.PUBLISHED
        schedule.published_at = now
        queries.touch_schedule(schedule, now)
        session.flush()
        return PublishedSchedule(schedule.id, schedule.status, schedule.version, left_out)


def _on_approved_time_off(
    session: Session, schedule: Schedule, now: datetime
) -> list[tuple[Shift, Request]]:
    """The schedule's shifts that have not started by ``now`` and overlap their agent's
    approved time off (touching at an end is no overlap), each with the earliest such time off."""
    waiting = sorted(
        (s for s in schedule.shifts if s.starts_at > now), key=lambda s: (s.starts_at, s.id)
    )
    if not waiting:
        return []
    time_off = queries.approved_time_off(
        session,
        {s.agent_id for s in waiting},
        starts_before=max(s.ends_at for s in waiting),
        ends_after=min(s.starts_at for s in waiting),
    )
    found = []
    for shift in waiting:
        for leave in time_off:
            if (
                leave.agent_id == shift.agent_id
                and leave.starts_at is not None
                and leave.ends_at is not None
                and leave.starts_at < shift.ends_at
                and shift.starts_at < leave.ends_at
            ):
                found.append((shift, leave))
                break
    return found


def _leave_out_time_off(
    session: Session, schedule: Schedule, now: datetime
) -> tuple[LeftOutShift, ...]:
    """Give back the draft's shifts on approved time off (see the module docstring); refuse
    when that would leave nothing to publish."""
    clashing = _on_approved_time_off(session, schedule, now)
    if not clashing:
        return ()
    names = {
        agent.id: agent.name
        for agent in (session.get(Agent, i) for i in {s.agent_id for s, _ in clashing})
        if agent is not None
    }
    if len(clashing) == len(schedule.shifts):
        shift, leave = clashing[0]
        assert leave.starts_at is not None  # matched on it
        assert leave.ends_at is not None
        raise ShiftsOnTimeOffError(
            f"schedule {schedule.id} cannot be published: each of its shifts falls on its "
            f"agent's approved time off ({len(clashing)} in all), such as agent {shift.agent_id} "
            f"({names.get(shift.agent_id, '?')}) working {shift.starts_at.isoformat()} .. "
            f"{shift.ends_at.isoformat()} on time off {leave.starts_at.isoformat()} .. "
            f"{leave.ends_at.isoformat()}; nothing was published: plan other agents for them, "
            "or publish once the time off is withdrawn"
        )
    went_to = give_back(session, [s.id for s, _ in clashing], now=now, by_user_id=None)
    left_out = []
    for shift, leave in clashing:
        assert leave.starts_at is not None  # matched on it
        assert leave.ends_at is not None
        draft = went_to[shift.id]
        left_out.append(
            LeftOutShift(
                shift_id=shift.id,
                agent_id=shift.agent_id,
                agent_name=names.get(shift.agent_id, "?"),
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
                time_off_request_id=leave.id,
                time_off_starts_at=leave.starts_at,
                time_off_ends_at=leave.ends_at,
                given_back_schedule_id=draft.id,
                given_back_schedule_name=draft.name,
            )
        )
    return tuple(left_out)


def _period_bounds(session: Session, schedule: Schedule) -> tuple[datetime, datetime]:
    """The schedule's period as UTC moments: its first local midnight and the one after its
    last day, in the organisation's time zone."""
    org = session.get(Organisation, schedule.organisation_id)
    zone = ZoneInfo(org.timezone if org is not None else "Europe/Amsterdam")
    first = datetime.combine(schedule.period_start, time(), zone)
    after = datetime.combine(schedule.period_end + timedelta(days=1), time(), zone)
    return first.astimezone(UTC), after.astimezone(UTC)


def _set_aside_replaced(session: Session, schedule: Schedule, now: datetime) -> None:
    """Move the published shifts that ``schedule`` replaces into a draft of their own, and
    cancel the pending swaps that named them."""
    first, after = _period_bounds(session, schedule)
    replaced = (
        queries.other_published_shifts(session, schedule)
        .filter(Shift.starts_at >= max(first, now), Shift.starts_at < after)
        .order_by(Shift.schedule_id, Shift.starts_at)
        .all()
    )
    if not replaced:
        return
    withdraw_pending_swaps(session, [s.id for s in replaced], now=now, by_user_id=None)
    for source_id, group in groupby(replaced, key=lambda s: s.schedule_id):
        moved = list(group)
        source = session.get(Schedule, source_id)
        assert source is not None  # the shifts were read through it
        kept = Schedule(
            organisation_id=schedule.organisation_id,
            name=_replaced_name(source.name, schedule.id),
            period_start=max(source.period_start, schedule.period_start),
            period_end=max(source.period_end, schedule.period_start),
            status=ScheduleStatus.DRAFT,
            created_at=now,
            updated_at=now,
            built_with=None if source.built_with is None else dict(source.built_with),
        )
        session.add(kept)
        session.flush()
        for shift in moved:
            shift.schedule = kept
        queries.touch_schedule(source, now)
    session.flush()
    session.expire_all()


def _replaced_name(name: str, replaced_by: int) -> str:
    """``name`` with the suffix that marks replaced shifts, shortening the name, never the
    suffix, to the column's 200 characters (the suffix is how publishing recognises it)."""
    suffix = _REPLACED_SUFFIX.format(id=replaced_by)
    return name[: 200 - len(suffix)] + suffix


def _refuse_overlaps(session: Session, schedule: Schedule) -> None:
    """Raise when a shift of ``schedule`` overlaps the same agent's shift in another published
    schedule of its organisation (shifts that only touch, one ending as the other starts, do
    not overlap)."""
    ours = sorted(schedule.shifts, key=lambda s: (s.agent_id, s.starts_at))
    published = (
        queries.other_published_shifts(session, schedule)
        .filter(
            Shift.agent_id.in_({s.agent_id for s in ours}),
            Shift.starts_at < max(s.ends_at for s in ours),
            Shift.ends_at > min(s.starts_at for s in ours),
        )
        .order_by(Shift.agent_id, Shift.starts_at)
        .all()
    )
    theirs = {agent: list(group) for agent, group in groupby(published, key=lambda s: s.agent_id)}
    overlaps = [
        (mine, other)
        for mine in ours
        for other in theirs.get(mine.agent_id, ())
        if other.starts_at < mine.ends_at and mine.starts_at < other.ends_at
    ]
    if not overlaps:
        return
    mine, other = overlaps[0]
    agent = session.get(Agent, mine.agent_id)
    name = agent.name if agent is not None else "?"
    raise OverlappingShiftsError(
        f"schedule {schedule.id} cannot be published: agent {mine.agent_id} ({name}) works "
        f"{mine.starts_at.isoformat()} .. {mine.ends_at.isoformat()} in it and "
        f"{other.starts_at.isoformat()} .. {other.ends_at.isoformat()} in published schedule "
        f"{other.schedule_id}; overlapping shifts in all: {len({id(m) for m, _ in overlaps})}; "
        "publish it replacing what has not started, or move or remove them first"
    )


def list_schedules(sessions: SessionFactory, *, organisation_id: int) -> list[ScheduleRef]:
    """The organisation's schedules (drafts and published), newest period first."""
    with transaction(sessions) as session:
        return [_ref(s) for s in queries.organisation_schedules(session, organisation_id)]
