"""Read-only views for the web pages: a team's day, a queue's coverage, schedules, figures.

Every function takes the caller's :class:`~bezetting.services.users.Principal` and answers
only within their reach, in the way ``accounts`` does: a team lead sees their own team (or, with
no team, the organisation), a client viewer only its client's queues, an agent only themself.
A record outside the caller's reach is answered with ``NotFoundError`` (no data), a role that
has no business with a view with ``PermissionDeniedError``.

Figures and their definitions (shown on the pages next to the numbers):

* **service level**: contacts answered within the queue's target seconds, divided by all
  offered contacts (abandoned ones included), over the window (a contact counts on the local
  day it arrived).
* **abandonment**: abandoned contacts divided by offered contacts.
* **average wait**: from arrival to answer, averaged over the answered contacts.
* **customer satisfaction**: the mean of the customers' scores (1-10) of a finished day, shown
  only when at least :data:`MIN_ANSWERS_SHOWN` customers answered that day (a week's mean only
  over such days): like pulse answers, a score is never shown where it could point at a person.
* **forecast contacts**: the sum over the day's intervals of the newest forecast version
  covering the day (as the planner's coverage chart picks it); today up to now, the running
  interval pro rata.
* **absent now**: agents whose absence has begun and not ended; **absent today** lists each
  agent absent at some time today once, with today's absences, whether they are back or not.
* **absence percentage** (verzuimpercentage, simplified): agent-days with an absence that
  overlaps the day, divided by agent-days, over the 28 days before today; calendar days, no
  part-time correction; an agent counts from their start date up to their end date
  (:func:`~bezetting.core.absence.absence_rates`).
* **the team**: the agents employed today; one whose end date (last day employed) has passed
  is no longer listed, nor among the absent today, though their days before it still count
  in the figures.
* **absence frequency** (meldingsfrequentie): absences that began in the window per agent
  employed over it on average. A sick report undone as a mistake is deleted and so counts
  nowhere (:func:`~bezetting.core.absence.is_correction`).
* **engagement**: the mean pulse answer as a share of the scale, over the questions open in
  the window. A question counts per team, its answers from the day after they were given and
  only in batches of at least five people of that team (fewer could identify a person, and so
  could the difference of two readings): a question with four answers never moves the mean,
  nor does one more answer to a question already counted
  (:func:`~bezetting.services.surveys.engagement`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bezetting.core.absence import (
    CORRECTION_WINDOW,
    AbsencePeriod,
    absence_rates,
    local_day_bounds,
)
from bezetting.services.access import (
    ShiftView,
    agent_ids_in_reach,
    published_shift_views,
    visible_queue,
    visible_queues,
)
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.planning_settings import (
    PlanningSections,
    UnreadableSettingsError,
    effective_sections,
    in_effect,
    read_planning_settings,
)
from bezetting.services.requests import RequestView, decide_request
from bezetting.services.surveys import MIN_ANSWERS_SHOWN, engagement
from bezetting.services.users import Principal
from bezetting.store import Session, SessionFactory, transaction
from bezetting.store.enums import ActivityKind, RequestStatus, Role, ScheduleStatus
from bezetting.store.models import (
    Absence,
    Activity,
    Agent,
    AgentSkill,
    ContactRecord,
    Forecast,
    ForecastInterval,
    Queue,
    QueueSkill,
    Request,
    Requirement,
    RequirementInterval,
    Schedule,
    Shift,
    Team,
    User,
)
from bezetting.store.planning_queries import absences_between, contact_times

__all__ = [
    "MIN_ANSWERS_SHOWN",
    "AbsenceView",
    "AbsentToday",
    "CoverageDay",
    "CoverageInterval",
    "CsatWithheld",
    "QueueDay",
    "QueueWeek",
    "ScheduleSummary",
    "ServiceFigures",
    "TeamAgent",
    "TeamFigures",
    "TeamOverview",
    "TeamRequest",
    "calendar_feed_key",
    "decide_team_request",
    "feed_shifts",
    "own_absences",
    "queue_coverage",
    "queue_weeks",
    "schedule_summaries",
    "service_figures",
    "team_overview",
]

_FIGURE_WINDOW = timedelta(days=28)


@dataclass(frozen=True, kw_only=True)
class AbsenceView:
    """An absence: open while ``ends_at`` is None. ``undo_until``: until when its sick report
    can still be undone as a mistake (None: no longer, or it has ended)."""

    id: int
    agent_id: int
    kind: str
    starts_at: datetime
    ends_at: datetime | None
    undo_until: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class AbsentToday:
    """An agent absent at some time today, once: today's absences (oldest first) and whether
    the agent is absent now or back."""

    agent_id: int
    agent_name: str
    absences: tuple[AbsenceView, ...]
    absent_now: bool


@dataclass(frozen=True, kw_only=True)
class TeamAgent:
    """An agent of the team, whether they are absent now (and until when that report can be
    undone as a mistake), today's published shifts, and their last day employed when they are
    leaving (``end_date``, None: no end date recorded)."""

    id: int
    external_id: str
    name: str
    absent_now: bool
    shifts_today: tuple[tuple[datetime, datetime], ...] = ()
    undo_until: datetime | None = None
    end_date: date | None = None


@dataclass(frozen=True, kw_only=True)
class TeamRequest:
    """A pending request of an agent of the team, with the agent's name."""

    request: RequestView
    agent_name: str


