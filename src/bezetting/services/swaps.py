"""Shift swaps: an agent offers a published shift, a colleague takes it, a planner approves.

The life of a swap (a ``requests`` row of kind ``swap``)::

    offer ──► open ──accept──► accepted ──approve──► approved (the shifts change owner)
               │                  │
               └──withdraw────────┴──► withdrawn        accepted ──reject──► rejected

Accepting and approving both check the labour rules: each agent's schedule after the swap,
with their published shifts around it (52 weeks before, 17 after, from every published
schedule), goes through :func:`bezetting.core.schedule.validate` with the organisation's rule
pack (the Dutch one with its stored overrides, :mod:`bezetting.services.planning_settings`). A
swap is refused (:class:`SwapRefusedError`, naming agent, rule and figures) when it adds a
violation or makes one worse; what was already wrong before the swap (a short break in the
shift itself, say) does not block it. Falling under the contract's minimum hours is left to the
approver: giving a shift away is what a swap is for. A shift that would go to an agent after
their last day employed (their end date) is refused the same way, as rule
:data:`EMPLOYMENT_ENDED`, before any labour rule is checked. Every swap needs approval by a
planner, an admin or the agents' team lead; there is no auto-approval, so a person always sees
the change.

An agent sees only their own data: when taking an offer is refused, the refusal keeps the
taker's own violations and says of the colleague only, in one neutral sentence
(:data:`COLLEAGUE_CANNOT_TAKE`), that the swap does not work for them; the approvers, who see
both agents, get every violation. A missing skill is named once per skill, not once per block
of work that needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bezetting.core import schedule as core
from bezetting.core.errors import BezettingError, ConflictError, InputError
from bezetting.services.access import (
    STAFF_ROLES,
    ShiftView,
    agent_ids_in_reach,
    published_shifts,
    reaches_agent,
)
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.planning_settings import read_planning_settings
from bezetting.services.users import Principal
from bezetting.store import Session, SessionFactory, queries, transaction
from bezetting.store.enums import (
    ActivityKind,
    AvailabilityKind,
    RequestKind,
    RequestStatus,
    Role,
    ScheduleStatus,
)
from bezetting.store.models import (
    Activity,
    Agent,
    AgentSkill,
    Availability,
    Organisation,
    Request,
    Schedule,
    Shift,
    Skill,
    User,
)

__all__ = [
    "COLLEAGUE_CANNOT_TAKE",
    "EMPLOYMENT_ENDED",
    "AboveMaximum",
    "SwapDecidedError",
    "SwapRefusedError",
    "SwapStage",
    "SwapView",
    "SwapViolation",
    "accept_swap",
    "decide_swap",
    "offer_swap",
    "offers_above_maximum",
    "own_shifts_overlapping",
    "returns_that_fit",
    "visible_swaps",
    "withdraw_swap",
]

_BEFORE = timedelta(weeks=52)  # the free-Sundays rule looks back 52 weeks
_AFTER = timedelta(weeks=17)  # 16-week averages that touch the planning weeks
_NOT_BLOCKING = frozenset({core.Rule.CONTRACT_MIN})
_SHIFT_OWN_RULES = frozenset(  # properties of the shift itself, whoever works it
    {
        core.Rule.SHIFT_MAX_WORK,
        core.Rule.BREAK_TOO_SHORT,
        core.Rule.BREAK_PART_TOO_SHORT,
        core.Rule.BREAK_AT_EDGE,
        core.Rule.STRUCTURE,
        core.Rule.CLOSED,
    }
)


class SwapStage(StrEnum):
    """Where a swap stands."""

    OPEN = "open"
    ACCEPTED = "accepted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, kw_only=True)
class SwapViolation:
    """A labour rule one agent would break after the swap, with the figures; a missing skill
    names the skill (``skill``: its code, ``skill_name``: as the organisation calls it)."""

    agent_id: int
    agent: str
    rule: str
    at: datetime
    measured: float
    limit: float
    unit: str
    message: str
    skill: str | None = None
    skill_name: str | None = None


COLLEAGUE_CANNOT_TAKE = "your colleague cannot take this swap"
"""What a taker learns when the swap fails for the colleague: no figures, no reasons."""


class SwapRefusedError(BezettingError):
    """The swap would break a labour rule; ``violations`` names each (agent, rule, figures).

    ``colleague_cannot_take`` is set in the refusal an agent gets (:meth:`seen_by`): the
    colleague's violations are left out and only :data:`COLLEAGUE_CANNOT_TAKE` is said of them.
    """

    code = "swap_breaks_labour_rules"

    def __init__(
        self, violations: Sequence[SwapViolation], *, colleague_cannot_take: bool = False
    ) -> None:
        self.violations = tuple(violations)
        self.colleague_cannot_take = colleague_cannot_take
        parts = [
            f"agent {v.agent}: {v.rule} at {v.at.isoformat()}: {v.message}" for v in self.violations
        ]
        if colleague_cannot_take:
            parts.append(COLLEAGUE_CANNOT_TAKE)
        super().__init__("the swap breaks the labour rules: " + "; ".join(parts))

    def seen_by(self, agent_id: int) -> SwapRefusedError:
        """The refusal as agent ``agent_id`` may see it: their own violations in full, the
        colleague's as the one neutral sentence."""
        own = [v for v in self.violations if v.agent_id == agent_id]
        others = len(own) < len(self.violations) or self.colleague_cannot_take
        return SwapRefusedError(own, colleague_cannot_take=others)


