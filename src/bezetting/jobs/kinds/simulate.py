"""The ``simulate`` job: what a staffing plan or schedule delivers, by replications.

Params (JSON)::

    {
      "scenario": "...",          # the scenario file's text (YAML, docs/simulate.md); or
                                  # the same structure as a JSON object
      "replications": 20,         # optional, default 20 (at least 2 for intervals)
      "seed": 2020,               # optional, default 2020
      "warmup_minutes": 0         # optional: left out of the totals
    }

Result: per queue over the whole horizon, each KPI's mean and the half-width of its 95%
confidence interval: ``{"replications", "seed", "queues": [{"queue", "offered",
"service_level", "asa_seconds", "abandon_rate", ... each as {"mean", "half_width"}}],
"occupancy": [{"group", "mean", "half_width"}]}``. Scenarios that read replay files are refused
here (a job has no files); put the arrival times in the scenario.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields
from typing import NoReturn

import numpy as np

from bezetting.core.errors import InputError
from bezetting.core.simulate import (
    KpiEstimates,
    replicate,
    scenario_from_mapping,
    scenario_from_yaml,
)
from bezetting.jobs.progress import ProgressReporter
from bezetting.jobs.registry import job
from bezetting.jobs.status import JSON

__all__ = ["simulate_job"]

# ``organisation_id`` is set by the API on every job it submits; this kind does not need it.
_PARAMS = {"scenario", "replications", "seed", "warmup_minutes", "organisation_id"}


def _whole(params: Mapping[str, JSON], name: str, default: int, low: int, high: int) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(
            f"params.{name} must be a whole number from {low} to {high}, got {value!r}"
        )
    return value


def _no_replay(path: str) -> NoReturn:
    raise InputError(
        f"the scenario reads the replay file {path!r}; a job has no files: give the arrival "
        "times in the scenario itself"
    )


@job("simulate")
def simulate_job(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
    """Replicate a scenario and summarise its KPIs per queue with confidence intervals."""
    unknown = sorted(set(params) - _PARAMS)
    if unknown:
        raise InputError(f"unknown params {unknown}; expected some of {sorted(_PARAMS)}")
    raw = params.get("scenario")
    if isinstance(raw, str):
        scenario = scenario_from_yaml(raw, read_replay=_no_replay)
    elif isinstance(raw, dict):
        scenario = scenario_from_mapping(raw, read_replay=_no_replay)
    else:
        raise InputError("params.scenario must be the scenario file's text or a JSON object")
    replications = _whole(params, "replications", 20, 1, 1000)
    seed = _whole(params, "seed", 2020, 0, 2**32 - 1)
    warmup = params.get("warmup_minutes", 0)
    if (
        isinstance(warmup, bool)
        or not isinstance(warmup, int | float)
        or not (math.isfinite(warmup) and warmup >= 0)
    ):
        raise InputError(f"params.warmup_minutes must be a number >= 0, got {warmup!r}")

    def on_progress(done: int, total: int) -> None:
        progress.report(done / total, f"{done} of {total} replications")

    result = replicate(
        scenario,
        replications=replications,
        rng=np.random.default_rng(seed),
        warmup_seconds=60.0 * float(warmup),
        on_progress=on_progress,
    )
    return {
        "replications": replications,
        "seed": seed,
        "queues": [
            {"queue": queue.name, **_per_queue(result.total, q)}
            for q, queue in enumerate(scenario.queues)
        ],
        "occupancy": [
            {
                "group": group.name,
                "mean": _number(result.occupancy_total.mean[g]),
                "half_width": _number(result.occupancy_total.half_width[g]),
            }
            for g, group in enumerate(scenario.agent_groups)
        ],
    }


def _per_queue(total: KpiEstimates, q: int) -> dict[str, JSON]:
    out: dict[str, JSON] = {}
    for f in fields(KpiEstimates):
        est = getattr(total, f.name)
        out[f.name] = {"mean": _number(est.mean[q]), "half_width": _number(est.half_width[q])}
    return out


def _number(value: float) -> float | None:
    """JSON has no NaN: an undefined value (nobody answered; one replication) is null."""
    number = float(value)
    return number if math.isfinite(number) else None
