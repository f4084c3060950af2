"""Compute staffing requirements from a stored forecast and the queue's service targets.

Which formula depends on the queue's channel (all from :mod:`bezetting.core.queueing`):

* voice and callback: Erlang C, or Erlang A when the queue has a patience (then a maximum
  abandonment share is honoured too);
* chat: the same on chat slots, ``chat_concurrency`` slots per agent;
* e-mail: a constant staffing while open that finishes the target share within the queue's
  deadline, with the backlog carried over (:func:`~bezetting.core.queueing.backlog_staffing`).

The requirement stores its method and every input (so each figure can be traced), and per
interval the whole and fractional agents, gross agents when a shrinkage is given, and the
service predicted at the whole number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from bezetting.core.errors import InputError
from bezetting.core.queueing import (
    QueueModel,
    ServiceTarget,
    backlog_staffing,
    chat_required_agents,
    gross_from_net,
    offered_load,
    required_agents,
)
from bezetting.services._opening import queue_opening_hours
from bezetting.store import SessionFactory, transaction
from bezetting.store import planning_queries as plan_queries
from bezetting.store.enums import Channel
from bezetting.store.models import Forecast, Queue, Requirement
from bezetting.store.planning_queries import RequirementIntervalValues

__all__ = ["RequirementRef", "StaffingFigures", "compute_requirements", "staffing_for"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, kw_only=True)
class RequirementRef:
    """A stored requirement and the figures a planner sees with it.

    Attributes:
        method: the formula (``erlang-c``, ``erlang-a``, ``chat-erlang-c``, ``email-backlog``).
        peak_agents: the most agents needed in one interval (net of shrinkage).
        agent_hours: the fractional agents summed over the horizon, in hours.
        peak_gross_agents: the most gross agents in one interval, when a shrinkage was given.
    """

    id: int
    queue_id: int
    queue: str
    forecast_id: int
    method: str
    intervals: int
    peak_agents: int
    agent_hours: float
    peak_gross_agents: float | None


@dataclass(frozen=True, eq=False)
class StaffingFigures:
    """Per interval: whole and fractional agents and the service predicted at ``agents``."""

    method: str
    agents: NDArray[np.int64]
    agents_fractional: FloatArray
    service_level: FloatArray
    asa_seconds: FloatArray
    abandon_rate: FloatArray
    occupancy: FloatArray
    inputs: dict[str, object]


def _target(queue: Queue, *, erlang_a: bool) -> ServiceTarget:
    if queue.max_abandon_share is not None and not erlang_a:
        raise InputError(
            f"queue {queue.code!r} has a maximum abandonment share but no patience: set "
            "patience_seconds so that Erlang A can predict abandonment"
        )
    return ServiceTarget(
        service_level=queue.service_target_share,
        answer_within_seconds=queue.service_target_seconds,
        max_abandon_rate=queue.max_abandon_share if erlang_a else None,
    )


def staffing_for(
    queue: Queue,
    *,
    volume: FloatArray,
    aht_seconds: FloatArray,
    interval_minutes: int,
    open_intervals: NDArray[np.bool_],
) -> StaffingFigures:
    """The queue's staffing per interval for this volume and handle time (no I/O).

    Raises:
        InputError: a target does not fit the channel, or a value is out of range; the
            message names the queue.
    """
    interval_seconds = 60.0 * interval_minutes
    try:
        if queue.channel is Channel.EMAIL:
            return _email(
                queue,
                volume,
                aht_seconds,
                interval_seconds=interval_seconds,
                is_open=open_intervals,
            )
        erlang_a = queue.patience_seconds is not None
        model = QueueModel.ERLANG_A if erlang_a else QueueModel.ERLANG_C
        target = _target(queue, erlang_a=erlang_a)
        load = offered_load(volume, aht_seconds=aht_seconds, interval_seconds=interval_seconds)
        inputs: dict[str, object] = {
            "model": model.value,
            "service_level": target.service_level,
            "answer_within_seconds": target.answer_within_seconds,
            "max_abandon_rate": target.max_abandon_rate,
            "patience_seconds": queue.patience_seconds,
            "interval_seconds": interval_seconds,
        }
        if queue.channel is Channel.CHAT:
            chat = chat_required_agents(
                load,
                aht_seconds=aht_seconds,
                concurrency=queue.chat_concurrency,
                target=target,
                model=model,
                patience_seconds=queue.patience_seconds,
            )
            m = chat.slots.metrics
            inputs["chat_concurrency"] = queue.chat_concurrency
            return StaffingFigures(
                method=f"chat-{model.value}",
                agents=chat.agents,
                agents_fractional=chat.agents_fractional,
                service_level=m.service_level(target.definition),
                asa_seconds=m.asa_seconds,
                abandon_rate=m.abandon_rate,
                occupancy=m.occupancy,
                inputs=inputs,
            )
        result = required_agents(
            load,
            aht_seconds=aht_seconds,
            target=target,
            model=model,
            patience_seconds=queue.patience_seconds,
        )
        m = result.metrics
        return StaffingFigures(
            method=model.value,
            agents=result.agents,
            agents_fractional=result.agents_fractional,
            service_level=m.service_level(target.definition),
            asa_seconds=m.asa_seconds,
            abandon_rate=m.abandon_rate,
            occupancy=m.occupancy,
            inputs=inputs,
        )
    except InputError as exc:
        raise InputError(f"queue {queue.code!r}: {exc}") from exc


def _email(
    queue: Queue,
    volume: FloatArray,
    aht_seconds: FloatArray,
    *,
    interval_seconds: float,
    is_open: NDArray[np.bool_],
) -> StaffingFigures:
    if queue.email_deadline_seconds is None:
        raise InputError("an e-mail queue needs email_deadline_seconds (e.g. 86400 for 24 h)")
    total = float(volume.sum())
    aht = float(np.average(aht_seconds, weights=volume)) if total > 0 else float(aht_seconds.mean())
    plan = backlog_staffing(
        volume,
        open_intervals=is_open,
        interval_seconds=interval_seconds,
        aht_seconds=aht,
        deadline_seconds=queue.email_deadline_seconds,
        target_share=queue.service_target_share,
    )
    agents = plan.agents
    fractional = np.where(is_open, plan.agents_fractional, 0.0)
    work = volume * aht / interval_seconds
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(agents > 0, np.minimum(work / np.maximum(agents, 1), 1.0), np.nan)
    n = volume.shape[0]
    return StaffingFigures(
        method="email-backlog",
        agents=agents,
        agents_fractional=fractional,
        service_level=np.full(n, plan.share_within_deadline),
        asa_seconds=np.full(n, np.nan),
        abandon_rate=np.full(n, np.nan),
        occupancy=occupancy,
        inputs={
            "model": "email-backlog",
            "target_share": queue.service_target_share,
            "deadline_seconds": queue.email_deadline_seconds,
            "aht_seconds": aht,
            "interval_seconds": interval_seconds,
        },
    )


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def compute_requirements(
    sessions: SessionFactory,
    *,
    forecast_id: int,
    now: datetime,
    shrinkage: float | None = None,
    organisation_id: int | None = None,
) -> RequirementRef:
    """Agents needed per interval of a stored forecast, stored as a new requirement.

    Args:
        forecast_id: the forecast to staff.
        now: stored as the requirement's creation time.
        shrinkage: share of paid time not on contacts beyond scheduled breaks (absence,
            meetings); when given, gross agents = net / (1 - shrinkage) are stored too.
            Queues and organisations have no shrinkage column yet.
        organisation_id: when given, the forecast's queue must belong to it.

    Raises:
        InputError: unknown forecast, or the queue's targets do not fit its channel.
    """
    if shrinkage is not None and not 0.0 <= shrinkage < 1.0:
        raise InputError(f"shrinkage must be at least 0 and below 1, got {shrinkage!r}")
    with transaction(sessions, writes=True) as session:
        forecast = session.get(Forecast, forecast_id)
        if forecast is None:
            raise InputError(f"no forecast with id {forecast_id}")
        queue = session.get(Queue, forecast.queue_id)
        if queue is None or organisation_id not in (None, queue.organisation_id):
            raise InputError(f"no forecast with id {forecast_id}")
        rows = plan_queries.forecast_intervals(session, forecast_id)
        if not rows:
            raise InputError(f"forecast {forecast_id} has no intervals")
        starts = np.array([int(r.interval_start.timestamp()) for r in rows], dtype=np.int64).astype(
            "datetime64[s]"
        )
        hours = queue_opening_hours(session, queue.id)
        is_open = hours.open_mask(starts, timezone=queue.timezone)
        volume = np.array([r.volume for r in rows], dtype=np.float64)
        aht = np.array([r.aht_seconds for r in rows], dtype=np.float64)
        figures = staffing_for(
            queue,
            volume=volume,
            aht_seconds=aht,
            interval_minutes=forecast.interval_minutes,
            open_intervals=is_open,
        )
        gross = (
            None
            if shrinkage is None
            else gross_from_net(figures.agents_fractional, shrinkage=shrinkage)
        )
        requirement = Requirement(
            queue_id=queue.id,
            forecast_id=forecast_id,
            method=figures.method,
            inputs={
                **figures.inputs,
                "forecast_id": forecast_id,
                "forecast_version": forecast.version,
                "forecast_model": forecast.model,
                "shrinkage": shrinkage,
            },
            created_at=now,
        )
        session.add(requirement)
        session.flush()
        plan_queries.insert_requirement_intervals(
            session,
            [
                RequirementIntervalValues(
                    requirement_id=requirement.id,
                    interval_start=row.interval_start,
                    agents=int(figures.agents[i]),
                    agents_fractional=float(figures.agents_fractional[i]),
                    gross_agents_fractional=None if gross is None else float(gross[i]),
                    service_level=_finite(figures.service_level[i]),
                    asa_seconds=_finite(figures.asa_seconds[i]),
                    abandon_rate=_finite(figures.abandon_rate[i]),
                    occupancy=_finite(figures.occupancy[i]),
                )
                for i, row in enumerate(rows)
            ],
        )
        return RequirementRef(
            id=requirement.id,
            queue_id=queue.id,
            queue=queue.code,
            forecast_id=forecast_id,
            method=figures.method,
            intervals=len(rows),
            peak_agents=int(figures.agents.max()),
            agent_hours=float(figures.agents_fractional.sum()) * forecast.interval_minutes / 60,
            peak_gross_agents=None if gross is None else float(gross.max()),
        )
