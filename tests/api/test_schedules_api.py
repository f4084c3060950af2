"""Schedules over HTTP: a planner lists them and publishes a draft, on the page's terms."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bezetting.api.deps import AppContext
from bezetting.services.planning_settings import PLANNING_BREAKS, set_planning_settings
from bezetting.services.schedules import ShiftPlan, create_schedule
from tests.api.conftest import NOW, World, bearer, draft_on_approved_leave


def _draft_over_the_published_week(app: FastAPI, world: World) -> tuple[int, int]:
    """A re-plan of the published week: Bram works day 2 again, an hour later."""
    context: AppContext = app.state.bezetting
    day2 = world.shift_start + timedelta(days=2, hours=1)
    ref = create_schedule(
        context.sessions,
        name="week 13, re-planned",
        period_start=world.shift_start.date(),
        period_end=world.shift_start.date() + timedelta(days=6),
        now=NOW,
        organisation="gemeente",
        shifts=[
            ShiftPlan(
                agent_id=world.agent_ids["1002"],
                starts_at=day2,
                ends_at=day2 + timedelta(hours=8),
            )
        ],
    )
    return ref.id, ref.version


def test_a_planner_lists_the_organisations_schedules_with_their_versions(
    client: TestClient, world: World
) -> None:
    listed = client.get("/api/v1/schedules", headers=bearer(world, "planner"))
    assert listed.status_code == 200, listed.text
    by_name = {s["name"]: s for s in listed.json()}
    assert set(by_name) == {"week 13", "next week, draft"}
    assert by_name["week 13"]["status"] == "published"
    assert by_name["week 13"]["shift_count"] == 5
    assert by_name["next week, draft"] == {
        "id": world.draft_schedule_id,
        "name": "next week, draft",
        "period_start": (world.shift_start + timedelta(days=7)).date().isoformat(),
        "period_end": (world.shift_start + timedelta(days=13)).date().isoformat(),
        "status": "draft",
        "version": world.draft_version,
        "shift_count": 1,
        "published_at": None,
        "built_with": None,  # made by hand: no planning settings recorded
        "built_as_now": None,
    }
    assert client.get("/api/v1/schedules", headers=bearer(world, "team_lead")).status_code == 403


def test_a_built_schedule_lists_the_planning_settings_it_went_by(
    app: FastAPI, client: TestClient, world: World
) -> None:
    context: AppContext = app.state.bezetting
    cao = {
        "rules": {"name": "CAO", "min_daily_rest_minutes": 720},
        "breaks": dict(PLANNING_BREAKS),
        "weights": {},
    }
    ref = create_schedule(
        context.sessions, name="built", period_start=world.shift_start.date(),
        period_end=world.shift_start.date(), now=NOW, organisation="gemeente", built_with=cao,
    )  # fmt: skip
    listed = client.get("/api/v1/schedules", headers=bearer(world, "planner")).json()
    (built,) = [s for s in listed if s["id"] == ref.id]
    assert built["built_with"] == cao
    assert built["built_as_now"] is False  # nothing is stored: the law is in force
    set_planning_settings(
        context.sessions, organisation_id=world.organisation_id, settings=cao, now=NOW
    )
    listed = client.get("/api/v1/schedules", headers=bearer(world, "planner")).json()
    assert [s["built_as_now"] for s in listed if s["id"] == ref.id] == [True]


def test_publishing_a_draft_shows_its_shifts_to_the_agent(client: TestClient, world: World) -> None:
    anouk = bearer(world, "agent")
    until = {"to": (world.shift_start + timedelta(days=14)).isoformat()}
    before = client.get("/api/v1/me/schedule", params=until, headers=anouk).json()

    published = client.post(
        f"/api/v1/schedules/{world.draft_schedule_id}/publish",
        json={"version": world.draft_version},
        headers=bearer(world, "planner"),
    )

    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    assert published.json()["version"] == world.draft_version + 1
    assert published.json()["published_at"] is not None
    after = client.get("/api/v1/me/schedule", params=until, headers=anouk).json()
    assert len(after) == len(before) + 1


def test_publishing_at_an_old_version_or_twice_is_refused(client: TestClient, world: World) -> None:
    planner = bearer(world, "planner")
    url = f"/api/v1/schedules/{world.draft_schedule_id}/publish"
    stale = client.post(url, json={"version": world.draft_version + 1}, headers=planner)
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert client.post(url, json={"version": world.draft_version}, headers=planner).is_success
    again = client.post(url, json={"version": world.draft_version + 1}, headers=planner)
    assert again.status_code == 422
    assert "already published" in again.json()["error"]["message"]
    missing = client.post(url, json={}, headers=planner)
    assert missing.status_code == 422
    assert "version" in str(missing.json()["error"]["details"])


def test_a_schedule_of_another_organisation_or_none_at_all_is_not_found(
    client: TestClient, world: World
) -> None:
    unknown = client.post(
        "/api/v1/schedules/99999/publish", json={"version": 1}, headers=bearer(world, "admin")
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"


def test_a_re_plan_over_published_shifts_is_refused_unless_it_replaces_them(
    app: FastAPI, client: TestClient, world: World
) -> None:
    planner = bearer(world, "planner")
    draft_id, version = _draft_over_the_published_week(app, world)
    url = f"/api/v1/schedules/{draft_id}/publish"

    refused = client.post(url, json={"version": version}, headers=planner)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "overlapping_shifts"
    assert "Bram Jansen" in refused.json()["error"]["message"]

    replaced = client.post(
        url, json={"version": version, "replace_published": True}, headers=planner
    )
    assert replaced.status_code == 200, replaced.text
    by_name = {s["name"]: s for s in client.get("/api/v1/schedules", headers=planner).json()}
    assert by_name["week 13"]["shift_count"] == 0  # every shift of it was still to come
    set_aside = by_name[f"week 13 (replaced by schedule {draft_id})"]
    assert (set_aside["status"], set_aside["shift_count"]) == ("draft", 5)
    offers = {s["id"]: s["stage"] for s in client.get("/api/v1/swaps", headers=planner).json()}
    assert offers[world.open_swap_id] == "withdrawn"
    # The replaced shifts are kept to look back at: publishing them again is refused.
    again = client.post(
        f"/api/v1/schedules/{set_aside['id']}/publish",
        json={"version": set_aside["version"], "replace_published": True},
        headers=planner,
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "replaced_schedule"
    assert f"schedule {draft_id} replaced" in again.json()["error"]["message"]


def test_publishing_lists_the_shifts_left_out_for_approved_time_off(
    app: FastAPI, client: TestClient, world: World
) -> None:
    planner = bearer(world, "planner")
    draft_id = draft_on_approved_leave(app, world, "1001", "1002")

    published = client.post(
        f"/api/v1/schedules/{draft_id}/publish", json={"version": 1}, headers=planner
    )

    assert published.status_code == 200, published.text
    body = published.json()
    assert (body["status"], body["shift_count"]) == ("published", 1)
    by_name = {s["name"]: s for s in client.get("/api/v1/schedules", headers=planner).json()}
    given_back = by_name["week 16 (given back)"]
    assert (given_back["status"], given_back["shift_count"]) == ("draft", 1)
    (left_out,) = body["left_out"]
    assert left_out == {
        "shift_id": left_out["shift_id"],
        "agent_id": world.agent_ids["1001"],
        "agent_name": "Anouk de Vries",
        "starts_at": "2020-04-07T07:00:00Z",
        "ends_at": "2020-04-07T15:00:00Z",
        "time_off_request_id": left_out["time_off_request_id"],
        "time_off_starts_at": "2020-04-06T22:00:00Z",
        "time_off_ends_at": "2020-04-07T22:00:00Z",
        "given_back_schedule_id": given_back["id"],
        "given_back_schedule_name": "week 16 (given back)",
    }


def test_a_draft_whose_every_shift_is_on_approved_time_off_is_refused(
    app: FastAPI, client: TestClient, world: World
) -> None:
    planner = bearer(world, "planner")
    draft_id = draft_on_approved_leave(app, world, "1001")

    refused = client.post(
        f"/api/v1/schedules/{draft_id}/publish", json={"version": 1}, headers=planner
    )

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "shifts_on_time_off"
    assert "Anouk de Vries" in refused.json()["error"]["message"]
    by_name = {s["name"]: s for s in client.get("/api/v1/schedules", headers=planner).json()}
    assert (by_name["week 16"]["status"], by_name["week 16"]["version"]) == ("draft", 1)
    assert "week 16 (given back)" not in by_name
