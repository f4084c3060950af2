"""An agent's availability and standing wishes over HTTP: their own only, refusals with reasons."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.api.conftest import NOW, World, bearer


def test_each_agent_sees_and_withdraws_only_their_own_windows(
    client: TestClient, world: World
) -> None:
    anouk, bram = bearer(world, "agent"), bearer(world, "agent2")
    assert client.get("/api/v1/me/availability", headers=bram).json() == {
        "windows": [],
        "wishes": [],
    }
    mine = client.get("/api/v1/me/availability", headers=anouk).json()
    assert [w["id"] for w in mine["windows"]] == [world.own_window_id]
    assert [(w["kind"], w["weekday"]) for w in mine["wishes"]] == [("day_off", 2)]
    gone = client.delete(f"/api/v1/me/availability/{world.own_window_id}", headers=bram)
    assert gone.status_code == 404, gone.text
    gone = client.delete(f"/api/v1/me/availability/{world.own_window_id}", headers=anouk)
    assert gone.status_code == 204, gone.text
    assert client.get("/api/v1/me/availability", headers=anouk).json()["windows"] == []


def test_unavailability_over_a_published_shift_is_a_conflict_that_says_what_to_do(
    client: TestClient, world: World
) -> None:
    declared = client.post(
        "/api/v1/me/availability",
        json={
            "kind": "unavailable",
            "starts_at": world.shift_start.isoformat(),
            "ends_at": (world.shift_start + timedelta(hours=2)).isoformat(),
        },
        headers=bearer(world, "agent"),
    )
    assert declared.status_code == 409, declared.text
    assert "ask for time off or offer it for a swap" in declared.json()["error"]["message"]


def test_a_wish_outside_its_range_is_refused_by_field(client: TestClient, world: World) -> None:
    refused = client.post(
        "/api/v1/me/wishes",
        json={"kind": "day_off", "weekday": 7},
        headers=bearer(world, "agent"),
    )
    assert refused.status_code == 422, refused.text
    assert "weekday" in refused.text
    added = client.post(
        "/api/v1/me/wishes",
        json={"kind": "day_off", "on_date": (NOW + timedelta(days=3)).date().isoformat()},
        headers=bearer(world, "agent"),
    )
    assert added.status_code == 201, added.text
