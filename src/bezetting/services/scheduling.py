"""Build a schedule for an organisation: stored requirements and agents in, a draft out.

The problem is read by :mod:`bezetting.services.schedule_problem` (demand per skill group,
agents with availability and wishes, earlier published shifts) in one short transaction;
:func:`~bezetting.core.schedule.solve` runs with the time limit; the result is stored as a
draft at version 1 in one transaction (:func:`~bezetting.services.schedules.create_schedule`).
:func:`validate_schedule` checks any stored schedule against the problem of its period.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bezetting.core.errors import InfeasibleError, InputError
from bezetting.core.schedule import Activity as CoreActivity
from bezetting.core.schedule import ActivityKind as CoreActivityKind
from bezetting.core.schedule import (
    Horizon,
    Rule,
    ScheduleResult,
    SolveParameters,
    Violation,
    solve,
    validate,
)
from bezetting.core.schedule import Progress as SolveProgress
from bezetting.core.schedule import Schedule as CoreSchedule
from bezetting.core.schedule import Shift as CoreShift
from bezetting.services.planning_settings import (
    PlanningSections,
    effective_sections,
    read_planning_settings,
    same_in_effect,
)
from bezetting.services.schedule_problem import (
    PlanningProblem,
    planning_problem,
    read_planning_problem,
)
from bezetting.services.schedules import ActivityPlan, ShiftPlan, create_schedule
from bezetting.store import SessionFactory, planning_queries, queries, transaction
from bezetting.store.enums import ActivityKind, ScheduleStatus
from bezetting.store.models import Organisation, Schedule, Shift

__all__ = [
    "BuiltSchedule",
    "ScheduleCheck",
    "ScheduleSettings",
    "ScheduleViolation",
    "build_schedule",
    "check_schedule",
    "schedule_settings",
    "validate_schedule",
]

ProgressCallback = Callable[[float, str], None]


@dataclass(frozen=True, kw_only=True)
class BuiltSchedule:
    """A built and stored draft, and the figures a planner judges it by.

    Attributes:
        schedule_id, version, status: the stored schedule (a draft at version 1).
        solver_status: ``optimal``, ``feasible`` or ``heuristic`` (see
            :class:`~bezetting.core.schedule.SolveStatus`).
        objective, bound: cost and lower bound in cost units.
        shortfall_agent_slots: agent-quarter-hours of demand not covered;
            ``shortfall_hours`` the same in agent-hours.
        wishes_met, wishes_total: wishes kept and wishes in all.
        violations: labour-rule violations found by the validator (0 for a solver schedule).
    """

    schedule_id: int
    version: int
    status: ScheduleStatus
    solver_status: str
    objective: float
    bound: float
    shifts: int
    agents: int
    skipped_agents: tuple[str, ...]
    queues: tuple[str, ...]
    shortfall_agent_slots: int
    shortfall_hours: float
    wishes_met: int
    wishes_total: int
    violations: int
    wall_seconds: float


def _shift_plans(planning: PlanningProblem, result: ScheduleResult) -> list[ShiftPlan]:
    kinds = {
        CoreActivityKind.WORK: ActivityKind.CONTACT_WORK,
        CoreActivityKind.BREAK: ActivityKind.BREAK,
        CoreActivityKind.EVENT: ActivityKind.TRAINING,
    }
    plans = []
    for shift in result.schedule.shifts:
        agent_id = planning.agent_ids[shift.agent_id]
        location = planning.locations[agent_id]
        plans.append(
            ShiftPlan(
                agent_id=agent_id,
                starts_at=shift.start.astimezone(UTC),
                ends_at=shift.end.astimezone(UTC),
                activities=tuple(
                    ActivityPlan(
                        kind=kinds[a.kind],
                        starts_at=a.start.astimezone(UTC),
                        ends_at=a.end.astimezone(UTC),
                        location=location,
                        skill_id=planning.group_skill.get(a.skill_group),
                    )
                    for a in shift.activities
                ),
            )
        )
    return plans


def _default_name(first_day: date, weeks: int) -> str:
    """A draft's name when the caller gives none: its period, ``2020-03-16 +2w``. The solver's
    status stays out: a name is shown as stored on a page in any language, the status is in
    :class:`BuiltSchedule` (and the job's message, translated)."""
    return f"{first_day.isoformat()} +{weeks}w"


def build_schedule(
    sessions: SessionFactory,
    *,
    organisation_id: int,
    first_day: date,
    weeks: int,
    time_limit_seconds: float = 60.0,
    now: datetime,
    name: str | None = None,
    progress: ProgressCallback | None = None,
    shifts: Sequence[Mapping[str, Any]] | None = None,
    rules: Mapping[str, Any] | None = None,
    weights: Mapping[str, Any] | None = None,
    breaks: Mapping[str, Any] | None = None,
    num_workers: int = 2,
    random_seed: int = 0,
) -> BuiltSchedule:
    """Schedule the organisation's agents for ``weeks`` weeks from ``first_day``; store a draft.

    Raises:
        InputError: see :func:`planning_problem`; a bad week count or time limit.
        UnreadableSettingsError: the stored planning settings no longer parse.
        InfeasibleError: no schedule meets the hard rules (the message names agent and rule),
            or none was found within the time limit.
    """
    if not 1 <= weeks <= 6:
        raise InputError(f"weeks must be from 1 to 6, got {weeks}")
    report = progress or (lambda _fraction, _message: None)
    report(0.0, "reading agents and requirements")
    planning = planning_problem(
        sessions,
        organisation_id=organisation_id,
        first_day=first_day,
        days=7 * weeks,
        shifts=shifts,
        rules=rules,
        weights=weights,
        breaks=breaks,
    )
    parameters = SolveParameters(
        time_limit_seconds=time_limit_seconds, num_workers=num_workers, random_seed=random_seed
    )

    def on_solve(p: SolveProgress) -> None:
        fraction = 0.05 + 0.9 * min(1.0, p.elapsed_seconds / time_limit_seconds)
        where = f"part {min(p.part + 1, p.parts)} of {p.parts}: cost {p.objective:.0f}, "
        # a bound of 0 means none is known yet (the relaxation has not finished), not a goal of 0
        report(fraction, where + (f"lower bound {p.bound:.0f}" if p.bound > 0 else "no bound yet"))

    result = solve(planning.problem, parameters=parameters, on_progress=on_solve)
    if not result.schedule.shifts and planning.problem.agents:
        raise InfeasibleError(
            f"the solver found no schedule in {time_limit_seconds:g} s "
            f"(status {result.status.value}); give it more time"
        )
    report(0.97, "saving the draft")
    last_day = first_day + timedelta(days=7 * weeks - 1)
    with transaction(sessions) as session:
        organisation = session.get(Organisation, organisation_id)
        assert organisation is not None
        code = organisation.code
    ref = create_schedule(
        sessions,
        name=name or _default_name(first_day, weeks),
        period_start=first_day,
        period_end=last_day,
        now=now,
        organisation=code,
        shifts=_shift_plans(planning, result),
        built_with=planning.settings.as_mapping(),
    )
    report(1.0, f"schedule {ref.id} saved as a draft")
    slot_hours = planning.problem.horizon.slot_minutes / 60
    return BuiltSchedule(
        schedule_id=ref.id,
        version=ref.version,
        status=ref.status,
        solver_status=result.status.value,
        objective=result.objective,
        bound=result.bound,
        shifts=len(result.schedule.shifts),
        agents=len(planning.problem.agents),
        skipped_agents=planning.skipped_agents,
        queues=planning.queues,
        shortfall_agent_slots=result.under_coverage_slots,
        shortfall_hours=result.under_coverage_slots * slot_hours,
        wishes_met=sum(w.met for w in result.wishes),
        wishes_total=len(result.wishes),
        violations=len(result.violations),
        wall_seconds=result.wall_seconds,
    )


@dataclass(frozen=True, kw_only=True)
class ScheduleViolation:
    """A rule a stored schedule breaks, with the agent named as a planner knows them.

    Attributes:
        agent_id: the stored agent's id (what the API and the database use).
        agent: employee number and name, ``A1 (Anouk)``.
        rule, at, measured, limit, unit, message: as in the validator's
            :class:`~bezetting.core.schedule.Violation`.
    """

    agent_id: int
    agent: str
    rule: Rule
    at: datetime
    measured: float
    limit: float
    unit: str
    message: str


@dataclass(frozen=True, kw_only=True)
class ScheduleCheck:
    """What checking a stored schedule found, and what it counted besides its own shifts.

    Attributes:
        violations: the rules broken, by the schedule's own shifts or together with the
            shifts counted beside them; none that lie in another schedule's shift alone.
        counted_with: the other published schedules whose shifts in this schedule's period
            were counted (empty for a draft, which is checked alone).
        other_shifts: how many shifts of those schedules were counted.
    """

    violations: tuple[ScheduleViolation, ...]
    counted_with: tuple[int, ...]
    other_shifts: int


def check_schedule(sessions: SessionFactory, *, schedule_id: int) -> ScheduleCheck:
    """Check a stored schedule (a built draft, hand-edited or published) against the labour
    rules, availability, skills and opening hours of its period, read from the database now;
    each violation names its agent by employee number and name.

    A published schedule is checked as its agents work: with their shifts of the other
    published schedules in the same period. After a publish that replaced the shifts still
    to come, an agent's week lies in two schedules, and either one alone falls short of the
    contract's weekly minimum that the two together meet. A violation that lies within
    another schedule's shift and none of this one's is that schedule's to report.

    Raises:
        InputError: unknown schedule; see :func:`planning_problem`.
        UnreadableSettingsError: the stored planning settings no longer parse.
    """
    with transaction(sessions) as session:
        schedule: Schedule | None = queries.schedule_with_shifts(session, schedule_id)
        if schedule is None:
            raise InputError(f"no schedule with id {schedule_id}")
        days = (schedule.period_end - schedule.period_start).days + 1
        planning = read_planning_problem(
            session,
            schedule.organisation_id,
            schedule.period_start,
            days,
            shifts=None,
            rules=None,
            weights=None,
        )
        people = {
            str(agent.id): (agent.id, f"{agent.external_id} ({agent.name})")
            for agent in queries.agents_by_external_id(session, schedule.organisation_id).values()
        }
        group_by_skill = {
            skill: name for name, skill in planning.group_skill.items() if skill is not None
        }
        others: list[Shift] = []
        if schedule.status is ScheduleStatus.PUBLISHED:
            starts, ends = _horizon_bounds(planning.problem.horizon)
            others = [
                shift
                for shift in planning_queries.published_shifts_between(
                    session, schedule.organisation_id, starts=starts, ends=ends
                )
                if shift.schedule_id != schedule.id
            ]
        own = [_core_shift(shift, group_by_skill) for shift in schedule.shifts]
        counted = [_core_shift(shift, group_by_skill) for shift in others]
    found = validate(planning.problem, CoreSchedule((*own, *counted)))
    return ScheduleCheck(
        violations=tuple(_named(v, people) for v in found if not _in_others_alone(v, own, counted)),
        counted_with=tuple(sorted({shift.schedule_id for shift in others})),
        other_shifts=len(others),
    )


def validate_schedule(
    sessions: SessionFactory, *, schedule_id: int
) -> tuple[ScheduleViolation, ...]:
    """The violations of :func:`check_schedule`."""
    return check_schedule(sessions, schedule_id=schedule_id).violations


def _horizon_bounds(horizon: Horizon) -> tuple[datetime, datetime]:
    """The horizon as UTC moments: its first local midnight and the one after its last day."""
    zone = ZoneInfo(horizon.timezone)
    last = horizon.first_day + timedelta(days=horizon.days)
    return (
        datetime.combine(horizon.first_day, time(), zone).astimezone(UTC),
        datetime.combine(last, time(), zone).astimezone(UTC),
    )


def _core_shift(shift: Shift, group_by_skill: Mapping[int, str]) -> CoreShift:
    """A stored shift as the validator reads it (breaks and lunches as breaks, contact work as
    work on its skill's group, the rest as events)."""
    return CoreShift(
        str(shift.agent_id),
        shift.starts_at,
        shift.ends_at,
        tuple(
            CoreActivity(
                CoreActivityKind.BREAK
                if a.kind in (ActivityKind.BREAK, ActivityKind.LUNCH)
                else CoreActivityKind.WORK
                if a.kind is ActivityKind.CONTACT_WORK
                else CoreActivityKind.EVENT,
                a.starts_at,
                a.ends_at,
                skill_group=group_by_skill.get(a.skill_id or -1, ""),
            )
            for a in shift.activities
        ),
    )


def _in_others_alone(
    violation: Violation, own: Sequence[CoreShift], others: Sequence[CoreShift]
) -> bool:
    """Whether the violation lies within one of the agent's shifts of another schedule and
    none of the checked schedule's (a week's or a rest's violation, dated between shifts, is
    the checked schedule's too)."""

    def within(shifts: Sequence[CoreShift]) -> bool:
        return any(
            s.agent_id == violation.agent_id and s.start <= violation.at <= s.end for s in shifts
        )

    return within(others) and not within(own)


def _named(violation: Violation, people: Mapping[str, tuple[int, str]]) -> ScheduleViolation:
    """The validator's violation with its agent (a stored id as text) named for a planner."""
    agent_id, agent = people[violation.agent_id]
    message = violation.message
    if violation.rule is Rule.UNKNOWN_AGENT:  # the core can only quote the id it was given
        message = (
            f"{agent} is not among the agents planned for this period: inactive, not employed "
            "in it (their start date after it, or their end date before it), or without the "
            "skills of any queue with requirements"
        )
    return ScheduleViolation(
        agent_id=agent_id,
        agent=agent,
        rule=violation.rule,
        at=violation.at,
        measured=violation.measured,
        limit=violation.limit,
        unit=violation.unit,
        message=message,
    )


@dataclass(frozen=True, kw_only=True)
class ScheduleSettings:
    """The planning settings a stored schedule was built by (None: made by hand, or built
    before schedules recorded them) and those in force now, by which it is checked."""

    built_with: PlanningSections | None
    in_force: PlanningSections

    @property
    def changed_since(self) -> bool:
        """True when the schedule was built by other settings than those in force now."""
        return self.built_with is not None and not same_in_effect(self.built_with, self.in_force)


def schedule_settings(sessions: SessionFactory, *, schedule_id: int) -> ScheduleSettings:
    """What :class:`ScheduleSettings` says of the stored schedule ``schedule_id``.

    Raises:
        InputError: unknown schedule.
        UnreadableSettingsError: the stored planning settings no longer parse.
    """
    with transaction(sessions) as session:
        schedule = session.get(Schedule, schedule_id)
        if schedule is None:
            raise InputError(f"no schedule with id {schedule_id}")
        in_force = effective_sections(read_planning_settings(session, schedule.organisation_id))
        built = schedule.built_with
        return ScheduleSettings(
            built_with=None if built is None else PlanningSections.from_mapping(built),
            in_force=in_force,
        )
