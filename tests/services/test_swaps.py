"""Shift swaps: offered, taken, approved; refused when a labour rule would break."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from bezetting.core.errors import ConflictError, InputError
from bezetting.services.absence import request_time_off
from bezetting.services.errors import NotFoundError, PermissionDeniedError
from bezetting.services.imports import ImportOptions, import_agents
from bezetting.services.organisations import create_organisation
from bezetting.services.requests import decide_request
from bezetting.services.schedules import (
    ActivityPlan,
    ShiftPlan,
    create_schedule,
    publish_schedule,
    save_schedule_shifts,
)
from bezetting.services.swaps import (
    SwapDecidedError,
    SwapRefusedError,
    SwapStage,
    accept_swap,
    decide_swap,
    offer_swap,
    offers_above_maximum,
    own_shifts_overlapping,
    returns_that_fit,
    visible_swaps,
    withdraw_swap,
)
from bezetting.services.users import Principal
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import ActivityKind, Role, TokenScope
from bezetting.store.models import (
    Agent,
    AgentSkill,
    Organisation,
    Schedule,
    Shift,
    Skill,
    Team,
    User,
)
from tests.services.conftest import NOW

AMS = ZoneInfo("Europe/Amsterdam")
WEEK = date(2020, 3, 23)  # Monday; NOW is a week before

AGENTS_CSV = (
    "external_id,name,contract_hours,contract_hours_max,team,skills\n"
    "1001,Anouk de Vries,32,40,Noord,general\n"
    "1002,Bram Jansen,24,40,Noord,general;chat\n"
    "1003,Chris Smit,16,16,Zuid,general\n"
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Local time on day ``day`` (0 = Monday) of the swap week."""
    return datetime.combine(WEEK + timedelta(days=day), datetime.min.time(), AMS).replace(
        hour=hour, minute=minute
    )


@dataclass
class World:
    sessions: SessionFactory
    agents: dict[str, int]
    skills: dict[str, int]
    schedule_id: int
    shifts: dict[tuple[str, int], int]  # (agent, day) -> shift id

    def version(self) -> int:
        with transaction(self.sessions) as session:
            schedule = session.get(Schedule, self.schedule_id)
            assert schedule is not None
            return schedule.version

    def owner(self, shift_id: int) -> str:
        with transaction(self.sessions) as session:
            shift = session.get(Shift, shift_id)
            assert shift is not None
            return {v: k for k, v in self.agents.items()}[shift.agent_id]


def legal_shift(agent_id: int, start: datetime, *, skill_id: int | None = None) -> ShiftPlan:
    """8 h of work with a 30-minute break in the middle: legal on its own."""
    middle = start + timedelta(hours=4)
    end = start + timedelta(hours=8, minutes=30)
    return ShiftPlan(
        agent_id=agent_id,
        starts_at=start,
        ends_at=end,
        activities=(
            ActivityPlan(
                kind=ActivityKind.CONTACT_WORK, starts_at=start, ends_at=middle, skill_id=skill_id
            ),
            ActivityPlan(
                kind=ActivityKind.BREAK, starts_at=middle, ends_at=middle + timedelta(minutes=30)
            ),
            ActivityPlan(
                kind=ActivityKind.CONTACT_WORK,
                starts_at=middle + timedelta(minutes=30),
                ends_at=end,
                skill_id=skill_id,
            ),
        ),
    )


def build(sessions: SessionFactory, plans: dict[tuple[str, int], datetime | ShiftPlan]) -> World:
    """A published week with the given shifts, keyed by (agent, day)."""
    create_organisation(sessions, "gemeente", name="Gemeente Voorbeeld", now=NOW)
    import_agents(
        sessions,
        AGENTS_CSV.encode(),
        file_name="agents.csv",
        now=NOW,
        options=ImportOptions(organisation="gemeente"),
    )
    with transaction(sessions) as session:
        skills = {s.code: s.id for s in session.scalars(select(Skill))}
        agents = {a.external_id: a.id for a in session.scalars(select(Agent))}
    ref = create_schedule(
        sessions,
        name="week 13",
        period_start=WEEK,
        period_end=WEEK + timedelta(days=6),
        now=NOW,
        organisation="gemeente",
    )
    keys = list(plans)
    shifts = [
        p if isinstance(p, ShiftPlan) else legal_shift(agents[key[0]], p)
        for key, p in plans.items()
    ]
    ref = save_schedule_shifts(
        sessions, ref.id, expected_version=ref.version, shifts=shifts, now=NOW
    )
    publish_schedule(sessions, ref.id, expected_version=ref.version, now=NOW)
    with transaction(sessions) as session:
        rows = session.scalars(select(Shift).where(Shift.schedule_id == ref.id)).all()
        by_start = {(r.agent_id, r.starts_at): r.id for r in rows}
    ids = {key: by_start[(s.agent_id, s.starts_at)] for key, s in zip(keys, shifts, strict=True)}
    return World(sessions, agents, skills, ref.id, ids)


