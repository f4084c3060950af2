"""``/swaps``: an agent offers a shift, a colleague takes it, a planner or team lead approves.

Taking and approving check the Dutch labour rules for both agents; a swap that breaks one
answers 422 ``swap_breaks_labour_rules`` with one detail per violation (agent, rule, measured,
limit, unit). The life of a swap and the rules: :mod:`bezetting.services.swaps`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from bezetting.api.deps import Caller, Context, require_roles
from bezetting.api.routers.users import ID
from bezetting.services.swaps import (
    SwapView,
    accept_swap,
    decide_swap,
    offer_swap,
    visible_swaps,
    withdraw_swap,
)
from bezetting.services.users import Principal
from bezetting.store.enums import Role

__all__ = ["AcceptIn", "OfferIn", "SwapDecisionIn", "SwapOut", "router"]

router = APIRouter(prefix="/swaps", tags=["swaps"])
AgentCaller = Annotated[Principal, Depends(require_roles(Role.AGENT))]
Approver = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.PLANNER, Role.TEAM_LEAD))]
_DB_INT = Field(ge=1, le=2**31 - 1)


class OfferIn(BaseModel):
    """Offer one of my published shifts that has not started."""

    model_config = ConfigDict(extra="forbid")

    shift_id: Annotated[int, _DB_INT]
    note: Annotated[str, Field(max_length=400)] | None = None


class AcceptIn(BaseModel):
    """Take the offered shift; optionally give one of my shifts in return."""

    model_config = ConfigDict(extra="forbid")

    shift_in_return_id: Annotated[int, _DB_INT] | None = None


class SwapDecisionIn(BaseModel):
    """Approve (with the schedule version shown on the swap) or reject."""

    model_config = ConfigDict(extra="forbid")

    approve: bool
    schedule_version: Annotated[int, _DB_INT] | None = None


class SwapOut(BaseModel):
    """A swap: ``stage`` is open, accepted, approved, rejected or withdrawn."""

    id: int
    stage: str
    offered_by_agent_id: int
    shift_id: int
    starts_at: datetime
    ends_at: datetime
    schedule_id: int
    schedule_version: int
    taken_by_agent_id: int | None
    shift_in_return_id: int | None
    note: str | None
    created_at: datetime
    decided_at: datetime | None

    @classmethod
    def of(cls, view: SwapView) -> SwapOut:
        return cls(
            id=view.id,
            stage=view.stage.value,
            offered_by_agent_id=view.offered_by_agent_id,
            shift_id=view.shift_id,
            starts_at=view.starts_at,
            ends_at=view.ends_at,
            schedule_id=view.schedule_id,
            schedule_version=view.schedule_version,
            taken_by_agent_id=view.taken_by_agent_id,
            shift_in_return_id=view.shift_in_return_id,
            note=view.note,
            created_at=view.created_at,
            decided_at=view.decided_at,
        )


@router.get("", response_model=list[SwapOut], summary="Swaps the caller may see")
def swaps(who: Caller, context: Context) -> list[SwapOut]:
    """Staff: every swap of the organisation. An agent: their own offers, the offers they
    took, and the open offers they may take."""
    return [SwapOut.of(s) for s in visible_swaps(context.sessions, who, now=context.clock())]


@router.post("", response_model=SwapOut, status_code=201, summary="Offer one of my shifts")
def offer(body: OfferIn, who: AgentCaller, context: Context) -> SwapOut:
    view = offer_swap(
        context.sessions, who, shift_id=body.shift_id, note=body.note, now=context.clock()
    )
    return SwapOut.of(view)


@router.post("/{swap_id}/accept", response_model=SwapOut, summary="Take an offered shift")
def accept(swap_id: ID, body: AcceptIn, who: AgentCaller, context: Context) -> SwapOut:
    """Checked against the labour rules for both agents (422 when a rule breaks)."""
    view = accept_swap(
        context.sessions,
        who,
        swap_id,
        shift_in_return_id=body.shift_in_return_id,
        now=context.clock(),
    )
    return SwapOut.of(view)


@router.post("/{swap_id}/withdraw", response_model=SwapOut, summary="Withdraw my offer")
def withdraw(swap_id: ID, who: AgentCaller, context: Context) -> SwapOut:
    return SwapOut.of(withdraw_swap(context.sessions, who, swap_id, now=context.clock()))


@router.post("/{swap_id}/decision", response_model=SwapOut, summary="Approve or reject a swap")
def decide(swap_id: ID, body: SwapDecisionIn, who: Approver, context: Context) -> SwapOut:
    """Approving moves the shifts in the published schedule, if it is still at
    ``schedule_version`` (409 otherwise) and the labour rules still hold (422 otherwise)."""
    view = decide_swap(
        context.sessions,
        who,
        swap_id,
        approve=body.approve,
        schedule_version=body.schedule_version,
        now=context.clock(),
    )
    return SwapOut.of(view)
