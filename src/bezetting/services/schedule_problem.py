"""The scheduling problem of an organisation, read from the database.

What is read (one short transaction), for the local days ``first_day`` .. ``+ 7 * weeks``:

* per queue, its newest requirement with intervals in the period; queues needing the same
  skills form one *skill group* (named by the skill codes, ``billing+tax``), whose demand per
  quarter-hour is the sum of its queues' agents and whose opening hours are their union. A
  queue's skills are its ``queue_skills`` rows, or else the skill with the queue's code;
* the active agents employed on a day of the period (from their start date up to their end
  date, the last day employed); the days of the period before the start or after the end are
  unavailable to them, lower the weekly contract minimum (:func:`minimum_when_not_employed`)
  and the week's contract target pro rata
  (:meth:`~bezetting.core.schedule.Problem.target_minutes`). Approved time off and absences
  are paid leave: each leave day credits a fifth of the weekly target to its own planning week
  (:func:`paid_leave_hours`, the agent's ``paid_leave_hours``), which lowers that week's
  minimum and target, not the other weeks'. Contract hours, skills (an agent
  serves a group whose every skill they have; proficiency is the slowest of them),
  availability (``available`` windows are hard: outside them the agent does not work;
  ``unavailable`` windows, approved time off and absences block; ``preferred`` windows are
  wishes), standing preferences (a day off; early: rather not after 18:00; late: rather not
  before 10:00; home or office as location);
* shifts of published schedules that start in the 16 weeks before the period, as earlier
  work, so daily and weekly rest, night rules and averages hold across the seam.

The problem is built through the problem file's reader
(:func:`~bezetting.core.schedule.files.problem_from_mapping`), so shift shapes, rule
overrides and weights are given exactly as in a problem file; demand and opening windows,
which the file cannot express per quarter-hour, are set on the built problem. Rules, breaks
and weights the caller leaves out come from the organisation's planning settings
(:mod:`bezetting.services.planning_settings`), and else from the defaults.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np

from bezetting.core.calendar import MINUTES_PER_DAY, OpeningHours, zone
from bezetting.core.errors import InputError
from bezetting.core.schedule import Demand, Problem, SkillGroup, TimeWindow
from bezetting.core.schedule.files import problem_from_mapping
from bezetting.services._opening import queue_opening_hours
from bezetting.services.planning_settings import (
    PLANNING_BREAKS,
    PlanningSections,
    effective_sections,
    read_planning_settings,
)
from bezetting.store import Session, SessionFactory, transaction
from bezetting.store import planning_queries as plan_queries
from bezetting.store.enums import (
    ActivityKind,
    AvailabilityKind,
    EmploymentType,
    Location,
    PreferenceKind,
)
from bezetting.store.models import Agent, Forecast, Organisation, Queue, Requirement

__all__ = [
    "DEFAULT_SHIFT_LENGTH_MINUTES",
    "PLANNING_BREAKS",
    "PlanningProblem",
    "planning_problem",
    "read_planning_problem",
]

DEFAULT_SHIFT_LENGTH_MINUTES = (240, 540)
"""Shifts of 4 to 9 hours (breaks included) when the caller gives no shift shapes."""

_PRIOR_WEEKS = 16  # the longest averaging window of the rule pack
_EARLY_UNTIL_MINUTE = 18 * 60
_LATE_FROM_MINUTE = 10 * 60
_EMPLOYMENT = {
    EmploymentType.PERMANENT: "permanent",
    EmploymentType.TEMP: "temporary",
    EmploymentType.ON_CALL: "on_call",
}


@dataclass(frozen=True)
class PlanningProblem:
    """The core problem and how its names map back to stored rows.

    Attributes:
        problem: what the optimiser and the validator read.
        agent_ids: core agent id -> stored agent id.
        group_skill: skill group -> the skill id its work activities record (``None`` when
            the group needs several skills).
        locations: stored agent id -> where they work.
        skipped_agents: employee numbers of active agents who serve no group in the period.
        queues: codes of the queues whose requirements are in the demand.
        settings: the planning settings the problem goes by (the caller's over the stored
            ones), as a problem file writes them: what a built schedule records.
    """

    problem: Problem
    agent_ids: Mapping[str, int]
    group_skill: Mapping[str, int | None]
    locations: Mapping[int, Location]
    skipped_agents: tuple[str, ...]
    queues: tuple[str, ...]
    settings: PlanningSections


def _local(day: date, minute: int, timezone: str) -> datetime:
    extra, rest = divmod(minute, MINUTES_PER_DAY)
    return datetime.combine(
        day + timedelta(days=extra), time(rest // 60, rest % 60), tzinfo=zone(timezone)
    )


def _windows(hours: OpeningHours, days: Sequence[date], timezone: str) -> list[TimeWindow]:
    return [
        TimeWindow(
            _local(day, span.open_minute, timezone), _local(day, span.close_minute, timezone)
        )
        for day in days
        for span in hours.spans_on(day)
    ]


def _group_of(
    session: Session, organisation_id: int, queue_ids: Sequence[int]
) -> dict[int, tuple[str, int | None, frozenset[int]]]:
    """Per queue: its skill group's name, the single skill id (or None), the skill ids."""
    skills = plan_queries.organisation_skills(session, organisation_id)
    by_id = {s.id: s for s in skills}
    by_code = {s.code: s for s in skills}
    linked = plan_queries.queue_skill_ids(session, queue_ids)
    out = {}
    for queue_id in queue_ids:
        ids = linked.get(queue_id)
        if not ids:
            queue = session.get(Queue, queue_id)
            assert queue is not None
            same = by_code.get(queue.code)
            if same is None:
                raise InputError(
                    f"queue {queue.code!r} needs no skill and no skill has its code: link a "
                    "skill to it (or give agents a skill named after the queue)"
                )
            ids = [same.id]
        codes = sorted(by_id[i].code for i in ids)
        out[queue_id] = ("+".join(codes), ids[0] if len(ids) == 1 else None, frozenset(ids))
    return out