def person(
    world: World, role: Role, *, agent: str | None = None, team: str | None = None
) -> Principal:
    """A caller of the organisation (a user row without a usable password: no hashing cost)."""
    with transaction(world.sessions) as session:
        org = session.scalars(select(Organisation)).one()
        agent_row = session.get(Agent, world.agents[agent]) if agent is not None else None
        team_id = (
            session.scalars(select(Team.id).where(Team.name == team)).one()
            if team is not None
            else None
        )
        user = User(
            organisation_id=org.id,
            email=f"{role.value}-{agent or team or uuid.uuid4().hex[:8]}@example.nl",
            password_hash="-",
            role=role,
            agent_id=agent_row.id if agent_row is not None else None,
            team_id=agent_row.team_id if agent_row is not None else team_id,
            active=True,
            created_at=NOW,
        )
        session.add(user)
        session.flush()
        return Principal(
            user_id=user.id,
            organisation_id=org.id,
            organisation_code=org.code,
            email=user.email,
            role=role,
            scope=TokenScope.API,
            token_id=0,
            agent_id=user.agent_id,
            team_id=user.team_id,
        )


def test_a_colleague_takes_an_offered_shift_and_approval_moves_it(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 1): at(1, 8), ("1002", 0): at(0, 8)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    planner = person(world, Role.PLANNER)
    offered = world.shifts[("1001", 1)]

    swap = offer_swap(sessions, anouk, shift_id=offered, now=NOW, note="dentist")
    assert swap.stage is SwapStage.OPEN
    taken = accept_swap(sessions, bram, swap.id, shift_in_return_id=None, now=NOW)
    assert (taken.stage, taken.taken_by_agent_id) == (SwapStage.ACCEPTED, world.agents["1002"])
    assert world.owner(offered) == "1001"  # nothing moves before approval

    version = world.version()
    approved = decide_swap(
        sessions, planner, swap.id, approve=True, schedule_version=version, now=NOW
    )
    assert approved.stage is SwapStage.APPROVED
    assert world.owner(offered) == "1002"
    assert world.version() == version + 1


def test_a_swap_with_a_shift_in_return_changes_both_owners(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 1): at(1, 8), ("1002", 3): at(3, 8)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    lead = person(world, Role.TEAM_LEAD, team="Noord")
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    accept_swap(sessions, bram, swap.id, shift_in_return_id=world.shifts[("1002", 3)], now=NOW)
    decide_swap(sessions, lead, swap.id, approve=True, schedule_version=world.version(), now=NOW)
    assert world.owner(world.shifts[("1001", 1)]) == "1002"
    assert world.owner(world.shifts[("1002", 3)]) == "1001"


def test_taking_a_shift_that_leaves_too_little_rest_is_refused_naming_agent_rule_and_figures(
    sessions: SessionFactory,
) -> None:
    # Bram works Monday 14:30-23:00; Anouk's Tuesday shift starts 06:00: 7 h of rest, where
    # the law asks 11 h, shortened to no less than 8 h once a week (ATW 5:3).
    world = build(sessions, {("1002", 0): at(0, 14, 30), ("1001", 1): at(1, 6)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    with pytest.raises(SwapRefusedError, match="1002 \\(Bram Jansen\\): daily_rest") as refused:
        accept_swap(sessions, bram, swap.id, shift_in_return_id=None, now=NOW)
    [violation] = refused.value.violations
    assert (violation.agent_id, violation.rule) == (world.agents["1002"], "daily_rest")
    assert (violation.measured, violation.limit, violation.unit) == (7 * 60, 8 * 60, "minutes")
    assert refused.value.code == "swap_breaks_labour_rules"
    assert visible_swaps(sessions, anouk, now=NOW)[0].stage is SwapStage.OPEN


def test_taking_a_shift_over_the_contract_maximum_is_refused(sessions: SessionFactory) -> None:
    # Chris may work 16 h a week and works 16 h already (Monday, Wednesday).
    world = build(
        sessions,
        {("1003", 0): at(0, 8), ("1003", 2): at(2, 8), ("1001", 4): at(4, 8)},
    )
    anouk, chris = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1003")
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 4)], now=NOW, note=None)
    with pytest.raises(SwapRefusedError) as refused:
        accept_swap(sessions, chris, swap.id, shift_in_return_id=None, now=NOW)
    [violation] = refused.value.violations
    assert violation.rule == "contract_max_per_week"
    assert (violation.measured, violation.limit) == (24 * 60, 16 * 60)


