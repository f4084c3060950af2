"""``/queues``: staff see every queue; a client viewer only its client's; an agent none."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from bezetting.api.deps import Caller, Context
from bezetting.api.routers.users import ID
from bezetting.services.access import QueueView, visible_queue, visible_queues

__all__ = ["QueueOut", "router"]

router = APIRouter(prefix="/queues", tags=["queues"])


class QueueOut(BaseModel):
    """A queue with its service target."""

    id: int
    client_id: int
    code: str
    name: str
    channel: str
    service_target_share: float
    service_target_seconds: float

    @classmethod
    def of(cls, q: QueueView) -> QueueOut:
        return cls(
            id=q.id,
            client_id=q.client_id,
            code=q.code,
            name=q.name,
            channel=q.channel,
            service_target_share=q.service_target_share,
            service_target_seconds=q.service_target_seconds,
        )


@router.get("", response_model=list[QueueOut], summary="Queues the caller may see")
def queues(who: Caller, context: Context) -> list[QueueOut]:
    return [QueueOut.of(q) for q in visible_queues(context.sessions, who)]


@router.get("/{queue_id}", response_model=QueueOut, summary="One queue")
def queue(queue_id: ID, who: Caller, context: Context) -> QueueOut:
    return QueueOut.of(visible_queue(context.sessions, who, queue_id))