def _interval_seconds(session: Session, requirement: Requirement) -> int:
    """The requirement's interval: from its inputs, else its forecast, else a quarter-hour."""
    given = requirement.inputs.get("interval_seconds")
    if isinstance(given, int | float) and not isinstance(given, bool) and given > 0:
        return int(given)
    if requirement.forecast_id is not None:
        forecast = session.get(Forecast, requirement.forecast_id)
        if forecast is not None:
            return 60 * forecast.interval_minutes
    return 900


def _demand(
    session: Session,
    requirement: Requirement,
    slot_start: np.ndarray,
    *,
    starts: datetime,
    ends: datetime,
) -> np.ndarray:
    """Whole agents per slot: each slot takes the requirement interval it lies in."""
    rows = plan_queries.requirement_intervals_between(
        session, requirement.id, starts=starts, ends=ends
    )
    length = _interval_seconds(session, requirement)
    begins = np.array([int(r.interval_start.timestamp()) for r in rows], dtype=np.int64)
    agents = np.array([r.agents for r in rows], dtype=np.int64)
    index = np.searchsorted(begins, slot_start, side="right") - 1
    inside = (index >= 0) & (slot_start < begins[np.maximum(index, 0)] + length)
    return np.where(inside, agents[np.maximum(index, 0)], 0).astype(np.int64)


def planning_problem(
    sessions: SessionFactory,
    *,
    organisation_id: int,
    first_day: date,
    days: int,
    shifts: Sequence[Mapping[str, Any]] | None = None,
    rules: Mapping[str, Any] | None = None,
    weights: Mapping[str, Any] | None = None,
    breaks: Mapping[str, Any] | None = None,
) -> PlanningProblem:
    """The scheduling problem of an organisation for ``days`` local days (read only).

    Args:
        shifts, rules, weights, breaks: as the problem file's keys (``docs/schedule.md``);
            default shifts are one free design from the earliest opening to the latest
            closing, :data:`DEFAULT_SHIFT_LENGTH_MINUTES` long, starting on the half hour.
            A rule or weight given here wins over the organisation's stored one, a break
            policy given here over the stored policy
            (:func:`~bezetting.services.planning_settings.effective_sections`); with nothing
            stored, the Dutch rule pack, :data:`PLANNING_BREAKS` and the default weights.

    Raises:
        InputError: unknown organisation, no requirement in the period, a queue without skill.
        UnreadableSettingsError: the stored planning settings no longer parse (never planned
            by the defaults instead).
    """
    with transaction(sessions) as session:
        return read_planning_problem(
            session,
            organisation_id,
            first_day,
            days,
            shifts=shifts,
            rules=rules,
            weights=weights,
            breaks=breaks,
        )


