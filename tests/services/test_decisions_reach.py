"""Who decides what follows the one reach rule of services/access.py: a planner their own
organisation's agents, a team lead with a team that team's, a team lead without a team the
whole organisation's; the team overview lists the active agents in reach."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bezetting.services.absence import request_time_off
from bezetting.services.errors import NotFoundError
from bezetting.services.imports import ImportOptions, import_agents
from bezetting.services.organisations import create_organisation
from bezetting.services.overview import team_overview
from bezetting.services.requests import decide_request
from bezetting.services.swaps import SwapStage, accept_swap, decide_swap, offer_swap
from bezetting.store import SessionFactory, transaction
from bezetting.store.enums import Role
from bezetting.store.models import Agent
from tests.services.conftest import NOW
from tests.services.test_overview import AMSTERDAM
from tests.services.test_swaps import World, at, build, person


def test_a_planner_cannot_decide_time_off_of_another_organisations_agent(
    sessions: SessionFactory,
) -> None:
    world = build(sessions, {("1001", 1): at(1, 8)})
    deciders = [person(world, role) for role in (Role.PLANNER, Role.ADMIN, Role.TEAM_LEAD)]
    create_organisation(sessions, "ander", name="Andere Gemeente", now=NOW)
    import_agents(
        sessions,
        b"external_id,name,contract_hours\n9001,Elders Een,32\n",
        file_name="agents.csv",
        now=NOW,
        options=ImportOptions(organisation="ander"),
    )
    with transaction(sessions) as session:
        elsewhere = session.scalars(select(Agent.id).where(Agent.external_id == "9001")).one()
    leave = request_time_off(
        sessions, agent_id=elsewhere, starts_at=at(2, 0), ends_at=at(3, 0), now=NOW
    )
    for decider in deciders:  # the team lead has no team: the whole organisation, not others
        with pytest.raises(NotFoundError):
            decide_request(sessions, decider, leave.id, approve=True, now=NOW)


def _swap_across_teams(world: World) -> int:
    """Anouk (Noord) offers her day-1 shift; Chris (Zuid) takes it."""
    anouk = person(world, Role.AGENT, agent="1001")
    chris = person(world, Role.AGENT, agent="1003")
    swap = offer_swap(world.sessions, anouk, shift_id=world.shifts[("1001", 1)], now=NOW, note=None)
    accept_swap(world.sessions, chris, swap.id, shift_in_return_id=None, now=NOW)
    return swap.id


def test_a_team_lead_without_a_team_decides_a_swap_across_teams(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 1): at(1, 8)})
    swap = _swap_across_teams(world)
    decided = decide_swap(sessions, person(world, Role.TEAM_LEAD), swap, approve=False, now=NOW)
    assert decided.stage is SwapStage.REJECTED


def test_the_team_overview_lists_the_active_agents_in_reach(sessions: SessionFactory) -> None:
    world = build(sessions, {("1001", 1): at(1, 8)})
    with transaction(sessions, writes=True) as session:
        bram = session.get(Agent, world.agents["1002"])
        assert bram is not None
        bram.active = False
    noord = team_overview(
        sessions, person(world, Role.TEAM_LEAD, team="Noord"), now=NOW, zone=AMSTERDAM
    )
    everyone = team_overview(sessions, person(world, Role.TEAM_LEAD), now=NOW, zone=AMSTERDAM)
    assert [a.name for a in noord.agents] == ["Anouk de Vries"]
    assert [a.name for a in everyone.agents] == ["Anouk de Vries", "Chris Smit"]
