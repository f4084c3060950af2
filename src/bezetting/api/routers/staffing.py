"""``/staffing``: agents needed for given intervals (a calculator; stores nothing)."""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from bezetting.core.queueing import (
    QueueModel,
    ServiceLevelDefinition,
    ServiceTarget,
    offered_load,
    required_agents,
)

__all__ = ["router"]

router = APIRouter(prefix="/staffing", tags=["staffing"])

# Bounds far beyond any contact centre, so that the engine never meets a number whose powers
# overflow a float: a million contacts per interval, handle times and waits up to a week, at
# least a second of handle time and patience. Volumes below a millionth of a contact count as
# none: the engine's series meet subnormal floats there (found by the schemathesis run).
MAX_VOLUME = 1_000_000.0
MIN_VOLUME = 1e-6
MAX_SECONDS = 7 * 86_400.0
MIN_SECONDS = 1.0


class TargetIn(BaseModel):
    """What the staffing must achieve; every target given must hold."""

    model_config = ConfigDict(extra="forbid")

    service_level: Annotated[float, Field(ge=0, lt=1)] | None = 0.8
    answer_within_seconds: Annotated[float, Field(ge=0, le=MAX_SECONDS)] = 20.0
    definition: ServiceLevelDefinition = ServiceLevelDefinition.OFFERED
    max_asa_seconds: Annotated[float, Field(gt=0, le=MAX_SECONDS)] | None = None
    max_abandon_rate: Annotated[float, Field(gt=0, le=1)] | None = None
    max_occupancy: Annotated[float, Field(gt=0, le=1)] | None = None


class StaffingRequest(BaseModel):
    """Intervals of one queue (or several with one target) to staff."""

    model_config = ConfigDict(extra="forbid")

    volume: Annotated[
        list[Annotated[float, Field(ge=0, le=MAX_VOLUME)]], Field(min_length=1, max_length=100_000)
    ]
    aht_seconds: Annotated[
        list[Annotated[float, Field(ge=MIN_SECONDS, le=MAX_SECONDS)]],
        Field(min_length=1, max_length=100_000),
    ]
    interval_seconds: Literal[900, 1800, 3600] = 1800
    target: TargetIn = TargetIn()
    model: QueueModel = QueueModel.ERLANG_C
    patience_seconds: Annotated[float, Field(ge=MIN_SECONDS, le=MAX_SECONDS)] | None = None

    @model_validator(mode="after")
    def _aht_fits_volume(self) -> StaffingRequest:
        if len(self.aht_seconds) not in (1, len(self.volume)):
            raise ValueError(
                f"aht_seconds must have one value or one per interval ({len(self.volume)}), "
                f"got {len(self.aht_seconds)}"
            )
        return self


class StaffingResponse(BaseModel):
    """Per interval: agents (whole and fractional) and what they deliver."""

    model: QueueModel
    agents: list[int]
    agents_fractional: list[float]
    binding_target: list[str]
    service_level: list[float]
    asa_seconds: list[float | None]
    abandon_rate: list[float]
    occupancy: list[float]


@router.post("", response_model=StaffingResponse, summary="Agents needed per interval")
def staff(request: StaffingRequest) -> StaffingResponse:
    """Fewest agents per interval meeting the target, by Erlang C or Erlang A."""
    volume = np.asarray(request.volume)
    volume = np.where(volume < MIN_VOLUME, 0.0, volume)
    aht = np.broadcast_to(np.asarray(request.aht_seconds), volume.shape)
    load = offered_load(volume, aht_seconds=aht, interval_seconds=float(request.interval_seconds))
    t = request.target
    result = required_agents(
        load,
        aht_seconds=aht,
        target=ServiceTarget(
            service_level=t.service_level,
            answer_within_seconds=t.answer_within_seconds,
            definition=t.definition,
            max_asa_seconds=t.max_asa_seconds,
            max_abandon_rate=t.max_abandon_rate,
            max_occupancy=t.max_occupancy,
        ),
        model=request.model,
        patience_seconds=request.patience_seconds,
    )
    m = result.metrics
    return StaffingResponse(
        model=result.model,
        agents=[int(v) for v in result.agents],
        agents_fractional=[float(v) for v in result.agents_fractional],
        binding_target=[str(v) for v in result.binding],
        service_level=[float(v) for v in m.service_level(t.definition)],
        asa_seconds=[float(v) if np.isfinite(v) else None for v in m.asa_seconds],
        abandon_rate=[float(v) for v in m.abandon_rate],
        occupancy=[float(v) for v in m.occupancy],
    )
