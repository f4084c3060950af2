"""Agents' own requests and reports: time off, reporting sick and better, undoing a mis-click.

A sick report taken back within ten minutes (:data:`~bezetting.core.absence.CORRECTION_WINDOW`)
of being made is a mistake, not an absence: it is deleted, so it counts in no figure, no
coverage and no list. "Undo" does so explicitly (:func:`undo_sick_report`); "Report better"
does so when the absence would also have lasted less than that
(:func:`~bezetting.core.absence.is_correction`): the one-second absence of a mis-click.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bezetting.core.absence import CORRECTION_WINDOW, is_correction
from bezetting.core.errors import InputError
from bezetting.store import Session, SessionFactory, queries, transaction
from bezetting.store.enums import AbsenceKind, RequestKind, RequestStatus
from bezetting.store.models import Absence, Agent, Organisation, Request

__all__ = [
    "MAX_TIME_OFF_DAYS",
    "AbsenceRef",
    "AbsenceReport",
    "RequestRef",
    "report_better",
    "report_sick",
    "request_time_off",
    "undo_sick_report",
]


MAX_TIME_OFF_DAYS = 42
"""The longest time off an agent asks for at once, in local days (the default of the setting
``BEZETTING_TIME_OFF_MAX_DAYS``). Six weeks covers the long summer holiday Dutch contact
centres grant (three to four weeks; the law lets an employee ask for two weeks in a row) with
room to spare; longer leave (parental leave, a sabbatical, unpaid leave) is arranged with HR
and the planner, not asked for with one click."""


@dataclass(frozen=True)
class RequestRef:
    """A stored request and its status."""

    id: int
    status: RequestStatus


@dataclass(frozen=True)
class AbsenceRef:
    """A stored absence: open while ``ends_at`` is None; ``withdrawn`` when it was taken back
    as a mistake and is no longer stored."""

    id: int
    starts_at: datetime
    ends_at: datetime | None
    withdrawn: bool = False


class AbsenceReport(Protocol):
    """Report an agent sick or better now, or undo a sick report: what a page's button does."""

    def __call__(self, sessions: SessionFactory, *, agent_id: int, now: datetime) -> AbsenceRef: ...


def _aware(name: str, value: datetime) -> None:
    if value.utcoffset() is None:
        raise InputError(f"{name} {value.isoformat()} has no time zone")


def _agent(session: Session, agent_id: int) -> Agent:
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise InputError(f"no agent with id {agent_id}")
    return agent


def _still_employed(session: Session, agent: Agent, at: datetime) -> None:
    """Refuse a report for a moment after the agent's end date (their last day employed, in
    the organisation's local days)."""
    if agent.end_date is None:
        return
    organisation = session.get(Organisation, agent.organisation_id)
    assert organisation is not None  # an agent belongs to one
    if at.astimezone(ZoneInfo(organisation.timezone)).date() > agent.end_date:
        raise InputError(
            f"agent {agent.id} left after their last working day, "
            f"{agent.end_date.isoformat()}; a sick report is for agents still employed"
        )


def request_time_off(
    sessions: SessionFactory,
    *,
    agent_id: int,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    reason: str | None = None,
    max_days: int = MAX_TIME_OFF_DAYS,
) -> RequestRef:
    """An agent asks for time off from ``starts_at`` to ``ends_at``; it waits for a decision.

    Today counts: an agent asks for the rest of today off in an emergency (approving it gives
    back only the shifts that have not started). Days are those of the organisation's time
    zone; the time off touches at most ``max_days`` of them.

    Raises:
        InputError: unknown agent, naive or reversed times, a start before today, more than
            ``max_days`` days, a day after the agent's last working day, or an overlap with
            the agent's pending or approved time off.
    """
    _aware("starts_at", starts_at)
    _aware("ends_at", ends_at)
    if ends_at <= starts_at:
        raise InputError(f"time off must end after it starts ({starts_at} .. {ends_at})")
    if reason is not None and len(reason) > 400:
        raise InputError("the reason is longer than 400 characters")
    with transaction(sessions, writes=True) as session:
        agent = _agent(session, agent_id)
        organisation = session.get(Organisation, agent.organisation_id)
        zone = ZoneInfo(organisation.timezone if organisation is not None else "Europe/Amsterdam")
        today = now.astimezone(zone).date()
        first, last = _days_of(starts_at, ends_at, zone)
        if first < today:
            raise InputError(
                f"starts_at: time off cannot start before today ({today.isoformat()}); "
                f"it starts on {first.isoformat()}"
            )
        days = (last - first).days + 1
        if days > max_days:
            raise InputError(
                f"ends_at: time off is at most {max_days} days at once; {first.isoformat()} to "
                f"{last.isoformat()} is {days} days"
            )
        if agent.end_date is not None and last > agent.end_date:
            raise InputError(
                f"ends_at: time off ends after your last working day "
                f"({agent.end_date.isoformat()}); it ends on {last.isoformat()}"
            )
        for other in queries.time_off_requests(session, agent_id):
            if other.status in (RequestStatus.PENDING, RequestStatus.APPROVED) and (
                other.starts_at is not None
                and other.ends_at is not None
                and other.starts_at < ends_at
                and starts_at < other.ends_at
            ):
                # No request id: the agent knows their time off by its days, not by a number.
                raise InputError(
                    f"overlaps your {other.status.value} time off "
                    f"({other.starts_at.isoformat()} .. {other.ends_at.isoformat()})"
                )
        request = Request(
            agent_id=agent_id,
            kind=RequestKind.TIME_OFF,
            status=RequestStatus.PENDING,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            created_at=now,
        )
        session.add(request)
        session.flush()
        return RequestRef(request.id, request.status)