@dataclass(frozen=True, kw_only=True)
class TeamFigures:
    """Absence and engagement over the last 28 days (see the module docstring)."""

    window_days: int
    absence_percentage: float | None
    absence_frequency: float | None
    engagement_share: float | None
    engagement_answers: int


@dataclass(frozen=True, kw_only=True)
class TeamOverview:
    """What a team lead sees: the team, who is absent today (each agent once: absent now
    first), pending requests, figures."""

    team_name: str | None
    agents: tuple[TeamAgent, ...]
    absent_today: tuple[AbsentToday, ...]
    pending: tuple[TeamRequest, ...]
    figures: TeamFigures

    @property
    def absent_now_count(self) -> int:
        """How many agents of the team are absent now."""
        return sum(1 for a in self.absent_today if a.absent_now)


@dataclass(frozen=True, kw_only=True)
class CoverageInterval:
    """One interval: forecast volume, required agents and scheduled agents (all optional), and
    the contacts that were offered (None where nothing is recorded yet: after the day's last
    stored contact, or a day with none)."""

    starts_at: datetime
    forecast_volume: float | None
    required_agents: float | None
    scheduled_agents: float
    offered_contacts: int | None = None


@dataclass(frozen=True, kw_only=True)
class CoverageDay:
    """A queue's day: which forecast, requirement and schedule were used (``schedule_id``
    None: every published schedule), and the intervals."""

    queue_id: int
    queue_name: str
    day: date
    interval_minutes: int
    forecast_version: int | None
    requirement_id: int | None
    intervals: tuple[CoverageInterval, ...]
    schedule_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class ScheduleSummary:
    """A schedule in a list: status, version (to publish with), size, and the planning
    settings it was built by (None for one made by hand) and whether those are the ones in
    force now (``built_as_now``; None when not known: nothing was recorded, or the stored
    settings no longer parse)."""

    id: int
    name: str
    period_start: date
    period_end: date
    status: str
    version: int
    shift_count: int
    published_at: datetime | None
    built_with: PlanningSections | None = None
    built_as_now: bool | None = None


def _undo_until(a: Absence, now: datetime) -> datetime | None:
    """Until when an open absence's sick report can be undone (services.absence)."""
    until = a.reported_at + CORRECTION_WINDOW
    return until if a.ends_at is None and now < until else None


def _absence_view(a: Absence, *, now: datetime) -> AbsenceView:
    return AbsenceView(
        id=a.id,
        agent_id=a.agent_id,
        kind=a.kind.value,
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        undo_until=_undo_until(a, now),
    )


def _absent_at(a: Absence, now: datetime) -> bool:
    return a.starts_at <= now and (a.ends_at is None or a.ends_at > now)


def own_absences(sessions: SessionFactory, who: Principal, *, now: datetime) -> list[AbsenceView]:
    """The caller's own absences, newest first (``now``: for the undo window).

    Raises:
        PermissionDeniedError: the caller is not linked to an agent.
    """
    if who.agent_id is None:
        raise PermissionDeniedError("only an agent has absences of their own")
    with transaction(sessions) as session:
        rows = (
            session.query(Absence)
            .filter(Absence.agent_id == who.agent_id)
            .order_by(Absence.starts_at.desc())
            .all()
        )
        return [_absence_view(a, now=now) for a in rows]