def test_what_was_wrong_before_the_swap_does_not_block_it(sessions: SessionFactory) -> None:
    # 8 h of work without any break breaks the break rule whoever works it: not the swap's doing.
    world = build(sessions, {("1001", 1): at(1, 8)})
    no_break = ShiftPlan(
        agent_id=world.agents["1001"],
        starts_at=at(2, 8),
        ends_at=at(2, 16),
        activities=(
            ActivityPlan(kind=ActivityKind.CONTACT_WORK, starts_at=at(2, 8), ends_at=at(2, 16)),
        ),
    )
    ref = save_schedule_shifts(
        sessions,
        world.schedule_id,
        expected_version=world.version(),
        shifts=[legal_shift(world.agents["1001"], at(1, 8)), no_break],
        now=NOW,
    )
    with transaction(sessions) as session:
        shift_id = session.scalars(
            select(Shift.id).where(Shift.schedule_id == ref.id, Shift.starts_at == at(2, 8))
        ).one()
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    swap = offer_swap(sessions, anouk, shift_id=shift_id, now=NOW, note=None)
    assert accept_swap(sessions, bram, swap.id, shift_in_return_id=None, now=NOW).stage is (
        SwapStage.ACCEPTED
    )


def test_the_rules_are_checked_again_at_approval(sessions: SessionFactory) -> None:
    # Bram takes Anouk's Tuesday 06:00 and Chris's Monday 14:30 shift; each alone is legal.
    # Once the Monday swap is approved, the Tuesday one would leave him 7 h of rest.
    world = build(sessions, {("1001", 1): at(1, 6), ("1003", 0): at(0, 14, 30)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    chris, planner = person(world, Role.AGENT, agent="1003"), person(world, Role.PLANNER)
    tuesday = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    monday = offer_swap(sessions, chris, shift_id=world.shifts[("1003", 0)], now=NOW, note=None)
    accept_swap(sessions, bram, tuesday.id, shift_in_return_id=None, now=NOW)
    accept_swap(sessions, bram, monday.id, shift_in_return_id=None, now=NOW)
    decide_swap(
        sessions, planner, monday.id, approve=True, schedule_version=world.version(), now=NOW
    )
    with pytest.raises(SwapRefusedError, match="daily_rest"):
        decide_swap(
            sessions, planner, tuesday.id, approve=True, schedule_version=world.version(), now=NOW
        )
    assert world.owner(world.shifts[("1001", 1)]) == "1001"


def test_approving_against_a_stale_schedule_version_is_a_conflict(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 1): at(1, 8)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    planner = person(world, Role.PLANNER)
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    accept_swap(sessions, bram, swap.id, shift_in_return_id=None, now=NOW)
    with pytest.raises(ConflictError, match="version"):
        decide_swap(
            sessions, planner, swap.id, approve=True, schedule_version=world.version() - 1, now=NOW
        )
    assert world.owner(world.shifts[("1001", 1)]) == "1001"


def test_an_offer_needing_a_skill_is_invisible_and_untakeable_without_it(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 0): at(0, 8)})
    chat_shift = legal_shift(world.agents["1002"], at(2, 8), skill_id=world.skills["chat"])
    save_schedule_shifts(
        sessions,
        world.schedule_id,
        expected_version=world.version(),
        shifts=[legal_shift(world.agents["1001"], at(0, 8)), chat_shift],
        now=NOW,
    )
    with transaction(sessions) as session:
        shift_id = session.scalars(select(Shift.id).where(Shift.starts_at == at(2, 8))).one()
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    swap = offer_swap(sessions, bram, shift_id=shift_id, now=NOW, note=None)
    assert [s.id for s in visible_swaps(sessions, anouk, now=NOW)] == []
    with pytest.raises(NotFoundError):
        accept_swap(sessions, anouk, swap.id, shift_in_return_id=None, now=NOW)