def _days_of(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """The first and last local day a period touches (``ends_at`` exclusive: time off to
    midnight ends on the day before)."""
    first = starts_at.astimezone(zone).date()
    last = (ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    return first, last


def report_sick(
    sessions: SessionFactory,
    *,
    agent_id: int,
    now: datetime,
    since: datetime | None = None,
    kind: AbsenceKind = AbsenceKind.SICK,
) -> AbsenceRef:
    """The agent is absent from ``since`` (default: now) until reported better.

    Raises:
        InputError: unknown agent, a naive or future ``since``, a ``since`` after the agent's
            last day employed (a page from before they left), or already absent.
    """
    starts_at = since or now
    _aware("since", starts_at)
    if starts_at > now:
        raise InputError("one cannot report sick for the future; report it when it happens")
    with transaction(sessions, writes=True) as session:
        _still_employed(session, _agent(session, agent_id), starts_at)
        open_absence = queries.open_absence(session, agent_id)
        if open_absence is not None:
            raise InputError(
                f"agent {agent_id} is already reported {open_absence.kind.value} since "
                f"{open_absence.starts_at.isoformat()}"
            )
        absence = Absence(
            agent_id=agent_id, kind=kind, starts_at=starts_at, ends_at=None, reported_at=now
        )
        session.add(absence)
        session.flush()
        return AbsenceRef(absence.id, absence.starts_at, None)


def report_better(
    sessions: SessionFactory, *, agent_id: int, now: datetime, at: datetime | None = None
) -> AbsenceRef:
    """Close the agent's open absence at ``at`` (default: now); a report made less than ten
    minutes ago that would last less than that is withdrawn instead (see the module
    docstring).

    Raises:
        InputError: the agent has no open absence, or ``at`` is not after its start.
    """
    ends_at = at or now
    _aware("at", ends_at)
    with transaction(sessions, writes=True) as session:
        absence = queries.open_absence(session, agent_id)
        if absence is None:
            raise InputError(f"agent {agent_id} is not reported absent")
        if ends_at <= absence.starts_at:
            raise InputError(
                f"better at {ends_at.isoformat()} is not after the start "
                f"{absence.starts_at.isoformat()}"
            )
        if is_correction(
            starts_at=absence.starts_at, ends_at=ends_at, reported_at=absence.reported_at, now=now
        ):
            session.delete(absence)
            return AbsenceRef(absence.id, absence.starts_at, ends_at, withdrawn=True)
        absence.ends_at = ends_at
        absence.better_reported_at = now
        return AbsenceRef(absence.id, absence.starts_at, ends_at)


def undo_sick_report(sessions: SessionFactory, *, agent_id: int, now: datetime) -> AbsenceRef:
    """Take back the agent's open sick report as a mistake, within ten minutes of making it:
    it is deleted, as if never made.

    Raises:
        InputError: the agent has no open absence, or it was reported ten minutes ago or more
            (then it is an absence: report better instead).
    """
    with transaction(sessions, writes=True) as session:
        absence = queries.open_absence(session, agent_id)
        if absence is None:
            raise InputError(f"agent {agent_id} is not reported absent")
        if now - absence.reported_at >= CORRECTION_WINDOW:
            raise InputError(
                f"the report of {absence.reported_at.isoformat()} can no longer be undone "
                f"(only within {CORRECTION_WINDOW.seconds // 60} minutes); report better instead"
            )
        session.delete(absence)
        return AbsenceRef(absence.id, absence.starts_at, absence.ends_at, withdrawn=True)
