"""The ``forecast`` job: forecast a stored queue's contacts and (by default) staff it.

Params (JSON)::

    {
      "organisation_id": 1,          # set by the API from the caller; the queue must be theirs
      "queue_id": 3,
      "first_day": "2020-03-16",     # first local day forecast; history is what came before
      "days": 28,                    # optional, default 28 (1 to 366)
      "interval_minutes": 15,        # optional: 15 (default), 30 or 60
      "requirements": true           # optional, default true: also compute the requirement
    }

Result: ``{"forecast": {"id", "queue", "version", "model", "backtest_wape",
"backtest_bias", "intervals", "total_volume", "history_days"}, "requirement": {"id",
"method", "peak_agents", "agent_hours"} or null}``. Both are stored: the forecast as the
queue's next version, the requirement with its inputs (see docs/planning.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from bezetting.jobs.kinds._params import check_known, params_date, params_flag, params_whole
from bezetting.jobs.progress import ProgressReporter
from bezetting.jobs.registry import job
from bezetting.jobs.status import JSON
from bezetting.services.planning import compute_requirements, run_forecast
from bezetting.store import configured_sessions

__all__ = ["forecast_job"]

_PARAMS = {"organisation_id", "queue_id", "first_day", "days", "interval_minutes", "requirements"}
_ID_MAX = 2**63 - 1


@job("forecast")
def forecast_job(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
    """Forecast a queue from its stored contact history; store it and its requirement."""
    check_known(params, _PARAMS)
    organisation_id = params_whole(params, "organisation_id", low=1, high=_ID_MAX)
    queue_id = params_whole(params, "queue_id", low=1, high=_ID_MAX)
    first_day = params_date(params, "first_day")
    days = params_whole(params, "days", low=1, high=366, default=28)
    interval_minutes = params_whole(params, "interval_minutes", low=15, high=60, default=15)
    with_requirements = params_flag(params, "requirements", default=True)
    share = 0.9 if with_requirements else 1.0

    def report(fraction: float, message: str) -> None:
        progress.report(share * fraction, message)

    with configured_sessions() as sessions:
        forecast = run_forecast(
            sessions,
            queue_id=queue_id,
            first_day=first_day,
            days=days,
            interval_minutes=interval_minutes,
            now=datetime.now(UTC),
            progress=report,
            organisation_id=organisation_id,
        )
        requirement: JSON = None
        if with_requirements:
            progress.report(0.95, "computing the requirement")
            need = compute_requirements(
                sessions,
                forecast_id=forecast.id,
                now=datetime.now(UTC),
                organisation_id=organisation_id,
            )
            requirement = {
                "id": need.id,
                "method": need.method,
                "peak_agents": need.peak_agents,
                "agent_hours": need.agent_hours,
            }
            progress.report(1.0, f"forecast {forecast.id} and requirement {need.id} saved")
    return {
        "forecast": {
            "id": forecast.id,
            "queue": forecast.queue,
            "version": forecast.version,
            "model": forecast.model,
            "backtest_wape": forecast.backtest_wape,
            "backtest_bias": forecast.backtest_bias,
            "intervals": forecast.intervals,
            "total_volume": forecast.total_volume,
            "history_days": forecast.history_days,
        },
        "requirement": requirement,
    }