class SwapDecidedError(ConflictError):
    """The swap was decided (or withdrawn) before this decision came: a stale page.

    Names the swap's ``stage`` now and, where stored, when (``decided_at``) and by whom
    (``decided_by``, the user's e-mail; None when a published schedule withdrew it).
    """

    def __init__(
        self,
        swap_id: int,
        stage: SwapStage,
        *,
        decided_at: datetime | None,
        decided_by: str | None,
    ) -> None:
        self.swap_id = swap_id
        self.stage = stage
        self.decided_at = decided_at
        self.decided_by = decided_by
        by = f" by {decided_by}" if decided_by is not None else ""
        when = f" at {decided_at.isoformat()}" if decided_at is not None else ""
        super().__init__(f"swap {swap_id} was {stage.value} already{by}{when}")


@dataclass(frozen=True, kw_only=True)
class SwapView:
    """A swap as its parties and approvers see it; ``schedule_version`` is what to approve."""

    id: int
    stage: SwapStage
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
    # the times of the shift that goes back in return, when one does: part of the swap itself,
    # so its parties and approvers see what goes back without seeing the colleague's schedule
    return_starts_at: datetime | None = None
    return_ends_at: datetime | None = None


def offer_swap(
    sessions: SessionFactory, who: Principal, *, shift_id: int, now: datetime, note: str | None
) -> SwapView:
    """The calling agent offers one of their published shifts that has not started.

    Raises:
        PermissionDeniedError: the caller is not an agent.
        NotFoundError: no such published shift of the caller.
        InputError: the shift has started; the note is too long.
        ConflictError: the shift is offered already.
    """
    me = _agent_of(who)
    if note is not None and len(note) > 400:
        raise InputError("the note is longer than 400 characters")
    with transaction(sessions, writes=True) as session:
        shift = _published_shift(session, who, shift_id)
        if shift is None or shift.agent_id != me:
            raise NotFoundError(f"no published shift with id {shift_id} of yours")
        _not_started(shift, now)
        if _pending_swaps_of(session, [shift.id]):
            raise ConflictError(f"shift {shift_id} is offered for a swap already")
        request = Request(
            agent_id=me,
            kind=RequestKind.SWAP,
            status=RequestStatus.PENDING,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            reason=note,
            shift_id=shift.id,
            created_at=now,
        )
        session.add(request)
        session.flush()
        return _view(session, request)


def visible_swaps(sessions: SessionFactory, who: Principal, *, now: datetime) -> list[SwapView]:
    """Staff see the swaps whose every agent they reach (a team lead with a team: swaps within
    the team, see :mod:`bezetting.services.access`); an agent their own, those they took, and the
    open offers they may take (a colleague's shift that has not started, whose skills they have,
    and that overlaps none of their approved time off or declared unavailability: taking such
    a shift would be refused, so it is not offered; taking still checks every rule).

    Raises:
        PermissionDeniedError: a client viewer.
    """
    if who.role is Role.CLIENT_VIEWER:
        raise PermissionDeniedError("client viewers do not see swaps")
    with transaction(sessions) as session:
        swaps = (
            session.query(Request)
            .join(Agent, Request.agent_id == Agent.id)
            .filter(Agent.organisation_id == who.organisation_id, Request.kind == RequestKind.SWAP)
            .order_by(Request.id)
            .all()
        )
        if who.role in STAFF_ROLES:
            reach = agent_ids_in_reach(session, who)
            named = ((r, {r.agent_id, r.counterpart_agent_id} - {None}) for r in swaps)
            return [_view(session, r) for r, agents in named if agents <= reach]
        me = who.agent_id if who.agent_id is not None else -1
        mine_or_taken = [r for r in swaps if me in (r.agent_id, r.counterpart_agent_id)]
        takeable = [
            r
            for r in swaps
            if _stage(r) is SwapStage.OPEN
            and r.agent_id != me
            and r.starts_at is not None
            and r.starts_at > now
            and _has_skills_for(session, me, r.shift_id)
            and _free_for(session, me, r)
            and _employed_for(session, me, r)
        ]
        chosen = {r.id: r for r in [*mine_or_taken, *takeable]}
        return [_view(session, chosen[i]) for i in sorted(chosen)]


