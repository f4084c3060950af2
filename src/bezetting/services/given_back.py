"""Shifts given back: out of their schedule into its draft "<schedule> (given back)".

Approved time off gives a shift back, whichever way the shift and the time off meet: approving
the time off takes the agent's published shifts out (:mod:`bezetting.services.requests`), and
publishing a draft leaves out its shifts on approved time off
(:mod:`bezetting.services.schedules`). Both go through :func:`give_back`, so a given-back shift
ends up in the same place, kept for the planner and never shown to agents. The draft records the
planning settings its schedule was built with (``built_with``), as its shifts were built by them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bezetting.store import Session, queries
from bezetting.store.enums import RequestKind, RequestStatus, ScheduleStatus
from bezetting.store.models import Request, Schedule, Shift

__all__ = ["GIVEN_BACK_SUFFIX", "give_back", "withdraw_pending_swaps"]

GIVEN_BACK_SUFFIX = " (given back)"


def withdraw_pending_swaps(
    session: Session, shift_ids: Sequence[int], *, now: datetime, by_user_id: int | None
) -> None:
    """Cancel the pending swaps that name any of the shifts, which are leaving their published
    schedule (decided by ``by_user_id``; None when no one decided, as for a replaced schedule)."""
    for swap in session.query(Request).filter(
        Request.kind == RequestKind.SWAP,
        Request.status == RequestStatus.PENDING,
        Request.shift_id.in_(shift_ids) | Request.counterpart_shift_id.in_(shift_ids),
    ):
        swap.status = RequestStatus.CANCELLED
        swap.decided_at = now
        swap.decided_by_user_id = by_user_id


def _given_back_name(source: Schedule) -> str:
    """The draft's name: the schedule's with the suffix (once: a "(given back)" draft that is
    published gives its shifts back to a draft of the same name)."""
    if source.name.endswith(GIVEN_BACK_SUFFIX):
        return source.name
    return source.name[: 200 - len(GIVEN_BACK_SUFFIX)] + GIVEN_BACK_SUFFIX


def give_back(
    session: Session, shift_ids: Sequence[int], *, now: datetime, by_user_id: int | None
) -> dict[int, Schedule]:
    """Take the shifts out of their schedules into each schedule's "(given back)" draft (made
    when missing, never the schedule itself), and withdraw the pending swaps that named them
    (decided by ``by_user_id``). Returns the draft each shift went to, by shift id."""
    if not shift_ids:
        return {}
    withdraw_pending_swaps(session, shift_ids, now=now, by_user_id=by_user_id)
    shifts = session.query(Shift).filter(Shift.id.in_(shift_ids)).all()
    went_to: dict[int, Schedule] = {}
    for source_id in sorted({s.schedule_id for s in shifts}):
        source = session.get(Schedule, source_id)
        assert source is not None  # the shifts were read through it
        kept = (
            session.query(Schedule)
            .filter(
                Schedule.organisation_id == source.organisation_id,
                Schedule.status == ScheduleStatus.DRAFT,
                Schedule.name == _given_back_name(source),
                Schedule.id != source.id,
            )
            .order_by(Schedule.id)
            .first()
        )
        if kept is None:
            kept = Schedule(
                organisation_id=source.organisation_id,
                name=_given_back_name(source),
                period_start=source.period_start,
                period_end=source.period_end,
                status=ScheduleStatus.DRAFT,
                created_at=now,
                updated_at=now,
                built_with=None if source.built_with is None else dict(source.built_with),
            )
            session.add(kept)
            session.flush()
        else:
            if kept.built_with is None and source.built_with is not None:
                kept.built_with = dict(source.built_with)  # a draft kept from before 0.7
            queries.touch_schedule(kept, now)
        for shift in shifts:
            if shift.schedule_id == source_id:
                shift.schedule = kept
                went_to[shift.id] = kept
        queries.touch_schedule(source, now)
    session.flush()
    return went_to
