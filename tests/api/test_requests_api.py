"""``/requests``: approving time off gives back the shifts it overlaps, as on the team page;
a pending request lists them in ``clashes`` beforehand."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from tests.api.conftest import World, bearer


def test_approving_time_off_gives_back_the_shift_and_withdraws_its_offer(
    client: TestClient, world: World
) -> None:
    day_4 = world.shift_start + timedelta(days=3)  # Anouk's offered shift, 8 hours
    created = client.post(
        "/api/v1/requests/time-off",
        json={
            "starts_at": (day_4 + timedelta(hours=4)).isoformat(),  # the second half only
            "ends_at": (day_4 + timedelta(hours=12)).isoformat(),
        },
        headers=bearer(world, "agent"),
    )
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    listed = client.get("/api/v1/requests", headers=bearer(world, "planner")).json()
    (pending,) = [r for r in listed if r["id"] == request_id]
    shift_id = world.shift_ids["1001+3"]
    assert [(c["shift_id"], c["whole"], c["started"]) for c in pending["clashes"]] == [
        (shift_id, False, False)
    ]
    assert datetime.fromisoformat(pending["clashes"][0]["starts_at"]) == day_4

    decided = client.post(
        f"/api/v1/requests/{request_id}/decision",
        json={"approve": True},
        headers=bearer(world, "planner"),
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved"
    assert [c["shift_id"] for c in decided.json()["clashes"]] == [shift_id]
    mine = client.get("/api/v1/me/schedule", headers=bearer(world, "agent")).json()
    assert [datetime.fromisoformat(s["starts_at"]) for s in mine] == [world.shift_start]
    swaps = client.get("/api/v1/swaps", headers=bearer(world, "agent")).json()
    (own,) = [s for s in swaps if s["id"] == world.own_swap_id]
    assert own["stage"] == "withdrawn"


def test_a_request_without_shifts_has_no_clashes(client: TestClient, world: World) -> None:
    listed = client.get("/api/v1/requests", headers=bearer(world, "planner")).json()
    (pending,) = [r for r in listed if r["id"] == world.pending_request_id]
    assert pending["clashes"] == []
    decided = client.post(
        f"/api/v1/requests/{world.pending_request_id}/decision",
        json={"approve": True},
        headers=bearer(world, "planner"),
    )
    assert decided.json()["clashes"] == []
