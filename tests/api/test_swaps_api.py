"""Swaps over HTTP: refusals carry the broken rule and its figures; approval moves the shift."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World, bearer


def test_taking_a_shift_at_the_same_time_as_ones_own_is_refused_with_the_rule(
    client: TestClient, world: World
) -> None:
    offered = client.post(
        "/api/v1/swaps", json={"shift_id": world.shift_ids["1002"]}, headers=bearer(world, "agent2")
    )
    assert offered.status_code == 201, offered.text
    taken = client.post(
        f"/api/v1/swaps/{offered.json()['id']}/accept", json={}, headers=bearer(world, "agent")
    )
    assert taken.status_code == 422, taken.text
    error = taken.json()["error"]
    assert error["code"] == "swap_breaks_labour_rules"
    assert {(d["agent"], d["rule"]) for d in error["details"]} == {
        ("1001 (Anouk de Vries)", "overlapping_work")
    }
    assert "1001 (Anouk de Vries)" in error["message"]


def test_an_accepted_swap_approved_by_a_planner_moves_the_shift(
    client: TestClient, world: World
) -> None:
    anouk, bram = bearer(world, "agent"), bearer(world, "agent2")
    accepted = client.post(f"/api/v1/swaps/{world.open_swap_id}/accept", json={}, headers=anouk)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["stage"] == "accepted"
    seen_by_bram = {s["id"]: s["stage"] for s in client.get("/api/v1/swaps", headers=bram).json()}
    assert seen_by_bram[world.open_swap_id] == "accepted"

    version = accepted.json()["schedule_version"]
    approved = client.post(
        f"/api/v1/swaps/{world.open_swap_id}/decision",
        json={"approve": True, "schedule_version": version},
        headers=bearer(world, "planner"),
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["stage"] == "approved"
    assert approved.json()["schedule_version"] == version + 1
    mine = client.get(
        "/api/v1/me/schedule", params={"to": "2020-04-30T00:00:00+00:00"}, headers=anouk
    ).json()
    assert world.shift_ids["1002+2"] in {s["id"] for s in mine}


def test_approving_against_an_old_schedule_version_is_a_conflict(
    client: TestClient, world: World
) -> None:
    stale = client.post(
        f"/api/v1/swaps/{world.accepted_swap_id}/decision",
        json={"approve": True, "schedule_version": world.schedule_version + 5},
        headers=bearer(world, "admin"),
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    missing = client.post(
        f"/api/v1/swaps/{world.accepted_swap_id}/decision",
        json={"approve": True},
        headers=bearer(world, "admin"),
    )
    assert missing.status_code == 422
    assert "schedule_version" in missing.json()["error"]["message"]


def test_an_agent_sees_their_offers_and_those_they_may_take(
    client: TestClient, world: World
) -> None:
    anouk = {s["id"] for s in client.get("/api/v1/swaps", headers=bearer(world, "agent")).json()}
    assert anouk == {world.open_swap_id, world.own_swap_id, world.accepted_swap_id}
    staff = client.get("/api/v1/swaps", headers=bearer(world, "planner")).json()
    assert len(staff) == 3  # a team lead: only swaps within the team (test_team_scope.py)


def test_an_agent_refused_for_the_colleagues_reasons_gets_none_of_the_colleagues_data(
    client: TestClient, world: World
) -> None:
    # Anouk takes Bram's offer and gives him her first shift in return, which lies on top of
    # Bram's own first shift: his overlap, his data.
    taken = client.post(
        f"/api/v1/swaps/{world.open_swap_id}/accept",
        json={"shift_in_return_id": world.shift_ids["1001"]},
        headers=bearer(world, "agent"),
    )
    assert taken.status_code == 422, taken.text
    error = taken.json()["error"]
    assert error["code"] == "swap_breaks_labour_rules"
    assert error["details"] == [
        {"rule": "colleague_cannot_take", "reason": "your colleague cannot take this swap"}
    ]
    for private in ("Bram", "1002", "overlap"):
        assert private not in taken.text