def _team_agents(session: Session, who: Principal) -> list[Agent]:
    """The active agents the team lead reaches (:mod:`bezetting.services.access`), by name."""
    reach = agent_ids_in_reach(session, who)
    query = session.query(Agent).filter(Agent.id.in_(reach), Agent.active.is_(True))
    return list(query.order_by(Agent.name).all())


def _overlaps(a: Absence, start: datetime, end: datetime) -> bool:
    return a.starts_at < end and (a.ends_at is None or a.ends_at > start)


def _absent_today(
    absences: Sequence[Absence],
    names: dict[int, str],
    *,
    day_start: datetime,
    day_end: datetime,
    now: datetime,
) -> tuple[AbsentToday, ...]:
    """Each agent absent at some time today once: absent now first, then by the first start."""
    by_agent: dict[int, list[Absence]] = {}
    for a in sorted(absences, key=lambda a: a.starts_at):
        if _overlaps(a, day_start, day_end) and a.starts_at <= now:
            by_agent.setdefault(a.agent_id, []).append(a)
    rows = [
        AbsentToday(
            agent_id=agent_id,
            agent_name=names[agent_id],
            absences=tuple(_absence_view(a, now=now) for a in own),
            absent_now=any(_absent_at(a, now) for a in own),
        )
        for agent_id, own in by_agent.items()
    ]
    return tuple(sorted(rows, key=lambda r: (not r.absent_now, r.absences[0].starts_at)))


def team_overview(
    sessions: SessionFactory, who: Principal, *, now: datetime, zone: ZoneInfo
) -> TeamOverview:
    """The team lead's day: their agents, who is absent now or was earlier today, pending
    requests, figures.

    Raises:
        PermissionDeniedError: the caller is not a team lead.
    """
    if who.role is not Role.TEAM_LEAD:
        raise PermissionDeniedError("the team overview is for team leads")
    today = now.astimezone(zone).date()
    day_start, day_end = local_day_bounds(today, zone)
    window_start, _ = local_day_bounds(today - timedelta(days=_FIGURE_WINDOW.days), zone)
    with transaction(sessions) as session:
        team = session.get(Team, who.team_id) if who.team_id is not None else None
        with_leavers = _team_agents(session, who)  # a leaver's days before leaving still count
        agents = [a for a in with_leavers if a.end_date is None or a.end_date >= today]
        ids = [a.id for a in with_leavers]
        absences = (
            session.query(Absence)
            .filter(
                Absence.agent_id.in_(ids),
                Absence.starts_at < day_end,
            )
            .all()
        )
        recent = [a for a in absences if a.ends_at is None or a.ends_at > window_start]
        names = {a.id: a.name for a in with_leavers}
        current = {a.id for a in agents}
        absent_today = _absent_today(
            [a for a in recent if a.agent_id in current],
            names,
            day_start=day_start,
            day_end=day_end,
            now=now,
        )
        open_now = {a.agent_id: a for a in recent if _absent_at(a, now)}
        shifts_today: dict[int, list[tuple[datetime, datetime]]] = {}
        for shift in (
            session.query(Shift)
            .join(Schedule, Shift.schedule_id == Schedule.id)
            .filter(
                Shift.agent_id.in_(ids),
                Schedule.status == ScheduleStatus.PUBLISHED,
                Shift.starts_at < day_end,
                Shift.ends_at > day_start,
            )
            .order_by(Shift.starts_at)
        ):
            shifts_today.setdefault(shift.agent_id, []).append((shift.starts_at, shift.ends_at))
        pending = (
            session.query(Request)
            .filter(Request.agent_id.in_(ids), Request.status == RequestStatus.PENDING)
            .order_by(Request.starts_at, Request.id)
            .all()
        )
        rates = absence_rates(
            (AbsencePeriod(a.agent_id, a.starts_at, a.ends_at) for a in recent),
            employed_from={a.id: a.start_date for a in with_leavers},
            employed_until={a.id: a.end_date for a in with_leavers},
            days=[today - timedelta(days=k) for k in range(_FIGURE_WINDOW.days, 0, -1)],
            zone=zone,
        )
        pulse = engagement(
            session,
            organisation_id=who.organisation_id,
            team_id=who.team_id,
            now=now,
            since=now - _FIGURE_WINDOW,
        )
        return TeamOverview(
            team_name=team.name if team is not None else None,
            agents=tuple(
                TeamAgent(
                    id=a.id,
                    external_id=a.external_id,
                    name=a.name,
                    absent_now=a.id in open_now,
                    shifts_today=tuple(shifts_today.get(a.id, ())),
                    undo_until=_undo_until(open_now[a.id], now) if a.id in open_now else None,
                    end_date=a.end_date,
                )
                for a in agents
            ),
            absent_today=absent_today,
            pending=tuple(
                TeamRequest(
                    request=RequestView(
                        id=r.id,
                        agent_id=r.agent_id,
                        kind=r.kind.value,
                        status=r.status.value,
                        starts_at=r.starts_at,
                        ends_at=r.ends_at,
                        reason=r.reason,
                    ),
                    agent_name=names[r.agent_id],
                )
                for r in pending
            ),
            figures=TeamFigures(
                window_days=_FIGURE_WINDOW.days,
                absence_percentage=rates.percentage,
                absence_frequency=rates.frequency,
                engagement_share=pulse.share,
                engagement_answers=pulse.answers,
            ),
        )


