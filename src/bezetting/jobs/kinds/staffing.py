"""The ``staffing`` job: agents needed per interval of a series, by Erlang C or Erlang A.

Params (JSON)::

    {
      "intervals": [                                  # an interval series, one object per row
        {"queue": "retail", "interval_start": "2020-03-16T08:00:00+01:00",
         "volume": 250, "aht_seconds": 240},
        ...
      ],
      "interval_seconds": 1800,                       # 900, 1800 or 3600
      "target": {"service_level": 0.8, "answer_within_seconds": 20},   # optional, this default;
                     # also "definition", "max_asa_seconds", "max_abandon_rate", "max_occupancy"
      "model": "erlang-c",                            # optional; erlang-a when patience is given
      "patience_seconds": 120,                        # optional (Erlang A)
      "chunk_intervals": 500                          # optional: intervals per progress step
    }

Result: ``{"model", "target", "rows": [...], "summary": {...}}``; each row has the columns of
the requirements interchange file: ``queue, interval_start, agents, agents_fractional,
service_level, asa_seconds, abandon_rate, occupancy`` and the ``binding`` target. An ASA that
is not finite (nobody answered) is ``null``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from bezetting.core.errors import InputError
from bezetting.core.queueing import (
    QueueModel,
    ServiceLevelDefinition,
    ServiceTarget,
    offered_load,
    required_agents,
)
from bezetting.jobs.progress import ProgressReporter
from bezetting.jobs.registry import job
from bezetting.jobs.status import JSON

__all__ = ["staffing_job"]

_INTERVAL_SECONDS = (900.0, 1800.0, 3600.0)
_TARGET_FIELDS = {
    "service_level",
    "answer_within_seconds",
    "definition",
    "max_asa_seconds",
    "max_abandon_rate",
    "max_occupancy",
    "short_abandon_seconds",
}
# ``organisation_id`` is set by the API on every job it submits; this kind does not need it.
_PARAMS = {
    "organisation_id",
    "intervals",
    "interval_seconds",
    "target",
    "model",
    "patience_seconds",
    "chunk_intervals",
}


@dataclass(frozen=True)
class _Request:
    queues: list[str]
    starts: list[str]
    volume: np.ndarray
    aht_seconds: np.ndarray
    interval_seconds: float
    target: ServiceTarget
    model: QueueModel
    patience_seconds: float | None
    chunk: int


@job("staffing")
def staffing_job(params: Mapping[str, JSON], progress: ProgressReporter) -> JSON:
    """Agents needed per interval of a series (Erlang C or A), with predicted service."""
    request = _parse(params)
    n = len(request.queues)
    load = offered_load(
        request.volume, aht_seconds=request.aht_seconds, interval_seconds=request.interval_seconds
    )
    rows: list[JSON] = []
    fractional_sum = 0.0
    peak = 0
    progress.report(0.0, f"0 of {n} intervals")
    for lo in range(0, n, request.chunk):
        hi = min(lo + request.chunk, n)
        result = required_agents(
            load[lo:hi],
            aht_seconds=request.aht_seconds[lo:hi],
            target=request.target,
            model=request.model,
            patience_seconds=request.patience_seconds,
        )
        m = result.metrics
        service_level = m.service_level(request.target.definition)
        for j in range(hi - lo):
            agents = int(result.agents[j])
            fractional = float(result.agents_fractional[j])
            fractional_sum += fractional
            peak = max(peak, agents)
            asa = float(m.asa_seconds[j])
            rows.append(
                {
                    "queue": request.queues[lo + j],
                    "interval_start": request.starts[lo + j],
                    "agents": agents,
                    "agents_fractional": fractional,
                    "service_level": float(service_level[j]),
                    "asa_seconds": asa if math.isfinite(asa) else None,
                    "abandon_rate": float(m.abandon_rate[j]),
                    "occupancy": float(m.occupancy[j]),
                    "binding": str(result.binding[j]),
                }
            )
        progress.report(hi / n, f"{hi} of {n} intervals")
    target = request.target
    return {
        "model": request.model.value,
        "target": {
            "service_level": target.service_level,
            "answer_within_seconds": target.answer_within_seconds,
            "definition": target.definition.value,
            "max_asa_seconds": target.max_asa_seconds,
            "max_abandon_rate": target.max_abandon_rate,
            "max_occupancy": target.max_occupancy,
        },
        "patience_seconds": request.patience_seconds,
        "interval_seconds": request.interval_seconds,
        "rows": rows,
        "summary": {
            "intervals": n,
            "agent_hours_fractional": fractional_sum * request.interval_seconds / 3600.0,
            "peak_agents": peak,
        },
    }


def _parse(params: Mapping[str, JSON]) -> _Request:
    unknown = sorted(set(params) - _PARAMS)
    if unknown:
        raise InputError(f"unknown staffing params {unknown}; known: {', '.join(sorted(_PARAMS))}")
    intervals = params.get("intervals")
    if not isinstance(intervals, list) or not intervals:
        raise InputError(
            "params['intervals'] must be a non-empty list of "
            "{queue, interval_start, volume, aht_seconds} objects"
        )
    queues: list[str] = []
    starts: list[str] = []
    volume: list[float] = []
    aht: list[float] = []
    for i, row in enumerate(intervals):
        where = f"params['intervals'][{i}]"
        if not isinstance(row, dict):
            raise InputError(f"{where} must be an object, got {row!r}")
        queue = row.get("queue")
        if not isinstance(queue, str) or not queue:
            raise InputError(f"{where}['queue'] must be a non-empty string, got {queue!r}")
        start = row.get("interval_start")
        if not isinstance(start, str) or _aware(start) is None:
            raise InputError(
                f"{where}['interval_start'] must be ISO 8601 with a UTC offset "
                f"(2020-03-16T08:15:00+01:00), got {start!r}"
            )
        queues.append(queue)
        starts.append(start)
        volume.append(_number(row.get("volume"), f"{where}['volume']", minimum=0.0))
        aht.append(_number(row.get("aht_seconds"), f"{where}['aht_seconds']", positive=True))
    interval_seconds = _number(params.get("interval_seconds"), "params['interval_seconds']")
    if interval_seconds not in _INTERVAL_SECONDS:
        raise InputError(
            f"params['interval_seconds'] must be 900, 1800 or 3600, got {interval_seconds!r}"
        )
    patience_raw = params.get("patience_seconds")
    patience = (
        None
        if patience_raw is None
        else _number(patience_raw, "params['patience_seconds']", positive=True)
    )
    model_raw = params.get("model")
    if model_raw is None:
        model = QueueModel.ERLANG_A if patience is not None else QueueModel.ERLANG_C
    else:
        try:
            model = QueueModel(str(model_raw))
        except ValueError:
            raise InputError(
                f"params['model'] must be one of {[m.value for m in QueueModel]}, got {model_raw!r}"
            ) from None
    if model is QueueModel.ERLANG_A and patience is None:
        raise InputError("Erlang A needs params['patience_seconds'] (callers' mean patience)")
    chunk_raw = params.get("chunk_intervals", 500)
    if not isinstance(chunk_raw, int) or isinstance(chunk_raw, bool) or chunk_raw < 1:
        raise InputError(
            f"params['chunk_intervals'] must be a whole number >= 1, got {chunk_raw!r}"
        )
    return _Request(
        queues=queues,
        starts=starts,
        volume=np.asarray(volume, dtype=np.float64),
        aht_seconds=np.asarray(aht, dtype=np.float64),
        interval_seconds=interval_seconds,
        target=_target(params.get("target")),
        model=model,
        patience_seconds=patience,
        chunk=chunk_raw,
    )


def _target(raw: JSON) -> ServiceTarget:
    if raw is None:
        return ServiceTarget()
    if not isinstance(raw, dict):
        raise InputError(f"params['target'] must be an object, got {raw!r}")
    unknown = sorted(set(raw) - _TARGET_FIELDS)
    if unknown:
        raise InputError(
            f"unknown fields {unknown} in params['target']; "
            f"known: {', '.join(sorted(_TARGET_FIELDS))}"
        )

    def number_or(name: str, default: float | None) -> float | None:
        value = raw.get(name)
        return default if value is None else _number(value, f"params['target'][{name!r}]")

    definition_raw = raw.get("definition", ServiceLevelDefinition.OFFERED.value)
    try:
        definition = ServiceLevelDefinition(str(definition_raw))
    except ValueError:
        raise InputError(
            f"params['target']['definition'] must be one of "
            f"{[d.value for d in ServiceLevelDefinition]}, got {definition_raw!r}"
        ) from None
    caps = ("max_asa_seconds", "max_abandon_rate", "max_occupancy")
    # 80/20 unless the caller set service_level (null: none) or gave only other targets.
    default_level = None if any(raw.get(name) is not None for name in caps) else 0.8
    return ServiceTarget(
        service_level=number_or("service_level", None) if "service_level" in raw else default_level,
        answer_within_seconds=number_or("answer_within_seconds", 20.0) or 0.0,
        definition=definition,
        max_asa_seconds=number_or("max_asa_seconds", None),
        max_abandon_rate=number_or("max_abandon_rate", None),
        max_occupancy=number_or("max_occupancy", None),
        short_abandon_seconds=number_or("short_abandon_seconds", 5.0) or 0.0,
    )


def _number(value: JSON, where: str, *, minimum: float = 0.0, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{where} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number < minimum or (positive and number <= 0.0):
        bound = "> 0" if positive else f">= {minimum:g}"
        raise InputError(f"{where} must be a finite number {bound}, got {value!r}")
    return number


def _aware(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None
