"""The ``schedule`` job: build an organisation's schedule from its stored requirements.

Params (JSON)::

    {
      "organisation_id": 1,          # set by the API from the caller
      "first_day": "2020-03-16",     # first local day of the period
      "weeks": 2,                    # optional, default 2 (1 to 6)
      "time_limit_seconds": 60,      # optional, default 60 (at most 3600)
      "name": "week 12-13"           # optional name of the draft
    }

The organisation's planning settings (rule overrides, break policy, weights; see
docs/planning.md) apply, as for ``bezetting plan schedule``.

Result: ``{"schedule_id", "version", "status", "solver_status", "objective", "bound",
"shifts", "agents", "skipped_agents", "queues", "shortfall_agent_slots", "shortfall_hours",
"wishes_met", "wishes_total", "violations", "wall_seconds"}``; the schedule is stored as a
draft at version 1 (see docs/planning.md).

A cancel asked for while the solver runs takes effect when it returns (within the time
limit), before anything is saved: the solver's own callbacks are not interrupted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime

from bezetting.jobs.errors import JobCancelledError
from bezetting.jobs.kinds._params import (
    check_known,
    optional_text,
    params_date,
    params_number,
    params_whole,
)
from bezetting.jobs.progress import ProgressReporter
from bezetting.jobs.registry import job
from bezetting.jobs.status import JSON
from bezetting.services.planning import build_schedule
from bezetting.store import configured_sessions

__all__ = ["schedule_job"]

_PARAMS = {"organisation_id", "first_day", "weeks", "time_limit_seconds", "name"}
_ID_MAX = 2**63 - 1
_SAVING = 0.97  # the service reports this just before it saves, after the solver returned


class _CancelAfterSolving:
    """Passes progress on; a cancel seen during solving is raised at the next report after."""

    def __init__(self, progress: ProgressReporter) -> None:
        self._progress = progress
        self._cancelled: JobCancelledError | None = None

    def __call__(self, fraction: float, message: str) -> None:
        if self._cancelled is not None and fraction >= _SAVING:
            raise self._cancelled
        try:
            self._progress.report(fraction, message)
        except JobCancelledError as exc:
            if fraction >= _SAVING or fraction == 0.0:
                raise
            self._cancelled = exc


@job("schedule")
def schedule_job(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
    """Build a draft schedule for an organisation from its newest requirements."""
    check_known(params, _PARAMS)
    organisation_id = params_whole(params, "organisation_id", low=1, high=_ID_MAX)
    first_day = params_date(params, "first_day")
    weeks = params_whole(params, "weeks", low=1, high=6, default=2)
    time_limit = params_number(params, "time_limit_seconds", low=0.0, high=3600.0, default=60.0)
    name = optional_text(params, "name", max_length=200)
    with configured_sessions() as sessions:
        built = build_schedule(
            sessions,
            organisation_id=organisation_id,
            first_day=first_day,
            weeks=weeks,
            time_limit_seconds=time_limit,
            now=datetime.now(UTC),
            name=name,
            progress=_CancelAfterSolving(progress),
        )
    result: dict[str, JSON] = {}
    for key, value in asdict(built).items():
        result[key] = list(value) if isinstance(value, tuple) else value
    result["status"] = built.status.value
    return result