def test_an_agent_sees_own_offers_and_takeable_ones_and_staff_see_all(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 1): at(1, 8), ("1002", 2): at(2, 8)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    mine = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    theirs = offer_swap(sessions, bram, shift_id=world.shifts[("1002", 2)], now=NOW, note=None)
    assert [s.id for s in visible_swaps(sessions, anouk, now=NOW)] == [mine.id, theirs.id]
    # Once started, a colleague's shift is no longer on offer to Anouk.
    later = at(2, 9)
    assert [s.id for s in visible_swaps(sessions, anouk, now=later)] == [mine.id]
    planner = person(world, Role.PLANNER)
    assert len(visible_swaps(sessions, planner, now=NOW)) == 2
    with pytest.raises(PermissionDeniedError):
        visible_swaps(sessions, person(world, Role.CLIENT_VIEWER), now=NOW)


def test_an_offer_is_taken_once_and_not_by_its_owner(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 1): at(1, 8)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    chris = person(world, Role.AGENT, agent="1003")
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    with pytest.raises(InputError, match="own offer"):
        accept_swap(sessions, anouk, swap.id, shift_in_return_id=None, now=NOW)
    accept_swap(sessions, bram, swap.id, shift_in_return_id=None, now=NOW)
    with pytest.raises(ConflictError, match=f"swap {swap.id} was taken by someone else"):
        accept_swap(sessions, chris, swap.id, shift_in_return_id=None, now=NOW)
    with pytest.raises(ConflictError, match="offered for a swap already"):
        offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)


def test_only_own_shifts_that_have_not_started_can_be_offered(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 1): at(1, 8), ("1002", 1): at(1, 8)})
    anouk = person(world, Role.AGENT, agent="1001")
    with pytest.raises(NotFoundError):
        offer_swap(sessions, anouk, shift_id=world.shifts[("1002", 1)], now=NOW, note=None)
    with pytest.raises(InputError, match="started"):
        offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=at(1, 9), note=None)
    with pytest.raises(PermissionDeniedError):
        offer_swap(
            sessions,
            person(world, Role.PLANNER),
            shift_id=world.shifts[("1001", 1)],
            now=NOW,
            note=None,
        )


def test_a_team_lead_decides_only_swaps_of_their_team(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 1): at(1, 8)})
    anouk, chris = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1003")
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    accept_swap(sessions, chris, swap.id, shift_in_return_id=None, now=NOW)  # Chris: team Zuid
    noord = person(world, Role.TEAM_LEAD, team="Noord")
    with pytest.raises(NotFoundError):
        decide_swap(sessions, noord, swap.id, approve=False, now=NOW)


def test_a_rejected_or_withdrawn_swap_moves_nothing(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 1): at(1, 8), ("1001", 2): at(2, 8)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    planner = person(world, Role.PLANNER)
    first = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    accept_swap(sessions, bram, first.id, shift_in_return_id=None, now=NOW)
    rejected = decide_swap(sessions, planner, first.id, approve=False, now=NOW)
    second = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 2)], now=NOW, note=None)
    withdrawn = withdraw_swap(sessions, anouk, second.id, now=NOW)
    assert (rejected.stage, withdrawn.stage) == (SwapStage.REJECTED, SwapStage.WITHDRAWN)
    assert world.owner(world.shifts[("1001", 1)]) == world.owner(world.shifts[("1001", 2)])
    with pytest.raises(ConflictError):
        decide_swap(sessions, planner, first.id, approve=True, schedule_version=1, now=NOW)


def test_a_swap_is_not_decided_as_a_plain_request(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 1): at(1, 8)})
    anouk = person(world, Role.AGENT, agent="1001")
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    with pytest.raises(InputError, match="swap decision"):
        decide_request(sessions, person(world, Role.PLANNER), swap.id, approve=True, now=NOW)


def test_an_agent_cannot_take_a_shift_during_their_approved_time_off(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 2): at(2, 8)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    leave = request_time_off(
        sessions, agent_id=world.agents["1002"], starts_at=at(2, 0), ends_at=at(3, 0), now=NOW
    )
    decide_request(sessions, person(world, Role.PLANNER), leave.id, approve=True, now=NOW)
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 2)], now=NOW, note=None)
    with pytest.raises(SwapRefusedError, match="1002 \\(Bram Jansen\\): unavailable"):
        accept_swap(sessions, bram, swap.id, shift_in_return_id=None, now=NOW)