def read_planning_problem(
    session: Session,
    organisation_id: int,
    first_day: date,
    days: int,
    *,
    shifts: Sequence[Mapping[str, Any]] | None,
    rules: Mapping[str, Any] | None,
    weights: Mapping[str, Any] | None,
    breaks: Mapping[str, Any] | None = None,
) -> PlanningProblem:
    """:func:`planning_problem` inside the caller's transaction."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise InputError(f"no organisation with id {organisation_id}")
    if not 1 <= days <= 42:
        raise InputError(f"a schedule covers 1 to 6 weeks, got {days} days")
    # First: settings that no longer parse are the first thing to fix, before any data.
    chosen = effective_sections(
        read_planning_settings(session, organisation_id),
        rules=rules,
        weights=weights,
        breaks=breaks,
    )
    tz_name = organisation.timezone
    tz = zone(tz_name)
    day_list = [first_day + timedelta(days=d) for d in range(days)]
    starts = datetime.combine(first_day, time(0), tzinfo=tz).astimezone(UTC)
    ends = datetime.combine(first_day + timedelta(days=days), time(0), tzinfo=tz).astimezone(UTC)

    queues = plan_queries.organisation_queues(session, organisation_id)
    newest = {
        q.id: r
        for q in queues
        if (r := plan_queries.newest_requirement_between(session, q.id, starts=starts, ends=ends))
    }
    if not newest:
        raise InputError(
            f"no queue of {organisation.code!r} has a requirement between {first_day} and "
            f"{day_list[-1]}: forecast and compute requirements first"
        )
    used = [q for q in queues if q.id in newest]
    group_of = _group_of(session, organisation_id, [q.id for q in used])
    skeleton = problem_from_mapping(
        {"horizon": {"first_day": first_day, "days": days, "timezone": tz_name}}
    )
    slot_start = np.asarray(skeleton.horizon.grid().slot_start, dtype=np.int64)
    demand: dict[str, np.ndarray] = {}
    windows: dict[str, list[TimeWindow]] = defaultdict(list)
    group_skill: dict[str, int | None] = {}
    group_skills: dict[str, frozenset[int]] = {}
    earliest, latest = MINUTES_PER_DAY, 0
    for queue in used:
        name, single, skill_ids = group_of[queue.id]
        group_skill[name], group_skills[name] = single, skill_ids
        requirement = newest[queue.id]
        required = _demand(session, requirement, slot_start, starts=starts, ends=ends)
        demand[name] = demand.get(name, np.zeros_like(required)) + required
        hours = queue_opening_hours(session, queue.id)
        windows[name].extend(_windows(hours, day_list, tz_name))
        for day in day_list:
            for span in hours.spans_on(day):
                earliest = min(earliest, span.open_minute)
                latest = max(latest, span.close_minute)

    agents, locations, agent_ids, skipped = _agents(
        session, organisation_id, group_skills, day_list, starts=starts, ends=ends, tz_name=tz_name
    )
    if shifts is None:
        low, high = DEFAULT_SHIFT_LENGTH_MINUTES
        first_start = min(earliest - earliest % 30, MINUTES_PER_DAY - low)
        shifts = [
            {
                "name": "day",
                "earliest_start": f"{first_start // 60:02d}:{first_start % 60:02d}",
                "latest_end": f"{max(latest, first_start + low) // 60:02d}:"
                f"{max(latest, first_start + low) % 60:02d}",
                "min_length_minutes": low,
                "max_length_minutes": high,
                "step_minutes": 30,
            }
        ]
    names = sorted(demand)
    built = problem_from_mapping(
        {
            "horizon": {"first_day": first_day, "days": days, "timezone": tz_name},
            "skill_groups": [{"name": name} for name in names],
            "shifts": list(shifts),
            "agents": agents,
            "rules": dict(chosen.rules),
            "weights": dict(chosen.weights),
            "breaks": dict(chosen.breaks),
        }
    )
    problem = dataclasses.replace(
        built,
        skill_groups=tuple(SkillGroup(name, tuple(windows[name])) for name in names),
        demand=tuple(Demand(name, demand[name]) for name in names),
    )
    return PlanningProblem(
        problem=problem,
        agent_ids=agent_ids,
        group_skill=group_skill,
        locations=locations,
        skipped_agents=tuple(skipped),
        queues=tuple(q.code for q in used),
        settings=chosen,
    )


def _agents(
    session: Session,
    organisation_id: int,
    group_skills: Mapping[str, frozenset[int]],
    days: Sequence[date],
    *,
    starts: datetime,
    ends: datetime,
    tz_name: str,
) -> tuple[list[dict[str, Any]], dict[int, Location], dict[str, int], list[str]]:
    """Agents in the problem file's shape, their locations, ids, and who was left out."""
    everyone = [
        a
        for a in plan_queries.active_agents(session, organisation_id)
        if (a.start_date is None or a.start_date <= days[-1])
        and (a.end_date is None or a.end_date >= days[0])
    ]
    ids = [a.id for a in everyone]
    levels: dict[int, dict[int, float]] = defaultdict(dict)
    for row in plan_queries.agent_skills(session, ids):
        levels[row.agent_id][row.skill_id] = row.proficiency
    windows: dict[int, dict[str, list[list[datetime]]]] = defaultdict(lambda: defaultdict(list))
    wishes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for window in plan_queries.availability_between(session, ids, starts=starts, ends=ends):
        span = [window.starts_at, window.ends_at]
        if window.kind is AvailabilityKind.AVAILABLE:
            windows[window.agent_id]["available"].append(span)
        elif window.kind is AvailabilityKind.UNAVAILABLE:
            windows[window.agent_id]["unavailable"].append(span)
        else:
            wishes[window.agent_id].append(
                {"id": f"preferred-{window.id}", "preferred": span, "weight": 1.0}
            )
    outside_employment: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    leave: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for agent in everyone:
        for gone in not_employed(agent.start_date, agent.end_date, days, tz_name):
            windows[agent.id]["unavailable"].append(list(gone))
            outside_employment[agent.id].append(gone)
    for request in plan_queries.approved_time_off_between(session, ids, starts=starts, ends=ends):
        if request.starts_at is not None and request.ends_at is not None:  # the query ensures it
            windows[request.agent_id]["unavailable"].append([request.starts_at, request.ends_at])
            leave[request.agent_id].append((request.starts_at, request.ends_at))
    for absence in plan_queries.absences_between(session, ids, starts=starts, ends=ends):
        until = absence.ends_at or ends
        windows[absence.agent_id]["unavailable"].append([absence.starts_at, until])
        leave[absence.agent_id].append((absence.starts_at, until))
    location_wish: dict[int, Location] = {}
    for pref in plan_queries.agent_preferences(session, ids):
        wishes[pref.agent_id].extend(_preference_wishes(pref, days, tz_name))
        if pref.kind is PreferenceKind.HOME:
            location_wish[pref.agent_id] = Location.HOME
        elif pref.kind is PreferenceKind.OFFICE:
            location_wish[pref.agent_id] = Location.OFFICE
    earlier = plan_queries.published_shifts_between(
        session, organisation_id, starts=starts - timedelta(weeks=_PRIOR_WEEKS), ends=starts
    )
    prior: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for shift in earlier:
        pause = sum(
            (a.ends_at - a.starts_at).total_seconds() // 60
            for a in shift.activities
            if a.kind in (ActivityKind.BREAK, ActivityKind.LUNCH)
        )
        prior[shift.agent_id].append(
            {"start": shift.starts_at, "end": shift.ends_at, "break_minutes": int(pause)}
        )
    agents: list[dict[str, Any]] = []
    locations: dict[int, Location] = {}
    agent_ids: dict[str, int] = {}
    skipped: list[str] = []
    for agent in everyone:
        mine = levels.get(agent.id, {})
        skills = [
            {"group": name, "proficiency": max(mine[s] for s in needed)}
            for name, needed in sorted(group_skills.items())
            if needed <= mine.keys()
        ]
        if not skills:
            skipped.append(agent.external_id)
            continue
        location = location_wish.get(
            agent.id, Location.HOME if agent.can_work_home else Location.OFFICE
        )
        locations[agent.id] = location
        agent_ids[str(agent.id)] = agent.id
        entry = _agent_entry(agent, skills, location, windows, wishes, prior)
        days_not_employed = leave_days_per_week(outside_employment.get(agent.id, []), days, tz_name)
        entry["contract"]["min_hours"] = minimum_when_not_employed(
            agent.contract_hours_min, agent.contract_hours_target, days_not_employed
        )
        days_on_leave = leave_days_per_week(
            leave.get(agent.id, []),
            days,
            tz_name,
            employed_from=agent.start_date,
            employed_until=agent.end_date,
        )
        entry["paid_leave_hours"] = paid_leave_hours(agent.contract_hours_target, days_on_leave)
        agents.append(entry)
    return agents, locations, agent_ids, skipped