def decide_team_request(
    sessions: SessionFactory, who: Principal, request_id: int, *, approve: bool, now: datetime
) -> TeamRequest:
    """A team lead approves or rejects a pending request of an agent of their team.

    Raises:
        PermissionDeniedError: the caller is not a team lead.
        NotFoundError: no such request among the team's agents.
        ConflictError: the request was decided already.
    """
    if who.role is not Role.TEAM_LEAD:
        raise PermissionDeniedError("deciding from the team page is for team leads")
    view = decide_request(sessions, who, request_id, approve=approve, now=now)
    with transaction(sessions, writes=True) as session:
        agent = session.get(Agent, view.agent_id)
        agent_name = agent.name if agent is not None else ""
    return TeamRequest(request=view, agent_name=agent_name)


def _queue_skill_ids(session: Session, queue_id: int) -> set[int]:
    return {
        s for (s,) in session.query(QueueSkill.skill_id).filter(QueueSkill.queue_id == queue_id)
    }


def _newest_forecast(
    session: Session, queue_id: int, start: datetime, end: datetime
) -> Forecast | None:
    forecast: Forecast | None = (
        session.query(Forecast)
        .filter(Forecast.queue_id == queue_id, Forecast.starts_at < end, Forecast.ends_at > start)
        .order_by(Forecast.version.desc())
        .first()
    )
    return forecast


def _newest_requirement(
    session: Session, queue_id: int, forecast: Forecast | None, start: datetime, end: datetime
) -> Requirement | None:
    candidates = (
        session.query(Requirement)
        .join(RequirementInterval, RequirementInterval.requirement_id == Requirement.id)
        .filter(
            Requirement.queue_id == queue_id,
            RequirementInterval.interval_start >= start,
            RequirementInterval.interval_start < end,
        )
        .order_by(Requirement.created_at.desc(), Requirement.id.desc())
        .all()
    )
    if forecast is not None:
        for requirement in candidates:
            if requirement.forecast_id == forecast.id:
                return requirement
    return candidates[0] if candidates else None


def _scheduled_activities(
    session: Session,
    organisation_id: int,
    queue_id: int,
    start: datetime,
    end: datetime,
    *,
    schedule_id: int | None = None,
) -> list[tuple[datetime, datetime]]:
    """Contact work that counts for the queue, in every published schedule or in the one
    ``schedule_id`` (a draft, to judge before publishing), less the time its agent is reported
    absent (sick: a team lead running the day sees the hole it leaves, a planner the hole a
    draft would have).

    An activity counts when its skill is one the queue needs; an activity without a skill
    counts when its agent has such a skill, or when the queue needs no skill at all.
    """
    skills = _queue_skill_ids(session, queue_id)
    which = (
        Schedule.status == ScheduleStatus.PUBLISHED
        if schedule_id is None
        else Schedule.id == schedule_id
    )
    rows = (
        session.query(Activity.starts_at, Activity.ends_at, Activity.skill_id, Shift.agent_id)
        .join(Shift, Activity.shift_id == Shift.id)
        .join(Schedule, Shift.schedule_id == Schedule.id)
        .filter(
            Schedule.organisation_id == organisation_id,
            which,
            Activity.kind == ActivityKind.CONTACT_WORK,
            Activity.starts_at < end,
            Activity.ends_at > start,
        )
        .all()
    )
    skilled_agents: set[int] = set()
    if skills:
        skilled_agents = {
            a for (a,) in session.query(AgentSkill.agent_id).filter(AgentSkill.skill_id.in_(skills))
        }
    absent: dict[int, list[tuple[datetime, datetime]]] = {}
    agents = {agent_id for *_, agent_id in rows}
    for away in absences_between(session, agents, starts=start, ends=end):
        absent.setdefault(away.agent_id, []).append((away.starts_at, away.ends_at or end))
    counted = []
    for starts_at, ends_at, skill_id, agent_id in rows:
        counts = (
            skill_id in skills if skill_id is not None else not skills or agent_id in skilled_agents
        )
        if counts:
            counted += _outside(starts_at, ends_at, absent.get(agent_id, []))
    return counted