def accept_swap(
    sessions: SessionFactory,
    who: Principal,
    swap_id: int,
    *,
    shift_in_return_id: int | None,
    now: datetime,
) -> SwapView:
    """The calling agent takes an open offer, optionally giving one of their shifts back.

    Raises:
        PermissionDeniedError: the caller is not an agent.
        NotFoundError: no open offer the caller may take; no such shift of theirs to return.
        InputError: the caller's own offer; a shift has started.
        ConflictError: someone took the offer first, or a shift changed owner meanwhile.
        SwapDecidedError: the offer was withdrawn (or decided) meanwhile, with when.
        SwapRefusedError: the swap breaks a labour rule for one of the two agents; the
            colleague's violations are left out (:meth:`SwapRefusedError.seen_by`).
        UnreadableSettingsError: the stored planning settings no longer parse.
    """
    me = _agent_of(who)
    with transaction(sessions, writes=True) as session:
        request = _swap(session, who, swap_id)
        stage = _stage(request)
        if stage is SwapStage.ACCEPTED:
            raise ConflictError(f"swap {swap_id} was taken by someone else just now")
        if stage is not SwapStage.OPEN:  # who decided is not the taker's to know
            raise SwapDecidedError(swap_id, stage, decided_at=request.decided_at, decided_by=None)
        if request.agent_id == me:
            raise InputError("you cannot take your own offer")
        offered = _owned_shift(session, who, request.shift_id, request.agent_id)
        _not_started(offered, now)
        if not _has_skills_for(session, me, offered.id):
            raise NotFoundError(f"no open swap with id {swap_id} that you may take")
        returned = None
        if shift_in_return_id is not None:
            returned = _published_shift(session, who, shift_in_return_id)
            if returned is None or returned.agent_id != me:
                raise NotFoundError(f"no published shift with id {shift_in_return_id} of yours")
            _not_started(returned, now)
            if _pending_swaps_of(session, [returned.id]):
                raise ConflictError(f"shift {shift_in_return_id} is offered for a swap already")
        try:
            _check_labour_rules(session, who.organisation_id, offered, returned, taker=me)
        except SwapRefusedError as refused:
            raise refused.seen_by(me) from None
        taken = (
            session.query(Request)
            .filter(Request.id == swap_id, Request.counterpart_agent_id.is_(None))
            .update(
                {
                    Request.counterpart_agent_id: me,
                    Request.counterpart_shift_id: shift_in_return_id,
                },
                synchronize_session="fetch",
            )
        )
        if taken != 1:
            raise ConflictError(f"swap {swap_id} was taken by someone else just now")
        return _view(session, request)


def own_shifts_overlapping(
    sessions: SessionFactory, who: Principal, offers: Sequence[SwapView], *, now: datetime
) -> dict[int, ShiftView]:
    """Per offer (by swap id), the caller's own published, not-started shift it overlaps.

    Taking such an offer with nothing in return is refused (two shifts at once), yet taking it
    while giving that shift back is a real swap, so the offer stays listed and the page says
    so. Only times are compared (no labour-rule check): cheap enough for every open offer.
    Offers that overlap none of the caller's shifts are left out.

    Raises:
        PermissionDeniedError: the caller is not linked to an agent.
    """
    if who.agent_id is None:
        raise PermissionDeniedError("only an agent has shifts of their own")
    if not offers:
        return {}
    own = published_shifts(
        sessions,
        who,
        starts_from=max(now, min(o.starts_at for o in offers)),
        ends_before=max(o.ends_at for o in offers),
    )
    upcoming = sorted((s for s in own if s.starts_at > now), key=lambda s: (s.starts_at, s.id))
    overlapping: dict[int, ShiftView] = {}
    for offer in offers:
        for shift in upcoming:
            if shift.id != offer.shift_id and (
                shift.starts_at < offer.ends_at and offer.starts_at < shift.ends_at
            ):
                overlapping[offer.id] = shift
                break
    return overlapping


@dataclass(frozen=True, kw_only=True)
class AboveMaximum:
    """Taking an offer for nothing would bring the taker's working time in its planning week
    (from ``week_start``, local) to ``minutes_after``, above their contract's ``max_minutes``."""

    week_start: date
    minutes_after: int
    max_minutes: int


