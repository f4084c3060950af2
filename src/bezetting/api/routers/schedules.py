"""``/schedules``: a planner lists the organisation's schedules and publishes a draft.

Schedules are built by the ``schedule`` job (``POST /jobs``) or on the planning page; these
routes let a script or an integration publish one without the page, on the same terms: at the
version the caller saw (a newer one answers 409 ``conflict``), never over another published
shift of the same agent (409 ``overlapping_shifts``), and, with ``replace_published``, in place
of the published shifts of its period that have not started. Never on an agent's approved time
off: such a shift of the draft is left out into the draft "<schedule> (given back)" and listed
in the answer's ``left_out`` (a draft whose every shift would be is refused, 409
``shifts_on_time_off``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from bezetting.api.deps import Context, require_roles
from bezetting.api.routers.users import ID
from bezetting.services.errors import NotFoundError
from bezetting.services.overview import ScheduleSummary, schedule_summaries
from bezetting.services.schedules import LeftOutShift, publish_schedule
from bezetting.services.users import Principal
from bezetting.store.enums import Role

__all__ = ["PublishIn", "PublishedOut", "router"]

router = APIRouter(prefix="/schedules", tags=["schedules"])
Planner = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.PLANNER))]


class PublishIn(BaseModel):
    """Publish at ``version``; ``replace_published`` puts it in place of the published shifts
    of its period that have not started (they move to a draft, pending swaps on them end)."""

    model_config = ConfigDict(extra="forbid")

    version: Annotated[int, Field(ge=1)]
    replace_published: bool = False


@dataclass(frozen=True, kw_only=True)
class PublishedOut(ScheduleSummary):
    """The schedule as published, and the shifts of the draft left out of it: each on its
    agent's approved time off (named), now in the draft ``given_back_schedule_id``."""

    left_out: tuple[LeftOutShift, ...] = ()


@router.get("", response_model=list[ScheduleSummary], summary="The organisation's schedules")
def schedules(who: Planner, context: Context) -> list[ScheduleSummary]:
    return schedule_summaries(context.sessions, who)


@router.post("/{schedule_id}/publish", response_model=PublishedOut, summary="Publish a draft")
def publish(schedule_id: ID, body: PublishIn, who: Planner, context: Context) -> PublishedOut:
    if schedule_id not in {s.id for s in schedule_summaries(context.sessions, who)}:
        raise NotFoundError(f"no schedule with id {schedule_id}")
    published = publish_schedule(
        context.sessions,
        schedule_id,
        expected_version=body.version,
        now=context.clock(),
        replace_published=body.replace_published,
    )
    after = next(s for s in schedule_summaries(context.sessions, who) if s.id == schedule_id)
    return PublishedOut(**vars(after), left_out=published.left_out)
