"""A team lead with a team reaches only that team's agents, through every route that names
agents; a team lead without a team reaches the whole organisation, as on the team page.

The world: team lead of Noord; agent 1001 (Anouk) in Noord, 1002 (Bram) in Zuid with a
pending time-off request; swaps: an open offer of Bram's, an open offer of Anouk's, and an
offer of Bram's that Anouk took.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bezetting.services.users import create_user, issue_token
from bezetting.store.enums import Role, TokenScope
from tests.api.conftest import NOW, PASSWORD, World, bearer


def test_a_team_lead_lists_only_their_teams_agents(client: TestClient, world: World) -> None:
    listed = client.get("/api/v1/agents", headers=bearer(world, "team_lead")).json()
    assert [a["external_id"] for a in listed] == ["1001"]


def test_another_teams_agent_is_not_found_for_a_team_lead(client: TestClient, world: World) -> None:
    other_team = client.get(
        f"/api/v1/agents/{world.agent_ids['1002']}", headers=bearer(world, "team_lead")
    )
    assert other_team.status_code == 404
    assert set(other_team.json()) == {"error"}  # no name, no contract hours
    own_team = client.get(
        f"/api/v1/agents/{world.agent_ids['1001']}", headers=bearer(world, "team_lead")
    )
    assert own_team.json()["name"] == "Anouk de Vries"


def test_a_team_lead_lists_only_their_teams_requests(client: TestClient, world: World) -> None:
    listed = client.get("/api/v1/requests", headers=bearer(world, "team_lead")).json()
    assert world.pending_request_id not in {r["id"] for r in listed}
    assert {r["agent_id"] for r in listed} <= {world.agent_ids["1001"]}
    everyone = client.get("/api/v1/requests", headers=bearer(world, "planner")).json()
    assert world.pending_request_id in {r["id"] for r in everyone}


def test_a_team_lead_lists_only_swaps_between_agents_of_their_team(
    client: TestClient, world: World
) -> None:
    listed = client.get("/api/v1/swaps", headers=bearer(world, "team_lead")).json()
    # Bram's offers name an agent of Zuid, also the one Anouk took.
    assert [s["id"] for s in listed] == [world.own_swap_id]
    everyone = client.get("/api/v1/swaps", headers=bearer(world, "planner")).json()
    assert {s["id"] for s in everyone} == {
        world.open_swap_id,
        world.own_swap_id,
        world.accepted_swap_id,
    }


def test_a_team_lead_reports_only_their_teams_agents_sick(client: TestClient, world: World) -> None:
    other_team = client.post(
        "/api/v1/absences/sick",
        json={"agent_id": world.agent_ids["1002"]},
        headers=bearer(world, "team_lead"),
    )
    assert other_team.status_code == 404


def test_a_team_lead_without_a_team_reaches_every_agent_of_the_organisation(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sessions = app.state.bezetting.sessions
    user = create_user(
        sessions,
        email="lead-of-all@example.nl",
        password=PASSWORD,
        role=Role.TEAM_LEAD,
        now=NOW,
        organisation="gemeente",
    )
    token = issue_token(
        sessions,
        user_id=user.id,
        organisation_id=world.organisation_id,
        scope=TokenScope.API,
        label="tests",
        now=NOW,
    ).token
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/agents", headers=headers).json()
    assert sorted(a["external_id"] for a in listed) == ["1001", "1002"]
    assert client.get(f"/api/v1/agents/{world.agent_ids['1002']}", headers=headers).is_success
    requests = client.get("/api/v1/requests", headers=headers).json()
    assert world.pending_request_id in {r["id"] for r in requests}
    swaps = client.get("/api/v1/swaps", headers=headers).json()
    assert len(swaps) == 3
    elsewhere = client.get(f"/api/v1/agents/{world.other_agent_id}", headers=headers)
    assert elsewhere.status_code == 404