def not_employed(
    start_date: date | None, end_date: date | None, days: Sequence[date], tz_name: str
) -> list[tuple[datetime, datetime]]:
    """The spans of the period's local ``days`` before the first day employed and after the
    last (``end_date`` inclusive): the agent gets no shift then.

    >>> days = [date(2020, 3, 16) + timedelta(days=d) for d in range(7)]
    >>> [(a.isoformat(), b.isoformat()) for a, b in
    ...  not_employed(None, date(2020, 3, 18), days, "Europe/Amsterdam")]
    [('2020-03-19T00:00:00+01:00', '2020-03-23T00:00:00+01:00')]
    """
    first, after = days[0], days[-1] + timedelta(days=1)
    spans: list[tuple[datetime, datetime]] = []
    if start_date is not None and start_date > first:
        spans.append((_local(first, 0, tz_name), _local(min(start_date, after), 0, tz_name)))
    if end_date is not None and end_date < days[-1]:
        spans.append(
            (
                _local(max(end_date + timedelta(days=1), first), 0, tz_name),
                _local(after, 0, tz_name),
            )
        )
    return spans


def leave_days_per_week(
    spans: Sequence[tuple[datetime, datetime]],
    days: Sequence[date],
    tz_name: str,
    *,
    employed_from: date | None = None,
    employed_until: date | None = None,
) -> list[int]:
    """Per planning week, the local days (from ``employed_from`` to ``employed_until``, when
    given) that time off or an absence touches for an hour or more (a day counts once,
    however many spans touch it)."""
    tz = zone(tz_name)
    weeks = [0] * max(1, -(-len(days) // 7))
    for index, day in enumerate(days):
        if (employed_from is not None and day < employed_from) or (
            employed_until is not None and day > employed_until
        ):
            continue
        opens = datetime.combine(day, time(0), tzinfo=tz)
        closes = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
        touched = sum(
            max(0.0, (min(end, closes) - max(start, opens)).total_seconds()) for start, end in spans
        )
        if touched >= 3600:
            weeks[index // 7] += 1
    return weeks


def paid_leave_hours(target_hours: float, leave_days: Sequence[int]) -> list[float]:
    """Per planning week, the paid leave credited towards the contract.

    Time off and sickness are paid hours that count towards the contract, so each leave day
    (at most five a week) credits a fifth of the weekly target; the problem lowers that
    week's minimum and target by it (:meth:`~bezetting.core.schedule.Problem.minimum_minutes`).

    >>> paid_leave_hours(32, [3, 0, 7])
    [19.2, 0.0, 32.0]
    """
    return [round(min(days, 5) * target_hours / 5, 2) for days in leave_days]


def minimum_when_not_employed(
    min_hours: float, target_hours: float, days_not_employed: Sequence[int]
) -> float:
    """The weekly contract minimum of an agent who joins or leaves within the period.

    Each day not employed (at most five a week) lowers the minimum by a fifth of the weekly
    target. The contract holds one minimum for every week of the plan, so the week with the
    most such days sets it (the target, pro rata to the days employed, steers each week).
    """
    most = max(days_not_employed, default=0)
    credit = min(most, 5) * target_hours / 5
    return max(0.0, round(min_hours - credit, 2))


def _agent_entry(
    agent: Agent,
    skills: list[dict[str, Any]],
    location: Location,
    windows: Mapping[int, Mapping[str, list[list[datetime]]]],
    wishes: Mapping[int, list[dict[str, Any]]],
    prior: Mapping[int, list[dict[str, Any]]],
) -> dict[str, Any]:
    mine = windows.get(agent.id, {})
    return {
        "id": str(agent.id),
        "name": agent.name,
        "team": str(agent.team_id or ""),
        "location": location.value,
        "contract": {
            "min_hours": agent.contract_hours_min,
            "target_hours": agent.contract_hours_target,
            "max_hours": agent.contract_hours_max,
            "employment": _EMPLOYMENT[agent.employment_type],
        },
        "skills": skills,
        "available": list(mine.get("available", [])),
        "unavailable": list(mine.get("unavailable", [])),
        "wishes": list(wishes.get(agent.id, [])),
        "prior_work": list(prior.get(agent.id, [])),
        "employed_from": agent.start_date,
        "employed_until": agent.end_date,
    }


def _preference_wishes(pref: Any, days: Sequence[date], tz_name: str) -> list[dict[str, Any]]:
    on = [
        d
        for d in days
        if (pref.on_date is None or d == pref.on_date)
        and (pref.weekday is None or d.weekday() == pref.weekday)
    ]
    weight = float(pref.weight)
    out: list[dict[str, Any]] = []
    for day in on:
        wid = f"{pref.kind.value}-{pref.id}-{day.isoformat()}"
        if pref.kind is PreferenceKind.DAY_OFF:
            out.append({"id": wid, "day_off": day, "weight": weight})
        elif pref.kind is PreferenceKind.EARLY:
            span = [_local(day, _EARLY_UNTIL_MINUTE, tz_name), _local(day, 1440, tz_name)]
            out.append({"id": wid, "unwanted": span, "weight": weight})
        elif pref.kind is PreferenceKind.LATE:
            span = [_local(day, 0, tz_name), _local(day, _LATE_FROM_MINUTE, tz_name)]
            out.append({"id": wid, "unwanted": span, "weight": weight})
    return out
