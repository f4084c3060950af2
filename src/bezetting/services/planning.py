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

from bezetting.services.forecasting import MIN_HISTORY_DAYS, ForecastRef, run_forecast
from bezetting.services.requirements import RequirementRef, compute_requirements
from bezetting.services.scheduling import (
    BuiltSchedule,
    PlanningProblem,
    build_schedule,
    planning_problem,
    validate_schedule,
)

__all__ = [
    "MIN_HISTORY_DAYS",
    "BuiltSchedule",
    "ForecastRef",
    "PlanningProblem",
    "RequirementRef",
    "build_schedule",
    "compute_requirements",
    "planning_problem",
    "run_forecast",
    "validate_schedule",
]
