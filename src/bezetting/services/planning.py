"""Planning: contact history -> forecast -> requirements -> schedule, stored at every step.

One use case each, each writing in one transaction (the long computations run between a short
read and the write, see the modules):

* :func:`run_forecast` (:mod:`.forecasting`): a queue's contact records in, a forecast version
  with volume, handle time and prediction interval per interval out;
* :func:`compute_requirements` (:mod:`.requirements`): a forecast and the queue's targets in,
  agents needed per interval with the predicted service out;
* :func:`build_schedule` (:mod:`.scheduling`): the newest requirements, agents, availability,
  wishes and earlier published shifts in, a draft schedule at version 1 out.

Example::

    forecast = run_forecast(sessions, queue_id=q, first_day=date(2020, 3, 16), days=14, now=now)
    need = compute_requirements(sessions, forecast_id=forecast.id, now=now)
    built = build_schedule(sessions, organisation_id=o, first_day=date(2020, 3, 16), weeks=2,
                           time_limit_seconds=60, now=now)
"""

from __future__ import annotations

from dataclasses import dataclass

from bezetting.core.errors import InputError
from bezetting.services.forecasting import MIN_HISTORY_DAYS, ForecastRef, run_forecast
from bezetting.services.organisations import resolve_organisation
from bezetting.services.requirements import RequirementRef, compute_requirements
from bezetting.services.schedule_problem import PlanningProblem, planning_problem
from bezetting.services.scheduling import (
    BuiltSchedule,
    ScheduleCheck,
    ScheduleSettings,
    ScheduleViolation,
    build_schedule,
    check_schedule,
    schedule_settings,
    validate_schedule,
)
from bezetting.store import SessionFactory, queries, transaction

__all__ = [
    "MIN_HISTORY_DAYS",
    "BuiltSchedule",
    "ForecastRef",
    "PlanningProblem",
    "PlanningTarget",
    "RequirementRef",
    "ScheduleCheck",
    "ScheduleSettings",
    "ScheduleViolation",
    "build_schedule",
    "check_schedule",
    "compute_requirements",
    "planning_problem",
    "planning_target",
    "run_forecast",
    "schedule_settings",
    "validate_schedule",
]


@dataclass(frozen=True)
class PlanningTarget:
    """Ids an entry point needs: the organisation, and the queue when one was named."""

    organisation_id: int
    organisation: str
    queue_id: int | None = None


def planning_target(
    sessions: SessionFactory, *, organisation: str | None, queue: str | None = None
) -> PlanningTarget:
    """Resolve codes typed by a person (the only organisation when none is named).

    Raises:
        InputError: unknown organisation or queue (the message lists the known codes).
    """
    with transaction(sessions) as session:
        org = resolve_organisation(session, organisation)
        if queue is None:
            return PlanningTarget(org.id, org.code)
        by_code = queries.queues_by_code(session, org.id)
        if queue not in by_code:
            known = ", ".join(sorted(by_code)) or "none"
            raise InputError(f"no queue {queue!r} in {org.code!r}; known: {known}")
        return PlanningTarget(org.id, org.code, by_code[queue].id)