def test_a_replan_that_replaces_an_offered_shift_withdraws_the_offer(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 2): at(2, 8)})
    anouk = person(world, Role.AGENT, agent="1001")
    offer = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 2)], now=NOW, note=None)
    replan = create_schedule(
        sessions,
        name="week 13, re-planned",
        period_start=WEEK,
        period_end=WEEK + timedelta(days=6),
        now=NOW,
        organisation="gemeente",
        shifts=[legal_shift(world.agents["1001"], at(3, 8))],
    )
    publish_schedule(
        sessions, replan.id, expected_version=replan.version, now=NOW, replace_published=True
    )
    (seen,) = visible_swaps(sessions, anouk, now=NOW)
    assert (seen.id, seen.stage) == (offer.id, SwapStage.WITHDRAWN)
    assert seen.starts_at == at(2, 8)  # the replaced shift is kept, in a draft


def _chat_shift(world: World, agent: str, day: int) -> int:
    """A published chat shift (two blocks of chat work) for ``agent`` on ``day``, in a schedule
    of its own; its id."""
    chat = legal_shift(world.agents[agent], at(day, 8), skill_id=world.skills["chat"])
    ref = create_schedule(
        world.sessions,
        name=f"chat {agent} {day}",
        period_start=WEEK,
        period_end=WEEK + timedelta(days=6),
        now=NOW,
        organisation="gemeente",
        shifts=[chat],
    )
    publish_schedule(world.sessions, ref.id, expected_version=ref.version, now=NOW)
    with transaction(world.sessions) as session:
        return session.scalars(select(Shift.id).where(Shift.schedule_id == ref.id)).one()


def test_an_agent_refused_sees_their_own_reasons_and_of_the_colleague_only_that_it_fails(
    sessions: SessionFactory,
) -> None:
    # Bram works Monday until 23:00, so Chris's Tuesday 06:00 shift leaves him 7 h of rest (his
    # own reason, in full); the chat shift he gives back needs a skill Chris lacks (Chris's
    # reason, which Bram may not see: no name, no employee number, no skill, no figures).
    world = build(sessions, {("1002", 0): at(0, 14, 30), ("1003", 1): at(1, 6)})
    chat = _chat_shift(world, "1002", 3)
    chris, bram = person(world, Role.AGENT, agent="1003"), person(world, Role.AGENT, agent="1002")
    swap = offer_swap(sessions, chris, shift_id=world.shifts[("1003", 1)], now=NOW, note=None)

    with pytest.raises(SwapRefusedError) as refused:
        accept_swap(sessions, bram, swap.id, shift_in_return_id=chat, now=NOW)

    assert [(v.agent_id, v.rule) for v in refused.value.violations] == [
        (world.agents["1002"], "daily_rest")
    ]
    assert refused.value.colleague_cannot_take
    message = str(refused.value)
    assert "your colleague cannot take this swap" in message
    for private in ("1003", "Chris", "chat", "skill"):
        assert private not in message


