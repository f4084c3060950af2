"""``/requests``: approving time off gives back the shifts it overlaps, as on the team page;
a pending request lists them in ``clashes`` beforehand."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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


def _ask(client: TestClient, world: World, who: str, starts: datetime, ends: datetime) -> Any:
    """The answer to ``who`` asking for time off (a test client's response)."""
    return client.post(
        "/api/v1/requests/time-off",
        json={"starts_at": starts.isoformat(), "ends_at": ends.isoformat()},
        headers=bearer(world, who),
    )


def test_an_agent_withdraws_their_own_pending_time_off(client: TestClient, world: World) -> None:
    pending = world.pending_request_id  # Bram's
    assert (
        client.post(
            f"/api/v1/requests/{pending}/withdraw", headers=bearer(world, "agent")
        ).status_code
        == 404
    )  # Anouk's token: not hers
    assert (
        client.post(
            f"/api/v1/requests/{pending}/withdraw", headers=bearer(world, "planner")
        ).status_code
        == 403
    )
    withdrawn = client.post(f"/api/v1/requests/{pending}/withdraw", headers=bearer(world, "agent2"))
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/requests/{pending}/withdraw", headers=bearer(world, "agent2"))
    assert again.status_code == 409


def test_a_planner_cancels_approved_time_off_that_has_not_started(
    client: TestClient, world: World
) -> None:
    pending = world.pending_request_id
    path = f"/api/v1/requests/{pending}/cancel"
    assert client.post(path, headers=bearer(world, "planner")).status_code == 409  # pending
    client.post(
        f"/api/v1/requests/{pending}/decision",
        json={"approve": True},
        headers=bearer(world, "planner"),
    )
    assert client.post(path, headers=bearer(world, "agent2")).status_code == 403
    cancelled = client.post(path, headers=bearer(world, "planner"))
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"


def test_time_off_from_today_up_to_the_maximum_length(client: TestClient, world: World) -> None:
    today = datetime(2020, 3, 16, tzinfo=ZoneInfo("Europe/Amsterdam"))  # NOW is 08:00 then
    assert _ask(client, world, "agent", today, today + timedelta(days=1)).status_code == 201
    yesterday = _ask(client, world, "agent2", today - timedelta(days=1), today)
    assert yesterday.status_code == 422
    assert yesterday.json()["error"]["message"].startswith(
        "starts_at: time off cannot start before today (2020-03-16)"
    )
    first = datetime(2020, 5, 1, tzinfo=ZoneInfo("Europe/Amsterdam"))
    too_long = _ask(client, world, "agent2", first, first + timedelta(days=43))
    assert too_long.status_code == 422
    assert too_long.json()["error"]["message"] == (
        "ends_at: time off is at most 42 days at once; 2020-05-01 to 2020-06-12 is 43 days"
    )