def _outside(
    start: datetime, end: datetime, away: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """The parts of ``[start, end)`` outside every period in ``away``."""
    pieces = [(start, end)]
    for away_from, away_until in away:
        pieces = [
            part
            for a, b in pieces
            for part in ((a, min(b, away_from)), (max(a, away_until), b))
            if part[0] < part[1]
        ]
    return pieces


def _offered_per_interval(
    arrivals: list[datetime], first: datetime, step: timedelta
) -> dict[datetime, int]:
    """Contacts offered per interval from ``first`` up to the one of the last arrival (so a
    day still running shows no zeros for what has not happened yet); empty without any."""
    if not arrivals:
        return {}
    as_utc = [a.astimezone(ZoneInfo("UTC")) for a in arrivals]
    last = (max(as_utc) - first) // step
    counts = dict.fromkeys((first + k * step for k in range(last + 1)), 0)
    for arrived in as_utc:
        counts[first + ((arrived - first) // step) * step] += 1
    return counts


def queue_coverage(
    sessions: SessionFactory,
    who: Principal,
    queue_id: int,
    *,
    day: date,
    zone: ZoneInfo,
    schedule_id: int | None = None,
) -> CoverageDay:
    """Forecast, requirement and scheduled coverage per interval of one local day.

    Uses the queue's newest forecast version overlapping the day and the newest requirement
    with intervals on that day (preferring one computed from that forecast). Scheduled agents
    are the share of each interval covered by contact work (two agents for half an interval
    count as one): of every published schedule, or of the schedule ``schedule_id`` alone (a
    draft or a published one), so that a planner can judge a draft before publishing it.

    Raises:
        PermissionDeniedError: an agent; a ``schedule_id`` from anyone but a planner or admin.
        NotFoundError: a queue the caller may not see; a schedule of another organisation.
    """
    if schedule_id is not None and who.role not in (Role.ADMIN, Role.PLANNER):
        raise PermissionDeniedError("a schedule's coverage is for planners")
    queue = visible_queue(sessions, who, queue_id)
    start, end = local_day_bounds(day, zone)
    with transaction(sessions) as session:
        if schedule_id is not None:
            schedule = session.get(Schedule, schedule_id)
            if schedule is None or schedule.organisation_id != who.organisation_id:
                raise NotFoundError(f"no schedule with id {schedule_id}")
        row = session.get(Queue, queue_id)
        interval_minutes = row.interval_minutes if row is not None else 30
        forecast = _newest_forecast(session, queue_id, start, end)
        volumes: dict[datetime, float] = {}
        if forecast is not None:
            volumes = {
                i.interval_start: i.volume
                for i in session.query(ForecastInterval).filter(
                    ForecastInterval.forecast_id == forecast.id,
                    ForecastInterval.interval_start >= start,
                    ForecastInterval.interval_start < end,
                )
            }
        requirement = _newest_requirement(session, queue_id, forecast, start, end)
        required: dict[datetime, float] = {}
        if requirement is not None:
            required = {
                i.interval_start: float(i.agents)
                for i in session.query(RequirementInterval).filter(
                    RequirementInterval.requirement_id == requirement.id,
                    RequirementInterval.interval_start >= start,
                    RequirementInterval.interval_start < end,
                )
            }
        activities = _scheduled_activities(
            session, who.organisation_id, queue_id, start, end, schedule_id=schedule_id
        )
        arrivals = [c.arrived_at for c in contact_times(session, queue_id, since=start, until=end)]
        step = timedelta(minutes=interval_minutes)
        intervals = []
        cursor = start.astimezone(ZoneInfo("UTC"))
        utc_end = end.astimezone(ZoneInfo("UTC"))
        offered = _offered_per_interval(arrivals, cursor, step)
        while cursor < utc_end:
            following = cursor + step
            covered = sum(
                max(timedelta(0), min(b, following) - max(a, cursor)) / step for a, b in activities
            )
            intervals.append(
                CoverageInterval(
                    starts_at=cursor,
                    forecast_volume=volumes.get(cursor),
                    required_agents=required.get(cursor),
                    scheduled_agents=covered,
                    offered_contacts=offered.get(cursor),
                )
            )
            cursor = following
        return CoverageDay(
            queue_id=queue.id,
            queue_name=queue.name,
            day=day,
            interval_minutes=interval_minutes,
            forecast_version=forecast.version if forecast is not None else None,
            requirement_id=requirement.id if requirement is not None else None,
            intervals=tuple(intervals),
            schedule_id=schedule_id,
        )


def schedule_summaries(sessions: SessionFactory, who: Principal) -> list[ScheduleSummary]:
    """The organisation's schedules, newest period first.

    Raises:
        PermissionDeniedError: anyone but an admin or a planner.
    """
    if who.role not in (Role.ADMIN, Role.PLANNER):
        raise PermissionDeniedError("the schedule list is for planners")
    with transaction(sessions) as session:
        schedules = (
            session.query(Schedule)
            .filter(Schedule.organisation_id == who.organisation_id)
            .order_by(Schedule.period_start.desc(), Schedule.id.desc())
            .all()
        )
        counts: dict[int, int] = {}
        for (schedule_id,) in session.query(Shift.schedule_id).filter(
            Shift.schedule_id.in_([s.id for s in schedules])
        ):
            counts[schedule_id] = counts.get(schedule_id, 0) + 1
        try:
            now_in_force = in_effect(
                effective_sections(read_planning_settings(session, who.organisation_id))
            )
        except UnreadableSettingsError:
            now_in_force = None  # a list never fails on them; each row says "not known"
        built = {
            s.id: PlanningSections.from_mapping(s.built_with)
            for s in schedules
            if s.built_with is not None
        }
        return [
            ScheduleSummary(
                id=s.id,
                name=s.name,
                period_start=s.period_start,
                period_end=s.period_end,
                status=s.status.value,
                version=s.version,
                shift_count=counts.get(s.id, 0),
                published_at=s.published_at,
                built_with=built.get(s.id),
                built_as_now=(
                    in_effect(built[s.id]) == now_in_force
                    if s.id in built and now_in_force is not None
                    else None
                ),
            )
            for s in schedules
        ]


class CsatWithheld(StrEnum):
    """Why a day's satisfaction mean is not shown (customers' answers, like pulse answers, only
    aggregated over :data:`MIN_ANSWERS_SHOWN` or more)."""

    FEW_ANSWERS = "few_answers"
    """Fewer than :data:`MIN_ANSWERS_SHOWN` answers that day: the mean could point at a person."""
    DAY_RUNNING = "day_running"
    """Today: shown from tomorrow, as two readings of a running day would tell one answer."""


@dataclass(frozen=True, kw_only=True)
class ServiceFigures:
    """A queue's service over a day or a week (see the module docstring for the definitions);
    ``csat_mean`` is None with a reason in ``csat_withheld``, or None for no answers at all."""

    offered: int
    answered: int
    abandoned: int
    answered_within_target: int
    service_level: float | None
    abandon_share: float | None
    asa_seconds: float | None
    csat_mean: float | None
    csat_answers: int
    csat_withheld: CsatWithheld | None = None


@dataclass(frozen=True, kw_only=True)
class QueueDay:
    """One local day of a queue: its service, and the contacts its newest forecast expected
    (``forecast_version`` None: no forecast covers the day). Today (``so_far`` set) counts
    the contacts and the forecast's expectation up to that moment."""

    day: date
    figures: ServiceFigures
    forecast_contacts: float | None
    forecast_version: int | None
    so_far: datetime | None = None
    recorded: bool = True
    """False for a day after the queue's last stored contact: its zeros mean "not yet
    imported", not "nobody called", and are not compared with the forecast."""


@dataclass(frozen=True, kw_only=True)
class QueueWeek:
    """A queue's days in a period (none after today) and their totals; the forecast total is
    None unless every day has a forecast, so it always compares with the contacts offered."""

    queue_id: int
    code: str
    name: str
    channel: str
    target_share: float
    target_seconds: float
    days: tuple[QueueDay, ...]
    total: ServiceFigures
    forecast_contacts: float | None
    last_arrival: datetime | None = None
    """The period's last contact: where the figures stop when the data stop before the period."""


_ContactRow = tuple[datetime, datetime | None, bool, int | None]
"""A contact as the figures need it: arrived, answered (or None), abandoned, satisfaction."""


def service_figures(
    contacts: Sequence[_ContactRow],
    *,
    target_seconds: float,
    csat_scores: Sequence[int],
    csat_withheld: CsatWithheld | None = None,
) -> ServiceFigures:
    """The figures of ``contacts`` against the target; the satisfaction mean over
    ``csat_scores`` (the caller picks the answers that may be shown), withheld as it says.

    >>> from datetime import UTC
    >>> at = datetime(2020, 3, 9, 9, 0, tzinfo=UTC)
    >>> rows = [(at, at + timedelta(seconds=10), False, 8), (at, None, True, None)]
    >>> f = service_figures(rows, target_seconds=20, csat_scores=[])
    >>> f.service_level, f.abandon_share, f.asa_seconds, f.csat_mean
    (0.5, 0.5, 10.0, None)
    """
    waits = [
        (answered - arrived).total_seconds() for arrived, answered, _, _ in contacts if answered
    ]
    offered = len(contacts)
    abandoned = sum(1 for _, _, gave_up, _ in contacts if gave_up)
    within = sum(1 for w in waits if w <= target_seconds)
    return ServiceFigures(
        offered=offered,
        answered=len(waits),
        abandoned=abandoned,
        answered_within_target=within,
        service_level=within / offered if offered else None,
        abandon_share=abandoned / offered if offered else None,
        asa_seconds=sum(waits) / len(waits) if waits else None,
        csat_mean=sum(csat_scores) / len(csat_scores) if csat_scores else None,
        csat_answers=len(csat_scores),
        csat_withheld=csat_withheld,
    )


def _day_figures(
    contacts: Sequence[_ContactRow], *, target_seconds: float, running: bool
) -> ServiceFigures:
    """A day's figures, its satisfaction mean only when the privacy rule allows it."""
    scores = [score for *_, score in contacts if score is not None]
    withheld = None
    if scores and running:
        withheld = CsatWithheld.DAY_RUNNING
    elif scores and len(scores) < MIN_ANSWERS_SHOWN:
        withheld = CsatWithheld.FEW_ANSWERS
    return service_figures(
        contacts,
        target_seconds=target_seconds,
        csat_scores=[] if withheld else scores,
        csat_withheld=withheld,
    )


def _forecast_contacts(
    session: Session, queue_id: int, start: datetime, end: datetime, *, until: datetime
) -> tuple[float | None, int | None]:
    """The contacts the newest forecast covering ``[start, end)`` expected before ``until``
    (a running interval pro rata), with its version; (None, None) without a forecast."""
    forecast = _newest_forecast(session, queue_id, start, end)
    if forecast is None:
        return None, None
    queue = session.get(Queue, queue_id)
    step = timedelta(minutes=queue.interval_minutes if queue is not None else 30)
    expected = 0.0
    for interval in session.query(ForecastInterval).filter(
        ForecastInterval.forecast_id == forecast.id,
        ForecastInterval.interval_start >= start,
        ForecastInterval.interval_start < min(end, until),
    ):
        passed = min(step, until - interval.interval_start) / step
        expected += interval.volume * passed
    return expected, forecast.version


def _latest_arrival(
    session: Session, queue_id: int, *, since: datetime, until: datetime
) -> datetime | None:
    """The queue's last stored contact in ``[since, until)`` (also after the period shown)."""
    latest: datetime | None = (
        session.query(ContactRecord.arrived_at)
        .filter(
            ContactRecord.queue_id == queue_id,
            ContactRecord.arrived_at >= since,
            ContactRecord.arrived_at < until,
        )
        .order_by(ContactRecord.arrived_at.desc())
        .limit(1)
        .scalar()
    )
    return latest


def queue_weeks(
    sessions: SessionFactory,
    who: Principal,
    *,
    first_day: date,
    days: int = 7,
    now: datetime,
    zone: ZoneInfo,
) -> list[QueueWeek]:
    """Per local day from ``first_day`` (``days`` of them, none after today), the service of
    every queue the caller may see, the contacts forecast for it, and the period's totals.

    Today counts up to ``now``. A satisfaction mean is shown for a finished day with at least
    :data:`MIN_ANSWERS_SHOWN` answers; the week's mean is over the answers of those days only,
    so that no total, nor its difference with the days, rests on fewer people.

    Raises:
        PermissionDeniedError: an agent.
    """
    queues = visible_queues(sessions, who)
    today = now.astimezone(zone).date()
    shown_days = [first_day + timedelta(days=k) for k in range(days)]
    shown_days = [d for d in shown_days if d <= today]
    weeks = []
    with transaction(sessions) as session:
        for queue in queues:
            since = local_day_bounds(first_day, zone)[0]
            latest = _latest_arrival(session, queue.id, since=since, until=now)
            rows: list[QueueDay] = []
            week_contacts: list[_ContactRow] = []
            week_scores: list[int] = []
            forecasts: list[float | None] = []
            for day in shown_days:
                start, end = local_day_bounds(day, zone)
                until = min(end, now)
                contacts: list[_ContactRow] = [
                    (arrived, answered, gave_up, score)
                    for arrived, answered, gave_up, score in session.query(
                        ContactRecord.arrived_at,
                        ContactRecord.answered_at,
                        ContactRecord.abandoned,
                        ContactRecord.csat,
                    ).filter(
                        ContactRecord.queue_id == queue.id,
                        ContactRecord.arrived_at >= start,
                        ContactRecord.arrived_at < until,
                    )
                ]
                figures = _day_figures(
                    contacts, target_seconds=queue.service_target_seconds, running=day == today
                )
                expected, version = _forecast_contacts(session, queue.id, start, end, until=until)
                rows.append(
                    QueueDay(
                        day=day,
                        figures=figures,
                        forecast_contacts=expected,
                        forecast_version=version,
                        so_far=now if day == today else None,
                        recorded=latest is not None and latest >= start,
                    )
                )
                week_contacts += contacts
                if figures.csat_mean is not None:
                    week_scores += [score for *_, score in contacts if score is not None]
                forecasts.append(expected)
            weeks.append(
                QueueWeek(
                    queue_id=queue.id,
                    code=queue.code,
                    name=queue.name,
                    channel=queue.channel,
                    target_share=queue.service_target_share,
                    target_seconds=queue.service_target_seconds,
                    days=tuple(rows),
                    total=service_figures(
                        week_contacts,
                        target_seconds=queue.service_target_seconds,
                        csat_scores=week_scores,
                    ),
                    forecast_contacts=(
                        sum(f for f in forecasts if f is not None)
                        if forecasts and None not in forecasts
                        else None
                    ),
                    last_arrival=max((arrived for arrived, *_ in week_contacts), default=None),
                )
            )
    return weeks


def calendar_feed_key(secret_key: str, user_id: int, *, feed_round: int = 0) -> str:
    """The key in a user's calendar feed address: an HMAC of the user id (and the round, once
    the address was renewed, services/calendar_feed.py) under the secret.

    A calendar app cannot log in, so the address itself is the credential; it opens only that
    user's own published shifts, and changing the secret key revokes every feed address.
    """
    renewed = f":{feed_round}" if feed_round else ""
    message = f"calendar-feed:{user_id}{renewed}".encode()
    return hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()[:40]


def feed_shifts(
    sessions: SessionFactory, user_id: int, *, starts_from: datetime, ends_before: datetime
) -> list[ShiftView]:
    """The published shifts of an active agent user (for the calendar feed).

    Raises:
        NotFoundError: no such active user linked to an agent.
    """
    with transaction(sessions) as session:
        user = session.get(User, user_id)
        if user is None or not user.active or user.agent_id is None:
            raise NotFoundError(f"no calendar feed for user {user_id}")
        return published_shift_views(
            session,
            agent_id=user.agent_id,
            organisation_id=user.organisation_id,
            starts_from=starts_from,
            ends_before=ends_before,
        )