def test_an_agent_whose_own_rules_hold_hears_only_that_the_colleague_cannot_take_it(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1003", 1): at(1, 8)})
    chat = _chat_shift(world, "1002", 3)
    chris, bram = person(world, Role.AGENT, agent="1003"), person(world, Role.AGENT, agent="1002")
    swap = offer_swap(sessions, chris, shift_id=world.shifts[("1003", 1)], now=NOW, note=None)
    with pytest.raises(SwapRefusedError) as refused:
        accept_swap(sessions, bram, swap.id, shift_in_return_id=chat, now=NOW)
    assert (refused.value.violations, refused.value.colleague_cannot_take) == ((), True)
    assert str(refused.value) == (
        "the swap breaks the labour rules: your colleague cannot take this swap"
    )


def test_an_approver_sees_a_missing_skill_once_and_named(sessions: SessionFactory) -> None:
    # Anouk takes Bram's chat shift while she has the chat skill; it is taken from her before
    # the decision. The shift has two blocks of chat work: one reason, naming the skill.
    world = build(sessions, {("1001", 0): at(0, 8)})
    chat = _chat_shift(world, "1002", 3)
    with transaction(sessions) as session:
        session.add(AgentSkill(agent_id=world.agents["1001"], skill_id=world.skills["chat"]))
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    swap = offer_swap(sessions, bram, shift_id=chat, now=NOW, note=None)
    taken = accept_swap(sessions, anouk, swap.id, shift_in_return_id=None, now=NOW)
    with transaction(sessions) as session:
        session.execute(
            delete(AgentSkill).where(
                AgentSkill.agent_id == world.agents["1001"],
                AgentSkill.skill_id == world.skills["chat"],
            )
        )
    planner = person(world, Role.PLANNER)
    with pytest.raises(SwapRefusedError) as refused:
        decide_swap(
            sessions,
            planner,
            swap.id,
            approve=True,
            schedule_version=taken.schedule_version,
            now=NOW,
        )
    [violation] = refused.value.violations
    assert (violation.agent_id, violation.rule) == (world.agents["1001"], "skill_missing")
    assert (violation.skill, violation.skill_name) == ("chat", "chat")
    assert not refused.value.colleague_cannot_take


def test_a_decision_on_a_swap_decided_meanwhile_says_what_happened_by_whom_and_when(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 1): at(1, 8)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    planner, lead = person(world, Role.PLANNER), person(world, Role.TEAM_LEAD, team="Noord")
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    accept_swap(sessions, bram, swap.id, shift_in_return_id=None, now=NOW)
    decided_at = NOW + timedelta(minutes=5)
    decide_swap(
        sessions, planner, swap.id, approve=True, schedule_version=world.version(), now=decided_at
    )

    with pytest.raises(SwapDecidedError) as stale:
        decide_swap(sessions, lead, swap.id, approve=False, now=decided_at + timedelta(minutes=1))

    assert isinstance(stale.value, ConflictError)
    assert (stale.value.stage, stale.value.decided_by) == (SwapStage.APPROVED, planner.email)
    assert stale.value.decided_at == decided_at
    assert str(stale.value) == (
        f"swap {swap.id} was approved already by {planner.email} at {decided_at.isoformat()}"
    )
    assert world.owner(world.shifts[("1001", 1)]) == "1002"  # the approval stands


def test_only_own_shifts_the_swap_check_accepts_are_offered_in_return(
    sessions: SessionFactory,
) -> None:
    # Chris offers Friday; Bram could give back Thursday (general work: Chris can take it),
    # Saturday's chat shift (Chris lacks chat) or Wednesday's, which has started by ``later``.
    world = build(sessions, {("1003", 4): at(4, 12), ("1002", 3): at(3, 8), ("1002", 2): at(2, 8)})
    chat = _chat_shift(world, "1002", 5)
    chris, bram = person(world, Role.AGENT, agent="1003"), person(world, Role.AGENT, agent="1002")
    swap = offer_swap(sessions, chris, shift_id=world.shifts[("1003", 4)], now=NOW, note=None)
    thursday, wednesday = world.shifts[("1002", 3)], world.shifts[("1002", 2)]
    candidates = [wednesday, thursday, chat]

    assert returns_that_fit(sessions, bram, [swap.id], shift_ids=candidates, now=NOW) == {
        swap.id: [wednesday, thursday]
    }
    later = at(2, 9)
    assert returns_that_fit(sessions, bram, [swap.id], shift_ids=candidates, now=later) == {
        swap.id: [thursday]
    }
    # Each shift it lists is one that taking the offer really accepts.
    assert accept_swap(sessions, bram, swap.id, shift_in_return_id=thursday, now=NOW).stage is (
        SwapStage.ACCEPTED
    )
    # Taken: nothing fits any more, and Chris himself is offered nothing for his own offer.
    assert returns_that_fit(sessions, bram, [swap.id], shift_ids=candidates, now=NOW) == {
        swap.id: []
    }


def test_taking_an_offer_withdrawn_meanwhile_says_so_and_when(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 1): at(1, 8)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    withdraw_swap(sessions, anouk, swap.id, now=NOW)
    with pytest.raises(SwapDecidedError) as stale:
        accept_swap(sessions, bram, swap.id, shift_in_return_id=None, now=NOW)
    assert str(stale.value) == f"swap {swap.id} was withdrawn already at {NOW.isoformat()}"


def test_an_offer_overlapping_an_own_shift_names_it_and_can_be_taken_only_with_it_in_return(
    sessions: SessionFactory,
) -> None:
    # Bram offers his late Friday (12:00-20:30) and his Tuesday; Anouk works early Friday
    # (07:00-15:30). Taking the late one for nothing gives her two shifts at once; giving her
    # early Friday in return is a real swap.
    world = build(sessions, {("1002", 4): at(4, 12), ("1002", 1): at(1, 8), ("1001", 4): at(4, 7)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    late = offer_swap(sessions, bram, shift_id=world.shifts[("1002", 4)], now=NOW, note=None)
    tuesday = offer_swap(sessions, bram, shift_id=world.shifts[("1002", 1)], now=NOW, note=None)
    early = world.shifts[("1001", 4)]
    offers = [
        s
        for s in visible_swaps(sessions, anouk, now=NOW)
        if s.offered_by_agent_id != anouk.agent_id
    ]
    assert {s.id for s in offers} == {late.id, tuesday.id}

    overlapping = own_shifts_overlapping(sessions, anouk, offers, now=NOW)
    assert list(overlapping) == [late.id]
    own = overlapping[late.id]
    assert (own.id, own.starts_at, own.ends_at) == (early, at(4, 7), at(4, 15, 30))
    # Once her early shift has started it is no longer hers to give: nothing to name.
    assert own_shifts_overlapping(sessions, anouk, offers, now=at(4, 8)) == {}

    with pytest.raises(SwapRefusedError):
        accept_swap(sessions, anouk, late.id, shift_in_return_id=None, now=NOW)
    taken = accept_swap(sessions, anouk, late.id, shift_in_return_id=early, now=NOW)
    assert (taken.return_starts_at, taken.return_ends_at) == (at(4, 7), at(4, 15, 30))


def test_an_offer_that_would_take_the_taker_above_their_weekly_maximum_says_so_cheaply(
    sessions: SessionFactory,
) -> None:
    # Chris (contract maximum 16 h) works 8 h on Monday; Anouk offers Tuesday and Wednesday
    # (8 h each). Tuesday brings him to exactly 16 h; with it, Wednesday would be 24 h.
    world = build(
        sessions,
        {("1003", 0): at(0, 8), ("1001", 1): at(1, 8), ("1001", 2): at(2, 8)},
    )
    anouk, chris = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1003")
    tuesday = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    wednesday = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 2)], now=NOW, note=None)
    offers = [
        s
        for s in visible_swaps(sessions, chris, now=NOW)
        if s.offered_by_agent_id != chris.agent_id
    ]
    assert offers_above_maximum(sessions, chris, offers) == {}
    bram = person(world, Role.AGENT, agent="1002")  # maximum 40 h, no shifts: no limit near
    assert offers_above_maximum(sessions, bram, offers) == {}

    accept_swap(sessions, chris, tuesday.id, shift_in_return_id=None, now=NOW)
    decide_swap(
        sessions,
        person(world, Role.PLANNER),
        tuesday.id,
        approve=True,
        schedule_version=world.version(),
        now=NOW,
    )

    above = offers_above_maximum(sessions, chris, [wednesday])
    assert list(above) == [wednesday.id]
    assert (above[wednesday.id].week_start, above[wednesday.id].minutes_after) == (WEEK, 24 * 60)
    assert above[wednesday.id].max_minutes == 16 * 60
    # The full check on taking agrees; giving a shift of that week back is still a swap.
    with pytest.raises(SwapRefusedError, match="contract_max_per_week"):
        accept_swap(sessions, chris, wednesday.id, shift_in_return_id=None, now=NOW)
    monday = world.shifts[("1003", 0)]
    assert returns_that_fit(sessions, chris, [wednesday.id], shift_ids=[monday], now=NOW) == {
        wednesday.id: [monday]
    }


def test_a_swap_names_the_times_of_the_shift_that_goes_back_to_its_approver(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 1): at(1, 8), ("1002", 5): at(5, 9)})
    anouk, bram = person(world, Role.AGENT, agent="1001"), person(world, Role.AGENT, agent="1002")
    lead = person(world, Role.TEAM_LEAD, team="Noord")
    swap = offer_swap(sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    assert (swap.return_starts_at, swap.return_ends_at) == (None, None)
    accept_swap(sessions, bram, swap.id, shift_in_return_id=world.shifts[("1002", 5)], now=NOW)
    (seen,) = [s for s in visible_swaps(sessions, lead, now=NOW) if s.id == swap.id]
    assert (seen.return_starts_at, seen.return_ends_at) == (at(5, 9), at(5, 17, 30))