def offers_above_maximum(
    sessions: SessionFactory, who: Principal, offers: Sequence[SwapView]
) -> dict[int, AboveMaximum]:
    """Per offer (by swap id) that taking for nothing would bring the calling agent above the
    maximum weekly hours of their contract: their published working time in the offer's
    planning week (as the labour-rule check counts it: the span less breaks, weeks aligned on
    the offered shift's schedule) plus the offered shift's.

    A cheap pre-check (one read of the agent's shifts, no validation), so that every listed
    offer can say so before the agent tries: the full check on taking takes some tenths of a
    second per offer. Such an offer can still be taken by giving a shift of that week in
    return, which :func:`returns_that_fit` checks in full. Offers within the maximum are left
    out.

    Raises:
        PermissionDeniedError: the caller is not an agent.
    """
    me = _agent_of(who)
    if not offers:
        return {}
    with transaction(sessions) as session:
        agent = session.get(Agent, me)
        org = session.get(Organisation, who.organisation_id)
        assert agent is not None
        assert org is not None
        tz = ZoneInfo(org.timezone)
        max_minutes = _contract(agent).max_minutes_per_week
        weeks: dict[int, tuple[date, datetime, datetime, int]] = {}
        for offer in offers:
            offered = session.get(Shift, offer.shift_id)
            if offered is None:
                continue
            anchor = offered.schedule.period_start
            day = offered.starts_at.astimezone(tz).date()
            first = anchor + timedelta(weeks=(day - anchor).days // 7)
            start = datetime.combine(first, time(0), tzinfo=tz)
            end = datetime.combine(first + timedelta(days=7), time(0), tzinfo=tz)
            weeks[offer.id] = (first, start, end, _work_minutes(offered))
        if not weeks:
            return {}
        own = _published_shifts_of(
            session,
            org.id,
            [me],
            ends_after=min(start for _, start, _, _ in weeks.values()),
            starts_before=max(end for _, _, end, _ in weeks.values()),
        )
        worked = [(s.starts_at, _work_minutes(s)) for s in own]
        above: dict[int, AboveMaximum] = {}
        for swap_id, (first, start, end, offered_minutes) in weeks.items():
            after = offered_minutes + sum(m for at, m in worked if start <= at < end)
            if after > max_minutes:
                above[swap_id] = AboveMaximum(
                    week_start=first, minutes_after=after, max_minutes=max_minutes
                )
        return above


def returns_that_fit(
    sessions: SessionFactory,
    who: Principal,
    swap_ids: Sequence[int],
    *,
    shift_ids: Sequence[int],
    now: datetime,
) -> dict[int, list[int]]:
    """For each open offer the calling agent may take, the shifts of ``shift_ids`` (their own)
    that taking it would accept in return, so that the agent is offered only swaps that work.

    Each pair goes through the same labour-rule check as :func:`accept_swap`, for both agents;
    why a shift is left out is not said (it may be about the colleague). Costs one check per
    offer and shift, some tens of milliseconds each. Offers the agent may not take map to [].

    Raises:
        PermissionDeniedError: the caller is not an agent.
        UnreadableSettingsError: the stored planning settings no longer parse.
    """
    me = _agent_of(who)
    fitting: dict[int, list[int]] = {}
    with transaction(sessions) as session:
        busy = {
            shift_id
            for r in _pending_swaps_of(session, shift_ids)
            for shift_id in (r.shift_id, r.counterpart_shift_id)
        }
        own = [
            shift
            for shift in (_published_shift(session, who, i) for i in shift_ids)
            if shift is not None
            and shift.agent_id == me
            and shift.starts_at > now
            and shift.id not in busy
        ]
        for swap_id in swap_ids:
            fitting[swap_id] = []
            request = session.get(Request, swap_id)
            if request is None or request.kind is not RequestKind.SWAP:
                continue
            offered = _published_shift(session, who, request.shift_id)
            if (
                _stage(request) is not SwapStage.OPEN
                or request.agent_id == me
                or offered is None
                or offered.agent_id != request.agent_id
                or offered.starts_at <= now
                or not _has_skills_for(session, me, offered.id)
            ):
                continue
            loaded: dict[_WeeksKey, _Weeks] = {}  # one read per planning weeks, not per shift
            for returned in own:
                if not _has_skills_for(session, request.agent_id, returned.id):
                    continue  # what the check would refuse, known without running it
                try:
                    _check_labour_rules(
                        session, who.organisation_id, offered, returned, taker=me, loaded=loaded
                    )
                except (SwapRefusedError, InputError):
                    continue
                fitting[swap_id].append(returned.id)
    return fitting


def decide_swap(
    sessions: SessionFactory,
    who: Principal,
    swap_id: int,
    *,
    approve: bool,
    now: datetime,
    schedule_version: int | None = None,
) -> SwapView:
    """A planner, admin or the agents' team lead approves or rejects an accepted swap.

    Approving checks the labour rules again on the schedules as they are now and moves the
    shifts to their new owners in the same transaction, against ``schedule_version`` of the
    offered shift's schedule; pending swaps of either shift are withdrawn.

    Raises:
        PermissionDeniedError: an agent or client viewer.
        NotFoundError: no such swap in reach (a team lead reaches their team's agents).
        InputError: approving without ``schedule_version``; a shift has started.
        SwapDecidedError: the swap was approved, rejected or withdrawn already (by whom, when).
        ConflictError: the swap is still open; the schedule is not at ``schedule_version``;
            a shift changed owner meanwhile.
        SwapRefusedError: the swap breaks a labour rule now.
        UnreadableSettingsError: the stored planning settings no longer parse.
    """
    if who.role not in STAFF_ROLES:
        raise PermissionDeniedError("only a planner, an admin or a team lead decides swaps")
    if approve and schedule_version is None:
        raise InputError("approving a swap needs the schedule's version (schedule_version)")
    with transaction(sessions, writes=True) as session:
        request = _swap(session, who, swap_id)
        _check_team_reach(session, who, request)
        stage = _stage(request)
        if stage in (SwapStage.APPROVED, SwapStage.REJECTED, SwapStage.WITHDRAWN):
            decider = (
                session.get(User, request.decided_by_user_id)
                if request.decided_by_user_id is not None
                else None
            )
            raise SwapDecidedError(
                swap_id,
                stage,
                decided_at=request.decided_at,
                decided_by=decider.email if decider is not None else None,
            )
        if stage is not SwapStage.ACCEPTED:
            raise ConflictError(f"swap {swap_id} is {stage.value}, not accepted")
        request.decided_at = now
        request.decided_by_user_id = who.user_id
        if not approve:
            request.status = RequestStatus.REJECTED
            return _view(session, request)
        assert request.counterpart_agent_id is not None
        offered = _owned_shift(session, who, request.shift_id, request.agent_id)
        returned = None
        if request.counterpart_shift_id is not None:
            returned = _owned_shift(
                session, who, request.counterpart_shift_id, request.counterpart_agent_id
            )
        for shift in (offered, returned):
            if shift is not None:
                _not_started(shift, now)
        schedule = offered.schedule
        if schedule.version != schedule_version:
            raise ConflictError(
                f"schedule {schedule.id} is at version {schedule.version}, not "
                f"{schedule_version}: it changed since you looked; reload and decide again"
            )
        _check_labour_rules(
            session, who.organisation_id, offered, returned, taker=request.counterpart_agent_id
        )
        offered.agent_id = request.counterpart_agent_id
        if returned is not None:
            returned.agent_id = request.agent_id
        for touched in {s.schedule for s in (offered, returned) if s is not None}:
            queries.touch_schedule(touched, now)
        request.status = RequestStatus.APPROVED
        for other in _pending_swaps_of(session, [s.id for s in (offered, returned) if s]):
            if other.id != request.id:
                other.status = RequestStatus.CANCELLED
                other.decided_at = now
                other.decided_by_user_id = who.user_id
        session.flush()
        return _view(session, request)


def withdraw_swap(
    sessions: SessionFactory, who: Principal, swap_id: int, *, now: datetime
) -> SwapView:
    """The agent who offered a shift withdraws the offer (open or accepted, not yet decided).

    Raises:
        NotFoundError: no such swap of the caller.
        ConflictError: the swap was decided already.
    """
    me = _agent_of(who)
    with transaction(sessions, writes=True) as session:
        request = _swap(session, who, swap_id)
        if request.agent_id != me:
            raise NotFoundError(f"no swap with id {swap_id} of yours")
        if _stage(request) not in (SwapStage.OPEN, SwapStage.ACCEPTED):
            raise ConflictError(f"swap {swap_id} is {_stage(request).value} already")
        request.status = RequestStatus.CANCELLED
        request.decided_at = now
        request.decided_by_user_id = who.user_id
        return _view(session, request)


# --- reading and checking the stored swap ---------------------------------------------------


def _agent_of(who: Principal) -> int:
    if who.role is not Role.AGENT or who.agent_id is None:
        raise PermissionDeniedError("only an agent offers, takes or withdraws swaps")
    return who.agent_id


def _stage(request: Request) -> SwapStage:
    if request.status is RequestStatus.APPROVED:
        return SwapStage.APPROVED
    if request.status is RequestStatus.REJECTED:
        return SwapStage.REJECTED
    if request.status is RequestStatus.CANCELLED:
        return SwapStage.WITHDRAWN
    return SwapStage.OPEN if request.counterpart_agent_id is None else SwapStage.ACCEPTED


def _swap(session: Session, who: Principal, swap_id: int) -> Request:
    request = session.get(Request, swap_id)
    agent = session.get(Agent, request.agent_id) if request is not None else None
    if (
        request is None
        or request.kind is not RequestKind.SWAP
        or agent is None
        or agent.organisation_id != who.organisation_id
    ):
        raise NotFoundError(f"no swap with id {swap_id}")
    return request


def _check_team_reach(session: Session, who: Principal, request: Request) -> None:
    """The decider reaches both agents of the swap (:mod:`bezetting.services.access`: a team
    lead with a team, that team's)."""
    for agent_id in (request.agent_id, request.counterpart_agent_id):
        if agent_id is not None and not reaches_agent(session, who, agent_id):
            raise NotFoundError(f"no swap with id {request.id} in your team")


def _published_shift(session: Session, who: Principal, shift_id: int | None) -> Shift | None:
    shift = session.get(Shift, shift_id) if shift_id is not None else None
    if shift is None:
        return None
    schedule = shift.schedule
    if (
        schedule.organisation_id != who.organisation_id
        or schedule.status is not ScheduleStatus.PUBLISHED
    ):
        return None
    return shift


def _owned_shift(session: Session, who: Principal, shift_id: int | None, owner: int) -> Shift:
    shift = _published_shift(session, who, shift_id)
    if shift is None or shift.agent_id != owner:
        raise ConflictError(
            f"shift {shift_id} is no longer published as it was when the swap was agreed; the "
            "swap cannot go ahead (withdraw or reject it)"
        )
    return shift


def _not_started(shift: Shift, now: datetime) -> None:
    if shift.starts_at <= now:
        raise InputError(
            f"shift {shift.id} started at {shift.starts_at.isoformat()}; only shifts that "
            "have not started can be swapped"
        )


def _pending_swaps_of(session: Session, shift_ids: Iterable[int]) -> list[Request]:
    ids = list(shift_ids)
    return (
        session.query(Request)
        .filter(
            Request.kind == RequestKind.SWAP,
            Request.status == RequestStatus.PENDING,
            Request.shift_id.in_(ids) | Request.counterpart_shift_id.in_(ids),
        )
        .all()
    )


def _skill_codes(session: Session, agent_id: int) -> frozenset[str]:
    rows = (
        session.query(Skill.code)
        .join(AgentSkill, AgentSkill.skill_id == Skill.id)
        .filter(AgentSkill.agent_id == agent_id)
        .all()
    )
    return frozenset(code for (code,) in rows)


def _has_skills_for(session: Session, agent_id: int, shift_id: int | None) -> bool:
    shift = session.get(Shift, shift_id) if shift_id is not None else None
    if shift is None:
        return False
    needed = {a.skill_id for a in shift.activities if a.skill_id is not None}
    if not needed:
        return True
    have = {
        skill_id
        for (skill_id,) in session.query(AgentSkill.skill_id)
        .filter(AgentSkill.agent_id == agent_id)
        .all()
    }
    return needed <= have


def _free_for(session: Session, agent_id: int, request: Request) -> bool:
    """Whether the offered shift lies outside the agent's approved time off and declared
    unavailability (what the labour-rule check on taking would refuse as unavailability)."""
    shift = session.get(Shift, request.shift_id) if request.shift_id is not None else None
    if shift is None:
        return False
    return not _unavailable(session, agent_id, shift.starts_at, shift.ends_at)


def _employed_for(session: Session, agent_id: int, request: Request) -> bool:
    """Whether the offered shift's day is on or before the agent's last day employed (taking a
    later one is refused as :data:`EMPLOYMENT_ENDED`, so a leaver is not offered it)."""
    agent = session.get(Agent, agent_id)
    if agent is None or agent.end_date is None or request.starts_at is None:
        return True
    organisation = session.get(Organisation, agent.organisation_id)
    tz = ZoneInfo(organisation.timezone if organisation is not None else "Europe/Amsterdam")
    return request.starts_at.astimezone(tz).date() <= agent.end_date


def _view(session: Session, request: Request) -> SwapView:
    shift = session.get(Shift, request.shift_id)
    assert shift is not None  # a swap always names its shift (offer_swap)
    returned = (
        session.get(Shift, request.counterpart_shift_id)
        if request.counterpart_shift_id is not None
        else None
    )
    return SwapView(
        id=request.id,
        stage=_stage(request),
        offered_by_agent_id=request.agent_id,
        shift_id=shift.id,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        schedule_id=shift.schedule_id,
        schedule_version=shift.schedule.version,
        taken_by_agent_id=request.counterpart_agent_id,
        shift_in_return_id=request.counterpart_shift_id,
        note=request.reason,
        created_at=request.created_at,
        decided_at=request.decided_at,
        return_starts_at=returned.starts_at if returned is not None else None,
        return_ends_at=returned.ends_at if returned is not None else None,
    )


# --- the labour-rule check: stored shifts -> core.schedule values -> validate --------------


def _check_labour_rules(
    session: Session,
    organisation_id: int,
    offered: Shift,
    returned: Shift | None,
    *,
    taker: int,
    loaded: dict[_WeeksKey, _Weeks] | None = None,
) -> None:
    """Raise SwapRefusedError when the swap adds a violation, or worsens one, for either agent.

    The planning weeks (aligned on the offered shift's schedule period) that hold the swapped
    shifts are validated shift by shift; every other published shift of the two agents in the
    52 weeks before and 17 after counts as earlier or later work. ``loaded`` keeps what was read
    and validated for those weeks, for the next check of the same two agents in one transaction.
    """
    giver = offered.agent_id
    org = session.get(Organisation, organisation_id)
    assert org is not None
    tz = ZoneInfo(org.timezone)
    new_owner = {offered: taker} | ({returned: giver} if returned is not None else {})
    gone = _after_last_day(session, tz, new_owner)
    if gone:
        raise SwapRefusedError(gone)
    days = [s.starts_at.astimezone(tz).date() for s in (offered, returned) if s is not None]
    anchor = offered.schedule.period_start
    first_day = anchor + timedelta(weeks=(min(days) - anchor).days // 7)
    weeks = (max(days) - first_day).days // 7 + 1
    if weeks > 6:
        raise InputError("the two shifts lie more than 6 weeks apart; swap them in two steps")
    weeks_key = (giver, taker, first_day, weeks)
    at_stake = loaded.get(weeks_key) if loaded is not None else None
    if at_stake is None:
        at_stake = _load_weeks(
            session, org, giver=giver, taker=taker, first_day=first_day, weeks=weeks
        )
        if loaded is not None:
            loaded[weeks_key] = at_stake
    agents = at_stake.agents
    swapped = {offered.id: taker} | ({returned.id: giver} if returned is not None else {})
    after_problem, after_plan = at_stake.problem_and_plan(swapped)
    worse = _new_or_worse(at_stake.before, core.validate(after_problem, after_plan))
    if worse:
        by_code = {a.id: (agent_id, a.name) for agent_id, a in agents.items()}
        skill_names = {
            s.code: s.name for s in session.query(Skill).filter_by(organisation_id=org.id)
        }
        needs = _skill_needed_at(after_plan)
        violations: dict[tuple[object, ...], SwapViolation] = {}
        for v in worse:
            skill = needs.get((v.agent_id, v.at.timestamp())) if v.rule is core.Rule.SKILL else None
            # A missing skill once per skill, not once per block of work that needs it.
            key: tuple[object, ...] = (
                (v.agent_id, v.rule, skill) if v.rule is core.Rule.SKILL else (v,)
            )
            violations.setdefault(
                key,
                SwapViolation(
                    agent_id=by_code[v.agent_id][0],
                    agent=f"{v.agent_id} ({by_code[v.agent_id][1]})",
                    rule=v.rule.value,
                    at=v.at,
                    measured=v.measured,
                    limit=v.limit,
                    unit=v.unit,
                    message=v.message,
                    skill=skill,
                    skill_name=skill_names.get(skill, skill) if skill is not None else None,
                ),
            )
        raise SwapRefusedError(list(violations.values()))


EMPLOYMENT_ENDED = "employment_ended"
"""The rule of a swap that gives a shift to an agent after their last day employed."""


def _after_last_day(
    session: Session, tz: ZoneInfo, new_owner: dict[Shift, int]
) -> list[SwapViolation]:
    """A violation for each shift the swap would give to an agent after their end date (the
    last day employed, inclusive, in the organisation's local days)."""
    found = []
    for shift, agent_id in new_owner.items():
        agent = session.get(Agent, agent_id)
        day = shift.starts_at.astimezone(tz).date()
        if agent is None or agent.end_date is None or day <= agent.end_date:
            continue
        found.append(
            SwapViolation(
                agent_id=agent.id,
                agent=f"{agent.external_id} ({agent.name})",
                rule=EMPLOYMENT_ENDED,
                at=shift.starts_at,
                measured=float((day - agent.end_date).days),
                limit=0.0,
                unit="days",
                message=f"the shift on {day.isoformat()} is after the last day employed, "
                f"{agent.end_date.isoformat()}",
            )
        )
    return found


_WeeksKey = tuple[int, int, date, int]
"""The giver, the taker, the first day and the number of the planning weeks a check reads."""


@dataclass(frozen=True)
class _Weeks:
    """The planning weeks a swap touches, as read once: the two agents, how to build the plan
    with any owners of the shifts, and the violations before the swap."""

    agents: dict[int, core.Agent]
    problem_and_plan: Callable[[dict[int, int]], tuple[core.Problem, core.Schedule]]
    before: Sequence[core.Violation]


def _published_shifts_of(
    session: Session,
    organisation_id: int,
    agent_ids: Sequence[int],
    *,
    ends_after: datetime,
    starts_before: datetime,
) -> list[Shift]:
    """The agents' shifts in the organisation's published schedules that overlap the time."""
    return (
        session.query(Shift)
        .join(Schedule, Shift.schedule_id == Schedule.id)
        .filter(
            Schedule.organisation_id == organisation_id,
            Schedule.status == ScheduleStatus.PUBLISHED,
            Shift.agent_id.in_(agent_ids),
            Shift.ends_at > ends_after,
            Shift.starts_at < starts_before,
        )
        .all()
    )


def _load_weeks(
    session: Session, org: Organisation, *, giver: int, taker: int, first_day: date, weeks: int
) -> _Weeks:
    """Read the two agents' published shifts around the planning weeks and validate them as
    they are."""
    tz = ZoneInfo(org.timezone)
    start = datetime.combine(first_day, time(0), tzinfo=tz)
    end = datetime.combine(first_day + timedelta(weeks=weeks), time(0), tzinfo=tz)
    agent_ids = [giver, taker]
    shifts = _published_shifts_of(
        session, org.id, agent_ids, ends_after=start - _BEFORE, starts_before=end + _AFTER
    )
    skills = {s.id: s.code for s in session.query(Skill).filter_by(organisation_id=org.id)}
    stored: dict[int, list[Activity]] = {s.id: [] for s in shifts}
    for activity in session.query(Activity).filter(Activity.shift_id.in_(list(stored))):
        stored[activity.shift_id].append(activity)
    blocks = {shift_id: _core_activities(acts, skills) for shift_id, acts in stored.items()}
    horizon = core.Horizon(first_day=first_day, days=7 * weeks, timezone=org.timezone)
    agents = {a: _core_agent(session, a, start=start, end=end) for a in (giver, taker)}
    planned = [s for s in shifts if start <= s.starts_at < end]
    around = [s for s in shifts if not start <= s.starts_at < end]
    groups = {sk.group for a in agents.values() for sk in a.skills} | set(skills.values())
    skill_groups = tuple(core.SkillGroup(g, (core.TimeWindow(start, end),)) for g in sorted(groups))
    settings = read_planning_settings(session, org.id)

    def problem_and_plan(owner_of: dict[int, int]) -> tuple[core.Problem, core.Schedule]:
        def works(shift: Shift, agent_id: int) -> bool:
            return owner_of.get(shift.id, shift.agent_id) == agent_id

        core_agents = tuple(
            replace(
                agent,
                prior_work=tuple(
                    core.WorkPeriod(
                        core.TimeWindow(s.starts_at, s.ends_at),
                        break_minutes=sum(
                            b.minutes for b in blocks[s.id] if b.kind is core.ActivityKind.BREAK
                        ),
                    )
                    for s in around
                    if works(s, agent_id)
                ),
            )
            for agent_id, agent in agents.items()
        )
        plan = core.Schedule(
            tuple(
                core.Shift(
                    agent_id=agents[owner_of.get(s.id, s.agent_id)].id,
                    start=s.starts_at,
                    end=s.ends_at,
                    activities=blocks[s.id],
                )
                for s in planned
            )
        )
        problem = core.Problem(
            horizon=horizon,
            skill_groups=skill_groups,
            demand=(),
            agents=core_agents,
            shifts=(),
            rules=settings.rule_pack,
            breaks=settings.break_policy,  # the validator ignores it; it must fit the pack
        )
        return problem, plan

    return _Weeks(
        agents=agents,
        problem_and_plan=problem_and_plan,
        before=core.validate(*problem_and_plan({})),
    )


def _skill_needed_at(plan: core.Schedule) -> dict[tuple[str, float], str]:
    """The skill group of each block of work by (agent, start): what a skill violation at that
    moment is missing."""
    return {
        (shift.agent_id, activity.start.timestamp()): activity.skill_group
        for shift in plan.shifts
        for activity in shift.activities
        if activity.kind is core.ActivityKind.WORK and activity.skill_group
    }


def _new_or_worse(
    before: Sequence[core.Violation], after: Sequence[core.Violation]
) -> list[core.Violation]:
    def key(v: core.Violation) -> tuple[str, str, datetime]:
        return ("" if v.rule in _SHIFT_OWN_RULES else v.agent_id, v.rule.value, v.at)

    known: dict[tuple[str, str, datetime], float] = {}
    for v in before:
        known[key(v)] = max(known.get(key(v), 0.0), abs(v.measured - v.limit))
    return [
        v
        for v in after
        if v.rule not in _NOT_BLOCKING
        and (key(v) not in known or abs(v.measured - v.limit) > known[key(v)])
    ]


def _unavailable(
    session: Session, agent_id: int, start: datetime, end: datetime
) -> tuple[core.TimeWindow, ...]:
    """Approved time off and declared unavailability that overlap the planning weeks."""
    windows = [
        (r.starts_at, r.ends_at)
        for r in session.query(Request).filter(
            Request.agent_id == agent_id,
            Request.kind == RequestKind.TIME_OFF,
            Request.status == RequestStatus.APPROVED,
            Request.starts_at < end,
            Request.ends_at > start,
        )
    ]
    windows += [
        (a.starts_at, a.ends_at)
        for a in session.query(Availability).filter(
            Availability.agent_id == agent_id,
            Availability.kind == AvailabilityKind.UNAVAILABLE,
            Availability.starts_at < end,
            Availability.ends_at > start,
        )
    ]
    return tuple(core.TimeWindow(s, e) for s, e in windows if s is not None and e is not None)


def _contract(agent: Agent) -> core.Contract:
    def minutes(hours: float) -> int:
        return round(hours * 60)

    return core.Contract(
        min_minutes_per_week=minutes(agent.contract_hours_min),
        target_minutes_per_week=minutes(agent.contract_hours_target),
        max_minutes_per_week=minutes(agent.contract_hours_max),
    )


def _work_minutes(shift: Shift) -> int:
    """The shift's working time as the labour rules count it: the span less its breaks."""
    blocks = _core_activities(shift.activities, {})
    plan = core.Shift(agent_id="", start=shift.starts_at, end=shift.ends_at, activities=blocks)
    return plan.work_minutes


def _core_agent(session: Session, agent_id: int, *, start: datetime, end: datetime) -> core.Agent:
    """The agent's contract, skills and unavailability; their work is added per check."""
    agent = session.get(Agent, agent_id)
    assert agent is not None
    return core.Agent(
        id=agent.external_id,
        name=agent.name,
        contract=_contract(agent),
        skills=tuple(core.Skill(code) for code in sorted(_skill_codes(session, agent.id))),
        unavailable=_unavailable(session, agent.id, start, end),
    )


_KINDS = {
    ActivityKind.CONTACT_WORK: core.ActivityKind.WORK,
    ActivityKind.BREAK: core.ActivityKind.BREAK,
    ActivityKind.LUNCH: core.ActivityKind.BREAK,
}  # training, meeting and coaching are paid work away from the queues: events


def _core_activities(
    activities: Sequence[Activity], skills: dict[int, str]
) -> tuple[core.Activity, ...]:
    return tuple(
        core.Activity(
            _KINDS.get(a.kind, core.ActivityKind.EVENT),
            a.starts_at,
            a.ends_at,
            skill_group=skills.get(a.skill_id, "") if a.skill_id is not None else "",
            label=a.kind.value,
        )
        for a in sorted(activities, key=lambda a: a.starts_at)
    )
